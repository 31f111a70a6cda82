//! Errors from opening targets and reading their layers.

use std::path::PathBuf;

/// An error opening a target or reading one of its layers.
///
/// Every variant names what it concerns (a path, a layer digest, an image reference), so the
/// CLI can print it without adding context it does not have.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The target string could not be understood.
    #[error("`{input}` is not a target: {reason}")]
    InvalidTarget {
        /// What the user typed.
        input: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A filesystem operation failed; `fs_err` already names the path.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// An image layout, archive or manifest is malformed.
    #[error("malformed image at {location}: {reason}")]
    MalformedImage {
        /// The file or blob concerned (`index.json`, `manifest.json`, a blob digest).
        location: String,
        /// What is wrong.
        reason: String,
    },
    /// A JSON document of an image (index, manifest, config) did not parse.
    #[error("malformed JSON in {location}")]
    Json {
        /// The document concerned.
        location: String,
        /// The parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A blob's content did not match its digest. Always an error: the image is not what its
    /// manifest says it is.
    #[error("digest mismatch for {location}: expected {expected}, got {actual}")]
    DigestMismatch {
        /// The blob or layer concerned.
        location: String,
        /// The digest the manifest or configuration claims.
        expected: String,
        /// The digest of the bytes actually read.
        actual: String,
    },
    /// A layer could not be read (truncated or corrupt compression or tar stream).
    #[error("layer {digest}: {reason}")]
    Layer {
        /// The layer's digest.
        digest: String,
        /// What went wrong, including the tar entry path when one is known.
        reason: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A layer decompressed to more than the configured limits allow.
    #[error(
        "layer {digest} exceeds the decompression limit ({limit}); it may be a decompression bomb"
    )]
    DecompressionLimit {
        /// The layer's digest.
        digest: String,
        /// Which limit was hit, in words.
        limit: String,
    },
    /// The OCI layout or archive has no image matching the requested tag or platform.
    #[error("no image in {location} matches {wanted}")]
    ImageNotFound {
        /// The layout, archive or reference searched.
        location: String,
        /// The tag or platform asked for.
        wanted: String,
    },
    /// A registry request failed.
    #[error("registry request for {reference} failed")]
    Registry {
        /// The image reference.
        reference: String,
        /// The client's error.
        #[source]
        source: oci_client::errors::OciDistributionError,
    },
    /// Docker credentials could not be read.
    #[error("cannot read registry credentials from {path}: {reason}")]
    Credentials {
        /// The Docker config file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// The layer cache could not be written.
    #[error("layer cache at {path}")]
    Cache {
        /// The cache file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// A hint for the user on what to do next, where one helps.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::InvalidTarget { .. } => Some(
                "name a target as dir:PATH, rootfs:PATH, oci-dir:PATH[:TAG], oci-archive:FILE, \
                 docker-archive:FILE or registry:REF",
            ),
            Self::Registry { .. } => Some(
                "for a registry without TLS pass --plain-http or --insecure-registry HOST; \
                 for a private one pass --username/--password or log in with `docker login`",
            ),
            Self::DecompressionLimit { .. } => {
                Some("raise the limit with --max-layer-size if the image is trusted")
            }
            Self::ImageNotFound { .. } => {
                Some("pick the image with a tag (oci-dir:PATH:TAG) or --platform OS/ARCH")
            }
            _ => None,
        }
    }
}
