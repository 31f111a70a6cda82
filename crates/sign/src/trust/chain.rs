//! Certification path building (RFC 5280 §6, reduced to what Sigstore needs): from an
//! end-entity certificate through intermediates to the root of a trusted authority.
//!
//! Every certificate on the path must be valid at the time checked (the signing time, not
//! now: Fulcio leaves live ten minutes, and a timestamp authority's chain may have expired
//! since it stamped), every issuer must be a CA, and the authority itself must have been
//! trusted at that time. The path ends at the last certificate of an authority's chain, as
//! sigstore-go's `root.CertificateAuthority` treats it. Fulcio's callers ([`super::fulcio`])
//! and timestamp callers ([`super::timestamp`]) add their own end-entity checks.

use jiff::Timestamp;

use super::CertificateError;
use super::certificate::ParsedCertificate;
use super::root::CertificateAuthority;

/// Longest path accepted below the root; Fulcio and TSA chains have one or two intermediates.
const MAX_INTERMEDIATES: usize = 6;

/// Signature checks allowed for one path search. The intermediates come from the bundle or
/// the token, so an attacker could offer many certificates with the same names; without a
/// bound the search would try every ordering of them.
const MAX_SIGNATURE_CHECKS: usize = 64;

/// Verifies `leaf` up to one of `authorities` valid at `at`, using `intermediates` (from the
/// bundle or the token) and the authorities' own chains. Returns the path after the leaf:
/// its issuer first, the authority's root last.
pub(crate) fn verify_path<'a>(
    leaf: &'a ParsedCertificate,
    intermediates: &'a [ParsedCertificate],
    authorities: &'a [CertificateAuthority],
    at: Timestamp,
) -> Result<Vec<&'a ParsedCertificate>, CertificateError> {
    leaf.check_valid_at(at)?;
    leaf.check_critical_extensions()?;
    let mut last_error = None;
    let mut checks_left = MAX_SIGNATURE_CHECKS;
    for authority in authorities
        .iter()
        .filter(|authority| authority.valid_for.contains(at))
    {
        let Some(anchor) = authority.chain.last() else {
            continue;
        };
        if anchor == leaf {
            return Ok(Vec::new());
        }
        let pool: Vec<&ParsedCertificate> = intermediates.iter().chain(&authority.chain).collect();
        let mut search = Search {
            pool: &pool,
            anchor,
            at,
            path: Vec::new(),
            last_error: &mut last_error,
            checks_left: &mut checks_left,
        };
        if search.extend(leaf) {
            return Ok(search.path);
        }
    }
    Err(last_error.unwrap_or_else(|| CertificateError::Untrusted {
        subject: leaf.subject(),
        issuer: leaf.certificate().tbs_certificate().issuer().to_string(),
        at,
    }))
}

/// A depth-first search for a path to one authority's root.
struct Search<'a, 'p> {
    pool: &'p [&'a ParsedCertificate],
    anchor: &'a ParsedCertificate,
    at: Timestamp,
    /// The path so far, after the leaf.
    path: Vec<&'a ParsedCertificate>,
    /// Why the most recent candidate issuer was refused, reported when no path exists.
    last_error: &'p mut Option<CertificateError>,
    /// Signature checks left before the search gives up.
    checks_left: &'p mut usize,
}

impl Search<'_, '_> {
    /// Tries every candidate issuer of `current`; true once the path reaches the anchor.
    fn extend(&mut self, current: &ParsedCertificate) -> bool {
        for &candidate in self.pool {
            if candidate == current
                || self.path.contains(&candidate)
                || !current.names_issuer(candidate)
            {
                continue;
            }
            let Some(left) = self.checks_left.checked_sub(1) else {
                return false;
            };
            *self.checks_left = left;
            let checked = current
                .check_signed_by(candidate)
                .and_then(|()| candidate.check_is_ca(self.path.len()))
                .and_then(|()| candidate.check_critical_extensions())
                .and_then(|()| candidate.check_valid_at(self.at));
            if let Err(error) = checked {
                *self.last_error = Some(error);
                continue;
            }
            self.path.push(candidate);
            if candidate == self.anchor
                || (self.path.len() <= MAX_INTERMEDIATES && self.extend(candidate))
            {
                return true;
            }
            self.path.pop();
        }
        false
    }
}
