//! `custody scan` end to end: a root filesystem shaped like the reference image (Debian 12,
//! pip-installed Python packages, an npm application, a Debian-owned Python package) scanned
//! against the real PyPA and GitHub advisories of the conformance corpus plus a Debian record
//! written here. Every expected finding below was read off the records: the comments name the
//! advisory and the range that makes it apply.

use std::collections::{BTreeMap, BTreeSet};

use crate::common::{TestContext, conformance, write_tree};

/// Core metadata of a pip-installed distribution.
fn metadata(name: &str, version: &str) -> Vec<u8> {
    format!("Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\nDescription.\n")
        .into_bytes()
}

const DEBIAN_RECORD: &str = r#"{"id": "DEBIAN-TEST-1", "modified": "2024-01-01T00:00:00Z",
  "aliases": ["CVE-2023-5678"], "summary": "openssl: excessive time in DH checks",
  "affected": [{"package": {"ecosystem": "Debian:12", "name": "openssl"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.11-1~deb12u2"}]}],
    "ecosystem_specific": {"urgency": "low"}}]}"#;

const PACKAGE_LOCK: &str = r#"{
  "name": "web", "version": "1.0.0", "lockfileVersion": 3, "requires": true,
  "packages": {
    "": {"name": "web", "version": "1.0.0",
         "dependencies": {"express": "4.16.0", "lodash": "4.17.15", "minimist": "1.2.0"}},
    "node_modules/express": {"version": "4.16.0", "license": "MIT"},
    "node_modules/lodash": {"version": "4.17.15", "license": "MIT"},
    "node_modules/minimist": {"version": "1.2.0", "license": "MIT"}
  }
}"#;

const DPKG_STATUS: &str = "\
Package: libssl3
Status: install ok installed
Architecture: amd64
Source: openssl
Version: 3.0.11-1~deb12u1

Package: python3-urllib3
Status: install ok installed
Architecture: all
Source: python-urllib3
Version: 1.26.12-1
";

/// Writes the fixture root filesystem and a database with the advisories; returns the
/// `rootfs:` target and the `--db=` argument.
fn fixture(context: &TestContext) -> (String, String) {
    let root = context.path("rootfs");
    let mut files: Vec<(String, Vec<u8>)> = vec![
        (
            "etc/os-release".into(),
            b"ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n".to_vec(),
        ),
        (
            "var/lib/dpkg/status".into(),
            DPKG_STATUS.as_bytes().to_vec(),
        ),
        (
            "var/lib/dpkg/info/python3-urllib3.list".into(),
            b"/usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info\n\
              /usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO\n"
                .to_vec(),
        ),
        (
            "usr/lib/python3/dist-packages/urllib3-1.26.12.egg-info/PKG-INFO".into(),
            metadata("urllib3", "1.26.12"),
        ),
        (
            "app/web/package-lock.json".into(),
            PACKAGE_LOCK.as_bytes().to_vec(),
        ),
    ];
    for (name, version) in [
        ("urllib3", "1.24.1"),
        ("requests", "2.19.1"),
        ("PyYAML", "5.3.1"),
        ("Jinja2", "2.10"),
        ("Flask", "0.12.2"),
    ] {
        files.push((
            format!("app/py/{name}-{version}.dist-info/METADATA"),
            metadata(name, version),
        ));
    }
    let borrowed: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(path, content)| (path.as_str(), content.as_slice()))
        .collect();
    write_tree(&root, &borrowed);

    let records = context.path("records");
    write_tree(
        &records,
        &[("DEBIAN-TEST-1.json", DEBIAN_RECORD.as_bytes())],
    );
    let database = context.path("vulndb.sqlite");
    let database_arg = format!("--db={}", database.display());
    let advisories = conformance("advisories");
    let imported = context.run(&[
        "db",
        "import",
        "--quiet",
        advisories.join("pypa-advisory-database").to_str().unwrap(),
        advisories
            .join("github-advisory-database-subset")
            .to_str()
            .unwrap(),
        records.to_str().unwrap(),
        &database_arg,
    ]);
    assert!(
        imported.status.success(),
        "{}",
        String::from_utf8_lossy(&imported.stderr)
    );
    (format!("rootfs:{}", root.display()), database_arg)
}

/// Runs `custody scan TARGET --format json ARGS…` and returns (exit code, report).
fn scan(context: &TestContext, target: &str, args: &[&str]) -> (i32, serde_json::Value) {
    let mut command = vec!["scan", target, "--format", "json"];
    command.extend(args);
    let output = context.run(&command);
    let code = output.status.code().unwrap();
    assert!(
        code != 2,
        "custody {command:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (code, serde_json::from_slice(&output.stdout).unwrap())
}

/// package name → sorted (finding id, fixed version).
fn findings_by_package(report: &serde_json::Value) -> BTreeMap<String, Vec<(String, String)>> {
    let mut found: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for finding in report["findings"].as_array().unwrap() {
        found
            .entry(finding["name"].as_str().unwrap().to_owned())
            .or_default()
            .push((
                finding["id"].as_str().unwrap().to_owned(),
                finding["fixed_version"].as_str().unwrap_or("").to_owned(),
            ));
    }
    for ids in found.values_mut() {
        ids.sort();
    }
    found
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(id, fixed)| ((*id).to_owned(), (*fixed).to_owned()))
        .collect()
}

/// The findings of [`fixture`], by package: (id, fixed version), each read off the records.
fn expected_findings() -> BTreeMap<String, Vec<(String, String)>> {
    [
        // Debian: the binary package libssl3 through its source openssl; ~deb12u1 < ~deb12u2.
        ("libssl3", pairs(&[("CVE-2023-5678", "3.0.11-1~deb12u2")])),
        (
            "urllib3",
            pairs(&[
                ("CVE-2018-25091", "1.24.2"),  // PYSEC-2023-207: 0 – 1.24.2
                ("CVE-2019-11236", "1.24.3"),  // PYSEC-2019-132
                ("CVE-2019-11324", "1.24.2"),  // PYSEC-2019-133
                ("CVE-2020-26137", "1.25.9"),  // PYSEC-2020-148 (its GIT range is not evaluated)
                ("CVE-2021-33503", "1.26.5"),  // PYSEC-2021-108
                ("CVE-2023-43804", "1.26.17"), // PYSEC-2023-192 + GHSA-v845-jxx5-vc9f
                ("CVE-2023-45803", "1.26.18"), // PYSEC-2023-212 + GHSA-g4mx-q9vg-27p4
                ("CVE-2024-37891", "1.26.19"), // GHSA-34jh-p97f-mpxf
                                               // Not: PYSEC-2017-98 (1.17–1.18.1), PYSEC-2018-32 (fixed 1.23),
                                               // PYSEC-2020-149 (from 1.25.2), PYSEC-2021-59 (1.26.0–1.26.4).
            ]),
        ),
        (
            "requests",
            pairs(&[
                ("CVE-2018-18074", "2.20.0"), // PYSEC-2018-28
                ("CVE-2023-32681", "2.31.0"), // PYSEC-2023-74 + GHSA-j8r2-6x86-q33q: 2.3.0 – 2.31.0
                ("CVE-2024-35195", "2.32.2"), // GHSA-9wx4-h78v-vm56
                                              // Not: PYSEC-2014-13/14 (fixed 2.3.0), PYSEC-2015-17 (2.1.0–2.6.0).
            ]),
        ),
        (
            "PyYAML",
            // PYSEC-2021-142 + GHSA-8q59-q68h-6hv4. Not PYSEC-2020-96, fixed in 5.3.1 itself.
            pairs(&[("CVE-2020-14343", "5.4")]),
        ),
        (
            "Jinja2",
            pairs(&[
                ("CVE-2019-10906", "2.10.1"), // PYSEC-2019-217
                ("CVE-2020-28493", "2.11.3"), // PYSEC-2021-66
                ("CVE-2024-22195", "3.1.3"),  // GHSA-h5c8-rqwp-cp95 (names it `jinja2`)
                ("CVE-2024-34064", "3.1.4"),  // GHSA-h75v-3vvj-5mfj
            ]),
        ),
        (
            "Flask",
            pairs(&[
                ("CVE-2018-1000656", "0.12.3"), // PYSEC-2018-66
                ("CVE-2019-1010083", "1.0"),    // PYSEC-2019-179
                ("CVE-2023-30861", "2.2.5"),    // PYSEC-2023-62 + GHSA-m2qf-hxjv-5gpq
            ]),
        ),
        (
            "lodash",
            pairs(&[
                ("CVE-2020-28500", "4.17.21"), // GHSA-29mw-wpgm-hmr9
                ("CVE-2020-8203", "4.17.20"),  // GHSA-p6mc-m468-83gw
                ("CVE-2021-23337", "4.17.21"), // GHSA-35jh-r3h4-6jhm
            ]),
        ),
        (
            "minimist",
            pairs(&[
                ("CVE-2020-7598", "1.2.3"),  // GHSA-vh95-rmgr-6w4m: 1.0.0 – 1.2.3
                ("CVE-2021-44906", "1.2.6"), // GHSA-xvch-5gv4-984h: 1.0.0 – 1.2.6
            ]),
        ),
        (
            "express",
            pairs(&[
                ("CVE-2024-29041", "4.19.2"), // GHSA-rv95-896h-c2vc
                ("CVE-2024-43796", "4.20.0"), // GHSA-qw6h-vgh9-j6wx
            ]),
        ),
    ]
    .into_iter()
    .map(|(name, ids)| (name.to_owned(), ids))
    .collect()
}

#[test]
fn scan_reports_exactly_the_advisories_that_apply() {
    let context = TestContext::new();
    let (target, database) = fixture(&context);
    let (code, report) = scan(&context, &target, &[&database]);
    assert_eq!(code, 0, "findings do not fail the scan without --exit-code");
    let found = findings_by_package(&report);
    assert_eq!(found, expected_findings());

    // Debian's urllib3 1.26.12 (owned by python3-urllib3) is in the inventory, marked, and
    // not matched upstream: PYSEC-2023-192 and -212 would otherwise apply to 1.26.12.
    let owned = report["inventory"]["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|package| package["name"] == "urllib3" && package["version"] == "1.26.12")
        .expect("the Debian-owned urllib3 stays in the inventory");
    assert!(
        owned["owned_by"]
            .as_str()
            .unwrap()
            .starts_with("pkg:deb/debian/python3-urllib3@1.26.12-1"),
        "{owned}"
    );

    // One merged finding explains both advisories.
    let merged = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|finding| finding["id"] == "CVE-2023-45803")
        .unwrap();
    assert_eq!(
        merged["aliases"],
        serde_json::json!(["GHSA-g4mx-q9vg-27p4", "PYSEC-2023-212"])
    );
    let advisories: Vec<&str> = merged["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|detail| detail["advisory"].as_str().unwrap())
        .collect();
    assert_eq!(advisories, ["GHSA-g4mx-q9vg-27p4", "PYSEC-2023-212"]);
    assert_eq!(merged["matches"][0]["comparator"], "PEP 440");
    assert_eq!(merged["matches"][0]["version"], "1.24.1");
}

#[test]
fn filters_and_exit_code() {
    let context = TestContext::new();
    let (target, database) = fixture(&context);
    // GitHub rates CVE-2021-44906 (minimist) and CVE-2020-14343 (PyYAML) CRITICAL.
    let (code, report) = scan(
        &context,
        &target,
        &[&database, "--severity", "CRITICAL", "--exit-code", "3"],
    );
    assert_eq!(code, 3);
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"CVE-2021-44906"), "{ids:?}");
    assert!(ids.contains(&"CVE-2020-14343"), "{ids:?}");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|finding| finding["severity"] == "CRITICAL")
    );
    // Ignoring both by id or alias leaves nothing: exit 0 even with --exit-code. The
    // expired rule suppresses nothing and says so.
    let ignorefile = context.path("ignore.yaml");
    fs_err::write(
        &ignorefile,
        "vulnerabilities:\n\
         - id: CVE-2021-44906\n\
         \x20 reason: minimist only parses our own build flags\n\
         - id: GHSA-8q59-q68h-6hv4\n\
         \x20 purls: [pkg:pypi/pyyaml]\n\
         \x20 expires: 2099-01-01\n\
         \x20 reason: yaml.load is never called on untrusted input\n\
         - id: CVE-2019-10906\n\
         \x20 expires: 2020-01-01\n",
    )
    .unwrap();
    let ignore_arg = format!("--ignorefile={}", ignorefile.display());
    let (code, report) = scan(
        &context,
        &target,
        &[
            &database,
            "--severity",
            "CRITICAL",
            "--exit-code",
            "3",
            &ignore_arg,
        ],
    );
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["findings"], serde_json::json!([]));
    let reasons: Vec<(&str, &str)> = report["suppressed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|suppressed| {
            (
                suppressed["finding"]["id"].as_str().unwrap(),
                suppressed["by"]["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            ("CVE-2021-44906", "minimist only parses our own build flags"),
            (
                "CVE-2020-14343",
                "yaml.load is never called on untrusted input"
            ),
        ]
    );
    let warnings = report["warnings"].to_string();
    assert!(warnings.contains("ignore.yaml:8"), "{warnings}");
    assert!(warnings.contains("expired"), "{warnings}");
}

#[test]
fn vex_statements_suppress_with_their_justification() {
    let context = TestContext::new();
    let (target, database) = fixture(&context);
    let vex = context.path("app.openvex.json");
    fs_err::write(
        &vex,
        r#"{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1",
            "author": "Security Team", "timestamp": "2024-10-01T00:00:00Z", "version": 1,
            "statements": [
              {"vulnerability": {"name": "CVE-2020-8203"},
               "products": [{"@id": "pkg:npm/lodash@4.17.15"}],
               "status": "not_affected",
               "justification": "vulnerable_code_not_in_execute_path",
               "impact_statement": "zipObjectDeep is never called"},
              {"vulnerability": {"name": "GHSA-vh95-rmgr-6w4m"},
               "products": [{"@id": "pkg:npm/minimist"}],
               "status": "affected",
               "action_statement": "upgrade"}
            ]}"#,
    )
    .unwrap();
    let vex_arg = format!("--vex={}", vex.display());
    let (_, report) = scan(&context, &target, &[&database, &vex_arg]);
    let suppressed = report["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1, "{suppressed:?}");
    assert_eq!(suppressed[0]["finding"]["id"], "CVE-2020-8203");
    assert_eq!(suppressed[0]["by"]["kind"], "vex");
    assert_eq!(suppressed[0]["by"]["status"], "not_affected");
    let justification = suppressed[0]["by"]["justification"].as_str().unwrap();
    assert!(
        justification.contains("vulnerable_code_not_in_execute_path")
            && justification.contains("zipObjectDeep is never called"),
        "{justification}"
    );
    // `affected` keeps the finding (CVE-2020-7598 is GHSA-vh95-rmgr-6w4m's CVE).
    let ids: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|finding| finding["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"CVE-2020-7598"), "{ids:?}");
    assert!(!ids.contains(&"CVE-2020-8203"), "{ids:?}");
}

#[test]
fn every_output_format_carries_the_findings() {
    let context = TestContext::new();
    let (target, database) = fixture(&context);
    let run = |format: &str| {
        let output = context.run(&["scan", &target, &database, "--format", format]);
        assert!(
            output.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let sarif: serde_json::Value = serde_json::from_str(&run("sarif")).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert!(
        results
            .iter()
            .any(|result| result["ruleId"] == "CVE-2021-44906"
                && result["level"] == "error"
                && result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                    == "app/web/package-lock.json"),
        "{results:?}"
    );
    let bom: serde_json::Value = serde_json::from_str(&run("cyclonedx-json")).unwrap();
    let vulnerability = bom["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|vulnerability| vulnerability["id"] == "CVE-2023-5678")
        .unwrap();
    let component = bom["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|component| component["name"] == "libssl3")
        .unwrap();
    assert_eq!(vulnerability["affects"][0]["ref"], component["bom-ref"]);
    let table = run("table");
    assert!(table.contains("Total: 27 (CRITICAL: 2,"), "{table}");
    assert!(
        table.lines().any(|line| line.contains("libssl3")
            && line.contains("CVE-2023-5678")
            && line.contains("LOW")),
        "{table}"
    );
}

#[test]
fn missing_database_says_how_to_get_one() {
    let context = TestContext::new();
    let root = context.path("rootfs");
    write_tree(&root, &[("etc/os-release", b"ID=debian\nVERSION_ID=12\n")]);
    let output = context.run(&[
        "scan",
        &format!("rootfs:{}", root.display()),
        "--db",
        context.path("nowhere.sqlite").to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no vulnerability database at"), "{stderr}");
    assert!(stderr.contains("custody db update"), "{stderr}");
    assert!(stderr.contains("custody db import"), "{stderr}");
}

#[test]
fn scanning_the_sbom_finds_what_scanning_the_target_finds() {
    let context = TestContext::new();
    let (target, database) = fixture(&context);
    let (_, direct) = scan(&context, &target, &[&database]);
    let key = |report: &serde_json::Value| -> Vec<(String, String, String, String)> {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|finding| {
                (
                    finding["package"].as_str().unwrap().to_owned(),
                    finding["id"].as_str().unwrap().to_owned(),
                    finding["fixed_version"].as_str().unwrap_or("").to_owned(),
                    finding["severity"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    assert_eq!(key(&direct).len(), 27);
    for format in ["cyclonedx-json", "spdx-json"] {
        let sbom = context.path(&format!("sbom.{format}"));
        let made = context.run(&[
            "sbom",
            &target,
            "--format",
            format,
            "-o",
            sbom.to_str().unwrap(),
        ]);
        assert!(
            made.status.success(),
            "{}",
            String::from_utf8_lossy(&made.stderr)
        );
        let (_, from_sbom) = scan(&context, &format!("sbom:{}", sbom.display()), &[&database]);
        assert_eq!(key(&from_sbom), key(&direct), "{format}");
        assert_eq!(from_sbom["inventory"]["target"]["kind"], "sbom", "{format}");
    }
}

#[test]
fn lockfiles_in_a_source_tree_are_scanned() {
    let context = TestContext::new();
    let (_, database) = fixture(&context);
    // osv-scanner's pip fixture, as a project would name it: django 2.2.24 among 12 other pins.
    let source = context.path("project");
    let fixture = conformance("lockfiles/osv-scanner-legacy/pkg/lockfile/fixtures/pip")
        .join("multiple-packages-constrained.txt");
    write_tree(
        &source,
        &[(
            "requirements.txt",
            fs_err::read(fixture).unwrap().as_slice(),
        )],
    );
    let (_, report) = scan(&context, &format!("dir:{}", source.display()), &[&database]);
    let django: BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|finding| finding["name"] == "django")
        .flat_map(|finding| finding["matches"].as_array().unwrap())
        .map(|detail| detail["advisory"].as_str().unwrap())
        .collect();
    // The PyPA records whose ranges hold 2.2.24 (checked with packaging.version): fixed in
    // 2.2.25 (PYSEC-2021-439), 2.2.26 (PYSEC-2022-1, -2, -3), 2.2.27 (PYSEC-2022-19, -20) and
    // 2.2.28 (PYSEC-2022-190, -191).
    assert_eq!(
        django,
        BTreeSet::from([
            "PYSEC-2021-439",
            "PYSEC-2022-1",
            "PYSEC-2022-19",
            "PYSEC-2022-190",
            "PYSEC-2022-191",
            "PYSEC-2022-2",
            "PYSEC-2022-20",
            "PYSEC-2022-3",
        ])
    );
    let location = report["findings"][0]["locations"][0]["path"]
        .as_str()
        .unwrap();
    assert_eq!(location, "requirements.txt");
}
