//! [`FieldValue`]: what extracting one field from one event yields.
//!
//! Extractors ([`super::K8sAuditExtractor`] today, the syscall extractors with the sensor) return
//! a [`FieldValue`]; the condition evaluator compares it and the output formatter prints it. A
//! value borrows from the event where it can, so a rule that only compares strings allocates
//! nothing.

use std::borrow::Cow;
use std::fmt;

/// The value of one field on one event.
///
/// [`FieldValue::Missing`] is Falco's "field not available": the event does not carry the value
/// (a `ka.req.pod.*` field on a configmap event, `ka.impuser.name` without impersonation). Falco
/// prints it as `<NA>` in outputs, every comparison against it is false, and only `exists` tells
/// it apart (`not ka.impuser.name exists`). Lists are what list fields
/// ([`super::FieldInfo::list`]) yield; an empty list is present, not missing, as in the k8saudit
/// plugin (a pod with no privileged containers has `ka.req.pod.containers.privileged` = `()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// The event does not carry this field (`<NA>` in outputs; comparisons are false).
    Missing,
    /// A text value (Falco's `CHARBUF`); every `ka.*` and `jevt.*` field is text.
    Str(Cow<'a, str>),
    /// An unsigned number (`UINT64`, timestamps in nanoseconds).
    U64(u64),
    /// A signed number (`INT64`, results and ids).
    I64(i64),
    /// A boolean (`BOOL`).
    Bool(bool),
    /// The values of a list field, in event order.
    List(Vec<FieldValue<'a>>),
}

impl FieldValue<'_> {
    /// Whether the value is present, which is what Falco's `exists` operator tests.
    #[must_use]
    pub fn exists(&self) -> bool {
        !matches!(self, FieldValue::Missing)
    }

    /// The text of a [`FieldValue::Str`], `None` for any other variant.
    #[must_use]
    pub fn as_str(&self) -> Option<&str> {
        match self {
            FieldValue::Str(text) => Some(text),
            _ => None,
        }
    }

    /// A value that no longer borrows from the event, for alerts that outlive it.
    #[must_use]
    pub fn into_owned(self) -> FieldValue<'static> {
        match self {
            FieldValue::Missing => FieldValue::Missing,
            FieldValue::Str(text) => FieldValue::Str(Cow::Owned(text.into_owned())),
            FieldValue::U64(number) => FieldValue::U64(number),
            FieldValue::I64(number) => FieldValue::I64(number),
            FieldValue::Bool(flag) => FieldValue::Bool(flag),
            FieldValue::List(items) => {
                FieldValue::List(items.into_iter().map(FieldValue::into_owned).collect())
            }
        }
    }
}

/// Renders the value as Falco prints it in an output: `<NA>` when missing, lists as
/// `(a,b,c)` (libsinsp's rendering of list fields), booleans as `true`/`false`.
impl fmt::Display for FieldValue<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Missing => formatter.write_str("<NA>"),
            FieldValue::Str(text) => formatter.write_str(text),
            FieldValue::U64(number) => write!(formatter, "{number}"),
            FieldValue::I64(number) => write!(formatter, "{number}"),
            FieldValue::Bool(flag) => write!(formatter, "{flag}"),
            FieldValue::List(items) => {
                formatter.write_str("(")?;
                for (position, item) in items.iter().enumerate() {
                    if position > 0 {
                        formatter.write_str(",")?;
                    }
                    write!(formatter, "{item}")?;
                }
                formatter.write_str(")")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_renders_as_na_and_does_not_exist() {
        assert_eq!(FieldValue::Missing.to_string(), "<NA>");
        assert!(!FieldValue::Missing.exists());
        assert!(FieldValue::List(Vec::new()).exists());
    }

    #[test]
    fn lists_render_in_parentheses() {
        let list = FieldValue::List(vec![
            FieldValue::Str("true".into()),
            FieldValue::Str("false".into()),
        ]);
        assert_eq!(list.to_string(), "(true,false)");
        assert_eq!(FieldValue::List(Vec::new()).to_string(), "()");
    }
}
