//! `custody sbom` output formats on a real image, checked by the formats' own validators and
//! against each other.

use std::process::Command;

use crate::common::{TestContext, peer_tool};
use crate::image::{Compression, Entry, image, layer, write_layout};

const STATUS: &[u8] = b"Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n\nPackage: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9+deb12u7\nDepends: zlib1g\n";

#[test]
fn cyclonedx_and_spdx_of_an_image_validate_and_agree() {
    let context = TestContext::new();
    let layout = context.path("oci");
    write_layout(
        &layout,
        "1.0",
        &[&image(
            vec![layer(
                &[
                    Entry::File("etc/os-release", b"ID=debian\nVERSION_ID=\"12\"\n"),
                    Entry::File("var/lib/dpkg/status", STATUS),
                ],
                Compression::Gzip,
            )],
            "amd64",
        )],
    );
    let target = format!("oci-dir:{}:1.0", layout.display());
    let cyclonedx = context.path("bom.cdx.json");
    let spdx = context.path("bom.spdx.json");
    for (format, file) in [("cyclonedx-json", &cyclonedx), ("spdx-json", &spdx)] {
        let output = context.run(&[
            "sbom",
            &target,
            "--format",
            format,
            "-o",
            file.to_str().unwrap(),
        ]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(output.stdout.is_empty(), "-o must leave stdout empty");
    }
    let validator = Command::new(peer_tool("python"))
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../scripts/validate-sbom.py"
        ))
        .arg("cyclonedx")
        .arg(&cyclonedx)
        .output()
        .unwrap();
    assert!(
        validator.status.success(),
        "{}",
        String::from_utf8_lossy(&validator.stdout)
    );
    let pyspdxtools = Command::new(peer_tool("pyspdxtools"))
        .arg("-i")
        .arg(&spdx)
        .output()
        .unwrap();
    assert!(
        pyspdxtools.status.success() && pyspdxtools.stdout.is_empty(),
        "{}{}",
        String::from_utf8_lossy(&pyspdxtools.stdout),
        String::from_utf8_lossy(&pyspdxtools.stderr)
    );

    let bom: serde_json::Value =
        serde_json::from_slice(&fs_err::read(&cyclonedx).unwrap()).unwrap();
    let document: serde_json::Value =
        serde_json::from_slice(&fs_err::read(&spdx).unwrap()).unwrap();
    let mut cyclonedx_purls: Vec<&str> = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|component| component["purl"].as_str())
        .collect();
    let mut spdx_purls: Vec<&str> = document["packages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|package| package["externalRefs"].as_array().into_iter().flatten())
        .filter(|reference| reference["referenceType"] == "purl")
        .filter_map(|reference| reference["referenceLocator"].as_str())
        .collect();
    cyclonedx_purls.sort_unstable();
    spdx_purls.sort_unstable();
    assert_eq!(
        cyclonedx_purls,
        [
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc",
            "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib",
        ]
    );
    assert_eq!(spdx_purls, cyclonedx_purls);
    let libc_ref =
        "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12&upstream=glibc";
    let libc_dependencies = bom["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|dependency| dependency["ref"] == libc_ref)
        .unwrap();
    assert_eq!(libc_dependencies["dependsOn"].as_array().unwrap().len(), 1);
}
