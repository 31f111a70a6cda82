//! `docker save` archives: `manifest.json` names the configuration and the layer tars; layers
//! are verified against the configuration's `diff_ids`, the only digests such archives carry.

use std::io::Read;
use std::path::Path;

use custody_model::{ImageInfo, LayerInfo};
use serde::Deserialize;

use super::archive::TarIndex;
use super::{ImageSource, ResolvedImage, platform_of, read_bounded};
use crate::Error;
use crate::digest::{self, Digest};
use crate::layer::Expected;
use crate::manifest::{self, Config, MAX_DOCUMENT_SIZE};

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ArchiveEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

/// A `docker save` archive, as an [`ImageSource`].
pub(crate) struct DockerArchive {
    index: TarIndex,
    /// Archive member path of each layer, in [`ImageInfo::layers`] order.
    layer_members: Vec<String>,
}

impl ImageSource for DockerArchive {
    fn read_blob(&self, digest: &Digest) -> Result<Vec<u8>, Error> {
        Err(Error::MalformedImage {
            location: digest.to_string(),
            reason: "docker archives are not addressed by digest".into(),
        })
    }

    fn open_layer(
        &self,
        index: usize,
        layer: &LayerInfo,
    ) -> Result<Box<dyn Read + Send + '_>, Error> {
        let member = self
            .layer_members
            .get(index)
            .ok_or_else(|| Error::MalformedImage {
                location: layer.digest.clone(),
                reason: "layer not in the archive".into(),
            })?;
        Ok(Box::new(self.index.open_member(member)?.1))
    }
}

/// Opens the `docker save` archive at `path` (its first image).
pub(crate) fn open_docker_archive(path: &Path) -> Result<(DockerArchive, ResolvedImage), Error> {
    let location = path.display().to_string();
    let malformed = |reason: String| Error::MalformedImage {
        location: location.clone(),
        reason,
    };
    let index = TarIndex::open(path)?;
    if !index.contains("manifest.json") {
        return Err(malformed("not a docker archive (no manifest.json)".into()));
    }
    let (_, reader) = index.open_member("manifest.json")?;
    let bytes = read_bounded(reader, MAX_DOCUMENT_SIZE, "manifest.json")?;
    let entries: Vec<ArchiveEntry> = manifest::parse_json(&bytes, "manifest.json")?;
    let entry = entries
        .into_iter()
        .next()
        .ok_or_else(|| malformed("manifest.json lists no image".into()))?;
    let (_, reader) = index.open_member(&entry.config)?;
    let config_bytes = read_bounded(reader, MAX_DOCUMENT_SIZE, &entry.config)?;
    let config: Config = manifest::parse_json(&config_bytes, &entry.config)?;
    let diff_ids = config
        .rootfs
        .as_ref()
        .map(|rootfs| rootfs.diff_ids.clone())
        .unwrap_or_default();
    if diff_ids.len() != entry.layers.len() {
        return Err(malformed(format!(
            "configuration lists {} layers, manifest.json {}",
            diff_ids.len(),
            entry.layers.len()
        )));
    }
    let mut layers = Vec::with_capacity(diff_ids.len());
    let mut expected = Vec::with_capacity(diff_ids.len());
    let mut layer_members = Vec::with_capacity(diff_ids.len());
    for (member, diff_id) in entry.layers.iter().zip(diff_ids) {
        let member = crate::path::normalize(member)
            .ok_or_else(|| malformed(format!("layer path {member} escapes the archive")))?;
        let (size, _) = index.open_member(&member)?;
        expected.push(Expected::Tar(Digest::parse(&diff_id)?));
        layers.push(LayerInfo {
            digest: diff_id.clone(),
            diff_id: Some(diff_id),
            size,
            // Docker archives record no media type; this is the one Docker uses for layer tars.
            media_type: "application/vnd.docker.image.rootfs.diff.tar".into(),
        });
        layer_members.push(member);
    }
    let image = ResolvedImage {
        info: ImageInfo {
            manifest_digest: None,
            config_digest: digest::sha256(&config_bytes),
            platform: platform_of(&config),
            layers,
            tags: entry.repo_tags.unwrap_or_default(),
        },
        expected,
    };
    Ok((
        DockerArchive {
            index,
            layer_members,
        },
        image,
    ))
}
