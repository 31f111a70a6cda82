//! The Sigstore trusted root: which transparency logs, certificate transparency logs,
//! certificate authorities and timestamp authorities a verifier trusts, and when.
//!
//! The format is `dev.sigstore.trustedroot` (v0.1 and v0.2) from sigstore/protobuf-specs
//! (`protos/sigstore_trustroot.proto`), written as protobuf-JSON: `bytes` are base64 and
//! timestamps RFC 3339. The certificate chains are parsed once here so chain building never
//! re-reads the JSON.

use base64::Engine as _;
use der::Encode as _;
use jiff::Timestamp;

use super::TrustError;
use super::certificate::ParsedCertificate;
use crate::keys::PublicKey;

/// The public-good production trusted root custody ships.
///
/// A copy of sigstore/sigstore-rs `trust_root/prod/trusted_root.json` @ 038e36a (from
/// `../shared/conformance/sigstore/keys-and-roots/sigstore-rs/trust_root/prod/`), which is the
/// root sigstore's TUF repository (tuf-repo-cdn.sigstore.dev) distributed at that commit. Pass
/// `--trusted-root` for a newer one.
const PRODUCTION_TRUSTED_ROOT: &[u8] = include_bytes!("../../data/trusted_root.json");

/// Media types of the trusted-root versions custody reads. v0.1 is written with a
/// `;version=` parameter by older tooling and as `.v0.1+json` by newer.
const MEDIA_TYPES: [&str; 3] = [
    "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    "application/vnd.dev.sigstore.trustedroot.v0.1+json",
    "application/vnd.dev.sigstore.trustedroot.v0.2+json",
];

/// A trusted root: the keys and certificates verification is anchored to.
#[derive(Clone, Debug)]
pub struct TrustedRoot {
    tlogs: Vec<TransparencyLogKey>,
    ctlogs: Vec<TransparencyLogKey>,
    certificate_authorities: Vec<CertificateAuthority>,
    timestamp_authorities: Vec<CertificateAuthority>,
}

/// A transparency log (Rekor) or certificate transparency log key with its identity and the
/// period it may be used for.
#[derive(Clone, Debug)]
pub struct TransparencyLogKey {
    /// Where the log is served, e.g. `https://rekor.sigstore.dev`.
    pub base_url: String,
    /// The log id entries and SCTs name: SHA-256 of the key's SPKI for Rekor v1 and CT logs.
    pub log_id: Vec<u8>,
    /// The key that signs the log's checkpoints, SETs or SCTs.
    pub public_key: PublicKey,
    /// When the key may have signed.
    pub valid_for: Validity,
}

/// A certificate authority (Fulcio) or timestamp authority: its chain, leaf side first and
/// root last, and the period it may have issued in.
#[derive(Clone, Debug)]
pub struct CertificateAuthority {
    /// Where the authority is served, e.g. `https://fulcio.sigstore.dev` (may be empty).
    pub uri: String,
    /// When the authority may have issued.
    pub valid_for: Validity,
    /// The chain, leaf side first, root last; never empty.
    pub(crate) chain: Vec<ParsedCertificate>,
}

impl CertificateAuthority {
    /// The chain as DER, leaf side first, root last.
    pub fn certificates(&self) -> impl Iterator<Item = &[u8]> {
        self.chain.iter().map(ParsedCertificate::der)
    }
}

/// A closed time interval: `start` to `end` inclusive, open-ended when `end` is absent.
///
/// The end is inclusive as in sigstore's `TimeRange` (the conformance case
/// `trust-root-tlog-validity-end-inclusive` has an entry integrated exactly at the end).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validity {
    /// First instant of validity.
    pub start: Timestamp,
    /// Last instant of validity, if the period has ended.
    pub end: Option<Timestamp>,
}

impl Validity {
    /// Whether `at` falls in the period, both ends included.
    pub fn contains(&self, at: Timestamp) -> bool {
        self.start <= at && self.end.is_none_or(|end| at <= end)
    }
}

impl TrustedRoot {
    /// Reads a `trusted_root.json` document.
    pub fn from_json(bytes: &[u8]) -> Result<Self, TrustError> {
        let document: wire::TrustedRoot =
            serde_json::from_slice(bytes).map_err(|source| TrustError::Json {
                line: source.line(),
                column: source.column(),
                source,
            })?;
        if !MEDIA_TYPES.contains(&document.media_type.as_str()) {
            return Err(TrustError::MediaType {
                media_type: document.media_type,
            });
        }
        Ok(Self {
            tlogs: read_logs("tlogs", document.tlogs)?,
            ctlogs: read_logs("ctlogs", document.ctlogs)?,
            certificate_authorities: read_authorities(
                "certificateAuthorities",
                document.certificate_authorities,
            )?,
            timestamp_authorities: read_authorities(
                "timestampAuthorities",
                document.timestamp_authorities,
            )?,
        })
    }

    /// The Sigstore public-good production root shipped with custody: sigstore-rs
    /// `trust_root/prod/trusted_root.json` @ 038e36a, the root sigstore's TUF repository
    /// distributed then. Users pass `--trusted-root` for a newer one.
    pub fn production() -> Self {
        Self::from_json(PRODUCTION_TRUSTED_ROOT)
            .expect("the shipped production trusted root parses (tested in trust::root)")
    }

    /// The transparency (Rekor) log with this log id, if trusted.
    pub fn transparency_log(&self, log_id: &[u8]) -> Option<&TransparencyLogKey> {
        self.tlogs.iter().find(|log| log.log_id == log_id)
    }

    /// All trusted transparency (Rekor) logs.
    pub fn transparency_logs(&self) -> &[TransparencyLogKey] {
        &self.tlogs
    }

    /// The certificate transparency log with this log id, if trusted.
    pub fn ct_log(&self, log_id: &[u8]) -> Option<&TransparencyLogKey> {
        self.ctlogs.iter().find(|log| log.log_id == log_id)
    }

    /// All trusted certificate transparency logs.
    pub fn ct_logs(&self) -> &[TransparencyLogKey] {
        &self.ctlogs
    }

    /// The trusted certificate authorities (Fulcio instances).
    pub fn certificate_authorities(&self) -> &[CertificateAuthority] {
        &self.certificate_authorities
    }

    /// The trusted RFC 3161 timestamp authorities.
    pub fn timestamp_authorities(&self) -> &[CertificateAuthority] {
        &self.timestamp_authorities
    }
}

fn read_logs(
    section: &str,
    logs: Vec<wire::TransparencyLog>,
) -> Result<Vec<TransparencyLogKey>, TrustError> {
    logs.into_iter()
        .enumerate()
        .map(|(index, log)| {
            let field = format!("{section}[{index}]");
            let key = log.public_key.ok_or_else(|| TrustError::Missing {
                field: format!("{field}.publicKey"),
            })?;
            let raw = decode_base64(&format!("{field}.publicKey.rawBytes"), &key.raw_bytes)?;
            let public_key = read_public_key(&raw, &key.key_details).map_err(|source| {
                TrustError::PublicKey {
                    field: format!("{field}.publicKey.rawBytes"),
                    key_details: key.key_details.clone(),
                    source,
                }
            })?;
            let log_id = match log.log_id {
                Some(id) if !id.key_id.is_empty() => {
                    decode_base64(&format!("{field}.logId.keyId"), &id.key_id)?
                }
                _ => {
                    return Err(TrustError::Missing {
                        field: format!("{field}.logId.keyId"),
                    });
                }
            };
            Ok(TransparencyLogKey {
                base_url: log.base_url,
                log_id,
                public_key,
                valid_for: read_validity(&format!("{field}.publicKey.validFor"), key.valid_for)?,
            })
        })
        .collect()
}

fn read_authorities(
    section: &str,
    authorities: Vec<wire::CertificateAuthority>,
) -> Result<Vec<CertificateAuthority>, TrustError> {
    authorities
        .into_iter()
        .enumerate()
        .map(|(index, authority)| {
            let field = format!("{section}[{index}]");
            let raw_certificates = authority
                .cert_chain
                .map(|chain| chain.certificates)
                .unwrap_or_default();
            if raw_certificates.is_empty() {
                return Err(TrustError::Missing {
                    field: format!("{field}.certChain.certificates"),
                });
            }
            let chain = raw_certificates
                .iter()
                .enumerate()
                .map(|(position, certificate)| {
                    let path = format!("{field}.certChain.certificates[{position}].rawBytes");
                    let der = decode_base64(&path, &certificate.raw_bytes)?;
                    ParsedCertificate::decode(&der).map_err(|source| TrustError::Certificate {
                        field: path,
                        source,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(CertificateAuthority {
                uri: authority.uri,
                valid_for: read_validity(&format!("{field}.validFor"), authority.valid_for)?,
                chain,
            })
        })
        .collect()
}

/// A key as the trusted root stores it. `PKCS1_*` key details mean the bytes are a PKCS#1
/// `RSAPublicKey` (the staging CT log's key is one); every other kind is SPKI DER.
fn read_public_key(raw: &[u8], key_details: &str) -> Result<PublicKey, crate::keys::KeyError> {
    if key_details.starts_with("PKCS1_") {
        PublicKey::from_spki_der(&rsa_spki(raw))
    } else {
        PublicKey::from_spki_der(raw)
    }
}

/// Wraps a PKCS#1 `RSAPublicKey` in a `SubjectPublicKeyInfo` (RFC 3279 §2.3.1: rsaEncryption
/// with NULL parameters). A wrapping that cannot encode yields empty bytes, which the key
/// parser then refuses with its own error.
fn rsa_spki(pkcs1: &[u8]) -> Vec<u8> {
    const RSA_ENCRYPTION: der::asn1::ObjectIdentifier =
        der::asn1::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
    der::asn1::BitStringRef::new(0, pkcs1)
        .and_then(|key| {
            spki::SubjectPublicKeyInfoRef {
                algorithm: spki::AlgorithmIdentifierRef {
                    oid: RSA_ENCRYPTION,
                    parameters: Some(der::asn1::AnyRef::NULL),
                },
                subject_public_key: key,
            }
            .to_der()
        })
        .unwrap_or_default()
}

fn read_validity(field: &str, validity: Option<wire::TimeRange>) -> Result<Validity, TrustError> {
    // sigstore clients treat an absent period as unbounded (sigstore-python
    // `_is_timerange_valid`); roots in the wild always carry a start.
    let Some(range) = validity else {
        return Ok(Validity {
            start: Timestamp::MIN,
            end: None,
        });
    };
    let start = match range.start {
        Some(text) => parse_timestamp(&format!("{field}.start"), text)?,
        None => Timestamp::MIN,
    };
    let end = range
        .end
        .map(|text| parse_timestamp(&format!("{field}.end"), text))
        .transpose()?;
    Ok(Validity { start, end })
}

fn parse_timestamp(field: &str, text: String) -> Result<Timestamp, TrustError> {
    text.parse().map_err(|source| TrustError::Timestamp {
        field: field.to_owned(),
        value: text,
        source,
    })
}

/// protobuf-JSON `bytes`: trusted roots are written by Go's protojson with the standard
/// alphabet and padding.
fn decode_base64(field: &str, text: &str) -> Result<Vec<u8>, TrustError> {
    if text.is_empty() {
        return Err(TrustError::Missing {
            field: field.to_owned(),
        });
    }
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|source| TrustError::Base64 {
            field: field.to_owned(),
            source,
        })
}

/// The JSON shape, as serde reads it; converted to the public types above.
mod wire {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct TrustedRoot {
        #[serde(default)]
        pub(super) media_type: String,
        #[serde(default)]
        pub(super) tlogs: Vec<TransparencyLog>,
        #[serde(default)]
        pub(super) certificate_authorities: Vec<CertificateAuthority>,
        #[serde(default)]
        pub(super) ctlogs: Vec<TransparencyLog>,
        #[serde(default)]
        pub(super) timestamp_authorities: Vec<CertificateAuthority>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct TransparencyLog {
        #[serde(default)]
        pub(super) base_url: String,
        pub(super) public_key: Option<PublicKey>,
        pub(super) log_id: Option<LogId>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct PublicKey {
        #[serde(default)]
        pub(super) raw_bytes: String,
        #[serde(default)]
        pub(super) key_details: String,
        pub(super) valid_for: Option<TimeRange>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct LogId {
        #[serde(default)]
        pub(super) key_id: String,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct CertificateAuthority {
        #[serde(default)]
        pub(super) uri: String,
        pub(super) cert_chain: Option<CertificateChain>,
        pub(super) valid_for: Option<TimeRange>,
    }

    #[derive(Deserialize)]
    pub(super) struct CertificateChain {
        #[serde(default)]
        pub(super) certificates: Vec<RawCertificate>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub(super) struct RawCertificate {
        #[serde(default)]
        pub(super) raw_bytes: String,
    }

    #[derive(Deserialize)]
    pub(super) struct TimeRange {
        pub(super) start: Option<String>,
        pub(super) end: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn production_root_parses_with_its_logs_and_authorities() {
        let root = TrustedRoot::production();
        assert_eq!(root.transparency_logs().len(), 1);
        assert_eq!(root.ct_logs().len(), 2);
        assert_eq!(root.certificate_authorities().len(), 2);
        assert!(root.timestamp_authorities().is_empty());
        let rekor_id = base64::engine::general_purpose::STANDARD
            .decode("wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=")
            .unwrap();
        let rekor = root.transparency_log(&rekor_id).unwrap();
        assert_eq!(rekor.base_url, "https://rekor.sigstore.dev");
        assert_eq!(rekor.valid_for.end, None);
        assert!(root.transparency_log(&[0; 32]).is_none());
    }

    #[test]
    fn validity_includes_both_ends() {
        let start: Timestamp = "2023-01-01T00:00:00Z".parse().unwrap();
        let end: Timestamp = "2023-07-12T15:56:36Z".parse().unwrap();
        let validity = Validity {
            start,
            end: Some(end),
        };
        assert!(validity.contains(start));
        assert!(validity.contains(end));
        assert!(!validity.contains(end + jiff::SignedDuration::from_nanos(1)));
        assert!(!validity.contains(start - jiff::SignedDuration::from_nanos(1)));
        let open = Validity { start, end: None };
        assert!(open.contains(Timestamp::MAX));
    }

    #[test]
    fn refuses_unknown_media_type_and_bad_fields() {
        let error = TrustedRoot::from_json(br#"{"mediaType": "application/json"}"#).unwrap_err();
        assert!(matches!(error, TrustError::MediaType { .. }), "{error}");

        let bad_base64 = br#"{"mediaType": "application/vnd.dev.sigstore.trustedroot.v0.2+json",
            "tlogs": [{"baseUrl": "x", "publicKey": {"rawBytes": "!!", "keyDetails": "PKIX_ED25519"},
                       "logId": {"keyId": "AAAA"}}]}"#;
        let error = TrustedRoot::from_json(bad_base64).unwrap_err();
        assert!(
            matches!(&error, TrustError::Base64 { field, .. } if field == "tlogs[0].publicKey.rawBytes"),
            "{error}"
        );

        let bad_time = br#"{"mediaType": "application/vnd.dev.sigstore.trustedroot.v0.1+json",
            "certificateAuthorities": [{"certChain": {"certificates": []},
                                        "validFor": {"start": "yesterday"}}]}"#;
        let error = TrustedRoot::from_json(bad_time).unwrap_err();
        assert!(matches!(error, TrustError::Missing { .. }), "{error}");

        let error = TrustedRoot::from_json(b"{").unwrap_err();
        assert!(matches!(error, TrustError::Json { line: 1, .. }), "{error}");
    }
}
