//! The variables one rule (or one foreach element) sees: its JSON document and the
//! interpreter's form of it, converted once and only when an expression needs it.
//!
//! Most rules of published policies hold no variables at all; for them the engine never builds
//! a document. A rule that does gets the request's document (shared by every rule of the
//! request), extended with its context entries and the user's values only when it has any.

use std::borrow::Cow;
use std::cell::OnceCell;

use serde_json::Value;

use super::condition::{ConditionOutcome, Conditions};
use super::context::set_path;
use super::variables::{VariableContext, has_variables};

/// A rule's variables.
pub(super) struct Scope<'a> {
    document: Cow<'a, Value>,
    interpreter: OnceCell<Result<VariableContext, String>>,
}

impl<'a> Scope<'a> {
    /// A scope over `document`.
    pub(super) fn new(document: Cow<'a, Value>) -> Self {
        Self {
            document,
            interpreter: OnceCell::new(),
        }
    }

    /// A copy of this scope with `edits` applied to the document: a foreach element's scope.
    pub(super) fn derive(&self, edits: impl FnOnce(&mut Value)) -> Scope<'static> {
        let mut document = self.document.as_ref().clone();
        edits(&mut document);
        Scope::new(Cow::Owned(document))
    }

    /// Sets `value` at the dotted `path` of the document.
    pub(super) fn set(&mut self, path: &str, value: Value) {
        set_path(self.document.to_mut(), path, value);
        self.interpreter = OnceCell::new();
    }

    fn interpreter(&self) -> Result<&VariableContext, String> {
        self.interpreter
            .get_or_init(|| VariableContext::new(&self.document).map_err(|error| error.to_string()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// `fragment` with its variables substituted; borrowed when it has none.
    pub(super) fn substitute<'f>(&self, fragment: &'f Value) -> Result<Cow<'f, Value>, String> {
        if !has_variables(fragment) {
            return Ok(Cow::Borrowed(fragment));
        }
        self.interpreter()?
            .substitute(fragment)
            .map(Cow::Owned)
            .map_err(|error| error.to_string())
    }

    /// A string with its variables substituted.
    pub(super) fn substitute_text(&self, text: &str) -> Result<String, String> {
        let fragment = Value::String(text.to_owned());
        match self.substitute(&fragment)? {
            Cow::Owned(Value::String(text)) => Ok(text),
            Cow::Owned(other) => Ok(other.to_string()),
            Cow::Borrowed(_) => Ok(text.to_owned()),
        }
    }

    /// Evaluates a bare JMESPath expression (a foreach `list`, a context `jmesPath`).
    pub(super) fn search(&self, expression: &str) -> Result<Value, String> {
        self.interpreter()?
            .search(expression)
            .map_err(|error| error.to_string())
    }

    /// Evaluates conditions, substituting each condition's variables only when Kyverno
    /// evaluates it; an unresolved variable there is an error, as in Kyverno since 1.8.
    pub(super) fn evaluate(&self, conditions: &Conditions) -> Result<ConditionOutcome, String> {
        conditions.evaluate_with(|condition| {
            let key = self.substitute(&condition.key)?;
            let value = self.substitute(&condition.value)?;
            Ok(condition.operator.holds(&key, &value))
        })
    }
}
