//! Errors from building a [`crate::Scanner`]: reading a YAML [`crate::Config`] and compiling
//! its rules and allowlists. Scanning itself never fails; unreadable input is skipped with a
//! [`crate::Skipped`] reason instead.

use std::path::PathBuf;

/// Why a secret configuration or rule could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The YAML itself is malformed or does not have the configuration's shape.
    #[error("invalid secret configuration {}:{line}:{column}: {message}", file.display())]
    Yaml {
        /// The configuration file.
        file: PathBuf,
        /// 1-based line of the problem (1 when the parser gives no position).
        line: u64,
        /// 1-based column of the problem.
        column: u64,
        /// The parser's description, without its own position suffix.
        message: String,
    },
    /// A rule's or allowlist's regular expression does not compile.
    #[error("invalid regex in {}:{line}:{column} ({context})", file.display())]
    Regex {
        /// The configuration file (`<built-in>` for the built-in table).
        file: PathBuf,
        /// 1-based line of the pattern.
        line: u64,
        /// 1-based column of the pattern.
        column: u64,
        /// Which rule or allowlist the pattern belongs to.
        context: String,
        /// The regex compiler's error.
        #[source]
        source: Box<regex::Error>,
    },
    /// A rule's regex has no `(?P<secret>...)` group, so there is nothing to report or mask.
    #[error("rule `{rule}` at {}:{line} has no named `secret` group in its regex", file.display())]
    MissingSecretGroup {
        /// The configuration file.
        file: PathBuf,
        /// 1-based line of the rule's regex.
        line: u64,
        /// The rule id.
        rule: String,
    },
    /// Two rules share an id, so findings and `disable` lists would be ambiguous.
    #[error("duplicate secret rule id `{rule}` at {}:{line}", file.display())]
    DuplicateRule {
        /// The configuration file.
        file: PathBuf,
        /// 1-based line of the second definition.
        line: u64,
        /// The repeated id.
        rule: String,
    },
    /// `disable` names a rule that does not exist.
    #[error("unknown secret rule `{rule}` in `disable` at {}:{line}", file.display())]
    UnknownRule {
        /// The configuration file.
        file: PathBuf,
        /// 1-based line of the entry.
        line: u64,
        /// The id that matched no rule.
        rule: String,
    },
    /// The keyword prefilter could not be built (too many or too long keywords).
    #[error("cannot build the keyword prefilter")]
    Prefilter(#[source] aho_corasick::BuildError),
}
