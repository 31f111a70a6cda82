//! NaCl `crypto_secretbox` (XSalsa20-Poly1305), the cipher of cosign's encrypted keys.
//!
//! Composed from the `salsa20` and `poly1305` primitives because the `crypto_secretbox`
//! pre-release pins a `salsa20` release candidate that `scrypt` cannot share (see the workspace
//! Cargo.toml). The construction (Bernstein, "Cryptography in NaCl", §9): the first 32 bytes
//! of the XSalsa20 keystream are the one-time Poly1305 key, the rest of the keystream encrypts
//! the message, and the tag authenticates the ciphertext. The sealed box is `tag (16) ||
//! ciphertext`, the layout of Go's `golang.org/x/crypto/nacl/secretbox.Seal` that cosign uses.

use poly1305::Poly1305;
use poly1305::universal_hash::KeyInit as _;
use salsa20::XSalsa20;
use salsa20::cipher::{KeyIvInit as _, StreamCipher as _};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

/// Secret key length in bytes.
pub(crate) const KEY_LEN: usize = 32;
/// Nonce length in bytes.
pub(crate) const NONCE_LEN: usize = 24;
/// Poly1305 tag length in bytes.
const TAG_LEN: usize = 16;

/// The keystream positioned after the Poly1305 key, and the Poly1305 instance keyed by it.
fn start(key: &[u8; KEY_LEN], nonce: &[u8; NONCE_LEN]) -> (XSalsa20, Poly1305) {
    let mut cipher = XSalsa20::new(key.into(), nonce.into());
    let mut poly_key = Zeroizing::new([0u8; 32]);
    cipher.apply_keystream(poly_key.as_mut());
    let mac = Poly1305::new((&*poly_key).into());
    (cipher, mac)
}

/// Encrypt and authenticate `plaintext`: returns `tag || ciphertext`.
pub(crate) fn seal(key: &[u8; KEY_LEN], nonce: &[u8; NONCE_LEN], plaintext: &[u8]) -> Vec<u8> {
    let (mut cipher, mac) = start(key, nonce);
    let mut ciphertext = plaintext.to_vec();
    cipher.apply_keystream(&mut ciphertext);
    let tag = mac.compute_unpadded(&ciphertext);
    let mut sealed = Vec::with_capacity(TAG_LEN + ciphertext.len());
    sealed.extend_from_slice(&tag);
    sealed.extend_from_slice(&ciphertext);
    sealed
}

/// Check and decrypt `tag || ciphertext`; `None` when the box is too short or the tag does
/// not match (wrong key or altered data). The tag is compared in constant time.
pub(crate) fn open(
    key: &[u8; KEY_LEN],
    nonce: &[u8; NONCE_LEN],
    sealed: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    let (tag, ciphertext) = sealed.split_at_checked(TAG_LEN)?;
    let (mut cipher, mac) = start(key, nonce);
    let expected = mac.compute_unpadded(ciphertext);
    if !bool::from(expected.as_slice().ct_eq(tag)) {
        return None;
    }
    let mut plaintext = Zeroizing::new(ciphertext.to_vec());
    cipher.apply_keystream(&mut plaintext);
    Some(plaintext)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `crypto_secretbox` test vector of NaCl (tests/secretbox.c, from "Cryptography in
    /// NaCl" §10), as also used by Go's `nacl/secretbox` tests: the first 32 bytes of NaCl's
    /// zero-padded message are dropped, leaving the 131-byte message and tag || ciphertext.
    #[test]
    fn nacl_vector() {
        let key =
            hex_array::<32>("1b27556473e985d462cd51197a9a46c76009549eac6474f206c4ee0844f68389");
        let nonce = hex_array::<24>("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
        let message = hex::decode(concat!(
            "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffc",
            "e5ecbaaf33bd751a1ac728d45e6c61296cdc3c01233561f41db66cce314adb31",
            "0e3be8250c46f06dceea3a7fa1348057e2f6556ad6b1318a024a838f21af1fde",
            "048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864",
            "5e0705",
        ))
        .unwrap();
        let expected = hex::decode(concat!(
            "f3ffc7703f9400e52a7dfb4b3d3305d9",
            "8e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c531a1186a",
            "c0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738",
            "b48eeee314a7cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da",
            "99832b61ca01b6de56244a9e88d5f9b37973f622a43d14a6599b1f654cb45a74",
            "e355a5",
        ))
        .unwrap();
        let sealed = seal(&key, &nonce, &message);
        assert_eq!(sealed, expected);
        assert_eq!(open(&key, &nonce, &sealed).unwrap().as_slice(), message);
    }

    #[test]
    fn any_flipped_bit_is_refused() {
        let key = [7u8; KEY_LEN];
        let nonce = [9u8; NONCE_LEN];
        let sealed = seal(&key, &nonce, b"attack at dawn");
        for index in 0..sealed.len() {
            let mut tampered = sealed.clone();
            tampered[index] ^= 0x01;
            assert!(open(&key, &nonce, &tampered).is_none(), "byte {index}");
        }
        assert!(open(&key, &nonce, &sealed[..TAG_LEN - 1]).is_none());
        let mut other_key = key;
        other_key[0] ^= 1;
        assert!(open(&other_key, &nonce, &sealed).is_none());
    }

    fn hex_array<const N: usize>(text: &str) -> [u8; N] {
        hex::decode(text).unwrap().try_into().unwrap()
    }
}
