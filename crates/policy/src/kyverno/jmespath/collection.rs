//! Kyverno's collection and version functions (kyverno/kyverno
//! `pkg/engine/jmespath/functions.go`): `lookup`, `items`, `object_from_lists` and
//! `semver_compare`.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::{Arg, Args, Function, string_arg, text_arg};

/// The collection and version functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "lookup",
        args: &[Arg::ObjectOrArray, Arg::StringOrNumber],
        call: lookup,
    },
    Function {
        name: "items",
        args: &[Arg::ObjectOrArray, Arg::String, Arg::String],
        call: items,
    },
    Function {
        name: "object_from_lists",
        args: &[Arg::Array, Arg::Array],
        call: object_from_lists,
    },
    Function {
        name: "semver_compare",
        args: &[Arg::String, Arg::String],
        call: |args| {
            // Kyverno ignores a version that does not parse (it compares 0.0.0 instead).
            let version = Version::parse(string_arg(args, 0)?).unwrap_or_default();
            let range = string_arg(args, 1)?;
            matches_range(&version, range).map(Value::Bool)
        },
    },
];

fn value(arg: Option<&jmespath::Rcvar>) -> Result<Value, String> {
    let arg = arg.ok_or("missing argument")?;
    Ok(super::value_of(arg))
}

/// `lookup(object, key)` or `lookup(array, index)`: the entry, or null when absent.
fn lookup(args: Args<'_>) -> Result<Value, String> {
    match (value(args.first())?, value(args.get(1))?) {
        (Value::Object(mut object), Value::String(key)) => {
            Ok(object.remove(&key).unwrap_or(Value::Null))
        }
        (Value::Object(_), _) => Err("argument #2 must be a string".to_owned()),
        (Value::Array(mut array), Value::Number(index)) => {
            let index = index.as_f64().unwrap_or(f64::NAN);
            if index.fract() != 0.0 {
                return Err(format!("argument #2: expected an integer, got {index}"));
            }
            if index < 0.0 {
                return Ok(Value::Null);
            }
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a non-negative integer; out-of-range indexes give null below"
            )]
            let index = index as usize;
            Ok(if index < array.len() {
                array.swap_remove(index)
            } else {
                Value::Null
            })
        }
        (Value::Array(_), _) => Err("argument #2 must be a number".to_owned()),
        _ => Err("argument #1 must be an object or array".to_owned()),
    }
}

/// `items(object, keyName, valueName)`: one `{keyName: key, valueName: value}` per entry,
/// sorted by key; for an array the key is the index.
fn items(args: Args<'_>) -> Result<Value, String> {
    let key_name = string_arg(args, 1)?;
    let value_name = string_arg(args, 2)?;
    let entry = |key: Value, item: Value| {
        let mut object = Map::new();
        object.insert(key_name.to_owned(), key);
        object.insert(value_name.to_owned(), item);
        Value::Object(object)
    };
    match value(args.first())? {
        Value::Object(object) => {
            let mut entries: Vec<_> = object.into_iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.cmp(b));
            Ok(Value::Array(
                entries
                    .into_iter()
                    .map(|(key, item)| entry(Value::from(key), item))
                    .collect(),
            ))
        }
        Value::Array(array) => Ok(Value::Array(
            array
                .into_iter()
                .enumerate()
                .map(|(index, item)| entry(Value::from(index), item))
                .collect(),
        )),
        _ => Err("argument #1 must be an object or array".to_owned()),
    }
}

/// `object_from_lists(keys, values)`: pairs keys with values; missing values are null.
fn object_from_lists(args: Args<'_>) -> Result<Value, String> {
    let keys = args
        .first()
        .and_then(|arg| arg.as_array())
        .ok_or("argument #1 must be an array")?;
    let Value::Array(values) = value(args.get(1))? else {
        return Err("argument #2 must be an array".to_owned());
    };
    let mut object = Map::new();
    let mut values = values.into_iter();
    for index in 0..keys.len() {
        let key = text_arg(keys, index).map_err(|_| "argument #1 must hold strings".to_owned())?;
        object.insert(key, values.next().unwrap_or(Value::Null));
    }
    Ok(Value::Object(object))
}

/// A semantic version as blang/semver reads it: `MAJOR.MINOR.PATCH[-pre][+build]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Version {
    core: [u64; 3],
    pre: Vec<String>,
}

impl Version {
    fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        let without_build = text.split_once('+').map_or(text, |(head, _)| head);
        let (core, pre) = match without_build.split_once('-') {
            Some((core, pre)) => (core, pre.split('.').map(str::to_owned).collect()),
            None => (without_build, Vec::new()),
        };
        let mut numbers = core.split('.').map(|part| {
            (!part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
                .then(|| part.parse().ok())
                .flatten()
        });
        let core = [numbers.next()??, numbers.next()??, numbers.next()??];
        numbers.next().is_none().then_some(Self { core, pre })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version {
    /// Semantic Versioning 2.0.0 precedence: a pre-release sorts before its release, and
    /// numeric identifiers before alphanumeric ones.
    fn cmp(&self, other: &Self) -> Ordering {
        self.core
            .cmp(&other.core)
            .then_with(|| match (self.pre.is_empty(), other.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => {
                    for (a, b) in self.pre.iter().zip(&other.pre) {
                        let order = match (a.parse::<u64>(), b.parse::<u64>()) {
                            (Ok(a), Ok(b)) => a.cmp(&b),
                            (Ok(_), Err(_)) => Ordering::Less,
                            (Err(_), Ok(_)) => Ordering::Greater,
                            (Err(_), Err(_)) => a.cmp(b),
                        };
                        if order != Ordering::Equal {
                            return order;
                        }
                    }
                    self.pre.len().cmp(&other.pre.len())
                }
            })
    }
}

/// blang/semver `ParseRange`: `||`-separated alternatives of space-separated comparisons
/// (`>=1.0.0 <2.0.0 || 3.0.0`), each `=`, `==`, `!=`, `>`, `>=`, `<` or `<=` (none means `=`).
/// Only x-ranges (`1.x`) are not supported; they are reported as errors.
fn matches_range(version: &Version, range: &str) -> Result<bool, String> {
    let mut any = false;
    for alternative in range.split("||") {
        let mut all = true;
        let mut empty = true;
        for comparison in alternative.split_whitespace() {
            empty = false;
            let operator_end = comparison
                .find(|c: char| !matches!(c, '<' | '>' | '=' | '!'))
                .unwrap_or(comparison.len());
            let (operator, target) = comparison.split_at(operator_end);
            let target = Version::parse(target)
                .ok_or_else(|| format!("could not parse range \"{range}\""))?;
            let order = version.cmp(&target);
            all &= match operator {
                "" | "=" | "==" => order == Ordering::Equal,
                "!=" | "!" => order != Ordering::Equal,
                ">" => order == Ordering::Greater,
                ">=" | "=>" => order != Ordering::Less,
                "<" => order == Ordering::Less,
                "<=" | "=<" => order != Ordering::Greater,
                _ => return Err(format!("could not parse range \"{range}\"")),
            };
        }
        if empty {
            return Err(format!("could not parse range \"{range}\""));
        }
        any |= all;
    }
    Ok(any)
}
