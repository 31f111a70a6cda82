//! Operational errors of commit verification: git missing or failing, unreadable allowed
//! signers files and keyrings. A commit whose signature does not verify is not an error but a
//! [`Status`](super::Status).

use std::path::PathBuf;

use super::allowed_signers::AllowedSignersErrorKind;
use super::openpgp::OpenPgpError;

/// Why commits could not be verified at all.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// The `git` program could not be started.
    #[error("cannot run `{program}` to read the repository {}", repository.display())]
    GitMissing {
        /// The program custody tried to run.
        program: PathBuf,
        /// The repository it was for.
        repository: PathBuf,
        /// Why it could not start.
        #[source]
        source: std::io::Error,
    },
    /// git ran and failed: not a repository, an unknown revision, …
    #[error("`git {command}` failed in {}: {stderr}", repository.display())]
    GitFailed {
        /// The repository.
        repository: PathBuf,
        /// The git subcommand and its arguments.
        command: String,
        /// What git printed on stderr, trimmed.
        stderr: String,
    },
    /// git's output was not what `rev-list` or `cat-file --batch` print.
    #[error("unexpected output from `git {command}` in {}: {detail}", repository.display())]
    UnexpectedOutput {
        /// The repository.
        repository: PathBuf,
        /// The git subcommand.
        command: &'static str,
        /// What was wrong.
        detail: String,
    },
    /// Talking to the git process failed.
    #[error("reading from `git {command}` in {}", repository.display())]
    Pipe {
        /// The repository.
        repository: PathBuf,
        /// The git subcommand.
        command: &'static str,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The allowed signers file could not be read.
    #[error("cannot read the allowed signers file")]
    ReadAllowedSigners(#[source] std::io::Error),
    /// A line of the allowed signers file is malformed.
    #[error("{}:{line}: {kind}", path.display())]
    AllowedSigners {
        /// The file.
        path: PathBuf,
        /// The 1-based line number.
        line: usize,
        /// What is wrong with it.
        kind: AllowedSignersErrorKind,
    },
    /// The OpenPGP keyring could not be read.
    #[error("cannot read the OpenPGP keyring")]
    ReadKeyring(#[source] std::io::Error),
    /// The OpenPGP keyring is malformed.
    #[error("{}: malformed OpenPGP keyring", path.display())]
    Keyring {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        #[source]
        source: OpenPgpError,
    },
}

impl GitError {
    /// What the user can do about it, when there is something to say.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::GitMissing { .. } => Some(
                "install git (Debian: `apt-get install git`) and make sure it is on PATH; \
                 custody reads commits with the git program, as users' repositories are",
            ),
            Self::GitFailed { .. } => Some(
                "check that REPO is a git repository and that --range names commits it has \
                 (e.g. `main..HEAD`)",
            ),
            Self::AllowedSigners { .. } => Some(
                "the format is ssh-keygen's ALLOWED SIGNERS: `principals [options] keytype \
                 base64-key [comment]`, see ssh-keygen(1)",
            ),
            Self::Keyring { .. } => Some(
                "export public keys with `gpg --export KEYID` (binary) or `gpg --armor \
                 --export KEYID`",
            ),
            Self::UnexpectedOutput { .. }
            | Self::Pipe { .. }
            | Self::ReadAllowedSigners(_)
            | Self::ReadKeyring(_) => None,
        }
    }
}
