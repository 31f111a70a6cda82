//! Import behaviour on small hand-written records: idempotence, newest `modified` wins,
//! directories, zip archives made here with the zip writer, and progress reporting.

use std::cell::RefCell;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use custody_vulndb::{Database, ImportReporter, Warning};
use zip::write::SimpleFileOptions;

use crate::{fresh_database, import, write};

/// A PyPI record for `demo` fixed in `fixed`, with one alias.
fn record(id: &str, modified: &str, fixed: &str, alias: &str) -> String {
    format!(
        r#"{{"id": "{id}", "modified": "{modified}", "aliases": ["{alias}"],
            "summary": "demo {id}",
            "affected": [{{"package": {{"ecosystem": "PyPI", "name": "demo"}},
              "ranges": [{{"type": "ECOSYSTEM", "events": [{{"introduced": "0"}},
              {{"fixed": "{fixed}"}}]}}]}}]}}"#
    )
}

/// The same shape in YAML, for npm `left-pad`.
fn yaml_record(id: &str) -> String {
    format!(
        "id: {id}\nmodified: 2022-02-02T00:00:00Z\naffected:\n- package:\n    ecosystem: npm\n    \
         name: left-pad\n  versions:\n  - 1.0.0\n  - 1.1.0\n"
    )
}

/// Builds a zip archive from (name, contents, compressed) entries.
pub(crate) fn make_zip(path: &Path, entries: &[(&str, &[u8], bool)]) {
    let mut writer = zip::ZipWriter::new(fs_err::File::create(path).unwrap());
    for (name, contents, compressed) in entries {
        let method = if *compressed {
            zip::CompressionMethod::Deflated
        } else {
            zip::CompressionMethod::Stored
        };
        writer
            .start_file(
                *name,
                SimpleFileOptions::default().compression_method(method),
            )
            .unwrap();
        writer.write_all(contents).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn reimport_is_a_no_op() {
    let (dir, mut database) = fresh_database();
    let data = dir.path().join("data");
    write(
        &data,
        "a/PYSEC-1.json",
        &record("PYSEC-1", "2020-01-01T00:00:00Z", "1.0", "CVE-1"),
    );
    write(&data, "b/c/NPM-1.yaml", &yaml_record("NPM-1"));
    write(&data, "b/NPM-2.yml", &yaml_record("NPM-2"));
    write(&data, "README.md", "not a record");
    // Workflow YAML in a dot-directory is not OSV data and is not read.
    write(&data, ".github/workflows/ci.yml", "on: push\n");

    let first = import(&mut database, &[&data]);
    assert_eq!((first.imported, first.updated, first.unchanged), (3, 0, 0));
    assert!(first.skipped.is_empty(), "{:?}", first.skipped);
    let second = import(&mut database, &[&data]);
    assert_eq!(
        (second.imported, second.updated, second.unchanged),
        (0, 0, 3)
    );

    let left_pad = database.affected("npm", None, "left-pad").unwrap();
    assert_eq!(left_pad.len(), 2);
    assert_eq!(left_pad[0].versions, ["1.0.0", "1.1.0"]);
    assert!(left_pad[0].ranges.is_empty());
}

#[test]
fn newest_modified_wins() {
    let (dir, mut database) = fresh_database();
    let original = write(
        dir.path(),
        "original.json",
        &record("PYSEC-7", "2021-05-05T10:00:00Z", "1.0", "CVE-OLD"),
    );
    let newer = write(
        dir.path(),
        "newer.json",
        &record("PYSEC-7", "2021-05-05T10:00:00.5Z", "2.0", "CVE-NEW"),
    );
    let older = write(
        dir.path(),
        "older.json",
        &record("PYSEC-7", "2020-12-31T23:59:59+00:00", "0.5", "CVE-OLDER"),
    );
    assert_eq!(import(&mut database, &[&original]).imported, 1);

    let summary = import(&mut database, &[&newer]);
    assert_eq!(
        (summary.imported, summary.updated, summary.unchanged),
        (0, 1, 0)
    );
    let summary = import(&mut database, &[&older]);
    assert_eq!(
        (summary.imported, summary.updated, summary.unchanged),
        (0, 0, 1)
    );

    let stored = database.affected("pypi", None, "demo").unwrap();
    assert_eq!(stored.len(), 1, "the update replaced the affected rows");
    assert_eq!(stored[0].modified, "2021-05-05T10:00:00.5Z");
    assert_eq!(stored[0].aliases, ["CVE-NEW"]);
    assert_eq!(stored[0].ranges[0].events[1].version(), "2.0");
    assert_eq!(database.ids_for_alias("CVE-NEW").unwrap(), ["PYSEC-7"]);
    assert!(database.ids_for_alias("CVE-OLD").unwrap().is_empty());

    // In one batch, too: the newest of the three wins whatever the order.
    let (_dir, mut batch) = fresh_database();
    let summary = batch
        .import(
            &[&newer, &original, &older],
            &custody_vulndb::NoImportReporter,
        )
        .unwrap();
    assert_eq!(
        (summary.imported, summary.updated, summary.unchanged),
        (1, 0, 2)
    );
    assert_eq!(
        batch.affected("pypi", None, "demo").unwrap()[0].aliases,
        ["CVE-NEW"]
    );
}

#[test]
fn zip_archive() {
    let (dir, mut database) = fresh_database();
    let archive = dir.path().join("all.zip");
    let first = record(
        "GHSA-aaaa-bbbb-cccc",
        "2023-01-01T00:00:00Z",
        "3.1",
        "CVE-9",
    );
    let second = yaml_record("NPM-9");
    make_zip(
        &archive,
        &[
            ("GHSA-aaaa-bbbb-cccc.json", first.as_bytes(), true),
            ("nested/NPM-9.yaml", second.as_bytes(), false),
            ("README.txt", b"not a record", true),
            ("broken.json", br#"{"id": "BROKEN-1", "modified": 5}"#, true),
        ],
    );

    let summary = import(&mut database, &[&archive]);
    assert_eq!(
        (summary.imported, summary.updated, summary.unchanged),
        (2, 0, 0)
    );
    assert_eq!(summary.skipped.len(), 1);
    let warning = &summary.skipped[0];
    assert_eq!(warning.path, archive);
    assert_eq!(warning.entry.as_deref(), Some("broken.json"));
    assert_eq!(warning.id.as_deref(), Some("BROKEN-1"));
    assert!(
        warning
            .to_string()
            .contains("all.zip entry broken.json (BROKEN-1): invalid OSV JSON"),
        "{warning}"
    );

    let demo = database.affected("pypi", None, "demo").unwrap();
    assert_eq!(demo[0].id, "GHSA-aaaa-bbbb-cccc");
    assert_eq!(
        database.affected("npm", None, "left-pad").unwrap()[0].id,
        "NPM-9"
    );

    // A directory holding the archive reads it too; nothing is new.
    let summary = import(&mut database, &[dir.path()]);
    assert_eq!((summary.imported, summary.unchanged), (0, 2));
}

/// Records every callback.
#[derive(Default)]
struct Recorder {
    inputs: RefCell<Vec<(PathBuf, u64)>>,
    records: RefCell<u64>,
    warnings: RefCell<Vec<Warning>>,
}

impl ImportReporter for Recorder {
    fn on_input(&self, path: &Path, records: u64) {
        self.inputs.borrow_mut().push((path.to_path_buf(), records));
    }
    fn on_record(&self) {
        *self.records.borrow_mut() += 1;
    }
    fn on_warning(&self, warning: &Warning) {
        self.warnings.borrow_mut().push(warning.clone());
    }
}

#[test]
fn reporter_sees_inputs_records_and_warnings() {
    let (dir, mut database) = fresh_database();
    let data = dir.path().join("data");
    write(
        &data,
        "1.json",
        &record("A-1", "2020-01-01T00:00:00Z", "1", "CVE-A"),
    );
    write(&data, "2.json", "{ not json");
    let archive = dir.path().join("all.zip");
    make_zip(
        &archive,
        &[("NPM-1.yaml", yaml_record("NPM-1").as_bytes(), true)],
    );
    let single = write(dir.path(), "single.yaml", &yaml_record("NPM-2"));

    let recorder = Recorder::default();
    let summary = database
        .import(&[data.as_path(), &archive, &single], &recorder)
        .unwrap();
    assert_eq!(summary.imported, 3);
    assert_eq!(
        *recorder.inputs.borrow(),
        [(data.clone(), 2), (archive, 1), (single, 1)]
    );
    assert_eq!(*recorder.records.borrow(), 4);
    assert_eq!(*recorder.warnings.borrow(), summary.skipped);
    assert_eq!(summary.skipped[0].path, data.join("2.json"));

    let info = Database::open(database.path()).unwrap().info().unwrap();
    assert_eq!(info.advisories, 3);
    assert!(info.source.unwrap().contains("single.yaml"));
}
