//! Admission policy evaluation for Kubernetes objects, on plain [`serde_json::Value`] objects:
//! the Pod Security Standards, evaluated exactly as kubernetes/pod-security-admission does, and
//! a Kyverno-compatible engine for `ClusterPolicy`/`Policy` objects with Kyverno CLI tests
//! ([`kyverno`]).
//!
//! # Overview
//!
//! - [`PssPolicy`] is one compiled (level, version) pair of the Pod Security Standards: built
//!   once by [`PssPolicyBuilder`], then evaluated against any number of objects.
//! - [`PssPolicy::evaluate`] takes a Pod or a workload holding a pod template (`Deployment`,
//!   `ReplicaSet`, `StatefulSet`, `DaemonSet`, `Job`, `CronJob`, `ReplicationController`, `PodTemplate`) and
//!   returns a [`PssOutcome`]: allowed, denied with [`Violation`]s, or not applicable.
//! - [`CheckId`] names every upstream check (`privileged`, `capabilities_restricted`, ...), so
//!   callers such as Kyverno's `podSecurity` rule can exclude checks by id.
//!
//! - [`kyverno::policy::Policy`] reads a Kyverno policy (with its auto-generated rules);
//!   [`kyverno::engine::apply_all`] applies policies to one request as admission does.
//! - [`kyverno::test_suite::run`] runs a Kyverno CLI test file; [`manifest`] reads the
//!   multi-document YAML and JSON files every command takes.
//!
//! The crate prints nothing: the CLI (`custody policy pss|apply|test`) renders results, and the
//! admission server wraps verdicts into `AdmissionReview` responses. Only [`manifest`] and the
//! test runner read files.
//!
//! # Example
//!
//! ```
//! use custody_policy::{PssLevel, PssPolicy, PssVersion};
//!
//! let policy = PssPolicy::builder(PssLevel::Baseline).version(PssVersion::LATEST).build();
//! let pod = serde_json::json!({
//!     "kind": "Pod",
//!     "metadata": {"name": "web"},
//!     "spec": {"containers": [{"name": "app", "securityContext": {"privileged": true}}]},
//! });
//! let outcome = policy.evaluate(&pod);
//! let violations = outcome.violations();
//! assert_eq!(violations[0].check.as_str(), "privileged");
//! assert_eq!(violations[0].paths, ["spec.containers[0].securityContext.privileged"]);
//! ```

mod error;
pub mod kyverno;
pub mod manifest;
mod pss;

pub use error::Error;
pub use pss::{CheckId, PssLevel, PssOutcome, PssPolicy, PssPolicyBuilder, PssVersion, Violation};
