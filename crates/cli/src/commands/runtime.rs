//! `custody runtime validate|replay|serve|fields`: Falco rules loaded and compiled by
//! custody-runtime, applied to recorded or live Kubernetes audit events.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use custody_runtime::engine::{Compiled, Engine};
use custody_runtime::fields::Source;
use custody_runtime::output::{
    Alert, AlertFormat, FileSink, HttpSink, HttpSinkOptions, Priority, Sinks, WriterSink,
};
use custody_runtime::rules::RuleSet;
use custody_runtime::source::k8s_audit::{AuditEvents, AuditReadError};
use custody_runtime::source::webhook::{Webhook, WebhookConfig, WebhookStats};
use serde_json::Value;

use super::ExitStatus;
use crate::args::{
    AlertArgs, AlertFormatArg, FieldSourceArg, FieldsArgs, ReplayArgs, RuntimeCommand, ServeArgs,
    ValidateArgs,
};
use crate::{printer, render};

/// Event files up to this size are read into memory and parsed there; larger ones (and
/// standard input) are streamed.
const IN_MEMORY_BYTES: u64 = 256 * 1024 * 1024;

/// Runs `custody runtime`.
pub(crate) fn runtime(command: &RuntimeCommand, quiet: bool) -> anyhow::Result<ExitStatus> {
    match command {
        RuntimeCommand::Validate(args) => validate(args),
        RuntimeCommand::Replay(args) => replay(args, quiet),
        RuntimeCommand::Serve(args) => serve(args, quiet),
        RuntimeCommand::Fields(args) => fields(args),
    }
}

/// Loads rules files in order and compiles them, printing every error and warning on standard
/// error: the engine, or `None` when there were errors.
fn load(files: &[PathBuf]) -> anyhow::Result<Option<Compiled>> {
    let mut rules = RuleSet::new();
    for file in files {
        rules
            .load_file(file)
            .with_context(|| format!("reading {}", file.display()))?;
    }
    let compiled = Engine::compile(&rules);
    let mut stderr = anstream::stderr().lock();
    for warning in rules.warnings() {
        writeln!(stderr, "warning: {warning}")?;
    }
    for warning in &compiled.warnings {
        writeln!(stderr, "warning: {warning}")?;
    }
    let mut errors = 0;
    for error in rules.errors() {
        writeln!(stderr, "error: {error}")?;
        errors += 1;
    }
    for error in &compiled.errors {
        writeln!(stderr, "error: {error}")?;
        errors += 1;
    }
    Ok((errors == 0).then_some(compiled))
}

fn validate(args: &ValidateArgs) -> anyhow::Result<ExitStatus> {
    let Some(compiled) = load(&args.rules)? else {
        return Ok(ExitStatus::Findings(1));
    };
    let rules = compiled.engine.rules();
    let mut stdout = anstream::stdout().lock();
    writeln!(
        stdout,
        "{}: {} rules compiled ({} k8s_audit, {} syscall)",
        args.rules
            .iter()
            .map(|path| path.display().to_string())
            .collect::<Vec<_>>()
            .join(", "),
        rules.len(),
        rules
            .iter()
            .filter(|rule| rule.source == Source::K8sAudit)
            .count(),
        rules
            .iter()
            .filter(|rule| rule.source == Source::Syscall)
            .count(),
    )?;
    Ok(ExitStatus::Success)
}

/// The engine of `--rules`, with the alert options applied; `None` when the rules have errors.
fn engine(rules: &[PathBuf], alerts: &AlertArgs) -> anyhow::Result<Option<Engine>> {
    let minimum: Priority = alerts
        .min_priority
        .parse()
        .with_context(|| format!("--min-priority {}", alerts.min_priority))?;
    let Some(compiled) = load(rules)? else {
        return Ok(None);
    };
    let mut engine = compiled.engine;
    engine.set_minimum_priority(minimum);
    engine.set_hostname(hostname());
    Ok(Some(engine))
}

/// The machine's host name, as alerts carry it.
fn hostname() -> String {
    fs_err::read_to_string("/proc/sys/kernel/hostname")
        .map(|name| name.trim().to_owned())
        .ok()
        .filter(|name| !name.is_empty())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// Standard output plus the file and HTTP outputs asked for.
fn sinks(alerts: &AlertArgs) -> anyhow::Result<Sinks> {
    let format = match alerts.format {
        AlertFormatArg::Text => AlertFormat::Text,
        AlertFormatArg::Json => AlertFormat::Json,
    };
    let mut sinks = Sinks::new();
    sinks.push(Box::new(
        WriterSink::new("stdout", std::io::stdout(), format).flush_each(true),
    ));
    if let Some(path) = &alerts.output_file {
        sinks.push(Box::new(FileSink::append(path, format)?));
    }
    if let Some(url) = &alerts.http_output {
        sinks.push(Box::new(HttpSink::start(HttpSinkOptions::new(
            url.clone(),
        ))?));
    }
    Ok(sinks)
}

/// When an audit event happened: its `stageTimestamp`, else its `requestReceivedTimestamp`,
/// else now.
fn event_time(event: &Value) -> jiff::Timestamp {
    ["stageTimestamp", "requestReceivedTimestamp"]
        .iter()
        .find_map(|field| event[*field].as_str()?.parse().ok())
        .unwrap_or_else(jiff::Timestamp::now)
}

/// Sends alerts to every sink, warning about the ones a sink refused.
fn deliver(sinks: &mut Sinks, alerts: &[Alert]) {
    for alert in alerts {
        for error in sinks.send(alert) {
            printer::warn(&error.to_string());
        }
    }
}

fn replay(args: &ReplayArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    let Some(engine) = engine(&args.rules.rules, &args.alerts)? else {
        return Ok(ExitStatus::Findings(1));
    };
    let mut sinks = sinks(&args.alerts)?;
    let (mut events, mut malformed) = (0_u64, 0_u64);
    for path in &args.events {
        let mut replay_events =
            |stream: &mut dyn Iterator<Item = Result<Value, AuditReadError>>| {
                for event in stream {
                    let event = event.with_context(|| format!("reading {}", path.display()))?;
                    events += 1;
                    deliver(&mut sinks, &engine.audit_alerts(&event, event_time(&event)));
                }
                anyhow::Ok(())
            };
        if path == Path::new("-") {
            let mut stream = AuditEvents::new(std::io::stdin().lock());
            replay_events(&mut stream)?;
            malformed += stream.malformed();
        } else if fs_err::metadata(path)?.len() <= IN_MEMORY_BYTES {
            // Parsing from memory is about twice as fast as from a reader.
            let bytes = fs_err::read(path)?;
            let mut stream = AuditEvents::from_slice(&bytes);
            replay_events(&mut stream)?;
            malformed += stream.malformed();
        } else {
            let mut stream = AuditEvents::new(std::io::BufReader::new(fs_err::File::open(path)?));
            replay_events(&mut stream)?;
            malformed += stream.malformed();
        }
    }
    for error in sinks.close() {
        printer::warn(&error.to_string());
    }
    if !quiet {
        report(&engine, &sinks, events, malformed)?;
    }
    Ok(ExitStatus::Success)
}

/// Rule hit counts and delivery counters on standard error.
fn report(engine: &Engine, sinks: &Sinks, events: u64, malformed: u64) -> anyhow::Result<()> {
    let mut stderr = anstream::stderr().lock();
    writeln!(
        stderr,
        "{events} events, {malformed} skipped (not audit events)"
    )?;
    for (rule, hits) in engine.hit_counts().filter(|(_, hits)| *hits > 0) {
        writeln!(stderr, "  {hits:>8}  {rule}")?;
    }
    for (name, stats) in sinks.stats() {
        if stats.failed + stats.dropped > 0 {
            writeln!(
                stderr,
                "output {name}: {} delivered, {} failed, {} dropped",
                stats.delivered, stats.failed, stats.dropped
            )?;
        }
    }
    Ok(())
}

fn serve(args: &ServeArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    let Some(engine) = engine(&args.rules.rules, &args.alerts)? else {
        return Ok(ExitStatus::Findings(1));
    };
    let mut sinks = sinks(&args.alerts)?;
    let mut config = WebhookConfig::new(args.k8s_audit_listen);
    if let (Some(cert), Some(key)) = (&args.tls_cert, &args.tls_key) {
        config.tls = Some((cert.clone(), key.clone()));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let stats = Arc::new(WebhookStats::default());
    let events = runtime.block_on(async {
        let webhook = Webhook::bind(config).await?;
        if !quiet {
            let scheme = if args.tls_cert.is_some() {
                "https"
            } else {
                "http"
            };
            let mut stderr = anstream::stderr().lock();
            writeln!(
                stderr,
                "listening on {scheme}://{}/k8s-audit ({} rules)",
                webhook.local_addr(),
                engine.rules().len()
            )?;
        }
        let (sender, mut receiver) = tokio::sync::mpsc::channel::<Value>(1024);
        let server = tokio::spawn(webhook.serve(sender, Arc::clone(&stats), async {
            let _ = tokio::signal::ctrl_c().await;
        }));
        let mut count = 0_u64;
        // The channel closes when the server stops and drops its sender.
        while let Some(event) = receiver.recv().await {
            count += 1;
            deliver(&mut sinks, &engine.audit_alerts(&event, event_time(&event)));
        }
        server.await??;
        anyhow::Ok(count)
    })?;
    for error in sinks.close() {
        printer::warn(&error.to_string());
    }
    if !quiet {
        let rejected = stats.rejected.load(std::sync::atomic::Ordering::Relaxed);
        let malformed = stats.malformed.load(std::sync::atomic::Ordering::Relaxed);
        report(&engine, &sinks, events, malformed)?;
        if rejected > 0 {
            let mut stderr = anstream::stderr().lock();
            writeln!(
                stderr,
                "{rejected} request bodies refused (not JSON, or too large)"
            )?;
        }
    }
    Ok(ExitStatus::Success)
}

fn fields(args: &FieldsArgs) -> anyhow::Result<ExitStatus> {
    let sources: Vec<Source> = match args.source {
        Some(FieldSourceArg::Syscall) => vec![Source::Syscall],
        Some(FieldSourceArg::K8sAudit) => vec![Source::K8sAudit],
        None => Source::ALL.to_vec(),
    };
    let mut table = render::new_table(["SOURCE", "FIELD", "TYPE", "DESCRIPTION"]);
    for source in sources {
        for field in source.fields() {
            let name = if field.arg.is_required() {
                format!("{}[...]", field.name)
            } else {
                field.name.to_owned()
            };
            let ty = if field.list {
                format!("{} (list)", field.ty.name())
            } else {
                field.ty.name().to_owned()
            };
            table.add_row([source.name(), name.as_str(), ty.as_str(), field.description]);
        }
    }
    if table.row_count() == 0 {
        bail!("no fields");
    }
    printer::with_output(None, |out| writeln!(out, "{table}"))?;
    Ok(ExitStatus::Success)
}
