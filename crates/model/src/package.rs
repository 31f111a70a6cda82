//! Packages: what was installed or declared, by which packaging system, and where it was seen.

use serde::{Deserialize, Serialize};

use crate::{Location, Purl};

/// The packaging system a package belongs to; decides its purl type, how its versions compare
/// and which advisories can apply to it.
///
/// Serialized as the purl type (`deb`, `pypi`, `golang`), which is also its [`Display`]
/// form.
///
/// [`Display`]: std::fmt::Display
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ecosystem {
    /// Debian packages (dpkg): Debian, Ubuntu, distroless.
    Deb,
    /// Alpine packages (apk): Alpine, Wolfi, Chainguard.
    Apk,
    /// RPM packages: RHEL and its rebuilds, Fedora, Amazon Linux, SUSE, Mariner.
    Rpm,
    /// npm packages (npm, Yarn, pnpm, installed `node_modules`).
    Npm,
    /// Python packages (PyPI distributions).
    Pypi,
    /// Rust crates (crates.io).
    Cargo,
    /// Go modules.
    Golang,
    /// Java artifacts (Maven coordinates).
    Maven,
    /// Ruby gems.
    Gem,
    /// PHP packages (Composer, Packagist).
    Composer,
    /// .NET packages (NuGet).
    Nuget,
    /// Erlang and Elixir packages (Hex).
    Hex,
    /// Dart and Flutter packages (pub.dev).
    Pub,
    /// Swift packages (`SwiftPM`), identified by repository URL.
    Swift,
    /// Objective-C and Swift pods (`CocoaPods`).
    Cocoapods,
    /// C and C++ packages (Conan).
    Conan,
}

impl Ecosystem {
    /// The purl type (`deb`, `pypi`, `golang`).
    pub fn purl_type(self) -> &'static str {
        match self {
            Self::Deb => "deb",
            Self::Apk => "apk",
            Self::Rpm => "rpm",
            Self::Npm => "npm",
            Self::Pypi => "pypi",
            Self::Cargo => "cargo",
            Self::Golang => "golang",
            Self::Maven => "maven",
            Self::Gem => "gem",
            Self::Composer => "composer",
            Self::Nuget => "nuget",
            Self::Hex => "hex",
            Self::Pub => "pub",
            Self::Swift => "swift",
            Self::Cocoapods => "cocoapods",
            Self::Conan => "conan",
        }
    }

    /// Whether this is an operating system's package manager, whose advisories are per
    /// distribution release rather than per ecosystem.
    pub fn is_os(self) -> bool {
        matches!(self, Self::Deb | Self::Apk | Self::Rpm)
    }

    /// The OSV ecosystem name of a language ecosystem (`PyPI`, `crates.io`, `Go`); `None` for
    /// OS ecosystems, whose OSV name depends on the distribution (`Debian:12`), and for
    /// ecosystems OSV does not cover.
    pub fn osv_name(self) -> Option<&'static str> {
        Some(match self {
            Self::Deb | Self::Apk | Self::Rpm | Self::Cocoapods => return None,
            Self::Npm => "npm",
            Self::Pypi => "PyPI",
            Self::Cargo => "crates.io",
            Self::Golang => "Go",
            Self::Maven => "Maven",
            Self::Gem => "RubyGems",
            Self::Composer => "Packagist",
            Self::Nuget => "NuGet",
            Self::Hex => "Hex",
            Self::Pub => "Pub",
            Self::Swift => "SwiftURL",
            Self::Conan => "ConanCenter",
        })
    }
}

/// A `PyPI` distribution name normalized per PEP 503, the form Python tools compare names in:
/// lowercase, each run of `-`, `_` and `.` one `-` (`re.sub(r"[-_.]+", "-", name).lower()`).
/// Installed metadata keeps the author's spelling (`Flask_SQLAlchemy`, `zope.interface`);
/// catalogers, SBOM readers and the matcher meet on this form.
///
/// ```
/// assert_eq!(custody_model::pep503_name("Flask_SQLAlchemy"), "flask-sqlalchemy");
/// assert_eq!(custody_model::pep503_name("a-_.-b"), "a-b");
/// ```
pub fn pep503_name(name: &str) -> String {
    let mut normalized = String::with_capacity(name.len());
    let mut in_separator_run = false;
    for character in name.chars() {
        if matches!(character, '-' | '_' | '.') {
            if !in_separator_run {
                normalized.push('-');
            }
            in_separator_run = true;
        } else {
            normalized.extend(character.to_lowercase());
            in_separator_run = false;
        }
    }
    normalized
}

impl std::fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.purl_type())
    }
}

/// The source package an OS binary package was built from. Distribution advisories (Debian,
/// Ubuntu, Alpine `origin`, RPM source rpm) are keyed by it, not by the binary package name.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourcePackage {
    /// Source package name (dpkg `Source:`, apk `origin`, rpm `SOURCERPM` name).
    pub name: String,
    /// Source package version, when it differs from or is recorded next to the binary's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl SourcePackage {
    /// The source package an RPM `SOURCERPM` file name names: `openssl-3.0.7-24.el9.src.rpm`
    /// is `openssl` at `3.0.7-24.el9`. `None` when the name is not
    /// `name-version-release.src.rpm` (or `.nosrc.rpm`). Syft's `upstream` purl qualifier for
    /// RPMs is this file name too.
    ///
    /// ```
    /// let source = custody_model::SourcePackage::from_source_rpm("openssl-3.0.7-24.el9.src.rpm");
    /// let source = source.expect("a source rpm file name");
    /// assert_eq!((source.name.as_str(), source.version.as_deref()), ("openssl", Some("3.0.7-24.el9")));
    /// assert!(custody_model::SourcePackage::from_source_rpm("bash-5.1.8-9.el9.rpm").is_none());
    /// ```
    pub fn from_source_rpm(file_name: &str) -> Option<Self> {
        let stem = file_name
            .strip_suffix(".src.rpm")
            .or_else(|| file_name.strip_suffix(".nosrc.rpm"))?;
        let mut parts = stem.rsplitn(3, '-');
        let release = parts.next().filter(|part| !part.is_empty())?;
        let version = parts.next().filter(|part| !part.is_empty())?;
        let name = parts.next().filter(|part| !part.is_empty())?;
        Some(Self {
            name: name.to_owned(),
            version: Some(format!("{version}-{release}")),
        })
    }
}

/// How far a package manager got installing a package. Anything but
/// [`InstallState::Installed`] is reported, not hidden: a half-configured package's files are
/// on disk and its vulnerabilities are real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum InstallState {
    /// Fully installed and configured.
    Installed,
    /// dpkg `half-configured`: unpacked, configuration started but failed.
    HalfConfigured,
    /// dpkg `unpacked`: files on disk, not configured.
    Unpacked,
    /// dpkg `half-installed`: installation started but did not finish.
    HalfInstalled,
    /// dpkg `triggers-awaited` / `triggers-pending`: installed, triggers not yet run.
    TriggersPending,
}

impl InstallState {
    /// The state as custody's JSON spells it (`half-configured`), also used in SBOM properties
    /// and tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Installed => "installed",
            Self::HalfConfigured => "half-configured",
            Self::Unpacked => "unpacked",
            Self::HalfInstalled => "half-installed",
            Self::TriggersPending => "triggers-pending",
        }
    }
}

/// How a lockfile or manifest declares a package: whether the project depends on it directly
/// and whether only for development. Installed packages carry no scope.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Scope {
    /// `Some(true)` for a direct dependency of the project, `Some(false)` for a transitive
    /// one, `None` when the file does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direct: Option<bool>,
    /// A development-only dependency (npm `dev`, Poetry's `dev` group, Composer
    /// `packages-dev`): present in the lockfile, usually absent from what ships.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dev: bool,
}

impl Scope {
    /// Whether nothing is known: the file said neither directness nor dev-only.
    pub fn is_unknown(&self) -> bool {
        self.direct.is_none() && !self.dev
    }

    /// The scope of one package declared twice (two copies in one lockfile, a lockfile and
    /// its installed copy): direct when either declaration is, dev-only when both are. An
    /// unknown scope says nothing, so the other wins.
    #[must_use]
    pub fn merge(self, other: Self) -> Self {
        if self.is_unknown() {
            return other;
        }
        if other.is_unknown() {
            return self;
        }
        Self {
            direct: match (self.direct, other.direct) {
                (Some(a), Some(b)) => Some(a || b),
                (known, None) | (None, known) => known,
            },
            dev: self.dev && other.dev,
        }
    }
}

/// One package found in a target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// Package name as its packaging system spells it.
    pub name: String,
    /// Version as recorded, including any epoch (`1:2.38.1-5+b1`).
    pub version: String,
    /// The packaging system.
    pub ecosystem: Ecosystem,
    /// The canonical package URL.
    pub purl: Purl,
    /// CPU architecture (`amd64`, `x86_64`, `aarch64`, `noarch`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// The source package, for OS packages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourcePackage>,
    /// Declared licenses, as the package database states them (SPDX ids where it uses them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    /// Install state, where the package database records one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<InstallState>,
    /// How a lockfile or manifest declares the package, where it says.
    #[serde(default, skip_serializing_if = "Scope::is_unknown")]
    pub scope: Scope,
    /// Where the package was recorded (the database file) and which layer added it.
    pub locations: Vec<Location>,
    /// Files the package owns, as absolute paths inside the target (`/usr/bin/openssl`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// For a language package installed by the OS package manager (Debian's
    /// `python3-urllib3` installs urllib3's `egg-info`): the [`Package::id`] of the OS package
    /// whose files include its metadata. Such packages are matched through the distribution's
    /// advisories for the OS package: distributions patch them without changing the upstream
    /// version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owned_by: Option<String>,
}

impl Package {
    /// A package with only the required fields set.
    pub fn new(
        ecosystem: Ecosystem,
        name: impl Into<String>,
        version: impl Into<String>,
        purl: impl Into<Purl>,
    ) -> Self {
        Self {
            name: name.into(),
            version: version.into(),
            ecosystem,
            purl: purl.into(),
            arch: None,
            source: None,
            licenses: Vec::new(),
            state: None,
            scope: Scope::default(),
            locations: Vec::new(),
            files: Vec::new(),
            owned_by: None,
        }
    }

    /// A stable identifier for this package inside one inventory: its purl, which already
    /// carries name, version, architecture and distribution.
    pub fn id(&self) -> &str {
        self.purl.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_merge_direct_if_any_and_dev_if_all() {
        let direct = Scope {
            direct: Some(true),
            dev: false,
        };
        let transitive_dev = Scope {
            direct: Some(false),
            dev: true,
        };
        assert_eq!(
            direct.merge(transitive_dev),
            Scope {
                direct: Some(true),
                dev: false
            }
        );
        assert_eq!(transitive_dev.merge(transitive_dev), transitive_dev);
        // An installed copy says nothing about scope; the lockfile's stands.
        assert_eq!(Scope::default().merge(transitive_dev), transitive_dev);
        assert_eq!(transitive_dev.merge(Scope::default()), transitive_dev);
    }
}
