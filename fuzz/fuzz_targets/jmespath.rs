//! Evaluates an arbitrary JMESPath expression, with Kyverno's functions, against an arbitrary
//! JSON document, and substitutes an arbitrary policy fragment's `{{ ... }}` variables and
//! `$(...)` references from that document: errors are fine, a panic or a hang is a bug.
//!
//! Invariants: an expression [`compile`] rejects never evaluates, and a fragment without
//! variables substitutes to itself.
#![no_main]

use custody_policy::kyverno::jmespath::{compile, search};
use custody_policy::kyverno::variables::{check, has_variables, substitute};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

fuzz_target!(|data: (&str, &str, &str)| {
    let (expression, document, fragment) = data;
    // Not JSON: the text itself is the document, so every input still evaluates.
    let document = serde_json::from_str::<Value>(document)
        .unwrap_or_else(|_| Value::String(document.to_owned()));
    let searched = search(expression, &document);
    if compile(expression).is_err() {
        assert!(
            searched.is_err(),
            "{expression:?} does not compile but evaluates"
        );
    }
    // The fragment as a string value, and as a key with itself below it (keys substitute too).
    for fragment in [
        Value::String(fragment.to_owned()),
        json!({ fragment: [fragment] }),
    ] {
        let _ = check(&fragment);
        let substituted = substitute(&fragment, &document);
        if !has_variables(&fragment) {
            assert_eq!(substituted.as_ref().ok(), Some(&fragment));
        }
    }
});
