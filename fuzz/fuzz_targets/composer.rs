//! Parses arbitrary bytes as each Composer format (`composer.lock` and
//! `vendor/composer/installed.json`): an error is fine, a panic is a bug, every record has a
//! name and a version, each name and version is one record, and no dependency is a platform
//! requirement (a name without `/`).
#![no_main]

use std::collections::HashSet;

use custody_inventory::{DatabaseKind, parse_database};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in [DatabaseKind::ComposerLock, DatabaseKind::ComposerInstalled] {
        let Ok(records) = parse_database(kind, data) else {
            continue;
        };
        let mut seen = HashSet::new();
        for record in &records {
            assert!(!record.name.is_empty() && !record.version.is_empty());
            assert!(seen.insert((&record.name, &record.version)));
            assert!(record.depends.iter().all(|name| name.contains('/')));
        }
    }
});
