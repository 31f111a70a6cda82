//! Rule exceptions: their checks and the condition text Falco appends for them.
//!
//! An exception names `fields` (one field or a list), optional `comps` (one operator per field;
//! `in` for a single field and `=` for each field of a list by default) and `values` (a list of
//! tuples, or of plain values for a single field). Falco turns them into text appended to the
//! rule's condition before parsing it (falcosecurity/falco `rule_loader_compiler.cpp`
//! `build_rule_exception_infos`, checks in `rule_loader_collector.cpp`
//! `validate_exception_info`); [`append_to_condition`] builds the same text byte for byte, so
//! positions reported by the condition parser line up with Falco's.

use super::error::ErrorKind;
use super::yaml::Position;

/// One of `fields`, `comps` or a value of an exception: a scalar or a (nested) list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A single string.
    Scalar(String),
    /// A list of entries (a tuple of values, or a value list inside a tuple).
    List(Vec<Entry>),
}

/// One exception of a rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// The exception's name, unique within the rule.
    pub name: String,
    /// The field or fields the exception compares; `None` when absent (allowed only when
    /// appending values to an exception defined earlier).
    pub fields: Option<Entry>,
    /// The comparison operators: as written, or Falco's defaults (`in` for a single field, `=`
    /// for each field of a list) once the rule has loaded.
    pub comps: Option<Entry>,
    /// The values: tuples matching `fields`, or plain values for a single field.
    pub values: Vec<Entry>,
    /// Where the exception starts in its file.
    pub position: Position,
}

/// Operators of Falco's condition language (libsinsp `filter/parser.cpp`
/// `supported_operators`); the condition parser owns their semantics, the loader only checks
/// exception `comps` against the names.
const OPERATORS: &[&str] = &[
    "=",
    "==",
    "!=",
    "<=",
    ">=",
    "<",
    ">",
    "contains",
    "bcontains",
    "icontains",
    "startswith",
    "bstartswith",
    "endswith",
    "glob",
    "iglob",
    "pmatch",
    "exists",
    "in",
    "intersects",
    "regex",
];

/// Operators whose right-hand side is a list, so a scalar value is parenthesized.
const LIST_OPERATORS: &[&str] = &["in", "intersects", "pmatch"];

impl Exception {
    /// Applies Falco's default `comps` and checks the shape of `fields`, `comps` and every
    /// value; `fields` must be present.
    pub(crate) fn validate(&mut self) -> Result<(), ErrorKind> {
        match &self.fields {
            Some(Entry::List(fields)) => {
                let comps = self.comps.get_or_insert_with(|| {
                    Entry::List(vec![Entry::Scalar("=".to_owned()); fields.len()])
                });
                let Entry::List(comps) = comps else {
                    return Err(ErrorKind::FieldsCompsLength);
                };
                if comps.len() != fields.len() {
                    return Err(ErrorKind::FieldsCompsLength);
                }
                for comp in comps.iter() {
                    let operator = scalar_text(comp);
                    if !OPERATORS.contains(&operator) {
                        return Err(ErrorKind::UnknownOperator {
                            operator: operator.to_owned(),
                        });
                    }
                }
            }
            Some(Entry::Scalar(_)) => {
                let comps = self
                    .comps
                    .get_or_insert_with(|| Entry::Scalar("in".to_owned()));
                let Entry::Scalar(operator) = comps else {
                    return Err(ErrorKind::CompsNotString);
                };
                if !LIST_OPERATORS.contains(&operator.as_str()) {
                    return Err(ErrorKind::SingleFieldOperator {
                        operator: operator.clone(),
                    });
                }
            }
            None => return Err(ErrorKind::ExceptionItemWithoutFields),
        }
        self.values
            .iter()
            .try_for_each(|value| self.check_value(value))
    }

    /// Checks one value against `fields`: a tuple of the same length for a field list, a
    /// scalar for a single field.
    pub(crate) fn check_value(&self, value: &Entry) -> Result<(), ErrorKind> {
        match (&self.fields, value) {
            (Some(Entry::List(fields)), Entry::List(values)) if fields.len() != values.len() => {
                Err(ErrorKind::FieldsValuesLength {
                    fields: fields.len(),
                    values: values.len(),
                })
            }
            (Some(Entry::List(fields)), Entry::Scalar(_)) => Err(ErrorKind::FieldsValuesLength {
                fields: fields.len(),
                values: 0,
            }),
            (Some(Entry::Scalar(_)), Entry::List(_)) => Err(ErrorKind::ValuesNotStrings),
            _ => Ok(()),
        }
    }

    /// The clause for this exception (without the leading ` and not `), or `None` when it has
    /// no values.
    fn clause(&self) -> Option<String> {
        match (&self.fields, &self.comps) {
            (Some(Entry::Scalar(field)), Some(Entry::Scalar(operator))) => {
                let values: Vec<String> = self
                    .values
                    .iter()
                    .map(|value| quote(scalar_text(value)))
                    .collect();
                (!values.is_empty())
                    .then(|| format!("({field} {operator} ({}))", values.join(", ")))
            }
            (Some(Entry::List(fields)), Some(Entry::List(comps))) => {
                if self.values.is_empty() {
                    return None;
                }
                let tuples: Vec<String> = self
                    .values
                    .iter()
                    .map(|tuple| tuple_clause(fields, comps, tuple))
                    .collect();
                Some(format!("({})", tuples.join(" or ")))
            }
            _ => None,
        }
    }
}

/// `( f1 c1 v1 and  f2 c2 v2)`: Falco puts a space before each field after its separator,
/// which doubles the space after `and`; kept so the text matches Falco's.
fn tuple_clause(fields: &[Entry], comps: &[Entry], tuple: &Entry) -> String {
    let values: &[Entry] = match tuple {
        Entry::List(values) => values,
        Entry::Scalar(_) => &[],
    };
    let mut clause = String::from("(");
    for (index, ((field, comp), value)) in fields.iter().zip(comps).zip(values).enumerate() {
        if index > 0 {
            clause.push_str(" and ");
        }
        let operator = scalar_text(comp);
        let operand = match value {
            Entry::List(items) => {
                let items: Vec<String> = items.iter().map(|v| quote(scalar_text(v))).collect();
                format!("({})", items.join(", "))
            }
            Entry::Scalar(text) if LIST_OPERATORS.contains(&operator) => {
                if text.starts_with('(') {
                    text.clone()
                } else {
                    format!("({text})")
                }
            }
            Entry::Scalar(text) => quote(text),
        };
        clause.push(' ');
        clause.push_str(scalar_text(field));
        clause.push(' ');
        clause.push_str(operator);
        clause.push(' ');
        clause.push_str(&operand);
    }
    clause.push(')');
    clause
}

fn scalar_text(entry: &Entry) -> &str {
    match entry {
        Entry::Scalar(text) => text,
        Entry::List(_) => "",
    }
}

/// Falco's `quote_item`: double-quotes a value holding a space unless it already starts with
/// a quote (Falco does not escape inner quotes either).
fn quote(value: &str) -> String {
    if value.contains(' ') && !value.starts_with(['"', '\'']) {
        format!("\"{value}\"")
    } else {
        value.to_owned()
    }
}

/// The rule condition with its exceptions: `(condition) and not (...) and not (...)`, or the
/// condition unchanged when the rule has no exceptions.
pub(crate) fn append_to_condition(condition: &str, exceptions: &[Exception]) -> String {
    if exceptions.is_empty() {
        return condition.to_owned();
    }
    let mut text = format!("({condition})");
    for clause in exceptions.iter().filter_map(Exception::clause) {
        text.push_str(" and not ");
        text.push_str(&clause);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scalar(text: &str) -> Entry {
        Entry::Scalar(text.to_owned())
    }

    fn list(items: &[&str]) -> Entry {
        Entry::List(items.iter().map(|item| scalar(item)).collect())
    }

    fn exception(fields: Entry, comps: Option<Entry>, values: Vec<Entry>) -> Exception {
        Exception {
            name: "ex".to_owned(),
            fields: Some(fields),
            comps,
            values,
            position: Position::default(),
        }
    }

    fn built(mut exception: Exception) -> String {
        exception.validate().expect("valid exception");
        append_to_condition("evt.type=open and proc.name=cat", &[exception])
    }

    #[test]
    fn multi_field_defaults_to_equals_and_quotes_spaces() {
        // legacy-tests rules/exceptions/rule_exception_quoted.yaml: the second tuple's value
        // is already quoted and stays as written.
        let text = built(exception(
            list(&["proc.name", "proc.cmdline"]),
            None,
            vec![
                list(&["not-cat", "not-cat"]),
                list(&["cat", "\"cat /dev/null\""]),
            ],
        ));
        assert_eq!(
            text,
            "(evt.type=open and proc.name=cat) and not \
             (( proc.name = not-cat and  proc.cmdline = not-cat) or \
             ( proc.name = cat and  proc.cmdline = \"cat /dev/null\"))"
        );
    }

    #[test]
    fn list_operators_parenthesize_scalars_and_lists() {
        // rule_exception_values_listref.yaml and rule_exception_values_list.yaml.
        let listref = built(exception(
            list(&["proc.name", "proc.cmdline"]),
            Some(list(&["=", "in"])),
            vec![list(&["cat", "(cat_cmdlines)"])],
        ));
        assert!(
            listref.ends_with("and not (( proc.name = cat and  proc.cmdline in (cat_cmdlines)))")
        );
        let noparens = built(exception(
            list(&["proc.name", "proc.cmdline"]),
            Some(list(&["=", "in"])),
            vec![list(&["cat", "cat_cmdlines"])],
        ));
        assert!(noparens.ends_with("proc.cmdline in (cat_cmdlines)))"));
        let values = built(exception(
            list(&["proc.name", "proc.cmdline"]),
            Some(list(&["=", "in"])),
            vec![Entry::List(vec![
                scalar("cat"),
                list(&["cat /dev/zero", "x"]),
            ])],
        ));
        assert!(values.ends_with("proc.cmdline in (\"cat /dev/zero\", x)))"));
    }

    #[test]
    fn single_field_uses_in() {
        let text = built(exception(
            scalar("proc.name"),
            None,
            vec![scalar("cat"), scalar("my cat")],
        ));
        assert_eq!(
            text,
            "(evt.type=open and proc.name=cat) and not (proc.name in (cat, \"my cat\"))"
        );
    }

    #[test]
    fn no_values_leaves_only_parentheses() {
        let text = built(exception(list(&["proc.name"]), None, vec![]));
        assert_eq!(text, "(evt.type=open and proc.name=cat)");
    }

    #[test]
    fn shape_errors() {
        let mut mismatch = exception(list(&["a", "b"]), Some(list(&["="])), vec![]);
        assert_eq!(mismatch.validate(), Err(ErrorKind::FieldsCompsLength));
        let mut unknown = exception(list(&["a"]), Some(list(&["no-comp"])), vec![]);
        assert_eq!(
            unknown.validate(),
            Err(ErrorKind::UnknownOperator {
                operator: "no-comp".to_owned()
            })
        );
        let mut values = exception(list(&["a", "b"]), None, vec![list(&["x"])]);
        assert_eq!(
            values.validate(),
            Err(ErrorKind::FieldsValuesLength {
                fields: 2,
                values: 1
            })
        );
        let mut single = exception(scalar("a"), Some(scalar("=")), vec![]);
        assert!(matches!(
            single.validate(),
            Err(ErrorKind::SingleFieldOperator { .. })
        ));
        let mut nested = exception(scalar("a"), None, vec![list(&["x"])]);
        assert_eq!(nested.validate(), Err(ErrorKind::ValuesNotStrings));
    }
}
