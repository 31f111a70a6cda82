//! Python versions: PEP 440, and the legacy versions older tools still order (PyPI).
//!
//! A version matching PEP 440's grammar (packaging's `VERSION_PATTERN`, case-insensitive,
//! surrounding whitespace allowed) is normalized and ordered by packaging's `_cmpkey`: epoch,
//! release without trailing zeros, pre-release (`a < b < rc`; a dev release of a final version
//! sorts before its pre-releases), post-release, dev-release, local version (numeric segments
//! after alphanumeric ones).
//!
//! Anything else is a "legacy" version, ordered the way packaging before 22.0 and
//! `pkg_resources` did (`LegacyVersion`, `_legacy_cmpkey`) and before every PEP 440 version. pip
//! no longer installs such versions, but advisories and old lockfiles still carry them and the
//! conformance corpus orders them. So the only string this scheme rejects is an empty one.
//!
//! Numbers compare by exact value (Python integers are unbounded). `pep440_rs` was not used:
//! it stores `u64`s and has no legacy versions.
//!
//! A one-off differential run against packaging 21.3 (the last release with `LegacyVersion`) on
//! 20,000 random pairs, PEP 440 and legacy, with whitespace and non-ASCII, found no difference.

use std::cmp::Ordering;

use crate::InvalidKind;
use crate::numeric::Numeric;

/// A parsed Python version.
#[derive(Debug, Clone)]
pub(crate) enum Pep440Version {
    /// Not PEP 440: packaging's legacy comparison key, the parts after lowercasing.
    Legacy(Vec<Box<str>>),
    /// A PEP 440 version.
    Standard(Box<Standard>),
}

/// A PEP 440 version, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Standard {
    epoch: Numeric,
    /// The release segment with trailing zeros removed (`1.0.0` orders like `1`).
    release: Vec<Numeric>,
    pre: Option<(PreRelease, Numeric)>,
    post: Option<Numeric>,
    dev: Option<Numeric>,
    local: Option<Vec<LocalSegment>>,
}

/// The pre-release phases, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum PreRelease {
    Alpha,
    Beta,
    ReleaseCandidate,
}

/// One segment of a local version label; text sorts before numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum LocalSegment {
    Text(Box<str>),
    Number(Numeric),
}

/// Python's `str.isspace`, which `\s` in packaging's pattern matches.
fn is_python_whitespace(character: char) -> bool {
    character.is_whitespace() || ('\x1c'..='\x1f').contains(&character)
}

/// Parses `text` as PEP 440, falling back to a legacy version.
pub(crate) fn parse(text: &str) -> Result<Pep440Version, InvalidKind> {
    let trimmed = text.trim_matches(is_python_whitespace);
    if trimmed.is_empty() {
        return Err(InvalidKind::Empty);
    }
    Ok(match Cursor::new(trimmed).standard() {
        Some(standard) => Pep440Version::Standard(Box::new(standard)),
        None => Pep440Version::Legacy(legacy_key(text)),
    })
}

/// The pre-release spellings, longer ones first as the pattern's alternation tries them.
const PRE_RELEASE_LABELS: [&str; 8] = ["alpha", "a", "beta", "b", "preview", "pre", "c", "rc"];

/// A position in the (trimmed) text, for the hand-written form of packaging's pattern. Every
/// optional group is tried greedily and rolled back as a whole when it does not match; the
/// pattern's alternatives are ordered so that this finds the same match as Python's `re`.
struct Cursor<'a> {
    text: &'a [u8],
    position: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text: text.as_bytes(),
            position: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.text.get(self.position).copied()
    }

    fn rest(&self) -> &'a [u8] {
        self.text.get(self.position..).unwrap_or_default()
    }

    /// Consumes one of `[-_.]` if it comes next.
    fn separator(&mut self) {
        if matches!(self.peek(), Some(b'-' | b'_' | b'.')) {
            self.position += 1;
        }
    }

    /// Consumes a run of ASCII digits, if any.
    fn number(&mut self) -> Option<Numeric> {
        let length = self
            .rest()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let digits = self.rest().get(..length)?;
        if length == 0 {
            return None;
        }
        self.position += length;
        Some(Numeric::from_digit_bytes(digits))
    }

    /// Consumes the first of `labels` (case-insensitively) that comes next, returning its index.
    fn label(&mut self, labels: &[&str]) -> Option<usize> {
        let rest = self.rest();
        let index = labels.iter().position(|label| {
            rest.get(..label.len())
                .is_some_and(|prefix| prefix.eq_ignore_ascii_case(label.as_bytes()))
        })?;
        self.position += labels.get(index).map_or(0, |label| label.len());
        Some(index)
    }

    /// `[-_.]? label [-_.]? number?`, rolled back entirely unless a label is found.
    fn labelled(&mut self, labels: &[&str]) -> Option<(usize, Option<Numeric>)> {
        let start = self.position;
        self.separator();
        let Some(index) = self.label(labels) else {
            self.position = start;
            return None;
        };
        self.separator();
        Some((index, self.number()))
    }

    /// packaging's `VERSION_PATTERN`, anchored at both ends of the trimmed text.
    fn standard(&mut self) -> Option<Standard> {
        if matches!(self.peek(), Some(b'v' | b'V')) {
            self.position += 1;
        }
        let start = self.position;
        let epoch = match self.number() {
            Some(epoch) if self.peek() == Some(b'!') => {
                self.position += 1;
                epoch
            }
            _ => {
                self.position = start;
                Numeric::ZERO
            }
        };
        let mut release = vec![self.number()?];
        while self.peek() == Some(b'.') && self.rest().get(1).is_some_and(u8::is_ascii_digit) {
            self.position += 1;
            release.push(self.number()?);
        }
        while release.last().is_some_and(Numeric::is_zero) {
            release.pop();
        }

        let pre = self.labelled(&PRE_RELEASE_LABELS).map(|(index, number)| {
            let phase = match index {
                0 | 1 => PreRelease::Alpha,
                2 | 3 => PreRelease::Beta,
                _ => PreRelease::ReleaseCandidate,
            };
            (phase, number.unwrap_or(Numeric::ZERO))
        });

        // `-N` is an implicit post-release; otherwise `[-_.]? (post|rev|r) [-_.]? N?`.
        let post =
            if self.peek() == Some(b'-') && self.rest().get(1).is_some_and(u8::is_ascii_digit) {
                self.position += 1;
                self.number()
            } else {
                self.labelled(&["post", "rev", "r"])
                    .map(|(_, number)| number.unwrap_or(Numeric::ZERO))
            };

        let dev = self
            .labelled(&["dev"])
            .map(|(_, number)| number.unwrap_or(Numeric::ZERO));

        let local = if self.peek() == Some(b'+') {
            self.position += 1;
            Some(self.local()?)
        } else {
            None
        };

        (self.position == self.text.len()).then_some(Standard {
            epoch,
            release,
            pre,
            post,
            dev,
            local,
        })
    }

    /// `[a-z0-9]+(?:[-_.][a-z0-9]+)*`, lowercased and split into segments.
    fn local(&mut self) -> Option<Vec<LocalSegment>> {
        let mut segments = Vec::new();
        loop {
            let length = self
                .rest()
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric())
                .count();
            let segment = self.rest().get(..length)?;
            if length == 0 {
                return None;
            }
            self.position += length;
            segments.push(if segment.iter().all(u8::is_ascii_digit) {
                LocalSegment::Number(Numeric::from_digit_bytes(segment))
            } else {
                LocalSegment::Text(String::from_utf8_lossy(segment).to_ascii_lowercase().into())
            });
            if matches!(self.peek(), Some(b'-' | b'_' | b'.')) {
                self.position += 1;
            } else {
                return Some(segments);
            }
        }
    }
}

impl Standard {
    /// packaging's `_cmpkey` order.
    fn compare(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| self.release.cmp(&other.release))
            .then_with(|| self.pre_key().cmp(&other.pre_key()))
            // No post-release sorts first: `None < Some`.
            .then_with(|| self.post.cmp(&other.post))
            // No dev-release sorts last.
            .then_with(|| match (&self.dev, &other.dev) {
                (Some(a), Some(b)) => a.cmp(b),
                (a, b) => a.is_none().cmp(&b.is_none()),
            })
            // No local version sorts first; `Vec` compares segment by segment, shorter first.
            .then_with(|| self.local.cmp(&other.local))
    }

    /// The pre-release key: a dev release of a final version sorts before every pre-release
    /// of it, a final (or post) release after all of them.
    fn pre_key(&self) -> (u8, Option<&(PreRelease, Numeric)>) {
        match &self.pre {
            Some(pre) => (1, Some(pre)),
            None if self.post.is_none() && self.dev.is_some() => (0, None),
            None => (2, None),
        }
    }
}

/// packaging's `_legacy_cmpkey` parts (its epoch of -1 is [`Pep440Version::Legacy`] itself).
fn legacy_key(text: &str) -> Vec<Box<str>> {
    let lower = text.to_lowercase();
    let mut parts: Vec<Box<str>> = Vec::new();
    for part in legacy_parts(&lower) {
        if part.starts_with('*') {
            // Remove the "-" before a pre-release tag, then trailing zeros of the numbers.
            if &*part < "*final" {
                while parts.last().is_some_and(|last| &**last == "*final-") {
                    parts.pop();
                }
            }
            while parts.last().is_some_and(|last| &**last == "00000000") {
                parts.pop();
            }
        }
        parts.push(part);
    }
    parts
}

/// packaging's `_parse_version_parts`: split on `(\d+|[a-z]+|\.|-)` keeping both the matches
/// and the text between them, rename a few tags, pad numbers to eight digits, and end with
/// `*final`. Only ASCII digits count as digits here, where Python's `\d` is Unicode.
fn legacy_parts(lower: &str) -> Vec<Box<str>> {
    let mut pieces: Vec<&str> = Vec::new();
    let mut other_start = None;
    let mut chars = lower.char_indices().peekable();
    while let Some((start, character)) = chars.next() {
        let class = |c: char| {
            if c.is_ascii_digit() {
                1
            } else if c.is_ascii_lowercase() {
                2
            } else {
                0
            }
        };
        let kind = class(character);
        if kind == 0 && character != '.' && character != '-' {
            other_start.get_or_insert(start);
            continue;
        }
        if let Some(other) = other_start.take() {
            pieces.push(lower.get(other..start).unwrap_or_default());
        }
        let mut end = start + character.len_utf8();
        if kind != 0 {
            while let Some(&(next, next_character)) = chars.peek() {
                if class(next_character) != kind {
                    break;
                }
                end = next + next_character.len_utf8();
                chars.next();
            }
        }
        pieces.push(lower.get(start..end).unwrap_or_default());
    }
    if let Some(other) = other_start {
        pieces.push(lower.get(other..).unwrap_or_default());
    }

    let mut parts: Vec<Box<str>> = Vec::with_capacity(pieces.len() + 1);
    for piece in pieces {
        let piece = match piece {
            "pre" | "preview" | "rc" => "c",
            "-" => "final-",
            "dev" => "@",
            other => other,
        };
        if piece.is_empty() || piece == "." {
            continue;
        }
        if piece.starts_with(|c: char| c.is_ascii_digit()) {
            parts.push(format!("{piece:0>8}").into());
        } else {
            parts.push(format!("*{piece}").into());
        }
    }
    parts.push("*final".into());
    parts
}

impl Ord for Pep440Version {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Standard(a), Self::Standard(b)) => a.compare(b),
            (Self::Legacy(a), Self::Legacy(b)) => a.cmp(b),
            (Self::Legacy(_), Self::Standard(_)) => Ordering::Less,
            (Self::Standard(_), Self::Legacy(_)) => Ordering::Greater,
        }
    }
}

impl PartialOrd for Pep440Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Pep440Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Pep440Version {}

#[cfg(test)]
mod tests {
    // Normalization, `_cmpkey` order and packaging's legacy key.

    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        parse(a).unwrap().cmp(&parse(b).unwrap())
    }

    fn standard(text: &str) -> Standard {
        match parse(text).unwrap() {
            Pep440Version::Standard(standard) => *standard,
            Pep440Version::Legacy(parts) => panic!("{text} parsed as legacy {parts:?}"),
        }
    }

    #[test]
    fn normalization() {
        assert_eq!(standard("1.0a1"), standard("1.0.ALPHA-1"));
        assert_eq!(standard("1.0rc1"), standard("1.0-preview_1"));
        assert_eq!(standard("1.0c1"), standard("1.0pre1"));
        assert_eq!(standard("1.0.post1"), standard("1.0-1"));
        assert_eq!(standard("1.0.post0"), standard("1.0rev"));
        assert_eq!(standard("1.0.dev0"), standard("1.0-dev"));
        assert_eq!(standard("1!2.0"), standard("v1!2.0.0"));
        assert_eq!(standard("1.0+ubuntu.1"), standard("1.0+UBUNTU-1"));
        assert_eq!(standard(" 1.0\n"), standard("1.0"));
        assert_eq!(standard("1.0a."), standard("1.0a0"));
        assert!(standard("1.0").local.is_none());
    }

    #[test]
    fn ordering_follows_cmpkey() {
        let ordered = [
            "1.0.dev456",
            "1.0a1",
            "1.0a2.dev456",
            "1.0a12.dev456",
            "1.0a12",
            "1.0b1.dev456",
            "1.0b2",
            "1.0b2.post345.dev456",
            "1.0b2.post345",
            "1.0rc1.dev456",
            "1.0rc1",
            "1.0",
            "1.0+abc.5",
            "1.0+abc.7",
            "1.0+5",
            "1.0.post456.dev34",
            "1.0.post456",
            "1.1.dev1",
            "1!0.1",
        ];
        for pair in ordered.windows(2) {
            if let [a, b] = pair {
                assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
            }
        }
    }

    #[test]
    fn legacy_versions_sort_first() {
        assert!(matches!(
            parse("1.0-bulbasaur"),
            Ok(Pep440Version::Legacy(_))
        ));
        assert_eq!(cmp("9.9-charmander", "0.1"), Ordering::Less);
        assert_eq!(cmp("1.0.g1", "1.0"), Ordering::Less);
        assert_eq!(cmp("0.1-bulbasaur", "0.1-charmander"), Ordering::Less);
    }

    #[test]
    fn legacy_key_matches_packaging() {
        let key = |text: &str| -> Vec<String> {
            legacy_key(text).iter().map(ToString::to_string).collect()
        };
        assert_eq!(key("1.0-dev"), ["00000001", "*@", "*final"]);
        assert_eq!(
            key("0.9-doduo"),
            ["00000000", "00000009", "*doduo", "*final"]
        );
        assert_eq!(
            key("1.2_rc3"),
            ["00000001", "00000002", "*_", "*c", "00000003", "*final"]
        );
    }

    #[test]
    fn only_empty_is_rejected() {
        assert_eq!(parse("").unwrap_err(), InvalidKind::Empty);
        assert_eq!(parse(" \t").unwrap_err(), InvalidKind::Empty);
        assert!(matches!(parse("1.0+"), Ok(Pep440Version::Legacy(_))));
    }
}
