//! The signature and the artifact: what the key signed, and whether it is this artifact.

use crate::bundle::{Content, intoto};
use crate::keys::{HashAlgorithm, PublicKey, SignatureError};

use super::{Artifact, VerifyError};

/// The artifact's digest, in the algorithm the bundle uses for it.
pub(super) struct ArtifactDigest {
    /// The hash function: the message digest's, SHA-256 for DSSE subjects.
    pub(super) algorithm: HashAlgorithm,
    /// The digest.
    pub(super) digest: Vec<u8>,
}

/// The signature bytes of the bundle: the message signature, or the envelope's only one.
pub(super) fn signature_bytes(content: &Content) -> Result<&[u8], VerifyError> {
    match content {
        Content::MessageSignature(signature) => Ok(&signature.signature),
        Content::DsseEnvelope(envelope) => match envelope.signatures.as_slice() {
            [signature] => Ok(&signature.sig),
            signatures => Err(VerifyError::EnvelopeSignatureCount {
                count: signatures.len(),
            }),
        },
    }
}

/// The artifact's digest; for a message signature, checked against the bundle's message
/// digest (an unauthenticated hint, but a mismatch means the wrong artifact).
pub(super) fn artifact_digest(
    content: &Content,
    artifact: Artifact<'_>,
) -> Result<ArtifactDigest, VerifyError> {
    let claimed = match content {
        Content::MessageSignature(signature) => signature.message_digest.as_ref(),
        Content::DsseEnvelope(_) => None,
    };
    let algorithm = claimed.map_or(HashAlgorithm::Sha256, |claimed| claimed.algorithm);
    let digest = match artifact {
        Artifact::Bytes(bytes) => ArtifactDigest {
            algorithm,
            digest: algorithm.digest(bytes),
        },
        Artifact::Digest {
            algorithm: given,
            digest,
        } => {
            if let Some(claimed) = claimed.filter(|claimed| claimed.algorithm != given) {
                return Err(VerifyError::DigestAlgorithmMismatch {
                    artifact: given,
                    bundle: claimed.algorithm,
                });
            }
            ArtifactDigest {
                algorithm: given,
                digest: digest.to_vec(),
            }
        }
    };
    if let Some(claimed) = claimed.filter(|claimed| claimed.digest != digest.digest) {
        return Err(VerifyError::MessageDigestMismatch {
            algorithm: claimed.algorithm,
            bundle: hex::encode(&claimed.digest),
            artifact: hex::encode(&digest.digest),
        });
    }
    Ok(digest)
}

/// Verifies the signature with `key` and that the artifact is what was signed; returns the
/// in-toto statement of a DSSE bundle.
pub(super) fn verify_content(
    content: &Content,
    artifact: Artifact<'_>,
    digest: &ArtifactDigest,
    key: &PublicKey,
    certificate: bool,
) -> Result<Option<intoto::Statement>, VerifyError> {
    let signature_error = |source| VerifyError::Signature {
        signer: if certificate {
            "certificate's public key"
        } else {
            "given public key"
        },
        source,
    };
    let signature = signature_bytes(content)?;
    match content {
        Content::MessageSignature(_) => {
            match (key.default_hash(), artifact) {
                // Ed25519 signs the message itself, not a digest.
                (None, Artifact::Bytes(bytes)) => key.verify(bytes, signature),
                _ => key.verify_prehashed(digest.algorithm, &digest.digest, signature),
            }
            .map_err(signature_error)?;
            Ok(None)
        }
        Content::DsseEnvelope(envelope) => {
            verify_envelope_signature(key, &envelope.signed_bytes(), signature)
                .map_err(signature_error)?;
            if envelope.payload_type != intoto::PAYLOAD_TYPE {
                return Err(VerifyError::NotInToto {
                    payload_type: envelope.payload_type.clone(),
                });
            }
            let statement =
                intoto::Statement::from_json(&envelope.payload).map_err(VerifyError::Statement)?;
            if !names_artifact(&statement, artifact, digest) {
                return Err(VerifyError::SubjectMismatch {
                    algorithm: digest.algorithm,
                    digest: hex::encode(&digest.digest),
                });
            }
            Ok(Some(statement))
        }
    }
}

/// Whether a subject of `statement` has the artifact's digest: the given digest, or for bytes
/// any of SHA-256/384/512 a subject lists (in-toto subjects may name several algorithms).
fn names_artifact(
    statement: &intoto::Statement,
    artifact: Artifact<'_>,
    digest: &ArtifactDigest,
) -> bool {
    match artifact {
        Artifact::Digest { .. } => statement
            .subject_with_digest(&digest.algorithm.to_string(), &digest.digest)
            .is_some(),
        Artifact::Bytes(bytes) => [
            HashAlgorithm::Sha256,
            HashAlgorithm::Sha384,
            HashAlgorithm::Sha512,
        ]
        .into_iter()
        .any(|algorithm| {
            let name = algorithm.to_string();
            statement
                .subject
                .iter()
                .any(|subject| subject.digest.contains_key(&name))
                && statement
                    .subject_with_digest(&name, &algorithm.digest(bytes))
                    .is_some()
        }),
    }
}

/// Verifies a DSSE signature with the key's hash (SHA-384 for P-384, SHA-512 for P-521), and
/// for those curves also with SHA-256: the envelope does not say which hash was used, and
/// sigstore-js (Node's default digest) and cosign's key verifiers sign and verify with
/// SHA-256 on every curve. Both are the key holder's signature over the same bytes.
fn verify_envelope_signature(
    key: &PublicKey,
    signed: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    match key.verify(signed, signature) {
        Err(error)
            if key
                .default_hash()
                .is_some_and(|hash| hash != HashAlgorithm::Sha256) =>
        {
            key.verify_with(HashAlgorithm::Sha256, signed, signature)
                .map_err(|_| error)
        }
        result => result,
    }
}
