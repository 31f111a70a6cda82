//! `custody db update|import|info`: the vulnerability database.

use std::cell::RefCell;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use custody_vulndb::{
    ArchiveOutcome, Database, ImportReporter, UpdateOptions, UpdateReporter, UpdateSummary, Warning,
};
use indicatif::{HumanBytes, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::args::{DbArgs, DbCommand};
use crate::{printer, render, settings};

/// Runs a `db` subcommand.
pub(crate) fn db(command: DbCommand, quiet: bool) -> anyhow::Result<()> {
    match command {
        DbCommand::Update {
            ecosystems,
            mirror,
            max_download_size,
            database,
        } => {
            let path = writable_database_path(&database)?;
            let defaults = UpdateOptions::default();
            let options = UpdateOptions {
                mirror: mirror.unwrap_or(defaults.mirror),
                ecosystems,
                max_download_bytes: max_download_size.unwrap_or(defaults.max_download_bytes),
                ..defaults
            };
            let reporter = UpdateProgress::new(quiet);
            let summary = custody_vulndb::update(&path, &options, &reporter);
            reporter.finish();
            let summary = summary
                .with_context(|| format!("cannot update the database {}", path.display()))?;
            if !quiet {
                print_update(&summary, &options.mirror)?;
            }
            Ok(())
        }
        DbCommand::Import { paths, database } => {
            let path = writable_database_path(&database)?;
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

/// The database path for commands that write it, with its directory created.
fn writable_database_path(database: &DbArgs) -> anyhow::Result<PathBuf> {
    let path = settings::database_path(database)?;
    if let Some(directory) = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        fs_err::create_dir_all(directory)?;
    }
    Ok(path)
}

/// One line per ecosystem, then what happened to the file, on stderr like `db import`'s
/// summary.
fn print_update(summary: &UpdateSummary, mirror: &str) -> anyhow::Result<()> {
    let mut stderr = anstream::stderr().lock();
    let width = summary
        .archives
        .iter()
        .map(|archive| archive.ecosystem.len())
        .max()
        .unwrap_or(0);
    for archive in &summary.archives {
        match &archive.outcome {
            ArchiveOutcome::Unchanged => {
                writeln!(stderr, "{:width$}  unchanged", archive.ecosystem)?;
            }
            ArchiveOutcome::Imported { bytes, summary } => writeln!(
                stderr,
                "{:width$}  {}: {} imported, {} updated, {} unchanged, {} skipped",
                archive.ecosystem,
                HumanBytes(*bytes),
                summary.imported,
                summary.updated,
                summary.unchanged,
                summary.skipped.len()
            )?,
        }
    }
    if let Some(version) = summary.replaced_schema {
        printer::warn(&format!(
            "replaced {}, whose schema version {version} this build cannot read",
            summary.database.display()
        ));
    }
    if summary.replaced {
        writeln!(
            stderr,
            "{}: updated from {mirror}",
            summary.database.display()
        )?;
    } else {
        writeln!(stderr, "{}: already up to date", summary.database.display())?;
    }
    Ok(())
}

fn info(path: &Path) -> anyhow::Result<()> {
    let database = Database::open(path)
        .with_context(|| format!("cannot open the database {}", path.display()))?;
    let info = database.info()?;
    let update = database.update_state()?;
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
        match (update.last_update, &update.mirror) {
            (Some(time), Some(mirror)) => writeln!(out, "last update:    {time} from {mirror}")?,
            (Some(time), None) => writeln!(out, "last update:    {time}")?,
            (None, _) => writeln!(out, "last update:    never")?,
        }
        if let Some(source) = &info.source {
            writeln!(out, "source:         {source}")?;
        }
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

/// Where progress bars draw: stderr, which indicatif leaves alone when it is not a terminal,
/// or nowhere with `--quiet`.
fn draw_target(quiet: bool) -> ProgressDrawTarget {
    if quiet {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    }
}

/// A bar style from `template`; the templates here are constants, so the fallback is never
/// used.
fn bar_style(template: &str) -> ProgressStyle {
    ProgressStyle::with_template(template)
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// Records imported so far, after a 30-column label.
const RECORDS_TEMPLATE: &str = "{msg:30!} [{bar:30.cyan/blue}] {pos}/{len} records";

impl ImportProgress {
    fn new(quiet: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(0), draw_target(quiet));
        bar.set_style(bar_style(RECORDS_TEMPLATE));
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

/// Progress of `db update`: for each ecosystem a byte bar while its archive downloads, then a
/// record bar while it is imported; warnings name the archive's URL, not the temporary file.
struct UpdateProgress {
    bar: ProgressBar,
    quiet: bool,
    /// The URL of the archive being fetched or imported.
    url: RefCell<String>,
}

impl UpdateProgress {
    fn new(quiet: bool) -> Self {
        Self {
            bar: ProgressBar::with_draw_target(Some(0), draw_target(quiet)),
            quiet,
            url: RefCell::new(String::new()),
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl ImportReporter for UpdateProgress {
    fn on_input(&self, _path: &Path, records: u64) {
        self.bar.set_style(bar_style(RECORDS_TEMPLATE));
        self.bar.set_length(records);
        self.bar.set_position(0);
    }

    fn on_record(&self) {
        self.bar.inc(1);
    }

    fn on_warning(&self, warning: &Warning) {
        if !self.quiet {
            let warning = Warning {
                path: PathBuf::from(self.url.borrow().as_str()),
                ..warning.clone()
            };
            self.bar.suspend(|| printer::warn(&warning.to_string()));
        }
    }
}

impl UpdateReporter for UpdateProgress {
    fn on_request(&self, ecosystem: &str, url: &str) {
        url.clone_into(&mut self.url.borrow_mut());
        self.bar.set_style(bar_style("{msg:30!} requesting…"));
        self.bar.set_message(ecosystem.to_owned());
        self.bar.tick();
    }

    fn on_download(&self, size: Option<u64>) {
        self.bar.set_style(bar_style(
            "{msg:30!} [{bar:30.cyan/blue}] {bytes:>10}/{total_bytes:<10} {bytes_per_sec}",
        ));
        self.bar.set_length(size.unwrap_or(0));
        self.bar.set_position(0);
    }

    fn on_download_bytes(&self, bytes: u64) {
        self.bar.inc(bytes);
    }
}
