//! Kyverno engine speed and memory (issue 6 targets): the pod-security cluster policies of the
//! Kyverno corpus (baseline, restricted and the podSecurity subrule policies) applied to one
//! Deployment, median under 50 µs; resident memory flat across 100k evaluations.
//!
//! Reads the policies from `CUSTODY_CONFORMANCE_DIR` (default `../shared/conformance`).

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};
use custody_policy::kyverno::context::Values;
use custody_policy::kyverno::engine::{self, Request};
use custody_policy::kyverno::matching::{Operation, UserInfo};
use custody_policy::kyverno::policy::Policy;
use custody_policy::manifest::{collect_files, read_objects};
use serde_json::{Value, json};

/// The cluster policies under `kyverno/pod-security`, tests and kustomizations left out.
fn pod_security_policies() -> Vec<Policy> {
    let root = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
        PathBuf::from,
    );
    let folder = root.join("kyverno/pod-security");
    let mut files = Vec::new();
    collect_files(&folder, &mut files).expect("the corpus is readable");
    let policies: Vec<Policy> = files
        .iter()
        .filter(|file| {
            let relative = file.strip_prefix(&folder).unwrap_or(file).to_string_lossy();
            !relative.contains("/.") && !relative.ends_with("kustomization.yaml")
        })
        .flat_map(|file| read_objects(file).expect("a readable policy"))
        .filter(|object| object["kind"] == "ClusterPolicy")
        .map(|object| Policy::from_value(&object).expect("a valid policy"))
        .collect();
    assert!(
        policies.len() >= 20,
        "only {} policies under {}",
        policies.len(),
        folder.display()
    );
    policies
}

/// A Deployment that the restricted profile admits.
fn deployment() -> Value {
    json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": {
                    "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [{
                        "name": "app",
                        "image": "registry.example/web:1.4.2",
                        "ports": [{"containerPort": 8080}],
                        "securityContext": {
                            "allowPrivilegeEscalation": false,
                            "capabilities": {"drop": ["ALL"]},
                            "runAsUser": 1000,
                        },
                    }],
                    "volumes": [{"name": "config", "configMap": {"name": "web"}}],
                },
            },
        },
    })
}

fn apply_all(policies: &[Policy], request: &Request<'_>) -> usize {
    engine::apply_all(policies, request)
        .iter()
        .map(|response| response.rules.len())
        .sum()
}

/// Resident set size in KiB, from `/proc/self/status`.
fn resident_kib() -> u64 {
    fs_err::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmRSS:"))
                .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[expect(
    clippy::print_stderr,
    reason = "the benchmark reports resident memory beside criterion's timings"
)]
fn pod_security_on_deployment(criterion: &mut Criterion) {
    let policies = pod_security_policies();
    let deployment = deployment();
    let user = UserInfo::default();
    let labels = BTreeMap::new();
    let values = Values::default();
    let request = Request {
        resource: &deployment,
        old_resource: None,
        operation: Operation::Create,
        user: &user,
        namespace_labels: &labels,
        values: &values,
    };
    let rules = apply_all(&policies, &request);
    eprintln!(
        "{} pod-security policies, {rules} rule responses per Deployment",
        policies.len()
    );

    // Memory: resident size after 10k and after 100k evaluations of every policy.
    for round in 1..=100_000 {
        black_box(apply_all(&policies, &request));
        if round == 10_000 {
            eprintln!("resident after 10k evaluations: {} KiB", resident_kib());
        }
    }
    eprintln!("resident after 100k evaluations: {} KiB", resident_kib());

    criterion.bench_function("kyverno_pod_security_policies_on_deployment", |bencher| {
        bencher.iter(|| apply_all(black_box(&policies), black_box(&request)));
    });
}

criterion_group!(benches, pod_security_on_deployment);
criterion_main!(benches);
