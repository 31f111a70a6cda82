//! Elixir and Erlang packages ([`Ecosystem::Hex`]) from Mix's `mix.lock`.
//!
//! A `mix.lock` is an Elixir map literal, one entry per dependency, read by the bounded
//! tokenizer in [`term`] (never evaluated):
//!
//! ```text
//! %{
//!   "plug": {:hex, :plug, "1.11.1", "<inner hash>", [:mix],
//!            [{:mime, "~> 1.0", [hex: :mime, repo: "hexpm", optional: false]}],
//!            "hexpm", "<outer hash>"},
//!   "foo": {:git, "https://github.com/my-org/foo.git", "fc94cce7…", [branch: "main"]},
//! }
//! ```
//!
//! # What is reported
//!
//! - **Hex packages** (`{:hex, :name, "version", …}`) under the package name the tuple gives,
//!   which is what Hex and OSV spell (it may differ from the map key, the application name),
//!   at the locked version. Each depends on the Hex packages its dependency list names
//!   (`hex: :name`, else the application name), so the resolver draws edges within the file.
//! - **Git dependencies** (`{:git, url, revision, options}`) under the map key, with the
//!   locked commit as the version: the only exact identifier the lockfile has. osv-scanner and
//!   osv-scalibr report them with an empty version and the commit beside it; custody's records
//!   have one version field, and the npm cataloger makes the same choice for git packages.
//!   Hex advisories will not match a commit, which is right: the code is not a Hex release.
//! - Entries of any other shape (another SCM, a truncated tuple such as `{:hex, }`) are
//!   skipped, as osv-scalibr skips them; the rest of the file is still read.
//!
//! `mix.lock` says nothing about direct or dev-only dependencies. A `mix.lock` inside
//! `deps/<name>/` is a dependency's own lockfile (Mix checks dependencies out there), which
//! describes that project's development tree rather than what was installed here, so it is
//! not read.

mod term;

use custody_model::Ecosystem;

use self::term::{Reader, Term};
use super::document;
use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "mix.lock";

/// An Elixir file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// Mix's `mix.lock`.
    MixLock,
}

/// What `directory`/`name` is, if it is an Elixir lockfile of this project. Compares the file
/// name first: it runs for every file of a target.
pub(crate) fn route(directory: &str, name: &str) -> Option<File> {
    if name != "mix.lock" {
        return None;
    }
    let parent = directory.rsplit_once('/').map_or("", |(parent, _)| parent);
    let in_dependency = parent == "deps" || parent.ends_with("/deps");
    (!in_dependency).then_some(File::MixLock)
}

/// Parses a routed file. A UTF-8 byte order mark is ignored; an empty file holds no packages.
pub(crate) fn parse(
    file: File,
    _path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    let File::MixLock = file;
    let text = document::utf8(FORMAT, content)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let mut reader = Reader::new(text);
    reader.open_map()?;
    let mut records = Vec::new();
    while let Some((key, value)) = reader.next_entry()? {
        records.extend(record(&key, &value));
    }
    reader.finish()?;
    Ok(records)
}

/// The record of one lockfile entry, if it is a Hex package or a git dependency.
fn record(key: &Term, value: &Term) -> Option<PackageRecord> {
    let Term::Tuple(items) = value else {
        return None;
    };
    match items.as_slice() {
        [Term::Atom(scm), name, Term::String(version), rest @ ..] if scm == "hex" => {
            let name = name.as_name().filter(|name| !name.is_empty())?;
            if version.is_empty() {
                return None;
            }
            let mut record = PackageRecord::new(Ecosystem::Hex, name, version);
            // After the inner hash and the build tools: the dependency list.
            if let Some(Term::List(dependencies)) = rest.get(2) {
                record.depends = dependencies.iter().filter_map(dependency_name).collect();
                record.depends.sort_unstable();
                record.depends.dedup();
            }
            Some(record)
        }
        [
            Term::Atom(scm),
            Term::String(_url),
            Term::String(revision),
            ..,
        ] if scm == "git" => {
            let name = key.as_name().filter(|name| !name.is_empty())?;
            (!revision.is_empty()).then(|| PackageRecord::new(Ecosystem::Hex, name, revision))
        }
        _ => None,
    }
}

/// The Hex package a dependency tuple `{:app, "requirement", [hex: :package, …]}` names: the
/// `hex` option when it renames the package, else the application name.
fn dependency_name(dependency: &Term) -> Option<String> {
    let Term::Tuple(items) = dependency else {
        return None;
    };
    let application = items.first()?.as_name()?;
    let package = items
        .iter()
        .skip(1)
        .find_map(|item| item.keyword("hex"))
        .and_then(Term::as_name)
        .unwrap_or(application);
    (!package.is_empty()).then(|| package.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    fn packages(text: &str) -> Vec<(String, String, Vec<String>)> {
        parse(File::MixLock, "mix.lock", text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|record| {
                assert_eq!(record.ecosystem, Ecosystem::Hex);
                (record.name, record.version, record.depends)
            })
            .collect()
    }

    #[test]
    fn routes_mix_lock_outside_dependency_checkouts() {
        assert_eq!(route("", "mix.lock"), Some(File::MixLock));
        assert_eq!(route("apps/web", "mix.lock"), Some(File::MixLock));
        assert_eq!(route("deps", "mix.lock"), Some(File::MixLock));
        assert_eq!(route("deps/plug", "mix.lock"), None);
        assert_eq!(route("app/deps/plug", "mix.lock"), None);
        assert_eq!(route("app/mydeps/plug", "mix.lock"), Some(File::MixLock));
        for name in ["mix.lock.bak", "mix.exs", "Mix.lock", "rebar.lock"] {
            assert_eq!(route("", name), None, "{name}");
        }
    }

    #[test]
    fn reads_hex_packages_with_their_dependencies() {
        let found = packages(
            "%{\n  \"jason_app\": {:hex, :jason, \"1.4.0\", \"abc\", [:mix], \
             [{:decimal, \"~> 2.0\", [hex: :decimal, repo: \"hexpm\", optional: true]}, \
             {:renamed, \"~> 1.0\", [hex: :real_name, repo: \"hexpm\", optional: false]}], \
             \"hexpm\", \"def\"},\n  \"decimal\": {:hex, :decimal, \"2.0.0\", \"a\", [:mix], [], \
             \"hexpm\", \"b\"},\n}\n",
        );
        assert_eq!(
            found,
            [
                (
                    "jason".into(),
                    "1.4.0".into(),
                    vec!["decimal".into(), "real_name".into()]
                ),
                ("decimal".into(), "2.0.0".into(), vec![]),
            ]
        );
    }

    #[test]
    fn reads_git_dependencies_at_their_commit() {
        let found = packages(
            "%{\"foo\" => {:git, \"https://github.com/my-org/foo.git\", \"fc94cce\", \
             [branch: \"main\"]}}",
        );
        assert_eq!(found, [("foo".into(), "fc94cce".into(), vec![])]);
    }

    #[test]
    fn skips_entries_of_other_shapes() {
        let found = packages(
            "%{\"a\": {:hex, }, \"b\": {:hex, :b, \"\", \"h\"}, \"c\": {:hg, \"u\", \"r\"}, \
             \"d\": :oops, \"e\": {:git, \"u\", \"\", []}, \"f\": {:hex, :f, \"1.0.0\"}}",
        );
        assert_eq!(found, [("f".into(), "1.0.0".into(), vec![])]);
    }

    #[test]
    fn empty_files_hold_nothing_and_errors_carry_lines() {
        assert!(packages("\u{feff}\n").is_empty());
        assert!(packages("%{}\n").is_empty());
        let error = parse(File::MixLock, "mix.lock", b"%{\n  \"a\": {:hex, :a\n").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        assert_eq!(error.format, FORMAT);
        let error = parse(File::MixLock, "mix.lock", b"%{\n\xff}").unwrap_err();
        assert_eq!(error.position, Position::Line(2));
    }
}
