//! Arguments of `custody sign`, `verify`, `attest` and `verify-attestation`.

use clap::Args;

/// `custody sign`.
#[derive(Debug, Args)]
pub(crate) struct SignArgs {}

/// `custody verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyArgs {}

/// `custody attest`.
#[derive(Debug, Args)]
pub(crate) struct AttestArgs {}

/// `custody verify-attestation`.
#[derive(Debug, Args)]
pub(crate) struct VerifyAttestationArgs {}
