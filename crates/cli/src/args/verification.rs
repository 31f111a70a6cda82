//! The verification flags `verify-blob`, `verify-bundle`, `verify` and `verify-attestation`
//! share: who must have signed (a key or a certificate identity), what to trust, and whether
//! transparency-log evidence is required.

use std::path::PathBuf;

use clap::Args;

/// Who must have signed and what to trust; `Verification::from_args` (commands/blob.rs)
/// resolves them into verification options.
#[derive(Debug, Args)]
#[command(next_help_heading = "Verification")]
pub(crate) struct VerificationArgs {
    /// The signer's public key (PEM: `PUBLIC KEY` as in cosign.pub, or `RSA PUBLIC KEY`).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = [
            "certificate_identity",
            "certificate_identity_regexp",
            "certificate_oidc_issuer",
            "certificate_oidc_issuer_regexp",
        ]
    )]
    pub(crate) key: Option<PathBuf>,
    /// The identity the signing certificate must name: an email, or the workflow URI a CI
    /// system signed as. Keyless verification needs it (or its `-regexp` form) and an
    /// issuer.
    #[arg(
        long,
        value_name = "IDENTITY",
        conflicts_with = "certificate_identity_regexp"
    )]
    pub(crate) certificate_identity: Option<String>,
    /// A regular expression the certificate identity must match. Searched as cosign does:
    /// anchor it (`^…$`) to match the whole identity.
    #[arg(long, value_name = "REGEX")]
    pub(crate) certificate_identity_regexp: Option<String>,
    /// The OIDC issuer the signing certificate must name, e.g.
    /// `https://token.actions.githubusercontent.com`.
    #[arg(
        long,
        value_name = "URL",
        conflicts_with = "certificate_oidc_issuer_regexp"
    )]
    pub(crate) certificate_oidc_issuer: Option<String>,
    /// A regular expression the OIDC issuer must match, searched as cosign does (anchor it
    /// with `^…$`).
    #[arg(long, value_name = "REGEX")]
    pub(crate) certificate_oidc_issuer_regexp: Option<String>,
    /// A Sigstore `trusted_root.json` to trust instead of the public-good instance's, shipped
    /// with custody.
    #[arg(long, value_name = "FILE")]
    pub(crate) trusted_root: Option<PathBuf>,
    /// Accept a key-signed signature without transparency-log evidence (cosign's flag of the
    /// same name). Needed for what `sign-blob` writes offline; never needed for keyless
    /// signatures.
    #[arg(long)]
    pub(crate) insecure_ignore_tlog: bool,
}
