//! Reads arbitrary JSON as a Kyverno policy and applies it to arbitrary JSON as a resource,
//! with an optional Kyverno CLI values file: a malformed policy is an error, any verdict is
//! fine, a panic is a bug. The input is `policy NUL resource [NUL values]`.
//!
//! Invariants: each rule answers at most once and under the name of one of the policy's rules
//! (generated `autogen-` rules included), and only a failing rule carries a failure action.
#![no_main]

use custody_policy::kyverno::context::{Values, default_namespace};
use custody_policy::kyverno::engine::{self, Request, RuleStatus};
use custody_policy::kyverno::matching::{Operation, UserInfo};
use custody_policy::kyverno::policy::Policy;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |byte| *byte == 0);
    let (Some(policy), Some(resource)) = (parts.next(), parts.next()) else {
        return;
    };
    let Ok(policy) = serde_json::from_slice::<Value>(policy) else {
        return;
    };
    let Ok(policy) = Policy::from_value(&policy) else {
        return;
    };
    let Ok(mut resource) = serde_json::from_slice::<Value>(resource) else {
        return;
    };
    // As `custody policy apply` reads resources.
    default_namespace(&mut resource);
    let values = match parts.next() {
        Some(values) => match serde_json::from_slice::<Values>(values) {
            Ok(values) => values,
            Err(_) => return,
        },
        None => Values::default(),
    };
    let namespace = resource["metadata"]["namespace"]
        .as_str()
        .unwrap_or("default");
    let namespace_labels = values.namespace_labels(namespace);
    let user = UserInfo::default();
    let request = Request {
        resource: &resource,
        old_resource: None,
        operation: Operation::default(),
        user: &user,
        namespace_labels: &namespace_labels,
        values: &values,
    };
    let response = engine::apply(&policy, &request);
    assert!(response.rules.len() <= policy.rules.len());
    for answer in &response.rules {
        assert!(
            policy.rules.iter().any(|rule| rule.name == answer.rule),
            "response for unknown rule {:?}",
            answer.rule
        );
        assert!(answer.failure_action.is_none() || answer.status == RuleStatus::Fail);
    }
});
