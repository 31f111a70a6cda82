//! Parses arbitrary text as an image reference, as `custody sign` and `custody verify` do: an
//! error is fine, a panic is a bug. A reference custody accepts must be one oci-client's own
//! (regex) parser accepts and reads the same (custody's grammar is the same, ASCII only), and it
//! must re-render to text that parses back to the same reference and renders the same again.
#![no_main]

use custody_sign::oci::fuzzing::parse_reference;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(ours) = parse_reference(text) else {
        return;
    };
    // oci-client's `Reference: FromStr` is its regex parser; the type is inferred from `ours`.
    let theirs = text.parse().ok();
    assert_eq!(theirs.as_ref(), Some(&ours), "{text:?}");
    let whole = ours.whole();
    let again = parse_reference(&whole).expect("custody reads the reference it renders");
    assert_eq!(again, ours, "{text:?} rendered as {whole:?}");
    assert_eq!(again.whole(), whole);
});
