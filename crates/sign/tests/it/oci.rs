//! Image signatures and attestations on a real registry (Debian's `docker-registry` on
//! loopback): both layouts written and read back, every rejection path, the exact legacy bytes
//! of cosign's `SIGNATURE_SPEC.md`, and sigstore-js as an independent implementation both ways.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use custody_sign::keys::PublicKey;
use custody_sign::oci::{PredicateType, RejectReason, SIGN_PREDICATE_TYPE, SignatureFormat};
use custody_sign::trust::{IdentityMatcher, TrustedRoot};
use custody_sign::verify::{Policy, VerifyOptions};
use serde_json::{Value, json};

use crate::support::{
    Registry, annotations, assert_one_verified, digest, key, reasons, statement, verify,
    verify_attestations,
};

/// cosign's legacy signature tag of `image_digest`: `sha256-HEX.sig`.
fn sig_tag(image_digest: &str) -> String {
    format!("{}.sig", image_digest.replace(':', "-"))
}

/// Puts a legacy signature `manifest` (an OCI image manifest) and its `blobs` on the signature
/// tag of `image_digest` in repository `app`, as cosign does.
fn put_signature(registry: &Registry, image_digest: &str, blobs: &[Vec<u8>], manifest: Vec<u8>) {
    registry.put(
        "app",
        &sig_tag(image_digest),
        blobs,
        manifest,
        "application/vnd.oci.image.manifest.v1+json",
    );
}

/// Checks what signing in the bundle format left in the registry, as @sigstore/oci and cosign
/// v3 write it, and returns the referrer manifest's digest.
fn assert_bundle_layout(registry: &Registry, image_digest: &str) -> String {
    // docker-registry has no referrers API: the fallback tag lists the referrer.
    let tag = image_digest.replace(':', "-");
    let index = registry
        .manifest("app", &tag)
        .expect("fallback tag written");
    assert_eq!(
        index["mediaType"],
        "application/vnd.oci.image.index.v1+json"
    );
    let entries = index["manifests"].as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    assert_eq!(
        entry["artifactType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(
        entry["annotations"]["dev.sigstore.bundle.content"],
        "dsse-envelope"
    );
    assert_eq!(
        entry["annotations"]["dev.sigstore.bundle.predicateType"],
        SIGN_PREDICATE_TYPE
    );
    assert!(entry["annotations"]["org.opencontainers.image.created"].is_string());

    // The referrer: an OCI 1.1 artifact manifest, as @sigstore/oci and cosign v3 write it.
    let referrer_digest = entry["digest"].as_str().unwrap();
    let bytes = registry.manifest_bytes("app", referrer_digest);
    assert_eq!(digest(&bytes), referrer_digest);
    assert_eq!(entry["size"], bytes.len());
    let referrer: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(
        referrer["artifactType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(
        referrer["config"],
        json!({
            "mediaType": "application/vnd.oci.empty.v1+json",
            "size": 2,
            "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
        })
    );
    assert_eq!(
        referrer["layers"][0]["mediaType"],
        "application/vnd.dev.sigstore.bundle.v0.3+json"
    );
    assert_eq!(referrer["subject"]["digest"], image_digest);
    assert_eq!(
        referrer["subject"]["mediaType"],
        "application/vnd.oci.image.manifest.v1+json"
    );
    assert_eq!(
        referrer["subject"]["size"],
        registry.manifest_bytes("app", image_digest).len()
    );
    assert_eq!(referrer["annotations"], entry["annotations"]);

    referrer_digest.to_owned()
}

#[test]
fn bundle_signature_is_a_referrer_listed_on_the_fallback_tag() {
    let registry = Registry::start(None);
    let image_digest = registry.push_image("app", "1", "one");
    let image = registry.open("app:1");
    assert_eq!(image.digest(), image_digest);
    let key = key();
    let pushed = image
        .sign(
            &key,
            SignatureFormat::Bundle,
            &annotations(&[("env", "prod")]),
        )
        .unwrap();
    assert_eq!(pushed.format, SignatureFormat::Bundle);

    let tag = image_digest.replace(':', "-");
    let referrer_digest = assert_bundle_layout(&registry, &image_digest);

    // Verifies with the key and the annotation, offline with --insecure-ignore-tlog.
    let verification = verify(&image, &key.public_key(), false, &[("env", "prod")]);
    assert_one_verified(&verification, "");
    let claim = &verification.verified[0];
    assert_eq!(claim.format, SignatureFormat::Bundle);
    assert_eq!(claim.predicate_type.as_deref(), Some(SIGN_PREDICATE_TYPE));
    assert_eq!(
        claim.output["critical"]["image"]["docker-manifest-digest"],
        image_digest.as_str()
    );
    assert_eq!(claim.output["critical"]["type"], SIGN_PREDICATE_TYPE);
    assert_eq!(claim.output["optional"]["env"], "prod");

    // Without tlog evidence a key signature is refused unless the log is waived.
    let strict = verify(&image, &key.public_key(), true, &[]);
    assert!(strict.verified.is_empty());
    assert!(matches!(strict.rejected[0].reason, RejectReason::NoTlog));

    // Another key, or an annotation the signature does not carry: nothing verifies.
    let wrong = verify(&image, &self::key().public_key(), false, &[]);
    assert!(wrong.verified.is_empty());
    assert_eq!(wrong.rejected.len(), 1);
    let mismatch = verify(&image, &key.public_key(), false, &[("env", "dev")]);
    assert!(mismatch.verified.is_empty());
    assert!(
        matches!(
            &mismatch.rejected[0].reason,
            RejectReason::Annotation { key, expected, actual }
                if key == "env" && expected == "dev" && actual.as_deref() == Some("prod")
        ),
        "{:?}",
        reasons(&mismatch)
    );

    // A second signature is appended to the fallback index, the first kept.
    image
        .sign(&self::key(), SignatureFormat::Bundle, &BTreeMap::new())
        .unwrap();
    let index = registry.manifest("app", &tag).unwrap();
    assert_eq!(index["manifests"].as_array().unwrap().len(), 2);
    assert_eq!(index["manifests"][0]["digest"], referrer_digest.as_str());
}

/// The `.sig` manifest cosign (go-containerregistry) writes for simple-signing `payload`
/// signed once per signature, byte for byte: `SIGNATURE_SPEC.md`'s layer media type and
/// signature annotation, an OCI config of `empty.Image` with one history entry and diff ID
/// per layer.
fn cosign_signature_manifest(payload: &str, signatures: &[Vec<u8>]) -> String {
    let payload_digest = digest(payload.as_bytes());
    let repeat = |item: &str| vec![item; signatures.len()].join(",");
    let config = format!(
        r#"{{"architecture":"","created":"0001-01-01T00:00:00Z","history":[{}],"os":"","rootfs":{{"type":"layers","diff_ids":[{}]}},"config":{{}}}}"#,
        repeat(r#"{"created":"0001-01-01T00:00:00Z"}"#),
        repeat(&format!("\"{payload_digest}\"")),
    );
    let layers: Vec<String> = signatures
        .iter()
        .map(|signature| {
            format!(
                r#"{{"mediaType":"application/vnd.dev.cosign.simplesigning.v1+json","size":{},"digest":"{payload_digest}","annotations":{{"dev.cosignproject.cosign/signature":"{}"}}}}"#,
                payload.len(),
                base64::engine::general_purpose::STANDARD.encode(signature)
            )
        })
        .collect();
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.oci.image.config.v1+json","size":{},"digest":"{}"}},"layers":[{}]}}"#,
        config.len(),
        digest(config.as_bytes()),
        layers.join(","),
    )
}

#[test]
fn legacy_signatures_follow_signature_spec_byte_for_byte() {
    let registry = Registry::start(None);
    let image_digest = registry.push_image("app", "1", "legacy");
    let image = registry.open("app:1");
    let (first, second) = (key(), key());
    let signed = annotations(&[("env", "prod")]);
    image
        .sign(&first, SignatureFormat::Legacy, &signed)
        .unwrap();
    image
        .sign(&second, SignatureFormat::Legacy, &signed)
        .unwrap();

    // The payload: SIGNATURE_SPEC.md's simple signing, as sigstore's payload.Cosign writes it.
    let name = format!("{}/app", registry.address);
    let payload = format!(
        r#"{{"critical":{{"identity":{{"docker-reference":"{name}"}},"image":{{"docker-manifest-digest":"{image_digest}"}},"type":"cosign container image signature"}},"optional":{{"env":"prod"}}}}"#
    );
    // The manifest on `sha256-HEX.sig`: two layers (appended), config as go-containerregistry
    // writes it for cosign's signature images.
    let tag = sig_tag(&image_digest);
    let bytes = registry.manifest_bytes("app", &tag);
    let manifest: Value = serde_json::from_slice(&bytes).unwrap();
    let signatures: Vec<Vec<u8>> = manifest["layers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|layer| {
            base64::engine::general_purpose::STANDARD
                .decode(
                    layer["annotations"]["dev.cosignproject.cosign/signature"]
                        .as_str()
                        .unwrap(),
                )
                .unwrap()
        })
        .collect();
    assert_eq!(signatures.len(), 2);
    first
        .public_key()
        .verify(payload.as_bytes(), &signatures[0])
        .unwrap();
    second
        .public_key()
        .verify(payload.as_bytes(), &signatures[1])
        .unwrap();
    let expected = cosign_signature_manifest(&payload, &signatures);
    assert_eq!(String::from_utf8(bytes).unwrap(), expected);

    // Each key verifies its own layer and rejects the other.
    for key in [&first, &second] {
        let verification = verify(&image, &key.public_key(), false, &[("env", "prod")]);
        assert_one_verified(&verification, "");
        assert_eq!(verification.verified[0].format, SignatureFormat::Legacy);
        assert_eq!(
            verification.verified[0].output,
            json!({
                "critical": {
                    "identity": {"docker-reference": name},
                    "image": {"docker-manifest-digest": image_digest},
                    "type": "cosign container image signature",
                },
                "optional": {"env": "prod"},
            })
        );
        assert!(matches!(
            verification.rejected[0].reason,
            RejectReason::Signature(_)
        ));
    }
    // No Rekor bundle annotation: refused unless the log is waived, saying how.
    let strict = verify(&image, &first.public_key(), true, &[]);
    assert!(strict.verified.is_empty());
    assert!(matches!(strict.rejected[0].reason, RejectReason::NoTlog));
    assert!(
        strict.rejected[0]
            .reason
            .to_string()
            .contains("--insecure-ignore-tlog")
    );
    // An annotation the payload does not carry.
    let mismatch = verify(&image, &first.public_key(), false, &[("env", "dev")]);
    assert!(mismatch.verified.is_empty());
}

#[test]
fn old_capitalised_legacy_payloads_verify() {
    // A `.sig` image built by hand from SIGNATURE_SPEC.md's example payload, with the
    // capitalised keys early cosign wrote.
    let registry = Registry::start(None);
    let image_digest = registry.push_image("app", "1", "old");
    let key = key();
    let payload = format!(
        r#"{{"Critical":{{"Identity":{{"docker-reference":"testing/manifest"}},"Image":{{"Docker-manifest-digest":"{image_digest}"}},"Type":"cosign container image signature"}},"Optional":{{"creator":"atomic","timestamp":1458239713}}}}"#
    )
    .into_bytes();
    let signature = key.sign(&payload).unwrap();
    // Base64 broken over lines, as some signers write it; cosign decodes it.
    let mut encoded = base64::engine::general_purpose::STANDARD.encode(&signature);
    encoded.insert(20, '\n');
    let config =
        br#"{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]},"config":{}}"#
            .to_vec();
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": config.len(), "digest": digest(&config)},
        "layers": [{
            "mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
            "size": payload.len(),
            "digest": digest(&payload),
            "annotations": {"dev.cosignproject.cosign/signature": encoded},
        }],
    }))
    .unwrap();
    put_signature(&registry, &image_digest, &[config, payload], manifest);
    let image = registry.open(&format!("app@{image_digest}"));
    let verification = verify(
        &image,
        &key.public_key(),
        false,
        &[("creator", "atomic"), ("timestamp", "1458239713")],
    );
    assert_one_verified(&verification, "");
    assert_eq!(
        verification.verified[0].output["optional"]["creator"],
        "atomic"
    );
}

#[test]
fn signatures_copied_from_another_image_or_with_forged_log_bundles_are_rejected() {
    let registry = Registry::start(None);
    let signed_digest = registry.push_image("app", "1", "signed");
    let other_digest = registry.push_image("app", "2", "other");
    let signed = registry.open("app:1");
    let key = key();
    signed
        .sign(&key, SignatureFormat::Legacy, &BTreeMap::new())
        .unwrap();
    // The `.sig` image of one digest put on the other's tag: the signature is valid, the
    // claim is about another image.
    let manifest = registry.manifest_bytes("app", &sig_tag(&signed_digest));
    put_signature(&registry, &other_digest, &[], manifest.clone());
    let other = registry.open("app:2");
    let verification = verify(&other, &key.public_key(), false, &[]);
    assert!(verification.verified.is_empty());
    assert!(
        matches!(
            &verification.rejected[0].reason,
            RejectReason::DigestMismatch { claimed, expected }
                if *claimed == signed_digest && *expected == other_digest
        ),
        "{:?}",
        reasons(&verification)
    );
    // A Rekor bundle annotation whose signed entry timestamp is forged: required evidence
    // that does not verify rejects the signature.
    let mut forged: Value = serde_json::from_slice(&manifest).unwrap();
    let payload_digest = forged["layers"][0]["digest"].as_str().unwrap().to_owned();
    let body = base64::engine::general_purpose::STANDARD.encode(
        serde_json::to_vec(&json!({
            "apiVersion": "0.0.1",
            "kind": "hashedrekord",
            "spec": {
                "data": {"hash": {"algorithm": "sha256", "value": &payload_digest[7..]}},
                "signature": {
                    "content": forged["layers"][0]["annotations"]["dev.cosignproject.cosign/signature"],
                    "publicKey": {"content": base64::engine::general_purpose::STANDARD.encode(key.public_key().to_pem())},
                },
            },
        }))
        .unwrap(),
    );
    forged["layers"][0]["annotations"]["dev.sigstore.cosign/bundle"] = json!(
        json!({
            "SignedEntryTimestamp": base64::engine::general_purpose::STANDARD.encode(b"forged"),
            "Payload": {
                "body": body,
                "integratedTime": 1_700_000_000,
                "logIndex": 1,
                "logID": "c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d",
            },
        })
        .to_string()
    );
    put_signature(
        &registry,
        &signed_digest,
        &[],
        serde_json::to_vec(&forged).unwrap(),
    );
    let strict = verify(&signed, &key.public_key(), true, &[]);
    assert!(strict.verified.is_empty());
    assert!(
        matches!(strict.rejected[0].reason, RejectReason::Tlog(_)),
        "{:?}",
        reasons(&strict)
    );
    // With --insecure-ignore-tlog and a key the log is not looked at, as for bundles.
    let lenient = verify(&signed, &key.public_key(), false, &[]);
    assert_eq!(lenient.verified.len(), 1, "{:?}", reasons(&lenient));
}

#[test]
fn tampered_layers_and_moved_tags_do_not_verify() {
    let registry = Registry::start(None);
    let first_digest = registry.push_image("app", "1", "first");
    let image = registry.open("app:1");
    let key = key();
    image
        .sign(&key, SignatureFormat::Legacy, &BTreeMap::new())
        .unwrap();
    image
        .sign(&key, SignatureFormat::Bundle, &BTreeMap::new())
        .unwrap();
    assert_eq!(
        verify(&image, &key.public_key(), false, &[]).verified.len(),
        2
    );

    // The tag moves to another image: its digest has no signatures.
    registry.push_image("app", "1", "second");
    let moved = registry.open("app:1");
    assert_ne!(moved.digest(), first_digest);
    let verification = verify(&moved, &key.public_key(), false, &[]);
    assert!(verification.verified.is_empty() && verification.rejected.is_empty());

    // The signed digest still verifies; then its payload and bundle bytes are tampered with
    // in the registry's storage.
    let pinned = registry.open(&format!("app@{first_digest}"));
    assert_eq!(
        verify(&pinned, &key.public_key(), false, &[])
            .verified
            .len(),
        2
    );
    let tag = sig_tag(&first_digest);
    let sig_manifest = registry.manifest("app", &tag).unwrap();
    let payload_digest = sig_manifest["layers"][0]["digest"].as_str().unwrap();
    let path = registry.blob_path(payload_digest);
    let payload = fs_err::read(&path).unwrap();
    let tampered = String::from_utf8(payload)
        .unwrap()
        .replace("critical", "critica1");
    fs_err::write(&path, tampered).unwrap();
    let index = registry
        .manifest("app", &first_digest.replace(':', "-"))
        .unwrap();
    let referrer = registry
        .manifest("app", index["manifests"][0]["digest"].as_str().unwrap())
        .unwrap();
    let bundle_path = registry.blob_path(referrer["layers"][0]["digest"].as_str().unwrap());
    let mut bundle: Value = serde_json::from_slice(&fs_err::read(&bundle_path).unwrap()).unwrap();
    bundle["dsseEnvelope"]["payloadType"] = json!("text/plain");
    fs_err::write(&bundle_path, serde_json::to_vec(&bundle).unwrap()).unwrap();
    let verification = verify(&pinned, &key.public_key(), false, &[]);
    assert!(
        verification.verified.is_empty(),
        "{:?}",
        reasons(&verification)
    );
    assert_eq!(verification.rejected.len(), 2);
    assert!(
        verification
            .rejected
            .iter()
            .all(|rejection| matches!(rejection.reason, RejectReason::Fetch(_))),
        "{:?}",
        reasons(&verification)
    );
}

/// `(--type, predicate file, predicate type URI)` for every type cosign names, and a URI.
fn predicates() -> Vec<(&'static str, &'static [u8], &'static str)> {
    vec![
        (
            "slsaprovenance",
            br#"{"builder":{"id":"https://ci.example/b"},"buildType":"x"}"#,
            "https://slsa.dev/provenance/v0.2",
        ),
        (
            "slsaprovenance1",
            br#"{"buildDefinition":{"buildType":"x"},"runDetails":{"builder":{"id":"b"}}}"#,
            "https://slsa.dev/provenance/v1",
        ),
        (
            "spdx",
            b"SPDXVersion: SPDX-2.3",
            "https://spdx.dev/Document",
        ),
        (
            "cyclonedx",
            br#"{"bomFormat":"CycloneDX","specVersion":"1.6"}"#,
            "https://cyclonedx.org/bom",
        ),
        (
            "vuln",
            br#"{"scanner":{"uri":"custody","version":"0.1.0"}}"#,
            "https://cosign.sigstore.dev/attestation/vuln/v1",
        ),
        (
            "openvex",
            br#"{"@context":"https://openvex.dev/ns/v0.2.0","statements":[]}"#,
            "https://openvex.dev/ns",
        ),
        (
            "custom",
            b"anything at all",
            "https://cosign.sigstore.dev/attestation/v1",
        ),
        (
            "https://example.com/predicate/v1",
            br#"{"mine":true}"#,
            "https://example.com/predicate/v1",
        ),
    ]
}

#[test]
fn attestations_verify_and_filter_by_type() {
    let registry = Registry::start(None);
    registry.push_image("app", "1", "attested");
    let image = registry.open("app:1");
    let key = key();
    let all = predicates();
    for (index, (name, predicate, _)) in all.iter().enumerate() {
        // Both layouts, alternating.
        let format = if index % 2 == 0 {
            SignatureFormat::Bundle
        } else {
            SignatureFormat::Legacy
        };
        let predicate_type = PredicateType::parse(name).unwrap();
        image
            .attest(&key, format, &predicate_type, predicate)
            .unwrap();
    }
    image
        .sign(&key, SignatureFormat::Bundle, &BTreeMap::new())
        .unwrap();
    for (name, predicate, uri) in &all {
        let verification = verify_attestations(&image, &key.public_key(), uri);
        assert_one_verified(&verification, &format!("{name}: "));
        assert!(
            verification.rejected.is_empty(),
            "{name}: {:?}",
            reasons(&verification)
        );
        let claim = &verification.verified[0];
        assert_eq!(claim.predicate_type.as_deref(), Some(*uri));
        // The output is the DSSE envelope, as cosign prints; its statement carries the
        // predicate as cosign builds it.
        assert_eq!(claim.output["payloadType"], "application/vnd.in-toto+json");
        let statement = statement(&claim.output);
        assert_eq!(statement["predicateType"], *uri);
        assert_eq!(
            statement["subject"][0]["digest"]["sha256"],
            &image.digest()[7..]
        );
        match *name {
            "spdx" => assert_eq!(
                statement["predicate"],
                std::str::from_utf8(predicate).unwrap()
            ),
            "custom" => assert_eq!(statement["predicate"]["Data"], "anything at all"),
            _ => assert_eq!(
                statement["predicate"],
                serde_json::from_slice::<Value>(predicate).unwrap()
            ),
        }
        // The others verified too, and were filtered out by type (bundle ones are skipped by
        // their referrer annotation before download, so only legacy ones are counted).
        assert!(verification.other_types.iter().all(|other| other != uri));
    }
    // The image signature is not an attestation of any type asked for, and attestations are
    // not signatures.
    let signatures = verify(&image, &key.public_key(), false, &[]);
    assert_eq!(signatures.verified.len(), 1, "{:?}", reasons(&signatures));
    assert!(matches!(
        PredicateType::parse("sbom"),
        Err(custody_sign::oci::Error::UnknownPredicateType { .. })
    ));
}

/// The peers directory: `CUSTODY_PEERS`, else `<repository>/.peers`.
fn peers() -> PathBuf {
    let peers = std::env::var_os("CUSTODY_PEERS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.peers"),
        PathBuf::from,
    );
    assert!(
        peers
            .join("node_modules/@sigstore/oci/package.json")
            .is_file(),
        "sigstore-js is missing from {}: run scripts/setup.sh",
        peers.display()
    );
    peers
}

/// Runs an oracle script under `tests/oracle` with the peers' `node_modules`.
fn oracle(script: &str, arguments: &[&str]) -> std::process::Output {
    Command::new("node")
        .arg(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/oracle")
                .join(script),
        )
        .args(arguments)
        .env("NODE_PATH", peers().join("node_modules"))
        .output()
        .expect("node is required: install Node.js 20 (scripts/setup.sh)")
}

#[test]
fn sigstore_js_attachments_verify_and_sigstore_js_verifies_ours() {
    // @sigstore/oci expects an authentication challenge, so this registry requires a login.
    let registry = Registry::start(Some(("alice", "s3cret")));
    let image_digest = registry.push_image("app", "1", "oracle");
    let directory = tempfile::tempdir().unwrap();
    let public_path = directory.path().join("node.pub");
    let output = oracle(
        "oci-attach.js",
        &[
            &format!("{}/app@{image_digest}", registry.address),
            "alice",
            "s3cret",
            public_path.to_str().unwrap(),
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let node_key = PublicKey::from_pem(&fs_err::read_to_string(&public_path).unwrap()).unwrap();
    let image = registry.open("app:1");
    let verification = verify(&image, &node_key, false, &[]);
    assert_one_verified(&verification, "");
    assert_eq!(verification.verified[0].format, SignatureFormat::Bundle);

    // The other way: custody signs, sigstore-js verifies the bundle found on the referrer
    // (appended to the index sigstore-js created).
    let key = key();
    image
        .sign(&key, SignatureFormat::Bundle, &BTreeMap::new())
        .unwrap();
    let index = registry
        .manifest("app", &image_digest.replace(':', "-"))
        .unwrap();
    let entries = index["manifests"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let referrer = registry
        .manifest("app", entries[1]["digest"].as_str().unwrap())
        .unwrap();
    let layer_digest = referrer["layers"][0]["digest"].as_str().unwrap();
    let bundle_path = directory.path().join("bundle.json");
    fs_err::copy(registry.blob_path(layer_digest), &bundle_path).unwrap();
    let key_path = directory.path().join("custody.pub");
    fs_err::write(&key_path, key.public_key().to_pem()).unwrap();
    let output = oracle(
        "oci-verify.js",
        &[
            bundle_path.to_str().unwrap(),
            key_path.to_str().unwrap(),
            &image_digest,
        ],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // And it refuses the bundle with the other key.
    let other = directory.path().join("other.pub");
    fs_err::write(&other, self::key().public_key().to_pem()).unwrap();
    let refused = oracle(
        "oci-verify.js",
        &[
            bundle_path.to_str().unwrap(),
            other.to_str().unwrap(),
            &image_digest,
        ],
    );
    assert!(!refused.status.success());
}

#[test]
fn securesystemslib_verifies_legacy_attestation_envelopes() {
    let registry = Registry::start(None);
    let image_digest = registry.push_image("app", "1", "envelope");
    let image = registry.open("app:1");
    let key = key();
    let predicate_type = PredicateType::parse("slsaprovenance1").unwrap();
    image
        .attest(
            &key,
            SignatureFormat::Legacy,
            &predicate_type,
            br#"{"buildDefinition":{"buildType":"x"},"runDetails":{"builder":{"id":"b"}}}"#,
        )
        .unwrap();
    let tag = format!("{}.att", image_digest.replace(':', "-"));
    let manifest = registry.manifest("app", &tag).unwrap();
    let layer = &manifest["layers"][0];
    assert_eq!(layer["mediaType"], "application/vnd.dsse.envelope.v1+json");
    assert_eq!(
        layer["annotations"]["predicateType"],
        "https://slsa.dev/provenance/v1"
    );
    assert_eq!(
        layer["annotations"]["dev.cosignproject.cosign/signature"],
        ""
    );
    let directory = tempfile::tempdir().unwrap();
    let envelope = directory.path().join("envelope.json");
    fs_err::copy(
        registry.blob_path(layer["digest"].as_str().unwrap()),
        &envelope,
    )
    .unwrap();
    let python = peers().join("bin/python");
    let run = |key: &PublicKey| {
        let pem = directory.path().join("key.pem");
        fs_err::write(&pem, key.to_pem()).unwrap();
        Command::new(&python)
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle/oci-verify-envelope.py"))
            .arg(&envelope)
            .arg(&pem)
            .output()
            .expect("the peers' python is required: run scripts/setup.sh")
    };
    let output = run(&key.public_key());
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let statement: Value = serde_json::from_slice(&output.stdout).unwrap();
    // cosign's legacy attestations are in-toto v0.1 statements about the image digest.
    assert_eq!(statement["_type"], "https://in-toto.io/Statement/v0.1");
    assert_eq!(statement["predicateType"], "https://slsa.dev/provenance/v1");
    assert_eq!(
        statement["subject"][0]["digest"]["sha256"],
        &image_digest[7..]
    );
    assert!(!run(&self::key().public_key()).status.success());
}

/// A keyless legacy `.sig` layer made of a real Fulcio-signed, Rekor-logged signature: the
/// conformance corpus's `happy-path-v0.1` bundle (a message signature over `a.txt`) moved into
/// cosign's layer annotations (`dev.sigstore.cosign/certificate`, `chain`, `bundle`).
fn keyless_legacy_layer(registry: &Registry, image_digest: &str) {
    let corpus = crate::conformance::sigstore_dir().join("bundle-verify");
    let bundle: Value = serde_json::from_slice(
        &fs_err::read(corpus.join("happy-path-v0.1/bundle.sigstore.json")).unwrap(),
    )
    .unwrap();
    let payload = fs_err::read(corpus.join("a.txt")).unwrap();
    let pem = |der: &Value| {
        let text = der.as_str().unwrap();
        format!("-----BEGIN CERTIFICATE-----\n{text}\n-----END CERTIFICATE-----\n")
    };
    let material = &bundle["verificationMaterial"];
    let certificates = material["x509CertificateChain"]["certificates"]
        .as_array()
        .unwrap();
    let chain: String = certificates[1..]
        .iter()
        .map(|certificate| pem(&certificate["rawBytes"]))
        .collect();
    let entry = &material["tlogEntries"][0];
    let standard = base64::engine::general_purpose::STANDARD;
    let rekor_bundle = json!({
        "SignedEntryTimestamp": entry["inclusionPromise"]["signedEntryTimestamp"],
        "Payload": {
            "body": entry["canonicalizedBody"],
            "integratedTime": entry["integratedTime"].as_str().unwrap().parse::<i64>().unwrap(),
            "logIndex": entry["logIndex"].as_str().unwrap().parse::<i64>().unwrap(),
            "logID": hex::encode(standard.decode(entry["logId"]["keyId"].as_str().unwrap()).unwrap()),
        },
    });
    let config =
        br#"{"architecture":"","os":"","rootfs":{"type":"layers","diff_ids":[]},"config":{}}"#
            .to_vec();
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": config.len(), "digest": digest(&config)},
        "layers": [{
            "mediaType": "application/vnd.dev.cosign.simplesigning.v1+json",
            "size": payload.len(),
            "digest": digest(&payload),
            "annotations": {
                "dev.cosignproject.cosign/signature": bundle["messageSignature"]["signature"],
                "dev.sigstore.cosign/certificate": pem(&certificates[0]["rawBytes"]),
                "dev.sigstore.cosign/chain": chain,
                "dev.sigstore.cosign/bundle": rekor_bundle.to_string(),
            },
        }],
    }))
    .unwrap();
    put_signature(registry, image_digest, &[config, payload], manifest);
}

#[test]
fn keyless_legacy_layers_check_chain_identity_and_log_before_the_payload() {
    let registry = Registry::start(None);
    let image_digest = registry.push_image("app", "1", "keyless");
    keyless_legacy_layer(&registry, &image_digest);
    let image = registry.open("app:1");
    let root = TrustedRoot::production();
    let verify_as = |identity: &str| {
        let policy = Policy::Identity {
            subject: IdentityMatcher::Exact(identity.to_owned()),
            issuer: IdentityMatcher::Exact(
                "https://token.actions.githubusercontent.com".to_owned(),
            ),
        };
        let options = VerifyOptions {
            root: &root,
            policy: &policy,
            require_tlog: true,
        };
        image.verify(&options, &BTreeMap::new()).unwrap()
    };
    // The corpus's signer: certificate chain, identity, SET and signature all verify, and the
    // layer is refused only because `a.txt` is no cosign payload.
    let beacon = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
    let verification = verify_as(beacon);
    assert!(verification.verified.is_empty());
    assert!(
        matches!(verification.rejected[0].reason, RejectReason::Payload(_)),
        "{:?}",
        reasons(&verification)
    );
    // Another identity is refused at the certificate, naming who did sign.
    let verification = verify_as("someone@example.com");
    assert!(
        matches!(&verification.rejected[0].reason, RejectReason::Identity { subject, .. } if subject == beacon),
        "{:?}",
        reasons(&verification)
    );
}
