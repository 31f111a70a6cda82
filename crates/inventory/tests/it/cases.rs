//! A table-driven runner for lockfile fixture folders of the conformance corpus, shared by the
//! Ruby, PHP and .NET tests: every file under the listed folders must be a [`Case`] or match an
//! exclusion rule that gives its reason, and every case must give exactly its expected
//! packages or an error at its line.

use std::collections::BTreeMap;
use std::path::Path;

use custody_inventory::{DatabaseKind, Position, parse_database};
use custody_model::Ecosystem;

/// What parsing a fixture must give.
pub(crate) enum Expected {
    /// Exactly these (name, version) records, in any order, each once.
    Packages(&'static [(&'static str, &'static str)]),
    /// A `ParseError` at this 1-based line.
    ErrorAt(usize),
}

/// One fixture: its folder (relative to `lockfiles/`), file (relative to the folder), format
/// and expected result.
pub(crate) type Case = (&'static str, &'static str, DatabaseKind, Expected);

/// An exclusion: the files whose paths (relative to `lockfiles/`) start with the first string
/// and end with the second (`""` for a whole folder), and why they are not cases.
pub(crate) type Exclusion = (&'static str, &'static str, &'static str);

/// Every file under `folder` of `base`, recursively, as sorted paths relative to `base` with
/// `/` separators.
pub(crate) fn files_under(base: &Path, folder: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut pending = vec![base.join(folder)];
    while let Some(directory) = pending.pop() {
        for entry in fs_err::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(base).unwrap();
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    found.sort();
    found
}

/// The outcome of parsing `content` as `kind`, as text for comparison and failure reports.
fn outcome(ecosystem: Ecosystem, kind: DatabaseKind, content: &[u8]) -> String {
    match parse_database(kind, content) {
        Ok(records) => {
            for record in &records {
                assert_eq!(record.ecosystem, ecosystem, "{record:?}");
                assert!(!record.name.is_empty() && !record.version.is_empty());
            }
            lines(
                records
                    .iter()
                    .map(|record| (&*record.name, &*record.version)),
            )
        }
        Err(error) => match error.position {
            Position::Line(line) => format!("error at line {line}"),
            Position::File => "error in file".to_owned(),
            Position::Offset(_) => format!("unexpected: {error}"),
        },
    }
}

/// (name, version) pairs as sorted `name version` lines; repeats stay, so they show.
fn lines<'a>(packages: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let mut lines: Vec<String> = packages
        .map(|(name, version)| format!("{name} {version}"))
        .collect();
    lines.sort();
    lines.join("\n")
}

/// The expected [`outcome`].
fn expected_outcome(expected: &Expected) -> String {
    match expected {
        Expected::Packages(packages) => lines(packages.iter().copied()),
        Expected::ErrorAt(line) => format!("error at line {line}"),
    }
}

/// Runs every fixture under `folders` of the `lockfiles/` corpus against `cases`, collecting
/// every failure; prints and returns the pass and exclusion counts. Fails when a file is
/// neither a case nor excluded, when a case is missing from the corpus, or when any case
/// differs.
#[expect(
    clippy::print_stderr,
    reason = "test support: the pass, fail and exclusion counts are the conformance report"
)]
pub(crate) fn run(
    ecosystem: Ecosystem,
    folders: &[&str],
    excluded: &[Exclusion],
    cases: &[Case],
) -> (usize, usize) {
    let base = crate::conformance("lockfiles");
    let fixtures: Vec<String> = folders
        .iter()
        .flat_map(|folder| files_under(&base, folder))
        .collect();
    let by_path: BTreeMap<String, &Case> = cases
        .iter()
        .map(|case| (format!("{}/{}", case.0, case.1), case))
        .collect();
    assert_eq!(by_path.len(), cases.len(), "a fixture is listed twice");

    let (mut passed, mut skipped) = (0, 0);
    let mut failures = Vec::new();
    for fixture in &fixtures {
        if excluded
            .iter()
            .any(|(prefix, suffix, _)| fixture.starts_with(prefix) && fixture.ends_with(suffix))
        {
            skipped += 1;
            continue;
        }
        let Some((_, _, kind, expected)) = by_path.get(fixture) else {
            failures.push(format!("{fixture}: not a case and not excluded"));
            continue;
        };
        let content = fs_err::read(base.join(fixture)).unwrap();
        let (got, want) = (
            outcome(ecosystem, *kind, &content),
            expected_outcome(expected),
        );
        if got == want {
            passed += 1;
        } else {
            failures.push(format!("{fixture}:\n--- expected\n{want}\n--- got\n{got}"));
        }
    }
    for listed in by_path.keys() {
        if !fixtures.contains(listed) {
            failures.push(format!("{listed}: a case, but missing from the corpus"));
        }
    }
    eprintln!(
        "{ecosystem:?} fixtures: {passed} passed, {} failed, {skipped} excluded ({} rules)",
        failures.len(),
        excluded.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(passed, cases.len(), "every case ran");
    (passed, skipped)
}

/// Parses every prefix of every fixture under `folders` (64 cuts each) as `kind_of(path)`:
/// nothing may panic, and every error must say where.
pub(crate) fn truncations_never_panic(
    folders: &[&str],
    kind_of: impl Fn(&str) -> Option<DatabaseKind>,
) {
    let base = crate::conformance("lockfiles");
    let mut parsed = 0;
    for fixture in folders.iter().flat_map(|folder| files_under(&base, folder)) {
        let Some(kind) = kind_of(&fixture) else {
            continue;
        };
        let content = fs_err::read(base.join(&fixture)).unwrap();
        let step = (content.len() / 64).max(1);
        for end in (0..content.len()).step_by(step) {
            parsed += 1;
            if let Err(error) = parse_database(kind, &content[..end]) {
                assert!(
                    matches!(error.position, Position::Line(line) if line > 0)
                        || error.position == Position::File,
                    "{fixture} cut at {end}: {error}"
                );
            }
        }
    }
    assert!(parsed > 0, "no fixture was cut");
}
