//! `patchesJson6902`: RFC 6902 operations applied as Kyverno applies them, through
//! evanphx/json-patch v5 with `SupportNegativeIndices`, `AllowMissingPathOnRemove` and
//! `EnsurePathExistsOnAdd` (kyverno/kyverno `pkg/engine/mutate/patch/patchJSON6902.go`).
//!
//! Those leniencies are why this is not the `json-patch` crate, which implements the strict
//! RFC: here `add` creates missing parents (a list when the next token is an index or `-`,
//! padded with nulls up to that index, a map otherwise), `remove` of a missing path does
//! nothing, and a negative index counts from the end of a list (`-1` is the last element; for
//! `add`, the position after it).

use serde_json::{Map, Value};

use super::{MAX_DEPTH, MutateError, OperationProblem, depth, kind_name, too_deep};

/// How many values all `copy` operations of one patch may copy together, so that a few
/// operations copying the document into itself cannot grow it exponentially.
const COPY_LIMIT: usize = 1_000_000;

/// How many nulls `add` may pad a list with to reach an index, so that `/spec/4000000000/x`
/// cannot allocate gigabytes.
const PADDING_LIMIT: usize = 10_000;

/// Applies a `patchesJson6902` document (a YAML or JSON list of RFC 6902 operations) to
/// `resource`, as Kyverno does.
///
/// All operations are checked before any applies; they then apply in order, and the first that
/// fails fails the patch.
///
/// # Errors
///
/// A [`MutateError`] when the text does not parse, is not a list of valid operations, or an
/// operation does not apply (a missing path, a bad index, a failed `test`), naming the
/// operation's index and pointer.
pub fn json6902(resource: &Value, patch: &str) -> Result<Value, MutateError> {
    if let Some(path) = too_deep(resource) {
        return Err(MutateError::TooDeep {
            path,
            limit: MAX_DEPTH,
        });
    }
    let document: Value =
        serde_saphyr::from_str(patch).map_err(|source| MutateError::Json6902Syntax { source })?;
    let Value::Array(items) = &document else {
        return Err(MutateError::Json6902NotAList {
            found: kind_name(&document),
        });
    };
    let operations = items
        .iter()
        .enumerate()
        .map(|(index, item)| {
            Operation::parse(item)
                .map_err(|problem| MutateError::InvalidOperation { index, problem })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut document = resource.clone();
    let mut copied = 0;
    for (index, operation) in operations.iter().enumerate() {
        operation
            .apply(&mut document, &mut copied)
            .map_err(|(path, problem)| MutateError::OperationFailed {
                index,
                op: operation.kind.name(),
                path: path.to_owned(),
                problem,
            })?;
    }
    Ok(document)
}

/// An RFC 6902 operation name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Add,
    Remove,
    Replace,
    Move,
    Copy,
    Test,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Remove => "remove",
            Self::Replace => "replace",
            Self::Move => "move",
            Self::Copy => "copy",
            Self::Test => "test",
        }
    }
}

/// One checked operation.
struct Operation<'a> {
    kind: Kind,
    path: &'a str,
    from: &'a str,
    value: Option<&'a Value>,
}

/// A failure: the pointer that failed and why.
type Failure<'a> = (&'a str, OperationProblem);

impl<'a> Operation<'a> {
    /// evanphx `validateOperation`: `op` and `path` always, `value` for add and replace (null
    /// is a value), `from` for move and copy.
    fn parse(item: &'a Value) -> Result<Self, OperationProblem> {
        let Value::Object(map) = item else {
            return Err(OperationProblem::NotAMap);
        };
        let op = map.get("op").and_then(Value::as_str).unwrap_or_default();
        let kind = match op {
            "add" => Kind::Add,
            "remove" => Kind::Remove,
            "replace" => Kind::Replace,
            "move" => Kind::Move,
            "copy" => Kind::Copy,
            "test" => Kind::Test,
            _ => return Err(OperationProblem::UnsupportedOp { op: op.to_owned() }),
        };
        let field = |name: &'static str| {
            map.get(name)
                .and_then(Value::as_str)
                .ok_or(OperationProblem::MissingField { field: name })
        };
        let path = field("path")?;
        let from = match kind {
            Kind::Move | Kind::Copy => field("from")?,
            Kind::Add | Kind::Remove | Kind::Replace | Kind::Test => "",
        };
        let value = map.get("value");
        if matches!(kind, Kind::Add | Kind::Replace) && value.is_none() {
            return Err(OperationProblem::MissingField { field: "value" });
        }
        Ok(Self {
            kind,
            path,
            from,
            value,
        })
    }

    fn apply(&self, document: &mut Value, copied: &mut usize) -> Result<(), Failure<'a>> {
        let at_path = |problem| (self.path, problem);
        let at_from = |problem| (self.from, problem);
        let path = Pointer::parse(self.path).map_err(at_path)?;
        let value = || self.value.cloned().unwrap_or(Value::Null);
        match self.kind {
            Kind::Add => add(document, &path, value(), true).map_err(at_path),
            Kind::Remove => remove(document, &path).map_err(at_path),
            Kind::Replace => replace(document, &path, value()).map_err(at_path),
            Kind::Test => test(document, &path, self.value).map_err(at_path),
            Kind::Move => {
                let from = Pointer::parse(self.from).map_err(at_from)?;
                let moved = take(document, &from).map_err(at_from)?;
                add(document, &path, moved, false).map_err(at_path)
            }
            Kind::Copy => {
                let from = Pointer::parse(self.from).map_err(at_from)?;
                let source = get(document, &from).map_err(at_from)?;
                *copied = copied.saturating_add(count_values(source));
                if *copied > COPY_LIMIT {
                    return Err(at_from(OperationProblem::CopyTooLarge {
                        limit: COPY_LIMIT,
                    }));
                }
                let copy = source.clone();
                add(document, &path, copy, false).map_err(at_path)
            }
        }
    }
}

/// A parsed JSON pointer: the whole document, or a parent path and a last token.
enum Pointer {
    Root,
    Child { parents: Vec<String>, last: String },
}

impl Pointer {
    /// Splits on `/` and decodes `~1` and `~0`. As evanphx, the text before the first `/` is
    /// ignored, and a non-empty pointer without `/` names nothing.
    fn parse(pointer: &str) -> Result<Self, OperationProblem> {
        if pointer.is_empty() {
            return Ok(Self::Root);
        }
        let mut tokens: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .collect();
        if tokens.len() > MAX_DEPTH {
            return Err(OperationProblem::MissingPath);
        }
        let last = tokens.pop().ok_or(OperationProblem::MissingPath)?;
        Ok(Self::Child {
            parents: tokens,
            last,
        })
    }
}

/// `add`: insert into a map (replacing), or into a list at an index or `-` (the end).
fn add(
    document: &mut Value,
    pointer: &Pointer,
    value: Value,
    ensure_path: bool,
) -> Result<(), OperationProblem> {
    let Pointer::Child { parents, last } = pointer else {
        return replace_root(document, value);
    };
    check_depth(parents.len() + 1, &value)?;
    if ensure_path {
        ensure_parents(document, parents, last)?;
    }
    insert(container_mut(document, parents)?, last, value)
}

/// evanphx `ensurePathExists`: creates each missing parent, a list when the token after it is
/// an index or `-` (padded with nulls up to that index), a map otherwise.
fn ensure_parents(
    document: &mut Value,
    parents: &[String],
    last: &str,
) -> Result<(), OperationProblem> {
    let mut current = document;
    for (position, token) in parents.iter().enumerate() {
        let next = parents.get(position + 1).map_or(last, String::as_str);
        if child_mut(current, token).is_none() {
            if let (Value::Array(items), Ok(index)) = (&mut *current, token.parse::<i64>()) {
                pad(items, index)?;
            }
            let created = if next == "-" || next.parse::<i64>().is_ok() {
                let mut items = Vec::new();
                pad(&mut items, next.parse::<i64>().unwrap_or(0).max(0))?;
                if next.parse::<i64>().is_ok_and(|index| index < -1) {
                    return Err(OperationProblem::InvalidIndex {
                        index: next.to_owned(),
                    });
                }
                Value::Array(items)
            } else {
                Value::Object(Map::new())
            };
            insert(current, token, created)?;
        }
        current = child_mut(current, token).ok_or(OperationProblem::MissingPath)?;
        if !is_container(current) {
            return Err(OperationProblem::NotAContainer);
        }
    }
    Ok(())
}

/// Pads `items` with nulls until it has `index` elements.
fn pad(items: &mut Vec<Value>, index: i64) -> Result<(), OperationProblem> {
    let target = usize::try_from(index).unwrap_or(0);
    if target > PADDING_LIMIT {
        return Err(OperationProblem::InvalidIndex {
            index: index.to_string(),
        });
    }
    if items.len() < target {
        items.resize(target, Value::Null);
    }
    Ok(())
}

/// Inserts `value` under `token` in a map or list, as evanphx `add` does.
fn insert(container: &mut Value, token: &str, value: Value) -> Result<(), OperationProblem> {
    match container {
        Value::Object(map) => {
            map.insert(token.to_owned(), value);
            Ok(())
        }
        Value::Array(items) if token == "-" => {
            items.push(value);
            Ok(())
        }
        Value::Array(items) => {
            let invalid = || OperationProblem::InvalidIndex {
                index: token.to_owned(),
            };
            // Inserting, `len` itself is a valid position and `-1` means it.
            let size = i64::try_from(items.len()).map_err(|_| invalid())? + 1;
            let index = token.parse::<i64>().map_err(|_| invalid())?;
            let index = if index < 0 { index + size } else { index };
            let index = usize::try_from(index)
                .ok()
                .filter(|index| *index < items.len() + 1)
                .ok_or_else(invalid)?;
            items.insert(index, value);
            Ok(())
        }
        _ => Err(OperationProblem::NotAContainer),
    }
}

/// `remove`, lenient: a missing parent, key or index removes nothing.
fn remove(document: &mut Value, pointer: &Pointer) -> Result<(), OperationProblem> {
    let Pointer::Child { parents, last } = pointer else {
        return Ok(());
    };
    let Ok(container) = container_mut(document, parents) else {
        return Ok(());
    };
    match container {
        Value::Object(map) => {
            map.remove(last);
        }
        Value::Array(items) => {
            last.parse::<i64>()
                .map_err(|_| OperationProblem::InvalidIndex {
                    index: last.clone(),
                })?;
            if let Some(index) = list_index(items, last) {
                items.remove(index);
            }
        }
        _ => return Err(OperationProblem::NotAContainer),
    }
    Ok(())
}

/// `replace`: the target must exist.
fn replace(document: &mut Value, pointer: &Pointer, value: Value) -> Result<(), OperationProblem> {
    let Pointer::Child { parents, last } = pointer else {
        return replace_root(document, value);
    };
    check_depth(parents.len() + 1, &value)?;
    let target =
        child_mut(container_mut(document, parents)?, last).ok_or(OperationProblem::MissingPath)?;
    *target = value;
    Ok(())
}

/// Keeps the document within [`MAX_DEPTH`]: `value` placed `level` levels down (the document
/// itself stays within the limit, as it was checked on entry and every placement is checked).
fn check_depth(level: usize, value: &Value) -> Result<(), OperationProblem> {
    if level + depth(value, MAX_DEPTH) > MAX_DEPTH + 1 {
        return Err(OperationProblem::TooDeep { limit: MAX_DEPTH });
    }
    Ok(())
}

/// Replacing the whole document takes a map or list only.
fn replace_root(document: &mut Value, value: Value) -> Result<(), OperationProblem> {
    check_depth(0, &value)?;
    if !is_container(&value) {
        return Err(OperationProblem::Root);
    }
    *document = value;
    Ok(())
}

/// `move`'s first half: removes and returns the value at `pointer`, which must exist.
fn take(document: &mut Value, pointer: &Pointer) -> Result<Value, OperationProblem> {
    let Pointer::Child { parents, last } = pointer else {
        return Err(OperationProblem::Root);
    };
    match container_mut(document, parents)? {
        Value::Object(map) => map.remove(last).ok_or(OperationProblem::MissingPath),
        Value::Array(items) => {
            let index = list_index(items, last).ok_or(OperationProblem::MissingPath)?;
            Ok(items.remove(index))
        }
        _ => Err(OperationProblem::NotAContainer),
    }
}

/// The value at `pointer`, which must exist.
fn get<'v>(document: &'v Value, pointer: &Pointer) -> Result<&'v Value, OperationProblem> {
    let Pointer::Child { parents, last } = pointer else {
        return Ok(document);
    };
    let mut current = document;
    for token in parents {
        current = child(current, token)
            .filter(|value| is_container(value))
            .ok_or(OperationProblem::MissingPath)?;
    }
    child(current, last).ok_or(OperationProblem::MissingPath)
}

/// `test`, as evanphx: a missing map key equals null, and an expected null fails against any
/// present value (null included).
fn test(
    document: &Value,
    pointer: &Pointer,
    expected: Option<&Value>,
) -> Result<(), OperationProblem> {
    let expected = expected.filter(|value| !value.is_null());
    let found = match pointer {
        Pointer::Root => Some(document),
        Pointer::Child { parents, last } => {
            let mut current = document;
            for token in parents {
                current = child(current, token)
                    .filter(|value| is_container(value))
                    .ok_or(OperationProblem::MissingPath)?;
            }
            match current {
                Value::Object(map) => map.get(last),
                Value::Array(items) => Some(
                    list_index(items, last)
                        .and_then(|index| items.get(index))
                        .ok_or(OperationProblem::InvalidIndex {
                            index: last.clone(),
                        })?,
                ),
                _ => return Err(OperationProblem::NotAContainer),
            }
        }
    };
    match (found, expected) {
        (None, None) => Ok(()),
        (Some(found), Some(expected)) if found == expected => Ok(()),
        _ => Err(OperationProblem::TestFailed),
    }
}

/// The map or list that `parents` leads to.
fn container_mut<'v>(
    document: &'v mut Value,
    parents: &[String],
) -> Result<&'v mut Value, OperationProblem> {
    let mut current = document;
    for token in parents {
        current = child_mut(current, token).ok_or(OperationProblem::MissingPath)?;
    }
    if is_container(current) {
        Ok(current)
    } else {
        Err(OperationProblem::MissingPath)
    }
}

fn child<'v>(value: &'v Value, token: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) => map.get(token),
        Value::Array(items) => items.get(list_index(items, token)?),
        _ => None,
    }
}

fn child_mut<'v>(value: &'v mut Value, token: &str) -> Option<&'v mut Value> {
    match value {
        Value::Object(map) => map.get_mut(token),
        Value::Array(items) => {
            let index = list_index(items, token)?;
            items.get_mut(index)
        }
        _ => None,
    }
}

/// An existing element's position: a decimal index, negative counting from the end.
fn list_index(items: &[Value], token: &str) -> Option<usize> {
    let index = token.parse::<i64>().ok()?;
    let length = i64::try_from(items.len()).ok()?;
    let index = if index < 0 { index + length } else { index };
    usize::try_from(index)
        .ok()
        .filter(|index| *index < items.len())
}

fn is_container(value: &Value) -> bool {
    value.is_object() || value.is_array()
}

/// How many values `value` holds, itself included (for the copy limit).
fn count_values(value: &Value) -> usize {
    match value {
        Value::Object(map) => map
            .values()
            .map(count_values)
            .fold(1, usize::saturating_add),
        Value::Array(items) => items
            .iter()
            .map(count_values)
            .fold(1, usize::saturating_add),
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => 1,
    }
}

#[cfg(test)]
mod tests {
    //! Cases of kyverno/kyverno `pkg/engine/mutate/patch/patchJSON6902_test.go` (`TestJsonPatch`,
    //! `Test_MissingPaths`), with the patched documents their expected patches describe.
    use serde_json::json;

    use super::*;

    fn deployment() -> Value {
        json!({
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "myDeploy"},
            "spec": {"replica": 2, "template": {
                "metadata": {"labels": {"old-label": "old-value"}},
                "spec": {"containers": [{"image": "nginx", "name": "nginx"}]},
            }},
        })
    }

    #[test]
    fn insert_and_replace_list_elements() {
        let patched = json6902(
            &deployment(),
            "- op: add\n  path: /spec/template/spec/containers/1\n  value: {\"name\":\"new-nginx\",\"image\":\"new-nginx-image\"}\n",
        )
        .unwrap();
        assert_eq!(
            patched["spec"]["template"]["spec"]["containers"],
            json!([{"image": "nginx", "name": "nginx"}, {"name": "new-nginx", "image": "new-nginx-image"}])
        );
        let patched = json6902(
            &deployment(),
            "- op: replace\n  path: /spec/template/spec/containers/0\n  value: {\"name\":\"new-nginx\",\"image\":\"new-nginx-image\"}\n",
        )
        .unwrap();
        assert_eq!(
            patched["spec"]["template"]["spec"]["containers"],
            json!([{"name": "new-nginx", "image": "new-nginx-image"}])
        );
    }

    #[test]
    fn multiple_operations() {
        let patch = "
- op: replace
  path: /spec/template/spec/containers/0/name
  value: my-nginx
- op: add
  path: /spec/replica
  value: 999
- op: add
  path: /spec/template/spec/volumes
  value:
  - emptyDir:
      medium: Memory
    name: vault-secret
";
        let mut expected = deployment();
        expected["spec"]["replica"] = json!(999);
        expected["spec"]["template"]["spec"]["containers"][0]["name"] = json!("my-nginx");
        expected["spec"]["template"]["spec"]["volumes"] =
            json!([{"emptyDir": {"medium": "Memory"}, "name": "vault-secret"}]);
        assert_eq!(json6902(&deployment(), patch).unwrap(), expected);
    }

    /// `add` to `/spec/tolerations/0`, `/-1` or the list itself creates the missing list.
    #[test]
    fn add_creates_missing_list() {
        let pod = json!({"spec": {"containers": [{"name": "nginx", "image": "nginx:1.14.2"}]}});
        let toleration = json!({"key": "node-role.kubernetes.io/test", "effect": "NoSchedule", "operator": "Exists"});
        for path in [
            "/spec/tolerations/0",
            "/spec/tolerations/-1",
            "/spec/tolerations/-",
        ] {
            let patch = format!("- {{op: add, path: \"{path}\", value: {toleration}}}");
            let patched = json6902(&pod, &patch).unwrap();
            assert_eq!(
                patched["spec"]["tolerations"],
                json!([toleration]),
                "{path}"
            );
        }
        let patch =
            "- {op: add, path: /spec/nodeSelector, value: {\"node.kubernetes.io/role\": \"test\"}}";
        let patched = json6902(&pod, patch).unwrap();
        assert_eq!(
            patched["spec"]["nodeSelector"],
            json!({"node.kubernetes.io/role": "test"})
        );
    }

    /// `add` of a list replaces the list; `/-` and `/-1` append.
    #[test]
    fn add_to_existing_list() {
        let existing = json!({"effect": "NoExecute", "key": "node.kubernetes.io/not-ready", "operator": "Exists", "tolerationSeconds": 300});
        let added = json!({"key": "node-role.kubernetes.io/test", "effect": "NoSchedule", "operator": "Exists"});
        let pod = json!({"spec": {"tolerations": [existing]}});
        let patched = json6902(
            &pod,
            &format!("- {{op: add, path: /spec/tolerations, value: [{added}]}}"),
        )
        .unwrap();
        assert_eq!(patched["spec"]["tolerations"], json!([added]));
        for path in ["/spec/tolerations/-", "/spec/tolerations/-1"] {
            let patched = json6902(
                &pod,
                &format!("- {{op: add, path: \"{path}\", value: {added}}}"),
            )
            .unwrap();
            assert_eq!(
                patched["spec"]["tolerations"],
                json!([existing, added]),
                "{path}"
            );
        }
    }
}
