//! Images in OCI and Docker registries, through oci-client: manifests and configurations are
//! fetched and verified, layer blobs streamed straight into the layer reader.

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use bytes::Bytes;
use custody_model::LayerInfo;
use futures_util::{StreamExt as _, TryStreamExt as _};
use oci_client::client::{ClientConfig, ClientProtocol};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use serde::Deserialize;
use tokio::runtime::Runtime;
use tokio::sync::mpsc;

use super::{ImageSource, ResolvedImage, describe_image, resolve_manifest};
use crate::Error;
use crate::digest::Digest;
use crate::layer::Expected;
use crate::manifest::{ACCEPTED_MANIFEST_TYPES, Document, MAX_DOCUMENT_SIZE, Platform};

/// How to reach and log in to registries.
#[derive(Debug, Clone, Default)]
pub struct RegistryOptions {
    /// Use plain HTTP for every registry.
    pub plain_http: bool,
    /// Registries (`host[:port]`) reached over plain HTTP.
    pub insecure_registries: Vec<String>,
    /// Explicit credentials; they win over the Docker configuration.
    pub username: Option<String>,
    /// Password or token for [`RegistryOptions::username`].
    pub password: Option<String>,
    /// A Docker `config.json` to read `auths` from (the CLI passes `~/.docker/config.json` or
    /// `$DOCKER_CONFIG/config.json`).
    pub docker_config: Option<PathBuf>,
}

/// A registry image, as an [`ImageSource`].
pub(crate) struct Registry {
    client: Client,
    reference: Reference,
    auth: RegistryAuth,
    runtime: Runtime,
}

impl Registry {
    fn registry_error(&self, source: oci_client::errors::OciDistributionError) -> Error {
        Error::Registry {
            reference: self.reference.whole(),
            source,
        }
    }
}

impl ImageSource for Registry {
    fn read_blob(&self, digest: &Digest) -> Result<Vec<u8>, Error> {
        let digest_text = digest.to_string();
        let bytes = self.runtime.block_on(async {
            let mut stream = self
                .client
                .pull_blob_stream(&self.reference, digest_text.as_str())
                .await?;
            let mut bytes = Vec::new();
            while let Some(chunk) = stream.stream.try_next().await? {
                bytes.extend_from_slice(&chunk);
                if bytes.len() as u64 > MAX_DOCUMENT_SIZE {
                    return Err(oci_client::errors::OciDistributionError::GenericError(
                        Some(format!(
                            "blob {digest_text} is larger than {MAX_DOCUMENT_SIZE} bytes"
                        )),
                    ));
                }
            }
            Ok(bytes)
        });
        let bytes = bytes.map_err(|source| self.registry_error(source))?;
        digest.verify(&digest_text, &bytes)?;
        Ok(bytes)
    }

    fn read_manifest(&self, digest: &Digest) -> Result<Vec<u8>, Error> {
        let digest_text = digest.to_string();
        let reference = self.reference.clone_with_digest(digest_text.clone());
        let (bytes, _) = self
            .runtime
            .block_on(self.client.pull_manifest_raw(
                &reference,
                &self.auth,
                &ACCEPTED_MANIFEST_TYPES,
            ))
            .map_err(|source| self.registry_error(source))?;
        if bytes.len() as u64 > MAX_DOCUMENT_SIZE {
            return Err(Error::MalformedImage {
                location: digest_text,
                reason: format!("manifest larger than {MAX_DOCUMENT_SIZE} bytes"),
            });
        }
        digest.verify(&digest_text, &bytes)?;
        Ok(bytes.to_vec())
    }

    fn open_layer(
        &self,
        _index: usize,
        layer: &LayerInfo,
    ) -> Result<Box<dyn Read + Send + '_>, Error> {
        let stream = self
            .runtime
            .block_on(
                self.client
                    .pull_blob_stream(&self.reference, layer.digest.as_str()),
            )
            .map_err(|source| self.registry_error(source))?;
        let (sender, receiver) = mpsc::channel(CHUNKS_IN_FLIGHT);
        let mut body = stream.stream;
        self.runtime.spawn(async move {
            while let Some(chunk) = body.next().await {
                if sender.send(chunk).await.is_err() {
                    break;
                }
            }
        });
        Ok(Box::new(BodyReader {
            receiver,
            chunk: Bytes::new(),
        }))
    }
}

/// Response-body chunks buffered between the download task and the layer reader. Bodies
/// arrive in chunks of a few KiB: driving the stream on the runtime, with the client's own
/// digest check, and handing over whole chunks cost ~100 ms less per 166 MiB layer than
/// polling it from the reading thread (tokio-util's `SyncIoBridge`).
const CHUNKS_IN_FLIGHT: usize = 32;

/// A response body being downloaded on the runtime, read as a blocking [`Read`].
struct BodyReader {
    receiver: mpsc::Receiver<std::io::Result<Bytes>>,
    chunk: Bytes,
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.chunk.is_empty() {
            match self.receiver.blocking_recv() {
                Some(chunk) => self.chunk = chunk?,
                None => return Ok(0),
            }
        }
        let read = self.chunk.len().min(buf.len());
        let head = self.chunk.split_to(read);
        buf.get_mut(..read)
            .unwrap_or_default()
            .copy_from_slice(&head);
        Ok(read)
    }
}

/// Resolves `reference` in its registry to one image for `platform`.
pub(crate) fn open_registry(
    reference: &str,
    options: &RegistryOptions,
    platform: &Platform,
) -> Result<(Registry, ResolvedImage), Error> {
    let parsed = Reference::try_from(reference).map_err(|error| Error::InvalidTarget {
        input: reference.to_owned(),
        reason: error.to_string(),
    })?;
    let (client, auth) = registry_client(&parsed, options)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let registry = Registry {
        client,
        reference: parsed,
        auth,
        runtime,
    };
    let (bytes, digest) = registry
        .runtime
        .block_on(registry.client.pull_manifest_raw(
            &registry.reference,
            &registry.auth,
            &ACCEPTED_MANIFEST_TYPES,
        ))
        .map_err(|source| registry.registry_error(source))?;
    let root = Document::parse(&bytes, &digest)?;
    let (manifest_digest, manifest) =
        resolve_manifest(&registry, root, Some(digest), reference, None, platform)?;
    let tags = registry
        .reference
        .tag()
        .map(|_| registry.reference.whole())
        .into_iter()
        .collect();
    let mut image = describe_image(&registry, manifest_digest, &manifest, tags)?;
    for expected in &mut image.expected {
        *expected = Expected::BySource;
    }
    Ok((registry, image))
}

/// An oci-client [`Client`] for `reference`'s registry and the credentials chosen for it
/// (explicit ones, then Docker's `config.json` and credential helpers), so that every crate
/// reaching registries (scans here, signatures in custody-sign) connects and logs in the same
/// way. The client resolves no platforms: image indexes come back unresolved.
pub fn registry_client(
    reference: &Reference,
    options: &RegistryOptions,
) -> Result<(Client, RegistryAuth), Error> {
    let protocol = if options.plain_http {
        ClientProtocol::Http
    } else if options.insecure_registries.is_empty() {
        ClientProtocol::Https
    } else {
        ClientProtocol::HttpsExcept(options.insecure_registries.clone())
    };
    // ring's provider, not aws-lc-rs (see the workspace Cargo.toml); installing it twice is
    // harmless, so the result is ignored.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = Client::new(ClientConfig {
        protocol,
        platform_resolver: None,
        ..ClientConfig::default()
    });
    let auth = credentials(options, reference.resolve_registry())?;
    Ok((client, auth))
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DockerConfig {
    #[serde(default)]
    auths: HashMap<String, DockerAuth>,
    /// A credential helper for every registry (`docker-credential-<name>`).
    #[serde(default)]
    creds_store: Option<String>,
    /// Credential helpers per registry.
    #[serde(default)]
    cred_helpers: HashMap<String, String>,
}

/// What a credential helper prints for `get`.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct HelperCredentials {
    username: String,
    secret: String,
}

#[derive(Deserialize)]
struct DockerAuth {
    #[serde(default)]
    auth: Option<String>,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
}

/// Chooses credentials for `registry`: explicit ones first, then the Docker configuration's
/// `auths` entry for that host, else anonymous.
fn credentials(options: &RegistryOptions, registry: &str) -> Result<RegistryAuth, Error> {
    if let Some(username) = &options.username {
        return Ok(RegistryAuth::Basic(
            username.clone(),
            options.password.clone().unwrap_or_default(),
        ));
    }
    let Some(path) = options
        .docker_config
        .as_deref()
        .filter(|path| path.exists())
    else {
        return Ok(RegistryAuth::Anonymous);
    };
    docker_config_credentials(path, registry)
}

fn docker_config_credentials(path: &Path, registry: &str) -> Result<RegistryAuth, Error> {
    let invalid = |reason: String| Error::Credentials {
        path: path.to_owned(),
        reason,
    };
    let text = fs_err::read(path)?;
    let config: DockerConfig =
        serde_json::from_slice(&text).map_err(|error| invalid(error.to_string()))?;
    let wanted = registry_host(registry);
    let helper = config
        .cred_helpers
        .iter()
        .find_map(|(key, helper)| (registry_host(key) == wanted).then_some(helper));
    if let Some(helper) = helper {
        return helper_credentials(path, helper, registry);
    }
    let Some(entry) = config
        .auths
        .iter()
        .find_map(|(key, entry)| (registry_host(key) == wanted).then_some(entry))
    else {
        return match &config.creds_store {
            Some(store) => helper_credentials(path, store, registry),
            None => Ok(RegistryAuth::Anonymous),
        };
    };
    if let Some(encoded) = entry.auth.as_deref().filter(|auth| !auth.is_empty()) {
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(encoded.trim())
            .map_err(|error| invalid(format!("auth for {registry} is not base64: {error}")))?;
        let decoded = String::from_utf8(decoded)
            .map_err(|_| invalid(format!("auth for {registry} is not UTF-8")))?;
        let (username, password) = decoded
            .split_once(':')
            .ok_or_else(|| invalid(format!("auth for {registry} is not user:password")))?;
        return Ok(RegistryAuth::Basic(
            username.to_owned(),
            password.to_owned(),
        ));
    }
    match (&entry.username, &entry.password) {
        (Some(username), Some(password)) => {
            Ok(RegistryAuth::Basic(username.clone(), password.clone()))
        }
        _ => Ok(RegistryAuth::Anonymous),
    }
}

/// Asks the credential helper `docker-credential-<name>` for `registry`'s credentials, as
/// Docker does: `get` with the server on stdin, JSON on stdout. A helper that has none (it
/// exits non-zero) means anonymous access. The helper is the user's own configuration, never
/// anything from a scanned artifact.
fn helper_credentials(config: &Path, name: &str, registry: &str) -> Result<RegistryAuth, Error> {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let invalid = |reason: String| Error::Credentials {
        path: config.to_owned(),
        reason,
    };
    if name.is_empty()
        || !name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.'))
    {
        return Err(invalid(format!(
            "credential helper name `{name}` is not a plain name"
        )));
    }
    let program = format!("docker-credential-{name}");
    let server = if registry_host(registry) == "docker.io" {
        "https://index.docker.io/v1/"
    } else {
        registry
    };
    let mut child = Command::new(&program)
        .arg("get")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| invalid(format!("cannot run {program}: {error}")))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(server.as_bytes())
            .map_err(|error| invalid(format!("cannot talk to {program}: {error}")))?;
    }
    let output = child
        .wait_with_output()
        .map_err(|error| invalid(format!("cannot run {program}: {error}")))?;
    if !output.status.success() {
        tracing::debug!(%program, %server, "credential helper has no credentials");
        return Ok(RegistryAuth::Anonymous);
    }
    let credentials: HelperCredentials = serde_json::from_slice(&output.stdout)
        .map_err(|error| invalid(format!("{program} printed no credentials: {error}")))?;
    Ok(RegistryAuth::Basic(
        credentials.username,
        credentials.secret,
    ))
}

/// The host part of a Docker config `auths` key or registry name, with Docker Hub's many
/// spellings folded into one.
fn registry_host(key: &str) -> &str {
    let key = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    let host = key.split('/').next().unwrap_or(key);
    match host {
        "index.docker.io" | "registry-1.docker.io" | "docker.io" => "docker.io",
        host => host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_docker_config_auths() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("config.json");
        // "alice:s3cret" in base64.
        fs_err::write(
            &path,
            r#"{"auths":{"https://index.docker.io/v1/":{"auth":"YWxpY2U6czNjcmV0"},
                "127.0.0.1:5000":{"username":"bob","password":"pw"}}}"#,
        )
        .unwrap();
        let options = RegistryOptions {
            docker_config: Some(path),
            ..RegistryOptions::default()
        };
        assert!(matches!(
            credentials(&options, "index.docker.io").unwrap(),
            RegistryAuth::Basic(user, password) if user == "alice" && password == "s3cret"
        ));
        assert!(matches!(
            credentials(&options, "127.0.0.1:5000").unwrap(),
            RegistryAuth::Basic(user, _) if user == "bob"
        ));
        assert!(matches!(
            credentials(&options, "ghcr.io").unwrap(),
            RegistryAuth::Anonymous
        ));
        let explicit = RegistryOptions {
            username: Some("carol".into()),
            ..options
        };
        assert!(matches!(
            credentials(&explicit, "ghcr.io").unwrap(),
            RegistryAuth::Basic(user, _) if user == "carol"
        ));
    }

    #[test]
    fn bad_auth_is_an_error_naming_the_file() {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("config.json");
        fs_err::write(&path, r#"{"auths":{"ghcr.io":{"auth":"%%%"}}}"#).unwrap();
        let options = RegistryOptions {
            docker_config: Some(path),
            ..RegistryOptions::default()
        };
        let error = credentials(&options, "ghcr.io").unwrap_err();
        assert!(error.to_string().contains("config.json"), "{error}");
    }
}
