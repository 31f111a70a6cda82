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
//!    option (`-r`, `-c`, `-e`, `--index-url`) hold no requirement and record nothing.
//! 4. What is left is a PEP 508 specifier. A package is recorded only when it is pinned with
//!    `==` or `===` to an exact version. Extras are dropped from the name; environment markers
//!    are not evaluated, so a pin under `; python_version < "3"` is recorded (it is what pip
//!    installs on some interpreter).
//!
//! # Unpinned requirements and includes
//!
//! A requirement without an exact pin — a range (`>=`, `~=`), a bare name, a wildcard
//! (`== 2.8.*`), an unexpanded `${VARIABLE}`, a URL (`name @ https://…`) — does not say which
//! version gets installed, so no version is guessed (osv-scanner reports `0.0.0`, osv-scalibr
//! the range's bound). It is not dropped silently either: [`parse_with_notes`] returns a note
//! listing the file's unpinned requirements, which the cataloger turns into a warning naming
//! the file.
//!
//! `-r`/`--requirement` includes are not followed: a cataloger sees one file at a time, and
//! following paths named by a scanned file out of it is not safe. The included file is
//! cataloged on its own when it is in the target and named like a requirements file
//! (`*requirements*.txt`, see [`super::route`]); an include the router would not pick up
//! (`-r base.txt`, a URL) gets a note naming it, so the gap is visible. `-c` constraints files
//! only restrict versions and install nothing, and are ignored.
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

/// How many unpinned requirements or includes a note lists by name; the rest are counted.
const NOTE_ITEMS: usize = 10;

/// Longest item text a note quotes, in characters.
const NOTE_ITEM_LENGTH: usize = 80;

/// Parses a requirements file into the records of its pinned requirements.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    parse_with_notes(content).map(|(records, _)| records)
}

/// Parses a requirements file into the records of its pinned requirements, and notes (whole
/// sentences) on what it holds that is not reported as a package: unpinned requirements, and
/// includes the cataloger will not read.
pub(crate) fn parse_with_notes(
    content: &[u8],
) -> Result<(Vec<PackageRecord>, Vec<String>), ParseError> {
    let text = super::utf8(FORMAT, content)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = Vec::new();
    let mut unpinned = Vec::new();
    let mut includes = Vec::new();
    for line in logical_lines(text) {
        let line = strip_comment(&line);
        if let Some(included) = included_file(line) {
            if super::route("", file_name(included)) != Some(super::File::Requirements) {
                includes.push(included.to_owned());
            }
            continue;
        }
        let requirement = arguments(line);
        let Some(parsed) = Requirement::parse(&requirement) else {
            continue;
        };
        match parsed.pinned_version().filter(|_| !parsed.is_url) {
            Some(version) => records.extend(super::record(parsed.name, version)),
            None => unpinned.push(requirement.trim().to_owned()),
        }
    }
    let mut notes = Vec::new();
    if !unpinned.is_empty() {
        notes.push(format!(
            "requirements without an exact `==` version, not reported as packages: {}",
            listing(&unpinned)
        ));
    }
    if !includes.is_empty() {
        notes.push(format!(
            "included requirements files not cataloged (only `*requirements*.txt` files in the \
             target are read, each on its own): {}",
            listing(&includes)
        ));
    }
    Ok((records, notes))
}

/// The file a `-r file`, `-rfile`, `--requirement file` or `--requirement=file` line
/// includes.
fn included_file(line: &str) -> Option<&str> {
    let argument = if let Some(rest) = line.strip_prefix("--requirement") {
        rest.strip_prefix('=').unwrap_or(rest)
    } else {
        line.strip_prefix("-r")?
    };
    let argument = argument.trim();
    (!argument.is_empty()).then_some(argument)
}

/// The last component of a path or URL.
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `items` for a note: each quoted up to [`NOTE_ITEM_LENGTH`] characters without control
/// characters, the first [`NOTE_ITEMS`] by name and the rest counted.
fn listing(items: &[String]) -> String {
    let mut shown: Vec<String> = items
        .iter()
        .take(NOTE_ITEMS)
        .map(|item| {
            let clean: String = item
                .chars()
                .filter(|character| !character.is_control())
                .take(NOTE_ITEM_LENGTH)
                .collect();
            format!("`{clean}`")
        })
        .collect();
    if items.len() > NOTE_ITEMS {
        shown.push(format!("and {} more", items.len() - NOTE_ITEMS));
    }
    shown.join(", ")
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
    fn notes_unpinned_requirements_without_guessing_versions() {
        let (records, notes) = parse_with_notes(
            b"flask\nkeyring >= 4.1.1 --hash=sha256:x\nasdf==${VERSION}\n\
              urllib3 @ https://example.com/urllib3-1.26.8.zip\nsix==1.16.0\nnot a requirement\n",
        )
        .unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(
            notes,
            [
                "requirements without an exact `==` version, not reported as packages: `flask`, \
              `keyring >= 4.1.1`, `asdf==${VERSION}`, \
              `urllib3 @ https://example.com/urllib3-1.26.8.zip`"
            ]
        );
        let (_, notes) = parse_with_notes(b"six==1.16.0\n-r other-requirements.txt\n").unwrap();
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn notes_includes_the_cataloger_will_not_read() {
        let (records, notes) = parse_with_notes(
            b"-r base.txt\n--requirement=dev-requirements.txt\n--requirement ../ci/lint.in\n\
              -rhttps://example.com/pins.txt\n-c constraints.txt\n-r requirements/prod.txt\n",
        )
        .unwrap();
        assert!(records.is_empty());
        assert_eq!(
            notes,
            [
                "included requirements files not cataloged (only `*requirements*.txt` files in the \
              target are read, each on its own): `base.txt`, `../ci/lint.in`, \
              `https://example.com/pins.txt`, `requirements/prod.txt`"
            ]
        );
    }

    #[test]
    fn notes_are_bounded() {
        let text = (0..25)
            .map(|index| format!("package{index}"))
            .collect::<Vec<_>>()
            .join("\n");
        let (_, notes) = parse_with_notes(text.as_bytes()).unwrap();
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].ends_with("`package9`, and 15 more"),
            "{}",
            notes[0]
        );
        let long = format!("{}>=1\n", "a".repeat(200));
        let (_, notes) = parse_with_notes(long.as_bytes()).unwrap();
        assert!(
            notes[0].ends_with(&format!("`{}`", "a".repeat(80))),
            "{}",
            notes[0]
        );
        let (_, notes) = parse_with_notes(b"pkg @ https://x/\x1b[31m\n").unwrap();
        assert!(notes[0].ends_with("`pkg @ https://x/[31m`"), "{}", notes[0]);
    }

    #[test]
    fn only_non_utf8_is_an_error() {
        let error = parse(b"a==1\nb==\xff\n").unwrap_err();
        assert_eq!(error.position, crate::Position::Line(2));
        assert!(packages("this is not a requirement\n==1\n").is_empty());
    }
}
