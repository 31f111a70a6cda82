//! Command-line arguments: clap derive types only; [`crate::settings`] turns them into the
//! options engines take.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::env_vars;

mod admission;
mod blob;
mod commits;
mod image;
mod key;
mod policy;
mod runtime;
mod verification;

pub(crate) use admission::{AdmissionCommand, AdmissionManifestsArgs, AdmissionServeArgs};
pub(crate) use blob::{BlobOutput, SignBlobArgs, VerifyBlobArgs, VerifyBundleArgs};
pub(crate) use commits::{CommitsOutput, VerifyCommitsArgs};
pub(crate) use image::{
    AttestArgs, Format, SignArgs, VerifyArgs, VerifyAttestationArgs, VerifyOutput,
};
pub(crate) use key::{GenerateArgs, ImportArgs, KeyCommand, PublicKeyArgs};
pub(crate) use policy::{ApplyArgs, PolicyCommand, PolicyFormat, PssArgs, PssFormat, TestArgs};
pub(crate) use runtime::{
    AlertArgs, AlertFormatArg, FieldSourceArg, FieldsArgs, ReplayArgs, RuntimeCommand, ServeArgs,
    ValidateArgs,
};
pub(crate) use verification::VerificationArgs;

/// Secure a Kubernetes software supply chain, from source to runtime.
#[derive(Debug, Parser)]
#[command(
    name = "custody",
    version,
    max_term_width = 100,
    after_long_help = "Exit status: 0 success; 1 a verification failed (verify, \
verify-attestation, verify-blob, verify-bundle, verify-commits) or a policy denied (policy \
pss); 2 an error (bad arguments or \
input, unreachable registry, missing database); `scan --exit-code N` exits N when findings \
remain after filters.\n\n\
Environment: CUSTODY_CACHE_DIR sets the cache directory; NO_COLOR disables colours; \
DOCKER_CONFIG locates config.json for registry credentials; COSIGN_PASSWORD is the password of \
cosign.key files (set, even empty, means no prompt)."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
    #[command(flatten)]
    pub(crate) global: GlobalArgs,
}

/// Flags every subcommand takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct GlobalArgs {
    /// Print nothing but results and errors: no progress, no warnings.
    #[arg(long, short, global = true, conflicts_with = "debug")]
    pub(crate) quiet: bool,
    /// Log what custody does to stderr, for reporting problems.
    #[arg(long, global = true)]
    pub(crate) debug: bool,
    /// When to use colours.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub(crate) color: ColorChoice,
}

/// When to colour output.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum ColorChoice {
    /// When writing to a terminal and `NO_COLOR` is not set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Find known vulnerabilities in a target's packages.
    #[command(after_long_help = SCAN_EXAMPLES)]
    Scan(ScanArgs),
    /// List what is inside a target: OS, packages, layers, as an SBOM or a table.
    #[command(after_long_help = SBOM_EXAMPLES)]
    Sbom(SbomArgs),
    /// Manage the layer cache.
    #[command(subcommand)]
    Cache(CacheCommand),
    /// Compare versions the way an ecosystem orders them.
    #[command(subcommand)]
    Version(VersionCommand),
    /// Manage the vulnerability database (OSV advisories in one SQLite file).
    #[command(subcommand, after_long_help = DB_EXAMPLES)]
    Db(DbCommand),
    /// Create and convert signing keys (cosign's key format).
    #[command(subcommand)]
    Key(KeyCommand),
    /// Sign an image in its registry.
    Sign(SignArgs),
    /// Verify an image's signatures.
    Verify(VerifyArgs),
    /// Attach a signed attestation (SLSA, SBOM, VEX, …) to an image.
    Attest(AttestArgs),
    /// Verify an image's attestations of one predicate type.
    VerifyAttestation(VerifyAttestationArgs),
    /// Sign a file, writing a Sigstore bundle.
    SignBlob(SignBlobArgs),
    /// Verify a file against its Sigstore bundle.
    VerifyBlob(VerifyBlobArgs),
    /// Verify a Sigstore bundle offline (the sigstore-conformance client protocol).
    VerifyBundle(VerifyBundleArgs),
    /// Verify the SSH and OpenPGP signatures of git commits.
    VerifyCommits(VerifyCommitsArgs),
    /// Check Kubernetes manifests against admission policies
    #[command(subcommand)]
    Policy(PolicyCommand),
    /// Detect threats at runtime with Falco rules (Kubernetes audit events today)
    #[command(subcommand)]
    Runtime(RuntimeCommand),
    /// Serve the Kubernetes admission webhook that enforces policies in the cluster
    #[command(subcommand)]
    Admission(AdmissionCommand),
}

const DB_EXAMPLES: &str = "\
Examples:
  custody db update
  custody db update --ecosystem PyPI --ecosystem npm --ecosystem Debian
  custody db update --mirror https://osv-mirror.example.internal
  custody db update --mirror file:///srv/osv-mirror          # offline: ECOSYSTEM/all.zip files
  custody db import ./osv/PyPI/all.zip ./my-advisories/
  custody db info
  custody db info --db /srv/custody/vulndb.sqlite";

#[derive(Debug, Subcommand)]
pub(crate) enum VersionCommand {
    /// Print `<`, `=` or `>`: how version A orders against version B in ECOSYSTEM.
    ///
    /// Without A and B, reads `A B` pairs from stdin, one per line, and prints one operator
    /// per line, like `dpkg --compare-versions` for scripts. A version the ecosystem cannot
    /// order is an error (exit 2) naming it, never a string comparison.
    #[command(after_long_help = VERSION_EXAMPLES)]
    Compare {
        /// The OSV ecosystem name, case-insensitive: Debian, Ubuntu, Alpine, Red Hat, PyPI,
        /// npm, crates.io, Go, Maven, NuGet, RubyGems, Packagist, Pub, CRAN, Hackage, Hex, …
        ecosystem: String,
        /// The first version.
        #[arg(requires = "b")]
        a: Option<String>,
        /// The second version.
        b: Option<String>,
    },
}

const VERSION_EXAMPLES: &str = "\
Examples:
  custody version compare Debian 1:2.0-1 2.1-1          # >  (the epoch wins)
  custody version compare pypi 1.0rc1 1.0               # <
  printf '1.0.0 1.0.0-rc.1\\n2.0.0 2.0.0\\n' | custody version compare npm";

#[derive(Debug, Subcommand)]
pub(crate) enum DbCommand {
    /// Download OSV's per-ecosystem all.zip archives and import those that changed.
    ///
    /// Each archive is requested conditionally, with the validators the mirror sent last time,
    /// so an unchanged ecosystem costs one request. Downloads are checked (size limit,
    /// Content-Length, the MD5 digest OSV's bucket announces) and imported into a copy of the
    /// database that replaces it only when everything succeeded: a failed or interrupted
    /// update leaves the database as it was.
    Update {
        /// An OSV ecosystem to download, as OSV names it; repeatable [default: Debian, Ubuntu,
        /// Alpine, Red Hat, Rocky Linux, AlmaLinux, SUSE, openSUSE, Wolfi, Chainguard, PyPI,
        /// npm, crates.io, Go, Maven, NuGet, RubyGems, Packagist, Pub, Hex]
        #[arg(long = "ecosystem", value_name = "ECOSYSTEM")]
        ecosystems: Vec<String>,
        /// Where the archives are: an http(s) URL or a file:// directory holding
        /// ECOSYSTEM/all.zip [default: https://osv-vulnerabilities.storage.googleapis.com]
        #[expect(
            clippy::doc_markdown,
            reason = "clap prints this comment as help, where a plain URL reads best"
        )]
        #[allow(
            rustdoc::bare_urls,
            reason = "clap prints this comment as help, where a plain URL reads best; only \
                      rustdoc runs this lint, so `expect` would be unfulfilled under clippy"
        )]
        #[arg(long, value_name = "URL")]
        mirror: Option<String>,
        /// Largest archive to download, in bytes [default: 4 GiB]
        #[arg(long, value_name = "BYTES")]
        max_download_size: Option<u64>,
        #[command(flatten)]
        database: DbArgs,
    },
    /// Import OSV records: JSON or YAML files, directories of them, and OSV all.zip archives.
    ///
    /// Idempotent: a record replaces the stored one only when its `modified` time is newer.
    /// Malformed records are skipped with a warning naming the file; the import goes on.
    Import {
        /// Files, directories or zip archives to import.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        database: DbArgs,
    },
    /// Show the database's schema version, advisory counts per ecosystem, last import and update.
    Info {
        #[command(flatten)]
        database: DbArgs,
    },
}

/// Where the vulnerability database is.
#[derive(Debug, Args)]
pub(crate) struct DbArgs {
    /// The database file [default: vulndb.sqlite in the cache directory]
    #[arg(long, value_name = "PATH", env = env_vars::CUSTODY_DB, hide_env_values = true)]
    pub(crate) db: Option<PathBuf>,
    /// The cache directory, where the database lives by default
    #[arg(long, value_name = "DIR", env = env_vars::CUSTODY_CACHE_DIR, hide_env_values = true)]
    pub(crate) cache_dir: Option<PathBuf>,
}

const SBOM_EXAMPLES: &str = "\
Targets:
  dir:PATH                a source tree (the default for an existing directory)
  rootfs:PATH             an installed root filesystem
  oci-dir:PATH[:TAG]      an OCI image layout (the default for a directory with oci-layout)
  oci-archive:FILE        an OCI image layout in a tar file
  docker-archive:FILE     `docker save` output (the default for another existing file)
  registry:REF            an image in a registry (the default for anything else)

Examples:
  custody sbom .
  custody sbom rootfs:/mnt/root --format table
  custody sbom oci-dir:build/oci:1.0 --format spdx-json -o app.spdx.json
  custody sbom registry:127.0.0.1:5000/app:1.0 --plain-http
  custody sbom ghcr.io/org/app@sha256:… --platform linux/arm64";

const SCAN_EXAMPLES: &str = "\
Targets: every target of `custody sbom` (see `custody sbom --help`), and
  sbom:FILE               a CycloneDX or SPDX JSON SBOM, scanned without the artifact

Scanners (--scanners, comma-separated):
  vuln                    packages matched against the OSV database (needs `custody db update`)
  secret                  credentials in files, masked in every output; in images every layer
                          is scanned, so a secret a later layer deleted is still reported
  misconfig               Dockerfile and Kubernetes manifest checks
  Defaults: vuln,secret,misconfig for dir: and rootfs:, vuln,secret for images, vuln for sbom:.
  In dir: trees the secret scanner skips node_modules, virtual environments, caches and
  target/{debug,release}; everywhere it skips media, archives and compiled files, files over
  10 MiB (see --secret-config) and binary files. `custody:ignore` on a line suppresses it.

Examples:
  custody db update                                 # get the database once, then:
  custody scan .
  custody scan registry:ghcr.io/org/app:1.0 --severity HIGH,CRITICAL --exit-code 1
  custody scan oci-dir:build/oci --format sarif -o custody.sarif
  custody scan sbom:app.cdx.json --ignore-unfixed --vex app.openvex.json
  custody scan . --scanners secret,misconfig --exit-code 1     # no database needed
  custody scan . --scanners secret --secret-config secrets.yaml

Ignore file (.custodyignore.yaml, Trivy's .trivyignore.yaml format): `vulnerabilities:`,
`secrets:` and `misconfigurations:` lists of {id, paths, expires, reason}.

Exit status: 0 when no findings (vulnerabilities, secrets or misconfigurations) remain after
filters, or --exit-code is 0 (the default); the --exit-code value when findings remain; 2 on
errors, including a missing database when the vuln scanner runs.";

/// Arguments of `custody scan`.
#[derive(Debug, Args)]
pub(crate) struct ScanArgs {
    /// What to scan (see Targets below).
    pub(crate) target: String,
    /// Which scanners to run, comma-separated [default: vuln,secret,misconfig for dir: and
    /// rootfs:, vuln,secret for images, vuln for sbom:]
    #[arg(long, value_enum, value_delimiter = ',', value_name = "LIST")]
    pub(crate) scanners: Option<Vec<Scanner>>,
    /// Secret scanner configuration: custom rules, disabled rules, allowlists (YAML)
    #[arg(long, value_name = "FILE")]
    pub(crate) secret_config: Option<PathBuf>,
    /// Kyverno policies (a file or a directory) whose validate rules the misconfig scanner
    /// runs on every Kubernetes object, beside its own checks; repeatable
    #[arg(long, value_name = "PATH")]
    pub(crate) policy: Vec<PathBuf>,
    /// The Pod Security Standards level the misconfig scanner enforces on workloads
    /// (privileged runs none; restricted includes baseline)
    #[arg(long, value_enum, value_name = "LEVEL", default_value_t = custody_policy::PssLevel::Restricted)]
    pub(crate) pss_level: custody_policy::PssLevel,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = ScanFormat::Table)]
    pub(crate) format: ScanFormat,
    /// Write the result to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// The vulnerability database file [default: vulndb.sqlite in the cache directory]
    #[arg(long, value_name = "PATH", env = env_vars::CUSTODY_DB, hide_env_values = true)]
    pub(crate) db: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) filters: FilterArgs,
    #[command(flatten)]
    pub(crate) image: ImageArgs,
}

/// Which findings are reported.
#[derive(Debug, Args)]
#[command(next_help_heading = "Filters")]
pub(crate) struct FilterArgs {
    /// Report only these severities, comma-separated
    /// (UNKNOWN,LOW,MEDIUM,HIGH,CRITICAL) [default: all]
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub(crate) severity: Vec<custody_model::Severity>,
    /// Leave out vulnerabilities no fixed version is known for.
    #[arg(long)]
    pub(crate) ignore_unfixed: bool,
    /// The exit status when findings remain after filters.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub(crate) exit_code: u8,
    /// Suppressions: vulnerability ids, purls and paths with reasons and expiry dates
    /// [default: .custodyignore.yaml when it exists]
    #[arg(long, value_name = "FILE")]
    pub(crate) ignorefile: Option<PathBuf>,
    /// An OpenVEX document whose `not_affected` and `fixed` statements suppress findings;
    /// repeatable.
    #[arg(long, value_name = "FILE")]
    pub(crate) vex: Vec<PathBuf>,
}

/// The scanners of `custody scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Scanner {
    /// Known vulnerabilities in packages, from the OSV database.
    Vuln,
    /// Credentials in files: cloud keys, tokens, private keys, passwords.
    Secret,
    /// Misconfigured Dockerfiles and Kubernetes manifests.
    Misconfig,
}

/// Output formats of `custody scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ScanFormat {
    /// A table for people.
    Table,
    /// custody's own report JSON (stable, documented).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// CycloneDX 1.6 JSON with a `vulnerabilities` section.
    CyclonedxJson,
}

/// Arguments of `custody sbom`.
#[derive(Debug, Args)]
pub(crate) struct SbomArgs {
    /// What to inventory (see Targets below).
    pub(crate) target: String,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = SbomFormat::CyclonedxJson)]
    pub(crate) format: SbomFormat,
    /// Write the result to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) image: ImageArgs,
}

/// Output formats of `custody sbom`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum SbomFormat {
    /// CycloneDX 1.6 JSON.
    CyclonedxJson,
    /// SPDX 2.3 JSON.
    SpdxJson,
    /// custody's own inventory JSON (stable, documented).
    Json,
    /// A table for people.
    Table,
}

/// How images are found and read.
#[derive(Debug, Args)]
#[command(next_help_heading = "Image options")]
pub(crate) struct ImageArgs {
    /// The platform to pick from a multi-platform image, as OS/ARCH[/VARIANT]
    /// [default: the host's]
    #[arg(long, value_name = "PLATFORM")]
    pub(crate) platform: Option<String>,
    #[command(flatten)]
    pub(crate) registry: RegistryArgs,
    /// Largest uncompressed size of one layer before it is refused as a decompression bomb,
    /// in bytes.
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_layer_size: Option<u64>,
    #[command(flatten)]
    pub(crate) cache: CacheArgs,
}

/// How to reach and log in to registries: for image targets and for signatures alike.
#[derive(Debug, Args)]
pub(crate) struct RegistryArgs {
    /// Reach every registry over plain HTTP, not HTTPS.
    #[arg(long)]
    pub(crate) plain_http: bool,
    /// Reach this registry (HOST or HOST:PORT) over plain HTTP; repeatable.
    #[arg(long, value_name = "HOST")]
    pub(crate) insecure_registry: Vec<String>,
    /// Registry user name (overrides Docker's config.json).
    #[arg(long, requires = "password")]
    pub(crate) username: Option<String>,
    /// Registry password or token.
    #[arg(long, env = env_vars::CUSTODY_REGISTRY_PASSWORD, hide_env_values = true)]
    pub(crate) password: Option<String>,
}

/// Where the layer cache is.
#[derive(Debug, Args)]
#[command(next_help_heading = "Cache options")]
pub(crate) struct CacheArgs {
    /// The cache directory [default: the user's cache directory, e.g. ~/.cache/custody]
    #[arg(long, value_name = "DIR", env = env_vars::CUSTODY_CACHE_DIR, hide_env_values = true)]
    pub(crate) cache_dir: Option<PathBuf>,
    /// Read every layer, ignoring and not filling the cache.
    #[arg(long)]
    pub(crate) no_cache: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CacheCommand {
    /// Delete every cached layer result.
    Clean {
        /// The cache directory [default: the user's cache directory]
        #[arg(long, value_name = "DIR", env = env_vars::CUSTODY_CACHE_DIR, hide_env_values = true)]
        cache_dir: Option<PathBuf>,
    },
    /// Print the cache directory.
    Dir {
        /// The cache directory [default: the user's cache directory]
        #[arg(long, value_name = "DIR", env = env_vars::CUSTODY_CACHE_DIR, hide_env_values = true)]
        cache_dir: Option<PathBuf>,
    },
}
