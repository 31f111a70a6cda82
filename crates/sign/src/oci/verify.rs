//! Finding an image's signatures and attestations and verifying each.
//!
//! Candidates come from the referrers API, then the referrers fallback tag (Sigstore bundles,
//! recognised by artifact type), then cosign's legacy tag (`.sig` simple-signing layers, `.att`
//! DSSE layers). A bundle is verified by [`crate::verify::verify_bundle`] against the image
//! digest; a legacy layer here: the signature over the payload (or the envelope's PAE) with the
//! key or the certificate's key, the certificate chain and identity, the Rekor bundle
//! annotation bound to this signature, then the claims (digest, type, annotations).
//!
//! Every candidate ends either verified or rejected with its reason; nothing that failed a
//! check is ever reported as verified.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;
use jiff::Timestamp;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::layout::{self, Descriptor, Manifest};
use super::payload::{self, SIGN_PREDICATE_TYPE, SimpleSigning};
use super::registry::Repository;
use super::{Error, Image, SignatureFormat};
use crate::bundle::{Bundle, Content, dsse, intoto};
use crate::keys::{HashAlgorithm, PublicKey};
use crate::tlog::{self, SignedContent, SignerMaterial, VerifiedEntry};
use crate::trust::{self, CertificateIdentity};
use crate::verify::{self, Artifact, Policy, TimestampSource, VerifiedSigner, VerifyOptions};

/// The outcome of verifying an image: every candidate found, verified or rejected.
#[must_use]
#[derive(Debug)]
pub struct Verification {
    /// The image digest everything was checked against.
    pub digest: String,
    /// The signatures or attestations that verified (and, for attestations, are of the
    /// predicate type asked for).
    pub verified: Vec<VerifiedClaim>,
    /// The candidates that did not verify, with why.
    pub rejected: Vec<Rejection>,
    /// Predicate types of attestations that verified but were not the type asked for (they
    /// are filtered out, as cosign's `verify-attestation --type` does).
    pub other_types: Vec<String>,
}

/// One signature or attestation that verified.
#[must_use]
#[derive(Debug)]
pub struct VerifiedClaim {
    /// The layout it was found in.
    pub format: SignatureFormat,
    /// Where: the referrer manifest digest, or the legacy tag and layer digest.
    pub location: String,
    /// Who signed: the key, or the certificate's identity.
    pub signer: VerifiedSigner,
    /// Transparency-log entries that verified and record this signature.
    pub tlog_entries: Vec<VerifiedEntry>,
    /// Verified times the signature existed at, and where each comes from.
    pub timestamps: Vec<(TimestampSource, Timestamp)>,
    /// The predicate type of the signed statement (`https://sigstore.dev/cosign/sign/v1` for
    /// cosign v3 signatures), `None` for a legacy simple-signing payload.
    pub predicate_type: Option<String>,
    /// What cosign prints for it: a signature's claims
    /// (`{"critical": {"identity", "image", "type"}, "optional"}`), or an attestation's DSSE
    /// envelope (`{"payloadType", "payload", "signatures"}`).
    pub output: Value,
}

/// A candidate that did not verify.
#[derive(Debug)]
pub struct Rejection {
    /// Where it was found.
    pub location: String,
    /// Why it was rejected.
    pub reason: RejectReason,
}

/// Why a candidate signature or attestation was rejected.
#[derive(Debug, thiserror::Error)]
pub enum RejectReason {
    /// It could not be read from the registry.
    #[error("cannot read it")]
    Fetch(#[source] Error),
    /// The document is not what its place says (no bundle layer, malformed JSON, …).
    #[error("{0}")]
    Malformed(String),
    /// The bundle does not parse.
    #[error("not a valid Sigstore bundle")]
    Bundle(#[source] crate::bundle::BundleError),
    /// The bundle does not verify.
    #[error("the bundle does not verify")]
    BundleVerification(#[source] verify::VerifyError),
    /// A verified bundle that is an attestation, where a signature was wanted.
    #[error("it is an attestation of {predicate_type}, not an image signature")]
    NotASignature {
        /// Its predicate type.
        predicate_type: String,
    },
    /// The signature does not verify with the key.
    #[error("the signature does not verify")]
    Signature(#[source] crate::keys::SignatureError),
    /// A keyless verification without a certificate on the layer.
    #[error("no certificate on the layer, and no key was given")]
    NoCertificate,
    /// The certificate does not chain to the trusted root or is unusable.
    #[error("the certificate does not verify")]
    Certificate(#[source] trust::CertificateError),
    /// The certificate's identity is not the one asked for.
    #[error("signed by {subject} (issuer {issuer}), not the identity asked for")]
    Identity {
        /// The certificate's subject (SAN).
        subject: String,
        /// The certificate's OIDC issuer.
        issuer: String,
    },
    /// No transparency-log evidence, and it is required.
    #[error(
        "no transparency log evidence: the signature is not in Rekor (--insecure-ignore-tlog accepts it)"
    )]
    NoTlog,
    /// The Rekor bundle annotation does not verify or does not record this signature.
    #[error("the Rekor bundle does not verify")]
    Tlog(#[source] tlog::TlogError),
    /// The signed payload's claims are not about this image.
    #[error("the payload claims digest {claimed}, the image is {expected}")]
    DigestMismatch {
        /// The digest in the payload.
        claimed: String,
        /// The image digest.
        expected: String,
    },
    /// The signed payload is not a cosign payload.
    #[error("the payload is not a cosign signature payload: {0}")]
    Payload(String),
    /// `-a key=value` is not among the signed annotations.
    #[error(
        "annotation {key}={expected} wanted, the signature has {}",
        actual.as_ref().map_or_else(|| format!("no {key}"), |actual| format!("{key}={actual}"))
    )]
    Annotation {
        /// The annotation key.
        key: String,
        /// The value asked for.
        expected: String,
        /// The signed value, if the key is there.
        actual: Option<String>,
    },
    /// More candidates than custody checks; the first ones in discovery order were checked.
    #[error("{skipped} candidates beyond the first {MAX_CANDIDATES} were not checked")]
    TooMany {
        /// How many were left unchecked.
        skipped: usize,
    },
}

/// Most candidates verified per image: each costs registry requests, and a hostile registry
/// can list any number. cosign has no limit; real images carry a handful.
const MAX_CANDIDATES: usize = 256;

/// What to look for.
enum Wanted<'a> {
    /// Image signatures whose annotations include these.
    Signatures(&'a BTreeMap<String, String>),
    /// Attestations of this predicate type URI.
    Attestations(&'a str),
}

/// A signature or attestation found, not yet verified.
enum Candidate {
    /// A referrer manifest holding a Sigstore bundle.
    Bundle { manifest: String },
    /// A layer of the legacy `.sig`/`.att` image.
    Legacy { tag: String, layer: Descriptor },
}

impl Candidate {
    fn location(&self) -> String {
        match self {
            Self::Bundle { manifest } => format!("referrer {manifest}"),
            Self::Legacy { tag, layer } => format!("tag {tag} layer {}", layer.digest),
        }
    }
}

impl Image {
    /// Verifies the image's signatures (bundle and legacy) with `options`; each must also
    /// carry every one of `annotations` (`-a key=value`).
    pub fn verify(
        &self,
        options: &VerifyOptions<'_>,
        annotations: &BTreeMap<String, String>,
    ) -> Result<Verification, Error> {
        self.verify_wanted(options, &Wanted::Signatures(annotations))
    }

    /// Verifies the image's attestations with `options` and keeps those of `predicate_type`
    /// (a URI, see [`super::PredicateType::uri`]).
    pub fn verify_attestations(
        &self,
        options: &VerifyOptions<'_>,
        predicate_type: &str,
    ) -> Result<Verification, Error> {
        self.verify_wanted(options, &Wanted::Attestations(predicate_type))
    }

    fn verify_wanted(
        &self,
        options: &VerifyOptions<'_>,
        wanted: &Wanted<'_>,
    ) -> Result<Verification, Error> {
        let mut verification = Verification {
            digest: self.digest().to_owned(),
            verified: Vec::new(),
            rejected: Vec::new(),
            other_types: Vec::new(),
        };
        let mut found = candidates(&self.repository, self.digest(), wanted)?;
        if found.len() > MAX_CANDIDATES {
            verification.rejected.push(Rejection {
                location: format!("{} candidates", found.len()),
                reason: RejectReason::TooMany {
                    skipped: found.len() - MAX_CANDIDATES,
                },
            });
            found.truncate(MAX_CANDIDATES);
        }
        for candidate in found {
            let location = candidate.location();
            let checked = match &candidate {
                Candidate::Bundle { manifest } => self.check_bundle(manifest, options, wanted),
                Candidate::Legacy { layer, .. } => self.check_legacy(layer, options, wanted),
            };
            match checked {
                Ok(claim) => match (wanted, &claim.predicate_type) {
                    (Wanted::Attestations(uri), Some(found)) if found != uri => {
                        verification.other_types.push(found.clone());
                    }
                    _ => verification
                        .verified
                        .push(VerifiedClaim { location, ..claim }),
                },
                Err(reason) => verification.rejected.push(Rejection { location, reason }),
            }
        }
        Ok(verification)
    }

    fn check_bundle(
        &self,
        manifest_digest: &str,
        options: &VerifyOptions<'_>,
        wanted: &Wanted<'_>,
    ) -> Result<VerifiedClaim, RejectReason> {
        let manifest = self
            .repository
            .manifest(manifest_digest)
            .map_err(RejectReason::Fetch)?
            .ok_or_else(|| RejectReason::Malformed("the referrer manifest is gone".to_owned()))?;
        let manifest: Manifest = serde_json::from_slice(&manifest)
            .map_err(|error| RejectReason::Malformed(format!("malformed manifest: {error}")))?;
        let layer = manifest
            .layers
            .iter()
            .find(|layer| is_bundle_type(&layer.media_type))
            .ok_or_else(|| RejectReason::Malformed("no bundle layer".to_owned()))?;
        let bytes = self
            .repository
            .blob(&layer.digest)
            .map_err(RejectReason::Fetch)?;
        let bundle = Bundle::from_json(&bytes).map_err(RejectReason::Bundle)?;
        // Said here rather than by `verify_bundle` so that both layouts name the flag.
        if options.require_tlog
            && matches!(options.policy, Policy::Key(_))
            && bundle.verification_material.tlog_entries.is_empty()
        {
            return Err(RejectReason::NoTlog);
        }
        let digest = image_digest_bytes(self.digest())?;
        let verified = verify::verify_bundle(
            &bundle,
            Artifact::Digest {
                algorithm: HashAlgorithm::Sha256,
                digest: &digest,
            },
            options,
        )
        .map_err(RejectReason::BundleVerification)?;
        let Content::DsseEnvelope(envelope) = &bundle.content else {
            return Err(RejectReason::Malformed(
                "a message signature, not a DSSE statement about the image".to_owned(),
            ));
        };
        let statement = self.statement(envelope)?;
        let output = match wanted {
            Wanted::Signatures(annotations) => {
                if statement.predicate_type != SIGN_PREDICATE_TYPE {
                    return Err(RejectReason::NotASignature {
                        predicate_type: statement.predicate_type,
                    });
                }
                let optional = statement
                    .subject_named(self.digest())
                    .and_then(|subject| subject.annotations.clone())
                    .unwrap_or_default();
                payload::annotations_match(annotations, Some(&optional)).map_err(
                    |(key, expected, actual)| RejectReason::Annotation {
                        key,
                        expected,
                        actual,
                    },
                )?;
                payload::claims(
                    &self.given,
                    self.digest(),
                    SIGN_PREDICATE_TYPE,
                    Some(&optional),
                )
            }
            Wanted::Attestations(_) => envelope_json(envelope)?,
        };
        Ok(VerifiedClaim {
            format: SignatureFormat::Bundle,
            location: String::new(),
            signer: verified.signer,
            tlog_entries: verified.tlog_entries,
            timestamps: verified.timestamps,
            predicate_type: Some(statement.predicate_type),
            output,
        })
    }

    /// The statement a verified envelope carries; it must name this image.
    fn statement(&self, envelope: &dsse::Envelope) -> Result<intoto::Statement, RejectReason> {
        let statement = intoto::Statement::from_json(&envelope.payload)
            .map_err(|error| RejectReason::Payload(format!("not an in-toto statement: {error}")))?;
        if statement.subject_named(self.digest()).is_none() {
            return Err(RejectReason::DigestMismatch {
                claimed: statement
                    .subject
                    .iter()
                    .flat_map(|subject| subject.digest.iter())
                    .map(|(algorithm, hex)| format!("{algorithm}:{hex}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                expected: self.digest().to_owned(),
            });
        }
        Ok(statement)
    }

    fn check_legacy(
        &self,
        layer: &Descriptor,
        options: &VerifyOptions<'_>,
        wanted: &Wanted<'_>,
    ) -> Result<VerifiedClaim, RejectReason> {
        let content = self
            .repository
            .blob(&layer.digest)
            .map_err(RejectReason::Fetch)?;
        let certificate = layer_certificates(layer)?;
        match wanted {
            Wanted::Signatures(annotations) => {
                let signature = layer
                    .annotations
                    .get(layout::SIGNATURE_ANNOTATION)
                    .ok_or_else(|| RejectReason::Malformed("no signature annotation".to_owned()))?;
                let signature = decode_lenient(signature).ok_or_else(|| {
                    RejectReason::Malformed("the signature annotation is not base64".to_owned())
                })?;
                let digest = Sha256::digest(&content);
                let signed = SignedContent::Message {
                    digest: &digest,
                    signature: &signature,
                };
                let evidence = legacy_evidence(layer, &signed, certificate.as_ref(), options)?;
                let (key, signed_by) = legacy_signer(certificate.as_ref(), options, &evidence)?;
                key.verify(&content, &signature)
                    .map_err(RejectReason::Signature)?;
                let payload = SimpleSigning::parse(&content).map_err(RejectReason::Payload)?;
                if payload.digest != self.digest() {
                    return Err(RejectReason::DigestMismatch {
                        claimed: payload.digest,
                        expected: self.digest().to_owned(),
                    });
                }
                payload::annotations_match(annotations, payload.optional.as_ref()).map_err(
                    |(key, expected, actual)| RejectReason::Annotation {
                        key,
                        expected,
                        actual,
                    },
                )?;
                Ok(VerifiedClaim {
                    format: SignatureFormat::Legacy,
                    location: String::new(),
                    signer: signed_by,
                    timestamps: log_times(&evidence),
                    tlog_entries: evidence,
                    predicate_type: None,
                    output: payload::claims(
                        &payload.docker_reference,
                        &payload.digest,
                        payload::SIMPLE_SIGNING_TYPE,
                        payload.optional.as_ref(),
                    ),
                })
            }
            Wanted::Attestations(_) => {
                let envelope = dsse::Envelope::from_json(&content).map_err(|error| {
                    RejectReason::Malformed(format!("not a DSSE envelope: {error}"))
                })?;
                let signed = SignedContent::Dsse(&envelope);
                let evidence = legacy_evidence(layer, &signed, certificate.as_ref(), options)?;
                let (key, signed_by) = legacy_signer(certificate.as_ref(), options, &evidence)?;
                let message = envelope.signed_bytes();
                let mut last = None;
                let verifies = envelope.signatures.iter().any(|signature| {
                    key.verify(&message, &signature.sig)
                        .map_err(|error| last = Some(error))
                        .is_ok()
                });
                if !verifies {
                    return Err(match last {
                        Some(error) => RejectReason::Signature(error),
                        None => RejectReason::Malformed("the envelope has no signature".to_owned()),
                    });
                }
                let statement = self.statement(&envelope)?;
                Ok(VerifiedClaim {
                    format: SignatureFormat::Legacy,
                    location: String::new(),
                    signer: signed_by,
                    timestamps: log_times(&evidence),
                    tlog_entries: evidence,
                    predicate_type: Some(statement.predicate_type),
                    output: envelope_json(&envelope)?,
                })
            }
        }
    }
}

/// The certificate (DER) and chain a legacy layer carries, if any.
struct LayerCertificate {
    leaf: Vec<u8>,
    chain: Vec<Vec<u8>>,
}

fn layer_certificates(layer: &Descriptor) -> Result<Option<LayerCertificate>, RejectReason> {
    let Some(leaf) = layer.annotations.get(layout::CERTIFICATE_ANNOTATION) else {
        return Ok(None);
    };
    let mut leaf = pem_certificates(leaf)?;
    if leaf.len() != 1 {
        return Err(RejectReason::Malformed(format!(
            "the certificate annotation holds {} certificates, not one",
            leaf.len()
        )));
    }
    let chain = match layer.annotations.get(layout::CHAIN_ANNOTATION) {
        Some(chain) => pem_certificates(chain)?,
        None => Vec::new(),
    };
    Ok(leaf.pop().map(|leaf| LayerCertificate { leaf, chain }))
}

/// Every `CERTIFICATE` block of `text`, DER.
fn pem_certificates(text: &str) -> Result<Vec<Vec<u8>>, RejectReason> {
    let mut certificates = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let body_start = start + "-----BEGIN CERTIFICATE-----".len();
        let tail = rest.get(body_start..).unwrap_or_default();
        let end = tail.find("-----END CERTIFICATE-----").ok_or_else(|| {
            RejectReason::Malformed("a certificate annotation's PEM is truncated".to_owned())
        })?;
        let body = tail.get(..end).unwrap_or_default();
        let der = decode_lenient(body).ok_or_else(|| {
            RejectReason::Malformed("a certificate annotation's PEM is not base64".to_owned())
        })?;
        certificates.push(der);
        rest = tail
            .get(end + "-----END CERTIFICATE-----".len()..)
            .unwrap_or_default();
    }
    Ok(certificates)
}

/// The layer's Rekor bundle, verified and bound to this signature; empty when there is none
/// and `--insecure-ignore-tlog` allows that. As for bundles, `--insecure-ignore-tlog` with a
/// key means the log is not looked at; a certificate still needs the logged time.
fn legacy_evidence(
    layer: &Descriptor,
    signed: &SignedContent<'_>,
    certificate: Option<&LayerCertificate>,
    options: &VerifyOptions<'_>,
) -> Result<Vec<VerifiedEntry>, RejectReason> {
    if !options.require_tlog && matches!(options.policy, Policy::Key(_)) {
        return Ok(Vec::new());
    }
    let Some(rekor_bundle) = layer.annotations.get(layout::REKOR_BUNDLE_ANNOTATION) else {
        return if options.require_tlog {
            Err(RejectReason::NoTlog)
        } else {
            Ok(Vec::new())
        };
    };
    let entry = match (certificate, options.policy) {
        (Some(certificate), Policy::Identity { .. }) => tlog::verify_legacy_rekor_bundle(
            rekor_bundle.as_bytes(),
            signed,
            &SignerMaterial::Certificate(&certificate.leaf),
            options.root,
        ),
        (_, Policy::Key(key)) => tlog::verify_legacy_rekor_bundle(
            rekor_bundle.as_bytes(),
            signed,
            &SignerMaterial::PublicKey(key),
            options.root,
        ),
        (None, Policy::Identity { .. }) => return Err(RejectReason::NoCertificate),
    }
    .map_err(RejectReason::Tlog)?;
    Ok(vec![entry])
}

/// The key to check a legacy signature with, and who it stands for: the given key, or the
/// layer certificate's key once the certificate chains to the trusted root at the logged time
/// and its identity matches.
fn legacy_signer(
    certificate: Option<&LayerCertificate>,
    options: &VerifyOptions<'_>,
    evidence: &[VerifiedEntry],
) -> Result<(PublicKey, VerifiedSigner), RejectReason> {
    match options.policy {
        Policy::Key(key) => Ok((key.clone(), VerifiedSigner::Key(key.clone()))),
        Policy::Identity { subject, issuer } => {
            let certificate = certificate.ok_or(RejectReason::NoCertificate)?;
            let at = evidence
                .iter()
                .find_map(|entry| entry.integrated_time)
                .unwrap_or_else(Timestamp::now);
            let identity: CertificateIdentity =
                trust::verify_certificate(&certificate.leaf, &certificate.chain, options.root, at)
                    .map_err(RejectReason::Certificate)?;
            let issuer_value = identity.issuer.clone().unwrap_or_default();
            if !subject.matches(&identity.subject) || !issuer.matches(&issuer_value) {
                return Err(RejectReason::Identity {
                    subject: identity.subject,
                    issuer: issuer_value,
                });
            }
            Ok((
                identity.public_key.clone(),
                VerifiedSigner::Certificate(identity),
            ))
        }
    }
}

/// The signed integration times of verified log entries.
fn log_times(entries: &[VerifiedEntry]) -> Vec<(TimestampSource, Timestamp)> {
    entries
        .iter()
        .filter_map(|entry| {
            entry.integrated_time.map(|time| {
                (
                    TimestampSource::TransparencyLog {
                        log_index: entry.log_index,
                    },
                    time,
                )
            })
        })
        .collect()
}

/// Finds the candidates: referrers API, then fallback tag, then the legacy tag.
fn candidates(
    repository: &Repository,
    digest: &str,
    wanted: &Wanted<'_>,
) -> Result<Vec<Candidate>, Error> {
    let mut seen = BTreeSet::new();
    let mut found = Vec::new();
    let fallback = layout::fallback_tag(digest);
    // The referrers (API, or oci-client's fallback to the tag), then the fallback tag itself,
    // which a registry with the API may also carry (written by a client that did not check).
    let fallback_entries = match repository.manifest(&fallback)? {
        Some(bytes) => serde_json::from_slice::<Value>(&bytes)
            .map_err(|error| Error::MalformedDocument {
                location: fallback.clone(),
                reason: error.to_string(),
            })?
            .get("manifests")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|entry| serde_json::from_value::<Descriptor>(entry.clone()).ok())
            .collect(),
        None => Vec::new(),
    };
    for entry in repository
        .referrers(digest)?
        .into_iter()
        .chain(fallback_entries)
    {
        if !entry.artifact_type.as_deref().is_some_and(is_bundle_type)
            || !wanted_type(
                wanted,
                entry
                    .annotations
                    .get(layout::BUNDLE_PREDICATE_TYPE_ANNOTATION),
            )
            || !seen.insert(entry.digest.clone())
        {
            continue;
        }
        found.push(Candidate::Bundle {
            manifest: entry.digest,
        });
    }
    let (suffix, media_type) = match wanted {
        Wanted::Signatures(_) => ("sig", layout::SIMPLE_SIGNING),
        Wanted::Attestations(_) => ("att", layout::DSSE_ENVELOPE),
    };
    let tag = format!("{fallback}.{suffix}");
    if let Some(bytes) = repository.manifest(&tag)? {
        let manifest: Manifest =
            serde_json::from_slice(&bytes).map_err(|error| Error::MalformedDocument {
                location: tag.clone(),
                reason: error.to_string(),
            })?;
        found.extend(
            manifest
                .layers
                .into_iter()
                .filter(|layer| layer.media_type == media_type)
                .map(|layer| Candidate::Legacy {
                    tag: tag.clone(),
                    layer,
                }),
        );
    }
    Ok(found)
}

/// A referrer's unauthenticated predicate-type annotation may rule a candidate out early (it
/// is checked again on the verified statement); absent, it rules nothing out.
fn wanted_type(wanted: &Wanted<'_>, annotated: Option<&String>) -> bool {
    match (wanted, annotated) {
        (_, None) => true,
        (Wanted::Signatures(_), Some(found)) => found == SIGN_PREDICATE_TYPE,
        (Wanted::Attestations(uri), Some(found)) => found == uri,
    }
}

/// Whether a media type is a Sigstore bundle's (v0.3, or v0.1–v0.3 with a version parameter).
fn is_bundle_type(media_type: &str) -> bool {
    media_type.starts_with("application/vnd.dev.sigstore.bundle")
}

fn image_digest_bytes(digest: &str) -> Result<Vec<u8>, RejectReason> {
    digest
        .strip_prefix("sha256:")
        .and_then(|hex| hex::decode(hex).ok())
        .ok_or_else(|| RejectReason::Malformed(format!("image digest {digest} is not sha256")))
}

/// The standalone JSON of `envelope`, as cosign prints attestations.
fn envelope_json(envelope: &dsse::Envelope) -> Result<Value, RejectReason> {
    serde_json::from_slice(&envelope.to_json())
        .map_err(|error| RejectReason::Malformed(error.to_string()))
}

/// Base64 as cosign decodes annotations: the standard alphabet, whitespace ignored.
fn decode_lenient(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    base64::engine::general_purpose::STANDARD
        .decode(compact)
        .ok()
}
