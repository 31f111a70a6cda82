//! [`LayerCache`]: per-layer analyzer results on disk, keyed by layer digest and analyzer
//! version, so rescanning an image — or another image on the same base layers — reads no
//! layer twice.

use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest as _, Sha256};

use crate::Error;
use crate::layer::LayerScan;

/// Bumped when [`LayerScan`]'s own shape changes, independently of any analyzer.
const FORMAT_VERSION: &str = "layer-scan-v1";

/// A directory of cached layer results.
///
/// Entries are written to a temporary file and renamed into place, so a crashed or concurrent
/// scan never leaves a half-written entry; an unreadable entry is treated as a miss and
/// rewritten.
#[derive(Debug, Clone)]
pub struct LayerCache {
    root: PathBuf,
}

impl LayerCache {
    /// A cache stored under `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The cache directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Removes every cached entry; returns the number of bytes freed.
    pub fn clean(&self) -> Result<u64, Error> {
        let layers = self.root.join("layers");
        if !layers.exists() {
            return Ok(0);
        }
        let mut freed = 0;
        for entry in fs_err::read_dir(&layers)? {
            let entry = entry?;
            let path = entry.path();
            if path.is_dir() {
                for file in fs_err::read_dir(&path)? {
                    freed += file?.metadata()?.len();
                }
            } else {
                freed += entry.metadata()?.len();
            }
        }
        fs_err::remove_dir_all(&layers)?;
        Ok(freed)
    }

    fn entry_path(&self, layer_digest: &str, analyzer_version: &str) -> PathBuf {
        let mut hasher = Sha256::new();
        for part in [FORMAT_VERSION, layer_digest, analyzer_version] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        self.root
            .join("layers")
            .join(format!("{}.json", hex::encode(hasher.finalize())))
    }

    pub(crate) fn get<O: DeserializeOwned>(
        &self,
        layer_digest: &str,
        analyzer_version: &str,
    ) -> Option<LayerScan<O>> {
        let path = self.entry_path(layer_digest, analyzer_version);
        let file = fs_err::File::open(&path).ok()?;
        match serde_json::from_reader(BufReader::new(file)) {
            Ok(scan) => Some(scan),
            Err(error) => {
                tracing::warn!(
                    "ignoring unreadable cache entry {}: {error}",
                    path.display()
                );
                None
            }
        }
    }

    pub(crate) fn put<O: Serialize>(
        &self,
        layer_digest: &str,
        analyzer_version: &str,
        scan: &LayerScan<O>,
    ) -> Result<(), Error> {
        let path = self.entry_path(layer_digest, analyzer_version);
        let cache_error = |source| Error::Cache {
            path: path.clone(),
            source,
        };
        let directory = path.parent().unwrap_or(&self.root);
        fs_err::create_dir_all(directory)?;
        let mut temporary = tempfile::NamedTempFile::new_in(directory).map_err(cache_error)?;
        {
            let mut writer = BufWriter::new(temporary.as_file_mut());
            serde_json::to_writer(&mut writer, scan).map_err(|error| cache_error(error.into()))?;
            writer.flush().map_err(cache_error)?;
        }
        temporary
            .persist(&path)
            .map_err(|error| cache_error(error.error))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_separates_analyzer_versions() {
        let directory = tempfile::tempdir().unwrap();
        let cache = LayerCache::new(directory.path());
        let scan: LayerScan<u32> = LayerScan {
            files: vec![("etc/os-release".into(), Some(7))],
            shadows: vec!["etc/link".into()],
            whiteouts: Vec::new(),
            opaque_dirs: Vec::new(),
            warnings: Vec::new(),
        };
        cache.put("sha256:aa", "v1", &scan).unwrap();
        let back: LayerScan<u32> = cache.get("sha256:aa", "v1").unwrap();
        assert_eq!(back.files, scan.files);
        assert!(cache.get::<u32>("sha256:aa", "v2").is_none());
        assert!(cache.get::<u32>("sha256:bb", "v1").is_none());
        assert!(cache.clean().unwrap() > 0);
        assert!(cache.get::<u32>("sha256:aa", "v1").is_none());
    }

    #[test]
    fn corrupt_entry_is_a_miss() {
        let directory = tempfile::tempdir().unwrap();
        let cache = LayerCache::new(directory.path());
        let path = cache.entry_path("sha256:aa", "v1");
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(&path, "{not json").unwrap();
        assert!(cache.get::<u32>("sha256:aa", "v1").is_none());
    }
}
