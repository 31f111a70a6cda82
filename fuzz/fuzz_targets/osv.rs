//! Parses arbitrary bytes as an OSV record, as JSON and as YAML: an error is fine, a panic is
//! a bug, and a parsed record has an id.
#![no_main]

use custody_vulndb::Advisory;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for advisory in [Advisory::from_json(data), Advisory::from_yaml(data)]
        .into_iter()
        .flatten()
    {
        assert!(!advisory.id.is_empty());
    }
});
