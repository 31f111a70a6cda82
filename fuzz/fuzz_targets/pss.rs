//! Evaluates arbitrary JSON as a Kubernetes object at every Pod Security Standards level and a
//! few versions: any verdict is fine, a panic is a bug. Invariants: a denial always carries a
//! violation with at least one field path, and restricted never allows what baseline denies.
#![no_main]

use custody_policy::{PssLevel, PssOutcome, PssPolicy, PssVersion};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(object) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for minor in [0, 19, 25, 35, PssVersion::LATEST.minor()] {
        let version = PssVersion::new(minor).expect("minor versions up to LATEST exist");
        let baseline = PssPolicy::builder(PssLevel::Baseline)
            .version(version)
            .build()
            .evaluate(&object);
        let restricted = PssPolicy::builder(PssLevel::Restricted)
            .version(version)
            .build()
            .evaluate(&object);
        for outcome in [&baseline, &restricted] {
            if let PssOutcome::Denied(violations) = outcome {
                assert!(!violations.is_empty());
                assert!(
                    violations
                        .iter()
                        .all(|violation| !violation.paths.is_empty())
                );
            }
        }
        assert!(baseline.is_allowed() || !restricted.is_allowed());
    }
});
