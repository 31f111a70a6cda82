//! Reading and writing Sigstore bundles: every bundle of the conformance corpus, structural
//! rejections, and the protobuf-JSON conventions of what custody writes.

use custody_sign::bundle::{
    Bundle, BundleError, BundleVersion, Content, MEDIA_TYPE_V0_3, MessageDigest, Signer, dsse,
};
use custody_sign::keys::HashAlgorithm;

use crate::conformance::bundle_verify_cases;

/// Cases whose bundle is structurally invalid, with the error `Bundle::from_json` must give.
fn expected_parse_error(case: &str, error: &BundleError) -> bool {
    match case {
        "bundle-empty-certificate-chain_fail" => matches!(
            error,
            BundleError::Missing { field }
                if field == "verificationMaterial.x509CertificateChain.certificates"
        ),
        "bundle-invalid-base64-signature_fail" => matches!(
            error,
            BundleError::Base64 { field, .. } if field == "messageSignature.signature"
        ),
        "bundle-negative-log-index_fail" => matches!(
            error,
            BundleError::Negative { field, value: -1 }
                if field == "verificationMaterial.tlogEntries[0].logIndex"
        ),
        "rekor2-no-inclusion-proof_fail" => matches!(
            error,
            BundleError::MissingInclusionProof { field }
                if field == "verificationMaterial.tlogEntries[0]"
        ),
        _ => false,
    }
}

const STRUCTURALLY_INVALID: [&str; 4] = [
    "bundle-empty-certificate-chain_fail",
    "bundle-invalid-base64-signature_fail",
    "bundle-negative-log-index_fail",
    "rekor2-no-inclusion-proof_fail",
];

/// Every corpus bundle either parses and survives a write/read round trip unchanged, or is
/// one of the structurally invalid cases and fails with the specific reason.
#[test]
fn corpus_bundles_parse_or_fail_for_the_right_reason() {
    let mut failures = Vec::new();
    for case in bundle_verify_cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let json = fs_err::read(case.join("bundle.sigstore.json")).unwrap();
        match Bundle::from_json(&json) {
            Ok(bundle) => {
                if STRUCTURALLY_INVALID.contains(&name.as_str()) {
                    failures.push(format!("{name}: parsed, expected a structural error"));
                    continue;
                }
                let written = bundle.to_json();
                match Bundle::from_json(&written) {
                    Ok(again) if again == bundle => {}
                    Ok(_) => failures.push(format!("{name}: round trip changed the bundle")),
                    Err(error) => failures.push(format!("{name}: rereading failed: {error}")),
                }
            }
            Err(error) if expected_parse_error(&name, &error) => {}
            Err(error) => failures.push(format!("{name}: {error}")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Facts read from the v0.1 happy path, checked against the values in its JSON.
#[test]
fn v0_1_bundle_fields() {
    let case = crate::conformance::sigstore_dir().join("bundle-verify/happy-path-v0.1");
    let bundle =
        Bundle::from_json(&fs_err::read(case.join("bundle.sigstore.json")).unwrap()).unwrap();
    assert_eq!(bundle.version(), Some(BundleVersion::V0_1));
    let Signer::CertificateChain(chain) = &bundle.verification_material.signer else {
        panic!("expected a certificate chain");
    };
    assert_eq!(chain.len(), 1);
    // DER SEQUENCE with a two-byte length: 0x30 0x82.
    assert_eq!(chain[0][..2], [0x30, 0x82]);
    let entry = &bundle.verification_material.tlog_entries[0];
    assert_eq!(entry.log_index, 27_246_492);
    assert_eq!(entry.integrated_time, 1_689_177_396);
    assert_eq!(
        (entry.kind.as_str(), entry.version.as_str()),
        ("hashedrekord", "0.0.1")
    );
    assert_eq!(entry.log_id.len(), 32);
    let proof = entry.inclusion_proof.as_ref().unwrap();
    assert_eq!((proof.log_index, proof.tree_size), (23_083_061, 23_083_062));
    assert_eq!(proof.hashes.len(), 10);
    assert!(
        proof
            .checkpoint
            .starts_with("rekor.sigstore.dev - 2605736670972794746\n")
    );
    let body: serde_json::Value = serde_json::from_slice(&entry.canonicalized_body).unwrap();
    assert_eq!(body["kind"], "hashedrekord");
    let Content::MessageSignature(signature) = &bundle.content else {
        panic!("expected a message signature");
    };
    let digest = signature.message_digest.as_ref().unwrap();
    assert_eq!(digest.algorithm, HashAlgorithm::Sha256);
    assert_eq!(
        hex::encode(&digest.digest),
        "a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf"
    );
}

/// A Rekor v2 bundle: no integrated time, no SET, an RFC 3161 timestamp instead.
#[test]
fn rekor_v2_bundle_fields() {
    let case =
        crate::conformance::sigstore_dir().join("bundle-verify/rekor2-checkpoint-multiple-cosigs");
    let bundle =
        Bundle::from_json(&fs_err::read(case.join("bundle.sigstore.json")).unwrap()).unwrap();
    assert_eq!(bundle.version(), Some(BundleVersion::V0_3));
    assert!(matches!(
        bundle.verification_material.signer,
        Signer::Certificate(_)
    ));
    let entry = &bundle.verification_material.tlog_entries[0];
    assert_eq!(
        (entry.kind.as_str(), entry.version.as_str()),
        ("hashedrekord", "0.0.2")
    );
    assert_eq!(entry.integrated_time, 0);
    assert!(entry.inclusion_promise.is_none());
    assert_eq!(
        bundle
            .verification_material
            .timestamp_verification_data
            .len(),
        1
    );
}

/// Mutations of a valid v0.3 bundle, each rejected with its own reason.
#[test]
fn structural_rejections() {
    let case = crate::conformance::sigstore_dir()
        .join("bundle-verify/happy-path-v0.3-new-mediaType/bundle.sigstore.json");
    let original: serde_json::Value = serde_json::from_slice(&fs_err::read(case).unwrap()).unwrap();
    let reject = |mutate: &dyn Fn(&mut serde_json::Value)| {
        let mut value = original.clone();
        mutate(&mut value);
        Bundle::from_json(&serde_json::to_vec(&value).unwrap()).unwrap_err()
    };
    assert!(matches!(
        reject(&|bundle| bundle["mediaType"] =
            "application/vnd.dev.sigstore.bundle+json;version=0.4".into()),
        BundleError::MediaType { .. }
    ));
    assert!(matches!(
        reject(&|bundle| {
            bundle.as_object_mut().unwrap().remove("messageSignature");
        }),
        BundleError::NoContent
    ));
    assert!(matches!(
        reject(&|bundle| {
            let certificate = bundle["verificationMaterial"]["certificate"].take();
            let material = bundle["verificationMaterial"].as_object_mut().unwrap();
            material.remove("certificate");
            material.insert(
                "x509CertificateChain".into(),
                serde_json::json!({ "certificates": [certificate] }),
            );
        }),
        BundleError::ChainInV03
    ));
    assert!(matches!(
        reject(&|bundle| {
            bundle["verificationMaterial"]
                .as_object_mut()
                .unwrap()
                .remove("certificate");
        }),
        BundleError::NoSigner
    ));
    assert!(matches!(
        reject(
            &|bundle| bundle["verificationMaterial"]["tlogEntries"][0]["logIndex"] = "12x".into()
        ),
        BundleError::Integer { .. }
    ));
    assert!(matches!(
        reject(&|bundle| {
            bundle["verificationMaterial"]["tlogEntries"][0]["inclusionProof"]
                .as_object_mut()
                .unwrap()
                .remove("checkpoint");
        }),
        BundleError::Missing { field }
            if field == "verificationMaterial.tlogEntries[0].inclusionProof.checkpoint.envelope"
    ));
    assert!(matches!(
        reject(&|bundle| bundle["messageSignature"]["messageDigest"]["algorithm"] = "MD5".into()),
        BundleError::HashAlgorithm { .. }
    ));
    assert!(matches!(
        reject(&|bundle| bundle["verificationMaterial"] = "material".into()),
        BundleError::Json { line: 1, .. }
    ));
}

/// protobuf-JSON readers accept `int64` as numbers and base64 with line breaks or URL-safe
/// characters; so does custody.
#[test]
fn lenient_reading() {
    let case = crate::conformance::sigstore_dir()
        .join("bundle-verify/happy-path-v0.3-new-mediaType/bundle.sigstore.json");
    let strict = Bundle::from_json(&fs_err::read(&case).unwrap()).unwrap();
    let mut value: serde_json::Value =
        serde_json::from_slice(&fs_err::read(&case).unwrap()).unwrap();
    let entry = &mut value["verificationMaterial"]["tlogEntries"][0];
    entry["logIndex"] = 79_571_823.into();
    entry["integratedTime"] = 1_710_869_186.into();
    let signature = value["messageSignature"]["signature"]
        .as_str()
        .unwrap()
        .to_owned();
    let (head, tail) = signature.split_at(20);
    value["messageSignature"]["signature"] = format!("{head}\n{tail}").into();
    let certificate = value["verificationMaterial"]["certificate"]["rawBytes"]
        .as_str()
        .unwrap()
        .replace('+', "-")
        .replace('/', "_");
    value["verificationMaterial"]["certificate"]["rawBytes"] = certificate.into();
    let lenient = Bundle::from_json(&serde_json::to_vec(&value).unwrap()).unwrap();
    assert_eq!(lenient, strict);
}

/// What custody writes for a key-signed blob: the v0.3 media type, `publicKey.hint`,
/// `int64` and empty-field conventions of protobuf-JSON.
#[test]
fn written_bundle_follows_protobuf_json() {
    let bundle = Bundle::message_signature(
        MessageDigest {
            algorithm: HashAlgorithm::Sha256,
            digest: vec![0xab; 32],
        },
        vec![1, 2, 3],
        Signer::PublicKey {
            hint: Some("aGludA==".to_owned()),
        },
    );
    let written: serde_json::Value = serde_json::from_slice(&bundle.to_json()).unwrap();
    assert_eq!(
        written,
        serde_json::json!({
            "mediaType": MEDIA_TYPE_V0_3,
            "verificationMaterial": { "publicKey": { "hint": "aGludA==" } },
            "messageSignature": {
                "messageDigest": {
                    "algorithm": "SHA2_256",
                    "digest": "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s="
                },
                "signature": "AQID"
            }
        })
    );
    assert_eq!(Bundle::from_json(&bundle.to_json()).unwrap(), bundle);

    let envelope = dsse::Envelope {
        payload_type: "application/vnd.in-toto+json".to_owned(),
        payload: b"{}".to_vec(),
        signatures: vec![dsse::Signature {
            keyid: String::new(),
            sig: vec![4, 5],
        }],
    };
    let written: serde_json::Value =
        serde_json::from_slice(&Bundle::dsse(envelope, Signer::PublicKey { hint: None }).to_json())
            .unwrap();
    assert_eq!(
        written,
        serde_json::json!({
            "mediaType": MEDIA_TYPE_V0_3,
            "verificationMaterial": { "publicKey": {} },
            "dsseEnvelope": {
                "payloadType": "application/vnd.in-toto+json",
                "payload": "e30=",
                "signatures": [{ "sig": "BAU=" }]
            }
        })
    );
}

/// The hint custody writes for a key is the one sigstore-go (cosign v3) wrote into the
/// corpus's managed-key bundle for that case's key.pub: base64 of SHA-256 over the SPKI DER.
#[test]
fn public_key_hint_matches_the_managed_key_bundle() {
    let case =
        crate::conformance::sigstore_dir().join("bundle-verify/managed-key-and-trusted-root");
    let bundle =
        Bundle::from_json(&fs_err::read(case.join("bundle.sigstore.json")).unwrap()).unwrap();
    let key = custody_sign::keys::PublicKey::from_pem(
        &fs_err::read_to_string(case.join("key.pub")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        Signer::public_key_hint(&key),
        bundle.verification_material.signer
    );
    assert_eq!(
        bundle.verification_material.signer,
        Signer::PublicKey {
            hint: Some("TLMsSDfG3ajPsWge+z/vX5T/zluXnmvbkTkwLIV68Tk=".to_owned())
        }
    );
}
