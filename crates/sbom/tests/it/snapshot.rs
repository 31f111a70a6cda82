//! The exact bytes written for the Debian image fixture, in both formats. Review changes by
//! reading the `.snap` files; CI never writes snapshots.

use custody_sbom::{write_cyclonedx, write_spdx};

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
