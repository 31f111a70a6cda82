//! Parses arbitrary bytes as a package database: an error is fine, a panic is a bug, and every
//! record must have a name.
#![no_main]

use custody_inventory::{DatabaseKind, parse_database};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(records) = parse_database(DatabaseKind::DpkgStatus, data) {
        assert!(records.iter().all(|record| !record.name.is_empty()));
    }
});
