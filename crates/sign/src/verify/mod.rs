//! Offline verification of a Sigstore bundle against a key or a certificate identity.
//!
//! [`verify_bundle`] follows the Sigstore client verification specification in the order
//! sigstore-go (`pkg/verify/signed_entity.go`) and sigstore-python (`verify/verifier.py`)
//! apply it:
//!
//! 1. the signer matches the policy: a key-signed bundle needs [`Policy::Key`], a
//!    certificate needs [`Policy::Identity`];
//! 2. time evidence: every transparency log entry verifies against this signature and the
//!    trusted root ([`tlog::verify_entry`]: body, SET, inclusion proof and checkpoint), and
//!    every RFC 3161 timestamp over the signature chains to a trusted timestamp authority
//!    ([`trust::verify_timestamp`]). Each verified log integrated time and timestamp is a
//!    verified time; an integrated time in the future fails;
//! 3. thresholds: at least one verified log entry (unless [`VerifyOptions::require_tlog`] is
//!    false), and for certificates at least one verified time;
//! 4. a certificate chains to a trusted Fulcio CA and is valid at *every* verified time
//!    ([`trust::verify_certificate`]), its embedded SCTs verify, and its identity and issuer
//!    match the policy;
//! 5. the signature verifies with the signer's key, over the artifact (message signature) or
//!    the DSSE pre-authentication encoding;
//! 6. the artifact is what was signed: its digest equals the bundle's message digest, or is
//!    the digest of a subject of the in-toto statement in the envelope.
//!
//! Any failure is an error naming the step; [`Verified`] is returned only when all pass.

mod content;
mod error;

use jiff::Timestamp;

use crate::bundle::{Bundle, Content, Signer, intoto};
use crate::keys::{HashAlgorithm, PublicKey};
use crate::tlog::{self, SignedContent, SignerMaterial, VerifiedEntry};
use crate::trust::{self, CertificateIdentity, IdentityMatcher, TrustedRoot};

pub use error::VerifyError;

/// Who must have signed.
#[derive(Clone, Debug)]
pub enum Policy {
    /// The bundle is signed with this key (`--key`).
    Key(PublicKey),
    /// The bundle carries a Fulcio certificate for this identity and OIDC issuer
    /// (`--certificate-identity[-regexp]`, `--certificate-oidc-issuer[-regexp]`).
    Identity {
        /// Matched against the certificate's subject alternative name.
        subject: IdentityMatcher,
        /// Matched against the certificate's OIDC issuer extension.
        issuer: IdentityMatcher,
    },
}

/// The artifact the bundle must be about.
#[derive(Clone, Copy, Debug)]
pub enum Artifact<'a> {
    /// The artifact's bytes.
    Bytes(&'a [u8]),
    /// The artifact's digest (`sha256:HEX` on the command line, an image manifest digest).
    /// Ed25519 message signatures cannot be checked this way: they sign the bytes.
    Digest {
        /// The hash function.
        algorithm: HashAlgorithm,
        /// The digest.
        digest: &'a [u8],
    },
}

/// How to verify.
#[derive(Clone, Copy, Debug)]
pub struct VerifyOptions<'a> {
    /// Transparency log keys, certificate and timestamp authorities to trust.
    pub root: &'a TrustedRoot,
    /// Who must have signed.
    pub policy: &'a Policy,
    /// Whether a transparency log entry is required (the default). `false` is cosign's
    /// `--insecure-ignore-tlog`: a key-signed bundle is then accepted on its signature alone,
    /// and its log entries and timestamps are not looked at; a certificate still needs a
    /// verified time, so its entries and timestamps are still verified.
    pub require_tlog: bool,
}

/// A bundle that verified, with what was established.
#[must_use]
#[derive(Clone, Debug)]
pub struct Verified {
    /// The verified signer.
    pub signer: VerifiedSigner,
    /// Every verified signing time and where it came from.
    pub timestamps: Vec<(TimestampSource, Timestamp)>,
    /// The in-toto statement of a DSSE bundle.
    pub statement: Option<intoto::Statement>,
    /// The transparency log entries that verified.
    pub tlog_entries: Vec<VerifiedEntry>,
}

/// The signer of a [`Verified`] bundle.
#[derive(Clone, Debug)]
pub enum VerifiedSigner {
    /// The policy's key.
    Key(PublicKey),
    /// A Fulcio certificate and the identity it binds.
    Certificate(CertificateIdentity),
}

/// Where a verified time comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampSource {
    /// A transparency log's signed integrated time (SET).
    TransparencyLog {
        /// The entry's log index.
        log_index: i64,
    },
    /// An RFC 3161 timestamp authority.
    TimestampAuthority,
}

/// Verifies `bundle` over `artifact` under `options`: see the [module documentation](self).
pub fn verify_bundle(
    bundle: &Bundle,
    artifact: Artifact<'_>,
    options: &VerifyOptions<'_>,
) -> Result<Verified, VerifyError> {
    let material = &bundle.verification_material;
    let signature = content::signature_bytes(&bundle.content)?;
    let expected = match (&material.signer, options.policy) {
        (Signer::PublicKey { .. }, Policy::Key(key)) => ExpectedSigner::Key(key),
        (Signer::PublicKey { .. }, Policy::Identity { .. }) => {
            return Err(VerifyError::KeyRequired);
        }
        (Signer::Certificate(_) | Signer::CertificateChain(_), Policy::Key(_)) => {
            return Err(VerifyError::CertificateRequired);
        }
        (signer, Policy::Identity { subject, issuer }) => ExpectedSigner::Certificate {
            leaf: signer
                .leaf_certificate()
                .ok_or(VerifyError::NoCertificate)?,
            subject,
            issuer,
        },
    };
    let signer_material = match expected {
        ExpectedSigner::Key(key) => SignerMaterial::PublicKey(key),
        ExpectedSigner::Certificate { leaf, .. } => SignerMaterial::Certificate(leaf),
    };

    // The artifact digest the log entry must record and the key signed over.
    let digest = content::artifact_digest(&bundle.content, artifact)?;
    let signed = match &bundle.content {
        Content::MessageSignature(_) => SignedContent::Message {
            digest: &digest.digest,
            signature,
        },
        Content::DsseEnvelope(envelope) => SignedContent::Dsse(envelope),
    };

    let evidence = if matches!(expected, ExpectedSigner::Key(_)) && !options.require_tlog {
        Evidence::default()
    } else {
        Evidence::verify(bundle, &signed, &signer_material, signature, options.root)?
    };
    if options.require_tlog && evidence.entries.is_empty() {
        return Err(VerifyError::NoTransparencyLogEntry);
    }

    let (key, verified_signer) = match expected {
        ExpectedSigner::Certificate {
            leaf,
            subject,
            issuer,
        } => {
            let identity = verify_identity(
                leaf,
                material.signer.chain_after_leaf(),
                &evidence.times,
                options.root,
            )?;
            if !identity.matches(subject, issuer) {
                return Err(VerifyError::IdentityMismatch {
                    subject: identity.subject,
                    issuer: identity.issuer,
                });
            }
            (
                identity.public_key.clone(),
                VerifiedSigner::Certificate(identity),
            )
        }
        ExpectedSigner::Key(key) => (key.clone(), VerifiedSigner::Key(key.clone())),
    };
    let certificate = matches!(verified_signer, VerifiedSigner::Certificate(_));
    let statement = content::verify_content(&bundle.content, artifact, &digest, &key, certificate)?;
    Ok(Verified {
        signer: verified_signer,
        timestamps: evidence.times,
        statement,
        tlog_entries: evidence.entries,
    })
}

/// The signer the policy expects, matched against the bundle's material.
#[derive(Clone, Copy)]
enum ExpectedSigner<'a> {
    /// The policy's key.
    Key(&'a PublicKey),
    /// The bundle's leaf certificate, for the policy's identity and issuer.
    Certificate {
        leaf: &'a [u8],
        subject: &'a IdentityMatcher,
        issuer: &'a IdentityMatcher,
    },
}

/// Verified log entries and times.
#[derive(Default)]
struct Evidence {
    entries: Vec<VerifiedEntry>,
    times: Vec<(TimestampSource, Timestamp)>,
}

impl Evidence {
    /// Verifies every log entry and timestamp of the bundle; any failure fails the bundle.
    fn verify(
        bundle: &Bundle,
        content: &SignedContent<'_>,
        signer: &SignerMaterial<'_>,
        signature: &[u8],
        root: &TrustedRoot,
    ) -> Result<Self, VerifyError> {
        let material = &bundle.verification_material;
        let now = Timestamp::now();
        let mut evidence = Self::default();
        for (index, entry) in material.tlog_entries.iter().enumerate() {
            let verified = tlog::verify_entry(entry, content, signer, root)
                .map_err(|source| VerifyError::TransparencyLog { index, source })?;
            if let Some(at) = verified.integrated_time {
                if at > now {
                    return Err(VerifyError::IntegratedTimeInFuture { index, at });
                }
                evidence.times.push((
                    TimestampSource::TransparencyLog {
                        log_index: verified.log_index,
                    },
                    at,
                ));
            }
            evidence.entries.push(verified);
        }
        let mut authority_times = Vec::new();
        for (index, token) in material.timestamp_verification_data.iter().enumerate() {
            let at = trust::verify_timestamp(token, signature, root)
                .map_err(|source| VerifyError::Timestamp { index, source })?;
            authority_times.push(at);
            evidence
                .times
                .push((TimestampSource::TimestampAuthority, at));
        }
        // An entry without a signed integrated time (Rekor v2) is anchored by the timestamps:
        // its log's key must have been valid when they say the signature existed.
        for (index, verified) in evidence.entries.iter().enumerate() {
            if verified.integrated_time.is_some() {
                continue;
            }
            let log = root.transparency_log(&verified.log_id);
            if let Some(at) = authority_times
                .iter()
                .find(|at| log.is_none_or(|log| !log.valid_for.contains(**at)))
            {
                return Err(VerifyError::TransparencyLog {
                    index,
                    source: tlog::TlogError::LogKeyNotValid {
                        log_id: hex::encode(&verified.log_id),
                        at: *at,
                    },
                });
            }
        }
        Ok(evidence)
    }
}

/// Checks the certificate at every verified time and its SCTs; returns its identity.
fn verify_identity(
    leaf: &[u8],
    chain: &[Vec<u8>],
    times: &[(TimestampSource, Timestamp)],
    root: &TrustedRoot,
) -> Result<CertificateIdentity, VerifyError> {
    let mut identity = None;
    for (_, at) in times {
        identity = Some(
            trust::verify_certificate(leaf, chain, root, *at)
                .map_err(|source| VerifyError::Certificate { at: *at, source })?,
        );
    }
    let identity = identity.ok_or(VerifyError::NoVerifiedTime)?;
    let issuer = identity.chain.first().ok_or(VerifyError::NoIssuer)?;
    trust::verify_embedded_scts(leaf, issuer, root)
        .map_err(VerifyError::CertificateTransparency)?;
    Ok(identity)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bundle::dsse;
    use crate::keys::{KeyAlgorithm, SigningKey};

    fn signed_blob(key: &SigningKey, blob: &[u8]) -> Bundle {
        Bundle::sign_blob(blob, key).unwrap()
    }

    fn options<'a>(
        root: &'a TrustedRoot,
        policy: &'a Policy,
        require_tlog: bool,
    ) -> VerifyOptions<'a> {
        VerifyOptions {
            root,
            policy,
            require_tlog,
        }
    }

    #[test]
    fn key_signed_blob_verifies_only_without_required_tlog() {
        let root = TrustedRoot::production();
        for algorithm in [
            KeyAlgorithm::EcdsaP256,
            KeyAlgorithm::EcdsaP384,
            KeyAlgorithm::EcdsaP521,
            KeyAlgorithm::Ed25519,
        ] {
            let key = SigningKey::generate(algorithm).unwrap();
            let bundle = signed_blob(&key, b"release");
            let policy = Policy::Key(key.public_key());
            let verified = verify_bundle(
                &bundle,
                Artifact::Bytes(b"release"),
                &options(&root, &policy, false),
            )
            .unwrap();
            assert!(
                matches!(verified.signer, VerifiedSigner::Key(_)),
                "{algorithm}"
            );
            assert!(verified.timestamps.is_empty() && verified.tlog_entries.is_empty());
            assert!(matches!(
                verify_bundle(
                    &bundle,
                    Artifact::Bytes(b"release"),
                    &options(&root, &policy, true)
                ),
                Err(VerifyError::NoTransparencyLogEntry)
            ));
        }
    }

    #[test]
    fn tampered_artifact_signature_or_key_fails() {
        let root = TrustedRoot::production();
        let key = SigningKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let policy = Policy::Key(key.public_key());
        let options = options(&root, &policy, false);
        let bundle = signed_blob(&key, b"release");
        assert!(matches!(
            verify_bundle(&bundle, Artifact::Bytes(b"releasE"), &options),
            Err(VerifyError::MessageDigestMismatch { .. })
        ));
        let mut tampered = bundle.clone();
        if let Content::MessageSignature(signature) = &mut tampered.content {
            signature.message_digest = None;
            let last = signature.signature.last_mut().unwrap();
            *last ^= 1;
        }
        assert!(matches!(
            verify_bundle(&tampered, Artifact::Bytes(b"release"), &options),
            Err(VerifyError::Signature { .. })
        ));
        let other = Policy::Key(
            SigningKey::generate(KeyAlgorithm::EcdsaP256)
                .unwrap()
                .public_key(),
        );
        assert!(matches!(
            verify_bundle(
                &bundle,
                Artifact::Bytes(b"release"),
                &super::tests::options(&root, &other, false)
            ),
            Err(VerifyError::Signature { .. })
        ));
    }

    #[test]
    fn digest_artifacts_are_checked_prehashed() {
        let root = TrustedRoot::production();
        let key = SigningKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let policy = Policy::Key(key.public_key());
        let bundle = signed_blob(&key, b"release");
        let digest = HashAlgorithm::Sha256.digest(b"release");
        let artifact = Artifact::Digest {
            algorithm: HashAlgorithm::Sha256,
            digest: &digest,
        };
        let _ = verify_bundle(&bundle, artifact, &options(&root, &policy, false)).unwrap();
        let artifact = Artifact::Digest {
            algorithm: HashAlgorithm::Sha512,
            digest: &digest,
        };
        assert!(matches!(
            verify_bundle(&bundle, artifact, &options(&root, &policy, false)),
            Err(VerifyError::DigestAlgorithmMismatch { .. })
        ));
    }

    #[test]
    fn dsse_bundle_matches_statement_subjects() {
        let root = TrustedRoot::production();
        let key = SigningKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let policy = Policy::Key(key.public_key());
        let statement = format!(
            r#"{{"_type":"{}","subject":[{{"name":"a","digest":{{"sha256":"{}"}}}},{{"name":"b","digest":{{"sha512":"{}"}}}}],"predicateType":"https://example.com/p","predicate":{{}}}}"#,
            intoto::STATEMENT_V1,
            hex::encode(HashAlgorithm::Sha256.digest(b"artifact")),
            hex::encode(HashAlgorithm::Sha512.digest(b"second")),
        );
        let envelope =
            dsse::Envelope::sign(intoto::PAYLOAD_TYPE, statement.as_bytes(), &key).unwrap();
        let bundle = Bundle::dsse(envelope.clone(), Signer::public_key_hint(&key.public_key()));
        let verified = verify_bundle(
            &bundle,
            Artifact::Bytes(b"artifact"),
            &options(&root, &policy, false),
        )
        .unwrap();
        assert_eq!(
            verified.statement.unwrap().predicate_type,
            "https://example.com/p"
        );
        // The second subject is named by SHA-512 only.
        let _ = verify_bundle(
            &bundle,
            Artifact::Bytes(b"second"),
            &options(&root, &policy, false),
        )
        .unwrap();
        assert!(matches!(
            verify_bundle(
                &bundle,
                Artifact::Bytes(b"other"),
                &options(&root, &policy, false)
            ),
            Err(VerifyError::SubjectMismatch { .. })
        ));
        let mut two = envelope.clone();
        two.signatures.push(envelope.signatures[0].clone());
        assert!(matches!(
            verify_bundle(
                &Bundle::dsse(two, Signer::PublicKey { hint: None }),
                Artifact::Bytes(b"artifact"),
                &options(&root, &policy, false)
            ),
            Err(VerifyError::EnvelopeSignatureCount { count: 2 })
        ));
        let mut payload = envelope;
        payload.payload_type = "text/plain".to_owned();
        assert!(matches!(
            verify_bundle(
                &Bundle::dsse(payload, Signer::PublicKey { hint: None }),
                Artifact::Bytes(b"artifact"),
                &options(&root, &policy, false)
            ),
            // The type is bound into the signed bytes, so changing it breaks the signature.
            Err(VerifyError::Signature { .. })
        ));
    }

    #[test]
    fn signer_and_policy_must_agree() {
        let root = TrustedRoot::production();
        let key = SigningKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let identity = Policy::Identity {
            subject: IdentityMatcher::Exact("someone@example.com".to_owned()),
            issuer: IdentityMatcher::Exact("https://accounts.example.com".to_owned()),
        };
        assert!(matches!(
            verify_bundle(
                &signed_blob(&key, b"x"),
                Artifact::Bytes(b"x"),
                &options(&root, &identity, false)
            ),
            Err(VerifyError::KeyRequired)
        ));
        let mut certificate = signed_blob(&key, b"x");
        certificate.verification_material.signer = Signer::Certificate(vec![0x30, 0x00]);
        let policy = Policy::Key(key.public_key());
        assert!(matches!(
            verify_bundle(
                &certificate,
                Artifact::Bytes(b"x"),
                &options(&root, &policy, false)
            ),
            Err(VerifyError::CertificateRequired)
        ));
    }
}
