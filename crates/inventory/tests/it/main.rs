//! custody-inventory's integration tests: one binary, one module per cataloger.

mod rpm;
