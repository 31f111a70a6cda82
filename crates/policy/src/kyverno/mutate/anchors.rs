//! Kyverno's anchor pre-processing of a `patchStrategicMerge` overlay, as
//! kyverno/kyverno `pkg/engine/mutate/patch/strategicPreprocessing.go` does it before handing
//! the overlay to kyaml's merge (the sibling `merge` module).
//!
//! The overlay is walked together with the resource:
//!
//! - `+(key)` (add-if-not-present) is dropped when the resource already has `key`, and becomes
//!   a plain `key` otherwise;
//! - `<(key)` (global) and `(key)` (conditional) must match the resource's `key` with the
//!   validate pattern language ([`Pattern`]); a failure ends the walk, which drops the whole
//!   overlay, except inside a list of maps, where a conditional failure only skips one resource
//!   element and a global failure drops the overlay when no element matched;
//! - an overlay list element carrying anchors is matched against every resource element; each
//!   match with a `name` adds a copy of the element, anchors removed and `name` set, so that
//!   kyaml merges it into that resource element;
//! - finally the anchored keys and elements are deleted from the overlay
//!   (`deleteConditionElements`), and so are maps and lists left empty by that deletion.
//!
//! Two upstream slips are not mirrored: deleting several anchored list elements in Go shifts
//! indices (skipping or dropping the wrong element, or panicking); here every anchored element
//! is deleted.

use serde_json::{Map, Value};

use super::{MutateError, kind_name, push_token};
use crate::kyverno::pattern::{Anchor, AnchorKind, Pattern, PatternOutcome};

/// Why the walk stopped before the end.
enum Halt {
    /// A conditional anchor did not match.
    Condition,
    /// A global anchor did not match.
    Global,
    /// The overlay cannot be applied.
    Error(MutateError),
}

/// Resolves the anchors of `patch` against `resource`; `None` when a condition failed, so the
/// patch must not change the resource.
pub(super) fn preprocess(resource: &Value, patch: &Value) -> Result<Option<Value>, MutateError> {
    let mut overlay = patch.clone();
    let Value::Object(root) = &mut overlay else {
        return Err(MutateError::NotAMap {
            found: kind_name(patch),
        });
    };
    match walk_map(root, Some(resource), "") {
        Ok(()) => {}
        Err(Halt::Condition | Halt::Global) => return Ok(None),
        Err(Halt::Error(error)) => return Err(error),
    }
    delete_condition_elements(root);
    Ok(Some(overlay))
}

/// Walks one overlay value against the resource value at the same path.
fn walk(overlay: &mut Value, resource: Option<&Value>, path: &str) -> Result<(), Halt> {
    match overlay {
        Value::Object(map) => walk_map(map, resource, path),
        Value::Array(items) if items.first().is_some_and(Value::is_object) => {
            walk_list_of_maps(items, resource, path)
        }
        _ => Ok(()),
    }
}

/// Upstream `walkMap`: resolve `+()` keys, check the map's global then conditional anchors,
/// then walk every key that is not a mutate anchor.
fn walk_map(
    overlay: &mut Map<String, Value>,
    resource: Option<&Value>,
    path: &str,
) -> Result<(), Halt> {
    let resource = resource.and_then(Value::as_object);
    add_if_not_present(overlay, resource);
    if !conditions_hold(overlay, resource, AnchorKind::Global) {
        return Err(Halt::Global);
    }
    if !conditions_hold(overlay, resource, AnchorKind::Conditional) {
        return Err(Halt::Condition);
    }
    let keys: Vec<String> = overlay
        .keys()
        .filter(|key| !Anchor::parse(key).is_some_and(|anchor| is_mutate_anchor(anchor.kind)))
        .cloned()
        .collect();
    for key in keys {
        let resource_value = resource.and_then(|resource| resource.get(&key));
        if let Some(value) = overlay.get_mut(&key) {
            walk(value, resource_value, &push_token(path, &key))?;
        }
    }
    Ok(())
}

/// Upstream `processListOfMaps`: each anchored overlay element is tried on every resource
/// element; a match yields a named copy appended to the overlay list.
fn walk_list_of_maps(
    overlay: &mut Vec<Value>,
    resource: Option<&Value>,
    path: &str,
) -> Result<(), Halt> {
    let resource_items: &[Value] = match resource {
        None | Some(Value::Null) => &[],
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(Halt::Error(MutateError::KindMismatch {
                path: path.to_owned(),
                patch: "list",
                resource: kind_name(other),
            }));
        }
    };
    for index in 0..overlay.len() {
        let Some(element) = overlay.get(index) else {
            break;
        };
        if !has_anchors(element, is_mutate_anchor) {
            continue;
        }
        let has_global = has_anchors(element, |kind| kind == AnchorKind::Global);
        // One copy serves every resource element, as upstream: `+()` keys it resolved against
        // an earlier element stay resolved for the later ones.
        let mut candidate = element.clone();
        let element_path = push_token(path, &index.to_string());
        let mut global_passed = false;
        let mut global_failed = false;
        for resource_element in resource_items {
            match walk(&mut candidate, Some(resource_element), &element_path) {
                Ok(()) => {}
                Err(Halt::Condition) => continue,
                Err(Halt::Global) => {
                    global_failed = true;
                    continue;
                }
                Err(error) => return Err(error),
            }
            if has_global {
                global_passed = true;
            } else if let Some(named) = named_copy(&candidate, resource_element) {
                overlay.push(named);
            }
        }
        if resource.is_none() {
            match walk(&mut candidate, None, &element_path) {
                Ok(()) => global_passed |= has_global,
                Err(Halt::Condition) => continue,
                Err(error) => return Err(error),
            }
        }
        if global_failed && !global_passed {
            return Err(Halt::Global);
        }
    }
    Ok(())
}

/// Upstream `handlePatternName`: the matched overlay element, anchors removed, named after the
/// resource element so kyaml merges it there; `None` when the resource element has no name or
/// nothing but anchors remains.
fn named_copy(candidate: &Value, resource_element: &Value) -> Option<Value> {
    let name = resource_element
        .get("name")
        .filter(|name| !is_nil_or_empty(name))?;
    let mut named = candidate.clone();
    if delete_anchors(&mut named, true) {
        return None;
    }
    named
        .as_object_mut()?
        .insert("name".to_owned(), name.clone());
    Some(named)
}

/// Upstream `handleAddIfNotPresentAnchor`: drops `+(key)` when the resource has `key`,
/// otherwise renames it to `key`. Returns how many such anchors the map had.
fn add_if_not_present(
    overlay: &mut Map<String, Value>,
    resource: Option<&Map<String, Value>>,
) -> usize {
    let anchored = anchored_keys(overlay, |kind| kind == AnchorKind::AddIfNotPresent);
    for (key, name) in &anchored {
        let value = overlay.remove(key);
        if let Some(value) = value
            && !resource.is_some_and(|resource| resource.contains_key(name))
        {
            overlay.insert(name.clone(), value);
        }
    }
    anchored.len()
}

/// Upstream `validateConditionsInternal`: every anchor of `kind` in the map must name a field
/// of the resource that matches the anchor's value. A value that itself holds `+()` anchors
/// counts as matching once they are resolved.
fn conditions_hold(
    overlay: &mut Map<String, Value>,
    resource: Option<&Map<String, Value>>,
    kind: AnchorKind,
) -> bool {
    for (key, name) in anchored_keys(overlay, |found| found == kind) {
        let Some(resource_value) = resource.and_then(|resource| resource.get(&name)) else {
            return false;
        };
        let Some(pattern) = overlay.get_mut(&key) else {
            continue;
        };
        if let Value::Object(inner) = pattern
            && add_if_not_present(inner, resource_value.as_object()) > 0
        {
            continue;
        }
        if !condition_matches(pattern, resource_value) {
            return false;
        }
    }
    true
}

/// Upstream `checkCondition`: Kyverno converts both sides through YAML nodes, so a scalar is
/// compared as its text (`true` and `"true"` are the same); a malformed pattern never matches.
fn condition_matches(pattern: &Value, resource: &Value) -> bool {
    Pattern::new(&scalar_as_text(pattern)).is_ok_and(|pattern| {
        matches!(
            pattern.validate(&scalar_as_text(resource)),
            PatternOutcome::Pass
        )
    })
}

/// A scalar as the text of its YAML node; maps and lists unchanged.
fn scalar_as_text(value: &Value) -> Value {
    match value {
        Value::Null => Value::String("null".to_owned()),
        Value::Bool(flag) => Value::String(flag.to_string()),
        Value::Number(number) => Value::String(number.to_string()),
        Value::String(_) | Value::Array(_) | Value::Object(_) => value.clone(),
    }
}

/// Upstream `deleteConditionElements`: strips the resolved anchors from the top-level fields
/// and drops the fields left with nothing to merge.
fn delete_condition_elements(root: &mut Map<String, Value>) {
    let keys: Vec<String> = root.keys().cloned().collect();
    for key in keys {
        let delete_scalar = Anchor::parse(&key).is_some_and(|anchor| is_condition(anchor.kind));
        if root
            .get_mut(&key)
            .is_some_and(|value| delete_anchors(value, delete_scalar))
        {
            root.remove(&key);
        }
    }
}

/// Upstream `deleteAnchors` (never traversing list elements): removes anchors under `value` and
/// says whether `value` itself should go, being a scalar under an anchor or a map or list that
/// held only anchors.
fn delete_anchors(value: &mut Value, delete_scalar: bool) -> bool {
    match value {
        Value::Object(map) => delete_anchors_in_map(map),
        Value::Array(items) => delete_anchors_in_list(items),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => delete_scalar,
    }
}

/// Upstream `deleteAnchorsInMap`: conditional and global keys go when their value is all
/// anchors, are renamed to their field name otherwise; then every field left empty goes, and
/// the map should go when no field remains (an empty map included, as upstream).
fn delete_anchors_in_map(map: &mut Map<String, Value>) -> bool {
    let anchored = anchored_keys(map, is_condition);
    let mut anchors_remain = false;
    for (key, _) in &anchored {
        if map
            .get_mut(key)
            .is_some_and(|value| delete_anchors(value, true))
        {
            map.remove(key);
        } else {
            anchors_remain = true;
        }
    }
    if anchors_remain {
        for (key, name) in &anchored {
            if let Some(value) = map.remove(key) {
                map.insert(name.clone(), value);
            }
        }
    }
    let keys: Vec<String> = map.keys().cloned().collect();
    let mut delete = true;
    for key in keys {
        if map
            .get_mut(&key)
            .is_some_and(|value| delete_anchors(value, false))
        {
            map.remove(&key);
        } else {
            delete = false;
        }
    }
    delete
}

/// Upstream `deleteAnchorsInList`: anchored elements go (their named copies stay), and the
/// list should go when that emptied it.
fn delete_anchors_in_list(items: &mut Vec<Value>) -> bool {
    let was_empty = items.is_empty();
    items.retain_mut(|element| {
        !has_anchors(element, is_mutate_anchor) && !delete_anchors(element, false)
    });
    items.is_empty() && !was_empty
}

/// Upstream `hasAnchors`: whether `value` holds, at any depth, a key with an anchor accepted by
/// `accept`, or a string that reads as a conditional or global anchor.
fn has_anchors(value: &Value, accept: fn(AnchorKind) -> bool) -> bool {
    match value {
        Value::Object(map) => map.iter().any(|(key, value)| {
            Anchor::parse(key).is_some_and(|anchor| accept(anchor.kind))
                || (!is_nil_or_empty(value) && has_anchors(value, accept))
        }),
        Value::Array(items) => items.iter().any(|item| has_anchors(item, accept)),
        Value::String(text) => Anchor::parse(text).is_some_and(|anchor| is_condition(anchor.kind)),
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
    }
}

/// The keys of `map` carrying an anchor accepted by `accept`, with the field name each names.
fn anchored_keys(
    map: &Map<String, Value>,
    accept: impl Fn(AnchorKind) -> bool,
) -> Vec<(String, String)> {
    map.keys()
        .filter_map(|key| {
            let anchor = Anchor::parse(key).filter(|anchor| accept(anchor.kind))?;
            Some((key.clone(), anchor.name.to_owned()))
        })
        .collect()
}

/// Upstream `anchor.ContainsCondition`: a conditional or global anchor.
fn is_condition(kind: AnchorKind) -> bool {
    matches!(kind, AnchorKind::Conditional | AnchorKind::Global)
}

/// Upstream `hasAnchor`: the anchors pre-processing resolves (conditional, global,
/// add-if-not-present); the validate-only anchors are left in the overlay as plain keys.
fn is_mutate_anchor(kind: AnchorKind) -> bool {
    is_condition(kind) || kind == AnchorKind::AddIfNotPresent
}

/// kyaml's `IsNilOrEmpty`: null, an empty map or an empty list.
fn is_nil_or_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Object(map) => map.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Bool(_) | Value::Number(_) | Value::String(_) => false,
    }
}

#[cfg(test)]
mod tests {
    //! Pre-processed overlays compared with the expectations of kyverno/kyverno
    //! `pkg/engine/mutate/patch/strategicPreprocessing_test.go`
    //! (`Test_preProcessStrategicMergePatch_multipleAnchors`), one test per upstream case.
    use serde_json::json;

    use super::*;

    fn preprocessed(patch: &Value, resource: &Value) -> Value {
        preprocess(resource, patch)
            .expect("overlay applies")
            .unwrap_or_else(|| json!({}))
    }

    #[test]
    fn global_empty_dir_with_add_if_not_present() {
        let patch = json!({
            "metadata": {"annotations": {"+(cluster-autoscaler.kubernetes.io/safe-to-evict)": "true"}},
            "spec": {"volumes": [{"<(emptyDir)": {}}]},
        });
        let resource = json!({
            "metadata": {"name": "static-web", "labels": {"role": "myrole"}},
            "spec": {
                "containers": [{"name": "web", "image": "1nginx"}],
                "volumes": [
                    {"emptyDir": {}, "name": "cache-volume"},
                    {"secret": {"secretName": "default-token-6gplg"}, "name": "default-token-6gplg"},
                ],
            },
        });
        assert_eq!(
            preprocessed(&patch, &resource),
            json!({"metadata": {"annotations": {"cluster-autoscaler.kubernetes.io/safe-to-evict": "true"}}})
        );
    }

    #[test]
    fn null_is_kept() {
        let resource = json!({"metadata": {"name": "hello"}});
        assert_eq!(
            preprocessed(&json!({"metadata": null}), &resource),
            json!({"metadata": null})
        );
    }

    #[test]
    fn conditional_name_copies_to_each_container() {
        let patch = json!({"spec": {
            "containers": [{"(name)": "*", "image": "gcr.io/google-containers/busybox:latest"}],
            "imagePullSecrets": [{"name": "regcred"}],
        }});
        let resource = json!({"spec": {"containers": [{"name": "hello", "image": "busybox"}]}});
        assert_eq!(
            preprocessed(&patch, &resource),
            json!({"spec": {
                "containers": [{"name": "hello", "image": "gcr.io/google-containers/busybox:latest"}],
                "imagePullSecrets": [{"name": "regcred"}],
            }})
        );
    }

    #[test]
    fn several_conditions_in_one_element() {
        let patch = json!({"spec": {
            "containers": [{
                "(name)": "*",
                "(image)": "gcr.io/google-containers/busybox:*",
                "new_filed": "must be inserted",
            }],
            "imagePullSecrets": [{"name": "regcred"}],
        }});
        let resource = json!({"spec": {"containers": [
            {"name": "hello", "image": "gcr.io/google-containers/busybox:latest"},
        ]}});
        assert_eq!(
            preprocessed(&patch, &resource),
            json!({"spec": {
                "containers": [{"name": "hello", "new_filed": "must be inserted"}],
                "imagePullSecrets": [{"name": "regcred"}],
            }})
        );
    }

    /// An element holding only a condition adds nothing, whether some containers match or not;
    /// the rest of the overlay stays.
    #[test]
    fn condition_only_element_leaves_the_rest() {
        let patch = json!({"spec": {
            "containers": [{"(image)": "gcr.io/google-containers/busybox:*"}],
            "imagePullSecrets": [{"name": "regcred"}],
        }});
        let resource = json!({"spec": {"containers": [
            {"name": "hello", "image": "gcr.io/google-containers/busybox:latest"},
            {"name": "hello2", "image": "gcr.io/google-containers/busybox:latest"},
            {"name": "hello3", "image": "gcr.io/google-containers/nginx:latest"},
        ]}});
        assert_eq!(
            preprocessed(&patch, &resource),
            json!({"spec": {"imagePullSecrets": [{"name": "regcred"}]}})
        );
    }

    #[test]
    fn global_host_path_with_existing_annotation_leaves_nothing() {
        let patch = json!({
            "metadata": {"annotations": {"+(cluster-autoscaler.kubernetes.io/safe-to-evict)": true}},
            "spec": {"volumes": [{"<(hostPath)": {"path": "*"}}]},
        });
        let mut resource = json!({
            "metadata": {"name": "nginx"},
            "spec": {"volumes": [{"name": "cache-volume", "hostPath": {"path": "/data", "type": "Directory"}}]},
        });
        assert_eq!(
            preprocessed(&patch, &resource),
            json!({"metadata": {"annotations": {"cluster-autoscaler.kubernetes.io/safe-to-evict": true}}})
        );
        resource["metadata"]["annotations"] =
            json!({"cluster-autoscaler.kubernetes.io/safe-to-evict": "false"});
        assert_eq!(preprocessed(&patch, &resource), json!({}));
    }

    #[test]
    fn global_anchor_nested_in_element() {
        let patch = json!({
            "metadata": {"annotations": {"+(cluster-autoscaler.kubernetes.io/safe-to-evict)": true}},
            "spec": {"volumes": [{"hostPath": {"<(path)": "*data"}}]},
        });
        let resource = json!({
            "metadata": {"name": "nginx"},
            "spec": {"volumes": [{"name": "cache-volume", "hostPath": {"path": "/data", "type": "Directory"}}]},
        });
        assert_eq!(
            preprocessed(&patch, &resource),
            json!({"metadata": {"annotations": {"cluster-autoscaler.kubernetes.io/safe-to-evict": true}}})
        );
    }

    #[test]
    fn add_if_not_present_in_conditional_element() {
        let patch = json!({"spec": {"template": {"spec": {"containers": [{
            "(name)": "*",
            "resources": {"limits": {"+(memory)": "300Mi", "+(cpu)": "100"}},
        }]}}}});
        let resource = json!({"spec": {"template": {"spec": {"containers": [
            {"name": "nginx", "image": "nginx:latest", "resources": {"limits": {"cpu": "50m"}}},
        ]}}}});
        assert_eq!(
            preprocessed(&patch, &resource),
            json!({"spec": {"template": {"spec": {"containers": [
                {"resources": {"limits": {"memory": "300Mi"}}, "name": "nginx"},
            ]}}}})
        );
    }

    #[test]
    fn conditional_list_key_and_add_if_not_present() {
        let patch = json!({
            "metadata": {
                "annotations": {"+(annotation1)": "atest1", "+(annotation2)": "atest2"},
                "labels": {"+(label1)": "test1"},
            },
            "spec": {
                "(volumes)": [{"(hostPath)": {"path": "/var/run/docker.sock"}}],
                "containers": [{"(image)": "*:latest", "command": ["ls"], "imagePullPolicy": "Always"}],
            },
        });
        let resource = json!({
            "metadata": {
                "annotations": {"annotation1": "atest2"},
                "labels": {"label1": "test2", "label2": "test2"},
                "name": "check-root-user",
            },
            "spec": {
                "containers": [
                    {"command": ["ll"], "image": "nginx:latest", "imagePullPolicy": "Never", "name": "nginx"},
                    {"image": "busybox:latest", "imagePullPolicy": "Never", "name": "busybox"},
                ],
                "volumes": [{"hostPath": {"path": "/var/run/docker.sock"}, "name": "test-volume"}],
            },
        });
        assert_eq!(
            preprocessed(&patch, &resource),
            json!({
                "metadata": {"annotations": {"annotation2": "atest2"}},
                "spec": {"containers": [
                    {"command": ["ls"], "imagePullPolicy": "Always", "name": "nginx"},
                    {"command": ["ls"], "imagePullPolicy": "Always", "name": "busybox"},
                ]},
            })
        );
    }

    #[test]
    fn every_annotation_present_leaves_nothing() {
        let patch = json!({"metadata": {"annotations": {
            "+(alb.ingress.kubernetes.io/scheme)": "internal",
            "+(kubernetes.io/ingress.class)": "alb",
        }}});
        let resource = json!({"metadata": {"name": "argocd", "annotations": {
            "alb.ingress.kubernetes.io/scheme": "internal",
            "kubernetes.io/ingress.class": "test",
        }}});
        assert_eq!(preprocessed(&patch, &resource), json!({}));
    }

    #[test]
    fn plain_fields_beside_conditional_lists() {
        let patch = json!({"spec": {
            "securityContext": {"runAsNonRoot": true},
            "initContainers": [{"(name)": "*", "securityContext": {"runAsNonRoot": true}}],
            "containers": [{"(name)": "*", "securityContext": {"runAsNonRoot": true}}],
        }});
        let resource = json!({"spec": {
            "initContainers": [{"name": "initbusy", "image": "busybox:1.28"}],
            "containers": [{"image": "busybox:1.28", "name": "busybox"}],
        }});
        assert_eq!(
            preprocessed(&patch, &resource),
            json!({"spec": {
                "securityContext": {"runAsNonRoot": true},
                "initContainers": [{"name": "initbusy", "securityContext": {"runAsNonRoot": true}}],
                "containers": [{"name": "busybox", "securityContext": {"runAsNonRoot": true}}],
            }})
        );
    }

    /// A conditional anchor on a map that does not match drops the overlay (`None`).
    #[test]
    fn failed_map_condition_drops_overlay() {
        let patch = json!({"metadata": {"labels": {"(app)": "web"}}, "spec": {"x": 1}});
        let resource = json!({"metadata": {"labels": {"app": "db"}}});
        assert_eq!(preprocess(&resource, &patch).expect("no error"), None);
    }
}
