//! npm packages ([`Ecosystem::Npm`]): the lockfiles of npm (`package-lock.json`,
//! `npm-shrinkwrap.json`), Yarn (`yarn.lock`, classic and Berry), pnpm (`pnpm-lock.yaml`) and Bun
//! (`bun.lock`), and the `package.json` of each package installed under `node_modules`.
//!
//! [`route`] picks files by name and location, [`parse`] hands them to one module per format.
//! Every format yields records named as the registry names the package (`@babel/core`, never
//! the alias it was installed under) at the exact version the lockfile pins.
//!
//! # What is reported
//!
//! - **Dev and optional dependencies are included.** A lockfile pins them as exactly as the
//!   production ones and they run in CI and on developer machines; osv-scanner and osv-scalibr
//!   report them too (Trivy only behind `--include-dev-deps`). Where the format says so
//!   (`package-lock.json` v2 and v3: `dev` entries, the root entry's dependency lists) the
//!   record's [`Scope`](custody_model::Scope) marks them dev-only and direct or transitive; pnpm 9 and Yarn do not
//!   say, and their records leave the scope unknown.
//! - **The project itself is not a package**: the root entry of a `package-lock.json`, Yarn
//!   `workspace:` entries and pnpm importers are skipped, as are links (npm `"link": true`,
//!   Yarn `link:`/`portal:`, npm v1 `file:` links), whose targets are the project's own source.
//! - **One record per name and version.** npm nests copies of a package, pnpm repeats one per
//!   set of peer dependencies; [`Records`] merges them.
//! - **Git dependencies** keep the version their `package.json` declares where the lockfile
//!   records it; where it does not (npm v1 `"version": "github:user/repo#<sha>"`, a v2 entry
//!   with only `resolved`), the version is the commit hash, the only exact identifier there is.
//!
//! # Dependency edges
//!
//! Each lockfile record provides `name@version` (see [`dependency_key`]) and depends on the
//! `name@version` keys its dependencies resolve to in the same lockfile, so the resolver draws
//! edges to the exact copy installed rather than to every version of a name. Dependencies that
//! do not resolve (an optional dependency not installed, a link) have no edge. An installed
//! `package.json` describes one package, so its `depends` are plain names.
//!
//! A lockfile inside `node_modules` belongs to a dependency (it describes that package's own
//! development tree, not what was installed here) and is not read; the installed copies are
//! found through their `package.json` instead.

mod bun;
mod installed;
mod package_lock;
mod pnpm;
mod yarn;

use std::fmt;

use custody_model::Ecosystem;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess};

use super::records::Records;
use crate::{PackageRecord, ParseError, Position};

/// An npm file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// `package-lock.json` or `npm-shrinkwrap.json` (the same format).
    PackageLock,
    /// `yarn.lock`, classic (v1) or Berry (v2 and later).
    YarnLock,
    /// `pnpm-lock.yaml`, lockfile versions 5 to 9.
    PnpmLock,
    /// Bun's text lockfile, `bun.lock`.
    BunLock,
    /// `node_modules/<name>/package.json` or `node_modules/@scope/<name>/package.json`.
    InstalledPackage,
}

/// What `directory`/`name` is, if it is an npm file. Compares the file name first: it runs
/// for every file of a target.
pub(crate) fn route(directory: &str, name: &str) -> Option<File> {
    let file = match name {
        "package.json" => {
            return is_installed_package(directory).then_some(File::InstalledPackage);
        }
        "package-lock.json" | "npm-shrinkwrap.json" => File::PackageLock,
        "yarn.lock" => File::YarnLock,
        "pnpm-lock.yaml" => File::PnpmLock,
        "bun.lock" => File::BunLock,
        _ => return None,
    };
    let in_node_modules = directory
        .split('/')
        .any(|component| component == "node_modules");
    (!in_node_modules).then_some(file)
}

/// Parses a routed file. A UTF-8 byte order mark, which some editors add, is ignored.
pub(crate) fn parse(
    file: File,
    _path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    match file {
        File::PackageLock => package_lock::parse(content),
        File::YarnLock => yarn::parse(content),
        File::PnpmLock => pnpm::parse(content),
        File::BunLock => bun::parse(content),
        File::InstalledPackage => installed::parse(content),
    }
}

/// Whether `directory` is where npm installs a package: `…/node_modules/<name>` or
/// `…/node_modules/@scope/<name>`. That excludes the project's own `package.json` and the
/// `package.json` files packages keep in subdirectories (`dist/esm/package.json`).
fn is_installed_package(directory: &str) -> bool {
    let (parent, package) = split_last(directory);
    if package.is_empty() || package.starts_with('.') || package == "node_modules" {
        return false;
    }
    let (grandparent, container) = split_last(parent);
    if container == "node_modules" {
        return !package.starts_with('@');
    }
    container.len() > 1 && container.starts_with('@') && split_last(grandparent).1 == "node_modules"
}

/// Splits a path at its last `/`: the parent (empty at the top) and the last component.
fn split_last(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

/// Splits `name@rest` into the package name, which may be scoped (`@babel/core@^7.0.0`), and
/// what follows the `@` (a version, range or protocol reference).
fn split_at_version(spec: &str) -> Option<(&str, &str)> {
    let scoped = usize::from(spec.starts_with('@'));
    let at = spec.get(scoped..)?.find('@')? + scoped;
    let name = spec.get(..at)?;
    let rest = spec.get(at + 1..)?;
    (!name.is_empty() && name != "@").then_some((name, rest))
}

/// How a lockfile record is named as a dependency target: `name@version`. Each lockfile
/// record lists it in [`PackageRecord::provides`] and its dependants list it in
/// [`PackageRecord::depends`].
fn dependency_key(name: &str, version: &str) -> String {
    format!("{name}@{version}")
}

/// Appends the license names of a `license` or `licenses` value of a `package.json` or
/// lockfile entry, in any shape npm has accepted over time: `"MIT"`, `{"type": "MIT"}`, or a
/// list of either. Other shapes are ignored.
fn collect_licenses(value: &serde_json::Value, licenses: &mut Vec<String>) {
    match value {
        serde_json::Value::String(name) if !name.is_empty() && !licenses.contains(name) => {
            licenses.push(name.clone());
        }
        serde_json::Value::Object(object) => {
            if let Some(kind) = object.get("type") {
                collect_licenses(kind, licenses);
            }
        }
        serde_json::Value::Array(values) => {
            for value in values {
                if !value.is_array() {
                    collect_licenses(value, licenses);
                }
            }
        }
        _ => {}
    }
}

/// The keys of a JSON mapping whose values are not needed (a `dependencies` object), read
/// without keeping the values.
#[derive(Debug, Default)]
struct Keys(Vec<String>);

impl<'de> Deserialize<'de> for Keys {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Keys;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Keys, A::Error> {
                let mut keys = Vec::new();
                while let Some(key) = map.next_key()? {
                    map.next_value::<IgnoredAny>()?;
                    keys.push(key);
                }
                Ok(Keys(keys))
            }
        }

        deserializer.deserialize_map(Visitor)
    }
}

/// A [`ParseError`] from a JSON parse failure, at the line `serde_json` reports.
fn json_error(format: &'static str, error: &serde_json::Error) -> ParseError {
    let position = match error.line() {
        0 => Position::File,
        line => Position::Line(line),
    };
    // serde_json appends " at line L column C"; the position already says where.
    let message = error.to_string();
    let reason = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(reason, _)| reason);
    ParseError::new(format, position, reason)
}

/// An empty [`Records`] of npm packages keyed by [`dependency_key`].
fn records() -> Records {
    Records::new(Ecosystem::Npm, dependency_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_lockfiles_anywhere_outside_node_modules() {
        assert_eq!(route("", "package-lock.json"), Some(File::PackageLock));
        assert_eq!(
            route("app/web", "npm-shrinkwrap.json"),
            Some(File::PackageLock)
        );
        assert_eq!(route("src", "yarn.lock"), Some(File::YarnLock));
        assert_eq!(route("a/b/c", "pnpm-lock.yaml"), Some(File::PnpmLock));
        assert_eq!(route("web", "bun.lock"), Some(File::BunLock));
        assert_eq!(route("node_modules/x", "bun.lock"), None);
        assert_eq!(
            route("app/node_modules/left-pad", "package-lock.json"),
            None
        );
        assert_eq!(route("node_modules/x/node_modules/y", "yarn.lock"), None);
        assert_eq!(route("node_modules", "pnpm-lock.yaml"), None);
        assert_eq!(route("app", ".package-lock.json"), None);
        assert_eq!(route("app", "package-lock.json.bak"), None);
        assert_eq!(route("app", "yarn.lock.d"), None);
    }

    #[test]
    fn routes_only_installed_package_manifests() {
        for directory in [
            "node_modules/lodash",
            "app/web/node_modules/express",
            "node_modules/@babel/core",
            "app/node_modules/http-errors/node_modules/depd",
            "node_modules/.pnpm/lodash@4.17.21/node_modules/lodash",
            "usr/lib/node_modules/npm/node_modules/@npmcli/arborist",
        ] {
            assert_eq!(
                route(directory, "package.json"),
                Some(File::InstalledPackage),
                "{directory}"
            );
        }
        for directory in [
            "",
            "app",
            "app/web",
            "node_modules",
            "node_modules/lodash/dist",
            "node_modules/@babel",
            "node_modules/@babel/core/lib",
            "node_modules/.bin",
            "node_modules/@/core",
            "not_node_modules/lodash",
            "node_modules_x/lodash",
        ] {
            assert_eq!(route(directory, "package.json"), None, "{directory}");
        }
    }

    #[test]
    fn routes_nothing_else() {
        for name in [
            "package.jsonc",
            "Package.json",
            "yarn.lock.json",
            "lockfile",
        ] {
            assert_eq!(route("node_modules/x", name), None, "{name}");
        }
    }

    #[test]
    fn splits_names_from_versions() {
        assert_eq!(
            split_at_version("lodash@4.17.21"),
            Some(("lodash", "4.17.21"))
        );
        assert_eq!(
            split_at_version("@babel/core@npm:7.0.0"),
            Some(("@babel/core", "npm:7.0.0"))
        );
        assert_eq!(split_at_version("@babel/core"), None);
        assert_eq!(split_at_version("lodash"), None);
        assert_eq!(split_at_version("@@1"), None);
        assert_eq!(split_at_version("@"), None);
        assert_eq!(split_at_version(""), None);
    }

    #[test]
    fn collects_every_license_shape() {
        let mut licenses = Vec::new();
        for value in [
            serde_json::json!("MIT"),
            serde_json::json!({"type": "ISC", "url": "x"}),
            serde_json::json!([{"type": "Apache-2.0"}, "MIT", [["nested"]], 3]),
            serde_json::json!(null),
            serde_json::json!(""),
        ] {
            collect_licenses(&value, &mut licenses);
        }
        assert_eq!(licenses, ["MIT", "ISC", "Apache-2.0"]);
    }

    #[test]
    fn merges_repeated_packages() {
        let mut records = records();
        records.insert("a", "1.0.0").depends.push("b@2.0.0".into());
        records.insert("b", "2.0.0");
        records.insert("a", "1.0.0").depends.push("b@2.0.0".into());
        let records = records.into_records();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].depends, ["b@2.0.0"]);
        assert_eq!(records[1].provides, ["b@2.0.0"]);
    }
}
