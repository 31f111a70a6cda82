//! `custody db import|info`: the vulnerability database.

use std::cell::RefCell;
use std::io::Write as _;
use std::path::Path;

use anyhow::Context as _;
use custody_vulndb::{Database, ImportReporter, Warning};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::DbCommand;
use crate::{printer, render, settings};

/// Runs a `db` subcommand.
pub(crate) fn db(command: DbCommand, quiet: bool) -> anyhow::Result<()> {
    match command {
        DbCommand::Import { paths, database } => {
            let path = settings::database_path(&database)?;
            if let Some(directory) = path
                .parent()
                .filter(|parent| !parent.as_os_str().is_empty())
            {
                fs_err::create_dir_all(directory)?;
            }
            let mut database = Database::open_or_create(&path)
                .with_context(|| format!("cannot open the database {}", path.display()))?;
            let reporter = ImportProgress::new(quiet);
            let summary = database.import(&paths, &reporter);
            reporter.finish();
            let summary = summary.context("import failed; the database is unchanged")?;
            let mut stderr = anstream::stderr().lock();
            if !quiet {
                writeln!(
                    stderr,
                    "{}: {} imported, {} updated, {} unchanged, {} skipped",
                    path.display(),
                    summary.imported,
                    summary.updated,
                    summary.unchanged,
                    summary.skipped.len()
                )?;
            }
            Ok(())
        }
        DbCommand::Info { database } => {
            let path = settings::database_path(&database)?;
            info(&path)
        }
    }
}

fn info(path: &Path) -> anyhow::Result<()> {
    let database = Database::open(path)
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    let info = database.info()?;
    printer::with_output(None, |out| {
        writeln!(out, "database:       {}", info.path.display())?;
        writeln!(out, "schema version: {}", info.schema_version)?;
        writeln!(
            out,
            "size:           {}",
            indicatif::HumanBytes(info.file_size)
        )?;
        writeln!(
            out,
            "last import:    {}",
            info.last_import
                .map_or_else(|| "never".to_owned(), |time| time.to_string())
        )?;
        writeln!(
            out,
            "advisories:     {} ({} withdrawn)",
            info.advisories, info.withdrawn
        )?;
        let mut table = render::new_table(["ECOSYSTEM", "ADVISORIES"]);
        for ecosystem in &info.ecosystems {
            table.add_row([
                ecosystem.ecosystem.clone(),
                ecosystem.advisories.to_string(),
            ]);
        }
        writeln!(out, "{table}")
    })
}

/// A progress bar over records, and warnings printed as they come.
struct ImportProgress {
    bar: ProgressBar,
    quiet: bool,
    total: RefCell<u64>,
}

impl ImportProgress {
    fn new(quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(
            Some(0),
            if quiet {
                ProgressDrawTarget::hidden()
            } else {
                ProgressDrawTarget::stderr()
            },
        );
        bar.set_style(
            ProgressStyle::with_template("{msg:30!} [{bar:30.cyan/blue}] {pos}/{len} records")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Self {
            bar,
            quiet,
            total: RefCell::new(0),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl ImportReporter for ImportProgress {
    fn on_input(&self, path: &Path, records: u64) {
        let mut total = self.total.borrow_mut();
        *total += records;
        self.bar.set_length(*total);
        self.bar.set_message(path.display().to_string());
    }

    fn on_record(&self) {
        self.bar.inc(1);
    }

    fn on_warning(&self, warning: &Warning) {
        if !self.quiet {
            self.bar.suspend(|| printer::warn(&warning.to_string()));
        }
    }
}
