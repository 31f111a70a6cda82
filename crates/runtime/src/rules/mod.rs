//! Falco rules files: reading them and combining them in load order into a [`RuleSet`].
//!
//! A rules file is YAML, possibly several documents, each a sequence of items: `rule`,
//! `macro`, `list`, `required_engine_version` and `required_plugin_versions`. Files load in
//! the order given, as Falco's `-r` does: a later `macro` or `list` of the same name replaces
//! the earlier one, `append: true` and `override: {key: append | replace}` change an earlier
//! definition, an item holding only `enabled` toggles a rule, and rules keep the order in which
//! they were first defined. Exceptions become condition text appended to the rule's condition
//! exactly as Falco builds it (see [`Exception`]).
//!
//! Conditions stay text here, each with its position, for the `condition` module to parse;
//! errors that need the parsed condition (undefined macros, bad syntax, unknown fields, unused
//! macros and lists) come from there. Everything else `falco -V` reports while loading comes
//! from here, as [`LoadError`]s and [`LoadWarning`]s with file, line, column, item kind and
//! name.
//!
//! Inside: `yaml` builds positioned nodes, `items` reads one item the way Falco's
//! `rule_loader_reader.cpp` does, `load` combines items the way `rule_loader_collector.cpp`
//! does, and `exceptions` holds exceptions and their condition text.

mod error;
mod exceptions;
mod items;
mod load;
mod yaml;

use std::collections::BTreeSet;
use std::fmt;

use crate::output::Priority;

pub use error::{Change, ErrorKind, ItemKind, LoadError, LoadWarning, Location, WarningKind};
pub use exceptions::{Entry, Exception};
pub use load::RuleSet;
pub use yaml::Position;

/// A `major.minor.patch` version: an engine version, or a plugin version a file requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EngineVersion {
    /// Major version.
    pub major: u32,
    /// Minor version.
    pub minor: u32,
    /// Patch version.
    pub patch: u32,
}

impl EngineVersion {
    /// The Falco engine version custody implements: the official rules files in the
    /// conformance corpus require 0.57.0.
    pub const CURRENT: Self = Self {
        major: 0,
        minor: 57,
        patch: 0,
    };

    /// Falco's reading of a bare number `N` as version `0.N.0` (rules written before engine
    /// versions were semver).
    pub fn implicit(number: u32) -> Self {
        Self {
            major: 0,
            minor: number,
            patch: 0,
        }
    }

    /// Parses `x.y.z`; `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        let mut parts = text.split('.').map(|part| {
            (!part.is_empty() && part.bytes().all(|byte| byte.is_ascii_digit()))
                .then(|| part.parse::<u32>().ok())
                .flatten()
        });
        let version = Self {
            major: parts.next()??,
            minor: parts.next()??,
            patch: parts.next()??,
        };
        parts.next().is_none().then_some(version)
    }

    /// Whether an engine of this version runs rules requiring `required` (same major, not
    /// older), as libsinsp's `sinsp_version::compatible_with`.
    pub fn satisfies(self, required: Self) -> bool {
        self.major == required.major && self >= required
    }
}

impl fmt::Display for EngineVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// One plugin a rules file requires, at least at `version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginRequirement {
    /// Plugin name.
    pub name: String,
    /// Minimum version, `x.y.z`.
    pub version: String,
}

/// A `list` after every file loaded: its items, with items naming an earlier list replaced by
/// that list's items (Falco's `compile_list_infos`, one level deep).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct List {
    /// List name.
    pub name: String,
    /// Items in order, earlier lists expanded.
    pub items: Vec<String>,
    /// Where the list was (last) defined.
    pub location: Location,
}

/// A `macro` after every file loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Macro {
    /// Macro name.
    pub name: String,
    /// Condition text; appends are joined with a space, as Falco joins them.
    pub condition: String,
    /// Where the condition text of the (last) definition starts.
    pub condition_location: Location,
    /// Where the macro was (last) defined.
    pub location: Location,
    /// Order of first definition among lists, macros and rules (Falco's `index`).
    pub index: u32,
    /// Order of the last definition or append (Falco's `visibility`): a macro sees only the
    /// macros whose `index` is lower than this.
    pub visibility: u32,
}

/// A `rule` after every file loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[expect(
    clippy::struct_excessive_bools,
    reason = "Falco's rule flags, each its own YAML key"
)]
pub struct Rule {
    /// Rule name.
    pub name: String,
    /// The condition with its exceptions appended (`(cond) and not (...)`), what Falco
    /// compiles.
    pub condition: String,
    /// The condition without exceptions; appends are joined with a space.
    pub base_condition: String,
    /// Where the condition text of the (last) definition starts.
    pub condition_location: Location,
    /// Output format, trimmed.
    pub output: String,
    /// Description.
    pub description: String,
    /// Priority ([`crate::output::Priority`], shared with alerts).
    pub priority: Priority,
    /// Tags, sorted and unique as Falco keeps them.
    pub tags: BTreeSet<String>,
    /// Event source (`syscall` unless the rule says otherwise).
    pub source: String,
    /// Whether the rule is enabled.
    pub enabled: bool,
    /// Whether to warn when the condition does not restrict `evt.type`.
    pub warn_evttypes: bool,
    /// Whether to skip the rule, with a warning, when it uses a field the engine lacks.
    pub skip_if_unknown_filter: bool,
    /// The exceptions, after appends.
    pub exceptions: Vec<Exception>,
    /// Whether the source is one this engine has; rules of other sources are kept (so later
    /// files may change them) but not compiled.
    pub known_source: bool,
    /// Where the rule was (last) defined.
    pub location: Location,
}
