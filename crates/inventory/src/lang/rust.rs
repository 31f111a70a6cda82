//! Rust crates ([`Ecosystem::Cargo`]) from `Cargo.lock`, every lockfile version Cargo has
//! written (1 to 4).
//!
//! A lockfile is a TOML array of `[[package]]` tables with `name`, `version`, `source` and
//! `dependencies`. The versions differ only in details this module does not depend on: v1
//! keeps checksums in `[metadata]` and may have a `[root]` table for the root package; v2 moved
//! checksums into the packages and abbreviated dependencies; v3 (`version = 3`) changed how
//! git branches are written; v4 (`version = 4`) percent-encodes source URLs. Unknown keys
//! (`checksum`, `[metadata]`, `[[patch.unused]]`) are ignored.
//!
//! # What is reported
//!
//! - **Every package with a `source`**: crates.io (`registry+…crates.io-index`,
//!   `sparse+https://index.crates.io/`), other registries (usually mirrors of crates.io) and
//!   git checkouts, at the version the lockfile pins, as Syft, osv-scalibr and osv-scanner do.
//!   A git dependency's version is the one its `Cargo.toml` declares, which is the crate's
//!   crates.io release line in the common case of a fork or unreleased fix.
//! - **Not the project's own crates.** A package without a `source` (or with a `path+`
//!   source) is a workspace member or a path dependency: code in the tree being scanned, not a
//!   crate from a registry. Reporting it as `pkg:cargo/<name>` would match the advisories of
//!   whatever unrelated crate owns that name on crates.io (a member named `time` at `0.1.0`
//!   would inherit RUSTSEC-2020-0071). Syft, osv-scalibr and osv-scanner report them; custody
//!   does not.
//! - **Not replaced packages**: an entry with a `replace` key (Cargo's deprecated
//!   `[replace]`) is not built; its replacement is listed as its own entry and reported.
//! - **One record per name and version**: the same crate from two sources (crates.io and a
//!   git fork at the same version) has one purl, so it is one record.
//!
//! # Dependency edges and direct dependencies
//!
//! Each record provides `name@version` and depends on the `name@version` of each entry of its
//! `dependencies` that is another record. An entry is `name` when only one version of the
//! crate is locked, `name version` when several are, and `name version (source)` when several
//! sources lock the same version (v1 always writes all three); dependencies naming a crate
//! the file does not list have no edge.
//!
//! A crate that one of the project's own crates depends on is direct
//! ([`Scope::direct`](custody_model::Scope) `Some(true)`), every other one transitive
//! (`Some(false)`). A lockfile listing none of the project's own crates (a hand-written or
//! trimmed one) says nothing about directness, so the scope stays unknown. Cargo.lock does not
//! separate dev-dependencies from the others, so none is marked dev.
//!
//! # Why not the `cargo-lock` crate
//!
//! ARCHITECTURE.md names `cargo-lock`; version 11.1 was evaluated and is not used, because:
//!
//! - it rejects whole lockfiles that osv-scalibr, osv-scanner and Syft read: a v2+ dependency
//!   naming a crate the file does not list (`dependencies = ["gimli"]` in three conformance
//!   fixtures) is "couldn't resolve dependency", as is one odd version or source URL;
//! - it resolves each abbreviated dependency by scanning every package, quadratic in the size
//!   of the file, which a hostile lockfile of a few megabytes turns into minutes;
//! - its errors are strings, so the line of a syntax error is lost.
//!
//! The format is small, so this module reads it with `toml`, already in the workspace.

use std::collections::{HashMap, HashSet};

use custody_model::Ecosystem;
use serde::Deserialize;

use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "Cargo.lock";

/// A Rust file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// `Cargo.lock`, lockfile versions 1 to 4.
    CargoLock,
}

/// What `directory`/`name` is, if it is a Rust file: a `Cargo.lock` anywhere except inside
/// a copy of a dependency. Compares the file name first: it runs for every file of a target.
pub(crate) fn route(directory: &str, name: &str) -> Option<File> {
    (name == "Cargo.lock" && !is_dependency_copy(directory)).then_some(File::CargoLock)
}

/// Whether `directory` holds a copy of a crate the project depends on: Cargo's registry
/// and git caches (`…/registry/src/<index>/<crate>-<version>`, `…/git/checkouts/…`, left in
/// many Rust build images) or a `cargo vendor` directory (`…/vendor/<crate>`). Binary crates
/// publish their `Cargo.lock`, which locks *their* development dependencies, not what the
/// project builds, as npm's cataloger ignores lockfiles inside `node_modules`.
fn is_dependency_copy(directory: &str) -> bool {
    let mut previous = "";
    directory.split('/').any(|component| {
        let copy = component == "vendor"
            || (previous == "registry" && component == "src")
            || (previous == "git" && component == "checkouts");
        previous = component;
        copy
    })
}

/// Parses a routed file. `_path` is unused: a lockfile names its packages itself.
pub(crate) fn parse(
    file: File,
    _path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    match file {
        File::CargoLock => parse_cargo_lock(content),
    }
}

#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    package: Vec<Package>,
    /// The root package of lockfiles from before Cargo 0.20 (2017).
    root: Option<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    version: String,
    source: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
    replace: Option<String>,
}

impl Package {
    /// Whether the package is the project's own code: a workspace member or path dependency.
    fn is_local(&self) -> bool {
        self.source
            .as_deref()
            .is_none_or(|source| source.starts_with("path+"))
    }
}

/// Parses a `Cargo.lock` into one record per locked crate that is not the project's own. A
/// UTF-8 byte order mark, which some editors add, is ignored.
fn parse_cargo_lock(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    let lockfile: Lockfile = super::document::from_toml(FORMAT, content)?;
    let packages: Vec<&Package> = lockfile
        .root
        .iter()
        .chain(&lockfile.package)
        .filter(|package| !package.name.is_empty() && !package.version.is_empty())
        .collect();
    let mut versions: HashMap<&str, HashSet<&str>> = HashMap::new();
    for package in &packages {
        versions
            .entry(package.name.as_str())
            .or_default()
            .insert(&package.version);
    }
    let resolve = |dependency: &str| dependency_key(dependency, &versions);

    let has_local = packages.iter().any(|package| package.is_local());
    let direct: HashSet<String> = packages
        .iter()
        .filter(|package| package.is_local())
        .flat_map(|package| {
            package
                .dependencies
                .iter()
                .filter_map(|entry| resolve(entry))
        })
        .collect();

    let mut records: Vec<PackageRecord> = Vec::new();
    let mut by_key: HashMap<String, usize> = HashMap::new();
    for package in packages
        .iter()
        .filter(|package| !package.is_local() && package.replace.is_none())
    {
        let key = key(&package.name, &package.version);
        let index = *by_key.entry(key.clone()).or_insert_with(|| {
            let mut record = PackageRecord::new(Ecosystem::Cargo, &package.name, &package.version);
            if has_local {
                record.scope.direct = Some(direct.contains(&key));
            }
            record.provides.push(key);
            records.push(record);
            records.len() - 1
        });
        let record = records
            .get_mut(index)
            .expect("every index in `by_key` points into `records`");
        record.depends.extend(
            package
                .dependencies
                .iter()
                .filter_map(|entry| resolve(entry)),
        );
    }
    for record in &mut records {
        // Only edges to recorded crates: not to the project's own or to replaced packages.
        record.depends.retain(|key| by_key.contains_key(key));
        record.depends.sort_unstable();
        record.depends.dedup();
    }
    Ok(records)
}

/// How a record is named as a dependency target: `name@version`, listed in
/// [`PackageRecord::provides`] and in its dependants' [`PackageRecord::depends`].
fn key(name: &str, version: &str) -> String {
    format!("{name}@{version}")
}

/// The [`key`] of the locked crate a `dependencies` entry (`name`, `name version` or
/// `name version (source)`) names, given every locked version of each crate name; `None` when
/// the lockfile does not list it or a bare name is ambiguous.
fn dependency_key(entry: &str, versions: &HashMap<&str, HashSet<&str>>) -> Option<String> {
    let mut fields = entry.split_whitespace();
    let name = fields.next()?;
    let locked = versions.get(name)?;
    let version = match fields.next() {
        Some(version) => locked.get(version)?,
        None if locked.len() == 1 => locked.iter().next()?,
        None => return None,
    };
    Some(key(name, version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    /// (name, version, direct, depends) of each record.
    fn summary(content: &str) -> Vec<(String, String, Option<bool>, Vec<String>)> {
        parse_cargo_lock(content.as_bytes())
            .unwrap()
            .into_iter()
            .map(|record| {
                assert_eq!(record.provides, [key(&record.name, &record.version)]);
                assert!(!record.scope.dev);
                (
                    record.name,
                    record.version,
                    record.scope.direct,
                    record.depends,
                )
            })
            .collect()
    }

    fn row(
        name: &str,
        version: &str,
        direct: Option<bool>,
        depends: &[&str],
    ) -> (String, String, Option<bool>, Vec<String>) {
        (
            name.into(),
            version.into(),
            direct,
            depends.iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn routes_cargo_lock_outside_dependency_copies() {
        for directory in ["", "a/b", "src/registry", "home/git/app"] {
            assert_eq!(
                route(directory, "Cargo.lock"),
                Some(File::CargoLock),
                "{directory}"
            );
        }
        for directory in [
            "usr/local/cargo/registry/src/index.crates.io-6f17d22bba15001f/ripgrep-14.1.0",
            "root/.cargo/git/checkouts/tokio-377c595163f99a10/0123456",
            "app/vendor/ripgrep",
        ] {
            assert_eq!(route(directory, "Cargo.lock"), None, "{directory}");
        }
        for name in ["cargo.lock", "Cargo.lock.bak", "Cargo.toml", "x.Cargo.lock"] {
            assert_eq!(route("a", name), None, "{name}");
        }
    }

    /// Version 1: full `name version (source)` dependencies, checksums in `[metadata]`, and a
    /// `[root]` table for the project.
    #[test]
    fn reads_version_1() {
        let lockfile = r#"
[root]
name = "app"
version = "0.1.0"
dependencies = [
 "log 0.4.8 (registry+https://github.com/rust-lang/crates.io-index)",
]

[[package]]
name = "cfg-if"
version = "0.1.10"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "log"
version = "0.4.8"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "cfg-if 0.1.10 (registry+https://github.com/rust-lang/crates.io-index)",
]

[metadata]
"checksum cfg-if 0.1.10 (registry+https://github.com/rust-lang/crates.io-index)" = "4785bdd1c96b2a846b2bd7cc02e86b6b3dbf14e7e53446c4f54c92a361040822"
"#;
        assert_eq!(
            summary(lockfile),
            [
                row("cfg-if", "0.1.10", Some(false), &[]),
                row("log", "0.4.8", Some(true), &["cfg-if@0.1.10"]),
            ]
        );
    }

    /// Versions 2 to 4: abbreviated dependencies, a workspace of two members (one a path
    /// dependency of the other), two versions of one crate, a git source and a percent-encoded
    /// v4 source URL.
    #[test]
    fn reads_versions_2_to_4() {
        let body = r#"
[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "helper",
 "rand 0.8.5",
 "serde",
]

[[package]]
name = "helper"
version = "0.1.0"
dependencies = [
 "rand 0.7.3",
]

[[package]]
name = "rand"
version = "0.7.3"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "6a6b1679d49b24bbfe0c803429aa1874472f50d9b363131f0e89fc356b544d03"

[[package]]
name = "rand"
version = "0.8.5"
source = "sparse+https://index.crates.io/"
dependencies = [
 "libc",
]

[[package]]
name = "libc"
version = "0.2.150"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "serde"
version = "1.0.190"
source = "git+https://github.com/serde-rs/serde?branch=feat%2Fx#4a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
"#;
        let expected = [
            row("rand", "0.7.3", Some(true), &[]),
            row("rand", "0.8.5", Some(true), &["libc@0.2.150"]),
            row("libc", "0.2.150", Some(false), &[]),
            row("serde", "1.0.190", Some(true), &[]),
        ];
        for header in ["", "version = 3\n", "version = 4\n"] {
            assert_eq!(summary(&format!("{header}{body}")), expected, "{header}");
        }
    }

    #[test]
    fn without_the_project_directness_is_unknown() {
        assert_eq!(
            summary(
                r#"
[[package]]
name = "addr2line"
version = "0.15.2"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["gimli"]
"#
            ),
            [row("addr2line", "0.15.2", None, &[])]
        );
    }

    #[test]
    fn merges_one_version_from_two_sources_and_skips_replaced_packages() {
        let lockfile = r#"
[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "foo 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)",
 "foo 1.0.0 (git+https://example.com/foo#0123456789abcdef0123456789abcdef01234567)",
]

[[package]]
name = "foo"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["bar"]

[[package]]
name = "foo"
version = "1.0.0"
source = "git+https://example.com/foo#0123456789abcdef0123456789abcdef01234567"
dependencies = ["baz"]

[[package]]
name = "bar"
version = "0.1.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
replace = "bar 0.1.0 (git+https://example.com/bar#1111111111111111111111111111111111111111)"

[[package]]
name = "bar"
version = "0.1.0"
source = "git+https://example.com/bar#1111111111111111111111111111111111111111"

[[package]]
name = "baz"
version = "0.2.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
"#;
        assert_eq!(
            summary(lockfile),
            [
                row("foo", "1.0.0", Some(true), &["bar@0.1.0", "baz@0.2.0"]),
                row("bar", "0.1.0", Some(false), &[]),
                row("baz", "0.2.0", Some(false), &[]),
            ]
        );
    }

    /// A registry crate depending on a project crate (as a patched dependency can) has no
    /// edge to it: the project's crates are not records.
    #[test]
    fn edges_only_reach_recorded_crates() {
        let lockfile = r#"
[[package]]
name = "app"
version = "0.1.0"
dependencies = ["patched"]

[[package]]
name = "patched"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = ["app"]
"#;
        assert_eq!(
            summary(lockfile),
            [row("patched", "1.0.0", Some(true), &[])]
        );
    }

    #[test]
    fn ambiguous_or_unknown_dependencies_have_no_edge() {
        let versions = HashMap::from([
            ("a", HashSet::from(["1.0.0", "2.0.0"])),
            ("b", HashSet::from(["0.1.0"])),
        ]);
        assert_eq!(dependency_key("a", &versions), None);
        assert_eq!(dependency_key("a 2.0.0", &versions).unwrap(), "a@2.0.0");
        assert_eq!(dependency_key("a 3.0.0", &versions), None);
        assert_eq!(dependency_key("b", &versions).unwrap(), "b@0.1.0");
        assert_eq!(dependency_key("c", &versions), None);
        assert_eq!(dependency_key("", &versions), None);
    }

    #[test]
    fn malformed_lockfiles_are_errors_at_their_line() {
        for (content, line, reason) in [
            (
                &b"version = 3\n\n[[package]]\nname = \"a\"\n"[..],
                3,
                "missing field `version`",
            ),
            (
                b"[[package]]\nname = \"a\"\nversion = \"1\"\ndependencies = [1]\n",
                4,
                "invalid type: integer `1`, expected a string",
            ),
            (b"[[package]]\nname = \"a\n", 2, ""),
            (b"version = 3\n\xff\n", 2, "not UTF-8"),
        ] {
            let error = parse_cargo_lock(content).unwrap_err();
            assert_eq!(error.format, FORMAT);
            assert_eq!(error.position, Position::Line(line), "{error}");
            assert!(error.reason.contains(reason), "{error}");
        }
    }
}
