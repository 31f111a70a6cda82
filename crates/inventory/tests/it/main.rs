//! custody-inventory's integration tests: one binary, one module per cataloger.
#![expect(
    clippy::unwrap_used,
    reason = "test support code: a failed unwrap is a failed test"
)]

mod binary;
mod npm;
mod python;
mod rpm;
// Shared by the table-driven lockfile tests (Go, Rust, Ruby, PHP, .NET, Elixir, Dart, Swift,
// Conan, Java).
mod cases;
mod conan;
mod dart;
mod dotnet;
mod elixir;
mod go;
mod java;
mod php;
mod ruby;
mod rust;
mod source_tree;
mod swift;

use std::path::PathBuf;

/// `folder` of the conformance corpus: under `CUSTODY_CONFORMANCE_DIR`, or
/// `../shared/conformance` next to the repository. Fails when missing: conformance tests
/// never skip.
fn conformance(folder: &str) -> PathBuf {
    let root = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/conformance"
            ))
        },
        PathBuf::from,
    );
    let folder = root.join(folder);
    assert!(
        folder.is_dir(),
        "conformance corpus missing: {} is not a directory (set CUSTODY_CONFORMANCE_DIR)",
        folder.display()
    );
    folder
}
