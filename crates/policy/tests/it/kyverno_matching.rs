//! Kyverno `match`/`exclude` blocks: each feature on the examples of Kyverno's docs
//! ("Selecting Resources", <https://kyverno.io/docs/policy-types/cluster-policy/match-exclude/>),
//! then every match and exclude block of the Kyverno corpus deserialized, and every Pod that a
//! corpus test reports as passing or failing a Pod rule selected by that rule. Where the docs are
//! silent the expectation follows kyverno/kyverno `pkg/engine/utils/match.go`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::{collect_yaml, corpus};
use custody_policy::kyverno::matching::{
    GroupVersionKind, MatchRequest, MatchResources, Operation, UserInfo, rule_applies,
};

/// A match block from its JSON form.
fn block(value: Value) -> MatchResources {
    serde_json::from_value(value).expect("test block is a valid match block")
}

/// A Pod named `name` in `namespace` with these labels and annotations.
fn pod(name: &str, namespace: &str, labels: &Value, annotations: &Value) -> Value {
    json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels, "annotations": annotations},
    })
}

/// "Match statements": `kinds` take `Kind`, `version/Kind`, `group/version/Kind`, wildcards,
/// and subresources as `Kind/subresource`; a plain kind does not select its subresources.
#[test]
fn kinds() {
    let pod = pod("web", "default", &json!({}), &json!({}));
    let deployment =
        json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}});
    let matches = |kinds: Value, object: &Value| {
        block(json!({"any": [{"resources": {"kinds": kinds}}]})).matches(&MatchRequest::new(object))
    };
    assert!(matches(json!(["Pod"]), &pod));
    assert!(matches(json!(["v1/Pod"]), &pod));
    assert!(!matches(json!(["v2/Pod"]), &pod));
    assert!(matches(json!(["Deployment", "Pod"]), &pod));
    assert!(!matches(json!(["Deployment"]), &pod));
    assert!(matches(json!(["apps/v1/Deployment"]), &deployment));
    assert!(!matches(json!(["batch/v1/Deployment"]), &deployment));
    assert!(matches(json!(["apps/*/Deployment"]), &deployment));
    assert!(matches(json!(["*"]), &deployment));
    assert!(matches(json!(["Deploy*"]), &deployment));
    assert!(!matches(json!(["Deploy?"]), &deployment));

    let mut status = MatchRequest::new(&pod);
    status.subresource = "status".to_owned();
    let matches_status =
        |kinds: Value| block(json!({"any": [{"resources": {"kinds": kinds}}]})).matches(&status);
    assert!(!matches_status(json!(["Pod"])));
    assert!(matches_status(json!(["Pod/status"])));
    assert!(matches_status(json!(["v1/Pod/status"])));
    assert!(!matches_status(json!(["Pod/ephemeralcontainers"])));
    assert!(matches_status(json!(["Pod/*"])));
    assert!(matches_status(json!(["*/*"])));
    assert!(matches_status(json!(["*/status"])));

    // Rules on Pods also see ephemeral containers added to a Pod (kyverno `CheckKind`).
    let mut debug = MatchRequest::new(&pod);
    debug.subresource = "ephemeralcontainers".to_owned();
    assert!(block(json!({"any": [{"resources": {"kinds": ["Pod"]}}]})).matches(&debug));
    assert!(!block(json!({"any": [{"resources": {"kinds": ["Deployment"]}}]})).matches(&debug));
}

/// "Match statements": `names` and `namespaces` take wildcards; a resource without a name is
/// matched by its `generateName`, and a Namespace's own name is its namespace.
#[test]
fn names_and_namespaces() {
    let web = pod("web-7d9", "prod-eu", &json!({}), &json!({}));
    let request = MatchRequest::new(&web);
    let matches =
        |resources: Value| block(json!({"any": [{"resources": resources}]})).matches(&request);
    assert!(matches(json!({"names": ["web-*"]})));
    assert!(matches(json!({"names": ["db", "web-???"]})));
    assert!(!matches(json!({"names": ["web-??"]})));
    assert!(matches(json!({"name": "web*"})));
    assert!(!matches(json!({"name": "db*"})));
    assert!(matches(json!({"namespaces": ["dev", "prod-*"]})));
    assert!(!matches(json!({"namespaces": ["prod"]})));

    let generated = json!({"apiVersion": "v1", "kind": "Pod",
                           "metadata": {"generateName": "job-", "namespace": "ci"}});
    assert!(
        block(json!({"any": [{"resources": {"names": ["job-*"]}}]}))
            .matches(&MatchRequest::new(&generated))
    );

    let namespace =
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "kube-system"}});
    assert!(
        block(json!({"any": [{"resources": {"kinds": ["Namespace"], "namespaces": ["kube-*"]}}]}))
            .matches(&MatchRequest::new(&namespace))
    );
}

/// "Match statements": every `annotations` entry must match some annotation, with wildcards
/// in keys and values.
#[test]
fn annotations() {
    let object = pod(
        "web",
        "default",
        &json!({}),
        &json!({"policies.kyverno.io/scored": "false", "team": "payments"}),
    );
    let request = MatchRequest::new(&object);
    let matches = |annotations: Value| {
        block(json!({"any": [{"resources": {"annotations": annotations}}]})).matches(&request)
    };
    assert!(matches(json!({"team": "payments"})));
    assert!(matches(json!({"policies.kyverno.io/*": "f*"})));
    assert!(matches(
        json!({"team": "pay*", "policies.kyverno.io/scored": "?????"})
    ));
    assert!(!matches(json!({"team": "billing"})));
    assert!(!matches(json!({"team": "payments", "owner": "*"})));
}

/// "Match statements": `selector` with `matchLabels` (wildcards allowed) and
/// `matchExpressions` (`In`, `NotIn`, `Exists`, `DoesNotExist`); an empty selector selects everything.
#[test]
fn label_selectors() {
    let object = pod(
        "web",
        "default",
        &json!({"app": "nginx", "tier": "frontend"}),
        &json!({}),
    );
    let request = MatchRequest::new(&object);
    let matches = |selector: Value| {
        block(json!({"any": [{"resources": {"selector": selector}}]})).matches(&request)
    };
    assert!(matches(json!({})));
    assert!(matches(json!({"matchLabels": {"app": "nginx"}})));
    assert!(matches(
        json!({"matchLabels": {"app": "ngi*", "t?er": "*"}})
    ));
    assert!(!matches(json!({"matchLabels": {"app": "apache"}})));
    assert!(!matches(
        json!({"matchLabels": {"app": "nginx", "env": "*"}})
    ));
    let expression = |operator: &str, key: &str, values: Value| {
        matches(json!({"matchExpressions": [{"key": key, "operator": operator, "values": values}]}))
    };
    assert!(expression("In", "tier", json!(["frontend", "backend"])));
    assert!(!expression("In", "tier", json!(["backend"])));
    assert!(!expression("In", "env", json!(["prod"])));
    assert!(expression("NotIn", "tier", json!(["backend"])));
    assert!(expression("NotIn", "env", json!(["prod"])));
    assert!(!expression("NotIn", "tier", json!(["frontend"])));
    assert!(expression("Exists", "app", json!([])));
    assert!(!expression("Exists", "env", json!([])));
    assert!(expression("DoesNotExist", "env", json!([])));
    assert!(!expression("DoesNotExist", "app", json!([])));
}

/// "Match statements": `namespaceSelector` reads the labels of the resource's namespace (the
/// CLI takes them from the test's values file) and never selects a Namespace object.
#[test]
fn namespace_selector() {
    let object = pod("web", "production", &json!({}), &json!({}));
    let selector = block(json!({"any": [{"resources": {
        "kinds": ["Pod"],
        "namespaceSelector": {"matchExpressions": [{"key": "env", "operator": "In", "values": ["production"]}]}
    }}]}));
    let mut request = MatchRequest::new(&object);
    assert!(!selector.matches(&request));
    request.namespace_labels = BTreeMap::from([("env".to_owned(), "production".to_owned())]);
    assert!(selector.matches(&request));
    request.namespace_labels = BTreeMap::from([("env".to_owned(), "staging".to_owned())]);
    assert!(!selector.matches(&request));

    let namespace =
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "production"}});
    let mut request = MatchRequest::new(&namespace);
    request.namespace_labels = BTreeMap::from([("env".to_owned(), "production".to_owned())]);
    assert!(!block(json!({"any": [{"resources": {"namespaceSelector": {}}}]})).matches(&request));
}

/// "Match statements": `operations` restricts the admission operations; none listed means all.
#[test]
fn operations() {
    let object = pod("web", "default", &json!({}), &json!({}));
    let mut request = MatchRequest::new(&object);
    let on_update = block(
        json!({"any": [{"resources": {"kinds": ["Pod"], "operations": ["UPDATE", "DELETE"]}}]}),
    );
    let always = block(json!({"any": [{"resources": {"kinds": ["Pod"]}}]}));
    assert_eq!(request.operation, Operation::Create);
    assert!(!on_update.matches(&request));
    assert!(always.matches(&request));
    request.operation = Operation::Delete;
    assert!(on_update.matches(&request));
    assert!(always.matches(&request));
    assert!(
        serde_json::from_value::<MatchResources>(
            json!({"any": [{"resources": {"operations": ["PATCH"]}}]})
        )
        .is_err()
    );
}

/// "Match statements": `subjects` (`User`, `Group`, `ServiceAccount` with its namespace), `roles`
/// and `clusterRoles` select by requester.
#[test]
fn subjects_and_roles() {
    let object = pod("web", "default", &json!({}), &json!({}));
    let mut request = MatchRequest::new(&object);
    request.user = UserInfo {
        username: "system:serviceaccount:ci:deployer".to_owned(),
        groups: vec![
            "system:serviceaccounts".to_owned(),
            "system:authenticated".to_owned(),
        ],
        roles: vec!["ci:deploy".to_owned()],
        cluster_roles: vec!["view".to_owned()],
    };
    let matches = |filter: Value| block(json!({"any": [filter]})).matches(&request);
    assert!(matches(
        json!({"subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}]})
    ));
    assert!(!matches(
        json!({"subjects": [{"kind": "ServiceAccount", "name": "deployer", "namespace": "prod"}]})
    ));
    assert!(matches(
        json!({"subjects": [{"kind": "Group", "name": "system:authenticated"}]})
    ));
    assert!(matches(
        json!({"subjects": [{"kind": "User", "name": "system:serviceaccount:ci:deployer"}]})
    ));
    assert!(!matches(
        json!({"subjects": [{"kind": "User", "name": "alice"}]})
    ));
    // Wildcards are allowed in subjects; users and groups do not stand in for each other.
    assert!(matches(
        json!({"subjects": [{"kind": "ServiceAccount", "name": "deploy*", "namespace": "c?"}]})
    ));
    assert!(matches(
        json!({"subjects": [{"kind": "Group", "name": "system:service*"}]})
    ));
    assert!(matches(
        json!({"subjects": [{"kind": "User", "name": "system:serviceaccount:ci:*"}]})
    ));
    assert!(!matches(
        json!({"subjects": [{"kind": "Group", "name": "system:serviceaccount:ci:deployer"}]})
    ));
    assert!(!matches(
        json!({"subjects": [{"kind": "User", "name": "system:authenticated"}]})
    ));
    assert!(matches(json!({"roles": ["ci:deploy"]})));
    assert!(!matches(json!({"roles": ["prod:deploy"]})));
    assert!(matches(json!({"clusterRoles": ["admin", "view"]})));
    assert!(!matches(json!({"clusterRoles": ["cluster-admin"]})));
    assert!(!matches(
        json!({"resources": {"kinds": ["Pod"]}, "clusterRoles": ["cluster-admin"]})
    ));

    // Without any user info (the CLI without a userinfo file) a match filter's user
    // constraints are dropped (upstream `matchesResourceDescriptionMatchHelper`): a filter of
    // resources and subjects matches on its resources, one of subjects alone matches nothing.
    // An exclude filter keeps them, so a subject does not exclude an anonymous request.
    let anonymous = MatchRequest::new(&object);
    let with_subject = block(json!({"any": [{
        "resources": {"kinds": ["Pod"]},
        "subjects": [{"kind": "User", "name": "alice"}]
    }]}));
    let subject_only = block(json!({"any": [{"subjects": [{"kind": "User", "name": "*"}]}]}));
    assert!(with_subject.matches(&anonymous));
    assert!(!subject_only.matches(&anonymous));
    assert!(!with_subject.excludes(&anonymous));
    assert!(subject_only.matches(&request));
}

/// "Match statements": `any` needs one filter, `all` needs every filter, and the legacy direct
/// form is one filter.
#[test]
fn any_all_and_legacy() {
    let object = pod("web", "prod", &json!({"app": "nginx"}), &json!({}));
    let request = MatchRequest::new(&object);
    let kinds = json!({"resources": {"kinds": ["Pod"]}});
    let elsewhere = json!({"resources": {"namespaces": ["dev"]}});
    assert!(block(json!({"any": [elsewhere, kinds]})).matches(&request));
    assert!(!block(json!({"all": [elsewhere, kinds]})).matches(&request));
    assert!(
        block(
            json!({"all": [kinds, {"resources": {"selector": {"matchLabels": {"app": "nginx"}}}}]})
        )
        .matches(&request)
    );
    assert!(
        block(json!({"resources": {"kinds": ["Pod"], "namespaces": ["prod"]}})).matches(&request)
    );
    assert!(
        !block(json!({"resources": {"kinds": ["Pod"], "namespaces": ["dev"]}})).matches(&request)
    );
    // A filter that states nothing matches nothing (upstream: "match cannot be empty").
    assert!(!block(json!({})).matches(&request));
    assert!(!block(json!({"any": [{}]})).matches(&request));
}

/// "Exclude statements": a rule applies when match matches and exclude does not; an exclude
/// filter excludes only when all its constraints hold, and an empty exclude excludes nothing.
#[test]
fn exclude() {
    let object = pod("web", "kube-system", &json!({}), &json!({}));
    let request = MatchRequest::new(&object);
    let pods = block(json!({"any": [{"resources": {"kinds": ["Pod"]}}]}));
    let system = block(json!({"any": [{"resources": {"namespaces": ["kube-system"]}}]}));
    let system_db =
        block(json!({"any": [{"resources": {"namespaces": ["kube-system"], "names": ["db"]}}]}));
    let both = block(
        json!({"all": [{"resources": {"namespaces": ["kube-*"]}}, {"resources": {"names": ["db"]}}]}),
    );
    assert!(rule_applies(&pods, None, &request));
    assert!(!rule_applies(&pods, Some(&system), &request));
    assert!(rule_applies(&pods, Some(&system_db), &request));
    assert!(rule_applies(&pods, Some(&both), &request));
    assert!(rule_applies(
        &pods,
        Some(&MatchResources::default()),
        &request
    ));
    let legacy = block(json!({"resources": {"namespaces": ["kube-system"]}}));
    assert!(!rule_applies(&pods, Some(&legacy), &request));
    // A filter that states nothing excludes nothing, in `any` and in `all`.
    assert!(rule_applies(
        &pods,
        Some(&block(json!({"any": [{}]}))),
        &request
    ));
    let all_with_empty = block(json!({"all": [{}, {"resources": {"namespaces": ["kube-*"]}}]}));
    assert!(rule_applies(&pods, Some(&all_with_empty), &request));
}

/// The group, version and kind come from `apiVersion` and `kind`; the core group is empty.
#[test]
fn group_version_kind_of_objects() {
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment"});
    assert_eq!(
        GroupVersionKind::of(&deployment),
        GroupVersionKind {
            group: "apps".to_owned(),
            version: "v1".to_owned(),
            kind: "Deployment".to_owned()
        }
    );
    let pod = json!({"apiVersion": "v1", "kind": "Pod"});
    assert_eq!(GroupVersionKind::of(&pod).group, "");
}

/// One parsed corpus policy document with the file it came from.
struct Policy {
    file: PathBuf,
    document: Value,
}

/// Every match and exclude block of every policy in the corpus deserializes.
#[test]
fn corpus_match_blocks_deserialize() {
    let policies = corpus_policies();
    let (mut rules, mut blocks) = (0, 0);
    let mut failures = Vec::new();
    for policy in &policies {
        for rule in policy.document["spec"]["rules"]
            .as_array()
            .into_iter()
            .flatten()
        {
            rules += 1;
            for key in ["match", "exclude"] {
                let Some(value) = rule.get(key) else { continue };
                blocks += 1;
                if let Err(error) = serde_json::from_value::<MatchResources>(value.clone()) {
                    failures.push(format!(
                        "{} rule {} {key}: {error}",
                        policy.file.display(),
                        rule["name"]
                    ));
                }
            }
        }
    }
    println!(
        "{} policies, {rules} rules, {blocks} match/exclude blocks, {} failures",
        policies.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        policies.len() > 100,
        "only {} policies found",
        policies.len()
    );
    assert!(blocks > rules, "only {blocks} blocks for {rules} rules");
}

/// Every Pod a corpus test reports as passing or failing a rule that selects Pods is selected by
/// that rule's match and not excluded by its exclude (namespace labels from the values file).
#[test]
fn corpus_tested_pods_are_matched() {
    let corpus = corpus("kyverno");
    let mut tests = Vec::new();
    for folder in ["best-practices", "other", "pod-security"] {
        collect_yaml(&corpus.join(folder), &mut tests);
    }
    tests.retain(|file| {
        file.file_name()
            .is_some_and(|name| name == "kyverno-test.yaml")
    });
    let (mut checked, mut failures, mut absent, mut unresolved) = (0, Vec::new(), Vec::new(), 0);
    for test_file in &tests {
        let directory = test_file.parent().expect("a test file has a folder");
        let test = &read_documents(test_file)[0];
        let policies = test_documents(directory, &test["policies"], &mut absent);
        let resources = test_documents(directory, &test["resources"], &mut absent);
        let namespace_labels = namespace_labels(directory, test);
        for result in test["results"].as_array().into_iter().flatten() {
            let outcome = result["result"].as_str().unwrap_or_default().trim();
            if result["kind"] != "Pod" || !matches!(outcome, "pass" | "fail") {
                continue;
            }
            let Some(rule) = result_rule(&policies, result) else {
                // Autogenerated rules (`autogen-*`) exist only after autogen.
                continue;
            };
            let matching: MatchResources = serde_json::from_value(rule["match"].clone())
                .expect("corpus match block deserializes");
            let exclude: Option<MatchResources> = rule.get("exclude").map(|value| {
                serde_json::from_value(value.clone()).expect("corpus exclude block deserializes")
            });
            let names = result["resources"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(result.get("resource"));
            for name in names.filter_map(Value::as_str) {
                let name = name.rsplit('/').next().unwrap_or(name);
                let Some(object) = resources.iter().find(|resource| {
                    resource["kind"] == "Pod" && resource["metadata"]["name"] == name
                }) else {
                    // Only possible when a resource file is absent from the corpus.
                    assert!(
                        !absent.is_empty(),
                        "{}: no Pod {name} in the resources",
                        test_file.display()
                    );
                    unresolved += 1;
                    continue;
                };
                let mut request = MatchRequest::new(object);
                let namespace = object["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or("default");
                request.namespace_labels =
                    namespace_labels.get(namespace).cloned().unwrap_or_default();
                checked += 1;
                if !rule_applies(&matching, exclude.as_ref(), &request) {
                    failures.push(format!(
                        "{}: rule {} does not apply to Pod {name} reported as {outcome}",
                        test_file.display(),
                        result["rule"]
                    ));
                }
            }
        }
    }
    println!(
        "{} tests, {checked} Pod results checked, {} failures; {unresolved} Pod results not \
         checked because these {} files are absent from the corpus:\n{}",
        tests.len(),
        failures.len(),
        absent.len(),
        absent
            .iter()
            .map(|path| path.display().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(checked > 300, "only {checked} Pod results checked");
}

/// The documents of the files a test lists under one key. Some tests name `.chainsaw-test`
/// files the corpus does not carry: those are collected in `absent`, to be listed.
fn test_documents(directory: &Path, paths: &Value, absent: &mut Vec<PathBuf>) -> Vec<Value> {
    let mut found = Vec::new();
    for path in paths
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        let path = directory.join(path);
        if path.is_file() {
            found.extend(read_documents(&path));
        } else {
            absent.push(path);
        }
    }
    found
}

/// The rule a test result names, among the test's policies.
fn result_rule<'a>(policies: &'a [Value], result: &Value) -> Option<&'a Value> {
    policies
        .iter()
        .filter(|policy| policy["metadata"]["name"] == result["policy"])
        .flat_map(|policy| policy["spec"]["rules"].as_array().into_iter().flatten())
        .find(|rule| rule["name"] == result["rule"])
}

/// The namespace labels a test's values file gives under `namespaceSelector`.
fn namespace_labels(directory: &Path, test: &Value) -> BTreeMap<String, BTreeMap<String, String>> {
    let Some(values) = test["variables"].as_str() else {
        return BTreeMap::new();
    };
    let values = &read_documents(&directory.join(values))[0];
    values["namespaceSelector"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|entry| {
            let labels = serde_json::from_value(entry["labels"].clone()).ok()?;
            Some((entry["name"].as_str()?.to_owned(), labels))
        })
        .collect()
}

/// Every `ClusterPolicy` and `Policy` of the corpus's non-suffixed folders.
fn corpus_policies() -> Vec<Policy> {
    let corpus = corpus("kyverno");
    let mut files = Vec::new();
    for folder in ["best-practices", "other", "pod-security"] {
        collect_yaml(&corpus.join(folder), &mut files);
    }
    files
        .into_iter()
        .filter(|file| {
            let text = fs_err::read_to_string(file).expect("corpus file is readable");
            text.contains("kind: ClusterPolicy") || text.contains("kind: Policy")
        })
        .flat_map(|file| {
            read_documents(&file)
                .into_iter()
                .filter(is_policy)
                .map(move |document| Policy {
                    file: file.clone(),
                    document,
                })
        })
        .collect()
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
