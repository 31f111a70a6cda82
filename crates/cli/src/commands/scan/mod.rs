//! `custody scan TARGET`: read a target once (or an SBOM) for its packages, secrets and
//! misconfigurations, match the packages against the vulnerability database, filter and
//! suppress, and render the report.

mod files;

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use custody_artifact::{Pair, ScanResult, Scanner as ArtifactScanner, Target};
use custody_inventory::Cataloger;
use custody_misconfig::KubernetesScanner;
use custody_model::{
    Inventory, Misconfiguration, Purl, Report, Secret, Severity, Suppressed, TargetInfo, TargetKind,
};
use custody_sbom::EncodeOptions;
use custody_vulndb::{Database, IgnoreFile, IgnoreSection, Suppressions, VexDocument};

use crate::args::{DbArgs, FilterArgs, ScanArgs, ScanFormat, Scanner};
use crate::commands::ExitStatus;
use crate::reporter::ProgressReporter;
use crate::{printer, render, settings};
use files::{FileFindings, FileScanners, MisconfigScanning, SecretScanning, TreeKind};

/// The ignore file used when `--ignorefile` is not given and it exists.
const DEFAULT_IGNOREFILE: &str = ".custodyignore.yaml";

/// Runs `custody scan`.
pub(crate) fn scan(args: &ScanArgs, quiet: bool) -> anyhow::Result<ExitStatus> {
    let scanners = Scanners::choose(args)?;
    // Open the database first: a missing one is the most common first-run problem, and
    // saying so before a long image pull saves the user the wait.
    let database = if scanners.vuln {
        let path = settings::database_path(&DbArgs {
            db: args.db.clone(),
            cache_dir: args.image.cache.cache_dir.clone(),
        })?;
        let database = Database::open(&path)
            .with_context(|| "the vulnerability scanner needs a database".to_owned())?;
        Some((database, path))
    } else {
        None
    };
    let (inventory, files) = read_target(args, &scanners, quiet)?;
    let (findings, mut warnings, status) = match &database {
        Some((database, path)) => {
            let matches = custody_vulndb::match_inventory(database, &inventory)
                .with_context(|| format!("cannot match packages against {}", path.display()))?;
            (matches.findings, matches.warnings, Some(database.status()?))
        }
        None => (Vec::new(), Vec::new(), None),
    };
    let (secrets, misconfigurations) = file_findings(&inventory.target, files, &mut warnings);
    let mut report = Report {
        schema_version: Report::SCHEMA_VERSION,
        inventory,
        database: status,
        findings,
        suppressed: Vec::new(),
        secrets,
        misconfigurations,
        suppressed_secrets: Vec::new(),
        suppressed_misconfigurations: Vec::new(),
        warnings,
    };
    apply_filters(&mut report, &args.filters)?;
    if !quiet {
        for warning in report.inventory.warnings.iter().chain(&report.warnings) {
            printer::warn(&render::warning(warning));
        }
    }
    let encode = || EncodeOptions::now(env!("CARGO_PKG_VERSION"));
    printer::with_output(args.output.as_deref(), |out| match args.format {
        ScanFormat::Table => render::findings_table(&report, scanners.sections(), out),
        ScanFormat::Json => render::json(&report, out),
        ScanFormat::Sarif => {
            custody_sbom::write_sarif(&report, &encode(), out).map_err(std::io::Error::other)
        }
        ScanFormat::CyclonedxJson => custody_sbom::write_cyclonedx_report(&report, &encode(), out)
            .map_err(std::io::Error::other),
    })?;
    let clean = report.findings.is_empty()
        && report.secrets.is_empty()
        && report.misconfigurations.is_empty();
    Ok(if clean || args.filters.exit_code == 0 {
        ExitStatus::Success
    } else {
        ExitStatus::Findings(args.filters.exit_code)
    })
}

/// The scanners a run uses: `--scanners`, else the target's default.
struct Scanners {
    vuln: bool,
    secret: bool,
    misconfig: bool,
}

impl Scanners {
    /// The table sections to print.
    fn sections(&self) -> render::Sections {
        render::Sections {
            vulnerabilities: self.vuln,
            secrets: self.secret,
            misconfigurations: self.misconfig,
        }
    }

    /// `--scanners` when given; else every scanner for source trees and root filesystems,
    /// vulnerabilities and secrets for images (as Trivy), vulnerabilities for SBOMs.
    fn choose(args: &ScanArgs) -> anyhow::Result<Self> {
        let sbom = args.target.starts_with("sbom:");
        let chosen = match &args.scanners {
            Some(scanners) => scanners.clone(),
            None if sbom => vec![Scanner::Vuln],
            None => match Target::parse(&args.target)? {
                Target::Dir(_) | Target::Rootfs(_) => {
                    vec![Scanner::Vuln, Scanner::Secret, Scanner::Misconfig]
                }
                _ => vec![Scanner::Vuln, Scanner::Secret],
            },
        };
        let scanners = Self {
            vuln: chosen.contains(&Scanner::Vuln),
            secret: chosen.contains(&Scanner::Secret),
            misconfig: chosen.contains(&Scanner::Misconfig),
        };
        if sbom && (scanners.secret || scanners.misconfig) {
            anyhow::bail!(
                "an SBOM lists packages, not files: the secret and misconfig scanners need the \
                 artifact itself; scan it (`custody scan IMAGE`) or use `--scanners vuln`"
            );
        }
        Ok(scanners)
    }
}

/// Reads the target once: its inventory (from an SBOM for `sbom:FILE`, else catalogued) and
/// what the secret and misconfiguration scanners found in its files.
fn read_target(
    args: &ScanArgs,
    scanners: &Scanners,
    quiet: bool,
) -> anyhow::Result<(Inventory, ScanResult<FileFindings>)> {
    if let Some(path) = args.target.strip_prefix("sbom:") {
        let bytes = fs_err::read(path)?;
        let inventory = custody_sbom::read_sbom(&bytes, path)
            .with_context(|| format!("cannot read the SBOM {path}"))?;
        let files = ScanResult {
            target: inventory.target.clone(),
            files: Vec::new(),
            warnings: Vec::new(),
        };
        return Ok((inventory, files));
    }
    let target = Target::parse(&args.target)?;
    let tree = match target {
        Target::Dir(_) => TreeKind::Source,
        _ => TreeKind::Shipped,
    };
    let secrets = scanners.secret.then(|| secret_scanning(args)).transpose()?;
    let misconfig = scanners
        .misconfig
        .then(|| misconfig_scanning(args))
        .transpose()?;
    let file_scanners = FileScanners::new(secrets, misconfig, tree);
    let scanner = ArtifactScanner::new(settings::scan_options(&args.image)?);
    let reporter = ProgressReporter::new(quiet);
    let scan = scanner.scan(&target, &Pair::new(Cataloger, file_scanners), &reporter);
    reporter.finish();
    let (fragments, files) = scan
        .with_context(|| format!("cannot read {target}"))?
        .split();
    Ok((custody_inventory::resolve_fragments(fragments), files))
}

/// The secret scanner: the built-in rules, with `--secret-config`'s custom rules,
/// disabled rules and allowlists.
fn secret_scanning(args: &ScanArgs) -> anyhow::Result<SecretScanning> {
    let (config, config_bytes) = match &args.secret_config {
        Some(path) => {
            let text = fs_err::read_to_string(path)?;
            let config = custody_secret::Config::from_yaml(path, &text)?;
            (config, text.into_bytes())
        }
        None => (custody_secret::Config::default(), Vec::new()),
    };
    let scanner = custody_secret::Scanner::new(custody_secret::builtin_rules()?, &config)?;
    Ok(SecretScanning {
        scanner,
        max_file_size: config.max_file_size,
        config_bytes,
    })
}

/// The misconfiguration scanner: `--pss-level` and the `--policy` Kyverno policies.
fn misconfig_scanning(args: &ScanArgs) -> anyhow::Result<MisconfigScanning> {
    let mut builder = KubernetesScanner::builder().pss_level(args.pss_level);
    let mut fingerprint = args.pss_level.to_string().into_bytes();
    for path in &args.policy {
        builder = builder.policy_path(path);
        let mut files = Vec::new();
        custody_policy::manifest::collect_files(path, &mut files)?;
        for file in files {
            fingerprint.extend(fs_err::read(file)?);
        }
    }
    let kubernetes = builder.build()?;
    Ok(MisconfigScanning {
        kubernetes,
        fingerprint,
    })
}

/// Flattens per-file findings into the report's lists, attributing each to its layer.
/// Secrets are reported in every layer, deleted or not (pulling the image still yields
/// them); misconfigurations only in files of the final filesystem.
fn file_findings(
    target: &TargetInfo,
    files: ScanResult<FileFindings>,
    warnings: &mut Vec<custody_model::Warning>,
) -> (Vec<Secret>, Vec<Misconfiguration>) {
    warnings.extend(files.warnings);
    let layer_digest = |layer: Option<usize>| {
        let image = target.image.as_ref()?;
        image.layers.get(layer?).map(|layer| layer.digest.clone())
    };
    let mut secrets = Vec::new();
    let mut misconfigurations = Vec::new();
    for file in files.files {
        let digest = layer_digest(file.layer);
        for message in file.output.warnings {
            warnings.push(custody_model::Warning {
                path: Some(file.path.clone()),
                layer: digest.clone(),
                message,
            });
        }
        for mut secret in file.output.secrets {
            secret.location.layer.clone_from(&digest);
            secret.deleted = !file.visible;
            secrets.push(secret);
        }
        if file.visible {
            for mut misconfiguration in file.output.misconfigurations {
                misconfiguration.location.layer.clone_from(&digest);
                misconfigurations.push(misconfiguration);
            }
        }
    }
    secrets.sort_by(|left, right| {
        (&left.location, left.line, left.column).cmp(&(&right.location, right.line, right.column))
    });
    misconfigurations.sort_by(|left, right| {
        (&left.location, left.line, &left.id).cmp(&(&right.location, right.line, &right.id))
    });
    (secrets, misconfigurations)
}

/// Applies `--severity`, `--ignore-unfixed`, the ignore file and VEX documents.
fn apply_filters(report: &mut Report, filters: &FilterArgs) -> anyhow::Result<()> {
    if !filters.severity.is_empty() {
        let wanted = |severity: &Severity| filters.severity.contains(severity);
        report.findings.retain(|finding| wanted(&finding.severity));
        report.secrets.retain(|secret| wanted(&secret.severity));
        report
            .misconfigurations
            .retain(|misconfiguration| wanted(&misconfiguration.severity));
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
    let now = jiff::Timestamp::now();
    let applied = suppressions.apply(std::mem::take(&mut report.findings), now);
    report.findings = applied.findings;
    report.suppressed = applied.suppressed;
    report.warnings.extend(applied.warnings);
    (report.secrets, report.suppressed_secrets) =
        suppress(std::mem::take(&mut report.secrets), |secret| {
            let path = &secret.location.path;
            suppressions.exposure_suppression(IgnoreSection::Secrets, &secret.rule_id, path, now)
        });
    (
        report.misconfigurations,
        report.suppressed_misconfigurations,
    ) = suppress(std::mem::take(&mut report.misconfigurations), |found| {
        let (id, path) = (&found.id, &found.location.path);
        suppressions.exposure_suppression(IgnoreSection::Misconfigurations, id, path, now)
    });
    Ok(())
}

/// Splits `findings` into those kept and those `suppression` removes.
fn suppress<F>(
    findings: Vec<F>,
    suppression: impl Fn(&F) -> Option<custody_model::Suppression>,
) -> (Vec<F>, Vec<Suppressed<F>>) {
    let mut kept = Vec::new();
    let mut suppressed = Vec::new();
    for finding in findings {
        match suppression(&finding) {
            Some(by) => suppressed.push(Suppressed { finding, by }),
            None => kept.push(finding),
        }
    }
    (kept, suppressed)
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
