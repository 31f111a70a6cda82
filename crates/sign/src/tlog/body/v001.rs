//! Rekor v1 entry bodies of version 0.0.1 (sigstore/rekor `pkg/types/{hashedrekord,dsse,
//! intoto}/v0.0.1`): digests in hex, verifiers as base64 PEM.

use serde::Deserialize;

use crate::bundle::dsse::Envelope;
use crate::keys::HashAlgorithm;

use super::{
    BodyError, SignerMaterial, base64_field, expect_digest, expect_pem_signer, expect_signature,
    expect_signature_count, hash_algorithm, hex_field, payload_sha256,
};

/// `{algorithm, value}` with `value` in hex.
#[derive(Deserialize)]
pub(super) struct HexHash {
    pub(super) algorithm: String,
    pub(super) value: String,
}

/// `hashedrekord` 0.0.1 `spec`.
#[derive(Deserialize)]
pub(super) struct HashedRekord {
    data: HashedRekordData,
    signature: HashedRekordSignature,
}

#[derive(Deserialize)]
struct HashedRekordData {
    hash: HexHash,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct HashedRekordSignature {
    content: String,
    public_key: PemContent,
}

#[derive(Deserialize)]
struct PemContent {
    content: String,
}

impl HashedRekord {
    pub(super) fn check(
        &self,
        digest: &[u8],
        signature: &[u8],
        signer: &SignerMaterial<'_>,
    ) -> Result<(), BodyError> {
        hash_algorithm("spec.data.hash.algorithm", &self.data.hash.algorithm)?;
        let field = "spec.data.hash.value";
        expect_digest(field, &hex_field(field, &self.data.hash.value)?, digest)?;
        let field = "spec.signature.content";
        expect_signature(
            field,
            &base64_field(field, &self.signature.content)?,
            signature,
        )?;
        expect_pem_signer(
            "spec.signature.publicKey.content",
            &self.signature.public_key.content,
            signer,
        )
    }
}

/// `dsse` 0.0.1 `spec`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Dsse {
    payload_hash: HexHash,
    signatures: Vec<DsseSignature>,
}

#[derive(Deserialize)]
struct DsseSignature {
    signature: String,
    verifier: String,
}

impl Dsse {
    pub(super) fn check(
        &self,
        envelope: &Envelope,
        signer: &SignerMaterial<'_>,
    ) -> Result<(), BodyError> {
        check_payload_hash("spec.payloadHash", &self.payload_hash, envelope)?;
        expect_signature_count(envelope, self.signatures.len())?;
        for (logged, signature) in self.signatures.iter().zip(&envelope.signatures) {
            let field = "spec.signatures[].signature";
            expect_signature(
                field,
                &base64_field(field, &logged.signature)?,
                &signature.sig,
            )?;
            expect_pem_signer("spec.signatures[].verifier", &logged.verifier, signer)?;
        }
        Ok(())
    }
}

/// `intoto` 0.0.1 `spec`: the payload hash and the key; the signature is not recorded.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Intoto {
    content: IntotoContent,
    public_key: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntotoContent {
    payload_hash: HexHash,
}

impl Intoto {
    pub(super) fn check(
        &self,
        envelope: &Envelope,
        signer: &SignerMaterial<'_>,
    ) -> Result<(), BodyError> {
        check_payload_hash(
            "spec.content.payloadHash",
            &self.content.payload_hash,
            envelope,
        )?;
        expect_pem_signer("spec.publicKey", &self.public_key, signer)
    }
}

/// Checks a Rekor v1 `payloadHash`: SHA-256 of the DSSE payload, hex.
pub(super) fn check_payload_hash(
    field: &'static str,
    hash: &HexHash,
    envelope: &Envelope,
) -> Result<(), BodyError> {
    if hash_algorithm(field, &hash.algorithm)? != HashAlgorithm::Sha256 {
        return Err(BodyError::HashAlgorithm {
            field,
            algorithm: hash.algorithm.clone(),
        });
    }
    expect_digest(
        field,
        &hex_field(field, &hash.value)?,
        &payload_sha256(envelope),
    )
}
