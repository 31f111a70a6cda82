//! Errors of the [`tlog`](super) module: why a transparency-log entry does not prove that a
//! signature was logged.

use jiff::Timestamp;

use crate::keys::SignatureError;

use super::{BodyError, CheckpointError, MerkleError};

/// Why a transparency-log entry is not evidence for a signature.
#[derive(Debug, thiserror::Error)]
pub enum TlogError {
    /// The entry's log index is negative.
    #[error("log entry has negative log index {log_index}")]
    NegativeLogIndex {
        /// The index in the entry.
        log_index: i64,
    },
    /// An inclusion proof's index or tree size is negative.
    #[error("inclusion proof has negative {field} {value}")]
    NegativeProofField {
        /// `logIndex` or `treeSize`.
        field: &'static str,
        /// The value in the proof.
        value: i64,
    },
    /// The entry names a log the trusted root does not list.
    #[error("log entry is from log {log_id}, which the trusted root does not list")]
    UnknownLog {
        /// The log ID, hex.
        log_id: String,
    },
    /// The integrated time is not a representable instant.
    #[error("log entry has invalid integrated time {seconds}")]
    InvalidIntegratedTime {
        /// Seconds since the Unix epoch, as given.
        seconds: i64,
    },
    /// The entry has a signed entry timestamp but no integrated time for it to cover.
    #[error("log entry {log_index} has a signed entry timestamp but no integrated time")]
    SetWithoutIntegratedTime {
        /// The entry's log index.
        log_index: i64,
    },
    /// The log's key was not valid when the log says it integrated the entry.
    #[error("the key of log {log_id} was not valid at the integrated time {at}")]
    LogKeyNotValid {
        /// The log ID, hex.
        log_id: String,
        /// The integrated time.
        at: Timestamp,
    },
    /// The signed entry timestamp is not the log's signature over the entry.
    #[error("signed entry timestamp of log entry {log_index} does not verify")]
    SetInvalid {
        /// The entry's log index.
        log_index: i64,
        /// What the log key said.
        #[source]
        source: SignatureError,
    },
    /// The entry has neither a signed entry timestamp nor an inclusion proof with a signed
    /// checkpoint, so nothing signed by the log vouches for it.
    #[error(
        "log entry {log_index} has neither a signed entry timestamp nor an inclusion proof with \
         a checkpoint"
    )]
    MissingInclusionEvidence {
        /// The entry's log index.
        log_index: i64,
    },
    /// The inclusion proof does not lead to the signed root.
    #[error("inclusion proof does not verify")]
    InclusionProof(#[from] MerkleError),
    /// The checkpoint is malformed, unsigned by the log or disagrees with the proof.
    #[error("checkpoint does not verify")]
    Checkpoint(#[from] CheckpointError),
    /// The entry body does not describe this signature.
    #[error("log entry does not match the signature")]
    Body(#[from] BodyError),
    /// A cosign `dev.sigstore.cosign/bundle` annotation is not the expected JSON.
    #[error("cosign bundle annotation is not valid JSON of the expected shape")]
    LegacyBundle(#[source] serde_json::Error),
    /// A field of a cosign bundle annotation does not decode.
    #[error("cosign bundle annotation field `{field}` is not valid {encoding}")]
    LegacyBundleField {
        /// The JSON path of the field.
        field: &'static str,
        /// The encoding expected.
        encoding: &'static str,
    },
}
