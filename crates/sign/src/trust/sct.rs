//! Signed certificate timestamps embedded in a Fulcio leaf (RFC 6962 §3.2–3.3): proof that
//! a certificate transparency log of the trusted root saw the certificate.
//!
//! The log signed the *precertificate*: the leaf's `tbsCertificate` without the SCT list
//! extension, bound to the issuer by the SHA-256 of the issuer's public key. Both are rebuilt
//! here from the final certificate.

use base64::Engine as _;
use der::asn1::{AnyRef, BitStringRef};
use der::{Decode as _, Encode as _, Sequence};
use jiff::Timestamp;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::sct::{
    HashAlgorithm as TlsHash, SerializedSct, SignatureAlgorithm as TlsSignature,
    SignedCertificateTimestamp, SignedCertificateTimestampList,
};

use super::algorithm::{SignatureScheme, oid};
use super::certificate::ParsedCertificate;
use super::{CertificateError, TransparencyLogKey, TrustedRoot};
use crate::keys::HashAlgorithm;

/// The `tbsCertificate` with its parts left raw, so that only the extension list is
/// rewritten when the SCT list is taken out (RFC 5280 §4.1).
#[derive(Sequence)]
struct RawTbsCertificate<'a> {
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    version: Option<AnyRef<'a>>,
    serial_number: AnyRef<'a>,
    signature: AnyRef<'a>,
    issuer: AnyRef<'a>,
    validity: AnyRef<'a>,
    subject: AnyRef<'a>,
    subject_public_key_info: AnyRef<'a>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    issuer_unique_id: Option<BitStringRef<'a>>,
    #[asn1(context_specific = "2", tag_mode = "IMPLICIT", optional = "true")]
    subject_unique_id: Option<BitStringRef<'a>>,
    #[asn1(context_specific = "3", tag_mode = "EXPLICIT", optional = "true")]
    extensions: Option<Vec<Extension>>,
}

/// Verifies the SCTs embedded in `leaf` (DER), issued by `issuer` (DER), against the CT logs
/// of `root`, and returns how many verified.
///
/// SCTs from logs the root does not know are skipped; the certificate is refused when none
/// verifies (the error is then that of the first SCT from a known log, if any). Each log's
/// key must have been valid when it issued the SCT.
pub fn verify_embedded_scts(
    leaf: &[u8],
    issuer: &[u8],
    root: &TrustedRoot,
) -> Result<usize, CertificateError> {
    let leaf = ParsedCertificate::from_der(leaf, "leaf")?;
    let issuer = ParsedCertificate::from_der(issuer, "issuer")?;
    let list = leaf
        .extension(oid::CT_PRECERT_SCTS)
        .ok_or(CertificateError::NoScts)?;
    let scts = SignedCertificateTimestampList::from_der(list)
        .ok()
        .and_then(|list| list.parse_timestamps().ok())
        .ok_or(CertificateError::MalformedScts)?
        .iter()
        .map(SerializedSct::parse_timestamp)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| CertificateError::MalformedScts)?;
    if scts.is_empty() {
        return Err(CertificateError::NoScts);
    }
    let precertificate = precertificate_tbs(&leaf)?;
    let issuer_key_hash = HashAlgorithm::Sha256.digest(&issuer.spki_der()?);

    let mut verified = 0;
    let mut first_error = None;
    for sct in &scts {
        let Some(log) = root.ct_log(&sct.log_id.key_id) else {
            continue;
        };
        match verify_one(sct, log, &issuer_key_hash, &precertificate) {
            Ok(()) => verified += 1,
            Err(error) => {
                first_error.get_or_insert(error);
            }
        }
    }
    if verified > 0 {
        Ok(verified)
    } else {
        Err(first_error.unwrap_or(CertificateError::NoTrustedSct { count: scts.len() }))
    }
}

fn verify_one(
    sct: &SignedCertificateTimestamp,
    log: &TransparencyLogKey,
    issuer_key_hash: &[u8],
    precertificate: &[u8],
) -> Result<(), CertificateError> {
    let log_id = base64::engine::general_purpose::STANDARD.encode(sct.log_id.key_id);
    let at = i64::try_from(sct.timestamp)
        .ok()
        .and_then(|millis| Timestamp::from_millisecond(millis).ok())
        .ok_or(CertificateError::MalformedScts)?;
    if !log.valid_for.contains(at) {
        return Err(CertificateError::SctOutsideLogValidity { log_id, at });
    }
    let algorithm = &sct.signature.algorithm;
    let scheme = scheme(&algorithm.signature, &algorithm.hash).ok_or_else(|| {
        CertificateError::SctAlgorithm {
            log_id: log_id.clone(),
        }
    })?;
    let message = signed_data(sct, issuer_key_hash, precertificate)?;
    match scheme.verify(
        &log.public_key,
        &message,
        sct.signature.signature.as_slice(),
    ) {
        Ok(true) => Ok(()),
        Ok(false) => Err(CertificateError::SctAlgorithm { log_id }),
        Err(source) => Err(CertificateError::SctSignature { log_id, source }),
    }
}

fn scheme(signature: &TlsSignature, hash: &TlsHash) -> Option<SignatureScheme> {
    let hash = match hash {
        TlsHash::Sha256 => HashAlgorithm::Sha256,
        TlsHash::Sha384 => HashAlgorithm::Sha384,
        TlsHash::Sha512 => HashAlgorithm::Sha512,
        _ => return None,
    };
    match signature {
        TlsSignature::Ecdsa => Some(SignatureScheme::Ecdsa(hash)),
        TlsSignature::Rsa => Some(SignatureScheme::RsaPkcs1(hash)),
        TlsSignature::Ed25519 => Some(SignatureScheme::Ed25519),
        _ => None,
    }
}

/// The leaf's `tbsCertificate` without the SCT list extension, as the log signed it.
fn precertificate_tbs(leaf: &ParsedCertificate) -> Result<Vec<u8>, CertificateError> {
    let tbs = leaf.tbs_der()?;
    let malformed = |source| CertificateError::Parse {
        what: "leaf tbsCertificate".to_owned(),
        source,
    };
    let mut raw = RawTbsCertificate::from_der(&tbs).map_err(malformed)?;
    if let Some(extensions) = raw.extensions.as_mut() {
        extensions.retain(|extension| extension.extn_id != oid::CT_PRECERT_SCTS);
        if extensions.is_empty() {
            raw.extensions = None;
        }
    }
    raw.to_der().map_err(malformed)
}

/// The `digitally-signed` structure of RFC 6962 §3.2 for a precertificate entry.
fn signed_data(
    sct: &SignedCertificateTimestamp,
    issuer_key_hash: &[u8],
    precertificate: &[u8],
) -> Result<Vec<u8>, CertificateError> {
    /// `Version.v1`, `SignatureType.certificate_timestamp`, `LogEntryType.precert_entry`.
    const V1: u8 = 0;
    const CERTIFICATE_TIMESTAMP: u8 = 0;
    const PRECERT_ENTRY: [u8; 2] = [0, 1];
    // `opaque TBSCertificate<1..2^24-1>` and `CtExtensions<0..2^16-1>`.
    let tbs_length = u32::try_from(precertificate.len())
        .ok()
        .filter(|length| *length < 1 << 24)
        .ok_or(CertificateError::MalformedScts)?;
    let extensions = sct.extensions.as_slice();
    let extensions_length =
        u16::try_from(extensions.len()).map_err(|_| CertificateError::MalformedScts)?;

    let mut message = Vec::with_capacity(precertificate.len() + extensions.len() + 64);
    message.push(V1);
    message.push(CERTIFICATE_TIMESTAMP);
    message.extend_from_slice(&sct.timestamp.to_be_bytes());
    message.extend_from_slice(&PRECERT_ENTRY);
    message.extend_from_slice(issuer_key_hash);
    message.extend_from_slice(tbs_length.to_be_bytes().get(1..).unwrap_or_default());
    message.extend_from_slice(precertificate);
    message.extend_from_slice(&extensions_length.to_be_bytes());
    message.extend_from_slice(extensions);
    Ok(message)
}
