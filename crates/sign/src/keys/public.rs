//! [`PublicKey`]: SPKI and PKCS#1 public keys of every supported algorithm, and signature
//! verification with cosign's hash and signature-encoding rules.

use std::fmt;

use const_oid::db::{rfc5912, rfc8410};
use der::Decode as _;
use der::asn1::UintRef;
use ecdsa::EcdsaCurve;
use ecdsa::elliptic_curve::CurveArithmetic;
use pkcs8::EncodePublicKey as _;
use rsa::pkcs1v15::Pkcs1v15Sign;
use signature::Verifier as _;
use signature::hazmat::PrehashVerifier;
use spki::SubjectPublicKeyInfoRef;

use super::{HashAlgorithm, KeyAlgorithm, KeyError, SignatureError, check_rsa_bits, pem};

/// The PEM label of an SPKI public key (what `cosign.pub` holds).
const SPKI_LABEL: &str = "PUBLIC KEY";
/// The PEM label of a bare PKCS#1 RSA public key.
const PKCS1_LABEL: &str = "RSA PUBLIC KEY";

/// A verifying key: SPKI PEM/DER in, signatures checked.
///
/// Equality compares the canonical SPKI encoding, so a key read from PKCS#1 equals the same key
/// read from SPKI.
#[derive(Clone)]
pub struct PublicKey {
    key: VerifyingKey,
    /// The canonical SPKI DER of `key`, computed once.
    spki: Vec<u8>,
}

/// The algorithm-specific key inside a [`PublicKey`].
#[derive(Clone)]
pub(crate) enum VerifyingKey {
    P256(p256::ecdsa::VerifyingKey),
    P384(p384::ecdsa::VerifyingKey),
    P521(p521::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
    Rsa { key: rsa::PublicKey, bits: usize },
}

/// `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279 §2.2.3), the DER form of
/// ECDSA signatures cosign writes.
#[derive(der::Sequence)]
struct EcdsaSigValue<'a> {
    r: UintRef<'a>,
    s: UintRef<'a>,
}

impl PublicKey {
    /// Read a PEM public key: `PUBLIC KEY` (SPKI) or `RSA PUBLIC KEY` (PKCS#1), leniently as
    /// Go's `pem.Decode` does (leading text, CRLF, surrounding whitespace).
    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        const EXPECTED: &str = "`PUBLIC KEY` or `RSA PUBLIC KEY`";
        let block = pem::decode(text, EXPECTED)?;
        match block.label.as_str() {
            SPKI_LABEL => Self::from_spki_der(&block.der),
            PKCS1_LABEL => Self::from_pkcs1_der(&block.der),
            _ => Err(KeyError::UnexpectedLabel {
                found: block.label,
                expected: EXPECTED,
            }),
        }
    }

    /// Read a DER `SubjectPublicKeyInfo`.
    pub fn from_spki_der(der: &[u8]) -> Result<Self, KeyError> {
        let info = SubjectPublicKeyInfoRef::from_der(der)
            .map_err(|source| KeyError::malformed("SubjectPublicKeyInfo", source))?;
        let oid = info.algorithm.oid;
        let key = if oid == rfc5912::ID_EC_PUBLIC_KEY {
            let curve = info
                .algorithm
                .parameters_oid()
                .map_err(|_| KeyError::MissingCurve)?;
            let point = info.subject_public_key.raw_bytes();
            let malformed = |source| KeyError::malformed("elliptic-curve public key", source);
            match curve {
                rfc5912::SECP_256_R_1 => VerifyingKey::P256(
                    p256::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(malformed)?,
                ),
                rfc5912::SECP_384_R_1 => VerifyingKey::P384(
                    p384::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(malformed)?,
                ),
                rfc5912::SECP_521_R_1 => VerifyingKey::P521(
                    p521::ecdsa::VerifyingKey::from_sec1_bytes(point).map_err(malformed)?,
                ),
                other => {
                    return Err(KeyError::UnsupportedCurve {
                        oid: other.to_string(),
                    });
                }
            }
        } else if oid == rfc8410::ID_ED_25519 {
            VerifyingKey::Ed25519(
                ed25519_dalek::VerifyingKey::try_from(info)
                    .map_err(|source| KeyError::malformed("Ed25519 public key", source))?,
            )
        } else if oid == rfc5912::RSA_ENCRYPTION {
            return Self::from_pkcs1_der(info.subject_public_key.raw_bytes());
        } else {
            return Err(KeyError::UnsupportedAlgorithm {
                oid: oid.to_string(),
            });
        };
        Self::new(key)
    }

    /// Read a PKCS#1 `RSAPublicKey`, checking the modulus size first so that a key of the
    /// wrong size is reported as such rather than as malformed.
    fn from_pkcs1_der(der: &[u8]) -> Result<Self, KeyError> {
        const STRUCTURE: &str = "PKCS#1 RSA public key";
        let parsed = pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(der)
            .map_err(|source| KeyError::malformed(STRUCTURE, source))?;
        let modulus = parsed.modulus.as_bytes();
        // DER integers are minimal, so only the first byte can have leading zero bits.
        let bits = modulus.first().map_or(0, |first| {
            8 * modulus.len() - first.leading_zeros() as usize
        });
        let bits = check_rsa_bits(u32::try_from(bits).unwrap_or(u32::MAX))?;
        let key = rsa::PublicKey::try_from(parsed)
            .map_err(|source| KeyError::malformed(STRUCTURE, source))?;
        Self::new(VerifyingKey::Rsa { key, bits })
    }

    /// Wrap a parsed key, computing its canonical SPKI encoding.
    pub(crate) fn new(key: VerifyingKey) -> Result<Self, KeyError> {
        let document = match &key {
            VerifyingKey::P256(key) => key.to_public_key_der(),
            VerifyingKey::P384(key) => key.to_public_key_der(),
            VerifyingKey::P521(key) => key.to_public_key_der(),
            VerifyingKey::Ed25519(key) => key.to_public_key_der(),
            VerifyingKey::Rsa { key, .. } => key.to_public_key_der(),
        }
        .map_err(|source| KeyError::encode("SubjectPublicKeyInfo", source))?;
        Ok(Self {
            key,
            spki: document.into_vec(),
        })
    }

    /// The DER `SubjectPublicKeyInfo`.
    pub fn to_spki_der(&self) -> Vec<u8> {
        self.spki.clone()
    }

    /// The SPKI PEM (`-----BEGIN PUBLIC KEY-----`), byte for byte what cosign writes to
    /// `cosign.pub`.
    pub fn to_pem(&self) -> String {
        pem::encode(SPKI_LABEL, &self.spki)
    }

    /// The key's algorithm and size.
    pub fn algorithm(&self) -> KeyAlgorithm {
        match &self.key {
            VerifyingKey::P256(_) => KeyAlgorithm::EcdsaP256,
            VerifyingKey::P384(_) => KeyAlgorithm::EcdsaP384,
            VerifyingKey::P521(_) => KeyAlgorithm::EcdsaP521,
            VerifyingKey::Ed25519(_) => KeyAlgorithm::Ed25519,
            VerifyingKey::Rsa { bits, .. } => KeyAlgorithm::Rsa { bits: *bits },
        }
    }

    /// The hash cosign pairs with this key: P-256 SHA-256, P-384 SHA-384, P-521 SHA-512,
    /// RSA SHA-256; `None` for Ed25519 (signs the message itself).
    pub fn default_hash(&self) -> Option<HashAlgorithm> {
        self.algorithm().default_hash()
    }

    /// Verify over `message` with the key's default hash (Ed25519: pure EdDSA).
    /// ECDSA signatures are ASN.1 DER (fixed-size r||s also accepted).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        match self.default_hash() {
            Some(hash) => self.verify_with(hash, message, signature),
            None => self.verify_ed25519(message, signature),
        }
    }

    /// Verify with an explicit hash (X.509 signature algorithms, SCTs, timestamps). Ed25519
    /// ignores `hash`: EdDSA hashes the message internally with SHA-512.
    pub fn verify_with(
        &self,
        hash: HashAlgorithm,
        message: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        if matches!(self.key, VerifyingKey::Ed25519(_)) {
            return self.verify_ed25519(message, signature);
        }
        self.verify_prehashed(hash, &hash.digest(message), signature)
    }

    /// Verify a signature over an already computed digest (hashedrekord by digest). Ed25519
    /// cannot: returns [`SignatureError::PrehashUnsupported`].
    pub fn verify_prehashed(
        &self,
        hash: HashAlgorithm,
        digest: &[u8],
        signature: &[u8],
    ) -> Result<(), SignatureError> {
        if digest.len() != hash.output_len() {
            return Err(SignatureError::DigestLength {
                hash,
                expected: hash.output_len(),
                actual: digest.len(),
            });
        }
        let algorithm = self.algorithm();
        match &self.key {
            VerifyingKey::P256(key) => verify_ecdsa(key, algorithm, 32, digest, signature),
            VerifyingKey::P384(key) => verify_ecdsa(key, algorithm, 48, digest, signature),
            VerifyingKey::P521(key) => verify_ecdsa(key, algorithm, 66, digest, signature),
            VerifyingKey::Ed25519(_) => Err(SignatureError::PrehashUnsupported),
            VerifyingKey::Rsa { key, bits } => {
                // PKCS#1 v1.5 signatures are exactly as long as the modulus (RFC 8017 §8.2.2).
                if signature.len() != bits.div_ceil(8) {
                    return Err(SignatureError::Malformed {
                        algorithm,
                        length: signature.len(),
                    });
                }
                key.verify(pkcs1v15_scheme(hash), digest, signature)
                    .map_err(|_| SignatureError::Mismatch { algorithm })
            }
        }
    }

    /// Pure Ed25519 over the message (RFC 8032), as Go's `ed25519.Verify`.
    fn verify_ed25519(&self, message: &[u8], signature: &[u8]) -> Result<(), SignatureError> {
        let algorithm = self.algorithm();
        let VerifyingKey::Ed25519(key) = &self.key else {
            return Err(SignatureError::Malformed {
                algorithm,
                length: signature.len(),
            });
        };
        let signature = ed25519_dalek::Signature::from_slice(signature).map_err(|_| {
            SignatureError::Malformed {
                algorithm,
                length: signature.len(),
            }
        })?;
        key.verify(message, &signature)
            .map_err(|_| SignatureError::Mismatch { algorithm })
    }
}

/// The PKCS#1 v1.5 signature scheme (DigestInfo prefix) for `hash`.
pub(crate) fn pkcs1v15_scheme(hash: HashAlgorithm) -> Pkcs1v15Sign {
    match hash {
        HashAlgorithm::Sha256 => Pkcs1v15Sign::new::<sha2::Sha256>(),
        HashAlgorithm::Sha384 => Pkcs1v15Sign::new::<sha2::Sha384>(),
        HashAlgorithm::Sha512 => Pkcs1v15Sign::new::<sha2::Sha512>(),
    }
}

/// Verify an ECDSA signature (DER, or fixed-size `r || s` of `2 * field_len` bytes) over a
/// digest.
fn verify_ecdsa<C>(
    key: &ecdsa::VerifyingKey<C>,
    algorithm: KeyAlgorithm,
    field_len: usize,
    digest: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError>
where
    C: EcdsaCurve + CurveArithmetic,
{
    let malformed = || SignatureError::Malformed {
        algorithm,
        length: signature.len(),
    };
    let fixed = ecdsa_fixed_bytes(signature, field_len).ok_or_else(malformed)?;
    let parsed = ecdsa::Signature::<C>::from_slice(&fixed).map_err(|_| malformed())?;
    key.verify_prehash(digest, &parsed)
        .map_err(|_| SignatureError::Mismatch { algorithm })
}

/// The `r || s` form of an ECDSA signature given as strict DER or already as `r || s`.
fn ecdsa_fixed_bytes(signature: &[u8], field_len: usize) -> Option<Vec<u8>> {
    match EcdsaSigValue::from_der(signature) {
        Ok(value) => {
            let mut fixed = vec![0u8; 2 * field_len];
            for (integer, half) in [value.r, value.s].iter().zip(fixed.chunks_mut(field_len)) {
                let bytes = integer.as_bytes();
                let offset = field_len.checked_sub(bytes.len())?;
                half.get_mut(offset..)?.copy_from_slice(bytes);
            }
            Some(fixed)
        }
        Err(_) if signature.len() == 2 * field_len => Some(signature.to_vec()),
        Err(_) => None,
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.spki == other.spki
    }
}

impl Eq for PublicKey {}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicKey")
            .field("algorithm", &self.algorithm())
            .field("spki", &hex::encode(&self.spki))
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ecdsa_signature_forms() {
        // SEQUENCE { INTEGER 0x00ff (leading zero: high bit set), INTEGER 1 }
        let der = [0x30, 0x07, 0x02, 0x02, 0x00, 0xff, 0x02, 0x01, 0x01];
        let fixed = ecdsa_fixed_bytes(&der, 4).unwrap();
        assert_eq!(fixed, [0, 0, 0, 0xff, 0, 0, 0, 1]);
        // Already fixed-size.
        assert_eq!(ecdsa_fixed_bytes(&fixed, 4).unwrap(), fixed);
        // An integer wider than the field is refused, not truncated.
        let wide = [0x30, 0x08, 0x02, 0x03, 0x01, 0x02, 0x03, 0x02, 0x01, 0x01];
        assert_eq!(ecdsa_fixed_bytes(&wide, 2), None);
        // Trailing bytes after the DER are neither DER nor fixed-size.
        let mut trailing = der.to_vec();
        trailing.push(0);
        assert_eq!(ecdsa_fixed_bytes(&trailing, 4), None);
    }
}
