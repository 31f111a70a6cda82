//! Kubernetes manifest scanning: recognising manifests, reading them with positions, and
//! running the Pod Security Standards, the `CKS` checks and user Kyverno policies on each
//! object.

mod checks;
