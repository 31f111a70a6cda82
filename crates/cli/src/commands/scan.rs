//! `custody scan TARGET`: inventory a target (or read an SBOM), match its packages against
//! the vulnerability database, filter and suppress, and render the report.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use custody_artifact::{Scanner as ArtifactScanner, Target};
use custody_model::{Inventory, Purl, Report, TargetInfo, TargetKind};
use custody_sbom::EncodeOptions;
use custody_vulndb::{Database, IgnoreFile, Suppressions, VexDocument};

use crate::args::{DbArgs, FilterArgs, ScanArgs, ScanFormat};
use crate::commands::ExitStatus;
use crate::reporter::ProgressReporter;
use crate::{printer, render, settings};

/// The ignore file used when `--ignorefile` is not given and it exists.
const DEFAULT_IGNOREFILE: &str = ".custodyignore.yaml";

/// Runs `custody scan`.
pub(crate) fn scan(args: &ScanArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    // Open the database first: a missing one is the most common first-run problem, and
    // saying so before a long image pull saves the user the wait.
    let database_path = settings::database_path(&DbArgs {
        db: args.db.clone(),
        cache_dir: args.image.cache.cache_dir.clone(),
    })?;
    let database = Database::open(&database_path)
        .with_context(|| "the vulnerability scanner needs a database".to_owned())?;
    let inventory = inventory(&args.target, args, quiet)?;
    let matches = custody_vulndb::match_inventory(&database, &inventory)
        .with_context(|| format!("cannot match packages against {}", database_path.display()))?;
    let mut report = Report {
        schema_version: Report::SCHEMA_VERSION,
        inventory,
        database: Some(database.status()?),
        findings: matches.findings,
        suppressed: Vec::new(),
        secrets: Vec::new(),
        misconfigurations: Vec::new(),
        warnings: matches.warnings,
    };
    apply_filters(&mut report, &args.filters)?;
    if !quiet {
        for warning in report.inventory.warnings.iter().chain(&report.warnings) {
            printer::warn(&render::warning(warning));
        }
    }
    let encode = || EncodeOptions::now(env!("CARGO_PKG_VERSION"));
    printer::with_output(args.output.as_deref(), |out| match args.format {
        ScanFormat::Table => render::findings_table(&report, out),
        ScanFormat::Json => render::json(&report, out),
        ScanFormat::Sarif => {
            custody_sbom::write_sarif(&report, &encode(), out).map_err(std::io::Error::other)
        }
        ScanFormat::CyclonedxJson => custody_sbom::write_cyclonedx_report(&report, &encode(), out)
            .map_err(std::io::Error::other),
    })?;
    Ok(
        if report.findings.is_empty() || args.filters.exit_code == 0 {
            ExitStatus::Success
        } else {
            ExitStatus::Findings(args.filters.exit_code)
        },
    )
}

/// The inventory of `target`: read from an SBOM for `sbom:FILE`, else catalogued.
fn inventory(target: &str, args: &ScanArgs, quiet: bool) -> anyhow::Result<Inventory> {
    if let Some(path) = target.strip_prefix("sbom:") {
        let bytes = fs_err::read(path)?;
        return custody_sbom::read_sbom(&bytes, path)
            .with_context(|| format!("cannot read the SBOM {path}"));
    }
    let target = Target::parse(target)?;
    let scanner = ArtifactScanner::new(settings::scan_options(&args.image)?);
    let reporter = ProgressReporter::new(quiet);
    let inventory = custody_inventory::catalog(&scanner, &target, &reporter);
    reporter.finish();
    inventory.with_context(|| format!("cannot inventory {target}"))
}

/// Applies `--severity`, `--ignore-unfixed`, the ignore file and VEX documents.
fn apply_filters(report: &mut Report, filters: &FilterArgs) -> anyhow::Result<()> {
    if !filters.severity.is_empty() {
        report
            .findings
            .retain(|finding| filters.severity.contains(&finding.severity));
    }
    if filters.ignore_unfixed {
        report
            .findings
            .retain(|finding| finding.fixed_version.is_some());
    }
    let mut suppressions = Suppressions::new();
    if let Some(path) = ignorefile(filters.ignorefile.as_deref()) {
        suppressions = suppressions.ignore_file(IgnoreFile::load(&path)?);
    }
    for path in &filters.vex {
        suppressions = suppressions.vex(VexDocument::load(path)?);
    }
    for identity in artifact_identities(&report.inventory.target) {
        suppressions = suppressions.target(&identity);
    }
    let applied = suppressions.apply(std::mem::take(&mut report.findings), jiff::Timestamp::now());
    report.findings = applied.findings;
    report.suppressed = applied.suppressed;
    report.warnings.extend(applied.warnings);
    Ok(())
}

/// The names a VEX document may give the scanned image: its manifest and config digests,
/// and for registry images the `pkg:oci` purl of the manifest digest.
fn artifact_identities(target: &TargetInfo) -> Vec<String> {
    let Some(image) = &target.image else {
        return Vec::new();
    };
    let mut identities = vec![image.config_digest.clone()];
    if let Some(digest) = &image.manifest_digest {
        identities.push(digest.clone());
        if target.kind == TargetKind::Registry {
            let repository = target
                .name
                .split_once('@')
                .map_or(target.name.as_str(), |(repository, _)| repository);
            let repository = match repository.rsplit_once(':') {
                Some((name, tag)) if !tag.contains('/') => name,
                _ => repository,
            };
            let name = repository.rsplit('/').next().unwrap_or(repository);
            let purl = Purl::new("oci", None, name, digest)
                .with_qualifier("repository_url", repository)
                .build();
            identities.push(purl.as_str().to_owned());
        }
    }
    identities
}

/// `--ignorefile`, else the default file when it exists.
fn ignorefile(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(path) = explicit {
        return Some(path.to_owned());
    }
    let default = PathBuf::from(DEFAULT_IGNOREFILE);
    default.is_file().then_some(default)
}
