//! `custody sign-blob|verify-blob|verify-bundle`: Sigstore bundles for files.

use super::ExitStatus;
use crate::args::{SignBlobArgs, VerifyBlobArgs, VerifyBundleArgs};

/// Runs `custody sign-blob`.
pub(crate) fn sign_blob(_args: &SignBlobArgs, _quiet: bool) -> anyhow::Result<()> {
    anyhow::bail!("not built yet")
}

/// Runs `custody verify-blob`.
pub(crate) fn verify_blob(_args: &VerifyBlobArgs, _quiet: bool) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("not built yet")
}

/// Runs `custody verify-bundle`.
pub(crate) fn verify_bundle(_args: &VerifyBundleArgs, _quiet: bool) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("not built yet")
}
