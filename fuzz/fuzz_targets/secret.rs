//! Scans arbitrary bytes with every built-in secret rule (Kubernetes Secret manifests
//! included): findings are fine, panics are bugs, every finding names an existing line and
//! column, and no finding carries more than the masked prefix of what it matched.
#![no_main]

use std::sync::LazyLock;

use custody_secret::{Config, Scanner, builtin_rules};
use libfuzzer_sys::fuzz_target;

static SCANNER: LazyLock<Scanner> = LazyLock::new(|| {
    Scanner::new(
        builtin_rules().expect("the built-in rules compile"),
        &Config::default(),
    )
    .expect("the built-in scanner builds")
});

fuzz_target!(|bytes: &[u8]| {
    let scan = SCANNER.scan("fuzz.txt", bytes);
    let lines: Vec<&[u8]> = bytes.split(|&byte| byte == b'\n').collect();
    for finding in &scan.findings {
        let line = finding
            .line
            .checked_sub(1)
            .and_then(|index| lines.get(index))
            .unwrap_or_else(|| panic!("line out of range: {finding:?}"));
        assert!(finding.column >= 1 && finding.column <= line.len() + 1, "{finding:?}");
        assert!(finding.masked.ends_with("****"), "{finding:?}");
    }
});
