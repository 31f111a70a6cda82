//! Event sources: where events come from before rules see them.
//!
//! - [`k8s_audit`] reads Kubernetes audit events (`audit.k8s.io/v1` `Event`s and `EventList`s)
//!   from files and request bodies, counting what it cannot read instead of stopping.
//! - [`webhook`] is the HTTP(S) endpoint kube-apiserver's audit webhook backend posts to.

pub mod k8s_audit;
pub mod webhook;
