//! Reads arbitrary bytes as an SBOM, and arbitrary text as a purl: an error is fine, a panic
//! is a bug. What decodes must survive being written again: custody's CycloneDX of a decoded
//! inventory decodes to the same packages (every fact CycloneDX carries), its SPDX to the
//! same ecosystems, names, versions and purls; a purl that parses prints canonically, and the
//! canonical text parses to the same parts.
#![no_main]

use std::fmt::Debug;

use custody_model::{Inventory, Purl};
use custody_sbom::{EncodeOptions, Error, read_sbom, write_cyclonedx, write_spdx};
use libfuzzer_sys::fuzz_target;

/// Encodes with `write` into memory and reads the document back.
fn again(write: impl FnOnce(&mut Vec<u8>) -> Result<(), Error>) -> Inventory {
    let mut bytes = Vec::new();
    write(&mut bytes).expect("writing to memory cannot fail");
    read_sbom(&bytes, "again").expect("custody's own document decodes")
}

/// Every fact of each package a CycloneDX round trip keeps.
fn cyclonedx_facts(inventory: &Inventory) -> Vec<impl PartialEq + Debug + '_> {
    inventory
        .packages
        .iter()
        .map(|package| {
            (
                (
                    package.ecosystem,
                    &package.name,
                    &package.version,
                    &package.purl,
                ),
                (
                    &package.arch,
                    &package.source,
                    package.state,
                    &package.locations,
                    &package.owned_by,
                ),
            )
        })
        .collect()
}

/// What identifies each package.
fn identities(inventory: &Inventory) -> Vec<impl PartialEq + Debug + '_> {
    inventory
        .packages
        .iter()
        .map(|package| {
            (
                package.ecosystem,
                &package.name,
                &package.version,
                &package.purl,
            )
        })
        .collect()
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data)
        && let Ok(parsed) = Purl::parse(text)
    {
        let canonical = parsed.to_purl();
        assert_eq!(
            Purl::parse(canonical.as_str()).as_ref(),
            Ok(&parsed),
            "{text:?}"
        );
    }
    let Ok(inventory) = read_sbom(data, "fuzz") else {
        return;
    };
    let options = EncodeOptions::now("0.0.0");
    let cyclonedx = again(|bytes| write_cyclonedx(&inventory, &options, bytes));
    assert_eq!(cyclonedx_facts(&cyclonedx), cyclonedx_facts(&inventory));
    let spdx = again(|bytes| write_spdx(&inventory, &options, bytes));
    assert_eq!(identities(&spdx), identities(&inventory));
});
