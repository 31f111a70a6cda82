//! Kyverno's `{{ ... }}` substitution over policy fragments, one test per rule of
//! kyverno/kyverno `pkg/engine/variables/vars.go` (and the "Variables" page of the Kyverno
//! docs, kyverno.io/docs/policy-types/cluster-policy/variables).

use custody_policy::kyverno::variables::{self, VariableError};
use serde_json::{Value, json};

/// A context as the engine builds it for a Pod CREATE request.
fn context() -> Value {
    json!({
        "request": {
            "operation": "CREATE",
            "namespace": "team-a",
            "userInfo": {"username": "alice", "groups": ["dev"]},
            "object": {
                "metadata": {"name": "web", "labels": {"app": "web"}},
                "spec": {
                    "replicas": 3,
                    "containers": [{"name": "nginx", "image": "nginx:1.25"}]
                }
            }
        },
        "serviceAccountName": "builder",
        "element": {"name": "nginx"},
        "elementIndex": 0
    })
}

fn substitute(fragment: &Value) -> Value {
    variables::substitute(fragment, &context()).expect("substitution succeeds")
}

/// "Variables": a string that is exactly one variable becomes the typed value.
#[test]
fn whole_string_variable_keeps_its_type() {
    assert_eq!(
        substitute(&json!("{{ request.object.spec.replicas }}")),
        json!(3)
    );
    assert_eq!(
        substitute(&json!("{{request.object.metadata.labels}}")),
        json!({"app": "web"})
    );
    assert_eq!(
        substitute(&json!("{{ request.userInfo.groups }}")),
        json!(["dev"])
    );
    assert_eq!(
        substitute(&json!({"key": "{{ elementIndex }}"})),
        json!({"key": 0})
    );
}

/// Embedded variables are written into the string: strings as they are, other values as
/// compact JSON (Go `json.Marshal`: sorted keys).
#[test]
fn embedded_variables_format_into_the_string() {
    assert_eq!(
        substitute(&json!(
            "pod {{ request.object.metadata.name }} in {{request.namespace}}"
        )),
        json!("pod web in team-a")
    );
    assert_eq!(
        substitute(&json!("replicas={{ request.object.spec.replicas }}")),
        json!("replicas=3")
    );
    assert_eq!(
        substitute(&json!("labels: {{ request.object.metadata.labels }}")),
        json!("labels: {\"app\":\"web\"}")
    );
    assert_eq!(
        substitute(&json!("{{ serviceAccountName }}{{ request.namespace }}")),
        json!("builderteam-a")
    );
    assert_eq!(
        substitute(&json!(" {{ request.object.spec.replicas }}")),
        json!(" 3"),
        "a string with more than the variable stays a string"
    );
}

/// Map keys are substituted too (`OnlyForLeafsAndKeys`).
#[test]
fn keys_are_substituted() {
    assert_eq!(
        substitute(&json!({"{{ request.object.metadata.name }}-key": "{{ serviceAccountName }}"})),
        json!({"web-key": "builder"})
    );
}

/// `\{{ ... }}` is not a variable; the backslash is dropped.
#[test]
fn escaped_variables_stay_literal() {
    assert_eq!(
        substitute(&json!(
            "literal \\{{ request.namespace }} and {{ request.namespace }}"
        )),
        json!("literal {{ request.namespace }} and team-a")
    );
    assert!(variables::has_variables(&json!("\\{{ x }}")));
}

/// Expressions may hold JMESPath literals, braces, backticks and `||` defaults.
#[test]
fn expressions_with_literals_and_defaults() {
    assert_eq!(
        substitute(&json!(
            "{{ request.object.metadata.annotations.owner || 'nobody' }}"
        )),
        json!("nobody")
    );
    assert_eq!(
        substitute(&json!("{{ request.object.metadata.labels.{name: app} }}")),
        json!({"name": "web"})
    );
    assert_eq!(
        substitute(&json!(
            "{{ length(request.object.spec.containers[?name == 'nginx']) }}"
        )),
        json!(1)
    );
    assert_eq!(
        substitute(&json!("{{ to_upper(element.name) }}")),
        json!("NGINX")
    );
}

/// A variable inside another expression is resolved first (`time_since('', '{{ x }}', '')`
/// in the corpus).
#[test]
fn nested_variables_resolve_inside_out() {
    assert_eq!(
        substitute(&json!(
            "{{ to_upper('{{ request.object.metadata.name }}') }}"
        )),
        json!("WEB")
    );
}

/// An expression that finds nothing is `NotFound`, with the fragment path.
#[test]
fn unresolved_variables_are_not_found() {
    let fragment =
        json!({"spec": {"containers": [{"image": "{{ request.object.missing.field }}"}]}});
    assert_eq!(
        variables::substitute(&fragment, &context()),
        Err(VariableError::NotFound {
            variable: "request.object.missing.field".to_owned(),
            path: "/spec/containers/0/image".to_owned(),
        })
    );
    assert!(matches!(
        variables::substitute(&json!("{{ no_such_function(@) }}"), &context()),
        Err(VariableError::Query { variable, .. }) if variable == "no_such_function(@)"
    ));
}

/// `{{ @ }}` is the resource value at the same path (`request.object`, or `target` for
/// mutate targets).
#[test]
fn at_reads_the_same_path_of_the_resource() {
    assert_eq!(
        substitute(&json!({"metadata": {"=(name)": "{{ @ }}"}})),
        json!({"metadata": {"=(name)": "web"}})
    );
    let mut with_target = context();
    with_target["target"] = json!({"data": {"keytwo": "two"}});
    // other/concatenate-configmaps in the corpus.
    assert_eq!(
        variables::substitute(
            &json!({"data": {"keytwo": "{{ @ }} plus {{ request.namespace }}"}}),
            &with_target
        ),
        Ok(json!({"data": {"keytwo": "two plus team-a"}}))
    );
}

/// On DELETE, `request.object` reads `request.oldObject`.
#[test]
fn delete_reads_the_old_object() {
    let context = json!({"request": {
        "operation": "DELETE",
        "object": null,
        "oldObject": {"metadata": {"name": "gone"}}
    }});
    assert_eq!(
        variables::substitute(&json!("{{ request.object.metadata.name }}"), &context),
        Ok(json!("gone"))
    );
}

/// `$(path)` references read other fields of the same fragment, relative to the string's
/// own path (Kyverno docs, "Variables: Variables from other fields").
#[test]
fn references_read_the_fragment() {
    let pattern = json!({"spec": {"containers": [{
        "resources": {
            "requests": {"memory": "$(<=./../../limits/memory)"},
            "limits": {"memory": "2048Mi"}
        }
    }]}});
    assert_eq!(
        variables::substitute(&pattern, &context()),
        Ok(json!({"spec": {"containers": [{
            "resources": {
                "requests": {"memory": "<=2048Mi"},
                "limits": {"memory": "2048Mi"}
            }
        }]}}))
    );
    assert!(matches!(
        variables::substitute(&json!({"a": "$(./../missing)"}), &context()),
        Err(VariableError::UnresolvedReference { .. })
    ));
}

/// Fragments without variables are reported as such, so the engine can compile them once.
#[test]
fn has_variables_finds_every_marker() {
    assert!(!variables::has_variables(
        &json!({"a": ["b", 1, {"c": "?*"}]})
    ));
    assert!(variables::has_variables(
        &json!({"a": ["b", {"c": "x{{ y }}"}]})
    ));
    assert!(variables::has_variables(&json!({"{{ k }}": 1})));
    assert!(variables::has_variables(&json!("$(./x)")));
    assert_eq!(substitute(&json!({"a": "plain"})), json!({"a": "plain"}));
}

/// Variables whose values keep producing variables stop with an error instead of looping.
#[test]
fn self_producing_variables_stop() {
    let context = json!({"loop": "{{ loop }}"});
    assert!(matches!(
        variables::substitute(&json!("x {{ loop }}"), &context),
        Err(VariableError::TooDeep { .. })
    ));
}

/// A converted context answers substitutions and bare expressions (foreach lists) alike.
#[test]
fn prepared_context_is_reusable() {
    let prepared = variables::VariableContext::new(&context()).expect("context converts");
    assert_eq!(
        prepared.search("request.object.spec.containers[].name"),
        Ok(json!(["nginx"]))
    );
    assert_eq!(
        prepared.substitute(&json!("{{ serviceAccountName }}")),
        Ok(json!("builder"))
    );
    assert_eq!(
        prepared.substitute(&json!({"n": "{{ request.object.spec.replicas }}"})),
        Ok(json!({"n": 3}))
    );
}
