//! Errors from opening, importing into, updating and querying the vulnerability database.
//!
//! [`Error`] is what the database's operations and [`update`](fn@crate::update) return;
//! [`RecordError`] is what is wrong with one OSV record. An import does not fail on a bad
//! record: it skips it and reports a [`Warning`](crate::Warning) carrying the
//! [`RecordError`]'s text.

use std::path::PathBuf;

/// An error opening, importing into or querying a vulnerability database.
///
/// Every variant names the file, or the ecosystem and URL, it concerns, so the CLI can print it
/// without adding context.
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
    /// [`UpdateOptions::mirror`](crate::UpdateOptions) is not a URL.
    #[error("mirror {mirror:?} is not a URL")]
    MirrorUrl {
        /// The mirror as given.
        mirror: String,
        /// The URL parser's error.
        #[source]
        source: url::ParseError,
    },
    /// The mirror is a URL custody does not download from.
    #[error("mirror {mirror} is not an http://, https:// or local file:// URL")]
    MirrorScheme {
        /// The mirror as given.
        mirror: String,
    },
    /// An ecosystem name cannot be a directory of a mirror (empty, a release such as
    /// `Debian:12`, a path).
    #[error("{ecosystem:?} is not an OSV ecosystem name")]
    InvalidEcosystem {
        /// The name as given.
        ecosystem: String,
    },
    /// Another update of the same database holds its lock.
    #[error("another update of the vulnerability database is running (it holds {lock})")]
    UpdateInProgress {
        /// The lock file beside the database.
        lock: PathBuf,
    },
    /// The HTTP client could not be set up (TLS configuration, system certificates).
    #[error("cannot set up the HTTP client")]
    HttpClient(#[source] reqwest::Error),
    /// A request failed: no connection, a timeout, or the connection dropped mid-download.
    #[error("cannot download the {ecosystem} archive from {url}")]
    Download {
        /// The OSV ecosystem.
        ecosystem: String,
        /// The archive's URL.
        url: String,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The mirror answered with a status other than `200 OK` (or `304 Not Modified` to a
    /// conditional request).
    #[error("the mirror answered {status} for the {ecosystem} archive at {url}")]
    HttpStatus {
        /// The OSV ecosystem.
        ecosystem: String,
        /// The archive's URL.
        url: String,
        /// The status.
        status: reqwest::StatusCode,
    },
    /// An archive is larger than
    /// [`UpdateOptions::max_download_bytes`](crate::UpdateOptions), by its `Content-Length`
    /// or by what arrived.
    #[error("the {ecosystem} archive at {url} is {size} bytes, more than the limit of {limit}")]
    DownloadTooLarge {
        /// The OSV ecosystem.
        ecosystem: String,
        /// The archive's URL.
        url: String,
        /// The size announced, or received before giving up.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Fewer or more bytes arrived than the response's `Content-Length` announced.
    #[error(
        "received {actual} bytes of the {ecosystem} archive from {url}, but the mirror \
         announced {expected}"
    )]
    LengthMismatch {
        /// The OSV ecosystem.
        ecosystem: String,
        /// The archive's URL.
        url: String,
        /// The `Content-Length`.
        expected: u64,
        /// The bytes received.
        actual: u64,
    },
    /// The archive's MD5 digest differs from the `x-goog-hash: md5=` the mirror announced.
    #[error(
        "the {ecosystem} archive from {url} has MD5 digest {actual}, but the mirror announced \
         {expected}"
    )]
    Md5Mismatch {
        /// The OSV ecosystem.
        ecosystem: String,
        /// The archive's URL.
        url: String,
        /// The announced digest, base64 as in the header.
        expected: String,
        /// The digest of the bytes received, base64.
        actual: String,
    },
    /// An archive of a `file://` mirror cannot be read.
    #[error("cannot read the {ecosystem} archive at {url}")]
    MirrorFile {
        /// The OSV ecosystem.
        ecosystem: String,
        /// The archive's `file://` URL.
        url: String,
        /// The filesystem error, naming the path.
        #[source]
        source: std::io::Error,
    },
    /// A downloaded archive could not be imported (a corrupt zip, an oversized entry, a full
    /// disk); the update stops and the database is left as it was.
    #[error("cannot import the {ecosystem} archive from {url}")]
    Archive {
        /// The OSV ecosystem.
        ecosystem: String,
        /// The archive's URL.
        url: String,
        /// What went wrong importing it, naming the downloaded file.
        #[source]
        source: Box<Error>,
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
                "upgrade custody, or give this version a database of its own: \
                 `custody db update --db NEW_PATH`",
            ),
            Self::SchemaTooOld { .. } => Some(
                "rebuild the database: `custody db update` replaces it with a new one, or \
                 delete it and run `custody db import PATH...` again",
            ),
            Self::NotADatabase { .. } => {
                Some("pass the path of a database written by `custody db update` or `db import`")
            }
            Self::EntryTooLarge { .. }
            | Self::ArchiveTooLarge { .. }
            | Self::TooManyEntries { .. } => {
                Some("OSV archives hold many small JSON records; check where this file came from")
            }
            Self::MirrorUrl { .. } | Self::MirrorScheme { .. } => Some(
                "pass --mirror the base URL of a mirror of OSV's bucket (https://HOST/PATH, \
                 serving ECOSYSTEM/all.zip) or a file:// directory laid out the same way",
            ),
            Self::InvalidEcosystem { .. } => Some(
                "name ecosystems as OSV does, without a release: Debian, Ubuntu, Alpine, \
                 Red Hat, PyPI, npm, crates.io, Go, Maven, ...",
            ),
            Self::UpdateInProgress { .. } => {
                Some("wait for the other `custody db update` to finish, then run it again")
            }
            Self::Download { .. } => Some(
                "the database is unchanged; check the network connection, or pass --mirror \
                 URL; offline, fetch the all.zip files elsewhere and run \
                 `custody db import PATH...`",
            ),
            Self::HttpStatus { .. } | Self::MirrorFile { .. } => Some(
                "check the ecosystem's spelling (OSV names such as `PyPI`, `Red Hat`) and \
                 --mirror, which must hold ECOSYSTEM/all.zip; offline, run \
                 `custody db import PATH...`",
            ),
            Self::DownloadTooLarge { .. } => Some(
                "the database is unchanged; if the archive really is that large, raise \
                 --max-download-size",
            ),
            Self::LengthMismatch { .. } | Self::Md5Mismatch { .. } => Some(
                "the download was damaged or the mirror serves a bad copy; the database is \
                 unchanged: run the update again, or use another --mirror",
            ),
            Self::Archive { source, .. } => source.hint().or(Some(
                "the database is unchanged: run the update again, or use another --mirror",
            )),
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
