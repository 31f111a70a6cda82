//! Integration tests of custody-sign: conformance corpora, real registries and real clients.
#![expect(
    clippy::unwrap_used,
    reason = "test support code: a failed unwrap is a failed test"
)]

mod bundle;
mod conformance;
mod git;
mod keys;
mod oci;
mod oci_referrers;
mod sigstore_js;
mod support;
mod tlog;
mod trust;
