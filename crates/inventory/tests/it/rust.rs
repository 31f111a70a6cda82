//! Rust: every `Cargo.lock` fixture of the conformance corpus (osv-scalibr's
//! `extractor/filesystem/language/rust/cargolock/testdata` and osv-scanner's legacy
//! `pkg/lockfile/fixtures/cargo`, which hold the same files) parsed through
//! [`parse_database`] and compared with the packages the upstream tests expect
//! (`cargolock_test.go`, `parse-cargo-lock_test.go`); this repository's own v4 lockfile
//! checked against an independent reading of it; and a source tree cataloged end to end.
//!
//! One deliberate deviation, documented in `lang/rust.rs`: packages without a `source` are
//! the project's own crates and not reported (upstream reports `local-rust-pkg`).

use std::collections::{BTreeSet, HashSet};

use custody_artifact::{NoReporter, Scanner, Target};
use custody_inventory::{DatabaseKind, catalog, parse_database};
use custody_model::{Dependency, Ecosystem};

use crate::cases::{self, Case, Exclusion, Expected::ErrorAt, Expected::Packages};

/// osv-scalibr's Rust fixtures, relative to `lockfiles/`.
const SCALIBR: &str = "osv-scalibr/extractor/filesystem/language/rust";
/// osv-scanner's legacy Cargo fixtures, relative to `lockfiles/`.
const LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures/cargo";

const FOLDERS: [&str; 2] = [SCALIBR, LEGACY];

const EXCLUDED: [Exclusion; 1] = [(
    "osv-scalibr/extractor/filesystem/language/rust/cargotoml/",
    "",
    "Cargo.toml declares version requirements, not the versions built; the Cargo.lock \
     beside it records those, and is what this cataloger reads",
)];

/// Every fixture and what parsing it gives. The two corpora share six files; osv-scalibr's
/// newer three (duplicate, many-packages, package-with-comments) have expectations read from
/// the fixture text.
#[rustfmt::skip]
const CASES: &[Case] = &[
    (SCALIBR, "cargolock/testdata/not-toml.txt", DatabaseKind::CargoLock, ErrorAt(1)),
    (SCALIBR, "cargolock/testdata/empty.lock", DatabaseKind::CargoLock, Packages(&[])),
    // `dependencies = ["gimli"]` names a crate the file does not list: no edge, no error.
    (SCALIBR, "cargolock/testdata/one-package.lock", DatabaseKind::CargoLock, Packages(&[
        ("addr2line", "0.15.2"),
    ])),
    (SCALIBR, "cargolock/testdata/two-packages.lock", DatabaseKind::CargoLock, Packages(&[
        ("addr2line", "0.15.2"), ("syn", "1.0.73"),
    ])),
    // deviation: local-rust-pkg 0.1.0 has no source, so it is the project's own crate.
    (SCALIBR, "cargolock/testdata/two-packages-with-local.lock", DatabaseKind::CargoLock, Packages(&[
        ("addr2line", "0.15.2"),
    ])),
    (SCALIBR, "cargolock/testdata/package-with-build-string.lock", DatabaseKind::CargoLock, Packages(&[
        ("wasi", "0.10.2+wasi-snapshot-preview1"),
    ])),
    (SCALIBR, "cargolock/testdata/duplicate.lock", DatabaseKind::CargoLock, Packages(&[
        ("syn", "1.0.73"), ("syn", "2.0.0"),
    ])),
    (SCALIBR, "cargolock/testdata/many-packages.lock", DatabaseKind::CargoLock, Packages(&[
        ("zstd", "0.11.2"), ("aho-corasick", "0.7.18"), ("memchr", "2.4.1"), ("syn", "1.0.109"),
        ("libc", "0.2.140"), ("syn", "2.0.15"),
    ])),
    // A commented-out `name` inside a package table; syn comes from a git source.
    (SCALIBR, "cargolock/testdata/package-with-comments.lock", DatabaseKind::CargoLock, Packages(&[
        ("addr2line", "0.15.2"), ("syn", "1.0.73"),
    ])),
    (LEGACY, "not-toml.txt", DatabaseKind::CargoLock, ErrorAt(1)),
    (LEGACY, "empty.lock", DatabaseKind::CargoLock, Packages(&[])),
    (LEGACY, "one-package.lock", DatabaseKind::CargoLock, Packages(&[("addr2line", "0.15.2")])),
    (LEGACY, "two-packages.lock", DatabaseKind::CargoLock, Packages(&[
        ("addr2line", "0.15.2"), ("syn", "1.0.73"),
    ])),
    // deviation: as above.
    (LEGACY, "two-packages-with-local.lock", DatabaseKind::CargoLock, Packages(&[
        ("addr2line", "0.15.2"),
    ])),
    (LEGACY, "package-with-build-string.lock", DatabaseKind::CargoLock, Packages(&[
        ("wasi", "0.10.2+wasi-snapshot-preview1"),
    ])),
];

#[test]
fn cargo_lock_fixtures_match_upstream_expectations() {
    let (passed, excluded) = cases::run(Ecosystem::Cargo, &FOLDERS, &EXCLUDED, CASES);
    assert_eq!(
        passed, 15,
        "6 shared cases in each corpus, 3 newer osv-scalibr ones"
    );
    assert_eq!(excluded, 8, "cargotoml 8");
}

#[test]
fn truncated_fixtures_never_panic() {
    cases::truncations_never_panic(&FOLDERS, |path| {
        (!path.contains("/cargotoml/")).then_some(DatabaseKind::CargoLock)
    });
}

/// This repository's own `Cargo.lock` (version 4, a few hundred crates, a workspace of
/// several members): the records are exactly the distinct name and version of the packages
/// with a `source`, found by a line-by-line reading independent of the parser; no workspace
/// member is one; every edge names a record; and a crate the members use (`serde`) is
/// direct while one only other crates pull in (`serde_derive`) is not.
#[test]
fn reads_this_repository_lockfile() {
    let content =
        fs_err::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Cargo.lock")).unwrap();
    let mut expected = BTreeSet::new();
    let mut members = BTreeSet::new();
    for table in content.split("[[package]]").skip(1) {
        let field = |key: &str| {
            table.lines().find_map(|line| {
                let value = line.strip_prefix(key)?.trim_start().strip_prefix('=')?;
                Some(value.trim().trim_matches('"').to_owned())
            })
        };
        let (name, version) = (field("name").unwrap(), field("version").unwrap());
        if field("source").is_some() {
            expected.insert((name, version));
        } else {
            members.insert(name);
        }
    }
    assert!(expected.len() > 100 && members.contains("custody-inventory"));

    let records = parse_database(DatabaseKind::CargoLock, content.as_bytes()).unwrap();
    let got: BTreeSet<(String, String)> = records
        .iter()
        .map(|record| (record.name.clone(), record.version.clone()))
        .collect();
    assert_eq!(got.len(), records.len(), "one record per name and version");
    assert_eq!(got, expected);

    let provided: HashSet<&str> = records
        .iter()
        .flat_map(|record| record.provides.iter().map(String::as_str))
        .collect();
    for record in &records {
        assert!(record.scope.direct.is_some(), "{}", record.name);
        for dependency in &record.depends {
            assert!(provided.contains(dependency.as_str()), "{dependency}");
        }
    }
    let direct = |name: &str| {
        records
            .iter()
            .find(|record| record.name == name)
            .and_then(|record| record.scope.direct)
    };
    assert_eq!(direct("serde"), Some(true));
    assert_eq!(direct("serde_derive"), Some(false));
}

/// A source tree with a workspace lockfile, cataloged through the scanner: purls, locations,
/// direct and transitive scope, and edges between the locked crates.
#[test]
fn catalogs_a_cargo_workspace() {
    let root = tempfile::tempdir().unwrap();
    let lockfile = root.path().join("svc/Cargo.lock");
    fs_err::create_dir_all(lockfile.parent().unwrap()).unwrap();
    fs_err::write(
        &lockfile,
        r#"# This file is automatically @generated by Cargo.
version = 3

[[package]]
name = "svc"
version = "0.1.0"
dependencies = [
 "regex",
]

[[package]]
name = "regex"
version = "1.10.2"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "380b951a9c5e80ddfd6136919eef32310721aa4aacd4889a8d39124b026ab343"
dependencies = [
 "memchr",
]

[[package]]
name = "memchr"
version = "2.6.4"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "f665ee40bc4a3c5590afb1e9677db74a508659dfd71e126420da8274909a0167"
"#,
    )
    .unwrap();
    let target = Target::parse(&format!("dir:{}", root.path().display())).unwrap();
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).unwrap();

    let packages: Vec<(&str, Option<bool>, Vec<&str>)> = inventory
        .packages
        .iter()
        .map(|package| {
            let locations = package
                .locations
                .iter()
                .map(|location| location.path.as_str())
                .collect();
            (package.purl.as_str(), package.scope.direct, locations)
        })
        .collect();
    assert_eq!(
        packages,
        [
            (
                "pkg:cargo/memchr@2.6.4",
                Some(false),
                vec!["svc/Cargo.lock"]
            ),
            ("pkg:cargo/regex@1.10.2", Some(true), vec!["svc/Cargo.lock"]),
        ]
    );
    assert_eq!(
        inventory.dependencies,
        [Dependency {
            from: "pkg:cargo/regex@1.10.2".into(),
            to: "pkg:cargo/memchr@2.6.4".into(),
        }]
    );
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
}
