//! Dart and Flutter packages ([`Ecosystem::Pub`]) from pub's `pubspec.lock`, read through
//! serde-saphyr.
//!
//! ```yaml
//! packages:
//!   http:
//!     dependency: "direct main"   # or "direct dev", "direct overridden", transitive
//!     description: {name: http, url: "https://pub.dev", sha256: …}
//!     source: hosted              # or git, path, sdk
//!     version: "1.2.0"
//! ```
//!
//! # What is reported
//!
//! - **Hosted and git packages**, named by their `packages` key at `version`. A git package's
//!   `version` is the one its own `pubspec.yaml` declares at the locked `resolved-ref`, which is
//!   what advisories are written against, so it is kept (as osv-scalibr does).
//! - **Scope as the file states it**: `direct …` is a direct dependency and `transitive` is
//!   not; `direct dev` is development-only. pub does not mark the transitive dependencies of
//!   dev dependencies, so those are not flagged as dev.
//! - **SDK packages are skipped** (`source: sdk`: `flutter`, `flutter_test`, `sky_engine`, …).
//!   They ship inside the Flutter or Dart SDK, are not published on pub.dev, and the lockfile
//!   gives them the placeholder version `0.0.0` rather than a real one. osv-scalibr reports
//!   them at `0.0.0`; Trivy substitutes the SDK constraint's lower bound. Neither is the version
//!   installed, and custody does not guess.
//! - **Path packages are skipped** (`source: path`): they are directories of the project
//!   itself (a monorepo's sibling package), like npm's links; their own dependencies are in the
//!   same lockfile, and their `pubspec.lock`, if any, is cataloged on its own.
//!
//! `pubspec.lock` has no dependency graph, so `depends` stays empty. A lockfile under a
//! `.pub-cache` directory belongs to a downloaded dependency and is not read.

use std::collections::BTreeMap;

use custody_model::{Ecosystem, Scope};
use serde::Deserialize;

use super::document;
use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "pubspec.lock";

/// A Dart file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// pub's `pubspec.lock`.
    PubspecLock,
}

/// What `directory`/`name` is, if it is a Dart lockfile of this project. Compares the file
/// name first: it runs for every file of a target.
pub(crate) fn route(directory: &str, name: &str) -> Option<File> {
    if name != "pubspec.lock" {
        return None;
    }
    let in_cache = directory
        .split('/')
        .any(|component| component == ".pub-cache");
    (!in_cache).then_some(File::PubspecLock)
}

/// The fields read from a lockfile.
#[derive(Deserialize)]
struct Lockfile {
    packages: Option<BTreeMap<String, Package>>,
}

/// One `packages` entry.
#[derive(Deserialize)]
struct Package {
    dependency: Option<String>,
    source: Option<String>,
    version: Option<String>,
}

/// Parses a routed file.
pub(crate) fn parse(
    file: File,
    _path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    let File::PubspecLock = file;
    let Some(lockfile) = document::from_yaml::<Lockfile>(FORMAT, content)? else {
        return Ok(Vec::new());
    };
    Ok(lockfile
        .packages
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(name, package)| record(name, package))
        .collect())
}

/// The record of one entry, unless it has no version or comes from the SDK or a path.
fn record(name: String, package: Package) -> Option<PackageRecord> {
    if matches!(package.source.as_deref(), Some("sdk" | "path")) {
        return None;
    }
    let version = package
        .version
        .filter(|version| !version.trim().is_empty())?;
    if name.trim().is_empty() {
        return None;
    }
    let mut record = PackageRecord::new(Ecosystem::Pub, name, version);
    if let Some(dependency) = package.dependency {
        let mut words = dependency.split_whitespace();
        let direct = words.next() == Some("direct");
        record.scope = Scope {
            direct: Some(direct),
            dev: direct && words.next() == Some("dev"),
        };
    }
    Some(record)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    fn records(text: &str) -> Vec<PackageRecord> {
        parse(File::PubspecLock, "pubspec.lock", text.as_bytes()).unwrap()
    }

    #[test]
    fn routes_pubspec_lock_outside_the_pub_cache() {
        assert_eq!(route("", "pubspec.lock"), Some(File::PubspecLock));
        assert_eq!(route("app/mobile", "pubspec.lock"), Some(File::PubspecLock));
        assert_eq!(
            route("root/.pub-cache/hosted/pub.dev/http-1.2.0", "pubspec.lock"),
            None
        );
        for name in ["pubspec.yaml", "pubspec.lock.bak", "Pubspec.lock"] {
            assert_eq!(route("", name), None, "{name}");
        }
    }

    #[test]
    fn reads_scope_as_the_file_states_it() {
        let found = records(
            "packages:\n  a:\n    dependency: \"direct main\"\n    source: hosted\n    \
             version: \"1.0.0\"\n  b:\n    dependency: \"direct dev\"\n    source: git\n    \
             version: \"2.0.0\"\n  c:\n    dependency: transitive\n    version: \"3.0.0\"\n  \
             d:\n    version: 4.0\n",
        );
        let scopes: Vec<(&str, &str, Scope)> = found
            .iter()
            .map(|record| (record.name.as_str(), record.version.as_str(), record.scope))
            .collect();
        let scope = |direct, dev| Scope {
            direct: Some(direct),
            dev,
        };
        assert_eq!(
            scopes,
            [
                ("a", "1.0.0", scope(true, false)),
                ("b", "2.0.0", scope(true, true)),
                ("c", "3.0.0", scope(false, false)),
                ("d", "4.0", Scope::default()),
            ]
        );
    }

    #[test]
    fn skips_sdk_path_and_versionless_packages() {
        let found = records(
            "packages:\n  flutter:\n    dependency: \"direct main\"\n    description: flutter\n    \
             source: sdk\n    version: \"0.0.0\"\n  local:\n    description:\n      path: \"..\"\n    \
             source: path\n    version: \"0.0.1\"\n  nothing:\n    source: hosted\n",
        );
        assert!(found.is_empty(), "{found:?}");
        assert!(records("packages: {}\n").is_empty());
        assert!(records("sdks:\n  dart: \">=3.0.0\"\n").is_empty());
        assert!(records("").is_empty());
    }

    #[test]
    fn malformed_files_are_errors_at_their_line() {
        let error = parse(File::PubspecLock, "", b"this is not valid yaml!\n").unwrap_err();
        assert_eq!(error.position, Position::Line(1));
        let error =
            parse(File::PubspecLock, "", b"packages:\n  a:\n    version: [1\n").unwrap_err();
        assert!(matches!(error.position, Position::Line(3 | 4)), "{error}");
    }
}
