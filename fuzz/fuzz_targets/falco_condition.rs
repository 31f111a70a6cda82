//! Parses arbitrary text as a Falco condition and as a list item, and expands what parses:
//! errors are fine, a panic, a hang or a stack overflow is a bug. Invariants: the canonical
//! text of a parsed condition parses again to the same canonical text; expansion where every
//! name is a macro or list referring to itself ends in an error or a result, never a loop;
//! without definitions, a condition without macro references expands to itself.
#![no_main]

use custody_runtime::condition::{Expr, Literal, Span, expand, parse, parse_list_item};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(item) = parse_list_item(text) {
        assert!(item.quoted || !item.text.is_empty());
    }
    let Ok(expr) = parse(text) else {
        return;
    };
    let printed = expr.to_string();
    let reparsed = parse(&printed).expect("canonical text parses");
    assert_eq!(
        reparsed.to_string(),
        printed,
        "canonical text is a fixed point"
    );

    // Every name is a macro standing for the whole condition, and a list holding itself.
    let looping = [Literal {
        text: "loop".to_owned(),
        quoted: false,
        span: Span::new(0, 4),
    }];
    let _ = expand(&expr, &|_: &str| Some(&expr), &|_: &str| Some(&looping[..]));

    let no_macros = |_: &str| -> Option<&Expr> { None };
    let no_lists = |_: &str| -> Option<&[Literal]> { None };
    if let Ok(expanded) = expand(&expr, &no_macros, &no_lists) {
        assert_eq!(expanded.to_string(), printed);
    }
});
