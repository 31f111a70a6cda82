//! Loading `versions/` from the conformance corpus: which files exist, which ecosystems each
//! applies to, and their cases. The tests in `conformance` and `properties` use this.
//!
//! Format (the corpus README): one comparison per line, `A <op> B` with op `<`, `=` or `>`,
//! split on single spaces; blank lines and lines starting with `# ` or `// ` are comments.
//! `semver-versions.txt` applies to npm, crates.io, Go and Hex; every other file to the
//! ecosystem in its name (`redhat` is Red Hat).

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use custody_version::Ecosystem;

/// The environment variable that points the tests at another copy of the corpus.
const CONFORMANCE_DIR_VARIABLE: &str = "CUSTODY_CONFORMANCE_DIR";

/// One data line of a corpus file.
pub(crate) struct Case {
    /// 1-based line number.
    pub(crate) line: usize,
    /// The line as written.
    pub(crate) text: String,
    /// `Ok((a, expected, b))`, or why the line is not a comparison.
    pub(crate) comparison: Result<(String, Ordering, String), String>,
}

/// One `*-versions.txt` file.
pub(crate) struct CorpusFile {
    /// The file name, for reports.
    pub(crate) name: String,
    /// The ecosystems its comparisons must hold in.
    pub(crate) ecosystems: Vec<Ecosystem>,
    /// Its data lines.
    pub(crate) cases: Vec<Case>,
}

/// The corpus root: `CUSTODY_CONFORMANCE_DIR`, or `../shared/conformance` next to the
/// repository. Panics when it is missing: a missing corpus fails the tests, never skips them.
pub(crate) fn conformance_dir() -> PathBuf {
    let directory = std::env::var_os(CONFORMANCE_DIR_VARIABLE).map_or_else(
        || {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../../shared/conformance"
            ))
        },
        PathBuf::from,
    );
    assert!(
        directory.join("versions").is_dir(),
        "conformance corpus not found: {} has no versions/ folder (set {CONFORMANCE_DIR_VARIABLE})",
        directory.display()
    );
    directory
}

/// The ecosystems a corpus file applies to, or `None` for a file this test does not know.
fn ecosystems_for(file_name: &str) -> Option<Vec<Ecosystem>> {
    let stem = file_name.strip_suffix("-versions.txt")?;
    Some(match stem {
        "semver" => vec![
            Ecosystem::Npm,
            Ecosystem::CratesIo,
            Ecosystem::Go,
            Ecosystem::Hex,
        ],
        "redhat" => vec![Ecosystem::RedHat],
        other => vec![
            Ecosystem::ALL
                .into_iter()
                .find(|ecosystem| ecosystem.osv_name().eq_ignore_ascii_case(other))?,
        ],
    })
}

/// Every `*-versions.txt` file, sorted by name. Panics on a versions file for an unknown
/// ecosystem, so that a new corpus file cannot be skipped silently.
pub(crate) fn load() -> Vec<CorpusFile> {
    let directory = conformance_dir().join("versions");
    let mut files = Vec::new();
    for entry in fs_err::read_dir(&directory).expect("the versions folder was just checked") {
        let path = entry.expect("listing the versions folder").path();
        let Some(name) = path.file_name().and_then(|name| name.to_str()) else {
            continue;
        };
        if !name.ends_with("-versions.txt") {
            continue;
        }
        let ecosystems = ecosystems_for(name)
            .unwrap_or_else(|| panic!("{name}: no ecosystem is known for this corpus file"));
        files.push(CorpusFile {
            name: name.to_owned(),
            ecosystems,
            cases: read_cases(&path),
        });
    }
    files.sort_by(|a, b| a.name.cmp(&b.name));
    files
}

fn read_cases(path: &Path) -> Vec<Case> {
    let text = fs_err::read_to_string(path).expect("reading a corpus file");
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            !(line.trim().is_empty() || line.starts_with("# ") || line.starts_with("// "))
        })
        .map(|(index, line)| Case {
            line: index + 1,
            text: line.to_owned(),
            comparison: parse_line(line),
        })
        .collect()
}

fn parse_line(line: &str) -> Result<(String, Ordering, String), String> {
    let parts: Vec<&str> = line.split(' ').collect();
    let [a, op, b] = parts.as_slice() else {
        return Err(format!("expected `A <op> B`, found {} fields", parts.len()));
    };
    let expected = match *op {
        "<" => Ordering::Less,
        "=" => Ordering::Equal,
        ">" => Ordering::Greater,
        other => return Err(format!("unknown operator {other:?}")),
    };
    Ok(((*a).to_owned(), expected, (*b).to_owned()))
}

/// The operator that states `ordering`.
pub(crate) fn operator(ordering: Ordering) -> &'static str {
    match ordering {
        Ordering::Less => "<",
        Ordering::Equal => "=",
        Ordering::Greater => ">",
    }
}
