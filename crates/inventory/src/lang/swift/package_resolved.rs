//! The Swift Package Manager's `Package.resolved`: JSON listing one pin per resolved package.
//!
//! | `version` | where the pins are | a pin's source |
//! |---|---|---|
//! | 1 | `object.pins` | `repositoryURL` |
//! | 2, 3 | `pins` | `location`, with `kind` (`remoteSourceControl`, `localSourceControl`, `registry`) |
//!
//! Each pin's `state` holds `version` for a pin resolved from a version requirement, or only
//! `revision` (and `branch`) for one that follows a branch or a commit.
//!
//! # What is reported
//!
//! - **Name**: the repository URL without its scheme, user, and `.git` suffix
//!   (`https://github.com/apple/swift-nio.git` and `git@github.com:apple/swift-nio.git` are
//!   both `github.com/apple/swift-nio`): the name OSV's `SwiftURL` ecosystem uses, and the
//!   purl's namespace and name. A registry pin has no URL and keeps its identity
//!   (`mona.LinkedList`).
//! - **Version**: `state.version`; for a branch or revision pin, the `revision`, the only exact
//!   identifier there is (as the npm cataloger does for git dependencies). osv-scalibr reports
//!   such pins with an empty version instead.
//! - **Local packages are skipped**: `localSourceControl` pins and version 1 pins whose URL is
//!   a filesystem path are directories on the developer's machine, not published packages.
//!
//! The file has no dependency graph and says nothing about direct or dev-only dependencies.

use custody_model::Ecosystem;
use serde::Deserialize;

use crate::lang::document;
use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "Package.resolved";

/// The fields read from either layout.
#[derive(Deserialize)]
struct Resolved {
    /// Version 1.
    object: Option<Object>,
    /// Versions 2 and 3.
    pins: Option<Vec<Pin>>,
}

/// Version 1's `object`.
#[derive(Deserialize)]
struct Object {
    #[serde(default)]
    pins: Vec<Pin>,
}

/// One pin, in either layout.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Pin {
    /// Versions 2 and 3: the package identity (the URL's last component, or a registry id).
    identity: Option<String>,
    /// Versions 2 and 3.
    kind: Option<String>,
    /// Versions 2 and 3.
    location: Option<String>,
    /// Version 1.
    #[serde(rename = "repositoryURL")]
    repository_url: Option<String>,
    state: Option<State>,
}

/// What a pin resolved to.
#[derive(Deserialize)]
struct State {
    version: Option<String>,
    revision: Option<String>,
}

/// Parses a `Package.resolved`.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let Some(resolved) = document::from_json::<Resolved>(FORMAT, content)? else {
        return Ok(Vec::new());
    };
    let pins = resolved
        .pins
        .into_iter()
        .flatten()
        .chain(resolved.object.into_iter().flat_map(|object| object.pins));
    Ok(pins.filter_map(record).collect())
}

/// The record of one pin, unless it is local or has neither a version nor a revision.
fn record(pin: Pin) -> Option<PackageRecord> {
    let name = match pin.kind.as_deref() {
        Some("localSourceControl") => return None,
        Some("registry") => pin.identity.filter(|identity| !identity.is_empty())?,
        _ => package_name(pin.location.as_deref().or(pin.repository_url.as_deref())?)?,
    };
    let state = pin.state?;
    let version = [state.version, state.revision]
        .into_iter()
        .flatten()
        .find(|version| !version.trim().is_empty())?;
    Some(PackageRecord::new(Ecosystem::Swift, name, version))
}

/// The package name of a repository URL: host and path, without scheme, user, `.git` or a
/// trailing `/`; `None` for a filesystem path or a URL without a path.
fn package_name(url: &str) -> Option<String> {
    let url = url.trim();
    let is_local = url.starts_with(['/', '.', '~']) || url.starts_with("file:");
    if is_local {
        return None;
    }
    let without_scheme = if let Some((_, rest)) = url.split_once("://") {
        rest.to_owned()
    } else {
        // scp-like syntax: `git@github.com:apple/swift-nio.git`.
        let (host, path) = url.split_once(':')?;
        if host.contains('/') {
            return None;
        }
        format!("{host}/{path}")
    };
    let (authority, path) = without_scheme.split_once('/')?;
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let path = path.trim_end_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    (!host.is_empty() && !path.is_empty()).then(|| format!("{host}/{path}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    fn packages(text: &str) -> Vec<(String, String)> {
        parse(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|record| (record.name, record.version))
            .collect()
    }

    #[test]
    fn names_packages_by_url_without_scheme() {
        for (url, name) in [
            (
                "https://github.com/apple/swift-nio.git",
                Some("github.com/apple/swift-nio"),
            ),
            (
                "https://github.com/apple/swift-nio",
                Some("github.com/apple/swift-nio"),
            ),
            (
                "https://github.com/apple/swift-nio/",
                Some("github.com/apple/swift-nio"),
            ),
            (
                "git@github.com:apple/swift-nio.git",
                Some("github.com/apple/swift-nio"),
            ),
            (
                "ssh://git@gitlab.example.com/team/Lib.git",
                Some("gitlab.example.com/team/Lib"),
            ),
            ("/Users/me/dev/lib", None),
            ("../lib", None),
            ("file:///Users/me/dev/lib", None),
            ("https://github.com", None),
            ("github.com", None),
        ] {
            assert_eq!(package_name(url).as_deref(), name, "{url}");
        }
    }

    #[test]
    fn reads_version_one_pins() {
        let found = packages(
            r#"{"object": {"pins": [
                {"package": "swift-nio", "repositoryURL": "https://github.com/apple/swift-nio.git",
                 "state": {"branch": null, "revision": "abc", "version": "2.40.0"}},
                {"package": "Lib", "repositoryURL": "https://github.com/me/Lib.git",
                 "state": {"branch": "main", "revision": "def", "version": null}},
                {"package": "Local", "repositoryURL": "/Users/me/Local",
                 "state": {"branch": "main", "revision": "123", "version": null}}
            ]}, "version": 1}"#,
        );
        assert_eq!(
            found,
            [
                ("github.com/apple/swift-nio".into(), "2.40.0".into()),
                ("github.com/me/Lib".into(), "def".into()),
            ]
        );
    }

    #[test]
    fn reads_version_two_and_three_pins() {
        let found = packages(
            r#"{"originHash": "x", "pins": [
                {"identity": "swift-crypto", "kind": "remoteSourceControl",
                 "location": "https://github.com/apple/swift-crypto.git",
                 "state": {"revision": "8b0f", "version": "3.0.0"}},
                {"identity": "local", "kind": "localSourceControl", "location": "/src/local",
                 "state": {"revision": "9c1d"}},
                {"identity": "mona.linkedlist", "kind": "registry", "location": "",
                 "state": {"version": "1.2.0"}},
                {"identity": "nothing", "kind": "remoteSourceControl",
                 "location": "https://github.com/x/nothing.git", "state": {}}
            ], "version": 3}"#,
        );
        assert_eq!(
            found,
            [
                ("github.com/apple/swift-crypto".into(), "3.0.0".into()),
                ("mona.linkedlist".into(), "1.2.0".into()),
            ]
        );
    }

    #[test]
    fn empty_files_hold_nothing_and_malformed_ones_are_errors() {
        assert!(packages("").is_empty());
        assert!(packages("{\"pins\": [], \"version\": 2}").is_empty());
        let error = parse(b"{\n  \"pins\": [\n    {\"state\": 3}\n  ]\n}").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        let error = parse(b"not\njson\n").unwrap_err();
        assert_eq!(error.position, Position::Line(1));
    }
}
