//! Errors from writing and reading SBOMs and from parsing SPDX license expressions.

use std::fmt;

/// An error writing or reading an SBOM, or parsing an SPDX license expression.
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
    /// An SBOM is larger than [`MAX_SBOM_SIZE`](crate::MAX_SBOM_SIZE).
    #[error("{origin} is {size} bytes, more than the {limit} bytes custody reads as an SBOM")]
    SbomTooLarge {
        /// Where the SBOM came from, as the caller named it.
        origin: String,
        /// Its size in bytes.
        size: usize,
        /// The limit it exceeds.
        limit: usize,
    },
    /// An SBOM is not JSON, nests deeper than `serde_json`'s recursion limit (128), or its
    /// JSON does not have the shape its format requires.
    #[error("{origin}:{line}:{column}: not a valid {} document", describe(*.format))]
    SbomJson {
        /// Where the SBOM came from, as the caller named it.
        origin: String,
        /// The format detected, or `None` when the bytes are not JSON at all.
        format: Option<SbomFormat>,
        /// Line of the problem, from 1 (0 at the end of the input).
        line: usize,
        /// Column of the problem, from 1 (0 at the end of the input).
        column: usize,
        /// The JSON parser's error.
        #[source]
        source: serde_json::Error,
    },
    /// A JSON document that is neither CycloneDX (`"bomFormat": "CycloneDX"`) nor SPDX 2
    /// (`spdxVersion`).
    #[error(
        "{origin} is neither CycloneDX JSON (`\"bomFormat\": \"CycloneDX\"`) nor SPDX JSON (`spdxVersion`)"
    )]
    UnknownSbomFormat {
        /// Where the SBOM came from, as the caller named it.
        origin: String,
    },
    /// A CycloneDX or SPDX version custody does not read.
    #[error("{origin}: {format} version `{version}` is not supported (custody reads {supported})")]
    UnsupportedSbomVersion {
        /// Where the SBOM came from, as the caller named it.
        origin: String,
        /// The format.
        format: SbomFormat,
        /// The version the document declares.
        version: String,
        /// The versions custody reads, for the message.
        supported: &'static str,
    },
}

/// Names what an [`Error::SbomJson`] document failed to be.
fn describe(format: Option<SbomFormat>) -> String {
    match format {
        Some(format) => format!("{format} JSON"),
        None => "JSON".to_owned(),
    }
}

/// The SBOM formats custody-sbom writes and reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SbomFormat {
    /// CycloneDX 1.6 JSON, written by [`write_cyclonedx`](crate::write_cyclonedx); 1.2 to 1.6
    /// read by [`read_sbom`](crate::read_sbom).
    CycloneDx,
    /// SPDX 2.3 JSON, written by [`write_spdx`](crate::write_spdx); 2.2 and 2.3 read by
    /// [`read_sbom`](crate::read_sbom).
    Spdx,
    /// SARIF 2.1.0 JSON, written by [`write_sarif`](crate::write_sarif): a scan report
    /// rather than an SBOM, written with the same options and errors.
    Sarif,
}

impl fmt::Display for SbomFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CycloneDx => "CycloneDX",
            Self::Spdx => "SPDX",
            Self::Sarif => "SARIF",
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
