//! Matching one resource value against one scalar pattern value, as kyverno/kyverno
//! `pkg/engine/pattern/pattern.go` (`Validate`) and `pkg/engine/operator/operator.go` do:
//! booleans and numbers compare by type, `null` matches zero values, and strings are
//! `|`-separated alternatives of `&`-separated conditions, each an optional operator (`>`, `<`,
//! `>=`, `<=`, `!`, ranges `a-b` and `a!-b`) followed by a wildcard string, number, quantity or
//! duration.

use serde_json::{Number, Value};

use super::error::PatternErrorKind;
use super::number::{parse_duration, parse_quantity};
use super::wildcard::wildcard_match;

/// Whether `resource` matches the scalar `pattern` (a string, number, boolean or `null`).
///
/// Lists and maps as patterns never match here: the tree walk in [`super::Pattern`] handles
/// them. A string pattern is first compared for equality, then evaluated as Kyverno's value
/// expression language (Kyverno docs, "Validate Rules: Operators").
#[must_use]
pub fn value_matches(resource: &Value, pattern: &Value) -> bool {
    match pattern {
        Value::Bool(expected) => resource.as_bool() == Some(*expected),
        Value::Number(expected) => number_matches(resource, expected),
        Value::Null => null_matches(resource),
        Value::String(expected) => string_matches(resource, expected),
        Value::Array(_) | Value::Object(_) => false,
    }
}

/// Kyverno decodes policy patterns with `encoding/json`, so every pattern number is a float:
/// an integral pattern equals the same integer, and a string resource value is parsed first.
fn number_matches(resource: &Value, expected: &Number) -> bool {
    let Some(expected) = expected.as_f64() else {
        return false;
    };
    match resource {
        Value::Number(actual) => actual.as_f64() == Some(expected),
        Value::String(text) => text.trim().parse::<f64>().ok() == Some(expected),
        _ => false,
    }
}

/// A `null` pattern matches a missing or null field and every zero value (`0`, `""`, `false`).
fn null_matches(resource: &Value) -> bool {
    match resource {
        Value::Null => true,
        Value::Bool(value) => !value,
        Value::Number(value) => value.as_f64() == Some(0.0),
        Value::String(value) => value.is_empty(),
        Value::Array(_) | Value::Object(_) => false,
    }
}

fn string_matches(resource: &Value, pattern: &str) -> bool {
    if resource.as_str() == Some(pattern) {
        return true;
    }
    pattern.split('|').any(|alternative| {
        alternative
            .trim()
            .split('&')
            .all(|condition| condition_matches(resource, condition.trim()))
    })
}

/// A comparison operator at the start of a condition (`pkg/engine/operator/operator.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    Equal,
    NotEqual,
    More,
    Less,
    MoreEqual,
    LessEqual,
}

impl Operator {
    fn symbol(self) -> &'static str {
        match self {
            Self::Equal => "",
            Self::NotEqual => "!",
            Self::More => ">",
            Self::Less => "<",
            Self::MoreEqual => ">=",
            Self::LessEqual => "<=",
        }
    }

    fn is_relational(self) -> bool {
        !matches!(self, Self::Equal | Self::NotEqual)
    }

    fn holds(self, ordering: Option<std::cmp::Ordering>) -> bool {
        use std::cmp::Ordering::{Equal, Greater, Less};
        match (self, ordering) {
            (Self::Equal, Some(Equal)) | (Self::More, Some(Greater)) | (Self::Less, Some(Less)) => {
                true
            }
            (Self::NotEqual, ordering) => ordering != Some(Equal),
            (Self::MoreEqual, Some(ordering)) => ordering != Less,
            (Self::LessEqual, Some(ordering)) => ordering != Greater,
            _ => false,
        }
    }
}

/// One condition split into its parts.
enum Condition<'a> {
    /// `left-right`: `>=left & <=right`.
    InRange(&'a str, &'a str),
    /// `left!-right`: `<left | >right`.
    NotInRange(&'a str, &'a str),
    /// An operator and its operand (trimmed).
    Compare(Operator, &'a str),
}

impl<'a> Condition<'a> {
    fn parse(condition: &'a str) -> Self {
        // Kyverno treats patterns shorter than two bytes as literals (so `>` is the string ">").
        if condition.len() >= 2 {
            for operator in [
                Operator::MoreEqual,
                Operator::LessEqual,
                Operator::More,
                Operator::Less,
                Operator::NotEqual,
            ] {
                if let Some(operand) = condition.strip_prefix(operator.symbol()) {
                    return Self::Compare(operator, operand.trim());
                }
            }
            if let Some((left, right)) = split_range(condition, "!-") {
                return Self::NotInRange(left, right);
            }
            if let Some((left, right)) = split_range(condition, "-") {
                return Self::InRange(left, right);
            }
        }
        Self::Compare(Operator::Equal, condition)
    }
}

/// Splits `a<sep>b` where both sides are a number with an optional unit and no `-`, as
/// Kyverno's range regexes `^(\d+(\.\d+)?)([^-]*)(!-|-)(\d+(\.\d+)?)([^-]*)$` require.
pub(crate) fn split_range<'a>(condition: &'a str, separator: &str) -> Option<(&'a str, &'a str)> {
    let (left, right) = condition.split_once(separator)?;
    let endpoint = |side: &str| {
        let digits = side.trim_start_matches(|c: char| c.is_ascii_digit());
        let unit = match digits.strip_prefix('.') {
            Some(fraction) => {
                let rest = fraction.trim_start_matches(|c: char| c.is_ascii_digit());
                (rest.len() < fraction.len()).then_some(rest)
            }
            None => Some(digits),
        };
        digits.len() < side.len() && unit.is_some_and(|unit| !unit.contains('-'))
    };
    (endpoint(left) && endpoint(right)).then_some((left, right))
}

fn condition_matches(resource: &Value, condition: &str) -> bool {
    match Condition::parse(condition) {
        Condition::InRange(left, right) => {
            compare(resource, Operator::MoreEqual, left.trim())
                && compare(resource, Operator::LessEqual, right.trim())
        }
        Condition::NotInRange(left, right) => {
            compare(resource, Operator::Less, left.trim())
                || compare(resource, Operator::More, right.trim())
        }
        Condition::Compare(operator, operand) => compare(resource, operator, operand),
    }
}

/// Compares as Kyverno's `validateStringPattern` after the operator: an operand that starts
/// with a number is compared as a duration, then a quantity, else as a wildcard string.
fn compare(resource: &Value, operator: Operator, operand: &str) -> bool {
    if !starts_with_number(operand) {
        return compare_string(resource, operator, operand);
    }
    let Some(actual) = number_text(resource) else {
        return false;
    };
    if let (Some(expected), Some(actual)) = (parse_duration(operand), parse_duration(&actual)) {
        return operator.holds(actual.partial_cmp(&expected));
    }
    if let Some(expected) = parse_quantity(operand) {
        // Kyverno stops here: a pattern quantity never falls back to a string comparison.
        return parse_quantity(&actual)
            .is_some_and(|actual| operator.holds(actual.partial_cmp(&expected)));
    }
    compare_string(resource, operator, operand)
}

/// Kyverno's number prefix `^\d*(\.\d+)?` is non-empty.
fn starts_with_number(operand: &str) -> bool {
    let bytes = operand.as_bytes();
    match bytes {
        [first, ..] if first.is_ascii_digit() => true,
        [b'.', second, ..] => second.is_ascii_digit(),
        _ => false,
    }
}

/// The resource value as Kyverno's `convertNumberToString` gives it: a missing value is `"0"`,
/// a float is printed with six decimals, booleans and structures are not numbers.
fn number_text(resource: &Value) -> Option<String> {
    match resource {
        Value::Null => Some("0".to_owned()),
        Value::String(text) => Some(text.clone()),
        Value::Number(number) if number.is_f64() => Some(format!("{:.6}", number.as_f64()?)),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(_) | Value::Array(_) | Value::Object(_) => None,
    }
}

/// Wildcard string equality (`Equal`) or inequality (`NotEqual`); relational operators never
/// hold on strings. Numbers and booleans are stringified as Go's `strconv` does.
fn compare_string(resource: &Value, operator: Operator, operand: &str) -> bool {
    if operator.is_relational() {
        return false;
    }
    let text = match resource {
        Value::String(text) => text.clone(),
        Value::Bool(value) => value.to_string(),
        Value::Number(number) if number.is_f64() => match number.as_f64() {
            Some(value) => go_exponent_format(value),
            None => return false,
        },
        Value::Number(number) => number.to_string(),
        Value::Null | Value::Array(_) | Value::Object(_) => return false,
    };
    wildcard_match(operand, &text) == (operator == Operator::Equal)
}

/// Go's `strconv.FormatFloat(value, 'E', -1, 64)`: shortest mantissa, `E+00` exponent.
fn go_exponent_format(value: f64) -> String {
    let rust = format!("{value:E}");
    let Some((mantissa, exponent)) = rust.split_once('E') else {
        return rust;
    };
    let (sign, digits) = match exponent.strip_prefix('-') {
        Some(digits) => ('-', digits),
        None => ('+', exponent),
    };
    format!("{mantissa}E{sign}{digits:0>2}")
}

/// Checks a string pattern's operators when the pattern is compiled: a relational operator
/// must be followed by a number, quantity or duration.
pub(crate) fn check_string_pattern(pattern: &str) -> Result<(), PatternErrorKind> {
    for condition in pattern
        .split('|')
        .flat_map(|alternative| alternative.trim().split('&'))
    {
        if let Condition::Compare(operator, operand) = Condition::parse(condition.trim())
            && operator.is_relational()
            && !starts_with_number(operand)
        {
            return Err(PatternErrorKind::OperandNotNumeric {
                operator: operator.symbol().to_owned(),
                operand: operand.to_owned(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Scalar matching, one test per operator, from Kyverno docs "Validate Rules: Operators"
    //! and "Wildcards", plus the type rules of `pkg/engine/pattern/pattern.go`.
    use serde_json::json;

    use super::*;

    fn matches(resource: &Value, pattern: &str) -> bool {
        value_matches(resource, &json!(pattern))
    }

    /// "Operators" table: `>`, `<`, `>=`, `<=` on numbers.
    #[test]
    fn relational_numbers() {
        assert!(matches(&json!(3), ">1"));
        assert!(!matches(&json!(1), ">1"));
        assert!(matches(&json!(1), ">=1"));
        assert!(matches(&json!(0), "<1"));
        assert!(matches(&json!("1"), "<=1"));
        assert!(!matches(&json!(2), "<=1"));
        assert!(matches(&json!(1.5), ">1"));
        assert!(!matches(&json!(true), ">0"));
    }

    /// "Operators": quantities such as memory `<=1Gi` and CPU `>100m`.
    #[test]
    fn relational_quantities() {
        assert!(matches(&json!("512Mi"), "<=1Gi"));
        assert!(!matches(&json!("2Gi"), "<=1Gi"));
        assert!(matches(&json!("250m"), ">100m"));
        assert!(matches(&json!("1"), ">100m"));
        assert!(!matches(&json!("lots"), ">100m"));
    }

    /// "Operators": durations such as `<=1h`.
    #[test]
    fn relational_durations() {
        assert!(matches(&json!("30m"), "<=1h"));
        assert!(!matches(&json!("1h30m"), "<=1h"));
        assert!(matches(&json!("90s"), ">1m"));
    }

    /// A missing field compares as `0` (Kyverno's `convertNumberToString(nil)`).
    #[test]
    fn missing_value_is_zero() {
        assert!(matches(&Value::Null, "<1"));
        assert!(!matches(&Value::Null, ">0"));
    }

    /// "Operators": `!` negates, also with wildcards.
    #[test]
    fn not_equal() {
        assert!(matches(&json!("nginx:1.25"), "!*:latest"));
        assert!(!matches(&json!("nginx:latest"), "!*:latest"));
        assert!(!matches(&json!(0), "!0"));
        assert!(matches(&json!(1), "!0"));
        assert!(!matches(&Value::Null, "!foo"));
    }

    /// "Operators": `|` is or, `&` is and.
    #[test]
    fn or_and() {
        assert!(matches(&json!("Always"), "Always|IfNotPresent"));
        assert!(matches(&json!("IfNotPresent"), "Always | IfNotPresent"));
        assert!(!matches(&json!("Never"), "Always|IfNotPresent"));
        assert!(matches(&json!(15), ">10&<20"));
        assert!(!matches(&json!(25), ">10 & <20"));
        assert!(matches(&json!(5), "<10&>1|>100"));
    }

    /// "Operators": ranges `a-b` (inclusive) and `a!-b` (outside).
    #[test]
    fn ranges() {
        assert!(matches(&json!(10), "10-20"));
        assert!(matches(&json!(20), "10-20"));
        assert!(!matches(&json!(21), "10-20"));
        assert!(matches(&json!("1.5Gi"), "1Gi-2Gi"));
        assert!(matches(&json!(9), "10!-20"));
        assert!(!matches(&json!(15), "10!-20"));
        assert!(matches(&json!(21), "10!-20"));
        assert!(matches(&json!("0.5"), "0.1-1"));
        assert!(matches(&json!(15), "10 -20"));
    }

    /// "Wildcards": `*` any characters, `?` one; `?*` needs a non-empty value.
    #[test]
    fn wildcards() {
        assert!(matches(&json!("registry.io/app"), "registry.io/*"));
        assert!(matches(&json!(""), "*"));
        assert!(!matches(&json!(""), "?*"));
        assert!(matches(&json!("x"), "?*"));
        assert!(!matches(&Value::Null, "?*"));
        assert!(matches(&json!(8080), "80*"));
    }

    /// Numbers and booleans in strings compare as Go stringifies them.
    #[test]
    fn stringified_values() {
        assert!(matches(&json!(true), "true"));
        assert!(matches(&json!(1.5), "1.5E+00"));
        assert_eq!(go_exponent_format(1e-7), "1E-07");
    }

    /// Typed patterns: booleans and numbers compare by type, `null` matches zero values.
    #[test]
    fn typed_patterns() {
        assert!(value_matches(&json!(true), &json!(true)));
        assert!(!value_matches(&json!("true"), &json!(true)));
        assert!(value_matches(&json!(1000), &json!(1000)));
        assert!(value_matches(&json!("1000"), &json!(1000)));
        assert!(!value_matches(&json!(1000.5), &json!(1000)));
        for zero in [json!(null), json!(0), json!(""), json!(false)] {
            assert!(value_matches(&zero, &Value::Null), "{zero}");
        }
        assert!(!value_matches(&json!({}), &Value::Null));
    }

    #[test]
    fn operand_checks() {
        assert!(check_string_pattern(">1 & <=2Gi").is_ok());
        assert!(check_string_pattern("!*:latest|>").is_ok());
        assert!(matches!(
            check_string_pattern("a | >=abc"),
            Err(PatternErrorKind::OperandNotNumeric { operator, operand })
                if operator == ">=" && operand == "abc"
        ));
    }
}
