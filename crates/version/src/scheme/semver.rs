//! `SemVer` versions: npm, crates.io, Hex, `SwiftURL`, Go modules, and Dart's pub.
//!
//! Ordering is `SemVer` 2.0.0 precedence (semver.org §11): the numeric core, then a pre-release
//! sorts before the release, pre-release identifiers compare numerically when all digits and
//! in ASCII order otherwise, numeric before alphanumeric, more identifiers after fewer. Build
//! metadata is ignored (§10), which is also how Go ignores `+incompatible`; Go pseudo-versions
//! (`v0.0.0-20191109021931-daa7c04131f5`) are pre-releases and order by their timestamp.
//!
//! Dart's pub (`pub_semver` `Version.compareTo`) is the same except that build metadata counts:
//! no build sorts before any build, and builds compare like pre-releases.
//!
//! Accepted syntax is `SemVer`'s, with the leniencies OSV data and the conformance corpus need:
//! an optional `v` (Go always writes it), any number of numeric components (`1`, `1.2` and
//! `1.2.3.4` are padded with zeros, as Go reads `v1` and `v1.2`), numbers of any size and with
//! leading zeros. Pre-release and build identifiers must be non-empty `[0-9A-Za-z-]+`.
//!
//! A one-off differential run against node-semver 7 on 20,000 random pairs valid for it found no
//! difference.

use std::cmp::Ordering;

use crate::InvalidKind;
use crate::numeric::Numeric;

/// A parsed `SemVer` version.
#[derive(Debug, Clone)]
pub(crate) struct SemVerVersion {
    /// Numeric components without trailing zeros, so `1.2` and `1.2.0` are equal.
    core: Vec<Numeric>,
    pre_release: Vec<Identifier>,
    build: Vec<Identifier>,
}

/// A dot-separated pre-release or build identifier: numbers before text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Identifier {
    Number(Numeric),
    Text(Box<str>),
}

/// Parses a `SemVer` version with the leniencies in the module docs.
pub(crate) fn parse(text: &str) -> Result<SemVerVersion, InvalidKind> {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Err(InvalidKind::Empty);
    }
    let mut position = usize::from(bytes.first() == Some(&b'v'));
    let mut core = Vec::new();
    loop {
        let length = digits(bytes, position);
        if length == 0 {
            return Err(unexpected(text, position));
        }
        core.push(Numeric::from_digit_bytes(
            bytes.get(position..position + length).unwrap_or_default(),
        ));
        position += length;
        if bytes.get(position) == Some(&b'.') {
            position += 1;
        } else {
            break;
        }
    }
    while core.last().is_some_and(Numeric::is_zero) {
        core.pop();
    }
    let pre_release = if bytes.get(position) == Some(&b'-') {
        identifiers(text, &mut position)?
    } else {
        Vec::new()
    };
    let build = if bytes.get(position) == Some(&b'+') {
        identifiers(text, &mut position)?
    } else {
        Vec::new()
    };
    if position != bytes.len() {
        return Err(unexpected(text, position));
    }
    Ok(SemVerVersion {
        core,
        pre_release,
        build,
    })
}

/// How many ASCII digits start at `position`.
fn digits(bytes: &[u8], position: usize) -> usize {
    bytes
        .get(position..)
        .unwrap_or_default()
        .iter()
        .take_while(|byte| byte.is_ascii_digit())
        .count()
}

/// The error for what is at `position`: an unexpected character, or the end.
fn unexpected(text: &str, position: usize) -> InvalidKind {
    match text.get(position..).and_then(|rest| rest.chars().next()) {
        Some(character) => InvalidKind::UnexpectedCharacter {
            offset: position,
            character,
        },
        None => InvalidKind::UnexpectedEnd,
    }
}

/// Reads `[-+] identifier (. identifier)*` starting at the `-` or `+` at `position`.
fn identifiers(text: &str, position: &mut usize) -> Result<Vec<Identifier>, InvalidKind> {
    let bytes = text.as_bytes();
    let mut identifiers = Vec::new();
    loop {
        // Skip the `-`, `+` or `.` before the identifier.
        *position += 1;
        let start = *position;
        let length = bytes
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'-')
            .count();
        if length == 0 {
            return Err(unexpected(text, start));
        }
        let identifier = text.get(start..start + length).unwrap_or_default();
        *position += length;
        identifiers.push(if identifier.bytes().all(|byte| byte.is_ascii_digit()) {
            Identifier::Number(Numeric::from_digits(identifier))
        } else {
            Identifier::Text(identifier.into())
        });
        if bytes.get(*position) != Some(&b'.') {
            return Ok(identifiers);
        }
    }
}

/// Orders identifier lists where an empty list means "none" and sorts as `empty_is`.
fn compare_identifiers(a: &[Identifier], b: &[Identifier], empty_is: Ordering) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => Ordering::Equal,
        (true, false) => empty_is,
        (false, true) => empty_is.reverse(),
        // Element by element; with an equal prefix, more identifiers sort after fewer.
        (false, false) => a.cmp(b),
    }
}

impl SemVerVersion {
    /// `SemVer` 2.0.0 precedence: build metadata ignored.
    pub(crate) fn cmp_precedence(&self, other: &Self) -> Ordering {
        self.core.cmp(&other.core).then_with(|| {
            compare_identifiers(&self.pre_release, &other.pre_release, Ordering::Greater)
        })
    }

    /// `pub_semver`'s order: precedence, then no build before any build.
    pub(crate) fn cmp_pub(&self, other: &Self) -> Ordering {
        self.cmp_precedence(other)
            .then_with(|| compare_identifiers(&self.build, &other.build, Ordering::Less))
    }
}

#[cfg(test)]
mod tests {
    // SemVer precedence, Go and pub variants, rejected syntax.

    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        parse(a).unwrap().cmp_precedence(&parse(b).unwrap())
    }

    #[test]
    fn precedence_from_the_specification() {
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for pair in ordered.windows(2) {
            if let [a, b] = pair {
                assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
            }
        }
    }

    #[test]
    fn build_metadata_and_go_spellings() {
        assert_eq!(cmp("1.0.0+a", "1.0.0+b"), Ordering::Equal);
        assert_eq!(cmp("v2.0.0+incompatible", "2.0.0"), Ordering::Equal);
        assert_eq!(cmp("v1", "1.0.0"), Ordering::Equal);
        assert_eq!(cmp("v1.2", "v1.2.0"), Ordering::Equal);
        assert_eq!(cmp("1.2.3.4", "1.2.3"), Ordering::Greater);
        assert_eq!(
            cmp(
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20200101000000-000000000000"
            ),
            Ordering::Less
        );
        assert_eq!(
            cmp("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3"),
            Ordering::Greater
        );
        assert_eq!(
            cmp("v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.4"),
            Ordering::Less
        );
    }

    #[test]
    fn pub_orders_builds() {
        let pub_cmp = |a: &str, b: &str| parse(a).unwrap().cmp_pub(&parse(b).unwrap());
        assert_eq!(pub_cmp("1.0.0", "1.0.0+1"), Ordering::Less);
        assert_eq!(pub_cmp("1.0.0+2", "1.0.0+10"), Ordering::Less);
        assert_eq!(pub_cmp("1.0.0+10", "1.0.0+a"), Ordering::Less);
        assert_eq!(pub_cmp("1.0.0-rc+1", "1.0.0"), Ordering::Less);
    }

    #[test]
    fn garbage_is_rejected() {
        let error = |text: &str| parse(text).unwrap_err();
        assert_eq!(error(""), InvalidKind::Empty);
        assert_eq!(error("v"), InvalidKind::UnexpectedEnd);
        assert_eq!(error("1."), InvalidKind::UnexpectedEnd);
        assert_eq!(error("1.0.0-"), InvalidKind::UnexpectedEnd);
        assert_eq!(
            error("1.0.0-a..b"),
            InvalidKind::UnexpectedCharacter {
                offset: 8,
                character: '.'
            }
        );
        assert_eq!(
            error("1.x"),
            InvalidKind::UnexpectedCharacter {
                offset: 2,
                character: 'x'
            }
        );
        assert_eq!(
            error("1.0.0rc1"),
            InvalidKind::UnexpectedCharacter {
                offset: 5,
                character: 'r'
            }
        );
        assert_eq!(
            error("(devel)"),
            InvalidKind::UnexpectedCharacter {
                offset: 0,
                character: '('
            }
        );
        assert_eq!(
            error(" 1.0.0"),
            InvalidKind::UnexpectedCharacter {
                offset: 0,
                character: ' '
            }
        );
        assert!(parse("1.0.0-x_y").is_err());
        assert!(parse("1.0.0+é").is_err());
    }
}
