//! The database file: its schema, opening and checking it, and the read queries.
//!
//! One SQLite file that users can open with `sqlite3`. Queries go through indexes and read only
//! the rows they return; nothing loads the whole database. Writing happens in
//! [`crate::import`], which adds `Database::import` to [`Database`].
//!
//! # Schema (version 2)
//!
//! ```sql
#![doc = include_str!("schema.sql")]
//! ```
//!
//! - `advisories` holds what findings show: id, times, summary (or the start of `details` for
//!   records without one, such as PyPI's), severity vectors and `database_specific.severity`,
//!   aliases, upstream ids, the first [`MAX_REFERENCES`] references and `database_specific`.
//!   `details`, credits and the rest of the references are not kept, to keep the file small.
//! - `affected` holds one row per affected package of an advisory, keyed for lookup by
//!   ([`ecosystem_key`](crate::ecosystem_key), [`normalize_name`](crate::normalize_name)) with the
//!   release beside it; ranges, versions and package-level severity are JSON in OSV form, and
//!   `urgency` is the package's `ecosystem_specific.urgency` (Debian's rating).
//! - `aliases` maps each alias to the advisories that list it, for merging findings.
//! - `meta` holds `schema_version`, `created`, `last_import` and `source`, and after a
//!   [`crate::update()`] also `last_update`, `mirror` and one `archive:<URL>` entry per
//!   archive with its HTTP validators.

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags, OptionalExtension, params};

use crate::error::Error;
use crate::osv::{Range, Reference, Severity, parse_time};

/// The schema version this build writes and reads. A database with another version is refused
/// by [`Database::open`] with [`Error::SchemaTooNew`] or [`Error::SchemaTooOld`].
pub const SCHEMA_VERSION: u32 = 2;

/// How many references of an advisory are kept.
pub const MAX_REFERENCES: usize = 8;

/// How much of a database file [`Database::open`] maps into memory (1 GiB); SQLite reads
/// pages beyond it with read(2) as usual.
const MMAP_BYTES: i64 = 1 << 30;

/// The statements that create an empty database.
const SCHEMA: &str = include_str!("schema.sql");

/// An open vulnerability database.
///
/// [`Database::open`] opens an existing database read-only, for matching;
/// [`Database::open_or_create`] opens or creates one for [`Database::import`].
#[derive(Debug)]
pub struct Database {
    pub(crate) connection: Connection,
    pub(crate) path: PathBuf,
}

/// The affected package of one advisory, as [`Database::affected`] returns it: the advisory's
/// metadata that findings need, and the ranges and versions to evaluate with
/// [`evaluate`](crate::evaluate).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AffectedRecord {
    /// The advisory's id.
    pub id: String,
    /// The advisory's aliases.
    pub aliases: Vec<String>,
    /// The ids the advisory was derived from (OSV `upstream`).
    pub upstream: Vec<String>,
    /// The advisory's summary, or the start of its details when it has none.
    pub summary: Option<String>,
    /// Severity scores: the package's own when the record gives them, else the advisory's.
    pub severity: Vec<Severity>,
    /// `database_specific.severity` of the advisory: GitHub's rating (`LOW`, `MODERATE`,
    /// `HIGH`, `CRITICAL`).
    pub database_severity: Option<String>,
    /// `ecosystem_specific.urgency` of the affected package: the Debian security tracker's
    /// rating of the vulnerability in this release's package (`unimportant`, `low`, `medium`,
    /// `high`, `not yet assigned`).
    pub urgency: Option<String>,
    /// When the advisory was last modified (RFC 3339, as written in the record).
    pub modified: String,
    /// When the advisory was published, if the record says.
    pub published: Option<String>,
    /// The first [`MAX_REFERENCES`] references.
    pub references: Vec<Reference>,
    /// The OSV ecosystem as written in the record, release included (`Debian:12`).
    pub ecosystem: String,
    /// The package name as written in the record.
    pub package: String,
    /// The package URL, if the record gives one.
    pub purl: Option<String>,
    /// The affected ranges, events in OSV form.
    pub ranges: Vec<Range>,
    /// The affected versions listed one by one.
    pub versions: Vec<String>,
}

/// What [`Database::info`] reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DbInfo {
    /// The database file.
    pub path: PathBuf,
    /// The schema version stored in the file.
    pub schema_version: u32,
    /// Advisories stored, withdrawn ones included.
    pub advisories: u64,
    /// Of those, how many are withdrawn.
    pub withdrawn: u64,
    /// Advisories per ecosystem, sorted by ecosystem key. An advisory affecting packages in two
    /// ecosystems counts in both.
    pub ecosystems: Vec<EcosystemCount>,
    /// When the last import finished.
    pub last_import: Option<jiff::Timestamp>,
    /// What the last import read (its input paths).
    pub source: Option<String>,
    /// The file's size in bytes.
    pub file_size: u64,
}

/// The number of advisories in one ecosystem, for [`DbInfo`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcosystemCount {
    /// The ecosystem's name as records spell it, without release (`PyPI`, `Debian`).
    pub ecosystem: String,
    /// Advisories with at least one affected package in it.
    pub advisories: u64,
}

/// Whether a database file holds custody's schema or nothing yet.
enum Contents {
    Empty,
    Current,
}

impl Database {
    /// Opens an existing database read-only and checks its schema version.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        if !path.exists() {
            return Err(Error::Missing { path });
        }
        let connection = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| Error::Open {
            path: path.clone(),
            source,
        })?;
        match contents(&connection, &path)? {
            Contents::Current => {}
            Contents::Empty => return Err(Error::NotADatabase { path, source: None }),
        }
        // Pages through a memory map instead of read(2) copies: lookups touch a few random
        // pages each. benches/query.rs, 1,000 lookups in 200,000 advisories (179 MiB):
        // 30.7 ms with read(2), 24.6 ms mapped. Only touched pages become resident, and they
        // are clean file pages the kernel can drop, so memory stays independent of file size.
        connection
            .pragma_update(None, "mmap_size", MMAP_BYTES)
            .map_err(|source| Error::Sqlite {
                path: path.clone(),
                source,
            })?;
        Ok(Self { connection, path })
    }

    /// Opens a database for writing, creating the file and the schema when the file is missing
    /// or empty. An existing file must be a database with this build's schema: nothing is
    /// written to any other file.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        let mut connection = Connection::open_with_flags(
            &path,
            OpenFlags::SQLITE_OPEN_READ_WRITE
                | OpenFlags::SQLITE_OPEN_CREATE
                | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|source| Error::Open {
            path: path.clone(),
            source,
        })?;
        if let Contents::Empty = contents(&connection, &path)? {
            let sqlite = |source| Error::Sqlite {
                path: path.clone(),
                source,
            };
            let transaction = connection.transaction().map_err(sqlite)?;
            transaction.execute_batch(SCHEMA).map_err(sqlite)?;
            transaction
                .execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?1), ('created', ?2)",
                    params![
                        SCHEMA_VERSION.to_string(),
                        jiff::Timestamp::now().to_string()
                    ],
                )
                .map_err(sqlite)?;
            transaction.commit().map_err(sqlite)?;
        }
        Ok(Self { connection, path })
    }

    /// The database file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The affected entries of non-withdrawn advisories for one package, ordered by advisory id
    /// and then by the entry's position in the record. An advisory that lists the package
    /// twice (two `affected` entries) yields two records.
    ///
    /// `ecosystem` is an [`ecosystem_key`](crate::ecosystem_key) (or any OSV ecosystem name,
    /// compared case-insensitively, without release) and `name` a
    /// [`normalize_name`](crate::normalize_name)d package name. With `release` given, entries
    /// for other releases of the ecosystem are left out; entries without a release match
    /// every release. With `release` `None`, entries of every release are returned.
    pub fn affected(
        &self,
        ecosystem: &str,
        release: Option<&str>,
        name: &str,
    ) -> Result<Vec<AffectedRecord>, Error> {
        let sqlite = |source| Error::Sqlite {
            path: self.path.clone(),
            source,
        };
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT a.id, a.aliases, a.upstream, a.summary, a.severity, a.database_severity,
                        a.modified, a.published, a.refs,
                        f.ecosystem, f.package, f.purl, f.ranges, f.versions, f.severity,
                        f.urgency
                 FROM affected AS f JOIN advisories AS a ON a.key = f.advisory
                 WHERE f.ecosystem_key = ?1 AND f.name = ?2 AND a.withdrawn IS NULL
                   AND (?3 IS NULL OR f.release IS NULL OR f.release = ?3)
                 ORDER BY a.id, f.ordinal",
            )
            .map_err(sqlite)?;
        let key = ecosystem.to_ascii_lowercase();
        let rows = statement
            .query_map(params![key, name, release], |row| {
                let affected_severity: Vec<Severity> = json_column(row, 14)?;
                let severity = if affected_severity.is_empty() {
                    json_column(row, 4)?
                } else {
                    affected_severity
                };
                Ok(AffectedRecord {
                    id: row.get(0)?,
                    aliases: json_column(row, 1)?,
                    upstream: json_column(row, 2)?,
                    summary: row.get(3)?,
                    severity,
                    database_severity: row.get(5)?,
                    urgency: row.get(15)?,
                    modified: row.get(6)?,
                    published: row.get(7)?,
                    references: json_column(row, 8)?,
                    ecosystem: row.get(9)?,
                    package: row.get(10)?,
                    purl: row.get(11)?,
                    ranges: json_column(row, 12)?,
                    versions: json_column(row, 13)?,
                })
            })
            .map_err(sqlite)?;
        rows.collect::<Result<Vec<_>, _>>().map_err(sqlite)
    }

    /// The ids of the advisories that list `alias` among their aliases, sorted, withdrawn
    /// ones included; for merging findings that name the same vulnerability
    /// (`CVE-2023-32681` → `GHSA-j8r2-6x86-q33q`, `PYSEC-2023-74`).
    pub fn ids_for_alias(&self, alias: &str) -> Result<Vec<String>, Error> {
        let sqlite = |source| Error::Sqlite {
            path: self.path.clone(),
            source,
        };
        let mut statement = self
            .connection
            .prepare_cached(
                "SELECT a.id FROM aliases AS s JOIN advisories AS a ON a.key = s.advisory
                 WHERE s.alias = ?1 ORDER BY a.id",
            )
            .map_err(sqlite)?;
        let ids = statement
            .query_map([alias], |row| row.get(0))
            .map_err(sqlite)?;
        ids.collect::<Result<Vec<String>, _>>().map_err(sqlite)
    }

    /// What a scan report says about the database it used: cheap enough to call on every
    /// scan (one count, two `meta` reads), unlike [`Database::info`]'s per-ecosystem counts.
    pub fn status(&self) -> Result<custody_model::DatabaseStatus, Error> {
        let sqlite = |source| Error::Sqlite {
            path: self.path.clone(),
            source,
        };
        let (advisories, schema_version, last_import, last_update): (
            u64,
            Option<String>,
            Option<String>,
            Option<String>,
        ) = self
            .connection
            .query_row(
                "SELECT (SELECT count(*) FROM advisories),
                        (SELECT value FROM meta WHERE key = 'schema_version'),
                        (SELECT value FROM meta WHERE key = 'last_import'),
                        (SELECT value FROM meta WHERE key = 'last_update')",
                [],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .map_err(sqlite)?;
        // The later of the last import and the last update: when the data last changed.
        let updated = [last_import, last_update]
            .into_iter()
            .flatten()
            .filter_map(|time| time.parse::<jiff::Timestamp>().ok())
            .max();
        Ok(custody_model::DatabaseStatus {
            path: self.path.display().to_string(),
            schema_version: schema_version
                .and_then(|version| version.parse().ok())
                .unwrap_or_default(),
            updated: updated.map(|time| time.to_string()),
            advisories,
        })
    }

    /// Counts and facts about the database, for `custody db info`.
    pub fn info(&self) -> Result<DbInfo, Error> {
        let sqlite = |source| Error::Sqlite {
            path: self.path.clone(),
            source,
        };
        let meta = |key: &str| -> Result<Option<String>, Error> {
            self.connection
                .query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| {
                    row.get(0)
                })
                .optional()
                .map_err(sqlite)
        };
        let (advisories, withdrawn): (u64, u64) = self
            .connection
            .query_row(
                "SELECT count(*), count(withdrawn) FROM advisories",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(sqlite)?;
        let mut statement = self
            .connection
            .prepare(
                "SELECT min(ecosystem), count(DISTINCT advisory) FROM affected
                 GROUP BY ecosystem_key ORDER BY ecosystem_key",
            )
            .map_err(sqlite)?;
        let ecosystems = statement
            .query_map([], |row| {
                let ecosystem: String = row.get(0)?;
                Ok(EcosystemCount {
                    ecosystem: crate::split_ecosystem(&ecosystem).0.to_owned(),
                    advisories: row.get(1)?,
                })
            })
            .map_err(sqlite)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(sqlite)?;
        let schema_version = meta("schema_version")?
            .and_then(|version| version.parse().ok())
            .unwrap_or_default();
        let last_import =
            meta("last_import")?.and_then(|time| parse_time("last_import", &time).ok());
        Ok(DbInfo {
            path: self.path.clone(),
            schema_version,
            advisories,
            withdrawn,
            ecosystems,
            last_import,
            source: meta("source")?,
            file_size: fs_err::metadata(&self.path)?.len(),
        })
    }
}

/// Reads a JSON column; NULL is the type's default (an empty list).
fn json_column<T>(row: &rusqlite::Row<'_>, index: usize) -> rusqlite::Result<T>
where
    T: serde::de::DeserializeOwned + Default,
{
    match row.get_ref(index)?.as_str_or_null()? {
        None => Ok(T::default()),
        Some(text) => serde_json::from_str(text).map_err(|error| {
            rusqlite::Error::FromSqlConversionFailure(
                index,
                rusqlite::types::Type::Text,
                Box::new(error),
            )
        }),
    }
}

/// Tells an empty file from custody's schema, and refuses everything else.
fn contents(connection: &Connection, path: &Path) -> Result<Contents, Error> {
    let not_a_database = |source| Error::NotADatabase {
        path: path.to_path_buf(),
        source: Some(source),
    };
    let tables: u64 = connection
        .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
        .map_err(not_a_database)?;
    if tables == 0 {
        return Ok(Contents::Empty);
    }
    let version: Option<String> = connection
        .query_row(
            "SELECT value FROM meta WHERE key = 'schema_version'",
            [],
            |row| row.get(0),
        )
        .optional()
        .map_err(not_a_database)?;
    let Some(found) = version.and_then(|version| version.parse::<u32>().ok()) else {
        return Err(Error::NotADatabase {
            path: path.to_path_buf(),
            source: None,
        });
    };
    match found.cmp(&SCHEMA_VERSION) {
        std::cmp::Ordering::Equal => Ok(Contents::Current),
        std::cmp::Ordering::Greater => Err(Error::SchemaTooNew {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        }),
        std::cmp::Ordering::Less => Err(Error::SchemaTooOld {
            path: path.to_path_buf(),
            found,
            supported: SCHEMA_VERSION,
        }),
    }
}

#[cfg(test)]
mod tests {
    //! Opening and refusing database files; queries are tested with imports in `crate::import`
    //! and in tests/it.

    use super::*;

    #[test]
    fn creates_then_reopens() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        let created = Database::open_or_create(&path).unwrap();
        assert_eq!(created.info().unwrap().schema_version, SCHEMA_VERSION);
        drop(created);
        let opened = Database::open(&path).unwrap();
        let info = opened.info().unwrap();
        assert_eq!(info.advisories, 0);
        assert!(info.ecosystems.is_empty());
        assert!(info.last_import.is_none());
        assert!(info.file_size > 0);
        Database::open_or_create(&path).unwrap();
    }

    #[test]
    fn refuses_missing_and_foreign_files() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("none.sqlite");
        assert!(matches!(
            Database::open(&missing),
            Err(Error::Missing { .. })
        ));
        let empty = dir.path().join("empty.sqlite");
        fs_err::write(&empty, b"").unwrap();
        assert!(matches!(
            Database::open(&empty),
            Err(Error::NotADatabase { source: None, .. })
        ));
        let foreign = dir.path().join("foreign.sqlite");
        Connection::open(&foreign)
            .unwrap()
            .execute_batch("CREATE TABLE t (x)")
            .unwrap();
        for result in [Database::open(&foreign), Database::open_or_create(&foreign)] {
            let error = result.unwrap_err();
            assert!(matches!(error, Error::NotADatabase { .. }), "{error:?}");
        }
    }

    #[test]
    fn refuses_other_schema_versions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("db.sqlite");
        drop(Database::open_or_create(&path).unwrap());
        let set_version = |version: u32| {
            Connection::open(&path)
                .unwrap()
                .execute(
                    "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
                    [version.to_string()],
                )
                .unwrap();
        };
        set_version(SCHEMA_VERSION + 1);
        let error = Database::open(&path).unwrap_err();
        assert!(
            matches!(error, Error::SchemaTooNew { found, supported: SCHEMA_VERSION, .. } if found == SCHEMA_VERSION + 1)
        );
        assert!(error.hint().unwrap().contains("upgrade custody"));
        set_version(0);
        let error = Database::open_or_create(&path).unwrap_err();
        assert!(matches!(error, Error::SchemaTooOld { found: 0, .. }));
        assert!(
            error
                .to_string()
                .contains(&format!("older than version {SCHEMA_VERSION}"))
        );
    }
}
