//! Errors reading Sigstore bundles, DSSE envelopes and in-toto statements.

/// Why a bundle, DSSE envelope or in-toto statement was rejected.
///
/// `field` values are protobuf-JSON paths such as
/// `verificationMaterial.tlogEntries[0].logIndex`, so a user can find the offending value.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The document is not JSON of the expected shape.
    #[error("{document} is not valid JSON of the expected shape (line {line}, column {column})")]
    Json {
        /// What was being read: "bundle", "DSSE envelope" or "in-toto statement".
        document: &'static str,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's description.
        #[source]
        source: serde_json::Error,
    },
    /// A `bytes` field is not base64.
    #[error("{field} is not valid base64")]
    Base64 {
        /// Path of the field.
        field: String,
        /// The decoder's description.
        #[source]
        source: base64::DecodeError,
    },
    /// An `int64` field is not an integer.
    #[error("{field} is not an integer: {value:?}")]
    Integer {
        /// Path of the field.
        field: String,
        /// The text found.
        value: String,
    },
    /// An integer that must not be negative is.
    #[error("{field} is negative: {value}")]
    Negative {
        /// Path of the field.
        field: String,
        /// The value found.
        value: i64,
    },
    /// A required field is absent or empty.
    #[error("{field} is missing or empty")]
    Missing {
        /// Path of the field.
        field: String,
    },
    /// The media type names no bundle version custody reads.
    #[error("unsupported bundle media type {media_type:?}")]
    MediaType {
        /// The media type found.
        media_type: String,
    },
    /// A hash algorithm name outside SHA-256/384/512.
    #[error("{field} names an unsupported hash algorithm {name:?}")]
    HashAlgorithm {
        /// Path of the field.
        field: String,
        /// The name found.
        name: String,
    },
    /// The bundle has neither `messageSignature` nor `dsseEnvelope`.
    #[error("bundle has no content: neither messageSignature nor dsseEnvelope")]
    NoContent,
    /// The verification material names no signer.
    #[error(
        "verificationMaterial has no signer: none of certificate, x509CertificateChain, publicKey"
    )]
    NoSigner,
    /// A v0.1 bundle's log entry lacks the signed entry timestamp v0.1 requires.
    #[error("{field}: a v0.1 bundle requires an inclusion promise (signed entry timestamp)")]
    MissingInclusionPromise {
        /// Path of the log entry.
        field: String,
    },
    /// A v0.2+ bundle's log entry lacks the inclusion proof those versions require.
    #[error("{field}: a v0.2 or later bundle requires an inclusion proof")]
    MissingInclusionProof {
        /// Path of the log entry.
        field: String,
    },
    /// A v0.3 bundle carries a certificate chain where only the leaf is allowed.
    #[error("a v0.3 bundle must carry `certificate`, not `x509CertificateChain`")]
    ChainInV03,
    /// An in-toto statement has a `_type` custody does not know.
    #[error("unsupported in-toto statement type {statement_type:?}")]
    StatementType {
        /// The `_type` found.
        statement_type: String,
    },
}

impl BundleError {
    /// Wraps a `serde_json` error with the document name and its position.
    pub(crate) fn json(document: &'static str, source: serde_json::Error) -> Self {
        Self::Json {
            document,
            line: source.line(),
            column: source.column(),
            source,
        }
    }
}
