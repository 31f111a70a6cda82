//! Parses arbitrary bytes as each Go source-tree format (`go.mod`, `go.sum`,
//! `vendor/modules.txt`): an error is fine, a panic is a bug, every record has a name and a
//! version, and every module version is one Go accepts (a `v` and three numbers).
#![no_main]

use custody_inventory::{DatabaseKind, parse_database};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in [
        DatabaseKind::GoMod,
        DatabaseKind::GoSum,
        DatabaseKind::GoVendorModules,
    ] {
        let Ok(records) = parse_database(kind, data) else {
            continue;
        };
        for record in &records {
            assert!(!record.name.is_empty() && !record.version.is_empty());
            if record.name != "stdlib" {
                let numbers = record.version.strip_prefix('v').expect("a `v` prefix");
                let release = numbers.split(['-', '+']).next().unwrap_or_default();
                assert_eq!(release.split('.').count(), 3, "{}", record.version);
            }
        }
    }
});
