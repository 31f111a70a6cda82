//! Parses two arbitrary strings with every version scheme: errors are fine, panics are bugs,
//! and the order must be antisymmetric and reflexive.
#![no_main]

use custody_version::Scheme;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: (&str, &str)| {
    let (a, b) = data;
    for scheme in Scheme::ALL {
        if let (Ok(left), Ok(right)) = (scheme.parse(a), scheme.parse(b)) {
            assert_eq!(left.cmp(&right), right.cmp(&left).reverse(), "{scheme:?} {a:?} {b:?}");
            assert_eq!(left.cmp(&left), std::cmp::Ordering::Equal);
        }
    }
});
