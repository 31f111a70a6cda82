//! The rule engine: a loaded [`RuleSet`] compiled once, then applied to events.
//!
//! [`Engine::compile`] parses every macro and every enabled rule of a source this engine knows,
//! expands macros and lists on the syntax tree, resolves every field against its source's
//! registry and compiles every right-hand side once ([`compile`]); each failure is a
//! [`Diagnostic`] naming the file, line, item and reason, as `falco -V` reports it. Rules are
//! indexed by source, so an event is only checked against the rules that can match it;
//! [`Engine::alerts`] evaluates them ([`eval`]) and renders an [`Alert`] for each match.

pub mod compile;
pub mod eval;

use std::collections::{BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};

use jiff::Timestamp;
use serde_json::Value;

use crate::condition::{self, Expr, Literal};
use crate::fields::{self, Source};
use crate::output::{self, Alert, AlertDetails, OutputTemplate, Priority};
use crate::rules::{Entry, Location, RuleSet};
use compile::{CompiledField, FieldSlots};
use eval::{Event, Node, Values};

/// A problem found while compiling rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the item is defined.
    pub location: Location,
    /// Falco's code for it: `LOAD_ERR_COMPILE_CONDITION`, `LOAD_ERR_COMPILE_OUTPUT`,
    /// `LOAD_ERR_VALIDATE` (undefined macros, reference loops, unknown exception fields) or, as a
    /// warning, `LOAD_UNKNOWN_FIELD` (a rule skipped with `skip-if-unknown-filter`).
    pub code: &'static str,
    /// `rule`, `macro` or `exception`.
    pub item: &'static str,
    /// The item's name.
    pub name: String,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} '{}': {}",
            self.location, self.item, self.name, self.message
        )
    }
}

/// One compiled rule.
#[derive(Debug)]
pub struct CompiledRule {
    /// The rule's name.
    pub name: String,
    /// Its priority.
    pub priority: Priority,
    /// Its source.
    pub source: Source,
    /// Its tags.
    pub tags: BTreeSet<String>,
    condition: Node,
    output: OutputTemplate,
    /// The fields of the output, compiled; `None` for a field the source does not have, which
    /// prints `<NA>`.
    output_fields: Vec<Option<CompiledField>>,
    hits: AtomicU64,
}

/// Compiled rules, indexed by source.
#[derive(Debug, Default)]
pub struct Engine {
    rules: Vec<CompiledRule>,
    slots: FieldSlots,
    by_source: HashMap<Source, Vec<usize>>,
    minimum_priority: Option<Priority>,
    hostname: String,
}

/// What [`Engine::compile`] produced: the engine and every problem found.
#[derive(Debug)]
pub struct Compiled {
    /// The rules that compiled.
    pub engine: Engine,
    /// Rules and macros that did not compile.
    pub errors: Vec<Diagnostic>,
    /// Rules skipped on purpose (`skip-if-unknown-filter`), disabled or of unknown sources.
    pub warnings: Vec<Diagnostic>,
}

impl Engine {
    /// Compiles the enabled rules of `rules` whose source this engine knows.
    #[must_use]
    pub fn compile(rules: &RuleSet) -> Compiled {
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let lists: HashMap<String, Vec<Literal>> = rules
            .lists()
            .into_iter()
            .map(|list| {
                let items = list.items.iter().map(|item| list_item(item)).collect();
                (list.name, items)
            })
            .collect();
        let mut macros: HashMap<&str, Expr> = HashMap::new();
        for definition in rules.macros() {
            match condition::parse(&definition.condition) {
                Ok(expr) => {
                    macros.insert(definition.name.as_str(), expr);
                }
                Err(error) => errors.push(Diagnostic {
                    location: definition.condition_location.clone(),
                    code: "LOAD_ERR_COMPILE_CONDITION",
                    item: "macro",
                    name: definition.name.clone(),
                    message: error.to_string(),
                }),
            }
        }
        // A macro that refers back to itself is an error of the macro, used or not.
        for definition in rules.macros() {
            let Some(expr) = macros.get(definition.name.as_str()) else {
                continue;
            };
            let expanded =
                condition::expand(expr, &|name: &str| macros.get(name), &|name: &str| {
                    lists.get(name).map(Vec::as_slice)
                });
            if let Err(error @ condition::ExpandError::MacroCycle { .. }) = expanded {
                errors.push(Diagnostic {
                    location: definition.location.clone(),
                    code: "LOAD_ERR_VALIDATE",
                    item: "macro",
                    name: definition.name.clone(),
                    message: error.to_string(),
                });
            }
        }
        let mut engine = Engine::default();
        for rule in rules.rules() {
            let Some(source) = Source::from_name(&rule.source) else {
                continue;
            };
            if !rule.enabled {
                continue;
            }
            let diagnostic = |code: &'static str, message: String| Diagnostic {
                location: rule.condition_location.clone(),
                code,
                item: "rule",
                name: rule.name.clone(),
                message,
            };
            let unknown_exception_fields = exception_fields(rule, source);
            if !unknown_exception_fields.is_empty() {
                errors.extend(unknown_exception_fields);
                continue;
            }
            match engine.compile_rule(rule, source, &macros, &lists) {
                Ok(compiled) => engine.add(compiled),
                Err(error) if error.unknown_field && rule.skip_if_unknown_filter => {
                    warnings.push(diagnostic("LOAD_UNKNOWN_FIELD", error.message));
                }
                Err(error) => errors.push(diagnostic(error.code, error.message)),
            }
        }
        Compiled {
            engine,
            errors,
            warnings,
        }
    }

    /// Compiles one rule: its condition (macros and lists expanded) and its output.
    fn compile_rule(
        &mut self,
        rule: &crate::rules::Rule,
        source: Source,
        macros: &HashMap<&str, Expr>,
        lists: &HashMap<String, Vec<Literal>>,
    ) -> Result<CompiledRule, RuleError> {
        let expr = condition::parse(&rule.condition)
            .map_err(|error| RuleError::new("LOAD_ERR_COMPILE_CONDITION", &error))?;
        let expr = condition::expand(&expr, &|name: &str| macros.get(name), &|name: &str| {
            lists.get(name).map(Vec::as_slice)
        })
        .map_err(|error| {
            // Falco finds list loops when compiling the condition, macro problems when
            // validating it.
            let code = if matches!(error, condition::ExpandError::ListCycle { .. }) {
                "LOAD_ERR_COMPILE_CONDITION"
            } else {
                "LOAD_ERR_VALIDATE"
            };
            RuleError::new(code, &error)
        })?;
        let condition =
            compile::compile(&expr, source, &mut self.slots).map_err(|error| RuleError {
                unknown_field: matches!(
                    error,
                    compile::CompileError::Field(fields::ResolveError::Unknown { .. })
                ),
                ..RuleError::new("LOAD_ERR_COMPILE_CONDITION", &error)
            })?;
        let output = OutputTemplate::parse(&rule.output)
            .map_err(|error| RuleError::new("LOAD_ERR_COMPILE_OUTPUT", &error))?;
        let output_fields = output
            .fields()
            .iter()
            .map(|field| {
                self.slots
                    .field(source, field.name(), field.argument(), Vec::new())
                    .map(Some)
                    .map_err(|_| RuleError {
                        code: "LOAD_ERR_COMPILE_OUTPUT",
                        message: format!("invalid formatting token {field}"),
                        unknown_field: false,
                    })
            })
            .collect::<Result<_, _>>()?;
        Ok(CompiledRule {
            name: rule.name.clone(),
            priority: rule.priority,
            source,
            tags: rule.tags.clone(),
            condition,
            output,
            output_fields,
            hits: AtomicU64::new(0),
        })
    }

    fn add(&mut self, rule: CompiledRule) {
        self.by_source
            .entry(rule.source)
            .or_default()
            .push(self.rules.len());
        self.rules.push(rule);
    }

    /// Only rules of this priority or more severe raise alerts.
    pub fn set_minimum_priority(&mut self, priority: Priority) {
        self.minimum_priority = Some(priority);
    }

    /// The host name alerts carry.
    pub fn set_hostname(&mut self, hostname: impl Into<String>) {
        self.hostname = hostname.into();
    }

    /// The compiled rules, in load order.
    #[must_use]
    pub fn rules(&self) -> &[CompiledRule] {
        &self.rules
    }

    /// How many times each rule matched, in load order.
    pub fn hit_counts(&self) -> impl Iterator<Item = (&str, u64)> {
        self.rules
            .iter()
            .map(|rule| (rule.name.as_str(), rule.hits.load(Ordering::Relaxed)))
    }

    /// The alerts a Kubernetes audit event raises, in rule order. `time` is the event's time.
    pub fn audit_alerts(&self, event: &Value, time: Timestamp) -> Vec<Alert> {
        self.alerts(Source::K8sAudit, event, time)
    }

    /// The alerts an event of `source` raises, in rule order.
    pub fn alerts<E: Event>(&self, source: Source, event: &E, time: Timestamp) -> Vec<Alert> {
        let Some(indexes) = self.by_source.get(&source) else {
            return Vec::new();
        };
        let values = Values::new(event, self.slots.len());
        indexes
            .iter()
            .filter_map(|&index| self.rules.get(index))
            .filter(|rule| {
                self.minimum_priority
                    .is_none_or(|minimum| rule.priority.passes(minimum))
            })
            .filter(|rule| rule.condition.holds(&values))
            .map(|rule| {
                rule.hits.fetch_add(1, Ordering::Relaxed);
                self.alert(rule, &values, time)
            })
            .collect()
    }

    fn alert<E: Event>(
        &self,
        rule: &CompiledRule,
        values: &Values<'_, E>,
        time: Timestamp,
    ) -> Alert {
        let rendered = rule.output.render(|name, argument| {
            let index = rule
                .output
                .fields()
                .iter()
                .position(|field| field.name() == name && field.argument() == argument)?;
            let compiled = rule.output_fields.get(index)?.as_ref()?;
            output_value(values.get(compiled))
        });
        Alert::new(
            rendered,
            AlertDetails {
                time,
                rule: rule.name.clone(),
                priority: rule.priority,
                source: rule.source.name().to_owned(),
                tags: rule.tags.clone(),
                hostname: self.hostname.clone(),
            },
        )
    }
}

/// Why a rule does not compile, with Falco's code.
struct RuleError {
    code: &'static str,
    message: String,
    /// The condition names a field the source does not have, which `skip-if-unknown-filter`
    /// turns into a warning.
    unknown_field: bool,
}

impl RuleError {
    fn new(code: &'static str, error: &dyn std::fmt::Display) -> Self {
        Self {
            code,
            message: error.to_string(),
            unknown_field: false,
        }
    }
}

/// The exception fields of `rule` that `source` does not have, as Falco reports them: on the
/// exception, before the rule's condition is compiled.
fn exception_fields(rule: &crate::rules::Rule, source: Source) -> Vec<Diagnostic> {
    let names = |entry: &Entry| -> Vec<String> {
        match entry {
            Entry::Scalar(name) => vec![name.clone()],
            Entry::List(items) => items
                .iter()
                .filter_map(|item| match item {
                    Entry::Scalar(name) => Some(name.clone()),
                    Entry::List(_) => None,
                })
                .collect(),
        }
    };
    rule.exceptions
        .iter()
        .flat_map(|exception| {
            exception
                .fields
                .as_ref()
                .map(names)
                .unwrap_or_default()
                .into_iter()
                .filter(move |field| fields::resolve(source, field).is_err())
                .map(move |field| Diagnostic {
                    location: rule.location.clone(),
                    code: "LOAD_ERR_VALIDATE",
                    item: "exception",
                    name: exception.name.clone(),
                    message: format!("'{field}' is not a supported filter field"),
                })
        })
        .collect()
}

/// A list item as the condition parser reads list items, so list values and inline values
/// compare alike; an item that is not a valid bare value stays as written.
fn list_item(item: &str) -> Literal {
    condition::parse_list_item(item).unwrap_or_else(|_| Literal {
        text: item.to_owned(),
        quoted: true,
        span: condition::Span::default(),
    })
}

/// An extracted value as the output formatter prints it.
fn output_value(value: &fields::FieldValue<'_>) -> Option<output::FieldValue> {
    Some(match value {
        fields::FieldValue::Missing => return None,
        fields::FieldValue::Str(text) => output::FieldValue::Text(text.to_string()),
        fields::FieldValue::U64(number) => output::FieldValue::Unsigned(*number),
        fields::FieldValue::I64(number) => output::FieldValue::Integer(*number),
        fields::FieldValue::Bool(flag) => output::FieldValue::Bool(*flag),
        fields::FieldValue::List(items) => {
            output::FieldValue::List(items.iter().map(ToString::to_string).collect())
        }
    })
}
