//! Why the admission server cannot start: policies that cannot be read or compiled, TLS
//! material that cannot be used, addresses that cannot be bound. Requests never produce an
//! [`Error`]: a bad request is answered 400, a failed evaluation is denied.

use std::net::SocketAddr;
use std::path::PathBuf;

use custody_policy::kyverno::policy::PolicyError;
use custody_policy::manifest::ManifestError;

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A policy file cannot be read.
    #[error("reading policies from {path}")]
    PolicyFile {
        /// The file or directory.
        path: PathBuf,
        /// The cause.
        #[source]
        source: ManifestError,
    },
    /// An object is not a Kyverno policy custody can compile.
    #[error("policy document {document} of {origin}")]
    Policy {
        /// The file the policy came from, or `<memory>`.
        origin: String,
        /// The document's position in it, from 1.
        document: usize,
        /// The cause.
        #[source]
        source: PolicyError,
    },
    /// The certificate or key cannot be read or used.
    #[error("TLS {what} {}: {message}", path.display())]
    Tls {
        /// What was being read: `certificate` or `key`.
        what: &'static str,
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// An address cannot be bound or served.
    #[error("listening on {listen}")]
    Listen {
        /// The address.
        listen: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}
