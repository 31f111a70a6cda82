//! Severity ratings of an advisory, from every source it carries, most trusted first.
//!
//! [`ratings`] reads one [`AffectedRecord`] (what [`crate::Database::affected`] returns) and
//! turns each severity source into a [`Rating`]:
//!
//! | source | [`RatingMethod`] | [`Rating::source`] |
//! |---|---|---|
//! | Debian's `affected[].ecosystem_specific.urgency` | `DistroUrgency` | the ecosystem (`Debian`) |
//! | a `severity` entry of type `Ubuntu` (Ubuntu's priority) | `DistroUrgency` | `Ubuntu` |
//! | a `severity` entry of type `CVSS_V4`, `CVSS_V3` or `CVSS_V2` | `CvssV4`, `CvssV3`, `CvssV2` | the advisory id |
//! | `database_specific.severity` (GitHub's rating) | `Database` | the advisory id |
//!
//! CVSS ratings carry the base score computed from the vector (the `cvss` crate implements
//! the FIRST equations of all three versions); threat and environmental metrics in a
//! v4.0 vector are dropped first, so the score is always the base score (CVSS-B), comparable
//! across advisories. The severity of a score follows [`Severity::from_score`].
//!
//! # Trust order
//!
//! [`sort_ratings`] puts the most trusted first, and [`overall_severity`] takes the first that
//! rates the vulnerability:
//!
//! 1. the distribution's own rating: it rates the package as the distribution builds and ships
//!    it (a CVE in an optional feature Debian compiles out is `unimportant` there, whatever
//!    NVD says);
//! 2. CVSS v4.0, then v3.x, then v2 base scores: computed, newest scheme first;
//! 3. the database's qualitative rating, which only restates a CVSS score in words.
//!
//! # What is skipped
//!
//! Sources that say nothing are left out rather than reported as `UNKNOWN`: a vector that does
//! not parse (logged at debug level: advisories are data, a bad vector must not stop a scan),
//! severity types OSV may add later, Debian's `not yet assigned` and `end-of-life`, Ubuntu's
//! `untriaged`, and ratings that parse to [`Severity::Unknown`].

use std::str::FromStr;

use custody_model::{Rating, RatingMethod, Severity};

use crate::database::AffectedRecord;
use crate::ecosystem::split_ecosystem;

/// Every rating of one affected record, most trusted first (see the module docs).
///
/// ```
/// use custody_model::{RatingMethod, Severity};
/// use custody_vulndb::{AffectedRecord, overall_severity, ratings};
///
/// let record = AffectedRecord {
///     id: "GHSA-xvch-5gv4-984h".into(),
///     severity: vec![custody_vulndb::Severity {
///         severity_type: "CVSS_V3".into(),
///         score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
///     }],
///     database_severity: Some("CRITICAL".into()),
///     ..AffectedRecord::default()
/// };
/// let ratings = ratings(&record);
/// assert_eq!(ratings[0].method, RatingMethod::CvssV3);
/// assert_eq!(ratings[0].score, Some(9.8));
/// assert_eq!(ratings[1].method, RatingMethod::Database);
/// assert_eq!(overall_severity(&ratings), Severity::Critical);
/// ```
pub fn ratings(record: &AffectedRecord) -> Vec<Rating> {
    let mut ratings = Vec::new();
    if let Some(urgency) = record.urgency.as_deref()
        && let Some(severity) = debian_urgency(urgency)
    {
        ratings.push(Rating {
            method: RatingMethod::DistroUrgency,
            source: split_ecosystem(&record.ecosystem).0.to_owned(),
            severity,
            score: None,
            vector: urgency.to_owned(),
        });
    }
    for entry in &record.severity {
        let rating = match entry.severity_type.as_str() {
            "CVSS_V2" | "CVSS_V3" | "CVSS_V4" => cvss_rating(&record.id, &entry.score),
            "Ubuntu" => ubuntu_priority(&entry.score).map(|severity| Rating {
                method: RatingMethod::DistroUrgency,
                source: "Ubuntu".to_owned(),
                severity,
                score: None,
                vector: entry.score.clone(),
            }),
            _ => None,
        };
        ratings.extend(rating);
    }
    if let Some(rating) = record.database_severity.as_deref()
        && let Ok(severity) = Severity::from_str(rating)
        && severity != Severity::Unknown
    {
        ratings.push(Rating {
            method: RatingMethod::Database,
            source: record.id.clone(),
            severity,
            score: None,
            vector: rating.to_owned(),
        });
    }
    sort_ratings(&mut ratings);
    ratings
}

/// Sorts ratings most trusted first (see the module docs), keeping the given order among
/// equally trusted ones, and drops repeats of a (method, vector) pair: when the GHSA and PYSEC
/// records of one vulnerability carry the same CVSS vector, the first one stays.
///
/// For merging the ratings of several advisories into one finding.
pub fn sort_ratings(ratings: &mut Vec<Rating>) {
    ratings.sort_by_key(|rating| rating.method);
    let mut seen: Vec<(RatingMethod, String)> = Vec::with_capacity(ratings.len());
    ratings.retain(|rating| {
        let key = (rating.method, rating.vector.clone());
        if seen.contains(&key) {
            false
        } else {
            seen.push(key);
            true
        }
    });
}

/// The severity of the most trusted rating that rates the vulnerability, [`Severity::Unknown`]
/// when none does. `ratings` must be in [`sort_ratings`] order, as [`ratings`] returns them.
pub fn overall_severity(ratings: &[Rating]) -> Severity {
    ratings
        .iter()
        .map(|rating| rating.severity)
        .find(|severity| *severity != Severity::Unknown)
        .unwrap_or(Severity::Unknown)
}

/// The metrics of a CVSS v4.0 base vector; the rest (threat, environmental, supplemental) are
/// dropped before scoring.
const V4_BASE_METRICS: [&str; 11] = [
    "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA",
];

/// The metrics every CVSS v3.x base vector must have (v2 and v4.0 vectors are checked by the
/// parser).
const V3_BASE_METRICS: [cvss::v3::MetricType; 8] = [
    cvss::v3::MetricType::AV,
    cvss::v3::MetricType::AC,
    cvss::v3::MetricType::PR,
    cvss::v3::MetricType::UI,
    cvss::v3::MetricType::S,
    cvss::v3::MetricType::C,
    cvss::v3::MetricType::I,
    cvss::v3::MetricType::A,
];

/// A CVSS rating with its base score, or `None` when the vector does not parse. The version
/// is taken from the vector itself (`CVSS:3.1/…`, or no prefix for v2), not from the OSV type,
/// which some exporters get wrong.
fn cvss_rating(advisory: &str, vector: &str) -> Option<Rating> {
    let trimmed = vector.trim();
    // v2 has no prefix in the FIRST v2 guide, but some exporters write one.
    let unprefixed = trimmed.strip_prefix("CVSS:2.0/").unwrap_or(trimmed);
    let parsed = if unprefixed.starts_with("CVSS:4.0/") {
        let base: Vec<&str> = unprefixed
            .split('/')
            .filter(|component| {
                component.starts_with("CVSS:")
                    || component.split_once(':').is_some_and(|(metric, _)| {
                        V4_BASE_METRICS.contains(&metric.to_ascii_uppercase().as_str())
                    })
            })
            .collect();
        cvss::Cvss::from_str(&base.join("/"))
    } else {
        cvss::Cvss::from_str(unprefixed)
    };
    let parsed = match parsed {
        Ok(parsed) => parsed,
        Err(error) => {
            tracing::debug!(advisory, vector, %error, "skipped an unparseable CVSS vector");
            return None;
        }
    };
    let method = match &parsed {
        cvss::Cvss::CvssV20(_) => RatingMethod::CvssV2,
        cvss::Cvss::CvssV30(vector) | cvss::Cvss::CvssV31(vector) => {
            // The parser accepts v3 vectors with base metrics missing and scores them as 0;
            // such a vector has no base score.
            let present: Vec<cvss::v3::MetricType> =
                vector.metrics().map(|(metric, _)| metric).collect();
            if !V3_BASE_METRICS
                .iter()
                .all(|metric| present.contains(metric))
            {
                tracing::debug!(
                    advisory,
                    vector = trimmed,
                    "skipped an incomplete CVSS vector"
                );
                return None;
            }
            RatingMethod::CvssV3
        }
        cvss::Cvss::CvssV40(_) => RatingMethod::CvssV4,
        // `Cvss` is non-exhaustive: a version added later rates nothing until mapped here.
        _ => return None,
    };
    let score = parsed.score();
    Some(Rating {
        method,
        source: advisory.to_owned(),
        severity: Severity::from_score(score),
        score: Some(score),
        vector: trimmed.to_owned(),
    })
}

/// Debian's urgency levels (<https://security-team.debian.org/security_tracker.html#severity-levels>).
/// `unimportant` issues do not warrant a security update, so they rank low. Trailing `*`s,
/// which some tracker entries carry after the level, are ignored.
fn debian_urgency(urgency: &str) -> Option<Severity> {
    match urgency
        .trim()
        .trim_end_matches('*')
        .to_ascii_lowercase()
        .as_str()
    {
        "unimportant" | "low" => Some(Severity::Low),
        "medium" => Some(Severity::Medium),
        "high" => Some(Severity::High),
        _ => None,
    }
}

/// Ubuntu's priorities (<https://ubuntu.com/security/cves/about#priority>): `negligible` is
/// technically a security problem of no practical impact, so it ranks low.
fn ubuntu_priority(priority: &str) -> Option<Severity> {
    match priority.trim().to_ascii_lowercase().as_str() {
        "negligible" | "low" => Some(Severity::Low),
        "medium" => Some(Severity::Medium),
        "high" => Some(Severity::High),
        "critical" => Some(Severity::Critical),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    //! Scores of real vectors against their published base scores, each source's mapping,
    //! and the trust order.

    use super::*;
    use crate::osv::Severity as OsvSeverity;

    fn entry(severity_type: &str, score: &str) -> OsvSeverity {
        OsvSeverity {
            severity_type: severity_type.into(),
            score: score.into(),
        }
    }

    fn score(vector: &str) -> (RatingMethod, f64, Severity) {
        let rating = cvss_rating("X-1", vector).unwrap_or_else(|| panic!("{vector}"));
        (rating.method, rating.score.unwrap(), rating.severity)
    }

    #[test]
    fn cvss_v2_base_scores_match_the_first_guide() {
        // "A Complete Guide to the CVSS Version 2.0", section 3.3: CVE-2002-0392 (Apache
        // chunked encoding), CVE-2003-0818 (Microsoft ASN.1), CVE-2003-0062 (NOD32).
        for (vector, expected) in [
            ("AV:N/AC:L/Au:N/C:N/I:N/A:C", 7.8),
            ("AV:N/AC:L/Au:N/C:C/I:C/A:C", 10.0),
            ("AV:L/AC:H/Au:N/C:C/I:C/A:C", 6.2),
            ("CVSS:2.0/AV:L/AC:H/Au:N/C:C/I:C/A:C", 6.2),
        ] {
            assert_eq!(
                score(vector),
                (
                    RatingMethod::CvssV2,
                    expected,
                    Severity::from_score(expected)
                ),
                "{vector}"
            );
        }
        // Temporal metrics do not change the base score.
        assert_eq!(
            cvss_rating("X-1", "AV:N/AC:L/Au:N/C:N/I:N/A:C/E:U/RL:OF/RC:C")
                .and_then(|rating| rating.score),
            Some(7.8)
        );
    }

    #[test]
    fn cvss_v3_base_scores_match_nvd() {
        // Vectors of the GitHub advisories in the conformance corpus, with the base scores
        // NVD and GitHub publish for them.
        for (advisory, vector, expected, severity) in [
            (
                "GHSA-xvch-5gv4-984h",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                9.8,
                Severity::Critical,
            ),
            (
                "GHSA-35jh-r3h4-6jhm",
                "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
                7.2,
                Severity::High,
            ),
            (
                "GHSA-p6mc-m468-83gw",
                "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H",
                7.4,
                Severity::High,
            ),
            (
                "GHSA-j8r2-6x86-q33q",
                "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N",
                6.1,
                Severity::Medium,
            ),
            (
                "GHSA-vh95-rmgr-6w4m",
                "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:L/I:L/A:L",
                5.6,
                Severity::Medium,
            ),
            (
                "GHSA-29mw-wpgm-hmr9",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L",
                5.3,
                Severity::Medium,
            ),
            (
                "GHSA-cm22-4g7w-348p",
                "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:L",
                5.0,
                Severity::Medium,
            ),
        ] {
            assert_eq!(
                score(vector),
                (RatingMethod::CvssV3, expected, severity),
                "{advisory}"
            );
        }
    }

    #[test]
    fn cvss_v4_base_scores_match_github() {
        // GHSA-qwcr-r2fm-qrc7 (body-parser, 8.7 HIGH) and GHSA-cm22-4g7w-348p (serve-static,
        // 2.3 LOW) as GitHub publishes them.
        let body_parser = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N";
        assert_eq!(
            score(body_parser),
            (RatingMethod::CvssV4, 8.7, Severity::High)
        );
        assert_eq!(
            score("CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:N/VI:N/VA:N/SC:L/SI:L/SA:L"),
            (RatingMethod::CvssV4, 2.3, Severity::Low)
        );
        // An unreported exploit (E:U) would lower the CVSS-BT score; the base score stays,
        // and the rating keeps the vector as written.
        let with_threat = format!("{body_parser}/E:U/CR:L");
        let rating = cvss_rating("X-1", &with_threat).unwrap();
        assert_eq!(rating.score, Some(8.7));
        assert_eq!(rating.vector, with_threat);
    }

    #[test]
    fn bad_vectors_are_skipped_without_panicking() {
        for vector in [
            "",
            "CVSS:3.1/",
            "CVSS:3.1",
            "CVSS:3.1/AV:N",
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:H",
            "CVSS:3.1/AV:Ñ/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
            "CVSS:4.0/AV:N",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N",
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:X/SC:N/SI:N/SA:N",
            "CVSS:5.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
            "AV:N/AC:L/Au:N",
            "AV:N/AC:L/Au:N/C:N/I:N/A:Q",
            "10.0",
            "HIGH",
            "::://",
        ] {
            assert!(cvss_rating("X-1", vector).is_none(), "{vector:?}");
        }
        let record = AffectedRecord {
            id: "X-1".into(),
            severity: vec![entry("CVSS_V3", "CVSS:3.1/AV:N"), entry("CVSS_V3", "")],
            ..AffectedRecord::default()
        };
        assert!(ratings(&record).is_empty());
    }

    #[test]
    fn the_vector_decides_the_version() {
        let record = AffectedRecord {
            id: "X-1".into(),
            severity: vec![entry(
                "CVSS_V2",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
            )],
            ..AffectedRecord::default()
        };
        assert_eq!(ratings(&record)[0].method, RatingMethod::CvssV3);
    }

    #[test]
    fn distro_urgencies() {
        assert_eq!(debian_urgency("unimportant"), Some(Severity::Low));
        assert_eq!(debian_urgency("low**"), Some(Severity::Low));
        assert_eq!(debian_urgency("Medium"), Some(Severity::Medium));
        assert_eq!(debian_urgency("high"), Some(Severity::High));
        assert_eq!(debian_urgency("not yet assigned"), None);
        assert_eq!(debian_urgency("end-of-life"), None);
        assert_eq!(ubuntu_priority("negligible"), Some(Severity::Low));
        assert_eq!(ubuntu_priority("medium"), Some(Severity::Medium));
        assert_eq!(ubuntu_priority("critical"), Some(Severity::Critical));
        assert_eq!(ubuntu_priority("untriaged"), None);
    }

    #[test]
    fn distro_rating_outranks_cvss_and_names_the_distro() {
        // The shape of osv.dev's Debian converter: NVD's CVSS at the top, the tracker's
        // urgency per release package.
        let record = AffectedRecord {
            id: "DEBIAN-CVE-2021-44228".into(),
            ecosystem: "Debian:12".into(),
            severity: vec![entry(
                "CVSS_V3",
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
            )],
            urgency: Some("unimportant".into()),
            ..AffectedRecord::default()
        };
        let ratings = ratings(&record);
        assert_eq!(ratings.len(), 2);
        assert_eq!(ratings[0].method, RatingMethod::DistroUrgency);
        assert_eq!(ratings[0].source, "Debian");
        assert_eq!(ratings[0].vector, "unimportant");
        assert_eq!(ratings[1].score, Some(10.0));
        assert_eq!(ratings[1].source, "DEBIAN-CVE-2021-44228");
        assert_eq!(overall_severity(&ratings), Severity::Low);
    }

    #[test]
    fn trust_order_and_repeats() {
        let record = AffectedRecord {
            id: "GHSA-qwcr-r2fm-qrc7".into(),
            database_severity: Some("HIGH".into()),
            severity: vec![
                entry("CVSS_V3", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"),
                entry(
                    "CVSS_V4",
                    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N",
                ),
                entry("CVSS_V2", "AV:N/AC:L/Au:N/C:N/I:N/A:C"),
                entry("Ubuntu", "medium"),
                entry("SOMETHING_NEW", "9"),
            ],
            ..AffectedRecord::default()
        };
        let mut ratings = ratings(&record);
        let methods: Vec<_> = ratings.iter().map(|rating| rating.method).collect();
        assert_eq!(
            methods,
            [
                RatingMethod::DistroUrgency,
                RatingMethod::CvssV4,
                RatingMethod::CvssV3,
                RatingMethod::CvssV2,
                RatingMethod::Database
            ]
        );
        assert_eq!(overall_severity(&ratings), Severity::Medium);
        // A second advisory with the same vector adds nothing.
        let mut repeat = ratings[2].clone();
        repeat.source = "PYSEC-1".into();
        ratings.insert(0, repeat);
        sort_ratings(&mut ratings);
        assert_eq!(ratings.len(), 5);
        assert_eq!(ratings[2].source, "PYSEC-1");
    }

    #[test]
    fn database_rating_alone_and_none() {
        let record = AffectedRecord {
            id: "X-1".into(),
            database_severity: Some("MODERATE".into()),
            ..AffectedRecord::default()
        };
        let ratings = ratings(&record);
        assert_eq!(ratings.len(), 1);
        assert_eq!(ratings[0].severity, Severity::Medium);
        assert_eq!(ratings[0].vector, "MODERATE");
        assert_eq!(overall_severity(&ratings), Severity::Medium);
        let unrated = AffectedRecord {
            database_severity: Some("UNKNOWN".into()),
            ..AffectedRecord::default()
        };
        assert!(super::ratings(&unrated).is_empty());
        assert_eq!(overall_severity(&[]), Severity::Unknown);
    }
}
