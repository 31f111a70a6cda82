//! Signed git commits: `custody verify-commits`.
//!
//! Commits are read with the real `git` program (`repository`), each raw object is split into
//! the signed payload and its signature header ([`CommitObject`]), and the signature is checked
//! by its armor: SSHSIG against an ssh-keygen allowed signers file (`sshsig`,
//! [`AllowedSigners`]) or OpenPGP against a keyring, with our own packet reader (`openpgp`,
//! [`Keyring`]). Every commit gets a [`CommitVerdict`]; only [`Status::Verified`] passes.
//! Operational failures (git missing, unreadable files) are [`GitError`]s instead.

mod allowed_signers;
mod commit;
mod error;
mod openpgp;
mod repository;
mod sshsig;

use std::path::PathBuf;

use jiff::Timestamp;

pub use allowed_signers::{AllowedSigners, AllowedSignersErrorKind};
pub use commit::{CommitObject, Identity, ObjectFormat};
pub use error::GitError;
pub use openpgp::{Keyring, OpenPgpError};

use repository::Repository;

/// The git program custody runs by default: `git`, found on PATH.
pub const GIT_PROGRAM: &str = "git";

/// How many commits `verify-commits` looks at when no `--max-commits` is given: enough for a
/// release's history, bounded so that a run on a large repository's HEAD stays quick.
pub const DEFAULT_MAX_COMMITS: usize = 1000;

/// The kind of signature a commit carries, from its armor header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureKind {
    /// No signature header.
    None,
    /// `-----BEGIN SSH SIGNATURE-----`.
    Ssh,
    /// `-----BEGIN PGP SIGNATURE-----`.
    OpenPgp,
    /// `-----BEGIN SIGNED MESSAGE-----` (gpgsm), or anything else.
    Other,
}

impl SignatureKind {
    /// Recognizes a signature by its first line, as git's `get_format_by_sig`.
    fn of(signature: &[u8]) -> Self {
        if signature.starts_with(b"-----BEGIN SSH SIGNATURE-----") {
            Self::Ssh
        } else if signature.starts_with(b"-----BEGIN PGP SIGNATURE-----")
            || signature.starts_with(b"-----BEGIN PGP MESSAGE-----")
        {
            Self::OpenPgp
        } else {
            Self::Other
        }
    }

    /// The name shown in tables and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::Ssh => "ssh",
            Self::OpenPgp => "openpgp",
            Self::Other => "other",
        }
    }
}

/// The outcome for one commit; everything but [`Status::Verified`] fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// A good signature by a trusted key allowed to sign this commit.
    Verified,
    /// No signature.
    Unsigned,
    /// The signature is malformed or does not match the commit.
    BadSignature,
    /// The signing key is not in the allowed signers file or keyring.
    UnknownKey,
    /// The key is known but not allowed for this committer or namespace.
    NotAllowed,
    /// The key (or signature) had expired.
    Expired,
    /// The key was not yet valid when the commit was made.
    NotYetValid,
    /// The key was revoked by its owner.
    Revoked,
    /// A signature custody cannot check (X.509, text-mode OpenPGP, SHA-1, …).
    Unsupported,
}

impl Status {
    /// The name shown in tables and JSON, e.g. `bad-signature`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Unsigned => "unsigned",
            Self::BadSignature => "bad-signature",
            Self::UnknownKey => "unknown-key",
            Self::NotAllowed => "not-allowed",
            Self::Expired => "expired",
            Self::NotYetValid => "not-yet-valid",
            Self::Revoked => "revoked",
            Self::Unsupported => "unsupported",
        }
    }
}

/// What checking one signature found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub(crate) struct SignatureCheck {
    pub(crate) status: Status,
    /// Why, for anything but verified; empty when verified.
    pub(crate) reason: String,
    /// SSH: `SHA256:…` fingerprint; OpenPGP: the issuer's fingerprint (or key ID).
    pub(crate) key: Option<String>,
    /// SSH: the principal; OpenPGP: the key's user IDs.
    pub(crate) signer: Option<String>,
}

impl SignatureCheck {
    pub(crate) fn new(status: Status, reason: String) -> Self {
        Self {
            status,
            reason,
            key: None,
            signer: None,
        }
    }
}

/// The verdict on one commit.
///
/// JSON (`custody verify-commits --output json`) is this struct: `commit` (full object name),
/// `author` and `committer` (`name`, `email`, `time` RFC 3339 or null), `subject`,
/// `signature` (`none`, `ssh`, `openpgp`, `other`), `key`, `signer`, `status` (see
/// [`Status::as_str`]) and `reason` (null when verified).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[must_use]
pub struct CommitVerdict {
    /// The full object name.
    pub commit: String,
    /// The `author` header.
    pub author: Option<Identity>,
    /// The `committer` header.
    pub committer: Option<Identity>,
    /// The first line of the message.
    pub subject: String,
    /// Which kind of signature the commit carries.
    pub signature: SignatureKind,
    /// The signing key: `SHA256:…` for SSH, the fingerprint (or key ID when only that is
    /// known) for OpenPGP.
    pub key: Option<String>,
    /// Who signed: the allowed principal for SSH, the key's user IDs for OpenPGP.
    pub signer: Option<String>,
    /// The outcome.
    pub status: Status,
    /// Why the commit failed; `None` when verified.
    pub reason: Option<String>,
}

impl CommitVerdict {
    /// Whether the commit passes.
    pub fn is_verified(&self) -> bool {
        self.status == Status::Verified
    }
}

/// What signatures are checked against.
#[derive(Debug, Clone)]
pub struct Trust {
    /// Keys allowed to make SSH signatures.
    pub allowed_signers: Option<AllowedSigners>,
    /// OpenPGP public keys.
    pub keyring: Option<Keyring>,
    /// The time of verification: OpenPGP keys and signatures must not have expired by then
    /// (as gpg reports an expired key); SSH validity windows use the commit time instead.
    pub now: Timestamp,
}

/// Which commits to verify, where.
#[derive(Debug, Clone)]
pub struct VerifyCommitsOptions {
    /// The repository (any directory inside a work tree, or a bare repository).
    pub repository: PathBuf,
    /// The git program.
    pub git: PathBuf,
    /// `A..B`, or one revision whose history is verified; `HEAD` when `None`.
    pub range: Option<String>,
    /// At most this many commits, newest first.
    pub max_commits: usize,
}

/// Verifies the commits `options` select, newest first.
pub fn verify_commits(
    options: &VerifyCommitsOptions,
    trust: &Trust,
) -> Result<Vec<CommitVerdict>, GitError> {
    let repository = Repository::new(&options.repository, &options.git);
    let ids = repository.rev_list(options.range.as_deref(), options.max_commits)?;
    let Some(first) = ids.first() else {
        return Ok(Vec::new());
    };
    // One repository, one object format: decided by the length of its object names.
    let format = ObjectFormat::of_object_name(first)
        .filter(|&format| {
            ids.iter()
                .all(|id| ObjectFormat::of_object_name(id) == Some(format))
        })
        .ok_or_else(|| GitError::UnexpectedOutput {
            repository: options.repository.clone(),
            command: "rev-list",
            detail: "lines that are not object names of one format".to_owned(),
        })?;
    let mut verdicts = Vec::with_capacity(ids.len());
    repository.read_commits(&ids, |id, object| {
        verdicts.push(verify_commit(id.to_owned(), object, format, trust));
    })?;
    Ok(verdicts)
}

/// Verifies one raw commit object named `id`.
pub fn verify_commit(
    id: String,
    object: &[u8],
    format: ObjectFormat,
    trust: &Trust,
) -> CommitVerdict {
    let commit = CommitObject::parse(object, format);
    let (signature, check) = match &commit.signature {
        None => (
            SignatureKind::None,
            SignatureCheck::new(Status::Unsigned, "the commit is not signed".to_owned()),
        ),
        Some(armored) => {
            let kind = SignatureKind::of(armored);
            let check = match kind {
                SignatureKind::Ssh => sshsig::verify(
                    armored,
                    &commit.payload,
                    commit.committer.as_ref(),
                    trust.allowed_signers.as_ref(),
                    trust.now,
                ),
                SignatureKind::OpenPgp => openpgp::verify_detached(
                    armored,
                    &commit.payload,
                    trust.keyring.as_ref(),
                    trust.now,
                ),
                SignatureKind::None | SignatureKind::Other => SignatureCheck::new(
                    Status::Unsupported,
                    "not an SSH or OpenPGP signature (X.509 signatures are not supported)"
                        .to_owned(),
                ),
            };
            (kind, check)
        }
    };
    CommitVerdict {
        subject: commit.subject(),
        commit: id,
        author: commit.author,
        committer: commit.committer,
        signature,
        key: check.key,
        signer: check.signer,
        reason: (check.status != Status::Verified).then_some(check.reason),
        status: check.status,
    }
}
