//! Bundler's lockfile, `Gemfile.lock` (<https://bundler.io/man/gemfile.5.html>; the format is
//! what `Bundler::LockfileParser` reads).
//!
//! Sections start at column 0. The source sections (`GEM`, `GIT`, `PATH`, `PLUGIN SOURCE`)
//! list, after `  specs:`, every locked gem at four spaces as `name (version)` or
//! `name (version-platform)`, each followed by its dependencies at six spaces
//! (`name (requirement)` or a bare `name`). `DEPENDENCIES` lists the Gemfile's own gems at two
//! spaces (`rails (~> 7.0)`, `hanami-utils!` for one from a git or path source). The other
//! sections (`PLATFORMS`, `RUBY VERSION`, `BUNDLED WITH`, `CHECKSUMS`) name no gems.
//!
//! - The version is what precedes the first `-` inside the parentheses, as Bundler splits it:
//!   RubyGems writes a prerelease as `1.0.0.pre`, so a `-` starts the platform.
//! - A gem locked for several platforms appears once per platform; it is one record.
//! - Gems from `PATH` sources (a vendored gem, or the project's own gemspec) are records
//!   too: they are installed and have a version, as osv-scalibr and Syft report them.
//! - A gem is direct when `DEPENDENCIES` names it. Sections may come in any order (some tools
//!   write the sources last), so directness is decided after the whole file is read.
//! - A spec line without a version is malformed: Bundler writes one for every locked gem.

use std::collections::{BTreeSet, HashMap};

use custody_model::Ecosystem;

use crate::{PackageRecord, ParseError, Position};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "Gemfile.lock";

/// The section a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// `GEM`, `GIT`, `PATH` or `PLUGIN SOURCE`: locked gems.
    Source,
    /// `DEPENDENCIES`: the Gemfile's own gems.
    Dependencies,
    /// Anything else.
    Other,
}

impl Section {
    fn from_header(header: &str) -> Self {
        match header.trim_end() {
            "GEM" | "GIT" | "PATH" | "PLUGIN SOURCE" => Self::Source,
            "DEPENDENCIES" => Self::Dependencies,
            _ => Self::Other,
        }
    }
}

/// Parses a `Gemfile.lock`.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let mut records: Vec<PackageRecord> = Vec::new();
    // Index into `records` by (name, version).
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    // The record the six-space dependency lines below a spec belong to.
    let mut current: Option<usize> = None;
    let mut direct: Option<BTreeSet<String>> = None;
    let mut section = Section::Other;
    for line in crate::lang::document::lines(FORMAT, content) {
        let (number, line) = line?;
        let indent = line.len() - line.trim_start_matches(' ').len();
        let text = line.get(indent..).unwrap_or_default().trim_end();
        if text.is_empty() {
            continue;
        }
        if indent == 0 {
            section = Section::from_header(text);
            current = None;
            if section == Section::Dependencies {
                direct.get_or_insert_with(BTreeSet::new);
            }
            continue;
        }
        match (section, indent) {
            (Section::Source, 4) => {
                let (name, version) = spec(text).ok_or_else(|| {
                    ParseError::new(FORMAT, Position::Line(number), "locked gem has no version")
                })?;
                let key = (name.to_owned(), version.to_owned());
                let index = *seen.entry(key).or_insert_with(|| {
                    records.push(PackageRecord::new(Ecosystem::Gem, name, version));
                    records.len() - 1
                });
                current = Some(index);
            }
            (Section::Source, 6) => {
                if let Some(record) = current.and_then(|index| records.get_mut(index)) {
                    let (name, _) = split_requirement(text);
                    if !name.is_empty() {
                        record.depends.push(name.to_owned());
                    }
                }
            }
            (Section::Source, _) => current = None,
            (Section::Dependencies, 2) => {
                let (name, _) = split_requirement(text.trim_end_matches('!'));
                if let Some(direct) = &mut direct {
                    direct.insert(name.to_owned());
                }
            }
            _ => {}
        }
    }
    for record in &mut records {
        record.depends.sort_unstable();
        record.depends.dedup();
        if let Some(direct) = &direct {
            record.scope.direct = Some(direct.contains(&record.name));
        }
    }
    Ok(records)
}

/// The name and version of a spec line, `name (version)` or `name (version-platform)`.
fn spec(text: &str) -> Option<(&str, &str)> {
    let (name, requirement) = split_requirement(text);
    let version = requirement?
        .split('-')
        .next()
        .filter(|version| !version.is_empty())?;
    (!name.is_empty()).then_some((name, version))
}

/// Splits `name (inside)` into the name and what the parentheses hold; a bare `name` has
/// nothing in parentheses.
fn split_requirement(text: &str) -> (&str, Option<&str>) {
    match text.split_once(" (") {
        Some((name, rest)) => (name, Some(rest.strip_suffix(')').unwrap_or(rest))),
        None => (text, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_specs_edges_platforms_and_directness() {
        let records = parse(
            b"GIT\n  remote: https://github.com/x/y.git\n  revision: abc\n  specs:\n    \
              y (2.0.0.alpha1)\n      rack (~> 2.0)\n\n\
              GEM\n  remote: https://rubygems.org/\n  specs:\n    \
              nokogiri (1.13.3-x86_64-linux)\n      racc (~> 1.4)\n    \
              nokogiri (1.13.3-arm64-darwin)\n      racc (~> 1.4)\n      mini_portile2\n    \
              racc (1.6.0)\n    rack (2.2.3)\n\n\
              PLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  nokogiri (>= 1)\n  y!\n\n\
              CHECKSUMS\n  racc (1.6.0) sha256=00\n\nBUNDLED WITH\n   2.4.0\n",
        )
        .unwrap();
        let found: Vec<_> = records
            .iter()
            .map(|record| {
                (
                    record.name.as_str(),
                    record.version.as_str(),
                    record.scope.direct,
                    record.depends.join(","),
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("y", "2.0.0.alpha1", Some(true), "rack".to_owned()),
                (
                    "nokogiri",
                    "1.13.3",
                    Some(true),
                    "mini_portile2,racc".to_owned()
                ),
                ("racc", "1.6.0", Some(false), String::new()),
                ("rack", "2.2.3", Some(false), String::new()),
            ]
        );
    }

    #[test]
    fn directness_is_unknown_without_a_dependencies_section() {
        let records = parse(b"GEM\n  specs:\n    a (1.0)\n").unwrap();
        assert_eq!(records[0].scope.direct, None);
    }

    #[test]
    fn a_spec_without_a_version_is_an_error_at_its_line() {
        let error = parse(b"GEM\r\n  specs:\r\n    ok (1)\r\n    broken\r\n").unwrap_err();
        assert_eq!(error.position, Position::Line(4));
        assert_eq!(error.format, FORMAT);
        assert!(parse(b"GEM\n  specs:\n    x (-linux)\n").is_err());
        assert!(parse(b"GEM\n  specs:\n    a ()\n").is_err());
    }

    #[test]
    fn ignores_what_is_not_a_locked_gem() {
        assert!(parse(b"").unwrap().is_empty());
        assert!(
            parse(b"PLATFORMS\n    x86_64-linux\nDEPENDENCIES\n  a\nRUBY VERSION\n   ruby 3\n")
                .unwrap()
                .is_empty()
        );
        // Dependency lines before any spec belong to nothing.
        assert!(parse(b"GEM\n  specs:\n      orphan\n").unwrap().is_empty());
    }

    #[test]
    fn splits_specs() {
        assert_eq!(spec("a (1.0)"), Some(("a", "1.0")));
        assert_eq!(spec("a (1.0-java)"), Some(("a", "1.0")));
        assert_eq!(spec("a (1.0"), Some(("a", "1.0")));
        assert_eq!(spec("a"), None);
        assert_eq!(spec("a ()"), None);
    }
}
