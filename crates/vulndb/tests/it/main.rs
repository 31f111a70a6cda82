//! custody-vulndb's integration tests: one binary. `conformance` imports the real advisory
//! corpora and checks records read by hand; `import` covers idempotence, updates and zip
//! archives; `bad_input` covers what must be skipped or refused; `update` downloads archives
//! from an HTTP server on loopback.
#![expect(
    clippy::unwrap_used,
    reason = "test support code: a failed unwrap is a failed test"
)]

mod bad_input;
mod conformance;
mod import;
mod matching;
mod oracle;
mod ratings;
mod suppress;
mod update;

use std::cmp::Ordering;
use std::num::ParseIntError;
use std::path::{Path, PathBuf};

use custody_vulndb::{Database, NoImportReporter};

/// The advisory corpora: `CUSTODY_CONFORMANCE_DIR`, or `../shared/conformance` next to the
/// repository, plus `advisories/`. Fails when missing: conformance tests never skip.
fn advisories() -> PathBuf {
    let root = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/conformance"
            ))
        },
        PathBuf::from,
    );
    let folder = root.join("advisories");
    assert!(
        folder.is_dir(),
        "conformance corpus missing: {} is not a directory (set CUSTODY_CONFORMANCE_DIR)",
        folder.display()
    );
    folder
}

/// A new database in a temporary directory that lives as long as the returned guard.
fn fresh_database() -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let database = Database::open_or_create(dir.path().join("vulndb.sqlite")).unwrap();
    (dir, database)
}

/// Writes `contents` to `dir/name` and returns the path.
fn write(dir: &Path, name: &str, contents: &str) -> PathBuf {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        fs_err::create_dir_all(parent).unwrap();
    }
    fs_err::write(&path, contents).unwrap();
    path
}

/// Imports `paths` into `database` with no reporter and the default limits.
fn import(database: &mut Database, paths: &[&Path]) -> custody_vulndb::ImportSummary {
    database.import(paths, &NoImportReporter).unwrap()
}

/// A toy PyPI-ish comparator for tests: dot-separated integers (`1.24.1`). Anything else
/// (pre-releases, local versions) does not parse, which the evaluation reports as skipped.
fn dotted(version: &str) -> Result<Vec<u64>, ParseIntError> {
    version.split('.').map(str::parse).collect()
}

/// A toy semantic versioning 2.0 comparator for tests (Go, npm, crates.io records): precedence per
/// semver.org section 11, build metadata ignored.
#[derive(Debug, PartialEq, Eq)]
struct SemVer {
    core: [u64; 3],
    pre: Vec<Identifier>,
}

/// A pre-release identifier: numeric ones sort before alphanumeric ones.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Identifier {
    Numeric(u64),
    Alphanumeric(String),
}

impl SemVer {
    fn parse(version: &str) -> Result<Self, String> {
        let version = version
            .split_once('+')
            .map_or(version, |(version, _)| version);
        let (core, pre) = version
            .split_once('-')
            .map_or((version, None), |(core, pre)| (core, Some(pre)));
        let numbers: Vec<u64> = core
            .split('.')
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map_err(|error| format!("{version}: {error}"))?;
        let core: [u64; 3] = numbers
            .try_into()
            .map_err(|_| format!("{version}: not three numbers"))?;
        let pre = pre
            .map(|pre| {
                pre.split('.')
                    .map(|identifier| {
                        identifier.parse().map_or_else(
                            |_| Identifier::Alphanumeric(identifier.to_owned()),
                            Identifier::Numeric,
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self { core, pre })
    }
}

impl Ord for SemVer {
    fn cmp(&self, other: &Self) -> Ordering {
        self.core
            .cmp(&other.core)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.pre.cmp(&other.pre),
            })
    }
}

impl PartialOrd for SemVer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[test]
fn toy_semver_orders_like_semver_org() {
    let ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-alpha.beta",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1+build",
    ];
    for pair in ordered.windows(2) {
        assert!(
            SemVer::parse(pair[0]).unwrap() < SemVer::parse(pair[1]).unwrap(),
            "{pair:?}"
        );
    }
}
