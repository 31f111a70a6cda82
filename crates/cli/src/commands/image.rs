//! `custody sign|verify|attest|verify-attestation`: signatures and attestations in registries.

use super::ExitStatus;
use crate::args::{AttestArgs, SignArgs, VerifyArgs, VerifyAttestationArgs};

/// Runs `custody sign`.
pub(crate) fn sign(_args: &SignArgs, _quiet: bool) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}

/// Runs `custody verify`.
pub(crate) fn verify(_args: &VerifyArgs, _quiet: bool) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("not built yet")
}

/// Runs `custody attest`.
pub(crate) fn attest(_args: &AttestArgs, _quiet: bool) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}

/// Runs `custody verify-attestation`.
pub(crate) fn verify_attestation(
    _args: &VerifyAttestationArgs,
    _quiet: bool,
) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("not built yet")
}
