//! Rust crates recorded by `cargo auditable` ([`Ecosystem::Cargo`]): the `.dep-v0` section
//! (ELF, PE; `__DATA,.dep-v0` in Mach-O) holds zlib-compressed JSON listing every package of
//! the build with its version, source, kind, dependencies (indices into the list) and
//! whether it is the root, the format `auditable-serde` defines.
//!
//! The section is read here rather than through `auditable-info`: the program is already
//! parsed by `object` for Go build information, and `auditable-info` would parse it a second
//! time with its own parser (`binfarce`) and inflate with a second zlib implementation.
//!
//! # What is reported
//!
//! Every package compiled into the program: `build` packages (build scripts, procedural
//! macros and what only they use) ran on the build machine and are not in the program, so
//! they are skipped, as Trivy does. The root package is the program itself and is reported
//! like a Go main module. Packages the root depends on are direct, the others transitive;
//! dependency edges follow the recorded indices.

use std::io::Read;

use custody_model::{Ecosystem, Scope};
use object::{Object, ObjectSection};
use serde::Deserialize;

use super::dependency_key;
use crate::{PackageRecord, ParseError, Position};

/// The name parse errors give the format.
const FORMAT: &str = "cargo-auditable data";

/// The largest inflated JSON read. A build with a thousand crates records about 100 KiB;
/// more is a decompression bomb.
const MAX_JSON_LENGTH: u64 = 8 << 20;

/// The top level of the JSON.
#[derive(Deserialize)]
struct VersionInfo {
    packages: Vec<Package>,
}

/// One package of the build.
#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    #[serde(default)]
    kind: Kind,
    #[serde(default)]
    dependencies: Vec<usize>,
    #[serde(default)]
    root: bool,
}

/// Whether a package is only used at build time; recorded only when it is.
#[derive(Deserialize, Default, PartialEq, Eq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Build,
    #[default]
    Runtime,
}

/// The crates `cargo auditable` recorded in `program`, empty when it recorded none.
pub(crate) fn records(program: &object::File<'_>) -> Result<Vec<PackageRecord>, ParseError> {
    let Some(section) = program.section_by_name(".dep-v0") else {
        return Ok(Vec::new());
    };
    let offset = section.file_range().map_or(0, |(offset, _)| offset);
    let error = |reason: String| ParseError::new(FORMAT, Position::Offset(offset), reason);
    let compressed = section.data().map_err(|source| error(source.to_string()))?;
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(MAX_JSON_LENGTH + 1)
        .read_to_end(&mut json)
        .map_err(|source| error(format!("inflating: {source}")))?;
    if json.len() as u64 > MAX_JSON_LENGTH {
        return Err(error(format!(
            "inflates to more than {MAX_JSON_LENGTH} bytes"
        )));
    }
    let info: VersionInfo =
        serde_json::from_slice(&json).map_err(|source| error(format!("JSON: {source}")))?;
    to_records(&info.packages).map_err(error)
}

/// Turns the recorded packages into records with scopes and edges.
fn to_records(packages: &[Package]) -> Result<Vec<PackageRecord>, String> {
    if let Some(index) = packages
        .iter()
        .position(|package| package.name.is_empty() || package.version.is_empty())
    {
        return Err(format!("package {index} has an empty name or version"));
    }
    if let Some(index) = packages
        .iter()
        .flat_map(|package| &package.dependencies)
        .find(|&&index| index >= packages.len())
    {
        return Err(format!(
            "dependency index {index} is out of range ({} packages)",
            packages.len()
        ));
    }
    let root_dependencies = packages
        .iter()
        .find(|package| package.root)
        .map(|root| &root.dependencies);
    let runtime = |index: &&usize| {
        packages
            .get(**index)
            .is_some_and(|package| package.kind == Kind::Runtime)
    };
    Ok(packages
        .iter()
        .enumerate()
        .filter(|(_, package)| package.kind == Kind::Runtime)
        .map(|(index, package)| {
            let mut record = PackageRecord::new(Ecosystem::Cargo, &package.name, &package.version);
            if !package.root {
                record.scope = Scope {
                    direct: root_dependencies.map(|direct| direct.contains(&index)),
                    dev: false,
                };
            }
            record.provides = vec![dependency_key(&package.name, &package.version)];
            record.depends = package
                .dependencies
                .iter()
                .filter(runtime)
                .filter_map(|&index| packages.get(index))
                .map(|dependency| dependency_key(&dependency.name, &dependency.version))
                .collect();
            record
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Vec<PackageRecord>, String> {
        let info: VersionInfo = serde_json::from_str(json).map_err(|error| error.to_string())?;
        to_records(&info.packages)
    }

    #[test]
    fn reports_runtime_packages_with_scopes_and_edges() {
        // The shape `cargo auditable` writes: a root, a direct and a transitive runtime
        // dependency, and a proc macro recorded as a build dependency.
        let records = parse(
            r#"{"packages":[
                {"name":"app","version":"0.1.0","source":"local","dependencies":[1,3],"root":true},
                {"name":"serde","version":"1.0.200","source":"crates.io","dependencies":[2]},
                {"name":"serde_derive","version":"1.0.200","source":"crates.io","kind":"build"},
                {"name":"itoa","version":"1.0.11","source":"crates.io"}
            ],"format":1}"#,
        )
        .unwrap();
        let summary: Vec<_> = records
            .iter()
            .map(|record| {
                (
                    record.name.as_str(),
                    record.version.as_str(),
                    record.scope.direct,
                    record.depends.clone(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "app",
                    "0.1.0",
                    None,
                    vec!["serde@1.0.200".to_owned(), "itoa@1.0.11".to_owned()]
                ),
                ("serde", "1.0.200", Some(true), vec![]),
                ("itoa", "1.0.11", Some(true), vec![]),
            ]
        );
        assert!(
            records
                .iter()
                .all(|record| record.ecosystem == Ecosystem::Cargo)
        );
        assert_eq!(records[1].provides, ["serde@1.0.200"]);
    }

    #[test]
    fn transitive_packages_are_marked_when_a_root_is_recorded() {
        let records = parse(
            r#"{"packages":[
                {"name":"a","version":"1.0.0","source":"crates.io","dependencies":[1]},
                {"name":"b","version":"2.0.0","source":"crates.io"},
                {"name":"app","version":"0.1.0","source":"local","dependencies":[0],"root":true}
            ]}"#,
        )
        .unwrap();
        let scopes: Vec<_> = records.iter().map(|record| record.scope.direct).collect();
        assert_eq!(scopes, [Some(true), Some(false), None]);
        let rootless =
            parse(r#"{"packages":[{"name":"a","version":"1.0.0","source":"git"}]}"#).unwrap();
        assert_eq!(rootless[0].scope.direct, None);
    }

    #[test]
    fn bad_indices_and_shapes_are_errors() {
        let error = parse(
            r#"{"packages":[{"name":"a","version":"1.0.0","source":"crates.io","dependencies":[7]}]}"#,
        )
        .unwrap_err();
        assert_eq!(error, "dependency index 7 is out of range (1 packages)");
        assert!(parse(r#"{"packages":[{"name":"a"}]}"#).is_err());
        assert_eq!(
            parse(r#"{"packages":[{"name":"","version":"1.0.0","source":"local"}]}"#).unwrap_err(),
            "package 0 has an empty name or version"
        );
        assert!(parse(r#"{"packages":[{"name":"a","version":"1","kind":"dev"}]}"#).is_err());
    }
}
