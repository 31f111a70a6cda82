//! Parses arbitrary bytes as a Dart `pubspec.lock`: an error is fine, a panic is a bug, every
//! record has a name and a version, and only a direct dependency can be dev-only (pub marks
//! `direct dev`, never a transitive one).
#![no_main]

use custody_inventory::{DatabaseKind, parse_database};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(records) = parse_database(DatabaseKind::PubspecLock, data) else {
        return;
    };
    for record in &records {
        assert!(!record.name.is_empty() && !record.version.is_empty());
        assert!(!record.scope.dev || record.scope.direct == Some(true));
    }
});
