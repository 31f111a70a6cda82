//! What a scan returns: [`Secret`]s (already masked) and, for files not scanned, the
//! [`Skipped`] reason the caller turns into a warning.

use custody_model::Secret;

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
    pub findings: Vec<Secret>,
    /// Set when the file was not scanned; `findings` is then empty.
    pub skipped: Option<Skipped>,
    /// Set when the file had more findings than the per-file bound and the rest were dropped.
    pub truncated: bool,
}
