//! Kyverno `ClusterPolicy` and `Policy` objects (`kyverno.io/v1`, `kyverno.io/v2beta1`), read
//! from their JSON form into what the [engine](super::engine) evaluates.
//!
//! Fragments that may hold `{{ ... }}` variables (patterns, conditions, messages, patches,
//! context entries, foreach lists) stay [`Value`]s here: the engine substitutes them per
//! request, then compiles them. What the engine cannot evaluate (generate rules that clone from
//! the cluster, CEL expressions, manifest signatures, image verification with KMS keys) is kept
//! as a [`RuleKind::Unsupported`] naming the feature, so it reports `unsupported` for it
//! instead of a verdict.
//!
//! Rules written for Pods are extended with the rules Kyverno auto-generates for pod
//! controllers and `CronJob`s ([`autogen`](super::autogen)) when the policy is read, after the
//! written rules, exactly as Kyverno's `ComputeRules` lists them.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::autogen::{AutogenError, compute_rules};
use super::condition::Conditions;
use super::matching::MatchResources;
use super::pattern::{Pattern, PatternError};
use super::variables::has_variables;
use super::verify_images::{SpecError, VerifyImages};
use crate::{CheckId, PssLevel, PssPolicy, PssVersion};

/// Why a policy cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    /// The object is not a Kyverno policy.
    #[error("not a Kyverno policy: kind `{kind}` (expected ClusterPolicy or Policy)")]
    NotAPolicy {
        /// The object's kind.
        kind: String,
    },
    /// A field has the wrong shape.
    #[error("policy `{policy}`: {path}: {message}")]
    Invalid {
        /// The policy's name.
        policy: String,
        /// Where in the policy, such as `spec.rules[2].validate`.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The auto-generated rules could not be derived.
    #[error("policy `{policy}`: generating pod controller rules: {source}")]
    Autogen {
        /// The policy's name.
        policy: String,
        /// The cause.
        #[source]
        source: AutogenError,
    },
}

/// Whether a failing validate rule blocks admission or only reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailureAction {
    /// Report the violation and admit (`Audit`, Kyverno's default).
    #[default]
    Audit,
    /// Deny admission (`Enforce`).
    Enforce,
}

impl FailureAction {
    /// Reads Kyverno's spelling, which is case-insensitive (`enforce`, `Enforce`, `audit`).
    pub(super) fn parse(text: &str) -> Option<Self> {
        if text.eq_ignore_ascii_case("enforce") {
            Some(Self::Enforce)
        } else if text.eq_ignore_ascii_case("audit") {
            Some(Self::Audit)
        } else {
            None
        }
    }

    /// Kyverno's spelling.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Audit => "Audit",
            Self::Enforce => "Enforce",
        }
    }
}

/// A Kyverno policy, ready for the engine.
#[derive(Debug, Clone)]
pub struct Policy {
    /// `metadata.name`.
    pub name: String,
    /// For a namespaced `Policy`, its namespace: it applies only to resources there.
    pub namespace: Option<String>,
    /// `spec.validationFailureAction` (or `spec.failureAction` in newer versions).
    pub failure_action: FailureAction,
    /// The written rules, then the auto-generated ones.
    pub rules: Vec<Rule>,
}

/// One rule of a policy.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The rule's name, `autogen-<name>` or `autogen-cronjob-<name>` when generated.
    pub name: String,
    /// Which requests the rule applies to.
    pub matching: MatchResources,
    /// Which requests it skips.
    pub exclude: Option<MatchResources>,
    /// The `context` entries, loaded in order before preconditions.
    pub context: Vec<Value>,
    /// The `preconditions` (any/all or a legacy list), variables unsubstituted.
    pub preconditions: Option<Conditions>,
    /// What the rule does.
    pub kind: RuleKind,
}

/// What a rule does.
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// A `validate` rule.
    Validate(Validate),
    /// A `mutate` rule.
    Mutate(Mutate),
    /// A `generate` rule that writes its resource from `data`.
    Generate(Generate),
    /// A `verifyImages` rule: image signatures and attestations, checked through an
    /// [`ImageVerifier`](super::verify_images::ImageVerifier).
    VerifyImages(VerifyImages),
    /// A rule type or feature the engine does not evaluate, by Kyverno's name for it.
    Unsupported(String),
}

/// A `validate` rule.
#[derive(Debug, Clone)]
pub struct Validate {
    /// The message reported on failure, variables unsubstituted.
    pub message: Option<String>,
    /// The rule's own `failureAction`, overriding the policy's.
    pub failure_action: Option<FailureAction>,
    /// The check.
    pub check: ValidateCheck,
}

/// The check a validate rule (or one foreach block) performs.
#[derive(Debug, Clone)]
pub enum ValidateCheck {
    /// `pattern`: the resource must match.
    Pattern(PatternTemplate),
    /// `anyPattern`: the resource must match one of them.
    AnyPattern(Vec<PatternTemplate>),
    /// `deny.conditions`: the request is denied when they hold.
    Deny(Conditions),
    /// `foreach`: checks applied to each element of lists.
    Foreach(Vec<ValidateForeach>),
    /// `podSecurity`: a Pod Security Standards level with exemptions.
    PodSecurity(PodSecurity),
    /// A check the engine does not evaluate (`cel`, `manifests`, ...).
    Unsupported(String),
}

impl ValidateCheck {
    /// Whether evaluating the check reads variables, so the rule's document must be built.
    #[must_use]
    pub fn needs_document(&self) -> bool {
        match self {
            Self::Pattern(pattern) => pattern.compiled().is_none(),
            Self::AnyPattern(patterns) => {
                patterns.iter().any(|pattern| pattern.compiled().is_none())
            }
            Self::Deny(_) | Self::Foreach(_) => true,
            Self::PodSecurity(_) | Self::Unsupported(_) => false,
        }
    }
}

/// A validate pattern as written, compiled once when it holds no variables; one with variables
/// is compiled per request, after substitution.
#[derive(Debug, Clone)]
pub struct PatternTemplate {
    raw: Value,
    compiled: Option<Pattern>,
}

impl PatternTemplate {
    fn new(raw: &Value) -> Result<Self, PatternError> {
        let compiled = if has_variables(raw) {
            None
        } else {
            Some(Pattern::new(raw)?)
        };
        Ok(Self {
            raw: raw.clone(),
            compiled,
        })
    }

    /// The pattern as written.
    #[must_use]
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The compiled pattern, when it has no variables.
    #[must_use]
    pub fn compiled(&self) -> Option<&Pattern> {
        self.compiled.as_ref()
    }
}

/// One `validate.foreach` block.
#[derive(Debug, Clone)]
pub struct ValidateForeach {
    /// The JMESPath expression (without braces) giving the list.
    pub list: String,
    /// Whether patterns apply to the element (the default) or the whole resource.
    pub element_scope: Option<bool>,
    /// Context entries loaded for each element.
    pub context: Vec<Value>,
    /// Per-element preconditions.
    pub preconditions: Option<Conditions>,
    /// The check applied to each element.
    pub check: ValidateCheck,
}

/// A `validate.podSecurity` block.
#[derive(Debug, Clone)]
pub struct PodSecurity {
    /// The standards at the block's level and version, compiled once.
    pub standards: PssPolicy,
    /// `level:version` as Kyverno prints it, such as `restricted:latest`.
    pub profile: String,
    /// Exemptions.
    pub exclude: Vec<PodSecurityExclusion>,
}

/// One `podSecurity.exclude` entry: a control exempted for the pod spec (no images) or for the
/// containers whose image matches one of `images`.
#[derive(Debug, Clone)]
pub struct PodSecurityExclusion {
    /// The checks implementing the control named by `controlName`.
    pub checks: Vec<CheckId>,
    /// Image patterns (wildcards); empty exempts pod-level fields.
    pub images: Vec<String>,
}

/// A `generate` rule with `data`: the resource it creates, every field unsubstituted.
#[derive(Debug, Clone)]
pub struct Generate {
    /// `apiVersion` of the generated resource.
    pub api_version: String,
    /// `kind` of the generated resource.
    pub kind: String,
    /// `name` of the generated resource.
    pub name: String,
    /// `namespace` of the generated resource, absent for cluster-scoped kinds.
    pub namespace: Option<String>,
    /// The resource's content (`spec`, `data`, labels...).
    pub data: Value,
}

/// A `mutate` rule.
#[derive(Debug, Clone)]
pub struct Mutate {
    /// The patch it applies.
    pub patch: MutatePatch,
}

/// How a mutate rule (or one foreach block) patches the resource.
#[derive(Debug, Clone)]
pub enum MutatePatch {
    /// `patchStrategicMerge`, variables unsubstituted.
    StrategicMerge(Value),
    /// `patchesJson6902`: a YAML or JSON list of RFC 6902 operations, variables unsubstituted.
    Json6902(String),
    /// `foreach`: patches applied for each element of lists.
    Foreach(Vec<MutateForeach>),
    /// A mutation the engine does not perform (`targets`, `mutateExistingOnPolicyUpdate`, ...).
    Unsupported(String),
}

/// One `mutate.foreach` block.
#[derive(Debug, Clone)]
pub struct MutateForeach {
    /// The JMESPath expression giving the list.
    pub list: String,
    /// Whether elements are patched last to first: `order: Descending`, and by default for
    /// strategic merge patches.
    pub descending: bool,
    /// Context entries loaded for each element.
    pub context: Vec<Value>,
    /// Per-element preconditions.
    pub preconditions: Option<Conditions>,
    /// The patch applied for each element.
    pub patch: MutatePatch,
}

impl Policy {
    /// Reads a `ClusterPolicy` or `Policy` object and appends its auto-generated rules.
    ///
    /// # Errors
    ///
    /// [`PolicyError`] when the object is not a Kyverno policy or a field has the wrong shape.
    pub fn from_value(object: &Value) -> Result<Self, PolicyError> {
        let kind = object["kind"].as_str().unwrap_or_default();
        if kind != "ClusterPolicy" && kind != "Policy" {
            return Err(PolicyError::NotAPolicy {
                kind: kind.to_owned(),
            });
        }
        let name = object["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let reader = Reader { policy: &name };
        let spec = &object["spec"];
        let failure_action = reader.failure_action(
            spec.get("validationFailureAction")
                .or_else(|| spec.get("failureAction")),
            "spec.validationFailureAction",
        )?;
        let computed = compute_rules(object).map_err(|source| PolicyError::Autogen {
            policy: name.clone(),
            source,
        })?;
        let rules = computed
            .iter()
            .map(|rule| {
                let path = format!("rule `{}`", rule["name"].as_str().unwrap_or_default());
                reader.rule(rule, &path)
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            namespace: (kind == "Policy").then(|| {
                object["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or("default")
                    .to_owned()
            }),
            name,
            failure_action: failure_action.unwrap_or_default(),
            rules,
        })
    }
}

impl Policy {
    /// Whether the policy may apply to `resource`: a namespaced `Policy` only applies to
    /// resources in its own namespace.
    #[must_use]
    pub fn selects(&self, resource: &Value) -> bool {
        self.namespace
            .as_deref()
            .is_none_or(|namespace| resource["metadata"]["namespace"].as_str() == Some(namespace))
    }
}

/// Reads the parts of one policy, naming it and the JSON path in every error.
struct Reader<'a> {
    policy: &'a str,
}

impl Reader<'_> {
    fn invalid(&self, path: &str, message: impl Into<String>) -> PolicyError {
        PolicyError::Invalid {
            policy: self.policy.to_owned(),
            path: path.to_owned(),
            message: message.into(),
        }
    }

    fn object<'v>(
        &self,
        value: &'v Value,
        path: &str,
    ) -> Result<&'v Map<String, Value>, PolicyError> {
        value
            .as_object()
            .ok_or_else(|| self.invalid(path, "expected an object"))
    }

    fn string(&self, value: &Value, path: &str) -> Result<String, PolicyError> {
        value
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| self.invalid(path, "expected a string"))
    }

    fn typed<T: for<'de> Deserialize<'de>>(
        &self,
        value: &Value,
        path: &str,
    ) -> Result<T, PolicyError> {
        T::deserialize(value).map_err(|error| self.invalid(path, error.to_string()))
    }

    fn failure_action(
        &self,
        value: Option<&Value>,
        path: &str,
    ) -> Result<Option<FailureAction>, PolicyError> {
        value
            .map(|value| {
                value
                    .as_str()
                    .and_then(FailureAction::parse)
                    .ok_or_else(|| self.invalid(path, "expected Audit or Enforce"))
            })
            .transpose()
    }

    /// Reads each item of the list at `path` with `read`, which gets the item's own path
    /// (`path[index]`).
    fn each<T>(
        &self,
        list: &Value,
        path: &str,
        read: impl Fn(&Value, &str) -> Result<T, PolicyError>,
    ) -> Result<Vec<T>, PolicyError> {
        let Value::Array(items) = list else {
            return Err(self.invalid(path, "expected a list"));
        };
        items
            .iter()
            .enumerate()
            .map(|(index, item)| read(item, &format!("{path}[{index}]")))
            .collect()
    }

    fn entries(&self, value: Option<&Value>, path: &str) -> Result<Vec<Value>, PolicyError> {
        match value {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(entries)) => Ok(entries.clone()),
            Some(_) => Err(self.invalid(path, "expected a list")),
        }
    }

    fn rule(&self, rule: &Value, path: &str) -> Result<Rule, PolicyError> {
        let fields = self.object(rule, path)?;
        let name = self.string(&rule["name"], &format!("{path}.name"))?;
        let matching = self.typed(&rule["match"], &format!("{path}.match"))?;
        let exclude = match rule.get("exclude") {
            None | Some(Value::Null) => None,
            Some(exclude) => Some(self.typed(exclude, &format!("{path}.exclude"))?),
        };
        let kind = if let Some(validate) = fields.get("validate") {
            RuleKind::Validate(self.validate(validate, &format!("{path}.validate"))?)
        } else if let Some(mutate) = fields.get("mutate") {
            RuleKind::Mutate(Mutate {
                patch: self.mutate_patch(mutate, &format!("{path}.mutate"))?,
            })
        } else if let Some(generate) = fields.get("generate") {
            self.generate(generate, &format!("{path}.generate"))?
        } else if let Some(list) = fields.get("verifyImages") {
            match VerifyImages::new(list) {
                Ok(verify) => RuleKind::VerifyImages(verify),
                Err(SpecError::Unsupported(feature)) => RuleKind::Unsupported(feature),
                Err(SpecError::Invalid {
                    path: field,
                    message,
                }) => return Err(self.invalid(&format!("{path}.{field}"), message)),
            }
        } else {
            return Err(self.invalid(
                path,
                "a rule needs validate, mutate, generate or verifyImages",
            ));
        };
        Ok(Rule {
            name,
            matching,
            exclude,
            context: self.entries(fields.get("context"), &format!("{path}.context"))?,
            preconditions: self.preconditions(fields.get("preconditions"), path)?,
            kind,
        })
    }

    fn validate(&self, validate: &Value, path: &str) -> Result<Validate, PolicyError> {
        let fields = self.object(validate, path)?;
        Ok(Validate {
            message: fields
                .get("message")
                .map(|message| self.string(message, &format!("{path}.message")))
                .transpose()?,
            failure_action: self.failure_action(
                fields.get("failureAction"),
                &format!("{path}.failureAction"),
            )?,
            check: self.validate_check(fields, path)?,
        })
    }

    /// The check of a validate rule or of one foreach block, which share their fields.
    fn validate_check(
        &self,
        fields: &Map<String, Value>,
        path: &str,
    ) -> Result<ValidateCheck, PolicyError> {
        if let Some(pattern) = fields.get("pattern") {
            return self
                .pattern(pattern, &format!("{path}.pattern"))
                .map(ValidateCheck::Pattern);
        }
        if let Some(patterns) = fields.get("anyPattern") {
            return self
                .each(patterns, &format!("{path}.anyPattern"), |pattern, path| {
                    self.pattern(pattern, path)
                })
                .map(ValidateCheck::AnyPattern);
        }
        if let Some(deny) = fields.get("deny") {
            let conditions = deny.get("conditions").unwrap_or(&Value::Null);
            return self
                .typed(conditions, &format!("{path}.deny.conditions"))
                .map(ValidateCheck::Deny);
        }
        if let Some(foreach) = fields.get("foreach") {
            return self
                .each(foreach, &format!("{path}.foreach"), |block, path| {
                    self.validate_foreach(block, path)
                })
                .map(ValidateCheck::Foreach);
        }
        if let Some(pod_security) = fields.get("podSecurity") {
            return self
                .pod_security(pod_security, &format!("{path}.podSecurity"))
                .map(ValidateCheck::PodSecurity);
        }
        let feature = ["cel", "manifests", "assert"]
            .into_iter()
            .find(|feature| fields.contains_key(*feature))
            .unwrap_or("validate without pattern, anyPattern, deny, foreach or podSecurity");
        Ok(ValidateCheck::Unsupported(format!("validate.{feature}")))
    }

    fn generate(&self, generate: &Value, path: &str) -> Result<RuleKind, PolicyError> {
        let fields = self.object(generate, path)?;
        let Some(data) = fields.get("data") else {
            let feature = ["clone", "cloneList", "foreach"]
                .into_iter()
                .find(|feature| fields.contains_key(*feature))
                .unwrap_or("without data");
            return Ok(RuleKind::Unsupported(format!("generate.{feature}")));
        };
        let text = |field: &str| {
            fields
                .get(field)
                .map(|value| self.string(value, &format!("{path}.{field}")))
                .transpose()
        };
        Ok(RuleKind::Generate(Generate {
            api_version: text("apiVersion")?.unwrap_or_default(),
            kind: text("kind")?.unwrap_or_default(),
            name: text("name")?.unwrap_or_default(),
            namespace: text("namespace")?,
            data: data.clone(),
        }))
    }

    fn preconditions(
        &self,
        conditions: Option<&Value>,
        path: &str,
    ) -> Result<Option<Conditions>, PolicyError> {
        conditions
            .filter(|conditions| !conditions.is_null())
            .map(|conditions| self.typed(conditions, &format!("{path}.preconditions")))
            .transpose()
    }

    fn pattern(&self, pattern: &Value, path: &str) -> Result<PatternTemplate, PolicyError> {
        PatternTemplate::new(pattern).map_err(|error| self.invalid(path, error.to_string()))
    }

    fn validate_foreach(&self, block: &Value, path: &str) -> Result<ValidateForeach, PolicyError> {
        let fields = self.object(block, path)?;
        Ok(ValidateForeach {
            list: self.string(&block["list"], &format!("{path}.list"))?,
            element_scope: block["elementScope"].as_bool(),
            context: self.entries(fields.get("context"), &format!("{path}.context"))?,
            preconditions: self.preconditions(fields.get("preconditions"), path)?,
            check: self.validate_check(fields, path)?,
        })
    }

    fn pod_security(&self, block: &Value, path: &str) -> Result<PodSecurity, PolicyError> {
        let level = match block["level"].as_str() {
            Some("privileged") => PssLevel::Privileged,
            Some("baseline") => PssLevel::Baseline,
            Some("restricted") => PssLevel::Restricted,
            _ => {
                return Err(self.invalid(
                    &format!("{path}.level"),
                    "expected privileged, baseline or restricted",
                ));
            }
        };
        let version_text = block["version"].as_str().unwrap_or("latest");
        let version = match version_text {
            "latest" => PssVersion::LATEST,
            text => text
                .strip_prefix('v')
                .and_then(|text| text.strip_prefix("1."))
                .and_then(|minor| minor.parse().ok())
                .and_then(PssVersion::new)
                .ok_or_else(|| {
                    self.invalid(
                        &format!("{path}.version"),
                        format!("unknown version `{text}`"),
                    )
                })?,
        };
        let exclude = block["exclude"]
            .as_array()
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .enumerate()
            .map(|(index, entry)| {
                let entry_path = format!("{path}.exclude[{index}]");
                let control =
                    self.string(&entry["controlName"], &format!("{entry_path}.controlName"))?;
                let checks = checks_of_control(&control).ok_or_else(|| {
                    self.invalid(
                        &entry_path,
                        format!("unknown Pod Security control `{control}`"),
                    )
                })?;
                let images = match entry.get("images") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(images) => self.typed(images, &format!("{entry_path}.images"))?,
                };
                Ok(PodSecurityExclusion {
                    checks: checks.to_vec(),
                    images,
                })
            })
            .collect::<Result<_, PolicyError>>()?;
        Ok(PodSecurity {
            standards: PssPolicy::builder(level).version(version).build(),
            profile: format!("{}:{version_text}", level.as_str()),
            exclude,
        })
    }

    fn mutate_patch(&self, mutate: &Value, path: &str) -> Result<MutatePatch, PolicyError> {
        let fields = self.object(mutate, path)?;
        if fields.contains_key("targets") {
            return Ok(MutatePatch::Unsupported(
                "mutate.targets (mutate existing)".to_owned(),
            ));
        }
        if let Some(patch) = fields.get("patchStrategicMerge") {
            return Ok(MutatePatch::StrategicMerge(patch.clone()));
        }
        if let Some(patch) = fields.get("patchesJson6902") {
            return self
                .string(patch, &format!("{path}.patchesJson6902"))
                .map(MutatePatch::Json6902);
        }
        if let Some(foreach) = fields.get("foreach") {
            return self
                .each(foreach, &format!("{path}.foreach"), |block, path| {
                    let block_fields = self.object(block, path)?;
                    let element_patch = self.mutate_patch(block, path)?;
                    // Kyverno reverses strategic merge foreach by default: kustomize's merge
                    // prepends, so patching last to first keeps the list's order.
                    let descending = match block["order"].as_str() {
                        Some("Descending") => true,
                        Some("Ascending") => false,
                        _ => matches!(element_patch, MutatePatch::StrategicMerge(_)),
                    };
                    Ok(MutateForeach {
                        list: self.string(&block["list"], &format!("{path}.list"))?,
                        descending,
                        context: self
                            .entries(block_fields.get("context"), &format!("{path}.context"))?,
                        preconditions: self
                            .preconditions(block_fields.get("preconditions"), path)?,
                        patch: element_patch,
                    })
                })
                .map(MutatePatch::Foreach);
        }
        let feature = if fields.contains_key("cel") {
            "mutate.cel"
        } else {
            "mutate without a patch"
        };
        Ok(MutatePatch::Unsupported(feature.to_owned()))
    }
}

/// The checks behind one of Kyverno's Pod Security control names, as
/// `pkg/pss/utils` maps `controlName` to pod-security-admission check ids.
fn checks_of_control(control: &str) -> Option<&'static [CheckId]> {
    use CheckId::{
        AllowPrivilegeEscalation, AppArmorProfile, CapabilitiesBaseline, CapabilitiesRestricted,
        HostNamespaces, HostPathVolumes, HostPorts, HostProbesAndHostLifecycle, Privileged,
        ProcMount, ProcMountRestricted, RestrictedVolumes, RunAsNonRoot, RunAsUser, SeLinuxOptions,
        SeccompProfileBaseline, SeccompProfileRestricted, Sysctls, WindowsHostProcess,
    };
    Some(match control {
        "HostProcess" => &[WindowsHostProcess],
        "Host Namespaces" => &[HostNamespaces],
        "Privileged Containers" => &[Privileged],
        "Capabilities" => &[CapabilitiesBaseline, CapabilitiesRestricted],
        "HostPath Volumes" => &[HostPathVolumes],
        "Host Ports" => &[HostPorts],
        "AppArmor" => &[AppArmorProfile],
        "SELinux" => &[SeLinuxOptions],
        "/proc Mount Type" => &[ProcMount, ProcMountRestricted],
        "Seccomp" => &[SeccompProfileBaseline, SeccompProfileRestricted],
        "Sysctls" => &[Sysctls],
        "Volume Types" => &[RestrictedVolumes],
        "Privilege Escalation" => &[AllowPrivilegeEscalation],
        "Running as Non-root" => &[RunAsNonRoot],
        "Running as Non-root user" => &[RunAsUser],
        "Host Probes / Lifecycle Hooks" => &[HostProbesAndHostLifecycle],
        _ => return None,
    })
}
