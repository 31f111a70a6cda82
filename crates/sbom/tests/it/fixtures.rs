//! Realistic inventories built in code, one per shape of target the encoders must handle, and
//! scan reports over them for the vulnerability outputs.

use custody_model::{
    DatabaseStatus, Dependency, Distro, Ecosystem, Finding, ImageInfo, InstallState, Inventory,
    LayerInfo, Location, MatchDetail, Misconfiguration, Package, Purl, Rating, RatingMethod,
    Report, Secret, Severity, SourcePackage, Suppressed, Suppression, TargetInfo, TargetKind,
};

/// Every fixture, with a file-name-friendly label.
pub(crate) fn all() -> Vec<(&'static str, Inventory)> {
    vec![
        ("debian-image", debian_image()),
        ("alpine-image", alpine_image()),
        ("rocky-rootfs", rocky_rootfs()),
        ("scratch-image", scratch_image()),
        ("source-dir", source_dir()),
        ("odd-values", odd_values()),
    ]
}

pub(crate) const DEBIAN_LAYERS: [&str; 2] = [
    "sha256:1111111111111111111111111111111111111111111111111111111111111111",
    "sha256:2222222222222222222222222222222222222222222222222222222222222222",
];
pub(crate) const DEBIAN_MANIFEST: &str =
    "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
pub(crate) const DEBIAN_CONFIG: &str =
    "sha256:cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";

fn inventory(target: TargetInfo, distro: Option<Distro>, packages: Vec<Package>) -> Inventory {
    Inventory {
        schema_version: Inventory::SCHEMA_VERSION,
        target,
        distro,
        packages,
        dependencies: Vec::new(),
        warnings: Vec::new(),
    }
}

fn layer(digest: &str, diff_id: Option<&str>) -> LayerInfo {
    LayerInfo {
        digest: digest.to_owned(),
        diff_id: diff_id.map(str::to_owned),
        size: 31_457_280,
        media_type: "application/vnd.oci.image.layer.v1.tar+gzip".to_owned(),
    }
}

struct Os<'a> {
    ecosystem: Ecosystem,
    namespace: &'a str,
    distro: &'a str,
}

impl Os<'_> {
    fn package(&self, name: &str, version: &str, arch: &str, licenses: &[&str]) -> Package {
        let purl = Purl::new(
            self.ecosystem.purl_type(),
            Some(self.namespace),
            name,
            version,
        )
        .with_qualifier("arch", arch)
        .with_qualifier("distro", self.distro)
        .build();
        let mut package = Package::new(self.ecosystem, name, version, purl);
        package.arch = Some(arch.to_owned());
        package.licenses = licenses.iter().map(|text| (*text).to_owned()).collect();
        package.state = Some(InstallState::Installed);
        package
    }
}

fn with_source(mut package: Package, name: &str, version: Option<&str>) -> Package {
    package.source = Some(SourcePackage {
        name: name.to_owned(),
        version: version.map(str::to_owned),
    });
    package
}

fn at(mut package: Package, path: &str, layer: Option<&str>) -> Package {
    let location = Location::new(path);
    package.locations.push(match layer {
        Some(digest) => location.in_layer(digest),
        None => location,
    });
    package
}

fn edge(from: &Package, to: &Package) -> Dependency {
    Dependency {
        from: from.id().to_owned(),
        to: to.id().to_owned(),
    }
}

/// A Debian 12 image in a registry: two layers, source packages, install states, licenses
/// that are SPDX ids, compound expressions and free text, and dependency edges including one
/// to a package the inventory lacks.
#[expect(
    clippy::too_many_lines,
    reason = "one image's packages and edges read best side by side"
)]
pub(crate) fn debian_image() -> Inventory {
    let os = Os {
        ecosystem: Ecosystem::Deb,
        namespace: "debian",
        distro: "debian-12",
    };
    let status = "var/lib/dpkg/status";
    let [base_layer, app_layer] = DEBIAN_LAYERS;
    let bsdutils = at(
        with_source(
            os.package(
                "bsdutils",
                "1:2.38.1-5+b1",
                "amd64",
                &[
                    "BSD-4-Clause-UC",
                    "GPL-2.0-only",
                    "LGPL-2.1+",
                    "public-domain",
                ],
            ),
            "util-linux",
            Some("2.38.1-5"),
        ),
        status,
        Some(base_layer),
    );
    let libc6 = at(
        with_source(
            os.package(
                "libc6",
                "2.36-9+deb12u7",
                "amd64",
                &["LGPL-2.1+", "GPL-2.0-or-later WITH GCC-exception-2.0"],
            ),
            "glibc",
            None,
        ),
        status,
        Some(base_layer),
    );
    let libssl3 = at(
        with_source(
            os.package("libssl3", "3.0.15-1~deb12u1", "amd64", &["Apache-2.0"]),
            "openssl",
            None,
        ),
        status,
        Some(app_layer),
    );
    let mut openssl = with_source(
        os.package(
            "openssl",
            "3.0.15-1~deb12u1",
            "amd64",
            &["Apache-2.0 AND MIT"],
        ),
        "openssl",
        None,
    );
    openssl.state = Some(InstallState::HalfConfigured);
    openssl.files = vec!["/usr/bin/openssl".to_owned()];
    // Recorded in the base layer's status file and again in the upper layer's.
    let openssl = at(
        at(openssl, status, Some(base_layer)),
        status,
        Some(app_layer),
    );
    let tzdata = at(
        os.package("tzdata", "2024a-0+deb12u1", "all", &["BSD", "GPLv2+"]),
        status,
        Some(base_layer),
    );
    let mut zlib1g = at(
        with_source(
            os.package("zlib1g", "1:1.2.13.dfsg-1", "amd64", &["Zlib"]),
            "zlib",
            Some("1:1.2.13.dfsg-1"),
        ),
        status,
        Some(base_layer),
    );
    zlib1g.state = Some(InstallState::Unpacked);

    let dependencies = vec![
        edge(&libssl3, &libc6),
        edge(&openssl, &libc6),
        edge(&openssl, &libssl3),
        edge(&openssl, &libssl3),
        edge(&openssl, &zlib1g),
        Dependency {
            from: openssl.id().to_owned(),
            to: "pkg:deb/debian/debconf@1.5.82?arch=all&distro=debian-12".to_owned(),
        },
        edge(&zlib1g, &zlib1g),
    ];
    let mut distro = Distro::new("debian", Some("12".to_owned()));
    distro.codename = Some("bookworm".to_owned());
    distro.pretty_name = Some("Debian GNU/Linux 12 (bookworm)".to_owned());
    let mut inventory = inventory(
        TargetInfo {
            kind: TargetKind::Registry,
            name: "127.0.0.1:5000/app:1.0".to_owned(),
            image: Some(ImageInfo {
                manifest_digest: Some(DEBIAN_MANIFEST.to_owned()),
                config_digest: DEBIAN_CONFIG.to_owned(),
                platform: Some("linux/amd64".to_owned()),
                layers: vec![
                    layer(
                        base_layer,
                        Some(
                            "sha256:dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd",
                        ),
                    ),
                    layer(app_layer, None),
                ],
                tags: vec!["app:1.0".to_owned()],
            }),
        },
        Some(distro),
        vec![bsdutils, libc6, libssl3, openssl, tzdata, zlib1g],
    );
    inventory.dependencies = dependencies;
    inventory
}

/// An Alpine image in an OCI layout: apk packages with origins and one dependency.
pub(crate) fn alpine_image() -> Inventory {
    let os = Os {
        ecosystem: Ecosystem::Apk,
        namespace: "alpine",
        distro: "alpine-3.20.3",
    };
    let installed = "lib/apk/db/installed";
    let layer_digest = "sha256:3333333333333333333333333333333333333333333333333333333333333333";
    let busybox = at(
        with_source(
            os.package("busybox", "1.36.1-r29", "x86_64", &["GPL-2.0-only"]),
            "busybox",
            None,
        ),
        installed,
        Some(layer_digest),
    );
    let ca_certificates = at(
        with_source(
            os.package(
                "ca-certificates-bundle",
                "20240705-r0",
                "x86_64",
                &["MPL-2.0 AND MIT"],
            ),
            "ca-certificates",
            None,
        ),
        installed,
        Some(layer_digest),
    );
    let musl = at(
        with_source(
            os.package("musl", "1.2.5-r0", "x86_64", &["MIT"]),
            "musl",
            None,
        ),
        installed,
        Some(layer_digest),
    );
    let dependencies = vec![edge(&busybox, &musl)];
    let mut distro = Distro::new("alpine", Some("3.20.3".to_owned()));
    distro.pretty_name = Some("Alpine Linux v3.20".to_owned());
    let mut inventory = inventory(
        TargetInfo {
            kind: TargetKind::OciDir,
            name: "/tmp/alpine-layout:3.20".to_owned(),
            image: Some(ImageInfo {
                manifest_digest: Some(
                    "sha256:4444444444444444444444444444444444444444444444444444444444444444"
                        .to_owned(),
                ),
                config_digest:
                    "sha256:5555555555555555555555555555555555555555555555555555555555555555"
                        .to_owned(),
                platform: Some("linux/amd64".to_owned()),
                layers: vec![layer(layer_digest, None)],
                tags: Vec::new(),
            }),
        },
        Some(distro),
        vec![busybox, ca_certificates, musl],
    );
    inventory.dependencies = dependencies;
    inventory
}

/// A Rocky Linux root filesystem: rpm packages with epochs and RPM-style license strings.
pub(crate) fn rocky_rootfs() -> Inventory {
    let os = Os {
        ecosystem: Ecosystem::Rpm,
        namespace: "rocky",
        distro: "rocky-9.4",
    };
    let rpmdb = "var/lib/rpm/rpmdb.sqlite";
    let openssl_libs = at(
        with_source(
            os.package("openssl-libs", "1:3.0.7-27.el9", "x86_64", &["Apache-2.0"]),
            "openssl",
            Some("1:3.0.7-27.el9"),
        ),
        rpmdb,
        None,
    );
    let bash = at(
        with_source(
            os.package("bash", "5.1.8-9.el9", "x86_64", &["GPLv3+"]),
            "bash",
            Some("5.1.8-9.el9"),
        ),
        rpmdb,
        None,
    );
    let tzdata = at(
        os.package("tzdata", "2024a-1.el9", "noarch", &["Public Domain"]),
        rpmdb,
        None,
    );
    let mut distro = Distro::new("rocky", Some("9.4".to_owned()));
    distro.id_like = vec!["rhel".to_owned(), "centos".to_owned(), "fedora".to_owned()];
    distro.pretty_name = Some("Rocky Linux 9.4 (Blue Onyx)".to_owned());
    inventory(
        TargetInfo {
            kind: TargetKind::Rootfs,
            name: "/srv/rocky-root".to_owned(),
            image: None,
        },
        Some(distro),
        vec![bash, openssl_libs, tzdata],
    )
}

/// A `docker save` archive of an empty image: no manifest digest, no OS, no packages.
pub(crate) fn scratch_image() -> Inventory {
    inventory(
        TargetInfo {
            kind: TargetKind::DockerArchive,
            name: "scratch.tar".to_owned(),
            image: Some(ImageInfo {
                manifest_digest: None,
                config_digest:
                    "sha256:6666666666666666666666666666666666666666666666666666666666666666"
                        .to_owned(),
                platform: None,
                layers: Vec::new(),
                tags: Vec::new(),
            }),
        },
        None,
        Vec::new(),
    )
}

/// A source directory without os-release: a package with a `+` in its name, the same purl
/// recorded twice, and a package without a version.
pub(crate) fn source_dir() -> Inventory {
    let os = Os {
        ecosystem: Ecosystem::Deb,
        namespace: "debian",
        distro: "",
    };
    let libstdcxx = at(
        os.package(
            "libstdc++6",
            "12.2.0-14",
            "amd64",
            &["GPL-3.0-or-later WITH GCC-exception-3.1"],
        ),
        "debian/status",
        None,
    );
    let duplicate = at(libstdcxx.clone(), "vendor/status", None);
    let mut unversioned = os.package("local-tools", "", "all", &[]);
    unversioned.state = None;
    let dependencies = vec![edge(&unversioned, &libstdcxx)];
    let mut inventory = inventory(
        TargetInfo {
            kind: TargetKind::Dir,
            name: "./my project".to_owned(),
            image: None,
        },
        None,
        vec![libstdcxx, duplicate, unversioned],
    );
    inventory.dependencies = dependencies;
    inventory
}

/// Values a hostile or unusual image can carry: an os-release id with parentheses and a line
/// break, names with spaces and non-ASCII text, quotes, blank and non-ASCII license strings.
pub(crate) fn odd_values() -> Inventory {
    let os = Os {
        ecosystem: Ecosystem::Apk,
        namespace: "evil (corp)\nPerson: x",
        distro: "évil",
    };
    let mut strange = at(
        os.package(
            "na me \"quoted\" ünïcode",
            "1.0 (beta)",
            "x86_64",
            &["", "  ", "MIT \u{2014} with a dash", "MIT OR", "apache-2.0"],
        ),
        "lib/apk/db/installed\u{0}",
        Some("sha256:not-a-digest"),
    );
    strange.source = Some(SourcePackage {
        name: "sörce; (x)".to_owned(),
        version: Some(String::new()),
    });
    let distro = Distro {
        id: "evil (corp)\nPerson: x".to_owned(),
        version_id: Some("1 2".to_owned()),
        codename: Some(String::new()),
        id_like: vec!["a b".to_owned()],
        pretty_name: Some("Ëvil\tOS".to_owned()),
        distroless: true,
    };
    inventory(
        TargetInfo {
            kind: TargetKind::Registry,
            name: "régistry.example/app name:1.0#frag?x=1".to_owned(),
            image: Some(ImageInfo {
                manifest_digest: Some(String::new()),
                config_digest: "sha256:7777".to_owned(),
                platform: Some("linux/arm/v7".to_owned()),
                layers: vec![layer("sha256:not-a-digest", Some(""))],
                tags: vec![String::new(), "app name:1.0".to_owned()],
            }),
        },
        Some(distro),
        vec![strange],
    )
}

/// Every report fixture, with a file-name-friendly label.
pub(crate) fn reports() -> Vec<(&'static str, Report)> {
    vec![
        ("app-image-report", app_image_report()),
        ("clean-report", clean_report()),
        ("file-findings-report", file_findings_report()),
    ]
}

/// The layer of [`app_image_report`]'s application files.
pub(crate) const APP_LAYER: &str =
    "sha256:8888888888888888888888888888888888888888888888888888888888888888";

fn report(inventory: Inventory, findings: Vec<Finding>) -> Report {
    Report {
        schema_version: Report::SCHEMA_VERSION,
        inventory,
        database: Some(DatabaseStatus {
            path: "/root/.cache/custody/vulndb.sqlite".to_owned(),
            schema_version: 1,
            updated: Some("2024-04-30T08:00:00Z".to_owned()),
            advisories: 8209,
        }),
        findings,
        suppressed: Vec::new(),
        secrets: Vec::new(),
        misconfigurations: Vec::new(),
        suppressed_secrets: Vec::new(),
        suppressed_misconfigurations: Vec::new(),
        warnings: Vec::new(),
    }
}

fn language_package(ecosystem: Ecosystem, name: &str, version: &str, paths: &[&str]) -> Package {
    let purl = Purl::new(ecosystem.purl_type(), None, name, version).build();
    let mut package = Package::new(ecosystem, name, version, purl);
    for path in paths {
        package = at(package, path, Some(APP_LAYER));
    }
    package
}

fn rating(
    method: RatingMethod,
    source: &str,
    severity: Severity,
    score: Option<f64>,
    vector: &str,
) -> Rating {
    Rating {
        method,
        source: source.to_owned(),
        severity,
        score,
        vector: vector.to_owned(),
    }
}

struct Range<'a> {
    advisory: &'a str,
    ecosystem: &'a str,
    package: &'a str,
    introduced: &'a str,
    fixed: Option<&'a str>,
    comparator: &'a str,
}

impl Range<'_> {
    fn matching(&self, version: &str) -> MatchDetail {
        MatchDetail {
            advisory: self.advisory.to_owned(),
            ecosystem: self.ecosystem.to_owned(),
            package: self.package.to_owned(),
            range_type: "ECOSYSTEM".to_owned(),
            introduced: Some(self.introduced.to_owned()),
            fixed: self.fixed.map(str::to_owned),
            last_affected: None,
            limit: None,
            version: version.to_owned(),
            comparator: self.comparator.to_owned(),
        }
    }
}

/// A finding of `id` in `package`, with the package's identity and locations and the fixed
/// version of the first match.
fn finding(
    package: &Package,
    id: &str,
    severity: Severity,
    ratings: Vec<Rating>,
    matches: Vec<MatchDetail>,
) -> Finding {
    Finding {
        id: id.to_owned(),
        aliases: Vec::new(),
        package: package.id().to_owned(),
        name: package.name.clone(),
        version: package.version.clone(),
        ecosystem: package.ecosystem,
        locations: package.locations.clone(),
        fixed_version: matches.first().and_then(|detail| detail.fixed.clone()),
        severity,
        ratings,
        summary: None,
        matches,
        references: Vec::new(),
        published: None,
    }
}

/// The Debian image of [`debian_image`] with an application layer: urllib3 installed by
/// Debian's `python3-urllib3` (so matched through it), requests in a virtualenv, lodash in
/// `node_modules` and recorded in `package-lock.json`, and the h2 crate in `Cargo.lock`.
///
/// Findings, as custody-vulndb would report them (sorted by package, then severity, then id):
/// - CVE-2024-5535 in `libssl3` and `openssl` through source package openssl: Debian rates
///   it `low`, NVD's CVSS 3.1 vector scores 9.1; fixed in 3.0.16-1~deb12u1.
/// - CVE-2023-45853 in `zlib1g`: CVSS 3.1 9.8, no fix in Debian 12.
/// - CVE-2023-43804 in `python3-urllib3` (Debian's advisory for python-urllib3): CVSS 3.1
///   8.1 and GitHub's `moderate`, aliases GHSA-v845-jxx5-vc9f and PYSEC-2023-192.
/// - CVE-2023-32681 in requests: matched by GHSA-j8r2-6x86-q33q and PYSEC-2023-74, CVSS 3.1
///   6.1 and GitHub's `moderate`.
/// - CVE-2021-23337 (CVSS 4.0 8.6 and 3.1 7.2) and CVE-2020-8203 (CVSS 3.0 7.4 and 2.0 5.8)
///   in lodash, found at two locations.
/// - RUSTSEC-2024-0003 in h2, with no rating at all.
///
/// setuptools' CVE-2022-40897 is suppressed by a VEX `not_affected` statement.
#[expect(
    clippy::too_many_lines,
    reason = "one report's packages and findings read best side by side"
)]
pub(crate) fn app_image_report() -> Report {
    let mut inventory = debian_image();
    let os = Os {
        ecosystem: Ecosystem::Deb,
        namespace: "debian",
        distro: "debian-12",
    };
    let [_, app_layer] = DEBIAN_LAYERS;
    let python3_urllib3 = at(
        with_source(
            os.package("python3-urllib3", "1.26.12-1", "all", &["MIT"]),
            "python-urllib3",
            None,
        ),
        "var/lib/dpkg/status",
        Some(app_layer),
    );
    let mut urllib3 = language_package(
        Ecosystem::Pypi,
        "urllib3",
        "1.26.12",
        &["usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO"],
    );
    urllib3.owned_by = Some(python3_urllib3.id().to_owned());
    let requests = language_package(
        Ecosystem::Pypi,
        "requests",
        "2.25.0",
        &["app/venv/lib/python3.11/site-packages/requests-2.25.0.dist-info/METADATA"],
    );
    let setuptools = language_package(
        Ecosystem::Pypi,
        "setuptools",
        "65.5.0",
        &["app/venv/lib/python3.11/site-packages/setuptools-65.5.0.dist-info/METADATA"],
    );
    let lodash = language_package(
        Ecosystem::Npm,
        "lodash",
        "4.17.15",
        &[
            "app/package-lock.json",
            "app/node_modules/lodash/package.json",
        ],
    );
    let h2 = language_package(Ecosystem::Cargo, "h2", "0.3.20", &["app/Cargo.lock"]);
    inventory.packages.extend([
        python3_urllib3.clone(),
        urllib3,
        requests.clone(),
        setuptools.clone(),
        lodash.clone(),
        h2.clone(),
    ]);
    let package = |name: &str| -> Package {
        inventory
            .packages
            .iter()
            .find(|package| package.name == name)
            .unwrap_or_else(|| panic!("the fixture has no package {name}"))
            .clone()
    };

    let openssl_range = Range {
        advisory: "DEBIAN-CVE-2024-5535",
        ecosystem: "Debian:12",
        package: "openssl",
        introduced: "0",
        fixed: Some("3.0.16-1~deb12u1"),
        comparator: "dpkg",
    };
    let openssl_ratings = vec![
        rating(
            RatingMethod::DistroUrgency,
            "Debian",
            Severity::Low,
            None,
            "low",
        ),
        rating(
            RatingMethod::CvssV3,
            "CVE-2024-5535",
            Severity::Critical,
            Some(9.1),
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H",
        ),
    ];
    let openssl_finding = |name: &str| {
        let package = package(name);
        let mut finding = finding(
            &package,
            "CVE-2024-5535",
            Severity::Low,
            openssl_ratings.clone(),
            vec![openssl_range.matching("3.0.15-1~deb12u1")],
        );
        finding.summary = Some("SSL_select_next_proto buffer overread".to_owned());
        finding.references = vec![
            "https://security-tracker.debian.org/tracker/CVE-2024-5535".to_owned(),
            "https://www.openssl.org/news/secadv/20240627.txt".to_owned(),
            "not a url".to_owned(),
        ];
        finding.published = Some("2024-06-27T11:15:24Z".to_owned());
        finding
    };

    let zlib = package("zlib1g");
    let mut zlib_finding = finding(
        &zlib,
        "CVE-2023-45853",
        Severity::Critical,
        vec![rating(
            RatingMethod::CvssV3,
            "CVE-2023-45853",
            Severity::Critical,
            Some(9.8),
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
        )],
        vec![
            Range {
                advisory: "DEBIAN-CVE-2023-45853",
                ecosystem: "Debian:12",
                package: "zlib",
                introduced: "0",
                fixed: None,
                comparator: "dpkg",
            }
            .matching("1:1.2.13.dfsg-1"),
        ],
    );
    zlib_finding.summary = Some(
        "MiniZip in zlib through 1.3 has an integer overflow and resultant heap-based buffer \
         overflow in zipOpenNewFileInZip4_64 via a long filename, comment, or extra field"
            .to_owned(),
    );
    zlib_finding.published = Some("2023-10-14T02:15:09Z".to_owned());

    let mut urllib3_finding = finding(
        &python3_urllib3,
        "CVE-2023-43804",
        Severity::High,
        vec![
            rating(
                RatingMethod::CvssV3,
                "DEBIAN-CVE-2023-43804",
                Severity::High,
                Some(8.1),
                "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:H/I:H/A:H",
            ),
            rating(
                RatingMethod::Database,
                "GHSA-v845-jxx5-vc9f",
                Severity::Medium,
                None,
                "MODERATE",
            ),
        ],
        vec![
            Range {
                advisory: "DEBIAN-CVE-2023-43804",
                ecosystem: "Debian:12",
                package: "python-urllib3",
                introduced: "0",
                fixed: Some("1.26.12-1+deb12u1"),
                comparator: "dpkg",
            }
            .matching("1.26.12-1"),
        ],
    );
    urllib3_finding.aliases = vec![
        "DEBIAN-CVE-2023-43804".to_owned(),
        "GHSA-v845-jxx5-vc9f".to_owned(),
        "PYSEC-2023-192".to_owned(),
    ];
    urllib3_finding.summary =
        Some("Cookie HTTP header isn't stripped on cross-origin redirects".to_owned());
    urllib3_finding.references = vec![
        "https://github.com/urllib3/urllib3/security/advisories/GHSA-v845-jxx5-vc9f".to_owned(),
    ];
    urllib3_finding.published = Some("2023-10-04T17:15:10Z".to_owned());

    let requests_range = |advisory| Range {
        advisory,
        ecosystem: "PyPI",
        package: "requests",
        introduced: "2.3.0",
        fixed: Some("2.31.0"),
        comparator: "pep440",
    };
    let mut requests_finding = finding(
        &requests,
        "CVE-2023-32681",
        Severity::Medium,
        vec![
            rating(
                RatingMethod::CvssV3,
                "GHSA-j8r2-6x86-q33q",
                Severity::Medium,
                Some(6.1),
                "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:C/C:H/I:N/A:N",
            ),
            rating(
                RatingMethod::Database,
                "GHSA-j8r2-6x86-q33q",
                Severity::Medium,
                None,
                "MODERATE",
            ),
        ],
        vec![
            requests_range("GHSA-j8r2-6x86-q33q").matching("2.25.0"),
            requests_range("PYSEC-2023-74").matching("2.25.0"),
        ],
    );
    requests_finding.aliases = vec!["GHSA-j8r2-6x86-q33q".to_owned(), "PYSEC-2023-74".to_owned()];
    requests_finding.summary =
        Some("Unintended leak of Proxy-Authorization header in requests".to_owned());
    requests_finding.references = vec![
        "https://github.com/psf/requests/security/advisories/GHSA-j8r2-6x86-q33q".to_owned(),
        "https://github.com/psf/requests/releases/tag/v2.31.0".to_owned(),
    ];
    requests_finding.published = Some("2023-05-22T20:36:32Z".to_owned());

    let lodash_range = |advisory, fixed| Range {
        advisory,
        ecosystem: "npm",
        package: "lodash",
        introduced: "0",
        fixed: Some(fixed),
        comparator: "semver",
    };
    let mut template_finding = finding(
        &lodash,
        "CVE-2021-23337",
        Severity::High,
        vec![
            rating(
                RatingMethod::CvssV4,
                "GHSA-35jh-r3h4-6jhm",
                Severity::High,
                Some(8.6),
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:H/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
            ),
            rating(
                RatingMethod::CvssV3,
                "GHSA-35jh-r3h4-6jhm",
                Severity::High,
                Some(7.2),
                "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H",
            ),
        ],
        vec![lodash_range("GHSA-35jh-r3h4-6jhm", "4.17.21").matching("4.17.15")],
    );
    template_finding.aliases = vec!["GHSA-35jh-r3h4-6jhm".to_owned()];
    template_finding.summary = Some("Command Injection in lodash".to_owned());
    let mut pollution_finding = finding(
        &lodash,
        "CVE-2020-8203",
        Severity::High,
        vec![
            rating(
                RatingMethod::CvssV3,
                "GHSA-p6mc-m468-83gw",
                Severity::High,
                Some(7.4),
                "CVSS:3.0/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H",
            ),
            rating(
                RatingMethod::CvssV2,
                "GHSA-p6mc-m468-83gw",
                Severity::Medium,
                Some(5.8),
                "AV:N/AC:M/Au:N/C:N/I:P/A:P",
            ),
        ],
        vec![lodash_range("GHSA-p6mc-m468-83gw", "4.17.19").matching("4.17.15")],
    );
    pollution_finding.aliases = vec!["GHSA-p6mc-m468-83gw".to_owned()];
    pollution_finding.summary = Some("Prototype Pollution in lodash".to_owned());

    let mut h2_finding = finding(
        &h2,
        "RUSTSEC-2024-0003",
        Severity::Unknown,
        Vec::new(),
        vec![
            Range {
                advisory: "RUSTSEC-2024-0003",
                ecosystem: "crates.io",
                package: "h2",
                introduced: "0.0.0-0",
                fixed: Some("0.3.24"),
                comparator: "semver",
            }
            .matching("0.3.20"),
        ],
    );
    h2_finding.aliases = vec!["GHSA-8r5v-vm4m-4g25".to_owned()];
    h2_finding.summary = Some(
        "Resource exhaustion vulnerability in h2 may lead to Denial of Service (DoS)".to_owned(),
    );

    let mut suppressed = finding(
        &setuptools,
        "CVE-2022-40897",
        Severity::Medium,
        Vec::new(),
        vec![
            Range {
                advisory: "GHSA-r9hx-vwmv-q579",
                ecosystem: "PyPI",
                package: "setuptools",
                introduced: "0",
                fixed: Some("65.5.1"),
                comparator: "pep440",
            }
            .matching("65.5.0"),
        ],
    );
    suppressed.summary =
        Some("setuptools vulnerable to Regular Expression Denial of Service".to_owned());

    let mut findings = vec![
        openssl_finding("libssl3"),
        openssl_finding("openssl"),
        zlib_finding,
        urllib3_finding,
        requests_finding,
        template_finding,
        pollution_finding,
        h2_finding,
    ];
    findings.sort_by(|left, right| {
        (&left.package, std::cmp::Reverse(left.severity), &left.id).cmp(&(
            &right.package,
            std::cmp::Reverse(right.severity),
            &right.id,
        ))
    });
    let mut report = report(inventory, findings);
    report.suppressed = vec![Suppressed {
        finding: suppressed,
        by: Suppression::Vex {
            document: "app.openvex.json (https://openvex.dev/docs/example)".to_owned(),
            status: "not_affected".to_owned(),
            justification: Some("vulnerable_code_not_in_execute_path".to_owned()),
        },
    }];
    report
}

/// A scan of the Alpine image that found nothing.
pub(crate) fn clean_report() -> Report {
    report(alpine_image(), Vec::new())
}

/// A scan of the application image's files: a token in a layer whose file a later layer
/// deleted, a private key still present, a Dockerfile check and a Kubernetes check with its
/// object.
pub(crate) fn file_findings_report() -> Report {
    let [base_layer, app_layer] = DEBIAN_LAYERS;
    let mut report = report(debian_image(), Vec::new());
    report.database = None;
    report.secrets = vec![
        Secret {
            rule_id: "github-pat".to_owned(),
            title: "GitHub personal access token (classic)".to_owned(),
            severity: Severity::Critical,
            location: Location::new("root/.bash_history").in_layer(base_layer),
            line: 12,
            column: 14,
            masked: "ghp_****".to_owned(),
            deleted: true,
        },
        Secret {
            rule_id: "private-key-rsa".to_owned(),
            title: "RSA private key".to_owned(),
            severity: Severity::High,
            location: Location::new("app/keys/server.pem").in_layer(app_layer),
            line: 1,
            column: 1,
            masked: "----****".to_owned(),
            deleted: false,
        },
    ];
    report.misconfigurations = vec![
        Misconfiguration {
            id: "CDF002".to_owned(),
            title: "Base image uses ':latest' or no tag".to_owned(),
            severity: Severity::Medium,
            description: "A moving tag makes builds unrepeatable.".to_owned(),
            remediation: "Pin the base image by version and digest.".to_owned(),
            references: vec![
                "https://docs.docker.com/build/building/best-practices/#from".to_owned(),
            ],
            location: Location::new("app/Dockerfile").in_layer(app_layer),
            line: 1,
            resource: None,
            message: "base image python:latest uses :latest".to_owned(),
        },
        Misconfiguration {
            id: "PSS-privileged".to_owned(),
            title: "Privileged containers".to_owned(),
            severity: Severity::High,
            description: String::new(),
            remediation: "Remove securityContext.privileged or set it to false.".to_owned(),
            references: Vec::new(),
            location: Location::new("app/deploy/web.yaml").in_layer(app_layer),
            line: 21,
            resource: Some("Deployment/shop/web".to_owned()),
            message: "container \"web\" sets securityContext.privileged=true".to_owned(),
        },
    ];
    report
}
