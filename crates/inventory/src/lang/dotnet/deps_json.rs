//! The dependency manifest of a .NET application, `<application>.deps.json`
//! (<https://github.com/dotnet/sdk/blob/main/documentation/specs/runtime-configuration-file.md>).
//!
//! `libraries` names every library the application loads as `Id/Version` with its `type`:
//! `package` for a NuGet package (a record), `project` for the application's own projects
//! (skipped). `targets` repeats those keys per target framework (and runtime identifier), each
//! with its `dependencies` as `{id: version}`; versions there are exact, so a dependency is the
//! library `id/version`. Projects and their dependencies give no edge: a project is not a record.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::dependency_key;
use crate::lang::document::from_json;
use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "deps.json";

/// The fields read from a dependency manifest.
#[derive(Deserialize)]
struct DepsJson {
    /// Libraries by `Id/Version`, per target.
    #[serde(default)]
    targets: BTreeMap<String, BTreeMap<String, Target>>,
    /// Every library by `Id/Version`.
    #[serde(default)]
    libraries: BTreeMap<String, Library>,
}

/// A library of one target.
#[derive(Deserialize)]
struct Target {
    /// Dependencies: id to exact version.
    #[serde(default)]
    dependencies: BTreeMap<String, String>,
}

/// A library entry.
#[derive(Deserialize)]
struct Library {
    #[serde(rename = "type")]
    kind: Option<String>,
}

/// Parses a `*.deps.json`; an empty file holds no packages.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let Some(manifest) = from_json::<DepsJson>(FORMAT, content)? else {
        return Ok(Vec::new());
    };
    let mut records = super::records();
    for (key, library) in &manifest.libraries {
        if library.kind.as_deref() != Some("package") {
            continue;
        }
        if let Some((id, version)) = split_key(key) {
            records.insert(id, version);
        }
    }
    for libraries in manifest.targets.values() {
        for (key, target) in libraries {
            let Some((id, version)) = split_key(key) else {
                continue;
            };
            // Edges only between packages: a project or framework library is no record.
            let dependencies: Vec<String> = target
                .dependencies
                .iter()
                .map(|(id, version)| dependency_key(id, version))
                .filter(|dependency| records.contains(dependency))
                .collect();
            if let Some(record) = records.get_mut(&dependency_key(id, version)) {
                record.depends.extend(dependencies);
            }
        }
    }
    Ok(records.into_records())
}

/// The id and version of a `Id/Version` library key; `None` for a key without both.
fn split_key(key: &str) -> Option<(&str, &str)> {
    let (id, version) = key.split_once('/')?;
    let (id, version) = (id.trim(), version.trim());
    (!id.is_empty() && !version.is_empty()).then_some((id, version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    #[test]
    fn reads_packages_and_their_edges() {
        let records = parse(
            br#"{
              "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0"},
              "targets": {".NETCoreApp,Version=v8.0": {
                "App/1.0.0": {"dependencies": {"Serilog": "3.1.1"}},
                "Serilog/3.1.1": {"dependencies": {"System.Memory": "4.5.5", "App.Common": "1.0.0"}},
                "System.Memory/4.5.5": {}
              }},
              "libraries": {
                "App/1.0.0": {"type": "project"},
                "App.Common/1.0.0": {"type": "project"},
                "Serilog/3.1.1": {"type": "package", "sha512": "x"},
                "System.Memory/4.5.5": {"type": "package"},
                "Broken": {"type": "package"},
                "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0": {"type": "runtimepack"}
              }
            }"#,
        )
        .unwrap();
        let found: Vec<_> = records
            .iter()
            .map(|record| {
                (
                    record.name.as_str(),
                    record.version.as_str(),
                    record.depends.join(","),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("Serilog", "3.1.1", "system.memory/4.5.5".to_owned()),
                ("System.Memory", "4.5.5", String::new()),
            ]
        );
    }

    #[test]
    fn reports_where_the_json_breaks() {
        let error =
            parse(b"{\n  \"libraries\": {\n    \"A/1\": {\"type\": 1}\n  }\n}").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        assert_eq!(error.format, FORMAT);
        assert!(parse(b"not\njson").is_err());
        assert!(parse(b"{}").unwrap().is_empty());
    }

    #[test]
    fn splits_library_keys() {
        assert_eq!(split_key("A.B/1.2.3"), Some(("A.B", "1.2.3")));
        assert_eq!(split_key("A.B"), None);
        assert_eq!(split_key("/1.0"), None);
        assert_eq!(split_key("A/"), None);
    }
}
