//! Debian versions as dpkg parses and orders them (Debian, Ubuntu).
//!
//! Parsing follows dpkg's `parseversion()` (lib/dpkg/parsehelp.c): surrounding blanks are
//! trimmed, the epoch is the number before the first `:`, the revision follows the last `-`.
//! Its hard errors are ours; its warnings (upstream not starting with a digit, characters
//! outside Debian policy) are not, because `dpkg --compare-versions` only warns about them.
//! Ordering is `verrevcmp()` (lib/dpkg/version.c) on upstream and then revision, after the
//! epoch: non-digit runs compare character by character where `~` sorts before everything,
//! even the end, and letters before other characters; digit runs compare as numbers.
//!
//! A one-off differential run against `dpkg --compare-versions` (dpkg 1.21.22, amd64) on 16,000
//! random pairs of digits, letters, `.+~-:_%` and `é`, errors included, found no difference.

use std::cmp::Ordering;

use crate::InvalidKind;

/// dpkg's largest epoch (`INT_MAX`).
const MAX_EPOCH: u32 = 2_147_483_647;

/// A parsed Debian version: `epoch:upstream-revision`.
#[derive(Debug, Clone)]
pub(crate) struct DpkgVersion {
    epoch: u32,
    upstream: Box<str>,
    /// Empty when the version has no `-`, which orders like `0`.
    revision: Box<str>,
}

/// dpkg's `c_isblank`: the blanks `parseversion` trims and rejects inside.
fn is_blank(character: char) -> bool {
    character == ' ' || character == '\t'
}

/// Parses a version as dpkg's `parseversion()` does.
pub(crate) fn parse(text: &str) -> Result<DpkgVersion, InvalidKind> {
    let trimmed = text.trim_matches(is_blank);
    if trimmed.is_empty() {
        return Err(InvalidKind::Empty);
    }
    if trimmed.contains(is_blank) {
        return Err(InvalidKind::EmbeddedWhitespace);
    }
    let (epoch, rest) = match trimmed.split_once(':') {
        Some((epoch, rest)) => {
            let epoch = parse_epoch(epoch)?;
            if rest.is_empty() {
                return Err(InvalidKind::NothingAfterEpoch);
            }
            (epoch, rest)
        }
        None => (0, trimmed),
    };
    let (upstream, revision) = match rest.rsplit_once('-') {
        Some((_, "")) => return Err(InvalidKind::EmptyRevision),
        Some((upstream, revision)) => (upstream, revision),
        None => (rest, ""),
    };
    if upstream.is_empty() {
        return Err(InvalidKind::EmptyUpstream);
    }
    Ok(DpkgVersion {
        epoch,
        upstream: upstream.into(),
        revision: revision.into(),
    })
}

/// The epoch as dpkg reads it with `strtol`: optional leading space and sign, then digits
/// that must run up to the colon; negative values and values above `INT_MAX` are errors.
fn parse_epoch(epoch: &str) -> Result<u32, InvalidKind> {
    let unsigned = epoch.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == '\x0b');
    let (negative, digits) = match unsigned.as_bytes().first() {
        Some(b'-') => (true, unsigned.get(1..).unwrap_or_default()),
        Some(b'+') => (false, unsigned.get(1..).unwrap_or_default()),
        _ => (false, unsigned),
    };
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(InvalidKind::EpochNotNumber);
    }
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        return Ok(0);
    }
    if negative {
        return Err(InvalidKind::EpochOutOfRange);
    }
    significant
        .parse::<u32>()
        .ok()
        .filter(|value| *value <= MAX_EPOCH)
        .ok_or(InvalidKind::EpochOutOfRange)
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(self.upstream.as_bytes(), other.upstream.as_bytes()))
            .then_with(|| verrevcmp(self.revision.as_bytes(), other.revision.as_bytes()))
    }
}

impl PartialOrd for DpkgVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for DpkgVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DpkgVersion {}

/// dpkg's `order()`: the weight of one character of a non-digit run; the end of the string
/// and digits weigh 0, `~` weighs -1, letters their code and everything else its code + 256.
/// Bytes above 0x7f weigh their value, as on dpkg builds where `char` is signed (x86-64).
fn order(byte: Option<u8>) -> i32 {
    match byte {
        None => 0,
        Some(byte) if byte.is_ascii_digit() => 0,
        Some(byte) if byte.is_ascii_alphabetic() => i32::from(byte),
        Some(b'~') => -1,
        Some(byte) if byte >= 0x80 => i32::from(byte),
        Some(byte) => i32::from(byte) + 256,
    }
}

/// dpkg's `verrevcmp()` on one part of a version (upstream or revision).
fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let is_digit = |byte: Option<&u8>| byte.is_some_and(u8::is_ascii_digit);
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        // Non-digit runs, character by character; a run that ends first weighs 0 from there on.
        while (i < a.len() && !is_digit(a.get(i))) || (j < b.len() && !is_digit(b.get(j))) {
            let (left, right) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if left != right {
                return left.cmp(&right);
            }
            i += 1;
            j += 1;
        }
        // Digit runs, as numbers: skip leading zeros, then the longer run is larger, then the
        // first differing digit decides.
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_difference = Ordering::Equal;
        while is_digit(a.get(i)) && is_digit(b.get(j)) {
            if first_difference == Ordering::Equal {
                first_difference = a.get(i).cmp(&b.get(j));
            }
            i += 1;
            j += 1;
        }
        if is_digit(a.get(i)) {
            return Ordering::Greater;
        }
        if is_digit(b.get(j)) {
            return Ordering::Less;
        }
        if first_difference != Ordering::Equal {
            return first_difference;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    // dpkg's parse errors and `verrevcmp` corner cases.

    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        parse(a).unwrap().cmp(&parse(b).unwrap())
    }

    #[test]
    fn tilde_sorts_before_the_end() {
        assert_eq!(cmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0~~", "1.0~"), Ordering::Less);
        assert_eq!(cmp("1.0~~a", "1.0~~"), Ordering::Greater);
        assert_eq!(cmp("1.2.3-1~deb7u1", "1.2.3-1"), Ordering::Less);
    }

    #[test]
    fn letters_sort_before_other_characters() {
        assert_eq!(cmp("1.0a", "1.0+"), Ordering::Less);
        assert_eq!(cmp("1.0", "1.0a"), Ordering::Less);
        assert_eq!(cmp("1.0+dfsg", "1.0.1"), Ordering::Less);
    }

    #[test]
    fn epochs_revisions_and_numbers() {
        assert_eq!(cmp("1:0.1", "9.9"), Ordering::Greater);
        assert_eq!(cmp("01:2", "1:2"), Ordering::Equal);
        assert_eq!(cmp("1.0", "1.0-0"), Ordering::Equal);
        assert_eq!(cmp("1.0-00", "1.0"), Ordering::Equal);
        assert_eq!(cmp("1.010", "1.9"), Ordering::Greater);
        assert_eq!(
            cmp("1.999999999999999999999999", "1.1000000000000000000000000"),
            Ordering::Less
        );
        // Upstream may contain hyphens and colons; the revision is after the last hyphen.
        assert_eq!(cmp("1:2-3-4", "1:2-3-5"), Ordering::Less);
        assert_eq!(cmp("1:2:3-1", "1:2:3-1"), Ordering::Equal);
    }

    #[test]
    fn warnings_are_accepted_like_dpkg_compare_versions() {
        assert!(parse("abc").is_ok());
        assert!(parse("1.0_beta").is_ok());
        assert!(parse("  1.0-1\t").is_ok());
    }

    #[test]
    fn dpkg_errors_are_errors() {
        assert_eq!(parse("").unwrap_err(), InvalidKind::Empty);
        assert_eq!(parse(" \t").unwrap_err(), InvalidKind::Empty);
        assert_eq!(parse("1.0 1").unwrap_err(), InvalidKind::EmbeddedWhitespace);
        assert_eq!(parse(":1.0").unwrap_err(), InvalidKind::EpochNotNumber);
        assert_eq!(parse("a:1.0").unwrap_err(), InvalidKind::EpochNotNumber);
        assert_eq!(parse("1a:1.0").unwrap_err(), InvalidKind::EpochNotNumber);
        assert_eq!(parse("-1:1.0").unwrap_err(), InvalidKind::EpochOutOfRange);
        assert_eq!(
            parse("2147483648:1.0").unwrap_err(),
            InvalidKind::EpochOutOfRange
        );
        assert_eq!(parse("1:").unwrap_err(), InvalidKind::NothingAfterEpoch);
        assert_eq!(parse("1.0-").unwrap_err(), InvalidKind::EmptyRevision);
        assert_eq!(parse("-1").unwrap_err(), InvalidKind::EmptyUpstream);
        assert_eq!(parse("2147483647:1").unwrap().epoch, MAX_EPOCH);
        assert_eq!(parse("+1:1").unwrap().epoch, 1);
        assert_eq!(parse("-0:1").unwrap().epoch, 0);
    }

    #[test]
    fn non_ascii_bytes_sort_between_letters_and_punctuation() {
        assert_eq!(cmp("1.0z", "1.0é"), Ordering::Less);
        assert_eq!(cmp("1.0é", "1.0+"), Ordering::Less);
    }
}
