//! Admission review speed (issue 9 target: policy evaluation p99 under 1 ms): a Pod CREATE
//! review parsed from its `AdmissionReview` body and reviewed on `/validate` against every
//! pod-security `ClusterPolicy` of the Kyverno corpus (baseline, restricted and the
//! `podSecurity` subrule policies, switched to Enforce), for a compliant Pod and one that
//! violates several checks; and a `ConfigMap` no policy selects, which the index answers without
//! evaluation.
//!
//! Reads the policies from `CUSTODY_CONFORMANCE_DIR` (default `../shared/conformance`).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use custody_admission::{AdmissionRequest, PolicySet, ReviewOptions, Webhook};
use custody_policy::manifest::{collect_files, read_objects};
use serde_json::{Value, json};

/// The cluster policies under `kyverno/pod-security`, tests and kustomizations left out.
fn pod_security_policies() -> Vec<Value> {
    let root = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
        PathBuf::from,
    );
    let folder = root.join("kyverno/pod-security");
    let mut files = Vec::new();
    collect_files(&folder, &mut files).expect("the corpus is readable");
    let policies: Vec<Value> = files
        .iter()
        .filter(|file| {
            let relative = file.strip_prefix(&folder).unwrap_or(file).to_string_lossy();
            !relative.contains("/.") && !relative.ends_with("kustomization.yaml")
        })
        .flat_map(|file| read_objects(file).expect("a readable policy"))
        .filter(|object| object["kind"] == "ClusterPolicy")
        .map(|mut object| {
            object["spec"]["validationFailureAction"] = json!("Enforce");
            object
        })
        .collect();
    assert!(
        policies.len() >= 20,
        "only {} policies under {}",
        policies.len(),
        folder.display()
    );
    policies
}

/// The body kube-apiserver posts for creating `object` in namespace `shop`.
fn body(object: &Value) -> Vec<u8> {
    let kind = object["kind"].as_str().expect("a kind");
    json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "b7c6a3e2-1f0c-4c5e-9f39-5d1f7f0a8c11",
            "kind": {"group": "", "version": "v1", "kind": kind},
            "resource": {"group": "", "version": "v1", "resource": format!("{}s", kind.to_lowercase())},
            "namespace": "shop", "operation": "CREATE",
            "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller",
                         "groups": ["system:serviceaccounts", "system:authenticated"]},
            "object": object, "oldObject": null, "dryRun": false,
        },
    })
    .to_string()
    .into_bytes()
}

fn compliant_pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web-7d4b9c-x2x7k", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{
                "name": "app", "image": "ghcr.io/shop/web:1.4.2",
                "ports": [{"containerPort": 8080}],
                "securityContext": {"allowPrivilegeEscalation": false,
                                    "capabilities": {"drop": ["ALL"]}},
            }],
        },
    })
}

fn violating_pod() -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "debug", "namespace": "shop"},
        "spec": {
            "hostNetwork": true,
            "containers": [{
                "name": "shell", "image": "busybox:1.36",
                "securityContext": {"privileged": true, "capabilities": {"add": ["SYS_ADMIN"]}},
            }],
        },
    })
}

fn review(criterion: &mut Criterion) {
    let policies = PolicySet::from_objects(&pod_security_policies()).expect("policies compile");
    let config_map = json!({"apiVersion": "v1", "kind": "ConfigMap",
                            "metadata": {"name": "settings"}, "data": {"a": "b"}});
    for (name, object, allowed) in [
        ("compliant_pod", compliant_pod(), true),
        ("violating_pod", violating_pod(), false),
        ("unselected_configmap", config_map, true),
    ] {
        let body = body(&object);
        let request = AdmissionRequest::parse(&body).expect("a valid review");
        let response = policies.review(Webhook::Validate, &request, ReviewOptions::default());
        assert_eq!(response.allowed, allowed, "{name}: {response:?}");
        criterion.bench_function(&format!("validate_{name}"), |bencher| {
            bencher.iter(|| {
                let request = AdmissionRequest::parse(black_box(&body)).expect("a valid review");
                let response =
                    policies.review(Webhook::Validate, &request, ReviewOptions::default());
                black_box(response.into_review().to_string())
            });
        });
    }
}

criterion_group!(benches, review);
criterion_main!(benches);
