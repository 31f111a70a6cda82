//! Arguments of `custody sign-blob`, `verify-blob` and `verify-bundle`.

use clap::Args;

/// `custody sign-blob`.
#[derive(Debug, Args)]
pub(crate) struct SignBlobArgs {}

/// `custody verify-blob`.
#[derive(Debug, Args)]
pub(crate) struct VerifyBlobArgs {}

/// `custody verify-bundle`.
#[derive(Debug, Args)]
pub(crate) struct VerifyBundleArgs {}
