//! custody-version's integration tests: one binary, one module per concern.

mod api;
mod conformance;
mod corpus;
mod properties;
