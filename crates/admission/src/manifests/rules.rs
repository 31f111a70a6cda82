//! The `rules` of the webhook configurations, narrowed to the requests the loaded policies
//! can match: the API server then calls the webhook only for those, and every other request
//! skips it (no latency added, no dependency on the webhook being up).
//!
//! Each policy rule's `match` block is read through custody-policy's own matching
//! ([`ResourceDescription::matches`]), so kind selectors mean here exactly what they mean to
//! the engine: `Pod`, `v1/Pod`, `apps/v1/Deployment`, `Pod/exec`, `Pod` also covering
//! `pods/ephemeralcontainers`. A selector is tried against [`API_RESOURCES`], the built-in
//! kinds with their group, preferred version, plural resource name and subresources.
//! A selector naming another kind must be qualified (`group/version/Kind`): its resource is
//! then guessed as the kind's regular English plural, lowercase, which is how custom resource
//! definitions are conventionally named (kubernetes/apimachinery's `UnsafeGuessKindToResource`
//! turns every final `y` into `ies`, so `Gateway` would become `gatewaies`). Each guess is
//! reported ([`NarrowedRules::guesses`]) so the user can compare it with
//! `kubectl api-resources`. A wildcard selector gets every resource, since custom resources
//! may match it too.
//!
//! Narrowing may only widen, never drop, what the engine would check, so:
//! - `exclude` blocks, names, namespaces and selectors are ignored (the engine applies them);
//! - an `all` list is widened to the union of its filters' kinds and operations;
//! - a filter naming no operation gets `CREATE` and `UPDATE`. Kyverno registers all four
//!   operations then, but a validate pattern checked on `DELETE` would block removing a
//!   non-compliant workload; a rule that names `DELETE` or `CONNECT` gets them.
//!
//! Which webhook a rule needs mirrors how the server splits rules (`policy_set.rs`): mutate
//! rules run on `/mutate`; validate rules, `podSecurity` and the rules the engine reports as
//! unsupported on `/validate`; `verifyImages` on `/validate` (the verdict) and, when an entry
//! rewrites tags to digests (`mutateDigest`, the default), on `/mutate` too; `generate` rules
//! nowhere, since the server never writes to the cluster.

use std::collections::{BTreeMap, BTreeSet};

use custody_policy::kyverno::matching::{
    MatchRequest, MatchResources, Operation, ResourceDescription, ResourceFilter,
};
use custody_policy::kyverno::policy::{Policy, Rule, RuleKind};
use serde_json::{Value, json};

use super::ManifestsError;

/// A resource the API server serves, as webhook rules name it.
#[derive(Debug, Clone, Copy)]
struct ApiResource {
    /// The API group; empty for the core group.
    group: &'static str,
    /// The version registered (the preferred one; `matchPolicy: Equivalent` lets the API
    /// server convert requests made in other versions).
    version: &'static str,
    /// The kind, as policies name it.
    kind: &'static str,
    /// The plural, lowercase resource name.
    plural: &'static str,
    /// Subresources a policy may address (`Pod/exec`), checked by the webhook too.
    subresources: &'static [&'static str],
}

const fn resource(
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    plural: &'static str,
    subresources: &'static [&'static str],
) -> ApiResource {
    ApiResource {
        group,
        version,
        kind,
        plural,
        subresources,
    }
}

/// The built-in Kubernetes kinds policies commonly match, with their preferred versions as of
/// Kubernetes 1.33 (`kubectl api-resources`).
const API_RESOURCES: &[ApiResource] = &[
    resource("", "v1", "ConfigMap", "configmaps", &[]),
    resource("", "v1", "Endpoints", "endpoints", &[]),
    resource("", "v1", "LimitRange", "limitranges", &[]),
    resource("", "v1", "Namespace", "namespaces", &["status", "finalize"]),
    resource("", "v1", "Node", "nodes", &["status", "proxy"]),
    resource(
        "",
        "v1",
        "PersistentVolume",
        "persistentvolumes",
        &["status"],
    ),
    resource(
        "",
        "v1",
        "PersistentVolumeClaim",
        "persistentvolumeclaims",
        &["status"],
    ),
    resource(
        "",
        "v1",
        "Pod",
        "pods",
        &[
            "attach",
            "binding",
            "ephemeralcontainers",
            "eviction",
            "exec",
            "portforward",
            "proxy",
            "resize",
            "status",
        ],
    ),
    resource("", "v1", "PodTemplate", "podtemplates", &[]),
    resource(
        "",
        "v1",
        "ReplicationController",
        "replicationcontrollers",
        &["scale", "status"],
    ),
    resource("", "v1", "ResourceQuota", "resourcequotas", &["status"]),
    resource("", "v1", "Secret", "secrets", &[]),
    resource("", "v1", "Service", "services", &["status", "proxy"]),
    resource("", "v1", "ServiceAccount", "serviceaccounts", &["token"]),
    resource(
        "admissionregistration.k8s.io",
        "v1",
        "MutatingWebhookConfiguration",
        "mutatingwebhookconfigurations",
        &[],
    ),
    resource(
        "admissionregistration.k8s.io",
        "v1",
        "ValidatingWebhookConfiguration",
        "validatingwebhookconfigurations",
        &[],
    ),
    resource(
        "apiextensions.k8s.io",
        "v1",
        "CustomResourceDefinition",
        "customresourcedefinitions",
        &["status"],
    ),
    resource("apps", "v1", "DaemonSet", "daemonsets", &["status"]),
    resource(
        "apps",
        "v1",
        "Deployment",
        "deployments",
        &["scale", "status"],
    ),
    resource(
        "apps",
        "v1",
        "ReplicaSet",
        "replicasets",
        &["scale", "status"],
    ),
    resource(
        "apps",
        "v1",
        "StatefulSet",
        "statefulsets",
        &["scale", "status"],
    ),
    resource(
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        &["status"],
    ),
    resource("batch", "v1", "CronJob", "cronjobs", &["status"]),
    resource("batch", "v1", "Job", "jobs", &["status"]),
    resource(
        "certificates.k8s.io",
        "v1",
        "CertificateSigningRequest",
        "certificatesigningrequests",
        &["approval", "status"],
    ),
    resource(
        "discovery.k8s.io",
        "v1",
        "EndpointSlice",
        "endpointslices",
        &[],
    ),
    resource(
        "networking.k8s.io",
        "v1",
        "Ingress",
        "ingresses",
        &["status"],
    ),
    resource(
        "networking.k8s.io",
        "v1",
        "IngressClass",
        "ingressclasses",
        &[],
    ),
    resource(
        "networking.k8s.io",
        "v1",
        "NetworkPolicy",
        "networkpolicies",
        &[],
    ),
    resource("node.k8s.io", "v1", "RuntimeClass", "runtimeclasses", &[]),
    resource(
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        &["status"],
    ),
    resource(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRole",
        "clusterroles",
        &[],
    ),
    resource(
        "rbac.authorization.k8s.io",
        "v1",
        "ClusterRoleBinding",
        "clusterrolebindings",
        &[],
    ),
    resource("rbac.authorization.k8s.io", "v1", "Role", "roles", &[]),
    resource(
        "rbac.authorization.k8s.io",
        "v1",
        "RoleBinding",
        "rolebindings",
        &[],
    ),
    resource(
        "scheduling.k8s.io",
        "v1",
        "PriorityClass",
        "priorityclasses",
        &[],
    ),
    resource(
        "storage.k8s.io",
        "v1",
        "StorageClass",
        "storageclasses",
        &[],
    ),
];

/// Every admission operation, in the order webhook rules list them.
const ALL_OPERATIONS: [Operation; 4] = [
    Operation::Create,
    Operation::Update,
    Operation::Delete,
    Operation::Connect,
];

/// The operations of a filter that names none (see the module docs).
const DEFAULT_OPERATIONS: [Operation; 2] = [Operation::Create, Operation::Update];

/// The webhook configuration a rule needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Webhook {
    /// The `ValidatingWebhookConfiguration` (`/validate`).
    Validating,
    /// The `MutatingWebhookConfiguration` (`/mutate`).
    Mutating,
}

/// What one webhook must be called for: resources with the operations on each.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct WebhookRules {
    /// `(group, version, resource)` to operation names.
    resources: BTreeMap<(String, String, String), BTreeSet<&'static str>>,
    /// Kind selectors whose resource was guessed, with the guess.
    guesses: BTreeSet<(String, String)>,
}

/// The rules of both webhooks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct NarrowedRules {
    /// What `/validate` is called for.
    pub(super) validating: WebhookRules,
    /// What `/mutate` is called for.
    pub(super) mutating: WebhookRules,
}

impl NarrowedRules {
    /// The kind selectors whose resource name was guessed, with the guess
    /// (`group/version/resource`), each once.
    pub(super) fn guesses(&self) -> BTreeSet<&(String, String)> {
        self.validating
            .guesses
            .iter()
            .chain(&self.mutating.guesses)
            .collect()
    }

    /// The rules the policies need.
    pub(super) fn of(policies: &[Policy]) -> Result<Self, ManifestsError> {
        let mut rules = Self::default();
        for policy in policies {
            for rule in &policy.rules {
                for webhook in webhooks_of(&rule.kind) {
                    let target = match webhook {
                        Webhook::Validating => &mut rules.validating,
                        Webhook::Mutating => &mut rules.mutating,
                    };
                    target.add_rule(policy, rule)?;
                }
            }
        }
        Ok(rules)
    }
}

/// The webhooks that run a rule of this kind.
fn webhooks_of(kind: &RuleKind) -> &'static [Webhook] {
    match kind {
        RuleKind::Mutate(_) => &[Webhook::Mutating],
        RuleKind::VerifyImages(verify)
            if verify.entries().iter().any(|entry| entry.mutate_digest) =>
        {
            &[Webhook::Validating, Webhook::Mutating]
        }
        RuleKind::Validate(_) | RuleKind::Unsupported(_) | RuleKind::VerifyImages(_) => {
            &[Webhook::Validating]
        }
        RuleKind::Generate(_) => &[],
    }
}

impl WebhookRules {
    /// Whether no request needs the webhook.
    pub(super) fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    /// Adds what one policy rule's `match` block can select.
    fn add_rule(&mut self, policy: &Policy, rule: &Rule) -> Result<(), ManifestsError> {
        for filter in filters(&rule.matching) {
            let description = &filter.resources;
            let operations: Vec<Operation> = if description.operations.is_empty() {
                DEFAULT_OPERATIONS.to_vec()
            } else {
                description.operations.clone()
            };
            if description.kinds.is_empty() {
                self.add_everything("*", &operations);
            }
            for selector in &description.kinds {
                self.add_selector(policy, rule, selector, &operations)?;
            }
        }
        Ok(())
    }

    /// Adds the resources one kind selector names, for `operations`.
    fn add_selector(
        &mut self,
        policy: &Policy,
        rule: &Rule,
        selector: &str,
        operations: &[Operation],
    ) -> Result<(), ManifestsError> {
        if selector.contains(['*', '?']) {
            let resource = if selector == "*/*" { "*/*" } else { "*" };
            self.add_everything(resource, operations);
            return Ok(());
        }
        let description = ResourceDescription {
            kinds: vec![selector.to_owned()],
            operations: operations.to_vec(),
            ..ResourceDescription::default()
        };
        let mut found = false;
        for api in API_RESOURCES {
            let object = json!({
                "apiVersion": api_version(api.group, api.version),
                "kind": api.kind,
            });
            let subresources = std::iter::once("").chain(api.subresources.iter().copied());
            for subresource in subresources {
                for operation in ALL_OPERATIONS {
                    let mut request = MatchRequest::new(&object);
                    subresource.clone_into(&mut request.subresource);
                    request.operation = operation;
                    if description.matches(&request) {
                        let name = if subresource.is_empty() {
                            api.plural.to_owned()
                        } else {
                            format!("{}/{subresource}", api.plural)
                        };
                        self.add(api.group, api.version, &name, operation);
                        found = true;
                    }
                }
            }
        }
        if found {
            return Ok(());
        }
        let Some((group, version, kind, subresource)) = qualified(selector) else {
            return Err(ManifestsError::UnknownKind {
                policy: policy.name.clone(),
                rule: rule.name.clone(),
                kind: selector.to_owned(),
            });
        };
        let plural = guess_plural(kind);
        let name = match subresource {
            Some(subresource) => format!("{plural}/{subresource}"),
            None => plural,
        };
        for &operation in operations {
            self.add(group, version, &name, operation);
        }
        self.guesses
            .insert((selector.to_owned(), format!("{group}/{version}/{name}")));
        Ok(())
    }

    /// Adds every group, version and `resource` (`*` or `*/*`) for `operations`.
    fn add_everything(&mut self, resource: &str, operations: &[Operation]) {
        for &operation in operations {
            self.add("*", "*", resource, operation);
        }
    }

    fn add(&mut self, group: &str, version: &str, resource: &str, operation: Operation) {
        self.resources
            .entry((group.to_owned(), version.to_owned(), resource.to_owned()))
            .or_default()
            .insert(operation_name(operation));
    }

    /// The `rules` list of a webhook: one entry per group, version and set of operations,
    /// resources sorted, so the output is stable and short.
    pub(super) fn to_json(&self) -> Vec<Value> {
        let mut grouped: BTreeMap<(&str, &str, Vec<&str>), Vec<&str>> = BTreeMap::new();
        for ((group, version, resource), operations) in &self.resources {
            let operations = ALL_OPERATIONS
                .iter()
                .map(|operation| operation_name(*operation))
                .filter(|name| operations.contains(name))
                .collect();
            grouped
                .entry((group, version, operations))
                .or_default()
                .push(resource);
        }
        grouped
            .into_iter()
            .map(|((group, version, operations), resources)| {
                json!({
                    "apiGroups": [group],
                    "apiVersions": [version],
                    "operations": operations,
                    "resources": resources,
                    "scope": "*",
                })
            })
            .collect()
    }
}

/// The filters of a match block: the `any` and `all` entries (an `all` list widened to the
/// union of its filters), or the legacy direct filter.
fn filters(matching: &MatchResources) -> Vec<ResourceFilter> {
    if !matching.any.is_empty() || !matching.all.is_empty() {
        return matching.any.iter().chain(&matching.all).cloned().collect();
    }
    vec![ResourceFilter {
        resources: matching.resources.clone(),
        ..ResourceFilter::default()
    }]
}

/// `apiVersion` of a group and version: `v1` for the core group, `apps/v1` otherwise.
fn api_version(group: &str, version: &str) -> String {
    if group.is_empty() {
        version.to_owned()
    } else {
        format!("{group}/{version}")
    }
}

/// How webhook rules spell an operation.
fn operation_name(operation: Operation) -> &'static str {
    match operation {
        Operation::Create => "CREATE",
        Operation::Update => "UPDATE",
        Operation::Delete => "DELETE",
        Operation::Connect => "CONNECT",
    }
}

/// Splits a fully qualified selector, `group/version/Kind` or `group/version/Kind/sub`, into
/// its parts; `None` for any other form (a bare kind carries no group to register).
fn qualified(selector: &str) -> Option<(&str, &str, &str, Option<&str>)> {
    let mut parts = selector.split('/');
    let group = parts.next().filter(|group| !is_version(group))?;
    let version = parts.next().filter(|version| is_version(version))?;
    let kind = parts.next().filter(|kind| !kind.is_empty())?;
    let subresource = parts.next();
    if parts.next().is_some() || subresource.is_some_and(str::is_empty) || group.is_empty() {
        return None;
    }
    Some((group, version, kind, subresource))
}

/// Whether `segment` looks like a Kubernetes API version (`v1`, `v2beta1`).
fn is_version(segment: &str) -> bool {
    segment
        .strip_prefix('v')
        .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit()))
}

/// The regular English plural of a kind, lowercase: `-es` after `s`, `x`, `z`, `ch` and
/// `sh`, `-ies` for a `y` after a consonant, else `-s`.
fn guess_plural(kind: &str) -> String {
    let lower = kind.to_ascii_lowercase();
    let consonant_y = lower
        .strip_suffix('y')
        .filter(|stem| stem.ends_with(|c: char| c.is_ascii_alphabetic() && !"aeiou".contains(c)));
    if let Some(stem) = consonant_y {
        format!("{stem}ies")
    } else if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|end| lower.ends_with(end))
    {
        format!("{lower}es")
    } else {
        format!("{lower}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(rules: &Value) -> Policy {
        Policy::from_value(&json!({
            "apiVersion": "kyverno.io/v1",
            "kind": "ClusterPolicy",
            "metadata": {"name": "test"},
            "spec": {"rules": rules},
        }))
        .expect("a valid test policy")
    }

    fn validate(matching: &Value) -> Value {
        json!([{
            "name": "check",
            "match": matching,
            "validate": {"message": "m", "pattern": {"metadata": {"name": "?*"}}},
        }])
    }

    #[test]
    fn pod_rules_cover_ephemeral_containers_and_autogen_controllers() {
        let rules = NarrowedRules::of(&[policy(&validate(
            &json!({"any": [{"resources": {"kinds": ["Pod"]}}]}),
        ))])
        .expect("known kinds");
        assert!(rules.mutating.is_empty());
        assert_eq!(
            rules.validating.to_json(),
            [
                json!({"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                       "resources": ["pods", "pods/ephemeralcontainers", "replicationcontrollers"], "scope": "*"}),
                json!({"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                       "resources": ["daemonsets", "deployments", "replicasets", "statefulsets"], "scope": "*"}),
                json!({"apiGroups": ["batch"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                       "resources": ["cronjobs", "jobs"], "scope": "*"}),
            ]
        );
    }

    #[test]
    fn stated_operations_and_subresources_are_kept() {
        let rules = NarrowedRules::of(&[policy(&validate(&json!({"any": [
            {"resources": {"kinds": ["Pod/exec"], "operations": ["CONNECT"]}},
            {"resources": {"kinds": ["apps/v1/Deployment"], "operations": ["DELETE"]}},
        ]})))])
        .expect("known kinds");
        // The engine applies every Pod selector to ephemeral containers too (upstream
        // `CheckKind` with `allowEphemeralContainers`), so the webhook must see them.
        assert_eq!(
            rules.validating.to_json(),
            [
                json!({"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CONNECT"],
                       "resources": ["pods/ephemeralcontainers", "pods/exec"], "scope": "*"}),
                json!({"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["DELETE"],
                       "resources": ["deployments"], "scope": "*"}),
            ]
        );
    }

    #[test]
    fn wildcards_and_missing_kinds_select_every_resource() {
        let rules = NarrowedRules::of(&[policy(&validate(
            &json!({"resources": {"kinds": ["*"], "operations": ["CREATE"]}}),
        ))])
        .expect("wildcards need no lookup");
        assert_eq!(
            rules.validating.to_json(),
            [
                json!({"apiGroups": ["*"], "apiVersions": ["*"], "operations": ["CREATE"],
                    "resources": ["*"], "scope": "*"})
            ]
        );
    }

    #[test]
    fn qualified_custom_kinds_are_guessed_and_bare_ones_refused() {
        let rules = NarrowedRules::of(&[policy(&validate(&json!({"any": [
            {"resources": {"kinds": ["cert-manager.io/v1/Certificate"]}},
            {"resources": {"kinds": ["networking.istio.io/v1/Gateway/status"]}},
        ]})))])
        .expect("qualified kinds");
        let resources: Vec<Value> = rules
            .validating
            .to_json()
            .into_iter()
            .map(|rule| rule["resources"].clone())
            .collect();
        assert_eq!(
            resources,
            [json!(["certificates"]), json!(["gateways/status"])]
        );
        let guesses: Vec<_> = rules.guesses().into_iter().cloned().collect();
        assert_eq!(
            guesses,
            [
                (
                    "cert-manager.io/v1/Certificate".to_owned(),
                    "cert-manager.io/v1/certificates".to_owned()
                ),
                (
                    "networking.istio.io/v1/Gateway/status".to_owned(),
                    "networking.istio.io/v1/gateways/status".to_owned()
                ),
            ]
        );

        let error = NarrowedRules::of(&[policy(&validate(
            &json!({"any": [{"resources": {"kinds": ["Certificate"]}}]}),
        ))])
        .expect_err("a bare custom kind has no group");
        assert!(
            matches!(&error, ManifestsError::UnknownKind { policy, rule, kind }
                if policy == "test" && rule == "check" && kind == "Certificate"),
            "{error:?}"
        );
    }

    #[test]
    fn mutate_rules_go_to_the_mutating_webhook_and_generate_rules_nowhere() {
        let rules = NarrowedRules::of(&[policy(&json!([
            {"name": "label", "match": {"any": [{"resources": {"kinds": ["ConfigMap"]}}]},
             "mutate": {"patchStrategicMerge": {"metadata": {"labels": {"a": "b"}}}}},
            {"name": "quota", "match": {"any": [{"resources": {"kinds": ["Namespace"]}}]},
             "generate": {"apiVersion": "v1", "kind": "ResourceQuota", "name": "q",
                          "namespace": "{{request.object.metadata.name}}", "data": {}}},
        ]))])
        .expect("known kinds");
        assert!(rules.validating.is_empty());
        assert_eq!(
            rules.mutating.to_json(),
            [
                json!({"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
                    "resources": ["configmaps"], "scope": "*"})
            ]
        );
    }

    #[test]
    fn plurals_are_regular_english() {
        assert_eq!(guess_plural("Certificate"), "certificates");
        assert_eq!(guess_plural("Ingress"), "ingresses");
        assert_eq!(guess_plural("Policy"), "policies");
        assert_eq!(guess_plural("Gateway"), "gateways");
        assert_eq!(guess_plural("Mailbox"), "mailboxes");
        assert_eq!(guess_plural("Patch"), "patches");
    }
}
