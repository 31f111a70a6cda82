//! Matching an inventory's packages to the database's advisories: one [`Finding`] per
//! vulnerability per package, with the evidence.
//!
//! - Language packages are looked up under their OSV ecosystem (`PyPI`, `npm`, ...) by
//!   normalized name and compared with that ecosystem's version scheme.
//! - OS packages are looked up under the distribution's ecosystem and release
//!   ([`DistroEcosystem`]) by their *source* package, because distribution advisories name
//!   source packages (a Debian advisory for `openssl` covers the binary package `libssl3`);
//!   the source version is compared when the database records one. RPM advisories name binary
//!   packages in some distributions and source packages in others, so both are looked up.
//! - Language packages the OS package manager installed ([`Package::owned_by`]) are not
//!   matched against their language ecosystem: the distribution patches them without
//!   changing the upstream version, and its advisories for the owning OS package cover them.
//! - Advisories naming the same vulnerability (a CVE published as GHSA and PYSEC records)
//!   merge into one finding, identified by its CVE when one is known.
//!
//! Range evaluation itself is [`crate::evaluate`]'s; ratings are [`crate::ratings`]'.

use std::collections::{BTreeSet, HashMap};

use custody_model::{Finding, Inventory, MatchDetail, Package, Rating, Warning};
use custody_version::{Scheme, Version};

use crate::evaluation::{MatchSource, RangeMatch, evaluate};
use crate::release::DistroEcosystem;
use crate::{AffectedRecord, Database, Error, ecosystem_key, normalize_name};

/// How many reference URLs a finding keeps.
const MAX_FINDING_REFERENCES: usize = 8;

/// The findings of one inventory and the problems met finding them.
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct Matches {
    /// Findings sorted by package id, severity (highest first) and id.
    pub findings: Vec<Finding>,
    /// Packages or advisory ranges that could not be evaluated (a version the scheme cannot
    /// order, a distribution OSV does not publish).
    pub warnings: Vec<Warning>,
}

/// Matches every package of `inventory` against `database`.
pub fn match_inventory(database: &Database, inventory: &Inventory) -> Result<Matches, Error> {
    let distro = inventory.distro.as_ref().and_then(DistroEcosystem::of);
    let mut matches = Matches::default();
    if let Some(unpublished) = inventory.distro.as_ref().filter(|_| distro.is_none())
        && distro_is_needed(inventory)
    {
        matches.warnings.push(Warning {
            path: None,
            layer: None,
            message: format!(
                "no OSV advisories are published for {} {}; its OS packages were not matched",
                unpublished.id,
                unpublished
                    .version_id
                    .as_deref()
                    .unwrap_or("(no VERSION_ID)")
            ),
        });
    }
    for package in &inventory.packages {
        let Some(query) = Query::of(package, distro.as_ref()) else {
            continue;
        };
        let hits = package_hits(database, package, &query, &mut matches)?;
        matches.findings.extend(merge_aliases(package, &hits));
    }
    matches.findings.sort_by(|a, b| {
        (&a.package, std::cmp::Reverse(a.severity), &a.id).cmp(&(
            &b.package,
            std::cmp::Reverse(b.severity),
            &b.id,
        ))
    });
    Ok(matches)
}

/// The advisory entries that include `package`'s version. Every entry found under the
/// query's ecosystem orders versions the same way, so the installed version is parsed once,
/// when the first entry needs it; a version the scheme cannot order is one warning.
fn package_hits(
    database: &Database,
    package: &Package,
    query: &Query<'_>,
    matches: &mut Matches,
) -> Result<Vec<Hit>, Error> {
    let mut warn = |message: String| {
        matches.warnings.push(Warning {
            path: package
                .locations
                .first()
                .map(|location| location.path.clone()),
            layer: None,
            message,
        });
    };
    // `Err` for an OSV ecosystem custody cannot order versions of (`ConanCenter`): its
    // advisories are reported as skipped.
    let scheme = query
        .ecosystem
        .parse::<custody_version::Ecosystem>()
        .map(custody_version::Ecosystem::scheme);
    let key = ecosystem_key(query.ecosystem);
    let mut installed: Option<Version> = None;
    let mut hits: Vec<Hit> = Vec::new();
    for name in &query.names {
        let name = normalize_name(query.ecosystem, name);
        for record in database.affected(&key, query.lookup_release(), &name)? {
            if !query.applies_to(&record) || hits.iter().any(|hit| hit.record.id == record.id) {
                continue;
            }
            let scheme = match &scheme {
                Ok(scheme) => *scheme,
                Err(error) => {
                    warn(format!("advisory {} skipped: {error}", record.id));
                    continue;
                }
            };
            let installed = match &mut installed {
                Some(installed) => installed,
                slot @ None => match scheme.parse(query.version) {
                    Ok(parsed) => slot.insert(parsed),
                    Err(error) => {
                        warn(format!(
                            "{} {} not matched against {}: {error}",
                            package.name, query.version, record.id
                        ));
                        return Ok(hits);
                    }
                },
            };
            let evaluation = evaluate(installed, &record, |text| scheme.parse(text));
            for skipped in &evaluation.skipped {
                warn(format!(
                    "advisory {}: a range of {} was not evaluated: {}",
                    record.id, record.package, skipped.error
                ));
            }
            if let Some(range) = evaluation.matched {
                hits.push(Hit {
                    record,
                    range,
                    scheme,
                    version: query.version.to_owned(),
                });
            }
        }
    }
    Ok(hits)
}

/// Whether the inventory holds OS packages that need the distribution's advisories.
fn distro_is_needed(inventory: &Inventory) -> bool {
    inventory
        .packages
        .iter()
        .any(|package| package.ecosystem.is_os())
}

/// Where one package's advisories are looked up.
struct Query<'a> {
    /// OSV ecosystem base name.
    ecosystem: &'a str,
    /// Names to look up: the source package first for OS packages.
    names: Vec<&'a str>,
    /// The version compared with advisory ranges, as text.
    version: &'a str,
    /// The distribution, for OS packages.
    distro: Option<&'a DistroEcosystem>,
}

impl<'a> Query<'a> {
    fn of(package: &'a Package, distro: Option<&'a DistroEcosystem>) -> Option<Self> {
        if package.owned_by.is_some() {
            return None;
        }
        if let Some(ecosystem) = package.ecosystem.osv_name() {
            return Some(Self {
                ecosystem,
                names: vec![&package.name],
                version: &package.version,
                distro: None,
            });
        }
        let distro = distro?;
        let source = package.source.as_ref();
        let source_name = source.map_or(package.name.as_str(), |source| &source.name);
        let mut names = vec![source_name];
        if package.ecosystem == custody_model::Ecosystem::Rpm && source_name != package.name {
            names.push(&package.name);
        }
        // dpkg records a source version only when it differs from the binary's (binNMUs,
        // `+b1`); advisories compare the source version.
        let version = source
            .and_then(|source| source.version.as_deref())
            .filter(|_| package.ecosystem == custody_model::Ecosystem::Deb)
            .unwrap_or(&package.version);
        Some(Self {
            ecosystem: distro.ecosystem,
            names,
            version,
            distro: Some(distro),
        })
    }

    fn lookup_release(&self) -> Option<&str> {
        self.distro.and_then(DistroEcosystem::lookup_release)
    }

    fn applies_to(&self, record: &AffectedRecord) -> bool {
        self.distro
            .is_none_or(|distro| distro.applies_to(&record.ecosystem))
    }
}

/// One advisory entry that includes the package's version.
struct Hit {
    record: AffectedRecord,
    range: RangeMatch,
    scheme: Scheme,
    /// The version compared: the package's own or its source package's.
    version: String,
}

/// Groups hits that name one vulnerability (their ids and aliases overlap) into findings.
fn merge_aliases(package: &Package, hits: &[Hit]) -> Vec<Finding> {
    // Union-find over hits, joined through shared ids.
    let mut parent: Vec<usize> = (0..hits.len()).collect();
    let mut owner_of_id: HashMap<&str, usize> = HashMap::new();
    for (index, hit) in hits.iter().enumerate() {
        for id in std::iter::once(&hit.record.id).chain(&hit.record.aliases) {
            match owner_of_id.get(id.as_str()) {
                Some(&other) => {
                    let (a, b) = (root(&mut parent, index), root(&mut parent, other));
                    parent[a] = b;
                }
                None => {
                    owner_of_id.insert(id, index);
                }
            }
        }
    }
    let mut groups: Vec<Vec<&Hit>> = Vec::new();
    let mut group_of_root: HashMap<usize, usize> = HashMap::new();
    for (index, hit) in hits.iter().enumerate() {
        let root = root(&mut parent, index);
        let group = *group_of_root.entry(root).or_insert_with(|| {
            groups.push(Vec::new());
            groups.len() - 1
        });
        groups[group].push(hit);
    }
    groups
        .into_iter()
        .map(|group| finding(package, &group))
        .collect()
}

/// The representative of `index`'s set in a union-find forest, halving paths on the way.
fn root(parent: &mut [usize], mut index: usize) -> usize {
    while parent[index] != index {
        parent[index] = parent[parent[index]];
        index = parent[index];
    }
    index
}

/// The finding for one group of hits about the same vulnerability.
fn finding(package: &Package, group: &[&Hit]) -> Finding {
    let ids: BTreeSet<&str> = group
        .iter()
        .flat_map(|hit| std::iter::once(&hit.record.id).chain(&hit.record.aliases))
        .map(String::as_str)
        .collect();
    let id = ids
        .iter()
        .find(|id| id.starts_with("CVE-"))
        .or_else(|| ids.first())
        .map_or_else(String::new, |id| (*id).to_owned());
    let aliases = ids
        .iter()
        .filter(|alias| **alias != id)
        .map(|alias| (*alias).to_owned())
        .collect();
    let mut ratings: Vec<Rating> = group
        .iter()
        .flat_map(|hit| crate::ratings(&hit.record))
        .collect();
    crate::sort_ratings(&mut ratings);
    let severity = crate::overall_severity(&ratings);
    let mut references: Vec<String> = Vec::new();
    for url in group
        .iter()
        .flat_map(|hit| &hit.record.references)
        .map(|reference| &reference.url)
    {
        if references.len() < MAX_FINDING_REFERENCES && !references.contains(url) {
            references.push(url.clone());
        }
    }
    Finding {
        aliases,
        package: package.id().to_owned(),
        name: package.name.clone(),
        version: package.version.clone(),
        ecosystem: package.ecosystem,
        locations: package.locations.clone(),
        fixed_version: lowest_fix(group),
        severity,
        ratings,
        summary: group.iter().find_map(|hit| hit.record.summary.clone()),
        matches: group.iter().map(|hit| detail(hit)).collect(),
        references,
        published: group
            .iter()
            .filter_map(|hit| hit.record.published.clone())
            .min(),
        id,
    }
}

/// The lowest `fixed` version among the hits, in the hits' own version order.
fn lowest_fix(group: &[&Hit]) -> Option<String> {
    group
        .iter()
        .filter_map(|hit| {
            let fixed = hit.range.fixed_version()?;
            let parsed: Version = hit.scheme.parse(fixed).ok()?;
            Some((parsed, fixed))
        })
        .min_by(|(a, _), (b, _)| a.cmp(b))
        .map(|(_, fixed)| fixed.to_owned())
}

/// The explanation of one hit.
fn detail(hit: &Hit) -> MatchDetail {
    let range_type = match &hit.range.source {
        MatchSource::Range { range_type, .. } => range_type.as_str().to_owned(),
        MatchSource::Versions { .. } => "versions".to_owned(),
    };
    MatchDetail {
        advisory: hit.record.id.clone(),
        ecosystem: hit.record.ecosystem.clone(),
        package: hit.record.package.clone(),
        range_type,
        introduced: hit.range.introduced.clone(),
        fixed: hit.range.fixed.clone(),
        last_affected: hit.range.last_affected.clone(),
        limit: hit.range.limit.clone(),
        version: hit.version.clone(),
        comparator: hit.scheme.name().to_owned(),
    }
}
