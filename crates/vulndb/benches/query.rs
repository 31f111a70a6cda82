//! Matching a 1,000-package inventory against a database of 200,000 synthetic advisories
//! (issue #3: under 50 ms warm). The database is generated once, through a zip archive and the
//! real importer; then each iteration looks up every package (`lookup_…`) and, in the second
//! benchmark, runs the real matcher over a 1,000-package inventory (`match_inventory_…`).
#![expect(
    clippy::unwrap_used,
    reason = "benchmark setup: any failure should abort the run"
)]

use std::hint::black_box;
use std::io::Write as _;
use std::path::Path;
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use custody_model::{Distro, Ecosystem, Inventory, Package, Purl, TargetInfo, TargetKind};
use custody_vulndb::{Database, NoImportReporter, ecosystem_key, match_inventory, normalize_name};
use zip::write::SimpleFileOptions;

const ADVISORIES: usize = 200_000;
/// Packages per ecosystem: about four advisories per package.
const PACKAGES: usize = 8_000;
const INVENTORY: usize = 1_000;
const ECOSYSTEMS: [&str; 6] = ["PyPI", "npm", "Go", "crates.io", "Maven", "Debian:12"];

/// The name of package `index` in `ecosystem`, shaped like the ecosystem's names.
fn package_name(ecosystem: &str, index: usize) -> String {
    match ecosystem {
        "PyPI" => format!("Package_{index}"),
        "npm" => format!("@scope{}/pkg-{index}", index % 50),
        "Go" => format!("github.com/org{}/mod{index}", index % 100),
        "crates.io" => format!("crate-{index}"),
        "Maven" => format!("org.example{}:artifact-{index}", index % 20),
        _ => format!("src{index}"),
    }
}

/// Advisory `index`: one affected package, two intervals, eight listed versions, aliases,
/// a CVSS vector, GitHub's severity and three references, like a typical GHSA record.
fn advisory(index: usize) -> String {
    let ecosystem = ECOSYSTEMS[index % ECOSYSTEMS.len()];
    let name = package_name(ecosystem, (index / ECOSYSTEMS.len()) % PACKAGES);
    let major = index % 5;
    let versions: Vec<String> = (0..8)
        .map(|patch| format!("\"{major}.1.{patch}\""))
        .collect();
    format!(
        r#"{{"schema_version": "1.6.0", "id": "SYN-{index:06}", "modified": "2024-05-01T00:00:00Z",
  "published": "2024-04-01T00:00:00Z", "aliases": ["CVE-2024-{index}", "GHSA-syn-{index}"],
  "summary": "Synthetic advisory {index} for {name}",
  "details": "A long description that the database does not keep.",
  "severity": [{{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}}],
  "affected": [{{"package": {{"ecosystem": "{ecosystem}", "name": "{name}"}},
    "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "{major}.0.0"}}, {{"fixed": "{major}.2.0"}},
                 {{"introduced": "{major}.5.0"}}, {{"fixed": "{major}.5.3"}}]}}],
    "versions": [{versions}]}}],
  "references": [{{"type": "ADVISORY", "url": "https://example.invalid/advisories/{index}"}},
                 {{"type": "FIX", "url": "https://example.invalid/fix/{index}"}},
                 {{"type": "WEB", "url": "https://example.invalid/web/{index}"}}],
  "database_specific": {{"severity": "HIGH", "cwe_ids": ["CWE-79"]}}}}"#,
        versions = versions.join(", ")
    )
}

#[expect(
    clippy::print_stderr,
    reason = "the benchmark reports how the database was built beside criterion's timings"
)]
fn build(dir: &Path) -> Database {
    let started = Instant::now();
    let archive = dir.join("synthetic.zip");
    let mut writer = zip::ZipWriter::new(fs_err::File::create(&archive).unwrap());
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for index in 0..ADVISORIES {
        writer
            .start_file(format!("SYN-{index:06}.json"), options)
            .unwrap();
        writer.write_all(advisory(index).as_bytes()).unwrap();
    }
    writer.finish().unwrap();
    let written = started.elapsed();
    let importing = Instant::now();
    let mut database = Database::open_or_create(dir.join("synthetic.sqlite")).unwrap();
    let summary = database.import(&[&archive], &NoImportReporter).unwrap();
    assert_eq!(summary.imported, ADVISORIES as u64);
    let info = database.info().unwrap();
    eprintln!(
        "synthetic database: {} advisories, zip written in {written:?}, imported in {:?}, \
         {} KiB",
        info.advisories,
        importing.elapsed(),
        info.file_size / 1024
    );
    Database::open(dir.join("synthetic.sqlite")).unwrap()
}

/// 1,000 (ecosystem, release, name) triples that all have advisories, names as an inventory
/// spells them (PyPI names not yet normalized).
fn inventory() -> Vec<(&'static str, Option<&'static str>, String)> {
    (0..INVENTORY)
        .map(|index| {
            let ecosystem = ECOSYSTEMS[index % ECOSYSTEMS.len()];
            let release = ecosystem.split_once(':').map(|(_, release)| release);
            (
                ecosystem,
                release,
                package_name(ecosystem, (index * 7) % PACKAGES),
            )
        })
        .collect()
}

fn query(criterion: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let database = build(dir.path());
    let inventory = inventory();

    criterion.bench_function("lookup_1000_packages_200k_advisories", |bencher| {
        bencher.iter(|| {
            let mut rows = 0;
            for (ecosystem, release, name) in black_box(&inventory) {
                let records = database
                    .affected(
                        &ecosystem_key(ecosystem),
                        *release,
                        &normalize_name(ecosystem, name),
                    )
                    .unwrap();
                rows += records.len();
            }
            black_box(rows)
        });
    });

    // The real matcher over a real inventory: source-package lookups for the Debian
    // packages, each ecosystem's own comparator, alias merging and ratings.
    let packages = model_inventory(&inventory);
    criterion.bench_function("match_inventory_1000_packages_200k_advisories", |bencher| {
        bencher.iter(|| {
            let matches = match_inventory(&database, black_box(&packages)).unwrap();
            black_box(matches.findings.len())
        });
    });
}

/// The benchmark's packages as an [`Inventory`], installed at version 1.5.1 (inside each
/// synthetic advisory's first interval for major 1).
fn model_inventory(packages: &[(&str, Option<&str>, String)]) -> Inventory {
    let packages = packages
        .iter()
        .map(|(ecosystem, _, name)| {
            let kind = match *ecosystem {
                "PyPI" => Ecosystem::Pypi,
                "npm" => Ecosystem::Npm,
                "Go" => Ecosystem::Golang,
                "crates.io" => Ecosystem::Cargo,
                "Maven" => Ecosystem::Maven,
                _ => Ecosystem::Deb,
            };
            let purl = Purl::from_canonical(format!("pkg:{kind}/{name}@1.5.1"));
            Package::new(kind, name, "1.5.1", purl)
        })
        .collect();
    Inventory {
        schema_version: Inventory::SCHEMA_VERSION,
        target: TargetInfo {
            kind: TargetKind::Rootfs,
            name: "bench".into(),
            image: None,
        },
        distro: Some(Distro::new("debian", Some("12".into()))),
        packages,
        dependencies: Vec::new(),
        warnings: Vec::new(),
    }
}

criterion_group!(benches, query);
criterion_main!(benches);
