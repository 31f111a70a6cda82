//! End to end: one test image, built here layer by layer, read back through every target kind
//! (OCI layout, OCI archive, docker archive, registry, root filesystem) with identical
//! inventories, layer attribution and whiteouts applied.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::common::{Registry, TestContext, skopeo_copy, skopeo_digest, write_tree};
use crate::image::{Compression, Entry, Layer, image, layer, write_layout};

const OS_RELEASE: &[u8] = b"PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n";

const LIBC6: &str = "Package: libc6\nStatus: install ok installed\nPriority: optional\nSection: libs\nInstalled-Size: 12987\nMaintainer: GNU Libc Maintainers <debian-glibc@lists.debian.org>\nArchitecture: amd64\nMulti-Arch: same\nSource: glibc\nVersion: 2.36-9+deb12u7\nDepends: libgcc-s1\nDescription: GNU C Library: Shared libraries\n";
const LIBGCC: &str = "Package: libgcc-s1\nStatus: install ok installed\nArchitecture: amd64\nSource: gcc-12 (12.2.0-14)\nVersion: 12.2.0-14\nDepends: gcc-12-base (= 12.2.0-14), libc6 (>= 2.35)\nDescription: GCC support library\n";
const REMOVED: &str = "Package: nano\nStatus: install ok installed\nArchitecture: amd64\nVersion: 7.2-1\nDescription: small editor\n";
const OPENSSL: &str = "Package: openssl\nStatus: install ok half-configured\nArchitecture: amd64\nVersion: 3.0.15-1~deb12u1\nDepends: libc6 (>= 2.34)\nDescription: Secure Sockets Layer toolkit\n";
const VENDORED: &str = "Package: vendored\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0\nDescription: hidden by an opaque directory\n";
const APK: &str = "P:musl\nV:1.2.4-r2\nA:x86_64\no:musl\n\n";

fn status(paragraphs: &[&str]) -> String {
    paragraphs.join("\n")
}

/// Layer 1 (gzip): the base system, a nested root under `opt/vendor` and an apk database
/// under `srv/app`. Layer 2 (zstd): nano removed, openssl added, `srv/app` whited out,
/// `opt/vendor` made opaque. Layer 3 (plain tar): openssl's file list.
fn layers() -> Vec<Layer> {
    layers_compressed(Compression::Zstd)
}

/// [`layers`] with the second layer compressed as `second` instead of zstd.
fn layers_compressed(second: Compression) -> Vec<Layer> {
    let base = status(&[LIBC6, LIBGCC, REMOVED]);
    let upgraded = status(&[LIBC6, LIBGCC, OPENSSL]);
    let vendored = status(&[VENDORED]);
    vec![
        layer(
            &[
                Entry::Dir("etc"),
                Entry::Symlink("etc/os-release", "../usr/lib/os-release"),
                Entry::File("usr/lib/os-release", OS_RELEASE),
                Entry::File("var/lib/dpkg/status", base.as_bytes()),
                Entry::File(
                    "var/lib/dpkg/info/libc6:amd64.list",
                    b"/.\n/lib/x86_64-linux-gnu/libc.so.6\n",
                ),
                Entry::File("opt/vendor/var/lib/dpkg/status", vendored.as_bytes()),
                Entry::File("srv/app/lib/apk/db/installed", APK.as_bytes()),
            ],
            Compression::Gzip,
        ),
        layer(
            &[
                Entry::File("var/lib/dpkg/status", upgraded.as_bytes()),
                Entry::File("srv/.wh.app", b""),
                Entry::File("opt/vendor/.wh..wh..opq", b""),
                Entry::File("opt/vendor/README", b"replaced\n"),
            ],
            second,
        ),
        layer(
            &[Entry::File(
                "var/lib/dpkg/info/openssl.list",
                b"/.\n/usr/bin/openssl\n",
            )],
            Compression::None,
        ),
    ]
}

/// (name, version, state, index of the layer that added it) for every package, where the
/// layer index is looked up from the digest the inventory reports.
fn packages(inventory: &Value) -> BTreeSet<(String, String, String, Option<usize>)> {
    let layers: Vec<&str> = inventory["target"]["image"]["layers"]
        .as_array()
        .map(|layers| {
            layers
                .iter()
                .map(|l| l["digest"].as_str().unwrap())
                .collect()
        })
        .unwrap_or_default();
    inventory["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|package| {
            let layer = package["locations"][0]["layer"]
                .as_str()
                .map(|digest| layers.iter().position(|l| *l == digest).unwrap());
            (
                package["name"].as_str().unwrap().to_owned(),
                package["version"].as_str().unwrap().to_owned(),
                package["state"].as_str().unwrap_or("installed").to_owned(),
                layer,
            )
        })
        .collect()
}

fn expected(with_layers: bool) -> BTreeSet<(String, String, String, Option<usize>)> {
    let layer = |index| with_layers.then_some(index);
    [
        ("libc6", "2.36-9+deb12u7", "installed", layer(0)),
        ("libgcc-s1", "12.2.0-14", "installed", layer(0)),
        ("openssl", "3.0.15-1~deb12u1", "half-configured", layer(1)),
    ]
    .into_iter()
    .map(|(name, version, state, layer)| (name.into(), version.into(), state.into(), layer))
    .collect()
}

#[test]
fn every_target_kind_gives_the_same_inventory() {
    let context = TestContext::new();
    let layout = context.path("oci");
    let test_image = image(layers(), "amd64");
    write_layout(&layout, "1.0", &[&test_image]);
    let registry = Registry::start(None);
    let layout_ref = format!("oci:{}:1.0", layout.display());
    let reference = format!("{}/custody/app:1.0", registry.address);
    skopeo_copy(&layout_ref, &format!("docker://{reference}"), &[]);
    let docker_archive = context.path("docker.tar");
    // Docker archives cannot hold zstd layers (skopeo refuses to convert them), so the docker
    // archive is made from the same layers with the zstd one gzip-compressed.
    let gzip_layout = context.path("oci-gzip");
    write_layout(
        &gzip_layout,
        "1.0",
        &[&image(layers_compressed(Compression::Gzip), "amd64")],
    );
    skopeo_copy(
        &format!("oci:{}:1.0", gzip_layout.display()),
        &format!("docker-archive:{}:app:1.0", docker_archive.display()),
        &[],
    );
    let oci_archive = context.path("oci.tar");
    skopeo_copy(
        &layout_ref,
        &format!("oci-archive:{}:1.0", oci_archive.display()),
        &[],
    );
    let rootfs = context.path("rootfs");
    write_tree(
        &rootfs,
        &[
            ("usr/lib/os-release", OS_RELEASE),
            ("etc/os-release", OS_RELEASE),
            (
                "var/lib/dpkg/status",
                status(&[LIBC6, LIBGCC, OPENSSL]).as_bytes(),
            ),
        ],
    );

    let images = [
        format!("oci-dir:{}:1.0", layout.display()),
        format!("oci-archive:{}", oci_archive.display()),
        format!("docker-archive:{}", docker_archive.display()),
        format!("registry:{reference}"),
    ];
    for target in &images {
        let inventory = context.inventory(target, &["--plain-http", "--no-cache"]);
        assert_eq!(packages(&inventory), expected(true), "{target}");
        assert_eq!(inventory["distro"]["id"], "debian", "{target}");
        assert_eq!(inventory["distro"]["version_id"], "12", "{target}");
        assert_eq!(
            inventory["target"]["image"]["layers"]
                .as_array()
                .unwrap()
                .len(),
            3
        );
        let libc = &inventory["packages"].as_array().unwrap()[0];
        assert_eq!(
            libc["purl"],
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc",
            "{target}"
        );
        assert_eq!(
            libc["files"],
            serde_json::json!(["/lib/x86_64-linux-gnu/libc.so.6"]),
            "{target}"
        );
    }
    let registry_inventory = context.inventory(&images[3], &["--plain-http"]);
    assert_eq!(
        registry_inventory["target"]["image"]["manifest_digest"],
        skopeo_digest(&reference)
    );
    let layout_inventory = context.inventory(&images[0], &[]);
    assert_eq!(
        layout_inventory["target"]["image"]["manifest_digest"],
        test_image.manifest_digest
    );
    let rootfs_inventory = context.inventory(&format!("rootfs:{}", rootfs.display()), &[]);
    assert_eq!(packages(&rootfs_inventory), expected(false));
}

#[test]
fn platform_selects_from_a_multi_platform_index() {
    let context = TestContext::new();
    let layout = context.path("oci");
    let arm_release = b"ID=alpine\nVERSION_ID=3.20.3\n";
    let amd64 = image(layers(), "amd64");
    let arm64 = image(
        vec![layer(
            &[
                Entry::File("etc/os-release", arm_release),
                Entry::File("lib/apk/db/installed", APK.as_bytes()),
            ],
            Compression::Gzip,
        )],
        "arm64",
    );
    write_layout(&layout, "multi", &[&amd64, &arm64]);
    let registry = Registry::start(None);
    let reference = format!("{}/custody/multi:1", registry.address);
    skopeo_copy(
        &format!("oci:{}:multi", layout.display()),
        &format!("docker://{reference}"),
        &["--all"],
    );
    for target in [
        format!("oci-dir:{}:multi", layout.display()),
        format!("registry:{reference}"),
    ] {
        let arm = context.inventory(&target, &["--platform", "linux/arm64", "--plain-http"]);
        assert_eq!(arm["distro"]["id"], "alpine", "{target}");
        assert_eq!(arm["packages"][0]["name"], "musl", "{target}");
        let amd = context.inventory(&target, &["--platform", "linux/amd64", "--plain-http"]);
        assert_eq!(amd["distro"]["id"], "debian", "{target}");
        let missing = context.run(&["sbom", &target, "--platform", "linux/s390x", "--plain-http"]);
        assert_eq!(missing.status.code(), Some(2), "{target}");
        assert!(String::from_utf8_lossy(&missing.stderr).contains("linux/s390x"));
    }
}

#[test]
fn registry_credentials_from_flags_and_docker_config() {
    let context = TestContext::new();
    let layout = context.path("oci");
    write_layout(&layout, "1.0", &[&image(layers(), "amd64")]);
    let registry = Registry::start(Some(("alice", "s3cret")));
    let reference = format!("{}/private/app:1.0", registry.address);
    skopeo_copy(
        &format!("oci:{}:1.0", layout.display()),
        &format!("docker://{reference}"),
        &["--dest-creds", "alice:s3cret"],
    );
    let target = format!("registry:{reference}");
    let denied = context.run(&["sbom", &target, "--plain-http"]);
    assert_eq!(denied.status.code(), Some(2));
    let insecure = format!("--insecure-registry={}", registry.address);
    let flags = context.inventory(
        &target,
        &[&insecure, "--username", "alice", "--password", "s3cret"],
    );
    assert_eq!(packages(&flags), expected(true));
    // "alice:s3cret" in base64, as `docker login` writes it.
    write_tree(
        &context.path("docker"),
        &[(
            "config.json",
            format!(
                r#"{{"auths":{{"{}":{{"auth":"YWxpY2U6czNjcmV0"}}}}}}"#,
                registry.address
            )
            .as_bytes(),
        )],
    );
    let config = context.inventory(&target, &["--plain-http", "--no-cache"]);
    assert_eq!(packages(&config), expected(true));

    // A credential helper, as `docker login` with a keychain sets up: it must be asked for this
    // registry's server, and what it answers is used.
    let bin = context.path("bin");
    write_tree(
        &bin,
        &[(
            "docker-credential-fake",
            format!(
                "#!/bin/sh\n[ \"$1\" = get ] || exit 2\nread server\n[ \"$server\" = {} ] || exit 1\necho '{{\"ServerURL\":\"x\",\"Username\":\"alice\",\"Secret\":\"s3cret\"}}'\n",
                registry.address
            )
            .as_bytes(),
        )],
    );
    fs_err::set_permissions(
        bin.join("docker-credential-fake"),
        std::os::unix::fs::PermissionsExt::from_mode(0o755),
    )
    .unwrap();
    write_tree(
        &context.path("docker"),
        &[(
            "config.json",
            format!(r#"{{"credHelpers":{{"{}":"fake"}}}}"#, registry.address).as_bytes(),
        )],
    );
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let helped = context
        .command()
        .env("PATH", path)
        .args([
            "sbom",
            &target,
            "--plain-http",
            "--no-cache",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert!(
        helped.status.success(),
        "{}",
        String::from_utf8_lossy(&helped.stderr)
    );
    let helped: serde_json::Value = serde_json::from_slice(&helped.stdout).unwrap();
    assert_eq!(packages(&helped), expected(true));
}

#[test]
fn warm_cache_rescan_reads_no_layer() {
    let context = TestContext::new();
    let layout = context.path("oci");
    write_layout(&layout, "1.0", &[&image(layers(), "amd64")]);
    let target = format!("oci-dir:{}:1.0", layout.display());
    let cold = context.inventory(&target, &[]);
    // Corrupt every layer blob: a warm rescan must not read them, so it still succeeds.
    for entry in fs_err::read_dir(layout.join("blobs/sha256")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = fs_err::read(&path).unwrap();
        if bytes.first() != Some(&b'{') {
            fs_err::write(&path, b"corrupt").unwrap();
        }
    }
    let warm = context.inventory(&target, &[]);
    assert_eq!(packages(&warm), packages(&cold));
    let uncached = context.run(&["sbom", &target, "--no-cache"]);
    assert_eq!(uncached.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&uncached.stderr);
    assert!(stderr.contains("layer sha256:"), "{stderr}");
    let clean = context.run(&["cache", "clean"]);
    assert!(clean.status.success());
    assert_eq!(context.run(&["sbom", &target]).status.code(), Some(2));
}

#[test]
fn tampered_registry_blob_is_an_error() {
    let context = TestContext::new();
    let layout = context.path("oci");
    let layers = layers();
    let first_layer = layers[0].digest.clone();
    write_layout(&layout, "1.0", &[&image(layers, "amd64")]);
    let registry = Registry::start(None);
    let reference = format!("{}/custody/app:1.0", registry.address);
    skopeo_copy(
        &format!("oci:{}:1.0", layout.display()),
        &format!("docker://{reference}"),
        &[],
    );
    let stored = registry.blob_path(&first_layer);
    let mut bytes = fs_err::read(&stored).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    fs_err::write(&stored, bytes).unwrap();
    let output = context.run(&[
        "sbom",
        &format!("registry:{reference}"),
        "--plain-http",
        "--no-cache",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&first_layer), "{stderr}");
    assert!(stderr.to_lowercase().contains("digest"), "{stderr}");
    assert!(
        output.stdout.is_empty(),
        "no inventory may be printed for a tampered image"
    );
}

#[test]
fn tampered_manifest_in_a_layout_is_an_error() {
    let context = TestContext::new();
    let layout = context.path("oci");
    let test_image = image(layers(), "amd64");
    write_layout(&layout, "1.0", &[&test_image]);
    let manifest = layout
        .join("blobs/sha256")
        .join(test_image.manifest_digest.trim_start_matches("sha256:"));
    // Still valid JSON, so only the digest check can catch it.
    let tampered = String::from_utf8(fs_err::read(&manifest).unwrap())
        .unwrap()
        .replacen("\"schemaVersion\":2", "\"schemaVersion\": 2", 1);
    fs_err::write(&manifest, tampered).unwrap();
    let output = context.run(&["sbom", &format!("oci-dir:{}:1.0", layout.display())]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("digest mismatch"), "{stderr}");
    assert!(stderr.contains(&test_image.manifest_digest), "{stderr}");
}

#[test]
fn rootfs_symlinks_are_never_followed_out_of_the_root() {
    let context = TestContext::new();
    let outside = context.path("outside");
    write_tree(&outside, &[("status", status(&[LIBC6]).as_bytes())]);
    let rootfs = context.path("rootfs");
    fs_err::create_dir_all(rootfs.join("var/lib")).unwrap();
    std::os::unix::fs::symlink(&outside, rootfs.join("var/lib/dpkg")).unwrap();
    let inventory = context.inventory(&format!("rootfs:{}", rootfs.display()), &[]);
    assert_eq!(inventory["packages"], serde_json::json!([]));
}

#[test]
fn corrupt_database_is_a_warning_naming_the_file_and_the_rest_is_reported() {
    let context = TestContext::new();
    let rootfs = context.path("rootfs");
    write_tree(
        &rootfs,
        &[
            ("etc/os-release", OS_RELEASE),
            ("var/lib/dpkg/status", status(&[LIBC6]).as_bytes()),
            (
                "opt/other/var/lib/dpkg/status",
                b"Package: broken\nthis line is not a field\n",
            ),
        ],
    );
    let output = context.run(&[
        "sbom",
        &format!("rootfs:{}", rootfs.display()),
        "--format",
        "json",
    ]);
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("warning: opt/other/var/lib/dpkg/status"),
        "{stderr}"
    );
    assert!(stderr.contains("line 2"), "{stderr}");
    let inventory: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(inventory["packages"][0]["name"], "libc6");
    assert_eq!(
        inventory["warnings"][0]["path"],
        "opt/other/var/lib/dpkg/status"
    );
}
