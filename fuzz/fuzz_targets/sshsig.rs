//! Reads arbitrary bytes as an ssh-keygen allowed signers file, and as the SSHSIG blob of a
//! commit's `gpgsig` header (armored here): an error or a failed verdict is fine, a panic is a
//! bug, and every failed verdict says why.
#![no_main]

use std::path::Path;

use base64::Engine as _;
use custody_sign::git::{AllowedSigners, ObjectFormat, Trust, verify_commit};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let allowed_signers = AllowedSigners::parse(
        &text,
        Path::new("allowed_signers"),
        &jiff::tz::TimeZone::UTC,
    )
    .ok();
    let body = base64::engine::general_purpose::STANDARD.encode(data);
    let mut object = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
committer C <c@example.com> 1700000000 +0000\n\
gpgsig -----BEGIN SSH SIGNATURE-----\n"
        .to_vec();
    for line in body.as_bytes().chunks(70) {
        object.push(b' ');
        object.extend_from_slice(line);
        object.push(b'\n');
    }
    object.extend_from_slice(b" -----END SSH SIGNATURE-----\n\nmessage\n");
    let trust = Trust {
        allowed_signers,
        keyring: None,
        now: jiff::Timestamp::UNIX_EPOCH,
    };
    let verdict = verify_commit("0".repeat(40), &object, ObjectFormat::Sha1, &trust);
    assert_eq!(verdict.reason.is_none(), verdict.is_verified());
});
