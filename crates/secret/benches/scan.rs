//! Throughput of [`Scanner::scan`] over a generated source tree: 2,000 files of Rust-, YAML-
//! and JavaScript-like text (20 MiB in all) with a few planted secrets, reported in MB/s.
//! Run with `cargo bench -p custody-secret --bench scan`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use custody_secret::{Config, Scanner, builtin_rules};

/// Lines typical of source files, including keywords that trigger regexes without matching
/// (`password`, `secret`, URLs, `eyJ`), so the benchmark pays for near-misses too.
const LINES: &[&str] = &[
    "    let password = config.get(\"password\").unwrap_or_default();",
    "fn handle(request: &Request) -> Result<Response, Error> {",
    "    // See https://docs.example.test/api for the secret rotation policy.",
    "  image: registry.example.test/team/app:1.2.3",
    "const url = `https://${host}:${port}/v1/items?limit=${limit}`;",
    "        assert_eq!(parse(\"eyJ\"), None, \"not a token\");",
    "    apiVersion: apps/v1",
    "import { createClient } from './client.js';",
    "    for (index, item) in items.iter().enumerate() {",
    "      secretKeyRef: { name: db, key: password }",
    "}",
];

/// A file of about 10 KiB; every 500th file carries a synthetic token.
fn file(index: usize) -> String {
    let mut text = String::with_capacity(10 * 1024);
    let mut line = index;
    while text.len() < 10 * 1024 {
        text.push_str(LINES[line % LINES.len()]);
        text.push('\n');
        line = line.wrapping_mul(31).wrapping_add(7);
    }
    if index.is_multiple_of(500) {
        let token = [
            "gh",
            "p_",
            &format!("{index:0>6}"),
            "Zx8Qw2Lm4Rt6Yu0Io3Pa5Sd7Fg9Hk1",
        ]
        .concat();
        text.push_str("token = \"");
        text.push_str(&token);
        text.push_str("\"\n");
    }
    text
}

fn scan_tree(criterion: &mut Criterion) {
    let scanner = Scanner::new(
        builtin_rules().expect("built-in rules compile"),
        &Config::default(),
    )
    .expect("built-in keywords build an automaton");
    let files: Vec<(String, String)> = (0..2000)
        .map(|index| (format!("src/module_{index}.rs"), file(index)))
        .collect();
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    let mut group = criterion.benchmark_group("secret");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(10);
    group.bench_function("scan_generated_tree_20MiB", |bencher| {
        bencher.iter(|| {
            let mut findings = 0;
            for (path, text) in &files {
                findings += scanner
                    .scan(path, black_box(text.as_bytes()))
                    .findings
                    .len();
            }
            assert_eq!(findings, 4, "one planted token per 500 files");
            findings
        });
    });
    group.finish();
}

criterion_group!(benches, scan_tree);
criterion_main!(benches);
