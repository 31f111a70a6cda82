//! The OCI documents signatures live in: descriptors, the artifact manifest of a referrer,
//! cosign's legacy `.sig`/`.att` image manifests and their configuration, and the referrers
//! fallback index.
//!
//! Field order and spelling follow what cosign (go-containerregistry) and sigstore-js write, so
//! the bytes we push match theirs: cosign's `specs/SIGNATURE_SPEC.md` and `specs/BUNDLE_SPEC.md`,
//! the OCI image spec's manifest and empty descriptor, and the distribution spec's referrers
//! tag schema. Everything here is pure; [`super::registry`] moves the bytes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// OCI image manifest.
pub(crate) const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
/// OCI image index.
pub(crate) const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
/// Docker schema 2 manifest.
pub(crate) const DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
/// Docker manifest list.
pub(crate) const DOCKER_MANIFEST_LIST: &str =
    "application/vnd.docker.distribution.manifest.list.v2+json";
/// Every manifest type an image reference may resolve to.
pub(crate) const MANIFEST_TYPES: [&str; 4] = [
    OCI_INDEX,
    OCI_MANIFEST,
    DOCKER_MANIFEST_LIST,
    DOCKER_MANIFEST,
];
/// The OCI 1.1 empty descriptor's media type; its blob is `{}`.
pub(crate) const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";
/// The empty descriptor's content.
pub(crate) const EMPTY_BLOB: &[u8] = b"{}";
/// Image configuration, used by cosign's legacy signature images.
pub(crate) const OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
/// A simple-signing payload layer in a legacy `.sig` image.
pub(crate) const SIMPLE_SIGNING: &str = "application/vnd.dev.cosign.simplesigning.v1+json";
/// A DSSE envelope layer in a legacy `.att` image.
pub(crate) const DSSE_ENVELOPE: &str = "application/vnd.dsse.envelope.v1+json";
/// Sigstore bundle v0.3: the artifact type and layer media type of a bundle referrer.
pub(crate) const BUNDLE_V0_3: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// Legacy layer annotation: the base64 signature (`SIGNATURE_SPEC.md`).
pub(crate) const SIGNATURE_ANNOTATION: &str = "dev.cosignproject.cosign/signature";
/// Legacy layer annotation: the signing certificate, PEM. The spec's text says
/// `dev.cosignproject.cosign/certificate`; cosign's code and every signer write this key.
pub(crate) const CERTIFICATE_ANNOTATION: &str = "dev.sigstore.cosign/certificate";
/// Legacy layer annotation: the certificate chain, PEM.
pub(crate) const CHAIN_ANNOTATION: &str = "dev.sigstore.cosign/chain";
/// Legacy layer annotation: Rekor's signed entry timestamp bundle, JSON.
pub(crate) const REKOR_BUNDLE_ANNOTATION: &str = "dev.sigstore.cosign/bundle";
/// Legacy `.att` layer annotation: the statement's predicate type.
pub(crate) const PREDICATE_TYPE_ANNOTATION: &str = "predicateType";
/// Bundle referrer annotation: `dsse-envelope` or `message-signature` (`BUNDLE_SPEC.md`).
pub(crate) const BUNDLE_CONTENT_ANNOTATION: &str = "dev.sigstore.bundle.content";
/// Bundle referrer annotation: the DSSE statement's predicate type.
pub(crate) const BUNDLE_PREDICATE_TYPE_ANNOTATION: &str = "dev.sigstore.bundle.predicateType";
/// OCI pre-defined annotation: when the referrer was created, RFC 3339.
pub(crate) const CREATED_ANNOTATION: &str = "org.opencontainers.image.created";

/// An OCI content descriptor, fields in go-containerregistry's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Descriptor {
    pub(crate) media_type: String,
    pub(crate) size: u64,
    pub(crate) digest: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) artifact_type: Option<String>,
}

impl Descriptor {
    /// Describes `content` of `media_type`.
    pub(crate) fn of(media_type: &str, content: &[u8]) -> Self {
        Self {
            media_type: media_type.to_owned(),
            size: content.len() as u64,
            digest: sha256_digest(content),
            annotations: BTreeMap::new(),
            artifact_type: None,
        }
    }
}

/// An OCI image manifest: a signature image, or an artifact manifest with a subject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Manifest {
    pub(crate) schema_version: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) media_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) artifact_type: Option<String>,
    pub(crate) config: Descriptor,
    #[serde(default)]
    pub(crate) layers: Vec<Descriptor>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) annotations: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) subject: Option<Descriptor>,
}

impl Manifest {
    /// The manifest's JSON, as pushed and as its digest is computed over.
    pub(crate) fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a manifest of strings and numbers always serializes")
    }
}

/// The artifact manifest that attaches a Sigstore bundle to `subject` (`BUNDLE_SPEC.md` and
/// `@sigstore/oci`'s `attachArtifactToImage`): artifact type and single layer the bundle media
/// type, config the empty descriptor, the annotations on the manifest.
pub(crate) fn bundle_manifest(
    bundle: &[u8],
    subject: Descriptor,
    annotations: BTreeMap<String, String>,
) -> Manifest {
    let mut config = Descriptor::of(EMPTY_MEDIA_TYPE, EMPTY_BLOB);
    config.annotations.clear();
    Manifest {
        schema_version: 2,
        media_type: Some(OCI_MANIFEST.to_owned()),
        artifact_type: Some(BUNDLE_V0_3.to_owned()),
        config,
        layers: vec![Descriptor::of(BUNDLE_V0_3, bundle)],
        annotations,
        subject: Some(subject),
    }
}

/// go-containerregistry's image configuration for `layers` (cosign builds its signature
/// images from `empty.Image`): zero times, empty platform, one history entry and one diff ID
/// per layer (signature layers are uncompressed, so the diff ID is the layer digest).
pub(crate) fn legacy_config(layers: &[Descriptor]) -> Vec<u8> {
    let history: Vec<_> = layers
        .iter()
        .map(|_| serde_json::json!({ "created": ZERO_TIME }))
        .collect();
    let diff_ids: Vec<_> = layers.iter().map(|layer| layer.digest.as_str()).collect();
    // serde_json keeps insertion order only with `preserve_order`; write the object by hand so
    // the keys come in go-containerregistry's struct order.
    format!(
        r#"{{"architecture":"","created":"{ZERO_TIME}","history":{},"os":"","rootfs":{{"type":"layers","diff_ids":{}}},"config":{{}}}}"#,
        serde_json::Value::Array(history),
        serde_json::to_string(&diff_ids).expect("a list of strings always serializes"),
    )
    .into_bytes()
}

/// Go's zero `time.Time`, which go-containerregistry writes for unset creation times.
const ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// A legacy `.sig`/`.att` image manifest over `layers`, with its configuration blob.
pub(crate) fn legacy_manifest(layers: Vec<Descriptor>) -> (Manifest, Vec<u8>) {
    let config = legacy_config(&layers);
    let manifest = Manifest {
        schema_version: 2,
        media_type: Some(OCI_MANIFEST.to_owned()),
        artifact_type: None,
        config: Descriptor::of(OCI_CONFIG, &config),
        layers,
        annotations: BTreeMap::new(),
        subject: None,
    };
    (manifest, config)
}

/// The referrers fallback tag of `digest` (`sha256:HEX` → `sha256-HEX`), the distribution
/// spec's referrers tag schema.
pub(crate) fn fallback_tag(digest: &str) -> String {
    digest.replacen(':', "-", 1)
}

/// Adds `entry` to the referrers index `existing` (or a new one), keeping every field already
/// there; `None` when the index already lists `entry`'s digest.
pub(crate) fn append_to_index(
    existing: Option<serde_json::Value>,
    entry: &Descriptor,
) -> Result<Option<Vec<u8>>, String> {
    let mut index = existing.unwrap_or_else(
        || serde_json::json!({ "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [] }),
    );
    let manifests = index
        .get_mut("manifests")
        .and_then(serde_json::Value::as_array_mut)
        .ok_or("the referrers index has no `manifests` list")?;
    let listed = manifests.iter().any(|manifest| {
        manifest.get("digest").and_then(serde_json::Value::as_str) == Some(entry.digest.as_str())
    });
    if listed {
        return Ok(None);
    }
    manifests.push(serde_json::to_value(entry).map_err(|error| error.to_string())?);
    Ok(Some(
        serde_json::to_vec(&index).expect("a JSON value always serializes"),
    ))
}

/// `sha256:HEX` of `content`.
pub(crate) fn sha256_digest(content: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(content)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_descriptor_is_the_oci_one() {
        let config = Descriptor::of(EMPTY_MEDIA_TYPE, EMPTY_BLOB);
        // The OCI image spec's empty descriptor (manifest.md, "Guidance for an Empty
        // Descriptor").
        assert_eq!(
            config.digest,
            "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
        assert_eq!(config.size, 2);
    }

    #[test]
    fn legacy_config_lists_each_layer() {
        let layer = Descriptor::of(SIMPLE_SIGNING, b"payload");
        let config: serde_json::Value =
            serde_json::from_slice(&legacy_config(std::slice::from_ref(&layer))).unwrap();
        assert_eq!(config["rootfs"]["diff_ids"][0], layer.digest.as_str());
        assert_eq!(config["history"].as_array().unwrap().len(), 1);
        assert_eq!(config["created"], ZERO_TIME);
    }

    #[test]
    fn index_append_keeps_existing_entries_and_dedupes() {
        let first = Descriptor::of(OCI_MANIFEST, b"one");
        let index = append_to_index(None, &first).unwrap().unwrap();
        let mut value: serde_json::Value = serde_json::from_slice(&index).unwrap();
        value["annotations"] = serde_json::json!({"kept": "yes"});
        assert_eq!(append_to_index(Some(value.clone()), &first).unwrap(), None);
        let second = Descriptor::of(OCI_MANIFEST, b"two");
        let both: serde_json::Value =
            serde_json::from_slice(&append_to_index(Some(value), &second).unwrap().unwrap())
                .unwrap();
        assert_eq!(both["manifests"][0]["digest"], first.digest.as_str());
        assert_eq!(both["manifests"][1]["digest"], second.digest.as_str());
        assert_eq!(both["annotations"]["kept"], "yes");
        assert_eq!(both["mediaType"], OCI_INDEX);
    }

    #[test]
    fn fallback_tag_replaces_the_colon() {
        assert_eq!(fallback_tag("sha256:abc"), "sha256-abc");
    }
}
