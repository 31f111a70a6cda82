//! [`Analyzer`]: the interface between reading a target and understanding its files.
//!
//! The reader in this crate walks every entry of a directory or image layer once and asks the
//! analyzer, by path alone, whether it wants the file ([`Interest`]); an analyzer looking for
//! programs, which live anywhere, can ask for a file only if it is executable. Only wanted
//! files are read, straight from the stream and never buffered here, so a scan costs one pass
//! over each layer no matter how many analyzers are combined behind one [`Analyzer`]. An
//! analyzer that stops reading early (a wanted file whose first bytes show it holds nothing of
//! interest) costs nothing more: the reader skips the rest of the entry unread.

use std::io::Read;

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Whether an analyzer wants a file, decided from its path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Interest {
    /// Not this file.
    Skip,
    /// Read this file.
    Read,
    /// Read this file if any execute permission bit (owner, group or other) is set. The bits
    /// are free in image layers (the tar header) but cost a `stat` per file in directory
    /// trees, so analyzers return this only for paths that may be programs.
    ReadIfExecutable,
}

impl Interest {
    /// Whether a file with this interest is read, given whether it is executable.
    pub(crate) fn accepts(self, executable: bool) -> bool {
        match self {
            Self::Skip => false,
            Self::Read => true,
            Self::ReadIfExecutable => executable,
        }
    }
}

/// What the reader knows about a wanted regular file before reading any of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMeta<'a> {
    /// Path relative to the target root, `/`-separated, no leading slash.
    pub path: &'a str,
    /// Size in bytes, as the directory entry or tar header records it.
    pub size: u64,
    /// Whether any execute permission bit is set: the tar header's mode in image layers, the
    /// file's permissions in directory trees.
    pub executable: bool,
}

/// Turns wanted files into results.
///
/// Results are cached per image layer (see [`crate::LayerCache`]), so they are serde values,
/// and [`Analyzer::cache_version`] must change whenever the same input would now give a
/// different result.
pub trait Analyzer: Send + Sync {
    /// What analyzing one file yields.
    type Output: Serialize + DeserializeOwned + Send;

    /// Identifies this analyzer's behaviour in layer-cache keys; bump it with every change to
    /// what [`Analyzer::analyze`] returns.
    fn cache_version(&self) -> &str;

    /// Whether the regular file at `path` (relative, `/`-separated, no leading slash) should
    /// be read. Called for every file of the target, so it must be cheap.
    fn wants(&self, path: &str) -> Interest;

    /// The largest file this analyzer reads; larger wanted files are skipped with a warning.
    fn max_file_size(&self) -> u64;

    /// Analyzes one wanted file, reading its content from `content`, which yields at most
    /// [`FileMeta::size`] bytes. Reading only a prefix is fine: the rest is skipped.
    ///
    /// `Ok(None)` means the file held nothing of interest. An error is reported as a warning
    /// naming the file and layer; the scan goes on.
    fn analyze(
        &self,
        file: &FileMeta<'_>,
        content: &mut dyn Read,
    ) -> Result<Option<Self::Output>, String>;
}
