//! Errors from reading package databases and OS metadata.

use std::fmt;

/// Where in a file a parse error was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// A 1-based line number, for text formats (dpkg status, apk installed).
    Line(usize),
    /// A byte offset, for binary formats (rpm headers, Berkeley DB and NDB pages).
    Offset(u64),
    /// The file as a whole (empty, wrong magic, unsupported version).
    File,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Line(line) => write!(f, "line {line}"),
            Self::Offset(offset) => write!(f, "byte offset {offset}"),
            Self::File => f.write_str("start of file"),
        }
    }
}

/// A package database or metadata file that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {format} at {position}: {reason}")]
pub struct ParseError {
    /// The format being parsed (`dpkg status`, `apk installed`, `rpm Berkeley DB`, …).
    pub format: &'static str,
    /// Where the problem is.
    pub position: Position,
    /// What is wrong, in lowercase.
    pub reason: String,
}

impl ParseError {
    /// A parse error in `format` at `position`.
    pub fn new(format: &'static str, position: Position, reason: impl Into<String>) -> Self {
        Self {
            format,
            position,
            reason: reason.into(),
        }
    }
}
