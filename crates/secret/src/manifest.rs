//! Kubernetes Secret manifests: finds the `data:` and `stringData:` entries of `kind: Secret`
//! objects in YAML (multi-document, `List` items) and JSON, so the [`crate::Scanner`] can
//! base64-decode each `data:` value and scan the decoded text, reporting at the encoded
//! value's position, and judge every entry by its name.
//!
//! This is deliberately not a YAML parser: a line walk tracks mapping indentation, which is
//! all a Secret's shape needs (`kind` and `data` are keys of the same mapping, in any order,
//! as `kubectl get -o yaml` writes `data` first). Flow mappings (`data: {a: b}`) and block
//! scalars as values are not followed. JSON gets a small tokenizer with a nesting bound. Both
//! run only on files whose keyword prefilter saw `kind: Secret`, and keep at most
//! [`MAX_ENTRIES`] entries.

use std::ops::Range;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Data entries kept per file (and per Secret while it is being read): a generated bundle of
/// Secrets is scanned, not copied.
const MAX_ENTRIES: usize = 1000;

/// Encoded values longer than this are not decoded: certificates bundles and keystores fit,
/// megabyte blobs are data, not credentials.
const MAX_ENCODED_VALUE: usize = 64 * 1024;

/// JSON nesting followed; deeper input (hostile or generated) ends the walk.
const MAX_DEPTH: usize = 64;

/// How a Secret entry's value is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// A `data:` value: base64.
    Base64,
    /// A `stringData:` value: the text itself.
    Plain,
}

/// One `data:` or `stringData:` entry of a Secret: byte ranges of its key and of its value
/// (without quotes) in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DataEntry {
    /// The entry's key, such as `password` or `.dockerconfigjson`.
    pub(crate) key: Range<usize>,
    /// The value as written.
    pub(crate) value: Range<usize>,
    pub(crate) encoding: Encoding,
}

impl DataEntry {
    /// The value's text, or `None` when it is empty, too long or not base64.
    pub(crate) fn decode(&self, bytes: &[u8]) -> Option<Vec<u8>> {
        let written = bytes.get(self.value.clone())?;
        if written.is_empty() || written.len() > MAX_ENCODED_VALUE {
            return None;
        }
        match self.encoding {
            Encoding::Base64 => STANDARD.decode(written).ok(),
            Encoding::Plain => Some(written.to_vec()),
        }
    }
}

/// The `data:` and `stringData:` entries of every Secret object in `bytes`, YAML or JSON (told apart by the
/// first non-blank byte).
pub(crate) fn secret_data(bytes: &[u8]) -> Vec<DataEntry> {
    match bytes.iter().find(|byte| !byte.is_ascii_whitespace()) {
        Some(b'{' | b'[') => json_secret_data(bytes),
        _ => yaml_secret_data(bytes),
    }
}

/// The state of a YAML mapping's `data:` or `stringData:` block.
#[derive(Clone, Copy)]
enum DataBlock {
    /// Not inside such a block.
    Closed,
    /// Inside the block; `column` of its keys once the first one is seen.
    Open {
        column: Option<usize>,
        encoding: Encoding,
    },
}

impl DataBlock {
    fn open(encoding: Encoding) -> Self {
        Self::Open {
            column: None,
            encoding,
        }
    }
}

/// A YAML block mapping open during the line walk.
struct Mapping {
    /// Column of its keys.
    column: usize,
    /// Whether it holds `kind: Secret`.
    secret: bool,
    data: DataBlock,
    entries: Vec<DataEntry>,
}

fn yaml_secret_data(bytes: &[u8]) -> Vec<DataEntry> {
    let mut found = Vec::new();
    let mut open: Vec<Mapping> = Vec::new();
    let mut line_start = 0;
    while line_start < bytes.len() && found.len() < MAX_ENTRIES {
        let line_end = memchr::memchr(b'\n', bytes.get(line_start..).unwrap_or_default())
            .map_or(bytes.len(), |newline| line_start + newline);
        let line = bytes.get(line_start..line_end).unwrap_or_default();
        yaml_line(line, line_start, &mut open, &mut found);
        line_start = line_end + 1;
    }
    while let Some(mapping) = open.pop() {
        close(mapping, &mut found);
    }
    found.truncate(MAX_ENTRIES);
    found
}

/// Moves a closed mapping's data entries to `found` when it was a Secret.
fn close(mapping: Mapping, found: &mut Vec<DataEntry>) {
    if mapping.secret {
        found.extend(mapping.entries);
    }
}

/// Feeds one line (without its newline) starting at byte `offset` to the walk.
fn yaml_line(line: &[u8], offset: usize, open: &mut Vec<Mapping>, found: &mut Vec<DataEntry>) {
    if line.starts_with(b"---") || line.starts_with(b"...") {
        while let Some(mapping) = open.pop() {
            close(mapping, found);
        }
        return;
    }
    let mut column = line.iter().take_while(|&&byte| byte == b' ').count();
    let mut item = false;
    while let Some(rest) = line.get(column..) {
        if rest.starts_with(b"- ") {
            item = true;
            column += 2 + rest
                .iter()
                .skip(2)
                .take_while(|&&byte| byte == b' ')
                .count();
        } else {
            break;
        }
    }
    let content = line.get(column..).unwrap_or_default();
    if content.is_empty() || content.starts_with(b"#") || content == b"\r" {
        return;
    }
    while let Some(top) = open.last() {
        if top.column > column || (item && top.column == column) {
            if let Some(mapping) = open.pop() {
                close(mapping, found);
            }
        } else {
            break;
        }
    }
    if let Some(top) = open.last_mut()
        && let DataBlock::Open {
            column: data_column,
            encoding,
        } = &mut top.data
        && column > top.column
        && !item
    {
        let block_column = *data_column.get_or_insert(column);
        if column == block_column
            && top.entries.len() < MAX_ENTRIES
            && let Some(entry) = yaml_entry(content, offset + column, *encoding)
        {
            top.entries.push(entry);
        }
        return;
    }
    match open.last_mut() {
        Some(top) if top.column == column => top.data = DataBlock::Closed,
        _ => open.push(Mapping {
            column,
            secret: false,
            data: DataBlock::Closed,
            entries: Vec::new(),
        }),
    }
    let Some(top) = open.last_mut() else {
        return;
    };
    let Some((key, value)) = split_key(content) else {
        return;
    };
    let value = unquote(trim_comment(value));
    match unquote(key) {
        b"kind" if value == b"Secret" => top.secret = true,
        b"data" if value.is_empty() => top.data = DataBlock::open(Encoding::Base64),
        b"stringData" if value.is_empty() => top.data = DataBlock::open(Encoding::Plain),
        _ => {}
    }
}

/// A `key: value` line of a data block, `content` starting at byte `offset` of the file.
fn yaml_entry(content: &[u8], offset: usize, encoding: Encoding) -> Option<DataEntry> {
    let (key, value) = split_key(content)?;
    let value = unquote(trim_comment(value));
    if value.is_empty() {
        return None;
    }
    let key_start = offset + usize::from(key.first().is_some_and(|&byte| is_quote(byte)));
    let key = unquote(key);
    let value_start = offset + subslice_offset(content, value)?;
    Some(DataEntry {
        key: key_start..key_start + key.len(),
        value: value_start..value_start + value.len(),
        encoding,
    })
}

/// Splits `key: value` at the first `:` followed by a space or the end of the line.
fn split_key(content: &[u8]) -> Option<(&[u8], &[u8])> {
    let colon = content.windows(2).position(|pair| {
        pair.first() == Some(&b':')
            && pair
                .get(1)
                .is_some_and(|&byte| byte == b' ' || byte == b'\r')
    });
    let colon = colon.or_else(|| content.ends_with(b":").then(|| content.len() - 1))?;
    let key = content.get(..colon)?;
    let value = content.get(colon + 1..)?.trim_ascii();
    Some((key.trim_ascii(), value))
}

/// `value` without a trailing ` # comment` (base64 and `Secret` never contain `#`).
fn trim_comment(value: &[u8]) -> &[u8] {
    value
        .windows(2)
        .position(|pair| pair == b" #")
        .and_then(|position| value.get(..position))
        .unwrap_or(value)
        .trim_ascii_end()
}

/// `value` without one pair of surrounding single or double quotes.
fn unquote(value: &[u8]) -> &[u8] {
    match (value.first(), value.last()) {
        (Some(&first), Some(&last)) if value.len() >= 2 && first == last && is_quote(first) => {
            value.get(1..value.len() - 1).unwrap_or(value)
        }
        _ => value,
    }
}

fn is_quote(byte: u8) -> bool {
    byte == b'"' || byte == b'\''
}

/// Where `part`, a subslice of `whole`, starts in it.
fn subslice_offset(whole: &[u8], part: &[u8]) -> Option<usize> {
    (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)
}

/// A JSON object open during the token walk.
#[derive(Default)]
struct Object {
    /// The key whose value comes next, as a byte range.
    key: Option<Range<usize>>,
    /// Whether the next string is a key (after `{` or `,`) rather than a value.
    expecting_key: bool,
    /// Set when this object is the value of its parent's `data` or `stringData` key.
    data: Option<Encoding>,
    secret: bool,
    entries: Vec<DataEntry>,
}

fn json_secret_data(bytes: &[u8]) -> Vec<DataEntry> {
    let mut found = Vec::new();
    // `None` is an array.
    let mut open: Vec<Option<Object>> = Vec::new();
    let mut position = 0;
    while let Some(&byte) = bytes.get(position) {
        position += 1;
        match byte {
            b'{' | b'[' => {
                if open.len() == MAX_DEPTH {
                    break;
                }
                let parent_key = match open.last() {
                    Some(Some(parent)) => parent.key.clone(),
                    _ => None,
                };
                open.push((byte == b'{').then(|| Object {
                    expecting_key: true,
                    data: match parent_key.and_then(|key| bytes.get(key)) {
                        Some(b"data") => Some(Encoding::Base64),
                        Some(b"stringData") => Some(Encoding::Plain),
                        _ => None,
                    },
                    ..Object::default()
                }));
            }
            b'}' | b']' => {
                if let Some(Some(object)) = open.pop()
                    && object.secret
                {
                    found.extend(object.entries);
                }
            }
            b',' => {
                if let Some(Some(object)) = open.last_mut() {
                    object.expecting_key = true;
                    object.key = None;
                }
            }
            b':' => {
                if let Some(Some(object)) = open.last_mut() {
                    object.expecting_key = false;
                }
            }
            b'"' => {
                let start = position;
                let Some(end) = string_end(bytes, start) else {
                    break;
                };
                position = end + 1;
                json_string(&mut open, bytes, start..end);
                if found.len() >= MAX_ENTRIES {
                    break;
                }
            }
            _ => {}
        }
    }
    found.truncate(MAX_ENTRIES);
    found
}

/// Records a JSON string at `range` (inside its quotes) as a key, a `kind`, or a data value.
fn json_string(open: &mut [Option<Object>], bytes: &[u8], range: Range<usize>) {
    let depth = open.len();
    let Some(Some(object)) = open.last_mut() else {
        return;
    };
    if object.expecting_key {
        object.key = Some(range);
        return;
    }
    let key = object.key.clone().unwrap_or_default();
    if bytes.get(key.clone()) == Some(b"kind") && bytes.get(range.clone()) == Some(b"Secret") {
        object.secret = true;
    }
    if let Some(encoding) = object.data
        && let Some(Some(parent)) = depth.checked_sub(2).and_then(|index| open.get_mut(index))
        && parent.entries.len() < MAX_ENTRIES
    {
        parent.entries.push(DataEntry {
            key,
            value: range,
            encoding,
        });
    }
}

/// The index of the quote closing a JSON string whose contents start at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut position = start;
    loop {
        let quote = position + memchr::memchr2(b'"', b'\\', bytes.get(position..)?)?;
        if bytes.get(quote) == Some(&b'\\') {
            position = quote + 2;
        } else {
            return Some(quote);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(&str, &str)> {
        secret_data(text.as_bytes())
            .into_iter()
            .map(|entry| {
                (
                    text.get(entry.key).expect("key range is in bounds"),
                    text.get(entry.value).expect("value range is in bounds"),
                )
            })
            .collect()
    }

    #[test]
    fn yaml_data_before_or_after_kind() {
        let text = "apiVersion: v1\ndata:\n  user: YQ==\n  \"pass\": 'Yg==' # note\nkind: Secret\n---\nkind: ConfigMap\ndata:\n  x: Yw==\n---\nkind: \"Secret\"\nmetadata:\n  name: s\n  labels:\n    data: ZA==\ndata:\n  token: ZQ==\ntype: Opaque\n";
        assert_eq!(
            pairs(text),
            [("user", "YQ=="), ("pass", "Yg=="), ("token", "ZQ==")]
        );
    }

    #[test]
    fn yaml_list_items_are_separate_objects() {
        let text = "kind: List\nitems:\n- apiVersion: v1\n  data:\n    a: YQ==\n  kind: Secret\n- kind: ConfigMap\n  data:\n    b: Yg==\n-   kind: Secret\n    data:\n      c: Yw==\n";
        assert_eq!(pairs(text), [("a", "YQ=="), ("c", "Yw==")]);
    }

    #[test]
    fn yaml_nested_values_of_data_are_not_entries() {
        let text = "kind: Secret\ndata:\n  a: YQ==\n  b:\n    c: Yw==\n\n  # comment\n  d: ZA==\nstringData:\n  e: plain\n";
        assert_eq!(pairs(text), [("a", "YQ=="), ("d", "ZA=="), ("e", "plain")]);
        let encodings: Vec<Encoding> = secret_data(text.as_bytes())
            .iter()
            .map(|entry| entry.encoding)
            .collect();
        assert_eq!(
            encodings,
            [Encoding::Base64, Encoding::Base64, Encoding::Plain]
        );
    }

    #[test]
    fn json_secret_and_list() {
        let text = r#"{"kind":"List","items":[{"data":{"a":"YQ==","b":"Yg=="},"kind":"Secret"},{"kind":"ConfigMap","data":{"c":"Yw=="}},{"kind":"Secret","metadata":{"name":"x\"y"},"stringData":{"d":"plain"}}]}"#;
        assert_eq!(pairs(text), [("a", "YQ=="), ("b", "Yg=="), ("d", "plain")]);
    }

    #[test]
    fn entries_are_bounded() {
        let yaml = format!(
            "kind: Secret\ndata:\n{}",
            "  a: YQ==\n".repeat(3 * MAX_ENTRIES)
        );
        assert_eq!(secret_data(yaml.as_bytes()).len(), MAX_ENTRIES);
        let json = format!(
            r#"{{"kind":"Secret","data":{{{}"z":"eg=="}}}}"#,
            r#""a":"YQ==","#.repeat(3 * MAX_ENTRIES)
        );
        assert_eq!(secret_data(json.as_bytes()).len(), MAX_ENTRIES);
    }

    #[test]
    fn json_nesting_is_bounded() {
        let text = format!(
            "{}{}",
            "[".repeat(100_000),
            r#"{"kind":"Secret","data":{"a":"YQ=="}}"#
        );
        assert!(secret_data(text.as_bytes()).is_empty());
    }

    #[test]
    fn decode_rejects_non_base64_and_oversized_values() {
        let entry = |text: &str| DataEntry {
            key: 0..0,
            value: 0..text.len(),
            encoding: Encoding::Base64,
        };
        assert_eq!(
            entry("c2VjcmV0").decode(b"c2VjcmV0"),
            Some(b"secret".to_vec())
        );
        assert_eq!(entry("not base64!").decode(b"not base64!"), None);
        let large = "QUFB".repeat(MAX_ENCODED_VALUE);
        assert_eq!(entry(&large).decode(large.as_bytes()), None);
    }
}
