//! What keyless verification is anchored to, and the checks made against it.
//!
//! - [`TrustedRoot`]: Sigstore's `trusted_root.json` — transparency log keys
//!   ([`TransparencyLogKey`]), CT log keys, certificate authorities and timestamp authorities,
//!   each with a [`Validity`]. [`TrustedRoot::production`] is the public-good root shipped
//!   with custody.
//! - [`verify_certificate`]: a Fulcio leaf chained to a trusted CA at the signing time, and
//!   the [`CertificateIdentity`] it binds, matched with [`IdentityMatcher`].
//! - [`verify_embedded_scts`]: the leaf's signed certificate timestamps against the CT logs
//!   (RFC 6962).
//! - [`verify_timestamp`]: an RFC 3161 timestamp over a signature, chained to a trusted
//!   timestamp authority.
//!
//! The bundle verifier ([`crate::verify`]) decides which of these a bundle needs and which
//! time to check the certificate at; the transparency log module ([`crate::tlog`]) looks up
//! Rekor keys with [`TrustedRoot::transparency_log`].

mod algorithm;
mod certificate;
mod chain;
mod error;
mod fulcio;
mod identity;
mod root;
mod sct;
mod timestamp;

pub use error::{CertificateError, TimestampError, TrustError};
pub use fulcio::{CertificateIdentity, verify_certificate};
pub use identity::IdentityMatcher;
pub use root::{CertificateAuthority, TransparencyLogKey, TrustedRoot, Validity};
pub use sct::verify_embedded_scts;
pub use timestamp::verify_timestamp;
