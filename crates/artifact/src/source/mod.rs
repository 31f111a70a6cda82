//! Where image bytes come from: OCI layouts (as directories or tar files), `docker save`
//! archives and registries. Each source resolves an image to a verified manifest and
//! configuration, then opens layer blobs for [`crate::layer`] to stream.

pub(crate) mod archive;
mod docker;
mod layout;
mod registry;

use std::io::Read;

use custody_model::{ImageInfo, LayerInfo};

use crate::Error;
use crate::digest::Digest;
use crate::layer::Expected;
use crate::manifest::{self, Config, Document, Manifest, Platform};

pub(crate) use docker::open_docker_archive;
pub(crate) use layout::{open_oci_archive, open_oci_dir};
pub(crate) use registry::open_registry;
pub use registry::{RegistryOptions, registry_client};

/// An image whose manifest and configuration were read and verified, with the digest each
/// layer's bytes must match.
pub(crate) struct ResolvedImage {
    pub(crate) info: ImageInfo,
    pub(crate) expected: Vec<Expected>,
}

/// A store of image blobs.
pub(crate) trait ImageSource: Sync {
    /// Reads a small blob (an index, manifest or configuration) and verifies its digest.
    fn read_blob(&self, digest: &Digest) -> Result<Vec<u8>, Error>;

    /// Reads a manifest or index by digest and verifies it. Layouts keep manifests as blobs;
    /// registries serve them from a separate endpoint.
    fn read_manifest(&self, digest: &Digest) -> Result<Vec<u8>, Error> {
        self.read_blob(digest)
    }

    /// Opens layer `index` (bottom first) for streaming; the caller verifies its digest
    /// while reading.
    fn open_layer(
        &self,
        index: usize,
        layer: &LayerInfo,
    ) -> Result<Box<dyn Read + Send + '_>, Error>;
}

/// Follows indexes from `root` down to one manifest, choosing by `tag` at the top level and by
/// `platform` everywhere. Returns the manifest's digest (when known) and the manifest.
fn resolve_manifest(
    source: &dyn ImageSource,
    root: Document,
    root_digest: Option<String>,
    location: &str,
    tag: Option<&str>,
    platform: &Platform,
) -> Result<(Option<String>, Manifest), Error> {
    // Indexes may nest (an OCI layout's index.json pointing at a multi-platform index); real
    // images nest at most twice, the bound stops a cycle of indexes from looping.
    const MAX_DEPTH: usize = 4;
    let mut document = root;
    let mut digest = root_digest;
    let mut tag = tag;
    for _ in 0..MAX_DEPTH {
        match document {
            Document::Manifest(manifest) => return Ok((digest, *manifest)),
            Document::Index(entries) => {
                let chosen = manifest::choose(&entries, tag, platform, location)?;
                let chosen_digest = Digest::parse(&chosen.digest)?;
                let bytes = source.read_manifest(&chosen_digest)?;
                document = Document::parse(&bytes, &chosen.digest)?;
                digest = Some(chosen.digest.clone());
                tag = None;
            }
        }
    }
    Err(Error::MalformedImage {
        location: location.to_owned(),
        reason: format!("image indexes nest more than {MAX_DEPTH} deep"),
    })
}

/// Reads the configuration of `manifest` and describes the image.
fn describe_image(
    source: &dyn ImageSource,
    manifest_digest: Option<String>,
    manifest: &Manifest,
    tags: Vec<String>,
) -> Result<ResolvedImage, Error> {
    let config_descriptor = manifest
        .config
        .as_ref()
        .ok_or_else(|| Error::MalformedImage {
            location: manifest_digest.clone().unwrap_or_default(),
            reason: "manifest has no config descriptor".into(),
        })?;
    let config_digest = Digest::parse(&config_descriptor.digest)?;
    let config_bytes = source.read_blob(&config_digest)?;
    let config: Config = manifest::parse_json(&config_bytes, &config_descriptor.digest)?;
    let diff_ids = config.rootfs.as_ref().map(|rootfs| &rootfs.diff_ids);
    if let Some(diff_ids) = diff_ids.filter(|ids| ids.len() != manifest.layers.len()) {
        return Err(Error::MalformedImage {
            location: config_descriptor.digest.clone(),
            reason: format!(
                "configuration lists {} layers, manifest {}",
                diff_ids.len(),
                manifest.layers.len()
            ),
        });
    }
    let mut layers = Vec::with_capacity(manifest.layers.len());
    let mut expected = Vec::with_capacity(manifest.layers.len());
    for (index, descriptor) in manifest.layers.iter().enumerate() {
        expected.push(Expected::Blob(Digest::parse(&descriptor.digest)?));
        layers.push(LayerInfo {
            digest: descriptor.digest.clone(),
            diff_id: diff_ids.and_then(|ids| ids.get(index)).cloned(),
            size: descriptor.size,
            media_type: descriptor.media_type.clone(),
        });
    }
    Ok(ResolvedImage {
        info: ImageInfo {
            manifest_digest,
            config_digest: config_descriptor.digest.clone(),
            platform: platform_of(&config),
            layers,
            tags,
        },
        expected,
    })
}

fn platform_of(config: &Config) -> Option<String> {
    if config.os.is_empty() || config.architecture.is_empty() {
        return None;
    }
    Some(match &config.variant {
        Some(variant) => format!("{}/{}/{variant}", config.os, config.architecture),
        None => format!("{}/{}", config.os, config.architecture),
    })
}

/// Reads at most `limit` bytes of a document, failing when it is longer.
fn read_bounded(mut reader: impl Read, limit: u64, location: &str) -> Result<Vec<u8>, Error> {
    let mut bytes = Vec::new();
    reader.by_ref().take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(Error::MalformedImage {
            location: location.to_owned(),
            reason: format!("document larger than {limit} bytes"),
        });
    }
    Ok(bytes)
}
