//! Elixir and Erlang `mix.lock` (Hex): every fixture of the corpus's three `mix.lock` folders,
//! compared through the shared [`cases`] runner with the packages the upstream Go tests
//! expect, plus the dependency edges of the largest fixture.
//!
//! Expectations come from osv-scalibr `extractor/filesystem/language/elixir/mixlock/
//! mixlock_test.go` and `erlang/mixlock/mixlock_test.go`, and osv-scanner
//! `pkg/lockfile/parse-mix-lock_test.go` (the Erlang and osv-scanner folders hold the same
//! files). Upstream reports git dependencies with an empty version and the commit beside it;
//! custody's version is the commit (see `lang/elixir/mod.rs`).

use custody_inventory::{DatabaseKind, PackageRecord, parse_database};
use custody_model::Ecosystem;

use crate::cases::{self, Case, Expected::Packages};

const ELIXIR: &str = "osv-scalibr/extractor/filesystem/language/elixir/mixlock/testdata";
const ERLANG: &str = "osv-scalibr/extractor/filesystem/language/erlang/mixlock/testdata";
const LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures/mix";

const MIX: DatabaseKind = DatabaseKind::MixLock;

const MANY: &[(&str, &str)] = &[
    ("backoff", "1.1.6"),
    ("decimal", "2.0.0"),
    ("dialyxir", "1.1.0"),
    ("earmark", "1.4.3"),
    ("earmark_parser", "1.4.10"),
    ("ecto", "3.5.5"),
    ("erlex", "0.2.6"),
    ("ex_doc", "0.23.0"),
    ("makeup", "1.0.5"),
    ("makeup_elixir", "0.15.0"),
    ("meck", "0.9.2"),
    ("mime", "1.5.0"),
    ("nimble_parsec", "1.1.0"),
    ("phoenix", "1.4.17"),
    ("phoenix_html", "2.14.3"),
    ("phoenix_pubsub", "1.1.2"),
    ("plug", "1.11.1"),
    ("plug_crypto", "1.2.2"),
    ("poolboy", "1.5.2"),
    ("pow", "1.0.15"),
    ("telemetry", "0.4.2"),
];

/// Every fixture and what parsing it gives; the Erlang and osv-scanner folders share a table.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    let mut cases = vec![
        (ELIXIR, "valid", MIX, Packages(&[("bunt", "1.0.0"), ("certifi", "2.12.0")])),
        // `"certifi": {:hex, },` is a corrupt entry: skipped, the rest still read.
        (ELIXIR, "invalid", MIX, Packages(&[("bunt", "1.0.0")])),
        (ELIXIR, "empty", MIX, Packages(&[])),
    ];
    for folder in [ERLANG, LEGACY] {
        cases.extend([
            (folder, "empty.lock", MIX, Packages(&[])),
            (folder, "one-package.lock", MIX, Packages(&[("plug", "1.11.1")])),
            (folder, "two-packages.lock", MIX, Packages(&[
                ("plug", "1.11.1"), ("plug_crypto", "1.2.2"),
            ])),
            (folder, "many.lock", MIX, Packages(MANY)),
            // deviation: upstream's version is "" with the commit beside it.
            (folder, "git.lock", MIX, Packages(&[
                ("foe", "a9574ab75d6ed01e1288c453ae1d943d7a964595"),
                ("foo", "fc94cce7830fa4dc455024bc2a83720afe244531"),
                ("bar", "bef3ee1d3618017061498b96c75043e8449ef9b5"),
            ])),
        ]);
    }
    cases
}

#[test]
fn mix_lock_fixtures_match_upstream_expectations() {
    let (passed, excluded) = cases::run(Ecosystem::Hex, &[ELIXIR, ERLANG, LEGACY], &[], &cases());
    assert_eq!((passed, excluded), (13, 0));
}

#[test]
fn truncated_mix_locks_never_panic() {
    cases::truncations_never_panic(&[ELIXIR, ERLANG, LEGACY], |_| Some(MIX));
}

/// The records of a fixture, which must parse.
fn records(path: &str) -> Vec<PackageRecord> {
    let content = fs_err::read(crate::conformance("lockfiles").join(path)).unwrap();
    parse_database(MIX, &content).unwrap()
}

/// Edges read from many.lock's dependency lists (`hex: :name` of each dependency tuple).
/// Optional dependencies the file does not lock (`jason`, `plug_cowboy`) are named, and
/// simply resolve to nothing.
#[test]
fn many_lock_dependencies_follow_the_dependency_lists() {
    let records = records(&format!("{LEGACY}/many.lock"));
    let depends = |name: &str| -> Vec<String> {
        records
            .iter()
            .find(|record| record.name == name)
            .unwrap()
            .depends
            .clone()
    };
    assert_eq!(depends("dialyxir"), ["erlex"]);
    assert_eq!(depends("ecto"), ["decimal", "jason", "telemetry"]);
    assert_eq!(
        depends("phoenix"),
        [
            "jason",
            "phoenix_pubsub",
            "plug",
            "plug_cowboy",
            "telemetry"
        ]
    );
    assert_eq!(depends("pow"), ["ecto", "phoenix", "phoenix_html", "plug"]);
    assert!(depends("backoff").is_empty());
}
