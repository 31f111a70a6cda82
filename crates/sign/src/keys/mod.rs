//! Keys: one signing and verifying interface over every algorithm cosign supports, and the key
//! file formats cosign reads and writes.
//!
//! - [`PublicKey`] reads SPKI (`PUBLIC KEY`) and PKCS#1 (`RSA PUBLIC KEY`) PEM or DER and checks
//!   signatures with the hash cosign pairs with each key (P-256 SHA-256, P-384 SHA-384, P-521
//!   SHA-512, RSA PKCS#1 v1.5 SHA-256, pure Ed25519), with an explicit hash, or over a digest.
//! - [`SigningKey`] generates keys from the operating system RNG, signs, reads plain PEM
//!   private keys (PKCS#1, SEC1, PKCS#8), and reads and writes cosign's encrypted key files
//!   (scrypt + NaCl secretbox over PKCS#8, see `cosign.rs` and `secretbox.rs`).
//!
//! Every other module of the crate (bundles, the trusted root, transparency logs, registries)
//! verifies through [`PublicKey`], so the algorithm rules live here only. Key sizes follow
//! sigstore's `cryptoutils.ValidatePubKey`: RSA 2048 to 4096 bits, NIST curves P-256/384/521.

mod cosign;
mod error;
mod pem;
mod public;
mod secretbox;
mod signing;

use std::fmt;
use std::str::FromStr;

use sha2::Digest as _;

pub use error::{BoxedSource, KeyError, SignatureError};
pub use public::PublicKey;
pub use signing::SigningKey;

/// A hash function used with a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HashAlgorithm {
    /// SHA-256 (32 bytes).
    Sha256,
    /// SHA-384 (48 bytes).
    Sha384,
    /// SHA-512 (64 bytes).
    Sha512,
}

impl HashAlgorithm {
    /// The digest of `message`.
    pub fn digest(self, message: &[u8]) -> Vec<u8> {
        match self {
            Self::Sha256 => sha2::Sha256::digest(message).to_vec(),
            Self::Sha384 => sha2::Sha384::digest(message).to_vec(),
            Self::Sha512 => sha2::Sha512::digest(message).to_vec(),
        }
    }

    /// The digest length in bytes.
    pub fn output_len(self) -> usize {
        match self {
            Self::Sha256 => 32,
            Self::Sha384 => 48,
            Self::Sha512 => 64,
        }
    }
}

impl fmt::Display for HashAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sha256 => "sha256",
            Self::Sha384 => "sha384",
            Self::Sha512 => "sha512",
        })
    }
}

/// The algorithm (and size) of a key.
///
/// Displayed and parsed with the names `custody key generate --algorithm` takes:
/// `ecdsa-p256`, `ecdsa-p384`, `ecdsa-p521`, `ed25519`, `rsa-BITS`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyAlgorithm {
    /// ECDSA on NIST P-256, signing with SHA-256 (cosign's default).
    EcdsaP256,
    /// ECDSA on NIST P-384, signing with SHA-384.
    EcdsaP384,
    /// ECDSA on NIST P-521, signing with SHA-512.
    EcdsaP521,
    /// Ed25519 (pure EdDSA over the message).
    Ed25519,
    /// RSA with PKCS#1 v1.5 signatures over SHA-256.
    Rsa {
        /// Modulus size in bits.
        bits: usize,
    },
}

impl KeyAlgorithm {
    /// The smallest RSA modulus accepted, in bits (sigstore's `cryptoutils` minimum).
    pub const RSA_MIN_BITS: usize = 2048;
    /// The largest RSA modulus accepted, in bits.
    pub const RSA_MAX_BITS: usize = 4096;

    /// The hash cosign pairs with keys of this algorithm; `None` for Ed25519.
    pub fn default_hash(self) -> Option<HashAlgorithm> {
        match self {
            Self::EcdsaP256 | Self::Rsa { .. } => Some(HashAlgorithm::Sha256),
            Self::EcdsaP384 => Some(HashAlgorithm::Sha384),
            Self::EcdsaP521 => Some(HashAlgorithm::Sha512),
            Self::Ed25519 => None,
        }
    }
}

impl fmt::Display for KeyAlgorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EcdsaP256 => f.write_str("ecdsa-p256"),
            Self::EcdsaP384 => f.write_str("ecdsa-p384"),
            Self::EcdsaP521 => f.write_str("ecdsa-p521"),
            Self::Ed25519 => f.write_str("ed25519"),
            Self::Rsa { bits } => write!(f, "rsa-{bits}"),
        }
    }
}

/// A name `KeyAlgorithm::from_str` does not know.
#[derive(Debug, thiserror::Error)]
#[error(
    "unknown key algorithm `{0}` (expected ecdsa-p256, ecdsa-p384, ecdsa-p521, ed25519, rsa-2048, \
     rsa-3072 or rsa-4096)"
)]
pub struct UnknownKeyAlgorithm(pub String);

impl FromStr for KeyAlgorithm {
    type Err = UnknownKeyAlgorithm;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        match name {
            "ecdsa-p256" => Ok(Self::EcdsaP256),
            "ecdsa-p384" => Ok(Self::EcdsaP384),
            "ecdsa-p521" => Ok(Self::EcdsaP521),
            "ed25519" => Ok(Self::Ed25519),
            "rsa-2048" => Ok(Self::Rsa { bits: 2048 }),
            "rsa-3072" => Ok(Self::Rsa { bits: 3072 }),
            "rsa-4096" => Ok(Self::Rsa { bits: 4096 }),
            other => Err(UnknownKeyAlgorithm(other.to_owned())),
        }
    }
}

/// Check that an RSA modulus size is one cosign accepts.
fn check_rsa_bits(bits: u32) -> Result<usize, KeyError> {
    let size = bits as usize;
    if (KeyAlgorithm::RSA_MIN_BITS..=KeyAlgorithm::RSA_MAX_BITS).contains(&size) {
        Ok(size)
    } else {
        Err(KeyError::RsaKeySize { bits })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_have_their_lengths() {
        for hash in [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ] {
            assert_eq!(hash.digest(b"abc").len(), hash.output_len());
        }
        // FIPS 180-2 appendix B.1.
        assert_eq!(
            hex::encode(HashAlgorithm::Sha256.digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn algorithm_names_round_trip() {
        for name in [
            "ecdsa-p256",
            "ecdsa-p384",
            "ecdsa-p521",
            "ed25519",
            "rsa-2048",
            "rsa-4096",
        ] {
            assert_eq!(name.parse::<KeyAlgorithm>().unwrap().to_string(), name);
        }
        assert!("rsa-1024".parse::<KeyAlgorithm>().is_err());
    }
}
