//! SARIF 2.1.0: a scan [`Report`]'s findings as static-analysis results, in the form GitHub
//! code scanning ingests.
//!
//! The mapping follows OASIS SARIF 2.1.0 (errata 01) and GitHub's "SARIF support for code
//! scanning" reference: which properties GitHub reads (`rules[].help`,
//! `properties.security-severity`, `partialFingerprints.primaryLocationLineHash`, …), the
//! 1024-character limit on rule descriptions, and the requirement of one location with a
//! region per result. Rules and the score of a vulnerability come from
//! [`crate::vulnerability`], shared with the CycloneDX encoder; secrets and
//! misconfigurations are mapped in [`exposure`].

mod exposure;

use std::collections::BTreeSet;
use std::io::Write;

use serde::Serialize;
use sha2::{Digest, Sha256};

use custody_model::{Finding, Location, Report, Severity, TargetInfo, TargetKind};

use crate::error::{Error, SbomFormat};
use crate::json::write_pretty;
use crate::options::EncodeOptions;
use crate::uri;
use crate::vulnerability::{self, Vulnerability};

/// The OASIS schema of SARIF 2.1.0 with errata 01, the version GitHub reads.
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// Where users learn about the tool: the workspace's `repository`.
const INFORMATION_URI: &str = env!("CARGO_PKG_REPOSITORY");
// SARIF requires `informationUri` to be a URI; an empty `repository` would break every log.
const _: () = assert!(
    !INFORMATION_URI.is_empty(),
    "custody-sbom needs `repository` in its Cargo.toml"
);
/// GitHub's limit on `shortDescription.text` and `fullDescription.text`, in characters.
const DESCRIPTION_LIMIT: usize = 1024;

/// Encodes the findings of `report` as a SARIF 2.1.0 log.
///
/// # Wire format
///
/// ```json
/// {
///   "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
///   "version": "2.1.0",
///   "runs": [{
///     "tool": {"driver": {"name": "custody", "version": "0.1.0", "informationUri": "…",
///       "rules": [{
///         "id": "CVE-2019-11236", "name": "LanguagePackageVulnerability",
///         "shortDescription": {"text": "CVE-2019-11236: CRLF injection in urllib3"},
///         "fullDescription": {"text": "CVE-2019-11236: CRLF injection in urllib3. Also known as GHSA-r64q-w8jr-g9qp."},
///         "helpUri": "https://nvd.nist.gov/vuln/detail/CVE-2019-11236",
///         "help": {"text": "…", "markdown": "…"},
///         "defaultConfiguration": {"level": "warning"},
///         "properties": {"security-severity": "6.1", "precision": "high",
///                        "tags": ["security", "vulnerability", "pypi"]}}]}},
///     "results": [{
///       "ruleId": "CVE-2019-11236", "ruleIndex": 0, "level": "warning",
///       "message": {"text": "urllib3 1.24.1 is affected by CVE-2019-11236 (MEDIUM); fixed in 1.24.3. CRLF injection in urllib3."},
///       "locations": [{"physicalLocation": {"artifactLocation": {"uri": "app/requirements.txt"},
///                                           "region": {"startLine": 1}}}],
///       "partialFingerprints": {"primaryLocationLineHash": "<sha256 hex>"},
///       "properties": {"package": "pkg:pypi/urllib3@1.24.1", "installedVersion": "1.24.1",
///                      "fixedVersion": "1.24.3", "severity": "MEDIUM"}}],
///     "properties": {"targetKind": "registry", "targetName": "127.0.0.1:5000/app:1.0"}
///   }]
/// }
/// ```
///
/// - One rule per vulnerability id, sorted by id. `name` is `OsPackageVulnerability`,
///   `LanguagePackageVulnerability` or, when it affects both kinds, `PackageVulnerability`.
///   Descriptions are cut to GitHub's 1024 characters; `helpUri` is the id's page at NVD,
///   GitHub or OSV; `help` (text and Markdown) lists every affected package with installed
///   and fixed versions, where it was found, and for each match the advisory, range and
///   comparator, then the aliases and references.
/// - Levels: `CRITICAL` and `HIGH` are `error`, `MEDIUM` is `warning`, `LOW` and `UNKNOWN`
///   are `note`. A rule's `defaultConfiguration.level` and `security-severity` describe its
///   most severe finding; each result carries its own `level`.
/// - `security-severity` is the CVSS base score of the most trusted rating whose score agrees
///   with the severity, else the middle of the severity's band (9.5, 8.0, 5.5, 2.0); it is
///   absent for `UNKNOWN`, which GitHub would read as "no security severity" anyway.
/// - One result per finding and location ([`Finding::locations`]: the lockfile, manifest or
///   package database that recorded the package). `uri` is that path relative to the scanned
///   root, percent-encoded, with no `uriBaseId`: GitHub resolves relative paths against the
///   repository root, which is the scanned root for `dir:` scans, and an absolute base would
///   write the scanning machine's paths into the log. `region.startLine` is 1, since
///   inventories do not record lines. An image location's layer is in
///   `properties.layerDigest`. A finding without locations gets one result at the SBOM file
///   for a relative `sbom:` target, else at `.`, the scanned root.
/// - `partialFingerprints.primaryLocationLineHash`, the one fingerprint GitHub uses, is the
///   SHA-256 of the vulnerability id, the package's purl without its version, and the path:
///   the alert survives upgrades that leave the package vulnerable and closes when it is
///   fixed.
/// - Suppressed findings are left out, as in the CycloneDX report; `run.properties` names the
///   target the paths are relative to.
///
/// The rule and result fields listed here are stable; properties may be added.
pub fn to_sarif(report: &Report, options: &EncodeOptions) -> serde_json::Value {
    serde_json::to_value(log(report, options))
        .expect("the SARIF log holds only strings, numbers, arrays and string-keyed objects")
}

/// Writes [`to_sarif`]'s log to `writer` as pretty-printed JSON ending in a newline.
///
/// # Errors
///
/// [`Error::Write`] when the writer fails.
pub fn write_sarif(
    report: &Report,
    options: &EncodeOptions,
    writer: impl Write,
) -> Result<(), Error> {
    write_pretty(SbomFormat::Sarif, &log(report, options), writer)
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    results: Vec<SarifResult<'a>>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'a str,
    information_uri: &'static str,
    rules: Vec<Rule<'a>>,
}

/// A SARIF `reportingDescriptor`: one vulnerability.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'a> {
    id: &'a str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    help_uri: Option<String>,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties {
    #[serde(rename = "security-severity", skip_serializing_if = "Option::is_none")]
    security_severity: Option<String>,
    precision: &'static str,
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text,
    locations: [ResultLocation<'a>; 1],
    partial_fingerprints: Fingerprints,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResultLocation<'a> {
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<LocationProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_column: Option<u32>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LocationProperties<'a> {
    layer_digest: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    primary_location_line_hash: String,
}

/// A result's `properties`: what the finding is about besides its rule.
#[derive(Serialize)]
#[serde(untagged, rename_all_fields = "camelCase")]
enum ResultProperties<'a> {
    Vulnerability {
        package: &'a str,
        installed_version: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        fixed_version: Option<&'a str>,
        severity: Severity,
    },
    Secret {
        severity: Severity,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        deleted: bool,
    },
    Misconfiguration {
        severity: Severity,
        #[serde(skip_serializing_if = "Option::is_none")]
        resource: Option<&'a str>,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    target_kind: &'static str,
    target_name: &'a str,
}

fn log<'a>(report: &'a Report, options: &'a EncodeOptions) -> Log<'a> {
    let groups = vulnerability::group(&report.findings);
    let target = &report.inventory.target;
    let mut rules = Vec::with_capacity(groups.len());
    let mut results = Vec::with_capacity(report.findings.len());
    for (rule_index, group) in groups.iter().enumerate() {
        rules.push(rule(group));
        for finding in &group.findings {
            for location in result_locations(finding, target) {
                results.push(result(finding, rule_index, location));
            }
        }
    }
    exposure::secrets(&report.secrets, &mut rules, &mut results);
    exposure::misconfigurations(&report.misconfigurations, &mut rules, &mut results);
    Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "custody",
                    version: &options.tool_version,
                    information_uri: INFORMATION_URI,
                    rules,
                },
            },
            results,
            properties: RunProperties {
                target_kind: target.kind.scheme(),
                target_name: &target.name,
            },
        }],
    }
}

/// Where a finding's results point: each of its locations, or one stand-in (see
/// [`to_sarif`]) so that GitHub, which drops results without a location, still shows it.
fn result_locations<'a>(finding: &'a Finding, target: &'a TargetInfo) -> Vec<LocationRef<'a>> {
    if finding.locations.is_empty() {
        let path = match target.kind {
            TargetKind::Sbom if !target.name.starts_with('/') => {
                target.name.trim_start_matches("./")
            }
            _ => "",
        };
        return vec![LocationRef { path, layer: None }];
    }
    finding
        .locations
        .iter()
        .map(|location: &Location| LocationRef {
            path: &location.path,
            layer: location.layer.as_deref(),
        })
        .collect()
}

/// A path relative to the scanned root and the layer that holds it.
#[derive(Clone, Copy)]
struct LocationRef<'a> {
    path: &'a str,
    layer: Option<&'a str>,
}

fn rule<'a>(group: &Vulnerability<'a>) -> Rule<'a> {
    let worst = group.worst();
    let score = vulnerability::score(worst);
    let title = single_line(&match group.summary() {
        Some(summary) => format!("{}: {summary}", group.id),
        None => group.id.to_owned(),
    });
    let aliases: Vec<&str> = group.aliases().into_iter().collect();
    let description = if aliases.is_empty() {
        sentence(&title)
    } else {
        single_line(&format!(
            "{} Also known as {}.",
            sentence(&title),
            aliases.join(", ")
        ))
    };

    let os = group
        .findings
        .iter()
        .any(|finding| finding.ecosystem.is_os());
    let language = group
        .findings
        .iter()
        .any(|finding| !finding.ecosystem.is_os());
    let mut tags = vec!["security", "vulnerability"];
    let ecosystems: BTreeSet<&'static str> = group
        .findings
        .iter()
        .map(|finding| finding.ecosystem.purl_type())
        .collect();
    tags.extend(ecosystems);
    Rule {
        id: group.id,
        name: match (os, language) {
            (true, false) => "OsPackageVulnerability",
            (false, true) => "LanguagePackageVulnerability",
            _ => "PackageVulnerability",
        },
        short_description: Text {
            text: truncate(&title, DESCRIPTION_LIMIT),
        },
        full_description: Text {
            text: truncate(&description, DESCRIPTION_LIMIT),
        },
        help_uri: Some(vulnerability::advisory_source(group.id).1),
        help: help(group, worst.severity, score),
        default_configuration: Configuration {
            level: level(worst.severity),
        },
        properties: RuleProperties {
            security_severity: score.map(|score| format!("{score:.1}")),
            // Matches are exact (purl and ecosystem, native version comparators), but a
            // distribution can patch a package without the version showing it.
            precision: "high",
            tags,
        },
    }
}

fn result<'a>(
    finding: &'a Finding,
    rule_index: usize,
    location: LocationRef<'a>,
) -> SarifResult<'a> {
    let mut message = format!(
        "{} {} is affected by {} ({}); {}.",
        finding.name,
        finding.version,
        finding.id,
        finding.severity,
        fix_note(finding)
    );
    if let Some(summary) = finding
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|summary| !summary.is_empty())
    {
        message.push(' ');
        message.push_str(&sentence(summary));
    }
    SarifResult {
        rule_id: &finding.id,
        rule_index,
        level: level(finding.severity),
        message: Text {
            text: single_line(&message),
        },
        locations: [ResultLocation {
            physical_location: PhysicalLocation {
                artifact_location: ArtifactLocation {
                    uri: uri::relative_reference(location.path),
                },
                region: Region {
                    start_line: 1,
                    start_column: None,
                },
            },
            properties: location
                .layer
                .map(|layer_digest| LocationProperties { layer_digest }),
        }],
        partial_fingerprints: Fingerprints {
            primary_location_line_hash: fingerprint(finding, location.path),
        },
        properties: ResultProperties::Vulnerability {
            package: &finding.package,
            installed_version: &finding.version,
            fixed_version: finding.fixed_version.as_deref(),
            severity: finding.severity,
        },
    }
}

/// The SARIF level of a severity (see [`to_sarif`]).
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Unknown => "note",
    }
}

/// SHA-256 of the vulnerability id, the package's purl without its version, and the path,
/// NUL-separated, in hex.
fn fingerprint(finding: &Finding, path: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [
        finding.id.as_str(),
        &without_version(&finding.package),
        path,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hex::encode(hasher.finalize())
}

/// `purl` with its `@version` removed, qualifiers and subpath kept.
fn without_version(purl: &str) -> String {
    let end = purl.find(['?', '#']).unwrap_or(purl.len());
    let (main, rest) = purl.split_at_checked(end).unwrap_or((purl, ""));
    match main.rsplit_once('@') {
        Some((head, version)) if !version.contains('/') => format!("{head}{rest}"),
        _ => purl.to_owned(),
    }
}

/// The rule's help: every affected package, why it matched, aliases and references, as plain
/// text and as Markdown (which GitHub shows instead of the text).
fn help(group: &Vulnerability<'_>, severity: Severity, score: Option<f64>) -> Help {
    let score_note = score
        .map(|score| format!(" (score {score:.1})"))
        .unwrap_or_default();
    Help {
        text: help_text(group, &format!("{severity}{score_note}")),
        markdown: help_markdown(group, &format!("**{severity}**{score_note}")),
    }
}

/// `fixed in 1.2.3`, or that no fix is known.
fn fix_note(finding: &Finding) -> String {
    finding.fixed_version.as_deref().map_or_else(
        || "no fixed version is known".to_owned(),
        |fixed| format!("fixed in {fixed}"),
    )
}

fn help_text(group: &Vulnerability<'_>, severity: &str) -> String {
    let mut lines = vec![single_line(&match group.summary() {
        Some(summary) => format!("{}: {summary}", group.id),
        None => group.id.to_owned(),
    })];
    lines.extend([
        format!("Severity: {severity}"),
        String::new(),
        "Affected packages:".to_owned(),
    ]);
    for finding in &group.findings {
        lines.push(single_line(&format!(
            "- {} {} ({}, {}): {}",
            finding.name,
            finding.version,
            finding.ecosystem,
            finding.severity,
            fix_note(finding)
        )));
        if !finding.locations.is_empty() {
            let places: Vec<String> = finding
                .locations
                .iter()
                .map(|location| match &location.layer {
                    Some(layer) => format!("{} (layer {layer})", location.path),
                    None => location.path.clone(),
                })
                .collect();
            lines.push(single_line(&format!("  found in {}", places.join(", "))));
        }
        for detail in &finding.matches {
            lines.push(single_line(&format!(
                "  matched {}",
                vulnerability::explain_match(detail)
            )));
        }
    }
    let aliases: Vec<&str> = group.aliases().into_iter().collect();
    if !aliases.is_empty() {
        lines.extend([
            String::new(),
            format!("Also known as: {}", aliases.join(", ")),
        ]);
    }
    let references = group.references();
    if !references.is_empty() {
        lines.extend([String::new(), "References:".to_owned()]);
        lines.extend(references.iter().map(|reference| format!("- {reference}")));
    }
    lines.join("\n")
}

fn help_markdown(group: &Vulnerability<'_>, severity: &str) -> String {
    let mut lines = vec![match group.summary() {
        Some(summary) => format!(
            "**{}**: {}",
            escape(&single_line(group.id)),
            escape(&single_line(summary))
        ),
        None => format!("**{}**", escape(&single_line(group.id))),
    }];
    lines.extend([
        String::new(),
        format!("Severity: {severity}"),
        String::new(),
        "| Package | Installed | Fixed in | Severity | Found in |".to_owned(),
        "| --- | --- | --- | --- | --- |".to_owned(),
    ]);
    let mut explanations = Vec::new();
    for finding in &group.findings {
        let name = escape(&single_line(&finding.name));
        // The same path in several layers is one place in a table that shows no layers.
        let mut paths: Vec<String> = Vec::with_capacity(finding.locations.len());
        for location in &finding.locations {
            let path = escape(&single_line(&location.path));
            if !paths.contains(&path) {
                paths.push(path);
            }
        }
        lines.push(format!(
            "| {name} ({}) | {} | {} | {} | {} |",
            finding.ecosystem,
            escape(&single_line(&finding.version)),
            finding.fixed_version.as_deref().map_or_else(
                || "no fix known".to_owned(),
                |fixed| escape(&single_line(fixed))
            ),
            finding.severity,
            paths.join(", ")
        ));
        explanations.extend(finding.matches.iter().map(|detail| {
            let explanation = single_line(&vulnerability::explain_match(detail));
            format!("- {name}: {}", escape(&explanation))
        }));
    }
    if !explanations.is_empty() {
        lines.extend([
            String::new(),
            "**Why it matched**".to_owned(),
            String::new(),
        ]);
        lines.extend(explanations);
    }
    let aliases: Vec<String> = group.aliases().into_iter().map(escape).collect();
    if !aliases.is_empty() {
        lines.extend([
            String::new(),
            format!("**Also known as**: {}", aliases.join(", ")),
        ]);
    }
    let references = group.references();
    if !references.is_empty() {
        lines.extend([String::new(), "**References**".to_owned(), String::new()]);
        // `web_url` admits no `<`, `>` or spaces, so the autolink cannot be broken out of.
        lines.extend(
            references
                .iter()
                .map(|reference| format!("- <{reference}>")),
        );
    }
    lines.join("\n")
}

/// `text` on one line: line breaks and other control characters (from a hostile package
/// name or advisory) become spaces, so they cannot fake structure in messages and help.
fn single_line(text: &str) -> String {
    text.chars()
        .map(|character| {
            if character.is_control() {
                ' '
            } else {
                character
            }
        })
        .collect()
}

/// `text` with the characters that let inline Markdown text turn into something else
/// backslash-escaped (Markdown allows escaping any ASCII punctuation): `[` and `]` (links and
/// images), `<` (HTML and autolinks), `|` (table cells), `` ` ``, `*`, `_`, `~` (code and
/// emphasis) and `\` itself. Escaped text never starts a line here, so line-start syntax
/// (`#`, `>`, `-`) needs nothing.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        if matches!(
            character,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|' | '~'
        ) {
            escaped.push('\\');
        }
        escaped.push(character);
    }
    escaped
}

/// `text` ending in a sentence's final punctuation: a period is added unless one of `.`, `!`
/// or `?` is already there.
fn sentence(text: &str) -> String {
    if text.ends_with(['.', '!', '?']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

/// `text` cut to at most `limit` characters, ending in `…` when cut.
fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(limit.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Unknown), "note");
    }

    #[test]
    fn versions_leave_purls() {
        assert_eq!(
            without_version("pkg:deb/debian/libc6@2.36-9+deb12u7?arch=amd64&distro=debian-12"),
            "pkg:deb/debian/libc6?arch=amd64&distro=debian-12"
        );
        assert_eq!(
            without_version("pkg:npm/%40types/node@20.1.0"),
            "pkg:npm/%40types/node"
        );
        assert_eq!(
            without_version("pkg:generic/unversioned"),
            "pkg:generic/unversioned"
        );
        assert_eq!(without_version(""), "");
    }

    #[test]
    fn markdown_is_inert() {
        assert_eq!(
            escape("[x](javascript:1) <b>|"),
            "\\[x\\](javascript:1) \\<b>\\|"
        );
        assert_eq!(single_line("a\nb\rc\u{0}"), "a b c ");
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("äbcd", 3), "äb…");
    }
}
