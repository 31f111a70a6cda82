//! `${…}` expressions in POM values, replaced the way Maven's model interpolation does:
//! `${project.version}` (and the older `${pom.version}`) from the project's own coordinates,
//! anything else from the properties the project declares or inherits. A property's value may
//! itself hold expressions, which are replaced in turn.
//!
//! Expressions Maven fills from the build machine (`${env.HOME}`, `${java.version}`, `-D`
//! properties such as `${revision}` when the POM does not define it) have no value here: the
//! value is [`Unresolved`], never guessed. Work is bounded for hostile input: expansions nest
//! at most [`MAX_DEPTH`] deep (which also ends reference cycles), a value is at most
//! [`MAX_LENGTH`] bytes, and one call looks up at most [`MAX_LOOKUPS`] expressions.

use std::fmt;

/// Deepest nesting of expressions inside property values.
const MAX_DEPTH: usize = 16;
/// Longest value an interpolation may produce; real coordinates are a few dozen bytes.
const MAX_LENGTH: usize = 1024;
/// Most expressions one value may expand, counting nested ones.
const MAX_LOOKUPS: usize = 4096;

/// Why a value could not be completed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Unresolved {
    /// `${name}` names nothing the project or its parents define.
    Undefined(String),
    /// `${name}` expands through itself (or nests deeper than the limit).
    Cycle(String),
    /// The expansion grew past the length or work limit.
    TooLarge,
    /// A `${` has no closing `}`.
    Unterminated,
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Undefined(name) => write!(f, "`${{{name}}}` is not defined"),
            Self::Cycle(name) => write!(f, "`${{{name}}}` refers to itself"),
            Self::TooLarge => f.write_str("the value expands past the size limit"),
            Self::Unterminated => f.write_str("a `${` is not closed"),
        }
    }
}

/// Replaces every `${name}` in `value` with what `lookup` returns for `name`, recursively.
/// An unterminated `${` is an error: Maven keeps it as written, which names no artifact.
pub(super) fn interpolate<'a>(
    value: &str,
    lookup: &dyn Fn(&str) -> Option<&'a str>,
) -> Result<String, Unresolved> {
    let mut expander = Expander {
        lookup,
        output: String::with_capacity(value.len()),
        lookups: 0,
    };
    expander.expand(value, 0)?;
    Ok(expander.output)
}

/// The state of one [`interpolate`] call.
struct Expander<'l, 'a> {
    lookup: &'l dyn Fn(&str) -> Option<&'a str>,
    output: String,
    lookups: usize,
}

impl Expander<'_, '_> {
    fn expand(&mut self, value: &str, depth: usize) -> Result<(), Unresolved> {
        let mut rest = value;
        while let Some(start) = rest.find("${") {
            let (literal, expression) = rest.split_at(start);
            self.push(literal)?;
            let Some(end) = expression.find('}') else {
                return Err(Unresolved::Unterminated);
            };
            let name = expression.get(2..end).unwrap_or_default();
            rest = expression.get(end + 1..).unwrap_or_default();
            self.lookups += 1;
            if self.lookups > MAX_LOOKUPS {
                return Err(Unresolved::TooLarge);
            }
            if depth >= MAX_DEPTH {
                return Err(Unresolved::Cycle(name.to_owned()));
            }
            let replacement =
                (self.lookup)(name).ok_or_else(|| Unresolved::Undefined(name.to_owned()))?;
            self.expand(replacement, depth + 1)?;
        }
        self.push(rest)
    }

    fn push(&mut self, text: &str) -> Result<(), Unresolved> {
        if self.output.len() + text.len() > MAX_LENGTH {
            return Err(Unresolved::TooLarge);
        }
        self.output.push_str(text);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn with(properties: &[(&'static str, &'static str)]) -> impl Fn(&str) -> Option<&'static str> {
        let map: HashMap<&str, &str> = properties.iter().copied().collect();
        move |name| map.get(name).copied()
    }

    #[test]
    fn replaces_nested_expressions() {
        let lookup = with(&[("a", "1.${b}"), ("b", "2"), ("c", "")]);
        assert_eq!(interpolate("v${a}-${c}x", &lookup).unwrap(), "v1.2-x");
        assert_eq!(interpolate("plain", &lookup).unwrap(), "plain");
        assert_eq!(
            interpolate("open ${a", &lookup),
            Err(Unresolved::Unterminated)
        );
        let lookup = with(&[("open", "${")]);
        assert_eq!(
            interpolate("x${open}", &lookup),
            Err(Unresolved::Unterminated)
        );
    }

    #[test]
    fn reports_what_is_missing() {
        let lookup = with(&[
            ("a", "${b}"),
            ("self", "x${self}"),
            ("loop1", "${loop2}"),
            ("loop2", "${loop1}"),
        ]);
        assert_eq!(
            interpolate("${a}", &lookup),
            Err(Unresolved::Undefined("b".to_owned()))
        );
        assert_eq!(
            interpolate("${self}", &lookup),
            Err(Unresolved::Cycle("self".to_owned()))
        );
        assert!(matches!(
            interpolate("${loop1}", &lookup),
            Err(Unresolved::Cycle(_))
        ));
    }

    #[test]
    fn bounds_exponential_expansion() {
        let lookup = with(&[
            ("a", "${b}${b}${b}${b}"),
            ("b", "${c}${c}${c}${c}"),
            ("c", "${d}${d}${d}${d}"),
            ("d", "${e}${e}${e}${e}"),
            ("e", "${f}${f}${f}${f}"),
            ("f", "${g}${g}${g}${g}"),
            ("g", ""),
        ]);
        assert_eq!(interpolate("${a}", &lookup), Err(Unresolved::TooLarge));
        let lookup = with(&[
            ("a", "${b}${b}"),
            ("b", "${c}${c}"),
            ("c", "0123456789abcdef0123456789abcdef"),
        ]);
        assert_eq!(
            interpolate("${a}${a}${a}${a}${a}${a}${a}${a}${a}", &lookup),
            Err(Unresolved::TooLarge)
        );
    }
}
