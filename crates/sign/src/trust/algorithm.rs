//! Signature and digest algorithm identifiers as X.509, CT and CMS name them, mapped onto
//! [`PublicKey`] verification.
//!
//! An algorithm identifier names both a key family and a hash; the key must be of that
//! family, otherwise an ECDSA-labelled signature could be checked as RSA (or the reverse).

use der::asn1::ObjectIdentifier;

use crate::keys::{HashAlgorithm, KeyAlgorithm, PublicKey, SignatureError};

/// OIDs used by the trust module (RFC 5280, RFC 5758, RFC 8410, RFC 4055, RFC 5652,
/// RFC 3161, RFC 6962 and Fulcio's `docs/oid-info.md`).
pub(crate) mod oid {
    use der::asn1::ObjectIdentifier;

    pub(crate) const ECDSA_WITH_SHA256: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.2");
    pub(crate) const ECDSA_WITH_SHA384: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.3");
    pub(crate) const ECDSA_WITH_SHA512: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.10045.4.3.4");
    pub(crate) const SHA256_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.11");
    pub(crate) const SHA384_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.12");
    pub(crate) const SHA512_WITH_RSA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.13");
    pub(crate) const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
    /// CMS signer infos may name only the key family, the hash coming from `digestAlgorithm`.
    pub(crate) const EC_PUBLIC_KEY: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
    pub(crate) const RSA_ENCRYPTION: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

    pub(crate) const SHA256: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.1");
    pub(crate) const SHA384: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.2");
    pub(crate) const SHA512: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("2.16.840.1.101.3.4.2.3");

    pub(crate) const KP_CODE_SIGNING: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.3");
    pub(crate) const KP_TIME_STAMPING: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.3.8");

    pub(crate) const CT_PRECERT_SCTS: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.3.6.1.4.1.11129.2.4.2");

    pub(crate) const SIGNED_DATA: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.7.2");
    pub(crate) const CT_TST_INFO: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.1.4");
    pub(crate) const CONTENT_TYPE: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.3");
    pub(crate) const MESSAGE_DIGEST: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.4");
    pub(crate) const SIGNING_CERTIFICATE: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.12");
    pub(crate) const SIGNING_CERTIFICATE_V2: ObjectIdentifier =
        ObjectIdentifier::new_unwrap("1.2.840.113549.1.9.16.2.47");
}

/// How a signature is made: the key family and, except for Ed25519, the hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SignatureScheme {
    /// ECDSA over any of the NIST curves, DER signature.
    Ecdsa(HashAlgorithm),
    /// RSA PKCS#1 v1.5.
    RsaPkcs1(HashAlgorithm),
    /// Pure Ed25519.
    Ed25519,
}

impl SignatureScheme {
    /// The scheme an X.509 `signatureAlgorithm` names, if custody verifies it.
    pub(crate) fn from_signature_oid(oid: ObjectIdentifier) -> Option<Self> {
        Some(match oid {
            oid::ECDSA_WITH_SHA256 => Self::Ecdsa(HashAlgorithm::Sha256),
            oid::ECDSA_WITH_SHA384 => Self::Ecdsa(HashAlgorithm::Sha384),
            oid::ECDSA_WITH_SHA512 => Self::Ecdsa(HashAlgorithm::Sha512),
            oid::SHA256_WITH_RSA => Self::RsaPkcs1(HashAlgorithm::Sha256),
            oid::SHA384_WITH_RSA => Self::RsaPkcs1(HashAlgorithm::Sha384),
            oid::SHA512_WITH_RSA => Self::RsaPkcs1(HashAlgorithm::Sha512),
            oid::ED25519 => Self::Ed25519,
            _ => return None,
        })
    }

    /// The scheme a CMS signer info names: a full signature algorithm, or only a key family
    /// (`id-ecPublicKey`, `rsaEncryption`) with the hash given by its `digestAlgorithm`.
    pub(crate) fn from_cms(signature: ObjectIdentifier, digest: HashAlgorithm) -> Option<Self> {
        match signature {
            oid::EC_PUBLIC_KEY => Some(Self::Ecdsa(digest)),
            oid::RSA_ENCRYPTION => Some(Self::RsaPkcs1(digest)),
            other => Self::from_signature_oid(other),
        }
    }

    /// Checks that `key` is of this scheme's family, then verifies `signature` over
    /// `message`. `Ok(false)` means the key does not fit the scheme.
    pub(crate) fn verify(
        self,
        key: &PublicKey,
        message: &[u8],
        signature: &[u8],
    ) -> Result<bool, SignatureError> {
        match (self, key.algorithm()) {
            (
                Self::Ecdsa(hash),
                KeyAlgorithm::EcdsaP256 | KeyAlgorithm::EcdsaP384 | KeyAlgorithm::EcdsaP521,
            )
            | (Self::RsaPkcs1(hash), KeyAlgorithm::Rsa { .. }) => {
                key.verify_with(hash, message, signature).map(|()| true)
            }
            (Self::Ed25519, KeyAlgorithm::Ed25519) => key.verify(message, signature).map(|()| true),
            _ => Ok(false),
        }
    }
}

/// The hash a digest `AlgorithmIdentifier` names (SHA-256/384/512 only).
pub(crate) fn digest_algorithm(oid: ObjectIdentifier) -> Option<HashAlgorithm> {
    match oid {
        oid::SHA256 => Some(HashAlgorithm::Sha256),
        oid::SHA384 => Some(HashAlgorithm::Sha384),
        oid::SHA512 => Some(HashAlgorithm::Sha512),
        _ => None,
    }
}
