//! Reads arbitrary bytes as an `AdmissionReview` and reviews the request on both webhooks
//! against a Pod Security policy and a mutate policy, as the admission server does with a
//! posted body: a malformed body is a 400, any verdict is fine, a panic is a bug.
//!
//! Invariants: the response echoes the request's uid; a denial carries a 403 status naming a
//! policy and rule; only `/mutate` answers a patch, and its operations are an RFC 6902 array of
//! `add`, `remove` and `replace` with JSON pointers.
#![no_main]

use std::sync::LazyLock;

use base64::Engine as _;
use custody_admission::{AdmissionRequest, PolicySet, ReviewOptions, Webhook};
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

static POLICIES: LazyLock<PolicySet> = LazyLock::new(|| {
    PolicySet::from_objects(&[
        json!({
            "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
            "metadata": {"name": "restricted"},
            "spec": {"validationFailureAction": "Enforce", "rules": [{
                "name": "restricted",
                "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                "validate": {"podSecurity": {"level": "restricted", "version": "latest"}},
            }]},
        }),
        json!({
            "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
            "metadata": {"name": "defaults"},
            "spec": {"rules": [{
                "name": "label",
                "match": {"any": [{"resources": {"kinds": ["Pod", "ConfigMap"]}}]},
                "mutate": {"patchStrategicMerge": {"metadata": {"labels": {"+(managed-by)": "custody"}}}},
            }]},
        }),
    ])
    .expect("the fuzz policies compile")
});

fuzz_target!(|data: &[u8]| {
    let Ok(request) = AdmissionRequest::parse(data) else {
        return;
    };
    for webhook in [Webhook::Validate, Webhook::Mutate] {
        let response = POLICIES.review(webhook, &request, ReviewOptions::default());
        assert_eq!(response.uid, request.uid);
        if let Some(status) = &response.status {
            assert!(!response.allowed);
            assert_eq!(status.code, 403);
            assert!(status.message.starts_with("policy "));
        }
        match (&response.patch, webhook) {
            (None, _) => {}
            (Some(_), Webhook::Validate) => panic!("a validating answer carries a patch"),
            (Some(patch), Webhook::Mutate) => {
                let bytes = base64::engine::general_purpose::STANDARD
                    .decode(patch)
                    .expect("the patch is base64");
                let operations: Value = serde_json::from_slice(&bytes).expect("the patch is JSON");
                for operation in operations.as_array().expect("the patch is an array") {
                    assert!(matches!(
                        operation["op"].as_str(),
                        Some("add" | "remove" | "replace")
                    ));
                    let path = operation["path"].as_str().expect("a path");
                    assert!(path.is_empty() || path.starts_with('/'));
                }
            }
        }
        let _ = response.into_review().to_string();
    }
});
