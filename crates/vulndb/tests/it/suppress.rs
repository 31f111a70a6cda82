//! Suppressions on findings shaped like the reference image's npm tree (lodash 4.17.15,
//! minimist 1.2.0, express 4.16.0 with qs 6.5.2), with ids and aliases read from the GitHub
//! advisories in the corpus: a realistic OpenVEX document (tests/it/vex/) and an ignore file.

use std::path::{Path, PathBuf};

use custody_model::{Ecosystem, Finding, Location, Severity, Suppression};
use custody_vulndb::{Advisory, IgnoreFile, Suppressions, VexDocument};

use crate::{advisories, write};

/// The image the VEX document is about, as the CLI would identify it.
const DIGEST: &str = "sha256:6f1cfbc7a2c1e3a1f5a8f7a87a0d9c3f0d6b1a4c9b8e7d6c5b4a39281706f5e4";

/// The image's purl, as the CLI would build it from the reference it was pulled by.
fn image_purl() -> String {
    format!(
        "pkg:oci/shop-api@{}?repository_url=registry.example.com%2Fshop%2Fshop-api",
        DIGEST.replace(':', "%3A")
    )
}

fn vex_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/vex/shop-api.openvex.json")
}

/// The GitHub advisory `id` from the corpus.
fn ghsa(id: &str) -> Advisory {
    fn find(directory: &Path, name: &str) -> Option<PathBuf> {
        for entry in fs_err::read_dir(directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                if let Some(found) = find(&path, name) {
                    return Some(found);
                }
            } else if path.file_name().is_some_and(|file| file == name) {
                return Some(path);
            }
        }
        None
    }
    let path = find(
        &advisories().join("github-advisory-database-subset"),
        &format!("{id}.json"),
    )
    .unwrap_or_else(|| panic!("{id} is not in the corpus"));
    Advisory::from_json(&fs_err::read(path).unwrap()).unwrap()
}

/// The finding the advisory `id` makes for `name@version`: its CVE as id, the GHSA as alias,
/// as the matcher merges them.
fn finding(id: &str, name: &str, version: &str) -> Finding {
    let advisory = ghsa(id);
    let cve = advisory
        .aliases
        .iter()
        .find(|alias| alias.starts_with("CVE-"))
        .unwrap()
        .clone();
    Finding {
        id: cve,
        aliases: vec![advisory.id.clone()],
        package: format!("pkg:npm/{name}@{version}"),
        name: name.into(),
        version: version.into(),
        ecosystem: Ecosystem::Npm,
        locations: vec![Location::new(format!(
            "app/node_modules/{name}/package.json"
        ))],
        fixed_version: None,
        severity: Severity::High,
        ratings: Vec::new(),
        summary: advisory.summary,
        matches: Vec::new(),
        references: Vec::new(),
        published: advisory.published,
    }
}

/// The reference image's npm findings, one per advisory.
fn findings() -> Vec<Finding> {
    vec![
        finding("GHSA-xvch-5gv4-984h", "minimist", "1.2.0"),
        finding("GHSA-vh95-rmgr-6w4m", "minimist", "1.2.0"),
        finding("GHSA-p6mc-m468-83gw", "lodash", "4.17.15"),
        finding("GHSA-35jh-r3h4-6jhm", "lodash", "4.17.15"),
        finding("GHSA-rv95-896h-c2vc", "express", "4.16.0"),
        finding("GHSA-hrpp-h998-j3pp", "qs", "6.5.2"),
    ]
}

fn now() -> jiff::Timestamp {
    "2025-03-01T12:00:00Z".parse().unwrap()
}

/// The ids of the findings that remain and of those suppressed.
fn split(applied: &custody_vulndb::Applied) -> (Vec<&str>, Vec<&str>) {
    (
        applied.findings.iter().map(|f| f.id.as_str()).collect(),
        applied
            .suppressed
            .iter()
            .map(|s| s.finding.id.as_str())
            .collect(),
    )
}

#[test]
fn realistic_openvex_document() {
    let document = VexDocument::load(vex_path()).unwrap();
    assert_eq!(document.len(), 7);
    let name = format!(
        "{} (https://vex.example.com/shop-api/2024-10-07)",
        vex_path().display()
    );
    let suppressions = Suppressions::new()
        .vex(document.clone())
        .target(DIGEST)
        .target(&image_purl());
    let applied = suppressions.apply(findings(), now());
    let (kept, suppressed) = split(&applied);
    // CVE-2020-7598: no statement. CVE-2021-23337: the latest statement says `affected`.
    // CVE-2022-24999: the statement is about another image.
    assert_eq!(kept, ["CVE-2020-7598", "CVE-2021-23337", "CVE-2022-24999"]);
    assert_eq!(
        suppressed,
        ["CVE-2021-44906", "CVE-2020-8203", "CVE-2024-29041"]
    );
    let by: Vec<&Suppression> = applied.suppressed.iter().map(|s| &s.by).collect();
    assert_eq!(
        by,
        [
            &Suppression::Vex {
                document: name.clone(),
                status: "not_affected".into(),
                justification: Some(
                    "vulnerable_code_not_in_execute_path: minimist is only reached through \
                     mkdirp's command-line entry point, which the service never runs."
                        .into()
                ),
            },
            // Named by its GHSA id and matched through the finding's alias; newer than the
            // `under_investigation` statement.
            &Suppression::Vex {
                document: name.clone(),
                status: "not_affected".into(),
                justification: Some(
                    "vulnerable_code_cannot_be_controlled_by_adversary: zipObjectDeep is only \
                     called with keys from our own configuration."
                        .into()
                ),
            },
            &Suppression::Vex {
                document: name,
                status: "fixed".into(),
                justification: Some(
                    "Our express build carries the upstream fix for res.location \
                     (expressjs/express#5539)."
                        .into()
                ),
            },
        ]
    );
    // Known only by its digest, the image matches only the statements that give the digest:
    // the newer statements about lodash name the image by repository, so the older ones
    // decide. The CLI passes both identities.
    let by_digest = Suppressions::new().vex(document).target(DIGEST);
    let applied = by_digest.apply(findings(), now());
    let (kept, suppressed) = split(&applied);
    assert_eq!(kept, ["CVE-2020-7598", "CVE-2020-8203", "CVE-2022-24999"]);
    assert_eq!(
        suppressed,
        ["CVE-2021-44906", "CVE-2021-23337", "CVE-2024-29041"]
    );
}

#[test]
fn ignore_file_with_vex() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        ".custodyignore.yaml",
        "# Accepted risks for shop-api, reviewed monthly.\n\
         vulnerabilities:\n\
         \x20 - id: CVE-2022-24999\n\
         \x20   purls:\n\
         \x20     - pkg:npm/qs\n\
         \x20   paths:\n\
         \x20     - app/node_modules/**\n\
         \x20   expires: 2025-04-01\n\
         \x20   reason: query strings are parsed by our gateway first\n\
         \x20 - id: GHSA-vh95-rmgr-6w4m\n\
         \x20   expired_at: 2025-01-31\n\
         \x20   statement: Review after the minimist upgrade\n\
         \x20 - id: CVE-2021-23337\n\
         \x20   purls: [pkg:npm/lodash@4.17.21]\n",
    );
    let ignores = IgnoreFile::load(&path).unwrap();
    assert_eq!(ignores.len(), 3);
    let suppressions = Suppressions::new()
        .ignore_file(ignores)
        .vex(VexDocument::load(vex_path()).unwrap())
        .target(DIGEST)
        .target(&image_purl());
    let applied = suppressions.apply(findings(), now());
    let (kept, suppressed) = split(&applied);
    // The minimist rule expired; the lodash rule is for another version.
    assert_eq!(kept, ["CVE-2020-7598", "CVE-2021-23337"]);
    assert_eq!(
        suppressed,
        [
            "CVE-2021-44906",
            "CVE-2020-8203",
            "CVE-2024-29041",
            "CVE-2022-24999"
        ]
    );
    assert_eq!(
        applied.suppressed[3].by,
        Suppression::Ignore {
            rule: format!("{}:3", path.display()),
            reason: Some("query strings are parsed by our gateway first".into()),
            expires: Some("2025-04-01".into()),
        }
    );
    assert_eq!(applied.warnings.len(), 1);
    assert_eq!(
        applied.warnings[0].message,
        format!(
            "ignore rule {}:10 for GHSA-vh95-rmgr-6w4m expired on 2025-01-31; it no longer \
             suppresses findings",
            path.display()
        )
    );
}

#[test]
fn unreadable_files() {
    let dir = tempfile::tempdir().unwrap();
    let missing = IgnoreFile::load(dir.path().join("none.yaml")).unwrap_err();
    assert!(missing.to_string().contains("none.yaml"), "{missing}");
    let ignore = write(
        dir.path(),
        "bad.yaml",
        "vulnerabilities:\n  - id: CVE-1\n    reasn: x\n",
    );
    let error = IgnoreFile::load(&ignore).unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("{}:3:5: invalid ignore file", ignore.display())
    );
    let vex = write(
        dir.path(),
        "bad.json",
        "{\"@context\": \"https://openvex.dev/ns\",\n \"statements\": {}}",
    );
    let error = VexDocument::load(&vex).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with(&format!("{}:2:", vex.display())),
        "{error}"
    );
}
