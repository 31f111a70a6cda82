//! Parses arbitrary bytes as a Mix `mix.lock` through its bounded term tokenizer: an error is
//! fine, a panic or a stack overflow is a bug, and every record is a Hex package with a name,
//! a version and named dependencies.
#![no_main]

use custody_inventory::{DatabaseKind, parse_database};
use custody_model::Ecosystem;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(records) = parse_database(DatabaseKind::MixLock, data) else {
        return;
    };
    for record in &records {
        assert_eq!(record.ecosystem, Ecosystem::Hex);
        assert!(!record.name.is_empty() && !record.version.is_empty());
        assert!(record.depends.iter().all(|name| !name.is_empty()));
    }
});
