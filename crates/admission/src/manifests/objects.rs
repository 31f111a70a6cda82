//! The Kubernetes objects that install the webhook, built as [`serde_json::Value`]s from the
//! settled [`Plan`].
//!
//! Every choice that a reviewer would question is explained next to the field:
//! - the Namespace enforces the restricted Pod Security Standards, and the webhooks exempt it,
//!   so the webhook's own pods never wait for themselves;
//! - the pods run as UID 65532 with a read-only root filesystem, no capabilities, no privilege
//!   escalation, the runtime's seccomp profile and no service account token: the server needs
//!   no Kubernetes API access (policies and certificates come from volumes);
//! - three replicas spread over nodes (preferred anti-affinity: a one-node cluster still
//!   schedules them), a `PodDisruptionBudget` allowing one voluntary disruption, and rolling
//!   updates that never remove a ready pod before its replacement is ready, because with
//!   `failurePolicy: Fail` an unreachable webhook blocks every matching request;
//! - a pod annotation holds the digest of the policies and certificate, so applying
//!   regenerated manifests rolls the pods (the server compiles policies once, at start).

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use super::certificates::TlsMaterial;
use super::rules::{Webhook, WebhookRules};

/// The UID and GID the server runs as: the conventional `nonroot` user of distroless images,
/// above 10000 so it never collides with a host user (custody's check `CKS022`).
const RUN_AS: u32 = 65532;

/// The container port of the webhook; the Service maps 443 to it.
const WEBHOOK_PORT: u16 = 8443;

/// The container port of the plain-HTTP `/metrics` listener.
const METRICS_PORT: u16 = 9090;

/// Where the policies `ConfigMap` is mounted.
const POLICIES_DIR: &str = "/policies";

/// Where the TLS Secret is mounted.
const TLS_DIR: &str = "/tls";

/// The pod annotation that changes whenever policies or certificates do.
const CONFIG_DIGEST_ANNOTATION: &str = "custody/config-sha256";

/// Everything the objects are built from, validated.
#[derive(Debug)]
pub(super) struct Plan<'a> {
    pub(super) namespace: &'a str,
    pub(super) service_name: &'a str,
    pub(super) image: &'a str,
    pub(super) pinned: bool,
    pub(super) replicas: u16,
    pub(super) timeout_seconds: u8,
    pub(super) tls: &'a TlsMaterial,
    pub(super) policies: &'a BTreeMap<String, String>,
    pub(super) validating: &'a WebhookRules,
    pub(super) mutating: &'a WebhookRules,
}

impl Plan<'_> {
    /// The objects in the order `kubectl apply` should create them: the webhook
    /// configurations last, once what they point at exists.
    pub(super) fn objects(&self) -> Vec<Value> {
        let mut objects = vec![
            self.namespace_object(),
            self.service_account(),
            self.tls_secret(),
            self.policies_config_map(),
            self.service(),
            self.deployment(),
            self.disruption_budget(),
        ];
        if !self.validating.is_empty() {
            objects.push(self.webhook_configuration(Webhook::Validating));
        }
        if !self.mutating.is_empty() {
            objects.push(self.webhook_configuration(Webhook::Mutating));
        }
        objects
    }

    /// Labels on every object, and the pods' selector (name and instance).
    fn labels(&self) -> Value {
        json!({
            "app.kubernetes.io/name": "custody",
            "app.kubernetes.io/instance": self.service_name,
            "app.kubernetes.io/component": "admission-webhook",
            "app.kubernetes.io/part-of": "custody",
            "app.kubernetes.io/managed-by": "custody",
            "app.kubernetes.io/version": env!("CARGO_PKG_VERSION"),
        })
    }

    fn selector(&self) -> Value {
        json!({
            "app.kubernetes.io/name": "custody",
            "app.kubernetes.io/instance": self.service_name,
        })
    }

    fn metadata(&self, name: &str) -> Value {
        json!({"name": name, "namespace": self.namespace, "labels": self.labels()})
    }

    fn secret_name(&self) -> String {
        format!("{}-tls", self.service_name)
    }

    fn config_map_name(&self) -> String {
        format!("{}-policies", self.service_name)
    }

    fn namespace_object(&self) -> Value {
        let mut labels = self.labels();
        // The namespace holds only the webhook, which meets the restricted level; enforcing it
        // here also covers this namespace, which the webhooks exempt.
        for mode in ["enforce", "audit", "warn"] {
            labels[format!("pod-security.kubernetes.io/{mode}")] = json!("restricted");
            labels[format!("pod-security.kubernetes.io/{mode}-version")] = json!("latest");
        }
        json!({
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": self.namespace, "labels": labels},
        })
    }

    fn service_account(&self) -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "ServiceAccount",
            "metadata": self.metadata(self.service_name),
            // The server calls no Kubernetes API.
            "automountServiceAccountToken": false,
        })
    }

    fn tls_secret(&self) -> Value {
        let encode = |pem: &str| STANDARD.encode(pem);
        json!({
            "apiVersion": "v1",
            "kind": "Secret",
            "metadata": self.metadata(&self.secret_name()),
            "type": "kubernetes.io/tls",
            "data": {
                "ca.crt": encode(&self.tls.ca_certificate),
                "tls.crt": encode(&self.tls.certificate),
                "tls.key": encode(&self.tls.private_key),
            },
        })
    }

    fn policies_config_map(&self) -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "ConfigMap",
            "metadata": self.metadata(&self.config_map_name()),
            "data": self.policies,
        })
    }

    fn service(&self) -> Value {
        json!({
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": self.metadata(self.service_name),
            "spec": {
                "type": "ClusterIP",
                "selector": self.selector(),
                "ports": [{"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"}],
            },
        })
    }

    /// The digest of what the pods load at start: policies, then the serving certificate.
    fn config_digest(&self) -> String {
        let mut hasher = Sha256::new();
        for (key, text) in self.policies {
            hasher.update(key.as_bytes());
            hasher.update([0]);
            hasher.update(text.as_bytes());
            hasher.update([0]);
        }
        hasher.update(self.tls.certificate.as_bytes());
        hex::encode(hasher.finalize())
    }

    fn deployment(&self) -> Value {
        let https_probe = |path: &str, period: u8, failures: u8| {
            json!({
                "httpGet": {"path": path, "port": "https", "scheme": "HTTPS"},
                "periodSeconds": period,
                "timeoutSeconds": 2,
                "failureThreshold": failures,
            })
        };
        let container = json!({
            "name": "custody",
            "image": self.image,
            // A digest names immutable content, so a cached copy is the same image; a tag may
            // move, so it is pulled each time (custody's check `CKS007`).
            "imagePullPolicy": if self.pinned { "IfNotPresent" } else { "Always" },
            "command": ["custody"],
            "args": self.server_args(),
            "ports": [
                {"name": "https", "containerPort": WEBHOOK_PORT, "protocol": "TCP"},
                {"name": "metrics", "containerPort": METRICS_PORT, "protocol": "TCP"},
            ],
            "livenessProbe": https_probe("/healthz", 10, 3),
            "readinessProbe": https_probe("/readyz", 5, 2),
            // BENCHMARKS.md ("Admission webhook"): 54–57 MiB, flat, while answering 25,000
            // reviews/s on two cores (the evaluation pool is bounded); the memory limit leaves
            // room for the cache of verified images (at most 10,000 entries per cache). One
            // core serves well over 1,000 reviews/s, so the CPU limit bounds a noisy neighbour,
            // not the webhook's latency.
            "resources": {
                "requests": {"cpu": "100m", "memory": "128Mi"},
                "limits": {"cpu": "1", "memory": "512Mi"},
            },
            "securityContext": {
                "allowPrivilegeEscalation": false,
                "readOnlyRootFilesystem": true,
                "runAsNonRoot": true,
                "runAsUser": RUN_AS,
                "runAsGroup": RUN_AS,
                "capabilities": {"drop": ["ALL"]},
                "seccompProfile": {"type": "RuntimeDefault"},
            },
            "volumeMounts": [
                {"name": "policies", "mountPath": POLICIES_DIR, "readOnly": true},
                {"name": "tls", "mountPath": TLS_DIR, "readOnly": true},
            ],
        });
        json!({
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": self.metadata(self.service_name),
            "spec": {
                "replicas": self.replicas,
                "selector": {"matchLabels": self.selector()},
                "strategy": {
                    "type": "RollingUpdate",
                    "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0},
                },
                "template": {
                    "metadata": {
                        "labels": self.labels(),
                        "annotations": {CONFIG_DIGEST_ANNOTATION: self.config_digest()},
                    },
                    "spec": {
                        "serviceAccountName": self.service_name,
                        "automountServiceAccountToken": false,
                        "enableServiceLinks": false,
                        "securityContext": {
                            "runAsNonRoot": true,
                            "runAsUser": RUN_AS,
                            "runAsGroup": RUN_AS,
                            // Makes the Secret's files (mode 0440) readable by the server.
                            "fsGroup": RUN_AS,
                            "seccompProfile": {"type": "RuntimeDefault"},
                        },
                        "affinity": {"podAntiAffinity": {
                            "preferredDuringSchedulingIgnoredDuringExecution": [{
                                "weight": 100,
                                "podAffinityTerm": {
                                    "topologyKey": "kubernetes.io/hostname",
                                    "labelSelector": {"matchLabels": self.selector()},
                                },
                            }],
                        }},
                        "containers": [container],
                        "volumes": [
                            {"name": "policies", "configMap": {"name": self.config_map_name()}},
                            {"name": "tls", "secret": {
                                "secretName": self.secret_name(),
                                "defaultMode": 0o440,
                            }},
                        ],
                    },
                },
            },
        })
    }

    /// `custody admission serve` as the pods run it.
    fn server_args(&self) -> Vec<String> {
        let mut args: Vec<String> = [
            "admission",
            "serve",
            "--policies",
            POLICIES_DIR,
            "--tls-cert",
            "/tls/tls.crt",
            "--tls-key",
            "/tls/tls.key",
        ]
        .map(str::to_owned)
        .to_vec();
        args.extend([
            "--listen".to_owned(),
            format!("0.0.0.0:{WEBHOOK_PORT}"),
            "--metrics-listen".to_owned(),
            format!("0.0.0.0:{METRICS_PORT}"),
            "--deadline".to_owned(),
            format!("{}ms", self.deadline_ms()),
        ]);
        args
    }

    /// The server's internal deadline: four fifths of the webhook timeout (8 s of 10 s, the
    /// server's own default), so the server's fail-closed answer, with its message, arrives
    /// before the API server gives up and applies the failure policy with a generic error.
    fn deadline_ms(&self) -> u32 {
        u32::from(self.timeout_seconds) * 800
    }

    fn disruption_budget(&self) -> Value {
        json!({
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": self.metadata(self.service_name),
            "spec": {
                // One node drained at a time keeps the other replicas answering.
                "maxUnavailable": 1,
                "selector": {"matchLabels": self.selector()},
            },
        })
    }

    fn webhook_configuration(&self, webhook: Webhook) -> Value {
        let (kind, prefix, path, rules) = match webhook {
            Webhook::Validating => (
                "ValidatingWebhookConfiguration",
                "validate",
                "/validate",
                self.validating,
            ),
            Webhook::Mutating => (
                "MutatingWebhookConfiguration",
                "mutate",
                "/mutate",
                self.mutating,
            ),
        };
        let mut entry = json!({
            "name": format!("{prefix}.{}.{}.svc", self.service_name, self.namespace),
            "admissionReviewVersions": ["v1"],
            "clientConfig": {
                "service": {
                    "name": self.service_name,
                    "namespace": self.namespace,
                    "path": path,
                    "port": 443,
                },
                "caBundle": STANDARD.encode(&self.tls.ca_certificate),
            },
            "rules": rules.to_json(),
            // Fail closed: a request the webhook cannot judge is refused.
            "failurePolicy": "Fail",
            // Requests in other versions of a kind are converted to the registered one.
            "matchPolicy": "Equivalent",
            "sideEffects": "None",
            "timeoutSeconds": self.timeout_seconds,
            "namespaceSelector": {"matchExpressions": [{
                "key": "kubernetes.io/metadata.name",
                "operator": "NotIn",
                "values": ["kube-system", self.namespace],
            }]},
        });
        if webhook == Webhook::Mutating {
            // Called again when a later webhook changes the object (an image rewritten after
            // custody saw it), as Kyverno registers its own.
            entry["reinvocationPolicy"] = json!("IfNeeded");
        }
        json!({
            "apiVersion": "admissionregistration.k8s.io/v1",
            "kind": kind,
            "metadata": {
                "name": format!("{}.{}", self.service_name, self.namespace),
                "labels": self.labels(),
            },
            "webhooks": [entry],
        })
    }
}
