//! The tree walk of kyverno/kyverno `pkg/engine/validate/validate.go`
//! (`validateResourceElement`, `validateMap`, `validateArray`, `validateArrayOfMaps`) and the
//! anchor handlers of `pkg/engine/anchor/handlers.go`.
//!
//! A mismatch carries its kind: a failed conditional or global anchor is a skip, which an
//! enclosing list of maps absorbs as long as another element applies; everything else fails.

use serde_json::{Map, Value};

use super::PatternOutcome;
use super::anchor::{Anchor, AnchorKind, has_nested_anchor};
use super::value::value_matches;
use super::wildcard::expand_in_metadata;

/// Why an element did not match, with Kyverno's path of the element.
struct Mismatch {
    skip: bool,
    path: String,
    reason: String,
}

impl Mismatch {
    fn fail(location: &Location<'_>, reason: String) -> Self {
        Self {
            skip: false,
            path: location.render(),
            reason,
        }
    }

    /// Turns any mismatch under a conditional or global anchor into a skip.
    fn into_skip(self, anchor: &str) -> Self {
        Self {
            skip: true,
            reason: format!("{anchor} anchor did not match: {}", self.reason),
            ..self
        }
    }
}

type Walk = Result<(), Mismatch>;

/// Where the walk is, as a chain of segments on the stack: rendered to Kyverno's
/// `/spec/containers/0/` form only when a mismatch is reported, so a passing evaluation
/// allocates no path strings.
#[derive(Clone, Copy)]
struct Location<'a> {
    parent: Option<&'a Location<'a>>,
    segment: Segment<'a>,
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Root,
    Key(&'a str),
    Index(usize),
}

impl<'a> Location<'a> {
    const ROOT: Location<'static> = Location {
        parent: None,
        segment: Segment::Root,
    };

    fn key(&'a self, key: &'a str) -> Self {
        Self {
            parent: Some(self),
            segment: Segment::Key(key),
        }
    }

    fn index(&'a self, index: usize) -> Self {
        Self {
            parent: Some(self),
            segment: Segment::Index(index),
        }
    }

    fn render(&self) -> String {
        let mut segments = Vec::new();
        let mut current = Some(self);
        while let Some(location) = current {
            segments.push(location.segment);
            current = location.parent;
        }
        let mut path = String::from("/");
        for segment in segments.into_iter().rev() {
            match segment {
                Segment::Root => {}
                Segment::Key(key) => path.push_str(key),
                Segment::Index(index) => path.push_str(&index.to_string()),
            }
            if !matches!(segment, Segment::Root) {
                path.push('/');
            }
        }
        path
    }
}

/// Evaluates `pattern` on `resource` from the root path `/`.
pub(super) fn evaluate(resource: &Value, pattern: &Value) -> PatternOutcome {
    match element(resource, pattern, &Location::ROOT) {
        Ok(()) => PatternOutcome::Pass,
        Err(Mismatch {
            skip: true,
            path,
            reason,
        }) => PatternOutcome::Skip { path, reason },
        Err(Mismatch {
            skip: false,
            path,
            reason,
        }) => PatternOutcome::Fail { path, reason },
    }
}

fn element(resource: &Value, pattern: &Value, path: &Location<'_>) -> Walk {
    match (pattern, resource) {
        (Value::Object(pattern), Value::Object(resource)) => map(resource, pattern, path),
        (Value::Array(pattern), Value::Array(resource)) => list(resource, pattern, path),
        (Value::Object(_) | Value::Array(_), _) => Err(Mismatch::fail(
            path,
            format!(
                "expected {}, found {}",
                type_name(pattern),
                type_name(resource)
            ),
        )),
        // A scalar pattern applies to every element of a list of scalars.
        (_, Value::Array(items)) => match items.iter().find(|item| !value_matches(item, pattern)) {
            Some(item) => Err(Mismatch::fail(path, mismatch_reason(item, pattern))),
            None => Ok(()),
        },
        _ if value_matches(resource, pattern) => Ok(()),
        _ => Err(Mismatch::fail(path, mismatch_reason(resource, pattern))),
    }
}

/// Anchors first (conditional and global before the others, so a rule that does not apply is
/// skipped rather than failed), then plain keys, those holding nested anchors first.
fn map(resource: &Map<String, Value>, pattern: &Map<String, Value>, path: &Location<'_>) -> Walk {
    let pattern = expand_in_metadata(pattern, resource);
    let mut anchored: Vec<(Anchor<'_>, &Value)> = Vec::new();
    let mut plain: Vec<(&str, &Value)> = Vec::new();
    for (key, value) in pattern.iter() {
        match Anchor::parse(key) {
            Some(anchor) => anchored.push((anchor, value)),
            None => plain.push((key, value)),
        }
    }
    anchored.sort_by_key(|(anchor, _)| {
        !matches!(anchor.kind, AnchorKind::Conditional | AnchorKind::Global)
    });
    for (anchor, value) in anchored {
        anchored_key(resource, anchor, value, path)?;
    }
    plain.sort_by_key(|(_, value)| !has_nested_anchor(value));
    for (key, value) in plain {
        let child = path.key(key);
        let actual = resource.get(key).unwrap_or(&Value::Null);
        // A bare `*` requires the field to be present and not null.
        if value.as_str() == Some("*") {
            if actual.is_null() {
                return Err(Mismatch::fail(path, format!("field {key} not found")));
            }
            continue;
        }
        element(actual, value, &child)?;
    }
    Ok(())
}

fn anchored_key(
    resource: &Map<String, Value>,
    anchor: Anchor<'_>,
    pattern: &Value,
    path: &Location<'_>,
) -> Walk {
    let child = path.key(anchor.name);
    let actual = resource.get(anchor.name);
    match (anchor.kind, actual) {
        (AnchorKind::Conditional, None) => Err(Mismatch {
            skip: true,
            path: child.render(),
            reason: format!(
                "conditional anchor key {} does not exist in the resource",
                anchor.name
            ),
        }),
        (AnchorKind::Conditional, Some(actual)) => {
            element(actual, pattern, &child).map_err(|mismatch| mismatch.into_skip("conditional"))
        }
        (AnchorKind::Global, Some(actual)) => {
            element(actual, pattern, &child).map_err(|mismatch| mismatch.into_skip("global"))
        }
        (AnchorKind::Equality, Some(actual)) => element(actual, pattern, &child),
        (AnchorKind::Negation, Some(_)) => Err(Mismatch::fail(
            &child,
            format!("field {} is not allowed", anchor.name),
        )),
        (AnchorKind::Existence, Some(actual)) => existence(actual, pattern, &child),
        // Compilation rejects add-if-not-present in validate patterns; a missing field
        // satisfies every other anchor.
        (AnchorKind::AddIfNotPresent, _) | (_, None) => Ok(()),
    }
}

/// `^(key)`: every map of the pattern list matches at least one element of the resource list.
fn existence(resource: &Value, pattern: &Value, path: &Location<'_>) -> Walk {
    let Value::Array(items) = resource else {
        return Err(Mismatch::fail(
            path,
            format!(
                "existence anchor needs a list, found {}",
                type_name(resource)
            ),
        ));
    };
    let patterns = pattern.as_array().map_or(&[][..], Vec::as_slice);
    for wanted in patterns {
        let found = items
            .iter()
            .enumerate()
            .any(|(index, item)| element(item, wanted, &path.index(index)).is_ok());
        if !found {
            return Err(Mismatch::fail(
                path,
                "no element matches the existence anchor".to_owned(),
            ));
        }
    }
    Ok(())
}

/// A list of maps applies its first map to every element (Kyverno's legacy array-of-maps
/// handling); other lists compare element by element and need at least as many elements.
/// Elements skipped by an anchor do not count; when every element is skipped, so is the list.
fn list(resource: &[Value], pattern: &[Value], path: &Location<'_>) -> Walk {
    let pairs: Vec<(usize, &Value, &Value)> = match pattern.first() {
        Some(first @ Value::Object(_)) => resource
            .iter()
            .enumerate()
            .map(|(index, item)| (index, item, first))
            .collect(),
        _ if resource.len() < pattern.len() => {
            return Err(Mismatch::fail(
                path,
                format!(
                    "expected at least {} elements, found {}",
                    pattern.len(),
                    resource.len()
                ),
            ));
        }
        _ => resource
            .iter()
            .zip(pattern)
            .enumerate()
            .map(|(index, (item, wanted))| (index, item, wanted))
            .collect(),
    };
    let mut applied = false;
    let mut first_skip = None;
    for (index, item, wanted) in pairs {
        match element(item, wanted, &path.index(index)) {
            Ok(()) => applied = true,
            Err(mismatch) if mismatch.skip => {
                first_skip.get_or_insert(mismatch);
            }
            Err(mismatch) => return Err(mismatch),
        }
    }
    match first_skip {
        Some(skip) if !applied => Err(skip),
        _ => Ok(()),
    }
}

fn mismatch_reason(resource: &Value, pattern: &Value) -> String {
    format!("value {resource} does not match {pattern}")
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "a map",
    }
}

#[cfg(test)]
mod tests {
    //! The tree walk, one test per anchor and structural rule, from the examples of Kyverno's
    //! docs ("Validate Rules": "Patterns", "Anchors", "Wildcards") and `validate.go`.
    use serde_json::json;

    use super::*;
    use crate::kyverno::pattern::Pattern;

    fn outcome(pattern: &Value, resource: &Value) -> PatternOutcome {
        Pattern::new(pattern)
            .expect("well-formed pattern")
            .validate(resource)
    }

    fn assert_fail(outcome: &PatternOutcome, expected_path: &str) {
        match outcome {
            PatternOutcome::Fail { path, .. } => assert_eq!(path, expected_path),
            other => panic!("expected a failure at {expected_path}, got {other:?}"),
        }
    }

    fn pod(containers: &Value) -> Value {
        json!({"kind": "Pod", "spec": {"containers": containers}})
    }

    /// "Patterns": plain keys must exist and match; a missing map is a failure.
    #[test]
    fn plain_keys_are_required() {
        let pattern = json!({"spec": {"securityContext": {"runAsNonRoot": true}}});
        let good = json!({"spec": {"securityContext": {"runAsNonRoot": true}}});
        assert_eq!(outcome(&pattern, &good), PatternOutcome::Pass);
        assert_fail(
            &outcome(&pattern, &json!({"spec": {}})),
            "/spec/securityContext/",
        );
        let wrong = json!({"spec": {"securityContext": {"runAsNonRoot": false}}});
        assert_fail(
            &outcome(&pattern, &wrong),
            "/spec/securityContext/runAsNonRoot/",
        );
    }

    /// "Anchors", conditional: `(image): "*:latest"` with `imagePullPolicy: "!IfNotPresent"`.
    #[test]
    fn conditional_anchor() {
        let pattern = json!({"spec": {"containers": [
            {"(image)": "*:latest", "imagePullPolicy": "!IfNotPresent"}
        ]}});
        let latest_always = pod(&json!([{"image": "nginx:latest", "imagePullPolicy": "Always"}]));
        assert_eq!(outcome(&pattern, &latest_always), PatternOutcome::Pass);
        let latest_cached =
            pod(&json!([{"image": "nginx:latest", "imagePullPolicy": "IfNotPresent"}]));
        assert_fail(
            &outcome(&pattern, &latest_cached),
            "/spec/containers/0/imagePullPolicy/",
        );
        // No element satisfies the condition: the rule does not apply.
        let pinned = pod(&json!([{"image": "nginx:1.25", "imagePullPolicy": "IfNotPresent"}]));
        assert!(
            matches!(outcome(&pattern, &pinned), PatternOutcome::Skip { path, .. }
            if path == "/spec/containers/0/image/")
        );
        // One element applies and passes, the other is skipped: pass.
        let mixed = pod(&json!([
            {"image": "nginx:1.25", "imagePullPolicy": "IfNotPresent"},
            {"image": "redis:latest", "imagePullPolicy": "Always"},
        ]));
        assert_eq!(outcome(&pattern, &mixed), PatternOutcome::Pass);
    }

    /// A conditional anchor key missing from the resource skips, and a failed condition wins
    /// over a failing sibling because anchors are evaluated first.
    #[test]
    fn conditional_anchor_missing_key_and_precedence() {
        let pattern = json!({"spec": {"(type)": "ExternalName", "externalName": "!localhost"}});
        assert!(matches!(
            outcome(&pattern, &json!({"spec": {}})),
            PatternOutcome::Skip { .. }
        ));
        let cluster_ip = json!({"spec": {"type": "ClusterIP", "externalName": "localhost"}});
        assert!(matches!(
            outcome(&pattern, &cluster_ip),
            PatternOutcome::Skip { .. }
        ));
        let external = json!({"spec": {"type": "ExternalName", "externalName": "localhost"}});
        assert_fail(&outcome(&pattern, &external), "/spec/externalName/");
    }

    /// "Anchors", equality: `=(hostPath)` checks the field only when present.
    #[test]
    fn equality_anchor() {
        let pattern = json!({"spec": {"=(volumes)": [
            {"=(hostPath)": {"path": "!/var/lib"}}
        ]}});
        assert_eq!(
            outcome(&pattern, &json!({"spec": {}})),
            PatternOutcome::Pass
        );
        let empty_dir = json!({"spec": {"volumes": [{"name": "a", "emptyDir": {}}]}});
        assert_eq!(outcome(&pattern, &empty_dir), PatternOutcome::Pass);
        let var_lib = json!({"spec": {"volumes": [{"hostPath": {"path": "/var/lib"}}]}});
        assert_fail(
            &outcome(&pattern, &var_lib),
            "/spec/volumes/0/hostPath/path/",
        );
    }

    /// "Anchors", existence: `^(containers)` needs at least one matching element.
    #[test]
    fn existence_anchor() {
        let pattern = json!({"spec": {"^(containers)": [{"image": "nginx:latest"}]}});
        let one = pod(&json!([{"image": "redis"}, {"image": "nginx:latest"}]));
        assert_eq!(outcome(&pattern, &one), PatternOutcome::Pass);
        let none = pod(&json!([{"image": "redis"}]));
        assert_fail(&outcome(&pattern, &none), "/spec/containers/");
        assert_eq!(
            outcome(&pattern, &json!({"spec": {}})),
            PatternOutcome::Pass
        );
        let not_a_list = json!({"spec": {"containers": {"image": "nginx:latest"}}});
        assert_fail(&outcome(&pattern, &not_a_list), "/spec/containers/");
    }

    /// "Anchors", negation: `X(hostPath)` forbids the field (disallow-host-path).
    #[test]
    fn negation_anchor() {
        let pattern = json!({"spec": {"=(volumes)": [{"X(hostPath)": "null"}]}});
        let empty_dir = json!({"spec": {"volumes": [{"name": "a", "emptyDir": {}}]}});
        assert_eq!(outcome(&pattern, &empty_dir), PatternOutcome::Pass);
        let host = json!({"spec": {"volumes": [{"name": "a", "emptyDir": {}}, {"hostPath": {}}]}});
        assert_fail(&outcome(&pattern, &host), "/spec/volumes/1/hostPath/");
    }

    /// "Anchors", global: an image `someimagename` requires an image pull secret; when no
    /// container uses it, the whole rule is skipped.
    #[test]
    fn global_anchor() {
        let pattern = json!({"spec": {
            "containers": [{"name": "*", "<(image)": "someimagename"}],
            "imagePullSecrets": [{"name": "my-registry-secret"}],
        }});
        let other = pod(&json!([{"name": "a", "image": "other"}]));
        assert!(matches!(
            outcome(&pattern, &other),
            PatternOutcome::Skip { .. }
        ));
        let mut secret = pod(&json!([{"name": "a", "image": "someimagename"}]));
        assert_fail(&outcome(&pattern, &secret), "/spec/imagePullSecrets/");
        secret["spec"]["imagePullSecrets"] = json!([{"name": "my-registry-secret"}]);
        assert_eq!(outcome(&pattern, &secret), PatternOutcome::Pass);
    }

    /// "Wildcards": `*` needs a present, non-null field; `?*` a non-empty one.
    #[test]
    fn star_and_non_empty_values() {
        let star = json!({"metadata": {"labels": {"app": "*"}}});
        let labelled = json!({"metadata": {"labels": {"app": ""}}});
        assert_eq!(outcome(&star, &labelled), PatternOutcome::Pass);
        let unlabelled = json!({"metadata": {"labels": {}}});
        assert_fail(&outcome(&star, &unlabelled), "/metadata/labels/");
        let non_empty = json!({"metadata": {"labels": {"app": "?*"}}});
        assert_fail(&outcome(&non_empty, &labelled), "/metadata/labels/app/");
    }

    /// "Wildcards": wildcard label keys stand for the matching resource key.
    #[test]
    fn wildcard_label_keys() {
        let pattern = json!({"metadata": {"labels": {"app.kubernetes.io/*": "?*"}}});
        let named = json!({"metadata": {"labels": {"app.kubernetes.io/name": "web"}}});
        assert_eq!(outcome(&pattern, &named), PatternOutcome::Pass);
        let other = json!({"metadata": {"labels": {"team": "web"}}});
        assert_fail(
            &outcome(&pattern, &other),
            "/metadata/labels/app.kubernetes.io/*/",
        );
    }

    /// A scalar pattern applies to each element of a list of scalars; a list of scalars as a
    /// pattern compares element by element.
    #[test]
    fn lists_of_scalars() {
        let each = json!({"spec": {"externalIPs": "10.0.0.*"}});
        let ips = json!({"spec": {"externalIPs": ["10.0.0.1", "10.0.0.2"]}});
        assert_eq!(outcome(&each, &ips), PatternOutcome::Pass);
        let outside = json!({"spec": {"externalIPs": ["10.0.0.1", "192.168.0.1"]}});
        assert_fail(&outcome(&each, &outside), "/spec/externalIPs/");
        let by_index = json!({"spec": {"args": ["--a", "--b*"]}});
        let args = json!({"spec": {"args": ["--a", "--bc", "--extra"]}});
        assert_eq!(outcome(&by_index, &args), PatternOutcome::Pass);
        let short = json!({"spec": {"args": ["--a"]}});
        assert_fail(&outcome(&by_index, &short), "/spec/args/");
    }

    /// An empty resource list satisfies a list-of-maps pattern: there is nothing to check.
    #[test]
    fn empty_resource_list_passes() {
        let pattern = json!({"spec": {"containers": [{"image": "!*:latest"}]}});
        assert_eq!(outcome(&pattern, &pod(&json!([]))), PatternOutcome::Pass);
        assert_fail(
            &outcome(&pattern, &json!({"spec": {}})),
            "/spec/containers/",
        );
    }

    /// A `null` pattern value accepts a missing field or a zero value.
    #[test]
    fn null_pattern_value() {
        let pattern = json!({"spec": {"hostNetwork": null}});
        assert_eq!(
            outcome(&pattern, &json!({"spec": {}})),
            PatternOutcome::Pass
        );
        assert_eq!(
            outcome(&pattern, &json!({"spec": {"hostNetwork": false}})),
            PatternOutcome::Pass
        );
        assert_fail(
            &outcome(&pattern, &json!({"spec": {"hostNetwork": true}})),
            "/spec/hostNetwork/",
        );
    }
}
