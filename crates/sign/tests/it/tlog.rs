//! Transparency-log evidence checked by `tlog::verify_entry` alone: every log entry of the
//! bundle-verify corpus with the outcome its case requires of the log layer, sample bundles
//! of sigstore-rs and cosign, and tampered variants of real entries for each failure reason.

use std::path::{Path, PathBuf};

use custody_sign::bundle::{Bundle, Content, TransparencyLogEntry};
use custody_sign::keys::{HashAlgorithm, PublicKey};
use custody_sign::tlog::{
    BodyError, CheckpointError, MalformedCheckpoint, MerkleError, SignedContent, SignerMaterial,
    TlogError, VerifiedEntry, verify_entry, verify_legacy_rekor_bundle,
};
use custody_sign::trust::TrustedRoot;
use jiff::Timestamp;

use crate::conformance::{bundle_verify_cases, sigstore_dir};

/// A corpus case loaded as the verifier sees it.
struct Case {
    name: String,
    bundle: Bundle,
    root: TrustedRoot,
    /// The artifact's SHA-256 digest (every message signature of the corpus is over SHA-256).
    digest: Vec<u8>,
    key: Option<PublicKey>,
}

impl Case {
    /// Loads a case folder; `Err` with the reason when its bundle does not parse.
    fn load(directory: &Path) -> Result<Self, String> {
        let name = directory
            .file_name()
            .expect("a case folder has a name")
            .to_string_lossy()
            .into_owned();
        let bundle = Bundle::from_json(
            &fs_err::read(directory.join("bundle.sigstore.json")).expect("readable bundle"),
        )
        .map_err(|error| error.to_string())?;
        let root_path = directory.join("trusted_root.json");
        let root = if root_path.is_file() {
            TrustedRoot::from_json(&fs_err::read(root_path).expect("readable trusted root"))
                .expect("the case's trusted root parses")
        } else {
            production_root()
        };
        let artifact_path = directory.join("artifact");
        let artifact = fs_err::read(if artifact_path.is_file() {
            artifact_path
        } else {
            directory.join("../a.txt")
        })
        .expect("readable artifact");
        let key_path = directory.join("key.pub");
        let key = key_path.is_file().then(|| {
            PublicKey::from_pem(&fs_err::read_to_string(key_path).expect("readable key"))
                .expect("the case's key parses")
        });
        Ok(Self {
            name,
            bundle,
            root,
            digest: HashAlgorithm::Sha256.digest(&artifact),
            key,
        })
    }

    fn named(name: &str) -> Self {
        Self::load(&sigstore_dir().join("bundle-verify").join(name))
            .unwrap_or_else(|error| panic!("{name}: {error}"))
    }

    fn entry(&self) -> &TransparencyLogEntry {
        let [entry] = self.bundle.verification_material.tlog_entries.as_slice() else {
            panic!("{}: expected one log entry", self.name);
        };
        entry
    }

    fn content(&self) -> SignedContent<'_> {
        match &self.bundle.content {
            Content::MessageSignature(message) => SignedContent::Message {
                digest: &self.digest,
                signature: &message.signature,
            },
            Content::DsseEnvelope(envelope) => SignedContent::Dsse(envelope),
        }
    }

    /// The key the case verifies with, else the bundle's leaf certificate; `None` for a
    /// key-signed bundle whose case supplies no key.
    fn signer(&self) -> Option<SignerMaterial<'_>> {
        match (
            &self.key,
            self.bundle.verification_material.signer.leaf_certificate(),
        ) {
            (Some(key), _) => Some(SignerMaterial::PublicKey(key)),
            (None, Some(certificate)) => Some(SignerMaterial::Certificate(certificate)),
            (None, None) => None,
        }
    }

    fn verify(&self, entry: &TransparencyLogEntry) -> Result<VerifiedEntry, TlogError> {
        let signer = self.signer().expect("the case has a signer");
        verify_entry(entry, &self.content(), &signer, &self.root)
    }
}

fn production_root() -> TrustedRoot {
    let path = sigstore_dir().join("keys-and-roots/sigstore-rs/trust_root/prod/trusted_root.json");
    TrustedRoot::from_json(&fs_err::read(path).expect("readable production root"))
        .expect("the production root parses")
}

/// What the log layer must say about a corpus case.
enum Expected {
    /// The log evidence holds (the case may still fail elsewhere: certificate, SCT, TSA).
    Verified,
    /// The log layer rejects the case, for the reason the predicate recognises.
    Fails(fn(&TlogError) -> bool),
    /// The log layer is never reached; the reason says why.
    NotReached(&'static str),
}

fn expected(case: &str) -> Expected {
    use Expected::{Fails, NotReached, Verified};
    match case {
        "checkpoint-bad-keyhint_fail" => Fails(|error| {
            matches!(
                error,
                TlogError::Checkpoint(CheckpointError::NoLogSignature { .. })
            )
        }),
        "inclusion-proof-corrupted-hash_fail" => Fails(|error| {
            matches!(
                error,
                TlogError::InclusionProof(MerkleError::RootMismatch { .. })
            )
        }),
        "rekor2-checkpoint-missing-log-signature_fail" => Fails(|error| {
            matches!(
                error,
                TlogError::Checkpoint(CheckpointError::Malformed {
                    kind: MalformedCheckpoint::NoSignatures,
                    ..
                })
            )
        }),
        "rekor2-checkpoint-missing-root-hash_fail" => Fails(|error| {
            matches!(
                error,
                TlogError::Checkpoint(CheckpointError::Malformed {
                    kind: MalformedCheckpoint::TooFewLines,
                    ..
                })
            )
        }),
        // The envelope or message signature is not the one the log recorded.
        "dsse-invalid-sig_fail"
        | "dsse-mismatch-sig_fail"
        | "intoto-log-entry-mismatch_fail"
        | "rekor2-dsse-invalid-sig_fail"
        | "rekor2-dsse-mismatch-sig_fail"
        | "signature-mismatch_fail" => {
            Fails(|error| matches!(error, TlogError::Body(BodyError::SignatureMismatch { .. })))
        }
        // The logged digest is not the artifact's.
        "wrong-hashedrekord-artifact_fail" | "wrong-hashedrekord-entry_fail" => {
            Fails(|error| matches!(error, TlogError::Body(BodyError::DigestMismatch { .. })))
        }
        "bundle-empty-certificate-chain_fail"
        | "bundle-invalid-base64-signature_fail"
        | "bundle-negative-log-index_fail"
        | "rekor2-no-inclusion-proof_fail" => NotReached(
            "Bundle::from_json rejects it (tests/it/bundle.rs); the last two are rebuilt below",
        ),
        "managed-key-no-key_fail" => NotReached("a key-signed bundle verified without a key"),
        // Log evidence intact; these fail on the chain, the certificate validity, the SCT,
        // the message digest hint or the RFC 3161 timestamp.
        "bundle-with-root-cert_fail"
        | "happy-path-v0.1"
        | "happy-path-v0.3-new-mediaType"
        | "integrated-time-in-future_fail"
        | "intoto-set-outside-signing-cert-validity_fail"
        | "intoto-with-custom-trust-root"
        | "invalid-ct-key_fail"
        | "managed-key-and-trusted-root"
        | "message-digest-mismatch_fail"
        | "rekor2-checkpoint-multiple-cosigs"
        | "rekor2-checkpoint-origin-not-first"
        | "rekor2-checkpoint-two-sigs-from-origin"
        | "rekor2-timestamp-outside-trust-root-tsa-validity_fail"
        | "rekor2-timestamp-payload-mismatch_fail"
        | "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail"
        | "rekor2-timestamp-with-expired-cert-chain"
        | "rekor2-timestamp-without-embedded-cert"
        | "trust-root-tlog-validity-end-inclusive" => Verified,
        other => panic!("case {other} has no expected log outcome: add it to `expected`"),
    }
}

/// The integrated time a verified entry must report: the one its SET signs, none without a
/// SET (Rekor v2, or a proof alone).
fn signed_time(entry: &TransparencyLogEntry) -> Option<Timestamp> {
    entry
        .inclusion_promise
        .as_ref()
        .map(|_| Timestamp::from_second(entry.integrated_time).expect("a valid integrated time"))
}

#[test]
fn every_corpus_entry_gives_the_log_outcome_its_case_requires() {
    let (mut verified, mut rejected, mut not_reached) = (0, 0, Vec::new());
    let mut failures = Vec::new();
    for directory in bundle_verify_cases() {
        let name = directory
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let expectation = expected(&name);
        if let Expected::NotReached(reason) = expectation {
            not_reached.push(format!("{name}: {reason}"));
            continue;
        }
        let case = Case::load(&directory)
            .unwrap_or_else(|error| panic!("{name}: bundle does not parse: {error}"));
        let entry = case.entry();
        match (expectation, case.verify(entry)) {
            (Expected::Verified, Ok(result)) => {
                assert_eq!(result.integrated_time, signed_time(entry), "{name}");
                assert_eq!(result.log_index, entry.log_index, "{name}");
                assert_eq!(result.log_id, entry.log_id, "{name}");
                assert_eq!(result.body["kind"], entry.kind.as_str(), "{name}");
                verified += 1;
            }
            (Expected::Fails(reason), Err(error)) if reason(&error) => rejected += 1,
            (Expected::Verified, Err(error)) => {
                failures.push(format!("{name}: expected verified, got {error:?}"));
            }
            (_, got) => failures.push(format!("{name}: expected a specific failure, got {got:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures (verified {verified}, rejected {rejected}):\n{}",
        failures.len(),
        failures.join("\n")
    );
    // 18 verified and 12 rejected of the 35 cases; 5 never reach the log layer.
    assert_eq!(
        (verified, rejected, not_reached.len()),
        (18, 12, 5),
        "{not_reached:#?}"
    );
}

#[test]
fn sample_dsse_bundles_of_sigstore_rs_and_cosign_verify_against_the_production_root() {
    let samples: [PathBuf; 2] = [
        sigstore_dir().join("keys-and-roots/sigstore-rs/tests/data/bundle_v03.json"),
        sigstore_dir()
            .join("keys-and-roots/cosign/pkg/cosign/testdata/oci-attestation.sigstore.json"),
    ];
    for path in samples {
        let bundle = Bundle::from_json(&fs_err::read(&path).unwrap()).unwrap();
        let Content::DsseEnvelope(envelope) = &bundle.content else {
            panic!("{}: expected a DSSE bundle", path.display());
        };
        let certificate = bundle
            .verification_material
            .signer
            .leaf_certificate()
            .unwrap();
        let entry = &bundle.verification_material.tlog_entries[0];
        let verified = verify_entry(
            entry,
            &SignedContent::Dsse(envelope),
            &SignerMaterial::Certificate(certificate),
            &TrustedRoot::production(),
        )
        .unwrap_or_else(|error| panic!("{}: {error:?}", path.display()));
        assert_eq!(verified.integrated_time, signed_time(entry));
        assert_eq!(verified.body["kind"], "dsse");
    }
}

#[test]
fn negative_log_index_is_rejected() {
    // bundle-negative-log-index_fail, rebuilt from the valid entry it was derived from.
    let case = Case::named("happy-path-v0.1");
    let mut entry = case.entry().clone();
    entry.log_index = -1;
    assert!(matches!(
        case.verify(&entry),
        Err(TlogError::NegativeLogIndex { log_index: -1 })
    ));
    let mut entry = case.entry().clone();
    entry.inclusion_proof.as_mut().unwrap().tree_size = -5;
    assert!(matches!(
        case.verify(&entry),
        Err(TlogError::NegativeProofField {
            field: "treeSize",
            value: -5
        })
    ));
}

#[test]
fn an_entry_needs_a_set_or_a_checkpointed_proof() {
    // rekor2-no-inclusion-proof_fail, rebuilt: a Rekor v2 entry has no SET to fall back on.
    let case = Case::named("rekor2-checkpoint-multiple-cosigs");
    let mut entry = case.entry().clone();
    entry.inclusion_proof = None;
    assert!(matches!(
        case.verify(&entry),
        Err(TlogError::MissingInclusionEvidence { log_index: 735 })
    ));

    // A v0.1 entry proven by its SET alone verifies and reports the signed time.
    let case = Case::named("happy-path-v0.1");
    let mut set_only = case.entry().clone();
    set_only.inclusion_proof = None;
    let verified = case.verify(&set_only).unwrap();
    assert_eq!(
        verified.integrated_time,
        Some(Timestamp::from_second(1_689_177_396).unwrap())
    );

    // A proof without a checkpoint is checked but proves nothing without the SET.
    let mut unanchored = case.entry().clone();
    unanchored
        .inclusion_proof
        .as_mut()
        .unwrap()
        .checkpoint
        .clear();
    assert!(case.verify(&unanchored).is_ok());
    unanchored.inclusion_promise = None;
    assert!(matches!(
        case.verify(&unanchored),
        Err(TlogError::MissingInclusionEvidence { .. })
    ));

    // A checkpointed proof without the SET verifies, but its integrated time is unsigned.
    let mut proof_only = case.entry().clone();
    proof_only.inclusion_promise = None;
    assert_eq!(case.verify(&proof_only).unwrap().integrated_time, None);
}

#[test]
fn a_tampered_set_or_integrated_time_fails_the_set() {
    let case = Case::named("happy-path-v0.1");
    let mut entry = case.entry().clone();
    entry.integrated_time += 1;
    assert!(matches!(
        case.verify(&entry),
        Err(TlogError::SetInvalid { .. })
    ));
    let mut entry = case.entry().clone();
    entry.inclusion_promise.as_mut().unwrap()[10] ^= 1;
    assert!(matches!(
        case.verify(&entry),
        Err(TlogError::SetInvalid { .. })
    ));
    let mut entry = case.entry().clone();
    entry.integrated_time = 0;
    assert!(matches!(
        case.verify(&entry),
        Err(TlogError::SetWithoutIntegratedTime { .. })
    ));
}

#[test]
fn the_log_key_must_be_valid_at_the_integrated_time() {
    // trust-root-tlog-validity-end-inclusive ends exactly at the integrated time and passes
    // (above); one second earlier the key had expired.
    let directory = sigstore_dir().join("bundle-verify/trust-root-tlog-validity-end-inclusive");
    let mut root: serde_json::Value =
        serde_json::from_slice(&fs_err::read(directory.join("trusted_root.json")).unwrap())
            .unwrap();
    let mut shortened = 0;
    for log in root["tlogs"].as_array_mut().unwrap() {
        let end = &mut log["publicKey"]["validFor"]["end"];
        if end == "2023-07-12T15:56:36Z" {
            *end = "2023-07-12T15:56:35Z".into();
            shortened += 1;
        }
    }
    assert_eq!(shortened, 1);
    let mut case = Case::load(&directory).unwrap();
    case.root = TrustedRoot::from_json(root.to_string().as_bytes()).unwrap();
    assert!(matches!(
        case.verify(case.entry()),
        Err(TlogError::LogKeyNotValid { at, .. }) if at.as_second() == 1_689_177_396
    ));
}

#[test]
fn an_entry_from_an_untrusted_log_is_rejected() {
    // The staging root of the rekor2 cases does not list the production log.
    let mut case = Case::named("happy-path-v0.1");
    case.root = Case::named("rekor2-checkpoint-multiple-cosigs").root;
    let production_log = hex::encode(&case.entry().log_id);
    assert!(matches!(
        case.verify(case.entry()),
        Err(TlogError::UnknownLog { log_id }) if log_id == production_log
    ));
}

#[test]
fn the_checkpoint_must_sign_the_proofs_root_and_size() {
    let case = Case::named("happy-path-v0.3-new-mediaType");
    let mut entry = case.entry().clone();
    entry.inclusion_proof.as_mut().unwrap().tree_size += 1;
    assert!(matches!(
        case.verify(&entry),
        Err(TlogError::Checkpoint(CheckpointError::TreeSizeMismatch {
            checkpoint: 75_408_393,
            proof: 75_408_394
        }))
    ));
    let mut entry = case.entry().clone();
    entry.inclusion_proof.as_mut().unwrap().root_hash[0] ^= 1;
    assert!(matches!(
        case.verify(&entry),
        Err(TlogError::Checkpoint(
            CheckpointError::RootHashMismatch { .. }
        ))
    ));
    let mut entry = case.entry().clone();
    entry.inclusion_proof.as_mut().unwrap().hashes.pop();
    assert!(matches!(
        case.verify(&entry),
        Err(TlogError::InclusionProof(MerkleError::WrongProofLength {
            expected: 11,
            actual: 10,
            ..
        }))
    ));
}

#[test]
fn the_body_must_name_this_signer_kind_and_content() {
    let case = Case::named("happy-path-v0.1");
    let content = case.content();
    let other = Case::named("happy-path-v0.3-new-mediaType");
    let other_certificate = other
        .bundle
        .verification_material
        .signer
        .leaf_certificate()
        .unwrap();
    assert!(matches!(
        verify_entry(
            case.entry(),
            &content,
            &SignerMaterial::Certificate(other_certificate),
            &case.root
        ),
        Err(TlogError::Body(BodyError::SignerMismatch {
            field: "spec.signature.publicKey.content"
        }))
    ));

    let managed = Case::named("managed-key-and-trusted-root");
    // The production Rekor key: a real key, not the one that signed.
    let stranger = production_root().transparency_logs()[0].public_key.clone();
    assert!(matches!(
        verify_entry(
            managed.entry(),
            &managed.content(),
            &SignerMaterial::PublicKey(&stranger),
            &managed.root
        ),
        Err(TlogError::Body(BodyError::SignerMismatch { .. }))
    ));

    let mut relabelled = case.entry().clone();
    relabelled.kind = "dsse".to_owned();
    assert!(matches!(
        case.verify(&relabelled),
        Err(TlogError::Body(BodyError::KindMismatch { .. }))
    ));

    let dsse = Case::named("dsse-invalid-sig_fail");
    assert!(matches!(
        verify_entry(dsse.entry(), &content, &dsse.signer().unwrap(), &dsse.root),
        Err(TlogError::Body(BodyError::Unsupported {
            content: "message signature",
            ..
        }))
    ));
}

/// The `dev.sigstore.cosign/bundle` annotation cosign would have written for `entry`.
fn legacy_annotation(entry: &TransparencyLogEntry) -> Vec<u8> {
    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    let set = entry
        .inclusion_promise
        .as_ref()
        .expect("an entry with a SET");
    serde_json::json!({
        "SignedEntryTimestamp": STANDARD.encode(set),
        "Payload": {
            "body": STANDARD.encode(&entry.canonicalized_body),
            "integratedTime": entry.integrated_time,
            "logIndex": entry.log_index,
            "logID": hex::encode(&entry.log_id),
        }
    })
    .to_string()
    .into_bytes()
}

#[test]
fn cosign_legacy_bundle_annotations_verify_by_their_set() {
    let case = Case::named("happy-path-v0.1");
    let signer = case.signer().unwrap();
    let annotation = legacy_annotation(case.entry());
    let verified =
        verify_legacy_rekor_bundle(&annotation, &case.content(), &signer, &case.root).unwrap();
    assert_eq!(verified.integrated_time, signed_time(case.entry()));
    assert_eq!(verified.log_index, 27_246_492);

    let mut tampered = case.entry().clone();
    tampered.log_index += 1;
    assert!(matches!(
        verify_legacy_rekor_bundle(
            &legacy_annotation(&tampered),
            &case.content(),
            &signer,
            &case.root
        ),
        Err(TlogError::SetInvalid { .. })
    ));

    let other_artifact = HashAlgorithm::Sha256.digest(b"another artifact");
    let Content::MessageSignature(message) = &case.bundle.content else {
        unreachable!("happy-path-v0.1 is a message signature");
    };
    let other_content = SignedContent::Message {
        digest: &other_artifact,
        signature: &message.signature,
    };
    assert!(matches!(
        verify_legacy_rekor_bundle(&annotation, &other_content, &signer, &case.root),
        Err(TlogError::Body(BodyError::DigestMismatch { .. }))
    ));

    let bad_base64 = br#"{"SignedEntryTimestamp":"%%","Payload":{"body":"","integratedTime":1,
        "logIndex":1,"logID":"00"}}"#;
    for garbage in [&b"{}"[..], b"not json", bad_base64] {
        assert!(
            matches!(
                verify_legacy_rekor_bundle(garbage, &case.content(), &signer, &case.root),
                Err(TlogError::LegacyBundle(_) | TlogError::LegacyBundleField { .. })
            ),
            "{}",
            String::from_utf8_lossy(garbage)
        );
    }
}
