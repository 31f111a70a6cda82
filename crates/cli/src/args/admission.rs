//! Arguments of `custody admission`: the Kubernetes admission webhook.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};

/// `custody admission`.
#[derive(Debug, Subcommand)]
pub(crate) enum AdmissionCommand {
    /// Serve the validating and mutating admission webhooks over HTTPS.
    #[command(after_long_help = SERVE_EXAMPLES)]
    Serve(AdmissionServeArgs),
    /// Print the Kubernetes objects that install the webhook, as YAML for `kubectl apply`.
    #[command(long_about = MANIFESTS_ABOUT, after_long_help = MANIFESTS_EXAMPLES)]
    Manifests(AdmissionManifestsArgs),
}

/// `custody admission serve`.
#[derive(Debug, Args)]
pub(crate) struct AdmissionServeArgs {
    /// Kyverno ClusterPolicy/Policy files or directories (read recursively); repeatable.
    #[arg(long, required = true, value_name = "PATH", num_args = 1..)]
    pub(crate) policies: Vec<PathBuf>,
    /// Address of the HTTPS webhook listener.
    #[arg(long, value_name = "ADDR", default_value = "0.0.0.0:8443")]
    pub(crate) listen: SocketAddr,
    /// PEM certificate chain served to kube-apiserver; reloaded when the file changes.
    #[arg(long, value_name = "FILE", required_unless_present = "insecure_http")]
    pub(crate) tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert; reloaded when the file changes.
    #[arg(long, value_name = "FILE", required_unless_present = "insecure_http")]
    pub(crate) tls_key: Option<PathBuf>,
    /// Serve plain HTTP instead of HTTPS (tests only: kube-apiserver requires HTTPS).
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    pub(crate) insecure_http: bool,
    /// Address of a plain-HTTP listener serving Prometheus metrics on /metrics.
    #[arg(long, value_name = "ADDR")]
    pub(crate) metrics_listen: Option<SocketAddr>,
    /// Time a review may take before it is answered without a verdict (denied, or admitted
    /// with --fail-open); keep it below the webhook's timeoutSeconds (10s by default).
    #[arg(long, value_name = "DURATION", default_value = "8s", value_parser = parse_duration)]
    pub(crate) deadline: Duration,
    /// Admit, with a warning, what the deadline, a rule error or an internal failure left
    /// undecided.
    #[arg(long)]
    pub(crate) fail_open: bool,
    /// Reviews that may look images up in a registry at the same time.
    #[arg(long, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) max_registry_lookups: u16,
    /// How long a verifyImages verdict about an image digest is reused (tags are re-resolved
    /// after 30s at most).
    #[arg(long, value_name = "DURATION", default_value = "5m", value_parser = parse_duration)]
    pub(crate) image_cache_ttl: Duration,
    /// A Sigstore `trusted_root.json` for keyless attestors, instead of the public-good
    /// instance's, shipped with custody.
    #[arg(long, value_name = "FILE")]
    pub(crate) trusted_root: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) registry: crate::args::RegistryArgs,
}

/// Reads `500ms`, `8s` or `1m`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let split = text
        .find(|character: char| !character.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration such as 500ms, 8s or 1m"))?;
    match unit {
        "ms" => Ok(Duration::from_millis(number)),
        "s" | "" => Ok(Duration::from_secs(number)),
        "m" => Ok(Duration::from_secs(number.saturating_mul(60))),
        _ => Err(format!("`{text}`: unit `{unit}` is not one of ms, s, m")),
    }
}

const SERVE_EXAMPLES: &str = "\
Examples:
  custody admission serve --policies policies/ --tls-cert /certs/tls.crt --tls-key /certs/tls.key
  custody admission serve --policies pod-security.yaml --policies require-labels.yaml \\
      --listen 0.0.0.0:8443 --tls-cert tls.crt --tls-key tls.key --metrics-listen 0.0.0.0:9090 \\
      --deadline 5s --max-registry-lookups 8

Image verification (verifyImages rules): signatures and attestations are looked up in both
cosign layouts (OCI referrers and the fallback tag, then the legacy .sig/.att tags) with the
registry flags below; verdicts are cached by image digest and attestor for --image-cache-ttl,
tags resolved to digests for 30 seconds, registry failures never cached.

Endpoints: POST /validate (validate rules, Pod Security, image verification) and POST /mutate
(mutate rules and image digests, answered as a JSONPatch) take an AdmissionReview
admission.k8s.io/v1; GET /healthz answers 200 once listening, GET /readyz 200 once the policies
are compiled. A request is denied (403) when a rule of an Enforce policy fails, errs (an
unreachable registry) or cannot be evaluated, with every such policy/rule and its message; Audit
failures come back as warnings. Bodies over 3 MiB, malformed JSON and other apiVersions are
answered 400. A review that misses --deadline is denied (fail closed); --fail-open admits it, and
turns rule errors into warnings. The certificate and key are re-read when their files change
(checked every 5 seconds).

Metrics (Prometheus text on --metrics-listen, path /metrics):
  custody_admission_requests_total{webhook,verdict}
  custody_admission_request_duration_seconds{webhook}            (histogram)
  custody_admission_policy_evaluation_duration_seconds{webhook}  (histogram)
  custody_admission_image_cache_hits_total, custody_admission_image_cache_misses_total
  custody_admission_registry_errors_total

Logs go to standard error (CUSTODY_LOG=info shows each reload; --debug each refused request).
Exit status: 0 after Ctrl-C; 2 when a policy, certificate or address cannot be used.";

/// `custody admission manifests`.
#[derive(Debug, Args)]
pub(crate) struct AdmissionManifestsArgs {
    /// The namespace to install into; created by the output, so not one of the cluster's own.
    #[arg(long, short = 'n', value_name = "NAMESPACE")]
    pub(crate) namespace: String,
    /// The custody image the pods run; pin it by digest (REPOSITORY@sha256:DIGEST)
    /// [default: custody:VERSION, this custody's version, as built locally]
    #[arg(
        long,
        value_name = "IMAGE",
        default_value = custody_admission::manifests::DEFAULT_IMAGE,
        hide_default_value = true
    )]
    pub(crate) image: String,
    /// Server pods (a disruption budget lets one at a time be evicted).
    #[arg(
        long,
        value_name = "N",
        default_value_t = custody_admission::manifests::DEFAULT_REPLICAS,
        value_parser = clap::value_parser!(u16).range(1..)
    )]
    pub(crate) replicas: u16,
    /// Kyverno ClusterPolicy/Policy files or directories (read recursively; other objects are
    /// left out) for the webhook to enforce; repeatable [default: the restricted Pod Security
    /// Standards, enforced]
    #[arg(long, value_name = "PATH", num_args = 1..)]
    pub(crate) policies: Vec<PathBuf>,
    /// The webhooks' timeoutSeconds; the server answers within four fifths of it.
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = custody_admission::manifests::DEFAULT_TIMEOUT_SECONDS,
        value_parser = clap::value_parser!(u8).range(1..=30)
    )]
    pub(crate) timeout_seconds: u8,
    /// The name of the Service, and of the Deployment and the other objects.
    #[arg(long, value_name = "NAME", default_value = custody_admission::manifests::DEFAULT_SERVICE_NAME)]
    pub(crate) service_name: String,
}

/// The long help of `custody admission manifests` (a string, not doc comments, because it
/// names Kubernetes kinds as written in manifests).
const MANIFESTS_ABOUT: &str = "\
Print the Kubernetes objects that install the webhook, as YAML for `kubectl apply`.

Namespace (restricted Pod Security Standards enforced), ServiceAccount (no API token), Secret
(kubernetes.io/tls with ca.crt: a new CA and serving certificate each run), ConfigMap (the
policies), Service, Deployment (hardened, probes, anti-affinity), PodDisruptionBudget, and the
Validating (and, when a policy mutates or rewrites image tags to digests, Mutating)
WebhookConfiguration: failurePolicy Fail, the CA bundle, kube-system and the webhook's namespace
exempt, rules narrowed to the kinds and operations the policies match.";

const MANIFESTS_EXAMPLES: &str = "\
Examples:
  custody admission manifests -n custody-system \\
      --image registry.example/custody@sha256:… > deploy/custody-admission.yaml
  custody admission manifests -n custody-system --image registry.example/custody@sha256:… \\
      --policies policies/ --policies verify-images.yaml --timeout-seconds 5 > deploy/install.yaml
  kubectl apply -f deploy/install.yaml
  kubectl -n custody-system rollout status deploy/custody-admission
  custody scan dir:deploy --scanners misconfig      # the output passes custody's own checks

The output holds the serving certificate's private key: keep it out of version control, or
apply it directly. Certificates: ECDSA P-256, a CA valid 10 years that signs only the serving
certificate (its key is discarded), which is valid 1 year for <service>.<namespace>.svc and
<service>.<namespace>.svc.cluster.local. To renew them or change the policies, generate and apply
again: the pods restart, since their template carries a digest of both. Until the pods are ready,
the webhooks refuse the requests they select (they fail closed).

The pods run `custody admission serve --policies /policies --tls-cert /tls/tls.crt --tls-key
/tls/tls.key` (port 8443, metrics on 9090) as UID 65532 with a read-only root filesystem, so the
image needs custody on its PATH and nothing else. Without --policies the webhook enforces the
restricted Pod Security Standards on Pods and workload controllers. Kinds other than the
built-in ones must be written group/version/Kind in policies; their resource name is guessed (a
warning names it). Notes, such as an image not pinned by digest, go to standard error.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_ms_s_and_m() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("8s"), Ok(Duration::from_secs(8)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_mins(2)));
        assert!(parse_duration("8h").is_err());
        assert!(parse_duration("s").is_err());
    }
}
