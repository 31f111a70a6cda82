//! Reads arbitrary bytes as a Sigstore bundle and as an in-toto statement: an error is fine,
//! a panic is a bug. A bundle that reads must be written and read back unchanged.
#![no_main]

use custody_sign::bundle::Bundle;
use custody_sign::bundle::intoto::Statement;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(statement) = Statement::from_json(data) {
        assert_eq!(
            Statement::from_json(&statement.to_json()).ok().as_ref(),
            Some(&statement)
        );
    }
    let Ok(bundle) = Bundle::from_json(data) else {
        return;
    };
    let again = Bundle::from_json(&bundle.to_json()).expect("custody's own bundle reads");
    assert_eq!(again, bundle);
});
