//! The recursive-descent parser of Falco conditions, after the grammar in libsinsp's
//! `filter/parser.h` and its implementation in `filter/parser.cpp`:
//!
//! ```text
//! Expr       ::= AndExpr ('or' (' ' AndExpr | '(' Expr ')'))*
//! AndExpr    ::= NotExpr ('and' (' ' NotExpr | '(' Expr ')'))*
//! NotExpr    ::= ('not' blank+)* ('not(' Expr ')' | Check)
//! Check      ::= '(' Expr ')' | Field Condition | Transformer Condition | Identifier
//! Transformer::= ('tolower(' | 'toupper(' | 'b64(' | 'basename(' | 'len(')
//!                (Transformer | Field) ')'
//! Condition  ::= 'exists'
//!              | NumOp (Number | FieldValue) | StrOp (String | FieldValue)
//!              | ListOp ('(' (String (',' String)*)? ')' | FieldValue | Identifier)
//! FieldValue ::= 'val(' Field ')' | Transformer
//! Field      ::= FieldName ('[' (Quoted | BareArg) ']')?
//! ```
//!
//! `not` binds tighter than `and`, which binds tighter than `or`. Word operators (`contains`,
//! `glob`, ...) need a blank after them; symbols and list operators do not. The parser does
//! not recurse: open parentheses and transformers are counted against [`MAX_DEPTH`] and the
//! input against [`MAX_CONDITION_LEN`], so hostile text yields an error, never a stack
//! overflow.

use crate::condition::ast::{BinaryOp, Check, Expr, Literal, Operand, Span, Transformer, UnaryOp};
use crate::condition::error::{Expected, ParseError, ParseErrorKind};
use crate::condition::lexer::Cursor;

/// The longest condition accepted, in bytes. The longest official rule condition is a few
/// kilobytes; exceptions appended by the loader add a few more.
pub const MAX_CONDITION_LEN: usize = 1 << 20;

/// The deepest nesting of parentheses (or of transformers) accepted. Falco's own limit (1000
/// recursive calls of its parser, about five per level) allows a similar depth. Consumers that
/// walk the tree recursively (display, expansion, evaluation) rely on this bound.
pub const MAX_DEPTH: usize = 256;

/// Operators that are symbols, longest first so `<=` is not read as `<`.
const SYMBOL_OPERATORS: [(&str, BinaryOp); 7] = [
    ("<=", BinaryOp::Le),
    ("<", BinaryOp::Lt),
    (">=", BinaryOp::Ge),
    (">", BinaryOp::Gt),
    ("==", BinaryOp::Eq),
    ("=", BinaryOp::Eq),
    ("!=", BinaryOp::Ne),
];

/// Word operators, which must be followed by a blank.
const WORD_OPERATORS: [(&str, BinaryOp); 9] = [
    ("glob", BinaryOp::Glob),
    ("iglob", BinaryOp::IGlob),
    ("contains", BinaryOp::Contains),
    ("icontains", BinaryOp::IContains),
    ("bcontains", BinaryOp::BContains),
    ("startswith", BinaryOp::StartsWith),
    ("bstartswith", BinaryOp::BStartsWith),
    ("endswith", BinaryOp::EndsWith),
    ("regex", BinaryOp::Regex),
];

/// List operators, `intersects` before its prefix `in`.
const LIST_OPERATORS: [(&str, BinaryOp); 3] = [
    ("intersects", BinaryOp::Intersects),
    ("in", BinaryOp::In),
    ("pmatch", BinaryOp::PMatch),
];

/// Transformers with their opening parenthesis: no blank may stand between the two.
const TRANSFORMER_OPENINGS: [(&str, Transformer); 5] = [
    ("tolower(", Transformer::ToLower),
    ("toupper(", Transformer::ToUpper),
    ("b64(", Transformer::Base64),
    ("basename(", Transformer::Basename),
    ("len(", Transformer::Len),
];

/// Parses a condition into an [`Expr`].
///
/// # Examples
///
/// ```
/// use custody_runtime::condition::{parse, BinaryOp, Expr};
///
/// let expr = parse("spawned_process and proc.name in (bash, sh)").unwrap();
/// let Expr::And(children) = &expr else { panic!("an and") };
/// assert!(matches!(&children[0], Expr::Macro { name, .. } if name == "spawned_process"));
/// assert!(matches!(&children[1], Expr::Binary { op: BinaryOp::In, .. }));
/// assert_eq!(expr.to_string(), "spawned_process and proc.name in (bash, sh)");
/// ```
pub fn parse(text: &str) -> Result<Expr, ParseError> {
    let mut parser = Parser::new(text)?;
    let expr = parser.expression()?;
    parser.finish()?;
    Ok(expr)
}

/// Parses one item of a rules file `list:` as Falco substitutes it into a condition: an item
/// with a space and no leading quote is a quoted string, a quoted item is unescaped, anything
/// else must be one bare value. Unquoted items may name other lists.
///
/// Falco pastes items into the condition text, so an item such as `a,b` would become two
/// values there; here it is an error, like any item that is not exactly one value.
pub fn parse_list_item(item: &str) -> Result<Literal, ParseError> {
    let needs_quotes = item.contains(' ') && !item.starts_with(['"', '\'']);
    if !needs_quotes {
        let mut parser = Parser::new(item)?;
        parser.cursor.skip_blank();
        let literal = parser
            .list_item()?
            .ok_or_else(|| parser.expected(Expected::ListItem))?;
        parser.finish()?;
        return Ok(literal);
    }
    let wrapped = format!("\"{item}\"");
    let mut parser = Parser::new(&wrapped)?;
    let result = parser.list_item().and_then(|literal| {
        parser.finish()?;
        literal.ok_or_else(|| parser.expected(Expected::ListItem))
    });
    // Report positions in the item as written, without the quotes added around it.
    match result {
        Ok(literal) => Ok(Literal {
            span: Span::new(0, item.len()),
            ..literal
        }),
        Err(error) => Err(ParseError::at(
            item,
            error.offset.saturating_sub(1).min(item.len()),
            error.kind,
        )),
    }
}

/// The parser state: the text and the cursor over it.
struct Parser<'a> {
    text: &'a str,
    cursor: Cursor<'a>,
}

/// The result of the parsing steps.
type Parsed<T> = Result<T, ParseError>;

impl<'a> Parser<'a> {
    /// A parser over `text`, refusing empty and oversized input.
    fn new(text: &'a str) -> Parsed<Self> {
        if text.len() > MAX_CONDITION_LEN {
            return Err(ParseError::at(
                "",
                0,
                ParseErrorKind::TooLong {
                    len: text.len(),
                    max: MAX_CONDITION_LEN,
                },
            ));
        }
        if text.is_empty() {
            return Err(ParseError::at(text, 0, ParseErrorKind::Empty));
        }
        Ok(Self {
            text,
            cursor: Cursor::new(text),
        })
    }

    /// An error of `kind` at byte `offset`.
    fn error(&self, offset: usize, kind: ParseErrorKind) -> ParseError {
        ParseError::at(self.text, offset, kind)
    }

    /// An [`Expected`] error at the next token, quoting it.
    fn expected(&self, expected: Expected) -> ParseError {
        self.error(
            self.cursor.next_token_offset(),
            ParseErrorKind::Expected {
                expected,
                found: self.cursor.excerpt(),
            },
        )
    }

    /// Requires the end of the input after trailing blanks.
    fn finish(&mut self) -> Parsed<()> {
        self.cursor.skip_blank();
        match self.cursor.excerpt() {
            None => Ok(()),
            Some(found) => {
                Err(self.error(self.cursor.position(), ParseErrorKind::Trailing { found }))
            }
        }
    }

    /// Consumes `literal` or fails with `expected`.
    fn require(&mut self, literal: &str, expected: Expected) -> Parsed<()> {
        if self.cursor.eat(literal) {
            Ok(())
        } else {
            Err(self.expected(expected))
        }
    }

    /// A [`ParseErrorKind::TooDeep`] error at the cursor.
    fn too_deep(&self) -> ParseError {
        self.error(
            self.cursor.position(),
            ParseErrorKind::TooDeep { max: MAX_DEPTH },
        )
    }

    /// `Expr ::= AndExpr ('or' AndExpr)*`, with `AndExpr ::= NotExpr ('and' NotExpr)*` and
    /// `NotExpr ::= ('not' blank+)* ('not(' Expr ')' | '(' Expr ')' | Check)`.
    ///
    /// Parentheses are handled with an explicit stack of open groups rather than recursion, so
    /// nesting costs heap, not call stack (debug builds spend kilobytes of stack per recursive
    /// level). An even number of `not`s cancels out, as in libsinsp.
    fn expression(&mut self) -> Parsed<Expr> {
        let mut open: Vec<Group> = Vec::new();
        let mut group = Group::default();
        loop {
            // One operand of `and`: its `not`s, then a group opening or a check.
            self.cursor.skip_blank();
            let mut negated = false;
            while self.cursor.eat_not_blank() {
                negated = !negated;
            }
            let opens_group = if self.cursor.eat("not(") {
                negated = !negated;
                true
            } else {
                self.cursor.skip_blank();
                self.cursor.eat("(")
            };
            if opens_group {
                if open.len() >= MAX_DEPTH {
                    return Err(self.too_deep());
                }
                open.push(std::mem::take(&mut group));
                group.negated = negated;
                continue;
            }
            let mut operand = negate(self.check()?, negated);
            // What follows an operand: `)` closing groups, then `and`, `or` or the end.
            loop {
                group.conjuncts.push(operand);
                self.cursor.skip_blank();
                if self.keyword("and")? {
                    break;
                }
                if self.keyword("or")? {
                    group.end_conjunction();
                    break;
                }
                let Some(parent) = open.pop() else {
                    return Ok(group.finish());
                };
                self.require(")", Expected::CloseParen)?;
                let negated = group.negated;
                operand = negate(std::mem::replace(&mut group, parent).finish(), negated);
            }
        }
    }

    /// Consumes `keyword` (`and`/`or`) when it is at the cursor, requiring a blank or `(` after
    /// it; the blank is skipped, the `(` is left for the next operand.
    fn keyword(&mut self, keyword: &'static str) -> Parsed<bool> {
        if !self.cursor.eat(keyword) {
            return Ok(false);
        }
        if self.cursor.skip_blank() || self.cursor.peek_is(b'(') {
            return Ok(true);
        }
        Err(self.expected(Expected::BlankAfter(keyword)))
    }

    /// `Check ::= Field Condition | Transformer Condition | Identifier`
    fn check(&mut self) -> Parsed<Expr> {
        let start = self.cursor.position();
        if let Some((name, span)) = self.cursor.field_name() {
            let check = self.field_rest(name, span)?;
            return self.condition(check);
        }
        if let Some(check) = self.transformed_field(start)? {
            return self.condition(check);
        }
        if let Some((name, span)) = self.cursor.identifier() {
            return Ok(Expr::Macro {
                name: name.to_owned(),
                span,
            });
        }
        Err(self.expected(Expected::Expression))
    }

    /// Consumes `tolower(`, `toupper(`, `b64(`, `basename(` or `len(`.
    fn transformer_opening(&mut self) -> Option<Transformer> {
        TRANSFORMER_OPENINGS
            .into_iter()
            .find(|(opening, _)| self.cursor.eat(opening))
            .map(|(_, transformer)| transformer)
    }

    /// `Transformer ::= opening (Transformer | Field) ')'` starting at byte `start`, `None`
    /// when no transformer opens at the cursor. Read iteratively: the openings, the field,
    /// then as many `)`.
    fn transformed_field(&mut self, start: usize) -> Parsed<Option<Check>> {
        let mut transformers = Vec::new();
        while let Some(transformer) = self.transformer_opening() {
            if transformers.len() >= MAX_DEPTH {
                return Err(self.too_deep());
            }
            transformers.push(transformer);
            self.cursor.skip_blank();
        }
        if transformers.is_empty() {
            return Ok(None);
        }
        let Some((name, span)) = self.cursor.field_name() else {
            return Err(self.expected(Expected::Field));
        };
        let mut check = self.field_rest(name, span)?;
        for _ in &transformers {
            self.cursor.skip_blank();
            self.require(")", Expected::CloseParen)?;
        }
        check.transformers = transformers;
        check.span = Span::new(start, self.cursor.position());
        Ok(Some(check))
    }

    /// After a field name, its optional `[argument]`.
    fn field_rest(&mut self, name: &str, name_span: Span) -> Parsed<Check> {
        let mut arg = None;
        if self.cursor.eat("[") {
            let quoted = self
                .cursor
                .quoted()
                .map_err(|(offset, kind)| self.error(offset, kind))?;
            arg = match quoted {
                Some((text, _)) => Some(text),
                None => match self.cursor.bare_argument() {
                    Some((text, _)) => Some(text.to_owned()),
                    None => return Err(self.expected(Expected::FieldArgument)),
                },
            };
            self.require("]", Expected::CloseBracket)?;
        }
        Ok(Check {
            field: name.to_owned(),
            arg,
            transformers: Vec::new(),
            span: Span::new(name_span.start, self.cursor.position()),
        })
    }

    /// `Condition`: the operator and value after a check's field.
    fn condition(&mut self, check: Check) -> Parsed<Expr> {
        let start = check.span.start;
        self.cursor.skip_blank();
        if self.cursor.eat(UnaryOp::Exists.as_str()) {
            return Ok(Expr::Unary {
                check,
                op: UnaryOp::Exists,
                span: Span::new(start, self.cursor.position()),
            });
        }
        let op = self.operator()?;
        let value = if op.is_numeric() {
            self.numeric_value()?
        } else if op.takes_list() {
            self.list_value()?
        } else {
            self.string_value()?
        };
        Ok(Expr::Binary {
            check,
            op,
            value,
            span: Span::new(start, self.cursor.position()),
        })
    }

    /// A binary operator.
    fn operator(&mut self) -> Parsed<BinaryOp> {
        if let Some((_, op)) = SYMBOL_OPERATORS
            .into_iter()
            .find(|(text, _)| self.cursor.eat(text))
        {
            return Ok(op);
        }
        let start = self.cursor.position();
        if let Some((_, op)) = WORD_OPERATORS
            .into_iter()
            .find(|(text, _)| self.cursor.eat(text))
        {
            if self.cursor.skip_blank() {
                return Ok(op);
            }
            // `containsx` is no operator: report it from its start.
            self.cursor.rewind_to(start);
            return Err(self.expected(Expected::Operator));
        }
        if let Some((_, op)) = LIST_OPERATORS
            .into_iter()
            .find(|(text, _)| self.cursor.eat(text))
        {
            return Ok(op);
        }
        Err(self.expected(Expected::Operator))
    }

    /// `val(field)` or a transformed field as a value; `None` when neither is at the cursor.
    fn field_value(&mut self) -> Parsed<Option<Check>> {
        self.cursor.skip_blank();
        let start = self.cursor.position();
        if self.cursor.eat("val(") {
            self.cursor.skip_blank();
            let Some((name, span)) = self.cursor.field_name() else {
                return Err(self.expected(Expected::Field));
            };
            let mut check = self.field_rest(name, span)?;
            self.cursor.skip_blank();
            self.require(")", Expected::CloseParen)?;
            check.span = Span::new(start, self.cursor.position());
            return Ok(Some(check));
        }
        self.transformed_field(start)
    }

    /// The value of a numeric operator: a field or a decimal or hex number.
    fn numeric_value(&mut self) -> Parsed<Operand> {
        if let Some(check) = self.field_value()? {
            return Ok(Operand::Field(check));
        }
        match self.cursor.number() {
            Some((text, span)) => Ok(Operand::Single(bare(text, span))),
            None => Err(self.expected(Expected::Number)),
        }
    }

    /// The value of a string operator: a field, a quoted string or a bare value.
    fn string_value(&mut self) -> Parsed<Operand> {
        if let Some(check) = self.field_value()? {
            return Ok(Operand::Field(check));
        }
        match self.list_item()? {
            Some(literal) => Ok(Operand::Single(literal)),
            None => Err(self.expected(Expected::Value)),
        }
    }

    /// A quoted string or a bare value at the cursor, `None` if neither is there.
    fn list_item(&mut self) -> Parsed<Option<Literal>> {
        let quoted = self
            .cursor
            .quoted()
            .map_err(|(offset, kind)| self.error(offset, kind))?;
        if let Some((text, span)) = quoted {
            return Ok(Some(Literal {
                text,
                quoted: true,
                span,
            }));
        }
        Ok(self
            .cursor
            .bare_value()
            .map(|(text, span)| bare(text, span)))
    }

    /// The value of a list operator: a parenthesized list, a field, or a list name.
    fn list_value(&mut self) -> Parsed<Operand> {
        self.cursor.skip_blank();
        if self.cursor.eat("(") {
            let mut items = Vec::new();
            self.cursor.skip_blank();
            if let Some(first) = self.list_item()? {
                items.push(first);
                self.cursor.skip_blank();
                while self.cursor.eat(",") {
                    self.cursor.skip_blank();
                    let item = self
                        .list_item()?
                        .ok_or_else(|| self.expected(Expected::ListItem))?;
                    items.push(item);
                    self.cursor.skip_blank();
                }
            }
            self.require(")", Expected::CloseParen)?;
            return Ok(Operand::List(items));
        }
        if let Some(check) = self.field_value()? {
            return Ok(Operand::Field(check));
        }
        match self.cursor.identifier() {
            Some((name, span)) => Ok(Operand::Single(bare(name, span))),
            None => Err(self.expected(Expected::List)),
        }
    }
}

/// An open parenthesized group (or the whole condition) while it is parsed: the finished
/// `and` chains of its `or`, the `and` chain in progress, and whether `not` precedes it.
#[derive(Default)]
struct Group {
    disjuncts: Vec<Expr>,
    conjuncts: Vec<Expr>,
    negated: bool,
}

impl Group {
    /// Ends the `and` chain in progress at an `or`.
    fn end_conjunction(&mut self) {
        let conjuncts = std::mem::take(&mut self.conjuncts);
        self.disjuncts.push(single_or(conjuncts, Expr::And));
    }

    /// The group's expression (without its `not`, which the caller applies).
    fn finish(mut self) -> Expr {
        self.end_conjunction();
        single_or(self.disjuncts, Expr::Or)
    }
}

/// `expr` under `not` when `negated`.
fn negate(expr: Expr, negated: bool) -> Expr {
    if negated {
        Expr::Not(Box::new(expr))
    } else {
        expr
    }
}

/// An unquoted literal.
fn bare(text: &str, span: Span) -> Literal {
    Literal {
        text: text.to_owned(),
        quoted: false,
        span,
    }
}

/// The only child itself, or `wrap` around several.
fn single_or(mut children: Vec<Expr>, wrap: fn(Vec<Expr>) -> Expr) -> Expr {
    if children.len() == 1
        && let Some(child) = children.pop()
    {
        return child;
    }
    wrap(children)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_follow_falco_substitution() {
        let item = parse_list_item("runc:[1:CHILD]").expect("bare");
        assert_eq!((item.text.as_str(), item.quoted), ("runc:[1:CHILD]", false));
        let item = parse_list_item("\"10.0.0.0/8\"").expect("quoted");
        assert_eq!((item.text.as_str(), item.quoted), ("10.0.0.0/8", true));
        let item = parse_list_item("sh -c").expect("spaced");
        assert_eq!((item.text.as_str(), item.quoted), ("sh -c", true));
        assert_eq!(item.span, Span::new(0, 5));
        assert!(parse_list_item("a,b").is_err());
        assert!(parse_list_item("").is_err());
        let error = parse_list_item("bad \\x").expect_err("invalid escape");
        assert_eq!(error.offset, 0);
    }
}
