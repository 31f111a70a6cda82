//! Interoperability with sigstore-js, an independent implementation: `@sigstore/verify`
//! verifies the blob bundles custody writes, and custody verifies the bundles
//! `@sigstore/sign`'s builders write; tampered bundles fail in both directions.
//!
//! The oracle is `tests/oracle/sigstore_js.js`, run with `node` and
//! `NODE_PATH=$CUSTODY_PEERS/node_modules` (default `<repository>/.peers`, filled by
//! `scripts/setup.sh`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use custody_sign::bundle::Bundle;
use custody_sign::keys::{KeyAlgorithm, PublicKey, SigningKey};
use custody_sign::trust::TrustedRoot;
use custody_sign::verify::{Artifact, Policy, VerifyOptions, verify_bundle};

/// `node_modules` of the peers, or a failure naming `scripts/setup.sh`.
fn node_modules() -> PathBuf {
    let peers = std::env::var_os("CUSTODY_PEERS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.peers"),
        PathBuf::from,
    );
    let modules = peers.join("node_modules");
    assert!(
        modules.join("@sigstore/verify").is_dir() && modules.join("@sigstore/sign").is_dir(),
        "@sigstore/verify and @sigstore/sign are missing from {}: run scripts/setup.sh (or set \
         CUSTODY_PEERS)",
        modules.display()
    );
    modules
}

/// Runs the oracle script with `args`.
fn oracle(args: &[&Path]) -> Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/sigstore_js.js");
    Command::new("node")
        .arg(script)
        .args(args)
        .env("NODE_PATH", node_modules())
        .output()
        .expect("`node` (Node.js 20+) is required: install the Debian package `nodejs`")
}

fn oracle_command(command: &str, paths: &[&Path]) -> Output {
    let command = PathBuf::from(command);
    let mut args = vec![command.as_path()];
    args.extend_from_slice(paths);
    oracle(&args)
}

/// custody signs a blob (`Bundle::sign_blob`, what `custody sign-blob` writes) and
/// `@sigstore/verify` verifies it with the public key; a changed file fails.
#[test]
fn sigstore_js_verifies_custody_blob_bundles() {
    let dir = tempfile::tempdir().unwrap();
    let artifact = dir.path().join("artifact.bin");
    let tampered = dir.path().join("tampered.bin");
    fs_err::write(&artifact, b"custody release 1.0\n").unwrap();
    fs_err::write(&tampered, b"custody release 1.1\n").unwrap();
    for algorithm in [
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
        KeyAlgorithm::Ed25519,
    ] {
        let key = SigningKey::generate(algorithm).unwrap();
        let bundle_path = dir.path().join(format!("{algorithm}.sigstore.json"));
        let key_path = dir.path().join(format!("{algorithm}.pub"));
        let bundle = Bundle::sign_blob(&fs_err::read(&artifact).unwrap(), &key).unwrap();
        fs_err::write(&bundle_path, bundle.to_json()).unwrap();
        fs_err::write(&key_path, key.public_key().to_pem()).unwrap();
        // @sigstore/verify 3 cannot verify Ed25519 message signatures (see the oracle
        // script); the same checks are made with @sigstore/bundle and Node's Ed25519.
        let command = if algorithm == KeyAlgorithm::Ed25519 {
            "check-ed25519"
        } else {
            "verify"
        };
        let output = oracle_command(command, &[&bundle_path, &artifact, &key_path]);
        assert!(
            output.status.success(),
            "{algorithm}: sigstore-js refused custody's bundle: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let output = oracle_command(command, &[&bundle_path, &tampered, &key_path]);
        assert!(
            !output.status.success(),
            "{algorithm}: tampered file verified"
        );
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("SIGNATURE_ERROR"),
            "{algorithm}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// `@sigstore/verify` does verify Ed25519 DSSE bundles, and refuses custody's Ed25519 blob
/// bundles only for the digest reason the oracle script describes: if sigstore-js changes,
/// this test says so.
#[test]
fn sigstore_js_ed25519_message_limitation_is_the_known_one() {
    let dir = tempfile::tempdir().unwrap();
    let artifact = dir.path().join("artifact.bin");
    fs_err::write(&artifact, b"x").unwrap();
    let key = SigningKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let bundle_path = dir.path().join("bundle.json");
    let key_path = dir.path().join("key.pub");
    fs_err::write(
        &bundle_path,
        Bundle::sign_blob(b"x", &key).unwrap().to_json(),
    )
    .unwrap();
    fs_err::write(&key_path, key.public_key().to_pem()).unwrap();
    let output = oracle_command("verify", &[&bundle_path, &artifact, &key_path]);
    assert!(
        !output.status.success()
            && String::from_utf8_lossy(&output.stderr).contains("SIGNATURE_ERROR"),
        "@sigstore/verify now handles Ed25519 message signatures: use it in \
         sigstore_js_verifies_custody_blob_bundles"
    );
}

/// `@sigstore/sign` builds message and DSSE bundles with a Node crypto signer; custody
/// verifies them with the key (no log: `require_tlog` false, `--insecure-ignore-tlog`), and
/// refuses them for another artifact or with a changed signature.
#[test]
fn custody_verifies_sigstore_js_bundles() {
    let dir = tempfile::tempdir().unwrap();
    let artifact = b"artifact from sigstore-js\n";
    let artifact_path = dir.path().join("artifact.txt");
    fs_err::write(&artifact_path, artifact).unwrap();
    let statement = format!(
        r#"{{"_type":"https://in-toto.io/Statement/v1","subject":[{{"name":"artifact.txt","digest":{{"sha256":"{}"}}}}],"predicateType":"https://example.com/predicate","predicate":{{"ok":true}}}}"#,
        hex::encode(custody_sign::keys::HashAlgorithm::Sha256.digest(artifact))
    );
    let statement_path = dir.path().join("statement.json");
    fs_err::write(&statement_path, &statement).unwrap();
    let root = TrustedRoot::production();
    let mut failures = Vec::new();
    for algorithm in ["p256", "p384", "ed25519"] {
        for kind in ["message", "dsse"] {
            let case = format!("{algorithm}/{kind}");
            let bundle_path = dir.path().join(format!("{algorithm}-{kind}.json"));
            let key_path = dir.path().join(format!("{algorithm}-{kind}.pub"));
            let input = if kind == "dsse" {
                &statement_path
            } else {
                &artifact_path
            };
            let output = oracle_command(
                "sign",
                &[
                    Path::new(algorithm),
                    Path::new(kind),
                    input,
                    &bundle_path,
                    &key_path,
                ],
            );
            assert!(
                output.status.success(),
                "{case}: sigstore-js failed to sign: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            let json = fs_err::read(&bundle_path).unwrap();
            let policy = Policy::Key(
                PublicKey::from_pem(&fs_err::read_to_string(&key_path).unwrap()).unwrap(),
            );
            let options = VerifyOptions {
                root: &root,
                policy: &policy,
                require_tlog: false,
            };
            let bundle = match Bundle::from_json(&json) {
                Ok(bundle) => bundle,
                Err(error) => {
                    failures.push(format!("{case}: unreadable: {error}"));
                    continue;
                }
            };
            if let Err(error) = verify_bundle(&bundle, Artifact::Bytes(artifact), &options) {
                failures.push(format!("{case}: refused: {error}"));
            }
            if verify_bundle(&bundle, Artifact::Bytes(b"other"), &options).is_ok() {
                failures.push(format!("{case}: verified for another artifact"));
            }
            let mut value: serde_json::Value = serde_json::from_slice(&json).unwrap();
            let signature = if kind == "dsse" {
                &mut value["dsseEnvelope"]["signatures"][0]["sig"]
            } else {
                &mut value["messageSignature"]["signature"]
            };
            // Change one base64 character in the middle of the signature.
            let mut text = signature.as_str().unwrap().to_owned();
            let middle = text.len() / 2;
            let replacement = if &text[middle..=middle] == "A" {
                "B"
            } else {
                "A"
            };
            text.replace_range(middle..=middle, replacement);
            *signature = text.into();
            let tampered = Bundle::from_json(&serde_json::to_vec(&value).unwrap()).unwrap();
            if verify_bundle(&tampered, Artifact::Bytes(artifact), &options).is_ok() {
                failures.push(format!("{case}: a changed signature verified"));
            }
            let required = VerifyOptions {
                require_tlog: true,
                ..options
            };
            if verify_bundle(&bundle, Artifact::Bytes(artifact), &required).is_ok() {
                failures.push(format!(
                    "{case}: verified with no log entry while one is required"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
