//! Integration tests of custody-policy: one binary, one module per engine.

mod kyverno_pattern;
mod pss;
