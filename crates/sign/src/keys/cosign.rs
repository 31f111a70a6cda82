//! cosign's encrypted private key files (`cosign.key`).
//!
//! The PEM body (label `ENCRYPTED SIGSTORE PRIVATE KEY`; old cosign wrote `ENCRYPTED COSIGN
//! PRIVATE KEY`) is the JSON of sigstore's `pkg/encrypted` package:
//!
//! ```json
//! {"kdf":{"name":"scrypt","params":{"N":32768,"r":8,"p":1},"salt":"<base64>"},
//!  "cipher":{"name":"nacl/secretbox","nonce":"<base64>"},"ciphertext":"<base64>"}
//! ```
//!
//! The password and salt go through scrypt to a 32-byte key; the [`secretbox`]
//! under that key and the 24-byte nonce holds the PKCS#8 DER of the private key. Like cosign's
//! `LoadPrivateKey` (which calls `x509.ParsePKCS8PrivateKey` only), a plaintext in any other
//! format is refused.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use getrandom::SysRng;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::secretbox::{self, KEY_LEN, NONCE_LEN};
use super::signing::COSIGN_LABELS;
use super::{KeyError, SigningKey, pem};

/// The label cosign (v2 and later) writes.
const WRITE_LABEL: &str = "ENCRYPTED SIGSTORE PRIVATE KEY";
/// The KDF name in the JSON.
const KDF_NAME: &str = "scrypt";
/// The cipher name in the JSON.
const CIPHER_NAME: &str = "nacl/secretbox";
/// scrypt parameters cosign writes (sigstore `encrypted.Encrypt`).
const WRITE_N: u64 = 32_768;
const WRITE_R: u32 = 8;
const WRITE_P: u32 = 1;
/// Salt length cosign writes.
const SALT_LEN: usize = 32;
/// Longest salt read; cosign writes 32 bytes, anything much longer is not a cosign key.
const MAX_SALT_LEN: usize = 1024;
/// The most memory scrypt may take (`128 * r * N` bytes): 1 GiB, 32 times what cosign's own
/// parameters need, so a hostile key file cannot exhaust memory.
const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
/// The most work scrypt may do (`N * r * p` block mixes): 64 times cosign's parameters, a few
/// seconds at most, so a hostile key file cannot stall the program.
const MAX_SCRYPT_WORK: u64 = 1 << 24;

/// The JSON document inside the PEM block.
#[derive(Serialize, Deserialize)]
struct EncryptedKey {
    kdf: Kdf,
    cipher: Cipher,
    ciphertext: String,
}

#[derive(Serialize, Deserialize)]
struct Kdf {
    name: String,
    params: ScryptParams,
    salt: String,
}

/// scrypt parameters; Go's JSON decoding matches field names case-insensitively, so the
/// aliases accept what cosign would.
#[derive(Serialize, Deserialize)]
struct ScryptParams {
    #[serde(rename = "N", alias = "n")]
    n: u64,
    #[serde(alias = "R")]
    r: u32,
    #[serde(alias = "P")]
    p: u32,
}

#[derive(Serialize, Deserialize)]
struct Cipher {
    name: String,
    nonce: String,
}

impl SigningKey {
    /// Read a cosign encrypted key (`ENCRYPTED SIGSTORE PRIVATE KEY` or `ENCRYPTED COSIGN
    /// PRIVATE KEY`) with its password. A wrong password or an altered file gives
    /// [`KeyError::WrongPassword`].
    pub fn from_cosign_pem(text: &str, password: &[u8]) -> Result<Self, KeyError> {
        const EXPECTED: &str = "`ENCRYPTED SIGSTORE PRIVATE KEY` or `ENCRYPTED COSIGN PRIVATE KEY`";
        let block = pem::decode(text, EXPECTED)?;
        if !COSIGN_LABELS.contains(&block.label.as_str()) {
            return Err(KeyError::UnexpectedLabel {
                found: block.label,
                expected: EXPECTED,
            });
        }
        let document: EncryptedKey =
            serde_json::from_slice(&block.der).map_err(KeyError::CosignJson)?;
        check_name("kdf", &document.kdf.name, KDF_NAME)?;
        check_name("cipher", &document.cipher.name, CIPHER_NAME)?;
        let params = scrypt_params(&document.kdf.params)?;
        let salt = decode_field("kdf.salt", &document.kdf.salt)?;
        if salt.is_empty() || salt.len() > MAX_SALT_LEN {
            return Err(KeyError::CosignFieldLength {
                field: "kdf.salt",
                expected: SALT_LEN,
                actual: salt.len(),
            });
        }
        let nonce: [u8; NONCE_LEN] = decode_field("cipher.nonce", &document.cipher.nonce)?
            .try_into()
            .map_err(|nonce: Vec<u8>| KeyError::CosignFieldLength {
                field: "cipher.nonce",
                expected: NONCE_LEN,
                actual: nonce.len(),
            })?;
        let sealed = decode_field("ciphertext", &document.ciphertext)?;
        let key = derive_key(password, &salt, &params)?;
        let plaintext = secretbox::open(&key, &nonce, &sealed).ok_or(KeyError::WrongPassword)?;
        Self::from_pkcs8_der(&plaintext).map_err(|error| not_pkcs8(&plaintext, error))
    }

    /// Write this key as cosign does: PKCS#8 sealed under scrypt (N=32768, r=8, p=1) and a
    /// fresh 32-byte salt and 24-byte nonce, in an `ENCRYPTED SIGSTORE PRIVATE KEY` PEM block.
    pub fn to_cosign_pem(&self, password: &[u8]) -> Result<String, KeyError> {
        let mut salt = [0u8; SALT_LEN];
        let mut nonce = [0u8; NONCE_LEN];
        fill_random(&mut salt)?;
        fill_random(&mut nonce)?;
        let params = ScryptParams {
            n: WRITE_N,
            r: WRITE_R,
            p: WRITE_P,
        };
        let key = derive_key(password, &salt, &scrypt_params(&params)?)?;
        let plaintext = self.to_pkcs8_der()?;
        let sealed = secretbox::seal(&key, &nonce, plaintext.as_bytes());
        let document = EncryptedKey {
            kdf: Kdf {
                name: KDF_NAME.to_owned(),
                params,
                salt: STANDARD.encode(salt),
            },
            cipher: Cipher {
                name: CIPHER_NAME.to_owned(),
                nonce: STANDARD.encode(nonce),
            },
            ciphertext: STANDARD.encode(sealed),
        };
        let json = serde_json::to_vec(&document).map_err(KeyError::CosignJson)?;
        Ok(pem::encode(WRITE_LABEL, &json))
    }
}

/// Refuse a KDF or cipher other than the one cosign uses.
fn check_name(what: &'static str, name: &str, expected: &'static str) -> Result<(), KeyError> {
    if name == expected {
        Ok(())
    } else {
        Err(KeyError::CosignUnsupported {
            what,
            name: name.to_owned(),
            expected,
        })
    }
}

/// Validate scrypt parameters: N a power of two above 1 (as Go's `scrypt.Key` requires), r and
/// p positive, memory and work within [`MAX_SCRYPT_MEMORY`] and [`MAX_SCRYPT_WORK`].
fn scrypt_params(params: &ScryptParams) -> Result<scrypt::Params, KeyError> {
    let ScryptParams { n, r, p } = *params;
    let refuse = |reason| KeyError::ScryptParameters { n, r, p, reason };
    if n < 2 || !n.is_power_of_two() {
        return Err(refuse("N must be a power of two greater than 1"));
    }
    if r == 0 || p == 0 {
        return Err(refuse("r and p must be positive"));
    }
    let memory = 128u64
        .checked_mul(u64::from(r))
        .and_then(|bytes| bytes.checked_mul(n));
    if memory.is_none_or(|memory| memory > MAX_SCRYPT_MEMORY) {
        return Err(refuse("128 * r * N exceeds the 1 GiB memory limit"));
    }
    let work = n
        .checked_mul(u64::from(r))
        .and_then(|work| work.checked_mul(u64::from(p)));
    if work.is_none_or(|work| work > MAX_SCRYPT_WORK) {
        return Err(refuse("N * r * p exceeds the work limit of 2^24"));
    }
    // `n` is a power of two below 2^30 here, so its logarithm fits in a u8.
    let log_n = n.trailing_zeros() as u8;
    scrypt::Params::new(log_n, r, p).map_err(|_| refuse("rejected by scrypt"))
}

/// The 32-byte secretbox key for `password` and `salt`.
fn derive_key(
    password: &[u8],
    salt: &[u8],
    params: &scrypt::Params,
) -> Result<Zeroizing<[u8; KEY_LEN]>, KeyError> {
    let mut key = Zeroizing::new([0u8; KEY_LEN]);
    scrypt::scrypt(password, salt, params, key.as_mut())
        .map_err(|source| KeyError::encode("scrypt key", source))?;
    Ok(key)
}

/// Decode a base64 JSON field as Go's `[]byte` decoding does (standard alphabet, padded;
/// line breaks ignored).
fn decode_field(field: &'static str, value: &str) -> Result<Vec<u8>, KeyError> {
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n'))
        .collect();
    STANDARD
        .decode(compact)
        .map_err(|source| KeyError::CosignBase64 { field, source })
}

/// Fill `buffer` from the operating system RNG.
fn fill_random(buffer: &mut [u8]) -> Result<(), KeyError> {
    use getrandom::rand_core::TryRng as _;
    SysRng.try_fill_bytes(buffer).map_err(KeyError::Random)
}

/// Name the format when the decrypted plaintext is a SEC1 or PKCS#1 key rather than PKCS#8:
/// cosign refuses those too (`x509: failed to parse private key (use ParseECPrivateKey
/// instead for this key format)`).
fn not_pkcs8(plaintext: &[u8], error: KeyError) -> KeyError {
    use der::Decode as _;
    if !matches!(error, KeyError::Malformed { .. }) {
        return error;
    }
    let found = if sec1::EcPrivateKey::from_der(plaintext).is_ok() {
        "SEC1 `EC PRIVATE KEY`"
    } else if pkcs1::RsaPrivateKey::<der::asn1::UintRef<'_>>::from_der(plaintext).is_ok() {
        "PKCS#1 `RSA PRIVATE KEY`"
    } else {
        return error;
    };
    KeyError::NotPkcs8 { found }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(n: u64, r: u32, p: u32) -> ScryptParams {
        ScryptParams { n, r, p }
    }

    #[test]
    fn scrypt_parameters_are_bounded() {
        assert!(scrypt_params(&params(32_768, 8, 1)).is_ok());
        assert!(scrypt_params(&params(65_536, 8, 1)).is_ok());
        for (n, r, p) in [
            (0, 8, 1),
            (1, 8, 1),
            (1000, 8, 1),
            (32_768, 0, 1),
            (32_768, 8, 0),
            (1 << 40, 8, 1),
            (1 << 20, 16, 1),
            (32_768, 8, 1 << 20),
            (u64::MAX, u32::MAX, u32::MAX),
        ] {
            assert!(
                matches!(
                    scrypt_params(&params(n, r, p)),
                    Err(KeyError::ScryptParameters { .. })
                ),
                "N={n} r={r} p={p}"
            );
        }
    }
}
