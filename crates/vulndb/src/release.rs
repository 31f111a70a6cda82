//! Which OSV ecosystem an operating system's packages are published under, and which of an
//! ecosystem's releases apply to an installed system.
//!
//! OSV names distribution ecosystems with a release suffix whose shape differs per
//! distribution: `Debian:12`, `Alpine:v3.20`, `Ubuntu:22.04:LTS` and `Ubuntu:Pro:18.04:LTS`,
//! `Red Hat:enterprise_linux:9::appstream`, `Rocky Linux:9`, `SUSE:Linux Enterprise Server
//! 15 SP4`, `openSUSE:Leap 15.5`, and no release at all for rolling distributions (Wolfi,
//! Chainguard). [`DistroEcosystem`] maps the os-release facts of a [`Distro`] onto that and
//! decides, per advisory entry, whether its release is the installed one.

use custody_model::Distro;

/// The OSV ecosystem of an installed distribution and the release it runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistroEcosystem {
    /// The OSV ecosystem base name (`Debian`, `Alpine`, `Red Hat`).
    pub ecosystem: &'static str,
    /// How advisory releases are matched against the installed one.
    release: Release,
}

/// The installed release, in the form its distribution's OSV records compare it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Release {
    /// Rolling distributions: every entry applies.
    Any,
    /// The release suffix must equal this (`12`, `v3.20`, `9`).
    Exact(String),
    /// Ubuntu: `22.04` matches `22.04` and `22.04:LTS`, never a `Pro:` (ESM) release, whose
    /// fixes a standard installation does not receive.
    Ubuntu(String),
    /// Red Hat: the major version must be the product's (`enterprise_linux:9::appstream`,
    /// `rhel_e4s:9.2::baseos` for major 9).
    RedHatMajor(String),
    /// SUSE and openSUSE: the product name must end with this version (`15 SP4`,
    /// `Leap 15.5`).
    Suffix(String),
}

impl DistroEcosystem {
    /// The OSV ecosystem of `distro`, or `None` when OSV does not publish it or the installed
    /// release cannot be told (Debian testing has no `VERSION_ID`).
    pub fn of(distro: &Distro) -> Option<Self> {
        let version = distro.version_id.as_deref().unwrap_or_default();
        let major = version.split('.').next().unwrap_or_default().to_owned();
        let major_minor = version.split('.').take(2).collect::<Vec<_>>().join(".");
        let exact = |value: String| (!value.is_empty()).then_some(Release::Exact(value));
        let (ecosystem, release) = match distro.id.as_str() {
            "debian" => ("Debian", exact(major)?),
            "ubuntu" => ("Ubuntu", Release::Ubuntu(major_minor)),
            "alpine" => (
                "Alpine",
                exact(format!("v{major_minor}")).filter(|_| !major_minor.is_empty())?,
            ),
            "wolfi" => ("Wolfi", Release::Any),
            "chainguard" => ("Chainguard", Release::Any),
            "rhel" => ("Red Hat", Release::RedHatMajor(major)),
            "rocky" => ("Rocky Linux", exact(major)?),
            "almalinux" => ("AlmaLinux", exact(major)?),
            "sles" | "sled" | "sle-micro" => ("SUSE", Release::Suffix(suse_version(version))),
            "opensuse-leap" => ("openSUSE", Release::Suffix(format!("Leap {version}"))),
            "opensuse-tumbleweed" => ("openSUSE", Release::Suffix("Tumbleweed".to_owned())),
            "mariner" | "azurelinux" => ("Azure Linux", exact(major_minor)?),
            "openEuler" | "openeuler" => ("openEuler", exact(version.to_owned())?),
            _ => return None,
        };
        Some(Self { ecosystem, release })
    }

    /// The release to pass to [`crate::Database::affected`], which filters on exact
    /// equality: `Some` when this distribution's releases are compared exactly, `None` when
    /// entries of every release must be fetched and filtered with [`Self::applies_to`].
    pub fn lookup_release(&self) -> Option<&str> {
        match &self.release {
            Release::Exact(release) => Some(release),
            _ => None,
        }
    }

    /// Whether an advisory entry for `ecosystem` (as written, `Ubuntu:22.04:LTS`) applies to
    /// the installed release.
    pub fn applies_to(&self, ecosystem: &str) -> bool {
        let Some((_, release)) = ecosystem.split_once(':').filter(|(_, r)| !r.is_empty()) else {
            // An entry without a release applies to every release.
            return true;
        };
        match &self.release {
            Release::Any => true,
            Release::Exact(installed) => release == installed,
            Release::Ubuntu(installed) => {
                release == installed || release.strip_suffix(":LTS") == Some(installed)
            }
            Release::RedHatMajor(installed) => {
                let mut parts = release.split(':');
                let product = parts.next().unwrap_or_default();
                let version = parts.next().unwrap_or_default();
                let product_major = version.split('.').next().unwrap_or_default();
                matches!(
                    product,
                    "enterprise_linux" | "rhel_eus" | "rhel_e4s" | "rhel_aus"
                ) && product_major == installed
                    && !installed.is_empty()
            }
            Release::Suffix(installed) => release.ends_with(installed.as_str()),
        }
    }
}

/// SUSE's `VERSION_ID` `15.4` as its advisories name the product: `15 SP4`; `15` stays `15`.
fn suse_version(version: &str) -> String {
    match version.split_once('.') {
        Some((major, service_pack)) if service_pack != "0" => format!("{major} SP{service_pack}"),
        Some((major, _)) => major.to_owned(),
        None => version.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(id: &str, version: Option<&str>) -> Option<DistroEcosystem> {
        DistroEcosystem::of(&Distro::new(id, version.map(str::to_owned)))
    }

    #[test]
    fn debian_and_alpine_compare_exact_releases() {
        let debian = of("debian", Some("12")).expect("Debian 12 is published");
        assert_eq!(debian.ecosystem, "Debian");
        assert_eq!(debian.lookup_release(), Some("12"));
        assert!(debian.applies_to("Debian:12"));
        assert!(!debian.applies_to("Debian:11"));
        assert!(debian.applies_to("Debian"));
        let alpine = of("alpine", Some("3.20.3")).expect("Alpine 3.20 is published");
        assert_eq!(alpine.lookup_release(), Some("v3.20"));
        assert!(alpine.applies_to("Alpine:v3.20"));
        assert!(!alpine.applies_to("Alpine:v3.2"));
    }

    #[test]
    fn releases_that_cannot_be_told_are_not_guessed() {
        assert_eq!(of("debian", None), None);
        assert_eq!(of("alpine", None), None);
        assert_eq!(of("gentoo", Some("2.14")), None);
    }

    #[test]
    fn ubuntu_takes_lts_but_not_pro() {
        let ubuntu = of("ubuntu", Some("22.04")).expect("Ubuntu is published");
        assert_eq!(ubuntu.lookup_release(), None);
        assert!(ubuntu.applies_to("Ubuntu:22.04:LTS"));
        assert!(ubuntu.applies_to("Ubuntu:22.04"));
        assert!(!ubuntu.applies_to("Ubuntu:Pro:22.04:LTS"));
        assert!(!ubuntu.applies_to("Ubuntu:20.04:LTS"));
    }

    #[test]
    fn red_hat_matches_products_of_the_major_version() {
        let rhel = of("rhel", Some("9.4")).expect("RHEL is published");
        assert!(rhel.applies_to("Red Hat:enterprise_linux:9::appstream"));
        assert!(rhel.applies_to("Red Hat:rhel_e4s:9.2::appstream"));
        assert!(!rhel.applies_to("Red Hat:enterprise_linux:8::appstream"));
        assert!(!rhel.applies_to("Red Hat:openshift:4.14::el9"));
    }

    #[test]
    fn suse_names_service_packs() {
        let sles = of("sles", Some("15.4")).expect("SLES is published");
        assert!(sles.applies_to("SUSE:Linux Enterprise Server 15 SP4"));
        assert!(!sles.applies_to("SUSE:Linux Enterprise Server 15 SP5"));
        let leap = of("opensuse-leap", Some("15.5")).expect("Leap is published");
        assert!(leap.applies_to("openSUSE:Leap 15.5"));
    }
}
