#!/usr/bin/env bash
# The whole test suite: formatting, lints, docs, dependency policy, unit, integration and
# conformance tests, doctests, and a build of every fuzz target. Run scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
export CUSTODY_CONFORMANCE_DIR=${CUSTODY_CONFORMANCE_DIR:-$PWD/../shared/conformance}
export CUSTODY_PEERS=${CUSTODY_PEERS:-$PWD/.peers}
step() { printf '\n==> %s\n' "$*"; }
step "cargo fmt"
cargo fmt --all --check
step "cargo clippy"
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
step "cargo doc"
RUSTDOCFLAGS="-D warnings" cargo doc --no-deps --document-private-items --workspace --locked
step "cargo deny"
cargo deny --all-features check bans licenses sources
step "fuzz targets build"
cargo build --manifest-path fuzz/Cargo.toml --locked
step "doctests"
cargo test --workspace --doc --locked
step "tests"
cargo nextest run --workspace --locked --no-fail-fast
