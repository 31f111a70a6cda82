//! Patterns of real Kyverno policies (../shared/conformance/kyverno, from kyverno/policies)
//! evaluated on the resources of their `kyverno-test.yaml`, compared with the expected
//! pass/fail/skip. Only rules that need nothing but the pattern take part: rules with
//! preconditions, context, exclude blocks, `anyPattern` or variables are left out by name.
//!
//! Pod rules also run on pod controllers through a minimal stand-in for Kyverno's autogen
//! (the pattern moved under `spec.template`, or `spec.jobTemplate.spec.template` for a `CronJob`),
//! because the tests list those results too; the real autogen belongs to the rule engine.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use crate::corpus;
use custody_policy::kyverno::pattern::{Pattern, PatternOutcome};

/// The policy folders evaluated, relative to the Kyverno corpus.
const POLICIES: &[&str] = &[
    "pod-security/baseline/disallow-host-path",
    "pod-security/baseline/disallow-host-namespaces",
    "pod-security/baseline/disallow-host-ports",
    "pod-security/baseline/disallow-privileged-containers",
    "pod-security/baseline/disallow-proc-mount",
    "pod-security/baseline/disallow-selinux",
    "pod-security/baseline/restrict-seccomp",
    "pod-security/restricted/require-run-as-non-root-user",
    "pod-security/restricted/disallow-privilege-escalation",
    "best-practices/disallow-latest-tag",
    "best-practices/require-ro-rootfs",
    "best-practices/require-pod-requests-limits",
    "best-practices/require-labels",
    "best-practices/restrict-node-port",
    "pod-security/baseline/restrict-sysctls",
    "pod-security/baseline/disallow-host-process",
    "pod-security/baseline/restrict-apparmor-profiles",
    "best-practices/disallow-default-namespace",
    "best-practices/restrict-image-registries",
    "best-practices/restrict-service-external-ips",
    "best-practices/disallow-helm-tiller",
    "best-practices/disallow-cri-sock-mount",
    // Conditional anchors that skip, ranges, `>`, negation anchors and label wildcards.
    "other/disallow-localhost-services",
    "other/docker-socket-requires-label",
    "other/restrict-service-port-range",
    "other/require-deployments-have-multiple-replicas",
    "other/forbid-cpu-limits",
    "other/require-non-root-groups",
    "other/restrict-usergroup-fsgroup-id",
    "other/imagepullpolicy-always",
    "other/restrict-annotations",
    "other/check-env-vars",
];

const POD_CONTROLLERS: &[&str] = &[
    "Deployment",
    "DaemonSet",
    "StatefulSet",
    "ReplicaSet",
    "ReplicationController",
    "Job",
];

fn yaml_documents(path: &Path) -> Vec<Value> {
    let text = fs_err::read_to_string(path).expect("corpus file is readable");
    serde_saphyr::from_multiple::<Value>(&text)
        .expect("corpus file is YAML")
        .into_iter()
        .filter(|document| !document.is_null())
        .collect()
}

/// Why a rule cannot be evaluated by its pattern alone, if it cannot.
fn needs_more_than_pattern(rule: &Value) -> Option<&'static str> {
    let validate = &rule["validate"];
    if validate.get("pattern").is_none() {
        Some("no validate.pattern")
    } else if rule.get("preconditions").is_some() {
        Some("preconditions")
    } else if rule.get("context").is_some() {
        Some("context")
    } else if rule.get("exclude").is_some() {
        Some("exclude")
    } else if validate["pattern"].to_string().contains("{{") {
        Some("variables")
    } else {
        None
    }
}

/// The pattern for `kind`: the rule's own when it matches `kind`, else autogen's rewrite of a
/// Pod rule for pod controllers and `CronJob`.
fn pattern_for(rule: &Value, kind: &str) -> Option<Value> {
    let kinds: Vec<&str> = rule["match"]["any"]
        .as_array()
        .into_iter()
        .chain(rule["match"]["all"].as_array())
        .flatten()
        .chain(std::iter::once(&rule["match"]))
        .filter_map(|filter| filter["resources"]["kinds"].as_array())
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let pattern = rule["validate"]["pattern"].clone();
    if kinds.contains(&kind) {
        Some(pattern)
    } else if !kinds.contains(&"Pod") {
        None
    } else if POD_CONTROLLERS.contains(&kind) {
        Some(json!({"spec": {"template": pattern}}))
    } else if kind == "CronJob" {
        Some(json!({"spec": {"jobTemplate": {"spec": {"template": pattern}}}}))
    } else {
        None
    }
}

fn outcome_name(outcome: &PatternOutcome) -> &'static str {
    match outcome {
        PatternOutcome::Pass => "pass",
        PatternOutcome::Fail { .. } => "fail",
        PatternOutcome::Skip { .. } => "skip",
    }
}

/// Pass, fail and excluded counts with one line per mismatch.
#[derive(Default)]
struct Tally {
    passed: usize,
    /// Excluded result entries counted by the reason they need more than the pattern.
    excluded: BTreeMap<&'static str, usize>,
    failures: Vec<String>,
}

fn evaluate_folder(corpus: &Path, folder: &str, tally: &mut Tally) {
    let test_dir = corpus.join(folder).join(".kyverno-test");
    let test = &yaml_documents(&test_dir.join("kyverno-test.yaml"))[0];
    let files = |key: &str| -> Vec<Value> {
        test[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .flat_map(|path| yaml_documents(&test_dir.join(path)))
            .collect()
    };
    let (policies, resources) = (files("policies"), files("resources"));
    for result in test["results"].as_array().expect("test lists results") {
        let names: Vec<&Value> = result["resources"]
            .as_array()
            .map_or_else(|| vec![&result["resource"]], |names| names.iter().collect());
        let rule = policies
            .iter()
            .filter(|policy| policy["metadata"]["name"] == result["policy"])
            .flat_map(|policy| policy["spec"]["rules"].as_array().into_iter().flatten())
            .find(|rule| rule["name"] == result["rule"])
            .expect("result names a rule of the policy");
        let kind = result["kind"].as_str().expect("result has a kind");
        let pattern = match (needs_more_than_pattern(rule), pattern_for(rule, kind)) {
            (None, Some(pattern)) => pattern,
            (reason, _) => {
                let reason = reason.unwrap_or("kind not matched by the rule");
                *tally.excluded.entry(reason).or_default() += names.len();
                continue;
            }
        };
        let pattern = Pattern::new(&pattern).expect("upstream pattern is well-formed");
        for name in names {
            let resource = resources
                .iter()
                .find(|resource| resource["kind"] == kind && &resource["metadata"]["name"] == name)
                .expect("result names a resource of the test");
            let outcome = pattern.validate(resource);
            let expected = result["result"].as_str().expect("result is a string");
            if outcome_name(&outcome) == expected {
                tally.passed += 1;
            } else {
                tally.failures.push(format!(
                    "{folder} rule {} {kind}/{name}: expected {expected}, got {outcome:?}",
                    result["rule"]
                ));
            }
        }
    }
}

#[test]
fn kyverno_policy_patterns_give_expected_results() {
    let corpus = corpus("kyverno");
    let mut tally = Tally::default();
    for folder in POLICIES {
        evaluate_folder(&corpus, folder, &mut tally);
    }
    println!(
        "kyverno patterns: {} passed, {} failed, {} excluded {:?}",
        tally.passed,
        tally.failures.len(),
        tally.excluded.values().sum::<usize>(),
        tally.excluded
    );
    assert!(tally.passed > 0, "no case evaluated");
    assert!(
        tally.failures.is_empty(),
        "mismatches:\n{}",
        tally.failures.join("\n")
    );
}
