//! One X.509 certificate with the facts chain building asks of it: names, validity, the
//! exact signed bytes, its key, its extensions, and whether another certificate signed it.
//!
//! The DER is kept next to the decoded form because signatures are checked over the
//! `tbsCertificate` bytes exactly as received, never over a re-encoding.

use der::asn1::{AnyRef, BitStringRef, ObjectIdentifier};
use der::{Decode as _, Encode as _, Sequence};
use jiff::Timestamp;
use x509_cert::Certificate;
use x509_cert::ext::pkix::{BasicConstraints, ExtendedKeyUsage, KeyUsage};
use x509_cert::time::Time;

use super::CertificateError;
use super::algorithm::SignatureScheme;
use crate::keys::PublicKey;

/// A decoded certificate and its DER.
#[derive(Clone, Debug)]
pub(crate) struct ParsedCertificate {
    der: Vec<u8>,
    certificate: Certificate,
}

/// The outer `Certificate` SEQUENCE with its parts left raw, to reach the signed bytes.
#[derive(Sequence)]
struct RawCertificate<'a> {
    tbs_certificate: AnyRef<'a>,
    signature_algorithm: AnyRef<'a>,
    signature: BitStringRef<'a>,
}

impl ParsedCertificate {
    /// Decodes a DER certificate; `what` names it in the error (`leaf`, `chain[0]`).
    pub(crate) fn from_der(der: &[u8], what: &str) -> Result<Self, CertificateError> {
        Self::decode(der).map_err(|source| CertificateError::Parse {
            what: what.to_owned(),
            source,
        })
    }

    /// Decodes a DER certificate, leaving the error to the caller's context.
    pub(crate) fn decode(der: &[u8]) -> Result<Self, der::Error> {
        Ok(Self {
            der: der.to_vec(),
            certificate: Certificate::from_der(der)?,
        })
    }

    /// The DER as received.
    pub(crate) fn der(&self) -> &[u8] {
        &self.der
    }

    /// The decoded certificate.
    pub(crate) fn certificate(&self) -> &Certificate {
        &self.certificate
    }

    /// The subject as an RFC 4514 string, for messages; Fulcio leaves have an empty subject,
    /// so those are named by serial number instead.
    pub(crate) fn subject(&self) -> String {
        let tbs = self.certificate.tbs_certificate();
        if tbs.subject().is_empty() {
            format!("with serial number {}", tbs.serial_number())
        } else {
            tbs.subject().to_string()
        }
    }

    /// Whether the subject and issuer names are equal (a root, or a self-issued key roll).
    pub(crate) fn is_self_issued(&self) -> bool {
        let tbs = self.certificate.tbs_certificate();
        tbs.subject() == tbs.issuer()
    }

    /// Whether `issuer`'s subject is this certificate's issuer name.
    pub(crate) fn names_issuer(&self, issuer: &Self) -> bool {
        self.certificate.tbs_certificate().issuer()
            == issuer.certificate.tbs_certificate().subject()
    }

    /// Start and end of the validity period.
    pub(crate) fn validity(&self) -> (Timestamp, Timestamp) {
        let validity = self.certificate.tbs_certificate().validity();
        (
            to_timestamp(validity.not_before),
            to_timestamp(validity.not_after),
        )
    }

    /// Fails unless `at` lies in the validity period (both ends included, RFC 5280 §4.1.2.5).
    pub(crate) fn check_valid_at(&self, at: Timestamp) -> Result<(), CertificateError> {
        let (not_before, not_after) = self.validity();
        if not_before <= at && at <= not_after {
            Ok(())
        } else {
            Err(CertificateError::Expired {
                subject: self.subject(),
                at,
                not_before,
                not_after,
            })
        }
    }

    /// The subject public key.
    pub(crate) fn public_key(&self) -> Result<PublicKey, CertificateError> {
        let spki = self
            .certificate
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|source| self.malformed(source))?;
        PublicKey::from_spki_der(&spki).map_err(|source| CertificateError::PublicKey {
            subject: self.subject(),
            source,
        })
    }

    /// The DER of the subject public key info, as stored (RFC 6962 hashes it for SCTs).
    pub(crate) fn spki_der(&self) -> Result<Vec<u8>, CertificateError> {
        self.certificate
            .tbs_certificate()
            .subject_public_key_info()
            .to_der()
            .map_err(|source| self.malformed(source))
    }

    /// Verifies that `issuer`'s key made this certificate's signature.
    pub(crate) fn check_signed_by(&self, issuer: &Self) -> Result<(), CertificateError> {
        let raw = self.raw()?;
        let tbs = raw
            .tbs_certificate
            .to_der()
            .map_err(|source| self.malformed(source))?;
        let algorithm = self.certificate.signature_algorithm().oid;
        let unsupported = || CertificateError::UnsupportedAlgorithm {
            subject: self.subject(),
            algorithm: algorithm.to_string(),
        };
        let scheme = SignatureScheme::from_signature_oid(algorithm).ok_or_else(unsupported)?;
        let signature = raw.signature.as_bytes().ok_or_else(unsupported)?;
        let key = issuer.public_key()?;
        match scheme.verify(&key, &tbs, signature) {
            Ok(true) => Ok(()),
            Ok(false) => Err(unsupported()),
            Err(source) => Err(CertificateError::Signature {
                subject: self.subject(),
                issuer: issuer.subject(),
                source,
            }),
        }
    }

    /// Fails unless basic constraints mark this certificate as a CA whose path length
    /// constraint allows `intermediates_below` CA certificates under it (RFC 5280 §4.2.1.9),
    /// and key usage, when present, allows signing certificates.
    pub(crate) fn check_is_ca(&self, intermediates_below: usize) -> Result<(), CertificateError> {
        let tbs = self.certificate.tbs_certificate();
        match tbs.get_extension::<BasicConstraints>() {
            Ok(Some((_, constraints))) if constraints.ca => {
                if constraints
                    .path_len_constraint
                    .is_some_and(|limit| intermediates_below > usize::from(limit))
                {
                    return Err(self.usage("path length constraint exceeded"));
                }
            }
            Ok(_) => return Err(self.usage("issuer is not a certificate authority")),
            Err(_) => return Err(self.usage("basic constraints are malformed")),
        }
        match tbs.get_extension::<KeyUsage>() {
            Ok(Some((_, usage))) if !usage.key_cert_sign() => {
                Err(self.usage("key usage does not allow signing certificates"))
            }
            Ok(_) => Ok(()),
            Err(_) => Err(self.usage("key usage is malformed")),
        }
    }

    /// Fails when an extension marked critical is one path validation does not process
    /// (RFC 5280 §4.2: such a certificate must be refused). Name and policy constraints are
    /// not implemented, so a critical one refuses the certificate rather than being ignored.
    pub(crate) fn check_critical_extensions(&self) -> Result<(), CertificateError> {
        const PROCESSED: [ObjectIdentifier; 4] = [
            ObjectIdentifier::new_unwrap("2.5.29.15"), // key usage
            ObjectIdentifier::new_unwrap("2.5.29.17"), // subject alternative name
            ObjectIdentifier::new_unwrap("2.5.29.19"), // basic constraints
            ObjectIdentifier::new_unwrap("2.5.29.37"), // extended key usage
        ];
        let extensions = self.certificate.tbs_certificate().extensions();
        match extensions
            .into_iter()
            .flatten()
            .find(|extension| extension.critical && !PROCESSED.contains(&extension.extn_id))
        {
            Some(_) => Err(self.usage("carries a critical extension custody does not process")),
            None => Ok(()),
        }
    }

    /// Fails unless key usage is present with digitalSignature (Fulcio sets it on every
    /// leaf).
    pub(crate) fn check_digital_signature(&self) -> Result<(), CertificateError> {
        match self
            .certificate
            .tbs_certificate()
            .get_extension::<KeyUsage>()
        {
            Ok(Some((_, usage))) if usage.digital_signature() => Ok(()),
            Ok(_) => Err(self.usage("key usage lacks digitalSignature")),
            Err(_) => Err(self.usage("key usage is malformed")),
        }
    }

    /// Fails unless the extended key usage lists `purpose`.
    pub(crate) fn check_extended_key_usage(
        &self,
        purpose: ObjectIdentifier,
        problem: &'static str,
    ) -> Result<(), CertificateError> {
        match self
            .certificate
            .tbs_certificate()
            .get_extension::<ExtendedKeyUsage>()
        {
            Ok(Some((_, usage))) if usage.0.contains(&purpose) => Ok(()),
            Ok(_) => Err(self.usage(problem)),
            Err(_) => Err(self.usage("extended key usage is malformed")),
        }
    }

    /// The value (inner DER) of the extension with this OID, if present once.
    pub(crate) fn extension(&self, oid: ObjectIdentifier) -> Option<&[u8]> {
        self.certificate
            .tbs_certificate()
            .extensions()?
            .iter()
            .find(|extension| extension.extn_id == oid)
            .map(|extension| extension.extn_value.as_bytes())
    }

    /// The `tbsCertificate` DER exactly as received.
    pub(crate) fn tbs_der(&self) -> Result<Vec<u8>, CertificateError> {
        self.raw()?
            .tbs_certificate
            .to_der()
            .map_err(|source| self.malformed(source))
    }

    fn raw(&self) -> Result<RawCertificate<'_>, CertificateError> {
        RawCertificate::from_der(&self.der).map_err(|source| self.malformed(source))
    }

    fn malformed(&self, source: der::Error) -> CertificateError {
        CertificateError::Parse {
            what: self.subject(),
            source,
        }
    }

    fn usage(&self, problem: &'static str) -> CertificateError {
        CertificateError::Usage {
            subject: self.subject(),
            problem,
        }
    }
}

impl PartialEq for ParsedCertificate {
    fn eq(&self, other: &Self) -> bool {
        self.der == other.der
    }
}

/// X.509 times are whole seconds from 1970 (`UTCTime`) or later; both fit a [`Timestamp`].
fn to_timestamp(time: Time) -> Timestamp {
    let seconds = i64::try_from(time.to_unix_duration().as_secs()).unwrap_or(i64::MAX);
    Timestamp::from_second(seconds).unwrap_or(Timestamp::MAX)
}
