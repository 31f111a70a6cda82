//! Feeds arbitrary bytes to every parser of the trust module: a `trusted_root.json`, a leaf
//! certificate and its chain, an embedded SCT list and an RFC 3161 timestamp response. An
//! error is fine, a panic is a bug, and nothing unsigned by the production root verifies.
#![no_main]

use custody_sign::trust::{
    TrustedRoot, verify_certificate, verify_embedded_scts, verify_timestamp,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = TrustedRoot::from_json(data);
    let root = TrustedRoot::production();
    let at = jiff::Timestamp::from_second(1_700_000_000).expect("a valid timestamp");
    // Split the input so the leaf and the chain differ: a chain certificate is parsed and
    // checked for being a root before any signature.
    let middle = data.len() / 2;
    let (leaf, chain) = data.split_at(middle);
    assert!(verify_certificate(data, &[chain.to_vec()], &root, at).is_err());
    assert!(verify_certificate(leaf, &[], &root, at).is_err());
    assert!(verify_embedded_scts(data, data, &root).is_err());
    assert!(verify_timestamp(data, b"signature", &root).is_err());
});
