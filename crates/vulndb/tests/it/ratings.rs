//! Severity ratings of real advisories after a round trip through the database: GitHub
//! records with CVSS v3.1 and v4.0 vectors, Ubuntu's priority, and Debian's urgency in the
//! shape osv.dev's Debian converter writes.

use custody_model::{RatingMethod, Severity};
use custody_vulndb::{AffectedRecord, Database, overall_severity, ratings};

use crate::{advisories, fresh_database, import, write};

/// The first affected entry of advisory `id` for `ecosystem`/`name` (GitHub lists a package
/// once per range; ratings are the advisory's, the same for each).
fn record(database: &Database, ecosystem: &str, name: &str, id: &str) -> AffectedRecord {
    database
        .affected(ecosystem, None, name)
        .unwrap()
        .into_iter()
        .find(|record| record.id == id)
        .unwrap_or_else(|| panic!("{id} for {ecosystem}/{name}"))
}

/// (method, source, score, severity, vector) of each rating, in order.
fn summary(record: &AffectedRecord) -> Vec<(RatingMethod, String, Option<f64>, Severity, String)> {
    ratings(record)
        .into_iter()
        .map(|rating| {
            (
                rating.method,
                rating.source,
                rating.score,
                rating.severity,
                rating.vector,
            )
        })
        .collect()
}

#[test]
fn github_advisories() {
    let (_dir, mut database) = fresh_database();
    import(
        &mut database,
        &[&advisories().join("github-advisory-database-subset")],
    );
    // GHSA-qwcr-r2fm-qrc7 (body-parser): CVSS v3.1 7.5 and v4.0 8.7, GitHub says HIGH.
    let body_parser = record(&database, "npm", "body-parser", "GHSA-qwcr-r2fm-qrc7");
    assert_eq!(
        summary(&body_parser),
        [
            (
                RatingMethod::CvssV4,
                "GHSA-qwcr-r2fm-qrc7".to_owned(),
                Some(8.7),
                Severity::High,
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N".to_owned()
            ),
            (
                RatingMethod::CvssV3,
                "GHSA-qwcr-r2fm-qrc7".to_owned(),
                Some(7.5),
                Severity::High,
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H".to_owned()
            ),
            (
                RatingMethod::Database,
                "GHSA-qwcr-r2fm-qrc7".to_owned(),
                None,
                Severity::High,
                "HIGH".to_owned()
            ),
        ]
    );
    // GHSA-cm22-4g7w-348p (serve-static): v4.0 rates it LOW (2.3) where v3.1 said MEDIUM
    // (5.0); the newer scheme is trusted.
    let serve_static = ratings(&record(
        &database,
        "npm",
        "serve-static",
        "GHSA-cm22-4g7w-348p",
    ));
    assert_eq!(serve_static[0].score, Some(2.3));
    assert_eq!(serve_static[1].score, Some(5.0));
    assert_eq!(overall_severity(&serve_static), Severity::Low);
    // GHSA-pxg6-pf52-xh8x (cookie) has no vector: GitHub's LOW is all there is.
    let cookie = ratings(&record(&database, "npm", "cookie", "GHSA-pxg6-pf52-xh8x"));
    assert_eq!(cookie.len(), 1);
    assert_eq!(cookie[0].method, RatingMethod::Database);
    assert_eq!(overall_severity(&cookie), Severity::Low);
    // GHSA-j8r2-6x86-q33q (requests, scope changed): 6.1 as NVD publishes.
    let requests = ratings(&record(
        &database,
        "pypi",
        "requests",
        "GHSA-j8r2-6x86-q33q",
    ));
    assert_eq!(requests[0].score, Some(6.1));
    assert_eq!(overall_severity(&requests), Severity::Medium);
}

#[test]
fn ubuntu_priority() {
    let (_dir, mut database) = fresh_database();
    import(
        &mut database,
        &[&advisories().join(
            "osv.dev-testdata/gcp/workers/oss_fuzz_worker/testdata/UBUNTU-CVE-2025-38094.json",
        )],
    );
    let linux = record(&database, "ubuntu", "linux", "UBUNTU-CVE-2025-38094");
    assert_eq!(linux.ecosystem, "Ubuntu:Pro:14.04:LTS");
    assert_eq!(
        summary(&linux),
        [(
            RatingMethod::DistroUrgency,
            "Ubuntu".to_owned(),
            None,
            Severity::Medium,
            "medium".to_owned()
        )]
    );
}

#[test]
fn debian_urgency_outranks_nvd() {
    // The shape of osv.dev's Debian converter (vulnfeeds/cmd/converters/debian): NVD's vector
    // for the CVE, and per release the security tracker's urgency, here CVE-2016-1585 as in
    // the converter's test data (`unimportant` in bookworm; an unassigned one in bullseye).
    let (dir, mut database) = fresh_database();
    let file = write(
        dir.path(),
        "DEBIAN-CVE-2016-1585.json",
        r#"{"id": "DEBIAN-CVE-2016-1585", "modified": "2024-06-18T00:00:00Z",
            "upstream": ["CVE-2016-1585"],
            "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
            "affected": [
              {"package": {"ecosystem": "Debian:11", "name": "apparmor"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
               "ecosystem_specific": {"urgency": "not yet assigned"}},
              {"package": {"ecosystem": "Debian:12", "name": "apparmor"},
               "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}],
               "ecosystem_specific": {"urgency": "unimportant"}}]}"#,
    );
    import(&mut database, &[&file]);
    let bookworm = database.affected("debian", Some("12"), "apparmor").unwrap();
    assert_eq!(bookworm.len(), 1);
    assert_eq!(bookworm[0].urgency.as_deref(), Some("unimportant"));
    let rated = ratings(&bookworm[0]);
    assert_eq!(rated[0].method, RatingMethod::DistroUrgency);
    assert_eq!(rated[0].source, "Debian");
    assert_eq!(rated[1].score, Some(9.8));
    assert_eq!(overall_severity(&rated), Severity::Low);
    let bullseye = database.affected("debian", Some("11"), "apparmor").unwrap();
    let rated = ratings(&bullseye[0]);
    assert_eq!(rated.len(), 1, "no rating from an unassigned urgency");
    assert_eq!(overall_severity(&rated), Severity::Critical);
}
