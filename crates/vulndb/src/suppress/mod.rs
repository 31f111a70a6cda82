//! Applying the user's suppressions to findings: ignore files and OpenVEX documents.
//!
//! [`IgnoreFile`] (`.custodyignore.yaml`, see [`ignore_file`]) lists vulnerabilities the user
//! accepts, optionally narrowed to packages and paths and with an expiry date.
//! [`VexDocument`] (OpenVEX, see [`vex`]) states, per product, whether a vulnerability
//! affects it. [`Suppressions`] holds both, with the identities of the scanned artifact, and
//! [`Suppressions::apply`] splits findings into those still reported and those suppressed,
//! each [`Suppressed`] finding saying which rule or statement removed it.
//!
//! Ignore rules are checked first (they are the user's own decision), then VEX statements;
//! a finding is suppressed by the first that applies. Expired ignore rules suppress nothing
//! and each produces a warning, so that accepted risks are reviewed rather than forgotten.
//!
//! Purls are compared component by component ([`purl`]); this module does not match
//! packages to advisories ([`crate::match_inventory`] does) nor filter by severity or fix
//! state (custody-cli does).

pub(crate) mod ignore_file;
mod purl;
pub(crate) mod vex;

use std::io::Read as _;
use std::path::{Path, PathBuf};

use custody_model::{Finding, Suppressed, Suppression, Warning};

pub use ignore_file::{IgnoreFile, IgnoreSection};
pub use vex::VexDocument;

use purl::PackageUrl;
use vex::Target;

/// The largest ignore file or VEX document read (64 MiB): both are written by people or
/// generated per product, and far smaller.
const MAX_FILE_BYTES: u64 = 64 << 20;

/// An ignore file or VEX document that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SuppressionError {
    /// The file could not be read; `fs_err` names it.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The file is larger than 64 MiB.
    #[error("{path} is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file's content is malformed at a position.
    #[error("{path}:{line}:{column}: invalid {format}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The 1-based line; 0 when the parser could not tell.
        line: u64,
        /// The 1-based column; 0 when the parser could not tell.
        column: u64,
        /// Which kind of file it is.
        format: SuppressionFormat,
        /// What is wrong there.
        #[source]
        kind: SuppressionErrorKind,
    },
}

/// The kinds of file [`SuppressionError::Invalid`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionFormat {
    /// An [`IgnoreFile`].
    IgnoreFile,
    /// A [`VexDocument`].
    OpenVex,
}

impl std::fmt::Display for SuppressionFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::IgnoreFile => "ignore file",
            Self::OpenVex => "OpenVEX document",
        })
    }
}

/// What is wrong at the position of a [`SuppressionError::Invalid`].
#[derive(Debug, thiserror::Error)]
pub enum SuppressionErrorKind {
    /// Not YAML or JSON, or not the expected shape: an unknown key, a missing field, a list
    /// where a string belongs, an unknown VEX status.
    #[error("{message}")]
    Syntax {
        /// The parser's message, without the position it already has.
        message: String,
    },
    /// A required field is empty.
    #[error("field `{field}` is empty")]
    Empty {
        /// The field's name.
        field: &'static str,
    },
    /// An ignore rule's `expires` is neither a date nor an RFC 3339 time.
    #[error("`expires` is not a date (YYYY-MM-DD) or an RFC 3339 time: {value:?}")]
    Expires {
        /// The value as written.
        value: String,
    },
    /// An ignore rule's path glob does not compile.
    #[error("invalid path glob {glob:?}")]
    Glob {
        /// The glob as written.
        glob: String,
        /// globset's error.
        #[source]
        source: globset::Error,
    },
    /// An ignore rule's purl is not a package URL.
    #[error("invalid package URL {purl:?}: {reason}")]
    Purl {
        /// The purl as written.
        purl: String,
        /// Why it does not parse.
        reason: String,
    },
}

/// Everything that may suppress findings in one scan.
///
/// ```
/// use custody_vulndb::{IgnoreFile, Suppressions};
///
/// let ignores = IgnoreFile::parse(
///     ".custodyignore.yaml",
///     b"vulnerabilities:\n  - id: CVE-2019-11236\n    expires: 2030-01-01\n",
/// )?;
/// let suppressions = Suppressions::new().ignore_file(ignores);
/// let applied = suppressions.apply(Vec::new(), jiff::Timestamp::now());
/// assert!(applied.findings.is_empty() && applied.warnings.is_empty());
/// # Ok::<(), custody_vulndb::SuppressionError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    ignore_files: Vec<IgnoreFile>,
    vex_documents: Vec<VexDocument>,
    target: Target,
}

/// Findings split by [`Suppressions::apply`].
#[must_use]
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// Findings no rule or statement suppressed, in their original order.
    pub findings: Vec<Finding>,
    /// Findings suppressed, in their original order, each with what suppressed it.
    pub suppressed: Vec<Suppressed>,
    /// One warning per expired ignore rule.
    pub warnings: Vec<Warning>,
}

impl Suppressions {
    /// No suppressions: [`Suppressions::apply`] keeps every finding.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an ignore file; rules of all files apply.
    #[must_use]
    pub fn ignore_file(mut self, file: IgnoreFile) -> Self {
        self.ignore_files.push(file);
        self
    }

    /// Adds a VEX document. Statements of all documents are weighed together: for each
    /// finding the latest statement that covers it decides (see [`VexDocument`]).
    #[must_use]
    pub fn vex(mut self, document: VexDocument) -> Self {
        self.vex_documents.push(document);
        self
    }

    /// Adds an identity of the scanned artifact: an image digest (`sha256:…`, the manifest's
    /// or the configuration's) or a purl (`pkg:oci/app@sha256:…?repository_url=…`). A VEX
    /// product that names the artifact covers the packages its `subcomponents` name, or every
    /// package when it has none.
    #[must_use]
    pub fn target(mut self, identity: &str) -> Self {
        self.target.add(identity);
        self
    }

    /// Whether there is nothing to apply.
    pub fn is_empty(&self) -> bool {
        self.ignore_files.is_empty() && self.vex_documents.is_empty()
    }

    /// Splits `findings` into those still reported and those suppressed, as of `now` for
    /// ignore rules that expire.
    pub fn apply(&self, findings: Vec<Finding>, now: jiff::Timestamp) -> Applied {
        let mut applied = Applied::default();
        for file in &self.ignore_files {
            for rule in file.rules() {
                if let Some(expiry) = &rule.expires
                    && now >= expiry.at
                {
                    applied.warnings.push(Warning {
                        path: None,
                        layer: None,
                        message: format!(
                            "ignore rule {} for {} expired on {}; it no longer suppresses findings",
                            rule_name(file.path(), rule.line),
                            rule.id,
                            expiry.text
                        ),
                    });
                }
            }
        }
        for finding in findings {
            match self.suppression(&finding, now) {
                Some(by) => applied.suppressed.push(Suppressed { finding, by }),
                None => applied.findings.push(finding),
            }
        }
        applied
    }

    /// What suppresses a secret or misconfiguration (`section`) whose rule or check is `id`,
    /// found in the file at `path`, as of `now`; only ignore rules can (VEX statements are
    /// about vulnerabilities).
    pub fn exposure_suppression(
        &self,
        section: IgnoreSection,
        id: &str,
        path: &str,
        now: jiff::Timestamp,
    ) -> Option<Suppression> {
        self.ignore_rule(section, &[id], None, &std::iter::once(path), now)
    }

    /// The first active ignore rule of `section` that matches, as a suppression.
    fn ignore_rule<'a>(
        &self,
        section: IgnoreSection,
        ids: &[&str],
        package: Option<&PackageUrl>,
        paths: &(impl Iterator<Item = &'a str> + Clone),
        now: jiff::Timestamp,
    ) -> Option<Suppression> {
        for file in &self.ignore_files {
            for rule in file.rules() {
                let active = rule.expires.as_ref().is_none_or(|expiry| now < expiry.at);
                if active && rule.section == section && rule.matches(ids, package, paths.clone()) {
                    return Some(Suppression::Ignore {
                        rule: rule_name(file.path(), rule.line),
                        reason: rule.reason.clone(),
                        expires: rule.expires.as_ref().map(|expiry| expiry.text.clone()),
                    });
                }
            }
        }
        None
    }

    /// What suppresses `finding`, if anything.
    fn suppression(&self, finding: &Finding, now: jiff::Timestamp) -> Option<Suppression> {
        let ids: Vec<&str> = std::iter::once(finding.id.as_str())
            .chain(finding.aliases.iter().map(String::as_str))
            .collect();
        let package = PackageUrl::parse(&finding.package).ok();
        let paths = finding
            .locations
            .iter()
            .map(|location| location.path.as_str());
        if let Some(suppression) = self.ignore_rule(
            IgnoreSection::Vulnerabilities,
            &ids,
            package.as_ref(),
            &paths,
            now,
        ) {
            return Some(suppression);
        }
        let (document, statement) = self
            .vex_documents
            .iter()
            .flat_map(|document| {
                document
                    .statements()
                    .iter()
                    .map(move |statement| (document, statement))
            })
            .filter(|(_, statement)| statement.covers(&ids, package.as_ref(), &self.target))
            // `max_by_key` keeps the last of equal keys: among statements with the same
            // timestamp, the later one (in document order) wins.
            .max_by_key(|(_, statement)| statement.timestamp)?;
        statement.status.suppresses().then(|| Suppression::Vex {
            document: document.name(),
            status: statement.status.as_str().to_owned(),
            justification: statement.explanation(),
        })
    }
}

/// `file:line`, how rules are named in suppressions and warnings.
fn rule_name(path: &Path, line: u64) -> String {
    format!("{}:{line}", path.display())
}

/// Reads a whole file of at most [`MAX_FILE_BYTES`].
fn read_limited(path: &Path) -> Result<Vec<u8>, SuppressionError> {
    let mut bytes = Vec::new();
    fs_err::File::open(path)?
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(SuppressionError::TooLarge {
            path: path.to_path_buf(),
            size: fs_err::metadata(path)?.len(),
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    //! `apply` end to end on small findings: precedence, expiry boundaries, VEX ordering and
    //! target products. Parsing is tested in `ignore_file` and `vex`.

    use custody_model::{Ecosystem, Location, Severity};

    use super::*;

    fn finding(id: &str, aliases: &[&str], purl: &str, path: &str) -> Finding {
        Finding {
            id: id.into(),
            aliases: aliases.iter().map(|alias| (*alias).to_owned()).collect(),
            package: purl.into(),
            name: "urllib3".into(),
            version: "1.24.1".into(),
            ecosystem: Ecosystem::Pypi,
            locations: vec![Location::new(path)],
            fixed_version: Some("1.24.3".into()),
            severity: Severity::Medium,
            ratings: Vec::new(),
            summary: None,
            matches: Vec::new(),
            references: Vec::new(),
            published: None,
        }
    }

    #[test]
    fn exposure_rules_match_their_section_id_and_path() {
        let file = IgnoreFile::parse(
            "ignore.yaml",
            b"secrets:\n  - id: github-pat\n    paths: [ci/**]\n    expires: 2030-01-01\n\
              misconfigurations:\n  - id: CDF002\nvulnerabilities:\n  - id: CDF001\n",
        )
        .unwrap();
        let suppressions = Suppressions::new().ignore_file(file);
        let now = time("2026-01-01T00:00:00Z");
        let secret = |id: &str, path: &str, now| {
            suppressions.exposure_suppression(IgnoreSection::Secrets, id, path, now)
        };
        assert!(matches!(
            secret("github-pat", "ci/deploy.sh", now),
            Some(Suppression::Ignore { rule, .. }) if rule == "ignore.yaml:2"
        ));
        assert_eq!(secret("github-pat", "src/main.rs", now), None);
        assert_eq!(
            secret("GITHUB-PAT", "ci/x", time("2030-01-01T00:00:00Z")),
            None
        );
        assert_eq!(secret("CDF002", "Dockerfile", now), None, "wrong section");
        let check = |id: &str| {
            suppressions.exposure_suppression(
                IgnoreSection::Misconfigurations,
                id,
                "Dockerfile",
                now,
            )
        };
        assert!(check("CDF002").is_some());
        assert_eq!(
            check("CDF001"),
            None,
            "a vulnerabilities rule does not cover checks"
        );
    }

    fn urllib3() -> Finding {
        finding(
            "CVE-2019-11236",
            &["GHSA-r64q-w8jr-g9qp", "PYSEC-2019-132"],
            "pkg:pypi/urllib3@1.24.1",
            "usr/lib/python3/site-packages/urllib3-1.24.1.dist-info/METADATA",
        )
    }

    fn time(text: &str) -> jiff::Timestamp {
        text.parse().unwrap()
    }

    fn ignores(yaml: &str) -> IgnoreFile {
        IgnoreFile::parse("ignore.yaml", yaml.as_bytes()).unwrap()
    }

    fn vex(json: &str) -> VexDocument {
        VexDocument::parse("vex.json", json.as_bytes()).unwrap()
    }

    #[test]
    fn nothing_to_apply_keeps_everything() {
        let suppressions = Suppressions::new();
        assert!(suppressions.is_empty());
        let applied = suppressions.apply(vec![urllib3()], time("2025-01-01T00:00:00Z"));
        assert_eq!(applied.findings, [urllib3()]);
        assert!(applied.suppressed.is_empty() && applied.warnings.is_empty());
    }

    #[test]
    fn ignore_rule_matches_an_alias() {
        let suppressions = Suppressions::new().ignore_file(ignores(
            "vulnerabilities:\n  - id: PYSEC-2019-132\n    reason: vendored copy unused\n",
        ));
        let other = finding("CVE-2020-1", &[], "pkg:pypi/urllib3@1.24.1", "x");
        let applied =
            suppressions.apply(vec![urllib3(), other.clone()], time("2025-01-01T00:00:00Z"));
        assert_eq!(applied.findings, [other]);
        assert_eq!(
            applied.suppressed,
            [Suppressed {
                finding: urllib3(),
                by: Suppression::Ignore {
                    rule: "ignore.yaml:2".into(),
                    reason: Some("vendored copy unused".into()),
                    expires: None,
                },
            }]
        );
    }

    #[test]
    fn date_expiry_ends_at_the_start_of_the_day_utc() {
        let suppressions = Suppressions::new().ignore_file(ignores(
            "vulnerabilities:\n  - id: CVE-2019-11236\n    expires: 2025-06-30\n",
        ));
        let before = suppressions.apply(vec![urllib3()], time("2025-06-29T23:59:59Z"));
        assert_eq!(before.suppressed.len(), 1);
        assert!(before.warnings.is_empty());
        let Suppression::Ignore { expires, .. } = &before.suppressed[0].by else {
            panic!("{:?}", before.suppressed[0].by)
        };
        assert_eq!(expires.as_deref(), Some("2025-06-30"));
        for now in ["2025-06-30T00:00:00Z", "2026-01-01T00:00:00Z"] {
            let after = suppressions.apply(vec![urllib3()], time(now));
            assert_eq!(after.findings, [urllib3()], "{now}");
            assert_eq!(after.warnings.len(), 1);
            assert_eq!(
                after.warnings[0].message,
                "ignore rule ignore.yaml:2 for CVE-2019-11236 expired on 2025-06-30; it no \
                 longer suppresses findings"
            );
        }
    }

    #[test]
    fn time_expiry_is_exact() {
        let suppressions = Suppressions::new().ignore_file(ignores(
            "vulnerabilities:\n  - id: CVE-2019-11236\n    expires: 2025-06-30T12:00:00+02:00\n",
        ));
        let just_before = suppressions.apply(vec![urllib3()], time("2025-06-30T09:59:59Z"));
        assert_eq!(just_before.suppressed.len(), 1);
        let at = suppressions.apply(vec![urllib3()], time("2025-06-30T10:00:00Z"));
        assert_eq!(at.findings.len(), 1);
        assert_eq!(at.warnings.len(), 1);
    }

    #[test]
    fn an_expired_rule_gives_way_to_a_later_one() {
        let suppressions = Suppressions::new().ignore_file(ignores(
            "vulnerabilities:\n  - id: CVE-2019-11236\n    expires: 2020-01-01\n  - id: CVE-2019-11236\n    reason: still accepted\n",
        ));
        let applied = suppressions.apply(vec![urllib3()], time("2025-01-01T00:00:00Z"));
        assert_eq!(applied.warnings.len(), 1);
        let Suppression::Ignore { rule, .. } = &applied.suppressed[0].by else {
            panic!()
        };
        assert_eq!(rule, "ignore.yaml:4");
    }

    const VEX_HEAD: &str = r#"{"@context": "https://openvex.dev/ns/v0.2.0", "@id": "https://example.com/vex/1",
        "author": "someone", "timestamp": "2024-01-01T00:00:00Z", "version": 1, "statements": "#;

    #[test]
    fn ignore_rules_come_before_vex() {
        let suppressions = Suppressions::new()
            .vex(vex(&format!(
                r#"{VEX_HEAD}[{{"vulnerability": {{"name": "CVE-2019-11236"}},
                    "products": [{{"@id": "pkg:pypi/urllib3"}}], "status": "not_affected",
                    "justification": "vulnerable_code_not_in_execute_path"}}]}}"#
            )))
            .ignore_file(ignores("vulnerabilities:\n  - id: CVE-2019-11236\n"));
        let applied = suppressions.apply(vec![urllib3()], time("2025-01-01T00:00:00Z"));
        assert!(matches!(
            applied.suppressed[0].by,
            Suppression::Ignore { .. }
        ));
    }

    #[test]
    fn latest_vex_statement_wins() {
        let statements = |first: &str, second: &str| {
            format!(
                r#"{VEX_HEAD}[
                {{"vulnerability": {{"name": "GHSA-r64q-w8jr-g9qp"}}, "timestamp": "{first}",
                  "products": [{{"@id": "pkg:pypi/urllib3@1.24.1"}}], "status": "not_affected",
                  "justification": "component_not_present"}},
                {{"vulnerability": {{"name": "CVE-2019-11236"}}, "timestamp": "{second}",
                  "products": [{{"@id": "pkg:pypi/urllib3"}}], "status": "affected",
                  "action_statement": "upgrade to 1.24.3"}}]}}"#
            )
        };
        let now = time("2025-01-01T00:00:00Z");
        // The `affected` statement is newer: the finding stays.
        let newer_affected = Suppressions::new().vex(vex(&statements(
            "2024-02-01T00:00:00Z",
            "2024-03-01T00:00:00Z",
        )));
        assert_eq!(newer_affected.apply(vec![urllib3()], now).findings.len(), 1);
        // The `not_affected` statement is newer, though earlier in the document.
        let newer_not_affected = Suppressions::new().vex(vex(&statements(
            "2024-04-01T00:00:00Z",
            "2024-03-01T00:00:00Z",
        )));
        let applied = newer_not_affected.apply(vec![urllib3()], now);
        assert_eq!(
            applied.suppressed[0].by,
            Suppression::Vex {
                document: "vex.json (https://example.com/vex/1)".into(),
                status: "not_affected".into(),
                justification: Some("component_not_present".into()),
            }
        );
        // Equal timestamps: the later statement wins; across documents, the later document.
        let same = statements("2024-03-01T00:00:00Z", "2024-03-01T00:00:00Z");
        assert_eq!(
            Suppressions::new()
                .vex(vex(&same))
                .apply(vec![urllib3()], now)
                .findings
                .len(),
            1
        );
        let fixed = vex(&format!(
            r#"{VEX_HEAD}[{{"vulnerability": {{"name": "CVE-2019-11236"}},
                "timestamp": "2024-03-01T00:00:00Z",
                "products": [{{"@id": "pkg:pypi/urllib3@1.24.1"}}], "status": "fixed"}}]}}"#
        ));
        let applied = Suppressions::new()
            .vex(vex(&same))
            .vex(fixed)
            .apply(vec![urllib3()], now);
        assert_eq!(applied.suppressed.len(), 1);
    }

    #[test]
    fn image_products_cover_their_subcomponents() {
        let document = vex(&format!(
            r#"{VEX_HEAD}[
            {{"vulnerability": {{"name": "CVE-2019-11236"}},
              "products": [{{"@id": "pkg:oci/app@sha256%3Aabc123",
                             "subcomponents": [{{"@id": "pkg:pypi/urllib3@1.24.1"}}]}}],
              "status": "not_affected", "justification": "vulnerable_code_not_present"}},
            {{"vulnerability": {{"name": "CVE-2020-1"}},
              "products": [{{"@id": "pkg:oci/app?repository_url=registry.example/app"}}],
              "status": "not_affected", "impact_statement": "no network access"}}]}}"#
        ));
        let now = time("2025-01-01T00:00:00Z");
        let other = finding("CVE-2020-1", &[], "pkg:pypi/requests@2.0.0", "x");
        // Without knowing the target, product statements about images apply to nothing.
        let unknown = Suppressions::new().vex(document.clone());
        assert_eq!(
            unknown
                .apply(vec![urllib3(), other.clone()], now)
                .findings
                .len(),
            2
        );
        // By digest: the subcomponent is suppressed; the image-wide statement needs the purl.
        let by_digest = Suppressions::new()
            .vex(document.clone())
            .target("sha256:ABC123");
        let applied = by_digest.apply(vec![urllib3(), other.clone()], now);
        assert_eq!(applied.findings, std::slice::from_ref(&other));
        // By purl: both, the second for every package of the image.
        let by_purl = Suppressions::new()
            .vex(document)
            .target("pkg:oci/app@sha256%3Aabc123?repository_url=registry.example/app");
        let applied = by_purl.apply(vec![urllib3(), other], now);
        assert!(applied.findings.is_empty());
        assert_eq!(
            applied.suppressed[1].by,
            Suppression::Vex {
                document: "vex.json (https://example.com/vex/1)".into(),
                status: "not_affected".into(),
                justification: Some("no network access".into()),
            }
        );
    }
}
