//! `custody sign-blob`, `verify-blob` and `verify-bundle` end to end: the sigstore-conformance
//! corpus through the binary, sign/verify round trips with exit codes and messages, and
//! sigstore-js verifying what `sign-blob` writes (and the reverse).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Instant;

use crate::common::{TestContext, assert_success, conformance, peers};
use crate::help::help;

/// The `verify-bundle` arguments the sigstore-conformance harness passes for a case (see
/// the corpus README): the key or identity and issuer, the case's trusted root if any (else
/// custody's shipped production root), the artifact.
fn conformance_args(case: &Path) -> Vec<String> {
    let text = |name: &str| {
        fs_err::read_to_string(case.join(name))
            .ok()
            .map(|text| text.trim().to_owned())
    };
    let path = |path: PathBuf| path.to_string_lossy().into_owned();
    let mut args = vec![
        "verify-bundle".to_owned(),
        "--bundle".to_owned(),
        path(case.join("bundle.sigstore.json")),
    ];
    if case.join("key.pub").is_file() {
        args.extend(["--key".to_owned(), path(case.join("key.pub"))]);
    } else {
        args.extend([
            "--certificate-identity".to_owned(),
            text("identity").unwrap_or_else(|| "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main".to_owned()),
            "--certificate-oidc-issuer".to_owned(),
            text("issuer").unwrap_or_else(|| "https://token.actions.githubusercontent.com".to_owned()),
        ]);
    }
    if case.join("trusted_root.json").is_file() {
        args.extend([
            "--trusted-root".to_owned(),
            path(case.join("trusted_root.json")),
        ]);
    }
    let artifact = if case.join("artifact").is_file() {
        case.join("artifact")
    } else {
        case.join("../a.txt")
    };
    args.push(path(artifact));
    args
}

/// Every corpus case through the binary: exit 0 for a passing case, exit 1 (not verified,
/// never 2) for a `_fail` case. Prints the time the whole corpus took.
#[test]
fn conformance_corpus_through_the_binary() {
    let context = TestContext::new();
    let mut cases: Vec<PathBuf> = fs_err::read_dir(conformance("sigstore/bundle-verify"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.join("bundle.sigstore.json").is_file())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    let started = Instant::now();
    let mut disagreements = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let output = context
            .command()
            .args(conformance_args(case))
            .output()
            .unwrap();
        // Exit 1 means "not verified"; 2 would be an operational error.
        let expected = i32::from(name.ends_with("_fail"));
        if output.status.code() != Some(expected) {
            disagreements.push(format!(
                "{name}: exit {:?}, expected {expected}: {}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    eprintln!(
        "verify-bundle: {} cases in {:.0?}, {} disagree",
        cases.len(),
        started.elapsed(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// The conformance protocol's `sha256:HEX` artifact form, and the JSON report.
#[test]
fn verify_bundle_by_digest_with_json_output() {
    let case = conformance("sigstore/bundle-verify").join("happy-path-v0.3-new-mediaType");
    let mut args = conformance_args(&case);
    // SHA-256 of a.txt, read from the bundle's messageDigest and `sha256sum a.txt`.
    *args.last_mut().unwrap() =
        "sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf".to_owned();
    args.extend(["--output".to_owned(), "json".to_owned()]);
    let output = TestContext::new().command().args(&args).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verified"], true);
    assert_eq!(report["signer"]["kind"], "certificate");
    assert_eq!(
        report["signer"]["issuer"],
        "https://token.actions.githubusercontent.com"
    );
    // logIndex and integratedTime 1710869186 (2024-03-19T17:26:26Z) from the bundle.
    assert_eq!(report["transparencyLogEntries"][0]["logIndex"], 79_571_823);
    assert_eq!(report["timestamps"][0]["source"], "transparency-log");
    assert_eq!(report["timestamps"][0]["time"], "2024-03-19T17:26:26Z");

    // A digest of another file is not verified, and JSON says why.
    *args.iter_mut().rev().nth(2).unwrap() =
        "sha256:0000000000000000000000000000000000000000000000000000000000000000".to_owned();
    let output = TestContext::new().command().args(&args).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verified"], false);
    assert!(
        report["causes"][0]
            .as_str()
            .unwrap()
            .contains("message digest")
    );
}

#[test]
fn verify_bundle_refuses_staging_and_missing_policy() {
    let case = conformance("sigstore/bundle-verify").join("happy-path-v0.1");
    let bundle = case.join("bundle.sigstore.json");
    let bundle = bundle.to_str().unwrap();
    let output =
        TestContext::new().run(&["verify-bundle", "--staging", "--bundle", bundle, "a.txt"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--trusted-root"));
    let output = TestContext::new().run(&["verify-bundle", "--bundle", bundle, "a.txt"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--certificate-identity"));
}

/// Identity regular expressions are searched as cosign's are; a wrong identity is a "no" with the
/// certificate's actual identity and a hint.
#[test]
fn verify_bundle_identity_matching() {
    let case = conformance("sigstore/bundle-verify").join("happy-path-v0.1");
    let bundle = case.join("bundle.sigstore.json");
    let artifact = case.join("../a.txt");
    let run = |identity: &[&str]| {
        let mut args = vec!["verify-bundle", "--bundle", bundle.to_str().unwrap()];
        args.extend(identity);
        args.extend([
            "--certificate-oidc-issuer-regexp",
            "https://token\\.actions\\.githubusercontent\\.com",
            artifact.to_str().unwrap(),
        ]);
        TestContext::new().run(&args)
    };
    let output = run(&[
        "--certificate-identity-regexp",
        "https://github\\.com/sigstore-conformance/.*",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Searched, as cosign does: an unanchored prefix matches, an anchored one does not.
    let output = run(&["--certificate-identity-regexp", "https://github\\.com"]);
    assert_eq!(output.status.code(), Some(0));
    let output = run(&["--certificate-identity-regexp", "^https://github\\.com$"]);
    assert_eq!(output.status.code(), Some(1));
    let output = run(&["--certificate-identity", "someone@example.com"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("extremely-dangerous-oidc-beacon.yml@refs/heads/main")
            && stderr.contains("hint: "),
        "{stderr}"
    );
}

/// The password of the key pair in [`signing_context`].
const PASSWORD: &str = "secret";

/// A fresh context with `cosign.key`/`cosign.pub` (password [`PASSWORD`]) and `release.tar`.
fn signing_context() -> TestContext {
    let context = TestContext::new();
    assert_success(&context.run_with_password(&["key", "generate"], PASSWORD));
    fs_err::write(context.path("release.tar"), b"release contents\n").unwrap();
    context
}

fn sign_blob(context: &TestContext) -> Output {
    context.run_with_password(
        &[
            "sign-blob",
            "release.tar",
            "--key",
            "cosign.key",
            "--bundle",
            "release.sigstore.json",
        ],
        PASSWORD,
    )
}

fn verify_blob(context: &TestContext, extra: &[&str]) -> Output {
    let mut args = vec![
        "verify-blob",
        "release.tar",
        "--key",
        "cosign.pub",
        "--bundle",
        "release.sigstore.json",
    ];
    args.extend(extra);
    context.run(&args)
}

/// sign-blob writes a v0.3 bundle with the key's hint and says no log entry was made;
/// verify-blob accepts it only with `--insecure-ignore-tlog`, and refuses tampering.
#[test]
fn sign_blob_then_verify_blob() {
    let context = signing_context();
    let output = sign_blob(&context);
    assert_success(&output);
    assert!(String::from_utf8_lossy(&output.stderr).contains("--insecure-ignore-tlog"));
    let bundle: serde_json::Value =
        serde_json::from_slice(&fs_err::read(context.path("release.sigstore.json")).unwrap())
            .unwrap();
    assert_eq!(
        bundle["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(
        bundle["messageSignature"]["messageDigest"]["algorithm"],
        "SHA2_256"
    );
    assert!(bundle["verificationMaterial"].get("tlogEntries").is_none());
    let hint = bundle["verificationMaterial"]["publicKey"]["hint"]
        .as_str()
        .unwrap();
    assert_eq!(hint.len(), 44, "base64 of a SHA-256: {hint}");

    let output = verify_blob(&context, &["--insecure-ignore-tlog"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "Verified OK\n");

    let output = verify_blob(&context, &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no transparency log entry"), "{stderr}");
    assert!(stderr.contains("hint: "), "{stderr}");

    let output = verify_blob(&context, &["--insecure-ignore-tlog", "--output", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verified"], true);
    assert_eq!(report["signer"]["kind"], "key");
    assert_eq!(
        report["signer"]["publicKey"],
        fs_err::read_to_string(context.path("cosign.pub")).unwrap()
    );

    fs_err::write(context.path("release.tar"), b"release contents!\n").unwrap();
    let output = verify_blob(&context, &["--insecure-ignore-tlog"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("message digest"));
}

/// Errors that are not a "no" exit 2; a malformed bundle is a "no" with its reason.
#[test]
fn verify_blob_failure_kinds() {
    let context = signing_context();
    assert!(sign_blob(&context).status.success());
    let output = context.run(&[
        "verify-blob",
        "release.tar",
        "--key",
        "cosign.pub",
        "--bundle",
        "missing.json",
        "--insecure-ignore-tlog",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("missing.json"));

    let mut bundle: serde_json::Value =
        serde_json::from_slice(&fs_err::read(context.path("release.sigstore.json")).unwrap())
            .unwrap();
    bundle["messageSignature"]["signature"] = "not base64!".into();
    fs_err::write(context.path("release.sigstore.json"), bundle.to_string()).unwrap();
    let output = verify_blob(&context, &["--insecure-ignore-tlog"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("messageSignature.signature is not valid base64"),
        "{stderr}"
    );

    // Another key.
    let other = TestContext::new();
    assert!(
        other
            .run_with_password(&["key", "generate"], "")
            .status
            .success()
    );
    assert!(sign_blob(&context).status.success());
    let output = context.run(&[
        "verify-blob",
        "release.tar",
        "--key",
        other.path("cosign.pub").to_str().unwrap(),
        "--bundle",
        "release.sigstore.json",
        "--insecure-ignore-tlog",
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("does not verify"));
}

/// The sigstore-js oracle script and its `node_modules`.
fn oracle(args: &[&str]) -> Output {
    let modules = peers().join("node_modules");
    assert!(
        modules.join("@sigstore/verify").is_dir(),
        "@sigstore/verify is missing from {}: run scripts/setup.sh (or set CUSTODY_PEERS)",
        modules.display()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sign/tests/oracle/sigstore_js.js");
    Command::new("node")
        .arg(script)
        .args(args)
        .env("NODE_PATH", modules)
        .output()
        .expect("`node` (Node.js 20+) is required: install the Debian package `nodejs`")
}

/// `@sigstore/verify` verifies what `custody sign-blob` writes; `custody verify-blob`
/// verifies what `@sigstore/sign` writes; each refuses the other's bundle for another file.
#[test]
fn sigstore_js_interop_through_the_binary() {
    let context = signing_context();
    assert!(sign_blob(&context).status.success());
    let path = |name: &str| context.path(name).to_string_lossy().into_owned();
    let output = oracle(&[
        "verify",
        &path("release.sigstore.json"),
        &path("release.tar"),
        &path("cosign.pub"),
    ]);
    assert_success(&output);
    fs_err::write(context.path("other.tar"), b"other\n").unwrap();
    let output = oracle(&[
        "verify",
        &path("release.sigstore.json"),
        &path("other.tar"),
        &path("cosign.pub"),
    ]);
    assert!(!output.status.success());

    let output = oracle(&[
        "sign",
        "p256",
        "message",
        &path("release.tar"),
        &path("js.sigstore.json"),
        &path("js.pub"),
    ]);
    assert_success(&output);
    let verify = |file: &str| {
        context.run(&[
            "verify-blob",
            file,
            "--key",
            "js.pub",
            "--bundle",
            "js.sigstore.json",
            "--insecure-ignore-tlog",
        ])
    };
    let output = verify("release.tar");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(verify("other.tar").status.code(), Some(1));
}

#[test]
fn help_sign_blob() {
    insta::assert_snapshot!(help(&["sign-blob", "--help"]));
}

#[test]
fn help_verify_blob() {
    insta::assert_snapshot!(help(&["verify-blob", "--help"]));
}

#[test]
fn help_verify_bundle() {
    insta::assert_snapshot!(help(&["verify-bundle", "--help"]));
}
