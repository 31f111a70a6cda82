//! Kyverno's mutate patches, applied to plain [`serde_json::Value`] resources.
//!
//! - [`strategic_merge`] is `patchStrategicMerge`: Kyverno's anchor pre-processing
//!   (kyverno/kyverno `pkg/engine/mutate/patch/strategicPreprocessing.go`, in `anchors`)
//!   followed by the strategic merge of kustomize's kyaml `merge2` (in `merge`).
//! - [`json6902()`] is `patchesJson6902`: RFC 6902 operations with the leniencies Kyverno turns on
//!   in evanphx/json-patch (`pkg/engine/mutate/patch/patchJSON6902.go`).
//!
//! Both take patches whose `{{ }}` variables the rule engine has already substituted, and
//! neither evaluates match/exclude, preconditions or `foreach`: the rule engine does, then
//! calls these once per patch (or per `foreach` element). Kyverno's docs, "Mutate Resources",
//! describe the behaviour mirrored here; each function cites the upstream file it follows.
//!
//! # Example
//!
//! ```
//! use custody_policy::kyverno::mutate::{json6902, strategic_merge};
//! use serde_json::json;
//!
//! let pod = json!({"metadata": {"name": "web"}, "spec": {"containers": [{"name": "app"}]}});
//! // Add the label only when the Pod has none, and pull every named container's image.
//! let patched = strategic_merge(&pod, &json!({
//!     "metadata": {"labels": {"+(team)": "web"}},
//!     "spec": {"containers": [{"(name)": "*", "imagePullPolicy": "Always"}]},
//! }))?;
//! assert_eq!(patched["metadata"]["labels"]["team"], "web");
//! assert_eq!(patched["spec"]["containers"][0]["imagePullPolicy"], "Always");
//!
//! let patched = json6902(&patched, "- op: add\n  path: /spec/hostNetwork\n  value: false\n")?;
//! assert_eq!(patched["spec"]["hostNetwork"], false);
//! # Ok::<(), custody_policy::kyverno::mutate::MutateError>(())
//! ```

mod anchors;
mod json6902;
mod merge;

use serde_json::Value;

pub use json6902::json6902;

/// How deep a patch or resource may nest before it is rejected: far beyond any Kubernetes
/// object (a Pod is about 10 levels deep), and shallow enough that recursion cannot exhaust
/// the stack on hostile input.
const MAX_DEPTH: usize = 128;

/// Applies a `patchStrategicMerge` overlay to `resource` as Kyverno does.
///
/// First the anchors are resolved against the resource (Kyverno's
/// `strategicPreprocessing.go`): `+(key)` adds a field only when the resource lacks it; a
/// conditional `(key)` or global `<(key)` in a map must match the resource, or the whole patch
/// is dropped; in a list of maps, a conditional element applies to every resource element that
/// matches it (by `name`), and a global anchor that matches no element drops the whole patch.
/// Then the overlay is merged as kustomize's kyaml `merge2` does without a schema (see the
/// `merge` module): maps merge recursively, `null` deletes, lists of maps merge by the first
/// associative key every element has (`mountPath`, `devicePath`, `ip`, `type`, `topologyKey`,
/// `name`, `containerPort`) with new elements placed first, other lists are replaced, and
/// `$patch: replace|delete|merge` directives apply.
///
/// # Errors
///
/// A [`MutateError`] naming the patch path when the patch and the resource disagree on a
/// value's kind, lists mix merge keys, a `$patch` directive is unknown, or nesting exceeds the
/// depth limit. A failing condition is not an error: the resource comes back unchanged.
pub fn strategic_merge(resource: &Value, patch: &Value) -> Result<Value, MutateError> {
    // Kyverno replaces a patch whose condition failed by `{}` and still merges it, which
    // drops the resource's null fields like any other merge.
    for value in [resource, patch] {
        if let Some(path) = too_deep(value) {
            return Err(MutateError::TooDeep {
                path,
                limit: MAX_DEPTH,
            });
        }
    }
    let patch = anchors::preprocess(resource, patch)?
        .unwrap_or_else(|| Value::Object(serde_json::Map::new()));
    merge::merge(resource, &patch)
}

/// Why a mutate patch could not be applied. Every variant names where in the patch (or the
/// resource, for RFC 6902 operations) the problem is, as a `/a/b/0` JSON pointer.
#[derive(Debug, thiserror::Error)]
pub enum MutateError {
    /// The patch holds one kind of value (map, list, scalar) where the resource holds another,
    /// which kyaml refuses to merge.
    #[error("patch holds a {patch} at `{path}` where the resource holds a {resource}")]
    KindMismatch {
        /// Where the kinds differ.
        path: String,
        /// The kind in the patch.
        patch: &'static str,
        /// The kind in the resource.
        resource: &'static str,
    },
    /// Two lists at the same path would merge by different keys (kyaml's "conflicting merge
    /// keys"), or one list of maps has a merge key and the other has none.
    #[error("lists at `{path}` merge by different keys: {first} and {second}")]
    ConflictingMergeKeys {
        /// Where the lists are.
        path: String,
        /// The resource list's merge key (`none` when it has none).
        first: &'static str,
        /// The patch list's merge key (`none` when it has none).
        second: &'static str,
    },
    /// A `$patch` directive other than `replace`, `delete` or `merge`.
    #[error("unknown `$patch` directive `{directive}` at `{path}`")]
    UnknownDirective {
        /// Where the directive is.
        path: String,
        /// The directive as written.
        directive: String,
    },
    /// The patch or the resource nests deeper than the limit (values deeper than the limit are
    /// rejected before any recursion, so hostile input cannot exhaust the stack).
    #[error("patch nests deeper than {limit} levels at `{path}`")]
    TooDeep {
        /// Where the limit was reached.
        path: String,
        /// The limit.
        limit: usize,
    },
    /// The patch is not a map (kyaml merges map overlays only).
    #[error("patchStrategicMerge must be a map, found a {found}")]
    NotAMap {
        /// The kind found.
        found: &'static str,
    },
    /// `patchesJson6902` does not parse as YAML or JSON.
    #[error("patchesJson6902 does not parse")]
    Json6902Syntax {
        /// The parser's error, with line and column.
        #[source]
        source: serde_saphyr::Error,
    },
    /// `patchesJson6902` parses, but is not a list of operations.
    #[error("patchesJson6902 must be a list of operations, found a {found}")]
    Json6902NotAList {
        /// The kind found.
        found: &'static str,
    },
    /// An operation lacks a field its `op` needs, or names an unknown `op`.
    #[error("patchesJson6902 operation {index} is invalid: {problem}")]
    InvalidOperation {
        /// The operation's position in the list, from 0.
        index: usize,
        /// What is wrong.
        problem: OperationProblem,
    },
    /// An operation does not apply to the resource.
    #[error("patchesJson6902 operation {index} ({op}) does not apply at `{path}`: {problem}")]
    OperationFailed {
        /// The operation's position in the list, from 0.
        index: usize,
        /// The operation name.
        op: &'static str,
        /// The pointer (`path` or `from`) that failed.
        path: String,
        /// Why it failed.
        problem: OperationProblem,
    },
}

/// Why an RFC 6902 operation is malformed or does not apply, as evanphx/json-patch reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OperationProblem {
    /// The operation is not a map.
    #[error("an operation must be a map")]
    NotAMap,
    /// `op` is missing or not one of add, remove, replace, move, copy, test.
    #[error("unsupported op `{op}`")]
    UnsupportedOp {
        /// The `op` as written (empty when missing).
        op: String,
    },
    /// A required field (`path`, `from`, `value`) is missing or not a string.
    #[error("missing or non-string `{field}`")]
    MissingField {
        /// The field name.
        field: &'static str,
    },
    /// The pointer leads through a missing field or element.
    #[error("the document has no such path")]
    MissingPath,
    /// An array index that is not a number or is out of range.
    #[error("invalid array index `{index}`")]
    InvalidIndex {
        /// The index as written.
        index: String,
    },
    /// The pointer leads through a scalar (or null), which holds no fields.
    #[error("the path leads through a value that is not a map or list")]
    NotAContainer,
    /// The root can only be replaced by a map or list, and not moved.
    #[error("the document root cannot take this operation")]
    Root,
    /// A `test` operation found a different value.
    #[error("test failed")]
    TestFailed,
    /// The operation would nest the document deeper than the limit.
    #[error("the result would nest deeper than {limit} levels")]
    TooDeep {
        /// The depth limit.
        limit: usize,
    },
    /// `copy` operations together copied more values than the limit.
    #[error("copies exceed {limit} values")]
    CopyTooLarge {
        /// The limit on copied values.
        limit: usize,
    },
}

/// The JSON kind of `value` in kyaml's words, for error messages.
fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "map",
        Value::Array(_) => "list",
        Value::Null => "null",
        Value::Bool(_) | Value::Number(_) | Value::String(_) => "scalar",
    }
}

/// Appends one JSON-pointer token (escaped per RFC 6901) to `path`.
fn push_token(path: &str, token: &str) -> String {
    format!("{path}/{}", token.replace('~', "~0").replace('/', "~1"))
}

/// The path of the first value nested deeper than [`MAX_DEPTH`] in `value`, if any; recursion
/// stops at the limit.
fn too_deep(value: &Value) -> Option<String> {
    fn visit(value: &Value, path: &str, depth: usize) -> Option<String> {
        if depth > MAX_DEPTH {
            return Some(path.to_owned());
        }
        match value {
            Value::Object(map) => map
                .iter()
                .find_map(|(key, value)| visit(value, &push_token(path, key), depth + 1)),
            Value::Array(items) => items.iter().enumerate().find_map(|(index, value)| {
                visit(value, &push_token(path, &index.to_string()), depth + 1)
            }),
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => None,
        }
    }
    visit(value, "", 0)
}

/// How many levels `value` nests (a scalar is 1), counting no further than `limit + 1`.
fn depth(value: &Value, limit: usize) -> usize {
    if limit == 0 {
        return 1;
    }
    1 + match value {
        Value::Object(map) => map.values().map(|value| depth(value, limit - 1)).max(),
        Value::Array(items) => items.iter().map(|value| depth(value, limit - 1)).max(),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => None,
    }
    .unwrap_or(0)
}
