//! DSSE envelopes (Dead Simple Signing Envelope, secure-systems-lab/dsse `envelope.md`): a
//! payload, its type, and signatures over the pre-authentication encoding ([`pae`]) of both.
//!
//! Envelopes appear inside Sigstore bundles (`dsseEnvelope`) and on their own as cosign's
//! legacy attestation layers. Both use the same JSON; the bundle form omits empty `keyid`s as
//! protobuf-JSON does, the standalone form always writes `keyid` because securesystemslib
//! requires it.

use serde::{Deserialize, Serialize};

use crate::bundle::encoding::{decode_base64, encode_base64};
use crate::bundle::error::BundleError;
use crate::bundle::wire::required_bytes;
use crate::keys::{SignatureError, SigningKey};

/// A DSSE envelope.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// The payload's media type, e.g. [`crate::bundle::intoto::PAYLOAD_TYPE`].
    pub payload_type: String,
    /// The payload bytes (base64-decoded).
    pub payload: Vec<u8>,
    /// Signatures over [`pae`]`(payload_type, payload)`; never empty once read.
    pub signatures: Vec<Signature>,
}

/// One signature of an [`Envelope`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// An optional, unauthenticated key identifier; cosign writes "".
    pub keyid: String,
    /// The signature bytes (base64-decoded).
    pub sig: Vec<u8>,
}

/// The DSSE v1 pre-authentication encoding: the bytes actually signed.
///
/// `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, lengths as ASCII decimal byte
/// counts. Binding the type into the signed bytes stops a signature over one payload type
/// being replayed as another.
pub fn pae(payload_type: &str, payload: &[u8]) -> Vec<u8> {
    let type_length = payload_type.len().to_string();
    let payload_length = payload.len().to_string();
    let mut encoded = Vec::with_capacity(
        16 + type_length.len() + payload_type.len() + payload_length.len() + payload.len(),
    );
    for part in [
        b"DSSEv1".as_slice(),
        type_length.as_bytes(),
        payload_type.as_bytes(),
        payload_length.as_bytes(),
    ] {
        encoded.extend_from_slice(part);
        encoded.push(b' ');
    }
    encoded.extend_from_slice(payload);
    encoded
}

impl Envelope {
    /// Reads a standalone envelope (`{"payloadType", "payload", "signatures"}`), as in
    /// cosign's legacy `.att` layers. Requires a payload type and at least one signature.
    pub fn from_json(bytes: &[u8]) -> Result<Self, BundleError> {
        let wire: WireEnvelope = serde_json::from_slice(bytes)
            .map_err(|source| BundleError::json("DSSE envelope", source))?;
        wire.read("")
    }

    /// Writes the standalone JSON form cosign and securesystemslib read, `keyid` included.
    pub fn to_json(&self) -> Vec<u8> {
        let mut wire = WireEnvelope::write(self);
        for (signature, original) in wire.signatures.iter_mut().zip(&self.signatures) {
            signature.keyid = Some(original.keyid.clone());
        }
        serde_json::to_vec(&wire).expect("serializing plain structs of strings cannot fail")
    }

    /// Signs `payload` of `payload_type` with `key`: one signature over [`pae`], empty keyid
    /// as cosign writes.
    pub fn sign(
        payload_type: &str,
        payload: &[u8],
        key: &SigningKey,
    ) -> Result<Self, SignatureError> {
        let sig = key.sign(&pae(payload_type, payload))?;
        Ok(Self {
            payload_type: payload_type.to_owned(),
            payload: payload.to_vec(),
            signatures: vec![Signature {
                keyid: String::new(),
                sig,
            }],
        })
    }

    /// The bytes each signature covers: [`pae`] of this envelope.
    pub fn signed_bytes(&self) -> Vec<u8> {
        pae(&self.payload_type, &self.payload)
    }
}

/// The JSON form of an [`Envelope`], shared by the bundle and the standalone envelope.
#[derive(Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct WireEnvelope {
    #[serde(default)]
    payload_type: String,
    #[serde(default)]
    payload: String,
    #[serde(default)]
    signatures: Vec<WireSignature>,
}

#[derive(Deserialize, Serialize)]
struct WireSignature {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    keyid: Option<String>,
    #[serde(default)]
    sig: String,
}

impl WireEnvelope {
    /// Decodes and checks the envelope; `path` prefixes field names in errors (empty for a
    /// standalone envelope).
    pub(crate) fn read(self, path: &str) -> Result<Envelope, BundleError> {
        let field = |name: &str| {
            if path.is_empty() {
                name.to_owned()
            } else {
                format!("{path}.{name}")
            }
        };
        if self.payload_type.is_empty() {
            return Err(BundleError::Missing {
                field: field("payloadType"),
            });
        }
        let payload = decode_base64(&self.payload).map_err(|source| BundleError::Base64 {
            field: field("payload"),
            source,
        })?;
        if self.signatures.is_empty() {
            return Err(BundleError::Missing {
                field: field("signatures"),
            });
        }
        let signatures = self
            .signatures
            .into_iter()
            .enumerate()
            .map(|(index, signature)| {
                Ok(Signature {
                    sig: required_bytes(
                        &signature.sig,
                        &field(&format!("signatures[{index}].sig")),
                    )?,
                    keyid: signature.keyid.unwrap_or_default(),
                })
            })
            .collect::<Result<_, BundleError>>()?;
        Ok(Envelope {
            payload_type: self.payload_type,
            payload,
            signatures,
        })
    }

    /// The protobuf-JSON form used inside bundles: empty `keyid`s omitted.
    pub(crate) fn write(envelope: &Envelope) -> Self {
        Self {
            payload_type: envelope.payload_type.clone(),
            payload: encode_base64(&envelope.payload),
            signatures: envelope
                .signatures
                .iter()
                .map(|signature| WireSignature {
                    keyid: Some(signature.keyid.clone()).filter(|keyid| !keyid.is_empty()),
                    sig: encode_base64(&signature.sig),
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example from the DSSE specification's protocol.md.
    #[test]
    fn pae_matches_the_specification_example() {
        assert_eq!(
            pae("http://example.com/HelloWorld", b"hello world"),
            b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
        );
        assert_eq!(pae("", b""), b"DSSEv1 0  0 ");
    }

    #[test]
    fn standalone_envelope_round_trips_with_keyid() {
        let json = br#"{"payloadType":"text/plain","payload":"aGVsbG8=","signatures":[{"keyid":"","sig":"AQI="}]}"#;
        let envelope = Envelope::from_json(json).unwrap();
        assert_eq!(envelope.payload, b"hello");
        assert_eq!(envelope.signatures[0].sig, [1, 2]);
        assert_eq!(envelope.to_json(), json);
    }

    #[test]
    fn rejects_envelopes_without_type_or_signatures() {
        let no_type = br#"{"payload":"aGVsbG8=","signatures":[{"sig":"AQI="}]}"#;
        assert!(matches!(
            Envelope::from_json(no_type),
            Err(BundleError::Missing { field }) if field == "payloadType"
        ));
        let no_signatures = br#"{"payloadType":"t","payload":"aGVsbG8=","signatures":[]}"#;
        assert!(matches!(
            Envelope::from_json(no_signatures),
            Err(BundleError::Missing { field }) if field == "signatures"
        ));
        let empty_sig = br#"{"payloadType":"t","payload":"aGVsbG8=","signatures":[{"sig":""}]}"#;
        assert!(matches!(
            Envelope::from_json(empty_sig),
            Err(BundleError::Missing { field }) if field == "signatures[0].sig"
        ));
    }
}
