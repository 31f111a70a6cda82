//! The RFC 6902 JSON patch from the object kube-apiserver sent to the object the mutate rules
//! produced, which is what a mutating webhook must answer.
//!
//! The engine returns patched resources, not patches; [`diff`] derives the operations. Objects
//! are compared key by key; arrays of equal length element by element, and otherwise replaced
//! whole, which is always correct and keeps the patch small for the common case (a field added
//! to one container). Keys are escaped as RFC 6901 requires (`~` → `~0`, `/` → `~1`).
//! `json-patch` is not in the workspace, and this is all of it the server needs.

use serde_json::{Map, Value, json};

/// The operations that turn `original` into `patched`, as a JSON array; empty when they are
/// equal.
#[must_use]
pub fn diff(original: &Value, patched: &Value) -> Vec<Value> {
    let mut operations = Vec::new();
    let mut pointer = String::new();
    diff_at(original, patched, &mut pointer, &mut operations);
    operations
}

fn diff_at(original: &Value, patched: &Value, pointer: &mut String, operations: &mut Vec<Value>) {
    match (original, patched) {
        (Value::Object(before), Value::Object(after)) => {
            diff_objects(before, after, pointer, operations);
        }
        (Value::Array(before), Value::Array(after)) if before.len() == after.len() => {
            for (index, (before, after)) in before.iter().zip(after).enumerate() {
                let length = pointer.len();
                pointer.push('/');
                pointer.push_str(&index.to_string());
                diff_at(before, after, pointer, operations);
                pointer.truncate(length);
            }
        }
        (before, after) if before != after => {
            operations.push(json!({"op": "replace", "path": pointer.as_str(), "value": after}));
        }
        _ => {}
    }
}

fn diff_objects(
    before: &Map<String, Value>,
    after: &Map<String, Value>,
    pointer: &mut String,
    operations: &mut Vec<Value>,
) {
    for (key, old) in before {
        let length = pointer.len();
        push_token(pointer, key);
        match after.get(key) {
            None => operations.push(json!({"op": "remove", "path": pointer.as_str()})),
            Some(new) => diff_at(old, new, pointer, operations),
        }
        pointer.truncate(length);
    }
    for (key, new) in after {
        if !before.contains_key(key) {
            let length = pointer.len();
            push_token(pointer, key);
            operations.push(json!({"op": "add", "path": pointer.as_str(), "value": new}));
            pointer.truncate(length);
        }
    }
}

/// Appends `/key` with RFC 6901 escaping.
fn push_token(pointer: &mut String, key: &str) {
    pointer.push('/');
    for character in key.chars() {
        match character {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            other => pointer.push(other),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Applies operations of the three kinds [`diff`] emits, as the API server would.
    fn apply(document: &mut Value, operations: &[Value]) {
        for operation in operations {
            let path = operation["path"].as_str().expect("a path");
            let (parent, last) = path.rsplit_once('/').expect("a pointer below the root");
            let last = last.replace("~1", "/").replace("~0", "~");
            let target = document.pointer_mut(parent).expect("the parent exists");
            match (operation["op"].as_str(), target) {
                (Some("add" | "replace"), Value::Object(map)) => {
                    map.insert(last, operation["value"].clone());
                }
                (Some("replace"), Value::Array(items)) => {
                    let index: usize = last.parse().expect("an index");
                    items[index] = operation["value"].clone();
                }
                (Some("remove"), Value::Object(map)) => {
                    map.remove(&last);
                }
                other => panic!("unexpected operation {other:?}"),
            }
        }
    }

    #[test]
    fn the_patch_turns_the_original_into_the_patched_object() {
        let original = json!({
            "metadata": {"name": "web", "labels": {"a/b": "1", "old": "x"}},
            "spec": {"containers": [{"name": "app", "image": "nginx"}], "volumes": [1]},
        });
        let patched = json!({
            "metadata": {"name": "web", "labels": {"a/b": "2", "team~x": "y"}},
            "spec": {
                "containers": [{"name": "app", "image": "nginx", "securityContext": {"runAsNonRoot": true}}],
                "volumes": [1, 2],
            },
        });
        let operations = diff(&original, &patched);
        assert!(
            operations
                .contains(&json!({"op": "replace", "path": "/metadata/labels/a~1b", "value": "2"}))
        );
        assert!(operations.contains(&json!({"op": "remove", "path": "/metadata/labels/old"})));
        assert!(
            operations
                .contains(&json!({"op": "add", "path": "/metadata/labels/team~0x", "value": "y"}))
        );
        assert!(
            operations
                .contains(&json!({"op": "replace", "path": "/spec/volumes", "value": [1, 2]}))
        );
        let mut document = original.clone();
        apply(&mut document, &operations);
        assert_eq!(document, patched);
        assert!(diff(&patched, &patched).is_empty());
    }
}
