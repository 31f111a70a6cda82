//! Errors from writing SBOMs and from parsing SPDX license expressions.

use std::fmt;

/// An error writing an SBOM or parsing an SPDX license expression.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The encoded document could not be written to the destination.
    #[error("cannot write the {format} document")]
    Write {
        /// The format being written.
        format: SbomFormat,
        /// The writer's error.
        #[source]
        source: std::io::Error,
    },
    /// A string is not an SPDX license expression custody can emit.
    #[error("`{expression}` is not an SPDX license expression (at byte {offset}: {kind})")]
    LicenseExpression {
        /// The whole text that was parsed.
        expression: String,
        /// Byte offset in `expression` where the problem starts.
        offset: usize,
        /// What is wrong there.
        kind: LicenseErrorKind,
    },
}

/// The SBOM formats custody-sbom writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON, written by [`write_cyclonedx`](crate::write_cyclonedx).
    CycloneDx,
    /// SPDX 2.3 JSON, written by [`write_spdx`](crate::write_spdx).
    Spdx,
}

impl fmt::Display for SbomFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CycloneDx => "CycloneDX",
            Self::Spdx => "SPDX",
        })
    }
}

/// Why a string is not an SPDX license expression, as
/// [`LicenseExpression::parse`](crate::LicenseExpression::parse) decides.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LicenseErrorKind {
    /// The text is empty or only whitespace.
    #[error("empty expression")]
    Empty,
    /// A word where a license id belongs is not on the SPDX License List (`BSD`, `GPLv2+`).
    #[error("`{0}` is not an SPDX license id")]
    UnknownLicense(String),
    /// A word after `WITH` is not on the SPDX license exception list.
    #[error("`{0}` is not an SPDX license exception id")]
    UnknownException(String),
    /// A `LicenseRef-`/`DocumentRef-` reference: valid SPDX syntax, but it needs the license
    /// text declared in the same document, and custody does not record license texts.
    #[error("license reference `{0}` needs license text custody does not record")]
    LicenseRef(String),
    /// A `+` after an id that is not listed with it (`MIT+`): allowed by the SPDX grammar, but
    /// rejected by license-expression, the library SPDX's own validator (pyspdxtools) uses.
    /// Listed deprecated ids such as `GPL-2.0+` are accepted.
    #[error("`{0}` uses `+` on a license not listed with it")]
    OrLater(String),
    /// A word or parenthesis where it cannot stand.
    #[error("unexpected `{0}`")]
    UnexpectedToken(String),
    /// The text ended where a license id, exception id or `)` was expected.
    #[error("unexpected end of expression")]
    UnexpectedEnd,
    /// Parentheses nest deeper than custody follows.
    #[error("parentheses nested too deeply")]
    TooDeep,
}
