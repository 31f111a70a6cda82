//! Yarn's `yarn.lock`, classic (v1) and Berry (v2 and later, `__metadata` first).
//!
//! Both are indentation-structured text that one line reader handles: an unindented header
//! lists the entry's specifiers (`"a@^1.0.0", a@^1.1.0:` in v1; one quoted string
//! `"a@npm:^1.0.0, a@npm:^1.1.0":` in Berry), two-space fields follow (`version "1.2.0"` in
//! v1, `version: 1.2.0` in Berry), and four-space lines list the members of a block such as
//! `dependencies`. Deeper lines (`dependenciesMeta` options) are not needed. v1 is not YAML,
//! so no YAML parser reads both; Berry is a YAML subset that this reader covers.
//!
//! The package name comes from Berry's `resolution` (`"@babel/core@npm:7.0.0"`), or in v1 from
//! the first specifier, through an `npm:` alias when there is one
//! (`string-width-cjs@npm:string-width@^4.2.0` is `string-width`). Entries resolved through
//! `workspace:` (the project and its workspaces, version `0.0.0-use.local`), `link:` and
//! `portal:` are the project's own directories and are skipped. A Berry `patch:` entry is the
//! patched package at its real version and merges with the unpatched entry.
//!
//! A dependency `name range` resolves to the entry listing the specifier `name@range` (Berry
//! writes ranges without their default `npm:` protocol, so `name@npm:range` is tried too).

use std::collections::HashMap;

use super::{dependency_key, split_at_version};
use crate::{PackageRecord, ParseError, Position};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "yarn.lock";

/// Blocks whose members are dependencies that are installed with the package. Peer
/// dependencies resolve to the dependant's own dependencies instead.
const DEPENDENCY_BLOCKS: [&str; 2] = ["dependencies", "optionalDependencies"];

/// Reference protocols of the project's own directories.
const LOCAL_PROTOCOLS: [&str; 3] = ["workspace:", "link:", "portal:"];

/// One entry as written.
#[derive(Debug, Default)]
struct Entry {
    /// The specifiers of the header, unquoted.
    specifiers: Vec<String>,
    version: Option<String>,
    /// Berry's resolved locator, `name@protocol:reference`.
    resolution: Option<String>,
    /// Members of the dependency blocks: name and range.
    dependencies: Vec<(String, String)>,
}

/// Parses a `yarn.lock`.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let text = std::str::from_utf8(content).map_err(|error| {
        let line = memchr::memchr_iter(
            b'\n',
            content.get(..error.valid_up_to()).unwrap_or_default(),
        )
        .count()
            + 1;
        ParseError::new(FORMAT, Position::Line(line), "text is not UTF-8")
    })?;
    Ok(build(&read_entries(text)?))
}

/// What a two-space field opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A dependency block, whose members are read.
    Dependencies,
    /// Anything else, whose members are skipped.
    Other,
}

/// Reads the entries of the file.
fn read_entries(text: &str) -> Result<Vec<Entry>, ParseError> {
    let mut entries = Vec::new();
    let mut current: Option<Entry> = None;
    let mut block = Block::Other;
    for (index, line) in text.lines().enumerate() {
        let content = line.trim_start_matches(' ');
        if content.trim().is_empty() || content.starts_with('#') {
            continue;
        }
        let error = |reason: &str| ParseError::new(FORMAT, Position::Line(index + 1), reason);
        match line.len() - content.len() {
            0 => {
                let header = content
                    .trim_end()
                    .strip_suffix(':')
                    .ok_or_else(|| error("entry header does not end with `:`"))?;
                entries.extend(current.take());
                current = Some(Entry {
                    specifiers: specifiers(header).map_err(error)?,
                    ..Entry::default()
                });
                block = Block::Other;
            }
            2 => {
                let entry = current
                    .as_mut()
                    .ok_or_else(|| error("field outside an entry"))?;
                let (key, value) = field(content).map_err(error)?;
                block = Block::Other;
                match (key.as_str(), value) {
                    (key, None) if DEPENDENCY_BLOCKS.contains(&key) => {
                        block = Block::Dependencies;
                    }
                    ("version", Some(value)) => entry.version = Some(value),
                    ("resolution", Some(value)) => entry.resolution = Some(value),
                    _ => {}
                }
            }
            4 => {
                if block == Block::Dependencies
                    && let Some(entry) = current.as_mut()
                {
                    let (name, range) = field(content).map_err(error)?;
                    let range = range.ok_or_else(|| error("dependency without a range"))?;
                    entry.dependencies.push((name, range));
                }
            }
            indent if indent > 4 => {}
            _ => return Err(error("indentation is not 0, 2 or 4 spaces")),
        }
    }
    entries.extend(current);
    Ok(entries)
}

/// Turns entries into records and resolves their dependencies.
fn build(entries: &[Entry]) -> Vec<PackageRecord> {
    let mut records = super::records();
    let mut by_specifier: HashMap<&str, String> = HashMap::new();
    let mut installed: Vec<(String, &Entry)> = Vec::new();
    for entry in entries {
        let Some((name, version)) = identity(entry) else {
            continue;
        };
        records.insert(name, version);
        let key = dependency_key(name, version);
        for specifier in &entry.specifiers {
            by_specifier.insert(specifier, key.clone());
        }
        installed.push((key, entry));
    }
    for (key, entry) in installed {
        let targets: Vec<String> = entry
            .dependencies
            .iter()
            .filter_map(|(name, range)| {
                by_specifier
                    .get(format!("{name}@{range}").as_str())
                    .or_else(|| {
                        let default_protocol = !range.contains(':');
                        default_protocol
                            .then(|| by_specifier.get(format!("{name}@npm:{range}").as_str()))
                            .flatten()
                    })
                    .cloned()
            })
            .collect();
        if let Some(record) = records.get_mut(&key) {
            record.depends.extend(targets);
        }
    }
    records.into_records()
}

/// The package name and version of an entry, or `None` for Berry's `__metadata`, entries
/// without a version and the project's own directories.
fn identity(entry: &Entry) -> Option<(&str, &str)> {
    let version = entry
        .version
        .as_deref()
        .filter(|version| !version.is_empty())?;
    let first = entry.specifiers.first()?;
    if first == "__metadata" {
        return None;
    }
    let is_local = |reference: &str| {
        LOCAL_PROTOCOLS
            .iter()
            .any(|protocol| reference.starts_with(protocol))
    };
    let name = if let Some(resolution) = &entry.resolution {
        let (name, reference) = split_at_version(resolution)?;
        if is_local(reference) {
            return None;
        }
        name
    } else {
        let all_local = entry
            .specifiers
            .iter()
            .all(|specifier| split_at_version(specifier).is_some_and(|(_, range)| is_local(range)));
        if all_local {
            return None;
        }
        match split_at_version(first) {
            Some((name, range)) => range
                .strip_prefix("npm:")
                .and_then(split_at_version)
                .map_or(name, |(aliased, _)| aliased),
            // A header may name the package alone (`balanced-match:`).
            None => first.as_str(),
        }
    };
    Some((name, version))
}

/// The specifiers of a header (without its `:`): comma-separated, each quoted or bare, and
/// Berry's single quoted string split at its `, `.
fn specifiers(header: &str) -> Result<Vec<String>, &'static str> {
    let mut specifiers = Vec::new();
    let mut rest = header.trim();
    while !rest.is_empty() {
        let (item, tail) = if rest.starts_with('"') {
            quoted(rest)?
        } else {
            let (item, tail) = rest.split_at(rest.find(',').unwrap_or(rest.len()));
            (item.trim().to_owned(), tail)
        };
        specifiers.extend(
            item.split(", ")
                .map(str::trim)
                .filter(|specifier| !specifier.is_empty())
                .map(str::to_owned),
        );
        let tail = tail.trim_start();
        rest = match tail.strip_prefix(',') {
            Some(tail) => tail.trim_start(),
            None if tail.is_empty() => tail,
            None => return Err("specifiers are not separated by `,`"),
        };
    }
    if specifiers.is_empty() {
        return Err("entry header has no specifier");
    }
    Ok(specifiers)
}

/// Splits a field line into its key and its value, if any: `key value` (v1), `key: value`
/// (Berry), either part possibly quoted. A key without a value opens a block.
fn field(text: &str) -> Result<(String, Option<String>), &'static str> {
    let (key, rest) = if text.starts_with('"') {
        quoted(text)?
    } else {
        let (key, rest) = text.split_at(text.find([' ', ':']).unwrap_or(text.len()));
        (key.to_owned(), rest)
    };
    let rest = rest.trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest).trim();
    if rest.is_empty() {
        return Ok((key, None));
    }
    if !rest.starts_with('"') {
        return Ok((key, Some(rest.to_owned())));
    }
    let (value, tail) = quoted(rest)?;
    if !tail.trim().is_empty() {
        return Err("text after a quoted value");
    }
    Ok((key, Some(value)))
}

/// Reads the double-quoted string `text` starts with (Yarn writes them with JSON escapes) and
/// returns it with the text after its closing quote.
fn quoted(text: &str) -> Result<(String, &str), &'static str> {
    let mut value = String::new();
    let mut characters = text.char_indices().skip(1);
    while let Some((index, character)) = characters.next() {
        match character {
            '"' => return Ok((value, text.get(index + 1..).unwrap_or_default())),
            '\\' => {
                let (_, escaped) = characters.next().ok_or("unterminated quoted string")?;
                value.push(match escaped {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    'b' => '\u{8}',
                    'f' => '\u{c}',
                    'u' => {
                        let mut code = 0;
                        for _ in 0..4 {
                            let (_, digit) =
                                characters.next().ok_or("unterminated quoted string")?;
                            code = code * 16 + digit.to_digit(16).ok_or("invalid `\\u` escape")?;
                        }
                        char::from_u32(code).ok_or("invalid `\\u` escape")?
                    }
                    other => other,
                });
            }
            other => value.push(other),
        }
    }
    Err("unterminated quoted string")
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
    fn reads_classic_entries_and_their_dependencies() {
        let found = packages(
            "# yarn lockfile v1\n\n\
             \"a@^1.0.0\", a@^1.1.0:\n  version \"1.2.0\"\n  dependencies:\n    \"@s/b\" \"^2\"\n    \
             c \"npm:c-real@^3\"\n  optionalDependencies:\n    gone \"*\"\n\n\
             \"@s/b@^2\":\n  version \"2.0.1\"\n\n\
             c@npm:c-real@^3:\n  version \"3.3.0\"\n\n\
             local@link:./x:\n  version \"0.0.0\"\n",
        );
        assert_eq!(
            found,
            [
                (
                    "a".into(),
                    "1.2.0".into(),
                    vec!["@s/b@2.0.1".into(), "c-real@3.3.0".into()]
                ),
                ("@s/b".into(), "2.0.1".into(), vec![]),
                ("c-real".into(), "3.3.0".into(), vec![]),
            ]
        );
    }

    #[test]
    fn reads_berry_entries_and_their_dependencies() {
        let found = packages(
            "__metadata:\n  version: 8\n  cacheKey: 10c0\n\n\
             \"a@npm:^1.0.0, a@npm:^1.1.0\":\n  version: 1.2.0\n  resolution: \"a@npm:1.2.0\"\n  \
             dependencies:\n    b: ^2.0.0\n    w: \"workspace:^\"\n  dependenciesMeta:\n    b:\n      \
             optional: true\n  languageName: node\n\n\
             \"b@npm:^2.0.0\":\n  version: 2.0.0\n  resolution: \"b@npm:2.0.0\"\n\n\
             \"b@patch:b@npm%3A^2.0.0#~builtin<compat/b>\":\n  version: 2.0.0\n  \
             resolution: \"b@patch:b@npm%3A2.0.0#~builtin<compat/b>::version=2.0.0&hash=1\"\n\n\
             \"w@workspace:^, w@workspace:packages/w\":\n  version: 0.0.0-use.local\n  \
             resolution: \"w@workspace:packages/w\"\n",
        );
        assert_eq!(
            found,
            [
                ("a".into(), "1.2.0".into(), vec!["b@2.0.0".into()]),
                ("b".into(), "2.0.0".into(), vec![]),
            ]
        );
    }

    #[test]
    fn unquotes_json_escapes() {
        assert_eq!(
            quoted(r#""a\"b\\c\u0041" tail"#),
            Ok(("a\"b\\cA".to_owned(), " tail"))
        );
        assert!(quoted("\"open").is_err());
        assert!(quoted("\"\\u12").is_err());
    }

    #[test]
    fn reports_the_line_of_malformed_input() {
        for (text, line, reason) in [
            (
                "a@1:\n  version \"1\"\nb@2\n",
                3,
                "entry header does not end with `:`",
            ),
            ("  version \"1\"\n", 1, "field outside an entry"),
            (
                "a@1:\n   version \"1\"\n",
                2,
                "indentation is not 0, 2 or 4 spaces",
            ),
            ("\"a@1:\n", 1, "unterminated quoted string"),
            ("a@1:\n  version \"1\" x\n", 2, "text after a quoted value"),
            (
                "\"a@1\" \"b@1\":\n",
                1,
                "specifiers are not separated by `,`",
            ),
            (":\n", 1, "entry header has no specifier"),
            (
                "a@1:\n  dependencies:\n    b\n",
                3,
                "dependency without a range",
            ),
        ] {
            let error = parse(text.as_bytes()).unwrap_err();
            assert_eq!(
                (error.position, error.reason.as_str()),
                (Position::Line(line), reason),
                "{text:?}"
            );
        }
        let error = parse(b"a@1:\n  version \"1\"\n\xff\n").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
    }
}
