//! .NET packages ([`Ecosystem::Nuget`]): NuGet's lockfile (`packages.lock.json`) and the
//! legacy `packages.config` in source trees, and the `*.deps.json` the .NET SDK writes next to
//! every built application, which is also what ships in an image.
//!
//! [`route`] picks files by name; [`packages_lock`], [`packages_config`] and [`deps_json`]
//! parse them. Records carry the package id as the file writes it (`Newtonsoft.Json`): NuGet
//! ids are case-insensitive, OSV and purls use the registry's spelling, and files written by
//! NuGet keep it.
//!
//! # What is reported
//!
//! - Projects are not packages: `packages.lock.json` entries of type `Project` and
//!   `*.deps.json` libraries of type `project` are the solution's own code. Other `*.deps.json`
//!   library types (`reference`, `runtimepack`, …) are not NuGet packages either.
//! - One record per id and version, however many target frameworks lock it.
//!
//! # Dependency edges
//!
//! `packages.lock.json` and `*.deps.json` give each package's dependencies. A lockfile record
//! provides `id/version` (see [`dependency_key`]) and depends on the keys its dependencies
//! resolve to in the same target framework, so edges reach the exact version locked there.
//! `packages.config` lists packages without their dependencies.

mod deps_json;
mod packages_config;
mod packages_lock;

use custody_model::Ecosystem;

use super::records::Records;
use crate::{PackageRecord, ParseError};

/// A .NET file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// NuGet's `packages.lock.json`.
    PackagesLock,
    /// NuGet's `packages.config`.
    PackagesConfig,
    /// A `<application>.deps.json`.
    DepsJson,
}

/// What a file named `name` is, if it is a .NET file; the directory does not matter.
pub(crate) fn route(_directory: &str, name: &str) -> Option<File> {
    match name {
        "packages.lock.json" => Some(File::PackagesLock),
        "packages.config" => Some(File::PackagesConfig),
        _ if name.len() > ".deps.json".len() && name.ends_with(".deps.json") => {
            Some(File::DepsJson)
        }
        _ => None,
    }
}

/// Parses a routed file.
pub(crate) fn parse(
    file: File,
    _path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    match file {
        File::PackagesLock => packages_lock::parse(content),
        File::PackagesConfig => packages_config::parse(content),
        File::DepsJson => deps_json::parse(content),
    }
}

/// How a record is named as a dependency target: `id/version` with the id lowercased, as
/// NuGet compares ids. Each lockfile record lists it in [`PackageRecord::provides`] and its
/// dependants list it in [`PackageRecord::depends`].
fn dependency_key(id: &str, version: &str) -> String {
    format!("{}/{version}", id.to_lowercase())
}

/// An empty [`Records`] of NuGet packages keyed by [`dependency_key`].
fn records() -> Records {
    Records::new(Ecosystem::Nuget, dependency_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_dotnet_files_by_name() {
        assert_eq!(
            route("src/App", "packages.lock.json"),
            Some(File::PackagesLock)
        );
        assert_eq!(route("", "packages.config"), Some(File::PackagesConfig));
        assert_eq!(route("app", "MyApp.deps.json"), Some(File::DepsJson));
        assert_eq!(
            route(
                "usr/share/dotnet/shared/Microsoft.NETCore.App/8.0.0",
                "Microsoft.NETCore.App.deps.json"
            ),
            Some(File::DepsJson)
        );
        for name in [
            ".deps.json",
            "packages.lock.json.bak",
            "MyApp.deps",
            "MyApp.runtimeconfig.json",
            "packages.config.xml",
        ] {
            assert_eq!(route("app", name), None, "{name}");
        }
    }

    #[test]
    fn merges_repeated_packages_by_case_insensitive_id() {
        let mut records = records();
        records
            .insert("Newtonsoft.Json", "13.0.1")
            .depends
            .push("b/1".into());
        records
            .insert("newtonsoft.json", "13.0.1")
            .depends
            .push("b/1".into());
        records.insert("Newtonsoft.Json", "12.0.0");
        let records = records.into_records();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].name, "Newtonsoft.Json");
        assert_eq!(records[0].depends, ["b/1"]);
        assert_eq!(records[0].provides, ["newtonsoft.json/13.0.1"]);
    }
}
