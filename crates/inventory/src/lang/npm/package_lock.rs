//! npm's lockfile, `package-lock.json`, and its publishable twin `npm-shrinkwrap.json`
//! (<https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json>).
//!
//! - `lockfileVersion` 2 and 3 list every installed package under `packages`, keyed by its
//!   install path (`node_modules/a/node_modules/b`); the entry's `name` overrides the path's
//!   last component for aliases (`node_modules/string-width-cjs` holding `string-width`).
//!   Paths outside `node_modules` are workspace and `file:` packages, named by `name` or
//!   their directory. The root entry `""` and `"link": true` entries are skipped. A
//!   dependency resolves the way Node.js looks it up: the nearest `node_modules/<name>`
//!   walking up from the dependant's path.
//! - `lockfileVersion` 1 nests `dependencies` the way `node_modules` nests directories;
//!   `version` is either a version, `npm:<name>@<version>` for an alias, a git reference
//!   pinned to a commit, or `file:<path>` for a linked directory (skipped). A `requires`
//!   entry resolves to the nearest `dependencies` entry of that name, walking outwards.
//!
//! Version 2 files carry both layouts; `packages` is read when present.
//!
//! Nesting is bounded by `serde_json`'s recursion limit (128), which rejects deeper input
//! before the recursive walk over version 1 `dependencies` sees it.

use std::collections::{BTreeMap, HashMap, HashSet};

use custody_model::Scope;

use serde::Deserialize;

use super::{Keys, Records, collect_licenses, dependency_key, json_error, split_at_version};
use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "package-lock.json";

/// The fields read from a lockfile.
#[derive(Deserialize)]
struct Lockfile {
    /// Versions 2 and 3: entries by install path.
    packages: Option<BTreeMap<String, Entry>>,
    /// Version 1 (and the legacy copy in version 2): nested entries by name.
    dependencies: Option<BTreeMap<String, LegacyEntry>>,
}

/// An entry of `packages`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    name: Option<String>,
    version: Option<String>,
    /// The tarball or git URL; for links, the path of the target entry.
    resolved: Option<String>,
    #[serde(default)]
    link: bool,
    /// Installed only as a (possibly transitive) dev dependency.
    #[serde(default)]
    dev: bool,
    license: Option<serde_json::Value>,
    dependencies: Option<Keys>,
    optional_dependencies: Option<Keys>,
    peer_dependencies: Option<Keys>,
    /// Only meaningful on the root entry `""`: the project's own dev dependencies.
    dev_dependencies: Option<Keys>,
}

/// An entry of version 1 `dependencies`.
#[derive(Deserialize)]
struct LegacyEntry {
    version: Option<String>,
    /// What this package depends on, by name.
    requires: Option<Keys>,
    /// Packages installed in this package's own `node_modules`.
    dependencies: Option<BTreeMap<String, LegacyEntry>>,
}

/// Parses a `package-lock.json` or `npm-shrinkwrap.json`.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let lockfile: Lockfile =
        serde_json::from_slice(content).map_err(|error| json_error(FORMAT, &error))?;
    Ok(match (&lockfile.packages, &lockfile.dependencies) {
        (Some(packages), _) => parse_packages(packages),
        (None, Some(dependencies)) => parse_legacy(dependencies),
        (None, None) => Vec::new(),
    })
}

/// Reads versions 2 and 3. Scopes come from the format: a package is direct when it sits at
/// the top of `node_modules` under a name the root entry depends on, and dev-only when npm
/// marks the entry `dev`.
fn parse_packages(packages: &BTreeMap<String, Entry>) -> Vec<PackageRecord> {
    let mut records = super::records();
    let mut keys: HashMap<&str, String> = HashMap::new();
    let root = packages.get("");
    let direct_names: HashSet<&str> = root
        .into_iter()
        .flat_map(|root| {
            [
                &root.dependencies,
                &root.dev_dependencies,
                &root.optional_dependencies,
                &root.peer_dependencies,
            ]
        })
        .flatten()
        .flat_map(|names| &names.0)
        .map(String::as_str)
        .collect();
    for (path, entry) in packages {
        if path.is_empty() || entry.link {
            continue;
        }
        let Some((name, version)) = identity(path, entry) else {
            continue;
        };
        let record = records.insert(name, version);
        if record.licenses.is_empty()
            && let Some(license) = &entry.license
        {
            collect_licenses(license, &mut record.licenses);
        }
        let key = dependency_key(name, version);
        let top_level = path
            .strip_prefix("node_modules/")
            .is_some_and(|installed| !installed.contains("/node_modules/"));
        let scope = Scope {
            direct: root.map(|_| top_level && direct_names.contains(name)),
            dev: entry.dev,
        };
        records.declare(&key, scope);
        keys.insert(path, key);
    }
    for (path, entry) in packages {
        let Some(key) = keys.get(path.as_str()) else {
            continue;
        };
        let dependencies = [
            &entry.dependencies,
            &entry.optional_dependencies,
            &entry.peer_dependencies,
        ];
        let targets: Vec<String> = dependencies
            .into_iter()
            .flatten()
            .flat_map(|names| &names.0)
            .filter_map(|dependency| resolve(packages, path, dependency))
            .filter_map(|target| keys.get(target).cloned())
            .collect();
        if let Some(record) = records.get_mut(key) {
            record.depends.extend(targets);
        }
    }
    records.into_records()
}

/// The name and version of the package at `path`, if it has an exact version.
fn identity<'a>(path: &'a str, entry: &'a Entry) -> Option<(&'a str, &'a str)> {
    let name = entry
        .name
        .as_deref()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| name_from_path(path));
    let version = match entry
        .version
        .as_deref()
        .filter(|version| !version.is_empty())
    {
        Some(version) => version,
        None => git_commit(entry.resolved.as_deref()?)?,
    };
    (!name.is_empty()).then_some((name, version))
}

/// The package name an install path implies: what follows its last `node_modules/`, or for a
/// workspace directory its last component.
fn name_from_path(path: &str) -> &str {
    path.rsplit_once("/node_modules/")
        .map(|(_, name)| name)
        .or_else(|| path.strip_prefix("node_modules/"))
        .unwrap_or_else(|| path.rsplit_once('/').map_or(path, |(_, name)| name))
}

/// The path of the entry Node.js loads for `dependency` required from the package at `from`:
/// `<from>/node_modules/<dependency>`, then the same next to each enclosing package up to the
/// root. A link resolves to its target's path.
fn resolve<'a>(
    packages: &'a BTreeMap<String, Entry>,
    from: &str,
    dependency: &str,
) -> Option<&'a str> {
    let mut base = from;
    loop {
        let candidate = if base.is_empty() {
            format!("node_modules/{dependency}")
        } else {
            format!("{base}/node_modules/{dependency}")
        };
        if let Some((path, entry)) = packages.get_key_value(candidate.as_str()) {
            return if entry.link {
                entry.resolved.as_deref()
            } else {
                Some(path.as_str())
            };
        }
        if base.is_empty() {
            return None;
        }
        // The package directory around `base`; a top-level or workspace package's is the
        // root. Each step shortens `base`, so the walk ends.
        base = base
            .rsplit_once("/node_modules/")
            .map_or("", |(parent, _)| parent);
    }
}

/// Reads version 1.
fn parse_legacy(dependencies: &BTreeMap<String, LegacyEntry>) -> Vec<PackageRecord> {
    let mut records = super::records();
    let mut scopes = vec![dependencies];
    walk_legacy(&mut records, &mut scopes);
    records.into_records()
}

/// Adds the entries of the innermost of `scopes` and, depth first, their nested entries.
/// `scopes` holds the `dependencies` maps from the root to the one being read, which is
/// where a `requires` name is looked up when the entry does not nest it itself.
fn walk_legacy(records: &mut Records, scopes: &mut Vec<&BTreeMap<String, LegacyEntry>>) {
    let Some(current) = scopes.last().copied() else {
        return;
    };
    for (key, entry) in current {
        if let Some((name, version)) = legacy_identity(key, entry) {
            let targets: Vec<String> = entry
                .requires
                .iter()
                .flat_map(|names| &names.0)
                .filter_map(|dependency| {
                    let (key, target) = entry
                        .dependencies
                        .as_ref()
                        .and_then(|nested| nested.get_key_value(dependency))
                        .or_else(|| {
                            scopes
                                .iter()
                                .rev()
                                .find_map(|scope| scope.get_key_value(dependency))
                        })?;
                    let (name, version) = legacy_identity(key, target)?;
                    Some(dependency_key(name, version))
                })
                .collect();
            records.insert(name, version).depends.extend(targets);
        }
        if let Some(nested) = &entry.dependencies {
            scopes.push(nested);
            walk_legacy(records, scopes);
            scopes.pop();
        }
    }
}

/// The name and version of the version 1 entry `key`, if it has an exact version.
fn legacy_identity<'a>(key: &'a str, entry: &'a LegacyEntry) -> Option<(&'a str, &'a str)> {
    let version = entry
        .version
        .as_deref()
        .filter(|version| !version.is_empty())?;
    if let Some(alias) = version.strip_prefix("npm:") {
        return split_at_version(alias);
    }
    if version.starts_with("file:") || version.starts_with("link:") {
        return None;
    }
    if version.contains('#') {
        return git_commit(version).map(|commit| (key, commit));
    }
    Some((key, version))
}

/// The commit a git reference pins: the hexadecimal fragment after its last `#`
/// (`git+ssh://git@github.com/user/repo.git#3b1bb80…`, `github:user/repo#3b1bb80…`).
fn git_commit(reference: &str) -> Option<&str> {
    let (_, fragment) = reference.rsplit_once('#')?;
    let is_commit =
        (7..=64).contains(&fragment.len()) && fragment.bytes().all(|byte| byte.is_ascii_hexdigit());
    is_commit.then_some(fragment)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    fn packages(json: &str) -> Vec<(String, String, Vec<String>)> {
        parse(json.as_bytes())
            .unwrap()
            .into_iter()
            .map(|record| (record.name, record.version, record.depends))
            .collect()
    }

    #[test]
    fn resolves_dependencies_to_the_nearest_copy() {
        let found = packages(
            r#"{"lockfileVersion": 3, "packages": {
                "": {"dependencies": {"a": "*"}},
                "node_modules/a": {"version": "1.0.0", "dependencies": {"b": "*", "c": "*"}},
                "node_modules/a/node_modules/b": {"version": "2.0.0", "dependencies": {"c": "*"}},
                "node_modules/b": {"version": "1.0.0"},
                "node_modules/c": {"version": "3.0.0", "optionalDependencies": {"gone": "*"}},
                "node_modules/w": {"resolved": "packages/w", "link": true},
                "packages/w": {"name": "@org/w", "version": "0.1.0", "dependencies": {"b": "*"}},
                "node_modules/d": {"version": "1.0.0", "peerDependencies": {"w": "*"}}
            }}"#,
        );
        assert_eq!(
            found,
            [
                (
                    "a".into(),
                    "1.0.0".into(),
                    vec!["b@2.0.0".into(), "c@3.0.0".into()]
                ),
                ("b".into(), "2.0.0".into(), vec!["c@3.0.0".into()]),
                ("b".into(), "1.0.0".into(), vec![]),
                ("c".into(), "3.0.0".into(), vec![]),
                ("d".into(), "1.0.0".into(), vec!["@org/w@0.1.0".into()]),
                ("@org/w".into(), "0.1.0".into(), vec!["b@1.0.0".into()]),
            ]
        );
    }

    #[test]
    fn resolves_version_1_requires_outwards() {
        let found = packages(
            r#"{"lockfileVersion": 1, "dependencies": {
                "a": {"version": "1.0.0", "requires": {"b": "^2"},
                      "dependencies": {"b": {"version": "2.0.0", "requires": {"c": "*"}}}},
                "b": {"version": "1.0.0"},
                "c": {"version": "npm:@scope/real@3.0.0"}
            }}"#,
        );
        assert_eq!(
            found,
            [
                ("a".into(), "1.0.0".into(), vec!["b@2.0.0".into()]),
                ("b".into(), "2.0.0".into(), vec!["@scope/real@3.0.0".into()]),
                ("b".into(), "1.0.0".into(), vec![]),
                ("@scope/real".into(), "3.0.0".into(), vec![]),
            ]
        );
    }

    #[test]
    fn records_direct_and_dev_scopes() {
        let records = parse(
            br#"{"lockfileVersion": 3, "packages": {
                "": {"dependencies": {"a": "^1"}, "devDependencies": {"jest": "^29"}},
                "node_modules/a": {"version": "1.0.0", "dependencies": {"b": "^2"}},
                "node_modules/b": {"version": "2.0.0"},
                "node_modules/jest": {"version": "29.0.0", "dev": true},
                "node_modules/jest/node_modules/b": {"version": "2.0.0", "dev": true},
                "node_modules/c": {"version": "3.0.0", "dev": true},
                "node_modules/x/node_modules/a": {"version": "1.0.0"}
            }}"#,
        )
        .unwrap();
        let scopes: Vec<(&str, Option<bool>, bool)> = records
            .iter()
            .map(|record| (record.name.as_str(), record.scope.direct, record.scope.dev))
            .collect();
        // `b` has a production copy and a dev copy: not dev-only. `a` is direct through its
        // top-level copy even though a nested copy is not.
        assert_eq!(
            scopes,
            [
                ("a", Some(true), false),
                ("b", Some(false), false),
                ("c", Some(false), true),
                ("jest", Some(true), true),
            ]
        );
    }

    #[test]
    fn records_licenses() {
        let records =
            parse(br#"{"packages": {"node_modules/a": {"version": "1.0.0", "license": "MIT"}}}"#)
                .unwrap();
        assert_eq!(records[0].licenses, ["MIT"]);
    }

    #[test]
    fn reports_where_the_json_breaks() {
        let error = parse(b"{\n  \"packages\": {\n    \"node_modules/a\": [\n}").unwrap_err();
        assert_eq!(error.position, Position::Line(4));
        assert_eq!(error.format, FORMAT);
        let error = parse(b"{\"packages\": {\"node_modules/a\": {\"version\": 1}}}").unwrap_err();
        assert_eq!(error.position, Position::Line(1));
        assert!(error.reason.contains("invalid type"), "{}", error.reason);
        assert!(parse(b"null").is_err());
        assert!(parse(b"").is_err());
    }

    #[test]
    fn finds_commits_only_in_hex_fragments() {
        assert_eq!(
            git_commit("git+ssh://git@github.com/a/b.git#3b1bb80b302c2e552685dc8a029797ec832ea7c9"),
            Some("3b1bb80b302c2e552685dc8a029797ec832ea7c9")
        );
        assert_eq!(git_commit("github:a/b#main"), None);
        assert_eq!(git_commit("github:a/b#abc"), None);
        assert_eq!(
            git_commit("https://registry.npmjs.org/a/-/a-1.0.0.tgz"),
            None
        );
    }
}
