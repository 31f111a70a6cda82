//! Integration tests of custody-admission: one binary, one module per area.

mod manifests;
mod server;
