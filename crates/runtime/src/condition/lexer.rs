//! The scanner under [`parser`](super::parser): a cursor over the condition's bytes that
//! recognizes one token kind at a time, the way libsinsp's `filter/parser.cpp` lexes.
//!
//! Falco's grammar is context-dependent (the same `a-b` is a bare value after `=` but an error
//! where an expression stands), so there is no token stream: the parser asks for the token
//! kind the grammar allows at each point. Token shapes are libsinsp's regular expressions,
//! written here as byte loops: identifiers `[a-zA-Z]+[a-zA-Z0-9_]*`, field names of two or
//! more such parts joined by `.`, bare values `[^()"'[:space:]=,]+`, numbers
//! `[+-]?[0-9]+\.?[0-9]*([eE][+-][0-9]+)?` and hex numbers `0[xX][0-9a-fA-F]+`.

use crate::condition::ast::{Span, is_bare_arg_byte, is_bare_value_byte};
use crate::condition::error::ParseErrorKind;

/// A position in the condition text and the recognizers of its tokens.
pub(crate) struct Cursor<'a> {
    text: &'a str,
    position: usize,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Self { text, position: 0 }
    }

    /// The byte offset of the cursor.
    pub(crate) fn position(&self) -> usize {
        self.position
    }

    /// Moves the cursor back to `position`, an offset it has already passed.
    pub(crate) fn rewind_to(&mut self, position: usize) {
        self.position = position.min(self.position);
    }

    /// The unconsumed text.
    fn rest(&self) -> &'a str {
        self.text.get(self.position..).unwrap_or_default()
    }

    /// The next byte, if any.
    fn peek(&self) -> Option<u8> {
        self.rest().bytes().next()
    }

    /// Whether the next byte is `byte`.
    pub(crate) fn peek_is(&self, byte: u8) -> bool {
        self.peek() == Some(byte)
    }

    /// The offset of the next non-blank byte: where an error about the next token points.
    pub(crate) fn next_token_offset(&self) -> usize {
        let blanks = self.rest().len() - self.rest().trim_ascii_start().len();
        self.position + blanks
    }

    /// A short excerpt of the next token for error messages, `None` at the end.
    pub(crate) fn excerpt(&self) -> Option<String> {
        const MAX_CHARS: usize = 24;
        let rest = self.rest().trim_ascii_start();
        if rest.is_empty() {
            return None;
        }
        let word_end = rest
            .char_indices()
            .skip(1)
            .find(|&(_, ch)| ch.is_ascii_whitespace())
            .map_or(rest.len(), |(index, _)| index);
        let word = rest.get(..word_end).unwrap_or(rest);
        Some(word.chars().take(MAX_CHARS).collect())
    }

    /// Skips blanks (libsinsp `lex_blank`: space, tab, backspace, CR, LF); whether any were
    /// skipped.
    pub(crate) fn skip_blank(&mut self) -> bool {
        let start = self.position;
        while matches!(self.peek(), Some(b' ' | b'\t' | 0x08 | b'\r' | b'\n')) {
            self.position += 1;
        }
        self.position > start
    }

    /// Consumes `literal` if the text at the cursor starts with it.
    pub(crate) fn eat(&mut self, literal: &str) -> bool {
        if self.rest().starts_with(literal) {
            self.position += literal.len();
            true
        } else {
            false
        }
    }

    /// Consumes `not` followed by at least one space character (`not[[:space:]]+`).
    pub(crate) fn eat_not_blank(&mut self) -> bool {
        let rest = self.rest().as_bytes();
        let spaces = rest
            .get(3..)
            .unwrap_or_default()
            .iter()
            .take_while(|byte| is_space(**byte))
            .count();
        if rest.starts_with(b"not") && spaces > 0 {
            self.position += 3 + spaces;
            true
        } else {
            false
        }
    }

    /// Consumes the longest prefix of bytes satisfying `accept`, returning its text and span.
    fn take_while(&mut self, accept: impl Fn(u8) -> bool) -> Option<(&'a str, Span)> {
        let start = self.position;
        let len = self.rest().bytes().take_while(|byte| accept(*byte)).count();
        self.token(start, start + len)
    }

    /// Moves the cursor to `end` and returns the text from `start`, unless it is empty.
    fn token(&mut self, start: usize, end: usize) -> Option<(&'a str, Span)> {
        if end == start {
            return None;
        }
        let text = self.text.get(start..end)?;
        self.position = end;
        Some((text, Span::new(start, end)))
    }

    /// Length of an identifier (`[a-zA-Z]+[a-zA-Z0-9_]*`) at the start of `bytes`, 0 if none.
    fn identifier_len(bytes: &[u8]) -> usize {
        if !bytes.first().is_some_and(u8::is_ascii_alphabetic) {
            return 0;
        }
        bytes
            .iter()
            .take_while(|byte| byte.is_ascii_alphanumeric() || **byte == b'_')
            .count()
    }

    /// Consumes an identifier: a macro or list name.
    pub(crate) fn identifier(&mut self) -> Option<(&'a str, Span)> {
        let start = self.position;
        let len = Self::identifier_len(self.rest().as_bytes());
        self.token(start, start + len)
    }

    /// Consumes a field name: identifiers joined by dots, at least two.
    pub(crate) fn field_name(&mut self) -> Option<(&'a str, Span)> {
        let bytes = self.rest().as_bytes();
        let mut len = Self::identifier_len(bytes);
        if len == 0 {
            return None;
        }
        let mut parts = 1;
        while bytes.get(len) == Some(&b'.') {
            let part = Self::identifier_len(bytes.get(len + 1..).unwrap_or_default());
            if part == 0 {
                break;
            }
            len += 1 + part;
            parts += 1;
        }
        if parts < 2 {
            return None;
        }
        let start = self.position;
        self.token(start, start + len)
    }

    /// Consumes a bare field argument (`[^][\"'[:space:]]+`).
    pub(crate) fn bare_argument(&mut self) -> Option<(&'a str, Span)> {
        self.take_while(is_bare_arg_byte)
    }

    /// Consumes a bare value (`[^()"'[:space:]=,]+`).
    pub(crate) fn bare_value(&mut self) -> Option<(&'a str, Span)> {
        self.take_while(is_bare_value_byte)
    }

    /// Consumes a hex (`0[xX][0-9a-fA-F]+`) or decimal number.
    pub(crate) fn number(&mut self) -> Option<(&'a str, Span)> {
        let bytes = self.rest().as_bytes();
        let start = self.position;
        if let [b'0', b'x' | b'X', hex @ ..] = bytes {
            let digits = hex
                .iter()
                .take_while(|byte| byte.is_ascii_hexdigit())
                .count();
            if digits > 0 {
                return self.token(start, start + 2 + digits);
            }
        }
        let sign = usize::from(matches!(bytes.first(), Some(b'+' | b'-')));
        let digits_from = |from: usize| {
            bytes
                .get(from..)
                .unwrap_or_default()
                .iter()
                .take_while(|byte| byte.is_ascii_digit())
                .count()
        };
        let integer = digits_from(sign);
        if integer == 0 {
            return None;
        }
        let mut len = sign + integer;
        if bytes.get(len) == Some(&b'.') {
            len += 1;
        }
        len += digits_from(len);
        if let (Some(b'e' | b'E'), Some(b'+' | b'-')) = (bytes.get(len), bytes.get(len + 1)) {
            let exponent = digits_from(len + 2);
            if exponent > 0 {
                len += 2 + exponent;
            }
        }
        self.token(start, start + len)
    }

    /// Consumes a single- or double-quoted string and returns its unescaped text and span.
    ///
    /// Like libsinsp's `lex_quoted_str`, the string ends at the first quote character not
    /// directly preceded by a backslash (so `"a\\"` does not end at its last quote), and
    /// `unescape_str` then reads `\b \f \n \r \t \\ \/`, the string's own quote, `\ ` as a
    /// backslash, and `\xHH` for an ASCII byte. `Ok(None)` when no quote is at the cursor.
    pub(crate) fn quoted(&mut self) -> Result<Option<(String, Span)>, (usize, ParseErrorKind)> {
        let start = self.position;
        let Some(quote @ (b'"' | b'\'')) = self.peek() else {
            return Ok(None);
        };
        let body = self.rest().get(1..).unwrap_or_default();
        let mut previous = 0u8;
        let mut body_len = None;
        for (index, byte) in body.bytes().enumerate() {
            if byte == quote && previous != b'\\' {
                body_len = Some(index);
                break;
            }
            previous = byte;
        }
        let Some(body_len) = body_len else {
            return Err((
                start,
                ParseErrorKind::UnterminatedString {
                    quote: char::from(quote),
                },
            ));
        };
        let raw = body.get(..body_len).unwrap_or_default();
        let text = unescape(raw, char::from(quote)).map_err(|kind| (start, kind))?;
        let end = start + body_len + 2;
        self.position = end;
        Ok(Some((text, Span::new(start, end))))
    }
}

/// A character of the POSIX `[:space:]` class.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The text of a quoted string's body with its escapes resolved (libsinsp `unescape_str`).
pub(crate) fn unescape(raw: &str, quote: char) -> Result<String, ParseErrorKind> {
    let mut text = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(ch) = chars.next() {
        if ch != '\\' {
            text.push(ch);
            continue;
        }
        // A trailing lone backslash cannot occur: the closing quote would have been escaped.
        let Some(escape) = chars.next() else {
            text.push('\\');
            break;
        };
        let resolved = match escape {
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            // libsinsp reads `\ ` as a backslash, for rules written with that escape.
            ' ' | '\\' => '\\',
            '/' => '/',
            '"' | '\'' if escape == quote => escape,
            'x' => hex_escape(&mut chars, quote)?,
            _ => return Err(ParseErrorKind::InvalidEscape { escape, quote }),
        };
        text.push(resolved);
    }
    Ok(text)
}

/// The character of a `\xHH` escape (exactly two hex digits, Falco 0.45's syntax) after its
/// `\x`. Values are strings, so only ASCII bytes can be written this way.
fn hex_escape(chars: &mut std::str::Chars<'_>, quote: char) -> Result<char, ParseErrorKind> {
    let digits = [chars.next(), chars.next()];
    let [Some(high), Some(low)] = digits.map(|digit| digit.and_then(|d| d.to_digit(16))) else {
        return Err(ParseErrorKind::InvalidEscape { escape: 'x', quote });
    };
    let byte = u8::try_from(high * 16 + low).expect("two hex digits make a byte");
    if byte.is_ascii() {
        Ok(char::from(byte))
    } else {
        Err(ParseErrorKind::NonAsciiByteEscape { byte })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn number(text: &str) -> Option<&str> {
        Cursor::new(text).number().map(|(token, _)| token)
    }

    #[test]
    fn numbers_follow_libsinsp_shapes() {
        assert_eq!(number("0x1F rest"), Some("0x1F"));
        assert_eq!(number("-12.5e+3)"), Some("-12.5e+3"));
        assert_eq!(number("7."), Some("7."));
        assert_eq!(number("1e5"), Some("1"));
        assert_eq!(number("x1"), None);
        assert_eq!(number("+"), None);
    }

    #[test]
    fn field_names_need_two_parts() {
        let mut cursor = Cursor::new("proc.aname[2]");
        assert_eq!(
            cursor.field_name().map(|(name, _)| name),
            Some("proc.aname")
        );
        assert_eq!(Cursor::new("macro_name").field_name(), None);
        let mut cursor = Cursor::new("a.b.");
        assert_eq!(cursor.field_name().map(|(name, _)| name), Some("a.b"));
        assert_eq!(Cursor::new("a.1b").field_name(), None);
    }

    #[test]
    fn quoted_strings_unescape_like_libsinsp() {
        let mut cursor = Cursor::new(r#""a\"b\n\\c" x"#);
        let (text, span) = cursor.quoted().expect("valid").expect("quoted");
        assert_eq!(text, "a\"b\n\\c");
        assert_eq!(span, Span::new(0, 11));
        assert_eq!(
            unescape(r"it\'s", '"'),
            Err(ParseErrorKind::InvalidEscape {
                escape: '\'',
                quote: '"'
            })
        );
        assert_eq!(unescape(r"a\ b", '"').as_deref(), Ok(r"a\b"));
        assert_eq!(unescape(r"\x41\x0a", '"').as_deref(), Ok("A\n"));
        assert_eq!(
            unescape(r"\xFF", '"'),
            Err(ParseErrorKind::NonAsciiByteEscape { byte: 0xFF })
        );
        assert!(unescape(r"\x4", '"').is_err());
        assert!(matches!(
            Cursor::new(r#""a\""#).quoted(),
            Err((0, ParseErrorKind::UnterminatedString { quote: '"' }))
        ));
    }
}
