//! `custody version compare`: one ecosystem's version order, for people and scripts.

use std::cmp::Ordering;
use std::io::BufRead as _;

use anyhow::{Context as _, bail};
use custody_version::{Ecosystem, compare};

use crate::args::VersionCommand;
use crate::printer;

/// Runs a `version` subcommand.
pub(crate) fn version(command: VersionCommand) -> anyhow::Result<()> {
    let VersionCommand::Compare { ecosystem, a, b } = command;
    let ecosystem: Ecosystem = ecosystem.parse()?;
    let scheme = ecosystem.scheme();
    if let (Some(a), Some(b)) = (a, b) {
        let ordering = compare(scheme, &a, &b)?;
        return printer::with_output(None, |out| writeln!(out, "{}", operator(ordering)));
    }
    let stdin = std::io::stdin().lock();
    let mut answers = String::new();
    for (index, line) in stdin.lines().enumerate() {
        let line = line.context("reading stdin")?;
        let number = index + 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        let (Some(a), Some(b), None) = (parts.next(), parts.next(), parts.next()) else {
            bail!("stdin line {number}: expected two versions separated by whitespace");
        };
        let ordering = compare(scheme, a, b).with_context(|| format!("stdin line {number}"))?;
        answers.push_str(operator(ordering));
        answers.push('\n');
    }
    printer::with_output(None, |out| out.write_all(answers.as_bytes()))
}

fn operator(ordering: Ordering) -> &'static str {
    match ordering {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}
