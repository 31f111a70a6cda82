//! Anchors on pattern map keys, as kyverno/kyverno `pkg/engine/anchor/anchor.go` parses them:
//! `modifier(name)` where the modifier is empty (conditional), `=` (equality), `^` (existence),
//! `X` (negation), `<` (global) or `+` (add-if-not-present).

/// Which anchor a pattern key carries (Kyverno docs, "Validate Rules: Anchors").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnchorKind {
    /// `(name)`: if the field exists and matches, the rest of the map applies; otherwise the
    /// map does not apply (the rule is skipped when nothing applies).
    Conditional,
    /// `=(name)`: if the field exists it must match; a missing field is fine.
    Equality,
    /// `^(name)`: the field is a list and at least one element matches each pattern element.
    Existence,
    /// `X(name)`: the field must not exist.
    Negation,
    /// `<(name)`: like conditional, but a mismatch skips the whole rule.
    Global,
    /// `+(name)`: mutate only; adds the field when missing.
    AddIfNotPresent,
}

/// A map key split into its anchor and the field name it applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor<'a> {
    /// The anchor kind.
    pub kind: AnchorKind,
    /// The field name inside the parentheses.
    pub name: &'a str,
    /// The modifier as written before `(`, kept so wildcard expansion can rebuild the key.
    pub modifier: &'a str,
}

impl<'a> Anchor<'a> {
    /// Parses `key` as Kyverno does (`^([+<=X^])?\((.+)\)$`); `None` for a plain key.
    #[must_use]
    pub fn parse(key: &'a str) -> Option<Self> {
        let (modifier, rest) = split_modifier(key);
        let name = rest.strip_prefix('(')?.strip_suffix(')')?;
        if name.is_empty() {
            return None;
        }
        let kind = match modifier {
            "" => AnchorKind::Conditional,
            "=" => AnchorKind::Equality,
            "^" => AnchorKind::Existence,
            "X" => AnchorKind::Negation,
            "<" => AnchorKind::Global,
            _ => AnchorKind::AddIfNotPresent,
        };
        Some(Self {
            kind,
            name,
            modifier,
        })
    }

    /// True when `key` opens like an anchor but does not parse as one (`(name`, `=()`), which
    /// Kyverno would silently treat as a literal field name that no resource has.
    pub(crate) fn is_malformed(key: &str) -> bool {
        let (_, rest) = split_modifier(key);
        rest.starts_with('(') && Anchor::parse(key).is_none()
    }
}

/// Splits a one-character anchor modifier off `key` when a `(` follows it.
fn split_modifier(key: &str) -> (&str, &str) {
    match key.as_bytes() {
        [b'+' | b'<' | b'=' | b'X' | b'^', b'(', ..] => key.split_at(1),
        _ => ("", key),
    }
}

/// Whether `value` holds an anchored key at any depth, so that its map entry is evaluated
/// before plain siblings (Kyverno's `getSortedNestedAnchorResource`).
pub(crate) fn has_nested_anchor(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Object(map) => map
            .iter()
            .any(|(key, value)| Anchor::parse(key).is_some() || has_nested_anchor(value)),
        serde_json::Value::Array(items) => items.iter().any(has_nested_anchor),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    //! Anchor key parsing (Kyverno docs, "Validate Rules: Anchors", table of anchors).
    use super::*;

    #[test]
    fn parses_every_modifier() {
        let cases = [
            ("(name)", AnchorKind::Conditional),
            ("=(name)", AnchorKind::Equality),
            ("^(name)", AnchorKind::Existence),
            ("X(name)", AnchorKind::Negation),
            ("<(name)", AnchorKind::Global),
            ("+(name)", AnchorKind::AddIfNotPresent),
        ];
        for (key, kind) in cases {
            let anchor = Anchor::parse(key).expect(key);
            assert_eq!((anchor.kind, anchor.name), (kind, "name"), "{key}");
        }
    }

    #[test]
    fn plain_and_malformed_keys() {
        assert_eq!(Anchor::parse("name"), None);
        assert_eq!(Anchor::parse("Y(name)"), None);
        assert!(!Anchor::is_malformed("Y(name)"));
        for key in ["(name", "=()", "()", "^(x", "X(name]"] {
            assert!(Anchor::is_malformed(key), "{key}");
        }
    }
}
