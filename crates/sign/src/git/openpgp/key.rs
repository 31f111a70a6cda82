//! Version 4 public-key and public-subkey packets (RFC 4880 §5.5.2, RFC 9580 §5.5.2): creation
//! time, algorithm and key material, the SHA-1 fingerprint and key ID, and checking a
//! signature's values over a digest with RustCrypto.
//!
//! Supported for verification: RSA (1, 3), ECDSA (19) on NIST P-256/384/521, legacy EdDSA (22)
//! on Ed25519 and Ed25519 (27). Other algorithms (DSA, ElGamal, ECDH, X25519, …) are read so
//! that keyrings holding them load, and reported as unsupported when they sign.

use sha1::Digest as _;
use signature::hazmat::PrehashVerifier;

use super::OpenPgpError;
use super::packet::Reader;
use super::signature::{Hash, SignatureValues};

/// Curve OIDs as OpenPGP writes them (the DER contents, without tag and length).
const OID_P256: &[u8] = &[0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2B, 0x81, 0x04, 0x00, 0x23];
pub(crate) const OID_ED25519_LEGACY: &[u8] =
    &[0x2B, 0x06, 0x01, 0x04, 0x01, 0xDA, 0x47, 0x0F, 0x01];

/// A NIST curve ECDSA keys use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Curve {
    P256,
    P384,
    P521,
}

/// The public values of a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum KeyMaterial {
    Rsa {
        n: Vec<u8>,
        e: Vec<u8>,
    },
    Ecdsa {
        curve: Curve,
        point: Vec<u8>,
    },
    Ed25519([u8; 32]),
    /// An algorithm (or curve) that is not checked here.
    Unsupported(String),
}

/// A parsed public-key or public-subkey packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PublicKey {
    /// The packet body, as key signatures hash it.
    pub(crate) body: Vec<u8>,
    pub(crate) created: u32,
    pub(crate) material: KeyMaterial,
    pub(crate) fingerprint: [u8; 20],
}

impl PublicKey {
    /// Parses a version 4 key packet body.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, OpenPgpError> {
        let mut reader = Reader::new(body);
        let version = reader.u8()?;
        if version != 4 {
            return Err(OpenPgpError::UnsupportedVersion {
                packet: "public key",
                version,
            });
        }
        let created = reader.u32()?;
        let algorithm = reader.u8()?;
        let material = match algorithm {
            1..=3 => KeyMaterial::Rsa {
                n: reader.mpi()?.to_vec(),
                e: reader.mpi()?.to_vec(),
            },
            19 => {
                let oid = read_oid(&mut reader)?;
                let point = reader.mpi()?.to_vec();
                match oid {
                    OID_P256 => KeyMaterial::Ecdsa {
                        curve: Curve::P256,
                        point,
                    },
                    OID_P384 => KeyMaterial::Ecdsa {
                        curve: Curve::P384,
                        point,
                    },
                    OID_P521 => KeyMaterial::Ecdsa {
                        curve: Curve::P521,
                        point,
                    },
                    _ => KeyMaterial::Unsupported("ECDSA on an unsupported curve".to_owned()),
                }
            }
            22 => {
                let oid = read_oid(&mut reader)?;
                let point = reader.mpi()?;
                // Native point encoding: a 0x40 prefix, then the 32-byte key.
                match (oid, point.split_first()) {
                    (OID_ED25519_LEGACY, Some((0x40, key))) => {
                        KeyMaterial::Ed25519(key.try_into().map_err(|_| OpenPgpError::Key {
                            reason: "an Ed25519 point is not 32 bytes",
                        })?)
                    }
                    (OID_ED25519_LEGACY, _) => {
                        return Err(OpenPgpError::Key {
                            reason: "an Ed25519 point lacks its 0x40 prefix",
                        });
                    }
                    _ => KeyMaterial::Unsupported("EdDSA on an unsupported curve".to_owned()),
                }
            }
            27 => KeyMaterial::Ed25519(reader.array()?),
            other => KeyMaterial::Unsupported(format!("public-key algorithm {other}")),
        };
        let mut hasher = sha1::Sha1::new();
        hasher.update(super::signature::key_hash_prefix(body));
        Ok(Self {
            body: body.to_vec(),
            created,
            material,
            fingerprint: hasher.finalize().into(),
        })
    }

    /// The key ID: the low 64 bits of the fingerprint.
    pub(crate) fn key_id(&self) -> [u8; 8] {
        let mut id = [0; 8];
        id.copy_from_slice(&self.fingerprint[12..]);
        id
    }

    /// The fingerprint as gpg prints it: 40 uppercase hex digits.
    pub(crate) fn fingerprint_hex(&self) -> String {
        hex::encode_upper(self.fingerprint)
    }

    /// Checks `values` made with `hash` over `digest`; the error says why not.
    pub(crate) fn verify(
        &self,
        hash: Hash,
        digest: &[u8],
        values: &SignatureValues,
    ) -> Result<(), String> {
        match (&self.material, values) {
            (KeyMaterial::Rsa { n, e }, SignatureValues::Rsa(value)) => {
                verify_rsa(n, e, hash, digest, value)
            }
            (KeyMaterial::Ecdsa { curve, point }, SignatureValues::Pair { r, s }) => {
                match curve {
                    Curve::P256 => verify_prehash::<
                        p256::ecdsa::VerifyingKey,
                        p256::ecdsa::Signature,
                    >(point, digest, &pair(r, s, 32)?),
                    Curve::P384 => verify_prehash::<
                        p384::ecdsa::VerifyingKey,
                        p384::ecdsa::Signature,
                    >(point, digest, &pair(r, s, 48)?),
                    Curve::P521 => verify_prehash::<
                        p521::ecdsa::VerifyingKey,
                        p521::ecdsa::Signature,
                    >(point, digest, &pair(r, s, 66)?),
                }
            }
            (KeyMaterial::Ed25519(key), SignatureValues::Pair { r, s }) => {
                verify_ed25519(key, digest, &pair(r, s, 32)?)
            }
            (KeyMaterial::Ed25519(key), SignatureValues::Ed25519(signature)) => {
                verify_ed25519(key, digest, signature)
            }
            (KeyMaterial::Unsupported(what), _) => Err(format!("{what} is not supported")),
            _ => Err("the signature's algorithm does not match the key's".to_owned()),
        }
    }
}

fn read_oid<'a>(reader: &mut Reader<'a>) -> Result<&'a [u8], OpenPgpError> {
    let length = usize::from(reader.u8()?);
    reader.take(length)
}

/// `r || s`, each left-padded with zeros to `size` bytes (OpenPGP strips leading zeros).
fn pair(r: &[u8], s: &[u8], size: usize) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(2 * size);
    for value in [r, s] {
        let padding = size
            .checked_sub(value.len())
            .ok_or("a signature value is longer than the curve allows")?;
        out.resize(out.len() + padding, 0);
        out.extend_from_slice(value);
    }
    Ok(out)
}

/// ECDSA over an OpenPGP digest: the digest is the prehash.
fn verify_prehash<K, S>(point: &[u8], digest: &[u8], signature: &[u8]) -> Result<(), String>
where
    K: for<'a> TryFrom<&'a [u8]> + PrehashVerifier<S>,
    S: for<'a> TryFrom<&'a [u8]>,
{
    let key = K::try_from(point).map_err(|_| "the ECDSA public point is invalid".to_owned())?;
    let signature =
        S::try_from(signature).map_err(|_| "the ECDSA signature values are invalid".to_owned())?;
    key.verify_prehash(digest, &signature)
        .map_err(|_| "the ECDSA signature does not verify".to_owned())
}

/// EdDSA in OpenPGP signs the digest, not the data.
fn verify_ed25519(key: &[u8; 32], digest: &[u8], signature: &[u8]) -> Result<(), String> {
    let key = ed25519_dalek::VerifyingKey::from_bytes(key)
        .map_err(|_| "the Ed25519 public key is invalid".to_owned())?;
    let signature = ed25519_dalek::Signature::from_slice(signature)
        .map_err(|_| "the Ed25519 signature is not 64 bytes".to_owned())?;
    key.verify_strict(digest, &signature)
        .map_err(|_| "the Ed25519 signature does not verify".to_owned())
}

/// RSASSA-PKCS1-v1_5 with the signature's hash; the value is left-padded to the modulus size
/// (OpenPGP strips leading zeros from MPIs).
fn verify_rsa(n: &[u8], e: &[u8], hash: Hash, digest: &[u8], value: &[u8]) -> Result<(), String> {
    let key = rsa::PublicKey::new(
        rsa::BoxedUint::from_be_slice_vartime(n),
        rsa::BoxedUint::from_be_slice_vartime(e),
    )
    .map_err(|error| format!("the RSA public key is invalid: {error}"))?;
    let size = rsa::traits::PublicKeyParts::size(&key);
    let mut padded = vec![0; size.saturating_sub(value.len())];
    padded.extend_from_slice(value);
    let scheme = match hash {
        Hash::Sha256 => rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
        Hash::Sha384 => rsa::Pkcs1v15Sign::new::<sha2::Sha384>(),
        Hash::Sha512 => rsa::Pkcs1v15Sign::new::<sha2::Sha512>(),
    };
    key.verify(scheme, digest, &padded)
        .map_err(|_| "the RSA signature does not verify".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ed25519_key_and_fingerprint() {
        // RFC 9580 §A.3's v4 Ed25519 legacy sample key: fingerprint
        // C959BDBAFA32A2F89A153B678CFDE12197965A9A.
        let body = hex::decode(
            "0453f35f0b16092b06010401da470f01010740\
             3f098994bdd916ed4053197934e4a87c80733a1280d62f8010992e43ee3b2406",
        )
        .expect("hex");
        let key = PublicKey::parse(&body).expect("valid key");
        assert_eq!(
            key.fingerprint_hex(),
            "C959BDBAFA32A2F89A153B678CFDE12197965A9A"
        );
        assert_eq!(hex::encode_upper(key.key_id()), "8CFDE12197965A9A");
        assert!(matches!(key.material, KeyMaterial::Ed25519(_)));
        assert_eq!(key.created, 0x53f3_5f0b);
    }

    #[test]
    fn unsupported_algorithms_load() {
        // DSA (17): p, q, g, y, each a one-byte MPI.
        let body = [4, 0, 0, 0, 1, 17, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1];
        let key = PublicKey::parse(&body).expect("loads");
        assert!(matches!(key.material, KeyMaterial::Unsupported(_)));
        assert!(
            key.verify(Hash::Sha256, &[0; 32], &SignatureValues::Other)
                .is_err()
        );
    }

    #[test]
    fn pair_pads_and_bounds() {
        assert_eq!(
            pair(&[1], &[2, 3], 3).expect("fits"),
            vec![0, 0, 1, 0, 2, 3]
        );
        assert!(pair(&[1; 4], &[2], 3).is_err());
    }
}
