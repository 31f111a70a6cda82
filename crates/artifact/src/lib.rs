//! Opening scan targets and reading them in one streaming pass.
//!
//! A [`Target`] names what to scan: a source tree, a root filesystem, an OCI layout (as a
//! directory or a tar file), a `docker save` archive or a registry image. A [`Scanner`] opens
//! it and walks every file once, handing the files an [`Analyzer`] wants — chosen by path, and
//! for programs by execute permission ([`Interest`]), before any content is read — to that
//! analyzer, straight from the decompressing stream.
//!
//! For images, layers are read in parallel, each verified against its digest while it
//! streams, and their results cached in a [`LayerCache`] keyed by layer digest and analyzer
//! version. Whiteouts and opaque directories are then applied, so every [`ScannedFile`] says
//! which layer it came from and whether it is in the final filesystem. Hostile input is
//! expected: entry paths never leave the image root, links are never followed, and
//! decompression is capped by [`Limits`].
//!
//! This crate knows nothing about packages or secrets; `custody-inventory` implements
//! [`Analyzer`] for package databases, the CLI combines it with the secret and
//! misconfiguration scanners through a [`Pair`] (still one pass), and draws [`Reporter`]
//! progress.
//!
//! # Example
//!
//! ```
//! use std::io::Read;
//! use custody_artifact::{Analyzer, FileMeta, Interest, NoReporter, Scanner, Target};
//!
//! /// Reads every `os-release` file.
//! struct OsRelease;
//!
//! impl Analyzer for OsRelease {
//!     type Output = String;
//!     fn cache_version(&self) -> &str { "os-release-1" }
//!     fn wants(&self, path: &str) -> Interest {
//!         if path.ends_with("os-release") { Interest::Read } else { Interest::Skip }
//!     }
//!     fn max_file_size(&self) -> u64 { 64 * 1024 }
//!     fn analyze(&self, _: &FileMeta<'_>, content: &mut dyn Read) -> Result<Option<String>, String> {
//!         let mut text = String::new();
//!         content.read_to_string(&mut text).map_err(|e| e.to_string())?;
//!         Ok(Some(text))
//!     }
//! }
//!
//! let root = tempfile::tempdir()?;
//! fs_err::create_dir_all(root.path().join("etc"))?;
//! fs_err::write(root.path().join("etc/os-release"), "ID=debian\n")?;
//! let target = Target::parse(&format!("rootfs:{}", root.path().display()))?;
//! let result = Scanner::default().scan(&target, &OsRelease, &NoReporter)?;
//! assert_eq!(result.files[0].path, "etc/os-release");
//! assert_eq!(result.files[0].output, "ID=debian\n");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod analyzer;
mod cache;
mod digest;
mod error;
mod filesystem;
mod layer;
mod manifest;
mod overlay;
mod pair;
mod path;
mod reporter;
mod scan;
mod source;
mod target;

pub use analyzer::{Analyzer, FileMeta, Interest};
pub use cache::LayerCache;
pub use error::Error;
pub use manifest::Platform;
pub use pair::{Pair, Paired};
pub use reporter::{NoReporter, Reporter};
pub use scan::{Limits, ScanOptions, ScanResult, ScannedFile, Scanner};
pub use source::{RegistryOptions, registry_client};
pub use target::Target;

/// Entry points for the fuzz targets in `/fuzz`, behind the `fuzzing` feature.
#[cfg(feature = "fuzzing")]
pub mod fuzzing {
    use std::io::Read;

    use crate::layer::{self, Expected, LayerContext};
    use crate::{Analyzer, Error, FileMeta, Interest, Limits, NoReporter};

    /// Wants every file and records nothing but its path.
    struct AllPaths;

    impl Analyzer for AllPaths {
        type Output = ();
        fn cache_version(&self) -> &'static str {
            "fuzzing"
        }
        fn wants(&self, _: &str) -> Interest {
            Interest::Read
        }
        fn max_file_size(&self) -> u64 {
            1 << 20
        }
        fn analyze(&self, _: &FileMeta<'_>, content: &mut dyn Read) -> Result<Option<()>, String> {
            std::io::copy(content, &mut std::io::sink()).map_err(|error| error.to_string())?;
            Ok(Some(()))
        }
    }

    /// Reads `blob` as a layer (checked against its own digest) and returns the paths of its
    /// files, whiteouts and links.
    pub fn layer_paths(blob: &[u8]) -> Result<Vec<String>, Error> {
        let limits = Limits {
            max_layer_size: 64 << 20,
            ..Limits::default()
        };
        let expected = Expected::Blob(crate::digest::Digest::parse(&crate::digest::sha256(blob))?);
        let context = LayerContext {
            index: 0,
            digest: "sha256:fuzz",
            expected: &expected,
            limits: &limits,
            reporter: &NoReporter,
        };
        let scan = layer::scan_layer(blob, &context, &AllPaths)?;
        Ok(scan
            .files
            .into_iter()
            .map(|(path, _)| path)
            .chain(scan.shadows)
            .chain(scan.whiteouts)
            .chain(scan.opaque_dirs)
            .collect())
    }
}
