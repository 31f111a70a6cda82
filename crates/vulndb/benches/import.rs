//! Importing every OSV record of the conformance corpora (8,209 records: PyPI YAML, crates.io,
//! Go, GitHub and osv.dev JSON) into a fresh database, as `custody db import` does. Issue #3
//! asks for under 5 s; the database file size is printed once.
#![expect(
    clippy::unwrap_used,
    reason = "benchmark setup: any failure should abort the run"
)]

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use custody_vulndb::{Database, NoImportReporter};

/// The corpus folders, as the conformance test imports them.
fn corpora() -> Vec<PathBuf> {
    let root = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/conformance"
            ))
        },
        PathBuf::from,
    );
    let advisories = root.join("advisories");
    assert!(
        advisories.is_dir(),
        "conformance corpus missing at {} (set CUSTODY_CONFORMANCE_DIR)",
        advisories.display()
    );
    [
        "pypa-advisory-database",
        "rustsec-advisory-db/osv-branch",
        "golang-vulndb",
        "github-advisory-database-subset",
        "osv.dev-testdata",
    ]
    .iter()
    .map(|corpus| advisories.join(corpus))
    .collect()
}

#[expect(
    clippy::print_stderr,
    reason = "the benchmark reports the database size beside criterion's timings"
)]
fn report_size(inputs: &[PathBuf]) {
    let dir = tempfile::tempdir().unwrap();
    let mut database = Database::open_or_create(dir.path().join("vulndb.sqlite")).unwrap();
    let summary = database.import(inputs, &NoImportReporter).unwrap();
    let info = database.info().unwrap();
    eprintln!(
        "conformance corpora: {} records imported, {} skipped; database file {} bytes ({} KiB)",
        summary.imported,
        summary.skipped.len(),
        info.file_size,
        info.file_size / 1024
    );
}

fn import(criterion: &mut Criterion) {
    let inputs = corpora();
    report_size(&inputs);
    criterion.bench_function("import_conformance_corpora", |bencher| {
        bencher.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let database = Database::open_or_create(dir.path().join("vulndb.sqlite")).unwrap();
                (dir, database)
            },
            |(dir, mut database)| {
                let summary = database
                    .import(black_box(&inputs), &NoImportReporter)
                    .unwrap();
                black_box(summary);
                (dir, database)
            },
            BatchSize::PerIteration,
        );
    });
}

criterion_group! {
    name = benches;
    // One import takes about a second: ten samples keep the run near a minute.
    config = Criterion::default().sample_size(10).measurement_time(Duration::from_secs(20));
    targets = import
}
criterion_main!(benches);
