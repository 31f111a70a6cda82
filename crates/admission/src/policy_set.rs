//! The policies the server enforces, compiled once, and the review of one request against
//! them: [`PolicySet::review`] turns an [`AdmissionRequest`] into an [`AdmissionResponse`].
//!
//! Each webhook gets its own [`PolicyIndex`] over the rules it runs: `/mutate` the mutate and
//! `verifyImages` rules (whose `mutateDigest` pins tags to the verified digest, and whose
//! Enforce failures deny there, as in Kyverno's mutating webhook), `/validate` every rule but
//! mutate (validate, `podSecurity`, `verifyImages` again — answered from the verifier's cache —
//! and what the engine reports as unsupported). `generate` rules are left out: the server never
//! writes to the cluster, so requests (dry-run or not) have no side effects.
//!
//! `verifyImages` rules need an [`ImageVerifier`]; without one the engine answers them
//! `unsupported`, which the review reports as a warning.
//!
//! A review denies (403) when a rule whose failure action is `Enforce` fails; the message lists
//! every such rule as `policy <policy>/<rule>: <message>`, one per line, as Kyverno names them.
//! A rule of an `Enforce` policy that errs (a registry that cannot be reached, a variable that
//! cannot be resolved) or cannot be evaluated (unsupported, such as `verifyImages` without a
//! verifier) denies too: the policy asked for enforcement and nothing was verified, so the
//! review fails closed, as Kyverno's `BlockRequest` does under `failurePolicy: Fail`
//! (`pkg/engine/utils`). With [`ReviewOptions::fail_open`] those become warnings instead. Audit
//! failures and anything from an `Audit` policy are `warnings`. A `/mutate` answer carries the
//! RFC 6902 patch from the object sent to the object the mutate rules (and `mutateDigest`)
//! produced.
//!
//! What the engine sees of a request: the object (the old object on DELETE), with the
//! request's namespace filled in when the object omits it (Pods created through a namespaced
//! URL); the requester's name and groups. Roles, cluster roles and namespace labels would need
//! the cluster's API, which the server does not call, so rules that select by them do not
//! match.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use custody_policy::kyverno::context::Values;
use custody_policy::kyverno::engine::{self, PolicyResponse, Request, RuleStatus};
use custody_policy::kyverno::matching::{Operation, UserInfo};
use custody_policy::kyverno::policy::{FailureAction, Policy, RuleKind};
use custody_policy::kyverno::verify_images::ImageVerifier;
use custody_policy::manifest::{collect_files, read_objects};
use serde_json::Value;

use crate::Error;
use crate::index::{Bucket, IndexedPolicy, PolicyIndex};
use crate::metrics::Webhook;
use crate::patch::diff;
use crate::review::{AdmissionRequest, AdmissionResponse};

/// Compiled policies, indexed per webhook.
#[derive(Debug)]
pub struct PolicySet {
    validate: PolicyIndex,
    mutate: PolicyIndex,
    count: usize,
}

impl PolicySet {
    /// Reads and compiles the Kyverno `ClusterPolicy`/`Policy` objects in `paths` (files, or
    /// directories read recursively).
    ///
    /// # Errors
    ///
    /// [`Error::PolicyFile`] when a file cannot be read, [`Error::Policy`] when an object is
    /// not a policy custody can compile.
    pub fn load(paths: &[PathBuf]) -> Result<Self, Error> {
        let mut policies = Vec::new();
        for path in paths {
            let read_error = |source| Error::PolicyFile {
                path: path.clone(),
                source,
            };
            let mut files = Vec::new();
            collect_files(path, &mut files).map_err(read_error)?;
            for file in files {
                let objects = read_objects(&file).map_err(|source| Error::PolicyFile {
                    path: file.clone(),
                    source,
                })?;
                compile(&file.display().to_string(), &objects, &mut policies)?;
            }
        }
        Ok(Self::new(&policies))
    }

    /// Compiles policy objects already in memory.
    ///
    /// # Errors
    ///
    /// [`Error::Policy`] when an object is not a policy custody can compile.
    pub fn from_objects(objects: &[Value]) -> Result<Self, Error> {
        let mut policies = Vec::new();
        compile("<memory>", objects, &mut policies)?;
        Ok(Self::new(&policies))
    }

    fn new(policies: &[(Policy, bool)]) -> Self {
        let count = policies.len();
        let split = |keep: fn(&RuleKind) -> bool| {
            policies
                .iter()
                .filter_map(|(policy, needs_registry)| {
                    let mut policy = policy.clone();
                    policy.rules.retain(|rule| keep(&rule.kind));
                    (!policy.rules.is_empty()).then_some(IndexedPolicy {
                        policy,
                        needs_registry: *needs_registry,
                    })
                })
                .collect::<Vec<_>>()
        };
        Self {
            validate: PolicyIndex::new(&split(|kind| {
                !matches!(kind, RuleKind::Mutate(_) | RuleKind::Generate(_))
            })),
            mutate: PolicyIndex::new(&split(|kind| {
                matches!(kind, RuleKind::Mutate(_) | RuleKind::VerifyImages(_))
            })),
            count,
        }
    }

    /// How many policies were compiled.
    #[must_use]
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no policy was compiled (every request is then admitted).
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The policies `webhook` runs for `request`.
    pub(crate) fn bucket(&self, webhook: Webhook, request: &AdmissionRequest) -> Arc<Bucket> {
        let index = match webhook {
            Webhook::Validate => &self.validate,
            Webhook::Mutate => &self.mutate,
        };
        index.lookup(&request.kind.kind, request.operation, &request.namespace)
    }

    /// Reviews `request` for `webhook`.
    pub fn review(
        &self,
        webhook: Webhook,
        request: &AdmissionRequest,
        options: ReviewOptions<'_>,
    ) -> AdmissionResponse {
        review_with(&self.bucket(webhook, request), webhook, request, options)
    }
}

/// How a review treats what it cannot decide.
#[derive(Clone, Copy, Default)]
pub struct ReviewOptions<'a> {
    /// Checks image signatures for `verifyImages` rules; without one they are unsupported.
    pub verifier: Option<&'a dyn ImageVerifier>,
    /// Rule errors and unsupported rules of `Enforce` policies warn instead of denying.
    pub fail_open: bool,
}

/// Reviews `request` against the policies of `bucket`.
pub(crate) fn review_with(
    bucket: &Bucket,
    webhook: Webhook,
    request: &AdmissionRequest,
    options: ReviewOptions<'_>,
) -> AdmissionResponse {
    if bucket.policies.is_empty() {
        return AdmissionResponse::allow(&request.uid);
    }
    let resource = with_namespace(request.subject(), &request.namespace);
    let user = UserInfo {
        username: request.user_info.username.clone(),
        groups: request.user_info.groups.clone(),
        roles: Vec::new(),
        cluster_roles: Vec::new(),
    };
    let (namespace_labels, values) = (BTreeMap::new(), Values::default());
    let old_resource = (!request.old_object.is_null()).then_some(&request.old_object);
    let engine_request = Request {
        resource: &resource,
        old_resource,
        operation: request.operation,
        user: &user,
        namespace_labels: &namespace_labels,
        values: &values,
    };
    let responses = match options.verifier {
        Some(verifier) => {
            engine::apply_all_with_verifier(&bucket.policies, &engine_request, verifier)
        }
        None => engine::apply_all(&bucket.policies, &engine_request),
    };
    let outcome = Outcome::of(&bucket.policies, &responses, options.fail_open);
    let mut response = if outcome.denials.is_empty() {
        AdmissionResponse::allow(&request.uid)
    } else {
        AdmissionResponse::deny(&request.uid, 403, outcome.denials.join("\n"))
    };
    response.warnings = outcome.warnings;
    if webhook == Webhook::Mutate && request.operation != Operation::Delete {
        let patched = responses
            .iter()
            .rev()
            .find_map(|response| response.patched.as_ref());
        if let Some(patched) = patched {
            let operations = diff(&resource, patched);
            if !operations.is_empty() {
                response = response.with_patch(&Value::Array(operations));
            }
        }
    }
    response
}

/// What the rule responses of one request amount to.
#[derive(Debug, Default)]
struct Outcome {
    /// `policy <p>/<r>: <message>` of every Enforce rule that failed, erred or could not be
    /// evaluated.
    denials: Vec<String>,
    /// The same for Audit rules, and for errors when failing open.
    warnings: Vec<String>,
}

impl Outcome {
    fn of(policies: &[Policy], responses: &[PolicyResponse], fail_open: bool) -> Self {
        let mut outcome = Self::default();
        for (policy, response) in policies.iter().zip(responses) {
            for rule in &response.rules {
                let line = |prefix: &str| {
                    format!(
                        "policy {}/{}: {prefix}{}",
                        policy.name, rule.rule, rule.message
                    )
                };
                let enforced = !fail_open && enforces(policy, &rule.rule);
                let (text, deny) = match rule.status {
                    RuleStatus::Fail => (
                        line(""),
                        rule.failure_action == Some(FailureAction::Enforce),
                    ),
                    RuleStatus::Error => (line("error: "), enforced),
                    RuleStatus::Unsupported => (line("not evaluated: "), enforced),
                    RuleStatus::Pass | RuleStatus::Skip => continue,
                };
                if deny {
                    outcome.denials.push(text);
                } else {
                    outcome.warnings.push(text);
                }
            }
        }
        outcome
    }
}

/// Whether the rule named `rule` of `policy` enforces: its own `failureAction` when it is a
/// validate rule that states one, else the policy's.
fn enforces(policy: &Policy, rule: &str) -> bool {
    let own = policy
        .rules
        .iter()
        .find(|candidate| candidate.name == rule)
        .and_then(|candidate| match &candidate.kind {
            RuleKind::Validate(validate) => validate.failure_action,
            _ => None,
        });
    own.unwrap_or(policy.failure_action) == FailureAction::Enforce
}

/// The object with `metadata.namespace` set to the request's namespace when it has none.
fn with_namespace<'a>(object: &'a Value, namespace: &str) -> Cow<'a, Value> {
    if namespace.is_empty() || object["metadata"].get("namespace").is_some() {
        return Cow::Borrowed(object);
    }
    let mut object = object.clone();
    if let Some(metadata) = object.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.insert("namespace".to_owned(), Value::from(namespace));
    }
    Cow::Owned(object)
}

/// Compiles the policy objects read from `origin`, appending them with whether they verify
/// images (and so may call a registry).
fn compile(
    origin: &str,
    objects: &[Value],
    policies: &mut Vec<(Policy, bool)>,
) -> Result<(), Error> {
    for (position, object) in objects.iter().enumerate() {
        let policy = Policy::from_value(object).map_err(|source| Error::Policy {
            origin: origin.to_owned(),
            document: position + 1,
            source,
        })?;
        let needs_registry = object["spec"]["rules"]
            .as_array()
            .is_some_and(|rules| rules.iter().any(|rule| rule.get("verifyImages").is_some()));
        policies.push((policy, needs_registry));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;
    use serde_json::json;

    use super::*;

    fn request(object: &Value, operation: &str) -> AdmissionRequest {
        AdmissionRequest::parse(
            json!({
                "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
                "request": {
                    "uid": "u", "kind": {"group": "", "version": "v1", "kind": object["kind"]},
                    "namespace": "team-a", "operation": operation, "object": object,
                    "userInfo": {"username": "alice"},
                },
            })
            .to_string()
            .as_bytes(),
        )
        .expect("a valid review")
    }

    fn policies() -> PolicySet {
        PolicySet::from_objects(&[
            json!({
                "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
                "metadata": {"name": "require-labels"},
                "spec": {"validationFailureAction": "Enforce", "rules": [{
                    "name": "check-team",
                    "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                    "validate": {"message": "label 'team' is required",
                                 "pattern": {"metadata": {"labels": {"team": "?*"}}}},
                }]},
            }),
            json!({
                "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
                "metadata": {"name": "audit-owner"},
                "spec": {"validationFailureAction": "Audit", "rules": [{
                    "name": "check-owner",
                    "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                    "validate": {"message": "label 'owner' is recommended",
                                 "pattern": {"metadata": {"labels": {"owner": "?*"}}}},
                }]},
            }),
            json!({
                "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
                "metadata": {"name": "add-managed-by"},
                "spec": {"rules": [{
                    "name": "label",
                    "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                    "mutate": {"patchStrategicMerge": {"metadata": {"labels": {"managed-by": "custody"}}}},
                }]},
            }),
        ])
        .expect("valid policies")
    }

    #[test]
    fn enforce_failures_deny_and_audit_failures_warn() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                         "spec": {"containers": [{"name": "app", "image": "nginx"}]}});
        let response = policies().review(
            Webhook::Validate,
            &request(&pod, "CREATE"),
            ReviewOptions::default(),
        );
        assert!(!response.allowed);
        let status = response.status.expect("a denial carries a status");
        assert_eq!(status.code, 403);
        assert!(
            status.message.starts_with(
                "policy require-labels/check-team: validation error: label 'team' is required"
            ),
            "{}",
            status.message
        );
        assert_eq!(response.warnings.len(), 1);
        assert!(response.warnings[0].starts_with("policy audit-owner/check-owner: "));
    }

    #[test]
    fn mutate_answers_the_patch_and_validate_ignores_mutate_rules() {
        let pod = json!({"apiVersion": "v1", "kind": "Pod",
                         "metadata": {"name": "web", "labels": {"team": "a", "owner": "b"}}});
        let policies = policies();
        let validate = policies.review(
            Webhook::Validate,
            &request(&pod, "CREATE"),
            ReviewOptions::default(),
        );
        assert!(validate.allowed && validate.patch.is_none() && validate.warnings.is_empty());
        let mutate = policies.review(
            Webhook::Mutate,
            &request(&pod, "CREATE"),
            ReviewOptions::default(),
        );
        assert!(mutate.allowed);
        assert_eq!(mutate.patch_type, Some("JSONPatch"));
        let Some(patch) = mutate.patch else {
            panic!("a patch");
        };
        let operations: Value = serde_json::from_slice(
            &base64::engine::general_purpose::STANDARD
                .decode(patch)
                .expect("base64"),
        )
        .expect("JSON");
        assert_eq!(
            operations,
            json!([{"op": "add", "path": "/metadata/labels/managed-by", "value": "custody"}])
        );
    }

    #[test]
    fn rules_enforce_policies_cannot_evaluate_deny_unless_failing_open() {
        let policy = |action: &str| {
            json!({
                "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
                "metadata": {"name": format!("check-image-{action}")},
                "spec": {"validationFailureAction": action, "rules": [{
                    "name": "signed",
                    "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                    "verifyImages": [{"imageReferences": ["*"], "attestors": [{"entries": [{"keys": {
                        "publicKeys": "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
                    }}]}]}],
                }]},
            })
        };
        let policies =
            PolicySet::from_objects(&[policy("Enforce"), policy("Audit")]).expect("valid policies");
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
                         "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}});
        let request = request(&pod, "CREATE");
        // No verifier: the rules are not evaluated, and the Enforce one must not admit.
        let closed = policies.review(Webhook::Validate, &request, ReviewOptions::default());
        let message = closed.status.expect("a denial").message;
        assert!(
            message.starts_with("policy check-image-Enforce/signed: not evaluated: "),
            "{message}"
        );
        assert_eq!(closed.warnings.len(), 1);
        assert!(closed.warnings[0].starts_with("policy check-image-Audit/signed: not evaluated: "));

        let options = ReviewOptions {
            verifier: None,
            fail_open: true,
        };
        let open = policies.review(Webhook::Validate, &request, options);
        assert!(open.allowed);
        assert_eq!(open.warnings.len(), 2);
    }

    #[test]
    fn kinds_no_policy_names_are_admitted_without_evaluation() {
        let config_map =
            json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}});
        let response = policies().review(
            Webhook::Validate,
            &request(&config_map, "CREATE"),
            ReviewOptions::default(),
        );
        assert!(response.allowed && response.warnings.is_empty());
    }
}
