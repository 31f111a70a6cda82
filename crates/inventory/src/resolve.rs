//! Turning analyzed files into an [`Inventory`]: pairing each database with its root's
//! distribution, building purls, attributing each package to the layer that added it,
//! attaching owned files, resolving dependency edges and marking language packages the OS
//! package manager installed.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};

use custody_artifact::{ScanResult, ScannedFile};
use custody_model::{Dependency, Distro, Ecosystem, Inventory, Location, Package, Purl, Warning};

use crate::PackageRecord;
use crate::catalog::{self, FileKind, Fragment, Route};
use crate::lang::{self, python};

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

/// What [`collect`] gathers from the scanned files.
struct Collected<'a> {
    /// Everything found per root, by root.
    roots: BTreeMap<&'a str, Root<'a>>,
    /// Every version of each database path, across layers, for layer attribution.
    history: HashMap<&'a str, Vec<&'a ScannedFile<Fragment>>>,
    /// The scan's warnings plus what each file skipped.
    warnings: Vec<Warning>,
}

/// Builds the inventory of a scanned target.
pub(crate) fn resolve(scan: &ScanResult<Fragment>) -> Inventory {
    let Collected {
        roots,
        history,
        warnings,
    } = collect(scan);
    let mut packages: Vec<Package> = Vec::new();
    // Records whose `depends` resolve among each other, with their packages' positions: an
    // OS root's databases, one lockfile, or one directory of installed language packages.
    let mut scopes: BTreeMap<(&str, &str), Vec<(&PackageRecord, usize)>> = BTreeMap::new();
    for (root_name, root) in &roots {
        let distro = root.distro.map(|(_, distro)| distro);
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
                    && let Some(owner) = owner_key(record, &database.path)
                    && let Some(files) = root.owned_files.get(owner.as_ref())
                {
                    package.files = files.to_vec();
                }
                let added_by = introducing_layer(record, database, versions);
                let mut location = Location::new(database.path.clone());
                location.layer = layer_digest(scan, added_by);
                package.locations.push(location);
                let scope = if record.ecosystem.is_os() {
                    (*root_name, "")
                } else {
                    ("", lang::dependency_scope(&database.path))
                };
                scopes
                    .entry(scope)
                    .or_default()
                    .push((record, packages.len()));
                packages.push(package);
            }
        }
    }
    let mut dependencies: Vec<Dependency> = scopes
        .values()
        .flat_map(|members| {
            let records: Vec<&PackageRecord> = members.iter().map(|(record, _)| *record).collect();
            let ids: Vec<&str> = members
                .iter()
                .map(|(_, index)| packages[*index].id())
                .collect();
            dependency_edges(&records, &ids)
        })
        .collect();
    mark_os_owned(&mut packages);

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

/// Sorts the visible files into roots, keeps every version of each database for layer
/// attribution, and turns what each file skipped into warnings.
fn collect(scan: &ScanResult<Fragment>) -> Collected<'_> {
    let mut roots: BTreeMap<&str, Root<'_>> = BTreeMap::new();
    let mut history: HashMap<&str, Vec<&ScannedFile<Fragment>>> = HashMap::new();
    let mut warnings = scan.warnings.clone();
    let visible: HashSet<&str> = scan
        .files
        .iter()
        .filter(|file| file.visible)
        .map(|file| file.path.as_str())
        .collect();
    for file in &scan.files {
        // Programs are recognised by content, not path: they have no route and belong to
        // the target's root.
        let route = catalog::route(&file.path).unwrap_or(Route {
            root: "",
            kind: FileKind::Program,
        });
        if let Fragment::Packages { skipped, .. } = &file.output {
            history.entry(file.path.as_str()).or_default().push(file);
            if file.visible {
                warnings.extend(skipped.iter().map(|message| Warning {
                    path: Some(file.path.clone()),
                    layer: layer_digest(scan, file.layer),
                    message: message.clone(),
                }));
            }
        }
        if !file.visible {
            continue;
        }
        // A lockfile made redundant by another visible file (a `go.sum` beside its `go.mod`).
        if lang::superseded_by(&file.path).is_some_and(|other| visible.contains(other.as_str())) {
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
            // Java fragments are completed into `Packages` before resolving
            // (`lang::java::complete`).
            (Fragment::Release(_) | Fragment::Java(_), _) => {}
        }
    }
    Collected {
        roots,
        history,
        warnings,
    }
}

/// The key under which `OwnedFiles` fragments list the files `record` (from the database at
/// `database_path`) owns: a dpkg package's name, or the directory of an installed Python
/// distribution's metadata (whose `RECORD` sits next to it).
fn owner_key<'a>(record: &'a PackageRecord, database_path: &str) -> Option<Cow<'a, str>> {
    match record.ecosystem {
        Ecosystem::Deb => Some(Cow::Borrowed(record.name.as_str())),
        Ecosystem::Pypi => python::distribution_directory(database_path).map(Cow::Owned),
        _ => None,
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

/// Sets [`Package::owned_by`] on language packages whose metadata file an OS package owns:
/// Debian's `python3-urllib3` owns `/usr/lib/python3/dist-packages/urllib3-….egg-info`.
fn mark_os_owned(packages: &mut [Package]) {
    let mut owners: HashMap<String, String> = HashMap::new();
    for package in packages.iter().filter(|package| package.ecosystem.is_os()) {
        for file in &package.files {
            owners
                .entry(file.trim_end_matches('/').to_owned())
                .or_insert_with(|| package.id().to_owned());
        }
    }
    if owners.is_empty() {
        return;
    }
    for package in packages
        .iter_mut()
        .filter(|package| !package.ecosystem.is_os())
    {
        // Metadata is a file (`PKG-INFO`, `METADATA`, a program) or, for old Python eggs, a
        // directory entry; dpkg lists both. Only eggs look at the directory: every package
        // with a file in `/usr/bin` lists that directory too.
        let is_python = package.ecosystem == Ecosystem::Pypi;
        package.owned_by = package
            .locations
            .iter()
            .find_map(|location| {
                let path = format!("/{}", location.path);
                owners.get(&path).or_else(|| {
                    let directory = path.rsplit_once('/').map(|(directory, _)| directory)?;
                    is_python.then(|| owners.get(directory)).flatten()
                })
            })
            .cloned();
    }
}

/// Builds the package. OS packages get a purl that carries the distribution:
/// `pkg:deb/debian/…?arch=…&distro=debian-12`, the source package as the `upstream`
/// qualifier as Syft writes it, and rpm epochs as the `epoch` qualifier. Language packages get
/// their ecosystem's purl ([`language_purl`]).
fn to_package(record: &PackageRecord, distro: Option<&Distro>) -> Package {
    if !record.ecosystem.is_os() {
        let purl = language_purl(record.ecosystem, &record.name, &record.version);
        let mut package = Package::new(record.ecosystem, &record.name, &record.version, purl);
        package.licenses.clone_from(&record.licenses);
        package.files.clone_from(&record.files);
        package.scope = record.scope;
        return package;
    }
    let namespace = distro.map_or_else(
        || match record.ecosystem {
            Ecosystem::Deb => Some("debian"),
            Ecosystem::Apk => Some("alpine"),
            _ => None,
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
            _ => match version {
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

/// The purl of a language package from its full name, split into namespace and name the way
/// the purl specification defines per type: npm `@scope/name`, Maven `group:artifact`,
/// Composer `vendor/name`, Go and Swift paths at their last `/`; `PyPI` names lowercased with
/// `_` as `-`.
fn language_purl(ecosystem: Ecosystem, name: &str, version: &str) -> Purl {
    let split_last = |separator: char| match name.rsplit_once(separator) {
        Some((namespace, name)) if !namespace.is_empty() => (Some(namespace), name.to_owned()),
        _ => (None, name.to_owned()),
    };
    let (namespace, name) = match ecosystem {
        Ecosystem::Npm if name.starts_with('@') => split_last('/'),
        Ecosystem::Maven => split_last(':'),
        Ecosystem::Composer | Ecosystem::Golang | Ecosystem::Swift => split_last('/'),
        Ecosystem::Pypi => (None, name.to_ascii_lowercase().replace('_', "-")),
        _ => (None, name.to_owned()),
    };
    Purl::new(ecosystem.purl_type(), namespace, &name, version).build()
}

/// Resolves each record's `depends` against the names and `provides` of the records of the
/// same root. Alternatives that are not installed simply have no edge.
///
/// `ids` are the [`Package::id`]s of `records`, position for position.
fn dependency_edges(records: &[&PackageRecord], ids: &[&str]) -> Vec<Dependency> {
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
                    && let (Some(from), Some(to)) = (ids.get(from), ids.get(to))
                {
                    edges.push(Dependency {
                        from: (*from).to_owned(),
                        to: (*to).to_owned(),
                    });
                }
            }
        }
    }
    edges
}

/// Sorts packages and merges the ones with equal purls (a package recorded in two databases
/// of the same root, the Go standard library in two programs), keeping every location. A
/// merged package is owned by an OS package only if every copy is owned by that package:
/// one copy the package manager did not install is enough for it not to account for them.
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
                if last.owned_by != package.owned_by {
                    last.owned_by = None;
                }
                last.scope = last.scope.merge(package.scope);
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
