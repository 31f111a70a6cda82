//! Reading the XML files of the Java ecosystem (POMs, Gradle dependency-verification
//! metadata): decoding bytes to text and parsing them into a [`roxmltree`] document with a
//! bounded number of nodes.
//!
//! roxmltree only reads UTF-8, so [`decode`] converts first: UTF-8 with or without a byte
//! order mark as is; UTF-16 when a byte order mark says so; and ISO-8859-1 (Latin-1) when the
//! XML declaration names it or a Windows code page, or when the bytes are not UTF-8 at all,
//! which is how Maven's own reader treats undeclared non-UTF-8 POMs in practice (the bytes
//! that differ are in names and descriptions, never in the coordinates the cataloger reads).
//! DTDs are refused, as roxmltree does by default: no POM needs one, and refusing them rules
//! out entity expansion.

use std::borrow::Cow;

use roxmltree::{Document, Node, ParsingOptions};

use crate::{ParseError, Position};

/// Most nodes (elements, attributes' owners, text) a document may have. The largest
/// dependency-verification files of big Android projects have about 100,000; each node costs
/// roxmltree a few dozen bytes, so this bounds a hostile file's tree to well under 100 MiB.
const MAX_NODES: u32 = 2_000_000;

/// `content` as text, decoded as described in the module documentation.
pub(super) fn decode<'a>(
    format: &'static str,
    content: &'a [u8],
) -> Result<Cow<'a, str>, ParseError> {
    if let Some(utf8) = content.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(utf8)
            .map(Cow::Borrowed)
            .map_err(|error| not_text(format, utf8, error.valid_up_to()));
    }
    if let Some(units) = content.strip_prefix(b"\xFF\xFE") {
        return decode_utf16(format, units, u16::from_le_bytes);
    }
    if let Some(units) = content.strip_prefix(b"\xFE\xFF") {
        return decode_utf16(format, units, u16::from_be_bytes);
    }
    if declares_single_byte_encoding(content) {
        return Ok(Cow::Owned(latin1(content)));
    }
    Ok(match std::str::from_utf8(content) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(latin1(content)),
    })
}

/// Parses `text` into a document.
pub(super) fn parse<'a>(format: &'static str, text: &'a str) -> Result<Document<'a>, ParseError> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: MAX_NODES,
        ..ParsingOptions::default()
    };
    Document::parse_with_options(text, options).map_err(|error| {
        let position = error.pos();
        // roxmltree's messages end in " at ROW:COLUMN"; the position carries that.
        let message = error.to_string();
        let located = format!(" at {position}");
        let reason = message.replace(&located, "");
        ParseError::new(format, Position::Line(position.row as usize), reason)
    })
}

/// The element children of `node` whose local name (without namespace) is `name`.
pub(super) fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children()
        .filter(move |child| child.is_element() && child.tag_name().name() == name)
}

/// The first element child of `node` named `name`.
pub(super) fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|child| child.is_element() && child.tag_name().name() == name)
}

/// The text of the element child `name` of `node`, trimmed; `None` when there is no such
/// child or its text is blank.
pub(super) fn child_text(node: Node<'_, '_>, name: &str) -> Option<String> {
    child(node, name).and_then(text)
}

/// The text directly inside `node` (text and CDATA children joined, so a comment inside the
/// element does not hide what follows it), trimmed; `None` when blank.
pub(super) fn text(node: Node<'_, '_>) -> Option<String> {
    let mut joined = String::new();
    for part in node.children().filter(Node::is_text) {
        joined.push_str(part.text().unwrap_or_default());
    }
    let trimmed = joined.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

/// Whether the XML declaration at the start of `content` names an encoding of one byte per
/// character that this module reads as Latin-1.
fn declares_single_byte_encoding(content: &[u8]) -> bool {
    let Some(declaration) = content.strip_prefix(b"<?xml") else {
        return false;
    };
    let end = memchr::memmem::find(declaration, b"?>").unwrap_or(0);
    let declaration = declaration
        .get(..end)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let Some(start) = memchr::memmem::find(&declaration, b"encoding") else {
        return false;
    };
    let value: Vec<u8> = declaration
        .get(start + b"encoding".len()..)
        .unwrap_or_default()
        .iter()
        .copied()
        .skip_while(|byte| matches!(byte, b' ' | b'\t' | b'\r' | b'\n' | b'=' | b'"' | b'\''))
        .take_while(|byte| !matches!(byte, b'"' | b'\'' | b' '))
        .collect();
    matches!(
        value.as_slice(),
        b"iso-8859-1"
            | b"iso8859-1"
            | b"iso_8859-1"
            | b"latin1"
            | b"latin-1"
            | b"us-ascii"
            | b"ascii"
            | b"windows-1252"
            | b"cp1252"
    )
}

/// Latin-1 bytes as text: each byte is the code point of the same value.
fn latin1(content: &[u8]) -> String {
    content.iter().map(|&byte| char::from(byte)).collect()
}

/// UTF-16 code units (after the byte order mark) as text.
fn decode_utf16(
    format: &'static str,
    units: &[u8],
    decode_unit: fn([u8; 2]) -> u16,
) -> Result<Cow<'static, str>, ParseError> {
    let (pairs, rest) = units.as_chunks::<2>();
    if !rest.is_empty() {
        return Err(ParseError::new(
            format,
            Position::File,
            "UTF-16 text with an odd number of bytes",
        ));
    }
    char::decode_utf16(pairs.iter().map(|pair| decode_unit(*pair)))
        .collect::<Result<String, _>>()
        .map(Cow::Owned)
        .map_err(|_| ParseError::new(format, Position::File, "invalid UTF-16"))
}

/// The error for bytes that are not UTF-8 from `offset` on, at their line.
fn not_text(format: &'static str, content: &[u8], offset: usize) -> ParseError {
    let before = content.get(..offset).unwrap_or(content);
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    ParseError::new(format, Position::Line(line), "not UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_declared_and_detected_encodings() {
        assert_eq!(decode("t", b"\xEF\xBB\xBF<a/>").unwrap(), "<a/>");
        assert_eq!(decode("t", b"\xFF\xFE<\0a\0/\0>\0").unwrap(), "<a/>");
        assert_eq!(decode("t", b"\xFE\xFF\0<\0a\0/\0>").unwrap(), "<a/>");
        assert_eq!(
            decode(
                "t",
                b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xe9</a>"
            )
            .unwrap(),
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\u{e9}</a>"
        );
        // Undeclared and not UTF-8: read as Latin-1.
        assert_eq!(decode("t", b"<a>\xe9</a>").unwrap(), "<a>\u{e9}</a>");
        assert_eq!(decode("t", "<a>é</a>".as_bytes()).unwrap(), "<a>é</a>");
        assert!(decode("t", b"\xFF\xFE<\0a").is_err());
        assert!(decode("t", b"\xEF\xBB\xBF<a>\n\xff</a>").is_err());
    }

    #[test]
    fn parse_errors_point_at_the_line() {
        let error = parse("t", "<a>\n<b>\n</a>").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        assert!(!error.reason.contains(" at 3:"), "{}", error.reason);
        let error = parse("t", "<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>").unwrap_err();
        assert_eq!(error.position, Position::Line(1));
    }

    #[test]
    fn reads_text_around_comments() {
        let document = parse("t", "<a><v> 1.<!-- c -->0 </v><w/></a>").unwrap();
        let root = document.root_element();
        assert_eq!(child_text(root, "v").as_deref(), Some("1.0"));
        assert_eq!(child_text(root, "w"), None);
        assert_eq!(child_text(root, "x"), None);
    }
}
