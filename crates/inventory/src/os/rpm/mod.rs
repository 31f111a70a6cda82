//! rpm databases: the three on-disk formats rpm has used for its package database, read from
//! bytes in memory without librpm.
//!
//! - [`bdb`]: Berkeley DB hash files (`Packages`; RHEL/CentOS up to 8, Amazon Linux 2).
//! - [`ndb`]: rpm's own "ndb" format (`Packages.db`; SUSE).
//! - [`sqlite`]: SQLite (`rpmdb.sqlite`; RHEL 9, Fedora 33 and later).
//!
//! Each backend only finds the header blobs; [`header`] reads a blob and this module turns it
//! into a [`PackageRecord`]. [`parse_rpmdb`] is the entry point the cataloger's router calls
//! once it has picked a [`RpmDbFormat`] from the file name.
//!
//! Errors come in three sizes. A database whose framing is broken (wrong magic, a metadata
//! page or slot table that points outside the file, a loop in a hash bucket chain, SQLite
//! refusing the file) fails with a [`ParseError`]. A single record that cannot be read (a
//! broken overflow chain, a blob whose own framing is wrong, a name, version or epoch that
//! cannot be read) is left out and reported in [`RpmDb::skipped`], so one bad package does
//! not hide the rest. A record whose identity is sound but whose file list or dependency
//! names are malformed is kept without them, as `rpm -qa` lists such a package with no
//! files, and the dropped part is reported in [`RpmDb::skipped`] too: a package's name and
//! version are what vulnerability matching needs.
//!
//! A zero-byte file is an empty database for every format, as syft and osv-scalibr treat it:
//! rpm itself creates `Packages.db` and `rpmdb.sqlite` empty before the first install.

mod bdb;
mod header;
mod ndb;
mod sqlite;

use std::collections::HashSet;
use std::fmt;

use custody_model::{Ecosystem, SourcePackage};

use crate::error::{ParseError, Position};
use crate::record::PackageRecord;

use header::{Header, HeaderError, tag};

/// The `format` of [`ParseError`]s about a header blob, whichever database held it. Their
/// position is a byte offset inside the blob (so "malformed rpm header at byte offset 40"),
/// and their reason starts with the [`BlobOrigin`] that locates the blob in the file.
const HEADER_FORMAT: &str = "rpm header";

/// Which on-disk format an rpm database file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum RpmDbFormat {
    /// Berkeley DB hash database, `Packages`.
    BerkeleyDb,
    /// rpm's ndb format, `Packages.db`.
    Ndb,
    /// SQLite, `rpmdb.sqlite`.
    Sqlite,
}

impl RpmDbFormat {
    /// The format rpm uses for a database file with this name (`Packages` → Berkeley DB,
    /// `Packages.db` → ndb, `rpmdb.sqlite` → SQLite); `None` for any other name, including
    /// rpm's index files (`Name`, `Basenames`, …) which hold no headers.
    pub(crate) fn from_file_name(name: &str) -> Option<Self> {
        match name {
            "Packages" => Some(Self::BerkeleyDb),
            "Packages.db" => Some(Self::Ndb),
            "rpmdb.sqlite" => Some(Self::Sqlite),
            _ => None,
        }
    }
}

/// What an rpm database holds: its packages, and the records that could not be read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct RpmDb {
    /// One record per installed package, in database order, `gpg-pubkey` entries left out.
    pub(crate) packages: Vec<PackageRecord>,
    /// What was left out because it was malformed, one error each: whole records (their
    /// header blob or its container was damaged), or the file list or dependency names of a
    /// record that is in [`RpmDb::packages`]. The database as a whole was readable.
    pub(crate) skipped: Vec<ParseError>,
}

/// Parses an rpm database of `format` from memory.
///
/// Fails when the database itself is unreadable; individual unreadable records go to
/// [`RpmDb::skipped`]. An empty `content` is an empty database.
pub(crate) fn parse_rpmdb(format: RpmDbFormat, content: &[u8]) -> Result<RpmDb, ParseError> {
    let mut collector = Collector::default();
    if content.is_empty() {
        return Ok(collector.database);
    }
    match format {
        RpmDbFormat::BerkeleyDb => bdb::read(content, &mut collector)?,
        RpmDbFormat::Ndb => ndb::read(content, &mut collector)?,
        RpmDbFormat::Sqlite => sqlite::read(content, &mut collector)?,
    }
    Ok(collector.database)
}

/// Where a header blob came from, to name it in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BlobOrigin {
    /// A Berkeley DB record: the hash page and item index holding it, and its key (the
    /// header number) when the key is the usual 4 bytes.
    BerkeleyDb {
        /// Page number of the hash page.
        page: u32,
        /// Index of the key item on that page.
        index: u16,
        /// The header number.
        key: Option<u32>,
    },
    /// An ndb blob: the package index and the blob's byte offset in the file.
    Ndb {
        /// The package index (header number).
        package: u32,
        /// Byte offset of the blob's head in the file.
        offset: u64,
    },
    /// A row of the SQLite `Packages` table.
    Sqlite {
        /// The row's `hnum`, when it is an integer.
        hnum: Option<i64>,
    },
}

impl fmt::Display for BlobOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BerkeleyDb {
                page,
                index,
                key: Some(key),
            } => write!(f, "Berkeley DB record {key} (page {page}, item {index})"),
            Self::BerkeleyDb {
                page,
                index,
                key: None,
            } => write!(f, "Berkeley DB record on page {page}, item {index}"),
            Self::Ndb { package, offset } => {
                write!(f, "ndb package {package} (blob at byte {offset})")
            }
            Self::Sqlite { hnum: Some(hnum) } => write!(f, "SQLite Packages row hnum {hnum}"),
            Self::Sqlite { hnum: None } => f.write_str("SQLite Packages row without an hnum"),
        }
    }
}

/// Gathers records, and errors for what was left out, while a backend walks its database.
#[derive(Debug, Default)]
struct Collector {
    /// What has been read so far.
    database: RpmDb,
}

impl Collector {
    /// Reads one header blob into a record, or records why it was skipped.
    fn blob(&mut self, origin: BlobOrigin, blob: &[u8]) {
        let mut dropped = Vec::new();
        match Header::parse(blob).and_then(|header| record_from_header(&header, &mut dropped)) {
            Ok(Some(record)) => {
                for (part, error) in dropped {
                    self.skip(ParseError::new(
                        HEADER_FORMAT,
                        Position::Offset(error.offset),
                        format!(
                            "{origin}: {} kept without its {part}: {}",
                            record.name, error.kind
                        ),
                    ));
                }
                self.database.packages.push(record);
            }
            Ok(None) => {}
            Err(error) => self.skip(ParseError::new(
                HEADER_FORMAT,
                Position::Offset(error.offset),
                format!("{origin}: {}", error.kind),
            )),
        }
    }

    /// Reports a record, or part of one, that was left out.
    fn skip(&mut self, error: ParseError) {
        tracing::debug!(%error, "leaving out part of an rpm database");
        self.database.skipped.push(error);
    }
}

/// Turns a header into a record; `Ok(None)` for the `gpg-pubkey` pseudo-packages rpm keeps
/// for imported signing keys.
///
/// Name, version, release, epoch, arch, source and license must be readable or the record
/// fails. A malformed file list or dependency list is left empty and pushed onto `dropped`
/// with the name of the part.
fn record_from_header(
    header: &Header<'_>,
    dropped: &mut Vec<(&'static str, HeaderError)>,
) -> Result<Option<PackageRecord>, HeaderError> {
    let name = header
        .string(tag::NAME)?
        .ok_or(HeaderError::missing(tag::NAME))?;
    if name == b"gpg-pubkey" {
        return Ok(None);
    }
    let version = header
        .string(tag::VERSION)?
        .ok_or(HeaderError::missing(tag::VERSION))?;
    let release = header
        .string(tag::RELEASE)?
        .ok_or(HeaderError::missing(tag::RELEASE))?;
    let mut record = PackageRecord::new(
        Ecosystem::Rpm,
        text(name),
        format!("{}-{}", text(version), text(release)),
    );
    record.epoch = header.int32(tag::EPOCH)?;
    record.arch = header.string(tag::ARCH)?.map(text);
    record.source = header
        .string(tag::SOURCE_RPM)?
        .and_then(present)
        .and_then(|file_name| SourcePackage::from_source_rpm(&text(file_name)));
    record.licenses = header
        .string(tag::LICENSE)?
        .and_then(present)
        .map(text)
        .into_iter()
        .collect();
    let mut keep = |part, result: Result<Vec<String>, HeaderError>| {
        result.unwrap_or_else(|error| {
            dropped.push((part, error));
            Vec::new()
        })
    };
    record.files = keep("file list", header.file_paths());
    record.depends = keep(
        "required names",
        header.strings(tag::REQUIRE_NAME).map(|names| {
            unique(
                names
                    .into_iter()
                    .filter(|name| !name.starts_with(b"rpmlib(")),
            )
        }),
    );
    record.provides = keep(
        "provided names",
        header.strings(tag::PROVIDE_NAME).map(unique),
    );
    Ok(Some(record))
}

/// Header text as a `String`. rpm does not promise UTF-8 (old headers carry Latin-1 vendor
/// and summary strings), so invalid sequences become U+FFFD instead of failing the package.
fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `bytes` unless it is empty or rpm's `(none)` placeholder.
fn present(bytes: &[u8]) -> Option<&[u8]> {
    (!bytes.is_empty() && bytes != b"(none)").then_some(bytes)
}

/// Distinct values as strings, in first-seen order.
fn unique<'a>(values: impl IntoIterator<Item = &'a [u8]>) -> Vec<String> {
    let mut seen = HashSet::new();
    values
        .into_iter()
        .filter(|value| seen.insert(*value))
        .map(text)
        .collect()
}

#[cfg(test)]
mod tests {
    //! Record mapping from hand-built headers, and the format dispatch.

    use super::header::tests::{Value, build, sample};
    use super::*;

    #[test]
    fn picks_format_by_file_name() {
        assert_eq!(
            RpmDbFormat::from_file_name("Packages"),
            Some(RpmDbFormat::BerkeleyDb)
        );
        assert_eq!(
            RpmDbFormat::from_file_name("Packages.db"),
            Some(RpmDbFormat::Ndb)
        );
        assert_eq!(
            RpmDbFormat::from_file_name("rpmdb.sqlite"),
            Some(RpmDbFormat::Sqlite)
        );
        for other in [
            "Name",
            "Basenames",
            "rpmdb.sqlite-wal",
            "packages",
            "Index.db",
        ] {
            assert_eq!(RpmDbFormat::from_file_name(other), None, "{other}");
        }
    }

    #[test]
    fn empty_content_is_an_empty_database() {
        for format in [
            RpmDbFormat::BerkeleyDb,
            RpmDbFormat::Ndb,
            RpmDbFormat::Sqlite,
        ] {
            assert_eq!(parse_rpmdb(format, &[]), Ok(RpmDb::default()));
        }
    }

    #[test]
    fn maps_a_header_to_a_record() {
        let mut collector = Collector::default();
        collector.blob(BlobOrigin::Sqlite { hnum: Some(1) }, &sample());
        assert_eq!(collector.database.skipped, []);
        let mut expected = PackageRecord::new(Ecosystem::Rpm, "curl", "7.76.0-6.cm2");
        expected.arch = Some("x86_64".to_owned());
        expected.source = Some(SourcePackage {
            name: "curl".to_owned(),
            version: Some("7.76.0-6.cm2".to_owned()),
        });
        expected.licenses = vec!["MIT".to_owned()];
        expected.files = vec![
            "/usr/bin/curl".to_owned(),
            "/usr/bin/curl-config".to_owned(),
            "/usr/share/licenses/curl/COPYING".to_owned(),
        ];
        // `rpmlib(...)` requirements and the repeated `/bin/sh` are dropped.
        expected.depends = vec!["/bin/sh".to_owned(), "libssh2".to_owned()];
        expected.provides = vec!["curl".to_owned(), "curl(x86-64)".to_owned()];
        assert_eq!(collector.database.packages, [expected]);
    }

    #[test]
    fn reads_the_epoch_and_skips_placeholders() {
        let blob = build(&[
            (tag::NAME, Value::String("hello")),
            (tag::VERSION, Value::String("0.0.1")),
            (tag::RELEASE, Value::String("rls")),
            (tag::EPOCH, Value::Int32(vec![1])),
            (tag::LICENSE, Value::String("(none)")),
            (tag::SOURCE_RPM, Value::String("(none)")),
        ]);
        let header = Header::parse(&blob).unwrap();
        let record = record_from_header(&header, &mut Vec::new())
            .unwrap()
            .unwrap();
        assert_eq!(record.epoch, Some(1));
        assert_eq!(record.version, "0.0.1-rls");
        assert_eq!(record.arch, None);
        assert_eq!(record.source, None);
        assert!(record.licenses.is_empty());
    }

    #[test]
    fn skips_gpg_pubkey_pseudo_packages() {
        let blob = build(&[
            (tag::NAME, Value::String("gpg-pubkey")),
            (tag::VERSION, Value::String("fd431d51")),
            (tag::RELEASE, Value::String("4ae0493b")),
        ]);
        let mut collector = Collector::default();
        collector.blob(BlobOrigin::Sqlite { hnum: Some(1) }, &blob);
        assert_eq!(collector.database, RpmDb::default());
    }

    #[test]
    fn reports_bad_headers_as_skipped_with_their_origin() {
        let missing_release = build(&[
            (tag::NAME, Value::String("curl")),
            (tag::VERSION, Value::String("7.76.0")),
        ]);
        let mut collector = Collector::default();
        let origin = BlobOrigin::Ndb {
            package: 7,
            offset: 8192,
        };
        collector.blob(origin, &missing_release);
        collector.blob(origin, &[0, 0, 0, 1]);
        assert!(collector.database.packages.is_empty());
        let reasons: Vec<_> = collector
            .database
            .skipped
            .iter()
            .map(|error| (error.format, error.reason.as_str()))
            .collect();
        assert_eq!(
            reasons,
            [
                (
                    HEADER_FORMAT,
                    "ndb package 7 (blob at byte 8192): required tag 1002 is missing"
                ),
                (
                    HEADER_FORMAT,
                    "ndb package 7 (blob at byte 8192): blob of 4 bytes has no room for the \
                     entry count and data length"
                ),
            ]
        );
    }

    #[test]
    fn keeps_a_package_whose_file_list_is_malformed() {
        let blob = build(&[
            (tag::NAME, Value::String("publicsuffix-list-dafsa")),
            (tag::VERSION, Value::String("20210518")),
            (tag::RELEASE, Value::String("2.fc35")),
            (tag::BASE_NAMES, Value::Strings(vec!["COPYING"])),
            (tag::DIR_INDEXES, Value::Int32(vec![4])),
            (tag::DIR_NAMES, Value::Strings(vec!["/usr/share/"])),
            (
                tag::PROVIDE_NAME,
                Value::Strings(vec!["publicsuffix-list-dafsa"]),
            ),
        ]);
        let mut collector = Collector::default();
        collector.blob(BlobOrigin::Sqlite { hnum: Some(3) }, &blob);
        let [record] = collector.database.packages.as_slice() else {
            panic!("expected one record, got {:?}", collector.database.packages);
        };
        assert_eq!(record.version, "20210518-2.fc35");
        assert!(record.files.is_empty());
        assert_eq!(record.provides, ["publicsuffix-list-dafsa"]);
        let reasons: Vec<_> = collector
            .database
            .skipped
            .iter()
            .map(|error| error.reason.as_str())
            .collect();
        assert_eq!(
            reasons,
            [
                "SQLite Packages row hnum 3: publicsuffix-list-dafsa kept without its file list: \
              directory index 4 is out of range of 1 directory names"
            ]
        );
    }

    #[test]
    fn parses_source_rpm_file_names() {
        let parse = |file_name| {
            SourcePackage::from_source_rpm(file_name).map(|source| (source.name, source.version))
        };
        assert_eq!(
            parse("openssl-3.0.7-24.el9.src.rpm"),
            Some(("openssl".to_owned(), Some("3.0.7-24.el9".to_owned())))
        );
        assert_eq!(
            parse("skelcd-bci-2021.05.14-150300.4.8.1.src.rpm"),
            Some((
                "skelcd-bci".to_owned(),
                Some("2021.05.14-150300.4.8.1".to_owned())
            ))
        );
        assert_eq!(
            parse("kernel-5.14.0-1.nosrc.rpm"),
            Some(("kernel".to_owned(), Some("5.14.0-1".to_owned())))
        );
        for malformed in [
            "openssl.src.rpm",
            "openssl-3.0.7.src.rpm",
            "-1-2.src.rpm",
            "a-1-2.rpm",
            "",
        ] {
            assert_eq!(parse(malformed), None, "{malformed}");
        }
    }
}
