//! The trust module against real Sigstore material: every trusted root of the corpus, and the
//! certificates, SCTs and RFC 3161 timestamps inside the `bundle-verify` bundles (read
//! straight from their JSON, independently of the bundle parser).

use std::path::{Path, PathBuf};

use base64::Engine as _;
use custody_sign::trust::{
    CertificateError, CertificateIdentity, IdentityMatcher, TimestampError, TrustedRoot,
    verify_certificate, verify_embedded_scts, verify_timestamp,
};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;

use crate::conformance::{bundle_verify_cases, sigstore_dir};

/// The identity and issuer the conformance protocol passes when a case has no files for
/// them (bundle-verify/README.md).
const DEFAULT_IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER: &str = "https://token.actions.githubusercontent.com";

/// What a conformance bundle carries that the trust module checks.
struct Case {
    name: String,
    root: TrustedRoot,
    /// Leaf first, then whatever chain the bundle carries.
    certificates: Vec<Vec<u8>>,
    /// Rekor v1 integrated times.
    integrated_times: Vec<Timestamp>,
    timestamps: Vec<Vec<u8>>,
    /// The message signature or the first DSSE signature.
    signature: Vec<u8>,
    identity: String,
    issuer: String,
}

fn base64(value: &Value) -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(value.as_str().expect("a base64 string"))
        .expect("valid base64")
}

fn read_text(path: &Path, default: &str) -> String {
    if path.is_file() {
        fs_err::read_to_string(path)
            .expect("readable case file")
            .trim()
            .to_owned()
    } else {
        default.to_owned()
    }
}

fn case(folder: &Path) -> Case {
    let bundle: Value = serde_json::from_slice(
        &fs_err::read(folder.join("bundle.sigstore.json")).expect("readable bundle"),
    )
    .expect("bundle JSON");
    let material = &bundle["verificationMaterial"];
    let certificates = if let Some(certificate) = material.get("certificate") {
        vec![base64(&certificate["rawBytes"])]
    } else if let Some(chain) = material.get("x509CertificateChain") {
        chain["certificates"]
            .as_array()
            .map(|certificates| {
                certificates
                    .iter()
                    .map(|c| base64(&c["rawBytes"]))
                    .collect()
            })
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let integrated_times = material["tlogEntries"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| entry.get("integratedTime"))
        .map(|time| {
            let seconds = time.as_str().and_then(|text| text.parse().ok());
            Timestamp::from_second(seconds.expect("integratedTime as a string"))
                .expect("integratedTime in range")
        })
        .collect();
    let timestamps = material["timestampVerificationData"]["rfc3161Timestamps"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|timestamp| base64(&timestamp["signedTimestamp"]))
        .collect();
    let signature = bundle
        .get("messageSignature")
        .map(|message| &message["signature"])
        .or_else(|| bundle.pointer("/dsseEnvelope/signatures/0/sig"))
        .and_then(|value| {
            base64::engine::general_purpose::STANDARD
                .decode(value.as_str()?)
                .ok()
        })
        .unwrap_or_default();
    let root_path = folder.join("trusted_root.json");
    let root = if root_path.is_file() {
        TrustedRoot::from_json(&fs_err::read(root_path).expect("readable trusted root"))
            .expect("the case's trusted root parses")
    } else {
        TrustedRoot::production()
    };
    Case {
        name: folder
            .file_name()
            .expect("a case folder name")
            .to_string_lossy()
            .into_owned(),
        root,
        certificates,
        integrated_times,
        timestamps,
        signature,
        identity: read_text(&folder.join("identity"), DEFAULT_IDENTITY),
        issuer: read_text(&folder.join("issuer"), DEFAULT_ISSUER),
    }
}

impl Case {
    /// The leaf with the bundle's chain, at the first integrated time.
    fn verify_chain(&self) -> Result<CertificateIdentity, CertificateError> {
        verify_certificate(
            &self.certificates[0],
            &self.certificates[1..],
            &self.root,
            self.integrated_times[0],
        )
    }

    /// The first RFC 3161 timestamp, over the bundle's signature.
    fn verify_timestamp(&self) -> Result<Timestamp, TimestampError> {
        verify_timestamp(&self.timestamps[0], &self.signature, &self.root)
    }
}

fn named(name: &str) -> Case {
    case(&sigstore_dir().join("bundle-verify").join(name))
}

/// Cases whose certificate, SCTs and timestamps are all sound: their failure (if any) is in
/// the signature, the log entry or the bundle structure, which other modules check.
fn sound_certificate(name: &str) -> bool {
    !matches!(
        name,
        "bundle-empty-certificate-chain_fail"
            | "bundle-with-root-cert_fail"
            | "integrated-time-in-future_fail"
            | "intoto-set-outside-signing-cert-validity_fail"
            | "invalid-ct-key_fail"
            | "rekor2-timestamp-outside-trust-root-tsa-validity_fail"
            | "rekor2-timestamp-payload-mismatch_fail"
            | "rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail"
            // Signed with another certificate's key; its own timestamp covers that other
            // signature (README: "replace the envelope signature and the RFC3161 timestamps").
            | "rekor2-dsse-invalid-sig_fail"
    )
}

#[test]
fn every_trusted_root_of_the_corpus_parses() {
    let mut paths: Vec<PathBuf> = bundle_verify_cases()
        .into_iter()
        .map(|case| case.join("trusted_root.json"))
        .filter(|path| path.is_file())
        .collect();
    paths.push(sigstore_dir().join("keys-and-roots/sigstore-rs/trust_root/prod/trusted_root.json"));
    paths.push(
        sigstore_dir().join("keys-and-roots/cosign/pkg/cosign/testdata/trusted_root_pgi.json"),
    );
    assert_eq!(paths.len(), 21, "{paths:#?}");
    for path in &paths {
        let root = TrustedRoot::from_json(&fs_err::read(path).unwrap())
            .unwrap_or_else(|error| panic!("{}: {error}", path.display()));
        assert!(!root.transparency_logs().is_empty(), "{}", path.display());
    }
    // The staging CT log key is a PKCS#1 RSAPublicKey, not SPKI.
    let staging = TrustedRoot::from_json(
        &fs_err::read(sigstore_dir().join("bundle-verify/invalid-ct-key_fail/trusted_root.json"))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(staging.ct_logs().len(), 3);
    assert_eq!(staging.timestamp_authorities().len(), 1);
}

#[test]
fn production_root_is_the_shipped_file() {
    let shipped = TrustedRoot::production();
    let corpus = TrustedRoot::from_json(
        &fs_err::read(
            sigstore_dir().join("keys-and-roots/sigstore-rs/trust_root/prod/trusted_root.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let log_ids = |root: &TrustedRoot| {
        root.transparency_logs()
            .iter()
            .chain(root.ct_logs())
            .map(|log| {
                (
                    log.log_id.clone(),
                    log.public_key.to_spki_der(),
                    log.valid_for,
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(log_ids(&shipped), log_ids(&corpus));
    let chains = |root: &TrustedRoot| {
        root.certificate_authorities()
            .iter()
            .map(|authority| {
                authority
                    .certificates()
                    .map(<[u8]>::to_vec)
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(chains(&shipped), chains(&corpus));
}

/// Every sound certificate chains to its trusted root at its signing time (the integrated
/// time, else the RFC 3161 time), binds the identity the protocol asks for, and carries at
/// least one SCT from a trusted CT log; every sound timestamp verifies.
#[test]
fn sound_certificates_scts_and_timestamps_verify() {
    let mut checked = 0;
    for folder in bundle_verify_cases() {
        let case = case(&folder);
        if case.certificates.is_empty() || !sound_certificate(&case.name) {
            continue;
        }
        let mut times = case.integrated_times.clone();
        for token in &case.timestamps {
            let time = verify_timestamp(token, &case.signature, &case.root)
                .unwrap_or_else(|error| panic!("{}: timestamp: {error}", case.name));
            times.push(time);
        }
        assert!(!times.is_empty(), "{}: no signing time", case.name);
        let (leaf, chain) = case.certificates.split_first().unwrap();
        for at in times {
            let identity = verify_certificate(leaf, chain, &case.root, at)
                .unwrap_or_else(|error| panic!("{}: certificate at {at}: {error}", case.name));
            assert!(
                identity.matches(
                    &IdentityMatcher::Exact(case.identity.clone()),
                    &IdentityMatcher::Exact(case.issuer.clone())
                ),
                "{}: identity {:?} issuer {:?}",
                case.name,
                identity.subject,
                identity.issuer
            );
            assert!(identity.not_before <= at && at <= identity.not_after);
            let issuer = identity.chain.first().expect("a path above the leaf");
            let verified = verify_embedded_scts(leaf, issuer, &case.root)
                .unwrap_or_else(|error| panic!("{}: SCTs: {error}", case.name));
            assert!(verified >= 1);
        }
        checked += 1;
    }
    // 35 cases: 2 key-signed, 1 with an empty chain, 8 more unsound above.
    assert_eq!(checked, 24);
}

#[test]
fn workflow_identity_and_fulcio_extensions() {
    let case = named("happy-path-v0.3-new-mediaType");
    let identity = verify_certificate(
        &case.certificates[0],
        &[],
        &case.root,
        case.integrated_times[0],
    )
    .unwrap();
    assert_eq!(identity.subject, DEFAULT_IDENTITY);
    assert_eq!(identity.issuer.as_deref(), Some(DEFAULT_ISSUER));
    let extension = |name: &str| identity.extensions.get(name).map(String::as_str);
    assert_eq!(
        extension("githubWorkflowTrigger"),
        Some("workflow_dispatch")
    );
    assert_eq!(
        extension("sourceRepositoryURI"),
        Some("https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon")
    );
    assert_eq!(extension("buildSignerURI"), Some(DEFAULT_IDENTITY));
    assert_eq!(extension("runnerEnvironment"), Some("github-hosted"));
    assert!(identity.matches(
        &IdentityMatcher::regex(r"https://github\.com/sigstore-conformance/.*").unwrap(),
        &IdentityMatcher::regex(r"https://token\.actions\.githubusercontent\.com").unwrap(),
    ));
    // Unanchored like cosign's: a prefix pattern matches, an anchored one must match whole.
    assert!(identity.matches(
        &IdentityMatcher::regex("https://github.com/sigstore-conformance/").unwrap(),
        &IdentityMatcher::Exact(DEFAULT_ISSUER.to_owned()),
    ));
    assert!(!identity.matches(
        &IdentityMatcher::regex("^https://github.com/sigstore-conformance/$").unwrap(),
        &IdentityMatcher::Exact(DEFAULT_ISSUER.to_owned()),
    ));
    assert!(!identity.matches(
        &IdentityMatcher::Exact(DEFAULT_IDENTITY.to_owned()),
        &IdentityMatcher::Exact("https://accounts.google.com".to_owned()),
    ));
}

#[test]
fn root_certificate_in_the_bundle_chain_is_refused() {
    let case = named("bundle-with-root-cert_fail");
    assert_eq!(case.certificates.len(), 3);
    let error = case.verify_chain().unwrap_err();
    // The chain is [root, intermediate] after the leaf (read with `openssl x509`).
    assert!(
        matches!(error, CertificateError::RootInChain { index: 0, .. }),
        "{error}"
    );
}

#[test]
fn certificate_outside_its_validity_is_refused() {
    let case = named("happy-path-v0.1");
    let leaf = &case.certificates[0];
    let at = case.integrated_times[0];
    let identity = verify_certificate(leaf, &[], &case.root, at).unwrap();
    // Fulcio leaves live ten minutes.
    assert_eq!(
        identity.not_before.duration_until(identity.not_after),
        SignedDuration::from_mins(10)
    );
    for late in [
        at + SignedDuration::from_mins(11),
        at - SignedDuration::from_mins(11),
    ] {
        let error = verify_certificate(leaf, &[], &case.root, late).unwrap_err();
        assert!(matches!(error, CertificateError::Expired { .. }), "{error}");
    }
    for name in [
        "integrated-time-in-future_fail",
        "intoto-set-outside-signing-cert-validity_fail",
    ] {
        let case = named(name);
        let error = case.verify_chain().unwrap_err();
        assert!(
            matches!(error, CertificateError::Expired { .. }),
            "{name}: {error}"
        );
    }
}

#[test]
fn certificate_from_another_authority_is_untrusted() {
    // A production certificate checked against the staging root of a Rekor v2 case: the
    // staging intermediate has the production one's name but another key.
    let production = named("happy-path-v0.1");
    let staging = named("rekor2-timestamp-without-embedded-cert");
    let error = verify_certificate(
        &production.certificates[0],
        &[],
        &staging.root,
        production.integrated_times[0],
    )
    .unwrap_err();
    assert!(
        matches!(error, CertificateError::Signature { .. }),
        "{error}"
    );
    // Checked at a time no staging authority was valid, no issuer is even tried.
    let before_staging = "2022-01-01T00:00:00Z".parse().unwrap();
    let error = verify_certificate(
        &production.certificates[0],
        &[],
        &staging.root,
        before_staging,
    )
    .unwrap_err();
    assert!(matches!(error, CertificateError::Expired { .. }), "{error}");
    // And a leaf is no issuer: its own key cannot have signed itself.
    let error = verify_embedded_scts(
        &production.certificates[0],
        &production.certificates[0],
        &production.root,
    )
    .unwrap_err();
    assert!(
        matches!(error, CertificateError::SctSignature { .. }),
        "{error}"
    );
}

#[test]
fn sct_from_an_untrusted_ct_log_is_refused() {
    let case = named("invalid-ct-key_fail");
    let leaf = &case.certificates[0];
    let identity = verify_certificate(leaf, &[], &case.root, case.integrated_times[0]).unwrap();
    let error = verify_embedded_scts(leaf, &identity.chain[0], &case.root).unwrap_err();
    assert!(
        matches!(error, CertificateError::NoTrustedSct { count: 1 }),
        "{error}"
    );
    // The same certificate against the production CT logs verifies.
    verify_embedded_scts(leaf, &identity.chain[0], &TrustedRoot::production()).unwrap();
}

#[test]
fn timestamp_without_embedded_certificate_uses_the_trusted_root() {
    let case = named("rekor2-timestamp-without-embedded-cert");
    let time = case.verify_timestamp().unwrap();
    // genTime of the token: 2025-08-06T19:03:51Z (TSTInfo `180F32303235303830363139303335315A`).
    assert_eq!(time, "2025-08-06T19:03:51Z".parse::<Timestamp>().unwrap());
}

#[test]
fn timestamp_with_expired_chain_verifies_at_its_time() {
    let case = named("rekor2-timestamp-with-expired-cert-chain");
    let time = case.verify_timestamp().unwrap();
    assert!(time < Timestamp::now());
}

#[test]
fn timestamp_failures_have_their_reason() {
    let case = named("rekor2-timestamp-payload-mismatch_fail");
    let error = case.verify_timestamp().unwrap_err();
    assert!(matches!(error, TimestampError::ImprintMismatch), "{error}");

    let case = named("rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail");
    let error = case.verify_timestamp().unwrap_err();
    assert!(matches!(error, TimestampError::SignerNotFound), "{error}");

    let case = named("rekor2-timestamp-outside-trust-root-tsa-validity_fail");
    let error = case.verify_timestamp().unwrap_err();
    assert!(
        matches!(
            error,
            TimestampError::Untrusted {
                source: CertificateError::Untrusted { .. },
                ..
            }
        ),
        "{error}"
    );

    // A sound token over other bytes, and a sound token against a root without its TSA.
    let case = named("rekor2-timestamp-without-embedded-cert");
    let error = verify_timestamp(&case.timestamps[0], b"other", &case.root).unwrap_err();
    assert!(matches!(error, TimestampError::ImprintMismatch), "{error}");
    let error = verify_timestamp(
        &case.timestamps[0],
        &case.signature,
        &TrustedRoot::production(),
    )
    .unwrap_err();
    assert!(matches!(error, TimestampError::SignerNotFound), "{error}");

    // Any flipped byte of the token is refused, never accepted and never a panic, except two
    // unsigned ones (offsets read with `openssl asn1parse`): the response starts
    // `30 82 LL LL 30 03 02 01 00`, whose status 0 (granted) flipped is 1 (grantedWithMods),
    // and byte 247 is the tag of the empty `certificates [0]` set, flipped to an empty
    // `crls [1]`.
    let response = &case.timestamps[0];
    assert_eq!(
        response.get(4..9),
        Some(&[0x30, 0x03, 0x02, 0x01, 0x00][..])
    );
    assert_eq!(response.get(247..249), Some(&[0xa0, 0x00][..]));
    for index in (0..response.len()).filter(|index| ![8, 247].contains(index)) {
        let mut tampered = response.clone();
        tampered[index] ^= 0x01;
        if let Ok(time) = verify_timestamp(&tampered, &case.signature, &case.root) {
            panic!("byte {index} flipped still verified at {time}");
        }
    }
}

#[test]
fn tampered_certificates_never_verify() {
    let case = named("happy-path-v0.3-new-mediaType");
    let leaf = &case.certificates[0];
    let at = case.integrated_times[0];
    for index in (0..leaf.len()).step_by(11) {
        let mut tampered = leaf.clone();
        tampered[index] ^= 0x01;
        assert!(
            verify_certificate(&tampered, &[], &case.root, at).is_err(),
            "byte {index} flipped still verified"
        );
    }
}
