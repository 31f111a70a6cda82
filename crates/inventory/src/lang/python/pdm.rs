//! PDM's `pdm.lock`: one `[[package]]` table per locked distribution, with `name`, `version`
//! and `dependencies` as PEP 508 strings.
//!
//! Every package is recorded, those of every group and git dependencies (`git`, `revision`)
//! included, as osv-scalibr does. `depends` holds the normalized names of `dependencies`
//! except those conditional on an extra of the package. TOML syntax errors and a
//! `[[package]]` without a `name` are [`ParseError`]s; a package without a `version` is
//! skipped.

use serde::Deserialize;

use crate::{PackageRecord, ParseError};

use super::pep508::Requirement;

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "pdm.lock";

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
    dependencies: Vec<String>,
}

/// Parses a `pdm.lock` into one record per locked package.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let lockfile: Lockfile = super::from_toml(FORMAT, content)?;
    Ok(lockfile
        .package
        .into_iter()
        .filter_map(|package| {
            let mut record = super::record(&package.name, package.version.as_deref()?)?;
            record.depends = super::dependency_names(
                package
                    .dependencies
                    .iter()
                    .filter_map(|dependency| Requirement::parse(dependency))
                    .filter(|requirement| !requirement.needs_extra())
                    .map(|requirement| requirement.name),
            );
            Some(record)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_dependency_names() {
        let records = parse(
            br#"
[[package]]
name = "pyroute2"
version = "0.7.11"
dependencies = [
    "win-inet-pton; platform_system == \"Windows\"",
    "pytest>=7; extra == \"test\"",
]
"#,
        )
        .unwrap();
        assert_eq!(records[0].depends, ["win-inet-pton"]);
    }
}
