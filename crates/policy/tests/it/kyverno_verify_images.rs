//! Kyverno `verifyImages` rules through the engine, with a table-driven fake registry in place
//! of custody-sign: policies written in the shape of the corpus samples
//! (`other/verify-image*`, `require-vulnerability-scan`) with keys the tests name, since the
//! samples' private keys and images are out of reach. Each expected verdict, message and patch
//! follows kyverno.io "Verify Images" and `pkg/engine/imageVerify.go`.

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde_json::{Value, json};

use crate::{collect_yaml, corpus};
use custody_policy::kyverno::context::Values;
use custody_policy::kyverno::engine::{
    self, PolicyResponse, Request, RuleResponse, RuleStatus, apply_all_with_verifier,
};
use custody_policy::kyverno::matching::{Operation, UserInfo};
use custody_policy::kyverno::policy::{FailureAction, Policy, RuleKind};
use custody_policy::kyverno::verify_images::{
    Attested, Attestor, AttestorKind, ImageVerifier, Verified, VerifyFailure,
};
use custody_policy::manifest::read_objects;

/// A PEM public key whose body names the signer, so the fake can tell keys apart.
fn key(signer: &str) -> String {
    format!("-----BEGIN PUBLIC KEY-----\n{signer}\n-----END PUBLIC KEY-----\n")
}

fn digest(seed: char) -> String {
    format!("sha256:{}", seed.to_string().repeat(64))
}

/// One image in the fake registry.
#[derive(Default)]
struct FakeImage {
    digest: String,
    /// Key bodies (see [`key`]) and keyless subjects that signed the image.
    signers: Vec<&'static str>,
    /// (predicate type, signer, predicate) of each attached attestation.
    attestations: Vec<(&'static str, &'static str, Value)>,
    /// The registry times out for this image.
    unavailable: bool,
}

/// A registry as a table: normalized tag reference → image. Records every image it is asked
/// about, to prove checks after the first use the pinned digest.
#[derive(Default)]
struct FakeRegistry {
    images: BTreeMap<&'static str, FakeImage>,
    asked: Mutex<Vec<String>>,
}

impl FakeRegistry {
    fn with(mut self, reference: &'static str, image: FakeImage) -> Self {
        self.images.insert(reference, image);
        self
    }

    /// The image named `reference`, by tag (`repo:tag`) or digest (`repo@sha256:…`).
    fn lookup(&self, reference: &str) -> Result<&FakeImage, VerifyFailure> {
        self.asked
            .lock()
            .expect("no test thread panicked holding the log")
            .push(reference.to_owned());
        let found = match reference.split_once('@') {
            Some((repository, digest)) => self.images.iter().find(|(tagged, image)| {
                image.digest == digest
                    && tagged
                        .rsplit_once(':')
                        .expect("table references carry a tag")
                        .0
                        == repository
            }),
            None => self.images.iter().find(|(tagged, _)| **tagged == reference),
        };
        let image = found
            .map(|(_, image)| image)
            .ok_or_else(|| VerifyFailure::Rejected {
                reason: format!("{reference}: manifest unknown"),
            })?;
        if image.unavailable {
            return Err(VerifyFailure::Unavailable {
                reason: "registry timed out".to_owned(),
            });
        }
        Ok(image)
    }

    fn asked(&self) -> Vec<String> {
        self.asked
            .lock()
            .expect("no test thread panicked holding the log")
            .clone()
    }
}

/// Who an attestor names: a key's body or a keyless subject.
fn signer_of(attestor: &Attestor) -> Result<String, VerifyFailure> {
    match &attestor.kind {
        AttestorKind::Key(key) => Ok(key
            .public_key
            .lines()
            .nth(1)
            .expect("a PEM block has a body line")
            .to_owned()),
        AttestorKind::Keyless(keyless) => Ok(keyless.subject.clone().unwrap_or_default()),
        AttestorKind::Certificate(_) => Err(VerifyFailure::Unsupported {
            feature: "certificate attestors".to_owned(),
        }),
    }
}

impl ImageVerifier for FakeRegistry {
    fn verify_signature(
        &self,
        image: &str,
        attestor: &Attestor,
    ) -> Result<Verified, VerifyFailure> {
        let found = self.lookup(image)?;
        let signer = signer_of(attestor)?;
        if found.signers.iter().any(|known| *known == signer) {
            Ok(Verified {
                digest: found.digest.clone(),
            })
        } else {
            Err(VerifyFailure::Rejected {
                reason: "no signature matched the key".to_owned(),
            })
        }
    }

    fn verify_attestations(
        &self,
        image: &str,
        predicate_type: &str,
        attestor: &Attestor,
    ) -> Result<Attested, VerifyFailure> {
        let found = self.lookup(image)?;
        let signer = signer_of(attestor)?;
        Ok(Attested {
            digest: found.digest.clone(),
            predicates: found
                .attestations
                .iter()
                .filter(|(kind, by, _)| *kind == predicate_type && *by == signer)
                .map(|(_, _, predicate)| predicate.clone())
                .collect(),
        })
    }

    fn resolve_digest(&self, image: &str) -> Result<String, VerifyFailure> {
        self.lookup(image).map(|found| found.digest.clone())
    }
}

/// A `ClusterPolicy` with one `verifyImages` rule for Pods, as the corpus samples write it.
fn policy(action: &str, verify_images: &Value) -> Policy {
    policy_with_rule(
        action,
        &json!({
            "name": "verify-image",
            "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
            "verifyImages": verify_images,
        }),
    )
}

fn policy_with_rule(action: &str, rule: &Value) -> Policy {
    Policy::from_value(&json!({
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {"name": "verify-image"},
        "spec": {"validationFailureAction": action, "background": false, "rules": [rule]},
    }))
    .expect("a valid policy")
}

/// The `verify-image` sample's entry with our key.
fn signed_by(signer: &str) -> Value {
    json!([{
        "imageReferences": ["ghcr.io/kyverno/test-verify-image*"],
        "mutateDigest": true,
        "attestors": [{"entries": [{"keys": {"publicKeys": key(signer)}}]}],
    }])
}

fn pod(containers: &Value) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"containers": containers},
    })
}

fn container(image: &str) -> Value {
    json!([{"name": "app", "image": image}])
}

fn registry() -> FakeRegistry {
    FakeRegistry::default()
        .with(
            "ghcr.io/kyverno/test-verify-image:signed",
            FakeImage {
                digest: digest('a'),
                signers: vec!["ALICE"],
                ..FakeImage::default()
            },
        )
        .with(
            "ghcr.io/kyverno/test-verify-image:unsigned",
            FakeImage {
                digest: digest('b'),
                ..FakeImage::default()
            },
        )
}

fn apply(policies: &[Policy], resource: &Value, verifier: &dyn ImageVerifier) -> PolicyResponse {
    let (user, labels, values) = (UserInfo::default(), BTreeMap::new(), Values::default());
    let request = Request {
        resource,
        old_resource: None,
        operation: Operation::Create,
        user: &user,
        namespace_labels: &labels,
        values: &values,
    };
    let mut responses = apply_all_with_verifier(policies, &request, verifier);
    responses.pop().expect("one response per policy")
}

fn only_rule(response: &PolicyResponse) -> &RuleResponse {
    assert_eq!(response.rules.len(), 1, "{:?}", response.rules);
    &response.rules[0]
}

#[test]
fn signed_pod_image_passes_and_is_pinned_keeping_its_tag() {
    let resource = pod(&container("ghcr.io/kyverno/test-verify-image:signed"));
    let response = apply(
        &[policy("Enforce", &signed_by("ALICE"))],
        &resource,
        &registry(),
    );
    let rule = only_rule(&response);
    assert_eq!(rule.status, RuleStatus::Pass, "{}", rule.message);
    assert_eq!(
        rule.message,
        "verified image signatures for ghcr.io/kyverno/test-verify-image:signed"
    );
    let pinned = format!("ghcr.io/kyverno/test-verify-image:signed@{}", digest('a'));
    assert_eq!(
        response.image_patches,
        [json!({"op": "replace", "path": "/spec/containers/0/image", "value": pinned})]
    );
    let patched = response.patched.expect("the image was pinned");
    assert_eq!(patched["spec"]["containers"][0]["image"], pinned);
}

#[test]
fn unsigned_image_fails_naming_image_and_reason() {
    let resource = pod(&container("ghcr.io/kyverno/test-verify-image:unsigned"));
    let response = apply(
        &[policy("Enforce", &signed_by("ALICE"))],
        &resource,
        &registry(),
    );
    let rule = only_rule(&response);
    assert_eq!(rule.status, RuleStatus::Fail);
    assert_eq!(
        rule.message,
        "image ghcr.io/kyverno/test-verify-image:unsigned failed signature verification: \
         attestors[0]: entries[0]: no signature matched the key"
    );
    assert_eq!(rule.failure_action, Some(FailureAction::Enforce));
    assert!(response.image_patches.is_empty() && response.patched.is_none());
}

#[test]
fn audit_policy_reports_the_failure_as_audit() {
    let resource = pod(&container("ghcr.io/kyverno/test-verify-image:signed"));
    let response = apply(
        &[policy("Audit", &signed_by("BOB"))],
        &resource,
        &registry(),
    );
    let rule = only_rule(&response);
    assert_eq!(rule.status, RuleStatus::Fail);
    assert_eq!(rule.failure_action, Some(FailureAction::Audit));
    // The entry's own failureAction overrides the policy's.
    let mut entries = signed_by("BOB");
    entries[0]["failureAction"] = json!("Enforce");
    let response = apply(&[policy("Audit", &entries)], &resource, &registry());
    assert_eq!(
        only_rule(&response).failure_action,
        Some(FailureAction::Enforce)
    );
}

#[test]
fn deployment_is_checked_by_the_autogen_rule_at_the_template_path() {
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"template": {"spec": {
            "initContainers": [{"name": "init", "image": "busybox:1.36"}],
            "containers": [
                {"name": "sidecar", "image": "busybox:1.36"},
                {"name": "app", "image": "ghcr.io/kyverno/test-verify-image:signed"},
            ],
        }}},
    });
    let response = apply(
        &[policy("Enforce", &signed_by("ALICE"))],
        &deployment,
        &registry(),
    );
    let rule = only_rule(&response);
    assert_eq!(rule.rule, "autogen-verify-image");
    assert_eq!(rule.status, RuleStatus::Pass, "{}", rule.message);
    assert_eq!(
        response.image_patches[0]["path"],
        "/spec/template/spec/containers/1/image"
    );
    let cronjob = json!({
        "apiVersion": "batch/v1", "kind": "CronJob",
        "metadata": {"name": "nightly", "namespace": "default"},
        "spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": {"spec": {
            "containers": [{"name": "app", "image": "ghcr.io/kyverno/test-verify-image:signed"}],
        }}}}},
    });
    let response = apply(
        &[policy("Enforce", &signed_by("ALICE"))],
        &cronjob,
        &registry(),
    );
    let rule = only_rule(&response);
    assert_eq!(rule.rule, "autogen-cronjob-verify-image");
    assert_eq!(
        response.image_patches[0]["path"],
        "/spec/jobTemplate/spec/template/spec/containers/0/image"
    );
}

#[test]
fn images_matching_no_reference_skip_the_rule() {
    let resource = pod(&container("nginx:1.25"));
    let verifier = registry();
    let response = apply(
        &[policy("Enforce", &signed_by("ALICE"))],
        &resource,
        &verifier,
    );
    let rule = only_rule(&response);
    assert_eq!(rule.status, RuleStatus::Skip);
    assert_eq!(
        rule.message,
        "skip run verification as image in resource not found in imageRefs \
         'ghcr.io/kyverno/test-verify-image*'"
    );
    assert!(verifier.asked().is_empty(), "{:?}", verifier.asked());
}

#[test]
fn skip_image_references_exempt_images() {
    let mut entries = signed_by("ALICE");
    entries[0]["skipImageReferences"] = json!(["ghcr.io/kyverno/test-verify-image:unsigned"]);
    let resource = pod(&json!([
        {"name": "a", "image": "ghcr.io/kyverno/test-verify-image:signed"},
        {"name": "b", "image": "ghcr.io/kyverno/test-verify-image:unsigned"},
    ]));
    let response = apply(&[policy("Enforce", &entries)], &resource, &registry());
    let rule = only_rule(&response);
    assert_eq!(rule.status, RuleStatus::Pass, "{}", rule.message);
    assert_eq!(response.image_patches.len(), 1);
}

#[test]
fn short_names_match_their_normalized_form() {
    let verifier = FakeRegistry::default().with(
        "docker.io/nginx:1.25",
        FakeImage {
            digest: digest('c'),
            signers: vec!["ALICE"],
            ..FakeImage::default()
        },
    );
    let entries = json!([{
        "imageReferences": ["docker.io/nginx:*"],
        "attestors": [{"entries": [{"keys": {"publicKeys": key("ALICE")}}]}],
    }]);
    let response = apply(
        &[policy("Enforce", &entries)],
        &pod(&container("nginx:1.25")),
        &verifier,
    );
    assert_eq!(only_rule(&response).status, RuleStatus::Pass);
    assert_eq!(
        response.image_patches[0]["value"],
        format!("docker.io/nginx:1.25@{}", digest('c'))
    );
}

/// The `verify-image-with-multi-keys` sample: `count` entries of the set must verify; keys
/// read from a context entry, substituted per request.
#[test]
fn count_of_entries_must_verify() {
    let rule = |count: Option<u64>| {
        let mut set = json!({"entries": [
            {"keys": {"publicKeys": "{{ keys.production }}"}},
            {"keys": {"publicKeys": "{{ keys.staging }}"}},
        ]});
        if let Some(count) = count {
            set["count"] = json!(count);
        }
        json!({
            "name": "check-image-with-two-keys",
            "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
            "context": [{"name": "keys", "variable": {"value": {
                "production": key("ALICE"), "staging": key("BOB"),
            }}}],
            "verifyImages": [{
                "imageReferences": ["ghcr.io/kyverno/test-verify-image*"],
                "required": true,
                "attestors": [set],
            }],
        })
    };
    let resource = pod(&container("ghcr.io/kyverno/test-verify-image:signed"));
    let one = policy_with_rule("Enforce", &rule(Some(1)));
    let response = apply(&[one], &resource, &registry());
    assert_eq!(only_rule(&response).status, RuleStatus::Pass);
    let all = policy_with_rule("Enforce", &rule(None));
    let response = apply(&[all], &resource, &registry());
    let verdict = only_rule(&response);
    assert_eq!(verdict.status, RuleStatus::Fail);
    assert!(
        verdict
            .message
            .ends_with("attestors[0]: entries[1]: no signature matched the key"),
        "{}",
        verdict.message
    );
}

#[test]
fn concatenated_public_keys_are_separate_entries() {
    let keys = format!("{}{}", key("BOB"), key("ALICE"));
    let entries = json!([{
        "imageReferences": ["ghcr.io/kyverno/test-verify-image*"],
        "attestors": [{"count": 1, "entries": [{"keys": {"publicKeys": keys}}]}],
    }]);
    let resource = pod(&container("ghcr.io/kyverno/test-verify-image:signed"));
    let response = apply(&[policy("Enforce", &entries)], &resource, &registry());
    assert_eq!(only_rule(&response).status, RuleStatus::Pass);
}

#[test]
fn verify_digest_fails_unpinned_images_when_not_mutating() {
    let mut entries = signed_by("ALICE");
    entries[0]["mutateDigest"] = json!(false);
    let resource = pod(&container("ghcr.io/kyverno/test-verify-image:signed"));
    let response = apply(&[policy("Enforce", &entries)], &resource, &registry());
    let rule = only_rule(&response);
    assert_eq!(rule.status, RuleStatus::Fail);
    assert_eq!(
        rule.message,
        "missing digest for image ghcr.io/kyverno/test-verify-image:signed"
    );
    // Written with its digest, the image passes and needs no patch.
    let pinned = format!("ghcr.io/kyverno/test-verify-image@{}", digest('a'));
    let response = apply(
        &[policy("Enforce", &entries)],
        &pod(&container(&pinned)),
        &registry(),
    );
    assert_eq!(only_rule(&response).status, RuleStatus::Pass);
    assert!(response.image_patches.is_empty());
    // verifyDigest: false admits the tag as written.
    entries[0]["verifyDigest"] = json!(false);
    let response = apply(&[policy("Enforce", &entries)], &resource, &registry());
    assert_eq!(only_rule(&response).status, RuleStatus::Pass);
    assert!(response.patched.is_none());
}

/// The `require-vulnerability-scan` sample with a key attestor: the scan must be under a
/// week old.
fn vulnerability_scan_policy() -> Policy {
    policy(
        "Audit",
        &json!([{
            "imageReferences": ["ghcr.io/myorg/myrepo:*"],
            "attestations": [{
                "predicateType": "cosign.sigstore.dev/attestation/vuln/v1",
                "attestors": [{"entries": [{"keys": {"publicKeys": key("SCANNER")}}]}],
                "conditions": [{"all": [{
                    "key": "{{ time_since('','{{metadata.scanFinishedOn}}','') }}",
                    "operator": "LessThanOrEquals",
                    "value": "168h",
                }]}],
            }],
        }]),
    )
}

fn scanned(finished: &str) -> FakeRegistry {
    FakeRegistry::default().with(
        "ghcr.io/myorg/myrepo:1.0",
        FakeImage {
            digest: digest('d'),
            attestations: vec![(
                "cosign.sigstore.dev/attestation/vuln/v1",
                "SCANNER",
                json!({"scanner": {"uri": "pkg:github/aquasecurity/trivy"},
                       "metadata": {"scanStartedOn": finished, "scanFinishedOn": finished}}),
            )],
            ..FakeImage::default()
        },
    )
}

#[test]
fn attestation_conditions_pass_on_a_recent_scan() {
    let finished = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(2))
        .unwrap()
        .to_string();
    let verifier = scanned(&finished);
    let resource = pod(&container("ghcr.io/myorg/myrepo:1.0"));
    let response = apply(&[vulnerability_scan_policy()], &resource, &verifier);
    let rule = only_rule(&response);
    assert_eq!(rule.status, RuleStatus::Pass, "{}", rule.message);
    assert_eq!(
        response.image_patches[0]["value"],
        format!("ghcr.io/myorg/myrepo:1.0@{}", digest('d'))
    );
}

#[test]
fn attestation_conditions_fail_on_an_old_scan() {
    let verifier = scanned("2022-01-01T00:00:00Z");
    let resource = pod(&container("ghcr.io/myorg/myrepo:1.0"));
    let response = apply(&[vulnerability_scan_policy()], &resource, &verifier);
    let rule = only_rule(&response);
    assert_eq!(rule.status, RuleStatus::Fail);
    assert_eq!(rule.failure_action, Some(FailureAction::Audit));
    assert_eq!(
        rule.message,
        "image ghcr.io/myorg/myrepo:1.0 failed attestation verification: \
         attestations[0].attestors[0]: entries[0]: \
         cosign.sigstore.dev/attestation/vuln/v1 attestation conditions[0] not met: \
         all[0] does not hold"
    );
}

#[test]
fn missing_attestation_fails() {
    let verifier = FakeRegistry::default().with(
        "ghcr.io/myorg/myrepo:1.0",
        FakeImage {
            digest: digest('d'),
            ..FakeImage::default()
        },
    );
    let resource = pod(&container("ghcr.io/myorg/myrepo:1.0"));
    let response = apply(&[vulnerability_scan_policy()], &resource, &verifier);
    let rule = only_rule(&response);
    assert_eq!(rule.status, RuleStatus::Fail);
    assert!(
        rule.message
            .ends_with("no verified attestation of type cosign.sigstore.dev/attestation/vuln/v1"),
        "{}",
        rule.message
    );
}

/// The `verify-image-cve-2022-42889` sample: a CycloneDX predicate must not list a vulnerable
/// commons-text; signatures checked first, attestations then asked about the pinned digest.
#[test]
fn cyclonedx_condition_and_pinned_attestation_lookup() {
    let entries = json!([{
        "imageReferences": ["myreg.org/myrepo/someimage*"],
        "attestors": [{"entries": [{"keys": {"publicKeys": key("ALICE")}}]}],
        "attestations": [{
            "type": "https://cyclonedx.org/schema",
            "conditions": [{"all": [{
                "key": "{{ components[?name=='commons-text'].version || 'none' }}",
                "operator": "AllNotIn",
                "value": ["1.5", "1.6", "1.7", "1.8", "1.9"],
            }]}],
        }],
    }]);
    let sbom = |version: &str| json!({"bomFormat": "CycloneDX", "components": [{"name": "commons-text", "version": version}]});
    let verifier = |version: &str| {
        FakeRegistry::default().with(
            "myreg.org/myrepo/someimage:2.0",
            FakeImage {
                digest: digest('e'),
                signers: vec!["ALICE"],
                attestations: vec![("https://cyclonedx.org/schema", "ALICE", sbom(version))],
                ..FakeImage::default()
            },
        )
    };
    let resource = pod(&container("myreg.org/myrepo/someimage:2.0"));
    let fixed = verifier("1.10.0");
    let response = apply(&[policy("Enforce", &entries)], &resource, &fixed);
    assert_eq!(only_rule(&response).status, RuleStatus::Pass);
    assert_eq!(
        fixed.asked(),
        [
            "myreg.org/myrepo/someimage:2.0".to_owned(),
            format!("myreg.org/myrepo/someimage@{}", digest('e')),
        ]
    );
    let vulnerable = verifier("1.9");
    let response = apply(&[policy("Enforce", &entries)], &resource, &vulnerable);
    assert_eq!(only_rule(&response).status, RuleStatus::Fail);
}

#[test]
fn unreachable_registry_is_an_error_not_a_verdict() {
    let verifier = FakeRegistry::default().with(
        "ghcr.io/kyverno/test-verify-image:signed",
        FakeImage {
            digest: digest('a'),
            signers: vec!["ALICE"],
            unavailable: true,
            ..FakeImage::default()
        },
    );
    let resource = pod(&container("ghcr.io/kyverno/test-verify-image:signed"));
    let response = apply(
        &[policy("Enforce", &signed_by("ALICE"))],
        &resource,
        &verifier,
    );
    let rule = only_rule(&response);
    assert_eq!(rule.status, RuleStatus::Error);
    assert!(
        rule.message.ends_with("registry timed out"),
        "{}",
        rule.message
    );
    assert_eq!(rule.failure_action, None);
}

#[test]
fn unsupported_attestors_answer_unsupported() {
    let resource = pod(&container("ghcr.io/kyverno/test-verify-image:signed"));
    // Read from the policy: a KMS key.
    let kms = policy(
        "Enforce",
        &json!([{
            "imageReferences": ["ghcr.io/*"],
            "attestors": [{"entries": [{"keys": {"kms": "gcpkms://projects/p/keys/k"}}]}],
        }]),
    );
    assert!(matches!(&kms.rules[0].kind, RuleKind::Unsupported(feature)
        if feature == "verifyImages.attestors.entries.keys.kms"));
    let response = apply(&[kms], &resource, &registry());
    assert_eq!(only_rule(&response).status, RuleStatus::Unsupported);
    // Answered by the verifier: it cannot check certificate attestors.
    let certificates = policy(
        "Enforce",
        &json!([{
            "imageReferences": ["ghcr.io/*"],
            "attestors": [{"entries": [{"certificates": {"cert": "PEM"}}]}],
        }]),
    );
    let response = apply(&[certificates], &resource, &registry());
    assert_eq!(only_rule(&response).status, RuleStatus::Unsupported);
    // Without a verifier (`policy apply`, `policy test`), every verifyImages rule is unsupported.
    let (user, labels, values) = (UserInfo::default(), BTreeMap::new(), Values::default());
    let request = Request {
        resource: &resource,
        old_resource: None,
        operation: Operation::Create,
        user: &user,
        namespace_labels: &labels,
        values: &values,
    };
    let response = engine::apply(&policy("Enforce", &signed_by("ALICE")), &request);
    let rule = only_rule(&response);
    assert_eq!(rule.status, RuleStatus::Unsupported);
    assert_eq!(
        rule.message,
        "`verifyImages` rules are not supported by custody"
    );
}

#[test]
fn a_decided_set_fails_even_with_an_unsupported_entry() {
    // Both entries must verify; the key entry is rejected, so the certificate entry the
    // verifier cannot check does not matter.
    let entries = json!([{
        "imageReferences": ["ghcr.io/*"],
        "attestors": [{"entries": [
            {"certificates": {"cert": "PEM"}},
            {"keys": {"publicKeys": key("BOB")}},
        ]}],
    }]);
    let resource = pod(&container("ghcr.io/kyverno/test-verify-image:signed"));
    let response = apply(&[policy("Enforce", &entries)], &resource, &registry());
    assert_eq!(only_rule(&response).status, RuleStatus::Fail);
}

#[test]
fn validate_rules_see_the_pinned_image() {
    let verify = json!({
        "name": "verify-image",
        "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
        "verifyImages": signed_by("ALICE"),
    });
    let require_digest = json!({
        "name": "require-digest",
        "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
        "validate": {"message": "images need digests", "pattern": {"spec": {"containers": [{"image": "*@sha256:*"}]}}},
    });
    let policy = Policy::from_value(&json!({
        "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
        "metadata": {"name": "pinned"},
        "spec": {"validationFailureAction": "Enforce", "rules": [require_digest, verify]},
    }))
    .unwrap();
    let resource = pod(&container("ghcr.io/kyverno/test-verify-image:signed"));
    let response = apply(&[policy], &resource, &registry());
    let statuses: Vec<(&str, RuleStatus)> = response
        .rules
        .iter()
        .map(|rule| (rule.rule.as_str(), rule.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("verify-image", RuleStatus::Pass),
            ("require-digest", RuleStatus::Pass)
        ]
    );
}

/// Every `verifyImages` policy of the Kyverno corpus reads: as a rule custody verifies, or as
/// an unsupported feature it names (KMS keys, Notary, ...), never as an error.
#[test]
fn corpus_verify_images_policies_read() {
    let mut files = Vec::new();
    collect_yaml(&corpus("kyverno"), &mut files);
    let (mut verified, mut unsupported) = (0, Vec::new());
    for file in &files {
        let text = fs_err::read_to_string(file).unwrap();
        if !text.contains("verifyImages:") {
            continue;
        }
        for object in read_objects(file).unwrap() {
            if !matches!(object["kind"].as_str(), Some("ClusterPolicy" | "Policy")) {
                continue;
            }
            let policy = Policy::from_value(&object)
                .unwrap_or_else(|error| panic!("{}: {error}", file.display()));
            for rule in &policy.rules {
                match &rule.kind {
                    RuleKind::VerifyImages(_) => verified += 1,
                    RuleKind::Unsupported(feature) if feature.starts_with("verifyImages") => {
                        unsupported.push(format!("{}: {feature}", file.display()));
                    }
                    _ => {}
                }
            }
        }
    }
    println!(
        "verifyImages rules: {verified} read, {} unsupported",
        unsupported.len()
    );
    for line in &unsupported {
        println!("  unsupported {line}");
    }
    assert!(verified >= 10, "only {verified} verifyImages rules read");
}

/// An entry with neither attestors nor attestations only pins images: the tag is resolved
/// through the verifier, with no signature asked for.
#[test]
fn digest_only_entry_resolves_and_pins_the_tag() {
    let entries = json!([{"imageReferences": ["ghcr.io/kyverno/*"]}]);
    let resource = pod(&container("ghcr.io/kyverno/test-verify-image:unsigned"));
    let verifier = registry();
    let response = apply(&[policy("Enforce", &entries)], &resource, &verifier);
    assert_eq!(only_rule(&response).status, RuleStatus::Pass);
    assert_eq!(
        response.image_patches[0]["value"],
        format!("ghcr.io/kyverno/test-verify-image:unsigned@{}", digest('b'))
    );
    assert_eq!(
        verifier.asked(),
        ["ghcr.io/kyverno/test-verify-image:unsigned"]
    );
}
