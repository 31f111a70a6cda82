//! Kyverno conditions (`preconditions`, `deny.conditions`): each operator on the examples and
//! rules of Kyverno's docs ("Preconditions: Operators", "Validate Rules: Deny rules"), then every
//! condition block of the Kyverno corpus parsed with its operators known. The sections quoted
//! are those of <https://kyverno.io/docs/policy-types/cluster-policy/preconditions/> and
//! <https://kyverno.io/docs/policy-types/cluster-policy/validate/#deny-rules>; where the docs
//! are silent the expectation follows kyverno/kyverno `pkg/engine/variables/operator/*.go`.

use serde_json::{Value, json};

use crate::{collect_yaml, corpus};
use custody_policy::kyverno::condition::{
    Condition, ConditionBlock, ConditionError, ConditionOutcome, Conditions, FailedCondition,
    Operator,
};

/// Whether `key <operator> value` holds, with the operator given by its Kyverno name.
fn holds(key: Value, operator: &str, value: Value) -> bool {
    let operator = operator
        .parse()
        .expect("operator literal is a Kyverno operator");
    let condition = Condition {
        key,
        operator,
        value,
        message: None,
    };
    condition.holds()
}

/// "Operators: `Equals`": deep equality, numbers against numeric strings, and the value (never
/// the key) read as a wildcard.
#[test]
fn equals() {
    assert!(holds(json!("NodePort"), "Equals", json!("NodePort")));
    assert!(!holds(json!("ClusterIP"), "Equals", json!("NodePort")));
    assert!(holds(json!("nginx:latest"), "Equals", json!("*:latest")));
    assert!(!holds(json!("*:latest"), "Equals", json!("nginx:latest")));
    assert!(holds(json!(8080), "Equals", json!("8080")));
    assert!(holds(json!(2), "Equals", json!(2.0)));
    assert!(holds(json!(true), "Equals", json!(true)));
    assert!(!holds(json!(true), "Equals", json!("true")));
    assert!(holds(
        json!({"a": 1, "b": [1, "x"]}),
        "Equals",
        json!({"b": [1.0, "x"], "a": 1.0})
    ));
    assert!(!holds(json!(["a", "b"]), "Equals", json!(["b", "a"])));
    assert!(!holds(Value::Null, "Equals", Value::Null));
}

/// "Operators": quantities and durations compare by magnitude, not spelling.
#[test]
fn equals_quantities_and_durations() {
    assert!(holds(json!("1Gi"), "Equals", json!("1024Mi")));
    assert!(holds(json!("500m"), "Equals", json!("0.5")));
    assert!(holds(json!("1h"), "Equals", json!("60m")));
    assert!(holds(json!("1h"), "Equals", json!(3600)));
    // A quantity key against a string that is not a quantity is neither equal nor unequal.
    assert!(!holds(json!("100"), "Equals", json!("1*")));
    assert!(!holds(json!("100"), "NotEquals", json!("1*")));
}

/// "Operators: `NotEquals`".
#[test]
fn not_equals() {
    assert!(holds(json!("ClusterIP"), "NotEquals", json!("NodePort")));
    assert!(!holds(json!("NodePort"), "NotEquals", json!("Node*")));
    assert!(holds(json!("1Gi"), "NotEquals", json!("1025Mi")));
    assert!(!holds(json!("59m"), "NotEquals", json!("3540s")));
    assert!(holds(json!(true), "NotEquals", json!("true")));
    assert!(holds(json!({"a": 1}), "NotEquals", json!({"a": 2})));
    assert!(!holds(Value::Null, "NotEquals", json!("x")));
}

/// "Operators: `AnyIn` / `AllIn` / `AnyNotIn` / `AllNotIn`" with arrays on both sides.
#[test]
fn set_operators_on_arrays() {
    let key = json!(["a", "b"]);
    assert!(holds(key.clone(), "AnyIn", json!(["b", "c"])));
    assert!(!holds(key.clone(), "AllIn", json!(["b", "c"])));
    assert!(holds(key.clone(), "AnyNotIn", json!(["b", "c"])));
    assert!(!holds(key.clone(), "AllNotIn", json!(["b", "c"])));
    assert!(holds(key.clone(), "AllIn", json!(["a", "b", "c"])));
    assert!(!holds(key.clone(), "AnyNotIn", json!(["a", "b", "c"])));
    assert!(holds(key.clone(), "AllNotIn", json!(["x"])));
    // Wildcards match in either direction.
    assert!(holds(
        json!(["nginx", "nginx-1"]),
        "AllIn",
        json!(["nginx*"])
    ));
    assert!(holds(json!(["team-*"]), "AnyIn", json!(["team-a"])));
    // Numbers compare as Go prints them.
    assert!(holds(
        json!([80, 443]),
        "AllIn",
        json!(["80", "443", "8080"])
    ));
}

/// "Operators": a scalar key, and a value that is a JSON array inside a string (how `ConfigMap`
/// data carries lists).
#[test]
fn set_operators_on_scalars_and_json_strings() {
    assert!(holds(json!("CREATE"), "AnyIn", json!(["CREATE", "UPDATE"])));
    assert!(!holds(
        json!("DELETE"),
        "AnyIn",
        json!(["CREATE", "UPDATE"])
    ));
    assert!(holds(
        json!("DELETE"),
        "AnyNotIn",
        json!(["CREATE", "UPDATE"])
    ));
    assert!(holds(
        json!("DELETE"),
        "AllNotIn",
        json!(["CREATE", "UPDATE"])
    ));
    assert!(holds(json!("b"), "AnyIn", json!(r#"["a", "b"]"#)));
    assert!(holds(
        json!(["a", "b"]),
        "AllIn",
        json!(r#"["a", "b", "c"]"#)
    ));
    assert!(holds(json!("plain"), "AnyIn", json!("plain")));
    // A boolean key is printed by `AnyIn` only.
    assert!(holds(json!(true), "AnyIn", json!(["true"])));
    assert!(!holds(json!(true), "AllIn", json!(["true"])));
    assert!(holds(json!("team-a"), "AnyIn", json!("team-*")));
    // Maps and null are no set members: every set operator is false.
    for operator in ["AnyIn", "AllIn", "AnyNotIn", "AllNotIn", "In", "NotIn"] {
        assert!(
            !holds(json!({"a": 1}), operator, json!(["a"])),
            "{operator}"
        );
        assert!(!holds(Value::Null, operator, json!(["a"])), "{operator}");
    }
}

/// "Operators": `AnyIn`/`AllIn` and their negations accept a numeric range `a-b` as value.
#[test]
fn set_operators_on_ranges() {
    assert!(holds(json!(8080), "AnyIn", json!("8000-9000")));
    assert!(!holds(json!(80), "AnyIn", json!("8000-9000")));
    assert!(holds(json!(["80", "8080"]), "AnyIn", json!("8000-9000")));
    assert!(!holds(json!(["80", "8080"]), "AllIn", json!("8000-9000")));
    assert!(holds(json!(["80", "8080"]), "AnyNotIn", json!("8000-9000")));
    assert!(!holds(
        json!(["80", "8080"]),
        "AllNotIn",
        json!("8000-9000")
    ));
    assert!(holds(json!(["80", "90"]), "AllNotIn", json!("8000-9000")));
}

/// The deprecated `In`/`NotIn`: exact membership, a string value must hold a JSON array.
#[test]
fn deprecated_in_and_not_in() {
    assert!(holds(json!("a"), "In", json!(["a", "b"])));
    assert!(!holds(json!("a"), "NotIn", json!(["a", "b"])));
    assert!(holds(json!(["a", "b"]), "In", json!(["a", "b", "c"])));
    assert!(holds(json!(["a", "z"]), "NotIn", json!(["a", "b"])));
    assert!(!holds(json!(["a*"]), "In", json!(["ab"])));
    assert!(holds(json!("b"), "In", json!(r#"["a", "b"]"#)));
    // Not JSON: an invalid value, so neither In nor NotIn holds.
    assert!(!holds(json!("x"), "In", json!("not json")));
    assert!(!holds(json!("x"), "NotIn", json!("not json")));
}

/// "Operators: `GreaterThan`, `GreaterThanOrEquals`, `LessThan`, `LessThanOrEquals`": numbers,
/// quantities, durations and semantic versions.
#[test]
fn numeric_operators() {
    assert!(holds(json!("2Gi"), "GreaterThan", json!("1Gi")));
    assert!(holds(json!("1Gi"), "GreaterThanOrEquals", json!("1024Mi")));
    assert!(!holds(json!("1Gi"), "GreaterThan", json!("1024Mi")));
    assert!(holds(json!("250m"), "LessThan", json!("1")));
    assert!(holds(json!("1h"), "GreaterThan", json!("59m")));
    assert!(holds(json!("59m"), "LessThanOrEquals", json!("1h")));
    assert!(holds(json!(10), "LessThan", json!("11")));
    assert!(holds(json!(3), "GreaterThan", json!(2.5)));
    assert!(holds(json!(3601), "GreaterThan", json!("1h")));
    // A number against a duration counts whole seconds: Go truncates 90.9 to 90s.
    assert!(holds(json!(90.9), "GreaterThanOrEquals", json!("1m30s")));
    assert!(!holds(json!(90.9), "GreaterThan", json!("1m30s")));
    // `"0"` is never read as a duration, so it compares as a number.
    assert!(holds(json!("0"), "LessThan", json!(1)));
    assert!(holds(json!("1.10.0"), "GreaterThan", json!("1.9.0")));
    assert!(holds(json!("1.0.0-rc.1"), "LessThan", json!("1.0.0")));
    assert!(!holds(json!("abc"), "GreaterThan", json!("abd")));
    assert!(!holds(json!(true), "GreaterThan", json!(false)));
}

/// "Operators: Duration operators (deprecated)": durations, numbers counting seconds.
#[test]
fn duration_operators() {
    assert!(holds(json!("1h"), "DurationGreaterThan", json!("59m")));
    assert!(!holds(json!("59m"), "DurationGreaterThan", json!("1h")));
    assert!(holds(
        json!(3600),
        "DurationGreaterThanOrEquals",
        json!("1h")
    ));
    assert!(holds(json!("30s"), "DurationLessThan", json!(31)));
    assert!(holds(json!("1h"), "DurationLessThanOrEquals", json!("60m")));
    assert!(!holds(json!("abc"), "DurationLessThan", json!("1h")));
}

/// Operator names are case-insensitive and keep the deprecated `Equal`/`NotEqual` spellings;
/// an unknown operator is a deserialization error naming it, never a passing condition.
#[test]
fn operator_names() {
    assert_eq!("equals".parse::<Operator>(), Ok(Operator::Equals));
    assert_eq!("Equal".parse::<Operator>(), Ok(Operator::Equals));
    assert_eq!("NotEqual".parse::<Operator>(), Ok(Operator::NotEquals));
    assert_eq!(Operator::AnyNotIn.to_string(), "AnyNotIn");
    assert_eq!(
        "Matches".parse::<Operator>(),
        Err(ConditionError::UnknownOperator {
            operator: "Matches".to_owned()
        })
    );
    let error = serde_json::from_value::<Condition>(json!({"key": 1, "operator": "Matches"}))
        .expect_err("unknown operator is rejected");
    assert!(
        error
            .to_string()
            .contains("unknown condition operator `Matches`"),
        "{error}"
    );
    let error = serde_json::from_value::<Conditions>(
        json!({"all": [{"key": 1, "operator": "Bogus", "value": 1}]}),
    )
    .expect_err("unknown operator in a block is rejected");
    assert!(error.to_string().contains("`Bogus`"), "{error}");
}

/// "Preconditions: Any and All": `any` needs one, `all` needs each, both blocks must pass; the
/// legacy list is `all`; failures name the conditions and their messages.
#[test]
fn any_and_all_blocks() {
    let conditions = |value: Value| -> Conditions {
        serde_json::from_value(value).expect("conditions literal deserializes")
    };
    let yes = json!({"key": "a", "operator": "Equals", "value": "a"});
    let no = json!({"key": "a", "operator": "Equals", "value": "b", "message": "not b"});

    assert_eq!(
        conditions(json!({"any": [no, yes], "all": [yes]})).evaluate(),
        ConditionOutcome::Passed
    );
    assert_eq!(conditions(json!({})).evaluate(), ConditionOutcome::Passed);
    assert_eq!(
        conditions(json!({"any": [no, no]})).evaluate(),
        ConditionOutcome::Failed {
            block: ConditionBlock::Any,
            conditions: vec![
                FailedCondition {
                    index: 0,
                    message: Some("not b".to_owned())
                },
                FailedCondition {
                    index: 1,
                    message: Some("not b".to_owned())
                },
            ],
        }
    );
    assert_eq!(
        conditions(json!({"any": [yes], "all": [yes, no]})).evaluate(),
        ConditionOutcome::Failed {
            block: ConditionBlock::All,
            conditions: vec![FailedCondition {
                index: 1,
                message: Some("not b".to_owned())
            }],
        }
    );
    assert_eq!(
        conditions(json!([yes, no])).evaluate(),
        ConditionOutcome::Failed {
            block: ConditionBlock::All,
            conditions: vec![FailedCondition {
                index: 1,
                message: Some("not b".to_owned())
            }],
        }
    );
}

/// Every `preconditions` and `deny.conditions` block (at any depth, so `foreach` ones too) of
/// every `ClusterPolicy`/`Policy` in the classic folders deserializes with known operators.
#[test]
fn corpus_condition_blocks_deserialize() {
    let corpus = corpus("kyverno");
    let mut files = Vec::new();
    for folder in ["best-practices", "other", "pod-security"] {
        collect_yaml(&corpus.join(folder), &mut files);
    }
    let (mut policies, mut blocks, mut conditions) = (0, 0, 0);
    let mut failures = Vec::new();
    for file in &files {
        let text = fs_err::read_to_string(file).expect("corpus file is readable");
        let Ok(documents) = serde_saphyr::from_multiple::<Value>(&text) else {
            // Only policy files must parse; resources and tests are read by other suites.
            assert!(
                !text.contains("kind: ClusterPolicy") && !text.contains("kind: Policy"),
                "{} holds a policy but is not YAML",
                file.display()
            );
            continue;
        };
        for document in documents.iter().filter(|document| {
            matches!(document["kind"].as_str(), Some("ClusterPolicy" | "Policy"))
                && document["apiVersion"]
                    .as_str()
                    .is_some_and(|version| version.starts_with("kyverno.io/"))
        }) {
            policies += 1;
            let mut found = Vec::new();
            condition_blocks(&document["spec"], &mut found);
            for block in found {
                blocks += 1;
                match serde_json::from_value::<Conditions>(block.clone()) {
                    Ok(parsed) => conditions += parsed.any.len() + parsed.all.len(),
                    Err(error) => failures.push(format!("{}: {error}", file.display())),
                }
            }
        }
    }
    println!(
        "{} files, {policies} policies, {blocks} condition blocks, {conditions} conditions, {} failures",
        files.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(policies > 100, "only {policies} policies found");
    assert!(blocks > 100, "only {blocks} condition blocks found");
}

/// Every value under a `preconditions` key, and under `conditions` of a `deny` object.
fn condition_blocks<'a>(value: &'a Value, found: &mut Vec<&'a Value>) {
    match value {
        Value::Object(map) => {
            for (name, child) in map {
                match name.as_str() {
                    "preconditions" => found.push(child),
                    "deny" => {
                        if let Some(conditions) = child.get("conditions") {
                            found.push(conditions);
                        }
                    }
                    _ => {}
                }
                condition_blocks(child, found);
            }
        }
        Value::Array(items) => items.iter().for_each(|item| condition_blocks(item, found)),
        _ => {}
    }
}
