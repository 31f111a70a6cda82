//! Pod Security Standards evaluation speed: one compliant and one violating Pod at the
//! restricted level (issue 6 target: restricted on one Pod under 5 µs median).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use custody_policy::{PssLevel, PssPolicy};
use serde_json::json;

fn restricted_pod(criterion: &mut Criterion) {
    let policy = PssPolicy::builder(PssLevel::Restricted).build();
    let compliant = json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default", "annotations": {"team": "web"}},
        "spec": {
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{
                "name": "app",
                "image": "registry.example/app:1",
                "ports": [{"containerPort": 8080}],
                "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}},
            }],
            "initContainers": [{
                "name": "init",
                "image": "registry.example/init:1",
                "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}},
            }],
            "volumes": [{"name": "config", "configMap": {"name": "web"}}],
        },
    });
    let violating = json!({
        "kind": "Pod",
        "metadata": {"name": "bad"},
        "spec": {
            "hostNetwork": true,
            "containers": [{"name": "app", "securityContext": {"privileged": true}}],
            "volumes": [{"name": "host", "hostPath": {"path": "/"}}],
        },
    });
    criterion.bench_function("pss_restricted_compliant_pod", |bencher| {
        bencher.iter(|| black_box(&policy).evaluate(black_box(&compliant)));
    });
    criterion.bench_function("pss_restricted_violating_pod", |bencher| {
        bencher.iter(|| black_box(&policy).evaluate(black_box(&violating)));
    });
    criterion.bench_function("pss_compile_restricted", |bencher| {
        bencher.iter(|| PssPolicy::builder(black_box(PssLevel::Restricted)).build());
    });
}

criterion_group!(benches, restricted_pod);
criterion_main!(benches);
