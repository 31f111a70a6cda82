//! Installed packages: the `package.json` npm, Yarn and pnpm leave in each package directory
//! under `node_modules` (the routing in [`super::route`] admits no other `package.json`).
//!
//! A manifest without a non-empty string `name` and `version` yields no record: such files
//! are not published packages (osv-scalibr's `packagejson` fixtures `acorn`, `acorn-globals`
//! and `window-size` are skipped the same way). Fields are read leniently, since old packages
//! carry odd shapes (`"licenses": [{"type": …}]`, `"dependencies": []`): a field of an
//! unexpected type is ignored rather than failing the file. Only JSON that does not parse is
//! an error.

use custody_model::Ecosystem;
use serde::Deserialize;
use serde_json::Value;

use super::{collect_licenses, json_error};
use crate::{PackageRecord, ParseError, Position};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "package.json";

/// Largest manifest read. Published manifests are kilobytes (the largest on the registry,
/// with long `contributors` lists, are around a megabyte); anything bigger is not one.
const MAX_SIZE: usize = 16 << 20;

/// The fields read from a manifest, each as whatever JSON it holds.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Manifest {
    name: Option<Value>,
    version: Option<Value>,
    license: Option<Value>,
    /// The pre-SPDX form, a list of `{"type", "url"}` objects.
    licenses: Option<Value>,
    dependencies: Option<Value>,
    optional_dependencies: Option<Value>,
}

/// Parses one installed package's `package.json`.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    if content.len() > MAX_SIZE {
        return Err(ParseError::new(
            FORMAT,
            Position::File,
            format!("larger than {} MiB", MAX_SIZE >> 20),
        ));
    }
    let manifest: Manifest =
        serde_json::from_slice(content).map_err(|error| json_error(FORMAT, &error))?;
    let text = |value: &Option<Value>| {
        value
            .as_ref()
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
            .map(str::to_owned)
    };
    let (Some(name), Some(version)) = (text(&manifest.name), text(&manifest.version)) else {
        return Ok(Vec::new());
    };
    let mut record = PackageRecord::new(Ecosystem::Npm, name, version);
    for value in [&manifest.license, &manifest.licenses]
        .into_iter()
        .flatten()
    {
        collect_licenses(value, &mut record.licenses);
    }
    // Development dependencies are not installed with a package, so they are not its edges.
    record.depends = [&manifest.dependencies, &manifest.optional_dependencies]
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|dependencies| dependencies.keys().cloned())
        .collect();
    record.depends.sort_unstable();
    record.depends.dedup();
    Ok(vec![record])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_name_version_licenses_and_dependencies() {
        let records = parse(
            br#"{"name": "@scope/x", "version": "1.2.3", "license": "MIT",
                 "licenses": [{"type": "Apache-2.0"}],
                 "dependencies": {"b": "^1", "a": "^2"}, "optionalDependencies": {"a": "*"},
                 "devDependencies": {"mocha": "*"}}"#,
        )
        .unwrap();
        assert_eq!(records.len(), 1);
        let record = &records[0];
        assert_eq!(
            (record.name.as_str(), record.version.as_str()),
            ("@scope/x", "1.2.3")
        );
        assert_eq!(record.licenses, ["MIT", "Apache-2.0"]);
        assert_eq!(record.depends, ["a", "b"]);
        assert!(record.provides.is_empty());
    }

    #[test]
    fn skips_manifests_without_name_or_version() {
        for manifest in [
            r#"{"version": "1.0.0"}"#,
            r#"{"name": "x"}"#,
            r#"{"name": "", "version": "1.0.0"}"#,
            r#"{"name": "x", "version": 1}"#,
            r#"{"name": ["x"], "version": "1.0.0", "dependencies": []}"#,
        ] {
            assert_eq!(parse(manifest.as_bytes()).unwrap(), [], "{manifest}");
        }
    }

    #[test]
    fn tolerates_odd_field_shapes() {
        let records = parse(
            br#"{"name": "x", "version": "1.0.0", "license": {"type": "ISC"}, "dependencies": []}"#,
        )
        .unwrap();
        assert_eq!(records[0].licenses, ["ISC"]);
        assert!(records[0].depends.is_empty());
    }

    #[test]
    fn rejects_broken_and_oversized_json() {
        let error = parse(b"{\n\"name\": \"x\",\n}").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        let error = parse(&vec![b' '; MAX_SIZE + 1]).unwrap_err();
        assert_eq!(error.position, Position::File);
        assert!(parse(b"[]").is_err());
    }
}
