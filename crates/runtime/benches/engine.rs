//! Runtime engine speed (issue 7 targets): replaying Kubernetes audit events against the full
//! k8saudit rules, JSON parsing included (≥ 100,000 events/s on one core), and loading and
//! compiling the four official rule files (< 200 ms).
//!
//! Reads the rules and the audit events of Falco's legacy tests from `CUSTODY_CONFORMANCE_DIR`
//! (default `../shared/conformance`).

use std::hint::black_box;
use std::path::{Path, PathBuf};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use custody_runtime::engine::Engine;
use custody_runtime::rules::RuleSet;
use custody_runtime::source::k8s_audit::AuditEvents;

/// The allocator the `custody` binary uses, so the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn falco() -> PathBuf {
    std::env::var_os("CUSTODY_CONFORMANCE_DIR")
        .map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
            PathBuf::from,
        )
        .join("falco")
}

const OFFICIAL: [&str; 4] = [
    "rules/rules/falco_rules.yaml",
    "rules/rules/falco-incubating_rules.yaml",
    "rules/rules/falco-sandbox_rules.yaml",
    "plugins/k8saudit/rules/k8s_audit_rules.yaml",
];

fn load_and_compile(files: &[PathBuf]) -> Engine {
    let mut rules = RuleSet::new();
    for file in files {
        rules.load_file(file).expect("the rules read");
    }
    let compiled = Engine::compile(&rules);
    assert!(compiled.errors.is_empty(), "{:?}", compiled.errors);
    compiled.engine
}

/// Every audit event line of the legacy trace files, as text.
fn event_lines(falco: &Path) -> Vec<String> {
    let traces = falco.join("legacy-tests/test/trace_files/k8s_audit");
    let mut lines = Vec::new();
    for entry in fs_err::read_dir(traces).expect("the traces read") {
        let text = fs_err::read_to_string(entry.expect("an entry").path()).expect("a trace");
        lines.extend(
            text.lines()
                .filter(|line| line.contains("\"auditID\""))
                .map(str::to_owned),
        );
    }
    lines
}

fn engine(criterion: &mut Criterion) {
    let falco = falco();
    let official: Vec<PathBuf> = OFFICIAL.iter().map(|file| falco.join(file)).collect();
    criterion.bench_function("load_and_compile_official_rules", |bencher| {
        bencher.iter(|| load_and_compile(black_box(&official)));
    });

    let engine = load_and_compile(&[falco.join("plugins/k8saudit/rules/k8s_audit_rules.yaml")]);
    let lines = event_lines(&falco);
    let bytes: usize = lines.iter().map(String::len).sum();
    let mut group = criterion.benchmark_group("replay_k8s_audit");
    group.throughput(Throughput::Elements(lines.len() as u64));
    group.bench_function(
        format!("{} events, {bytes} bytes, parse + evaluate", lines.len()),
        |bencher| {
            bencher.iter(|| {
                let mut alerts = 0;
                for line in &lines {
                    for event in AuditEvents::from_slice(line.as_bytes()) {
                        let event = event.expect("valid JSON");
                        alerts += engine
                            .audit_alerts(&event, jiff::Timestamp::UNIX_EPOCH)
                            .len();
                    }
                }
                black_box(alerts)
            });
        },
    );
    group.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
