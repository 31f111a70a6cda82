//! SQLite package databases (`rpmdb.sqlite`), rpm's format since RHEL 9 and Fedora 33.
//!
//! rpm's `lib/backend/sqlite.c` keeps every header blob in `Packages(hnum INTEGER PRIMARY
//! KEY, blob BLOB)`; the other tables are indexes. This module loads the file into an
//! in-memory, read-only SQLite connection (`sqlite3_deserialize`, so no temporary file is
//! written) and hands each row's blob to [`Collector::blob`] straight from SQLite's page
//! cache, in `hnum` order.
//!
//! The file is hostile, so the connection runs in SQLite's defensive mode with the schema
//! untrusted, and `Packages` must be an ordinary table: a view or virtual table could make
//! the query run arbitrary SQL. rpm opens its database in WAL mode, which an in-memory
//! database cannot use; the copy SQLite takes is marked as a rollback-journal database
//! instead. Changes still in a `-wal` file next to the database are not seen, as with every
//! other scanner that reads the main file alone.

use std::ffi::c_int;
use std::io::Read;

use rusqlite::config::DbConfig;
use rusqlite::types::ValueRef;
use rusqlite::{Connection, MAIN_DB};

use crate::error::{ParseError, Position};

use super::{BlobOrigin, Collector};

/// The `format` of errors from this module.
const FORMAT: &str = "rpm SQLite";
/// The first 16 bytes of every SQLite database.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";
/// Bytes of the SQLite file header.
const FILE_HEADER_SIZE: usize = 100;
/// Offset of the file format write and read versions; 2 means WAL.
const FORMAT_VERSIONS: usize = 18;

/// A whole-file error from SQLite.
fn sqlite_error(error: &rusqlite::Error) -> ParseError {
    ParseError::new(FORMAT, Position::File, error.to_string())
}

/// Reads every row of the `Packages` table into `collector`.
pub(super) fn read(content: &[u8], collector: &mut Collector) -> Result<(), ParseError> {
    if content.get(..MAGIC.len()) != Some(&MAGIC[..]) {
        return Err(ParseError::new(
            FORMAT,
            Position::File,
            "not a SQLite database",
        ));
    }
    let connection = open(content)?;
    let kind: Option<String> = connection
        .query_row(
            "SELECT type FROM sqlite_schema WHERE name = 'Packages'",
            [],
            |row| row.get(0),
        )
        .map(Some)
        .or_else(|error| match error {
            rusqlite::Error::QueryReturnedNoRows => Ok(None),
            other => Err(sqlite_error(&other)),
        })?;
    match kind.as_deref() {
        Some("table") => {}
        Some(other) => {
            return Err(ParseError::new(
                FORMAT,
                Position::File,
                format!("Packages is a {other}, not a table"),
            ));
        }
        None => {
            return Err(ParseError::new(
                FORMAT,
                Position::File,
                "database has no Packages table",
            ));
        }
    }
    let mut statement = connection
        .prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
        .map_err(|error| sqlite_error(&error))?;
    let mut rows = statement.query([]).map_err(|error| sqlite_error(&error))?;
    while let Some(row) = rows.next().map_err(|error| sqlite_error(&error))? {
        let hnum = row.get_ref(0).ok().and_then(|value| value.as_i64().ok());
        let origin = BlobOrigin::Sqlite { hnum };
        match row.get_ref(1) {
            Ok(ValueRef::Blob(blob)) => collector.blob(origin, blob),
            Ok(other) => collector.skip(ParseError::new(
                FORMAT,
                Position::File,
                format!(
                    "{origin}: blob column holds {:?}, not a blob",
                    other.data_type()
                ),
            )),
            Err(error) => collector.skip(ParseError::new(
                FORMAT,
                Position::File,
                format!("{origin}: {error}"),
            )),
        }
    }
    Ok(())
}

/// Opens `content` as a read-only in-memory database.
fn open(content: &[u8]) -> Result<Connection, ParseError> {
    // `deserialize_read_exact` sizes its buffer with a C `int`.
    if c_int::try_from(content.len()).is_err() {
        return Err(ParseError::new(
            FORMAT,
            Position::File,
            format!("database of {} bytes is too large", content.len()),
        ));
    }
    let mut connection = Connection::open_in_memory().map_err(|error| sqlite_error(&error))?;
    for (option, value) in [
        (DbConfig::SQLITE_DBCONFIG_DEFENSIVE, true),
        (DbConfig::SQLITE_DBCONFIG_TRUSTED_SCHEMA, false),
        (DbConfig::SQLITE_DBCONFIG_ENABLE_TRIGGER, false),
        (DbConfig::SQLITE_DBCONFIG_ENABLE_VIEW, false),
    ] {
        connection
            .set_db_config(option, value)
            .map_err(|error| sqlite_error(&error))?;
    }
    // An in-memory database cannot open a WAL-mode file, so the copy SQLite takes gets
    // rollback-journal format versions (1, 1) instead of WAL's (2, 2).
    let versions_end = FORMAT_VERSIONS + 2;
    let (before, after) = match content.get(versions_end..) {
        Some(after) if content.len() >= FILE_HEADER_SIZE => {
            (content.get(..FORMAT_VERSIONS).unwrap_or_default(), after)
        }
        _ => {
            return Err(ParseError::new(
                FORMAT,
                Position::Offset(content.len() as u64),
                "file ends inside the SQLite header",
            ));
        }
    };
    let patched = before.chain(&[1u8, 1][..]).chain(after);
    connection
        .deserialize_read_exact(MAIN_DB, patched, content.len(), true)
        .map_err(|error| sqlite_error(&error))?;
    Ok(connection)
}

#[cfg(test)]
mod tests {
    //! Databases built with SQLite itself: rpm's schema, hostile schemas and corrupt files.

    use super::*;
    use crate::os::rpm::RpmDb;
    use crate::os::rpm::header::tests::sample;

    fn parse(content: &[u8]) -> Result<RpmDb, ParseError> {
        let mut collector = Collector::default();
        read(content, &mut collector)?;
        Ok(collector.database)
    }

    /// Serializes a database built by `sql`, with `blobs` inserted into `Packages`.
    fn database(sql: &str, blobs: &[(i64, Vec<u8>)], wal: bool) -> Vec<u8> {
        let connection = Connection::open_in_memory().unwrap();
        connection.execute_batch(sql).unwrap();
        for (hnum, blob) in blobs {
            connection
                .execute(
                    "INSERT INTO Packages (hnum, blob) VALUES (?1, ?2)",
                    rusqlite::params![hnum, blob],
                )
                .unwrap();
        }
        let mut bytes = connection.serialize(MAIN_DB).unwrap().to_vec();
        if wal {
            bytes[FORMAT_VERSIONS] = 2;
            bytes[FORMAT_VERSIONS + 1] = 2;
        }
        bytes
    }

    /// rpm's `Packages` table, from `lib/backend/sqlite.c`.
    const RPM_SCHEMA: &str =
        "CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL);";

    #[test]
    fn reads_rows_in_hnum_order_from_wal_mode_files() {
        let bytes = database(RPM_SCHEMA, &[(7, sample()), (2, vec![0; 8])], true);
        let database = parse(&bytes).unwrap();
        assert_eq!(database.packages.len(), 1);
        assert_eq!(database.packages[0].name, "curl");
        assert_eq!(database.skipped.len(), 1);
        assert_eq!(
            database.skipped[0].reason,
            "SQLite Packages row hnum 2: header has no index entries"
        );
    }

    #[test]
    fn skips_rows_whose_blob_is_not_a_blob() {
        let bytes = database(
            "CREATE TABLE Packages (hnum INTEGER PRIMARY KEY, blob);",
            &[(1, sample())],
            false,
        );
        let connection = {
            let mut connection = Connection::open_in_memory().unwrap();
            connection
                .deserialize_read_exact(MAIN_DB, &bytes[..], bytes.len(), false)
                .unwrap();
            connection
                .execute("INSERT INTO Packages VALUES (2, 'text')", [])
                .unwrap();
            connection
        };
        let bytes = connection.serialize(MAIN_DB).unwrap().to_vec();
        let database = parse(&bytes).unwrap();
        assert_eq!(database.packages.len(), 1);
        assert!(database.skipped[0].reason.contains("not a blob"));
    }

    #[test]
    fn rejects_views_and_missing_tables() {
        let view = database(
            "CREATE TABLE Real (hnum INTEGER PRIMARY KEY, blob BLOB);
             CREATE VIEW Packages AS SELECT hnum, blob FROM Real;",
            &[],
            false,
        );
        assert!(parse(&view).unwrap_err().reason.contains("is a view"));
        let none = database("CREATE TABLE Other (x);", &[], false);
        assert!(
            parse(&none)
                .unwrap_err()
                .reason
                .contains("no Packages table")
        );
    }

    #[test]
    fn rejects_files_that_are_not_sqlite() {
        assert_eq!(parse(b"bogus").unwrap_err().position, Position::File);
        assert_eq!(
            parse(b"SQLite format 3\0").unwrap_err().position,
            Position::Offset(16)
        );
        // Valid header, garbage pages.
        let mut bytes = database(RPM_SCHEMA, &[(1, sample())], false);
        for byte in bytes.iter_mut().skip(FILE_HEADER_SIZE) {
            *byte = 0xa5;
        }
        assert_eq!(parse(&bytes).unwrap_err().format, FORMAT);
    }

    #[test]
    fn survives_byte_flips() {
        let bytes = database(RPM_SCHEMA, &[(1, sample()), (2, sample())], false);
        for position in (0..bytes.len()).step_by(61) {
            let mut mutated = bytes.clone();
            mutated[position] ^= 0xff;
            let _ = parse(&mutated);
        }
    }
}
