//! PHP packages ([`Ecosystem::Composer`]): Composer's lockfile (`composer.lock`) in source
//! trees and the record of what Composer installed (`vendor/composer/installed.json`).
//!
//! Both files list packages in the same shape (<https://getcomposer.org/doc/04-schema.md>):
//! `name` (`vendor/package`, as Packagist and OSV name it), `version` as Composer locked it
//! (`v6.4.0`, `2.0.0-alpha4`, `dev-main`), `license`, and the names it `require`s, `replace`s
//! and `provide`s. [`Package`] reads one entry; [`lock`] and [`installed`] read the files.
//!
//! # Scope and edges
//!
//! Entries of `packages-dev` (in the lockfile) or named in `dev-package-names` (installed) are
//! dev-only. Neither file says which packages the project requires itself (that is in
//! `composer.json`), so directness is unknown.
//!
//! `depends` holds the `require`d package names; platform requirements (`php`, `ext-json`,
//! `composer-runtime-api`, which have no `/`) are not packages and are left out. A package
//! that `replace`s or `provide`s a name lists it in `provides` (Drupal core replaces its
//! `drupal/core-*` components), so requirements on that name resolve to it.

mod installed;
mod lock;

use std::collections::{BTreeMap, HashMap};

use custody_model::Ecosystem;
use serde::Deserialize;

use crate::{PackageRecord, ParseError};

/// A Composer file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// `composer.lock`.
    Lock,
    /// `vendor/composer/installed.json`, Composer 1 or 2.
    Installed,
}

/// What `directory`/`name` is, if it is a Composer file. Compares the file name first: it runs
/// for every file of a target.
///
/// A `composer.lock` inside an installed package (`vendor/<vendor>/<package>/composer.lock`)
/// records that package's own development tree, not what was installed here, and is not read.
/// `installed.json` is read only in a directory named `composer`, where Composer writes it
/// (inside the vendor directory, whatever that is named).
pub(crate) fn route(directory: &str, name: &str) -> Option<File> {
    match name {
        "composer.lock" => (!is_installed_package(directory)).then_some(File::Lock),
        "installed.json" => {
            let last = directory.rsplit('/').next().unwrap_or(directory);
            (last == "composer").then_some(File::Installed)
        }
        _ => None,
    }
}

/// Parses a routed file. A UTF-8 byte order mark is ignored.
pub(crate) fn parse(
    file: File,
    _path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    match file {
        File::Lock => lock::parse(content),
        File::Installed => installed::parse(content),
    }
}

/// Whether `directory` is Composer's default install location of a package,
/// `…/vendor/<vendor>/<package>`.
fn is_installed_package(directory: &str) -> bool {
    let mut components = directory.rsplit('/');
    let (Some(_package), Some(_vendor), Some(container)) =
        (components.next(), components.next(), components.next())
    else {
        return false;
    };
    container == "vendor"
}

/// One package entry of `composer.lock` or `installed.json`. The link maps (`require`,
/// `replace`, `provide`) map package names to version constraints.
#[derive(Deserialize)]
struct Package {
    name: Option<String>,
    version: Option<String>,
    license: Option<serde_json::Value>,
    #[serde(default)]
    require: BTreeMap<String, String>,
    #[serde(default)]
    replace: BTreeMap<String, String>,
    #[serde(default)]
    provide: BTreeMap<String, String>,
}

impl Package {
    /// The package as a record, if it has a name and a version.
    fn into_record(self) -> Option<PackageRecord> {
        let name = self.name.filter(|name| !name.trim().is_empty())?;
        let version = self.version.filter(|version| !version.trim().is_empty())?;
        let mut record = PackageRecord::new(Ecosystem::Composer, name, version);
        if let Some(license) = &self.license {
            record.licenses = licenses(license);
        }
        record.depends = self
            .require
            .into_keys()
            .filter(|required| required.contains('/'))
            .collect();
        record.provides = self
            .replace
            .into_keys()
            .chain(self.provide.into_keys())
            .filter(|provided| *provided != record.name)
            .collect();
        record.provides.sort_unstable();
        record.provides.dedup();
        Some(record)
    }
}

/// The license identifiers of a `license` value: a list of strings, or one string.
fn licenses(value: &serde_json::Value) -> Vec<String> {
    let names: Vec<&serde_json::Value> = match value {
        serde_json::Value::Array(values) => values.iter().collect(),
        other => vec![other],
    };
    names
        .into_iter()
        .filter_map(serde_json::Value::as_str)
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Records from package entries, one per name and version: an entry repeated with the same
/// version is one record, dev-only only if every copy is.
fn records(packages: impl IntoIterator<Item = (Package, bool)>) -> Vec<PackageRecord> {
    let mut records: Vec<PackageRecord> = Vec::new();
    // Index into `records` by (name, version).
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for (package, dev) in packages {
        let Some(mut record) = package.into_record() else {
            continue;
        };
        record.scope.dev = dev;
        let key = (record.name.clone(), record.version.clone());
        if let Some(known) = seen.get(&key).and_then(|&index| records.get_mut(index)) {
            known.scope.dev &= dev;
        } else {
            seen.insert(key, records.len());
            records.push(record);
        }
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route_path(path: &str) -> Option<File> {
        let (directory, name) = path.rsplit_once('/').unwrap_or(("", path));
        route(directory, name)
    }

    #[test]
    fn routes_lockfiles_and_installed_records() {
        for (path, file) in [
            ("composer.lock", File::Lock),
            ("srv/app/composer.lock", File::Lock),
            ("vendor/composer.lock", File::Lock),
            ("app/vendor/composer/installed.json", File::Installed),
            ("app/lib/composer/installed.json", File::Installed),
        ] {
            assert_eq!(route_path(path), Some(file), "{path}");
        }
        for path in [
            "app/vendor/symfony/console/composer.lock",
            "vendor/a/b/composer.lock",
            "composer.json",
            "composer.lock.bak",
            "app/installed.json",
            "app/vendor/composer/installed.php",
            "app/notcomposer/installed.json",
        ] {
            assert_eq!(route_path(path), None, "{path}");
        }
    }

    #[test]
    fn builds_records_with_licenses_edges_and_replacements() {
        let package: Package = serde_json::from_str(
            r#"{"name": "drupal/core", "version": "10.4.5", "license": ["GPL-2.0-or-later"],
                "require": {"php": ">=8.1", "ext-json": "*", "symfony/console": "^6.4"},
                "replace": {"drupal/core-utility": "self.version"},
                "provide": {"psr/log-implementation": "1.0", "drupal/core": "*"}}"#,
        )
        .unwrap();
        let record = package.into_record().unwrap();
        assert_eq!(record.ecosystem, Ecosystem::Composer);
        assert_eq!(record.licenses, ["GPL-2.0-or-later"]);
        assert_eq!(record.depends, ["symfony/console"]);
        assert_eq!(
            record.provides,
            ["drupal/core-utility", "psr/log-implementation"]
        );
    }

    #[test]
    fn reads_every_license_shape() {
        assert_eq!(licenses(&serde_json::json!("MIT")), ["MIT"]);
        assert_eq!(licenses(&serde_json::json!(["MIT", 3, ""])), ["MIT"]);
        assert!(licenses(&serde_json::json!({"type": "MIT"})).is_empty());
    }

    #[test]
    fn skips_entries_without_a_name_or_version() {
        let packages: Vec<Package> = serde_json::from_str(
            r#"[{"name": "a/b"}, {"version": "1"}, {"name": " ", "version": "1"}]"#,
        )
        .unwrap();
        assert!(records(packages.into_iter().map(|package| (package, false))).is_empty());
    }
}
