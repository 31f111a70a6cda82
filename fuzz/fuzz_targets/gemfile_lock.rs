//! Parses arbitrary bytes as each Ruby format (Bundler's `Gemfile.lock` and an installed
//! gem's `specifications/*.gemspec`): an error is fine, a panic is a bug, every record has a
//! name and a version, and an installed specification is at most one gem.
#![no_main]

use custody_inventory::{DatabaseKind, parse_database};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in [DatabaseKind::GemfileLock, DatabaseKind::Gemspec] {
        let Ok(records) = parse_database(kind, data) else {
            continue;
        };
        assert!(
            records
                .iter()
                .all(|record| !record.name.is_empty() && !record.version.is_empty())
        );
        if kind == DatabaseKind::Gemspec {
            assert!(records.len() <= 1);
        }
    }
});
