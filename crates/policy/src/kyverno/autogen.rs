//! Kyverno's rule auto-generation for pod controllers: a rule written for Pods also applies to
//! the pod templates of `DaemonSet`, `Deployment`, `Job`, `StatefulSet`, `ReplicaSet` and
//! `ReplicationController` (at `spec.template`) and of `CronJob` (at
//! `spec.jobTemplate.spec.template`), through generated rules named `autogen-<rule>` and
//! `autogen-cronjob-<rule>`.
//!
//! This mirrors kyverno/kyverno `pkg/autogen/v1` (`autogen.go`, `rule.go`) as it stood before
//! PR 14246 (October 2025; Kyverno 1.15 behaves this way, see issue 14214), and the docs page
//! "Auto-Gen Rules" (<https://kyverno.io/docs/policy-types/cluster-policy/autogen/>). PR 14246
//! writes fully qualified kinds such as `batch/v1/CronJob` into generated rules; the
//! kyverno/policies corpus expects a `batch/v1beta1` `CronJob` to be checked
//! (`other/memory-requests-equal-limits`), so custody keeps the plain kinds.
//!
//! # Which policies qualify
//!
//! Auto-generation is all or nothing per policy ([`autogen_rules`] returns no rule) when any
//! rule of the policy:
//! - has a `generate` block, or a `mutate.patchesJson6902` (also inside `mutate.foreach`);
//! - names resources (`name`, `names`), selects them by labels (`selector`) or annotations
//!   (`annotations`), or lists `Pod` next to other kinds, in any resource description of its
//!   `match` or `exclude` (direct, `any` or `all`);
//!
//! and also when no resource description of the policy lists `Pod` or a pod controller. The
//! annotation `pod-policies.kyverno.io/autogen-controllers` ([`AUTOGEN_CONTROLLERS_ANNOTATION`])
//! then narrows the controllers: absent means all of them; `none` disables auto-generation;
//! otherwise a comma-separated list (no spaces) where known controller names are kept, `CronJob`
//! adds the `CronJob` rule, and `all` means all. The annotation cannot enable auto-generation for a
//! policy that does not qualify.
//!
//! # How a rule is rewritten
//!
//! Each rule whose match kinds include `Pod` (and whose exclude kinds, when given, include
//! `Pod` too) yields the controllers rule, then the `CronJob` rule built from it:
//! - `match`/`exclude`: in `any`/`all` form, each filter listing `Pod` gets the controller
//!   kinds (for the `CronJob` rule every filter gets `CronJob`); in the direct form the kinds are
//!   replaced (exclude kinds only when given).
//! - `validate.pattern`, each `validate.anyPattern` entry and `mutate.patchStrategicMerge`
//!   (also per `mutate.foreach` entry) are wrapped as `{spec: {template: ...}}`, and once more as
//!   `{spec: {jobTemplate: ...}}` for the `CronJob` rule. `deny`, `podSecurity`, `foreach`
//!   validations and `verifyImages` are kept as they are.
//! - Then, over every string and key of the rule (variables in messages, conditions, context
//!   entries, foreach `list` expressions, ...), `request.object.spec` becomes
//!   `request.object.spec.template.spec` (`CronJob`: `...spec.jobTemplate.spec.template.spec`), and
//!   the same for `request.oldObject` and for `.metadata`. Rules with a `validate.cel` block
//!   rewrite the CEL names `object`/`oldObject` instead.
//! - Only the fields Kyverno carries over survive (name, match, exclude, context,
//!   preconditions, celPreconditions, mutate, validate, verifyImages, skipBackgroundRequests).
//!
//! # Where the engine places the generated rules
//!
//! Kyverno (`ComputeRules`) evaluates the written rules first, then the generated ones in the
//! order [`autogen_rules`] returns them (for each written rule, `autogen-` then
//! `autogen-cronjob-`); when any rule is generated, written rules whose name already starts with
//! `autogen-` are dropped. [`compute_rules`] returns exactly that list.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use super::matching::selector_kind;

/// The policy annotation that chooses the pod controllers rules are generated for.
pub const AUTOGEN_CONTROLLERS_ANNOTATION: &str = "pod-policies.kyverno.io/autogen-controllers";

/// Pod controllers whose pod template sits at `spec.template`, in the order (sorted) Kyverno
/// lists them in generated rules.
const TEMPLATE_CONTROLLERS: [&str; 6] = [
    "DaemonSet",
    "Deployment",
    "Job",
    "ReplicaSet",
    "ReplicationController",
    "StatefulSet",
];

/// The pod controller whose pod template sits at `spec.jobTemplate.spec.template`.
const CRON_JOB: &str = "CronJob";

/// Kubernetes limits rule names to 63 bytes; Kyverno truncates generated names to fit.
const MAX_RULE_NAME: usize = 63;

/// A policy whose shape does not allow auto-generation to read it.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum AutogenError {
    /// A field holds a value of the wrong JSON type.
    #[error("`{path}` must be {expected}")]
    WrongType {
        /// The field, as a path from the policy root (`spec.rules[2].validate.anyPattern`).
        path: String,
        /// What the field must hold (`an array`, `a string`, ...).
        expected: &'static str,
    },
}

/// The rules Kyverno generates for pod controllers from a `ClusterPolicy` or `Policy` (the whole
/// document as parsed from YAML or JSON), shaped like `spec.rules` entries, in Kyverno's order;
/// empty when the policy does not qualify (see the [module docs](self)).
///
/// # Errors
///
/// [`AutogenError::WrongType`] when `spec.rules`, a rule, its name, the annotation or a
/// `validate.anyPattern` has the wrong JSON type.
///
/// # Example
///
/// ```
/// use custody_policy::kyverno::autogen::autogen_rules;
/// use serde_json::json;
///
/// let policy = json!({
///     "apiVersion": "kyverno.io/v1",
///     "kind": "ClusterPolicy",
///     "metadata": {"name": "restrict-image-registries"},
///     "spec": {"rules": [{
///         "name": "validate-registries",
///         "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
///         "validate": {
///             "message": "unknown registry",
///             "pattern": {"spec": {"containers": [{"image": "registry.domain.com/*"}]}},
///         },
///     }]},
/// });
/// let rules = autogen_rules(&policy).expect("well-formed policy");
/// assert_eq!(rules[0]["name"], "autogen-validate-registries");
/// assert_eq!(rules[1]["name"], "autogen-cronjob-validate-registries");
/// assert_eq!(
///     rules[1]["validate"]["pattern"]["spec"]["jobTemplate"]["spec"]["template"]["spec"]
///         ["containers"][0]["image"],
///     "registry.domain.com/*"
/// );
/// ```
pub fn autogen_rules(policy: &Value) -> Result<Vec<Value>, AutogenError> {
    let rules = written_rules(policy)?;
    if !can_autogen(&rules) {
        return Ok(Vec::new());
    }
    let controllers = requested_controllers(policy)?;
    if controllers == "none" {
        return Ok(Vec::new());
    }
    let mut generated = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        let template_rule = rule_for_controllers(rule, &strip_cron_job(&controllers), index)?;
        generated.extend(template_rule.map(|rule| finish(&rule, Template::Controllers)));
        if controllers.contains(CRON_JOB) || controllers.contains("all") {
            let cron_job_rule = rule_for_controllers(rule, &controllers, index)?
                .map(|base| {
                    let name = autogen_name("autogen-cronjob", rule_name(rule));
                    let kinds = [CRON_JOB.to_owned()];
                    generate_rule(&name, &base, Template::CronJob, &kinds, index)
                })
                .transpose()?
                .flatten();
            generated.extend(cron_job_rule.map(|rule| finish(&rule, Template::CronJob)));
        }
    }
    Ok(generated)
}

/// Every rule Kyverno evaluates for a policy: the written `spec.rules`, then the
/// [`autogen_rules`]. When any rule is generated, written rules named `autogen-...` (left over
/// from a policy exported from a cluster) are dropped, as Kyverno's `ComputeRules` does.
///
/// # Errors
///
/// As [`autogen_rules`].
pub fn compute_rules(policy: &Value) -> Result<Vec<Value>, AutogenError> {
    let generated = autogen_rules(policy)?;
    let replaced = !generated.is_empty();
    let mut rules: Vec<Value> = written_rules(policy)?
        .into_iter()
        .filter(|rule| !(replaced && is_autogen_name(rule_name(rule))))
        .map(|rule| Value::Object(rule.clone()))
        .collect();
    rules.extend(generated);
    Ok(rules)
}

/// Which pod template a generated rule addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Template {
    /// `spec.template` of the six template controllers.
    Controllers,
    /// `spec.jobTemplate.spec.template` of a `CronJob`.
    CronJob,
}

impl Template {
    /// The key under `spec` that wraps patterns and patches.
    fn key(self) -> &'static str {
        match self {
            Self::Controllers => "template",
            Self::CronJob => "jobTemplate",
        }
    }

    /// The path inserted into `$(...)` pattern references of messages.
    fn shift(self) -> &'static str {
        match self {
            Self::Controllers => "spec/template",
            Self::CronJob => "spec/jobTemplate/spec/template",
        }
    }

    /// The text replacements applied over the generated rule (`rule.go` `updateFields`): CEL
    /// names `object`/`oldObject` for CEL validations, else the `request.` variables.
    fn replacements(self, cel: bool) -> &'static [(&'static str, &'static str)] {
        match (self, cel) {
            (Self::Controllers, false) => &[
                ("request.object.spec", "request.object.spec.template.spec"),
                (
                    "request.oldObject.spec",
                    "request.oldObject.spec.template.spec",
                ),
                (
                    "request.object.metadata",
                    "request.object.spec.template.metadata",
                ),
                (
                    "request.oldObject.metadata",
                    "request.oldObject.spec.template.metadata",
                ),
            ],
            (Self::Controllers, true) => &[
                ("object.spec", "object.spec.template.spec"),
                ("oldObject.spec", "oldObject.spec.template.spec"),
                ("object.metadata", "object.spec.template.metadata"),
                ("oldObject.metadata", "oldObject.spec.template.metadata"),
            ],
            (Self::CronJob, false) => &[
                (
                    "request.object.spec",
                    "request.object.spec.jobTemplate.spec.template.spec",
                ),
                (
                    "request.oldObject.spec",
                    "request.oldObject.spec.jobTemplate.spec.template.spec",
                ),
                (
                    "request.object.metadata",
                    "request.object.spec.jobTemplate.spec.template.metadata",
                ),
                (
                    "request.oldObject.metadata",
                    "request.oldObject.spec.jobTemplate.spec.template.metadata",
                ),
            ],
            (Self::CronJob, true) => &[
                ("object.spec", "object.spec.jobTemplate.spec.template.spec"),
                (
                    "oldObject.spec",
                    "oldObject.spec.jobTemplate.spec.template.spec",
                ),
                (
                    "object.metadata",
                    "object.spec.jobTemplate.spec.template.metadata",
                ),
                (
                    "oldObject.metadata",
                    "oldObject.spec.jobTemplate.spec.template.metadata",
                ),
            ],
        }
    }

    /// `{spec: {<key>: inner}}`: a pod-level pattern or patch moved onto the pod template.
    fn wrap(self, inner: &Value) -> Value {
        json!({"spec": {self.key(): inner}})
    }
}

/// The policy's `spec.rules`, each an object; none when the policy has no rules.
fn written_rules(policy: &Value) -> Result<Vec<&Map<String, Value>>, AutogenError> {
    let Some(rules) = policy.get("spec").and_then(|spec| spec.get("rules")) else {
        return Ok(Vec::new());
    };
    let rules = rules
        .as_array()
        .ok_or_else(|| wrong_type("spec.rules".to_owned(), "an array"))?;
    rules
        .iter()
        .enumerate()
        .map(|(index, rule)| {
            let rule = rule
                .as_object()
                .ok_or_else(|| wrong_type(format!("spec.rules[{index}]"), "an object"))?;
            match rule.get("name") {
                None | Some(Value::String(_)) => Ok(rule),
                Some(_) => Err(wrong_type(format!("spec.rules[{index}].name"), "a string")),
            }
        })
        .collect()
}

/// A rule's name; empty when missing (Kyverno's schema requires one).
fn rule_name(rule: &Map<String, Value>) -> &str {
    rule.get("name").and_then(Value::as_str).unwrap_or_default()
}

/// Whether a rule name is one Kyverno gives generated rules (`isAutogenRuleName`).
fn is_autogen_name(name: &str) -> bool {
    name.starts_with("autogen-")
}

/// A [`AutogenError::WrongType`] for the field at `path`.
fn wrong_type(path: String, expected: &'static str) -> AutogenError {
    AutogenError::WrongType { path, expected }
}

/// Whether any rule can be generated at all (`autogen.go` `CanAutoGen`): see the module docs.
fn can_autogen(rules: &[&Map<String, Value>]) -> bool {
    let mut needed = false;
    for rule in rules {
        let has_generate = rule
            .get("generate")
            .and_then(Value::as_object)
            .is_some_and(|generate| !generate.is_empty());
        if has_generate || has_json_patch(rule) {
            return false;
        }
        for description in resource_descriptions(rule) {
            if !autogen_supported(description, &mut needed) {
                return false;
            }
        }
    }
    needed
}

/// Whether the rule's mutation, or one of its `foreach` entries, is a JSON patch.
fn has_json_patch(rule: &Map<String, Value>) -> bool {
    let is_patch = |block: &Value| {
        block
            .get("patchesJson6902")
            .and_then(Value::as_str)
            .is_some_and(|patch| !patch.is_empty())
    };
    let Some(mutate) = rule.get("mutate") else {
        return false;
    };
    is_patch(mutate) || array(mutate, "foreach").iter().any(is_patch)
}

/// Every resource description of a rule's `match` and `exclude`: direct, `any` and `all`.
fn resource_descriptions(rule: &Map<String, Value>) -> Vec<&Value> {
    let mut descriptions = Vec::new();
    for block in ["match", "exclude"]
        .into_iter()
        .filter_map(|key| rule.get(key))
    {
        descriptions.extend(block.get("resources"));
        for list in ["any", "all"] {
            descriptions.extend(
                array(block, list)
                    .iter()
                    .filter_map(|filter| filter.get("resources")),
            );
        }
    }
    descriptions
}

/// Whether a resource description allows auto-generation (`checkAutogenSupport`); records in
/// `needed` whether it lists `Pod` or a pod controller by plain kind.
fn autogen_supported(description: &Value, needed: &mut bool) -> bool {
    let present = |key: &str| description.get(key).is_some_and(|value| !value.is_null());
    let names_resources = description
        .get("name")
        .and_then(Value::as_str)
        .is_some_and(|name| !name.is_empty())
        || !array(description, "names").is_empty()
        || present("selector")
        || present("annotations");
    let kinds = kinds_of(description);
    if names_resources || (kinds.len() > 1 && contains_kind(&kinds, "Pod")) {
        return false;
    }
    *needed |= kinds
        .iter()
        .any(|kind| *kind == "Pod" || *kind == CRON_JOB || TEMPLATE_CONTROLLERS.contains(kind));
    true
}

/// The controllers requested for the policy, joined by commas (`ComputeRules`): the annotation's
/// entries, or every pod controller when it is absent.
fn requested_controllers(policy: &Value) -> Result<String, AutogenError> {
    let annotation = policy
        .get("metadata")
        .and_then(|metadata| metadata.get("annotations"))
        .and_then(|annotations| annotations.get(AUTOGEN_CONTROLLERS_ANNOTATION));
    let set: BTreeSet<&str> = match annotation {
        None => TEMPLATE_CONTROLLERS.into_iter().chain([CRON_JOB]).collect(),
        Some(Value::String(value)) => value.split(',').collect(),
        Some(_) => {
            return Err(wrong_type(
                format!("metadata.annotations.{AUTOGEN_CONTROLLERS_ANNOTATION}"),
                "a string",
            ));
        }
    };
    Ok(set.into_iter().collect::<Vec<_>>().join(","))
}

/// The controller list without `CronJob`, sorted (`stripCronJob`).
fn strip_cron_job(controllers: &str) -> String {
    let mut kinds: Vec<&str> = controllers
        .split(',')
        .filter(|kind| *kind != CRON_JOB)
        .collect();
    kinds.sort_unstable();
    kinds.join(",")
}

/// The `autogen-` rule for the template controllers in `controllers`, before its variables are
/// rewritten (`generateRuleForControllers`); none when the rule is not a Pod rule.
fn rule_for_controllers(
    rule: &Map<String, Value>,
    controllers: &str,
    index: usize,
) -> Result<Option<Map<String, Value>>, AutogenError> {
    let name = rule_name(rule);
    if is_autogen_name(name) || controllers.is_empty() {
        return Ok(None);
    }
    let match_kinds = rule.get("match").map(block_kinds).unwrap_or_default();
    let exclude_kinds = rule.get("exclude").map(block_kinds).unwrap_or_default();
    if !contains_kind(&match_kinds, "Pod")
        || (!exclude_kinds.is_empty() && !contains_kind(&exclude_kinds, "Pod"))
    {
        return Ok(None);
    }
    let mut requested: Vec<&str> = controllers.split(',').collect();
    requested.sort_unstable();
    let known: Vec<&str> = requested
        .iter()
        .copied()
        .filter(|kind| TEMPLATE_CONTROLLERS.contains(kind))
        .collect();
    // `all` and known names pick those controllers; a list of only unknown names (a custom
    // controller) is used as given, which is how Kyverno supports custom pod controllers.
    let kinds: Vec<String> = if controllers == "all" {
        TEMPLATE_CONTROLLERS.map(str::to_owned).to_vec()
    } else if !known.is_empty() {
        known.into_iter().map(str::to_owned).collect()
    } else {
        requested.into_iter().map(str::to_owned).collect()
    };
    generate_rule(
        &autogen_name("autogen", name),
        rule,
        Template::Controllers,
        &kinds,
        index,
    )
}

/// `prefix-name`, truncated to the 63 bytes of a rule name (at a character boundary).
fn autogen_name(prefix: &str, name: &str) -> String {
    let mut generated = format!("{prefix}-{name}");
    let mut end = MAX_RULE_NAME.min(generated.len());
    while !generated.is_char_boundary(end) {
        end -= 1;
    }
    generated.truncate(end);
    generated
}

/// The rule renamed, its kinds replaced by `kinds`, and its pattern or patch moved onto the
/// pod template (`rule.go` `generateRule`); none when the rule has nothing Kyverno generates
/// from (no patch, no validation it knows, no image verification).
fn generate_rule(
    name: &str,
    rule: &Map<String, Value>,
    template: Template,
    kinds: &[String],
    index: usize,
) -> Result<Option<Map<String, Value>>, AutogenError> {
    let mut rule = rule.clone();
    rule.insert("name".to_owned(), Value::String(name.to_owned()));
    let kinds_value = Value::Array(kinds.iter().cloned().map(Value::String).collect());
    if let Some(block) = rule.get_mut("match") {
        rewrite_kinds(block, &kinds_value, template, true);
    }
    if let Some(block) = rule.get_mut("exclude") {
        rewrite_kinds(block, &kinds_value, template, false);
    }
    if let Some(mutate) = rule.get("mutate").and_then(Value::as_object) {
        if let Some(patch) = mutate
            .get("patchStrategicMerge")
            .filter(|patch| !patch.is_null())
        {
            let mutate = json!({"patchStrategicMerge": template.wrap(patch)});
            rule.insert("mutate".to_owned(), mutate);
            return Ok(Some(rule));
        }
        let foreach = array_in(mutate, "foreach");
        if !foreach.is_empty() {
            let foreach: Vec<Value> = foreach
                .iter()
                .map(|entry| foreach_mutation(entry, template))
                .collect();
            rule.insert("mutate".to_owned(), json!({"foreach": foreach}));
            return Ok(Some(rule));
        }
    }
    let validate = rule.get("validate").and_then(Value::as_object);
    if let Some(validate) = validate
        .map(|validate| generate_validation(validate, template, index))
        .transpose()?
        .flatten()
    {
        rule.insert("validate".to_owned(), Value::Object(validate));
        return Ok(Some(rule));
    }
    Ok(rule
        .get("verifyImages")
        .is_some_and(|images| !images.is_null())
        .then_some(rule))
}

/// Replaces a `match` or `exclude` block's kinds (`generateRule`): in the first non-empty of
/// `any` and `all`, each filter listing `Pod` (the `CronJob` rule: each filter); else the direct
/// kinds (an exclude block's only when it lists some).
fn rewrite_kinds(block: &mut Value, kinds: &Value, template: Template, is_match: bool) {
    let Some(block) = block.as_object_mut() else {
        return;
    };
    for list in ["any", "all"] {
        if let Some(filters) = block
            .get_mut(list)
            .and_then(Value::as_array_mut)
            .filter(|filters| !filters.is_empty())
        {
            for filter in filters.iter_mut().filter_map(Value::as_object_mut) {
                let selected = template == Template::CronJob
                    || filter
                        .get("resources")
                        .is_some_and(|resources| contains_kind(&kinds_of(resources), "Pod"));
                if selected {
                    set_kinds(filter, kinds);
                }
            }
            return;
        }
    }
    let has_kinds = block
        .get("resources")
        .is_some_and(|resources| !kinds_of(resources).is_empty());
    if is_match || has_kinds {
        set_kinds(block, kinds);
    }
}

/// Sets `resources.kinds`, creating `resources` when missing.
fn set_kinds(holder: &mut Map<String, Value>, kinds: &Value) {
    let resources = holder
        .entry("resources")
        .or_insert_with(|| Value::Object(Map::new()));
    if !resources.is_object() {
        *resources = Value::Object(Map::new());
    }
    if let Some(resources) = resources.as_object_mut() {
        resources.insert("kinds".to_owned(), kinds.clone());
    }
}

/// A `mutate.foreach` entry for the pod template: its list, context and preconditions, and its
/// strategic merge patch wrapped (other fields, nested `foreach` included, are not carried).
fn foreach_mutation(entry: &Value, template: Template) -> Value {
    let mut generated = Map::new();
    for key in ["list", "context", "preconditions"] {
        if let Some(value) = entry.get(key).filter(|value| !value.is_null()) {
            generated.insert(key.to_owned(), value.clone());
        }
    }
    let patch = entry.get("patchStrategicMerge").unwrap_or(&Value::Null);
    generated.insert("patchStrategicMerge".to_owned(), template.wrap(patch));
    Value::Object(generated)
}

/// The validation of a generated rule, by the first kind the rule has: `pattern` (wrapped),
/// `deny`, `podSecurity`, `anyPattern` (each wrapped), `foreach`, `cel`, `assert`; none for
/// any other validation.
fn generate_validation(
    validate: &Map<String, Value>,
    template: Template,
    index: usize,
) -> Result<Option<Map<String, Value>>, AutogenError> {
    let present = |key: &str| validate.get(key).filter(|value| !value.is_null());
    let message = validate
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let base = |pivot: &str| {
        let mut generated = Map::new();
        let message = shift_references(message, template.shift(), pivot);
        if !message.is_empty() {
            generated.insert("message".to_owned(), Value::String(message));
        }
        for key in [
            "failureAction",
            "failureActionOverrides",
            "allowExistingViolations",
        ] {
            if let Some(value) = present(key) {
                generated.insert(key.to_owned(), value.clone());
            }
        }
        generated
    };
    let generated = if let Some(pattern) = present("pattern") {
        let mut generated = base("pattern");
        generated.insert("pattern".to_owned(), template.wrap(pattern));
        generated
    } else if let Some(deny) = present("deny") {
        let mut generated = base("deny");
        generated.insert("deny".to_owned(), deny.clone());
        generated
    } else if let Some(pod_security) = present("podSecurity") {
        let mut generated = base("podSecurity");
        let mut kept = Map::new();
        for key in ["level", "version", "exclude"] {
            if let Some(value) = pod_security.get(key).filter(|value| !value.is_null()) {
                kept.insert(key.to_owned(), value.clone());
            }
        }
        generated.insert("podSecurity".to_owned(), Value::Object(kept));
        generated
    } else if let Some(any_pattern) = present("anyPattern") {
        let patterns = any_pattern.as_array().ok_or_else(|| {
            wrong_type(
                format!("spec.rules[{index}].validate.anyPattern"),
                "an array",
            )
        })?;
        let mut generated = base("anyPattern");
        let wrapped = patterns
            .iter()
            .map(|pattern| template.wrap(pattern))
            .collect();
        generated.insert("anyPattern".to_owned(), Value::Array(wrapped));
        generated
    } else if let foreach @ [_, ..] = array_in(validate, "foreach") {
        let mut generated = base("pattern");
        generated.insert("foreach".to_owned(), Value::Array(foreach.to_vec()));
        generated
    } else if present("cel").is_some() {
        validate.clone()
    } else if let Some(assert) = present("assert") {
        let mut generated = validate.clone();
        generated.insert("assert".to_owned(), autogen_assertion(assert, template));
        generated
    } else {
        return Ok(None);
    };
    Ok(Some(generated))
}

/// A `validate.assert` tree for the pod template: its `object` and `oldObject` nodes wrapped
/// (`autogen.go` `createAutogenAssertion`).
fn autogen_assertion(assert: &Value, template: Template) -> Value {
    let mut assert = assert.clone();
    if let Some(tree) = assert.as_object_mut() {
        for node in ["object", "oldObject"] {
            if let Some(object) = tree.get_mut(node).filter(|object| object.is_object()) {
                *object = template.wrap(object);
            }
        }
    }
    assert
}

/// Inserts `shift` after `pivot` in each `$(...)` pattern reference of a message
/// (`FindAndShiftReferences`), so `$(./../pattern/spec/x)` keeps pointing into the wrapped
/// pattern. For `anyPattern` the pivot also takes the pattern index (`anyPattern/0`).
fn shift_references(message: &str, shift: &str, pivot: &str) -> String {
    let mut shifted = message.to_owned();
    for reference in pattern_references(message) {
        // Kyverno's pattern also takes the character before a `$(` that does not start the
        // message, and puts it back unchanged.
        let pivot = if pivot == "anyPattern" {
            let index = reference
                .find(pivot)
                .and_then(|at| reference.get(at + pivot.len() + 1..))
                .and_then(|rest| rest.split('/').next())
                .unwrap_or_default();
            format!("{pivot}/{index}")
        } else {
            pivot.to_owned()
        };
        let replacement = reference.replace(&pivot, &format!("{pivot}/{shift}"));
        shifted = shifted.replacen(reference, &replacement, 1);
    }
    shifted
}

/// The `$(...)` references of a message as Kyverno's `RegexReferences` finds them: `$(`, one
/// character, then up to the last `)` before a space; a `$(` preceded by `\` is escaped.
fn pattern_references(message: &str) -> Vec<&str> {
    let mut references = Vec::new();
    let mut from = 0;
    while let Some(found) = message.get(from..).and_then(|rest| rest.find("$(")) {
        let start = from + found;
        let escaped = message
            .get(..start)
            .is_some_and(|before| before.ends_with('\\'));
        // The first character after `$(` may be anything but a newline; the closing `)`
        // comes after it, within the run of non-space characters that follows.
        let body_start = start + 2;
        let first = message
            .get(body_start..)
            .and_then(|rest| rest.chars().next());
        let Some(first) = first.filter(|first| *first != '\n' && !escaped) else {
            from = body_start;
            continue;
        };
        let run_start = body_start + first.len_utf8();
        let run = message.get(run_start..).unwrap_or_default();
        let run = run.split(' ').next().unwrap_or_default();
        match run.rfind(')') {
            Some(close) => {
                let end = run_start + close + 1;
                references.extend(message.get(start..end));
                from = end;
            }
            None => from = body_start,
        }
    }
    references
}

/// The generated rule as Kyverno stores it (`createRule`, `convertRule`): only the fields it
/// carries over, with the variable paths moved onto the pod template.
fn finish(rule: &Map<String, Value>, template: Template) -> Value {
    const CARRIED: [&str; 10] = [
        "name",
        "match",
        "exclude",
        "celPreconditions",
        "context",
        "preconditions",
        "mutate",
        "validate",
        "verifyImages",
        "skipBackgroundRequests",
    ];
    let cel = rule
        .get("validate")
        .and_then(|validate| validate.get("cel"))
        .is_some_and(|cel| !cel.is_null());
    let mut generated = Map::new();
    for key in CARRIED {
        if let Some(value) = rule
            .get(key)
            .filter(|value| key == "match" || !is_empty(value))
        {
            generated.insert(key.to_owned(), value.clone());
        }
    }
    let mut generated = Value::Object(generated);
    replace_strings(&mut generated, template.replacements(cel));
    generated
}

/// Whether Kyverno omits a field as empty: null, `{}`, `[]`, `""`, or preconditions with
/// empty `any` and `all`.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(map) => map.values().all(|value| match value {
            Value::Null => true,
            Value::Array(items) => items.is_empty(),
            Value::Object(map) => map.is_empty(),
            _ => false,
        }),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// Applies `replacements`, in order, to every string and object key under `value`. Kyverno
/// replaces bytes in the rule's JSON; its search strings hold no quote or backslash, so this
/// is the same as rewriting each string and key. Iterative, so deep input cannot overflow
/// the stack.
fn replace_strings(value: &mut Value, replacements: &[(&str, &str)]) {
    let rewrite = |text: &str| {
        replacements
            .iter()
            .fold(text.to_owned(), |text, (from, to)| text.replace(from, to))
    };
    let mut pending = vec![value];
    while let Some(value) = pending.pop() {
        match value {
            Value::String(text) => *text = rewrite(text),
            Value::Array(items) => pending.extend(items.iter_mut()),
            Value::Object(map) => {
                if map
                    .keys()
                    .any(|key| replacements.iter().any(|(from, _)| key.contains(from)))
                {
                    *map = std::mem::take(map)
                        .into_iter()
                        .map(|(key, value)| (rewrite(&key), value))
                        .collect();
                }
                pending.extend(map.values_mut());
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

/// The array at `key` of `value`; empty when missing or not an array.
fn array<'a>(value: &'a Value, key: &str) -> &'a [Value] {
    value
        .get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The array at `key` of `map`; empty when missing or not an array.
fn array_in<'a>(map: &'a Map<String, Value>, key: &str) -> &'a [Value] {
    map.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The string kinds of a resource description.
fn kinds_of(description: &Value) -> Vec<&str> {
    array(description, "kinds")
        .iter()
        .filter_map(Value::as_str)
        .collect()
}

/// Every kind of a `match` or `exclude` block: direct, `any` and `all` (`GetKinds`).
fn block_kinds(block: &Value) -> Vec<&str> {
    let mut kinds: Vec<&str> = block.get("resources").map(kinds_of).unwrap_or_default();
    for list in ["any", "all"] {
        for filter in array(block, list) {
            kinds.extend(filter.get("resources").map(kinds_of).unwrap_or_default());
        }
    }
    kinds
}

/// Whether a kind selector of `kinds` names `kind`, whatever its group, version or
/// subresource (`kube.ContainsKind`).
fn contains_kind(kinds: &[&str], kind: &str) -> bool {
    kinds
        .iter()
        .any(|selector| selector_kind(selector) == Some(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_kinds() {
        for selector in [
            "Pod",
            "Pod.status",
            "Pod/status",
            "v1/Pod",
            "v1/Pod/status",
            "*/Pod",
        ] {
            assert_eq!(selector_kind(selector), Some("Pod"), "{selector}");
        }
        assert_eq!(selector_kind("apps/v1/Deployment"), Some("Deployment"));
        assert_eq!(
            selector_kind("apps/v1/Deployment/scale"),
            Some("Deployment")
        );
        assert_eq!(selector_kind("a/b/c/d/e"), None);
        assert!(contains_kind(&["Service", "v1/Pod"], "Pod"));
        assert!(!contains_kind(&["Deployment"], "Pod"));
    }

    #[test]
    fn names_are_truncated_to_63_bytes() {
        let long = "x".repeat(70);
        assert_eq!(autogen_name("autogen", &long).len(), 63);
        assert_eq!(autogen_name("autogen", "short"), "autogen-short");
        // A multi-byte character straddling byte 63 is dropped whole.
        let name = format!("{}é", "x".repeat(54));
        assert_eq!(
            autogen_name("autogen", &name),
            format!("autogen-{}", "x".repeat(54))
        );
    }

    #[test]
    fn message_references_shift_into_the_template() {
        assert_eq!(
            shift_references(
                "must equal $(./../pattern/spec/x) here",
                "spec/template",
                "pattern"
            ),
            "must equal $(./../pattern/spec/template/spec/x) here"
        );
        assert_eq!(
            shift_references("see $(anyPattern/1/spec/x)", "spec/template", "anyPattern"),
            "see $(anyPattern/1/spec/template/spec/x)"
        );
        assert_eq!(
            shift_references("no reference", "spec/template", "pattern"),
            "no reference"
        );
        assert_eq!(
            shift_references(r"kept \$(pattern/x)", "spec/template", "pattern"),
            r"kept \$(pattern/x)"
        );
    }

    #[test]
    fn replacements_reach_strings_and_keys() {
        let mut value = json!({"request.object.metadata.name": ["{{ request.object.spec.x }}", 1]});
        replace_strings(&mut value, Template::Controllers.replacements(false));
        assert_eq!(
            value,
            json!({"request.object.spec.template.metadata.name": ["{{ request.object.spec.template.spec.x }}", 1]})
        );
    }
}
