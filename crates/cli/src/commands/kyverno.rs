//! `custody policy apply` and `custody policy test`: Kyverno policies evaluated by
//! custody-policy's engine, printed as tables or JSON.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use custody_policy::kyverno::context::{UserInfoFile, Values, default_namespace};
use custody_policy::kyverno::engine::{self, Request, RuleResponse, RuleStatus};
use custody_policy::kyverno::matching::{Operation, UserInfo};
use custody_policy::kyverno::policy::Policy;
use custody_policy::kyverno::test_suite::{self, CaseStatus, TestReport};
use custody_policy::manifest::{collect_files, read_objects, read_single};
use serde::Serialize;
use serde_json::Value;

use super::ExitStatus;
use crate::args::{ApplyArgs, PolicyFormat, TestArgs};
use crate::{printer, render};

/// `custody policy apply --format json`: see the end of `custody policy apply --help`.
#[derive(Serialize)]
struct ApplyReport {
    results: Vec<ApplyResult>,
    patched: Vec<Value>,
    generated: Vec<Value>,
    summary: Summary,
}

/// One rule's response on one resource.
#[derive(Serialize)]
struct ApplyResult {
    policy: String,
    resource: ResourceId,
    #[serde(flatten)]
    response: RuleResponse,
}

/// Which resource a result is about.
#[derive(Serialize)]
struct ResourceId {
    kind: String,
    namespace: Option<String>,
    name: String,
}

impl ResourceId {
    fn of(object: &Value) -> Self {
        let metadata = &object["metadata"];
        Self {
            kind: object["kind"].as_str().unwrap_or_default().to_owned(),
            namespace: metadata["namespace"].as_str().map(str::to_owned),
            name: metadata["name"].as_str().unwrap_or_default().to_owned(),
        }
    }

    fn display(&self) -> String {
        match &self.namespace {
            Some(namespace) => format!("{}/{namespace}/{}", self.kind, self.name),
            None => format!("{}/{}", self.kind, self.name),
        }
    }
}

/// Counts of rule responses by status.
#[derive(Default, Serialize)]
struct Summary {
    pass: usize,
    fail: usize,
    skip: usize,
    error: usize,
    unsupported: usize,
}

impl Summary {
    fn add(&mut self, status: RuleStatus) {
        let count = match status {
            RuleStatus::Pass => &mut self.pass,
            RuleStatus::Fail => &mut self.fail,
            RuleStatus::Skip => &mut self.skip,
            RuleStatus::Error => &mut self.error,
            RuleStatus::Unsupported => &mut self.unsupported,
        };
        *count += 1;
    }
}

/// Runs `custody policy apply`.
pub(crate) fn apply(args: &ApplyArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    let policies = read_policies(&args.policies)?;
    let mut resources = Vec::new();
    for path in &args.resources {
        let mut files = Vec::new();
        collect_files(path, &mut files)?;
        for file in files {
            resources.extend(read_objects(&file)?.into_iter().map(|mut resource| {
                default_namespace(&mut resource);
                resource
            }));
        }
    }
    let values: Values = match &args.values {
        Some(path) => read_single(path)?,
        None => Values::default(),
    };
    let user = match &args.userinfo {
        Some(path) => read_single::<UserInfoFile>(path)?.into_user(),
        None => UserInfo::default(),
    };
    let mut report = ApplyReport {
        results: Vec::new(),
        patched: Vec::new(),
        generated: Vec::new(),
        summary: Summary::default(),
    };
    for resource in &resources {
        let namespace = resource["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default");
        let namespace_labels = values.namespace_labels(namespace);
        let request = Request {
            resource,
            old_resource: None,
            operation: Operation::Create,
            user: &user,
            namespace_labels: &namespace_labels,
            values: &values,
        };
        let responses = engine::apply_all(&policies, &request);
        let mut patched = None;
        for (policy, response) in policies.iter().zip(responses) {
            for rule in response.rules {
                report.summary.add(rule.status);
                report.results.push(ApplyResult {
                    policy: policy.name.clone(),
                    resource: ResourceId::of(resource),
                    response: rule,
                });
            }
            patched = response.patched.or(patched);
            report.generated.extend(response.generated);
        }
        report.patched.extend(patched);
    }
    match args.format {
        PolicyFormat::Json => printer::with_output(None, |out| render::json(&report, out))?,
        PolicyFormat::Table => printer::with_output(None, |out| {
            if !report.results.is_empty() {
                writeln!(out, "{}", apply_table(&report.results))?;
            }
            Ok(())
        })?,
    }
    let summary = &report.summary;
    if !quiet {
        let mut stderr = anstream::stderr().lock();
        writeln!(
            stderr,
            "{} on {}: pass {}, fail {}, skip {}, error {}, unsupported {}",
            counted(policies.len(), "policy", "policies"),
            counted(resources.len(), "resource", "resources"),
            summary.pass,
            summary.fail,
            summary.skip,
            summary.error,
            summary.unsupported
        )?;
    }
    if summary.unsupported > 0 {
        printer::warn(
            "some rules use features custody does not evaluate; see the unsupported results",
        );
    }
    Ok(if summary.fail + summary.error == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Findings(1)
    })
}

/// `1 policy`, `2 policies`.
fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

fn apply_table(results: &[ApplyResult]) -> comfy_table::Table {
    let mut table = render::new_table(["POLICY", "RULE", "RESOURCE", "RESULT", "MESSAGE"]);
    for result in results {
        table.add_row([
            result.policy.as_str(),
            result.response.rule.as_str(),
            &result.resource.display(),
            result.response.status.as_str(),
            result.response.message.as_str(),
        ]);
    }
    table
}

/// Reads every `ClusterPolicy` and `Policy` in the files and directories given.
fn read_policies(paths: &[PathBuf]) -> anyhow::Result<Vec<Policy>> {
    let mut policies = Vec::new();
    for path in paths {
        let mut files = Vec::new();
        collect_files(path, &mut files)?;
        for file in files {
            for object in read_objects(&file)? {
                let policy = Policy::from_value(&object)
                    .with_context(|| format!("reading {}", file.display()))?;
                policies.push(policy);
            }
        }
    }
    Ok(policies)
}

/// Runs `custody policy test`.
pub(crate) fn test(args: &TestArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    let mut files = Vec::new();
    for path in &args.paths {
        collect_test_files(path, &mut files)?;
    }
    if files.is_empty() {
        anyhow::bail!("no kyverno-test.yaml files under the paths given");
    }
    let mut reports = Vec::new();
    let mut broken = 0_usize;
    for file in &files {
        match test_suite::run(file) {
            Ok(report) => reports.push(report),
            Err(error) => {
                broken += 1;
                printer::warn(&format!("{error:#}"));
            }
        }
    }
    let total = |status: CaseStatus| {
        reports
            .iter()
            .map(|report| report.count(status))
            .sum::<usize>()
    };
    let (passed, failed, unsupported) = (
        total(CaseStatus::Passed),
        total(CaseStatus::Failed),
        total(CaseStatus::Unsupported),
    );
    match args.format {
        PolicyFormat::Json => printer::with_output(None, |out| render::json(&reports, out))?,
        PolicyFormat::Table => printer::with_output(None, |out| {
            for report in &reports {
                write_test_report(report, args.detailed_results, out)?;
            }
            writeln!(
                out,
                "{passed} passed, {failed} failed, {unsupported} unsupported"
            )
        })?,
    }
    if !quiet && args.format == PolicyFormat::Json {
        let mut stderr = anstream::stderr().lock();
        writeln!(
            stderr,
            "{passed} passed, {failed} failed, {unsupported} unsupported"
        )?;
    }
    if broken > 0 {
        anyhow::bail!("{broken} of {} test files could not be run", files.len());
    }
    Ok(if failed + unsupported == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Findings(1)
    })
}

/// One test's heading line and the table of its cases (only those that did not pass, unless
/// `detailed`).
fn write_test_report(
    report: &TestReport,
    detailed: bool,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{} ({}): {} passed, {} failed, {} unsupported",
        report.name,
        report.path.display(),
        report.count(CaseStatus::Passed),
        report.count(CaseStatus::Failed),
        report.count(CaseStatus::Unsupported)
    )?;
    let shown: Vec<_> = report
        .cases
        .iter()
        .filter(|case| detailed || case.status != CaseStatus::Passed)
        .collect();
    if shown.is_empty() {
        return Ok(());
    }
    let mut table = render::new_table([
        "POLICY", "RULE", "RESOURCE", "WANT", "GOT", "VERDICT", "REASON",
    ]);
    for case in shown {
        let resource = match &case.kind {
            Some(kind) => format!("{kind}/{}", case.resource),
            None => case.resource.clone(),
        };
        let verdict = match case.status {
            CaseStatus::Passed => "passed",
            CaseStatus::Failed => "FAILED",
            CaseStatus::Unsupported => "unsupported",
        };
        table.add_row([
            case.policy.as_str(),
            case.rule.as_str(),
            &resource,
            case.expected.as_str(),
            case.actual,
            verdict,
            case.message.as_str(),
        ]);
    }
    writeln!(out, "{table}")
}

/// Adds `path` if it is a file, or the `kyverno-test.yaml` files under it (sorted, including
/// hidden `.kyverno-test` directories) if it is a directory.
fn collect_test_files(path: &Path, files: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let mut found = Vec::new();
    collect_files(path, &mut found)?;
    let is_directory = fs_err::metadata(path)?.is_dir();
    files.extend(found.into_iter().filter(|file| {
        !is_directory
            || file
                .file_name()
                .is_some_and(|name| name == "kyverno-test.yaml")
    }));
    Ok(())
}
