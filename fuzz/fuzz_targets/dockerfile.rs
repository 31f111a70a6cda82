//! Scans arbitrary text as a Dockerfile and recognises it by content: findings are fine,
//! panics are bugs, and every finding points at a line that exists.
#![no_main]

use std::path::Path;

use custody_misconfig::{is_dockerfile, scan_dockerfile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = is_dockerfile(Path::new("recipe"), text.as_bytes());
    let line_count = text.split('\n').count();
    for finding in scan_dockerfile("Dockerfile", text) {
        let line = usize::try_from(finding.line).expect("u32 fits usize");
        assert!((1..=line_count).contains(&line), "{finding:?}");
    }
});
