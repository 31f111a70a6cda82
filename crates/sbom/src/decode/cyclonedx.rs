//! CycloneDX JSON (1.2 to 1.6) read back: components, the operating-system component,
//! the target's image identity and the dependency graph.
//!
//! Only the fields custody uses are deserialized (the 1.2 to 1.6 schemas agree on all of
//! them); others, including whole sections such as `vulnerabilities`, are skipped without
//! being kept. Nested `components` are walked as if flat.

use serde::Deserialize;

use custody_model::{Distro, Inventory, TargetInfo};

use super::properties::{ImageFacts, record_distro};
use super::{Assembler, Element, Facts};

/// The parts of a BOM custody reads.
#[derive(Deserialize)]
pub(super) struct Bom {
    #[serde(default)]
    metadata: Option<Metadata>,
    #[serde(default)]
    components: Vec<Component>,
    #[serde(default)]
    dependencies: Vec<DependencyEntry>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(default)]
    component: Option<Component>,
}

#[derive(Deserialize)]
struct Component {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(rename = "bom-ref", default)]
    bom_ref: Option<String>,
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    licenses: Vec<LicenseChoice>,
    #[serde(default)]
    purl: Option<String>,
    #[serde(default)]
    properties: Vec<Property>,
    #[serde(default)]
    components: Vec<Component>,
}

/// A CycloneDX `licenseChoice` entry: a `license` (by id or name) or an `expression`.
#[derive(Deserialize)]
struct LicenseChoice {
    #[serde(default)]
    license: Option<License>,
    #[serde(default)]
    expression: Option<String>,
}

#[derive(Deserialize)]
struct License {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct Property {
    #[serde(default)]
    name: String,
    #[serde(default)]
    value: Option<String>,
}

#[derive(Deserialize)]
struct DependencyEntry {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(rename = "dependsOn", default)]
    depends_on: Vec<String>,
}

/// Component types that declare a package: a component of one of these types without a
/// purl is worth a warning; `file`, `container`, `data` and the like are not packages.
const PACKAGE_TYPES: &[&str] = &["library", "framework", "application", ""];

/// Builds the inventory of `bom`, with `target` as its target.
pub(super) fn read(bom: Bom, mut target: TargetInfo) -> Inventory {
    let mut assembler = Assembler::new("component");
    if let Some(root) = bom.metadata.and_then(|metadata| metadata.component) {
        let mut image = ImageFacts::default();
        for property in &root.properties {
            image.record(
                &property.name,
                property.value.as_deref().unwrap_or_default(),
            );
        }
        target.image = image.finish(root.version.as_deref());
        assembler.add_root(element(&root));
    }

    let mut pending: Vec<&Component> = bom.components.iter().rev().collect();
    while let Some(component) = pending.pop() {
        pending.extend(component.components.iter().rev());
        if component.kind == "operating-system" {
            assembler.operating_system(operating_system(component));
        } else {
            assembler.add(element(component));
        }
    }
    for entry in &bom.dependencies {
        for dependency in &entry.depends_on {
            assembler.depends(&entry.reference, dependency);
        }
    }
    assembler.finish(target)
}

fn element(component: &Component) -> Element<'_> {
    let mut facts = Facts::default();
    for property in &component.properties {
        facts.record(
            &property.name,
            property.value.as_deref().unwrap_or_default(),
        );
    }
    Element {
        reference: component.bom_ref.as_deref(),
        name: &component.name,
        version: component.version.as_deref(),
        purl: component.purl.as_deref(),
        licenses: component
            .licenses
            .iter()
            .filter_map(|choice| {
                let license = choice.license.as_ref();
                choice
                    .expression
                    .clone()
                    .or_else(|| license.and_then(|license| license.id.clone()))
                    .or_else(|| license.and_then(|license| license.name.clone()))
            })
            .collect(),
        facts,
        declared_package: PACKAGE_TYPES.contains(&component.kind.as_str()),
    }
}

/// The distribution an `operating-system` component describes: its name is the os-release
/// `ID`, its version `VERSION_ID`, its description `PRETTY_NAME` (as custody and Syft write
/// them), and custody's or Syft's distro properties add the rest.
fn operating_system(component: &Component) -> Distro {
    let mut distro = Distro::new(
        component.name.clone(),
        component
            .version
            .clone()
            .filter(|version| !version.is_empty()),
    );
    distro.pretty_name.clone_from(&component.description);
    for property in &component.properties {
        record_distro(
            &mut distro,
            &property.name,
            property.value.as_deref().unwrap_or_default(),
        );
    }
    distro
}
