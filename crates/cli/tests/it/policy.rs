//! `custody policy pss` end to end: manifests written to a temp dir, the table and the JSON,
//! exit codes (0 allowed, 1 denied, 2 errors), a syntax error with its position, and help.
//! The verdicts themselves are proven against upstream's fixtures in custody-policy's tests.

use crate::common::{TestContext, write_tree};
use crate::help::help;

/// A Deployment whose template is privileged and on the host network, a Service, and a Pod
/// that meets baseline but not restricted.
const MIXED: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      hostNetwork: true
      containers:
      - name: app
        image: nginx
        securityContext:
          privileged: true
---
apiVersion: v1
kind: Service
metadata:
  name: web
---
apiVersion: v1
kind: Pod
metadata:
  name: plain
spec:
  containers:
  - name: app
    image: nginx
";

/// A restricted-compliant `CronJob`, as JSON.
const HARDENED_CRONJOB: &str = r#"{"apiVersion": "batch/v1", "kind": "CronJob",
 "metadata": {"name": "nightly", "namespace": "ops"},
 "spec": {"jobTemplate": {"spec": {"template": {"spec": {
   "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
   "containers": [{"name": "job", "image": "busybox",
     "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}}}}}}"#;

fn context_with_manifests() -> TestContext {
    let context = TestContext::new();
    write_tree(
        context.temp.path(),
        &[
            ("manifests/mixed.yaml", MIXED.as_bytes()),
            ("manifests/jobs/nightly.json", HARDENED_CRONJOB.as_bytes()),
            ("manifests/README.md", b"not a manifest"),
        ],
    );
    context
}

#[test]
fn baseline_table_shows_each_object_and_exits_1_on_denial() {
    let context = context_with_manifests();
    let output = context.run(&["policy", "pss", "--level", "baseline", "manifests"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let row = |name: &str| {
        stdout
            .lines()
            .find(|line| {
                line.split_whitespace().nth(2) == Some(name) || line.contains(&format!(" {name} "))
            })
            .unwrap_or_else(|| panic!("no row for {name} in\n{stdout}"))
            .to_owned()
    };
    assert!(row("nightly").contains("allowed"), "{stdout}");
    assert!(row("plain").contains("allowed"), "{stdout}");
    let deployment = row("shop");
    assert!(
        deployment.contains("denied")
            && deployment.contains("hostNamespaces: host namespaces (hostNetwork=true)"),
        "{stdout}"
    );
    assert!(stdout.contains(r#"privileged: privileged (container "app" must not set securityContext.privileged=true)"#), "{stdout}");
    assert!(stdout.contains("not applicable"), "{stdout}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("4 objects at baseline v1.37: 2 allowed, 1 denied, 1 not applicable"),
        "{stderr}"
    );
}

#[test]
fn restricted_json_lists_checks_and_paths() {
    let context = context_with_manifests();
    let output = context.run(&[
        "policy",
        "pss",
        "--level",
        "restricted",
        "--version",
        "v1.25",
        "--format",
        "json",
        "manifests",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["level"], "restricted");
    assert_eq!(report["version"], "v1.25");
    assert_eq!(
        (
            report["allowed"].as_u64(),
            report["denied"].as_u64(),
            report["notApplicable"].as_u64()
        ),
        (Some(1), Some(2), Some(1))
    );
    let objects = report["objects"].as_array().unwrap();
    // Files are walked in sorted order: jobs/nightly.json before mixed.yaml.
    let names: Vec<_> = objects
        .iter()
        .map(|object| object["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["nightly", "web", "web", "plain"]);
    assert_eq!(objects[0]["verdict"], "allowed");
    assert_eq!(objects[1]["document"], 1);
    assert_eq!(objects[2]["verdict"], "not-applicable");
    let deployment_checks: Vec<_> = objects[1]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|violation| violation["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        deployment_checks,
        [
            "hostNamespaces",
            "privileged",
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "runAsNonRoot",
            "seccompProfile_restricted"
        ]
    );
    assert_eq!(
        objects[1]["violations"][1]["paths"][0],
        "spec.template.spec.containers[0].securityContext.privileged"
    );
    let plain_checks: Vec<_> = objects[3]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|violation| violation["check"].as_str().unwrap())
        .collect();
    assert_eq!(
        plain_checks,
        [
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "runAsNonRoot",
            "seccompProfile_restricted"
        ]
    );
}

#[test]
fn all_allowed_exits_0() {
    let context = context_with_manifests();
    let output = context.run(&[
        "policy",
        "pss",
        "--level",
        "restricted",
        "manifests/jobs/nightly.json",
    ]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn yaml_syntax_error_names_file_line_and_column() {
    let context = TestContext::new();
    write_tree(
        context.temp.path(),
        &[(
            "bad.yaml",
            b"kind: Pod\nmetadata:\n  name: x\nspec: [a, b\n",
        )],
    );
    let output = context.run(&["policy", "pss", "--level", "baseline", "bad.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.yaml:4:7: invalid YAML"), "{stderr}");
}

#[test]
fn json_syntax_error_names_file_line_and_column() {
    let context = TestContext::new();
    write_tree(
        context.temp.path(),
        &[("bad.json", b"{\"kind\": \"Pod\",\n \"spec\": }\n")],
    );
    let output = context.run(&["policy", "pss", "--level", "baseline", "bad.json"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.json:2:10: invalid JSON"), "{stderr}");
}

#[test]
fn unknown_version_is_an_error() {
    let context = context_with_manifests();
    let output = context.run(&[
        "policy",
        "pss",
        "--level",
        "baseline",
        "--version",
        "v1.99",
        "manifests",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr)
            .contains("invalid Pod Security Standards version `v1.99`")
    );
}

#[test]
fn help_policy_pss() {
    insta::assert_snapshot!(help(&["policy", "pss", "--help"]));
}
