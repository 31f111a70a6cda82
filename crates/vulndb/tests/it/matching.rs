//! Matching inventories against advisories: distro matching through source packages and
//! releases with each distribution's comparator (epochs, `~`), language packages under their
//! OSV ecosystem, OS-owned language packages left to the distribution, alias merging, and
//! withdrawn and `last_affected` records read from the real PyPA corpus.

use custody_model::{Distro, Ecosystem, Inventory, Location, Package, Purl, SourcePackage};
use custody_model::{TargetInfo, TargetKind};
use custody_vulndb::{Database, match_inventory};

use crate::{advisories, fresh_database, import, write};

/// A Debian 12 advisory for source `openssl`, fixed in `3.0.11-1~deb12u2`, and one fixed in
/// the installed `~deb12u1` itself; a Debian 11 advisory that must not apply to 12; an epoch
/// case for `tar`.
const DEBIAN: &[(&str, &str)] = &[
    (
        "DEBIAN-TEST-1.json",
        r#"{"id": "DEBIAN-TEST-1", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2023-5678"],
            "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
              "ranges": [{"type": "ECOSYSTEM",
                          "events": [{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u2"}]}]}]}"#,
    ),
    (
        "DEBIAN-TEST-2.json",
        r#"{"id": "DEBIAN-TEST-2", "modified": "2024-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
              "ranges": [{"type": "ECOSYSTEM",
                          "events": [{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u1"}]}]}]}"#,
    ),
    (
        "DEBIAN-TEST-3.json",
        r#"{"id": "DEBIAN-TEST-3", "modified": "2024-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "Debian:11", "name": "openssl"},
              "ranges": [{"type": "ECOSYSTEM",
                          "events": [{"introduced": "0"}, {"fixed": "9.9.9-1"}]}]}]}"#,
    ),
    (
        "DEBIAN-TEST-4.json",
        r#"{"id": "DEBIAN-TEST-4", "modified": "2024-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "Debian:12", "name": "tar"},
              "ranges": [{"type": "ECOSYSTEM",
                          "events": [{"introduced": "0"}, {"fixed": "1.36-1"}]}]}]}"#,
    ),
    (
        "DEBIAN-TEST-5.json",
        r#"{"id": "DEBIAN-TEST-5", "modified": "2024-01-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "Debian:12", "name": "python-urllib3"},
              "ranges": [{"type": "ECOSYSTEM",
                          "events": [{"introduced": "0"}, {"fixed": "1.26.12-1+deb12u1"}]}]}]}"#,
    ),
];

fn inventory(distro: Option<Distro>, packages: Vec<Package>) -> Inventory {
    Inventory {
        schema_version: Inventory::SCHEMA_VERSION,
        target: TargetInfo {
            kind: TargetKind::Rootfs,
            name: "/test".into(),
            image: None,
        },
        distro,
        packages,
        dependencies: Vec::new(),
        warnings: Vec::new(),
    }
}

fn os_package(
    ecosystem: Ecosystem,
    name: &str,
    version: &str,
    source: Option<(&str, Option<&str>)>,
) -> Package {
    let purl = Purl::from_canonical(format!("pkg:{ecosystem}/test/{name}@{version}"));
    let mut package = Package::new(ecosystem, name, version, purl);
    package.source = source.map(|(name, version)| SourcePackage {
        name: name.into(),
        version: version.map(str::to_owned),
    });
    package.locations.push(Location::new("var/lib/dpkg/status"));
    package
}

fn database_with(records: &[(&str, &str)]) -> (tempfile::TempDir, Database) {
    let (dir, mut database) = fresh_database();
    let data = dir.path().join("records");
    for (name, record) in records {
        write(&data, name, record);
    }
    import(&mut database, &[&data]);
    (dir, database)
}

/// (finding id, package name, fixed version) of every finding.
fn summary(database: &Database, inventory: &Inventory) -> Vec<(String, String, Option<String>)> {
    let matches = match_inventory(database, inventory).unwrap();
    matches
        .findings
        .into_iter()
        .map(|finding| (finding.id, finding.name, finding.fixed_version))
        .collect()
}

#[test]
fn debian_binary_packages_match_through_their_source_and_release() {
    let (_dir, database) = database_with(DEBIAN);
    let debian = Distro::new("debian", Some("12".into()));
    let packages = vec![
        os_package(
            Ecosystem::Deb,
            "libssl3",
            "3.0.11-1~deb12u1",
            Some(("openssl", None)),
        ),
        // The epoch makes 1:1.34 newer than 1.36-1: not affected.
        os_package(Ecosystem::Deb, "tar", "1:1.34+dfsg-1.2", None),
    ];
    let matches = match_inventory(&database, &inventory(Some(debian), packages)).unwrap();
    assert_eq!(matches.findings.len(), 1, "{:#?}", matches.findings);
    let finding = &matches.findings[0];
    // DEBIAN-TEST-1 (fixed in ~deb12u2 > ~deb12u1) matches; DEBIAN-TEST-2 is fixed in the
    // installed version itself; DEBIAN-TEST-3 is for Debian 11.
    assert_eq!(finding.id, "CVE-2023-5678");
    assert_eq!(finding.aliases, ["DEBIAN-TEST-1"]);
    assert_eq!(finding.name, "libssl3");
    assert_eq!(finding.fixed_version.as_deref(), Some("3.0.11-1~deb12u2"));
    let detail = &finding.matches[0];
    assert_eq!(detail.package, "openssl");
    assert_eq!(detail.ecosystem, "Debian:12");
    assert_eq!(detail.comparator, "dpkg");
    assert_eq!(detail.range_type, "ECOSYSTEM");
    assert_eq!(detail.introduced.as_deref(), Some("0"));
}

#[test]
fn binnmu_packages_compare_their_source_version() {
    let (_dir, database) = database_with(DEBIAN);
    let debian = Distro::new("debian", Some("12".into()));
    // A binNMU: binary 3.0.11-1~deb12u2+b1 from source 3.0.11-1~deb12u1. The source version
    // is what the advisory's fixed version names.
    let package = os_package(
        Ecosystem::Deb,
        "libssl3",
        "3.0.11-1~deb12u2+b1",
        Some(("openssl", Some("3.0.11-1~deb12u1"))),
    );
    let found = summary(&database, &inventory(Some(debian), vec![package]));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].0, "CVE-2023-5678");
}

#[test]
fn other_releases_and_unknown_releases_do_not_match() {
    let (_dir, database) = database_with(DEBIAN);
    let package = || {
        os_package(
            Ecosystem::Deb,
            "libssl3",
            "3.0.11-1~deb12u1",
            Some(("openssl", None)),
        )
    };
    // On Debian 11 only the Debian 11 advisory applies.
    let bullseye = Distro::new("debian", Some("11".into()));
    let found = summary(&database, &inventory(Some(bullseye), vec![package()]));
    assert_eq!(
        found,
        [(
            "DEBIAN-TEST-3".to_owned(),
            "libssl3".to_owned(),
            Some("9.9.9-1".to_owned())
        )]
    );
    // Debian testing has no VERSION_ID: nothing is guessed, and the report says so.
    let testing = Distro::new("debian", None);
    let matches = match_inventory(&database, &inventory(Some(testing), vec![package()])).unwrap();
    assert!(matches.findings.is_empty());
    assert!(
        matches.warnings[0]
            .message
            .contains("no OSV advisories are published for debian"),
        "{:?}",
        matches.warnings
    );
}

#[test]
fn os_owned_language_packages_are_left_to_the_distribution() {
    let (_dir, mut database) = database_with(DEBIAN);
    let pypa = advisories().join("pypa-advisory-database/vulns/urllib3");
    import(&mut database, &[&pypa]);
    let debian = Distro::new("debian", Some("12".into()));
    let os = os_package(
        Ecosystem::Deb,
        "python3-urllib3",
        "1.26.12-1",
        Some(("python-urllib3", None)),
    );
    let mut owned = Package::new(
        Ecosystem::Pypi,
        "urllib3",
        "1.26.12",
        Purl::from_canonical("pkg:pypi/urllib3@1.26.12"),
    );
    owned.owned_by = Some(os.id().to_owned());
    let mut own = owned.clone();
    own.owned_by = None;
    own.purl = Purl::from_canonical("pkg:pypi/urllib3@1.26.12?copy=pip");

    let found = summary(&database, &inventory(Some(debian.clone()), vec![os, owned]));
    // Only the distribution's advisory for the owning package: 1.26.12's upstream advisories
    // (PYSEC-2023-192 fixed in 1.26.17, PYSEC-2023-212 fixed in 1.26.18) are not reported
    // against Debian's patched copy.
    assert_eq!(
        found,
        [(
            "DEBIAN-TEST-5".to_owned(),
            "python3-urllib3".to_owned(),
            Some("1.26.12-1+deb12u1".to_owned())
        )]
    );
    // The same version installed by pip is matched upstream: both advisories' second range
    // holds two intervals (2.0.0–2.0.6 and 0–1.26.17), the first range is a GIT range that
    // is not evaluated. PYSEC-2021-108 (fixed 1.26.5) and PYSEC-2021-59 (1.26.0–1.26.4) do
    // not apply.
    let found = summary(&database, &inventory(Some(debian), vec![own]));
    assert_eq!(
        found,
        [
            (
                "CVE-2023-43804".to_owned(),
                "urllib3".to_owned(),
                Some("1.26.17".to_owned())
            ),
            (
                "CVE-2023-45803".to_owned(),
                "urllib3".to_owned(),
                Some("1.26.18".to_owned())
            ),
        ]
    );
}

#[test]
fn alpine_matches_origin_packages_per_branch() {
    let records = [(
        "ALPINE-TEST-1.json",
        r#"{"id": "ALPINE-TEST-1", "modified": "2024-01-01T00:00:00Z", "aliases": ["CVE-2024-0727"],
            "affected": [{"package": {"ecosystem": "Alpine:v3.19", "name": "openssl"},
              "ranges": [{"type": "ECOSYSTEM",
                          "events": [{"introduced": "0"}, {"fixed": "3.1.4-r5"}]}]}]}"#,
    )];
    let (_dir, database) = database_with(&records);
    let package = |version: &str| {
        os_package(
            Ecosystem::Apk,
            "libcrypto3",
            version,
            Some(("openssl", None)),
        )
    };
    let alpine = Distro::new("alpine", Some("3.19.1".into()));
    let found = summary(
        &database,
        &inventory(Some(alpine.clone()), vec![package("3.1.4-r4")]),
    );
    assert_eq!(found[0].0, "CVE-2024-0727");
    // apk orders -r5 after -r4 and 3.1.4_rc1 before 3.1.4.
    assert!(
        summary(
            &database,
            &inventory(Some(alpine.clone()), vec![package("3.1.4-r5")])
        )
        .is_empty()
    );
    assert_eq!(
        summary(
            &database,
            &inventory(Some(alpine), vec![package("3.1.4_rc1-r0")])
        )
        .len(),
        1
    );
    let other_branch = Distro::new("alpine", Some("3.20.0".into()));
    assert!(
        summary(
            &database,
            &inventory(Some(other_branch), vec![package("3.1.4-r4")])
        )
        .is_empty()
    );
}

#[test]
fn rpm_matches_binary_or_source_names_with_epochs_and_tildes() {
    let records = [
        (
            "RLSA-TEST-1.json",
            r#"{"id": "RLSA-TEST-1", "modified": "2024-01-01T00:00:00Z",
                "affected": [{"package": {"ecosystem": "Rocky Linux:9", "name": "openssl-libs"},
                  "ranges": [{"type": "ECOSYSTEM",
                              "events": [{"introduced": "0"}, {"fixed": "1:3.0.7-25.el9_3"}]}]}]}"#,
        ),
        (
            "RLSA-TEST-2.json",
            r#"{"id": "RLSA-TEST-2", "modified": "2024-01-01T00:00:00Z",
                "affected": [{"package": {"ecosystem": "Rocky Linux:9", "name": "curl"},
                  "ranges": [{"type": "ECOSYSTEM",
                              "events": [{"introduced": "0"}, {"fixed": "7.76.1-26.el9"}]}]}]}"#,
        ),
    ];
    let (_dir, database) = database_with(&records);
    let rocky = Distro::new("rocky", Some("9.3".into()));
    let packages = vec![
        // Binary name in the advisory; the epoch decides: 1:3.0.7-24 < 1:3.0.7-25.
        os_package(
            Ecosystem::Rpm,
            "openssl-libs",
            "1:3.0.7-24.el9",
            Some(("openssl", Some("3.0.7-24.el9"))),
        ),
        // Source name in the advisory; `~` sorts before the release: 7.76.1-26.el9~rc < fix.
        os_package(
            Ecosystem::Rpm,
            "libcurl",
            "7.76.1-26.el9~rc",
            Some(("curl", Some("7.76.1-26.el9~rc"))),
        ),
        // Without the epoch, 3.0.7-30 would look newer than 1:3.0.7-25; with epoch 0 it is
        // older.
        os_package(Ecosystem::Rpm, "openssl-libs", "3.0.7-30.el9", None),
    ];
    let found = summary(&database, &inventory(Some(rocky), packages));
    let names: Vec<(&str, &str)> = found
        .iter()
        .map(|(id, name, _)| (id.as_str(), name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            ("RLSA-TEST-2", "libcurl"),
            ("RLSA-TEST-1", "openssl-libs"),
            ("RLSA-TEST-1", "openssl-libs"),
        ],
        "{found:?}"
    );
}

#[test]
fn real_pypa_records_last_affected_and_withdrawn() {
    let (_dir, mut database) = fresh_database();
    let vulns = advisories().join("pypa-advisory-database/vulns");
    for package in ["py", "redis", "flask-caching"] {
        import(&mut database, &[&vulns.join(package)]);
    }
    let pypi = |name: &str, version: &str| {
        Package::new(
            Ecosystem::Pypi,
            name,
            version,
            Purl::from_canonical(format!("pkg:pypi/{name}@{version}")),
        )
    };
    // PYSEC-2022-42969: introduced 0, last_affected 1.11.0 (inclusive).
    let found = summary(&database, &inventory(None, vec![pypi("py", "1.11.0")]));
    assert_eq!(
        found,
        [("CVE-2022-42969".to_owned(), "py".to_owned(), None)]
    );
    assert!(summary(&database, &inventory(None, vec![pypi("py", "1.11.1")])).is_empty());
    // PYSEC-2023-73 (redis, every version) and PYSEC-2021-13 (Flask-Caching) are withdrawn.
    assert!(summary(&database, &inventory(None, vec![pypi("redis", "2.10.6")])).is_empty());
    assert!(
        summary(
            &database,
            &inventory(None, vec![pypi("Flask-Caching", "1.9.0")])
        )
        .is_empty()
    );
}
