//! Swift Package Manager `Package.resolved` (Swift) and `CocoaPods` `Podfile.lock`: every
//! fixture of the corpus's Swift folders, compared through the shared [`cases`] runner with the
//! packages the upstream Go tests expect, plus the scope and edges a `Podfile.lock` gives.
//!
//! Expectations come from osv-scalibr `extractor/filesystem/language/swift/packageresolved/
//! packageresolved_test.go` and `podfilelock/podfilelock_test.go`. `Package.resolved` names
//! differ on purpose: upstream's test reports each pin's `identity` (`swift-algorithms`) with a
//! `CocoaPods` purl, while its testbed (`Dockerfile.swift-testbed`, beside the fixtures) expects
//! the repository URL without scheme (`pkg:swift/github.com/apple/swift-crypto@3.0.0`), the
//! name OSV's `SwiftURL` advisories use; custody reports the latter.

use custody_inventory::{DatabaseKind, parse_database};
use custody_model::{Ecosystem, Scope};

use crate::cases::{self, Case, Exclusion, Expected::ErrorAt, Expected::Packages};

const RESOLVED: &str = "osv-scalibr/extractor/filesystem/language/swift/packageresolved/testdata";
const PODFILE: &str = "osv-scalibr/extractor/filesystem/language/swift/podfilelock/testdata";

const EXCLUDED: [Exclusion; 1] = [(
    RESOLVED,
    "/Dockerfile.swift-testbed",
    "not a lockfile: the Dockerfile upstream builds its testbed image with",
)];

#[rustfmt::skip]
const RESOLVED_CASES: &[Case] = &[
    // deviation: names are URLs (upstream's test: swift-algorithms, …).
    (RESOLVED, "valid", DatabaseKind::PackageResolved, Packages(&[
        ("github.com/apple/swift-algorithms", "1.0.0"),
        ("github.com/apple/swift-async-algorithms", "0.1.0"),
        ("github.com/apple/swift-atomics", "1.1.0"),
    ])),
    // Not in the upstream test: the testbed's expected purls, read from the Dockerfile.
    (RESOLVED, "cve-packages", DatabaseKind::PackageResolved, Packages(&[
        ("github.com/apple/swift-crypto", "3.0.0"),
        ("github.com/apple/swift-nio", "2.65.0"),
        ("github.com/apple/swift-nio-http2", "1.29.0"),
    ])),
    // `not\njson`: invalid on purpose.
    (RESOLVED, "invalid", DatabaseKind::PackageResolved, ErrorAt(1)),
    // deviation: upstream errors; an empty file holds no packages.
    (RESOLVED, "empty", DatabaseKind::PackageResolved, Packages(&[])),
];

#[rustfmt::skip]
const PODFILE_CASES: &[Case] = &[
    (PODFILE, "valid", DatabaseKind::PodfileLock, Packages(&[
        ("GlossButtonNode", "3.1.2"), ("PINCache", "3.0.3"),
    ])),
    (PODFILE, "valid2", DatabaseKind::PodfileLock, Packages(&[
        ("GlossButtonNode", "3.1.2"), ("PINCache", "3.0.3"), ("Reveal-SDK", "1.5.0"),
        ("SwiftGen", "6.0.0"),
    ])),
    // A YAML string, not a lockfile mapping: invalid on purpose.
    (PODFILE, "invalid", DatabaseKind::PodfileLock, ErrorAt(1)),
    // deviation: upstream errors; an empty file holds no packages.
    (PODFILE, "empty", DatabaseKind::PodfileLock, Packages(&[])),
];

#[test]
fn package_resolved_fixtures_match_upstream_expectations() {
    let (passed, excluded) = cases::run(Ecosystem::Swift, &[RESOLVED], &EXCLUDED, RESOLVED_CASES);
    assert_eq!((passed, excluded), (4, 1));
}

#[test]
fn podfile_lock_fixtures_match_upstream_expectations() {
    let (passed, excluded) = cases::run(Ecosystem::Cocoapods, &[PODFILE], &[], PODFILE_CASES);
    assert_eq!((passed, excluded), (4, 0));
}

#[test]
fn truncated_swift_lockfiles_never_panic() {
    cases::truncations_never_panic(&[RESOLVED, PODFILE], |path| {
        if path.ends_with(".swift-testbed") {
            None
        } else if path.starts_with(RESOLVED) {
            Some(DatabaseKind::PackageResolved)
        } else {
            Some(DatabaseKind::PodfileLock)
        }
    });
}

/// valid's `DEPENDENCIES` name `GlossButtonNode` but not `PINCache`; `GlossButtonNode` lists
/// `Texture/Core` and `TextureSwiftSupport`, edges by root pod name, and the subspecs of
/// `PINCache` are not edges.
#[test]
fn podfile_lock_scope_and_edges() {
    let path = crate::conformance("lockfiles").join(format!("{PODFILE}/valid"));
    let records = parse_database(DatabaseKind::PodfileLock, &fs_err::read(path).unwrap()).unwrap();
    let found: Vec<(&str, Scope, Vec<&str>)> = records
        .iter()
        .map(|record| {
            (
                record.name.as_str(),
                record.scope,
                record.depends.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    let scope = |direct| Scope {
        direct: Some(direct),
        dev: false,
    };
    assert_eq!(
        found,
        [
            (
                "GlossButtonNode",
                scope(true),
                vec!["Texture", "TextureSwiftSupport"]
            ),
            ("PINCache", scope(false), vec![]),
        ]
    );
}
