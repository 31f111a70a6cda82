//! Pipenv's `Pipfile.lock`: JSON with a `default` and a `develop` object mapping each
//! distribution name to `{ "version": "==X", … }`.
//!
//! Both sections are recorded, each (name, version) once (a package in both sections is one
//! package, not dev-only; one only in `develop` has a dev [`Scope`](custody_model::Scope)). Entries without a `==` version (editable and VCS checkouts, which carry `git` and
//! `ref` instead) are skipped, as osv-scalibr does. Pipfile.lock has no dependency graph, so
//! `depends` stays empty. An empty or whitespace-only file holds no packages; invalid JSON and
//! sections of the wrong type are [`ParseError`]s at the line `serde_json` reports.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{PackageRecord, ParseError, Position};

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "Pipfile.lock";

#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    default: BTreeMap<String, Entry>,
    #[serde(default)]
    develop: BTreeMap<String, Entry>,
}

#[derive(Deserialize)]
struct Entry {
    version: Option<String>,
}

/// Parses a `Pipfile.lock` into one record per pinned (name, version).
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    if content.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let lockfile: Lockfile = serde_json::from_slice(content).map_err(|error| {
        // serde_json's message ends with its own " at line L column C"; the position says it.
        let message = error.to_string();
        let reason = message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(reason, _)| reason);
        ParseError::new(FORMAT, Position::Line(error.line().max(1)), reason)
    })?;
    let pinned = |entry: &Entry| {
        let version = entry.version.as_deref()?.strip_prefix("==")?;
        Some(version.strip_prefix('=').unwrap_or(version).to_owned())
    };
    let mut records = Vec::new();
    for (name, entry) in &lockfile.default {
        if let Some(version) = pinned(entry) {
            records.extend(super::record(name, &version));
        }
    }
    for (name, entry) in &lockfile.develop {
        let Some(version) = pinned(entry) else {
            continue;
        };
        let in_default = lockfile.default.get(name).and_then(pinned).as_ref() == Some(&version);
        if !in_default {
            records.extend(super::record(name, &version).map(|mut record| {
                record.scope.dev = true;
                record
            }));
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn develop_only_packages_are_dev() {
        let records = parse(
            br#"{"default": {"a": {"version": "==1.0"}, "b": {"version": "==2.0"}},
                 "develop": {"b": {"version": "==2.0"}, "pytest": {"version": "==8.0"}}}"#,
        )
        .unwrap();
        let dev: Vec<(&str, bool)> = records
            .iter()
            .map(|record| (record.name.as_str(), record.scope.dev))
            .collect();
        assert_eq!(dev, [("a", false), ("b", false), ("pytest", true)]);
    }

    #[test]
    fn invalid_json_is_an_error_at_its_line() {
        let error =
            parse(b"{\n  \"default\": {\n    \"a\": {\"version\": 1}\n  }\n}\n").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        assert!(!error.reason.contains("at line"), "{}", error.reason);
        assert!(parse(b"  \n").unwrap().is_empty());
    }
}
