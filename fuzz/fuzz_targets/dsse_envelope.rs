//! Reads arbitrary bytes as a DSSE envelope: an error is fine, a panic is a bug. An envelope
//! that reads must be written and read back unchanged.
#![no_main]

use custody_sign::bundle::dsse::Envelope;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(envelope) = Envelope::from_json(data) else {
        return;
    };
    let again = Envelope::from_json(&envelope.to_json()).expect("custody's own envelope reads");
    assert_eq!(again, envelope);
});
