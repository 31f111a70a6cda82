//! Kyverno's `match` and `exclude` blocks: which admission requests a rule applies to, as
//! kyverno/kyverno `api/kyverno/v1/match_resources_types.go` declares them and
//! `pkg/engine/utils/match.go` (`MatchesResourceDescription`) evaluates them.
//!
//! A [`MatchResources`] holds `any`/`all` lists of [`ResourceFilter`]s, or the legacy direct
//! form (one [`ResourceDescription`] plus user info). A filter matches a [`MatchRequest`] when
//! every constraint it states holds: kinds, names, namespaces, annotations, label selector,
//! namespace selector, operations, subjects, roles and cluster roles. [`rule_applies`] combines
//! a rule's two blocks the way Kyverno does: match matches and exclude does not. A filter that
//! states nothing never matches and never excludes.
//!
//! ```
//! use custody_policy::kyverno::matching::{MatchRequest, MatchResources, rule_applies};
//! use serde_json::json;
//!
//! let matching: MatchResources = serde_json::from_value(json!({
//!     "any": [{"resources": {"kinds": ["Pod"], "namespaces": ["prod-*"]}}]
//! }))
//! .expect("valid match block");
//! let exclude: MatchResources = serde_json::from_value(json!({
//!     "any": [{"resources": {"names": ["debug-*"]}}]
//! }))
//! .expect("valid exclude block");
//! let pod = json!({"apiVersion": "v1", "kind": "Pod",
//!                  "metadata": {"name": "web", "namespace": "prod-eu"}});
//! assert!(rule_applies(&matching, Some(&exclude), &MatchRequest::new(&pod)));
//! ```
//!
//! Not covered here: the policy-namespace restriction of namespaced `Policy` objects and
//! Kyverno's dynamic configuration (`excludeGroupRole`, `excludeUsername`); the rule engine
//! applies those before asking this module.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::pattern::wildcard_match;

/// A rule's `match` or `exclude` block.
///
/// Kyverno accepts either `any`/`all` lists of filters or, in the legacy form, one filter
/// written directly in the block (`resources`, `subjects`, `roles`, `clusterRoles`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MatchResources {
    /// Filters of which at least one must match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub any: Vec<ResourceFilter>,
    /// Filters that must all match.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub all: Vec<ResourceFilter>,
    /// Legacy form: the resource constraints of the single filter.
    #[serde(default, skip_serializing_if = "ResourceDescription::is_empty")]
    pub resources: ResourceDescription,
    /// Legacy form: the subjects of the single filter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    /// Legacy form: the roles (`namespace:name`) of the single filter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Legacy form: the cluster roles of the single filter.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_roles: Vec<String>,
}

/// One entry of an `any`/`all` list: resource constraints plus who sends the request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceFilter {
    /// What the resource must look like.
    #[serde(default, skip_serializing_if = "ResourceDescription::is_empty")]
    pub resources: ResourceDescription,
    /// Users, groups or service accounts of which the requester must be one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subjects: Vec<Subject>,
    /// Roles (`namespace:name`) of which the requester must hold one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Cluster roles of which the requester must hold one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cluster_roles: Vec<String>,
}

/// The resource constraints of a filter; an absent or empty field constrains nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ResourceDescription {
    /// Kind selectors: `Pod`, `v1/Pod`, `apps/v1/Deployment`, `Pod/status`, `*`, wildcards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
    /// A single name pattern (deprecated upstream in favour of `names`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Name patterns of which the resource's name must match one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub names: Vec<String>,
    /// Namespace patterns of which the resource's namespace must match one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub namespaces: Vec<String>,
    /// Annotation key/value patterns that must each match some annotation of the resource.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// A label selector on the resource's labels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    /// A label selector on the labels of the resource's namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace_selector: Option<LabelSelector>,
    /// Admission operations; empty means every operation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operations: Vec<Operation>,
}

impl ResourceDescription {
    /// Whether no constraint is stated, the form Kyverno treats as "no legacy filter".
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A Kubernetes label selector, with Kyverno's wildcards in `matchLabels` keys and values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelector {
    /// Labels that must be present with these values (`*` and `?` allowed).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    /// Set-based requirements that must all hold.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

/// One set-based requirement of a [`LabelSelector`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LabelSelectorRequirement {
    /// The label key.
    pub key: String,
    /// How the label's value relates to `values`.
    pub operator: SelectorOperator,
    /// The values for `In` and `NotIn`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// The operators of a [`LabelSelectorRequirement`], as Kubernetes defines them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SelectorOperator {
    /// The label is present with one of the values.
    In,
    /// The label is absent or has none of the values.
    NotIn,
    /// The label is present.
    Exists,
    /// The label is absent.
    DoesNotExist,
}

/// An admission operation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Operation {
    /// The resource is being created (also what `kyverno apply` assumes).
    #[default]
    Create,
    /// The resource is being updated.
    Update,
    /// The resource is being deleted.
    Delete,
    /// A connect request (exec, attach, port-forward).
    Connect,
}

/// A requester a filter names: a user, a group, or a service account in a namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Subject {
    /// Which kind of requester `name` is.
    pub kind: SubjectKind,
    /// The user, group or service account name.
    pub name: String,
    /// The namespace of a service account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The RBAC API group, carried for round-trips and not compared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_group: Option<String>,
}

/// The kinds of [`Subject`], as RBAC names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubjectKind {
    /// A user name.
    User,
    /// A group name.
    Group,
    /// A service account, matched against `system:serviceaccount:<namespace>:<name>`.
    ServiceAccount,
}

/// Who sends a request: the admission user info plus the roles Kyverno resolves for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserInfo {
    /// The user name (`system:serviceaccount:<ns>:<name>` for service accounts).
    #[serde(default)]
    pub username: String,
    /// The groups of the user.
    #[serde(default)]
    pub groups: Vec<String>,
    /// The roles bound to the user, as `namespace:name`.
    #[serde(default)]
    pub roles: Vec<String>,
    /// The cluster roles bound to the user.
    #[serde(default)]
    pub cluster_roles: Vec<String>,
}

/// The group, version and kind of a resource.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupVersionKind {
    /// The API group; empty for the core group.
    pub group: String,
    /// The API version, such as `v1`.
    pub version: String,
    /// The kind, such as `Pod`.
    pub kind: String,
}

impl GroupVersionKind {
    /// The group, version and kind an object declares in `apiVersion` and `kind`.
    #[must_use]
    pub fn of(object: &Value) -> Self {
        let api_version = object["apiVersion"].as_str().unwrap_or_default();
        let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        Self {
            group: group.to_owned(),
            version: version.to_owned(),
            kind: object["kind"].as_str().unwrap_or_default().to_owned(),
        }
    }
}

/// Everything a match block looks at: the object, what it is, where it lives, and who asks.
#[derive(Debug, Clone)]
pub struct MatchRequest<'a> {
    /// The resource under admission.
    pub object: &'a Value,
    /// Its group, version and kind.
    pub kind: GroupVersionKind,
    /// The subresource addressed (`status`, `ephemeralcontainers`), empty for the resource.
    pub subresource: String,
    /// The namespace `namespaces` patterns compare with: the object's namespace, or for a
    /// `Namespace` object its own name, as upstream `checkNameSpace` reads it.
    pub namespace: String,
    /// The labels of the resource's namespace (from the test's values file in the CLI).
    pub namespace_labels: BTreeMap<String, String>,
    /// The admission operation.
    pub operation: Operation,
    /// The requester.
    pub user: UserInfo,
}

impl<'a> MatchRequest<'a> {
    /// A `CREATE` request for `object` by an anonymous user, with the kind and namespace read
    /// from the object and no namespace labels, which is what `kyverno apply` assumes by
    /// default.
    #[must_use]
    pub fn new(object: &'a Value) -> Self {
        let kind = GroupVersionKind::of(object);
        let field = if kind.kind == "Namespace" {
            "name"
        } else {
            "namespace"
        };
        Self {
            object,
            namespace: object["metadata"][field]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            kind,
            subresource: String::new(),
            namespace_labels: BTreeMap::new(),
            operation: Operation::Create,
            user: UserInfo::default(),
        }
    }

    /// The resource's name, or its `generateName` prefix when it has none.
    fn name(&self) -> &str {
        let metadata = &self.object["metadata"];
        metadata["name"]
            .as_str()
            .filter(|name| !name.is_empty())
            .or_else(|| metadata["generateName"].as_str())
            .unwrap_or_default()
    }

    /// The labels or annotations of the resource; non-string values are skipped.
    fn metadata_map(&self, field: &str) -> BTreeMap<String, String> {
        self.object["metadata"][field]
            .as_object()
            .map(|map| {
                map.iter()
                    .filter_map(|(key, value)| Some((key.clone(), value.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl MatchResources {
    /// Whether the request matches this block read as a `match`: some `any` filter matches,
    /// every `all` filter matches, or (legacy form) the direct filter matches. See
    /// [`ResourceFilter::matches`] for what a filter requires.
    #[must_use]
    pub fn matches(&self, request: &MatchRequest<'_>) -> bool {
        if !self.any.is_empty() {
            return self.any.iter().any(|filter| filter.matches(request));
        }
        if !self.all.is_empty() {
            return self.all.iter().all(|filter| filter.matches(request));
        }
        self.legacy_filter().matches(request)
    }

    /// Whether the request is excluded by this block read as an `exclude`: some `any` filter
    /// excludes it, every `all` filter excludes it, or (legacy form) the direct filter does.
    /// See [`ResourceFilter::excludes`] for what a filter requires.
    #[must_use]
    pub fn excludes(&self, request: &MatchRequest<'_>) -> bool {
        if !self.any.is_empty() {
            return self.any.iter().any(|filter| filter.excludes(request));
        }
        if !self.all.is_empty() {
            return self.all.iter().all(|filter| filter.excludes(request));
        }
        self.legacy_filter().excludes(request)
    }

    /// The filter the legacy direct form spells out.
    fn legacy_filter(&self) -> ResourceFilter {
        ResourceFilter {
            resources: self.resources.clone(),
            subjects: self.subjects.clone(),
            roles: self.roles.clone(),
            cluster_roles: self.cluster_roles.clone(),
        }
    }
}

/// Whether a rule with these `match` and `exclude` blocks applies to the request: Kyverno
/// applies a rule when match matches and exclude (if any) does not.
#[must_use]
pub fn rule_applies(
    matching: &MatchResources,
    exclude: Option<&MatchResources>,
    request: &MatchRequest<'_>,
) -> bool {
    matching.matches(request) && !exclude.is_some_and(|exclude| exclude.excludes(request))
}

impl ResourceFilter {
    /// Whether the filter states no constraint at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// Whether the filter, read in a `match` block, selects the request: every stated
    /// constraint holds. As upstream `matchesResourceDescriptionMatchHelper` does, a request
    /// that carries no user info at all (the CLI without a `userinfo` file) ignores the
    /// filter's subjects, roles and cluster roles, and a filter left with no constraint
    /// matches nothing.
    #[must_use]
    pub fn matches(&self, request: &MatchRequest<'_>) -> bool {
        if request.user == UserInfo::default() {
            !self.resources.is_empty() && self.resources.matches(request)
        } else {
            !self.is_empty() && self.resources.matches(request) && self.user_matches(&request.user)
        }
    }

    /// Whether the filter, read in an `exclude` block, excludes the request: it states some
    /// constraint and every stated constraint holds, user constraints included (a request
    /// without user info is not excluded by a subject).
    #[must_use]
    pub fn excludes(&self, request: &MatchRequest<'_>) -> bool {
        !self.is_empty() && self.resources.matches(request) && self.user_matches(&request.user)
    }

    /// Subjects, roles and cluster roles: each stated list needs one hit.
    fn user_matches(&self, user: &UserInfo) -> bool {
        (self.roles.is_empty() || self.roles.iter().any(|role| user.roles.contains(role)))
            && (self.cluster_roles.is_empty()
                || self
                    .cluster_roles
                    .iter()
                    .any(|role| user.cluster_roles.contains(role)))
            && (self.subjects.is_empty()
                || self.subjects.iter().any(|subject| subject.matches(user)))
    }
}

impl Subject {
    /// Whether the requester is this subject, with wildcards in the subject's names as
    /// Kyverno's `pkg/utils/match/subjects.go` (`CheckSubjects`) allows: a user against the
    /// user name, a group against each group, a service account against
    /// `system:serviceaccount:<namespace>:<name>`.
    #[must_use]
    pub fn matches(&self, user: &UserInfo) -> bool {
        match self.kind {
            SubjectKind::ServiceAccount => {
                let namespace = self.namespace.as_deref().unwrap_or_default();
                let pattern = format!("system:serviceaccount:{namespace}:{}", self.name);
                wildcard_match(&pattern, &user.username)
            }
            SubjectKind::Group => user
                .groups
                .iter()
                .any(|group| wildcard_match(&self.name, group)),
            SubjectKind::User => wildcard_match(&self.name, &user.username),
        }
    }
}

impl ResourceDescription {
    /// Whether every stated resource constraint holds for the request.
    #[must_use]
    pub fn matches(&self, request: &MatchRequest<'_>) -> bool {
        let name = request.name();
        (self.kinds.is_empty()
            || self
                .kinds
                .iter()
                .any(|kind| kind_matches(kind, &request.kind, &request.subresource)))
            && self
                .name
                .as_deref()
                .is_none_or(|pattern| wildcard_match(pattern, name))
            && (self.names.is_empty()
                || self
                    .names
                    .iter()
                    .any(|pattern| wildcard_match(pattern, name)))
            && (self.namespaces.is_empty()
                || self
                    .namespaces
                    .iter()
                    .any(|pattern| wildcard_match(pattern, &request.namespace)))
            && (self.annotations.is_empty()
                || wildcard_pairs_match(&self.annotations, &request.metadata_map("annotations")))
            && self
                .selector
                .as_ref()
                .is_none_or(|selector| selector.matches(&request.metadata_map("labels")))
            && self.namespace_selector.as_ref().is_none_or(|selector| {
                // Kyverno rejects a namespace selector on a Namespace object.
                request.kind.kind != "Namespace" && selector.matches(&request.namespace_labels)
            })
            && (self.operations.is_empty() || self.operations.contains(&request.operation))
    }
}

/// The kind a `kinds` entry names, whatever its group, version or subresource (`Pod`,
/// `v1/Pod/status`, `apps/v1/Deployment`), `None` for a selector of too many segments.
pub(super) fn selector_kind(selector: &str) -> Option<&str> {
    Some(KindSelector::parse(selector).kind).filter(|kind| !kind.is_empty())
}

/// Whether the `kinds` entry `selector` selects a resource of `gvk` at `subresource`. A plain
/// kind (`Pod`, most entries) is compared directly; every other form is parsed.
fn kind_matches(selector: &str, gvk: &GroupVersionKind, subresource: &str) -> bool {
    if selector.contains(['/', '.', '*', '?']) {
        return KindSelector::parse(selector).matches(gvk, subresource);
    }
    selector == gvk.kind
        && (subresource.is_empty() || is_pod_ephemeral_containers(gvk, subresource))
}

/// Pod rules also see ephemeral containers added to a Pod, so a debug container cannot escape
/// them (upstream `CheckKind` with `allowEphemeralContainers`).
fn is_pod_ephemeral_containers(gvk: &GroupVersionKind, subresource: &str) -> bool {
    subresource == "ephemeralcontainers"
        && gvk.group.is_empty()
        && gvk.version == "v1"
        && gvk.kind == "Pod"
}

/// Whether each pattern pair matches some key/value pair of `actual`, with wildcards on both
/// sides of the pattern (Kyverno's `checkAnnotations` and wildcard `matchLabels`).
fn wildcard_pairs_match(
    patterns: &BTreeMap<String, String>,
    actual: &BTreeMap<String, String>,
) -> bool {
    patterns.iter().all(|(key_pattern, value_pattern)| {
        actual.iter().any(|(key, value)| {
            wildcard_match(key_pattern, key) && wildcard_match(value_pattern, value)
        })
    })
}

impl LabelSelector {
    /// Whether `labels` satisfy the selector; an empty selector selects everything.
    #[must_use]
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        wildcard_pairs_match(&self.match_labels, labels)
            && self.match_expressions.iter().all(|requirement| {
                let value = labels.get(&requirement.key);
                match requirement.operator {
                    SelectorOperator::In => {
                        value.is_some_and(|value| requirement.values.contains(value))
                    }
                    SelectorOperator::NotIn => {
                        value.is_none_or(|value| !requirement.values.contains(value))
                    }
                    SelectorOperator::Exists => value.is_some(),
                    SelectorOperator::DoesNotExist => value.is_none(),
                }
            })
    }
}

/// A kind selector split into group, version, kind and subresource patterns, as Kyverno's
/// `ParseKindSelector` (`pkg/utils/kube/kind.go`) reads `Kind`, `Kind/sub` or `Kind.sub`,
/// `version/Kind`, `version/Kind/sub`, `group/version/Kind`, `group/version/Kind/sub`,
/// `*/sub` and `*/*` (every kind and subresource).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct KindSelector<'a> {
    group: &'a str,
    version: &'a str,
    kind: &'a str,
    subresource: &'a str,
}

impl<'a> KindSelector<'a> {
    /// Splits a selector at `/`, and its last segment once more at `.`. A leading segment
    /// that is a version (`v1`, `v2beta1`) or `*` makes the next one the kind; a selector of
    /// more than four segments selects nothing.
    fn parse(selector: &'a str) -> Self {
        // At most four segments are meaningful; a fifth marks the selector invalid. Kept on
        // the stack: match blocks are checked for every rule of every request.
        let mut parts = [""; 5];
        let mut count = 0;
        let (head, last) = selector
            .rsplit_once('/')
            .map_or(("", selector), |(head, last)| (head, last));
        let segments = (!head.is_empty() || selector.starts_with('/'))
            .then(|| head.split('/'))
            .into_iter()
            .flatten()
            .chain(last.split('.'));
        for segment in segments {
            match parts.get_mut(count) {
                Some(slot) => *slot = segment,
                None => break,
            }
            count += 1;
        }
        // Five segments are one too many: nothing matches them.
        let parts = parts
            .get(..count)
            .filter(|parts| parts.len() < 5)
            .unwrap_or(&[]);
        let (group, version, kind, subresource) = match parts {
            [kind] => ("*", "*", *kind, ""),
            ["*", "*"] => ("*", "*", "*", "*"),
            ["*", subresource] if subresource.to_lowercase() == *subresource => {
                ("*", "*", "*", *subresource)
            }
            [version, kind] if is_version(version) => ("*", *version, *kind, ""),
            [kind, subresource] => ("*", "*", *kind, *subresource),
            [version, kind, subresource] if is_version(version) => {
                ("*", *version, *kind, *subresource)
            }
            [group, version, kind] => (*group, *version, *kind, ""),
            [group, version, kind, subresource] => (*group, *version, *kind, *subresource),
            _ => ("", "", "", ""),
        };
        Self {
            group,
            version,
            kind,
            subresource,
        }
    }

    /// Whether a resource of `gvk`, addressed at `subresource`, is selected.
    fn matches(self, gvk: &GroupVersionKind, subresource: &str) -> bool {
        wildcard_match(self.group, &gvk.group)
            && wildcard_match(self.version, &gvk.version)
            && wildcard_match(self.kind, &gvk.kind)
            && (wildcard_match(self.subresource, subresource)
                || is_pod_ephemeral_containers(gvk, subresource))
    }
}

/// Whether a selector segment is `*` or a Kubernetes version: `v` and digits, optionally
/// followed by `alpha` or `beta` and digits.
fn is_version(segment: &str) -> bool {
    if segment == "*" {
        return true;
    }
    let Some(rest) = segment.strip_prefix('v') else {
        return false;
    };
    let major_end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    let (major, level) = rest.split_at(major_end);
    let level_number = level
        .strip_prefix("alpha")
        .or_else(|| level.strip_prefix("beta"))
        .unwrap_or(level);
    !major.is_empty()
        && (level.is_empty()
            || (level_number.len() < level.len()
                && !level_number.is_empty()
                && level_number.bytes().all(|b| b.is_ascii_digit())))
}

#[cfg(test)]
mod tests {
    use super::{KindSelector, is_version};

    #[test]
    fn versions() {
        for version in ["*", "v1", "v12", "v1alpha1", "v2beta3"] {
            assert!(is_version(version), "{version}");
        }
        for other in ["", "v", "apps", "v1gamma1", "v1beta", "V1", "1"] {
            assert!(!is_version(other), "{other}");
        }
    }

    #[test]
    fn kind_selector_forms() {
        let parse = |selector| {
            let s = KindSelector::parse(selector);
            (s.group, s.version, s.kind, s.subresource)
        };
        assert_eq!(parse("Pod"), ("*", "*", "Pod", ""));
        assert_eq!(parse("Pod/status"), ("*", "*", "Pod", "status"));
        assert_eq!(parse("v1/Pod"), ("*", "v1", "Pod", ""));
        assert_eq!(parse("v1/Pod/status"), ("*", "v1", "Pod", "status"));
        assert_eq!(
            parse("apps/v1/Deployment"),
            ("apps", "v1", "Deployment", "")
        );
        assert_eq!(
            parse("apps/v1/Deployment/scale"),
            ("apps", "v1", "Deployment", "scale")
        );
        assert_eq!(parse("*/*"), ("*", "*", "*", "*"));
        assert_eq!(parse("*"), ("*", "*", "*", ""));
        assert_eq!(parse("Pod/*"), ("*", "*", "Pod", "*"));
        assert_eq!(parse("*/Pod"), ("*", "*", "Pod", ""));
        assert_eq!(parse("*/status"), ("*", "*", "*", "status"));
        assert_eq!(parse("Pod.status"), ("*", "*", "Pod", "status"));
        assert_eq!(parse("v2beta1/Pod"), ("*", "v2beta1", "Pod", ""));
        assert_eq!(
            parse("networking.k8s.io/v1/NetworkPolicy"),
            ("networking.k8s.io", "v1", "NetworkPolicy", "")
        );
        assert_eq!(parse("a/b/c/d/e"), ("", "", "", ""));
    }
}
