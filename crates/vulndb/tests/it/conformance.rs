//! The real advisory corpora (`advisories/` of the conformance folder), imported whole, then
//! queried and evaluated on records read by hand.
//!
//! Corpora imported, and the one excluded:
//! - `pypa-advisory-database/` (PyPI, YAML), `rustsec-advisory-db/osv-branch/` (crates.io,
//!   JSON), `golang-vulndb/` (Go, JSON), `github-advisory-database-subset/` (npm and PyPI,
//!   JSON) and `osv.dev-testdata/` (Debian, Ubuntu and made-up ecosystems, JSON), each as a
//!   directory.
//! - Excluded, rule [`RUSTSEC_MAIN`]: `rustsec-advisory-db/main/` is the `RustSec` Markdown+TOML
//!   source format, not OSV; its OSV export is `osv-branch/`, which is imported.
//! - `osv.dev-testdata/vulnfeeds/test_data/` holds osv.dev's converter inputs (a Debian security
//!   tracker dump and "parts" arrays), which are JSON but not OSV records. They are imported
//!   with the rest of the folder on purpose: the import must skip them with one warning each
//!   and go on, which [`check_import_summaries`] checks file by file.
//!
//! Expected values were read from the record files named in each test. Versions are ordered by
//! the toy comparators of the test binary ([`crate::dotted`], [`crate::SemVer`]), so the
//! versions chosen are ones those order correctly; real comparators come from custody-version.

use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::time::Instant;

use custody_vulndb::{
    AffectedRecord, Database, Event, ImportSummary, MatchSource, NoImportReporter, RangeType,
    evaluate, normalize_name,
};

use crate::{SemVer, advisories, dotted};

/// Exclusion rule: the `RustSec` `main/` branch is not OSV (Markdown with TOML front matter).
const RUSTSEC_MAIN: &str = "rustsec-advisory-db/main";

/// The corpus folders imported, relative to `advisories/`.
const CORPORA: [&str; 5] = [
    "pypa-advisory-database",
    "rustsec-advisory-db/osv-branch",
    "golang-vulndb",
    "github-advisory-database-subset",
    "osv.dev-testdata",
];

/// OSV records in [`CORPORA`], counted with a script over the files (`id` and `modified`
/// present): 2,661 + 1,206 + 4,291 + 22 + 29. Ids are unique across corpora.
const RECORDS: u64 = 8_209;

/// Non-OSV JSON files under `osv.dev-testdata/vulnfeeds/test_data/`.
const NOT_OSV: usize = 14;

/// The records for one package, looked up the way callers must: normalized name and key.
fn lookup(
    database: &Database,
    ecosystem: &str,
    release: Option<&str>,
    name: &str,
) -> Vec<AffectedRecord> {
    database
        .affected(
            &custody_vulndb::ecosystem_key(ecosystem),
            release,
            &normalize_name(ecosystem, name),
        )
        .unwrap()
}

fn ids(records: &[AffectedRecord]) -> Vec<&str> {
    records.iter().map(|record| record.id.as_str()).collect()
}

/// (id, fixed version) of each record `installed` is affected by, with `parse`.
fn affecting<V: Ord, E>(
    records: &[AffectedRecord],
    installed: &V,
    parse: impl Fn(&str) -> Result<V, E> + Copy,
) -> Vec<(String, Option<String>)> {
    records
        .iter()
        .filter_map(|record| {
            let matched = evaluate(installed, record, parse).matched?;
            Some((record.id.clone(), matched.fixed))
        })
        .collect()
}

fn pairs(expected: &[(&str, Option<&str>)]) -> Vec<(String, Option<String>)> {
    expected
        .iter()
        .map(|(id, fixed)| ((*id).to_owned(), fixed.map(str::to_owned)))
        .collect()
}

/// Imports every corpus twice into a fresh database, then runs every check on it; a failing
/// check does not stop the others, and the test fails at the end naming them.
#[test]
fn advisory_corpora() {
    let root = advisories();
    assert!(
        root.join(RUSTSEC_MAIN).is_dir(),
        "excluded folder {RUSTSEC_MAIN} moved; revisit the exclusion"
    );
    let inputs: Vec<PathBuf> = CORPORA.iter().map(|corpus| root.join(corpus)).collect();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vulndb.sqlite");
    let mut database = Database::open_or_create(&path).unwrap();
    let started = Instant::now();
    let first = database.import(&inputs, &NoImportReporter).unwrap();
    let duration = started.elapsed();
    let second = database.import(&inputs, &NoImportReporter).unwrap();
    drop(database);
    eprintln!(
        "imported {} records ({} files skipped as not OSV, {RUSTSEC_MAIN} excluded) in \
         {duration:?}",
        first.imported,
        first.skipped.len(),
    );
    check_import_summaries(&first, &second);

    let database = Database::open(&path).unwrap();
    let checks: [(&str, Check); 10] = [
        ("info_counts_per_ecosystem", info_counts_per_ecosystem),
        ("pypi_urllib3_1_24_1", pypi_urllib3_1_24_1),
        (
            "pypi_requests_git_range_is_not_evaluated",
            pypi_requests_git_range_is_not_evaluated,
        ),
        (
            "pypi_last_affected_is_inclusive",
            pypi_last_affected_is_inclusive,
        ),
        (
            "pypi_withdrawn_record_matches_nothing",
            pypi_withdrawn_record_matches_nothing,
        ),
        ("pypi_names_are_normalized", pypi_names_are_normalized),
        (
            "github_npm_reference_image_versions",
            github_npm_reference_image_versions,
        ),
        ("go_stdlib_intervals", go_stdlib_intervals),
        ("crates_io_records", crates_io_records),
        ("distro_records_by_release", distro_records_by_release),
    ];
    let mut failed = Vec::new();
    for (name, check) in checks {
        // The panic hook prints each failure's expected and got values as it happens.
        if std::panic::catch_unwind(AssertUnwindSafe(|| check(&database))).is_err() {
            failed.push(name);
        }
    }
    eprintln!(
        "{} passed, {} failed",
        checks.len() - failed.len(),
        failed.len()
    );
    assert!(failed.is_empty(), "failed checks: {failed:?}");
}

/// One check on the imported database.
type Check = fn(&Database);

/// The first import stores every record and skips exactly the non-OSV files; the second
/// changes nothing.
fn check_import_summaries(first: &ImportSummary, second: &ImportSummary) {
    assert_eq!(
        (first.imported, first.updated, first.unchanged),
        (RECORDS, 0, 0)
    );
    let skipped_paths: Vec<&Path> = first.skipped.iter().map(|w| w.path.as_path()).collect();
    assert_eq!(skipped_paths.len(), NOT_OSV, "{:#?}", first.skipped);
    for warning in &first.skipped {
        assert!(
            warning
                .path
                .starts_with(advisories().join("osv.dev-testdata/vulnfeeds/test_data")),
            "unexpected warning: {warning}"
        );
        assert!(
            warning.message.starts_with("invalid OSV JSON: "),
            "{warning}"
        );
        assert_eq!(warning.id, None);
    }
    let tracker = first
        .skipped
        .iter()
        .find(|w| w.path.ends_with("debian/debian_security_tracker_mock.json"))
        .unwrap();
    assert!(tracker.message.contains("missing field `id`"), "{tracker}");

    // Importing the same data again changes nothing.
    assert_eq!(
        (second.imported, second.updated, second.unchanged),
        (0, 0, RECORDS)
    );
    assert_eq!(second.skipped, first.skipped);
}

fn info_counts_per_ecosystem(database: &Database) {
    let info = database.info().unwrap();
    assert_eq!(info.schema_version, custody_vulndb::SCHEMA_VERSION);
    assert_eq!(info.advisories, RECORDS);
    // 17 Go, 13 RustSec, 10 PyPI records carry `withdrawn`.
    assert_eq!(info.withdrawn, 40);
    let counts: Vec<(&str, u64)> = info
        .ecosystems
        .iter()
        .map(|count| (count.ecosystem.as_str(), count.advisories))
        .collect();
    // Distinct records per base ecosystem, counted with a script over the files. PyPI is
    // 2,661 pypa records + 9 GitHub PyPI records + osv.dev's MULTI-ECO-FIX-DEMO.
    assert_eq!(
        counts,
        [
            ("Amazon Linux", 1),
            ("crates.io", 1206),
            ("Debian", 1),
            ("Ecosystem1", 1),
            ("Ecosystem2", 1),
            ("Ecosystem3", 1),
            ("Go", 4291),
            ("Maven", 1),
            ("npm", 14),
            ("Oracle Linux", 1),
            ("PyPI", 2671),
            ("Red Hat", 1),
            ("SUSE Linux Enterprise Server", 1),
            ("Ubuntu", 2),
        ]
    );
    assert!(info.last_import.is_some());
    assert!(info.source.unwrap().contains("golang-vulndb"));
    assert!(info.file_size > 1 << 20);
}

/// pypa-advisory-database/vulns/urllib3/*.yaml and the GitHub subset's urllib3 records.
fn pypi_urllib3_1_24_1(database: &Database) {
    let records = lookup(database, "PyPI", None, "urllib3");
    assert_eq!(
        ids(&records),
        [
            "GHSA-34jh-p97f-mpxf",
            "GHSA-34jh-p97f-mpxf",
            "GHSA-g4mx-q9vg-27p4",
            "GHSA-g4mx-q9vg-27p4",
            "GHSA-v845-jxx5-vc9f",
            "GHSA-v845-jxx5-vc9f",
            "PYSEC-2017-98",
            "PYSEC-2018-32",
            "PYSEC-2019-132",
            "PYSEC-2019-133",
            "PYSEC-2020-148",
            "PYSEC-2020-149",
            "PYSEC-2021-108",
            "PYSEC-2021-59",
            "PYSEC-2023-192",
            "PYSEC-2023-207",
            "PYSEC-2023-212",
        ]
    );

    let record = records.iter().find(|r| r.id == "PYSEC-2019-132").unwrap();
    assert_eq!(record.aliases, ["CVE-2019-11236", "GHSA-r64q-w8jr-g9qp"]);
    assert_eq!(record.modified, "2019-06-13T04:29:00Z");
    assert_eq!(record.published.as_deref(), Some("2019-04-15T15:29:00Z"));
    assert_eq!(record.ecosystem, "PyPI");
    assert_eq!(record.package, "urllib3");
    assert_eq!(record.purl.as_deref(), Some("pkg:pypi/urllib3"));
    // No summary in PyPI records: the start of `details` stands in.
    assert_eq!(
        record.summary.as_deref(),
        Some(
            "In the urllib3 library through 1.24.1 for Python, CRLF injection is possible if the \
             attacker controls the request parameter."
        )
    );
    assert_eq!(record.ranges.len(), 1);
    assert_eq!(record.ranges[0].range_type, RangeType::Ecosystem);
    assert_eq!(
        record.ranges[0].events,
        [Event::Introduced("0".into()), Event::Fixed("1.24.3".into())]
    );
    assert_eq!(record.versions.len(), 49);
    assert_eq!(record.versions.last().map(String::as_str), Some("1.24.2"));
    assert_eq!(record.references.len(), custody_vulndb::MAX_REFERENCES);
    assert_eq!(
        record.references[0].url,
        "https://github.com/urllib3/urllib3/issues/1553"
    );
    assert!(record.severity.is_empty());

    // 1.24.1: every range that starts at 0 and is fixed after it. PYSEC-2023-192's second
    // range lists [2.0.0, 2.0.6) before [0, 1.26.17): evaluation sorts the events.
    let installed = dotted("1.24.1").unwrap();
    assert_eq!(
        affecting(&records, &installed, dotted),
        pairs(&[
            ("GHSA-34jh-p97f-mpxf", Some("1.26.19")),
            ("GHSA-g4mx-q9vg-27p4", Some("1.26.18")),
            ("GHSA-v845-jxx5-vc9f", Some("1.26.17")),
            ("PYSEC-2019-132", Some("1.24.3")),
            ("PYSEC-2019-133", Some("1.24.2")),
            ("PYSEC-2020-148", Some("1.25.9")),
            ("PYSEC-2021-108", Some("1.26.5")),
            ("PYSEC-2023-192", Some("1.26.17")),
            ("PYSEC-2023-207", Some("1.24.2")),
            ("PYSEC-2023-212", Some("1.26.18")),
        ])
    );
    let matched = evaluate(&installed, record, dotted).matched.unwrap();
    assert_eq!(matched.introduced.as_deref(), Some("0"));
    assert_eq!(matched.fixed_version(), Some("1.24.3"));

    // 2.0.5: only the 2.x intervals.
    let installed = dotted("2.0.5").unwrap();
    assert_eq!(
        affecting(&records, &installed, dotted),
        pairs(&[
            ("GHSA-34jh-p97f-mpxf", Some("2.2.2")),
            ("GHSA-g4mx-q9vg-27p4", Some("2.0.7")),
            ("GHSA-v845-jxx5-vc9f", Some("2.0.6")),
            ("PYSEC-2023-192", Some("2.0.6")),
            ("PYSEC-2023-212", Some("2.0.7")),
        ])
    );
    // 1.24.3 is the fix of PYSEC-2019-132.
    assert!(!evaluate(&dotted("1.24.3").unwrap(), record, dotted).is_affected());
}

/// pypa-advisory-database/vulns/requests/PYSEC-2023-74.yaml: a GIT range, then an
/// ECOSYSTEM range; and its GitHub twin GHSA-j8r2-6x86-q33q.
fn pypi_requests_git_range_is_not_evaluated(database: &Database) {
    let records = lookup(database, "PyPI", None, "Requests");
    let record = records.iter().find(|r| r.id == "PYSEC-2023-74").unwrap();
    assert_eq!(record.ranges[0].range_type, RangeType::Git);
    assert_eq!(
        record.ranges[0].repo.as_deref(),
        Some("https://github.com/psf/requests")
    );
    let matched = evaluate(&dotted("2.25.1").unwrap(), record, dotted)
        .matched
        .unwrap();
    assert_eq!(
        matched.source,
        MatchSource::Range {
            index: 1,
            range_type: RangeType::Ecosystem
        }
    );
    assert_eq!(matched.introduced.as_deref(), Some("2.3.0"));
    assert_eq!(matched.fixed_version(), Some("2.31.0"));
    assert!(!evaluate(&dotted("2.2.1").unwrap(), record, dotted).is_affected());

    // Alias merging: both records name CVE-2023-32681.
    assert_eq!(
        database.ids_for_alias("CVE-2023-32681").unwrap(),
        ["GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"]
    );
    assert_eq!(
        database.ids_for_alias("GHSA-j8r2-6x86-q33q").unwrap(),
        ["PYSEC-2023-74"]
    );
}

/// pypa-advisory-database/vulns/py/PYSEC-2022-42969.yaml: `last_affected: 1.11.0`.
fn pypi_last_affected_is_inclusive(database: &Database) {
    let records = lookup(database, "PyPI", None, "py");
    assert_eq!(ids(&records), ["PYSEC-2020-92", "PYSEC-2022-42969"]);
    let record = &records[1];
    assert_eq!(
        record.ranges[0].events,
        [
            Event::Introduced("0".into()),
            Event::LastAffected("1.11.0".into())
        ]
    );
    let matched = evaluate(&dotted("1.11.0").unwrap(), record, dotted)
        .matched
        .unwrap();
    assert_eq!(matched.last_affected.as_deref(), Some("1.11.0"));
    assert_eq!(matched.fixed_version(), None);
    let later = evaluate(&dotted("1.11.1").unwrap(), record, dotted);
    assert!(!later.is_affected());
    // Its versions list holds `0.8.0-alpha2`, which the toy comparator cannot read.
    assert!(
        later
            .skipped
            .iter()
            .any(|skipped| skipped.range.is_none() && skipped.version == "0.8.0-alpha2")
    );
    // PYSEC-2020-92 is fixed in 1.10.0.
    assert_eq!(
        affecting(&records, &dotted("1.9.0").unwrap(), dotted),
        pairs(&[
            ("PYSEC-2020-92", Some("1.10.0")),
            ("PYSEC-2022-42969", None)
        ])
    );
}

/// pypa-advisory-database/vulns/redis/: PYSEC-2023-73 is withdrawn and never returned.
fn pypi_withdrawn_record_matches_nothing(database: &Database) {
    let records = lookup(database, "PyPI", None, "redis");
    assert_eq!(ids(&records), ["PYSEC-2023-45", "PYSEC-2023-46"]);
    // Three intervals in one range; 4.3.5 is in the first.
    assert_eq!(
        affecting(&records, &dotted("4.3.5").unwrap(), dotted),
        pairs(&[
            ("PYSEC-2023-45", Some("4.3.6")),
            ("PYSEC-2023-46", Some("4.4.4"))
        ])
    );
    assert_eq!(
        affecting(&records, &dotted("4.4.3").unwrap(), dotted),
        pairs(&[("PYSEC-2023-46", Some("4.4.4"))])
    );
    // Still stored (and counted by info) and still reachable by alias.
    assert_eq!(
        database.ids_for_alias("CVE-2023-31655").unwrap(),
        ["PYSEC-2023-73"]
    );
}

/// PEP 503 lookups: pypa writes `pyyaml` and `jinja2`, GitHub `PyYAML`, `Jinja2` and `jinja2`.
fn pypi_names_are_normalized(database: &Database) {
    let jinja = lookup(database, "PyPI", None, "Jinja2");
    assert_eq!(
        ids(&jinja),
        [
            "GHSA-h5c8-rqwp-cp95",
            "GHSA-h75v-3vvj-5mfj",
            "PYSEC-2014-8",
            "PYSEC-2014-82",
            "PYSEC-2019-217",
            "PYSEC-2019-220",
            "PYSEC-2021-66",
        ]
    );
    assert_eq!(jinja[1].package, "Jinja2");
    assert_eq!(
        affecting(&jinja, &dotted("2.10").unwrap(), dotted),
        pairs(&[
            ("GHSA-h5c8-rqwp-cp95", Some("3.1.3")),
            ("GHSA-h75v-3vvj-5mfj", Some("3.1.4")),
            ("PYSEC-2019-217", Some("2.10.1")),
            ("PYSEC-2021-66", Some("2.11.3")),
        ])
    );

    let yaml = lookup(database, "PyPI", None, "PyYAML");
    assert_eq!(
        ids(&yaml),
        [
            "GHSA-8q59-q68h-6hv4",
            "PYSEC-2018-49",
            "PYSEC-2020-176",
            "PYSEC-2020-96",
            "PYSEC-2021-142",
        ]
    );
    assert_eq!(yaml[0].database_severity.as_deref(), Some("CRITICAL"));
    let installed = dotted("5.3").unwrap();
    assert_eq!(
        affecting(&yaml, &installed, dotted),
        pairs(&[
            ("GHSA-8q59-q68h-6hv4", Some("5.4")),
            ("PYSEC-2020-96", Some("5.3.1")),
            ("PYSEC-2021-142", Some("5.4")),
        ])
    );
    // PYSEC-2020-176 is fixed in `5.2b1`, which dotted numbers cannot order: the range is
    // reported as skipped rather than half-evaluated.
    let skipped = evaluate(&installed, &yaml[2], dotted).skipped;
    assert_eq!(skipped[0].range, Some(0));
    assert_eq!(skipped[0].version, "5.2b1");
}

/// The GitHub subset's npm records against the reference image's lodash 4.17.15,
/// minimist 1.2.0 and express 4.16.0.
fn github_npm_reference_image_versions(database: &Database) {
    let semver = SemVer::parse;
    let lodash = lookup(database, "npm", None, "lodash");
    assert_eq!(
        affecting(&lodash, &semver("4.17.15").unwrap(), semver),
        pairs(&[
            ("GHSA-29mw-wpgm-hmr9", Some("4.17.21")),
            ("GHSA-35jh-r3h4-6jhm", Some("4.17.21")),
            ("GHSA-p6mc-m468-83gw", Some("4.17.20")),
        ])
    );
    let command_injection = lodash
        .iter()
        .find(|r| r.id == "GHSA-35jh-r3h4-6jhm")
        .unwrap();
    assert_eq!(command_injection.aliases, ["CVE-2021-23337"]);
    assert_eq!(
        command_injection.summary.as_deref(),
        Some("Command Injection in lodash")
    );
    assert_eq!(command_injection.database_severity.as_deref(), Some("HIGH"));
    assert_eq!(command_injection.severity.len(), 1);
    assert_eq!(command_injection.severity[0].severity_type, "CVSS_V3");
    assert_eq!(
        command_injection.severity[0].score,
        "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"
    );
    assert!(affecting(&lodash, &semver("4.17.21").unwrap(), semver).is_empty());

    // GHSA-29mw-wpgm-hmr9 gives lodash.trim `last_affected: 4.5.1`.
    let trim = lookup(database, "npm", None, "lodash.trim");
    assert_eq!(ids(&trim), ["GHSA-29mw-wpgm-hmr9"]);
    let matched = evaluate(&semver("4.5.1").unwrap(), &trim[0], semver)
        .matched
        .unwrap();
    assert_eq!(matched.last_affected.as_deref(), Some("4.5.1"));
    assert!(!evaluate(&semver("4.5.2").unwrap(), &trim[0], semver).is_affected());

    // minimist: each GHSA lists the package twice, one interval each.
    let minimist = lookup(database, "npm", None, "minimist");
    assert_eq!(minimist.len(), 4);
    assert_eq!(
        affecting(&minimist, &semver("1.2.0").unwrap(), semver),
        pairs(&[
            ("GHSA-vh95-rmgr-6w4m", Some("1.2.3")),
            ("GHSA-xvch-5gv4-984h", Some("1.2.6")),
        ])
    );

    // express: the 5.x pre-release intervals need SemVer pre-release ordering.
    let express = lookup(database, "npm", None, "express");
    assert_eq!(
        affecting(&express, &semver("4.16.0").unwrap(), semver),
        pairs(&[
            ("GHSA-qw6h-vgh9-j6wx", Some("4.20.0")),
            ("GHSA-rv95-896h-c2vc", Some("4.19.2")),
        ])
    );
    assert_eq!(
        affecting(&express, &semver("5.0.0-beta.1").unwrap(), semver),
        pairs(&[
            ("GHSA-qw6h-vgh9-j6wx", Some("5.0.0")),
            ("GHSA-rv95-896h-c2vc", Some("5.0.0-beta.3")),
        ])
    );
}

/// golang-vulndb/data/osv/GO-2023-1987.json: three intervals on `stdlib`, with `-0` and
/// `-rc.4` pre-releases.
fn go_stdlib_intervals(database: &Database) {
    let semver = SemVer::parse;
    let records = lookup(database, "Go", None, "stdlib");
    let record = records.iter().find(|r| r.id == "GO-2023-1987").unwrap();
    assert_eq!(
        record.ranges[0].events,
        [
            Event::Introduced("0".into()),
            Event::Fixed("1.19.12".into()),
            Event::Introduced("1.20.0-0".into()),
            Event::Fixed("1.20.7".into()),
            Event::Introduced("1.21.0-0".into()),
            Event::Fixed("1.21.0-rc.4".into()),
        ]
    );
    let check = |installed: &str, expected: Option<(&str, &str)>| {
        let matched = evaluate(&semver(installed).unwrap(), record, semver).matched;
        let bounds = matched.map(|m| (m.introduced.unwrap(), m.fixed.unwrap()));
        assert_eq!(
            bounds,
            expected.map(|(introduced, fixed)| (introduced.to_owned(), fixed.to_owned())),
            "{installed}"
        );
    };
    check("1.19.11", Some(("0", "1.19.12")));
    check("1.19.12", None);
    check("1.20.0-rc.1", Some(("1.20.0-0", "1.20.7")));
    check("1.20.6", Some(("1.20.0-0", "1.20.7")));
    check("1.20.7", None);
    check("1.21.0-rc.3", Some(("1.21.0-0", "1.21.0-rc.4")));
    check("1.21.0", None);

    // GO-2024-2730 (gorilla/sessions) is withdrawn.
    let sessions = lookup(database, "Go", None, "github.com/gorilla/sessions");
    assert!(
        !ids(&sessions).contains(&"GO-2024-2730"),
        "{:?}",
        ids(&sessions)
    );
}

/// rustsec-advisory-db/osv-branch/crates: `rand_core` (RUSTSEC-2019-0035, two intervals;
/// RUSTSEC-2021-0023) and the withdrawn `dirs` record RUSTSEC-2020-0053.
fn crates_io_records(database: &Database) {
    let semver = SemVer::parse;
    let records = lookup(database, "crates.io", None, "rand_core");
    assert_eq!(ids(&records), ["RUSTSEC-2019-0035", "RUSTSEC-2021-0023"]);
    assert_eq!(records[0].package, "rand_core");
    assert_eq!(records[0].ranges[0].range_type, RangeType::Semver);
    assert_eq!(
        affecting(&records, &semver("0.3.0").unwrap(), semver),
        pairs(&[("RUSTSEC-2019-0035", Some("0.3.1"))])
    );
    assert_eq!(
        affecting(&records, &semver("0.4.1").unwrap(), semver),
        pairs(&[("RUSTSEC-2019-0035", Some("0.4.2"))])
    );
    assert_eq!(
        affecting(&records, &semver("0.6.1").unwrap(), semver),
        pairs(&[("RUSTSEC-2021-0023", Some("0.6.2"))])
    );
    assert!(affecting(&records, &semver("0.6.2").unwrap(), semver).is_empty());
    assert!(lookup(database, "crates.io", None, "dirs").is_empty());
}

/// osv.dev-testdata: DSA-3029-1 (`Debian:7` nginx), UBUNTU-CVE-2025-38094
/// (`Ubuntu:Pro:14.04:LTS` linux, 180 listed versions), CVE-5 (Red Hat and SUSE streams).
fn distro_records_by_release(database: &Database) {
    // Debian versions ordered as plain strings is enough for these two.
    let text = |version: &str| Ok::<_, std::convert::Infallible>(version.to_owned());
    let nginx = lookup(database, "Debian", Some("7"), "nginx");
    assert_eq!(ids(&nginx), ["DSA-3029-1"]);
    assert_eq!(nginx[0].ecosystem, "Debian:7");
    assert_eq!(nginx[0].aliases, ["CVE-2014-3616"]);
    assert_eq!(nginx[0].published.as_deref(), Some("2014-09-20T00:00:00Z"));
    let matched = evaluate(&"1.2.1-2.2+wheezy2".to_owned(), &nginx[0], text)
        .matched
        .unwrap();
    assert_eq!(matched.fixed_version(), Some("1.2.1-2.2+wheezy3"));
    assert!(lookup(database, "Debian", Some("12"), "nginx").is_empty());
    assert_eq!(
        ids(&lookup(database, "debian", None, "nginx")),
        ["DSA-3029-1"]
    );

    let linux = lookup(database, "Ubuntu", Some("Pro:14.04:LTS"), "linux");
    assert_eq!(ids(&linux), ["UBUNTU-CVE-2025-38094"]);
    let record = &linux[0];
    assert_eq!(record.upstream, ["CVE-2025-38094"]);
    assert_eq!(record.severity.len(), 1);
    assert_eq!(record.severity[0].severity_type, "Ubuntu");
    assert_eq!(record.severity[0].score, "medium");
    assert_eq!(record.versions.len(), 180);
    assert!(record.versions.iter().any(|v| v == "3.13.0-24.46"));
    assert_eq!(
        record.purl.as_deref(),
        Some("pkg:deb/ubuntu/linux@3.13.0-206.257?arch=source&distro=esm-infra-legacy/trusty")
    );
    // `introduced: 0` alone: every version is affected, no fix.
    let matched = evaluate(&"9.9".to_owned(), record, text).matched.unwrap();
    assert_eq!(matched.fixed_version(), None);
    assert!(lookup(database, "Ubuntu", Some("22.04:LTS"), "linux").is_empty());

    let rhel = lookup(
        database,
        "Red Hat",
        Some("rhel_e4s:9.2::appstream"),
        "package1",
    );
    assert_eq!(ids(&rhel), ["CVE-5"]);
    assert!(rhel[0].ranges.is_empty());
    assert_eq!(
        ids(&lookup(
            database,
            "SUSE Linux Enterprise Server",
            Some("sles:15:sp4::module-containers"),
            "package2"
        )),
        ["CVE-5"]
    );
    // MULTI-ECO-FIX-DEMO: one record, a PyPI and an npm entry.
    assert_eq!(
        affecting(
            &lookup(database, "PyPI", None, "demo-lib"),
            &dotted("1.1.0").unwrap(),
            dotted
        ),
        pairs(&[("MULTI-ECO-FIX-DEMO", Some("1.2.0"))])
    );
    assert_eq!(
        affecting(
            &lookup(database, "npm", None, "demo-lib"),
            &SemVer::parse("9.0.0").unwrap(),
            SemVer::parse
        ),
        pairs(&[("MULTI-ECO-FIX-DEMO", None)])
    );
}
