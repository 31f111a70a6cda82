//! Kyverno's validate pattern language: a pattern is an overlay of the resource whose map keys
//! may carry anchors and whose leaf values are wildcard strings with operators.
//!
//! This mirrors kyverno/kyverno `pkg/engine/validate/validate.go` (`MatchPattern` and the tree
//! walk), `pkg/engine/anchor/handlers.go` (one handler per anchor), `pkg/engine/pattern` (leaf
//! values) and `pkg/engine/wildcards` (wildcard label and annotation keys), as documented in
//! Kyverno's "Validate Rules: Patterns", "Anchors", "Wildcards" and "Operators" pages.
//!
//! # Use from the rule engine
//!
//! Substitute variables (`{{ ... }}`) into the rule's pattern first, then compile it once with
//! [`Pattern::new`] (a malformed pattern is a [`PatternError`], which the rule engine reports as
//! a rule error, never a pass) and evaluate resources with [`Pattern::validate`]:
//!
//! - [`PatternOutcome::Pass`] is Kyverno's `pass`;
//! - [`PatternOutcome::Fail`] is `fail`, with the path Kyverno prints in
//!   `validation error: ... rule X failed at path /spec/containers/0/image/`;
//! - [`PatternOutcome::Skip`] is `skip`: a conditional or global anchor did not match, so the
//!   rule does not apply (Kyverno's `PatternError{Skip: true}` becomes `RuleSkip`).
//!
//! For `anyPattern`, Kyverno passes when any pattern passes, skips when every pattern skips,
//! and fails otherwise. Mutate rules (`patchStrategicMerge` with anchors) can reuse [`Anchor`],
//! [`value_matches`] and [`wildcard_match`].
//!
//! # Example
//!
//! ```
//! use custody_policy::kyverno::pattern::{Pattern, PatternOutcome};
//! use serde_json::json;
//!
//! let pattern = Pattern::new(&json!({
//!     "spec": {"containers": [{"image": "!*:latest"}]}
//! }))?;
//! let pod = json!({"spec": {"containers": [{"name": "app", "image": "nginx:latest"}]}});
//! assert!(matches!(
//!     pattern.validate(&pod),
//!     PatternOutcome::Fail { path, .. } if path == "/spec/containers/0/image/"
//! ));
//! # Ok::<(), custody_policy::kyverno::pattern::PatternError>(())
//! ```

mod anchor;
mod error;
pub(crate) mod number;
pub(crate) mod value;
mod walk;
mod wildcard;

use serde_json::Value;

pub use anchor::{Anchor, AnchorKind};
pub use error::{PatternError, PatternErrorKind};
pub use value::value_matches;
pub use wildcard::wildcard_match;

/// The result of evaluating a pattern on a resource, as Kyverno's engine reports it.
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PatternOutcome {
    /// The resource matches the pattern.
    Pass,
    /// The resource does not match.
    Fail {
        /// Kyverno's path of the mismatching field, `/spec/containers/0/image/` style.
        path: String,
        /// Why it does not match.
        reason: String,
    },
    /// A conditional `()` or global `<()` anchor did not match: the rule does not apply.
    Skip {
        /// The path of the anchor that did not match.
        path: String,
        /// Why it was skipped.
        reason: String,
    },
}

/// A validate pattern checked once for malformed anchors and operators, ready to evaluate
/// against any number of resources.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    root: Value,
}

impl Pattern {
    /// Checks `pattern` and keeps it for evaluation.
    ///
    /// # Errors
    ///
    /// A [`PatternError`] naming the pattern path of a malformed anchor key, an add-if-not-present
    /// anchor (mutate only), an existence anchor whose value is not a list of maps, an empty list,
    /// or a relational operator without a numeric operand.
    pub fn new(pattern: &Value) -> Result<Self, PatternError> {
        check(pattern, "/")?;
        Ok(Self {
            root: pattern.clone(),
        })
    }

    /// Evaluates the pattern on `resource`.
    pub fn validate(&self, resource: &Value) -> PatternOutcome {
        walk::evaluate(resource, &self.root)
    }
}

/// Compiles `pattern` and evaluates it on `resource`, for one-off checks.
///
/// # Errors
///
/// A [`PatternError`] when the pattern is malformed (see [`Pattern::new`]).
pub fn validate(resource: &Value, pattern: &Value) -> Result<PatternOutcome, PatternError> {
    Ok(Pattern::new(pattern)?.validate(resource))
}

/// Walks the whole pattern once, rejecting what Kyverno's policy validation rejects.
fn check(pattern: &Value, path: &str) -> Result<(), PatternError> {
    let error = |kind| PatternError {
        path: path.to_owned(),
        kind,
    };
    match pattern {
        Value::Object(map) => {
            for (key, value) in map {
                if Anchor::is_malformed(key) {
                    return Err(error(PatternErrorKind::MalformedAnchor {
                        key: key.clone(),
                    }));
                }
                let anchor = Anchor::parse(key);
                match anchor.map(|anchor| anchor.kind) {
                    Some(AnchorKind::AddIfNotPresent) => {
                        return Err(error(PatternErrorKind::MutateOnlyAnchor {
                            key: key.clone(),
                        }));
                    }
                    Some(AnchorKind::Existence)
                        if !value
                            .as_array()
                            .is_some_and(|items| items.iter().all(Value::is_object)) =>
                    {
                        return Err(error(PatternErrorKind::ExistenceNotListOfMaps {
                            key: key.clone(),
                        }));
                    }
                    _ => {}
                }
                let name = anchor.map_or(key.as_str(), |anchor| anchor.name);
                check(value, &format!("{path}{name}/"))?;
            }
            Ok(())
        }
        Value::Array(items) if items.is_empty() => Err(error(PatternErrorKind::EmptyList)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, item)| check(item, &format!("{path}{index}/"))),
        Value::String(text) => value::check_string_pattern(text).map_err(error),
        Value::Null | Value::Bool(_) | Value::Number(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    //! Pattern compilation errors: malformed patterns never evaluate.
    use serde_json::json;

    use super::*;

    fn error_of(pattern: &Value) -> PatternError {
        Pattern::new(pattern).expect_err("malformed pattern")
    }

    #[test]
    fn rejects_malformed_anchor() {
        let error = error_of(&json!({"spec": {"(hostNetwork": false}}));
        assert_eq!(error.path, "/spec/");
        assert!(
            matches!(error.kind, PatternErrorKind::MalformedAnchor { key } if key == "(hostNetwork")
        );
    }

    /// "Anchors": add-if-not-present is for mutate rules only.
    #[test]
    fn rejects_add_if_not_present() {
        let error = error_of(&json!({"metadata": {"labels": {"+(team)": "a"}}}));
        assert_eq!(error.path, "/metadata/labels/");
        assert!(matches!(
            error.kind,
            PatternErrorKind::MutateOnlyAnchor { .. }
        ));
    }

    #[test]
    fn rejects_existence_on_non_list_and_empty_lists() {
        let error = error_of(&json!({"spec": {"^(containers)": {"name": "x"}}}));
        assert!(matches!(
            error.kind,
            PatternErrorKind::ExistenceNotListOfMaps { .. }
        ));
        let error = error_of(&json!({"spec": {"containers": []}}));
        assert_eq!(
            (error.path.as_str(), error.kind),
            ("/spec/containers/", PatternErrorKind::EmptyList)
        );
    }

    #[test]
    fn rejects_non_numeric_relational_operand() {
        let error = error_of(&json!({"spec": {"containers": [{"image": ">abc"}]}}));
        assert_eq!(error.path, "/spec/containers/0/image/");
    }
}
