//! Kyverno's variable substitution (kyverno/kyverno `pkg/engine/variables/vars.go`): the
//! `{{ expression }}` in a policy fragment are replaced by what the JMESPath expression finds
//! in the context document, after the `$(path)` references to other fields of the same
//! fragment are resolved.
//!
//! The rule engine builds the context document (`request.object`, `request.oldObject`,
//! `request.operation`, `request.userInfo`, `serviceAccountName`, `images`, `element`,
//! context entries, ...) and calls [`substitute`] on the fragment it is about to use: a
//! pattern, a message, conditions, a foreach list, a patch. Fragments without variables
//! ([`has_variables`] is false) can be compiled once instead; [`check`] compiles every
//! expression of a policy when it is loaded. A [`VariableContext`] converts the context
//! document once when many fragments are substituted for one request.
//!
//! The rules, as in `substituteVariablesIfAny`:
//! - a string that is exactly one variable becomes the expression's JSON value, typed
//!   (`"{{ request.object.spec.replicas }}"` becomes the number `3`);
//! - a variable inside a longer string is written into it: strings as they are, anything else
//!   as compact JSON the way Go's `encoding/json` writes it;
//! - map keys are substituted like string values;
//! - `\{{ ... }}` is not a variable: the backslash is dropped and the braces kept;
//! - a variable's value may itself contain variables (`{{ f('{{ x }}') }}` resolves the inner
//!   one first), substituted in later passes;
//! - `{{ @ }}` is the resource field at the same path as the string in the fragment (the
//!   fragment's root is the resource's root): `target.<path>` when the context has `target`
//!   (mutate targets), else `request.object.<path>`;
//! - on a `DELETE` request, `request.object` in an expression reads `request.oldObject`;
//! - an expression that evaluates to null is [`VariableError::NotFound`]: in Kyverno, a field
//!   missing from the context fails the lookup, and each caller decides what that means for
//!   the rule (error, skip, or a fallback message).

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::LazyLock;

use ::jmespath::Rcvar;
use regex::Regex;
use serde_json::{Map, Value};

use crate::kyverno::jmespath::{self, JmespathError};
use crate::kyverno::pattern::Anchor;

/// A variable or reference in a fragment that could not be substituted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VariableError {
    /// The expression found nothing (JMESPath null) in the context.
    #[error("variable `{variable}` not resolved at path {path}")]
    NotFound {
        /// The expression between the braces, trimmed.
        variable: String,
        /// The JSON pointer of the string in the fragment (`/spec/containers/0/name`).
        path: String,
    },
    /// The expression is not valid, names an unknown function, or a function failed.
    #[error("failed to resolve `{variable}` at path {path}")]
    Query {
        /// The expression between the braces, trimmed.
        variable: String,
        /// The JSON pointer of the string in the fragment.
        path: String,
        /// Why the expression failed.
        #[source]
        source: Box<JmespathError>,
    },
    /// A `$(path)` reference whose target is missing, or not a string where one is needed.
    #[error("reference `{reference}` not resolved at path {path}")]
    UnresolvedReference {
        /// The reference as written (`$(./../limits/memory)`).
        reference: String,
        /// The JSON pointer of the string in the fragment.
        path: String,
    },
    /// A fragment nested deeper than custody walks, or variables whose values keep
    /// producing new variables.
    #[error("variable substitution too deep at path {path}")]
    TooDeep {
        /// The JSON pointer where the limit was reached.
        path: String,
    },
}

/// Kyverno's `RegexEscpVariables`: `\{{ ... }}`.
static ESCAPED_VARIABLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\\\{\{(?:\{[^{}]*\}|[^{}])*\}\}").expect("the escaped variable regex is valid")
});

/// Kyverno's `RegexReferences`: `$(...)` at the start or after a character other than `\`.
static REFERENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\$\(.[^ ]*\)|[^\\]\$\(.[^ ]*\)").expect("the reference regex is valid")
});

/// Kyverno's `RegexEscpReferences`: `\$(...)`.
static ESCAPED_REFERENCE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\\\$\(.[^ ]*\)").expect("the escaped reference regex is valid"));

/// Deepest fragment walked; policies are untrusted.
const MAX_DEPTH: usize = 128;
/// Substitution passes over one string before giving up on values that keep producing
/// variables.
const MAX_PASSES: usize = 32;

/// True when [`substitute`] would change `fragment`: some string or key holds a variable, an
/// escaped variable, or a reference.
pub fn has_variables(fragment: &Value) -> bool {
    let marked = |text: &str| {
        text.contains("{{") && (!variable_spans(text).is_empty() || ESCAPED_VARIABLE.is_match(text))
            || text.contains("$(") && (REFERENCE.is_match(text) || ESCAPED_REFERENCE.is_match(text))
    };
    let mut pending = vec![fragment];
    while let Some(value) = pending.pop() {
        match value {
            Value::String(text) if marked(text) => return true,
            Value::Array(items) => pending.extend(items),
            Value::Object(map) => {
                if map.keys().any(|key| marked(key)) {
                    return true;
                }
                pending.extend(map.values());
            }
            _ => {}
        }
    }
    false
}

/// Substitutes every `$(reference)` and `{{ variable }}` in `fragment` with values from the
/// fragment itself and from `context`, as Kyverno's `SubstituteAll` does.
pub fn substitute(fragment: &Value, context: &Value) -> Result<Value, VariableError> {
    if !has_variables(fragment) {
        return Ok(fragment.clone());
    }
    let context = VariableContext::new(context).map_err(|source| VariableError::Query {
        variable: String::new(),
        path: String::new(),
        source: Box::new(source),
    })?;
    context.substitute(fragment)
}

/// Compiles every `{{ ... }}` expression in `fragment` without evaluating any, as a policy
/// is checked when it is loaded: syntax, function names and arities. Returns how many
/// expressions were checked (a nested `{{ f('{{ x }}') }}` counts two).
pub fn check(fragment: &Value) -> Result<usize, VariableError> {
    let mut count = 0;
    walk(fragment, &mut String::new(), 0, &mut |text, path| {
        let mut current = text.to_owned();
        for _ in 0..MAX_PASSES {
            let spans = variable_spans(&current);
            if spans.is_empty() {
                return Ok(Value::Null);
            }
            for span in &spans {
                let expression = expression_of(current.get(span.clone()).unwrap_or_default());
                // `@` is rewritten to a field path at substitution time.
                if expression != "@" {
                    jmespath::compile(&expression).map_err(|source| VariableError::Query {
                        variable: expression.clone(),
                        path: path.to_owned(),
                        source: Box::new(source),
                    })?;
                }
                count += 1;
            }
            // An outer expression sees an inner one's value; an identifier keeps it
            // parseable both inside quotes (`'{{ x }}'`) and as a field (`map.{{ kind }}`).
            let placeholders = vec!["x".to_owned(); spans.len()];
            current = splice(&current, &spans, &placeholders);
        }
        Err(VariableError::TooDeep {
            path: path.to_owned(),
        })
    })?;
    Ok(count)
}

/// The byte ranges of the `{{ ... }}` in `text` (without the character before each that
/// Kyverno's regex also consumes), exactly as Kyverno's `RegexVariables`,
/// `(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})`, finds them from left to right: a variable
/// starts at the text's start or after a character other than `\` that no earlier match
/// consumed, its body is characters other than braces and single-brace groups `{...}`, and it
/// ends at the first `}}`. Hand-written because it runs on every string of every fragment and
/// the regex needs its slowest matcher for the capture group (it was most of a rule's time).
fn variable_spans(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    // The first byte a new match, its prefix character included, may use.
    let mut free = 0;
    let mut from = 0;
    while let Some(offset) = text.get(from..).and_then(|rest| rest.find("{{")) {
        let open = from + offset;
        let prefixed = if open == 0 {
            free == 0
        } else {
            open > free && bytes.get(open - 1) != Some(&b'\\')
        };
        if prefixed && let Some(end) = variable_end(bytes, open + 2) {
            spans.push(open..end);
            free = end;
            from = end;
        } else {
            from = open + 1;
        }
    }
    spans
}

/// Where the variable whose body starts at byte `index` ends (after its `}}`), if it does.
fn variable_end(bytes: &[u8], mut index: usize) -> Option<usize> {
    loop {
        match bytes.get(index)? {
            b'}' => return (bytes.get(index + 1) == Some(&b'}')).then_some(index + 2),
            b'{' => {
                // A single-brace group: `{`, no braces, `}`.
                let inner = bytes.get(index + 1..)?;
                let brace = inner.iter().position(|byte| matches!(byte, b'{' | b'}'))?;
                if inner.get(brace) != Some(&b'}') {
                    return None;
                }
                index += brace + 2;
            }
            _ => index += 1,
        }
    }
}

/// `node` with `value` at the path `segments`, objects created or replaced on the way as
/// [`super::context::set_path`] does, everything off the path shared.
fn bind(node: &Rcvar, segments: &[&str], value: Rcvar) -> Rcvar {
    let Some((first, rest)) = segments.split_first() else {
        return value;
    };
    let mut map = match &**node {
        ::jmespath::Variable::Object(map) => map.clone(),
        _ => std::collections::BTreeMap::new(),
    };
    let child = map
        .get(*first)
        .cloned()
        .unwrap_or_else(|| Rcvar::new(::jmespath::Variable::Null));
    map.insert((*first).to_owned(), bind(&child, rest, value));
    Rcvar::new(::jmespath::Variable::Object(map))
}

/// `text` with each of the ordered, disjoint `spans` replaced by the matching replacement.
fn splice(text: &str, spans: &[Range<usize>], replacements: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for (span, replacement) in spans.iter().zip(replacements) {
        out.push_str(text.get(last..span.start).unwrap_or_default());
        out.push_str(replacement);
        last = span.end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
}

/// The expression of one `{{ ... }}`, as Kyverno's `replaceBracesAndTrimSpaces` cuts it.
fn expression_of(variable: &str) -> String {
    variable
        .replace("{{", "")
        .replace("}}", "")
        .trim()
        .to_owned()
}

/// Drops the backslash of every escaped variable or reference matched by `pattern`.
fn unescape(pattern: &Regex, text: &str) -> String {
    pattern
        .replace_all(text, |captures: &regex::Captures<'_>| {
            captures[0].get(1..).unwrap_or_default().to_owned()
        })
        .into_owned()
}

/// Rebuilds `value`, passing every string and map key through `leaf` with its JSON pointer.
fn walk(
    value: &Value,
    path: &mut String,
    depth: usize,
    leaf: &mut dyn FnMut(&str, &str) -> Result<Value, VariableError>,
) -> Result<Value, VariableError> {
    if depth > MAX_DEPTH {
        return Err(VariableError::TooDeep { path: path.clone() });
    }
    match value {
        Value::String(text) => leaf(text, path),
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (index, item) in items.iter().enumerate() {
                let length = path.len();
                path.push('/');
                path.push_str(&index.to_string());
                out.push(walk(item, path, depth + 1, leaf)?);
                path.truncate(length);
            }
            Ok(Value::Array(out))
        }
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, item) in map {
                let length = path.len();
                path.push('/');
                path.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let key = match leaf(key, path)? {
                    Value::String(key) => key,
                    other => go_json(&other),
                };
                out.insert(key, walk(item, path, depth + 1, leaf)?);
                path.truncate(length);
            }
            Ok(Value::Object(out))
        }
        other => Ok(other.clone()),
    }
}

/// A context document converted once for the interpreter, for callers that substitute many
/// fragments (or run many expressions) against the same request: [`substitute`] converts
/// its context on every call.
#[derive(Clone)]
pub struct VariableContext {
    document: Rcvar,
    /// Where `{{ @ }}` points: `target` or `request.object`.
    at_prefix: &'static str,
    /// A `DELETE` request reads `request.oldObject` instead of `request.object`.
    delete: bool,
}

impl VariableContext {
    /// Converts `context`, the JSON document variables are evaluated against.
    pub fn new(context: &Value) -> Result<Self, JmespathError> {
        Ok(Self {
            document: jmespath::to_variable(context)?,
            at_prefix: if context.get("target").is_some() {
                "target"
            } else {
                "request.object"
            },
            delete: context
                .pointer("/request/operation")
                .and_then(Value::as_str)
                == Some("DELETE"),
        })
    }

    /// This context with `value` bound at the dotted `path` (a context entry, a value from a
    /// values file, a foreach `element`), sharing everything else with `self`: only the
    /// objects along the path are copied, so binding an element costs nothing in the size of
    /// the request.
    ///
    /// # Errors
    ///
    /// [`JmespathError`] when `value` cannot be converted, or the path has more than
    /// 128 segments.
    pub fn with(&self, path: &str, value: &Value) -> Result<Self, JmespathError> {
        let segments: Vec<&str> = path.split('.').collect();
        if segments.len() > MAX_DEPTH {
            return Err(JmespathError {
                expression: path.to_owned(),
                offset: None,
                kind: jmespath::JmespathErrorKind::TooLarge {
                    what: "path segments",
                    limit: MAX_DEPTH,
                },
            });
        }
        Ok(self.with_variable(&segments, jmespath::to_variable(value)?))
    }

    /// This context with the converted `value` bound at the path `segments`.
    pub(crate) fn with_variable(&self, segments: &[&str], value: Rcvar) -> Self {
        Self {
            document: bind(&self.document, segments, value),
            at_prefix: self.at_prefix,
            delete: self.delete,
        }
    }

    /// Evaluates a bare JMESPath `expression` (a foreach `list`, a context entry's
    /// `jmesPath`) against the context, as [`jmespath::search`] does.
    pub fn search(&self, expression: &str) -> Result<Value, JmespathError> {
        jmespath::search_variable(expression, &self.document)
    }

    /// [`substitute`] against this context.
    pub fn substitute(&self, fragment: &Value) -> Result<Value, VariableError> {
        if !has_variables(fragment) {
            return Ok(fragment.clone());
        }
        // Most strings of a policy hold neither marker; they are copied without a regex scan.
        let with_references = walk(fragment, &mut String::new(), 0, &mut |text, path| {
            if text.contains("$(") {
                substitute_references(text, path, fragment).map(Value::String)
            } else {
                Ok(Value::from(text))
            }
        })?;
        walk(
            &with_references,
            &mut String::new(),
            0,
            &mut |text, path| {
                if text.contains("{{") {
                    self.substitute_string(text, path)
                } else {
                    Ok(Value::from(text))
                }
            },
        )
    }

    /// Substitutes the variables of one string, pass after pass until none is left.
    fn substitute_string(&self, text: &str, path: &str) -> Result<Value, VariableError> {
        let mut current = text.to_owned();
        for _ in 0..MAX_PASSES {
            let spans = variable_spans(&current);
            if spans.is_empty() {
                return Ok(Value::String(unescape(&ESCAPED_VARIABLE, &current)));
            }
            if let [span] = spans.as_slice()
                && span.len() == current.len()
            {
                return self.resolve(&current, path);
            }
            let mut replacements = Vec::with_capacity(spans.len());
            for span in &spans {
                let value = self.resolve(current.get(span.clone()).unwrap_or_default(), path)?;
                replacements.push(match value {
                    Value::String(text) => text,
                    other => go_json(&other),
                });
            }
            current = splice(&current, &spans, &replacements);
        }
        Err(VariableError::TooDeep {
            path: path.to_owned(),
        })
    }

    /// Evaluates one `{{ ... }}`.
    fn resolve(&self, variable: &str, path: &str) -> Result<Value, VariableError> {
        let mut expression = expression_of(variable);
        let written = expression.clone();
        if expression == "@" {
            expression = format!("{}{}", self.at_prefix, pointer_to_jmespath(path));
        }
        if self.delete {
            expression = expression.replace("request.object", "request.oldObject");
        }
        match jmespath::search_variable(&expression, &self.document) {
            Ok(Value::Null) => Err(VariableError::NotFound {
                variable: written,
                path: path.to_owned(),
            }),
            Ok(value) => Ok(value),
            Err(source) => Err(VariableError::Query {
                variable: written,
                path: path.to_owned(),
                source: Box::new(source),
            }),
        }
    }
}

/// A fragment pointer as a JMESPath suffix (`/spec/containers/0/(name)` becomes
/// `.spec.containers[0].name`), anchors removed from keys.
fn pointer_to_jmespath(pointer: &str) -> String {
    let mut out = String::new();
    for segment in pointer.split('/').skip(1) {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        let name = Anchor::parse(&segment).map_or(segment.as_str(), |anchor| anchor.name);
        if name.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty() {
            let _ = write!(out, "[{name}]");
        } else if name
            .bytes()
            .enumerate()
            .all(|(at, b)| b == b'_' || b.is_ascii_alphabetic() || (at > 0 && b.is_ascii_digit()))
            && !name.is_empty()
        {
            out.push('.');
            out.push_str(name);
        } else {
            out.push('.');
            out.push_str(&Value::from(name).to_string());
        }
    }
    out
}

/// Resolves the `$(path)` references of one string against the fragment (`document`).
fn substitute_references(
    text: &str,
    path: &str,
    document: &Value,
) -> Result<String, VariableError> {
    let spans: Vec<Range<usize>> = REFERENCE
        .find_iter(text)
        .map(|found| {
            let skip = usize::from(!found.as_str().starts_with("$("));
            found.start() + skip..found.end()
        })
        .collect();
    let mut replacements = Vec::with_capacity(spans.len());
    for span in &spans {
        let reference = text.get(span.clone()).unwrap_or_default();
        let unresolved = || VariableError::UnresolvedReference {
            reference: reference.to_owned(),
            path: path.to_owned(),
        };
        let inner = reference.trim_matches(['$', '(', ')']);
        let operator = [">=", "<=", "!", ">", "<"]
            .into_iter()
            .find(|operator| inner.starts_with(operator))
            .unwrap_or_default();
        let target = inner.get(operator.len()..).unwrap_or_default();
        if target.is_empty() {
            return Err(unresolved());
        }
        let absolute = if target.starts_with('/') {
            jmespath::clean_path(target)
        } else {
            jmespath::clean_path(&format!("{path}/{target}"))
        };
        let value = find_without_anchors(document, &absolute).ok_or_else(unresolved)?;
        let replacement = match (operator, value) {
            (_, Value::String(text)) => format!("{operator}{text}"),
            ("", _) => return Err(unresolved()),
            // Kyverno reads the policy as untyped JSON, so every number is a float64 and
            // `valFromReferenceToString` writes it with `%f`.
            (_, Value::Number(number)) => {
                format!("{operator}{:.6}", number.as_f64().unwrap_or_default())
            }
            _ => return Err(unresolved()),
        };
        replacements.push(replacement);
    }
    Ok(unescape(
        &ESCAPED_REFERENCE,
        &splice(text, &spans, &replacements),
    ))
}

/// The value at `pointer` in `document`, matching map keys with their anchors removed, as
/// Kyverno's `getValueFromReference` compares `RemoveAnchorsFromPath(path)`.
fn find_without_anchors<'a>(document: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut current = document;
    for segment in pointer
        .split('/')
        .skip(1)
        .filter(|segment| !segment.is_empty())
    {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        current = match current {
            Value::Object(map) => map.iter().find_map(|(key, value)| {
                let name = Anchor::parse(key).map_or(key.as_str(), |anchor| anchor.name);
                (name == segment).then_some(value)
            })?,
            Value::Array(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// `value` as Go's `json.Marshal` writes it: compact, keys sorted, `<`, `>`, `&`, U+2028 and
/// U+2029 escaped, and whole floats without a fraction.
fn go_json(value: &Value) -> String {
    let mut out = String::new();
    write_go_json(value, &mut out);
    out
}

fn write_go_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Value::Number(number) => match number.as_f64() {
            Some(float) if number.is_f64() => out.push_str(&go_float(float)),
            _ => out.push_str(&number.to_string()),
        },
        Value::String(text) => {
            let quoted = Value::from(text.as_str()).to_string();
            for c in quoted.chars() {
                match c {
                    '<' => out.push_str("\\u003c"),
                    '>' => out.push_str("\\u003e"),
                    '&' => out.push_str("\\u0026"),
                    '\u{2028}' => out.push_str("\\u2028"),
                    '\u{2029}' => out.push_str("\\u2029"),
                    _ => out.push(c),
                }
            }
        }
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_go_json(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_by_key(|(key, _)| *key);
            out.push('{');
            for (index, (key, item)) in entries.into_iter().enumerate() {
                if index > 0 {
                    out.push(',');
                }
                write_go_json(&Value::from(key.as_str()), out);
                out.push(':');
                write_go_json(item, out);
            }
            out.push('}');
        }
    }
}

/// A float as Go's `encoding/json` writes it: plain decimal between 1e-6 and 1e21,
/// exponent form (`1e+21`, `1e-07`) outside.
fn go_float(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-6..1e21).contains(&magnitude) {
        let text = format!("{value:e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let (sign, digits) = match exponent.strip_prefix('-') {
            Some(digits) => ('-', digits),
            None => ('+', exponent),
        };
        return format!("{mantissa}e{sign}{digits:0>2}");
    }
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The scanner finds exactly what Kyverno's `RegexVariables` finds, on every string of up to
    /// seven characters over the characters that matter (braces, backslash, quote, letter).
    #[test]
    fn variable_spans_match_kyverno_regex() {
        let regex = Regex::new(r"(^|[^\\])(\{\{(?:\{[^{}]*\}|[^{}])*\}\})").unwrap();
        let alphabet = ['{', '}', '\\', '\'', 'a'];
        let mut texts = vec![String::new()];
        let mut checked = 0;
        for _ in 0..7 {
            texts = texts
                .iter()
                .flat_map(|text| alphabet.iter().map(move |c| format!("{text}{c}")))
                .collect();
            for text in &texts {
                let expected: Vec<_> = regex
                    .captures_iter(text)
                    .filter_map(|captures| captures.get(2).map(|found| found.range()))
                    .collect();
                assert_eq!(variable_spans(text), expected, "{text:?}");
                checked += 1;
            }
        }
        assert_eq!(checked, 5 + 25 + 125 + 625 + 3125 + 15625 + 78125);
    }

    #[test]
    fn floats_write_as_go() {
        assert_eq!(go_float(3.0), "3");
        assert_eq!(go_float(1.5), "1.5");
        assert_eq!(go_float(1e21), "1e+21");
        assert_eq!(go_float(1e-7), "1e-07");
    }

    #[test]
    fn pointers_become_jmespath() {
        assert_eq!(
            pointer_to_jmespath("/spec/containers/0/=(name)"),
            ".spec.containers[0].name"
        );
        assert_eq!(
            pointer_to_jmespath("/metadata/labels/app.kubernetes.io~1name"),
            ".metadata.labels.\"app.kubernetes.io/name\""
        );
    }
}
