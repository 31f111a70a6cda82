//! `custody admission manifests` end to end: the YAML on stdout, notes on stderr, the printed
//! manifests passing `custody scan`'s misconfiguration checks, errors, and help. What each
//! object holds is proven in custody-admission's tests (tests/it/manifests.rs).

use serde_json::Value;

use crate::common::{TestContext, assert_success, conformance};
use crate::help::help;

const IMAGE: &str = "registry.example/custody@sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

fn kinds(documents: &[Value]) -> Vec<&str> {
    documents
        .iter()
        .map(|document| document["kind"].as_str().unwrap())
        .collect()
}

#[test]
fn prints_installable_yaml_that_passes_custodys_own_scan() {
    let context = TestContext::new();
    let policy = conformance("kyverno").join("other/verify-image/verify-image.yaml");
    let output = context.run(&[
        "admission",
        "manifests",
        "--namespace",
        "custody-system",
        "--image",
        IMAGE,
        "--policies",
        policy.to_str().unwrap(),
        "--timeout-seconds",
        "5",
    ]);
    assert_success(&output);
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "",
        "a pinned image needs no note"
    );
    let text = String::from_utf8(output.stdout).unwrap();
    let documents: Vec<Value> = serde_saphyr::from_multiple(&text).unwrap();
    assert_eq!(
        kinds(&documents),
        [
            "Namespace",
            "ServiceAccount",
            "Secret",
            "ConfigMap",
            "Service",
            "Deployment",
            "PodDisruptionBudget",
            "ValidatingWebhookConfiguration",
            "MutatingWebhookConfiguration",
        ]
    );
    for webhook in documents
        .iter()
        .filter_map(|document| document["webhooks"].get(0))
    {
        assert_eq!(webhook["timeoutSeconds"], 5);
    }

    let deploy = context.path("deploy");
    fs_err::create_dir(&deploy).unwrap();
    fs_err::write(deploy.join("install.yaml"), &text).unwrap();
    let target = format!("dir:{}", deploy.display());
    let scan = context.run(&[
        "scan",
        &target,
        "--scanners",
        "misconfig",
        "--format",
        "json",
        "--exit-code",
        "1",
    ]);
    assert_success(&scan);
    let report: Value = serde_json::from_slice(&scan.stdout).unwrap();
    let findings = report.to_string();
    assert!(
        !findings.contains("CKS") && !findings.contains("PSS-"),
        "{findings}"
    );
}

#[test]
fn an_unpinned_image_is_noted_on_stderr_unless_quiet() {
    let context = TestContext::new();
    let output = context.run(&["admission", "manifests", "-n", "custody-system"]);
    assert_success(&output);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("warning: image `custody:")
            && stderr.contains("is not pinned by digest")
            && stderr.contains("CKS006"),
        "{stderr}"
    );
    let documents: Vec<Value> =
        serde_saphyr::from_multiple(&String::from_utf8(output.stdout).unwrap()).unwrap();
    assert_eq!(
        kinds(&documents).last(),
        Some(&"ValidatingWebhookConfiguration"),
        "the built-in policy only validates"
    );

    let quiet = context.run(&["admission", "manifests", "-n", "custody-system", "--quiet"]);
    assert_success(&quiet);
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
}

#[test]
fn bad_options_exit_2_naming_the_problem() {
    let context = TestContext::new();
    let reserved = context.run(&["admission", "manifests", "-n", "kube-system"]);
    assert_eq!(reserved.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&reserved.stderr);
    assert!(
        stderr.contains("namespace `kube-system` is reserved"),
        "{stderr}"
    );
    assert!(reserved.stdout.is_empty(), "nothing half-printed");

    let missing = context.path("missing.yaml");
    let unreadable = context.run(&[
        "admission",
        "manifests",
        "-n",
        "custody-system",
        "--policies",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(unreadable.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&unreadable.stderr);
    assert!(stderr.contains("missing.yaml"), "{stderr}");

    let timeout = context.run(&[
        "admission",
        "manifests",
        "-n",
        "custody-system",
        "--timeout-seconds",
        "31",
    ]);
    assert_eq!(timeout.status.code(), Some(2), "a usage error");
}

#[test]
fn help_admission_manifests() {
    insta::assert_snapshot!(help(&["admission", "manifests", "--help"]));
}
