//! Falco's condition language: [`parse`] turns a rule's or macro's `condition:` into an
//! [`Expr`] with byte [`Span`]s, [`expand`](fn@expand) replaces macro references and list
//! names with their definitions, and [`Expr`]'s [`Display`](std::fmt::Display) prints
//! canonical condition text (for `runtime validate -v` and error messages).
//!
//! The grammar and its quirks follow libsinsp's `userspace/libsinsp/filter/parser.cpp` (the
//! parser Falco uses) and falco.org's "Conditions" and "Supported operators" pages; expansion
//! follows Falco's `userspace/engine/filter_macro_resolver.cpp`. The rules loader
//! ([`rules`](crate::rules)) feeds conditions, macros and lists in; evaluating a condition
//! against events is the engine's job, with fields from [`fields`](crate::fields).
//!
//! Not supported: libsinsp's newest multi-argument `join(...)` transformer and transformer
//! lists, which no official rules file uses, and `\xHH` escapes of bytes above `\x7F` (values
//! are UTF-8 strings). Falco pastes list items into the condition text wherever a list's name
//! stands between delimiters; here only values of `in`, `intersects` and `pmatch` expand, which
//! is where every official rules file uses them.

mod ast;
mod error;
mod expand;
mod lexer;
mod parser;

pub use ast::{BinaryOp, Check, Expr, Literal, Operand, Span, Transformer, UnaryOp};
pub use error::{ExpandError, Expected, ParseError, ParseErrorKind};
pub use expand::{MAX_EXPANDED_DEPTH, MAX_EXPANDED_NODES, expand};
pub use parser::{MAX_CONDITION_LEN, MAX_DEPTH, parse, parse_list_item};
