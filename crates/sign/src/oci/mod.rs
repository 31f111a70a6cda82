//! Signatures and attestations of images in registries, in the layouts cosign writes and
//! reads.
//!
//! An [`Image`] is a registry reference resolved once to its manifest digest: everything is
//! signed and verified by digest, never by tag. [`Image::sign`] and [`Image::attest`] write
//!
//! - [`SignatureFormat::Bundle`] (cosign v3's default): an in-toto statement in a DSSE envelope
//!   in a Sigstore bundle v0.3, attached as an OCI 1.1 referrer (`BUNDLE_SPEC.md`), with the
//!   referrers fallback tag `sha256-HEX` maintained when the registry lacks the referrers API;
//! - [`SignatureFormat::Legacy`] (cosign ≤ 2): a simple-signing layer appended on the
//!   `sha256-HEX.sig` tag, or a DSSE envelope layer on `sha256-HEX.att` (`SIGNATURE_SPEC.md`,
//!   `ATTESTATION_SPEC.md`).
//!
//! [`Image::verify`] and [`Image::verify_attestations`] collect candidates from the referrers
//! API, then the fallback tag, then the legacy tag, verify each (bundles through
//! [`crate::verify::verify_bundle`], legacy layers here, with [`crate::tlog`] for their Rekor
//! bundles) and return a [`Verification`]: the claims that verified and why every other
//! candidate did not. Keys come from [`crate::keys`]; the registry connection and credentials
//! from custody-artifact.

mod error;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
mod layout;
mod payload;
mod predicate;
mod reference;
mod registry;
mod sign;
mod verify;

use std::collections::BTreeMap;

use custody_artifact::RegistryOptions;

pub use error::Error;
pub use payload::SIGN_PREDICATE_TYPE;
pub use predicate::PredicateType;
pub use verify::{RejectReason, Rejection, Verification, VerifiedClaim};

use crate::bundle::intoto;
use crate::keys::SigningKey;
use layout::Descriptor;
use registry::Repository;

/// Where and how a signature is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureFormat {
    /// A Sigstore bundle attached as an OCI referrer (cosign v3).
    Bundle,
    /// cosign's `sha256-HEX.sig` / `.att` tags (cosign ≤ 2).
    Legacy,
}

impl SignatureFormat {
    /// `bundle` or `legacy`, as the CLI and reports name it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Bundle => "bundle",
            Self::Legacy => "legacy",
        }
    }
}

/// What [`Image::sign`] or [`Image::attest`] pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pushed {
    /// The layout written.
    pub format: SignatureFormat,
    /// Where: `repository@digest` of the referrer manifest, or `repository:tag`.
    pub location: String,
}

/// An image in a registry, resolved to its manifest digest.
pub struct Image {
    repository: Repository,
    /// The image manifest (or index) the reference resolved to: the subject of everything
    /// signed.
    descriptor: Descriptor,
    /// The reference as the user gave it, which cosign echoes as the docker reference of a
    /// bundle signature's claims.
    given: String,
}

impl Image {
    /// Connects to the registry of `reference` (a tag or a digest) and resolves it to its
    /// manifest digest.
    pub fn open(reference: &str, options: &RegistryOptions) -> Result<Self, Error> {
        let repository = Repository::connect(reference, options)?;
        let descriptor = repository.resolve()?;
        Ok(Self {
            repository,
            descriptor,
            given: reference.to_owned(),
        })
    }

    /// The manifest digest, `sha256:HEX`.
    pub fn digest(&self) -> &str {
        &self.descriptor.digest
    }

    /// `registry/repository`: the docker reference of legacy payloads and the subject name
    /// of statements.
    pub fn name(&self) -> String {
        self.repository.name()
    }

    /// Signs the image with `key`, the `annotations` (`-a key=value`) signed with it.
    pub fn sign(
        &self,
        key: &SigningKey,
        format: SignatureFormat,
        annotations: &BTreeMap<String, String>,
    ) -> Result<Pushed, Error> {
        let name = self.name();
        match format {
            SignatureFormat::Bundle => {
                let statement = payload::signature_statement(&name, self.digest(), annotations);
                let envelope = sign::envelope(&statement.to_json(), key)?;
                sign::push_bundle(
                    &self.repository,
                    &self.descriptor,
                    &sign::key_bundle(envelope, key),
                    SIGN_PREDICATE_TYPE,
                    &now_rfc3339_millis(),
                )
            }
            SignatureFormat::Legacy => {
                let payload = payload::simple_signing(&name, self.digest(), annotations);
                let signature = key.sign(&payload).map_err(Error::Sign)?;
                let layer = sign::signature_layer(&payload, &signature);
                let tag = format!("{}.sig", layout::fallback_tag(self.digest()));
                sign::push_legacy(&self.repository, &tag, layer, &payload)
            }
        }
    }

    /// Attests `predicate` (the `--predicate` file's bytes) of `predicate_type` about the
    /// image, signed with `key`.
    pub fn attest(
        &self,
        key: &SigningKey,
        format: SignatureFormat,
        predicate_type: &PredicateType,
        predicate: &[u8],
    ) -> Result<Pushed, Error> {
        let created = now_rfc3339_millis();
        let predicate = predicate_type.predicate(predicate, &now_rfc3339_seconds())?;
        let mut statement = payload::image_statement(
            &self.name(),
            self.digest(),
            predicate_type.uri(),
            predicate,
            None,
        );
        match format {
            SignatureFormat::Bundle => {
                let envelope = sign::envelope(&statement.to_json(), key)?;
                sign::push_bundle(
                    &self.repository,
                    &self.descriptor,
                    &sign::key_bundle(envelope, key),
                    predicate_type.uri(),
                    &created,
                )
            }
            SignatureFormat::Legacy => {
                // cosign's legacy attestations are in-toto v0.1 statements.
                intoto::STATEMENT_V0_1.clone_into(&mut statement.statement_type);
                let envelope = sign::envelope(&statement.to_json(), key)?.to_json();
                let layer = sign::attestation_layer(&envelope, predicate_type.uri());
                let tag = format!("{}.att", layout::fallback_tag(self.digest()));
                sign::push_legacy(&self.repository, &tag, layer, &envelope)
            }
        }
    }
}

/// Now as JavaScript's `toISOString()` writes it (what sigstore-js puts in
/// `org.opencontainers.image.created`): UTC, milliseconds.
fn now_rfc3339_millis() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%S%.3fZ")
        .to_string()
}

/// Now as Go's `time.RFC3339` in UTC (cosign's custom predicate timestamp).
fn now_rfc3339_seconds() -> String {
    jiff::Timestamp::now()
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}
