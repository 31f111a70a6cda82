//! Users' own checks, written as Kyverno `ClusterPolicy`/`Policy` objects (`--policy DIR`)
//! and evaluated by custody-policy's Kyverno engine exactly as `custody policy apply` does.
//!
//! Each failing validate rule becomes a finding with id `<policy>/<rule>`; its title,
//! severity and description come from the annotations Kyverno's own policies carry for policy
//! reports (`policies.kyverno.io/title`, `policies.kyverno.io/severity`,
//! `policies.kyverno.io/description`). A rule that errors or uses a feature the engine does not
//! evaluate is a [`PolicyWarning`], never a finding: a verdict nobody computed must not look
//! like one.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use custody_model::{Location, Misconfiguration, Severity};
use custody_policy::kyverno::context::{Values, default_namespace};
use custody_policy::kyverno::engine::{self, Request, RuleStatus};
use custody_policy::kyverno::matching::{Operation, UserInfo};
use custody_policy::kyverno::policy::{Policy, PolicyError};
use custody_policy::manifest::{ManifestError, collect_files};
use serde_json::Value;

use super::document::{self, MAX_BYTES, Object};

const TITLE: &str = "policies.kyverno.io/title";
const SEVERITY: &str = "policies.kyverno.io/severity";
const DESCRIPTION: &str = "policies.kyverno.io/description";

/// Why user policies cannot be loaded; every variant names the file, and parse errors the
/// line.
#[derive(Debug, thiserror::Error)]
pub enum PolicyLoadError {
    /// A file or directory cannot be read (the error names the path).
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// A directory cannot be walked.
    #[error(transparent)]
    Walk(#[from] ManifestError),
    /// A policy file is larger than a manifest may be.
    #[error("{file}: {size} bytes, more than the {MAX_BYTES} bytes a policy file may have")]
    TooLarge {
        /// The file.
        file: PathBuf,
        /// Its size in bytes.
        size: u64,
    },
    /// A policy file is not valid YAML or JSON, or holds something other than objects.
    #[error("{file}:{line}: {message}")]
    Syntax {
        /// The file.
        file: PathBuf,
        /// The 1-based line of the problem.
        line: u32,
        /// What is wrong.
        message: String,
    },
    /// An object of kind `ClusterPolicy` or `Policy` is not a valid Kyverno policy.
    #[error("{file}:{line}: invalid Kyverno policy")]
    Invalid {
        /// The file.
        file: PathBuf,
        /// The 1-based line where the policy object starts.
        line: u32,
        /// What custody-policy refused.
        #[source]
        source: PolicyError,
    },
    /// A path given holds no `ClusterPolicy` or `Policy` at all, which is surely a mistake.
    #[error("{path}: no Kyverno ClusterPolicy or Policy found")]
    NoPolicies {
        /// The file or directory given.
        path: PathBuf,
    },
}

/// A user policy rule that could not give a verdict on one object: the engine reported an
/// error (a variable that needs the cluster, a malformed pattern) or a feature it does not
/// evaluate. The object was neither passed nor failed by that rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyWarning {
    /// The scanned file, as given to [`KubernetesScanner::scan`](super::KubernetesScanner::scan).
    pub path: String,
    /// The line where the object starts.
    pub line: u32,
    /// The object, as `Kind/namespace/name`.
    pub resource: Option<String>,
    /// The policy's name.
    pub policy: String,
    /// The rule's name.
    pub rule: String,
    /// Whether the rule uses a feature custody does not evaluate (else it errored).
    pub unsupported: bool,
    /// The engine's explanation.
    pub message: String,
}

impl fmt::Display for PolicyWarning {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = if self.unsupported {
            "unsupported"
        } else {
            "error"
        };
        write!(
            formatter,
            "{}:{}: policy `{}` rule `{}` ",
            self.path, self.line, self.policy, self.rule
        )?;
        if let Some(resource) = &self.resource {
            write!(formatter, "on {resource} ")?;
        }
        write!(formatter, "gave no verdict ({status}): {}", self.message)
    }
}

/// What the report shows for a policy, read from its annotations.
#[derive(Debug, Clone)]
struct Presentation {
    title: String,
    severity: Severity,
    description: String,
}

/// The loaded user policies, ready to apply to objects.
#[derive(Debug, Clone, Default)]
pub(crate) struct UserPolicies {
    /// In load order (files sorted, documents in file order), as admission would apply them.
    policies: Vec<Policy>,
    /// One per policy, same order.
    presentations: Vec<Presentation>,
}

impl UserPolicies {
    /// Loads every `ClusterPolicy` and `Policy` in the files and directories given
    /// (directories recursively, `.yaml`, `.yml` and `.json` files, sorted). Other objects
    /// (Kyverno CLI tests, resources next to the policies) are skipped.
    pub(crate) fn load(paths: &[PathBuf]) -> Result<Self, PolicyLoadError> {
        let mut loaded = Self::default();
        for path in paths {
            let before = loaded.policies.len();
            let mut files = Vec::new();
            collect_files(path, &mut files)?;
            for file in files {
                loaded.load_file(&file)?;
            }
            if loaded.policies.len() == before {
                return Err(PolicyLoadError::NoPolicies { path: path.clone() });
            }
        }
        Ok(loaded)
    }

    fn load_file(&mut self, file: &Path) -> Result<(), PolicyLoadError> {
        let size = fs_err::metadata(file)?.len();
        if usize::try_from(size).map_or(true, |size| size > MAX_BYTES) {
            return Err(PolicyLoadError::TooLarge {
                file: file.to_path_buf(),
                size,
            });
        }
        let bytes = fs_err::read(file)?;
        let manifest = document::read(&bytes);
        if let Some(problem) = manifest.problems.first() {
            return Err(PolicyLoadError::Syntax {
                file: file.to_path_buf(),
                line: problem.line,
                message: problem.message.clone(),
            });
        }
        for object in manifest.objects {
            let kind = object.value["kind"].as_str().unwrap_or_default();
            if kind != "ClusterPolicy" && kind != "Policy" {
                continue;
            }
            let policy =
                Policy::from_value(&object.value).map_err(|source| PolicyLoadError::Invalid {
                    file: file.to_path_buf(),
                    line: object.first_line(),
                    source,
                })?;
            self.presentations
                .push(Presentation::of(&object.value, &policy.name));
            self.policies.push(policy);
        }
        Ok(())
    }

    /// Whether no policy is loaded.
    pub(crate) fn is_empty(&self) -> bool {
        self.policies.is_empty()
    }

    /// Applies every policy to `object` of the file at `path`, as a create request in a
    /// namespace without labels; failing validate rules become findings, errors and
    /// unsupported rules warnings.
    pub(crate) fn evaluate(
        &self,
        path: &str,
        object: &Object,
        resource: Option<&String>,
        findings: &mut Vec<Misconfiguration>,
        warnings: &mut Vec<PolicyWarning>,
    ) {
        if self.is_empty() {
            return;
        }
        // `kyverno apply` puts namespaced objects without a namespace in `default`.
        let mut subject = object.value.clone();
        default_namespace(&mut subject);
        let (user, namespace_labels, values) =
            (UserInfo::default(), BTreeMap::new(), Values::default());
        let request = Request {
            resource: &subject,
            old_resource: None,
            operation: Operation::Create,
            user: &user,
            namespace_labels: &namespace_labels,
            values: &values,
        };
        let responses = engine::apply_all(&self.policies, &request);
        for ((policy, presentation), response) in
            self.policies.iter().zip(&self.presentations).zip(responses)
        {
            for rule in response.rules {
                let unsupported = match rule.status {
                    RuleStatus::Fail => {
                        findings.push(Misconfiguration {
                            id: format!("{}/{}", policy.name, rule.rule),
                            title: presentation.title.clone(),
                            severity: presentation.severity,
                            description: presentation.description.clone(),
                            remediation: format!(
                                "Change the object so that rule `{}` of policy `{}` passes.",
                                rule.rule, policy.name
                            ),
                            references: Vec::new(),
                            location: Location::new(path),
                            line: failure_line(object, &rule.message),
                            resource: resource.cloned(),
                            message: rule.message,
                        });
                        continue;
                    }
                    RuleStatus::Pass | RuleStatus::Skip => continue,
                    RuleStatus::Error => false,
                    RuleStatus::Unsupported => true,
                };
                warnings.push(PolicyWarning {
                    path: path.to_owned(),
                    line: object.first_line(),
                    resource: resource.cloned(),
                    policy: policy.name.clone(),
                    rule: rule.rule,
                    unsupported,
                    message: rule.message,
                });
            }
        }
    }
}

/// The line a failure message points at: Kyverno's pattern failures end in
/// `failed at path /spec/containers/0/image/: ...`; other failures point at the object.
fn failure_line(object: &Object, message: &str) -> u32 {
    message
        .split_once("failed at path ")
        .and_then(|(_, rest)| rest.split([':', ' ']).next())
        .filter(|pointer| pointer.starts_with('/'))
        .map_or_else(
            || object.first_line(),
            |pointer| object.line_of_pointer(pointer),
        )
}

impl Presentation {
    fn of(object: &Value, name: &str) -> Self {
        let annotation = |key: &str| {
            object["metadata"]["annotations"][key]
                .as_str()
                .map(str::trim)
                .filter(|text| !text.is_empty())
        };
        Self {
            title: annotation(TITLE).unwrap_or(name).to_owned(),
            severity: annotation(SEVERITY).map_or(Severity::Medium, parse_severity),
            description: annotation(DESCRIPTION).unwrap_or_default().to_owned(),
        }
    }
}

/// Kyverno's policy report severities (`critical`, `high`, `medium`, `low`, `info`); `info`
/// is the lowest custody has, and anything unknown is Kyverno's report default, medium.
fn parse_severity(text: &str) -> Severity {
    if text.eq_ignore_ascii_case("info") {
        return Severity::Low;
    }
    Severity::from_str(text).unwrap_or(Severity::Medium)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_follow_kyverno_report_names() {
        assert_eq!(parse_severity("high"), Severity::High);
        assert_eq!(parse_severity("Critical"), Severity::Critical);
        assert_eq!(parse_severity("info"), Severity::Low);
        assert_eq!(parse_severity("urgent"), Severity::Medium);
    }

    #[test]
    fn failure_lines_follow_the_pattern_path() {
        let manifest = document::read(
            b"kind: Pod\nmetadata:\n  name: a\nspec:\n  containers:\n  - name: app\n    image: nginx\n",
        );
        let object = &manifest.objects[0];
        assert_eq!(
            failure_line(
                object,
                "validation error: no latest; rule r failed at path /spec/containers/0/image/"
            ),
            7
        );
        assert_eq!(
            failure_line(
                object,
                "validation error: x; failed at path /metadata/labels/: y"
            ),
            2
        );
        assert_eq!(failure_line(object, "denied"), 1);
    }
}
