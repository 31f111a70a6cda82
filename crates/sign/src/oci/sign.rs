//! Writing signatures and attestations to a registry, in both layouts.
//!
//! - Bundle (cosign v3, the default): the Sigstore bundle is pushed as an OCI 1.1 artifact
//!   manifest whose `subject` is the image, by digest; when the registry has no referrers API
//!   the referrers fallback tag `sha256-HEX` (an image index) gets the new manifest appended.
//! - Legacy (cosign ≤ 2): the signed layer is appended to the image manifest on the
//!   `sha256-HEX.sig` (signatures) or `sha256-HEX.att` (attestations) tag, keeping the layers
//!   already there and skipping an identical one.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::layout::{self, Descriptor, Manifest};
use super::registry::Repository;
use super::{Error, Pushed, SignatureFormat};
use crate::bundle::{Bundle, Signer, dsse, intoto};
use crate::keys::SigningKey;

/// Pushes `bundle` (a DSSE bundle whose statement has `predicate_type`) as a referrer of
/// `subject`, maintaining the fallback tag when the registry lacks the referrers API.
pub(super) fn push_bundle(
    repository: &Repository,
    subject: &Descriptor,
    bundle: &[u8],
    predicate_type: &str,
    created: &str,
) -> Result<Pushed, Error> {
    let annotations = BTreeMap::from([
        (
            layout::BUNDLE_CONTENT_ANNOTATION.to_owned(),
            "dsse-envelope".to_owned(),
        ),
        (
            layout::BUNDLE_PREDICATE_TYPE_ANNOTATION.to_owned(),
            predicate_type.to_owned(),
        ),
        (layout::CREATED_ANNOTATION.to_owned(), created.to_owned()),
    ]);
    repository.push_blob(layout::EMPTY_BLOB)?;
    repository.push_blob(bundle)?;
    let manifest = layout::bundle_manifest(bundle, subject.clone(), annotations.clone());
    let content = manifest.to_json();
    let mut entry = Descriptor::of(layout::OCI_MANIFEST, &content);
    entry.artifact_type = Some(layout::BUNDLE_V0_3.to_owned());
    entry.annotations = annotations;
    repository.push_manifest(&entry.digest, content, layout::OCI_MANIFEST)?;
    let mut location = format!("{}@{}", repository.name(), entry.digest);
    if !repository.has_referrers_api(&subject.digest)? {
        let tag = layout::fallback_tag(&subject.digest);
        let existing =
            match repository.manifest(&tag)? {
                Some(bytes) => Some(serde_json::from_slice(&bytes).map_err(|error| {
                    Error::MalformedDocument {
                        location: tag.clone(),
                        reason: error.to_string(),
                    }
                })?),
                None => None,
            };
        let updated = layout::append_to_index(existing, &entry).map_err(|reason| {
            Error::MalformedDocument {
                location: tag.clone(),
                reason,
            }
        })?;
        if let Some(index) = updated {
            repository.push_manifest(&tag, index, layout::OCI_INDEX)?;
        }
        location = format!("{location} (listed on tag {tag})");
    }
    Ok(Pushed {
        format: SignatureFormat::Bundle,
        location,
    })
}

/// Appends `layer` (whose blob is `content`) to the legacy signature image on `tag`.
pub(super) fn push_legacy(
    repository: &Repository,
    tag: &str,
    layer: Descriptor,
    content: &[u8],
) -> Result<Pushed, Error> {
    let mut layers = match repository.manifest(tag)? {
        Some(bytes) => {
            serde_json::from_slice::<Manifest>(&bytes)
                .map_err(|error| Error::MalformedDocument {
                    location: tag.to_owned(),
                    reason: error.to_string(),
                })?
                .layers
        }
        None => Vec::new(),
    };
    let location = format!("{}:{tag}", repository.name());
    if layers.contains(&layer) {
        return Ok(Pushed {
            format: SignatureFormat::Legacy,
            location: format!("{location} (already there)"),
        });
    }
    repository.push_blob(content)?;
    layers.push(layer);
    let (manifest, config) = layout::legacy_manifest(layers);
    repository.push_blob(&config)?;
    repository.push_manifest(tag, manifest.to_json(), layout::OCI_MANIFEST)?;
    Ok(Pushed {
        format: SignatureFormat::Legacy,
        location,
    })
}

/// The legacy `.sig` layer of a simple-signing `payload` and its `signature`.
pub(super) fn signature_layer(payload: &[u8], signature: &[u8]) -> Descriptor {
    let mut layer = Descriptor::of(layout::SIMPLE_SIGNING, payload);
    layer.annotations.insert(
        layout::SIGNATURE_ANNOTATION.to_owned(),
        STANDARD.encode(signature),
    );
    layer
}

/// The legacy `.att` layer of a DSSE `envelope` (JSON) attesting `predicate_type`; cosign
/// writes an empty signature annotation beside the predicate type (the signature is inside
/// the envelope).
pub(super) fn attestation_layer(envelope: &[u8], predicate_type: &str) -> Descriptor {
    let mut layer = Descriptor::of(layout::DSSE_ENVELOPE, envelope);
    layer
        .annotations
        .insert(layout::SIGNATURE_ANNOTATION.to_owned(), String::new());
    layer.annotations.insert(
        layout::PREDICATE_TYPE_ANNOTATION.to_owned(),
        predicate_type.to_owned(),
    );
    layer
}

/// Signs `statement` (in-toto JSON) into a DSSE envelope with `key`.
pub(super) fn envelope(statement: &[u8], key: &SigningKey) -> Result<dsse::Envelope, Error> {
    dsse::Envelope::sign(intoto::PAYLOAD_TYPE, statement, key).map_err(Error::Sign)
}

/// A v0.3 bundle of `envelope` naming `key` by cosign's hint.
pub(super) fn key_bundle(envelope: dsse::Envelope, key: &SigningKey) -> Vec<u8> {
    Bundle::dsse(envelope, Signer::public_key_hint(&key.public_key())).to_json()
}
