//! Gradle version catalogs, `libs.versions.toml` (Gradle user guide, "Version Catalogs"): the
//! libraries a build declares, with the versions it asks for.
//!
//! Read from `[libraries]`, in every shape Gradle accepts: `"group:artifact:version"`,
//! `{ module = "group:artifact", version = … }` and `{ group = …, name = …, version = … }`,
//! where the version is a string, `version.ref` / `{ ref = … }` naming an entry of
//! `[versions]`, or a rich version table. A rich version's `strictly` wins, then `require`,
//! then `prefer`, as Gradle prefers them. Only exact versions are recorded: a library without
//! a version (its version comes from a platform or constraint elsewhere), a range
//! (`[1.0,2.0)`), a dynamic version (`1.+`, `latest.release`) and a `reject`-only table are
//! skipped rather than guessed. `[bundles]` and `[plugins]` name no libraries.

use custody_model::Ecosystem;
use serde::Deserialize;
use toml::{Table, Value};

use crate::{PackageRecord, ParseError, Position};

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "Gradle version catalog";

/// The parts of a catalog that name libraries.
#[derive(Deserialize)]
struct Catalog {
    #[serde(default)]
    versions: Table,
    #[serde(default)]
    libraries: Table,
}

/// Parses a version catalog.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let text = std::str::from_utf8(content)
        .map_err(|_| ParseError::new(FORMAT, Position::File, "not UTF-8"))?;
    let catalog: Catalog = toml::from_str(text).map_err(|error| {
        let position = error.span().map_or(Position::File, |span| {
            let before = content.get(..span.start).unwrap_or_default();
            Position::Line(memchr::memchr_iter(b'\n', before).count() + 1)
        });
        ParseError::new(FORMAT, position, error.message().trim_end())
    })?;
    let mut records: Vec<PackageRecord> = Vec::new();
    for library in catalog.libraries.values() {
        let Some((name, version)) = library_coordinates(library, &catalog.versions) else {
            continue;
        };
        if !records
            .iter()
            .any(|record| record.name == name && record.version == version)
        {
            records.push(PackageRecord::new(Ecosystem::Maven, name, version));
        }
    }
    Ok(records)
}

/// A library's `group:artifact` name and exact version, if it has both.
fn library_coordinates(library: &Value, versions: &Table) -> Option<(String, String)> {
    match library {
        Value::String(notation) => {
            let mut parts = notation.split(':');
            let (group, artifact, version) = (parts.next()?, parts.next()?, parts.next()?);
            if parts.next().is_some() || group.is_empty() || artifact.is_empty() {
                return None;
            }
            Some((format!("{group}:{artifact}"), exact(version)?))
        }
        Value::Table(table) => {
            let (group, artifact) = match table.get("module").and_then(Value::as_str) {
                Some(module) => module.split_once(':')?,
                None => (
                    table.get("group").and_then(Value::as_str)?,
                    table.get("name").and_then(Value::as_str)?,
                ),
            };
            if group.is_empty() || artifact.is_empty() || artifact.contains(':') {
                return None;
            }
            let name = format!("{group}:{artifact}");
            Some((name, version_of(table.get("version")?, versions)?))
        }
        _ => None,
    }
}

/// The exact version a `version` value asks for: a string, a `ref` into `[versions]`, or a
/// rich version table.
fn version_of(value: &Value, versions: &Table) -> Option<String> {
    match value {
        Value::String(version) => exact(version),
        Value::Table(table) => {
            if let Some(reference) = table.get("ref").and_then(Value::as_str) {
                // A `[versions]` entry is itself a string or a rich table, never a reference.
                return match versions.get(reference)? {
                    Value::Table(rich) if rich.contains_key("ref") => None,
                    entry => version_of(entry, versions),
                };
            }
            ["strictly", "require", "prefer"]
                .iter()
                .find_map(|key| table.get(*key).and_then(Value::as_str))
                .and_then(exact)
        }
        _ => None,
    }
}

/// `version` when it names one exact version: not blank, not a range, not dynamic.
fn exact(version: &str) -> Option<String> {
    let version = version.trim();
    let dynamic = version.is_empty()
        || version.starts_with(['[', ']', '('])
        || version.ends_with('+')
        || version.starts_with("latest.");
    (!dynamic).then(|| version.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_library_shape() {
        let records = parse(
            br#"
[versions]
groovy = "3.0.5"
rich = { strictly = "[1.0, 2.0)", prefer = "1.5" }

[libraries]
guava = "com.google.guava:guava:30.1.1-jre"
module = { module = "org.a:module", version = "1.0" }
reference = { module = "org.a:reference", version.ref = "groovy" }
table-reference = { module = "org.a:table-reference", version = { ref = "groovy" } }
triple = { group = "org.a", name = "triple", version = "2.0" }
strictly = { module = "org.a:strictly", version = { strictly = "3.0", prefer = "2.9" } }
range = { module = "org.a:range", version = "[1.0,2.0)" }
dynamic = { module = "org.a:dynamic", version = "1.+" }
rich-range = { module = "org.a:rich-range", version.ref = "rich" }
missing-ref = { module = "org.a:missing", version.ref = "nope" }
unversioned = { module = "org.a:unversioned" }

[plugins]
p = { id = "org.a.plugin", version = "1.0" }
"#,
        )
        .unwrap();
        let mut rows: Vec<_> = records
            .iter()
            .map(|record| (record.name.as_str(), record.version.as_str()))
            .collect();
        rows.sort_unstable();
        assert_eq!(
            rows,
            [
                ("com.google.guava:guava", "30.1.1-jre"),
                ("org.a:module", "1.0"),
                ("org.a:reference", "3.0.5"),
                ("org.a:strictly", "3.0"),
                ("org.a:table-reference", "3.0.5"),
                ("org.a:triple", "2.0"),
            ]
        );
        assert_eq!(
            parse(b"[libraries\n").unwrap_err().position,
            Position::Line(1)
        );
    }
}
