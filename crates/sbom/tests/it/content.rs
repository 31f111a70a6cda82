//! What the documents say about each fixture: purls, licenses, properties, relationships and
//! dependency edges, read back from the JSON the encoders produce; and for scan reports, how
//! findings map to SARIF rules and results and to CycloneDX vulnerabilities.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use custody_model::{Finding, Inventory, Report, Severity, TargetKind};
use custody_sbom::{
    EncodeOptions, to_cyclonedx, to_cyclonedx_report, to_sarif, to_spdx, write_cyclonedx,
    write_cyclonedx_report, write_sarif, write_spdx,
};

use crate::fixtures::{self, APP_LAYER, DEBIAN_CONFIG, DEBIAN_LAYERS, DEBIAN_MANIFEST};
use crate::options;

fn array(value: &Value) -> &Vec<Value> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected an array, got {value}"))
}

fn text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("expected a string, got {value}"))
}

/// The component or package whose `name` is `name`.
fn named<'a>(items: &'a Value, name: &str) -> &'a Value {
    array(items)
        .iter()
        .find(|item| item["name"] == name)
        .unwrap_or_else(|| panic!("no element named {name}"))
}

fn property<'a>(component: &'a Value, name: &str) -> Option<&'a str> {
    component["properties"]
        .as_array()?
        .iter()
        .find(|property| property["name"] == name)
        .and_then(|property| property["value"].as_str())
}

fn depends_on<'a>(bom: &'a Value, reference: &str) -> Vec<&'a str> {
    let entry = array(&bom["dependencies"])
        .iter()
        .find(|entry| entry["ref"] == reference)
        .unwrap_or_else(|| panic!("no dependency entry for {reference}"));
    array(&entry["dependsOn"]).iter().map(text).collect()
}

fn purl_of(inventory: &Inventory, name: &str) -> String {
    inventory
        .packages
        .iter()
        .find(|package| package.name == name)
        .unwrap_or_else(|| panic!("the fixture has no package {name}"))
        .purl
        .to_string()
}

/// (from, type, to) triples, SPDXIDs resolved to names for readability.
fn relationships(document: &Value) -> BTreeSet<(String, String, String)> {
    let name_of = |id: &str| -> String {
        if id == "SPDXRef-DOCUMENT" {
            return "DOCUMENT".to_owned();
        }
        let package = array(&document["packages"])
            .iter()
            .find(|package| package["SPDXID"] == id)
            .unwrap_or_else(|| panic!("relationship names unknown element {id}"));
        text(&package["name"]).to_owned()
    };
    array(&document["relationships"])
        .iter()
        .map(|relationship| {
            (
                name_of(text(&relationship["spdxElementId"])),
                text(&relationship["relationshipType"]).to_owned(),
                name_of(text(&relationship["relatedSpdxElement"])),
            )
        })
        .collect()
}

fn triple(from: &str, kind: &str, to: &str) -> (String, String, String) {
    (from.to_owned(), kind.to_owned(), to.to_owned())
}

#[test]
fn written_documents_equal_the_values() {
    for (label, inventory) in fixtures::all() {
        let mut cyclonedx = Vec::new();
        write_cyclonedx(&inventory, &options(), &mut cyclonedx).unwrap();
        assert!(cyclonedx.ends_with(b"}\n"), "{label}");
        let parsed: Value = serde_json::from_slice(&cyclonedx).unwrap();
        assert_eq!(parsed, to_cyclonedx(&inventory, &options()), "{label}");

        let mut spdx = Vec::new();
        write_spdx(&inventory, &options(), &mut spdx).unwrap();
        assert!(spdx.ends_with(b"}\n"), "{label}");
        let parsed: Value = serde_json::from_slice(&spdx).unwrap();
        assert_eq!(parsed, to_spdx(&inventory, &options()), "{label}");
    }
}

#[test]
fn options_drive_document_identity() {
    let inventory = fixtures::debian_image();
    let options = EncodeOptions {
        serial: uuid::Uuid::nil(),
        timestamp: "2025-01-02T03:04:05.678Z".parse().unwrap(),
        tool_version: "9.9.9".to_owned(),
    };
    let bom = to_cyclonedx(&inventory, &options);
    assert_eq!(
        bom["serialNumber"],
        "urn:uuid:00000000-0000-0000-0000-000000000000"
    );
    assert_eq!(bom["metadata"]["timestamp"], "2025-01-02T03:04:05Z");
    assert_eq!(
        bom["metadata"]["tools"],
        json!({"components": [{"type": "application", "name": "custody", "version": "9.9.9"}]})
    );
    let document = to_spdx(&inventory, &options);
    assert_eq!(
        document["documentNamespace"],
        "https://custody.dev/spdx/127.0.0.1-5000-app-1.0-00000000-0000-0000-0000-000000000000"
    );
    assert_eq!(
        document["creationInfo"],
        json!({
            "created": "2025-01-02T03:04:05Z",
            "creators": ["Tool: custody-9.9.9", "Organization: custody"],
            "licenseListVersion": "3.24"
        })
    );
}

#[test]
fn cyclonedx_debian_target_os_and_packages() {
    let inventory = fixtures::debian_image();
    let bom = to_cyclonedx(&inventory, &options());
    assert_eq!(bom["bomFormat"], "CycloneDX");
    assert_eq!(bom["specVersion"], "1.6");
    assert_eq!(bom["version"], 1);

    let root = &bom["metadata"]["component"];
    assert_eq!(root["type"], "container");
    assert_eq!(root["name"], "127.0.0.1:5000/app:1.0");
    assert_eq!(root["version"], DEBIAN_MANIFEST);
    assert_eq!(property(root, "custody:target:kind"), Some("registry"));
    assert_eq!(
        property(root, "custody:image:configDigest"),
        Some(DEBIAN_CONFIG)
    );
    assert_eq!(
        property(root, "custody:image:platform"),
        Some("linux/amd64")
    );
    assert_eq!(property(root, "custody:image:tag:0"), Some("app:1.0"));
    assert_eq!(
        property(root, "custody:image:layer:0:digest"),
        Some(DEBIAN_LAYERS[0])
    );
    assert_eq!(
        property(root, "custody:image:layer:1:digest"),
        Some(DEBIAN_LAYERS[1])
    );
    assert!(property(root, "custody:image:layer:0:diffId").is_some());
    assert_eq!(property(root, "custody:image:layer:1:diffId"), None);

    let components = array(&bom["components"]);
    assert_eq!(components.len(), 1 + inventory.packages.len());
    let os = &components[0];
    assert_eq!(os["type"], "operating-system");
    assert_eq!(os["name"], "debian");
    assert_eq!(os["version"], "12");
    assert_eq!(os["description"], "Debian GNU/Linux 12 (bookworm)");
    assert_eq!(property(os, "custody:distro:codename"), Some("bookworm"));

    for package in &inventory.packages {
        let component = named(&bom["components"], &package.name);
        assert_eq!(component["type"], "library");
        assert_eq!(component["purl"], package.purl.as_str());
        assert_eq!(component["bom-ref"], package.purl.as_str());
        assert_eq!(component["version"], package.version.as_str());
        assert_eq!(component["supplier"], json!({"name": "debian"}));
        assert_eq!(
            property(component, "custody:package:ecosystem"),
            Some("deb")
        );
    }
}

#[test]
fn cyclonedx_debian_licenses_and_properties() {
    let bom = to_cyclonedx(&fixtures::debian_image(), &options());
    let components = &bom["components"];
    assert_eq!(
        named(components, "bsdutils")["licenses"],
        json!([
            {"license": {"id": "BSD-4-Clause-UC"}},
            {"license": {"id": "GPL-2.0-only"}},
            {"license": {"id": "LGPL-2.1+"}},
            {"license": {"name": "public-domain"}}
        ])
    );
    assert_eq!(
        named(components, "libc6")["licenses"],
        json!([{"expression": "LGPL-2.1+ AND GPL-2.0-or-later WITH GCC-exception-2.0"}])
    );
    assert_eq!(
        named(components, "openssl")["licenses"],
        json!([{"expression": "Apache-2.0 AND MIT"}])
    );
    assert_eq!(
        named(components, "tzdata")["licenses"],
        json!([{"license": {"name": "BSD"}}, {"license": {"name": "GPLv2+"}}])
    );
    assert_eq!(
        named(components, "zlib1g")["licenses"],
        json!([{"license": {"id": "Zlib"}}])
    );

    let bsdutils = named(components, "bsdutils");
    assert_eq!(
        property(bsdutils, "custody:package:sourceName"),
        Some("util-linux")
    );
    assert_eq!(
        property(bsdutils, "custody:package:sourceVersion"),
        Some("2.38.1-5")
    );
    assert_eq!(property(bsdutils, "custody:package:arch"), Some("amd64"));
    assert_eq!(
        property(bsdutils, "custody:package:state"),
        Some("installed")
    );
    let openssl = named(components, "openssl");
    assert_eq!(
        property(openssl, "custody:package:state"),
        Some("half-configured")
    );
    assert_eq!(property(openssl, "custody:package:sourceVersion"), None);
    assert_eq!(
        property(openssl, "custody:location:0:path"),
        Some("var/lib/dpkg/status")
    );
    assert_eq!(
        property(openssl, "custody:location:0:layerDigest"),
        Some(DEBIAN_LAYERS[0])
    );
    assert_eq!(
        property(openssl, "custody:location:1:layerDigest"),
        Some(DEBIAN_LAYERS[1])
    );
    assert_eq!(
        property(named(components, "zlib1g"), "custody:package:state"),
        Some("unpacked")
    );
}

#[test]
fn cyclonedx_debian_dependencies() {
    let inventory = fixtures::debian_image();
    let bom = to_cyclonedx(&inventory, &options());
    // Every component has an entry in the graph; the target depends on everything.
    let dependencies = array(&bom["dependencies"]);
    assert_eq!(dependencies.len(), 2 + inventory.packages.len());
    let mut everything: Vec<String> = inventory
        .packages
        .iter()
        .map(|package| package.purl.to_string())
        .collect();
    everything.push("custody:operating-system".to_owned());
    everything.sort();
    assert_eq!(depends_on(&bom, "custody:target"), everything);
    assert_eq!(
        depends_on(&bom, "custody:operating-system"),
        Vec::<&str>::new()
    );
    let purl = |name: &str| purl_of(&inventory, name);
    let mut expected = vec![purl("libc6"), purl("libssl3"), purl("zlib1g")];
    expected.sort();
    // The duplicate edge is merged and the edge to debconf, absent from the inventory, dropped.
    assert_eq!(depends_on(&bom, &purl("openssl")), expected);
    assert_eq!(depends_on(&bom, &purl("libssl3")), vec![purl("libc6")]);
    // A package's edge to itself is dropped.
    assert_eq!(depends_on(&bom, &purl("zlib1g")), Vec::<&str>::new());
    assert_eq!(depends_on(&bom, &purl("tzdata")), Vec::<&str>::new());
}

#[test]
fn spdx_debian_document_and_packages() {
    let inventory = fixtures::debian_image();
    let document = to_spdx(&inventory, &options());
    assert_eq!(document["spdxVersion"], "SPDX-2.3");
    assert_eq!(document["dataLicense"], "CC0-1.0");
    assert_eq!(document["SPDXID"], "SPDXRef-DOCUMENT");
    assert_eq!(document["name"], "127.0.0.1:5000/app:1.0");

    let packages = array(&document["packages"]);
    assert_eq!(packages.len(), 2 + inventory.packages.len());
    let ids: BTreeSet<&str> = packages
        .iter()
        .map(|package| package["SPDXID"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), packages.len(), "SPDXIDs are unique");
    for id in &ids {
        let rest = id.strip_prefix("SPDXRef-").unwrap();
        assert!(
            !rest.is_empty()
                && rest
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || b".-".contains(&byte)),
            "{id}"
        );
    }

    let root = &packages[0];
    assert_eq!(root["SPDXID"], "SPDXRef-Target");
    assert_eq!(root["primaryPackagePurpose"], "CONTAINER");
    assert_eq!(root["versionInfo"], DEBIAN_MANIFEST);
    let comment = root["comment"].as_str().unwrap();
    assert!(comment.contains(DEBIAN_CONFIG), "{comment}");
    assert!(
        comment.contains(&format!(
            "layers, bottom first: {}, {}",
            DEBIAN_LAYERS[0], DEBIAN_LAYERS[1]
        )),
        "{comment}"
    );
    let os = &packages[1];
    assert_eq!(os["SPDXID"], "SPDXRef-OperatingSystem");
    assert_eq!(os["primaryPackagePurpose"], "OPERATING_SYSTEM");
    assert_eq!(os["name"], "debian");
    assert_eq!(os["versionInfo"], "12");

    for package in &inventory.packages {
        let entry = named(&document["packages"], &package.name);
        assert_eq!(entry["versionInfo"], package.version.as_str());
        assert_eq!(entry["downloadLocation"], "NOASSERTION");
        assert_eq!(entry["filesAnalyzed"], false);
        assert_eq!(entry["licenseConcluded"], "NOASSERTION");
        assert_eq!(entry["supplier"], "Organization: debian");
        assert_eq!(
            entry["externalRefs"],
            json!([{
                "referenceCategory": "PACKAGE-MANAGER",
                "referenceType": "purl",
                "referenceLocator": package.purl.as_str()
            }])
        );
    }
}

#[test]
fn spdx_debian_package_fields() {
    let inventory = fixtures::debian_image();
    let document = to_spdx(&inventory, &options());
    let packages = &document["packages"];
    assert_eq!(
        named(packages, "bsdutils")["SPDXID"],
        "SPDXRef-Package-deb-bsdutils-1-2.38.1-5-b1-amd64"
    );
    assert_eq!(
        named(packages, "bsdutils")["licenseDeclared"],
        "NOASSERTION"
    );
    assert_eq!(
        named(packages, "bsdutils")["licenseComments"],
        "declared licenses as recorded, not all SPDX license expressions: \
         BSD-4-Clause-UC; GPL-2.0-only; LGPL-2.1+; public-domain"
    );
    assert_eq!(
        named(packages, "libc6")["licenseDeclared"],
        "LGPL-2.1+ AND GPL-2.0-or-later WITH GCC-exception-2.0"
    );
    assert_eq!(
        named(packages, "openssl")["licenseDeclared"],
        "Apache-2.0 AND MIT"
    );
    assert_eq!(named(packages, "zlib1g")["licenseDeclared"], "Zlib");
    assert_eq!(named(packages, "tzdata")["licenseDeclared"], "NOASSERTION");
    assert_eq!(named(packages, "zlib1g")["licenseComments"], Value::Null);
    assert_eq!(
        named(packages, "openssl")["comment"],
        "install state: half-configured"
    );
    assert_eq!(named(packages, "libc6")["comment"], Value::Null);
    assert_eq!(
        named(packages, "openssl")["sourceInfo"],
        format!(
            "built from source package openssl; recorded in var/lib/dpkg/status (layer {}), \
             var/lib/dpkg/status (layer {})",
            DEBIAN_LAYERS[0], DEBIAN_LAYERS[1]
        )
    );
    assert_eq!(
        named(packages, "bsdutils")["sourceInfo"],
        format!(
            "built from source package util-linux 2.38.1-5; recorded in var/lib/dpkg/status \
             (layer {})",
            DEBIAN_LAYERS[0]
        )
    );
}

#[test]
fn spdx_debian_relationships() {
    let inventory = fixtures::debian_image();
    let document = to_spdx(&inventory, &options());
    let target = "127.0.0.1:5000/app:1.0";
    let mut expected = BTreeSet::from([
        triple("DOCUMENT", "DESCRIBES", target),
        triple(target, "CONTAINS", "debian"),
        triple("libssl3", "DEPENDS_ON", "libc6"),
        triple("openssl", "DEPENDS_ON", "libc6"),
        triple("openssl", "DEPENDS_ON", "libssl3"),
        triple("openssl", "DEPENDS_ON", "zlib1g"),
    ]);
    for package in &inventory.packages {
        expected.insert(triple(target, "CONTAINS", &package.name));
    }
    assert_eq!(relationships(&document), expected);
    assert_eq!(
        array(&document["relationships"]).len(),
        expected.len(),
        "no repeated relationships"
    );
}

#[test]
fn apk_and_rpm_packages() {
    let alpine = fixtures::alpine_image();
    let bom = to_cyclonedx(&alpine, &options());
    let ca = named(&bom["components"], "ca-certificates-bundle");
    assert_eq!(ca["licenses"], json!([{"expression": "MPL-2.0 AND MIT"}]));
    assert_eq!(property(ca, "custody:package:ecosystem"), Some("apk"));
    assert_eq!(
        property(ca, "custody:package:sourceName"),
        Some("ca-certificates")
    );
    assert_eq!(
        depends_on(&bom, &purl_of(&alpine, "busybox")),
        vec![purl_of(&alpine, "musl")]
    );
    assert_eq!(bom["metadata"]["component"]["type"], "container");
    assert_eq!(
        property(&bom["metadata"]["component"], "custody:target:kind"),
        Some("oci-dir")
    );

    let rocky = fixtures::rocky_rootfs();
    let bom = to_cyclonedx(&rocky, &options());
    let root = &bom["metadata"]["component"];
    assert_eq!(root["type"], "file");
    assert_eq!(root["name"], "/srv/rocky-root");
    assert_eq!(root["version"], Value::Null);
    let os = &bom["components"][0];
    assert_eq!(
        property(os, "custody:distro:idLike"),
        Some("rhel centos fedora")
    );
    let openssl = named(&bom["components"], "openssl-libs");
    assert_eq!(openssl["version"], "1:3.0.7-27.el9");
    assert_eq!(
        openssl["purl"],
        "pkg:rpm/rocky/openssl-libs@1%3A3.0.7-27.el9?arch=x86_64&distro=rocky-9.4"
    );
    assert_eq!(
        property(openssl, "custody:package:sourceVersion"),
        Some("1:3.0.7-27.el9")
    );
    assert_eq!(
        named(&bom["components"], "bash")["licenses"],
        json!([{"license": {"name": "GPLv3+"}}])
    );
    assert_eq!(property(openssl, "custody:location:0:layerDigest"), None);

    let document = to_spdx(&rocky, &options());
    assert_eq!(document["packages"][0]["primaryPackagePurpose"], "FILE");
    let openssl = named(&document["packages"], "openssl-libs");
    assert_eq!(openssl["versionInfo"], "1:3.0.7-27.el9");
    assert_eq!(openssl["licenseDeclared"], "Apache-2.0");
    assert_eq!(openssl["supplier"], "Organization: rocky");
    assert_eq!(
        openssl["sourceInfo"],
        "built from source package openssl 1:3.0.7-27.el9; recorded in var/lib/rpm/rpmdb.sqlite"
    );
    assert_eq!(
        named(&document["packages"], "bash")["licenseComments"],
        "declared licenses as recorded, not all SPDX license expressions: GPLv3+"
    );
}

#[test]
fn empty_image() {
    let inventory = fixtures::scratch_image();
    let bom = to_cyclonedx(&inventory, &options());
    assert_eq!(bom["components"], json!([]));
    assert_eq!(
        bom["dependencies"],
        json!([{"ref": "custody:target", "dependsOn": []}])
    );
    let root = &bom["metadata"]["component"];
    // Without a manifest (docker save), the configuration digest names the image.
    assert_eq!(
        root["version"],
        inventory.target.image.as_ref().unwrap().config_digest
    );
    assert_eq!(
        property(root, "custody:target:kind"),
        Some("docker-archive")
    );

    let document = to_spdx(&inventory, &options());
    assert_eq!(array(&document["packages"]).len(), 1);
    assert_eq!(
        relationships(&document),
        BTreeSet::from([triple("DOCUMENT", "DESCRIBES", "scratch.tar")])
    );
}

#[test]
fn dir_without_distro_and_duplicate_purls() {
    let inventory = fixtures::source_dir();
    let purl = inventory.packages[0].purl.to_string();
    assert_eq!(purl, inventory.packages[1].purl.to_string());

    let bom = to_cyclonedx(&inventory, &options());
    let root = &bom["metadata"]["component"];
    assert_eq!(root["type"], "file");
    assert_eq!(root["name"], "./my project");
    let components = array(&bom["components"]);
    assert_eq!(components.len(), 3, "no operating-system component");
    assert_eq!(components[0]["bom-ref"], purl.as_str());
    assert_eq!(
        components[1]["bom-ref"],
        format!("custody:duplicate:2:{purl}")
    );
    assert_eq!(components[1]["purl"], purl.as_str());
    assert_eq!(
        components[0]["supplier"],
        Value::Null,
        "no distro, no supplier"
    );
    assert_eq!(
        components[0]["licenses"],
        json!([{"expression": "GPL-3.0-or-later WITH GCC-exception-3.1"}])
    );
    let unversioned = &components[2];
    assert_eq!(unversioned["version"], Value::Null);
    assert_eq!(property(unversioned, "custody:package:state"), None);
    assert_eq!(unversioned["licenses"], Value::Null);
    // The edge names the shared purl, which resolves to the first of the two packages.
    assert_eq!(
        depends_on(&bom, unversioned["bom-ref"].as_str().unwrap()),
        vec![purl.as_str()]
    );
    let mut everything: Vec<String> = components
        .iter()
        .map(|component| component["bom-ref"].as_str().unwrap().to_owned())
        .collect();
    everything.sort();
    assert_eq!(depends_on(&bom, "custody:target"), everything);

    let document = to_spdx(&inventory, &options());
    assert_eq!(
        document["documentNamespace"],
        "https://custody.dev/spdx/.-my-project-3e671687-395b-41f5-a30f-a58921a69b79"
    );
    let packages = array(&document["packages"]);
    assert_eq!(packages.len(), 4);
    assert_eq!(packages[0]["primaryPackagePurpose"], "SOURCE");
    assert_eq!(packages[0]["supplier"], "NOASSERTION");
    assert_eq!(
        packages[1]["SPDXID"],
        "SPDXRef-Package-deb-libstdc--6-12.2.0-14-amd64"
    );
    assert_eq!(
        packages[2]["SPDXID"],
        "SPDXRef-Package-deb-libstdc--6-12.2.0-14-amd64-2"
    );
    assert_eq!(packages[1]["supplier"], "NOASSERTION");
    assert_eq!(packages[3]["SPDXID"], "SPDXRef-Package-deb-local-tools-all");
    assert_eq!(packages[3]["versionInfo"], Value::Null);
    let depends: Vec<&Value> = array(&document["relationships"])
        .iter()
        .filter(|relationship| relationship["relationshipType"] == "DEPENDS_ON")
        .collect();
    assert_eq!(
        depends,
        vec![&json!({
            "spdxElementId": "SPDXRef-Package-deb-local-tools-all",
            "relationshipType": "DEPENDS_ON",
            "relatedSpdxElement": "SPDXRef-Package-deb-libstdc--6-12.2.0-14-amd64"
        })]
    );
}

#[test]
fn odd_values_stay_inert() {
    let inventory = fixtures::odd_values();
    let bom = to_cyclonedx(&inventory, &options());
    let root = &bom["metadata"]["component"];
    assert_eq!(
        root["version"], "sha256:7777",
        "an empty manifest digest is no version"
    );
    let package = &bom["components"][1];
    assert_eq!(package["supplier"]["name"], "evil (corp)\nPerson: x");
    assert_eq!(
        package["licenses"],
        json!([
            {"license": {"name": "MIT \u{2014} with a dash"}},
            {"license": {"name": "MIT OR"}},
            {"license": {"id": "Apache-2.0"}}
        ])
    );

    let document = to_spdx(&inventory, &options());
    assert_eq!(
        document["documentNamespace"],
        "https://custody.dev/spdx/r-gistry.example-app-name-1.0-frag-x-1-3e671687-395b-41f5-a30f-a58921a69b79"
    );
    let packages = array(&document["packages"]);
    assert_eq!(
        packages[1]["supplier"], "NOASSERTION",
        "the os-release id is no actor"
    );
    assert_eq!(packages[2]["supplier"], "NOASSERTION");
    assert_eq!(packages[2]["licenseDeclared"], "NOASSERTION");
    assert_eq!(
        packages[2]["SPDXID"],
        "SPDXRef-Package-apk-na-me--quoted---n-code-1.0--beta--x86-64"
    );
}

// --- Scan reports ---------------------------------------------------------------------------

/// The fixture's findings of vulnerability `id`.
fn findings_of<'a>(report: &'a Report, id: &str) -> Vec<&'a Finding> {
    report
        .findings
        .iter()
        .filter(|finding| finding.id == id)
        .collect()
}

/// The SARIF rule with id `id`, and its index in `rules`.
fn sarif_rule<'a>(log: &'a Value, id: &str) -> (usize, &'a Value) {
    array(&log["runs"][0]["tool"]["driver"]["rules"])
        .iter()
        .enumerate()
        .find(|(_, rule)| rule["id"] == id)
        .unwrap_or_else(|| panic!("no rule {id}"))
}

fn sarif_results<'a>(log: &'a Value, id: &str) -> Vec<&'a Value> {
    array(&log["runs"][0]["results"])
        .iter()
        .filter(|result| result["ruleId"] == id)
        .collect()
}

fn vulnerability<'a>(bom: &'a Value, id: &str) -> &'a Value {
    array(&bom["vulnerabilities"])
        .iter()
        .find(|vulnerability| vulnerability["id"] == id)
        .unwrap_or_else(|| panic!("no vulnerability {id}"))
}

#[test]
fn written_reports_equal_the_values() {
    for (label, report) in fixtures::reports() {
        let mut sarif = Vec::new();
        write_sarif(&report, &options(), &mut sarif).unwrap();
        assert!(sarif.ends_with(b"}\n"), "{label}");
        let parsed: Value = serde_json::from_slice(&sarif).unwrap();
        assert_eq!(parsed, to_sarif(&report, &options()), "{label}");

        let mut cyclonedx = Vec::new();
        write_cyclonedx_report(&report, &options(), &mut cyclonedx).unwrap();
        let parsed: Value = serde_json::from_slice(&cyclonedx).unwrap();
        assert_eq!(parsed, to_cyclonedx_report(&report, &options()), "{label}");
    }
}

#[test]
fn sarif_reports_secrets_and_misconfigurations_at_their_lines() {
    let report = fixtures::file_findings_report();
    let log = to_sarif(&report, &options());
    let serialized = log.to_string();

    let (index, rule) = sarif_rule(&log, "github-pat");
    assert_eq!(rule["name"], "Secret");
    assert_eq!(rule["properties"]["tags"], json!(["security", "secret"]));
    assert_eq!(rule["properties"]["security-severity"], "9.5");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    let [token] = sarif_results(&log, "github-pat")[..] else {
        panic!("one github-pat result")
    };
    assert_eq!(token["ruleIndex"], index);
    let location = &token["locations"][0];
    assert_eq!(
        location["physicalLocation"],
        json!({"artifactLocation": {"uri": "root/.bash_history"},
               "region": {"startLine": 12, "startColumn": 14}})
    );
    assert_eq!(
        location["properties"]["layerDigest"],
        report.secrets[0].location.layer.as_deref().unwrap()
    );
    assert_eq!(
        token["properties"],
        json!({"severity": "CRITICAL", "deleted": true})
    );
    assert!(text(&token["message"]["text"]).contains("ghp_****"));
    assert_eq!(
        sarif_results(&log, "private-key-rsa")[0]["properties"],
        json!({"severity": "HIGH"})
    );

    let (_, check) = sarif_rule(&log, "CDF002");
    assert_eq!(check["name"], "Misconfiguration");
    assert_eq!(
        check["helpUri"],
        "https://docs.docker.com/build/building/best-practices/#from"
    );
    assert!(text(&check["help"]["text"]).contains("Remediation: Pin the base image"));
    let [privileged] = sarif_results(&log, "PSS-privileged")[..] else {
        panic!("one PSS-privileged result")
    };
    assert_eq!(
        privileged["locations"][0]["physicalLocation"]["region"],
        json!({"startLine": 21})
    );
    assert_eq!(
        privileged["properties"],
        json!({"severity": "HIGH", "resource": "Deployment/shop/web"})
    );
    assert!(text(&privileged["message"]["text"]).starts_with("Deployment/shop/web: container"));
    // Fingerprints differ per finding and never embed the masked value in clear.
    let fingerprints: BTreeSet<&str> = array(&log["runs"][0]["results"])
        .iter()
        .map(|result| text(&result["partialFingerprints"]["primaryLocationLineHash"]))
        .collect();
    assert_eq!(fingerprints.len(), 4);
    assert!(!serialized.contains("helpUri\":null"));
}

#[test]
fn sarif_run_names_the_tool_and_target() {
    let report = fixtures::app_image_report();
    let log = to_sarif(&report, &options());
    assert_eq!(log["version"], "2.1.0");
    assert_eq!(
        log["$schema"],
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    );
    assert_eq!(array(&log["runs"]).len(), 1);
    let driver = &log["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "custody");
    assert_eq!(driver["version"], "0.1.0");
    assert!(text(&driver["informationUri"]).starts_with("https://"));
    assert_eq!(
        log["runs"][0]["properties"],
        json!({"targetKind": "registry", "targetName": "127.0.0.1:5000/app:1.0"})
    );
}

#[test]
fn sarif_has_one_rule_per_vulnerability_and_one_result_per_location() {
    let report = fixtures::app_image_report();
    let log = to_sarif(&report, &options());
    let rules = array(&log["runs"][0]["tool"]["driver"]["rules"]);
    let rule_ids: Vec<&str> = rules.iter().map(|rule| text(&rule["id"])).collect();
    let finding_ids: BTreeSet<&str> = report
        .findings
        .iter()
        .map(|finding| finding.id.as_str())
        .collect();
    assert_eq!(rule_ids, finding_ids.into_iter().collect::<Vec<_>>());
    // Suppressed by the VEX statement, so neither a rule nor a result.
    assert!(!rule_ids.contains(&"CVE-2022-40897"));

    let results = array(&log["runs"][0]["results"]);
    let locations: usize = report
        .findings
        .iter()
        .map(|finding| finding.locations.len())
        .sum();
    assert_eq!(results.len(), locations);
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(array(&result["locations"]).len(), 1);
    }

    // CVE-2024-5535 is one rule for two packages: libssl3 (one location) and openssl
    // (recorded in both layers' status files).
    let openssl = sarif_results(&log, "CVE-2024-5535");
    let packages: Vec<&str> = openssl
        .iter()
        .map(|result| text(&result["properties"]["package"]))
        .collect();
    let expected: Vec<&str> = findings_of(&report, "CVE-2024-5535")
        .iter()
        .flat_map(|finding| finding.locations.iter().map(|_| finding.package.as_str()))
        .collect();
    assert_eq!(packages, expected);
    assert_eq!(packages.len(), 3);
}

#[test]
fn sarif_levels_and_security_severity_follow_the_ratings() {
    let report = fixtures::app_image_report();
    let log = to_sarif(&report, &options());
    // (id, level, security-severity), read from the fixture's ratings:
    let expected = [
        // Debian rates it low; NVD's 9.1 is critical, which would contradict the severity, so
        // the low band's midpoint.
        ("CVE-2024-5535", "note", Some("2.0")),
        ("CVE-2023-45853", "error", Some("9.8")),
        ("CVE-2023-43804", "error", Some("8.1")),
        // CVSS 3.1 6.1 agrees with GitHub's `moderate`.
        ("CVE-2023-32681", "warning", Some("6.1")),
        // The CVSS 4.0 score comes first in trust order and agrees with HIGH.
        ("CVE-2021-23337", "error", Some("8.6")),
        // CVSS 3.0 7.4 (HIGH) before CVSS 2 5.8 (MEDIUM).
        ("CVE-2020-8203", "error", Some("7.4")),
        // No rating at all: UNKNOWN, a note without a security severity.
        ("RUSTSEC-2024-0003", "note", None),
    ];
    for (id, level, score) in expected {
        let (_, rule) = sarif_rule(&log, id);
        assert_eq!(rule["defaultConfiguration"]["level"], level, "{id}");
        assert_eq!(
            rule["properties"]["security-severity"].as_str(),
            score,
            "{id}"
        );
        let tags = array(&rule["properties"]["tags"]);
        assert_eq!(
            tags[..2],
            [json!("security"), json!("vulnerability")],
            "{id}"
        );
        for result in sarif_results(&log, id) {
            assert_eq!(result["level"], level, "{id}");
        }
    }
    let (_, openssl) = sarif_rule(&log, "CVE-2024-5535");
    assert_eq!(openssl["name"], "OsPackageVulnerability");
    assert_eq!(
        openssl["properties"]["tags"],
        json!(["security", "vulnerability", "deb"])
    );
    assert_eq!(
        sarif_rule(&log, "CVE-2023-32681").1["name"],
        "LanguagePackageVulnerability"
    );
}

#[test]
fn sarif_locations_are_relative_and_fingerprints_stable() {
    let report = fixtures::app_image_report();
    let log = to_sarif(&report, &options());
    for result in array(&log["runs"][0]["results"]) {
        let location = &result["locations"][0];
        let uri = text(&location["physicalLocation"]["artifactLocation"]["uri"]);
        assert!(!uri.starts_with('/') && !uri.contains("://"), "{uri}");
        assert_eq!(
            location["physicalLocation"]["region"],
            json!({"startLine": 1})
        );
        assert_eq!(
            location["physicalLocation"]["artifactLocation"]
                .as_object()
                .unwrap()
                .len(),
            1,
            "no uriBaseId"
        );
        assert_eq!(
            text(&result["partialFingerprints"]["primaryLocationLineHash"]).len(),
            64
        );
    }

    // lodash's template injection is recorded in the lockfile and in node_modules.
    let lodash = sarif_results(&log, "CVE-2021-23337");
    let uris: Vec<&str> = lodash
        .iter()
        .map(|result| text(&result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]))
        .collect();
    assert_eq!(
        uris,
        [
            "app/package-lock.json",
            "app/node_modules/lodash/package.json"
        ]
    );
    for result in &lodash {
        assert_eq!(
            result["locations"][0]["properties"]["layerDigest"],
            APP_LAYER
        );
    }
    let fingerprint = |result: &Value| -> String {
        text(&result["partialFingerprints"]["primaryLocationLineHash"]).to_owned()
    };
    assert_ne!(fingerprint(lodash[0]), fingerprint(lodash[1]));

    // An upgrade to a version still affected keeps the alert; another vulnerability of the
    // same package at the same place is another alert.
    let mut upgraded = report.clone();
    for finding in &mut upgraded.findings {
        if finding.name == "lodash" {
            finding.version = "4.17.16".to_owned();
            finding.package = "pkg:npm/lodash@4.17.16".to_owned();
        }
    }
    let upgraded_log = to_sarif(&upgraded, &options());
    let after = sarif_results(&upgraded_log, "CVE-2021-23337");
    assert_eq!(fingerprint(after[0]), fingerprint(lodash[0]));
    let other = sarif_results(&log, "CVE-2020-8203");
    assert_ne!(fingerprint(other[0]), fingerprint(lodash[0]));
}

#[test]
fn sarif_messages_and_help_explain_the_match() {
    let report = fixtures::app_image_report();
    let log = to_sarif(&report, &options());
    let requests = sarif_results(&log, "CVE-2023-32681");
    assert_eq!(
        requests[0]["message"]["text"],
        "requests 2.25.0 is affected by CVE-2023-32681 (MEDIUM); fixed in 2.31.0. Unintended \
         leak of Proxy-Authorization header in requests."
    );
    assert_eq!(
        requests[0]["properties"],
        json!({"package": "pkg:pypi/requests@2.25.0", "installedVersion": "2.25.0",
               "fixedVersion": "2.31.0", "severity": "MEDIUM"})
    );

    let (_, rule) = sarif_rule(&log, "CVE-2023-32681");
    assert_eq!(
        rule["shortDescription"]["text"],
        "CVE-2023-32681: Unintended leak of Proxy-Authorization header in requests"
    );
    assert_eq!(
        rule["fullDescription"]["text"],
        "CVE-2023-32681: Unintended leak of Proxy-Authorization header in requests. Also known \
         as GHSA-j8r2-6x86-q33q, PYSEC-2023-74."
    );
    assert_eq!(
        rule["helpUri"],
        "https://nvd.nist.gov/vuln/detail/CVE-2023-32681"
    );
    let help = text(&rule["help"]["text"]);
    for expected in [
        "- requests 2.25.0 (pypi, MEDIUM): fixed in 2.31.0",
        "found in app/venv/lib/python3.11/site-packages/requests-2.25.0.dist-info/METADATA",
        "matched GHSA-j8r2-6x86-q33q (PyPI package requests): 2.25.0 is in the ECOSYSTEM range \
         >= 2.3.0, < 2.31.0, compared with pep440",
        "matched PYSEC-2023-74 (PyPI package requests)",
        "Also known as: GHSA-j8r2-6x86-q33q, PYSEC-2023-74",
        "- https://github.com/psf/requests/releases/tag/v2.31.0",
    ] {
        assert!(help.contains(expected), "{expected:?} not in\n{help}");
    }
    let markdown = text(&rule["help"]["markdown"]);
    assert!(
        markdown.contains(
            "| requests (pypi) | 2.25.0 | 2.31.0 | MEDIUM | \
             app/venv/lib/python3.11/site-packages/requests-2.25.0.dist-info/METADATA |"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("- <https://github.com/psf/requests/releases/tag/v2.31.0>"),
        "{markdown}"
    );

    // zlib has no fix in Debian 12; the match shows the open range and the dpkg comparator.
    let zlib = sarif_results(&log, "CVE-2023-45853");
    assert!(
        text(&zlib[0]["message"]["text"])
            .starts_with("zlib1g 1:1.2.13.dfsg-1 is affected by CVE-2023-45853 (CRITICAL); no fixed version is known."),
        "{}",
        zlib[0]["message"]
    );
    assert!(zlib[0]["properties"].get("fixedVersion").is_none());
    let help = text(&sarif_rule(&log, "CVE-2023-45853").1["help"]["text"]);
    assert!(
        help.contains(
            "matched DEBIAN-CVE-2023-45853 (Debian:12 package zlib): 1:1.2.13.dfsg-1 is in the \
             ECOSYSTEM range >= 0, compared with dpkg"
        ),
        "{help}"
    );
    // A reference that is no URL is left out.
    let help = text(&sarif_rule(&log, "CVE-2024-5535").1["help"]["text"]);
    assert!(!help.contains("not a url"), "{help}");
    assert!(help.contains("- https://www.openssl.org/news/secadv/20240627.txt"));
}

#[test]
fn sarif_respects_github_limits_and_stays_inert() {
    let mut report = fixtures::app_image_report();
    let finding = report
        .findings
        .iter_mut()
        .find(|finding| finding.id == "CVE-2023-32681")
        .unwrap();
    finding.summary = Some("é".repeat(5000));
    finding.name = "evil\n| injected | row |\n[link](https://evil.example)".to_owned();
    finding.locations[0].path = "/abs/dir with space/ünï:code?#".to_owned();
    let log = to_sarif(&report, &options());
    let (_, rule) = sarif_rule(&log, "CVE-2023-32681");
    for field in ["shortDescription", "fullDescription"] {
        let description = text(&rule[field]["text"]);
        assert_eq!(description.chars().count(), 1024, "{field}");
        assert!(description.ends_with('…'), "{field}");
    }
    let markdown = text(&rule["help"]["markdown"]);
    assert!(
        markdown.contains("evil \\| injected \\| row \\| \\[link\\](https://evil.example)"),
        "{markdown}"
    );
    let result = sarif_results(&log, "CVE-2023-32681")[0];
    assert!(text(&result["message"]["text"]).starts_with("evil | injected | row | [link]"));
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "abs/dir%20with%20space/%C3%BCn%C3%AF%3Acode%3F%23"
    );
}

#[test]
fn sarif_findings_without_locations_point_at_the_sbom() {
    let mut report = fixtures::app_image_report();
    report.inventory.target.kind = TargetKind::Sbom;
    report.inventory.target.name = "./sboms/app.cdx.json".to_owned();
    for finding in &mut report.findings {
        finding.locations.clear();
    }
    let log = to_sarif(&report, &options());
    let results = array(&log["runs"][0]["results"]);
    assert_eq!(results.len(), report.findings.len());
    for result in results {
        assert_eq!(
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "sboms/app.cdx.json"
        );
    }
    report.inventory.target.name = "/tmp/app.cdx.json".to_owned();
    let log = to_sarif(&report, &options());
    assert_eq!(
        log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "."
    );
}

#[test]
fn sarif_of_a_clean_scan_has_no_results() {
    let log = to_sarif(&fixtures::clean_report(), &options());
    assert_eq!(log["runs"][0]["tool"]["driver"]["rules"], json!([]));
    assert_eq!(log["runs"][0]["results"], json!([]));
}

#[test]
fn cyclonedx_report_is_the_sbom_plus_vulnerabilities() {
    let report = fixtures::app_image_report();
    let mut bom = to_cyclonedx_report(&report, &options());
    let ids: Vec<&str> = array(&bom["vulnerabilities"])
        .iter()
        .map(|vulnerability| text(&vulnerability["id"]))
        .collect();
    let expected: BTreeSet<&str> = report
        .findings
        .iter()
        .map(|finding| finding.id.as_str())
        .collect();
    assert_eq!(ids, expected.into_iter().collect::<Vec<_>>());
    bom.as_object_mut().unwrap().remove("vulnerabilities");
    assert_eq!(bom, to_cyclonedx(&report.inventory, &options()));

    let clean = to_cyclonedx_report(&fixtures::clean_report(), &options());
    assert_eq!(clean["vulnerabilities"], json!([]));
    assert!(
        to_cyclonedx(&fixtures::clean_report().inventory, &options())
            .get("vulnerabilities")
            .is_none()
    );
}

#[test]
fn cyclonedx_affects_resolve_to_components() {
    let report = fixtures::app_image_report();
    let bom = to_cyclonedx_report(&report, &options());
    let purl_by_ref: BTreeMap<&str, &str> = array(&bom["components"])
        .iter()
        .filter(|component| component.get("purl").is_some())
        .map(|component| (text(&component["bom-ref"]), text(&component["purl"])))
        .collect();
    for vulnerability in array(&bom["vulnerabilities"]) {
        let id = text(&vulnerability["id"]);
        assert_eq!(vulnerability["bom-ref"], id);
        let affected: BTreeSet<&str> = array(&vulnerability["affects"])
            .iter()
            .map(|affect| purl_by_ref[text(&affect["ref"])])
            .collect();
        let expected: BTreeSet<&str> = findings_of(&report, id)
            .iter()
            .map(|finding| finding.package.as_str())
            .collect();
        assert_eq!(affected, expected, "{id}");
    }

    let openssl = vulnerability(&bom, "CVE-2024-5535");
    assert_eq!(array(&openssl["affects"]).len(), 2);
    for affect in array(&openssl["affects"]) {
        assert_eq!(
            affect["versions"],
            json!([
                {"version": "3.0.15-1~deb12u1", "status": "affected"},
                {"version": "3.0.16-1~deb12u1", "status": "unaffected"}
            ])
        );
    }
    assert_eq!(
        openssl["recommendation"],
        "Upgrade libssl3 to 3.0.16-1~deb12u1 and openssl to 3.0.16-1~deb12u1."
    );
    let zlib = vulnerability(&bom, "CVE-2023-45853");
    assert_eq!(
        zlib["affects"][0]["versions"],
        json!([{"version": "1:1.2.13.dfsg-1", "status": "affected"}])
    );
    assert_eq!(
        zlib["recommendation"],
        "No fixed version is known for zlib1g."
    );
}

#[test]
fn cyclonedx_ratings_name_their_method() {
    let bom = to_cyclonedx_report(&fixtures::app_image_report(), &options());
    let methods = |id: &str| -> Vec<(String, String)> {
        array(&vulnerability(&bom, id)["ratings"])
            .iter()
            .map(|rating| {
                (
                    text(&rating["method"]).to_owned(),
                    text(&rating["severity"]).to_owned(),
                )
            })
            .collect()
    };
    let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
        list.iter()
            .map(|(method, severity)| ((*method).to_owned(), (*severity).to_owned()))
            .collect()
    };
    assert_eq!(
        methods("CVE-2021-23337"),
        pairs(&[("CVSSv4", "high"), ("CVSSv31", "high")])
    );
    assert_eq!(
        methods("CVE-2020-8203"),
        pairs(&[("CVSSv3", "high"), ("CVSSv2", "medium")])
    );
    assert_eq!(
        methods("CVE-2024-5535"),
        pairs(&[("other", "low"), ("CVSSv31", "critical")])
    );
    // h2's advisory carries no rating at all.
    assert!(
        vulnerability(&bom, "RUSTSEC-2024-0003")
            .get("ratings")
            .is_none()
    );

    let openssl = &vulnerability(&bom, "CVE-2024-5535")["ratings"];
    assert_eq!(
        openssl[0],
        json!({"source": {"name": "Debian"}, "severity": "low", "method": "other",
               "justification": "rated low by Debian"})
    );
    assert_eq!(
        openssl[1],
        json!({"source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2024-5535"},
               "score": 9.1, "severity": "critical", "method": "CVSSv31",
               "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H"})
    );
    let urllib3 = &vulnerability(&bom, "CVE-2023-43804")["ratings"][1];
    assert_eq!(
        urllib3,
        &json!({"source": {"name": "GitHub", "url": "https://github.com/advisories/GHSA-v845-jxx5-vc9f"},
                "severity": "medium", "method": "other",
                "justification": "rated MODERATE by GHSA-v845-jxx5-vc9f"})
    );
}

#[test]
fn cyclonedx_vulnerability_sources_references_and_advisories() {
    let bom = to_cyclonedx_report(&fixtures::app_image_report(), &options());
    let urllib3 = vulnerability(&bom, "CVE-2023-43804");
    assert_eq!(
        urllib3["source"],
        json!({"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2023-43804"})
    );
    assert_eq!(
        urllib3["references"],
        json!([
            {"id": "DEBIAN-CVE-2023-43804",
             "source": {"name": "OSV", "url": "https://osv.dev/vulnerability/DEBIAN-CVE-2023-43804"}},
            {"id": "GHSA-v845-jxx5-vc9f",
             "source": {"name": "GitHub", "url": "https://github.com/advisories/GHSA-v845-jxx5-vc9f"}},
            {"id": "PYSEC-2023-192",
             "source": {"name": "OSV", "url": "https://osv.dev/vulnerability/PYSEC-2023-192"}}
        ])
    );
    assert_eq!(
        urllib3["description"],
        "Cookie HTTP header isn't stripped on cross-origin redirects"
    );
    assert_eq!(urllib3["published"], "2023-10-04T17:15:10Z");
    assert_eq!(
        vulnerability(&bom, "RUSTSEC-2024-0003")["source"],
        json!({"name": "OSV", "url": "https://osv.dev/vulnerability/RUSTSEC-2024-0003"})
    );
    assert_eq!(
        vulnerability(&bom, "CVE-2024-5535")["advisories"],
        json!([
            {"url": "https://security-tracker.debian.org/tracker/CVE-2024-5535"},
            {"url": "https://www.openssl.org/news/secadv/20240627.txt"}
        ])
    );
}

#[test]
fn cyclonedx_vulnerability_refs_stay_unique() {
    let mut report = fixtures::app_image_report();
    // An advisory id that collides with a component's bom-ref (a purl).
    let lodash = "pkg:npm/lodash@4.17.15";
    for finding in &mut report.findings {
        if finding.id == "RUSTSEC-2024-0003" {
            finding.id = lodash.to_owned();
        }
    }
    let bom = to_cyclonedx_report(&report, &options());
    assert_eq!(
        vulnerability(&bom, lodash)["bom-ref"],
        format!("custody:duplicate:2:{lodash}")
    );
}

#[test]
fn ownership_is_a_property_and_a_relationship() {
    let inventory = fixtures::app_image_report().inventory;
    let owner = inventory
        .packages
        .iter()
        .find(|package| package.name == "python3-urllib3")
        .unwrap();
    let bom = to_cyclonedx(&inventory, &options());
    assert_eq!(
        property(
            named(&bom["components"], "urllib3"),
            "custody:package:ownedBy"
        ),
        Some(owner.id())
    );
    assert_eq!(
        property(
            named(&bom["components"], "requests"),
            "custody:package:ownedBy"
        ),
        None
    );

    let document = to_spdx(&inventory, &options());
    let others: Vec<&Value> = array(&document["relationships"])
        .iter()
        .filter(|relationship| relationship["relationshipType"] == "OTHER")
        .collect();
    assert_eq!(others.len(), 1);
    assert!(relationships(&document).contains(&triple("python3-urllib3", "OTHER", "urllib3")));
    assert!(
        text(&others[0]["comment"])
            .starts_with("ownership-by-file-overlap: python3-urllib3 1.26.12-1"),
        "{}",
        others[0]
    );
}

/// Findings are grouped by id whatever order they come in, so the documents do not depend
/// on the matcher's order.
#[test]
fn report_outputs_ignore_finding_order() {
    let report = fixtures::app_image_report();
    let mut reversed = report.clone();
    reversed.findings.reverse();
    let rules = |report: &Report| {
        to_sarif(report, &options())["runs"][0]["tool"]["driver"]["rules"].clone()
    };
    assert_eq!(rules(&reversed), rules(&report));
    assert_eq!(
        to_cyclonedx_report(&reversed, &options())["vulnerabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|vulnerability| vulnerability["id"].clone())
            .collect::<Vec<_>>(),
        to_cyclonedx_report(&report, &options())["vulnerabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|vulnerability| vulnerability["id"].clone())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        report
            .findings
            .iter()
            .filter(|finding| finding.severity == Severity::Unknown)
            .count(),
        1,
        "the fixture keeps one unrated finding"
    );
}
