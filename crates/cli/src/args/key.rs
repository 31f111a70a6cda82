//! Arguments of `custody key`.

use clap::Subcommand;

/// `custody key` subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum KeyCommand {}
