//! `custody policy pss`: reads manifests, evaluates every object with custody-policy's compiled
//! [`PssPolicy`], and prints a table or JSON.

use std::io::Write as _;
use std::path::Path;

use custody_policy::manifest::{collect_files, read_objects};
use custody_policy::{PssLevel, PssOutcome, PssPolicy, PssVersion, Violation};
use serde::Serialize;
use serde_json::Value;

use super::ExitStatus;
use crate::args::{PolicyCommand, PssArgs, PssFormat};
use crate::{printer, render};

/// Runs `custody policy`.
pub(crate) fn policy(command: &PolicyCommand, quiet: bool) -> anyhow::Result<ExitStatus> {
    match command {
        PolicyCommand::Pss(args) => pss(args, quiet),
        PolicyCommand::Apply(args) => super::kyverno::apply(args, quiet),
        PolicyCommand::Test(args) => super::kyverno::test(args, quiet),
    }
}

fn pss(args: &PssArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    let version: PssVersion = args.version.parse()?;
    let level = args.level;
    let policy = PssPolicy::builder(level).version(version).build();
    let mut files = Vec::new();
    for path in &args.paths {
        collect_files(path, &mut files)?;
    }
    let mut objects = Vec::new();
    for file in &files {
        for (document, object) in read_objects(file)?.into_iter().enumerate() {
            let outcome = policy.evaluate(&object);
            objects.push(ObjectResult::new(file, document + 1, &object, outcome));
        }
    }
    let count = |verdict: Verdict| {
        objects
            .iter()
            .filter(|object| object.verdict == verdict)
            .count()
    };
    let summary = Summary {
        level,
        version,
        allowed: count(Verdict::Allowed),
        denied: count(Verdict::Denied),
        not_applicable: count(Verdict::NotApplicable),
        objects,
    };
    match args.format {
        PssFormat::Json => printer::with_output(None, |out| render::json(&summary, out))?,
        PssFormat::Table => printer::with_output(None, |out| {
            if summary.objects.is_empty() {
                return Ok(());
            }
            writeln!(out, "{}", table(&summary.objects))
        })?,
    }
    if !quiet {
        let mut stderr = anstream::stderr().lock();
        writeln!(
            stderr,
            "{} objects at {level} {version}: {} allowed, {} denied, {} not applicable",
            summary.objects.len(),
            summary.allowed,
            summary.denied,
            summary.not_applicable
        )?;
    }
    Ok(if summary.denied == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Findings(1)
    })
}

/// The verdict on one object, as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Verdict {
    Allowed,
    Denied,
    NotApplicable,
}

/// `custody policy pss --format json`:
///
/// ```json
/// {"level": "restricted", "version": "v1.37",
///  "objects": [{"file": "deploy/web.yaml", "document": 1, "kind": "Deployment",
///               "namespace": "shop", "name": "web", "verdict": "denied",
///               "violations": [{"check": "privileged", "reason": "privileged",
///                               "detail": "container \"app\" must not set securityContext.privileged=true",
///                               "paths": ["spec.template.spec.containers[0].securityContext.privileged"]}]}],
///  "allowed": 0, "denied": 1, "notApplicable": 0}
/// ```
///
/// `document` counts from 1 within the file; `namespace` and `name` are null when absent;
/// `verdict` is `allowed`, `denied` or `not-applicable` (objects with no pod spec); `check` is
/// pod-security-admission's check id and `reason`/`detail` its message; `paths` locate the
/// offending fields within the object. The three counts add up to the number of objects.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Summary {
    level: PssLevel,
    version: PssVersion,
    objects: Vec<ObjectResult>,
    allowed: usize,
    denied: usize,
    not_applicable: usize,
}

/// One object of [`Summary`].
#[derive(Serialize)]
struct ObjectResult {
    file: String,
    document: usize,
    kind: Option<String>,
    namespace: Option<String>,
    name: Option<String>,
    verdict: Verdict,
    violations: Vec<Violation>,
}

impl ObjectResult {
    fn new(file: &Path, document: usize, object: &Value, outcome: PssOutcome) -> Self {
        let text = |value: Option<&Value>| value.and_then(Value::as_str).map(str::to_owned);
        let metadata = object.get("metadata");
        let (verdict, violations) = match outcome {
            PssOutcome::Allowed => (Verdict::Allowed, Vec::new()),
            PssOutcome::Denied(violations) => (Verdict::Denied, violations),
            PssOutcome::NotApplicable => (Verdict::NotApplicable, Vec::new()),
        };
        Self {
            file: file.display().to_string(),
            document,
            kind: text(object.get("kind")),
            namespace: text(metadata.and_then(|metadata| metadata.get("namespace"))),
            name: text(metadata.and_then(|metadata| metadata.get("name"))),
            verdict,
            violations,
        }
    }
}

fn table(objects: &[ObjectResult]) -> comfy_table::Table {
    let mut table = render::new_table(["KIND", "NAMESPACE", "NAME", "VERDICT", "VIOLATIONS"]);
    for object in objects {
        let verdict = match object.verdict {
            Verdict::Allowed => "allowed",
            Verdict::Denied => "denied",
            Verdict::NotApplicable => "not applicable",
        };
        let violations = object
            .violations
            .iter()
            .map(|violation| format!("{}: {violation}", violation.check))
            .collect::<Vec<_>>()
            .join("\n");
        table.add_row([
            object.kind.as_deref().unwrap_or("-"),
            object.namespace.as_deref().unwrap_or("-"),
            object.name.as_deref().unwrap_or("-"),
            verdict,
            &violations,
        ]);
    }
    table
}
