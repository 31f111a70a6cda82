//! The variables one rule (or one foreach element) sees, in the interpreter's form.
//!
//! Most rules of published policies hold no variables at all; for them the engine never
//! converts anything. The request's document is converted once, on first use, and shared by
//! every rule of the request; a rule's context entries and values, and a foreach element, are
//! bound on top of it by copying only the objects along their path
//! ([`VariableContext::with`]), so binding costs nothing in the size of the request.

use std::borrow::Cow;
use std::cell::OnceCell;

use serde_json::Value;

use super::condition::{ConditionOutcome, Conditions};
use super::jmespath::to_variable;
use super::variables::{VariableContext, has_variables};

/// The interpreter's form of a shared document, converted on first use.
pub(super) type Interpreter = OnceCell<Result<VariableContext, String>>;

/// A rule's variables.
pub(super) enum Scope<'a> {
    /// The request's document, unchanged, with its shared converted form.
    Shared {
        /// The document.
        document: &'a Value,
        /// Its converted form.
        interpreter: &'a Interpreter,
    },
    /// A document with bindings of its own.
    Bound(VariableContext),
}

impl<'a> Scope<'a> {
    /// A scope over the shared `document`.
    pub(super) fn shared(document: &'a Value, interpreter: &'a Interpreter) -> Self {
        Self::Shared {
            document,
            interpreter,
        }
    }

    fn interpreter(&self) -> Result<&VariableContext, String> {
        match self {
            Self::Shared {
                document,
                interpreter,
            } => interpreter
                .get_or_init(|| VariableContext::new(document).map_err(|error| error.to_string()))
                .as_ref()
                .map_err(Clone::clone),
            Self::Bound(context) => Ok(context),
        }
    }

    /// Binds `value` at the dotted `path`.
    pub(super) fn set(&mut self, path: &str, value: &Value) -> Result<(), String> {
        let bound = self
            .interpreter()?
            .with(path, value)
            .map_err(|error| error.to_string())?;
        *self = Self::Bound(bound);
        Ok(())
    }

    /// A foreach element's scope: `element` and `elementIndex`, and the numbered forms
    /// Kyverno keeps for each nesting level (`element0`, `elementIndex0`, ...). The element is
    /// converted once for both of its names.
    pub(super) fn element(
        &self,
        element: &Value,
        index: usize,
        depth: usize,
    ) -> Result<Scope<'static>, String> {
        let element = to_variable(element).map_err(|error| error.to_string())?;
        let index = to_variable(&Value::from(index)).map_err(|error| error.to_string())?;
        let (numbered_element, numbered_index) =
            (format!("element{depth}"), format!("elementIndex{depth}"));
        let context = self
            .interpreter()?
            .with_variable(&["element"], element.clone())
            .with_variable(&["elementIndex"], index.clone())
            .with_variable(&[&numbered_element], element)
            .with_variable(&[&numbered_index], index);
        Ok(Scope::Bound(context))
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
