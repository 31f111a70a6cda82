//! Integration tests of the `custody` binary. One test binary for the crate: add modules here.
#![expect(
    clippy::unwrap_used,
    reason = "test support code: a failed unwrap is a failed test"
)]

mod common;
mod db;
mod formats;
mod help;
mod image;
mod scan;
mod targets;
mod version;
