//! OpenVEX documents (<https://github.com/openvex/spec>, v0.2.0, and the v0.0.1 shapes still
//! in use): statements that a vulnerability does or does not affect products.
//!
//! A statement covers a finding when its vulnerability (`name` or any of `aliases`) is the
//! finding's id or one of its aliases, and one of its products covers the finding's package:
//!
//! - a product without subcomponents covers the package its purl matches, and every package
//!   of the scanned artifact when it names the artifact itself;
//! - a product with subcomponents names the artifact the vulnerable subcomponents ship in: it
//!   covers the packages its subcomponents' purls match, when the product is the scanned
//!   artifact.
//!
//! Purls are matched as patterns (same type, namespace and name; the version when the
//! statement gives one; the statement's qualifiers a subset of the package's). A product
//! names the scanned artifact when its purl matches one of the artifact's purls, or when one
//! of its identifiers (an `oci` purl's version, its `@id`, its `sha-256` hash) is one of the
//! artifact's digests; see [`Suppressions::target`](super::Suppressions::target).
//!
//! Statements are a timeline: the statement with the latest timestamp (its own, else its
//! document's) among those that cover a finding decides; `not_affected` and `fixed`
//! suppress, `affected` and `under_investigation` keep the finding. Statements without
//! products cover nothing: custody reads no encapsulating document they could inherit from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};

use super::purl::PackageUrl;
use super::{SuppressionError, SuppressionErrorKind, SuppressionFormat, read_limited};

/// A parsed OpenVEX document.
///
/// # Example
///
/// ```
/// use custody_vulndb::VexDocument;
///
/// let document = VexDocument::parse(
///     "app.openvex.json",
///     br#"{"@context": "https://openvex.dev/ns/v0.2.0",
///          "@id": "https://example.com/vex/app-1.0",
///          "author": "Example Security", "timestamp": "2024-10-01T00:00:00Z", "version": 1,
///          "statements": [{"vulnerability": {"name": "CVE-2021-44906"},
///                          "products": [{"@id": "pkg:npm/minimist@1.2.0"}],
///                          "status": "not_affected",
///                          "justification": "vulnerable_code_not_in_execute_path"}]}"#,
/// )?;
/// assert_eq!(document.len(), 1);
/// # Ok::<(), custody_vulndb::SuppressionError>(())
/// ```
#[derive(Debug, Clone)]
pub struct VexDocument {
    path: PathBuf,
    id: Option<String>,
    statements: Vec<Statement>,
}

/// One statement, with what it inherits from its document resolved.
#[derive(Debug, Clone)]
pub(crate) struct Statement {
    /// The vulnerability's name and aliases.
    vulnerabilities: Vec<String>,
    products: Vec<Product>,
    /// Statement-level subcomponents (OpenVEX v0.0.1), applying to every product.
    subcomponents: Vec<Vec<Identifier>>,
    pub(crate) status: Status,
    justification: Option<String>,
    /// `impact_statement`.
    impact: Option<String>,
    /// `action_statement`.
    action: Option<String>,
    status_notes: Option<String>,
    /// The statement's timestamp, else its document's.
    pub(crate) timestamp: Option<jiff::Timestamp>,
}

/// A product: its identifiers and the identifiers of each of its subcomponents.
#[derive(Debug, Clone)]
struct Product {
    identifiers: Vec<Identifier>,
    subcomponents: Vec<Vec<Identifier>>,
}

/// One way a component is identified.
#[derive(Debug, Clone)]
enum Identifier {
    /// A package URL.
    Purl(PackageUrl),
    /// Anything else (a digest `sha256:…`, an IRI), lowercase.
    Other(String),
}

/// A VEX status label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Status {
    /// No remediation is required.
    NotAffected,
    /// Actions are recommended.
    Affected,
    /// These versions contain a fix.
    Fixed,
    /// Not yet known.
    UnderInvestigation,
}

impl Status {
    /// The label as OpenVEX spells it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::NotAffected => "not_affected",
            Self::Affected => "affected",
            Self::Fixed => "fixed",
            Self::UnderInvestigation => "under_investigation",
        }
    }

    /// Whether a finding covered by a statement with this status is suppressed.
    pub(crate) fn suppresses(self) -> bool {
        matches!(self, Self::NotAffected | Self::Fixed)
    }
}

/// The identities of the scanned artifact, for products that name it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Target {
    purls: Vec<PackageUrl>,
    /// Lowercase digests (`sha256:…`).
    digests: Vec<String>,
}

impl Target {
    /// Adds a digest or a purl; an `oci` purl's version (its digest) is added as a digest too.
    pub(crate) fn add(&mut self, identity: &str) {
        match PackageUrl::parse(identity) {
            Ok(purl) => {
                if purl.kind() == "oci"
                    && let Some(digest) = purl.version()
                {
                    self.digests.push(digest.to_ascii_lowercase());
                }
                self.purls.push(purl);
            }
            Err(_) => self.digests.push(identity.trim().to_ascii_lowercase()),
        }
    }
}

impl Identifier {
    fn new(text: &str) -> Self {
        PackageUrl::parse(text).map_or_else(
            |_| Self::Other(text.trim().to_ascii_lowercase()),
            Self::Purl,
        )
    }

    /// Whether this identifier names the scanned artifact.
    fn names(&self, target: &Target) -> bool {
        match self {
            Self::Purl(purl) => {
                target.purls.iter().any(|artifact| purl.covers(artifact))
                    || (purl.kind() == "oci"
                        && purl.version().is_some_and(|digest| {
                            target.digests.contains(&digest.to_ascii_lowercase())
                        }))
            }
            Self::Other(digest) => target.digests.contains(digest),
        }
    }

    /// Whether this identifier's purl covers `package`.
    fn covers(&self, package: &PackageUrl) -> bool {
        matches!(self, Self::Purl(purl) if purl.covers(package))
    }
}

impl Product {
    fn covers(
        &self,
        package: Option<&PackageUrl>,
        target: &Target,
        statement_subcomponents: &[Vec<Identifier>],
    ) -> bool {
        let names_target = || self.identifiers.iter().any(|id| id.names(target));
        let covers_package = |identifiers: &[Identifier]| {
            package.is_some_and(|package| identifiers.iter().any(|id| id.covers(package)))
        };
        if self.subcomponents.is_empty() && statement_subcomponents.is_empty() {
            covers_package(&self.identifiers) || names_target()
        } else {
            self.subcomponents
                .iter()
                .chain(statement_subcomponents)
                .any(|subcomponent| covers_package(subcomponent))
                && names_target()
        }
    }
}

impl Statement {
    /// Whether this statement is about the finding with these `ids` (its id and aliases) in
    /// `package`.
    pub(crate) fn covers(
        &self,
        ids: &[&str],
        package: Option<&PackageUrl>,
        target: &Target,
    ) -> bool {
        self.vulnerabilities
            .iter()
            .any(|name| ids.iter().any(|id| id.eq_ignore_ascii_case(name)))
            && self
                .products
                .iter()
                .any(|product| product.covers(package, target, &self.subcomponents))
    }

    /// Why the status holds, for [`Suppression::Vex`](custody_model::Suppression::Vex): the
    /// justification label with the impact statement (`vulnerable_code_not_present: …`),
    /// else the action statement, else the status notes.
    pub(crate) fn explanation(&self) -> Option<String> {
        match (&self.justification, &self.impact) {
            (Some(label), Some(impact)) => Some(format!("{label}: {impact}")),
            (Some(text), None) | (None, Some(text)) => Some(text.clone()),
            (None, None) => self.action.clone().or_else(|| self.status_notes.clone()),
        }
    }
}

impl VexDocument {
    /// Reads and parses the OpenVEX document (JSON) at `path`.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, SuppressionError> {
        let path = path.as_ref();
        let bytes = read_limited(path)?;
        Self::parse(path, &bytes)
    }

    /// Parses an OpenVEX document already in memory; `path` names it in errors and in
    /// [`Suppression::Vex`](custody_model::Suppression::Vex).
    pub fn parse(path: impl Into<PathBuf>, json: &[u8]) -> Result<Self, SuppressionError> {
        let path = path.into();
        let raw: RawDocument = serde_json::from_slice(json).map_err(|error| {
            let (line, column) = (error.line() as u64, error.column() as u64);
            let mut message = error.to_string();
            if let Some(stripped) =
                message.strip_suffix(&format!(" at line {line} column {column}"))
            {
                message.truncate(stripped.len());
            }
            SuppressionError::Invalid {
                path: path.clone(),
                line,
                column,
                format: SuppressionFormat::OpenVex,
                kind: SuppressionErrorKind::Syntax { message },
            }
        })?;
        let statements = raw
            .statements
            .into_iter()
            .map(|statement| statement.resolve(raw.timestamp))
            .collect();
        Ok(Self {
            path,
            id: raw.id.filter(|id| !id.trim().is_empty()),
            statements,
        })
    }

    /// The file's path, as given to [`VexDocument::load`] or [`VexDocument::parse`].
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many statements the document has.
    pub fn len(&self) -> usize {
        self.statements.len()
    }

    /// Whether the document has no statements.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// The document as suppressions name it: its path, and its `@id` in parentheses.
    pub(crate) fn name(&self) -> String {
        match &self.id {
            Some(id) => format!("{} ({id})", self.path.display()),
            None => self.path.display().to_string(),
        }
    }

    /// The statements, in document order.
    pub(crate) fn statements(&self) -> &[Statement] {
        &self.statements
    }
}

/// The document as written. `@context` must be OpenVEX's, so that another VEX format (a
/// CycloneDX or CSAF file) is refused instead of read as a document without statements.
/// Fields custody does not use (`author`, `role`, `version`, `tooling`) are ignored, as
/// JSON-LD documents may carry more.
#[derive(Deserialize)]
struct RawDocument {
    #[serde(rename = "@context", deserialize_with = "openvex_context")]
    _context: (),
    #[serde(rename = "@id", default)]
    id: Option<String>,
    #[serde(default, deserialize_with = "timestamp")]
    timestamp: Option<jiff::Timestamp>,
    #[serde(default)]
    statements: Vec<RawStatement>,
}

/// A statement as written.
#[derive(Deserialize)]
struct RawStatement {
    vulnerability: RawVulnerability,
    #[serde(default)]
    products: Vec<RawComponent>,
    /// OpenVEX v0.0.1 put subcomponents beside the products.
    #[serde(default)]
    subcomponents: Vec<RawComponent>,
    status: Status,
    #[serde(default)]
    justification: Option<String>,
    #[serde(default)]
    impact_statement: Option<String>,
    #[serde(default)]
    action_statement: Option<String>,
    #[serde(default)]
    status_notes: Option<String>,
    #[serde(default, deserialize_with = "timestamp")]
    timestamp: Option<jiff::Timestamp>,
}

/// A vulnerability: a bare name (v0.0.1) or a struct (v0.2.0).
#[derive(Deserialize)]
#[serde(untagged)]
enum RawVulnerability {
    Name(String),
    Full {
        name: String,
        #[serde(default)]
        aliases: Vec<String>,
    },
}

/// A product or subcomponent: a bare identifier (v0.0.1) or a struct (v0.2.0).
#[derive(Deserialize)]
#[serde(untagged)]
enum RawComponent {
    Id(String),
    Full {
        #[serde(rename = "@id", default)]
        id: Option<String>,
        #[serde(default)]
        identifiers: BTreeMap<String, String>,
        #[serde(default)]
        hashes: BTreeMap<String, String>,
        #[serde(default)]
        subcomponents: Vec<RawComponent>,
    },
}

impl RawStatement {
    fn resolve(self, document_time: Option<jiff::Timestamp>) -> Statement {
        let vulnerabilities = match self.vulnerability {
            RawVulnerability::Name(name) => vec![name],
            RawVulnerability::Full { name, mut aliases } => {
                aliases.insert(0, name);
                aliases
            }
        };
        let non_empty = |text: Option<String>| text.filter(|text| !text.trim().is_empty());
        Statement {
            vulnerabilities,
            products: self.products.iter().map(RawComponent::product).collect(),
            subcomponents: self
                .subcomponents
                .iter()
                .map(RawComponent::identifiers)
                .collect(),
            status: self.status,
            justification: non_empty(self.justification),
            impact: non_empty(self.impact_statement),
            action: non_empty(self.action_statement),
            status_notes: non_empty(self.status_notes),
            timestamp: self.timestamp.or(document_time),
        }
    }
}

impl RawComponent {
    fn product(&self) -> Product {
        let subcomponents = match self {
            Self::Id(_) => Vec::new(),
            Self::Full { subcomponents, .. } => {
                subcomponents.iter().map(Self::identifiers).collect()
            }
        };
        Product {
            identifiers: self.identifiers(),
            subcomponents,
        }
    }

    /// The component's identifiers: `@id`, every entry of `identifiers` (purl, CPEs) and its
    /// hashes as digests (`sha-256` → `sha256:…`).
    fn identifiers(&self) -> Vec<Identifier> {
        match self {
            Self::Id(id) => vec![Identifier::new(id)],
            Self::Full {
                id,
                identifiers,
                hashes,
                ..
            } => id
                .iter()
                .chain(identifiers.values())
                .map(|text| Identifier::new(text))
                .chain(hashes.iter().map(|(algorithm, value)| {
                    let algorithm = algorithm.replace('-', "").to_ascii_lowercase();
                    Identifier::Other(format!("{algorithm}:{}", value.trim().to_ascii_lowercase()))
                }))
                .collect(),
        }
    }
}

/// Checks that `@context` is OpenVEX's (`https://openvex.dev/ns`, with or without a version).
fn openvex_context<'de, D: Deserializer<'de>>(deserializer: D) -> Result<(), D::Error> {
    let context = String::deserialize(deserializer)?;
    if context.starts_with("https://openvex.dev/ns") {
        Ok(())
    } else {
        Err(serde::de::Error::custom(format!(
            "`@context` is {context:?}, not OpenVEX's (https://openvex.dev/ns/…)"
        )))
    }
}

/// Reads an optional RFC 3339 timestamp; a malformed one is an error at its position.
fn timestamp<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<jiff::Timestamp>, D::Error> {
    let Some(text) = Option::<String>::deserialize(deserializer)? else {
        return Ok(None);
    };
    text.parse()
        .map(Some)
        .map_err(|_| serde::de::Error::custom(format!("not an RFC 3339 time: {text:?}")))
}

#[cfg(test)]
mod tests {
    //! Parsing both OpenVEX shapes, inheritance, and malformed documents; `apply` is tested
    //! in the parent module and with a realistic document in tests/it.

    use super::*;

    const CONTEXT: &str = r#""@context": "https://openvex.dev/ns/v0.2.0""#;

    fn parse(json: &str) -> Result<VexDocument, SuppressionError> {
        VexDocument::parse("vex.json", json.as_bytes())
    }

    fn position(error: &SuppressionError) -> (u64, u64) {
        match error {
            SuppressionError::Invalid { line, column, .. } => (*line, *column),
            other => panic!("{other:?}"),
        }
    }

    fn package(purl: &str) -> PackageUrl {
        PackageUrl::parse(purl).unwrap()
    }

    #[test]
    fn reads_version_0_0_1_shapes() {
        // OpenVEX v0.0.1: the vulnerability and products as strings, subcomponents beside
        // the products.
        let document = parse(
            r#"{"@context": "https://openvex.dev/ns", "@id": "x", "author": "a",
                "timestamp": "2023-01-08T18:02:03.647787998-06:00", "version": 1,
                "statements": [{"vulnerability": "CVE-2023-12345",
                                "products": ["pkg:oci/git@sha256:0123"],
                                "subcomponents": ["pkg:apk/wolfi/git@2.39.0-r1"],
                                "status": "fixed"}]}"#,
        )
        .unwrap();
        let statement = &document.statements()[0];
        assert_eq!(statement.vulnerabilities, ["CVE-2023-12345"]);
        assert_eq!(
            statement.timestamp.unwrap().to_string(),
            "2023-01-09T00:02:03.647787998Z"
        );
        let mut target = Target::default();
        target.add("sha256:0123");
        let git = package("pkg:apk/wolfi/git@2.39.0-r1?arch=x86_64");
        assert!(statement.covers(&["CVE-2023-12345"], Some(&git), &target));
        assert!(!statement.covers(&["CVE-2023-12345"], Some(&git), &Target::default()));
    }

    #[test]
    fn statement_timestamp_overrides_the_document() {
        let document = parse(
            r#"{"@context": "https://openvex.dev/ns/v0.2.0", "timestamp": "2024-01-01T00:00:00Z",
                "statements": [
                {"vulnerability": {"name": "CVE-1"}, "status": "affected"},
                {"vulnerability": {"name": "CVE-1"}, "status": "affected",
                 "timestamp": "2024-05-01T00:00:00Z"}]}"#,
        )
        .unwrap();
        let times: Vec<_> = document
            .statements()
            .iter()
            .map(|statement| statement.timestamp.unwrap().to_string())
            .collect();
        assert_eq!(times, ["2024-01-01T00:00:00Z", "2024-05-01T00:00:00Z"]);
        assert_eq!(document.name(), "vex.json");
    }

    #[test]
    fn identifiers_and_hashes() {
        let document = parse(
            r#"{"@context": "https://openvex.dev/ns/v0.2.0",
                "statements": [{"vulnerability": {"name": "CVE-1", "aliases": ["GHSA-1"]},
                "products": [{"identifiers": {"purl": "pkg:npm/minimist@1.2.0",
                                              "cpe23": "cpe:2.3:a:substack:minimist:1.2.0"}},
                             {"hashes": {"sha-256": "ABCD"}}],
                "status": "not_affected", "justification": "component_not_present"}]}"#,
        )
        .unwrap();
        let statement = &document.statements()[0];
        let minimist = package("pkg:npm/minimist@1.2.0");
        assert!(statement.covers(&["GHSA-1"], Some(&minimist), &Target::default()));
        assert!(!statement.covers(&["CVE-2"], Some(&minimist), &Target::default()));
        let other = package("pkg:npm/minimist@1.2.6");
        assert!(!statement.covers(&["CVE-1"], Some(&other), &Target::default()));
        // The hash names the image: every package of it is covered.
        let mut target = Target::default();
        target.add("sha256:abcd");
        assert!(statement.covers(&["CVE-1"], Some(&other), &target));
        assert!(statement.covers(&["CVE-1"], None, &target));
    }

    #[test]
    fn explanations() {
        let explanation = |extra: &str| {
            parse(&format!(
                r#"{{"@context": "https://openvex.dev/ns",
                    "statements": [{{"vulnerability": "CVE-1", "status": "not_affected"{extra}}}]}}"#
            ))
            .unwrap()
            .statements()[0]
                .explanation()
        };
        assert_eq!(explanation(""), None);
        assert_eq!(
            explanation(r#", "justification": "inline_mitigations_already_exist""#).as_deref(),
            Some("inline_mitigations_already_exist")
        );
        assert_eq!(
            explanation(
                r#", "justification": "component_not_present", "impact_statement": "removed""#
            )
            .as_deref(),
            Some("component_not_present: removed")
        );
        assert_eq!(
            explanation(r#", "impact_statement": " ", "status_notes": "checked by hand""#)
                .as_deref(),
            Some("checked by hand")
        );
    }

    #[test]
    fn malformed_documents_name_the_position() {
        let status = parse(&format!(
            "{{{CONTEXT}, \"statements\": [\n  {{\"vulnerability\": \"CVE-1\",\n   \"status\": \"not_afected\"}}]}}"
        ))
        .unwrap_err();
        assert_eq!(position(&status).0, 3);
        let text = status.to_string();
        assert!(text.starts_with("vex.json:3:"), "{text}");
        let cause = std::error::Error::source(&status).unwrap().to_string();
        assert!(cause.contains("unknown variant `not_afected`"), "{cause}");
        assert!(!cause.contains("at line"), "{cause}");
        let time = parse(&format!(
            "{{{CONTEXT},\n\"timestamp\": \"yesterday\", \"statements\": []}}"
        ))
        .unwrap_err();
        assert_eq!(position(&time).0, 2);
        let missing = parse(&format!(
            "{{{CONTEXT}, \"statements\": [{{\"status\": \"fixed\"}}]}}"
        ))
        .unwrap_err();
        assert!(
            std::error::Error::source(&missing)
                .unwrap()
                .to_string()
                .contains("missing field `vulnerability`")
        );
        let truncated = parse("{\"statements\": [").unwrap_err();
        assert_eq!(position(&truncated), (1, 16));
        assert!(parse("[]").is_err());
        // CycloneDX VEX is another format.
        let cyclonedx =
            parse("{\"bomFormat\": \"CycloneDX\",\n\"@context\": \"https://cyclonedx.org\"}")
                .unwrap_err();
        assert_eq!(position(&cyclonedx).0, 2);
        let cause = std::error::Error::source(&cyclonedx).unwrap().to_string();
        assert!(cause.contains("not OpenVEX's"), "{cause}");
        let no_context = parse("{\"statements\": []}").unwrap_err();
        assert!(
            std::error::Error::source(&no_context)
                .unwrap()
                .to_string()
                .contains("missing field `@context`")
        );
    }
}
