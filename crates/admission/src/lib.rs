//! The Kubernetes admission webhook server: kube-apiserver posts an `AdmissionReview` for each
//! request the webhook configurations select, and the server answers with the verdict of the
//! Kyverno-compatible policy engine of [`custody_policy`].
//!
//! # Overview
//!
//! - [`AdmissionRequest`] and [`AdmissionResponse`] are the `admission.k8s.io/v1` wire format.
//! - [`PolicySet`] holds the compiled `ClusterPolicy`/`Policy` objects, indexed by kind,
//!   operation and namespace, and reviews one request: `/validate` denies when an `Enforce`
//!   rule fails and warns for the rest; `/mutate` answers a JSON patch.
//! - [`Server`] serves both webhooks over HTTPS (rustls, certificate reloaded when its files
//!   change), with `/healthz`, `/readyz`, an internal deadline that fails closed, and a bound on
//!   concurrent registry lookups; [`Metrics`] are served in the Prometheus text format.
//! - [`manifests`] generates what installs the webhook in a cluster (`custody admission
//!   manifests`): the Deployment and its companions, a CA and serving certificate, and webhook
//!   configurations whose rules are narrowed to what the policies match.
//!
//! The crate prints nothing and reads no environment: `custody admission serve` takes the
//! options, sets up logging and runs the server. The policy engine itself is
//! [`custody_policy::kyverno`]; this crate only routes requests to it.
//!
//! # Example
//!
//! ```
//! use custody_admission::{AdmissionRequest, PolicySet, ReviewOptions, Webhook};
//! use serde_json::json;
//!
//! let policies = PolicySet::from_objects(&[json!({
//!     "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
//!     "metadata": {"name": "require-labels"},
//!     "spec": {"validationFailureAction": "Enforce", "rules": [{
//!         "name": "check-team",
//!         "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
//!         "validate": {"message": "label 'team' is required",
//!                      "pattern": {"metadata": {"labels": {"team": "?*"}}}},
//!     }]},
//! })])
//! .expect("a valid policy");
//! let body = json!({
//!     "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
//!     "request": {
//!         "uid": "0df28fbd", "kind": {"group": "", "version": "v1", "kind": "Pod"},
//!         "namespace": "default", "operation": "CREATE",
//!         "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}},
//!     },
//! });
//! let request = AdmissionRequest::parse(body.to_string().as_bytes()).expect("a valid review");
//! let response = policies.review(Webhook::Validate, &request, ReviewOptions::default());
//! assert!(!response.allowed);
//! assert!(response.status.expect("a status").message.starts_with("policy require-labels/check-team:"));
//! ```

mod error;
mod index;
pub mod manifests;
mod metrics;
mod patch;
mod policy_set;
mod review;
mod server;
mod tls;
mod verifier;

pub use error::Error;
pub use metrics::{Metrics, Verdict, Webhook};
pub use patch::diff;
pub use policy_set::{PolicySet, ReviewOptions};
pub use review::{
    API_VERSION, AdmissionRequest, AdmissionResponse, GroupVersionKind, GroupVersionResource,
    RequestUser, ResponseStatus, ReviewError,
};
pub use server::{
    DEFAULT_DEADLINE, DEFAULT_MAX_BODY_BYTES, DEFAULT_RELOAD_INTERVAL, PolicySlot, Server,
    ServerOptions,
};
pub use tls::ReloadingCertificate;
pub use verifier::{RegistryVerifier, VerifierOptions};
