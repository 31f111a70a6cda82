//! `intoto` 0.0.2 entry bodies (sigstore/rekor `pkg/types/intoto/v0.0.2`): the envelope is
//! kept, with its payload and signatures base64-encoded a second time.

use serde::Deserialize;

use crate::bundle::dsse::Envelope;

use super::v001::{HexHash, check_payload_hash};
use super::{
    BodyError, SignerMaterial, double_base64_field, expect_pem_signer, expect_signature,
    expect_signature_count,
};

#[derive(Deserialize)]
pub(super) struct Intoto {
    content: Content,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Content {
    envelope: LoggedEnvelope,
    payload_hash: HexHash,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoggedEnvelope {
    #[serde(default)]
    payload: Option<String>,
    #[serde(default)]
    payload_type: Option<String>,
    signatures: Vec<LoggedSignature>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoggedSignature {
    sig: String,
    public_key: String,
}

impl Intoto {
    pub(super) fn check(
        &self,
        envelope: &Envelope,
        signer: &SignerMaterial<'_>,
    ) -> Result<(), BodyError> {
        let logged = &self.content.envelope;
        check_payload_hash(
            "spec.content.payloadHash",
            &self.content.payload_hash,
            envelope,
        )?;
        if logged
            .payload_type
            .as_ref()
            .is_some_and(|payload_type| *payload_type != envelope.payload_type)
        {
            return Err(BodyError::EnvelopeMismatch {
                field: "spec.content.envelope.payloadType",
            });
        }
        if let Some(payload) = &logged.payload {
            let field = "spec.content.envelope.payload";
            let mismatch = BodyError::EnvelopeMismatch { field };
            let twice = double_base64_field(field, payload, mismatch)?;
            if twice != envelope.payload {
                return Err(BodyError::EnvelopeMismatch { field });
            }
        }
        expect_signature_count(envelope, logged.signatures.len())?;
        for (logged, signature) in logged.signatures.iter().zip(&envelope.signatures) {
            let field = "spec.content.envelope.signatures[].sig";
            let mismatch = BodyError::SignatureMismatch { field };
            let twice = double_base64_field(field, &logged.sig, mismatch)?;
            expect_signature(field, &twice, &signature.sig)?;
            expect_pem_signer(
                "spec.content.envelope.signatures[].publicKey",
                &logged.public_key,
                signer,
            )?;
        }
        Ok(())
    }
}
