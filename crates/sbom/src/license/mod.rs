//! SPDX license expressions: deciding whether the license strings package databases record
//! can go into an SBOM as SPDX license expressions, and printing them canonically.
//!
//! Package databases mix SPDX expressions (`GPL-2.0-or-later`, `Apache-2.0 AND MIT`) with
//! free text (`BSD`, RPM's `GPLv2+`). [`LicenseExpression::parse`] accepts the grammar of SPDX
//! 2.3 Annex D over the ids in [`list`] and rejects everything else, so the CycloneDX encoder
//! can choose between `license.id`, `expression` and `license.name`, and the SPDX encoder
//! between an expression and `NOASSERTION`.
//!
//! Two things the SPDX grammar allows are rejected on purpose, because the SBOM consumers
//! custody is checked against refuse them (see [`LicenseErrorKind`]): `LicenseRef-` references,
//! which need license text custody does not record, and `+` after an id not listed with it.

mod list;

pub(crate) use list::LICENSE_LIST_VERSION;

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use crate::error::{Error, LicenseErrorKind};

/// How deep parentheses may nest; deeper input is hostile or broken, and the parser recurses.
const MAX_DEPTH: usize = 32;

/// A valid SPDX license expression over SPDX License List ids, in canonical form.
///
/// Parsing matches ids case-insensitively, as SPDX 2.3 Annex D says, and [`Display`]
/// prints them with the list's casing, operators in upper case, single spaces, and only the
/// parentheses precedence needs (`WITH` binds tighter than `AND`, `AND` tighter than `OR`).
///
/// ```
/// use custody_sbom::LicenseExpression;
///
/// let expression = LicenseExpression::parse("(mit OR apache-2.0)  AND  Zlib")?;
/// assert_eq!(expression.to_string(), "(MIT OR Apache-2.0) AND Zlib");
/// assert_eq!(LicenseExpression::parse("LGPL-2.1+")?.license_id(), Some("LGPL-2.1+"));
/// assert!(LicenseExpression::parse("GPLv2+").is_err());
/// # Ok::<(), custody_sbom::Error>(())
/// ```
///
/// [`Display`]: fmt::Display
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LicenseExpression(Node);

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Node {
    License {
        id: &'static str,
        exception: Option<&'static str>,
    },
    And(Vec<Node>),
    Or(Vec<Node>),
}

impl LicenseExpression {
    /// Parses `text` as an SPDX license expression.
    ///
    /// # Errors
    ///
    /// [`Error::LicenseExpression`] with the byte offset and [`LicenseErrorKind`] of the first
    /// problem.
    pub fn parse(text: &str) -> Result<Self, Error> {
        let tokens = tokenize(text);
        let mut parser = Parser {
            tokens: &tokens,
            position: 0,
            end: text.len(),
        };
        let fail = |(offset, kind)| Error::LicenseExpression {
            expression: text.to_owned(),
            offset,
            kind,
        };
        if tokens.is_empty() {
            return Err(fail((0, LicenseErrorKind::Empty)));
        }
        let node = parser.or_expression(0).map_err(fail)?;
        if let Some(&(offset, token)) = parser.peek() {
            return Err(fail((
                offset,
                LicenseErrorKind::UnexpectedToken(token.text().to_owned()),
            )));
        }
        Ok(Self(node))
    }

    /// The license id, when the expression is a single license without an exception; this is
    /// what CycloneDX's `license.id` can hold.
    pub fn license_id(&self) -> Option<&'static str> {
        match self.0 {
            Node::License {
                id,
                exception: None,
            } => Some(id),
            _ => None,
        }
    }

    /// The conjunction (`AND`) of `expressions`, without repeats; `None` when there are none.
    ///
    /// Package databases list the licenses of one package side by side, each covering part of
    /// it, which is what `AND` means.
    pub fn all_of(expressions: impl IntoIterator<Item = Self>) -> Option<Self> {
        let children: Vec<Node> = expressions
            .into_iter()
            .map(|expression| expression.0)
            .collect();
        if children.is_empty() {
            return None;
        }
        Some(Self(combine(Operator::And, children)))
    }
}

impl FromStr for LicenseExpression {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for LicenseExpression {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::License { id, exception } => {
                f.write_str(id)?;
                if let Some(exception) = exception {
                    write!(f, " WITH {exception}")?;
                }
                Ok(())
            }
            Self::And(children) => {
                for (index, child) in children.iter().enumerate() {
                    if index > 0 {
                        f.write_str(" AND ")?;
                    }
                    if matches!(child, Self::Or(_)) {
                        write!(f, "({child})")?;
                    } else {
                        write!(f, "{child}")?;
                    }
                }
                Ok(())
            }
            Self::Or(children) => {
                for (index, child) in children.iter().enumerate() {
                    if index > 0 {
                        f.write_str(" OR ")?;
                    }
                    write!(f, "{child}")?;
                }
                Ok(())
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operator {
    And,
    Or,
}

/// Joins `children` with `operator`, flattening nested uses of the same operator (both are
/// associative) and dropping repeats; a single child stands for itself.
fn combine(operator: Operator, children: Vec<Node>) -> Node {
    let mut flat: Vec<Node> = Vec::with_capacity(children.len());
    for child in children {
        let nested = match (operator, child) {
            (Operator::And, Node::And(nested)) | (Operator::Or, Node::Or(nested)) => nested,
            (_, other) => vec![other],
        };
        for node in nested {
            if !flat.contains(&node) {
                flat.push(node);
            }
        }
    }
    if flat.len() == 1
        && let Some(single) = flat.pop()
    {
        return single;
    }
    match operator {
        Operator::And => Node::And(flat),
        Operator::Or => Node::Or(flat),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token<'a> {
    Open,
    Close,
    Word(&'a str),
}

impl<'a> Token<'a> {
    fn text(self) -> &'a str {
        match self {
            Self::Open => "(",
            Self::Close => ")",
            Self::Word(word) => word,
        }
    }
}

/// Splits on whitespace and around parentheses, keeping each token's byte offset.
fn tokenize(text: &str) -> Vec<(usize, Token<'_>)> {
    let mut tokens = Vec::new();
    let mut word_start = None;
    for (offset, character) in text.char_indices() {
        let separator = character.is_whitespace() || character == '(' || character == ')';
        if separator {
            if let Some(start) = word_start.take()
                && let Some(word) = text.get(start..offset)
            {
                tokens.push((start, Token::Word(word)));
            }
            match character {
                '(' => tokens.push((offset, Token::Open)),
                ')' => tokens.push((offset, Token::Close)),
                _ => {}
            }
        } else if word_start.is_none() {
            word_start = Some(offset);
        }
    }
    if let Some(start) = word_start
        && let Some(word) = text.get(start..)
    {
        tokens.push((start, Token::Word(word)));
    }
    tokens
}

type ParseResult<T> = Result<T, (usize, LicenseErrorKind)>;

/// Recursive descent over SPDX 2.3 Annex D:
/// `or := and ("OR" and)*`, `and := primary ("AND" primary)*`,
/// `primary := "(" or ")" | license-id ["WITH" exception-id]`.
struct Parser<'t, 'a> {
    tokens: &'t [(usize, Token<'a>)],
    position: usize,
    /// Length of the text, the offset reported for an unexpected end.
    end: usize,
}

impl<'a> Parser<'_, 'a> {
    fn peek(&self) -> Option<&(usize, Token<'a>)> {
        self.tokens.get(self.position)
    }

    fn next(&mut self) -> ParseResult<(usize, Token<'a>)> {
        let token = self
            .tokens
            .get(self.position)
            .copied()
            .ok_or((self.end, LicenseErrorKind::UnexpectedEnd))?;
        self.position += 1;
        Ok(token)
    }

    /// Consumes the next token when it is the operator `keyword`.
    fn eat_operator(&mut self, keyword: &str) -> bool {
        if matches!(self.peek(), Some((_, Token::Word(word))) if *word == keyword) {
            self.position += 1;
            true
        } else {
            false
        }
    }

    fn or_expression(&mut self, depth: usize) -> ParseResult<Node> {
        let mut children = vec![self.and_expression(depth)?];
        while self.eat_operator("OR") {
            children.push(self.and_expression(depth)?);
        }
        Ok(combine(Operator::Or, children))
    }

    fn and_expression(&mut self, depth: usize) -> ParseResult<Node> {
        let mut children = vec![self.primary(depth)?];
        while self.eat_operator("AND") {
            children.push(self.primary(depth)?);
        }
        Ok(combine(Operator::And, children))
    }

    fn primary(&mut self, depth: usize) -> ParseResult<Node> {
        let (offset, token) = self.next()?;
        match token {
            Token::Open => {
                if depth >= MAX_DEPTH {
                    return Err((offset, LicenseErrorKind::TooDeep));
                }
                let inner = self.or_expression(depth + 1)?;
                match self.next()? {
                    (_, Token::Close) => Ok(inner),
                    (offset, other) => Err((
                        offset,
                        LicenseErrorKind::UnexpectedToken(other.text().to_owned()),
                    )),
                }
            }
            Token::Close => Err((offset, LicenseErrorKind::UnexpectedToken(")".to_owned()))),
            Token::Word(word) => {
                let id = license_id(word).map_err(|kind| (offset, kind))?;
                let exception = if self.eat_operator("WITH") {
                    match self.next()? {
                        (offset, Token::Word(word)) => {
                            Some(lookup(list::EXCEPTION_IDS, word).ok_or_else(|| {
                                (offset, LicenseErrorKind::UnknownException(word.to_owned()))
                            })?)
                        }
                        (offset, other) => {
                            return Err((
                                offset,
                                LicenseErrorKind::UnexpectedToken(other.text().to_owned()),
                            ));
                        }
                    }
                } else {
                    None
                };
                Ok(Node::License { id, exception })
            }
        }
    }
}

/// Resolves a word in license position to its canonical SPDX License List id.
fn license_id(word: &str) -> Result<&'static str, LicenseErrorKind> {
    if let Some(id) = lookup(list::LICENSE_IDS, word) {
        return Ok(id);
    }
    if starts_with_ignore_case(word, "LicenseRef-") || starts_with_ignore_case(word, "DocumentRef-")
    {
        return Err(LicenseErrorKind::LicenseRef(word.to_owned()));
    }
    if let Some(base) = word.strip_suffix('+')
        && lookup(list::LICENSE_IDS, base).is_some()
    {
        return Err(LicenseErrorKind::OrLater(word.to_owned()));
    }
    if matches!(word, "AND" | "OR" | "WITH") {
        return Err(LicenseErrorKind::UnexpectedToken(word.to_owned()));
    }
    Err(LicenseErrorKind::UnknownLicense(word.to_owned()))
}

fn starts_with_ignore_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
}

/// Finds `word` in a list sorted by ASCII-lowercase bytes, ignoring ASCII case.
fn lookup(ids: &'static [&'static str], word: &str) -> Option<&'static str> {
    let index = ids
        .binary_search_by(|candidate| compare_ignore_case(candidate, word))
        .ok()?;
    ids.get(index).copied()
}

fn compare_ignore_case(left: &str, right: &str) -> Ordering {
    left.bytes()
        .map(|byte| byte.to_ascii_lowercase())
        .cmp(right.bytes().map(|byte| byte.to_ascii_lowercase()))
}

/// One license string of a package, as the encoders need to see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeclaredLicense<'a> {
    /// A single SPDX License List id, in canonical casing.
    Id(&'static str),
    /// A valid expression that is more than a single id.
    Expression(LicenseExpression),
    /// Anything else, kept as recorded.
    Text(&'a str),
}

/// Classifies each non-blank license string of a package, in order, without repeats.
pub(crate) fn classify(licenses: &[String]) -> Vec<DeclaredLicense<'_>> {
    let mut declared: Vec<DeclaredLicense<'_>> = Vec::with_capacity(licenses.len());
    for text in licenses.iter().map(|text| text.trim()) {
        if text.is_empty() {
            continue;
        }
        let item = match LicenseExpression::parse(text) {
            Ok(expression) => match expression.license_id() {
                Some(id) => DeclaredLicense::Id(id),
                None => DeclaredLicense::Expression(expression),
            },
            Err(_) => DeclaredLicense::Text(text),
        };
        if !declared.contains(&item) {
            declared.push(item);
        }
    }
    declared
}

/// The conjunction of all of a package's licenses, when every one of them is valid.
pub(crate) fn conjunction(declared: &[DeclaredLicense<'_>]) -> Option<LicenseExpression> {
    let mut expressions = Vec::with_capacity(declared.len());
    for item in declared {
        expressions.push(match item {
            DeclaredLicense::Id(id) => LicenseExpression(Node::License {
                id,
                exception: None,
            }),
            DeclaredLicense::Expression(expression) => expression.clone(),
            DeclaredLicense::Text(_) => return None,
        });
    }
    LicenseExpression::all_of(expressions)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canonical(text: &str) -> String {
        LicenseExpression::parse(text)
            .unwrap_or_else(|error| panic!("{text}: {error}"))
            .to_string()
    }

    fn kind(text: &str) -> (usize, LicenseErrorKind) {
        match LicenseExpression::parse(text) {
            Err(Error::LicenseExpression { offset, kind, .. }) => (offset, kind),
            other => panic!("{text}: expected a license expression error, got {other:?}"),
        }
    }

    #[test]
    fn lists_are_sorted_for_binary_search_and_plain_ascii() {
        for ids in [list::LICENSE_IDS, list::EXCEPTION_IDS] {
            for pair in ids.windows(2) {
                if let [left, right] = pair {
                    assert_eq!(
                        compare_ignore_case(left, right),
                        Ordering::Less,
                        "{left} {right}"
                    );
                }
            }
            for id in ids {
                assert!(
                    id.bytes()
                        .all(|byte| byte.is_ascii_alphanumeric() || b".-+".contains(&byte)),
                    "{id}"
                );
            }
        }
        assert!(list::LICENSE_IDS.len() > 600);
        assert!(list::EXCEPTION_IDS.len() > 50);
    }

    #[test]
    fn accepts_distro_license_strings() {
        assert_eq!(canonical("GPL-2.0-or-later"), "GPL-2.0-or-later");
        assert_eq!(canonical("MIT"), "MIT");
        assert_eq!(canonical("Apache-2.0 AND MIT"), "Apache-2.0 AND MIT");
        assert_eq!(canonical("LGPL-2.1+"), "LGPL-2.1+");
        assert_eq!(canonical("GPL-2.0+"), "GPL-2.0+");
        assert_eq!(canonical("gpl-2.0-only"), "GPL-2.0-only");
        assert_eq!(
            canonical("GPL-2.0-or-later WITH classpath-exception-2.0"),
            "GPL-2.0-or-later WITH Classpath-exception-2.0"
        );
    }

    #[test]
    fn rejects_free_text() {
        assert_eq!(
            kind("BSD"),
            (0, LicenseErrorKind::UnknownLicense("BSD".into()))
        );
        assert_eq!(
            kind("GPLv2+"),
            (0, LicenseErrorKind::UnknownLicense("GPLv2+".into()))
        );
        assert_eq!(
            kind("MIT and BSD-3-Clause"),
            (4, LicenseErrorKind::UnexpectedToken("and".into()))
        );
        assert_eq!(
            kind("GPL-2+ or Artistic"),
            (0, LicenseErrorKind::UnknownLicense("GPL-2+".into()))
        );
    }

    #[test]
    fn rejects_what_validators_refuse() {
        assert_eq!(kind("MIT+"), (0, LicenseErrorKind::OrLater("MIT+".into())));
        assert_eq!(
            kind("MIT OR LicenseRef-custom"),
            (7, LicenseErrorKind::LicenseRef("LicenseRef-custom".into()))
        );
        assert_eq!(
            kind("Classpath-exception-2.0"),
            (
                0,
                LicenseErrorKind::UnknownLicense("Classpath-exception-2.0".into())
            )
        );
        assert_eq!(
            kind("MIT WITH Apache-2.0"),
            (9, LicenseErrorKind::UnknownException("Apache-2.0".into()))
        );
        assert_eq!(
            kind("GPL-2.0-with-GCC-exception"),
            (
                0,
                LicenseErrorKind::UnknownLicense("GPL-2.0-with-GCC-exception".into())
            )
        );
    }

    #[test]
    fn rejects_broken_syntax() {
        assert_eq!(kind(""), (0, LicenseErrorKind::Empty));
        assert_eq!(kind("  "), (0, LicenseErrorKind::Empty));
        assert_eq!(kind("MIT AND"), (7, LicenseErrorKind::UnexpectedEnd));
        assert_eq!(kind("(MIT"), (4, LicenseErrorKind::UnexpectedEnd));
        assert_eq!(
            kind("MIT)"),
            (3, LicenseErrorKind::UnexpectedToken(")".into()))
        );
        assert_eq!(
            kind("MIT Apache-2.0"),
            (4, LicenseErrorKind::UnexpectedToken("Apache-2.0".into()))
        );
        assert_eq!(
            kind("AND MIT"),
            (0, LicenseErrorKind::UnexpectedToken("AND".into()))
        );
        assert_eq!(
            kind("(MIT OR Zlib) WITH LLVM-exception"),
            (14, LicenseErrorKind::UnexpectedToken("WITH".into()))
        );
        assert_eq!(kind("MIT WITH"), (8, LicenseErrorKind::UnexpectedEnd));
        let deep = format!("{}MIT{}", "(".repeat(100), ")".repeat(100));
        assert_eq!(kind(&deep).1, LicenseErrorKind::TooDeep);
    }

    #[test]
    fn prints_only_needed_parentheses() {
        assert_eq!(canonical("((MIT))"), "MIT");
        assert_eq!(
            canonical("MIT OR Zlib AND Apache-2.0"),
            "MIT OR Zlib AND Apache-2.0"
        );
        assert_eq!(
            canonical("(MIT OR Zlib) AND Apache-2.0"),
            "(MIT OR Zlib) AND Apache-2.0"
        );
        assert_eq!(canonical("(MIT AND Zlib) AND MIT"), "MIT AND Zlib");
        assert_eq!(
            canonical("MIT AND(Zlib OR Apache-2.0)"),
            "MIT AND (Zlib OR Apache-2.0)"
        );
    }

    #[test]
    fn joins_declared_licenses_with_and() {
        let licenses = [
            "MIT".to_owned(),
            "MIT OR Apache-2.0".to_owned(),
            " mit ".to_owned(),
            String::new(),
        ];
        let declared = classify(&licenses);
        assert_eq!(declared.len(), 2);
        assert_eq!(
            conjunction(&declared).map(|expression| expression.to_string()),
            Some("MIT AND (MIT OR Apache-2.0)".to_owned())
        );
        let recorded = ["MIT".to_owned(), "BSD".to_owned()];
        let with_text = classify(&recorded);
        assert_eq!(with_text[1], DeclaredLicense::Text("BSD"));
        assert_eq!(conjunction(&with_text), None);
        assert_eq!(conjunction(&[]), None);
    }
}
