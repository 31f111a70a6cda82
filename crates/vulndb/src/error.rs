//! Errors from opening, importing into and querying the vulnerability database.
//!
//! [`Error`] is what the database's operations return; [`RecordError`] is what is wrong with one
//! OSV record. An import does not fail on a bad record: it skips it and reports a
//! [`Warning`](crate::Warning) carrying the [`RecordError`]'s text.

use std::path::PathBuf;

/// An error opening, importing into or querying a vulnerability database.
///
/// Every variant names the file it concerns, so the CLI can print it without adding context.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// [`Database::open`](crate::Database::open) was pointed at a file that does not exist.
    #[error("no vulnerability database at {path}")]
    Missing {
        /// The path looked at.
        path: PathBuf,
    },
    /// SQLite could not open the file at all (permissions, a directory, a locked file).
    #[error("cannot open vulnerability database {path}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// The file is not a SQLite database, or a SQLite database custody did not make.
    #[error("{path} is not a custody vulnerability database")]
    NotADatabase {
        /// The file.
        path: PathBuf,
        /// SQLite's error, when SQLite itself refused the file.
        #[source]
        source: Option<rusqlite::Error>,
    },
    /// The database was written by a newer custody whose schema this build cannot read.
    #[error(
        "vulnerability database {path} has schema version {found}, newer than version \
         {supported} which this build of custody reads"
    )]
    SchemaTooNew {
        /// The database file.
        path: PathBuf,
        /// The schema version stored in the file.
        found: u32,
        /// [`SCHEMA_VERSION`](crate::SCHEMA_VERSION).
        supported: u32,
    },
    /// The database was written by an older custody; this build does not migrate it.
    #[error(
        "vulnerability database {path} has schema version {found}, older than version \
         {supported} which this build of custody reads"
    )]
    SchemaTooOld {
        /// The database file.
        path: PathBuf,
        /// The schema version stored in the file.
        found: u32,
        /// [`SCHEMA_VERSION`](crate::SCHEMA_VERSION).
        supported: u32,
    },
    /// A statement on an open database failed (disk full, I/O error, corruption).
    #[error("vulnerability database {path}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        #[source]
        source: rusqlite::Error,
    },
    /// A filesystem operation failed; `fs_err` already names the path.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// An import input is neither an OSV record file, a directory nor a zip archive.
    #[error("{path} is not an OSV record (.json, .yaml, .yml), a directory or a zip archive")]
    UnsupportedInput {
        /// The input path.
        path: PathBuf,
    },
    /// A zip archive's directory could not be read: the file is truncated or not a zip.
    #[error("cannot read zip archive {path}")]
    Zip {
        /// The archive.
        path: PathBuf,
        /// The zip reader's error.
        #[source]
        source: zip::result::ZipError,
    },
    /// An entry of a zip archive could not be decompressed (corrupt data, bad checksum).
    #[error("cannot read entry {entry} of zip archive {path}")]
    ZipEntry {
        /// The archive.
        path: PathBuf,
        /// The entry's name in the archive.
        entry: String,
        /// The zip reader's error.
        #[source]
        source: zip::result::ZipError,
    },
    /// A zip archive has more entries than [`ImportLimits::max_zip_entries`](crate::ImportLimits).
    #[error("zip archive {path} has {count} entries, more than the limit of {limit}")]
    TooManyEntries {
        /// The archive.
        path: PathBuf,
        /// Entries in its central directory.
        count: u64,
        /// The limit.
        limit: u64,
    },
    /// A zip entry expands to more than [`ImportLimits::max_record_bytes`](crate::ImportLimits).
    /// The whole archive is refused: OSV records are small, so this is a decompression bomb or
    /// not an OSV archive.
    #[error(
        "entry {entry} of zip archive {path} expands to {size} bytes, more than the limit of {limit}"
    )]
    EntryTooLarge {
        /// The archive.
        path: PathBuf,
        /// The entry's name in the archive.
        entry: String,
        /// The size declared in the archive, or read before giving up.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A zip archive's entries add up to more than
    /// [`ImportLimits::max_zip_bytes`](crate::ImportLimits).
    #[error("zip archive {path} expands to {size} bytes, more than the limit of {limit}")]
    ArchiveTooLarge {
        /// The archive.
        path: PathBuf,
        /// The sum of the sizes of its record entries, declared or read.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

impl Error {
    /// A hint for the user on what to do next, where one helps.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Missing { .. } => Some(
                "download a database with `custody db update`, or build one offline with \
                 `custody db import PATH...`",
            ),
            Self::SchemaTooNew { .. } => Some(
                "upgrade custody, or point --db at a database made by this version \
                 (`custody db update` writes one)",
            ),
            Self::SchemaTooOld { .. } => Some(
                "rebuild the database: `custody db update`, or delete it and run \
                 `custody db import PATH...` again",
            ),
            Self::NotADatabase { .. } => {
                Some("pass the path of a database written by `custody db update` or `db import`")
            }
            Self::EntryTooLarge { .. }
            | Self::ArchiveTooLarge { .. }
            | Self::TooManyEntries { .. } => {
                Some("OSV archives hold many small JSON records; check where this file came from")
            }
            _ => None,
        }
    }
}

/// What is wrong with one OSV record. Import skips such records with a
/// [`Warning`](crate::Warning); [`Advisory::from_json`](crate::Advisory::from_json) and
/// [`Advisory::from_yaml`](crate::Advisory::from_yaml) return it.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The bytes are not JSON, or not JSON in the shape of an OSV record (missing `id` or
    /// `modified`, a list where an object belongs, ...). The parser's message names the line
    /// and column.
    #[error("invalid OSV JSON")]
    Json(#[source] serde_json::Error),
    /// The bytes are not YAML, or not YAML in the shape of an OSV record. The parser's
    /// message already names the line and column; they are also kept as fields.
    #[error("invalid OSV YAML: {message}")]
    Yaml {
        /// The parser's message, without the source snippet it renders.
        message: String,
        /// The 1-based line, when the parser knows it.
        line: Option<u64>,
        /// The 1-based column, when the parser knows it.
        column: Option<u64>,
    },
    /// A required field is present but empty.
    #[error("field `{field}` is empty")]
    Empty {
        /// The field's name.
        field: &'static str,
    },
    /// A time field is not an RFC 3339 time.
    #[error("field `{field}` is not an RFC 3339 time: {value:?}")]
    Time {
        /// The field's name (`modified`).
        field: &'static str,
        /// Its value.
        value: String,
        /// jiff's error.
        #[source]
        source: jiff::Error,
    },
    /// The record file is larger than [`ImportLimits::max_record_bytes`](crate::ImportLimits).
    #[error("the record is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// The file's size.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

impl RecordError {
    /// The message with its causes, on one line (`invalid OSV JSON: missing field ...`).
    pub(crate) fn chain(&self) -> String {
        let mut message = self.to_string();
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        message
    }
}
