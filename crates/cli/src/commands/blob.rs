//! `custody sign-blob|verify-blob|verify-bundle`: Sigstore bundles for files.
//!
//! [`Verification`] turns the shared verification flags into the options
//! [`custody_sign::verify::verify_bundle`] takes, and [`report_verification`] prints its
//! outcome; `verify` and `verify-attestation` use both too.

use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use custody_sign::bundle::Bundle;
use custody_sign::keys::HashAlgorithm;
use custody_sign::tlog::TlogError;
use custody_sign::trust::{IdentityMatcher, TrustedRoot};
use custody_sign::verify::{
    Artifact, Policy, TimestampSource, Verified, VerifiedSigner, VerifyError, VerifyOptions,
    verify_bundle as verify,
};
use owo_colors::OwoColorize as _;
use serde_json::json;

use super::ExitStatus;
use super::key::{read_public_key, read_signing_key};
use crate::args::{BlobOutput, SignBlobArgs, VerificationArgs, VerifyBlobArgs, VerifyBundleArgs};
use crate::{printer, render};

/// Runs `custody sign-blob`: signs the file's bytes and writes a v0.3 bundle with a message
/// signature and the key's hint, and no log entry.
pub(crate) fn sign_blob(args: &SignBlobArgs, quiet: bool) -> anyhow::Result<()> {
    let key = read_signing_key(&args.key)?;
    let file = fs_err::read(&args.file)?;
    let bundle = Bundle::sign_blob(&file, &key)
        .with_context(|| format!("cannot sign {}", args.file.display()))?;
    fs_err::write(&args.bundle, bundle.to_json())?;
    if !quiet {
        printer::warn(
            "no transparency log entry was made (custody signs offline, like cosign's \
             --tlog-upload=false): verify with --insecure-ignore-tlog",
        );
        let mut stderr = anstream::stderr().lock();
        writeln!(stderr, "Wrote bundle to {}", args.bundle.display())?;
    }
    Ok(())
}

/// Runs `custody verify-blob`.
pub(crate) fn verify_blob(args: &VerifyBlobArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    let verification = Verification::from_args(&args.verification)?;
    let file = fs_err::read(&args.file)?;
    let outcome = read_bundle(&args.bundle).and_then(|bundle| {
        verify(&bundle, Artifact::Bytes(&file), &verification.options()).map_err(Failure::from)
    });
    report_verification(&outcome, args.output, quiet)
}

/// Runs `custody verify-bundle` (the sigstore-conformance client protocol).
pub(crate) fn verify_bundle(args: &VerifyBundleArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    if args.staging {
        anyhow::bail!(
            "--staging needs the network to fetch the staging trusted root; custody verifies \
             offline: pass the staging trusted_root.json with --trusted-root instead"
        );
    }
    let verification = Verification::from_args(&args.verification)?;
    let file;
    let artifact = if let Some(digest) = parse_digest(&args.artifact) {
        ArtifactInput::Digest(digest)
    } else {
        file = fs_err::read(&args.artifact)?;
        ArtifactInput::Bytes(&file)
    };
    let outcome = read_bundle(&args.bundle).and_then(|bundle| {
        let artifact = match &artifact {
            ArtifactInput::Bytes(bytes) => Artifact::Bytes(bytes),
            ArtifactInput::Digest(digest) => Artifact::Digest {
                algorithm: HashAlgorithm::Sha256,
                digest,
            },
        };
        verify(&bundle, artifact, &verification.options()).map_err(Failure::from)
    });
    report_verification(&outcome, args.output, quiet)
}

/// The artifact of `verify-bundle`: a file's bytes or a SHA-256 digest.
enum ArtifactInput<'a> {
    Bytes(&'a [u8]),
    Digest(Vec<u8>),
}

/// `sha256:` and 64 hex digits, naming no existing file (the conformance protocol's rule),
/// as the digest bytes.
fn parse_digest(text: &str) -> Option<Vec<u8>> {
    let hex_digits = text.strip_prefix("sha256:")?;
    if hex_digits.len() != 64 || Path::new(text).exists() {
        return None;
    }
    hex::decode(hex_digits).ok()
}

/// Reads a bundle; a bundle that does not parse is a failed verification, not an I/O error.
fn read_bundle(path: &Path) -> Result<Bundle, Failure> {
    let bytes = fs_err::read(path).map_err(|error| Failure::Io(error.into()))?;
    Bundle::from_json(&bytes).map_err(|error| Failure::Bundle(error, path.display().to_string()))
}

/// Why a verification command did not verify.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The bundle file could not be read: an operational error (exit 2).
    Io(anyhow::Error),
    /// The bundle is malformed: not verified (exit 1).
    Bundle(custody_sign::bundle::BundleError, String),
    /// The bundle did not verify (exit 1).
    Verify(VerifyError),
}

impl From<VerifyError> for Failure {
    fn from(error: VerifyError) -> Self {
        Self::Verify(error)
    }
}

/// The verification flags, resolved: trusted root read, key read, matchers compiled.
pub(crate) struct Verification {
    root: TrustedRoot,
    policy: Policy,
    require_tlog: bool,
}

impl Verification {
    /// Reads the key or compiles the identity matchers, and reads the trusted root (the
    /// shipped public-good root unless `--trusted-root`).
    pub(crate) fn from_args(args: &VerificationArgs) -> anyhow::Result<Self> {
        let policy = if let Some(path) = &args.key {
            Policy::Key(read_public_key(path)?)
        } else {
            let subject = matcher(
                args.certificate_identity.as_deref(),
                args.certificate_identity_regexp.as_deref(),
                "--certificate-identity",
            )?;
            let issuer = matcher(
                args.certificate_oidc_issuer.as_deref(),
                args.certificate_oidc_issuer_regexp.as_deref(),
                "--certificate-oidc-issuer",
            )?;
            match (subject, issuer) {
                (Some(subject), Some(issuer)) => Policy::Identity { subject, issuer },
                _ => anyhow::bail!(
                    "say who must have signed: --key FILE, or --certificate-identity(-regexp) \
                     together with --certificate-oidc-issuer(-regexp)"
                ),
            }
        };
        let root = match &args.trusted_root {
            Some(path) => TrustedRoot::from_json(&fs_err::read(path)?)
                .with_context(|| format!("cannot use the trusted root {}", path.display()))?,
            None => TrustedRoot::production(),
        };
        Ok(Self {
            root,
            policy,
            require_tlog: !args.insecure_ignore_tlog,
        })
    }

    /// The options for [`custody_sign::verify::verify_bundle`].
    pub(crate) fn options(&self) -> VerifyOptions<'_> {
        VerifyOptions {
            root: &self.root,
            policy: &self.policy,
            require_tlog: self.require_tlog,
        }
    }
}

/// An exact or `-regexp` matcher from a pair of flags (clap makes them exclusive).
fn matcher(
    exact: Option<&str>,
    pattern: Option<&str>,
    flag: &str,
) -> anyhow::Result<Option<IdentityMatcher>> {
    match (exact, pattern) {
        (Some(exact), _) => Ok(Some(IdentityMatcher::Exact(exact.to_owned()))),
        (None, Some(pattern)) => IdentityMatcher::regex(pattern)
            .map(Some)
            .with_context(|| format!("{flag}-regexp is not a valid regular expression")),
        (None, None) => Ok(None),
    }
}

/// Prints the outcome of a verification and picks the exit status: 0 verified, 1 not
/// verified, an error (exit 2) when the bundle could not be read.
///
/// With [`BlobOutput::Json`], stdout gets one document, either
/// `{"verified": true, "signer": …, "timestamps": […], "transparencyLogEntries": […],
/// "statement": …}` (see [`verified_json`]) or `{"verified": false, "error": "…",
/// "causes": ["…"]}`. With text output, stderr gets `Verified OK` or the reason.
pub(crate) fn report_verification(
    outcome: &Result<Verified, Failure>,
    output: BlobOutput,
    quiet: bool,
) -> anyhow::Result<ExitStatus> {
    let failure = match outcome {
        Ok(verified) => {
            if output == BlobOutput::Json {
                printer::with_output(None, |out| render::json(&verified_json(verified), out))?;
            }
            if !quiet {
                writeln!(anstream::stderr().lock(), "Verified OK")?;
            }
            return Ok(ExitStatus::Success);
        }
        Err(Failure::Io(error)) => anyhow::bail!("cannot read the bundle: {error:#}"),
        Err(Failure::Bundle(error, path)) => (
            format!("the bundle {path} is malformed"),
            chain(error),
            Some(
                "the file is not a Sigstore bundle custody can read; check it was written by a Sigstore client (cosign v2+, sigstore-python, sigstore-js, custody)",
            ),
        ),
        Err(Failure::Verify(error)) => {
            ("verification failed".to_owned(), chain(error), hint(error))
        }
    };
    let (summary, causes, hint) = failure;
    if output == BlobOutput::Json {
        printer::with_output(None, |out| {
            render::json(
                &json!({ "verified": false, "error": summary, "causes": causes }),
                out,
            )
        })?;
    }
    let mut stderr = anstream::stderr().lock();
    writeln!(stderr, "{}: {summary}", "error".red().bold())?;
    for cause in &causes {
        writeln!(stderr, "  {}: {cause}", "caused by".red())?;
    }
    if let Some(hint) = hint {
        writeln!(stderr, "{}: {hint}", "hint".cyan().bold())?;
    }
    Ok(ExitStatus::Findings(1))
}

/// An error and its sources, one message each.
fn chain(error: &dyn std::error::Error) -> Vec<String> {
    let mut messages = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        messages.push(cause.to_string());
        source = cause.source();
    }
    messages
}

/// What to do about a failed verification, when there is something to do.
fn hint(error: &VerifyError) -> Option<&'static str> {
    match error {
        VerifyError::KeyRequired => Some("pass the signer's public key with --key"),
        VerifyError::CertificateRequired => Some(
            "pass --certificate-identity and --certificate-oidc-issuer (or their -regexp forms) \
             instead of --key",
        ),
        VerifyError::NoTransparencyLogEntry => Some(
            "bundles signed offline (custody sign-blob, cosign --tlog-upload=false) carry no log \
             entry; pass --insecure-ignore-tlog to accept a key-signed signature alone",
        ),
        VerifyError::IdentityMismatch { .. } => Some(
            "compare --certificate-identity and --certificate-oidc-issuer with the values above",
        ),
        VerifyError::MessageDigestMismatch { .. } | VerifyError::SubjectMismatch { .. } => {
            Some("the bundle signs a different file")
        }
        VerifyError::TransparencyLog {
            source: TlogError::UnknownLog { .. },
            ..
        } => Some(
            "pass the trusted_root.json of the Sigstore instance that logged it with --trusted-root",
        ),
        _ => None,
    }
}

/// The JSON description of a verified bundle.
///
/// ```json
/// {
///   "verified": true,
///   "signer": {"kind": "certificate", "identity": "https://github.com/…", "issuer": "https://token.actions.githubusercontent.com",
///              "notBefore": "2024-03-19T17:26:26Z", "notAfter": "2024-03-19T17:36:26Z", "extensions": {"githubWorkflowRepository": "…"}},
///   "timestamps": [{"source": "transparency-log", "logIndex": 79571823, "time": "2024-03-19T17:26:26Z"}],
///   "transparencyLogEntries": [{"logIndex": 79571823, "logId": "c0d23d6a…", "integratedTime": "2024-03-19T17:26:26Z"}],
///   "statement": null
/// }
/// ```
/// A key signer is `{"kind": "key", "publicKey": "-----BEGIN PUBLIC KEY-----…"}`; a timestamp
/// authority's time has `"source": "timestamp-authority"` and no `logIndex`; `statement` is
/// the in-toto statement of a DSSE bundle. Field names are stable.
pub(crate) fn verified_json(verified: &Verified) -> serde_json::Value {
    let signer = match &verified.signer {
        VerifiedSigner::Key(key) => json!({ "kind": "key", "publicKey": key.to_pem() }),
        VerifiedSigner::Certificate(identity) => json!({
            "kind": "certificate",
            "identity": identity.subject,
            "issuer": identity.issuer,
            "notBefore": identity.not_before.to_string(),
            "notAfter": identity.not_after.to_string(),
            "extensions": identity.extensions,
        }),
    };
    let timestamps: Vec<_> = verified
        .timestamps
        .iter()
        .map(|(source, time)| match source {
            TimestampSource::TransparencyLog { log_index } => json!({
                "source": "transparency-log",
                "logIndex": log_index,
                "time": time.to_string(),
            }),
            TimestampSource::TimestampAuthority => json!({
                "source": "timestamp-authority",
                "time": time.to_string(),
            }),
        })
        .collect();
    let entries: Vec<_> = verified
        .tlog_entries
        .iter()
        .map(|entry| {
            json!({
                "logIndex": entry.log_index,
                "logId": hex::encode(&entry.log_id),
                "integratedTime": entry.integrated_time.map(|time| time.to_string()),
            })
        })
        .collect();
    json!({
        "verified": true,
        "signer": signer,
        "timestamps": timestamps,
        "transparencyLogEntries": entries,
        "statement": verified.statement,
    })
}
