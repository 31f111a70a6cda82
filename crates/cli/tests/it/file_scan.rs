//! `custody scan --scanners secret,misconfig` end to end: source trees and image layers
//! (a secret a later layer deletes is still reported), every output format, the filters,
//! the ignore file and the exit code.

use serde_json::Value;

use crate::common::{TestContext, write_tree};
use crate::image::{Compression, Entry, image, layer, write_layout};

/// A GitHub classic token in the documented format, assembled so this file holds none.
fn github_token() -> String {
    ["gh", "p_", "Zq3x9TbK2mW7vN4pL8rY1sD6fH0jC5aE2gU9"].concat()
}

/// A Dockerfile failing CDF001 (root), CDF002 (latest) and CDF012 (no HEALTHCHECK) on line 1
/// and CDF005 (curl | sh) on line 2.
const DOCKERFILE: &str = "FROM python:latest\nRUN curl -fsSL https://example.com/i.sh | sh\n";

/// Runs `custody scan TARGET --format json ARGS…`; returns (exit code, report, stderr).
fn scan(context: &TestContext, target: &str, args: &[&str]) -> (i32, Value, String) {
    let mut command = vec!["scan", target, "--format", "json"];
    command.extend(args);
    let output = context.run(&command);
    let code = output.status.code().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(code != 2, "custody {command:?} failed: {stderr}");
    (
        code,
        serde_json::from_slice(&output.stdout).unwrap(),
        stderr,
    )
}

/// (rule or check id, path, line) of every entry of `list`.
fn places(report: &Value, list: &str, id: &str) -> Vec<(String, String, u64)> {
    report[list]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| {
                    (
                        entry[id].as_str().unwrap().to_owned(),
                        entry["location"]["path"].as_str().unwrap().to_owned(),
                        entry["line"].as_u64().unwrap(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn owned(items: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    items
        .iter()
        .map(|(id, path, line)| ((*id).to_owned(), (*path).to_owned(), *line))
        .collect()
}

/// A source tree with a token in a script, the same token in `node_modules` (skipped) and on
/// a line marked `custody:ignore`, and a Dockerfile.
fn source_tree(context: &TestContext) -> String {
    let token = github_token();
    let root = context.path("src");
    write_tree(
        &root,
        &[
            (
                "ci/deploy.sh",
                format!("#!/bin/sh\nexport GITHUB_TOKEN={token}\n").as_bytes(),
            ),
            (
                "ci/test.sh",
                format!("TOKEN={token} # custody:ignore\n").as_bytes(),
            ),
            (
                "web/node_modules/pkg/index.js",
                format!("const t = '{token}';\n").as_bytes(),
            ),
            ("Dockerfile", DOCKERFILE.as_bytes()),
        ],
    );
    format!("dir:{}", root.display())
}

#[test]
fn source_tree_secrets_and_dockerfile_checks() {
    let context = TestContext::new();
    let target = source_tree(&context);
    let (code, report, _) = scan(
        &context,
        &target,
        &["--scanners", "secret,misconfig", "--exit-code", "4"],
    );
    assert_eq!(code, 4, "findings remain, so --exit-code applies");
    assert_eq!(
        places(&report, "secrets", "rule_id"),
        owned(&[("github-pat", "ci/deploy.sh", 2)])
    );
    let secret = &report["secrets"][0];
    assert_eq!(secret["masked"], "ghp_****");
    assert_eq!(secret["column"], 21);
    assert!(
        !report.to_string().contains(&github_token()),
        "the secret never appears"
    );
    assert_eq!(
        places(&report, "misconfigurations", "id"),
        owned(&[
            ("CDF001", "Dockerfile", 1),
            ("CDF002", "Dockerfile", 1),
            ("CDF012", "Dockerfile", 1),
            ("CDF005", "Dockerfile", 2),
        ])
    );
    let check = &report["misconfigurations"][0];
    assert!(!check["remediation"].as_str().unwrap().is_empty());
    assert!(
        report.get("database").is_none(),
        "the vulnerability scanner did not run"
    );
}

#[test]
fn severity_filter_ignore_file_and_exit_code_cover_file_findings() {
    let context = TestContext::new();
    let target = source_tree(&context);
    let (code, report, _) = scan(
        &context,
        &target,
        &[
            "--scanners",
            "secret,misconfig",
            "--severity",
            "CRITICAL",
            "--exit-code",
            "1",
        ],
    );
    assert_eq!(code, 1);
    assert_eq!(report["secrets"].as_array().unwrap().len(), 1);
    assert!(
        report.get("misconfigurations").is_none(),
        "no CRITICAL checks failed"
    );

    let ignore = context.path("ignore.yaml");
    fs_err::write(
        &ignore,
        "secrets:\n  - id: github-pat\n    paths: [ci/**]\n    reason: rotated\n\
         misconfigurations:\n  - id: CDF001\n  - id: CDF002\n  - id: CDF005\n  - id: CDF012\n",
    )
    .unwrap();
    let ignore = ignore.display().to_string();
    let (code, report, _) = scan(
        &context,
        &target,
        &[
            "--scanners",
            "secret,misconfig",
            "--ignorefile",
            &ignore,
            "--exit-code",
            "1",
        ],
    );
    assert_eq!(code, 0, "everything is suppressed: {report}");
    assert_eq!(
        report["suppressed_secrets"][0]["finding"]["rule_id"],
        "github-pat"
    );
    assert_eq!(report["suppressed_secrets"][0]["by"]["reason"], "rotated");
    assert_eq!(
        report["suppressed_misconfigurations"]
            .as_array()
            .unwrap()
            .len(),
        4
    );

    fs_err::write(
        context.path("bad.yaml"),
        "secrets:\n  - id: x\n    purls: [pkg:npm/a]\n",
    )
    .unwrap();
    let output = context.run(&[
        "scan",
        &target,
        "--scanners",
        "secret",
        "--ignorefile",
        &context.path("bad.yaml").display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("bad.yaml:3:"), "{stderr}");
}

#[test]
fn secret_config_adds_rules_and_allowlists() {
    let context = TestContext::new();
    let target = source_tree(&context);
    let config = context.path("secrets.yaml");
    fs_err::write(
        &config,
        "rules:\n  - id: internal-token\n    title: Internal token\n    severity: HIGH\n    \
         keywords: [itk_]\n    regex: 'itk_(?P<secret>[0-9a-f]{32})'\n\
         allowlist:\n  paths: ['ci/deploy\\.sh']\n",
    )
    .unwrap();
    write_tree(
        &context.path("src"),
        &[(
            "app/settings.py",
            b"KEY = 'itk_0123456789abcdef0123456789abcdef'\n",
        )],
    );
    let config = config.display().to_string();
    let (_, report, _) = scan(
        &context,
        &target,
        &["--scanners", "secret", "--secret-config", &config],
    );
    assert_eq!(
        places(&report, "secrets", "rule_id"),
        owned(&[("internal-token", "app/settings.py", 1)])
    );
}

#[test]
fn table_and_sarif_show_file_findings() {
    let context = TestContext::new();
    let target = source_tree(&context);
    let output = context.run(&["scan", &target, "--scanners", "secret,misconfig"]);
    assert_eq!(output.status.code(), Some(0));
    let table = String::from_utf8_lossy(&output.stdout);
    for expected in [
        "Secrets  Total: 1 (CRITICAL: 1",
        "ci/deploy.sh:2:21",
        "ghp_****",
        "Misconfigurations  Total: 4",
        "Dockerfile:2",
        "CDF005",
    ] {
        assert!(table.contains(expected), "{expected:?} in\n{table}");
    }
    assert!(
        !table.contains("Vulnerabilities"),
        "vuln did not run:\n{table}"
    );

    let output = context.run(&[
        "scan",
        &target,
        "--scanners",
        "secret,misconfig",
        "-f",
        "sarif",
    ]);
    let log: Value = serde_json::from_slice(&output.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    let secret = results
        .iter()
        .find(|result| result["ruleId"] == "github-pat")
        .unwrap();
    assert_eq!(
        secret["locations"][0]["physicalLocation"]["region"],
        serde_json::json!({"startLine": 2, "startColumn": 21})
    );
}

#[test]
fn sbom_targets_have_no_files_to_scan() {
    let context = TestContext::new();
    let sbom = context.path("app.cdx.json");
    fs_err::write(&sbom, "{}").unwrap();
    let output = context.run(&[
        "scan",
        &format!("sbom:{}", sbom.display()),
        "--scanners",
        "secret",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--scanners vuln"), "{stderr}");
}

/// Layer 1 adds `app/.env` with a token; layer 2 deletes it. The token is still in the image.
#[test]
fn secrets_deleted_by_a_later_layer_are_reported_with_their_layer() {
    let context = TestContext::new();
    let env = format!("GITHUB_TOKEN={}\n", github_token());
    let layers = vec![
        layer(
            &[
                Entry::Dir("app"),
                Entry::File("app/.env", env.as_bytes()),
                Entry::File("app/Dockerfile", DOCKERFILE.as_bytes()),
            ],
            Compression::Gzip,
        ),
        layer(&[Entry::File("app/.wh..env", b"")], Compression::Gzip),
    ];
    let layout = context.path("oci");
    write_layout(&layout, "1.0", &[&image(layers, "amd64")]);
    let target = format!("oci-dir:{}:1.0", layout.display());
    // Images default to vuln,secret; vuln needs a database, so ask for the file scanners.
    let (_, report, _) = scan(&context, &target, &["--scanners", "secret,misconfig"]);
    let secret = &report["secrets"][0];
    assert_eq!(secret["location"]["path"], "app/.env");
    assert_eq!(secret["deleted"], true);
    let first_layer = &report["inventory"]["target"]["image"]["layers"][0]["digest"];
    assert_eq!(&secret["location"]["layer"], first_layer);
    assert_eq!(
        places(&report, "misconfigurations", "id")[0],
        ("CDF001".to_owned(), "app/Dockerfile".to_owned(), 1)
    );

    let output = context.run(&["scan", &target, "--scanners", "secret"]);
    let table = String::from_utf8_lossy(&output.stdout);
    assert!(table.contains("app/.env:1:14 (layer "), "{table}");
    assert!(table.contains("(deleted)"), "{table}");
}

/// A Deployment with a privileged container and no team label, beside a `ConfigMap` and a
/// `package.json`, which are not workloads (and not manifests, for the latter).
const DEPLOYMENT: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: web
        image: registry.example/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        securityContext:
          privileged: true
";

/// A Kyverno policy requiring a `team` label on pods, with the annotations policy reports read.
const REQUIRE_TEAM: &str = r#"apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
  annotations:
    policies.kyverno.io/title: Require a team label
    policies.kyverno.io/severity: high
spec:
  rules:
  - name: check-team
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: "pods need a team label"
      pattern:
        metadata:
          labels:
            team: "?*"
"#;

#[test]
fn kubernetes_manifests_get_pss_cks_and_user_policy_findings() {
    let context = TestContext::new();
    let root = context.path("deploy");
    write_tree(
        &root,
        &[
            ("k8s/web.yaml", DEPLOYMENT.as_bytes()),
            (
                "k8s/config.json",
                br#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}}"#,
            ),
            ("package.json", br#"{"name": "web", "version": "1.0.0"}"#),
        ],
    );
    let target = format!("dir:{}", root.display());
    let (_, report, _) = scan(&context, &target, &["--scanners", "misconfig"]);
    let found = places(&report, "misconfigurations", "id");
    assert!(
        found.contains(&("PSS-privileged".to_owned(), "k8s/web.yaml".to_owned(), 13)),
        "{found:?}"
    );
    assert!(
        found.iter().all(|(id, _, _)| id != "CKS023"),
        "CKS023 repeats PSS-privileged: {found:?}"
    );
    assert!(
        found.iter().all(|(_, path, _)| path == "k8s/web.yaml"),
        "{found:?}"
    );
    let privileged = report["misconfigurations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["id"] == "PSS-privileged")
        .unwrap();
    assert_eq!(privileged["resource"], "Deployment/shop/web");
    assert_eq!(privileged["severity"], "HIGH");

    let policies = context.path("policies");
    write_tree(&policies, &[("team.yaml", REQUIRE_TEAM.as_bytes())]);
    let policies = policies.display().to_string();
    let (_, report, _) = scan(
        &context,
        &target,
        &[
            "--scanners",
            "misconfig",
            "--policy",
            &policies,
            "--pss-level",
            "privileged",
        ],
    );
    let found = places(&report, "misconfigurations", "id");
    assert!(
        found.iter().all(|(id, _, _)| !id.starts_with("PSS-")),
        "{found:?}"
    );
    assert!(
        found.iter().any(|(id, _, _)| id == "CKS023"),
        "without PSS, CKS023 reports: {found:?}"
    );
    let team = report["misconfigurations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["id"] == "require-team/autogen-check-team")
        .unwrap_or_else(|| panic!("the user policy's finding in {found:?}"));
    assert_eq!(team["title"], "Require a team label");
    assert_eq!(team["severity"], "HIGH");

    fs_err::write(
        context.path("broken.yaml"),
        "kind: ClusterPolicy\nspec: [\n",
    )
    .unwrap();
    let output = context.run(&[
        "scan",
        &target,
        "--scanners",
        "misconfig",
        "--policy",
        &context.path("broken.yaml").display().to_string(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("broken.yaml"), "{stderr}");
}
