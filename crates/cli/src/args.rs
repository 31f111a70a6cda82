//! Command-line arguments: clap derive types only; [`crate::settings`] turns them into the
//! options engines take.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::env_vars;

/// Secure a Kubernetes software supply chain, from source to runtime.
#[derive(Debug, Parser)]
#[command(
    name = "custody",
    version,
    max_term_width = 100,
    after_long_help = "Exit status: 0 success; 1 the answer is no (reserved for findings, \
denials and failed verifications); 2 an error (bad arguments or input, unreachable registry).\n\n\
Environment: CUSTODY_CACHE_DIR sets the cache directory; NO_COLOR disables colours; \
DOCKER_CONFIG locates config.json for registry credentials."
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
}

const DB_EXAMPLES: &str = "\
Examples:
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
    /// Show the database's schema version, advisory counts per ecosystem and last import.
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
    /// Largest uncompressed size of one layer before it is refused as a decompression bomb,
    /// in bytes.
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_layer_size: Option<u64>,
    #[command(flatten)]
    pub(crate) cache: CacheArgs,
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
