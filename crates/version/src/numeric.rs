//! Unbounded non-negative integers for numeric version components.
//!
//! Every scheme compares digit runs as numbers, and real tools disagree on how wide those numbers
//! may be (dpkg and rpm compare digit strings of any length, PHP saturates at `long`, `NuGet` stops
//! at `int`). The conformance corpus holds 30-digit components, so [`Numeric`] compares any
//! length exactly: a `u64` when it fits, the canonical digit string (no leading zeros) when not.

use std::cmp::Ordering;

/// A non-negative integer parsed from ASCII digits, compared by value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Numeric {
    /// Values up to `u64::MAX`.
    Small(u64),
    /// Larger values as their digits without leading zeros; always greater than any `Small`.
    Big(Box<str>),
}

impl Numeric {
    /// Zero.
    pub(crate) const ZERO: Self = Self::Small(0);

    /// The value of a run of ASCII digits; an empty run is zero. Callers pass only digits.
    pub(crate) fn from_digits(digits: &str) -> Self {
        let trimmed = digits.trim_start_matches('0');
        if trimmed.is_empty() {
            return Self::ZERO;
        }
        // `parse` fails here only on overflow, because callers pass only ASCII digits.
        trimmed
            .parse::<u64>()
            .map_or_else(|_| Self::Big(trimmed.into()), Self::Small)
    }

    /// The value of a run of ASCII digits given as bytes (see [`Numeric::from_digits`]).
    pub(crate) fn from_digit_bytes(digits: &[u8]) -> Self {
        std::str::from_utf8(digits).map_or(Self::ZERO, Self::from_digits)
    }

    /// Whether the value is zero.
    pub(crate) fn is_zero(&self) -> bool {
        matches!(self, Self::Small(0))
    }
}

impl Ord for Numeric {
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Small(a), Self::Small(b)) => a.cmp(b),
            (Self::Small(_), Self::Big(_)) => Ordering::Less,
            (Self::Big(_), Self::Small(_)) => Ordering::Greater,
            // Canonical digits: the longer number is the larger, equal lengths compare by digit.
            (Self::Big(a), Self::Big(b)) => a.len().cmp(&b.len()).then_with(|| a.cmp(b)),
        }
    }
}

impl PartialOrd for Numeric {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    // Construction and ordering of unbounded numbers.

    use super::*;

    #[test]
    fn leading_zeros_and_empty_are_ignored() {
        assert_eq!(Numeric::from_digits("007"), Numeric::Small(7));
        assert_eq!(Numeric::from_digits(""), Numeric::ZERO);
        assert_eq!(Numeric::from_digits("0000"), Numeric::ZERO);
        assert!(Numeric::from_digits("000").is_zero());
    }

    #[test]
    fn wide_numbers_compare_by_value() {
        let max = Numeric::from_digits("18446744073709551615");
        let above = Numeric::from_digits("18446744073709551616");
        assert_eq!(max, Numeric::Small(u64::MAX));
        assert!(matches!(above, Numeric::Big(_)));
        assert!(max < above);
        let a = Numeric::from_digits("999999999999999999999999999991");
        let b = Numeric::from_digits("0999999999999999999999999999999");
        assert!(a < b);
        assert!(Numeric::from_digits("100000000000000000000000") > a.clone().min(above));
    }
}
