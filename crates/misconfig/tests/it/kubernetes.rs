//! Kubernetes manifests: the Pod Security Standards conformance corpus scanned as files, line
//! mapping in every file shape (multi-document YAML, `List`, Helm output, JSON), recognition,
//! hostile input, and user Kyverno policies.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use custody_misconfig::{
    KubernetesScanner, PolicyLoadError, is_kubernetes_manifest, kubernetes_checks,
};
use custody_model::{Misconfiguration, Severity};
use custody_policy::{CheckId, PssLevel, PssVersion};

/// The conformance corpora: `CUSTODY_CONFORMANCE_DIR`, else ../shared/conformance next to
/// the repository. Missing corpora fail the test.
fn conformance_dir() -> PathBuf {
    let directory = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
        PathBuf::from,
    );
    assert!(
        directory.join("pss").is_dir(),
        "conformance corpus missing at {}: set CUSTODY_CONFORMANCE_DIR",
        directory.display()
    );
    directory
}

fn sorted_entries(directory: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs_err::read_dir(directory)
        .expect("corpus directory is readable")
        .map(|entry| entry.expect("corpus entry is readable").path())
        .collect();
    entries.sort();
    entries
}

fn scan(text: &str) -> Vec<Misconfiguration> {
    KubernetesScanner::new()
        .scan("deploy/app.yaml", text.as_bytes())
        .findings
}

/// `(id, line)` of every finding whose id starts with `prefix`.
fn lines(findings: &[Misconfiguration], prefix: &str) -> Vec<(String, u32)> {
    findings
        .iter()
        .filter(|finding| finding.id.starts_with(prefix))
        .map(|finding| (finding.id.clone(), finding.line))
        .collect()
}

fn pairs(expected: &[(&str, u32)]) -> Vec<(String, u32)> {
    expected
        .iter()
        .map(|&(id, line)| (id.to_owned(), line))
        .collect()
}

/// Every finding's line is a line of `text`.
fn assert_lines_inside(text: &str, findings: &[Misconfiguration]) {
    let count = text.split('\n').count();
    for finding in findings {
        let line = usize::try_from(finding.line).expect("u32 fits usize");
        assert!((1..=count).contains(&line), "{finding:#?}");
    }
}

/// The checks that may fail a fixture named `<prefix><N>.yaml`: the one whose lowercased id is
/// the prefix (upstream's fixture naming), plus the restricted check that replaces it at this
/// level and version. `None` for `base*` fixtures, which only pass.
fn expected_ids(prefix: &str, level: PssLevel, version: PssVersion) -> Option<Vec<String>> {
    let check = CheckId::ALL
        .iter()
        .copied()
        .find(|check| check.as_str().to_lowercase() == prefix)?;
    let mut checks = vec![check];
    if let Some((replacement, since)) = check.overridden_by()
        && replacement.level() <= level
        && version >= since
    {
        checks.push(replacement);
    }
    Some(
        checks
            .iter()
            .map(|check| format!("PSS-{}", check.as_str()))
            .collect(),
    )
}

#[test]
fn every_pss_fail_fixture_yields_its_finding() {
    let root = conformance_dir().join("pss");
    let (mut passed, mut failures) = (0, Vec::new());
    for level in [PssLevel::Baseline, PssLevel::Restricted] {
        for version_directory in sorted_entries(&root.join(level.as_str())) {
            let version: PssVersion = version_directory
                .file_name()
                .and_then(|name| name.to_str())
                .and_then(|name| name.parse().ok())
                .expect("version directory is named v1.N");
            let scanner = KubernetesScanner::builder()
                .pss_level(level)
                .pss_version(version)
                .build()
                .expect("no user policies to load");
            for file in sorted_entries(&version_directory.join("fail")) {
                let shown = file
                    .strip_prefix(&root)
                    .unwrap_or(&file)
                    .display()
                    .to_string();
                let text = fs_err::read_to_string(&file).expect("fixture is readable");
                let findings = scanner.scan(&shown, text.as_bytes()).findings;
                let prefix = file
                    .file_stem()
                    .and_then(|stem| stem.to_str())
                    .unwrap_or_default()
                    .trim_end_matches(|character: char| character.is_ascii_digit());
                let Some(expected) = expected_ids(prefix, level, version) else {
                    failures.push(format!("{shown}: names no known check"));
                    continue;
                };
                let matching: Vec<&Misconfiguration> = findings
                    .iter()
                    .filter(|finding| expected.contains(&finding.id))
                    .collect();
                let line_count = u32::try_from(text.lines().count()).expect("small fixture");
                match matching.first() {
                    None => failures.push(format!(
                        "{shown}: expected one of {expected:?}, got {:?}",
                        lines(&findings, "")
                    )),
                    Some(finding)
                        if !(1..=line_count).contains(&finding.line)
                            || finding
                                .resource
                                .as_deref()
                                .is_none_or(|resource| !resource.starts_with("Pod/")) =>
                    {
                        failures.push(format!("{shown}: misplaced finding {finding:#?}"));
                    }
                    Some(_) => passed += 1,
                }
            }
        }
    }
    println!(
        "pss fail fixtures as files: {passed} passed, {} failed, 0 excluded",
        failures.len()
    );
    assert!(passed > 3000, "too few fixtures: {passed}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn latest_pss_pass_fixtures_yield_no_pss_finding() {
    let root = conformance_dir().join("pss");
    let (mut passed, mut failures) = (0, Vec::new());
    for level in [PssLevel::Baseline, PssLevel::Restricted] {
        let scanner = KubernetesScanner::builder()
            .pss_level(level)
            .build()
            .expect("no user policies to load");
        let directory = root
            .join(level.as_str())
            .join(PssVersion::LATEST.to_string())
            .join("pass");
        for file in sorted_entries(&directory) {
            let text = fs_err::read_to_string(&file).expect("fixture is readable");
            let findings = scanner.scan("pod.yaml", text.as_bytes()).findings;
            let pss = lines(&findings, "PSS-");
            if pss.is_empty() {
                passed += 1;
            } else {
                failures.push(format!("{}: {pss:?}", file.display()));
            }
        }
    }
    println!(
        "pss pass fixtures (latest) as files: {passed} passed, {} failed, 0 excluded",
        failures.len()
    );
    assert!(passed > 20, "too few fixtures: {passed}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A Service then a Deployment breaking several standards; each finding on its field's line.
const DEPLOYMENT: &str = r"# Source: shop/templates/web.yaml
apiVersion: v1
kind: Service
metadata:
  name: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: unconfined
    spec:
      hostNetwork: true
      containers:
        - name: app
          image: nginx:1.27
          securityContext:
            privileged: true
            capabilities:
              add: [SYS_ADMIN]
      volumes:
        - name: data
          hostPath:
            path: /var
";

#[test]
fn deployment_findings_land_on_their_fields() {
    let findings = scan(DEPLOYMENT);
    assert_eq!(
        lines(&findings, "PSS-"),
        pairs(&[
            ("PSS-appArmorProfile", 16),
            ("PSS-hostNamespaces", 18),
            // Missing fields: the nearest enclosing field, the container's securityContext.
            ("PSS-allowPrivilegeEscalation", 22),
            ("PSS-runAsNonRoot", 22),
            ("PSS-seccompProfile_restricted", 22),
            ("PSS-privileged", 23),
            // `capabilities.drop` is missing: reported on `capabilities`.
            ("PSS-capabilities_restricted", 24),
            ("PSS-hostPathVolumes", 28),
            ("PSS-restrictedVolumes", 28),
        ])
    );
    let privileged = findings
        .iter()
        .find(|finding| finding.id == "PSS-privileged")
        .expect("privileged finding");
    assert_eq!(privileged.resource.as_deref(), Some("Deployment/shop/web"));
    assert_eq!(privileged.severity, Severity::High);
    assert_eq!(
        privileged.message,
        r#"privileged (container "app" must not set securityContext.privileged=true)"#
    );
    assert_eq!(privileged.location.path, "deploy/app.yaml");
    let restricted = findings
        .iter()
        .find(|finding| finding.id == "PSS-runAsNonRoot")
        .expect("runAsNonRoot finding");
    assert_eq!(restricted.severity, Severity::Medium);
    assert_lines_inside(DEPLOYMENT, &findings);
    let sorted = findings
        .windows(2)
        .all(|pair| (pair[0].line, &pair[0].id) <= (pair[1].line, &pair[1].id));
    assert!(sorted, "{findings:#?}");
}

#[test]
fn baseline_level_skips_restricted_checks() {
    let scanner = KubernetesScanner::builder()
        .pss_level(PssLevel::Baseline)
        .build()
        .expect("no user policies");
    let findings = scanner.scan("web.yaml", DEPLOYMENT.as_bytes()).findings;
    assert_eq!(
        lines(&findings, "PSS-"),
        pairs(&[
            ("PSS-appArmorProfile", 16),
            ("PSS-hostNamespaces", 18),
            ("PSS-privileged", 23),
            ("PSS-capabilities_baseline", 25),
            ("PSS-hostPathVolumes", 28),
        ])
    );
}

/// A CKS check that repeats a failed PSS check is left out; when the PSS level does not run
/// that PSS check, the CKS check reports on its own.
#[test]
fn cks_findings_that_repeat_pss_findings_are_left_out() {
    let privileged = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  \
                      - name: c\n    image: registry.example/c@sha256:0000\n    \
                      securityContext:\n      privileged: true\n";
    let ids = |level: PssLevel| -> Vec<String> {
        let scanner = KubernetesScanner::builder()
            .pss_level(level)
            .build()
            .unwrap();
        let findings = scanner.scan("pod.yaml", privileged.as_bytes()).findings;
        findings.into_iter().map(|finding| finding.id).collect()
    };
    let restricted = ids(PssLevel::Restricted);
    assert!(
        restricted.contains(&"PSS-privileged".to_owned()),
        "{restricted:?}"
    );
    assert!(
        restricted.contains(&"PSS-runAsNonRoot".to_owned()),
        "{restricted:?}"
    );
    for covered in ["CKS023", "CKS021", "CKS020", "CKS017", "CKS028"] {
        assert!(
            !restricted.contains(&covered.to_owned()),
            "{covered} in {restricted:?}"
        );
    }
    assert!(
        restricted.contains(&"CKS022".to_owned()),
        "no PSS check covers UIDs below 10000"
    );
    let baseline = ids(PssLevel::Baseline);
    assert!(baseline.contains(&"PSS-privileged".to_owned()));
    assert!(!baseline.contains(&"CKS023".to_owned()));
    for uncovered in ["CKS021", "CKS020", "CKS017", "CKS028"] {
        assert!(
            baseline.contains(&uncovered.to_owned()),
            "{uncovered} in {baseline:?}"
        );
    }
    let none = ids(PssLevel::Privileged);
    assert!(none.iter().all(|id| !id.starts_with("PSS-")), "{none:?}");
    assert!(none.contains(&"CKS023".to_owned()), "{none:?}");
}

#[test]
fn list_items_are_scanned_at_their_lines() {
    let text = r"apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: a
  spec:
    hostPID: true
    containers: [{name: app, image: busybox}]
- apiVersion: v1
  kind: Pod
  metadata:
    name: b
    namespace: ops
  spec:
    containers:
    - name: app
      image: busybox
      ports:
      - containerPort: 80
        hostPort: 80
";
    let scanner = KubernetesScanner::builder()
        .pss_level(PssLevel::Baseline)
        .build()
        .expect("no user policies");
    let findings = scanner.scan("list.yaml", text.as_bytes()).findings;
    assert_eq!(
        lines(&findings, "PSS-"),
        pairs(&[("PSS-hostNamespaces", 9), ("PSS-hostPorts", 22)])
    );
    let resources: Vec<Option<&str>> = findings
        .iter()
        .filter(|finding| finding.id.starts_with("PSS-"))
        .map(|finding| finding.resource.as_deref())
        .collect();
    assert_eq!(resources, [Some("Pod/a"), Some("Pod/ops/b")]);
}

#[test]
fn helm_output_with_empty_documents_keeps_file_lines() {
    let text = r"---
# Source: app/templates/serviceaccount.yaml
---
# Source: app/templates/empty.yaml
---
# Source: app/templates/job.yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  schedule: '@daily'
  jobTemplate:
    spec:
      template:
        spec:
          hostIPC: true
          containers:
          - name: backup
            image: restic:0.17
";
    let scanner = KubernetesScanner::builder()
        .pss_level(PssLevel::Baseline)
        .build()
        .expect("no user policies");
    let scan = scanner.scan("rendered.yaml", text.as_bytes());
    assert_eq!(
        lines(&scan.findings, "PSS-"),
        pairs(&[("PSS-hostNamespaces", 17)])
    );
    assert_eq!(lines(&scan.findings, "CKS000"), []);
    let resources: Vec<Option<&str>> = scan
        .findings
        .iter()
        .map(|finding| finding.resource.as_deref())
        .collect();
    assert!(
        resources
            .iter()
            .all(|resource| *resource == Some("CronJob/backup")),
        "{resources:?}"
    );
    assert_lines_inside(text, &scan.findings);
}

#[test]
fn json_manifests_map_lines_too() {
    let text = r#"{
  "apiVersion": "v1",
  "kind": "Pod",
  "metadata": {"name": "web"},
  "spec": {
    "containers": [
      {
        "name": "app",
        "image": "nginx:1.27",
        "securityContext": {"privileged": true}
      }
    ]
  }
}
"#;
    assert!(is_kubernetes_manifest("pod.json", text.as_bytes()));
    let scanner = KubernetesScanner::builder()
        .pss_level(PssLevel::Baseline)
        .build()
        .expect("no user policies");
    let findings = scanner.scan("pod.json", text.as_bytes()).findings;
    assert_eq!(lines(&findings, "PSS-"), pairs(&[("PSS-privileged", 10)]));
}

#[test]
fn cks_findings_point_inside_the_file() {
    let findings = scan(DEPLOYMENT);
    assert_lines_inside(DEPLOYMENT, &findings);
    for finding in findings
        .iter()
        .filter(|finding| finding.id.starts_with("CKS"))
    {
        assert!(finding.resource.is_some(), "{finding:#?}");
    }
}

#[test]
fn manifests_are_recognised_by_content() {
    let positives: [(&str, &[u8]); 6] = [
        ("deploy/web.yaml", DEPLOYMENT.as_bytes()),
        ("k8s/pod.yml", b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"),
        (
            "out/rendered.yaml",
            b"---\n# Source: app/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\ndata:\n  alert: \"{{ $labels.instance }} down\"\n",
        ),
        ("pod.json", br#"{"apiVersion": "v1", "kind": "Pod"}"#),
        (
            "list.JSON",
            b"\n  {\n    \"kind\": \"List\",\n    \"apiVersion\": \"v1\",\n    \"items\": []\n  }",
        ),
        (
            "crd.yaml",
            b"# Licensed under the Apache License\n\nkind: CustomResourceDefinition\napiVersion: apiextensions.k8s.io/v1\n",
        ),
    ];
    for (path, text) in positives {
        assert!(is_kubernetes_manifest(path, text), "{path}");
    }
    let negatives: [(&str, &[u8]); 9] = [
        ("package.json", br#"{"name": "web", "version": "1.0.0", "scripts": {}}"#),
        (
            "tsconfig.json",
            br#"{"compilerOptions": {"target": "es2022", "kind": "x"}}"#,
        ),
        (
            ".github/workflows/ci.yml",
            b"name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n",
        ),
        (
            "chart/values.yaml",
            b"replicaCount: 1\nimage:\n  repository: nginx\n  kind: x\n",
        ),
        (
            "chart/Chart.yaml",
            b"apiVersion: v2\nname: web\nversion: 0.1.0\ntype: application\n",
        ),
        (
            "chart/templates/deployment.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"web.fullname\" . }}\n",
        ),
        (
            "chart/templates/svc.yaml",
            b"{{- if .Values.service.enabled }}\napiVersion: v1\nkind: Service\n",
        ),
        ("Makefile", b"apiVersion: v1\nkind: Pod\n"),
        ("notes.txt", b"apiVersion: v1\nkind: Pod\n"),
    ];
    for (path, text) in negatives {
        assert!(!is_kubernetes_manifest(path, text), "{path}");
    }
}

/// Scans hostile `text` under a time bound and returns its findings.
fn scan_bounded(text: &[u8]) -> Vec<Misconfiguration> {
    let start = Instant::now();
    let findings = KubernetesScanner::new().scan("bad.yaml", text).findings;
    // Generous for debug builds on a loaded machine; an unbounded parse takes minutes.
    assert!(
        start.elapsed() < Duration::from_secs(20),
        "{:?}",
        start.elapsed()
    );
    findings
}

#[test]
fn alias_bombs_are_cut_short() {
    let mut text = String::from(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n",
    );
    let mut previous = 'a';
    for name in 'b'..='j' {
        let aliases = vec![format!("*{previous}"); 10].join(", ");
        writeln!(text, "  {name}: &{name} [{aliases}]").expect("writing to a String");
        previous = name;
    }
    let findings = scan_bounded(text.as_bytes());
    let problems = lines(&findings, "CKS000");
    assert_eq!(problems.len(), 1, "{findings:#?}");
    assert!(problems[0].1 >= 5, "{problems:?}");
}

#[test]
fn deep_nesting_is_a_problem_not_a_crash() {
    let mut yaml = String::from("apiVersion: v1\nkind: ConfigMap\ndata:\n");
    for depth in 1..=200 {
        yaml.push_str(&"  ".repeat(depth));
        yaml.push_str("k:\n");
    }
    let json = format!("{}{}", "[".repeat(200), "]".repeat(200));
    for text in [yaml, json] {
        let findings = scan_bounded(text.as_bytes());
        assert_eq!(lines(&findings, "CKS000").len(), 1, "{findings:#?}");
    }
}

#[test]
fn megabyte_single_lines_are_read() {
    let value = "v".repeat(2 << 20);
    let text = format!(
        r#"{{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {{"name": "big"}}, "data": {{"blob": "{value}"}}}}"#
    );
    let findings = scan_bounded(text.as_bytes());
    assert_eq!(lines(&findings, "CKS000"), []);
    assert_lines_inside(&text, &findings);
}

#[test]
fn oversized_files_are_not_parsed() {
    let mut text = b"apiVersion: v1\nkind: ConfigMap\ndata:\n  blob: ".to_vec();
    text.resize(17 << 20, b'x');
    let findings = scan_bounded(&text);
    assert_eq!(lines(&findings, ""), pairs(&[("CKS000", 1)]));
    assert!(
        findings[0].message.contains("larger than"),
        "{:?}",
        findings[0].message
    );
}

#[test]
fn invalid_utf8_and_non_objects_are_problems() {
    let findings = scan_bounded(b"apiVersion: v1\nkind: Pod\nmetadata:\n  name: \xc3\x28\n");
    assert_eq!(lines(&findings, ""), pairs(&[("CKS000", 4)]));
    let findings = scan_bounded(b"- a\n- b\n---\njust text\n---\n42\n");
    assert_eq!(
        lines(&findings, ""),
        pairs(&[("CKS000", 1), ("CKS000", 4), ("CKS000", 6)])
    );
    let findings = scan_bounded(b"kind: List\nitems:\n- 1\n");
    assert_eq!(lines(&findings, ""), pairs(&[("CKS000", 3)]));
    let problem = &findings[0];
    assert_eq!(problem.severity, Severity::Low);
    assert!(
        problem.message.contains("not a Kubernetes object"),
        "{problem:#?}"
    );
}

#[test]
fn syntax_errors_keep_the_documents_before_them() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\nspec:\n  hostPID: true\n---\nkey: [unclosed\n";
    let findings = scan_bounded(text.as_bytes());
    let ids: Vec<String> = lines(&findings, "")
        .into_iter()
        .map(|(id, _)| id)
        .filter(|id| id == "CKS000" || id == "PSS-hostNamespaces")
        .collect();
    assert_eq!(ids, ["PSS-hostNamespaces", "CKS000"]);
}

const REQUIRE_TEAM: &str = r#"apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
  annotations:
    policies.kyverno.io/title: Require a team label
    policies.kyverno.io/severity: high
    policies.kyverno.io/description: Every workload names the team that owns it.
spec:
  validationFailureAction: Audit
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
fn user_policies_report_with_their_annotations() {
    let directory = tempfile::tempdir().expect("temp dir");
    fs_err::write(directory.path().join("team.yaml"), REQUIRE_TEAM).expect("write policy");
    // A Kyverno CLI test next to the policy is not a policy and is skipped.
    fs_err::write(
        directory.path().join("kyverno-test.yaml"),
        "apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata: {name: t}\n",
    )
    .expect("write test");
    let scanner = KubernetesScanner::builder()
        .pss_level(PssLevel::Privileged)
        .policy_path(directory.path())
        .build()
        .expect("policies load");
    let text = r"apiVersion: v1
kind: Pod
metadata:
  name: labelled
  labels:
    team: shop
spec:
  containers: [{name: app, image: nginx:1.27}]
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    metadata:
      labels:
        app: web
    spec:
      containers: [{name: app, image: nginx:1.27}]
";
    let scan = scanner.scan("web.yaml", text.as_bytes());
    assert!(scan.warnings.is_empty(), "{:#?}", scan.warnings);
    let policy_findings: Vec<&Misconfiguration> = scan
        .findings
        .iter()
        .filter(|finding| finding.id.starts_with("require-team/"))
        .collect();
    assert_eq!(policy_findings.len(), 1, "{:#?}", scan.findings);
    let finding = policy_findings[0];
    // Kyverno checks the Deployment through the rule it generates for pod controllers.
    assert_eq!(finding.id, "require-team/autogen-check-team");
    assert_eq!(finding.title, "Require a team label");
    assert_eq!(finding.severity, Severity::High);
    assert_eq!(
        finding.description,
        "Every workload names the team that owns it."
    );
    assert_eq!(finding.resource.as_deref(), Some("Deployment/web"));
    assert!(
        finding.message.contains("pods need a team label"),
        "{finding:#?}"
    );
    // The pattern fails at spec.template.metadata.labels.team: the labels are on line 17.
    assert_eq!(finding.line, 17);
}

#[test]
fn user_policy_errors_name_the_file_and_line() {
    let directory = tempfile::tempdir().expect("temp dir");
    let broken = directory.path().join("broken.yaml");
    fs_err::write(
        &broken,
        "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nspec: [unclosed\n",
    )
    .expect("write");
    let error = KubernetesScanner::builder()
        .policy_path(&broken)
        .build()
        .expect_err("invalid YAML");
    assert!(
        matches!(&error, PolicyLoadError::Syntax { file, line: 3, .. } if *file == broken),
        "{error:?}"
    );

    let invalid = directory.path().join("invalid.yaml");
    fs_err::write(
        &invalid,
        "# header\napiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: p}\nspec:\n  rules: 5\n",
    )
    .expect("write");
    let error = KubernetesScanner::builder()
        .policy_path(&invalid)
        .build()
        .expect_err("invalid policy");
    assert!(
        matches!(&error, PolicyLoadError::Invalid { file, line: 2, .. } if *file == invalid),
        "{error:?}"
    );

    let empty = tempfile::tempdir().expect("temp dir");
    let error = KubernetesScanner::builder()
        .policy_path(empty.path())
        .build()
        .expect_err("no policies");
    assert!(
        matches!(error, PolicyLoadError::NoPolicies { .. }),
        "{error:?}"
    );
}

#[test]
fn checks_are_listed_with_pss_ids() {
    let checks: Vec<_> = kubernetes_checks().collect();
    assert_eq!(checks.first().map(|check| check.id), Some("CKS000"));
    let pss: Vec<&str> = checks
        .iter()
        .map(|check| check.id)
        .filter(|id| id.starts_with("PSS-"))
        .collect();
    assert_eq!(pss.len(), CheckId::ALL.len());
    for check in checks {
        assert!(
            !check.title.is_empty()
                && !check.description.is_empty()
                && !check.remediation.is_empty()
                && !check.references.is_empty(),
            "{}",
            check.id
        );
    }
}
