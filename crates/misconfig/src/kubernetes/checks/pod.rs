//! Reading one object as plain JSON without trusting its shape: the pod spec inside every
//! workload kind, its containers, the effective security settings, and field paths in the Pod
//! Security Standards' syntax (`spec.template.spec.containers[0].image`).
//!
//! Every accessor answers `null` or nothing for a field of the wrong type, so the checks in the
//! sibling modules read nested optional fields without matching on shapes, and every list is
//! read up to [`MAX_ITEMS`] elements, so a hostile object cannot make a check run or report
//! without bound.

use std::fmt;

use serde_json::Value;

static NULL: Value = Value::Null;

/// How many elements of any one list (containers, volumes, env, rules, subjects) are read.
///
/// Real objects have a handful; the API server rejects objects over about 1.5 MB, which a list
/// of a thousand minimal entries already approaches. Entries past the cap are not checked.
pub(super) const MAX_ITEMS: usize = 1000;

/// The member `key` of `value`, or `null` when `value` is not an object or lacks it.
pub(super) fn field<'a>(value: &'a Value, key: &str) -> &'a Value {
    value.get(key).unwrap_or(&NULL)
}

/// The elements of `value` with their indexes when it is an array (up to [`MAX_ITEMS`]);
/// nothing otherwise.
pub(super) fn elements(value: &Value) -> impl Iterator<Item = (usize, &Value)> {
    value
        .as_array()
        .map_or(&[][..], Vec::as_slice)
        .iter()
        .take(MAX_ITEMS)
        .enumerate()
}

/// The string elements of `value` with their indexes, when it is an array.
pub(super) fn strings(value: &Value) -> impl Iterator<Item = (usize, &str)> {
    elements(value).filter_map(|(index, element)| Some((index, element.as_str()?)))
}

/// The members of `value` (up to [`MAX_ITEMS`]) when it is an object; nothing otherwise.
pub(super) fn members(value: &Value) -> impl Iterator<Item = (&str, &Value)> {
    value
        .as_object()
        .into_iter()
        .flatten()
        .take(MAX_ITEMS)
        .map(|(key, value)| (key.as_str(), value))
}

/// The path of the deepest field that exists along `keys` below `value`, which sits at `base`:
/// where a missing field should go, so the report points at the closest line.
pub(super) fn deepest(base: &str, value: &Value, keys: &[&str]) -> String {
    let mut path = base.to_owned();
    let mut current = value;
    for key in keys {
        match current.get(key) {
            Some(next) => {
                path.push('.');
                path.push_str(key);
                current = next;
            }
            None => break,
        }
    }
    path
}

/// The object's `metadata.name` when it is a string, for messages.
pub(super) fn name(object: &Value) -> &str {
    field(field(object, "metadata"), "name")
        .as_str()
        .unwrap_or("")
}

/// The pod-level part of a workload: its metadata and spec, wherever the kind keeps them.
#[derive(Debug, Clone, Copy)]
pub(super) struct Pod<'a> {
    /// The pod (template) metadata, for labels and annotations.
    pub(super) metadata: &'a Value,
    /// The pod spec.
    pub(super) spec: &'a Value,
    /// Path of the spec with a trailing dot, such as `spec.template.spec.`.
    prefix: &'static str,
}

impl<'a> Pod<'a> {
    /// The pod of a Pod or the pod template of a workload kind; `None` for other kinds and for
    /// objects whose pod spec is not a map.
    pub(super) fn find(object: &'a Value, kind: &str) -> Option<Self> {
        let (metadata, spec, prefix) = match kind {
            "Pod" => (field(object, "metadata"), field(object, "spec"), "spec."),
            "Deployment"
            | "ReplicaSet"
            | "StatefulSet"
            | "DaemonSet"
            | "Job"
            | "ReplicationController"
            | "DeploymentConfig" => {
                let template = field(field(object, "spec"), "template");
                (
                    field(template, "metadata"),
                    field(template, "spec"),
                    "spec.template.spec.",
                )
            }
            "CronJob" => {
                let job = field(field(object, "spec"), "jobTemplate");
                let template = field(field(job, "spec"), "template");
                (
                    field(template, "metadata"),
                    field(template, "spec"),
                    "spec.jobTemplate.spec.template.spec.",
                )
            }
            "PodTemplate" => {
                let template = field(object, "template");
                (
                    field(template, "metadata"),
                    field(template, "spec"),
                    "template.spec.",
                )
            }
            _ => return None,
        };
        spec.is_object().then_some(Self {
            metadata,
            spec,
            prefix,
        })
    }

    /// The path of a pod-spec field given relative to the spec, such as `hostNetwork`.
    pub(super) fn path(&self, relative: &str) -> String {
        format!("{}{relative}", self.prefix)
    }

    /// The path of the pod spec itself, where a missing pod-level field belongs.
    pub(super) fn spec_path(&self) -> &'static str {
        self.prefix.strip_suffix('.').unwrap_or(self.prefix)
    }

    /// The path of a pod-metadata field: `metadata.annotations[key]` of a Pod,
    /// `spec.template.metadata.labels[key]` of a Deployment.
    pub(super) fn metadata_path(&self, map: &str, key: &str) -> String {
        let metadata = self.prefix.strip_suffix("spec.").unwrap_or(self.prefix);
        format!("{metadata}metadata.{map}[{key}]")
    }

    /// The pod-level `securityContext`.
    pub(super) fn security_context(&self) -> &'a Value {
        field(self.spec, "securityContext")
    }

    /// The pod annotations whose values are strings.
    pub(super) fn annotations(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        members(field(self.metadata, "annotations"))
            .filter_map(|(key, value)| Some((key, value.as_str()?)))
    }

    /// The pod label `key` when it is a string.
    pub(super) fn label(&self, key: &str) -> Option<&'a str> {
        field(field(self.metadata, "labels"), key).as_str()
    }

    /// The containers of the given lists, in list order.
    pub(super) fn containers(
        &self,
        lists: &'static [List],
    ) -> impl Iterator<Item = Container<'a>> + use<'a> {
        let spec = self.spec;
        let prefix = self.prefix;
        lists.iter().flat_map(move |&list| {
            elements(field(spec, list.key()))
                .filter(|(_, value)| value.is_object())
                .map(move |(index, value)| Container {
                    value,
                    list,
                    index,
                    prefix,
                })
        })
    }

    /// The pod's volumes that are maps, with their indexes.
    pub(super) fn volumes(&self) -> impl Iterator<Item = (usize, &'a Value)> + use<'a> {
        elements(field(self.spec, "volumes")).filter(|(_, volume)| volume.is_object())
    }
}

/// The three container lists of a pod spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum List {
    /// `containers`: the application.
    Containers,
    /// `initContainers`: run to completion before the application starts.
    InitContainers,
    /// `ephemeralContainers`: added later for debugging; no ports, probes or resources.
    EphemeralContainers,
}

impl List {
    /// Every list: what security checks look at.
    pub(super) const ALL: &[Self] = &[
        Self::Containers,
        Self::InitContainers,
        Self::EphemeralContainers,
    ];
    /// The lists that may hold resources and ports (the API rejects them on ephemeral ones).
    pub(super) const RUNNING: &[Self] = &[Self::Containers, Self::InitContainers];
    /// The long-running application containers: what probes are about.
    pub(super) const APPLICATION: &[Self] = &[Self::Containers];

    fn key(self) -> &'static str {
        match self {
            Self::Containers => "containers",
            Self::InitContainers => "initContainers",
            Self::EphemeralContainers => "ephemeralContainers",
        }
    }
}

/// One container of a pod spec, with where it sits.
#[derive(Debug, Clone, Copy)]
pub(super) struct Container<'a> {
    /// The container as written; always a map.
    pub(super) value: &'a Value,
    list: List,
    index: usize,
    prefix: &'static str,
}

impl<'a> Container<'a> {
    /// The member `key` of the container.
    pub(super) fn field(&self, key: &str) -> &'a Value {
        field(self.value, key)
    }

    /// The container's `securityContext`.
    pub(super) fn security_context(&self) -> &'a Value {
        self.field("securityContext")
    }

    /// The container's name when it has one.
    pub(super) fn name(&self) -> Option<&'a str> {
        self.field("name").as_str()
    }

    /// The container's image when it is a string.
    pub(super) fn image(&self) -> Option<&'a str> {
        self.field("image").as_str()
    }

    /// The path of the container, such as `spec.containers[1]`.
    pub(super) fn base(&self) -> String {
        format!("{}{}[{}]", self.prefix, self.list.key(), self.index)
    }

    /// The path of a container field given relative to the container.
    pub(super) fn path(&self, relative: &str) -> String {
        format!("{}.{relative}", self.base())
    }

    /// The path of the deepest existing field along `keys`, for a missing field.
    pub(super) fn deepest(&self, keys: &[&str]) -> String {
        deepest(&self.base(), self.value, keys)
    }

    /// The capabilities listed under `securityContext.capabilities.<which>` (`add` or `drop`),
    /// normalised to upper case without the `CAP_` prefix, with their indexes.
    pub(super) fn capabilities(&self, which: &str) -> impl Iterator<Item = (usize, String)> {
        strings(field(field(self.security_context(), "capabilities"), which))
            .map(|(index, capability)| (index, normalize_capability(capability)))
    }

    /// A security setting the container may override: the container's value when set, else
    /// the pod's, with the path of the one that applies.
    pub(super) fn effective(&self, pod: &Pod<'a>, keys: &[&str]) -> Option<(&'a Value, String)> {
        let lookup = |context: &'a Value| {
            keys.iter()
                .try_fold(context, |value, key| value.get(key))
                .filter(|value| !value.is_null())
        };
        let relative = format!("securityContext.{}", keys.join("."));
        if let Some(value) = lookup(self.security_context()) {
            return Some((value, self.path(&relative)));
        }
        lookup(pod.security_context()).map(|value| (value, pod.path(&relative)))
    }
}

impl fmt::Display for Container<'_> {
    /// `container "web"`, `init container "setup"`, or `container #2` when it has no name.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.list {
            List::Containers => "container",
            List::InitContainers => "init container",
            List::EphemeralContainers => "ephemeral container",
        };
        match self.name() {
            Some(name) => write!(formatter, "{kind} {name:?}"),
            None => write!(formatter, "{kind} #{}", self.index),
        }
    }
}

/// A capability as the runtime reads it: `cap_net_raw` and `NET_RAW` are the same.
fn normalize_capability(capability: &str) -> String {
    let upper = capability.trim().to_ascii_uppercase();
    upper
        .strip_prefix("CAP_")
        .map_or_else(|| upper.clone(), str::to_owned)
}

#[cfg(test)]
mod tests {
    //! The walker on every workload kind and on objects of the wrong shape.

    use serde_json::json;

    use super::*;

    #[test]
    fn finds_the_pod_spec_of_every_workload_kind() {
        let spec = json!({"containers": [{"name": "a"}]});
        let template = json!({"metadata": {"labels": {"app": "x"}}, "spec": spec});
        let cases = [
            (json!({"kind": "Pod", "spec": spec}), "spec.containers[0]"),
            (
                json!({"kind": "Deployment", "spec": {"template": template}}),
                "spec.template.spec.containers[0]",
            ),
            (
                json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": template}}}}),
                "spec.jobTemplate.spec.template.spec.containers[0]",
            ),
            (
                json!({"kind": "PodTemplate", "template": template}),
                "template.spec.containers[0]",
            ),
        ];
        for (object, expected) in cases {
            let kind = object["kind"].as_str().expect("the case has a kind");
            let pod = Pod::find(&object, kind).expect("the kind holds a pod");
            let paths: Vec<String> = pod.containers(List::ALL).map(|c| c.base()).collect();
            assert_eq!(paths, [expected]);
        }
    }

    #[test]
    fn metadata_paths_follow_the_template() {
        let object = json!({"kind": "Deployment", "spec": {"template": {"spec": {}}}});
        let pod = Pod::find(&object, "Deployment").expect("a deployment holds a pod");
        assert_eq!(
            pod.metadata_path("labels", "app"),
            "spec.template.metadata.labels[app]"
        );
        let object = json!({"kind": "Pod", "spec": {}});
        let pod = Pod::find(&object, "Pod").expect("a pod");
        assert_eq!(
            pod.metadata_path("annotations", "a/b"),
            "metadata.annotations[a/b]"
        );
    }

    #[test]
    fn wrong_shapes_yield_nothing() {
        for object in [
            json!({"kind": "Pod", "spec": []}),
            json!({"kind": "Deployment", "spec": "x"}),
            json!({"kind": "Service", "spec": {}}),
        ] {
            let kind = object["kind"].as_str().expect("the case has a kind");
            assert!(Pod::find(&object, kind).is_none(), "{object}");
        }
        let object = json!({"kind": "Pod", "spec": {"containers": [1, "x", null, {"name": 3}]}});
        let pod = Pod::find(&object, "Pod").expect("a pod");
        let labels: Vec<String> = pod.containers(List::ALL).map(|c| c.to_string()).collect();
        assert_eq!(labels, ["container #3"]);
    }

    #[test]
    fn lists_are_read_up_to_the_cap() {
        let containers: Vec<Value> = (0..MAX_ITEMS + 5).map(|_| json!({})).collect();
        let object = json!({"kind": "Pod", "spec": {"containers": containers}});
        let pod = Pod::find(&object, "Pod").expect("a pod");
        assert_eq!(pod.containers(List::ALL).count(), MAX_ITEMS);
    }

    #[test]
    fn container_settings_override_the_pod() {
        let object = json!({"kind": "Pod", "spec": {
            "securityContext": {"runAsUser": 1000},
            "containers": [{"name": "a", "securityContext": {"runAsUser": 0}}, {"name": "b"}],
        }});
        let pod = Pod::find(&object, "Pod").expect("a pod");
        let found: Vec<(Value, String)> = pod
            .containers(List::ALL)
            .filter_map(|c| c.effective(&pod, &["runAsUser"]))
            .map(|(value, path)| (value.clone(), path))
            .collect();
        assert_eq!(
            found,
            [
                (
                    json!(0),
                    "spec.containers[0].securityContext.runAsUser".to_owned()
                ),
                (json!(1000), "spec.securityContext.runAsUser".to_owned()),
            ]
        );
    }

    #[test]
    fn capabilities_are_normalised() {
        let object = json!({"kind": "Pod", "spec": {"containers": [{"securityContext":
            {"capabilities": {"drop": ["cap_net_raw", 7, " all "]}}}]}});
        let pod = Pod::find(&object, "Pod").expect("a pod");
        let container = pod.containers(List::ALL).next().expect("one container");
        let drops: Vec<(usize, String)> = container.capabilities("drop").collect();
        assert_eq!(drops, [(0, "NET_RAW".to_owned()), (2, "ALL".to_owned())]);
    }

    #[test]
    fn deepest_points_at_the_closest_existing_field() {
        let container = json!({"resources": {"limits": {"cpu": "1"}}});
        assert_eq!(
            deepest(
                "spec.containers[0]",
                &container,
                &["resources", "limits", "memory"]
            ),
            "spec.containers[0].resources.limits"
        );
        assert_eq!(
            deepest("spec.containers[0]", &json!({}), &["resources", "limits"]),
            "spec.containers[0]"
        );
    }
}
