//! Pod Security Standards conformance: every fixture of kubernetes/pod-security-admission's
//! `test/testdata` (../shared/conformance/pss) gives upstream's verdict, and every failing
//! fixture is failed by the check its file name names.

use std::path::{Path, PathBuf};

use crate::corpus;
use custody_policy::{CheckId, PssLevel, PssPolicy, PssVersion};

fn sorted_entries(directory: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<_> = fs_err::read_dir(directory)
        .expect("corpus directory is readable")
        .map(|entry| entry.expect("corpus entry is readable").path())
        .collect();
    entries.sort();
    entries
}

/// The checks that may fail a fixture named `<prefix><N>.yaml`: the check whose id, lowercased,
/// is the prefix (upstream names fixtures `strings.ToLower(checkID)`), plus the restricted check
/// that overrides it at this level and version. `None` for `base*` fixtures, which only pass.
fn expected_checks(prefix: &str, level: PssLevel, version: PssVersion) -> Option<Vec<CheckId>> {
    let check = CheckId::ALL
        .iter()
        .copied()
        .find(|check| check.as_str().to_lowercase() == prefix)?;
    let mut checks = vec![check];
    if let Some((replacement, since)) = check.overridden_by()
        && replacement.level() <= level
        && version >= since
    {
        checks.push(replacement);
    }
    Some(checks)
}

#[test]
fn conformance_fixtures_match_upstream_verdicts() {
    let root = corpus("pss");
    let mut total = 0;
    let mut failures = Vec::new();
    for level in [PssLevel::Baseline, PssLevel::Restricted] {
        for version_directory in sorted_entries(&root.join(level.as_str())) {
            let name = version_directory
                .file_name()
                .and_then(|name| name.to_str())
                .expect("UTF-8 name");
            let version: PssVersion = name.parse().expect("version directory name is v1.N");
            let policy = PssPolicy::builder(level).version(version).build();
            for (verdict, expect_allowed) in [("pass", true), ("fail", false)] {
                let directory = version_directory.join(verdict);
                if !directory.is_dir() {
                    continue;
                }
                for file in sorted_entries(&directory) {
                    total += 1;
                    let text = fs_err::read_to_string(&file).expect("fixture is readable");
                    let pod: serde_json::Value =
                        serde_saphyr::from_str(&text).expect("fixture is YAML");
                    let outcome = policy.evaluate(&pod);
                    let shown = file
                        .strip_prefix(&root)
                        .unwrap_or(&file)
                        .display()
                        .to_string();
                    if outcome.is_allowed() != expect_allowed {
                        failures.push(format!("{shown}: expected {verdict}, got {outcome:?}"));
                        continue;
                    }
                    if expect_allowed {
                        continue;
                    }
                    let stem = file
                        .file_stem()
                        .and_then(|stem| stem.to_str())
                        .unwrap_or_default();
                    let prefix =
                        stem.trim_end_matches(|character: char| character.is_ascii_digit());
                    match expected_checks(prefix, level, version) {
                        Some(checks) => {
                            let found = outcome
                                .violations()
                                .iter()
                                .any(|violation| checks.contains(&violation.check));
                            if !found {
                                failures.push(format!(
                                    "{shown}: no violation of {checks:?}, got {:?}",
                                    outcome.violations()
                                ));
                            }
                        }
                        None => {
                            failures.push(format!("{shown}: failing fixture names no known check"));
                        }
                    }
                }
            }
        }
    }
    println!(
        "pss conformance: {} passed, {} failed, 0 excluded",
        total - failures.len(),
        failures.len()
    );
    assert!(total > 0, "the PSS corpus holds no fixtures");
    assert!(
        failures.is_empty(),
        "{} of {total} fixtures disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
