//! Kyverno's auto-generated pod controller rules: the docs' example ("Auto-Gen Rules",
//! <https://kyverno.io/docs/policy-types/cluster-policy/autogen/>) compared field by field, each
//! qualification rule and annotation value of kyverno/kyverno `pkg/autogen/v1`, corpus policies
//! compared structurally with the rules Kyverno's `rule.go` builds from them, and every
//! `autogen-` result of the corpus tests checked against the generated rules.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Value, json};

use crate::{collect_yaml, corpus};
use custody_policy::kyverno::autogen::{
    AUTOGEN_CONTROLLERS_ANNOTATION, AutogenError, autogen_rules, compute_rules,
};
use custody_policy::kyverno::matching::{MatchRequest, MatchResources};

/// The six controllers with a pod template at `spec.template`, sorted as Kyverno writes them.
const CONTROLLERS: [&str; 6] = [
    "DaemonSet",
    "Deployment",
    "Job",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
];

/// A `ClusterPolicy` with these rules and, when given, the autogen annotation.
fn policy(annotation: Option<&str>, rules: &Value) -> Value {
    let annotations = annotation.map_or_else(
        || json!({}),
        |value| json!({AUTOGEN_CONTROLLERS_ANNOTATION: value}),
    );
    json!({
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": "test", "annotations": annotations},
        "spec": {"rules": rules},
    })
}

/// A Pod rule validating `pattern`, matched through `match.any`.
fn pod_rule(name: &str, pattern: &Value) -> Value {
    json!({
        "name": name,
        "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
        "validate": {"message": "denied", "pattern": pattern},
    })
}

/// The names of generated rules.
fn names(rules: &[Value]) -> Vec<&str> {
    rules
        .iter()
        .filter_map(|rule| rule["name"].as_str())
        .collect()
}

/// The docs' `restrict-image-registries`: the two rules Kyverno shows under
/// `status.autogen.rules`, without the empty fields Go prints.
#[test]
fn docs_example() {
    let policy = json!({
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": "restrict-image-registries"},
        "spec": {"rules": [{
            "name": "validate-registries",
            "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
            "validate": {
                "failureAction": "Enforce",
                "message": "Images may only come from our internal enterprise registry.",
                "pattern": {"spec": {"containers": [{"image": "registry.domain.com/*"}]}},
            },
        }]},
    });
    let rules = autogen_rules(&policy).expect("well-formed policy");
    assert_eq!(
        rules,
        [
            json!({
                "name": "autogen-validate-registries",
                "match": {"any": [{"resources": {"kinds": CONTROLLERS}}]},
                "validate": {
                    "failureAction": "Enforce",
                    "message": "Images may only come from our internal enterprise registry.",
                    "pattern": {"spec": {"template": {"spec": {
                        "containers": [{"image": "registry.domain.com/*"}],
                    }}}},
                },
            }),
            json!({
                "name": "autogen-cronjob-validate-registries",
                "match": {"any": [{"resources": {"kinds": ["CronJob"]}}]},
                "validate": {
                    "failureAction": "Enforce",
                    "message": "Images may only come from our internal enterprise registry.",
                    "pattern": {"spec": {"jobTemplate": {"spec": {"template": {"spec": {
                        "containers": [{"image": "registry.domain.com/*"}],
                    }}}}}},
                },
            }),
        ]
    );
}

/// "Auto-generation is not activated" for rules selecting resources by name, label selector or
/// annotations, for rules mixing `Pod` with other kinds, and for policies with a `generate`
/// rule or a JSON patch: one such rule disables the whole policy.
#[test]
fn disqualified_policies_generate_nothing() {
    let pattern = json!({"spec": {"hostNetwork": false}});
    let with_resources = |resources: Value| {
        json!({
            "name": "r",
            "match": {"any": [{"resources": resources}]},
            "validate": {"pattern": pattern},
        })
    };
    let disqualifying = [
        with_resources(json!({"kinds": ["Pod"], "names": ["web-*"]})),
        with_resources(json!({"kinds": ["Pod"], "name": "web"})),
        with_resources(json!({"kinds": ["Pod"], "selector": {"matchLabels": {"app": "web"}}})),
        with_resources(json!({"kinds": ["Pod"], "annotations": {"team": "a"}})),
        with_resources(json!({"kinds": ["Pod", "Deployment"]})),
        json!({"name": "g", "match": {"resources": {"kinds": ["Namespace"]}},
               "generate": {"kind": "ConfigMap", "name": "x", "data": {}}}),
        json!({"name": "j", "match": {"resources": {"kinds": ["Pod"]}},
               "mutate": {"patchesJson6902": "- op: add\n  path: /x\n  value: 1"}}),
        json!({"name": "f", "match": {"resources": {"kinds": ["Pod"]}},
               "mutate": {"foreach": [{"list": "request.object.spec.containers",
                                       "patchesJson6902": "- op: remove\n  path: /x"}]}}),
        json!({"name": "e", "match": {"resources": {"kinds": ["Pod"]}},
               "exclude": {"all": [{"resources": {"selector": {"matchLabels": {"a": "b"}}}}]},
               "validate": {"pattern": pattern}}),
    ];
    for rule in disqualifying {
        let rules = json!([pod_rule("good", &pattern), rule]);
        let generated = autogen_rules(&policy(None, &rules)).expect("well-formed policy");
        assert_eq!(generated, Vec::<Value>::new(), "{rules}");
        // An annotation cannot force auto-generation either.
        let generated =
            autogen_rules(&policy(Some("Deployment"), &rules)).expect("well-formed policy");
        assert!(generated.is_empty());
    }
    // Policies that select no Pod or controller kind qualify for nothing.
    let service = json!([{"name": "s", "match": {"resources": {"kinds": ["Service"]}},
                          "validate": {"pattern": {"spec": {"type": "ClusterIP"}}}}]);
    assert!(
        autogen_rules(&policy(None, &service))
            .expect("well-formed")
            .is_empty()
    );
}

/// Rules of a qualifying policy that are not Pod rules (a controller kind, or an exclude block
/// without `Pod`) are left alone, while the Pod rules next to them are generated.
#[test]
fn only_pod_rules_are_generated() {
    let pattern = json!({"spec": {"hostPID": false}});
    let rules = json!([
        {"name": "deployments", "match": {"resources": {"kinds": ["Deployment"]}},
         "validate": {"pattern": pattern}},
        {"name": "pods-excluding-services", "match": {"resources": {"kinds": ["Pod"]}},
         "exclude": {"resources": {"kinds": ["Service"]}}, "validate": {"pattern": pattern}},
        pod_rule("pods", &pattern),
        {"name": "autogen-pods", "match": {"resources": {"kinds": ["Pod"]}},
         "validate": {"pattern": pattern}},
    ]);
    let generated = autogen_rules(&policy(None, &rules)).expect("well-formed policy");
    assert_eq!(names(&generated), ["autogen-pods", "autogen-cronjob-pods"]);
}

/// The annotation: `none` disables; a list keeps the known controllers (sorted) and adds the
/// `CronJob` rule only when named; `all` means every controller; only unknown names (custom
/// controllers) are used as given.
#[test]
fn annotation_selects_controllers() {
    let rules = json!([pod_rule("host", &json!({"spec": {"hostIPC": false}}))]);
    let generate = |annotation: &str| {
        autogen_rules(&policy(Some(annotation), &rules)).expect("well-formed policy")
    };
    let kinds = |rule: &Value| rule["match"]["any"][0]["resources"]["kinds"].clone();

    assert!(generate("none").is_empty());
    // An empty value names no controller.
    assert!(generate("").is_empty());

    let generated = generate("StatefulSet,DaemonSet,Deployment");
    assert_eq!(names(&generated), ["autogen-host"]);
    assert_eq!(
        kinds(&generated[0]),
        json!(["DaemonSet", "Deployment", "StatefulSet"])
    );

    let generated = generate("Deployment,CronJob");
    assert_eq!(names(&generated), ["autogen-host", "autogen-cronjob-host"]);
    assert_eq!(kinds(&generated[0]), json!(["Deployment"]));
    assert_eq!(kinds(&generated[1]), json!(["CronJob"]));

    let generated = generate("CronJob");
    assert_eq!(names(&generated), ["autogen-cronjob-host"]);

    let generated = generate("all");
    assert_eq!(names(&generated), ["autogen-host", "autogen-cronjob-host"]);
    assert_eq!(kinds(&generated[0]), json!(CONTROLLERS));

    // Names are split at commas only: " Job" is not a controller Kyverno knows.
    let generated = generate("Deployment, Job");
    assert_eq!(kinds(&generated[0]), json!(["Deployment"]));

    let generated = generate("MyController");
    assert_eq!(kinds(&generated[0]), json!(["MyController"]));

    // Without the annotation: every controller, and the CronJob rule.
    let generated = autogen_rules(&policy(None, &rules)).expect("well-formed policy");
    assert_eq!(kinds(&generated[0]), json!(CONTROLLERS));
    assert_eq!(names(&generated), ["autogen-host", "autogen-cronjob-host"]);
}

/// Kinds are rewritten per form: the direct `resources.kinds`; in `any`/`all`, only the filters
/// listing `Pod` (the `CronJob` rule: every filter); exclude kinds only where given.
#[test]
fn match_and_exclude_kinds() {
    let rule = json!({
        "name": "r",
        "match": {"all": [
            {"resources": {"kinds": ["Pod"]}},
            {"resources": {"namespaces": ["prod-*"]}},
        ]},
        "exclude": {"resources": {"kinds": ["Pod"], "namespaces": ["kube-system"]}},
        "validate": {"pattern": {"spec": {"hostNetwork": false}}},
    });
    let generated = autogen_rules(&policy(None, &json!([rule]))).expect("well-formed policy");
    assert_eq!(
        generated[0]["match"],
        json!({"all": [
            {"resources": {"kinds": CONTROLLERS}},
            {"resources": {"namespaces": ["prod-*"]}},
        ]})
    );
    assert_eq!(
        generated[0]["exclude"],
        json!({"resources": {"kinds": CONTROLLERS, "namespaces": ["kube-system"]}})
    );
    assert_eq!(
        generated[1]["match"],
        json!({"all": [
            {"resources": {"kinds": ["CronJob"]}},
            {"resources": {"kinds": ["CronJob"], "namespaces": ["prod-*"]}},
        ]})
    );
    assert_eq!(
        generated[1]["exclude"],
        json!({"resources": {"kinds": ["CronJob"], "namespaces": ["kube-system"]}})
    );

    let legacy = json!({
        "name": "legacy",
        "match": {"resources": {"kinds": ["v1/Pod"], "namespaces": ["apps"]}},
        "exclude": {"resources": {"namespaces": ["kube-system"]}},
        "validate": {"pattern": {"spec": {"hostNetwork": false}}},
    });
    // `v1/Pod` selects Pods but is not the plain kind that marks a policy as needing
    // auto-generation, so a second rule listing `Pod` is required (as in Kyverno).
    let rules = json!([legacy, pod_rule("plain", &json!({"spec": {}}))]);
    let generated = autogen_rules(&policy(None, &rules)).expect("well-formed policy");
    assert_eq!(
        generated[0]["match"],
        json!({"resources": {"kinds": CONTROLLERS, "namespaces": ["apps"]}})
    );
    assert_eq!(
        generated[0]["exclude"],
        json!({"resources": {"namespaces": ["kube-system"]}})
    );
}

/// Variables move onto the pod template in every string and key: deny conditions, messages,
/// context entries, preconditions; `request.oldObject` too.
#[test]
fn variables_are_rewritten() {
    let rule = json!({
        "name": "deny-host",
        "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
        "context": [{"name": "sa", "variable": {"jmesPath": "request.object.spec.serviceAccountName"}}],
        "preconditions": {"all": [{
            "key": "{{ request.oldObject.metadata.labels.app || '' }}",
            "operator": "NotEquals",
            "value": "",
        }]},
        "validate": {
            "message": "{{ request.object.metadata.name }} uses the host network",
            "deny": {"conditions": {"any": [{
                "key": "{{ request.object.spec.hostNetwork }}",
                "operator": "Equals",
                "value": true,
            }]}},
        },
    });
    let generated = autogen_rules(&policy(None, &json!([rule]))).expect("well-formed policy");
    assert_eq!(
        generated[0],
        json!({
            "name": "autogen-deny-host",
            "match": {"any": [{"resources": {"kinds": CONTROLLERS}}]},
            "context": [{"name": "sa", "variable": {
                "jmesPath": "request.object.spec.template.spec.serviceAccountName",
            }}],
            "preconditions": {"all": [{
                "key": "{{ request.oldObject.spec.template.metadata.labels.app || '' }}",
                "operator": "NotEquals",
                "value": "",
            }]},
            "validate": {
                "message": "{{ request.object.spec.template.metadata.name }} uses the host network",
                "deny": {"conditions": {"any": [{
                    "key": "{{ request.object.spec.template.spec.hostNetwork }}",
                    "operator": "Equals",
                    "value": true,
                }]}},
            },
        })
    );
    let cron_job = &generated[1];
    assert_eq!(
        cron_job["validate"]["deny"]["conditions"]["any"][0]["key"],
        "{{ request.object.spec.jobTemplate.spec.template.spec.hostNetwork }}"
    );
    assert_eq!(
        cron_job["validate"]["message"],
        "{{ request.object.spec.jobTemplate.spec.template.metadata.name }} uses the host network"
    );
    assert_eq!(
        cron_job["preconditions"]["all"][0]["key"],
        "{{ request.oldObject.spec.jobTemplate.spec.template.metadata.labels.app || '' }}"
    );
}

/// `anyPattern` entries are wrapped one by one; `podSecurity` keeps level, version and
/// excludes; fields Kyverno does not carry over (here `imageExtractors`) are dropped.
#[test]
fn any_pattern_and_pod_security() {
    let rules = json!([
        {"name": "any", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
         "imageExtractors": {"Pod": [{"path": "/spec/x"}]},
         "validate": {"anyPattern": [{"spec": {"a": 1}}, {"spec": {"b": 2}}]}},
        {"name": "pss", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
         "validate": {"podSecurity": {"level": "baseline", "version": "latest",
                                      "exclude": [{"controlName": "Capabilities", "images": ["*"]}]}}},
    ]);
    let generated = autogen_rules(&policy(None, &rules)).expect("well-formed policy");
    assert_eq!(
        names(&generated),
        [
            "autogen-any",
            "autogen-cronjob-any",
            "autogen-pss",
            "autogen-cronjob-pss"
        ]
    );
    assert_eq!(
        generated[0]["validate"],
        json!({"anyPattern": [
            {"spec": {"template": {"spec": {"a": 1}}}},
            {"spec": {"template": {"spec": {"b": 2}}}},
        ]})
    );
    assert!(generated[0].get("imageExtractors").is_none());
    assert_eq!(
        generated[3]["validate"],
        json!({"podSecurity": {"level": "baseline", "version": "latest",
                               "exclude": [{"controlName": "Capabilities", "images": ["*"]}]}})
    );
}

/// Written `autogen-` rules are replaced by the generated ones, which follow the written rules.
#[test]
fn compute_rules_places_generated_rules_last() {
    let rules = json!([
        pod_rule("first", &json!({"spec": {}})),
        pod_rule("autogen-first", &json!({"spec": {}})),
        {"name": "services", "match": {"resources": {"kinds": ["Service"]}},
         "validate": {"pattern": {"spec": {}}}},
    ]);
    let computed = compute_rules(&policy(None, &rules)).expect("well-formed policy");
    assert_eq!(
        names(&computed),
        [
            "first",
            "services",
            "autogen-first",
            "autogen-cronjob-first"
        ]
    );
    let disabled = json!([
        pod_rule("autogen-first", &json!({})),
        pod_rule("x", &json!({}))
    ]);
    let computed = compute_rules(&policy(Some("none"), &disabled)).expect("well-formed policy");
    assert_eq!(names(&computed), ["autogen-first", "x"]);
}

/// Malformed policies are errors naming the field; a policy without rules generates nothing.
#[test]
fn malformed_policies() {
    let not_array = json!({"spec": {"rules": {"name": "x"}}});
    assert_eq!(
        autogen_rules(&not_array),
        Err(AutogenError::WrongType {
            path: "spec.rules".to_owned(),
            expected: "an array"
        })
    );
    let any_pattern = json!([{"name": "x", "match": {"resources": {"kinds": ["Pod"]}},
                              "validate": {"anyPattern": {"spec": {}}}}]);
    assert_eq!(
        autogen_rules(&policy(None, &any_pattern)),
        Err(AutogenError::WrongType {
            path: "spec.rules[0].validate.anyPattern".to_owned(),
            expected: "an array"
        })
    );
    assert_eq!(
        autogen_rules(&json!({"kind": "ClusterPolicy"})),
        Ok(Vec::new())
    );
    assert_eq!(autogen_rules(&json!("not a policy")), Ok(Vec::new()));
}

/// The corpus's `require-probes`: a `foreach` validation keeps its entries, its `list` and the
/// rule's preconditions rewritten, for the controllers its annotation names
/// (`DaemonSet,Deployment,StatefulSet`: no `CronJob` rule).
#[test]
fn corpus_require_probes() {
    let policy = read_policy("best-practices/require-probes/require-probes.yaml");
    let generated = autogen_rules(&policy).expect("corpus policy is well-formed");
    let written = &policy["spec"]["rules"][0];
    let mut foreach = written["validate"]["foreach"].clone();
    foreach[0]["list"] = json!("request.object.spec.template.spec.containers[]");
    assert_eq!(
        generated,
        [json!({
            "name": "autogen-validate-probes",
            "match": {"any": [{"resources": {
                "kinds": ["DaemonSet", "Deployment", "StatefulSet"],
            }}]},
            "preconditions": written["preconditions"],
            "validate": {"message": written["validate"]["message"], "foreach": foreach},
        })]
    );
}

/// The corpus's `add-certificates-volume`: each `mutate.foreach` entry keeps its list (rewritten)
/// and its patch wrapped; the preconditions read the pod template's annotations.
#[test]
fn corpus_add_certificates_volume() {
    let policy = read_policy("other/add-certificates-volume/add-certificates-volume.yaml");
    let generated = autogen_rules(&policy).expect("corpus policy is well-formed");
    assert_eq!(names(&generated), ["autogen-add-ssl-certs"]);
    let written = &policy["spec"]["rules"][0]["mutate"]["foreach"][0];
    assert_eq!(
        generated[0]["mutate"],
        json!({"foreach": [{
            "list": "request.object.spec.template.spec.containers",
            "patchStrategicMerge": {"spec": {"template": written["patchStrategicMerge"]}},
        }]})
    );
    assert_eq!(
        generated[0]["preconditions"]["all"][0]["key"],
        "{{request.object.spec.template.metadata.annotations.\"inject-certs\" || \"\"}}"
    );
}

/// Every `autogen-` result of the corpus tests names a rule generated for its policy whose
/// match block selects the tested resource; policies whose annotation is `none` generate
/// nothing; every corpus policy is read without error.
#[test]
fn corpus_results_name_generated_rules() {
    let corpus = corpus("kyverno");
    let mut files = Vec::new();
    for folder in ["best-practices", "other", "pod-security"] {
        collect_yaml(&corpus.join(folder), &mut files);
    }
    let mut failures = Vec::new();
    let (mut policies, mut disabled, mut generating, mut results) = (0, 0, 0, 0);
    for file in &files {
        if file
            .file_name()
            .is_some_and(|name| name == "kyverno-test.yaml")
        {
            results += check_test(file, &mut failures);
            continue;
        }
        let text = fs_err::read_to_string(file).expect("corpus file is readable");
        if !text.contains("kind: ClusterPolicy") && !text.contains("kind: Policy") {
            continue;
        }
        for document in read_documents(file).into_iter().filter(is_policy) {
            policies += 1;
            let generated = match autogen_rules(&document) {
                Ok(generated) => generated,
                Err(error) => {
                    failures.push(format!("{}: {error}", file.display()));
                    continue;
                }
            };
            generating += usize::from(!generated.is_empty());
            let annotation =
                document["metadata"]["annotations"][AUTOGEN_CONTROLLERS_ANNOTATION].as_str();
            if annotation == Some("none") {
                disabled += 1;
                if !generated.is_empty() {
                    failures.push(format!(
                        "{}: annotation none, got {:?}",
                        file.display(),
                        names(&generated)
                    ));
                }
            } else if let Some(annotation) = annotation {
                check_annotated_kinds(file, annotation, &generated, &mut failures);
            }
        }
    }
    eprintln!(
        "autogen corpus: {policies} policies ({generating} generate rules, {disabled} disabled by annotation), {results} autogen results found, {} failures",
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(policies > 200, "only {policies} policies read");
    assert_eq!(disabled, 15, "policies annotated `none`");
    assert_eq!(results, 4, "autogen results in the corpus tests");
}

/// For a policy naming controllers: generated `autogen-` rules select only those, and a
/// `CronJob` rule exists exactly when the annotation names `CronJob`.
fn check_annotated_kinds(
    file: &Path,
    annotation: &str,
    generated: &[Value],
    failures: &mut Vec<String>,
) {
    let requested: BTreeSet<&str> = annotation.split(',').collect();
    for rule in generated {
        let name = rule["name"].as_str().unwrap_or_default();
        let cron_job = name.starts_with("autogen-cronjob-");
        let kinds: Vec<&str> = ["any", "all"]
            .iter()
            .flat_map(|list| rule["match"][list].as_array().into_iter().flatten())
            .chain([&rule["match"]])
            .flat_map(|filter| {
                filter["resources"]["kinds"]
                    .as_array()
                    .into_iter()
                    .flatten()
            })
            .filter_map(Value::as_str)
            .collect();
        let expected_kind = |kind: &&str| {
            if cron_job {
                *kind == "CronJob"
            } else {
                requested.contains(kind) && *kind != "CronJob"
            }
        };
        if kinds.is_empty() || !kinds.iter().all(expected_kind) {
            failures.push(format!(
                "{}: {name} selects {kinds:?} for annotation {annotation}",
                file.display()
            ));
        }
        if cron_job && !requested.contains("CronJob") {
            failures.push(format!(
                "{}: {name} generated without CronJob in {annotation}",
                file.display()
            ));
        }
    }
}

/// Checks the `autogen-` results of one test file; returns how many it found.
fn check_test(file: &Path, failures: &mut Vec<String>) -> usize {
    let directory = file.parent().expect("a test file is in a folder");
    let test = &read_documents(file)[0];
    let documents = |key: &str| -> Vec<Value> {
        test[key]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|path| directory.join(path))
            .filter(|path| path.is_file())
            .flat_map(|path| read_documents(&path))
            .collect()
    };
    let policies = documents("policies");
    let resources = documents("resources");
    let mut found = 0;
    for result in test["results"].as_array().into_iter().flatten() {
        let Some(rule_name) = result["rule"]
            .as_str()
            .filter(|rule| rule.starts_with("autogen-"))
        else {
            continue;
        };
        let place = format!("{}: {} {rule_name}", file.display(), result["policy"]);
        let Some(policy) = policies
            .iter()
            .find(|policy| policy["metadata"]["name"] == result["policy"])
        else {
            failures.push(format!("{place}: policy not in the test"));
            continue;
        };
        let generated = autogen_rules(policy).unwrap_or_default();
        let Some(rule) = generated.iter().find(|rule| rule["name"] == rule_name) else {
            failures.push(format!(
                "{place}: not generated; got {:?}",
                names(&generated)
            ));
            continue;
        };
        found += 1;
        let matching: MatchResources = match serde_json::from_value(rule["match"].clone()) {
            Ok(matching) => matching,
            Err(error) => {
                failures.push(format!("{place}: generated match block invalid: {error}"));
                continue;
            }
        };
        for name in result["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            let resource = resources.iter().find(|resource| {
                resource["kind"] == result["kind"] && resource["metadata"]["name"] == name
            });
            match resource {
                Some(resource) if matching.matches(&MatchRequest::new(resource)) => {}
                Some(_) => {
                    failures.push(format!("{place}: {name} not matched by {}", rule["match"]));
                }
                None => failures.push(format!("{place}: resource {name} not in the test")),
            }
        }
    }
    found
}

/// A corpus policy, by its path under the Kyverno corpus.
fn read_policy(path: &str) -> Value {
    read_documents(&corpus("kyverno").join(path))
        .into_iter()
        .find(is_policy)
        .expect("the file holds a policy")
}

/// Whether a document is a Kyverno `ClusterPolicy` or `Policy`.
fn is_policy(document: &Value) -> bool {
    matches!(document["kind"].as_str(), Some("ClusterPolicy" | "Policy"))
        && document["apiVersion"]
            .as_str()
            .is_some_and(|version| version.starts_with("kyverno.io/"))
}

/// The YAML documents of a file; an unreadable or invalid file fails the test.
fn read_documents(file: &Path) -> Vec<Value> {
    let text = fs_err::read_to_string(file).expect("corpus file is readable");
    serde_saphyr::from_multiple::<Value>(&text)
        .unwrap_or_else(|error| panic!("{} is not YAML: {error}", file.display()))
}
