//! Versions that are plain lists of numbers: CRAN (and Bioconductor) and Hackage.
//!
//! R's `package_version` splits on `.` and `-` (`1.0-2` is `[1, 0, 2]`); Haskell's
//! `Data.Version`, which Cabal and Hackage use, on `.` only. Both compare the lists element by
//! element with a shorter list first when it is a prefix of the other, so trailing zeros count:
//! `1.0 < 1.0.0` in both.
//!
//! R requires two or more components in a package version (`numeric_version` accepts one);
//! one is accepted here too, since OSV's `introduced: "0"` has one. Cabal's deprecated version
//! tags (`1.0-beta`) are rejected. Numbers may be any size, where R and Cabal stop at machine
//! integers.

use crate::InvalidKind;
use crate::numeric::Numeric;

/// A version as its list of numbers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct NumberList(Vec<Numeric>);

/// Parses an R package version: `[0-9]+([.-][0-9]+)*`.
pub(crate) fn parse_cran(text: &str) -> Result<NumberList, InvalidKind> {
    parse(text, |c| c == '.' || c == '-')
}

/// Parses a Hackage version: `[0-9]+(\.[0-9]+)*`.
pub(crate) fn parse_hackage(text: &str) -> Result<NumberList, InvalidKind> {
    parse(text, |c| c == '.')
}

fn parse(text: &str, is_separator: fn(char) -> bool) -> Result<NumberList, InvalidKind> {
    if text.is_empty() {
        return Err(InvalidKind::Empty);
    }
    let mut numbers = Vec::new();
    let mut start = 0;
    for (offset, character) in text.char_indices() {
        if character.is_ascii_digit() {
            continue;
        }
        if !is_separator(character) || offset == start {
            return Err(InvalidKind::UnexpectedCharacter { offset, character });
        }
        numbers.push(Numeric::from_digits(
            text.get(start..offset).unwrap_or_default(),
        ));
        start = offset + 1;
    }
    if start == text.len() {
        return Err(InvalidKind::UnexpectedEnd);
    }
    numbers.push(Numeric::from_digits(text.get(start..).unwrap_or_default()));
    Ok(NumberList(numbers))
}

#[cfg(test)]
mod tests {
    // CRAN and Hackage syntax and list order.

    use std::cmp::Ordering;

    use super::*;

    #[test]
    fn cran_splits_on_dots_and_hyphens() {
        let a = parse_cran("1.0-2").unwrap();
        let b = parse_cran("1.0.2").unwrap();
        assert_eq!(a.cmp(&b), Ordering::Equal);
        assert_eq!(
            parse_cran("1.0")
                .unwrap()
                .cmp(&parse_cran("1.0.0").unwrap()),
            Ordering::Less
        );
        assert_eq!(
            parse_cran("0.9").unwrap().cmp(&parse_cran("0.75").unwrap()),
            Ordering::Less
        );
        assert!(parse_cran("0").is_ok());
    }

    #[test]
    fn hackage_is_dots_only() {
        assert!(parse_hackage("1.0-2").is_err());
        assert_eq!(
            parse_hackage("1.0.0")
                .unwrap()
                .cmp(&parse_hackage("1.0").unwrap()),
            Ordering::Greater
        );
    }

    #[test]
    fn garbage_is_rejected() {
        assert_eq!(parse_cran("").unwrap_err(), InvalidKind::Empty);
        assert_eq!(parse_cran("1.").unwrap_err(), InvalidKind::UnexpectedEnd);
        assert_eq!(
            parse_cran(".1").unwrap_err(),
            InvalidKind::UnexpectedCharacter {
                offset: 0,
                character: '.'
            }
        );
        assert_eq!(
            parse_cran("1..1").unwrap_err(),
            InvalidKind::UnexpectedCharacter {
                offset: 2,
                character: '.'
            }
        );
        assert_eq!(
            parse_hackage("1.0a").unwrap_err(),
            InvalidKind::UnexpectedCharacter {
                offset: 3,
                character: 'a'
            }
        );
        assert!(parse_cran(" 1.0").is_err());
    }
}
