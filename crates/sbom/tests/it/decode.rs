//! Reading SBOMs back with `read_sbom`: custody's own documents round trip to the inventory
//! they were made from; Syft's documents of a root filesystem built here give the packages and
//! distribution that filesystem holds; malformed input gives errors with positions, and
//! elements that cannot be packages give warnings naming them.

use std::path::{Path, PathBuf};
use std::process::Command;

use custody_model::{
    Dependency, Distro, Ecosystem, ImageInfo, InstallState, Inventory, Location, Package, Purl,
    Scope, SourcePackage, TargetInfo, TargetKind,
};
use custody_sbom::{Error, LicenseExpression, SbomFormat, read_sbom, to_cyclonedx, to_spdx};

use crate::{fixtures, options, peer_tool};

// --- Round trips ---------------------------------------------------------------------------

/// A Debian image the way custody-inventory's `resolve` builds it: OS purls with `upstream`,
/// a `PyPI` package owned by the Debian package that installed it, language packages whose
/// names span purl namespace and name (npm scope, Maven group, Go module path), a `PyPI`
/// name whose purl is lowercased, and dependency edges among language packages.
fn language_image() -> Inventory {
    let layer = "sha256:8888888888888888888888888888888888888888888888888888888888888888";
    let status = Location::new("var/lib/dpkg/status").in_layer(layer);
    let mut python3_six = Package::new(
        Ecosystem::Deb,
        "python3-six",
        "1.16.0-4",
        Purl::new("deb", Some("debian"), "python3-six", "1.16.0-4")
            .with_qualifier("arch", "all")
            .with_qualifier("upstream", "six")
            .with_qualifier("distro", "debian-12"),
    );
    python3_six.arch = Some("all".to_owned());
    python3_six.source = Some(SourcePackage {
        name: "six".to_owned(),
        version: Some("1.16.0-4".to_owned()),
    });
    python3_six.state = Some(InstallState::Installed);
    python3_six.licenses = vec!["MIT".to_owned()];
    python3_six.locations = vec![status];

    let language = |ecosystem: Ecosystem, name: &str, namespace: Option<&str>, purl_name: &str| {
        let version = "1.0.0";
        let purl = Purl::new(ecosystem.purl_type(), namespace, purl_name, version).build();
        let mut package = Package::new(ecosystem, name, version, purl);
        package.locations = vec![Location::new(format!("app/{purl_name}.lock")).in_layer(layer)];
        package
    };
    let mut six = Package::new(
        Ecosystem::Pypi,
        "six",
        "1.16.0",
        Purl::new("pypi", None, "six", "1.16.0"),
    );
    six.licenses = vec!["MIT".to_owned()];
    six.locations = vec![
        Location::new("usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA")
            .in_layer(layer),
    ];
    six.owned_by = Some(python3_six.id().to_owned());
    let mut angular = language(Ecosystem::Npm, "@angular/core", Some("@angular"), "core");
    angular.scope.direct = Some(true);
    let mut rxjs = language(Ecosystem::Npm, "rxjs", None, "rxjs");
    rxjs.scope = Scope {
        direct: Some(false),
        dev: true,
    };
    let commons = language(
        Ecosystem::Maven,
        "org.apache.commons:commons-lang3",
        Some("org.apache.commons"),
        "commons-lang3",
    );
    let logrus = language(
        Ecosystem::Golang,
        "github.com/sirupsen/logrus",
        Some("github.com/sirupsen"),
        "logrus",
    );
    let pyyaml = language(Ecosystem::Pypi, "PyYAML", None, "pyyaml");
    let dependencies = vec![Dependency {
        from: angular.id().to_owned(),
        to: rxjs.id().to_owned(),
    }];
    let mut distro = Distro::new("debian", Some("12".to_owned()));
    distro.codename = Some("bookworm".to_owned());
    Inventory {
        schema_version: Inventory::SCHEMA_VERSION,
        target: TargetInfo {
            kind: TargetKind::OciArchive,
            name: "app.tar".to_owned(),
            image: Some(ImageInfo {
                manifest_digest: Some(
                    "sha256:9999999999999999999999999999999999999999999999999999999999999999"
                        .to_owned(),
                ),
                config_digest:
                    "sha256:aaaa999999999999999999999999999999999999999999999999999999999999"
                        .to_owned(),
                platform: Some("linux/arm64".to_owned()),
                layers: vec![custody_model::LayerInfo {
                    digest: layer.to_owned(),
                    diff_id: None,
                    size: 1,
                    media_type: "application/vnd.oci.image.layer.v1.tar+gzip".to_owned(),
                }],
                tags: vec!["app:2".to_owned()],
            }),
        },
        distro: Some(distro),
        packages: vec![python3_six, angular, rxjs, logrus, commons, pyyaml, six],
        dependencies,
        warnings: Vec::new(),
    }
}

/// An RPM root filesystem the way custody-inventory builds it: the epoch in the version and
/// as the purl `epoch` qualifier, the source rpm as `upstream`.
fn rpm_rootfs() -> Inventory {
    let mut openssl_libs = Package::new(
        Ecosystem::Rpm,
        "openssl-libs",
        "1:3.0.7-27.el9",
        Purl::new("rpm", Some("rocky"), "openssl-libs", "3.0.7-27.el9")
            .with_qualifier("arch", "x86_64")
            .with_qualifier("epoch", "1")
            .with_qualifier("upstream", "openssl-3.0.7-27.el9.src.rpm")
            .with_qualifier("distro", "rocky-9.4"),
    );
    openssl_libs.arch = Some("x86_64".to_owned());
    openssl_libs.source = Some(SourcePackage {
        name: "openssl".to_owned(),
        version: Some("3.0.7-27.el9".to_owned()),
    });
    openssl_libs.licenses = vec!["Apache-2.0".to_owned()];
    openssl_libs.locations = vec![Location::new("var/lib/rpm/rpmdb.sqlite")];
    Inventory {
        schema_version: Inventory::SCHEMA_VERSION,
        target: TargetInfo {
            kind: TargetKind::Rootfs,
            name: "/srv/rocky".to_owned(),
            image: None,
        },
        distro: Some(Distro::new("rocky", Some("9.4".to_owned()))),
        packages: vec![openssl_libs],
        dependencies: Vec::new(),
        warnings: Vec::new(),
    }
}

/// Every inventory the round trips run on: the encoders' fixtures and the two above.
fn inventories() -> Vec<(&'static str, Inventory)> {
    let mut all = fixtures::all();
    all.push(("language-image", language_image()));
    all.push(("rpm-rootfs", rpm_rootfs()));
    all
}

/// The licenses as the encoders can state them: when every one is an SPDX expression, their
/// conjunction (`A AND (B OR C)`), which is what SPDX's `licenseDeclared` and a CycloneDX
/// `expression` hold; else each one, canonical where it is an expression, blanks dropped.
fn license_terms(licenses: &[String]) -> Vec<String> {
    let texts: Vec<&str> = licenses
        .iter()
        .map(|license| license.trim())
        .filter(|license| !license.is_empty())
        .collect();
    let parsed: Option<Vec<LicenseExpression>> = texts
        .iter()
        .map(|text| LicenseExpression::parse(text).ok())
        .collect();
    match parsed.and_then(LicenseExpression::all_of) {
        Some(conjunction) => vec![conjunction.to_string()],
        None => texts
            .iter()
            .map(|text| {
                LicenseExpression::parse(text)
                    .map_or_else(|_| (*text).to_owned(), |expression| expression.to_string())
            })
            .collect(),
    }
}

/// The dependency edges an SBOM can hold: between packages of the inventory, not from a
/// package to itself, without repeats, sorted.
fn expressible_edges(inventory: &Inventory) -> Vec<Dependency> {
    let held = |id: &str| inventory.packages.iter().any(|package| package.id() == id);
    let mut edges: Vec<Dependency> = inventory
        .dependencies
        .iter()
        .filter(|edge| edge.from != edge.to && held(&edge.from) && held(&edge.to))
        .cloned()
        .collect();
    edges.sort();
    edges.dedup();
    edges
}

fn sorted(mut packages: Vec<Package>) -> Vec<Package> {
    packages.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.version, &a.purl).cmp(&(
            b.ecosystem,
            &b.name,
            &b.version,
            &b.purl,
        ))
    });
    packages
}

/// The package facts both formats must give back, `files` excepted (SBOMs list packages,
/// not the files each owns).
#[derive(Debug, PartialEq)]
struct Facts {
    ecosystem: Ecosystem,
    name: String,
    version: String,
    purl: String,
    arch: Option<String>,
    source: Option<SourcePackage>,
    licenses: Vec<String>,
    state: Option<InstallState>,
    locations: Vec<Location>,
    owned_by: Option<String>,
    scope: Scope,
}

fn facts(package: &Package) -> Facts {
    Facts {
        ecosystem: package.ecosystem,
        name: package.name.clone(),
        version: package.version.clone(),
        purl: package.purl.to_string(),
        arch: package.arch.clone(),
        source: package.source.clone(),
        licenses: license_terms(&package.licenses),
        state: package.state,
        locations: package.locations.clone(),
        owned_by: package.owned_by.clone(),
        scope: package.scope,
    }
}

/// Image identity as SBOMs carry it: no layer sizes or media types, an empty manifest digest
/// the same as none.
fn image_identity(image: Option<&ImageInfo>) -> Option<ImageInfo> {
    image.cloned().map(|mut image| {
        image.manifest_digest = image.manifest_digest.filter(|digest| !digest.is_empty());
        for layer in &mut image.layers {
            layer.size = 0;
            layer.media_type = String::new();
        }
        image
    })
}

fn decode(document: &serde_json::Value, origin: &str) -> Inventory {
    let bytes = serde_json::to_vec(document).expect("a JSON value serializes");
    read_sbom(&bytes, origin).unwrap_or_else(|error| panic!("{origin}: {error}"))
}

/// Shared checks: the target is the SBOM file with the image identity, dependencies and
/// packages come back (per-format differences applied by `expect`), and no warnings.
fn assert_round_trip(
    label: &str,
    original: &Inventory,
    decoded: &Inventory,
    expect: impl Fn(&Package) -> Facts,
    adjust_image: impl Fn(&mut ImageInfo),
) {
    assert_eq!(decoded.target.kind, TargetKind::Sbom, "{label}");
    assert_eq!(decoded.target.name, label, "{label}");
    let mut expected_image = image_identity(original.target.image.as_ref());
    if let Some(image) = &mut expected_image {
        adjust_image(image);
    }
    assert_eq!(
        image_identity(decoded.target.image.as_ref()),
        expected_image,
        "{label}"
    );
    assert_eq!(decoded.warnings, Vec::new(), "{label}");
    assert_eq!(decoded.dependencies, expressible_edges(original), "{label}");
    let expected: Vec<Facts> = sorted(original.packages.clone())
        .iter()
        .map(expect)
        .collect();
    let got: Vec<Facts> = decoded.packages.iter().map(facts).collect();
    assert_eq!(got, expected, "{label}");
}

#[test]
fn cyclonedx_round_trips_every_fixture() {
    for (label, original) in inventories() {
        let origin = format!("{label}.cdx.json");
        let decoded = decode(&to_cyclonedx(&original, &options()), &origin);
        assert_round_trip(&origin, &original, &decoded, facts, |_| {});
        let mut expected_distro = original.distro.clone();
        if label == "odd-values"
            && let Some(distro) = &mut expected_distro
        {
            // `custody:distro:idLike` joins ids with spaces, as os-release does; an id that
            // holds a space (`a b`) reads back as two.
            distro.id_like = vec!["a".to_owned(), "b".to_owned()];
        }
        assert_eq!(decoded.distro, expected_distro, "{label}");
    }
}

/// SPDX 2.3 has no properties: custody writes its facts as text, and some do not fit. Each
/// difference from the CycloneDX round trip is named here.
#[test]
fn spdx_round_trips_every_fixture() {
    for (label, original) in inventories() {
        let origin = format!("{label}.spdx.json");
        let decoded = decode(&to_spdx(&original, &options()), &origin);
        let expect = |package: &Package| {
            let mut expected = facts(package);
            // The encoder writes the install state only when it is not `installed`.
            expected.state = package
                .state
                .filter(|state| *state != InstallState::Installed);
            // Lockfile scopes are CycloneDX properties; SPDX has no field for them.
            expected.scope = Scope::default();
            if label == "odd-values" {
                // `sourceInfo` is a sentence joined with `; `, and this source package's name
                // holds `; ` and its version is empty: the sentence cannot be split back.
                expected.source = Some(SourcePackage {
                    name: "sörce".to_owned(),
                    version: None,
                });
            }
            expected
        };
        // Diff ids are not in the root's comment.
        let image = |image: &mut ImageInfo| {
            for layer in &mut image.layers {
                layer.diff_id = None;
            }
        };
        assert_round_trip(&origin, &original, &decoded, expect, image);
        // Only the id, version and pretty name have SPDX fields.
        let expected_distro = original.distro.as_ref().map(|distro| Distro {
            pretty_name: distro.pretty_name.clone(),
            ..Distro::new(distro.id.clone(), distro.version_id.clone())
        });
        assert_eq!(decoded.distro, expected_distro, "{label}");
    }
}

// --- Other tools' SBOMs --------------------------------------------------------------------

/// Test data: a Debian 12 root filesystem (four dpkg packages, one with an epoch and a
/// versioned source, one owning a dist-info per its `.list`; a pip-installed package;
/// os-release) and Trivy's SBOMs of it.
fn data(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/it/data")
        .join(path)
}

/// Runs Syft on `root` and returns the document in `format` (`cyclonedx-json`,
/// `spdx-json`).
fn syft(root: &Path, format: &str) -> Vec<u8> {
    let output = Command::new(peer_tool("syft"))
        .arg("scan")
        .arg(format!("dir:{}", root.display()))
        .arg("-o")
        .arg(format)
        .arg("-q")
        .env("SYFT_CHECK_FOR_APP_UPDATE", "false")
        .output()
        .expect("syft runs");
    assert!(
        output.status.success(),
        "syft failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output.stdout
}

/// What the root filesystem holds, as custody-inventory reports it: purls built by its
/// `resolve` (`upstream` without a version when the source version is the binary's),
/// source versions as its dpkg cataloger records them (the binary's when `Source:` has none),
/// locations relative to the root. Syft does not record install states, nor that the dpkg
/// package `python3-six` owns `six`'s dist-info.
fn expected_rootfs_packages() -> Vec<Facts> {
    let deb = |name: &str, version: &str, purl: &str, arch: &str, source: (&str, &str)| Facts {
        ecosystem: Ecosystem::Deb,
        name: name.to_owned(),
        version: version.to_owned(),
        purl: purl.to_owned(),
        arch: Some(arch.to_owned()),
        source: Some(SourcePackage {
            name: source.0.to_owned(),
            version: Some(source.1.to_owned()),
        }),
        licenses: Vec::new(),
        state: None,
        locations: vec![Location::new("var/lib/dpkg/status")],
        owned_by: None,
        scope: Scope::default(),
    };
    let pypi = |name: &str, version: &str, license: &str, path: &str| Facts {
        ecosystem: Ecosystem::Pypi,
        name: name.to_owned(),
        version: version.to_owned(),
        purl: format!("pkg:pypi/{name}@{version}"),
        arch: None,
        source: None,
        licenses: license_terms(&[license.to_owned()]),
        state: None,
        locations: vec![Location::new(path)],
        owned_by: None,
        scope: Scope::default(),
    };
    vec![
        deb(
            "bsdutils",
            "1:2.38.1-5+b1",
            "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5",
            "amd64",
            ("util-linux", "2.38.1-5"),
        ),
        deb(
            "libc6",
            "2.36-9+deb12u7",
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc",
            "amd64",
            ("glibc", "2.36-9+deb12u7"),
        ),
        deb(
            "libssl3",
            "3.0.15-1~deb12u1",
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12&upstream=openssl",
            "amd64",
            ("openssl", "3.0.15-1~deb12u1"),
        ),
        deb(
            "python3-six",
            "1.16.0-4",
            "pkg:deb/debian/python3-six@1.16.0-4?arch=all&distro=debian-12&upstream=six",
            "all",
            ("six", "1.16.0-4"),
        ),
        pypi(
            "requests",
            "2.31.0",
            "Apache 2.0",
            "usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA",
        ),
        pypi(
            "six",
            "1.16.0",
            "MIT",
            "usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA",
        ),
    ]
}

fn assert_rootfs_packages(label: &str, inventory: &Inventory, expected: &[Facts]) {
    let got: Vec<Facts> = inventory.packages.iter().map(facts).collect();
    assert_eq!(got, expected, "{label}");
    let id = |name: &str| {
        inventory
            .packages
            .iter()
            .find(|package| package.name == name)
            .map_or_else(
                || panic!("{label}: no package {name}"),
                |package| package.id().to_owned(),
            )
    };
    // `Depends: libc6` of bsdutils and libssl3.
    assert_eq!(
        inventory.dependencies,
        vec![
            Dependency {
                from: id("bsdutils"),
                to: id("libc6"),
            },
            Dependency {
                from: id("libssl3"),
                to: id("libc6"),
            },
        ],
        "{label}"
    );
    assert_eq!(inventory.warnings, Vec::new(), "{label}");
}

#[test]
fn reads_syft_cyclonedx() {
    let inventory = read_sbom(
        &syft(&data("debian-rootfs"), "cyclonedx-json"),
        "syft.cdx.json",
    )
    .unwrap();
    assert_rootfs_packages("cyclonedx", &inventory, &expected_rootfs_packages());
    // Syft's operating-system component, with its `syft:distro:versionCodename`.
    let mut distro = Distro::new("debian", Some("12".to_owned()));
    distro.codename = Some("bookworm".to_owned());
    distro.pretty_name = Some("Debian GNU/Linux 12 (bookworm)".to_owned());
    assert_eq!(inventory.distro, Some(distro));
}

#[test]
fn reads_syft_spdx() {
    let inventory =
        read_sbom(&syft(&data("debian-rootfs"), "spdx-json"), "syft.spdx.json").unwrap();
    // Locations from Syft's `evident-by` relationships; `LicenseRef-Apache-2.0` resolved to
    // the text Syft extracted.
    assert_rootfs_packages("spdx", &inventory, &expected_rootfs_packages());
    // Syft's SPDX has no OS package: the distribution comes from the purls' `distro=debian-12`.
    assert_eq!(
        inventory.distro,
        Some(Distro::new("debian", Some("12".to_owned())))
    );
}

/// Trivy's view of the same root filesystem (its SBOMs committed, see
/// `scripts/generate_trivy_sboms.py`): the epoch moves to an `epoch` qualifier and the
/// version keeps it; sources come from Trivy's `SrcName`/`SrcVersion`/`SrcRelease`
/// properties (CycloneDX) or `built package from:` (SPDX); dpkg packages have no location;
/// Trivy leaves out `six`, whose files dpkg owns; the distribution is `etc/debian_version`'s.
fn expected_trivy_packages() -> Vec<Facts> {
    let deb = |name: &str, version: &str, purl: &str, arch: &str, source: (&str, &str)| Facts {
        ecosystem: Ecosystem::Deb,
        name: name.to_owned(),
        version: version.to_owned(),
        purl: purl.to_owned(),
        arch: Some(arch.to_owned()),
        source: Some(SourcePackage {
            name: source.0.to_owned(),
            version: Some(source.1.to_owned()),
        }),
        licenses: Vec::new(),
        state: None,
        locations: Vec::new(),
        owned_by: None,
        scope: Scope::default(),
    };
    vec![
        deb(
            "bsdutils",
            "1:2.38.1-5+b1",
            "pkg:deb/debian/bsdutils@2.38.1-5%2Bb1?arch=amd64&distro=debian-12.5&epoch=1",
            "amd64",
            ("util-linux", "2.38.1-5"),
        ),
        deb(
            "libc6",
            "2.36-9+deb12u7",
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12.5",
            "amd64",
            ("glibc", "2.36-9+deb12u7"),
        ),
        deb(
            "libssl3",
            "3.0.15-1~deb12u1",
            "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&distro=debian-12.5",
            "amd64",
            ("openssl", "3.0.15-1~deb12u1"),
        ),
        deb(
            "python3-six",
            "1.16.0-4",
            "pkg:deb/debian/python3-six@1.16.0-4?arch=all&distro=debian-12.5",
            "all",
            ("six", "1.16.0-4"),
        ),
        Facts {
            ecosystem: Ecosystem::Pypi,
            name: "requests".to_owned(),
            version: "2.31.0".to_owned(),
            purl: "pkg:pypi/requests@2.31.0".to_owned(),
            arch: None,
            source: None,
            licenses: vec!["Apache-2.0".to_owned()],
            state: None,
            locations: vec![Location::new(
                "usr/local/lib/python3.11/site-packages/requests-2.31.0.dist-info/METADATA",
            )],
            owned_by: None,
            scope: Scope::default(),
        },
    ]
}

#[test]
fn reads_trivy_cyclonedx_and_spdx() {
    for name in ["trivy.cdx.json", "trivy.spdx.json"] {
        let bytes = fs_err::read(data(name)).expect("the committed Trivy SBOM");
        let inventory = read_sbom(&bytes, name).unwrap_or_else(|error| panic!("{error}"));
        assert_rootfs_packages(name, &inventory, &expected_trivy_packages());
        assert_eq!(
            inventory.distro,
            Some(Distro::new("debian", Some("12.5".to_owned()))),
            "{name}"
        );
    }
}

// --- Malformed input -----------------------------------------------------------------------

fn error_of(bytes: &[u8]) -> Error {
    read_sbom(bytes, "bad.json").expect_err("must be rejected")
}

#[test]
fn invalid_json_names_the_position() {
    let error = error_of(b"{\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": 1.6,,\n}");
    match &error {
        Error::SbomJson {
            origin,
            format: None,
            line: 3,
            column,
            ..
        } => {
            assert_eq!(origin, "bad.json");
            assert_eq!(*column, 22);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "bad.json:3:22: not a valid JSON document"
    );
    assert!(matches!(
        error_of(b""),
        Error::SbomJson { format: None, .. }
    ));
    assert!(matches!(
        error_of(b"[1, 2]"),
        Error::SbomJson { format: None, .. }
    ));
}

#[test]
fn shape_errors_name_the_format_and_position() {
    let error = error_of(
        b"{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\",\n\"components\": \"none\"}",
    );
    assert!(
        matches!(
            error,
            Error::SbomJson {
                format: Some(SbomFormat::CycloneDx),
                line: 2,
                ..
            }
        ),
        "{error:?}"
    );
    let error = error_of(b"{\"spdxVersion\": \"SPDX-2.3\", \"packages\": [{\"SPDXID\": 7}]}");
    assert!(
        matches!(
            error,
            Error::SbomJson {
                format: Some(SbomFormat::Spdx),
                line: 1,
                ..
            }
        ),
        "{error:?}"
    );
}

#[test]
fn other_json_is_not_an_sbom() {
    for document in [
        &br#"{"bomFormat": "SPDX", "specVersion": "1.6", "components": []}"#[..],
        br#"{"specVersion": "1.6", "components": []}"#,
        br#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": []}"#,
        br#"{"bomFormat": 1}"#,
    ] {
        let error = error_of(document);
        assert!(
            matches!(&error, Error::UnknownSbomFormat { origin } if origin == "bad.json"),
            "{error:?}"
        );
    }
}

#[test]
fn unsupported_versions_are_named() {
    let error = error_of(br#"{"bomFormat": "CycloneDX", "specVersion": "1.1"}"#);
    assert_eq!(
        error.to_string(),
        "bad.json: CycloneDX version `1.1` is not supported (custody reads 1.2 to 1.6)"
    );
    // A number where the schema wants a string is read as its text.
    let error = error_of(br#"{"bomFormat": "CycloneDX", "specVersion": 2}"#);
    assert!(
        matches!(&error, Error::UnsupportedSbomVersion { version, .. } if version == "2"),
        "{error:?}"
    );
    let error = error_of(br#"{"spdxVersion": "SPDX-3.0"}"#);
    assert!(
        matches!(
            &error,
            Error::UnsupportedSbomVersion { format: SbomFormat::Spdx, version, .. } if version == "SPDX-3.0"
        ),
        "{error:?}"
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // Nesting in a section custody reads hits serde_json's recursion limit (128).
    let depth = 100_000;
    let mut deep = br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": "#.to_vec();
    for _ in 0..depth {
        deep.extend(br#"[{"components": "#);
    }
    deep.extend(b"[]");
    deep.extend(std::iter::repeat_n(&b"}]"[..], depth).flatten());
    deep.push(b'}');
    let error = error_of(&deep);
    assert!(
        matches!(
            error,
            Error::SbomJson {
                format: Some(SbomFormat::CycloneDx),
                line: 1,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(
        std::error::Error::source(&error)
            .is_some_and(|source| source.to_string().starts_with("recursion limit exceeded")),
        "{error:?}"
    );
    // Nesting in a section custody skips is skipped without recursing.
    let mut ignored = br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "x": "#.to_vec();
    ignored.extend(std::iter::repeat_n(b'[', depth));
    ignored.extend(std::iter::repeat_n(b']', depth));
    ignored.push(b'}');
    assert_eq!(
        read_sbom(&ignored, "ignored.json").unwrap().packages,
        Vec::new()
    );

    // Nested components within the limit are walked like flat ones.
    let mut nested =
        serde_json::json!({"type": "library", "name": "leaf", "purl": "pkg:npm/leaf@1.0.0"});
    for depth in 0..20 {
        nested = serde_json::json!({"type": "application", "name": format!("level{depth}"), "components": [nested]});
    }
    let bom =
        serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.4", "components": [nested]});
    let inventory = decode(&bom, "nested.json");
    let names: Vec<&str> = inventory
        .packages
        .iter()
        .map(|package| package.name.as_str())
        .collect();
    assert_eq!(names, ["leaf"]);
    // The 20 `application` components without a purl are named in one warning.
    assert_eq!(inventory.warnings.len(), 1);
    assert!(
        inventory.warnings[0]
            .message
            .starts_with("skipped 20 components without a purl: `level19`, `level18`"),
        "{:?}",
        inventory.warnings
    );
}

#[test]
fn oversized_input_is_refused_before_parsing() {
    let bytes = vec![b' '; custody_sbom::MAX_SBOM_SIZE + 1];
    let error = error_of(&bytes);
    assert!(
        matches!(error, Error::SbomTooLarge { size, limit, .. } if size == limit + 1),
        "{error:?}"
    );
}

/// Elements that cannot be packages are skipped with a warning naming them and saying why;
/// elements that are not packages at all (files, the root) are skipped without one.
#[test]
fn unusable_components_are_named_in_warnings() {
    let bom = serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"component": {"type": "container", "name": "app", "purl": "pkg:oci/app@sha256%3Aab"}},
        "components": [
            {"type": "library", "bom-ref": "a", "name": "kept", "version": "1.0.0", "purl": "pkg:cargo/kept@1.0.0"},
            {"type": "library", "bom-ref": "b", "name": "vendored", "version": "2.1"},
            {"type": "file", "name": "/etc/passwd"},
            {"type": "library", "bom-ref": "c", "name": "broken", "purl": "pkg:npm/broken@1%zz"},
            {"type": "library", "bom-ref": "d", "name": "action", "version": "v4", "purl": "pkg:github/actions/checkout@v4"},
            {"type": "library", "name": "blob", "purl": "pkg:generic/blob@1"}
        ],
        "dependencies": [{"ref": "a", "dependsOn": ["b", "c", "missing"]}]
    });
    let inventory = decode(&bom, "mixed.json");
    assert_eq!(inventory.packages.len(), 1);
    assert_eq!(inventory.packages[0].purl.as_str(), "pkg:cargo/kept@1.0.0");
    assert_eq!(inventory.dependencies, Vec::new());
    let messages: Vec<&str> = inventory
        .warnings
        .iter()
        .map(|warning| warning.message.as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "skipped 1 component without a purl: `vendored@2.1` [b]",
            "skipped 1 component with an invalid purl: `broken` [c] (`pkg:npm/broken@1%zz` is \
             not a package URL (at byte 16: `%` not followed by two hexadecimal digits))",
            "skipped 1 component whose purl type `generic` custody has no ecosystem for: `blob`",
            "skipped 1 component whose purl type `github` custody has no ecosystem for: \
             `action@v4` [d]",
        ]
    );
}

#[test]
fn spdx_packages_without_purls_are_named() {
    let document = serde_json::json!({
        "spdxVersion": "SPDX-2.2",
        "SPDXID": "SPDXRef-DOCUMENT",
        "documentDescribes": ["SPDXRef-root"],
        "packages": [
            {"SPDXID": "SPDXRef-root", "name": "image"},
            {"SPDXID": "SPDXRef-a", "name": "alpine-baselayout", "versionInfo": "3.6.5-r0",
             "licenseDeclared": "GPL-2.0-only",
             "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
                               "referenceLocator": "pkg:apk/alpine/alpine-baselayout@3.6.5-r0?arch=x86_64&distro=alpine-3.20.3"}]},
            {"SPDXID": "SPDXRef-b", "name": "Python", "primaryPackagePurpose": "APPLICATION"},
            {"SPDXID": "SPDXRef-c", "name": "usr/lib/x.tar", "primaryPackagePurpose": "ARCHIVE"}
        ],
        "relationships": [
            {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-b"}
        ]
    });
    let inventory = decode(&document, "trivy-like.spdx.json");
    let package = &inventory.packages[0];
    assert_eq!(inventory.packages.len(), 1);
    assert_eq!(
        (
            package.ecosystem,
            package.name.as_str(),
            package.arch.as_deref(),
            &package.licenses[..]
        ),
        (
            Ecosystem::Apk,
            "alpine-baselayout",
            Some("x86_64"),
            &["GPL-2.0-only".to_owned()][..]
        )
    );
    assert_eq!(
        inventory.distro,
        Some(Distro::new("alpine", Some("3.20.3".to_owned())))
    );
    let messages: Vec<&str> = inventory
        .warnings
        .iter()
        .map(|warning| warning.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["skipped 1 package without a purl: `Python` [SPDXRef-b]"]
    );
}

#[test]
fn a_second_operating_system_is_a_warning() {
    let bom = serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.3",
        "components": [
            {"type": "operating-system", "name": "alpine", "version": "3.20.3"},
            {"type": "operating-system", "name": "alpine", "version": "3.20.3"},
            {"type": "operating-system", "name": "debian", "version": "12"}
        ]
    });
    let inventory = decode(&bom, "two.json");
    assert_eq!(
        inventory.distro,
        Some(Distro::new("alpine", Some("3.20.3".to_owned())))
    );
    let messages: Vec<&str> = inventory
        .warnings
        .iter()
        .map(|warning| warning.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["ignored operating system `debian 12`; the document already names `alpine 3.20.3`"]
    );
}
