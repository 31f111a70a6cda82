//! Version 4 signature packets (RFC 4880 §5.2.3, RFC 9580 §5.2.3): type, algorithms, hashed
//! and unhashed subpackets, the left 16 bits of the digest and the algorithm's values; and the
//! digest a signature covers: the signed data, then the hashed part (version through the hashed
//! subpackets), then the trailer `0x04 0xFF len32`.

use super::OpenPgpError;
use super::packet::Reader;

/// Binary document signature: what `gpg --detach-sign` makes of a commit.
pub(crate) const BINARY_DOCUMENT: u8 = 0x00;
/// Canonical text document signature.
pub(crate) const TEXT_DOCUMENT: u8 = 0x01;
/// User ID certifications, generic through positive.
pub(crate) const CERTIFICATIONS: std::ops::RangeInclusive<u8> = 0x10..=0x13;
/// Subkey binding signature, by the primary key.
pub(crate) const SUBKEY_BINDING: u8 = 0x18;
/// Primary key binding signature ("back signature"), by a signing subkey.
pub(crate) const PRIMARY_KEY_BINDING: u8 = 0x19;
/// Direct-key signature.
pub(crate) const DIRECT_KEY: u8 = 0x1F;
/// Key revocation signature.
pub(crate) const KEY_REVOCATION: u8 = 0x20;
/// Subkey revocation signature.
pub(crate) const SUBKEY_REVOCATION: u8 = 0x28;

/// Key flag: this key may sign data.
pub(crate) const KEY_FLAG_SIGN: u8 = 0x02;

/// The hash algorithms signatures may use here. SHA-1, MD5 and RIPEMD-160 are refused: SHA-1
/// has practical chosen-prefix collisions (2020) and the others are older still.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha256,
    Sha384,
    Sha512,
}

impl Hash {
    /// The hash for RFC 9580 §9.5 algorithm ID `id`, or why it is refused.
    pub(crate) fn from_id(id: u8) -> Result<Self, String> {
        match id {
            8 => Ok(Self::Sha256),
            9 => Ok(Self::Sha384),
            10 => Ok(Self::Sha512),
            1 => Err("MD5 signatures are refused: MD5 is broken".to_owned()),
            2 => Err("SHA-1 signatures are refused: SHA-1 collisions are practical".to_owned()),
            3 => Err("RIPEMD-160 signatures are refused".to_owned()),
            other => Err(format!("unsupported hash algorithm {other}")),
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Sha256 => "SHA-256",
            Self::Sha384 => "SHA-384",
            Self::Sha512 => "SHA-512",
        }
    }

    /// The digest of the concatenation of `parts`.
    pub(crate) fn digest(self, parts: &[&[u8]]) -> Vec<u8> {
        fn run<D: sha2::Digest>(parts: &[&[u8]]) -> Vec<u8> {
            let mut hasher = D::new();
            for part in parts {
                hasher.update(part);
            }
            hasher.finalize().to_vec()
        }
        match self {
            Self::Sha256 => run::<sha2::Sha256>(parts),
            Self::Sha384 => run::<sha2::Sha384>(parts),
            Self::Sha512 => run::<sha2::Sha512>(parts),
        }
    }
}

/// The algorithm-specific values of a signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SignatureValues {
    /// RSA (1, 3): m^d.
    Rsa(Vec<u8>),
    /// ECDSA (19) and legacy EdDSA (22): r and s, leading zeros stripped.
    Pair { r: Vec<u8>, s: Vec<u8> },
    /// Ed25519 (27): the 64-byte native signature.
    Ed25519(Vec<u8>),
    /// Another algorithm, not checked.
    Other,
}

/// A parsed version 4 signature packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signature {
    pub(crate) kind: u8,
    pub(crate) algorithm: u8,
    pub(crate) hash_id: u8,
    /// Version through the end of the hashed subpackets: what is hashed after the data.
    pub(crate) hashed_part: Vec<u8>,
    pub(crate) created: Option<u32>,
    /// Signature expiration: seconds after creation.
    pub(crate) expires_after: Option<u32>,
    /// Key expiration: seconds after the key's creation.
    pub(crate) key_expires_after: Option<u32>,
    pub(crate) key_flags: Option<u8>,
    pub(crate) issuer_key_id: Option<[u8; 8]>,
    pub(crate) issuer_fingerprint: Option<[u8; 20]>,
    /// An embedded signature packet body (subpacket 32): the back signature of a subkey.
    pub(crate) embedded: Option<Vec<u8>>,
    /// A critical hashed subpacket this reader does not know: the signature must not be
    /// trusted (RFC 4880 §5.2.3.1).
    pub(crate) unknown_critical: Option<u8>,
    pub(crate) left16: [u8; 2],
    pub(crate) values: SignatureValues,
}

/// Subpacket types (RFC 9580 §5.2.3.7).
const SUBPACKET_CREATED: u8 = 2;
const SUBPACKET_EXPIRES: u8 = 3;
const SUBPACKET_EXPORTABLE: u8 = 4;
const SUBPACKET_TRUST: u8 = 5;
const SUBPACKET_REGEX: u8 = 6;
const SUBPACKET_REVOCABLE: u8 = 7;
const SUBPACKET_KEY_EXPIRES: u8 = 9;
const SUBPACKET_PREFERRED_SYMMETRIC: u8 = 11;
const SUBPACKET_REVOCATION_KEY: u8 = 12;
const SUBPACKET_ISSUER: u8 = 16;
const SUBPACKET_NOTATION: u8 = 20;
const SUBPACKET_PREFERRED_HASH: u8 = 21;
const SUBPACKET_PREFERRED_COMPRESSION: u8 = 22;
const SUBPACKET_KEY_SERVER_PREFERENCES: u8 = 23;
const SUBPACKET_PREFERRED_KEY_SERVER: u8 = 24;
const SUBPACKET_PRIMARY_USER_ID: u8 = 25;
const SUBPACKET_POLICY_URI: u8 = 26;
const SUBPACKET_KEY_FLAGS: u8 = 27;
const SUBPACKET_SIGNER_USER_ID: u8 = 28;
const SUBPACKET_REVOCATION_REASON: u8 = 29;
const SUBPACKET_FEATURES: u8 = 30;
const SUBPACKET_EMBEDDED_SIGNATURE: u8 = 32;
const SUBPACKET_ISSUER_FINGERPRINT: u8 = 33;
const SUBPACKET_PREFERRED_AEAD: u8 = 34;
const SUBPACKET_INTENDED_RECIPIENT: u8 = 35;
const SUBPACKET_PREFERRED_CIPHER_SUITES: u8 = 39;

/// Subpackets whose meaning this reader knows well enough to honour when critical (the others
/// are preferences or information that do not change validity here).
const KNOWN_SUBPACKETS: &[u8] = &[
    SUBPACKET_CREATED,
    SUBPACKET_EXPIRES,
    SUBPACKET_EXPORTABLE,
    SUBPACKET_REVOCABLE,
    SUBPACKET_KEY_EXPIRES,
    SUBPACKET_PREFERRED_SYMMETRIC,
    SUBPACKET_ISSUER,
    SUBPACKET_PREFERRED_HASH,
    SUBPACKET_PREFERRED_COMPRESSION,
    SUBPACKET_KEY_SERVER_PREFERENCES,
    SUBPACKET_PREFERRED_KEY_SERVER,
    SUBPACKET_PRIMARY_USER_ID,
    SUBPACKET_POLICY_URI,
    SUBPACKET_KEY_FLAGS,
    SUBPACKET_SIGNER_USER_ID,
    SUBPACKET_REVOCATION_REASON,
    SUBPACKET_FEATURES,
    SUBPACKET_EMBEDDED_SIGNATURE,
    SUBPACKET_ISSUER_FINGERPRINT,
    SUBPACKET_PREFERRED_AEAD,
    SUBPACKET_INTENDED_RECIPIENT,
    SUBPACKET_PREFERRED_CIPHER_SUITES,
];

impl Signature {
    /// Parses a signature packet body; versions other than 4 are an error naming the version.
    pub(crate) fn parse(body: &[u8]) -> Result<Self, OpenPgpError> {
        let mut reader = Reader::new(body);
        let version = reader.u8()?;
        if version != 4 {
            return Err(OpenPgpError::UnsupportedVersion {
                packet: "signature",
                version,
            });
        }
        let kind = reader.u8()?;
        let algorithm = reader.u8()?;
        let hash_id = reader.u8()?;
        let hashed_length = usize::from(reader.u16()?);
        let hashed = reader.take(hashed_length)?;
        let hashed_part = body
            .get(..6 + hashed_length)
            .ok_or(OpenPgpError::Truncated {
                offset: 0,
                wanted: 6 + hashed_length,
            })?
            .to_vec();
        let unhashed_length = usize::from(reader.u16()?);
        let unhashed = reader.take(unhashed_length)?;
        let left16 = reader.array()?;
        let values = match algorithm {
            1 | 3 => SignatureValues::Rsa(reader.mpi()?.to_vec()),
            19 | 22 => SignatureValues::Pair {
                r: reader.mpi()?.to_vec(),
                s: reader.mpi()?.to_vec(),
            },
            27 => SignatureValues::Ed25519(reader.take(64)?.to_vec()),
            _ => SignatureValues::Other,
        };
        let mut signature = Self {
            kind,
            algorithm,
            hash_id,
            hashed_part,
            created: None,
            expires_after: None,
            key_expires_after: None,
            key_flags: None,
            issuer_key_id: None,
            issuer_fingerprint: None,
            embedded: None,
            unknown_critical: None,
            left16,
            values,
        };
        signature.read_subpackets(hashed, true)?;
        signature.read_subpackets(unhashed, false)?;
        Ok(signature)
    }

    /// Reads a subpacket area. Validity-bearing facts (times, flags) count only from the
    /// hashed area; the issuer, which only selects a key, and the embedded back signature,
    /// which is verified on its own, from either.
    fn read_subpackets(&mut self, area: &[u8], hashed: bool) -> Result<(), OpenPgpError> {
        let mut reader = Reader::new(area);
        while !reader.is_empty() {
            let first = reader.u8()?;
            let length = match first {
                0..=191 => usize::from(first),
                192..=254 => ((usize::from(first) - 192) << 8) + usize::from(reader.u8()?) + 192,
                255 => reader.u32()? as usize,
            };
            let data = reader.take(length)?;
            let (&kind, value) = data.split_first().ok_or(OpenPgpError::Subpacket {
                reason: "empty subpacket",
            })?;
            let critical = kind & 0x80 != 0;
            let kind = kind & 0x7F;
            let be32 = |value: &[u8]| -> Result<u32, OpenPgpError> {
                value
                    .try_into()
                    .map(u32::from_be_bytes)
                    .map_err(|_| OpenPgpError::Subpacket {
                        reason: "a time subpacket is not 4 bytes",
                    })
            };
            match kind {
                SUBPACKET_ISSUER => {
                    self.issuer_key_id = value.try_into().ok().or(self.issuer_key_id);
                }
                SUBPACKET_ISSUER_FINGERPRINT => {
                    if let Some((4, fingerprint)) = value.split_first().map(|(v, f)| (*v, f)) {
                        self.issuer_fingerprint =
                            fingerprint.try_into().ok().or(self.issuer_fingerprint);
                    }
                }
                // gpg puts the back signature in the unhashed area; it is a signature of its
                // own (by the subkey over both keys), so where it sits does not matter.
                SUBPACKET_EMBEDDED_SIGNATURE => self.embedded = Some(value.to_vec()),
                _ if !hashed => {}
                SUBPACKET_CREATED => self.created = Some(be32(value)?),
                SUBPACKET_EXPIRES => self.expires_after = Some(be32(value)?),
                SUBPACKET_KEY_EXPIRES => self.key_expires_after = Some(be32(value)?),
                SUBPACKET_KEY_FLAGS => self.key_flags = value.first().copied(),
                // Trust, regular expression, revocation key and notation subpackets change
                // what a signature means in ways not honoured here; critical ones are refused.
                SUBPACKET_TRUST
                | SUBPACKET_REGEX
                | SUBPACKET_REVOCATION_KEY
                | SUBPACKET_NOTATION
                    if critical =>
                {
                    self.unknown_critical.get_or_insert(kind);
                }
                _ if critical && !KNOWN_SUBPACKETS.contains(&kind) => {
                    self.unknown_critical.get_or_insert(kind);
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The digest over `signed` (the parts before the hashed part, concatenated) followed by
    /// the hashed part and trailer.
    pub(crate) fn digest(&self, hash: Hash, signed: &[&[u8]]) -> Vec<u8> {
        let length = u32::try_from(self.hashed_part.len())
            .expect("the hashed part is at most 6 + 65535 bytes")
            .to_be_bytes();
        let trailer = [4, 0xFF, length[0], length[1], length[2], length[3]];
        let mut parts: Vec<&[u8]> = signed.to_vec();
        parts.push(&self.hashed_part);
        parts.push(&trailer);
        hash.digest(&parts)
    }
}

/// The bytes that stand for a key in a key signature's hash: `0x99`, a two-byte length, the
/// public-key packet body (RFC 4880 §5.2.4).
pub(crate) fn key_hash_prefix(body: &[u8]) -> Vec<u8> {
    let length = u16::try_from(body.len()).unwrap_or(u16::MAX).to_be_bytes();
    let mut prefix = Vec::with_capacity(body.len() + 3);
    prefix.push(0x99);
    prefix.extend_from_slice(&length);
    prefix.extend_from_slice(body);
    prefix
}

/// The bytes that stand for a user ID in a certification's hash: `0xB4`, a four-byte length,
/// the user ID.
pub(crate) fn user_id_hash_prefix(user_id: &[u8]) -> Vec<u8> {
    let length = u32::try_from(user_id.len())
        .unwrap_or(u32::MAX)
        .to_be_bytes();
    let mut prefix = Vec::with_capacity(user_id.len() + 5);
    prefix.push(0xB4);
    prefix.extend_from_slice(&length);
    prefix.extend_from_slice(user_id);
    prefix
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A v4 EdDSA binary signature packet body with the given subpacket areas.
    fn packet(hashed: &[u8], unhashed: &[u8]) -> Vec<u8> {
        let mut body = vec![4, BINARY_DOCUMENT, 22, 8];
        body.extend_from_slice(&u16::try_from(hashed.len()).expect("small").to_be_bytes());
        body.extend_from_slice(hashed);
        body.extend_from_slice(&u16::try_from(unhashed.len()).expect("small").to_be_bytes());
        body.extend_from_slice(unhashed);
        body.extend_from_slice(&[0xAB, 0xCD, 0, 8, 1, 0, 8, 2]);
        body
    }

    #[test]
    fn reads_subpackets_and_values() {
        let mut hashed = vec![5, SUBPACKET_CREATED, 0, 0, 1, 0];
        hashed.extend_from_slice(&[22, SUBPACKET_ISSUER_FINGERPRINT, 4]);
        hashed.extend_from_slice(&[0x11; 20]);
        hashed.extend_from_slice(&[2, SUBPACKET_KEY_FLAGS, KEY_FLAG_SIGN]);
        let mut unhashed = vec![9, SUBPACKET_ISSUER];
        unhashed.extend_from_slice(&[0x22; 8]);
        // Times in the unhashed area are not trusted.
        unhashed.extend_from_slice(&[5, SUBPACKET_EXPIRES, 0, 0, 0, 1]);
        let body = packet(&hashed, &unhashed);
        let signature = Signature::parse(&body).expect("valid");
        assert_eq!(signature.created, Some(256));
        assert_eq!(signature.expires_after, None);
        assert_eq!(signature.issuer_fingerprint, Some([0x11; 20]));
        assert_eq!(signature.issuer_key_id, Some([0x22; 8]));
        assert_eq!(signature.key_flags, Some(KEY_FLAG_SIGN));
        assert_eq!(signature.left16, [0xAB, 0xCD]);
        assert_eq!(signature.hashed_part, body[..6 + hashed.len()]);
        assert_eq!(
            signature.values,
            SignatureValues::Pair {
                r: vec![1],
                s: vec![2]
            }
        );
        assert_eq!(signature.unknown_critical, None);
    }

    #[test]
    fn unknown_critical_subpacket_is_recorded() {
        let signature = Signature::parse(&packet(&[1, 0x80 | 0x64], &[])).expect("valid");
        assert_eq!(signature.unknown_critical, Some(0x64));
    }

    #[test]
    fn refused_and_malformed() {
        assert!(Hash::from_id(2).is_err_and(|reason| reason.contains("SHA-1")));
        assert!(Hash::from_id(1).is_err_and(|reason| reason.contains("MD5")));
        assert!(matches!(
            Signature::parse(&[3, 0]),
            Err(OpenPgpError::UnsupportedVersion { version: 3, .. })
        ));
        let mut truncated = packet(&[], &[]);
        truncated.truncate(truncated.len() - 1);
        assert!(Signature::parse(&truncated).is_err());
    }

    #[test]
    fn digest_appends_hashed_part_and_trailer() {
        let signature = Signature::parse(&packet(&[], &[])).expect("valid");
        let expected = Hash::Sha256.digest(&[
            b"data",
            &[4, BINARY_DOCUMENT, 22, 8, 0, 0],
            &[4, 0xFF, 0, 0, 0, 6],
        ]);
        assert_eq!(signature.digest(Hash::Sha256, &[b"data"]), expected);
    }
}
