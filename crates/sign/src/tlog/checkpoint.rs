//! Log checkpoints: C2SP signed notes whose text is a tlog checkpoint.
//!
//! A checkpoint is the log's signed statement "my tree has `size` leaves and this root hash"
//! (C2SP `tlog-checkpoint`), wrapped in a signed note (C2SP `signed-note`):
//!
//! ```text
//! rekor.sigstore.dev - 2605736670972794746      origin
//! 23083062                                       tree size, decimal
//! dauhleYK4YyAdxwwDtR0l0KnSOWZdG2bwqHftlanvcI=   root hash, base64
//! Timestamp: 1689177396617352539                 extension lines (optional)
//!                                                blank line
//! — rekor.sigstore.dev wNI9ajBFAiB…              signatures: name, base64(key hint || sig)
//! ```
//!
//! The signed message is the text up to and including the newline before the blank line.
//! Witnesses may add cosignature lines; a verifier ignores lines from keys it does not know
//! and requires one from the log. [`SignedCheckpoint::parse`] reads the format;
//! [`SignedCheckpoint::verify`] checks the log's signature and [`Checkpoint::expect_tree`]
//! compares the signed size and root with the inclusion proof's.
//!
//! Key hints (the first 4 bytes of the signature blob) say which key signed. For an Ed25519 note
//! key (Rekor v2) the hint is the C2SP key ID `SHA-256(name || "\n" || 0x01 || key)[..4]`;
//! for an ECDSA key (Rekor v1) it is `SHA-256(SPKI DER)[..4]`, the start of the Rekor v1 log ID.
//! The signer name must be the log's base URL without its scheme.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use spki::SubjectPublicKeyInfoRef;

use crate::keys::{KeyAlgorithm, PublicKey, SignatureError};
use crate::trust::TransparencyLogKey;

use super::merkle::HASH_LEN;

/// The prefix of a signature line: an em dash (U+2014) and a space.
const SIGNATURE_PREFIX: &str = "\u{2014} ";

/// The most signature lines a checkpoint may carry: the log's plus witness cosignatures. Go's
/// `golang.org/x/mod/sumdb/note` stops at the same number.
const MAX_SIGNATURES: usize = 100;

/// The signature type byte of an Ed25519 note key (C2SP signed-note, "Signature types").
const ED25519_KEY_TYPE: u8 = 0x01;

/// A key hint: the first 4 bytes of the signer's key ID.
pub type KeyHint = [u8; 4];

/// What is wrong with a checkpoint's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MalformedCheckpoint {
    /// No blank line separates the text from the signatures.
    MissingBlankLine,
    /// The text has fewer than three lines (origin, size, root hash).
    TooFewLines,
    /// The origin line is empty.
    EmptyOrigin,
    /// The size line is not a decimal number without leading zeros.
    TreeSize,
    /// The root hash line is not base64 of a 32-byte hash.
    RootHash,
    /// A signature line is not `— name base64` with at least 5 decoded bytes, or the
    /// signature block does not end with a newline.
    SignatureLine,
    /// The signature block is empty.
    NoSignatures,
    /// More than 100 signature lines.
    TooManySignatures,
}

impl std::fmt::Display for MalformedCheckpoint {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(match self {
            Self::MissingBlankLine => "no blank line between the text and the signatures",
            Self::TooFewLines => "expected origin, tree size and root hash lines",
            Self::EmptyOrigin => "the origin is empty",
            Self::TreeSize => "the tree size is not a decimal number",
            Self::RootHash => "the root hash is not base64 of 32 bytes",
            Self::SignatureLine => "not a signature line `— name base64`",
            Self::NoSignatures => "no signature lines",
            Self::TooManySignatures => "more than 100 signature lines",
        })
    }
}

/// Why a checkpoint does not vouch for an inclusion proof.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// The checkpoint text does not follow the signed-note and checkpoint formats.
    #[error("malformed checkpoint at line {line}: {kind}")]
    Malformed {
        /// The 1-based line of the checkpoint text where the problem is.
        line: usize,
        /// What is wrong.
        kind: MalformedCheckpoint,
    },
    /// The checkpoint's origin is not the log's.
    #[error("checkpoint origin `{actual}` is not the log `{expected}`")]
    OriginMismatch {
        /// The log's name (its base URL without the scheme).
        expected: String,
        /// The checkpoint's origin line.
        actual: String,
    },
    /// No signature line is by the trusted log's key.
    #[error("checkpoint has no signature by log `{name}` (key hint {key_hint})")]
    NoLogSignature {
        /// The log's name.
        name: String,
        /// The key hint a signature by the log carries, hex.
        key_hint: String,
    },
    /// The line naming the log's key carries a signature that does not verify.
    #[error("checkpoint signature by `{name}` does not verify")]
    BadLogSignature {
        /// The signer name on the line.
        name: String,
        /// What the key said.
        #[source]
        source: SignatureError,
    },
    /// The signed tree size is not the inclusion proof's.
    #[error("checkpoint tree size {checkpoint} differs from the inclusion proof's {proof}")]
    TreeSizeMismatch {
        /// The size in the checkpoint.
        checkpoint: u64,
        /// The size in the inclusion proof.
        proof: u64,
    },
    /// The signed root hash is not the inclusion proof's.
    #[error("checkpoint root hash {checkpoint} differs from the inclusion proof's {proof}")]
    RootHashMismatch {
        /// The root hash in the checkpoint, hex.
        checkpoint: String,
        /// The root hash in the inclusion proof, hex.
        proof: String,
    },
}

/// One signature line of a signed note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature<'a> {
    /// The signer's name (for the log, its origin).
    pub name: &'a str,
    /// The first 4 bytes of the signer's key ID.
    pub key_hint: KeyHint,
    /// The signature over the note text.
    pub signature: Vec<u8>,
    /// The 1-based line of the checkpoint text it was on.
    pub line: usize,
}

/// The checkpoint text: the log's commitment to a tree.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint<'a> {
    /// The log's origin (Rekor v1 appends ` - <tree ID>` to its host name).
    pub origin: &'a str,
    /// The number of leaves in the tree.
    pub tree_size: u64,
    /// The tree's root hash.
    pub root_hash: [u8; HASH_LEN],
    /// Further lines, such as Rekor v1's `Timestamp: <nanoseconds>`; not interpreted.
    pub extensions: Vec<&'a str>,
}

impl Checkpoint<'_> {
    /// Fails unless the checkpoint commits to a tree of `tree_size` leaves with root
    /// `root_hash`, the tree an inclusion proof claims.
    pub fn expect_tree(
        &self,
        tree_size: u64,
        root_hash: &[u8; HASH_LEN],
    ) -> Result<(), CheckpointError> {
        if self.tree_size != tree_size {
            return Err(CheckpointError::TreeSizeMismatch {
                checkpoint: self.tree_size,
                proof: tree_size,
            });
        }
        if self.root_hash != *root_hash {
            return Err(CheckpointError::RootHashMismatch {
                checkpoint: hex::encode(self.root_hash),
                proof: hex::encode(root_hash),
            });
        }
        Ok(())
    }
}

/// A parsed checkpoint with its signatures, borrowed from the note text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint<'a> {
    /// The signed message: the text up to and including its last newline.
    pub text: &'a str,
    /// The checkpoint the text holds.
    pub checkpoint: Checkpoint<'a>,
    /// The signature lines, in order.
    pub signatures: Vec<NoteSignature<'a>>,
}

impl<'a> SignedCheckpoint<'a> {
    /// Parses a signed-note checkpoint. Only the format is checked; no signature is verified.
    pub fn parse(note: &'a str) -> Result<Self, CheckpointError> {
        let malformed = |line, kind| CheckpointError::Malformed { line, kind };
        let Some((before_blank, signature_block)) = note.split_once("\n\n") else {
            return Err(malformed(
                note.split('\n').count(),
                MalformedCheckpoint::MissingBlankLine,
            ));
        };
        let text = note
            .get(..=before_blank.len())
            .expect("a newline follows `before_blank`, so the text ends on a char boundary");
        let checkpoint = parse_text(text)?;
        // Lines of the text, the blank line, then the signatures.
        let first_signature_line = text.split_terminator('\n').count() + 2;
        let signatures = parse_signatures(signature_block, first_signature_line)?;
        Ok(Self {
            text,
            checkpoint,
            signatures,
        })
    }

    /// Checks that the checkpoint is the trusted `log`'s and carries a valid signature by its
    /// key. Signatures by other keys (witness cosignatures) are ignored; a signature that
    /// names the log's key but does not verify is an error, not skipped.
    pub fn verify(&self, log: &TransparencyLogKey) -> Result<(), CheckpointError> {
        let name = log_name(&log.base_url);
        let origin = self.checkpoint.origin;
        // Rekor v1 names its checkpoints `<host> - <tree ID>`; C2SP (Rekor v2) uses the name.
        let origin_matches = origin == name
            || origin
                .strip_prefix(name)
                .is_some_and(|rest| rest.starts_with(" - "));
        if !origin_matches {
            return Err(CheckpointError::OriginMismatch {
                expected: name.to_owned(),
                actual: origin.to_owned(),
            });
        }
        let key_hint = key_hint(name, &log.public_key);
        let mut by_log = self
            .signatures
            .iter()
            .filter(|signature| signature.name == name && signature.key_hint == key_hint)
            .peekable();
        if by_log.peek().is_none() {
            return Err(CheckpointError::NoLogSignature {
                name: name.to_owned(),
                key_hint: hex::encode(key_hint),
            });
        }
        for signature in by_log {
            log.public_key
                .verify(self.text.as_bytes(), &signature.signature)
                .map_err(|source| CheckpointError::BadLogSignature {
                    name: signature.name.to_owned(),
                    source,
                })?;
        }
        Ok(())
    }
}

/// Reads the checkpoint text: origin, size, root hash, extension lines.
fn parse_text(text: &str) -> Result<Checkpoint<'_>, CheckpointError> {
    let malformed = |line, kind| CheckpointError::Malformed { line, kind };
    let mut lines = text.split_terminator('\n');
    let (Some(origin), Some(size), Some(root)) = (lines.next(), lines.next(), lines.next()) else {
        return Err(malformed(
            text.split_terminator('\n').count() + 1,
            MalformedCheckpoint::TooFewLines,
        ));
    };
    if origin.is_empty() {
        return Err(malformed(1, MalformedCheckpoint::EmptyOrigin));
    }
    let canonical_decimal = !size.is_empty()
        && size.bytes().all(|byte| byte.is_ascii_digit())
        && (size == "0" || !size.starts_with('0'));
    let tree_size = canonical_decimal
        .then(|| size.parse::<u64>().ok())
        .flatten()
        .ok_or(malformed(2, MalformedCheckpoint::TreeSize))?;
    let root_hash = STANDARD
        .decode(root)
        .ok()
        .and_then(|bytes| <[u8; HASH_LEN]>::try_from(bytes).ok())
        .ok_or(malformed(3, MalformedCheckpoint::RootHash))?;
    Ok(Checkpoint {
        origin,
        tree_size,
        root_hash,
        extensions: lines.collect(),
    })
}

/// Reads the signature lines; `first_line` is the 1-based line number of the first one.
fn parse_signatures(
    block: &str,
    first_line: usize,
) -> Result<Vec<NoteSignature<'_>>, CheckpointError> {
    let malformed = |line, kind| CheckpointError::Malformed { line, kind };
    if block.is_empty() {
        return Err(malformed(first_line, MalformedCheckpoint::NoSignatures));
    }
    let Some(block) = block.strip_suffix('\n') else {
        let last_line = first_line + block.split('\n').count() - 1;
        return Err(malformed(last_line, MalformedCheckpoint::SignatureLine));
    };
    let mut signatures = Vec::new();
    for (offset, line_text) in block.split('\n').enumerate() {
        let line = first_line + offset;
        if signatures.len() == MAX_SIGNATURES {
            return Err(malformed(line, MalformedCheckpoint::TooManySignatures));
        }
        let signature = line_text
            .strip_prefix(SIGNATURE_PREFIX)
            .and_then(|rest| rest.split_once(' '))
            .filter(|(name, blob)| !name.is_empty() && !blob.contains(' '))
            .and_then(|(name, blob)| {
                let blob = STANDARD.decode(blob).ok()?;
                let key_hint = KeyHint::try_from(blob.get(..4)?).ok()?;
                let signature = blob.get(4..).filter(|rest| !rest.is_empty())?.to_vec();
                Some(NoteSignature {
                    name,
                    key_hint,
                    signature,
                    line,
                })
            })
            .ok_or(malformed(line, MalformedCheckpoint::SignatureLine))?;
        signatures.push(signature);
    }
    Ok(signatures)
}

/// The name a log signs its checkpoints with: its base URL without the scheme or a trailing
/// slash (`https://rekor.sigstore.dev` → `rekor.sigstore.dev`).
fn log_name(base_url: &str) -> &str {
    let without_scheme = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    without_scheme.trim_end_matches('/')
}

/// The key hint of the log's signature line: the C2SP key ID
/// `SHA-256(name || "\n" || 0x01 || key)` for an Ed25519 note key (Rekor v2), `SHA-256` of the
/// SPKI DER (the Rekor v1 log ID) for any other key; the first 4 bytes of either.
fn key_hint(name: &str, key: &PublicKey) -> KeyHint {
    let spki = key.to_spki_der();
    let key_id: [u8; 32] = if key.algorithm() == KeyAlgorithm::Ed25519 {
        let raw = SubjectPublicKeyInfoRef::try_from(spki.as_slice())
            .ok()
            .and_then(|info| info.subject_public_key.as_bytes().map(<[u8]>::to_vec))
            .unwrap_or_default();
        Sha256::new()
            .chain_update(name.as_bytes())
            .chain_update([b'\n', ED25519_KEY_TYPE])
            .chain_update(raw)
            .finalize()
            .into()
    } else {
        Sha256::digest(&spki).into()
    };
    let [a, b, c, d, ..] = key_id;
    [a, b, c, d]
}

#[cfg(test)]
mod tests {
    //! Parsing and verifying checkpoints taken from the bundle-verify conformance bundles:
    //! a Rekor v1 ECDSA checkpoint and Rekor v2 Ed25519 checkpoints with cosignatures.

    use base64::engine::general_purpose::STANDARD;
    use jiff::Timestamp;

    use super::*;
    use crate::trust::Validity;

    /// happy-path-v0.1: rekor.sigstore.dev, ECDSA P-256.
    const V1: &str = "rekor.sigstore.dev - 2605736670972794746\n23083062\n\
        dauhleYK4YyAdxwwDtR0l0KnSOWZdG2bwqHftlanvcI=\nTimestamp: 1689177396617352539\n\n\
        \u{2014} rekor.sigstore.dev wNI9ajBFAiBxaGyEtxkzFLkaCSEJqFuSS3dJjEZCNiyByVs1CNVQ8gIhAOoNnXt\
        mMtTctV2oRnSRUZAo4EWUYPK/vBsqOzAU6TMs\n";
    const V1_KEY: &str = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtk\
        s4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==";

    /// The Rekor v2 checkpoint of the rekor2-* cases, without its signature lines.
    const V2_TEXT: &str = "log2025-alpha1.rekor.sigstage.dev\n736\n\
        rs1YPY0ydAV0lxgfrq5pE4oRpUJwo3syeps5+eGUTDI=\n";
    const V2_LOG_LINE: &str = "\u{2014} log2025-alpha1.rekor.sigstage.dev 8w1amdbj1mjNN674dHAkD92+Q\
        ZoEgBC7o0mXYSTRluDjQrOPjrps3zQB9ut+ShLepyZPsWBDi5IB3yXyjgjQT6OG9A8=\n";
    /// rekor2-checkpoint-multiple-cosigs: two witness cosignatures after the log's.
    const V2_COSIGS: &str = "\u{2014} witness.example/w1 sE1vjwAAAABopPLqcjWVAVGAl48d2/LUcCJsxS4Co\
        GtBo8oagCPd7pWZvtei7ieKnoopQqgf3KCun6hyT2YAXBmzTIRsWZInogTDAw==\n\
        \u{2014} witness.example/w2 xaMp5gAAAABopPLqBlp4hGNxwLQsDPSRBF4nQcnUibHPupXT4ZYHjr0K\
        Sc1v3BtpCtRSopyN8mOE7lJzUqwvUcoRqijR4oW/GoQPBA==\n";
    /// rekor2-checkpoint-two-sigs-from-origin: an ECDSA signature under the log's name by an
    /// unknown key.
    const V2_SAME_NAME: &str = "\u{2014} log2025-alpha1.rekor.sigstage.dev mixjVTBEAiAv6tS03L1YvDip\
        qsZBkJ/aL62be4XzHfDEHYXqNza0cAIgT2PcBzKxE4kHLlw2U1QtO4/YXfPdy5QtFpDw1lWkIXs=\n";
    const V2_KEY: &str = "MCowBQYDK2VwAyEAPn+AREHoBaZ7wgS1zBqpxmLSGnyhxXj4lFxSdWVB8o8=";

    fn log(base_url: &str, spki_base64: &str) -> TransparencyLogKey {
        let der = STANDARD.decode(spki_base64).unwrap();
        TransparencyLogKey {
            base_url: base_url.to_owned(),
            log_id: Sha256::digest(&der).to_vec(),
            public_key: PublicKey::from_spki_der(&der).unwrap(),
            valid_for: Validity {
                start: Timestamp::UNIX_EPOCH,
                end: None,
            },
        }
    }

    fn v1_log() -> TransparencyLogKey {
        log("https://rekor.sigstore.dev", V1_KEY)
    }

    fn v2_log() -> TransparencyLogKey {
        log("https://log2025-alpha1.rekor.sigstage.dev", V2_KEY)
    }

    fn malformed(note: &str) -> (usize, MalformedCheckpoint) {
        match SignedCheckpoint::parse(note) {
            Err(CheckpointError::Malformed { line, kind }) => (line, kind),
            other => panic!("expected a malformed checkpoint, got {other:?}"),
        }
    }

    #[test]
    fn parses_a_rekor_v1_checkpoint() {
        let signed = SignedCheckpoint::parse(V1).unwrap();
        assert_eq!(
            signed.checkpoint.origin,
            "rekor.sigstore.dev - 2605736670972794746"
        );
        assert_eq!(signed.checkpoint.tree_size, 23_083_062);
        assert_eq!(
            STANDARD.encode(signed.checkpoint.root_hash),
            "dauhleYK4YyAdxwwDtR0l0KnSOWZdG2bwqHftlanvcI="
        );
        assert_eq!(
            signed.checkpoint.extensions,
            ["Timestamp: 1689177396617352539"]
        );
        assert!(signed.text.ends_with("1689177396617352539\n"));
        let [signature] = signed.signatures.as_slice() else {
            panic!("one signature line expected");
        };
        assert_eq!(signature.name, "rekor.sigstore.dev");
        assert_eq!(signature.line, 6);
        // The hint is the first 4 bytes of the log ID wNI9atQG….
        assert_eq!(signature.key_hint, [0xc0, 0xd2, 0x3d, 0x6a]);
    }

    #[test]
    fn verifies_the_rekor_v1_ecdsa_signature() {
        let signed = SignedCheckpoint::parse(V1).unwrap();
        signed.verify(&v1_log()).unwrap();
    }

    #[test]
    fn verifies_the_rekor_v2_ed25519_signature_among_cosignatures() {
        let log = v2_log();
        let cases = [
            format!("{V2_TEXT}\n{V2_LOG_LINE}"),
            format!("{V2_TEXT}\n{V2_LOG_LINE}{V2_COSIGS}"),
            format!("{V2_TEXT}\n{V2_COSIGS}{V2_LOG_LINE}"),
            format!("{V2_TEXT}\n{V2_LOG_LINE}{V2_SAME_NAME}"),
        ];
        for note in &cases {
            let signed = SignedCheckpoint::parse(note).unwrap();
            assert_eq!(signed.checkpoint.tree_size, 736);
            signed
                .verify(&log)
                .unwrap_or_else(|error| panic!("{note}: {error}"));
        }
    }

    #[test]
    fn a_wrong_key_hint_or_no_log_line_is_no_log_signature() {
        // checkpoint-bad-keyhint_fail: the first base64 character changed from w to x.
        let bad_hint = V1.replace("rekor.sigstore.dev wNI9", "rekor.sigstore.dev xNI9");
        let error = SignedCheckpoint::parse(&bad_hint)
            .unwrap()
            .verify(&v1_log())
            .unwrap_err();
        assert!(
            matches!(&error, CheckpointError::NoLogSignature { name, key_hint }
                if name == "rekor.sigstore.dev" && key_hint == "c0d23d6a"),
            "{error:?}"
        );
        let only_witnesses = format!("{V2_TEXT}\n{V2_COSIGS}{V2_SAME_NAME}");
        let error = SignedCheckpoint::parse(&only_witnesses)
            .unwrap()
            .verify(&v2_log())
            .unwrap_err();
        assert!(
            matches!(error, CheckpointError::NoLogSignature { .. }),
            "{error:?}"
        );
        // The right key under another log's name is not the log's signature either.
        let error = SignedCheckpoint::parse(V1)
            .unwrap()
            .verify(&log("https://rekor.example", V1_KEY))
            .unwrap_err();
        assert!(
            matches!(error, CheckpointError::OriginMismatch { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn a_tampered_text_fails_the_log_signature() {
        let tampered = V1.replace("23083062", "23083063");
        let error = SignedCheckpoint::parse(&tampered)
            .unwrap()
            .verify(&v1_log())
            .unwrap_err();
        assert!(
            matches!(error, CheckpointError::BadLogSignature { .. }),
            "{error:?}"
        );
    }

    #[test]
    fn malformed_checkpoints_name_the_line() {
        // rekor2-checkpoint-missing-log-signature_fail and -missing-root-hash_fail.
        assert_eq!(
            malformed(&format!("{V2_TEXT}\n")),
            (5, MalformedCheckpoint::NoSignatures)
        );
        assert_eq!(
            malformed(&format!(
                "log2025-alpha1.rekor.sigstage.dev\n736\n\n{V2_LOG_LINE}"
            )),
            (3, MalformedCheckpoint::TooFewLines)
        );
        assert_eq!(
            malformed(V2_TEXT),
            (4, MalformedCheckpoint::MissingBlankLine)
        );
        assert_eq!(
            malformed(&format!("\n736\nrs1Y\n\n{V2_LOG_LINE}")),
            (1, MalformedCheckpoint::EmptyOrigin)
        );
        for size in ["0736", "-1", "+7", "18446744073709551616", "7 "] {
            let note = V2_TEXT.replace("\n736\n", &format!("\n{size}\n"));
            assert_eq!(
                malformed(&format!("{note}\n{V2_LOG_LINE}")),
                (2, MalformedCheckpoint::TreeSize),
                "{size:?}"
            );
        }
        let short_root = V2_TEXT.replace("rs1YPY0ydAV0lxgfrq5pE4oRpUJwo3syeps5+eGUTDI=", "rs1Y");
        assert_eq!(
            malformed(&format!("{short_root}\n{V2_LOG_LINE}")),
            (3, MalformedCheckpoint::RootHash)
        );
        for line in [
            "- log2025 8w1amdbj1mjN\n",
            "\u{2014} log2025\n",
            "\u{2014} log2025 AAAA\n",
            "\u{2014} log2025 not!base64\n",
            "\u{2014}  8w1amdbj1mjN\n",
            "\u{2014} log2025 8w1amdbj1mjN extra\n",
            "\n",
        ] {
            assert_eq!(
                malformed(&format!("{V2_TEXT}\n{V2_LOG_LINE}{line}")),
                (6, MalformedCheckpoint::SignatureLine),
                "{line:?}"
            );
        }
        let unterminated = V2_LOG_LINE.trim_end();
        assert_eq!(
            malformed(&format!("{V2_TEXT}\n{unterminated}")),
            (5, MalformedCheckpoint::SignatureLine)
        );
        let many = V2_LOG_LINE.repeat(MAX_SIGNATURES + 1);
        assert_eq!(
            malformed(&format!("{V2_TEXT}\n{many}")),
            (5 + MAX_SIGNATURES, MalformedCheckpoint::TooManySignatures)
        );
    }
}
