//! Finding the pod spec inside an object and walking it: which kinds hold a pod template and
//! where (upstream `DefaultPodSpecExtractor`), the containers of all three lists
//! (`policy/visitor.go`), field paths for violations, and upstream's message helpers
//! (`joinQuote`, `pluralize`).

use std::fmt::Write as _;

use serde_json::Value;

static NULL: Value = Value::Null;

/// The member `key` of `value`, or `null` when `value` is not an object or lacks it; lets
/// checks read nested optional fields the way Go reads nil pointers.
pub(super) fn field<'a>(value: &'a Value, key: &str) -> &'a Value {
    value.get(key).unwrap_or(&NULL)
}

/// The elements of `value` when it is an array; nothing otherwise.
pub(super) fn elements(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

/// The pod metadata and spec of an object, with the path prefixes that locate them.
#[derive(Debug, Clone, Copy)]
pub(super) struct PodSpec<'a> {
    pub(super) metadata: &'a Value,
    pub(super) spec: &'a Value,
    /// Path of the spec with a trailing dot, such as `spec.template.spec.`.
    pub(super) prefix: &'static str,
}

impl<'a> PodSpec<'a> {
    pub(super) fn new(metadata: &'a Value, spec: &'a Value, prefix: &'static str) -> Self {
        Self {
            metadata,
            spec,
            prefix,
        }
    }

    /// The pod of a Pod, or the pod template of a workload kind; `None` for kinds without one.
    pub(super) fn find(object: &'a Value) -> Option<Self> {
        let kind = object.get("kind")?.as_str()?;
        let (template, prefix) = match kind {
            "Pod" => {
                return Some(Self::new(
                    field(object, "metadata"),
                    field(object, "spec"),
                    "spec.",
                ));
            }
            "Deployment"
            | "ReplicaSet"
            | "StatefulSet"
            | "DaemonSet"
            | "Job"
            | "ReplicationController" => (
                field(field(object, "spec"), "template"),
                "spec.template.spec.",
            ),
            "CronJob" => (
                field(
                    field(field(field(object, "spec"), "jobTemplate"), "spec"),
                    "template",
                ),
                "spec.jobTemplate.spec.template.spec.",
            ),
            "PodTemplate" => (field(object, "template"), "template.spec."),
            _ => return None,
        };
        Some(Self::new(
            field(template, "metadata"),
            field(template, "spec"),
            prefix,
        ))
    }

    /// The pod-level `securityContext`.
    pub(super) fn security_context(&self) -> &'a Value {
        field(self.spec, "securityContext")
    }

    /// Whether `spec.os.name` is `windows`: some restricted checks skip Windows pods from
    /// v1.25 on.
    pub(super) fn is_windows(&self) -> bool {
        field(field(self.spec, "os"), "name").as_str() == Some("windows")
    }

    /// The annotations of the pod metadata.
    pub(super) fn annotations(&self) -> impl Iterator<Item = (&'a str, &'a Value)> {
        field(self.metadata, "annotations")
            .as_object()
            .into_iter()
            .flat_map(|annotations| annotations.iter().map(|(key, value)| (key.as_str(), value)))
    }

    /// The path of the metadata annotation `key`.
    pub(super) fn annotation_path(&self, key: &str) -> String {
        let metadata = self.prefix.strip_suffix("spec.").unwrap_or(self.prefix);
        format!("{metadata}metadata.annotations[{key}]")
    }

    /// The path of a pod-spec field given relative to the spec.
    pub(super) fn path(&self, relative: &str) -> String {
        format!("{}{relative}", self.prefix)
    }

    /// Containers, init containers and ephemeral containers, in upstream's visiting order.
    pub(super) fn containers(&self) -> impl Iterator<Item = Container<'a>> + use<'a> {
        let spec = self.spec;
        let prefix = self.prefix;
        ["containers", "initContainers", "ephemeralContainers"]
            .into_iter()
            .flat_map(move |list| {
                elements(field(spec, list))
                    .iter()
                    .enumerate()
                    .map(move |(index, value)| Container {
                        value,
                        list,
                        index,
                        prefix,
                    })
            })
    }
}

/// One container of a pod spec and where it sits.
#[derive(Debug, Clone, Copy)]
pub(super) struct Container<'a> {
    pub(super) value: &'a Value,
    list: &'static str,
    index: usize,
    prefix: &'static str,
}

impl<'a> Container<'a> {
    /// The container's name (empty when missing, as Go's zero value).
    pub(super) fn name(&self) -> &'a str {
        field(self.value, "name").as_str().unwrap_or_default()
    }

    /// The container's `securityContext`.
    pub(super) fn security_context(&self) -> &'a Value {
        field(self.value, "securityContext")
    }

    /// The path of a field given relative to the container.
    pub(super) fn path(&self, relative: &str) -> String {
        format!("{}{}[{}].{relative}", self.prefix, self.list, self.index)
    }
}

/// A failed check before it is tagged with its id: upstream's `CheckResult` with the paths.
#[derive(Debug)]
pub(super) struct Failure {
    pub(super) reason: &'static str,
    pub(super) detail: String,
    pub(super) paths: Vec<String>,
}

/// Upstream `joinQuote`: `"a", "b"`.
pub(super) fn join_quote<S: AsRef<str>>(items: &[S]) -> String {
    let mut joined = String::new();
    for (index, item) in items.iter().enumerate() {
        if index > 0 {
            joined.push_str(", ");
        }
        // Writing to a String cannot fail.
        let _ = write!(joined, "{:?}", item.as_ref());
    }
    joined
}

/// Upstream `pluralize`.
pub(super) fn pluralize(
    singular: &'static str,
    plural: &'static str,
    count: usize,
) -> &'static str {
    if count == 1 { singular } else { plural }
}

/// Adds `item` to a sorted, deduplicated list (upstream's `sets.List` order).
pub(super) fn insert_sorted(items: &mut Vec<String>, item: &str) {
    if let Err(position) = items.binary_search_by(|existing| existing.as_str().cmp(item)) {
        items.insert(position, item.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn finds_templates_of_every_workload_kind() {
        for (object, prefix) in [
            (json!({"kind": "Pod", "spec": {}}), "spec."),
            (
                json!({"kind": "Deployment", "spec": {"template": {"spec": {}}}}),
                "spec.template.spec.",
            ),
            (
                json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {}}}}}}),
                "spec.jobTemplate.spec.template.spec.",
            ),
            (
                json!({"kind": "PodTemplate", "template": {"spec": {}}}),
                "template.spec.",
            ),
        ] {
            assert_eq!(PodSpec::find(&object).map(|pod| pod.prefix), Some(prefix));
        }
        assert!(PodSpec::find(&json!({"kind": "Service"})).is_none());
        assert!(PodSpec::find(&json!([1, 2])).is_none());
    }

    #[test]
    fn container_paths_name_list_and_index() {
        let pod = json!({"kind": "Pod", "spec": {"containers": [{"name": "a"}], "initContainers": [{"name": "b"}]}});
        let spec = PodSpec::find(&pod).expect("a Pod holds a pod spec");
        let paths: Vec<_> = spec
            .containers()
            .map(|container| container.path("image"))
            .collect();
        assert_eq!(
            paths,
            ["spec.containers[0].image", "spec.initContainers[0].image"]
        );
        assert_eq!(spec.annotation_path("x"), "metadata.annotations[x]");
    }

    #[test]
    fn join_quote_quotes_each_item() {
        assert_eq!(join_quote(&["a", "b"]), r#""a", "b""#);
    }
}
