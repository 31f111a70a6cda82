//! Differential test against an independent evaluator: every PyPI package version that an
//! advisory of the PyPA database names as a range boundary or listed version — the places
//! where off-by-one mistakes live — matched by custody ([`match_inventory`] with
//! custody-version's PEP 440 comparator) and by `oracle/pypi_osv.py` (the OSV algorithm over
//! `packaging.version.Version`, PyPA's reference implementation). Both must name the same
//! advisories for every version `packaging` can parse (custody also orders the few legacy
//! versions `packaging` refuses; those are not compared).
//!
//! The oracle runs with the peers virtual environment's Python (`CUSTODY_PEERS`, default
//! `.peers` at the repository root; scripts/setup.sh makes it), which has `packaging` and
//! `PyYAML`. The test fails when it is missing.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;

use custody_model::{Ecosystem, Inventory, Package, Purl, TargetInfo, TargetKind};
use custody_vulndb::{Advisory, Event, RangeType, match_inventory};

use crate::{advisories, fresh_database, import};

/// The peers venv's Python.
fn peers_python() -> PathBuf {
    let peers = std::env::var_os("CUSTODY_PEERS").map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../.peers")),
        PathBuf::from,
    );
    let python = peers.join("bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/setup.sh (it makes the peers venv)",
        python.display()
    );
    python
}

/// Every (name, version) an advisory names in an `ECOSYSTEM` range event, and the first and
/// last two of its `versions` list, for PyPI packages.
fn boundary_versions(vulns: &std::path::Path) -> BTreeSet<(String, String)> {
    let mut pairs = BTreeSet::new();
    for package in fs_err::read_dir(vulns).unwrap() {
        let package = package.unwrap().path();
        if !package.is_dir() {
            continue; // `.id-allocator`
        }
        for record in fs_err::read_dir(package).unwrap() {
            let bytes = fs_err::read(record.unwrap().path()).unwrap();
            let Ok(advisory) = Advisory::from_yaml(&bytes) else {
                continue;
            };
            for affected in &advisory.affected {
                let Some(package) = affected.package.as_ref().filter(|p| p.ecosystem == "PyPI")
                else {
                    continue;
                };
                let events = affected
                    .ranges
                    .iter()
                    .filter(|range| range.range_type == RangeType::Ecosystem)
                    .flat_map(|range| &range.events)
                    .map(Event::version)
                    .filter(|version| *version != "0");
                // The ends of each `versions` list: its oldest entries meet `introduced`,
                // its newest the fix.
                let listed = &affected.versions;
                let ends = listed
                    .iter()
                    .take(2)
                    .chain(listed.iter().skip(listed.len().saturating_sub(2).max(2)))
                    .map(String::as_str);
                for version in events.chain(ends) {
                    pairs.insert((package.name.clone(), version.to_owned()));
                }
            }
        }
    }
    pairs
}

#[test]
fn pypi_matching_agrees_with_an_independent_osv_evaluator() {
    let vulns = advisories().join("pypa-advisory-database/vulns");
    let pairs = boundary_versions(&vulns);
    assert!(pairs.len() > 5_000, "only {} pairs", pairs.len());

    let (dir, mut database) = fresh_database();
    import(&mut database, &[&vulns]);
    let packages = pairs
        .iter()
        .map(|(name, version)| {
            // One purl per pair, so every pair stays its own package.
            let purl = Purl::from_canonical(format!("pkg:pypi/{name}@{version}"));
            Package::new(Ecosystem::Pypi, name, version, purl)
        })
        .collect();
    let inventory = Inventory {
        schema_version: Inventory::SCHEMA_VERSION,
        target: TargetInfo {
            kind: TargetKind::Rootfs,
            name: "oracle".into(),
            image: None,
        },
        distro: None,
        packages,
        dependencies: Vec::new(),
        warnings: Vec::new(),
    };
    let matches = match_inventory(&database, &inventory).unwrap();
    let mut ours: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for finding in &matches.findings {
        ours.entry(format!("{}@{}", finding.name, finding.version))
            .or_default()
            .extend(finding.matches.iter().map(|detail| detail.advisory.clone()));
    }

    let pairs_file = dir.path().join("pairs.json");
    let list: Vec<[&str; 2]> = pairs
        .iter()
        .map(|(name, version)| [name.as_str(), version.as_str()])
        .collect();
    fs_err::write(&pairs_file, serde_json::to_vec(&list).unwrap()).unwrap();
    let output = Command::new(peers_python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/it/oracle/pypi_osv.py"
        ))
        .arg(&vulns)
        .arg(&pairs_file)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "oracle failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let oracle: BTreeMap<String, Option<BTreeSet<String>>> =
        serde_json::from_slice(&output.stdout).unwrap();

    let mut compared = 0;
    let mut disagreements = Vec::new();
    for (key, expected) in &oracle {
        let Some(expected) = expected else {
            continue; // `packaging` cannot parse it; custody warns (checked below).
        };
        compared += 1;
        let got = ours.get(key).cloned().unwrap_or_default();
        if &got != expected {
            disagreements.push(format!("{key}: custody {got:?}, oracle {expected:?}"));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {compared} versions disagree:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
    assert!(compared > 5_000, "only {compared} versions compared");
}
