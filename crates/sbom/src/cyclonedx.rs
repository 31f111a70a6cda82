//! CycloneDX 1.6 JSON: the [`Inventory`] as a BOM whose metadata component is the target,
//! with the OS and every package as components and a dependency graph over all of them; for
//! a scan [`Report`], the same BOM plus a `vulnerabilities` section.
//!
//! One builder makes both documents: [`to_cyclonedx`] is [`to_cyclonedx_report`] without
//! findings, so an SBOM and a scan of the same inventory list identical components.
//!
//! Field rules follow the CycloneDX 1.6 JSON schema (`bom-1.6.schema.json`); property names
//! follow the CycloneDX property taxonomy convention (`<namespace>:<path>`) with custody's
//! own `custody:` namespace, the way syft writes `syft:location:0:path`.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

use serde::Serialize;

use custody_model::{
    Finding, Inventory, Package, Rating, RatingMethod, Report, Severity, TargetKind,
};

use crate::error::{Error, SbomFormat};
use crate::identifier::UniqueIds;
use crate::json::write_pretty;
use crate::license::{self, DeclaredLicense};
use crate::options::EncodeOptions;
use crate::package::{dependency_edges, supplier};
use crate::vulnerability::{self, Vulnerability};

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
///   `custody:package:sourceVersion`, `custody:package:state`, `custody:package:ownedBy`
///   (for a language package the OS package manager installed, the owning OS package's
///   purl, [`Package::owned_by`]), `custody:package:direct` (`true`/`false`, from a lockfile's
///   [`Package::scope`]), `custody:package:dev` (`true` for development-only dependencies,
///   whose component `scope` is then `excluded`), `custody:location:<n>:path` and
///   `custody:location:<n>:layerDigest`.
/// - `dependencies` lists every component, sorted `dependsOn` without repeats (empty when
///   none is known): the target depends on the OS and on every package; packages depend on
///   what [`Inventory::dependencies`] says, edges to packages the inventory lacks dropped.
///
/// Property names and `bom-ref`s of the target and OS are stable; properties may be added.
pub fn to_cyclonedx(inventory: &Inventory, options: &EncodeOptions) -> serde_json::Value {
    to_value(&bom(inventory, None, options))
}

/// Writes [`to_cyclonedx`]'s document to `writer` as pretty-printed JSON ending in a newline.
///
/// # Errors
///
/// [`Error::Write`] when the writer fails.
pub fn write_cyclonedx(
    inventory: &Inventory,
    options: &EncodeOptions,
    writer: impl Write,
) -> Result<(), Error> {
    write_pretty(
        SbomFormat::CycloneDx,
        &bom(inventory, None, options),
        writer,
    )
}

/// Encodes a scan `report` as a CycloneDX 1.6 JSON document: [`to_cyclonedx`]'s BOM of
/// [`Report::inventory`] plus a `vulnerabilities` array (present, possibly empty, so a
/// consumer can tell "scanned, nothing found" from a plain SBOM).
///
/// # Wire format
///
/// ```json
/// "vulnerabilities": [{
///   "bom-ref": "CVE-2019-11236", "id": "CVE-2019-11236",
///   "source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2019-11236"},
///   "references": [{"id": "GHSA-r64q-w8jr-g9qp",
///                   "source": {"name": "GitHub", "url": "https://github.com/advisories/GHSA-r64q-w8jr-g9qp"}}],
///   "ratings": [{"source": {"name": "GitHub", "url": "https://github.com/advisories/GHSA-r64q-w8jr-g9qp"},
///                "score": 6.1, "severity": "medium", "method": "CVSSv31",
///                "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"}],
///   "description": "CRLF injection in urllib3",
///   "recommendation": "Upgrade urllib3 to 1.24.3.",
///   "advisories": [{"url": "https://github.com/urllib3/urllib3/issues/1553"}],
///   "published": "2019-04-18T21:50:47Z",
///   "affects": [{"ref": "pkg:pypi/urllib3@1.24.1",
///                "versions": [{"version": "1.24.1", "status": "affected"},
///                             {"version": "1.24.3", "status": "unaffected"}]}]
/// }]
/// ```
///
/// - One entry per vulnerability id, sorted by id, affecting every package a finding names;
///   `bom-ref` is the id (numbered like duplicate components if it collides with another
///   `bom-ref`).
/// - `source` is named by the id's prefix: NVD for `CVE-`, GitHub for `GHSA-`, OSV for
///   every other database; `references` lists the aliases, each with its own source.
/// - `ratings` holds every distinct rating of the findings, most trusted first: `method` is
///   `CVSSv4`, `CVSSv31` or `CVSSv3` (by the vector's `CVSS:3.x/` prefix) or `CVSSv2` with the
///   computed base `score` and the `vector`; qualitative ratings (a database's `moderate`, a
///   distribution's urgency) are `other` with the rating as written in `justification`.
///   `severity` is lowercase (`critical` … `low`, `unknown`).
/// - `recommendation` names the fixed version of each package that has one; `affects` lists
///   each package's installed version as `affected` and its fixed version as `unaffected`.
///   For OS packages the fixed version is the advisory's, which is the source package's.
/// - `advisories` are the findings' reference URLs that are plain `http(s)` URLs; `published`
///   is the earliest publication time.
/// - Findings suppressed by an ignore file or a VEX statement are left out, as Trivy and
///   Grype leave them out: a consumer that does not read `analysis` would count them as open.
///   `custody scan --format json` lists them with the reason.
pub fn to_cyclonedx_report(report: &Report, options: &EncodeOptions) -> serde_json::Value {
    to_value(&bom(&report.inventory, Some(&report.findings), options))
}

/// Writes [`to_cyclonedx_report`]'s document to `writer` as pretty-printed JSON ending in a
/// newline.
///
/// # Errors
///
/// [`Error::Write`] when the writer fails.
pub fn write_cyclonedx_report(
    report: &Report,
    options: &EncodeOptions,
    writer: impl Write,
) -> Result<(), Error> {
    write_pretty(
        SbomFormat::CycloneDx,
        &bom(&report.inventory, Some(&report.findings), options),
        writer,
    )
}

fn to_value(bom: &Bom<'_>) -> serde_json::Value {
    serde_json::to_value(bom).expect(
        "the CycloneDX document holds only strings, finite numbers, arrays and string-keyed \
         objects",
    )
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
    #[serde(skip_serializing_if = "Option::is_none")]
    vulnerabilities: Option<Vec<VulnerabilityEntry<'a>>>,
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
    /// `excluded` for development-only dependencies (CycloneDX: "component usage for test
    /// and other non-runtime purposes").
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
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
            scope: None,
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

/// The BOM of `inventory`, with a `vulnerabilities` section when `findings` is given.
fn bom<'a>(
    inventory: &'a Inventory,
    findings: Option<&'a [Finding]>,
    options: &'a EncodeOptions,
) -> Bom<'a> {
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

    let vulnerabilities =
        findings.map(|findings| vulnerabilities(inventory, &package_refs, findings, &mut ids));

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
        vulnerabilities,
    }
}

fn root_component(inventory: &Inventory) -> Component<'_> {
    let target = &inventory.target;
    let kind = match target.kind {
        TargetKind::Dir | TargetKind::Rootfs | TargetKind::Sbom => "file",
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
    if let Some(owner) = &package.owned_by {
        properties.push(Property::new("custody:package:ownedBy", owner));
    }
    if let Some(direct) = package.scope.direct {
        properties.push(Property::new(
            "custody:package:direct",
            if direct { "true" } else { "false" },
        ));
    }
    if package.scope.dev {
        component.scope = Some("excluded");
        properties.push(Property::new("custody:package:dev", "true"));
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

/// A CycloneDX `vulnerability`.
#[derive(Serialize)]
struct VulnerabilityEntry<'a> {
    #[serde(rename = "bom-ref")]
    bom_ref: String,
    id: &'a str,
    source: Source,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<VulnerabilityReference<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ratings: Vec<CycloneDxRating<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    recommendation: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    advisories: Vec<Advisory<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    affects: Vec<Affect>,
}

/// A CycloneDX `vulnerabilitySource`: who published a vulnerability or a rating.
#[derive(Serialize)]
struct Source {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

impl Source {
    /// The publisher of advisory `id`, by its prefix ([`vulnerability::advisory_source`]).
    fn of_advisory(id: &str) -> Self {
        let (name, url) = vulnerability::advisory_source(id);
        Self {
            name: name.to_owned(),
            url: Some(url),
        }
    }
}

#[derive(Serialize)]
struct VulnerabilityReference<'a> {
    id: &'a str,
    source: Source,
}

#[derive(Serialize)]
struct CycloneDxRating<'a> {
    source: Source,
    #[serde(skip_serializing_if = "Option::is_none")]
    score: Option<f64>,
    severity: &'static str,
    method: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    vector: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<String>,
}

#[derive(Serialize)]
struct Advisory<'a> {
    url: &'a str,
}

/// One affected component, by `bom-ref`, with its versions' status.
#[derive(Serialize)]
struct Affect {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<AffectedVersion>,
}

#[derive(Serialize)]
struct AffectedVersion {
    version: String,
    status: &'static str,
}

/// One `vulnerabilities[]` entry per vulnerability id of `findings`, affecting the components
/// whose `bom-ref`s `package_refs` lists (parallel to [`Inventory::packages`]).
fn vulnerabilities<'a>(
    inventory: &Inventory,
    package_refs: &[String],
    findings: &'a [Finding],
    ids: &mut UniqueIds,
) -> Vec<VulnerabilityEntry<'a>> {
    let mut component_refs: HashMap<&str, &str> = HashMap::new();
    for (package, reference) in inventory.packages.iter().zip(package_refs) {
        component_refs.entry(package.id()).or_insert(reference);
    }
    vulnerability::group(findings)
        .iter()
        .map(|group| vulnerability_entry(group, &component_refs, ids))
        .collect()
}

/// The `vulnerabilities[]` entry of one vulnerability id. `component_refs` maps a
/// [`Package::id`] to its component's `bom-ref`; findings naming a package the inventory does
/// not hold get no `affects` entry, since every `ref` must resolve inside the BOM.
fn vulnerability_entry<'a>(
    group: &Vulnerability<'a>,
    component_refs: &HashMap<&str, &str>,
    ids: &mut UniqueIds,
) -> VulnerabilityEntry<'a> {
    let base = if group.id.is_empty() {
        "custody:vulnerability"
    } else {
        group.id
    };
    let bom_ref = ids.claim(base, |base, number| {
        format!("custody:duplicate:{number}:{base}")
    });

    let mut ratings: Vec<&Rating> = Vec::new();
    for rating in group.findings.iter().flat_map(|finding| &finding.ratings) {
        let seen = ratings.iter().any(|kept| {
            kept.method == rating.method
                && kept.source == rating.source
                && kept.vector == rating.vector
        });
        if !seen {
            ratings.push(rating);
        }
    }

    // Versions per component, merged: two findings can name packages that share a purl, and
    // CycloneDX requires `affects` entries to be unique.
    let mut affected: BTreeMap<&str, BTreeSet<(&'static str, &str)>> = BTreeMap::new();
    let mut upgrades: BTreeSet<(&str, &str)> = BTreeSet::new();
    let mut without_fix: BTreeSet<&str> = BTreeSet::new();
    for finding in &group.findings {
        match &finding.fixed_version {
            Some(version) => upgrades.insert((finding.name.as_str(), version.as_str())),
            None => without_fix.insert(finding.name.as_str()),
        };
        let Some(reference) = component_refs.get(finding.package.as_str()) else {
            continue;
        };
        let versions = affected.entry(reference).or_default();
        versions.insert(("affected", finding.version.as_str()));
        if let Some(fixed) = &finding.fixed_version {
            versions.insert(("unaffected", fixed.as_str()));
        }
    }

    VulnerabilityEntry {
        bom_ref,
        id: group.id,
        source: Source::of_advisory(group.id),
        references: group
            .aliases()
            .into_iter()
            .map(|alias| VulnerabilityReference {
                id: alias,
                source: Source::of_advisory(alias),
            })
            .collect(),
        ratings: ratings.into_iter().map(cyclonedx_rating).collect(),
        description: group.summary(),
        recommendation: recommendation(&upgrades, &without_fix),
        advisories: group
            .references()
            .into_iter()
            .map(|url| Advisory { url })
            .collect(),
        published: group.published(),
        affects: affected
            .into_iter()
            .map(|(reference, versions)| Affect {
                reference: reference.to_owned(),
                versions: versions
                    .into_iter()
                    .filter(|(_, version)| !version.is_empty())
                    .map(|(status, version)| AffectedVersion {
                        version: version.to_owned(),
                        status,
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// A custody [`Rating`] in CycloneDX terms (see [`to_cyclonedx_report`]).
fn cyclonedx_rating(rating: &Rating) -> CycloneDxRating<'_> {
    let method = match rating.method {
        RatingMethod::CvssV4 => "CVSSv4",
        RatingMethod::CvssV3 if rating.vector.starts_with("CVSS:3.1/") => "CVSSv31",
        RatingMethod::CvssV3 => "CVSSv3",
        RatingMethod::CvssV2 => "CVSSv2",
        RatingMethod::Database | RatingMethod::DistroUrgency => "other",
    };
    let cvss = method != "other";
    let source = if rating.method == RatingMethod::DistroUrgency {
        // A distribution's urgency is keyed by the distribution (`Debian`), not an advisory.
        Source {
            name: rating.source.clone(),
            url: None,
        }
    } else {
        Source::of_advisory(&rating.source)
    };
    CycloneDxRating {
        source,
        score: rating.score.filter(|score| score.is_finite()),
        severity: match rating.severity {
            Severity::Unknown => "unknown",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        },
        method,
        vector: Some(rating.vector.as_str()).filter(|vector| cvss && !vector.is_empty()),
        justification: (!cvss && !rating.vector.is_empty())
            .then(|| format!("rated {} by {}", rating.vector, rating.source)),
    }
}

/// `Upgrade libssl3 to 3.0.16-1~deb12u1 and openssl to 3.0.16-1~deb12u1. No fixed version is
/// known for bsdutils.`, or `None` when there is nothing to say.
fn recommendation(
    upgrades: &BTreeSet<(&str, &str)>,
    without_fix: &BTreeSet<&str>,
) -> Option<String> {
    let mut sentences = Vec::new();
    if !upgrades.is_empty() {
        let targets: Vec<String> = upgrades
            .iter()
            .map(|(name, version)| format!("{name} to {version}"))
            .collect();
        sentences.push(format!("Upgrade {}.", join_and(&targets)));
    }
    if !without_fix.is_empty() {
        let names: Vec<String> = without_fix.iter().map(|name| (*name).to_owned()).collect();
        sentences.push(format!(
            "No fixed version is known for {}.",
            join_and(&names)
        ));
    }
    (!sentences.is_empty()).then(|| sentences.join(" "))
}

/// `a`, `a and b`, `a, b and c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
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
