//! Language ecosystems: lockfiles and manifests in source trees, and the metadata package
//! managers leave next to installed packages (`*.dist-info`, `node_modules/*/package.json`).
//!
//! Each ecosystem module decides from a path alone whether it wants a file (`route`) and
//! parses it into [`PackageRecord`]s (`parse`) whose `name` is the package's full name as the
//! ecosystem and OSV spell it (`@types/node`, `Django`, `golang.org/x/net`,
//! `org.apache.commons:commons-lang3`); the resolver builds purls from it.

pub(crate) mod npm;
pub(crate) mod python;

use crate::{PackageRecord, ParseError};

/// A language ecosystem file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LangFile {
    Npm(npm::File),
    Python(python::File),
}

/// What `path` (split into its `directory` and file `name`) is, if any ecosystem wants it.
pub(crate) fn route(directory: &str, name: &str) -> Option<LangFile> {
    npm::route(directory, name)
        .map(LangFile::Npm)
        .or_else(|| python::route(directory, name).map(LangFile::Python))
}

/// The set of files whose packages' dependencies resolve among each other: the directory
/// holding installed Python distributions (`site-packages` for `…/site-packages/x.dist-info/
/// METADATA`), else the file itself (a lockfile names only its own packages).
pub(crate) fn dependency_scope(path: &str) -> &str {
    python::site_directory(path).unwrap_or(path)
}

/// Parses a routed file.
pub(crate) fn parse(
    file: LangFile,
    path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    match file {
        LangFile::Npm(file) => npm::parse(file, path, content),
        LangFile::Python(file) => python::parse(file, path, content),
    }
}
