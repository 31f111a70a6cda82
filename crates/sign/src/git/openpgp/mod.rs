//! OpenPGP commit signatures, with our own packet reader (rpgp is on the previous RustCrypto
//! generation; see the workspace Cargo.toml).
//!
//! [`Keyring`] reads armored or binary transferable public keys (RFC 4880 §11.1), checks their
//! self-signatures once (user ID certifications, direct-key signatures, subkey bindings with
//! their primary key back signatures, revocations) and indexes primary keys and subkeys by
//! fingerprint and key ID. [`verify_detached`] checks a commit's armored signature packet
//! against it: the issuer's key, the left 16 bits, the cryptographic signature, then the key's
//! validity (revoked, expired at the signature time or now — gpg's `EXPKEYSIG` — or a subkey
//! without a valid binding).

mod armor;
mod key;
mod packet;
mod signature;

use std::path::Path;

use jiff::Timestamp;

use self::key::PublicKey;
use self::packet::{TAG_PUBLIC_KEY, TAG_PUBLIC_SUBKEY, TAG_SIGNATURE, TAG_USER_ID};
use self::signature::{Hash, Signature};
use super::error::GitError;
use super::{SignatureCheck, Status};

/// A malformed OpenPGP structure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OpenPgpError {
    /// ASCII armor is malformed.
    #[error("armor starting on line {line}: {reason}")]
    Armor {
        /// The line of the BEGIN line, 1-based.
        line: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A packet header is malformed.
    #[error("packet at byte {offset}: {reason}")]
    Packet {
        /// Where the packet starts.
        offset: usize,
        /// What is wrong.
        reason: &'static str,
    },
    /// A packet ends early.
    #[error("truncated: {wanted} bytes wanted at byte {offset}")]
    Truncated {
        /// Where the read started, within its packet or area.
        offset: usize,
        /// How many bytes were wanted.
        wanted: usize,
    },
    /// A signature subpacket is malformed.
    #[error("signature subpacket: {reason}")]
    Subpacket {
        /// What is wrong.
        reason: &'static str,
    },
    /// A key packet's values are malformed.
    #[error("public key: {reason}")]
    Key {
        /// What is wrong.
        reason: &'static str,
    },
    /// A packet version this reader does not handle (v3 keys, v5/v6 packets).
    #[error("unsupported {packet} packet version {version}")]
    UnsupportedVersion {
        /// Which packet.
        packet: &'static str,
        /// Its version.
        version: u8,
    },
    /// Packets out of the order of a transferable public key.
    #[error("{0}")]
    Structure(&'static str),
}

/// Whether a key may be used, from its self-signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Validity {
    /// Usable; expires at this time, if ever.
    Valid {
        expires: Option<Timestamp>,
        /// Key flags from the self-signature, when it has them.
        flags: Option<u8>,
    },
    /// Revoked by a verified revocation signature.
    Revoked,
    /// Not usable, and why.
    Invalid(String),
}

#[derive(Debug, Clone)]
struct Subkey {
    key: PublicKey,
    validity: Validity,
}

/// A primary key with its verified user IDs and subkeys.
#[derive(Debug, Clone)]
struct Certificate {
    primary: PublicKey,
    user_ids: Vec<String>,
    validity: Validity,
    subkeys: Vec<Subkey>,
}

/// OpenPGP public keys (`--gpg-keyring`): one or many transferable public keys, armored or
/// binary, as `gpg --export` writes them.
#[derive(Debug, Clone, Default)]
pub struct Keyring {
    certificates: Vec<Certificate>,
}

impl Keyring {
    /// Reads a keyring file.
    pub fn from_file(path: &Path) -> Result<Self, GitError> {
        let bytes = fs_err::read(path).map_err(GitError::ReadKeyring)?;
        Self::parse(&bytes).map_err(|source| GitError::Keyring {
            path: path.to_owned(),
            source,
        })
    }

    /// Parses armored or binary keys. Certificates whose primary key is not version 4 are
    /// skipped; malformed packets are an error.
    pub fn parse(bytes: &[u8]) -> Result<Self, OpenPgpError> {
        let blocks = if armor::is_armored(bytes) {
            armor::decode_all(bytes)?
        } else {
            vec![bytes.to_vec()]
        };
        let mut certificates = Vec::new();
        for block in &blocks {
            let packets: Vec<_> = packet::packets(block).collect::<Result<_, _>>()?;
            let mut rest = packets.as_slice();
            while let Some((first, tail)) = rest.split_first() {
                let end = tail
                    .iter()
                    .position(|packet| packet.tag == TAG_PUBLIC_KEY)
                    .unwrap_or(tail.len());
                let (members, next) = tail.split_at(end);
                rest = next;
                if first.tag != TAG_PUBLIC_KEY {
                    return Err(OpenPgpError::Structure(
                        "a keyring must start with a public-key packet",
                    ));
                }
                match PublicKey::parse(first.body) {
                    Ok(primary) => certificates.push(Certificate::build(primary, members)?),
                    Err(OpenPgpError::UnsupportedVersion { .. }) => {}
                    Err(error) => return Err(error),
                }
            }
        }
        Ok(Self { certificates })
    }

    /// The number of primary keys.
    pub fn len(&self) -> usize {
        self.certificates.len()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.certificates.is_empty()
    }

    /// The certificate and, when the issuer is a subkey, that subkey.
    fn find(&self, signature: &Signature) -> Option<(&Certificate, Option<&Subkey>)> {
        let matches =
            |key: &PublicKey| match (signature.issuer_fingerprint, signature.issuer_key_id) {
                (Some(fingerprint), _) => key.fingerprint == fingerprint,
                (None, Some(id)) => key.key_id() == id,
                (None, None) => false,
            };
        self.certificates.iter().find_map(|certificate| {
            if matches(&certificate.primary) {
                return Some((certificate, None));
            }
            certificate
                .subkeys
                .iter()
                .find(|subkey| matches(&subkey.key))
                .map(|subkey| (certificate, Some(subkey)))
        })
    }
}

/// What the signatures that follow a packet are about.
enum Subject {
    Primary,
    UserId(Vec<u8>),
    Subkey(usize),
    /// A user attribute or a key version we skip: its signatures are ignored.
    Other,
}

/// Trust packets (in gpg's own keyring files) and marker packets: they sit between a packet
/// and its signatures without changing what the signatures are about.
const TAG_TRUST: u8 = 12;
const TAG_MARKER: u8 = 10;

impl Certificate {
    /// Checks the self-signatures among `members` (the packets after the primary key).
    fn build(primary: PublicKey, members: &[packet::Packet<'_>]) -> Result<Self, OpenPgpError> {
        let primary_prefix = signature::key_hash_prefix(&primary.body);
        let mut user_ids = Vec::new();
        let mut revoked = false;
        // The newest valid self-signature on the primary key: (created, signature).
        let mut newest: Option<(u32, Signature)> = None;
        let mut subkeys: Vec<(PublicKey, Vec<Signature>)> = Vec::new();
        let mut subject = Subject::Primary;
        for member in members {
            match member.tag {
                TAG_USER_ID => subject = Subject::UserId(member.body.to_vec()),
                TAG_PUBLIC_SUBKEY => match PublicKey::parse(member.body) {
                    Ok(key) => {
                        subkeys.push((key, Vec::new()));
                        subject = Subject::Subkey(subkeys.len() - 1);
                    }
                    Err(OpenPgpError::UnsupportedVersion { .. }) => subject = Subject::Other,
                    Err(error) => return Err(error),
                },
                TAG_TRUST | TAG_MARKER => {}
                TAG_SIGNATURE => {
                    // Signature versions we do not read, and signatures by other keys (third
                    // party certifications), certify nothing here.
                    let Ok(signature) = Signature::parse(member.body) else {
                        continue;
                    };
                    if !is_by(&signature, &primary) {
                        continue;
                    }
                    let kind = signature.kind;
                    match &subject {
                        Subject::Primary if kind == signature::KEY_REVOCATION => {
                            revoked |= check(&primary, &signature, &[&primary_prefix]).is_ok();
                        }
                        Subject::Primary
                            if kind == signature::DIRECT_KEY
                                && check(&primary, &signature, &[&primary_prefix]).is_ok() =>
                        {
                            keep_newest(&mut newest, signature);
                        }
                        Subject::UserId(user_id)
                            if signature::CERTIFICATIONS.contains(&kind)
                                && check(
                                    &primary,
                                    &signature,
                                    &[&primary_prefix, &signature::user_id_hash_prefix(user_id)],
                                )
                                .is_ok() =>
                        {
                            let name = String::from_utf8_lossy(user_id).into_owned();
                            if !user_ids.contains(&name) {
                                user_ids.push(name);
                            }
                            keep_newest(&mut newest, signature);
                        }
                        Subject::Subkey(index) => {
                            if let Some((_, signatures)) = subkeys.get_mut(*index) {
                                signatures.push(signature);
                            }
                        }
                        _ => {}
                    }
                }
                // User attributes and packets of later versions.
                _ => subject = Subject::Other,
            }
        }
        let validity = if revoked {
            Validity::Revoked
        } else if let Some((_, signature)) = &newest {
            Validity::Valid {
                expires: expiry(&primary, signature.key_expires_after),
                flags: signature.key_flags,
            }
        } else {
            Validity::Invalid("the key has no valid self-signature".to_owned())
        };
        let subkeys = subkeys
            .into_iter()
            .map(|(key, signatures)| {
                let validity = subkey_validity(&primary, &primary_prefix, &key, &signatures);
                Subkey { key, validity }
            })
            .collect();
        Ok(Self {
            primary,
            user_ids,
            validity,
            subkeys,
        })
    }
}

/// Whether `signature` names `key` as its issuer.
fn is_by(signature: &Signature, key: &PublicKey) -> bool {
    match (signature.issuer_fingerprint, signature.issuer_key_id) {
        (Some(fingerprint), _) => fingerprint == key.fingerprint,
        (None, Some(id)) => id == key.key_id(),
        (None, None) => false,
    }
}

fn keep_newest(newest: &mut Option<(u32, Signature)>, signature: Signature) {
    let created = signature.created.unwrap_or(0);
    if newest.as_ref().is_none_or(|(time, _)| created >= *time) {
        *newest = Some((created, signature));
    }
}

fn expiry(key: &PublicKey, expires_after: Option<u32>) -> Option<Timestamp> {
    expires_after
        .filter(|&seconds| seconds != 0)
        .and_then(|seconds| {
            Timestamp::from_second(i64::from(key.created) + i64::from(seconds)).ok()
        })
}

/// A subkey is valid with a verified binding signature from the primary key; a signing
/// subkey's binding must also embed a verified back signature by the subkey (RFC 4880
/// §5.2.1, 0x19), so nobody can claim someone else's signing key as their subkey.
fn subkey_validity(
    primary: &PublicKey,
    primary_prefix: &[u8],
    subkey: &PublicKey,
    signatures: &[Signature],
) -> Validity {
    let subkey_prefix = signature::key_hash_prefix(&subkey.body);
    let signed: [&[u8]; 2] = [primary_prefix, &subkey_prefix];
    if signatures.iter().any(|signature| {
        signature.kind == signature::SUBKEY_REVOCATION && check(primary, signature, &signed).is_ok()
    }) {
        return Validity::Revoked;
    }
    let mut newest: Option<(u32, &Signature)> = None;
    let mut reason = "the subkey has no valid binding signature from its primary key".to_owned();
    for signature in signatures
        .iter()
        .filter(|signature| signature.kind == signature::SUBKEY_BINDING)
    {
        if let Err(error) = check(primary, signature, &signed) {
            reason = format!("the subkey's binding signature is invalid: {error}");
            continue;
        }
        let signs = signature
            .key_flags
            .is_some_and(|flags| flags & signature::KEY_FLAG_SIGN != 0);
        if signs {
            let back = signature
                .embedded
                .as_deref()
                .and_then(|body| Signature::parse(body).ok())
                .filter(|back| back.kind == signature::PRIMARY_KEY_BINDING);
            if let Err(error) = back
                .ok_or_else(|| "no primary key binding (back) signature".to_owned())
                .and_then(|back| check(subkey, &back, &signed))
            {
                reason = format!("the signing subkey is not cross-certified: {error}");
                continue;
            }
        }
        let created = signature.created.unwrap_or(0);
        if newest.is_none_or(|(time, _)| created >= time) {
            newest = Some((created, signature));
        }
    }
    match newest {
        Some((_, signature)) => Validity::Valid {
            expires: expiry(subkey, signature.key_expires_after),
            flags: signature.key_flags,
        },
        None => Validity::Invalid(reason),
    }
}

/// Checks `signature` by `key` over `signed` then the signature's hashed part and trailer.
fn check(key: &PublicKey, signature: &Signature, signed: &[&[u8]]) -> Result<(), String> {
    if let Some(kind) = signature.unknown_critical {
        return Err(format!("unknown critical subpacket {kind}"));
    }
    let hash = Hash::from_id(signature.hash_id)?;
    let digest = signature.digest(hash, signed);
    if digest.get(..2) != Some(&signature.left16[..]) {
        return Err(format!(
            "the {} digest does not match the signature's left 16 bits",
            hash.name()
        ));
    }
    key.verify(hash, &digest, &signature.values)
}

/// Checks an armored detached signature over `payload` against `keyring` at time `now`.
pub(crate) fn verify_detached(
    armored: &[u8],
    payload: &[u8],
    keyring: Option<&Keyring>,
    now: Timestamp,
) -> SignatureCheck {
    let signature = match parse_detached(armored) {
        Ok(signature) => signature,
        Err(reason) => return SignatureCheck::new(Status::BadSignature, reason),
    };
    let issuer = signature.issuer_fingerprint.map_or_else(
        || signature.issuer_key_id.map(hex::encode_upper),
        |fingerprint| Some(hex::encode_upper(fingerprint)),
    );
    let with_issuer = |status, reason: String| SignatureCheck {
        key: issuer.clone(),
        ..SignatureCheck::new(status, reason)
    };
    match signature.kind {
        signature::BINARY_DOCUMENT => {}
        signature::TEXT_DOCUMENT => {
            return with_issuer(
                Status::Unsupported,
                "text-mode signatures (type 0x01) are not supported".to_owned(),
            );
        }
        other => {
            return with_issuer(
                Status::BadSignature,
                format!("signature type {other:#04x} is not a document signature"),
            );
        }
    }
    if let Err(reason) = Hash::from_id(signature.hash_id) {
        return with_issuer(Status::Unsupported, reason);
    }
    let Some(keyring) = keyring else {
        return with_issuer(
            Status::UnknownKey,
            "no OpenPGP keyring was given (--gpg-keyring)".to_owned(),
        );
    };
    let Some((certificate, subkey)) = keyring.find(&signature) else {
        let reason = match &issuer {
            Some(issuer) => format!("unknown key {issuer}: not in the keyring"),
            None => "the signature names no issuer key".to_owned(),
        };
        return with_issuer(Status::UnknownKey, reason);
    };
    let key = subkey.map_or(&certificate.primary, |subkey| &subkey.key);
    let (status, reason) = match check(key, &signature, &[payload]) {
        Err(reason) => (
            Status::BadSignature,
            format!("the signature is invalid for this commit: {reason}"),
        ),
        Ok(()) => match key_allows(certificate, subkey, &signature, now) {
            Ok(()) => (Status::Verified, String::new()),
            Err((status, reason)) => (status, reason),
        },
    };
    SignatureCheck {
        status,
        reason,
        key: Some(key.fingerprint_hex()),
        signer: Some(certificate.user_ids.join(", ")).filter(|ids| !ids.is_empty()),
    }
}

/// Whether the key that made the (cryptographically valid) `signature` was usable for it:
/// created before it, not revoked, not expired at its time or `now`, a bound signing subkey.
fn key_allows(
    certificate: &Certificate,
    subkey: Option<&Subkey>,
    signature: &Signature,
    now: Timestamp,
) -> Result<(), (Status, String)> {
    let key = subkey.map_or(&certificate.primary, |subkey| &subkey.key);
    let created = signature
        .created
        .and_then(|seconds| Timestamp::from_second(i64::from(seconds)).ok())
        .ok_or((
            Status::BadSignature,
            "the signature has no hashed creation time".to_owned(),
        ))?;
    if signature.created < Some(key.created) {
        return Err((
            Status::BadSignature,
            "the signature is older than its key".to_owned(),
        ));
    }
    if let Some(expires) = expiry_of_signature(created, signature.expires_after)
        && expires <= now
    {
        return Err((
            Status::Expired,
            format!("the signature expired at {expires}"),
        ));
    }
    let validities = std::iter::once(("key", &certificate.validity))
        .chain(subkey.map(|subkey| ("subkey", &subkey.validity)));
    for (which, validity) in validities {
        match validity {
            Validity::Revoked => return Err((Status::Revoked, format!("the {which} is revoked"))),
            Validity::Invalid(reason) => return Err((Status::NotAllowed, reason.clone())),
            Validity::Valid {
                expires: Some(expires),
                ..
            } if *expires <= created || *expires <= now => {
                return Err((Status::Expired, format!("the {which} expired at {expires}")));
            }
            Validity::Valid { .. } => {}
        }
    }
    if let Some(Validity::Valid {
        flags: Some(flags), ..
    }) = subkey.map(|subkey| &subkey.validity)
        && flags & signature::KEY_FLAG_SIGN == 0
    {
        return Err((
            Status::NotAllowed,
            "the subkey is not allowed to sign (key flags)".to_owned(),
        ));
    }
    Ok(())
}

fn expiry_of_signature(created: Timestamp, expires_after: Option<u32>) -> Option<Timestamp> {
    let seconds = expires_after.filter(|&seconds| seconds != 0)?;
    created
        .checked_add(jiff::SignedDuration::from_secs(i64::from(seconds)))
        .ok()
}

/// The one signature packet of an armored detached signature.
fn parse_detached(armored: &[u8]) -> Result<Signature, String> {
    let blocks = armor::decode_all(armored).map_err(|error| format!("malformed armor: {error}"))?;
    let [block] = blocks.as_slice() else {
        return Err(format!("{} armored blocks, expected one", blocks.len()));
    };
    let packets: Vec<_> = packet::packets(block)
        .collect::<Result<_, _>>()
        .map_err(|error| format!("malformed packets: {error}"))?;
    let [packet] = packets.as_slice() else {
        return Err(format!("{} packets, expected one signature", packets.len()));
    };
    if packet.tag != TAG_SIGNATURE {
        return Err(format!(
            "packet tag {}, expected a signature (2)",
            packet.tag
        ));
    }
    Signature::parse(packet.body).map_err(|error| format!("malformed signature: {error}"))
}

#[cfg(test)]
mod tests {
    use ::signature::Signer as _;
    use base64::Engine as _;

    use super::*;

    const CREATED: u32 = 1_600_000_000;
    const USER_ID: &[u8] = b"Tess <tess@example.com>";

    /// A new-format packet.
    fn packet(tag: u8, body: &[u8]) -> Vec<u8> {
        let mut packet = vec![0xC0 | tag];
        let length = body.len();
        if length < 192 {
            packet.push(u8::try_from(length).expect("small"));
        } else {
            let length = length - 192;
            packet.push(u8::try_from((length >> 8) + 192).expect("two-octet length"));
            packet.push(u8::try_from(length & 0xFF).expect("byte"));
        }
        packet.extend_from_slice(body);
        packet
    }

    /// A v4 Ed25519 key body, as algorithm 27 (RFC 9580) or legacy EdDSA 22.
    fn key_body(algorithm: u8, public: &[u8; 32]) -> Vec<u8> {
        let mut body = vec![4];
        body.extend_from_slice(&CREATED.to_be_bytes());
        body.push(algorithm);
        if algorithm == 22 {
            body.push(9);
            body.extend_from_slice(key::OID_ED25519_LEGACY);
            body.extend_from_slice(&[0x01, 0x07, 0x40]);
        }
        body.extend_from_slice(public);
        body
    }

    fn mpi(value: &[u8]) -> Vec<u8> {
        let value = &value[value.iter().take_while(|&&byte| byte == 0).count()..];
        let bits = value.first().map_or(0, |&first| {
            (value.len() - 1) * 8 + (8 - first.leading_zeros() as usize)
        });
        let mut out = u16::try_from(bits).expect("small").to_be_bytes().to_vec();
        out.extend_from_slice(value);
        out
    }

    fn armor(label: &str, data: &[u8]) -> Vec<u8> {
        let body = base64::engine::general_purpose::STANDARD.encode(data);
        format!("-----BEGIN {label}-----\n\n{body}\n-----END {label}-----\n").into_bytes()
    }

    struct Case {
        signer: ed25519_dalek::SigningKey,
        key: Vec<u8>,
        algorithm: u8,
    }

    impl Case {
        fn new(algorithm: u8) -> Self {
            let signer = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
            let key = key_body(algorithm, signer.verifying_key().as_bytes());
            Self {
                signer,
                key,
                algorithm,
            }
        }

        /// The key with its user ID, certified unless `certified` is false.
        fn keyring(&self, certified: bool) -> Keyring {
            let mut data = packet(TAG_PUBLIC_KEY, &self.key);
            data.extend(packet(TAG_USER_ID, USER_ID));
            if certified {
                let certification = self.signature_body(
                    0x13,
                    8,
                    &[
                        &signature::key_hash_prefix(&self.key),
                        &signature::user_id_hash_prefix(USER_ID),
                    ],
                    &[],
                );
                data.extend(packet(TAG_SIGNATURE, &certification));
            }
            Keyring::parse(&armor("PGP PUBLIC KEY BLOCK", &data)).expect("keyring")
        }

        /// A v4 signature body of `kind` by this key over `data`, labelled with `hash_id` but
        /// always hashed with SHA-256 (a mislabelled one is refused before hashing), with
        /// `extra` hashed subpackets.
        fn signature_body(&self, kind: u8, hash_id: u8, data: &[&[u8]], extra: &[u8]) -> Vec<u8> {
            let fingerprint = PublicKey::parse(&self.key).expect("key").fingerprint;
            let mut subpackets = vec![5, 2];
            subpackets.extend_from_slice(&(CREATED + 10).to_be_bytes());
            subpackets.extend_from_slice(&[22, 33, 4]);
            subpackets.extend_from_slice(&fingerprint);
            subpackets.extend_from_slice(extra);
            let mut body = vec![4, kind, self.algorithm, hash_id];
            let subpackets_length = u16::try_from(subpackets.len()).expect("small");
            body.extend_from_slice(&subpackets_length.to_be_bytes());
            body.extend_from_slice(&subpackets);
            let length = u32::try_from(body.len()).expect("small").to_be_bytes();
            let trailer = [4, 0xFF, length[0], length[1], length[2], length[3]];
            let mut parts = data.to_vec();
            parts.push(&body);
            parts.push(&trailer);
            let digest = Hash::Sha256.digest(&parts);
            let signature = self.signer.sign(&digest).to_bytes();
            body.extend_from_slice(&[0, 0]);
            body.extend_from_slice(&digest[..2]);
            if self.algorithm == 22 {
                body.extend_from_slice(&mpi(&signature[..32]));
                body.extend_from_slice(&mpi(&signature[32..]));
            } else {
                body.extend_from_slice(&signature);
            }
            body
        }

        fn sign(&self, kind: u8, hash_id: u8, payload: &[u8], extra: &[u8]) -> Vec<u8> {
            let body = self.signature_body(kind, hash_id, &[payload], extra);
            armor("PGP SIGNATURE", &packet(TAG_SIGNATURE, &body))
        }
    }

    fn now() -> Timestamp {
        Timestamp::from_second(i64::from(CREATED) + 100).expect("valid")
    }

    #[test]
    fn ed25519_and_legacy_eddsa_signatures_verify() {
        for algorithm in [27, 22] {
            let case = Case::new(algorithm);
            let keyring = case.keyring(true);
            let signature = case.sign(signature::BINARY_DOCUMENT, 8, b"payload", &[]);
            let check = verify_detached(&signature, b"payload", Some(&keyring), now());
            assert_eq!(
                check.status,
                Status::Verified,
                "{algorithm}: {}",
                check.reason
            );
            assert_eq!(check.signer.as_deref(), Some("Tess <tess@example.com>"));
            let fingerprint = PublicKey::parse(&case.key).expect("key").fingerprint_hex();
            assert_eq!(check.key, Some(fingerprint));

            let tampered = verify_detached(&signature, b"payloaD", Some(&keyring), now());
            assert_eq!(tampered.status, Status::BadSignature, "{}", tampered.reason);
        }
    }

    #[test]
    fn key_and_signature_problems_have_their_status() {
        let case = Case::new(27);
        let keyring = case.keyring(true);
        let check = |signature: &[u8], keyring: Option<&Keyring>| {
            verify_detached(signature, b"payload", keyring, now())
        };
        let good = case.sign(signature::BINARY_DOCUMENT, 8, b"payload", &[]);
        let uncertified = check(&good, Some(&case.keyring(false)));
        assert_eq!(uncertified.status, Status::NotAllowed);
        assert_eq!(uncertified.reason, "the key has no valid self-signature");
        let unknown = check(&good, Some(&Keyring::default()));
        assert_eq!(unknown.status, Status::UnknownKey);
        assert!(
            unknown.reason.starts_with("unknown key "),
            "{}",
            unknown.reason
        );
        assert_eq!(check(&good, None).status, Status::UnknownKey);
        // Expires 50 seconds after creation, i.e. before `now`.
        let expiring = case.sign(
            signature::BINARY_DOCUMENT,
            8,
            b"payload",
            &[5, 3, 0, 0, 0, 50],
        );
        assert_eq!(check(&expiring, Some(&keyring)).status, Status::Expired);
        let sha1 = case.sign(signature::BINARY_DOCUMENT, 2, b"payload", &[]);
        let refused = check(&sha1, Some(&keyring));
        assert_eq!(refused.status, Status::Unsupported);
        assert!(refused.reason.contains("SHA-1"), "{}", refused.reason);
        let text = case.sign(signature::TEXT_DOCUMENT, 8, b"payload", &[]);
        assert_eq!(check(&text, Some(&keyring)).status, Status::Unsupported);
        let critical = case.sign(signature::BINARY_DOCUMENT, 8, b"payload", &[1, 0x80 | 0x64]);
        assert_eq!(
            check(&critical, Some(&keyring)).status,
            Status::BadSignature
        );
        let garbage = check(b"-----BEGIN PGP SIGNATURE-----\n\nAAAA\n", Some(&keyring));
        assert_eq!(garbage.status, Status::BadSignature);
    }
}
