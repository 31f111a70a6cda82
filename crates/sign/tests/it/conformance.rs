//! The sigstore-conformance `bundle-verify` corpus: every case folder verified with
//! [`custody_sign::verify::verify_bundle`], expecting success unless the folder ends in `_fail`.

use std::path::{Path, PathBuf};

use custody_sign::bundle::Bundle;
use custody_sign::keys::PublicKey;
use custody_sign::trust::{IdentityMatcher, TrustedRoot};
use custody_sign::verify::{Artifact, Policy, Verified, VerifyOptions, verify_bundle};

/// `…/conformance/sigstore`, from `CUSTODY_CONFORMANCE_DIR` or the default beside the
/// repository; panics (failing the test) when it is missing, so a missing corpus never passes.
pub(crate) fn sigstore_dir() -> PathBuf {
    let root = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
        PathBuf::from,
    );
    let directory = root.join("sigstore");
    assert!(
        directory.join("bundle-verify").is_dir(),
        "conformance corpus missing at {}: set CUSTODY_CONFORMANCE_DIR to the shared/conformance \
         directory",
        directory.display()
    );
    directory
}

/// The case folders of `bundle-verify`, sorted by name; fails when there are none.
pub(crate) fn bundle_verify_cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = fs_err::read_dir(sigstore_dir().join("bundle-verify"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("bundle.sigstore.json").is_file())
        .collect();
    cases.sort();
    assert!(!cases.is_empty(), "bundle-verify has no case folders");
    cases
}

/// The identity the corpus README gives when a case has no `identity` file.
const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
/// The issuer the corpus README gives when a case has no `issuer` file.
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// Reads a case's optional text file, trimmed; the corpus files end with a newline.
fn optional_text(case: &Path, name: &str) -> Option<String> {
    fs_err::read_to_string(case.join(name))
        .ok()
        .map(|text| text.trim().to_owned())
}

/// Verifies one case as the sigstore-conformance harness does: artifact `artifact` else
/// `../a.txt`; `key.pub` means key verification, else the identity and issuer (files or the
/// README defaults); `trusted_root.json` else the production root of the corpus.
pub(crate) fn verify_case(case: &Path) -> Result<Verified, String> {
    let bundle = Bundle::from_json(&fs_err::read(case.join("bundle.sigstore.json")).unwrap())
        .map_err(|error| format!("bundle: {}", error_chain(&error)))?;
    let artifact_path = if case.join("artifact").is_file() {
        case.join("artifact")
    } else {
        case.join("../a.txt")
    };
    let artifact = fs_err::read(artifact_path).unwrap();
    let policy = match optional_text(case, "key.pub") {
        Some(pem) => Policy::Key(PublicKey::from_pem(&pem).unwrap()),
        None => Policy::Identity {
            subject: IdentityMatcher::Exact(
                optional_text(case, "identity").unwrap_or_else(|| DEFAULT_IDENTITY.to_owned()),
            ),
            issuer: IdentityMatcher::Exact(
                optional_text(case, "issuer").unwrap_or_else(|| DEFAULT_ISSUER.to_owned()),
            ),
        },
    };
    let root_path = if case.join("trusted_root.json").is_file() {
        case.join("trusted_root.json")
    } else {
        sigstore_dir().join("keys-and-roots/sigstore-rs/trust_root/prod/trusted_root.json")
    };
    let root = TrustedRoot::from_json(&fs_err::read(root_path).unwrap()).unwrap();
    let options = VerifyOptions {
        root: &root,
        policy: &policy,
        require_tlog: true,
    };
    verify_bundle(&bundle, Artifact::Bytes(&artifact), &options)
        .map_err(|error| error_chain(&error))
}

/// An error and its causes on one line.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Every case gives its expected outcome: verified, or (folder ending `_fail`) refused. No
/// case is excluded.
#[test]
fn bundle_verify_corpus() {
    let cases = bundle_verify_cases();
    let mut disagreements = Vec::new();
    let mut passed = 0;
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let expect_failure = name.ends_with("_fail");
        match (verify_case(case), expect_failure) {
            (Ok(_), false) | (Err(_), true) => passed += 1,
            (Ok(_), true) => disagreements.push(format!("{name}: verified, expected a failure")),
            (Err(reason), false) => disagreements.push(format!("{name}: refused: {reason}")),
        }
    }
    eprintln!(
        "bundle-verify: {passed} agree, {} disagree, 0 excluded",
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}

/// The reason each `_fail` case is refused, so a case cannot pass by failing for an
/// unrelated reason (a missing file, a parse error of a valid part).
#[test]
fn failing_cases_fail_for_their_reason() {
    let expectations: &[(&str, &str)] = &[
        (
            "bundle-empty-certificate-chain_fail",
            "x509CertificateChain.certificates is missing",
        ),
        (
            "bundle-invalid-base64-signature_fail",
            "messageSignature.signature is not valid base64",
        ),
        ("bundle-negative-log-index_fail", "logIndex is negative"),
        ("bundle-with-root-cert_fail", "self-signed root"),
        ("checkpoint-bad-keyhint_fail", "checkpoint"),
        ("dsse-invalid-sig_fail", "does not record this signature"),
        (
            "dsse-mismatch-sig_fail",
            "transparency log entry 0 does not verify",
        ),
        ("inclusion-proof-corrupted-hash_fail", "inclusion proof"),
        ("integrated-time-in-future_fail", "certificate"),
        (
            "intoto-log-entry-mismatch_fail",
            "transparency log entry 0 does not verify",
        ),
        (
            "intoto-set-outside-signing-cert-validity_fail",
            "not valid at",
        ),
        ("invalid-ct-key_fail", "signed certificate timestamps"),
        ("managed-key-no-key_fail", "signed with a key"),
        ("message-digest-mismatch_fail", "message digest"),
        ("rekor2-checkpoint-missing-log-signature_fail", "checkpoint"),
        ("rekor2-checkpoint-missing-root-hash_fail", "checkpoint"),
        ("rekor2-dsse-invalid-sig_fail", "signature"),
        (
            "rekor2-dsse-mismatch-sig_fail",
            "transparency log entry 0 does not verify",
        ),
        (
            "rekor2-no-inclusion-proof_fail",
            "requires an inclusion proof",
        ),
        (
            "rekor2-timestamp-outside-trust-root-tsa-validity_fail",
            "timestamp",
        ),
        ("rekor2-timestamp-payload-mismatch_fail", "timestamp"),
        (
            "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail",
            "timestamp",
        ),
        ("signature-mismatch_fail", "does not verify"),
        ("wrong-hashedrekord-artifact_fail", "spec.data.hash.value"),
        (
            "wrong-hashedrekord-entry_fail",
            "transparency log entry 0 does not verify",
        ),
    ];
    let directory = sigstore_dir().join("bundle-verify");
    let mut wrong = Vec::new();
    for (name, reason) in expectations {
        match verify_case(&directory.join(name)) {
            Ok(_) => wrong.push(format!("{name}: verified")),
            Err(error) if error.contains(reason) => {}
            Err(error) => wrong.push(format!("{name}: expected {reason:?} in: {error}")),
        }
    }
    let listed: Vec<_> = expectations.iter().map(|(name, _)| *name).collect();
    for case in bundle_verify_cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with("_fail") && !listed.contains(&name.as_str()) {
            wrong.push(format!("{name}: a new failing case; add its reason here"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
