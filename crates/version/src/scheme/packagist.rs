//! Composer versions on Packagist, ordered by PHP's `version_compare` (php-src
//! ext/standard/versioning.c), which composer/semver's comparator calls.
//!
//! A leading `v` or `V` is dropped, as Composer's version normalizer does. The version is then
//! canonicalized as PHP documents: `-`, `_` and `+` become `.`, and a `.` goes between every
//! digit and non-digit (`4.3.2RC1` becomes `4.3.2.RC.1`). The dot-separated parts compare in
//! order: numbers by value; other parts by their "special form", matched by prefix and
//! case-sensitively: `dev < alpha = a < beta = b < RC = rc < # < pl = p`, where anything else
//! sorts before `dev` and a number counts as `#` against a name. When one version runs out,
//! the other's next part decides: a number makes it newer; a name is compared with `#`.
//!
//! Departures, each needed for a total order or by the conformance corpus:
//!
//! - PHP treats a number and a part starting with `#` as equal, yet orders numbers among
//!   themselves, which is not transitive. Here a `#` part sorts just below every number, and
//!   like the end of a version (so `1.2.3.# = 1.2.3`).
//! - PHP's canonicalization also turns characters other than letters, digits and `.` into `.`
//!   (PHP >= 5.3); like the documented rule and osv-scalibr's port they stay in their part here,
//!   which is what gives a `#` part its meaning at all.
//! - Empty parts (`1..2`, a trailing `.`) sort before `dev`, and `1.` equals `1.`; PHP answers
//!   `version_compare("1.", "1.") == -1`.
//! - Numbers compare by exact value; PHP's `strtol` saturates at `LONG_MAX`.
//!
//! Any non-empty string (other than a lone `v`) is accepted, as PHP accepts any string.

use std::cmp::Ordering;

use crate::InvalidKind;
use crate::numeric::Numeric;

/// A parsed Packagist version: its canonical parts.
#[derive(Debug, Clone)]
pub(crate) struct PackagistVersion {
    parts: Vec<Part>,
}

/// One canonical part.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    /// A special form's order: -1 (unknown or empty), 0 `dev`, 1 `alpha`, 2 `beta`, 3 `RC`,
    /// 4 `#`, 5 `pl`.
    Name(i8),
    Number(Numeric),
}

/// The special forms in PHP's table order; the first prefix match wins.
const SPECIAL_FORMS: [(&str, i8); 10] = [
    ("dev", 0),
    ("alpha", 1),
    ("a", 1),
    ("beta", 2),
    ("b", 2),
    ("RC", 3),
    ("rc", 3),
    ("#", 4),
    ("pl", 5),
    ("p", 5),
];

/// The order of `#` (and of the end of a version).
const HASH: i8 = 4;

/// Parses and canonicalizes a Packagist version.
pub(crate) fn parse(text: &str) -> Result<PackagistVersion, InvalidKind> {
    if text.is_empty() {
        return Err(InvalidKind::Empty);
    }
    let stripped = text.strip_prefix(['v', 'V']).unwrap_or(text);
    if stripped.is_empty() {
        return Err(InvalidKind::UnexpectedEnd);
    }
    let canonical = canonicalize(stripped);
    let parts = canonical
        .split('.')
        .map(|part| {
            if part.starts_with(|c: char| c.is_ascii_digit()) {
                Part::Number(Numeric::from_digits(part))
            } else {
                Part::Name(special_form(part))
            }
        })
        .collect();
    Ok(PackagistVersion { parts })
}

/// `php_canonicalize_version`, with other punctuation kept (see the module docs).
fn canonicalize(version: &str) -> String {
    // `isdigit(x) && x != '.'` and `!isdigit(x) && x != '.'` in PHP.
    let is_digit = |c: char| c.is_ascii_digit();
    let is_non_digit = |c: char| !c.is_ascii_digit() && c != '.';
    let mut canonical = String::with_capacity(version.len() * 2);
    let mut chars = version.chars();
    let Some(first) = chars.next() else {
        return canonical;
    };
    canonical.push(first);
    let mut previous = first;
    for character in chars {
        let last_written = canonical.chars().next_back();
        // `-`, `_` and `+` become `.`; runs of dots collapse (PHP >= 5.3).
        if matches!(character, '-' | '_' | '+' | '.') {
            if last_written != Some('.') {
                canonical.push('.');
            }
        } else if (is_non_digit(previous) && is_digit(character))
            || (is_digit(previous) && is_non_digit(character))
        {
            if last_written != Some('.') {
                canonical.push('.');
            }
            canonical.push(character);
        } else {
            canonical.push(character);
        }
        previous = character;
    }
    canonical
}

/// `compare_special_version_forms`: the first form that `part` starts with.
fn special_form(part: &str) -> i8 {
    SPECIAL_FORMS
        .iter()
        .find(|(form, _)| part.starts_with(form))
        .map_or(-1, |(_, order)| *order)
}

/// Where a part (or the end, `None`) sorts before values are compared: names below `#`, then
/// `#` and the end, numbers, and `pl`.
fn rank(part: Option<&Part>) -> (u8, Option<&Numeric>) {
    match part {
        Some(Part::Name(order)) if *order < HASH => (u8::try_from(order + 1).unwrap_or(0), None),
        Some(Part::Name(HASH)) | None => (5, None),
        Some(Part::Number(number)) => (6, Some(number)),
        Some(Part::Name(_)) => (7, None),
    }
}

impl Ord for PackagistVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let length = self.parts.len().max(other.parts.len());
        for index in 0..length {
            match rank(self.parts.get(index)).cmp(&rank(other.parts.get(index))) {
                Ordering::Equal => {}
                different => return different,
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for PackagistVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for PackagistVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for PackagistVersion {}

#[cfg(test)]
mod tests {
    // PHP canonicalization and `version_compare` order.

    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        parse(a).unwrap().cmp(&parse(b).unwrap())
    }

    #[test]
    fn canonical_form() {
        assert_eq!(canonicalize("4.3.2RC1"), "4.3.2.RC.1");
        assert_eq!(canonicalize("1.0-dev"), "1.0.dev");
        assert_eq!(canonicalize("1.0.0-beta2.1"), "1.0.0.beta.2.1");
        assert_eq!(canonicalize("1..2__3"), "1.2.3");
        assert_eq!(canonicalize("1.2.3.#"), "1.2.3.#");
        assert_eq!(canonicalize("1#2"), "1.#.2");
    }

    #[test]
    fn php_order() {
        let ordered = ["1.0-dev", "1.0a1", "1.0b1", "1.0RC1", "1.0", "1.0pl1"];
        for pair in ordered.windows(2) {
            if let [a, b] = pair {
                assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
            }
        }
        assert_eq!(cmp("1.0rc1", "1.0RC1"), Ordering::Equal);
        assert_eq!(cmp("1.0Rc1", "1.0-dev"), Ordering::Less);
        assert_eq!(cmp("1.0.0", "1.0"), Ordering::Greater);
        assert_eq!(cmp("1.0-patch1", "1.0"), Ordering::Greater);
        assert_eq!(cmp("v1.0", "1.0"), Ordering::Equal);
        assert_eq!(cmp("dev-main", "0.0.1"), Ordering::Less);
        assert_eq!(cmp("1.2.3.#", "1.2.3"), Ordering::Equal);
        assert_eq!(cmp("1.2.3.#", "1.2.3.0"), Ordering::Less);
    }

    #[test]
    fn only_empty_and_lone_v_are_rejected() {
        assert_eq!(parse("").unwrap_err(), InvalidKind::Empty);
        assert_eq!(parse("v").unwrap_err(), InvalidKind::UnexpectedEnd);
        assert!(parse("anything at all").is_ok());
    }
}
