//! Turning analyzed files into an [`Inventory`]: pairing each database with its root's
//! distribution, building purls, attributing each package to the layer that added it,
//! attaching owned files and resolving dependency edges.

use std::collections::{BTreeMap, HashMap, HashSet};

use custody_artifact::{ScanResult, ScannedFile};
use custody_model::{Dependency, Distro, Ecosystem, Inventory, Location, Package, Purl, Warning};

use crate::PackageRecord;
use crate::catalog::{self, FileKind, Fragment};

/// Everything found under one root of the target.
#[derive(Default)]
struct Root<'a> {
    /// The best release file seen: (priority, distro).
    distro: Option<(usize, &'a Distro)>,
    /// Visible package databases, by path.
    databases: Vec<&'a ScannedFile<Fragment>>,
    /// Files owned per dpkg package, from visible `info/` files.
    owned_files: HashMap<&'a str, &'a [String]>,
}

/// Builds the inventory of a scanned target.
pub(crate) fn resolve(scan: &ScanResult<Fragment>) -> Inventory {
    let mut roots: BTreeMap<&str, Root<'_>> = BTreeMap::new();
    // Every version of each database path, across layers, for layer attribution.
    let mut history: HashMap<&str, Vec<&ScannedFile<Fragment>>> = HashMap::new();
    let mut warnings = scan.warnings.clone();
    for file in &scan.files {
        let Some(route) = catalog::route(&file.path) else {
            continue;
        };
        if let Fragment::Packages { skipped, .. } = &file.output {
            history.entry(file.path.as_str()).or_default().push(file);
            if file.visible {
                warnings.extend(skipped.iter().map(|message| Warning {
                    path: Some(file.path.clone()),
                    layer: layer_digest(scan, file.layer),
                    message: format!("skipped a corrupt entry: {message}"),
                }));
            }
        }
        if !file.visible {
            continue;
        }
        let root = roots.entry(route.root).or_default();
        match (&file.output, route.kind) {
            (Fragment::Packages { .. }, _) => root.databases.push(file),
            (Fragment::OwnedFiles { package, files }, kind) => {
                // A `.list` is complete (it has directories too); it wins over `.md5sums`.
                if kind == FileKind::DpkgFileList
                    || !root.owned_files.contains_key(package.as_str())
                {
                    root.owned_files.insert(package, files);
                }
            }
            (Fragment::Release(distro), FileKind::Release(priority)) => {
                if root.distro.is_none_or(|(best, _)| priority < best) {
                    root.distro = Some((priority, distro));
                }
            }
            (Fragment::Release(_), _) => {}
        }
    }

    let mut packages: Vec<Package> = Vec::new();
    let mut dependencies = Vec::new();
    for root in roots.values() {
        let distro = root.distro.map(|(_, distro)| distro);
        let first = packages.len();
        let mut records_of_root: Vec<&PackageRecord> = Vec::new();
        for database in &root.databases {
            let Fragment::Packages { records, .. } = &database.output else {
                continue;
            };
            let versions = history
                .get(database.path.as_str())
                .map_or(&[][..], Vec::as_slice);
            for record in records {
                let mut package = to_package(record, distro);
                if package.files.is_empty()
                    && record.ecosystem == Ecosystem::Deb
                    && let Some(files) = root.owned_files.get(record.name.as_str())
                {
                    package.files = files.to_vec();
                }
                let added_by = introducing_layer(record, database, versions);
                let mut location = Location::new(database.path.clone());
                location.layer = layer_digest(scan, added_by);
                package.locations.push(location);
                packages.push(package);
                records_of_root.push(record);
            }
        }
        dependencies.extend(dependency_edges(&records_of_root, &packages[first..]));
    }

    let distro = roots
        .get("")
        .and_then(|root| root.distro)
        .or_else(|| roots.values().find_map(|root| root.distro))
        .map(|(_, distro)| distro.clone());
    let packages = merge_duplicates(packages);
    dependencies.sort();
    dependencies.dedup();
    Inventory {
        schema_version: Inventory::SCHEMA_VERSION,
        target: scan.target.clone(),
        distro,
        packages,
        dependencies,
        warnings,
    }
}

fn layer_digest(scan: &ScanResult<Fragment>, layer: Option<usize>) -> Option<String> {
    let image = scan.target.image.as_ref()?;
    Some(image.layers.get(layer?)?.digest.clone())
}

/// The layer that added `record`: walking back from the visible version of its database
/// through earlier layers' versions of the same file, the earliest one in the unbroken run of
/// versions that still list the same package and version.
fn introducing_layer(
    record: &PackageRecord,
    visible: &ScannedFile<Fragment>,
    versions: &[&ScannedFile<Fragment>],
) -> Option<usize> {
    let mut added_by = visible.layer;
    for version in versions
        .iter()
        .rev()
        .filter(|version| version.layer < visible.layer)
    {
        let Fragment::Packages { records, .. } = &version.output else {
            break;
        };
        let same = records.iter().any(|other| {
            other.name == record.name
                && other.version == record.version
                && other.arch == record.arch
                && other.epoch == record.epoch
        });
        if !same {
            break;
        }
        added_by = version.layer;
    }
    added_by
}

/// Builds the package, with a purl that carries the distribution: `pkg:deb/debian/…?arch=…&
/// distro=debian-12`, the source package as the `upstream` qualifier as Syft writes it, and
/// rpm epochs as the `epoch` qualifier.
fn to_package(record: &PackageRecord, distro: Option<&Distro>) -> Package {
    let namespace = distro.map_or_else(
        || match record.ecosystem {
            Ecosystem::Deb => Some("debian"),
            Ecosystem::Apk => Some("alpine"),
            Ecosystem::Rpm => None,
        },
        |distro| Some(distro.id.as_str()),
    );
    let upstream = record.source.as_ref().and_then(|source| {
        let version = source
            .version
            .as_deref()
            .filter(|version| *version != record.version);
        match record.ecosystem {
            Ecosystem::Rpm => Some(format!(
                "{}-{}.src.rpm",
                source.name,
                source.version.as_deref().unwrap_or(&record.version)
            )),
            Ecosystem::Deb | Ecosystem::Apk => match version {
                Some(version) => Some(format!("{}@{version}", source.name)),
                None => (source.name != record.name).then(|| source.name.clone()),
            },
        }
    });
    let epoch = record.epoch.map(|epoch| epoch.to_string());
    let purl: Purl = Purl::new(
        record.ecosystem.purl_type(),
        namespace,
        &record.name,
        &record.version,
    )
    .with_qualifier("arch", record.arch.as_deref().unwrap_or_default())
    .with_qualifier("epoch", epoch.as_deref().unwrap_or_default())
    .with_qualifier("upstream", upstream.as_deref().unwrap_or_default())
    .with_qualifier(
        "distro",
        &distro.map(Distro::purl_qualifier).unwrap_or_default(),
    )
    .build();
    let version = match record.epoch {
        Some(epoch) => format!("{epoch}:{}", record.version),
        None => record.version.clone(),
    };
    let mut package = Package::new(record.ecosystem, &record.name, version, purl);
    package.arch.clone_from(&record.arch);
    package.source.clone_from(&record.source);
    package.licenses.clone_from(&record.licenses);
    package.state = record.state;
    package.files.clone_from(&record.files);
    package
}

/// Resolves each record's `depends` against the names and `provides` of the records of the
/// same root. Alternatives that are not installed simply have no edge.
fn dependency_edges(records: &[&PackageRecord], packages: &[Package]) -> Vec<Dependency> {
    let mut providers: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, record) in records.iter().enumerate() {
        providers
            .entry(record.name.as_str())
            .or_default()
            .push(index);
        for capability in &record.provides {
            providers
                .entry(capability.as_str())
                .or_default()
                .push(index);
        }
    }
    let mut edges = Vec::new();
    for (from, record) in records.iter().enumerate() {
        let mut seen = HashSet::new();
        for wanted in &record.depends {
            for &to in providers.get(wanted.as_str()).into_iter().flatten() {
                if to != from
                    && seen.insert(to)
                    && let (Some(from), Some(to)) = (packages.get(from), packages.get(to))
                {
                    edges.push(Dependency {
                        from: from.id().to_owned(),
                        to: to.id().to_owned(),
                    });
                }
            }
        }
    }
    edges
}

/// Sorts packages and merges the ones with equal purls (a package recorded in two databases
/// of the same root), keeping every location.
fn merge_duplicates(mut packages: Vec<Package>) -> Vec<Package> {
    packages.sort_by(|a, b| {
        (a.ecosystem, &a.name, &a.version, &a.purl).cmp(&(
            b.ecosystem,
            &b.name,
            &b.version,
            &b.purl,
        ))
    });
    let mut merged: Vec<Package> = Vec::with_capacity(packages.len());
    for package in packages {
        match merged.last_mut() {
            Some(last) if last.purl == package.purl => {
                for location in package.locations {
                    if !last.locations.contains(&location) {
                        last.locations.push(location);
                    }
                }
            }
            _ => merged.push(package),
        }
    }
    merged
}
