//! Fulcio signing certificates: the chain to a trusted certificate authority and the
//! identity the certificate binds (subject alternative name, OIDC issuer and the other
//! Fulcio extensions of `docs/oid-info.md` in sigstore/fulcio).

use std::collections::BTreeMap;

use der::Decode as _;
use der::asn1::{ObjectIdentifier, Utf8StringRef};
use jiff::Timestamp;
use x509_cert::ext::pkix::SubjectAltName;
use x509_cert::ext::pkix::name::GeneralName;

use super::algorithm::oid;
use super::certificate::ParsedCertificate;
use super::identity::IdentityMatcher;
use super::{CertificateError, TrustedRoot, chain};
use crate::keys::PublicKey;

/// The identity a verified Fulcio certificate binds to its key.
#[must_use]
#[derive(Clone, Debug)]
pub struct CertificateIdentity {
    /// The leaf's public key, which made the artifact signature.
    pub public_key: PublicKey,
    /// The subject alternative name: an email, a URI (CI workflow), or Fulcio's username
    /// `otherName`.
    pub subject: String,
    /// The OIDC issuer (extension 1.3.6.1.4.1.57264.1.8, else the deprecated .1.1).
    pub issuer: Option<String>,
    /// Start of the leaf's validity.
    pub not_before: Timestamp,
    /// End of the leaf's validity.
    pub not_after: Timestamp,
    /// The other Fulcio extensions present, by the names cosign's `certificate.Extensions`
    /// uses in JSON (`githubWorkflowRepository`, `buildSignerURI`, `sourceRepositoryRef`, ...).
    pub extensions: BTreeMap<String, String>,
    /// The verified path after the leaf as DER: the issuer first (pass it to
    /// [`verify_embedded_scts`](super::verify_embedded_scts)), the trusted root last.
    pub chain: Vec<Vec<u8>>,
}

impl CertificateIdentity {
    /// Whether the subject and the OIDC issuer are what was asked for. A certificate without
    /// an issuer extension matches no issuer.
    pub fn matches(&self, subject: &IdentityMatcher, issuer: &IdentityMatcher) -> bool {
        subject.matches(&self.subject)
            && self
                .issuer
                .as_deref()
                .is_some_and(|value| issuer.matches(value))
    }
}

/// Verifies a Fulcio leaf certificate at `at` (the signing time, established by the
/// transparency log or a timestamp) and returns the identity it binds.
///
/// `chain` holds the certificates a bundle carries after the leaf (v0.1 bundles carry the
/// intermediates); a self-signed root there is refused, since roots come only from `root`.
/// The path must reach a certificate authority of `root` valid at `at`, every certificate on
/// it valid at `at`; the leaf must allow digitalSignature and codeSigning.
pub fn verify_certificate(
    leaf: &[u8],
    chain: &[Vec<u8>],
    root: &TrustedRoot,
    at: Timestamp,
) -> Result<CertificateIdentity, CertificateError> {
    let leaf = ParsedCertificate::from_der(leaf, "leaf")?;
    let intermediates = chain
        .iter()
        .enumerate()
        .map(|(index, der)| ParsedCertificate::from_der(der, &format!("chain[{index}]")))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some((index, certificate)) = intermediates
        .iter()
        .enumerate()
        .find(|(_, certificate)| certificate.is_self_issued())
    {
        return Err(CertificateError::RootInChain {
            index,
            subject: certificate.subject(),
        });
    }
    leaf.check_digital_signature()?;
    leaf.check_extended_key_usage(oid::KP_CODE_SIGNING, "extended key usage lacks codeSigning")?;
    let path = chain::verify_path(&leaf, &intermediates, root.certificate_authorities(), at)?;
    let (not_before, not_after) = leaf.validity();
    Ok(CertificateIdentity {
        public_key: leaf.public_key()?,
        subject: subject_alternative_name(&leaf)?,
        issuer: oidc_issuer(&leaf)?,
        not_before,
        not_after,
        extensions: fulcio_extensions(&leaf)?,
        chain: path
            .into_iter()
            .map(|certificate| certificate.der().to_vec())
            .collect(),
    })
}

/// Fulcio's `otherName` SAN type for usernames (1.3.6.1.4.1.57264.1.7), a `UTF8String`.
const USERNAME_OTHER_NAME: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.7");
/// The OIDC issuer as a DER `UTF8String`.
const ISSUER_V2: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.8");
/// The OIDC issuer as raw bytes (deprecated, still on older certificates).
const ISSUER_V1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.1");

/// How an extension's value is stored: the deprecated .1.1–.1.6 hold raw text, .1.8 on hold
/// a DER `UTF8String`.
#[derive(Clone, Copy)]
enum Encoding {
    Raw,
    Utf8String,
}

/// Fulcio extensions other than the issuer, by cosign's JSON names.
#[rustfmt::skip]
const FULCIO_EXTENSIONS: [(ObjectIdentifier, &str, Encoding); 19] = [
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.2"), "githubWorkflowTrigger", Encoding::Raw),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.3"), "githubWorkflowSHA", Encoding::Raw),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.4"), "githubWorkflowName", Encoding::Raw),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.5"), "githubWorkflowRepository", Encoding::Raw),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.6"), "githubWorkflowRef", Encoding::Raw),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.9"), "buildSignerURI", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.10"), "buildSignerDigest", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.11"), "runnerEnvironment", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.12"), "sourceRepositoryURI", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.13"), "sourceRepositoryDigest", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.14"), "sourceRepositoryRef", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.15"), "sourceRepositoryIdentifier", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.16"), "sourceRepositoryOwnerURI", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.17"), "sourceRepositoryOwnerIdentifier", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.18"), "buildConfigURI", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.19"), "buildConfigDigest", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.20"), "buildTrigger", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.21"), "runInvocationURI", Encoding::Utf8String),
    (ObjectIdentifier::new_unwrap("1.3.6.1.4.1.57264.1.22"), "sourceRepositoryVisibilityAtSigning", Encoding::Utf8String),
];

/// The first email, URI or Fulcio username in the subject alternative names.
fn subject_alternative_name(leaf: &ParsedCertificate) -> Result<String, CertificateError> {
    let no_identity = || CertificateError::NoIdentity {
        subject: leaf.subject(),
    };
    let names = match leaf
        .certificate()
        .tbs_certificate()
        .get_extension::<SubjectAltName>()
    {
        Ok(Some((_, names))) => names.0,
        Ok(None) => return Err(no_identity()),
        Err(_) => {
            return Err(CertificateError::Extension {
                oid: "2.5.29.17".to_owned(),
            });
        }
    };
    names
        .iter()
        .find_map(|name| match name {
            GeneralName::Rfc822Name(email) => Some(email.to_string()),
            GeneralName::UniformResourceIdentifier(uri) => Some(uri.to_string()),
            GeneralName::OtherName(other) if other.type_id == USERNAME_OTHER_NAME => other
                .value
                .decode_as::<Utf8StringRef<'_>>()
                .ok()
                .map(|value| value.to_string()),
            _ => None,
        })
        .ok_or_else(no_identity)
}

fn oidc_issuer(leaf: &ParsedCertificate) -> Result<Option<String>, CertificateError> {
    match extension_text(leaf, ISSUER_V2, Encoding::Utf8String)? {
        Some(issuer) => Ok(Some(issuer)),
        None => extension_text(leaf, ISSUER_V1, Encoding::Raw),
    }
}

fn fulcio_extensions(
    leaf: &ParsedCertificate,
) -> Result<BTreeMap<String, String>, CertificateError> {
    let mut extensions = BTreeMap::new();
    for (oid, name, encoding) in FULCIO_EXTENSIONS {
        if let Some(value) = extension_text(leaf, oid, encoding)? {
            extensions.insert(name.to_owned(), value);
        }
    }
    Ok(extensions)
}

fn extension_text(
    leaf: &ParsedCertificate,
    oid: ObjectIdentifier,
    encoding: Encoding,
) -> Result<Option<String>, CertificateError> {
    let Some(value) = leaf.extension(oid) else {
        return Ok(None);
    };
    let text = match encoding {
        Encoding::Raw => std::str::from_utf8(value).ok().map(str::to_owned),
        Encoding::Utf8String => Utf8StringRef::from_der(value)
            .ok()
            .map(|text| text.to_string()),
    };
    text.map(Some).ok_or_else(|| CertificateError::Extension {
        oid: oid.to_string(),
    })
}
