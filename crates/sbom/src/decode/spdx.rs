//! SPDX 2.2 and 2.3 JSON read back: packages with a purl external reference, the
//! `OPERATING_SYSTEM` package, the described root's image identity, and `DEPENDS_ON` /
//! `DEPENDENCY_OF` relationships.
//!
//! SPDX has no properties, so custody's SPDX encoder writes its facts as text, which this
//! module reads back: the `ownership-by-file-overlap` relationship from an OS package to what
//! it installed (Syft's name, which custody's encoder also writes), the
//! `sourceInfo` sentence (`built from source package util-linux 2.38.1-5; recorded in
//! var/lib/dpkg/status (layer sha256:…)`), the `install state: …` comment, the recorded
//! license text in `licenseComments`, and the root's `custody target …` comment. From other
//! tools it also reads Syft's `evident-by` and Trivy's `CONTAINS` relationships to files as
//! locations, Trivy's `built package from:` source, and resolves a `LicenseRef-` to the
//! license text the document extracted.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;

use custody_model::{Distro, Inventory, TargetInfo};

use super::properties::ImageFacts;
use super::{Assembler, Element, Facts};
use crate::spdx::OWNERSHIP_COMMENT_PREFIX;

/// The `licenseComments` prefix custody's SPDX encoder writes before the license text it
/// recorded when that text is not all SPDX expressions (see [`to_spdx`](crate::to_spdx)).
const RECORDED_LICENSES: &str = "declared licenses as recorded, not all SPDX license expressions: ";

/// The parts of an SPDX document custody reads.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Document {
    #[serde(default)]
    packages: Vec<SpdxPackage>,
    #[serde(default)]
    files: Vec<SpdxFile>,
    #[serde(default)]
    relationships: Vec<Relationship>,
    /// SPDX 2.2's way to name the described elements; 2.3 uses `DESCRIBES` relationships.
    #[serde(rename = "documentDescribes", default)]
    describes: Vec<String>,
    #[serde(default)]
    has_extracted_licensing_infos: Vec<ExtractedLicense>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SpdxPackage {
    #[serde(rename = "SPDXID", default)]
    spdx_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    version_info: Option<String>,
    #[serde(default)]
    license_declared: Option<String>,
    #[serde(default)]
    license_concluded: Option<String>,
    #[serde(default)]
    license_comments: Option<String>,
    #[serde(default)]
    comment: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    source_info: Option<String>,
    #[serde(default)]
    external_refs: Vec<ExternalRef>,
    #[serde(default)]
    primary_package_purpose: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExternalRef {
    #[serde(rename = "referenceCategory", default)]
    category: String,
    #[serde(rename = "referenceType", default)]
    kind: String,
    #[serde(rename = "referenceLocator", default)]
    locator: String,
}

#[derive(Deserialize)]
struct SpdxFile {
    #[serde(rename = "SPDXID", default)]
    spdx_id: String,
    #[serde(rename = "fileName", default)]
    file_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Relationship {
    #[serde(default)]
    spdx_element_id: String,
    #[serde(rename = "relationshipType", default)]
    kind: String,
    #[serde(default)]
    related_spdx_element: String,
    #[serde(default)]
    comment: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExtractedLicense {
    #[serde(default)]
    license_id: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    extracted_text: Option<String>,
}

/// Builds the inventory of `document`, with `target` as its target.
pub(super) fn read(document: &Document, mut target: TargetInfo) -> Inventory {
    let mut assembler = Assembler::new("package");
    let files: HashMap<&str, &str> = document
        .files
        .iter()
        .map(|file| (file.spdx_id.as_str(), file.file_name.as_str()))
        .collect();
    let extracted: HashMap<&str, &str> = document
        .has_extracted_licensing_infos
        .iter()
        .filter_map(|license| {
            let text = [&license.name, &license.extracted_text]
                .into_iter()
                .flatten()
                .map(|text| text.trim())
                .find(|text| !text.is_empty() && *text != "NOASSERTION")?;
            Some((license.license_id.as_str(), text))
        })
        .collect();
    let mut roots: HashSet<&str> = document.describes.iter().map(String::as_str).collect();
    let mut evidence: HashMap<&str, Vec<&str>> = HashMap::new();
    for relationship in &document.relationships {
        let from = relationship.spdx_element_id.as_str();
        let to = relationship.related_spdx_element.as_str();
        match relationship.kind.as_str() {
            "DESCRIBES" => {
                roots.insert(to);
            }
            "DESCRIBED_BY" => {
                roots.insert(from);
            }
            "DEPENDS_ON" => assembler.depends(from, to),
            "DEPENDENCY_OF" => assembler.depends(to, from),
            // custody and Syft: the owner `OTHER` the package it installed.
            "OTHER"
                if relationship
                    .comment
                    .as_deref()
                    .is_some_and(|comment| comment.starts_with(OWNERSHIP_COMMENT_PREFIX)) =>
            {
                assembler.owns(from, to);
            }
            // Where a package was found: Syft relates it to the file `evident-by` ("indicates
            // the package's existence is evident by the given file"), Trivy says the package
            // `CONTAINS` its metadata file.
            "OTHER" | "CONTAINS"
                if relationship.kind == "CONTAINS"
                    || relationship
                        .comment
                        .as_deref()
                        .is_some_and(|comment| comment.starts_with("evident-by")) =>
            {
                if let Some(path) = files.get(to) {
                    evidence.entry(from).or_default().push(path);
                }
            }
            _ => {}
        }
    }

    for package in &document.packages {
        let purpose = package.primary_package_purpose.as_deref();
        if matches!(purpose, Some("OPERATING_SYSTEM" | "OPERATING-SYSTEM")) {
            let mut os = Distro::new(
                package.name.clone(),
                package
                    .version_info
                    .clone()
                    .filter(|version| !version.is_empty()),
            );
            os.pretty_name.clone_from(&package.description);
            assembler.operating_system(os);
            continue;
        }
        let mut element = element(package, &extracted);
        if !element.facts.has_locations() {
            for path in evidence.get(package.spdx_id.as_str()).into_iter().flatten() {
                element.facts.push_location(path, None);
            }
        }
        if roots.contains(package.spdx_id.as_str()) {
            if target.image.is_none() {
                target.image = root_image(package);
            }
            assembler.add_root(element);
        } else {
            assembler.add(element);
        }
    }
    assembler.finish(target)
}

fn element<'a>(package: &'a SpdxPackage, extracted: &HashMap<&str, &str>) -> Element<'a> {
    let mut facts = Facts::default();
    if let Some(source_info) = &package.source_info {
        read_source_info(source_info, &mut facts);
    }
    if facts.state.is_none()
        && let Some(state) = package
            .comment
            .as_deref()
            .and_then(|comment| comment.strip_prefix("install state: "))
    {
        facts.state = Some(state.to_owned());
    }
    let purl = package
        .external_refs
        .iter()
        .find(|reference| {
            matches!(
                reference.category.as_str(),
                "PACKAGE-MANAGER" | "PACKAGE_MANAGER"
            ) && reference.kind == "purl"
        })
        .map(|reference| reference.locator.as_str());
    Element {
        reference: Some(package.spdx_id.as_str()),
        name: &package.name,
        version: package.version_info.as_deref(),
        purl,
        licenses: licenses(package, extracted),
        facts,
        declared_package: matches!(
            package.primary_package_purpose.as_deref(),
            None | Some("APPLICATION" | "FRAMEWORK" | "LIBRARY" | "INSTALL" | "OTHER")
        ),
    }
}

/// custody's `sourceInfo`: `built from source package NAME[ VERSION]` and `recorded in
/// PATH[ (layer DIGEST)], …`, joined by `; `; Trivy's `built package from: NAME VERSION`.
/// Only the first source sentence and location list count.
fn read_source_info(text: &str, facts: &mut Facts) {
    for part in text.split("; ") {
        // custody writes `built from source package …`, Trivy `built package from: …`.
        if let Some(rest) = part
            .strip_prefix("built from source package ")
            .or_else(|| part.strip_prefix("built package from: "))
        {
            if facts.source_name.is_none() {
                let (name, version) = rest.split_once(' ').unwrap_or((rest, ""));
                facts.source_name = Some(name.to_owned());
                facts.source_version =
                    Some(version.to_owned()).filter(|version| !version.is_empty());
            }
        } else if let Some(rest) = part.strip_prefix("recorded in ")
            && !facts.has_locations()
        {
            for location in rest.split(", ") {
                match location
                    .strip_suffix(')')
                    .and_then(|location| location.rsplit_once(" (layer "))
                {
                    Some((path, layer)) => facts.push_location(path, Some(layer)),
                    None => facts.push_location(location, None),
                }
            }
        }
    }
}

/// The package's licenses: the text custody recorded (from `licenseComments`), else the
/// declared (or, without one, concluded) expression, a lone `LicenseRef-` resolved to the
/// text the document extracted for it.
fn licenses(package: &SpdxPackage, extracted: &HashMap<&str, &str>) -> Vec<String> {
    if let Some(recorded) = package
        .license_comments
        .as_deref()
        .and_then(|comment| comment.strip_prefix(RECORDED_LICENSES))
    {
        return recorded.split("; ").map(str::to_owned).collect();
    }
    let expression = [&package.license_declared, &package.license_concluded]
        .into_iter()
        .flatten()
        .map(|expression| expression.trim())
        .find(|expression| !matches!(*expression, "" | "NOASSERTION" | "NONE"));
    expression
        .map(|expression| {
            extracted
                .get(expression)
                .copied()
                .unwrap_or(expression)
                .to_owned()
        })
        .into_iter()
        .collect()
}

/// The image identity custody writes into its root package: `versionInfo` is the manifest
/// digest, and the comment reads `custody target registry:app:1.0; image config sha256:…;
/// platform linux/amd64; tags app:1.0; layers, bottom first: sha256:…, sha256:…`.
fn root_image(package: &SpdxPackage) -> Option<custody_model::ImageInfo> {
    let comment = package.comment.as_deref()?;
    if !comment.starts_with("custody target ") {
        return None;
    }
    let mut image = ImageFacts::default();
    for part in comment.split("; ") {
        if let Some(config) = part.strip_prefix("image config ") {
            image.set_config(config);
        } else if let Some(platform) = part.strip_prefix("platform ") {
            image.set_platform(platform);
        } else if let Some(tags) = part.strip_prefix("tags ") {
            tags.split(", ").for_each(|tag| image.push_tag(tag));
        } else if let Some(layers) = part.strip_prefix("layers, bottom first: ") {
            layers.split(", ").for_each(|layer| image.push_layer(layer));
        }
    }
    image.finish(package.version_info.as_deref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_info_gives_source_and_locations() {
        let mut facts = Facts::default();
        read_source_info(
            "built from source package util-linux 2.38.1-5; recorded in var/lib/dpkg/status \
             (layer sha256:1), usr/lib/status",
            &mut facts,
        );
        assert_eq!(facts.source_name.as_deref(), Some("util-linux"));
        assert_eq!(facts.source_version.as_deref(), Some("2.38.1-5"));
        assert_eq!(
            facts.locations(),
            vec![
                custody_model::Location::new("var/lib/dpkg/status").in_layer("sha256:1"),
                custody_model::Location::new("usr/lib/status"),
            ]
        );

        let mut facts = Facts::default();
        read_source_info(
            "acquired package info from DPKG DB: /var/lib/dpkg/status",
            &mut facts,
        );
        assert_eq!(facts.source_name, None);
        assert!(!facts.has_locations());
    }
}
