//! Arguments of `custody sign-blob`, `verify-blob` and `verify-bundle`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::VerificationArgs;

/// `custody sign-blob`.
#[derive(Debug, Args)]
#[command(after_long_help = SIGN_BLOB_EXAMPLES)]
pub(crate) struct SignBlobArgs {
    /// The file to sign.
    pub(crate) file: PathBuf,
    /// The private key: a cosign.key (its password from `COSIGN_PASSWORD`, else a prompt) or
    /// an unencrypted PEM private key.
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// Where to write the Sigstore bundle (v0.3 JSON, as cosign v3 writes it).
    #[arg(long, value_name = "FILE")]
    pub(crate) bundle: PathBuf,
}

const SIGN_BLOB_EXAMPLES: &str = "\
The bundle holds the signature, the file's digest and a hint naming the key. custody signs
offline: no transparency-log entry is made (as `cosign sign-blob --tlog-upload=false`), so
verifiers need `--insecure-ignore-tlog`.

Examples:
  custody key generate
  COSIGN_PASSWORD=... custody sign-blob app.tar.gz --key cosign.key --bundle app.sigstore.json
  custody verify-blob app.tar.gz --key cosign.pub --bundle app.sigstore.json \\
      --insecure-ignore-tlog";

/// `custody verify-blob`.
#[derive(Debug, Args)]
#[command(after_long_help = VERIFY_BLOB_EXAMPLES)]
pub(crate) struct VerifyBlobArgs {
    /// The file the bundle signs.
    pub(crate) file: PathBuf,
    /// The Sigstore bundle (v0.1 to v0.3) to verify.
    #[arg(long, value_name = "FILE")]
    pub(crate) bundle: PathBuf,
    /// `text`: "Verified OK" on stderr; `json`: what was verified, on stdout.
    #[arg(long, value_enum, default_value_t = BlobOutput::Text)]
    pub(crate) output: BlobOutput,
    #[command(flatten)]
    pub(crate) verification: VerificationArgs,
}

const VERIFY_BLOB_EXAMPLES: &str = "\
Exit status: 0 verified; 1 not verified (the reason is printed); 2 an error such as an
unreadable file or key.

Examples:
  custody verify-blob app.tar.gz --key cosign.pub --bundle app.sigstore.json \\
      --insecure-ignore-tlog
  custody verify-blob app.tar.gz --bundle app.sigstore.json \\
      --certificate-identity-regexp '^https://github\\.com/org/repo/\\.github/workflows/' \\
      --certificate-oidc-issuer https://token.actions.githubusercontent.com
  custody verify-blob sbom.json --bundle sbom.sigstore.json --key cosign.pub --output json";

/// `custody verify-bundle`.
#[derive(Debug, Args)]
#[command(after_long_help = VERIFY_BUNDLE_EXAMPLES)]
pub(crate) struct VerifyBundleArgs {
    /// The signed file, or its digest as `sha256:HEX` (64 hex digits, and no file of that
    /// name exists). For a DSSE bundle, a subject of its in-toto statement.
    #[arg(value_name = "FILE_OR_DIGEST")]
    pub(crate) artifact: String,
    /// The Sigstore bundle (v0.1 to v0.3) to verify.
    #[arg(long, value_name = "FILE")]
    pub(crate) bundle: PathBuf,
    /// Use Sigstore's staging instance; custody verifies offline, so this is refused (pass
    /// the staging `trusted_root.json` with `--trusted-root`).
    #[arg(long)]
    pub(crate) staging: bool,
    /// `text`: "Verified OK" on stderr; `json`: what was verified, on stdout.
    #[arg(long, value_enum, default_value_t = BlobOutput::Text)]
    pub(crate) output: BlobOutput,
    #[command(flatten)]
    pub(crate) verification: VerificationArgs,
}

const VERIFY_BUNDLE_EXAMPLES: &str = "\
The command line of the sigstore-conformance client protocol. Everything is checked offline
against the trusted root: the certificate chain at the signing time, its SCTs, the Rekor entry,
inclusion proof, checkpoint and SET, and RFC 3161 timestamps.

Exit status: 0 verified; 1 not verified (the reason is printed); 2 an error.

Examples:
  custody verify-bundle --bundle a.txt.sigstore.json \\
      --certificate-identity https://github.com/org/repo/.github/workflows/ci.yml@refs/heads/main \\
      --certificate-oidc-issuer https://token.actions.githubusercontent.com a.txt
  custody verify-bundle --bundle b.sigstore.json --key key.pub --trusted-root trusted_root.json \\
      sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf";

/// How a verification command reports success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum BlobOutput {
    /// "Verified OK" on stderr, as cosign prints.
    Text,
    /// A JSON document on stdout describing what was verified.
    Json,
}
