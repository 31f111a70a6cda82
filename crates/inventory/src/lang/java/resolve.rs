//! Completing Java fragments once the whole target has been read ([`complete`]), the one step
//! the cataloger cannot take while it sees one file at a time.
//!
//! # Maven projects
//!
//! A POM inherits properties, dependencies and managed versions from its parent, and Maven
//! replaces `${…}` expressions only after inheritance, in the child's context. This module
//! rebuilds that part of Maven's effective model from the POMs of the same target, offline:
//!
//! 1. **Parents**: where Maven looks first, the parent's `<relativePath>` (default
//!    `../pom.xml`; a directory means its `pom.xml`), accepted when that POM's group and
//!    artifact match the `<parent>` element (and its version, when both are known). Failing
//!    that, a POM of the target whose own coordinates are the parent's, as a local repository
//!    would serve it. A parent found nowhere is reported, never fetched.
//! 2. **Properties** of the chain, the child's winning, plus `${project.groupId}`,
//!    `${project.artifactId}`, `${project.version}` and `${project.parent.*}` (also spelled
//!    `pom.`), each inherited from `<parent>` when the project omits it.
//! 3. **Dependencies and `<dependencyManagement>`** of the chain, merged by
//!    `group:artifact:type:classifier` with the child's declaration winning, then
//!    interpolated. Managed entries with `<scope>import</scope>` and `<type>pom</type>` import
//!    the managed dependencies of that BOM when a POM of the target has its coordinates; the
//!    project's own entries win, then imports in declaration order.
//! 4. Each dependency's version is its own, else the managed one; its scope likewise, else
//!    `compile`. `test` scope makes the record dev-only; every record is a direct dependency.
//!
//! A dependency is recorded only with an exact version: a version left undefined (a property
//! the POM does not define, a version managed by a parent or BOM that is not in the target), a
//! range such as `[1.0,2.0)` or the meta-versions `LATEST` and `RELEASE` (which only a
//! repository resolves) are skipped, and [`complete`] sums up the skipped dependencies and the
//! missing POMs in one note per POM, which the resolver reports as a warning. `[1.0]`,
//! Maven's exact-version range, is `1.0`.
//!
//! # Java archives
//!
//! The packages of a nested archive are placed at `<archive path>:<entry path>`: each archive
//! of a file becomes its own [`ScannedFile`] with that path, so the resolver gives those
//! packages that location, and the file's problems become its `skipped` notes.

use std::collections::{HashMap, HashSet};

use custody_artifact::{ScanResult, ScannedFile};
use custody_model::{Ecosystem, Scope};

use crate::{Fragment, PackageRecord};

use super::archive::ArchiveContents;
use super::interpolate::{Unresolved, interpolate};
use super::pom::{Dependency, Pom};
use super::{Deferred, JavaFragment};

/// Longest chain of parents followed; real hierarchies are a handful deep.
const MAX_PARENTS: usize = 32;
/// Most BOMs imported while completing one project, nested imports included.
const MAX_IMPORTS: usize = 64;

/// Replaces every Java fragment of `scan` with [`Fragment::Packages`]: POMs completed with the
/// other POMs of the scan, archives split into one file per nested archive. What could not be
/// completed goes into the file's `skipped` notes, which the resolver reports as warnings.
pub(crate) fn complete(scan: &mut ScanResult<Fragment>) {
    let mut projects: HashMap<usize, Project> = {
        let poms = Poms::index(&scan.files);
        scan.files
            .iter()
            .enumerate()
            .filter_map(|(index, file)| match &file.output {
                Fragment::Java(JavaFragment(Deferred::Project(pom))) => {
                    Some((index, poms.resolve(PomFile::of(file, pom))))
                }
                _ => None,
            })
            .collect()
    };
    let mut nested_files = Vec::new();
    for (index, file) in scan.files.iter_mut().enumerate() {
        let Fragment::Java(JavaFragment(deferred)) = &mut file.output else {
            continue;
        };
        let (records, problems) = match deferred {
            Deferred::Project(_) => {
                let project = projects.remove(&index).unwrap_or_default();
                (project.records, project.note.into_iter().collect())
            }
            Deferred::Archive(contents) => {
                let ArchiveContents { packages, problems } = std::mem::take(contents);
                let mut own = Vec::new();
                for nested in packages {
                    if nested.path.is_empty() {
                        own.extend(nested.records);
                        continue;
                    }
                    nested_files.push(ScannedFile {
                        path: format!("{}:{}", file.path, nested.path),
                        layer: file.layer,
                        visible: file.visible,
                        output: Fragment::Packages {
                            records: nested.records,
                            skipped: Vec::new(),
                        },
                    });
                }
                (own, problems)
            }
        };
        file.output = Fragment::Packages {
            records,
            skipped: problems,
        };
    }
    scan.files.extend(nested_files);
}

/// The records of `pom` completed without any other POM: what [`crate::parse_database`]
/// reports for one `pom.xml`.
pub(super) fn project_alone(pom: &Pom) -> Vec<PackageRecord> {
    let file = PomFile {
        path: "",
        layer: None,
        visible: true,
        pom,
    };
    Poms::default().resolve(file).records
}

/// One version of a POM in the scan.
#[derive(Clone, Copy)]
struct PomFile<'a> {
    path: &'a str,
    layer: Option<usize>,
    visible: bool,
    pom: &'a Pom,
}

impl<'a> PomFile<'a> {
    fn of(file: &'a ScannedFile<Fragment>, pom: &'a Pom) -> Self {
        Self {
            path: &file.path,
            layer: file.layer,
            visible: file.visible,
            pom,
        }
    }

    /// Whether a POM completing `self` may use `other`: a POM in the final filesystem uses the
    /// final versions of the others; an overwritten one, the latest at or below its layer.
    fn sees(self, other: PomFile<'_>) -> bool {
        if self.visible {
            other.visible
        } else {
            other.layer <= self.layer
        }
    }
}

/// Group, artifact and version.
type Coordinates = (String, String, String);

/// The POMs of a scan, for finding parents and imported BOMs.
#[derive(Default)]
struct Poms<'a> {
    /// Every version of each POM, by path, in layer order.
    by_path: HashMap<&'a str, Vec<PomFile<'a>>>,
    /// Every version of each POM, by the coordinates it declares for itself.
    by_coordinates: HashMap<Coordinates, Vec<PomFile<'a>>>,
}

impl<'a> Poms<'a> {
    fn index(files: &'a [ScannedFile<Fragment>]) -> Self {
        let mut poms = Self::default();
        for file in files {
            let Fragment::Java(JavaFragment(Deferred::Project(pom))) = &file.output else {
                continue;
            };
            let file = PomFile::of(file, pom);
            poms.by_path.entry(file.path).or_default().push(file);
            if let Some(coordinates) = own_coordinates(pom) {
                poms.by_coordinates
                    .entry(coordinates)
                    .or_default()
                    .push(file);
            }
        }
        poms
    }

    /// The POM at `path` that `viewer` sees.
    fn at_path(&self, path: &str, viewer: PomFile<'_>) -> Option<PomFile<'a>> {
        let versions = self.by_path.get(path)?;
        versions
            .iter()
            .rev()
            .copied()
            .find(|other| viewer.sees(*other))
    }

    /// The POM with `coordinates` that `viewer` sees.
    fn with_coordinates(
        &self,
        coordinates: &Coordinates,
        viewer: PomFile<'_>,
    ) -> Option<PomFile<'a>> {
        let versions = self.by_coordinates.get(coordinates)?;
        versions
            .iter()
            .rev()
            .copied()
            .find(|other| viewer.sees(*other))
    }

    /// Completes the project of `file` into its records.
    fn resolve(&self, file: PomFile<'a>) -> Project {
        let mut imports = Imports {
            remaining: MAX_IMPORTS,
            stack: vec![file.path],
        };
        let effective = self.effective(file, &mut imports);
        let mut project = Project::default();
        for dependency in &effective.dependencies {
            project.add(&effective, dependency);
        }
        project.finish(effective.missing);
        project
    }

    /// The parts of `file`'s effective model the cataloger needs.
    fn effective(&self, file: PomFile<'a>, imports: &mut Imports<'a>) -> Effective<'a> {
        let mut chain = vec![file];
        let mut missing = Vec::new();
        let mut visited = HashSet::from([file.path]);
        let mut current = file;
        while chain.len() < MAX_PARENTS {
            match self.parent(current, file) {
                ParentLookup::NoParent => break,
                ParentLookup::Missing(coordinates) => {
                    missing.push(format!("parent {coordinates}"));
                    break;
                }
                ParentLookup::Found(parent) => {
                    if !visited.insert(parent.path) {
                        break;
                    }
                    chain.push(parent);
                    current = parent;
                }
            }
        }
        let mut properties = HashMap::new();
        for member in chain.iter().rev() {
            for (name, value) in &member.pom.properties {
                properties.insert(name.as_str(), value.as_str());
            }
        }
        let context = Context {
            pom: file.pom,
            properties,
        };
        let dependencies = merge(chain.iter().map(|member| &member.pom.dependencies));
        let mut managed: Vec<Managed> = Vec::new();
        let mut keys = HashSet::new();
        let mut boms = Vec::new();
        for dependency in merge(chain.iter().map(|member| &member.pom.managed)) {
            let Some(entry) = Managed::new(&context, dependency) else {
                continue;
            };
            if entry.scope.as_deref() == Some("import") && entry.key.2 == "pom" {
                boms.push(entry);
            } else if keys.insert(entry.key.clone()) {
                managed.push(entry);
            }
        }
        for bom in boms {
            let (group, artifact, _, _) = bom.key;
            let Some(Ok(version)) = bom.version else {
                missing.push(format!("BOM {group}:{artifact} (its version is not known)"));
                continue;
            };
            let coordinates = (group, artifact, version);
            let Some(found) = self.with_coordinates(&coordinates, file) else {
                let (group, artifact, version) = coordinates;
                missing.push(format!("BOM {group}:{artifact}:{version}"));
                continue;
            };
            if imports.remaining == 0 || imports.stack.contains(&found.path) {
                continue;
            }
            imports.remaining -= 1;
            imports.stack.push(found.path);
            let imported = self.effective(found, imports);
            imports.stack.pop();
            for entry in imported.managed {
                if keys.insert(entry.key.clone()) {
                    managed.push(entry);
                }
            }
            missing.extend(imported.missing);
        }
        Effective {
            context,
            dependencies,
            managed,
            missing,
        }
    }

    /// The parent of `child`, as `viewer` (the project being completed) sees the POMs.
    fn parent(&self, child: PomFile<'a>, viewer: PomFile<'_>) -> ParentLookup<'a> {
        let Some(parent) = &child.pom.parent else {
            return ParentLookup::NoParent;
        };
        let own = Context::own(child.pom);
        let resolve = |raw: Option<&String>| raw.and_then(|raw| own.value(raw).ok());
        let group = resolve(parent.group_id.as_ref());
        let artifact = resolve(parent.artifact_id.as_ref());
        let version = resolve(parent.version.as_ref());
        let relative = match parent.relative_path.as_deref() {
            None => Some("../pom.xml"),
            Some("") => None,
            Some(relative) => Some(relative),
        };
        let matches = |candidate: &PomFile<'_>| {
            let Some((candidate_group, candidate_artifact, candidate_version)) =
                own_coordinates_partial(candidate.pom)
            else {
                return false;
            };
            Some(&candidate_group) == group.as_ref()
                && Some(&candidate_artifact) == artifact.as_ref()
                && match (candidate_version, &version) {
                    (Some(candidate), Some(declared)) => &candidate == declared,
                    _ => true,
                }
        };
        if let Some(relative) = relative
            && let Some(path) = join(directory(child.path), relative)
            && let Some(candidate) = self.at_path(&path, viewer)
            && matches(&candidate)
        {
            return ParentLookup::Found(candidate);
        }
        let (Some(group), Some(artifact), Some(version)) = (group, artifact, version) else {
            let shown = |part: Option<&String>| part.map_or("?", String::as_str).to_owned();
            return ParentLookup::Missing(format!(
                "{}:{}:{}",
                shown(parent.group_id.as_ref()),
                shown(parent.artifact_id.as_ref()),
                shown(parent.version.as_ref())
            ));
        };
        let coordinates = (group, artifact, version);
        match self.with_coordinates(&coordinates, viewer) {
            Some(candidate) if candidate.path != child.path => ParentLookup::Found(candidate),
            _ => {
                let (group, artifact, version) = coordinates;
                ParentLookup::Missing(format!("{group}:{artifact}:{version}"))
            }
        }
    }
}

/// What looking for a parent found.
enum ParentLookup<'a> {
    NoParent,
    Found(PomFile<'a>),
    /// Not in the target: its coordinates.
    Missing(String),
}

/// The BOM imports of one project completion: the budget left and the BOMs being imported.
struct Imports<'a> {
    remaining: usize,
    stack: Vec<&'a str>,
}

/// The parts of a project's effective model the cataloger needs.
struct Effective<'a> {
    context: Context<'a>,
    /// Declared and inherited dependencies, not yet interpolated.
    dependencies: Vec<&'a Dependency>,
    /// Managed dependencies, interpolated, imports included.
    managed: Vec<Managed>,
    /// POMs the model needs that are not in the target.
    missing: Vec<String>,
}

/// Group, artifact, type and classifier: how Maven matches a dependency to its management.
type Key = (String, String, String, String);

/// One interpolated `<dependencyManagement>` entry.
struct Managed {
    key: Key,
    version: Option<Result<String, Unresolved>>,
    scope: Option<String>,
}

impl Managed {
    /// The entry for `dependency`, `None` when its group or artifact is unknown.
    fn new(context: &Context<'_>, dependency: &Dependency) -> Option<Self> {
        Some(Self {
            key: context.key(dependency)?,
            version: context.field(dependency.version.as_ref()),
            scope: context
                .field(dependency.scope.as_ref())
                .and_then(Result::ok),
        })
    }
}

/// What expressions resolve to in a project.
struct Context<'a> {
    pom: &'a Pom,
    /// The chain's properties, the child's winning.
    properties: HashMap<&'a str, &'a str>,
}

impl<'a> Context<'a> {
    /// The context of `pom` with only its own properties.
    fn own(pom: &'a Pom) -> Self {
        Self {
            pom,
            properties: pom
                .properties
                .iter()
                .map(|(name, value)| (name.as_str(), value.as_str()))
                .collect(),
        }
    }

    fn lookup(&self, name: &str) -> Option<&'a str> {
        let pom = self.pom;
        let Some(field) = name
            .strip_prefix("project.")
            .or_else(|| name.strip_prefix("pom."))
        else {
            return self.properties.get(name).copied();
        };
        let parent = pom.parent.as_ref();
        let value = match field {
            "groupId" => pom.group_id.as_ref().or_else(|| parent?.group_id.as_ref()),
            "artifactId" => pom.artifact_id.as_ref(),
            "version" => pom.version.as_ref().or_else(|| parent?.version.as_ref()),
            "parent.groupId" => parent?.group_id.as_ref(),
            "parent.artifactId" => parent?.artifact_id.as_ref(),
            "parent.version" => parent?.version.as_ref(),
            _ => None,
        };
        value.map(String::as_str)
    }

    /// `raw` with its expressions replaced.
    fn value(&self, raw: &str) -> Result<String, Unresolved> {
        interpolate(raw, &|name| self.lookup(name))
    }

    /// An optional field, interpolated; `None` when absent or blank after interpolation.
    fn field(&self, raw: Option<&String>) -> Option<Result<String, Unresolved>> {
        match self.value(raw?) {
            Ok(value) if value.trim().is_empty() => None,
            Ok(value) => Some(Ok(value.trim().to_owned())),
            Err(unresolved) => Some(Err(unresolved)),
        }
    }

    /// The management key of `dependency`, `None` when its group or artifact is unknown.
    fn key(&self, dependency: &Dependency) -> Option<Key> {
        let group = self.field(dependency.group_id.as_ref())?.ok()?;
        let artifact = self.field(dependency.artifact_id.as_ref())?.ok()?;
        let kind = self
            .field(dependency.kind.as_ref())
            .and_then(Result::ok)
            .unwrap_or_else(|| "jar".to_owned());
        let classifier = self
            .field(dependency.classifier.as_ref())
            .and_then(Result::ok)
            .unwrap_or_default();
        Some((group, artifact, kind, classifier))
    }
}

/// A completed project: its records and what could not be completed.
#[derive(Debug, Default)]
struct Project {
    records: Vec<PackageRecord>,
    /// Dependencies skipped: `group:artifact` as written, and why.
    skipped: Vec<(String, String)>,
    /// One message summarising what was skipped and which POMs are missing, if anything.
    note: Option<String>,
}

impl Project {
    /// Records `dependency`, or notes why it is skipped.
    fn add(&mut self, effective: &Effective<'_>, dependency: &Dependency) {
        let context = &effective.context;
        let written = format!(
            "{}:{}",
            dependency.group_id.as_deref().unwrap_or("?"),
            dependency.artifact_id.as_deref().unwrap_or("?")
        );
        let group = context.field(dependency.group_id.as_ref());
        let artifact = context.field(dependency.artifact_id.as_ref());
        match (&group, &artifact) {
            (Some(Ok(_)), Some(Ok(_))) => {}
            (Some(Err(unresolved)), _) | (_, Some(Err(unresolved))) => {
                self.skipped.push((written, unresolved.to_string()));
                return;
            }
            // No group or artifact: not a dependency Maven accepts.
            _ => return,
        }
        let Some(key) = context.key(dependency) else {
            return;
        };
        let managed = effective.managed.iter().find(|entry| entry.key == key);
        let scope = context
            .field(dependency.scope.as_ref())
            .and_then(Result::ok)
            .or_else(|| managed.and_then(|entry| entry.scope.clone()))
            .unwrap_or_else(|| "compile".to_owned());
        if scope == "import" {
            // Only meaningful in <dependencyManagement>; Maven rejects it here.
            return;
        }
        let version = match context.field(dependency.version.as_ref()) {
            Some(version) => Some(version),
            None => managed.and_then(|entry| entry.version.clone()),
        };
        let version = match version {
            Some(Ok(version)) => exact_version(&version),
            Some(Err(unresolved)) => Err(unresolved.to_string()),
            None => Err("no version, and no POM in the target manages one".to_owned()),
        };
        let (group, artifact, _, _) = key;
        let name = format!("{group}:{artifact}");
        let version = match version {
            Ok(version) => version,
            Err(reason) => {
                self.skipped.push((name, reason));
                return;
            }
        };
        let dev = scope == "test";
        if let Some(existing) = self
            .records
            .iter_mut()
            .find(|record| record.name == name && record.version == version)
        {
            existing.scope.dev &= dev;
            return;
        }
        let mut record = PackageRecord::new(Ecosystem::Maven, name, version);
        record.scope = Scope {
            direct: Some(true),
            dev,
        };
        self.records.push(record);
    }

    /// Sums up the skipped dependencies and `missing` POMs into [`Project::note`].
    fn finish(&mut self, mut missing: Vec<String>) {
        let mut parts = Vec::new();
        if !self.skipped.is_empty() {
            let count = self.skipped.len();
            let noun = if count == 1 {
                "dependency"
            } else {
                "dependencies"
            };
            let list: Vec<String> = self
                .skipped
                .iter()
                .map(|(name, reason)| format!("{name} ({reason})"))
                .collect();
            parts.push(format!(
                "skipped {count} {noun} without a version known offline: {}",
                list.join(", ")
            ));
        }
        missing.sort_unstable();
        missing.dedup();
        if !missing.is_empty() {
            parts.push(format!("not in the target: {}", missing.join(", ")));
        }
        self.note = (!parts.is_empty()).then(|| parts.join("; "));
    }
}

/// `version` when it is exact: a plain version (Maven's "soft requirement", which it uses
/// unless a conflict intervenes) or a one-version range `[1.0]`.
fn exact_version(version: &str) -> Result<String, String> {
    let version = version.trim();
    if let Some(inner) = version
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        && !inner.contains(',')
        && !inner.trim().is_empty()
    {
        return Ok(inner.trim().to_owned());
    }
    if version.starts_with(['[', '(']) || version.contains(',') {
        return Err(format!(
            "version range `{version}`, which only a repository resolves"
        ));
    }
    if version == "LATEST" || version == "RELEASE" {
        return Err(format!(
            "meta-version `{version}`, which only a repository resolves"
        ));
    }
    Ok(version.to_owned())
}

/// The dependencies of `lists` (child first), each `group:artifact:type:classifier` as
/// written once, the first declaration winning.
fn merge<'a>(lists: impl Iterator<Item = &'a Vec<Dependency>>) -> Vec<&'a Dependency> {
    let mut seen = HashSet::new();
    let mut merged = Vec::new();
    for dependency in lists.flatten() {
        let key = (
            dependency.group_id.as_deref(),
            dependency.artifact_id.as_deref(),
            dependency.kind.as_deref().unwrap_or("jar"),
            dependency.classifier.as_deref().unwrap_or_default(),
        );
        if seen.insert(key) {
            merged.push(dependency);
        }
    }
    merged
}

/// The coordinates `pom` declares for itself (group and version inherited from `<parent>`
/// when omitted), interpolated with its own properties; `None` unless all three are known.
fn own_coordinates(pom: &Pom) -> Option<Coordinates> {
    let (group, artifact, version) = own_coordinates_partial(pom)?;
    Some((group, artifact, version?))
}

/// Like [`own_coordinates`], but a version that is absent or unresolved is `None`.
fn own_coordinates_partial(pom: &Pom) -> Option<(String, String, Option<String>)> {
    let context = Context::own(pom);
    let parent = pom.parent.as_ref();
    let resolve = |raw: Option<&String>| raw.and_then(|raw| context.value(raw).ok());
    let group = resolve(
        pom.group_id
            .as_ref()
            .or_else(|| parent.and_then(|parent| parent.group_id.as_ref())),
    )?;
    let artifact = resolve(pom.artifact_id.as_ref())?;
    let version = resolve(
        pom.version
            .as_ref()
            .or_else(|| parent.and_then(|parent| parent.version.as_ref())),
    );
    Some((group, artifact, version))
}

/// The directory part of a `/`-separated path (empty at the top).
fn directory(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(directory, _)| directory)
}

/// `relative` (a `<relativePath>`, `/` or `\` separated) resolved against `directory`, with
/// `pom.xml` appended when it names a directory; `None` when it climbs above the target's
/// root or is absolute.
fn join(directory: &str, relative: &str) -> Option<String> {
    let relative = relative.replace('\\', "/");
    if relative.starts_with('/') {
        return None;
    }
    let mut parts: Vec<&str> = directory
        .split('/')
        .filter(|part| !part.is_empty())
        .collect();
    for part in relative.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    let is_file = parts
        .last()
        .is_some_and(|last| last.len() > 4 && last.to_ascii_lowercase().ends_with(".xml"));
    if !is_file {
        parts.push("pom.xml");
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use custody_model::{TargetInfo, TargetKind};

    use super::super::pom;
    use super::*;

    fn pom_file(path: &str, layer: usize, visible: bool, xml: &str) -> ScannedFile<Fragment> {
        let pom = pom::parse(xml.as_bytes()).unwrap();
        ScannedFile {
            path: path.to_owned(),
            layer: Some(layer),
            visible,
            output: Fragment::Java(JavaFragment(Deferred::Project(Box::new(pom)))),
        }
    }

    fn versions(file: &ScannedFile<Fragment>) -> Vec<&str> {
        let Fragment::Packages { records, .. } = &file.output else {
            panic!("not completed: {:?}", file.output);
        };
        records
            .iter()
            .map(|record| record.version.as_str())
            .collect()
    }

    /// Each version of a child POM in an image completes with the parent of its time: an
    /// overwritten child with the parent below it, the final child with the final parent.
    #[test]
    fn completes_each_layer_with_the_parent_it_saw() {
        let parent = |version: &str| {
            format!(
                "<project><groupId>g</groupId><artifactId>parent</artifactId><version>1</version>\
                 <properties><lib.version>{version}</lib.version></properties></project>"
            )
        };
        let child = "<project><parent><groupId>g</groupId><artifactId>parent</artifactId>\
                     <version>1</version></parent><artifactId>child</artifactId><dependencies>\
                     <dependency><groupId>g</groupId><artifactId>lib</artifactId>\
                     <version>${lib.version}</version></dependency></dependencies></project>";
        let mut scan = ScanResult {
            target: TargetInfo {
                kind: TargetKind::OciDir,
                name: "image".to_owned(),
                image: None,
            },
            files: vec![
                pom_file("app/pom.xml", 0, false, &parent("1.0")),
                pom_file("app/child/pom.xml", 0, false, child),
                pom_file("app/pom.xml", 1, true, &parent("2.0")),
                pom_file("app/child/pom.xml", 2, true, child),
            ],
            warnings: Vec::new(),
        };
        complete(&mut scan);
        assert_eq!(versions(&scan.files[1]), ["1.0"]);
        assert_eq!(versions(&scan.files[3]), ["2.0"]);
        assert!(versions(&scan.files[0]).is_empty());
    }

    #[test]
    fn joins_relative_paths() {
        assert_eq!(
            join("app/module", "../pom.xml").as_deref(),
            Some("app/pom.xml")
        );
        assert_eq!(
            join("app/module", "../parent").as_deref(),
            Some("app/parent/pom.xml")
        );
        assert_eq!(
            join("app", "./parent/pom.xml").as_deref(),
            Some("app/parent/pom.xml")
        );
        assert_eq!(join("app", "..\\other\\").as_deref(), Some("other/pom.xml"));
        assert_eq!(join("", "../pom.xml"), None);
        assert_eq!(join("a", "/etc/pom.xml"), None);
    }

    #[test]
    fn accepts_only_exact_versions() {
        assert_eq!(exact_version("1.0"), Ok("1.0".to_owned()));
        assert_eq!(exact_version("[1.0]"), Ok("1.0".to_owned()));
        assert_eq!(
            exact_version(" 2.0-SNAPSHOT "),
            Ok("2.0-SNAPSHOT".to_owned())
        );
        for version in [
            "[1.0,2.0)",
            "(,1.0]",
            "[1.0,)",
            "[1,2),[3,4)",
            "LATEST",
            "RELEASE",
            "[]",
        ] {
            assert!(exact_version(version).is_err(), "{version}");
        }
    }
}
