//! Secrets and misconfigurations as SARIF rules and results (see [`super::to_sarif`]).
//!
//! Both kinds point at a line of a file, so unlike vulnerabilities their results carry a real
//! region; rules are grouped by secret rule id or check id, in id order.

use std::collections::BTreeMap;

use sha2::{Digest as _, Sha256};

use custody_model::{Location, Misconfiguration, Secret, Severity};

use super::{
    ArtifactLocation, Configuration, DESCRIPTION_LIMIT, Fingerprints, Help, LocationProperties,
    PhysicalLocation, Region, ResultLocation, ResultProperties, Rule, RuleProperties, SarifResult,
    Text, escape, level, sentence, single_line, truncate,
};
use crate::{uri, vulnerability};

/// What a secret's help says, for every secret rule.
const SECRET_HELP: &str = "Remove the credential from the file and rotate it: anyone who \
    could read the file, its history or the image layer that holds it has it. Load secrets at \
    run time from a secret store or a mounted Kubernetes Secret instead.";

/// Appends one rule per secret rule id and one result per secret.
pub(super) fn secrets<'a>(
    secrets: &'a [Secret],
    rules: &mut Vec<Rule<'a>>,
    results: &mut Vec<SarifResult<'a>>,
) {
    for (id, group) in by_id(secrets, |secret| &secret.rule_id) {
        let rule_index = rules.len();
        let worst = worst(group.iter().map(|secret| secret.severity));
        let title = single_line(&group[0].title);
        rules.push(Rule {
            id,
            name: "Secret",
            short_description: Text {
                text: truncate(&title, DESCRIPTION_LIMIT),
            },
            full_description: Text {
                text: truncate(&sentence(&title), DESCRIPTION_LIMIT),
            },
            help_uri: None,
            help: Help {
                text: format!("{title}\n\n{SECRET_HELP}"),
                markdown: format!("**{}**\n\n{SECRET_HELP}", escape(&title)),
            },
            default_configuration: Configuration {
                level: level(worst),
            },
            properties: rule_properties(worst, "secret"),
        });
        for secret in group {
            let message = format!(
                "{} ({}) found: {}.",
                single_line(&secret.title),
                secret.severity,
                secret.masked
            );
            results.push(SarifResult {
                rule_id: id,
                rule_index,
                level: level(secret.severity),
                message: Text { text: message },
                locations: [location(&secret.location, secret.line, Some(secret.column))],
                partial_fingerprints: fingerprint(&[id, &secret.location.path, &secret.masked]),
                properties: ResultProperties::Secret {
                    severity: secret.severity,
                    deleted: secret.deleted,
                },
            });
        }
    }
}

/// Appends one rule per check id and one result per misconfiguration.
pub(super) fn misconfigurations<'a>(
    misconfigurations: &'a [Misconfiguration],
    rules: &mut Vec<Rule<'a>>,
    results: &mut Vec<SarifResult<'a>>,
) {
    for (id, group) in by_id(misconfigurations, |found| &found.id) {
        let rule_index = rules.len();
        let check = group[0];
        let worst = worst(group.iter().map(|found| found.severity));
        let title = single_line(&format!("{id}: {}", check.title));
        let description = if check.description.is_empty() {
            sentence(&title)
        } else {
            single_line(&format!(
                "{} {}",
                sentence(&title),
                sentence(&check.description)
            ))
        };
        rules.push(Rule {
            id,
            name: "Misconfiguration",
            short_description: Text {
                text: truncate(&title, DESCRIPTION_LIMIT),
            },
            full_description: Text {
                text: truncate(&description, DESCRIPTION_LIMIT),
            },
            help_uri: check.references.first().cloned(),
            help: check_help(check),
            default_configuration: Configuration {
                level: level(worst),
            },
            properties: rule_properties(worst, "misconfiguration"),
        });
        for found in group {
            let mut message = sentence(&found.message);
            if let Some(resource) = &found.resource {
                message = format!("{resource}: {message}");
            }
            let line = usize::try_from(found.line).unwrap_or(usize::MAX);
            let object = found.resource.as_deref().unwrap_or_default();
            results.push(SarifResult {
                rule_id: id,
                rule_index,
                level: level(found.severity),
                message: Text {
                    text: single_line(&message),
                },
                locations: [location(&found.location, line, None)],
                partial_fingerprints: fingerprint(&[id, &found.location.path, object]),
                properties: ResultProperties::Misconfiguration {
                    severity: found.severity,
                    resource: found.resource.as_deref(),
                },
            });
        }
    }
}

/// Findings grouped by id, ids in order, findings in report order.
fn by_id<'a, F>(
    findings: &'a [F],
    id: impl Fn(&'a F) -> &'a String,
) -> BTreeMap<&'a str, Vec<&'a F>> {
    let mut groups: BTreeMap<&str, Vec<&F>> = BTreeMap::new();
    for finding in findings {
        groups
            .entry(id(finding).as_str())
            .or_default()
            .push(finding);
    }
    groups
}

/// The most severe of `severities` (`UNKNOWN` for none).
fn worst(severities: impl Iterator<Item = Severity>) -> Severity {
    severities.max().unwrap_or(Severity::Unknown)
}

/// A rule's properties: the score of its severity band and its kind as a tag.
fn rule_properties(severity: Severity, kind: &'static str) -> RuleProperties {
    RuleProperties {
        security_severity: vulnerability::band_midpoint(severity)
            .map(|score| format!("{score:.1}")),
        precision: "high",
        tags: vec!["security", kind],
    }
}

/// A check's help: description, remediation and references.
fn check_help(check: &Misconfiguration) -> Help {
    let mut text = vec![single_line(&format!("{}: {}", check.id, check.title))];
    let mut markdown = vec![format!(
        "**{}**: {}",
        escape(&check.id),
        escape(&single_line(&check.title))
    )];
    for (label, body) in [
        ("", &check.description),
        ("Remediation: ", &check.remediation),
    ] {
        if !body.is_empty() {
            text.extend([String::new(), format!("{label}{}", single_line(body))]);
            markdown.extend([
                String::new(),
                format!("{label}{}", escape(&single_line(body))),
            ]);
        }
    }
    if !check.references.is_empty() {
        text.extend([String::new(), "References:".to_owned()]);
        markdown.extend([String::new(), "References:".to_owned()]);
        for reference in &check.references {
            text.push(format!("- {reference}"));
            markdown.push(format!("- {}", escape(reference)));
        }
    }
    Help {
        text: text.join("\n"),
        markdown: markdown.join("\n"),
    }
}

/// A result location at `line` (at least 1: SARIF lines are 1-based and GitHub requires a
/// region) and `column` of the file at `location`.
fn location(location: &Location, line: usize, column: Option<usize>) -> ResultLocation<'_> {
    let clamp = |value: usize| u32::try_from(value.max(1)).unwrap_or(u32::MAX);
    ResultLocation {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: uri::relative_reference(&location.path),
            },
            region: Region {
                start_line: clamp(line),
                start_column: column.map(clamp),
            },
        },
        properties: location
            .layer
            .as_deref()
            .map(|layer_digest| LocationProperties { layer_digest }),
    }
}

/// SHA-256 of `parts`, NUL-separated, in hex.
fn fingerprint(parts: &[&str]) -> Fingerprints {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    Fingerprints {
        primary_location_line_hash: hex::encode(hasher.finalize()),
    }
}
