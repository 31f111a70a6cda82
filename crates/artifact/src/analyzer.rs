//! [`Analyzer`]: the interface between reading a target and understanding its files.
//!
//! The reader in this crate walks every entry of a directory or image layer once and asks the
//! analyzer, by path alone, whether it wants the file. Only wanted files are read, straight from
//! the stream and never buffered here, so a scan costs one pass over each layer no matter how
//! many analyzers are combined behind one [`Analyzer`].

use std::io::Read;

use serde::Serialize;
use serde::de::DeserializeOwned;

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

    /// Whether the regular file at `path` (relative, `/`-separated, no leading slash) should be
    /// read. Called for every file of the target, so it must be cheap.
    fn wants(&self, path: &str) -> bool;

    /// The largest file this analyzer reads; larger wanted files are skipped with a warning.
    fn max_file_size(&self) -> u64;

    /// Analyzes one wanted file of `size` bytes, reading its content from `content`.
    ///
    /// `Ok(None)` means the file held nothing of interest. An error is reported as a warning
    /// naming the file and layer; the scan goes on.
    fn analyze(
        &self,
        path: &str,
        size: u64,
        content: &mut dyn Read,
    ) -> Result<Option<Self::Output>, String>;
}
