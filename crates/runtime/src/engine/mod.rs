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
use crate::rules::{Location, RuleSet};
use compile::{CompiledField, FieldSlots};
use eval::{Event, Node, Values};

/// A problem found while compiling rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Where the item is defined.
    pub location: Location,
    /// `rule` or `macro`.
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
                    item: "macro",
                    name: definition.name.clone(),
                    message: format!("condition: {error}"),
                }),
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
            let diagnostic = |message: String| Diagnostic {
                location: rule.condition_location.clone(),
                item: "rule",
                name: rule.name.clone(),
                message,
            };
            let compiled = condition::parse(&rule.condition)
                .map_err(|error| format!("condition: {error}"))
                .and_then(|expr| {
                    condition::expand(&expr, &|name: &str| macros.get(name), &|name: &str| {
                        lists.get(name).map(Vec::as_slice)
                    })
                    .map_err(|error| error.to_string())
                })
                .and_then(|expr| {
                    compile::compile(&expr, source, &mut engine.slots)
                        .map_err(|error| error.to_string())
                })
                .and_then(|node| {
                    let output = OutputTemplate::parse(&rule.output)
                        .map_err(|error| format!("output: {error}"))?;
                    Ok((node, output))
                });
            match compiled {
                Ok((condition, output)) => {
                    let output_fields = output
                        .fields()
                        .iter()
                        .map(|field| {
                            engine
                                .slots
                                .field(source, field.name(), field.argument(), Vec::new())
                                .ok()
                        })
                        .collect();
                    engine.add(CompiledRule {
                        name: rule.name.clone(),
                        priority: rule.priority,
                        source,
                        tags: rule.tags.clone(),
                        condition,
                        output,
                        output_fields,
                        hits: AtomicU64::new(0),
                    });
                }
                Err(message) if rule.skip_if_unknown_filter => warnings.push(diagnostic(message)),
                Err(message) => errors.push(diagnostic(message)),
            }
        }
        Compiled {
            engine,
            errors,
            warnings,
        }
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
