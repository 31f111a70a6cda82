//! Maven versions, ordered by the POM reference's "Version Order Specification"
//! (maven.apache.org/pom.html#version-order-specification), which `ComparableVersion`
//! (maven-artifact) implements.
//!
//! The version is lowercased and split into tokens at `.`, `-` and every transition between
//! ASCII digits and other characters (a transition counts as `-`); empty tokens are `0`.
//! `a`, `b` and `m` directly followed by a digit mean `alpha`, `beta` and `milestone`; `cr` is
//! `rc`; `ga`, `final` and `release` are the empty qualifier. Null tokens (`0`, the empty
//! qualifier) are trimmed from the end and from before every `-` token. Tokens compare with
//! qualifiers `alpha < beta < milestone < rc < snapshot < "" < sp < others (alphabetical)`,
//! `-qualifier < -number < .number`, and the shorter version is padded with nulls.
//!
//! Two deliberate departures make the order total, which neither the specification nor
//! `ComparableVersion` is (`1-alpha < 1 < 1.sp < 1-alpha` under the specification's rules):
//!
//! - Every qualifier counts as `-`-prefixed, as Maven 3.9+ already does for a trailing one
//!   (MNG-7644: `1.0.0.RC1 < 1.0.0-RC2`, `2.0.X = 2-X`). The specification's `1.foo = 1-foo`
//!   example holds this way and no longer contradicts `.qualifier < -qualifier`.
//! - The padding that stands in for a missing token sorts above the pre-release qualifiers and
//!   below every other token, including a `0` or empty qualifier that trimming left in place.
//!   The specification pads with `0` or `""` instead; the answers agree, because trimming only
//!   leaves a null token where a non-null one follows it.
//!
//! In a one-off differential run against maven-artifact 3.8.7's `ComparableVersion` on 20,000
//! random realistic pairs (numbers with `-SNAPSHOT`, `-rc1`, `.Final`, `-redhat-00001`, ...
//! suffixes) this order differed on 4, each with `ga`, `final` or `release` in mid-version,
//! where 3.8.7 also fails the corpus line `1-1 = 1-ga-1`.
//!
//! Any string is a Maven version, except the empty one.

use std::cmp::Ordering;

use crate::InvalidKind;
use crate::numeric::Numeric;

/// A parsed Maven version: its tokens after trimming.
#[derive(Debug, Clone)]
pub(crate) struct MavenVersion {
    tokens: Vec<Token>,
}

/// One token; qualifiers are always `-`-prefixed (see the module docs).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Qualifier(Qualifier),
    Number { hyphen: bool, value: Numeric },
}

/// A qualifier, in the specification's order; unknown qualifiers come last, alphabetically.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Qualifier {
    Alpha,
    Beta,
    Milestone,
    ReleaseCandidate,
    Snapshot,
    /// The empty qualifier: `""`, `ga`, `final`, `release`.
    Release,
    ServicePack,
    Other(JavaString),
}

/// A string ordered as Java's `String.compareTo` does: by UTF-16 code unit.
#[derive(Debug, Clone, PartialEq, Eq)]
struct JavaString(Box<str>);

impl Ord for JavaString {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.encode_utf16().cmp(other.0.encode_utf16())
    }
}

impl PartialOrd for JavaString {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Token {
    /// Whether trimming removes this token: `0` and the empty qualifier.
    fn is_null(&self) -> bool {
        match self {
            Self::Qualifier(qualifier) => *qualifier == Qualifier::Release,
            Self::Number { value, .. } => value.is_zero(),
        }
    }

    /// Whether this token is `-`-prefixed (every qualifier is).
    fn is_hyphenated(&self) -> bool {
        match self {
            Self::Qualifier(_) => true,
            Self::Number { hyphen, .. } => *hyphen,
        }
    }
}

/// How a raw token was introduced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Separator {
    Dot,
    Hyphen,
}

/// Splits, aliases and trims `text` as the module docs describe.
pub(crate) fn parse(text: &str) -> Result<MavenVersion, InvalidKind> {
    if text.is_empty() {
        return Err(InvalidKind::Empty);
    }
    let lower = text.to_lowercase();
    let mut tokens = Vec::new();
    let mut current = String::new();
    let mut separator = Separator::Dot;
    let mut current_is_digits: Option<bool> = None;
    for character in lower.chars() {
        if character == '.' || character == '-' {
            tokens.push(token(separator, &current, false));
            current.clear();
            current_is_digits = None;
            separator = if character == '.' {
                Separator::Dot
            } else {
                Separator::Hyphen
            };
            continue;
        }
        let is_digit = character.is_ascii_digit();
        if current_is_digits.is_some_and(|digits| digits != is_digit) {
            // A transition between digits and other characters separates like a hyphen.
            tokens.push(token(separator, &current, is_digit));
            current.clear();
            separator = Separator::Hyphen;
        }
        current.push(character);
        current_is_digits = Some(is_digit);
    }
    tokens.push(token(separator, &current, false));

    // Drop null tokens at the end and before every `-` token, repeatedly (walking backwards,
    // a dropped token never changes what follows the one before it).
    let mut kept: Vec<Token> = Vec::with_capacity(tokens.len());
    for token in tokens.into_iter().rev() {
        let before_hyphen_or_end = kept.last().is_none_or(Token::is_hyphenated);
        if !(token.is_null() && before_hyphen_or_end) {
            kept.push(token);
        }
    }
    kept.reverse();
    Ok(MavenVersion { tokens: kept })
}

/// One raw token: a number, or a qualifier with its aliases resolved.
fn token(separator: Separator, raw: &str, followed_by_digit: bool) -> Token {
    if raw.bytes().all(|byte| byte.is_ascii_digit()) {
        // Empty tokens (`1..2`, `1-`, a leading `.`) are `0`.
        return Token::Number {
            hyphen: separator == Separator::Hyphen,
            value: Numeric::from_digits(raw),
        };
    }
    Token::Qualifier(match raw {
        "a" if followed_by_digit => Qualifier::Alpha,
        "b" if followed_by_digit => Qualifier::Beta,
        "m" if followed_by_digit => Qualifier::Milestone,
        "alpha" => Qualifier::Alpha,
        "beta" => Qualifier::Beta,
        "milestone" => Qualifier::Milestone,
        "rc" | "cr" => Qualifier::ReleaseCandidate,
        "snapshot" => Qualifier::Snapshot,
        "ga" | "final" | "release" => Qualifier::Release,
        "sp" => Qualifier::ServicePack,
        other => Qualifier::Other(JavaString(other.into())),
    })
}

/// Where a token (or the padding, `None`) sorts before values are compared: pre-release
/// qualifiers, padding, other qualifiers, `-`numbers, `.`numbers.
fn class(token: Option<&Token>) -> u8 {
    match token {
        Some(Token::Qualifier(qualifier)) if *qualifier < Qualifier::Release => 0,
        None => 1,
        Some(Token::Qualifier(_)) => 2,
        Some(Token::Number { hyphen: true, .. }) => 3,
        Some(Token::Number { hyphen: false, .. }) => 4,
    }
}

impl Ord for MavenVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        let length = self.tokens.len().max(other.tokens.len());
        for index in 0..length {
            let (a, b) = (self.tokens.get(index), other.tokens.get(index));
            let ordering = class(a).cmp(&class(b)).then_with(|| match (a, b) {
                (Some(Token::Qualifier(a)), Some(Token::Qualifier(b))) => a.cmp(b),
                (Some(Token::Number { value: a, .. }), Some(Token::Number { value: b, .. })) => {
                    a.cmp(b)
                }
                _ => Ordering::Equal,
            });
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for MavenVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for MavenVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for MavenVersion {}

#[cfg(test)]
mod tests {
    // The specification's examples and maven-artifact's test orders.

    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        parse(a).unwrap().cmp(&parse(b).unwrap())
    }

    fn assert_ascending(versions: &[&str]) {
        for (index, low) in versions.iter().enumerate() {
            for high in versions.get(index + 1..).unwrap_or_default() {
                assert_eq!(cmp(low, high), Ordering::Less, "{low} < {high}");
                assert_eq!(cmp(high, low), Ordering::Greater, "{high} > {low}");
            }
        }
    }

    #[test]
    fn specification_examples() {
        assert_ascending(&["1", "1.1"]);
        assert_ascending(&["1-snapshot", "1", "1-sp"]);
        assert_ascending(&["1-foo2", "1-foo10"]);
        assert_ascending(&["1-foo", "1-1", "1.1"]);
        assert_eq!(cmp("1.foo", "1-foo"), Ordering::Equal);
        for same in ["1.ga", "1-ga", "1-0", "1.0", "1", "1.", "1-", "1.0.0-0.0.0"] {
            assert_eq!(cmp(same, "1"), Ordering::Equal, "{same}");
        }
        assert_ascending(&["1-ga", "1-sp"]);
        assert_ascending(&["1-ga.1", "1-sp.1"]);
        assert_ascending(&["1-sp-1", "1-ga-1"]);
        assert_eq!(cmp("1-ga-1", "1-1"), Ordering::Equal);
        assert_eq!(cmp("1-a1", "1-alpha-1"), Ordering::Equal);
        assert_eq!(cmp("1.0.0-foo.0.0", "1-foo"), Ordering::Equal);
    }

    // `ComparableVersionTest.VERSIONS_QUALIFIER` and `VERSIONS_NUMBER` (maven-artifact).
    #[test]
    fn comparable_version_test_orders() {
        assert_ascending(&[
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ]);
        assert_ascending(&[
            "2.0", "2.0.a", "2-1", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
            "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11",
            "11", "11.a", "11b", "11c", "11m",
        ]);
    }

    #[test]
    fn mng_regressions() {
        // MNG-6964: qualifiers after `-0.` are not null.
        assert_ascending(&["1-0.alpha", "1-0.beta", "1"]);
        // MNG-7644: `.X` is `-X`.
        for x in [
            "abc",
            "alpha",
            "a",
            "beta",
            "b",
            "def",
            "milestone",
            "m",
            "RC",
        ] {
            assert_ascending(&[&format!("1.0.0.{x}1"), &format!("1.0.0-{x}2")]);
            assert_eq!(cmp(&format!("2-{x}"), &format!("2.0.{x}")), Ordering::Equal);
            assert_eq!(
                cmp(&format!("2-{x}"), &format!("2.0.0.{x}")),
                Ordering::Equal
            );
        }
        // Unicode: case-insensitive, non-ASCII digits are not digits, UTF-16 order.
        assert_eq!(cmp("1.É", "1.é"), Ordering::Equal);
        assert_ascending(&["\u{0668}", "1"]);
        assert_ascending(&["zebra", "ζέβρα"]);
        assert_ascending(&["\u{10000}", "\u{ffff}"]);
    }

    #[test]
    fn totality_where_the_specification_cycles() {
        // Under the specification's rules 1-alpha < 1 < 1.sp < 1-alpha.
        assert_ascending(&["1-alpha", "1", "1.sp"]);
        assert!(parse("").is_err());
    }
}
