//! One module per subcommand. Most return `Ok(())` for exit status 0 or an error for 2;
//! commands whose answer can be "no" (scan; later verify and policy) return an
//! [`ExitStatus`].

mod admission;
mod blob;
mod cache;
mod commits;
mod db;
mod image;
mod key;
mod kyverno;
mod policy;
mod runtime;
mod sbom;
mod scan;
mod version;

pub(crate) use admission::admission;
pub(crate) use blob::{sign_blob, verify_blob, verify_bundle};
pub(crate) use cache::cache;
pub(crate) use commits::verify_commits;
pub(crate) use db::db;
pub(crate) use image::{attest, sign, verify, verify_attestation};
pub(crate) use key::key;
pub(crate) use policy::policy;
pub(crate) use runtime::runtime;
pub(crate) use sbom::sbom;
pub(crate) use scan::scan;
pub(crate) use version::version;

/// How a command that answers a question ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ExitStatus {
    /// Exit 0.
    Success,
    /// The answer is "no": findings remain after filters. Carries the exit status the user
    /// chose with `--exit-code`.
    Findings(u8),
}

impl From<ExitStatus> for std::process::ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => Self::SUCCESS,
            ExitStatus::Findings(code) => Self::from(code),
        }
    }
}
