//! custody-misconfig integration tests: one module per file kind, each check with a Dockerfile
//! or manifest that fails it and one that passes.

mod dockerfile;
mod kubernetes;
