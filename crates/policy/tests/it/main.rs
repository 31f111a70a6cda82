//! Integration tests of custody-policy: one binary, one module per engine.

mod kyverno_autogen;
mod kyverno_condition;
mod kyverno_jmespath;
mod kyverno_matching;
mod kyverno_mutate;
mod kyverno_pattern;
mod kyverno_tests;
mod kyverno_variables;
mod kyverno_verify_images;
mod pss;

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

/// The `.yaml`/`.yml` files under `directory`, hidden test folders included.
fn collect_yaml(directory: &Path, files: &mut Vec<PathBuf>) {
    for entry in fs_err::read_dir(directory).expect("corpus folder is readable") {
        let path = entry.expect("corpus entry is readable").path();
        if path.is_dir() {
            collect_yaml(&path, files);
        } else if path
            .extension()
            .is_some_and(|extension| extension == "yaml" || extension == "yml")
        {
            files.push(path);
        }
    }
}
