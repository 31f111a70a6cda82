//! The public API as custody-vulndb uses it: ecosystem names from OSV records, the installed
//! version parsed once, compared with range events, and errors that say what failed.

use std::cmp::Ordering;

use custody_version::{Ecosystem, EcosystemName, Error, InvalidKind, Scheme, Version, compare};

#[test]
fn osv_ecosystem_strings_select_the_scheme() {
    let cases = [
        ("Debian:12", Scheme::Dpkg),
        ("Ubuntu:Pro:22.04:LTS", Scheme::Dpkg),
        ("Alpine:v3.20", Scheme::Apk),
        ("Wolfi", Scheme::Apk),
        ("Red Hat:enterprise_linux:9::appstream", Scheme::Rpm),
        ("Rocky Linux:9", Scheme::Rpm),
        ("openSUSE:Leap 15.5", Scheme::Rpm),
        ("PyPI", Scheme::Pep440),
        ("npm", Scheme::SemVer),
        ("crates.io", Scheme::SemVer),
        ("Go", Scheme::Go),
        ("Maven:https://repo.maven.apache.org/maven2/", Scheme::Maven),
        ("NuGet", Scheme::NuGet),
        ("RubyGems", Scheme::RubyGems),
        ("Packagist", Scheme::Packagist),
        ("Pub", Scheme::Pub),
        ("CRAN", Scheme::Cran),
        ("Hackage", Scheme::Hackage),
        ("Hex", Scheme::SemVer),
    ];
    for (name, scheme) in cases {
        let parsed: EcosystemName = name.parse().unwrap();
        assert_eq!(parsed.ecosystem.scheme(), scheme, "{name}");
        assert_eq!(parsed.to_string(), name);
    }
}

#[test]
fn one_installed_version_against_many_events() {
    let scheme = Ecosystem::RedHat.scheme();
    let installed = scheme.parse("1:3.0.7-27.el9").unwrap();
    let events = [
        "0",
        "1:3.0.1-41.el9_0",
        "1:3.0.7-27.el9",
        "1:3.0.7-28.el9",
        "2:0.1-1",
    ];
    let orderings: Vec<Ordering> = events
        .iter()
        .map(|event| installed.cmp(&scheme.parse(event).unwrap()))
        .collect();
    assert_eq!(
        orderings,
        [
            Ordering::Greater,
            Ordering::Greater,
            Ordering::Equal,
            Ordering::Less,
            Ordering::Less
        ]
    );
}

#[test]
fn sorting_parsed_versions() {
    let scheme = Scheme::Pep440;
    let mut versions: Vec<_> = ["1.0", "1.0rc1", "1.0.post1", "0.9", "1.0.dev1", "1!0.1"]
        .iter()
        .map(|text| scheme.parse(text).unwrap())
        .collect();
    versions.sort();
    let sorted: Vec<&str> = versions.iter().map(Version::as_str).collect();
    assert_eq!(
        sorted,
        ["0.9", "1.0.dev1", "1.0rc1", "1.0", "1.0.post1", "1!0.1"]
    );
}

#[test]
fn garbage_is_an_error_in_every_strict_scheme() {
    for (scheme, garbage) in [
        (Scheme::Dpkg, "1.0 beta"),
        (Scheme::SemVer, "latest"),
        (Scheme::Go, "(devel)"),
        (Scheme::NuGet, "1.2.3.4.5"),
        (Scheme::RubyGems, "beta"),
        (Scheme::Pub, "1.0.0+"),
        (Scheme::Cran, "1.0a"),
        (Scheme::Hackage, "1.0-rc1"),
    ] {
        match compare(scheme, "1.0", garbage) {
            Err(Error::InvalidVersion {
                scheme: failed,
                version,
                kind,
            }) => {
                assert_eq!(failed, scheme);
                assert_eq!(version, garbage);
                assert_ne!(kind, InvalidKind::Empty);
            }
            other => panic!("{scheme}: {garbage:?} gave {other:?}"),
        }
    }
}

#[test]
fn lenient_schemes_still_reject_the_empty_string() {
    for scheme in [
        Scheme::Rpm,
        Scheme::Apk,
        Scheme::Pep440,
        Scheme::Maven,
        Scheme::Packagist,
    ] {
        assert!(scheme.parse("anything-goes").is_ok(), "{scheme}");
        assert!(
            matches!(
                scheme.parse(""),
                Err(Error::InvalidVersion {
                    kind: InvalidKind::Empty,
                    ..
                })
            ),
            "{scheme}"
        );
    }
}

#[test]
fn unknown_ecosystems_are_errors() {
    let error = "Gentoo".parse::<Ecosystem>().unwrap_err();
    assert_eq!(error.to_string(), r#"unknown ecosystem "Gentoo""#);
}
