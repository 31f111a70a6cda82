//! Errors of the trust module: reading a trusted root, verifying a Fulcio certificate chain
//! and its SCTs, and verifying an RFC 3161 timestamp.
//!
//! Each job has its own enum because each has its own callers: the CLI reports a bad
//! `--trusted-root` file ([`TrustError`]), bundle verification reports why a signing
//! certificate ([`CertificateError`]) or a timestamp ([`TimestampError`]) was refused.

use jiff::Timestamp;

use crate::keys::{KeyError, SignatureError};

/// Why a `trusted_root.json` document was rejected.
///
/// `field` values are protobuf-JSON paths such as `ctlogs[1].publicKey.rawBytes`.
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    /// The document is not JSON of the trusted-root shape.
    #[error("trusted root is not valid JSON of the expected shape (line {line}, column {column})")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// The parser's description.
        #[source]
        source: serde_json::Error,
    },
    /// The media type names no trusted-root version custody reads.
    #[error("unsupported trusted root media type {media_type:?}")]
    MediaType {
        /// The media type found.
        media_type: String,
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
    /// A timestamp field is not RFC 3339.
    #[error("{field} is not an RFC 3339 timestamp: {value:?}")]
    Timestamp {
        /// Path of the field.
        field: String,
        /// The text found.
        value: String,
        /// The parser's description.
        #[source]
        source: jiff::Error,
    },
    /// A required field is absent or empty.
    #[error("{field} is missing or empty")]
    Missing {
        /// Path of the field.
        field: String,
    },
    /// A public key cannot be read.
    #[error("{field} is not a public key custody can use ({key_details})")]
    PublicKey {
        /// Path of the field.
        field: String,
        /// The `keyDetails` value declared next to the key.
        key_details: String,
        /// Why the key was refused.
        #[source]
        source: KeyError,
    },
    /// A certificate of a certificate or timestamp authority is not DER X.509.
    #[error("{field} is not a DER X.509 certificate")]
    Certificate {
        /// Path of the field.
        field: String,
        /// The decoder's description.
        #[source]
        source: der::Error,
    },
}

/// Why a signing certificate (or a timestamp authority's certificate) was refused.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    /// A certificate is not DER X.509.
    #[error("{what} is not a DER X.509 certificate")]
    Parse {
        /// Which certificate: `leaf`, `chain[1]`, `issuer`, ...
        what: String,
        /// The decoder's description.
        #[source]
        source: der::Error,
    },
    /// The chain carried next to the leaf contains a self-signed root; the roots must come
    /// from the trusted root only.
    #[error(
        "certificate chain[{index}] is a self-signed root ({subject}); roots come only from the trusted root"
    )]
    RootInChain {
        /// Position in the chain after the leaf.
        index: usize,
        /// Subject of that certificate.
        subject: String,
    },
    /// A certificate on the path is outside its validity period at the time checked.
    #[error("certificate {subject} is not valid at {at} (valid {not_before} to {not_after})")]
    Expired {
        /// Subject of the certificate.
        subject: String,
        /// The time checked.
        at: Timestamp,
        /// Start of its validity.
        not_before: Timestamp,
        /// End of its validity.
        not_after: Timestamp,
    },
    /// No certificate authority of the trusted root, valid at the time checked, issued the
    /// certificate.
    #[error("no trusted certificate authority valid at {at} issued {subject} (issuer {issuer})")]
    Untrusted {
        /// Subject of the certificate.
        subject: String,
        /// Its issuer's name.
        issuer: String,
        /// The time checked.
        at: Timestamp,
    },
    /// A certificate's signature algorithm is not one custody verifies, or does not fit the
    /// issuer's key.
    #[error("certificate {subject} uses unsupported signature algorithm {algorithm}")]
    UnsupportedAlgorithm {
        /// Subject of the certificate.
        subject: String,
        /// Dotted OID of the algorithm.
        algorithm: String,
    },
    /// A certificate's public key cannot be used.
    #[error("certificate {subject} has a public key custody cannot use")]
    PublicKey {
        /// Subject of the certificate.
        subject: String,
        /// Why the key was refused.
        #[source]
        source: KeyError,
    },
    /// A required extension is missing, malformed or says the certificate may not be used
    /// this way (basic constraints, key usage, extended key usage).
    #[error("certificate {subject}: {problem}")]
    Usage {
        /// Subject of the certificate.
        subject: String,
        /// What is wrong, e.g. "extended key usage lacks codeSigning".
        problem: &'static str,
    },
    /// The leaf carries no subject alternative name Fulcio would have written.
    #[error("certificate {subject} has no email, URI or Fulcio username subject alternative name")]
    NoIdentity {
        /// Subject of the certificate.
        subject: String,
    },
    /// A Fulcio extension's value is not the string it must be.
    #[error("certificate extension {oid} is malformed")]
    Extension {
        /// Dotted OID of the extension.
        oid: String,
    },
    /// The SCT list extension is missing.
    #[error("certificate carries no embedded signed certificate timestamps")]
    NoScts,
    /// The SCT list extension cannot be decoded.
    #[error("the embedded signed certificate timestamp list is malformed")]
    MalformedScts,
    /// No embedded SCT came from a certificate transparency log of the trusted root.
    #[error("none of the {count} embedded signed certificate timestamps is from a trusted CT log")]
    NoTrustedSct {
        /// How many SCTs the certificate carries.
        count: usize,
    },
    /// An SCT's log key was not valid when the SCT was issued.
    #[error(
        "signed certificate timestamp from log {log_id} at {at} is outside the log key's validity"
    )]
    SctOutsideLogValidity {
        /// Base64 log id.
        log_id: String,
        /// The SCT's time.
        at: Timestamp,
    },
    /// An SCT's signature algorithm is not one custody verifies, or does not fit the log's
    /// key.
    #[error(
        "signed certificate timestamp from log {log_id} uses an unsupported signature algorithm"
    )]
    SctAlgorithm {
        /// Base64 log id.
        log_id: String,
    },
    /// An SCT's signature does not verify with its log's key.
    #[error("signed certificate timestamp from log {log_id} has an invalid signature")]
    SctSignature {
        /// Base64 log id.
        log_id: String,
        /// The verifier's description.
        #[source]
        source: SignatureError,
    },
    /// A certificate's signature does not verify with its issuer's key.
    #[error("signature of certificate {subject} does not verify with the key of {issuer}")]
    Signature {
        /// Subject of the certificate.
        subject: String,
        /// Subject of the issuer.
        issuer: String,
        /// The verifier's description.
        #[source]
        source: SignatureError,
    },
}

/// Why an RFC 3161 timestamp token was refused.
#[derive(Debug, thiserror::Error)]
pub enum TimestampError {
    /// The token is not DER CMS `SignedData` holding a `TSTInfo`.
    #[error("timestamp token is malformed: {problem}")]
    Malformed {
        /// What is wrong.
        problem: &'static str,
    },
    /// The token does not decode as DER.
    #[error("timestamp token is not valid DER ({what})")]
    Der {
        /// Which structure failed to decode.
        what: &'static str,
        /// The decoder's description.
        #[source]
        source: der::Error,
    },
    /// A hash algorithm other than SHA-256/384/512.
    #[error("timestamp token uses unsupported hash algorithm {oid}")]
    UnsupportedHash {
        /// Dotted OID of the algorithm.
        oid: String,
    },
    /// The token timestamps other bytes than this signature.
    #[error("timestamp message imprint does not match the signature")]
    ImprintMismatch,
    /// The signed message-digest attribute does not match the `TSTInfo`.
    #[error("timestamp message-digest attribute does not match its content")]
    ContentDigestMismatch,
    /// The signed signing-certificate attribute names another certificate than the signer.
    #[error("the timestamp's signing-certificate attribute does not name its signer")]
    SigningCertificateMismatch,
    /// Neither the token nor a timestamp authority of the trusted root holds the signer's
    /// certificate.
    #[error("the timestamp signer's certificate is neither in the token nor in the trusted root")]
    SignerNotFound,
    /// The signature over the signed attributes does not verify.
    #[error("timestamp signature does not verify with the signer's certificate")]
    Signature {
        /// The verifier's description.
        #[source]
        source: SignatureError,
    },
    /// The signer's certificate does not chain to a trusted timestamp authority valid at
    /// the timestamp's time.
    #[error("timestamp signer does not chain to a trusted timestamp authority at {at}")]
    Untrusted {
        /// The time in the token.
        at: Timestamp,
        /// Why the chain was refused.
        #[source]
        source: CertificateError,
    },
}
