//! Rule priorities: Falco's eight syslog-style levels, parsed the way Falco reads a rule's
//! `priority` and the `priority` setting (minimum priority), printed the way its alerts spell
//! them.
//!
//! Mirrors `falco_common::parse_priority` and `format_priority` in
//! falcosecurity/falco `userspace/engine/falco_common.cpp`: names compare case-insensitively,
//! `info` is accepted for `informational` (the two were used interchangeably), and alerts
//! always print the long form (`Informational`).

use std::fmt;
use std::str::FromStr;

/// The severity of a rule and of the alerts it raises.
///
/// Ordered by severity: [`Priority::Debug`] is the least and [`Priority::Emergency`] the most
/// severe, so `priority >= minimum` is the filter Falco applies with its `priority` setting
/// (see [`Priority::passes`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Priority {
    /// Debugging information (`debug`).
    Debug,
    /// Informational (`informational`, also `info`).
    Informational,
    /// Normal but significant (`notice`).
    Notice,
    /// Warning (`warning`).
    Warning,
    /// Error (`error`).
    Error,
    /// Critical condition (`critical`).
    Critical,
    /// Action must be taken immediately (`alert`).
    Alert,
    /// The system is unusable (`emergency`).
    Emergency,
}

impl Priority {
    /// Every priority, from the most to the least severe (Falco's numbering, 0 to 7).
    pub const ALL: [Self; 8] = [
        Self::Emergency,
        Self::Alert,
        Self::Critical,
        Self::Error,
        Self::Warning,
        Self::Notice,
        Self::Informational,
        Self::Debug,
    ];

    /// The name Falco prints in text and JSON alerts (`"Warning"`, `"Informational"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Emergency => "Emergency",
            Self::Alert => "Alert",
            Self::Critical => "Critical",
            Self::Error => "Error",
            Self::Warning => "Warning",
            Self::Notice => "Notice",
            Self::Informational => "Informational",
            Self::Debug => "Debug",
        }
    }

    /// Whether an alert of this priority is kept when Falco's minimum priority setting is
    /// `minimum`: it is when it is at least as severe.
    pub fn passes(self, minimum: Self) -> bool {
        self >= minimum
    }
}

impl fmt::Display for Priority {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for Priority {
    type Err = ParsePriorityError;

    /// Parses a priority as Falco does: any case, `info` as well as `informational`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|priority| text.eq_ignore_ascii_case(priority.as_str()))
            .or_else(|| {
                text.eq_ignore_ascii_case("info")
                    .then_some(Self::Informational)
            })
            .ok_or_else(|| ParsePriorityError {
                text: text.to_owned(),
            })
    }
}

impl serde::Serialize for Priority {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A priority name Falco does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown priority `{text}`: expected one of emergency, alert, critical, error, warning, \
     notice, informational (or info), debug"
)]
pub struct ParsePriorityError {
    /// The text that was not a priority.
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_is_falco_numbering_most_severe_first() {
        let mut sorted = Priority::ALL;
        sorted.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(sorted, Priority::ALL);
    }

    #[test]
    fn display_round_trips_through_parse() {
        for priority in Priority::ALL {
            assert_eq!(priority.to_string().parse::<Priority>(), Ok(priority));
        }
    }
}
