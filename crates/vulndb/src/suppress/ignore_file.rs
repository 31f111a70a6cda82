//! Ignore files (`.custodyignore.yaml`): the user's list of vulnerabilities not to report.
//!
//! The format follows Trivy's `.trivyignore.yaml`, so existing files keep working:
//!
//! ```yaml
//! vulnerabilities:
//!   - id: CVE-2019-11236            # the finding's id or any of its aliases
//!     purls:                        # optional: only in these packages
//!       - pkg:pypi/urllib3          #   no version: any version; qualifiers: a subset
//!     paths:                        # optional: only where a location path matches a glob
//!       - usr/lib/python3/**
//!     expires: 2025-06-30           # optional: a date (UTC) or an RFC 3339 time
//!     reason: not reachable from our code
//! ```
//!
//! `secrets:` and `misconfigurations:` take the same entries (without `purls`): `id` is the
//! secret rule id (`github-pat`) or the check id (`CDF002`, `PSS-privileged`), and `paths`
//! narrow them to files, as Trivy's sections of the same names do.
//!
//! `expired_at` and `statement` are accepted as Trivy's names for `expires` and `reason`. All
//! conditions of a rule must hold. Path globs are matched against the paths of the finding's
//! locations (relative to the target root; a leading `/` or `./` is ignored on both sides);
//! `*` stays within one path segment and `**` crosses segments. A date-only `expires` ends at
//! the start of that day in UTC, as Trivy's does: a rule that `expires: 2025-06-30` suppresses
//! through June 29. Unknown keys, malformed dates, globs and purls are errors naming the file,
//! line and column, because a typo in an ignore file must not silently report or hide
//! findings.

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::purl::PackageUrl;
use super::{SuppressionError, SuppressionErrorKind, SuppressionFormat, read_limited};

/// A parsed ignore file: its rules, in file order.
#[derive(Debug, Clone)]
pub struct IgnoreFile {
    path: PathBuf,
    rules: Vec<IgnoreRule>,
}

/// The section of an ignore file, which says what kind of finding its rules suppress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IgnoreSection {
    /// `vulnerabilities:` — advisory ids and aliases.
    Vulnerabilities,
    /// `secrets:` — secret rule ids.
    Secrets,
    /// `misconfigurations:` — misconfiguration check ids.
    Misconfigurations,
}

/// One entry of an ignore file.
#[derive(Debug, Clone)]
pub(crate) struct IgnoreRule {
    /// The section the entry is in.
    pub(crate) section: IgnoreSection,
    /// The 1-based line of the entry.
    pub(crate) line: u64,
    /// The vulnerability id to ignore.
    pub(crate) id: String,
    /// Package patterns; empty means any package.
    purls: Vec<PackageUrl>,
    /// Location globs; `None` means any location.
    paths: Option<GlobSet>,
    /// When the rule stops suppressing.
    pub(crate) expires: Option<Expiry>,
    /// Why the vulnerability is ignored.
    pub(crate) reason: Option<String>,
}

/// The `expires` of a rule: the text as written and the instant it stands for.
#[derive(Debug, Clone)]
pub(crate) struct Expiry {
    /// As written (`2025-06-30`).
    pub(crate) text: String,
    /// The first instant at which the rule no longer applies.
    pub(crate) at: jiff::Timestamp,
}

/// The file as written, before validation.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    vulnerabilities: Option<Vec<Spanned<RawRule>>>,
    #[serde(default)]
    secrets: Option<Vec<Spanned<RawRule>>>,
    #[serde(default)]
    misconfigurations: Option<Vec<Spanned<RawRule>>>,
}

/// One entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    #[serde(default)]
    purls: Vec<Spanned<String>>,
    #[serde(default)]
    paths: Vec<Spanned<String>>,
    #[serde(default, alias = "expired_at")]
    expires: Option<Spanned<String>>,
    #[serde(default, alias = "statement")]
    reason: Option<String>,
}

impl IgnoreFile {
    /// Reads and parses the ignore file at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, SuppressionError> {
        let path = path.as_ref();
        let bytes = read_limited(path)?;
        Self::parse(path, &bytes)
    }

    /// Parses ignore-file YAML already in memory; `path` names it in errors and in
    /// [`Suppression::Ignore`](custody_model::Suppression::Ignore) rules.
    pub fn parse(path: impl Into<PathBuf>, yaml: &[u8]) -> Result<Self, SuppressionError> {
        let path = path.into();
        let raw: RawFile = serde_saphyr::from_slice(yaml).map_err(|error| {
            let location = error.location();
            let (line, column) =
                location.map_or((0, 0), |location| (location.line(), location.column()));
            let mut message = error.without_snippet().to_string();
            if let Some(stripped) =
                message.strip_suffix(&format!(" at line {line}, column {column}"))
            {
                message.truncate(stripped.len());
            }
            SuppressionError::Invalid {
                path: path.clone(),
                line,
                column,
                format: SuppressionFormat::IgnoreFile,
                kind: SuppressionErrorKind::Syntax { message },
            }
        })?;
        let sections = [
            (IgnoreSection::Vulnerabilities, raw.vulnerabilities),
            (IgnoreSection::Secrets, raw.secrets),
            (IgnoreSection::Misconfigurations, raw.misconfigurations),
        ];
        let mut rules: Vec<IgnoreRule> = sections
            .into_iter()
            .flat_map(|(section, rules)| {
                rules
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |rule| (section, rule))
            })
            .map(|(section, rule)| IgnoreRule::check(&path, section, rule))
            .collect::<Result<_, _>>()?;
        rules.sort_by_key(|rule| rule.line);
        Ok(Self { path, rules })
    }

    /// The file's path, as given to [`IgnoreFile::load`] or [`IgnoreFile::parse`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many rules the file has.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether the file has no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rules, in file order.
    pub(crate) fn rules(&self) -> &[IgnoreRule] {
        &self.rules
    }
}

impl IgnoreRule {
    /// Validates one raw entry: purls parse, globs compile, `expires` is a date or a time.
    fn check(
        path: &Path,
        section: IgnoreSection,
        raw: Spanned<RawRule>,
    ) -> Result<Self, SuppressionError> {
        let line = raw.referenced.line();
        let raw = raw.value;
        let invalid = |at: &serde_saphyr::Location, kind| SuppressionError::Invalid {
            path: path.to_path_buf(),
            line: at.line(),
            column: at.column(),
            format: SuppressionFormat::IgnoreFile,
            kind,
        };
        let id = raw.id.value.trim().to_owned();
        if id.is_empty() {
            return Err(invalid(
                &raw.id.referenced,
                SuppressionErrorKind::Empty { field: "id" },
            ));
        }
        if section != IgnoreSection::Vulnerabilities
            && let Some(purl) = raw.purls.first()
        {
            return Err(invalid(
                &purl.referenced,
                SuppressionErrorKind::Syntax {
                    message: "`purls` narrows vulnerabilities only; secrets and \
                              misconfigurations are narrowed by `paths`"
                        .to_owned(),
                },
            ));
        }
        let purls = raw
            .purls
            .iter()
            .map(|purl| {
                PackageUrl::parse(&purl.value).map_err(|reason| {
                    invalid(
                        &purl.referenced,
                        SuppressionErrorKind::Purl {
                            purl: purl.value.clone(),
                            reason: reason.to_string(),
                        },
                    )
                })
            })
            .collect::<Result<_, _>>()?;
        let paths = if let Some(first) = raw.paths.first() {
            let mut set = GlobSetBuilder::new();
            for glob in &raw.paths {
                let compiled = GlobBuilder::new(relative(&glob.value))
                    .literal_separator(true)
                    .build()
                    .map_err(|source| {
                        invalid(
                            &glob.referenced,
                            SuppressionErrorKind::Glob {
                                glob: glob.value.clone(),
                                source,
                            },
                        )
                    })?;
                set.add(compiled);
            }
            // Each glob compiled on its own, so only a size limit of the combined matcher can
            // fail here; it is reported at the first glob.
            Some(set.build().map_err(|source| {
                invalid(
                    &first.referenced,
                    SuppressionErrorKind::Glob {
                        glob: first.value.clone(),
                        source,
                    },
                )
            })?)
        } else {
            None
        };
        let expires = raw
            .expires
            .map(|expires| {
                parse_expiry(&expires.value).ok_or_else(|| {
                    invalid(
                        &expires.referenced,
                        SuppressionErrorKind::Expires {
                            value: expires.value.clone(),
                        },
                    )
                })
            })
            .transpose()?;
        Ok(Self {
            section,
            line,
            id,
            purls,
            paths,
            expires,
            reason: raw.reason.filter(|reason| !reason.trim().is_empty()),
        })
    }

    /// Whether the rule applies to a finding: `ids` are its id and aliases, `package` its
    /// parsed purl (`None` when it does not parse), `paths` its location paths. Expiry is the
    /// caller's business.
    pub(crate) fn matches<'a>(
        &self,
        ids: &[&str],
        package: Option<&PackageUrl>,
        mut paths: impl Iterator<Item = &'a str>,
    ) -> bool {
        ids.iter().any(|id| id.eq_ignore_ascii_case(&self.id))
            && (self.purls.is_empty()
                || package.is_some_and(|package| {
                    self.purls.iter().any(|pattern| pattern.covers(package))
                }))
            && self
                .paths
                .as_ref()
                .is_none_or(|globs| paths.any(|path| globs.is_match(relative(path))))
    }
}

/// A path without a leading `/` or `./`: location paths are relative to the target root, and
/// users copy paths from both forms.
fn relative(path: &str) -> &str {
    let path = path.strip_prefix("./").unwrap_or(path);
    path.trim_start_matches('/')
}

/// Reads `expires`: a date (`2025-06-30`, ending at the start of that day in UTC) or an
/// RFC 3339 time.
fn parse_expiry(text: &str) -> Option<Expiry> {
    let trimmed = text.trim();
    let at = if let Ok(date) = trimmed.parse::<jiff::civil::Date>()
        && !trimmed.contains('T')
    {
        date.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp()
    } else {
        trimmed.parse::<jiff::Timestamp>().ok()?
    };
    Some(Expiry {
        text: trimmed.to_owned(),
        at,
    })
}

#[cfg(test)]
mod tests {
    //! Parsing and validating ignore files, and what one rule matches; expiry against a clock
    //! is tested with `apply` in the parent module.

    use super::*;

    fn parse(yaml: &str) -> Result<IgnoreFile, SuppressionError> {
        IgnoreFile::parse(".custodyignore.yaml", yaml.as_bytes())
    }

    fn position(error: &SuppressionError) -> (u64, u64) {
        match error {
            SuppressionError::Invalid { line, column, .. } => (*line, *column),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn parses_rules_with_trivy_names() {
        let file = parse(
            "# accepted risks\nvulnerabilities:\n  - id: CVE-2019-11236\n    purls:\n      - pkg:pypi/urllib3\n    \
             paths: [usr/lib/**]\n    expires: 2025-06-30\n    reason: not reachable\n  - id: GHSA-xvch-5gv4-984h\n    \
             expired_at: 2024-01-01T12:00:00+02:00\n    statement: Review in 6 months\n",
        )
        .unwrap();
        assert_eq!(file.len(), 2);
        let first = &file.rules()[0];
        assert_eq!((first.line, first.id.as_str()), (3, "CVE-2019-11236"));
        let expiry = first.expires.as_ref().unwrap();
        assert_eq!(expiry.text, "2025-06-30");
        assert_eq!(expiry.at.to_string(), "2025-06-30T00:00:00Z");
        assert_eq!(first.reason.as_deref(), Some("not reachable"));
        let second = &file.rules()[1];
        assert_eq!(second.line, 9);
        assert_eq!(
            second.expires.as_ref().unwrap().at.to_string(),
            "2024-01-01T10:00:00Z"
        );
        assert_eq!(second.reason.as_deref(), Some("Review in 6 months"));
    }

    #[test]
    fn secret_and_misconfiguration_sections() {
        let file = parse(
            "misconfigurations:\n  - id: CDF002\n    paths: [docker/**]\nsecrets:\n  - id: github-pat\n\
             vulnerabilities:\n  - id: CVE-1\n",
        )
        .unwrap();
        let rules: Vec<(IgnoreSection, &str, u64)> = file
            .rules()
            .iter()
            .map(|rule| (rule.section, rule.id.as_str(), rule.line))
            .collect();
        assert_eq!(
            rules,
            [
                (IgnoreSection::Misconfigurations, "CDF002", 2),
                (IgnoreSection::Secrets, "github-pat", 5),
                (IgnoreSection::Vulnerabilities, "CVE-1", 7),
            ]
        );
        let error = parse("secrets:\n  - id: github-pat\n    purls: [pkg:npm/a]\n").unwrap_err();
        assert_eq!(position(&error), (3, 13));
        assert!(error.to_string().contains("invalid ignore file"), "{error}");
    }

    #[test]
    fn empty_files_have_no_rules() {
        for yaml in [
            "",
            "# nothing yet\n",
            "vulnerabilities:\n",
            "vulnerabilities: []\n",
        ] {
            assert!(parse(yaml).unwrap().is_empty(), "{yaml:?}");
        }
    }

    #[test]
    fn errors_name_the_position() {
        let unknown =
            parse("vulnerabilities:\n  - id: CVE-1\n    expire: 2025-01-01\n").unwrap_err();
        assert_eq!(position(&unknown), (3, 5));
        assert_eq!(
            unknown.to_string(),
            ".custodyignore.yaml:3:5: invalid ignore file"
        );
        let cause = std::error::Error::source(&unknown).unwrap().to_string();
        assert!(cause.starts_with("unknown field `expire`"), "{cause}");
        assert!(!cause.contains("at line"), "{cause}");
        let top = parse("licenses:\n  - id: GPL-3.0\n").unwrap_err();
        assert_eq!(position(&top), (1, 1));
        let missing_id = parse("vulnerabilities:\n  - purls: [pkg:npm/x]\n").unwrap_err();
        assert_eq!(position(&missing_id), (2, 5));
        let empty_id = parse("vulnerabilities:\n  - id: ' '\n").unwrap_err();
        assert_eq!(position(&empty_id), (2, 9));
        let syntax = parse("vulnerabilities: [\n").unwrap_err();
        assert_eq!(position(&syntax).0, 1);
        let date = parse("vulnerabilities:\n  - id: CVE-1\n    expires: 2025-13-01\n").unwrap_err();
        assert_eq!(position(&date), (3, 14));
        let cause = std::error::Error::source(&date).unwrap().to_string();
        assert!(cause.contains("\"2025-13-01\""), "{cause}");
        let purl = parse("vulnerabilities:\n  - id: CVE-1\n    purls:\n      - npm/left-pad\n")
            .unwrap_err();
        assert_eq!(position(&purl), (4, 9));
        let cause = std::error::Error::source(&purl).unwrap().to_string();
        assert!(cause.contains("`pkg:`"), "{cause}");
        let glob = parse("vulnerabilities:\n  - id: CVE-1\n    paths: ['a/[b']\n").unwrap_err();
        assert_eq!(position(&glob), (3, 13));
        let cause = std::error::Error::source(&glob).unwrap();
        assert!(
            cause.source().is_some(),
            "globset's error is the cause of {cause}"
        );
    }

    #[test]
    fn rule_conditions() {
        let file = parse(
            "vulnerabilities:\n  - id: cve-2019-11236\n    purls: [pkg:pypi/urllib3, pkg:deb/debian/python3-urllib3@1.26.12-1]\n    \
             paths: [usr/lib/python3/dist-packages/**, '/app/*.txt']\n",
        )
        .unwrap();
        let rule = &file.rules()[0];
        let pypi = PackageUrl::parse("pkg:pypi/urllib3@1.24.1").unwrap();
        let deb = PackageUrl::parse("pkg:deb/debian/python3-urllib3@1.26.12-1?arch=all").unwrap();
        let old_deb = PackageUrl::parse("pkg:deb/debian/python3-urllib3@1.26.5-1").unwrap();
        let dist = ["usr/lib/python3/dist-packages/urllib3-1.24.1.dist-info/METADATA"];
        let ids = ["GHSA-r64q-w8jr-g9qp", "CVE-2019-11236"];
        assert!(rule.matches(&ids, Some(&pypi), dist.into_iter()));
        assert!(rule.matches(&ids, Some(&deb), dist.into_iter()));
        assert!(rule.matches(&ids, Some(&pypi), ["/app/requirements.txt"].into_iter()));
        // `*` stays within one segment.
        assert!(!rule.matches(&ids, Some(&pypi), ["app/sub/requirements.txt"].into_iter()));
        assert!(!rule.matches(&ids, Some(&old_deb), dist.into_iter()));
        assert!(!rule.matches(&ids, None, dist.into_iter()));
        assert!(!rule.matches(&["CVE-2019-1"], Some(&pypi), dist.into_iter()));
        assert!(!rule.matches(&ids, Some(&pypi), std::iter::empty()));
        let any = parse("vulnerabilities:\n  - id: CVE-1\n").unwrap();
        assert!(any.rules()[0].matches(&["CVE-1"], None, std::iter::empty()));
    }
}
