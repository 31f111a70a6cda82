//! Alerts sent with `POST` to an HTTP endpoint as Falco's `http_output` with `json_output: true` does:
//! one JSON alert per request, `Content-Type: application/json` — what falcosidekick's `/`
//! endpoint reads.
//!
//! Detection must never wait on a slow endpoint, so [`HttpSink::send`](super::Sink::send)
//! only queues: a bounded queue (tokio mpsc) feeds a delivery thread of its own (a
//! current-thread tokio runtime, so the sink works whether or not the caller runs tokio).
//! When the queue is full the alert is dropped and counted. Each alert gets a bounded number
//! of retries with exponential backoff on connection errors, timeouts, `429` and `5xx`;
//! other statuses fail at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use reqwest::header::CONTENT_TYPE;
use tokio::sync::mpsc;

use super::alert::Alert;
use super::sink::{Sink, SinkError, SinkStats};

/// How an [`HttpSink`] delivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpSinkOptions {
    /// The endpoint alerts are sent to with `POST`, such as falcosidekick's `http://host:2801/`.
    pub url: String,
    /// Alerts waiting for delivery before new ones are dropped.
    pub queue_capacity: usize,
    /// Attempts after the first before an alert is given up.
    pub max_retries: u32,
    /// The wait before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// The longest wait between retries.
    pub max_backoff: Duration,
    /// The longest one request may take, connection included.
    pub request_timeout: Duration,
}

impl HttpSinkOptions {
    /// Defaults for `url`: 1024 queued alerts, 3 retries from 100 ms up to 5 s, 10 s per
    /// request.
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            queue_capacity: 1024,
            max_retries: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// POSTs alerts to an HTTP endpoint from a bounded queue (see the module docs).
#[derive(Debug)]
pub struct HttpSink {
    url: String,
    sender: Option<mpsc::Sender<Vec<u8>>>,
    counters: Arc<Counters>,
    worker: Option<JoinHandle<()>>,
}

/// Counts shared with the delivery thread.
#[derive(Debug, Default)]
struct Counters {
    delivered: AtomicU64,
    failed: AtomicU64,
    dropped: AtomicU64,
    retries: AtomicU64,
}

impl Counters {
    fn bump(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

impl HttpSink {
    /// Builds the client and starts the delivery thread.
    pub fn start(options: HttpSinkOptions) -> Result<Self, SinkError> {
        let start_error = |source: Box<dyn std::error::Error + Send + Sync>| SinkError::HttpStart {
            url: options.url.clone(),
            source,
        };
        let url = reqwest::Url::parse(&options.url).map_err(|error| start_error(error.into()))?;
        // ring's provider for HTTPS endpoints, as everywhere in custody (see the workspace
        // Cargo.toml); installing it twice is harmless, so the result is ignored.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("custody/", env!("CARGO_PKG_VERSION")))
            .timeout(options.request_timeout)
            .build()
            .map_err(|error| start_error(error.into()))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|error| start_error(error.into()))?;
        let (sender, receiver) = mpsc::channel(options.queue_capacity.max(1));
        let counters = Arc::new(Counters::default());
        let delivery = Delivery {
            client,
            url,
            options: options.clone(),
            counters: Arc::clone(&counters),
        };
        let worker = std::thread::Builder::new()
            .name("custody-http-alerts".to_owned())
            .spawn(move || runtime.block_on(delivery.run(receiver)))
            .map_err(|error| start_error(error.into()))?;
        Ok(Self {
            url: options.url,
            sender: Some(sender),
            counters,
            worker: Some(worker),
        })
    }
}

impl Sink for HttpSink {
    fn name(&self) -> &str {
        &self.url
    }

    /// Queues the alert; a full queue drops it (counted, not an error), a closed sink is an
    /// error.
    fn send(&mut self, alert: &Alert) -> Result<(), SinkError> {
        let Some(sender) = &self.sender else {
            Counters::bump(&self.counters.failed);
            return Err(SinkError::Closed {
                sink: self.url.clone(),
            });
        };
        match sender.try_send(alert.to_json().into_bytes()) {
            Ok(()) => Ok(()),
            Err(mpsc::error::TrySendError::Full(_)) => {
                Counters::bump(&self.counters.dropped);
                Ok(())
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                Counters::bump(&self.counters.failed);
                Err(SinkError::Closed {
                    sink: self.url.clone(),
                })
            }
        }
    }

    /// Stops taking alerts and waits until the queued ones are delivered or given up, which
    /// takes at most the queue's length times every attempt's timeout and backoff.
    fn close(&mut self) -> Result<(), SinkError> {
        self.sender = None;
        match self.worker.take().map(JoinHandle::join) {
            Some(Err(_)) => Err(SinkError::Closed {
                sink: self.url.clone(),
            }),
            _ => Ok(()),
        }
    }

    fn stats(&self) -> SinkStats {
        SinkStats {
            delivered: self.counters.delivered.load(Ordering::Relaxed),
            failed: self.counters.failed.load(Ordering::Relaxed),
            dropped: self.counters.dropped.load(Ordering::Relaxed),
            retries: self.counters.retries.load(Ordering::Relaxed),
        }
    }
}

/// The delivery thread's state.
struct Delivery {
    client: reqwest::Client,
    url: reqwest::Url,
    options: HttpSinkOptions,
    counters: Arc<Counters>,
}

impl Delivery {
    /// Delivers queued alerts one at a time until the sink closes and the queue is empty.
    async fn run(self, mut receiver: mpsc::Receiver<Vec<u8>>) {
        while let Some(body) = receiver.recv().await {
            let counter = if self.deliver(body).await {
                &self.counters.delivered
            } else {
                &self.counters.failed
            };
            Counters::bump(counter);
        }
    }

    /// POSTs one alert with retries; whether the endpoint accepted it.
    async fn deliver(&self, body: Vec<u8>) -> bool {
        let mut backoff = self.options.initial_backoff;
        for attempt in 0..=self.options.max_retries {
            if attempt > 0 {
                Counters::bump(&self.counters.retries);
                tokio::time::sleep(backoff).await;
                backoff = backoff.saturating_mul(2).min(self.options.max_backoff);
            }
            let response = self
                .client
                .post(self.url.clone())
                .header(CONTENT_TYPE, "application/json")
                .body(body.clone())
                .send()
                .await;
            match response {
                Ok(response) if response.status().is_success() => return true,
                Ok(response) => {
                    let status = response.status();
                    if !(status.is_server_error()
                        || status == reqwest::StatusCode::TOO_MANY_REQUESTS)
                    {
                        return false;
                    }
                }
                // Connection refused, reset or timed out: worth another attempt.
                Err(_) => {}
            }
        }
        false
    }
}
