//! PEP 751 lockfiles (`pylock.toml`, `pylock.<name>.toml`): one `[[packages]]` table per
//! locked distribution, with `name`, an optional `version`, a source (`index`, `vcs`,
//! `archive`, `directory`, `sdist`, `wheels`) and `dependencies` tables.
//!
//! A package without a `version` is not recorded: PEP 751 allows omitting it only for
//! source trees (`directory`, usually the project itself) and VCS checkouts whose version is
//! not known, and a purl needs one; osv-scalibr does the same. `depends` holds the normalized
//! `name` of each `dependencies` entry that has one. TOML syntax errors and a `[[packages]]`
//! entry without a `name` are [`ParseError`]s.

use serde::Deserialize;

use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "pylock.toml";

#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: Option<String>,
    #[serde(default)]
    dependencies: Vec<Dependency>,
}

#[derive(Deserialize)]
struct Dependency {
    name: Option<String>,
}

/// Parses a PEP 751 lockfile into one record per package with a version.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let lockfile: Lockfile = super::from_toml(FORMAT, content)?;
    Ok(lockfile
        .packages
        .into_iter()
        .filter_map(|package| {
            let mut record = super::record(&package.name, package.version.as_deref()?)?;
            record.depends = super::dependency_names(
                package
                    .dependencies
                    .iter()
                    .filter_map(|dependency| dependency.name.as_deref()),
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
lock-version = "1.0"
[[packages]]
name = "cattrs"
version = "24.1.2"
dependencies = [{ name = "attrs" }, { version = "1" }]
"#,
        )
        .unwrap();
        assert_eq!(records[0].depends, ["attrs"]);
    }
}
