//! Reads arbitrary bytes as a signed checkpoint and as the body, SET and checkpoint of a Rekor
//! log entry: an error is fine, a panic is a bug, a parsed checkpoint lies within its input and
//! carries a signature, and a fuzzed entry never verifies (nothing forges the log's signature).
#![no_main]

use std::sync::LazyLock;

use custody_sign::bundle::dsse::{Envelope, Signature};
use custody_sign::bundle::{InclusionProof, TransparencyLogEntry};
use custody_sign::tlog::{SignedCheckpoint, SignedContent, SignerMaterial, verify_entry};
use custody_sign::trust::TrustedRoot;
use libfuzzer_sys::fuzz_target;

/// Every kind and version `verify_entry` reads, and one it does not.
const KINDS: [(&str, &str); 7] = [
    ("hashedrekord", "0.0.1"),
    ("hashedrekord", "0.0.2"),
    ("dsse", "0.0.1"),
    ("dsse", "0.0.2"),
    ("intoto", "0.0.1"),
    ("intoto", "0.0.2"),
    ("rekord", "0.0.1"),
];

static ROOT: LazyLock<TrustedRoot> = LazyLock::new(TrustedRoot::production);

fuzz_target!(|data: &[u8]| {
    let text = std::str::from_utf8(data).unwrap_or_default();
    if let Ok(signed) = SignedCheckpoint::parse(text) {
        assert!(text.starts_with(signed.text));
        assert!(!signed.signatures.is_empty());
    }
    let log = &ROOT.transparency_logs()[0];
    let envelope = Envelope {
        payload_type: "application/vnd.in-toto+json".to_owned(),
        payload: data.to_vec(),
        signatures: vec![Signature {
            keyid: String::new(),
            sig: data.to_vec(),
        }],
    };
    let digest = [0; 32];
    let contents = [
        SignedContent::Message {
            digest: &digest,
            signature: data,
        },
        SignedContent::Dsse(&envelope),
    ];
    for (kind, version) in KINDS {
        let entry = TransparencyLogEntry {
            log_index: 0,
            log_id: log.log_id.clone(),
            kind: kind.to_owned(),
            version: version.to_owned(),
            integrated_time: 1_700_000_000,
            inclusion_promise: Some(data.to_vec()),
            inclusion_proof: Some(InclusionProof {
                log_index: 0,
                root_hash: data.get(..32).unwrap_or_default().to_vec(),
                tree_size: 1,
                hashes: Vec::new(),
                checkpoint: text.to_owned(),
            }),
            canonicalized_body: data.to_vec(),
        };
        for content in &contents {
            let signer = SignerMaterial::PublicKey(&log.public_key);
            assert!(verify_entry(&entry, content, &signer, &ROOT).is_err());
        }
    }
});
