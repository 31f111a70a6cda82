//! Signed entry timestamps (SETs, the bundle's `inclusionPromise`) and cosign's legacy
//! `dev.sigstore.cosign/bundle` annotation that carries one.
//!
//! A SET is the Rekor v1 log's signature, made when it accepted the entry, over the canonical
//! JSON (keys sorted, no spaces) of
//! `{"body":<base64 body>,"integratedTime":<seconds>,"logID":<hex>,"logIndex":<index>}`
//! (rekor `pkg/api/entries.go`, `VerifySET` in cosign `pkg/cosign/tlog.go`). It promises
//! inclusion and signs the integrated time, which is why only a verified SET makes that time
//! trustworthy. Rekor v2 issues no SETs.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Deserialize;

use crate::bundle::TransparencyLogEntry;
use crate::bundle::encoding::decode_base64;
use crate::keys::{PublicKey, SignatureError};

use super::TlogError;

/// The canonical JSON a SET signs. Base64 and hex need no JSON escaping and the keys are
/// written in sorted order, so formatting yields exactly the canonical form.
fn set_payload(body: &[u8], integrated_time: i64, log_id: &[u8], log_index: i64) -> String {
    format!(
        r#"{{"body":"{}","integratedTime":{integrated_time},"logID":"{}","logIndex":{log_index}}}"#,
        STANDARD.encode(body),
        hex::encode(log_id),
    )
}

/// Checks the SET `set` of `entry` with the log's `key`.
pub(crate) fn verify_set(
    entry: &TransparencyLogEntry,
    set: &[u8],
    key: &PublicKey,
) -> Result<(), SignatureError> {
    let payload = set_payload(
        &entry.canonicalized_body,
        entry.integrated_time,
        &entry.log_id,
        entry.log_index,
    );
    key.verify(payload.as_bytes(), set)
}

/// cosign's `dev.sigstore.cosign/bundle` annotation (cosign `pkg/cosign/bundle/rekor.go`).
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LegacyBundle {
    signed_entry_timestamp: String,
    payload: LegacyPayload,
}

/// The entry metadata the SET signs, as cosign stores it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LegacyPayload {
    body: String,
    integrated_time: i64,
    log_index: i64,
    #[serde(rename = "logID")]
    log_id: String,
}

/// The kind and version every Rekor body names.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BodyKind {
    kind: String,
    api_version: String,
}

/// Reads a cosign bundle annotation as the log entry it describes: SET, no inclusion proof,
/// kind and version taken from the body itself.
pub(crate) fn read_legacy_bundle(json: &[u8]) -> Result<TransparencyLogEntry, TlogError> {
    let bundle: LegacyBundle = serde_json::from_slice(json).map_err(TlogError::LegacyBundle)?;
    let field = |field, encoding| TlogError::LegacyBundleField { field, encoding };
    let set = decode_base64(&bundle.signed_entry_timestamp)
        .map_err(|_| field("SignedEntryTimestamp", "base64"))?;
    let body = decode_base64(&bundle.payload.body).map_err(|_| field("Payload.body", "base64"))?;
    let log_id = hex::decode(&bundle.payload.log_id).map_err(|_| field("Payload.logID", "hex"))?;
    let kind: BodyKind = serde_json::from_slice(&body)
        .map_err(|source| TlogError::Body(super::BodyError::NotAnEntry(source)))?;
    Ok(TransparencyLogEntry {
        log_index: bundle.payload.log_index,
        log_id,
        kind: kind.kind,
        version: kind.api_version,
        integrated_time: bundle.payload.integrated_time,
        inclusion_promise: Some(set),
        inclusion_proof: None,
        canonicalized_body: body,
    })
}

#[cfg(test)]
mod tests {
    //! The canonical SET payload, byte for byte.

    use super::*;

    #[test]
    fn payload_is_canonical_json() {
        let payload = set_payload(b"{}", 1_689_177_396, &[0xc0, 0xd2], 27_246_492);
        assert_eq!(
            payload,
            r#"{"body":"e30=","integratedTime":1689177396,"logID":"c0d2","logIndex":27246492}"#
        );
        // The same document as serde_json writes it with sorted keys.
        let reference = serde_json::json!({
            "logIndex": 27_246_492,
            "logID": "c0d2",
            "integratedTime": 1_689_177_396,
            "body": "e30=",
        });
        assert_eq!(payload, reference.to_string());
    }
}
