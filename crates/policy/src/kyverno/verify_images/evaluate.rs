//! Evaluates one `verifyImages` rule on one resource: finds the images its entries select,
//! asks the [`ImageVerifier`] about each, and turns the answers into one rule verdict and the
//! digest-pinning JSON patches.
//!
//! The rule engine calls [`evaluate`] after the rule's match, context and preconditions; what
//! the verifier answers maps to statuses as in kyverno/kyverno `pkg/engine/imageVerify.go`:
//! a rejected signature fails the rule, an unreachable registry is an error, and an attestor
//! the verifier cannot check is unsupported unless the other entries decide the set anyway.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};

use super::super::condition::{ConditionBlock, ConditionOutcome};
use super::super::engine::RuleStatus;
use super::super::pattern::wildcard_match;
use super::super::policy::FailureAction;
use super::super::scope::{Interpreter, Scope};
use super::spec::{Attestation, Attestor, AttestorSet, ImageVerification, SpecError};
use super::{ImageVerifier, VerifyFailure, VerifyImages};

/// What a `verifyImages` rule concluded about one resource.
#[derive(Debug)]
pub(in crate::kyverno) struct Outcome {
    /// The rule's verdict.
    pub(in crate::kyverno) status: RuleStatus,
    /// Why: the verified images, or each failing image and its reason.
    pub(in crate::kyverno) message: String,
    /// For a failing rule, whether it blocks admission.
    pub(in crate::kyverno) failure_action: Option<FailureAction>,
    /// RFC 6902 `replace` operations pinning verified images to their digests.
    pub(in crate::kyverno) patches: Vec<Value>,
    /// The resource with the patches applied, when there are any.
    pub(in crate::kyverno) patched: Option<Value>,
}

impl Outcome {
    fn verdict(status: RuleStatus, message: String) -> Self {
        Self {
            status,
            message,
            failure_action: None,
            patches: Vec::new(),
            patched: None,
        }
    }
}

/// Evaluates `rule` on `resource`. `images` is the request document's `images` variable (the
/// parsed image of each container by list and name) and `scope` the rule's variables.
pub(in crate::kyverno) fn evaluate(
    rule: &VerifyImages,
    resource: &Value,
    images: &Value,
    scope: &Scope<'_>,
    verifier: &dyn ImageVerifier,
    policy_action: FailureAction,
) -> Outcome {
    let entries = match rule.resolve(scope) {
        Ok(entries) => entries,
        Err(SpecError::Invalid { path, message }) => {
            return Outcome::verdict(RuleStatus::Error, format!("{path}: {message}"));
        }
        Err(SpecError::Unsupported(feature)) => {
            return Outcome::verdict(
                RuleStatus::Unsupported,
                format!("`{feature}` rules are not supported by custody"),
            );
        }
    };
    let sites = image_sites(resource, images);
    let checker = Checker {
        verifier,
        scope,
        base: OnceCell::new(),
    };
    let mut pinned = BTreeMap::new();
    let mut passed = Vec::new();
    let mut problems = Vec::new();
    for entry in entries.iter() {
        let action = entry.failure_action.unwrap_or(policy_action);
        for site in sites.iter().filter(|site| selects(entry, site)) {
            match checker.check(entry, site, &mut pinned) {
                Ok(()) => passed.push(site.name()),
                Err(problem) => problems.push((problem, action)),
            }
        }
    }
    if passed.is_empty() && problems.is_empty() {
        let references: Vec<&str> = entries
            .iter()
            .flat_map(|entry| entry.image_references.iter().map(String::as_str))
            .collect();
        return Outcome::verdict(
            RuleStatus::Skip,
            format!(
                "skip run verification as image in resource not found in imageRefs '{}'",
                references.join(",")
            ),
        );
    }
    let patches: Vec<Value> = pinned
        .into_iter()
        .map(|(pointer, value)| json!({"op": "replace", "path": pointer, "value": value}))
        .collect();
    let pinned_resource = apply(resource, &patches);
    let Some(worst) = problems.iter().map(|(problem, _)| problem.severity).max() else {
        let mut seen = BTreeSet::new();
        passed.retain(|image| seen.insert(image.clone()));
        return Outcome {
            status: RuleStatus::Pass,
            message: format!("verified image signatures for {}", passed.join(", ")),
            failure_action: None,
            patches,
            patched: pinned_resource,
        };
    };
    let enforce = problems.iter().any(|(problem, action)| {
        problem.severity == Severity::Fail && *action == FailureAction::Enforce
    });
    let message: Vec<String> = problems
        .into_iter()
        .map(|(problem, _)| problem.message)
        .collect();
    Outcome {
        status: match worst {
            Severity::Fail => RuleStatus::Fail,
            Severity::Error => RuleStatus::Error,
            Severity::Unsupported => RuleStatus::Unsupported,
        },
        message: message.join("; "),
        failure_action: Some(if enforce {
            FailureAction::Enforce
        } else {
            FailureAction::Audit
        }),
        patches,
        patched: pinned_resource,
    }
}

/// Where one container image sits in the resource, and its parts.
#[derive(Debug)]
struct ImageSite<'r> {
    /// JSON pointer to the `image` field, such as `/spec/template/spec/containers/0/image`.
    pointer: String,
    /// The image as written.
    written: &'r str,
    /// `registry/path`, the registry always named.
    repository: String,
    /// The tag (`latest` when neither tag nor digest is written).
    tag: String,
    /// The written digest.
    digest: Option<String>,
}

impl ImageSite<'_> {
    /// Kyverno's `ImageInfo.String()`: `registry/path@digest`, or `registry/path:tag`.
    fn name(&self) -> String {
        self.pinned(self.digest.as_deref())
    }

    /// [`Self::name`] with `digest` when one is known.
    fn pinned(&self, digest: Option<&str>) -> String {
        match digest {
            Some(digest) => format!("{}@{digest}", self.repository),
            None if self.tag.is_empty() => self.repository.clone(),
            None => format!("{}:{}", self.repository, self.tag),
        }
    }

    /// The image pinned to `digest` keeping its tag, as Kyverno's `makeAddDigestPatch` writes
    /// it: `registry/path:tag@digest`.
    fn with_digest(&self, digest: &str) -> String {
        if self.tag.is_empty() {
            format!("{}@{digest}", self.repository)
        } else {
            format!("{}:{}@{digest}", self.repository, self.tag)
        }
    }
}

/// Whether `entry` checks the image at `site`: a reference pattern matches the image as
/// written or normalized (`nginx` is also `docker.io/nginx:latest`), and no skip pattern does.
fn selects(entry: &ImageVerification, site: &ImageSite<'_>) -> bool {
    let name = site.name();
    let forms = [site.written, name.as_str()];
    let matches = |patterns: &[String]| {
        patterns
            .iter()
            .any(|pattern| forms.iter().any(|form| wildcard_match(pattern, form)))
    };
    matches(&entry.image_references) && !matches(&entry.skip_image_references)
}

/// Every container image of the resource's pod spec, in list order, as Kyverno's image
/// extractors find them.
fn image_sites<'r>(resource: &'r Value, images: &Value) -> Vec<ImageSite<'r>> {
    let prefix = match resource["kind"].as_str() {
        Some("Pod") => "/spec",
        Some("CronJob") => "/spec/jobTemplate/spec/template/spec",
        _ => "/spec/template/spec",
    };
    let Some(pod_spec) = resource.pointer(prefix) else {
        return Vec::new();
    };
    let mut sites = Vec::new();
    for list in ["initContainers", "containers", "ephemeralContainers"] {
        let containers = pod_spec[list].as_array().map_or(&[][..], Vec::as_slice);
        for (index, container) in containers.iter().enumerate() {
            let Some(written) = container["image"].as_str() else {
                continue;
            };
            let info = container["name"]
                .as_str()
                .map_or(&Value::Null, |name| &images[list][name]);
            sites.push(site(
                format!("{prefix}/{list}/{index}/image"),
                written,
                info,
            ));
        }
    }
    sites
}

/// One site from the `images` variable's parts of its image; an image missing there (a
/// container without a name) is taken as written.
fn site<'r>(pointer: String, written: &'r str, info: &Value) -> ImageSite<'r> {
    let text = |field: &str| info[field].as_str().filter(|text| !text.is_empty());
    if let (Some(registry), Some(path)) = (text("registry"), text("path")) {
        return ImageSite {
            pointer,
            written,
            repository: format!("{registry}/{path}"),
            tag: text("tag").unwrap_or_default().to_owned(),
            digest: text("digest").map(str::to_owned),
        };
    }
    let (repository, digest) = match written.split_once('@') {
        Some((repository, digest)) => (repository, Some(digest.to_owned())),
        None => (written, None),
    };
    ImageSite {
        pointer,
        written,
        repository: repository.to_owned(),
        tag: String::new(),
        digest,
    }
}

/// How bad a problem is; a rule takes its worst image's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Severity {
    /// Could not be checked by custody.
    Unsupported,
    /// Could not be checked now.
    Error,
    /// Checked and not verified.
    Fail,
}

/// Why one image did not pass one entry.
#[derive(Debug)]
struct Problem {
    severity: Severity,
    message: String,
}

impl Problem {
    fn new(severity: Severity, message: String) -> Self {
        Self { severity, message }
    }
}

/// Asks the verifier about images, sharing the rule's variables between predicates.
struct Checker<'a> {
    verifier: &'a dyn ImageVerifier,
    scope: &'a Scope<'a>,
    /// The rule's variables as one document, built on the first predicate with conditions.
    base: OnceCell<Result<Value, String>>,
}

impl Checker<'_> {
    /// Checks one image against one entry; on success, records the digest it is pinned to.
    fn check(
        &self,
        entry: &ImageVerification,
        site: &ImageSite<'_>,
        pinned: &mut BTreeMap<String, String>,
    ) -> Result<(), Problem> {
        let image = site.name();
        let earlier = pinned
            .get(&site.pointer)
            .and_then(|value| value.rsplit_once('@').map(|(_, digest)| digest.to_owned()));
        let mut digest = site.digest.clone().or(earlier);
        for (index, set) in entry.attestors.iter().enumerate() {
            let target = site.pinned(digest.as_deref());
            let verified = verify_set(set, |attestor| {
                self.verifier
                    .verify_signature(&target, attestor)
                    .map(|verified| verified.digest)
            })
            .map_err(|(severity, reason)| {
                Problem::new(
                    severity,
                    format!(
                        "image {image} failed signature verification: attestors[{index}]: {reason}"
                    ),
                )
            })?;
            digest = Some(same_digest(&image, digest, verified)?);
        }
        for (index, attestation) in entry.attestations.iter().enumerate() {
            let sets = if attestation.attestors.is_empty() {
                &entry.attestors
            } else {
                &attestation.attestors
            };
            if sets.is_empty() {
                return Err(Problem::new(
                    Severity::Error,
                    format!(
                        "image {image}: attestations[{index}] ({}) has no attestors",
                        attestation.predicate_type
                    ),
                ));
            }
            for (set_index, set) in sets.iter().enumerate() {
                let target = site.pinned(digest.as_deref());
                let attested = verify_set(set, |attestor| {
                    self.attested(&target, attestation, attestor)
                })
                .map_err(|(severity, reason)| {
                    Problem::new(
                        severity,
                        format!(
                            "image {image} failed attestation verification: \
                             attestations[{index}].attestors[{set_index}]: {reason}"
                        ),
                    )
                })?;
                digest = Some(same_digest(&image, digest, attested)?);
            }
        }
        if site.digest.is_some() || pinned.contains_key(&site.pointer) {
            return Ok(());
        }
        if entry.mutate_digest {
            let digest = match digest {
                Some(digest) => digest,
                None => self.verifier.resolve_digest(&image).map_err(|failure| {
                    Problem::new(
                        severity_of(&failure),
                        format!("image {image}: resolving its digest: {failure}"),
                    )
                })?,
            };
            if !is_digest(&digest) {
                return Err(Problem::new(
                    Severity::Error,
                    format!("image {image}: the verifier returned an invalid digest `{digest}`"),
                ));
            }
            pinned.insert(site.pointer.clone(), site.with_digest(&digest));
        } else if entry.verify_digest {
            return Err(Problem::new(
                Severity::Fail,
                format!("missing digest for image {image}"),
            ));
        }
        Ok(())
    }

    /// One attestor's verified statements of the attestation's type, each predicate checked
    /// against the conditions; the attested digest.
    fn attested(
        &self,
        image: &str,
        attestation: &Attestation,
        attestor: &Attestor,
    ) -> Result<String, VerifyFailure> {
        let attested =
            self.verifier
                .verify_attestations(image, &attestation.predicate_type, attestor)?;
        if attested.predicates.is_empty() {
            return Err(VerifyFailure::Rejected {
                reason: format!(
                    "no verified attestation of type {}",
                    attestation.predicate_type
                ),
            });
        }
        for predicate in &attested.predicates {
            self.check_conditions(attestation, predicate)
                .map_err(|reason| VerifyFailure::Rejected { reason })?;
        }
        Ok(attested.digest)
    }

    /// Evaluates the attestation's conditions with the predicate's fields added to the rule's
    /// variables, as Kyverno's `EvaluateConditions` adds them to its context.
    fn check_conditions(&self, attestation: &Attestation, predicate: &Value) -> Result<(), String> {
        if attestation.conditions.is_empty() {
            return Ok(());
        }
        let kind = &attestation.predicate_type;
        let Value::Object(fields) = predicate else {
            return Err(format!("the {kind} predicate is not an object"));
        };
        let base = self
            .base
            .get_or_init(|| self.scope.search("@"))
            .as_ref()
            .map_err(Clone::clone)?;
        let mut document = match base {
            Value::Object(base) => base.clone(),
            _ => serde_json::Map::new(),
        };
        document.extend(
            fields
                .iter()
                .map(|(key, value)| (key.clone(), value.clone())),
        );
        let document = Value::Object(document);
        let interpreter = Interpreter::new();
        let scope = Scope::shared(&document, &interpreter);
        for (index, conditions) in attestation.conditions.iter().enumerate() {
            match scope.evaluate(conditions) {
                Ok(ConditionOutcome::Passed) => {}
                Ok(ConditionOutcome::Failed { block, conditions }) => {
                    let block = match block {
                        ConditionBlock::Any => "any",
                        ConditionBlock::All => "all",
                    };
                    let detail: Vec<String> = conditions
                        .iter()
                        .map(|condition| {
                            condition.message.clone().unwrap_or_else(|| {
                                format!("{block}[{}] does not hold", condition.index)
                            })
                        })
                        .collect();
                    return Err(format!(
                        "{kind} attestation conditions[{index}] not met: {}",
                        detail.join(", ")
                    ));
                }
                Err(error) => {
                    return Err(format!(
                        "{kind} attestation conditions[{index}] could not be evaluated: {error}"
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Checks one attestor set: `count` of its entries must pass `check` (all of them when no
/// count is given), as Kyverno's `verifyAttestorSet`; entries are tried in order and checking
/// stops once enough passed. On failure, the severity and every entry's reason: `Fail` when
/// the entries that could not be checked would not have been enough anyway.
fn verify_set(
    set: &AttestorSet,
    mut check: impl FnMut(&Attestor) -> Result<String, VerifyFailure>,
) -> Result<String, (Severity, String)> {
    let required = set.required();
    if set.entries.is_empty() {
        return Err((
            Severity::Error,
            "the attestor set has no entries".to_owned(),
        ));
    }
    if required > set.entries.len() {
        return Err((
            Severity::Fail,
            format!(
                "count {required} exceeds the {} entries of the set",
                set.entries.len()
            ),
        ));
    }
    let (mut verified, mut undecided, mut unavailable) = (0, 0, false);
    let mut reasons = Vec::new();
    for (index, attestor) in set.entries.iter().enumerate() {
        match check(attestor) {
            Ok(digest) => {
                verified += 1;
                if verified >= required {
                    return Ok(digest);
                }
            }
            Err(failure) => {
                match severity_of(&failure) {
                    Severity::Fail => {}
                    Severity::Error => (undecided, unavailable) = (undecided + 1, true),
                    Severity::Unsupported => undecided += 1,
                }
                reasons.push(format!("entries[{index}]: {failure}"));
            }
        }
    }
    let severity = if verified + undecided < required {
        Severity::Fail
    } else if unavailable {
        Severity::Error
    } else {
        Severity::Unsupported
    };
    Err((severity, reasons.join("; ")))
}

fn severity_of(failure: &VerifyFailure) -> Severity {
    match failure {
        VerifyFailure::Rejected { .. } => Severity::Fail,
        VerifyFailure::Unavailable { .. } => Severity::Error,
        VerifyFailure::Unsupported { .. } => Severity::Unsupported,
    }
}

/// The digest an attestor verified, which must be the one already known for the image.
fn same_digest(image: &str, known: Option<String>, verified: String) -> Result<String, Problem> {
    match known {
        Some(known) if known != verified => Err(Problem::new(
            Severity::Fail,
            format!("image {image}: an attestor verified digest {verified}, not {known}"),
        )),
        _ => Ok(verified),
    }
}

/// Whether `digest` is an OCI digest custody writes into a pod spec: `sha256:` or `sha512:`
/// with the right number of lowercase hex digits.
fn is_digest(digest: &str) -> bool {
    let hex_of = |hex: &str, length: usize| {
        hex.len() == length
            && hex
                .bytes()
                .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
    };
    match digest.split_once(':') {
        Some(("sha256", hex)) => hex_of(hex, 64),
        Some(("sha512", hex)) => hex_of(hex, 128),
        _ => false,
    }
}

/// `resource` with the `replace` operations applied, when there are any.
fn apply(resource: &Value, operations: &[Value]) -> Option<Value> {
    if operations.is_empty() {
        return None;
    }
    let mut result = resource.clone();
    for operation in operations {
        let (Some(pointer), Some(value)) = (operation["path"].as_str(), operation.get("value"))
        else {
            continue;
        };
        if let Some(target) = result.pointer_mut(pointer) {
            *target = value.clone();
        }
    }
    Some(result)
}

#[cfg(test)]
mod tests {
    //! The attestor-set arithmetic, image sites and digest checks, without an engine.

    use super::*;
    use crate::kyverno::verify_images::{AttestorKind, KeyAttestor};

    fn set(count: Option<usize>, entries: usize) -> AttestorSet {
        let attestor = Attestor {
            kind: AttestorKind::Key(KeyAttestor {
                public_key: String::new(),
                signature_algorithm: "sha256".to_owned(),
                rekor: super::super::Rekor::default(),
                ctlog: super::super::Ctlog::default(),
            }),
            repository: None,
            use_cache: true,
        };
        AttestorSet {
            count,
            entries: vec![attestor; entries],
        }
    }

    /// Answers each entry in turn from `answers`.
    fn run(
        set: &AttestorSet,
        answers: Vec<Result<&str, VerifyFailure>>,
    ) -> Result<String, (Severity, String)> {
        let mut answers = answers.into_iter();
        verify_set(set, |_| {
            answers
                .next()
                .expect("one answer per entry checked")
                .map(str::to_owned)
        })
    }

    fn rejected() -> VerifyFailure {
        VerifyFailure::Rejected {
            reason: "bad signature".to_owned(),
        }
    }

    fn unsupported() -> VerifyFailure {
        VerifyFailure::Unsupported {
            feature: "x".to_owned(),
        }
    }

    #[test]
    fn set_stops_once_count_entries_verified() {
        // Only one answer: a second call would panic.
        assert_eq!(run(&set(Some(1), 3), vec![Ok("d")]), Ok("d".to_owned()));
        assert_eq!(
            run(&set(None, 2), vec![Ok("d"), Err(rejected())]),
            Err((Severity::Fail, "entries[1]: bad signature".to_owned()))
        );
    }

    #[test]
    fn undecided_entries_make_the_set_unsupported_or_an_error_only_when_they_matter() {
        let one_of_two = set(Some(1), 2);
        let (severity, _) = run(&one_of_two, vec![Err(rejected()), Err(unsupported())])
            .expect_err("nothing verified");
        assert_eq!(severity, Severity::Unsupported);
        let unavailable = VerifyFailure::Unavailable {
            reason: "timeout".to_owned(),
        };
        let (severity, _) = run(&one_of_two, vec![Err(unsupported()), Err(unavailable)])
            .expect_err("nothing verified");
        assert_eq!(severity, Severity::Error);
        let (severity, _) = run(&set(None, 2), vec![Err(unsupported()), Err(rejected())])
            .expect_err("nothing verified");
        assert_eq!(severity, Severity::Fail);
    }

    #[test]
    fn impossible_counts_and_empty_sets_do_not_pass() {
        assert_eq!(
            run(&set(Some(3), 2), vec![]),
            Err((
                Severity::Fail,
                "count 3 exceeds the 2 entries of the set".to_owned()
            ))
        );
        assert_eq!(
            run(&set(None, 0), vec![]),
            Err((
                Severity::Error,
                "the attestor set has no entries".to_owned()
            ))
        );
    }

    #[test]
    fn sites_cover_every_container_list_with_pointers() {
        let resource = serde_json::json!({"kind": "Pod", "spec": {
            "initContainers": [{"name": "init", "image": "busybox"}],
            "containers": [{"name": "app", "image": "ghcr.io/org/app:1.0@sha256:abc"}],
            "ephemeralContainers": [{"image": "debug:1"}],
        }});
        let images = serde_json::json!({
            "initContainers": {"init": {"registry": "docker.io", "path": "busybox", "tag": "latest", "digest": ""}},
            "containers": {"app": {"registry": "ghcr.io", "path": "org/app", "tag": "1.0", "digest": "sha256:abc"}},
        });
        let sites = image_sites(&resource, &images);
        let summary: Vec<(&str, String)> = sites
            .iter()
            .map(|site| (site.pointer.as_str(), site.name()))
            .collect();
        assert_eq!(
            summary,
            [
                (
                    "/spec/initContainers/0/image",
                    "docker.io/busybox:latest".to_owned()
                ),
                (
                    "/spec/containers/0/image",
                    "ghcr.io/org/app@sha256:abc".to_owned()
                ),
                // No name, so not in `images`: taken as written.
                ("/spec/ephemeralContainers/0/image", "debug:1".to_owned()),
            ]
        );
        assert_eq!(
            sites[0].with_digest("sha256:ff"),
            "docker.io/busybox:latest@sha256:ff"
        );
    }

    #[test]
    fn only_well_formed_digests_are_written() {
        assert!(is_digest(&format!("sha256:{}", "a".repeat(64))));
        assert!(is_digest(&format!("sha512:{}", "0".repeat(128))));
        for bad in [
            "sha256:abc".to_owned(),
            format!("sha256:{}", "A".repeat(64)),
            format!("md5:{}", "a".repeat(64)),
            format!("sha256:{}\"", "a".repeat(63)),
        ] {
            assert!(!is_digest(&bad), "{bad}");
        }
    }
}
