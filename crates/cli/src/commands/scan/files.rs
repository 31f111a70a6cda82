//! [`FileScanners`]: the secret and misconfiguration scanners as one [`Analyzer`], run beside
//! the package cataloger in the scan's single pass over the target (see
//! [`custody_artifact::Pair`]).
//!
//! Which files are read is decided by path: the secret scanner takes every file except
//! formats that cannot hold text (images, archives, compiled code) and, in source trees,
//! dependency and build directories; the misconfiguration scanner takes Dockerfiles by name
//! and YAML/JSON files, which it then recognises as Kubernetes manifests by content. A file
//! is read once, whatever both want of it.

use std::io::Read;

use custody_artifact::{Analyzer, FileMeta, Interest};
use custody_misconfig::{
    KubernetesScanner, is_dockerfile, is_kubernetes_manifest, scan_dockerfile,
};
use custody_model::{Misconfiguration, Secret};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// Bumped whenever what these scanners report for the same input changes, so cached layer
/// results are not reused; the secret configuration and policies are hashed in beside it.
const CACHE_VERSION: &str = "files-1";

/// Largest Dockerfile or manifest checked: far above any real one.
const MAX_CONFIG_FILE_SIZE: u64 = 8 << 20;

/// Extensions of formats that hold no text worth scanning for secrets: media, fonts,
/// archives and compiled code. Compared case-insensitively.
const BINARY_EXTENSIONS: &[&str] = &[
    "7z", "a", "apk", "avi", "bin", "bmp", "bz2", "class", "dat", "db", "deb", "dll", "dylib",
    "ear", "eot", "exe", "flac", "gif", "gmo", "gz", "ico", "iso", "jar", "jpeg", "jpg", "lib",
    "mo", "mov", "mp3", "mp4", "node", "o", "obj", "ogg", "otf", "pdf", "png", "pyc", "pyo", "rar",
    "rlib", "rmeta", "rpm", "so", "sqlite", "sqlite3", "tgz", "tif", "tiff", "ttf", "war", "wasm",
    "wav", "webm", "webp", "whl", "woff", "woff2", "xz", "zip", "zst",
];

/// Directories of source trees that hold other people's code or build output, which the
/// secret scanner leaves out (they are scanned in images and root filesystems, where they
/// ship): package-manager installs, virtual environments, caches and Cargo/Gradle outputs.
const GENERATED_DIRECTORIES: &[&str] = &[
    "node_modules",
    ".venv",
    "venv",
    "__pycache__",
    ".tox",
    ".mypy_cache",
    ".pytest_cache",
    ".gradle",
    ".terraform",
];

/// Build-output directories recognised by what they hold: Cargo's `target/debug` and
/// `target/release`.
const BUILD_OUTPUTS: &[&str] = &["target/debug/", "target/release/"];

/// What is being scanned, which decides what the secret scanner skips.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TreeKind {
    /// A source tree (`dir:`): dependency and build directories are skipped.
    Source,
    /// An image or root filesystem: everything that ships is scanned.
    Shipped,
}

/// The secret scanner and how it was configured.
pub(crate) struct SecretScanning {
    /// The compiled rules.
    pub(crate) scanner: custody_secret::Scanner,
    /// Files larger than this are skipped.
    pub(crate) max_file_size: u64,
    /// The configuration file's bytes, hashed into the cache version.
    pub(crate) config_bytes: Vec<u8>,
}

/// The misconfiguration scanner and how it was configured.
pub(crate) struct MisconfigScanning {
    /// The Kubernetes checks, PSS level and user policies, compiled.
    pub(crate) kubernetes: KubernetesScanner,
    /// What configured it (PSS level, the policies' bytes), hashed into the cache version.
    pub(crate) fingerprint: Vec<u8>,
}

/// The file scanners of one scan.
pub(crate) struct FileScanners {
    secrets: Option<SecretScanning>,
    misconfig: Option<MisconfigScanning>,
    tree: TreeKind,
    cache_version: String,
}

/// What the file scanners found in one file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct FileFindings {
    /// Secrets, masked, in file order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) secrets: Vec<Secret>,
    /// Misconfigurations, by line.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) misconfigurations: Vec<Misconfiguration>,
    /// What could not be checked (a user policy rule that errored on an object), one
    /// sentence each, reported as warnings naming the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) warnings: Vec<String>,
}

impl FileScanners {
    /// The scanners to run: `secrets` when the secret scanner is on, `misconfig` when the
    /// misconfiguration checks are.
    pub(crate) fn new(
        secrets: Option<SecretScanning>,
        misconfig: Option<MisconfigScanning>,
        tree: TreeKind,
    ) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(CACHE_VERSION);
        hasher.update(env!("CARGO_PKG_VERSION"));
        if let Some(secrets) = &secrets {
            hasher.update(b"secret");
            hasher.update(&secrets.config_bytes);
            hasher.update(secrets.max_file_size.to_le_bytes());
        }
        if let Some(misconfig) = &misconfig {
            hasher.update(b"misconfig");
            hasher.update(&misconfig.fingerprint);
        }
        hasher.update([u8::from(tree == TreeKind::Source)]);
        let cache_version = format!("{CACHE_VERSION}-{}", hex::encode(&hasher.finalize()[..8]));
        Self {
            secrets,
            misconfig,
            tree,
            cache_version,
        }
    }

    /// Whether the secret scanner takes the file at `path`.
    fn secret_wants(&self, path: &str) -> bool {
        if self.secrets.is_none() {
            return false;
        }
        let name = path.rsplit_once('/').map_or(path, |(_, name)| name);
        if let Some((_, extension)) = name.rsplit_once('.')
            && BINARY_EXTENSIONS
                .iter()
                .any(|binary| binary.eq_ignore_ascii_case(extension))
        {
            return false;
        }
        self.tree == TreeKind::Shipped || !is_generated(path)
    }

    /// Whether the misconfiguration scanner may take the file at `path`; Dockerfiles are
    /// known by name, manifests only once read.
    fn misconfig_wants(&self, path: &str) -> bool {
        self.misconfig.is_some() && (is_dockerfile_name(path) || has_manifest_extension(path))
    }
}

/// Whether `path` is under a dependency or build directory of a source tree.
fn is_generated(path: &str) -> bool {
    let mut directories = path.split('/');
    directories.next_back();
    directories.any(|directory| GENERATED_DIRECTORIES.contains(&directory))
        || BUILD_OUTPUTS
            .iter()
            .any(|output| path.starts_with(output) || path.contains(&format!("/{output}")))
}

/// Whether the name alone says Dockerfile (`Dockerfile`, `app.Dockerfile`, `Containerfile`…).
fn is_dockerfile_name(path: &str) -> bool {
    is_dockerfile(std::path::Path::new(path), b"")
}

/// YAML and JSON, where Kubernetes manifests live.
fn has_manifest_extension(path: &str) -> bool {
    path.rsplit_once('.').is_some_and(|(_, extension)| {
        ["yaml", "yml", "json"]
            .iter()
            .any(|known| known.eq_ignore_ascii_case(extension))
    })
}

impl Analyzer for FileScanners {
    type Output = FileFindings;

    fn cache_version(&self) -> &str {
        &self.cache_version
    }

    fn wants(&self, path: &str) -> Interest {
        if self.secret_wants(path) || self.misconfig_wants(path) {
            Interest::Read
        } else {
            Interest::Skip
        }
    }

    fn max_file_size(&self) -> u64 {
        // Each scanner applies its own limit below, silently: a large file a scanner skips
        // is not worth a warning (Trivy and gitleaks skip them quietly too).
        u64::MAX
    }

    fn analyze(
        &self,
        file: &FileMeta<'_>,
        content: &mut dyn Read,
    ) -> Result<Option<FileFindings>, String> {
        let secrets = self
            .secrets
            .as_ref()
            .filter(|secrets| file.size <= secrets.max_file_size && self.secret_wants(file.path));
        let misconfig = self
            .misconfig
            .as_ref()
            .filter(|_| self.misconfig_wants(file.path) && file.size <= MAX_CONFIG_FILE_SIZE);
        if secrets.is_none() && misconfig.is_none() {
            return Ok(None);
        }
        let mut bytes = Vec::with_capacity(usize::try_from(file.size).unwrap_or(0));
        content
            .take(file.size)
            .read_to_end(&mut bytes)
            .map_err(|error| format!("reading failed: {error}"))?;
        let mut findings = FileFindings::default();
        if let Some(secrets) = secrets {
            let scan = secrets.scanner.scan(file.path, &bytes);
            findings.secrets = scan.findings;
        }
        if let Some(misconfig) = misconfig {
            if is_dockerfile(std::path::Path::new(file.path), &bytes) {
                let text = String::from_utf8_lossy(&bytes);
                findings.misconfigurations = scan_dockerfile(file.path, &text);
            } else if is_kubernetes_manifest(file.path, &bytes) {
                let scan = misconfig.kubernetes.scan(file.path, &bytes);
                findings.misconfigurations = scan.findings;
                findings.warnings = scan.warnings.iter().map(ToString::to_string).collect();
            }
        }
        let empty = findings.secrets.is_empty()
            && findings.misconfigurations.is_empty()
            && findings.warnings.is_empty();
        Ok((!empty).then_some(findings))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_directories_are_recognised_anywhere() {
        assert!(is_generated("web/node_modules/lodash/index.js"));
        assert!(is_generated("target/debug/build/x/output"));
        assert!(is_generated("crates/a/target/release/a.d"));
        assert!(!is_generated("src/node_modules.rs"));
        assert!(!is_generated("docs/target/index.md"));
        assert!(!is_generated("node_modules"));
    }

    #[test]
    fn manifests_and_dockerfiles_by_name() {
        assert!(has_manifest_extension("deploy/app.YAML"));
        assert!(has_manifest_extension("k8s/list.json"));
        assert!(!has_manifest_extension("yaml"));
        assert!(is_dockerfile_name("build/app.Dockerfile"));
        assert!(!is_dockerfile_name("src/main.rs"));
    }
}
