//! Kyverno's `x509_decode(pem)` (kyverno/kyverno `pkg/engine/jmespath/functions.go`,
//! `jpX509Decode`): the first PEM block, a `CERTIFICATE` or a `CERTIFICATE REQUEST` with an
//! RSA key, as the JSON Go's `encoding/json` writes for `x509.Certificate` or
//! `x509.CertificateRequest`, with `PublicKey` replaced by `{"N": "<decimal>", "E": <int>}`.
//!
//! The fields policies read are written with Go's names and shapes: `Raw*` and `Signature`
//! (base64), `Version`, `SerialNumber`, `SignatureAlgorithm` and `PublicKeyAlgorithm` (Go's
//! enum numbers), `Subject`/`Issuer` (`pkix.Name`: `CommonName`, `Organization`, ...,
//! `Names`), `NotBefore`/`NotAfter` (RFC 3339), `IsCA`, `BasicConstraintsValid`, `DNSNames`,
//! `EmailAddresses` and `IPAddresses`. Go's other fields (`KeyUsage`, `Extensions`, `URIs`,
//! policy identifiers, ...) are not written. A serial number beyond 64 bits, which Go writes
//! as a big JSON number, is written as its decimal string.

use std::fmt::Write as _;
use std::net::IpAddr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use der::asn1::BitString;
use der::{Decode as _, Tag, Tagged as _};
use serde_json::{Map, Value, json};
use x509_cert::Certificate;
use x509_cert::attr::AttributeTypeAndValue;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::{BasicConstraints, SubjectAltName};
use x509_cert::name::Name;
use x509_cert::request::{CertReq, ExtensionReq};
use x509_cert::spki::SubjectPublicKeyInfoOwned;

use super::{Arg, Function, string_arg};

/// The certificate function.
pub(super) const FUNCTIONS: &[Function] = &[Function {
    name: "x509_decode",
    args: &[Arg::String],
    call: |args| decode(string_arg(args, 0)?),
}];

const RSA_ENCRYPTION: &str = "1.2.840.113549.1.1.1";
const SUBJECT_ALT_NAME: &str = "2.5.29.17";
const BASIC_CONSTRAINTS: &str = "2.5.29.19";
const EXTENSION_REQUEST: &str = "1.2.840.113549.1.9.14";

fn decode(text: &str) -> Result<Value, String> {
    let block = first_pem_block(text).ok_or("failed to decode PEM block")?;
    let (label, der) = der::pem::decode_vec(block.as_bytes()).map_err(|error| error.to_string())?;
    match label {
        "CERTIFICATE" => certificate(&der),
        "CERTIFICATE REQUEST" => request(&der),
        _ => Err("PEM block neither contains a CERTIFICATE or CERTIFICATE REQUEST".to_owned()),
    }
}

/// The first `-----BEGIN ...-----` to `-----END ...-----` block, as Go's `pem.Decode` finds.
fn first_pem_block(text: &str) -> Option<&str> {
    let start = text.find("-----BEGIN ")?;
    let rest = text.get(start..)?;
    let end_marker = rest.find("-----END ")?;
    let after = rest.get(end_marker + "-----END ".len()..)?;
    let close = after.find("-----")? + "-----".len();
    rest.get(..end_marker + "-----END ".len() + close)
}

fn certificate(der: &[u8]) -> Result<Value, String> {
    let certificate = Certificate::from_der(der).map_err(|error| error.to_string())?;
    let tbs = certificate.tbs_certificate();
    let spki = tbs.subject_public_key_info();
    let mut out = Map::new();
    out.insert("Raw".into(), bytes(der));
    out.insert("RawTBSCertificate".into(), encoded(tbs)?);
    out.insert("RawSubjectPublicKeyInfo".into(), encoded(spki)?);
    out.insert("RawSubject".into(), encoded(tbs.subject())?);
    out.insert("RawIssuer".into(), encoded(tbs.issuer())?);
    out.insert("Signature".into(), bit_string(certificate.signature()));
    out.insert(
        "SignatureAlgorithm".into(),
        json!(signature_algorithm(
            &certificate.signature_algorithm().oid.to_string()
        )),
    );
    out.insert("PublicKeyAlgorithm".into(), json!(1));
    out.insert("PublicKey".into(), rsa_key(spki)?);
    out.insert("Version".into(), json!(tbs.version() as u8 + 1));
    out.insert(
        "SerialNumber".into(),
        big_number(tbs.serial_number().as_bytes()),
    );
    out.insert("Issuer".into(), name(tbs.issuer()));
    out.insert("Subject".into(), name(tbs.subject()));
    out.insert(
        "NotBefore".into(),
        time(tbs.validity().not_before.to_unix_duration()),
    );
    out.insert(
        "NotAfter".into(),
        time(tbs.validity().not_after.to_unix_duration()),
    );
    let extensions = tbs.extensions().map(Vec::as_slice).unwrap_or_default();
    let constraints = extensions
        .iter()
        .find(|extension| extension.extn_id.to_string() == BASIC_CONSTRAINTS)
        .and_then(|extension| BasicConstraints::from_der(extension.extn_value.as_bytes()).ok());
    out.insert("BasicConstraintsValid".into(), json!(constraints.is_some()));
    out.insert(
        "IsCA".into(),
        json!(constraints.is_some_and(|constraints| constraints.ca)),
    );
    alternative_names(extensions, &mut out);
    Ok(Value::Object(out))
}

fn request(der: &[u8]) -> Result<Value, String> {
    let request = CertReq::from_der(der).map_err(|error| error.to_string())?;
    let info = &request.info;
    let mut out = Map::new();
    out.insert("Raw".into(), bytes(der));
    out.insert("RawTBSCertificateRequest".into(), encoded(info)?);
    out.insert("RawSubjectPublicKeyInfo".into(), encoded(&info.public_key)?);
    out.insert("RawSubject".into(), encoded(&info.subject)?);
    out.insert("Signature".into(), bit_string(&request.signature));
    out.insert(
        "SignatureAlgorithm".into(),
        json!(signature_algorithm(&request.algorithm.oid.to_string())),
    );
    out.insert("PublicKeyAlgorithm".into(), json!(1));
    out.insert("PublicKey".into(), rsa_key(&info.public_key)?);
    out.insert("Version".into(), json!(info.version as u8));
    out.insert("Subject".into(), name(&info.subject));
    let extensions: Vec<Extension> = info
        .attributes
        .iter()
        .filter(|attribute| attribute.oid.to_string() == EXTENSION_REQUEST)
        .flat_map(|attribute| attribute.values.iter())
        .filter_map(|value| value.decode_as::<ExtensionReq>().ok())
        .flat_map(|request| request.0)
        .collect();
    alternative_names(&extensions, &mut out);
    Ok(Value::Object(out))
}

/// `DNSNames`, `EmailAddresses` and `IPAddresses` from the subject alternative names.
fn alternative_names(extensions: &[Extension], out: &mut Map<String, Value>) {
    let names: Vec<GeneralName> = extensions
        .iter()
        .filter(|extension| extension.extn_id.to_string() == SUBJECT_ALT_NAME)
        .filter_map(|extension| SubjectAltName::from_der(extension.extn_value.as_bytes()).ok())
        .flat_map(|names| names.0)
        .collect();
    let list = |values: Vec<Value>| {
        if values.is_empty() {
            Value::Null
        } else {
            Value::Array(values)
        }
    };
    let mut dns = Vec::new();
    let mut email = Vec::new();
    let mut ip = Vec::new();
    for name in names {
        match name {
            GeneralName::DnsName(text) => dns.push(json!(text.as_str())),
            GeneralName::Rfc822Name(text) => email.push(json!(text.as_str())),
            GeneralName::IpAddress(octets) => {
                let address = match octets.as_bytes() {
                    &[a, b, c, d] => Some(IpAddr::from([a, b, c, d])),
                    bytes => <[u8; 16]>::try_from(bytes).ok().map(IpAddr::from),
                };
                ip.extend(address.map(|address| json!(address.to_string())));
            }
            _ => {}
        }
    }
    out.insert("DNSNames".into(), list(dns));
    out.insert("EmailAddresses".into(), list(email));
    out.insert("IPAddresses".into(), list(ip));
}

/// `{"N": "<decimal modulus>", "E": <exponent>}`; Kyverno accepts RSA keys only.
fn rsa_key(spki: &SubjectPublicKeyInfoOwned) -> Result<Value, String> {
    if spki.algorithm.oid.to_string() != RSA_ENCRYPTION {
        return Err("certificate should use rsa algorithm".to_owned());
    }
    let key = pkcs1::RsaPublicKeyRef::try_from(spki.subject_public_key.raw_bytes())
        .map_err(|_| "failed to parse subject public key info".to_owned())?;
    let exponent = key
        .public_exponent
        .as_bytes()
        .iter()
        .try_fold(0u64, |value, byte| {
            value.checked_mul(256).map(|value| value + u64::from(*byte))
        })
        .ok_or("failed to parse subject public key info")?;
    Ok(json!({"N": decimal(key.modulus.as_bytes()), "E": exponent}))
}

/// Go's `pkix.Name` as JSON.
fn name(name: &Name) -> Value {
    let mut fields: Map<String, Value> = [
        "Country",
        "Organization",
        "OrganizationalUnit",
        "Locality",
        "Province",
        "StreetAddress",
        "PostalCode",
    ]
    .into_iter()
    .map(|field| (field.to_owned(), Value::Null))
    .collect();
    fields.insert("SerialNumber".into(), json!(""));
    fields.insert("CommonName".into(), json!(""));
    fields.insert("ExtraNames".into(), Value::Null);
    let mut names = Vec::new();
    for attribute in name.iter() {
        let text = attribute_text(attribute);
        let oid = attribute.oid.to_string();
        let arcs: Vec<Value> = attribute.oid.arcs().map(Value::from).collect();
        names.push(json!({"Type": arcs, "Value": text.clone().map_or(Value::Null, Value::from)}));
        let Some(text) = text else { continue };
        let list_field = match oid.as_str() {
            "2.5.4.3" => {
                fields.insert("CommonName".into(), json!(text));
                continue;
            }
            "2.5.4.5" => {
                fields.insert("SerialNumber".into(), json!(text));
                continue;
            }
            "2.5.4.6" => "Country",
            "2.5.4.7" => "Locality",
            "2.5.4.8" => "Province",
            "2.5.4.9" => "StreetAddress",
            "2.5.4.10" => "Organization",
            "2.5.4.11" => "OrganizationalUnit",
            "2.5.4.17" => "PostalCode",
            _ => continue,
        };
        match fields.get_mut(list_field) {
            Some(Value::Array(values)) => values.push(json!(text)),
            Some(slot) => *slot = json!([text]),
            None => {}
        }
    }
    fields.insert("Names".into(), Value::Array(names));
    Value::Object(fields)
}

/// The text of a directory string attribute; `None` for non-string values.
fn attribute_text(attribute: &AttributeTypeAndValue) -> Option<String> {
    let value = &attribute.value;
    match value.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::TeletexString
        | Tag::VisibleString => Some(String::from_utf8_lossy(value.value()).into_owned()),
        Tag::BmpString => {
            let units: Vec<u16> = value
                .value()
                .chunks_exact(2)
                .map(|pair| u16::from_be_bytes([pair[0], pair[1]]))
                .collect();
            Some(String::from_utf16_lossy(&units))
        }
        _ => None,
    }
}

/// Go's `x509.SignatureAlgorithm` number for a signature OID (0 when unknown).
fn signature_algorithm(oid: &str) -> u8 {
    match oid {
        "1.2.840.113549.1.1.2" => 1,
        "1.2.840.113549.1.1.4" => 2,
        "1.2.840.113549.1.1.5" => 3,
        "1.2.840.113549.1.1.11" => 4,
        "1.2.840.113549.1.1.12" => 5,
        "1.2.840.113549.1.1.13" => 6,
        "1.2.840.10040.4.3" => 7,
        "2.16.840.1.101.3.4.3.2" => 8,
        "1.2.840.10045.4.1" => 9,
        "1.2.840.10045.4.3.2" => 10,
        "1.2.840.10045.4.3.3" => 11,
        "1.2.840.10045.4.3.4" => 12,
        // RSASSA-PSS names its hash in parameters; SHA-256 is by far the common one.
        "1.2.840.113549.1.1.10" => 13,
        "1.3.101.112" => 16,
        _ => 0,
    }
}

fn bytes(data: &[u8]) -> Value {
    Value::from(STANDARD.encode(data))
}

fn bit_string(bits: &BitString) -> Value {
    bytes(bits.raw_bytes())
}

fn encoded(value: &impl der::Encode) -> Result<Value, String> {
    value
        .to_der()
        .map(|der| bytes(&der))
        .map_err(|error| error.to_string())
}

fn time(since_epoch: std::time::Duration) -> Value {
    let seconds = i64::try_from(since_epoch.as_secs()).unwrap_or(i64::MAX);
    jiff::Timestamp::from_second(seconds).map_or(Value::Null, |timestamp| {
        Value::from(timestamp.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
    })
}

/// A non-negative big-endian integer as a JSON number when it fits 64 bits, else its
/// decimal string.
fn big_number(be_bytes: &[u8]) -> Value {
    let significant: Vec<u8> = be_bytes
        .iter()
        .copied()
        .skip_while(|byte| *byte == 0)
        .collect();
    if significant.len() <= 8 {
        let value = significant
            .iter()
            .fold(0u64, |value, byte| (value << 8) | u64::from(*byte));
        return Value::from(value);
    }
    Value::from(decimal(&significant))
}

/// A non-negative big-endian integer in decimal.
fn decimal(be_bytes: &[u8]) -> String {
    // Base 10^9 limbs, least significant first.
    let mut limbs: Vec<u32> = vec![0];
    for byte in be_bytes {
        let mut carry = u64::from(*byte);
        for limb in &mut limbs {
            let value = u64::from(*limb) * 256 + carry;
            *limb = (value % 1_000_000_000) as u32;
            carry = value / 1_000_000_000;
        }
        while carry > 0 {
            limbs.push((carry % 1_000_000_000) as u32);
            carry /= 1_000_000_000;
        }
    }
    let mut limbs = limbs.iter().rev();
    let mut text = limbs.next().map(ToString::to_string).unwrap_or_default();
    for limb in limbs {
        let _ = write!(text, "{limb:09}");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_integers_print_in_decimal() {
        assert_eq!(decimal(&[0x01, 0x00]), "256");
        assert_eq!(decimal(&[0xff; 9]), "4722366482869645213695");
        assert_eq!(big_number(&[0x00, 0x10]), json!(16));
    }

    #[test]
    fn non_pem_input_is_an_error() {
        assert_eq!(
            decode("not a pem").unwrap_err(),
            "failed to decode PEM block"
        );
    }
}
