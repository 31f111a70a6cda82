//! The strategic merge of an overlay into a resource, as kustomize's kyaml `merge2` walks it
//! for Kyverno (`sigs.k8s.io/kustomize/kyaml/yaml/merge2` driven by
//! `api/filters/patchstrategicmerge` with `MergeOptionsListPrepend`), without a resource
//! schema, so list merge keys are inferred from the elements.
//!
//! - Maps merge field by field; a `null` in the overlay deletes the field, and nulls left in
//!   the resource are dropped too (kyaml never writes a null field).
//! - A list merges by key when every element of the resource list, or of the overlay list, is
//!   a map holding one of kyaml's `AssociativeSequenceKeys` (the first one every element has):
//!   elements with equal keys merge, overlay-only elements come first (kustomize prepends),
//!   elements that merge to nothing or to `{}` are removed. Any other list is replaced.
//! - `$patch: delete` removes a map or list element, `$patch: replace` replaces a map instead
//!   of merging it, and a list element `{$patch: replace|delete|merge}` applies to the list
//!   (`merge2/smpdirective.go`).
//!
//! Departures from kyaml, where it would error or lose data: an empty list never decides a
//! merge key (kyaml counts `[]` as keyed by `mountPath` and then fails with "no merge key");
//! two resource elements with the same key keep the first merged and drop the later ones; a
//! list element carrying `$patch: replace` replaces its resource element (kyaml's prepend mode
//! puts the original resource element back, undoing the replace).

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use serde_json::{Map, Value};

use super::{MutateError, kind_name, push_token};

/// kyaml's `AssociativeSequenceKeys`, in precedence order.
const MERGE_KEYS: [&str; 7] = [
    "mountPath",
    "devicePath",
    "ip",
    "type",
    "topologyKey",
    "name",
    "containerPort",
];

/// The strategic merge directive key.
const DIRECTIVE: &str = "$patch";

/// A `$patch` directive.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Directive {
    Merge,
    Replace,
    Delete,
}

/// Merges `overlay` into `resource`; a resource deleted by a root `$patch: delete` comes back
/// as `null`.
pub(super) fn merge(resource: &Value, overlay: &Value) -> Result<Value, MutateError> {
    Ok(merge_value(Some(resource), Some(overlay), "")?.unwrap_or(Value::Null))
}

/// kyaml's `Walker.Walk` for one field: `dest` is the resource's value, `origin` the overlay's
/// (`Some(Null)` is an explicit null). `None` means the field is cleared.
fn merge_value(
    dest: Option<&Value>,
    origin: Option<&Value>,
    path: &str,
) -> Result<Option<Value>, MutateError> {
    let dest = dest.filter(|value| !value.is_null());
    let present_origin = origin.filter(|value| !value.is_null());
    if let (Some(dest), Some(origin)) = (dest, present_origin)
        && shape(dest) != shape(origin)
    {
        return Err(MutateError::KindMismatch {
            path: path.to_owned(),
            patch: kind_name(origin),
            resource: kind_name(dest),
        });
    }
    match dest.or(present_origin) {
        None => Ok(None),
        Some(Value::Object(_)) => merge_map(dest.and_then(Value::as_object), origin, path),
        Some(Value::Array(_)) => merge_list(dest.and_then(Value::as_array), origin, path),
        Some(scalar) => Ok(match origin {
            Some(Value::Null) => None,
            Some(origin) => Some(origin.clone()),
            None => Some(scalar.clone()),
        }),
    }
}

/// The kind kyaml compares: map, list or scalar.
fn shape(value: &Value) -> u8 {
    match value {
        Value::Object(_) => 0,
        Value::Array(_) => 1,
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => 2,
    }
}

/// kyaml's `Merger.VisitMap` then `walkMap`.
fn merge_map(
    dest: Option<&Map<String, Value>>,
    origin: Option<&Value>,
    path: &str,
) -> Result<Option<Value>, MutateError> {
    let (base, overlay) = match (dest, origin) {
        (Some(dest), None) => (dest.clone(), None),
        (dest, Some(Value::Object(origin))) => {
            let mut origin = origin.clone();
            let directive = match take_map_directive(&mut origin) {
                Ok(directive) => directive,
                // Adding a map, kyaml ignores an unknown directive and keeps the key.
                Err(_) if dest.is_none() => Directive::Merge,
                Err(directive) => {
                    return Err(MutateError::UnknownDirective {
                        path: path.to_owned(),
                        directive,
                    });
                }
            };
            match (directive, dest) {
                (Directive::Delete, _) => return Ok(None),
                (Directive::Merge, Some(dest)) => (dest.clone(), Some(origin)),
                (Directive::Replace, _) | (Directive::Merge, None) => {
                    (origin.clone(), Some(origin))
                }
            }
        }
        // A null overlay clears the map (`merge_value` sends nothing else here).
        (_, _) => return Ok(None),
    };
    let mut merged = base;
    let mut keys: Vec<String> = merged.keys().cloned().collect();
    if let Some(overlay) = &overlay {
        keys.extend(
            overlay
                .keys()
                .filter(|key| !merged.contains_key(*key))
                .cloned(),
        );
    }
    for key in keys {
        let field_path = push_token(path, &key);
        let value = merge_value(
            merged.get(&key),
            overlay.as_ref().and_then(|overlay| overlay.get(&key)),
            &field_path,
        )?;
        match value {
            Some(value) => {
                merged.insert(key, value);
            }
            None => {
                merged.remove(&key);
            }
        }
    }
    Ok(Some(Value::Object(merged)))
}

/// Removes a map's `$patch` key and returns its directive; `Err` with the text of an unknown
/// one (the key then stays, as kyaml leaves it).
fn take_map_directive(map: &mut Map<String, Value>) -> Result<Directive, String> {
    let Some(value) = map.get(DIRECTIVE) else {
        return Ok(Directive::Merge);
    };
    let directive = parse_directive(value)?;
    map.remove(DIRECTIVE);
    Ok(directive)
}

/// A directive value: `merge`, `replace` or `delete`.
fn parse_directive(value: &Value) -> Result<Directive, String> {
    match value.as_str() {
        Some("merge") => Ok(Directive::Merge),
        Some("replace") => Ok(Directive::Replace),
        Some("delete") => Ok(Directive::Delete),
        Some(other) => Err(other.to_owned()),
        None => Err(value.to_string()),
    }
}

/// kyaml's list handling: non-associative lists are replaced, associative ones merged by key.
fn merge_list(
    dest: Option<&Vec<Value>>,
    origin: Option<&Value>,
    path: &str,
) -> Result<Option<Value>, MutateError> {
    let origin_items = origin.and_then(Value::as_array);
    let associative = dest.is_some_and(|items| merge_key(items).is_some())
        || origin_items.is_some_and(|items| merge_key(items).is_some());
    if !associative {
        return Ok(match origin {
            Some(Value::Null) => None,
            Some(origin) => Some(origin.clone()),
            None => dest.map(|items| Value::Array(items.clone())),
        });
    }
    let (base, overlay) = match (dest, origin) {
        (Some(dest), None) => (dest.clone(), Vec::new()),
        (None, Some(Value::Array(origin))) => (origin.clone(), origin.clone()),
        (Some(dest), Some(Value::Array(origin))) => {
            let mut origin = origin.clone();
            match take_list_directive(&mut origin).map_err(|directive| {
                MutateError::UnknownDirective {
                    path: path.to_owned(),
                    directive,
                }
            })? {
                Directive::Delete => return Ok(None),
                Directive::Replace => (origin.clone(), origin),
                Directive::Merge => (dest.clone(), origin),
            }
        }
        // A null overlay clears the list (`merge_value` sends nothing else here).
        (_, _) => return Ok(None),
    };
    // An empty list takes the other list's key; two non-empty lists must agree.
    let (base_key, overlay_key) = (merge_key(&base), merge_key(&overlay));
    if !base.is_empty() && !overlay.is_empty() && base_key != overlay_key {
        return Err(MutateError::ConflictingMergeKeys {
            path: path.to_owned(),
            first: base_key.unwrap_or("none"),
            second: overlay_key.unwrap_or("none"),
        });
    }
    let Some(key) = base_key.or(overlay_key) else {
        return Ok(Some(Value::Array(base)));
    };
    merge_by_key(&base, &overlay, key, path).map(|items| Some(Value::Array(items)))
}

/// kyaml's `GetAssociativeKey`: the first merge key every element has.
fn merge_key(items: &[Value]) -> Option<&'static str> {
    if items.is_empty() {
        return None;
    }
    MERGE_KEYS.into_iter().find(|key| {
        items
            .iter()
            .all(|item| item.as_object().is_some_and(|map| map.contains_key(*key)))
    })
}

/// kyaml's `determineSequenceNodePatchStrategy`: an element that is exactly `{$patch: X}`
/// directs the whole list and is removed.
fn take_list_directive(items: &mut Vec<Value>) -> Result<Directive, String> {
    let Some(value) = items.iter().find_map(|item| {
        item.as_object()
            .filter(|map| map.len() == 1)
            .and_then(|map| map.get(DIRECTIVE))
    }) else {
        return Ok(Directive::Merge);
    };
    let directive = parse_directive(value)?;
    let written = value.clone();
    items.retain(|item| item.get(DIRECTIVE) != Some(&written));
    Ok(directive)
}

/// kyaml's `setAssociativeSequenceElements` with `MergeOptionsListPrepend`: overlay elements in
/// overlay order (merged with their resource element), then the resource-only elements.
fn merge_by_key(
    base: &[Value],
    overlay: &[Value],
    key: &str,
    path: &str,
) -> Result<Vec<Value>, MutateError> {
    // First position of each key text in each list; keys in overlay-then-resource order.
    let mut order: Vec<String> = Vec::new();
    let mut in_base: HashMap<String, usize> = HashMap::new();
    let mut in_overlay: HashMap<String, usize> = HashMap::new();
    for (index, item) in overlay.iter().enumerate() {
        let text = key_text(item, key);
        if let Entry::Vacant(entry) = in_overlay.entry(text.clone()) {
            entry.insert(index);
            order.push(text);
        }
    }
    for (index, item) in base.iter().enumerate() {
        let text = key_text(item, key);
        if !in_overlay.contains_key(&text) && !in_base.contains_key(&text) {
            order.push(text.clone());
        }
        in_base.entry(text).or_insert(index);
    }
    let mut merged = Vec::with_capacity(order.len());
    for text in order {
        let base_item = in_base.get(&text).and_then(|index| base.get(*index));
        let overlay_item = in_overlay.get(&text).and_then(|index| overlay.get(*index));
        let element_path = push_token(path, &format!("{key}={text}"));
        let value = merge_value(base_item, overlay_item, &element_path)?;
        let Some(Value::Object(mut element)) = value else {
            continue;
        };
        if element.is_empty() {
            continue;
        }
        element
            .entry(key.to_owned())
            .or_insert_with(|| Value::String(text.clone()));
        merged.push(Value::Object(element));
    }
    Ok(merged)
}

/// The text of an element's merge key, as kyaml compares it (a YAML scalar's value).
fn key_text(item: &Value, key: &str) -> String {
    match item.get(key) {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null | Value::Object(_) | Value::Array(_)) | None => String::new(),
        Some(scalar) => scalar.to_string(),
    }
}

#[cfg(test)]
mod tests {
    //! kyaml merge rules (`merge2` "Merge Rules" help text and `walk/associative_sequence.go`).
    use serde_json::json;

    use super::*;

    #[test]
    fn scalars_and_non_associative_lists_are_replaced() {
        let merged = merge(
            &json!({"a": 1, "args": ["x", "y"], "keep": true}),
            &json!({"a": 2, "args": ["z"]}),
        )
        .unwrap();
        assert_eq!(merged, json!({"a": 2, "args": ["z"], "keep": true}));
    }

    #[test]
    fn nulls_are_dropped_everywhere() {
        let merged = merge(
            &json!({"gone": 1, "stale": null, "nested": {"x": null, "y": 1}}),
            &json!({"gone": null, "added": {"z": null, "w": 2}}),
        )
        .unwrap();
        assert_eq!(merged, json!({"nested": {"y": 1}, "added": {"w": 2}}));
    }

    #[test]
    fn first_key_every_element_has_wins() {
        assert_eq!(
            merge_key(&[json!({"name": "a", "containerPort": 80})]),
            Some("name")
        );
        assert_eq!(
            merge_key(&[
                json!({"name": "a", "mountPath": "/a"}),
                json!({"mountPath": "/b"})
            ]),
            Some("mountPath")
        );
        assert_eq!(
            merge_key(&[json!({"name": "a"}), json!({"key": "b"})]),
            None
        );
        assert_eq!(merge_key(&[json!("scalar")]), None);
    }

    #[test]
    fn ports_merge_by_container_port_and_number_keys_compare_as_text() {
        let merged = merge(
            &json!({"ports": [{"containerPort": 80, "protocol": "TCP"}]}),
            &json!({"ports": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 443}]}),
        )
        .unwrap();
        assert_eq!(
            merged["ports"],
            json!([
                {"containerPort": 80, "protocol": "TCP", "hostPort": 8080},
                {"containerPort": 443},
            ])
        );
    }

    #[test]
    fn element_merged_to_nothing_is_removed() {
        let merged = merge(
            &json!({"env": [{"name": "A", "value": "1"}, {"name": "B"}]}),
            &json!({"env": [{"name": "A", "$patch": "delete"}]}),
        )
        .unwrap();
        assert_eq!(merged["env"], json!([{"name": "B"}]));
    }

    #[test]
    fn list_delete_directive_and_conflicting_keys() {
        let resource = json!({"volumes": [{"name": "a"}]});
        let merged = merge(&resource, &json!({"volumes": [{"$patch": "delete"}]})).unwrap();
        assert_eq!(merged, json!({}));
        let error = merge(&resource, &json!({"volumes": [{"mountPath": "/x"}]})).unwrap_err();
        assert!(matches!(
            error,
            MutateError::ConflictingMergeKeys {
                first: "name",
                second: "mountPath",
                ..
            }
        ));
    }
}
