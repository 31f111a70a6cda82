//! Versioning schemes: how each family of ecosystems writes and orders versions.
//!
//! [`Scheme`] names a scheme and parses text into a [`Version`]; one submodule per scheme holds
//! its parser and its comparison, each citing the upstream code or specification it follows.
//! [`Parsed`] is the parsed form those submodules produce, kept private so the representation can
//! change without touching callers. [`Ecosystem`](crate::Ecosystem) maps OSV ecosystems here.

mod apk;
mod dpkg;
mod maven;
mod nuget;
mod number_list;
mod packagist;
mod pep440;
mod rpm;
mod rubygems;
mod semver;

use std::cmp::Ordering;
use std::fmt;

use crate::{Error, Version};

/// A versioning scheme: one syntax and one ordering, shared by the ecosystems that use it.
///
/// The declaration order is also how [`Version`]s of different schemes order against each
/// other, which only exists so that [`Version`] can be `Ord`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scheme {
    /// Debian's dpkg: `[epoch:]upstream[-revision]`, `~` sorts before everything (Debian,
    /// Ubuntu).
    Dpkg,
    /// RPM's `rpmvercmp`: `[epoch:]version[-release]` with `~` and `^` (Red Hat and its
    /// rebuilds, SUSE, openSUSE, Azure Linux, Mageia, openEuler).
    Rpm,
    /// apk-tools: `digits{.digits}{letter}{_suffix{digits}}{~hash}{-r#}` (Alpine, Wolfi,
    /// Chainguard, `MinimOS`).
    Apk,
    /// Python's PEP 440, plus the pre-PEP 440 "legacy" versions that sort before all others
    /// (PyPI).
    Pep440,
    /// `SemVer` 2.0.0 precedence, build metadata ignored (npm, crates.io, Hex, `SwiftURL`).
    SemVer,
    /// Go module versions: `SemVer` with an optional `v`; pseudo-versions order as pre-releases
    /// and `+incompatible` is build metadata, so ignored.
    Go,
    /// Maven's version order (`ComparableVersion`, the POM reference's "Version Order
    /// Specification").
    Maven,
    /// `NuGet`: up to four numbers, case-insensitive release labels, metadata ignored.
    NuGet,
    /// `RubyGems`' `Gem::Version`.
    RubyGems,
    /// Composer on Packagist: PHP's `version_compare` after stripping a leading `v`.
    Packagist,
    /// Dart's pub: `SemVer`, except that build metadata orders after its absence.
    Pub,
    /// R's `package_version` (CRAN, Bioconductor): numbers separated by `.` or `-`.
    Cran,
    /// Haskell's `Data.Version` for Hackage: dot-separated numbers, compared as lists.
    Hackage,
}

impl Scheme {
    /// Every scheme, in declaration order.
    pub const ALL: [Self; 13] = [
        Self::Dpkg,
        Self::Rpm,
        Self::Apk,
        Self::Pep440,
        Self::SemVer,
        Self::Go,
        Self::Maven,
        Self::NuGet,
        Self::RubyGems,
        Self::Packagist,
        Self::Pub,
        Self::Cran,
        Self::Hackage,
    ];

    /// The scheme's name as error messages and reports show it (`dpkg`, `PEP 440`, `SemVer`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Dpkg => "dpkg",
            Self::Rpm => "rpm",
            Self::Apk => "apk",
            Self::Pep440 => "PEP 440",
            Self::SemVer => "SemVer",
            Self::Go => "Go",
            Self::Maven => "Maven",
            Self::NuGet => "NuGet",
            Self::RubyGems => "RubyGems",
            Self::Packagist => "Packagist",
            Self::Pub => "Pub",
            Self::Cran => "CRAN",
            Self::Hackage => "Hackage",
        }
    }

    /// Parses `text` as a version of this scheme, once, so that it can be compared with many
    /// others cheaply (a package's installed version against every event of every range).
    ///
    /// Each scheme accepts what its reference tool accepts, and a little more where the
    /// conformance corpus needs it (each module documents where). What it cannot order is an
    /// [`Error::InvalidVersion`] naming the text and this scheme, never a string comparison.
    ///
    /// ```
    /// use custody_version::Scheme;
    ///
    /// let installed = Scheme::Rpm.parse("1:3.0.7-27.el9")?;
    /// assert!(installed > Scheme::Rpm.parse("1:3.0.7-24.el9")?);
    /// assert!(Scheme::SemVer.parse("1.x").is_err());
    /// # Ok::<(), custody_version::Error>(())
    /// ```
    pub fn parse(self, text: &str) -> Result<Version, Error> {
        let parsed = match self {
            Self::Dpkg => dpkg::parse(text).map(Parsed::Dpkg),
            Self::Rpm => rpm::parse(text).map(Parsed::Rpm),
            Self::Apk => apk::parse(text).map(Parsed::Apk),
            Self::Pep440 => pep440::parse(text).map(Parsed::Pep440),
            Self::SemVer | Self::Go => semver::parse(text).map(Parsed::SemVer),
            Self::Pub => semver::parse(text).map(Parsed::Pub),
            Self::Maven => maven::parse(text).map(Parsed::Maven),
            Self::NuGet => nuget::parse(text).map(Parsed::NuGet),
            Self::RubyGems => rubygems::parse(text).map(Parsed::RubyGems),
            Self::Packagist => packagist::parse(text).map(Parsed::Packagist),
            Self::Cran => number_list::parse_cran(text).map(Parsed::NumberList),
            Self::Hackage => number_list::parse_hackage(text).map(Parsed::NumberList),
        };
        match parsed {
            Ok(parsed) => Ok(Version::new(self, text, parsed)),
            Err(kind) => Err(Error::InvalidVersion {
                scheme: self,
                version: text.to_owned(),
                kind,
            }),
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A version in the parsed form of its scheme. The variant follows from the [`Scheme`] that
/// produced it; `SemVer` and Go share one form, Pub orders the same form differently.
#[derive(Debug, Clone)]
pub(crate) enum Parsed {
    Dpkg(dpkg::DpkgVersion),
    Rpm(rpm::RpmVersion),
    Apk(apk::ApkVersion),
    Pep440(pep440::Pep440Version),
    SemVer(semver::SemVerVersion),
    Pub(semver::SemVerVersion),
    Maven(maven::MavenVersion),
    NuGet(nuget::NuGetVersion),
    RubyGems(rubygems::GemVersion),
    Packagist(packagist::PackagistVersion),
    NumberList(number_list::NumberList),
}

impl Parsed {
    /// Orders two versions of the same scheme. Forms of different schemes never meet here
    /// ([`Version`]'s `Ord` compares schemes first); if they did, they would order by variant.
    pub(crate) fn compare(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Self::Dpkg(a), Self::Dpkg(b)) => a.cmp(b),
            (Self::Rpm(a), Self::Rpm(b)) => a.cmp(b),
            (Self::Apk(a), Self::Apk(b)) => a.cmp(b),
            (Self::Pep440(a), Self::Pep440(b)) => a.cmp(b),
            (Self::SemVer(a), Self::SemVer(b)) => a.cmp_precedence(b),
            (Self::Pub(a), Self::Pub(b)) => a.cmp_pub(b),
            (Self::Maven(a), Self::Maven(b)) => a.cmp(b),
            (Self::NuGet(a), Self::NuGet(b)) => a.cmp(b),
            (Self::RubyGems(a), Self::RubyGems(b)) => a.cmp(b),
            (Self::Packagist(a), Self::Packagist(b)) => a.cmp(b),
            (Self::NumberList(a), Self::NumberList(b)) => a.cmp(b),
            _ => self.rank().cmp(&other.rank()),
        }
    }

    /// The variant's position, the fallback order between different forms.
    fn rank(&self) -> u8 {
        match self {
            Self::Dpkg(_) => 0,
            Self::Rpm(_) => 1,
            Self::Apk(_) => 2,
            Self::Pep440(_) => 3,
            Self::SemVer(_) => 4,
            Self::Pub(_) => 5,
            Self::Maven(_) => 6,
            Self::NuGet(_) => 7,
            Self::RubyGems(_) => 8,
            Self::Packagist(_) => 9,
            Self::NumberList(_) => 10,
        }
    }
}

#[cfg(test)]
mod tests {
    // Behaviour shared by all schemes; per-scheme cases live in their modules.

    use super::*;

    #[test]
    fn names_are_distinct() {
        let mut names: Vec<_> = Scheme::ALL.iter().map(|scheme| scheme.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Scheme::ALL.len());
    }

    #[test]
    fn every_scheme_rejects_the_empty_string() {
        for scheme in Scheme::ALL {
            let error = scheme.parse("").unwrap_err();
            assert!(
                matches!(
                    error,
                    Error::InvalidVersion {
                        kind: crate::InvalidKind::Empty,
                        ..
                    }
                ),
                "{scheme}: {error}"
            );
        }
    }

    #[test]
    fn go_and_semver_order_alike_pub_orders_build_metadata() {
        for scheme in [Scheme::SemVer, Scheme::Go] {
            let a = scheme.parse("1.2.3+build.1").unwrap();
            let b = scheme.parse("v1.2.3+build.2").unwrap();
            assert_eq!(a.cmp(&b), Ordering::Equal, "{scheme}");
        }
        let a = Scheme::Pub.parse("1.2.3+build.1").unwrap();
        let b = Scheme::Pub.parse("1.2.3+build.2").unwrap();
        assert_eq!(a.cmp(&b), Ordering::Less);
    }
}
