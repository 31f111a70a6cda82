//! Conan `conan.lock` (Conan): every fixture of the corpus's two `conan.lock` folders, Conan 1
//! (lockfile versions 0.0 to 0.4, with and without revisions) and Conan 2 (0.5), compared
//! through the shared [`cases`] runner with the packages the upstream Go tests expect, plus the
//! scope and edges each layout gives.
//!
//! Expectations come from osv-scalibr `extractor/filesystem/language/cpp/conanlock/
//! conanlock-v1_test.go`, `conanlock-v1-revisions_test.go` and `conanlock-v2_test.go`, and
//! osv-scanner `pkg/lockfile/parse-conan-lock_test.go`, which share the fixtures (the copies
//! differ only in whitespace).

use custody_inventory::{DatabaseKind, PackageRecord, parse_database};
use custody_model::{Ecosystem, Scope};

use crate::cases::{self, Case, Expected::ErrorAt, Expected::Packages};

const SCALIBR: &str = "osv-scalibr/extractor/filesystem/language/cpp/conanlock/testdata";
const LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures/conan";

const CONAN: DatabaseKind = DatabaseKind::ConanLock;

const NESTED: &[(&str, &str)] = &[
    ("zlib", "1.2.13"),
    ("bzip2", "1.0.8"),
    ("freetype", "2.12.1"),
    ("libpng", "1.6.39"),
    ("brotli", "1.0.9"),
];
const ZLIB: &[(&str, &str)] = &[("zlib", "1.2.11")];
const TWO: &[(&str, &str)] = &[("zlib", "1.2.11"), ("bzip2", "1.0.8")];
const NINJA: &[(&str, &str)] = &[("ninja", "1.11.1")];

/// Every fixture and what parsing it gives; both folders hold the same files, and osv-scalibr's
/// one more.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    // `null` is not a lockfile: invalid on purpose (upstream: "decoded null JSON value").
    let mut cases = vec![(SCALIBR, "null.v2.jsontest", CONAN, ErrorAt(1))];
    for folder in [SCALIBR, LEGACY] {
        cases.extend([
            (folder, "not-json.txt", CONAN, ErrorAt(1)),
            (folder, "empty.v1.json", CONAN, Packages(&[])),
            (folder, "empty.v1.revisions.json", CONAN, Packages(&[])),
            (folder, "empty.v2.json", CONAN, Packages(&[])),
            (folder, "one-package.v1.json", CONAN, Packages(ZLIB)),
            (folder, "one-package.v1.revisions.json", CONAN, Packages(ZLIB)),
            (folder, "one-package.v2.json", CONAN, Packages(ZLIB)),
            // The unnamed reference `1.2.3` is a consumer, not a package.
            (folder, "no-name.v1.json", CONAN, Packages(ZLIB)),
            (folder, "no-name.v1.revisions.json", CONAN, Packages(ZLIB)),
            (folder, "no-name.v2.json", CONAN, Packages(ZLIB)),
            (folder, "two-packages.v1.json", CONAN, Packages(TWO)),
            (folder, "two-packages.v1.revisions.json", CONAN, Packages(TWO)),
            (folder, "two-packages.v2.json", CONAN, Packages(TWO)),
            (folder, "nested-dependencies.v1.json", CONAN, Packages(NESTED)),
            (folder, "nested-dependencies.v1.revisions.json", CONAN, Packages(NESTED)),
            (folder, "nested-dependencies.v2.json", CONAN, Packages(NESTED)),
            (folder, "one-package-dev.v1.json", CONAN, Packages(NINJA)),
            (folder, "one-package-dev.v1.revisions.json", CONAN, Packages(NINJA)),
            (folder, "one-package-dev.v2.json", CONAN, Packages(NINJA)),
            (folder, "old-format-0.0.json", CONAN, Packages(ZLIB)),
            (folder, "old-format-0.1.json", CONAN, Packages(ZLIB)),
            (folder, "old-format-0.2.json", CONAN, Packages(ZLIB)),
            (folder, "old-format-0.3.json", CONAN, Packages(ZLIB)),
        ]);
    }
    cases
}

#[test]
fn conan_lock_fixtures_match_upstream_expectations() {
    let (passed, excluded) = cases::run(Ecosystem::Conan, &[SCALIBR, LEGACY], &[], &cases());
    assert_eq!((passed, excluded), (47, 0));
}

#[test]
fn truncated_conan_locks_never_panic() {
    cases::truncations_never_panic(&[SCALIBR, LEGACY], |_| Some(CONAN));
}

/// The records of an osv-scanner fixture, which must parse.
fn records(file: &str) -> Vec<PackageRecord> {
    let path = crate::conformance("lockfiles").join(format!("{LEGACY}/{file}"));
    parse_database(CONAN, &fs_err::read(path).unwrap()).unwrap()
}

/// `(name, scope, depends)` of each record.
fn graph(records: &[PackageRecord]) -> Vec<(&str, Scope, Vec<&str>)> {
    records
        .iter()
        .map(|record| {
            (
                record.name.as_str(),
                record.scope,
                record.depends.iter().map(String::as_str).collect(),
            )
        })
        .collect()
}

fn scope(direct: Option<bool>, dev: bool) -> Scope {
    Scope { direct, dev }
}

/// nested-dependencies.v1.json: the consumer (node 0) requires freetype (node 1), which
/// requires libpng, zlib, bzip2 and brotli (nodes 2 to 5); libpng requires zlib. The
/// revisions variant gives the same graph.
#[test]
fn conan_1_graph_gives_scope_and_edges() {
    let transitive = scope(Some(false), false);
    let expected = [
        (
            "freetype",
            scope(Some(true), false),
            vec![
                "brotli/1.0.9",
                "bzip2/1.0.8",
                "libpng/1.6.39",
                "zlib/1.2.13",
            ],
        ),
        ("libpng", transitive, vec!["zlib/1.2.13"]),
        ("zlib", transitive, vec![]),
        ("bzip2", transitive, vec![]),
        ("brotli", transitive, vec![]),
    ];
    for file in [
        "nested-dependencies.v1.json",
        "nested-dependencies.v1.revisions.json",
    ] {
        assert_eq!(graph(&records(file)), expected, "{file}");
    }
}

/// one-package-dev: ninja is a `build_requires` of the consumer in both layouts, so it is a
/// build tool (dev); Conan 1 also says it is direct. Conan 2 `requires` are host packages.
#[test]
fn build_requirements_are_dev_only() {
    for (file, direct) in [
        ("one-package-dev.v1.json", Some(true)),
        ("one-package-dev.v1.revisions.json", Some(true)),
        ("one-package-dev.v2.json", None),
    ] {
        assert_eq!(
            graph(&records(file)),
            [("ninja", scope(direct, true), vec![])],
            "{file}"
        );
    }
    let records = records("two-packages.v2.json");
    assert!(
        records
            .iter()
            .all(|record| record.scope == scope(None, false))
    );
}
