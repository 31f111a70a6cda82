//! Misconfiguration checks for the files that describe how software is built and deployed.
//!
//! Each scanner reads one file kind and returns
//! [`Misconfiguration`](custody_model::Misconfiguration)s, each made from a [`Check`] (id,
//! title, [`Severity`](custody_model::Severity), description, remediation, references) and
//! pointing at a line of the file:
//!
//! - [`scan_dockerfile`] runs the `CDF` checks ([`dockerfile_checks`]) on a Dockerfile:
//!   running as root, `:latest` base images, ADD misuse, `curl | sh`, secrets in ENV/ARG,
//!   apt/apk/pip hygiene and pinning, sudo, HEALTHCHECK, SSH, world-writable modes, relative
//!   WORKDIR, repeated CMD/ENTRYPOINT and in-build upgrades. [`is_dockerfile`] recognises
//!   Dockerfiles by name or content.
//! - [`KubernetesScanner`] runs the Pod Security Standards (`PSS-*`, through custody-policy's
//!   engine, at the level and version its [`KubernetesScannerBuilder`] sets), the `CKS` checks
//!   and users' Kyverno policies ([`KubernetesScannerBuilder::policy_path`]) on every object
//!   of a manifest file (multi-document YAML, JSON, `List`s, Helm output), each finding on the
//!   line of the field at fault. [`is_kubernetes_manifest`] recognises manifests by content;
//!   [`kubernetes_checks`] lists the checks. Helm charts are read as rendered
//!   (`helm template`) output; templates are not rendered here.
//!
//! Scanners take text, not paths: finding files in directories and image layers is
//! custody-inventory's job, and rendering findings (table, JSON, SARIF) is custody-cli's.
//! Hostile input never panics and is bounded; what cannot be parsed becomes a `CDF000` or
//! `CKS000` finding.
//!
//! # Example
//!
//! ```
//! use std::path::Path;
//!
//! use custody_misconfig::{is_dockerfile, scan_dockerfile};
//!
//! let text = "FROM python:latest\nRUN curl -fsSL https://example.com/install.sh | sh\n";
//! assert!(is_dockerfile(Path::new("build/app.Dockerfile"), text.as_bytes()));
//! let findings = scan_dockerfile("Dockerfile", text);
//! let ids: Vec<&str> = findings.iter().map(|finding| finding.id.as_str()).collect();
//! // Line 1: root (no USER), :latest, no HEALTHCHECK; line 2: the pipe into sh.
//! assert_eq!(ids, ["CDF001", "CDF002", "CDF012", "CDF005"]);
//! assert_eq!(findings[3].line, 2);
//! ```

mod check;
mod dockerfile;
mod kubernetes;

pub use check::Check;
pub use dockerfile::{dockerfile_checks, is_dockerfile, scan_dockerfile};
pub use kubernetes::{
    KubernetesScan, KubernetesScanner, KubernetesScannerBuilder, PolicyLoadError, PolicyWarning,
    is_kubernetes_manifest, kubernetes_checks,
};
