//! The serving certificate, reloaded when its files change on disk.
//!
//! Kubernetes rotates a Secret mounted as a volume by swapping the files under the pod; the
//! server must pick the new certificate up without a restart. [`ReloadingCertificate`] is a
//! rustls [`ResolvesServerCert`] that hands every handshake the current certificate, and
//! [`ReloadingCertificate::reload_if_changed`] re-reads both files when their modification time
//! or size changed (the server polls it every few seconds). A certificate that fails to load
//! keeps the previous one in service, so a half-written file never takes the webhook down.

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::SystemTime;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

use crate::Error;

/// What identifies one version of a file: its modification time and size.
type Stamp = Option<(SystemTime, u64)>;

/// The certificate and key files, and the certificate currently served.
#[derive(Debug)]
pub struct ReloadingCertificate {
    cert_path: PathBuf,
    key_path: PathBuf,
    provider: Arc<CryptoProvider>,
    current: RwLock<Loaded>,
}

#[derive(Debug)]
struct Loaded {
    key: Arc<CertifiedKey>,
    stamps: (Stamp, Stamp),
}

impl ReloadingCertificate {
    /// Loads the PEM certificate chain and private key.
    ///
    /// # Errors
    ///
    /// [`Error::Tls`] when a file cannot be read or the key does not suit the certificate.
    pub fn load(cert_path: &Path, key_path: &Path) -> Result<Self, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let stamps = (stamp(cert_path), stamp(key_path));
        let key = certified_key(cert_path, key_path, &provider)?;
        Ok(Self {
            cert_path: cert_path.to_path_buf(),
            key_path: key_path.to_path_buf(),
            provider,
            current: RwLock::new(Loaded {
                key: Arc::new(key),
                stamps,
            }),
        })
    }

    /// Re-reads the files when either changed since the last load. Returns `Ok(true)` when a
    /// new certificate is now served, `Ok(false)` when nothing changed.
    ///
    /// # Errors
    ///
    /// [`Error::Tls`] when the changed files cannot be used; the previous certificate stays.
    pub fn reload_if_changed(&self) -> Result<bool, Error> {
        let stamps = (stamp(&self.cert_path), stamp(&self.key_path));
        let unchanged = self
            .current
            .read()
            .is_ok_and(|current| current.stamps == stamps);
        if unchanged {
            return Ok(false);
        }
        let loaded = certified_key(&self.cert_path, &self.key_path, &self.provider);
        let mut current = self
            .current
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Remember the stamps even on failure, so a broken file is reported once, not on
        // every poll; the next change is tried again.
        current.stamps = stamps;
        current.key = Arc::new(loaded?);
        Ok(true)
    }

    /// A rustls server configuration that serves the current certificate (HTTP/1.1).
    ///
    /// # Errors
    ///
    /// [`Error::Tls`] when the provider supports no safe protocol version.
    pub fn server_config(self: &Arc<Self>) -> Result<rustls::ServerConfig, Error> {
        let mut config = rustls::ServerConfig::builder_with_provider(Arc::clone(&self.provider))
            .with_safe_default_protocol_versions()
            .map_err(|error| tls_error("certificate", &self.cert_path, &error))?
            .with_no_client_auth()
            .with_cert_resolver(Arc::clone(self) as Arc<dyn ResolvesServerCert>);
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(config)
    }
}

impl ResolvesServerCert for ReloadingCertificate {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let current = self
            .current
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Some(Arc::clone(&current.key))
    }
}

fn tls_error(what: &'static str, path: &Path, error: &dyn std::fmt::Display) -> Error {
    Error::Tls {
        what,
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

fn stamp(path: &Path) -> Stamp {
    let metadata = fs_err::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

fn certified_key(
    cert_path: &Path,
    key_path: &Path,
    provider: &CryptoProvider,
) -> Result<CertifiedKey, Error> {
    let chain = CertificateDer::pem_file_iter(cert_path)
        .map_err(|error| tls_error("certificate", cert_path, &error))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| tls_error("certificate", cert_path, &error))?;
    if chain.is_empty() {
        return Err(tls_error(
            "certificate",
            cert_path,
            &"no certificate in the file",
        ));
    }
    let key = PrivateKeyDer::from_pem_file(key_path)
        .map_err(|error| tls_error("key", key_path, &error))?;
    let signing_key = provider
        .key_provider
        .load_private_key(key)
        .map_err(|error| tls_error("key", key_path, &error))?;
    let certified = CertifiedKey::new(chain, signing_key);
    certified
        .keys_match()
        .map_err(|error| tls_error("key", key_path, &error))?;
    Ok(certified)
}
