//! Reads arbitrary bytes as a cosign simple-signing payload (a legacy `.sig` layer), as
//! `custody verify` does: an error is fine, a panic is a bug. A payload that reads, written
//! again by custody (when its `optional` values are strings, as `-a key=value` makes them),
//! reads back the same; and the payload custody writes for any reference, digest and
//! annotations reads back exactly those.
#![no_main]

use std::collections::BTreeMap;

use custody_sign::oci::fuzzing::{read_simple_signing, write_simple_signing};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], String, String, BTreeMap<String, String>)| {
    let (data, name, digest, annotations) = input;
    if let Ok((reference, read_digest, optional)) = read_simple_signing(data) {
        let strings: Option<BTreeMap<String, String>> = optional
            .iter()
            .flatten()
            .map(|(key, value)| value.as_str().map(|value| (key.clone(), value.to_owned())))
            .collect();
        if let Some(strings) = strings {
            let again =
                read_simple_signing(&write_simple_signing(&reference, &read_digest, &strings))
                    .expect("custody reads the payload it writes");
            assert_eq!(again.0, reference);
            assert_eq!(again.1, read_digest);
            assert_eq!(again.2.unwrap_or_default(), optional.unwrap_or_default());
        }
    }

    let payload = write_simple_signing(&name, &digest, &annotations);
    let (reference, read_digest, optional) =
        read_simple_signing(&payload).expect("custody reads the payload it writes");
    assert_eq!(reference, name);
    assert_eq!(read_digest, digest);
    let optional: BTreeMap<String, String> = optional
        .into_iter()
        .flatten()
        .map(|(key, value)| (key, value.as_str().expect("written as a string").to_owned()))
        .collect();
    assert_eq!(optional, annotations);
});
