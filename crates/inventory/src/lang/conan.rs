//! C and C++ packages ([`Ecosystem::Conan`]) from Conan's `conan.lock`.
//!
//! Two layouts exist, both JSON:
//!
//! - **Conan 1** (`version` 0.1 to 0.4): `graph_lock.nodes` maps a node id to
//!   `{ref | pref, requires, build_requires, python_requires, path, context}`. `requires` lists
//!   node ids (0.3 and later) or maps references to node ids (0.1, 0.2, and the unversioned
//!   0.0). A node with a `path` is the consumer's own `conanfile`, not a package.
//! - **Conan 2** (`version` 0.5): flat lists of references, `requires` (host libraries),
//!   `build_requires` (tools), `python_requires` (recipe code) and `config_requires`
//!   (configuration packages).
//!
//! A reference is `name/version[@user[/channel]][#recipe_revision][:package_id[#package_revision]]
//! [%timestamp]`; the record is `name` at `version`, as `ConanCenter` and OSV spell it. A
//! reference without a `/` names no package (an unnamed consumer `conanfile`) and is skipped.
//!
//! # Scope and edges
//!
//! - Conan 2: `requires` are host dependencies; the other lists hold what only the build
//!   uses, reported as dev-only. The lists are flat, so directness is unknown.
//! - Conan 1: the roots are the nodes nothing requires (the consumer). A package a root lists
//!   is direct, any other transitive; a package reached only through a `build_requires` or
//!   `python_requires` edge somewhere is dev-only (a build tool and its own dependencies).
//!   Each node's record depends on the `name/version` of the nodes it lists, so the graph
//!   survives into the SBOM. A package that appears as several nodes (in the host and the
//!   build context) is one record, direct or host if any of its nodes is.

use std::collections::{BTreeMap, HashSet};

use custody_model::{Ecosystem, Scope};
use serde::Deserialize;

use super::document;
use super::records::Records;
use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "conan.lock";

/// A Conan file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// Conan's `conan.lock`, Conan 1 or 2.
    ConanLock,
}

/// What `directory`/`name` is, if it is a Conan lockfile. Compares the file name first: it
/// runs for every file of a target.
pub(crate) fn route(_directory: &str, name: &str) -> Option<File> {
    (name == "conan.lock").then_some(File::ConanLock)
}

/// The fields read from either layout.
#[derive(Deserialize)]
struct Lockfile {
    /// Conan 1.
    graph_lock: Option<GraphLock>,
    /// Conan 2.
    #[serde(default)]
    requires: Vec<String>,
    /// Conan 2.
    #[serde(default)]
    build_requires: Vec<String>,
    /// Conan 2.
    #[serde(default)]
    python_requires: Vec<String>,
    /// Conan 2.
    #[serde(default)]
    config_requires: Vec<String>,
}

/// Conan 1's dependency graph.
#[derive(Deserialize)]
struct GraphLock {
    #[serde(default)]
    nodes: BTreeMap<String, Node>,
}

/// One node of Conan 1's graph.
#[derive(Deserialize)]
struct Node {
    #[serde(rename = "ref")]
    reference: Option<String>,
    /// Lockfile versions up to 0.3 give the package reference instead.
    #[serde(rename = "pref")]
    package_reference: Option<String>,
    path: Option<String>,
    requires: Option<Edges>,
    build_requires: Option<Edges>,
    python_requires: Option<Edges>,
}

/// The node ids a node lists: plain (0.3 and later), or keyed by reference (earlier).
#[derive(Deserialize)]
#[serde(untagged)]
enum Edges {
    Ids(Vec<String>),
    ByReference(BTreeMap<String, String>),
}

impl Node {
    /// The package the node is, unless it is the consumer's `conanfile` or names nothing.
    fn identity(&self) -> Option<(&str, &str)> {
        if self.path.is_some() {
            return None;
        }
        name_and_version(
            self.reference
                .as_deref()
                .or(self.package_reference.as_deref())?,
        )
    }

    /// The ids of every node this one lists, of any kind.
    fn edges(&self) -> Vec<&str> {
        [&self.requires, &self.build_requires, &self.python_requires]
            .into_iter()
            .flatten()
            .flat_map(Edges::ids)
            .collect()
    }
}

impl Edges {
    /// The node ids listed.
    fn ids(&self) -> Vec<&str> {
        match self {
            Self::Ids(ids) => ids.iter().map(String::as_str).collect(),
            Self::ByReference(map) => map.values().map(String::as_str).collect(),
        }
    }
}

/// Parses a routed file.
pub(crate) fn parse(
    file: File,
    _path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    let File::ConanLock = file;
    let Some(lockfile) = document::from_json::<Lockfile>(FORMAT, content)? else {
        return Ok(Vec::new());
    };
    Ok(match &lockfile.graph_lock {
        Some(graph) => graph_records(graph),
        None => list_records(&lockfile),
    })
}

/// The name and version of a reference; `None` when it names no package.
fn name_and_version(reference: &str) -> Option<(&str, &str)> {
    let (name, rest) = reference.trim().split_once('/')?;
    let end = rest.find(['@', '#', ':', '%']).unwrap_or(rest.len());
    let version = rest.get(..end)?;
    (!name.is_empty() && !version.is_empty()).then_some((name, version))
}

/// How a record is named as a dependency target: `name/version`.
fn dependency_key(name: &str, version: &str) -> String {
    format!("{name}/{version}")
}

/// Conan 2: the four lists, `requires` as host dependencies and the others as dev-only.
fn list_records(lockfile: &Lockfile) -> Vec<PackageRecord> {
    let mut records = Records::new(Ecosystem::Conan, dependency_key);
    let lists = [
        (&lockfile.requires, false),
        (&lockfile.build_requires, true),
        (&lockfile.python_requires, true),
        (&lockfile.config_requires, true),
    ];
    for (references, dev) in lists {
        for (name, version) in references
            .iter()
            .filter_map(|reference| name_and_version(reference))
        {
            records.insert(name, version);
            records.declare(&dependency_key(name, version), Scope { direct: None, dev });
        }
    }
    records.into_records()
}

/// Conan 1: every named node, with scope from its place in the graph and edges to the nodes
/// it lists.
fn graph_records(graph: &GraphLock) -> Vec<PackageRecord> {
    let nodes = &graph.nodes;
    let required: HashSet<&str> = nodes.values().flat_map(Node::edges).collect();
    let roots: Vec<&str> = nodes
        .keys()
        .map(String::as_str)
        .filter(|id| !required.contains(id))
        .collect();
    let host = reachable(nodes, &roots);
    let direct: HashSet<&str> = roots
        .iter()
        .filter_map(|root| nodes.get(*root))
        .flat_map(Node::edges)
        .collect();
    let mut records = Records::new(Ecosystem::Conan, dependency_key);
    for (id, node) in nodes {
        let Some((name, version)) = node.identity() else {
            continue;
        };
        let scope = Scope {
            direct: Some(direct.contains(id.as_str())),
            dev: !host.contains(id.as_str()),
        };
        let targets: Vec<String> = node
            .edges()
            .into_iter()
            .filter_map(|target| nodes.get(target)?.identity())
            .map(|(name, version)| dependency_key(name, version))
            .collect();
        records.insert(name, version).depends.extend(targets);
        records.declare(&dependency_key(name, version), scope);
    }
    records.into_records()
}

/// The ids reachable from `roots` through `requires` edges only: what the host build links.
fn reachable<'a>(nodes: &'a BTreeMap<String, Node>, roots: &[&'a str]) -> HashSet<&'a str> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut pending: Vec<&str> = roots.to_vec();
    while let Some(id) = pending.pop() {
        let Some((id, node)) = nodes.get_key_value(id) else {
            continue;
        };
        if !seen.insert(id.as_str()) {
            continue;
        }
        if let Some(requires) = &node.requires {
            pending.extend(requires.ids());
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    type Row = (String, String, Scope, Vec<String>);

    fn rows(text: &str) -> Vec<Row> {
        parse(File::ConanLock, "conan.lock", text.as_bytes())
            .unwrap()
            .into_iter()
            .map(|record| (record.name, record.version, record.scope, record.depends))
            .collect()
    }

    fn row(name: &str, version: &str, direct: Option<bool>, dev: bool, depends: &[&str]) -> Row {
        (
            name.into(),
            version.into(),
            Scope { direct, dev },
            depends.iter().map(|&key| key.to_owned()).collect(),
        )
    }

    #[test]
    fn routes_conan_lock() {
        assert_eq!(route("cpp/app", "conan.lock"), Some(File::ConanLock));
        for name in ["conanfile.txt", "conan.lock.bak", "conanfile.py"] {
            assert_eq!(route("", name), None);
        }
    }

    #[test]
    fn splits_references() {
        for (reference, expected) in [
            ("zlib/1.2.11", Some(("zlib", "1.2.11"))),
            (
                "zlib/1.2.11@user/channel#rrev:pkgid#prev%1.5",
                Some(("zlib", "1.2.11")),
            ),
            (
                "zlib/1.2.11#ffa77daf%1667396813.184",
                Some(("zlib", "1.2.11")),
            ),
            ("zlib/1.2.11:19729b9", Some(("zlib", "1.2.11"))),
            ("1.2.3#ffa77daf", None),
            ("/1.0", None),
            ("zlib/", None),
        ] {
            assert_eq!(name_and_version(reference), expected, "{reference}");
        }
    }

    #[test]
    fn reads_conan_2_lists_with_build_tools_as_dev() {
        let found = rows(
            r#"{"version": "0.5", "requires": ["zlib/1.3#a%1", "cmake/3.27#b"],
                "build_requires": ["cmake/3.27#b", "ninja/1.11#c"],
                "python_requires": ["pyreq/1.0#d"], "config_requires": []}"#,
        );
        assert_eq!(
            found,
            [
                row("zlib", "1.3", None, false, &[]),
                row("cmake", "3.27", None, false, &[]),
                row("ninja", "1.11", None, true, &[]),
                row("pyreq", "1.0", None, true, &[]),
            ]
        );
    }

    #[test]
    fn reads_conan_1_graphs_with_scope_and_edges() {
        let found = rows(
            r#"{"graph_lock": {"nodes": {
                "0": {"ref": "app/1.0", "path": "conanfile.py", "requires": ["1"],
                      "build_requires": ["3"]},
                "1": {"ref": "freetype/2.12.1#r", "requires": ["2"]},
                "2": {"ref": "zlib/1.2.13#r"},
                "3": {"ref": "cmake/3.27", "requires": ["4"]},
                "4": {"ref": "openssl/3.0"},
                "5": {"ref": "zlib/1.2.13", "context": "build"}
            }}, "version": "0.4"}"#,
        );
        assert_eq!(
            found,
            [
                row("freetype", "2.12.1", Some(true), false, &["zlib/1.2.13"]),
                row("zlib", "1.2.13", Some(false), false, &[]),
                row("cmake", "3.27", Some(true), true, &["openssl/3.0"]),
                row("openssl", "3.0", Some(false), true, &[]),
            ]
        );
    }

    #[test]
    fn reads_old_graphs_keyed_by_reference() {
        let found = rows(
            r#"{"graph_lock": {"nodes": {
                "a": {"pref": null, "requires": {"zlib/1.2.11@bincrafters/testing#5f": "b"}},
                "b": {"pref": "zlib/1.2.11@bincrafters/testing#5f:1972#58"}
            }}}"#,
        );
        assert_eq!(found, [row("zlib", "1.2.11", Some(true), false, &[])]);
    }

    #[test]
    fn empty_and_malformed_files() {
        assert!(rows("").is_empty());
        assert!(rows(r#"{"version": "0.5"}"#).is_empty());
        let error = parse(File::ConanLock, "", b"null").unwrap_err();
        assert_eq!(error.position, Position::Line(1));
        let error = parse(File::ConanLock, "", b"{\n\"requires\": [1]\n}").unwrap_err();
        assert_eq!(error.position, Position::Line(2));
    }
}
