//! RFC 3161 signed timestamps over a bundle's signature: the time a trusted timestamp
//! authority (TSA) vouches the signature existed at.
//!
//! Bundles store the TSA's whole `TimeStampResp` (status and token); a bare
//! `TimeStampToken` (CMS `ContentInfo`) is accepted too. The token is CMS `SignedData`
//! (RFC 5652) over a `TSTInfo`; its signer certificate comes from the token or, when the TSA
//! was asked not to embed it, from the trusted root's timestamp authorities. The chain is
//! checked at the token's own time (`genTime`), so a TSA chain that has expired since still
//! verifies, as in sigstore-go's `VerifyTimestampAuthority`.

use cms::cert::CertificateChoices;
use cms::content_info::{CmsVersion, ContentInfo};
use cms::signed_data::{SignedData, SignerIdentifier, SignerInfo};
use der::asn1::{Any, AnyRef, BitStringRef, IntRef, ObjectIdentifier, OctetString, Utf8StringRef};
use der::{Decode as _, Encode as _, Sequence, Tag, Tagged as _};
use jiff::Timestamp;
use sha1::Digest as _;
use x509_cert::attr::Attributes;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::SubjectKeyIdentifier;

use super::algorithm::{SignatureScheme, digest_algorithm, oid};
use super::certificate::ParsedCertificate;
use super::{TimestampError, TrustedRoot, chain};
use crate::keys::HashAlgorithm;

/// `TimeStampResp` (RFC 3161 §2.4.2).
#[derive(Sequence)]
struct TimeStampResp<'a> {
    status: PkiStatusInfo<'a>,
    #[asn1(optional = "true")]
    time_stamp_token: Option<AnyRef<'a>>,
}

/// `PKIStatusInfo` (RFC 3161 §2.4.2); only `status` is used.
#[derive(Sequence)]
struct PkiStatusInfo<'a> {
    status: u32,
    #[asn1(optional = "true")]
    status_string: Option<Vec<Utf8StringRef<'a>>>,
    #[asn1(optional = "true")]
    fail_info: Option<BitStringRef<'a>>,
}

/// `TSTInfo` (RFC 3161 §2.4.2).
#[derive(Sequence)]
struct TstInfo<'a> {
    version: u8,
    policy: ObjectIdentifier,
    message_imprint: MessageImprint,
    serial_number: IntRef<'a>,
    /// A `GeneralizedTime`, left raw: TSAs may add fractional seconds, which DER allows
    /// (X.690 §11.7) but `der::asn1::GeneralizedTime` refuses.
    gen_time: AnyRef<'a>,
    #[asn1(optional = "true")]
    accuracy: Option<Accuracy>,
    #[asn1(default = "Default::default")]
    ordering: bool,
    #[asn1(optional = "true")]
    nonce: Option<IntRef<'a>>,
    #[asn1(context_specific = "0", tag_mode = "EXPLICIT", optional = "true")]
    tsa: Option<AnyRef<'a>>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    extensions: Option<Vec<Extension>>,
}

/// `MessageImprint` (RFC 3161 §2.4.1).
#[derive(Sequence)]
struct MessageImprint {
    hash_algorithm: spki::AlgorithmIdentifierOwned,
    hashed_message: OctetString,
}

/// `Accuracy` (RFC 3161 §2.4.2); decoded only to move past it.
#[derive(Sequence)]
struct Accuracy {
    #[asn1(optional = "true")]
    seconds: Option<u64>,
    #[asn1(context_specific = "0", tag_mode = "IMPLICIT", optional = "true")]
    millis: Option<u16>,
    #[asn1(context_specific = "1", tag_mode = "IMPLICIT", optional = "true")]
    micros: Option<u16>,
}

/// `SigningCertificateV2` (RFC 5035 §3); the policies are not used.
#[derive(Sequence)]
struct SigningCertificateV2<'a> {
    certs: Vec<EssCertIdV2<'a>>,
    #[asn1(optional = "true")]
    policies: Option<AnyRef<'a>>,
}

/// `ESSCertIDv2` (RFC 5035 §4). The hash algorithm defaults to SHA-256; it is read as
/// optional so that an explicitly encoded default is accepted too.
#[derive(Sequence)]
struct EssCertIdV2<'a> {
    #[asn1(optional = "true")]
    hash_algorithm: Option<spki::AlgorithmIdentifierOwned>,
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<AnyRef<'a>>,
}

/// `SigningCertificate` (RFC 2634 §5.4); the policies are not used.
#[derive(Sequence)]
struct SigningCertificate<'a> {
    certs: Vec<EssCertId<'a>>,
    #[asn1(optional = "true")]
    policies: Option<AnyRef<'a>>,
}

/// `ESSCertID` (RFC 2634 §5.4.1): a SHA-1 certificate hash.
#[derive(Sequence)]
struct EssCertId<'a> {
    cert_hash: OctetString,
    #[asn1(optional = "true")]
    issuer_serial: Option<AnyRef<'a>>,
}

/// `PKIStatus` values meaning a token was issued: granted and grantedWithMods.
const STATUS_GRANTED: [u32; 2] = [0, 1];

/// Verifies an RFC 3161 timestamp over `signature` (the bundle's signature bytes) against
/// the timestamp authorities of `root`, and returns the time it attests.
pub fn verify_timestamp(
    token: &[u8],
    signature: &[u8],
    root: &TrustedRoot,
) -> Result<Timestamp, TimestampError> {
    let content_info = content_info(token)?;
    if content_info.content_type != oid::SIGNED_DATA {
        return Err(malformed("the token is not CMS SignedData"));
    }
    let signed_data: SignedData = content_info
        .content
        .decode_as()
        .map_err(|source| der_error("SignedData", source))?;
    let encapsulated = &signed_data.encap_content_info;
    if encapsulated.econtent_type != oid::CT_TST_INFO {
        return Err(malformed("the signed content is not a TSTInfo"));
    }
    let content = encapsulated
        .econtent
        .as_ref()
        .ok_or_else(|| malformed("the TSTInfo is missing"))?
        .decode_as::<OctetString>()
        .map_err(|source| der_error("eContent", source))?;
    let tst_info =
        TstInfo::from_der(content.as_bytes()).map_err(|source| der_error("TSTInfo", source))?;
    if tst_info.version != 1 {
        return Err(malformed("TSTInfo version is not 1"));
    }
    let at = generalized_time(tst_info.gen_time)?;

    let imprint = &tst_info.message_imprint;
    let imprint_hash = hash(imprint.hash_algorithm.oid)?;
    if imprint_hash.digest(signature) != imprint.hashed_message.as_bytes() {
        return Err(TimestampError::ImprintMismatch);
    }

    let signer_info = single_signer(&signed_data)?;
    check_versions(&signed_data, signer_info)?;
    if !signed_data
        .digest_algorithms
        .iter()
        .any(|algorithm| *algorithm == signer_info.digest_alg)
    {
        return Err(malformed(
            "the signer's digest algorithm is not listed in the SignedData",
        ));
    }
    let digest = hash(signer_info.digest_alg.oid)?;
    let attributes = signer_info
        .signed_attrs
        .as_ref()
        .ok_or_else(|| malformed("the signer has no signed attributes"))?;
    let signed_attributes = check_signed_attributes(attributes, digest, content.as_bytes())?;

    let embedded = embedded_certificates(&signed_data);
    let signer = find_signer(&signer_info.sid, &embedded, root)?;
    check_signing_certificate(attributes, &signer)?;
    let scheme = SignatureScheme::from_cms(signer_info.signature_algorithm.oid, digest)
        .ok_or_else(|| malformed("the signature algorithm is not supported"))?;
    let key = signer
        .public_key()
        .map_err(|source| TimestampError::Untrusted { at, source })?;
    match scheme.verify(&key, &signed_attributes, signer_info.signature.as_bytes()) {
        Ok(true) => {}
        Ok(false) => {
            return Err(malformed(
                "the signature algorithm does not fit the signer key",
            ));
        }
        Err(source) => return Err(TimestampError::Signature { source }),
    }

    let untrusted = |source| TimestampError::Untrusted { at, source };
    signer
        .check_extended_key_usage(
            oid::KP_TIME_STAMPING,
            "extended key usage lacks timeStamping",
        )
        .map_err(untrusted)?;
    chain::verify_path(&signer, &embedded, root.timestamp_authorities(), at).map_err(untrusted)?;
    Ok(at)
}

/// The `ContentInfo` of a bare token, or the one inside a granted `TimeStampResp`.
fn content_info(token: &[u8]) -> Result<ContentInfo, TimestampError> {
    if let Ok(content_info) = ContentInfo::from_der(token) {
        return Ok(content_info);
    }
    let response =
        TimeStampResp::from_der(token).map_err(|source| der_error("TimeStampResp", source))?;
    if !STATUS_GRANTED.contains(&response.status.status) {
        return Err(malformed("the timestamp response does not grant a token"));
    }
    let token = response
        .time_stamp_token
        .ok_or_else(|| malformed("the timestamp response holds no token"))?;
    token
        .decode_as()
        .map_err(|source| der_error("TimeStampToken", source))
}

fn single_signer(signed_data: &SignedData) -> Result<&SignerInfo, TimestampError> {
    let mut signers = signed_data.signer_infos.0.iter();
    match (signers.next(), signers.next()) {
        (Some(signer), None) => Ok(signer),
        (None, _) => Err(malformed("the token has no signer")),
        (Some(_), Some(_)) => Err(malformed("the token has more than one signer")),
    }
}

/// RFC 5652 fixes the versions for this content: `SignedData` v3 (§5.1, the content is not
/// id-data), `SignerInfo` v1 with an issuer and serial number, v3 with a key identifier
/// (§5.3). Nothing else signs them, so they are checked rather than ignored.
fn check_versions(
    signed_data: &SignedData,
    signer_info: &SignerInfo,
) -> Result<(), TimestampError> {
    let signer_version = match signer_info.sid {
        SignerIdentifier::IssuerAndSerialNumber(_) => CmsVersion::V1,
        SignerIdentifier::SubjectKeyIdentifier(_) => CmsVersion::V3,
    };
    if signed_data.version == CmsVersion::V3 && signer_info.version == signer_version {
        Ok(())
    } else {
        Err(malformed(
            "the SignedData or SignerInfo version is not the one RFC 5652 requires",
        ))
    }
}

/// Checks the content-type and message-digest attributes (RFC 5652 §5.3, §11) and returns
/// the DER the signature covers: the attributes with their SET OF tag (RFC 5652 §5.4).
fn check_signed_attributes(
    attributes: &Attributes,
    digest: HashAlgorithm,
    content: &[u8],
) -> Result<Vec<u8>, TimestampError> {
    let content_type = single_value(attributes, oid::CONTENT_TYPE)
        .and_then(|value| value.decode_as::<ObjectIdentifier>().ok())
        .ok_or_else(|| malformed("the content-type attribute is missing or malformed"))?;
    if content_type != oid::CT_TST_INFO {
        return Err(malformed("the content-type attribute is not TSTInfo"));
    }
    let message_digest = single_value(attributes, oid::MESSAGE_DIGEST)
        .and_then(|value| value.decode_as::<OctetString>().ok())
        .ok_or_else(|| malformed("the message-digest attribute is missing or malformed"))?;
    if message_digest.as_bytes() != digest.digest(content) {
        return Err(TimestampError::ContentDigestMismatch);
    }
    attributes
        .to_der()
        .map_err(|source| der_error("signed attributes", source))
}

/// The value of the attribute `attribute_oid` when it occurs once with one value.
fn single_value(attributes: &Attributes, attribute_oid: ObjectIdentifier) -> Option<&Any> {
    let mut matching = attributes
        .iter()
        .filter(|attribute| attribute.oid == attribute_oid);
    match (matching.next(), matching.next()) {
        (Some(attribute), None) if attribute.values.len() == 1 => attribute.values.iter().next(),
        _ => None,
    }
}

/// Checks that the ESS signing-certificate attribute (RFC 5035 §3 `SigningCertificateV2`,
/// or RFC 2634 §5.4 `SigningCertificate` with SHA-1), which RFC 3161 §2.4.1 has TSAs sign,
/// names `signer`: its first certificate hash must be the hash of the signer's DER. A token
/// without the attribute is accepted, as sigstore-go accepts it.
fn check_signing_certificate(
    attributes: &Attributes,
    signer: &ParsedCertificate,
) -> Result<(), TimestampError> {
    let malformed_attribute = || malformed("the signing-certificate attribute is malformed");
    let (expected, actual) = if let Some(value) =
        single_value(attributes, oid::SIGNING_CERTIFICATE_V2)
    {
        let attribute: SigningCertificateV2 =
            value.decode_as().map_err(|_| malformed_attribute())?;
        let first = attribute.certs.first().ok_or_else(malformed_attribute)?;
        let algorithm = match &first.hash_algorithm {
            Some(identifier) => hash(identifier.oid)?,
            None => HashAlgorithm::Sha256,
        };
        (
            first.cert_hash.as_bytes().to_vec(),
            algorithm.digest(signer.der()),
        )
    } else if let Some(value) = single_value(attributes, oid::SIGNING_CERTIFICATE) {
        let attribute: SigningCertificate = value.decode_as().map_err(|_| malformed_attribute())?;
        let first = attribute.certs.first().ok_or_else(malformed_attribute)?;
        (
            first.cert_hash.as_bytes().to_vec(),
            sha1::Sha1::digest(signer.der()).to_vec(),
        )
    } else {
        return Ok(());
    };
    if expected == actual {
        Ok(())
    } else {
        Err(TimestampError::SigningCertificateMismatch)
    }
}

/// The certificates the token carries. One that cannot be re-encoded is dropped: its
/// signature could not be checked anyway.
fn embedded_certificates(signed_data: &SignedData) -> Vec<ParsedCertificate> {
    signed_data
        .certificates
        .iter()
        .flat_map(|set| set.0.iter())
        .filter_map(|choice| match choice {
            CertificateChoices::Certificate(certificate) => certificate.to_der().ok(),
            CertificateChoices::Other(_) => None,
        })
        .filter_map(|der| ParsedCertificate::decode(&der).ok())
        .collect()
}

/// The certificate `sid` names, from the token or from a trusted timestamp authority.
fn find_signer(
    sid: &SignerIdentifier,
    embedded: &[ParsedCertificate],
    root: &TrustedRoot,
) -> Result<ParsedCertificate, TimestampError> {
    let trusted = root
        .timestamp_authorities()
        .iter()
        .flat_map(|authority| &authority.chain);
    embedded
        .iter()
        .chain(trusted)
        .find(|candidate| identifies(sid, candidate))
        .cloned()
        .ok_or(TimestampError::SignerNotFound)
}

fn identifies(sid: &SignerIdentifier, candidate: &ParsedCertificate) -> bool {
    let tbs = candidate.certificate().tbs_certificate();
    match sid {
        SignerIdentifier::IssuerAndSerialNumber(issuer_and_serial) => {
            tbs.issuer() == &issuer_and_serial.issuer
                && tbs.serial_number() == &issuer_and_serial.serial_number
        }
        SignerIdentifier::SubjectKeyIdentifier(key_identifier) => {
            matches!(
                tbs.get_extension::<SubjectKeyIdentifier>(),
                Ok(Some((_, own))) if own == *key_identifier
            )
        }
    }
}

/// Parses `YYYYMMDDHHMMSS[.fraction]Z` (X.690 §11.7: UTC, no trailing zeros required).
fn generalized_time(value: AnyRef<'_>) -> Result<Timestamp, TimestampError> {
    let invalid = || malformed("genTime is not a UTC GeneralizedTime");
    if value.tag() != Tag::GeneralizedTime {
        return Err(invalid());
    }
    let text = std::str::from_utf8(value.value()).map_err(|_| invalid())?;
    let body = text.strip_suffix('Z').ok_or_else(invalid)?;
    let (whole, fraction) = match body.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (body, None),
    };
    let digits = |text: &str| text.bytes().all(|byte| byte.is_ascii_digit());
    let fraction_valid =
        fraction.is_none_or(|fraction| (1..=9).contains(&fraction.len()) && digits(fraction));
    if whole.len() != 14 || !digits(whole) || !fraction_valid {
        return Err(invalid());
    }
    let field = |range: std::ops::Range<usize>| whole.get(range).ok_or_else(invalid);
    let mut rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}",
        field(0..4)?,
        field(4..6)?,
        field(6..8)?,
        field(8..10)?,
        field(10..12)?,
        field(12..14)?
    );
    if let Some(fraction) = fraction {
        rfc3339.push('.');
        rfc3339.push_str(fraction);
    }
    rfc3339.push('Z');
    rfc3339.parse().map_err(|_| invalid())
}

fn hash(algorithm: ObjectIdentifier) -> Result<HashAlgorithm, TimestampError> {
    digest_algorithm(algorithm).ok_or_else(|| TimestampError::UnsupportedHash {
        oid: algorithm.to_string(),
    })
}

fn malformed(problem: &'static str) -> TimestampError {
    TimestampError::Malformed { problem }
}

fn der_error(what: &'static str, source: der::Error) -> TimestampError {
    TimestampError::Der { what, source }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(text: &str) -> Result<Timestamp, TimestampError> {
        let der = [&[0x18, u8::try_from(text.len()).unwrap()], text.as_bytes()].concat();
        generalized_time(AnyRef::from_der(&der).unwrap())
    }

    #[test]
    fn generalized_time_with_and_without_fraction() {
        assert_eq!(
            time("20250806190351Z").unwrap(),
            "2025-08-06T19:03:51Z".parse::<Timestamp>().unwrap()
        );
        assert_eq!(
            time("20250806190351.25Z").unwrap(),
            "2025-08-06T19:03:51.25Z".parse::<Timestamp>().unwrap()
        );
        assert!(time("20250806190351").is_err());
        assert!(time("2025080619035Z").is_err());
        assert!(time("20250806190351.Z").is_err());
        assert!(time("20251306190351Z").is_err());
        assert!(time("2025080619035aZ").is_err());
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let root = TrustedRoot::production();
        for token in [
            &b""[..],
            b"\x30",
            b"\x30\x03\x02\x01\x02",
            b"\x30\x80\x00\x00",
        ] {
            assert!(verify_timestamp(token, b"signature", &root).is_err());
        }
    }
}
