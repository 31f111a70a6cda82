//! OCI and Docker image indexes, manifests and configurations: the few fields custody reads,
//! and choosing one image out of an index by tag and platform.
//!
//! Both media-type families are accepted (OCI image spec v1.1 and Docker schema 2); Docker
//! schema 1 is refused with a clear error.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;

use crate::Error;

/// Media types of image indexes (multi-platform lists).
const INDEX_TYPES: [&str; 2] = [
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
];

/// Media types this crate reads as manifests or indexes, for registry `Accept` headers.
pub(crate) const ACCEPTED_MANIFEST_TYPES: [&str; 4] = [
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
    INDEX_TYPES[0],
    INDEX_TYPES[1],
];

/// The annotation OCI layouts use for tags.
const REF_NAME: &str = "org.opencontainers.image.ref.name";

/// Largest manifest, index or configuration document read, in bytes.
pub(crate) const MAX_DOCUMENT_SIZE: u64 = 16 * 1024 * 1024;

/// A content descriptor: a typed, sized, digested pointer to a blob.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Descriptor {
    #[serde(default)]
    pub(crate) media_type: String,
    pub(crate) digest: String,
    #[serde(default)]
    pub(crate) size: u64,
    #[serde(default)]
    pub(crate) annotations: BTreeMap<String, String>,
    #[serde(default)]
    pub(crate) platform: Option<Platform>,
}

/// An image manifest; also read for indexes (and the `index.json` of an OCI layout), which
/// share its `mediaType` and `manifests` fields.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Manifest {
    #[serde(default)]
    schema_version: u32,
    #[serde(default)]
    media_type: Option<String>,
    #[serde(default)]
    pub(crate) config: Option<Descriptor>,
    #[serde(default)]
    pub(crate) layers: Vec<Descriptor>,
    #[serde(default)]
    manifests: Option<Vec<Descriptor>>,
}

/// The parts of an image configuration custody reads.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct Config {
    #[serde(default)]
    pub(crate) os: String,
    #[serde(default)]
    pub(crate) architecture: String,
    #[serde(default)]
    pub(crate) variant: Option<String>,
    #[serde(default)]
    pub(crate) rootfs: Option<RootFs>,
}

/// The configuration's list of uncompressed layer digests.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct RootFs {
    #[serde(default)]
    pub(crate) diff_ids: Vec<String>,
}

/// An `os/architecture[/variant]` platform, as `--platform` takes it.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Platform {
    /// Operating system (`linux`, `windows`).
    pub os: String,
    /// CPU architecture in Go's spelling (`amd64`, `arm64`, `arm`, `s390x`).
    pub architecture: String,
    /// Architecture variant (`v7`, `v8`).
    #[serde(default)]
    pub variant: Option<String>,
}

impl Platform {
    /// Parses `os/architecture[/variant]`.
    ///
    /// ```
    /// let platform = custody_artifact::Platform::parse("linux/arm64/v8").unwrap();
    /// assert_eq!(platform.architecture, "arm64");
    /// ```
    pub fn parse(text: &str) -> Result<Self, Error> {
        let mut parts = text.split('/');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(os), Some(architecture), variant, None)
                if !os.is_empty() && !architecture.is_empty() =>
            {
                Ok(Self {
                    os: os.to_owned(),
                    architecture: architecture.to_owned(),
                    variant: variant.filter(|v| !v.is_empty()).map(str::to_owned),
                })
            }
            _ => Err(Error::InvalidTarget {
                input: text.to_owned(),
                reason: "a platform is OS/ARCHITECTURE[/VARIANT], e.g. linux/amd64".into(),
            }),
        }
    }

    /// The platform this program was built for, in Go's architecture names, which is what
    /// registries use.
    pub fn host() -> Self {
        let architecture = match std::env::consts::ARCH {
            "x86_64" => "amd64",
            "aarch64" => "arm64",
            "x86" => "386",
            "powerpc64" => "ppc64le",
            other => other,
        };
        Self {
            os: "linux".into(),
            architecture: architecture.into(),
            variant: None,
        }
    }

    /// Whether an image for `other` satisfies a request for `self`; a request without a
    /// variant accepts any variant.
    fn accepts(&self, other: &Self) -> bool {
        self.os == other.os
            && self.architecture == other.architecture
            && (self.variant.is_none() || self.variant == other.variant)
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.os, self.architecture)?;
        if let Some(variant) = &self.variant {
            write!(f, "/{variant}")?;
        }
        Ok(())
    }
}

/// Parses a JSON document of an image, naming it in errors.
pub(crate) fn parse_json<'a, T: Deserialize<'a>>(
    bytes: &'a [u8],
    location: &str,
) -> Result<T, Error> {
    serde_json::from_slice(bytes).map_err(|source| Error::Json {
        location: location.to_owned(),
        source,
    })
}

/// A parsed manifest-or-index document, as fetched by digest or tag.
pub(crate) enum Document {
    /// A list of images to choose from.
    Index(Vec<Descriptor>),
    /// One image.
    Manifest(Box<Manifest>),
}

impl Document {
    /// Parses a manifest or index, telling them apart by media type or shape.
    pub(crate) fn parse(bytes: &[u8], location: &str) -> Result<Self, Error> {
        let manifest: Manifest = parse_json(bytes, location)?;
        let is_index = manifest
            .media_type
            .as_deref()
            .is_some_and(|media_type| INDEX_TYPES.contains(&media_type))
            || (manifest.config.is_none() && manifest.manifests.is_some());
        if is_index {
            return Ok(Self::Index(manifest.manifests.unwrap_or_default()));
        }
        if manifest.schema_version == 1 {
            return Err(Error::MalformedImage {
                location: location.to_owned(),
                reason: "Docker schema 1 manifests are not supported".into(),
            });
        }
        if manifest.config.is_none() {
            return Err(Error::MalformedImage {
                location: location.to_owned(),
                reason: "manifest has no config descriptor".into(),
            });
        }
        Ok(Self::Manifest(Box::new(manifest)))
    }
}

/// Chooses one descriptor from an index: by tag when one is given, else by platform; an
/// index entry without platform information is a candidate only when it is the only one.
pub(crate) fn choose<'a>(
    entries: &'a [Descriptor],
    tag: Option<&str>,
    platform: &Platform,
    location: &str,
) -> Result<&'a Descriptor, Error> {
    let not_found = |wanted: String| Error::ImageNotFound {
        location: location.to_owned(),
        wanted,
    };
    let candidates: Vec<&Descriptor> = match tag {
        Some(tag) => entries
            .iter()
            .filter(|entry| {
                entry.annotations.get(REF_NAME).is_some_and(|name| {
                    name == tag || name.rsplit_once(':').is_some_and(|(_, t)| t == tag)
                })
            })
            .collect(),
        None => entries
            .iter()
            .filter(|entry| {
                entry
                    .annotations
                    .get("vnd.docker.reference.type")
                    .is_none_or(|kind| kind != "attestation-manifest")
            })
            .collect(),
    };
    if let [only] = candidates.as_slice() {
        return Ok(only);
    }
    if candidates.is_empty() {
        return Err(not_found(match tag {
            Some(tag) => format!("tag {tag}"),
            None => "any image".into(),
        }));
    }
    candidates
        .iter()
        .find(|entry| entry.platform.as_ref().is_some_and(|p| platform.accepts(p)))
        .copied()
        .ok_or_else(|| not_found(format!("platform {platform}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(platform: Option<&str>, tag: Option<&str>) -> Descriptor {
        Descriptor {
            media_type: ACCEPTED_MANIFEST_TYPES[0].into(),
            digest: "sha256:00".into(),
            size: 1,
            annotations: tag
                .map(|tag| BTreeMap::from([(REF_NAME.to_owned(), tag.to_owned())]))
                .unwrap_or_default(),
            platform: platform.map(|p| Platform::parse(p).unwrap()),
        }
    }

    #[test]
    fn chooses_by_platform_and_tag() {
        let entries = [
            entry(Some("linux/arm64/v8"), None),
            entry(Some("linux/amd64"), None),
        ];
        let amd64 = Platform::parse("linux/amd64").unwrap();
        let arm64 = Platform::parse("linux/arm64").unwrap();
        let chosen = |platform| {
            choose(&entries, None, platform, "x")
                .unwrap()
                .platform
                .clone()
        };
        assert_eq!(chosen(&amd64), Some(amd64.clone()));
        assert_eq!(chosen(&arm64).unwrap().variant.as_deref(), Some("v8"));
        let s390 = Platform::parse("linux/s390x").unwrap();
        assert!(matches!(
            choose(&entries, None, &s390, "x"),
            Err(Error::ImageNotFound { .. })
        ));
        let tagged = [entry(None, Some("1.0")), entry(None, Some("2.0"))];
        let chosen = choose(&tagged, Some("2.0"), &amd64, "x").unwrap();
        assert_eq!(chosen.annotations[REF_NAME], "2.0");
        assert!(choose(&tagged, Some("3.0"), &amd64, "x").is_err());
        assert!(choose(&tagged, None, &amd64, "x").is_err());
    }

    #[test]
    fn tells_indexes_from_manifests() {
        let index = br#"{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:00","size":1}]}"#;
        assert!(matches!(Document::parse(index, "x").unwrap(), Document::Index(e) if e.len() == 1));
        let manifest =
            br#"{"schemaVersion":2,"config":{"digest":"sha256:00","size":1},"layers":[]}"#;
        assert!(matches!(
            Document::parse(manifest, "x").unwrap(),
            Document::Manifest(_)
        ));
        assert!(Document::parse(br#"{"schemaVersion":1,"fsLayers":[]}"#, "x").is_err());
        assert!(Document::parse(b"[", "x").is_err());
    }

    #[test]
    fn platform_parsing() {
        assert!(Platform::parse("linux").is_err());
        assert!(Platform::parse("linux/amd64/v1/x").is_err());
        assert_eq!(
            Platform::parse("linux/amd64").unwrap().to_string(),
            "linux/amd64"
        );
    }
}
