//! Kyverno conditions: the `preconditions` of a rule and the `deny.conditions` of a validate
//! rule, as kyverno/kyverno `api/kyverno/v1` (`Condition`, `AnyAllConditions`) declares them
//! and `pkg/engine/variables/operator/*.go` evaluates them.
//!
//! A [`Condition`] compares a `key` with a `value` through an [`Operator`]; [`Conditions`]
//! groups them in Kyverno's `any`/`all` blocks (a plain list is the legacy form of `all`).
//! Evaluation takes values whose `{{ ... }}` variables are already substituted: the rule engine
//! substitutes first, then calls [`Conditions::evaluate`]. Quantities, durations, wildcards and
//! ranges reuse the parsers of the [`pattern`](super::pattern) language, so `1Gi` equals
//! `1024Mi` here exactly as it does in a validate pattern.
//!
//! ```
//! use custody_policy::kyverno::condition::{ConditionBlock, ConditionOutcome, Conditions};
//! use serde_json::json;
//!
//! // A deny block after substitution: `{{ request.object.spec.containers[].resources... }}`
//! // became the memory limits of the containers.
//! let deny: Conditions = serde_json::from_value(json!({
//!     "any": [
//!         {"key": "2Gi", "operator": "GreaterThan", "value": "1024Mi",
//!          "message": "memory limit above 1Gi"},
//!         {"key": ["nginx:latest"], "operator": "AnyIn", "value": ["*:latest"]}
//!     ]
//! }))
//! .expect("valid conditions");
//! assert_eq!(deny.evaluate(), ConditionOutcome::Passed);
//!
//! let preconditions: Conditions = serde_json::from_value(json!([
//!     {"key": "1h", "operator": "LessThan", "value": "59m"}
//! ]))
//! .expect("a legacy list is an `all` block");
//! assert!(matches!(
//!     preconditions.evaluate(),
//!     ConditionOutcome::Failed { block: ConditionBlock::All, .. }
//! ));
//! ```
//!
//! Kyverno never fails a condition with an error: a key or value of a type an operator does not
//! handle makes the condition false (the Go handlers log and return `false`), and so does ours.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::pattern::number::{parse_duration, parse_quantity};
use super::pattern::value::split_range;
use super::pattern::{value_matches, wildcard_match};

/// Why a condition block cannot be read. Evaluation itself never fails: Kyverno makes a
/// condition false when its operands have types the operator does not handle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConditionError {
    /// An operator name that Kyverno does not know; such a condition is rejected rather than
    /// evaluated, so it can never pass by accident.
    #[error("unknown condition operator `{operator}`")]
    UnknownOperator {
        /// The operator as written in the policy.
        operator: String,
    },
}

/// How a [`Condition`] compares its key with its value (Kyverno docs, "Preconditions:
/// Operators"). Names are matched case-insensitively, as `operator.CreateOperatorHandler`
/// lower-cases them; the deprecated `Equal` and `NotEqual` spellings are accepted too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operator {
    /// Deep equality; strings compare as durations, then quantities, then wildcards.
    Equals,
    /// The negation of [`Operator::Equals`].
    NotEquals,
    /// Deprecated: the key (or every key of an array) is in the value.
    In,
    /// At least one key is in the value.
    AnyIn,
    /// Every key is in the value.
    AllIn,
    /// Deprecated: the negation of [`Operator::In`].
    NotIn,
    /// At least one key is not in the value.
    AnyNotIn,
    /// No key is in the value.
    AllNotIn,
    /// `key > value` over numbers, durations, quantities or semantic versions.
    GreaterThan,
    /// `key >= value`.
    GreaterThanOrEquals,
    /// `key < value`.
    LessThan,
    /// `key <= value`.
    LessThanOrEquals,
    /// Deprecated: `key > value` over durations (numbers are seconds).
    DurationGreaterThan,
    /// Deprecated: `key >= value` over durations.
    DurationGreaterThanOrEquals,
    /// Deprecated: `key < value` over durations.
    DurationLessThan,
    /// Deprecated: `key <= value` over durations.
    DurationLessThanOrEquals,
}

impl Operator {
    /// Every operator with its canonical Kyverno name.
    const NAMES: [(&'static str, Self); 16] = [
        ("Equals", Self::Equals),
        ("NotEquals", Self::NotEquals),
        ("In", Self::In),
        ("AnyIn", Self::AnyIn),
        ("AllIn", Self::AllIn),
        ("NotIn", Self::NotIn),
        ("AnyNotIn", Self::AnyNotIn),
        ("AllNotIn", Self::AllNotIn),
        ("GreaterThan", Self::GreaterThan),
        ("GreaterThanOrEquals", Self::GreaterThanOrEquals),
        ("LessThan", Self::LessThan),
        ("LessThanOrEquals", Self::LessThanOrEquals),
        ("DurationGreaterThan", Self::DurationGreaterThan),
        (
            "DurationGreaterThanOrEquals",
            Self::DurationGreaterThanOrEquals,
        ),
        ("DurationLessThan", Self::DurationLessThan),
        ("DurationLessThanOrEquals", Self::DurationLessThanOrEquals),
    ];

    /// Whether `key <operator> value` holds, with Kyverno's type rules.
    #[must_use]
    pub fn holds(self, key: &Value, value: &Value) -> bool {
        match self {
            Self::Equals => equals(key, value),
            Self::NotEquals => not_equals(key, value),
            Self::In => membership(key, value, Membership::In),
            Self::AnyIn => membership(key, value, Membership::AnyIn),
            Self::AllIn => membership(key, value, Membership::AllIn),
            Self::NotIn => membership(key, value, Membership::NotIn),
            Self::AnyNotIn => membership(key, value, Membership::AnyNotIn),
            Self::AllNotIn => membership(key, value, Membership::AllNotIn),
            Self::GreaterThan => numeric(key, value).is_some_and(Ordering::is_gt),
            Self::GreaterThanOrEquals => numeric(key, value).is_some_and(Ordering::is_ge),
            Self::LessThan => numeric(key, value).is_some_and(Ordering::is_lt),
            Self::LessThanOrEquals => numeric(key, value).is_some_and(Ordering::is_le),
            Self::DurationGreaterThan => duration(key, value).is_some_and(Ordering::is_gt),
            Self::DurationGreaterThanOrEquals => duration(key, value).is_some_and(Ordering::is_ge),
            Self::DurationLessThan => duration(key, value).is_some_and(Ordering::is_lt),
            Self::DurationLessThanOrEquals => duration(key, value).is_some_and(Ordering::is_le),
        }
    }
}

impl FromStr for Operator {
    type Err = ConditionError;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        let alias = match name.to_ascii_lowercase().as_str() {
            "equal" => Some(Self::Equals),
            "notequal" => Some(Self::NotEquals),
            _ => None,
        };
        alias
            .or_else(|| {
                Self::NAMES
                    .iter()
                    .find(|(known, _)| known.eq_ignore_ascii_case(name))
                    .map(|&(_, operator)| operator)
            })
            .ok_or_else(|| ConditionError::UnknownOperator {
                operator: name.to_owned(),
            })
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = Self::NAMES
            .iter()
            .find(|&&(_, operator)| operator == *self)
            .map_or("", |&(name, _)| name);
        formatter.write_str(name)
    }
}

impl<'de> Deserialize<'de> for Operator {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        name.parse().map_err(serde::de::Error::custom)
    }
}

/// One Kyverno condition: `key`, `operator`, `value` and an optional `message` shown when it
/// makes a precondition or deny block fail. A missing key or value is `null`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    /// The left operand, usually a substituted variable.
    #[serde(default)]
    pub key: Value,
    /// How key and value are compared.
    pub operator: Operator,
    /// The right operand.
    #[serde(default)]
    pub value: Value,
    /// What to report when the condition does not hold.
    #[serde(default)]
    pub message: Option<String>,
}

impl Condition {
    /// Whether the condition holds.
    #[must_use]
    pub fn holds(&self) -> bool {
        self.operator.holds(&self.key, &self.value)
    }
}

/// Kyverno's `AnyAllConditions`: `any` passes when one of its conditions holds, `all` when each
/// does, and both blocks must pass when both are present. An absent or empty block passes, as
/// in `pkg/engine/variables/evaluate.go`. The legacy plain list deserializes as `all`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conditions {
    /// The `any` block.
    pub any: Vec<Condition>,
    /// The `all` block (or the legacy list).
    pub all: Vec<Condition>,
}

impl<'de> Deserialize<'de> for Conditions {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// The `any`/`all` object form.
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Blocks {
            #[serde(default)]
            any: Option<Vec<Condition>>,
            #[serde(default)]
            all: Option<Vec<Condition>>,
        }
        // Dispatch on the shape by hand: an untagged enum would hide an unknown operator
        // behind "did not match any variant".
        let raw = Value::deserialize(deserializer)?;
        let conditions = match raw {
            Value::Null => Self::default(),
            Value::Array(_) => Self {
                any: Vec::new(),
                all: serde_json::from_value(raw).map_err(serde::de::Error::custom)?,
            },
            other => {
                let blocks: Blocks =
                    serde_json::from_value(other).map_err(serde::de::Error::custom)?;
                Self {
                    any: blocks.any.unwrap_or_default(),
                    all: blocks.all.unwrap_or_default(),
                }
            }
        };
        Ok(conditions)
    }
}

/// Which block of a [`Conditions`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConditionBlock {
    /// No condition of `any` held.
    Any,
    /// A condition of `all` did not hold.
    All,
}

/// A condition that did not hold, for the deny or precondition message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedCondition {
    /// Its position in its block.
    pub index: usize,
    /// Its `message`, when the policy gives one.
    pub message: Option<String>,
}

/// The verdict of [`Conditions::evaluate`].
#[must_use]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConditionOutcome {
    /// Every block passed.
    Passed,
    /// A block failed: for `any` every condition is listed, for `all` the first that did not
    /// hold (Kyverno stops there).
    Failed {
        /// The block that failed (`any` is evaluated first).
        block: ConditionBlock,
        /// The conditions that did not hold.
        conditions: Vec<FailedCondition>,
    },
}

impl Conditions {
    /// Evaluates both blocks on already-substituted keys and values.
    pub fn evaluate(&self) -> ConditionOutcome {
        let outcome: Result<_, std::convert::Infallible> =
            self.evaluate_with(|condition| Ok(condition.holds()));
        match outcome {
            Ok(outcome) => outcome,
            Err(never) => match never {},
        }
    }

    /// Evaluates both blocks in Kyverno's order, asking `holds` about each condition only when
    /// its verdict matters: `any` stops at the first condition that holds, `all` at the first
    /// that does not. The rule engine substitutes a condition's variables inside `holds`, so
    /// an unresolved variable in a condition that is never reached is not an error, as in
    /// Kyverno's `pkg/engine/variables/evaluate.go`.
    ///
    /// # Errors
    ///
    /// The first error `holds` returns.
    pub fn evaluate_with<E>(
        &self,
        mut holds: impl FnMut(&Condition) -> Result<bool, E>,
    ) -> Result<ConditionOutcome, E> {
        let failed = |(index, condition): (usize, &Condition)| FailedCondition {
            index,
            message: condition.message.clone(),
        };
        if !self.any.is_empty() {
            let mut any_holds = false;
            for condition in &self.any {
                if holds(condition)? {
                    any_holds = true;
                    break;
                }
            }
            if !any_holds {
                return Ok(ConditionOutcome::Failed {
                    block: ConditionBlock::Any,
                    conditions: self.any.iter().enumerate().map(failed).collect(),
                });
            }
        }
        for (index, condition) in self.all.iter().enumerate() {
            if !holds(condition)? {
                return Ok(ConditionOutcome::Failed {
                    block: ConditionBlock::All,
                    conditions: vec![failed((index, condition))],
                });
            }
        }
        Ok(ConditionOutcome::Passed)
    }
}

/// `equal.go`: booleans and numbers by value, strings as durations, then quantities (a quantity
/// key never equals a string that is not one), then the value as a wildcard over the key; maps
/// and arrays deep-equal. Other keys (null) never equal.
fn equals(key: &Value, value: &Value) -> bool {
    match key {
        Value::Bool(key) => value.as_bool() == Some(*key),
        Value::Number(key) => key
            .as_f64()
            .is_some_and(|key| number_of(value) == Some(key)),
        Value::String(text) => {
            if let Some(ordering) = compare_durations(key, value) {
                return ordering.is_eq();
            }
            match (parse_quantity(text), value.as_str()) {
                (Some(quantity), Some(value)) => parse_quantity(value) == Some(quantity),
                (_, Some(pattern)) => wildcard_match(pattern, text),
                (_, None) => false,
            }
        }
        Value::Object(_) | Value::Array(_) => deep_equal(key, value),
        Value::Null => false,
    }
}

/// `notequal.go`: the negation of [`equals`], except where both handlers give up: a null key,
/// and a quantity key against a string that is not a quantity (`"100"` against `"1*"`).
fn not_equals(key: &Value, value: &Value) -> bool {
    let gives_up = match key {
        Value::Null => true,
        Value::String(text) => {
            compare_durations(key, value).is_none()
                && parse_quantity(text).is_some()
                && value
                    .as_str()
                    .is_some_and(|value| parse_quantity(value).is_none())
        }
        _ => false,
    };
    !gives_up && !equals(key, value)
}

/// Go's `reflect.DeepEqual` on `encoding/json` values, where every number is a float64.
fn deep_equal(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(left), Value::Number(right)) => left.as_f64() == right.as_f64(),
        (Value::Array(left), Value::Array(right)) => {
            left.len() == right.len() && left.iter().zip(right).all(|(l, r)| deep_equal(l, r))
        }
        (Value::Object(left), Value::Object(right)) => {
            left.len() == right.len()
                && left
                    .iter()
                    .all(|(name, l)| right.get(name).is_some_and(|r| deep_equal(l, r)))
        }
        _ => left == right,
    }
}

/// A number, or a string Go's `strconv.ParseFloat` reads as one.
fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

/// `parseDuration` of `operator.go`: when at least one side is a Go duration string other than
/// `"0"`, the other side must be one too or a number of whole seconds (Go truncates the float
/// to a `time.Duration` count); `None` otherwise.
fn compare_durations(key: &Value, value: &Value) -> Option<Ordering> {
    let as_duration = |side: &Value| {
        side.as_str()
            .filter(|text| *text != "0")
            .and_then(parse_duration)
    };
    let (key_duration, value_duration) = (as_duration(key), as_duration(value));
    if key_duration.is_none() && value_duration.is_none() {
        return None;
    }
    let seconds = |side: &Value| side.as_f64().map(|seconds| seconds.trunc() * 1e9);
    let key = key_duration.or_else(|| seconds(key))?;
    let value = value_duration.or_else(|| seconds(value))?;
    key.partial_cmp(&value)
}

/// Both sides as Kubernetes quantities (`resource.ParseQuantity`); only strings are.
fn compare_quantities(key: &str, value: &Value) -> Option<Ordering> {
    parse_quantity(key)?.partial_cmp(&parse_quantity(value.as_str()?)?)
}

/// `numeric.go`: numbers, then (for string keys) durations, quantities, floats and finally
/// semantic versions; `None` when the two sides are not comparable.
fn numeric(key: &Value, value: &Value) -> Option<Ordering> {
    match key {
        Value::Number(number) => numeric_from_number(number.as_f64()?, value),
        Value::String(text) => {
            if let Some(ordering) = compare_durations(key, value) {
                return Some(ordering);
            }
            if let Some(ordering) = compare_quantities(text, value) {
                return Some(ordering);
            }
            if let Ok(number) = text.parse::<f64>() {
                return numeric_from_number(number, value);
            }
            Semver::parse(text)?.partial_cmp(&Semver::parse(value.as_str()?)?)
        }
        _ => None,
    }
}

/// A numeric key against a number, a duration string (the key counts seconds) or a string
/// holding a number.
fn numeric_from_number(number: f64, value: &Value) -> Option<Ordering> {
    match value {
        Value::Number(other) => number.partial_cmp(&other.as_f64()?),
        Value::String(text) => compare_durations(&Value::from(number), value)
            .or_else(|| number.partial_cmp(&text.parse::<f64>().ok()?)),
        _ => None,
    }
}

/// `duration.go`: both sides as durations, numbers counting whole seconds (Go converts the
/// float to a `time.Duration` count first, truncating it).
fn duration(key: &Value, value: &Value) -> Option<Ordering> {
    let nanos = |side: &Value| match side {
        Value::String(text) => parse_duration(text),
        Value::Number(seconds) => seconds.as_f64().map(|seconds| seconds.trunc() * 1e9),
        _ => None,
    };
    nanos(key)?.partial_cmp(&nanos(value)?)
}

/// The six set operators of `in.go`, `anyin.go`, `allin.go` and their negations.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Membership {
    In,
    AnyIn,
    AllIn,
    NotIn,
    AnyNotIn,
    AllNotIn,
}

/// The upstream handler family, whose lookups differ in small ways that policies can observe.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Family {
    /// Deprecated `In`/`NotIn`: exact set membership, a string value must be a JSON array.
    Legacy,
    /// `AnyIn`/`AnyNotIn`: wildcards both ways, ranges, plain strings and numbers as values.
    Any,
    /// `AllIn`/`AllNotIn`: like [`Family::Any`], but a scalar key is the wildcard pattern and
    /// a scalar key's string value must be a JSON array or a range.
    All,
}

impl Membership {
    fn family(self) -> Family {
        match self {
            Self::In | Self::NotIn => Family::Legacy,
            Self::AnyIn | Self::AnyNotIn => Family::Any,
            Self::AllIn | Self::AllNotIn => Family::All,
        }
    }

    fn negated(self) -> bool {
        matches!(self, Self::NotIn | Self::AnyNotIn | Self::AllNotIn)
    }
}

/// A scalar key is looked up in the value; an array key counts how many of its elements are
/// members. The value is an array, a range string `a-b`, a JSON array in a string, a plain
/// string or a number; a key or value of any other type makes every set operator false.
fn membership(key: &Value, value: &Value, operator: Membership) -> bool {
    let family = operator.family();
    let keys: Vec<String> = match key {
        Value::Array(items) => items.iter().map(go_sprint).collect(),
        // `in.go` and `allin.go` have no case for a boolean key; `anyin.go` prints it.
        Value::Bool(_) if family != Family::Any => return false,
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            return scalar_member(&go_sprint(key), value, family)
                .is_some_and(|found| found != operator.negated());
        }
        Value::Null | Value::Object(_) => return false,
    };
    let Some(members) = set_members(&keys, value, family) else {
        return false;
    };
    let found = members.iter().filter(|&&member| member).count();
    match operator {
        Membership::In | Membership::AllIn => found == keys.len(),
        Membership::AnyIn => found > 0,
        Membership::NotIn | Membership::AnyNotIn => found < keys.len(),
        Membership::AllNotIn => found == 0,
    }
}

/// Whether one scalar key is in the value (`keyExistsInArray` and its variants); `None` for an
/// invalid value.
fn scalar_member(key: &str, value: &Value, family: Family) -> Option<bool> {
    match value {
        Value::Array(items) => Some(items.iter().map(go_sprint).any(|item| match family {
            Family::Any => either_matches(key, &item),
            Family::Legacy | Family::All => wildcard_match(key, &item),
        })),
        Value::String(text) => {
            if wildcard_match(text, key) {
                return Some(true);
            }
            if family != Family::Legacy && split_range(text, "-").is_some() {
                return Some(in_range(key, text));
            }
            let list = match family {
                Family::Any => string_list(text)?,
                Family::Legacy | Family::All => serde_json::from_str(text).ok()?,
            };
            Some(list.iter().any(|item: &String| item == key))
        }
        _ => None,
    }
}

/// For each key of an array, whether it is in the value (`setExistsInArray` and its
/// variants); `None` for an invalid value.
fn set_members(keys: &[String], value: &Value, family: Family) -> Option<Vec<bool>> {
    let candidates: Vec<String> = match value {
        Value::Array(items) if family == Family::Legacy => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<_>>()?,
        Value::Array(items) => items.iter().map(go_sprint).collect(),
        Value::Number(_) if family == Family::Any => vec![go_sprint(value)],
        Value::String(text) => {
            if let [only] = keys
                && only == text
            {
                return Some(vec![true]);
            }
            if family == Family::Legacy {
                serde_json::from_str(text).ok()?
            } else if split_range(text, "-").is_some() {
                return Some(keys.iter().map(|key| in_range(key, text)).collect());
            } else {
                string_list(text)?
            }
        }
        _ => return None,
    };
    Some(
        keys.iter()
            .map(|key| {
                candidates.iter().any(|item| match family {
                    Family::Legacy => item == key,
                    Family::Any | Family::All => either_matches(key, item),
                })
            })
            .collect(),
    )
}

/// Kyverno matches set elements with a wildcard in either direction.
fn either_matches(key: &str, item: &str) -> bool {
    wildcard_match(item, key) || wildcard_match(key, item)
}

/// A range `a-b` as the pattern language reads it (quantities allowed at both ends).
fn in_range(key: &str, range: &str) -> bool {
    value_matches(
        &Value::String(key.to_owned()),
        &Value::String(range.to_owned()),
    )
}

/// A string value: a JSON array of strings when it is valid JSON, else the string itself.
/// Valid JSON of another shape (`{}`, `3`) is an invalid value, as in Kyverno.
fn string_list(text: &str) -> Option<Vec<String>> {
    match serde_json::from_str::<Value>(text) {
        Ok(_) => serde_json::from_str(text).ok(),
        Err(_) => Some(vec![text.to_owned()]),
    }
}

/// Go's `fmt.Sprint` of an `encoding/json` value, the form set operators compare.
fn go_sprint(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.as_f64().map_or_else(|| number.to_string(), go_float),
        Value::Bool(flag) => flag.to_string(),
        Value::Null => "<nil>".to_owned(),
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(go_sprint).collect();
            format!("[{}]", items.join(" "))
        }
        Value::Object(map) => {
            let mut entries: Vec<String> = map
                .iter()
                .map(|(name, item)| format!("{name}:{}", go_sprint(item)))
                .collect();
            entries.sort();
            format!("map[{}]", entries.join(" "))
        }
    }
}

/// A float64 as Go's `%v` prints it (`%g` with shortest digits): the exponent form below 1e-4
/// or from 1e6 on, so a port `8080` stays `8080` but `1000000` is `1e+06`.
fn go_float(number: f64) -> String {
    let scientific = format!("{number:e}");
    let exponent: i32 = scientific
        .split_once('e')
        .and_then(|(_, exponent)| exponent.parse().ok())
        .unwrap_or(0);
    if number != 0.0 && !(-4..6).contains(&exponent) {
        let (mantissa, _) = scientific.split_once('e').unwrap_or((&scientific, ""));
        let sign = if exponent < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exponent.abs())
    } else {
        format!("{number}")
    }
}

/// A semantic version as `blang/semver` parses it strictly: `MAJOR.MINOR.PATCH`, an optional
/// `-prerelease` and an ignored `+build`.
#[derive(Debug, PartialEq, Eq)]
struct Semver<'a> {
    core: [u64; 3],
    prerelease: Vec<&'a str>,
}

impl<'a> Semver<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let text = text.split_once('+').map_or(text, |(version, _)| version);
        let (core, prerelease) = match text.split_once('-') {
            Some((core, prerelease)) => (core, prerelease.split('.').collect()),
            None => (text, Vec::new()),
        };
        let mut parts = core.split('.').map(|part| {
            let leading_zero = part.len() > 1 && part.starts_with('0');
            (!leading_zero && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
        });
        let core = [parts.next()??, parts.next()??, parts.next()??];
        let valid_prerelease = prerelease.iter().all(|identifier: &&str| {
            !identifier.is_empty()
                && identifier
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        (parts.next().is_none() && valid_prerelease).then_some(Self { core, prerelease })
    }
}

impl PartialOrd for Semver<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.core.cmp(&other.core).then_with(|| {
            match (self.prerelease.is_empty(), other.prerelease.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.prerelease, &other.prerelease),
            }
        }))
    }
}

/// SemVer 2.0.0 §11: numeric identifiers compare as numbers and sort before alphanumeric ones.
fn compare_prerelease(left: &[&str], right: &[&str]) -> Ordering {
    for (l, r) in left.iter().zip(right) {
        let ordering = match (l.parse::<u64>(), r.parse::<u64>()) {
            (Ok(l), Ok(r)) => l.cmp(&r),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            (Err(_), Err(_)) => l.cmp(r),
        };
        if ordering.is_ne() {
            return ordering;
        }
    }
    left.len().cmp(&right.len())
}

#[cfg(test)]
mod tests {
    //! Helpers' edge cases: Go number formatting, semantic versions and string lists.
    use super::*;

    #[test]
    fn go_float_matches_fmt_sprint() {
        assert_eq!(go_float(8080.0), "8080");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(0.0), "0");
        assert_eq!(go_float(123_456.0), "123456");
        assert_eq!(go_float(1e6), "1e+06");
        assert_eq!(go_float(1_234_567.0), "1.234567e+06");
        assert_eq!(go_float(0.00001), "1e-05");
    }

    #[test]
    fn semver_order() {
        let parse = |text| Semver::parse(text).expect("valid version literal");
        assert!(parse("1.10.0") > parse("1.9.3"));
        assert!(parse("1.0.0-alpha") < parse("1.0.0"));
        assert!(parse("1.0.0-alpha.1") < parse("1.0.0-alpha.beta"));
        assert!(parse("1.0.0+build") == parse("1.0.0"));
        for bad in ["1.0", "01.0.0", "v1.0.0", "1.0.0-", "1.0.0.0"] {
            assert_eq!(Semver::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn string_lists() {
        assert_eq!(
            string_list(r#"["a","b"]"#),
            Some(vec!["a".to_owned(), "b".to_owned()])
        );
        assert_eq!(string_list("plain"), Some(vec!["plain".to_owned()]));
        assert_eq!(string_list("{}"), None);
    }
}
