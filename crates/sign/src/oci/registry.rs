//! The registry operations signatures need, over oci-client: resolve a reference to its
//! manifest descriptor, read manifests (absent is not an error), blobs and referrers, push
//! blobs and manifests, and, when pushing, ask whether the referrers API exists (a raw request:
//! oci-client folds the API's 404 into its fallback-tag read, and the writer must tell the two
//! apart to know whether to maintain that tag).
//!
//! Connection and credentials come from custody-artifact's [`registry_client`], so signing
//! logs in exactly as scanning does. Everything read is capped and checked against its digest.

use bytes::Bytes;
use custody_artifact::{RegistryOptions, registry_client};
use futures_util::TryStreamExt as _;
use oci_client::errors::{OciDistributionError, OciErrorCode};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference, RegistryOperation};
use tokio::runtime::Runtime;

use super::Error;
use super::layout::{self, Descriptor, MANIFEST_TYPES, OCI_INDEX};

/// Largest manifest, index or signature blob read (a signature is a few KiB; an SBOM
/// attestation can reach megabytes).
const MAX_DOCUMENT_SIZE: usize = 64 << 20;

/// One repository of one registry, with a client logged in to it.
pub(crate) struct Repository {
    client: Client,
    auth: RegistryAuth,
    /// The reference as parsed; its registry and repository address every request.
    reference: Reference,
    /// `http` or `https` for this registry, as the client chose.
    scheme: &'static str,
    runtime: Runtime,
}

impl Repository {
    /// Connects to `reference`'s registry with `options`' credentials.
    pub(crate) fn connect(reference: &str, options: &RegistryOptions) -> Result<Self, Error> {
        let parsed = super::reference::parse(reference)?;
        let (client, auth) =
            registry_client(&parsed, options).map_err(|source| Error::Connect {
                reference: reference.to_owned(),
                source,
            })?;
        let host = parsed.resolve_registry();
        let plain = options.plain_http
            || options
                .insecure_registries
                .iter()
                .any(|registry| registry == host);
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(Error::Runtime)?;
        runtime.block_on(client.store_auth_if_needed(host, &auth));
        Ok(Self {
            client,
            auth,
            reference: parsed,
            scheme: if plain { "http" } else { "https" },
            runtime,
        })
    }

    /// `registry/repository`, the name cosign writes as the docker reference and subject name.
    pub(crate) fn name(&self) -> String {
        format!(
            "{}/{}",
            self.reference.resolve_registry(),
            self.reference.repository()
        )
    }

    fn at(&self, tag_or_digest: &str) -> Reference {
        if tag_or_digest.contains(':') {
            self.reference.clone_with_digest(tag_or_digest.to_owned())
        } else {
            Reference::with_tag(
                self.reference.registry().to_owned(),
                self.reference.repository().to_owned(),
                tag_or_digest.to_owned(),
            )
        }
    }

    /// The descriptor of the manifest the reference names (media type, size and digest), read
    /// with a GET so the digest is computed over the bytes, never taken from a header.
    pub(crate) fn resolve(&self) -> Result<Descriptor, Error> {
        let location = self.reference.whole();
        let (bytes, digest) = self
            .runtime
            .block_on(
                self.client
                    .pull_manifest_raw(&self.reference, &self.auth, &MANIFEST_TYPES),
            )
            .map_err(|source| Error::Registry {
                location: location.clone(),
                source,
            })?;
        let media_type = manifest_media_type(&bytes).ok_or_else(|| Error::MalformedDocument {
            location: location.clone(),
            reason: "neither an image manifest nor an index".to_owned(),
        })?;
        let computed = layout::sha256_digest(&bytes);
        if computed != digest {
            return Err(Error::MalformedDocument {
                location,
                reason: format!("the registry says {digest}, the content is {computed}"),
            });
        }
        Ok(Descriptor {
            media_type,
            size: bytes.len() as u64,
            digest,
            annotations: std::collections::BTreeMap::new(),
            artifact_type: None,
        })
    }

    /// The manifest at `tag_or_digest`, or `None` when there is none. Content fetched by
    /// digest is checked against it.
    pub(crate) fn manifest(&self, tag_or_digest: &str) -> Result<Option<Bytes>, Error> {
        let reference = self.at(tag_or_digest);
        let result = self.runtime.block_on(self.client.pull_manifest_raw(
            &reference,
            &self.auth,
            &MANIFEST_TYPES,
        ));
        match result {
            Ok((bytes, _)) => {
                if bytes.len() > MAX_DOCUMENT_SIZE {
                    return Err(too_large(tag_or_digest));
                }
                if tag_or_digest.contains(':') && layout::sha256_digest(&bytes) != tag_or_digest {
                    return Err(Error::MalformedDocument {
                        location: tag_or_digest.to_owned(),
                        reason: "content does not match its digest".to_owned(),
                    });
                }
                Ok(Some(bytes))
            }
            Err(error) if is_not_found(&error) => Ok(None),
            Err(source) => Err(Error::Registry {
                location: reference.whole(),
                source,
            }),
        }
    }

    /// The blob `digest`, checked against it and capped at [`MAX_DOCUMENT_SIZE`].
    pub(crate) fn blob(&self, digest: &str) -> Result<Vec<u8>, Error> {
        let bytes = self.runtime.block_on(async {
            let mut stream = self
                .client
                .pull_blob_stream(&self.reference, digest)
                .await?;
            let mut bytes = Vec::new();
            while let Some(chunk) = stream.stream.try_next().await? {
                bytes.extend_from_slice(&chunk);
                if bytes.len() > MAX_DOCUMENT_SIZE {
                    return Ok(None);
                }
            }
            Ok::<_, OciDistributionError>(Some(bytes))
        });
        let bytes = bytes
            .map_err(|source| Error::Registry {
                location: digest.to_owned(),
                source,
            })?
            .ok_or_else(|| too_large(digest))?;
        if layout::sha256_digest(&bytes) != digest {
            return Err(Error::MalformedDocument {
                location: digest.to_owned(),
                reason: "content does not match its digest".to_owned(),
            });
        }
        Ok(bytes)
    }

    /// Uploads `content` unless the registry already has it; returns its digest.
    pub(crate) fn push_blob(&self, content: &[u8]) -> Result<String, Error> {
        let digest = layout::sha256_digest(content);
        let registry_error = |source| Error::Registry {
            location: digest.clone(),
            source,
        };
        let exists = self
            .runtime
            .block_on(self.client.blob_exists(&self.reference, &digest))
            .map_err(registry_error)?;
        if !exists {
            self.runtime
                .block_on(self.client.push_blob(
                    &self.reference,
                    Bytes::copy_from_slice(content),
                    &digest,
                ))
                .map_err(registry_error)?;
        }
        Ok(digest)
    }

    /// Puts `content` (of `media_type`) at `tag_or_digest`.
    pub(crate) fn push_manifest(
        &self,
        tag_or_digest: &str,
        content: Vec<u8>,
        media_type: &str,
    ) -> Result<(), Error> {
        let reference = self.at(tag_or_digest);
        let content_type = media_type.parse().map_err(|_| Error::MalformedDocument {
            location: tag_or_digest.to_owned(),
            reason: format!("media type `{media_type}` is not a header value"),
        })?;
        self.runtime
            .block_on(
                self.client
                    .push_manifest_raw(&reference, content, content_type),
            )
            .map_err(|source| Error::Registry {
                location: reference.whole(),
                source,
            })?;
        Ok(())
    }

    /// The referrers of `digest`: the referrers API's index, or, when the registry has none,
    /// the referrers fallback tag's (oci-client falls back as the distribution spec says).
    pub(crate) fn referrers(&self, digest: &str) -> Result<Vec<Descriptor>, Error> {
        let subject = self.reference.clone_with_digest(digest.to_owned());
        let index = self
            .runtime
            .block_on(self.client.pull_referrers(&subject, None))
            .map_err(|source| Error::Registry {
                location: format!("referrers of {digest}"),
                source,
            })?;
        Ok(index
            .manifests
            .into_iter()
            .map(|entry| Descriptor {
                media_type: entry.media_type,
                size: u64::try_from(entry.size).unwrap_or_default(),
                digest: entry.digest,
                annotations: entry.annotations.unwrap_or_default(),
                artifact_type: entry.artifact_type,
            })
            .collect())
    }

    /// Whether the registry has the referrers API: `GET /v2/<name>/referrers/<digest>`
    /// answers something other than 404 (the distribution spec's test, and @sigstore/oci's).
    /// A raw request, because oci-client hides the 404 behind its fallback; made only when
    /// pushing, so verification does not pay for a second HTTP client.
    pub(crate) fn has_referrers_api(&self, digest: &str) -> Result<bool, Error> {
        let url = format!(
            "{}://{}/v2/{}/referrers/{digest}",
            self.scheme,
            self.reference.resolve_registry(),
            self.reference.repository()
        );
        let token = self
            .runtime
            .block_on(
                self.client
                    .auth(&self.reference, &self.auth, RegistryOperation::Pull),
            )
            .map_err(|source| Error::Registry {
                location: url.clone(),
                source,
            })?;
        let mut request = reqwest::Client::new().get(&url).header("Accept", OCI_INDEX);
        request = match (token, &self.auth) {
            (Some(token), _) => request.bearer_auth(token),
            (None, RegistryAuth::Basic(user, password)) => request.basic_auth(user, Some(password)),
            (None, _) => request,
        };
        let status = self
            .runtime
            .block_on(request.send())
            .map_err(|source| Error::Http {
                url: url.clone(),
                source,
            })?
            .status();
        if status == reqwest::StatusCode::NOT_FOUND {
            Ok(false)
        } else if status.is_success() {
            Ok(true)
        } else {
            Err(Error::HttpStatus {
                url,
                status: status.as_u16(),
            })
        }
    }
}

fn too_large(location: &str) -> Error {
    Error::MalformedDocument {
        location: location.to_owned(),
        reason: format!("larger than {MAX_DOCUMENT_SIZE} bytes"),
    }
}

/// Whether a registry error means "no such manifest" (404, `MANIFEST_UNKNOWN`, …).
fn is_not_found(error: &OciDistributionError) -> bool {
    match error {
        OciDistributionError::ImageManifestNotFoundError(_) => true,
        OciDistributionError::ServerError { code, .. } => *code == 404,
        OciDistributionError::RegistryError { envelope, .. } => {
            envelope.errors.iter().all(|error| {
                matches!(
                    error.code,
                    OciErrorCode::ManifestUnknown | OciErrorCode::NotFound
                )
            })
        }
        _ => false,
    }
}

/// The media type of a manifest: its `mediaType`, else inferred from its shape (OCI allows
/// omitting the field).
fn manifest_media_type(bytes: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    if let Some(media_type) = value.get("mediaType").and_then(serde_json::Value::as_str) {
        return Some(media_type.to_owned());
    }
    if value.get("manifests").is_some() {
        Some(OCI_INDEX.to_owned())
    } else if value.get("config").is_some() {
        Some(layout::OCI_MANIFEST.to_owned())
    } else {
        None
    }
}
