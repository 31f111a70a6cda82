//! Reading JSON, YAML and TOML lockfiles into serde types, with every failure a [`ParseError`]
//! at the line the parser reports. Shared by the language catalogers.
//!
//! Both readers treat a file that is empty or only whitespace (after a UTF-8 byte order mark)
//! as holding no packages, returning `None`, as the npm and Python catalogers do: a lockfile
//! truncated to nothing describes nothing, and is not worth a warning.

use serde::de::DeserializeOwned;
use serde_saphyr::MessageFormatter;

use crate::{ParseError, Position};

/// `content` without a UTF-8 byte order mark, or `None` when nothing else is there but
/// whitespace.
fn meaningful(content: &[u8]) -> Option<&[u8]> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    (!content.iter().all(u8::is_ascii_whitespace)).then_some(content)
}

/// The 1-based line holding byte `offset` of `content`.
fn line_at(content: &[u8], offset: usize) -> usize {
    let before = content.get(..offset).unwrap_or(content);
    memchr::memchr_iter(b'\n', before).count() + 1
}

/// `content` as UTF-8, or a [`ParseError`] at the line of the first invalid byte.
pub(crate) fn utf8<'a>(format: &'static str, content: &'a [u8]) -> Result<&'a str, ParseError> {
    std::str::from_utf8(content).map_err(|error| {
        let line = line_at(content, error.valid_up_to());
        ParseError::new(format, Position::Line(line), "text is not UTF-8")
    })
}

/// Each line of `content` with its 1-based number, as UTF-8 without its terminator (`\n` or
/// `\r\n`); a line that is not UTF-8 is a [`ParseError`] of `format` at that line. For the
/// line-oriented formats (`go.mod`, `go.sum`, `modules.txt`, `Gemfile.lock`, gemspecs).
pub(crate) fn lines<'a>(
    format: &'static str,
    content: &'a [u8],
) -> impl Iterator<Item = Result<(usize, &'a str), ParseError>> {
    content
        .split(|&byte| byte == b'\n')
        .enumerate()
        .map(move |(index, line)| {
            let number = index + 1;
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            std::str::from_utf8(line)
                .map(|line| (number, line))
                .map_err(|_| ParseError::new(format, Position::Line(number), "not UTF-8"))
        })
}

/// Deserializes a JSON lockfile; `None` for an empty file. A document of the wrong shape
/// (`null`, a list where an object belongs) is an error like a syntax error.
pub(crate) fn from_json<T: DeserializeOwned>(
    format: &'static str,
    content: &[u8],
) -> Result<Option<T>, ParseError> {
    let Some(content) = meaningful(content) else {
        return Ok(None);
    };
    serde_json::from_slice(content)
        .map(Some)
        .map_err(|error| json_error(format, &error))
}

/// Deserializes a TOML lockfile (`Cargo.lock`, `poetry.lock`, `uv.lock`, …); syntax errors
/// and missing required fields become a [`ParseError`] at the line the `toml` crate points
/// to. An empty file is an empty table, which lockfile types read as holding no packages.
pub(crate) fn from_toml<T: DeserializeOwned>(
    format: &'static str,
    content: &[u8],
) -> Result<T, ParseError> {
    let text = utf8(format, content)?;
    toml::from_str(text).map_err(|error| {
        let position = error.span().map_or(Position::File, |span| {
            Position::Line(line_at(content, span.start))
        });
        ParseError::new(format, position, error.message().trim_end())
    })
}

/// A [`ParseError`] from a `serde_json` failure, at the line it reports.
pub(crate) fn json_error(format: &'static str, error: &serde_json::Error) -> ParseError {
    // serde_json appends " at line L column C"; the position already says where.
    let message = error.to_string();
    let reason = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(reason, _)| reason);
    ParseError::new(format, Position::Line(error.line().max(1)), reason)
}

/// Deserializes a YAML lockfile with serde-saphyr's default budget (a quarter of a million
/// nodes, far above the largest `pubspec.lock` or `Podfile.lock`); `None` for an empty file or
/// a document that is only `null`.
pub(crate) fn from_yaml<T: DeserializeOwned>(
    format: &'static str,
    content: &[u8],
) -> Result<Option<T>, ParseError> {
    let Some(content) = meaningful(content) else {
        return Ok(None);
    };
    let text = utf8(format, content)?;
    serde_saphyr::from_str(text).map_err(|error| yaml_error(format, &error))
}

/// A [`ParseError`] from a serde-saphyr failure, at the line it reports. The message is
/// rendered without its location suffix (the position carries it) and without control
/// characters, which a hostile file could smuggle into a quoted scalar.
fn yaml_error(format: &'static str, error: &serde_saphyr::Error) -> ParseError {
    let position = error.location().map_or(Position::File, |location| {
        Position::Line(
            usize::try_from(location.line())
                .unwrap_or(usize::MAX)
                .max(1),
        )
    });
    let reason: String = serde_saphyr::UserMessageFormatter
        .format_message(error)
        .chars()
        .filter(|character| !character.is_control())
        .collect();
    ParseError::new(format, position, reason)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn splits_lines_and_reports_bad_bytes() {
        let found: Vec<_> = lines("test", b"a\r\nb\n\nc")
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(found, [(1, "a"), (2, "b"), (3, ""), (4, "c")]);
        let error = lines("test", b"a\n\xff\n").find_map(Result::err).unwrap();
        assert_eq!(error.position, Position::Line(2));
    }

    #[test]
    fn toml_and_utf8_errors_point_at_the_line() {
        let error = from_toml::<toml::Table>("test", b"a = 1\n\nb = \n").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        let error = utf8("test", b"ok\n\xff\n").unwrap_err();
        assert_eq!(error.position, Position::Line(2));
    }

    type Mapping = BTreeMap<String, u32>;

    #[test]
    fn empty_files_hold_nothing() {
        for content in [&b""[..], b"  \n\t", b"\xEF\xBB\xBF\n"] {
            assert_eq!(from_json::<Mapping>("test", content), Ok(None));
            assert_eq!(from_yaml::<Mapping>("test", content), Ok(None));
        }
    }

    #[test]
    fn reads_documents_after_a_byte_order_mark() {
        let json = from_json::<Mapping>("test", b"\xEF\xBB\xBF{\"a\": 1}").unwrap();
        assert_eq!(json, Some(Mapping::from([("a".to_owned(), 1)])));
        let yaml = from_yaml::<Mapping>("test", b"\xEF\xBB\xBFa: 1\n").unwrap();
        assert_eq!(yaml, Some(Mapping::from([("a".to_owned(), 1)])));
    }

    #[test]
    fn errors_point_at_their_line() {
        let error = from_json::<Mapping>("test", b"{\n\"a\": 1,\n\"b\": x}").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        assert!(!error.reason.contains("at line"), "{}", error.reason);
        let error = from_json::<Mapping>("test", b"null").unwrap_err();
        assert_eq!(error.position, Position::Line(1));
        let error = from_yaml::<Mapping>("test", b"a: 1\nb: [\n").unwrap_err();
        assert!(matches!(error.position, Position::Line(2 | 3)), "{error}");
        let error = from_yaml::<Mapping>("test", b"a: 1\nb: \xff\n").unwrap_err();
        assert_eq!(error.position, Position::Line(2));
    }
}
