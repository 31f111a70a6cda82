//! Kyverno's `verifyImages` rules: which images of a resource must be signed, by whom, with
//! which attestations, and the JSON patches pinning verified images to their digests.
//!
//! The engine does no I/O. Whoever can reach registries implements [`ImageVerifier`] (the
//! admission server, with custody-sign and a cache; tests, with a table) and hands it to
//! [`engine::apply_all_with_verifier`](super::engine::apply_all_with_verifier). Without one,
//! `verifyImages` rules answer `unsupported`, as `custody policy apply` and `policy test` need.
//!
//! - [`VerifyImages`] is a rule's `verifyImages` list, read once with the policy
//!   (as [`ImageVerification`]s of [`AttestorSet`]s, [`Attestor`]s and [`Attestation`]s);
//!   a list holding variables is substituted per request, except its attestation conditions,
//!   which read the predicate.
//! - The evaluator (`evaluate`) takes every container, init container and ephemeral container
//!   image of the resource's pod spec (a Pod, a pod controller's template, a `CronJob`'s job
//!   template), checks those matching an entry's `imageReferences` and not its
//!   `skipImageReferences` against each attestor set (`count` of its entries must verify) and
//!   each attestation (its statements' predicates must satisfy the conditions), then pins a
//!   verified image by digest (`mutateDigest`) or fails an image without one (`verifyDigest`).
//!
//! Behaviour follows kyverno/kyverno `pkg/engine/imageVerify.go` (1.9–1.15:
//! `verifyAttestorSet`, `expandStaticKeys`, `makeAddDigestPatch`, `substituteVariables`).
//! One rule gives one [`RuleResponse`](super::engine::RuleResponse) for all its images (Kyverno
//! gives one per image): `fail` when an image fails, naming each failing image and why.

mod evaluate;
mod spec;

use std::borrow::Cow;

use serde_json::Value;

pub(super) use evaluate::evaluate;
pub(super) use spec::SpecError;
pub use spec::{
    Attestation, Attestor, AttestorKind, AttestorSet, CertificateAttestor, Ctlog,
    ImageVerification, KeyAttestor, KeylessAttestor, Rekor,
};

use super::scope::Scope;
use super::variables::has_variables;

/// What the engine needs from someone who can reach registries: the admission server
/// implements it with custody-sign and a cache keyed by digest and attestor; tests with a
/// table.
///
/// `image` is normalized as Kyverno's `ImageInfo.String()` spells it: the registry always
/// named (`docker.io/nginx:1.25`), and pinned as `registry/path@digest` once the digest is
/// known (written in the pod spec or verified by an earlier attestor), so every check after the
/// first is about the same image, never a tag that may have moved.
pub trait ImageVerifier: Send + Sync {
    /// Resolves `image` and checks its cosign signatures against `attestor`.
    ///
    /// # Errors
    ///
    /// [`VerifyFailure`] saying why no signature verified, or why it could not be checked.
    fn verify_signature(&self, image: &str, attestor: &Attestor)
    -> Result<Verified, VerifyFailure>;

    /// The predicates of the in-toto statements of type `predicate_type` attached to `image`
    /// and signed by `attestor` (only verified statements; none is not an error here).
    ///
    /// # Errors
    ///
    /// [`VerifyFailure`] when the attestations cannot be fetched or none verifies.
    fn verify_attestations(
        &self,
        image: &str,
        predicate_type: &str,
        attestor: &Attestor,
    ) -> Result<Attested, VerifyFailure>;

    /// The digest `image`'s tag points to, for `mutateDigest` on an entry that verified nothing
    /// that names it (no attestors, no attestations).
    ///
    /// # Errors
    ///
    /// [`VerifyFailure::Unavailable`] when the registry cannot be asked.
    fn resolve_digest(&self, image: &str) -> Result<String, VerifyFailure>;
}

/// A signature check that passed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct Verified {
    /// The digest of the verified image (`sha256:…`).
    pub digest: String,
}

/// An attestation check that passed.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Attested {
    /// The digest of the attested image (`sha256:…`).
    pub digest: String,
    /// The `predicate` of each verified statement of the requested type.
    pub predicates: Vec<Value>,
}

/// Why an image did not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyFailure {
    /// The image is not signed or attested as required: no signature, a signature by another
    /// key or identity, a broken signature. The rule fails.
    #[error("{reason}")]
    Rejected {
        /// What was wrong, such as `no signature matched the key`.
        reason: String,
    },
    /// The registry (or the transparency log) could not be asked: unreachable, timed out,
    /// denied access. The rule answers `error`, as Kyverno does for network errors, so the
    /// admission server's failure policy decides.
    #[error("{reason}")]
    Unavailable {
        /// What failed.
        reason: String,
    },
    /// The verifier cannot check this attestor (an algorithm or option it lacks). The rule
    /// answers `unsupported`, never a verdict.
    #[error("{feature} is not supported")]
    Unsupported {
        /// What it cannot check.
        feature: String,
    },
}

/// A rule's `verifyImages` list, read once with its policy.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifyImages {
    /// The entries as read from the policy.
    entries: Vec<ImageVerification>,
    /// The list without attestation conditions, kept when it holds variables: it is then
    /// substituted and read again for each request.
    template: Option<Value>,
}

impl VerifyImages {
    /// Reads a `verifyImages` list.
    pub(super) fn new(list: &Value) -> Result<Self, SpecError> {
        let entries = spec::parse(list)?;
        let template = spec::without_conditions(list);
        Ok(Self {
            entries,
            template: has_variables(&template).then_some(template),
        })
    }

    /// The entries, as written (variables unsubstituted).
    #[must_use]
    pub fn entries(&self) -> &[ImageVerification] {
        &self.entries
    }

    /// The entries for one request: variables substituted from `scope`, the conditions kept
    /// as written.
    fn resolve(&self, scope: &Scope<'_>) -> Result<Cow<'_, [ImageVerification]>, SpecError> {
        let Some(template) = &self.template else {
            return Ok(Cow::Borrowed(&self.entries));
        };
        let substituted = scope
            .substitute(template)
            .map_err(|message| SpecError::Invalid {
                path: "verifyImages".to_owned(),
                message: format!("variable substitution failed: {message}"),
            })?;
        let mut entries = spec::parse(&substituted)?;
        for (entry, written) in entries.iter_mut().zip(&self.entries) {
            for (attestation, written) in entry.attestations.iter_mut().zip(&written.attestations) {
                attestation.conditions.clone_from(&written.conditions);
            }
        }
        Ok(Cow::Owned(entries))
    }
}
