//! Reads arbitrary bytes as a Java archive, and the same bytes as the manifest,
//! `pom.properties` and nested archive of a well-formed archive (so the fuzzer reaches the
//! metadata parsers and the nesting without first having to find the ZIP format): an error is
//! fine, a panic or an unbounded allocation is a bug, and every record has a name and a
//! version.
#![no_main]

use std::io::{Cursor, Write};

use custody_inventory::{DatabaseKind, parse_database};
use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// A stored ZIP archive with `data` at each of the entry names the Java cataloger reads.
fn wrap(data: &[u8]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    for name in [
        "META-INF/MANIFEST.MF",
        "META-INF/maven/g/a/pom.properties",
        "WEB-INF/lib/nested-1.0.jar",
    ] {
        writer.start_file(name, options).expect("writing to memory");
        writer.write_all(data).expect("writing to memory");
    }
    writer.finish().expect("writing to memory").into_inner()
}

fuzz_target!(|data: &[u8]| {
    for archive in [data.to_vec(), wrap(data)] {
        let Ok(records) = parse_database(DatabaseKind::JavaArchive, &archive) else {
            continue;
        };
        assert!(
            records
                .iter()
                .all(|record| !record.name.is_empty() && !record.version.is_empty())
        );
    }
});
