//! Scans arbitrary bytes as a Kubernetes manifest and recognises them by content: findings
//! and warnings are fine, panics and stack overflows are bugs, and every finding points at a
//! line that exists.
#![no_main]

use std::sync::OnceLock;

use custody_misconfig::{KubernetesScanner, is_kubernetes_manifest};
use libfuzzer_sys::fuzz_target;

/// Built once: compiling the Pod Security Standards per input would dominate the run.
static SCANNER: OnceLock<KubernetesScanner> = OnceLock::new();

fuzz_target!(|bytes: &[u8]| {
    let _ = is_kubernetes_manifest("deploy/app.yaml", bytes);
    let scanner = SCANNER.get_or_init(KubernetesScanner::new);
    // YAML breaks lines at `\n`, `\r\n` and a lone `\r`.
    let line_count = 1 + bytes
        .iter()
        .enumerate()
        .filter(|&(index, &byte)| {
            byte == b'\n' || (byte == b'\r' && bytes.get(index + 1) != Some(&b'\n'))
        })
        .count();
    for finding in scanner.scan("deploy/app.yaml", bytes).findings {
        let line = usize::try_from(finding.line).expect("u32 fits usize");
        assert!((1..=line_count).contains(&line), "{finding:?}");
    }
});
