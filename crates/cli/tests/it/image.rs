//! Builds OCI image layouts for tests, layer by layer, with real gzip, zstd and plain tar
//! layers, whiteouts, opaque directories and symbolic links.

use std::path::Path;

use serde_json::json;
use sha2::{Digest as _, Sha256};

/// One entry of a test layer.
pub(crate) enum Entry<'a> {
    File(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
}

/// How a layer blob is compressed.
#[derive(Clone, Copy)]
pub(crate) enum Compression {
    Gzip,
    Zstd,
    None,
}

/// A layer: its compressed blob and the digests a manifest and configuration need.
pub(crate) struct Layer {
    pub(crate) blob: Vec<u8>,
    pub(crate) digest: String,
    pub(crate) diff_id: String,
    pub(crate) media_type: &'static str,
}

pub(crate) fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

/// Builds an uncompressed tar of `entries`.
pub(crate) fn tar(entries: &[Entry<'_>]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for entry in entries {
        let mut header = tar::Header::new_gnu();
        header.set_mtime(1_700_000_000);
        match entry {
            Entry::File(path, content) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(0o644);
                header.set_size(content.len() as u64);
                builder.append_data(&mut header, path, *content).unwrap();
            }
            Entry::Dir(path) => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                builder.append_data(&mut header, path, &[][..]).unwrap();
            }
            Entry::Symlink(path, target) => {
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_mode(0o777);
                header.set_size(0);
                builder.append_link(&mut header, path, target).unwrap();
            }
        }
    }
    builder.into_inner().unwrap()
}

pub(crate) fn layer(entries: &[Entry<'_>], compression: Compression) -> Layer {
    use std::io::Write as _;
    let tar = tar(entries);
    let (blob, media_type) = match compression {
        Compression::Gzip => {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(&tar).unwrap();
            (
                encoder.finish().unwrap(),
                "application/vnd.oci.image.layer.v1.tar+gzip",
            )
        }
        Compression::Zstd => (
            zstd::encode_all(&tar[..], 3).unwrap(),
            "application/vnd.oci.image.layer.v1.tar+zstd",
        ),
        Compression::None => (tar.clone(), "application/vnd.oci.image.layer.v1.tar"),
    };
    Layer {
        digest: sha256(&blob),
        diff_id: sha256(&tar),
        blob,
        media_type,
    }
}

/// An image for one platform, ready to be written into a layout.
pub(crate) struct Image {
    pub(crate) manifest: Vec<u8>,
    pub(crate) manifest_digest: String,
    config: Vec<u8>,
    layers: Vec<Layer>,
    architecture: &'static str,
}

pub(crate) fn image(layers: Vec<Layer>, architecture: &'static str) -> Image {
    let config = serde_json::to_vec(&json!({
        "architecture": architecture,
        "os": "linux",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": layers.iter().map(|l| &l.diff_id).collect::<Vec<_>>()},
    }))
    .unwrap();
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                   "digest": sha256(&config), "size": config.len()},
        "layers": layers.iter().map(|l| json!({
            "mediaType": l.media_type, "digest": l.digest, "size": l.blob.len()
        })).collect::<Vec<_>>(),
    }))
    .unwrap();
    Image {
        manifest_digest: sha256(&manifest),
        manifest,
        config,
        layers,
        architecture,
    }
}

fn write_blob(root: &Path, bytes: &[u8]) {
    let digest = sha256(bytes);
    let path = root
        .join("blobs/sha256")
        .join(digest.trim_start_matches("sha256:"));
    fs_err::write(path, bytes).unwrap();
}

/// Writes an OCI layout at `root` whose index.json names `images` under `tag`: one image
/// directly, several through a nested multi-platform index.
pub(crate) fn write_layout(root: &Path, tag: &str, images: &[&Image]) {
    fs_err::create_dir_all(root.join("blobs/sha256")).unwrap();
    fs_err::write(root.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
    for image in images {
        write_blob(root, &image.manifest);
        write_blob(root, &image.config);
        for layer in &image.layers {
            write_blob(root, &layer.blob);
        }
    }
    let annotations = json!({"org.opencontainers.image.ref.name": tag});
    let top = if let [image] = images {
        json!({"mediaType": "application/vnd.oci.image.manifest.v1+json",
               "digest": image.manifest_digest, "size": image.manifest.len(),
               "annotations": annotations})
    } else {
        let index = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.index.v1+json",
            "manifests": images.iter().map(|image| json!({
                "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "digest": image.manifest_digest, "size": image.manifest.len(),
                "platform": {"os": "linux", "architecture": image.architecture},
            })).collect::<Vec<_>>(),
        }))
        .unwrap();
        write_blob(root, &index);
        json!({"mediaType": "application/vnd.oci.image.index.v1+json",
               "digest": sha256(&index), "size": index.len(), "annotations": annotations})
    };
    fs_err::write(
        root.join("index.json"),
        serde_json::to_vec(&json!({"schemaVersion": 2, "manifests": [top]})).unwrap(),
    )
    .unwrap();
}
