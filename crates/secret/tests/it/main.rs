//! Integration tests of custody-secret: one binary, one module per concern.

mod config;
mod manifest;
mod review;
mod rules;
mod scanner;
mod support;
