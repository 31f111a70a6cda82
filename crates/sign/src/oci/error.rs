//! What can go wrong signing and verifying images, as opposed to a signature that does not
//! verify (that is a [`super::Rejection`], not an error).

use oci_client::errors::OciDistributionError;

/// An operational failure of [`super::Image`]: the registry, the reference, a key or an input
/// file. A signature that fails verification is not an error but a [`super::Rejection`].
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The image reference does not parse.
    #[error("`{reference}` is not an image reference: {reason}")]
    InvalidReference {
        /// What was given.
        reference: String,
        /// Why it does not parse.
        reason: String,
    },
    /// Connecting or logging in to the registry failed (credentials, Docker configuration).
    #[error("cannot connect to the registry of `{reference}`")]
    Connect {
        /// The image reference.
        reference: String,
        /// The cause.
        #[source]
        source: custody_artifact::Error,
    },
    /// A registry request failed.
    #[error("registry request for `{location}` failed")]
    Registry {
        /// The reference, tag or digest requested.
        location: String,
        /// The cause.
        #[source]
        source: OciDistributionError,
    },
    /// A raw HTTP request (the referrers API) failed.
    #[error("request to {url} failed")]
    Http {
        /// The URL requested.
        url: String,
        /// The cause.
        #[source]
        source: reqwest::Error,
    },
    /// The registry answered something unexpected.
    #[error("unexpected answer from {url}: HTTP {status}")]
    HttpStatus {
        /// The URL requested.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// A document in the registry (manifest, index, blob) is malformed or too large.
    #[error("{location} is malformed: {reason}")]
    MalformedDocument {
        /// Which manifest, index or blob.
        location: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The async runtime could not start.
    #[error("cannot start the registry client's runtime")]
    Runtime(#[source] std::io::Error),
    /// Signing failed.
    #[error("signing failed")]
    Sign(#[source] crate::keys::SignatureError),
    /// `--type` is neither one of cosign's predicate names nor a URI.
    #[error("unknown predicate type `{given}`: use a URI or one of {}", known.join(", "))]
    UnknownPredicateType {
        /// What was given.
        given: String,
        /// The names cosign knows.
        known: Vec<&'static str>,
    },
    /// The predicate file does not suit its type.
    #[error("the predicate is not a valid {predicate_type} predicate: {reason}")]
    InvalidPredicate {
        /// The predicate type URI.
        predicate_type: String,
        /// What is wrong.
        reason: String,
    },
}
