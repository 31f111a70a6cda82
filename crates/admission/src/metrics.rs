//! The server's metrics, in the Prometheus text exposition format (version 0.0.4).
//!
//! A handful of counters and histograms kept in atomics and written by hand: the format is a
//! few lines per metric, and a metrics crate would add more code than it saves. [`Metrics`] is
//! shared (`Arc`) between the webhook handlers and whatever verifies image signatures, which
//! reports cache hits, misses and registry errors through it.
//!
//! | metric | type | labels |
//! |---|---|---|
//! | `custody_admission_requests_total` | counter | `webhook` (`validate`, `mutate`), `verdict` (`allowed`, `denied`, `invalid`) |
//! | `custody_admission_request_duration_seconds` | histogram | `webhook` |
//! | `custody_admission_policy_evaluation_duration_seconds` | histogram | `webhook` |
//! | `custody_admission_image_cache_hits_total` | counter | |
//! | `custody_admission_image_cache_misses_total` | counter | |
//! | `custody_admission_registry_errors_total` | counter | |

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds: from 50 µs (policy evaluation is meant to
/// stay under a millisecond) to the API server's 10 s webhook timeout.
const BUCKETS: [f64; 14] = [
    0.000_05, 0.000_1, 0.000_25, 0.000_5, 0.001, 0.002_5, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
    10.0,
];

/// Which webhook served a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Webhook {
    /// `/validate`: validate rules and image verification.
    Validate,
    /// `/mutate`: mutate rules.
    Mutate,
}

impl Webhook {
    /// The label value and path segment.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Validate => "validate",
            Self::Mutate => "mutate",
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Validate => 0,
            Self::Mutate => 1,
        }
    }
}

/// How a request was answered, for `custody_admission_requests_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Admitted (possibly with warnings or a patch).
    Allowed,
    /// Refused: a policy, the deadline, or an internal failure.
    Denied,
    /// Not an acceptable `AdmissionReview`: answered 400.
    Invalid,
}

impl Verdict {
    const ALL: [Self; 3] = [Self::Allowed, Self::Denied, Self::Invalid];

    fn as_str(self) -> &'static str {
        match self {
            Self::Allowed => "allowed",
            Self::Denied => "denied",
            Self::Invalid => "invalid",
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Allowed => 0,
            Self::Denied => 1,
            Self::Invalid => 2,
        }
    }
}

/// A latency histogram: cumulative on output, per bucket in memory.
#[derive(Debug, Default)]
struct Histogram {
    /// Observations per bucket of [`BUCKETS`], plus the `+Inf` overflow.
    buckets: [AtomicU64; BUCKETS.len() + 1],
    /// Sum of observations, in nanoseconds.
    sum_nanos: AtomicU64,
    count: AtomicU64,
}

impl Histogram {
    fn observe(&self, elapsed: Duration) {
        let seconds = elapsed.as_secs_f64();
        let slot = BUCKETS
            .iter()
            .position(|bound| seconds <= *bound)
            .unwrap_or(BUCKETS.len());
        if let Some(bucket) = self.buckets.get(slot) {
            bucket.fetch_add(1, Ordering::Relaxed);
        }
        let nanos = u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX);
        self.sum_nanos.fetch_add(nanos, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, labels: &str) {
        let mut cumulative = 0;
        for (bound, bucket) in BUCKETS.iter().zip(&self.buckets) {
            cumulative += bucket.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{{labels},le=\"{bound}\"}} {cumulative}");
        }
        let count = self.count.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{{labels},le=\"+Inf\"}} {count}");
        #[expect(
            clippy::cast_precision_loss,
            reason = "a sum of latencies in seconds; f64 keeps microseconds for centuries"
        )]
        let sum = self.sum_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        let _ = writeln!(out, "{name}_sum{{{labels}}} {sum}");
        let _ = writeln!(out, "{name}_count{{{labels}}} {count}");
    }
}

/// The server's counters and histograms.
#[derive(Debug, Default)]
pub struct Metrics {
    /// `[webhook][verdict]`.
    requests: [[AtomicU64; 3]; 2],
    request_duration: [Histogram; 2],
    evaluation_duration: [Histogram; 2],
    image_cache_hits: AtomicU64,
    image_cache_misses: AtomicU64,
    registry_errors: AtomicU64,
}

impl Metrics {
    /// Counts one answered request and its latency, from body received to answer ready.
    pub fn record_request(&self, webhook: Webhook, verdict: Verdict, elapsed: Duration) {
        if let Some(counter) = self
            .requests
            .get(webhook.index())
            .and_then(|row| row.get(verdict.index()))
        {
            counter.fetch_add(1, Ordering::Relaxed);
        }
        if let Some(histogram) = self.request_duration.get(webhook.index()) {
            histogram.observe(elapsed);
        }
    }

    /// Records the time the policy engine took for one request.
    pub fn record_evaluation(&self, webhook: Webhook, elapsed: Duration) {
        if let Some(histogram) = self.evaluation_duration.get(webhook.index()) {
            histogram.observe(elapsed);
        }
    }

    /// An image verification answered from the cache.
    pub fn image_cache_hit(&self) {
        self.image_cache_hits.fetch_add(1, Ordering::Relaxed);
    }

    /// An image verification that had to go to the registry.
    pub fn image_cache_miss(&self) {
        self.image_cache_misses.fetch_add(1, Ordering::Relaxed);
    }

    /// A registry lookup that failed.
    pub fn registry_error(&self) {
        self.registry_errors.fetch_add(1, Ordering::Relaxed);
    }

    /// The metrics in the Prometheus text format.
    #[must_use]
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(8 * 1024);
        let webhooks = [Webhook::Validate, Webhook::Mutate];
        out.push_str("# HELP custody_admission_requests_total Admission requests answered, by webhook and verdict.\n");
        out.push_str("# TYPE custody_admission_requests_total counter\n");
        for webhook in webhooks {
            for verdict in Verdict::ALL {
                let count = self
                    .requests
                    .get(webhook.index())
                    .and_then(|row| row.get(verdict.index()))
                    .map_or(0, |counter| counter.load(Ordering::Relaxed));
                let _ = writeln!(
                    out,
                    "custody_admission_requests_total{{webhook=\"{}\",verdict=\"{}\"}} {count}",
                    webhook.as_str(),
                    verdict.as_str()
                );
            }
        }
        for (name, help, histograms) in [
            (
                "custody_admission_request_duration_seconds",
                "Time from request body received to answer ready.",
                &self.request_duration,
            ),
            (
                "custody_admission_policy_evaluation_duration_seconds",
                "Time the policy engine spent on one request.",
                &self.evaluation_duration,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
            for webhook in webhooks {
                if let Some(histogram) = histograms.get(webhook.index()) {
                    histogram.render(&mut out, name, &format!("webhook=\"{}\"", webhook.as_str()));
                }
            }
        }
        for (name, help, counter) in [
            (
                "custody_admission_image_cache_hits_total",
                "Image verifications answered from the cache.",
                &self.image_cache_hits,
            ),
            (
                "custody_admission_image_cache_misses_total",
                "Image verifications that went to the registry.",
                &self.image_cache_misses,
            ),
            (
                "custody_admission_registry_errors_total",
                "Registry lookups that failed.",
                &self.registry_errors,
            ),
        ] {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                counter.load(Ordering::Relaxed)
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histograms_are_cumulative_and_counters_labelled() {
        let metrics = Metrics::default();
        metrics.record_request(
            Webhook::Validate,
            Verdict::Denied,
            Duration::from_micros(300),
        );
        metrics.record_request(
            Webhook::Validate,
            Verdict::Denied,
            Duration::from_millis(20),
        );
        metrics.image_cache_miss();
        let text = metrics.render();
        assert!(text.contains(
            "custody_admission_requests_total{webhook=\"validate\",verdict=\"denied\"} 2\n"
        ));
        assert!(text.contains(
            "custody_admission_requests_total{webhook=\"mutate\",verdict=\"allowed\"} 0\n"
        ));
        let name = "custody_admission_request_duration_seconds";
        assert!(text.contains(&format!(
            "{name}_bucket{{webhook=\"validate\",le=\"0.00025\"}} 0\n"
        )));
        assert!(text.contains(&format!(
            "{name}_bucket{{webhook=\"validate\",le=\"0.0005\"}} 1\n"
        )));
        assert!(text.contains(&format!(
            "{name}_bucket{{webhook=\"validate\",le=\"0.025\"}} 2\n"
        )));
        assert!(text.contains(&format!(
            "{name}_bucket{{webhook=\"validate\",le=\"+Inf\"}} 2\n"
        )));
        assert!(text.contains(&format!("{name}_sum{{webhook=\"validate\"}} 0.0203\n")));
        assert!(text.contains("custody_admission_image_cache_misses_total 1\n"));
    }
}
