//! The Kyverno rule engine: applies a [`Policy`] to one admission request and reports a
//! [`RuleResponse`] per rule that applies, as kyverno/kyverno `pkg/engine` does.
//!
//! For each policy, mutate rules run first, in order, each on the resource the previous ones
//! patched; validate rules then check the patched resource. A rule applies when its
//! `match`/`exclude` blocks select the request; its context entries are loaded, the user's
//! values merged, its preconditions checked (unmet → `skip`), then its check runs:
//!
//! - `pattern` / `anyPattern`: the [pattern language](super::pattern), variables substituted
//!   first; a conditional anchor that does not match skips the rule.
//! - `deny`: the request fails when the conditions hold.
//! - `foreach`: the checks run on each element of a JMESPath list (`element`, `elementIndex`),
//!   with per-element context and preconditions, nested to any depth.
//! - `podSecurity`: the Pod Security Standards with Kyverno's control exemptions.
//! - `patchStrategicMerge`, `patchesJson6902` and `foreach` mutations ([`mutate`]).
//! - `generate` with `data`: the resource the rule would create (`clone` needs the cluster).
//! - `verifyImages` ([`super::verify_images`]), after mutation and before
//!   validation as in Kyverno, when the caller gives an [`ImageVerifier`]
//!   ([`apply_all_with_verifier`]); its digest patches join the patched resource.
//!
//! What the engine does not evaluate answers [`RuleStatus::Unsupported`] with the feature's
//! name, never a verdict. A rule that cannot be evaluated (an unresolved variable in a pattern,
//! a context entry that needs the cluster) answers [`RuleStatus::Error`] with the reason.
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! use custody_policy::kyverno::context::Values;
//! use custody_policy::kyverno::engine::{self, Request, RuleStatus};
//! use custody_policy::kyverno::matching::{Operation, UserInfo};
//! use custody_policy::kyverno::policy::Policy;
//! use serde_json::json;
//!
//! let policy = Policy::from_value(&json!({
//!     "apiVersion": "kyverno.io/v1",
//!     "kind": "ClusterPolicy",
//!     "metadata": {"name": "require-team"},
//!     "spec": {"validationFailureAction": "Enforce", "rules": [{
//!         "name": "check-team",
//!         "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
//!         "validate": {
//!             "message": "pods need a team label",
//!             "pattern": {"metadata": {"labels": {"team": "?*"}}},
//!         },
//!     }]},
//! }))
//! .expect("a valid policy");
//! // A Deployment is checked by the rule Kyverno generates for pod controllers.
//! let deployment = json!({
//!     "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
//!     "spec": {"template": {"metadata": {"labels": {"app": "web"}}}},
//! });
//! let (user, labels, values) = (UserInfo::default(), BTreeMap::new(), Values::default());
//! let request = Request {
//!     resource: &deployment,
//!     old_resource: None,
//!     operation: Operation::Create,
//!     user: &user,
//!     namespace_labels: &labels,
//!     values: &values,
//! };
//! let response = engine::apply(&policy, &request);
//! assert_eq!(response.rules[0].rule, "autogen-check-team");
//! assert_eq!(response.rules[0].status, RuleStatus::Fail);
//! assert!(response.rules[0].message.starts_with("validation error: pods need a team label"));
//! ```

use std::cell::OnceCell;
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::condition::{ConditionOutcome, Conditions};
use super::context::{Values, request_document};
use super::matching::{MatchRequest, Operation, UserInfo, rule_applies};
use super::mutate;
use super::pattern::{Pattern, PatternOutcome, wildcard_match};
use super::policy::{
    FailureAction, Generate, MutatePatch, PatternTemplate, PodSecurity, Policy, Rule, RuleKind,
    Validate, ValidateCheck, ValidateForeach,
};
use super::scope::{Interpreter, Scope};
use super::verify_images::{self, ImageVerifier, VerifyImages};

/// Deepest `foreach` nesting evaluated; policies are untrusted and nesting drives recursion.
const MAX_FOREACH_DEPTH: usize = 8;

/// One admission request, as the engine sees it.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The object under admission.
    pub resource: &'a Value,
    /// The object before an update.
    pub old_resource: Option<&'a Value>,
    /// The operation.
    pub operation: Operation,
    /// The requester.
    pub user: &'a UserInfo,
    /// The labels of the resource's namespace.
    pub namespace_labels: &'a BTreeMap<String, String>,
    /// Values supplied for variables and context entries (a Kyverno CLI values file).
    pub values: &'a Values,
}

/// The verdict of one rule, with Kyverno's names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleStatus {
    /// The resource satisfies the rule (validate) or was patched (mutate).
    Pass,
    /// The resource violates the rule.
    Fail,
    /// The rule applies to the request but did not act: preconditions unmet, a conditional
    /// anchor not matched, nothing to patch.
    Skip,
    /// The rule could not be evaluated.
    Error,
    /// The rule uses a feature this engine does not evaluate.
    Unsupported,
}

impl RuleStatus {
    /// Kyverno's lowercase name.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pass => "pass",
            Self::Fail => "fail",
            Self::Skip => "skip",
            Self::Error => "error",
            Self::Unsupported => "unsupported",
        }
    }
}

/// What one rule said about one request.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleResponse {
    /// The rule's name.
    pub rule: String,
    /// The verdict.
    pub status: RuleStatus,
    /// Why: the violation, the skip reason, the error, or the unsupported feature.
    pub message: String,
    /// For a failing validate rule, whether it blocks admission.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_action: Option<FailureAction>,
}

/// What one policy said about one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PolicyResponse {
    /// The responses of the rules that applied, mutate rules first.
    pub rules: Vec<RuleResponse>,
    /// The resource after the policy's mutate rules, when any of them patched it.
    pub patched: Option<Value>,
    /// The resources the policy's generate rules create.
    pub generated: Vec<Value>,
    /// The RFC 6902 operations of the policy's `verifyImages` rules (`mutateDigest`), in
    /// order: `{"op": "replace", "path": "/spec/containers/0/image", "value":
    /// "ghcr.io/org/app:1.0@sha256:…"}`. They are already applied to
    /// [`patched`](Self::patched); the admission server may return them as they are.
    pub image_patches: Vec<Value>,
}

impl Serialize for FailureAction {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Applies `policy` to `request`: mutate rules, then validate rules on the patched resource.
#[must_use]
pub fn apply(policy: &Policy, request: &Request<'_>) -> PolicyResponse {
    let mut responses = apply_all(std::slice::from_ref(policy), request);
    responses.pop().unwrap_or_default()
}

/// Applies `policies` to `request` as admission does: the mutate rules of every policy first,
/// in order, each on the resource the previous ones patched; then the validate rules of every
/// policy on the final resource. One response per policy, in order; the request's document is
/// built once for all of them.
#[must_use]
pub fn apply_all(policies: &[Policy], request: &Request<'_>) -> Vec<PolicyResponse> {
    run(policies, request, None)
}

/// [`apply_all`] with image verification: `verifyImages` rules ask `verifier` about the
/// resource's images after the mutate rules, as Kyverno's mutating webhook does, and pin
/// verified images by digest before the validate rules see the resource. [`apply_all`]
/// answers those rules `unsupported` instead.
#[must_use]
pub fn apply_all_with_verifier(
    policies: &[Policy],
    request: &Request<'_>,
    verifier: &dyn ImageVerifier,
) -> Vec<PolicyResponse> {
    run(policies, request, Some(verifier))
}

/// Applies `policies` to `request`: mutate rules, then `verifyImages`, then validate and
/// generate rules.
fn run(
    policies: &[Policy],
    request: &Request<'_>,
    verifier: Option<&dyn ImageVerifier>,
) -> Vec<PolicyResponse> {
    let mut responses = vec![PolicyResponse::default(); policies.len()];
    let mut patched: Option<Value> = None;
    for (policy, response) in policies.iter().zip(&mut responses) {
        if !policy.selects(request.resource) {
            continue;
        }
        for rule in &policy.rules {
            if let RuleKind::Mutate(mutate) = &rule.kind {
                let resource = patched.as_ref().unwrap_or(request.resource);
                let subject = Subject::new(request, resource);
                let evaluation = Evaluation {
                    policy,
                    rule,
                    subject: &subject,
                };
                if let Some((rule_response, result)) = evaluation.mutate(&mutate.patch) {
                    response.rules.push(rule_response);
                    if let Some(result) = result {
                        response.patched = Some(result.clone());
                        patched = Some(result);
                    }
                }
            }
        }
    }
    for (policy, response) in policies.iter().zip(&mut responses) {
        if !policy.selects(request.resource) {
            continue;
        }
        for rule in &policy.rules {
            if let RuleKind::VerifyImages(verify) = &rule.kind {
                let resource = patched.as_ref().unwrap_or(request.resource);
                let subject = Subject::new(request, resource);
                let evaluation = Evaluation {
                    policy,
                    rule,
                    subject: &subject,
                };
                if let Some((rule_response, patches, result)) =
                    evaluation.verify_images(verify, verifier)
                {
                    response.rules.push(rule_response);
                    response.image_patches.extend(patches);
                    if let Some(result) = result {
                        response.patched = Some(result.clone());
                        patched = Some(result);
                    }
                }
            }
        }
    }
    let resource = patched.as_ref().unwrap_or(request.resource);
    let subject = Subject::new(request, resource);
    for (policy, response) in policies.iter().zip(&mut responses) {
        if !policy.selects(request.resource) {
            continue;
        }
        for rule in &policy.rules {
            let evaluation = Evaluation {
                policy,
                rule,
                subject: &subject,
            };
            let rule_response = match &rule.kind {
                RuleKind::Mutate(_) | RuleKind::VerifyImages(_) => continue,
                RuleKind::Validate(validate) => evaluation.validate(validate),
                RuleKind::Generate(generate) => {
                    evaluation.generate(generate).map(|(rule, generated)| {
                        response.generated.extend(generated);
                        rule
                    })
                }
                RuleKind::Unsupported(feature) => evaluation.unsupported(feature),
            };
            response.rules.extend(rule_response);
        }
    }
    responses
}

/// One resource under evaluation and what every rule on it shares: what match blocks see, and
/// the request's document, built on first use.
struct Subject<'a> {
    request: &'a Request<'a>,
    resource: &'a Value,
    matched: MatchRequest<'a>,
    document: OnceCell<Value>,
    interpreter: Interpreter,
}

impl<'a> Subject<'a> {
    fn new(request: &'a Request<'a>, resource: &'a Value) -> Self {
        let mut matched = MatchRequest::new(resource);
        matched.operation = request.operation;
        matched.user = request.user.clone();
        matched.namespace_labels = request.namespace_labels.clone();
        Self {
            request,
            resource,
            matched,
            document: OnceCell::new(),
            interpreter: Interpreter::new(),
        }
    }

    fn document(&self) -> &Value {
        self.document.get_or_init(|| {
            request_document(
                self.resource,
                self.request.old_resource,
                self.request.operation,
                self.request.user,
            )
        })
    }

    /// The resource's name, for values keyed by resource.
    fn name(&self) -> &str {
        self.resource["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
    }
}

/// One rule applied to one resource.
struct Evaluation<'a> {
    policy: &'a Policy,
    rule: &'a Rule,
    subject: &'a Subject<'a>,
}

/// What a check concluded, before it becomes a [`RuleResponse`].
#[derive(Debug)]
enum Verdict {
    Pass,
    Fail(String),
    Skip(String),
    Error(String),
}

impl Evaluation<'_> {
    /// Whether the rule's match and exclude blocks select the request.
    fn applies(&self) -> bool {
        rule_applies(
            &self.rule.matching,
            self.rule.exclude.as_ref(),
            &self.subject.matched,
        )
    }

    fn respond(&self, verdict: Verdict, failure_action: Option<FailureAction>) -> RuleResponse {
        let (status, message) = match verdict {
            Verdict::Pass => (RuleStatus::Pass, String::new()),
            Verdict::Fail(message) => (RuleStatus::Fail, message),
            Verdict::Skip(message) => (RuleStatus::Skip, message),
            Verdict::Error(message) => (RuleStatus::Error, message),
        };
        RuleResponse {
            rule: self.rule.name.clone(),
            failure_action: failure_action.filter(|_| status == RuleStatus::Fail),
            status,
            message,
        }
    }

    fn unsupported(&self, feature: &str) -> Option<RuleResponse> {
        self.applies().then(|| RuleResponse {
            rule: self.rule.name.clone(),
            status: RuleStatus::Unsupported,
            message: format!("`{feature}` rules are not supported by custody"),
            failure_action: None,
        })
    }

    /// Applies a `verifyImages` rule: its response and what the evaluator concluded (patches,
    /// patched resource); `unsupported` without a verifier.
    fn verify_images(
        &self,
        verify: &VerifyImages,
        verifier: Option<&dyn ImageVerifier>,
    ) -> Option<(RuleResponse, Vec<Value>, Option<Value>)> {
        let Some(verifier) = verifier else {
            return self
                .unsupported("verifyImages")
                .map(|response| (response, Vec::new(), None));
        };
        if !self.applies() {
            return None;
        }
        let scope = match self.scope() {
            Ok(scope) => scope,
            Err(error) => {
                let response = self.respond(Verdict::Error(error), None);
                return Some((response, Vec::new(), None));
            }
        };
        match preconditions(self.rule.preconditions.as_ref(), &scope) {
            Ok(None) => {}
            Ok(Some(reason)) => {
                let response = self.respond(Verdict::Skip(reason), None);
                return Some((response, Vec::new(), None));
            }
            Err(error) => {
                let response = self.respond(Verdict::Error(error), None);
                return Some((response, Vec::new(), None));
            }
        }
        let outcome = verify_images::evaluate(
            verify,
            self.subject.resource,
            &self.subject.document()["images"],
            &scope,
            verifier,
            self.policy.failure_action,
        );
        let response = RuleResponse {
            rule: self.rule.name.clone(),
            failure_action: outcome
                .failure_action
                .filter(|_| outcome.status == RuleStatus::Fail),
            status: outcome.status,
            message: outcome.message,
        };
        Some((response, outcome.patches, outcome.patched))
    }

    /// The rule's scope: the request's document, plus the rule's context entries and the
    /// user's values for it (copied only when there are any).
    fn scope(&self) -> Result<Scope<'_>, String> {
        let values = self.subject.request.values;
        let mut supplied = values
            .for_rule(&self.policy.name, &self.rule.name, self.subject.name())
            .peekable();
        let mut scope = Scope::shared(self.subject.document(), &self.subject.interpreter);
        if self.rule.context.is_empty() && supplied.peek().is_none() {
            return Ok(scope);
        }
        self.load_context(&self.rule.context, &mut scope)?;
        for (key, value) in supplied {
            scope.set(key, value)?;
        }
        Ok(scope)
    }

    /// Loads context entries, in order (later entries may use earlier ones).
    fn load_context(&self, entries: &[Value], scope: &mut Scope<'_>) -> Result<(), String> {
        for entry in entries {
            let name = entry["name"].as_str().unwrap_or_default();
            if let Some(variable) = entry.get("variable") {
                let value = load_variable(variable, scope)
                    .map_err(|error| format!("context entry `{name}`: {error}"))?;
                scope.set(name, &value)?;
                continue;
            }
            let source = ["apiCall", "configMap", "imageRegistry", "globalReference"]
                .into_iter()
                .find(|source| entry.get(*source).is_some())
                .unwrap_or("unknown");
            let supplied = self.subject.request.values.supplies(
                &self.policy.name,
                &self.rule.name,
                self.subject.name(),
                name,
            );
            if !supplied {
                return Err(format!(
                    "context entry `{name}` ({source}) needs the cluster or a registry; \
                     custody reads it only from a values file (--values)"
                ));
            }
        }
        Ok(())
    }

    fn validate(&self, validate: &Validate) -> Option<RuleResponse> {
        if let ValidateCheck::Unsupported(feature) = &validate.check {
            return self.unsupported(feature);
        }
        if !self.applies() {
            return None;
        }
        let failure_action = validate
            .failure_action
            .unwrap_or(self.policy.failure_action);
        let needs_scope = self.rule.preconditions.is_some()
            || !self.rule.context.is_empty()
            || validate.check.needs_document();
        let scope = if needs_scope {
            match self.scope() {
                Ok(scope) => Some(scope),
                Err(error) => return Some(self.respond(Verdict::Error(error), None)),
            }
        } else {
            None
        };
        let verdict = match &scope {
            Some(scope) => match preconditions(self.rule.preconditions.as_ref(), scope) {
                Ok(None) => self.check(&validate.check, self.subject.resource, scope, 0),
                Ok(Some(reason)) => Verdict::Skip(reason),
                Err(error) => Verdict::Error(error),
            },
            None => self.check_constant(&validate.check),
        };
        let verdict = match verdict {
            Verdict::Fail(detail) => {
                Verdict::Fail(self.failure_message(validate, scope.as_ref(), detail))
            }
            other => other,
        };
        Some(self.respond(verdict, Some(failure_action)))
    }

    /// Kyverno's failure message: the rule's message, variables substituted, then the detail.
    fn failure_message(
        &self,
        validate: &Validate,
        scope: Option<&Scope<'_>>,
        detail: String,
    ) -> String {
        let Some(message) = &validate.message else {
            return detail;
        };
        let substituted = match scope {
            Some(scope) => scope.substitute_text(message),
            None => self
                .scope()
                .and_then(|scope| scope.substitute_text(message)),
        };
        let message = substituted.unwrap_or_else(|_| message.clone());
        if detail.is_empty() {
            format!("validation error: {message}")
        } else {
            format!("validation error: {message}; {detail}")
        }
    }

    /// Runs a check that reads no variables.
    fn check_constant(&self, check: &ValidateCheck) -> Verdict {
        let target = self.subject.resource;
        match check {
            ValidateCheck::Pattern(pattern) => match_pattern(pattern, target, None),
            ValidateCheck::AnyPattern(patterns) => match_any_pattern(patterns, target, None),
            ValidateCheck::PodSecurity(pod_security) => pod_security_check(pod_security, target),
            ValidateCheck::Unsupported(feature) => unsupported(feature),
            ValidateCheck::Deny(_) | ValidateCheck::Foreach(_) => {
                Verdict::Error("internal: a check reading variables was given no scope".to_owned())
            }
        }
    }

    /// Runs one validate check on `target` (the resource, or a foreach element).
    fn check(
        &self,
        check: &ValidateCheck,
        target: &Value,
        scope: &Scope<'_>,
        depth: usize,
    ) -> Verdict {
        match check {
            ValidateCheck::Pattern(pattern) => match_pattern(pattern, target, Some(scope)),
            ValidateCheck::AnyPattern(patterns) => match_any_pattern(patterns, target, Some(scope)),
            ValidateCheck::Deny(conditions) => deny(conditions, scope),
            ValidateCheck::Foreach(blocks) => self.foreach(blocks, scope, depth),
            ValidateCheck::PodSecurity(pod_security) => pod_security_check(pod_security, target),
            ValidateCheck::Unsupported(feature) => unsupported(feature),
        }
    }

    /// Kyverno's validate `foreach`: fails on the first failing element, skips when no element
    /// was checked.
    fn foreach(&self, blocks: &[ValidateForeach], scope: &Scope<'_>, depth: usize) -> Verdict {
        if depth >= MAX_FOREACH_DEPTH {
            return Verdict::Error(format!("foreach nested deeper than {MAX_FOREACH_DEPTH}"));
        }
        let mut checked = 0_usize;
        for block in blocks {
            let elements = match evaluate_list(&block.list, scope) {
                Ok(elements) => elements,
                Err(error) => return Verdict::Error(error),
            };
            for (index, element) in elements.iter().enumerate() {
                let mut element_scope = match scope.element(element, index, depth) {
                    Ok(element_scope) => element_scope,
                    Err(error) => return Verdict::Error(error),
                };
                if let Err(error) = self.load_context(&block.context, &mut element_scope) {
                    return Verdict::Error(error);
                }
                match preconditions(block.preconditions.as_ref(), &element_scope) {
                    Ok(None) => {}
                    Ok(Some(_)) => continue,
                    Err(error) => return Verdict::Error(error),
                }
                let target = if block.element_scope == Some(false) {
                    self.subject.resource
                } else {
                    element
                };
                match self.check(&block.check, target, &element_scope, depth + 1) {
                    Verdict::Pass => checked += 1,
                    Verdict::Skip(_) => {}
                    Verdict::Fail(reason) => {
                        return Verdict::Fail(format!("{} [{index}]: {reason}", block.list.trim()));
                    }
                    error @ Verdict::Error(_) => return error,
                }
            }
        }
        if checked == 0 {
            Verdict::Skip("no element of the foreach lists was checked".to_owned())
        } else {
            Verdict::Pass
        }
    }

    /// Applies a generate rule: its response and the resource it creates. The resource is
    /// `data` with `apiVersion`, `kind` and the metadata name and namespace set, every
    /// variable substituted.
    fn generate(&self, generate: &Generate) -> Option<(RuleResponse, Option<Value>)> {
        if !self.applies() {
            return None;
        }
        let outcome = self.scope().and_then(|scope| {
            if let Some(reason) = preconditions(self.rule.preconditions.as_ref(), &scope)? {
                return Ok(Err(reason));
            }
            let mut resource = match scope.substitute(&generate.data)?.into_owned() {
                Value::Object(map) => map,
                other => {
                    return Err(format!(
                        "generate.data must be an object, not {}",
                        type_name(&other)
                    ));
                }
            };
            resource.insert(
                "apiVersion".to_owned(),
                Value::String(scope.substitute_text(&generate.api_version)?),
            );
            resource.insert(
                "kind".to_owned(),
                Value::String(scope.substitute_text(&generate.kind)?),
            );
            let metadata = resource
                .entry("metadata")
                .or_insert_with(|| Value::Object(serde_json::Map::new()));
            if !metadata.is_object() {
                return Err("generate.data.metadata must be an object".to_owned());
            }
            metadata["name"] = Value::String(scope.substitute_text(&generate.name)?);
            if let Some(namespace) = &generate.namespace {
                metadata["namespace"] = Value::String(scope.substitute_text(namespace)?);
            }
            Ok(Ok(Value::Object(resource)))
        });
        Some(match outcome {
            Ok(Ok(resource)) => (self.respond(Verdict::Pass, None), Some(resource)),
            Ok(Err(reason)) => (self.respond(Verdict::Skip(reason), None), None),
            Err(error) => (self.respond(Verdict::Error(error), None), None),
        })
    }

    /// Applies a mutate rule: its response and, when it changed the resource, the result.
    fn mutate(&self, patch: &MutatePatch) -> Option<(RuleResponse, Option<Value>)> {
        if let MutatePatch::Unsupported(feature) = patch {
            return self.unsupported(feature).map(|response| (response, None));
        }
        if !self.applies() {
            return None;
        }
        let outcome = self.scope().and_then(|scope| {
            match preconditions(self.rule.preconditions.as_ref(), &scope)? {
                Some(reason) => Ok(Err(reason)),
                None => self.patch(patch, self.subject.resource, &scope, 0).map(Ok),
            }
        });
        let (verdict, patched) = match outcome {
            Ok(Ok(patched)) if patched != *self.subject.resource => (Verdict::Pass, Some(patched)),
            Ok(Ok(_)) => (Verdict::Skip("the patch changes nothing".to_owned()), None),
            Ok(Err(reason)) => (Verdict::Skip(reason), None),
            Err(error) => (Verdict::Error(error), None),
        };
        Some((self.respond(verdict, None), patched))
    }

    /// Patches `resource` with one mutation, variables substituted from `scope`.
    fn patch(
        &self,
        patch: &MutatePatch,
        resource: &Value,
        scope: &Scope<'_>,
        depth: usize,
    ) -> Result<Value, String> {
        match patch {
            MutatePatch::StrategicMerge(raw) => {
                let patch = scope.substitute(raw)?;
                mutate::strategic_merge(resource, &patch).map_err(|error| error.to_string())
            }
            MutatePatch::Json6902(raw) => {
                let patch = scope.substitute_text(raw)?;
                mutate::json6902(resource, &patch).map_err(|error| error.to_string())
            }
            MutatePatch::Foreach(blocks) => {
                if depth >= MAX_FOREACH_DEPTH {
                    return Err(format!("foreach nested deeper than {MAX_FOREACH_DEPTH}"));
                }
                let mut current = resource.clone();
                for block in blocks {
                    let mut elements: Vec<(usize, Value)> = evaluate_list(&block.list, scope)?
                        .into_iter()
                        .enumerate()
                        .collect();
                    if block.descending {
                        elements.reverse();
                    }
                    for (index, element) in elements {
                        // Each element sees the resource as the previous elements patched it.
                        let mut element_scope = scope.element(&element, index, depth)?;
                        element_scope.set("request.object", &current)?;
                        self.load_context(&block.context, &mut element_scope)?;
                        if preconditions(block.preconditions.as_ref(), &element_scope)?.is_some() {
                            continue;
                        }
                        current = self.patch(&block.patch, &current, &element_scope, depth + 1)?;
                    }
                }
                Ok(current)
            }
            MutatePatch::Unsupported(feature) => {
                Err(format!("`{feature}` is not supported by custody"))
            }
        }
    }
}

/// Evaluates preconditions: `None` when they hold, else why the rule is skipped.
fn preconditions(
    conditions: Option<&Conditions>,
    scope: &Scope<'_>,
) -> Result<Option<String>, String> {
    let Some(conditions) = conditions else {
        return Ok(None);
    };
    let outcome = scope
        .evaluate(conditions)
        .map_err(|error| format!("failed to evaluate preconditions: {error}"))?;
    Ok(match outcome {
        ConditionOutcome::Passed => None,
        ConditionOutcome::Failed { conditions, .. } => Some(
            conditions
                .iter()
                .find_map(|condition| condition.message.clone())
                .unwrap_or_else(|| "preconditions not met".to_owned()),
        ),
    })
}

fn unsupported(feature: &str) -> Verdict {
    Verdict::Error(format!("`{feature}` is not supported by custody"))
}

/// A context `variable` entry: its `value` (substituted) or the document, through its
/// `jmesPath` when given, else its `default`.
fn load_variable(variable: &Value, scope: &Scope<'_>) -> Result<Value, String> {
    let value = match variable.get("value") {
        Some(value) => Some(scope.substitute(value)?.into_owned()),
        None => None,
    };
    let result = match variable["jmesPath"].as_str() {
        Some(expression) => {
            let expression = scope.substitute_text(expression)?;
            match &value {
                Some(value) => {
                    super::jmespath::search(&expression, value).map_err(|error| error.to_string())
                }
                None => scope.search(&expression),
            }
            .unwrap_or(Value::Null)
        }
        None => value.unwrap_or(Value::Null),
    };
    if !result.is_null() {
        return Ok(result);
    }
    match variable.get("default") {
        Some(default) => Ok(scope.substitute(default)?.into_owned()),
        None => Err("the variable evaluated to nil and has no default".to_owned()),
    }
}

/// The elements of a foreach `list` expression; a missing list has no elements.
fn evaluate_list(list: &str, scope: &Scope<'_>) -> Result<Vec<Value>, String> {
    let expression = list.trim();
    let expression = expression
        .strip_prefix("{{")
        .and_then(|inner| inner.strip_suffix("}}"))
        .unwrap_or(expression);
    match scope.search(expression.trim()).unwrap_or(Value::Null) {
        Value::Null => Ok(Vec::new()),
        Value::Array(elements) => Ok(elements),
        other => Err(format!(
            "foreach list `{list}` is not a list but {}",
            type_name(&other)
        )),
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Evaluates a pattern: the compiled one, or the one substituted from `scope`.
fn match_pattern(template: &PatternTemplate, target: &Value, scope: Option<&Scope<'_>>) -> Verdict {
    let compiled;
    let pattern = match (template.compiled(), scope) {
        (Some(pattern), _) => pattern,
        (None, Some(scope)) => {
            let substituted = match scope.substitute(template.raw()) {
                Ok(substituted) => substituted,
                Err(error) => {
                    return Verdict::Error(format!("variable substitution failed: {error}"));
                }
            };
            compiled = match Pattern::new(&substituted) {
                Ok(pattern) => pattern,
                Err(error) => return Verdict::Error(error.to_string()),
            };
            &compiled
        }
        (None, None) => {
            return Verdict::Error(
                "internal: a pattern with variables was given no scope".to_owned(),
            );
        }
    };
    match pattern.validate(target) {
        PatternOutcome::Pass => Verdict::Pass,
        PatternOutcome::Fail { path, reason } => {
            Verdict::Fail(format!("failed at path {path}: {reason}"))
        }
        PatternOutcome::Skip { path, reason } => Verdict::Skip(format!("{reason} at {path}")),
    }
}

/// `anyPattern`: passes when one pattern passes, skips when all skip, fails otherwise.
fn match_any_pattern(
    patterns: &[PatternTemplate],
    target: &Value,
    scope: Option<&Scope<'_>>,
) -> Verdict {
    let mut failures = Vec::new();
    let mut skips = 0;
    for (index, pattern) in patterns.iter().enumerate() {
        match match_pattern(pattern, target, scope) {
            Verdict::Pass => return Verdict::Pass,
            Verdict::Fail(reason) => failures.push(format!("anyPattern[{index}] {reason}")),
            Verdict::Skip(_) => skips += 1,
            error @ Verdict::Error(_) => return error,
        }
    }
    if skips == patterns.len() {
        Verdict::Skip("every anyPattern was skipped".to_owned())
    } else {
        Verdict::Fail(failures.join("; "))
    }
}

/// `deny`: fails when the conditions hold.
fn deny(conditions: &Conditions, scope: &Scope<'_>) -> Verdict {
    match scope.evaluate(conditions) {
        Ok(ConditionOutcome::Passed) => Verdict::Fail(String::new()),
        Ok(ConditionOutcome::Failed { .. }) => Verdict::Pass,
        Err(error) => Verdict::Error(format!("failed to check deny conditions: {error}")),
    }
}

/// `podSecurity`: the standards' violations that no exclusion exempts.
fn pod_security_check(pod_security: &PodSecurity, target: &Value) -> Verdict {
    let outcome = pod_security.standards.evaluate(target);
    let remaining: Vec<String> = outcome
        .violations()
        .iter()
        .filter(|violation| {
            if violation.paths.is_empty() {
                return !exempt(pod_security, violation.check, "", target);
            }
            violation
                .paths
                .iter()
                .any(|path| !exempt(pod_security, violation.check, path, target))
        })
        .map(|violation| format!("{} ({})", violation.reason, violation.detail))
        .collect();
    if remaining.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(format!(
            "violates PodSecurity \"{}\": {}",
            pod_security.profile,
            remaining.join(", ")
        ))
    }
}

/// Whether an exclusion exempts `check` at `path`: a container field when an exclusion for the
/// check lists a pattern matching the container's image, a pod field when one lists no image.
fn exempt(pod_security: &PodSecurity, check: crate::CheckId, path: &str, target: &Value) -> bool {
    let image = container_image(path, target);
    pod_security
        .exclude
        .iter()
        .filter(|exclusion| exclusion.checks.contains(&check))
        .any(|exclusion| match image {
            Some(image) => exclusion
                .images
                .iter()
                .any(|pattern| wildcard_match(pattern, image)),
            None => exclusion.images.is_empty(),
        })
}

/// The image of the container a violation path such as
/// `spec.template.spec.containers[1].securityContext` points into, if it points into one.
fn container_image<'v>(path: &str, target: &'v Value) -> Option<&'v str> {
    let mut node = target;
    for segment in path.split('.') {
        let (field, index) = match segment.split_once('[') {
            Some((field, rest)) => (field, Some(rest.strip_suffix(']')?.parse::<usize>().ok()?)),
            None => (segment, None),
        };
        node = node.get(field)?;
        if let Some(index) = index {
            node = node.get(index)?;
            if matches!(
                field,
                "containers" | "initContainers" | "ephemeralContainers"
            ) {
                return node["image"].as_str();
            }
        }
    }
    None
}
