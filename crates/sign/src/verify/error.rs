//! Why a bundle did not verify.

use jiff::Timestamp;

use crate::bundle::BundleError;
use crate::keys::{HashAlgorithm, SignatureError};
use crate::tlog::TlogError;
use crate::trust::{CertificateError, TimestampError};

/// Why [`verify_bundle`](super::verify_bundle) refused a bundle. Every variant is a failed
/// verification; none means "verified with warnings".
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The bundle is signed by a key but the policy asks for a certificate identity.
    #[error("the bundle is signed with a key, not a certificate; verify it with that public key")]
    KeyRequired,
    /// The bundle carries a certificate but the policy names a key.
    #[error(
        "the bundle is signed with a certificate, not a key; verify it with the certificate's \
         identity and OIDC issuer"
    )]
    CertificateRequired,
    /// The bundle's certificate chain is empty (possible only for a bundle built in code;
    /// [`Bundle::from_json`](crate::bundle::Bundle::from_json) refuses it).
    #[error("the bundle's certificate chain is empty")]
    NoCertificate,
    /// A DSSE envelope in a bundle must carry exactly one signature.
    #[error(
        "the DSSE envelope carries {count} signatures; a bundle's envelope carries exactly one"
    )]
    EnvelopeSignatureCount {
        /// Signatures found.
        count: usize,
    },
    /// The signature does not verify with the signer's key.
    #[error("the signature does not verify with the {signer}")]
    Signature {
        /// "given public key" or "certificate's public key".
        signer: &'static str,
        /// What the key said.
        #[source]
        source: SignatureError,
    },
    /// The bundle's message digest is not the artifact's.
    #[error("the bundle's {algorithm} message digest {bundle} is not the artifact's {artifact}")]
    MessageDigestMismatch {
        /// The hash function.
        algorithm: HashAlgorithm,
        /// The digest in the bundle, hex.
        bundle: String,
        /// The artifact's digest, hex.
        artifact: String,
    },
    /// The artifact was given as a digest of another algorithm than the bundle's.
    #[error("the artifact digest is {artifact}, the bundle's message digest is {bundle}")]
    DigestAlgorithmMismatch {
        /// Algorithm of the given digest.
        artifact: HashAlgorithm,
        /// Algorithm of the bundle's digest.
        bundle: HashAlgorithm,
    },
    /// The DSSE payload is not an in-toto statement, so no subject can name the artifact.
    #[error("the DSSE payload type is {payload_type:?}, not an in-toto statement")]
    NotInToto {
        /// The envelope's payload type.
        payload_type: String,
    },
    /// The in-toto statement does not parse.
    #[error("the DSSE payload is not a valid in-toto statement")]
    Statement(#[source] BundleError),
    /// No subject of the statement has the artifact's digest.
    #[error("no subject of the in-toto statement has the artifact's {algorithm} digest {digest}")]
    SubjectMismatch {
        /// The hash function.
        algorithm: HashAlgorithm,
        /// The artifact's digest, hex.
        digest: String,
    },
    /// A transparency log entry is not evidence for this signature.
    #[error("transparency log entry {index} does not verify")]
    TransparencyLog {
        /// Position in `tlogEntries`.
        index: usize,
        /// Why.
        #[source]
        source: TlogError,
    },
    /// A log says it integrated the entry after now.
    #[error("transparency log entry {index} has integrated time {at}, which is in the future")]
    IntegratedTimeInFuture {
        /// Position in `tlogEntries`.
        index: usize,
        /// The integrated time.
        at: Timestamp,
    },
    /// An RFC 3161 timestamp does not verify.
    #[error("signed timestamp {index} does not verify")]
    Timestamp {
        /// Position in `rfc3161Timestamps`.
        index: usize,
        /// Why.
        #[source]
        source: TimestampError,
    },
    /// Transparency log evidence is required and the bundle has none.
    #[error("the bundle has no transparency log entry")]
    NoTransparencyLogEntry,
    /// A certificate can only be checked at a verified time, and there is none.
    #[error(
        "the bundle has no verified time (log integrated time or signed timestamp) to check the \
         certificate at"
    )]
    NoVerifiedTime,
    /// The certificate does not chain to a trusted authority or is not valid at a verified
    /// time.
    #[error("the signing certificate does not verify at {at}")]
    Certificate {
        /// The verified time it was checked at.
        at: Timestamp,
        /// Why.
        #[source]
        source: CertificateError,
    },
    /// The verified certificate path has no issuer to check the SCTs with.
    #[error("the signing certificate's verified path has no issuer certificate")]
    NoIssuer,
    /// The certificate's embedded SCTs do not verify.
    #[error("the signing certificate's signed certificate timestamps do not verify")]
    CertificateTransparency(#[source] CertificateError),
    /// The certificate's identity or issuer is not the expected one.
    #[error(
        "the certificate's identity {subject:?} (issuer {issuer:?}) does not match the expected \
         identity and issuer"
    )]
    IdentityMismatch {
        /// The certificate's subject alternative name.
        subject: String,
        /// The certificate's OIDC issuer, when it names one.
        issuer: Option<String>,
    },
}
