//! Every fixture's CycloneDX, SPDX and SARIF output, checked by the formats' reference
//! validators: cyclonedx-python-lib's strict 1.6 JSON validator (through
//! scripts/validate-sbom.py), `pyspdxtools -i`, and for SARIF the OASIS 2.1.0 schema plus the
//! SARIF Multitool's GitHub ingestion rules (scripts/validate-sbom.py sarif); and read back by
//! a consumer, syft, which must recover the packages.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use custody_model::Inventory;
use custody_sbom::{write_cyclonedx, write_cyclonedx_report, write_sarif, write_spdx};

use crate::{fixtures, options, peer_tool, workspace_root};

fn describe(output: &Output) -> String {
    format!(
        "exit {}\n--- stdout\n{}--- stderr\n{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every inventory fixture, and the application image's, which adds language packages and
/// one owned by an OS package.
fn inventories() -> Vec<(&'static str, Inventory)> {
    let mut inventories = fixtures::all();
    inventories.push(("app-image", fixtures::app_image_report().inventory));
    inventories
}

/// Runs `scripts/validate-sbom.py MODE FILES…` and asserts that it passes and names every
/// file valid.
fn assert_valid(mode: &str, files: &[PathBuf]) {
    let output = validate_sbom(mode, files);
    let report = describe(&output);
    assert!(output.status.success(), "{report}");
    for file in files {
        assert!(
            report.contains(&format!("{}: valid {mode}", file.display())),
            "{report}"
        );
    }
}

fn validate_sbom(mode: &str, files: &[PathBuf]) -> Output {
    Command::new(peer_tool("python"))
        .arg(workspace_root().join("scripts/validate-sbom.py"))
        .arg(mode)
        .args(files)
        .output()
        .expect("the peers venv's python runs")
}

#[test]
fn cyclonedx_passes_cyclonedx_python_lib_strict_validation() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    for (label, inventory) in inventories() {
        let path = dir.path().join(format!("{label}.cdx.json"));
        write_cyclonedx(&inventory, &options(), fs_err::File::create(&path).unwrap()).unwrap();
        files.push(path);
    }
    for (label, report) in fixtures::reports() {
        let path = dir.path().join(format!("{label}.cdx.json"));
        write_cyclonedx_report(&report, &options(), fs_err::File::create(&path).unwrap()).unwrap();
        files.push(path);
    }
    assert_valid("cyclonedx", &files);
}

#[test]
fn sarif_passes_the_schema_and_github_ingestion_rules() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = Vec::new();
    for (label, report) in fixtures::reports() {
        let path = dir.path().join(format!("{label}.sarif"));
        write_sarif(&report, &options(), fs_err::File::create(&path).unwrap()).unwrap();
        files.push(path);
    }
    assert_valid("sarif", &files);
}

#[test]
fn spdx_passes_pyspdxtools_validation() {
    let dir = tempfile::tempdir().unwrap();
    let pyspdxtools = peer_tool("pyspdxtools");
    for (label, inventory) in inventories() {
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

/// A change that makes a SARIF log invalid.
type Breakage = fn(&mut serde_json::Value);

/// Guards the SARIF test against passing vacuously: each layer of `validate-sbom.py sarif`
/// (the schema, its formats, GitHub's ingestion rules) must reject a log broken for it.
#[test]
fn sarif_validator_rejects_broken_logs() {
    let dir = tempfile::tempdir().unwrap();
    let log = custody_sbom::to_sarif(&fixtures::app_image_report(), &options());
    let cases: [(&str, Breakage, &str); 4] = [
        (
            "no-message",
            |log| {
                log["runs"][0]["results"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("message");
            },
            "schema: runs/0/results/0: 'message' is a required property",
        ),
        (
            "bad-help-uri",
            |log| log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = "not a uri".into(),
            "schema: runs/0/tool/driver/rules/0/helpUri: 'not a uri' is not a 'uri'",
        ),
        (
            "no-locations",
            |log| {
                log["runs"][0]["results"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("locations");
            },
            "multitool: GH1015 (error)",
        ),
        (
            "absolute-path",
            |log| {
                log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                    ["uri"] = "/var/lib/dpkg/status".into();
                log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                    ["uriBaseId"] = "ROOT".into();
            },
            "multitool: SARIF1004 (error)",
        ),
    ];
    for (label, mutate, expected) in cases {
        let mut broken = log.clone();
        mutate(&mut broken);
        let path = dir.path().join(format!("{label}.sarif"));
        fs_err::write(&path, broken.to_string()).unwrap();
        let output = validate_sbom("sarif", &[path]);
        let report = describe(&output);
        assert!(!output.status.success(), "{label}: {report}");
        assert!(report.contains(expected), "{label}: {report}");
    }
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

/// syft reads `Package::owned_by` back from the SPDX relationship (`OTHER` with an
/// `ownership-by-file-overlap:` comment) as its own ownership relationship.
#[test]
fn syft_reads_back_ownership_from_spdx() {
    let dir = tempfile::tempdir().unwrap();
    let inventory = fixtures::app_image_report().inventory;
    let spdx = dir.path().join("app.spdx.json");
    write_spdx(&inventory, &options(), fs_err::File::create(&spdx).unwrap()).unwrap();
    let output = Command::new(peer_tool("syft"))
        .arg("convert")
        .arg(&spdx)
        .args(["-o", "syft-json"])
        .env("SYFT_CHECK_FOR_APP_UPDATE", "false")
        .output()
        .expect("syft runs");
    assert!(output.status.success(), "{}", describe(&output));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let name_of = |id: &serde_json::Value| -> String {
        document["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|artifact| artifact["id"] == *id)
            .map_or_else(
                || format!("unknown {id}"),
                |artifact| artifact["name"].as_str().unwrap().to_owned(),
            )
    };
    let ownership: Vec<(String, String)> = document["artifactRelationships"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|relationship| relationship["type"] == "ownership-by-file-overlap")
        .map(|relationship| {
            (
                name_of(&relationship["parent"]),
                name_of(&relationship["child"]),
            )
        })
        .collect();
    assert_eq!(
        ownership,
        [("python3-urllib3".to_owned(), "urllib3".to_owned())]
    );
}
