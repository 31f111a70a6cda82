//! Errors and warnings of loading rules files, in the words and codes `falco -V` prints.
//!
//! Each [`LoadError`] and [`LoadWarning`] names the file, the line and column of the node at
//! fault, the kind of item (`rule`, `macro`, `list`, `exception`, ...) and its name, like the
//! context Falco attaches to every load result (falcosecurity/falco
//! `userspace/engine/rule_loader.h` `context`, `falco_load_result.cpp` codes). The messages
//! follow `rule_loader_reader.cpp` and `rule_loader_collector.cpp`; where Falco's legacy test
//! specs (`legacy-tests/test/falco_tests*.yaml`) quote an older wording, that wording wins.

use std::fmt;
use std::sync::Arc;

use super::yaml::Position;

/// Where a diagnostic points: the file as it was named to the loader and a position in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file name given to [`super::RuleSet::load_str`] or the path given to
    /// [`super::RuleSet::load_file`].
    pub file: Arc<str>,
    /// Line and column of the node at fault (0:0 for the whole file).
    pub position: Position,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}",
            self.file, self.position.line, self.position.column
        )
    }
}

/// The kind of item a diagnostic is about, spelled as Falco's `item_type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ItemKind {
    /// The file (or one YAML document of it) as a whole.
    RulesContent,
    /// One element of the top-level sequence.
    RulesContentItem,
    /// A `required_engine_version` item.
    RequiredEngineVersion,
    /// A `required_plugin_versions` item or one of its entries.
    RequiredPluginVersions,
    /// A `list` item.
    List,
    /// A `macro` item.
    Macro,
    /// A `rule` item.
    Rule,
    /// One entry of a rule's `exceptions`.
    Exception,
}

impl ItemKind {
    /// Falco's spelling of the item type (`rules content item`, `list`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RulesContent => "rules content",
            Self::RulesContentItem => "rules content item",
            Self::RequiredEngineVersion => "required_engine_version",
            Self::RequiredPluginVersions => "required_plugin_versions",
            Self::List => "list",
            Self::Macro => "macro",
            Self::Rule => "rule",
            Self::Exception => "exception",
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How an item asked to change an earlier definition, for the "no previous item" errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// The legacy `append: true` key.
    AppendKey,
    /// `override: {<key>: append}`.
    OverrideAppend,
    /// `override: {<key>: replace}`.
    OverrideReplace,
    /// A rule item holding only `enabled`.
    Enabled,
}

/// One error found while loading a rules file; the file stops loading at its first error, as
/// Falco's does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {item} '{name}': {kind}")]
pub struct LoadError {
    /// File and position of the node at fault.
    pub location: Location,
    /// The kind of item the error is about.
    pub item: ItemKind,
    /// The item's name (empty when it has none or it could not be read).
    pub name: String,
    /// What is wrong.
    pub kind: ErrorKind,
}

impl LoadError {
    /// Falco's result code (`LOAD_ERR_YAML_PARSE`, `LOAD_ERR_YAML_VALIDATE`,
    /// `LOAD_ERR_VALIDATE`).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// What is wrong with a rules file; `Display` is Falco's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErrorKind {
    /// The text is not YAML (or exceeds the loader's size budget).
    #[error("{message}")]
    Syntax {
        /// The YAML parser's description.
        message: String,
    },
    /// A document is a scalar.
    #[error("Rules content is not yaml")]
    NotYaml,
    /// A document is a mapping, not a sequence.
    #[error("Rules content is not yaml array of objects")]
    NotSequenceOfItems,
    /// An element of the top-level sequence is not a mapping.
    #[error("Unexpected element type. Each element should be a yaml associative array.")]
    ItemNotMapping,
    /// A required key is absent.
    #[error("Item has no mapping for key '{key}'")]
    MissingKey {
        /// The key.
        key: &'static str,
    },
    /// A key is present with a null value.
    #[error("Mapping for key '{key}' is empty")]
    EmptyKey {
        /// The key.
        key: &'static str,
    },
    /// A key that takes a scalar holds a sequence or mapping.
    #[error("Value is not a scalar value")]
    NotScalar {
        /// The key.
        key: &'static str,
    },
    /// A key that takes a scalar holds an empty string.
    #[error("Value must be non-empty")]
    EmptyValue {
        /// The key.
        key: &'static str,
    },
    /// A scalar does not decode as the key's type.
    #[error("Can't decode YAML scalar value")]
    Decode {
        /// The key.
        key: &'static str,
        /// The type the key takes (`bool`, `engine version`).
        expected: &'static str,
        /// The scalar as written.
        value: String,
    },
    /// A key that takes a sequence holds something else.
    #[error("Value is not a sequence")]
    NotSequence {
        /// The key.
        key: &'static str,
    },
    /// An element of `items` or `tags` is not a scalar.
    #[error("sequence value is not scalar")]
    SequenceItemNotScalar {
        /// The key holding the sequence.
        key: &'static str,
    },
    /// `priority` is not one of Falco's priorities.
    #[error("Invalid priority")]
    InvalidPriority {
        /// The value as written.
        value: String,
    },
    /// A list name does not match Falco's bare-string pattern.
    #[error(
        "List has an invalid name. List names must match a regular expression: ([^()\"'[:space:]=,]+)"
    )]
    InvalidListName,
    /// A macro name does not match Falco's identifier pattern.
    #[error(
        "Macro has an invalid name. Macro names must match a regular expression: ([a-zA-Z]+[a-zA-Z0-9_]*)"
    )]
    InvalidMacroName,
    /// `override` is not a mapping of key to operation.
    #[error("Value of override must be a mapping of keys to append or replace")]
    OverrideNotMapping,
    /// `override` asks to append to a key that cannot be appended to.
    #[error("Key '{key}' cannot be appended to, use 'replace' instead")]
    CannotAppend {
        /// The key.
        key: String,
    },
    /// `override` asks to replace a key that cannot be replaced.
    #[error("Key '{key}' cannot be replaced")]
    CannotReplace {
        /// The key.
        key: String,
    },
    /// `override` names an operation other than append or replace.
    #[error(
        "Invalid override operation for key '{key}': '{operation}'. Allowed values are: {allowed}"
    )]
    InvalidOverride {
        /// The key.
        key: String,
        /// The operation as written.
        operation: String,
        /// The operations the key allows, space separated (Falco's spelling).
        allowed: &'static str,
    },
    /// `override` and `append: true` on one item.
    #[error(
        "Keys 'override' and 'append: true' cannot be used together. Add an 'append' entry (e.g. 'condition: append') under 'override' instead."
    )]
    OverrideWithAppend,
    /// `override` names a key the item does not define.
    #[error("An {operation} override for '{key}' was specified but '{key}' is not defined")]
    OverrideOfUndefinedKey {
        /// `append` or `replace`.
        operation: &'static str,
        /// The key.
        key: &'static str,
    },
    /// An overriding rule defines a key that `override` does not mention.
    #[error("Unexpected key '{key}': no corresponding entry under 'override' is defined.")]
    KeyWithoutOverride {
        /// The key.
        key: &'static str,
    },
    /// An append, override or enable names an item no earlier file or item defined.
    #[error("{}", no_previous_message(*item, *change))]
    NoPrevious {
        /// List, macro or rule.
        item: ItemKind,
        /// What the item tried to do.
        change: Change,
    },
    /// A rule append carries nothing to append.
    #[error("Appended rule must have exceptions or condition property")]
    EmptyAppend,
    /// A rule replace carries nothing to replace.
    #[error("The rule must have at least one field that can be replaced")]
    EmptyReplace,
    /// A rule is defined again for another source.
    #[error("Rule has been re-defined with a different source")]
    SourceRedefined {
        /// The earlier source.
        previous: String,
        /// The new source.
        current: String,
    },
    /// The file needs a newer engine than custody implements.
    #[error("Rules require engine version {required}, but engine version is {engine}")]
    EngineVersion {
        /// The version as written in the file.
        required: String,
        /// The engine version custody implements.
        engine: super::EngineVersion,
    },
    /// `required_engine_version` is neither a number nor `x.y.z`.
    #[error(
        "Unable to parse engine version '{value}' as a semver string. Expected \"x.y.z\" semver format."
    )]
    InvalidEngineVersion {
        /// The value as written.
        value: String,
    },
    /// `required_plugin_versions` is not a sequence.
    #[error("Value of required_plugin_versions must be a sequence")]
    PluginVersionsNotSequence,
    /// An entry of `required_plugin_versions` is not a mapping.
    #[error("Plugin version must be a mapping")]
    PluginVersionNotMapping,
    /// `alternatives` is not a sequence.
    #[error("Value of plugin version alternatives must be a sequence")]
    AlternativesNotSequence,
    /// An alternative is not a mapping.
    #[error("Plugin version alternative must be a mapping")]
    AlternativeNotMapping,
    /// A plugin version is not `x.y.z`.
    #[error("Invalid required version '{version}' for plugin '{plugin}'")]
    InvalidPluginVersion {
        /// The plugin.
        plugin: String,
        /// The version as written.
        version: String,
    },
    /// One requirement names a plugin twice among its alternatives.
    #[error("Defined multiple alternative version requirements for plugin '{plugin}'")]
    DuplicatePluginAlternative {
        /// The plugin.
        plugin: String,
    },
    /// `exceptions` is not a sequence.
    #[error("Rule exceptions must be a sequence")]
    ExceptionsNotSequence,
    /// An exception is not a mapping.
    #[error("Rule exception must be a mapping")]
    ExceptionNotMapping,
    /// Two exceptions of one rule item share a name.
    #[error("Exceptions names in the same object must be unique")]
    DuplicateException,
    /// An exception's `values` is not a sequence.
    #[error("Rule exception values must be a sequence")]
    ExceptionValuesNotSequence,
    /// An exception defined with a rule has no `fields`.
    #[error("Rule exception item must have fields property with a list of fields")]
    ExceptionItemWithoutFields,
    /// An exception added by an append has no `fields`.
    #[error("Rule exception must have fields property with a list of fields")]
    ExceptionWithoutFields,
    /// An exception added by an append has no `values`.
    #[error("Rule exception must have values property with a list of values")]
    ExceptionWithoutValues,
    /// An append to an existing exception redefines its `fields`.
    #[error("Can not append exception fields to existing exception, only values")]
    ExceptionFieldsAppended,
    /// An append to an existing exception redefines its `comps`.
    #[error("Can not append exception comps to existing exception, only values")]
    ExceptionCompsAppended,
    /// `fields` and `comps` lists differ in length.
    #[error("Fields and comps lists must have equal length")]
    FieldsCompsLength,
    /// A comparison operator Falco's condition language does not have.
    #[error("'{operator}' is not a supported comparison operator")]
    UnknownOperator {
        /// The operator as written.
        operator: String,
    },
    /// A single field with a list of comps.
    #[error("Fields and comps must both be strings")]
    CompsNotString,
    /// A single field with a comparison other than `in`, `pmatch` or `intersects`.
    #[error("When fields is a single value, comps must be one of (in, pmatch, intersects)")]
    SingleFieldOperator {
        /// The operator as written.
        operator: String,
    },
    /// A tuple of `values` differs in length from `fields`.
    #[error("Fields and values lists must have equal length")]
    FieldsValuesLength {
        /// Number of fields.
        fields: usize,
        /// Number of values in the tuple.
        values: usize,
    },
    /// A single-field exception with a list among its values.
    #[error("Expected values array to contain a list of strings")]
    ValuesNotStrings,
    /// The file exceeds the size the loader accepts.
    #[error("rules file larger than {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The file is not UTF-8 text.
    #[error("rules file is not UTF-8 text")]
    NotUtf8,
}

fn no_previous_message(item: ItemKind, change: Change) -> &'static str {
    match (item, change) {
        (ItemKind::List, Change::AppendKey) => {
            "List has 'append' key but no list by that name already exists"
        }
        (ItemKind::List, _) => {
            "List uses 'append' or 'override.items: append' but no list by that name already exists"
        }
        (ItemKind::Macro, Change::AppendKey) => {
            "Macro has 'append' key but no macro by that name already exists"
        }
        (ItemKind::Macro, _) => {
            "Macro uses 'append' or 'override.condition: append' but no macro by that name already exists"
        }
        (_, Change::AppendKey) => "Rule has 'append' key but no rule by that name already exists",
        (_, Change::OverrideAppend) => {
            "Rule uses 'append' or 'override.<key>: append' but no rule by that name already exists"
        }
        (_, Change::OverrideReplace) => {
            "An 'override.<key>: replace' to a rule was requested but no rule by that name already exists"
        }
        (_, Change::Enabled) => "Rule has 'enabled' key but no rule by that name already exists",
    }
}

impl ErrorKind {
    /// Falco's result code for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Syntax { .. } | Self::TooLarge { .. } | Self::NotUtf8 => "LOAD_ERR_YAML_PARSE",
            Self::NotYaml
            | Self::NotSequenceOfItems
            | Self::ItemNotMapping
            | Self::MissingKey { .. }
            | Self::EmptyKey { .. }
            | Self::NotScalar { .. }
            | Self::EmptyValue { .. }
            | Self::Decode { .. }
            | Self::NotSequence { .. }
            | Self::SequenceItemNotScalar { .. }
            | Self::InvalidPriority { .. }
            | Self::InvalidListName
            | Self::InvalidMacroName
            | Self::OverrideNotMapping
            | Self::CannotAppend { .. }
            | Self::CannotReplace { .. }
            | Self::InvalidOverride { .. }
            | Self::OverrideWithAppend
            | Self::OverrideOfUndefinedKey { .. }
            | Self::KeyWithoutOverride { .. }
            | Self::InvalidEngineVersion { .. }
            | Self::PluginVersionsNotSequence
            | Self::PluginVersionNotMapping
            | Self::AlternativesNotSequence
            | Self::AlternativeNotMapping
            | Self::ExceptionsNotSequence
            | Self::ExceptionNotMapping
            | Self::DuplicateException
            | Self::ExceptionValuesNotSequence => "LOAD_ERR_YAML_VALIDATE",
            Self::NoPrevious { .. }
            | Self::EmptyAppend
            | Self::EmptyReplace
            | Self::SourceRedefined { .. }
            | Self::EngineVersion { .. }
            | Self::InvalidPluginVersion { .. }
            | Self::DuplicatePluginAlternative { .. }
            | Self::ExceptionItemWithoutFields
            | Self::ExceptionWithoutFields
            | Self::ExceptionWithoutValues
            | Self::ExceptionFieldsAppended
            | Self::ExceptionCompsAppended
            | Self::FieldsCompsLength
            | Self::UnknownOperator { .. }
            | Self::CompsNotString
            | Self::SingleFieldOperator { .. }
            | Self::FieldsValuesLength { .. }
            | Self::ValuesNotStrings => "LOAD_ERR_VALIDATE",
        }
    }
}

/// One warning found while loading; loading goes on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {item} '{name}': {kind}")]
pub struct LoadWarning {
    /// File and position of the node concerned.
    pub location: Location,
    /// The kind of item the warning is about.
    pub item: ItemKind,
    /// The item's name (empty when it has none).
    pub name: String,
    /// What was noticed.
    pub kind: WarningKind,
}

impl LoadWarning {
    /// Falco's warning code (`LOAD_DEPRECATED_ITEM`, `LOAD_UNKNOWN_ITEM`, ...).
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
}

/// What a warning is about; `Display` is Falco's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WarningKind {
    /// The legacy `append: true` key.
    #[error(
        "'append' key is deprecated. Add an 'append' entry (e.g. 'condition: append') under 'override' instead."
    )]
    DeprecatedAppend,
    /// A rule item holding only `enabled`.
    #[error(
        "The standalone 'enabled' key usage is deprecated. The correct approach requires also a 'replace' entry under the 'override' key (i.e. 'enabled: replace')."
    )]
    DeprecatedEnabled,
    /// A top-level item that is none of rule, macro, list or a requirement.
    #[error("Unknown top level item")]
    UnknownItem,
    /// A key the item kind does not have; Falco's schema validation reports it, custody names
    /// the key.
    #[error("Unknown key '{key}'")]
    UnknownKey {
        /// The key as written.
        key: String,
    },
    /// A rule for a source this engine does not have; the rule is kept but not compiled.
    #[error("Unknown source {name}, skipping")]
    UnknownSource {
        /// The source as written.
        name: String,
    },
    /// An exception override or append without `values`.
    #[error("Overriding/appending exception with no values")]
    AppendWithoutValues,
}

impl WarningKind {
    /// Falco's warning code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::DeprecatedAppend | Self::DeprecatedEnabled => "LOAD_DEPRECATED_ITEM",
            Self::UnknownItem => "LOAD_UNKNOWN_ITEM",
            Self::UnknownKey { .. } => "LOAD_UNKNOWN_KEY",
            Self::UnknownSource { .. } => "LOAD_UNKNOWN_SOURCE",
            Self::AppendWithoutValues => "LOAD_APPEND_NO_VALUES",
        }
    }
}
