//! Arguments of `custody policy`: admission policies evaluated offline, today the Pod Security
//! Standards (`custody policy pss`).

use std::path::PathBuf;

use clap::{Args, Subcommand, ValueEnum};
use custody_policy::PssLevel;

/// `custody policy`.
#[derive(Debug, Subcommand)]
pub(crate) enum PolicyCommand {
    /// Check Kubernetes manifests against a Pod Security Standards level, as
    /// pod-security-admission would when a namespace enforces it.
    #[command(after_long_help = PSS_EXAMPLES)]
    Pss(PssArgs),
}

/// `custody policy pss`.
#[derive(Debug, Args)]
pub(crate) struct PssArgs {
    /// Manifests: YAML (multi-document) or JSON files, or directories searched for .yaml, .yml
    /// and .json files.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// The level to enforce.
    #[arg(long, value_enum)]
    pub(crate) level: PssLevel,
    /// The Kubernetes version whose definition of the level applies: `v1.N` or `latest`.
    #[arg(long, default_value = "latest", value_name = "v1.N|latest")]
    pub(crate) version: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PssFormat::Table)]
    pub(crate) format: PssFormat,
}

/// How `policy pss` prints its verdicts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PssFormat {
    /// One row per object.
    Table,
    /// One JSON document; its fields are listed at the end of `--help`.
    Json,
}

const PSS_EXAMPLES: &str = "\
Examples:
  custody policy pss --level restricted deploy/
  custody policy pss --level baseline --version v1.29 pod.yaml cronjob.json
  custody policy pss --level restricted --format json manifests/ > pss.json

Objects checked: Pod and the pod templates of Deployment, ReplicaSet, StatefulSet, DaemonSet,
Job, CronJob, ReplicationController and PodTemplate; items of a List. Other objects are reported
as not applicable. Each violation names the upstream check (hostNamespaces, privileged,
capabilities_restricted, ...), the offending fields and pod-security-admission's reason.

JSON output: {\"level\", \"version\", \"objects\": [{\"file\", \"document\", \"kind\", \"namespace\",
\"name\", \"verdict\": allowed|denied|not-applicable, \"violations\": [{\"check\", \"reason\",
\"detail\", \"paths\"}]}], \"allowed\", \"denied\", \"notApplicable\"}.

Exit status: 0 when every object is allowed or not applicable; 1 when any is denied; 2 on errors
(unreadable files, YAML or JSON syntax errors with their line and column, a bad --version).";
