//! `custody verify-commits`: SSH and OpenPGP signatures of git commits.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context as _;
use custody_sign::git::{
    AllowedSigners, CommitVerdict, Keyring, Status, Trust, VerifyCommitsOptions,
};
use serde::Serialize;

use super::ExitStatus;
use crate::args::{CommitsOutput, VerifyCommitsArgs};
use crate::{printer, render};

/// Runs `custody verify-commits`.
pub(crate) fn verify_commits(args: &VerifyCommitsArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    // ssh-keygen reads `valid-after`/`valid-before` without `Z` in local time.
    let time_zone = jiff::tz::TimeZone::system();
    let allowed_signers = args
        .allowed_signers
        .as_deref()
        .map(|path| {
            AllowedSigners::from_file(path, &time_zone)
                .with_context(|| format!("cannot use the allowed signers file {}", path.display()))
        })
        .transpose()?;
    let keyring = args
        .gpg_keyring
        .as_deref()
        .map(|path| {
            Keyring::from_file(path)
                .with_context(|| format!("cannot use the OpenPGP keyring {}", path.display()))
        })
        .transpose()?;
    let trust = Trust {
        allowed_signers,
        keyring,
        now: jiff::Timestamp::now(),
    };
    let options = VerifyCommitsOptions {
        repository: args.repository.clone(),
        git: PathBuf::from(custody_sign::git::GIT_PROGRAM),
        range: args.range.clone(),
        max_commits: args.max_commits,
    };
    let verdicts = custody_sign::git::verify_commits(&options, &trust)
        .with_context(|| format!("cannot verify the commits of {}", args.repository.display()))?;
    let failed = verdicts
        .iter()
        .filter(|verdict| !verdict.is_verified())
        .count();
    match args.output {
        CommitsOutput::Json => printer::with_output(None, |out| {
            render::json(
                &Summary {
                    commits: &verdicts,
                    verified: verdicts.len() - failed,
                    failed,
                },
                out,
            )
        })?,
        CommitsOutput::Table => printer::with_output(None, |out| {
            if verdicts.is_empty() {
                return Ok(());
            }
            writeln!(out, "{}", table(&verdicts))
        })?,
    }
    if !quiet {
        if verdicts.len() == args.max_commits {
            printer::warn(&format!(
                "stopped after --max-commits {}; older commits were not verified",
                args.max_commits
            ));
        }
        let mut stderr = anstream::stderr().lock();
        writeln!(
            stderr,
            "{} commits: {} verified, {failed} failed",
            verdicts.len(),
            verdicts.len() - failed
        )?;
    }
    Ok(if failed == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Findings(1)
    })
}

/// `custody verify-commits --output json`: `{"commits": [...], "verified": N, "failed": N}`,
/// where each commit is a [`CommitVerdict`] (its documentation lists the fields), newest first,
/// and the counts add up to the number of commits.
#[derive(Serialize)]
struct Summary<'a> {
    commits: &'a [CommitVerdict],
    verified: usize,
    failed: usize,
}

fn table(verdicts: &[CommitVerdict]) -> comfy_table::Table {
    let mut table = render::new_table(["COMMIT", "AUTHOR", "SIGNATURE", "SIGNER", "STATUS"]);
    for verdict in verdicts {
        let author = verdict
            .author
            .as_ref()
            .map(|author| format!("{} <{}>", author.name, author.email))
            .unwrap_or_default();
        let signer = match (&verdict.signer, &verdict.key) {
            (Some(signer), Some(key)) => format!("{signer}\n{key}"),
            (Some(signer), None) => signer.clone(),
            (None, Some(key)) => key.clone(),
            (None, None) => String::new(),
        };
        // "unsigned" says it all; other statuses need their reason.
        let status = match &verdict.reason {
            Some(reason) if verdict.status != Status::Unsigned => {
                format!("{}: {reason}", verdict.status.as_str())
            }
            _ => verdict.status.as_str().to_owned(),
        };
        table.add_row([
            verdict
                .commit
                .get(..12)
                .unwrap_or(&verdict.commit)
                .to_owned(),
            author,
            verdict.signature.as_str().to_owned(),
            signer,
            status,
        ]);
    }
    table
}
