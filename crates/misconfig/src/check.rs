//! The vocabulary every scanner of this crate reports in: a [`Check`] describes one rule, a
//! [`Finding`] says where a file breaks it.
//!
//! Checks are static tables owned by each file kind's module (`dockerfile::checks` for
//! Dockerfiles; Kubernetes manifests get their own table), so a finding borrows its check for
//! `'static` and the report layer can print id, title, remediation and references without
//! another lookup.

use std::path::PathBuf;

use custody_model::Severity;
use serde::Serialize;

/// One misconfiguration rule: what it looks for, how bad it is and how to fix it.
///
/// Ids are stable and prefixed by the file kind: `CDF` for Dockerfiles, `CKS` for Kubernetes
/// manifests. `CDF000` is reserved for "the file could not be read completely".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable identifier, such as `CDF001`; what ignore files and `--skip-check` name.
    pub id: &'static str,
    /// One-line summary shown in tables.
    pub title: &'static str,
    /// How much the misconfiguration matters, on the same scale as vulnerabilities so
    /// `--severity` filters both.
    pub severity: Severity,
    /// Why the pattern is a problem.
    pub description: &'static str,
    /// What to change to pass the check.
    pub remediation: &'static str,
    /// Upstream documentation and the equivalent checks of peer tools.
    pub references: &'static [&'static str],
}

/// One place where a file fails a [`Check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The check that failed.
    pub check: &'static Check,
    /// The scanned file, as the caller named it.
    pub path: PathBuf,
    /// 1-based line of the offending instruction (its first line when it spans several).
    pub line: u32,
    /// What exactly is wrong here; never contains a secret value.
    pub message: String,
}
