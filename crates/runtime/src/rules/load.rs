//! [`RuleSet`]: rules files combined in load order, as Falco's rule collector combines them.
//!
//! Mirrors falcosecurity/falco `userspace/engine/rule_loader_collector.cpp`: a definition of an
//! existing name replaces it in place (rules keep the position of their first definition),
//! appends join text with a space and add list items, tags and exception values, replaces set
//! fields, and every definition, append or replace advances the counter Falco calls
//! visibility. Reading single items is [`super::items`]' job.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::error::{Change, ErrorKind, ItemKind, LoadError, LoadWarning, Location, WarningKind};
use super::exceptions::{Exception, append_to_condition};
use super::items::{Fault, Item, Notice, RuleDefinition, RuleUpdate, read_item};
use super::yaml::{NodeKind, Position, parse_documents};
use super::{EngineVersion, List, Macro, PluginRequirement, Rule};

/// Largest rules file the loader reads: the four official files together are under 1 MiB.
const MAX_FILE_BYTES: usize = 64 << 20;

/// A list as collected, before earlier lists are expanded into it.
#[derive(Debug, Clone)]
struct ListInfo {
    name: String,
    items: Vec<String>,
    location: Location,
    index: u32,
    visibility: u32,
}

/// Rules, macros and lists from rules files loaded in order, with the errors and warnings
/// found on the way.
///
/// ```
/// use custody_runtime::output::Priority;
/// use custody_runtime::rules::RuleSet;
///
/// let mut rules = RuleSet::new();
/// rules.load_str("base.yaml", "
/// - list: shells
///   items: [bash, sh]
/// - rule: shell
///   desc: a shell started
///   condition: proc.name in (shells)
///   output: shell %proc.name
///   priority: WARNING
/// ");
/// rules.load_str("local.yaml", "
/// - list: shells
///   items: [zsh]
///   override: {items: append}
/// - rule: shell
///   exceptions:
///     - name: ci
///       fields: [proc.pname]
///       values: [[runner]]
///   override: {exceptions: append}
/// ");
/// assert!(rules.errors().is_empty(), "{:?}", rules.errors());
/// assert_eq!(rules.lists()[0].items, ["bash", "sh", "zsh"]);
/// let rule = &rules.rules()[0];
/// assert_eq!(rule.priority, Priority::Warning);
/// assert_eq!(rule.condition, "(proc.name in (shells)) and not (( proc.pname = runner))");
/// ```
#[derive(Debug, Clone)]
pub struct RuleSet {
    sources: Vec<String>,
    lists: Vec<ListInfo>,
    list_names: HashMap<String, usize>,
    macros: Vec<Macro>,
    macro_names: HashMap<String, usize>,
    rules: Vec<Rule>,
    rule_names: HashMap<String, usize>,
    counter: u32,
    required_engine_version: Option<EngineVersion>,
    required_plugin_versions: Vec<Vec<PluginRequirement>>,
    errors: Vec<LoadError>,
    warnings: Vec<LoadWarning>,
    /// The file whose items are being applied, for their locations.
    file: Arc<str>,
}

impl Default for RuleSet {
    fn default() -> Self {
        Self::new()
    }
}

impl RuleSet {
    /// An empty set for the sources custody has: `syscall` and `k8s_audit`.
    pub fn new() -> Self {
        Self::with_sources(["syscall", "k8s_audit"])
    }

    /// An empty set for the given event sources; rules of other sources load with a warning
    /// and are marked not [`Rule::known_source`].
    pub fn with_sources<S: Into<String>>(sources: impl IntoIterator<Item = S>) -> Self {
        Self {
            sources: sources.into_iter().map(Into::into).collect(),
            lists: Vec::new(),
            list_names: HashMap::new(),
            macros: Vec::new(),
            macro_names: HashMap::new(),
            rules: Vec::new(),
            rule_names: HashMap::new(),
            counter: 0,
            required_engine_version: None,
            required_plugin_versions: Vec::new(),
            errors: Vec::new(),
            warnings: Vec::new(),
            file: Arc::from(""),
        }
    }

    /// Reads and loads one rules file; see [`RuleSet::load_str`]. An I/O error is returned;
    /// a file too large or not UTF-8 is recorded as a [`LoadError`].
    pub fn load_file(&mut self, path: &Path) -> std::io::Result<bool> {
        let file = fs_err::File::open(path)?;
        let mut bytes = Vec::new();
        let limit = u64::try_from(MAX_FILE_BYTES).unwrap_or(u64::MAX);
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        let name = path.display().to_string();
        if bytes.len() > MAX_FILE_BYTES {
            let kind = ErrorKind::TooLarge {
                limit: MAX_FILE_BYTES,
            };
            self.error_at(
                &name.into(),
                ItemKind::RulesContent,
                "",
                Position::default(),
                kind,
            );
            return Ok(false);
        }
        let Ok(text) = String::from_utf8(bytes) else {
            let kind = ErrorKind::NotUtf8;
            self.error_at(
                &name.into(),
                ItemKind::RulesContent,
                "",
                Position::default(),
                kind,
            );
            return Ok(false);
        };
        Ok(self.load_str(&name, &text))
    }

    /// Loads one rules file's text, named `file` in diagnostics, on top of what is loaded.
    ///
    /// Like Falco, loading the file stops at its first error (recorded in
    /// [`RuleSet::errors`]); items before it stay loaded. Returns whether the file loaded
    /// without error.
    pub fn load_str(&mut self, file: &str, text: &str) -> bool {
        let file: Arc<str> = Arc::from(file);
        self.file = Arc::clone(&file);
        let mut notices = Vec::new();
        let result = self.load_documents(text, &mut notices);
        for notice in notices {
            self.warnings.push(LoadWarning {
                location: location(&file, notice.position),
                item: notice.item,
                name: notice.name,
                kind: notice.kind,
            });
        }
        match result {
            Ok(()) => true,
            Err(fault) => {
                self.error_at(&file, fault.item, &fault.name, fault.position, fault.kind);
                false
            }
        }
    }

    fn error_at(
        &mut self,
        file: &Arc<str>,
        item: ItemKind,
        name: &str,
        position: Position,
        kind: ErrorKind,
    ) {
        self.errors.push(LoadError {
            location: location(file, position),
            item,
            name: name.to_owned(),
            kind,
        });
    }

    fn load_documents(&mut self, text: &str, notices: &mut Vec<Notice>) -> Result<(), Fault> {
        let documents = parse_documents(text).map_err(|error| Fault {
            item: ItemKind::RulesContent,
            name: String::new(),
            position: error.position,
            kind: ErrorKind::Syntax {
                message: error.message,
            },
        })?;
        for document in documents.iter().flatten() {
            let content = |kind| Fault {
                item: ItemKind::RulesContent,
                name: String::new(),
                position: document.position,
                kind,
            };
            match &document.kind {
                _ if document.is_null() => {}
                NodeKind::Scalar { .. } => return Err(content(ErrorKind::NotYaml)),
                NodeKind::Mapping(_) => return Err(content(ErrorKind::NotSequenceOfItems)),
                NodeKind::Sequence(elements) => {
                    for element in elements.iter().filter(|element| !element.is_null()) {
                        let mut warnings = Vec::new();
                        let items = read_item(element, &mut warnings);
                        notices.append(&mut warnings);
                        for item in items? {
                            self.apply(item, notices)?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn next_index(&mut self) -> u32 {
        let index = self.counter;
        self.counter = self.counter.saturating_add(1);
        index
    }

    fn apply(&mut self, item: Item, notices: &mut Vec<Notice>) -> Result<(), Fault> {
        match item {
            Item::EngineVersion {
                version,
                written,
                position,
            } => {
                if !EngineVersion::CURRENT.satisfies(version) {
                    return Err(Fault {
                        item: ItemKind::RequiredEngineVersion,
                        name: String::new(),
                        position,
                        kind: ErrorKind::EngineVersion {
                            required: written,
                            engine: EngineVersion::CURRENT,
                        },
                    });
                }
                if self
                    .required_engine_version
                    .is_none_or(|known| known < version)
                {
                    self.required_engine_version = Some(version);
                }
            }
            Item::PluginVersions(alternatives) => {
                self.required_plugin_versions.push(alternatives);
            }
            Item::List {
                name,
                items,
                append,
                position,
            } => self.apply_list(name, items, append, position)?,
            Item::Macro {
                name,
                condition,
                condition_position,
                append,
                position,
            } => self.apply_macro(name, condition, condition_position, append, position)?,
            Item::Rule(definition) => self.define_rule(*definition, notices)?,
            Item::Update(update, change) => self.update_rule(*update, change)?,
            Item::Enable {
                name,
                enabled,
                position,
            } => {
                let Some(&slot) = self.rule_names.get(&name) else {
                    return Err(no_previous(ItemKind::Rule, name, position, Change::Enabled));
                };
                if let Some(rule) = self.rules.get_mut(slot) {
                    rule.enabled = enabled;
                }
            }
            Item::Fail(fault) => return Err(fault),
        }
        Ok(())
    }

    fn apply_list(
        &mut self,
        name: String,
        items: Vec<String>,
        append: Option<Change>,
        position: Position,
    ) -> Result<(), Fault> {
        let existing = self.list_names.get(&name).copied();
        let id = self.next_index();
        let location = self.location(position);
        match (existing.and_then(|slot| self.lists.get_mut(slot)), append) {
            (Some(list), Some(_)) => {
                list.items.extend(items);
                list.visibility = id;
            }
            (None, Some(change)) => {
                return Err(no_previous(ItemKind::List, name, position, change));
            }
            (Some(list), None) => {
                *list = ListInfo {
                    name,
                    items,
                    location,
                    index: list.index,
                    visibility: id,
                };
            }
            (None, None) => {
                self.list_names.insert(name.clone(), self.lists.len());
                self.lists.push(ListInfo {
                    name,
                    items,
                    location,
                    index: id,
                    visibility: id,
                });
            }
        }
        Ok(())
    }

    fn apply_macro(
        &mut self,
        name: String,
        condition: String,
        condition_position: Position,
        append: Option<Change>,
        position: Position,
    ) -> Result<(), Fault> {
        let existing = self.macro_names.get(&name).copied();
        let id = self.next_index();
        let location = self.location(position);
        let condition_location = self.location(condition_position);
        match (existing.and_then(|slot| self.macros.get_mut(slot)), append) {
            (Some(known), Some(_)) => {
                known.condition.push(' ');
                known.condition.push_str(&condition);
                known.visibility = id;
            }
            (None, Some(change)) => {
                return Err(no_previous(ItemKind::Macro, name, position, change));
            }
            (Some(known), None) => {
                *known = Macro {
                    name,
                    condition,
                    condition_location,
                    location,
                    index: known.index,
                    visibility: id,
                };
            }
            (None, None) => {
                self.macro_names.insert(name.clone(), self.macros.len());
                self.macros.push(Macro {
                    name,
                    condition,
                    condition_location,
                    location,
                    index: id,
                    visibility: id,
                });
            }
        }
        Ok(())
    }

    fn define_rule(
        &mut self,
        definition: RuleDefinition,
        notices: &mut Vec<Notice>,
    ) -> Result<(), Fault> {
        let existing = self.rule_names.get(&definition.name).copied();
        if let Some(previous) = existing.and_then(|slot| self.rules.get(slot))
            && previous.source != definition.source
        {
            return Err(Fault {
                item: ItemKind::Rule,
                name: definition.name,
                position: definition.position,
                kind: ErrorKind::SourceRedefined {
                    previous: previous.source.clone(),
                    current: definition.source,
                },
            });
        }
        let known_source = self.sources.contains(&definition.source);
        if !known_source {
            notices.push(Notice {
                item: ItemKind::Rule,
                name: definition.name.clone(),
                position: definition.position,
                kind: WarningKind::UnknownSource {
                    name: definition.source.clone(),
                },
            });
        }
        let mut exceptions = definition.exceptions;
        for exception in &mut exceptions {
            exception
                .validate()
                .map_err(|kind| exception_fault(exception, kind))?;
        }
        self.next_index();
        let rule = Rule {
            condition: append_to_condition(&definition.condition, &exceptions),
            base_condition: definition.condition,
            condition_location: self.location(definition.condition_position),
            output: definition.output,
            description: definition.description,
            priority: definition.priority,
            tags: definition.tags,
            source: definition.source,
            enabled: definition.enabled,
            warn_evttypes: definition.warn_evttypes,
            skip_if_unknown_filter: definition.skip_if_unknown_filter,
            exceptions,
            known_source,
            location: self.location(definition.position),
            name: definition.name,
        };
        if let Some(previous) = existing.and_then(|slot| self.rules.get_mut(slot)) {
            *previous = rule;
        } else {
            self.rule_names.insert(rule.name.clone(), self.rules.len());
            self.rules.push(rule);
        }
        Ok(())
    }

    fn update_rule(&mut self, update: RuleUpdate, change: Change) -> Result<(), Fault> {
        let Some(&slot) = self.rule_names.get(&update.name) else {
            return Err(no_previous(
                ItemKind::Rule,
                update.name,
                update.position,
                change,
            ));
        };
        if !update.has_any_value() {
            let kind = if change == Change::OverrideReplace {
                ErrorKind::EmptyReplace
            } else {
                ErrorKind::EmptyAppend
            };
            return Err(Fault {
                item: ItemKind::Rule,
                name: update.name,
                position: update.position,
                kind,
            });
        }
        self.next_index();
        let Some(rule) = self.rules.get_mut(slot) else {
            return Ok(());
        };
        if change == Change::OverrideReplace {
            replace_fields(rule, update)?;
        } else {
            append_fields(rule, update)?;
        }
        rule.condition = append_to_condition(&rule.base_condition, &rule.exceptions);
        Ok(())
    }

    /// A position in the file being loaded.
    fn location(&self, position: Position) -> Location {
        location(&self.file, position)
    }

    /// The lists, in order of first definition, with items naming a list defined before them
    /// replaced by that list's items (Falco's `compile_list_infos`, one level deep).
    pub fn lists(&self) -> Vec<List> {
        self.lists
            .iter()
            .map(|list| {
                let mut items = Vec::with_capacity(list.items.len());
                for item in &list.items {
                    let earlier = self
                        .list_names
                        .get(item)
                        .and_then(|&slot| self.lists.get(slot))
                        .filter(|other| other.index < list.visibility);
                    match earlier {
                        Some(other) => items.extend(other.items.iter().cloned()),
                        None => items.push(item.clone()),
                    }
                }
                List {
                    name: list.name.clone(),
                    items,
                    location: list.location.clone(),
                }
            })
            .collect()
    }

    /// The macros, in order of first definition.
    pub fn macros(&self) -> &[Macro] {
        &self.macros
    }

    /// The rules, in order of first definition.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The highest engine version any loaded file requires.
    pub fn required_engine_version(&self) -> Option<EngineVersion> {
        self.required_engine_version
    }

    /// The plugin requirements of every loaded file: each entry lists alternatives, any one
    /// of which satisfies it.
    pub fn required_plugin_versions(&self) -> &[Vec<PluginRequirement>] {
        &self.required_plugin_versions
    }

    /// Errors, at most one per file (loading a file stops at its first error).
    pub fn errors(&self) -> &[LoadError] {
        &self.errors
    }

    /// Warnings of every file loaded.
    pub fn warnings(&self) -> &[LoadWarning] {
        &self.warnings
    }
}

fn location(file: &Arc<str>, position: Position) -> Location {
    Location {
        file: Arc::clone(file),
        position,
    }
}

fn no_previous(item: ItemKind, name: String, position: Position, change: Change) -> Fault {
    Fault {
        item,
        name,
        position,
        kind: ErrorKind::NoPrevious { item, change },
    }
}

fn exception_fault(exception: &Exception, kind: ErrorKind) -> Fault {
    Fault {
        item: ItemKind::Exception,
        name: exception.name.clone(),
        position: exception.position,
        kind,
    }
}

/// `override: {key: replace}`: each field given replaces the rule's.
fn replace_fields(rule: &mut Rule, update: RuleUpdate) -> Result<(), Fault> {
    if let Some(condition) = update.condition {
        rule.base_condition = condition;
    }
    if let Some(output) = update.output {
        rule.output = output;
    }
    if let Some(description) = update.description {
        rule.description = description;
    }
    if let Some(tags) = update.tags {
        rule.tags = tags;
    }
    if let Some(mut exceptions) = update.exceptions {
        for exception in &mut exceptions {
            exception
                .validate()
                .map_err(|kind| exception_fault(exception, kind))?;
        }
        rule.exceptions = exceptions;
    }
    if let Some(priority) = update.priority {
        rule.priority = priority;
    }
    if let Some(enabled) = update.enabled {
        rule.enabled = enabled;
    }
    if let Some(warn) = update.warn_evttypes {
        rule.warn_evttypes = warn;
    }
    if let Some(skip) = update.skip_if_unknown_filter {
        rule.skip_if_unknown_filter = skip;
    }
    Ok(())
}

/// `append: true` or `override: {key: append}`: text joined with a space, tags added, new
/// exceptions added and values appended to existing ones.
fn append_fields(rule: &mut Rule, update: RuleUpdate) -> Result<(), Fault> {
    for (target, addition) in [
        (&mut rule.base_condition, update.condition),
        (&mut rule.output, update.output),
        (&mut rule.description, update.description),
    ] {
        if let Some(addition) = addition.filter(|text| !text.is_empty()) {
            target.push(' ');
            target.push_str(&addition);
        }
    }
    if let Some(tags) = update.tags {
        rule.tags.extend(tags);
    }
    for mut exception in update.exceptions.unwrap_or_default() {
        let (name, position) = (exception.name.clone(), exception.position);
        let fault = |kind| Fault {
            item: ItemKind::Exception,
            name: name.clone(),
            position,
            kind,
        };
        match rule
            .exceptions
            .iter_mut()
            .find(|known| known.name == exception.name)
        {
            None => {
                if exception.fields.is_none() {
                    return Err(fault(ErrorKind::ExceptionWithoutFields));
                }
                if exception.values.is_empty() {
                    return Err(fault(ErrorKind::ExceptionWithoutValues));
                }
                exception.validate().map_err(fault)?;
                rule.exceptions.push(exception);
            }
            Some(known) => {
                if exception.fields.is_some() {
                    return Err(fault(ErrorKind::ExceptionFieldsAppended));
                }
                if exception.comps.is_some() {
                    return Err(fault(ErrorKind::ExceptionCompsAppended));
                }
                for value in &exception.values {
                    known.check_value(value).map_err(fault)?;
                }
                known.values.append(&mut exception.values);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::Priority;

    fn loaded(files: &[&str]) -> RuleSet {
        let mut rules = RuleSet::new();
        for (index, text) in files.iter().enumerate() {
            rules.load_str(&format!("file{index}.yaml"), text);
        }
        rules
    }

    fn only_error(rules: &RuleSet) -> &LoadError {
        let [error] = rules.errors() else {
            panic!("expected one error, got {:?}", rules.errors())
        };
        error
    }

    const BASE: &str = "
- list: bins
  items: [cat, ls]
- macro: is_cat
  condition: proc.name = cat
- rule: first
  desc: d
  condition: evt.type = open and is_cat
  output: open %proc.name
  priority: warning
  tags: [b, a]
- rule: second
  desc: d
  condition: evt.type = execve
  output: '  exec  '
  priority: INFO
  source: k8s_audit
";

    #[test]
    fn definitions_read_with_falco_defaults() {
        let rules = loaded(&[BASE]);
        assert!(rules.errors().is_empty(), "{:?}", rules.errors());
        assert!(rules.warnings().is_empty(), "{:?}", rules.warnings());
        let [first, second] = rules.rules() else {
            panic!("two rules")
        };
        assert_eq!(first.priority, Priority::Warning);
        assert_eq!(first.source, "syscall");
        assert!(first.enabled && first.warn_evttypes && !first.skip_if_unknown_filter);
        assert_eq!(first.tags.iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            first.condition_location.position,
            Position {
                line: 8,
                column: 14
            }
        );
        assert_eq!(first.location.to_string(), "file0.yaml:6:3");
        assert_eq!(second.priority, Priority::Informational);
        assert_eq!(second.output, "exec");
        assert_eq!(second.source, "k8s_audit");
    }

    #[test]
    fn later_files_append_override_and_redefine() {
        let rules = loaded(&[
            BASE,
            "
- list: bins
  items: [sh]
  append: true
- macro: is_cat
  condition: or proc.name = dog
  override: {condition: append}
- rule: second
  condition: and ka.verb = get
  output: by %ka.user.name
  override: {condition: append, output: replace}
- rule: first
  enabled: false
- rule: first
  priority: ERROR
  tags: [c]
  override: {priority: replace, tags: append}
",
            "
- rule: second
  desc: redefined
  condition: ka.verb = delete
  output: o
  priority: debug
  source: k8s_audit
- list: bins
  items: [vi]
",
        ]);
        assert!(rules.errors().is_empty(), "{:?}", rules.errors());
        let names: Vec<_> = rules
            .rules()
            .iter()
            .map(|rule| rule.name.as_str())
            .collect();
        assert_eq!(
            names,
            ["first", "second"],
            "redefinition keeps the first position"
        );
        let [first, second] = rules.rules() else {
            panic!("two rules")
        };
        assert!(!first.enabled);
        assert_eq!(first.priority, Priority::Error);
        assert_eq!(first.tags.len(), 3);
        assert_eq!(second.condition, "ka.verb = delete");
        assert_eq!(second.description, "redefined");
        assert_eq!(
            rules.macros()[0].condition,
            "proc.name = cat or proc.name = dog"
        );
        assert_eq!(rules.lists()[0].items, ["vi"]);
        let deprecated = rules
            .warnings()
            .iter()
            .filter(|warning| warning.code() == "LOAD_DEPRECATED_ITEM")
            .count();
        assert_eq!(deprecated, 2, "append: true and the enabled-only item");
    }

    #[test]
    fn rule_appends_join_with_a_space() {
        let rules = loaded(&[
            BASE,
            "- rule: second\n  condition: and ka.verb = get\n  append: true\n",
        ]);
        assert!(rules.errors().is_empty(), "{:?}", rules.errors());
        assert_eq!(
            rules.rules()[1].condition,
            "evt.type = execve and ka.verb = get"
        );
    }

    #[test]
    fn lists_expand_earlier_lists_only() {
        let rules = loaded(&["
- list: later_ref
  items: [inner]
- list: inner
  items: [a, b]
- list: outer
  items: [inner, c]
"]);
        let lists = rules.lists();
        assert_eq!(
            lists[0].items,
            ["inner"],
            "inner is defined after later_ref"
        );
        assert_eq!(lists[2].items, ["a", "b", "c"]);
    }

    #[test]
    fn changes_to_missing_items_fail() {
        for (text, item, message) in [
            (
                "- list: nope\n  items: [a]\n  append: true\n",
                ItemKind::List,
                "List has 'append' key but no list by that name already exists",
            ),
            (
                "- macro: nope\n  condition: x\n  override: {condition: append}\n",
                ItemKind::Macro,
                "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists",
            ),
            (
                "- rule: nope\n  priority: debug\n  override: {priority: replace}\n",
                ItemKind::Rule,
                "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists",
            ),
            (
                "- rule: nope\n  enabled: true\n",
                ItemKind::Rule,
                "Rule has 'enabled' key but no rule by that name already exists",
            ),
        ] {
            let rules = loaded(&[text]);
            let error = only_error(&rules);
            assert_eq!((error.item, error.name.as_str()), (item, "nope"));
            assert_eq!(error.kind.to_string(), message);
            assert_eq!(error.code(), "LOAD_ERR_VALIDATE");
            assert_eq!(error.location.position, Position { line: 1, column: 3 });
        }
    }

    #[test]
    fn override_keys_must_match() {
        let rules = loaded(&[
            BASE,
            "- rule: first\n  condition: x\n  desc: y\n  override: {condition: append}\n",
        ]);
        let error = only_error(&rules);
        assert_eq!(
            error.kind.to_string(),
            "Unexpected key 'desc': no corresponding entry under 'override' is defined."
        );
        assert_eq!(error.location.position.line, 3);
        assert_eq!(
            rules.rules()[0].base_condition,
            "evt.type = open and is_cat x",
            "Falco applies the append before reporting the stray key"
        );
        let rules = loaded(&[BASE, "- rule: first\n  override: {output: append}\n"]);
        assert_eq!(
            only_error(&rules).kind.to_string(),
            "An append override for 'output' was specified but 'output' is not defined"
        );
        let rules = loaded(&[
            BASE,
            "- rule: first\n  priority: x\n  override: {priority: append}\n",
        ]);
        assert_eq!(
            only_error(&rules).kind.to_string(),
            "Key 'priority' cannot be appended to, use 'replace' instead"
        );
    }

    #[test]
    fn a_file_stops_at_its_first_error_and_the_next_file_loads() {
        let rules = loaded(&[
            "- list: a\n  items: [x]\n- list: b\n- list: c\n  items: [y]\n",
            "- list: d\n  items: [z]\n",
        ]);
        let error = only_error(&rules);
        assert_eq!(error.kind, ErrorKind::MissingKey { key: "items" });
        let names: Vec<_> = rules.lists().into_iter().map(|list| list.name).collect();
        assert_eq!(names, ["a", "d"]);
    }

    #[test]
    fn engine_versions() {
        let rules = loaded(&["- required_engine_version: 15\n- required_engine_version: 0.57.0\n"]);
        assert!(rules.errors().is_empty(), "{:?}", rules.errors());
        assert_eq!(
            rules.required_engine_version(),
            Some(EngineVersion::CURRENT)
        );
        let rules = loaded(&["- required_engine_version: 0.58.0\n"]);
        assert_eq!(
            only_error(&rules).to_string(),
            "file0.yaml:1:3: required_engine_version '': \
             Rules require engine version 0.58.0, but engine version is 0.57.0"
        );
    }

    #[test]
    fn hostile_shapes_are_errors() {
        for (text, code) in [
            ("[", "LOAD_ERR_YAML_PARSE"),
            ("- rule: [a]\n", "LOAD_ERR_YAML_VALIDATE"),
            ("- list: x\n  items: [[a]]\n", "LOAD_ERR_YAML_VALIDATE"),
            (
                "- rule: r\n  condition: c\n  output: o\n  desc: d\n  priority: loud\n",
                "LOAD_ERR_YAML_VALIDATE",
            ),
            (
                "- rule: r\n  condition: c\n  output: o\n  desc: d\n  priority: debug\n  exceptions: {a: b}\n",
                "LOAD_ERR_YAML_VALIDATE",
            ),
            (
                "- required_plugin_versions:\n  - name: p\n    version: one\n",
                "LOAD_ERR_VALIDATE",
            ),
        ] {
            let rules = loaded(&[text]);
            assert_eq!(only_error(&rules).code(), code, "{text}");
        }
    }
}
