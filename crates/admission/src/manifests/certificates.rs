//! The webhook's TLS material: a private certificate authority and the serving certificate it
//! signs, generated with rcgen for one Service.
//!
//! The API server dials `<service>.<namespace>.svc` and checks the certificate against the
//! `caBundle` of the webhook configuration, so the serving certificate carries that name and
//! `<service>.<namespace>.svc.cluster.local` as DNS subject alternative names, and the CA's
//! PEM goes into the bundle. Both keys are ECDSA P-256 (what kube-apiserver's Go TLS stack and
//! rustls both handle fastest). The CA is valid for [`CA_VALIDITY_DAYS`] and may sign only end
//! entities (path length 0); the serving certificate for [`SERVING_VALIDITY_DAYS`], for TLS
//! server authentication only. Both start a day early, so a node whose clock lags still
//! accepts them.
//!
//! The CA's private key is dropped once the serving certificate is signed: nothing else can
//! ever be signed by it, so the bundle trusts exactly one certificate. Renewing means
//! generating the manifests again and applying the Secret and both webhook configurations
//! together.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PKCS_ECDSA_P256_SHA256,
};

/// How long the generated CA is valid: ten years, so the `caBundle` outlives many renewals of
/// serving certificates in principle (in practice both are regenerated together).
pub const CA_VALIDITY_DAYS: i64 = 3650;

/// How long the generated serving certificate is valid: one year, the longest validity
/// browsers and most policies accept for TLS server certificates.
pub const SERVING_VALIDITY_DAYS: i64 = 365;

/// PEM-encoded TLS material for the webhook.
#[derive(Debug, Clone)]
pub(super) struct TlsMaterial {
    /// The CA certificate: `ca.crt` in the Secret and the webhooks' `caBundle`.
    pub(super) ca_certificate: String,
    /// The serving certificate: `tls.crt`.
    pub(super) certificate: String,
    /// The serving certificate's PKCS#8 private key: `tls.key`.
    pub(super) private_key: String,
}

/// Generates a CA and a serving certificate for `dns_names`, valid from a day before `now`.
pub(super) fn generate(
    common_name: &str,
    dns_names: &[String],
    now: Timestamp,
) -> Result<TlsMaterial, rcgen::Error> {
    // rcgen takes dates as the `time` crate's type, which custody does not otherwise use.
    let date = |days| {
        let (year, month, day) = day_after(now, days);
        rcgen::date_time_ymd(year, month, day)
    };
    let not_before = date(-1);

    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, format!("{common_name} CA"));
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    ca_params.not_before = not_before;
    ca_params.not_after = date(CA_VALIDITY_DAYS);
    let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let ca_certificate = ca_params.self_signed(&ca_key)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let mut params = CertificateParams::new(dns_names.to_vec())?;
    params
        .distinguished_name
        .push(DnType::CommonName, common_name);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = not_before;
    params.not_after = date(SERVING_VALIDITY_DAYS);
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let certificate = params.signed_by(&key, &issuer)?;

    Ok(TlsMaterial {
        ca_certificate: ca_certificate.pem(),
        certificate: certificate.pem(),
        private_key: key.serialize_pem(),
    })
}

/// The UTC calendar date (year, month, day) `days` after `now`.
fn day_after(now: Timestamp, days: i64) -> (i32, u8, u8) {
    let day = now
        .checked_add(SignedDuration::from_hours(days * 24))
        .expect("the clock reads a time thousands of years from the end of what jiff represents")
        .to_zoned(TimeZone::UTC);
    (
        i32::from(day.year()),
        day.month().unsigned_abs(),
        day.day().unsigned_abs(),
    )
}
