//! Evaluating compiled conditions on events, with libsinsp's semantics: a missing value makes
//! every comparison false (only `exists` and `not` see it), list fields answer `in` (every
//! value in the set) and `intersects` (some value in the set), strings compare byte-wise,
//! `regex` matches the whole value.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::HashSet;

use globset::GlobMatcher;
use memchr::memmem;
use regex::Regex;
use serde_json::Value;

use super::compile::{CompiledField, Extractor};
use crate::condition::{BinaryOp, Transformer};
use crate::fields::FieldValue;

/// A compiled condition.
#[derive(Debug, Clone)]
pub enum Node {
    /// Every child holds.
    All(Vec<Node>),
    /// Some child holds.
    Any(Vec<Node>),
    /// The child does not hold.
    Not(Box<Node>),
    /// A field test.
    Check(Box<FieldCheck>),
}

/// A test on one field.
#[derive(Debug, Clone)]
pub struct FieldCheck {
    /// The field.
    pub field: CompiledField,
    /// The test on its value.
    pub test: Test,
}

/// A test on one field's value.
#[derive(Debug, Clone)]
pub enum Test {
    /// `exists`.
    Exists,
    /// A string test.
    Text(Box<TextTest>),
    /// A numeric comparison.
    Number {
        /// `=`, `!=` or an ordering.
        op: BinaryOp,
        /// The right-hand side.
        value: i128,
    },
    /// A boolean (in)equality.
    Bool {
        /// `=` rather than `!=`.
        equal: bool,
        /// The right-hand side.
        value: bool,
    },
    /// `in` / `intersects`: membership in a set. For list fields `in` needs every value in
    /// the set (`all`), `intersects` one.
    Set {
        /// Every value must be a member.
        all: bool,
        /// The set.
        members: HashSet<String>,
    },
    /// `pmatch`: the value is one of the paths or below one. The paths are kept without a
    /// trailing `/` in a set, and a value is tested by looking up itself and each of its
    /// ancestors: as many lookups as the value has components, however many paths there are.
    PathPrefix(HashSet<String>),
    /// A comparison with another field of the same event (`val(f)`).
    Field {
        /// The operator.
        op: BinaryOp,
        /// The other field.
        other: Box<CompiledField>,
    },
}

/// A test on a string value.
#[derive(Debug, Clone)]
pub enum TextTest {
    /// `=`.
    Equal(String),
    /// `!=`.
    NotEqual(String),
    /// `<`, `<=`, `>`, `>=` on strings, byte-wise.
    Order(BinaryOp, String),
    /// `contains`.
    Contains(memmem::Finder<'static>),
    /// `icontains`, the needle lowercased.
    IContains(String),
    /// `startswith`.
    StartsWith(String),
    /// `endswith`.
    EndsWith(String),
    /// `bcontains`.
    BytesContain(Vec<u8>),
    /// `bstartswith`.
    BytesStartWith(Vec<u8>),
    /// `glob` / `iglob`.
    Glob(GlobMatcher),
    /// `regex`, anchored at both ends.
    Regex(Regex),
}

/// An event a condition is evaluated on.
pub trait Event {
    /// The value of `extractor`'s field on this event.
    fn extract(&self, extractor: &Extractor) -> FieldValue<'_>;
}

impl Event for Value {
    fn extract(&self, extractor: &Extractor) -> FieldValue<'_> {
        match extractor {
            Extractor::K8sAudit(audit) => audit.extract(self),
            Extractor::Unavailable(_) => FieldValue::Missing,
        }
    }
}

/// One event and the values of its fields extracted so far: each field is extracted at most
/// once per event, whichever rules and outputs ask for it.
pub struct Values<'e, E> {
    event: &'e E,
    cache: Vec<OnceCell<FieldValue<'e>>>,
}

/// What a field without a cache slot reads as; compiled fields always have one.
static MISSING: FieldValue<'static> = FieldValue::Missing;

impl<'e, E: Event> Values<'e, E> {
    /// An empty cache of `slots` fields for `event`.
    pub fn new(event: &'e E, slots: usize) -> Self {
        Self {
            event,
            cache: std::iter::repeat_with(OnceCell::new).take(slots).collect(),
        }
    }

    /// The value of `field`, transformers applied, extracted on first use.
    pub fn get(&self, field: &CompiledField) -> &FieldValue<'e> {
        self.cache.get(field.slot).map_or(&MISSING, |cell| {
            cell.get_or_init(|| {
                let mut value = self.event.extract(&field.extractor);
                for transformer in &field.transformers {
                    value = transform(*transformer, value);
                }
                value
            })
        })
    }
}

impl Node {
    /// Whether the condition holds on the event of `values`.
    pub fn holds<E: Event>(&self, values: &Values<'_, E>) -> bool {
        match self {
            Node::All(children) => children.iter().all(|child| child.holds(values)),
            Node::Any(children) => children.iter().any(|child| child.holds(values)),
            Node::Not(child) => !child.holds(values),
            Node::Check(check) => check.test.holds(values.get(&check.field), values),
        }
    }
}

/// Applies one transformer; a value it cannot transform becomes missing (libsinsp fails the
/// extraction).
fn transform(transformer: Transformer, value: FieldValue<'_>) -> FieldValue<'_> {
    match (transformer, value) {
        (Transformer::Len, FieldValue::List(items)) => FieldValue::U64(items.len() as u64),
        (Transformer::Len, FieldValue::Str(text)) => FieldValue::U64(text.len() as u64),
        (transformer, FieldValue::List(items)) => FieldValue::List(
            items
                .into_iter()
                .map(|item| transform(transformer, item))
                .collect(),
        ),
        (Transformer::ToLower, FieldValue::Str(text)) => {
            FieldValue::Str(Cow::Owned(text.to_lowercase()))
        }
        (Transformer::ToUpper, FieldValue::Str(text)) => {
            FieldValue::Str(Cow::Owned(text.to_uppercase()))
        }
        (Transformer::Basename, FieldValue::Str(text)) => {
            let base = text.rsplit('/').next().unwrap_or_default().to_owned();
            FieldValue::Str(Cow::Owned(base))
        }
        (Transformer::Base64, FieldValue::Str(text)) => {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD
                .decode(text.as_bytes())
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .map_or(FieldValue::Missing, |decoded| {
                    FieldValue::Str(Cow::Owned(decoded))
                })
        }
        _ => FieldValue::Missing,
    }
}

impl Test {
    fn holds<E: Event>(&self, value: &FieldValue<'_>, values: &Values<'_, E>) -> bool {
        match (self, value) {
            (_, FieldValue::Missing) => false,
            (Test::Exists, _) => true,
            (Test::Set { all, members }, FieldValue::List(items)) => {
                let member = |item: &FieldValue<'_>| {
                    text_of(item).is_some_and(|text| members.contains(text.as_ref()))
                };
                if *all {
                    items.iter().all(member)
                } else {
                    items.iter().any(member)
                }
            }
            (_, FieldValue::List(_)) => false,
            (Test::Set { members, .. }, single) => {
                text_of(single).is_some_and(|text| members.contains(text.as_ref()))
            }
            (Test::PathPrefix(prefixes), single) => text_of(single).is_some_and(|path| {
                let mut ancestor = path.as_ref();
                loop {
                    if prefixes.contains(ancestor) {
                        return true;
                    }
                    match ancestor.rfind('/') {
                        Some(slash) => ancestor = ancestor.get(..slash).unwrap_or_default(),
                        None => return false,
                    }
                }
            }),
            (Test::Text(text_test), FieldValue::Str(value)) => text_test.holds(value),
            (Test::Text(text_test), other) => {
                text_of(other).is_some_and(|value| text_test.holds(&value))
            }
            (Test::Number { op, value: right }, single) => {
                number_of(single).is_some_and(|left| compare(*op, left.cmp(right)))
            }
            (
                Test::Bool {
                    equal,
                    value: right,
                },
                FieldValue::Bool(left),
            ) => (left == right) == *equal,
            (Test::Bool { .. }, _) => false,
            (Test::Field { op, other }, single) => {
                let other = values.get(other);
                match (text_of(single), text_of(other)) {
                    (Some(left), Some(right)) => match op {
                        BinaryOp::Eq => left == right,
                        BinaryOp::Ne => left != right,
                        BinaryOp::Contains => left.contains(right.as_ref()),
                        BinaryOp::StartsWith => left.starts_with(right.as_ref()),
                        BinaryOp::EndsWith => left.ends_with(right.as_ref()),
                        op if op.is_numeric() => match (number_of(single), number_of(other)) {
                            (Some(left), Some(right)) => compare(*op, left.cmp(&right)),
                            _ => compare(*op, left.cmp(&right)),
                        },
                        _ => false,
                    },
                    _ => false,
                }
            }
        }
    }
}

impl TextTest {
    fn holds(&self, text: &str) -> bool {
        match self {
            TextTest::Equal(right) => text == right,
            TextTest::NotEqual(right) => text != right,
            TextTest::Order(op, right) => compare(*op, text.cmp(right.as_str())),
            TextTest::Contains(finder) => finder.find(text.as_bytes()).is_some(),
            TextTest::IContains(needle) => text.to_lowercase().contains(needle.as_str()),
            TextTest::StartsWith(prefix) => text.starts_with(prefix.as_str()),
            TextTest::EndsWith(suffix) => text.ends_with(suffix.as_str()),
            TextTest::BytesContain(bytes) => memmem::find(text.as_bytes(), bytes).is_some(),
            TextTest::BytesStartWith(bytes) => text.as_bytes().starts_with(bytes),
            TextTest::Glob(matcher) => matcher.is_match(text),
            TextTest::Regex(regex) => regex.is_match(text),
        }
    }
}

/// Whether `ordering` satisfies the operator.
fn compare(op: BinaryOp, ordering: std::cmp::Ordering) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match op {
        BinaryOp::Eq => ordering == Equal,
        BinaryOp::Ne => ordering != Equal,
        BinaryOp::Lt => ordering == Less,
        BinaryOp::Le => ordering != Greater,
        BinaryOp::Gt => ordering == Greater,
        BinaryOp::Ge => ordering != Less,
        _ => false,
    }
}

/// A scalar value as text, for string tests and set membership.
fn text_of<'v>(value: &'v FieldValue<'_>) -> Option<Cow<'v, str>> {
    match value {
        FieldValue::Str(text) => Some(Cow::Borrowed(text.as_ref())),
        FieldValue::U64(number) => Some(Cow::Owned(number.to_string())),
        FieldValue::I64(number) => Some(Cow::Owned(number.to_string())),
        FieldValue::Bool(flag) => Some(Cow::Borrowed(if *flag { "true" } else { "false" })),
        FieldValue::Missing | FieldValue::List(_) => None,
    }
}

/// A scalar value as a number: numbers, and text holding one (the audit fields are text).
fn number_of(value: &FieldValue<'_>) -> Option<i128> {
    match value {
        FieldValue::U64(number) => Some(i128::from(*number)),
        FieldValue::I64(number) => Some(i128::from(*number)),
        FieldValue::Str(text) => text.trim().parse().ok(),
        _ => None,
    }
}
