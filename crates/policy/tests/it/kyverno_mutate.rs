//! Kyverno mutate patches: each anchor and directive from kyverno.io "Mutate Rules" (sections
//! named on each test), RFC 6902 operations with Kyverno's leniencies, and the
//! `patchedResources` of the Kyverno corpus for the rules whose patches need no variables.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::{collect_yaml, corpus};
use custody_policy::kyverno::matching::{MatchRequest, MatchResources, rule_applies};
use custody_policy::kyverno::mutate::{MutateError, OperationProblem, json6902, strategic_merge};

fn pod(spec: &Value) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": spec})
}

// --- "Mutate Rules: Strategic Merge Patch" -------------------------------------------------

/// The page's first example: `(image): "*:latest"` sets `imagePullPolicy` on the containers
/// whose image ends with `:latest`, and only on those.
#[test]
fn conditional_anchor_in_list_patches_matching_elements_only() {
    let resource = pod(&json!({"containers": [
        {"name": "a", "image": "nginx:latest"},
        {"name": "b", "image": "nginx:1.25"},
    ]}));
    let patch = json!({"spec": {"containers": [
        {"(image)": "*:latest", "imagePullPolicy": "IfNotPresent"},
    ]}});
    let patched = strategic_merge(&resource, &patch).unwrap();
    assert_eq!(
        patched["spec"]["containers"],
        json!([
            {"name": "a", "image": "nginx:latest", "imagePullPolicy": "IfNotPresent"},
            {"name": "b", "image": "nginx:1.25"},
        ])
    );
}

/// Maps merge recursively and lists of maps merge by `name`; new elements come first
/// (kustomize prepends), other lists are replaced.
#[test]
fn maps_merge_and_named_lists_merge_by_key() {
    let resource = pod(&json!({
        "containers": [{"name": "app", "image": "app:1", "args": ["--old"]}],
        "nodeSelector": {"disk": "ssd"},
    }));
    let patch = json!({"spec": {
        "containers": [
            {"name": "app", "args": ["--new"]},
            {"name": "sidecar", "image": "proxy:2"},
        ],
        "nodeSelector": {"zone": "a"},
    }});
    let patched = strategic_merge(&resource, &patch).unwrap();
    assert_eq!(
        patched["spec"],
        json!({
            "containers": [
                {"name": "app", "image": "app:1", "args": ["--new"]},
                {"name": "sidecar", "image": "proxy:2"},
            ],
            "nodeSelector": {"disk": "ssd", "zone": "a"},
        })
    );
    // The patch order decides: a new element listed before an existing one comes first.
    let patch = json!({"spec": {"containers": [{"name": "init", "image": "i:1"}]}});
    let patched = strategic_merge(&resource, &patch).unwrap();
    let names: Vec<&str> = patched["spec"]["containers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|container| container["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["init", "app"]);
}

/// kyaml's other merge keys: `mountPath` wins over `name` when every element has both.
#[test]
fn volume_mounts_merge_by_mount_path() {
    let resource = pod(&json!({"containers": [{"name": "app", "volumeMounts": [
        {"name": "data", "mountPath": "/data"},
    ]}]}));
    let patch = json!({"spec": {"containers": [{"name": "app", "volumeMounts": [
        {"name": "data-v2", "mountPath": "/data", "readOnly": true},
    ]}]}});
    let patched = strategic_merge(&resource, &patch).unwrap();
    assert_eq!(
        patched["spec"]["containers"][0]["volumeMounts"],
        json!([{"name": "data-v2", "mountPath": "/data", "readOnly": true}])
    );
}

/// `null` deletes a field; `$patch: delete` deletes a list element and `$patch: replace`
/// replaces a map instead of merging it.
#[test]
fn null_and_patch_directives() {
    let resource = pod(&json!({
        "hostNetwork": true,
        "containers": [{"name": "a"}, {"name": "b"}],
        "securityContext": {"runAsUser": 0, "fsGroup": 1},
    }));
    let patch = json!({"spec": {
        "hostNetwork": null,
        "containers": [{"name": "b", "$patch": "delete"}],
        "securityContext": {"$patch": "replace", "runAsNonRoot": true},
    }});
    let patched = strategic_merge(&resource, &patch).unwrap();
    assert_eq!(
        patched["spec"],
        json!({"containers": [{"name": "a"}], "securityContext": {"runAsNonRoot": true}})
    );
    let patch = json!({"spec": {"containers": [{"name": "z"}, {"$patch": "replace"}]}});
    let patched = strategic_merge(&resource, &patch).unwrap();
    assert_eq!(patched["spec"]["containers"], json!([{"name": "z"}]));
    let error = strategic_merge(&resource, &json!({"spec": {"$patch": "bogus"}})).unwrap_err();
    assert!(
        matches!(&error, MutateError::UnknownDirective { path, directive } if path == "/spec" && directive == "bogus"),
        "{error:?}"
    );
}

// --- "Mutate Rules: Conditional logic using anchors" ----------------------------------------

/// Add-if-not-present `+(key)`: adds a missing field, leaves an existing one alone.
#[test]
fn add_if_not_present_anchor() {
    let patch =
        json!({"spec": {"securityContext": {"+(runAsNonRoot)": true, "+(runAsUser)": 1000}}});
    let patched =
        strategic_merge(&pod(&json!({"securityContext": {"runAsUser": 0}})), &patch).unwrap();
    assert_eq!(
        patched["spec"]["securityContext"],
        json!({"runAsNonRoot": true, "runAsUser": 0})
    );
    let patched = strategic_merge(&pod(&json!({})), &patch).unwrap();
    assert_eq!(
        patched["spec"]["securityContext"],
        json!({"runAsNonRoot": true, "runAsUser": 1000})
    );
}

/// A conditional anchor in a map: when it does not match, the whole patch is dropped.
#[test]
fn conditional_anchor_in_map_drops_the_whole_patch() {
    let patch = json!({
        "metadata": {"labels": {"(app)": "nginx"}},
        "spec": {"priorityClassName": "web"},
    });
    let nginx = json!({"metadata": {"name": "a", "labels": {"app": "nginx"}}, "spec": {}});
    let patched = strategic_merge(&nginx, &patch).unwrap();
    assert_eq!(patched["spec"]["priorityClassName"], "web");
    // The condition is not copied into the resource.
    assert_eq!(patched["metadata"]["labels"], json!({"app": "nginx"}));

    for labels in [json!({"app": "redis"}), json!({})] {
        let other = json!({"metadata": {"name": "b", "labels": labels}, "spec": {}});
        assert_eq!(strategic_merge(&other, &patch).unwrap(), other);
    }
}

/// Conditional anchors compare through YAML text, so `true` matches `"true"`, and they take
/// the validate pattern language (wildcards here).
#[test]
fn conditional_anchor_uses_pattern_language() {
    let patch = json!({
        "metadata": {"annotations": {"(inject)": true}},
        "spec": {"containers": [{"(name)": "?*", "imagePullPolicy": "Always"}]},
    });
    let resource = json!({
        "metadata": {"annotations": {"inject": "true"}},
        "spec": {"containers": [{"name": "a"}, {"name": "b", "imagePullPolicy": "Never"}]},
    });
    let patched = strategic_merge(&resource, &patch).unwrap();
    assert_eq!(
        patched["spec"]["containers"],
        json!([
            {"name": "a", "imagePullPolicy": "Always"},
            {"name": "b", "imagePullPolicy": "Always"},
        ])
    );
}

/// Global anchor `<(key)`: the documented `imagePullSecrets` example applies when some
/// container pulls from the registry, and nothing applies otherwise.
#[test]
fn global_anchor() {
    let patch = json!({"spec": {
        "containers": [{"<(image)": "corp.reg.com/*"}],
        "imagePullSecrets": [{"name": "regcred"}],
    }});
    let corp = pod(&json!({"containers": [
        {"name": "a", "image": "docker.io/nginx"},
        {"name": "b", "image": "corp.reg.com/app"},
    ]}));
    let patched = strategic_merge(&corp, &patch).unwrap();
    assert_eq!(
        patched["spec"]["imagePullSecrets"],
        json!([{"name": "regcred"}])
    );
    assert_eq!(patched["spec"]["containers"], corp["spec"]["containers"]);

    let public = pod(&json!({"containers": [{"name": "a", "image": "docker.io/nginx"}]}));
    assert_eq!(strategic_merge(&public, &patch).unwrap(), public);
}

/// Global anchor nested in a list element plus add-if-not-present: the safe-to-evict
/// annotation is added only to Pods with an `emptyDir` volume.
#[test]
fn global_anchor_with_add_if_not_present() {
    let patch = json!({
        "metadata": {"annotations": {"+(cluster-autoscaler.kubernetes.io/safe-to-evict)": "true"}},
        "spec": {"volumes": [{"<(emptyDir)": {}}]},
    });
    let with_empty_dir = json!({
        "metadata": {"name": "a"},
        "spec": {"volumes": [{"name": "cache", "emptyDir": {}}]},
    });
    let patched = strategic_merge(&with_empty_dir, &patch).unwrap();
    assert_eq!(
        patched["metadata"]["annotations"],
        json!({"cluster-autoscaler.kubernetes.io/safe-to-evict": "true"})
    );
    assert_eq!(patched["spec"], with_empty_dir["spec"]);

    let with_host_path = json!({
        "metadata": {"name": "b"},
        "spec": {"volumes": [{"name": "h", "hostPath": {"path": "/x"}}]},
    });
    assert_eq!(
        strategic_merge(&with_host_path, &patch).unwrap(),
        with_host_path
    );
}

/// A conditional anchor may name a map; nested conditions must all hold.
#[test]
fn nested_conditional_anchor() {
    let patch = json!({"spec": {"containers": [{
        "(securityContext)": {"(privileged)": true},
        "securityContext": {"privileged": false},
    }]}});
    let resource = pod(&json!({"containers": [
        {"name": "a", "securityContext": {"privileged": true}},
        {"name": "b", "securityContext": {"privileged": false, "runAsUser": 1}},
        {"name": "c"},
    ]}));
    let patched = strategic_merge(&resource, &patch).unwrap();
    assert_eq!(
        patched["spec"]["containers"],
        json!([
            {"name": "a", "securityContext": {"privileged": false}},
            {"name": "b", "securityContext": {"privileged": false, "runAsUser": 1}},
            {"name": "c"},
        ])
    );
}

#[test]
fn kind_mismatch_and_depth_are_errors() {
    let resource = pod(&json!({"containers": [{"name": "a"}]}));
    let error =
        strategic_merge(&resource, &json!({"spec": {"containers": {"name": "a"}}})).unwrap_err();
    assert!(
        matches!(&error, MutateError::KindMismatch { path, patch: "map", resource: "list" } if path == "/spec/containers"),
        "{error:?}"
    );
    let mut deep = json!("leaf");
    for _ in 0..200 {
        deep = json!({"a": deep});
    }
    assert!(matches!(
        strategic_merge(&resource, &deep),
        Err(MutateError::TooDeep { .. })
    ));
    assert!(matches!(
        strategic_merge(&resource, &json!([1])),
        Err(MutateError::NotAMap { found: "list" })
    ));
}

// --- "Mutate Rules: RFC 6902 JSONPatch" ---------------------------------------------------

/// The page's `ConfigMap` example: `add` creates or replaces keys, `~1` escapes `/`.
#[test]
fn json6902_add_replace_remove() {
    let config_map =
        json!({"kind": "ConfigMap", "metadata": {"name": "config-game"}, "data": {"old": "1"}});
    let patch = r#"
- op: add
  path: "/data/ship.properties"
  value: |
    type=starship
- op: add
  path: /metadata/labels/app.kubernetes.io~1name
  value: game
- op: replace
  path: /data/old
  value: "2"
- op: remove
  path: /data/missing
"#;
    let patched = json6902(&config_map, patch).unwrap();
    assert_eq!(
        patched,
        json!({
            "kind": "ConfigMap",
            "metadata": {"name": "config-game", "labels": {"app.kubernetes.io/name": "game"}},
            "data": {"old": "2", "ship.properties": "type=starship\n"},
        })
    );
}

/// Appending with `/-`, negative indices, and parents created on `add` (Kyverno's
/// `EnsurePathExistsOnAdd`).
#[test]
fn json6902_kyverno_leniencies() {
    let resource = pod(&json!({"tolerations": [{"key": "a"}]}));
    let patch = r#"[
        {"op": "add", "path": "/spec/tolerations/-", "value": {"key": "b"}},
        {"op": "add", "path": "/spec/tolerations/-1", "value": {"key": "c"}},
        {"op": "add", "path": "/spec/affinity/nodeAffinity/terms/0/key", "value": "zone"},
        {"op": "add", "path": "/spec/hostAliases/2", "value": {"ip": "1.2.3.4"}}
    ]"#;
    let patched = json6902(&resource, patch).unwrap();
    assert_eq!(
        patched["spec"]["tolerations"],
        json!([{"key": "a"}, {"key": "b"}, {"key": "c"}])
    );
    assert_eq!(
        patched["spec"]["affinity"],
        json!({"nodeAffinity": {"terms": [{"key": "zone"}]}})
    );
    assert_eq!(
        patched["spec"]["hostAliases"],
        json!([null, null, {"ip": "1.2.3.4"}])
    );
}

#[test]
fn json6902_move_copy_test() {
    let resource = json!({"a": {"b": 1}, "list": [1, 2, 3]});
    let patch = r"
- op: test
  path: /a/b
  value: 1
- op: test
  path: /a/missing
  value: null
- op: copy
  from: /a
  path: /c
- op: move
  from: /list/0
  path: /list/-
";
    let patched = json6902(&resource, patch).unwrap();
    assert_eq!(
        patched,
        json!({"a": {"b": 1}, "c": {"b": 1}, "list": [2, 3, 1]})
    );

    let error = json6902(&resource, "- {op: test, path: /a/b, value: 2}").unwrap_err();
    assert!(
        matches!(&error, MutateError::OperationFailed { index: 0, op: "test", path, problem: OperationProblem::TestFailed } if path == "/a/b"),
        "{error:?}"
    );
}

#[test]
fn json6902_errors_name_operation_and_path() {
    let resource = json!({"spec": {}});
    let error = json6902(&resource, "- {op: replace, path: /spec/x, value: 1}").unwrap_err();
    assert!(
        matches!(&error, MutateError::OperationFailed { index: 0, op: "replace", path, problem: OperationProblem::MissingPath } if path == "/spec/x"),
        "{error:?}"
    );
    let error = json6902(&resource, "- {op: add, path: /spec/x}\n").unwrap_err();
    assert!(matches!(
        error,
        MutateError::InvalidOperation {
            index: 0,
            problem: OperationProblem::MissingField { field: "value" }
        }
    ));
    let error = json6902(&resource, "- {op: frobnicate, path: /x}").unwrap_err();
    assert!(matches!(
        error,
        MutateError::InvalidOperation {
            problem: OperationProblem::UnsupportedOp { .. },
            ..
        }
    ));
    assert!(matches!(
        json6902(&resource, "op: add"),
        Err(MutateError::Json6902NotAList { found: "map" })
    ));
    assert!(matches!(
        json6902(&resource, "- [unclosed"),
        Err(MutateError::Json6902Syntax { .. })
    ));
    let error = json6902(
        &resource,
        "- {op: add, path: /spec/list/99999999/x, value: 1}",
    )
    .unwrap_err();
    assert!(matches!(
        error,
        MutateError::OperationFailed {
            problem: OperationProblem::InvalidIndex { .. },
            ..
        }
    ));
    // Copying the document into itself doubles it; the copy limit stops the growth.
    let mut bomb = String::new();
    for index in 0..40 {
        writeln!(bomb, "- {{op: copy, from: '', path: /copy{index}}}").unwrap();
    }
    assert!(matches!(
        json6902(&json!({"x": [1, 2, 3, 4, 5, 6, 7, 8]}), &bomb),
        Err(MutateError::OperationFailed {
            problem: OperationProblem::CopyTooLarge { .. },
            ..
        })
    ));
}

// --- Corpus: patchedResources ---------------------------------------------------------------

/// Pod controllers that Kyverno's autogen extends Pod rules to (`spec.template`), plus
/// `CronJob` (`spec.jobTemplate.spec.template`).
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

fn documents_of(dir: &Path, list: &Value) -> Vec<Value> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .flat_map(|file| yaml_documents(&dir.join(file)))
        .collect()
}

/// The kinds a rule's `match` names (`apps/v1/Deployment` as `Deployment`), for autogen, or
/// why the match needs more than kinds to decide on a pod controller.
fn matched_kinds(rule: &Value) -> Result<Vec<String>, String> {
    if rule.get("exclude").is_some() {
        return Err("exclude on an autogen rule".to_owned());
    }
    let matching = &rule["match"];
    let filters: Vec<&Value> = ["any", "all"]
        .iter()
        .filter_map(|block| matching.get(*block).and_then(Value::as_array))
        .flatten()
        .chain(matching.get("resources").map(|_| matching))
        .collect();
    let mut kinds = Vec::new();
    for filter in filters {
        let resources = &filter["resources"];
        for field in [
            "names",
            "name",
            "namespaces",
            "selector",
            "namespaceSelector",
        ] {
            if resources.get(field).is_some() {
                return Err(format!("match on {field} of an autogen rule"));
            }
        }
        for kind in resources["kinds"].as_array().into_iter().flatten() {
            let kind = kind.as_str().unwrap_or_default();
            kinds.push(kind.rsplit('/').next().unwrap_or(kind).to_owned());
        }
    }
    Ok(kinds)
}

/// Why a mutate rule's patch cannot be applied here without the rule engine, if it cannot.
fn needs_engine(rule: &Value) -> Option<&'static str> {
    let mutate = &rule["mutate"];
    if mutate.get("foreach").is_some() {
        Some("foreach")
    } else if mutate.get("targets").is_some() {
        Some("mutate targets")
    } else if rule.get("context").is_some() {
        Some("context")
    } else if rule.get("preconditions").is_some() {
        Some("preconditions")
    } else if mutate.to_string().contains("{{") {
        Some("variables")
    } else if mutate.get("patchStrategicMerge").is_none() && mutate.get("patchesJson6902").is_none()
    {
        Some("no patch")
    } else {
        None
    }
}

/// The patch of `rule` for `resource`, wrapped as Kyverno's autogen does for Pod rules on pod
/// controllers; `Ok(None)` when the rule does not apply to the resource.
fn patch_for(policy: &Value, rule: &Value, resource: &Value) -> Result<Option<Value>, String> {
    if rule["match"].to_string().contains("namespaceSelector") {
        return Err("match on namespaceSelector (namespace labels come from values)".to_owned());
    }
    let parse = |block: &Value| {
        serde_json::from_value::<MatchResources>(block.clone())
            .map_err(|error| format!("match block does not parse: {error}"))
    };
    let matching = parse(&rule["match"])?;
    let exclude = rule.get("exclude").map(parse).transpose()?;
    if rule_applies(&matching, exclude.as_ref(), &MatchRequest::new(resource)) {
        return Ok(Some(rule["mutate"].clone()));
    }
    let kind = resource["kind"].as_str().unwrap_or_default();
    if !POD_CONTROLLERS.contains(&kind) && kind != "CronJob" {
        return Ok(None);
    }
    let kinds = matched_kinds(rule)?;
    let autogen =
        policy["metadata"]["annotations"]["pod-policies.kyverno.io/autogen-controllers"].as_str();
    let generated = kinds.iter().any(|matched| matched == "Pod")
        && autogen.is_none_or(|controllers| controllers.split(',').any(|name| name == kind));
    if !generated {
        return Ok(None);
    }
    let Some(patch) = rule["mutate"].get("patchStrategicMerge") else {
        return Err("autogen of patchesJson6902".to_owned());
    };
    let template = json!({"template": patch});
    let spec = if kind == "CronJob" {
        json!({"jobTemplate": {"spec": template}})
    } else {
        template
    };
    Ok(Some(json!({"patchStrategicMerge": {"spec": spec}})))
}

/// Applies every mutate rule of `policy` that matches the resource, in order, as the Kyverno
/// CLI does before comparing with `patchedResources`.
fn apply_policy(policy: &Value, resource: &Value) -> Result<Value, String> {
    let mut patched = resource.clone();
    for rule in policy["spec"]["rules"].as_array().into_iter().flatten() {
        if rule.get("mutate").is_none() {
            continue;
        }
        let Some(mutate) = patch_for(policy, rule, resource)? else {
            continue;
        };
        if let Some(reason) = needs_engine(rule) {
            return Err(format!("rule {} uses {reason}", rule["name"]));
        }
        if let Some(patch) = mutate.get("patchStrategicMerge") {
            patched =
                strategic_merge(&patched, patch).map_err(|error| format!("error: {error}"))?;
        }
        if let Some(patch) = mutate.get("patchesJson6902").and_then(Value::as_str) {
            patched = json6902(&patched, patch).map_err(|error| format!("error: {error}"))?;
        }
    }
    Ok(patched)
}

fn find<'a>(documents: &'a [Value], kind: &str, name: &str) -> Option<&'a Value> {
    documents
        .iter()
        .find(|document| document["kind"] == kind && document["metadata"]["name"] == name)
}

#[test]
fn corpus_patched_resources() {
    let root = corpus("kyverno");
    let mut tests: Vec<PathBuf> = Vec::new();
    for folder in ["best-practices", "other", "pod-security"] {
        collect_yaml(&root.join(folder), &mut tests);
    }
    tests.retain(|path| {
        path.file_name()
            .is_some_and(|name| name == "kyverno-test.yaml")
    });
    tests.sort();

    let (mut compared, mut matched) = (0, 0);
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    for test_path in &tests {
        let dir = test_path.parent().expect("a test file has a folder");
        let test = yaml_documents(test_path).remove(0);
        let results: Vec<&Value> = test["results"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|result| result.get("patchedResources").is_some())
            .collect();
        if results.is_empty() {
            continue;
        }
        let policies = documents_of(dir, &test["policies"]);
        let resources = documents_of(dir, &test["resources"]);
        for result in results {
            let policy_name = result["policy"].as_str().unwrap_or_default();
            let kind = result["kind"].as_str().unwrap_or_default();
            let expected_documents = documents_of(dir, &json!([result["patchedResources"]]));
            let policy = policies
                .iter()
                .find(|policy| policy["metadata"]["name"] == policy_name)
                .expect("the test names a policy it loads");
            for name in result["resources"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap_or_default();
                let name = name.rsplit('/').next().unwrap_or(name);
                let case = format!(
                    "{}: {policy_name}/{} on {kind}/{name}",
                    dir.strip_prefix(&root).unwrap_or(dir).display(),
                    result["rule"].as_str().unwrap_or_default()
                );
                let (Some(resource), Some(expected)) = (
                    find(&resources, kind, name),
                    find(&expected_documents, kind, name),
                ) else {
                    skipped.push(format!("{case}: resource or patched resource not found"));
                    continue;
                };
                // The Kyverno CLI puts namespaced resources without a namespace in `default`.
                let mut resource = resource.clone();
                if resource["metadata"].get("namespace").is_none()
                    && expected["metadata"]["namespace"] == "default"
                {
                    resource["metadata"]["namespace"] = json!("default");
                }
                match apply_policy(policy, &resource) {
                    Err(reason) if !reason.starts_with("error") => {
                        skipped.push(format!("{case}: {reason}"));
                    }
                    outcome => {
                        compared += 1;
                        match outcome {
                            Ok(patched) if &patched == expected => matched += 1,
                            Ok(patched) => failures.push(format!(
                                "{case}\nexpected:\n{}\ngot:\n{}",
                                serde_json::to_string_pretty(expected).unwrap(),
                                serde_json::to_string_pretty(&patched).unwrap()
                            )),
                            Err(error) => failures.push(format!("{case}: {error}")),
                        }
                    }
                }
            }
        }
    }
    println!(
        "patchedResources: {compared} compared, {matched} matched, {} skipped",
        skipped.len()
    );
    for skip in &skipped {
        println!("skipped {skip}");
    }
    assert!(compared > 0, "no patchedResources compared");
    assert!(
        failures.is_empty(),
        "{} of {compared} patched resources differ:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
