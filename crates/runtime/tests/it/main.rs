//! Integration tests of custody-runtime: one binary, one module per layer.

mod condition;
mod engine;
mod fields;
mod output;
mod rules;
mod webhook;

use std::path::{Path, PathBuf};

/// One corpus of `CUSTODY_CONFORMANCE_DIR` (default `../shared/conformance` beside the
/// repository); a missing corpus fails the test rather than skipping it.
fn corpus(name: &str) -> PathBuf {
    let root = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
        PathBuf::from,
    );
    let corpus = root.join(name);
    assert!(
        corpus.is_dir(),
        "conformance corpus {name} missing at {}: set CUSTODY_CONFORMANCE_DIR",
        corpus.display()
    );
    corpus
}
