//! The Kyverno conformance target of issue 6: every `kyverno-test.yaml` of the classic policy
//! folders (`best-practices`, `other`, `pod-security`) run through the test runner, with the
//! per-folder counts printed; at least 90% of the expected results must match and every
//! mismatch is listed. The CEL, `ValidatingPolicy` and `MutatingPolicy` folders are run too: they
//! are out of scope, but reading them must not panic.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use custody_policy::kyverno::test_suite::{self, CaseStatus};

use crate::{collect_yaml, corpus};

/// Every `kyverno-test.yaml` under `folder`, sorted.
fn test_files(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    collect_yaml(folder, &mut files);
    files.retain(|file| {
        file.file_name()
            .is_some_and(|name| name == "kyverno-test.yaml")
    });
    files.sort();
    files
}

/// Per-folder tallies of case verdicts.
#[derive(Debug, Default)]
struct Tally {
    tests: usize,
    passed: usize,
    failed: usize,
    unsupported: usize,
}

#[test]
fn classic_policy_tests_meet_the_target() {
    let root = corpus("kyverno");
    let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut mismatches = Vec::new();
    let mut unsupported: BTreeMap<String, usize> = BTreeMap::new();
    for folder in ["best-practices", "other", "pod-security"] {
        let tally = tallies.entry(folder).or_default();
        for file in test_files(&root.join(folder)) {
            tally.tests += 1;
            let report = test_suite::run(&file)
                .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
            for case in &report.cases {
                match case.status {
                    CaseStatus::Passed => tally.passed += 1,
                    CaseStatus::Failed => {
                        tally.failed += 1;
                        mismatches.push(format!(
                            "{}: {}/{} on {}: {}",
                            file.strip_prefix(&root).unwrap_or(&file).display(),
                            case.policy,
                            case.rule,
                            case.resource,
                            case.message
                        ));
                    }
                    CaseStatus::Unsupported => {
                        tally.unsupported += 1;
                        *unsupported.entry(case.message.clone()).or_default() += 1;
                    }
                }
            }
        }
    }
    let mut total = Tally::default();
    for (folder, tally) in &tallies {
        println!(
            "{folder}: {} tests, {} passed, {} failed, {} unsupported",
            tally.tests, tally.passed, tally.failed, tally.unsupported
        );
        total.tests += tally.tests;
        total.passed += tally.passed;
        total.failed += tally.failed;
        total.unsupported += tally.unsupported;
    }
    let cases = total.passed + total.failed + total.unsupported;
    println!(
        "all: {} tests, {cases} cases, {} passed, {} failed, {} unsupported",
        total.tests, total.passed, total.failed, total.unsupported
    );
    for (feature, count) in &unsupported {
        println!("unsupported ({count}): {feature}");
    }
    for mismatch in &mismatches {
        println!("MISMATCH {mismatch}");
    }
    assert_eq!(total.tests, 162, "the corpus has 162 classic tests");
    assert!(
        total.passed * 10 >= cases * 9,
        "{} of {cases} cases passed, below the 90% target",
        total.passed
    );
}

/// The folders of the newer policy types (CEL, `ValidatingPolicy`, `MutatingPolicy`,
/// `GeneratingPolicy`) are out of scope: their tests must load or fail with an error, never
/// panic, and never pass a `pass`/`fail` case the engine did not evaluate.
#[test]
fn newer_policy_types_do_not_crash_the_runner() {
    let root = corpus("kyverno");
    let mut ran = 0;
    for entry in fs_err::read_dir(&root).expect("the corpus is readable") {
        let folder = entry.expect("a readable entry").path();
        let name = folder
            .file_name()
            .and_then(|name| name.to_str())
            .unwrap_or_default();
        if !folder.is_dir()
            || !name.contains('-')
            || ["best-practices", "pod-security"].contains(&name)
        {
            continue;
        }
        for file in test_files(&folder) {
            ran += 1;
            if let Ok(report) = test_suite::run(&file) {
                // A rule whose match does not select a resource is a correct skip; any other
                // verdict needs the rule evaluated, which CEL rules are not.
                for case in report.cases.iter().filter(|case| case.expected != "skip") {
                    assert_ne!(
                        case.status,
                        CaseStatus::Passed,
                        "{}: {}/{} passed without a classic rule to evaluate",
                        file.display(),
                        case.policy,
                        case.rule
                    );
                }
            }
        }
    }
    assert!(ran > 100, "only {ran} tests in the newer folders");
}
