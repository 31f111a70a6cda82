//! NuGet's lockfile, `packages.lock.json`
//! (<https://learn.microsoft.com/en-us/nuget/consume-packages/package-references-in-project-files#locking-dependencies>).
//!
//! `dependencies` maps each target framework (`net6.0`, or `net6.0/linux-x64` for a runtime
//! identifier) to the packages restored for it, by id: `type` (`Direct`, `Transitive`,
//! `CentralTransitive`, or `Project` for a project reference, which is skipped), the
//! `resolved` version, and the package's own `dependencies` with the minimum version each
//! requests. A dependency resolves to the version locked for its id in the same framework.
//!
//! A package is direct when any framework locks it as `Direct`, transitive when every
//! framework says `Transitive` or `CentralTransitive`.

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use super::dependency_key;
use crate::lang::document::from_json;
use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "packages.lock.json";

/// The fields read from a lockfile.
#[derive(Deserialize)]
struct Lockfile {
    /// Packages by target framework, then by id.
    #[serde(default)]
    dependencies: BTreeMap<String, BTreeMap<String, Entry>>,
}

/// One locked package of one framework.
#[derive(Deserialize)]
struct Entry {
    #[serde(rename = "type")]
    kind: Option<String>,
    resolved: Option<String>,
    /// Dependencies by id, with the minimum version requested.
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

/// Parses a `packages.lock.json`; an empty file holds no packages.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let Some(lockfile) = from_json::<Lockfile>(FORMAT, content)? else {
        return Ok(Vec::new());
    };
    let mut records = super::records();
    for packages in lockfile.dependencies.values() {
        // The version locked for each id (lowercased) in this framework.
        let locked: HashMap<String, &str> = packages
            .iter()
            .filter_map(|(id, entry)| Some((id.to_lowercase(), locked_version(entry)?)))
            .collect();
        for (id, entry) in packages {
            let Some(version) = locked_version(entry) else {
                continue;
            };
            let direct = match entry.kind.as_deref() {
                Some("Direct") => Some(true),
                Some("Transitive" | "CentralTransitive") => Some(false),
                _ => None,
            };
            let record = records.insert(id, version);
            record.scope.direct = match (record.scope.direct, direct) {
                (Some(known), Some(this)) => Some(known || this),
                (known, None) | (None, known) => known,
            };
            record
                .depends
                .extend(entry.dependencies.keys().filter_map(|dependency| {
                    let version = locked.get(&dependency.to_lowercase())?;
                    Some(dependency_key(dependency, version))
                }));
        }
    }
    Ok(records.into_records())
}

/// The version an entry locks, unless it is a project reference or has none.
fn locked_version(entry: &Entry) -> Option<&str> {
    if entry.kind.as_deref() == Some("Project") {
        return None;
    }
    entry
        .resolved
        .as_deref()
        .map(str::trim)
        .filter(|version| !version.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    #[test]
    fn resolves_dependencies_per_framework() {
        let records = parse(
            br#"{"version": 1, "dependencies": {
                "net6.0": {
                    "App.Lib": {"type": "Project", "dependencies": {"Core": "1.0.0"}},
                    "Core": {"type": "Direct", "resolved": "6.0.5"},
                    "System": {"type": "Transitive", "resolved": "0.13.0",
                               "dependencies": {"core": "6.0.0", "Missing": "1.0.0"}}
                },
                "net7.0": {
                    "Core": {"type": "Transitive", "resolved": "7.0.0"},
                    "System": {"type": "Direct", "resolved": "0.13.0",
                               "dependencies": {"Core": "7.0.0"}}
                }
            }}"#,
        )
        .unwrap();
        let found: Vec<_> = records
            .iter()
            .map(|record| {
                (
                    record.name.as_str(),
                    record.version.as_str(),
                    record.scope.direct,
                    record.depends.join(","),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("Core", "6.0.5", Some(true), String::new()),
                (
                    "System",
                    "0.13.0",
                    Some(true),
                    "core/6.0.5,core/7.0.0".to_owned()
                ),
                ("Core", "7.0.0", Some(false), String::new()),
            ]
        );
    }

    #[test]
    fn reports_where_the_json_breaks() {
        let error = parse(b"{\n  \"dependencies\": {\n    \"net6.0\": []\n  }\n}").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        assert_eq!(error.format, FORMAT);
        assert!(parse(b"").unwrap().is_empty());
        assert!(
            parse(b"{\"version\": 1, \"dependencies\": {}}")
                .unwrap()
                .is_empty()
        );
    }
}
