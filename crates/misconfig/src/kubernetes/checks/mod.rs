//! The `CKS` checks: what users expect of a Kubernetes object beyond the Pod Security
//! Standards, each evaluated on one object as a plain JSON value.
//!
//! Semantics follow the peers users know, re-implemented from their documentation: Checkov's
//! `CKV_K8S` checks (<https://www.checkov.io/5.Policy%20Index/kubernetes.html>) and Trivy's
//! `KSV` checks (`https://avd.aquasec.com/misconfig/ksv001` and on). Each check's `references`
//! names its equivalents; where custody deliberately differs, the description says how, and
//! BENCHMARKS.md ("Misconfiguration scanning") tabulates the mapping. Where a Pod Security
//! Standards check (run by the parent module) covers the same ground, the description says so.
//!
//! The checks are grouped by theme, each module a static table of [`Rule`]s:
//! [`container`] (resources, images, probes, environment), [`security`] (pod and container
//! security settings, host access), [`object`] (placement and well-known risky software),
//! [`network`] (Services and Ingresses) and [`rbac`] (roles, bindings, service accounts).
//! [`pod`] reads objects without trusting their shape. Ids are stable and never reused.

mod container;
mod network;
mod object;
mod pod;
mod rbac;
mod security;

use serde_json::Value;

use crate::Check;

use self::pod::{Pod, field};

/// One object failing one check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// The failed check.
    pub(crate) check: &'static Check,
    /// The field at fault, in the Pod Security Standards' path syntax
    /// (`spec.template.spec.containers[0].image`); empty for the object as a whole.
    pub(crate) path: String,
    /// What exactly is wrong, naming the container or rule; never a secret value.
    pub(crate) message: String,
}

/// Every `CKS` check, in id order.
pub(crate) fn checks() -> impl Iterator<Item = &'static Check> {
    tables().flatten().map(|rule| &rule.check)
}

/// Runs every `CKS` check on one object.
pub(crate) fn evaluate(object: &Value) -> Vec<Violation> {
    let mut violations = Vec::new();
    let Some(object) = Object::new(object) else {
        return violations;
    };
    for rule in tables().flatten() {
        let mut sink = Sink {
            check: &rule.check,
            violations: &mut violations,
        };
        (rule.evaluate)(&object, &mut sink);
    }
    violations
}

/// The rule tables of the theme modules, in id order.
fn tables() -> impl Iterator<Item = &'static [Rule]> {
    [
        &container::RULES[..],
        &security::RULES[..],
        &object::RULES[..],
        &network::RULES[..],
        &rbac::RULES[..],
    ]
    .into_iter()
}

/// The object under evaluation, with what several checks need read once.
pub(super) struct Object<'a> {
    /// The object as written.
    value: &'a Value,
    /// Its `kind`.
    kind: &'a str,
    /// Its pod spec, for Pods and the kinds with a pod template.
    pod: Option<Pod<'a>>,
}

impl<'a> Object<'a> {
    /// `None` for values that are not Kubernetes objects (no string `kind`).
    fn new(value: &'a Value) -> Option<Self> {
        let kind = value.get("kind")?.as_str()?;
        Some(Self {
            value,
            kind,
            pod: Pod::find(value, kind),
        })
    }

    /// The member `key` of the object.
    fn field(&self, key: &str) -> &'a Value {
        field(self.value, key)
    }

    /// The member `key` of the object's metadata.
    fn metadata(&self, key: &str) -> &'a Value {
        field(self.field("metadata"), key)
    }
}

/// Collects the violations of one check on one object.
pub(super) struct Sink<'a> {
    check: &'static Check,
    violations: &'a mut Vec<Violation>,
}

impl Sink<'_> {
    /// Reports the object as failing the check at `path`.
    fn emit(&mut self, path: String, message: String) {
        self.violations.push(Violation {
            check: self.check,
            path,
            message,
        });
    }
}

/// A check and the function that evaluates it.
pub(super) struct Rule {
    check: Check,
    evaluate: fn(&Object<'_>, &mut Sink<'_>),
}

/// Shorthand for the tables.
const fn rule(check: Check, evaluate: fn(&Object<'_>, &mut Sink<'_>)) -> Rule {
    Rule { check, evaluate }
}

#[cfg(test)]
pub(super) mod testing {
    //! Shared by the theme modules' tests: one check's violations on a hand-written object.

    use serde_json::Value;

    /// The `(path, message)` of every violation of check `id` on `object`.
    pub(in crate::kubernetes::checks) fn violations(
        id: &str,
        object: &Value,
    ) -> Vec<(String, String)> {
        assert!(super::checks().any(|check| check.id == id), "no check {id}");
        super::evaluate(object)
            .into_iter()
            .filter(|violation| violation.check.id == id)
            .map(|violation| (violation.path, violation.message))
            .collect()
    }

    /// One expected violation, for terse assertions.
    pub(in crate::kubernetes::checks) fn found(path: &str, message: &str) -> Vec<(String, String)> {
        vec![(path.to_owned(), message.to_owned())]
    }
}

#[cfg(test)]
mod tests {
    //! The table as a whole: ids, documentation, and hostile objects.

    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn ids_are_unique_sequential_and_documented() {
        let checks: Vec<&Check> = checks().collect();
        assert!(checks.len() >= 35, "only {} checks", checks.len());
        for (index, check) in checks.iter().enumerate() {
            assert_eq!(check.id, format!("CKS{:03}", index + 1));
            assert!(!check.title.is_empty() && !check.description.is_empty());
            assert!(!check.remediation.is_empty(), "{}", check.id);
            assert!(
                check.references.iter().any(|r| r.starts_with("https://")),
                "{} cites no documentation",
                check.id
            );
        }
    }

    /// Every kind the checks look at, with every field of the wrong type.
    fn hostile_objects() -> Vec<Value> {
        let kinds = [
            "Pod",
            "Deployment",
            "CronJob",
            "PodTemplate",
            "Service",
            "Ingress",
            "Role",
            "ClusterRole",
            "RoleBinding",
            "ClusterRoleBinding",
            "ServiceAccount",
        ];
        let junk = [
            json!(null),
            json!(7),
            json!("x"),
            json!([1, "a", null, [], {}]),
            json!({"a": [1]}),
        ];
        let mut objects = Vec::new();
        for kind in kinds {
            for value in &junk {
                let container = json!({"name": value, "image": value, "env": value,
                    "securityContext": value, "resources": value, "ports": value,
                    "envFrom": [value], "livenessProbe": value});
                let spec = json!({"containers": [container, value], "initContainers": value,
                    "volumes": [value, {"name": value, "hostPath": value}],
                    "securityContext": {"seccompProfile": value, "runAsUser": value},
                    "hostNetwork": value, "type": value, "tls": value, "rules": [value]});
                objects.push(json!({"kind": kind, "metadata": {"name": value,
                    "namespace": value, "annotations": value, "labels": value},
                    "spec": spec.clone(), "rules": [value, {"verbs": value, "resources": [value],
                    "apiGroups": value}], "subjects": [value, {"name": value}],
                    "roleRef": value, "template": {"spec": spec.clone()}}));
                objects.push(
                    json!({"kind": kind, "spec": {"template": {"spec": spec.clone(),
                    "metadata": value}, "jobTemplate": value}, "metadata": value,
                    "rules": value, "subjects": value}),
                );
                objects.push(json!({"kind": kind, "spec": value, "rules": value}));
            }
        }
        objects.extend([json!(null), json!([]), json!({"kind": 3}), json!("Pod")]);
        objects
    }

    #[test]
    fn hostile_shapes_do_not_panic() {
        for object in hostile_objects() {
            for violation in evaluate(&object) {
                assert!(!violation.message.is_empty(), "{object}");
            }
        }
    }

    #[test]
    fn huge_lists_are_bounded() {
        let containers: Vec<Value> = (0..5000).map(|_| json!({"image": "nginx"})).collect();
        let object = json!({"kind": "Pod", "spec": {"containers": containers}});
        let latest = evaluate(&object)
            .into_iter()
            .filter(|violation| violation.check.id == "CKS005")
            .count();
        assert_eq!(latest, pod::MAX_ITEMS);
    }
}
