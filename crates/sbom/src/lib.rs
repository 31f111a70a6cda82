//! CycloneDX and SPDX encoders: custody's [`Inventory`](custody_model::Inventory) written as the SBOM formats other
//! tools read, scan reports written as CycloneDX vulnerabilities and SARIF, and SBOMs read
//! back into inventories.
//!
//! # Overview
//!
//! - [`to_cyclonedx`] and [`write_cyclonedx`] produce CycloneDX 1.6 JSON: the target as the
//!   metadata component, the OS and every package as components, properties in a `custody:`
//!   namespace, and a dependency graph listing every component.
//! - [`to_spdx`] and [`write_spdx`] produce SPDX 2.3 JSON: a root package for the target that
//!   `CONTAINS` the OS and every package, purls as external references, and `DEPENDS_ON`
//!   relationships.
//! - For a scan [`Report`](custody_model::Report): [`to_cyclonedx_report`] and
//!   [`write_cyclonedx_report`] add a CycloneDX `vulnerabilities` section (affects by
//!   `bom-ref`, ratings, fixed versions) to the same BOM, and [`to_sarif`] and [`write_sarif`]
//!   produce SARIF 2.1.0 for GitHub code scanning (a rule per vulnerability with help that
//!   explains each match, a result per affected package and location).
//! - [`read_sbom`] reads CycloneDX (1.2 to 1.6) and SPDX (2.2, 2.3) JSON back into an
//!   [`Inventory`](custody_model::Inventory) whose target is
//!   [`TargetKind::Sbom`](custody_model::TargetKind::Sbom): custody's own CycloneDX with
//!   every fact the inventory's matching uses (its `custody:` properties restore what purls
//!   cannot carry) and its SPDX nearly so, other tools' (Syft, Trivy) from purls and their
//!   properties, with a warning for every element that cannot become a package.
//! - [`EncodeOptions`] carries the tool version, timestamp and serial, so output is
//!   deterministic when the caller fixes them; [`EncodeOptions::now`] is for real use.
//! - [`LicenseExpression`] decides which recorded license strings are valid SPDX license
//!   expressions; the others become CycloneDX `license.name` and SPDX `NOASSERTION`.
//!
//! Every output is checked in this crate's tests with the formats' own validators
//! (cyclonedx-python-lib's strict JSON validator, `pyspdxtools`, and for SARIF the OASIS
//! schema and the SARIF Multitool's GitHub ingestion rules).
//!
//! This crate does not find packages (custody-inventory does), match them to advisories
//! (custody-vulndb) or choose a format or read a file (custody-cli).
//!
//! # Example
//!
//! ```
//! use custody_model::{Distro, Ecosystem, Inventory, Package, Purl, TargetInfo, TargetKind};
//! use custody_sbom::{EncodeOptions, to_spdx, write_cyclonedx};
//!
//! let purl = Purl::new("apk", Some("alpine"), "zlib", "1.3.1-r1")
//!     .with_qualifier("distro", "alpine-3.20.3")
//!     .build();
//! let mut zlib = Package::new(Ecosystem::Apk, "zlib", "1.3.1-r1", purl);
//! zlib.licenses = vec!["Zlib".into()];
//! let inventory = Inventory {
//!     schema_version: Inventory::SCHEMA_VERSION,
//!     target: TargetInfo { kind: TargetKind::Rootfs, name: "/srv/root".into(), image: None },
//!     distro: Some(Distro::new("alpine", Some("3.20.3".into()))),
//!     packages: vec![zlib],
//!     dependencies: Vec::new(),
//!     warnings: Vec::new(),
//! };
//! let options = EncodeOptions {
//!     tool_version: "0.1.0".into(),
//!     timestamp: "2024-05-01T12:00:00Z".parse()?,
//!     serial: uuid::Uuid::nil(),
//! };
//!
//! let mut cyclonedx = Vec::new();
//! write_cyclonedx(&inventory, &options, &mut cyclonedx)?;
//! let bom: serde_json::Value = serde_json::from_slice(&cyclonedx)?;
//! assert_eq!(bom["components"][1]["licenses"][0]["license"]["id"], "Zlib");
//!
//! let spdx = to_spdx(&inventory, &options);
//! assert_eq!(spdx["packages"][2]["licenseDeclared"], "Zlib");
//! assert_eq!(spdx["creationInfo"]["created"], "2024-05-01T12:00:00Z");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod cyclonedx;
mod decode;
mod error;
mod identifier;
mod json;
mod license;
mod options;
mod package;
mod sarif;
mod spdx;
mod uri;
mod vulnerability;

pub use cyclonedx::{to_cyclonedx, to_cyclonedx_report, write_cyclonedx, write_cyclonedx_report};
pub use decode::{MAX_SBOM_SIZE, read_sbom};
pub use error::{Error, LicenseErrorKind, SbomFormat};
pub use license::LicenseExpression;
pub use options::EncodeOptions;
pub use sarif::{to_sarif, write_sarif};
pub use spdx::{to_spdx, write_spdx};
