//! Arguments of `custody sign`, `verify`, `attest` and `verify-attestation`.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{RegistryArgs, VerificationArgs};

/// `custody sign`.
#[derive(Debug, Args)]
#[command(after_long_help = SIGN_EXAMPLES)]
pub(crate) struct SignArgs {
    /// The image to sign, by tag or digest; the digest it resolves to is what is signed.
    pub(crate) image: String,
    /// The private key: a cosign key file (password from `COSIGN_PASSWORD` or a prompt) or a
    /// plain PEM private key.
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// An annotation to sign with the image, as KEY=VALUE; repeatable.
    #[arg(short = 'a', long = "annotations", value_name = "KEY=VALUE", value_parser = parse_annotation)]
    pub(crate) annotations: Vec<(String, String)>,
    /// Where and how to store the signature.
    #[arg(long, value_enum, default_value_t = Format::Bundle)]
    pub(crate) format: Format,
    #[command(flatten)]
    pub(crate) registry: RegistryArgs,
}

/// `custody attest`.
#[derive(Debug, Args)]
#[command(after_long_help = ATTEST_EXAMPLES)]
pub(crate) struct AttestArgs {
    /// The image the attestation is about, by tag or digest.
    pub(crate) image: String,
    /// The private key (as for `custody sign`).
    #[arg(long, value_name = "FILE")]
    pub(crate) key: PathBuf,
    /// The predicate type: slsaprovenance, slsaprovenance02, slsaprovenance1, link, spdx,
    /// spdxjson, cyclonedx, vuln, openvex, custom, or a URI.
    #[arg(long = "type", value_name = "TYPE", default_value = "custom")]
    pub(crate) predicate_type: String,
    /// The predicate: a JSON file (text for `spdx` and `custom`).
    #[arg(long, value_name = "FILE")]
    pub(crate) predicate: PathBuf,
    /// Where and how to store the attestation.
    #[arg(long, value_enum, default_value_t = Format::Bundle)]
    pub(crate) format: Format,
    #[command(flatten)]
    pub(crate) registry: RegistryArgs,
}

/// `custody verify`.
#[derive(Debug, Args)]
#[command(after_long_help = VERIFY_EXAMPLES)]
pub(crate) struct VerifyArgs {
    /// The image to verify, by tag or digest.
    pub(crate) image: String,
    /// An annotation every accepted signature must carry, as KEY=VALUE; repeatable.
    #[arg(short = 'a', long = "annotations", value_name = "KEY=VALUE", value_parser = parse_annotation)]
    pub(crate) annotations: Vec<(String, String)>,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = VerifyOutput::Text)]
    pub(crate) output: VerifyOutput,
    #[command(flatten)]
    pub(crate) verification: VerificationArgs,
    #[command(flatten)]
    pub(crate) registry: RegistryArgs,
}

/// `custody verify-attestation`.
#[derive(Debug, Args)]
#[command(after_long_help = VERIFY_ATTESTATION_EXAMPLES)]
pub(crate) struct VerifyAttestationArgs {
    /// The image whose attestations to verify, by tag or digest.
    pub(crate) image: String,
    /// The predicate type to keep (as for `custody attest --type`).
    #[arg(long = "type", value_name = "TYPE", default_value = "custom")]
    pub(crate) predicate_type: String,
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = VerifyOutput::Text)]
    pub(crate) output: VerifyOutput,
    #[command(flatten)]
    pub(crate) verification: VerificationArgs,
    #[command(flatten)]
    pub(crate) registry: RegistryArgs,
}

/// Signature layouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// A Sigstore bundle attached as an OCI referrer (cosign v3's default).
    Bundle,
    /// cosign's `sha256-<hex>.sig` / `.att` tags, for verifiers older than cosign v3.
    Legacy,
}

/// Output formats of `custody verify` and `verify-attestation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum VerifyOutput {
    /// One line per verified signature, for people.
    Text,
    /// A JSON array as cosign prints: signature claims, or attestation DSSE envelopes.
    Json,
}

const SIGN_EXAMPLES: &str = "\
Examples:
  custody key generate                                  # writes cosign.key and cosign.pub
  custody sign registry.example/app:1.0 --key cosign.key
  custody sign registry.example/app@sha256:… --key cosign.key -a env=prod -a build=1234
  custody sign 127.0.0.1:5000/app:1.0 --key cosign.key --format legacy --plain-http

The tag is resolved to its manifest digest and the digest is signed. `bundle` attaches a
Sigstore bundle as an OCI referrer (and lists it on the sha256-<hex> tag when the registry has no
referrers API), as cosign v3 does; `legacy` appends to the sha256-<hex>.sig tag, as cosign 2 did.
No transparency-log entry is made: verify with --insecure-ignore-tlog.";

const ATTEST_EXAMPLES: &str = "\
Examples:
  custody attest registry.example/app:1.0 --key cosign.key --type slsaprovenance1 \\
      --predicate provenance.json
  custody attest registry.example/app:1.0 --key cosign.key --type cyclonedx --predicate app.cdx.json
  custody attest registry.example/app:1.0 --key cosign.key --type https://example.com/review/v1 \\
      --predicate review.json --format legacy";

const VERIFY_EXAMPLES: &str = "\
Examples:
  custody verify registry.example/app:1.0 --key cosign.pub
  custody verify registry.example/app:1.0 --key cosign.pub --insecure-ignore-tlog -a env=prod
  custody verify ghcr.io/org/app:1.0 --certificate-identity-regexp 'https://github.com/org/.*' \\
      --certificate-oidc-issuer https://token.actions.githubusercontent.com --output json

Signatures are looked for in the OCI referrers API, the sha256-<hex> referrers tag and the legacy
sha256-<hex>.sig tag. Exit status: 0 when at least one verifies, 1 when none does (each
candidate's reason is printed), 2 on errors such as an unreachable registry.";

const VERIFY_ATTESTATION_EXAMPLES: &str = "\
Examples:
  custody verify-attestation registry.example/app:1.0 --key cosign.pub --type slsaprovenance1
  custody verify-attestation registry.example/app:1.0 --key cosign.pub --type cyclonedx \\
      --insecure-ignore-tlog --output json | jq -r .payload | base64 -d

Attestations of other predicate types verify but are left out. Exit status: 0 when at least one
attestation of the type verifies, 1 when none does, 2 on errors.";

/// Parses `KEY=VALUE`.
fn parse_annotation(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("`{text}` is not KEY=VALUE")),
    }
}
