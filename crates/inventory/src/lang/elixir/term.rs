//! A bounded reader for the Elixir term syntax `mix.lock` is written in: maps (`%{k => v}`,
//! `%{"k": v}`), tuples, lists with keyword pairs (`[hex: :plug, optional: false]`), atoms
//! (`:plug`, `:"quoted"`), double-quoted strings, and bare words (`true`, `nil`, numbers).
//!
//! The text is only tokenized, never evaluated: there are no function calls, sigils,
//! interpolation or heredocs in a lockfile, and anything outside this grammar is an error at
//! its line. Nesting is capped at [`MAX_DEPTH`] so hostile input cannot exhaust the stack, and
//! the caller reads the top-level map one entry at a time ([`Reader::next_entry`]), so memory
//! holds one package's terms, not the whole file's.

use crate::{ParseError, Position};

use super::FORMAT;

/// Deepest nesting read. A `mix.lock` entry nests four levels (map, tuple, dependency list,
/// dependency tuple, options list); anything near this is not a lockfile.
const MAX_DEPTH: usize = 32;

/// One Elixir term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Term {
    /// `%{…}`: entries in the order written.
    Map(Vec<(Term, Term)>),
    /// `{…}`.
    Tuple(Vec<Term>),
    /// `[…]`; a keyword pair `key: value` is the two-element tuple `{:key, value}`, as in
    /// Elixir.
    List(Vec<Term>),
    /// `:name` or `:"name"`, without the colon.
    Atom(String),
    /// `"…"`, with escapes resolved.
    String(String),
    /// A bare word as written: `true`, `false`, `nil`, a number, a variable-like name.
    Word(String),
}

impl Term {
    /// The text of an atom or a string: both name things in a lockfile.
    pub(super) fn as_name(&self) -> Option<&str> {
        match self {
            Self::Atom(text) | Self::String(text) => Some(text),
            _ => None,
        }
    }

    /// The value of keyword `key` in a keyword list (`[hex: :plug, repo: "hexpm"]`).
    pub(super) fn keyword(&self, key: &str) -> Option<&Term> {
        let Self::List(items) = self else {
            return None;
        };
        items.iter().find_map(|item| match item {
            Self::Tuple(pair) => match pair.as_slice() {
                [Self::Atom(name), value] if name == key => Some(value),
                _ => None,
            },
            _ => None,
        })
    }
}

/// What one position of a container holds: a term, or a `key: value` / `key => value` pair.
enum Item {
    Term(Term),
    Pair(Term, Term),
}

/// Reads terms from text, tracking the line for errors.
pub(super) struct Reader<'a> {
    text: &'a str,
    /// Byte offset of the next unread character.
    offset: usize,
    /// 1-based line of `offset`.
    line: usize,
    /// How many containers are open.
    depth: usize,
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub(super) fn new(text: &'a str) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
            depth: 0,
        }
    }

    /// Reads the `%{` that opens the top-level map.
    pub(super) fn open_map(&mut self) -> Result<(), ParseError> {
        self.skip_blank();
        if !self.eat("%{") {
            return Err(self.error("expected `%{` opening the lockfile's map"));
        }
        self.depth = 1;
        Ok(())
    }

    /// The next entry of the map [`Reader::open_map`] opened, or `None` after its `}`.
    pub(super) fn next_entry(&mut self) -> Result<Option<(Term, Term)>, ParseError> {
        self.skip_blank();
        if self.eat("}") {
            return Ok(None);
        }
        let entry = match self.item()? {
            Item::Pair(key, value) => (key, value),
            Item::Term(_) => return Err(self.error("map entry without `=>` or `:`")),
        };
        self.separator("}")?;
        Ok(Some(entry))
    }

    /// Checks that only blank text and comments follow the top-level map.
    pub(super) fn finish(&mut self) -> Result<(), ParseError> {
        self.skip_blank();
        if self.offset < self.text.len() {
            return Err(self.error("text after the lockfile's map"));
        }
        Ok(())
    }

    /// A term or a pair.
    fn item(&mut self) -> Result<Item, ParseError> {
        self.skip_blank();
        if let Some(key) = self.keyword_key()? {
            let value = self.term()?;
            return Ok(Item::Pair(Term::Atom(key), value));
        }
        let term = self.term()?;
        self.skip_blank();
        if self.eat("=>") {
            let value = self.term()?;
            return Ok(Item::Pair(term, value));
        }
        Ok(Item::Term(term))
    }

    /// One term.
    fn term(&mut self) -> Result<Term, ParseError> {
        self.skip_blank();
        let rest = self.rest();
        if rest.is_empty() {
            return Err(self.error("unexpected end of file inside a term"));
        }
        if rest.starts_with("%{") {
            self.offset += 2;
            self.container(Container::Map)
        } else if rest.starts_with('{') {
            self.offset += 1;
            self.container(Container::Tuple)
        } else if rest.starts_with('[') {
            self.offset += 1;
            self.container(Container::List)
        } else if rest.starts_with(":\"") {
            self.offset += 1;
            self.string().map(Term::Atom)
        } else if let Some(name) = rest.strip_prefix(':') {
            let length = word_length(name);
            if length == 0 {
                return Err(self.error("`:` not followed by an atom name"));
            }
            let atom = name.get(..length).unwrap_or_default().to_owned();
            self.offset += 1 + length;
            Ok(Term::Atom(atom))
        } else if rest.starts_with('"') {
            self.string().map(Term::String)
        } else {
            let length = word_length(rest);
            if length == 0 {
                return Err(self.error("unexpected character"));
            }
            let word = rest.get(..length).unwrap_or_default().to_owned();
            self.offset += length;
            Ok(Term::Word(word))
        }
    }

    /// The items of a container whose opening bracket was just read, up to its closing one.
    fn container(&mut self, kind: Container) -> Result<Term, ParseError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.error("terms nested too deeply"));
        }
        self.depth += 1;
        let close = kind.close();
        let mut terms = Vec::new();
        let mut entries = Vec::new();
        loop {
            self.skip_blank();
            if self.eat(close) {
                break;
            }
            match (kind, self.item()?) {
                (Container::Map, Item::Pair(key, value)) => entries.push((key, value)),
                (Container::List, Item::Pair(key, value)) => {
                    terms.push(Term::Tuple(vec![key, value]));
                }
                (Container::Tuple | Container::List, Item::Term(term)) => terms.push(term),
                (Container::Map, Item::Term(_)) => {
                    return Err(self.error("map entry without `=>` or `:`"));
                }
                (Container::Tuple, Item::Pair(..)) => {
                    return Err(self.error("key-value pair inside a tuple"));
                }
            }
            self.separator(close)?;
        }
        self.depth -= 1;
        Ok(match kind {
            Container::Map => Term::Map(entries),
            Container::Tuple => Term::Tuple(terms),
            Container::List => Term::List(terms),
        })
    }

    /// After an item: a `,` (a trailing one is allowed), or the container's closing bracket,
    /// which is left for the caller.
    fn separator(&mut self, close: &str) -> Result<(), ParseError> {
        self.skip_blank();
        if self.eat(",") || self.rest().starts_with(close) {
            Ok(())
        } else if self.offset >= self.text.len() {
            Err(self.error("unexpected end of file inside a term"))
        } else {
            Err(self.error("expected `,` between items"))
        }
    }

    /// A keyword key, `name: ` or `"name": `, if one starts here; the colon must be followed
    /// by whitespace, as Elixir requires (`a:b` is not a keyword).
    fn keyword_key(&mut self) -> Result<Option<String>, ParseError> {
        let rest = self.rest();
        let (key, length) = if rest.starts_with('"') {
            let start = (self.offset, self.line);
            let key = self.string()?;
            let length = self.offset - start.0;
            (self.offset, self.line) = start;
            (key, length)
        } else {
            let length = word_length(rest);
            (rest.get(..length).unwrap_or_default().to_owned(), length)
        };
        let after = self.rest().get(length..).unwrap_or_default();
        let is_keyword = length > 0
            && after
                .strip_prefix(':')
                .is_some_and(|after| after.is_empty() || after.starts_with(char::is_whitespace));
        if !is_keyword {
            return Ok(None);
        }
        self.count_lines(length);
        self.offset += length + 1;
        Ok(Some(key))
    }

    /// A double-quoted string starting here, with `\` escapes resolved.
    fn string(&mut self) -> Result<String, ParseError> {
        let start_line = self.line;
        self.offset += 1;
        let mut value = String::new();
        loop {
            let rest = self.rest();
            let Some(stop) = rest.find(['"', '\\']) else {
                self.line = start_line;
                return Err(self.error("unterminated string"));
            };
            let (plain, tail) = rest.split_at(stop);
            value.push_str(plain);
            self.count_lines(stop);
            self.offset += stop + 1;
            if tail.starts_with('"') {
                return Ok(value);
            }
            let Some(escaped) = tail.get(1..).and_then(|tail| tail.chars().next()) else {
                self.line = start_line;
                return Err(self.error("unterminated string"));
            };
            value.push(match escaped {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '0' => '\0',
                other => other,
            });
            if escaped == '\n' {
                self.line += 1;
            }
            self.offset += escaped.len_utf8();
        }
    }

    /// Skips whitespace and `#` comments.
    fn skip_blank(&mut self) {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start();
            self.count_lines(rest.len() - trimmed.len());
            self.offset += rest.len() - trimmed.len();
            if !trimmed.starts_with('#') {
                return;
            }
            self.offset += trimmed.find('\n').unwrap_or(trimmed.len());
        }
    }

    /// Consumes `token` if the text continues with it.
    fn eat(&mut self, token: &str) -> bool {
        let found = self.rest().starts_with(token);
        if found {
            self.offset += token.len();
        }
        found
    }

    /// Adds the newlines among the next `length` bytes to the line count.
    fn count_lines(&mut self, length: usize) {
        let ahead = self.rest().as_bytes().get(..length).unwrap_or_default();
        self.line += memchr::memchr_iter(b'\n', ahead).count();
    }

    /// The unread text.
    fn rest(&self) -> &'a str {
        self.text.get(self.offset..).unwrap_or_default()
    }

    /// A [`ParseError`] at the current line.
    fn error(&self, reason: &str) -> ParseError {
        ParseError::new(FORMAT, Position::Line(self.line), reason)
    }
}

/// The kinds of container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Container {
    Map,
    Tuple,
    List,
}

impl Container {
    /// The closing bracket.
    fn close(self) -> &'static str {
        match self {
            Self::Map | Self::Tuple => "}",
            Self::List => "]",
        }
    }
}

/// The length of the bare word (atom name, identifier, number) at the start of `text`.
fn word_length(text: &str) -> usize {
    text.find(|character: char| {
        !(character.is_ascii_alphanumeric()
            || matches!(character, '_' | '.' | '?' | '!' | '@' | '-' | '+'))
    })
    .unwrap_or(text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(text: &str) -> Result<Vec<(Term, Term)>, ParseError> {
        let mut reader = Reader::new(text);
        reader.open_map()?;
        let mut entries = Vec::new();
        while let Some(entry) = reader.next_entry()? {
            entries.push(entry);
        }
        reader.finish()?;
        Ok(entries)
    }

    fn atom(name: &str) -> Term {
        Term::Atom(name.to_owned())
    }

    fn string(text: &str) -> Term {
        Term::String(text.to_owned())
    }

    #[test]
    fn reads_both_map_key_syntaxes_and_keyword_lists() {
        let found = entries(
            "%{\n  \"a\": {:hex, :a, \"1.0\", [x: 1, \"y\": :z], %{1 => nil}},\n  \
             \"b\" => {:git, \"u\", \"c\", []}, # comment\n}\n",
        )
        .unwrap();
        assert_eq!(
            found,
            [
                (
                    atom("a"),
                    Term::Tuple(vec![
                        atom("hex"),
                        atom("a"),
                        string("1.0"),
                        Term::List(vec![
                            Term::Tuple(vec![atom("x"), Term::Word("1".into())]),
                            Term::Tuple(vec![atom("y"), atom("z")]),
                        ]),
                        Term::Map(vec![(Term::Word("1".into()), Term::Word("nil".into()))]),
                    ])
                ),
                (
                    string("b"),
                    Term::Tuple(vec![
                        atom("git"),
                        string("u"),
                        string("c"),
                        Term::List(vec![])
                    ])
                ),
            ]
        );
        let Term::Tuple(items) = &found[0].1 else {
            panic!("not a tuple: {:?}", found[0].1)
        };
        assert_eq!(items[3].keyword("y"), Some(&atom("z")));
        assert_eq!(items[3].keyword("w"), None);
        assert_eq!(items[0].keyword("y"), None);
    }

    #[test]
    fn resolves_escapes_and_quoted_atoms() {
        let found = entries(r#"%{:"a b" => "x\"y\\z\n"}"#).unwrap();
        assert_eq!(found, [(atom("a b"), string("x\"y\\z\n"))]);
        assert_eq!(entries("%{}").unwrap(), []);
        // `a:b` is not a keyword key: the colon needs whitespace after it.
        assert!(entries("%{a:b}").is_err());
    }

    #[test]
    fn reports_the_line_of_malformed_input() {
        for (text, line, reason) in [
            ("[]", 1, "expected `%{` opening the lockfile's map"),
            (
                "%{\n\"a\": {:hex\n",
                3,
                "unexpected end of file inside a term",
            ),
            ("%{\n\"a\": {1 2}}", 2, "expected `,` between items"),
            ("%{\n\n\"a\": \"open\n}", 3, "unterminated string"),
            ("%{\"a\": {b: 1}}", 1, "key-value pair inside a tuple"),
            ("%{\"a\"}", 1, "map entry without `=>` or `:`"),
            ("%{\"a\": :}", 1, "`:` not followed by an atom name"),
            ("%{\"a\": <<1>>}", 1, "unexpected character"),
            ("%{}\nx", 2, "text after the lockfile's map"),
        ] {
            let error = entries(text).unwrap_err();
            assert_eq!(
                (error.position, error.reason.as_str()),
                (Position::Line(line), reason),
                "{text:?}"
            );
        }
    }

    #[test]
    fn caps_nesting() {
        let deep = format!("%{{\"a\": {}{}}}", "[".repeat(100), "]".repeat(100));
        let error = entries(&deep).unwrap_err();
        assert_eq!(error.reason, "terms nested too deeply");
        let fine = format!("%{{\"a\": {}{}}}", "[".repeat(20), "]".repeat(20));
        assert!(entries(&fine).is_ok());
    }
}
