//! Reading one top-level item of a rules file into what it asks the loader to do.
//!
//! This follows falcosecurity/falco `userspace/engine/rule_loader_reader.cpp` (`read_item`):
//! the same keys are required in the same order, scalars decode the way yaml-cpp does, and
//! the first problem ends the item with the error Falco reports. Combining items across files
//! (appends, overrides, redefinitions) is [`super::load`]'s job; conditions stay text for the
//! condition parser.

use std::collections::BTreeSet;

use super::error::{Change, ErrorKind, ItemKind, WarningKind};
use super::exceptions::{Entry, Exception};
use super::yaml::{Node, NodeKind, Position};
use super::{EngineVersion, PluginRequirement};
use crate::output::Priority;

/// An error before the file name is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault {
    pub(crate) item: ItemKind,
    pub(crate) name: String,
    pub(crate) position: Position,
    pub(crate) kind: ErrorKind,
}

/// A warning before the file name is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Notice {
    pub(crate) item: ItemKind,
    pub(crate) name: String,
    pub(crate) position: Position,
    pub(crate) kind: WarningKind,
}

/// The item and name diagnostics of one item are about, and where the item starts.
#[derive(Debug, Clone)]
struct Context {
    item: ItemKind,
    name: String,
    position: Position,
}

impl Context {
    fn new(item: ItemKind, name: &str, position: Position) -> Self {
        Self {
            item,
            name: name.to_owned(),
            position,
        }
    }

    fn fault(&self, kind: ErrorKind) -> Fault {
        self.fault_at(self.position, kind)
    }

    fn fault_at(&self, position: Position, kind: ErrorKind) -> Fault {
        Fault {
            item: self.item,
            name: self.name.clone(),
            position,
            kind,
        }
    }

    fn notice(&self, position: Position, kind: WarningKind) -> Notice {
        Notice {
            item: self.item,
            name: self.name.clone(),
            position,
            kind,
        }
    }
}

/// A complete rule definition.
#[derive(Debug, Clone)]
pub(crate) struct RuleDefinition {
    pub(crate) name: String,
    pub(crate) condition: String,
    pub(crate) condition_position: Position,
    pub(crate) output: String,
    pub(crate) description: String,
    pub(crate) priority: Priority,
    pub(crate) source: String,
    pub(crate) enabled: bool,
    pub(crate) warn_evttypes: bool,
    pub(crate) skip_if_unknown_filter: bool,
    pub(crate) tags: BTreeSet<String>,
    pub(crate) exceptions: Vec<Exception>,
    pub(crate) position: Position,
}

/// The fields an append or a replace carries for an existing rule.
#[derive(Debug, Clone, Default)]
pub(crate) struct RuleUpdate {
    pub(crate) name: String,
    pub(crate) condition: Option<String>,
    pub(crate) output: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) tags: Option<BTreeSet<String>>,
    pub(crate) exceptions: Option<Vec<Exception>>,
    pub(crate) priority: Option<Priority>,
    pub(crate) enabled: Option<bool>,
    pub(crate) warn_evttypes: Option<bool>,
    pub(crate) skip_if_unknown_filter: Option<bool>,
    pub(crate) position: Position,
}

impl RuleUpdate {
    /// Falco's `has_any_value`: whether the update changes anything.
    pub(crate) fn has_any_value(&self) -> bool {
        self.condition.is_some()
            || self.output.is_some()
            || self.description.is_some()
            || self.tags.is_some()
            || self.exceptions.is_some()
            || self.priority.is_some()
            || self.enabled.is_some()
            || self.warn_evttypes.is_some()
            || self.skip_if_unknown_filter.is_some()
    }
}

/// What one top-level item asks the loader to do.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    EngineVersion {
        version: EngineVersion,
        written: String,
        position: Position,
    },
    PluginVersions(Vec<PluginRequirement>),
    List {
        name: String,
        items: Vec<String>,
        /// `Some` when the items are appended to an earlier list.
        append: Option<Change>,
        position: Position,
    },
    Macro {
        name: String,
        condition: String,
        condition_position: Position,
        append: Option<Change>,
        position: Position,
    },
    Rule(Box<RuleDefinition>),
    /// Append to (`AppendKey`, `OverrideAppend`) or replace in (`OverrideReplace`) a rule.
    Update(Box<RuleUpdate>, Change),
    Enable {
        name: String,
        enabled: bool,
        position: Position,
    },
    /// An error Falco reports only after applying the item's earlier updates.
    Fail(Fault),
}

/// Keys each item kind has (falcosecurity/falco `rule_json_schema.h`); others are warned about.
const LIST_KEYS: &[&str] = &["list", "items", "append", "override"];
const MACRO_KEYS: &[&str] = &["macro", "condition", "append", "override"];
const RULE_KEYS: &[&str] = &[
    "rule",
    "condition",
    "output",
    "desc",
    "priority",
    "tags",
    "source",
    "enabled",
    "exceptions",
    "warn_evttypes",
    "skip-if-unknown-filter",
    "append",
    "override",
    "capture",
    "capture_duration",
];

/// Rule keys `override` may append to, in the order Falco applies them.
const RULE_APPENDABLE: &[&str] = &["condition", "exceptions", "output", "desc", "tags"];
/// Rule keys `override` may replace, in the order Falco applies them.
const RULE_REPLACEABLE: &[&str] = &[
    "condition",
    "exceptions",
    "output",
    "desc",
    "tags",
    "priority",
    "enabled",
    "warn_evttypes",
    "skip-if-unknown-filter",
];

/// Reads one element of a document's top-level sequence.
pub(crate) fn read_item(node: &Node, notices: &mut Vec<Notice>) -> Result<Vec<Item>, Fault> {
    let item_context = Context::new(ItemKind::RulesContentItem, "", node.position);
    if !matches!(node.kind, NodeKind::Mapping(_)) {
        return Err(item_context.fault(ErrorKind::ItemNotMapping));
    }
    let position = node.position;
    if node.get("required_engine_version").is_some() {
        let context = Context::new(ItemKind::RequiredEngineVersion, "", position);
        return read_engine_version(node, &context).map(|item| vec![item]);
    }
    if let Some(versions) = node.get("required_plugin_versions") {
        let context = Context::new(ItemKind::RequiredPluginVersions, "", versions.position);
        return read_plugin_versions(versions, &context);
    }
    if node.get("list").is_some() {
        return read_list(node, notices).map(|item| vec![item]);
    }
    if node.get("macro").is_some() {
        return read_macro(node, notices).map(|item| vec![item]);
    }
    if node.get("rule").is_some() {
        return read_rule(node, notices);
    }
    notices.push(item_context.notice(position, WarningKind::UnknownItem));
    Ok(Vec::new())
}

fn warn_unknown_keys(node: &Node, known: &[&str], context: &Context, notices: &mut Vec<Notice>) {
    if let NodeKind::Mapping(entries) = &node.kind {
        for (key, _) in entries {
            let text = key.scalar().unwrap_or_default();
            if !known.contains(&text) {
                let kind = WarningKind::UnknownKey {
                    key: text.to_owned(),
                };
                notices.push(context.notice(key.position, kind));
            }
        }
    }
}

/// Falco's `decode_val`: a required or optional non-empty scalar; `None` only when optional
/// and absent.
fn scalar<'a>(
    node: &'a Node,
    key: &'static str,
    context: &Context,
    required: bool,
) -> Result<Option<(&'a str, Position)>, Fault> {
    let Some(value) = node.get(key) else {
        return if required {
            Err(context.fault(ErrorKind::MissingKey { key }))
        } else {
            Ok(None)
        };
    };
    if value.is_null() {
        return Err(context.fault(ErrorKind::EmptyKey { key }));
    }
    let NodeKind::Scalar { text, .. } = &value.kind else {
        return Err(context.fault_at(value.position, ErrorKind::NotScalar { key }));
    };
    if text.is_empty() {
        return Err(context.fault_at(value.position, ErrorKind::EmptyValue { key }));
    }
    Ok(Some((text, value.position)))
}

fn required<'a>(
    node: &'a Node,
    key: &'static str,
    context: &Context,
) -> Result<(&'a str, Position), Fault> {
    scalar(node, key, context, true)?.ok_or_else(|| context.fault(ErrorKind::MissingKey { key }))
}

fn optional_bool(node: &Node, key: &'static str, context: &Context) -> Result<Option<bool>, Fault> {
    let Some((text, position)) = scalar(node, key, context, false)? else {
        return Ok(None);
    };
    parse_bool(text).map(Some).ok_or_else(|| {
        context.fault_at(
            position,
            ErrorKind::Decode {
                key,
                expected: "bool",
                value: text.to_owned(),
            },
        )
    })
}

fn required_bool(node: &Node, key: &'static str, context: &Context) -> Result<bool, Fault> {
    optional_bool(node, key, context)?.ok_or_else(|| context.fault(ErrorKind::MissingKey { key }))
}

/// yaml-cpp's `convert<bool>`: true/false, yes/no, on/off, y/n in lower, upper or title case.
fn parse_bool(text: &str) -> Option<bool> {
    const PAIRS: &[(&str, bool)] = &[
        ("true", true),
        ("false", false),
        ("yes", true),
        ("no", false),
        ("on", true),
        ("off", false),
        ("y", true),
        ("n", false),
    ];
    PAIRS.iter().find_map(|&(word, value)| {
        let title = text
            .get(..1)
            .is_some_and(|first| first == first.to_uppercase())
            && text
                .get(1..)
                .is_some_and(|rest| rest == rest.to_lowercase());
        let cased = text == text.to_lowercase() || text == text.to_uppercase() || title;
        (cased && text.eq_ignore_ascii_case(word)).then_some(value)
    })
}

/// Falco's `decode_seq` for `items` and `tags`: a sequence of scalars.
fn scalar_sequence(
    node: &Node,
    key: &'static str,
    context: &Context,
    required: bool,
) -> Result<Option<Vec<String>>, Fault> {
    let Some(value) = node.get(key) else {
        return if required {
            Err(context.fault(ErrorKind::MissingKey { key }))
        } else {
            Ok(None)
        };
    };
    let NodeKind::Sequence(elements) = &value.kind else {
        return Err(context.fault_at(value.position, ErrorKind::NotSequence { key }));
    };
    elements
        .iter()
        .map(|element| match &element.kind {
            NodeKind::Scalar { text, .. } if !element.is_null() => Ok(text.clone()),
            _ => Err(context.fault_at(element.position, ErrorKind::SequenceItemNotScalar { key })),
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn tags(node: &Node, context: &Context) -> Result<Option<BTreeSet<String>>, Fault> {
    Ok(scalar_sequence(node, "tags", context, false)?.map(|tags| tags.into_iter().collect()))
}

fn read_engine_version(node: &Node, context: &Context) -> Result<Item, Fault> {
    let (text, position) = required(node, "required_engine_version", context)?;
    let version = if text.bytes().all(|byte| byte.is_ascii_digit()) {
        text.parse::<u32>().ok().map(EngineVersion::implicit)
    } else {
        EngineVersion::parse(text)
    };
    let version = version.ok_or_else(|| {
        context.fault_at(
            position,
            ErrorKind::Decode {
                key: "required_engine_version",
                expected: "engine version",
                value: text.to_owned(),
            },
        )
    })?;
    Ok(Item::EngineVersion {
        version,
        written: text.to_owned(),
        position: context.position,
    })
}

fn read_plugin_versions(versions: &Node, context: &Context) -> Result<Vec<Item>, Fault> {
    let NodeKind::Sequence(entries) = &versions.kind else {
        return Err(context.fault(ErrorKind::PluginVersionsNotSequence));
    };
    let mut items = Vec::with_capacity(entries.len());
    for entry in entries {
        let unnamed = Context::new(ItemKind::RequiredPluginVersions, "", entry.position);
        if !matches!(entry.kind, NodeKind::Mapping(_)) {
            return Err(unnamed.fault(ErrorKind::PluginVersionNotMapping));
        }
        let requirement = read_requirement(entry, &unnamed)?;
        let named = Context::new(
            ItemKind::RequiredPluginVersions,
            &requirement.name,
            entry.position,
        );
        let mut alternatives = vec![requirement];
        if let Some(others) = entry.get("alternatives") {
            let NodeKind::Sequence(others) = &others.kind else {
                return Err(named.fault(ErrorKind::AlternativesNotSequence));
            };
            for other in others {
                let context = Context::new(ItemKind::RequiredPluginVersions, "", other.position);
                if !matches!(other.kind, NodeKind::Mapping(_)) {
                    return Err(context.fault(ErrorKind::AlternativeNotMapping));
                }
                alternatives.push(read_requirement(other, &context)?);
            }
        }
        let mut seen = BTreeSet::new();
        for alternative in &alternatives {
            if EngineVersion::parse(&alternative.version).is_none() {
                return Err(named.fault(ErrorKind::InvalidPluginVersion {
                    plugin: alternative.name.clone(),
                    version: alternative.version.clone(),
                }));
            }
            if !seen.insert(alternative.name.as_str()) {
                return Err(named.fault(ErrorKind::DuplicatePluginAlternative {
                    plugin: alternative.name.clone(),
                }));
            }
        }
        items.push(Item::PluginVersions(alternatives));
    }
    Ok(items)
}

fn read_requirement(node: &Node, context: &Context) -> Result<PluginRequirement, Fault> {
    let (name, _) = required(node, "name", context)?;
    let context = Context::new(context.item, name, context.position);
    let (version, _) = required(node, "version", &context)?;
    Ok(PluginRequirement {
        name: name.to_owned(),
        version: version.to_owned(),
    })
}

/// Falco's `decode_overrides`: the keys to append to and to replace.
fn overrides(
    node: &Node,
    appendable: &[&'static str],
    replaceable: &[&'static str],
    context: &Context,
) -> Result<(Vec<&'static str>, Vec<&'static str>), Fault> {
    let Some(value) = node.get("override") else {
        return Ok((Vec::new(), Vec::new()));
    };
    let NodeKind::Mapping(entries) = &value.kind else {
        return Err(context.fault_at(value.position, ErrorKind::OverrideNotMapping));
    };
    let (mut append, mut replace) = (Vec::new(), Vec::new());
    for (key, operation) in entries {
        let key_text = key.scalar().unwrap_or_default();
        let can_append = appendable.iter().find(|known| **known == key_text);
        let can_replace = replaceable.iter().find(|known| **known == key_text);
        match operation.scalar() {
            Some("append") => {
                let Some(known) = can_append else {
                    let kind = ErrorKind::CannotAppend {
                        key: key_text.to_owned(),
                    };
                    return Err(context.fault_at(key.position, kind));
                };
                append.push(*known);
            }
            Some("replace") => {
                let Some(known) = can_replace else {
                    let kind = ErrorKind::CannotReplace {
                        key: key_text.to_owned(),
                    };
                    return Err(context.fault_at(key.position, kind));
                };
                replace.push(*known);
            }
            other => {
                let allowed = match (can_append.is_some(), can_replace.is_some()) {
                    (true, true) => "append replace ",
                    (true, false) => "append ",
                    (false, true) => "replace ",
                    (false, false) => "",
                };
                let kind = ErrorKind::InvalidOverride {
                    key: key_text.to_owned(),
                    operation: other.unwrap_or_default().to_owned(),
                    allowed,
                };
                return Err(context.fault_at(operation.position, kind));
            }
        }
    }
    Ok((append, replace))
}

/// The deprecated `append: true` key, with its warning.
fn append_key(node: &Node, context: &Context, notices: &mut Vec<Notice>) -> Result<bool, Fault> {
    let append = optional_bool(node, "append", context)?.unwrap_or(false);
    if append {
        notices.push(context.notice(context.position, WarningKind::DeprecatedAppend));
    }
    Ok(append)
}

/// How an item without a full definition changes the earlier one of the same name.
fn change(append_key: bool, override_append: bool) -> Option<Change> {
    if append_key {
        Some(Change::AppendKey)
    } else if override_append {
        Some(Change::OverrideAppend)
    } else {
        None
    }
}

fn read_list(node: &Node, notices: &mut Vec<Notice>) -> Result<Item, Fault> {
    let unnamed = Context::new(ItemKind::List, "", node.position);
    let (name, _) = required(node, "list", &unnamed)?;
    let context = Context::new(ItemKind::List, name, node.position);
    if !is_bare_string(name) {
        return Err(context.fault(ErrorKind::InvalidListName));
    }
    warn_unknown_keys(node, LIST_KEYS, &context, notices);
    let items = scalar_sequence(node, "items", &context, true)?.unwrap_or_default();
    let append_key = append_key(node, &context, notices)?;
    let (append, replace) = overrides(node, &["items"], &["items"], &context)?;
    if append_key && !(append.is_empty() && replace.is_empty()) {
        return Err(context.fault(ErrorKind::OverrideWithAppend));
    }
    Ok(Item::List {
        name: name.to_owned(),
        items,
        append: change(append_key, !append.is_empty()),
        position: node.position,
    })
}

fn read_macro(node: &Node, notices: &mut Vec<Notice>) -> Result<Item, Fault> {
    let unnamed = Context::new(ItemKind::Macro, "", node.position);
    let (name, _) = required(node, "macro", &unnamed)?;
    let context = Context::new(ItemKind::Macro, name, node.position);
    if !is_identifier(name) {
        return Err(context.fault(ErrorKind::InvalidMacroName));
    }
    warn_unknown_keys(node, MACRO_KEYS, &context, notices);
    let (condition, condition_position) = required(node, "condition", &context)?;
    let append_key = append_key(node, &context, notices)?;
    let (append, replace) = overrides(node, &["condition"], &["condition"], &context)?;
    if append_key && !(append.is_empty() && replace.is_empty()) {
        return Err(context.fault(ErrorKind::OverrideWithAppend));
    }
    Ok(Item::Macro {
        name: name.to_owned(),
        condition: condition.to_owned(),
        condition_position,
        append: change(append_key, !append.is_empty()),
        position: node.position,
    })
}

/// Falco's list name pattern `[^()"'[:space:]=,]+`.
fn is_bare_string(name: &str) -> bool {
    !name.is_empty()
        && !name
            .chars()
            .any(|c| matches!(c, '(' | ')' | '"' | '\'' | '=' | ',') || c.is_whitespace())
}

/// Falco's macro name pattern `[a-zA-Z]+[a-zA-Z0-9_]*`.
fn is_identifier(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn read_rule(node: &Node, notices: &mut Vec<Notice>) -> Result<Vec<Item>, Fault> {
    let unnamed = Context::new(ItemKind::Rule, "", node.position);
    let (name, _) = required(node, "rule", &unnamed)?;
    let context = Context::new(ItemKind::Rule, name, node.position);
    warn_unknown_keys(node, RULE_KEYS, &context, notices);
    let append_key = append_key(node, &context, notices)?;
    let (append, replace) = overrides(node, RULE_APPENDABLE, RULE_REPLACEABLE, &context)?;
    if append_key && !(append.is_empty() && replace.is_empty()) {
        return Err(context.fault(ErrorKind::OverrideWithAppend));
    }
    if !(append.is_empty() && replace.is_empty()) {
        return read_rule_overrides(node, &context, &append, &replace, notices);
    }
    if append_key {
        let mut update = RuleUpdate {
            name: name.to_owned(),
            position: node.position,
            ..RuleUpdate::default()
        };
        if node.get("condition").is_some() {
            update.condition = Some(required(node, "condition", &context)?.0.to_owned());
        }
        if node.get("exceptions").is_some() {
            update.exceptions = Some(read_exceptions(node, &context, true, notices)?);
        }
        return Ok(vec![Item::Update(Box::new(update), Change::AppendKey)]);
    }
    let defines = ["condition", "output", "desc", "priority"]
        .iter()
        .any(|key| node.get(key).is_some());
    if !defines {
        let enabled = required_bool(node, "enabled", &context)?;
        notices.push(context.notice(node.position, WarningKind::DeprecatedEnabled));
        return Ok(vec![Item::Enable {
            name: name.to_owned(),
            enabled,
            position: node.position,
        }]);
    }
    read_rule_definition(node, &context, notices).map(|rule| vec![Item::Rule(Box::new(rule))])
}

fn read_rule_definition(
    node: &Node,
    context: &Context,
    notices: &mut Vec<Notice>,
) -> Result<RuleDefinition, Fault> {
    let (condition, condition_position) = required(node, "condition", context)?;
    let (output, _) = required(node, "output", context)?;
    let (description, _) = required(node, "desc", context)?;
    let priority = priority(node, context)?;
    let source = scalar(node, "source", context, false)?.map_or("syscall", |(text, _)| text);
    Ok(RuleDefinition {
        name: context.name.clone(),
        condition: condition.to_owned(),
        condition_position,
        output: output.trim().to_owned(),
        description: description.to_owned(),
        priority,
        source: source.to_owned(),
        enabled: optional_bool(node, "enabled", context)?.unwrap_or(true),
        warn_evttypes: optional_bool(node, "warn_evttypes", context)?.unwrap_or(true),
        skip_if_unknown_filter: optional_bool(node, "skip-if-unknown-filter", context)?
            .unwrap_or(false),
        tags: tags(node, context)?.unwrap_or_default(),
        exceptions: read_exceptions(node, context, false, notices)?,
        position: node.position,
    })
}

fn priority(node: &Node, context: &Context) -> Result<Priority, Fault> {
    let (text, position) = required(node, "priority", context)?;
    text.parse().map_err(|_| {
        let kind = ErrorKind::InvalidPriority {
            value: text.to_owned(),
        };
        context.fault_at(position, kind)
    })
}

/// An item with `override`: an append update, then a replace update, then an error for any
/// overridable key the item defines but `override` does not mention (Falco's order).
fn read_rule_overrides(
    node: &Node,
    context: &Context,
    append: &[&'static str],
    replace: &[&'static str],
    notices: &mut Vec<Notice>,
) -> Result<Vec<Item>, Fault> {
    let mut expected: Vec<&'static str> = RULE_REPLACEABLE
        .iter()
        .copied()
        .filter(|key| node.get(key).is_some())
        .collect();
    let mut items = Vec::new();
    for (keys, operation, change) in [
        (append, "append", Change::OverrideAppend),
        (replace, "replace", Change::OverrideReplace),
    ] {
        if keys.is_empty() {
            continue;
        }
        let mut update = RuleUpdate {
            name: context.name.clone(),
            position: node.position,
            ..RuleUpdate::default()
        };
        let order = if change == Change::OverrideAppend {
            RULE_APPENDABLE
        } else {
            RULE_REPLACEABLE
        };
        for key in order.iter().copied().filter(|key| keys.contains(key)) {
            let Some(index) = expected.iter().position(|known| *known == key) else {
                let kind = ErrorKind::OverrideOfUndefinedKey { operation, key };
                return Err(context.fault(kind));
            };
            expected.remove(index);
            read_update_key(node, key, context, &mut update, notices)?;
        }
        items.push(Item::Update(Box::new(update), change));
    }
    if let Some(key) = expected.first().copied() {
        let position = node.get(key).map_or(node.position, |value| value.position);
        let kind = ErrorKind::KeyWithoutOverride { key };
        items.push(Item::Fail(context.fault_at(position, kind)));
    }
    Ok(items)
}

fn read_update_key(
    node: &Node,
    key: &'static str,
    context: &Context,
    update: &mut RuleUpdate,
    notices: &mut Vec<Notice>,
) -> Result<(), Fault> {
    let text = |key| required(node, key, context).map(|(text, _)| text.to_owned());
    match key {
        "condition" => update.condition = Some(text(key)?),
        "output" => update.output = Some(text(key)?),
        "desc" => update.description = Some(text(key)?),
        "tags" => update.tags = tags(node, context)?,
        "exceptions" => update.exceptions = Some(read_exceptions(node, context, true, notices)?),
        "priority" => update.priority = Some(priority(node, context)?),
        "enabled" => update.enabled = Some(required_bool(node, key, context)?),
        "warn_evttypes" => update.warn_evttypes = Some(required_bool(node, key, context)?),
        _ => update.skip_if_unknown_filter = Some(required_bool(node, key, context)?),
    }
    Ok(())
}

/// Falco's `read_rule_exceptions`; `append` makes `fields` optional and warns about an
/// exception without `values`.
fn read_exceptions(
    node: &Node,
    rule: &Context,
    append: bool,
    notices: &mut Vec<Notice>,
) -> Result<Vec<Exception>, Fault> {
    let Some(list) = node.get("exceptions").filter(|list| !list.is_null()) else {
        return Ok(Vec::new());
    };
    let NodeKind::Sequence(entries) = &list.kind else {
        return Err(rule.fault_at(list.position, ErrorKind::ExceptionsNotSequence));
    };
    let mut exceptions: Vec<Exception> = Vec::with_capacity(entries.len());
    for entry in entries {
        let unnamed = Context::new(ItemKind::Exception, "", entry.position);
        if !matches!(entry.kind, NodeKind::Mapping(_)) {
            return Err(unnamed.fault(ErrorKind::ExceptionNotMapping));
        }
        let (name, _) = required(entry, "name", &unnamed)?;
        let context = Context::new(ItemKind::Exception, name, entry.position);
        if exceptions.iter().any(|known| known.name == name) {
            return Err(context.fault(ErrorKind::DuplicateException));
        }
        let fields = exception_entry(entry.get("fields"), "fields", &context, !append)?;
        let comps = exception_entry(entry.get("comps"), "comps", &context, false)?;
        let mut values = Vec::new();
        match entry.get("values") {
            Some(list) => {
                let NodeKind::Sequence(items) = &list.kind else {
                    return Err(
                        context.fault_at(list.position, ErrorKind::ExceptionValuesNotSequence)
                    );
                };
                for item in items {
                    let value = exception_entry(Some(item), "values", &context, true)?;
                    values.push(value.unwrap_or_else(|| Entry::Scalar(String::new())));
                }
            }
            None if append => {
                notices.push(context.notice(entry.position, WarningKind::AppendWithoutValues));
            }
            None => {}
        }
        exceptions.push(Exception {
            name: name.to_owned(),
            fields,
            comps,
            values,
            position: entry.position,
        });
    }
    Ok(exceptions)
}

/// Falco's `decode_exception_info_entry`: a non-empty scalar or a sequence of entries; a
/// mapping or null is no entry at the top and an empty scalar inside a sequence.
fn exception_entry(
    value: Option<&Node>,
    key: &'static str,
    context: &Context,
    required: bool,
) -> Result<Option<Entry>, Fault> {
    let Some(value) = value else {
        return if required {
            Err(context.fault(ErrorKind::MissingKey { key }))
        } else {
            Ok(None)
        };
    };
    match &value.kind {
        NodeKind::Scalar { text, .. } if !value.is_null() => {
            if text.is_empty() {
                return Err(context.fault_at(value.position, ErrorKind::EmptyValue { key }));
            }
            Ok(Some(Entry::Scalar(text.clone())))
        }
        NodeKind::Sequence(items) => {
            let mut entries = Vec::with_capacity(items.len());
            for item in items {
                let entry = exception_entry(Some(item), key, context, true)?;
                entries.push(entry.unwrap_or_else(|| Entry::Scalar(String::new())));
            }
            Ok(Some(Entry::List(entries)))
        }
        _ => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bools_follow_yaml_cpp() {
        for text in ["true", "True", "TRUE", "yes", "on", "y", "Y"] {
            assert_eq!(parse_bool(text), Some(true), "{text}");
        }
        for text in ["false", "No", "OFF", "n"] {
            assert_eq!(parse_bool(text), Some(false), "{text}");
        }
        for text in ["tRue", "1", "", "maybe"] {
            assert_eq!(parse_bool(text), None, "{text}");
        }
    }

    #[test]
    fn names_follow_falco_patterns() {
        assert!(is_identifier("open_write2"));
        assert!(!is_identifier("2open"));
        assert!(!is_identifier("some macro"));
        assert!(is_bare_string("k8s-audit.list/x"));
        assert!(!is_bare_string("a list"));
        assert!(!is_bare_string("a,b"));
    }
}
