//! Parses arbitrary bytes as each rpm database format (Berkeley DB, NDB, SQLite): an error is
//! fine, a panic is a bug, and every record must have a name.
#![no_main]

use custody_inventory::{DatabaseKind, parse_database};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in [DatabaseKind::RpmBerkeleyDb, DatabaseKind::RpmNdb, DatabaseKind::RpmSqlite] {
        if let Ok(records) = parse_database(kind, data) {
            assert!(records.iter().all(|record| !record.name.is_empty()));
        }
    }
});
