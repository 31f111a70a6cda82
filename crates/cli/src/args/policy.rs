//! Arguments of `custody policy`: admission policies evaluated offline — the Pod Security
//! Standards (`custody policy pss`) and Kyverno policies (`custody policy apply`, `custody policy
//! test`).

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
    /// Apply Kyverno cluster and namespaced policies to manifests, as `kyverno apply` does.
    #[command(after_long_help = APPLY_EXAMPLES)]
    Apply(ApplyArgs),
    /// Run Kyverno CLI tests (kyverno-test.yaml files), as `kyverno test` does.
    #[command(after_long_help = TEST_EXAMPLES)]
    Test(TestArgs),
}

/// `custody policy apply`.
#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    /// Policy files or directories: Kyverno cluster or namespaced policies, YAML or JSON.
    #[arg(required = true, value_name = "POLICY")]
    pub(crate) policies: Vec<PathBuf>,
    /// Resources to check: manifest files or directories.
    #[arg(long = "resource", short = 'r', required = true, value_name = "PATH")]
    pub(crate) resources: Vec<PathBuf>,
    /// A Kyverno CLI values file: variables, context entries and namespace labels.
    #[arg(long, short = 'f', value_name = "FILE")]
    pub(crate) values: Option<PathBuf>,
    /// A Kyverno CLI user info file: the requester's name, groups and roles.
    #[arg(long, short = 'u', value_name = "FILE")]
    pub(crate) userinfo: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PolicyFormat::Table)]
    pub(crate) format: PolicyFormat,
}

/// `custody policy test`.
#[derive(Debug, Args)]
pub(crate) struct TestArgs {
    /// Test files, or directories searched for kyverno-test.yaml files.
    #[arg(required = true, value_name = "PATH")]
    pub(crate) paths: Vec<PathBuf>,
    /// Print every case, not only those that did not pass.
    #[arg(long)]
    pub(crate) detailed_results: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = PolicyFormat::Table)]
    pub(crate) format: PolicyFormat,
}

/// How `policy apply` and `policy test` print their results.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PolicyFormat {
    /// Tables for people.
    Table,
    /// One JSON document; its fields are listed at the end of `--help`.
    Json,
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

const APPLY_EXAMPLES: &str = "\
Examples:
  custody policy apply policies/ --resource deploy/
  custody policy apply disallow-latest-tag.yaml -r pod.yaml --format json
  custody policy apply require-labels.yaml -r ns/ --values values.yaml --userinfo user.yaml

Every policy is applied to every resource: mutate rules first (each on the resource the previous
ones patched), then validate rules on the patched resource. Rules written for Pods also apply to
Deployments, StatefulSets, DaemonSets, Jobs, ReplicaSets, ReplicationControllers and CronJobs
through Kyverno's auto-generated rules (autogen-<rule>, autogen-cronjob-<rule>).

Context entries that need a cluster or a registry (apiCall, configMap, imageRegistry,
globalReference) are read from the values file; without it their rules report an error.
Generate rules with `data` report the resource they would create; rules custody does not
evaluate (generate clone, verifyImages, CEL) are reported as unsupported, never as passed.

JSON output: {\"results\": [{\"policy\", \"rule\", \"resource\": {\"kind\", \"namespace\", \"name\"},
\"status\": pass|fail|skip|error|unsupported, \"message\", \"failureAction\"}],
\"patched\": [resources changed by mutate rules], \"generated\": [resources generate rules
create], \"summary\": {\"pass\", \"fail\", \"skip\", \"error\",
\"unsupported\"}}.

Exit status: 0 when no rule fails or errors; 1 when one does; 2 on errors (unreadable files,
YAML or JSON syntax errors with their line and column, malformed policies).";

const TEST_EXAMPLES: &str = "\
Examples:
  custody policy test policies/
  custody policy test policies/require-labels/.kyverno-test/kyverno-test.yaml --detailed-results
  custody policy test policies/ --format json > results.json

Each kyverno-test.yaml (cli.kyverno.io/v1alpha1 Test) names policies, resources, an optional
values file and user info, and the expected result of each rule on each resource (pass, fail,
skip) with, for mutate rules, the expected patched resource. A rule that does not select a
resource counts as skip, as in Kyverno's CLI. A case whose rule uses a feature custody does not
evaluate is reported as unsupported with the feature's name.

JSON output: [{\"path\", \"name\", \"cases\": [{\"policy\", \"rule\", \"kind\", \"resource\",
\"expected\", \"actual\", \"status\": passed|failed|unsupported, \"message\"}]}].

Exit status: 0 when every case passed; 1 when any failed or is unsupported (a policy, resource
or values file that cannot be read fails its test's cases, with its file, line and column); 2
when a test file itself cannot be read or no test file is found.";
