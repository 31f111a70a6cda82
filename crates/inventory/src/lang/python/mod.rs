//! Python: installed distributions' core metadata and the lockfiles of source trees.
//!
//! [`route`] recognises, by path alone:
//!
//! - installed distributions, anywhere (`site-packages`, Debian's `dist-packages`, a
//!   `pip install --target` directory): `*.dist-info/METADATA` (wheels), `*.egg-info/PKG-INFO`
//!   (setuptools eggs) and `*.egg-info` *files* (distutils before Python 3.10), all parsed by
//!   the [`metadata`] module into one record each;
//! - pip requirements files, `*requirements*.txt` ([`requirements`]);
//! - lockfiles: `poetry.lock` ([`poetry`]), `Pipfile.lock` ([`pipenv`]), `pdm.lock` ([`pdm`]),
//!   `uv.lock` ([`uv`]) and PEP 751's `pylock.toml` and `pylock.<name>.toml` ([`pylock`]).
//!
//! The files an installed distribution owns are listed in a second file next to its metadata
//! (`RECORD`, `installed-files.txt`); [`installed_files`] reads those, and the resolver joins
//! them to the record by the distribution's directory, as it joins dpkg's `.list` files.
//!
//! Every record has [`Ecosystem::Pypi`], the distribution name exactly as the file writes it
//! (`PyYAML`, `Jinja2`; the resolver lowercases it for the purl) and the version as written.
//! Its PEP 503 normalized name (`pyyaml`) is in [`PackageRecord::provides`] when it differs,
//! and `depends` holds normalized names, so dependency edges resolve whatever spelling each
//! side uses.

mod installed_files;
mod metadata;
mod pdm;
mod pep508;
mod pipenv;
mod poetry;
mod pylock;
mod requirements;
mod uv;

use std::collections::HashSet;

use custody_model::{Ecosystem, pep503_name};

use super::document::{from_toml, utf8};
use crate::{PackageRecord, ParseError};

pub(crate) use requirements::parse_with_notes as parse_requirements_with_notes;

pub(crate) use installed_files::{
    FileList, distribution_directory, parse_file_list, site_directory,
};

/// A Python file that yields packages, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// Core metadata of an installed distribution.
    Metadata,
    /// A pip requirements file.
    Requirements,
    /// Poetry's `poetry.lock`.
    PoetryLock,
    /// Pipenv's `Pipfile.lock`.
    PipfileLock,
    /// PDM's `pdm.lock`.
    PdmLock,
    /// uv's `uv.lock`.
    UvLock,
    /// PEP 751's `pylock.toml` or `pylock.<name>.toml`.
    Pylock,
}

/// What `directory/name` is, if it is a Python file that yields packages. Compares the file
/// name first, so the common case costs a few suffix checks.
#[expect(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "pip, setuptools and distutils write `.egg-info` and `.txt` in lowercase, and \
              peers match these names case-sensitively too"
)]
pub(crate) fn route(directory: &str, name: &str) -> Option<File> {
    match name {
        "METADATA" if directory.ends_with(".dist-info") => Some(File::Metadata),
        "PKG-INFO" if directory.ends_with(".egg-info") => Some(File::Metadata),
        "poetry.lock" => Some(File::PoetryLock),
        "Pipfile.lock" => Some(File::PipfileLock),
        "pdm.lock" => Some(File::PdmLock),
        "uv.lock" => Some(File::UvLock),
        // Only regular files reach a router, so this is distutils' single-file metadata, not
        // setuptools' `.egg-info` directory.
        _ if name.ends_with(".egg-info") => Some(File::Metadata),
        _ if name.ends_with(".txt") && name.contains("requirements") => Some(File::Requirements),
        _ if name.starts_with("pylock.") && name.ends_with(".toml") => Some(File::Pylock),
        _ => None,
    }
}

/// Parses a routed file. `_path` is unused: every Python format names its packages itself.
pub(crate) fn parse(
    file: File,
    _path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    match file {
        File::Metadata => metadata::parse(content).map(|record| vec![record]),
        File::Requirements => requirements::parse(content),
        File::PoetryLock => poetry::parse(content),
        File::PipfileLock => pipenv::parse(content),
        File::PdmLock => pdm::parse(content),
        File::UvLock => uv::parse(content),
        File::Pylock => pylock::parse(content),
    }
}

/// A [`PackageRecord`] for `name` at `version`, with the PEP 503 normalized name in `provides`
/// when it differs from `name`; `None` when either is blank (a lockfile entry such as
/// `version = ""` names no package).
fn record(name: &str, version: &str) -> Option<PackageRecord> {
    let (name, version) = (name.trim(), version.trim());
    if name.is_empty() || version.is_empty() {
        return None;
    }
    let mut record = PackageRecord::new(Ecosystem::Pypi, name, version);
    let normalized = pep503_name(name);
    if normalized != name {
        record.provides.push(normalized);
    }
    Some(record)
}

/// The PEP 503 normalized `names`, each once, in first-seen order: a record's `depends`.
fn dependency_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    names
        .into_iter()
        .map(pep503_name)
        .filter(|name| seen.insert(name.clone()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_python_files_by_name() {
        for (path, file) in [
            (
                "usr/lib/python3.11/site-packages/PyYAML-6.0.dist-info/METADATA",
                File::Metadata,
            ),
            ("app/py/requests-2.19.1.dist-info/METADATA", File::Metadata),
            (
                "usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO",
                File::Metadata,
            ),
            (
                "usr/lib/python2.7/dist-packages/pyxdg-0.25.egg-info",
                File::Metadata,
            ),
            ("src/requirements.txt", File::Requirements),
            ("requirements-dev.txt", File::Requirements),
            ("tools/optional-requirements.txt", File::Requirements),
            ("poetry.lock", File::PoetryLock),
            ("a/b/Pipfile.lock", File::PipfileLock),
            ("pdm.lock", File::PdmLock),
            ("svc/uv.lock", File::UvLock),
            ("pylock.toml", File::Pylock),
            ("pylock.dev.toml", File::Pylock),
        ] {
            let (directory, name) = path.rsplit_once('/').unwrap_or(("", path));
            assert_eq!(route(directory, name), Some(file), "{path}");
        }
    }

    #[test]
    fn ignores_lookalikes() {
        for path in [
            // Metadata outside a distribution's directory.
            "site-packages/foo/METADATA",
            "site-packages/foo.dist-info/PKG-INFO",
            "site-packages/foo.egg-info/METADATA",
            "site-packages/foo.dist-info/METADATA.bak",
            // Not requirements files.
            "requirements-asdf/test.txt",
            "requirements.md",
            "requirements.txt.orig",
            // Lockfile names as a prefix, suffix or directory.
            "poetry.lock.bak",
            "project.poetry.lock",
            "pdm.lock/file",
            "Pipfile",
            "pyproject.toml",
            "mypylock.toml",
            "uv.lock.json",
        ] {
            let (directory, name) = path.rsplit_once('/').unwrap_or(("", path));
            assert_eq!(route(directory, name), None, "{path}");
        }
    }

    #[test]
    fn normalizes_names_per_pep_503() {
        assert_eq!(pep503_name("Zope.Interface"), "zope-interface");
        assert_eq!(pep503_name("typing_extensions"), "typing-extensions");
        assert_eq!(pep503_name("a-_.-b"), "a-b");
        assert_eq!(pep503_name("PyYAML"), "pyyaml");
    }

    #[test]
    fn records_carry_the_normalized_name_only_when_it_differs() {
        assert_eq!(record("PyYAML", "5.3.1").unwrap().provides, ["pyyaml"]);
        assert!(record("requests", "2.19.1").unwrap().provides.is_empty());
        assert_eq!(record("a", " "), None);
        assert_eq!(record("", "1"), None);
    }
}
