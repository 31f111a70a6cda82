//! Lookup keys: OSV ecosystem strings split into base and release, and package names
//! normalized per ecosystem.
//!
//! The importer stores every affected package under ([`ecosystem_key`], release,
//! [`normalize_name`]) and [`crate::Database::affected`] looks packages up by the same key, so
//! callers that build keys from an inventory must use these functions too.

/// Splits an OSV ecosystem string at its first `:` into the base ecosystem and the release.
///
/// `Debian:12` is (`Debian`, `12`), `Ubuntu:Pro:18.04:LTS` is (`Ubuntu`, `Pro:18.04:LTS`),
/// `Red Hat:rhel_e4s:9.2::appstream` is (`Red Hat`, `rhel_e4s:9.2::appstream`) and `PyPI` has
/// no release. An empty release (`Debian:`) counts as none.
///
/// ```
/// assert_eq!(custody_vulndb::split_ecosystem("Alpine:v3.20"), ("Alpine", Some("v3.20")));
/// assert_eq!(custody_vulndb::split_ecosystem("crates.io"), ("crates.io", None));
/// ```
pub fn split_ecosystem(ecosystem: &str) -> (&str, Option<&str>) {
    match ecosystem.split_once(':') {
        Some((base, release)) if !release.is_empty() => (base, Some(release)),
        Some((base, _)) => (base, None),
        None => (ecosystem, None),
    }
}

/// The lookup key of an ecosystem: its base (see [`split_ecosystem`]) in ASCII lowercase, since
/// OSV ecosystem names are matched case-insensitively (`PyPI`, `pypi`).
///
/// ```
/// assert_eq!(custody_vulndb::ecosystem_key("Debian:12"), "debian");
/// assert_eq!(custody_vulndb::ecosystem_key("Rocky Linux:9"), "rocky linux");
/// ```
pub fn ecosystem_key(ecosystem: &str) -> String {
    split_ecosystem(ecosystem).0.to_ascii_lowercase()
}

/// Normalizes a package name the way its ecosystem compares names, so that the name in an
/// advisory and the name in an inventory meet on one key. `ecosystem` is an OSV ecosystem
/// string or key (`PyPI`, `pypi`, `Debian:12`).
///
/// | ecosystem | rule | why |
/// |---|---|---|
/// | `PyPI` | lowercase, runs of `-`, `_`, `.` become one `-` | PEP 503 normalized names; installed metadata keeps the author's spelling (`Flask_SQLAlchemy`) |
/// | `crates.io` | lowercase, `_` becomes `-` | crates.io refuses a name that differs from an existing one only so, so this never merges two crates, and SBOMs from other tools are not always exact |
/// | `NuGet` | lowercase | NuGet package IDs are case-insensitive |
/// | `Packagist` | lowercase | Composer package names are case-insensitive |
/// | `npm` | as is, scope kept (`@types/node`) | npm names are case-sensitive: legacy mixed-case packages (`JSONStream`) are different packages from their lowercase namesakes |
/// | `Maven` | as is (`group:artifact`) | Maven coordinates are case-sensitive |
/// | `Go` | as is | module paths are case-sensitive |
/// | `RubyGems`, `Hex`, `Pub`, ... | as is | names are exact |
/// | `Debian`, `Ubuntu`, `Alpine`, `Red Hat`, `Rocky Linux`, `AlmaLinux`, `SUSE`, `Wolfi`, `Chainguard`, ... | as is | distro advisories name source packages exactly as the package database does |
///
/// ```
/// use custody_vulndb::normalize_name;
///
/// assert_eq!(normalize_name("PyPI", "Flask_SQLAlchemy"), "flask-sqlalchemy");
/// assert_eq!(normalize_name("npm", "@Types/node"), "@Types/node");
/// assert_eq!(normalize_name("Debian:12", "openssl"), "openssl");
/// ```
pub fn normalize_name(ecosystem: &str, name: &str) -> String {
    let base = split_ecosystem(ecosystem).0;
    if base.eq_ignore_ascii_case("pypi") {
        custody_model::pep503_name(name)
    } else if base.eq_ignore_ascii_case("crates.io") {
        name.to_ascii_lowercase().replace('_', "-")
    } else if base.eq_ignore_ascii_case("nuget") || base.eq_ignore_ascii_case("packagist") {
        name.to_lowercase()
    } else {
        name.to_owned()
    }
}

#[cfg(test)]
mod tests {
    //! Splitting ecosystem strings and normalizing names, one ecosystem rule per case.

    use super::*;

    #[test]
    fn splits_releases() {
        assert_eq!(split_ecosystem("Debian:12"), ("Debian", Some("12")));
        assert_eq!(
            split_ecosystem("Ubuntu:Pro:18.04:LTS"),
            ("Ubuntu", Some("Pro:18.04:LTS"))
        );
        assert_eq!(
            split_ecosystem("Red Hat:rhel_e4s:9.2::appstream"),
            ("Red Hat", Some("rhel_e4s:9.2::appstream"))
        );
        assert_eq!(split_ecosystem("Debian:"), ("Debian", None));
        assert_eq!(split_ecosystem("Wolfi"), ("Wolfi", None));
        assert_eq!(ecosystem_key("AlmaLinux:9"), "almalinux");
        assert_eq!(ecosystem_key("SUSE:Linux Enterprise Server 15 SP4"), "suse");
    }

    #[test]
    fn pypi_is_pep_503() {
        assert_eq!(normalize_name("PyPI", "Django"), "django");
        assert_eq!(normalize_name("pypi", "zope.interface"), "zope-interface");
        assert_eq!(normalize_name("PyPI", "a__b-._c"), "a-b-c");
        assert_eq!(normalize_name("PyPI", "requests"), "requests");
    }

    #[test]
    fn other_ecosystems() {
        assert_eq!(normalize_name("crates.io", "Serde_JSON"), "serde-json");
        assert_eq!(
            normalize_name("NuGet", "Newtonsoft.Json"),
            "newtonsoft.json"
        );
        assert_eq!(
            normalize_name("Packagist", "Symfony/HTTP-Kernel"),
            "symfony/http-kernel"
        );
        assert_eq!(normalize_name("npm", "JSONStream"), "JSONStream");
        assert_eq!(normalize_name("npm", "@babel/core"), "@babel/core");
        assert_eq!(
            normalize_name("Maven", "org.apache.logging.log4j:log4j-core"),
            "org.apache.logging.log4j:log4j-core"
        );
        assert_eq!(
            normalize_name("Go", "github.com/BurntSushi/toml"),
            "github.com/BurntSushi/toml"
        );
        assert_eq!(normalize_name("Alpine:v3.20", "py3-pip"), "py3-pip");
    }
}
