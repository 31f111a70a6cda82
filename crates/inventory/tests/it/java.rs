//! Java: every fixture of the conformance corpus's Java folders (`lockfiles/`, from
//! osv-scalibr `extractor/filesystem/language/java/*` and osv-scanner's legacy
//! `pkg/lockfile/fixtures/{maven,gradle,gradle-verification-metadata}`) parsed through
//! [`parse_database`], plus targets cataloged end to end: a Maven multi-module tree whose POMs
//! inherit from each other, and a root filesystem with Java archives, one of them owned by a
//! Debian package.
//!
//! Expectations are (name, version) pairs from the upstream tests: osv-scalibr
//! `pomxml/pomxml_test.go` and `pomxmlnet/pomxmlnet_test.go`, `gradlelockfile_test.go`,
//! `gradleverificationmetadataxml_test.go` and `gradleversioncatalog_test.go`. Fixtures no
//! upstream test lists were read by hand; each says so. custody deliberately differs where
//! [`DEVIATIONS`] says, and the test checks that each of those packages is indeed absent:
//!
//! - a version range or an undefined version is not guessed (osv-scalibr takes a range's lower
//!   bound and reports unversioned catalog entries with an empty version);
//! - a `<dependencyManagement>` entry no dependency uses is not a dependency (osv-scalibr's
//!   older offline extractor reported it; its resolving extractor and Maven do not);
//! - transitive dependencies, and parents or BOMs outside the target, are not fetched from a
//!   registry (osv-scalibr's `pomxmlnet` tests serve them from a mock registry).

use std::collections::BTreeSet;
use std::io::{Cursor, Write};
use std::path::Path;

use custody_artifact::{NoReporter, Scanner, Target};
use custody_inventory::{DatabaseKind, Position, catalog, parse_database};
use custody_model::{Ecosystem, Inventory};
use zip::CompressionMethod;
use zip::write::SimpleFileOptions;

use crate::cases::{self, Case, Exclusion, Expected::ErrorAt, Expected::Packages};

const POMXML: &str = "osv-scalibr/extractor/filesystem/language/java/pomxml/testdata";
const MAVEN: &str = "osv-scanner-legacy/pkg/lockfile/fixtures/maven";
const GRADLE: &str = "osv-scalibr/extractor/filesystem/language/java/gradlelockfile/testdata";
const GRADLE_LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures/gradle";
const VERIFICATION: &str =
    "osv-scalibr/extractor/filesystem/language/java/gradleverificationmetadataxml/testdata";
const VERIFICATION_LEGACY: &str =
    "osv-scanner-legacy/pkg/lockfile/fixtures/gradle-verification-metadata";
const CATALOG: &str =
    "osv-scalibr/extractor/filesystem/language/java/gradleversioncatalog/testdata";

const FOLDERS: &[&str] = &[
    POMXML,
    MAVEN,
    GRADLE,
    GRADLE_LEGACY,
    VERIFICATION,
    VERIFICATION_LEGACY,
    CATALOG,
];

/// Verification-metadata fixtures too long to list: compared with their `<component>` tags
/// by [`verification_metadata_lists_every_component`].
const LONG_VERIFICATION_FIXTURES: &[(&str, &str)] = &[
    (VERIFICATION, "multiple-versions.xml"),
    (VERIFICATION, "odd-versions.xml"),
    (VERIFICATION_LEGACY, "multiple-versions.xml"),
    (VERIFICATION_LEGACY, "complex.xml"),
];

const EXCLUDED: &[Exclusion] = &[
    (
        "osv-scalibr/extractor/filesystem/language/java/gradleverificationmetadataxml/testdata/multiple-versions.xml",
        "",
        "compared with its <component> tags by verification_metadata_lists_every_component",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/java/gradleverificationmetadataxml/testdata/odd-versions.xml",
        "",
        "compared with its <component> tags by verification_metadata_lists_every_component",
    ),
    (
        "osv-scanner-legacy/pkg/lockfile/fixtures/gradle-verification-metadata/multiple-versions.xml",
        "",
        "compared with its <component> tags by verification_metadata_lists_every_component",
    ),
    (
        "osv-scanner-legacy/pkg/lockfile/fixtures/gradle-verification-metadata/complex.xml",
        "",
        "compared with its <component> tags by verification_metadata_lists_every_component",
    ),
];

const NETTY_SLF4J: &[(&str, &str)] = &[
    ("io.netty:netty-all", "4.1.42.Final"),
    ("org.slf4j:slf4j-log4j12", "1.7.25"),
];
const PDFBOX: (&str, &str) = ("org.apache.pdfbox:pdfbox", "2.0.17");
const AUTOCONFIGURE: (&str, &str) = (
    "org.springframework.boot:spring-boot-autoconfigure",
    "2.7.4",
);

/// Every fixture with what parsing it alone gives.
const CASES: &[Case] = &[
    // pomxml_test.go.
    (POMXML, "not-pom.txt", DatabaseKind::MavenPom, ErrorAt(1)),
    (
        POMXML,
        "invalid-syntax.xml",
        DatabaseKind::MavenPom,
        ErrorAt(3),
    ),
    (POMXML, "empty.xml", DatabaseKind::MavenPom, Packages(&[])),
    (
        POMXML,
        "one-package.xml",
        DatabaseKind::MavenPom,
        Packages(&[("org.apache.maven:maven-artifact", "1.0.0")]),
    ),
    (
        POMXML,
        "two-packages.xml",
        DatabaseKind::MavenPom,
        Packages(NETTY_SLF4J),
    ),
    (
        POMXML,
        "with-dependency-management.xml",
        DatabaseKind::MavenPom,
        Packages(&[
            ("io.netty:netty-all", "4.1.9"),
            ("org.slf4j:slf4j-log4j12", "1.7.25"),
        ]),
    ),
    (
        POMXML,
        "interpolation.xml",
        DatabaseKind::MavenPom,
        Packages(&[
            ("org.mine:mypackage", "1.0.0"),
            ("org.mine:my.package", "2.3.4"),
        ]),
    ),
    (
        POMXML,
        "with-scope.xml",
        DatabaseKind::MavenPom,
        Packages(&[("abc:xyz", "1.2.3"), ("junit:junit", "4.12")]),
    ),
    (
        POMXML,
        "with-type-classifier.xml",
        DatabaseKind::MavenPom,
        Packages(&[("abc:xyz", "1.0.0")]),
    ),
    // Read from the fixtures (the comments in each say what it tests).
    (
        POMXML,
        "ambiguous-interpolation.xml",
        DatabaseKind::MavenPom,
        Packages(&[("com.example:common-lib", "1.0.0")]),
    ),
    (
        POMXML,
        "explicit-jar.xml",
        DatabaseKind::MavenPom,
        Packages(&[
            ("org.different:my-lib", "1.0.0"),
            ("com.example:my-lib", "1.0.0"),
        ]),
    ),
    (
        POMXML,
        "interpolate-drop.xml",
        DatabaseKind::MavenPom,
        Packages(&[("com.example:actual-artifact", "1.0.0")]),
    ),
    (
        POMXML,
        "multi-version.xml",
        DatabaseKind::MavenPom,
        Packages(&[("abc:example.com", "1.0.0")]),
    ),
    (
        POMXML,
        "plugin-dependency.xml",
        DatabaseKind::MavenPom,
        Packages(&[("com.example:hijack-lib", "1.0.0")]),
    ),
    (
        POMXML,
        "profiles.xml",
        DatabaseKind::MavenPom,
        Packages(&[("org.profile:profile-dep", "1.2.3")]),
    ),
    (
        POMXML,
        "with-multiple-classifiers.xml",
        DatabaseKind::MavenPom,
        Packages(&[("com.example:my-lib", "1.0.0")]),
    ),
    (
        POMXML,
        "encoding.xml",
        DatabaseKind::MavenPom,
        Packages(&[("junit:junit", "4.12")]),
    ),
    (
        POMXML,
        "parent/pom.xml",
        DatabaseKind::MavenPom,
        Packages(&[("org.dave:dave", "4.0.0")]),
    ),
    // pomxmlnet_test.go, completed offline and alone (the parent is cataloged with it in
    // `maven_projects_inherit_from_parents_in_the_target`).
    (
        POMXML,
        "transitive.xml",
        DatabaseKind::MavenPom,
        Packages(&[
            ("org.direct:alice", "1.0.0"),
            ("org.direct:bob", "2.0.0"),
            ("org.direct:chris", "3.0.0"),
        ]),
    ),
    (
        POMXML,
        "with-parent.xml",
        DatabaseKind::MavenPom,
        Packages(&[
            ("org.alice:alice", "1.0.0"),
            ("org.bob:bob", "2.0.0"),
            ("org.chuck:chuck", "3.0.0"),
        ]),
    ),
    // osv-scanner pkg/lockfile/parse-maven-lock_test.go: the same files as osv-scalibr's.
    (MAVEN, "not-pom.txt", DatabaseKind::MavenPom, ErrorAt(1)),
    (
        MAVEN,
        "invalid-syntax.xml",
        DatabaseKind::MavenPom,
        ErrorAt(3),
    ),
    (MAVEN, "empty.xml", DatabaseKind::MavenPom, Packages(&[])),
    (
        MAVEN,
        "one-package.xml",
        DatabaseKind::MavenPom,
        Packages(&[("org.apache.maven:maven-artifact", "1.0.0")]),
    ),
    (
        MAVEN,
        "two-packages.xml",
        DatabaseKind::MavenPom,
        Packages(NETTY_SLF4J),
    ),
    (
        MAVEN,
        "with-dependency-management.xml",
        DatabaseKind::MavenPom,
        Packages(&[
            ("io.netty:netty-all", "4.1.9"),
            ("org.slf4j:slf4j-log4j12", "1.7.25"),
        ]),
    ),
    (
        MAVEN,
        "interpolation.xml",
        DatabaseKind::MavenPom,
        Packages(&[
            ("org.mine:mypackage", "1.0.0"),
            ("org.mine:my.package", "2.3.4"),
        ]),
    ),
    (
        MAVEN,
        "with-scope.xml",
        DatabaseKind::MavenPom,
        Packages(&[("abc:xyz", "1.2.3"), ("junit:junit", "4.12")]),
    ),
    // gradlelockfile_test.go; osv-scanner parse-gradle-lock_test.go.
    (
        GRADLE,
        "only-comments",
        DatabaseKind::GradleLockfile,
        Packages(&[]),
    ),
    (
        GRADLE,
        "only-empty",
        DatabaseKind::GradleLockfile,
        Packages(&[]),
    ),
    (
        GRADLE,
        "one-pkg",
        DatabaseKind::GradleLockfile,
        Packages(&[(
            "org.springframework.security:spring-security-crypto",
            "5.7.3",
        )]),
    ),
    (
        GRADLE,
        "5-pkg",
        DatabaseKind::GradleLockfile,
        Packages(FIVE_PACKAGES),
    ),
    (
        GRADLE,
        "with-bad-pkg",
        DatabaseKind::GradleLockfile,
        Packages(&[
            AUTOCONFIGURE,
            (
                "org.springframework.boot:spring-boot-configuration-processor",
                "2.7.5",
            ),
        ]),
    ),
    (
        GRADLE_LEGACY,
        "only-comments",
        DatabaseKind::GradleLockfile,
        Packages(&[]),
    ),
    (
        GRADLE_LEGACY,
        "only-empty",
        DatabaseKind::GradleLockfile,
        Packages(&[]),
    ),
    (
        GRADLE_LEGACY,
        "one-pkg",
        DatabaseKind::GradleLockfile,
        Packages(&[(
            "org.springframework.security:spring-security-crypto",
            "5.7.3",
        )]),
    ),
    (
        GRADLE_LEGACY,
        "5-pkg",
        DatabaseKind::GradleLockfile,
        Packages(FIVE_PACKAGES),
    ),
    (
        GRADLE_LEGACY,
        "with-bad-pkg",
        DatabaseKind::GradleLockfile,
        Packages(&[
            AUTOCONFIGURE,
            (
                "org.springframework.boot:spring-boot-configuration-processor",
                "2.7.5",
            ),
        ]),
    ),
    // gradleverificationmetadataxml_test.go; osv-scanner
    // parse-gradle-verification-metadata_test.go.
    (
        VERIFICATION,
        "not-xml.txt",
        DatabaseKind::GradleVerificationMetadata,
        ErrorAt(1),
    ),
    (
        VERIFICATION,
        "empty.xml",
        DatabaseKind::GradleVerificationMetadata,
        Packages(&[]),
    ),
    (
        VERIFICATION,
        "one-package.xml",
        DatabaseKind::GradleVerificationMetadata,
        Packages(&[PDFBOX]),
    ),
    (
        VERIFICATION,
        "two-packages.xml",
        DatabaseKind::GradleVerificationMetadata,
        Packages(&[PDFBOX, ("com.github.javaparser:javaparser-core", "3.6.11")]),
    ),
    // Read from the fixtures: the same component written other ways.
    (
        VERIFICATION,
        "attribute-order.xml",
        DatabaseKind::GradleVerificationMetadata,
        Packages(&[PDFBOX]),
    ),
    (
        VERIFICATION,
        "duplicates.xml",
        DatabaseKind::GradleVerificationMetadata,
        Packages(&[PDFBOX]),
    ),
    (
        VERIFICATION,
        "multi-line.xml",
        DatabaseKind::GradleVerificationMetadata,
        Packages(&[PDFBOX]),
    ),
    (
        VERIFICATION,
        "single-quotes.xml",
        DatabaseKind::GradleVerificationMetadata,
        Packages(&[PDFBOX]),
    ),
    // Each component lacks one of group, name and version: none names a package.
    (
        VERIFICATION,
        "missing-attribute.xml",
        DatabaseKind::GradleVerificationMetadata,
        Packages(&[]),
    ),
    (
        VERIFICATION_LEGACY,
        "not-xml.txt",
        DatabaseKind::GradleVerificationMetadata,
        ErrorAt(1),
    ),
    (
        VERIFICATION_LEGACY,
        "empty.xml",
        DatabaseKind::GradleVerificationMetadata,
        Packages(&[]),
    ),
    (
        VERIFICATION_LEGACY,
        "one-package.xml",
        DatabaseKind::GradleVerificationMetadata,
        Packages(&[PDFBOX]),
    ),
    (
        VERIFICATION_LEGACY,
        "two-packages.xml",
        DatabaseKind::GradleVerificationMetadata,
        Packages(&[PDFBOX, ("com.github.javaparser:javaparser-core", "3.6.11")]),
    ),
    // gradleversioncatalog_test.go.
    (
        CATALOG,
        "invalid.versions.toml",
        DatabaseKind::GradleVersionCatalog,
        ErrorAt(1),
    ),
    (
        CATALOG,
        "not-toml.txt",
        DatabaseKind::GradleVersionCatalog,
        ErrorAt(1),
    ),
    (
        CATALOG,
        "empty.versions.toml",
        DatabaseKind::GradleVersionCatalog,
        Packages(&[]),
    ),
    (
        CATALOG,
        "libs.versions.toml",
        DatabaseKind::GradleVersionCatalog,
        Packages(&[
            ("com.google.guava:guava", "30.1.1-jre"),
            ("com.puppycrawl.tools:checkstyle", "8.37"),
            ("org.codehaus.groovy:groovy", "3.0.5"),
            ("org.apache.commons:commons-lang3", "3.12.0"),
            ("org.example:strict", "2.0"),
            ("org.example:req", "1.5"),
            ("org.example:pref", "1.0"),
            ("org.codehaus.groovy:groovy-json", "3.0.5"),
        ]),
    ),
];

const FIVE_PACKAGES: &[(&str, &str)] = &[
    AUTOCONFIGURE,
    (
        "org.springframework.boot:spring-boot-configuration-processor",
        "2.7.5",
    ),
    ("org.springframework.boot:spring-boot-devtools", "2.7.6"),
    ("org.springframework.boot:spring-boot-starter-aop", "2.7.7"),
    (
        "org.springframework.boot:spring-boot-starter-data-jpa",
        "2.7.8",
    ),
];

/// Packages an upstream test expects that custody does not report, by fixture, with why.
const DEVIATIONS: &[(&str, &str, (&str, &str), &str)] = &[
    (
        POMXML,
        "interpolation.xml",
        ("org.mine:ranged-package", "9.4.35.v20201120"),
        "the version is the range [9.4.35.v20201120,9.5); only a repository resolves it, so \
         it is skipped with a warning rather than given its lower bound",
    ),
    (
        MAVEN,
        "interpolation.xml",
        ("org.mine:ranged-package", "9.4.35.v20201120"),
        "as in osv-scalibr's copy",
    ),
    (
        POMXML,
        "with-dependency-management.xml",
        ("com.google.code.findbugs:jsr305", "3.0.2"),
        "only managed, never declared: not a dependency (osv-scalibr's pomxmlnet and Maven \
         agree)",
    ),
    (
        MAVEN,
        "with-dependency-management.xml",
        ("com.google.code.findbugs:jsr305", "3.0.2"),
        "as in osv-scalibr's copy",
    ),
    (
        POMXML,
        "transitive.xml",
        ("org.transitive:frank", "4.4.4"),
        "a transitive dependency from a registry (pomxmlnet's mock universe); custody reads \
         only the target",
    ),
    (
        POMXML,
        "transitive.xml",
        ("org.transitive:chuck", "1.1.1"),
        "as org.transitive:frank",
    ),
    (
        POMXML,
        "transitive.xml",
        ("org.transitive:dave", "2.2.2"),
        "as org.transitive:frank",
    ),
    (
        POMXML,
        "transitive.xml",
        ("org.transitive:eve", "3.3.3"),
        "as org.transitive:frank",
    ),
    (
        POMXML,
        "with-parent.xml",
        ("org.eve:eve", "5.0.0"),
        "declared by org.upstream:parent-pom:1.0, which upstream serves from a mock registry \
         and which is not in the target",
    ),
    (
        POMXML,
        "with-parent.xml",
        ("org.frank:frank", "6.0.0"),
        "managed by the BOM org.import:import:1.2.3, which is not in the target: skipped with \
         a warning",
    ),
    (
        CATALOG,
        "libs.versions.toml",
        ("org.example:noversion", ""),
        "no version: osv-scalibr reports an empty version, custody skips it",
    ),
];

#[test]
fn fixtures_match_upstream_expectations() {
    let (passed, _) = cases::run(Ecosystem::Maven, FOLDERS, EXCLUDED, CASES);
    assert_eq!(
        EXCLUDED.len(),
        LONG_VERIFICATION_FIXTURES.len(),
        "every exclusion is compared elsewhere"
    );
    let base = crate::conformance("lockfiles");
    for (folder, fixture, (name, version), reason) in DEVIATIONS {
        let (_, _, kind, _) = CASES
            .iter()
            .find(|case| case.0 == *folder && case.1 == *fixture)
            .unwrap();
        let records = parse_database(
            *kind,
            &fs_err::read(base.join(folder).join(fixture)).unwrap(),
        )
        .unwrap();
        assert!(
            !records
                .iter()
                .any(|record| record.name == *name && record.version == *version),
            "{folder}/{fixture}: {name} {version} is reported after all"
        );
        eprintln!("  deviation: {folder}/{fixture}: {name} {version}: {reason}");
    }
    assert!(passed >= 50, "{passed}");
}

/// The long verification-metadata fixtures against an independent reading of their
/// `<component group="…" name="…" version="…">` tags, each written on one line.
#[test]
fn verification_metadata_lists_every_component() {
    let base = crate::conformance("lockfiles");
    for (folder, fixture) in LONG_VERIFICATION_FIXTURES {
        let content = fs_err::read_to_string(base.join(folder).join(fixture)).unwrap();
        let expected: BTreeSet<(String, String)> = content
            .lines()
            .filter(|line| line.trim_start().starts_with("<component "))
            .map(|line| {
                let attribute = |name: &str| {
                    let start = line.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                    let length = line[start..].find('"').unwrap();
                    line[start..start + length].to_owned()
                };
                (
                    format!("{}:{}", attribute("group"), attribute("name")),
                    attribute("version"),
                )
            })
            .collect();
        let records =
            parse_database(DatabaseKind::GradleVerificationMetadata, content.as_bytes()).unwrap();
        let got: BTreeSet<(String, String)> = records
            .iter()
            .map(|record| (record.name.clone(), record.version.clone()))
            .collect();
        assert_eq!(got.len(), records.len(), "{fixture}: a repeated record");
        assert!(expected.len() >= 18, "{fixture}: {}", expected.len());
        assert_eq!(got, expected, "{folder}/{fixture}");
    }
    // Spot checks from gradleverificationmetadataxml_test.go's "odd versions".
    let odd = fs_err::read(base.join(VERIFICATION).join("odd-versions.xml")).unwrap();
    let records = parse_database(DatabaseKind::GradleVerificationMetadata, &odd).unwrap();
    for (name, version) in [
        ("com.google.errorprone:javac", "9+181-r4173-1"),
        (
            "com.google.guava:listenablefuture",
            "9999.0-empty-to-avoid-conflict-with-guava",
        ),
        ("com.jakewharton.android.repackaged:dalvik-dx", "9.0.0_r3"),
        ("org.apache:apache", "13"),
    ] {
        assert!(
            records
                .iter()
                .any(|record| record.name == name && record.version == version),
            "{name} {version}"
        );
    }
}

#[test]
fn scopes_follow_the_files() {
    let base = crate::conformance("lockfiles");
    let read = |folder: &str, fixture: &str, kind| {
        parse_database(
            kind,
            &fs_err::read(base.join(folder).join(fixture)).unwrap(),
        )
        .unwrap()
    };
    // with-scope.xml: junit is `test`, abc:xyz `compile`; both are direct dependencies.
    let records = read(POMXML, "with-scope.xml", DatabaseKind::MavenPom);
    let dev: Vec<(&str, bool)> = records
        .iter()
        .map(|record| (record.name.as_str(), record.scope.dev))
        .collect();
    assert_eq!(dev, [("abc:xyz", false), ("junit:junit", true)]);
    assert!(
        records
            .iter()
            .all(|record| record.scope.direct == Some(true))
    );
    // 5-pkg: no package is locked by test or development configurations alone
    // (spring-boot-devtools is also on `runtimeClasspath`).
    let records = read(GRADLE, "5-pkg", DatabaseKind::GradleLockfile);
    assert!(records.iter().all(|record| !record.scope.dev));
}

#[test]
fn truncated_fixtures_never_panic() {
    cases::truncations_never_panic(FOLDERS, |fixture| {
        Some(
            if fixture.contains("pomxml") || fixture.contains("fixtures/maven") {
                DatabaseKind::MavenPom
            } else if fixture.contains("verification") {
                DatabaseKind::GradleVerificationMetadata
            } else if fixture.contains("versioncatalog") {
                DatabaseKind::GradleVersionCatalog
            } else {
                DatabaseKind::GradleLockfile
            },
        )
    });
}

#[test]
fn malformed_input_is_reported_at_its_line() {
    let cases: [(DatabaseKind, &[u8], usize); 5] = [
        (
            DatabaseKind::MavenPom,
            b"<project>\n  <dependencies>\n  </project>\n",
            3,
        ),
        (
            DatabaseKind::MavenPom,
            b"<project>\n<a>\n&undefined;</a></project>",
            3,
        ),
        (
            DatabaseKind::GradleVerificationMetadata,
            b"<verification-metadata>\n<components>\n<component group='a' group='b'/>",
            3,
        ),
        (
            DatabaseKind::GradleVersionCatalog,
            b"[libraries]\na = \"x:y:1\"\nb = {\n",
            3,
        ),
        (DatabaseKind::GradleLockfile, b"a:b:1=x\n\xff\n", 2),
    ];
    for (kind, content, line) in cases {
        let error = parse_database(kind, content).unwrap_err();
        assert_eq!(error.position, Position::Line(line), "{kind:?}: {error}");
    }
    for content in [&b"not a zip"[..], b"PK\x05\x06"] {
        let error = parse_database(DatabaseKind::JavaArchive, content).unwrap_err();
        assert_eq!(error.position, Position::File);
    }
}

/// Writes `content` at `path` under `root`, creating directories.
fn write(root: &Path, path: &str, content: &[u8]) {
    let path = root.join(path);
    fs_err::create_dir_all(path.parent().unwrap()).unwrap();
    fs_err::write(path, content).unwrap();
}

/// Catalogs the tree at `root` as a `dir:` target.
fn catalog_dir(root: &Path) -> Inventory {
    let target = Target::parse(&format!("dir:{}", root.display())).unwrap();
    catalog(&Scanner::default(), &target, &NoReporter).unwrap()
}

/// Each Maven package as (name, version, dev, sorted locations).
fn maven_packages(inventory: &Inventory) -> Vec<(String, String, bool, Vec<String>)> {
    inventory
        .packages
        .iter()
        .filter(|package| package.ecosystem == Ecosystem::Maven)
        .map(|package| {
            let mut locations: Vec<String> = package
                .locations
                .iter()
                .map(|location| location.path.clone())
                .collect();
            locations.sort();
            (
                package.name.clone(),
                package.version.clone(),
                package.scope.dev,
                locations,
            )
        })
        .collect()
}

fn row(
    name: &str,
    version: &str,
    dev: bool,
    locations: &[&str],
) -> (String, String, bool, Vec<String>) {
    (
        name.to_owned(),
        version.to_owned(),
        dev,
        locations
            .iter()
            .map(|location| (*location).to_owned())
            .collect(),
    )
}

/// osv-scalibr's `with-parent.xml` beside its parent, as `pomxmlnet_test.go` lays them out:
/// the parent's dependency is inherited; what the parent's own parent and the imported BOM
/// would add is reported as missing, not fetched.
#[test]
fn maven_projects_inherit_from_parents_in_the_target() {
    let fixtures = crate::conformance("lockfiles").join(POMXML);
    let root = tempfile::tempdir().unwrap();
    write(
        root.path(),
        "app/pom.xml",
        &fs_err::read(fixtures.join("with-parent.xml")).unwrap(),
    );
    write(
        root.path(),
        "app/parent/pom.xml",
        &fs_err::read(fixtures.join("parent/pom.xml")).unwrap(),
    );
    let inventory = catalog_dir(root.path());
    assert_eq!(
        maven_packages(&inventory),
        [
            row("org.alice:alice", "1.0.0", false, &["app/pom.xml"]),
            row("org.bob:bob", "2.0.0", false, &["app/pom.xml"]),
            row("org.chuck:chuck", "3.0.0", false, &["app/pom.xml"]),
            row(
                "org.dave:dave",
                "4.0.0",
                false,
                &["app/parent/pom.xml", "app/pom.xml"]
            ),
        ]
    );
    let warnings: Vec<(&str, &str)> = inventory
        .warnings
        .iter()
        .map(|warning| (warning.path.as_deref().unwrap(), warning.message.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                "app/parent/pom.xml",
                "not in the target: parent org.upstream:parent-pom:1.0"
            ),
            (
                "app/pom.xml",
                "skipped 1 dependency without a version known offline: org.frank:frank (no \
                 version, and no POM in the target manages one); not in the target: BOM \
                 org.import:import:1.2.3, parent org.upstream:parent-pom:1.0"
            ),
        ]
    );
}

/// The modules of [`maven_multi_module_builds_resolve_offline`]: a parent with properties
/// and managed versions, a BOM module, an intermediate parent overriding a property, a module
/// using all of it, and a module whose `<relativePath>` points at a directory without a POM
/// (its parent is found by coordinates instead).
const MULTI_MODULE: &[(&str, &str)] = &[
    (
        "pom.xml",
        r"<project>
  <groupId>com.acme</groupId>
  <artifactId>acme-parent</artifactId>
  <version>2.1.0</version>
  <packaging>pom</packaging>
  <properties>
    <jackson.version>2.15.2</jackson.version>
    <junit.version>5.10.0</junit.version>
  </properties>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>com.fasterxml.jackson.core</groupId>
        <artifactId>jackson-databind</artifactId>
        <version>${jackson.version}</version>
      </dependency>
      <dependency>
        <groupId>org.junit.jupiter</groupId>
        <artifactId>junit-jupiter</artifactId>
        <version>${junit.version}</version>
        <scope>test</scope>
      </dependency>
      <dependency>
        <groupId>com.acme</groupId>
        <artifactId>acme-bom</artifactId>
        <version>${project.version}</version>
        <type>pom</type>
        <scope>import</scope>
      </dependency>
    </dependencies>
  </dependencyManagement>
  <dependencies>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-api</artifactId>
      <version>2.0.9</version>
    </dependency>
  </dependencies>
</project>",
    ),
    (
        "bom/pom.xml",
        r"<project>
  <groupId>com.acme</groupId>
  <artifactId>acme-bom</artifactId>
  <version>2.1.0</version>
  <packaging>pom</packaging>
  <dependencyManagement>
    <dependencies>
      <dependency>
        <groupId>io.netty</groupId>
        <artifactId>netty-handler</artifactId>
        <version>4.1.100.Final</version>
      </dependency>
    </dependencies>
  </dependencyManagement>
</project>",
    ),
    (
        "services/pom.xml",
        r"<project>
  <parent>
    <groupId>com.acme</groupId>
    <artifactId>acme-parent</artifactId>
    <version>2.1.0</version>
  </parent>
  <artifactId>services</artifactId>
  <packaging>pom</packaging>
  <properties>
    <jackson.version>2.16.0</jackson.version>
  </properties>
</project>",
    ),
    (
        "services/api/pom.xml",
        r"<project>
  <parent>
    <groupId>com.acme</groupId>
    <artifactId>services</artifactId>
    <version>2.1.0</version>
  </parent>
  <artifactId>api</artifactId>
  <dependencies>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
    </dependency>
    <dependency>
      <groupId>io.netty</groupId>
      <artifactId>netty-handler</artifactId>
    </dependency>
    <dependency>
      <groupId>org.junit.jupiter</groupId>
      <artifactId>junit-jupiter</artifactId>
    </dependency>
    <dependency>
      <groupId>${project.groupId}</groupId>
      <artifactId>model</artifactId>
      <version>${project.version}</version>
    </dependency>
    <dependency>
      <groupId>org.ranged</groupId>
      <artifactId>ranged</artifactId>
      <version>[1.0,2.0)</version>
    </dependency>
    <dependency>
      <groupId>org.env</groupId>
      <artifactId>env</artifactId>
      <version>${env.LIB_VERSION}</version>
    </dependency>
  </dependencies>
</project>",
    ),
    (
        "tools/cli/pom.xml",
        r"<project>
  <parent>
    <groupId>com.acme</groupId>
    <artifactId>acme-parent</artifactId>
    <version>2.1.0</version>
    <relativePath>../../nowhere</relativePath>
  </parent>
  <artifactId>cli</artifactId>
  <dependencies>
    <dependency>
      <groupId>com.fasterxml.jackson.core</groupId>
      <artifactId>jackson-databind</artifactId>
    </dependency>
  </dependencies>
</project>",
    ),
];

/// A multi-module build: properties, managed versions and scopes inherited through two
/// parents, a BOM module imported by coordinates, `${project.version}` taken from the parent,
/// a parent found by coordinates when `<relativePath>` points elsewhere, and versions that
/// cannot be known offline skipped with a warning.
#[test]
fn maven_multi_module_builds_resolve_offline() {
    let root = tempfile::tempdir().unwrap();
    for (path, content) in MULTI_MODULE {
        write(root.path(), path, content.as_bytes());
    }
    let inventory = catalog_dir(root.path());
    assert_eq!(
        maven_packages(&inventory),
        [
            row("com.acme:model", "2.1.0", false, &["services/api/pom.xml"]),
            row(
                "com.fasterxml.jackson.core:jackson-databind",
                "2.15.2",
                false,
                &["tools/cli/pom.xml"]
            ),
            row(
                "com.fasterxml.jackson.core:jackson-databind",
                "2.16.0",
                false,
                &["services/api/pom.xml"]
            ),
            row(
                "io.netty:netty-handler",
                "4.1.100.Final",
                false,
                &["services/api/pom.xml"]
            ),
            row(
                "org.junit.jupiter:junit-jupiter",
                "5.10.0",
                true,
                &["services/api/pom.xml"]
            ),
            row(
                "org.slf4j:slf4j-api",
                "2.0.9",
                false,
                &[
                    "pom.xml",
                    "services/api/pom.xml",
                    "services/pom.xml",
                    "tools/cli/pom.xml"
                ]
            ),
        ]
    );
    let warnings: Vec<(&str, &str)> = inventory
        .warnings
        .iter()
        .map(|warning| (warning.path.as_deref().unwrap(), warning.message.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [(
            "services/api/pom.xml",
            "skipped 2 dependencies without a version known offline: org.ranged:ranged \
             (version range `[1.0,2.0)`, which only a repository resolves), org.env:env \
             (`${env.LIB_VERSION}` is not defined)"
        )]
    );
}

/// A ZIP archive of `entries`.
fn zip_of(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
    let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in entries {
        writer
            .start_file(
                *name,
                SimpleFileOptions::default().compression_method(method),
            )
            .unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// Writes the root filesystem of [`catalogs_java_archives_in_a_root_filesystem`] under `root`.
fn write_java_rootfs(root: &Path) {
    write(
        root,
        "var/lib/dpkg/status",
        b"Package: libcommons-lang3-java\nStatus: install ok installed\nArchitecture: all\n\
          Version: 3.12.0-2\n",
    );
    write(
        root,
        "var/lib/dpkg/info/libcommons-lang3-java.list",
        b"/.\n/usr\n/usr/share\n/usr/share/java\n/usr/share/java/commons-lang3.jar\n",
    );
    write(root, "etc/os-release", b"ID=debian\nVERSION_ID=\"12\"\n");
    let commons = zip_of(
        &[
            (
                "META-INF/MANIFEST.MF",
                b"Manifest-Version: 1.0\nImplementation-Version: 3.12.0\nBundle-SymbolicName: org.apache.commons.lang3\n",
            ),
            (
                "META-INF/maven/org.apache.commons/commons-lang3/pom.properties",
                b"#Generated by Maven\ngroupId=org.apache.commons\nartifactId=commons-lang3\nversion=3.12.0\n",
            ),
        ],
        CompressionMethod::Deflated,
    );
    write(root, "usr/share/java/commons-lang3.jar", &commons);
    let guava = zip_of(
        &[(
            "META-INF/maven/com.google.guava/guava/pom.properties",
            b"groupId=com.google.guava\nartifactId=guava\nversion=32.1.3-jre\n",
        )],
        CompressionMethod::Deflated,
    );
    let text = zip_of(
        &[(
            "META-INF/maven/org.apache.commons/commons-text/pom.properties",
            b"groupId=org.apache.commons\nartifactId=commons-text\nversion=1.10.0\n",
        )],
        CompressionMethod::Stored,
    );
    let war = zip_of(
        &[
            ("WEB-INF/lib/guava-32.1.3-jre.jar", &guava),
            ("WEB-INF/lib/commons-text-1.10.0.jar", &text),
        ],
        CompressionMethod::Stored,
    );
    write(root, "opt/app/app.war", &war);
    write(
        root,
        "opt/tool/tool-1.4.jar",
        &zip_of(
            &[("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n")],
            CompressionMethod::Deflated,
        ),
    );
}

/// A root filesystem as Debian's `libcommons-lang3-java` lays it out (a dpkg-owned JAR with
/// its `pom.properties`), plus an application WAR whose libraries are nested JARs and a JAR without Maven metadata: every
/// archive package is found, nested ones at Syft's `outer:inner` path, and the Debian JAR is
/// marked as installed by its dpkg package.
#[test]
fn catalogs_java_archives_in_a_root_filesystem() {
    let root = tempfile::tempdir().unwrap();
    write_java_rootfs(root.path());
    let target = Target::parse(&format!("rootfs:{}", root.path().display())).unwrap();
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).unwrap();

    let packages: Vec<(&str, Vec<&str>, Option<&str>)> = inventory
        .packages
        .iter()
        .filter(|package| package.ecosystem == Ecosystem::Maven)
        .map(|package| {
            let mut locations: Vec<&str> = package
                .locations
                .iter()
                .map(|location| location.path.as_str())
                .collect();
            locations.sort_unstable();
            (
                package.purl.as_str(),
                locations,
                package.owned_by.as_deref(),
            )
        })
        .collect();
    let debian = inventory
        .packages
        .iter()
        .find(|package| package.name == "libcommons-lang3-java")
        .unwrap();
    assert_eq!(
        packages,
        [
            (
                "pkg:maven/com.google.guava/guava@32.1.3-jre",
                vec!["opt/app/app.war:WEB-INF/lib/guava-32.1.3-jre.jar"],
                None
            ),
            (
                "pkg:maven/org.apache.commons/commons-lang3@3.12.0",
                vec!["usr/share/java/commons-lang3.jar"],
                Some(debian.id())
            ),
            (
                "pkg:maven/org.apache.commons/commons-text@1.10.0",
                vec!["opt/app/app.war:WEB-INF/lib/commons-text-1.10.0.jar"],
                None
            ),
            ("pkg:maven/tool@1.4", vec!["opt/tool/tool-1.4.jar"], None),
        ]
    );
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
}
