//! Transparency-log evidence: Rekor entry bodies, RFC 6962 inclusion proofs, signed
//! checkpoints and signed entry timestamps.
//!
//! A Sigstore bundle proves when and that a signature was made public through a Rekor log
//! entry ([`TransparencyLogEntry`]). [`verify_entry`] checks one entry offline against the
//! [`TrustedRoot`]:
//!
//! 1. the log is one the root trusts ([`TrustedRoot::transparency_log`]) and the log index is
//!    not negative;
//! 2. the canonicalized body records *this* signature: artifact digest or DSSE payload hash,
//!    signature bytes and signer (module `body`);
//! 3. a signed entry timestamp (SET) verifies with the log key, which was valid at the
//!    integrated time (module `set`), and/or
//! 4. the inclusion proof leads from the body's leaf hash to a root (module `merkle`) that a
//!    checkpoint signed by the log commits to, with the same tree size ([`SignedCheckpoint`]).
//!
//! At least one of 3 and 4 must be present, and every piece of evidence present must verify.
//! Rekor v1 entries (bundle v0.1) may carry only a SET; Rekor v2 entries carry only a proof
//! and no integrated time. [`verify_legacy_rekor_bundle`] does the same for cosign's
//! `dev.sigstore.cosign/bundle` image annotation.
//!
//! This module does not check the signature itself, the certificate chain or RFC 3161
//! timestamps: [`crate::verify`] does, and uses the [`VerifiedEntry::integrated_time`]
//! returned here as a signing time.

mod body;
mod checkpoint;
mod error;
mod merkle;
mod set;

use jiff::Timestamp;

use crate::bundle::dsse::Envelope;
use crate::bundle::{InclusionProof, TransparencyLogEntry};
use crate::keys::PublicKey;
use crate::trust::{TransparencyLogKey, TrustedRoot};

pub use body::BodyError;
pub use checkpoint::{
    Checkpoint, CheckpointError, KeyHint, MalformedCheckpoint, NoteSignature, SignedCheckpoint,
};
pub use error::TlogError;
pub use merkle::MerkleError;

/// What was signed, as the log entry must record it.
#[derive(Clone, Copy, Debug)]
pub enum SignedContent<'a> {
    /// A signature over an artifact (a bundle's `messageSignature`, a cosign `.sig` layer's
    /// payload): the artifact's digest, computed by the verifier, and the signature bytes.
    Message {
        /// The digest the signature was verified over.
        digest: &'a [u8],
        /// The signature bytes (ASN.1 DER for ECDSA).
        signature: &'a [u8],
    },
    /// A DSSE envelope (a bundle's `dsseEnvelope`, a cosign `.att` layer).
    Dsse(&'a Envelope),
}

/// Who signed, as the log entry must record it.
#[derive(Clone, Copy, Debug)]
pub enum SignerMaterial<'a> {
    /// The signing (leaf) certificate, DER.
    Certificate(&'a [u8]),
    /// The public key the verifier supplied.
    PublicKey(&'a PublicKey),
}

/// A log entry whose evidence verified.
#[must_use]
#[derive(Clone, Debug, PartialEq)]
pub struct VerifiedEntry {
    /// When the log integrated the entry, as signed by its SET; `None` when no SET vouches for
    /// it (Rekor v2 entries, or a v1 entry proven by an inclusion proof alone), in which case
    /// the signing time must come from an RFC 3161 timestamp and the caller must check that
    /// the log key (`TrustedRoot::transparency_log(log_id).valid_for`) covers it.
    pub integrated_time: Option<Timestamp>,
    /// The entry's index in the log.
    pub log_index: i64,
    /// The ID of the log, as listed in the trusted root.
    pub log_id: Vec<u8>,
    /// The canonicalized body as JSON, for display.
    pub body: serde_json::Value,
}

/// Verifies that `entry` is trusted-log evidence that `content` was signed by `signer`: see the
/// [module documentation](self) for the checks.
pub fn verify_entry(
    entry: &TransparencyLogEntry,
    content: &SignedContent<'_>,
    signer: &SignerMaterial<'_>,
    root: &TrustedRoot,
) -> Result<VerifiedEntry, TlogError> {
    if entry.log_index < 0 {
        return Err(TlogError::NegativeLogIndex {
            log_index: entry.log_index,
        });
    }
    let log = root
        .transparency_log(&entry.log_id)
        .ok_or_else(|| TlogError::UnknownLog {
            log_id: hex::encode(&entry.log_id),
        })?;
    let body = body::check_body(
        &entry.kind,
        &entry.version,
        &entry.canonicalized_body,
        content,
        signer,
    )?;
    let integrated_time = match &entry.inclusion_promise {
        Some(set) => Some(verify_promise(entry, set, log)?),
        None => None,
    };
    let checkpoint_verified = match &entry.inclusion_proof {
        Some(proof) => verify_proof(entry, proof, log)?,
        None => false,
    };
    if integrated_time.is_none() && !checkpoint_verified {
        return Err(TlogError::MissingInclusionEvidence {
            log_index: entry.log_index,
        });
    }
    Ok(VerifiedEntry {
        integrated_time,
        log_index: entry.log_index,
        log_id: entry.log_id.clone(),
        body,
    })
}

/// Verifies cosign's `dev.sigstore.cosign/bundle` annotation of a legacy `.sig` or `.att`
/// layer (`{"SignedEntryTimestamp":…,"Payload":{"body":…,"integratedTime":…,"logIndex":…,
/// "logID":…}}`): the SET with the log key, and the body against `content` and `signer` as
/// [`verify_entry`] does.
pub fn verify_legacy_rekor_bundle(
    json: &[u8],
    content: &SignedContent<'_>,
    signer: &SignerMaterial<'_>,
    root: &TrustedRoot,
) -> Result<VerifiedEntry, TlogError> {
    verify_entry(&set::read_legacy_bundle(json)?, content, signer, root)
}

/// Checks the SET of `entry` and that the log key was valid when it was signed; returns the
/// integrated time it vouches for.
fn verify_promise(
    entry: &TransparencyLogEntry,
    set: &[u8],
    log: &TransparencyLogKey,
) -> Result<Timestamp, TlogError> {
    let seconds = entry.integrated_time;
    if seconds == 0 {
        return Err(TlogError::SetWithoutIntegratedTime {
            log_index: entry.log_index,
        });
    }
    let at = Timestamp::from_second(seconds)
        .map_err(|_| TlogError::InvalidIntegratedTime { seconds })?;
    if !log.valid_for.contains(at) {
        return Err(TlogError::LogKeyNotValid {
            log_id: hex::encode(&log.log_id),
            at,
        });
    }
    set::verify_set(entry, set, &log.public_key).map_err(|source| TlogError::SetInvalid {
        log_index: entry.log_index,
        source,
    })?;
    Ok(at)
}

/// Checks the inclusion proof of `entry` against the root its checkpoint signs. Returns
/// whether a checkpoint vouched for the root: a proof without one (some v0.1 bundles) is still
/// checked, but proves nothing on its own.
fn verify_proof(
    entry: &TransparencyLogEntry,
    proof: &InclusionProof,
    log: &TransparencyLogKey,
) -> Result<bool, TlogError> {
    let index = u64::try_from(proof.log_index).map_err(|_| TlogError::NegativeProofField {
        field: "logIndex",
        value: proof.log_index,
    })?;
    let tree_size = u64::try_from(proof.tree_size).map_err(|_| TlogError::NegativeProofField {
        field: "treeSize",
        value: proof.tree_size,
    })?;
    let root_hash =
        <[u8; merkle::HASH_LEN]>::try_from(proof.root_hash.as_slice()).map_err(|_| {
            MerkleError::BadRootLength {
                length: proof.root_hash.len(),
            }
        })?;
    let checkpoint_verified = if proof.checkpoint.is_empty() {
        false
    } else {
        let signed = SignedCheckpoint::parse(&proof.checkpoint)?;
        signed.verify(log)?;
        signed.checkpoint.expect_tree(tree_size, &root_hash)?;
        true
    };
    let leaf = merkle::leaf_hash(&entry.canonicalized_body);
    merkle::verify_inclusion(&leaf, index, tree_size, &proof.hashes, &root_hash)?;
    Ok(checkpoint_verified)
}
