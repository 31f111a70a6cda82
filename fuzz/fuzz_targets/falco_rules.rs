//! Loads arbitrary text as two Falco rules files in a row (the second may append to or
//! override the first): any errors are fine, a panic or a runaway allocation is a bug.
//! Invariants: loading stops at a file's first error, positions stay inside the text, and a
//! rule's condition is its base condition, parenthesized when exceptions follow.
#![no_main]

use custody_runtime::rules::RuleSet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let (first, second) = text.split_at(text.floor_char_boundary(text.len() / 2));
    let mut rules = RuleSet::new();
    let loaded = [
        rules.load_str("a.yaml", first),
        rules.load_str("b.yaml", second),
    ];
    let failed = loaded.iter().filter(|ok| !**ok).count();
    assert_eq!(rules.errors().len(), failed);
    // YAML breaks lines at `\r\n`, `\n` and a lone `\r`: at most one line per `\r` or `\n`.
    let breaks = text.bytes().filter(|byte| matches!(byte, b'\r' | b'\n')).count();
    let lines = u32::try_from(breaks).unwrap_or(u32::MAX);
    for error in rules.errors() {
        assert!(error.location.position.line <= lines.saturating_add(1));
    }
    let mut names = std::collections::HashSet::new();
    for rule in rules.rules() {
        assert!(names.insert(rule.name.as_str()));
        if rule.exceptions.is_empty() {
            assert_eq!(rule.condition, rule.base_condition);
        } else {
            assert!(
                rule.condition
                    .starts_with(&format!("({})", rule.base_condition))
            );
        }
    }
});
