//! The Kyverno-compatible policy engine, built up in layers.
//!
//! - [`pattern`] is Kyverno's validate pattern language: anchors, wildcards and value operators
//!   evaluated on plain [`serde_json::Value`] resources. It knows nothing about policies,
//!   rules, match/exclude or variables; the rule engine built on top of it substitutes
//!   variables into a pattern first, then compiles it with [`pattern::Pattern::new`] and maps
//!   each [`pattern::PatternOutcome`] to a rule result (pass, fail, skip).
//! - [`condition`] is Kyverno's `preconditions` and `deny.conditions`: `any`/`all` blocks of
//!   key/operator/value conditions, evaluated on values whose variables are substituted.
//! - [`matching`] is Kyverno's `match`/`exclude`: which requests (kind, name, namespace,
//!   selectors, operation, requester) a rule applies to.
//! - [`mutate`] is Kyverno's mutate patches: `patchStrategicMerge` with its anchors and
//!   `patchesJson6902`, applied to resources once variables are substituted.
//! - [`jmespath`] is JMESPath with Kyverno's custom functions; [`variables`] substitutes the
//!   `{{ ... }}` and `$(...)` of a policy fragment from the context document.
//! - [`autogen`] derives the rules Kyverno generates for pod controllers and `CronJob`s.
//! - [`policy`] reads a policy into rules; [`context`] builds the request's variables and reads
//!   Kyverno CLI values and user info; [`engine`] applies policies to a request, rule by rule,
//!   with each rule's variables in a private `scope`.
//! - [`verify_images`] is Kyverno's `verifyImages`: image signatures and attestations checked
//!   through an [`ImageVerifier`](verify_images::ImageVerifier) the caller supplies, and the
//!   patches pinning verified images by digest.
//! - [`test_suite`] runs `kyverno-test.yaml` files as `kyverno test` does.
//!
//! Everything here mirrors kyverno/kyverno `pkg/engine` and cites the upstream file it follows.

pub mod autogen;
pub mod condition;
pub mod context;
pub mod engine;
pub mod jmespath;
pub mod matching;
pub mod mutate;
pub mod pattern;
pub mod policy;
mod scope;
pub mod test_suite;
pub mod variables;
pub mod verify_images;
