//! The exact bytes written for the Debian image fixture in both SBOM formats, and for the
//! application image's scan report as CycloneDX and SARIF. Review changes by reading the
//! `.snap` files; CI never writes snapshots.

use custody_sbom::{write_cyclonedx, write_cyclonedx_report, write_sarif, write_spdx};

use crate::{fixtures, options};

#[test]
fn debian_image_cyclonedx() {
    let mut bytes = Vec::new();
    write_cyclonedx(&fixtures::debian_image(), &options(), &mut bytes).unwrap();
    insta::assert_snapshot!("debian-image.cdx.json", String::from_utf8(bytes).unwrap());
}

#[test]
fn debian_image_spdx() {
    let mut bytes = Vec::new();
    write_spdx(&fixtures::debian_image(), &options(), &mut bytes).unwrap();
    insta::assert_snapshot!("debian-image.spdx.json", String::from_utf8(bytes).unwrap());
}

#[test]
fn app_image_report_cyclonedx() {
    let mut bytes = Vec::new();
    write_cyclonedx_report(&fixtures::app_image_report(), &options(), &mut bytes).unwrap();
    insta::assert_snapshot!(
        "app-image-report.cdx.json",
        String::from_utf8(bytes).unwrap()
    );
}

#[test]
fn app_image_report_sarif() {
    let mut bytes = Vec::new();
    write_sarif(&fixtures::app_image_report(), &options(), &mut bytes).unwrap();
    insta::assert_snapshot!("app-image-report.sarif", String::from_utf8(bytes).unwrap());
}
