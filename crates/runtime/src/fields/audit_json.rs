//! JSON walking with the k8saudit plugin's semantics (falcosecurity/plugins
//! plugins/k8saudit/pkg/k8saudit/extract.go, which uses fastjson): key lookups that also index
//! arrays, the fan-out over arrays met along a path (`getValuesRecursive`), and the rendering of
//! any JSON value as text (`jsonValueAsString`). [`super::k8s_audit`] builds every `ka.*` field
//! from these.

use std::borrow::Cow;

use serde_json::Value;

/// The JSON value at `key` of an object, or at the decimal index `key` of an array, as
/// fastjson's `Value.Get` finds it; an empty key is the value itself.
pub(super) fn child<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    if key.is_empty() {
        return Some(value);
    }
    match value {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|index| items.get(index)),
        _ => None,
    }
}

/// The value at a path of keys (`Value.Get(keys...)`), `None` when any step is missing.
pub(super) fn at_path<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter()
        .try_fold(value, |current, key| child(current, key))
}

/// A value as the plugin renders it: strings as their text, anything else (numbers, booleans,
/// `null`, objects, arrays) as compact JSON.
///
/// `serde_json` orders object keys alphabetically where fastjson keeps the event's order, so an
/// object rendered here (`ka.req.binding.subjects`, `ka.req.configmap.obj`) holds the same
/// members in a possibly different order; `contains` tests on them behave the same.
pub(super) fn as_text(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(text) => Cow::Borrowed(text),
        other => Cow::Owned(other.to_string()),
    }
}

/// The values found by following `path` from `value`, fanning out over every array met before a
/// key (`getValuesRecursive`): with `index`, only that element of each array is followed (and
/// an index past the end makes the whole walk fail); without, every element is, and an element
/// lacking the rest of the path contributes `None`, so positions line up with the array.
///
/// `Err(())` is the plugin's "not available": the path is missing outside any array. The
/// recursion depth is bounded by the nesting of arrays in the event, which `serde_json`'s parser
/// caps at 128.
pub(super) fn fan_out<'a>(
    value: &'a Value,
    index: Option<usize>,
    path: &[&str],
    found: &mut Vec<Option<&'a Value>>,
) -> Result<(), ()> {
    let mut current = value;
    for (position, key) in path.iter().enumerate() {
        if let Value::Array(items) = current {
            match index {
                None => {
                    let rest = path.get(position..).unwrap_or_default();
                    for item in items {
                        let mark = found.len();
                        if fan_out(item, None, rest, found).is_err() {
                            found.truncate(mark);
                            found.push(None);
                        }
                    }
                    return Ok(());
                }
                Some(wanted) => current = items.get(wanted).ok_or(())?,
            }
        }
        current = child(current, key).ok_or(())?;
    }
    found.push(Some(current));
    Ok(())
}

/// The first value of query parameter `key` in a request URI, percent-decoded as Go's
/// `url.ParseQuery` does (`+` is a space); `None` when the parameter is absent or the query is
/// malformed (a bad escape or a `;` separator, which Go rejects for the whole query).
pub(super) fn query_parameter(uri: &str, key: &str) -> Option<String> {
    let query = uri.split_once('?')?.1;
    let query = query.split_once('#').map_or(query, |(before, _)| before);
    let mut first = None;
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        if pair.contains(';') {
            return None;
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let name = unescape(name)?;
        let value = unescape(value)?;
        if first.is_none() && name == key {
            first = Some(value);
        }
    }
    first
}

/// Go's `url.QueryUnescape`: `%XX` escapes and `+` as space; `None` on a malformed escape or a
/// result that is not UTF-8.
fn unescape(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut input = text.bytes();
    while let Some(byte) = input.next() {
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let high = char::from(input.next()?).to_digit(16)?;
                let low = char::from(input.next()?).to_digit(16)?;
                bytes.push(u8::try_from(high * 16 + low).ok()?);
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn child_indexes_arrays_and_empty_key_is_identity() {
        let value = json!({"a": [10, 20]});
        assert_eq!(at_path(&value, &["a", "1"]), Some(&json!(20)));
        assert_eq!(at_path(&value, &["a", "2"]), None);
        assert_eq!(child(&value, ""), Some(&value));
    }

    #[test]
    fn fan_out_marks_missing_elements_and_honours_the_index() {
        let value = json!({"c": [{"s": {"p": true}}, {}, {"s": {"p": false}}]});
        let mut found = Vec::new();
        fan_out(&value, None, &["c", "s", "p"], &mut found).expect("path exists");
        assert_eq!(found, vec![Some(&json!(true)), None, Some(&json!(false))]);
        found.clear();
        fan_out(&value, Some(2), &["c", "s", "p"], &mut found).expect("index 2 exists");
        assert_eq!(found, vec![Some(&json!(false))]);
        assert!(fan_out(&value, Some(3), &["c", "s", "p"], &mut Vec::new()).is_err());
        assert!(fan_out(&value, None, &["d"], &mut Vec::new()).is_err());
    }

    #[test]
    fn query_parameters_decode_like_go() {
        let uri = "/api/v1/pods/x/exec?command=ls&command=-l&container=a%20b&stdin=true+1";
        assert_eq!(query_parameter(uri, "command").as_deref(), Some("ls"));
        assert_eq!(query_parameter(uri, "container").as_deref(), Some("a b"));
        assert_eq!(query_parameter(uri, "stdin").as_deref(), Some("true 1"));
        assert_eq!(query_parameter(uri, "tty"), None);
        assert_eq!(query_parameter("/x?a=%zz&b=1", "b"), None);
        assert_eq!(query_parameter("/x?a=1;b=2", "a"), None);
    }
}
