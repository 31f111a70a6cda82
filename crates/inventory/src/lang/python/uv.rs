//! uv's `uv.lock`: one `[[package]]` table per locked distribution, with `name`, `version`,
//! `source` and `dependencies` (`{ name = "…", marker = "…" }` tables).
//!
//! Packages whose source is `virtual` or `editable` are not recorded: they are the project
//! itself and its workspace members, built from the tree being scanned rather than installed
//! from an index, and reporting them under a PyPI name invites advisories for whichever
//! unrelated project owns that name on PyPI. (osv-scalibr skips only `virtual = "."`.) Git,
//! URL, path and registry sources are recorded. `depends` holds the normalized names of
//! `dependencies`; optional and development dependency tables are not read.
//!
//! TOML syntax errors and a `[[package]]` without a `name` are [`ParseError`]s; a package
//! without a `version` (uv omits it for dynamic versions of local projects) is skipped.

use serde::Deserialize;

use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "uv.lock";

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
    source: Source,
    #[serde(default)]
    dependencies: Vec<Dependency>,
}

/// The kinds of `source` the cataloger tells apart; the others (`registry`, `git`, `url`,
/// `path`, `directory`) are recorded alike.
#[derive(Default, Deserialize)]
struct Source {
    #[serde(rename = "virtual")]
    is_virtual: Option<toml::Value>,
    editable: Option<toml::Value>,
}

#[derive(Deserialize)]
struct Dependency {
    name: String,
}

/// Parses a `uv.lock` into one record per locked package that is not the project itself.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let lockfile: Lockfile = super::from_toml(FORMAT, content)?;
    Ok(lockfile
        .package
        .into_iter()
        .filter(|package| package.source.is_virtual.is_none() && package.source.editable.is_none())
        .filter_map(|package| {
            let mut record = super::record(&package.name, package.version.as_deref()?)?;
            record.depends = super::dependency_names(
                package
                    .dependencies
                    .iter()
                    .map(|dependency| dependency.name.as_str()),
            );
            Some(record)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn skips_the_project_and_workspace_members() {
        let records = parse(
            br#"
version = 1

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "lib" }, { name = "Click" }]

[[package]]
name = "lib"
source = { editable = "packages/lib" }

[[package]]
name = "click"
version = "8.1.7"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "colorama", marker = "platform_system == 'Windows'" }]
"#,
        )
        .unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].name, "click");
        assert_eq!(records[0].depends, ["colorama"]);
    }
}
