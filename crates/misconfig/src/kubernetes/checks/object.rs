//! Where an object lives and what it runs (`CKS030`–`CKS032`): the default namespace, and
//! well-known software with a history of cluster takeovers (Helm v2's Tiller, the Kubernetes
//! dashboard), recognised by image and label the way Checkov does.

use custody_model::Severity;

use super::container::ImageReference;
use super::pod::{List, name};
use super::{Check, Object, Rule, Sink, rule};

/// The object rules, in id order.
pub(super) static RULES: [Rule; 3] = [
    rule(
        Check {
            id: "CKS030",
            title: "Object in the default namespace",
            severity: Severity::Low,
            description: "Objects in `default` (or with no namespace, which `kubectl apply` \
                puts in `default` unless told otherwise) share it with everything else deployed \
                carelessly, so RBAC, network policies and quotas cannot separate them. The \
                `default` ServiceAccount and the `kubernetes` Service, which Kubernetes itself \
                creates there, pass.",
            remediation: "Set `metadata.namespace` to a namespace of the application's own.",
            references: &[
                "https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/",
                "CKV_K8S_21",
                "https://avd.aquasec.com/misconfig/ksv110",
            ],
        },
        default_namespace,
    ),
    rule(
        Check {
            id: "CKS031",
            title: "Tiller (Helm v2) deployed",
            severity: Severity::High,
            description: "Tiller, the server side of Helm v2, is unmaintained since 2020 and by \
                default serves an unauthenticated gRPC API with cluster-admin rights to every \
                pod in the cluster. Recognised by a `tiller` image or the `app: helm` / \
                `name: tiller` labels.",
            remediation: "Remove Tiller and migrate to Helm 3, which needs no server component.",
            references: &[
                "https://helm.sh/docs/faq/changes_since_helm2/#removal-of-tiller",
                "CKV_K8S_34",
            ],
        },
        tiller,
    ),
    rule(
        Check {
            id: "CKS032",
            title: "Kubernetes dashboard deployed",
            severity: Severity::Medium,
            description: "The Kubernetes dashboard has been the entry point of cryptomining \
                takeovers when exposed with broad rights. Recognised by its `kubernetesui` / \
                `kubernetes-dashboard` images or labels.",
            remediation: "Remove the dashboard, or run it with a minimal ServiceAccount behind \
                authentication and never expose it publicly.",
            references: &[
                "https://kubernetes.io/docs/tasks/access-application-cluster/web-ui-dashboard/",
                "CKV_K8S_33",
            ],
        },
        dashboard,
    ),
];

/// The namespaced kinds whose namespace [`default_namespace`] checks: the workload, config,
/// networking and namespaced RBAC kinds. Cluster-scoped and unknown kinds (custom resources
/// may be either) are not checked.
const NAMESPACED_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
    "CronJob",
    "PodTemplate",
    "Service",
    "Ingress",
    "NetworkPolicy",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "Role",
    "RoleBinding",
    "PersistentVolumeClaim",
    "PodDisruptionBudget",
    "HorizontalPodAutoscaler",
];

fn default_namespace(object: &Object<'_>, sink: &mut Sink<'_>) {
    if !NAMESPACED_KINDS.contains(&object.kind) {
        return;
    }
    let object_name = name(object.value);
    if matches!(
        (object.kind, object_name),
        ("ServiceAccount", "default") | ("Service", "kubernetes")
    ) {
        return;
    }
    let kind = object.kind;
    match object.metadata("namespace") {
        serde_json::Value::String(namespace) if namespace != "default" => {}
        serde_json::Value::String(_) => sink.emit(
            "metadata.namespace".to_owned(),
            format!("{kind} {object_name:?} is in the default namespace"),
        ),
        _ => sink.emit(
            if object.field("metadata").is_object() {
                "metadata".to_owned()
            } else {
                String::new()
            },
            format!(
                "{kind} {object_name:?} sets no namespace, so it lands in the default \
                 namespace unless applied with one"
            ),
        ),
    }
}

/// Reports containers whose image repository contains one of `markers`, and pods carrying one
/// of the `labels` (key, value), as running `software`.
fn software(
    object: &Object<'_>,
    sink: &mut Sink<'_>,
    markers: &[&str],
    labels: &[(&str, &str)],
    software: &str,
) {
    let Some(pod) = object.pod else {
        return;
    };
    for container in pod.containers(List::ALL) {
        let Some(image) = container.image() else {
            continue;
        };
        let repository = ImageReference::parse(image).repository;
        if markers.iter().any(|marker| repository.contains(marker)) {
            sink.emit(
                container.path("image"),
                format!("{container} runs {software} (image {image:?})"),
            );
        }
    }
    for (key, wanted) in labels {
        if pod.label(key) == Some(wanted) {
            sink.emit(
                pod.metadata_path("labels", key),
                format!("the pod is labelled {key}={wanted}, as {software} is"),
            );
        }
    }
}

fn tiller(object: &Object<'_>, sink: &mut Sink<'_>) {
    software(
        object,
        sink,
        &["tiller"],
        &[("app", "helm"), ("name", "tiller")],
        "Tiller",
    );
}

fn dashboard(object: &Object<'_>, sink: &mut Sink<'_>) {
    software(
        object,
        sink,
        &["kubernetes-dashboard", "kubernetesui/"],
        &[
            ("app", "kubernetes-dashboard"),
            ("k8s-app", "kubernetes-dashboard"),
        ],
        "the Kubernetes dashboard",
    );
}

#[cfg(test)]
mod tests {
    //! Per check, a failing and a passing hand-written manifest.

    use serde_json::json;

    use super::super::testing::{found, violations};

    #[test]
    fn cks030_default_namespace() {
        let explicit =
            json!({"kind": "Service", "metadata": {"name": "web", "namespace": "default"}});
        assert_eq!(
            violations("CKS030", &explicit),
            found(
                "metadata.namespace",
                "Service \"web\" is in the default namespace"
            )
        );
        let missing = json!({"kind": "ConfigMap", "metadata": {"name": "settings"}});
        assert_eq!(
            violations("CKS030", &missing),
            found(
                "metadata",
                "ConfigMap \"settings\" sets no namespace, so it lands in the default namespace \
                 unless applied with one"
            )
        );
        for object in [
            json!({"kind": "Service", "metadata": {"name": "web", "namespace": "shop"}}),
            json!({"kind": "ServiceAccount", "metadata": {"name": "default"}}),
            json!({"kind": "ClusterRole", "metadata": {"name": "reader"}}),
        ] {
            assert!(violations("CKS030", &object).is_empty(), "{object}");
        }
    }

    #[test]
    fn cks031_tiller() {
        let object = json!({"kind": "Deployment", "metadata": {"namespace": "kube-system"},
            "spec": {"template": {"metadata": {"labels": {"app": "helm", "name": "tiller"}},
            "spec": {"containers": [{"name": "tiller",
                "image": "gcr.io/kubernetes-helm/tiller:v2.16.12"}]}}}});
        assert_eq!(
            violations("CKS031", &object),
            [
                (
                    "spec.template.spec.containers[0].image".to_owned(),
                    "container \"tiller\" runs Tiller (image \"gcr.io/kubernetes-helm/tiller:v2.16.12\")"
                        .to_owned()
                ),
                (
                    "spec.template.metadata.labels[app]".to_owned(),
                    "the pod is labelled app=helm, as Tiller is".to_owned()
                ),
                (
                    "spec.template.metadata.labels[name]".to_owned(),
                    "the pod is labelled name=tiller, as Tiller is".to_owned()
                ),
            ]
        );
        let helm3 = json!({"kind": "Pod", "spec": {"containers": [{"image": "alpine/helm:3.14"}]}});
        assert!(violations("CKS031", &helm3).is_empty());
    }

    #[test]
    fn cks032_dashboard() {
        let object = json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers":
            [{"name": "ui", "image": "docker.io/kubernetesui/dashboard:v2.7.0"}]}}}});
        assert_eq!(
            violations("CKS032", &object),
            found(
                "spec.template.spec.containers[0].image",
                "container \"ui\" runs the Kubernetes dashboard (image \
                 \"docker.io/kubernetesui/dashboard:v2.7.0\")"
            )
        );
        let other = json!({"kind": "Pod", "metadata": {"labels": {"app": "grafana"}},
            "spec": {"containers": [{"image": "grafana/grafana:11"}]}});
        assert!(violations("CKS032", &other).is_empty());
    }
}
