//! The protobuf-JSON form of a Sigstore bundle (`sigstore_bundle.proto`), mapped to and from
//! [`super::model`].
//!
//! The wire structs keep `bytes` and `int64` fields as the text found, so that decoding
//! happens in [`read`], which knows each field's path and can say which one is wrong.
//! Writing follows protobuf-JSON as cosign (protojson) and sigstore-js write it: camelCase
//! names, empty fields omitted, `int64` as strings, `bytes` as standard base64 with padding.

use serde::{Deserialize, Serialize};

use crate::bundle::Bundle;
use crate::bundle::dsse;
use crate::bundle::encoding::{decode_base64, encode_base64};
use crate::bundle::error::BundleError;
use crate::bundle::model::{
    BundleVersion, Content, InclusionProof, MessageDigest, MessageSignature, Signer,
    TransparencyLogEntry, VerificationMaterial,
};
use crate::keys::HashAlgorithm;

/// `Bundle`.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireBundle {
    #[serde(default)]
    media_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verification_material: Option<WireVerificationMaterial>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message_signature: Option<WireMessageSignature>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    dsse_envelope: Option<dsse::WireEnvelope>,
}

/// `VerificationMaterial`.
#[derive(Default, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireVerificationMaterial {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    public_key: Option<WirePublicKeyIdentifier>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    x509_certificate_chain: Option<WireCertificateChain>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    certificate: Option<WireCertificate>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    tlog_entries: Vec<WireTlogEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    timestamp_verification_data: Option<WireTimestampVerificationData>,
}

/// `PublicKeyIdentifier`.
#[derive(Deserialize, Serialize)]
struct WirePublicKeyIdentifier {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    hint: String,
}

/// `X509CertificateChain`.
#[derive(Deserialize, Serialize)]
struct WireCertificateChain {
    #[serde(default)]
    certificates: Vec<WireCertificate>,
}

/// `X509Certificate`.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireCertificate {
    #[serde(default)]
    raw_bytes: String,
}

/// `TimestampVerificationData`.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireTimestampVerificationData {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    rfc3161_timestamps: Vec<WireRfc3161Timestamp>,
}

/// `RFC3161SignedTimestamp`.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireRfc3161Timestamp {
    #[serde(default)]
    signed_timestamp: String,
}

/// `TransparencyLogEntry`.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireTlogEntry {
    #[serde(default)]
    log_index: WireInt64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    log_id: Option<WireLogId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind_version: Option<WireKindVersion>,
    #[serde(default, skip_serializing_if = "WireInt64::is_zero")]
    integrated_time: WireInt64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    inclusion_promise: Option<WireInclusionPromise>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    inclusion_proof: Option<WireInclusionProof>,
    #[serde(default)]
    canonicalized_body: String,
}

/// `LogId`.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireLogId {
    #[serde(default)]
    key_id: String,
}

/// `KindVersion`.
#[derive(Deserialize, Serialize)]
struct WireKindVersion {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    version: String,
}

/// `InclusionPromise`.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireInclusionPromise {
    #[serde(default)]
    signed_entry_timestamp: String,
}

/// `InclusionProof`.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireInclusionProof {
    #[serde(default)]
    log_index: WireInt64,
    #[serde(default)]
    root_hash: String,
    #[serde(default)]
    tree_size: WireInt64,
    #[serde(default)]
    hashes: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    checkpoint: Option<WireCheckpoint>,
}

/// `Checkpoint`.
#[derive(Deserialize, Serialize)]
struct WireCheckpoint {
    #[serde(default)]
    envelope: String,
}

/// `MessageSignature`.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
struct WireMessageSignature {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message_digest: Option<WireHashOutput>,
    #[serde(default)]
    signature: String,
}

/// `HashOutput`.
#[derive(Deserialize, Serialize)]
struct WireHashOutput {
    #[serde(default)]
    algorithm: String,
    #[serde(default)]
    digest: String,
}

/// An `int64`: protobuf-JSON writes a string, readers also accept a number.
#[derive(Deserialize, Serialize)]
#[serde(untagged)]
enum WireInt64 {
    Text(String),
    Number(i64),
}

impl Default for WireInt64 {
    fn default() -> Self {
        Self::Number(0)
    }
}

impl WireInt64 {
    fn is_zero(&self) -> bool {
        match self {
            Self::Number(number) => *number == 0,
            Self::Text(text) => text == "0",
        }
    }

    /// The value; `field` names it in the error.
    fn parse(&self, field: &str) -> Result<i64, BundleError> {
        match self {
            Self::Number(number) => Ok(*number),
            Self::Text(text) => text.parse().map_err(|_| BundleError::Integer {
                field: field.to_owned(),
                value: text.clone(),
            }),
        }
    }

    /// The value, which must not be negative.
    fn parse_non_negative(&self, field: &str) -> Result<i64, BundleError> {
        let value = self.parse(field)?;
        if value < 0 {
            return Err(BundleError::Negative {
                field: field.to_owned(),
                value,
            });
        }
        Ok(value)
    }

    /// The protobuf-JSON form of `value`.
    fn from_value(value: i64) -> Self {
        Self::Text(value.to_string())
    }
}

/// Decodes a required base64 `bytes` field: absent or empty is an error.
pub(crate) fn required_bytes(text: &str, field: &str) -> Result<Vec<u8>, BundleError> {
    let bytes = decode_base64(text).map_err(|source| BundleError::Base64 {
        field: field.to_owned(),
        source,
    })?;
    if bytes.is_empty() {
        return Err(BundleError::Missing {
            field: field.to_owned(),
        });
    }
    Ok(bytes)
}

/// Parses a bundle from protobuf-JSON and checks its structure (see [`Bundle::from_json`]).
pub(crate) fn read(bytes: &[u8]) -> Result<Bundle, BundleError> {
    let wire: WireBundle =
        serde_json::from_slice(bytes).map_err(|source| BundleError::json("bundle", source))?;
    let version =
        BundleVersion::from_media_type(&wire.media_type).ok_or_else(|| BundleError::MediaType {
            media_type: wire.media_type.clone(),
        })?;
    let material = wire
        .verification_material
        .ok_or_else(|| BundleError::Missing {
            field: "verificationMaterial".to_owned(),
        })?;
    let verification_material = read_material(material, version)?;
    let content = match (wire.message_signature, wire.dsse_envelope) {
        (Some(signature), _) => Content::MessageSignature(read_message_signature(signature)?),
        (None, Some(envelope)) => Content::DsseEnvelope(envelope.read("dsseEnvelope")?),
        (None, None) => return Err(BundleError::NoContent),
    };
    Ok(Bundle {
        media_type: wire.media_type,
        verification_material,
        content,
    })
}

fn read_material(
    wire: WireVerificationMaterial,
    version: BundleVersion,
) -> Result<VerificationMaterial, BundleError> {
    let signer = if let Some(certificate) = wire.certificate {
        Signer::Certificate(required_bytes(
            &certificate.raw_bytes,
            "verificationMaterial.certificate.rawBytes",
        )?)
    } else if let Some(chain) = wire.x509_certificate_chain {
        if version >= BundleVersion::V0_3 {
            return Err(BundleError::ChainInV03);
        }
        if chain.certificates.is_empty() {
            return Err(BundleError::Missing {
                field: "verificationMaterial.x509CertificateChain.certificates".to_owned(),
            });
        }
        let certificates = chain
            .certificates
            .iter()
            .enumerate()
            .map(|(index, certificate)| {
                required_bytes(
                    &certificate.raw_bytes,
                    &format!(
                        "verificationMaterial.x509CertificateChain.certificates[{index}].rawBytes"
                    ),
                )
            })
            .collect::<Result<_, _>>()?;
        Signer::CertificateChain(certificates)
    } else if let Some(key) = wire.public_key {
        Signer::PublicKey {
            hint: Some(key.hint).filter(|hint| !hint.is_empty()),
        }
    } else {
        return Err(BundleError::NoSigner);
    };
    let tlog_entries = wire
        .tlog_entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            read_tlog_entry(
                entry,
                version,
                &format!("verificationMaterial.tlogEntries[{index}]"),
            )
        })
        .collect::<Result<_, _>>()?;
    let timestamp_verification_data = wire
        .timestamp_verification_data
        .map(|data| data.rfc3161_timestamps)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(index, timestamp)| {
            required_bytes(
                &timestamp.signed_timestamp,
                &format!(
                    "verificationMaterial.timestampVerificationData.rfc3161Timestamps[{index}].signedTimestamp"
                ),
            )
        })
        .collect::<Result<_, _>>()?;
    Ok(VerificationMaterial {
        signer,
        tlog_entries,
        timestamp_verification_data,
    })
}

fn read_tlog_entry(
    wire: &WireTlogEntry,
    version: BundleVersion,
    path: &str,
) -> Result<TransparencyLogEntry, BundleError> {
    let log_index = wire
        .log_index
        .parse_non_negative(&format!("{path}.logIndex"))?;
    let log_id = required_bytes(
        wire.log_id.as_ref().map_or("", |id| &id.key_id),
        &format!("{path}.logId.keyId"),
    )?;
    let kind_version = wire
        .kind_version
        .as_ref()
        .filter(|kind_version| !kind_version.kind.is_empty() && !kind_version.version.is_empty())
        .ok_or_else(|| BundleError::Missing {
            field: format!("{path}.kindVersion"),
        })?;
    let integrated_time = wire
        .integrated_time
        .parse_non_negative(&format!("{path}.integratedTime"))?;
    let inclusion_promise = wire
        .inclusion_promise
        .as_ref()
        .map(|promise| {
            required_bytes(
                &promise.signed_entry_timestamp,
                &format!("{path}.inclusionPromise.signedEntryTimestamp"),
            )
        })
        .transpose()?;
    let inclusion_proof = match &wire.inclusion_proof {
        // Early v0.1 bundles (sigstore-python 1.x) carry proofs without checkpoints, which
        // prove nothing on their own; v0.1 relies on the SET, so such a proof is dropped as
        // sigstore-python does.
        Some(proof) if version == BundleVersion::V0_1 && proof.checkpoint.is_none() => None,
        Some(proof) => Some(read_inclusion_proof(
            proof,
            &format!("{path}.inclusionProof"),
        )?),
        None => None,
    };
    if version == BundleVersion::V0_1 && inclusion_promise.is_none() {
        return Err(BundleError::MissingInclusionPromise {
            field: path.to_owned(),
        });
    }
    if version >= BundleVersion::V0_2 && inclusion_proof.is_none() {
        return Err(BundleError::MissingInclusionProof {
            field: path.to_owned(),
        });
    }
    let canonicalized_body = required_bytes(
        &wire.canonicalized_body,
        &format!("{path}.canonicalizedBody"),
    )?;
    Ok(TransparencyLogEntry {
        log_index,
        log_id,
        kind: kind_version.kind.clone(),
        version: kind_version.version.clone(),
        integrated_time,
        inclusion_promise,
        inclusion_proof,
        canonicalized_body,
    })
}

fn read_inclusion_proof(
    wire: &WireInclusionProof,
    path: &str,
) -> Result<InclusionProof, BundleError> {
    let hashes = wire
        .hashes
        .iter()
        .enumerate()
        .map(|(index, hash)| required_bytes(hash, &format!("{path}.hashes[{index}]")))
        .collect::<Result<_, _>>()?;
    let checkpoint = wire
        .checkpoint
        .as_ref()
        .map(|checkpoint| checkpoint.envelope.clone())
        .filter(|envelope| !envelope.is_empty())
        .ok_or_else(|| BundleError::Missing {
            field: format!("{path}.checkpoint.envelope"),
        })?;
    Ok(InclusionProof {
        log_index: wire
            .log_index
            .parse_non_negative(&format!("{path}.logIndex"))?,
        root_hash: required_bytes(&wire.root_hash, &format!("{path}.rootHash"))?,
        tree_size: wire
            .tree_size
            .parse_non_negative(&format!("{path}.treeSize"))?,
        hashes,
        checkpoint,
    })
}

fn read_message_signature(wire: WireMessageSignature) -> Result<MessageSignature, BundleError> {
    let message_digest = wire
        .message_digest
        .map(|digest| {
            let algorithm = hash_algorithm_from_name(&digest.algorithm).ok_or_else(|| {
                BundleError::HashAlgorithm {
                    field: "messageSignature.messageDigest.algorithm".to_owned(),
                    name: digest.algorithm.clone(),
                }
            })?;
            Ok::<_, BundleError>(MessageDigest {
                algorithm,
                digest: required_bytes(&digest.digest, "messageSignature.messageDigest.digest")?,
            })
        })
        .transpose()?;
    Ok(MessageSignature {
        message_digest,
        signature: required_bytes(&wire.signature, "messageSignature.signature")?,
    })
}

/// The `HashAlgorithm` enum name of protobuf-specs' `sigstore_common.proto`.
fn hash_algorithm_name(algorithm: HashAlgorithm) -> &'static str {
    match algorithm {
        HashAlgorithm::Sha256 => "SHA2_256",
        HashAlgorithm::Sha384 => "SHA2_384",
        HashAlgorithm::Sha512 => "SHA2_512",
    }
}

fn hash_algorithm_from_name(name: &str) -> Option<HashAlgorithm> {
    [
        HashAlgorithm::Sha256,
        HashAlgorithm::Sha384,
        HashAlgorithm::Sha512,
    ]
    .into_iter()
    .find(|algorithm| hash_algorithm_name(*algorithm) == name)
}

/// Writes a bundle as protobuf-JSON (see [`Bundle::to_json`]).
pub(crate) fn write(bundle: &Bundle) -> Vec<u8> {
    let material = &bundle.verification_material;
    let mut wire_material = WireVerificationMaterial::default();
    match &material.signer {
        Signer::Certificate(der) => {
            wire_material.certificate = Some(WireCertificate {
                raw_bytes: encode_base64(der),
            });
        }
        Signer::CertificateChain(chain) => {
            wire_material.x509_certificate_chain = Some(WireCertificateChain {
                certificates: chain
                    .iter()
                    .map(|der| WireCertificate {
                        raw_bytes: encode_base64(der),
                    })
                    .collect(),
            });
        }
        Signer::PublicKey { hint } => {
            wire_material.public_key = Some(WirePublicKeyIdentifier {
                hint: hint.clone().unwrap_or_default(),
            });
        }
    }
    wire_material.tlog_entries = material.tlog_entries.iter().map(write_tlog_entry).collect();
    if !material.timestamp_verification_data.is_empty() {
        wire_material.timestamp_verification_data = Some(WireTimestampVerificationData {
            rfc3161_timestamps: material
                .timestamp_verification_data
                .iter()
                .map(|token| WireRfc3161Timestamp {
                    signed_timestamp: encode_base64(token),
                })
                .collect(),
        });
    }
    let (message_signature, dsse_envelope) = match &bundle.content {
        Content::MessageSignature(signature) => (
            Some(WireMessageSignature {
                message_digest: signature
                    .message_digest
                    .as_ref()
                    .map(|digest| WireHashOutput {
                        algorithm: hash_algorithm_name(digest.algorithm).to_owned(),
                        digest: encode_base64(&digest.digest),
                    }),
                signature: encode_base64(&signature.signature),
            }),
            None,
        ),
        Content::DsseEnvelope(envelope) => (None, Some(dsse::WireEnvelope::write(envelope))),
    };
    let wire = WireBundle {
        media_type: bundle.media_type.clone(),
        verification_material: Some(wire_material),
        message_signature,
        dsse_envelope,
    };
    serde_json::to_vec(&wire).expect("serializing plain structs of strings cannot fail")
}

fn write_tlog_entry(entry: &TransparencyLogEntry) -> WireTlogEntry {
    WireTlogEntry {
        log_index: WireInt64::from_value(entry.log_index),
        log_id: Some(WireLogId {
            key_id: encode_base64(&entry.log_id),
        }),
        kind_version: Some(WireKindVersion {
            kind: entry.kind.clone(),
            version: entry.version.clone(),
        }),
        integrated_time: WireInt64::from_value(entry.integrated_time),
        inclusion_promise: entry
            .inclusion_promise
            .as_ref()
            .map(|set| WireInclusionPromise {
                signed_entry_timestamp: encode_base64(set),
            }),
        inclusion_proof: entry
            .inclusion_proof
            .as_ref()
            .map(|proof| WireInclusionProof {
                log_index: WireInt64::from_value(proof.log_index),
                root_hash: encode_base64(&proof.root_hash),
                tree_size: WireInt64::from_value(proof.tree_size),
                hashes: proof
                    .hashes
                    .iter()
                    .map(|hash| encode_base64(hash))
                    .collect(),
                checkpoint: Some(WireCheckpoint {
                    envelope: proof.checkpoint.clone(),
                }),
            }),
        canonicalized_body: encode_base64(&entry.canonicalized_body),
    }
}
