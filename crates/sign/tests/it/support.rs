//! What the image-signature tests share: a real registry on loopback, images pushed to it, and
//! verification with a key.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use custody_artifact::RegistryOptions;
use custody_sign::keys::{KeyAlgorithm, PublicKey, SigningKey};
use custody_sign::oci::{Image, Verification};
use custody_sign::trust::TrustedRoot;
use custody_sign::verify::{Policy, VerifyOptions};
use oci_client::secrets::RegistryAuth;
use oci_client::{Client, Reference};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// A CNCF distribution registry (no referrers API) on a free loopback port, stopped on drop.
pub(crate) struct Registry {
    child: Child,
    /// `127.0.0.1:PORT`.
    pub(crate) address: String,
    storage: tempfile::TempDir,
    credentials: Option<(String, String)>,
}

impl Registry {
    /// Starts a registry, with HTTP basic authentication when `credentials` are given.
    pub(crate) fn start(credentials: Option<(&str, &str)>) -> Self {
        let storage = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address = format!("127.0.0.1:{port}");
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {address}\n",
            storage.path().join("data").display()
        );
        if let Some((user, password)) = credentials {
            let output = Command::new("htpasswd")
                .args(["-Bbn", user, password])
                .output()
                .expect("`htpasswd` is required: install apache2-utils (scripts/setup.sh)");
            assert!(output.status.success());
            let file = storage.path().join("htpasswd");
            fs_err::write(&file, output.stdout).unwrap();
            writeln!(
                config,
                "auth:\n  htpasswd:\n    realm: custody-test\n    path: {}",
                file.display()
            )
            .unwrap();
        }
        let config_path = storage.path().join("config.yml");
        fs_err::write(&config_path, config).unwrap();
        let child = Command::new("docker-registry")
            .arg("serve")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("`docker-registry` is required: install docker-registry (scripts/setup.sh)");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(&address).is_err() {
            assert!(
                Instant::now() < deadline,
                "registry did not start on {address}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            address,
            storage,
            credentials: credentials.map(|(user, password)| (user.to_owned(), password.to_owned())),
        }
    }

    /// How custody reaches it: plain HTTP, with the credentials if any.
    pub(crate) fn options(&self) -> RegistryOptions {
        RegistryOptions {
            plain_http: true,
            username: self.credentials.as_ref().map(|(user, _)| user.clone()),
            password: self
                .credentials
                .as_ref()
                .map(|(_, password)| password.clone()),
            ..RegistryOptions::default()
        }
    }

    /// Opens `reference` (`repository:tag` or `repository@digest`) on this registry.
    pub(crate) fn open(&self, reference: &str) -> Image {
        Image::open(&format!("{}/{reference}", self.address), &self.options()).unwrap()
    }

    fn auth(&self) -> RegistryAuth {
        match &self.credentials {
            Some((user, password)) => RegistryAuth::Basic(user.clone(), password.clone()),
            None => RegistryAuth::Anonymous,
        }
    }

    /// Pushes a one-layer image whose content depends on `seed` to `repository:tag`; returns
    /// its manifest digest.
    pub(crate) fn push_image(&self, repository: &str, tag: &str, seed: &str) -> String {
        let layer = format!("layer of {seed}").into_bytes();
        let layer_digest = digest(&layer);
        let config = serde_json::to_vec(&json!({
            "architecture": "amd64",
            "os": "linux",
            "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
        }))
        .unwrap();
        let manifest = serde_json::to_vec(&json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": digest(&config),
                "size": config.len(),
            },
            "layers": [{
                "mediaType": "application/vnd.oci.image.layer.v1.tar",
                "digest": layer_digest,
                "size": layer.len(),
            }],
        }))
        .unwrap();
        self.put(
            repository,
            tag,
            &[config, layer],
            manifest.clone(),
            "application/vnd.oci.image.manifest.v1+json",
        );
        digest(&manifest)
    }

    /// Uploads `blobs` and puts `manifest` at `repository:reference`.
    pub(crate) fn put(
        &self,
        repository: &str,
        reference: &str,
        blobs: &[Vec<u8>],
        manifest: Vec<u8>,
        media_type: &str,
    ) {
        let (client, image) = self.client(repository, reference);
        block_on(async {
            client
                .auth(&image, &self.auth(), oci_client::RegistryOperation::Push)
                .await
                .unwrap();
            for blob in blobs {
                client
                    .push_blob(&image, blob.clone(), &digest(blob))
                    .await
                    .unwrap();
            }
            client
                .push_manifest_raw(&image, manifest, media_type.parse().unwrap())
                .await
                .unwrap();
        });
    }

    /// The manifest at `repository:reference`, or `None`.
    pub(crate) fn manifest(&self, repository: &str, reference: &str) -> Option<Value> {
        let (client, image) = self.client(repository, reference);
        block_on(client.pull_manifest_raw(
            &image,
            &self.auth(),
            &[
                "application/vnd.oci.image.manifest.v1+json",
                "application/vnd.oci.image.index.v1+json",
            ],
        ))
        .ok()
        .map(|(bytes, _)| serde_json::from_slice(&bytes).unwrap())
    }

    /// The raw bytes of the manifest at `repository:reference`.
    pub(crate) fn manifest_bytes(&self, repository: &str, reference: &str) -> Vec<u8> {
        let (client, image) = self.client(repository, reference);
        block_on(client.pull_manifest_raw(
            &image,
            &self.auth(),
            &["application/vnd.oci.image.manifest.v1+json"],
        ))
        .unwrap()
        .0
        .to_vec()
    }

    /// A client logged in as the tests' user, built the way custody builds its own (ring's
    /// TLS provider installed).
    fn client(&self, repository: &str, reference: &str) -> (Client, Reference) {
        let image: Reference = format!("{}/{repository}:latest", self.address)
            .parse()
            .unwrap();
        let image = if reference.starts_with("sha256:") {
            image.clone_with_digest(reference.to_owned())
        } else {
            Reference::with_tag(
                image.registry().to_owned(),
                image.repository().to_owned(),
                reference.to_owned(),
            )
        };
        let (client, _) = custody_artifact::registry_client(&image, &self.options()).unwrap();
        (client, image)
    }

    /// Where the registry keeps blob `digest`, to tamper with it.
    pub(crate) fn blob_path(&self, digest: &str) -> PathBuf {
        let hex = digest.trim_start_matches("sha256:");
        self.storage
            .path()
            .join("data/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `sha256:HEX` of `content`, as registries name blobs and manifests.
pub(crate) fn digest(content: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(content)))
}

/// A fresh ECDSA P-256 key, the kind cosign generates.
pub(crate) fn key() -> SigningKey {
    SigningKey::generate(KeyAlgorithm::EcdsaP256).unwrap()
}

/// Verifies `image`'s signatures with `key`, the transparency log required or not, asking for
/// the `annotations` pairs.
pub(crate) fn verify(
    image: &Image,
    key: &PublicKey,
    require_tlog: bool,
    annotations: &[(&str, &str)],
) -> Verification {
    with_key(key, require_tlog, |options| {
        image.verify(options, &self::annotations(annotations))
    })
}

/// Verifies `image`'s attestations of `predicate_type` with `key`, offline.
pub(crate) fn verify_attestations(
    image: &Image,
    key: &PublicKey,
    predicate_type: &str,
) -> Verification {
    with_key(key, false, |options| {
        image.verify_attestations(options, predicate_type)
    })
}

/// Runs `check` with options that trust `key` under the production trusted root.
fn with_key(
    key: &PublicKey,
    require_tlog: bool,
    check: impl FnOnce(&VerifyOptions<'_>) -> Result<Verification, custody_sign::oci::Error>,
) -> Verification {
    let root = TrustedRoot::production();
    let policy = Policy::Key(key.clone());
    let options = VerifyOptions {
        root: &root,
        policy: &policy,
        require_tlog,
    };
    check(&options).unwrap()
}

/// Asserts that exactly one signature verified; `context` prefixes the failure message.
pub(crate) fn assert_one_verified(verification: &Verification, context: &str) {
    assert_eq!(
        verification.verified.len(),
        1,
        "{context}{:?}",
        reasons(verification)
    );
}

/// `pairs` as the annotation map signing and verification take.
pub(crate) fn annotations(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
        .collect()
}

/// Every rejection as `location: reason`, for assertion messages.
pub(crate) fn reasons(verification: &Verification) -> Vec<String> {
    verification
        .rejected
        .iter()
        .map(|rejection| format!("{}: {:?}", rejection.location, rejection.reason))
        .collect()
}

/// The in-toto statement of an attestation `output` (the DSSE envelope cosign prints).
pub(crate) fn statement(output: &Value) -> Value {
    let payload = base64::engine::general_purpose::STANDARD
        .decode(output["payload"].as_str().unwrap())
        .unwrap();
    serde_json::from_slice(&payload).unwrap()
}

/// Runs `future` to completion on a fresh single-threaded runtime.
fn block_on<F: Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}
