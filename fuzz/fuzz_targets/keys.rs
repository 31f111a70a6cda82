//! Parses arbitrary bytes as every key format custody reads: public keys (PEM, DER SPKI),
//! private keys (PEM, DER PKCS#8) and cosign encrypted keys. An error is fine, a panic is a
//! bug; a key that parses must survive a round trip through its canonical encoding, and a
//! private key must verify its own signature.
#![no_main]

use custody_sign::keys::{PublicKey, SigningKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for public in [PublicKey::from_pem(&text), PublicKey::from_spki_der(data)]
        .into_iter()
        .flatten()
    {
        assert_eq!(
            PublicKey::from_spki_der(&public.to_spki_der()).unwrap(),
            public
        );
        assert_eq!(PublicKey::from_pem(&public.to_pem()).unwrap(), public);
    }
    for key in [
        SigningKey::from_pem(&text),
        SigningKey::from_pkcs8_der(data),
        SigningKey::from_cosign_pem(&text, b"fuzz"),
    ]
    .into_iter()
    .flatten()
    {
        let signature = key.sign(b"fuzz").unwrap();
        key.public_key().verify(b"fuzz", &signature).unwrap();
    }
});
