//! `custody key generate|import`: cosign-format signing keys.

use crate::args::KeyCommand;

/// Runs a `key` subcommand.
pub(crate) fn key(command: KeyCommand, _quiet: bool) -> anyhow::Result<()> {
    match command {}
}
