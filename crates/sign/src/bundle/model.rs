//! The Sigstore bundle as custody works with it: decoded bytes, parsed integers, one enum per
//! `oneof`. [`super::wire`] maps it to and from protobuf-JSON.
//!
//! Field names follow `sigstore_bundle.proto` and `sigstore_rekor.proto` of
//! sigstore/protobuf-specs; the comments say what each one proves to a verifier.

use crate::bundle::dsse;
use crate::bundle::encoding::encode_base64;
use crate::keys::{HashAlgorithm, PublicKey};

/// A bundle's format version, from its media type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum BundleVersion {
    /// `application/vnd.dev.sigstore.bundle+json;version=0.1`: log entries carry a SET.
    V0_1,
    /// `…;version=0.2`: log entries carry an inclusion proof with a checkpoint.
    V0_2,
    /// `…;version=0.3` or `application/vnd.dev.sigstore.bundle.v0.3+json`: the signer is a
    /// single leaf certificate (no chain), and RFC 3161 timestamps may replace the SET.
    V0_3,
}

impl BundleVersion {
    /// The version a media type names; `None` for anything else.
    pub fn from_media_type(media_type: &str) -> Option<Self> {
        match media_type {
            super::MEDIA_TYPE_V0_1 => Some(Self::V0_1),
            super::MEDIA_TYPE_V0_2 => Some(Self::V0_2),
            super::MEDIA_TYPE_V0_3 | super::MEDIA_TYPE_V0_3_LEGACY => Some(Self::V0_3),
            _ => None,
        }
    }
}

/// What was signed: a message (blob) signature or a DSSE envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Content {
    /// A signature over the artifact's bytes, with the artifact's digest as a hint.
    MessageSignature(MessageSignature),
    /// A DSSE envelope, usually holding an in-toto statement whose subjects name artifacts.
    DsseEnvelope(dsse::Envelope),
}

/// A signature over an artifact (`messageSignature`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageSignature {
    /// The artifact's digest. Unauthenticated: a verifier compares it with the artifact but
    /// must verify the signature over the artifact itself.
    pub message_digest: Option<MessageDigest>,
    /// The raw signature (ASN.1 DER for ECDSA).
    pub signature: Vec<u8>,
}

/// A digest and the algorithm that produced it (`messageDigest`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageDigest {
    /// The hash function.
    pub algorithm: HashAlgorithm,
    /// The digest bytes.
    pub digest: Vec<u8>,
}

/// Who signed and the evidence of when (`verificationMaterial`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerificationMaterial {
    /// The signing certificate(s) or a hint naming a key the verifier already has.
    pub signer: Signer,
    /// Transparency log entries recording the signature.
    pub tlog_entries: Vec<TransparencyLogEntry>,
    /// RFC 3161 signed timestamps (DER `TimeStampResp`/`TimeStampToken`) over the signature.
    pub timestamp_verification_data: Vec<Vec<u8>>,
}

/// The signer's identity material (the `content` oneof of `verificationMaterial`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signer {
    /// A leaf certificate, DER (`certificate`, v0.3).
    Certificate(Vec<u8>),
    /// A leaf certificate followed by intermediates, DER (`x509CertificateChain`, v0.1/v0.2).
    /// Never empty once read by [`super::Bundle::from_json`].
    CertificateChain(Vec<Vec<u8>>),
    /// A key the verifier supplies out of band (`publicKey`); `hint` may name it.
    PublicKey {
        /// An opaque identifier of the key; cosign writes base64 SHA-256 of its SPKI DER.
        hint: Option<String>,
    },
}

impl Signer {
    /// A [`Signer::PublicKey`] with the hint cosign v3 and sigstore-go write for `key`: base64
    /// of SHA-256 over its SPKI DER. Verifiers treat it as an opaque name.
    pub fn public_key_hint(key: &PublicKey) -> Self {
        Self::PublicKey {
            hint: Some(encode_base64(
                &HashAlgorithm::Sha256.digest(&key.to_spki_der()),
            )),
        }
    }

    /// The leaf certificate, DER, when the signer is a certificate.
    pub fn leaf_certificate(&self) -> Option<&[u8]> {
        match self {
            Self::Certificate(leaf) => Some(leaf),
            Self::CertificateChain(chain) => chain.first().map(Vec::as_slice),
            Self::PublicKey { .. } => None,
        }
    }

    /// The certificates after the leaf (intermediates, possibly a root the verifier must
    /// reject); empty for a lone certificate or a key.
    pub fn chain_after_leaf(&self) -> &[Vec<u8>] {
        match self {
            Self::CertificateChain(chain) => chain.get(1..).unwrap_or_default(),
            Self::Certificate(_) | Self::PublicKey { .. } => &[],
        }
    }
}

/// One Rekor entry recording the signature (`TransparencyLogEntry`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TransparencyLogEntry {
    /// Index of the entry in the whole log (across shards), never negative.
    pub log_index: i64,
    /// The log's ID: SHA-256 of its public key, DER.
    pub log_id: Vec<u8>,
    /// Entry kind: `hashedrekord`, `dsse`, `intoto`, ...
    pub kind: String,
    /// Entry kind version: `0.0.1`, `0.0.2`, ...
    pub version: String,
    /// Seconds since the Unix epoch the log says it integrated the entry; 0 when the log
    /// gives none (Rekor v2, which relies on RFC 3161 timestamps instead).
    pub integrated_time: i64,
    /// The signed entry timestamp (SET): the log's signature over the entry's metadata.
    pub inclusion_promise: Option<Vec<u8>>,
    /// A Merkle inclusion proof with the checkpoint it leads to.
    pub inclusion_proof: Option<InclusionProof>,
    /// The entry body exactly as the log hashed it (canonical JSON).
    pub canonicalized_body: Vec<u8>,
}

/// An RFC 6962 inclusion proof (`InclusionProof`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InclusionProof {
    /// Index of the entry in this log shard's tree, never negative.
    pub log_index: i64,
    /// The tree's root hash the proof leads to.
    pub root_hash: Vec<u8>,
    /// The tree's size, never negative.
    pub tree_size: i64,
    /// Sibling hashes from the leaf up.
    pub hashes: Vec<Vec<u8>>,
    /// The C2SP signed note committing to `root_hash` and `tree_size`.
    pub checkpoint: String,
}
