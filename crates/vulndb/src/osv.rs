//! The OSV record model (<https://ossf.github.io/osv-schema/>, version 1.7) and its parsers.
//!
//! [`Advisory`] is one OSV record, read from JSON ([`Advisory::from_json`]) or from the YAML
//! that PyPI's advisory database is written in ([`Advisory::from_yaml`]). Fields custody does not
//! use (`credits`, `affected[].ranges[].database_specific`, ...) are ignored, as the schema
//! asks of clients; fields it does use are checked only as far as storing and matching need
//! (`id` and `modified` present, `modified` an RFC 3339 time, events well formed).
//! The importer ([`crate::Database::import`]) stores a subset of each record; the query
//! ([`crate::Database::affected`]) hands [`Range`]s and [`Severity`]s back in this model.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::RecordError;

/// One OSV record: a vulnerability and the packages and versions it affects.
///
/// custody says "advisory" for what the OSV schema calls a vulnerability entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Advisory {
    /// The record's identifier (`GHSA-…`, `PYSEC-…`, `GO-…`, `DSA-…`).
    pub id: String,
    /// When the record was last changed (RFC 3339). Import keeps the newest record per `id`.
    pub modified: String,
    /// When the record was published (RFC 3339).
    #[serde(default)]
    pub published: Option<String>,
    /// When the record was withdrawn (RFC 3339); a withdrawn record matches nothing.
    #[serde(default)]
    pub withdrawn: Option<String>,
    /// Other identifiers of the same vulnerability (`CVE-…`, `GHSA-…`).
    #[serde(default, deserialize_with = "null_as_default")]
    pub aliases: Vec<String>,
    /// Identifiers of the records this one was derived from (OSV 1.7 `upstream`; Ubuntu and
    /// Debian records point at the CVE here).
    #[serde(default, deserialize_with = "null_as_default")]
    pub upstream: Vec<String>,
    /// Identifiers of related but different vulnerabilities.
    #[serde(default, deserialize_with = "null_as_default")]
    pub related: Vec<String>,
    /// A one-line summary.
    #[serde(default)]
    pub summary: Option<String>,
    /// The full description (Markdown).
    #[serde(default)]
    pub details: Option<String>,
    /// Severity scores for the whole record.
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<Severity>,
    /// The packages affected, each with its ranges and versions.
    #[serde(default, deserialize_with = "null_as_default")]
    pub affected: Vec<Affected>,
    /// Links to advisories, fixes and reports.
    #[serde(default, deserialize_with = "null_as_default")]
    pub references: Vec<Reference>,
    /// Free-form data of the publishing database; GitHub puts its severity rating in
    /// `severity` here.
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// A severity score: a CVSS vector, or a scale of the publisher's own (Ubuntu's `medium`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Severity {
    /// `CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`, ...
    #[serde(rename = "type")]
    pub severity_type: String,
    /// The vector or the rating.
    pub score: String,
}

/// One affected package of an [`Advisory`].
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Affected {
    /// The package; absent only in records that describe GIT ranges alone.
    #[serde(default)]
    pub package: Option<Package>,
    /// Severity for this package, when it differs between packages (OSV 1.5).
    #[serde(default, deserialize_with = "null_as_default")]
    pub severity: Vec<Severity>,
    /// Affected version ranges.
    #[serde(default, deserialize_with = "null_as_default")]
    pub ranges: Vec<Range>,
    /// Affected versions, listed one by one.
    #[serde(default, deserialize_with = "null_as_default")]
    pub versions: Vec<String>,
    /// Free-form data defined by the ecosystem (Go's affected symbols, ...).
    #[serde(default)]
    pub ecosystem_specific: Option<serde_json::Value>,
    /// Free-form data defined by the publishing database.
    #[serde(default)]
    pub database_specific: Option<serde_json::Value>,
}

/// A package named the OSV way: an ecosystem and a name within it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Package {
    /// The OSV ecosystem, with its release when it has one (`PyPI`, `Debian:12`,
    /// `Ubuntu:Pro:18.04:LTS`).
    pub ecosystem: String,
    /// The package name as the ecosystem spells it.
    pub name: String,
    /// A package URL, when the record gives one.
    #[serde(default)]
    pub purl: Option<String>,
}

/// A range of affected versions, as a timeline of [`Event`]s.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Range {
    /// How the event versions are ordered.
    #[serde(rename = "type")]
    pub range_type: RangeType,
    /// The repository, for [`RangeType::Git`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// The events, in the record's order (evaluation sorts them).
    #[serde(default, deserialize_with = "null_as_default")]
    pub events: Vec<Event>,
}

/// The ordering a [`Range`]'s versions follow.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RangeType {
    /// `ECOSYSTEM`: the package ecosystem's own version ordering.
    Ecosystem,
    /// `SEMVER`: semantic versioning 2.0 precedence.
    Semver,
    /// `GIT`: commit hashes, ordered by the repository's history.
    Git,
    /// A type this version of the schema does not define; never evaluated.
    Other(String),
}

impl RangeType {
    /// The type as OSV spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Ecosystem => "ECOSYSTEM",
            Self::Semver => "SEMVER",
            Self::Git => "GIT",
            Self::Other(other) => other,
        }
    }
}

impl fmt::Display for RangeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RangeType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Ok(match name.as_str() {
            "ECOSYSTEM" => Self::Ecosystem,
            "SEMVER" => Self::Semver,
            "GIT" => Self::Git,
            _ => Self::Other(name),
        })
    }
}

impl Serialize for RangeType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One point on a [`Range`]'s timeline. OSV allows exactly one of these keys per event
/// object; anything else makes the record malformed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// Versions from here on are affected; `"0"` means from the first version.
    Introduced(String),
    /// Versions from here on are not affected.
    Fixed(String),
    /// Versions after this one are not affected.
    LastAffected(String),
    /// Versions from here on are outside the range; `"*"` means no limit.
    Limit(String),
}

impl Event {
    /// The event's version string.
    pub fn version(&self) -> &str {
        match self {
            Self::Introduced(version)
            | Self::Fixed(version)
            | Self::LastAffected(version)
            | Self::Limit(version) => version,
        }
    }
}

/// A link from an [`Advisory`].
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
pub struct Reference {
    /// `ADVISORY`, `FIX`, `REPORT`, `WEB`, `PACKAGE`, ...
    #[serde(rename = "type")]
    pub reference_type: String,
    /// The URL.
    pub url: String,
}

impl Affected {
    /// `ecosystem_specific.urgency` when it is a string: the Debian security tracker's rating
    /// of the vulnerability for this package (`unimportant`, `low`, `medium`, `high`).
    pub fn urgency(&self) -> Option<&str> {
        self.ecosystem_specific.as_ref()?.get("urgency")?.as_str()
    }
}

impl Advisory {
    /// Parses one OSV record from JSON and checks the fields custody relies on.
    pub fn from_json(bytes: &[u8]) -> Result<Self, RecordError> {
        let advisory: Self = serde_json::from_slice(bytes).map_err(RecordError::Json)?;
        advisory.check()?;
        Ok(advisory)
    }

    /// Parses one OSV record from YAML (a single document) and checks the fields custody
    /// relies on. Scalars are read as the field's type asks, so an unquoted `fixed: 1.10`
    /// is the version `"1.10"`, not a number.
    pub fn from_yaml(bytes: &[u8]) -> Result<Self, RecordError> {
        let advisory: Self = serde_saphyr::from_slice(bytes).map_err(|error| {
            let location = error.location();
            RecordError::Yaml {
                message: error.without_snippet().to_string(),
                line: location.map(|location| location.line()),
                column: location.map(|location| location.column()),
            }
        })?;
        advisory.check()?;
        Ok(advisory)
    }

    /// [`Self::modified`] as a timestamp.
    pub fn modified_time(&self) -> Result<jiff::Timestamp, RecordError> {
        parse_time("modified", &self.modified)
    }

    /// `database_specific.severity` when it is a string: GitHub's rating (`LOW`, `MODERATE`,
    /// `HIGH`, `CRITICAL`).
    pub fn database_severity(&self) -> Option<&str> {
        self.database_specific.as_ref()?.get("severity")?.as_str()
    }

    /// The checks that make a parsed record storable.
    fn check(&self) -> Result<(), RecordError> {
        if self.id.trim().is_empty() {
            return Err(RecordError::Empty { field: "id" });
        }
        self.modified_time()?;
        Ok(())
    }
}

/// Reads an RFC 3339 time. OSV requires an offset (`Z`); a time without one is read as UTC
/// rather than rejecting the record over it.
pub(crate) fn parse_time(field: &'static str, value: &str) -> Result<jiff::Timestamp, RecordError> {
    value.parse::<jiff::Timestamp>().or_else(|error| {
        value
            .parse::<jiff::civil::DateTime>()
            .and_then(|civil| civil.to_zoned(jiff::tz::TimeZone::UTC))
            .map(|zoned| zoned.timestamp())
            .map_err(|_| RecordError::Time {
                field,
                value: value.to_owned(),
                source: error,
            })
    })
}

/// The best-effort `id` of a record that failed to parse, for the warning that names it.
pub(crate) fn salvage_id(bytes: &[u8], yaml: bool) -> Option<String> {
    #[derive(Deserialize)]
    struct IdOnly {
        id: String,
    }
    let parsed: Option<IdOnly> = if yaml {
        serde_saphyr::from_slice(bytes).ok()
    } else {
        serde_json::from_slice(bytes).ok()
    };
    parsed.map(|record| record.id).filter(|id| !id.is_empty())
}

/// Reads `null` as the type's default, for list fields some exporters write as `null`.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    //! Parsing single records: field shapes, YAML scalars, and what makes a record malformed.

    use super::*;

    const JSON: &str = r#"{
        "schema_version": "1.6.0",
        "id": "GHSA-test",
        "modified": "2024-01-02T03:04:05.123456Z",
        "aliases": ["CVE-2024-0001"],
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N"}],
        "credits": [{"name": "someone"}],
        "affected": [{
            "package": {"ecosystem": "npm", "name": "@scope/pkg", "purl": "pkg:npm/%40scope/pkg"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}],
                        "database_specific": {"x": 1}},
                       {"type": "GIT", "repo": "https://example.invalid/r",
                        "events": [{"introduced": "abc"}, {"limit": "def"}]}],
            "versions": null,
            "ecosystem_specific": {"affected_functions": null}
        }],
        "database_specific": {"severity": "HIGH", "cwe_ids": []}
    }"#;

    #[test]
    fn json_record_fields() {
        let advisory = Advisory::from_json(JSON.as_bytes()).unwrap();
        assert_eq!(advisory.id, "GHSA-test");
        assert_eq!(advisory.aliases, ["CVE-2024-0001"]);
        assert_eq!(advisory.database_severity(), Some("HIGH"));
        let affected = &advisory.affected[0];
        assert_eq!(affected.package.as_ref().unwrap().name, "@scope/pkg");
        assert!(affected.versions.is_empty());
        assert_eq!(affected.ranges[0].range_type, RangeType::Semver);
        assert_eq!(
            affected.ranges[0].events,
            [Event::Introduced("0".into()), Event::Fixed("1.2.3".into())]
        );
        assert_eq!(affected.ranges[1].range_type, RangeType::Git);
        assert_eq!(affected.ranges[1].events[1], Event::Limit("def".into()));
        assert_eq!(
            advisory.modified_time().unwrap().to_string(),
            "2024-01-02T03:04:05.123456Z"
        );
    }

    #[test]
    fn ranges_serialize_back_to_osv_form() {
        let advisory = Advisory::from_json(JSON.as_bytes()).unwrap();
        let json = serde_json::to_string(&advisory.affected[0].ranges).unwrap();
        assert_eq!(
            json,
            r#"[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.2.3"}]},{"type":"GIT","repo":"https://example.invalid/r","events":[{"introduced":"abc"},{"limit":"def"}]}]"#
        );
    }

    #[test]
    fn yaml_scalars_stay_strings() {
        let yaml = "id: PYSEC-1\nmodified: '2023-06-27T18:49:56.911238Z'\naffected:\n\
                    - package:\n    name: x\n    ecosystem: PyPI\n  ranges:\n  - type: ECOSYSTEM\n\
                    \x20   events:\n    - introduced: '0'\n    - fixed: 1.10\n    - last_affected: 2\n\
                    \x20 versions:\n  - 1.0\n  - 1.10\n  - 0.3.1\ndatabase_specific:\n  n: 1\n";
        let advisory = Advisory::from_yaml(yaml.as_bytes()).unwrap();
        let affected = &advisory.affected[0];
        assert_eq!(
            affected.ranges[0].events,
            [
                Event::Introduced("0".into()),
                Event::Fixed("1.10".into()),
                Event::LastAffected("2".into())
            ]
        );
        assert_eq!(affected.versions, ["1.0", "1.10", "0.3.1"]);
        assert_eq!(
            advisory.database_specific,
            Some(serde_json::json!({"n": 1}))
        );
    }

    #[test]
    fn malformed_records() {
        let missing_modified = Advisory::from_json(br#"{"id": "X-1"}"#).unwrap_err();
        assert!(
            missing_modified
                .chain()
                .contains("missing field `modified`"),
            "{}",
            missing_modified.chain()
        );
        let bad_time =
            Advisory::from_json(br#"{"id": "X-1", "modified": "yesterday"}"#).unwrap_err();
        assert!(matches!(
            bad_time,
            RecordError::Time {
                field: "modified",
                ..
            }
        ));
        let empty_id =
            Advisory::from_json(br#"{"id": " ", "modified": "2020-01-01T00:00:00Z"}"#).unwrap_err();
        assert!(matches!(empty_id, RecordError::Empty { field: "id" }));
        let two_keys = Advisory::from_json(
            br#"{"id": "X-1", "modified": "2020-01-01T00:00:00Z", "affected": [{"ranges":
                [{"type": "SEMVER", "events": [{"introduced": "0", "fixed": "1"}]}]}]}"#,
        );
        assert!(two_keys.is_err());
        let list = Advisory::from_json(b"[]").unwrap_err();
        assert!(matches!(list, RecordError::Json(_)));
        let yaml = Advisory::from_yaml(b"id: [unclosed\n").unwrap_err();
        let RecordError::Yaml { line, .. } = &yaml else {
            panic!("{yaml:?}")
        };
        assert!(line.is_some(), "{yaml}");
    }

    #[test]
    fn time_without_offset_is_utc() {
        assert_eq!(
            parse_time("modified", "2021-01-02T03:04:05")
                .unwrap()
                .to_string(),
            "2021-01-02T03:04:05Z"
        );
        assert_eq!(
            parse_time("modified", "0001-01-01T00:00:00Z")
                .unwrap()
                .to_string(),
            "0001-01-01T00:00:00Z"
        );
    }

    #[test]
    fn salvages_the_id_of_a_broken_record() {
        assert_eq!(
            salvage_id(br#"{"id": "GHSA-1", "modified": 3}"#, false).as_deref(),
            Some("GHSA-1")
        );
        assert_eq!(salvage_id(b"id: PYSEC-1\nmodified: [\n", true), None);
        assert_eq!(
            salvage_id(b"id: PYSEC-1\nmodified: 3\n", true).as_deref(),
            Some("PYSEC-1")
        );
    }
}
