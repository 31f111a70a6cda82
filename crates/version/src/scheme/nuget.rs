//! `NuGet` versions, as NuGet.Versioning's `VersionComparer` (`VersionComparison.Default`)
//! orders them.
//!
//! `major[.minor[.patch[.revision]]][-label.label...][+metadata]`: missing numbers are 0, so
//! `1.0` = `1.0.0.0`. A version without release labels sorts after one with them; labels
//! compare one by one (`CompareRelease`): labels that parse as a 32-bit integer numerically and
//! before text, text case-insensitively (`StringComparer.OrdinalIgnoreCase`); more labels sort
//! after fewer. Metadata is ignored.
//!
//! `NuGet` stores the four numbers as `int`; here they may be any size (the conformance corpus
//! compares 30-digit numbers). More than four numbers is an error, as in `NuGet`.

use std::cmp::Ordering;

use crate::InvalidKind;
use crate::numeric::Numeric;

/// The most numeric components `NuGet` accepts.
const MAX_COMPONENTS: usize = 4;

/// A parsed `NuGet` version.
#[derive(Debug, Clone)]
pub(crate) struct NuGetVersion {
    numbers: [Numeric; MAX_COMPONENTS],
    labels: Vec<Label>,
}

/// One release label: 32-bit integers before text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Label {
    Number(u32),
    /// Uppercased, so that comparing bytes is `OrdinalIgnoreCase` (labels are ASCII).
    Text(Box<str>),
}

/// Parses a `NuGet` version.
pub(crate) fn parse(text: &str) -> Result<NuGetVersion, InvalidKind> {
    if text.is_empty() {
        return Err(InvalidKind::Empty);
    }
    let rest = match text.split_once('+') {
        Some((rest, metadata)) => {
            check_identifiers(metadata, rest.len() + 1)?;
            rest
        }
        None => text,
    };
    let (core, labels) = match rest.split_once('-') {
        Some((core, labels)) => {
            check_identifiers(labels, core.len() + 1)?;
            (core, labels.split('.').map(label).collect())
        }
        None => (rest, Vec::new()),
    };
    let mut numbers = [const { Numeric::ZERO }; MAX_COMPONENTS];
    let mut offset = 0;
    for (index, component) in core.split('.').enumerate() {
        let slot = numbers
            .get_mut(index)
            .ok_or(InvalidKind::TooManyComponents {
                max: MAX_COMPONENTS,
            })?;
        if let Some(bad) = component.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(InvalidKind::UnexpectedCharacter {
                offset: offset + bad.0,
                character: bad.1,
            });
        }
        if component.is_empty() {
            return Err(if offset + component.len() == text.len() {
                InvalidKind::UnexpectedEnd
            } else {
                unexpected_at(text, offset)
            });
        }
        *slot = Numeric::from_digits(component);
        offset += component.len() + 1;
    }
    Ok(NuGetVersion { numbers, labels })
}

/// The character at `offset`, as an error.
fn unexpected_at(text: &str, offset: usize) -> InvalidKind {
    text.get(offset..)
        .and_then(|rest| rest.chars().next())
        .map_or(InvalidKind::UnexpectedEnd, |character| {
            InvalidKind::UnexpectedCharacter { offset, character }
        })
}

/// Checks that `identifiers` (starting at byte `offset` of the version) is non-empty
/// `[0-9A-Za-z-]+` parts separated by dots.
fn check_identifiers(identifiers: &str, offset: usize) -> Result<(), InvalidKind> {
    let mut part_start = true;
    for (index, character) in identifiers.char_indices() {
        let valid = if character == '.' {
            !part_start
        } else {
            character.is_ascii_alphanumeric() || character == '-'
        };
        if !valid {
            return Err(InvalidKind::UnexpectedCharacter {
                offset: offset + index,
                character,
            });
        }
        part_start = character == '.';
    }
    if part_start {
        return Err(InvalidKind::UnexpectedEnd);
    }
    Ok(())
}

/// A label as `CompareRelease` sees it: numeric when `int.TryParse` accepts it.
fn label(text: &str) -> Label {
    if text.bytes().all(|byte| byte.is_ascii_digit())
        && let Ok(number) = text.parse::<u32>()
        && i32::try_from(number).is_ok()
    {
        return Label::Number(number);
    }
    Label::Text(text.to_ascii_uppercase().into())
}

impl Ord for NuGetVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.numbers.cmp(&other.numbers).then_with(|| {
            match (self.labels.is_empty(), other.labels.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => self.labels.cmp(&other.labels),
            }
        })
    }
}

impl PartialOrd for NuGetVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for NuGetVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for NuGetVersion {}

#[cfg(test)]
mod tests {
    // NuGet numbers, labels and rejected syntax.

    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        parse(a).unwrap().cmp(&parse(b).unwrap())
    }

    #[test]
    fn four_parts_and_case_insensitive_labels() {
        assert_eq!(cmp("1.0", "1.0.0.0"), Ordering::Equal);
        assert_eq!(cmp("1.0.0.1", "1.0.0"), Ordering::Greater);
        assert_eq!(cmp("1.0.0-BETA", "1.0.0-beta"), Ordering::Equal);
        assert_eq!(cmp("1.0.0-beta", "1.0.0"), Ordering::Less);
        assert_eq!(cmp("1.0.0-beta.2", "1.0.0-beta.10"), Ordering::Less);
        assert_eq!(cmp("1.0.0-beta.2", "1.0.0-beta.a"), Ordering::Less);
        assert_eq!(cmp("1.0.0-beta", "1.0.0-beta.1"), Ordering::Less);
        assert_eq!(cmp("1.0.0+a", "1.0.0+b"), Ordering::Equal);
        // Beyond `int` a label is text: after numbers, and compared as text.
        assert_eq!(cmp("1.0.0-9999999999", "1.0.0-2"), Ordering::Greater);
        assert_eq!(cmp("1.0.0-10000000000", "1.0.0-9999999999"), Ordering::Less);
    }

    #[test]
    fn garbage_is_rejected() {
        assert_eq!(parse("").unwrap_err(), InvalidKind::Empty);
        assert_eq!(
            parse("1.2.3.4.5").unwrap_err(),
            InvalidKind::TooManyComponents { max: 4 }
        );
        assert_eq!(parse("1.").unwrap_err(), InvalidKind::UnexpectedEnd);
        assert_eq!(parse("1.0-").unwrap_err(), InvalidKind::UnexpectedEnd);
        assert_eq!(
            parse("v1.0").unwrap_err(),
            InvalidKind::UnexpectedCharacter {
                offset: 0,
                character: 'v'
            }
        );
        assert_eq!(
            parse("1..0").unwrap_err(),
            InvalidKind::UnexpectedCharacter {
                offset: 2,
                character: '.'
            }
        );
        assert!(parse("1.0-a_b").is_err());
        assert!(parse("1.0+a..b").is_err());
    }
}
