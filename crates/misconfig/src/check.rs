//! The vocabulary every scanner of this crate reports in: a [`Check`] describes one rule, and
//! [`Check::finding`] makes the [`Misconfiguration`] that says where a file breaks it.
//!
//! Checks are static tables owned by each file kind's module (`dockerfile::checks` for
//! Dockerfiles; Kubernetes manifests get their own table); findings copy what the report
//! shows (id, title, remediation, references), so they stand alone in every output format.

use custody_model::{Location, Misconfiguration, Severity};
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

impl Check {
    /// A finding of this check at `line` (1-based; 0 for the whole file) of the file at
    /// `path`, about the Kubernetes object `resource` when there is one.
    pub fn finding(
        &self,
        path: &str,
        line: u32,
        resource: Option<String>,
        message: impl Into<String>,
    ) -> Misconfiguration {
        Misconfiguration {
            id: self.id.to_owned(),
            title: self.title.to_owned(),
            severity: self.severity,
            description: self.description.to_owned(),
            remediation: self.remediation.to_owned(),
            references: self
                .references
                .iter()
                .map(|&reference| reference.to_owned())
                .collect(),
            location: Location::new(path),
            line,
            resource,
            message: message.into(),
        }
    }
}
