//! How workloads are exposed (`CKS033`–`CKS036`): Services opened on every node or to the
//! internet, Ingresses without TLS, and NGINX Ingress snippet annotations.

use custody_model::Severity;
use serde_json::Value;

use super::pod::{deepest, elements, field, members, name};
use super::{Check, Object, Rule, Sink, rule};

/// The network rules, in id order.
pub(super) static RULES: [Rule; 4] = [
    rule(
        Check {
            id: "CKS033",
            title: "Service of type NodePort",
            severity: Severity::Low,
            description: "A NodePort Service listens on every node's address, outside network \
                policies and any load balancer's filtering, in a port range firewalls often \
                leave open.",
            remediation: "Use a ClusterIP Service behind an Ingress or Gateway, or a \
                LoadBalancer with `loadBalancerSourceRanges`.",
            references: &[
                "https://kubernetes.io/docs/concepts/services-networking/service/#type-nodeport",
            ],
        },
        node_port,
    ),
    rule(
        Check {
            id: "CKS034",
            title: "Service of type LoadBalancer open to any source",
            severity: Severity::Low,
            description: "A LoadBalancer Service gets an external address that, without \
                `loadBalancerSourceRanges`, accepts connections from anywhere. Services that \
                set source ranges pass.",
            remediation: "Set `spec.loadBalancerSourceRanges` to the networks that need access, \
                or expose the workload through an Ingress or Gateway.",
            references: &[
                "https://kubernetes.io/docs/concepts/services-networking/service/#loadbalancer",
                "https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/",
            ],
        },
        load_balancer,
    ),
    rule(
        Check {
            id: "CKS035",
            title: "Ingress without TLS",
            severity: Severity::Low,
            description: "An Ingress without a `tls` section serves its hosts over plain HTTP, \
                unless something in front of it terminates TLS.",
            remediation: "Add `spec.tls` with the hosts and the Secret holding their \
                certificate (cert-manager can issue it).",
            references: &["https://kubernetes.io/docs/concepts/services-networking/ingress/#tls"],
        },
        ingress_tls,
    ),
    rule(
        Check {
            id: "CKS036",
            title: "NGINX Ingress snippet annotation",
            severity: Severity::High,
            description: "Snippet annotations (`nginx.ingress.kubernetes.io/*-snippet`) paste raw \
                configuration into the ingress controller; anyone who can create an Ingress can \
                read the controller's credentials, which see every Secret of the cluster \
                (CVE-2021-25742, CVE-2025-1974). Checkov's CKV_K8S_153 reports any annotation \
                containing `snippet`; custody reports NGINX ones.",
            remediation: "Remove the snippet annotation and use the controller's dedicated \
                annotations, or keep `allow-snippet-annotations: false` in the controller.",
            references: &[
                "https://github.com/kubernetes/ingress-nginx/issues/7837",
                "https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/",
                "CKV_K8S_153",
            ],
        },
        nginx_snippet,
    ),
];

/// The type of a Service, if the object is one.
fn service_type<'a>(object: &Object<'a>) -> Option<&'a str> {
    (object.kind == "Service")
        .then(|| field(object.field("spec"), "type").as_str())
        .flatten()
}

fn node_port(object: &Object<'_>, sink: &mut Sink<'_>) {
    if service_type(object) == Some("NodePort") {
        sink.emit(
            "spec.type".to_owned(),
            format!(
                "Service {:?} is of type NodePort, open on every node's address",
                name(object.value)
            ),
        );
    }
}

fn load_balancer(object: &Object<'_>, sink: &mut Sink<'_>) {
    if service_type(object) != Some("LoadBalancer") {
        return;
    }
    let ranges = field(object.field("spec"), "loadBalancerSourceRanges");
    if elements(ranges).next().is_none() {
        sink.emit(
            "spec.type".to_owned(),
            format!(
                "Service {:?} is a LoadBalancer without loadBalancerSourceRanges",
                name(object.value)
            ),
        );
    }
}

fn ingress_tls(object: &Object<'_>, sink: &mut Sink<'_>) {
    if object.kind != "Ingress" {
        return;
    }
    if elements(field(object.field("spec"), "tls"))
        .next()
        .is_none()
    {
        sink.emit(
            deepest("", object.value, &["spec", "tls"])
                .trim_start_matches('.')
                .to_owned(),
            format!(
                "Ingress {:?} serves its hosts without TLS",
                name(object.value)
            ),
        );
    }
}

fn nginx_snippet(object: &Object<'_>, sink: &mut Sink<'_>) {
    if object.kind != "Ingress" {
        return;
    }
    for (key, value) in members(object.metadata("annotations")) {
        let Some((prefix, annotation)) = key.split_once('/') else {
            continue;
        };
        if prefix.contains("nginx") && annotation.contains("snippet") && value != &Value::Null {
            sink.emit(
                format!("metadata.annotations[{key}]"),
                format!(
                    "Ingress {:?} sets the snippet annotation {annotation}",
                    name(object.value)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    //! Per check, a failing and a passing hand-written manifest.

    use serde_json::json;

    use super::super::testing::{found, violations};

    #[test]
    fn cks033_node_port() {
        let object = json!({"kind": "Service", "metadata": {"name": "web"},
            "spec": {"type": "NodePort", "ports": [{"port": 80, "nodePort": 30080}]}});
        assert_eq!(
            violations("CKS033", &object),
            found(
                "spec.type",
                "Service \"web\" is of type NodePort, open on every node's address"
            )
        );
        let internal = json!({"kind": "Service", "spec": {"type": "ClusterIP"}});
        assert!(violations("CKS033", &internal).is_empty());
    }

    #[test]
    fn cks034_load_balancer() {
        let object = json!({"kind": "Service", "metadata": {"name": "web"},
            "spec": {"type": "LoadBalancer"}});
        assert_eq!(
            violations("CKS034", &object),
            found(
                "spec.type",
                "Service \"web\" is a LoadBalancer without loadBalancerSourceRanges"
            )
        );
        let restricted = json!({"kind": "Service", "spec": {"type": "LoadBalancer",
            "loadBalancerSourceRanges": ["10.0.0.0/8"]}});
        assert!(violations("CKS034", &restricted).is_empty());
    }

    #[test]
    fn cks035_ingress_tls() {
        let object = json!({"kind": "Ingress", "metadata": {"name": "web"},
            "spec": {"rules": [{"host": "shop.example.com"}]}});
        assert_eq!(
            violations("CKS035", &object),
            found("spec", "Ingress \"web\" serves its hosts without TLS")
        );
        let secure = json!({"kind": "Ingress", "spec": {"tls": [{"hosts": ["shop.example.com"],
            "secretName": "shop-tls"}]}});
        assert!(violations("CKS035", &secure).is_empty());
    }

    #[test]
    fn cks036_nginx_snippet() {
        let object = json!({"kind": "Ingress", "metadata": {"name": "web", "annotations": {
            "nginx.ingress.kubernetes.io/rewrite-target": "/",
            "nginx.ingress.kubernetes.io/configuration-snippet": "more_set_headers \"X: y\";",
        }}});
        assert_eq!(
            violations("CKS036", &object),
            found(
                "metadata.annotations[nginx.ingress.kubernetes.io/configuration-snippet]",
                "Ingress \"web\" sets the snippet annotation configuration-snippet"
            )
        );
        let plain = json!({"kind": "Ingress", "metadata": {"annotations":
            {"nginx.ingress.kubernetes.io/rewrite-target": "/"}}});
        assert!(violations("CKS036", &plain).is_empty());
    }
}
