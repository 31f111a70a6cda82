//! Feeds arbitrary bytes to the layer reader as a layer blob (plain, gzip or zstd by magic):
//! it must return results or an error, never panic, and never report a path that leaves the
//! image root.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(paths) = custody_artifact::fuzzing::layer_paths(data) {
        for path in paths {
            assert!(!path.starts_with('/'), "{path}");
            assert!(!path.split('/').any(|segment| segment == ".."), "{path}");
        }
    }
});
