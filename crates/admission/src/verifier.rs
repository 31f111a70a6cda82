//! [`RegistryVerifier`]: the policy engine's [`ImageVerifier`], backed by custody-sign and a
//! cache, so repeated admissions of the same image never reach the registry.
//!
//! Two caches, both bounded in size and time:
//! - tag → digest, kept briefly ([`VerifierOptions::tag_ttl`]): a tag may move, and the
//!   verdict must be about what the pod will run;
//! - (digest, attestor, predicate type) → verdict, kept longer ([`VerifierOptions::ttl`]):
//!   a digest never changes content, so only new signatures (or revoked trust) can change
//!   the answer. Registry failures are never cached.
//!
//! Every call blocks on the registry (custody-sign's client runs its own runtime), so callers
//! run it on a blocking thread, as the server does.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use custody_artifact::RegistryOptions;
use custody_policy::kyverno::verify_images::{
    Attested, Attestor, AttestorKind, ImageVerifier, KeylessAttestor, Verified, VerifyFailure,
};
use custody_sign::keys::PublicKey;
use custody_sign::oci::{Image, Verification};
use custody_sign::trust::{IdentityMatcher, TrustedRoot};
use custody_sign::verify::{Policy, VerifyOptions};

use crate::Metrics;

/// Most entries kept in each cache; the oldest half is dropped when full, so a stream of
/// distinct images cannot grow memory.
const MAX_CACHE_ENTRIES: usize = 10_000;

/// How the verifier reaches registries and how long it trusts what it learned.
#[derive(Debug, Clone)]
pub struct VerifierOptions {
    /// Registry access (plain HTTP registries, credentials, Docker config).
    pub registry: RegistryOptions,
    /// How long a verdict about a digest is reused.
    pub ttl: Duration,
    /// How long a tag's digest is reused.
    pub tag_ttl: Duration,
    /// The Sigstore trust root for keyless attestors (the public-good root by default).
    pub trusted_root: TrustedRoot,
}

impl Default for VerifierOptions {
    fn default() -> Self {
        Self {
            registry: RegistryOptions::default(),
            ttl: Duration::from_mins(5),
            tag_ttl: Duration::from_secs(30),
            trusted_root: TrustedRoot::production(),
        }
    }
}

/// A value and when it stops being reusable.
struct Expiring<T> {
    value: T,
    until: Instant,
}

/// A bounded map of expiring values.
struct Cache<T> {
    entries: Mutex<HashMap<String, Expiring<T>>>,
}

impl<T: Clone> Cache<T> {
    fn new() -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, key: &str, now: Instant) -> Option<T> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|entry| entry.until > now)
            .map(|entry| entry.value.clone())
    }

    fn put(&self, key: String, value: T, ttl: Duration, now: Instant) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= MAX_CACHE_ENTRIES {
            entries.retain(|_, entry| entry.until > now);
            if entries.len() >= MAX_CACHE_ENTRIES {
                let mut expiries: Vec<Instant> =
                    entries.values().map(|entry| entry.until).collect();
                expiries.sort_unstable();
                if let Some(&cutoff) = expiries.get(expiries.len() / 2) {
                    entries.retain(|_, entry| entry.until > cutoff);
                }
            }
        }
        entries.insert(
            key,
            Expiring {
                value,
                until: now + ttl,
            },
        );
    }
}

/// An image reference resolved to its digest.
struct Pinned {
    /// `repository@digest`: what verdicts are cached under.
    reference: String,
    /// `sha256:…`.
    digest: String,
    /// The image, when resolving it needed the registry.
    opened: Option<Image>,
}

/// A verdict worth caching: a pass or a rejection (never a registry failure).
type Verdict<T> = Result<T, VerifyFailure>;

/// Verifies images in registries with custody-sign, caching verdicts by digest and attestor;
/// cache hits and misses and registry failures are counted in the server's [`Metrics`].
pub struct RegistryVerifier {
    options: VerifierOptions,
    digests: Cache<String>,
    signatures: Cache<Verdict<Verified>>,
    attestations: Cache<Verdict<Attested>>,
    metrics: Arc<Metrics>,
}

impl std::fmt::Debug for RegistryVerifier {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("RegistryVerifier")
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl RegistryVerifier {
    /// A verifier with empty caches, counting into `metrics`.
    pub fn new(options: VerifierOptions, metrics: Arc<Metrics>) -> Self {
        Self {
            options,
            digests: Cache::new(),
            signatures: Cache::new(),
            attestations: Cache::new(),
            metrics,
        }
    }

    /// `image` resolved to `repository@digest`: as written when it names a digest, else from
    /// the tag cache when fresh, else from the registry (keeping the opened image, so the
    /// verification that follows does not fetch the manifest again).
    fn pin(&self, image: &str) -> Result<Pinned, VerifyFailure> {
        let repository = repository_of(image);
        let pinned = |digest: &str, opened| Pinned {
            reference: format!("{repository}@{digest}"),
            digest: digest.to_owned(),
            opened,
        };
        if let Some((_, digest)) = image.split_once('@') {
            return Ok(pinned(digest, None));
        }
        let now = Instant::now();
        if let Some(digest) = self.digests.get(image, now) {
            return Ok(pinned(&digest, None));
        }
        let opened = self.open(image)?;
        let digest = opened.digest().to_owned();
        self.digests
            .put(image.to_owned(), digest.clone(), self.options.tag_ttl, now);
        Ok(pinned(&digest, Some(opened)))
    }

    /// Connects to the registry for `reference`, counting failures.
    fn open(&self, reference: &str) -> Result<Image, VerifyFailure> {
        Image::open(reference, &self.options.registry).map_err(|error| self.unavailable(&error))
    }

    /// A registry failure, counted.
    fn unavailable(&self, error: &dyn std::error::Error) -> VerifyFailure {
        self.metrics.registry_error();
        VerifyFailure::Unavailable {
            reason: chain(error),
        }
    }

    /// Looks `key` up in `cache`, else computes it with `check` and caches the verdict unless
    /// the registry failed.
    fn cached<T: Clone>(
        &self,
        cache: &Cache<Verdict<T>>,
        key: String,
        use_cache: bool,
        check: impl FnOnce() -> Verdict<T>,
    ) -> Verdict<T> {
        let now = Instant::now();
        if use_cache && let Some(verdict) = cache.get(&key, now) {
            self.metrics.image_cache_hit();
            return verdict;
        }
        self.metrics.image_cache_miss();
        let verdict = check();
        if !matches!(verdict, Err(VerifyFailure::Unavailable { .. })) {
            cache.put(key, verdict.clone(), self.options.ttl, now);
        }
        verdict
    }

    /// The verification policy and options for one attestor.
    fn policy(attestor: &Attestor) -> Result<(Policy, bool), VerifyFailure> {
        match &attestor.kind {
            AttestorKind::Key(key) => {
                if !key.signature_algorithm.is_empty()
                    && !key.signature_algorithm.eq_ignore_ascii_case("sha256")
                {
                    return Err(VerifyFailure::Unsupported {
                        feature: format!("signatureAlgorithm {}", key.signature_algorithm),
                    });
                }
                let public_key = PublicKey::from_pem(&key.public_key).map_err(|error| {
                    VerifyFailure::Rejected {
                        reason: format!("the attestor's public key does not parse: {error}"),
                    }
                })?;
                Ok((Policy::Key(public_key), !key.rekor.ignore_tlog))
            }
            AttestorKind::Keyless(keyless) => {
                if keyless.roots.is_some() {
                    return Err(VerifyFailure::Unsupported {
                        feature: "keyless `roots` (give a trusted root to the server instead)"
                            .to_owned(),
                    });
                }
                Ok((identity_policy(keyless)?, true))
            }
            AttestorKind::Certificate(_) => Err(VerifyFailure::Unsupported {
                feature: "certificates attestors".to_owned(),
            }),
        }
    }

    /// Verifies the pinned image's signatures or attestations (`predicate_type`) with
    /// `attestor`.
    fn verify(
        &self,
        pinned: Pinned,
        attestor: &Attestor,
        predicate_type: Option<&str>,
    ) -> Result<Verification, VerifyFailure> {
        if attestor.repository.is_some() {
            return Err(VerifyFailure::Unsupported {
                feature: "signatures in another `repository`".to_owned(),
            });
        }
        let (policy, require_tlog) = Self::policy(attestor)?;
        let opened = match pinned.opened {
            Some(opened) => opened,
            None => self.open(&pinned.reference)?,
        };
        let options = VerifyOptions {
            root: &self.options.trusted_root,
            policy: &policy,
            require_tlog,
        };
        match predicate_type {
            None => opened.verify(&options, &BTreeMap::new()),
            Some(predicate_type) => opened.verify_attestations(&options, predicate_type),
        }
        .map_err(|error| self.unavailable(&error))
    }
}

impl ImageVerifier for RegistryVerifier {
    fn verify_signature(
        &self,
        image: &str,
        attestor: &Attestor,
    ) -> Result<Verified, VerifyFailure> {
        let pinned = self.pin(image)?;
        let key = format!("{}\u{0}{attestor:?}", pinned.reference);
        self.cached(&self.signatures, key, attestor.use_cache, || {
            let digest = pinned.digest.clone();
            let verification = self.verify(pinned, attestor, None)?;
            if verification.verified.is_empty() {
                return Err(rejected("no signature", &verification));
            }
            Ok(Verified { digest })
        })
    }

    fn verify_attestations(
        &self,
        image: &str,
        predicate_type: &str,
        attestor: &Attestor,
    ) -> Result<Attested, VerifyFailure> {
        let pinned = self.pin(image)?;
        let key = format!("{}\u{0}{predicate_type}\u{0}{attestor:?}", pinned.reference);
        self.cached(&self.attestations, key, attestor.use_cache, || {
            let digest = pinned.digest.clone();
            let verification = self.verify(pinned, attestor, Some(predicate_type))?;
            // None verified is not an error: the engine reports the missing attestation.
            let predicates = verification
                .verified
                .iter()
                .filter_map(|claim| predicate(&claim.output))
                .collect();
            Ok(Attested { digest, predicates })
        })
    }

    fn resolve_digest(&self, image: &str) -> Result<String, VerifyFailure> {
        self.pin(image).map(|pinned| pinned.digest)
    }
}

/// A rejection naming what was missing and why each candidate failed.
fn rejected(missing: &str, verification: &Verification) -> VerifyFailure {
    let reasons: Vec<String> = verification
        .rejected
        .iter()
        .map(|rejection| format!("{}: {}", rejection.location, chain(&rejection.reason)))
        .collect();
    let reason = if reasons.is_empty() {
        format!("{missing} found for {}", verification.digest)
    } else {
        format!(
            "{missing} verified for {} ({})",
            verification.digest,
            reasons.join("; ")
        )
    };
    VerifyFailure::Rejected { reason }
}

/// The statement predicate of a verified attestation's DSSE envelope output.
fn predicate(envelope: &serde_json::Value) -> Option<serde_json::Value> {
    use base64::Engine as _;
    let payload = envelope["payload"].as_str()?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .ok()?;
    let statement: serde_json::Value = serde_json::from_slice(&bytes).ok()?;
    statement.get("predicate").cloned()
}

/// The keyless attestor as a certificate identity policy: exact values, Kyverno's `*`
/// wildcards, or the `RegExp` forms.
fn identity_policy(keyless: &KeylessAttestor) -> Result<Policy, VerifyFailure> {
    let matcher = |exact: Option<&str>, pattern: Option<&str>, field: &str| {
        let invalid = |error: &dyn std::fmt::Display| VerifyFailure::Rejected {
            reason: format!("the attestor's {field} is not a valid pattern: {error}"),
        };
        match (exact, pattern) {
            (Some(exact), _) if exact.contains('*') => {
                let regex = format!("^{}$", wildcard_regex(exact));
                IdentityMatcher::regex(&regex).map_err(|error| invalid(&error))
            }
            (Some(exact), _) => Ok(IdentityMatcher::Exact(exact.to_owned())),
            (None, Some(pattern)) => {
                IdentityMatcher::regex(pattern).map_err(|error| invalid(&error))
            }
            (None, None) => Err(VerifyFailure::Rejected {
                reason: format!("the keyless attestor names no {field}"),
            }),
        }
    };
    Ok(Policy::Identity {
        subject: matcher(
            keyless.subject.as_deref(),
            keyless.subject_regexp.as_deref(),
            "subject",
        )?,
        issuer: matcher(
            keyless.issuer.as_deref(),
            keyless.issuer_regexp.as_deref(),
            "issuer",
        )?,
    })
}

/// A Kyverno wildcard (`*` any run of characters) as an unanchored regular expression.
fn wildcard_regex(pattern: &str) -> String {
    pattern
        .split('*')
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join(".*")
}

/// `registry/path` of an image reference, without tag or digest.
fn repository_of(image: &str) -> &str {
    let without_digest = image.split_once('@').map_or(image, |(name, _)| name);
    match without_digest.rsplit_once(':') {
        Some((name, tag)) if !tag.contains('/') => name,
        _ => without_digest,
    }
}

/// An error and its sources, joined by `: `.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repositories_lose_tags_and_digests() {
        assert_eq!(
            repository_of("127.0.0.1:5000/app:1.0"),
            "127.0.0.1:5000/app"
        );
        assert_eq!(repository_of("127.0.0.1:5000/app"), "127.0.0.1:5000/app");
        assert_eq!(
            repository_of("ghcr.io/org/app:1.0@sha256:abc"),
            "ghcr.io/org/app"
        );
    }

    #[test]
    fn wildcards_become_anchored_patterns() {
        assert_eq!(
            wildcard_regex("https://github.com/org/*"),
            "https://github\\.com/org/.*"
        );
    }

    #[test]
    fn cache_expires_and_stays_bounded() {
        let cache: Cache<u32> = Cache::new();
        let now = Instant::now();
        cache.put("a".to_owned(), 1, Duration::from_secs(10), now);
        assert_eq!(cache.get("a", now), Some(1));
        assert_eq!(cache.get("a", now + Duration::from_secs(11)), None);
        for index in 0..MAX_CACHE_ENTRIES + 10 {
            let ttl = Duration::from_secs(u64::try_from(index).unwrap() + 1);
            cache.put(index.to_string(), 0, ttl, now);
        }
        assert!(cache.entries.lock().unwrap().len() <= MAX_CACHE_ENTRIES);
    }
}
