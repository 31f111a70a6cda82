//! `custody sign|verify|attest|verify-attestation` end to end: keys from `custody key
//! generate`, an image pushed with skopeo to a real registry, exit codes and both outputs.

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::common::{Registry, TestContext, peers, skopeo_copy};
use crate::help::help;
use crate::image::{Compression, Entry, Image, image, layer, write_layout};

/// The password of the key pairs the tests generate.
const PASSWORD: &str = "test-password";

/// A registry holding `app:1.0`, and a fresh context with a cosign key pair.
struct Setup {
    /// Kept running until the test ends.
    _registry: Registry,
    context: TestContext,
    reference: String,
}

impl Setup {
    fn new() -> Self {
        let registry = Registry::start(None);
        let context = TestContext::new();
        let (reference, _) = push_app(&registry, &context, b"hello\n", &[]);
        let generated = context.run_with_password(&["key", "generate"], PASSWORD);
        assert!(generated.status.success(), "{}", stderr(&generated));
        Self {
            _registry: registry,
            context,
            reference,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut all = args.to_vec();
        all.push("--plain-http");
        self.context.run_with_password(&all, PASSWORD)
    }

    /// `custody COMMAND REFERENCE --key cosign.pub --insecure-ignore-tlog EXTRA…`, where
    /// COMMAND is `verify` or `verify-attestation`.
    fn verify(&self, command: &str, extra: &[&str]) -> Output {
        let mut args = vec![
            command,
            &self.reference,
            "--key",
            "cosign.pub",
            "--insecure-ignore-tlog",
        ];
        args.extend(extra);
        self.run(&args)
    }
}

/// `app:1.0` on `registry`: a one-layer image whose `etc/hello` holds `hello`, copied with
/// skopeo (`skopeo_extra`: its credentials); returns the reference and the image.
fn push_app(
    registry: &Registry,
    context: &TestContext,
    hello: &'static [u8],
    skopeo_extra: &[&str],
) -> (String, Image) {
    let layout = context.path("layout");
    let test_image = image(
        vec![layer(&[Entry::File("etc/hello", hello)], Compression::Gzip)],
        "amd64",
    );
    write_layout(&layout, "1.0", &[&test_image]);
    let reference = format!("{}/app:1.0", registry.address);
    skopeo_copy(
        &format!("oci:{}:1.0", layout.display()),
        &format!("docker://{reference}"),
        skopeo_extra,
    );
    (reference, test_image)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).unwrap()
}

impl Setup {
    /// Signs the image in both formats with `-a env=prod`.
    fn sign_both_formats(&self) {
        for format in ["bundle", "legacy"] {
            let signed = self.run(&[
                "sign",
                &self.reference,
                "--key",
                "cosign.key",
                "-a",
                "env=prod",
                "--format",
                format,
            ]);
            assert!(signed.status.success(), "{format}: {}", stderr(&signed));
        }
    }
}

#[test]
fn sign_then_verify_both_formats() {
    let setup = Setup::new();
    // Nothing signed yet: exit 1, saying none was found.
    let unsigned = setup.verify("verify", &[]);
    assert_eq!(unsigned.status.code(), Some(1), "{}", stderr(&unsigned));
    assert!(
        stderr(&unsigned).contains("none was found"),
        "{}",
        stderr(&unsigned)
    );

    setup.sign_both_formats();
    let verified = setup.verify("verify", &["-a", "env=prod", "--output", "json"]);
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
    let claims = json(&verified);
    let claims = claims.as_array().unwrap();
    assert_eq!(claims.len(), 2);
    let types: Vec<_> = claims
        .iter()
        .map(|claim| claim["critical"]["type"].as_str().unwrap())
        .collect();
    assert_eq!(
        types,
        [
            "https://sigstore.dev/cosign/sign/v1",
            "cosign container image signature"
        ]
    );
    for claim in claims {
        assert_eq!(claim["optional"]["env"], "prod");
        assert!(
            claim["critical"]["image"]["docker-manifest-digest"]
                .as_str()
                .unwrap()
                .starts_with("sha256:")
        );
    }

    // Text output: one line per signature.
    let text = setup.verify("verify", &[]);
    assert_eq!(text.status.code(), Some(0));
    let stdout = String::from_utf8(text.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
    assert!(
        stdout.lines().all(|line| line.starts_with("Verified ")),
        "{stdout}"
    );
}

#[test]
fn failed_verifications_exit_one_with_reasons() {
    let setup = Setup::new();
    let image = setup.reference.as_str();
    setup.sign_both_formats();
    // Without --insecure-ignore-tlog: not verified (exit 1), and the reason names the flag.
    let strict = setup.run(&["verify", image, "--key", "cosign.pub"]);
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        stderr(&strict).contains("--insecure-ignore-tlog"),
        "{}",
        stderr(&strict)
    );

    // A wrong annotation, or another key: exit 1 with each candidate's reason.
    let mismatch = setup.verify("verify", &["-a", "env=dev"]);
    assert_eq!(mismatch.status.code(), Some(1));
    assert_eq!(
        stderr(&mismatch).matches("rejected").count(),
        2,
        "{}",
        stderr(&mismatch)
    );
    let other = setup.context.run_with_password(
        &["key", "generate", "--output-key-prefix", "other"],
        PASSWORD,
    );
    assert!(other.status.success());
    let wrong = setup.run(&[
        "verify",
        image,
        "--key",
        "other.pub",
        "--insecure-ignore-tlog",
    ]);
    assert_eq!(wrong.status.code(), Some(1));
}

#[test]
fn attest_then_verify_attestation_by_type() {
    let setup = Setup::new();
    let image = setup.reference.as_str();
    fs_err::write(
        setup.context.path("sbom.json"),
        br#"{"bomFormat":"CycloneDX","specVersion":"1.6"}"#,
    )
    .unwrap();
    let attested = setup.run(&[
        "attest",
        image,
        "--key",
        "cosign.key",
        "--type",
        "cyclonedx",
        "--predicate",
        "sbom.json",
    ]);
    assert!(attested.status.success(), "{}", stderr(&attested));
    let verified = setup.verify(
        "verify-attestation",
        &["--type", "cyclonedx", "--output", "json"],
    );
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
    let envelopes = json(&verified);
    assert_eq!(envelopes.as_array().unwrap().len(), 1);
    assert_eq!(envelopes[0]["payloadType"], "application/vnd.in-toto+json");

    // Another type: nothing of it verifies (exit 1).
    let other = setup.verify("verify-attestation", &["--type", "slsaprovenance1"]);
    assert_eq!(other.status.code(), Some(1), "{}", stderr(&other));
    // An unknown type is an error (exit 2) naming the known ones.
    let unknown = setup.run(&[
        "attest",
        image,
        "--key",
        "cosign.key",
        "--type",
        "sbom",
        "--predicate",
        "sbom.json",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        stderr(&unknown).contains("unknown predicate type `sbom`"),
        "{}",
        stderr(&unknown)
    );
    assert!(
        stderr(&unknown).contains("cyclonedx"),
        "{}",
        stderr(&unknown)
    );
}

#[test]
fn unreachable_registry_is_an_error() {
    let context = TestContext::new();
    fs_err::write(context.path("cosign.pub"), "-----BEGIN PUBLIC KEY-----\n").unwrap();
    let output = context.run(&[
        "verify",
        "127.0.0.1:1/app:1.0",
        "--key",
        "cosign.pub",
        "--plain-http",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn help_sign() {
    insta::assert_snapshot!(help(&["sign", "--help"]));
}

#[test]
fn help_verify() {
    insta::assert_snapshot!(help(&["verify", "--help"]));
}

#[test]
fn help_attest() {
    insta::assert_snapshot!(help(&["attest", "--help"]));
}

#[test]
fn help_verify_attestation() {
    insta::assert_snapshot!(help(&["verify-attestation", "--help"]));
}

/// sigstore-js attaches a bundle to an image in a registry that requires a login (as
/// @sigstore/oci expects an authentication challenge); `custody verify --insecure-ignore-tlog`
/// accepts it with the public key the oracle wrote.
#[test]
fn verify_accepts_what_sigstore_js_attaches() {
    let registry = Registry::start(Some(("alice", "s3cret")));
    let context = TestContext::new();
    let (reference, test_image) = push_app(
        &registry,
        &context,
        b"hi\n",
        &["--dest-creds", "alice:s3cret"],
    );
    let peers = peers();
    assert!(
        peers.join("node_modules/@sigstore/oci").is_dir(),
        "sigstore-js is missing from {}: run scripts/setup.sh",
        peers.display()
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sign/tests/oracle/oci-attach.js");
    let attached = Command::new("node")
        .arg(script)
        .arg(format!(
            "{}/app@{}",
            registry.address, test_image.manifest_digest
        ))
        .args(["alice", "s3cret"])
        .arg(context.path("node.pub"))
        .env("NODE_PATH", peers.join("node_modules"))
        .output()
        .expect("node is required: install Node.js 20 (scripts/setup.sh)");
    assert!(attached.status.success(), "{}", stderr(&attached));
    let verified = context
        .command()
        .args([
            "verify",
            &reference,
            "--key",
            "node.pub",
            "--insecure-ignore-tlog",
            "--plain-http",
            "--username",
            "alice",
            "--password",
            "s3cret",
            "--output",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(verified.status.code(), Some(0), "{}", stderr(&verified));
    let claims = json(&verified);
    assert_eq!(claims.as_array().unwrap().len(), 1);
    assert_eq!(
        claims[0]["critical"]["image"]["docker-manifest-digest"],
        test_image.manifest_digest.as_str()
    );
    // Without credentials the registry refuses: an error (exit 2), not "unsigned".
    let anonymous = context.run(&[
        "verify",
        &reference,
        "--key",
        "node.pub",
        "--insecure-ignore-tlog",
        "--plain-http",
    ]);
    assert_eq!(anonymous.status.code(), Some(2), "{}", stderr(&anonymous));
}
