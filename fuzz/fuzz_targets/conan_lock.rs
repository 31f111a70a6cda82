//! Parses arbitrary bytes as a Conan `conan.lock`, either layout: an error is fine, a panic is
//! a bug, every record has a name and a version, and every dependency names a record of the
//! same file.
#![no_main]

use custody_inventory::{DatabaseKind, parse_database};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(records) = parse_database(DatabaseKind::ConanLock, data) else {
        return;
    };
    assert!(
        records
            .iter()
            .all(|record| !record.name.is_empty() && !record.version.is_empty())
    );
    let provided: Vec<&String> = records.iter().flat_map(|record| &record.provides).collect();
    assert!(
        records
            .iter()
            .flat_map(|record| &record.depends)
            .all(|wanted| provided.contains(&wanted))
    );
});
