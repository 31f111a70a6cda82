//! The inventory of one target: what was opened, which OS it runs, which packages it holds.
//!
//! [`Inventory`] is custody's own JSON format (`custody sbom --format json`). Its field names
//! are stable: fields may be added, never renamed or removed without a new `schema_version`.

use serde::{Deserialize, Serialize};

use crate::{Distro, Package};

/// Everything custody found in one target.
///
/// # Wire format
///
/// ```json
/// {
///   "schema_version": 1,
///   "target": {"kind": "registry", "name": "127.0.0.1:5000/app:1.0", "image": {…}},
///   "distro": {"id": "debian", "version_id": "12", "codename": "bookworm"},
///   "packages": [{"name": "openssl", "version": "3.0.15-1~deb12u1", "ecosystem": "deb",
///                 "purl": "pkg:deb/debian/openssl@…", "arch": "amd64",
///                 "source": {"name": "openssl"}, "state": "installed",
///                 "locations": [{"path": "var/lib/dpkg/status", "layer": "sha256:…"}],
///                 "files": ["/usr/bin/openssl"]}],
///   "dependencies": [{"from": "pkg:deb/…/openssl@…", "to": "pkg:deb/…/libssl3@…"}],
///   "warnings": [{"path": "var/lib/dpkg/status", "message": "…"}]
/// }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    /// Version of this format; bumped only on incompatible changes.
    pub schema_version: u32,
    /// What was scanned.
    pub target: TargetInfo,
    /// The operating system, when one was recognised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<Distro>,
    /// Packages, sorted by ecosystem, name, version and purl.
    pub packages: Vec<Package>,
    /// Dependency edges between packages of this inventory, by [`Package::id`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<Dependency>,
    /// Problems met while reading that did not stop the scan (a corrupt entry skipped, a file
    /// over the size cap): results are partial where these say so.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warning>,
}

impl Inventory {
    /// The current [`Inventory::schema_version`].
    pub const SCHEMA_VERSION: u32 = 1;
}

/// A dependency edge: `from` depends on `to` (both [`Package::id`]s).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Dependency {
    /// The dependent package.
    pub from: String,
    /// The package it depends on.
    pub to: String,
}

/// A problem that did not stop the scan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The file concerned, relative to the target root.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The layer concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub layer: Option<String>,
    /// What happened, in lowercase, like an error message.
    pub message: String,
}

/// Which kind of target was scanned; the names are the target schemes users type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TargetKind {
    /// `dir:PATH`, a source tree.
    Dir,
    /// `rootfs:PATH`, an installed root filesystem.
    Rootfs,
    /// `oci-dir:PATH[:TAG]`, an OCI image layout.
    OciDir,
    /// `oci-archive:FILE`, an OCI image layout in a tar file.
    OciArchive,
    /// `docker-archive:FILE`, `docker save` output.
    DockerArchive,
    /// `registry:REF`, an image in an OCI or Docker registry.
    Registry,
    /// `sbom:FILE`, a CycloneDX or SPDX JSON document read back into an inventory instead of
    /// opening the target it describes; the name is the file's path.
    Sbom,
}

impl TargetKind {
    /// The scheme users type for this kind (`oci-dir`).
    pub fn scheme(self) -> &'static str {
        match self {
            Self::Dir => "dir",
            Self::Rootfs => "rootfs",
            Self::OciDir => "oci-dir",
            Self::OciArchive => "oci-archive",
            Self::DockerArchive => "docker-archive",
            Self::Registry => "registry",
            Self::Sbom => "sbom",
        }
    }
}

/// What was scanned: the user's name for it and, for images, the image's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetInfo {
    /// The kind of target.
    pub kind: TargetKind,
    /// The target as the user named it, without the scheme.
    pub name: String,
    /// Image identity, for image targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<ImageInfo>,
}

/// The identity of an image: what a signature or an admission decision refers to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImageInfo {
    /// Digest of the image manifest (`sha256:…`), the image's identity in a registry; absent
    /// for `docker save` archives, which carry no manifest in registry form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_digest: Option<String>,
    /// Digest of the image configuration blob (the image id).
    pub config_digest: String,
    /// `os/architecture[/variant]` from the configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Layers, bottom first.
    pub layers: Vec<LayerInfo>,
    /// Tags or references the image was found under (`app:1.0`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// One image layer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LayerInfo {
    /// Digest of the layer blob as stored (compressed), as in the manifest; for `docker save`
    /// archives, whose layers have no manifest digest, the uncompressed `diff_id`.
    pub digest: String,
    /// Digest of the uncompressed tar (`diff_id` in the configuration), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff_id: Option<String>,
    /// Blob size in bytes.
    pub size: u64,
    /// Blob media type.
    pub media_type: String,
}
