//! Rekor v2 entry bodies (sigstore/protobuf-specs `rekor/v2/{hashedrekord,dsse,verifier}.proto`
//! as protobuf-JSON): digests in base64, verifiers as DER.

use serde::Deserialize;

use crate::bundle::dsse::{self, Envelope};

use super::{
    BodyError, SignedContent, SignerMaterial, base64_field, expect_digest, expect_signature,
    expect_signature_count, hash_algorithm,
};

/// `{algorithm, digest}` with `digest` in base64 (`HashOutput`).
#[derive(Deserialize)]
struct HashOutput {
    algorithm: String,
    digest: String,
}

/// `Signature`: the bytes and who made them.
#[derive(Deserialize)]
struct Signature {
    content: String,
    verifier: Verifier,
}

/// `Verifier`: a public key or a certificate, both DER.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Verifier {
    #[serde(default)]
    public_key: Option<RawBytes>,
    #[serde(default)]
    x509_certificate: Option<RawBytes>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawBytes {
    raw_bytes: String,
}

/// `spec` of a `hashedrekord` 0.0.2 entry.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct HashedRekordSpec {
    pub(super) hashed_rekord_v002: HashedRekord,
}

/// `HashedRekordLogEntryV002`.
#[derive(Deserialize)]
pub(super) struct HashedRekord {
    data: HashOutput,
    signature: Signature,
}

/// `spec` of a `dsse` 0.0.2 entry.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DsseSpec {
    pub(super) dsse_v002: Dsse,
}

/// `DSSELogEntryV002`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Dsse {
    payload_hash: HashOutput,
    signatures: Vec<Signature>,
}

impl HashedRekord {
    /// A message signature logs its digest; a DSSE envelope (rekor-v2 spec §6.1.4) the
    /// digest of its PAE under the entry's hash and its only signature.
    pub(super) fn check(
        &self,
        content: &SignedContent<'_>,
        signer: &SignerMaterial<'_>,
    ) -> Result<(), BodyError> {
        let field = "spec.hashedRekordV002.data.digest";
        let logged_digest = base64_field(field, &self.data.digest)?;
        let algorithm =
            hash_algorithm("spec.hashedRekordV002.data.algorithm", &self.data.algorithm)?;
        let (digest, signature) = match content {
            SignedContent::Message { digest, signature } => (digest.to_vec(), *signature),
            SignedContent::Dsse(envelope) => {
                expect_signature_count(envelope, 1)?;
                let pae = dsse::pae(&envelope.payload_type, &envelope.payload);
                let signature = envelope
                    .signatures
                    .first()
                    .map(|signature| signature.sig.as_slice())
                    .unwrap_or_default();
                (algorithm.digest(&pae), signature)
            }
        };
        expect_digest(field, &logged_digest, &digest)?;
        self.signature
            .check("spec.hashedRekordV002.signature", signature, signer)
    }
}

impl Dsse {
    pub(super) fn check(
        &self,
        envelope: &Envelope,
        signer: &SignerMaterial<'_>,
    ) -> Result<(), BodyError> {
        let field = "spec.dsseV002.payloadHash.digest";
        let algorithm = hash_algorithm(
            "spec.dsseV002.payloadHash.algorithm",
            &self.payload_hash.algorithm,
        )?;
        expect_digest(
            field,
            &base64_field(field, &self.payload_hash.digest)?,
            &algorithm.digest(&envelope.payload),
        )?;
        expect_signature_count(envelope, self.signatures.len())?;
        for (logged, signature) in self.signatures.iter().zip(&envelope.signatures) {
            logged.check("spec.dsseV002.signatures[]", &signature.sig, signer)?;
        }
        Ok(())
    }
}

impl Signature {
    /// `field` is the path of this signature object, for errors.
    fn check(
        &self,
        field: &'static str,
        signature: &[u8],
        signer: &SignerMaterial<'_>,
    ) -> Result<(), BodyError> {
        expect_signature(field, &base64_field(field, &self.content)?, signature)?;
        let matches = match (&self.verifier, signer) {
            (
                Verifier {
                    x509_certificate: Some(logged),
                    public_key: None,
                },
                SignerMaterial::Certificate(certificate),
            ) => base64_field(field, &logged.raw_bytes)? == *certificate,
            (
                Verifier {
                    x509_certificate: None,
                    public_key: Some(logged),
                },
                SignerMaterial::PublicKey(key),
            ) => base64_field(field, &logged.raw_bytes)? == key.to_spki_der(),
            _ => false,
        };
        if matches {
            Ok(())
        } else {
            Err(BodyError::SignerMismatch { field })
        }
    }
}
