//! CycloneDX 1.6 JSON: the [`Inventory`] as a BOM whose metadata component is the target,
//! with the OS and every package as components and a dependency graph over all of them.
//!
//! Field rules follow the CycloneDX 1.6 JSON schema (`bom-1.6.schema.json`); property names
//! follow the CycloneDX property taxonomy convention (`<namespace>:<path>`) with custody's
//! own `custody:` namespace, the way syft writes `syft:location:0:path`.

use std::collections::BTreeSet;
use std::io::Write;

use serde::Serialize;

use custody_model::{Inventory, Package, TargetKind};

use crate::error::{Error, SbomFormat};
use crate::identifier::UniqueIds;
use crate::license::{self, DeclaredLicense};
use crate::options::EncodeOptions;
use crate::package::{dependency_edges, supplier};

/// `bom-ref` of the metadata component, the target itself.
const ROOT_REF: &str = "custody:target";
/// `bom-ref` of the operating-system component.
const OS_REF: &str = "custody:operating-system";

/// Encodes `inventory` as a CycloneDX 1.6 JSON document.
///
/// # Wire format
///
/// ```json
/// {
///   "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
///   "bomFormat": "CycloneDX", "specVersion": "1.6",
///   "serialNumber": "urn:uuid:<options.serial>", "version": 1,
///   "metadata": {
///     "timestamp": "2024-05-01T12:00:00Z",
///     "tools": {"components": [{"type": "application", "name": "custody", "version": "0.1.0"}]},
///     "component": {"type": "container", "bom-ref": "custody:target",
///                   "name": "registry.example/app:1.0", "version": "sha256:<manifest>",
///                   "properties": [{"name": "custody:image:layer:0:digest", "value": "sha256:…"}]}
///   },
///   "components": [
///     {"type": "operating-system", "bom-ref": "custody:operating-system", "name": "debian",
///      "version": "12", "description": "Debian GNU/Linux 12 (bookworm)"},
///     {"type": "library", "bom-ref": "pkg:deb/debian/zlib1g@…", "supplier": {"name": "debian"},
///      "name": "zlib1g", "version": "1:1.2.13.dfsg-1", "licenses": [{"license": {"id": "Zlib"}}],
///      "purl": "pkg:deb/debian/zlib1g@…", "properties": [{"name": "custody:package:ecosystem", "value": "deb"}]}
///   ],
///   "dependencies": [{"ref": "custody:target", "dependsOn": ["custody:operating-system", "pkg:…"]}]
/// }
/// ```
///
/// - `metadata.component` is the target: type `container` for images (`version` is the
///   manifest digest, or the configuration digest when there is no manifest) and `file` for
///   `dir:` and `rootfs:` targets. Its properties are `custody:target:kind` (the target
///   scheme), `custody:image:configDigest`, `custody:image:platform`,
///   `custody:image:tag:<n>`, `custody:image:layer:<n>:digest` and
///   `custody:image:layer:<n>:diffId`, layers numbered from 0 at the bottom.
/// - The OS, when one was recognised, is an `operating-system` component named by its
///   os-release `ID`, versioned by `VERSION_ID`, described by `PRETTY_NAME`, with properties
///   `custody:distro:codename`, `custody:distro:idLike` and `custody:distro:distroless`.
/// - Every package is a `library` component whose `bom-ref` is its purl (a later package
///   with the same purl gets `custody:duplicate:<n>:<purl>`; `bom-ref`s are opaque, read
///   `purl`). `licenses` holds `license.id` for SPDX License List ids, one `expression` when
///   every license is valid SPDX and one of them is compound (joined with `AND`), and
///   `license.name` for text that is no SPDX expression (then compound expressions are
///   names too, since CycloneDX forbids mixing the two forms). Properties:
///   `custody:package:ecosystem`, `custody:package:arch`, `custody:package:sourceName`,
///   `custody:package:sourceVersion`, `custody:package:state`,
///   `custody:location:<n>:path` and `custody:location:<n>:layerDigest`.
/// - `dependencies` lists every component, sorted `dependsOn` without repeats (empty when
///   none is known): the target depends on the OS and on every package; packages depend on
///   what [`Inventory::dependencies`] says, edges to packages the inventory lacks dropped.
///
/// Property names and `bom-ref`s of the target and OS are stable; properties may be added.
pub fn to_cyclonedx(inventory: &Inventory, options: &EncodeOptions) -> serde_json::Value {
    serde_json::to_value(bom(inventory, options)).expect(
        "the CycloneDX document holds only strings, numbers, arrays and string-keyed objects",
    )
}

/// Writes [`to_cyclonedx`]'s document to `writer` as pretty-printed JSON ending in a newline.
///
/// # Errors
///
/// [`Error::Write`] when the writer fails.
pub fn write_cyclonedx(
    inventory: &Inventory,
    options: &EncodeOptions,
    mut writer: impl Write,
) -> Result<(), Error> {
    let fail = |source| Error::Write {
        format: SbomFormat::CycloneDx,
        source,
    };
    serde_json::to_writer_pretty(&mut writer, &bom(inventory, options))
        .map_err(|error| fail(error.into()))?;
    writer.write_all(b"\n").map_err(fail)?;
    writer.flush().map_err(fail)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    #[serde(rename = "bomFormat")]
    format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata<'a>,
    components: Vec<Component<'a>>,
    dependencies: Vec<DependencyEntry>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    timestamp: String,
    tools: Tools<'a>,
    component: Component<'a>,
}

#[derive(Serialize)]
struct Tools<'a> {
    components: Vec<Component<'a>>,
}

#[derive(Serialize)]
struct Component<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(rename = "bom-ref", skip_serializing_if = "Option::is_none")]
    bom_ref: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    supplier: Option<Organization<'a>>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property>,
}

impl<'a> Component<'a> {
    fn new(kind: &'static str, name: &'a str) -> Self {
        Self {
            kind,
            bom_ref: None,
            supplier: None,
            name,
            version: None,
            description: None,
            licenses: Vec::new(),
            purl: None,
            properties: Vec::new(),
        }
    }
}

#[derive(Serialize)]
struct Organization<'a> {
    name: &'a str,
}

/// CycloneDX `licenseChoice`: a list of `license` objects or exactly one `expression`.
#[derive(Serialize)]
#[serde(untagged)]
enum LicenseChoice<'a> {
    License { license: License<'a> },
    Expression { expression: String },
}

/// A CycloneDX `license`: exactly one of `id` (an SPDX License List id) and `name`.
#[derive(Serialize)]
struct License<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<std::borrow::Cow<'a, str>>,
}

#[derive(Serialize)]
struct Property {
    name: String,
    value: String,
}

impl Property {
    fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: value.into(),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DependencyEntry {
    #[serde(rename = "ref")]
    reference: String,
    depends_on: BTreeSet<String>,
}

fn bom<'a>(inventory: &'a Inventory, options: &'a EncodeOptions) -> Bom<'a> {
    let mut ids = UniqueIds::default();
    ids.reserve(ROOT_REF);
    ids.reserve(OS_REF);
    let package_refs: Vec<String> = inventory
        .packages
        .iter()
        .map(|package| {
            let base = if package.purl.as_str().is_empty() {
                format!("custody:package:{}@{}", package.name, package.version)
            } else {
                package.purl.as_str().to_owned()
            };
            ids.claim(&base, |base, number| {
                format!("custody:duplicate:{number}:{base}")
            })
        })
        .collect();

    let mut components = Vec::with_capacity(inventory.packages.len() + 1);
    let mut dependencies = Vec::with_capacity(inventory.packages.len() + 2);
    let mut root_depends_on: BTreeSet<String> = package_refs.iter().cloned().collect();
    if let Some(distro) = &inventory.distro {
        let mut os = Component::new("operating-system", &distro.id);
        os.bom_ref = Some(OS_REF.to_owned());
        os.version = distro.version_id.as_deref();
        os.description = distro.pretty_name.as_deref();
        if let Some(codename) = &distro.codename {
            os.properties
                .push(Property::new("custody:distro:codename", codename));
        }
        if !distro.id_like.is_empty() {
            os.properties.push(Property::new(
                "custody:distro:idLike",
                distro.id_like.join(" "),
            ));
        }
        if distro.distroless {
            os.properties
                .push(Property::new("custody:distro:distroless", "true"));
        }
        components.push(os);
        root_depends_on.insert(OS_REF.to_owned());
        dependencies.push(DependencyEntry {
            reference: OS_REF.to_owned(),
            depends_on: BTreeSet::new(),
        });
    }
    dependencies.insert(
        0,
        DependencyEntry {
            reference: ROOT_REF.to_owned(),
            depends_on: root_depends_on,
        },
    );

    let mut package_depends_on = vec![BTreeSet::new(); inventory.packages.len()];
    for (from, to) in dependency_edges(inventory) {
        if let (Some(targets), Some(reference)) =
            (package_depends_on.get_mut(from), package_refs.get(to))
        {
            targets.insert(reference.clone());
        }
    }
    for ((package, reference), depends_on) in inventory
        .packages
        .iter()
        .zip(&package_refs)
        .zip(package_depends_on)
    {
        components.push(package_component(inventory, package, reference.clone()));
        dependencies.push(DependencyEntry {
            reference: reference.clone(),
            depends_on,
        });
    }

    let mut tool = Component::new("application", "custody");
    tool.version = Some(&options.tool_version);
    Bom {
        schema: "http://cyclonedx.org/schema/bom-1.6.schema.json",
        format: "CycloneDX",
        spec_version: "1.6",
        serial_number: format!("urn:uuid:{}", options.serial.hyphenated()),
        version: 1,
        metadata: Metadata {
            timestamp: options.created(),
            tools: Tools {
                components: vec![tool],
            },
            component: root_component(inventory),
        },
        components,
        dependencies,
    }
}

fn root_component(inventory: &Inventory) -> Component<'_> {
    let target = &inventory.target;
    let kind = match target.kind {
        TargetKind::Dir | TargetKind::Rootfs => "file",
        TargetKind::OciDir
        | TargetKind::OciArchive
        | TargetKind::DockerArchive
        | TargetKind::Registry => "container",
    };
    let mut root = Component::new(kind, &target.name);
    root.bom_ref = Some(ROOT_REF.to_owned());
    root.properties
        .push(Property::new("custody:target:kind", target.kind.scheme()));
    if let Some(image) = &target.image {
        root.version = Some(
            image
                .manifest_digest
                .as_deref()
                .filter(|digest| !digest.is_empty())
                .unwrap_or(&image.config_digest),
        );
        root.properties.push(Property::new(
            "custody:image:configDigest",
            &image.config_digest,
        ));
        if let Some(platform) = &image.platform {
            root.properties
                .push(Property::new("custody:image:platform", platform));
        }
        for (index, tag) in image.tags.iter().enumerate() {
            root.properties
                .push(Property::new(format!("custody:image:tag:{index}"), tag));
        }
        for (index, layer) in image.layers.iter().enumerate() {
            root.properties.push(Property::new(
                format!("custody:image:layer:{index}:digest"),
                &layer.digest,
            ));
            if let Some(diff_id) = &layer.diff_id {
                root.properties.push(Property::new(
                    format!("custody:image:layer:{index}:diffId"),
                    diff_id,
                ));
            }
        }
    }
    root
}

fn package_component<'a>(
    inventory: &'a Inventory,
    package: &'a Package,
    reference: String,
) -> Component<'a> {
    let mut component = Component::new("library", &package.name);
    component.bom_ref = Some(reference);
    component.supplier = supplier(inventory, package).map(|name| Organization { name });
    component.version = Some(package.version.as_str()).filter(|version| !version.is_empty());
    component.licenses = licenses(&package.licenses);
    component.purl = Some(package.purl.as_str()).filter(|purl| !purl.is_empty());

    let properties = &mut component.properties;
    properties.push(Property::new(
        "custody:package:ecosystem",
        package.ecosystem.purl_type(),
    ));
    if let Some(arch) = &package.arch {
        properties.push(Property::new("custody:package:arch", arch));
    }
    if let Some(source) = &package.source {
        properties.push(Property::new("custody:package:sourceName", &source.name));
        if let Some(version) = &source.version {
            properties.push(Property::new("custody:package:sourceVersion", version));
        }
    }
    if let Some(state) = package.state {
        properties.push(Property::new("custody:package:state", state.as_str()));
    }
    for (index, location) in package.locations.iter().enumerate() {
        properties.push(Property::new(
            format!("custody:location:{index}:path"),
            &location.path,
        ));
        if let Some(layer) = &location.layer {
            properties.push(Property::new(
                format!("custody:location:{index}:layerDigest"),
                layer,
            ));
        }
    }
    component
}

/// Chooses the `licenseChoice` form, since CycloneDX allows either a list of licenses or a
/// single expression but not both.
fn licenses(recorded: &[String]) -> Vec<LicenseChoice<'_>> {
    let declared = license::classify(recorded);
    let compound = declared
        .iter()
        .any(|item| matches!(item, DeclaredLicense::Expression(_)));
    if compound && let Some(expression) = license::conjunction(&declared) {
        return vec![LicenseChoice::Expression {
            expression: expression.to_string(),
        }];
    }
    declared
        .into_iter()
        .map(|item| {
            let license = match item {
                DeclaredLicense::Id(id) => License {
                    id: Some(id),
                    name: None,
                },
                DeclaredLicense::Expression(expression) => License {
                    id: None,
                    name: Some(expression.to_string().into()),
                },
                DeclaredLicense::Text(text) => License {
                    id: None,
                    name: Some(text.into()),
                },
            };
            LicenseChoice::License { license }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices(recorded: &[&str]) -> serde_json::Value {
        let recorded: Vec<String> = recorded.iter().map(|text| (*text).to_owned()).collect();
        serde_json::to_value(licenses(&recorded)).unwrap()
    }

    #[test]
    fn ids_stay_a_list() {
        assert_eq!(
            choices(&["MIT", "gpl-2.0-or-later"]),
            serde_json::json!([
                {"license": {"id": "MIT"}},
                {"license": {"id": "GPL-2.0-or-later"}}
            ])
        );
    }

    #[test]
    fn valid_compound_licenses_become_one_expression() {
        assert_eq!(
            choices(&["Zlib", "MIT OR Apache-2.0"]),
            serde_json::json!([{"expression": "Zlib AND (MIT OR Apache-2.0)"}])
        );
    }

    #[test]
    fn free_text_forces_names() {
        assert_eq!(
            choices(&["MIT", "BSD", "MIT OR Apache-2.0"]),
            serde_json::json!([
                {"license": {"id": "MIT"}},
                {"license": {"name": "BSD"}},
                {"license": {"name": "MIT OR Apache-2.0"}}
            ])
        );
        assert_eq!(choices(&[]), serde_json::json!([]));
    }
}
