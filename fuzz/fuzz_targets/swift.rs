//! Parses arbitrary bytes as a Swift Package Manager `Package.resolved` and as a `CocoaPods`
//! `Podfile.lock`: an error is fine, a panic is a bug, every record has a name and a version,
//! and a pod is named by its root spec and never depends on itself.
#![no_main]

use custody_inventory::{DatabaseKind, parse_database};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(records) = parse_database(DatabaseKind::PackageResolved, data) {
        assert!(
            records
                .iter()
                .all(|record| !record.name.is_empty() && !record.version.trim().is_empty())
        );
    }
    if let Ok(records) = parse_database(DatabaseKind::PodfileLock, data) {
        for record in &records {
            assert!(!record.name.is_empty() && !record.version.is_empty());
            assert!(!record.name.contains('/'));
            assert!(!record.depends.contains(&record.name));
        }
    }
});
