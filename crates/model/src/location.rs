//! Where a package or finding was seen: a path inside the target and, for images, the layer.

use serde::{Deserialize, Serialize};

/// A path inside a target, and the digest of the image layer that holds it.
///
/// Paths are relative to the target's root, `/`-separated, without a leading slash, so the
/// same file has the same path whether it was read from a directory, a tarball or a registry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// The file's path relative to the target root, e.g. `var/lib/dpkg/status`.
    pub path: String,
    /// The digest (`sha256:…`) of the compressed layer blob that added this content; absent for
    /// directory and root filesystem targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
}

impl Location {
    /// A location in a target without layers.
    pub fn new(path: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            layer: None,
        }
    }

    /// The same location, attributed to an image layer.
    #[must_use]
    pub fn in_layer(mut self, digest: impl Into<String>) -> Self {
        self.layer = Some(digest.into());
        self
    }
}
