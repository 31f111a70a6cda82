//! Java packages ([`Ecosystem::Maven`](custody_model::Ecosystem::Maven), named `groupId:artifactId`): Maven projects
//! (`pom.xml`), Gradle's lockfiles, dependency-verification metadata and version catalogs in
//! source trees, and Java archives (JAR, WAR, EAR, …) anywhere.
//!
//! [`route`] picks files by name; [`parse`] reads one file. Two kinds of file cannot be
//! finished one at a time, so they yield a [`JavaFragment`] that [`complete`] finishes once
//! the whole target has been read:
//!
//! - a POM ([`pom`]) inherits from parent POMs elsewhere in the target; [`resolve`] rebuilds
//!   the effective model offline and reports what it cannot resolve;
//! - an archive ([`archive`]) can hold other archives, whose packages get their own locations
//!   (`app.war:WEB-INF/lib/x.jar`).
//!
//! Gradle's files name exact versions and complete on their own: `gradle.lockfile` and
//! `buildscript-gradle.lockfile` ([`gradle`]), `gradle/verification-metadata.xml`
//! ([`verification`]) and version catalogs ([`version_catalog`]): `libs.versions.toml`
//! anywhere, and any `*.versions.toml` in a `gradle` directory, as osv-scalibr reads them.
//!
//! Every record is named `group:artifact` as OSV and Maven Central name the package (an
//! archive that names no group is the exception, see [`archive`]) with the version exactly as
//! written.

mod archive;
mod gradle;
mod interpolate;
mod manifest;
mod pom;
mod properties;
mod resolve;
mod verification;
mod version_catalog;
mod xml;

use serde::{Deserialize, Serialize};

use crate::{Fragment, PackageRecord, ParseError};

pub(crate) use resolve::complete;

use self::archive::ArchiveContents;
use self::pom::Pom;

/// A Java file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// A Maven `pom.xml`.
    Pom,
    /// `gradle.lockfile`, or `buildscript-gradle.lockfile` (which locks build plugins).
    GradleLockfile {
        /// Whether it is `buildscript-gradle.lockfile`.
        buildscript: bool,
    },
    /// `gradle/verification-metadata.xml`.
    GradleVerification,
    /// A Gradle version catalog.
    VersionCatalog,
    /// A Java archive.
    Archive,
}

/// What a Maven project file or Java archive yields before [`catalog`](crate::catalog())
/// finishes it with the rest of the target (parent POMs, the locations of nested archives).
/// Opaque: only the resolver reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JavaFragment(Deferred);

/// The unfinished content of a [`JavaFragment`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum Deferred {
    /// A POM as written.
    Project(Box<Pom>),
    /// An archive's packages, by nested archive.
    Archive(ArchiveContents),
}

/// What `directory`/`name` is, if it is a Java file. Decides on the file name first, since it
/// runs for every file of a target.
pub(crate) fn route(directory: &str, name: &str) -> Option<File> {
    let in_gradle_directory = || directory == "gradle" || directory.ends_with("/gradle");
    match name {
        "pom.xml" => Some(File::Pom),
        "gradle.lockfile" => Some(File::GradleLockfile { buildscript: false }),
        "buildscript-gradle.lockfile" => Some(File::GradleLockfile { buildscript: true }),
        "verification-metadata.xml" if in_gradle_directory() => Some(File::GradleVerification),
        "libs.versions.toml" => Some(File::VersionCatalog),
        _ if name.ends_with(".versions.toml") && in_gradle_directory() => {
            Some(File::VersionCatalog)
        }
        _ if archive::is_archive_name(name) => Some(File::Archive),
        _ => None,
    }
}

/// Parses a routed file at `path` into its fragment: [`Fragment::Packages`] for the files
/// that complete on their own, [`Fragment::Java`] for POMs and archives.
pub(crate) fn parse(file: File, path: &str, content: &[u8]) -> Result<Fragment, ParseError> {
    let deferred = match file {
        File::Pom => Deferred::Project(Box::new(pom::parse(content)?)),
        File::Archive => Deferred::Archive(archive::read(file_name(path), content)?),
        File::GradleLockfile { .. } | File::GradleVerification | File::VersionCatalog => {
            return Ok(Fragment::Packages {
                records: parse_records(file, path, content)?,
                skipped: Vec::new(),
            });
        }
    };
    Ok(Fragment::Java(JavaFragment(deferred)))
}

/// Parses a routed file into records on its own: a POM without its parents, an archive with
/// the packages of all its nested archives together. For [`crate::parse_database`].
pub(crate) fn parse_records(
    file: File,
    path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    match file {
        File::Pom => Ok(resolve::project_alone(&pom::parse(content)?)),
        File::Archive => Ok(archive::read(file_name(path), content)?
            .packages
            .into_iter()
            .flat_map(|nested| nested.records)
            .collect()),
        File::GradleLockfile { buildscript } => gradle::parse(content, buildscript),
        File::GradleVerification => verification::parse(content),
        File::VersionCatalog => version_catalog::parse(content),
    }
}

/// The last component of a `/`-separated path.
fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_java_files_by_name() {
        for (path, file) in [
            ("pom.xml", File::Pom),
            ("app/module/pom.xml", File::Pom),
            (
                "gradle.lockfile",
                File::GradleLockfile { buildscript: false },
            ),
            (
                "app/buildscript-gradle.lockfile",
                File::GradleLockfile { buildscript: true },
            ),
            ("gradle/verification-metadata.xml", File::GradleVerification),
            (
                "app/gradle/verification-metadata.xml",
                File::GradleVerification,
            ),
            ("libs.versions.toml", File::VersionCatalog),
            ("path/to/libs.versions.toml", File::VersionCatalog),
            ("a/b/gradle/testLibs.versions.toml", File::VersionCatalog),
            ("usr/share/java/commons-lang3.jar", File::Archive),
            ("opt/app.war", File::Archive),
            ("plugins/git.hpi", File::Archive),
            ("app.ear:web.war:WEB-INF/lib/x.jar", File::Archive),
        ] {
            let (directory, name) = path.rsplit_once('/').unwrap_or(("", path));
            assert_eq!(route(directory, name), Some(file), "{path}");
        }
    }

    #[test]
    fn ignores_lookalikes() {
        for path in [
            "pom.xml.bak",
            "path/to/my/pom.xml.file",
            "path.to.my.pom.xml",
            "verification-metadata.xml",
            "src/verification-metadata.xml",
            "src/testLibs.versions.toml",
            "path/to/libs.versions.toml.bak",
            "Cargo.toml",
            "a.jar.sha1",
            "gradle.lockfile.orig",
        ] {
            let (directory, name) = path.rsplit_once('/').unwrap_or(("", path));
            assert_eq!(route(directory, name), None, "{path}");
        }
    }
}
