//! pnpm's `pnpm-lock.yaml`, read through serde-saphyr.
//!
//! `packages` lists each installed package under a key whose shape depends on
//! `lockfileVersion` (<https://github.com/pnpm/spec/tree/master/lockfile>):
//!
//! | version | key | peer-dependency suffix |
//! |---|---|---|
//! | 5.x | `/name/1.0.0`, `/@scope/name/1.0.0`, `registry.example/name/1.0.0` | `_peer@1.0.0+other@2.0.0` |
//! | 6.x | `/name@1.0.0`, `/@scope/name@1.0.0` | `(peer@1.0.0)(other@2.0.0)` |
//! | 9.x | `name@1.0.0`, `@scope/name@1.0.0` (dependencies move to `snapshots`) | `(peer@1.0.0)` |
//!
//! Git, tarball and `file:` packages have keys that encode no version
//! (`github.com/user/repo/<sha>`, `file:../dir`); their entries carry `name` and `version`,
//! which win over the key. A version must start with a digit to count as one (`/foo/bar` has
//! none). A 5.x or 6.x key without any `/` is not a dependency path at all and makes the file
//! a [`ParseError`] at the key's line, as osv-scalibr reports it (`invalid-path.yaml`).
//!
//! A dependency `name: value` resolves to the package whose key, without peer suffix, is
//! built from `name` and `value` (`value` is a version, possibly with a peer suffix, or a
//! whole key for aliases and git packages).

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess};
use serde_saphyr::{MessageFormatter, Spanned};

use super::{dependency_key, split_at_version};
use crate::{PackageRecord, ParseError, Position};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "pnpm-lock.yaml";

/// The fields read from a lockfile.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    lockfile_version: Option<LockfileVersion>,
    packages: Option<Entries<Option<Package>>>,
    /// Version 9: dependencies of each package, per set of peers.
    snapshots: Option<Entries<Option<Package>>>,
}

/// `lockfileVersion`: a number up to 5.4, a string from 6.0.
#[derive(Deserialize)]
#[serde(untagged)]
enum LockfileVersion {
    Number(f64),
    Text(String),
}

/// A `packages` or `snapshots` entry.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Package {
    name: Option<String>,
    version: Option<String>,
    dependencies: Option<BTreeMap<String, String>>,
    optional_dependencies: Option<BTreeMap<String, String>>,
}

/// A mapping in document order, each key with where it was written.
struct Entries<V>(Vec<(Spanned<String>, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<V>(PhantomData<V>);

        impl<'de, V: Deserialize<'de>> de::Visitor<'de> for Visitor<V> {
            type Value = Entries<V>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a mapping")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }

        deserializer.deserialize_map(Visitor(PhantomData))
    }
}

/// How package keys are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyScheme {
    /// 5.x: `/name/version_peers`.
    Slash,
    /// 6.x: `/name@version(peers)`.
    SlashAt,
    /// 9.x: `name@version(peers)`.
    At,
}

impl KeyScheme {
    fn of(version: Option<&LockfileVersion>) -> Self {
        let number = match version {
            Some(LockfileVersion::Number(number)) => *number,
            Some(LockfileVersion::Text(text)) => text.trim().parse().unwrap_or(0.0),
            None => 0.0,
        };
        if number < 6.0 {
            Self::Slash
        } else if number < 9.0 {
            Self::SlashAt
        } else {
            Self::At
        }
    }

    /// `key` without its peer-dependency suffix.
    fn strip_peers(self, key: &str) -> &str {
        let end = match self {
            Self::Slash => {
                let last = key.rfind('/').map_or(0, |slash| slash + 1);
                key.get(last..)
                    .and_then(|version| version.find('_'))
                    .map(|underscore| last + underscore)
            }
            Self::SlashAt | Self::At => key.find('('),
        };
        end.and_then(|end| key.get(..end)).unwrap_or(key)
    }

    /// The key of `name` at `version`.
    fn key(self, name: &str, version: &str) -> String {
        match self {
            Self::Slash => format!("/{name}/{version}"),
            Self::SlashAt => format!("/{name}@{version}"),
            Self::At => format!("{name}@{version}"),
        }
    }

    /// The name and version a package key encodes; `Err` for a key that is not a dependency
    /// path.
    fn parse_key(self, key: &str) -> Result<KeyParts<'_>, ()> {
        let key = self.strip_peers(key);
        if key.starts_with("file:") {
            return Ok(KeyParts::default());
        }
        let split = match self {
            Self::At => split_at_version(key),
            Self::SlashAt => split_at_version(key.split_once('/').ok_or(())?.1),
            Self::Slash => {
                let path = key.split_once('/').ok_or(())?.1;
                // The name is one segment, or two for a scope.
                let scoped = usize::from(path.starts_with('@'));
                path.match_indices('/')
                    .nth(scoped)
                    .and_then(|(slash, _)| Some((path.get(..slash)?, path.get(slash + 1..)?)))
            }
        };
        let Some((name, version)) = split.filter(|(name, _)| !name.is_empty()) else {
            return Ok(KeyParts::default());
        };
        Ok(KeyParts {
            name: Some(name),
            version: version
                .starts_with(|character: char| character.is_ascii_digit())
                .then_some(version),
        })
    }
}

/// What a package key says about its package.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct KeyParts<'a> {
    name: Option<&'a str>,
    /// Only a version proper: one that starts with a digit.
    version: Option<&'a str>,
}

/// Parses a `pnpm-lock.yaml`.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let document: Option<Document> = serde_saphyr::from_slice_with_options(content, options())
        .map_err(|error| yaml_error(&error))?;
    let Some(document) = document else {
        return Ok(Vec::new());
    };
    let scheme = KeyScheme::of(document.lockfile_version.as_ref());
    let entries: Vec<&(Spanned<String>, Option<Package>)> =
        [&document.packages, &document.snapshots]
            .into_iter()
            .flatten()
            .flat_map(|entries| &entries.0)
            .collect();
    let mut records = super::records();
    // Dependency keys by package key without peers; peer variants of one package share a
    // base key and resolve to its first entry.
    let mut keys: HashMap<&str, String> = HashMap::new();
    for (key, package) in &entries {
        if let Some((name, version)) = identity(scheme, key, package.as_ref())? {
            records.insert(name, version);
            keys.entry(scheme.strip_peers(&key.value))
                .or_insert_with(|| dependency_key(name, version));
        }
    }
    for (key, package) in &entries {
        let (Some(package), Some(from)) = (package, keys.get(scheme.strip_peers(&key.value)))
        else {
            continue;
        };
        let targets: Vec<String> = [&package.dependencies, &package.optional_dependencies]
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|(name, value)| resolve(scheme, &keys, name, value))
            .collect();
        if let Some(record) = records.get_mut(from) {
            record.depends.extend(targets);
        }
    }
    Ok(records.into_records())
}

/// The name and version of the package under `key`: the entry's `name` and `version` where it
/// has them, else what the key encodes.
fn identity<'a>(
    scheme: KeyScheme,
    key: &'a Spanned<String>,
    package: Option<&'a Package>,
) -> Result<Option<(&'a str, &'a str)>, ParseError> {
    let from_key = scheme.parse_key(&key.value).map_err(|()| {
        ParseError::new(
            FORMAT,
            Position::Line(key.referenced.line() as usize),
            format!(
                "package key `{}` is not a dependency path",
                key.value.escape_debug()
            ),
        )
    })?;
    let name = package
        .and_then(|package| package.name.as_deref())
        .or(from_key.name)
        .filter(|name| !name.is_empty());
    let version = package
        .and_then(|package| package.version.as_deref())
        .or(from_key.version)
        .filter(|version| !version.is_empty());
    Ok(name.zip(version))
}

/// The dependency key of the package a dependency `name: value` refers to, if the lockfile
/// has it.
fn resolve(
    scheme: KeyScheme,
    keys: &HashMap<&str, String>,
    name: &str,
    value: &str,
) -> Option<String> {
    let candidates = if value.starts_with(|character: char| character.is_ascii_digit()) {
        [Some(scheme.key(name, value)), None]
    } else {
        // A whole key (`/@scope/real@1.0.0`, `github.com/user/repo/<sha>`), or in version 9
        // an alias (`real@1.0.0`) or a URL keyed as `name@<url>`.
        [
            Some(value.to_owned()),
            (scheme == KeyScheme::At).then(|| format!("{name}@{value}")),
        ]
    };
    candidates
        .into_iter()
        .flatten()
        .find_map(|candidate| keys.get(scheme.strip_peers(&candidate)).cloned())
}

/// A [`ParseError`] from a YAML failure, at the line serde-saphyr reports. The message is
/// rendered without its location suffix (the position carries it) and without control
/// characters, which a hostile file could smuggle into a quoted scalar.
fn yaml_error(error: &serde_saphyr::Error) -> ParseError {
    let position = error.location().map_or(Position::File, |location| {
        Position::Line(location.line() as usize)
    });
    let reason: String = serde_saphyr::UserMessageFormatter
        .format_message(error)
        .chars()
        .filter(|character| !character.is_control())
        .collect();
    ParseError::new(FORMAT, position, reason)
}

/// serde-saphyr's options for lockfiles: its default budget (250,000 nodes) is sized for
/// configuration files, and a monorepo's lockfile with 10,000 packages has more. The limits
/// below scale with the 512 MiB file cap instead; alias expansion stays capped by the
/// default alias limits.
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_events: 100_000_000,
            max_nodes: 50_000_000,
            max_total_scalar_bytes: 512 << 20,
        },
        with_snippet: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packages(text: &str) -> Vec<(String, String, Vec<String>)> {
        parse(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|record| (record.name, record.version, record.depends))
            .collect()
    }

    #[test]
    fn reads_keys_of_every_version() {
        for (scheme, key, name, version) in [
            (KeyScheme::Slash, "/foo/1.0.0", Some("foo"), Some("1.0.0")),
            (
                KeyScheme::Slash,
                "/@a/b/1.0.0_c@2.0.0+d@3.0.0",
                Some("@a/b"),
                Some("1.0.0"),
            ),
            (
                KeyScheme::Slash,
                "registry.npmjs.org/foo/1.1.0",
                Some("foo"),
                Some("1.1.0"),
            ),
            (KeyScheme::Slash, "/foo/bar", Some("foo"), None),
            (
                KeyScheme::Slash,
                "github.com/kevva/is-positive",
                Some("kevva"),
                None,
            ),
            (KeyScheme::Slash, "/foo", None, None),
            (KeyScheme::Slash, "file:../x_y", None, None),
            (
                KeyScheme::SlashAt,
                "/@a/b@1.0.0(c@2.0.0)(d@3.0.0)",
                Some("@a/b"),
                Some("1.0.0"),
            ),
            (
                KeyScheme::SlashAt,
                "/foo@18.0.0-rc.3(r@18.2.0)",
                Some("foo"),
                Some("18.0.0-rc.3"),
            ),
            (
                KeyScheme::At,
                "@a/b@1.0.0(c@2.0.0)",
                Some("@a/b"),
                Some("1.0.0"),
            ),
            (
                KeyScheme::At,
                "a@https://codeload.github.com/x/y/tar.gz/abc",
                Some("a"),
                None,
            ),
            (KeyScheme::At, "invalidpath", None, None),
        ] {
            assert_eq!(
                scheme.parse_key(key),
                Ok(KeyParts { name, version }),
                "{key}"
            );
        }
        assert_eq!(KeyScheme::Slash.parse_key("invalidpath"), Err(()));
        assert_eq!(KeyScheme::SlashAt.parse_key("a@1.0.0"), Err(()));
    }

    #[test]
    fn picks_the_scheme_from_the_lockfile_version() {
        let of = |version| KeyScheme::of(Some(&version));
        assert_eq!(of(LockfileVersion::Number(5.4)), KeyScheme::Slash);
        assert_eq!(of(LockfileVersion::Text("6.0".into())), KeyScheme::SlashAt);
        assert_eq!(of(LockfileVersion::Text("9.0".into())), KeyScheme::At);
        assert_eq!(KeyScheme::of(None), KeyScheme::Slash);
    }

    #[test]
    fn resolves_dependencies_through_peer_suffixes_and_aliases() {
        let found = packages(
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {}\n  b@2.0.0: {}\n  c@3.0.0: {}\n\
             snapshots:\n  a@1.0.0(b@2.0.0):\n    dependencies:\n      b: 2.0.0\n      \
             alias: c@3.0.0\n      gone: link:../gone\n  b@2.0.0: {}\n  c@3.0.0: {}\n",
        );
        assert_eq!(
            found,
            [
                (
                    "a".into(),
                    "1.0.0".into(),
                    vec!["b@2.0.0".into(), "c@3.0.0".into()]
                ),
                ("b".into(), "2.0.0".into(), vec![]),
                ("c".into(), "3.0.0".into(), vec![]),
            ]
        );
        let found = packages(
            "lockfileVersion: 5.4\npackages:\n  /a/1.0.0_b@2.0.0:\n    dependencies:\n      \
             b: 2.0.0\n      g: github.com/u/g/abc\n  /b/2.0.0: {}\n  github.com/u/g/abc:\n    \
             name: g\n    version: 0.1.0\n",
        );
        assert_eq!(
            found,
            [
                (
                    "a".into(),
                    "1.0.0".into(),
                    vec!["b@2.0.0".into(), "g@0.1.0".into()]
                ),
                ("b".into(), "2.0.0".into(), vec![]),
                ("g".into(), "0.1.0".into(), vec![]),
            ]
        );
    }

    #[test]
    fn reports_lines_of_bad_keys_and_bad_yaml() {
        let error =
            parse(b"lockfileVersion: 5.3\npackages:\n  /a/1.0.0: {}\n  bad: {}\n").unwrap_err();
        assert_eq!(error.position, Position::Line(4));
        assert_eq!(error.reason, "package key `bad` is not a dependency path");
        let error = parse(b"lockfileVersion: 5.3\npackages:\n  /a/1.0.0: [\n").unwrap_err();
        assert!(matches!(error.position, Position::Line(3 | 4)), "{error}");
        assert!(parse(b"just a string").is_err());
        assert_eq!(parse(b"# only a comment\n").unwrap(), []);
    }
}
