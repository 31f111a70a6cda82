//! Compiling an expanded condition against the field registry of its rule's source into the
//! evaluator's [`Node`] tree, as libsinsp's filter compiler does: every field resolved once,
//! every right-hand side parsed once into the form its operator needs (hash sets for `in` and
//! `intersects`, a substring finder for `contains`, a compiled glob or regex), and the checks
//! Falco refuses at load time refused here with the field and operator named.

use std::collections::{HashMap, HashSet};

use globset::{GlobBuilder, GlobMatcher};
use memchr::memmem;
use regex::Regex;

use super::eval::{FieldCheck, Node, Test, TextTest};
use crate::condition::{BinaryOp, Check, Expr, Literal, Operand, Transformer, UnaryOp};
use crate::fields::{FieldInfo, FieldType, K8sAuditExtractor, ResolveError, Source, resolve};

/// Why a condition does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CompileError {
    /// A field the source does not have, or a bad argument.
    #[error(transparent)]
    Field(#[from] ResolveError),
    /// An operator the field's type does not support.
    #[error("operator `{op}` is not supported on field `{field}` ({kind})")]
    Operator {
        /// The field.
        field: String,
        /// The operator as written.
        op: String,
        /// The field's type, and `list` for list fields.
        kind: String,
    },
    /// A value that cannot be read as the field's type.
    #[error("`{value}` is not a valid {kind} value for field `{field}`")]
    Value {
        /// The field.
        field: String,
        /// The value as written.
        value: String,
        /// The field's type.
        kind: &'static str,
    },
    /// A macro name left after expansion (expansion reports undefined macros first).
    #[error("undefined macro `{0}`")]
    Macro(String),
    /// A glob or regular expression that does not compile.
    #[error("invalid pattern `{pattern}`: {message}")]
    Pattern {
        /// The pattern as written.
        pattern: String,
        /// The compiler's message.
        message: String,
    },
}

/// How a compiled field gets its value from an event.
#[derive(Debug, Clone)]
pub enum Extractor {
    /// A `ka.*`/`jevt.*` field, read from the audit event.
    K8sAudit(K8sAuditExtractor),
    /// A field of a source whose events this engine does not produce yet (syscalls, until the
    /// sensor): registered and type-checked, never extracted.
    Unavailable(&'static FieldInfo),
}

impl Extractor {
    /// Resolves `name[arg]` for `source`.
    ///
    /// # Errors
    ///
    /// [`ResolveError`] when the source has no such field or the argument is wrong.
    pub fn new(source: Source, name: &str, arg: Option<&str>) -> Result<Self, ResolveError> {
        match source {
            Source::K8sAudit => K8sAuditExtractor::new(name, arg).map(Self::K8sAudit),
            Source::Syscall => {
                let token = match arg {
                    Some(argument) => format!("{name}[{argument}]"),
                    None => name.to_owned(),
                };
                resolve(source, &token).map(|field| Self::Unavailable(field.info))
            }
        }
    }

    /// The field's registry entry.
    #[must_use]
    pub fn info(&self) -> &'static FieldInfo {
        match self {
            Self::K8sAudit(extractor) => extractor.info(),
            Self::Unavailable(info) => info,
        }
    }
}

/// A field with its transformers, compiled.
#[derive(Debug, Clone)]
pub struct CompiledField {
    /// How to get the raw value.
    pub extractor: Extractor,
    /// Transformers, innermost first (the order they apply in).
    pub transformers: Vec<Transformer>,
    /// Its place in the per-event cache of values: every check and output of every rule that
    /// names the same field with the same argument and transformers shares it, so an event's
    /// `ka.verb` is extracted once however many rules test it.
    pub slot: usize,
}

/// The cache slots of the fields compiled so far, by field, argument and transformers.
#[derive(Debug, Default)]
pub struct FieldSlots(HashMap<(Source, String, Option<String>, Vec<Transformer>), usize>);

impl FieldSlots {
    /// How many distinct fields were compiled: the size of an event's cache.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether no field was compiled.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Compiles `name[arg]` with `transformers` (innermost first) for `source`.
    ///
    /// # Errors
    ///
    /// [`ResolveError`] when the source has no such field or the argument is wrong.
    pub fn field(
        &mut self,
        source: Source,
        name: &str,
        arg: Option<&str>,
        transformers: Vec<Transformer>,
    ) -> Result<CompiledField, ResolveError> {
        let extractor = Extractor::new(source, name, arg)?;
        let next = self.0.len();
        let key = (
            source,
            name.to_owned(),
            arg.map(str::to_owned),
            transformers.clone(),
        );
        let slot = *self.0.entry(key).or_insert(next);
        Ok(CompiledField {
            extractor,
            transformers,
            slot,
        })
    }
}

/// Compiles `expr` (macros expanded) for rules of `source`, its fields given slots in `slots`.
///
/// # Errors
///
/// The first [`CompileError`] found, depth first.
pub fn compile(expr: &Expr, source: Source, slots: &mut FieldSlots) -> Result<Node, CompileError> {
    Compiler { source, slots }.node(expr)
}

/// One condition being compiled.
struct Compiler<'s> {
    source: Source,
    slots: &'s mut FieldSlots,
}

impl Compiler<'_> {
    fn node(&mut self, expr: &Expr) -> Result<Node, CompileError> {
        Ok(match expr {
            Expr::And(children) => Node::All(self.all(children)?),
            Expr::Or(children) => Node::Any(self.all(children)?),
            Expr::Not(child) => Node::Not(Box::new(self.node(child)?)),
            Expr::Macro { name, .. } => return Err(CompileError::Macro(name.clone())),
            Expr::Unary {
                check,
                op: UnaryOp::Exists,
                ..
            } => Node::Check(Box::new(FieldCheck {
                field: self.field(check)?,
                test: Test::Exists,
            })),
            Expr::Binary {
                check, op, value, ..
            } => {
                let field = self.field(check)?;
                let test = self.binary(&field, check, *op, value)?;
                Node::Check(Box::new(FieldCheck { field, test }))
            }
        })
    }

    fn all(&mut self, children: &[Expr]) -> Result<Vec<Node>, CompileError> {
        children.iter().map(|child| self.node(child)).collect()
    }

    /// Resolves a field and its transformers.
    fn field(&mut self, check: &Check) -> Result<CompiledField, CompileError> {
        let mut transformers = check.transformers.clone();
        transformers.reverse();
        Ok(self.slots.field(
            self.source,
            &check.field,
            check.arg.as_deref(),
            transformers,
        )?)
    }

    /// What the compared values are, after transformers: `len` makes a number of anything.
    fn value_kind(field: &CompiledField) -> (FieldType, bool) {
        let info = field.extractor.info();
        if field.transformers.contains(&Transformer::Len) {
            (FieldType::Uint64, false)
        } else {
            (info.ty, info.list)
        }
    }

    fn binary(
        &mut self,
        field: &CompiledField,
        check: &Check,
        op: BinaryOp,
        value: &Operand,
    ) -> Result<Test, CompileError> {
        let (ty, list) = Self::value_kind(field);
        let refuse = || CompileError::Operator {
            field: check.field.clone(),
            op: op.as_str().to_owned(),
            kind: if list {
                format!("{} list", ty.name())
            } else {
                ty.name().to_owned()
            },
        };
        if let Operand::Field(other) = value {
            if list || matches!(op, BinaryOp::In | BinaryOp::Intersects | BinaryOp::PMatch) {
                return Err(refuse());
            }
            return Ok(Test::Field {
                op,
                other: Box::new(self.field(other)?),
            });
        }
        let values: Vec<&str> = match value {
            Operand::Single(literal) => vec![literal.text.as_str()],
            Operand::List(items) => items
                .iter()
                .map(|item: &Literal| item.text.as_str())
                .collect(),
            Operand::Field(_) => Vec::new(),
        };
        // List fields answer only `exists`, `in` and `intersects` (libsinsp `compare_rhs_multi`).
        if list && !matches!(op, BinaryOp::In | BinaryOp::Intersects) {
            return Err(refuse());
        }
        match op {
            BinaryOp::In | BinaryOp::Intersects => Ok(Test::Set {
                all: op == BinaryOp::In && list,
                members: values
                    .iter()
                    .map(|value| (*value).to_owned())
                    .collect::<HashSet<_>>(),
            }),
            BinaryOp::PMatch => Ok(Test::PathPrefix(
                values
                    .iter()
                    .map(|value| value.trim_end_matches('/').to_owned())
                    .collect(),
            )),
            _ => {
                let [value] = values.as_slice() else {
                    return Err(CompileError::Value {
                        field: check.field.clone(),
                        value: format!("({})", values.join(", ")),
                        kind: "single",
                    });
                };
                scalar(check, op, value, ty).ok_or_else(refuse)?
            }
        }
    }
}

/// A comparison with one value, `None` when the type does not support the operator.
fn scalar(
    check: &Check,
    op: BinaryOp,
    value: &str,
    ty: FieldType,
) -> Option<Result<Test, CompileError>> {
    let invalid = |kind: &'static str| CompileError::Value {
        field: check.field.clone(),
        value: value.to_owned(),
        kind,
    };
    if ty.is_numeric() {
        if !(matches!(op, BinaryOp::Eq | BinaryOp::Ne) || op.is_numeric()) {
            return None;
        }
        return Some(
            parse_number(value)
                .map(|number| Test::Number { op, value: number })
                .ok_or_else(|| invalid("numeric")),
        );
    }
    if ty == FieldType::Bool {
        if !matches!(op, BinaryOp::Eq | BinaryOp::Ne) {
            return None;
        }
        let flag = match value {
            "true" => true,
            "false" => false,
            _ => return Some(Err(invalid("boolean"))),
        };
        return Some(Ok(Test::Bool {
            equal: op == BinaryOp::Eq,
            value: flag,
        }));
    }
    let text = |test: TextTest| Some(Ok(Test::Text(Box::new(test))));
    match op {
        BinaryOp::Eq => text(TextTest::Equal(value.to_owned())),
        BinaryOp::Ne => text(TextTest::NotEqual(value.to_owned())),
        BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
            text(TextTest::Order(op, value.to_owned()))
        }
        BinaryOp::Contains => text(TextTest::Contains(
            memmem::Finder::new(value.as_bytes()).into_owned(),
        )),
        BinaryOp::IContains => text(TextTest::IContains(value.to_lowercase())),
        BinaryOp::StartsWith => text(TextTest::StartsWith(value.to_owned())),
        BinaryOp::EndsWith => text(TextTest::EndsWith(value.to_owned())),
        BinaryOp::BContains | BinaryOp::BStartsWith => Some(
            parse_hex(value)
                .map(|bytes| {
                    Test::Text(Box::new(if op == BinaryOp::BContains {
                        TextTest::BytesContain(bytes)
                    } else {
                        TextTest::BytesStartWith(bytes)
                    }))
                })
                .ok_or_else(|| invalid("hexadecimal bytes")),
        ),
        BinaryOp::Glob | BinaryOp::IGlob => Some(
            glob(value, op == BinaryOp::IGlob)
                .map(|matcher| Test::Text(Box::new(TextTest::Glob(matcher)))),
        ),
        BinaryOp::Regex => Some(
            Regex::new(&format!("^(?:{value})$"))
                .map(|regex| Test::Text(Box::new(TextTest::Regex(regex))))
                .map_err(|error| CompileError::Pattern {
                    pattern: value.to_owned(),
                    message: error.to_string(),
                }),
        ),
        BinaryOp::In | BinaryOp::Intersects | BinaryOp::PMatch => None,
    }
}

/// libsinsp's glob: `*`, `?` and `[...]` over the whole value, `/` not special.
fn glob(pattern: &str, case_insensitive: bool) -> Result<GlobMatcher, CompileError> {
    GlobBuilder::new(pattern)
        .literal_separator(false)
        .backslash_escape(true)
        .case_insensitive(case_insensitive)
        .build()
        .map(|glob| glob.compile_matcher())
        .map_err(|error| CompileError::Pattern {
            pattern: pattern.to_owned(),
            message: error.to_string(),
        })
}

/// A number as libsinsp reads one: decimal, or hexadecimal with `0x`; negative allowed.
fn parse_number(text: &str) -> Option<i128> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let magnitude = match digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        Some(hex) => i128::from_str_radix(hex, 16).ok()?,
        None => digits.parse::<i128>().ok()?,
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The bytes of `bcontains`/`bstartswith` operands: hexadecimal pairs.
fn parse_hex(text: &str) -> Option<Vec<u8>> {
    if text.is_empty() || !text.len().is_multiple_of(2) {
        return None;
    }
    text.as_bytes()
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}
