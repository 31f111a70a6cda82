//! [`PatternError`]: a pattern that Kyverno's policy validation would reject, found when the
//! pattern is compiled so that a malformed pattern is never mistaken for a passing one.

/// A malformed validate pattern, with the pattern path (Kyverno's `/spec/containers/0/`
/// style) of the offending key or value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid pattern at `{path}`: {kind}")]
pub struct PatternError {
    /// Where in the pattern the problem is, as `/a/b/0/` (the root is `/`).
    pub path: String,
    /// What is wrong there.
    pub kind: PatternErrorKind,
}

/// What makes a pattern malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PatternErrorKind {
    /// A key that opens like an anchor (`(`, `=(`, `^(`, `X(`, `<(`, `+(`) but is not
    /// `modifier(name)` with a non-empty name.
    #[error(
        "malformed anchor `{key}`: expected `(name)`, `=(name)`, `^(name)`, `X(name)` or `<(name)`"
    )]
    MalformedAnchor {
        /// The key as written.
        key: String,
    },
    /// The add-if-not-present anchor `+(name)` belongs to mutate rules; Kyverno's policy
    /// validation rejects it in validate patterns.
    #[error("anchor `{key}` is only allowed in mutate patterns")]
    MutateOnlyAnchor {
        /// The key as written.
        key: String,
    },
    /// An existence anchor `^(name)` whose value is not a list of maps.
    #[error("existence anchor `{key}` needs a list of maps as its value")]
    ExistenceNotListOfMaps {
        /// The key as written.
        key: String,
    },
    /// An empty list, which Kyverno rejects when evaluating ("pattern Array empty").
    #[error("empty list in pattern")]
    EmptyList,
    /// A relational operator (`>`, `<`, `>=`, `<=`) whose operand is not a number, quantity or
    /// duration: Kyverno would compare it as a string and never match.
    #[error("operator `{operator}` needs a number, quantity or duration, found `{operand}`")]
    OperandNotNumeric {
        /// The operator as written.
        operator: String,
        /// The operand after the operator, trimmed.
        operand: String,
    },
}
