//! Poetry's `poetry.lock` (lock-version 1.x and 2.x): one `[[package]]` table per locked
//! distribution, with `name`, `version` and a `[package.dependencies]` table.
//!
//! Every package is recorded, whatever its `source` (PyPI, a legacy index, git, a local
//! directory), optional ones and those of every group included, as osv-scalibr does; Poetry
//! never locks the project itself. `depends` holds the normalized names of
//! `[package.dependencies]` except those marked `optional = true`, which only an extra of the
//! package pulls in. A package only development groups need (`category = "dev"` in
//! lock-version 1.x, `groups` without `main` in 2.x) gets a dev
//! [`Scope`](custody_model::Scope).
//!
//! TOML syntax errors and a `[[package]]` without a `name` are [`ParseError`]s; a package
//! without a `version` (not written by any Poetry release) is skipped.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "poetry.lock";

#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    /// Lock-version 1.x: `main` or `dev`.
    category: Option<String>,
    /// Lock-version 2.x (Poetry 1.5+): the dependency groups that pull the package in.
    groups: Option<Vec<String>>,
}

impl Package {
    /// Whether only development groups need the package: lock-version 1.x says `category =
    /// "dev"`; 2.x lists groups, of which `main` is the production one.
    fn is_dev(&self) -> bool {
        match (&self.groups, &self.category) {
            (Some(groups), _) => !groups.is_empty() && !groups.iter().any(|group| group == "main"),
            (None, Some(category)) => category == "dev",
            (None, None) => false,
        }
    }
}

/// Parses a `poetry.lock` into one record per locked package.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let lockfile: Lockfile = super::from_toml(FORMAT, content)?;
    Ok(lockfile
        .package
        .into_iter()
        .filter_map(|package| {
            let mut record = super::record(&package.name, package.version.as_deref()?)?;
            record.scope.dev = package.is_dev();
            record.depends = super::dependency_names(
                package
                    .dependencies
                    .iter()
                    .filter(|(_, constraint)| !is_optional(constraint))
                    .map(|(name, _)| name.as_str()),
            );
            Some(record)
        })
        .collect())
}

/// Whether a dependency's constraint (`"*"`, `{ version = "…", optional = true }`, or an array
/// of such tables for per-marker constraints) makes it optional: every alternative is.
fn is_optional(constraint: &toml::Value) -> bool {
    let table_is_optional = |value: &toml::Value| {
        value
            .get("optional")
            .and_then(toml::Value::as_bool)
            .unwrap_or(false)
    };
    match constraint {
        toml::Value::Array(alternatives) => {
            !alternatives.is_empty() && alternatives.iter().all(table_is_optional)
        }
        other => table_is_optional(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_dependencies_without_optional_ones() {
        let records = parse(
            br#"
[[package]]
name = "Factory-Boy"
version = "3.3.1"
optional = false

[package.dependencies]
Faker = ">=0.7.0"
redis = { version = ">=4", optional = true }
typing_extensions = [
    { version = ">=4", markers = "python_version < '3.11'" },
    { version = ">=3", optional = true },
]
"#,
        )
        .unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].name, "Factory-Boy");
        assert_eq!(records[0].depends, ["faker", "typing-extensions"]);
    }

    #[test]
    fn development_groups_make_a_package_dev() {
        let records = parse(
            br#"
[[package]]
name = "pytest"
version = "8.0.0"
groups = ["dev", "test"]

[[package]]
name = "requests"
version = "2.31.0"
groups = ["main", "dev"]

[[package]]
name = "black"
version = "22.1.0"
category = "dev"

[[package]]
name = "six"
version = "1.16.0"
category = "main"
"#,
        )
        .unwrap();
        let dev: Vec<(&str, bool)> = records
            .iter()
            .map(|record| (record.name.as_str(), record.scope.dev))
            .collect();
        assert_eq!(
            dev,
            [
                ("pytest", true),
                ("requests", false),
                ("black", true),
                ("six", false)
            ]
        );
    }

    #[test]
    fn a_package_without_name_is_an_error_at_its_line() {
        let error = parse(b"[metadata]\nlock-version = \"2.0\"\n\n[[package]]\nversion = \"1\"\n")
            .unwrap_err();
        assert_eq!(error.format, FORMAT);
        // The `[[package]]` header of the table that lacks the field.
        assert_eq!(error.position, crate::Position::Line(4), "{error}");
        assert_eq!(error.reason, "missing field `name`");
    }
}
