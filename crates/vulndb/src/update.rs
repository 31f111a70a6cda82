//! Updating the database from a mirror of OSV's bucket: one `all.zip` archive per ecosystem,
//! requested conditionally, checked, imported into a copy of the database and swapped in.
//!
//! [`update`] is the entry point; [`UpdateOptions`] says where from and what, [`UpdateSummary`]
//! says what happened, [`UpdateReporter`] receives progress. Fetching the archives is
//! [`fetch`]'s job; importing them is [`Database::import_with_limits`]'s.
//!
//! [`update`] documents the steps that keep the database whole whatever fails, and what it
//! records in the `meta` table.

mod fetch;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::params;
use serde::{Deserialize, Serialize};
use url::Url;

use crate::database::Database;
use crate::error::Error;
use crate::import::{ImportLimits, ImportReporter, ImportSummary, NoImportReporter};

use self::fetch::{Fetched, Fetcher};

/// OSV's public bucket, which publishes `<Ecosystem>/all.zip` for every ecosystem
/// (<https://google.github.io/osv.dev/data/#data-dumps>).
pub const DEFAULT_MIRROR: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// The ecosystems [`update`] downloads when none are named: those whose packages custody
/// catalogs and matches. The names are OSV's ecosystem names (ossf/osv-schema
/// `bindings/go/osvconstants/constants.go`), which are also the bucket's directory names
/// (`Red Hat/all.zip`, requested as `Red%20Hat/all.zip`).
pub const DEFAULT_ECOSYSTEMS: &[&str] = &[
    "Debian",
    "Ubuntu",
    "Alpine",
    "Red Hat",
    "Rocky Linux",
    "AlmaLinux",
    "SUSE",
    "openSUSE",
    "Wolfi",
    "Chainguard",
    "PyPI",
    "npm",
    "crates.io",
    "Go",
    "Maven",
    "NuGet",
    "RubyGems",
    "Packagist",
    "Pub",
    "Hex",
];

/// How long copying the live database waits for a writer (a `db import` into it) to commit.
const SNAPSHOT_BUSY_TIMEOUT: Duration = Duration::from_mins(1);

/// What [`update`] downloads, from where, and the limits it keeps to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateOptions {
    /// The mirror's base URL: `http://` or `https://` serving `<Ecosystem>/all.zip`, or a
    /// `file://` directory laid out the same way (default [`DEFAULT_MIRROR`]).
    pub mirror: String,
    /// The ecosystems to download, by OSV name; a name that differs from one of
    /// [`DEFAULT_ECOSYSTEMS`] only in case is spelled as there. Empty means
    /// [`DEFAULT_ECOSYSTEMS`].
    pub ecosystems: Vec<String>,
    /// The largest archive downloaded, in bytes (default 4 GiB). OSV's largest archives
    /// (npm, Chainguard) are hundreds of megabytes; the limit only stops a runaway response.
    pub max_download_bytes: u64,
    /// How long connecting to the mirror may take (default 30 s).
    pub connect_timeout: Duration,
    /// How long the mirror may stay silent while a response is awaited or read (default
    /// 60 s). There is no limit on a whole download, which can take minutes on slow links.
    pub read_timeout: Duration,
    /// Limits for importing each archive.
    pub limits: ImportLimits,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        Self {
            mirror: DEFAULT_MIRROR.to_owned(),
            ecosystems: Vec::new(),
            max_download_bytes: 4 << 30,
            connect_timeout: Duration::from_secs(30),
            read_timeout: Duration::from_mins(1),
            limits: ImportLimits::default(),
        }
    }
}

/// What [`update`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateSummary {
    /// The database file.
    pub database: PathBuf,
    /// One entry per ecosystem, in the order requested.
    pub archives: Vec<ArchiveUpdate>,
    /// Whether the database file was replaced: false when every archive was unchanged.
    pub replaced: bool,
    /// The schema version of a database too old for this build that the update replaced with
    /// a new one (advisories it held from `db import` are gone).
    pub replaced_schema: Option<u32>,
}

/// What happened to one ecosystem's archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveUpdate {
    /// The ecosystem, spelled as OSV spells it.
    pub ecosystem: String,
    /// The archive's URL.
    pub url: String,
    /// Whether it was imported.
    pub outcome: ArchiveOutcome,
}

/// Whether an archive was new.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ArchiveOutcome {
    /// The mirror said the archive had not changed since the last update (`304 Not
    /// Modified`, or a `file://` archive with the same size and modification time).
    Unchanged,
    /// The archive was downloaded (or read from a `file://` mirror) and imported.
    Imported {
        /// The archive's size in bytes.
        bytes: u64,
        /// What the import did.
        summary: ImportSummary,
    },
}

/// What the last update recorded, for `custody db info` and for the next update's
/// conditional requests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UpdateState {
    /// When an update last replaced the database.
    pub last_update: Option<jiff::Timestamp>,
    /// The mirror it downloaded from.
    pub mirror: Option<String>,
    /// The validators of every archive imported so far, sorted by URL.
    pub archives: Vec<ArchiveValidators>,
}

/// The HTTP validators of one archive, sent back on the next request for it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveValidators {
    /// The archive's URL.
    #[serde(skip)]
    pub url: String,
    /// The `ETag` the mirror sent, as sent (quotes included).
    pub etag: Option<String>,
    /// The `Last-Modified` the mirror sent, as sent.
    pub last_modified: Option<String>,
}

/// Receives progress from [`update`]: the download of each archive, then its import through
/// the [`ImportReporter`] methods. Every method does nothing by default.
pub trait UpdateReporter: ImportReporter {
    /// `ecosystem`'s archive is being requested from `url`.
    fn on_request(&self, ecosystem: &str, url: &str) {
        let _ = (ecosystem, url);
    }

    /// The mirror is sending a new archive; `size` is its `Content-Length`, when given.
    fn on_download(&self, size: Option<u64>) {
        let _ = size;
    }

    /// `bytes` more bytes of the archive arrived.
    fn on_download_bytes(&self, bytes: u64) {
        let _ = bytes;
    }
}

impl UpdateReporter for NoImportReporter {}

/// Brings the database at `database` up to date with the mirror: archives that changed are
/// downloaded, checked and imported into a copy that replaces the database only when
/// everything succeeded. A missing database is created; one with an older schema is replaced
/// by a new one.
///
/// The directory holding `database` must exist. An error leaves the database as it was and
/// names the ecosystem and URL it concerns.
///
/// # How the database stays whole
///
/// 1. It takes an exclusive lock on `.NAME.lock` beside the database file `NAME`, so two
///    updates never race, then removes the `.NAME.update-*` directories that a killed update
///    left behind.
/// 2. For each ecosystem it requests `<mirror>/<Ecosystem>/all.zip` with the `ETag` and
///    `Last-Modified` stored for that URL at the last update (`If-None-Match`,
///    `If-Modified-Since`). `304 Not Modified` leaves the ecosystem as it is.
/// 3. A new archive streams into a fresh `.NAME.update-*` directory beside the database,
///    checked against the size limit, `Content-Length` and the `x-goog-hash: md5=` digest that
///    Google Cloud Storage sends.
/// 4. The first new archive copies the live database into that directory (or starts an empty
///    one), and every new archive is imported into the copy. Importing reads every record entry
///    to its end, which checks its CRC-32: a corrupt archive fails here.
/// 5. The copy records the validators, the time and the mirror in its `meta` table and is
///    renamed over the live database. A reader that has the old file open keeps reading it;
///    the next one opens the new file.
///
/// Nothing touches the live database before the rename, so a failed download, a corrupt
/// archive, a dropped connection or a killed process leaves it exactly as it was. When every
/// archive is unchanged the database is not rewritten at all.
///
/// # What it records in the `meta` table
///
/// | key | value |
/// |---|---|
/// | `last_update` | when an update last replaced the database (RFC 3339) |
/// | `mirror` | the mirror it downloaded from, as given |
/// | `source` | the archive URLs it imported (as `db import` records its input paths) |
/// | `archive:<URL>` | `{"etag": …, "last_modified": …}`: the validators of that archive |
///
/// Validators are kept per URL rather than per ecosystem, so switching mirrors never sends one
/// server's `ETag` to another.
pub fn update(
    database: &Path,
    options: &UpdateOptions,
    reporter: &dyn UpdateReporter,
) -> Result<UpdateSummary, Error> {
    let mirror = parse_mirror(&options.mirror)?;
    let ecosystems = ecosystems(&options.ecosystems)?;
    let site = Site::lock(database)?;
    let fetcher = Fetcher::new(&mirror, options)?;
    let (live, replaced_schema) = open_live(database)?;
    let known = match &live {
        Some(live) => live.update_state()?.archives,
        None => Vec::new(),
    };
    let staging = site.staging()?;
    let mut working: Option<Database> = None;
    let mut archives = Vec::with_capacity(ecosystems.len());
    let mut imported = Vec::new();
    for ecosystem in ecosystems {
        let url = archive_url(&mirror, &ecosystem);
        reporter.on_request(&ecosystem, url.as_str());
        let validators = known.iter().find(|known| known.url == url.as_str());
        let outcome = match fetcher.fetch(&ecosystem, &url, validators, staging.path(), reporter)? {
            Fetched::Unchanged => ArchiveOutcome::Unchanged,
            Fetched::Archive {
                path,
                temporary,
                bytes,
                validators,
            } => {
                let copy = match &mut working {
                    Some(copy) => copy,
                    None => working.insert(working_copy(live.as_ref(), &site, staging.path())?),
                };
                let summary = copy
                    .import_with_limits(&[&path], &options.limits, reporter)
                    .map_err(|source| Error::Archive {
                        ecosystem: ecosystem.clone(),
                        url: url.to_string(),
                        source: Box::new(source),
                    })?;
                if temporary {
                    fs_err::remove_file(&path)?;
                }
                imported.push(validators);
                ArchiveOutcome::Imported { bytes, summary }
            }
        };
        archives.push(ArchiveUpdate {
            ecosystem,
            url: url.to_string(),
            outcome,
        });
    }
    // The live database is closed before it is replaced, as Windows requires.
    drop(live);
    let replaced = match working {
        Some(mut copy) => {
            copy.record_update(&options.mirror, &imported)?;
            let path = copy.path().to_path_buf();
            drop(copy);
            swap(&path, database)?;
            true
        }
        None => false,
    };
    Ok(UpdateSummary {
        database: database.to_path_buf(),
        archives,
        replaced,
        replaced_schema: replaced_schema.filter(|_| replaced),
    })
}

impl Database {
    /// What the last [`update`] recorded: its time, its mirror and the validators of every
    /// archive it imported.
    pub fn update_state(&self) -> Result<UpdateState, Error> {
        let sqlite = |source| Error::Sqlite {
            path: self.path.clone(),
            source,
        };
        let mut statement = self
            .connection
            .prepare(
                "SELECT key, value FROM meta
                 WHERE key IN ('last_update', 'mirror') OR key LIKE 'archive:%'
                 ORDER BY key",
            )
            .map_err(sqlite)?;
        let mut rows = statement.query([]).map_err(sqlite)?;
        let mut state = UpdateState::default();
        while let Some(row) = rows.next().map_err(sqlite)? {
            let key: String = row.get(0).map_err(sqlite)?;
            let value: String = row.get(1).map_err(sqlite)?;
            match key.as_str() {
                "last_update" => state.last_update = value.parse().ok(),
                "mirror" => state.mirror = Some(value),
                _ => {
                    // A value this build cannot read only costs one full download.
                    if let (Some(url), Ok(validators)) = (
                        key.strip_prefix("archive:"),
                        serde_json::from_str::<ArchiveValidators>(&value),
                    ) {
                        state.archives.push(ArchiveValidators {
                            url: url.to_owned(),
                            ..validators
                        });
                    }
                }
            }
        }
        Ok(state)
    }

    /// Copies this database to `destination` as one consistent state. custody's databases
    /// use SQLite's rollback journal, where a read transaction holds a shared lock that no
    /// writer can commit past, so the file does not change while it is copied.
    fn snapshot(&self, destination: &Path) -> Result<(), Error> {
        let sqlite = |source| Error::Sqlite {
            path: self.path.clone(),
            source,
        };
        // A `db import` into the live database locks readers out while it commits; wait.
        self.connection
            .busy_timeout(SNAPSHOT_BUSY_TIMEOUT)
            .map_err(sqlite)?;
        self.connection.execute_batch("BEGIN").map_err(sqlite)?;
        let copied = self
            .connection
            .query_row("SELECT count(*) FROM meta", [], |_| Ok(()))
            .map_err(sqlite)
            .and_then(|()| Ok(fs_err::copy(&self.path, destination)?));
        self.connection.execute_batch("COMMIT").map_err(sqlite)?;
        copied.map(drop)
    }

    /// Writes what this update did into `meta`: time, mirror, the URLs imported as `source`
    /// and each archive's validators.
    fn record_update(&mut self, mirror: &str, archives: &[ArchiveValidators]) -> Result<(), Error> {
        let database = self.path.clone();
        let sqlite = |source| Error::Sqlite {
            path: database.clone(),
            source,
        };
        let source = archives
            .iter()
            .map(|archive| archive.url.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let transaction = self.connection.transaction().map_err(sqlite)?;
        transaction
            .execute(
                "INSERT OR REPLACE INTO meta (key, value)
                 VALUES ('last_update', ?1), ('mirror', ?2), ('source', ?3)",
                params![jiff::Timestamp::now().to_string(), mirror, source],
            )
            .map_err(sqlite)?;
        for archive in archives {
            // Serializing two optional strings cannot fail.
            let value = serde_json::to_string(archive).unwrap_or_default();
            transaction
                .execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                    params![format!("archive:{}", archive.url), value],
                )
                .map_err(sqlite)?;
        }
        transaction.commit().map_err(sqlite)
    }
}

/// Parses `--mirror`: `http://`, `https://` or a local `file://` URL.
fn parse_mirror(mirror: &str) -> Result<Url, Error> {
    let url = Url::parse(mirror).map_err(|source| Error::MirrorUrl {
        mirror: mirror.to_owned(),
        source,
    })?;
    let supported = match url.scheme() {
        "http" | "https" => url.host().is_some(),
        "file" => url.to_file_path().is_ok(),
        _ => false,
    };
    if supported {
        Ok(url)
    } else {
        Err(Error::MirrorScheme {
            mirror: mirror.to_owned(),
        })
    }
}

/// The URL of `ecosystem`'s archive: `<mirror>/<Ecosystem>/all.zip`, the name
/// percent-encoded (`Red%20Hat`).
fn archive_url(mirror: &Url, ecosystem: &str) -> Url {
    let mut url = mirror.clone();
    url.set_query(None);
    url.set_fragment(None);
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.pop_if_empty().extend([ecosystem, "all.zip"]);
    }
    url
}

/// The ecosystems to update: `requested`, or [`DEFAULT_ECOSYSTEMS`] when empty; each checked
/// to be usable as a directory name, spelled as OSV does when custody knows it, duplicates
/// dropped.
fn ecosystems(requested: &[String]) -> Result<Vec<String>, Error> {
    if requested.is_empty() {
        return Ok(DEFAULT_ECOSYSTEMS
            .iter()
            .map(|&name| name.to_owned())
            .collect());
    }
    let mut ecosystems: Vec<String> = Vec::with_capacity(requested.len());
    for name in requested {
        let name = name.trim();
        // One path segment of a bucket: no separators (a release such as `Debian:12` is not a
        // directory either), nothing that walks up, no control characters.
        let valid = !name.is_empty()
            && name.len() <= 64
            && name != "."
            && name != ".."
            && !name
                .chars()
                .any(|c| matches!(c, '/' | '\\' | ':') || c.is_control());
        if !valid {
            return Err(Error::InvalidEcosystem {
                ecosystem: name.to_owned(),
            });
        }
        let name = DEFAULT_ECOSYSTEMS
            .iter()
            .find(|known| known.eq_ignore_ascii_case(name))
            .map_or_else(|| name.to_owned(), |&known| known.to_owned());
        if !ecosystems.contains(&name) {
            ecosystems.push(name);
        }
    }
    Ok(ecosystems)
}

/// The directory of the database and the update lock held on it.
struct Site {
    directory: PathBuf,
    /// The database's file name.
    name: OsString,
    /// `.NAME.update-`: the prefix of staging directories.
    prefix: String,
    /// Held until the update ends; the operating system releases it if the process dies.
    _lock: fs_err::File,
}

impl Site {
    /// Takes the update lock beside `database` and removes what killed updates left.
    fn lock(database: &Path) -> Result<Self, Error> {
        let name = database
            .file_name()
            .ok_or_else(|| {
                Error::Io(std::io::Error::new(
                    std::io::ErrorKind::InvalidInput,
                    format!("{} does not name a file", database.display()),
                ))
            })?
            .to_owned();
        let directory = match database.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let display_name = name.to_string_lossy();
        let lock_path = directory.join(format!(".{display_name}.lock"));
        let lock = fs_err::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(Error::UpdateInProgress { lock: lock_path });
            }
            Err(std::fs::TryLockError::Error(error)) => return Err(Error::Io(error)),
        }
        let site = Self {
            prefix: format!(".{display_name}.update-"),
            directory,
            name,
            _lock: lock,
        };
        site.remove_stale()?;
        Ok(site)
    }

    /// Removes staging directories of updates that were killed: the lock proves none of them
    /// is still running.
    fn remove_stale(&self) -> Result<(), Error> {
        for entry in fs_err::read_dir(&self.directory)? {
            let entry = entry?;
            if !entry
                .file_name()
                .to_string_lossy()
                .starts_with(&self.prefix)
            {
                continue;
            }
            let path = entry.path();
            tracing::debug!(path = %path.display(), "removing what an interrupted update left");
            if entry.file_type()?.is_dir() {
                fs_err::remove_dir_all(&path)?;
            } else {
                fs_err::remove_file(&path)?;
            }
        }
        Ok(())
    }

    /// A new staging directory beside the database, removed when dropped.
    fn staging(&self) -> Result<tempfile::TempDir, Error> {
        Ok(tempfile::Builder::new()
            .prefix(&self.prefix)
            .tempdir_in(&self.directory)?)
    }
}

/// Opens the live database for copying, if there is one. A database with an older schema
/// counts as none, and its version is returned so the caller can say it was replaced; a newer
/// one, or a file that is not a database, is an error: the update never overwrites what it
/// cannot read.
///
/// It is opened read-write so that SQLite rolls back a hot journal left by an interrupted
/// `db import` before the file is copied.
fn open_live(database: &Path) -> Result<(Option<Database>, Option<u32>), Error> {
    if !database.exists() {
        return Ok((None, None));
    }
    match Database::open_or_create(database) {
        Ok(live) => Ok((Some(live), None)),
        Err(Error::SchemaTooOld { found, .. }) => Ok((None, Some(found))),
        Err(error) => Err(error),
    }
}

/// The database the archives are imported into: a snapshot of `live` in `staging`, or a new
/// database when there is none.
fn working_copy(live: Option<&Database>, site: &Site, staging: &Path) -> Result<Database, Error> {
    let path = staging.join(&site.name);
    if let Some(live) = live {
        live.snapshot(&path)?;
    }
    Database::open_or_create(&path)
}

/// Replaces `live` with `new` by a rename in the same directory, after `new` reached the
/// disk, so a crash leaves one or the other whole.
fn swap(new: &Path, live: &Path) -> Result<(), Error> {
    fs_err::File::open(new)?.sync_all()?;
    fs_err::rename(new, live)?;
    // The rename itself is durable once the directory is synced; Windows cannot open
    // directories, and there the rename is already durable.
    #[cfg(unix)]
    if let Some(directory) = live
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
    {
        fs_err::File::open(directory)?.sync_all()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! URL building and argument checks; whole updates over HTTP are in tests/it/update.rs.

    use super::*;

    #[test]
    fn archive_urls_percent_encode_ecosystems() {
        let mirror = parse_mirror(DEFAULT_MIRROR).unwrap();
        assert_eq!(
            archive_url(&mirror, "Red Hat").as_str(),
            "https://osv-vulnerabilities.storage.googleapis.com/Red%20Hat/all.zip"
        );
        let nested = parse_mirror("http://127.0.0.1:8080/osv/?x=1").unwrap();
        assert_eq!(
            archive_url(&nested, "crates.io").as_str(),
            "http://127.0.0.1:8080/osv/crates.io/all.zip"
        );
        let local = parse_mirror("file:///srv/osv%20mirror").unwrap();
        assert_eq!(
            archive_url(&local, "PyPI").to_file_path().unwrap(),
            Path::new("/srv/osv mirror/PyPI/all.zip")
        );
    }

    #[test]
    fn mirrors_must_be_http_or_local_files() {
        assert!(matches!(
            parse_mirror("not a url"),
            Err(Error::MirrorUrl { .. })
        ));
        for mirror in ["ftp://example.org/osv", "file://server/share", "data:,x"] {
            assert!(
                matches!(parse_mirror(mirror), Err(Error::MirrorScheme { .. })),
                "{mirror}"
            );
        }
    }

    #[test]
    fn ecosystems_are_checked_spelled_and_deduplicated() {
        assert_eq!(ecosystems(&[]).unwrap().len(), DEFAULT_ECOSYSTEMS.len());
        let names = ["pypi", "PyPI", "red hat", "CRAN"].map(str::to_owned);
        assert_eq!(ecosystems(&names).unwrap(), ["PyPI", "Red Hat", "CRAN"]);
        for bad in ["", "..", "Debian:12", "a/b", "a\\b", "a\nb"] {
            assert!(
                matches!(
                    ecosystems(&[bad.to_owned()]),
                    Err(Error::InvalidEcosystem { .. })
                ),
                "{bad:?}"
            );
        }
    }
}
