//! Wildcards in pattern strings and label/annotation keys, as kyverno/kyverno
//! `pkg/utils/wildcard` (`*` is any run of characters, `?` exactly one) and
//! `pkg/engine/wildcards/wildcards.go` (`ExpandInMetadata`) define them.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::anchor::Anchor;

/// Whether `text` matches `pattern`, where `*` matches any run of characters (also none) and
/// `?` exactly one character; every other character matches itself.
#[must_use]
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    if !pattern.contains(['*', '?']) {
        return pattern == text;
    }
    // Policies and resources are nearly always ASCII: match bytes without allocating.
    if pattern.is_ascii() && text.is_ascii() {
        return glob(pattern.as_bytes(), text.as_bytes(), b'*', b'?');
    }
    let pattern: Vec<char> = pattern.chars().collect();
    let text: Vec<char> = text.chars().collect();
    glob(&pattern, &text, '*', '?')
}

/// Glob matching over any symbols: `star` matches any run, `any` one symbol.
fn glob<T: Copy + PartialEq>(pattern: &[T], text: &[T], star_symbol: T, any: T) -> bool {
    let (mut p, mut t) = (0, 0);
    // Position of the last `*` seen and the text position it was tried at: on a mismatch the
    // star swallows one more character (linear backtracking, no recursion).
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(&c) if c == star_symbol => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == any || text.get(t) == Some(&c) => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((star_p, star_t)) => {
                    p = star_p + 1;
                    t = star_t + 1;
                    star = Some((star_p, star_t + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(p..)
        .is_some_and(|rest| rest.iter().all(|&c| c == star_symbol))
}

/// Whether `text` contains a wildcard character.
pub(crate) fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// Replaces wildcard keys under `metadata.labels` and `metadata.annotations` of a pattern map by
/// the first matching key of the resource, keeping any anchor modifier, so `app.*: "?*"` checks
/// the resource's `app.kubernetes.io/name` label. Kyverno expands only these two maps and only
/// when every pattern value there is a string; other wildcard keys stay literal.
pub(crate) fn expand_in_metadata<'a>(
    pattern: &'a Map<String, Value>,
    resource: &Map<String, Value>,
) -> Cow<'a, Map<String, Value>> {
    let Some((metadata_key, Value::Object(pattern_metadata))) = pattern
        .iter()
        .find(|(key, _)| plain_name(key) == "metadata")
    else {
        return Cow::Borrowed(pattern);
    };
    let Some(Value::Object(resource_metadata)) = resource.get("metadata") else {
        return Cow::Borrowed(pattern);
    };
    let mut expanded_metadata: Option<Map<String, Value>> = None;
    for tag in ["labels", "annotations"] {
        let Some((tag_key, Value::Object(pattern_tag))) = pattern_metadata
            .iter()
            .find(|(key, _)| plain_name(key) == tag)
        else {
            continue;
        };
        let Some(Value::Object(resource_tag)) = resource_metadata.get(tag) else {
            continue;
        };
        if !pattern_tag.values().all(Value::is_string)
            || !pattern_tag.keys().any(|key| has_wildcard(key))
        {
            continue;
        }
        let expanded_tag: Map<String, Value> = pattern_tag
            .iter()
            .map(|(key, value)| (expand_key(key, resource_tag), value.clone()))
            .collect();
        expanded_metadata
            .get_or_insert_with(|| pattern_metadata.clone())
            .insert(tag_key.clone(), Value::Object(expanded_tag));
    }
    match expanded_metadata {
        Some(metadata) => {
            let mut expanded = pattern.clone();
            expanded.insert(metadata_key.clone(), Value::Object(metadata));
            Cow::Owned(expanded)
        }
        None => Cow::Borrowed(pattern),
    }
}

/// The first resource key matching the wildcard `key` (anchor kept), or `key` unchanged.
fn expand_key(key: &str, resource_tag: &Map<String, Value>) -> String {
    if !has_wildcard(key) {
        return key.to_owned();
    }
    let (modifier, name, anchored) = match Anchor::parse(key) {
        Some(anchor) => (anchor.modifier, anchor.name, true),
        None => ("", key, false),
    };
    match resource_tag
        .keys()
        .find(|candidate| wildcard_match(name, candidate))
    {
        Some(found) if anchored => format!("{modifier}({found})"),
        Some(found) => found.clone(),
        None => key.to_owned(),
    }
}

/// The field name of a key without its anchor.
fn plain_name(key: &str) -> &str {
    Anchor::parse(key).map_or(key, |anchor| anchor.name)
}

#[cfg(test)]
mod tests {
    //! Wildcard matching and key expansion (Kyverno docs, "Validate Rules: Wildcards").
    use serde_json::json;

    use super::*;

    #[test]
    fn star_and_question_mark() {
        assert!(wildcard_match("*", ""));
        assert!(wildcard_match("*", "anything"));
        assert!(wildcard_match("?*", "x"));
        assert!(!wildcard_match("?*", ""));
        assert!(wildcard_match("*:latest", "nginx:latest"));
        assert!(!wildcard_match("*:latest", "nginx:1.25"));
        assert!(wildcard_match("kube-?olicy", "kube-policy"));
        assert!(!wildcard_match("kube-?olicy", "kube-olicy"));
        assert!(wildcard_match("a*b*c", "aXXbYYc"));
        assert!(!wildcard_match("a*b*c", "aXXbYY"));
    }

    /// "Wildcards": `app.kubernetes.io/*` in `metadata.labels` stands for the resource's key.
    #[test]
    fn expands_label_keys_only() {
        let pattern = json!({"metadata": {"labels": {"app.kubernetes.io/*": "?*"}}});
        let resource = json!({"metadata": {"labels": {"app.kubernetes.io/name": "web"}}});
        let pattern = pattern.as_object().expect("object literal");
        let resource = resource.as_object().expect("object literal");
        let expanded = expand_in_metadata(pattern, resource);
        assert_eq!(
            Value::Object(expanded.into_owned()),
            json!({"metadata": {"labels": {"app.kubernetes.io/name": "?*"}}})
        );
    }
}
