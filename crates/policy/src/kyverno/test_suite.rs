//! Kyverno CLI tests: `kyverno-test.yaml` files (`cli.kyverno.io/v1alpha1`, kind `Test`) that
//! name policies, resources, optional values and user info, and the result each rule must give
//! on each resource — run here as `kyverno test` runs them.
//!
//! Every policy is applied to every resource ([`engine::apply`]); each expected result is then
//! looked up by policy, rule, resource name and kind; a result naming a Pod rule is answered by
//! its generated `autogen-` or `autogen-cronjob-` variant on pod controllers. A rule that
//! produced no response (its match did not select the resource) counts as `skip`, as in
//! Kyverno's CLI. Expected patched
//! resources are compared with what the mutate rules produced. A case whose rule uses a feature
//! the engine does not evaluate is reported as [`CaseStatus::Unsupported`] with the feature's
//! name: never as passed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::context::{UserInfoFile, Values, default_namespace};
use super::engine::{self, PolicyResponse, Request, RuleStatus};
use super::matching::{Operation, UserInfo};
use super::policy::{Policy, PolicyError};
use crate::manifest::{ManifestError, read_objects, read_single};

/// Why a test file cannot be run.
#[derive(Debug, thiserror::Error)]
pub enum TestError {
    /// A file cannot be read or parsed.
    #[error(transparent)]
    Manifest(#[from] ManifestError),
    /// A policy cannot be read.
    #[error("{path}: {source}")]
    Policy {
        /// The policy file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: PolicyError,
    },
}

/// A `kyverno-test.yaml` file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TestFile {
    #[serde(default)]
    metadata: Metadata,
    /// Legacy tests carry their name at the top level.
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    policies: Vec<String>,
    #[serde(default)]
    resources: Vec<String>,
    #[serde(default)]
    variables: Option<String>,
    #[serde(default, alias = "userInfo")]
    userinfo: Option<String>,
    #[serde(default)]
    results: Vec<ExpectedResult>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Metadata {
    #[serde(default)]
    name: Option<String>,
}

/// One entry of a test's `results`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExpectedResult {
    policy: String,
    /// Absent for the newer policy types, whose policies have no rules.
    #[serde(default)]
    rule: String,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    resources: Vec<String>,
    /// Legacy single-resource form.
    #[serde(default)]
    resource: Option<String>,
    result: String,
    #[serde(default)]
    patched_resources: Option<String>,
    #[serde(default)]
    generated_resource: Option<String>,
}

/// The verdict on one expected result for one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    /// The engine gave the expected result (and patched resource).
    Passed,
    /// It gave another result, or another patched resource.
    Failed,
    /// The rule uses a feature the engine does not evaluate.
    Unsupported,
}

/// One expected result for one resource, and what the engine said.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// The policy.
    pub policy: String,
    /// The rule.
    pub rule: String,
    /// The resource's kind, when the test names it.
    pub kind: Option<String>,
    /// The resource's name.
    pub resource: String,
    /// The expected result (`pass`, `fail`, `skip`, ...).
    pub expected: String,
    /// The result the engine gave (`missing` when the resource or policy is not in the test,
    /// `error` when an input could not be read).
    pub actual: &'static str,
    /// The verdict.
    pub status: CaseStatus,
    /// Why it failed or is unsupported; the engine's message otherwise.
    pub message: String,
}

/// The outcome of one test file.
#[derive(Debug, Clone, Serialize)]
pub struct TestReport {
    /// The test file.
    pub path: PathBuf,
    /// The test's name.
    pub name: String,
    /// Every case, in the order of the file's results.
    pub cases: Vec<Case>,
}

impl TestReport {
    /// How many cases have `status`.
    #[must_use]
    pub fn count(&self, status: CaseStatus) -> usize {
        self.cases
            .iter()
            .filter(|case| case.status == status)
            .count()
    }
}

/// A resource of a test and where it came from.
struct Resource {
    object: Value,
}

impl Resource {
    fn name(&self) -> &str {
        self.object["metadata"]["name"].as_str().unwrap_or_default()
    }

    fn kind(&self) -> &str {
        self.object["kind"].as_str().unwrap_or_default()
    }
}

/// Runs one `kyverno-test.yaml` file.
///
/// A policy, resource, values or user info file that cannot be read fails every case of the
/// test with the reason (file, line and column of syntax errors), so one broken input never
/// hides the test's other results from a report.
///
/// # Errors
///
/// [`TestError`] when the test file itself cannot be read or is not a Kyverno test.
pub fn run(test_path: &Path) -> Result<TestReport, TestError> {
    let directory = test_path.parent().unwrap_or(Path::new("."));
    let test: TestFile = read_single(test_path)?;
    let name = test
        .metadata
        .name
        .clone()
        .or_else(|| test.name.clone())
        .unwrap_or_else(|| directory.display().to_string());
    let expected_cases = test.results.iter().flat_map(|expected| {
        expected
            .resources
            .iter()
            .chain(expected.resource.as_ref())
            .map(move |resource| (expected, resource.as_str()))
    });
    let cases = match Inputs::load(&test, directory) {
        Ok(inputs) => {
            let responses = inputs.apply();
            expected_cases
                .map(|(expected, resource)| inputs.judge(directory, expected, resource, &responses))
                .collect()
        }
        Err(error) => expected_cases
            .map(|(expected, resource)| {
                let mut case = Case::new(expected, resource);
                case.actual = "error";
                case.message = error.to_string();
                case
            })
            .collect(),
    };
    Ok(TestReport {
        path: test_path.to_path_buf(),
        name,
        cases,
    })
}

/// The policies, resources, values and requester a test names.
struct Inputs {
    policies: Vec<Policy>,
    /// Policies of the newer Kyverno types (`ValidatingPolicy`, `MutatingPolicy`, ...) by name,
    /// with their kind: their cases are unsupported.
    unsupported: BTreeMap<String, String>,
    resources: Vec<Resource>,
    values: Values,
    user: UserInfo,
}

/// The responses of every policy on every resource, keyed by (policy name, resource index).
type Responses<'a> = BTreeMap<(&'a str, usize), PolicyResponse>;

impl Inputs {
    fn load(test: &TestFile, directory: &Path) -> Result<Self, TestError> {
        let mut policies = Vec::new();
        let mut unsupported = BTreeMap::new();
        for file in &test.policies {
            let path = directory.join(file);
            for object in read_objects(&path)? {
                let api_version = object["apiVersion"].as_str().unwrap_or_default();
                if api_version.starts_with("policies.kyverno.io/")
                    || api_version.starts_with("admissionregistration.k8s.io/")
                {
                    unsupported.insert(
                        object["metadata"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_owned(),
                        object["kind"].as_str().unwrap_or_default().to_owned(),
                    );
                    continue;
                }
                let policy = Policy::from_value(&object).map_err(|source| TestError::Policy {
                    path: path.clone(),
                    source,
                })?;
                policies.push(policy);
            }
        }
        let mut resources = Vec::new();
        for file in &test.resources {
            resources.extend(
                read_objects(&directory.join(file))?
                    .into_iter()
                    .map(|mut object| {
                        default_namespace(&mut object);
                        Resource { object }
                    }),
            );
        }
        let values = match &test.variables {
            Some(file) => read_single(&directory.join(file))?,
            None => Values::default(),
        };
        let user = match &test.userinfo {
            Some(file) => read_single::<UserInfoFile>(&directory.join(file))?.into_user(),
            None => UserInfo::default(),
        };
        Ok(Self {
            policies,
            unsupported,
            resources,
            values,
            user,
        })
    }

    /// Applies every policy to every resource.
    fn apply(&self) -> Responses<'_> {
        let mut responses = BTreeMap::new();
        for policy in &self.policies {
            for (index, resource) in self.resources.iter().enumerate() {
                let namespace = resource.object["metadata"]["namespace"]
                    .as_str()
                    .unwrap_or("default");
                let namespace_labels = self.values.namespace_labels(namespace);
                let operation = requested_operation(&self.values, &policy.name, resource.name());
                let request = Request {
                    resource: &resource.object,
                    // An update without a prior version compares the resource with itself.
                    old_resource: (operation == Operation::Update).then_some(&resource.object),
                    operation,
                    user: &self.user,
                    namespace_labels: &namespace_labels,
                    values: &self.values,
                };
                responses.insert(
                    (policy.name.as_str(), index),
                    engine::apply(policy, &request),
                );
            }
        }
        responses
    }

    /// Compares one expected result for one resource with the engine's responses.
    fn judge(
        &self,
        directory: &Path,
        expected: &ExpectedResult,
        resource_name: &str,
        responses: &Responses<'_>,
    ) -> Case {
        let mut case = Case::new(expected, resource_name);
        if let Some(kind) = self.unsupported.get(&expected.policy) {
            case.status = CaseStatus::Unsupported;
            case.message = format!("`{kind}` policies are not supported by custody");
            return case;
        }
        // `namespace/name` names a namespaced resource in newer tests.
        let bare_name = resource_name.rsplit('/').next().unwrap_or(resource_name);
        let found = self.resources.iter().enumerate().find(|(_, resource)| {
            resource.name() == bare_name
                && expected
                    .kind
                    .as_deref()
                    .is_none_or(|kind| kind == resource.kind())
        });
        let Some((index, resource)) = found else {
            case.actual = "missing";
            case.message = format!("no resource named `{resource_name}` in the test's resources");
            return case;
        };
        let Some(response) = responses.get(&(expected.policy.as_str(), index)) else {
            case.actual = "missing";
            case.message = format!(
                "no policy named `{}` in the test's policies",
                expected.policy
            );
            return case;
        };
        // Results name the written rule for pod controllers too: its generated variants answer.
        let rule = [
            expected.rule.clone(),
            format!("autogen-{}", expected.rule),
            format!("autogen-cronjob-{}", expected.rule),
        ]
        .iter()
        .find_map(|name| response.rules.iter().find(|rule| rule.rule == *name));
        let (status, message) = rule.map_or(
            (RuleStatus::Skip, "the rule does not match the resource"),
            |rule| (rule.status, rule.message.as_str()),
        );
        case.actual = status.as_str();
        message.clone_into(&mut case.message);
        if status == RuleStatus::Unsupported {
            case.status = CaseStatus::Unsupported;
            return case;
        }
        if status.as_str() != expected.result {
            let (want, got) = (&expected.result, status.as_str());
            case.message = if message.is_empty() {
                format!("expected {want}, got {got}")
            } else {
                format!("expected {want}, got {got}: {message}")
            };
            return case;
        }
        if let Some(file) = &expected.generated_resource
            && let Err(difference) = compare_generated(&directory.join(file), &response.generated)
        {
            case.message = difference;
            return case;
        }
        if let Some(file) = &expected.patched_resources {
            let actual = response.patched.as_ref().unwrap_or(&resource.object);
            if let Err(difference) = compare_patched(&directory.join(file), actual) {
                case.message = difference;
                return case;
            }
        }
        case.status = CaseStatus::Passed;
        case
    }
}

impl Case {
    /// A case not judged yet: failed until shown otherwise.
    fn new(expected: &ExpectedResult, resource: &str) -> Self {
        Self {
            policy: expected.policy.clone(),
            rule: expected.rule.clone(),
            kind: expected.kind.clone(),
            resource: resource.to_owned(),
            expected: expected.result.clone(),
            actual: "",
            status: CaseStatus::Failed,
            message: String::new(),
        }
    }
}

/// An object's kind, namespace and name.
fn identity(object: &Value) -> (Value, Value, Value) {
    let metadata = &object["metadata"];
    (
        object["kind"].clone(),
        metadata["namespace"].clone(),
        metadata["name"].clone(),
    )
}

/// Compares each expected generated resource with the generated one of the same identity.
fn compare_generated(path: &Path, generated: &[Value]) -> Result<(), String> {
    for wanted in read_objects(path).map_err(|error| error.to_string())? {
        let found = generated
            .iter()
            .find(|object| identity(object) == identity(&wanted))
            .ok_or_else(|| {
                let (kind, namespace, name) = identity(&wanted);
                format!(
                    "no {kind} {namespace}/{name} was generated (expected by {})",
                    path.display()
                )
            })?;
        let (wanted, found) = (tidy(&wanted), tidy(found));
        if wanted != found {
            return Err(format!(
                "the generated resource differs from {}: {}",
                path.display(),
                first_difference(&wanted, &found, "")
            ));
        }
    }
    Ok(())
}

/// Compares the patched resource with the expected one of the same kind, namespace and name.
fn compare_patched(path: &Path, actual: &Value) -> Result<(), String> {
    let wanted = read_objects(path)
        .map_err(|error| error.to_string())?
        .into_iter()
        .map(|mut object| {
            default_namespace(&mut object);
            object
        })
        .find(|object| identity(object) == identity(actual))
        .ok_or_else(|| {
            let (kind, namespace, name) = identity(actual);
            format!("{} has no {kind} {namespace}/{name}", path.display())
        })?;
    let (wanted, actual) = (tidy(&wanted), tidy(actual));
    if wanted == actual {
        return Ok(());
    }
    Err(format!(
        "the patched resource differs from {}: {}",
        path.display(),
        first_difference(&wanted, &actual, "")
    ))
}

/// The object without nulls, empty maps and empty lists, as Kyverno's CLI tidies both sides
/// before comparing patched resources: a patch removing a list's last element leaves `[]`,
/// which the API server would not keep either.
fn tidy(value: &Value) -> Value {
    let kept = |value: &Value| match value {
        Value::Null => false,
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
        _ => true,
    };
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), tidy(value)))
                .filter(|(_, value)| kept(value))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(tidy).collect()),
        other => other.clone(),
    }
}

/// The operation a values file asks for (`request.operation: UPDATE`), else `CREATE`.
fn requested_operation(values: &Values, policy: &str, resource: &str) -> Operation {
    values
        .for_rule(policy, "", resource)
        .filter(|(key, _)| key.as_str() == "request.operation")
        .filter_map(|(_, value)| Operation::deserialize(value).ok())
        .last()
        .unwrap_or_default()
}

/// The first path where two values differ, for a readable mismatch message.
fn first_difference(wanted: &Value, actual: &Value, path: &str) -> String {
    match (wanted, actual) {
        (Value::Object(wanted), Value::Object(actual)) => {
            for (key, value) in wanted {
                let child = format!("{path}/{key}");
                match actual.get(key) {
                    Some(other) if other == value => {}
                    Some(other) => return first_difference(value, other, &child),
                    None => return format!("{child} is missing"),
                }
            }
            actual
                .keys()
                .find(|key| !wanted.contains_key(*key))
                .map_or_else(
                    || format!("{path} differs"),
                    |key| format!("{path}/{key} is unexpected"),
                )
        }
        (Value::Array(wanted), Value::Array(actual)) if wanted.len() == actual.len() => wanted
            .iter()
            .zip(actual)
            .enumerate()
            .find(|(_, (wanted, actual))| wanted != actual)
            .map_or_else(
                || format!("{path} differs"),
                |(index, (wanted, actual))| {
                    first_difference(wanted, actual, &format!("{path}/{index}"))
                },
            ),
        _ => format!("{path}: expected {wanted}, got {actual}"),
    }
}
