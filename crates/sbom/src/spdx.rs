//! SPDX 2.3 JSON: the [`Inventory`] as a document describing one root package (the target)
//! that contains the OS and every package, with `DEPENDS_ON` relationships between packages.
//!
//! Field names and enumerations follow the SPDX 2.3 JSON schema (`spdx-schema.json`), which
//! the SPDX maintainers call the authority for the JSON form where it and the specification
//! text differ (spdx/spdx-spec#813): hence `OPERATING_SYSTEM` with an underscore, which every
//! 2.3 schema revision accepts, where the text says `OPERATING-SYSTEM`.

use std::io::Write;

use serde::Serialize;

use custody_model::{ImageInfo, InstallState, Inventory, Package, TargetKind};

use crate::error::{Error, SbomFormat};
use crate::identifier::{UniqueIds, spdx_id_part};
use crate::json::write_pretty;
use crate::license::{self, LICENSE_LIST_VERSION};
use crate::options::EncodeOptions;
use crate::package::{dependency_edges, ownership_edges, supplier};

const DOCUMENT_ID: &str = "SPDXRef-DOCUMENT";
const ROOT_ID: &str = "SPDXRef-Target";
const OS_ID: &str = "SPDXRef-OperatingSystem";
const NOASSERTION: &str = "NOASSERTION";
/// Where document namespaces live; the namespace only has to be a unique URI, it is never
/// fetched.
const NAMESPACE_BASE: &str = "https://custody.dev/spdx/";
/// How an `OTHER` relationship's comment starts when it records [`Package::owned_by`]: syft's
/// name for the same fact, so syft reads it back as its `ownership-by-file-overlap`
/// relationship.
pub(crate) const OWNERSHIP_COMMENT_PREFIX: &str = "ownership-by-file-overlap:";

/// Encodes `inventory` as an SPDX 2.3 JSON document.
///
/// # Wire format
///
/// ```json
/// {
///   "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
///   "name": "registry.example/app:1.0",
///   "documentNamespace": "https://custody.dev/spdx/registry.example-app-1.0-<options.serial>",
///   "creationInfo": {"created": "2024-05-01T12:00:00Z",
///                    "creators": ["Tool: custody-0.1.0", "Organization: custody"],
///                    "licenseListVersion": "3.24"},
///   "packages": [
///     {"name": "registry.example/app:1.0", "SPDXID": "SPDXRef-Target",
///      "versionInfo": "sha256:<manifest>", "primaryPackagePurpose": "CONTAINER", …},
///     {"name": "debian", "SPDXID": "SPDXRef-OperatingSystem", "versionInfo": "12",
///      "primaryPackagePurpose": "OPERATING_SYSTEM", …},
///     {"name": "zlib1g", "SPDXID": "SPDXRef-Package-deb-zlib1g-1-1.2.13.dfsg-1-amd64",
///      "versionInfo": "1:1.2.13.dfsg-1", "supplier": "Organization: debian",
///      "downloadLocation": "NOASSERTION", "filesAnalyzed": false,
///      "licenseConcluded": "NOASSERTION", "licenseDeclared": "Zlib",
///      "copyrightText": "NOASSERTION",
///      "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
///                        "referenceLocator": "pkg:deb/debian/zlib1g@…"}],
///      "sourceInfo": "built from source package zlib 1:1.2.13.dfsg-1; recorded in var/lib/dpkg/status (layer sha256:…)"}
///   ],
///   "relationships": [
///     {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES", "relatedSpdxElement": "SPDXRef-Target"},
///     {"spdxElementId": "SPDXRef-Target", "relationshipType": "CONTAINS", "relatedSpdxElement": "SPDXRef-OperatingSystem"},
///     {"spdxElementId": "SPDXRef-Package-…", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-Package-…"}
///   ]
/// }
/// ```
///
/// - The root package is the target: purpose `CONTAINER` for images (`versionInfo` is the
///   manifest digest, or the configuration digest without a manifest; the comment lists the
///   configuration digest, platform and layer digests bottom first), `SOURCE` for `dir:` and
///   `FILE` for `rootfs:` targets.
/// - The OS, when recognised, is an `OPERATING_SYSTEM` package named by its os-release `ID`.
/// - Each package's SPDXID is `SPDXRef-Package-<ecosystem>-<name>-<version>[-<arch>]` with
///   characters outside `A-Z a-z 0-9 . -` replaced by `-` and `-<n>` appended on collision.
///   `licenseDeclared` is the package's licenses joined with `AND` when all are valid SPDX
///   expressions, else `NOASSERTION` with the recorded text in `licenseComments`. The install
///   state, when not `installed`, is in `comment`; source package and locations in
///   `sourceInfo`; the purl in `externalRefs`.
/// - Relationships: the document `DESCRIBES` the root; the root `CONTAINS` the OS and every
///   package; `DEPENDS_ON` for each edge of [`Inventory::dependencies`] between packages the
///   inventory holds; and for each package the OS package manager installed
///   ([`Package::owned_by`]), `<owner> OTHER <package>` with a comment starting
///   `ownership-by-file-overlap:` (SPDX 2.3 has no type for "installed the metadata of", and
///   pyspdxtools accepts `OTHER` with a comment; syft writes and reads the same form).
///
/// SPDXIDs of the root and OS are stable; package SPDXIDs are stable for the same inventory.
pub fn to_spdx(inventory: &Inventory, options: &EncodeOptions) -> serde_json::Value {
    serde_json::to_value(document(inventory, options))
        .expect("the SPDX document holds only strings, booleans, arrays and string-keyed objects")
}

/// Writes [`to_spdx`]'s document to `writer` as pretty-printed JSON ending in a newline.
///
/// # Errors
///
/// [`Error::Write`] when the writer fails.
pub fn write_spdx(
    inventory: &Inventory,
    options: &EncodeOptions,
    writer: impl Write,
) -> Result<(), Error> {
    write_pretty(SbomFormat::Spdx, &document(inventory, options), writer)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    spdx_version: &'static str,
    data_license: &'static str,
    #[serde(rename = "SPDXID")]
    spdx_id: &'static str,
    name: &'a str,
    #[serde(rename = "documentNamespace")]
    namespace: String,
    creation_info: CreationInfo,
    packages: Vec<SpdxPackage<'a>>,
    relationships: Vec<Relationship>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreationInfo {
    created: String,
    creators: Vec<String>,
    license_list_version: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage<'a> {
    name: &'a str,
    #[serde(rename = "SPDXID")]
    spdx_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_info: Option<&'a str>,
    supplier: String,
    download_location: &'static str,
    files_analyzed: bool,
    license_concluded: &'static str,
    license_declared: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    license_comments: Option<String>,
    copyright_text: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_refs: Vec<ExternalRef<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    primary_package_purpose: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source_info: Option<String>,
}

impl<'a> SpdxPackage<'a> {
    fn new(name: &'a str, spdx_id: String) -> Self {
        Self {
            name,
            spdx_id,
            version_info: None,
            supplier: NOASSERTION.to_owned(),
            download_location: NOASSERTION,
            files_analyzed: false,
            license_concluded: NOASSERTION,
            license_declared: NOASSERTION.to_owned(),
            license_comments: None,
            copyright_text: NOASSERTION,
            description: None,
            comment: None,
            external_refs: Vec::new(),
            primary_package_purpose: None,
            source_info: None,
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef<'a> {
    #[serde(rename = "referenceCategory")]
    category: &'static str,
    #[serde(rename = "referenceType")]
    kind: &'static str,
    #[serde(rename = "referenceLocator")]
    locator: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    spdx_element_id: String,
    #[serde(rename = "relationshipType")]
    kind: &'static str,
    related_spdx_element: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
}

impl Relationship {
    fn new(from: &str, kind: &'static str, to: &str) -> Self {
        Self {
            spdx_element_id: from.to_owned(),
            kind,
            related_spdx_element: to.to_owned(),
            comment: None,
        }
    }
}

fn document<'a>(inventory: &'a Inventory, options: &EncodeOptions) -> Document<'a> {
    let target = &inventory.target;
    let name = if target.name.is_empty() {
        "unnamed"
    } else {
        target.name.as_str()
    };

    let mut ids = UniqueIds::default();
    ids.reserve(DOCUMENT_ID);
    ids.reserve(ROOT_ID);
    ids.reserve(OS_ID);
    let package_ids: Vec<String> = inventory
        .packages
        .iter()
        .map(|package| {
            let mut base = format!(
                "SPDXRef-Package-{}-{}",
                package.ecosystem.purl_type(),
                spdx_id_part(&package.name)
            );
            for part in [Some(package.version.as_str()), package.arch.as_deref()]
                .into_iter()
                .flatten()
                .filter(|part| !part.is_empty())
            {
                base.push('-');
                base.push_str(&spdx_id_part(part));
            }
            ids.claim(&base, |base, number| format!("{base}-{number}"))
        })
        .collect();

    let mut packages = Vec::with_capacity(inventory.packages.len() + 2);
    let mut relationships = Vec::with_capacity(inventory.packages.len() * 2 + 2);
    packages.push(root_package(inventory, name));
    relationships.push(Relationship::new(DOCUMENT_ID, "DESCRIBES", ROOT_ID));

    if let Some(distro) = &inventory.distro {
        let mut os = SpdxPackage::new(&distro.id, OS_ID.to_owned());
        os.version_info = distro.version_id.as_deref();
        if let Some(supplier) = organization(&distro.id) {
            os.supplier = supplier;
        }
        os.description = distro.pretty_name.as_deref();
        os.primary_package_purpose = Some("OPERATING_SYSTEM");
        packages.push(os);
        relationships.push(Relationship::new(ROOT_ID, "CONTAINS", OS_ID));
    }
    for (package, spdx_id) in inventory.packages.iter().zip(&package_ids) {
        relationships.push(Relationship::new(ROOT_ID, "CONTAINS", spdx_id));
        packages.push(package_entry(inventory, package, spdx_id.clone()));
    }
    for (from, to) in dependency_edges(inventory) {
        if let (Some(from), Some(to)) = (package_ids.get(from), package_ids.get(to)) {
            relationships.push(Relationship::new(from, "DEPENDS_ON", to));
        }
    }
    relationships.extend(ownership_relationships(inventory, &package_ids));

    Document {
        spdx_version: "SPDX-2.3",
        data_license: "CC0-1.0",
        spdx_id: DOCUMENT_ID,
        name,
        namespace: format!(
            "{NAMESPACE_BASE}{}-{}",
            namespace_part(name),
            options.serial.hyphenated()
        ),
        creation_info: CreationInfo {
            created: options.created(),
            creators: vec![
                format!("Tool: custody-{}", options.tool_version),
                "Organization: custody".to_owned(),
            ],
            license_list_version: LICENSE_LIST_VERSION,
        },
        packages,
        relationships,
    }
}

/// `<owner> OTHER <package>` for each ownership edge ([`ownership_edges`]), with a comment
/// starting [`OWNERSHIP_COMMENT_PREFIX`] that says what it means.
fn ownership_relationships(inventory: &Inventory, package_ids: &[String]) -> Vec<Relationship> {
    ownership_edges(inventory)
        .into_iter()
        .filter_map(|(owner, installed)| {
            let owner_package = inventory.packages.get(owner)?;
            let package = inventory.packages.get(installed)?;
            Some(Relationship {
                comment: Some(format!(
                    "{OWNERSHIP_COMMENT_PREFIX} {} {} installed the files of {} {}, which is \
                     matched through the distribution's advisories for {}",
                    owner_package.name,
                    owner_package.version,
                    package.name,
                    package.version,
                    owner_package.name
                )),
                ..Relationship::new(
                    package_ids.get(owner)?,
                    "OTHER",
                    package_ids.get(installed)?,
                )
            })
        })
        .collect()
}

fn root_package<'a>(inventory: &'a Inventory, name: &'a str) -> SpdxPackage<'a> {
    let target = &inventory.target;
    let mut root = SpdxPackage::new(name, ROOT_ID.to_owned());
    root.primary_package_purpose = Some(match target.kind {
        TargetKind::Dir => "SOURCE",
        TargetKind::Rootfs | TargetKind::Sbom => "FILE",
        TargetKind::OciDir
        | TargetKind::OciArchive
        | TargetKind::DockerArchive
        | TargetKind::Registry => "CONTAINER",
    });
    let mut comment = format!("custody target {}:{}", target.kind.scheme(), target.name);
    if let Some(image) = &target.image {
        root.version_info = Some(
            image
                .manifest_digest
                .as_deref()
                .filter(|digest| !digest.is_empty())
                .unwrap_or(&image.config_digest),
        );
        describe_image(&mut comment, image);
    }
    root.comment = Some(comment);
    root
}

fn describe_image(comment: &mut String, image: &ImageInfo) {
    comment.push_str("; image config ");
    comment.push_str(&image.config_digest);
    if let Some(platform) = &image.platform {
        comment.push_str("; platform ");
        comment.push_str(platform);
    }
    if !image.tags.is_empty() {
        comment.push_str("; tags ");
        comment.push_str(&image.tags.join(", "));
    }
    if !image.layers.is_empty() {
        let digests: Vec<&str> = image
            .layers
            .iter()
            .map(|layer| layer.digest.as_str())
            .collect();
        comment.push_str("; layers, bottom first: ");
        comment.push_str(&digests.join(", "));
    }
}

fn package_entry<'a>(
    inventory: &'a Inventory,
    package: &'a Package,
    spdx_id: String,
) -> SpdxPackage<'a> {
    let mut entry = SpdxPackage::new(&package.name, spdx_id);
    entry.version_info = Some(package.version.as_str()).filter(|version| !version.is_empty());
    if let Some(supplier) = supplier(inventory, package).and_then(organization) {
        entry.supplier = supplier;
    }
    let declared = license::classify(&package.licenses);
    match license::conjunction(&declared) {
        Some(expression) => entry.license_declared = expression.to_string(),
        None if !declared.is_empty() => {
            let recorded: Vec<&str> = package
                .licenses
                .iter()
                .map(|text| text.trim())
                .filter(|text| !text.is_empty())
                .collect();
            entry.license_comments = Some(format!(
                "declared licenses as recorded, not all SPDX license expressions: {}",
                recorded.join("; ")
            ));
        }
        None => {}
    }
    if let Some(state) = package
        .state
        .filter(|state| *state != InstallState::Installed)
    {
        entry.comment = Some(format!("install state: {}", state.as_str()));
    }
    if !package.purl.as_str().is_empty() {
        entry.external_refs.push(ExternalRef {
            category: "PACKAGE-MANAGER",
            kind: "purl",
            locator: package.purl.as_str(),
        });
    }
    entry.source_info = source_info(package);
    entry
}

/// `Organization: <name>` in SPDX's actor syntax, or `None` when `name` (from a scanned,
/// possibly hostile os-release) is empty or holds characters the syntax gives a meaning to:
/// parentheses delimit an email, and a line break ends the field.
fn organization(name: &str) -> Option<String> {
    let name = name.trim();
    let plain = !name.is_empty()
        && !name
            .chars()
            .any(|character| character.is_control() || matches!(character, '(' | ')'));
    plain.then(|| format!("Organization: {name}"))
}

/// Where the package came from: its source package and where its record was read.
fn source_info(package: &Package) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(source) = &package.source {
        parts.push(match &source.version {
            Some(version) => format!("built from source package {} {version}", source.name),
            None => format!("built from source package {}", source.name),
        });
    }
    if !package.locations.is_empty() {
        let locations: Vec<String> = package
            .locations
            .iter()
            .map(|location| match &location.layer {
                Some(layer) => format!("{} (layer {layer})", location.path),
                None => location.path.clone(),
            })
            .collect();
        parts.push(format!("recorded in {}", locations.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}

/// The target name reduced to characters that need no escaping in a URI path segment.
fn namespace_part(name: &str) -> String {
    let mut part: String = name
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || matches!(character, '.' | '-' | '_') {
                character
            } else {
                '-'
            }
        })
        .collect();
    part.truncate(100);
    part
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organization_refuses_what_the_actor_syntax_reads_differently() {
        assert_eq!(
            organization("debian").as_deref(),
            Some("Organization: debian")
        );
        assert_eq!(organization("  "), None);
        assert_eq!(organization("evil (corp)"), None);
        assert_eq!(organization("evil\nPerson: x"), None);
    }

    #[test]
    fn namespace_part_is_uri_safe() {
        assert_eq!(
            namespace_part("127.0.0.1:5000/app:1.0"),
            "127.0.0.1-5000-app-1.0"
        );
        assert_eq!(namespace_part("/srv/app dir"), "-srv-app-dir");
        assert_eq!(namespace_part(&"é".repeat(200)).len(), 100);
    }
}
