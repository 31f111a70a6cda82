//! `custody policy apply` and `custody policy test` end to end: Kyverno policies, manifests
//! and kyverno-test.yaml files written to a temp dir, the tables and the JSON, exit codes (0
//! clean, 1 a rule failed or errored, 2 unreadable input), one conformance folder through the
//! binary, and help. The engine's verdicts are proven rule by rule in custody-policy's tests.

use std::process::Output;

use serde_json::Value;

use crate::common::{TestContext, conformance, write_tree};
use crate::help::help;

/// An enforced policy requiring a non-empty `team` label on Pods (and, through autogen, on
/// the pod templates of controllers).
const REQUIRE_TEAM: &str = "\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
spec:
  validationFailureAction: Enforce
  rules:
  - name: check-team
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: \"label `team` is required\"
      pattern:
        metadata:
          labels:
            team: \"?*\"
";

/// Pod `shop/good` carries `team`; Pod `bad` has no labels and no namespace.
const PODS: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: good
  namespace: shop
  labels:
    team: payments
spec:
  containers:
  - name: app
    image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  containers:
  - name: app
    image: nginx
";

/// Only the labelled Pod of [`PODS`].
const GOOD_POD: &str = "\
apiVersion: v1
kind: Pod
metadata:
  name: good
  namespace: shop
  labels:
    team: payments
spec:
  containers:
  - name: app
    image: nginx
";

/// A mutate policy adding `env: prod` to every Pod's labels.
const ADD_ENV: &str = "\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: add-env
spec:
  rules:
  - name: add-env-label
    match:
      any:
      - resources:
          kinds:
          - Pod
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            env: prod
";

/// Deployment `shop/web`, whose pod template has no `team` label, and `shop/api`, whose
/// template has one.
const DEPLOYMENTS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: app
        image: nginx
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
        team: payments
    spec:
      containers:
      - name: app
        image: nginx
";

/// A policy whose rule needs the cluster: a pod count from an `apiCall` context entry, denied
/// from ten pods up.
const POD_QUOTA: &str = "\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: pod-quota
spec:
  validationFailureAction: Audit
  rules:
  - name: max-pods
    match:
      any:
      - resources:
          kinds:
          - Pod
    context:
    - name: podcount
      apiCall:
        urlPath: \"/api/v1/namespaces/{{request.namespace}}/pods\"
        jmesPath: \"items | length(@)\"
    validate:
      message: \"too many pods: {{podcount}}\"
      deny:
        conditions:
          any:
          - key: \"{{podcount}}\"
            operator: GreaterThanOrEquals
            value: 10
";

/// A values file answering [`POD_QUOTA`]'s `podcount` with `count`.
fn pod_quota_values(count: u32) -> String {
    format!(
        "\
apiVersion: cli.kyverno.io/v1alpha1
kind: Values
policies:
- name: pod-quota
  rules:
  - name: max-pods
    values:
      podcount: {count}
"
    )
}

/// A policy with a `generate` rule writing its resource from `data`.
const GENERATE: &str = "\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: default-deny
spec:
  rules:
  - name: generate-network-policy
    match:
      any:
      - resources:
          kinds:
          - Namespace
    generate:
      apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      name: default-deny
      namespace: \"{{request.object.metadata.name}}\"
      data:
        spec:
          podSelector: {}
          policyTypes:
          - Ingress
";

/// A policy with a `generate` rule cloning from the cluster, which custody cannot evaluate.
const GENERATE_CLONE: &str = "\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: copy-registry-secret
spec:
  rules:
  - name: clone-secret
    match:
      any:
      - resources:
          kinds:
          - Namespace
    generate:
      apiVersion: v1
      kind: Secret
      name: regcred
      namespace: \"{{request.object.metadata.name}}\"
      clone:
        namespace: default
        name: regcred
";

const NAMESPACE: &str = "\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
";

/// A kyverno-test.yaml for [`REQUIRE_TEAM`] on [`PODS`] (in `resources_file`), expecting
/// `good_result` for Pod `good` and `fail` for Pod `bad`.
fn require_team_test(resources_file: &str, good_result: &str) -> String {
    format!(
        "\
apiVersion: cli.kyverno.io/v1alpha1
kind: Test
metadata:
  name: require-team
policies:
- ../require-team.yaml
resources:
- {resources_file}
results:
- policy: require-team
  rule: check-team
  kind: Pod
  resources:
  - good
  result: {good_result}
- policy: require-team
  rule: check-team
  kind: Pod
  resources:
  - bad
  result: fail
"
    )
}

/// A temp dir holding `files`.
fn context_with(files: &[(&str, &str)]) -> TestContext {
    let context = TestContext::new();
    let files: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(path, content)| (*path, content.as_bytes()))
        .collect();
    write_tree(context.temp.path(), &files);
    context
}

/// A temp dir with `suite/require-team.yaml`, `suite/.kyverno-test/resources.yaml` and a
/// test file expecting `good_result` for Pod `good`.
fn suite_context(good_result: &str) -> TestContext {
    context_with(&[
        ("suite/require-team.yaml", REQUIRE_TEAM),
        ("suite/.kyverno-test/resources.yaml", PODS),
        (
            "suite/.kyverno-test/kyverno-test.yaml",
            &require_team_test("resources.yaml", good_result),
        ),
    ])
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The JSON document on stdout.
fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("stdout is not JSON ({error}):\n{}", stdout(output)))
}

/// The cells of the one table row whose cells include `cell`, split on the table's column
/// gaps (two or more spaces).
fn row(table: &str, cell: &str) -> Vec<String> {
    let rows: Vec<Vec<String>> = table
        .lines()
        .map(|line| {
            line.split("  ")
                .map(str::trim)
                .filter(|cell| !cell.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .filter(|cells| cells.iter().any(|candidate| candidate == cell))
        .collect();
    assert_eq!(rows.len(), 1, "want one row with `{cell}` in\n{table}");
    rows.into_iter().next().unwrap()
}

/// The `results` of an apply report as (policy, rule, kind, name, status).
fn apply_results(report: &Value) -> Vec<(&str, &str, &str, &str, &str)> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|result| {
            (
                result["policy"].as_str().unwrap(),
                result["rule"].as_str().unwrap(),
                result["resource"]["kind"].as_str().unwrap(),
                result["resource"]["name"].as_str().unwrap(),
                result["status"].as_str().unwrap(),
            )
        })
        .collect()
}

#[test]
fn apply_table_names_each_result_and_exits_1_on_failure() {
    let context = context_with(&[("require-team.yaml", REQUIRE_TEAM), ("pods.yaml", PODS)]);
    let output = context.run(&["policy", "apply", "require-team.yaml", "-r", "pods.yaml"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let table = stdout(&output);
    assert_eq!(
        row(&table, "Pod/shop/good"),
        ["require-team", "check-team", "Pod/shop/good", "pass"]
    );
    // Like `kyverno apply`, a namespaced resource without a namespace is put in `default`.
    let bad = row(&table, "Pod/default/bad");
    assert_eq!(
        bad[..4],
        ["require-team", "check-team", "Pod/default/bad", "fail"]
    );
    assert!(
        bad[4].starts_with("validation error: label `team` is required"),
        "{table}"
    );
    assert!(
        stderr(&output).contains("pass 1, fail 1, skip 0, error 0, unsupported 0"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn apply_exits_0_when_every_rule_passes() {
    let context = context_with(&[("require-team.yaml", REQUIRE_TEAM), ("pod.yaml", GOOD_POD)]);
    let output = context.run(&["policy", "apply", "require-team.yaml", "-r", "pod.yaml"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        row(&stdout(&output), "Pod/shop/good"),
        ["require-team", "check-team", "Pod/shop/good", "pass"]
    );
}

#[test]
fn apply_json_has_statuses_summary_and_failure_action() {
    let context = context_with(&[("require-team.yaml", REQUIRE_TEAM), ("pods.yaml", PODS)]);
    let output = context.run(&[
        "policy",
        "apply",
        "require-team.yaml",
        "-r",
        "pods.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        apply_results(&report),
        [
            ("require-team", "check-team", "Pod", "good", "pass"),
            ("require-team", "check-team", "Pod", "bad", "fail"),
        ]
    );
    assert_eq!(report["results"][0]["resource"]["namespace"], "shop");
    assert_eq!(report["results"][1]["resource"]["namespace"], "default");
    let failure = &report["results"][1];
    assert_eq!(failure["failureAction"], "Enforce", "{failure}");
    assert!(
        failure["message"]
            .as_str()
            .unwrap()
            .contains("label `team` is required")
    );
    assert_eq!(
        report["summary"],
        serde_json::json!({"pass": 1, "fail": 1, "skip": 0, "error": 0, "unsupported": 0})
    );
    assert_eq!(report["patched"], serde_json::json!([]));
}

#[test]
fn apply_json_shows_resources_patched_by_mutate_rules() {
    let context = context_with(&[("add-env.yaml", ADD_ENV), ("pods.yaml", PODS)]);
    let output = context.run(&[
        "policy",
        "apply",
        "add-env.yaml",
        "-r",
        "pods.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        apply_results(&report),
        [
            ("add-env", "add-env-label", "Pod", "good", "pass"),
            ("add-env", "add-env-label", "Pod", "bad", "pass"),
        ]
    );
    let patched = report["patched"].as_array().unwrap();
    assert_eq!(patched.len(), 2, "{report}");
    // The patch merges into existing labels and creates the map where there was none.
    assert_eq!(patched[0]["metadata"]["name"], "good");
    assert_eq!(
        patched[0]["metadata"]["labels"],
        serde_json::json!({"env": "prod", "team": "payments"})
    );
    assert_eq!(patched[1]["metadata"]["name"], "bad");
    assert_eq!(
        patched[1]["metadata"]["labels"],
        serde_json::json!({"env": "prod"})
    );
    assert_eq!(patched[1]["spec"]["containers"][0]["image"], "nginx");
}

#[test]
fn apply_answers_pod_rules_on_deployments_as_autogen_rules() {
    let context = context_with(&[
        ("require-team.yaml", REQUIRE_TEAM),
        ("deployments.yaml", DEPLOYMENTS),
    ]);
    let output = context.run(&[
        "policy",
        "apply",
        "require-team.yaml",
        "-r",
        "deployments.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        apply_results(&report),
        [
            (
                "require-team",
                "autogen-check-team",
                "Deployment",
                "web",
                "fail"
            ),
            (
                "require-team",
                "autogen-check-team",
                "Deployment",
                "api",
                "pass"
            ),
        ]
    );
    // The generated rule checks the pod template, not the Deployment's own metadata.
    assert!(
        report["results"][0]["message"]
            .as_str()
            .unwrap()
            .contains("/spec/template/metadata/labels"),
        "{report}"
    );
}

#[test]
fn apply_without_values_reports_an_error_for_an_api_call_context() {
    let context = context_with(&[("pod-quota.yaml", POD_QUOTA), ("pod.yaml", GOOD_POD)]);
    let output = context.run(&[
        "policy",
        "apply",
        "pod-quota.yaml",
        "-r",
        "pod.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        apply_results(&report),
        [("pod-quota", "max-pods", "Pod", "good", "error")]
    );
    let message = report["results"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("podcount") && message.contains("apiCall") && message.contains("--values"),
        "{message}"
    );
    assert_eq!(report["summary"]["error"], 1);
}

#[test]
fn apply_reads_an_api_call_context_from_values() {
    let context = context_with(&[
        ("pod-quota.yaml", POD_QUOTA),
        ("pod.yaml", GOOD_POD),
        ("few.yaml", &pod_quota_values(3)),
        ("many.yaml", &pod_quota_values(12)),
    ]);
    let apply = |values: &str| {
        context.run(&[
            "policy",
            "apply",
            "pod-quota.yaml",
            "-r",
            "pod.yaml",
            "--values",
            values,
            "--format",
            "json",
        ])
    };
    let few = apply("few.yaml");
    assert_eq!(few.status.code(), Some(0), "{}", stderr(&few));
    assert_eq!(
        apply_results(&json(&few)),
        [("pod-quota", "max-pods", "Pod", "good", "pass")]
    );
    // 12 ≥ 10: the value supplied is the one the deny condition and the message use.
    let many = apply("many.yaml");
    assert_eq!(many.status.code(), Some(1), "{}", stderr(&many));
    let report = json(&many);
    assert_eq!(
        apply_results(&report),
        [("pod-quota", "max-pods", "Pod", "good", "fail")]
    );
    assert_eq!(
        report["results"][0]["message"],
        "validation error: too many pods: 12"
    );
    assert_eq!(report["results"][0]["failureAction"], "Audit");
}

#[test]
fn apply_generates_resources_from_data() {
    let context = context_with(&[("generate.yaml", GENERATE), ("namespace.yaml", NAMESPACE)]);
    let output = context.run(&[
        "policy",
        "apply",
        "generate.yaml",
        "-r",
        "namespace.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        apply_results(&report),
        [(
            "default-deny",
            "generate-network-policy",
            "Namespace",
            "shop",
            "pass"
        )]
    );
    assert_eq!(
        report["generated"],
        serde_json::json!([{
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": {"name": "default-deny", "namespace": "shop"},
            "spec": {"podSelector": {}, "policyTypes": ["Ingress"]},
        }])
    );
}

#[test]
fn apply_reports_clone_generate_rules_as_unsupported() {
    let context = context_with(&[
        ("clone.yaml", GENERATE_CLONE),
        ("namespace.yaml", NAMESPACE),
    ]);
    let output = context.run(&[
        "policy",
        "apply",
        "clone.yaml",
        "-r",
        "namespace.yaml",
        "--format",
        "json",
    ]);
    // Documented: unsupported is neither a failure nor a pass, and it is warned about.
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = json(&output);
    assert_eq!(
        apply_results(&report),
        [(
            "copy-registry-secret",
            "clone-secret",
            "Namespace",
            "shop",
            "unsupported"
        )]
    );
    assert!(
        report["results"][0]["message"]
            .as_str()
            .unwrap()
            .contains("generate.clone"),
        "{report}"
    );
    assert_eq!(report["summary"]["unsupported"], 1);
    assert_eq!(report["summary"]["pass"], 0);
    assert!(
        stderr(&output).contains("warning: some rules use features custody does not evaluate"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn apply_policy_yaml_syntax_error_names_file_line_and_column() {
    let context = context_with(&[
        (
            "broken.yaml",
            "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata:\n  name: x\nspec:\n  rules: [a, b\n",
        ),
        ("pod.yaml", GOOD_POD),
    ]);
    let output = context.run(&["policy", "apply", "broken.yaml", "-r", "pod.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    // Line 6 holds `  rules: [a, b`; the unclosed bracket is column 10.
    assert!(
        stderr(&output).contains("broken.yaml:6:10: invalid YAML"),
        "{}",
        stderr(&output)
    );
    assert!(stdout(&output).is_empty());
}

#[test]
fn apply_rejects_a_non_policy_naming_its_kind() {
    let context = context_with(&[("namespace.yaml", NAMESPACE), ("pod.yaml", GOOD_POD)]);
    let output = context.run(&["policy", "apply", "namespace.yaml", "-r", "pod.yaml"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = stderr(&output);
    assert!(
        stderr.contains("namespace.yaml") && stderr.contains("kind `Namespace`"),
        "{stderr}"
    );
}

#[test]
fn test_all_passing_exits_0_with_the_totals_last() {
    let context = suite_context("pass");
    let output = context.run(&["policy", "test", "suite"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = stdout(&output);
    assert_eq!(
        stdout.lines().next(),
        Some(
            "require-team (suite/.kyverno-test/kyverno-test.yaml): 2 passed, 0 failed, 0 unsupported"
        )
    );
    assert_eq!(
        stdout.lines().last(),
        Some("2 passed, 0 failed, 0 unsupported")
    );
    // Without --detailed-results, passed cases print no rows.
    assert!(!stdout.contains("VERDICT"), "{stdout}");
}

#[test]
fn test_wrong_expectation_exits_1_showing_want_and_got() {
    let context = suite_context("fail");
    let output = context.run(&["policy", "test", "suite"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let stdout = stdout(&output);
    // Pod `good` carries the label, so the rule passes where the test wants fail.
    let failed = row(&stdout, "FAILED");
    assert_eq!(
        failed[..6],
        [
            "require-team",
            "check-team",
            "Pod/good",
            "fail",
            "pass",
            "FAILED"
        ]
    );
    // The correctly expected case is not printed without --detailed-results.
    assert!(!stdout.contains("Pod/bad"), "{stdout}");
    assert_eq!(
        stdout.lines().last(),
        Some("1 passed, 1 failed, 0 unsupported")
    );
}

#[test]
fn test_detailed_results_prints_passed_cases() {
    let context = suite_context("pass");
    let output = context.run(&["policy", "test", "suite", "--detailed-results"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let stdout = stdout(&output);
    assert_eq!(
        row(&stdout, "Pod/good"),
        [
            "require-team",
            "check-team",
            "Pod/good",
            "pass",
            "pass",
            "passed"
        ]
    );
    let bad = row(&stdout, "Pod/bad");
    assert_eq!(
        bad[..6],
        [
            "require-team",
            "check-team",
            "Pod/bad",
            "fail",
            "fail",
            "passed"
        ]
    );
    assert!(bad[6].contains("label `team` is required"), "{stdout}");
}

#[test]
fn test_json_is_an_array_of_reports_with_case_statuses() {
    let context = suite_context("fail");
    let output = context.run(&["policy", "test", "suite", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let reports = json(&output);
    let reports = reports.as_array().unwrap();
    assert_eq!(reports.len(), 1);
    assert_eq!(reports[0]["name"], "require-team");
    assert_eq!(reports[0]["path"], "suite/.kyverno-test/kyverno-test.yaml");
    let cases: Vec<_> = reports[0]["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|case| {
            (
                case["policy"].as_str().unwrap(),
                case["rule"].as_str().unwrap(),
                case["kind"].as_str().unwrap(),
                case["resource"].as_str().unwrap(),
                case["expected"].as_str().unwrap(),
                case["actual"].as_str().unwrap(),
                case["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            (
                "require-team",
                "check-team",
                "Pod",
                "good",
                "fail",
                "pass",
                "failed"
            ),
            (
                "require-team",
                "check-team",
                "Pod",
                "bad",
                "fail",
                "fail",
                "passed"
            ),
        ]
    );
    // Stdout holds only the JSON; the totals go to stderr.
    assert!(
        stderr(&output).contains("1 passed, 1 failed, 0 unsupported"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn test_runs_a_conformance_folder() {
    let folder =
        conformance("kyverno").join("pod-security/baseline/disallow-privileged-containers");
    let test_file = fs_err::read_to_string(folder.join(".kyverno-test/kyverno-test.yaml")).unwrap();
    // The file lists each result's resource names as `  - name` items under `resources:`,
    // and its policies and resources as unindented `- path` items before `results:`.
    let (_, results) = test_file.split_once("\nresults:\n").unwrap();
    let expected = results
        .lines()
        .filter(|line| line.starts_with("  - "))
        .count();
    assert!(expected > 0, "no cases in the corpus test file");
    let context = TestContext::new();
    let output = context.run(&["policy", "test", folder.to_str().unwrap()]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(
        stdout(&output).lines().last(),
        Some(format!("{expected} passed, 0 failed, 0 unsupported").as_str())
    );
}

#[test]
fn test_missing_resource_file_fails_its_cases_naming_the_path() {
    let context = context_with(&[
        ("suite/require-team.yaml", REQUIRE_TEAM),
        (
            "suite/.kyverno-test/kyverno-test.yaml",
            &require_team_test("absent.yaml", "pass"),
        ),
    ]);
    let output = context.run(&["policy", "test", "suite", "--format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let reports = json(&output);
    let cases = reports[0]["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 2, "{reports}");
    for case in cases {
        assert_eq!(case["status"], "failed", "{case}");
        assert!(
            case["message"]
                .as_str()
                .unwrap()
                .contains("suite/.kyverno-test/absent.yaml"),
            "{case}"
        );
    }
}

#[test]
fn test_without_test_files_exits_2() {
    let context = context_with(&[
        ("suite/require-team.yaml", REQUIRE_TEAM),
        ("suite/README.md", "no tests here"),
    ]);
    let output = context.run(&["policy", "test", "suite"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no kyverno-test.yaml files"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn help_policy_apply() {
    insta::assert_snapshot!(help(&["policy", "apply", "--help"]));
}

#[test]
fn help_policy_test() {
    insta::assert_snapshot!(help(&["policy", "test", "--help"]));
}
