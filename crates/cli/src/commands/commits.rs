//! `custody verify-commits`: SSH and OpenPGP signatures of git commits.

use super::ExitStatus;
use crate::args::VerifyCommitsArgs;

/// Runs `custody verify-commits`.
pub(crate) fn verify_commits(
    _args: &VerifyCommitsArgs,
    _quiet: bool,
) -> anyhow::Result<ExitStatus> {
    anyhow::bail!("not built yet")
}
