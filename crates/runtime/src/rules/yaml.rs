//! A YAML document tree with a position on every node, built from the events of the parser
//! under serde-saphyr (`granit_parser`).
//!
//! Falco reads rules files with yaml-cpp into untyped nodes and decodes each key on demand, so
//! its errors depend on the node's shape (scalar, sequence, mapping, null) rather than on a
//! schema. [`Node`] keeps exactly that: scalars stay text (a plain `0755` is not turned into a
//! number), and the reader in [`super::items`] decodes them the way yaml-cpp's `as<T>` does.
//! Anchors and aliases are expanded here, charged against a budget of nodes and scalar bytes so
//! an alias bomb ends in an error instead of exhausting memory; the parser itself caps nesting.

use std::collections::HashMap;

use serde_saphyr::granit_parser::{Event, Marker, Parser, ScalarStyle};

/// Line and column (both from 1) of a node or an error in a rules file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Line, counted from 1; 0 when the position refers to the whole file.
    pub line: u32,
    /// Column, counted from 1; 0 when the position refers to the whole file.
    pub column: u32,
}

impl Position {
    fn from_marker(marker: &Marker) -> Self {
        Self {
            line: u32::try_from(marker.line()).unwrap_or(u32::MAX),
            column: u32::try_from(marker.col().saturating_add(1)).unwrap_or(u32::MAX),
        }
    }
}

/// One YAML node with where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) kind: NodeKind,
    pub(crate) position: Position,
}

/// The three YAML node shapes; nulls are plain scalars spelled as YAML nulls (see
/// [`Node::is_null`]).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum NodeKind {
    /// A scalar's text after escape processing; `plain` when it was written unquoted.
    Scalar {
        text: String,
        plain: bool,
    },
    Sequence(Vec<Node>),
    /// Key/value pairs in file order (yaml-cpp's lookup returns the first match).
    Mapping(Vec<(Node, Node)>),
}

impl Node {
    /// yaml-cpp's `IsNull`: an unquoted empty, `~` or `null` scalar.
    pub(crate) fn is_null(&self) -> bool {
        matches!(&self.kind, NodeKind::Scalar { text, plain: true }
            if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// The scalar text, when this node is a non-null scalar.
    pub(crate) fn scalar(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } if !self.is_null() => Some(text),
            _ => None,
        }
    }

    /// The value of the first entry whose key is the scalar `key`, when this is a mapping.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Mapping(entries) => entries
                .iter()
                .find(|(name, _)| name.scalar() == Some(key))
                .map(|(_, value)| value),
            _ => None,
        }
    }
}

/// Why a YAML text could not be turned into documents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    /// The parser's description (or ours, for an exceeded budget).
    pub(crate) message: String,
    pub(crate) position: Position,
}

/// Most nodes (counting every alias expansion) one rules file may produce; the largest
/// official file (`falco-sandbox_rules.yaml`, under 100 KiB) is far below.
const MAX_NODES: usize = 1_000_000;

/// Most scalar bytes (counting every alias expansion) one rules file may produce.
const MAX_SCALAR_BYTES: usize = 64 << 20;

/// A collection being filled while its events arrive.
enum Frame {
    Sequence {
        items: Vec<Node>,
        position: Position,
        anchor: usize,
    },
    Mapping {
        entries: Vec<(Node, Node)>,
        key: Option<Node>,
        position: Position,
        anchor: usize,
    },
}

/// What one expanded subtree cost, to charge again on each alias of it.
#[derive(Clone, Copy, Default)]
struct Cost {
    nodes: usize,
    bytes: usize,
}

/// Builds one document at a time from parser events.
struct Builder {
    stack: Vec<Frame>,
    anchors: HashMap<usize, (Node, Cost)>,
    /// Cost of what each open frame holds so far, parallel to `stack`.
    costs: Vec<Cost>,
    total: Cost,
    documents: Vec<Option<Node>>,
    root: Option<Node>,
}

impl Builder {
    fn charge(&mut self, cost: Cost, position: Position) -> Result<(), SyntaxError> {
        self.total.nodes = self.total.nodes.saturating_add(cost.nodes);
        self.total.bytes = self.total.bytes.saturating_add(cost.bytes);
        if self.total.nodes > MAX_NODES || self.total.bytes > MAX_SCALAR_BYTES {
            return Err(SyntaxError {
                message: format!(
                    "document too large: more than {MAX_NODES} nodes or {MAX_SCALAR_BYTES} \
                     scalar bytes after alias expansion"
                ),
                position,
            });
        }
        Ok(())
    }

    /// Places a finished node into its parent (or as the document root), recording its anchor.
    fn finish(&mut self, node: Node, anchor: usize, cost: Cost) {
        if anchor != 0 {
            self.anchors.insert(anchor, (node.clone(), cost));
        }
        if let Some(parent) = self.costs.last_mut() {
            parent.nodes = parent.nodes.saturating_add(cost.nodes);
            parent.bytes = parent.bytes.saturating_add(cost.bytes);
        }
        match self.stack.last_mut() {
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                Some(name) => entries.push((name, node)),
                None => *key = Some(node),
            },
            None => self.root = Some(node),
        }
    }

    fn event(&mut self, event: Event<'_>, position: Position) -> Result<(), SyntaxError> {
        match event {
            Event::DocumentStart(..) => {
                self.anchors.clear();
                self.root = None;
            }
            Event::DocumentEnd => self.documents.push(self.root.take()),
            Event::Scalar(text, style, anchor, _) => {
                let cost = Cost {
                    nodes: 1,
                    bytes: text.len(),
                };
                self.charge(cost, position)?;
                let node = Node {
                    kind: NodeKind::Scalar {
                        text: text.into_owned(),
                        plain: style == ScalarStyle::Plain,
                    },
                    position,
                };
                self.finish(node, anchor, cost);
            }
            Event::SequenceStart(_, anchor, _) => {
                self.charge(Cost { nodes: 1, bytes: 0 }, position)?;
                self.stack.push(Frame::Sequence {
                    items: Vec::new(),
                    position,
                    anchor,
                });
                self.costs.push(Cost { nodes: 1, bytes: 0 });
            }
            Event::MappingStart(_, anchor, _) => {
                self.charge(Cost { nodes: 1, bytes: 0 }, position)?;
                self.stack.push(Frame::Mapping {
                    entries: Vec::new(),
                    key: None,
                    position,
                    anchor,
                });
                self.costs.push(Cost { nodes: 1, bytes: 0 });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let cost = self.costs.pop().unwrap_or_default();
                let (node, anchor) = match self.stack.pop() {
                    Some(Frame::Sequence {
                        items,
                        position,
                        anchor,
                    }) => (
                        Node {
                            kind: NodeKind::Sequence(items),
                            position,
                        },
                        anchor,
                    ),
                    Some(Frame::Mapping {
                        entries,
                        position,
                        anchor,
                        ..
                    }) => (
                        Node {
                            kind: NodeKind::Mapping(entries),
                            position,
                        },
                        anchor,
                    ),
                    None => return Ok(()),
                };
                self.finish(node, anchor, cost);
            }
            Event::Alias(anchor) => {
                let Some((node, cost)) = self.anchors.get(&anchor).cloned() else {
                    return Err(SyntaxError {
                        message: "alias to an unknown anchor".to_owned(),
                        position,
                    });
                };
                self.charge(cost, position)?;
                let node = Node { position, ..node };
                self.finish(node, 0, cost);
            }
            _ => {}
        }
        Ok(())
    }
}

/// Parses every document of `text`; a document with no content is `None` or a null scalar,
/// which the loader skips as Falco does.
pub(crate) fn parse_documents(text: &str) -> Result<Vec<Option<Node>>, SyntaxError> {
    let mut builder = Builder {
        stack: Vec::new(),
        anchors: HashMap::new(),
        costs: Vec::new(),
        total: Cost::default(),
        documents: Vec::new(),
        root: None,
    };
    for result in Parser::new_from_str(text) {
        match result {
            Ok((event, span)) => builder.event(event, Position::from_marker(&span.start))?,
            Err(error) => {
                return Err(SyntaxError {
                    message: error.info(),
                    position: Position::from_marker(error.marker()),
                });
            }
        }
    }
    Ok(builder.documents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Node {
        let mut documents = parse_documents(text).expect("valid YAML");
        assert_eq!(documents.len(), 1);
        documents.remove(0).expect("a document with content")
    }

    #[test]
    fn positions_are_one_based() {
        let root = one("- rule: a\n  condition: evt.type = open\n");
        let NodeKind::Sequence(items) = &root.kind else {
            panic!("not a sequence: {root:?}")
        };
        let item = &items[0];
        assert_eq!(item.position, Position { line: 1, column: 3 });
        let condition = item.get("condition").expect("condition");
        assert_eq!(condition.scalar(), Some("evt.type = open"));
        assert_eq!(
            condition.position,
            Position {
                line: 2,
                column: 14
            }
        );
    }

    #[test]
    fn scalars_stay_text_and_nulls_are_recognised() {
        let root = one("a: 0755\nb:\nc: ''\nd: ~\n");
        assert_eq!(root.get("a").and_then(Node::scalar), Some("0755"));
        assert!(root.get("b").expect("b").is_null());
        assert!(!root.get("c").expect("c").is_null());
        assert!(root.get("d").expect("d").is_null());
    }

    #[test]
    fn documents_and_empty_documents() {
        let documents = parse_documents("- a: 1\n---\n---\n- b: 2\n").expect("valid");
        assert_eq!(documents.len(), 3);
        assert!(documents[1].as_ref().is_none_or(Node::is_null));
        assert!(parse_documents("").expect("empty").is_empty());
    }

    #[test]
    fn aliases_expand_within_a_budget() {
        let root = one("a: &x [1, 2]\nb: *x\n");
        assert_eq!(
            root.get("a").map(|n| &n.kind),
            root.get("b").map(|n| &n.kind)
        );
        // Each level doubles the tree: 2^40 nodes must stop at the budget, not in memory.
        let bomb: String = std::iter::once("l0: &l0 [x, x]\n".to_owned())
            .chain((1..40).map(|level| {
                let previous = level - 1;
                format!("l{level}: &l{level} [*l{previous}, *l{previous}]\n")
            }))
            .collect();
        let error = parse_documents(&bomb).expect_err("alias bomb");
        assert!(error.message.contains("too large"), "{error:?}");
    }

    #[test]
    fn syntax_errors_carry_positions() {
        let error = parse_documents("this : is : not : yaml").expect_err("invalid");
        assert_eq!(error.position.line, 1);
        assert!(error.position.column > 1, "{error:?}");
    }
}
