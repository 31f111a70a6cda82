//! Arguments of `custody runtime`: Falco-compatible detection on event streams.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};

/// `custody runtime`.
#[derive(Debug, Subcommand)]
pub(crate) enum RuntimeCommand {
    /// Load and compile Falco rules files, printing their errors and warnings.
    #[command(after_long_help = VALIDATE_EXAMPLES)]
    Validate(ValidateArgs),
    /// Replay recorded events against rules, one alert per line.
    #[command(after_long_help = REPLAY_EXAMPLES)]
    Replay(ReplayArgs),
    /// Serve the Kubernetes audit webhook and raise alerts as events arrive.
    #[command(after_long_help = SERVE_EXAMPLES)]
    Serve(ServeArgs),
    /// List the fields rules can use, per event source.
    Fields(FieldsArgs),
}

/// Rules files, in the order Falco's `-r` loads them.
#[derive(Debug, Args)]
pub(crate) struct RulesArgs {
    /// A Falco rules file; repeat to load several, later files extending earlier ones.
    #[arg(long = "rules", short = 'r', required = true, value_name = "FILE")]
    pub(crate) rules: Vec<PathBuf>,
}

/// `custody runtime validate`.
#[derive(Debug, Args)]
pub(crate) struct ValidateArgs {
    /// Rules files, loaded in order.
    #[arg(required = true, value_name = "RULES")]
    pub(crate) rules: Vec<PathBuf>,
}

/// Where alerts go and which ones.
#[derive(Debug, Args)]
pub(crate) struct AlertArgs {
    /// Alert format on standard output.
    #[arg(long, value_enum, default_value_t = AlertFormatArg::Text)]
    pub(crate) format: AlertFormatArg,
    /// Only rules of this priority or more severe raise alerts.
    #[arg(long, value_name = "PRIORITY", default_value = "debug")]
    pub(crate) min_priority: String,
    /// Also append alerts to this file (in the chosen format).
    #[arg(long, value_name = "FILE")]
    pub(crate) output_file: Option<PathBuf>,
    /// Also POST each alert as JSON to this URL (falcosidekick's endpoint, for example).
    #[arg(long, value_name = "URL")]
    pub(crate) http_output: Option<String>,
}

/// How alerts are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum AlertFormatArg {
    /// Falco's text line: `time: Priority output`.
    Text,
    /// Falco's `json_output`, one object per line.
    Json,
}

/// `custody runtime replay`.
#[derive(Debug, Args)]
pub(crate) struct ReplayArgs {
    #[command(flatten)]
    pub(crate) rules: RulesArgs,
    /// The event source of the files.
    #[arg(long, value_enum, default_value_t = SourceArg::K8sAudit)]
    pub(crate) source: SourceArg,
    #[command(flatten)]
    pub(crate) alerts: AlertArgs,
    /// Event files: JSON lines, single events or `EventList`s; `-` reads standard input.
    #[arg(required = true, value_name = "EVENTS")]
    pub(crate) events: Vec<PathBuf>,
}

/// Event sources.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SourceArg {
    /// Kubernetes audit events (`audit.k8s.io/v1`).
    #[value(name = "k8s_audit")]
    K8sAudit,
}

/// `custody runtime serve`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    #[command(flatten)]
    pub(crate) rules: RulesArgs,
    /// Address of the audit webhook, for kube-apiserver's `--audit-webhook-config-file`.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:9765")]
    pub(crate) k8s_audit_listen: SocketAddr,
    /// PEM certificate chain: serve HTTPS (kube-apiserver requires it for remote webhooks).
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub(crate) tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub(crate) tls_key: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) alerts: AlertArgs,
}

/// `custody runtime fields`.
#[derive(Debug, Args)]
pub(crate) struct FieldsArgs {
    /// Only this source's fields.
    #[arg(long, value_enum)]
    pub(crate) source: Option<FieldSourceArg>,
}

/// Sources of `runtime fields`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum FieldSourceArg {
    /// System calls (extraction arrives with the sensor).
    Syscall,
    /// Kubernetes audit events.
    #[value(name = "k8s_audit")]
    K8sAudit,
}

const VALIDATE_EXAMPLES: &str = "\
Examples:
  custody runtime validate falco_rules.yaml
  custody runtime validate falco_rules.yaml falco-incubating_rules.yaml my_rules.yaml

Files load in order, as Falco's -r: later files append to, override and disable what earlier
ones define. Every error and warning names the file, line, item and reason, as `falco -V`.

Exit status: 0 when the rules load and compile (warnings allowed); 1 when there are errors; 2
when a file cannot be read.";

const REPLAY_EXAMPLES: &str = "\
Examples:
  custody runtime replay -r k8s_audit_rules.yaml audit.log
  custody runtime replay -r k8s_audit_rules.yaml -r my_rules.yaml --format json audit/*.json
  kubectl get --raw /... | custody runtime replay -r k8s_audit_rules.yaml -

Alerts go to standard output, one per line: Falco's text line, or with --format json Falco's
json_output object {\"hostname\", \"output\", \"output_fields\", \"priority\", \"rule\", \"source\",
\"tags\", \"time\"}. The event time is the audit event's stageTimestamp. Values that are not audit
events are counted and skipped; rule hit counts are printed on standard error at the end.

Exit status: 0 when replay completes (alerts or not); 1 when the rules have errors; 2 when a file
cannot be read or is not JSON.";

const SERVE_EXAMPLES: &str = "\
Examples:
  custody runtime serve -r k8s_audit_rules.yaml --k8s-audit-listen 0.0.0.0:9765 \\
      --tls-cert webhook.crt --tls-key webhook.key --http-output http://falcosidekick:2801/

kube-apiserver posts its audit events to the webhook when started with
  --audit-policy-file=/etc/kubernetes/audit-policy.yaml
  --audit-webhook-config-file=/etc/kubernetes/audit-webhook.kubeconfig
  --audit-webhook-batch-max-wait=5s
where the kubeconfig names https://<custody address>:9765/k8s-audit as its cluster server (see
the README). Bodies over 16 MiB are refused with 413, bodies that are not JSON with 400; the
server keeps serving. Ctrl-C stops it and prints the rule hit counts and drop counters.";
