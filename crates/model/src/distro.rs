//! The operating system a target was built from, as os-release describes it.

use serde::{Deserialize, Serialize};

/// An operating system distribution, identified the way `/etc/os-release` does.
///
/// `id` is the lowercase os-release `ID` (`debian`, `ubuntu`, `alpine`, `rhel`, `rocky`,
/// `almalinux`, `fedora`, `amzn`, `sles`, `opensuse-leap`, `wolfi`, `chainguard`, …), which is
/// also the purl namespace and the key vulnerability data is organised by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Distro {
    /// os-release `ID`, lowercase.
    pub id: String,
    /// os-release `VERSION_ID` (`12`, `22.04`, `3.20.3`); absent on rolling releases.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// os-release `VERSION_CODENAME` (`bookworm`, `jammy`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
    /// os-release `ID_LIKE`, split on spaces (`["rhel", "centos", "fedora"]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub id_like: Vec<String>,
    /// os-release `PRETTY_NAME`, for people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pretty_name: Option<String>,
    /// True for Google's distroless images, which carry Debian's os-release but no dpkg
    /// `status` file (packages are in `var/lib/dpkg/status.d/`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub distroless: bool,
}

impl Distro {
    /// A distribution with only an id and version.
    pub fn new(id: impl Into<String>, version_id: Option<String>) -> Self {
        Self {
            id: id.into(),
            version_id,
            codename: None,
            id_like: Vec::new(),
            pretty_name: None,
            distroless: false,
        }
    }

    /// `id-version_id` as used in purl `distro` qualifiers (`debian-12`, `alpine-3.20.3`), or
    /// just the id when there is no version.
    pub fn purl_qualifier(&self) -> String {
        match &self.version_id {
            Some(version) => format!("{}-{version}", self.id),
            None => self.id.clone(),
        }
    }
}

impl std::fmt::Display for Distro {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.version_id {
            Some(version) => write!(f, "{} {version}", self.id),
            None => f.write_str(&self.id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purl_qualifier_joins_id_and_version() {
        assert_eq!(
            Distro::new("debian", Some("12".into())).purl_qualifier(),
            "debian-12"
        );
        assert_eq!(Distro::new("wolfi", None).purl_qualifier(), "wolfi");
    }
}
