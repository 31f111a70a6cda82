//! Findings about files rather than packages: leaked [`Secret`]s and
//! [`Misconfiguration`]s of Dockerfiles and Kubernetes manifests.
//!
//! Both point at a [`Location`] (path and, in images, layer) and a line, so every output
//! format — table, JSON, SARIF, CycloneDX — can say exactly where to look.

use serde::{Deserialize, Serialize};

use crate::{Location, Severity};

/// A credential found in a file.
///
/// The secret itself never appears: [`Secret::masked`] holds only a masked form (the first
/// characters of long secrets, then `****`).
///
/// # Wire format
///
/// ```json
/// {"rule_id": "github-pat", "title": "GitHub personal access token (classic)",
///  "severity": "CRITICAL", "location": {"path": "ci/deploy.sh", "layer": "sha256:…"},
///  "line": 3, "column": 14, "masked": "ghp_****", "deleted": true}
/// ```
///
/// Fields may be added, never renamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Secret {
    /// The id of the rule that matched, such as `github-pat`.
    pub rule_id: String,
    /// The rule's title.
    pub title: String,
    /// The rule's severity.
    pub severity: Severity,
    /// The file and, in images, the layer that added it.
    pub location: Location,
    /// 1-based line of the secret's first byte.
    pub line: usize,
    /// 1-based byte column of the secret's first byte.
    pub column: usize,
    /// The masked secret.
    pub masked: String,
    /// Set when a later image layer deleted or replaced this file: the secret is no longer in
    /// the final filesystem but anyone who pulls the image can still read it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deleted: bool,
}

/// A place where a file breaks a misconfiguration check.
///
/// # Wire format
///
/// ```json
/// {"id": "CKS012", "title": "Container may run as root", "severity": "MEDIUM",
///  "description": "…", "remediation": "…", "references": ["https://…"],
///  "location": {"path": "deploy/web.yaml"}, "line": 21,
///  "resource": "Deployment/shop/web", "message": "container \"web\" …"}
/// ```
///
/// Fields may be added, never renamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Misconfiguration {
    /// The check's stable id (`CDF001`, `CKS012`, `PSS-runAsNonRoot`, or
    /// `policy/rule` for user Kyverno policies); what ignore files name.
    pub id: String,
    /// One-line summary of the check.
    pub title: String,
    /// How much it matters, on the vulnerability scale so `--severity` filters both.
    pub severity: Severity,
    /// Why the pattern is a problem.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// What to change to pass the check.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub remediation: String,
    /// Documentation and the equivalent checks of peer tools.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<String>,
    /// The file and, in images, the layer that holds it.
    pub location: Location,
    /// 1-based line of the offending field or instruction; 0 when the whole file is meant.
    pub line: u32,
    /// The Kubernetes object at fault, as `Kind/namespace/name` (`Kind/name` when it has no
    /// namespace); absent for Dockerfiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// What exactly is wrong here; never contains a secret value.
    pub message: String,
}
