//! Reading manifest files into objects that remember where each field was written.
//!
//! A file is multi-document YAML or JSON (JSON is read as the YAML it also is, so both get
//! positions). `kind: List` and the other `*List` kinds are replaced by their `items`; empty
//! documents (Helm output has them between `# Source:` comments) are dropped. Each [`Object`]
//! is a plain [`Value`] for the engines plus a tree of the lines its fields were written on,
//! so a violation's field path (`spec.containers[0].securityContext.privileged`) becomes a
//! line of the file.
//!
//! Everything is bounded: files over [`MAX_BYTES`] and invalid UTF-8 are not parsed, and
//! serde-saphyr's [`Budget`] caps depth, nodes, events and alias expansion per document, so an
//! alias bomb or a 200-deep nesting becomes a [`Problem`], never a panic or an unbounded
//! allocation. A problem in one document does not hide the documents before it; after a
//! semantic error (a duplicate key, a non-string key) reading resumes at the next document.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use serde_saphyr::{Budget, DuplicateKeyPolicy, MessageFormatter, Options, Spanned};

/// Largest file read. One Kubernetes object is at most 1.5 MiB (etcd's request limit); a
/// rendered chart or an operator bundle of many objects stays well under 16 MiB, and parsing
/// costs about ten times the file size in memory.
pub(crate) const MAX_BYTES: usize = 16 << 20;

/// Nesting depth bound up to which a file is parsed on the caller's thread. serde-saphyr
/// recurses once per level: about 8 KiB of stack per level in release builds and 35 KiB in
/// debug builds (measured), so 40 levels fit a 2 MiB thread stack in both.
const INLINE_DEPTH: usize = 40;

/// Stack of the thread that parses deeper files: the budget's 64 levels at debug-build frame
/// sizes with room to spare. Only touched pages are committed.
const PARSER_STACK_BYTES: usize = 16 << 20;

/// Longest problem message kept: parser messages may quote the input.
const MAX_MESSAGE_CHARS: usize = 200;

/// One object of a manifest file and the lines of its fields.
#[derive(Debug)]
pub(crate) struct Object {
    /// The object as the policy engines read it.
    pub(crate) value: Value,
    positions: Positions,
}

/// Something in a file that kept part of it from being checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// 1-based line where the problem was found.
    pub(crate) line: u32,
    /// What is wrong, one line.
    pub(crate) message: String,
}

/// The objects of one file and what could not be read.
#[derive(Debug, Default)]
pub(crate) struct Manifest {
    pub(crate) objects: Vec<Object>,
    pub(crate) problems: Vec<Problem>,
}

/// Where a node was written: for a mapping entry the line of its key, for a sequence element
/// the line of its first token; and the same for the node's children.
#[derive(Debug, Default)]
struct Positions {
    line: u32,
    children: Children,
}

#[derive(Debug, Default)]
enum Children {
    #[default]
    Leaf,
    Sequence(Vec<Positions>),
    /// Entries in file order; duplicate keys are refused by the parser.
    Mapping(Vec<(String, Positions)>),
}

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    /// A mapping key; on a sequence, a decimal index (as JSON pointers write them).
    Key(String),
    /// A sequence index.
    Index(usize),
}

/// Reads every object of a manifest file.
pub(crate) fn read(bytes: &[u8]) -> Manifest {
    if bytes.len() > MAX_BYTES {
        return Manifest::unreadable(
            1,
            &format!(
                "file is {} bytes, larger than the {MAX_BYTES} bytes a manifest may have",
                bytes.len()
            ),
        );
    }
    if let Err(error) = std::str::from_utf8(bytes) {
        let valid = bytes.get(..error.valid_up_to()).unwrap_or_default();
        return Manifest::unreadable(
            line_number(valid.split(|&byte| byte == b'\n').count()),
            &format!(
                "invalid UTF-8 at byte {}; a manifest must be UTF-8",
                error.valid_up_to()
            ),
        );
    }
    if depth_bound(bytes) <= INLINE_DEPTH {
        return parse(bytes);
    }
    // Deep files parse on a thread whose stack holds the deepest nesting the budget admits.
    std::thread::scope(|scope| {
        let parser = std::thread::Builder::new()
            .name("manifest-parser".to_owned())
            .stack_size(PARSER_STACK_BYTES)
            .spawn_scoped(scope, || parse(bytes));
        match parser {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|_| Manifest::unreadable(1, "the YAML parser failed")),
            Err(error) => {
                Manifest::unreadable(1, &format!("cannot start the YAML parser: {error}"))
            }
        }
    })
}

/// Parses UTF-8 `bytes` document by document.
fn parse(bytes: &[u8]) -> Manifest {
    let mut manifest = Manifest::default();
    let mut reader = bytes;
    for document in serde_saphyr::read_with_options::<_, Spanned<Node>>(&mut reader, options()) {
        match document {
            Ok(document) => manifest.add_document(document),
            Err(error) => manifest.problems.push(parse_problem(&error)),
        }
    }
    manifest
}

/// An upper bound of the nesting depth of a YAML or JSON text without aliases, from one pass
/// over its bytes: a line indented by `n` spaces is at most `2n` block levels deep (a block
/// sequence may sit at its key's indentation, but the mapping in its items is indented), plus
/// one level per `- ` on the line and per open flow bracket. Aliases replay whole subtrees
/// at a new depth, so a text with one gets no bound (`usize::MAX`).
fn depth_bound(bytes: &[u8]) -> usize {
    let mut flow = 0_usize;
    let mut bound = 0_usize;
    for line in bytes.split(|&byte| byte == b'\n') {
        let indent = line.iter().take_while(|&&byte| byte == b' ').count();
        let mut line_depth = flow;
        let mut dashes = 0_usize;
        let mut previous = b' ';
        for (index, &byte) in line.iter().enumerate() {
            let next = line.get(index + 1).copied().unwrap_or(b' ');
            match byte {
                b'[' | b'{' => {
                    flow += 1;
                    line_depth = line_depth.max(flow);
                }
                b']' | b'}' => flow = flow.saturating_sub(1),
                b'-' if matches!(previous, b' ' | b'-') && matches!(next, b' ' | b'\r') => {
                    dashes += 1;
                }
                b'*' if matches!(previous, b' ' | b'[' | b'{' | b',' | b':')
                    && (next.is_ascii_alphanumeric() || next == b'_') =>
                {
                    return usize::MAX;
                }
                _ => {}
            }
            previous = byte;
        }
        bound = bound.max(
            indent
                .saturating_mul(2)
                .saturating_add(dashes)
                .saturating_add(line_depth)
                .saturating_add(2),
        );
    }
    bound
}

/// The parser settings: kubectl's duplicate-key refusal and tight alias limits (manifests
/// rarely use anchors; a few hundred replayed events cover the ones that do).
fn options() -> Options {
    let mut budget = Budget::default();
    // Helm renders one document per template; large charts stay in the hundreds.
    budget.max_documents = 10_000;
    let mut options = Options::default();
    options.budget = Some(budget);
    options.duplicate_keys = DuplicateKeyPolicy::Error;
    options.alias_limits.max_total_replayed_events = 100_000;
    options.with_snippet = false;
    options
}

fn parse_problem(error: &serde_saphyr::Error) -> Problem {
    let line = error
        .location()
        .map_or(1, |location| line_number(location.line()).max(1));
    let message = serde_saphyr::UserMessageFormatter.format_message(error);
    Problem {
        line,
        message: one_line(&format!("invalid YAML: {message}")),
    }
}

/// `text` without control characters (a hostile file could smuggle terminal escapes into a
/// quoted scalar the parser quotes back), cut to [`MAX_MESSAGE_CHARS`].
fn one_line(text: &str) -> String {
    text.chars()
        .filter(|character| !character.is_control())
        .take(MAX_MESSAGE_CHARS)
        .collect()
}

/// A 1-based line as stored in findings, saturating for absurdly long files.
fn line_number(line: impl TryInto<u32>) -> u32 {
    line.try_into().unwrap_or(u32::MAX)
}

impl Manifest {
    /// A file none of which could be read, for `reason` found at `line`.
    fn unreadable(line: u32, reason: &str) -> Self {
        Self {
            objects: Vec::new(),
            problems: vec![Problem {
                line,
                message: format!("{reason}; not checked"),
            }],
        }
    }

    fn add_document(&mut self, document: Spanned<Node>) {
        let line = line_number(document.referenced.line());
        let Node { value, children } = document.value;
        self.add_value(value, Positions { line, children }, "document");
    }

    /// Adds an object, or the items of a list object; `what` names the value in problems.
    fn add_value(&mut self, value: Value, positions: Positions, what: &str) {
        let Value::Object(mut map) = value else {
            self.problems.push(Problem {
                line: positions.line,
                message: format!(
                    "{what} is {}, not a Kubernetes object; not checked",
                    type_name(&value)
                ),
            });
            return;
        };
        let is_list = map
            .get("kind")
            .and_then(Value::as_str)
            .is_some_and(|kind| kind.ends_with("List"))
            && map.get("items").is_some_and(Value::is_array);
        if !is_list {
            self.objects.push(Object {
                value: Value::Object(map),
                positions,
            });
            return;
        }
        let Some(Value::Array(items)) = map.remove("items") else {
            return;
        };
        let Positions { line, children } = positions;
        let mut item_positions = match children {
            Children::Mapping(entries) => entries
                .into_iter()
                .find(|(name, _)| name == "items")
                .and_then(|(_, items)| match items.children {
                    Children::Sequence(elements) => Some(elements),
                    _ => None,
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        // Invariant kept by the parser: one position per element. Pad defensively anyway.
        item_positions.resize_with(items.len(), || Positions {
            line,
            children: Children::Leaf,
        });
        for (item, item_position) in items.into_iter().zip(item_positions) {
            self.add_value(item, item_position, "list item");
        }
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a sequence",
        Value::Object(_) => "a mapping",
    }
}

impl Object {
    /// The 1-based line of the object's first field.
    pub(crate) fn first_line(&self) -> u32 {
        self.positions.line
    }

    /// The line of the field at `path`, written as the Pod Security Standards write paths
    /// (`spec.containers[0].securityContext.privileged`, `metadata.annotations[a.b/c]` or
    /// `metadata.annotations["a.b/c"]`); the nearest ancestor that exists when the field is
    /// missing (a check that wants `runAsNonRoot: true` names a field that is not there); the
    /// object's first line for an empty path.
    pub(crate) fn line_of_path(&self, path: &str) -> u32 {
        self.positions.deepest(&parse_path(path))
    }

    /// The line of the field at a JSON pointer as Kyverno prints it
    /// (`/spec/containers/0/image/`), with the same fallbacks as [`Object::line_of_path`].
    pub(crate) fn line_of_pointer(&self, pointer: &str) -> u32 {
        let segments: Vec<Segment> = pointer
            .split('/')
            .filter(|token| !token.is_empty())
            .map(|token| Segment::Key(token.replace("~1", "/").replace("~0", "~")))
            .collect();
        self.positions.deepest(&segments)
    }
}

impl Positions {
    fn child(&self, segment: &Segment) -> Option<&Self> {
        match (&self.children, segment) {
            (Children::Mapping(entries), Segment::Key(key)) => entries
                .iter()
                .find(|(name, _)| name == key)
                .map(|(_, child)| child),
            (Children::Sequence(elements), Segment::Index(index)) => elements.get(*index),
            (Children::Sequence(elements), Segment::Key(key)) => key
                .parse::<usize>()
                .ok()
                .and_then(|index| elements.get(index)),
            _ => None,
        }
    }

    /// The line of the deepest node along `segments` that exists.
    fn deepest(&self, segments: &[Segment]) -> u32 {
        let mut node = self;
        for segment in segments {
            match node.child(segment) {
                Some(child) => node = child,
                None => break,
            }
        }
        node.line
    }
}

/// Splits a Pod Security Standards field path into segments: names separated by dots, `[N]`
/// indices, and `[key]` or `["key"]` for keys holding dots or slashes.
fn parse_path(path: &str) -> Vec<Segment> {
    let mut segments = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            rest = after;
        } else if let Some(after) = rest.strip_prefix('[') {
            let (inside, remainder) = split_bracket(after);
            segments.push(match inside.parse::<usize>() {
                Ok(index) => Segment::Index(index),
                Err(_) => Segment::Key(inside),
            });
            rest = remainder;
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            let (name, remainder) = rest.split_at(end);
            segments.push(Segment::Key(name.to_owned()));
            rest = remainder;
        }
    }
    segments
}

/// The key inside `[...]` (quotes removed, `\"` and `\\` unescaped) and what follows `]`.
fn split_bracket(text: &str) -> (String, &str) {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut key = String::new();
        let mut characters = quoted.char_indices();
        while let Some((index, character)) = characters.next() {
            match character {
                '\\' => {
                    if let Some((_, escaped)) = characters.next() {
                        key.push(escaped);
                    }
                }
                '"' => {
                    let after = quoted.get(index + 1..).unwrap_or_default();
                    return (key, after.strip_prefix(']').unwrap_or(after));
                }
                other => key.push(other),
            }
        }
        return (key, "");
    }
    match text.split_once(']') {
        Some((key, after)) => (key.to_owned(), after),
        None => (text.to_owned(), ""),
    }
}

/// A parsed node: its value for the engines and the positions of its children.
struct Node {
    value: Value,
    children: Children,
}

impl Node {
    fn leaf(value: Value) -> Self {
        Self {
            value,
            children: Children::Leaf,
        }
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

/// Builds a [`Node`] from whatever the YAML holds; children come wrapped in [`Spanned`] so
/// their lines are known.
struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::leaf(Value::Null))
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::leaf(Value::Null))
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node, D::Error> {
        Node::deserialize(deserializer)
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Node, E> {
        Ok(Node::leaf(Value::Bool(value)))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Node, E> {
        Ok(Node::leaf(Value::Number(value.into())))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Node, E> {
        Ok(Node::leaf(Value::Number(value.into())))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Node, E> {
        // Beyond 64 bits JSON numbers lose precision anyway; keep the magnitude.
        #[expect(
            clippy::cast_precision_loss,
            reason = "integers past 64 bits are approximated, as JSON consumers do"
        )]
        let approximate = value as f64;
        Ok(Node::leaf(
            Number::from_i128(value).map_or_else(|| Value::from(approximate), Value::Number),
        ))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Node, E> {
        #[expect(
            clippy::cast_precision_loss,
            reason = "integers past 64 bits are approximated, as JSON consumers do"
        )]
        let approximate = value as f64;
        Ok(Node::leaf(
            Number::from_u128(value).map_or_else(|| Value::from(approximate), Value::Number),
        ))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Node, E> {
        // Non-finite floats have no JSON form; `Value::from` makes them null.
        Ok(Node::leaf(Value::from(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Node, E> {
        Ok(Node::leaf(Value::String(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Node, E> {
        Ok(Node::leaf(Value::String(value)))
    }

    fn visit_bytes<E: de::Error>(self, value: &[u8]) -> Result<Node, E> {
        // `!!binary` scalars; Kubernetes reads them as strings.
        Ok(Node::leaf(Value::String(
            String::from_utf8_lossy(value).into_owned(),
        )))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<Node, A::Error> {
        let mut values = Vec::new();
        let mut positions = Vec::new();
        while let Some(element) = access.next_element::<Spanned<Node>>()? {
            positions.push(Positions {
                line: line_number(element.referenced.line()),
                children: element.value.children,
            });
            values.push(element.value.value);
        }
        Ok(Node {
            value: Value::Array(values),
            children: Children::Sequence(positions),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Node, A::Error> {
        let mut values = Map::new();
        let mut entries = Vec::new();
        while let Some(key) = access.next_key::<Spanned<String>>()? {
            let node: Node = access.next_value()?;
            entries.push((
                key.value.clone(),
                Positions {
                    line: line_number(key.referenced.line()),
                    children: node.children,
                },
            ));
            values.insert(key.value, node.value);
        }
        Ok(Node {
            value: Value::Object(values),
            children: Children::Mapping(entries),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn single(text: &str) -> Object {
        let mut manifest = read(text.as_bytes());
        assert!(manifest.problems.is_empty(), "{:?}", manifest.problems);
        assert_eq!(manifest.objects.len(), 1);
        manifest.objects.remove(0)
    }

    #[test]
    fn paths_split_into_names_indices_and_keys() {
        assert_eq!(
            parse_path("spec.containers[0].securityContext"),
            [
                Segment::Key("spec".to_owned()),
                Segment::Key("containers".to_owned()),
                Segment::Index(0),
                Segment::Key("securityContext".to_owned()),
            ]
        );
        for path in [
            "metadata.annotations[a.b/c]",
            r#"metadata.annotations["a.b/c"]"#,
        ] {
            assert_eq!(
                parse_path(path),
                [
                    Segment::Key("metadata".to_owned()),
                    Segment::Key("annotations".to_owned()),
                    Segment::Key("a.b/c".to_owned()),
                ],
                "{path}"
            );
        }
        assert_eq!(parse_path(r#"a["x\"y"].b"#).len(), 3);
        assert!(parse_path("").is_empty());
    }

    #[test]
    fn field_lines_fall_back_to_the_nearest_ancestor() {
        let object = single(
            "kind: Pod\nmetadata:\n  name: web\n  annotations:\n    a.b/c: x\nspec:\n  containers:\n  - name: app\n\n    securityContext:\n      privileged: true\n",
        );
        assert_eq!(object.first_line(), 1);
        assert_eq!(object.line_of_path(""), 1);
        assert_eq!(
            object.line_of_path("spec.containers[0].securityContext.privileged"),
            11
        );
        assert_eq!(
            object.line_of_path("spec.containers[0].securityContext.runAsNonRoot"),
            10
        );
        assert_eq!(object.line_of_path("spec.containers[3].image"), 7);
        assert_eq!(object.line_of_path("metadata.annotations[a.b/c]"), 5);
        assert_eq!(object.line_of_path("status.phase"), 1);
        assert_eq!(object.line_of_pointer("/spec/containers/0/name/"), 8);
        assert_eq!(object.line_of_pointer("/metadata/labels/app/"), 2);
    }

    #[test]
    fn lists_yield_their_items_with_their_lines() {
        let manifest =
            read(b"kind: List\nitems:\n- kind: Pod\n  metadata: {name: a}\n- kind: Service\n");
        let lines: Vec<u32> = manifest.objects.iter().map(Object::first_line).collect();
        assert_eq!(lines, [3, 5]);
        assert_eq!(manifest.objects[0].line_of_path("metadata.name"), 4);
    }

    #[test]
    fn problems_name_their_line() {
        let manifest =
            read(b"kind: Pod\n---\n- a\n---\nkind: Service\nkind: Pod\n---\nkind: Job\n");
        let problems: Vec<u32> = manifest
            .problems
            .iter()
            .map(|problem| problem.line)
            .collect();
        assert_eq!(problems, [3, 6]);
        let kinds: Vec<&str> = manifest
            .objects
            .iter()
            .filter_map(|object| object.value["kind"].as_str())
            .collect();
        assert_eq!(kinds, ["Pod", "Job"]);
    }

    #[test]
    fn depth_bounds_are_conservative() {
        // map → sequence → map → sequence → map → scalar: six levels at indentation 4.
        let nested = b"a:\n- b:\n  - c:\n    - d\n";
        assert!(depth_bound(nested) >= 6);
        assert!(depth_bound(b"[[[[1]]]]") >= 4);
        assert!(depth_bound(b"{\"a\": [\n  {\"b\": [\n    1\n  ]}\n]}\n") >= 4);
        assert_eq!(depth_bound(b"a: &x [1]\nb: *x\n"), usize::MAX);
        assert!(depth_bound(b"pattern: \"?*\"\nverbs: [\"*\"]\n") < INLINE_DEPTH);
    }

    #[test]
    fn invalid_utf8_is_a_problem_on_its_line() {
        let manifest = read(b"kind: Pod\nmetadata:\n  name: \xff\n");
        assert!(manifest.objects.is_empty());
        assert_eq!(manifest.problems[0].line, 3);
    }
}
