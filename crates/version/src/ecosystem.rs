//! OSV ecosystems: their names, their releases, and the [`Scheme`] their versions use.
//!
//! [`Ecosystem`] is the ecosystem alone; [`EcosystemName`] is an OSV `affected[].package.
//! ecosystem` string as written, which for distributions carries a release after a colon
//! (`Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS`) and for Maven may carry a repository.
//! Names are the OSV schema's ecosystem list (ossf/osv-schema `docs/schema.md`, "Defined
//! ecosystems"), matched case-insensitively.

use std::fmt;
use std::str::FromStr;

use crate::{Error, Scheme};

/// An OSV ecosystem whose version ordering custody knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    /// Debian (`Debian`), dpkg versions.
    Debian,
    /// Ubuntu (`Ubuntu`), dpkg versions.
    Ubuntu,
    /// Alpine Linux (`Alpine`), apk versions.
    Alpine,
    /// Wolfi (`Wolfi`), apk versions.
    Wolfi,
    /// Chainguard images (`Chainguard`), apk versions.
    Chainguard,
    /// `MinimOS` (`MinimOS`), apk versions.
    MinimOs,
    /// Red Hat Enterprise Linux (`Red Hat`), RPM versions.
    RedHat,
    /// Rocky Linux (`Rocky Linux`), RPM versions.
    RockyLinux,
    /// `AlmaLinux` (`AlmaLinux`), RPM versions.
    AlmaLinux,
    /// SUSE Linux Enterprise (`SUSE`), RPM versions.
    Suse,
    /// openSUSE (`openSUSE`), RPM versions.
    OpenSuse,
    /// Azure Linux, formerly CBL-Mariner (`Azure Linux`), RPM versions.
    AzureLinux,
    /// Mageia (`Mageia`), RPM versions.
    Mageia,
    /// openEuler (`openEuler`), RPM versions.
    OpenEuler,
    /// The Python Package Index (`PyPI`), PEP 440 versions.
    PyPi,
    /// npm (`npm`), `SemVer`.
    Npm,
    /// crates.io (`crates.io`), `SemVer`.
    CratesIo,
    /// Go modules (`Go`).
    Go,
    /// Maven Central and other Maven repositories (`Maven`).
    Maven,
    /// `NuGet` (`NuGet`).
    NuGet,
    /// `RubyGems` (`RubyGems`).
    RubyGems,
    /// Packagist, Composer's registry (`Packagist`).
    Packagist,
    /// Dart and Flutter packages (`Pub`).
    Pub,
    /// CRAN, R packages (`CRAN`).
    Cran,
    /// Bioconductor, R packages (`Bioconductor`), R versions.
    Bioconductor,
    /// Hackage, Haskell packages (`Hackage`).
    Hackage,
    /// Hex, Erlang and Elixir packages (`Hex`), `SemVer`.
    Hex,
    /// Swift packages by repository URL (`SwiftURL`), `SemVer`.
    SwiftUrl,
}

impl Ecosystem {
    /// Every ecosystem, in declaration order.
    pub const ALL: [Self; 28] = [
        Self::Debian,
        Self::Ubuntu,
        Self::Alpine,
        Self::Wolfi,
        Self::Chainguard,
        Self::MinimOs,
        Self::RedHat,
        Self::RockyLinux,
        Self::AlmaLinux,
        Self::Suse,
        Self::OpenSuse,
        Self::AzureLinux,
        Self::Mageia,
        Self::OpenEuler,
        Self::PyPi,
        Self::Npm,
        Self::CratesIo,
        Self::Go,
        Self::Maven,
        Self::NuGet,
        Self::RubyGems,
        Self::Packagist,
        Self::Pub,
        Self::Cran,
        Self::Bioconductor,
        Self::Hackage,
        Self::Hex,
        Self::SwiftUrl,
    ];

    /// The versioning scheme this ecosystem's versions follow.
    pub fn scheme(self) -> Scheme {
        match self {
            Self::Debian | Self::Ubuntu => Scheme::Dpkg,
            Self::Alpine | Self::Wolfi | Self::Chainguard | Self::MinimOs => Scheme::Apk,
            Self::RedHat
            | Self::RockyLinux
            | Self::AlmaLinux
            | Self::Suse
            | Self::OpenSuse
            | Self::AzureLinux
            | Self::Mageia
            | Self::OpenEuler => Scheme::Rpm,
            Self::PyPi => Scheme::Pep440,
            Self::Npm | Self::CratesIo | Self::Hex | Self::SwiftUrl => Scheme::SemVer,
            Self::Go => Scheme::Go,
            Self::Maven => Scheme::Maven,
            Self::NuGet => Scheme::NuGet,
            Self::RubyGems => Scheme::RubyGems,
            Self::Packagist => Scheme::Packagist,
            Self::Pub => Scheme::Pub,
            Self::Cran | Self::Bioconductor => Scheme::Cran,
            Self::Hackage => Scheme::Hackage,
        }
    }

    /// The ecosystem's name as OSV spells it (`Red Hat`, `crates.io`, `PyPI`).
    pub fn osv_name(self) -> &'static str {
        match self {
            Self::Debian => "Debian",
            Self::Ubuntu => "Ubuntu",
            Self::Alpine => "Alpine",
            Self::Wolfi => "Wolfi",
            Self::Chainguard => "Chainguard",
            Self::MinimOs => "MinimOS",
            Self::RedHat => "Red Hat",
            Self::RockyLinux => "Rocky Linux",
            Self::AlmaLinux => "AlmaLinux",
            Self::Suse => "SUSE",
            Self::OpenSuse => "openSUSE",
            Self::AzureLinux => "Azure Linux",
            Self::Mageia => "Mageia",
            Self::OpenEuler => "openEuler",
            Self::PyPi => "PyPI",
            Self::Npm => "npm",
            Self::CratesIo => "crates.io",
            Self::Go => "Go",
            Self::Maven => "Maven",
            Self::NuGet => "NuGet",
            Self::RubyGems => "RubyGems",
            Self::Packagist => "Packagist",
            Self::Pub => "Pub",
            Self::Cran => "CRAN",
            Self::Bioconductor => "Bioconductor",
            Self::Hackage => "Hackage",
            Self::Hex => "Hex",
            Self::SwiftUrl => "SwiftURL",
        }
    }

    /// Whether this is an operating system distribution, whose OSV names carry a release.
    pub fn is_distribution(self) -> bool {
        matches!(self.scheme(), Scheme::Dpkg | Scheme::Apk | Scheme::Rpm)
    }

    /// The ecosystem whose OSV name is `name`, ignoring ASCII case; no release suffix.
    fn from_osv_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|ecosystem| ecosystem.osv_name().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

/// Parses an OSV ecosystem name case-insensitively (`debian`, `Red Hat`, `CRATES.IO`).
///
/// A `:release` suffix is accepted and dropped, because it does not change how versions
/// order; parse an [`EcosystemName`] to keep it.
impl FromStr for Ecosystem {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        EcosystemName::from_str(name).map(|parsed| parsed.ecosystem)
    }
}

/// An OSV ecosystem string: the [`Ecosystem`] and what follows its first `:`.
///
/// ```
/// use custody_version::{Ecosystem, EcosystemName, Scheme};
///
/// let name: EcosystemName = "Alpine:v3.20".parse()?;
/// assert_eq!(name.ecosystem, Ecosystem::Alpine);
/// assert_eq!(name.release.as_deref(), Some("v3.20"));
/// assert_eq!(name.ecosystem.scheme(), Scheme::Apk);
/// assert_eq!(name.to_string(), "Alpine:v3.20");
/// # Ok::<(), custody_version::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EcosystemName {
    /// The ecosystem.
    pub ecosystem: Ecosystem,
    /// Everything after the first `:`, unchanged: a distribution release (`12`, `v3.20`,
    /// `22.04:LTS`, `enterprise_linux:9::appstream`) or, for Maven, a repository URL. `None`
    /// when there is no suffix or it is empty.
    pub release: Option<String>,
}

impl FromStr for EcosystemName {
    type Err = Error;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let (base, release) = match name.split_once(':') {
            Some((base, release)) => (base, Some(release)),
            None => (name, None),
        };
        let ecosystem = Ecosystem::from_osv_name(base).ok_or_else(|| Error::UnknownEcosystem {
            name: name.to_owned(),
        })?;
        Ok(Self {
            ecosystem,
            release: release
                .filter(|release| !release.is_empty())
                .map(str::to_owned),
        })
    }
}

impl fmt::Display for EcosystemName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.ecosystem.osv_name())?;
        if let Some(release) = &self.release {
            write!(f, ":{release}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    // OSV names in and out, and the scheme each ecosystem maps to.

    use super::*;

    #[test]
    fn every_osv_name_round_trips() {
        for ecosystem in Ecosystem::ALL {
            assert_eq!(ecosystem.osv_name().parse::<Ecosystem>(), Ok(ecosystem));
            let upper = ecosystem.osv_name().to_uppercase();
            assert_eq!(upper.parse::<Ecosystem>(), Ok(ecosystem));
        }
    }

    #[test]
    fn releases_are_kept() {
        let name: EcosystemName = "Red Hat:enterprise_linux:9::appstream".parse().unwrap();
        assert_eq!(name.ecosystem, Ecosystem::RedHat);
        assert_eq!(
            name.release.as_deref(),
            Some("enterprise_linux:9::appstream")
        );
        assert_eq!(name.to_string(), "Red Hat:enterprise_linux:9::appstream");
        let name: EcosystemName = "ubuntu:22.04:LTS".parse().unwrap();
        assert_eq!(name.to_string(), "Ubuntu:22.04:LTS");
        let name: EcosystemName = "Debian:".parse().unwrap();
        assert_eq!(name.release, None);
        assert_eq!("Debian:12".parse::<Ecosystem>(), Ok(Ecosystem::Debian));
    }

    #[test]
    fn unknown_names_are_errors() {
        for name in ["", "Gentoo", "Red  Hat", " npm", "crates-io", ":12"] {
            assert_eq!(
                name.parse::<Ecosystem>(),
                Err(Error::UnknownEcosystem {
                    name: name.to_owned()
                })
            );
        }
    }

    #[test]
    fn schemes_and_distributions() {
        assert_eq!(Ecosystem::Ubuntu.scheme(), Scheme::Dpkg);
        assert_eq!(Ecosystem::Wolfi.scheme(), Scheme::Apk);
        assert_eq!(Ecosystem::RockyLinux.scheme(), Scheme::Rpm);
        assert_eq!(Ecosystem::CratesIo.scheme(), Scheme::SemVer);
        assert_eq!(Ecosystem::Bioconductor.scheme(), Scheme::Cran);
        assert!(Ecosystem::Suse.is_distribution());
        assert!(!Ecosystem::Go.is_distribution());
    }
}
