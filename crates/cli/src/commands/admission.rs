//! `custody admission`: the admission webhook server.

use std::io::Write as _;
use std::sync::Arc;

use anyhow::Context as _;
use custody_admission::manifests::{InstallManifests, InstallManifestsBuilder};
use custody_admission::{
    Metrics, PolicySet, RegistryVerifier, Server, ServerOptions, VerifierOptions,
};
use custody_sign::trust::TrustedRoot;

use super::ExitStatus;
use crate::args::{AdmissionCommand, AdmissionManifestsArgs, AdmissionServeArgs};

/// Runs `custody admission`.
pub(crate) fn admission(command: &AdmissionCommand, quiet: bool) -> anyhow::Result<ExitStatus> {
    match command {
        AdmissionCommand::Serve(args) => serve(args, quiet),
        AdmissionCommand::Manifests(args) => manifests(args, quiet),
    }
}

/// Binds the listeners, compiles the policies (the server answers 503 on /readyz meanwhile)
/// and serves until Ctrl-C.
fn serve(args: &AdmissionServeArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    let tls = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some((cert.clone(), key.clone())),
        _ => None,
    };
    let mut options = ServerOptions::new(args.listen, tls);
    options.metrics_listen = args.metrics_listen;
    options.deadline = args.deadline;
    options.fail_open = args.fail_open;
    options.max_registry_lookups = usize::from(args.max_registry_lookups);
    let metrics = Arc::new(Metrics::default());
    options.metrics = Arc::clone(&metrics);
    let trusted_root = match &args.trusted_root {
        Some(path) => TrustedRoot::from_json(&fs_err::read(path)?)
            .with_context(|| format!("cannot use the trusted root {}", path.display()))?,
        None => TrustedRoot::production(),
    };
    let verifier = RegistryVerifier::new(
        VerifierOptions {
            registry: crate::settings::registry_options(&args.registry),
            ttl: args.image_cache_ttl,
            trusted_root,
            ..VerifierOptions::default()
        },
        metrics,
    );
    options.verifier = Some(Arc::new(verifier));
    // Reviews run on the blocking pool (a verifier may wait on a registry). Tokio's default
    // of 512 threads lets a saturated server grow to hundreds of megabytes of stacks; CPU-bound
    // evaluation gains nothing beyond the cores, and registry waits are bounded by
    // --max-registry-lookups, so the pool is sized to both and excess reviews queue (still
    // under the deadline).
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(2 * cores + usize::from(args.max_registry_lookups))
        .build()?;
    runtime.block_on(async {
        let server = Server::bind(options).await?;
        let address = server.local_addr();
        let slot = server.policies();
        let serving = tokio::spawn(server.serve(async {
            let _ = tokio::signal::ctrl_c().await;
        }));
        let paths = args.policies.clone();
        let policies = tokio::task::spawn_blocking(move || PolicySet::load(&paths))
            .await
            .context("compiling policies")??;
        let count = policies.len();
        // The slot is new and filled once, here.
        let _ = slot.install(policies);
        tracing::info!(policies = count, %address, "admission webhook ready");
        if !quiet {
            let scheme = if args.insecure_http { "http" } else { "https" };
            let mut stderr = anstream::stderr().lock();
            writeln!(
                stderr,
                "serving {scheme}://{address}/validate and /mutate ({count} policies)"
            )?;
        }
        serving.await??;
        anyhow::Ok(())
    })?;
    Ok(ExitStatus::Success)
}

/// Prints the install manifests on stdout; notes (an image without digest, a guessed
/// resource name) on stderr.
fn manifests(args: &AdmissionManifestsArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    let builder = InstallManifests::builder(&args.namespace)
        .image(&args.image)
        .replicas(args.replicas)
        .timeout_seconds(args.timeout_seconds)
        .service_name(&args.service_name);
    let manifests = args
        .policies
        .iter()
        .fold(builder, InstallManifestsBuilder::policy_path)
        .generate()
        .context("generating the webhook's install manifests")?;
    if !quiet {
        for note in &manifests.notes {
            crate::printer::warn(&note.to_string());
        }
    }
    let yaml = manifests.to_yaml()?;
    crate::printer::with_output(None, |output| output.write_all(yaml.as_bytes()))?;
    Ok(ExitStatus::Success)
}
