//! OCI image layouts (<https://github.com/opencontainers/image-spec/blob/main/image-layout.md>),
//! as a directory (`oci-dir:`) or packed in a tar file (`oci-archive:`).

use std::io::Read;
use std::path::{Path, PathBuf};

use custody_model::LayerInfo;

use super::archive::TarIndex;
use super::{ImageSource, ResolvedImage, describe_image, read_bounded, resolve_manifest};
use crate::Error;
use crate::digest::Digest;
use crate::manifest::{Document, MAX_DOCUMENT_SIZE, Platform};

/// Where the layout's files are.
enum Store {
    Directory(PathBuf),
    Archive(TarIndex),
}

/// An OCI layout, as an [`ImageSource`].
pub(crate) struct Layout {
    store: Store,
    location: String,
}

impl Layout {
    fn open_file(&self, name: &str) -> Result<Box<dyn Read + Send + '_>, Error> {
        match &self.store {
            Store::Directory(root) => Ok(Box::new(std::io::BufReader::new(fs_err::File::open(
                root.join(name),
            )?))),
            Store::Archive(index) => Ok(Box::new(index.open_member(name)?.1)),
        }
    }

    fn blob_name(digest: &Digest) -> String {
        format!("blobs/{}/{}", digest.algorithm(), digest.hex())
    }

    fn resolve(&self, tag: Option<&str>, platform: &Platform) -> Result<ResolvedImage, Error> {
        let index_location = format!("{}/index.json", self.location);
        let bytes = read_bounded(
            self.open_file("index.json")?,
            MAX_DOCUMENT_SIZE,
            &index_location,
        )?;
        let root = Document::parse(&bytes, &index_location)?;
        let (digest, manifest) = resolve_manifest(self, root, None, &self.location, tag, platform)?;
        describe_image(
            self,
            digest,
            &manifest,
            tag.map(str::to_owned).into_iter().collect(),
        )
    }
}

impl ImageSource for Layout {
    fn read_blob(&self, digest: &Digest) -> Result<Vec<u8>, Error> {
        let name = Self::blob_name(digest);
        let bytes = read_bounded(self.open_file(&name)?, MAX_DOCUMENT_SIZE, &name)?;
        digest.verify(&format!("{}/{name}", self.location), &bytes)?;
        Ok(bytes)
    }

    fn open_layer(
        &self,
        _index: usize,
        layer: &LayerInfo,
    ) -> Result<Box<dyn Read + Send + '_>, Error> {
        self.open_file(&Self::blob_name(&Digest::parse(&layer.digest)?))
    }
}

/// Opens the OCI layout directory at `path`, choosing the image by `tag` and `platform`.
pub(crate) fn open_oci_dir(
    path: &Path,
    tag: Option<&str>,
    platform: &Platform,
) -> Result<(Layout, ResolvedImage), Error> {
    if !path.join("index.json").is_file() {
        return Err(Error::MalformedImage {
            location: path.display().to_string(),
            reason: "not an OCI image layout (no index.json)".into(),
        });
    }
    let layout = Layout {
        store: Store::Directory(path.to_owned()),
        location: path.display().to_string(),
    };
    let image = layout.resolve(tag, platform)?;
    Ok((layout, image))
}

/// Opens the OCI layout packed in the tar file at `path`.
pub(crate) fn open_oci_archive(
    path: &Path,
    platform: &Platform,
) -> Result<(Layout, ResolvedImage), Error> {
    let index = TarIndex::open(path)?;
    if !index.contains("index.json") {
        return Err(Error::MalformedImage {
            location: path.display().to_string(),
            reason: "not an OCI archive (no index.json)".into(),
        });
    }
    let layout = Layout {
        store: Store::Archive(index),
        location: path.display().to_string(),
    };
    let image = layout.resolve(None, platform)?;
    Ok((layout, image))
}
