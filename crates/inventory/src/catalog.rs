//! [`Cataloger`]: the [`Analyzer`] that routes package databases, OS release files and
//! language lockfiles and metadata, by path alone, to their parsers, and the [`Fragment`]s it
//! yields per file. Executable files no path pattern claims go to the program reader
//! ([`binary`]), which looks for Go build information and `cargo auditable` data.
//!
//! Databases are recognised anywhere in a tree, not only at its root, so a source tree or
//! backup holding a root filesystem is inventoried too; the part of the path before the
//! well-known location is the fragment's *root*, and the resolver pairs each database with the
//! release file of the same root.

use std::io::Read;

use custody_artifact::{Analyzer, FileMeta, Interest};
use custody_model::Distro;
use serde::{Deserialize, Serialize};

use crate::binary;
use crate::lang::{self, LangFile, python};
use crate::os::{apk, distro, dpkg, rpm};
use crate::{PackageRecord, ParseError};

/// Bumped whenever a parser's output changes, so cached layer results are not reused.
const CACHE_VERSION: &str = "inventory-4";

/// Largest database file read. RHEL's `rpmdb.sqlite` with a thousand packages is ~100 MiB;
/// anything several times that is hostile or not a package database.
const MAX_DATABASE_SIZE: u64 = 512 << 20;

/// What one file contributed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Fragment {
    /// Packages recorded by a package database, lockfile or installed package's metadata, or
    /// compiled into a program.
    Packages {
        /// The records, in database order.
        records: Vec<PackageRecord>,
        /// What the file holds that is not reported as a package, one sentence each (a
        /// corrupt rpm header skipped, a requirements file's unpinned requirements); the
        /// resolver turns each into a warning naming the file.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        skipped: Vec<String>,
    },
    /// The files owned by one dpkg package (`info/<name>[:<arch>].list` or `.md5sums`), or
    /// by one installed Python distribution (`*.dist-info/RECORD`,
    /// `*.egg-info/installed-files.txt`).
    OwnedFiles {
        /// The dpkg package name, without any `:arch` suffix; for a Python distribution, the
        /// absolute path of its `.dist-info`/`.egg-info` directory.
        package: String,
        /// Absolute paths.
        files: Vec<String>,
    },
    /// An operating-system release file.
    Release(Distro),
    /// A Maven project or Java archive, which [`catalog`](crate::catalog()) completes with the
    /// rest of the target (parent POMs, nested archives' locations) into `Packages`.
    Java(lang::java::JavaFragment),
}

/// The kind of file a path names, decided from the path alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileKind {
    DpkgStatus,
    DpkgFileList,
    DpkgMd5sums,
    ApkInstalled,
    Rpm(rpm::RpmDbFormat),
    /// A release file, with its priority (lower wins) among [`distro::RELEASE_FILES`].
    Release(usize),
    /// A language ecosystem's lockfile, manifest or installed-package metadata.
    Lang(LangFile),
    /// The list of files an installed Python distribution owns.
    PythonFileList(python::FileList),
    /// A program, recognised by its execute permission and magic bytes rather than its path;
    /// [`route`] never returns it.
    Program,
}

/// A path split into the root it is under and the kind of file it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Route<'a> {
    pub(crate) root: &'a str,
    pub(crate) kind: FileKind,
}

const RPM_DIRECTORIES: [&str; 3] = ["var/lib/rpm", "usr/lib/sysimage/rpm", "usr/share/rpm"];

#[expect(
    clippy::case_sensitive_file_extension_comparisons,
    reason = "dpkg writes `.list` and `.md5sums` in lowercase; other spellings are not dpkg's"
)]
/// Decides what `path` is. Looks at the file name first, so the common case — a file no
/// cataloger wants — costs one suffix comparison.
pub(crate) fn route(path: &str) -> Option<Route<'_>> {
    let (directory, name) = path.rsplit_once('/').unwrap_or(("", path));
    let under = |location: &str| strip_location(directory, location);
    let kind_in = |location: &str, kind: FileKind| under(location).map(|root| Route { root, kind });
    match name {
        "status" => kind_in("var/lib/dpkg", FileKind::DpkgStatus),
        "installed" => kind_in("lib/apk/db", FileKind::ApkInstalled),
        "Packages" | "Packages.db" | "rpmdb.sqlite" => {
            let format = rpm::RpmDbFormat::from_file_name(name)?;
            RPM_DIRECTORIES
                .iter()
                .find_map(|location| kind_in(location, FileKind::Rpm(format)))
        }
        _ if name.ends_with(".list") => kind_in("var/lib/dpkg/info", FileKind::DpkgFileList),
        _ if name.ends_with(".md5sums") => kind_in("var/lib/dpkg/info", FileKind::DpkgMd5sums)
            .or_else(|| kind_in("var/lib/dpkg/status.d", FileKind::DpkgMd5sums)),
        _ if directory.ends_with("status.d") => {
            kind_in("var/lib/dpkg/status.d", FileKind::DpkgStatus)
        }
        _ if let Some(list) = python::FileList::route(directory, name) => Some(Route {
            root: "",
            kind: FileKind::PythonFileList(list),
        }),
        _ if let Some(file) = lang::route(directory, name) => Some(Route {
            root: "",
            kind: FileKind::Lang(file),
        }),
        _ => {
            let is_release_name = distro::RELEASE_FILES
                .iter()
                .any(|release| release.rsplit_once('/').map_or(*release, |(_, file)| file) == name);
            if !is_release_name {
                return None;
            }
            distro::RELEASE_FILES
                .iter()
                .enumerate()
                .find_map(|(priority, release)| {
                    strip_location(path, release).map(|root| Route {
                        root,
                        kind: FileKind::Release(priority),
                    })
                })
        }
    }
}

/// If `directory` is `location` or ends with `/location`, the part before it (the root,
/// without a trailing slash).
fn strip_location<'a>(directory: &'a str, location: &str) -> Option<&'a str> {
    if directory == location {
        return Some("");
    }
    let root = directory.strip_suffix(location)?.strip_suffix('/')?;
    Some(root)
}

/// The name of the package a dpkg `info/` file belongs to: `libc6:amd64.list` → `libc6`.
fn info_package(path: &str) -> Option<String> {
    let name = path.rsplit_once('/').map_or(path, |(_, name)| name);
    let stem = name.rsplit_once('.')?.0;
    let package = stem.split_once(':').map_or(stem, |(package, _)| package);
    (!package.is_empty()).then(|| package.to_owned())
}

/// Reads package databases, OS release files and language lockfiles and metadata, recognised
/// by path anywhere in a tree; each file yields one [`Fragment`].
#[derive(Debug, Default, Clone, Copy)]
pub struct Cataloger;

impl Cataloger {
    /// Parses the content of a routed file.
    fn parse(path: &str, kind: FileKind, content: &[u8]) -> Result<Option<Fragment>, ParseError> {
        let packages = |records: Vec<PackageRecord>| Fragment::Packages {
            records,
            skipped: Vec::new(),
        };
        Ok(match kind {
            FileKind::DpkgStatus => Some(packages(dpkg::parse_status(content)?)),
            FileKind::ApkInstalled => Some(packages(apk::parse_installed(content)?)),
            FileKind::Rpm(format) => {
                let database = rpm::parse_rpmdb(format, content)?;
                Some(Fragment::Packages {
                    records: database.packages,
                    skipped: database
                        .skipped
                        .iter()
                        .map(|error| format!("skipped a corrupt entry: {error}"))
                        .collect(),
                })
            }
            // The one language format with notes: unpinned requirements are reported as such.
            FileKind::Lang(LangFile::Python(python::File::Requirements)) => {
                let (records, skipped) = python::parse_requirements_with_notes(content)?;
                Some(Fragment::Packages { records, skipped })
            }
            FileKind::Lang(LangFile::Java(file)) => Some(lang::java::parse(file, path, content)?),
            FileKind::Lang(file) => Some(packages(lang::parse(file, path, content)?)),
            FileKind::Program => {
                let records = binary::parse(content)?;
                (!records.is_empty()).then(|| packages(records))
            }
            FileKind::PythonFileList(list) => {
                python::distribution_directory(path).map(|package| Fragment::OwnedFiles {
                    package,
                    files: python::parse_file_list(list, path, content),
                })
            }
            FileKind::DpkgFileList => info_package(path).map(|package| Fragment::OwnedFiles {
                package,
                files: dpkg::parse_file_list(content),
            }),
            FileKind::DpkgMd5sums => info_package(path).map(|package| Fragment::OwnedFiles {
                package,
                files: dpkg::parse_md5sums(content),
            }),
            FileKind::Release(priority) => distro::RELEASE_FILES
                .get(priority)
                .and_then(|release| {
                    if release.ends_with("os-release") {
                        distro::parse_os_release(content)
                    } else {
                        distro::parse_release_file(release, content)
                    }
                })
                .map(Fragment::Release),
        })
    }
}

impl Analyzer for Cataloger {
    type Output = Fragment;

    fn cache_version(&self) -> &str {
        CACHE_VERSION
    }

    fn wants(&self, path: &str) -> Interest {
        if route(path).is_some() {
            Interest::Read
        } else {
            binary::interest(path)
        }
    }

    fn max_file_size(&self) -> u64 {
        MAX_DATABASE_SIZE
    }

    fn analyze(
        &self,
        file: &FileMeta<'_>,
        content: &mut dyn Read,
    ) -> Result<Option<Fragment>, String> {
        // Wanted without a route: a file that may be a program. Most are not (scripts,
        // programs in other languages), which their first bytes tell.
        let kind = route(file.path).map_or(FileKind::Program, |route| route.kind);
        let mut bytes = Vec::new();
        if kind == FileKind::Program
            && !binary::read_magic(content, &mut bytes)
                .map_err(|error| format!("reading failed: {error}"))?
        {
            return Ok(None);
        }
        bytes.reserve(usize::try_from(file.size).unwrap_or(0));
        content
            .take(MAX_DATABASE_SIZE)
            .read_to_end(&mut bytes)
            .map_err(|error| format!("reading failed: {error}"))?;
        Self::parse(file.path, kind, &bytes).map_err(|error| error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_databases_anywhere_in_a_tree() {
        assert_eq!(
            route("var/lib/dpkg/status"),
            Some(Route {
                root: "",
                kind: FileKind::DpkgStatus
            })
        );
        assert_eq!(
            route("backup/rootfs/var/lib/dpkg/status"),
            Some(Route {
                root: "backup/rootfs",
                kind: FileKind::DpkgStatus
            })
        );
        assert_eq!(
            route("var/lib/dpkg/status.d/libc6").unwrap().kind,
            FileKind::DpkgStatus
        );
        assert_eq!(
            route("var/lib/dpkg/status.d/libc6.md5sums").unwrap().kind,
            FileKind::DpkgMd5sums
        );
        assert_eq!(
            route("var/lib/dpkg/info/libc6:amd64.list").unwrap().kind,
            FileKind::DpkgFileList
        );
        assert_eq!(
            route("lib/apk/db/installed").unwrap().kind,
            FileKind::ApkInstalled
        );
        assert_eq!(
            route("usr/lib/sysimage/rpm/rpmdb.sqlite").unwrap().kind,
            FileKind::Rpm(rpm::RpmDbFormat::Sqlite)
        );
        assert_eq!(
            route("var/lib/rpm/Packages").unwrap().kind,
            FileKind::Rpm(rpm::RpmDbFormat::BerkeleyDb)
        );
        assert!(matches!(
            route("etc/os-release").unwrap().kind,
            FileKind::Release(_)
        ));
        assert_eq!(route("x/etc/os-release").unwrap().root, "x");
    }

    #[test]
    fn ignores_lookalikes() {
        for path in [
            "status",
            "var/lib/dpkg/statusx",
            "home/var/lib/dpkgstatus",
            "notvar/lib/dpkg/status",
            "var/lib/dpkg/info/libc6.conffiles",
            "src/os-release.rs",
            "var/lib/rpm/Packages.txt",
        ] {
            assert_eq!(route(path), None, "{path}");
        }
    }

    #[test]
    fn names_the_package_of_info_files() {
        assert_eq!(
            info_package("var/lib/dpkg/info/libc6:amd64.list").as_deref(),
            Some("libc6")
        );
        assert_eq!(
            info_package("var/lib/dpkg/info/zlib1g.md5sums").as_deref(),
            Some("zlib1g")
        );
        assert_eq!(info_package("var/lib/dpkg/info/.list"), None);
    }
}
