//! Language ecosystems: lockfiles and manifests in source trees, and the metadata package
//! managers leave next to installed packages (`*.dist-info`, `node_modules/*/package.json`).
//!
//! Each ecosystem module decides from a path alone whether it wants a file (`route`) and
//! parses it into [`PackageRecord`]s (`parse`) whose `name` is the package's full name as the
//! ecosystem and OSV spell it (`@types/node`, `Django`, `golang.org/x/net`,
//! `org.apache.commons:commons-lang3`); the resolver builds purls from it.

pub(crate) mod conan;
pub(crate) mod dart;
mod document;
pub(crate) mod dotnet;
pub(crate) mod elixir;
pub(crate) mod go;
pub(crate) mod java;
pub(crate) mod npm;
pub(crate) mod php;
pub(crate) mod python;
mod records;
pub(crate) mod ruby;
pub(crate) mod rust;
pub(crate) mod swift;

use crate::{PackageRecord, ParseError};

/// A language ecosystem file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LangFile {
    Npm(npm::File),
    Python(python::File),
    Ruby(ruby::File),
    Php(php::File),
    Dotnet(dotnet::File),
    Elixir(elixir::File),
    Dart(dart::File),
    Swift(swift::File),
    Conan(conan::File),
    Go(go::File),
    Rust(rust::File),
    Java(java::File),
}

/// What `path` (split into its `directory` and file `name`) is, if any ecosystem wants it.
pub(crate) fn route(directory: &str, name: &str) -> Option<LangFile> {
    npm::route(directory, name)
        .map(LangFile::Npm)
        .or_else(|| python::route(directory, name).map(LangFile::Python))
        .or_else(|| ruby::route(directory, name).map(LangFile::Ruby))
        .or_else(|| php::route(directory, name).map(LangFile::Php))
        .or_else(|| dotnet::route(directory, name).map(LangFile::Dotnet))
        .or_else(|| elixir::route(directory, name).map(LangFile::Elixir))
        .or_else(|| dart::route(directory, name).map(LangFile::Dart))
        .or_else(|| swift::route(directory, name).map(LangFile::Swift))
        .or_else(|| conan::route(directory, name).map(LangFile::Conan))
        .or_else(|| go::route(directory, name).map(LangFile::Go))
        .or_else(|| rust::route(directory, name).map(LangFile::Rust))
        .or_else(|| java::route(directory, name).map(LangFile::Java))
}

/// The set of files whose packages' dependencies resolve among each other: the directory
/// holding installed Python distributions (`site-packages` for `…/site-packages/x.dist-info/
/// METADATA`) or installed gem specifications (`…/specifications` for
/// `…/specifications/rake-13.0.6.gemspec`), else the file itself (a lockfile names only its
/// own packages).
pub(crate) fn dependency_scope(path: &str) -> &str {
    python::site_directory(path)
        .or_else(|| ruby::specifications_directory(path))
        .unwrap_or(path)
}

/// The path of a file whose presence in the target makes the file at `path` redundant, so
/// its packages are not reported: the `go.mod` beside a `go.sum`.
pub(crate) fn superseded_by(path: &str) -> Option<String> {
    go::superseded_by(path)
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
        LangFile::Ruby(file) => ruby::parse(file, path, content),
        LangFile::Php(file) => php::parse(file, path, content),
        LangFile::Dotnet(file) => dotnet::parse(file, path, content),
        LangFile::Elixir(file) => elixir::parse(file, path, content),
        LangFile::Dart(file) => dart::parse(file, path, content),
        LangFile::Swift(file) => swift::parse(file, path, content),
        LangFile::Conan(file) => conan::parse(file, path, content),
        LangFile::Go(file) => go::parse(file, path, content),
        LangFile::Rust(file) => rust::parse(file, path, content),
        LangFile::Java(file) => java::parse_records(file, path, content),
    }
}
