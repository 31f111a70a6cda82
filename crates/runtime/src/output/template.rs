//! A rule's `output`, parsed once into literal text and `%field` tokens, and rendered for each
//! alert with the values a field resolver supplies.
//!
//! The syntax follows libsinsp's `sinsp_evt_formatter::set_format` (falcosecurity/libs
//! `userspace/libsinsp/eventformatter.cpp`) and the field-name grammar of its filter parser
//! (`userspace/libsinsp/filter/parser.cpp`, `RGX_FIELDNAME` and `RGX_FIELDARGBARESTR`):
//!
//! - `%name` where a name is two or more dot-separated identifiers (`proc.name`,
//!   `ka.user.name`, `evt.arg.flags`); the name ends at the first character that cannot
//!   continue it, so `(user=%user.name)` is a field then `)`.
//! - `%name[argument]`: a bare argument (`proc.aname[2]`, `jevt.value[/spec/x]`) or a quoted
//!   one (`ka.uri.param["command"]`).
//! - `%20name`: a width; the value is cut or padded with spaces to 20 characters.
//! - A leading `*` is dropped: Falco prefixes every rule output with `*` ("print even when
//!   some values are missing") unless it already starts with one.
//! - There is no escape for a literal `%`; like libsinsp, a `%` that does not start a field is
//!   an error.
//!
//! Missing values print as `<NA>` in the text and become `null` in `output_fields`, as Falco
//! does. Field transformers in outputs (`%tolower(proc.name)`) are refused for now
//! (TODO(#7)): none of the official rules use them.

use std::collections::BTreeMap;
use std::fmt;

/// What Falco prints for a field the event does not have.
pub const NOT_AVAILABLE: &str = "<NA>";

/// The widest `%NNfield` width accepted; wider ones would let a rules file make every alert
/// allocate without bound.
pub const MAX_WIDTH: usize = 4096;

/// A parsed rule output: literal text and field tokens, with the distinct fields it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputTemplate {
    tokens: Vec<Token>,
    fields: Vec<FieldRef>,
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// Text printed as written.
    Literal(String),
    /// A field, as an index into [`OutputTemplate::fields`], with an optional width.
    Field { field: usize, width: Option<usize> },
}

/// A field named by a template: its name and optional `[argument]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldRef {
    name: String,
    argument: Option<String>,
}

impl FieldRef {
    /// The field's name, such as `ka.user.name`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The argument between brackets, such as `2` in `proc.aname[2]`, without quotes.
    pub fn argument(&self) -> Option<&str> {
        self.argument.as_deref()
    }
}

/// The key Falco uses in `output_fields`: `name` or `name[argument]`.
impl fmt::Display for FieldRef {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.argument {
            Some(argument) => write!(formatter, "{}[{argument}]", self.name),
            None => formatter.write_str(&self.name),
        }
    }
}

/// The value of one field of an event, typed as Falco's JSON output types it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// A string, printed as is and a JSON string.
    Text(String),
    /// A signed number (`user.loginuid` is `-1` when unset).
    Integer(i64),
    /// An unsigned number (`evt.time` in nanoseconds, `proc.tty`).
    Unsigned(u64),
    /// A boolean, printed `true` or `false`.
    Bool(bool),
    /// A list field (`ka.req.pod.containers.image`), printed `(a,b)` as libsinsp prints list
    /// values, and a JSON array of strings.
    List(Vec<String>),
}

impl FieldValue {
    /// Appends the value as Falco prints it in a text output.
    fn write_text(&self, out: &mut String) {
        use fmt::Write as _;
        // Writing to a String cannot fail.
        let _ = match self {
            Self::Text(text) => out.write_str(text),
            Self::Integer(number) => write!(out, "{number}"),
            Self::Unsigned(number) => write!(out, "{number}"),
            Self::Bool(value) => write!(out, "{value}"),
            Self::List(items) => write!(out, "({})", items.join(",")),
        };
    }
}

impl From<String> for FieldValue {
    fn from(text: String) -> Self {
        Self::Text(text)
    }
}

impl From<&str> for FieldValue {
    fn from(text: &str) -> Self {
        Self::Text(text.to_owned())
    }
}

impl From<i64> for FieldValue {
    fn from(number: i64) -> Self {
        Self::Integer(number)
    }
}

impl From<u64> for FieldValue {
    fn from(number: u64) -> Self {
        Self::Unsigned(number)
    }
}

impl From<bool> for FieldValue {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl serde::Serialize for FieldValue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(text) => serializer.serialize_str(text),
            Self::Integer(number) => serializer.serialize_i64(*number),
            Self::Unsigned(number) => serializer.serialize_u64(*number),
            Self::Bool(value) => serializer.serialize_bool(*value),
            Self::List(items) => serializer.collect_seq(items),
        }
    }
}

/// A template rendered for one event: the message and the values of its fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The output text, missing values as `<NA>`.
    pub message: String,
    /// Each field by its `output_fields` key (see [`FieldRef`]'s `Display`); `None` when the
    /// event does not have it (`null` in JSON).
    pub fields: BTreeMap<String, Option<FieldValue>>,
}

impl OutputTemplate {
    /// Parses a rule's `output`.
    pub fn parse(text: &str) -> Result<Self, TemplateError> {
        Parser::new(text).parse()
    }

    /// The distinct fields the template names, in order of first appearance: what the
    /// loader checks against the source's field registry and what fills `output_fields`.
    pub fn fields(&self) -> &[FieldRef] {
        &self.fields
    }

    /// Renders the template, asking `resolve` once per distinct field for its value
    /// (`None` when the event does not have it).
    pub fn render<F>(&self, mut resolve: F) -> Rendered
    where
        F: FnMut(&str, Option<&str>) -> Option<FieldValue>,
    {
        let values: Vec<Option<FieldValue>> = self
            .fields
            .iter()
            .map(|field| resolve(field.name(), field.argument()))
            .collect();
        let mut message = String::new();
        for token in &self.tokens {
            match token {
                Token::Literal(text) => message.push_str(text),
                Token::Field { field, width } => {
                    let start = message.len();
                    match values.get(*field).and_then(Option::as_ref) {
                        Some(value) => value.write_text(&mut message),
                        None => message.push_str(NOT_AVAILABLE),
                    }
                    if let Some(width) = *width {
                        fit_to_width(&mut message, start, width);
                    }
                }
            }
        }
        let fields = self
            .fields
            .iter()
            .zip(values)
            .map(|(field, value)| (field.to_string(), value))
            .collect();
        Rendered { message, fields }
    }
}

/// Cuts or pads with spaces what follows `start` in `message` to `width` characters, as
/// libsinsp's `std::string::resize(width, ' ')` does (by characters here, so UTF-8 stays
/// whole).
fn fit_to_width(message: &mut String, start: usize, width: usize) {
    let written = message.get(start..).unwrap_or_default();
    if let Some((cut, _)) = written.char_indices().nth(width) {
        message.truncate(start + cut);
    } else {
        let missing = width.saturating_sub(written.chars().count());
        message.extend(std::iter::repeat_n(' ', missing));
    }
}

/// A rule output that is not a valid template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid output at byte {position}: {kind}")]
pub struct TemplateError {
    /// Byte offset of the problem in the output text as written (before the leading `*`
    /// is dropped).
    pub position: usize,
    /// What is wrong.
    pub kind: TemplateErrorKind,
}

/// What is wrong with a rule output.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateErrorKind {
    /// The output ends with `%`.
    #[error("output cannot end with a %")]
    TrailingPercent,
    /// The output ends with `%` and a width.
    #[error("output cannot end with a width")]
    TrailingWidth,
    /// A width larger than [`MAX_WIDTH`].
    #[error("width {width} is larger than {MAX_WIDTH}")]
    WidthTooLarge {
        /// The width as written (saturated at `usize::MAX`).
        width: usize,
    },
    /// `%` is not followed by a field name (`a.b`); `%` has no escape.
    #[error("`%` must be followed by a field name such as proc.name, found `{found}`")]
    NotAField {
        /// What follows the `%`, up to the next space.
        found: String,
    },
    /// A field transformer such as `%tolower(proc.name)`.
    #[error("field transformer `{name}(...)` is not supported in outputs")]
    Transformer {
        /// The transformer's name.
        name: String,
    },
    /// `[` without its `]`, or an empty or malformed argument.
    #[error("field argument of `{field}` must be a non-empty word or quoted string closed by ]")]
    BadArgument {
        /// The field whose argument is malformed.
        field: String,
    },
}

/// A one-pass parser over a rule output's bytes.
struct Parser<'a> {
    text: &'a str,
    position: usize,
    tokens: Vec<Token>,
    fields: Vec<FieldRef>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            position: 0,
            tokens: Vec::new(),
            fields: Vec::new(),
        }
    }

    fn parse(mut self) -> Result<OutputTemplate, TemplateError> {
        if self.text.starts_with('*') {
            self.position = 1;
        }
        while let Some(offset) = self.rest().find('%') {
            let literal_end = self.position + offset;
            self.push_literal(literal_end);
            self.position = literal_end + 1;
            self.parse_field(literal_end)?;
        }
        self.push_literal(self.text.len());
        Ok(OutputTemplate {
            tokens: self.tokens,
            fields: self.fields,
        })
    }

    fn rest(&self) -> &'a str {
        self.text.get(self.position..).unwrap_or_default()
    }

    fn error(position: usize, kind: TemplateErrorKind) -> TemplateError {
        TemplateError { position, kind }
    }

    fn push_literal(&mut self, end: usize) {
        if let Some(text) = self.text.get(self.position..end).filter(|t| !t.is_empty()) {
            self.tokens.push(Token::Literal(text.to_owned()));
        }
    }

    /// Parses what follows a `%` at `percent`: an optional width, a name, an optional
    /// argument.
    fn parse_field(&mut self, percent: usize) -> Result<(), TemplateError> {
        if self.rest().is_empty() {
            return Err(Self::error(percent, TemplateErrorKind::TrailingPercent));
        }
        let width = self.parse_width(percent)?;
        let name_start = self.position;
        let name = self.take_while(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
        let mut segments = 1;
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(self.not_a_field(name_start));
        }
        // Further `.identifier` segments; a `.` not followed by a letter ends the name.
        while self.rest().starts_with('.')
            && self
                .rest()
                .as_bytes()
                .get(1)
                .is_some_and(u8::is_ascii_alphabetic)
        {
            self.position += 1;
            self.take_while(|byte| byte.is_ascii_alphanumeric() || byte == b'_');
            segments += 1;
        }
        let name = self.text.get(name_start..self.position).unwrap_or_default();
        if segments < 2 {
            return Err(if self.rest().starts_with('(') {
                Self::error(
                    name_start,
                    TemplateErrorKind::Transformer {
                        name: name.to_owned(),
                    },
                )
            } else {
                self.not_a_field(name_start)
            });
        }
        let name = name.to_owned();
        let argument = if self.rest().starts_with('[') {
            Some(self.parse_argument(&name)?)
        } else {
            None
        };
        let field = FieldRef { name, argument };
        let index = if let Some(index) = self.fields.iter().position(|known| *known == field) {
            index
        } else {
            self.fields.push(field);
            self.fields.len() - 1
        };
        self.tokens.push(Token::Field {
            field: index,
            width,
        });
        Ok(())
    }

    fn parse_width(&mut self, percent: usize) -> Result<Option<usize>, TemplateError> {
        let digits = self.take_while(|byte| byte.is_ascii_digit());
        if digits.is_empty() {
            return Ok(None);
        }
        if self.rest().is_empty() {
            return Err(Self::error(percent, TemplateErrorKind::TrailingWidth));
        }
        let width = digits.parse::<usize>().unwrap_or(usize::MAX);
        if width > MAX_WIDTH {
            return Err(Self::error(
                percent,
                TemplateErrorKind::WidthTooLarge { width },
            ));
        }
        // libsinsp treats a zero width as no width.
        Ok((width > 0).then_some(width))
    }

    /// Parses `[argument]` at the current position (on the `[`).
    fn parse_argument(&mut self, field: &str) -> Result<String, TemplateError> {
        let open = self.position;
        let bad = || {
            Self::error(
                open,
                TemplateErrorKind::BadArgument {
                    field: field.to_owned(),
                },
            )
        };
        self.position += 1;
        let argument = match self.rest().chars().next() {
            Some(quote @ ('"' | '\'')) => {
                self.position += 1;
                let end = self.rest().find(quote).ok_or_else(bad)?;
                let quoted = self.rest().get(..end).unwrap_or_default().to_owned();
                self.position += end + 1;
                quoted
            }
            _ => self
                .take_while(|byte| {
                    !matches!(byte, b'[' | b']' | b'"' | b'\'') && !byte.is_ascii_whitespace()
                })
                .to_owned(),
        };
        if argument.is_empty() || !self.rest().starts_with(']') {
            return Err(bad());
        }
        self.position += 1;
        Ok(argument)
    }

    /// Advances over the ASCII bytes matching `keep` and returns them.
    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a str {
        let rest = self.rest();
        let length = rest.bytes().take_while(|byte| keep(*byte)).count();
        self.position += length;
        rest.get(..length).unwrap_or_default()
    }

    fn not_a_field(&self, start: usize) -> TemplateError {
        let found = self
            .text
            .get(start..)
            .unwrap_or_default()
            .split(char::is_whitespace)
            .next()
            .unwrap_or_default()
            .chars()
            .take(64)
            .collect();
        Self::error(start, TemplateErrorKind::NotAField { found })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn width_cuts_and_pads_by_characters() {
        let mut text = String::from("x:héllo");
        fit_to_width(&mut text, 2, 2);
        assert_eq!(text, "x:hé");
        let mut text = String::from("x:ab");
        fit_to_width(&mut text, 2, 4);
        assert_eq!(text, "x:ab  ");
    }

    #[test]
    fn repeated_field_is_listed_once() {
        let template = OutputTemplate::parse("%a.b %a.b %a.b[1]").expect("valid template");
        assert_eq!(template.fields().len(), 2);
    }
}
