//! Parses arbitrary bytes as a `Cargo.lock`: an error is fine, a panic is a bug, every record
//! has a name and a version and provides its `name@version`, and every dependency names a
//! record of the same file.
#![no_main]

use custody_inventory::{DatabaseKind, parse_database};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(records) = parse_database(DatabaseKind::CargoLock, data) else {
        return;
    };
    for record in &records {
        assert!(!record.name.is_empty() && !record.version.is_empty());
        assert_eq!(
            record.provides,
            [format!("{}@{}", record.name, record.version)]
        );
    }
    for dependency in records.iter().flat_map(|record| &record.depends) {
        assert!(
            records
                .iter()
                .any(|record| record.provides.contains(dependency)),
            "{dependency}"
        );
    }
});
