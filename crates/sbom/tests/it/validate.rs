//! Every fixture's CycloneDX and SPDX output, checked by the formats' reference validators:
//! cyclonedx-python-lib's strict 1.6 JSON validator (through scripts/validate-sbom.py) and
//! `pyspdxtools -i`; and read back by a consumer, syft, which must recover the packages.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use custody_sbom::{write_cyclonedx, write_spdx};

use crate::{fixtures, options, peer_tool, workspace_root};

fn describe(output: &Output) -> String {
    format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn cyclonedx_passes_cyclonedx_python_lib_strict_validation() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    for (label, inventory) in fixtures::all() {
        let path = dir.path().join(format!("{label}.cdx.json"));
        write_cyclonedx(&inventory, &options(), fs_err::File::create(&path).unwrap()).unwrap();
        files.push(path);
    }
    let output = Command::new(peer_tool("python"))
        .arg(workspace_root().join("scripts/validate-sbom.py"))
        .arg("cyclonedx")
        .args(&files)
        .output()
        .unwrap();
    let report = describe(&output);
    assert!(output.status.success(), "{report}");
    for file in &files {
        assert!(
            report.contains(&format!("{}: valid cyclonedx", file.display())),
            "{report}"
        );
    }
}

#[test]
fn spdx_passes_pyspdxtools_validation() {
    let dir = tempfile::tempdir().unwrap();
    let pyspdxtools = peer_tool("pyspdxtools");
    for (label, inventory) in fixtures::all() {
        let path = dir.path().join(format!("{label}.spdx.json"));
        write_spdx(&inventory, &options(), fs_err::File::create(&path).unwrap()).unwrap();
        let output = Command::new(&pyspdxtools)
            .arg("-i")
            .arg(&path)
            .output()
            .unwrap();
        let report = describe(&output);
        assert!(output.status.success(), "{label}: {report}");
        // pyspdxtools logs validation messages and parse warnings; a valid document logs
        // nothing at the default level.
        assert!(
            output.stdout.is_empty() && output.stderr.is_empty(),
            "{label}: {report}"
        );
    }
}

/// What `syft convert` recovers from a document: (name, version, purl) of each package, the
/// distro id and the number of package relationships.
fn syft_reads(path: &Path) -> (BTreeSet<(String, String, String)>, String, usize) {
    let output = Command::new(peer_tool("syft"))
        .arg("convert")
        .arg(path)
        .args(["-o", "syft-json"])
        .env("SYFT_CHECK_FOR_APP_UPDATE", "false")
        .output()
        .expect("syft runs");
    assert!(output.status.success(), "{}", describe(&output));
    let document: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("syft-json output is JSON");
    let field = |value: &serde_json::Value, name: &str| {
        value[name]
            .as_str()
            .unwrap_or_else(|| panic!("syft-json `{name}` is not a string: {value}"))
            .to_owned()
    };
    let list = |name: &str| {
        document[name]
            .as_array()
            .unwrap_or_else(|| panic!("syft-json `{name}` is not an array"))
    };
    let packages = list("artifacts")
        .iter()
        .map(|artifact| {
            (
                field(artifact, "name"),
                field(artifact, "version"),
                field(artifact, "purl"),
            )
        })
        .collect();
    let relationships = list("artifactRelationships").len();
    (packages, field(&document["distro"], "id"), relationships)
}

#[test]
fn syft_reads_back_packages_distro_and_dependencies() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = fixtures::debian_image();
    let expected: BTreeSet<(String, String, String)> = inventory
        .packages
        .iter()
        .map(|package| {
            (
                package.name.clone(),
                package.version.clone(),
                package.purl.to_string(),
            )
        })
        .collect();
    // libssl3 -> libc6 and openssl -> libc6, libssl3, zlib1g.
    let dependency_edges = 4;

    let cyclonedx = dir.path().join("debian.cdx.json");
    write_cyclonedx(
        &inventory,
        &options(),
        fs_err::File::create(&cyclonedx).unwrap(),
    )
    .unwrap();
    let (packages, distro, relationships) = syft_reads(&cyclonedx);
    assert_eq!(packages, expected);
    assert_eq!(distro, "debian");
    assert_eq!(relationships, dependency_edges);

    let spdx = dir.path().join("debian.spdx.json");
    write_spdx(&inventory, &options(), fs_err::File::create(&spdx).unwrap()).unwrap();
    let (packages, distro, relationships) = syft_reads(&spdx);
    // syft lists the OPERATING_SYSTEM package as a package too, and prints purls with the
    // epoch colon unescaped (both spellings are the same purl).
    let names_and_versions =
        |set: &BTreeSet<(String, String, String)>| -> BTreeSet<(String, String)> {
            set.iter()
                .map(|(name, version, _)| (name.clone(), version.clone()))
                .collect()
        };
    let mut expected_names = names_and_versions(&expected);
    expected_names.insert(("debian".to_owned(), "12".to_owned()));
    assert_eq!(names_and_versions(&packages), expected_names);
    assert_eq!(distro, "debian");
    assert_eq!(relationships, dependency_edges);
}

/// Guards the two tests above against passing vacuously: the same harness must reject a
/// document with a license id outside the SPDX list.
#[test]
fn validators_reject_broken_documents() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = fixtures::debian_image();

    let mut bom = custody_sbom::to_cyclonedx(&inventory, &options());
    bom["components"][1]["licenses"] = serde_json::json!([{"license": {"id": "BSD"}}]);
    let cyclonedx = dir.path().join("broken.cdx.json");
    fs_err::write(&cyclonedx, bom.to_string()).unwrap();
    let output = Command::new(peer_tool("python"))
        .arg(workspace_root().join("scripts/validate-sbom.py"))
        .arg("cyclonedx")
        .arg(&cyclonedx)
        .output()
        .unwrap();
    assert!(!output.status.success(), "{}", describe(&output));

    let mut document = custody_sbom::to_spdx(&inventory, &options());
    document["packages"][2]["licenseDeclared"] = "GPLv2+".into();
    let spdx = dir.path().join("broken.spdx.json");
    fs_err::write(&spdx, document.to_string()).unwrap();
    let output = Command::new(peer_tool("pyspdxtools"))
        .arg("-i")
        .arg(&spdx)
        .output()
        .unwrap();
    assert!(!output.status.success(), "{}", describe(&output));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("GPLv2+"),
        "{}",
        describe(&output)
    );
}

/// The committed SPDX license id list still matches what the validators' own libraries
/// accept (`crates/sbom/scripts/generate_license_list.py --check`).
#[test]
fn license_list_matches_the_validators() {
    let output = Command::new(peer_tool("python"))
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/generate_license_list.py"))
        .arg("--check")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", describe(&output));
}
