//! One SBOM element to one [`Package`]: the purl decides the ecosystem, name, version,
//! architecture and (through Syft's `upstream` qualifier) the source package; custody's
//! properties, when present, override with what custody recorded exactly, and Trivy's give
//! the source package.
//!
//! Names and versions are put back the way custody-inventory builds them (its `resolve`
//! module), so a package read from an SBOM equals the one a scan finds: language names are
//! recombined from namespace and name (npm `@scope/name`, Maven `group:artifact`, Go,
//! Composer and Swift `namespace/name`), and an RPM `epoch` qualifier goes back in front of
//! the version (`1:3.0.7-27.el9`).

use serde::Deserialize;
use serde::de::IntoDeserializer;
use serde::de::value::Error as ValueError;

use custody_model::{
    Ecosystem, InstallState, Package, ParsedPurl, Purl, Scope, SourcePackage, pep503_name,
};

use super::{Element, Skip};

/// A package built from an element, with what the assembler needs besides it.
pub(super) struct Built {
    pub(super) package: Package,
    /// The purl `distro` qualifier of an OS package (`debian-12`).
    pub(super) distro_qualifier: Option<String>,
    /// An install state property custody does not know, to warn about.
    pub(super) unknown_state: Option<String>,
}

/// Builds the package, or says why not: the reason and, for bad purls, the parse error.
pub(super) fn to_package(element: Element<'_>) -> Result<Built, (Skip, Option<String>)> {
    let facts = element.facts;
    let parsed = match element.purl.filter(|purl| !purl.trim().is_empty()) {
        Some(purl) => Some(
            Purl::parse(purl.trim())
                .map_err(|error| (Skip::InvalidPurl, Some(error.to_string())))?,
        ),
        None => None,
    };
    let kind = match (&parsed, &facts.ecosystem) {
        (Some(parsed), _) => parsed.kind.as_str(),
        (None, Some(ecosystem)) => ecosystem.as_str(),
        (None, None) => return Err((Skip::NoPurl, None)),
    };
    let ecosystem = ecosystem_of(kind).ok_or_else(|| (Skip::UnknownType(kind.to_owned()), None))?;

    let name = match &parsed {
        Some(parsed) => {
            let from_purl = full_name(ecosystem, parsed);
            if same_name(ecosystem, element.name, &from_purl) {
                element.name.to_owned()
            } else {
                from_purl
            }
        }
        None => element.name.to_owned(),
    };
    let purl_version = parsed.as_ref().and_then(|parsed| parsed.version.as_deref());
    let mut version = element
        .version
        .filter(|version| !version.is_empty())
        .or(purl_version)
        .unwrap_or_default()
        .to_owned();
    let qualifier = |key: &str| parsed.as_ref().and_then(|parsed| parsed.qualifier(key));
    if let Some(epoch) = qualifier("epoch")
        && !version.is_empty()
        && !version.contains(':')
    {
        version = format!("{epoch}:{version}");
    }

    let source = facts.source().or_else(|| {
        qualifier("upstream")
            .filter(|_| ecosystem.is_os())
            .map(|upstream| upstream_source(ecosystem, upstream, &version))
    });
    let (state, unknown_state) = match facts.state.as_deref().map(install_state) {
        Some(Ok(state)) => (Some(state), None),
        Some(Err(text)) => (None, Some(text)),
        None => (None, None),
    };
    let owned_by = facts.owned_by.as_deref().map(|owner| {
        Purl::parse(owner).map_or_else(|_| owner.to_owned(), |owner| owner.to_purl().to_string())
    });
    let distro_qualifier = qualifier("distro")
        .filter(|_| ecosystem.is_os())
        .map(str::to_owned);

    let purl = parsed
        .as_ref()
        .map_or_else(|| Purl::from_canonical(""), ParsedPurl::to_purl);
    let mut package = Package::new(ecosystem, name, version, purl);
    package.arch = facts
        .arch
        .clone()
        .or_else(|| qualifier("arch").map(str::to_owned));
    package.source = source;
    package.licenses = element
        .licenses
        .into_iter()
        .filter(|license| !license.trim().is_empty())
        .collect();
    package.state = state;
    package.locations = facts.locations();
    package.owned_by = owned_by;
    package.scope = Scope {
        direct: facts
            .direct
            .as_deref()
            .and_then(|direct| direct.parse().ok()),
        dev: facts.dev.as_deref() == Some("true"),
    };
    Ok(Built {
        package,
        distro_qualifier,
        unknown_state,
    })
}

/// The ecosystem whose purl type is `kind`. [`Ecosystem`] deserializes from its purl type
/// (its documented serialized form), so this stays the exact inverse of
/// [`Ecosystem::purl_type`] as variants are added.
fn ecosystem_of(kind: &str) -> Option<Ecosystem> {
    Ecosystem::deserialize(IntoDeserializer::<ValueError>::into_deserializer(kind)).ok()
}

/// An [`InstallState`] from the text custody writes ([`InstallState::as_str`]), or the text
/// back when custody does not know it.
fn install_state(text: &str) -> Result<InstallState, String> {
    InstallState::deserialize(IntoDeserializer::<ValueError>::into_deserializer(text))
        .map_err(|_| text.to_owned())
}

/// The package's full name from its purl, joined the way custody-inventory splits it: Maven
/// `group:artifact`; language namespaces (npm scopes, Go module paths, Composer vendors,
/// Swift hosts) with `/`; OS namespaces are the distribution, not part of the name.
fn full_name(ecosystem: Ecosystem, purl: &ParsedPurl) -> String {
    match &purl.namespace {
        Some(namespace) if ecosystem == Ecosystem::Maven => format!("{namespace}:{}", purl.name),
        Some(namespace) if !ecosystem.is_os() => format!("{namespace}/{}", purl.name),
        _ => purl.name.clone(),
    }
}

/// Whether the element's own name is the purl's name as its ecosystem spells it: equal up to
/// ASCII case, and for `PyPI` up to PEP 503 normalization (`PyYAML`, `typing_extensions`).
/// Then the element's spelling wins, since custody keeps names as the package database
/// records them and lowercases only the purl.
fn same_name(ecosystem: Ecosystem, given: &str, from_purl: &str) -> bool {
    if given.eq_ignore_ascii_case(from_purl) {
        return true;
    }
    ecosystem == Ecosystem::Pypi && pep503_name(given) == pep503_name(from_purl)
}

/// The source package a Syft-style `upstream` qualifier names: `openssl`, `util-linux@2.38.1-5`,
/// or for RPM the source rpm file `openssl-3.0.7-27.el9.src.rpm`. Without a version the
/// source has the binary package's version, as custody's dpkg and apk catalogers record it.
fn upstream_source(ecosystem: Ecosystem, upstream: &str, version: &str) -> SourcePackage {
    if ecosystem == Ecosystem::Rpm
        && let Some(source) = SourcePackage::from_source_rpm(upstream)
    {
        return source;
    }
    match upstream.rsplit_once('@') {
        Some((name, source_version)) if !name.is_empty() && !source_version.is_empty() => {
            SourcePackage {
                name: name.to_owned(),
                version: Some(source_version.to_owned()),
            }
        }
        _ => SourcePackage {
            name: upstream.to_owned(),
            version: Some(version.to_owned()).filter(|version| !version.is_empty()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn element<'a>(name: &'a str, version: Option<&'a str>, purl: &'a str) -> Element<'a> {
        Element {
            name,
            version,
            purl: Some(purl),
            ..Element::default()
        }
    }

    fn package(element: Element<'_>) -> Package {
        to_package(element)
            .unwrap_or_else(|(skip, detail)| panic!("{skip:?} {detail:?}"))
            .package
    }

    #[test]
    fn every_ecosystem_is_its_purl_type() {
        for kind in [
            "deb",
            "apk",
            "rpm",
            "npm",
            "pypi",
            "cargo",
            "golang",
            "maven",
            "gem",
            "composer",
            "nuget",
            "hex",
            "pub",
            "swift",
            "cocoapods",
            "conan",
        ] {
            let ecosystem = ecosystem_of(kind).unwrap_or_else(|| panic!("{kind}"));
            assert_eq!(ecosystem.purl_type(), kind);
        }
        assert_eq!(ecosystem_of("generic"), None);
        assert_eq!(ecosystem_of("Deb"), None);
    }

    /// The inverse of custody-inventory's `language_purl`.
    #[test]
    fn recombines_language_names() {
        let cases = [
            ("core", "pkg:npm/%40angular/core@17.0.0", "@angular/core"),
            (
                "commons-io",
                "pkg:maven/commons-io/commons-io@2.15.1",
                "commons-io:commons-io",
            ),
            (
                "logrus",
                "pkg:golang/github.com/sirupsen/logrus@v1.9.3",
                "github.com/sirupsen/logrus",
            ),
            (
                "github.com/sirupsen/logrus",
                "pkg:golang/github.com/sirupsen/logrus@v1.9.3",
                "github.com/sirupsen/logrus",
            ),
            ("log", "pkg:composer/monolog/log@3.5.0", "monolog/log"),
            ("PyYAML", "pkg:pypi/pyyaml@6.0.1", "PyYAML"),
            (
                "typing_extensions",
                "pkg:pypi/typing-extensions@4.9.0",
                "typing_extensions",
            ),
            ("other", "pkg:pypi/requests@2.31.0", "requests"),
            ("libc6", "pkg:deb/debian/libc6@2.36-9", "libc6"),
        ];
        for (given, purl, expected) in cases {
            assert_eq!(package(element(given, None, purl)).name, expected, "{purl}");
        }
    }

    #[test]
    fn rpm_epoch_and_source_rpm() {
        let package = package(element(
            "openssl-libs",
            None,
            "pkg:rpm/rocky/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm&distro=rocky-9.4",
        ));
        assert_eq!(package.version, "1:3.0.7-27.el9");
        assert_eq!(package.arch.as_deref(), Some("x86_64"));
        assert_eq!(
            package.source,
            Some(SourcePackage {
                name: "openssl".into(),
                version: Some("3.0.7-27.el9".into())
            })
        );
        assert_eq!(
            package.purl.as_str(),
            "pkg:rpm/rocky/openssl-libs@3.0.7-27.el9?arch=x86_64&distro=rocky-9.4&epoch=1&upstream=openssl-3.0.7-27.el9.src.rpm"
        );
    }

    #[test]
    fn element_version_with_epoch_wins() {
        let package = package(element(
            "bash",
            Some("0:5.1.8-9.el9"),
            "pkg:rpm/rocky/bash@5.1.8-9.el9?epoch=0",
        ));
        assert_eq!(package.version, "0:5.1.8-9.el9");
    }

    #[test]
    fn upstream_forms() {
        let source = |upstream| upstream_source(Ecosystem::Deb, upstream, "2.36-9");
        assert_eq!(
            source("glibc"),
            SourcePackage {
                name: "glibc".into(),
                version: Some("2.36-9".into())
            }
        );
        assert_eq!(
            source("util-linux@2.38.1-5"),
            SourcePackage {
                name: "util-linux".into(),
                version: Some("2.38.1-5".into())
            }
        );
        assert_eq!(SourcePackage::from_source_rpm("bad.src.rpm"), None);
        assert_eq!(SourcePackage::from_source_rpm("bash-5.1.8-9.el9.rpm"), None);
    }

    #[test]
    fn custody_properties_override_the_purl() {
        let mut element = element(
            "libssl3",
            Some("3.0.15-1~deb12u1"),
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&upstream=wrong",
        );
        element.facts.record("custody:package:arch", "arm64");
        element
            .facts
            .record("custody:package:sourceName", "openssl");
        element
            .facts
            .record("custody:package:state", "half-configured");
        element
            .facts
            .record("custody:package:ownedBy", "pkg:deb/debian/x@1:2");
        let package = package(element);
        assert_eq!(package.arch.as_deref(), Some("arm64"));
        assert_eq!(
            package.source,
            Some(SourcePackage {
                name: "openssl".into(),
                version: None
            })
        );
        assert_eq!(package.state, Some(InstallState::HalfConfigured));
        assert_eq!(package.owned_by.as_deref(), Some("pkg:deb/debian/x@1%3A2"));
    }

    #[test]
    fn rejections() {
        let reason = |element| to_package(element).err().map(|(skip, _)| skip);
        assert_eq!(
            reason(element("x", None, "pkg:generic/x@1")),
            Some(Skip::UnknownType("generic".into()))
        );
        assert_eq!(
            reason(element("x", None, "pkg:deb/x%")),
            Some(Skip::InvalidPurl)
        );
        assert_eq!(
            reason(Element {
                name: "x",
                ..Element::default()
            }),
            Some(Skip::NoPurl)
        );
        let mut unknown_state = element("x", None, "pkg:deb/debian/x@1");
        unknown_state
            .facts
            .record("custody:package:state", "exploded");
        let built = to_package(unknown_state).ok().unwrap();
        assert_eq!(
            (built.package.state, built.unknown_state.as_deref()),
            (None, Some("exploded"))
        );
    }
}
