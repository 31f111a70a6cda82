//! Parses arbitrary bytes as each Java text format (a Maven `pom.xml` completed on its own,
//! which exercises `${…}` interpolation and dependency management; Gradle's
//! `verification-metadata.xml`, lockfile and version catalog): an error is fine, a panic is a
//! bug, every record is a Maven package with a `group:artifact` name and a version, and a
//! POM's records hold no unreplaced `${…}`.
#![no_main]

use custody_inventory::{DatabaseKind, parse_database};
use custody_model::Ecosystem;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for kind in [
        DatabaseKind::MavenPom,
        DatabaseKind::GradleVerificationMetadata,
        DatabaseKind::GradleLockfile,
        DatabaseKind::GradleVersionCatalog,
    ] {
        let Ok(records) = parse_database(kind, data) else {
            continue;
        };
        for record in &records {
            assert_eq!(record.ecosystem, Ecosystem::Maven);
            let (group, artifact) = record.name.split_once(':').expect("group:artifact");
            assert!(!group.is_empty() && !artifact.is_empty(), "{record:?}");
            assert!(!record.version.trim().is_empty(), "{record:?}");
            // POM expressions are replaced or the dependency is skipped, never kept.
            if kind == DatabaseKind::MavenPom {
                assert!(!record.version.contains("${"), "{record:?}");
                assert!(!record.name.contains("${"), "{record:?}");
            }
        }
    }
});
