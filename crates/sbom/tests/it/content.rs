//! What the documents say about each fixture: purls, licenses, properties, relationships and
//! dependency edges, read back from the JSON the encoders produce.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use custody_model::Inventory;
use custody_sbom::{EncodeOptions, to_cyclonedx, to_spdx, write_cyclonedx, write_spdx};

use crate::fixtures::{self, DEBIAN_CONFIG, DEBIAN_LAYERS, DEBIAN_MANIFEST};
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
