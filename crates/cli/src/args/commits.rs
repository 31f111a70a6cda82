//! Arguments of `custody verify-commits`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

/// `custody verify-commits`.
#[derive(Debug, Args)]
#[command(
    after_long_help = VERIFY_COMMITS_EXAMPLES,
    group = clap::ArgGroup::new("trust").required(true).multiple(true)
)]
pub(crate) struct VerifyCommitsArgs {
    /// The repository: a work tree (or any directory in it) or a bare repository.
    #[arg(default_value = ".", value_name = "REPO")]
    pub(crate) repository: PathBuf,
    /// The commits to verify: `A..B` (in B, not in A), or one revision and its history
    /// [default: HEAD and its history]
    #[arg(long, value_name = "A..B")]
    pub(crate) range: Option<String>,
    /// ssh-keygen's allowed signers file: which SSH keys may sign for which committer emails
    /// (the format of git's gpg.ssh.allowedSignersFile).
    #[arg(long, value_name = "FILE", group = "trust")]
    pub(crate) allowed_signers: Option<PathBuf>,
    /// OpenPGP public keys, armored or binary (`gpg --export`), one or many.
    #[arg(long, value_name = "FILE", group = "trust")]
    pub(crate) gpg_keyring: Option<PathBuf>,
    /// Verify at most this many commits, newest first.
    #[arg(long, value_name = "N", default_value_t = custody_sign::git::DEFAULT_MAX_COMMITS)]
    pub(crate) max_commits: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CommitsOutput::Table)]
    pub(crate) output: CommitsOutput,
}

/// How `verify-commits` prints its verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum CommitsOutput {
    /// One row per commit.
    Table,
    /// `{"commits": [...], "verified": N, "failed": N}`.
    Json,
}

const VERIFY_COMMITS_EXAMPLES: &str = "\
Examples:
  custody verify-commits --allowed-signers .github/allowed_signers
  custody verify-commits ../service --range v1.2.0..main --allowed-signers allowed_signers
  custody verify-commits --gpg-keyring maintainers.asc --max-commits 50 --output json
  custody verify-commits --allowed-signers allowed_signers --gpg-keyring maintainers.gpg

An SSH signature verifies when the allowed signers file has its key for the committer's email,
in namespace git, valid at the commit time (ssh-keygen -Y verify -I <committer email>). git's
own verify-commit accepts any principal of the key; custody binds the key to the committer.
An OpenPGP signature verifies when the keyring has its key (or a bound signing subkey), not
revoked and not expired. Unsigned commits fail.

Exit status: 0 when every commit verifies; 1 when any does not (unsigned, bad signature,
unknown key, not allowed, expired, …); 2 on errors (git missing, not a repository, unknown
revision, malformed allowed signers file or keyring).";
