//! Alpine package versions as apk-tools orders them (Alpine, Wolfi, Chainguard, `MinimOS`).
//!
//! Follows apk-tools 3 `src/version.c` (`token_first`, `token_next`, `token_cmp`,
//! `apk_version_compare`): `digits{.digits}{letter}{_suffix{digits}}{~hash}{-r#}` is read as a
//! sequence of typed tokens and two versions are compared token by token. Equal types compare
//! values: numbers by value, except that a digit run after a `.` with a leading zero compares
//! as a string (Gentoo's rule); letters and suffixes by rank (`_alpha < _beta < _pre < _rc <
//! (none) < _cvs < _svn < _git < _hg < _p`); commit hashes as strings. At the first type
//! difference a pre-release suffix loses, otherwise the version whose token type comes later in
//! the grammar (the one that "ended" sooner) is older.
//!
//! apk compares any string, valid or not, and so does this module (only the empty string is
//! rejected). apk-tools 3 stops at the first malformed token and calls everything after it
//! equal; apk-tools 2 kept reading with looser rules; the conformance corpus (osv-scalibr's,
//! which mixes lines written against both) needs parts of each. The rules below keep apk-tools
//! 3's order for every valid version and extend it to malformed ones in a way that is still a
//! total order:
//!
//! - `-r` with no digits is revision 0 when no letter follows (apk-tools 2: `1-r` = `1-r0`).
//! - Where a version becomes malformed, its tail becomes a final "malformed" token, which sorts
//!   below the end of a version (as in apk-tools 3: `1 > 1-ruff`, `1.2 > 1.2_blah`). Two
//!   malformed tails at the same place compare as byte strings (`a < b`, `6.6.2p1 < 6.6.2p2`,
//!   as apk-tools 2 orders them), except that a tail starting with `-` counts as empty, so
//!   trailing garbage after a hyphen is ignored (`1-ruff2 = 1--ruff1`, `1-r0-1 = 1-r-2`).
//!
//! Numbers compare by exact value; apk-tools parses them into a wrapping `uint64_t`.

use std::cmp::Ordering;

use crate::InvalidKind;
use crate::numeric::Numeric;

/// A parsed apk version: its tokens, always ending with [`Token::End`] or [`Token::Malformed`].
#[derive(Debug, Clone)]
pub(crate) struct ApkVersion {
    tokens: Vec<Token>,
}

/// apk-tools' `TOKEN_*` types, in the grammar's order; a later type "ended" the version sooner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    InitialDigit,
    Digit,
    Letter,
    Suffix,
    SuffixNumber,
    CommitHash,
    Revision,
    End,
    Malformed,
}

/// apk-tools' `SUFFIX_*` ranks; `NONE` (5) is the absence of a suffix.
const SUFFIXES: [(&str, u8); 9] = [
    ("alpha", 1),
    ("beta", 2),
    ("pre", 3),
    ("rc", 4),
    ("cvs", 6),
    ("svn", 7),
    ("git", 8),
    ("hg", 9),
    ("p", 10),
];

/// The rank of "no suffix": suffixes below it are pre-releases.
const SUFFIX_NONE: u8 = 5;

/// One token with its value.
#[derive(Debug, Clone)]
enum Token {
    /// The leading number.
    InitialDigit(Numeric),
    /// A number after a `.`; `text` decides leading-zero comparisons.
    Digit { text: Box<str>, number: Numeric },
    /// The single lowercase letter after the numbers.
    Letter(u8),
    /// A `_suffix`, by rank.
    Suffix(u8),
    /// The number after a suffix.
    SuffixNumber(Numeric),
    /// `~hash`.
    CommitHash(Box<str>),
    /// `-rN`.
    Revision(Numeric),
    /// The end of a well-formed version.
    End,
    /// The unparsed tail of a malformed version (empty when it started with `-`).
    Malformed(Box<[u8]>),
}

impl Token {
    fn kind(&self) -> Kind {
        match self {
            Self::InitialDigit(_) => Kind::InitialDigit,
            Self::Digit { .. } => Kind::Digit,
            Self::Letter(_) => Kind::Letter,
            Self::Suffix(_) => Kind::Suffix,
            Self::SuffixNumber(_) => Kind::SuffixNumber,
            Self::CommitHash(_) => Kind::CommitHash,
            Self::Revision(_) => Kind::Revision,
            Self::End => Kind::End,
            Self::Malformed(_) => Kind::Malformed,
        }
    }

    /// Whether this is a suffix that makes a pre-release (`_alpha`, `_beta`, `_pre`, `_rc`).
    fn is_pre_release_suffix(&self) -> bool {
        matches!(self, Self::Suffix(rank) if *rank < SUFFIX_NONE)
    }
}

/// Reads `text` into tokens as apk-tools 3's `token_first`/`token_next` do, with the recovery
/// rules in the module docs.
pub(crate) fn parse(text: &str) -> Result<ApkVersion, InvalidKind> {
    if text.is_empty() {
        return Err(InvalidKind::Empty);
    }
    Ok(ApkVersion {
        tokens: tokenize(text.as_bytes()),
    })
}

/// The length of the run at the start of `bytes` whose bytes satisfy `keep`.
fn run(bytes: &[u8], keep: impl Fn(u8) -> bool) -> usize {
    bytes.iter().take_while(|byte| keep(**byte)).count()
}

/// The malformed tail starting at `start`.
fn malformed(text: &[u8], start: usize) -> Token {
    let tail = text.get(start..).unwrap_or_default();
    if tail.first() == Some(&b'-') {
        Token::Malformed(Box::default())
    } else {
        Token::Malformed(tail.into())
    }
}

/// The digits at `text[start..start + length]` as text and number.
fn digits_at(text: &[u8], start: usize, length: usize) -> (&str, Numeric) {
    let digits = text
        .get(start..start + length)
        .and_then(|digits| std::str::from_utf8(digits).ok())
        .unwrap_or_default();
    (digits, Numeric::from_digits(digits))
}

fn tokenize(text: &[u8]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let initial = run(text, |byte| byte.is_ascii_digit());
    if initial == 0 {
        tokens.push(malformed(text, 0));
        return tokens;
    }
    tokens.push(Token::InitialDigit(digits_at(text, 0, initial).1));
    let mut kind = Kind::InitialDigit;
    let mut position = initial;
    loop {
        let Some(&byte) = text.get(position) else {
            tokens.push(Token::End);
            return tokens;
        };
        let start = position;
        let rest = |offset: usize| text.get(start + offset..).unwrap_or_default();
        let token = match byte {
            b'a'..=b'z' if kind <= Kind::Digit => {
                position += 1;
                Some(Token::Letter(byte))
            }
            b'.' | b'0'..=b'9' => {
                let skip = usize::from(byte == b'.');
                let number_kind = match kind {
                    Kind::InitialDigit | Kind::Digit => Some(Kind::Digit),
                    Kind::Suffix if byte != b'.' => Some(Kind::SuffixNumber),
                    _ => None,
                };
                let length = run(rest(skip), |byte| byte.is_ascii_digit());
                match number_kind {
                    Some(number_kind) if length > 0 => {
                        let (digits, number) = digits_at(text, start + skip, length);
                        position += skip + length;
                        Some(if number_kind == Kind::Digit {
                            Token::Digit {
                                text: digits.into(),
                                number,
                            }
                        } else {
                            Token::SuffixNumber(number)
                        })
                    }
                    _ => None,
                }
            }
            b'_' if kind <= Kind::SuffixNumber => {
                let length = run(rest(1), |byte| byte.is_ascii_lowercase());
                let name = rest(1).get(..length).unwrap_or_default();
                SUFFIXES
                    .iter()
                    .find(|(suffix, _)| suffix.as_bytes() == name)
                    .map(|(_, rank)| {
                        position += 1 + length;
                        Token::Suffix(*rank)
                    })
            }
            b'~' if kind < Kind::CommitHash => {
                // apk's `APK_CTYPE_HEXDIGIT` is lowercase only (src/ctype.c).
                let length = run(rest(1), |byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'));
                (length > 0).then(|| {
                    position += 1 + length;
                    let hash = rest(1).get(..length).unwrap_or_default();
                    Token::CommitHash(String::from_utf8_lossy(hash).into())
                })
            }
            b'-' if kind < Kind::Revision && rest(1).first() == Some(&b'r') => {
                let length = run(rest(2), |byte| byte.is_ascii_digit());
                let letter_follows = rest(2).first().is_some_and(u8::is_ascii_alphabetic);
                (length > 0 || !letter_follows).then(|| {
                    position += 2 + length;
                    Token::Revision(digits_at(text, start + 2, length).1)
                })
            }
            _ => None,
        };
        let Some(token) = token else {
            tokens.push(malformed(text, start));
            return tokens;
        };
        kind = token.kind();
        tokens.push(token);
    }
}

/// apk-tools' `token_cmp()` for two tokens of the same type.
fn compare_values(a: &Token, b: &Token) -> Ordering {
    match (a, b) {
        (Token::InitialDigit(a), Token::InitialDigit(b))
        | (Token::SuffixNumber(a), Token::SuffixNumber(b))
        | (Token::Revision(a), Token::Revision(b)) => a.cmp(b),
        (
            Token::Digit {
                text: a_text,
                number: a_number,
            },
            Token::Digit {
                text: b_text,
                number: b_number,
            },
        ) => {
            if a_text.starts_with('0') || b_text.starts_with('0') {
                a_text.as_bytes().cmp(b_text.as_bytes())
            } else {
                a_number.cmp(b_number)
            }
        }
        (Token::Letter(a), Token::Letter(b)) | (Token::Suffix(a), Token::Suffix(b)) => a.cmp(b),
        (Token::CommitHash(a), Token::CommitHash(b)) => a.as_bytes().cmp(b.as_bytes()),
        (Token::Malformed(a), Token::Malformed(b)) => a.cmp(b),
        _ => Ordering::Equal,
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        for (a, b) in self.tokens.iter().zip(&other.tokens) {
            if a.kind() == b.kind() {
                match compare_values(a, b) {
                    Ordering::Equal => continue,
                    different => return different,
                }
            }
            // The first difference in type decides (`apk_version_compare`'s tail).
            if a.is_pre_release_suffix() {
                return Ordering::Less;
            }
            if b.is_pre_release_suffix() {
                return Ordering::Greater;
            }
            return b.kind().cmp(&a.kind());
        }
        // Both sequences ended with equal terminal tokens (a terminal ends the iteration).
        Ordering::Equal
    }
}

impl PartialOrd for ApkVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ApkVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ApkVersion {}

#[cfg(test)]
mod tests {
    // apk-tools token order, and the malformed-tail rules.

    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        parse(a).unwrap().cmp(&parse(b).unwrap())
    }

    #[test]
    fn suffixes_letters_and_revisions() {
        assert_eq!(cmp("1.2_rc1", "1.2"), Ordering::Less);
        assert_eq!(cmp("1.2_p1", "1.2"), Ordering::Greater);
        assert_eq!(cmp("1.2_alpha_pre2", "1.2_alpha"), Ordering::Less);
        assert_eq!(cmp("1.2a", "1.2"), Ordering::Greater);
        assert_eq!(cmp("1.2a", "1.2.1"), Ordering::Less);
        assert_eq!(cmp("1.2-r1", "1.2"), Ordering::Greater);
        assert_eq!(cmp("1.2-r10", "1.2-r9"), Ordering::Greater);
        assert_eq!(cmp("1.2~abc-r1", "1.2~abd-r0"), Ordering::Less);
        // Uppercase is not a hash digit, so the tail is malformed.
        assert_eq!(cmp("1.2~ABC", "1.2"), Ordering::Less);
    }

    #[test]
    fn leading_zeros_compare_as_strings_after_a_dot() {
        assert_eq!(cmp("1.02", "1.1"), Ordering::Less);
        assert_eq!(cmp("1.010", "1.02"), Ordering::Less);
        assert_eq!(cmp("1.10", "1.9"), Ordering::Greater);
        assert_eq!(cmp("01", "1"), Ordering::Equal);
    }

    #[test]
    fn malformed_tails() {
        assert_eq!(cmp("1-r", "1-r0"), Ordering::Equal);
        assert_eq!(cmp("1", "1-ruff"), Ordering::Greater);
        assert_eq!(cmp("1-ruff2", "1--ruff1"), Ordering::Equal);
        assert_eq!(cmp("a", "b"), Ordering::Less);
        assert_eq!(cmp(".1", "1"), Ordering::Less);
        assert_eq!(cmp("1.2_blah", "1.2"), Ordering::Less);
        assert_eq!(cmp("1.2_pre1", "1.2_blah"), Ordering::Less);
        assert_eq!(cmp("1.2A", "1.2"), Ordering::Less);
    }

    #[test]
    fn wide_numbers_are_exact() {
        assert_eq!(
            cmp("1.18446744073709551617", "1.18446744073709551616"),
            Ordering::Greater
        );
    }

    #[test]
    fn tokens_of_a_full_version() {
        let version = parse("1.2.3b_rc4~af0-r5").unwrap();
        let kinds: Vec<_> = version.tokens.iter().map(Token::kind).collect();
        assert_eq!(
            kinds,
            [
                Kind::InitialDigit,
                Kind::Digit,
                Kind::Digit,
                Kind::Letter,
                Kind::Suffix,
                Kind::SuffixNumber,
                Kind::CommitHash,
                Kind::Revision,
                Kind::End,
            ]
        );
    }
}
