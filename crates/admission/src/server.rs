//! The HTTPS listener kube-apiserver calls: `/validate` and `/mutate` take an
//! `AdmissionReview`, `/healthz` and `/readyz` answer the kubelet's probes; and the plain-HTTP
//! metrics listener.
//!
//! Every review is answered before the API server gives up on the webhook (10 s by default):
//! evaluation runs on tokio's blocking pool (so a slow registry lookup never stalls the accept
//! loop) under an internal deadline ([`ServerOptions::deadline`], 8 s by default). A review that
//! misses it, or whose evaluation panics, is denied with a message saying so (fail closed), or
//! admitted with a warning when [`ServerOptions::fail_open`] is set. Reviews whose policies may
//! look images up in a registry also wait for one of [`ServerOptions::max_registry_lookups`]
//! permits, inside the same deadline.
//!
//! The listener is bound before policies are compiled: `/healthz` answers 200 at once,
//! `/readyz` and the webhooks 503 until [`PolicySlot::install`] hands the compiled
//! [`PolicySet`] over. Bodies over [`ServerOptions::max_body_bytes`], malformed JSON and other
//! `apiVersion`s are answered 400 with the reason.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use custody_policy::kyverno::verify_images::ImageVerifier;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, watch};

use crate::Error;
use crate::metrics::{Metrics, Verdict, Webhook};
use crate::policy_set::{PolicySet, ReviewOptions, review_with};
use crate::review::{AdmissionRequest, AdmissionResponse};
use crate::tls::ReloadingCertificate;

/// Largest `AdmissionReview` body accepted: etcd stores objects of at most 1.5 MiB, and a
/// review of an UPDATE carries two of them.
pub const DEFAULT_MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// The internal deadline by default: below kube-apiserver's 10 s webhook timeout, so the
/// server's own verdict, not the API server's failure policy, decides.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(8);

/// How often the certificate files are checked for changes by default.
pub const DEFAULT_RELOAD_INTERVAL: Duration = Duration::from_secs(5);

/// How to serve.
#[derive(Clone)]
pub struct ServerOptions {
    /// The webhook address.
    pub listen: SocketAddr,
    /// The certificate chain and key (PEM); `None` serves plain HTTP, for tests only.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// The plain-HTTP `/metrics` address, if any.
    pub metrics_listen: Option<SocketAddr>,
    /// The time a review may take before it is answered without a verdict.
    pub deadline: Duration,
    /// Admit, with a warning, what the deadline or a failure left undecided.
    pub fail_open: bool,
    /// Reviews that may call a registry at the same time.
    pub max_registry_lookups: usize,
    /// Largest body accepted.
    pub max_body_bytes: usize,
    /// How often the certificate files are checked for changes.
    pub reload_interval: Duration,
    /// The metrics the server records into (and a verifier may share).
    pub metrics: Arc<Metrics>,
    /// Checks image signatures and attestations for `verifyImages` rules; without one those
    /// rules are reported unsupported (a warning), never verified.
    pub verifier: Option<Arc<dyn ImageVerifier>>,
}

impl ServerOptions {
    /// HTTPS on `listen` with the certificate and key files, and the defaults above.
    #[must_use]
    pub fn new(listen: SocketAddr, tls: Option<(PathBuf, PathBuf)>) -> Self {
        Self {
            listen,
            tls,
            metrics_listen: None,
            deadline: DEFAULT_DEADLINE,
            fail_open: false,
            max_registry_lookups: 16,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            reload_interval: DEFAULT_RELOAD_INTERVAL,
            metrics: Arc::default(),
            verifier: None,
        }
    }
}

/// Where the compiled policies go once loaded; the server is ready from then on.
#[derive(Debug, Clone, Default)]
pub struct PolicySlot(Arc<OnceLock<Arc<PolicySet>>>);

impl PolicySlot {
    /// Installs the policies; `false` when some were installed already (policies are
    /// compiled once, and the first ones stay).
    pub fn install(&self, policies: PolicySet) -> bool {
        self.0.set(Arc::new(policies)).is_ok()
    }

    fn get(&self) -> Option<&Arc<PolicySet>> {
        self.0.get()
    }
}

/// What every handler shares.
struct Shared {
    policies: PolicySlot,
    metrics: Arc<Metrics>,
    deadline: Duration,
    fail_open: bool,
    registry_lookups: Arc<Semaphore>,
    max_body_bytes: usize,
    verifier: Option<Arc<dyn ImageVerifier>>,
}

/// A bound server, ready to serve.
pub struct Server {
    listener: TcpListener,
    metrics_listener: Option<TcpListener>,
    certificate: Option<Arc<ReloadingCertificate>>,
    local: SocketAddr,
    options: ServerOptions,
    policies: PolicySlot,
}

impl Server {
    /// Loads the certificate and binds the addresses (port 0 picks a free port).
    ///
    /// # Errors
    ///
    /// [`Error::Tls`] when the certificate or key cannot be used, [`Error::Listen`] when an
    /// address cannot be bound.
    pub async fn bind(options: ServerOptions) -> Result<Self, Error> {
        let certificate = match &options.tls {
            Some((cert, key)) => Some(Arc::new(ReloadingCertificate::load(cert, key)?)),
            None => None,
        };
        let listener = bind(options.listen).await?;
        let metrics_listener = match options.metrics_listen {
            Some(address) => Some(bind(address).await?),
            None => None,
        };
        let local = listener.local_addr().map_err(|source| Error::Listen {
            listen: options.listen,
            source,
        })?;
        Ok(Self {
            listener,
            metrics_listener,
            certificate,
            local,
            options,
            policies: PolicySlot::default(),
        })
    }

    /// The webhook address actually bound.
    #[must_use]
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The metrics address actually bound.
    #[must_use]
    pub fn metrics_addr(&self) -> Option<SocketAddr> {
        self.metrics_listener
            .as_ref()
            .and_then(|listener| listener.local_addr().ok())
    }

    /// Where to install the compiled policies; the server answers 503 until then.
    #[must_use]
    pub fn policies(&self) -> PolicySlot {
        self.policies.clone()
    }

    /// Serves until `shutdown` completes.
    ///
    /// # Errors
    ///
    /// [`Error::Tls`] when the TLS configuration cannot be built, [`Error::Listen`] when the
    /// plain-HTTP listener fails.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), Error> {
        let (stop, stopped) = watch::channel(false);
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        let shared = Arc::new(Shared {
            policies: self.policies,
            metrics: Arc::clone(&self.options.metrics),
            deadline: self.options.deadline,
            fail_open: self.options.fail_open,
            registry_lookups: Arc::new(Semaphore::new(self.options.max_registry_lookups.max(1))),
            max_body_bytes: self.options.max_body_bytes,
            verifier: self.options.verifier.clone(),
        });
        if let Some(listener) = self.metrics_listener {
            let metrics = Arc::clone(&self.options.metrics);
            let app = Router::new().route(
                "/metrics",
                get(move || async move {
                    (
                        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                        metrics.render(),
                    )
                }),
            );
            tokio::spawn(
                axum::serve(listener, app)
                    .with_graceful_shutdown(stopped_signal(stopped.clone()))
                    .into_future(),
            );
        }
        let app = Router::new()
            .route("/validate", post(validate))
            .route("/mutate", post(mutate))
            .route("/healthz", get(|| async { "ok" }))
            .route("/readyz", get(ready))
            .with_state(shared);
        let Some(certificate) = self.certificate else {
            return axum::serve(self.listener, app)
                .with_graceful_shutdown(stopped_signal(stopped))
                .await
                .map_err(|source| Error::Listen {
                    listen: self.local,
                    source,
                });
        };
        let config = certificate.server_config()?;
        tokio::spawn(watch_certificate(
            certificate,
            self.options.reload_interval,
            stopped.clone(),
        ));
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        serve_tls(self.listener, acceptor, app, stopped_signal(stopped)).await;
        Ok(())
    }
}

async fn bind(address: SocketAddr) -> Result<TcpListener, Error> {
    TcpListener::bind(address)
        .await
        .map_err(|source| Error::Listen {
            listen: address,
            source,
        })
}

/// Completes once the shutdown flag is raised (or its sender is gone).
async fn stopped_signal(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// Polls the certificate files until shutdown.
async fn watch_certificate(
    certificate: Arc<ReloadingCertificate>,
    interval: Duration,
    stopped: watch::Receiver<bool>,
) {
    let mut ticks = tokio::time::interval(interval);
    let mut stop = std::pin::pin!(stopped_signal(stopped));
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = ticks.tick() => {}
        }
        match certificate.reload_if_changed() {
            Ok(true) => tracing::info!("serving certificate reloaded"),
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "keeping the previous serving certificate"),
        }
    }
}

/// Accepts TLS connections and serves `app` on each until `shutdown` completes. A failed
/// handshake or connection concerns that client only; the listener keeps accepting.
async fn serve_tls(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
    app: Router,
    shutdown: impl Future<Output = ()>,
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
            let _ = builder
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

async fn ready(State(shared): State<Arc<Shared>>) -> (StatusCode, &'static str) {
    if shared.policies.get().is_some() {
        (StatusCode::OK, "ok")
    } else {
        (
            StatusCode::SERVICE_UNAVAILABLE,
            "policies are not loaded yet",
        )
    }
}

async fn validate(State(shared): State<Arc<Shared>>, body: Body) -> Response {
    answer(&shared, Webhook::Validate, body).await
}

async fn mutate(State(shared): State<Arc<Shared>>, body: Body) -> Response {
    answer(&shared, Webhook::Mutate, body).await
}

/// Reads, reviews and answers one request, recording its metrics.
async fn answer(shared: &Arc<Shared>, webhook: Webhook, body: Body) -> Response {
    let started = Instant::now();
    let refuse = |status: StatusCode, message: String| {
        shared
            .metrics
            .record_request(webhook, Verdict::Invalid, started.elapsed());
        tracing::debug!(webhook = webhook.as_str(), %message, "request refused");
        (status, message).into_response()
    };
    let Ok(bytes) = to_bytes(body, shared.max_body_bytes).await else {
        return refuse(
            StatusCode::BAD_REQUEST,
            format!(
                "the request body is unreadable or larger than {} bytes",
                shared.max_body_bytes
            ),
        );
    };
    let request = match AdmissionRequest::parse(&bytes) {
        Ok(request) => request,
        Err(error) => return refuse(StatusCode::BAD_REQUEST, error.to_string()),
    };
    let Some(policies) = shared.policies.get() else {
        return refuse(
            StatusCode::SERVICE_UNAVAILABLE,
            "policies are not loaded yet".to_owned(),
        );
    };
    let response = decide(shared, webhook, Arc::clone(policies), request, started).await;
    let verdict = if response.allowed {
        Verdict::Allowed
    } else {
        Verdict::Denied
    };
    shared
        .metrics
        .record_request(webhook, verdict, started.elapsed());
    let body = response.into_review().to_string();
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Evaluates `request` on the blocking pool within the deadline.
async fn decide(
    shared: &Arc<Shared>,
    webhook: Webhook,
    policies: Arc<PolicySet>,
    request: AdmissionRequest,
    started: Instant,
) -> AdmissionResponse {
    let uid = request.uid.clone();
    let deadline = tokio::time::Instant::from_std(started + shared.deadline);
    let evaluation = async {
        let bucket = policies.bucket(webhook, &request);
        let permit = if bucket.needs_registry {
            let semaphore = Arc::clone(&shared.registry_lookups);
            Some(semaphore.acquire_owned().await)
        } else {
            None
        };
        // Waiting for a permit may have used the time up; evaluating then is wasted work.
        if tokio::time::Instant::now() >= deadline {
            return None;
        }
        let (verifier, fail_open) = (shared.verifier.clone(), shared.fail_open);
        let evaluated = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let evaluation_started = Instant::now();
            let options = ReviewOptions {
                verifier: verifier.as_deref(),
                fail_open,
            };
            let response = review_with(&bucket, webhook, &request, options);
            (response, evaluation_started.elapsed())
        })
        .await;
        Some(evaluated)
    };
    let failure = match tokio::time::timeout_at(deadline, evaluation).await {
        Ok(Some(Ok((response, elapsed)))) => {
            shared.metrics.record_evaluation(webhook, elapsed);
            return response;
        }
        Ok(Some(Err(error))) => {
            tracing::error!(%error, uid, "policy evaluation failed");
            "policy evaluation failed".to_owned()
        }
        Ok(None) | Err(_) => {
            tracing::warn!(uid, deadline = ?shared.deadline, "review deadline exceeded");
            format!(
                "policy evaluation did not finish within the {:?} deadline",
                shared.deadline
            )
        }
    };
    if shared.fail_open {
        let mut response = AdmissionResponse::allow(&uid);
        response.warnings.push(format!(
            "custody admitted without a verdict (fail-open): {failure}"
        ));
        response
    } else {
        AdmissionResponse::deny(
            &uid,
            500,
            format!("custody denied the request (fail closed): {failure}"),
        )
    }
}
