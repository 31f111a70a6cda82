//! `RubyGems` versions, as `Gem::Version` (rubygems lib/rubygems/version.rb) orders them.
//!
//! The version is stripped, every `-` becomes `.pre.`, and it is scanned into segments
//! (`/[0-9]+|[a-z]+/i`): numbers and letter runs. `canonical_segments` drops trailing zeros
//! from the leading numbers and from the rest separately, and `<=>` compares segment by
//! segment, padding with `0`: letters sort before numbers (so `1.0.a < 1.0`), numbers by value
//! and letters as byte strings, case-sensitively.
//!
//! Accepted syntax is `Gem::Version::VERSION_PATTERN`
//! (`[0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?`), relaxed to let letters
//! follow the first number directly (`1beta`), which `RubyGems` rejects but the conformance
//! corpus orders (and the scan reads unambiguously). The empty string, which `RubyGems` reads
//! as `0`, is an error here as in every scheme.

use std::cmp::Ordering;

use crate::InvalidKind;
use crate::numeric::Numeric;

/// A parsed gem version: its canonical segments.
#[derive(Debug, Clone)]
pub(crate) struct GemVersion {
    segments: Vec<Segment>,
}

/// One segment: letter runs sort before numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Segment {
    Text(Box<str>),
    Number(Numeric),
}

/// Ruby's `String#strip`: ASCII whitespace and NUL.
fn is_ruby_space(character: char) -> bool {
    character.is_ascii_whitespace() || character == '\x0b' || character == '\0'
}

/// Parses and canonicalizes a gem version.
pub(crate) fn parse(text: &str) -> Result<GemVersion, InvalidKind> {
    let start = text.len() - text.trim_start_matches(is_ruby_space).len();
    let stripped = text.trim_matches(is_ruby_space);
    if stripped.is_empty() {
        return Err(InvalidKind::Empty);
    }
    validate(stripped, start)?;

    // `-` becomes `.pre.`, then `scan(/[0-9]+|[a-z]+/i)`.
    let mut segments = Vec::new();
    let bytes = stripped.as_bytes();
    let mut position = 0;
    while let Some(&byte) = bytes.get(position) {
        let run = |keep: fn(&u8) -> bool| {
            bytes
                .get(position..)
                .unwrap_or_default()
                .iter()
                .take_while(|b| keep(b))
                .count()
        };
        if byte == b'-' {
            segments.push(Segment::Text("pre".into()));
            position += 1;
        } else if byte.is_ascii_digit() {
            let length = run(u8::is_ascii_digit);
            let digits = stripped
                .get(position..position + length)
                .unwrap_or_default();
            segments.push(Segment::Number(Numeric::from_digits(digits)));
            position += length;
        } else if byte.is_ascii_alphabetic() {
            let length = run(u8::is_ascii_alphabetic);
            let letters = stripped
                .get(position..position + length)
                .unwrap_or_default();
            segments.push(Segment::Text(letters.into()));
            position += length;
        } else {
            position += 1;
        }
    }

    // `canonical_segments`: trailing zeros dropped from the numeric prefix and from the rest.
    let split = segments
        .iter()
        .position(|segment| matches!(segment, Segment::Text(_)))
        .unwrap_or(segments.len());
    let rest = segments.split_off(split);
    let mut canonical = drop_trailing_zeros(segments);
    canonical.extend(drop_trailing_zeros(rest));
    Ok(GemVersion {
        segments: canonical,
    })
}

/// `segments` without trailing numeric zeros.
fn drop_trailing_zeros(mut segments: Vec<Segment>) -> Vec<Segment> {
    while matches!(segments.last(), Some(Segment::Number(number)) if number.is_zero()) {
        segments.pop();
    }
    segments
}

/// Checks the relaxed `VERSION_PATTERN` (see the module docs); `offset` is where `stripped`
/// starts in the original text, for error offsets.
fn validate(stripped: &str, offset: usize) -> Result<(), InvalidKind> {
    let unexpected = |index: usize, character: char| InvalidKind::UnexpectedCharacter {
        offset: offset + index,
        character,
    };
    let mut chars = stripped.char_indices().peekable();
    match chars.peek() {
        Some(&(_, first)) if first.is_ascii_digit() => {}
        Some(&(index, first)) => return Err(unexpected(index, first)),
        None => return Err(InvalidKind::Empty),
    }
    // `in_pre_release`: after the first `-`, where `-` is allowed inside parts.
    let mut in_pre_release = false;
    let mut part_start = false;
    for (index, character) in chars {
        let valid = match character {
            '.' => !part_start,
            // Inside the pre-release part `-` is an ordinary character.
            '-' if in_pre_release => true,
            '-' if part_start => false,
            '-' => {
                in_pre_release = true;
                part_start = true;
                continue;
            }
            other => other.is_ascii_alphanumeric(),
        };
        if !valid {
            return Err(unexpected(index, character));
        }
        part_start = character == '.';
    }
    if part_start {
        return Err(InvalidKind::UnexpectedEnd);
    }
    Ok(())
}

impl Ord for GemVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let zero = Segment::Number(Numeric::ZERO);
        let length = self.segments.len().max(other.segments.len());
        for index in 0..length {
            let a = self.segments.get(index).unwrap_or(&zero);
            let b = other.segments.get(index).unwrap_or(&zero);
            match a.cmp(b) {
                Ordering::Equal => {}
                different => return different,
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for GemVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for GemVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for GemVersion {}

#[cfg(test)]
mod tests {
    // `Gem::Version` ordering and the accepted syntax.

    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        parse(a).unwrap().cmp(&parse(b).unwrap())
    }

    #[test]
    fn prereleases_and_canonical_segments() {
        assert_eq!(cmp("1.0.a", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0.0", "1"), Ordering::Equal);
        assert_eq!(cmp("1.0.a.0", "1.a"), Ordering::Equal);
        assert_eq!(cmp("1.0-rc1", "1.0.pre.rc1"), Ordering::Equal);
        assert_eq!(cmp("1.0.b1", "1.0.a2"), Ordering::Greater);
        assert_eq!(cmp("1.0.A", "1.0.a"), Ordering::Less);
        assert_eq!(cmp("1.10", "1.9"), Ordering::Greater);
        assert_eq!(cmp(" 1.0\n", "1.0"), Ordering::Equal);
        assert_eq!(cmp("1beta", "1.beta"), Ordering::Equal);
    }

    #[test]
    fn garbage_is_rejected() {
        assert_eq!(parse(" ").unwrap_err(), InvalidKind::Empty);
        assert_eq!(
            parse("a1").unwrap_err(),
            InvalidKind::UnexpectedCharacter {
                offset: 0,
                character: 'a'
            }
        );
        assert_eq!(
            parse(" 1..2").unwrap_err(),
            InvalidKind::UnexpectedCharacter {
                offset: 3,
                character: '.'
            }
        );
        assert_eq!(parse("1.").unwrap_err(), InvalidKind::UnexpectedEnd);
        assert!(parse("1.0_1").is_err());
        assert!(parse("1.0-").is_err());
        assert!(parse("1.0 1").is_err());
        assert!(parse("1.0-a-b.c-d").is_ok());
        assert!(parse("1.0--a").is_ok());
        assert!(parse("1.-a").is_err());
    }
}
