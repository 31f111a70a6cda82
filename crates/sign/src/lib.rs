//! Signing and verification, byte-compatible with cosign and Sigstore.
//!
//! - [`keys`]: cosign key files (scrypt + NaCl secretbox over PKCS#8), plain PEM keys, and one
//!   signing/verifying interface over ECDSA P-256/384/521, Ed25519 and RSA.
//! - [`bundle`]: Sigstore bundles v0.1–v0.3 and DSSE envelopes, read and written as
//!   protobuf-JSON.
//! - [`trust`]: the trusted root, Fulcio certificate chains and identities, SCTs and RFC 3161
//!   timestamps.
//! - [`tlog`]: Rekor entries, Merkle inclusion proofs, checkpoints and signed entry timestamps.
//! - [`verify`]: offline verification of a bundle against a key or a certificate identity.
//! - [`oci`]: signatures and attestations in registries — OCI referrers, the referrers fallback
//!   tag and cosign's legacy `.sig`/`.att` tags.
//! - [`git`]: SSH and OpenPGP commit signatures.
//!
//! The engine never prints or reads the environment; the CLI decides what to show.

pub mod bundle;
pub mod git;
pub mod keys;
pub mod oci;
pub mod tlog;
pub mod trust;
pub mod verify;
