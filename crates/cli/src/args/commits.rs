//! Arguments of `custody verify-commits`.

use clap::Args;

/// `custody verify-commits`.
#[derive(Debug, Args)]
pub(crate) struct VerifyCommitsArgs {}
