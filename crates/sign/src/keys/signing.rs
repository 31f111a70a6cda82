//! [`SigningKey`]: private keys of every supported algorithm — generation from the operating
//! system RNG, signing with cosign's hash per algorithm, and plain PEM private keys (PKCS#1,
//! SEC1, PKCS#8).

use std::fmt;

use const_oid::db::{rfc5912, rfc8410};
use der::Decode as _;
use ecdsa::elliptic_curve::Generate as _;
use getrandom::SysRng;
use pkcs8::{EncodePrivateKey as _, PrivateKeyInfoRef, SecretDocument};
use rsa::pkcs1::DecodeRsaPrivateKey as _;
use signature::{SignatureEncoding as _, Signer as _};

use super::public::{VerifyingKey, pkcs1v15_scheme};
use super::{
    HashAlgorithm, KeyAlgorithm, KeyError, PublicKey, SignatureError, check_rsa_bits, pem,
};

/// The PEM label of an unencrypted PKCS#8 private key.
const PKCS8_LABEL: &str = "PRIVATE KEY";
/// The PEM label of a SEC1 elliptic-curve private key.
const SEC1_LABEL: &str = "EC PRIVATE KEY";
/// The PEM label of a PKCS#1 RSA private key.
const PKCS1_LABEL: &str = "RSA PRIVATE KEY";
/// The labels of cosign's encrypted keys (sigstore writes the first, old cosign the second).
pub(crate) const COSIGN_LABELS: [&str; 2] = [
    "ENCRYPTED SIGSTORE PRIVATE KEY",
    "ENCRYPTED COSIGN PRIVATE KEY",
];

/// A signing key in memory. Secret material is zeroized on drop by the underlying crates.
pub struct SigningKey {
    key: SecretKey,
    public: PublicKey,
}

/// The algorithm-specific secret key inside a [`SigningKey`].
enum SecretKey {
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    P521(p521::ecdsa::SigningKey),
    Ed25519(ed25519_dalek::SigningKey),
    Rsa(rsa::PrivateKey),
}

impl SigningKey {
    /// Generate a new key from the operating system RNG.
    pub fn generate(algorithm: KeyAlgorithm) -> Result<Self, KeyError> {
        let key = match algorithm {
            KeyAlgorithm::EcdsaP256 => SecretKey::P256(
                p256::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng)
                    .map_err(KeyError::Random)?,
            ),
            KeyAlgorithm::EcdsaP384 => SecretKey::P384(
                p384::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng)
                    .map_err(KeyError::Random)?,
            ),
            KeyAlgorithm::EcdsaP521 => SecretKey::P521(
                p521::ecdsa::SigningKey::try_generate_from_rng(&mut SysRng)
                    .map_err(KeyError::Random)?,
            ),
            KeyAlgorithm::Ed25519 => SecretKey::Ed25519(
                ed25519_dalek::SigningKey::try_generate_from_rng(&mut SysRng)
                    .map_err(KeyError::Random)?,
            ),
            KeyAlgorithm::Rsa { bits } => {
                check_rsa_bits(u32::try_from(bits).unwrap_or(u32::MAX))?;
                SecretKey::Rsa(rsa::PrivateKey::new(&mut SysRng, bits).map_err(|source| {
                    KeyError::Generate {
                        algorithm,
                        source: Box::new(source),
                    }
                })?)
            }
        };
        Self::new(key)
    }

    /// Pair a secret key with its public key.
    fn new(key: SecretKey) -> Result<Self, KeyError> {
        let public = PublicKey::new(match &key {
            SecretKey::P256(key) => VerifyingKey::P256(*key.verifying_key()),
            SecretKey::P384(key) => VerifyingKey::P384(*key.verifying_key()),
            SecretKey::P521(key) => VerifyingKey::P521(*key.verifying_key()),
            SecretKey::Ed25519(key) => VerifyingKey::Ed25519(key.verifying_key()),
            SecretKey::Rsa(key) => {
                let bits = check_rsa_bits(rsa::traits::PublicKeyParts::n(key).bit_width_vartime())?;
                VerifyingKey::Rsa {
                    key: key.to_public_key(),
                    bits,
                }
            }
        })?;
        Ok(Self { key, public })
    }

    /// The matching verifying key.
    pub fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    /// The key's algorithm and size.
    pub fn algorithm(&self) -> KeyAlgorithm {
        self.public.algorithm()
    }

    /// Sign `message`: DER ECDSA with the curve's hash, PKCS#1 v1.5 SHA-256 for RSA, pure
    /// Ed25519 — what cosign's signers produce for each key type.
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, SignatureError> {
        let algorithm = self.algorithm();
        let failed = |source: signature::Error| SignatureError::Signing {
            algorithm,
            source: Box::new(source),
        };
        Ok(match &self.key {
            SecretKey::P256(key) => key
                .try_sign(message)
                .map(|s: p256::ecdsa::DerSignature| s.to_vec())
                .map_err(failed)?,
            SecretKey::P384(key) => key
                .try_sign(message)
                .map(|s: p384::ecdsa::DerSignature| s.to_vec())
                .map_err(failed)?,
            SecretKey::P521(key) => key
                .try_sign(message)
                .map(|s: p521::ecdsa::DerSignature| s.to_vec())
                .map_err(failed)?,
            SecretKey::Ed25519(key) => key.try_sign(message).map_err(failed)?.to_vec(),
            SecretKey::Rsa(key) => {
                let hash = HashAlgorithm::Sha256;
                key.sign(pkcs1v15_scheme(hash), &hash.digest(message))
                    .map_err(|source| SignatureError::Signing {
                        algorithm,
                        source: Box::new(source),
                    })?
            }
        })
    }

    /// Read an unencrypted PEM private key: `PRIVATE KEY` (PKCS#8), `EC PRIVATE KEY` (SEC1)
    /// or `RSA PRIVATE KEY` (PKCS#1). A cosign encrypted key yields [`KeyError::Encrypted`],
    /// so a caller can ask for the password and use
    /// [`SigningKey::from_cosign_pem`] instead.
    pub fn from_pem(text: &str) -> Result<Self, KeyError> {
        const EXPECTED: &str = "`PRIVATE KEY`, `EC PRIVATE KEY` or `RSA PRIVATE KEY`";
        let block = pem::decode(text, EXPECTED)?;
        match block.label.as_str() {
            PKCS8_LABEL => Self::from_pkcs8_der(&block.der),
            SEC1_LABEL => Self::from_sec1_der(&block.der),
            PKCS1_LABEL => Self::new(SecretKey::Rsa(
                rsa::PrivateKey::from_pkcs1_der(&block.der)
                    .map_err(|source| KeyError::malformed("PKCS#1 RSA private key", source))?,
            )),
            label if COSIGN_LABELS.contains(&label) => {
                Err(KeyError::Encrypted { label: block.label })
            }
            _ => Err(KeyError::UnexpectedLabel {
                found: block.label,
                expected: EXPECTED,
            }),
        }
    }

    /// Read a DER PKCS#8 `PrivateKeyInfo` (what cosign encrypts).
    pub fn from_pkcs8_der(der: &[u8]) -> Result<Self, KeyError> {
        const STRUCTURE: &str = "PKCS#8 private key";
        let info = PrivateKeyInfoRef::from_der(der)
            .map_err(|source| KeyError::malformed(STRUCTURE, source))?;
        let oid = info.algorithm.oid;
        let malformed = |source: pkcs8::Error| KeyError::malformed(STRUCTURE, source);
        let key = if oid == rfc5912::ID_EC_PUBLIC_KEY {
            let curve = info
                .algorithm
                .parameters_oid()
                .map_err(|_| KeyError::MissingCurve)?;
            match curve {
                rfc5912::SECP_256_R_1 => {
                    SecretKey::P256(p256::ecdsa::SigningKey::try_from(info).map_err(malformed)?)
                }
                rfc5912::SECP_384_R_1 => {
                    SecretKey::P384(p384::ecdsa::SigningKey::try_from(info).map_err(malformed)?)
                }
                rfc5912::SECP_521_R_1 => {
                    SecretKey::P521(p521::ecdsa::SigningKey::try_from(info).map_err(malformed)?)
                }
                other => {
                    return Err(KeyError::UnsupportedCurve {
                        oid: other.to_string(),
                    });
                }
            }
        } else if oid == rfc8410::ID_ED_25519 {
            SecretKey::Ed25519(ed25519_dalek::SigningKey::try_from(info).map_err(malformed)?)
        } else if oid == rfc5912::RSA_ENCRYPTION {
            SecretKey::Rsa(rsa::PrivateKey::try_from(info).map_err(malformed)?)
        } else {
            return Err(KeyError::UnsupportedAlgorithm {
                oid: oid.to_string(),
            });
        };
        Self::new(key)
    }

    /// Read a DER SEC1 `ECPrivateKey`; the curve must be named in its parameters, as Go's
    /// `x509.ParseECPrivateKey` requires.
    fn from_sec1_der(der: &[u8]) -> Result<Self, KeyError> {
        const STRUCTURE: &str = "SEC1 EC private key";
        let parsed = sec1::EcPrivateKey::from_der(der)
            .map_err(|source| KeyError::malformed(STRUCTURE, source))?;
        let curve = parsed
            .parameters
            .and_then(sec1::EcParameters::named_curve)
            .ok_or(KeyError::MissingCurve)?;
        let malformed = |source| KeyError::malformed(STRUCTURE, source);
        let key = match curve {
            rfc5912::SECP_256_R_1 => SecretKey::P256(
                p256::SecretKey::from_sec1_der(der)
                    .map_err(malformed)?
                    .into(),
            ),
            rfc5912::SECP_384_R_1 => SecretKey::P384(
                p384::SecretKey::from_sec1_der(der)
                    .map_err(malformed)?
                    .into(),
            ),
            rfc5912::SECP_521_R_1 => SecretKey::P521(
                p521::SecretKey::from_sec1_der(der)
                    .map_err(malformed)?
                    .into(),
            ),
            other => {
                return Err(KeyError::UnsupportedCurve {
                    oid: other.to_string(),
                });
            }
        };
        Self::new(key)
    }

    /// The DER PKCS#8 `PrivateKeyInfo`, as Go's `x509.MarshalPKCS8PrivateKey` writes it
    /// (Ed25519 as version 1, without the optional public key).
    pub(crate) fn to_pkcs8_der(&self) -> Result<SecretDocument, KeyError> {
        match &self.key {
            SecretKey::P256(key) => key.to_pkcs8_der(),
            SecretKey::P384(key) => key.to_pkcs8_der(),
            SecretKey::P521(key) => key.to_pkcs8_der(),
            SecretKey::Ed25519(key) => ed25519_dalek::pkcs8::KeypairBytes {
                secret_key: key.to_bytes(),
                public_key: None,
            }
            .to_pkcs8_der(),
            SecretKey::Rsa(key) => key.to_pkcs8_der(),
        }
        .map_err(|source| KeyError::encode("PKCS#8 private key", source))
    }
}

impl fmt::Debug for SigningKey {
    /// Shows the public half only; secrets never reach logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("public", &self.public)
            .finish_non_exhaustive()
    }
}
