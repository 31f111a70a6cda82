//! Comparing parsed versions, the inner loop of matching an installed version against every
//! event of every advisory range; and parsing, which happens once per version.
//!
//! Run with `cargo bench -p custody-version --bench compare`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use custody_version::{Scheme, Version};

/// Realistic version pairs per scheme: the installed version and an advisory's fixed version,
/// chosen so that the comparison has to look past the first component.
const CASES: [(&str, Scheme, &str, &str); 4] = [
    ("dpkg", Scheme::Dpkg, "3.0.11-1~deb12u2", "3.0.11-1~deb12u3"),
    (
        "rpm",
        Scheme::Rpm,
        "1:3.0.7-27.el9_4.2",
        "1:3.0.7-27.el9_4.10",
    ),
    ("pep440", Scheme::Pep440, "2.31.0.post1", "2.31.0rc2.dev4"),
    (
        "semver",
        Scheme::SemVer,
        "4.17.21-beta.10",
        "4.17.21-beta.9",
    ),
];

fn parse(scheme: Scheme, text: &str) -> Version {
    match scheme.parse(text) {
        Ok(version) => version,
        Err(error) => panic!("benchmark input must parse: {error}"),
    }
}

fn compare_parsed(c: &mut Criterion) {
    let mut group = c.benchmark_group("compare_parsed");
    for (name, scheme, installed, fixed) in CASES {
        let installed = parse(scheme, installed);
        let fixed = parse(scheme, fixed);
        group.bench_function(name, |b| {
            b.iter(|| black_box(&installed).cmp(black_box(&fixed)));
        });
    }
    group.finish();
}

fn parse_text(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    for (name, scheme, installed, _) in CASES {
        group.bench_function(name, |b| {
            b.iter(|| scheme.parse(black_box(installed)));
        });
    }
    group.finish();
}

criterion_group!(benches, compare_parsed, parse_text);
criterion_main!(benches);
