//! Realistic inventories built in code, one per shape of target the encoders must handle.

use custody_model::{
    Dependency, Distro, Ecosystem, ImageInfo, InstallState, Inventory, LayerInfo, Location,
    Package, Purl, SourcePackage, TargetInfo, TargetKind,
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
