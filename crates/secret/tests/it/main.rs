//! Integration tests of custody-secret: one binary, one module per concern.

mod config;
mod rules;
mod scanner;
mod support;
