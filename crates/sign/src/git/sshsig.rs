//! SSH commit signatures (`gpg.format = ssh`): an armored SSHSIG (`-----BEGIN SSH
//! SIGNATURE-----`, PROTOCOL.sshsig) over the commit payload in namespace `git`, checked with
//! ssh-key and then against the [`AllowedSigners`] file.
//!
//! Policy, following `ssh-keygen -Y verify -n git -I <principal> -Overify-time=<commit time>`
//! with the committer's email as the principal: some plain-key line of the file must have the
//! signing key, a principal pattern matching the committer email, a `namespaces` option (if
//! any) admitting `git`, and a `valid-after`/`valid-before` window holding the committer time.
//! git itself (gpg-interface.c) asks `ssh-keygen -Y find-principals` for *any* principal of the
//! key and accepts the signature whoever committed; binding the key to the committer is
//! stricter on purpose: otherwise any allowed key vouches for commits in anyone's name.
//! Signatures made with OpenSSH certificates (`cert-authority` lines) are reported as
//! unsupported.

use jiff::Timestamp;
use ssh_key::{HashAlg, PublicKey, SshSig};

use super::allowed_signers::AllowedSigners;
use super::commit::Identity;
use super::{SignatureCheck, Status};

/// The namespace git signs commits in.
const NAMESPACE: &str = "git";

/// Checks the armored SSHSIG `armored` over `payload` for a commit by `committer`.
pub(crate) fn verify(
    armored: &[u8],
    payload: &[u8],
    committer: Option<&Identity>,
    signers: Option<&AllowedSigners>,
    now: Timestamp,
) -> SignatureCheck {
    let signature = match SshSig::from_pem(armored) {
        Ok(signature) => signature,
        Err(error) => {
            return SignatureCheck::new(
                Status::BadSignature,
                format!("malformed SSH signature: {error}"),
            );
        }
    };
    if signature.public_key().is_certificate() {
        return SignatureCheck::new(
            Status::Unsupported,
            "signatures by SSH certificates (cert-authority) are not supported".to_owned(),
        );
    }
    let key = PublicKey::new(signature.public_key().clone(), "");
    let fingerprint = key.fingerprint(HashAlg::Sha256).to_string();
    let check = |status, reason: String| SignatureCheck {
        key: Some(fingerprint.clone()),
        ..SignatureCheck::new(status, reason)
    };
    if signature.namespace() != NAMESPACE {
        return check(
            Status::BadSignature,
            format!(
                "signed in namespace `{}`, not `{NAMESPACE}`",
                signature.namespace()
            ),
        );
    }
    if let Err(error) = key.verify(NAMESPACE, payload, &signature) {
        return check(
            Status::BadSignature,
            format!("the signature does not match the commit: {error}"),
        );
    }
    let Some(signers) = signers else {
        return check(
            Status::UnknownKey,
            "no allowed signers file was given (--allowed-signers)".to_owned(),
        );
    };
    let (status, reason) = allowed(signers, &key, committer, now);
    SignatureCheck {
        signer: committer
            .filter(|_| status == Status::Verified)
            .map(|committer| committer.email.clone()),
        ..check(status, reason)
    }
}

/// Whether `signers` allow `key` to sign for `committer` in namespace `git` at the commit
/// time; the reason when not.
fn allowed(
    signers: &AllowedSigners,
    key: &PublicKey,
    committer: Option<&Identity>,
    now: Timestamp,
) -> (Status, String) {
    let lines: Vec<_> = signers.lines_for_key(key.key_data()).collect();
    if lines.is_empty() {
        return (
            Status::UnknownKey,
            format!("the key is not in {}", signers.path().display()),
        );
    }
    let Some(committer) = committer else {
        return (
            Status::NotAllowed,
            "the commit has no committer to match a principal".to_owned(),
        );
    };
    let principal = committer.email.as_str();
    let for_committer: Vec<_> = lines
        .iter()
        .filter(|line| line.allows_principal(principal))
        .collect();
    if for_committer.is_empty() {
        let principals: Vec<_> = lines
            .iter()
            .map(|line| format!("{} (line {})", line.principals, line.line))
            .collect();
        return (
            Status::NotAllowed,
            format!(
                "the key is allowed for {}, not for the committer <{principal}>",
                principals.join(", ")
            ),
        );
    }
    let in_namespace: Vec<_> = for_committer
        .iter()
        .filter(|line| line.allows_namespace(NAMESPACE))
        .collect();
    let Some(first) = in_namespace.first() else {
        let numbers: Vec<_> = for_committer
            .iter()
            .map(|line| line.line.to_string())
            .collect();
        return (
            Status::NotAllowed,
            format!(
                "line {} does not allow namespace `{NAMESPACE}`",
                numbers.join(", ")
            ),
        );
    };
    let at = committer.time.unwrap_or(now);
    if in_namespace.iter().any(|line| {
        line.valid_after.is_none_or(|after| at >= after)
            && line.valid_before.is_none_or(|before| at <= before)
    }) {
        return (Status::Verified, String::new());
    }
    if let Some((line, before)) = in_namespace
        .iter()
        .find_map(|line| Some((line.line, line.valid_before.filter(|&before| at > before)?)))
    {
        return (
            Status::Expired,
            format!("committed {at}, after valid-before {before} (line {line})"),
        );
    }
    let after = first
        .valid_after
        .map(|time| time.to_string())
        .unwrap_or_default();
    (
        Status::NotYetValid,
        format!(
            "committed {at}, before valid-after {after} (line {})",
            first.line
        ),
    )
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use jiff::tz::TimeZone;

    use super::*;

    const PAYLOAD: &[u8] = b"data\n";
    const KEY: &str = include_str!("../../tests/data/git/ssh-ed25519.pub");
    const GIT: &str = include_str!("../../tests/data/git/ssh-namespace-git.sig");
    const FILE: &str = include_str!("../../tests/data/git/ssh-namespace-file.sig");
    const CERTIFICATE: &str = include_str!("../../tests/data/git/ssh-certificate.sig");

    fn committer(email: &str, time: i64) -> Identity {
        Identity {
            name: "Alice".to_owned(),
            email: email.to_owned(),
            time: Timestamp::from_second(time).ok(),
        }
    }

    fn signers(text: &str) -> AllowedSigners {
        AllowedSigners::parse(text, Path::new("allowed_signers"), &TimeZone::UTC)
            .expect("valid allowed signers")
    }

    fn status(signature: &str, payload: &[u8], committer: Option<&Identity>, text: &str) -> Status {
        verify(
            signature.as_bytes(),
            payload,
            committer,
            Some(&signers(text)),
            Timestamp::UNIX_EPOCH,
        )
        .status
    }

    #[test]
    fn policy_follows_the_allowed_signers_line() {
        let alice = committer("alice@example.com", 1_700_000_000);
        let allowed = format!("alice@example.com {KEY}");
        let check = verify(
            GIT.as_bytes(),
            PAYLOAD,
            Some(&alice),
            Some(&signers(&allowed)),
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(check.status, Status::Verified, "{}", check.reason);
        assert_eq!(check.signer.as_deref(), Some("alice@example.com"));
        assert!(check.key.is_some_and(|key| key.starts_with("SHA256:")));
        assert_eq!(
            status(GIT, b"other", Some(&alice), &allowed),
            Status::BadSignature
        );
        assert_eq!(
            status(
                GIT,
                PAYLOAD,
                Some(&committer("bob@example.com", 1_700_000_000)),
                &allowed
            ),
            Status::NotAllowed
        );
        assert_eq!(status(GIT, PAYLOAD, None, &allowed), Status::NotAllowed);
        assert_eq!(status(GIT, PAYLOAD, Some(&alice), ""), Status::UnknownKey);
        assert_eq!(
            verify(
                GIT.as_bytes(),
                PAYLOAD,
                Some(&alice),
                None,
                Timestamp::UNIX_EPOCH
            )
            .status,
            Status::UnknownKey
        );
        let window =
            format!("alice@example.com valid-after=\"20231114\",valid-before=\"20231115\" {KEY}");
        assert_eq!(
            status(GIT, PAYLOAD, Some(&alice), &window),
            Status::Verified
        );
        assert_eq!(
            status(
                GIT,
                PAYLOAD,
                Some(&committer("alice@example.com", 1_800_000_000)),
                &window
            ),
            Status::Expired
        );
        assert_eq!(
            status(
                GIT,
                PAYLOAD,
                Some(&committer("alice@example.com", 1_600_000_000)),
                &window
            ),
            Status::NotYetValid
        );
        let other_namespace = format!("alice@example.com namespaces=\"file\" {KEY}");
        assert_eq!(
            status(GIT, PAYLOAD, Some(&alice), &other_namespace),
            Status::NotAllowed
        );
        let certificate_authority = format!("alice@example.com cert-authority {KEY}");
        assert_eq!(
            status(GIT, PAYLOAD, Some(&alice), &certificate_authority),
            Status::UnknownKey
        );
    }

    #[test]
    fn signatures_git_would_not_accept() {
        let alice = committer("alice@example.com", 1_700_000_000);
        let allowed = format!("alice@example.com {KEY}");
        let namespace = verify(
            FILE.as_bytes(),
            PAYLOAD,
            Some(&alice),
            Some(&signers(&allowed)),
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(namespace.status, Status::BadSignature);
        assert_eq!(namespace.reason, "signed in namespace `file`, not `git`");
        let certificate = verify(
            CERTIFICATE.as_bytes(),
            PAYLOAD,
            Some(&alice),
            Some(&signers(&allowed)),
            Timestamp::UNIX_EPOCH,
        );
        assert_eq!(
            certificate.status,
            Status::Unsupported,
            "{}",
            certificate.reason
        );
        let truncated = &GIT[..GIT.len() / 2];
        assert_eq!(
            status(truncated, PAYLOAD, Some(&alice), &allowed),
            Status::BadSignature
        );
    }
}
