//! Parses arbitrary bytes as each Python format (core metadata, requirements files, and the
//! Poetry, Pipenv, PDM, uv and PEP 751 lockfiles): an error is fine, a panic is a bug, and
//! every record must have a name and a version.
#![no_main]

use custody_inventory::{DatabaseKind, parse_database};
use libfuzzer_sys::fuzz_target;

const KINDS: [DatabaseKind; 7] = [
    DatabaseKind::PythonMetadata,
    DatabaseKind::PipRequirements,
    DatabaseKind::PoetryLock,
    DatabaseKind::PipfileLock,
    DatabaseKind::PdmLock,
    DatabaseKind::UvLock,
    DatabaseKind::Pylock,
];

fuzz_target!(|data: &[u8]| {
    for kind in KINDS {
        if let Ok(records) = parse_database(kind, data) {
            assert!(
                records
                    .iter()
                    .all(|record| !record.name.is_empty() && !record.version.is_empty())
            );
        }
    }
});
