//! Errors of the condition language: [`ParseError`] from [`parse`](super::parse) (with the
//! position inside the condition) and [`ExpandError`] from [`expand`](fn@super::expand) (with
//! the span of the offending name and the macro or list chain).

use std::fmt::{self, Display, Formatter};

use crate::condition::ast::Span;

/// A condition that does not parse, with where: the byte offset and the 1-based line and
/// column (in characters) inside the condition text.
///
/// The rules loader adds the file and the condition's own position in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} at line {line}, column {column}")]
pub struct ParseError {
    /// What is wrong.
    pub kind: ParseErrorKind,
    /// Byte offset of the offending token in the condition.
    pub offset: usize,
    /// 1-based line of the offending token in the condition.
    pub line: usize,
    /// 1-based column, in characters, of the offending token in its line.
    pub column: usize,
}

impl ParseError {
    /// The error `kind` at byte `offset` of `text`, with the line and column computed.
    pub(crate) fn at(text: &str, offset: usize, kind: ParseErrorKind) -> Self {
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        let column = before
            .get(line_start..)
            .map_or(0, |line| line.chars().count())
            + 1;
        Self {
            kind,
            offset,
            line,
            column,
        }
    }
}

/// What is wrong with a condition (the words follow libsinsp's parser where it has them).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    /// The condition has no text (libsinsp: "filter input string is empty").
    #[error("condition is empty")]
    Empty,
    /// The condition is longer than the parser accepts.
    #[error("condition is {len} bytes long, more than the limit of {max}")]
    TooLong {
        /// Its length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// Parentheses, `not (` and transformers nest deeper than the parser accepts.
    #[error("condition nests deeper than the limit of {max}")]
    TooDeep {
        /// The limit.
        max: usize,
    },
    /// Something else stands where a token was expected.
    #[error("expected {expected}, found {}", describe(.found.as_deref()))]
    Expected {
        /// What the grammar allows here.
        expected: Expected,
        /// The text found instead (a short excerpt), `None` at the end of the condition.
        found: Option<String>,
    },
    /// A complete expression is followed by something other than `and` or `or` (libsinsp:
    /// "unexpected token after ..., expecting 'or', 'and'").
    #[error("unexpected '{found}' after a complete expression, expecting 'and' or 'or'")]
    Trailing {
        /// The text that follows (a short excerpt).
        found: String,
    },
    /// A quoted string without its closing quote.
    #[error("string opened with {quote} is not closed")]
    UnterminatedString {
        /// The opening quote character.
        quote: char,
    },
    /// A backslash escape libsinsp does not accept (`\x`, or `\'` inside double quotes and
    /// `\"` inside single quotes).
    #[error("unsupported escape sequence \\{escape} in a string quoted with {quote}")]
    InvalidEscape {
        /// The character after the backslash.
        escape: char,
        /// The string's quote character.
        quote: char,
    },
    /// A `\xHH` escape of a byte outside ASCII: values are strings here, so Falco 0.45's raw
    /// byte escapes are limited to ASCII.
    #[error("unsupported escape \\x{byte:02X}: only ASCII bytes (\\x00 to \\x7F) can be escaped")]
    NonAsciiByteEscape {
        /// The escaped byte.
        byte: u8,
    },
}

/// `'excerpt'` or "end of condition".
fn describe(found: Option<&str>) -> String {
    found.map_or_else(|| "end of condition".to_owned(), |text| format!("'{text}'"))
}

/// What the grammar expected at the place of a [`ParseErrorKind::Expected`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    /// The start of an expression: `(`, `not`, a field check or a macro name.
    Expression,
    /// A check operator after a field.
    Operator,
    /// A blank or `(` right after `and`/`or`.
    BlankAfter(&'static str),
    /// A closing `)` of a group, a list or a transformer.
    CloseParen,
    /// A field argument: a quoted or bare string.
    FieldArgument,
    /// The `]` closing a field argument.
    CloseBracket,
    /// A field name inside `val(...)` or a transformer.
    Field,
    /// A number (decimal or hex) or a field after a numeric operator.
    Number,
    /// A string value or a field after a string operator.
    Value,
    /// A list item: a quoted or bare string.
    ListItem,
    /// A parenthesized list, a list name or a field after a list operator.
    List,
}

impl Display for Expected {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expected::Expression => f.write_str("'(', 'not', a field check or a macro name"),
            Expected::Operator => f.write_str(
                "a check operator (exists, =, ==, !=, <, <=, >, >=, contains, icontains, \
                 bcontains, startswith, bstartswith, endswith, glob, iglob, regex, in, \
                 intersects, pmatch)",
            ),
            Expected::BlankAfter(keyword) => write!(f, "a blank or '(' after '{keyword}'"),
            Expected::CloseParen => f.write_str("')'"),
            Expected::FieldArgument => f.write_str("a field argument (a quoted or bare string)"),
            Expected::CloseBracket => f.write_str("']' closing the field argument"),
            Expected::Field => f.write_str("a field name"),
            Expected::Number => f.write_str("a number or a field (val(...) or a transformer)"),
            Expected::Value => f.write_str("a string value or a field (val(...) or a transformer)"),
            Expected::ListItem => f.write_str("a list item (a quoted or bare string)"),
            Expected::List => f.write_str("a parenthesized list, a list name or a field"),
        }
    }
}

/// A macro or list reference that cannot be expanded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExpandError {
    /// A bare name stands as an expression but no macro has that name (Falco: "Undefined
    /// macro '...' used in filter").
    #[error("Undefined macro '{name}' used in filter{}.", within_text(.within.as_deref()))]
    UndefinedMacro {
        /// The name.
        name: String,
        /// Where it stands, in the text of the innermost enclosing macro (or of the condition).
        span: Span,
        /// The innermost macro whose condition holds the reference, `None` for the condition
        /// itself.
        within: Option<String>,
    },
    /// A macro refers back to itself, directly or through others (Falco: "reference loop in
    /// macro").
    #[error("reference loop in macro: {}", .chain.join(" -> "))]
    MacroCycle {
        /// The macros from the first reference to the repeated one, which ends the chain.
        chain: Vec<String>,
        /// Where the repeated reference stands, in its macro's text.
        span: Span,
    },
    /// A list contains its own name, directly or through other lists.
    #[error("list reference loop: {}", .chain.join(" -> "))]
    ListCycle {
        /// The lists from the first reference to the repeated one, which ends the chain.
        chain: Vec<String>,
        /// Where the repeated item stands, in its list's text.
        span: Span,
    },
    /// Expansion would build more nodes than allowed (macros referring to others many times
    /// over grow exponentially).
    #[error("expanded condition exceeds {max} nodes")]
    TooLarge {
        /// The limit.
        max: usize,
    },
    /// Macros nest deeper than allowed.
    #[error("expanded condition nests deeper than {max} levels")]
    TooDeep {
        /// The limit.
        max: usize,
    },
}

/// ` in macro 'name'` or nothing.
fn within_text(within: Option<&str>) -> String {
    within.map_or_else(String::new, |name| format!(" in macro '{name}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_counts_lines_and_characters() {
        let error = ParseError::at("a and\n  é x", 11, ParseErrorKind::Empty);
        assert_eq!((error.line, error.column), (2, 5));
        let error = ParseError::at("abc", 0, ParseErrorKind::Empty);
        assert_eq!((error.line, error.column), (1, 1));
    }
}
