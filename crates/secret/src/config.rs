//! The user's secret configuration (`--secret-config FILE`): custom [`Rule`]s, rules to
//! disable, a global [`Allowlist`] and the file-size bound, read from YAML by
//! [`Config::from_yaml`]. Every error names the file, line and column of the offending entry.
//!
//! ```yaml
//! rules:
//!   - id: acme-token
//!     title: ACME deploy token
//!     severity: high
//!     keywords: [acme_]
//!     regex: 'acme_(?P<secret>[a-z0-9]{32})'
//!     entropy: 3.0            # optional, bits per byte
//!     scope: file             # optional; `secret-data`: decoded Kubernetes Secret entries only
//!     allowlist:
//!       regexes: ['^acme_0+$']
//!       paths: ['^testdata/']
//! disable: [jwt]
//! allowlist:
//!   paths: ['(^|/)fixtures/']
//!   stopwords: [dummy]
//! max-file-size: 1048576
//! ```

use std::path::{Path, PathBuf};

use custody_model::Severity;
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use serde_saphyr::{MessageFormatter, Spanned};

use crate::Error;
use crate::builtin::builtin_ids;
use crate::rule::{Allowlist, Rule, Scope};

/// Files larger than this are skipped unless the configuration says otherwise: 10 MiB covers
/// source files and configuration; larger files are data, archives or bundles.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 10 * 1024 * 1024;

/// Bound on a compiled regex, so a hostile configuration cannot exhaust memory.
const REGEX_SIZE_LIMIT: usize = 4 * 1024 * 1024;

/// Options for the [`crate::Scanner`] beyond its rules.
#[derive(Debug, Clone)]
pub struct Config {
    /// Custom rules added to the built-in ones.
    pub rules: Vec<Rule>,
    /// Ids of rules (built-in or custom) not to run.
    pub disable: Vec<String>,
    /// Matches no rule reports.
    pub allowlist: Allowlist,
    /// Files larger than this many bytes are skipped with [`crate::Skipped::TooLarge`].
    pub max_file_size: u64,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            rules: Vec::new(),
            disable: Vec::new(),
            allowlist: Allowlist::default(),
            max_file_size: DEFAULT_MAX_FILE_SIZE,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    disable: Vec<Spanned<String>>,
    #[serde(default)]
    allowlist: RawAllowlist,
    max_file_size: Option<u64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    title: Option<String>,
    severity: Spanned<String>,
    #[serde(default)]
    keywords: Vec<String>,
    regex: Spanned<String>,
    entropy: Option<f64>,
    reach: Option<usize>,
    #[serde(default)]
    allowlist: RawAllowlist,
    #[serde(default)]
    scope: Scope,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawAllowlist {
    #[serde(default)]
    regexes: Vec<Spanned<String>>,
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    stopwords: Vec<String>,
}

/// Where a pattern sits in a configuration file, for error messages.
pub(crate) struct Origin<'a> {
    file: &'a Path,
    line: u64,
    column: u64,
}

impl Config {
    /// Parses a secret configuration; `file` is only used in error messages.
    ///
    /// Custom rule ids must not repeat or shadow a built-in rule, every `disable` entry must
    /// name a rule, every regex must compile and every rule regex needs a `secret` group.
    pub fn from_yaml(file: &Path, text: &str) -> Result<Self, Error> {
        let raw: RawConfig =
            serde_saphyr::from_str(text).map_err(|error| yaml_error(file, &error))?;
        let mut known: Vec<String> = builtin_ids().map(str::to_owned).collect();
        let mut rules = Vec::with_capacity(raw.rules.len());
        for raw_rule in raw.rules {
            let rule = raw_rule.compile(file)?;
            if known.contains(&rule.id) {
                return Err(Error::DuplicateRule {
                    file: file.to_path_buf(),
                    line: raw_rule.id.referenced.line(),
                    rule: rule.id,
                });
            }
            known.push(rule.id.clone());
            rules.push(rule);
        }
        for entry in &raw.disable {
            if !known.contains(&entry.value) {
                return Err(Error::UnknownRule {
                    file: file.to_path_buf(),
                    line: entry.referenced.line(),
                    rule: entry.value.clone(),
                });
            }
        }
        Ok(Self {
            rules,
            disable: raw.disable.into_iter().map(|entry| entry.value).collect(),
            allowlist: raw.allowlist.compile(file, "global allowlist")?,
            max_file_size: raw.max_file_size.unwrap_or(DEFAULT_MAX_FILE_SIZE),
        })
    }
}

impl RawRule {
    fn compile(&self, file: &Path) -> Result<Rule, Error> {
        let id = self.id.value.clone();
        let severity = parse_severity(&self.severity.value).ok_or_else(|| Error::Yaml {
            file: file.to_path_buf(),
            line: self.severity.referenced.line(),
            column: self.severity.referenced.column(),
            message: format!(
                "unknown severity `{}` (expected critical, high, medium or low)",
                self.severity.value
            ),
        })?;
        let origin = origin(file, &self.regex);
        let regex = compile_bytes(&self.regex.value, || format!("rule `{id}`"), Some(&origin))?;
        if !regex.capture_names().any(|name| name == Some("secret")) {
            return Err(Error::MissingSecretGroup {
                file: file.to_path_buf(),
                line: origin.line,
                rule: id,
            });
        }
        Ok(Rule {
            title: self.title.clone().unwrap_or_else(|| id.clone()),
            allowlist: self
                .allowlist
                .compile(file, &format!("allowlist of rule `{id}`"))?,
            id,
            severity,
            keywords: self.keywords.clone(),
            regex,
            entropy: self.entropy,
            reach: self.reach,
            scope: self.scope,
        })
    }
}

impl RawAllowlist {
    fn compile(&self, file: &Path, context: &str) -> Result<Allowlist, Error> {
        let regexes = self
            .regexes
            .iter()
            .map(|pattern| {
                compile_bytes(
                    &pattern.value,
                    || context.to_owned(),
                    Some(&origin(file, pattern)),
                )
            })
            .collect::<Result<_, _>>()?;
        let paths = self
            .paths
            .iter()
            .map(|pattern| {
                let origin = origin(file, pattern);
                regex::RegexBuilder::new(&pattern.value)
                    .size_limit(REGEX_SIZE_LIMIT)
                    .build()
                    .map_err(|source| regex_error(source, context.to_owned(), Some(&origin)))
            })
            .collect::<Result<_, _>>()?;
        Ok(Allowlist {
            regexes,
            paths,
            stopwords: self.stopwords.clone(),
        })
    }
}

fn origin<'a>(file: &'a Path, spanned: &Spanned<String>) -> Origin<'a> {
    Origin {
        file,
        line: spanned.referenced.line(),
        column: spanned.referenced.column(),
    }
}

fn parse_severity(text: &str) -> Option<Severity> {
    match text.to_ascii_lowercase().as_str() {
        "critical" => Some(Severity::Critical),
        "high" => Some(Severity::High),
        "medium" => Some(Severity::Medium),
        "low" => Some(Severity::Low),
        _ => None,
    }
}

/// Compiles a secret-matching regex the way every rule is compiled: over bytes, ASCII classes
/// (the lazy DFA then handles `\b`), bounded size. `origin` is `None` for built-in rules.
pub(crate) fn compile_bytes(
    pattern: &str,
    context: impl FnOnce() -> String,
    origin: Option<&Origin<'_>>,
) -> Result<Regex, Error> {
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|source| regex_error(source, context(), origin))
}

fn regex_error(source: regex::Error, context: String, origin: Option<&Origin<'_>>) -> Error {
    Error::Regex {
        file: origin.map_or_else(
            || PathBuf::from("<built-in>"),
            |origin| origin.file.to_path_buf(),
        ),
        line: origin.map_or(0, |origin| origin.line),
        column: origin.map_or(0, |origin| origin.column),
        context,
        source: Box::new(source),
    }
}

/// An [`Error::Yaml`] at the position serde-saphyr reports, with control characters removed
/// (a hostile file could smuggle terminal escapes into a quoted scalar).
fn yaml_error(file: &Path, error: &serde_saphyr::Error) -> Error {
    let (line, column) = error.location().map_or((1, 1), |location| {
        (location.line().max(1), location.column().max(1))
    });
    Error::Yaml {
        file: file.to_path_buf(),
        line,
        column,
        message: serde_saphyr::UserMessageFormatter
            .format_message(error)
            .chars()
            .filter(|character| !character.is_control())
            .collect(),
    }
}
