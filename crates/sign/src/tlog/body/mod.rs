//! Rekor entry bodies: does the logged entry describe this signature?
//!
//! A log entry proves something only about the body the log hashed. [`check_body`] reads the
//! canonicalized body of each kind Sigstore clients write and checks that it records the
//! signed content (artifact digest or DSSE payload hash), the signature bytes and the signer
//! (certificate or public key) the bundle presents:
//!
//! | entry | written by | digest | signature | signer |
//! |---|---|---|---|---|
//! | `hashedrekord` 0.0.1 | Rekor v1, blobs and images | hex | base64 | base64 PEM |
//! | `hashedrekord` 0.0.2 | Rekor v2, also DSSE (of the PAE) | base64 | base64 | DER |
//! | `dsse` 0.0.1 | Rekor v1 DSSE | payload, hex | base64, each | base64 PEM, each |
//! | `dsse` 0.0.2 | Rekor v2 DSSE (early logs) | payload, base64 | base64, each | DER, each |
//! | `intoto` 0.0.1 | cosign attestations | payload, hex | not recorded | base64 PEM |
//! | `intoto` 0.0.2 | cosign attestations | payload, hex | base64 twice, each | base64 PEM, each |
//!
//! Schemas: sigstore/rekor `pkg/types/*/v0.0.*/*_schema.json` (v1) and sigstore/protobuf-specs
//! `rekor/v2/*.proto` (v2). Hashes over the raw envelope JSON (`envelopeHash`, intoto's
//! `hash`) are not checked: the envelope as submitted is not canonical and a bundle does not
//! carry its bytes; the payload hash and the signatures bind the same content.

mod intoto_v002;
mod v001;
mod v002;

use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::bundle::dsse::Envelope;
use crate::bundle::encoding::decode_base64;
use crate::keys::{HashAlgorithm, PublicKey};

use super::{SignedContent, SignerMaterial};

/// Why an entry body does not describe the signature being verified.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    /// The body is not JSON, or not an object with `kind`, `apiVersion` and `spec`.
    #[error("log entry body is not a Rekor entry")]
    NotAnEntry(#[source] serde_json::Error),
    /// The body's kind and version are not the ones the bundle declares for the entry.
    #[error(
        "log entry body is {body_kind} {body_version}, the bundle says {entry_kind} {entry_version}"
    )]
    KindMismatch {
        /// The kind the bundle declares.
        entry_kind: String,
        /// The version the bundle declares.
        entry_version: String,
        /// The kind in the body.
        body_kind: String,
        /// The version in the body.
        body_version: String,
    },
    /// The body's `spec` does not follow the schema of its kind and version.
    #[error("log entry {kind} {version} does not follow its schema")]
    Schema {
        /// The entry kind.
        kind: String,
        /// The entry version.
        version: String,
        /// What serde found.
        #[source]
        source: serde_json::Error,
    },
    /// A kind/version custody does not read, or one that cannot record this content (a DSSE
    /// envelope in a `hashedrekord` 0.0.1, a message signature in a `dsse` entry).
    #[error("a {content} cannot be checked against a {kind} {version} log entry")]
    Unsupported {
        /// The entry kind.
        kind: String,
        /// The entry version.
        version: String,
        /// What was signed: "message signature" or "DSSE envelope".
        content: &'static str,
    },
    /// A field holds bytes that do not decode (base64, hex, PEM, UTF-8).
    #[error("log entry field `{field}` is not valid {encoding}")]
    Encoding {
        /// The JSON path of the field.
        field: &'static str,
        /// The encoding expected.
        encoding: &'static str,
    },
    /// A hash algorithm the entry names is not SHA-256, SHA-384 or SHA-512.
    #[error("log entry field `{field}` names unsupported hash algorithm `{algorithm}`")]
    HashAlgorithm {
        /// The JSON path of the field.
        field: &'static str,
        /// The algorithm named.
        algorithm: String,
    },
    /// The logged digest is not the digest of what was signed.
    #[error("log entry `{field}` is {logged}, the signed content's is {expected}")]
    DigestMismatch {
        /// The JSON path of the field.
        field: &'static str,
        /// The digest of the signed content, hex.
        expected: String,
        /// The logged digest, hex.
        logged: String,
    },
    /// The logged signature is not the bundle's.
    #[error("log entry `{field}` does not record this signature")]
    SignatureMismatch {
        /// The JSON path of the field.
        field: &'static str,
    },
    /// The logged certificate or key is not the bundle's signer.
    #[error("log entry `{field}` names a different signer than the bundle")]
    SignerMismatch {
        /// The JSON path of the field.
        field: &'static str,
    },
    /// The entry records a different number of signatures than the envelope carries.
    #[error("log entry records {logged} signatures, the envelope carries {envelope}")]
    SignatureCount {
        /// Signatures in the envelope.
        envelope: usize,
        /// Signatures in the entry.
        logged: usize,
    },
    /// The entry's DSSE payload type or payload is not the envelope's.
    #[error("log entry `{field}` is not the envelope's")]
    EnvelopeMismatch {
        /// The JSON path of the field.
        field: &'static str,
    },
}

/// The outer shape every Rekor body shares.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EntryHead {
    kind: String,
    api_version: String,
    spec: Value,
}

/// Checks that the canonicalized `body` of an entry the bundle declares as `kind`/`version`
/// records `content` signed by `signer`; returns the body as JSON for the caller to show.
pub(crate) fn check_body(
    kind: &str,
    version: &str,
    body: &[u8],
    content: &SignedContent<'_>,
    signer: &SignerMaterial<'_>,
) -> Result<Value, BodyError> {
    let value: Value = serde_json::from_slice(body).map_err(BodyError::NotAnEntry)?;
    let head = EntryHead::deserialize(&value).map_err(BodyError::NotAnEntry)?;
    if head.kind != kind || head.api_version != version {
        return Err(BodyError::KindMismatch {
            entry_kind: kind.to_owned(),
            entry_version: version.to_owned(),
            body_kind: head.kind,
            body_version: head.api_version,
        });
    }
    let schema = |source| BodyError::Schema {
        kind: kind.to_owned(),
        version: version.to_owned(),
        source,
    };
    let spec = &head.spec;
    match (kind, version, content) {
        ("hashedrekord", "0.0.1", SignedContent::Message { digest, signature }) => {
            let entry = v001::HashedRekord::deserialize(spec).map_err(schema)?;
            entry.check(digest, signature, signer)?;
        }
        ("hashedrekord", "0.0.2", _) => {
            let entry = v002::HashedRekordSpec::deserialize(spec).map_err(schema)?;
            entry.hashed_rekord_v002.check(content, signer)?;
        }
        ("dsse", "0.0.1", SignedContent::Dsse(envelope)) => {
            let entry = v001::Dsse::deserialize(spec).map_err(schema)?;
            entry.check(envelope, signer)?;
        }
        ("dsse", "0.0.2", SignedContent::Dsse(envelope)) => {
            let entry = v002::DsseSpec::deserialize(spec).map_err(schema)?;
            entry.dsse_v002.check(envelope, signer)?;
        }
        ("intoto", "0.0.1", SignedContent::Dsse(envelope)) => {
            let entry = v001::Intoto::deserialize(spec).map_err(schema)?;
            entry.check(envelope, signer)?;
        }
        ("intoto", "0.0.2", SignedContent::Dsse(envelope)) => {
            let entry = intoto_v002::Intoto::deserialize(spec).map_err(schema)?;
            entry.check(envelope, signer)?;
        }
        _ => {
            return Err(BodyError::Unsupported {
                kind: kind.to_owned(),
                version: version.to_owned(),
                content: match content {
                    SignedContent::Message { .. } => "message signature",
                    SignedContent::Dsse(_) => "DSSE envelope",
                },
            });
        }
    }
    Ok(value)
}

/// Decodes a base64 field of the body.
fn base64_field(field: &'static str, text: &str) -> Result<Vec<u8>, BodyError> {
    decode_base64(text).map_err(|_| BodyError::Encoding {
        field,
        encoding: "base64",
    })
}

/// Decodes a hex field of the body (Rekor v1 writes digests as lowercase hex).
fn hex_field(field: &'static str, text: &str) -> Result<Vec<u8>, BodyError> {
    hex::decode(text).map_err(|_| BodyError::Encoding {
        field,
        encoding: "hex",
    })
}

/// The hash function a body names: Rekor v1 writes `sha256`, Rekor v2 `SHA2_256`.
fn hash_algorithm(field: &'static str, name: &str) -> Result<HashAlgorithm, BodyError> {
    match name {
        "sha256" | "SHA2_256" => Ok(HashAlgorithm::Sha256),
        "sha384" | "SHA2_384" => Ok(HashAlgorithm::Sha384),
        "sha512" | "SHA2_512" => Ok(HashAlgorithm::Sha512),
        _ => Err(BodyError::HashAlgorithm {
            field,
            algorithm: name.to_owned(),
        }),
    }
}

/// Fails unless the logged digest equals the signed content's.
fn expect_digest(field: &'static str, logged: &[u8], expected: &[u8]) -> Result<(), BodyError> {
    if logged == expected {
        Ok(())
    } else {
        Err(BodyError::DigestMismatch {
            field,
            expected: hex::encode(expected),
            logged: hex::encode(logged),
        })
    }
}

/// Fails unless the logged signature equals the bundle's.
fn expect_signature(field: &'static str, logged: &[u8], signature: &[u8]) -> Result<(), BodyError> {
    if logged == signature {
        Ok(())
    } else {
        Err(BodyError::SignatureMismatch { field })
    }
}

/// Fails unless the envelope and the entry record the same number of signatures.
fn expect_signature_count(envelope: &Envelope, logged: usize) -> Result<(), BodyError> {
    if envelope.signatures.len() == logged {
        Ok(())
    } else {
        Err(BodyError::SignatureCount {
            envelope: envelope.signatures.len(),
            logged,
        })
    }
}

/// Fails unless a Rekor v1 verifier field (base64 of a PEM certificate or public key) names
/// `signer`.
fn expect_pem_signer(
    field: &'static str,
    base64_pem: &str,
    signer: &SignerMaterial<'_>,
) -> Result<(), BodyError> {
    let pem = base64_field(field, base64_pem)?;
    let (label, der) =
        std::str::from_utf8(&pem)
            .ok()
            .and_then(read_pem)
            .ok_or(BodyError::Encoding {
                field,
                encoding: "PEM",
            })?;
    let matches = match signer {
        SignerMaterial::Certificate(certificate) => label == "CERTIFICATE" && der == *certificate,
        SignerMaterial::PublicKey(key) => {
            label == "PUBLIC KEY"
                && PublicKey::from_spki_der(&der)
                    .is_ok_and(|logged| logged.to_spki_der() == key.to_spki_der())
        }
    };
    if matches {
        Ok(())
    } else {
        Err(BodyError::SignerMismatch { field })
    }
}

/// The label and DER of the first PEM block of `text`. Lenient about line length, as Go's
/// `encoding/pem` is: Rekor stores some certificates with the base64 on one line.
fn read_pem(text: &str) -> Option<(&str, Vec<u8>)> {
    let rest = text.trim_start().strip_prefix("-----BEGIN ")?;
    let (label, rest) = rest.split_once("-----")?;
    let (base64, _) = rest.split_once(&format!("-----END {label}-----"))?;
    Some((label, decode_base64(base64).ok()?))
}

/// Decodes a field holding base64 of base64 (intoto 0.0.2's payload and signatures). Bytes
/// whose inner layer is not base64 cannot be the envelope's, so they are a mismatch rather
/// than an encoding error: `mismatch` is the error to give.
fn double_base64_field(
    field: &'static str,
    text: &str,
    mismatch: BodyError,
) -> Result<Vec<u8>, BodyError> {
    let once = base64_field(field, text)?;
    std::str::from_utf8(&once)
        .ok()
        .and_then(|inner| decode_base64(inner).ok())
        .ok_or(mismatch)
}

/// sha256 of the DSSE payload, the `payloadHash` Rekor v1 records.
fn payload_sha256(envelope: &Envelope) -> Vec<u8> {
    Sha256::digest(&envelope.payload).to_vec()
}

#[cfg(test)]
mod tests {
    //! Entry kinds the conformance corpus has no sample of (`dsse` 0.0.2, `intoto` 0.0.1,
    //! key-signed `hashedrekord` 0.0.2), built here the way Rekor writes them, and the
    //! lenient decoding of what Rekor stores. Corpus entries are checked in tests/it/tlog.rs.

    use base64::Engine as _;
    use base64::engine::general_purpose::STANDARD;
    use serde_json::json;

    use super::*;
    use crate::bundle::dsse;
    use crate::keys::{KeyAlgorithm, SigningKey};

    struct Fixture {
        key: PublicKey,
        other_key: PublicKey,
        envelope: Envelope,
    }

    fn fixture() -> Fixture {
        let signing = SigningKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
        let envelope = Envelope::sign(
            "application/vnd.in-toto+json",
            b"{\"_type\":\"x\"}",
            &signing,
        )
        .unwrap();
        Fixture {
            key: signing.public_key(),
            other_key: SigningKey::generate(KeyAlgorithm::EcdsaP256)
                .unwrap()
                .public_key(),
            envelope,
        }
    }

    fn check(body: &Value, content: &SignedContent<'_>, key: &PublicKey) -> Result<(), BodyError> {
        let kind = body["kind"].as_str().unwrap();
        let version = body["apiVersion"].as_str().unwrap();
        let bytes = serde_json::to_vec(body).unwrap();
        check_body(
            kind,
            version,
            &bytes,
            content,
            &SignerMaterial::PublicKey(key),
        )
        .map(|_| ())
    }

    fn sha256_base64(bytes: &[u8]) -> String {
        STANDARD.encode(Sha256::digest(bytes))
    }

    #[test]
    fn dsse_v002_records_payload_hash_signatures_and_keys() {
        let Fixture {
            key,
            other_key,
            envelope,
        } = fixture();
        let body = |payload_hash: String, key: &PublicKey| {
            json!({"kind": "dsse", "apiVersion": "0.0.2", "spec": {"dsseV002": {
                "payloadHash": {"algorithm": "SHA2_256", "digest": payload_hash},
                "signatures": [{
                    "content": STANDARD.encode(&envelope.signatures[0].sig),
                    "verifier": {"publicKey": {"rawBytes": STANDARD.encode(key.to_spki_der())},
                                 "keyDetails": "PKIX_ECDSA_P256_SHA_256"},
                }],
            }}})
        };
        let content = SignedContent::Dsse(&envelope);
        let good = body(sha256_base64(&envelope.payload), &key);
        check(&good, &content, &key).unwrap();
        assert!(matches!(
            check(&body(sha256_base64(b"other"), &key), &content, &key),
            Err(BodyError::DigestMismatch { .. })
        ));
        assert!(matches!(
            check(
                &body(sha256_base64(&envelope.payload), &other_key),
                &content,
                &key
            ),
            Err(BodyError::SignerMismatch { .. })
        ));
        let mut two = envelope.clone();
        two.signatures.push(two.signatures[0].clone());
        assert!(matches!(
            check(&good, &SignedContent::Dsse(&two), &key),
            Err(BodyError::SignatureCount {
                envelope: 2,
                logged: 1
            })
        ));
    }

    #[test]
    fn intoto_v001_records_payload_hash_and_key() {
        let Fixture {
            key,
            other_key,
            envelope,
        } = fixture();
        let body = json!({"kind": "intoto", "apiVersion": "0.0.1", "spec": {
            "content": {
                "hash": {"algorithm": "sha256", "value": "00"},
                "payloadHash": {"algorithm": "sha256",
                                "value": hex::encode(Sha256::digest(&envelope.payload))},
            },
            "publicKey": STANDARD.encode(key.to_pem()),
        }});
        let content = SignedContent::Dsse(&envelope);
        check(&body, &content, &key).unwrap();
        assert!(matches!(
            check(&body, &content, &other_key),
            Err(BodyError::SignerMismatch {
                field: "spec.publicKey"
            })
        ));
        let mut changed = envelope.clone();
        changed.payload.push(b' ');
        assert!(matches!(
            check(&body, &SignedContent::Dsse(&changed), &key),
            Err(BodyError::DigestMismatch { .. })
        ));
    }

    #[test]
    fn hashedrekord_v002_records_a_key_signed_dsse_envelope_by_its_pae() {
        let Fixture { key, envelope, .. } = fixture();
        let pae = dsse::pae(&envelope.payload_type, &envelope.payload);
        let body = |digest: String| {
            json!({"kind": "hashedrekord", "apiVersion": "0.0.2", "spec": {"hashedRekordV002": {
                "data": {"algorithm": "SHA2_256", "digest": digest},
                "signature": {
                    "content": STANDARD.encode(&envelope.signatures[0].sig),
                    "verifier": {"publicKey": {"rawBytes": STANDARD.encode(key.to_spki_der())}},
                },
            }}})
        };
        let content = SignedContent::Dsse(&envelope);
        check(&body(sha256_base64(&pae)), &content, &key).unwrap();
        // The payload's digest is what dsse entries log, not what hashedrekord 0.0.2 logs.
        assert!(matches!(
            check(&body(sha256_base64(&envelope.payload)), &content, &key),
            Err(BodyError::DigestMismatch { .. })
        ));
        // A message signature over the same digest is the same entry.
        let digest = Sha256::digest(&pae);
        let message = SignedContent::Message {
            digest: &digest,
            signature: &envelope.signatures[0].sig,
        };
        check(&body(sha256_base64(&pae)), &message, &key).unwrap();
    }

    #[test]
    fn unknown_kinds_and_hash_algorithms_are_errors() {
        let Fixture { key, envelope, .. } = fixture();
        let content = SignedContent::Dsse(&envelope);
        let rekord = json!({"kind": "rekord", "apiVersion": "0.0.1", "spec": {}});
        assert!(matches!(
            check(&rekord, &content, &key),
            Err(BodyError::Unsupported { .. })
        ));
        let md5 = json!({"kind": "dsse", "apiVersion": "0.0.1", "spec": {
            "payloadHash": {"algorithm": "md5", "value": "00"}, "signatures": []}});
        assert!(matches!(
            check(&md5, &content, &key),
            Err(BodyError::HashAlgorithm { algorithm, .. }) if algorithm == "md5"
        ));
        let no_spec = json!({"kind": "dsse", "apiVersion": "0.0.1", "spec": {"payloadHash": 1}});
        assert!(matches!(
            check(&no_spec, &content, &key),
            Err(BodyError::Schema { .. })
        ));
        assert!(matches!(
            check_body(
                "dsse",
                "0.0.1",
                b"[1,",
                &content,
                &SignerMaterial::PublicKey(&key)
            ),
            Err(BodyError::NotAnEntry(_))
        ));
    }

    #[test]
    fn pem_blocks_are_read_whatever_their_line_length() {
        let der = vec![0x30, 0x03, 0x02, 0x01, 0x05];
        let wrapped = format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            STANDARD.encode(&der)
        );
        assert_eq!(read_pem(&wrapped), Some(("CERTIFICATE", der.clone())));
        assert_eq!(read_pem("-----BEGIN CERTIFICATE-----\nMAMCAQU=\n"), None);
        assert_eq!(read_pem("MAMCAQU="), None);
        let mismatch = || BodyError::SignatureMismatch { field: "f" };
        let twice = STANDARD.encode(STANDARD.encode(b"sig"));
        assert_eq!(
            double_base64_field("f", &twice, mismatch()).unwrap(),
            b"sig"
        );
        let once = STANDARD.encode([0xff, 0x00]);
        assert!(matches!(
            double_base64_field("f", &once, mismatch()),
            Err(BodyError::SignatureMismatch { .. })
        ));
    }
}
