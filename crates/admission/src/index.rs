//! The compiled policies of one webhook, indexed by (kind, operation, namespace) so a request
//! runs only the policies whose `match` blocks could select it.
//!
//! The index over-approximates and the engine decides: a policy is put in a bucket when one
//! of its rules names the kind (or names no kind, or a wildcard kind) and the operation (or no
//! operation). Exact matching — names, selectors, subjects, `exclude` — stays in
//! [`custody_policy::kyverno::matching`], evaluated by the engine for the policies the bucket
//! holds. A namespaced `Policy` is only put in the buckets of its own namespace.
//!
//! Buckets are built once at startup for every (kind named by some rule, operation, namespace
//! of some `Policy`) plus the "any other kind" and "any other namespace" fallbacks, and share
//! one copy of each distinct policy list, so a lookup is one hash probe and the engine gets a
//! contiguous slice, as [`custody_policy::kyverno::engine::apply_all`] takes.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use custody_policy::kyverno::matching::{MatchResources, Operation, ResourceDescription};
use custody_policy::kyverno::policy::{Policy, Rule};

/// Every admission operation, for rules that name none.
const OPERATIONS: [Operation; 4] = [
    Operation::Create,
    Operation::Update,
    Operation::Delete,
    Operation::Connect,
];

/// One policy as the index sees it.
#[derive(Debug, Clone)]
pub(crate) struct IndexedPolicy {
    /// The policy, restricted to the rules of this webhook.
    pub(crate) policy: Policy,
    /// Whether evaluating it may look images up in a registry (a `verifyImages` rule).
    pub(crate) needs_registry: bool,
}

/// The policies a request may need, in load order.
#[derive(Debug, Default)]
pub(crate) struct Bucket {
    /// The policies, for the engine.
    pub(crate) policies: Vec<Policy>,
    /// Whether one of them may look images up in a registry.
    pub(crate) needs_registry: bool,
}

/// The index of one webhook.
#[derive(Debug, Default)]
pub(crate) struct PolicyIndex {
    /// `(kind, operation, namespace)`; kind `None` is "a kind no rule names", namespace `None`
    /// "a namespace no `Policy` lives in".
    buckets: HashMap<(Option<String>, u8, Option<String>), Arc<Bucket>>,
    /// Kinds some rule names, to tell a named kind from "another kind".
    kinds: BTreeSet<String>,
    /// Namespaces some `Policy` lives in.
    namespaces: BTreeSet<String>,
    /// Returned for lookups of nothing.
    empty: Arc<Bucket>,
}

/// Which kinds and operations one rule may select; `kinds: None` is every kind.
struct RuleScope {
    kinds: Option<BTreeSet<String>>,
    /// A bit per [`operation_bit`].
    operations: u8,
}

/// The operation's bit in an operation set (`Operation` is neither `Hash` nor `Ord`).
fn operation_bit(operation: Operation) -> u8 {
    match operation {
        Operation::Create => 1,
        Operation::Update => 2,
        Operation::Delete => 4,
        Operation::Connect => 8,
    }
}

impl PolicyIndex {
    /// Indexes `policies`, keeping their order inside each bucket.
    pub(crate) fn new(policies: &[IndexedPolicy]) -> Self {
        let scopes: Vec<Vec<RuleScope>> = policies
            .iter()
            .map(|indexed| indexed.policy.rules.iter().map(rule_scope).collect())
            .collect();
        let kinds: BTreeSet<String> = scopes
            .iter()
            .flatten()
            .filter_map(|scope| scope.kinds.as_ref())
            .flatten()
            .cloned()
            .collect();
        let namespaces: BTreeSet<String> = policies
            .iter()
            .filter_map(|indexed| indexed.policy.namespace.clone())
            .collect();
        let mut shared: HashMap<Vec<usize>, Arc<Bucket>> = HashMap::new();
        let mut buckets = HashMap::new();
        let kind_keys = kinds.iter().cloned().map(Some).chain([None]);
        for kind in kind_keys {
            for operation in OPERATIONS {
                let namespace_keys = namespaces.iter().cloned().map(Some).chain([None]);
                for namespace in namespace_keys {
                    let members: Vec<usize> = policies
                        .iter()
                        .zip(&scopes)
                        .enumerate()
                        .filter(|(_, (indexed, rules))| {
                            indexed
                                .policy
                                .namespace
                                .as_ref()
                                .is_none_or(|own| namespace.as_ref() == Some(own))
                                && rules
                                    .iter()
                                    .any(|scope| scope.selects(kind.as_deref(), operation))
                        })
                        .map(|(position, _)| position)
                        .collect();
                    if members.is_empty() {
                        continue;
                    }
                    let bucket = shared.entry(members).or_insert_with_key(|members| {
                        let chosen = members
                            .iter()
                            .filter_map(|&position| policies.get(position));
                        Arc::new(Bucket {
                            needs_registry: chosen.clone().any(|indexed| indexed.needs_registry),
                            policies: chosen.map(|indexed| indexed.policy.clone()).collect(),
                        })
                    });
                    buckets.insert(
                        (kind.clone(), operation_bit(operation), namespace),
                        Arc::clone(bucket),
                    );
                }
            }
        }
        Self {
            buckets,
            kinds,
            namespaces,
            empty: Arc::default(),
        }
    }

    /// The policies a request for `kind` with `operation` in `namespace` may need.
    pub(crate) fn lookup(&self, kind: &str, operation: Operation, namespace: &str) -> Arc<Bucket> {
        let kind = self.kinds.contains(kind).then(|| kind.to_owned());
        let namespace = self
            .namespaces
            .contains(namespace)
            .then(|| namespace.to_owned());
        self.buckets
            .get(&(kind, operation_bit(operation), namespace))
            .map_or_else(|| Arc::clone(&self.empty), Arc::clone)
    }
}

impl RuleScope {
    fn selects(&self, kind: Option<&str>, operation: Operation) -> bool {
        let kind_selected = match (&self.kinds, kind) {
            (None, _) => true,
            (Some(kinds), Some(kind)) => kinds.contains(kind),
            (Some(_), None) => false,
        };
        kind_selected && self.operations & operation_bit(operation) != 0
    }
}

/// The kinds and operations a rule's `match` block may select: the union over its filters.
fn rule_scope(rule: &Rule) -> RuleScope {
    let descriptions = descriptions(&rule.matching);
    let mut kinds = Some(BTreeSet::new());
    let mut operations = 0;
    for description in descriptions {
        match (&mut kinds, description_kinds(description)) {
            (Some(all), Some(named)) => all.extend(named),
            (kinds, None) => *kinds = None,
            (None, Some(_)) => {}
        }
        operations |= if description.operations.is_empty() {
            u8::MAX
        } else {
            description
                .operations
                .iter()
                .fold(0, |bits, operation| bits | operation_bit(*operation))
        };
    }
    RuleScope { kinds, operations }
}

/// The resource descriptions of a match block, in any of its forms.
fn descriptions(matching: &MatchResources) -> Vec<&ResourceDescription> {
    if !matching.any.is_empty() {
        matching
            .any
            .iter()
            .map(|filter| &filter.resources)
            .collect()
    } else if !matching.all.is_empty() {
        matching
            .all
            .iter()
            .map(|filter| &filter.resources)
            .collect()
    } else {
        vec![&matching.resources]
    }
}

/// The kinds a description names, `None` when it may select any kind: no `kinds`, a wildcard,
/// or a selector whose kind segment cannot be told (Kyverno kinds are `CamelCase`; groups,
/// versions and subresources are lowercase, so the kind is the segment starting uppercase).
fn description_kinds(description: &ResourceDescription) -> Option<Vec<String>> {
    if description.kinds.is_empty() {
        return None;
    }
    description
        .kinds
        .iter()
        .map(|selector| {
            if selector.contains(['*', '?']) {
                return None;
            }
            selector
                .split(['/', '.'])
                .find(|segment| {
                    segment.starts_with(|character: char| character.is_ascii_uppercase())
                })
                .map(str::to_owned)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn policy(name: &str, namespace: Option<&str>, matching: &serde_json::Value) -> IndexedPolicy {
        let (kind, metadata) = match namespace {
            Some(namespace) => ("Policy", json!({"name": name, "namespace": namespace})),
            None => ("ClusterPolicy", json!({"name": name})),
        };
        let policy = Policy::from_value(&json!({
            "apiVersion": "kyverno.io/v1", "kind": kind, "metadata": metadata,
            "spec": {
                "rules": [{"name": "r", "match": matching,
                           "validate": {"pattern": {"metadata": {"name": "?*"}}}}],
            },
        }))
        .expect("a valid policy");
        IndexedPolicy {
            policy,
            needs_registry: false,
        }
    }

    fn names(bucket: &Bucket) -> Vec<&str> {
        bucket
            .policies
            .iter()
            .map(|policy| policy.name.as_str())
            .collect()
    }

    #[test]
    fn a_request_gets_only_the_policies_that_may_select_it() {
        // `pods` also holds the rule Kyverno generates for pod controllers (Deployment, ...).
        let index = PolicyIndex::new(&[
            policy(
                "pods",
                None,
                &json!({"any": [{"resources": {"kinds": ["Pod"]}}]}),
            ),
            policy(
                "deploy-create",
                None,
                &json!({"any": [{"resources": {"kinds": ["apps/v1/Deployment"], "operations": ["CREATE"]}}]}),
            ),
            policy(
                "everything",
                None,
                &json!({"any": [{"resources": {"kinds": ["*"]}}]}),
            ),
            policy(
                "team-a-pods",
                Some("team-a"),
                &json!({"resources": {"kinds": ["Pod"]}}),
            ),
        ]);
        assert_eq!(
            names(&index.lookup("Pod", Operation::Create, "default")),
            ["pods", "everything"]
        );
        assert_eq!(
            names(&index.lookup("Pod", Operation::Update, "team-a")),
            ["pods", "everything", "team-a-pods"]
        );
        assert_eq!(
            names(&index.lookup("Deployment", Operation::Create, "default")),
            ["pods", "deploy-create", "everything"]
        );
        assert_eq!(
            names(&index.lookup("Deployment", Operation::Delete, "default")),
            ["pods", "everything"]
        );
        assert_eq!(
            names(&index.lookup("ConfigMap", Operation::Create, "team-a")),
            ["everything"]
        );
    }
}
