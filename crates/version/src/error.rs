//! Errors: versions a scheme cannot order, and ecosystem names custody does not know.

use std::fmt;

use crate::Scheme;

/// An error from parsing a version or an ecosystem name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// `version` is not a version of `scheme`. Versions are never compared as plain strings as
    /// a fallback: a caller that gets this error must decide what an unorderable version means.
    #[error("invalid {scheme} version {version:?}: {kind}")]
    InvalidVersion {
        /// The scheme the version was parsed with.
        scheme: Scheme,
        /// The rejected text, as given.
        version: String,
        /// What is wrong with it.
        kind: InvalidKind,
    },
    /// `name` is not an OSV ecosystem custody knows (see [`Ecosystem`](crate::Ecosystem)).
    #[error("unknown ecosystem {name:?}")]
    UnknownEcosystem {
        /// The name as given, including any `:release` suffix.
        name: String,
    },
}

/// Why a version string was rejected; offsets are byte offsets into the text as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidKind {
    /// The string is empty, or only whitespace where the scheme trims it. No scheme orders an
    /// empty version: an empty `fixed` or installed version is a data error, not "version 0".
    Empty,
    /// Whitespace inside the version (dpkg: "version string has embedded spaces").
    EmbeddedWhitespace,
    /// A character the scheme does not allow at this place.
    UnexpectedCharacter {
        /// Byte offset of the character.
        offset: usize,
        /// The character.
        character: char,
    },
    /// The string ends where the scheme needs more, as in `1.2.` or `1.0.0-`.
    UnexpectedEnd,
    /// More numeric components than the scheme allows (`NuGet` allows four).
    TooManyComponents {
        /// The most the scheme allows.
        max: usize,
    },
    /// dpkg: the epoch before the first `:` is empty or not a number.
    EpochNotNumber,
    /// dpkg: the epoch is negative or above dpkg's limit of 2147483647.
    EpochOutOfRange,
    /// dpkg: nothing follows the epoch's `:`.
    NothingAfterEpoch,
    /// dpkg: the version ends with `-`, so the Debian revision is empty.
    EmptyRevision,
    /// dpkg: the upstream version, between the epoch and the revision, is empty.
    EmptyUpstream,
}

impl fmt::Display for InvalidKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("version is empty"),
            Self::EmbeddedWhitespace => f.write_str("version has embedded whitespace"),
            Self::UnexpectedCharacter { offset, character } => {
                write!(f, "unexpected {character:?} at byte {offset}")
            }
            Self::UnexpectedEnd => f.write_str("version ends too early"),
            Self::TooManyComponents { max } => {
                write!(f, "more than {max} numeric components")
            }
            Self::EpochNotNumber => f.write_str("epoch is not a number"),
            Self::EpochOutOfRange => f.write_str("epoch is negative or above 2147483647"),
            Self::NothingAfterEpoch => f.write_str("nothing after the epoch's colon"),
            Self::EmptyRevision => f.write_str("revision after the last '-' is empty"),
            Self::EmptyUpstream => f.write_str("upstream version is empty"),
        }
    }
}

#[cfg(test)]
mod tests {
    // Error messages as users read them.

    use super::*;

    #[test]
    fn messages_name_scheme_version_and_reason() {
        let error = Error::InvalidVersion {
            scheme: Scheme::SemVer,
            version: "1.x".to_owned(),
            kind: InvalidKind::UnexpectedCharacter {
                offset: 2,
                character: 'x',
            },
        };
        assert_eq!(
            error.to_string(),
            r#"invalid SemVer version "1.x": unexpected 'x' at byte 2"#
        );
        let error = Error::UnknownEcosystem {
            name: "Gentoo:1".to_owned(),
        };
        assert_eq!(error.to_string(), r#"unknown ecosystem "Gentoo:1""#);
    }
}
