//! The JSON document Kyverno variables are queried against, and the values a Kyverno CLI
//! `Values` file supplies for it.
//!
//! Kyverno keeps every variable of a rule in one JSON document: `request` (the object, the old
//! object, the operation, the requester), `serviceAccountName`, context entries by name,
//! `element`/`elementIndex` inside `foreach`, and values supplied by the user. A value's key is
//! a dotted path (`request.operation`, `podprioritydict.data.default`) merged into the
//! document, as `kyverno test` does; context entries that need a cluster or a registry
//! (`apiCall`, `configMap`, `imageRegistry`, `globalReference`) are answered only from values.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::matching::{Operation, UserInfo};

/// The variables a Kyverno CLI `Values` file (`cli.kyverno.io/v1alpha1`) supplies.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Values {
    /// Values for every rule of every policy.
    #[serde(default)]
    pub global_values: Map<String, Value>,
    /// Values per policy, rule and resource.
    #[serde(default)]
    pub policies: Vec<PolicyValues>,
    /// The labels of namespaces, for `namespaceSelector`.
    #[serde(default)]
    pub namespace_selector: Vec<NamespaceLabels>,
}

/// The values of one policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyValues {
    /// The policy's name.
    pub name: String,
    /// Values per rule.
    #[serde(default)]
    pub rules: Vec<NamedValues>,
    /// Values per resource.
    #[serde(default)]
    pub resources: Vec<NamedValues>,
}

/// Values for one rule or one resource.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NamedValues {
    /// The rule or resource name.
    pub name: String,
    /// The values, keyed by dotted variable path.
    #[serde(default)]
    pub values: Map<String, Value>,
}

/// The labels of one namespace.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct NamespaceLabels {
    /// The namespace.
    pub name: String,
    /// Its labels.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

impl Values {
    /// The labels of `namespace`, empty when the values do not list it.
    #[must_use]
    pub fn namespace_labels(&self, namespace: &str) -> BTreeMap<String, String> {
        self.namespace_selector
            .iter()
            .find(|entry| entry.name == namespace)
            .map(|entry| entry.labels.clone())
            .unwrap_or_default()
    }

    /// The values that apply to one rule of one policy on one resource, in the order they are
    /// merged: global, then the resource's, then the rule's (later wins).
    pub fn for_rule<'a>(
        &'a self,
        policy: &'a str,
        rule: &'a str,
        resource: &'a str,
    ) -> impl Iterator<Item = (&'a String, &'a Value)> + 'a {
        let policy_values = self
            .policies
            .iter()
            .filter(move |entry| entry.name == policy);
        let resources = policy_values
            .clone()
            .flat_map(|entry| &entry.resources)
            .filter(move |entry| entry.name == resource);
        let rules = policy_values
            .flat_map(|entry| &entry.rules)
            .filter(move |entry| {
                entry.name == rule || strip_autogen(&entry.name) == strip_autogen(rule)
            });
        self.global_values
            .iter()
            .chain(resources.flat_map(|entry| &entry.values))
            .chain(rules.flat_map(|entry| &entry.values))
    }

    /// Whether any value is named by the first segment `name` (a context entry's name).
    #[must_use]
    pub fn supplies(&self, policy: &str, rule: &str, resource: &str, name: &str) -> bool {
        self.for_rule(policy, rule, resource)
            .any(|(key, _)| key.split('.').next() == Some(name))
    }
}

/// A Kyverno CLI user info file (`cli.kyverno.io/v1alpha1`, kind `UserInfo`): who sends the
/// requests of `kyverno apply --userinfo` and of tests naming a `userinfo` file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInfoFile {
    /// The cluster roles bound to the requester.
    #[serde(default)]
    pub cluster_roles: Vec<String>,
    /// The roles bound to the requester, as `namespace:name`.
    #[serde(default)]
    pub roles: Vec<String>,
    /// The requester's name and groups.
    #[serde(default)]
    pub user_info: UserInfo,
}

impl UserInfoFile {
    /// The requester as match blocks see it.
    #[must_use]
    pub fn into_user(self) -> UserInfo {
        UserInfo {
            roles: self.roles,
            cluster_roles: self.cluster_roles,
            ..self.user_info
        }
    }
}

/// A rule name without Kyverno's auto-generation prefix, so values written for a Pod rule also
/// reach its generated controller rules.
fn strip_autogen(rule: &str) -> &str {
    rule.strip_prefix("autogen-cronjob-")
        .or_else(|| rule.strip_prefix("autogen-"))
        .unwrap_or(rule)
}

/// Kinds the Kubernetes API serves without a namespace (the built-in cluster-scoped ones).
const CLUSTER_SCOPED_KINDS: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterPolicy",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// Puts a namespaced object without a namespace in `default`, where the API server would
/// create it; `kyverno apply` and `kyverno test` do the same with the resources they read.
pub fn default_namespace(object: &mut Value) {
    let kind = object["kind"].as_str().unwrap_or_default();
    if CLUSTER_SCOPED_KINDS.contains(&kind) {
        return;
    }
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata
            .entry("namespace")
            .or_insert_with(|| Value::String("default".to_owned()));
    }
}

/// The document of an admission request, before rule-specific variables are added.
#[must_use]
pub fn request_document(
    resource: &Value,
    old_resource: Option<&Value>,
    operation: Operation,
    user: &UserInfo,
) -> Value {
    let namespace = resource["metadata"]["namespace"]
        .as_str()
        .unwrap_or_default();
    let (service_account_namespace, service_account_name) = user
        .username
        .strip_prefix("system:serviceaccount:")
        .and_then(|rest| rest.split_once(':'))
        .unwrap_or_default();
    // The objects are cloned in, not passed to `json!`, which would serialize them node by node.
    let mut document = json!({
        "request": {
            "operation": operation_name(operation),
            "namespace": namespace,
            "userInfo": {"username": user.username, "groups": user.groups},
            "roles": user.roles,
            "clusterRoles": user.cluster_roles,
        },
        "serviceAccountName": service_account_name,
        "serviceAccountNamespace": service_account_namespace,
        "images": images(resource),
    });
    if let Some(request) = document.get_mut("request").and_then(Value::as_object_mut) {
        request.insert("object".to_owned(), resource.clone());
        request.insert(
            "oldObject".to_owned(),
            old_resource.cloned().unwrap_or(Value::Null),
        );
    }
    document
}

/// Kyverno's `images` variable: for each container list of the resource's pod spec (a Pod's,
/// a pod controller's template, a `CronJob`'s job template), the containers' images by container
/// name, split into `registry`, `path`, `name`, `tag`, `digest` and `reference`, as
/// kyverno/kyverno `pkg/utils/image` does (`docker.io` when no registry is named, `latest`
/// when neither tag nor digest is).
fn images(resource: &Value) -> Value {
    let spec = &resource["spec"];
    let pod_spec = match resource["kind"].as_str() {
        Some("Pod") => spec,
        Some("CronJob") => &spec["jobTemplate"]["spec"]["template"]["spec"],
        _ => &spec["template"]["spec"],
    };
    let mut images = Map::new();
    for list in ["containers", "initContainers", "ephemeralContainers"] {
        let Some(containers) = pod_spec[list].as_array() else {
            continue;
        };
        let by_name: Map<String, Value> = containers
            .iter()
            .filter_map(|container| {
                let name = container["name"].as_str()?;
                let image = container["image"].as_str()?;
                Some((name.to_owned(), image_info(image)))
            })
            .collect();
        if !by_name.is_empty() {
            images.insert(list.to_owned(), Value::Object(by_name));
        }
    }
    Value::Object(images)
}

/// The parts of one image reference.
fn image_info(image: &str) -> Value {
    let (rest, digest) = image.split_once('@').unwrap_or((image, ""));
    let (rest, tag) = match rest.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => (repository, tag),
        _ => (rest, ""),
    };
    let tag = if tag.is_empty() && digest.is_empty() {
        "latest"
    } else {
        tag
    };
    let (registry, path) = match rest.split_once('/') {
        Some((first, path))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (first, path)
        }
        _ => ("docker.io", rest),
    };
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut reference = format!("{registry}/{path}");
    if !tag.is_empty() {
        reference.push(':');
        reference.push_str(tag);
    }
    if !digest.is_empty() {
        reference.push('@');
        reference.push_str(digest);
    }
    json!({
        "registry": registry,
        "path": path,
        "name": name,
        "tag": tag,
        "digest": digest,
        "reference": reference,
        "referenceWithTag": format!("{registry}/{path}:{tag}"),
    })
}

/// The admission spelling of an operation.
fn operation_name(operation: Operation) -> &'static str {
    match operation {
        Operation::Create => "CREATE",
        Operation::Update => "UPDATE",
        Operation::Delete => "DELETE",
        Operation::Connect => "CONNECT",
    }
}

/// Sets `value` at the dotted `path` of `document`, creating objects on the way and replacing
/// non-objects in its way, as Kyverno's `AddVariable` does.
pub fn set_path(document: &mut Value, path: &str, value: Value) {
    let mut node = document;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(map) = node else {
            return; // made an object just above
        };
        if segments.peek().is_none() {
            map.insert(segment.to_owned(), value);
            return;
        }
        node = map.entry(segment).or_insert(Value::Null);
    }
}
