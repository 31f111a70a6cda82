//! Reading SBOMs back: a CycloneDX or SPDX JSON document turned into the [`Inventory`] it
//! describes, so `custody scan sbom:FILE` matches the same packages as scanning the target
//! the SBOM was made from.
//!
//! [`read_sbom`] bounds and detects the input, then hands it to the format's module
//! (`cyclonedx`, `spdx`), which deserializes only the fields custody reads and reports each
//! package-like element as an [`Element`]. The shared [`Assembler`] turns elements into
//! packages (`package` interprets the purl and the custody, Syft or Trivy properties), resolves
//! dependency edges from document references to [`Package::id`]s, infers the distribution
//! from purl `distro` qualifiers when the document names none, and collects the warnings.
//!
//! What does not become a package is reported, never dropped silently: elements without a
//! purl, with a purl that does not parse, or with a purl type custody has no
//! [`Ecosystem`](custody_model::Ecosystem) for (`generic`, `github`, `oci`) are skipped with a
//! warning in [`Inventory::warnings`] naming them. Elements that are not packages by their own
//! declaration (CycloneDX `file` components, SPDX `FILE` packages, the document's root) are
//! skipped quietly.

mod cyclonedx;
mod package;
mod properties;
mod spdx;

use std::collections::{BTreeMap, HashMap};

use serde::Deserialize;

use custody_model::{Dependency, Distro, Inventory, Package, TargetInfo, Warning};

use crate::error::{Error, SbomFormat};

pub(crate) use properties::Facts;

/// The largest SBOM [`read_sbom`] accepts, in bytes.
///
/// Deserializing keeps only the fields custody reads; everything else is skipped, never
/// buffered. Syft's CycloneDX spends about 1 KiB per component (6.8 KiB for the seven
/// components of the decode tests' root filesystem), so the cap admits some 250,000
/// components while bounding what a hostile file can make custody parse.
pub const MAX_SBOM_SIZE: usize = 256 * 1024 * 1024;

/// Reads a CycloneDX (1.2 to 1.6) or SPDX (2.2, 2.3) JSON document into an [`Inventory`].
///
/// `origin` names the input in errors and becomes the target name: the inventory's target is
/// [`TargetKind::Sbom`](custody_model::TargetKind::Sbom), with the image identity (digests,
/// layers, platform, tags) when the SBOM is custody's own and describes an image.
///
/// Each package keeps its purl (printed canonically), ecosystem, name, version, architecture,
/// source package, licenses and locations, and from custody's SBOMs also its install state and
/// the OS package that owns it. Names are recombined from the purl the way custody-inventory
/// splits them (npm `@scope/name`, Maven `group:artifact`, Go, Composer and Swift
/// `namespace/name`); RPM epochs in an `epoch` qualifier are put back in front of the version
/// (`1:3.0.7-27.el9`); a Syft-style `upstream` qualifier (`name`, `name@version`,
/// `name-version-release.src.rpm`) gives the source package when no custody or Trivy
/// property does.
///
/// custody's CycloneDX gives back every package fact but the owned files; its SPDX also loses
/// the `installed` state (only other states are written), the distribution's codename,
/// `ID_LIKE` and distroless flag, and layer diff ids. Other tools' SBOMs carry no install
/// states and rarely say which OS package installed a language package (an
/// `ownership-by-file-overlap` relationship in SPDX is read when present): Syft 1.18 lists
/// Debian's Python packages without their owner, so they are matched through `PyPI`
/// advisories rather than Debian's, and Trivy 0.59 leaves them out.
///
/// ```
/// use custody_model::{Ecosystem, TargetKind};
/// use custody_sbom::read_sbom;
///
/// let sbom = br#"{
///   "bomFormat": "CycloneDX", "specVersion": "1.5",
///   "components": [
///     {"type": "operating-system", "name": "debian", "version": "12"},
///     {"type": "library", "bom-ref": "libssl3", "name": "libssl3", "version": "3.0.15-1~deb12u1",
///      "purl": "pkg:deb/debian/libssl3@3.0.15-1~deb12u1?arch=amd64&upstream=openssl&distro=debian-12"}
///   ]
/// }"#;
/// let inventory = read_sbom(sbom, "app.cdx.json")?;
/// assert_eq!(inventory.target.kind, TargetKind::Sbom);
/// assert_eq!(inventory.distro.unwrap().version_id.as_deref(), Some("12"));
/// let libssl3 = &inventory.packages[0];
/// assert_eq!(libssl3.ecosystem, Ecosystem::Deb);
/// assert_eq!(libssl3.source.as_ref().unwrap().name, "openssl");
/// # Ok::<(), custody_sbom::Error>(())
/// ```
///
/// # Errors
///
/// - [`Error::SbomTooLarge`] above [`MAX_SBOM_SIZE`] bytes.
/// - [`Error::SbomJson`] when the bytes are not JSON, nest too deeply, or do not have the
///   format's shape, with the line and column.
/// - [`Error::UnknownSbomFormat`] for JSON that is neither format (SPDX 3's JSON-LD included).
/// - [`Error::UnsupportedSbomVersion`] for other CycloneDX or SPDX versions.
///
/// Problems with single elements (a bad purl, an unknown purl type) are warnings, not errors.
pub fn read_sbom(bytes: &[u8], origin: &str) -> Result<Inventory, Error> {
    if bytes.len() > MAX_SBOM_SIZE {
        return Err(Error::SbomTooLarge {
            origin: origin.to_owned(),
            size: bytes.len(),
            limit: MAX_SBOM_SIZE,
        });
    }
    let probe: Probe =
        serde_json::from_slice(bytes).map_err(|source| json_error(origin, None, source))?;
    let target = TargetInfo {
        kind: custody_model::TargetKind::Sbom,
        name: origin.to_owned(),
        image: None,
    };
    if probe
        .bom_format
        .as_ref()
        .and_then(serde_json::Value::as_str)
        == Some("CycloneDX")
    {
        let version = text(probe.spec_version.as_ref());
        if !matches!(version.as_str(), "1.2" | "1.3" | "1.4" | "1.5" | "1.6") {
            return Err(unsupported(
                origin,
                SbomFormat::CycloneDx,
                version,
                "1.2 to 1.6",
            ));
        }
        let bom = serde_json::from_slice(bytes)
            .map_err(|source| json_error(origin, Some(SbomFormat::CycloneDx), source))?;
        return Ok(cyclonedx::read(bom, target));
    }
    if let Some(version) = &probe.spdx_version {
        let version = text(Some(version));
        if !matches!(version.as_str(), "SPDX-2.2" | "SPDX-2.3") {
            return Err(unsupported(
                origin,
                SbomFormat::Spdx,
                version,
                "SPDX-2.2 and SPDX-2.3",
            ));
        }
        let document: spdx::Document = serde_json::from_slice(bytes)
            .map_err(|source| json_error(origin, Some(SbomFormat::Spdx), source))?;
        return Ok(spdx::read(&document, target));
    }
    Err(Error::UnknownSbomFormat {
        origin: origin.to_owned(),
    })
}

/// The fields that tell the formats apart; everything else is skipped unparsed.
#[derive(Deserialize)]
struct Probe {
    #[serde(rename = "bomFormat")]
    bom_format: Option<serde_json::Value>,
    #[serde(rename = "specVersion")]
    spec_version: Option<serde_json::Value>,
    #[serde(rename = "spdxVersion")]
    spdx_version: Option<serde_json::Value>,
}

/// A version field as text for messages, whatever JSON type a broken document gave it.
fn text(value: Option<&serde_json::Value>) -> String {
    match value {
        Some(serde_json::Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => "(none)".to_owned(),
    }
}

fn json_error(origin: &str, format: Option<SbomFormat>, source: serde_json::Error) -> Error {
    Error::SbomJson {
        origin: origin.to_owned(),
        format,
        line: source.line(),
        column: source.column(),
        source,
    }
}

fn unsupported(
    origin: &str,
    format: SbomFormat,
    version: String,
    supported: &'static str,
) -> Error {
    Error::UnsupportedSbomVersion {
        origin: origin.to_owned(),
        format,
        version,
        supported,
    }
}

/// One package-like element of a document, as a format module read it.
#[derive(Debug, Default)]
pub(crate) struct Element<'a> {
    /// The CycloneDX `bom-ref` or SPDX `SPDXID` that dependency edges name it by.
    pub(crate) reference: Option<&'a str>,
    /// The element's own name (CycloneDX `name`, SPDX `name`).
    pub(crate) name: &'a str,
    /// The element's own version (CycloneDX `version`, SPDX `versionInfo`).
    pub(crate) version: Option<&'a str>,
    /// The purl, as written.
    pub(crate) purl: Option<&'a str>,
    /// Declared licenses: SPDX ids or expressions, or free text.
    pub(crate) licenses: Vec<String>,
    /// What custody's or Syft's properties say.
    pub(crate) facts: Facts,
    /// Whether the format declares the element a package (a CycloneDX `library`, an SPDX
    /// package without a non-package purpose): only those are worth a warning when skipped.
    pub(crate) declared_package: bool,
}

/// Why an element did not become a package; elements skipped for the same reason share one
/// warning.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Skip {
    /// No purl, and no custody ecosystem property either.
    NoPurl,
    /// The purl does not parse.
    InvalidPurl,
    /// The purl type has no [`Ecosystem`](custody_model::Ecosystem).
    UnknownType(String),
}

/// How many skipped elements one warning names before saying "and N more".
const NAMES_PER_WARNING: usize = 10;

/// Collects packages, references and edges from a format module, and builds the inventory.
pub(crate) struct Assembler {
    /// What the format calls an element in warnings (`component`, `package`).
    noun: &'static str,
    packages: Vec<Package>,
    /// Document reference → position in `packages`.
    by_reference: HashMap<String, usize>,
    /// Dependency edges as document references (from, to).
    edges: Vec<(String, String)>,
    /// Ownership as document references (owner, installed package), for formats that state it as a
    /// relationship rather than a property.
    ownership: Vec<(String, String)>,
    /// The first operating system the document declares.
    distro: Option<Distro>,
    /// purl `distro` qualifiers of OS packages, with how many packages carry each.
    distro_qualifiers: BTreeMap<String, usize>,
    skipped: BTreeMap<Skip, Vec<String>>,
    warnings: Vec<String>,
}

impl Assembler {
    pub(crate) fn new(noun: &'static str) -> Self {
        Self {
            noun,
            packages: Vec::new(),
            by_reference: HashMap::new(),
            edges: Vec::new(),
            ownership: Vec::new(),
            distro: None,
            distro_qualifiers: BTreeMap::new(),
            skipped: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Turns `element` into a package, or records why not.
    pub(crate) fn add(&mut self, element: Element<'_>) {
        self.insert(element, false);
    }

    /// Adds the document's root (the image, the directory, or the one package an SBOM of a
    /// library describes) when it is a package custody knows; skips it quietly otherwise.
    pub(crate) fn add_root(&mut self, element: Element<'_>) {
        self.insert(element, true);
    }

    fn insert(&mut self, element: Element<'_>, quiet: bool) {
        let reference = element.reference.map(str::to_owned);
        let declared_package = element.declared_package;
        let label = label(&element);
        match package::to_package(element) {
            Ok(built) => {
                if let Some(qualifier) = built.distro_qualifier {
                    *self.distro_qualifiers.entry(qualifier).or_default() += 1;
                }
                if let Some(state) = built.unknown_state {
                    self.warnings.push(format!(
                        "ignored install state `{state}` of {} {label}, which custody does not know",
                        self.noun
                    ));
                }
                if let Some(reference) = reference {
                    self.by_reference.insert(reference, self.packages.len());
                }
                self.packages.push(built.package);
            }
            Err(_) if quiet => {}
            Err((Skip::NoPurl, _)) if !declared_package => {}
            Err((reason, detail)) => {
                let entry = match detail {
                    Some(detail) => format!("{label} ({detail})"),
                    None => label,
                };
                self.skipped.entry(reason).or_default().push(entry);
            }
        }
    }

    /// Records that the element named `from` depends on the one named `to`.
    pub(crate) fn depends(&mut self, from: &str, to: &str) {
        self.edges.push((from.to_owned(), to.to_owned()));
    }

    /// Records that the OS package named `owner` installed the package named `installed`
    /// ([`Package::owned_by`]); an `ownedBy` property of the package itself wins.
    pub(crate) fn owns(&mut self, owner: &str, installed: &str) {
        self.ownership
            .push((owner.to_owned(), installed.to_owned()));
    }

    /// Records the operating system an element declares; the document's first one counts,
    /// and a different later one is a warning.
    pub(crate) fn operating_system(&mut self, os: Distro) {
        match &self.distro {
            None => self.distro = Some(os),
            Some(first) if *first != os => self.warnings.push(format!(
                "ignored operating system `{os}`; the document already names `{first}`"
            )),
            Some(_) => {}
        }
    }

    /// Builds the inventory. The distribution is the declared operating system or, without
    /// one, inferred from the OS packages' purl `distro` qualifiers.
    pub(crate) fn finish(mut self, target: TargetInfo) -> Inventory {
        let distro = self.distro.take().or_else(|| self.inferred_distro());
        for (owner, installed) in &self.ownership {
            let (Some(&owner), Some(&installed)) = (
                self.by_reference.get(owner),
                self.by_reference.get(installed),
            ) else {
                continue;
            };
            let owner_id = self.packages.get(owner).map(|owner| owner.id().to_owned());
            if let Some(package) = self.packages.get_mut(installed)
                && package.owned_by.is_none()
            {
                package.owned_by = owner_id;
            }
        }
        let mut dependencies: Vec<Dependency> = self
            .edges
            .iter()
            .filter_map(|(from, to)| {
                let from = self.packages.get(*self.by_reference.get(from)?)?;
                let to = self.packages.get(*self.by_reference.get(to)?)?;
                (from.id() != to.id()).then(|| Dependency {
                    from: from.id().to_owned(),
                    to: to.id().to_owned(),
                })
            })
            .collect();
        dependencies.sort();
        dependencies.dedup();

        let mut packages = self.packages;
        packages.sort_by(|a, b| {
            (a.ecosystem, &a.name, &a.version, &a.purl).cmp(&(
                b.ecosystem,
                &b.name,
                &b.version,
                &b.purl,
            ))
        });

        let noun = self.noun;
        let mut warnings: Vec<Warning> = self
            .skipped
            .into_iter()
            .map(|(reason, names)| {
                let why = match reason {
                    Skip::NoPurl => "without a purl".to_owned(),
                    Skip::InvalidPurl => "with an invalid purl".to_owned(),
                    Skip::UnknownType(kind) => {
                        format!("whose purl type `{kind}` custody has no ecosystem for")
                    }
                };
                skipped_warning(noun, &why, &names)
            })
            .collect();
        warnings.extend(self.warnings.into_iter().map(|message| Warning {
            path: None,
            layer: None,
            message,
        }));
        Inventory {
            schema_version: Inventory::SCHEMA_VERSION,
            target,
            distro,
            packages,
            dependencies,
            warnings,
        }
    }

    /// The distribution most OS packages name in their purl `distro` qualifier
    /// (`debian-12`, `alpine-3.20.3`, `opensuse-leap-15.5`); a warning when they disagree.
    fn inferred_distro(&mut self) -> Option<Distro> {
        let (qualifier, _) =
            self.distro_qualifiers
                .iter()
                .max_by(|(a_name, a_count), (b_name, b_count)| {
                    a_count.cmp(b_count).then_with(|| b_name.cmp(a_name))
                })?;
        if self.distro_qualifiers.len() > 1 {
            let all: Vec<&str> = self.distro_qualifiers.keys().map(String::as_str).collect();
            self.warnings.push(format!(
                "packages name more than one distribution in their purls ({}); using `{qualifier}`",
                all.join(", ")
            ));
        }
        Some(distro_from_qualifier(qualifier))
    }
}

/// `debian-12` → `debian` 12: the id ends at the first `-` followed by a digit, since ids
/// may hold dashes (`opensuse-leap-15.5`) and versions start with a digit.
fn distro_from_qualifier(qualifier: &str) -> Distro {
    let split = qualifier
        .char_indices()
        .find(|&(index, character)| {
            character == '-'
                && qualifier
                    .get(index + 1..)
                    .is_some_and(|rest| rest.starts_with(|next: char| next.is_ascii_digit()))
        })
        .map(|(index, _)| index);
    match split.and_then(|index| Some((qualifier.get(..index)?, qualifier.get(index + 1..)?))) {
        Some((id, version)) => Distro::new(id, Some(version.to_owned())),
        None => Distro::new(qualifier, None),
    }
}

/// How a warning names an element: `name@version` and its reference.
fn label(element: &Element<'_>) -> String {
    let mut label = format!("`{}", element.name);
    if let Some(version) = element.version.filter(|version| !version.is_empty()) {
        label.push('@');
        label.push_str(version);
    }
    label.push('`');
    if let Some(reference) = element.reference {
        label.push_str(" [");
        label.push_str(reference);
        label.push(']');
    }
    label
}

fn skipped_warning(noun: &str, why: &str, names: &[String]) -> Warning {
    let shown: Vec<&str> = names
        .iter()
        .take(NAMES_PER_WARNING)
        .map(String::as_str)
        .collect();
    let mut message = format!(
        "skipped {} {noun}{} {why}: {}",
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        shown.join(", ")
    );
    if names.len() > NAMES_PER_WARNING {
        message.push_str(" and ");
        message.push_str(&(names.len() - NAMES_PER_WARNING).to_string());
        message.push_str(" more");
    }
    Warning {
        path: None,
        layer: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distro_qualifiers_split_before_the_version() {
        let cases = [
            ("debian-12", "debian", Some("12")),
            ("alpine-3.20.3", "alpine", Some("3.20.3")),
            ("opensuse-leap-15.5", "opensuse-leap", Some("15.5")),
            ("ubuntu-22.04", "ubuntu", Some("22.04")),
            ("wolfi", "wolfi", None),
            ("x-", "x-", None),
        ];
        for (qualifier, id, version) in cases {
            let distro = distro_from_qualifier(qualifier);
            assert_eq!(
                (distro.id.as_str(), distro.version_id.as_deref()),
                (id, version),
                "{qualifier}"
            );
        }
    }

    #[test]
    fn skipped_warnings_name_at_most_ten() {
        let names: Vec<String> = (0..12).map(|number| format!("`p{number}`")).collect();
        let warning = skipped_warning("component", "without a purl", &names);
        assert_eq!(
            warning.message,
            "skipped 12 components without a purl: `p0`, `p1`, `p2`, `p3`, `p4`, `p5`, `p6`, \
             `p7`, `p8`, `p9` and 2 more"
        );
        let one = skipped_warning("package", "with an invalid purl", &names[..1]);
        assert_eq!(one.message, "skipped 1 package with an invalid purl: `p0`");
    }
}
