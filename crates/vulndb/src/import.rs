//! Importing OSV records: files, directories of them and `all.zip` archives.
//!
//! [`Database::import`] expands its inputs (directories recursively, zip archives entry by
//! entry), parses each record ([`crate::Advisory`]) and stores it in one transaction, so an
//! import either lands whole or not at all. A record replaces the stored record with the same
//! id only when its `modified` time is later, which makes importing the same data twice a
//! no-op. A malformed record is skipped with a [`Warning`]; a corrupt or oversized archive
//! stops the import with an [`Error`]. Progress goes to an [`ImportReporter`].

use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, Transaction, params};

use crate::database::{Database, MAX_REFERENCES};
use crate::ecosystem::{ecosystem_key, normalize_name, split_ecosystem};
use crate::error::{Error, RecordError};
use crate::osv::{Advisory, parse_time, salvage_id};

/// Caps on what an import reads, against decompression bombs and files that are not OSV data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// The largest record file or zip entry, in bytes (default 64 MiB). OSV records are
    /// kilobytes; one listing every version of a large package can reach megabytes.
    pub max_record_bytes: u64,
    /// The most entries one zip archive may have (default 2 million), set well above the size
    /// of OSV's archives so that only a malformed or hostile archive reaches it.
    pub max_zip_entries: u64,
    /// The most bytes the record entries of one zip archive may expand to in total
    /// (default 32 GiB).
    pub max_zip_bytes: u64,
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self {
            max_record_bytes: 64 << 20,
            max_zip_entries: 2_000_000,
            max_zip_bytes: 32 << 30,
        }
    }
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    /// Records whose id was not in the database.
    pub imported: u64,
    /// Records that replaced a stored record with an older `modified` time.
    pub updated: u64,
    /// Records whose `modified` time was not later than the stored record's; left as stored.
    pub unchanged: u64,
    /// Records skipped as malformed, one warning each.
    pub skipped: Vec<Warning>,
}

/// A record that was skipped, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The file read: the record file, or the zip archive holding it.
    pub path: PathBuf,
    /// The entry's name, when the record came from a zip archive.
    pub entry: Option<String>,
    /// The record's id, when it could be read.
    pub id: Option<String>,
    /// What is wrong, with its causes, on one line.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(entry) = &self.entry {
            write!(f, " entry {entry}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " ({id})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Receives progress from [`Database::import`]. Every method does nothing by default; the CLI
/// draws progress bars from them.
pub trait ImportReporter {
    /// `path`, one of the inputs or a zip archive inside an input directory, is about to be
    /// read; `records` is how many record files it holds.
    fn on_input(&self, path: &Path, records: u64) {
        let _ = (path, records);
    }

    /// One record file was read (stored, left unchanged or skipped).
    fn on_record(&self) {}

    /// A record was skipped; the same warning is in [`ImportSummary::skipped`].
    fn on_warning(&self, warning: &Warning) {
        let _ = warning;
    }
}

/// An [`ImportReporter`] that ignores everything.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoImportReporter;

impl ImportReporter for NoImportReporter {}

impl Database {
    /// Imports OSV records from `paths` with the default [`ImportLimits`]: JSON or YAML record
    /// files, directories of them (recursively; `*.json`, `*.yaml`, `*.yml` and `*.zip`, other
    /// files and dot-directories ignored) and zip archives of records such as OSV's `all.zip`.
    ///
    /// Everything is written in one transaction: on an error nothing is stored. The database
    /// must have been opened with [`Database::open_or_create`]; [`Database::open`] is
    /// read-only.
    pub fn import<P: AsRef<Path>>(
        &mut self,
        paths: &[P],
        reporter: &dyn ImportReporter,
    ) -> Result<ImportSummary, Error> {
        self.import_with_limits(paths, &ImportLimits::default(), reporter)
    }

    /// [`Database::import`] with explicit limits.
    pub fn import_with_limits<P: AsRef<Path>>(
        &mut self,
        paths: &[P],
        limits: &ImportLimits,
        reporter: &dyn ImportReporter,
    ) -> Result<ImportSummary, Error> {
        let database = self.path.clone();
        let sqlite = |source| Error::Sqlite {
            path: database.clone(),
            source,
        };
        let transaction = self.connection.transaction().map_err(sqlite)?;
        let mut importer = Importer {
            transaction: &transaction,
            database: &database,
            limits,
            reporter,
            summary: ImportSummary::default(),
        };
        for path in paths {
            importer.input(path.as_ref())?;
        }
        let summary = importer.summary;
        let source = paths
            .iter()
            .map(|path| path.as_ref().display().to_string())
            .collect::<Vec<_>>()
            .join(", ");
        transaction
            .execute(
                "INSERT OR REPLACE INTO meta (key, value)
                 VALUES ('last_import', ?1), ('source', ?2)",
                params![jiff::Timestamp::now().to_string(), source],
            )
            .map_err(sqlite)?;
        transaction.commit().map_err(sqlite)?;
        Ok(summary)
    }
}

/// What an input file is, by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// One OSV record.
    Record(Format),
    /// A zip archive of records.
    Zip,
}

/// The encoding of one OSV record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
}

impl Kind {
    fn of(name: &str) -> Option<Self> {
        let (_, extension) = name.rsplit_once('.')?;
        if extension.eq_ignore_ascii_case("json") {
            Some(Self::Record(Format::Json))
        } else if extension.eq_ignore_ascii_case("yaml") || extension.eq_ignore_ascii_case("yml") {
            Some(Self::Record(Format::Yaml))
        } else if extension.eq_ignore_ascii_case("zip") {
            Some(Self::Zip)
        } else {
            None
        }
    }

    fn of_path(path: &Path) -> Option<Self> {
        Self::of(&path.file_name()?.to_string_lossy())
    }
}

/// Whether a stored record was written, replaced or left alone.
enum Outcome {
    Imported,
    Updated,
    Unchanged,
}

/// One import's state: the open transaction and the running summary.
struct Importer<'a> {
    transaction: &'a Transaction<'a>,
    database: &'a Path,
    limits: &'a ImportLimits,
    reporter: &'a dyn ImportReporter,
    summary: ImportSummary,
}

impl Importer<'_> {
    fn sqlite(&self, source: rusqlite::Error) -> Error {
        Error::Sqlite {
            path: self.database.to_path_buf(),
            source,
        }
    }

    /// One import argument.
    fn input(&mut self, path: &Path) -> Result<(), Error> {
        let metadata = fs_err::metadata(path)?;
        if metadata.is_dir() {
            let mut files = Vec::new();
            collect(path, &mut files)?;
            files.sort_by(|left, right| left.0.cmp(&right.0));
            let records = files
                .iter()
                .filter(|(_, kind)| matches!(kind, Kind::Record(_)))
                .count();
            self.reporter.on_input(path, records as u64);
            for (file, kind) in files {
                match kind {
                    Kind::Record(format) => self.record_file(&file, format)?,
                    Kind::Zip => self.zip(&file)?,
                }
            }
            return Ok(());
        }
        match Kind::of_path(path) {
            Some(Kind::Record(format)) => {
                self.reporter.on_input(path, 1);
                self.record_file(path, format)
            }
            Some(Kind::Zip) => self.zip(path),
            None => Err(Error::UnsupportedInput {
                path: path.to_path_buf(),
            }),
        }
    }

    /// One record file; a file over the size limit is skipped with a warning.
    fn record_file(&mut self, path: &Path, format: Format) -> Result<(), Error> {
        let limit = self.limits.max_record_bytes;
        let mut bytes = Vec::new();
        fs_err::File::open(path)?
            .take(limit.saturating_add(1))
            .read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            self.reporter.on_record();
            let size = fs_err::metadata(path)?.len();
            self.skip(path, None, None, &RecordError::TooLarge { size, limit });
            return Ok(());
        }
        self.record(path, None, &bytes, format)
    }

    /// A zip archive: its central directory is checked against the limits before any entry
    /// is read.
    fn zip(&mut self, path: &Path) -> Result<(), Error> {
        let zip_error = |source| Error::Zip {
            path: path.to_path_buf(),
            source,
        };
        let file = fs_err::File::open(path)?;
        let mut archive = zip::ZipArchive::new(BufReader::new(file)).map_err(zip_error)?;
        let count = archive.len() as u64;
        if count > self.limits.max_zip_entries {
            return Err(Error::TooManyEntries {
                path: path.to_path_buf(),
                count,
                limit: self.limits.max_zip_entries,
            });
        }
        let metadata = archive.metadata();
        let mut wanted = Vec::new();
        let mut total = 0_u64;
        for index in 0..archive.len() {
            let entry = metadata.entry(index).map_err(zip_error)?;
            if !entry.is_file() {
                continue;
            }
            let name = entry.name().map_err(zip_error)?.into_owned();
            let Some(Kind::Record(format)) = Kind::of(&name) else {
                continue;
            };
            let size = entry.size();
            if size > self.limits.max_record_bytes {
                return Err(Error::EntryTooLarge {
                    path: path.to_path_buf(),
                    entry: name,
                    size,
                    limit: self.limits.max_record_bytes,
                });
            }
            total = total.saturating_add(size);
            if total > self.limits.max_zip_bytes {
                return Err(Error::ArchiveTooLarge {
                    path: path.to_path_buf(),
                    size: total,
                    limit: self.limits.max_zip_bytes,
                });
            }
            wanted.push((index, name, format));
        }
        self.reporter.on_input(path, wanted.len() as u64);
        let limit = self.limits.max_record_bytes;
        let mut bytes = Vec::new();
        let mut read = 0_u64;
        for (index, name, format) in wanted {
            let entry_error = |source| Error::ZipEntry {
                path: path.to_path_buf(),
                entry: name.clone(),
                source,
            };
            let entry = archive.by_index(index).map_err(entry_error)?;
            bytes.clear();
            // Sizes in the directory can lie: read one byte past the limit to catch it, and
            // count what was read against the archive's limit too.
            entry
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|error| entry_error(zip::result::ZipError::Io(error)))?;
            if bytes.len() as u64 > limit {
                return Err(Error::EntryTooLarge {
                    path: path.to_path_buf(),
                    entry: name,
                    size: bytes.len() as u64,
                    limit,
                });
            }
            read = read.saturating_add(bytes.len() as u64);
            if read > self.limits.max_zip_bytes {
                return Err(Error::ArchiveTooLarge {
                    path: path.to_path_buf(),
                    size: read,
                    limit: self.limits.max_zip_bytes,
                });
            }
            self.record(path, Some(&name), &bytes, format)?;
        }
        Ok(())
    }

    /// Parses and stores one record, or skips it with a warning.
    fn record(
        &mut self,
        path: &Path,
        entry: Option<&str>,
        bytes: &[u8],
        format: Format,
    ) -> Result<(), Error> {
        self.reporter.on_record();
        let parsed = match format {
            Format::Json => Advisory::from_json(bytes),
            Format::Yaml => Advisory::from_yaml(bytes),
        }
        .and_then(|advisory| Ok((advisory.modified_time()?, advisory)));
        match parsed {
            Ok((modified, advisory)) => {
                match self
                    .store(&advisory, modified)
                    .map_err(|e| self.sqlite(e))?
                {
                    Outcome::Imported => self.summary.imported += 1,
                    Outcome::Updated => self.summary.updated += 1,
                    Outcome::Unchanged => self.summary.unchanged += 1,
                }
            }
            Err(error) => {
                let id = salvage_id(bytes, format == Format::Yaml);
                self.skip(path, entry, id, &error);
            }
        }
        Ok(())
    }

    fn skip(&mut self, path: &Path, entry: Option<&str>, id: Option<String>, error: &RecordError) {
        let warning = Warning {
            path: path.to_path_buf(),
            entry: entry.map(str::to_owned),
            id,
            message: error.chain(),
        };
        tracing::debug!(%warning, "skipped OSV record");
        self.reporter.on_warning(&warning);
        self.summary.skipped.push(warning);
    }

    /// Writes `advisory` unless a record with its id and the same or a later `modified` time
    /// is stored. An older stored record is deleted with its rows and written anew.
    fn store(
        &self,
        advisory: &Advisory,
        modified: jiff::Timestamp,
    ) -> Result<Outcome, rusqlite::Error> {
        let transaction = self.transaction;
        let stored: Option<(i64, String)> = transaction
            .prepare_cached("SELECT key, modified FROM advisories WHERE id = ?1")?
            .query_row([&advisory.id], |row| Ok((row.get(0)?, row.get(1)?)))
            .optional()?;
        let outcome = if let Some((key, stored_modified)) = stored {
            // A stored time that no longer parses counts as older, so fresh data wins.
            let newer = parse_time("modified", &stored_modified)
                .map_or(true, |stored_time| modified > stored_time);
            if !newer {
                return Ok(Outcome::Unchanged);
            }
            for statement in [
                "DELETE FROM affected WHERE advisory = ?1",
                "DELETE FROM aliases WHERE advisory = ?1",
                "DELETE FROM advisories WHERE key = ?1",
            ] {
                transaction.prepare_cached(statement)?.execute([key])?;
            }
            Outcome::Updated
        } else {
            Outcome::Imported
        };
        let summary = summary(advisory);
        let severity = json_list(&advisory.severity);
        let aliases = json_list(&advisory.aliases);
        let upstream = json_list(&advisory.upstream);
        let references = json_list(
            advisory
                .references
                .get(..MAX_REFERENCES)
                .unwrap_or(&advisory.references),
        );
        let database_specific = advisory.database_specific.as_ref().map(ToString::to_string);
        transaction
            .prepare_cached(
                "INSERT INTO advisories (id, modified, published, withdrawn, summary, severity,
                     database_severity, aliases, upstream, refs, database_specific)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                advisory.id,
                advisory.modified,
                advisory.published,
                advisory.withdrawn,
                summary,
                severity,
                advisory.database_severity(),
                aliases,
                upstream,
                references,
                database_specific,
            ])?;
        let key = transaction.last_insert_rowid();
        let mut insert_affected = transaction.prepare_cached(
            "INSERT INTO affected (advisory, ordinal, ecosystem_key, release, name, ecosystem,
                 package, purl, ranges, versions, severity, urgency)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        for (ordinal, affected) in advisory.affected.iter().enumerate() {
            // Entries without a package (GIT ranges alone) have no key to be found by.
            let Some(package) = &affected.package else {
                continue;
            };
            insert_affected.execute(params![
                key,
                ordinal,
                ecosystem_key(&package.ecosystem),
                split_ecosystem(&package.ecosystem).1,
                normalize_name(&package.ecosystem, &package.name),
                package.ecosystem,
                package.name,
                package.purl,
                json_list(&affected.ranges),
                json_list(&affected.versions),
                json_list(&affected.severity),
                affected.urgency(),
            ])?;
        }
        let mut insert_alias = transaction
            .prepare_cached("INSERT OR IGNORE INTO aliases (alias, advisory) VALUES (?1, ?2)")?;
        for alias in &advisory.aliases {
            if *alias != advisory.id {
                insert_alias.execute(params![alias, key])?;
            }
        }
        Ok(outcome)
    }
}

/// The record files and archives under `directory`, recursively. Dot-directories (`.git`,
/// `.github` with its workflow YAML) are not OSV data and are skipped; symbolic links are
/// followed to files but not to directories, so a link cycle cannot loop.
fn collect(directory: &Path, files: &mut Vec<(PathBuf, Kind)>) -> Result<(), Error> {
    for entry in fs_err::read_dir(directory)? {
        let entry = entry?;
        let path = entry.path();
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            if !entry.file_name().to_string_lossy().starts_with('.') {
                collect(&path, files)?;
            }
            continue;
        }
        let Some(kind) = Kind::of_path(&path) else {
            continue;
        };
        // A dangling link is not a record; it is passed over like any other non-record file.
        let is_file = file_type.is_file()
            || (file_type.is_symlink()
                && fs_err::metadata(&path).is_ok_and(|metadata| metadata.is_file()));
        if is_file {
            files.push((path, kind));
        }
    }
    Ok(())
}

/// The summary to store: the record's, else the first line of its details (PyPI records have
/// no summary), shortened to [`SUMMARY_CHARS`] characters.
fn summary(advisory: &Advisory) -> Option<String> {
    if let Some(summary) = advisory.summary.as_deref().map(str::trim)
        && !summary.is_empty()
    {
        return Some(summary.to_owned());
    }
    let line = advisory
        .details
        .as_deref()?
        .lines()
        .map(str::trim)
        .find(|line| !line.is_empty())?;
    Some(match line.char_indices().nth(SUMMARY_CHARS) {
        Some((end, _)) => format!("{}…", &line[..end]),
        None => line.to_owned(),
    })
}

/// How long a summary taken from details may be.
const SUMMARY_CHARS: usize = 200;

/// A list as JSON, or NULL when empty.
fn json_list<T: serde::Serialize>(list: &[T]) -> Option<String> {
    if list.is_empty() {
        None
    } else {
        // Serializing strings and derived structs into a String cannot fail.
        serde_json::to_string(list).ok()
    }
}

#[cfg(test)]
mod tests {
    //! Import bookkeeping on small hand-written records: outcomes, summaries, limits.

    use super::*;

    fn record(id: &str, modified: &str, fixed: &str) -> String {
        format!(
            r#"{{"id": "{id}", "modified": "{modified}", "aliases": ["CVE-1"],
                "affected": [{{"package": {{"ecosystem": "PyPI", "name": "Demo_Lib"}},
                  "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}},
                  {{"fixed": "{fixed}"}}]}}]}}]}}"#
        )
    }

    #[test]
    fn newest_modified_wins() {
        let dir = tempfile::tempdir().unwrap();
        let mut database = Database::open_or_create(dir.path().join("db.sqlite")).unwrap();
        let file = dir.path().join("r.json");
        let mut import = |modified: &str, fixed: &str| {
            fs_err::write(&file, record("PYSEC-1", modified, fixed)).unwrap();
            database.import(&[&file], &NoImportReporter).unwrap()
        };
        assert_eq!(import("2020-01-01T00:00:00Z", "1.0").imported, 1);
        assert_eq!(import("2020-01-01T00:00:00Z", "1.0").unchanged, 1);
        // Same instant written differently: not newer.
        assert_eq!(import("2020-01-01T00:00:00.000Z", "9.0").unchanged, 1);
        assert_eq!(import("2019-01-01T00:00:00Z", "2.0").unchanged, 1);
        assert_eq!(import("2021-01-01T00:00:00Z", "3.0").updated, 1);
        let found = database.affected("pypi", None, "demo-lib").unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].modified, "2021-01-01T00:00:00Z");
        assert_eq!(
            found[0].ranges[0].events[1],
            crate::Event::Fixed("3.0".into())
        );
        assert_eq!(database.ids_for_alias("CVE-1").unwrap(), ["PYSEC-1"]);
    }

    #[test]
    fn summary_falls_back_to_details() {
        let mut advisory =
            Advisory::from_json(br#"{"id": "X", "modified": "2020-01-01T00:00:00Z"}"#).unwrap();
        assert_eq!(summary(&advisory), None);
        advisory.details = Some("\n\n  First line. \nSecond".into());
        assert_eq!(summary(&advisory).as_deref(), Some("First line."));
        advisory.details = Some("é".repeat(300));
        let short = summary(&advisory).unwrap();
        assert_eq!(short.chars().count(), SUMMARY_CHARS + 1);
        advisory.summary = Some("Given".into());
        assert_eq!(summary(&advisory).as_deref(), Some("Given"));
    }

    #[test]
    fn oversized_record_file_is_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let mut database = Database::open_or_create(dir.path().join("db.sqlite")).unwrap();
        let file = dir.path().join("big.json");
        fs_err::write(&file, record("PYSEC-2", "2020-01-01T00:00:00Z", "1.0")).unwrap();
        let limits = ImportLimits {
            max_record_bytes: 64,
            ..ImportLimits::default()
        };
        let summary = database
            .import_with_limits(&[&file], &limits, &NoImportReporter)
            .unwrap();
        assert_eq!(summary.imported, 0);
        assert_eq!(summary.skipped.len(), 1);
        assert!(
            summary.skipped[0]
                .message
                .contains("more than the limit of 64")
        );
    }

    #[test]
    fn kinds_by_extension() {
        assert_eq!(Kind::of("a.JSON"), Some(Kind::Record(Format::Json)));
        assert_eq!(Kind::of("a.yml"), Some(Kind::Record(Format::Yaml)));
        assert_eq!(Kind::of("all.zip"), Some(Kind::Zip));
        assert_eq!(Kind::of("README.md"), None);
        assert_eq!(Kind::of("json"), None);
    }
}
