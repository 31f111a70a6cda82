//! The scan report as a table: one row per finding, grouped under the target line, with a
//! severity summary and the suppressed count.

use std::io::{self, Write};

use comfy_table::{Attribute, Cell, Color};
use custody_model::{Finding, Report, Severity};
use owo_colors::OwoColorize as _;

/// Longest summary printed in the TITLE column before it is cut.
const MAX_TITLE: usize = 60;

/// Writes the findings table.
pub(crate) fn findings_table(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    super::table::target_line(&report.inventory, out)?;
    writeln!(out, "{}", summary(&report.findings))?;
    if !report.suppressed.is_empty() {
        writeln!(
            out,
            "{}",
            format!(
                "{} suppressed by ignore rules or VEX statements (see --format json)",
                report.suppressed.len()
            )
            .dimmed()
        )?;
    }
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

/// `Total: 7 (CRITICAL: 1, HIGH: 3, MEDIUM: 2, LOW: 1, UNKNOWN: 0)`.
fn summary(findings: &[Finding]) -> String {
    let counts: Vec<String> = Severity::ALL
        .iter()
        .rev()
        .map(|severity| {
            let count = findings
                .iter()
                .filter(|finding| finding.severity == *severity)
                .count();
            format!("{severity}: {count}")
        })
        .collect();
    format!("Total: {} ({})", findings.len(), counts.join(", "))
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
