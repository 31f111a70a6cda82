//! The scan report as tables: under the target line, one section per scanner that ran —
//! vulnerabilities, secrets, misconfigurations — each with a severity summary, the
//! suppressed count and one row per finding.

use std::io::{self, Write};

use comfy_table::{Attribute, Cell, Color};
use custody_model::{Finding, Misconfiguration, Report, Secret, Severity};
use owo_colors::OwoColorize as _;

/// Longest summary printed in the TITLE column before it is cut.
const MAX_TITLE: usize = 60;

/// Which scanners ran, so an empty section says "none found" rather than disappearing.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Sections {
    /// The vulnerability scanner ran.
    pub(crate) vulnerabilities: bool,
    /// The secret scanner ran.
    pub(crate) secrets: bool,
    /// The misconfiguration scanner ran.
    pub(crate) misconfigurations: bool,
}

/// Writes the report's tables.
pub(crate) fn findings_table(
    report: &Report,
    sections: Sections,
    out: &mut dyn Write,
) -> io::Result<()> {
    super::table::target_line(&report.inventory, out)?;
    if sections.vulnerabilities {
        vulnerabilities(report, out)?;
    }
    if sections.secrets {
        secrets(report, out)?;
    }
    if sections.misconfigurations {
        misconfigurations(report, out)?;
    }
    Ok(())
}

/// The section heading: `Vulnerabilities  Total: 7 (CRITICAL: 1, …)`, then the suppressed
/// count when there is one.
fn heading(
    out: &mut dyn Write,
    name: &str,
    severities: impl Iterator<Item = Severity> + Clone,
    suppressed: usize,
    suppressed_by: &str,
) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "{}  {}", name.bold(), summary(severities))?;
    if suppressed > 0 {
        writeln!(
            out,
            "{}",
            format!("{suppressed} suppressed by {suppressed_by} (see --format json)").dimmed()
        )?;
    }
    Ok(())
}

/// The vulnerability section: one row per finding.
fn vulnerabilities(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let severities = report.findings.iter().map(|finding| finding.severity);
    heading(
        out,
        "Vulnerabilities",
        severities,
        report.suppressed.len(),
        "ignore rules or VEX statements",
    )?;
    if report.findings.is_empty() {
        return Ok(());
    }
    let mut table = super::new_table([
        "PACKAGE",
        "VULNERABILITY",
        "SEVERITY",
        "INSTALLED",
        "FIXED",
        "TITLE",
    ]);
    for finding in &report.findings {
        table.add_row([
            Cell::new(&finding.name),
            Cell::new(&finding.id),
            severity_cell(finding.severity),
            Cell::new(&finding.version),
            Cell::new(finding.fixed_version.as_deref().unwrap_or_default()),
            Cell::new(title(finding)),
        ]);
    }
    writeln!(out, "{table}")
}

/// The secret section: one row per secret, masked, with the layer that holds it in images
/// and whether a later layer deleted it.
fn secrets(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let severities = report.secrets.iter().map(|secret| secret.severity);
    let suppressed = report.suppressed_secrets.len();
    heading(out, "Secrets", severities, suppressed, "ignore rules")?;
    if report.secrets.is_empty() {
        return Ok(());
    }
    let mut table = super::new_table(["SEVERITY", "RULE", "LOCATION", "SECRET", "TITLE"]);
    for secret in &report.secrets {
        table.add_row([
            severity_cell(secret.severity),
            Cell::new(&secret.rule_id),
            Cell::new(secret_location(secret)),
            Cell::new(&secret.masked),
            Cell::new(&secret.title),
        ]);
    }
    writeln!(out, "{table}")
}

/// `path:line:column`, with the layer in images and `(deleted)` when a later layer removed it.
fn secret_location(secret: &Secret) -> String {
    let path = &secret.location.path;
    let layer = secret
        .location
        .layer
        .as_deref()
        .map_or_else(String::new, |layer| {
            format!(" (layer {})", super::table::short_digest(layer))
        });
    let deleted = if secret.deleted { " (deleted)" } else { "" };
    format!("{path}:{}:{}{layer}{deleted}", secret.line, secret.column)
}

/// The misconfiguration section: one row per finding, with the object at fault.
fn misconfigurations(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let severities = report
        .misconfigurations
        .iter()
        .map(|misconfiguration| misconfiguration.severity);
    let suppressed = report.suppressed_misconfigurations.len();
    heading(
        out,
        "Misconfigurations",
        severities,
        suppressed,
        "ignore rules",
    )?;
    if report.misconfigurations.is_empty() {
        return Ok(());
    }
    let mut table = super::new_table(["SEVERITY", "CHECK", "LOCATION", "TITLE", "DETAIL"]);
    for misconfiguration in &report.misconfigurations {
        table.add_row([
            severity_cell(misconfiguration.severity),
            Cell::new(&misconfiguration.id),
            Cell::new(misconfiguration_location(misconfiguration)),
            Cell::new(&misconfiguration.title),
            Cell::new(&misconfiguration.message),
        ]);
    }
    writeln!(out, "{table}")
}

/// `path:line`, and the Kubernetes object on a second line.
fn misconfiguration_location(misconfiguration: &Misconfiguration) -> String {
    let path = &misconfiguration.location.path;
    let mut location = match misconfiguration.line {
        0 => path.clone(),
        line => format!("{path}:{line}"),
    };
    if let Some(resource) = &misconfiguration.resource {
        location.push('\n');
        location.push_str(resource);
    }
    location
}

/// `Total: 7 (CRITICAL: 1, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0)`.
fn summary(severities: impl Iterator<Item = Severity> + Clone) -> String {
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|severity| {
            let count = severities.clone().filter(|found| found == severity).count();
            format!("{severity}: {count}")
        })
        .collect();
    format!("Total: {} ({})", severities.count(), counts.join(", "))
}

/// The severity, coloured by comfy-table so column widths ignore the escape codes.
fn severity_cell(severity: Severity) -> Cell {
    let cell = Cell::new(severity);
    match severity {
        Severity::Critical => cell.fg(Color::Red).add_attribute(Attribute::Bold),
        Severity::High => cell.fg(Color::Red),
        Severity::Medium => cell.fg(Color::Yellow),
        Severity::Low => cell.fg(Color::Blue),
        Severity::Unknown => cell.add_attribute(Attribute::Dim),
    }
}

fn title(finding: &Finding) -> String {
    let summary = finding.summary.as_deref().unwrap_or_default();
    let line = summary.lines().next().unwrap_or_default();
    match line.char_indices().nth(MAX_TITLE) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}
