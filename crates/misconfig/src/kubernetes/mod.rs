//! Kubernetes manifest scanning: recognising manifests, reading them with positions, and
//! running the Pod Security Standards, the `CKS` checks and user Kyverno policies on each
//! object.
//!
//! - `recognition` decides by content which YAML and JSON files are manifests
//!   ([`is_kubernetes_manifest`]).
//! - `document` reads a file into objects ([`serde_json::Value`]s) that remember the line of
//!   every field, and reports what it cannot read as problems.
//! - `pss` turns custody-policy's Pod Security Standards violations into `PSS-*` checks;
//!   `checks` holds the `CKS` checks; `user_policy` applies users' Kyverno policies.
//!
//! [`KubernetesScanner`] ties them together: built once, it scans any number of files, and
//! every finding points at the line of the field at fault.

mod checks;
mod document;
mod pss;
mod recognition;
mod user_policy;

use std::path::PathBuf;

use custody_model::{Misconfiguration, Severity};
use custody_policy::{PssLevel, PssPolicy, PssVersion};
use serde_json::Value;

use crate::Check;
use document::Object;
pub use recognition::is_kubernetes_manifest;
use user_policy::UserPolicies;
pub use user_policy::{PolicyLoadError, PolicyWarning};

/// `CKS000`: the file, or part of it, could not be read as Kubernetes objects.
static PARSE_PROBLEM: Check = Check {
    id: "CKS000",
    title: "Manifest could not be read completely",
    severity: Severity::Low,
    description: "Part of the file is not valid YAML or JSON, is not a Kubernetes object, \
        exceeds the parser's limits (size, depth, aliases), or the file is not UTF-8, so the \
        checks did not see all of it.",
    remediation: "Fix the syntax; `kubectl apply --dry-run=client -f FILE` reports the same \
        problems.",
    references: &["https://kubernetes.io/docs/concepts/overview/working-with-objects/"],
};

/// Every Kubernetes check, for documentation and check listings: `CKS000` (the file could
/// not be read completely), the `CKS` checks in id order, then the Pod Security Standards
/// checks (`PSS-*`, baseline first). User policies are not listed: they are findings of the
/// user's own rules.
pub fn kubernetes_checks() -> impl Iterator<Item = &'static Check> {
    std::iter::once(&PARSE_PROBLEM)
        .chain(checks::checks())
        .chain(pss::pss_checks())
}

/// What scanning one file found.
#[must_use = "findings that are not reported check nothing"]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KubernetesScan {
    /// Findings ordered by line, then by check id. Parts of the file that could not be read
    /// are `CKS000` findings, so they show in every report format.
    pub findings: Vec<Misconfiguration>,
    /// User policy rules that could not give a verdict on an object; never findings.
    pub warnings: Vec<PolicyWarning>,
}

/// Configures a [`KubernetesScanner`]: the Pod Security Standards level and version to
/// enforce, and the user policies to load.
#[derive(Debug, Clone)]
pub struct KubernetesScannerBuilder {
    level: PssLevel,
    version: PssVersion,
    policy_paths: Vec<PathBuf>,
}

impl KubernetesScannerBuilder {
    /// The Pod Security Standards level whose checks run (default
    /// [`PssLevel::Restricted`], which includes the baseline checks;
    /// [`PssLevel::Privileged`] runs none).
    #[must_use]
    pub fn pss_level(mut self, level: PssLevel) -> Self {
        self.level = level;
        self
    }

    /// The Kubernetes version whose Pod Security Standards apply (default
    /// [`PssVersion::LATEST`]).
    #[must_use]
    pub fn pss_version(mut self, version: PssVersion) -> Self {
        self.version = version;
        self
    }

    /// Adds a Kyverno policy file, or a directory of them (read recursively), whose validate
    /// rules run on every object.
    #[must_use]
    pub fn policy_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.policy_paths.push(path.into());
        self
    }

    /// Compiles the Pod Security Standards policy and loads the user policies, once.
    ///
    /// # Errors
    ///
    /// [`PolicyLoadError`] when a policy path cannot be read, holds invalid YAML or an
    /// invalid Kyverno policy (naming the file and line), or holds no policy at all.
    pub fn build(self) -> Result<KubernetesScanner, PolicyLoadError> {
        Ok(KubernetesScanner {
            pss: PssPolicy::builder(self.level).version(self.version).build(),
            policies: UserPolicies::load(&self.policy_paths)?,
        })
    }
}

/// Scans Kubernetes manifests: the Pod Security Standards, the `CKS` checks and user Kyverno
/// policies on every object of a file.
///
/// Built once and shared: [`KubernetesScanner::scan`] takes `&self` and does no I/O.
///
/// ```
/// use custody_misconfig::KubernetesScanner;
///
/// let manifest = "\
/// apiVersion: v1
/// kind: Pod
/// metadata:
///   name: web
/// spec:
///   containers:
///   - name: app
///     image: nginx:1.27
///     securityContext:
///       privileged: true
/// ";
/// let scan = KubernetesScanner::new().scan("deploy/web.yaml", manifest.as_bytes());
/// let privileged = scan
///     .findings
///     .iter()
///     .find(|finding| finding.id == "PSS-privileged")
///     .expect("a privileged container fails the baseline");
/// assert_eq!(privileged.line, 10);
/// assert_eq!(privileged.resource.as_deref(), Some("Pod/web"));
/// ```
#[derive(Debug, Clone)]
pub struct KubernetesScanner {
    pss: PssPolicy,
    policies: UserPolicies,
}

impl Default for KubernetesScanner {
    fn default() -> Self {
        Self::new()
    }
}

impl KubernetesScanner {
    /// A scanner enforcing the restricted Pod Security Standards of the latest version, with
    /// no user policies.
    pub fn new() -> Self {
        Self {
            pss: PssPolicy::builder(PssLevel::Restricted).build(),
            policies: UserPolicies::default(),
        }
    }

    /// Starts configuring a scanner: restricted, latest version, no user policies.
    pub fn builder() -> KubernetesScannerBuilder {
        KubernetesScannerBuilder {
            level: PssLevel::Restricted,
            version: PssVersion::LATEST,
            policy_paths: Vec::new(),
        }
    }

    /// Scans one manifest file (multi-document YAML or JSON, `List` objects, Helm output).
    ///
    /// `path` (target-relative, `/`-separated) is only recorded in findings and warnings.
    /// Every finding's line is the line of the field at fault, or of the nearest enclosing
    /// field that exists when the fault is a missing field. Unreadable parts of the file
    /// become `CKS000` findings and the rest is still checked; files over 16 MiB or not in
    /// UTF-8 yield only that finding.
    pub fn scan(&self, path: &str, text: &[u8]) -> KubernetesScan {
        let manifest = document::read(text);
        let mut scan = KubernetesScan {
            findings: manifest
                .problems
                .iter()
                .map(|problem| PARSE_PROBLEM.finding(path, problem.line, None, &problem.message))
                .collect(),
            warnings: Vec::new(),
        };
        for object in &manifest.objects {
            self.scan_object(path, object, &mut scan);
        }
        scan.findings
            .sort_by(|left, right| (left.line, &left.id).cmp(&(right.line, &right.id)));
        scan
    }

    fn scan_object(&self, path: &str, object: &Object, scan: &mut KubernetesScan) {
        let resource = resource_name(&object.value);
        let outcome = self.pss.evaluate(&object.value);
        let violations = outcome.violations();
        for violation in violations {
            let line = violation
                .paths
                .first()
                .map_or_else(|| object.first_line(), |field| object.line_of_path(field));
            scan.findings.push(pss::pss_check(violation.check).finding(
                path,
                line,
                resource.clone(),
                violation.to_string(),
            ));
        }
        let fired: Vec<&str> = violations
            .iter()
            .map(|violation| violation.check.as_str())
            .collect();
        for violation in checks::evaluate(&object.value) {
            if covered_by_pss(violation.check.id, &fired) {
                continue;
            }
            scan.findings.push(violation.check.finding(
                path,
                object.line_of_path(&violation.path),
                resource.clone(),
                violation.message,
            ));
        }
        self.policies.evaluate(
            path,
            object,
            resource.as_ref(),
            &mut scan.findings,
            &mut scan.warnings,
        );
    }
}

/// `CKS` checks and the Pod Security Standards checks that cover the same ground. When one of
/// the PSS checks fails on an object, the `CKS` finding would repeat it in other words, so only
/// the PSS finding is reported; at a PSS level that does not run them (`--pss-level
/// privileged` or `baseline` for restricted controls), the `CKS` checks report on their own.
/// (`bench/misconfig.sh` compares the `CKS` checks with Checkov at `--pss-level privileged`.)
const COVERED_BY_PSS: &[(&str, &[&str])] = &[
    ("CKS013", &["hostPathVolumes"]),
    ("CKS017", &["capabilities_restricted"]),
    (
        "CKS018",
        &["capabilities_baseline", "capabilities_restricted"],
    ),
    ("CKS020", &["allowPrivilegeEscalation"]),
    ("CKS021", &["runAsNonRoot"]),
    ("CKS023", &["privileged"]),
    ("CKS024", &["hostNamespaces"]),
    ("CKS025", &["hostNamespaces"]),
    ("CKS026", &["hostNamespaces"]),
    ("CKS027", &["hostPorts"]),
    (
        "CKS028",
        &["seccompProfile_baseline", "seccompProfile_restricted"],
    ),
    ("CKS029", &["appArmorProfile"]),
];

/// Whether a PSS check in `fired` covers the `CKS` check `id` (see [`COVERED_BY_PSS`]).
fn covered_by_pss(id: &str, fired: &[&str]) -> bool {
    COVERED_BY_PSS
        .iter()
        .find(|(cks, _)| *cks == id)
        .is_some_and(|(_, pss)| pss.iter().any(|check| fired.contains(check)))
}

/// `Kind/namespace/name`, or `Kind/name` without a namespace; `None` for an object without a
/// kind. A name given only as `generateName` is shown as that prefix.
fn resource_name(object: &Value) -> Option<String> {
    let kind = object["kind"].as_str().filter(|kind| !kind.is_empty())?;
    let metadata = &object["metadata"];
    let name = metadata["name"]
        .as_str()
        .or_else(|| metadata["generateName"].as_str())
        .unwrap_or_default();
    Some(match metadata["namespace"].as_str() {
        Some(namespace) if !namespace.is_empty() => format!("{kind}/{namespace}/{name}"),
        _ => format!("{kind}/{name}"),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn resources_are_named_kind_namespace_name() {
        let named = |object: Value| resource_name(&object);
        assert_eq!(
            named(json!({"kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}})),
            Some("Deployment/shop/web".to_owned())
        );
        assert_eq!(
            named(json!({"kind": "ClusterRole", "metadata": {"name": "admin"}})),
            Some("ClusterRole/admin".to_owned())
        );
        assert_eq!(
            named(json!({"kind": "Pod", "metadata": {"generateName": "job-"}})),
            Some("Pod/job-".to_owned())
        );
        assert_eq!(named(json!({"metadata": {"name": "x"}})), None);
    }

    #[test]
    fn scanners_are_shared_across_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<KubernetesScanner>();
        shareable::<KubernetesScan>();
    }

    #[test]
    fn check_ids_are_unique() {
        let mut ids: Vec<&str> = kubernetes_checks().map(|check| check.id).collect();
        let count = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }
}
