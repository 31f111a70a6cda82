//! Sigstore bundles (v0.1, v0.2, v0.3) as protobuf-JSON, with the DSSE envelopes and in-toto
//! statements they carry.
//!
//! A bundle holds a signature ([`Content`]), who made it ([`Signer`]) and the evidence of when
//! ([`TransparencyLogEntry`], RFC 3161 timestamps). [`Bundle::from_json`] decodes and checks
//! the structure the sigstore bundle specification requires of each version; what the
//! evidence proves is checked by [`crate::verify`], using [`crate::tlog`] and [`crate::trust`].
//! [`Bundle::to_json`] writes what cosign v3 and sigstore-js write.

pub mod dsse;
pub(crate) mod encoding;
mod error;
pub mod intoto;
mod model;
mod wire;

pub use error::BundleError;
pub use model::{
    BundleVersion, Content, InclusionProof, MessageDigest, MessageSignature, Signer,
    TransparencyLogEntry, VerificationMaterial,
};

use crate::keys::{HashAlgorithm, SignatureError, SigningKey};

/// Media type of bundle v0.1: log entries must carry a signed entry timestamp.
pub const MEDIA_TYPE_V0_1: &str = "application/vnd.dev.sigstore.bundle+json;version=0.1";
/// Media type of bundle v0.2: log entries must carry an inclusion proof.
pub const MEDIA_TYPE_V0_2: &str = "application/vnd.dev.sigstore.bundle+json;version=0.2";
/// The first media type of bundle v0.3, still read.
pub const MEDIA_TYPE_V0_3_LEGACY: &str = "application/vnd.dev.sigstore.bundle+json;version=0.3";
/// Media type of bundle v0.3 as cosign v3 and sigstore-js write it, and custody too.
pub const MEDIA_TYPE_V0_3: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// A Sigstore bundle: a signature, its signer and the evidence of when it was made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bundle {
    /// One of the `MEDIA_TYPE_*` constants (checked by [`Bundle::from_json`]).
    pub media_type: String,
    /// Signer and time evidence.
    pub verification_material: VerificationMaterial,
    /// The signature: over a message, or a DSSE envelope.
    pub content: Content,
}

impl Bundle {
    /// Reads a bundle from protobuf-JSON (`int64` as string or number, `bytes` as base64 of
    /// either alphabet with whitespace ignored, unknown fields ignored) and checks what the
    /// version requires: a known media type, a signer, content, non-negative indices, a SET
    /// on v0.1 entries, an inclusion proof with checkpoint on v0.2+ entries, a lone
    /// certificate rather than a chain on v0.3.
    pub fn from_json(bytes: &[u8]) -> Result<Self, BundleError> {
        wire::read(bytes)
    }

    /// Writes the bundle as protobuf-JSON: camelCase, empty fields omitted, `int64` as
    /// strings, `bytes` as padded standard base64.
    pub fn to_json(&self) -> Vec<u8> {
        wire::write(self)
    }

    /// A v0.3 bundle of a message signature, with no log entries or timestamps yet.
    pub fn message_signature(digest: MessageDigest, signature: Vec<u8>, signer: Signer) -> Self {
        Self::new(
            Content::MessageSignature(MessageSignature {
                message_digest: Some(digest),
                signature,
            }),
            signer,
        )
    }

    /// Signs `blob` with `key` as `custody sign-blob` (and cosign v3's `sign-blob
    /// --tlog-upload=false`) does: a v0.3 bundle with a message signature, the blob's digest in
    /// the hash the key signs with (SHA-256 for Ed25519, which signs the blob itself, as
    /// sigstore-go records), and the key's hint ([`Signer::public_key_hint`]). No log entry.
    pub fn sign_blob(blob: &[u8], key: &SigningKey) -> Result<Self, SignatureError> {
        let public_key = key.public_key();
        let algorithm = public_key.default_hash().unwrap_or(HashAlgorithm::Sha256);
        Ok(Self::message_signature(
            MessageDigest {
                algorithm,
                digest: algorithm.digest(blob),
            },
            key.sign(blob)?,
            Signer::public_key_hint(&public_key),
        ))
    }

    /// A v0.3 bundle of a DSSE envelope, with no log entries or timestamps yet.
    pub fn dsse(envelope: dsse::Envelope, signer: Signer) -> Self {
        Self::new(Content::DsseEnvelope(envelope), signer)
    }

    fn new(content: Content, signer: Signer) -> Self {
        Self {
            media_type: MEDIA_TYPE_V0_3.to_owned(),
            verification_material: VerificationMaterial {
                signer,
                tlog_entries: Vec::new(),
                timestamp_verification_data: Vec::new(),
            },
            content,
        }
    }

    /// The format version its media type names; `None` only for a bundle built by hand with
    /// an unknown media type.
    pub fn version(&self) -> Option<BundleVersion> {
        BundleVersion::from_media_type(&self.media_type)
    }
}
