//! Splits arbitrary bytes into an OpenPGP keyring and a commit signature packet stream (the
//! first byte says where), reads the keyring (armored or binary) and verifies a commit whose
//! `gpgsig` header armors the signature bytes: an error or a failed verdict is fine, a panic
//! is a bug, and every failed verdict says why.
#![no_main]

use base64::Engine as _;
use custody_sign::git::{Keyring, ObjectFormat, Trust, verify_commit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let (keyring, signature) = rest.split_at(usize::from(split).min(rest.len()));
    let keyring = Keyring::parse(keyring).ok();
    let body = base64::engine::general_purpose::STANDARD.encode(signature);
    let mut object = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
committer C <c@example.com> 1700000000 +0000\n\
gpgsig -----BEGIN PGP SIGNATURE-----\n \n"
        .to_vec();
    for line in body.as_bytes().chunks(64) {
        object.push(b' ');
        object.extend_from_slice(line);
        object.push(b'\n');
    }
    object.extend_from_slice(b" -----END PGP SIGNATURE-----\n\nmessage\n");
    let trust = Trust {
        allowed_signers: None,
        keyring,
        now: jiff::Timestamp::UNIX_EPOCH,
    };
    let verdict = verify_commit("0".repeat(40), &object, ObjectFormat::Sha1, &trust);
    assert_eq!(verdict.reason.is_none(), verdict.is_verified());
});
