//! `custody sign|verify|attest|verify-attestation`: signatures and attestations in registries.

use std::collections::BTreeMap;
use std::io::Write as _;

use anyhow::Context as _;
use custody_sign::oci::{Image, PredicateType, Pushed, SignatureFormat, VerifiedClaim};
use custody_sign::verify::{TimestampSource, VerifiedSigner};
use owo_colors::OwoColorize as _;

use super::ExitStatus;
use super::blob::Verification;
use crate::args::{
    AttestArgs, Format, RegistryArgs, SignArgs, VerifyArgs, VerifyAttestationArgs, VerifyOutput,
};
use crate::{printer, settings};

/// Runs `custody sign`.
pub(crate) fn sign(args: &SignArgs, quiet: bool) -> anyhow::Result<()> {
    let key = super::key::read_signing_key(&args.key)?;
    let image = open(&args.image, &args.registry)?;
    let pushed = image
        .sign(&key, format(args.format), &annotations(&args.annotations))
        .with_context(|| format!("signing {}", args.image))?;
    report_pushed(&image, &pushed, "signature", quiet)
}

/// Runs `custody attest`.
pub(crate) fn attest(args: &AttestArgs, quiet: bool) -> anyhow::Result<()> {
    let predicate_type = PredicateType::parse(&args.predicate_type)?;
    let predicate = fs_err::read(&args.predicate)?;
    let key = super::key::read_signing_key(&args.key)?;
    let image = open(&args.image, &args.registry)?;
    let pushed = image
        .attest(&key, format(args.format), &predicate_type, &predicate)
        .with_context(|| format!("attesting {} with {}", args.image, args.predicate.display()))?;
    report_pushed(&image, &pushed, "attestation", quiet)
}

/// Runs `custody verify`: exit 0 when a signature verifies, 1 when none does.
pub(crate) fn verify(args: &VerifyArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    let verification = Verification::from_args(&args.verification)?;
    let image = open(&args.image, &args.registry)?;
    let outcome = image
        .verify(&verification.options(), &annotations(&args.annotations))
        .with_context(|| format!("verifying {}", args.image))?;
    report(&image, &outcome, args.output, "signature", quiet)
}

/// Runs `custody verify-attestation`: exit 0 when an attestation of the type verifies, 1 when
/// none does.
pub(crate) fn verify_attestation(
    args: &VerifyAttestationArgs,
    quiet: bool,
) -> anyhow::Result<ExitStatus> {
    let predicate_type = PredicateType::parse(&args.predicate_type)?;
    let verification = Verification::from_args(&args.verification)?;
    let image = open(&args.image, &args.registry)?;
    let outcome = image
        .verify_attestations(&verification.options(), predicate_type.uri())
        .with_context(|| format!("verifying the attestations of {}", args.image))?;
    report(
        &image,
        &outcome,
        args.output,
        &format!("{} attestation", predicate_type.uri()),
        quiet,
    )
}

/// Prints what verified (stdout) and why the rest did not (stderr), and picks the exit status.
///
/// JSON output is one array, as cosign prints it: for signatures, each verified signature's
/// claims `{"critical": {"identity": {"docker-reference"}, "image": {"docker-manifest-digest"},
/// "type"}, "optional": {…} | null}` (`type` is `cosign container image signature` for a
/// legacy simple-signing payload, `https://sigstore.dev/cosign/sign/v1` for a bundle); for
/// attestations, each verified DSSE envelope `{"payloadType", "payload", "signatures"}` (the
/// payload is the base64 in-toto statement). An empty array when nothing verified.
fn report(
    image: &Image,
    outcome: &custody_sign::oci::Verification,
    output: VerifyOutput,
    what: &str,
    quiet: bool,
) -> anyhow::Result<ExitStatus> {
    let mut stderr = anstream::stderr().lock();
    if !quiet || outcome.verified.is_empty() {
        for rejection in &outcome.rejected {
            writeln!(
                stderr,
                "{}: {}: {}",
                "rejected".yellow(),
                rejection.location,
                chain(&rejection.reason)
            )?;
        }
    }
    printer::with_output(None, |out| match output {
        VerifyOutput::Json => {
            let claims: Vec<_> = outcome.verified.iter().map(|claim| &claim.output).collect();
            serde_json::to_writer(&mut *out, &claims)?;
            writeln!(out)
        }
        VerifyOutput::Text => {
            for claim in &outcome.verified {
                writeln!(
                    out,
                    "Verified {} {what} of {}@{} signed by {} ({}); {}",
                    claim.format.name(),
                    image.name(),
                    outcome.digest,
                    signer(&claim.signer),
                    claim.location,
                    evidence(claim)
                )?;
            }
            Ok(())
        }
    })?;
    if outcome.verified.is_empty() {
        let found = if outcome.rejected.is_empty() {
            "none was found"
        } else {
            "none verified"
        };
        writeln!(
            stderr,
            "{}: no {what} of {}@{} verified: {found}",
            "error".red().bold(),
            image.name(),
            outcome.digest
        )?;
        return Ok(ExitStatus::Findings(1));
    }
    Ok(ExitStatus::Success)
}

/// An error and its causes on one line.
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

fn signer(signer: &VerifiedSigner) -> String {
    match signer {
        VerifiedSigner::Key(_) => "the given key".to_owned(),
        VerifiedSigner::Certificate(identity) => format!(
            "{} (issuer {})",
            identity.subject,
            identity.issuer.as_deref().unwrap_or("unknown")
        ),
    }
}

/// The time evidence of a verified claim, for people.
fn evidence(claim: &VerifiedClaim) -> String {
    if claim.timestamps.is_empty() {
        return "no transparency log or timestamp evidence (--insecure-ignore-tlog)".to_owned();
    }
    claim
        .timestamps
        .iter()
        .map(|(source, time)| match source {
            TimestampSource::TransparencyLog { log_index } => {
                format!("transparency log entry {log_index} at {time}")
            }
            TimestampSource::TimestampAuthority => format!("timestamp authority at {time}"),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Resolves `reference` in its registry.
fn open(reference: &str, args: &RegistryArgs) -> anyhow::Result<Image> {
    Image::open(reference, &settings::registry_options(args))
        .with_context(|| format!("resolving {reference}"))
}

fn format(format: Format) -> SignatureFormat {
    match format {
        Format::Bundle => SignatureFormat::Bundle,
        Format::Legacy => SignatureFormat::Legacy,
    }
}

fn annotations(pairs: &[(String, String)]) -> BTreeMap<String, String> {
    pairs.iter().cloned().collect()
}

/// Tells the user where the signature went (stderr: stdout stays for data).
fn report_pushed(image: &Image, pushed: &Pushed, what: &str, quiet: bool) -> anyhow::Result<()> {
    if !quiet {
        printer::warn(
            "no transparency log entry was made (custody signs offline, like cosign's \
             --tlog-upload=false): verify with --insecure-ignore-tlog",
        );
        let mut stderr = anstream::stderr().lock();
        writeln!(
            stderr,
            "Signed {}@{}: pushed the {} {what} to {}",
            image.name(),
            image.digest(),
            pushed.format.name(),
            pushed.location
        )?;
    }
    Ok(())
}
