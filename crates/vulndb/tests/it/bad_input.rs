//! Hostile and broken input: malformed records are skipped with a warning naming the file;
//! corrupt and oversized archives, foreign files and databases from other schema versions are
//! refused with an error naming the file, and a refused import stores nothing.

use custody_vulndb::{
    Advisory, Database, Error, ImportLimits, NoImportReporter, RecordError, SCHEMA_VERSION,
};

use crate::import::make_zip;
use crate::{fresh_database, import, write};

const GOOD: &str = r#"{"id": "GOOD-1", "modified": "2024-01-01T00:00:00Z",
    "affected": [{"package": {"ecosystem": "Go", "name": "example.com/m"},
                  "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}]}]}"#;

#[test]
fn malformed_records_are_skipped_and_import_goes_on() {
    let (dir, mut database) = fresh_database();
    let data = dir.path().join("data");
    write(&data, "a-good.json", GOOD);
    let truncated = write(&data, "b-truncated.json", r#"{"id": "CUT-1", "modified": "#);
    let no_modified = write(&data, "c-no-modified.json", r#"{"id": "NOMOD-1"}"#);
    let bad_time = write(
        &data,
        "d-bad-time.json",
        r#"{"id": "TIME-1", "modified": "last tuesday"}"#,
    );
    let bad_event = write(
        &data,
        "e-bad-event.yaml",
        "id: EVENT-1\nmodified: 2024-01-01T00:00:00Z\naffected:\n- package:\n    ecosystem: PyPI\n    \
         name: x\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: '0'\n      \
         fixed: '1'\n",
    );
    let bad_yaml = write(&data, "f-bad.yaml", "id: [unclosed\n  modified: x\n");
    let binary = write(&data, "g-binary.json", "\u{0}\u{1}\u{2}garbage");

    let summary = import(&mut database, &[&data]);
    assert_eq!(summary.imported, 1);
    let got: Vec<_> = summary
        .skipped
        .iter()
        .map(|warning| (warning.path.clone(), warning.id.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (truncated, None),
            (no_modified, Some("NOMOD-1".to_owned())),
            (bad_time, Some("TIME-1".to_owned())),
            (bad_event, Some("EVENT-1".to_owned())),
            (bad_yaml, None),
            (binary, None),
        ]
    );
    let messages: Vec<&str> = summary.skipped.iter().map(|w| w.message.as_str()).collect();
    assert!(messages[0].contains("EOF while parsing"), "{}", messages[0]);
    assert!(
        messages[1].contains("missing field `modified`"),
        "{}",
        messages[1]
    );
    assert!(
        messages[2].starts_with("field `modified` is not an RFC 3339 time: \"last tuesday\""),
        "{}",
        messages[2]
    );
    assert!(
        messages[3].starts_with("invalid OSV YAML: ") && messages[3].contains("line 11"),
        "{}",
        messages[3]
    );
    assert!(
        messages[4].starts_with("invalid OSV YAML: "),
        "{}",
        messages[4]
    );
    // The position is also kept as fields, for a rendered span.
    let error = Advisory::from_yaml(&fs_err::read(data.join("f-bad.yaml")).unwrap()).unwrap_err();
    assert!(
        matches!(
            error,
            RecordError::Yaml {
                line: Some(1),
                column: Some(5),
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(
        database.affected("go", None, "example.com/m").unwrap()[0].id,
        "GOOD-1"
    );
}

#[test]
fn corrupt_zip_is_an_error_and_stores_nothing() {
    let (dir, mut database) = fresh_database();
    let good = write(dir.path(), "good.json", GOOD);
    let corrupt = write(
        dir.path(),
        "all.zip",
        "PK\u{3}\u{4} this is not really a zip",
    );
    let error = database
        .import(&[&good, &corrupt], &NoImportReporter)
        .unwrap_err();
    assert!(
        matches!(&error, Error::Zip { path, .. } if *path == corrupt),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!("cannot read zip archive {}", corrupt.display())
    );
    // One transaction: the good record imported before the failure is not kept.
    assert_eq!(database.info().unwrap().advisories, 0);

    // A real archive cut in half.
    let whole = dir.path().join("whole.zip");
    make_zip(&whole, &[("GOOD-1.json", GOOD.as_bytes(), true)]);
    let bytes = fs_err::read(&whole).unwrap();
    let half = dir.path().join("half.zip");
    fs_err::write(&half, &bytes[..bytes.len() / 2]).unwrap();
    let error = database.import(&[&half], &NoImportReporter).unwrap_err();
    assert!(matches!(error, Error::Zip { .. }), "{error:?}");
}

#[test]
fn zip_entry_with_bad_checksum_is_an_error() {
    let (dir, mut database) = fresh_database();
    let archive = dir.path().join("all.zip");
    make_zip(&archive, &[("GOOD-1.json", GOOD.as_bytes(), false)]);
    let mut bytes = fs_err::read(&archive).unwrap();
    // The entry is stored uncompressed: change one byte of the record (not of the entry's
    // name in the headers) in place.
    let at = bytes
        .windows(8)
        .position(|window| window == br#""GOOD-1""#)
        .unwrap();
    bytes[at + 1] = b'X';
    fs_err::write(&archive, &bytes).unwrap();
    let error = database.import(&[&archive], &NoImportReporter).unwrap_err();
    assert!(
        matches!(&error, Error::ZipEntry { path, entry, .. } if *path == archive && entry == "GOOD-1.json"),
        "{error:?}"
    );
}

#[test]
fn zip_limits_refuse_the_archive() {
    let (dir, mut database) = fresh_database();
    let archive = dir.path().join("all.zip");
    // 4 KiB of zeros compress to a few bytes: the shape of a decompression bomb.
    let big = vec![b' '; 4096];
    make_zip(
        &archive,
        &[
            ("GOOD-1.json", GOOD.as_bytes(), true),
            ("BIG-1.json", &big, true),
        ],
    );
    let limits = ImportLimits {
        max_record_bytes: 1024,
        ..ImportLimits::default()
    };
    let error = database
        .import_with_limits(&[&archive], &limits, &NoImportReporter)
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::EntryTooLarge { entry, size: 4096, limit: 1024, .. } if entry == "BIG-1.json"
        ),
        "{error:?}"
    );
    assert!(error.hint().is_some());
    assert_eq!(
        database.info().unwrap().advisories,
        0,
        "refused before reading"
    );

    let limits = ImportLimits {
        max_zip_entries: 1,
        ..ImportLimits::default()
    };
    let error = database
        .import_with_limits(&[&archive], &limits, &NoImportReporter)
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::TooManyEntries {
                count: 2,
                limit: 1,
                ..
            }
        ),
        "{error:?}"
    );

    let limits = ImportLimits {
        max_zip_bytes: 4096,
        ..ImportLimits::default()
    };
    let error = database
        .import_with_limits(&[&archive], &limits, &NoImportReporter)
        .unwrap_err();
    assert!(
        matches!(error, Error::ArchiveTooLarge { limit: 4096, .. }),
        "{error:?}"
    );
}

#[test]
fn database_from_a_newer_schema_is_refused() {
    let (dir, database) = fresh_database();
    let path = database.path().to_path_buf();
    drop(database);
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute(
            "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
            [(SCHEMA_VERSION + 1).to_string()],
        )
        .unwrap();
    for error in [
        Database::open(&path).unwrap_err(),
        Database::open_or_create(&path).unwrap_err(),
    ] {
        assert_eq!(
            error.to_string(),
            format!(
                "vulnerability database {} has schema version {}, newer than version {} which \
                 this build of custody reads",
                path.display(),
                SCHEMA_VERSION + 1,
                SCHEMA_VERSION
            )
        );
        assert!(error.hint().unwrap().contains("upgrade custody"));
    }
    drop(dir);
}

#[test]
fn non_database_files_are_refused() {
    let (dir, _database) = fresh_database();
    let text = write(
        dir.path(),
        "notes.txt",
        "this is not a database, just some text\n"
            .repeat(200)
            .as_str(),
    );
    for error in [
        Database::open(&text).unwrap_err(),
        Database::open_or_create(&text).unwrap_err(),
    ] {
        assert!(
            matches!(&error, Error::NotADatabase { path, source: Some(_) } if *path == text),
            "{error:?}"
        );
        assert_eq!(
            error.to_string(),
            format!("{} is not a custody vulnerability database", text.display())
        );
    }
    // The file was not touched.
    assert!(
        fs_err::read_to_string(&text)
            .unwrap()
            .starts_with("this is not a database")
    );

    let missing = dir.path().join("missing.sqlite");
    let error = Database::open(&missing).unwrap_err();
    assert!(matches!(error, Error::Missing { .. }));
    assert!(error.hint().unwrap().contains("custody db update"));
}

#[test]
fn bad_import_arguments() {
    let (dir, mut database) = fresh_database();
    let missing = dir.path().join("nowhere.json");
    let error = database.import(&[&missing], &NoImportReporter).unwrap_err();
    assert!(matches!(error, Error::Io(_)));
    assert!(error.to_string().contains("nowhere.json"), "{error}");

    let other = write(dir.path(), "advisories.csv", "id,modified\n");
    let error = database.import(&[&other], &NoImportReporter).unwrap_err();
    assert!(
        matches!(&error, Error::UnsupportedInput { path } if *path == other),
        "{error:?}"
    );
}
