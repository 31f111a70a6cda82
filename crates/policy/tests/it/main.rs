//! Integration tests of custody-policy: one binary, one module per engine.

mod pss;
