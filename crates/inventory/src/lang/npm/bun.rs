//! Bun's text lockfile, `bun.lock` (Bun 1.2 and later; the binary `bun.lockb` before it is
//! not read).
//!
//! The file is JSON with trailing commas (JSONC), which [`strip_jsonc`] turns into plain JSON
//! for `serde_json` without moving any line, so errors keep their positions. `packages` maps
//! an install path to a tuple whose first element is the resolved `name@reference`:
//!
//! ```text
//! "packages": {
//!   "chalk": ["chalk@4.1.2", "", { "dependencies": { "supports-color": "^7.1.0" } }, "sha512-…"],
//!   "chalk/supports-color": ["supports-color@7.2.0", "", {}, "sha512-…"],
//!   "alias": ["real-name@1.0.0", "", {}, "sha512-…"],
//!   "gh": ["gh@github:owner/repo#527e8ce", { … }, "owner-repo-527e8ce"],
//!   "local": ["local@file:./deps/local", {}],
//!   "ws": ["ws@workspace:packages/ws"],
//! }
//! ```
//!
//! The key is where the package is installed (`chalk/supports-color` is the copy nested under
//! `chalk`), so a dependency `name` of the package at `key` resolves as Node resolves it: to
//! `key/name`, else the same under each ancestor of `key`, else the top-level `name`.
//!
//! # What is reported
//!
//! - Registry packages at their version, named by the tuple (an alias key names the real
//!   package).
//! - Git and GitHub packages at their commit (`#527e8ce`): Bun records no version for them,
//!   and the npm cataloger uses the commit in that case for every format.
//! - Skipped: the project's own directories (`workspace:`, `file:`, `link:`), and tarball
//!   URLs, whose version the lockfile does not record.
//!
//! A tuple whose first element is not a string makes the file a [`ParseError`] at its line:
//! Bun never writes one.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, SeqAccess};

use super::{Keys, dependency_key, json_error, split_at_version};
use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "bun.lock";

/// Reference prefixes of the project's own directories.
const LOCAL_PROTOCOLS: [&str; 4] = ["workspace:", "file:", "link:", "portal:"];

/// The fields read from a lockfile.
#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    packages: HashMap<String, Entry>,
}

/// One `packages` tuple: the resolved `name@reference` and the dependency maps of its
/// metadata object (the first object in the tuple).
struct Entry {
    resolved: String,
    dependencies: Vec<String>,
}

/// The part of a tuple's metadata object that is read.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Metadata {
    #[serde(default)]
    dependencies: Keys,
    #[serde(default)]
    optional_dependencies: Keys,
}

/// A tuple element after the first: the metadata object, or anything else.
#[derive(Deserialize)]
#[serde(untagged)]
enum Element {
    Metadata(Metadata),
    Other(IgnoredAny),
}

impl<'de> Deserialize<'de> for Entry {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Entry;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a package tuple starting with `name@reference`")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Entry, A::Error> {
                let resolved: String = sequence
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let mut dependencies = Vec::new();
                let mut found_metadata = false;
                while let Some(element) = sequence.next_element::<Element>()? {
                    if let (Element::Metadata(metadata), false) = (element, found_metadata) {
                        found_metadata = true;
                        dependencies.extend(metadata.dependencies.0);
                        dependencies.extend(metadata.optional_dependencies.0);
                    }
                }
                Ok(Entry {
                    resolved,
                    dependencies,
                })
            }
        }

        deserializer.deserialize_seq(Visitor)
    }
}

/// Parses a `bun.lock` (the caller has removed any byte order mark). An empty file holds no
/// packages.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    if content.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    let json = strip_jsonc(content);
    let lockfile: Lockfile =
        serde_json::from_slice(&json).map_err(|error| json_error(FORMAT, &error))?;
    let mut keys: Vec<&String> = lockfile.packages.keys().collect();
    keys.sort_unstable();
    let mut records = super::records();
    let mut installed: HashMap<&str, String> = HashMap::new();
    for key in &keys {
        let Some(entry) = lockfile.packages.get(*key) else {
            continue;
        };
        if let Some((name, version)) = identity(&entry.resolved) {
            records.insert(name, version);
            installed.insert(key.as_str(), dependency_key(name, version));
        }
    }
    for key in keys {
        let (Some(entry), Some(from)) = (lockfile.packages.get(key), installed.get(key.as_str()))
        else {
            continue;
        };
        let targets: Vec<String> = entry
            .dependencies
            .iter()
            .filter_map(|name| resolve(&installed, key, name))
            .collect();
        if let Some(record) = records.get_mut(from) {
            record.depends.extend(targets);
        }
    }
    Ok(records.into_records())
}

/// The name and version of a resolved `name@reference`; `None` for the project's own
/// directories, tarball URLs and anything else without a version or commit.
fn identity(resolved: &str) -> Option<(&str, &str)> {
    let (name, reference) = split_at_version(resolved)?;
    if LOCAL_PROTOCOLS
        .iter()
        .any(|protocol| reference.starts_with(protocol))
    {
        return None;
    }
    if reference.starts_with(|character: char| character.is_ascii_digit()) {
        return Some((name, reference));
    }
    let is_git = reference.starts_with("github:")
        || reference.starts_with("git+")
        || reference.starts_with("git:");
    let commit = reference.rsplit_once('#').map(|(_, commit)| commit)?;
    (is_git && !commit.is_empty()).then_some((name, commit))
}

/// The dependency key of the copy of `name` the package installed at `key` sees: the nearest
/// `ancestor/name` entry, from `key` itself up to the top level.
fn resolve(installed: &HashMap<&str, String>, key: &str, name: &str) -> Option<String> {
    let mut base = Some(key);
    while let Some(path) = base {
        let candidate = format!("{path}/{name}");
        if let Some(found) = installed.get(candidate.as_str()) {
            return Some(found.clone());
        }
        base = parent(path);
    }
    installed.get(name).cloned()
}

/// The install path above `path`: without its last package name, which may be scoped
/// (`a/@s/b` → `a`); `None` at the top level.
fn parent(path: &str) -> Option<&str> {
    let (head, _) = path.rsplit_once('/')?;
    match head.rsplit_once('/') {
        Some((above, scope)) if scope.starts_with('@') => Some(above),
        None if head.starts_with('@') => None,
        _ => Some(head),
    }
}

/// `content` as plain JSON: `//` and `/* */` comments and trailing commas outside strings
/// become spaces, so every byte keeps its line and column.
fn strip_jsonc(content: &[u8]) -> Vec<u8> {
    let mut output = content.to_vec();
    let mut index = 0;
    // The last comma seen outside a string with only blanks and comments after it.
    let mut pending_comma: Option<usize> = None;
    while let Some(&byte) = content.get(index) {
        match byte {
            b'"' => {
                pending_comma = None;
                index += 1;
                while let Some(&inner) = content.get(index) {
                    index += if inner == b'\\' { 2 } else { 1 };
                    if inner == b'"' {
                        break;
                    }
                }
                continue;
            }
            b'/' if content.get(index + 1) == Some(&b'/') => {
                let end = memchr::memchr(b'\n', content.get(index..).unwrap_or_default())
                    .map_or(content.len(), |newline| index + newline);
                blank(&mut output, index, end);
                index = end;
                continue;
            }
            b'/' if content.get(index + 1) == Some(&b'*') => {
                let end = memchr::memmem::find(content.get(index + 2..).unwrap_or_default(), b"*/")
                    .map_or(content.len(), |close| index + 2 + close + 2);
                blank(&mut output, index, end);
                index = end;
                continue;
            }
            b',' => pending_comma = Some(index),
            b'}' | b']' => {
                if let Some(comma) = pending_comma.take()
                    && let Some(slot) = output.get_mut(comma)
                {
                    *slot = b' ';
                }
            }
            byte if byte.is_ascii_whitespace() => {}
            _ => pending_comma = None,
        }
        index += 1;
    }
    output
}

/// Replaces `output[start..end]` with spaces, keeping newlines.
fn blank(output: &mut [u8], start: usize, end: usize) {
    for byte in output.get_mut(start..end).into_iter().flatten() {
        if *byte != b'\n' {
            *byte = b' ';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    fn packages(text: &str) -> Vec<(String, String, Vec<String>)> {
        parse(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|record| (record.name, record.version, record.depends))
            .collect()
    }

    #[test]
    fn strips_comments_and_trailing_commas_only_outside_strings() {
        let text = "{\n  \"a,]\": [1, 2,], // note, ]\n  /* x,\n } */ \"b\": {\"c\": \"//\",},\n}";
        let stripped = String::from_utf8(strip_jsonc(text.as_bytes())).unwrap();
        assert_eq!(stripped.len(), text.len());
        assert_eq!(stripped.lines().count(), text.lines().count());
        let value: serde_json::Value = serde_json::from_str(&stripped).unwrap();
        assert_eq!(value, serde_json::json!({"a,]": [1, 2], "b": {"c": "//"}}));
    }

    #[test]
    fn resolves_dependencies_to_the_nearest_copy() {
        let found = packages(
            r#"{
              "lockfileVersion": 1,
              "workspaces": {"": {"dependencies": {"chalk": "^4", "alias": "npm:real@^1"}}},
              "packages": {
                "chalk": ["chalk@4.1.2", "", {"dependencies": {"supports-color": "^7", "gone": "1"}}, "sha"],
                "chalk/supports-color": ["supports-color@7.2.0", "", {"dependencies": {"has-flag": "^4"}}, "sha"],
                "supports-color": ["supports-color@5.5.0", "", {"optionalDependencies": {"has-flag": "^3"}}, "sha"],
                "has-flag": ["has-flag@3.0.0", "", {}, "sha"],
                "chalk/has-flag": ["has-flag@4.0.0", "", {}, "sha"],
                "alias": ["real@1.0.0", "", {"peerDependencies": {"chalk": "*"}}, "sha"],
                "@s/a": ["@s/a@1.0.0", "", {"dependencies": {"@s/b": "1"}}, "sha"],
                "@s/a/@s/b": ["@s/b@1.0.0", "", {}, "sha"],
              },
            }"#,
        );
        let expected: Vec<(String, String, Vec<String>)> = [
            ("@s/a", "1.0.0", vec!["@s/b@1.0.0"]),
            ("@s/b", "1.0.0", vec![]),
            ("real", "1.0.0", vec![]),
            ("chalk", "4.1.2", vec!["supports-color@7.2.0"]),
            ("has-flag", "4.0.0", vec![]),
            ("supports-color", "7.2.0", vec!["has-flag@4.0.0"]),
            ("has-flag", "3.0.0", vec![]),
            ("supports-color", "5.5.0", vec!["has-flag@3.0.0"]),
        ]
        .into_iter()
        .map(|(name, version, depends)| {
            (
                name.to_owned(),
                version.to_owned(),
                depends.into_iter().map(str::to_owned).collect(),
            )
        })
        .collect();
        assert_eq!(found, expected);
    }

    #[test]
    fn reads_git_packages_at_their_commit_and_skips_local_ones() {
        let found = packages(
            r#"{"packages": {
              "a": ["a@github:o/a#527e8ce", {"dependencies": {"b": "1"}}, "o-a-527e8ce"],
              "b": ["b@git+ssh://gitlab:o/b#1ae6dc12", {}, "1ae6dc12"],
              "c": ["c@file:deps/c", {}],
              "d": ["d@workspace:packages/d"],
              "e": ["e@https://example.com/e-1.0.0.tgz", {}],
              "f": ["f@github:o/f", {}, "o-f"],
            }}"#,
        );
        assert_eq!(
            found,
            [
                ("a".into(), "527e8ce".into(), vec!["b@1ae6dc12".into()]),
                ("b".into(), "1ae6dc12".into(), vec![]),
            ]
        );
    }

    #[test]
    fn finds_parents_of_scoped_paths() {
        assert_eq!(parent("a"), None);
        assert_eq!(parent("@s/a"), None);
        assert_eq!(parent("a/b"), Some("a"));
        assert_eq!(parent("a/@s/b"), Some("a"));
        assert_eq!(parent("@s/a/@t/b"), Some("@s/a"));
        assert_eq!(parent("@s/a/b"), Some("@s/a"));
    }

    #[test]
    fn malformed_files_are_errors_at_their_line() {
        assert!(packages(" \n").is_empty());
        assert!(packages("{}").is_empty());
        let error = parse(b"{\n\"packages\": {\n\"x\": [123, \"\"],\n}}").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        let error = parse(b"this is not json!").unwrap_err();
        assert_eq!(error.position, Position::Line(1));
    }
}
