//! `CocoaPods`' `Podfile.lock`: YAML whose `PODS` list names each installed pod with its
//! version, alone (`- PINCache (3.0.3)`) or as a key over its own dependencies
//! (`- GlossButtonNode (3.1.2):` then `- Texture/Core (~> 3)`), and whose `DEPENDENCIES`
//! list is what the `Podfile` asked for.
//!
//! # What is reported
//!
//! - **One record per pod**, named by its root spec: subspecs (`Firebase/Analytics`,
//!   `PINCache/Core`) are parts of one pod at one version, and `CocoaPods` advisories name the
//!   pod. Their entries merge into the pod's record.
//! - **Edges**: each pod depends on the root names of the pods it lists, itself excepted.
//! - **Scope**: a pod named (by its root) in `DEPENDENCIES` is direct, any other transitive;
//!   without a `DEPENDENCIES` list directness is unknown. The lockfile does not separate test
//!   or development pods.
//! - Entries without a parenthesized version are skipped, the rest of the file is still read.

use std::collections::{BTreeMap, HashMap, HashSet};

use custody_model::{Ecosystem, Scope};
use serde::Deserialize;

use crate::lang::document;
use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "Podfile.lock";

/// The fields read from a lockfile.
#[derive(Deserialize)]
struct Lockfile {
    #[serde(rename = "PODS")]
    pods: Option<Vec<Pod>>,
    #[serde(rename = "DEPENDENCIES")]
    dependencies: Option<Vec<String>>,
}

/// One `PODS` entry.
#[derive(Deserialize)]
#[serde(untagged)]
enum Pod {
    /// `Name (version)`.
    Alone(String),
    /// `Name (version):` over a list of `Name (requirement)` dependencies.
    WithDependencies(BTreeMap<String, Option<Vec<String>>>),
}

/// Parses a `Podfile.lock`.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let Some(lockfile) = document::from_yaml::<Lockfile>(FORMAT, content)? else {
        return Ok(Vec::new());
    };
    let direct: Option<HashSet<&str>> = lockfile
        .dependencies
        .as_ref()
        .map(|dependencies| dependencies.iter().map(|text| root_name(text)).collect());
    let mut records: Vec<PackageRecord> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for pod in lockfile.pods.iter().flatten() {
        let entries: Vec<(&String, &[String])> = match pod {
            Pod::Alone(text) => vec![(text, &[])],
            Pod::WithDependencies(map) => map
                .iter()
                .map(|(text, dependencies)| (text, dependencies.as_deref().unwrap_or_default()))
                .collect(),
        };
        for (text, dependencies) in entries {
            let Some((name, version)) = name_and_version(text) else {
                continue;
            };
            let key = (name.to_owned(), version.to_owned());
            let position = *index.entry(key).or_insert_with(|| {
                let mut record = PackageRecord::new(Ecosystem::Cocoapods, name, version);
                if let Some(direct) = &direct {
                    record.scope = Scope {
                        direct: Some(direct.contains(name)),
                        dev: false,
                    };
                }
                records.push(record);
                records.len() - 1
            });
            if let Some(record) = records.get_mut(position) {
                record.depends.extend(
                    dependencies
                        .iter()
                        .map(|dependency| root_name(dependency))
                        .filter(|dependency| *dependency != name && !dependency.is_empty())
                        .map(str::to_owned),
                );
            }
        }
    }
    for record in &mut records {
        record.depends.sort_unstable();
        record.depends.dedup();
    }
    Ok(records)
}

/// The root pod name and the version of `Name/Subspec (version)`.
fn name_and_version(text: &str) -> Option<(&str, &str)> {
    let (name, version) = text.trim().split_once(" (")?;
    let version = version.strip_suffix(')')?.trim();
    let name = root_name(name);
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

/// The root pod of `Name/Subspec (requirement)`: the text before any `/` and ` (`.
fn root_name(text: &str) -> &str {
    let name = text.split(" (").next().unwrap_or_default().trim();
    name.split('/').next().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    #[test]
    fn merges_subspecs_and_records_edges_and_scope() {
        let records = parse(
            b"PODS:\n  - Firebase/Analytics (10.0.0):\n    - Firebase/Core\n    \
              - FirebaseAnalytics (~> 10.0.0)\n  - Firebase/Core (10.0.0):\n    \
              - FirebaseCore (= 10.0.0)\n  - FirebaseAnalytics (10.0.0)\n  - FirebaseCore (10.0.0)\n  \
              - Broken\n\nDEPENDENCIES:\n  - Firebase/Analytics\n  - \"Other (from `https://x`)\"\n",
        )
        .unwrap();
        let found: Vec<(&str, &str, Vec<&str>, Option<bool>)> = records
            .iter()
            .map(|record| {
                (
                    record.name.as_str(),
                    record.version.as_str(),
                    record.depends.iter().map(String::as_str).collect(),
                    record.scope.direct,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                (
                    "Firebase",
                    "10.0.0",
                    vec!["FirebaseAnalytics", "FirebaseCore"],
                    Some(true)
                ),
                ("FirebaseAnalytics", "10.0.0", vec![], Some(false)),
                ("FirebaseCore", "10.0.0", vec![], Some(false)),
            ]
        );
    }

    #[test]
    fn directness_is_unknown_without_dependencies() {
        let records = parse(b"PODS:\n  - A (1.0)\n").unwrap();
        assert_eq!(records[0].scope, Scope::default());
        assert!(parse(b"").unwrap().is_empty());
        assert!(parse(b"COCOAPODS: 1.11.2\n").unwrap().is_empty());
    }

    #[test]
    fn malformed_files_are_errors() {
        let error = parse(b"invalid\n2FLayoutSpecBuilder\nfile\n").unwrap_err();
        assert_eq!(error.position, Position::Line(1));
        assert!(parse(b"PODS:\n  - [1, 2]\n").is_err());
    }
}
