//! Parses arbitrary bytes as a `.custodyignore.yaml` file and as an OpenVEX document: an
//! error is fine, a panic is a bug.
#![no_main]

use custody_vulndb::{IgnoreFile, VexDocument};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = IgnoreFile::parse("fuzz.yaml", data);
    let _ = VexDocument::parse("fuzz.openvex.json", data);
});
