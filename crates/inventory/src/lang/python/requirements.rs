//! pip requirements files (pip's "Requirements File Format"), read the way pip's
//! `req_file.py` reads them.
//!
//! 1. Lines ending in `\` are joined with the next, after stripping backslashes from both ends
//!    of the line, as pip's `join_lines` does (`bar == 4.5\\` + `.6` reads `bar == 4.5.6`); a
//!    comment line ends a continuation. A continuation open at the end of the file is kept.
//! 2. Comments are removed after joining: from a `#` at the start of the line or after
//!    whitespace to the end (so `sha256:abc;#` keeps its `#`).
//! 3. Per-requirement options end the requirement: everything from the first word starting
//!    with `-` (`--hash=…`, `-C …`, `--global-option`) is dropped. Lines that start with an
//!    option (`-r`, `-c`, `-e`, `--index-url`) hold no requirement and record nothing; in
//!    particular `-r`/`-c` includes are not followed, since the included file is cataloged
//!    on its own when it is in the target, and following paths out of it is not safe.
//! 4. What is left is a PEP 508 specifier. A package is recorded only when it is pinned with
//!    `==` or `===` to an exact version: a range (`>=`, `~=`), a wildcard (`== 2.8.*`), an
//!    unexpanded `${VARIABLE}`, a URL (`name @ https://…`), a path or archive name, and text
//!    pip would reject are skipped. Extras are dropped from the name; environment markers are
//!    not evaluated, so a pin under `; python_version < "3"` is recorded (it is what pip
//!    installs on some interpreter).
//!
//! # Errors
//!
//! Only a file that is not UTF-8 is a [`ParseError`]. A requirement pip would reject skips
//! that line, not the file: requirements files are hand-edited and templated, and osv-scalibr
//! and osv-scanner report the other lines of such files too.

use crate::{PackageRecord, ParseError};

use super::pep508::Requirement;

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "pip requirements file";

/// Parses a requirements file into the records of its pinned requirements.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let text = super::utf8(FORMAT, content)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    for line in logical_lines(text) {
        let requirement = arguments(strip_comment(&line));
        if let Some(requirement) = Requirement::parse(&requirement)
            && !requirement.is_url
            && let Some(version) = requirement.pinned_version()
        {
            records.extend(super::record(requirement.name, version));
        }
    }
    Ok(records)
}

/// The logical lines of the file: physical lines with continuations joined (step 1).
fn logical_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut joined: Option<String> = None;
    for line in text.lines() {
        let is_comment = line.trim_start().starts_with('#');
        if line.ends_with('\\') && !is_comment {
            joined
                .get_or_insert_with(String::new)
                .push_str(line.trim_matches('\\'));
            continue;
        }
        match joined.take() {
            Some(mut logical) => {
                if is_comment {
                    // pip prefixes the comment with a space so it is stripped as one.
                    logical.push(' ');
                }
                logical.push_str(line);
                lines.push(logical);
            }
            None => lines.push(line.to_owned()),
        }
    }
    lines.extend(joined);
    lines
}

/// `line` without its comment (step 2), trimmed.
fn strip_comment(line: &str) -> &str {
    let mut previous_is_whitespace = true;
    for (index, character) in line.char_indices() {
        if character == '#' && previous_is_whitespace {
            let (kept, _) = line.split_at(index);
            return kept.trim();
        }
        previous_is_whitespace = character.is_whitespace();
    }
    line.trim()
}

/// The requirement part of a line: its space-separated words up to the first that starts with
/// `-` (step 3), as pip's `break_args_options` splits them.
fn arguments(line: &str) -> String {
    line.split(' ')
        .take_while(|word| !word.starts_with('-'))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packages(text: &str) -> Vec<(String, String)> {
        parse(text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|record| (record.name, record.version))
            .collect()
    }

    #[test]
    fn joins_continuations_like_pip() {
        assert_eq!(
            logical_lines("foo==\\\n\\\n \\\n  \\\n1.2.3\nbar == 4.5\\\\\n.6\nqux==1\\"),
            ["foo==   1.2.3", "bar == 4.5.6", "qux==1"]
        );
        // A comment ends the continuation and is then stripped with it.
        assert_eq!(logical_lines("a==1 \\\n# note"), ["a==1  # note"]);
    }

    #[test]
    fn strips_comments_only_after_whitespace() {
        assert_eq!(strip_comment("requests ==1.0 # pinned"), "requests ==1.0");
        assert_eq!(strip_comment("# whole line"), "");
        assert_eq!(
            strip_comment("a==1 --hash=sha256:x;#"),
            "a==1 --hash=sha256:x;#"
        );
    }

    #[test]
    fn drops_options_and_option_lines() {
        assert_eq!(
            packages(
                "-r other.txt\n-c constraints.txt\n-e git+https://x/y#egg=y\n\
                 --index-url https://example.com\nfoo==1.0 --hash=sha256:1 --hash=sha256:2\n\
                 bar==2.0 -C key=value\n"
            ),
            [
                ("foo".to_owned(), "1.0".to_owned()),
                ("bar".to_owned(), "2.0".to_owned())
            ]
        );
    }

    #[test]
    fn records_only_exact_pins() {
        assert_eq!(
            packages(
                "\u{feff}flask\nkeyring >= 4.1.1\nMopidy-Dirble ~= 1.1\nasdf==0.7.*\n\
                 urllib3 @ https://example.com/urllib3-1.26.8.zip\n\
                 Twisted[http2]==20.3.0\nfoo5==1.0; python_version < \"2.7\"\n"
            ),
            [
                ("Twisted".to_owned(), "20.3.0".to_owned()),
                ("foo5".to_owned(), "1.0".to_owned())
            ]
        );
    }

    #[test]
    fn only_non_utf8_is_an_error() {
        let error = parse(b"a==1\nb==\xff\n").unwrap_err();
        assert_eq!(error.position, crate::Position::Line(2));
        assert!(packages("this is not a requirement\n==1\n").is_empty());
    }
}
