//! Integration tests of the `custody` binary. One test binary for the crate: add modules here.
#![expect(
    clippy::unwrap_used,
    reason = "test support code: a failed unwrap is a failed test"
)]

mod admission;
mod admission_images;
mod admission_manifests;
mod blob;
mod commits;
mod common;
mod db;
mod file_scan;
mod formats;
mod help;
mod image;
mod key;
mod kyverno;
mod policy;
mod runtime;
mod scan;
mod sign_image;
mod targets;
mod version;
