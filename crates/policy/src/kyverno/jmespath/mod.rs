//! JMESPath as Kyverno runs it: the standard builtins of the `jmespath` crate plus Kyverno's
//! custom functions (kyverno/kyverno `pkg/engine/jmespath/functions.go`, `arithmetic.go`,
//! `time.go`), registered once in a process-wide runtime.
//!
//! [`search`] evaluates one expression against a JSON document; [`compile`] only checks one
//! (syntax, function names and arities), which is how a policy is validated before any
//! resource arrives. Compiled expressions are cached (bounded), because a policy's few
//! expressions are evaluated again for every resource.
//!
//! The variables layer ([`super::variables`]) finds the `{{ ... }}` in a policy and calls
//! [`search`] with the context document the engine builds.
//!
//! Each family of functions lives in its own file and exports a table of functions:
//! `string` (text, regex, wildcard, label matching), `arithmetic` (numbers, quantities,
//! durations), `time`, `encoding` (base64, MD5, JSON, YAML), `x509` and `collection`
//! (`lookup`, `items`, `object_from_lists`, `semver_compare`).

mod arithmetic;
mod collection;
mod encoding;
mod quantity;
mod string;
mod time;
mod x509;

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use jmespath::ast::Ast;
use jmespath::{Context, ErrorReason, Expression, Rcvar, Runtime, RuntimeError, Variable};
use serde_json::Value;

pub(crate) use string::clean_path;

/// Longest expression accepted: policies are untrusted and the parser recurses.
const MAX_EXPRESSION_LEN: usize = 16 * 1024;
/// Deepest nesting of brackets, braces and parentheses accepted, for the same reason.
const MAX_NESTING: usize = 64;
/// Most operators (`.`, `|`, `!`, `&&`, `||`, comparisons, brackets) accepted in one
/// expression. Each can add a level to the tree the parser, [`null_safe`], the function check,
/// the interpreter and the drop of the tree recurse through, and a chain of 16,000 `!`
/// overflowed the stack; Kyverno's published policies use at most a few dozen.
const MAX_OPERATORS: usize = 512;
/// Compiled expressions kept; the cache is emptied when it is full (policies hold few).
const CACHE_CAPACITY: usize = 4096;

/// A JMESPath expression that failed to compile or to evaluate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("JMESPath expression `{expression}`{}: {kind}", offset.map(|at| format!(" at offset {at}")).unwrap_or_default())]
pub struct JmespathError {
    /// The expression as given.
    pub expression: String,
    /// The character offset in `expression` where the parser or interpreter stopped, when known.
    pub offset: Option<usize>,
    /// What went wrong.
    pub kind: JmespathErrorKind,
}

/// The reason a [`JmespathError`] happened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JmespathErrorKind {
    /// The expression is not valid JMESPath.
    #[error("syntax error: {message}")]
    Syntax {
        /// The parser's description.
        message: String,
    },
    /// The expression is longer or more deeply nested than custody accepts.
    #[error("expression exceeds {limit} {what}")]
    TooLarge {
        /// The exceeded quantity (`characters`, `levels of nesting`).
        what: &'static str,
        /// The limit.
        limit: usize,
    },
    /// A function that neither JMESPath nor Kyverno defines.
    #[error("unknown function `{name}`")]
    UnknownFunction {
        /// The function name.
        name: String,
    },
    /// A function called with the wrong number of arguments.
    #[error("function `{name}` takes {expected} arguments, given {actual}")]
    Arity {
        /// The function name.
        name: String,
        /// The accepted count (`2`, `at least 1`).
        expected: String,
        /// The count given.
        actual: usize,
    },
    /// An argument of the wrong type, or a function that failed on its input.
    #[error("{message}")]
    Evaluation {
        /// The interpreter's or function's description.
        message: String,
    },
}

/// The JMESPath type of one function argument, as Kyverno declares it (`argSpec` in
/// `functions.go`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Arg {
    Any,
    String,
    Number,
    Array,
    Object,
    StringOrNumber,
    ObjectOrArray,
}

impl Arg {
    fn accepts(self, value: &Variable) -> bool {
        match self {
            Arg::Any => true,
            Arg::String => value.is_string(),
            Arg::Number => value.is_number(),
            Arg::Array => value.is_array(),
            Arg::Object => value.is_object(),
            Arg::StringOrNumber => value.is_string() || value.is_number(),
            Arg::ObjectOrArray => value.is_object() || value.is_array(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Arg::Any => "any",
            Arg::String => "string",
            Arg::Number => "number",
            Arg::Array => "array",
            Arg::Object => "object",
            Arg::StringOrNumber => "string|number",
            Arg::ObjectOrArray => "object|array",
        }
    }
}

/// The arguments a [`Function`] receives, already checked against its declared types.
type Args<'a> = &'a [Rcvar];

/// One Kyverno function: its name, argument types and implementation. Implementations
/// return an error message; the runtime wraps it with the function name.
struct Function {
    name: &'static str,
    args: &'static [Arg],
    call: fn(Args<'_>) -> Result<Value, String>,
}

/// The JMESPath builtins and their arities (JMESPath specification, "Built-in Functions"):
/// `(name, required arguments, variadic)`.
const BUILTINS: &[(&str, usize, bool)] = &[
    ("abs", 1, false),
    ("avg", 1, false),
    ("ceil", 1, false),
    ("contains", 2, false),
    ("ends_with", 2, false),
    ("floor", 1, false),
    ("join", 2, false),
    ("keys", 1, false),
    ("length", 1, false),
    ("map", 2, false),
    ("max", 1, false),
    ("max_by", 2, false),
    ("merge", 1, true),
    ("min", 1, false),
    ("min_by", 2, false),
    ("not_null", 1, true),
    ("reverse", 1, false),
    ("sort", 1, false),
    ("sort_by", 2, false),
    ("starts_with", 2, false),
    ("to_array", 1, false),
    ("to_number", 1, false),
    ("to_string", 1, false),
    ("type", 1, false),
    ("values", 1, false),
];

/// Every Kyverno function table; a name here replaces the builtin of the same name (`sum`).
const FAMILIES: &[&[Function]] = &[
    string::FUNCTIONS,
    arithmetic::FUNCTIONS,
    time::FUNCTIONS,
    encoding::FUNCTIONS,
    collection::FUNCTIONS,
    x509::FUNCTIONS,
];

/// Adapts a [`Function`] to the `jmespath` crate's function trait.
struct Registered(&'static Function);

impl jmespath::functions::Function for Registered {
    fn evaluate(&self, args: &[Rcvar], ctx: &mut Context<'_>) -> jmespath::SearchResult {
        let function = self.0;
        let fail = |message: String| {
            jmespath::JmespathError::from_ctx(
                ctx,
                ErrorReason::Parse(format!("JMESPath function '{}': {message}", function.name)),
            )
        };
        if args.len() != function.args.len() {
            return Err(fail(format!(
                "expected {} arguments, given {}",
                function.args.len(),
                args.len()
            )));
        }
        for (position, (arg, expected)) in args.iter().zip(function.args).enumerate() {
            if !expected.accepts(arg) {
                return Err(fail(format!(
                    "argument #{} must be {}, given {}",
                    position + 1,
                    expected.name(),
                    arg.get_type()
                )));
            }
        }
        let value = (function.call)(args).map_err(fail)?;
        Variable::try_from(value).map(Rcvar::new)
    }
}

/// The process-wide runtime: builtins first, then Kyverno's functions over them.
static RUNTIME: LazyLock<Runtime> = LazyLock::new(|| {
    let mut runtime = Runtime::new();
    runtime.register_builtin_functions();
    for function in FAMILIES.iter().flat_map(|family| family.iter()) {
        runtime.register_function(function.name, Box::new(Registered(function)));
    }
    runtime
});

static CACHE: LazyLock<Mutex<HashMap<String, Arc<Expression<'static>>>>> =
    LazyLock::new(Mutex::default);

/// Checks that `expression` is valid JMESPath whose every function call names a known
/// function with a valid number of arguments, without evaluating it.
pub fn compile(expression: &str) -> Result<(), JmespathError> {
    compiled(expression).map(drop)
}

/// Evaluates `expression` against `data` with Kyverno's functions available.
///
/// A path that finds nothing evaluates to [`Value::Null`], as in JMESPath; deciding what a
/// null means is the caller's job ([`super::variables`] reports it as not found).
pub fn search(expression: &str, data: &Value) -> Result<Value, JmespathError> {
    search_variable(expression, &to_variable(data)?)
}

/// [`search`] on a document already converted to the interpreter's representation, so a
/// caller that evaluates many expressions against one document converts it once.
pub(crate) fn search_variable(expression: &str, data: &Rcvar) -> Result<Value, JmespathError> {
    let compiled = compiled(expression)?;
    let mut context = Context::new(compiled.as_str(), &RUNTIME);
    let result = jmespath::interpret(data, compiled.as_ast(), &mut context)
        .map_err(|error| convert(expression, &error))?;
    Ok(value_of(&result))
}

/// Converts an interpreter value back to JSON node by node (the crate's `Serialize` goes
/// through a serializer for every node). Expression references, which only exist as function
/// arguments, become null.
pub(crate) fn value_of(variable: &Variable) -> Value {
    match variable {
        Variable::Null | Variable::Expref(_) => Value::Null,
        Variable::Bool(flag) => Value::Bool(*flag),
        Variable::Number(number) => Value::Number(number.clone()),
        Variable::String(text) => Value::String(text.clone()),
        Variable::Array(items) => Value::Array(items.iter().map(|item| value_of(item)).collect()),
        Variable::Object(map) => Value::Object(
            map.iter()
                .map(|(key, value)| (key.clone(), value_of(value)))
                .collect(),
        ),
    }
}

/// Converts a context document for [`search_variable`].
pub(crate) fn to_variable(data: &Value) -> Result<Rcvar, JmespathError> {
    variable_of(data, 0).map(Rcvar::new)
}

/// Deepest JSON converted for the interpreter.
const MAX_VALUE_DEPTH: usize = 512;

/// Converts JSON for the interpreter node by node. The crate's own conversion serializes every
/// nested value, which made binding a foreach element cost more than evaluating the rule.
fn variable_of(value: &Value, depth: usize) -> Result<Variable, JmespathError> {
    if depth > MAX_VALUE_DEPTH {
        return Err(JmespathError {
            expression: String::new(),
            offset: None,
            kind: JmespathErrorKind::TooLarge {
                what: "levels of nesting in a value",
                limit: MAX_VALUE_DEPTH,
            },
        });
    }
    let convert = |value| variable_of(value, depth + 1).map(Rcvar::new);
    Ok(match value {
        Value::Null => Variable::Null,
        Value::Bool(flag) => Variable::Bool(*flag),
        Value::Number(number) => Variable::Number(number.clone()),
        Value::String(text) => Variable::String(text.clone()),
        Value::Array(items) => {
            Variable::Array(items.iter().map(convert).collect::<Result<_, _>>()?)
        }
        Value::Object(map) => Variable::Object(
            map.iter()
                .map(|(key, value)| Ok((key.clone(), convert(value)?)))
                .collect::<Result<_, JmespathError>>()?,
        ),
    })
}

/// The compiled and checked form of `expression`, from the cache when present.
fn compiled(expression: &str) -> Result<Arc<Expression<'static>>, JmespathError> {
    let cache = || CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(found) = cache().get(expression) {
        return Ok(Arc::clone(found));
    }
    check_size(expression)?;
    let parsed = RUNTIME
        .compile(expression)
        .map_err(|error| convert(expression, &error))?;
    check_functions(expression, parsed.as_ast())?;
    let parsed = Expression::new(expression, null_safe(parsed.as_ast().clone()), &RUNTIME);
    let parsed = Arc::new(parsed);
    let mut cache = cache();
    if cache.len() >= CACHE_CAPACITY {
        cache.clear();
    }
    cache.insert(expression.to_owned(), Arc::clone(&parsed));
    Ok(parsed)
}

/// Makes a function call on the right of a `.` see nothing when the left side is null, as the
/// JMESPath reference implementation and Kyverno do: `containers[].resources.keys(@)` skips a
/// container without `resources` instead of failing on `keys(null)`. The jmespath crate calls
/// the function with null, so the call is wrapped in a condition `@ != null`.
fn null_safe(ast: Ast) -> Ast {
    use jmespath::ast::KeyValuePair;
    let boxed = |ast: Box<Ast>| Box::new(null_safe(*ast));
    match ast {
        Ast::Subexpr { offset, lhs, rhs } => {
            let rhs = match null_safe(*rhs) {
                call @ Ast::Function { .. } => null_guard(offset, call),
                other => other,
            };
            Ast::Subexpr {
                offset,
                lhs: boxed(lhs),
                rhs: Box::new(rhs),
            }
        }
        Ast::Comparison {
            offset,
            comparator,
            lhs,
            rhs,
        } => Ast::Comparison {
            offset,
            comparator,
            lhs: boxed(lhs),
            rhs: boxed(rhs),
        },
        Ast::Condition {
            offset,
            predicate,
            then,
        } => Ast::Condition {
            offset,
            predicate: boxed(predicate),
            then: boxed(then),
        },
        Ast::Projection { offset, lhs, rhs } => Ast::Projection {
            offset,
            lhs: boxed(lhs),
            rhs: boxed(rhs),
        },
        Ast::And { offset, lhs, rhs } => Ast::And {
            offset,
            lhs: boxed(lhs),
            rhs: boxed(rhs),
        },
        Ast::Or { offset, lhs, rhs } => Ast::Or {
            offset,
            lhs: boxed(lhs),
            rhs: boxed(rhs),
        },
        Ast::Expref { offset, ast } => Ast::Expref {
            offset,
            ast: boxed(ast),
        },
        Ast::Flatten { offset, node } => Ast::Flatten {
            offset,
            node: boxed(node),
        },
        Ast::Not { offset, node } => Ast::Not {
            offset,
            node: boxed(node),
        },
        Ast::ObjectValues { offset, node } => Ast::ObjectValues {
            offset,
            node: boxed(node),
        },
        Ast::Function { offset, name, args } => Ast::Function {
            offset,
            name,
            args: args.into_iter().map(null_safe).collect(),
        },
        Ast::MultiList { offset, elements } => Ast::MultiList {
            offset,
            elements: elements.into_iter().map(null_safe).collect(),
        },
        Ast::MultiHash { offset, elements } => Ast::MultiHash {
            offset,
            elements: elements
                .into_iter()
                .map(|pair| KeyValuePair {
                    key: pair.key,
                    value: null_safe(pair.value),
                })
                .collect(),
        },
        leaf @ (Ast::Identity { .. }
        | Ast::Field { .. }
        | Ast::Index { .. }
        | Ast::Literal { .. }
        | Ast::Slice { .. }) => leaf,
    }
}

/// `call` evaluated only when the current node is not null: `@ != null` as a condition.
fn null_guard(offset: usize, call: Ast) -> Ast {
    Ast::Condition {
        offset,
        predicate: Box::new(Ast::Comparison {
            offset,
            comparator: jmespath::ast::Comparator::NotEqual,
            lhs: Box::new(Ast::Identity { offset }),
            rhs: Box::new(Ast::Literal {
                offset,
                value: Rcvar::new(Variable::Null),
            }),
        }),
        then: Box::new(call),
    }
}

/// Rejects expressions whose size or nesting could exhaust the parser's stack.
fn check_size(expression: &str) -> Result<(), JmespathError> {
    let too_large = |what, limit| JmespathError {
        expression: expression.to_owned(),
        offset: None,
        kind: JmespathErrorKind::TooLarge { what, limit },
    };
    if expression.len() > MAX_EXPRESSION_LEN {
        return Err(too_large("characters", MAX_EXPRESSION_LEN));
    }
    let mut depth = 0usize;
    let mut operators = 0usize;
    // Brackets inside string and JSON literals (`'(('`, `` `{}` ``) do not nest.
    let mut quote = None;
    let mut escaped = false;
    for byte in expression.bytes() {
        if let Some(open) = quote {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                _ if byte == open => quote = None,
                _ => {}
            }
            continue;
        }
        match byte {
            b'\'' | b'"' | b'`' => quote = Some(byte),
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(too_large("levels of nesting", MAX_NESTING));
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        if matches!(
            byte,
            b'.' | b'|' | b'!' | b'&' | b'<' | b'>' | b'=' | b'(' | b'[' | b'{'
        ) {
            operators += 1;
            if operators > MAX_OPERATORS {
                return Err(too_large("operators", MAX_OPERATORS));
            }
        }
    }
    Ok(())
}

/// Checks every function call in `ast`: the name is known and the arity valid.
fn check_functions(expression: &str, ast: &Ast) -> Result<(), JmespathError> {
    let fail = |offset, kind| JmespathError {
        expression: expression.to_owned(),
        offset: Some(offset),
        kind,
    };
    let mut pending = vec![ast];
    while let Some(node) = pending.pop() {
        match node {
            Ast::Function { offset, name, args } => {
                let (required, variadic) = arity(name).ok_or_else(|| {
                    fail(
                        *offset,
                        JmespathErrorKind::UnknownFunction { name: name.clone() },
                    )
                })?;
                let valid = if variadic {
                    args.len() >= required
                } else {
                    args.len() == required
                };
                if !valid {
                    let expected = if variadic {
                        format!("at least {required}")
                    } else {
                        required.to_string()
                    };
                    return Err(fail(
                        *offset,
                        JmespathErrorKind::Arity {
                            name: name.clone(),
                            expected,
                            actual: args.len(),
                        },
                    ));
                }
                pending.extend(args);
            }
            Ast::Comparison { lhs, rhs, .. }
            | Ast::Projection { lhs, rhs, .. }
            | Ast::And { lhs, rhs, .. }
            | Ast::Or { lhs, rhs, .. }
            | Ast::Subexpr { lhs, rhs, .. } => pending.extend([&**lhs, &**rhs]),
            Ast::Condition {
                predicate, then, ..
            } => pending.extend([&**predicate, &**then]),
            Ast::Expref { ast: node, .. }
            | Ast::Flatten { node, .. }
            | Ast::Not { node, .. }
            | Ast::ObjectValues { node, .. } => pending.push(node),
            Ast::MultiList { elements, .. } => pending.extend(elements),
            Ast::MultiHash { elements, .. } => {
                pending.extend(elements.iter().map(|pair| &pair.value));
            }
            Ast::Identity { .. }
            | Ast::Field { .. }
            | Ast::Index { .. }
            | Ast::Literal { .. }
            | Ast::Slice { .. } => {}
        }
    }
    Ok(())
}

/// `(required arguments, variadic)` of a known function, Kyverno's first.
fn arity(name: &str) -> Option<(usize, bool)> {
    FAMILIES
        .iter()
        .flat_map(|family| family.iter())
        .find(|function| function.name == name)
        .map(|function| (function.args.len(), false))
        .or_else(|| {
            BUILTINS
                .iter()
                .find(|(builtin, ..)| *builtin == name)
                .map(|&(_, required, variadic)| (required, variadic))
        })
}

/// Converts the crate's error, keeping the offset and a kind.
fn convert(expression: &str, error: &jmespath::JmespathError) -> JmespathError {
    let kind = match &error.reason {
        ErrorReason::Parse(message) if message.starts_with("JMESPath function") => {
            JmespathErrorKind::Evaluation {
                message: message.clone(),
            }
        }
        ErrorReason::Parse(message) => JmespathErrorKind::Syntax {
            message: message.clone(),
        },
        ErrorReason::Runtime(RuntimeError::UnknownFunction(name)) => {
            JmespathErrorKind::UnknownFunction { name: name.clone() }
        }
        ErrorReason::Runtime(runtime) => JmespathErrorKind::Evaluation {
            message: runtime.to_string(),
        },
    };
    JmespathError {
        expression: expression.to_owned(),
        offset: Some(error.offset),
        kind,
    }
}

/// The string argument at `index`; the runtime checked the declared type first.
fn string_arg(args: Args<'_>, index: usize) -> Result<&str, String> {
    args.get(index)
        .and_then(|arg| arg.as_string())
        .map(String::as_str)
        .ok_or_else(|| format!("argument #{} must be a string", index + 1))
}

/// The number argument at `index`; the runtime checked the declared type first.
fn number_arg(args: Args<'_>, index: usize) -> Result<f64, String> {
    args.get(index)
        .and_then(|arg| arg.as_number())
        .ok_or_else(|| format!("argument #{} must be a number", index + 1))
}

/// A float as JSON the way Go's `encoding/json` writes a `float64`: integral values without
/// a fraction (`3`, not `3.0`).
fn number(value: f64) -> Result<Value, String> {
    const EXACT_INTEGER: f64 = 9_007_199_254_740_992.0; // 2^53
    if value.fract() == 0.0 && value.abs() < EXACT_INTEGER {
        return Ok(Value::from(value as i64));
    }
    serde_json::Number::from_f64(value)
        .map(Value::Number)
        .ok_or_else(|| format!("result {value} is not a finite number"))
}

/// Go's `strconv.FormatFloat(value, 'f', -1, 32)`, which Kyverno uses to turn number
/// arguments into text (`ifaceToString` in `functions.go`).
fn float_text(value: f64) -> String {
    #[expect(
        clippy::cast_possible_truncation,
        reason = "Kyverno formats with 32-bit precision"
    )]
    let single = value as f32;
    single.to_string()
}

/// A string or number argument as text, as Kyverno's `ifaceToString` converts it.
fn text_arg(args: Args<'_>, index: usize) -> Result<String, String> {
    match args.get(index).map(|arg| &**arg) {
        Some(Variable::String(text)) => Ok(text.clone()),
        Some(Variable::Number(number)) => number
            .as_f64()
            .map(float_text)
            .ok_or_else(|| format!("argument #{} is not a number", index + 1)),
        Some(Variable::Bool(flag)) => Ok(flag.to_string()),
        _ => Err(format!(
            "argument #{} must be a string or number",
            index + 1
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_is_registered_once() {
        let mut names: Vec<_> = FAMILIES
            .iter()
            .flat_map(|family| family.iter().map(|function| function.name))
            .collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "duplicate Kyverno function names");
        for name in names {
            assert!(
                RUNTIME.get_function(name).is_some(),
                "{name} not registered"
            );
        }
    }

    #[test]
    fn numbers_format_as_go() {
        assert_eq!(number(3.0), Ok(Value::from(3)));
        assert_eq!(number(1.5), Ok(serde_json::json!(1.5)));
        assert_eq!(float_text(1.1), "1.1");
        assert_eq!(float_text(2.0), "2");
    }

    #[test]
    fn deep_nesting_is_rejected() {
        let expression = "[".repeat(1000);
        assert!(matches!(
            compile(&expression).map_err(|error| error.kind),
            Err(JmespathErrorKind::TooLarge { .. })
        ));
        let quoted = format!("regex_match('{}', 'x')", "(".repeat(100));
        assert!(!matches!(
            compile(&quoted).map_err(|error| error.kind),
            Err(JmespathErrorKind::TooLarge { .. })
        ));
    }
}
