//! `custody sbom TARGET`: inventory a target and print it as an SBOM or a table.

use anyhow::Context as _;
use custody_artifact::{Scanner, Target};
use custody_sbom::EncodeOptions;

use crate::args::{SbomArgs, SbomFormat};
use crate::reporter::ProgressReporter;
use crate::{printer, render, settings};

/// Runs `custody sbom`.
pub(crate) fn sbom(args: &SbomArgs, quiet: bool) -> anyhow::Result<()> {
    let target = Target::parse(&args.target)?;
    let options = settings::scan_options(&args.image)?;
    let scanner = Scanner::new(options);
    let reporter = ProgressReporter::new(quiet);
    let inventory = custody_inventory::catalog(&scanner, &target, &reporter);
    reporter.finish();
    let inventory = inventory.with_context(|| format!("cannot inventory {target}"))?;
    if !quiet {
        for warning in &inventory.warnings {
            printer::warn(&render::warning(warning));
        }
    }
    let encode = || EncodeOptions::now(env!("CARGO_PKG_VERSION"));
    printer::with_output(args.output.as_deref(), |out| match args.format {
        SbomFormat::CyclonedxJson => {
            custody_sbom::write_cyclonedx(&inventory, &encode(), out).map_err(std::io::Error::other)
        }
        SbomFormat::SpdxJson => {
            custody_sbom::write_spdx(&inventory, &encode(), out).map_err(std::io::Error::other)
        }
        SbomFormat::Json => render::json(&inventory, out),
        SbomFormat::Table => render::inventory_table(&inventory, out),
    })
}
