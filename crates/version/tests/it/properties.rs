//! Order properties of every scheme over every distinct version in the corpus: reflexive,
//! antisymmetric and transitive, so that `Version: Ord` is a total order and sorting never
//! misbehaves. Deterministic, without extra crates.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use custody_version::{Scheme, Version};

use crate::corpus;

/// Every distinct corpus version, parsed, per scheme.
fn versions_by_scheme() -> BTreeMap<Scheme, Vec<Version>> {
    let mut texts: BTreeMap<Scheme, Vec<String>> = BTreeMap::new();
    for file in corpus::load() {
        for ecosystem in &file.ecosystems {
            let entry = texts.entry(ecosystem.scheme()).or_default();
            for case in &file.cases {
                if let Ok((a, _, b)) = &case.comparison {
                    entry.push(a.clone());
                    entry.push(b.clone());
                }
            }
        }
    }
    texts
        .into_iter()
        .map(|(scheme, mut texts)| {
            texts.sort_unstable();
            texts.dedup();
            let versions = texts
                .iter()
                .map(|text| {
                    scheme
                        .parse(text)
                        .unwrap_or_else(|error| panic!("corpus version must parse: {error}"))
                })
                .collect();
            (scheme, versions)
        })
        .collect()
}

/// A merge sort that never panics, whatever the comparison does.
fn merge_sort(versions: &[Version]) -> Vec<&Version> {
    let mut sorted: Vec<&Version> = versions.iter().collect();
    let mut width = 1;
    while width < sorted.len() {
        let mut merged = Vec::with_capacity(sorted.len());
        for chunk in sorted.chunks(2 * width) {
            let (left, right) = chunk.split_at(width.min(chunk.len()));
            let (mut i, mut j) = (0, 0);
            while let (Some(a), Some(b)) = (left.get(i), right.get(j)) {
                if b.cmp(a) == Ordering::Less {
                    merged.push(*b);
                    j += 1;
                } else {
                    merged.push(*a);
                    i += 1;
                }
            }
            merged.extend_from_slice(left.get(i..).unwrap_or_default());
            merged.extend_from_slice(right.get(j..).unwrap_or_default());
        }
        sorted = merged;
        width *= 2;
    }
    sorted
}

/// Checks that `versions` are totally ordered; returns what is wrong, if anything.
fn total_order_problems(scheme: Scheme, versions: &[Version]) -> Vec<String> {
    let mut problems = Vec::new();
    // Reflexive and antisymmetric, over all pairs.
    for (index, a) in versions.iter().enumerate() {
        if a.cmp(a) != Ordering::Equal {
            problems.push(format!("{scheme}: `{a}` is not equal to itself"));
        }
        for b in versions.get(index + 1..).unwrap_or_default() {
            if a.cmp(b) != b.cmp(a).reverse() {
                problems.push(format!(
                    "{scheme}: `{a}` vs `{b}` is {:?} but `{b}` vs `{a}` is {:?}",
                    a.cmp(b),
                    b.cmp(a)
                ));
            }
        }
    }

    // Transitive, over all triples at once: sort, group equal neighbours into classes, and
    // check every pair against the arrangement. Any cycle or inconsistent equality shows up as
    // a pair whose comparison disagrees with its position.
    let sorted = merge_sort(versions);
    let mut classes = Vec::with_capacity(sorted.len());
    let mut class = 0_usize;
    for (index, version) in sorted.iter().enumerate() {
        if let Some(previous) = index.checked_sub(1).and_then(|i| sorted.get(i))
            && previous.cmp(version) != Ordering::Equal
        {
            class += 1;
        }
        classes.push(class);
    }
    for (i, (a, class_a)) in sorted.iter().zip(&classes).enumerate() {
        for (b, class_b) in sorted.iter().zip(&classes).skip(i + 1) {
            let expected = if class_a == class_b {
                Ordering::Equal
            } else {
                Ordering::Less
            };
            if a.cmp(b) != expected {
                problems.push(format!(
                    "{scheme}: not transitive around `{a}` and `{b}`: sorted apart as \
                     {expected:?}, compare {:?}",
                    a.cmp(b)
                ));
            }
        }
    }

    // And the definition itself, over a deterministic sample of triples.
    let count = versions.len();
    if count == 0 {
        return problems;
    }
    let mut random = Random::new(0x2545_f491_4f6c_dd1d);
    let samples = count.pow(3).min(50_000);
    for _ in 0..samples {
        let (Some(a), Some(b), Some(c)) = (
            versions.get(random.below(count)),
            versions.get(random.below(count)),
            versions.get(random.below(count)),
        ) else {
            continue;
        };
        let (ab, bc, ac) = (a.cmp(b), b.cmp(c), a.cmp(c));
        let holds = match (ab, bc) {
            (Ordering::Equal, other) | (other, Ordering::Equal) => ac == other,
            (Ordering::Less, Ordering::Less) => ac == Ordering::Less,
            (Ordering::Greater, Ordering::Greater) => ac == Ordering::Greater,
            _ => true,
        };
        if !holds {
            problems.push(format!(
                "{scheme}: `{a}` {ab:?} `{b}`, `{b}` {bc:?} `{c}`, but `{a}` {ac:?} `{c}`"
            ));
        }
    }
    problems
}

/// A xorshift generator: deterministic, so failures reproduce.
struct Random(u64);

impl Random {
    fn new(seed: u64) -> Self {
        Self(seed)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `bound` (which is not zero).
    fn below(&mut self, bound: usize) -> usize {
        usize::try_from(self.next() % bound as u64).unwrap_or(0)
    }
}

#[test]
fn every_scheme_is_a_total_order_on_the_corpus() {
    let by_scheme = versions_by_scheme();
    assert!(
        !by_scheme.is_empty(),
        "the version corpus holds no versions"
    );
    let mut problems = Vec::new();
    for (scheme, versions) in &by_scheme {
        problems.extend(total_order_problems(*scheme, versions));
        println!(
            "{scheme}: {} distinct corpus versions checked",
            versions.len()
        );
    }
    problems.truncate(50);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Pieces that hostile and odd versions are made of: every scheme's separators and keywords.
const PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "9",
    "10",
    "007",
    "99999999999999999999999",
    ".",
    ".",
    ".",
    "-",
    "-",
    "_",
    "+",
    "~",
    "^",
    ":",
    "!",
    "#",
    " ",
    "v",
    "r",
    "p",
    "a",
    "b",
    "m",
    "c",
    "x",
    "A",
    "RC",
    "rc",
    "cr",
    "alpha",
    "beta",
    "pre",
    "preview",
    "post",
    "rev",
    "dev",
    "sp",
    "ga",
    "final",
    "release",
    "snapshot",
    "pl",
    "patch",
    "cvs",
    "svn",
    "git",
    "hg",
    "-r",
    "_p",
    "é",
    "ß",
    "\u{10000}",
];

/// Pieces of versions that the strict schemes (`SemVer`, `NuGet`, CRAN, ...) mostly accept.
const STRICT_PIECES: &[&str] = &[
    "0",
    "1",
    "2",
    "10",
    "01",
    "123456789012345678901",
    ".",
    ".",
    ".",
    "-",
    "-",
    "+",
    "a",
    "b",
    "rc",
    "alpha",
    "beta",
    "pre",
    "X",
    "x-y",
];

/// Deterministic generated strings: every scheme must parse or reject them without panicking,
/// and whatever parses must be totally ordered. Maven, apk and Packagist extend their tools'
/// orders to stay total; this is where a cycle would show.
#[test]
fn every_scheme_is_a_total_order_on_generated_versions() {
    let mut random = Random::new(0x9e37_79b9_7f4a_7c15);
    let mut generate = |pieces: &[&str], count: usize| -> Vec<String> {
        (0..count)
            .map(|_| {
                let length = 1 + random.below(7);
                (0..length)
                    .filter_map(|_| pieces.get(random.below(pieces.len())).copied())
                    .collect()
            })
            .collect()
    };
    let mut texts = generate(PIECES, 1000);
    texts.extend(generate(STRICT_PIECES, 1000));
    let mut problems = Vec::new();
    for scheme in Scheme::ALL {
        let versions: Vec<Version> = texts
            .iter()
            .filter_map(|text| scheme.parse(text).ok())
            .collect();
        println!(
            "{scheme}: {} of {} generated strings parsed",
            versions.len(),
            texts.len()
        );
        problems.extend(total_order_problems(scheme, &versions));
    }
    problems.truncate(50);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
