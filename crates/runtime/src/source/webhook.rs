//! The HTTP endpoint kube-apiserver's audit webhook backend posts to.
//!
//! kube-apiserver batches audit events into an `EventList` and POSTs it as JSON to the URL of
//! its webhook kubeconfig (`--audit-webhook-config-file`); Falco's k8saudit plugin listens on
//! `/k8s-audit`, and so does [`Webhook`] by default. Every event of an accepted body is sent to
//! the engine's channel in order; a body that is not JSON is answered 400, one larger than the
//! configured bound 413, and the server keeps serving either way. With a certificate and key it
//! serves HTTPS only, as the apiserver requires for a remote webhook.
//!
//! [`Webhook::bind`] then [`Webhook::serve`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::k8s_audit::events_of;

/// The path Falco's k8saudit plugin serves, which audit webhook kubeconfigs point at.
pub const DEFAULT_PATH: &str = "/k8s-audit";

/// Largest request body accepted by default: kube-apiserver's default webhook batch is 400
/// events, far below this.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// How to serve the webhook.
#[derive(Debug, Clone)]
pub struct WebhookConfig {
    /// The address to listen on.
    pub listen: SocketAddr,
    /// The request path audit batches are posted to.
    pub path: String,
    /// Largest body accepted.
    pub max_body_bytes: usize,
    /// A PEM certificate chain and private key to serve HTTPS.
    pub tls: Option<(PathBuf, PathBuf)>,
}

impl WebhookConfig {
    /// Plain HTTP on `listen`, Falco's path, the default body bound.
    #[must_use]
    pub fn new(listen: SocketAddr) -> Self {
        Self {
            listen,
            path: DEFAULT_PATH.to_owned(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            tls: None,
        }
    }
}

/// Counters of the webhook, readable while it serves.
#[derive(Debug, Default)]
pub struct WebhookStats {
    /// Events forwarded to the engine.
    pub events: AtomicU64,
    /// Values in accepted bodies that were not audit events.
    pub malformed: AtomicU64,
    /// Bodies refused: not JSON, or too large.
    pub rejected: AtomicU64,
}

/// Why the webhook could not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    /// The address cannot be bound or a connection cannot be accepted.
    #[error("audit webhook on {listen}: {source}")]
    Io {
        /// The address.
        listen: SocketAddr,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The certificate or key cannot be read or used.
    #[error("audit webhook TLS: {0}")]
    Tls(String),
}

#[derive(Clone)]
struct Shared {
    events: mpsc::Sender<Value>,
    stats: Arc<WebhookStats>,
    max_body_bytes: usize,
}

/// A bound webhook listener, ready to serve.
pub struct Webhook {
    listener: TcpListener,
    config: WebhookConfig,
    local: SocketAddr,
}

impl Webhook {
    /// Binds the configured address (port 0 picks a free port, see [`Webhook::local_addr`]).
    ///
    /// # Errors
    ///
    /// [`WebhookError::Io`] when the address cannot be bound.
    pub async fn bind(config: WebhookConfig) -> Result<Self, WebhookError> {
        let io = |source| WebhookError::Io {
            listen: config.listen,
            source,
        };
        let listener = TcpListener::bind(config.listen).await.map_err(io)?;
        let local = listener.local_addr().map_err(io)?;
        Ok(Self {
            listener,
            config,
            local,
        })
    }

    /// The address actually bound.
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Serves until `shutdown` completes, sending every received event to `events`.
    ///
    /// # Errors
    ///
    /// [`WebhookError`] when the TLS material cannot be used or accepting fails.
    pub async fn serve(
        self,
        events: mpsc::Sender<Value>,
        stats: Arc<WebhookStats>,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), WebhookError> {
        let shared = Shared {
            events,
            stats,
            max_body_bytes: self.config.max_body_bytes,
        };
        let app = Router::new()
            .route(&self.config.path, post(receive))
            .with_state(shared);
        match &self.config.tls {
            None => axum::serve(self.listener, app)
                .with_graceful_shutdown(shutdown)
                .await
                .map_err(|source| WebhookError::Io {
                    listen: self.local,
                    source,
                }),
            Some((cert, key)) => {
                let acceptor = tls_acceptor(cert, key)?;
                serve_tls(self.listener, acceptor, app, shutdown).await;
                Ok(())
            }
        }
    }
}

/// Handles one posted batch.
async fn receive(State(shared): State<Shared>, body: Body) -> StatusCode {
    let Ok(bytes) = to_bytes(body, shared.max_body_bytes).await else {
        shared.stats.rejected.fetch_add(1, Ordering::Relaxed);
        return StatusCode::PAYLOAD_TOO_LARGE;
    };
    let Ok((events, malformed)) = events_of(&bytes) else {
        shared.stats.rejected.fetch_add(1, Ordering::Relaxed);
        return StatusCode::BAD_REQUEST;
    };
    shared
        .stats
        .malformed
        .fetch_add(malformed, Ordering::Relaxed);
    for event in events {
        // The engine applying back-pressure slows the apiserver's webhook, which batches.
        if shared.events.send(event).await.is_err() {
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        shared.stats.events.fetch_add(1, Ordering::Relaxed);
    }
    StatusCode::OK
}

fn tls_acceptor(cert: &PathBuf, key: &PathBuf) -> Result<tokio_rustls::TlsAcceptor, WebhookError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer};
    let tls = |what: &str, path: &PathBuf, error: &dyn std::fmt::Display| {
        WebhookError::Tls(format!("{what} {}: {error}", path.display()))
    };
    let chain = CertificateDer::pem_file_iter(cert)
        .map_err(|error| tls("reading certificate", cert, &error))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|error| tls("reading certificate", cert, &error))?;
    let key_der =
        PrivateKeyDer::from_pem_file(key).map_err(|error| tls("reading key", key, &error))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| WebhookError::Tls(error.to_string()))?
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|error| tls("using certificate", cert, &error))?;
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(server)))
}

/// Accepts TLS connections and serves `app` on each until `shutdown` completes. A failed
/// handshake or connection is dropped; the listener keeps accepting.
async fn serve_tls(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) {
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            () = &mut shutdown => return,
            accepted = listener.accept() => accepted,
        };
        let Ok((stream, _)) = accepted else {
            continue;
        };
        let (acceptor, app) = (acceptor.clone(), app.clone());
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(stream).await else {
                return;
            };
            let service = hyper_util::service::TowerToHyperService::new(app);
            let builder =
                hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
            // A connection error concerns that client only.
            let _ = builder
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}
