//! The syntax tree of a Falco condition, as [`parse`](super::parse) builds it and
//! [`expand`](fn@super::expand) rewrites it, and its canonical text form ([`Display`]).
//!
//! The shapes follow libsinsp's `filter/ast.h`: `and`/`or` hold any number of children, `not`
//! one, a bare name standing as an expression is a macro reference, and a check compares one
//! field (optionally under transformers) with an operator and a value. Leaves carry the byte
//! [`Span`] of their text in the condition they were parsed from; a node copied in by macro or
//! list expansion keeps the span of its own definition's text.

use std::fmt::{self, Display, Formatter};

/// A byte range `start..end` in the condition text a node was parsed from.
///
/// Spans let the rules loader point an error at the exact token (file line and column are the
/// loader's part: it knows where the condition sits in the YAML file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// The span from `start` to `end` (byte offsets).
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    #[must_use]
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A condition expression.
///
/// Canonical text ([`Display`]) parenthesizes every `and`/`or` nested in another one and every
/// compound operand of `not`, so printing and parsing again gives back the same tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// All children hold (`a and b and c`); at least two children when parsed.
    And(Vec<Expr>),
    /// Any child holds (`a or b or c`); at least two children when parsed.
    Or(Vec<Expr>),
    /// The child does not hold (`not a`).
    Not(Box<Expr>),
    /// A bare name where an expression stands: a reference to a macro, replaced by the macro's
    /// condition on [`expand`](fn@super::expand).
    Macro {
        /// The macro's name.
        name: String,
        /// Where the name stands.
        span: Span,
    },
    /// A check with a unary operator (`fd.name exists`).
    Unary {
        /// The field checked.
        check: Check,
        /// The operator.
        op: UnaryOp,
        /// From the field to the operator.
        span: Span,
    },
    /// A check comparing a field with a value (`proc.name in (bash, sh)`).
    Binary {
        /// The field checked, the left-hand side.
        check: Check,
        /// The operator.
        op: BinaryOp,
        /// The right-hand side.
        value: Operand,
        /// From the field to the end of the value.
        span: Span,
    },
}

impl Expr {
    /// The span this expression covers: its own for leaves, the union of its children's for
    /// `and`/`or`/`not` (which do not keep their own, as in the brief's AST).
    pub fn span(&self) -> Span {
        match self {
            Expr::And(children) | Expr::Or(children) => children
                .iter()
                .map(Expr::span)
                .reduce(Span::to)
                .unwrap_or_default(),
            Expr::Not(child) => child.span(),
            Expr::Macro { span, .. } | Expr::Unary { span, .. } | Expr::Binary { span, .. } => {
                *span
            }
        }
    }
}

/// A field reference: `name.with.dots`, an optional `[argument]`, and transformers around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The field name (`proc.aname`, `ka.req.pod.containers.image`).
    pub field: String,
    /// The raw text between brackets (`2` in `proc.aname[2]`, `/a/b` in `jevt.value[/a/b]`),
    /// unescaped when it was quoted.
    pub arg: Option<String>,
    /// Transformers applied to the field's value, outermost first: `tolower(b64(f))` is
    /// `[ToLower, Base64]`.
    pub transformers: Vec<Transformer>,
    /// From the first transformer (or the field) to the closing bracket or parenthesis.
    pub span: Span,
}

/// A field transformer (libsinsp `filter/parser.cpp`, `s_field_transformers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transformer {
    /// `tolower(f)`: the value in lower case.
    ToLower,
    /// `toupper(f)`: the value in upper case.
    ToUpper,
    /// `b64(f)`: the value decoded from base64.
    Base64,
    /// `basename(f)`: the last path component.
    Basename,
    /// `len(f)`: the length of a string or list.
    Len,
}

impl Transformer {
    /// Every transformer, in libsinsp's order.
    pub const ALL: [Transformer; 5] = [
        Transformer::ToLower,
        Transformer::ToUpper,
        Transformer::Base64,
        Transformer::Basename,
        Transformer::Len,
    ];

    /// The name as written before the parenthesis.
    pub const fn name(self) -> &'static str {
        match self {
            Transformer::ToLower => "tolower",
            Transformer::ToUpper => "toupper",
            Transformer::Base64 => "b64",
            Transformer::Basename => "basename",
            Transformer::Len => "len",
        }
    }
}

/// A unary check operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    /// `exists`: the field has a value in this event.
    Exists,
}

impl UnaryOp {
    /// The operator as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            UnaryOp::Exists => "exists",
        }
    }
}

/// A binary check operator (falco.org "Conditions", "Operators").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    /// `=` or `==`: equality.
    Eq,
    /// `!=`: inequality.
    Ne,
    /// `<`: numeric less than.
    Lt,
    /// `<=`: numeric less than or equal.
    Le,
    /// `>`: numeric greater than.
    Gt,
    /// `>=`: numeric greater than or equal.
    Ge,
    /// `contains`: substring, case-sensitive.
    Contains,
    /// `icontains`: substring, case-insensitive.
    IContains,
    /// `bcontains`: byte substring given in hex.
    BContains,
    /// `startswith`: string prefix.
    StartsWith,
    /// `bstartswith`: byte prefix given in hex.
    BStartsWith,
    /// `endswith`: string suffix.
    EndsWith,
    /// `glob`: shell glob match.
    Glob,
    /// `iglob`: case-insensitive glob match.
    IGlob,
    /// `regex`: RE2 regular expression match.
    Regex,
    /// `in`: the value (or any value of a list field) is one of the list's.
    In,
    /// `intersects`: a list field shares at least one value with the list.
    Intersects,
    /// `pmatch`: the path is one of the list's paths or below one.
    PMatch,
}

impl BinaryOp {
    /// The operator as written (`=` for both `=` and `==`).
    pub const fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Eq => "=",
            BinaryOp::Ne => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Contains => "contains",
            BinaryOp::IContains => "icontains",
            BinaryOp::BContains => "bcontains",
            BinaryOp::StartsWith => "startswith",
            BinaryOp::BStartsWith => "bstartswith",
            BinaryOp::EndsWith => "endswith",
            BinaryOp::Glob => "glob",
            BinaryOp::IGlob => "iglob",
            BinaryOp::Regex => "regex",
            BinaryOp::In => "in",
            BinaryOp::Intersects => "intersects",
            BinaryOp::PMatch => "pmatch",
        }
    }

    /// Whether the operator takes a list of values (`in`, `intersects`, `pmatch`): only these
    /// operands have list names expanded.
    pub const fn takes_list(self) -> bool {
        matches!(self, BinaryOp::In | BinaryOp::Intersects | BinaryOp::PMatch)
    }

    /// Whether the operator compares numbers (`<`, `<=`, `>`, `>=`): its value must be a number
    /// or a field.
    pub const fn is_numeric(self) -> bool {
        matches!(
            self,
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge
        )
    }
}

/// The right-hand side of a binary check.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// One value (`bash`, `"a b"`, `0x10`); after a list operator, an unquoted name here is a
    /// list reference (`proc.name in shell_binaries`).
    Single(Literal),
    /// A parenthesized list (`(a, "b", 3)`); unquoted items may name lists.
    List(Vec<Literal>),
    /// Another field: `val(f)` without transformers, or a transformed field such as
    /// `tolower(f)`.
    Field(Check),
}

/// A value as written in a condition or a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Literal {
    /// The value, unescaped when it was quoted.
    pub text: String,
    /// Whether it was quoted: quoted values never name lists.
    pub quoted: bool,
    /// The token's span, quotes included.
    pub span: Span,
}

/// Whether `text` can be written without quotes as a value: libsinsp's bare string,
/// `[^()"'[:space:]=,]+`.
pub(crate) fn is_bare_value(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(is_bare_value_byte)
}

/// A byte of a bare value.
pub(crate) fn is_bare_value_byte(byte: u8) -> bool {
    !matches!(
        byte,
        b'(' | b')' | b'"' | b'\'' | b'=' | b',' | b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'
    )
}

/// A byte of a bare field argument: `[^][\"'[:space:]]`.
pub(crate) fn is_bare_arg_byte(byte: u8) -> bool {
    !matches!(
        byte,
        b'[' | b']' | b'"' | b'\'' | b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'
    )
}

/// Writes `text` double-quoted with the escapes libsinsp's `unescape_str` reads back.
///
/// libsinsp ends a string at the first quote not preceded by a backslash, so a final
/// backslash cannot be written `\\`; it is written `\ `, which libsinsp also reads as a
/// backslash (the stable rules' `proc.args contains "\ "` relies on that).
fn write_quoted(f: &mut Formatter<'_>, text: &str) -> fmt::Result {
    f.write_str("\"")?;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' => f.write_str("\\\"")?,
            '\\' if chars.peek().is_none() => f.write_str("\\ ")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            '\u{8}' => f.write_str("\\b")?,
            '\u{c}' => f.write_str("\\f")?,
            control if control.is_ascii_control() => write!(f, "\\x{:02X}", u32::from(control))?,
            other => write!(f, "{other}")?,
        }
    }
    f.write_str("\"")
}

impl Display for Literal {
    /// Bare when it was bare and still reads as one value, double-quoted otherwise.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        if !self.quoted && is_bare_value(&self.text) {
            f.write_str(&self.text)
        } else {
            write_quoted(f, &self.text)
        }
    }
}

impl Display for Check {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        for transformer in &self.transformers {
            write!(f, "{}(", transformer.name())?;
        }
        f.write_str(&self.field)?;
        if let Some(arg) = &self.arg {
            f.write_str("[")?;
            if !arg.is_empty() && arg.bytes().all(is_bare_arg_byte) {
                f.write_str(arg)?;
            } else {
                write_quoted(f, arg)?;
            }
            f.write_str("]")?;
        }
        for _ in &self.transformers {
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl Display for Operand {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Single(literal) => literal.fmt(f),
            Operand::List(items) => {
                f.write_str("(")?;
                for (index, item) in items.iter().enumerate() {
                    if index > 0 {
                        f.write_str(", ")?;
                    }
                    item.fmt(f)?;
                }
                f.write_str(")")
            }
            Operand::Field(check) if check.transformers.is_empty() => write!(f, "val({check})"),
            Operand::Field(check) => check.fmt(f),
        }
    }
}

impl Display for Expr {
    /// Canonical condition text: single spaces, `=` for equality, values bare where they can
    /// be, and parentheses around every `and`/`or` nested in another and around compound
    /// operands of `not`.
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Expr::And(children) => write_joined(f, children, " and "),
            Expr::Or(children) => write_joined(f, children, " or "),
            Expr::Not(child) => {
                f.write_str("not ")?;
                write_nested(f, child)
            }
            // libsinsp reads a lone keyword as a macro name (`a and not` refers to a macro
            // `not`); in parentheses it cannot be taken for the keyword.
            Expr::Macro { name, .. } if matches!(name.as_str(), "and" | "or" | "not") => {
                write!(f, "({name})")
            }
            Expr::Macro { name, .. } => f.write_str(name),
            Expr::Unary { check, op, .. } => write!(f, "{check} {}", op.as_str()),
            Expr::Binary {
                check, op, value, ..
            } => write!(f, "{check} {} {value}", op.as_str()),
        }
    }
}

/// Writes `children` separated by `separator`, each `and`/`or` child in parentheses.
fn write_joined(f: &mut Formatter<'_>, children: &[Expr], separator: &str) -> fmt::Result {
    for (index, child) in children.iter().enumerate() {
        if index > 0 {
            f.write_str(separator)?;
        }
        match child {
            Expr::And(_) | Expr::Or(_) => write!(f, "({child})")?,
            _ => child.fmt(f)?,
        }
    }
    Ok(())
}

/// Writes the operand of a `not`: compound expressions in parentheses, a `not` too since
/// libsinsp folds `not not a` into `a`.
fn write_nested(f: &mut Formatter<'_>, expr: &Expr) -> fmt::Result {
    match expr {
        Expr::And(_) | Expr::Or(_) | Expr::Not(_) => write!(f, "({expr})"),
        _ => expr.fmt(f),
    }
}
