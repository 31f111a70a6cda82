//! What a scan returns: [`Finding`]s (already masked) and, for files not scanned, the
//! [`Skipped`] reason the caller turns into a warning.

use custody_model::Severity;
use serde::Serialize;

/// One secret found in one file.
///
/// The secret itself never leaves the crate: [`Finding::secret`] holds only its masked form
/// (first four characters of long secrets, then `****`).
///
/// # Wire format
///
/// Serialized as an object with the fields below, e.g.
/// `{"rule_id":"github-pat","title":"GitHub personal access token (classic)","severity":"CRITICAL","path":"ci/deploy.sh","line":3,"column":14,"secret":"ghp_****"}`.
/// Fields may be added, never renamed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The [`crate::Rule::id`] that matched.
    pub rule_id: String,
    /// The rule's title.
    pub title: String,
    /// The rule's severity.
    pub severity: Severity,
    /// The path the caller passed to [`crate::Scanner::scan`].
    pub path: String,
    /// 1-based line of the secret's first byte.
    pub line: usize,
    /// 1-based byte column of the secret's first byte.
    pub column: usize,
    /// The masked secret.
    pub secret: String,
}

/// Why a file was not scanned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skipped {
    /// The file holds NUL bytes or is mostly invalid UTF-8.
    Binary,
    /// The file is larger than [`crate::Config::max_file_size`].
    TooLarge {
        /// The file's size in bytes.
        size: u64,
        /// The configured bound.
        limit: u64,
    },
}

/// The outcome of scanning one file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scan {
    /// Findings in file order.
    pub findings: Vec<Finding>,
    /// Set when the file was not scanned; `findings` is then empty.
    pub skipped: Option<Skipped>,
    /// Set when the file had more findings than the per-file bound and the rest were dropped.
    pub truncated: bool,
}
