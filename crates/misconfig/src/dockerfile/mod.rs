//! Dockerfile scanning: recognising Dockerfiles, parsing them and running the checks.
//!
//! `parser` turns text into instructions, `stage` groups them into build stages, `shell`
//! splits `RUN` scripts into commands, and `checks` holds the rule table that reads all three.
//! [`scan_dockerfile`] ties them together for one file; walking trees and images to find the
//! files is the caller's job (custody-inventory's single pass uses [`is_dockerfile`]).

mod checks;
mod parser;
mod shell;
mod stage;

use std::path::Path;

use custody_model::Misconfiguration;

use crate::Check;
use checks::{Context, PARSE_PROBLEM, RULES, Sink};

/// Every Dockerfile check, in id order, starting with `CDF000` (the file could not be parsed
/// completely).
pub fn dockerfile_checks() -> impl Iterator<Item = &'static Check> {
    std::iter::once(&PARSE_PROBLEM).chain(RULES.iter().map(|rule| &rule.check))
}

/// Runs every Dockerfile check on one file's text.
///
/// `path` (target-relative, `/`-separated) is only recorded in the findings. Parse problems are reported as `CDF000` findings
/// and the rest of the file is still checked; files over 1 MiB yield only that finding.
/// Findings come ordered by line, then by check id.
pub fn scan_dockerfile(path: &str, text: &str) -> Vec<Misconfiguration> {
    let dockerfile = parser::parse(text);
    let mut findings: Vec<Misconfiguration> = dockerfile
        .problems
        .iter()
        .map(|problem| PARSE_PROBLEM.finding(path, problem.line, None, problem.message.clone()))
        .collect();
    let context = Context::new(&dockerfile);
    for rule in &RULES {
        let mut sink = Sink {
            path,
            check: &rule.check,
            findings: &mut findings,
        };
        (rule.evaluate)(&context, &mut sink);
    }
    findings.sort_by(|left, right| (left.line, &left.id).cmp(&(right.line, &right.id)));
    findings
}

/// Whether a file is a Dockerfile, by name or, failing that, by its first bytes.
///
/// Names: `Dockerfile`, `Containerfile`, `Dockerfile.*`, `*.Dockerfile` (and the same with
/// `Containerfile`, but not `*.dockerignore`), compared case-insensitively as Trivy does.
/// Content: after a byte-order mark, blank lines and `#` comments (parser directives
/// included), the first line starts with an upper-case `FROM` or `ARG` instruction. Upper case
/// only, so Python's `from x import y` is not mistaken for one. `first_bytes` may be any prefix
/// of the file; a few hundred bytes are enough.
pub fn is_dockerfile(path: &Path, first_bytes: &[u8]) -> bool {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let named = ["dockerfile", "containerfile"].iter().any(|base| {
        name == *base
            || name
                .strip_prefix(base)
                .is_some_and(|rest| rest.starts_with('.'))
            || name
                .strip_suffix(base)
                .is_some_and(|rest| rest.ends_with('.'))
    });
    // `Dockerfile.dockerignore` is BuildKit's per-Dockerfile ignore file, not a Dockerfile.
    (named && !name.ends_with(".dockerignore")) || starts_like_dockerfile(first_bytes)
}

/// The content half of [`is_dockerfile`].
fn starts_like_dockerfile(first_bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(first_bytes);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let Some(line) = text
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
    else {
        return false;
    };
    let (keyword, rest) = parser::split_word(line);
    match keyword {
        "FROM" => !rest.is_empty() && !rest.contains(" import "),
        "ARG" => rest
            .chars()
            .next()
            .is_some_and(|first| first.is_ascii_alphabetic() || first == '_'),
        _ => false,
    }
}
