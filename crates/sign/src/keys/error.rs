//! Errors of the [`keys`](super) module: reading and writing key material ([`KeyError`]) and
//! producing or checking signatures ([`SignatureError`]).

use std::error::Error as StdError;

use super::KeyAlgorithm;

/// The boxed cause of a parse failure inside one of the RustCrypto decoders.
pub type BoxedSource = Box<dyn StdError + Send + Sync + 'static>;

/// Why key material could not be read, written or generated.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// The text holds no `-----BEGIN …-----` line.
    #[error("no PEM block found (expected a line `-----BEGIN {expected}-----`)")]
    NoPemBlock {
        /// The label (or labels) the caller accepts.
        expected: &'static str,
    },
    /// A PEM block starts but its `-----END …-----` line is missing (a truncated file).
    #[error(
        "PEM block `{label}` starting on line {line} has no `-----END {label}-----` line (truncated?)"
    )]
    UnterminatedPem {
        /// The label of the opened block.
        label: String,
        /// 1-based line of the BEGIN line.
        line: usize,
    },
    /// The body of a PEM block is not valid base64.
    #[error("PEM block `{label}` starting on line {line} is not valid base64")]
    PemBase64 {
        /// The label of the block.
        label: String,
        /// 1-based line of the BEGIN line.
        line: usize,
        /// The decoder's complaint.
        #[source]
        source: base64::DecodeError,
    },
    /// The PEM label is not one this reader accepts.
    #[error("unexpected PEM block `{found}` (expected {expected})")]
    UnexpectedLabel {
        /// The label found.
        found: String,
        /// The labels accepted, for the message.
        expected: &'static str,
    },
    /// The key is a cosign encrypted key and needs a password (use
    /// [`SigningKey::from_cosign_pem`](super::SigningKey::from_cosign_pem)).
    #[error("`{label}` is an encrypted cosign key and needs its password")]
    Encrypted {
        /// The PEM label found.
        label: String,
    },
    /// A DER structure (SPKI, PKCS#8, SEC1, PKCS#1) does not parse.
    #[error("malformed {structure}")]
    Malformed {
        /// The structure that failed, such as "SubjectPublicKeyInfo".
        structure: &'static str,
        /// The decoder's complaint.
        #[source]
        source: BoxedSource,
    },
    /// The key's algorithm OID is not one custody (or cosign) supports.
    #[error("unsupported key algorithm {oid} (supported: ECDSA P-256/P-384/P-521, Ed25519, RSA)")]
    UnsupportedAlgorithm {
        /// The algorithm OID in dotted form.
        oid: String,
    },
    /// An elliptic-curve key on a curve other than P-256, P-384 or P-521.
    #[error("unsupported elliptic curve {oid} (supported: P-256, P-384, P-521)")]
    UnsupportedCurve {
        /// The curve OID in dotted form.
        oid: String,
    },
    /// An elliptic-curve key that does not name its curve.
    #[error("elliptic-curve key does not name its curve (only named curves are supported)")]
    MissingCurve,
    /// An RSA key outside the sizes cosign accepts.
    #[error("RSA key of {bits} bits refused: only 2048 to 4096 bits are accepted")]
    RsaKeySize {
        /// The modulus size in bits.
        bits: u32,
    },
    /// The operating system's random number generator failed.
    #[error("the operating system random number generator failed")]
    Random(#[source] getrandom::Error),
    /// Key generation failed inside the algorithm.
    #[error("generating a {algorithm} key failed")]
    Generate {
        /// The algorithm asked for.
        algorithm: KeyAlgorithm,
        /// The cause.
        #[source]
        source: BoxedSource,
    },
    /// Encoding a key (PKCS#8, SPKI) failed.
    #[error("encoding the {structure} failed")]
    Encode {
        /// The structure being written.
        structure: &'static str,
        /// The cause.
        #[source]
        source: BoxedSource,
    },
    /// The JSON inside a cosign encrypted key does not parse.
    #[error("malformed cosign encrypted key JSON")]
    CosignJson(#[source] serde_json::Error),
    /// A base64 field of a cosign encrypted key does not decode.
    #[error("cosign encrypted key field `{field}` is not valid base64")]
    CosignBase64 {
        /// The JSON field.
        field: &'static str,
        /// The decoder's complaint.
        #[source]
        source: base64::DecodeError,
    },
    /// A cosign encrypted key names a KDF or cipher other than scrypt and `nacl/secretbox`.
    #[error("unsupported cosign key {what} `{name}` (expected `{expected}`)")]
    CosignUnsupported {
        /// "kdf" or "cipher".
        what: &'static str,
        /// The name found.
        name: String,
        /// The name cosign writes.
        expected: &'static str,
    },
    /// A salt or nonce of the wrong length.
    #[error("cosign encrypted key field `{field}` has {actual} bytes, expected {expected}")]
    CosignFieldLength {
        /// The JSON field.
        field: &'static str,
        /// The length cosign writes.
        expected: usize,
        /// The length found.
        actual: usize,
    },
    /// scrypt parameters that are invalid or would need absurd memory or time.
    #[error("scrypt parameters N={n}, r={r}, p={p} refused: {reason}")]
    ScryptParameters {
        /// Cost parameter N.
        n: u64,
        /// Block size r.
        r: u32,
        /// Parallelism p.
        p: u32,
        /// Why they are refused.
        reason: &'static str,
    },
    /// A cosign key whose decrypted content is not PKCS#8 (cosign refuses it too).
    #[error("the decrypted cosign key is a {found}, not PKCS#8 as cosign requires")]
    NotPkcs8 {
        /// The format found instead.
        found: &'static str,
    },
    /// The secretbox tag does not match: the password is wrong or the file was altered.
    #[error("wrong password or corrupted key")]
    WrongPassword,
}

impl KeyError {
    /// What the user can do about this error, for the CLI's `hint:` line.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::WrongPassword => Some(
                "check the password (COSIGN_PASSWORD when set, else the one typed); a key altered \
                 on disk gives the same error",
            ),
            Self::NotPkcs8 { .. } | Self::NoPemBlock { .. } | Self::UnexpectedLabel { .. } => Some(
                "signing keys are cosign key files (`custody key generate`) or plain PEM private \
                 keys; convert others with `custody key import`",
            ),
            Self::RsaKeySize { .. } | Self::UnsupportedCurve { .. } | Self::MissingCurve => {
                Some("cosign accepts ECDSA P-256/P-384/P-521, Ed25519 and RSA of 2048 to 4096 bits")
            }
            _ => None,
        }
    }

    /// A [`KeyError::Malformed`] from any decoder error.
    pub(crate) fn malformed(
        structure: &'static str,
        source: impl StdError + Send + Sync + 'static,
    ) -> Self {
        Self::Malformed {
            structure,
            source: Box::new(source),
        }
    }

    /// A [`KeyError::Encode`] from any encoder error.
    pub(crate) fn encode(
        structure: &'static str,
        source: impl StdError + Send + Sync + 'static,
    ) -> Self {
        Self::Encode {
            structure,
            source: Box::new(source),
        }
    }
}

/// Why a signature could not be made or did not verify.
#[derive(Debug, thiserror::Error)]
pub enum SignatureError {
    /// The signature is well-formed but does not match the message and key.
    #[error("{algorithm} signature does not match the message and key")]
    Mismatch {
        /// The key's algorithm.
        algorithm: KeyAlgorithm,
    },
    /// The signature bytes cannot be a signature of this key type.
    #[error("malformed {algorithm} signature ({length} bytes)")]
    Malformed {
        /// The key's algorithm.
        algorithm: KeyAlgorithm,
        /// The signature length.
        length: usize,
    },
    /// A precomputed digest was given to an Ed25519 key, which signs the message itself.
    #[error("Ed25519 cannot verify a precomputed digest: it signs the whole message")]
    PrehashUnsupported,
    /// The digest length does not match the hash algorithm.
    #[error("{hash} digest has {actual} bytes, expected {expected}")]
    DigestLength {
        /// The hash named.
        hash: super::HashAlgorithm,
        /// Its output length.
        expected: usize,
        /// The length given.
        actual: usize,
    },
    /// The signing operation failed.
    #[error("signing with the {algorithm} key failed")]
    Signing {
        /// The key's algorithm.
        algorithm: KeyAlgorithm,
        /// The cause.
        #[source]
        source: BoxedSource,
    },
}
