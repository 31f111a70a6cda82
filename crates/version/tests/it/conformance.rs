//! The version corpus (osv-scalibr's fixtures): every line, in both directions, in every
//! ecosystem it applies to. One test runs it all and reports every failure at once.

use std::cmp::Ordering;
use std::fmt::Write as _;

use custody_version::{Ecosystem, compare};

use crate::corpus::{self, operator};

/// A corpus line that cannot hold, with the reason. Matched on file name and exact line text.
struct Exclusion {
    /// A short name for the rule, printed with the count.
    rule: &'static str,
    file: &'static str,
    line: &'static str,
    /// Why no correct comparator can satisfy the line.
    reason: &'static str,
}

const EXCLUSIONS: &[Exclusion] = &[Exclusion {
    rule: "php-hash-equals-every-number",
    file: "packagist-versions.txt",
    line: "1.2.3.# = 1.2.3.1",
    reason: "PHP's version_compare calls a `#` part equal to any number, but the same file \
             also needs `1.2.3.# = 1.2.3`, and `1.2.3 < 1.2.3.1`; no total order has all \
             three, so `#` sorts like the end of a version, below every number",
}];

fn exclusion(file: &str, line: &str) -> Option<&'static Exclusion> {
    EXCLUSIONS
        .iter()
        .find(|exclusion| exclusion.file == file && exclusion.line == line)
}

/// Counts for one file in one ecosystem.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    excluded: usize,
}

/// Checks one comparison and its reverse; `Err` describes the failure.
fn check(ecosystem: Ecosystem, a: &str, expected: Ordering, b: &str) -> Result<(), String> {
    let scheme = ecosystem.scheme();
    let mut problems = Vec::new();
    for (left, right, expected) in [(a, b, expected), (b, a, expected.reverse())] {
        match compare(scheme, left, right) {
            Ok(got) if got == expected => {}
            Ok(got) => problems.push(format!(
                "expected `{left} {} {right}`, got `{left} {} {right}`",
                operator(expected),
                operator(got)
            )),
            Err(error) => problems.push(format!(
                "expected `{left} {} {right}`, got error: {error}",
                operator(expected)
            )),
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("; "))
    }
}

#[test]
fn version_corpus_holds_in_both_directions() {
    let files = corpus::load();
    let mut report = String::new();
    let mut failures = Vec::new();
    let mut total = Tally::default();
    let mut excluded_rules: Vec<&str> = Vec::new();
    for file in &files {
        for &ecosystem in &file.ecosystems {
            let mut tally = Tally::default();
            for case in &file.cases {
                let outcome = match &case.comparison {
                    Err(problem) => Err(format!("malformed line: {problem}")),
                    Ok(_) if exclusion(&file.name, &case.text).is_some() => {
                        tally.excluded += 1;
                        if let Some(rule) = exclusion(&file.name, &case.text) {
                            excluded_rules.push(rule.rule);
                        }
                        continue;
                    }
                    Ok((a, expected, b)) => check(ecosystem, a, *expected, b),
                };
                match outcome {
                    Ok(()) => tally.passed += 1,
                    Err(problem) => {
                        tally.failed += 1;
                        failures.push(format!(
                            "{}:{} [{ecosystem}] `{}`: {problem}",
                            file.name, case.line, case.text
                        ));
                    }
                }
            }
            let _ = writeln!(
                report,
                "{:<26} {:<10} passed {:>4}  failed {:>3}  excluded {:>2}",
                file.name,
                ecosystem.osv_name(),
                tally.passed,
                tally.failed,
                tally.excluded
            );
            total.passed += tally.passed;
            total.failed += tally.failed;
            total.excluded += tally.excluded;
        }
    }
    let _ = writeln!(
        report,
        "{:<37} passed {:>4}  failed {:>3}  excluded {:>2}",
        "total", total.passed, total.failed, total.excluded
    );
    excluded_rules.sort_unstable();
    excluded_rules.dedup();
    for rule in excluded_rules {
        if let Some(exclusion) = EXCLUSIONS.iter().find(|exclusion| exclusion.rule == rule) {
            let _ = writeln!(
                report,
                "excluded by {rule}: {}: `{}` ({})",
                exclusion.file, exclusion.line, exclusion.reason
            );
        }
    }
    println!("{report}");
    for failure in &failures {
        println!("FAIL {failure}");
    }

    assert!(
        total.passed + total.failed > 0,
        "the version corpus holds no cases"
    );
    assert!(
        failures.is_empty(),
        "{} of {} corpus comparisons failed (see above)",
        failures.len(),
        total.passed + total.failed
    );
    // Every exclusion must still match a corpus line, or it is stale.
    for exclusion in EXCLUSIONS {
        let matched = files.iter().any(|file| {
            file.name == exclusion.file && file.cases.iter().any(|case| case.text == exclusion.line)
        });
        assert!(
            matched,
            "exclusion {} matches no corpus line",
            exclusion.rule
        );
    }
}
