//! The `custody` binary: parses arguments, runs one command, renders errors and picks the exit
//! code. Engines live in the `custody-*` library crates; this crate only wires them together.

mod args;
mod commands;
mod env_vars;
mod printer;
mod render;
mod reporter;
mod settings;

use std::io::{self, IsTerminal as _, Write as _};
use std::process::ExitCode;

use clap::Parser as _;
use owo_colors::OwoColorize as _;

use crate::args::{Cli, ColorChoice, Command};

/// mimalloc instead of the system allocator: audit replay and scans allocate many small JSON
/// nodes and strings; replaying audit events runs 38% faster with it (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let colors = configure_colors(cli.global.color);
    init_logging(cli.global.debug, colors);
    let quiet = cli.global.quiet;
    let success = |()| commands::ExitStatus::Success;
    let result = match cli.command {
        Command::Scan(args) => commands::scan(&args, quiet),
        Command::Sbom(args) => commands::sbom(&args, quiet).map(success),
        Command::Cache(command) => commands::cache(command, quiet).map(success),
        Command::Db(command) => commands::db(command, quiet).map(success),
        Command::Version(command) => commands::version(command).map(success),
        Command::Key(command) => commands::key(command, quiet).map(success),
        Command::Sign(args) => commands::sign(&args, quiet).map(success),
        Command::Verify(args) => commands::verify(&args, quiet),
        Command::Attest(args) => commands::attest(&args, quiet).map(success),
        Command::VerifyAttestation(args) => commands::verify_attestation(&args, quiet),
        Command::SignBlob(args) => commands::sign_blob(&args, quiet).map(success),
        Command::VerifyBlob(args) => commands::verify_blob(&args, quiet),
        Command::VerifyBundle(args) => commands::verify_bundle(&args, quiet),
        Command::VerifyCommits(args) => commands::verify_commits(&args, quiet),
        Command::Policy(command) => commands::policy(&command, quiet),
        Command::Runtime(command) => commands::runtime(&command, quiet),
        Command::Admission(command) => commands::admission(&command, quiet),
    };
    match result {
        Ok(status) => status.into(),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            report(&error);
            ExitCode::from(2)
        }
    }
}

/// Sets the colour choice for stdout and stderr, and says whether stderr gets colours.
fn configure_colors(choice: ColorChoice) -> bool {
    let choice = match choice {
        ColorChoice::Auto if std::env::var_os(env_vars::NO_COLOR).is_some() => {
            anstream::ColorChoice::Never
        }
        ColorChoice::Auto => anstream::ColorChoice::Auto,
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
    match choice {
        anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi => true,
        anstream::ColorChoice::Never => false,
        anstream::ColorChoice::Auto => io::stderr().is_terminal(),
    }
}

/// Logs go to stderr: warnings by default, everything with `--debug`, or what `CUSTODY_LOG`
/// directives say. Directives are parsed only when given: parsing compiles regexes, a few
/// milliseconds that a warm-cache scan should not pay.
fn init_logging(debug: bool, colors: bool) {
    let builder = tracing_subscriber::fmt()
        .with_writer(io::stderr)
        .with_ansi(colors)
        .with_target(debug)
        .without_time();
    match std::env::var(env_vars::CUSTODY_LOG) {
        Ok(directives) => builder
            .with_env_filter(tracing_subscriber::EnvFilter::new(directives))
            .init(),
        Err(_) => builder
            .with_max_level(if debug {
                tracing::Level::DEBUG
            } else {
                tracing::Level::WARN
            })
            .init(),
    }
}

/// A closed stdout (`custody sbom … | head`) is not an error.
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|error| error.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// The error types that can say what to do next, each asked through its `hint`.
const HINTS: &[fn(&(dyn std::error::Error + 'static)) -> Option<&'static str>] = &[
    |cause| {
        cause
            .downcast_ref::<custody_artifact::Error>()
            .and_then(custody_artifact::Error::hint)
    },
    |cause| {
        cause
            .downcast_ref::<custody_vulndb::Error>()
            .and_then(custody_vulndb::Error::hint)
    },
    |cause| {
        cause
            .downcast_ref::<custody_sign::git::GitError>()
            .and_then(custody_sign::git::GitError::hint)
    },
    |cause| {
        cause
            .downcast_ref::<custody_sign::keys::KeyError>()
            .and_then(custody_sign::keys::KeyError::hint)
    },
    |cause| {
        cause
            .downcast_ref::<custody_admission::manifests::ManifestsError>()
            .and_then(custody_admission::manifests::ManifestsError::hint)
    },
];

/// Prints the error, its causes and any hint, uv-style.
fn report(error: &anyhow::Error) {
    let mut stderr = anstream::stderr().lock();
    let _ = writeln!(stderr, "{}: {error}", "error".red().bold());
    for cause in error.chain().skip(1) {
        let _ = writeln!(stderr, "  {}: {cause}", "caused by".red());
    }
    let hint = error
        .chain()
        .find_map(|cause| HINTS.iter().find_map(|hint| hint(cause)));
    if let Some(hint) = hint {
        let _ = writeln!(stderr, "{}: {hint}", "hint".cyan().bold());
    }
}
