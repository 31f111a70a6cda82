//! `update` against a real HTTP/1.1 server on loopback serving zips of real advisory records
//! (PyPI YAML and Go JSON from the conformance corpus): conditional requests, changed
//! archives, and every way a download can go wrong leaving the database byte-identical.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use custody_vulndb::{
    ArchiveOutcome, Database, Error, ImportReporter, NoImportReporter, UpdateOptions,
    UpdateReporter, UpdateSummary, update,
};
use md5::{Digest as _, Md5};

use crate::advisories;
use crate::import::make_zip;

/// How the server sends an archive.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The whole body, with a correct `x-goog-hash: md5=`.
    Whole,
    /// Announces the whole length, sends half and closes the connection.
    DropHalfway,
    /// The whole body with an `x-goog-hash: md5=` of other bytes.
    WrongMd5,
}

/// One archive the server serves.
#[derive(Clone)]
struct Served {
    body: Vec<u8>,
    etag: String,
    mode: Mode,
}

/// One request the server received: its path and headers (names lowercase).
#[derive(Clone, Debug)]
struct Request {
    path: String,
    headers: HashMap<String, String>,
}

/// What the server last sent as `Last-Modified`; the client must send it back.
const LAST_MODIFIED: &str = "Wed, 21 Oct 2015 07:28:00 GMT";

/// A minimal HTTP/1.1 server on 127.0.0.1: `GET <path>` answers 200 with the archive (or
/// 304 when `If-None-Match` names its `ETag`), 404 for unknown paths, and closes each
/// connection after one response. It records every request and stops when dropped.
struct Mirror {
    address: SocketAddr,
    files: Arc<Mutex<HashMap<String, Served>>>,
    requests: Arc<Mutex<Vec<Request>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Mirror {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        let files = Arc::new(Mutex::new(HashMap::new()));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (files, requests, stop) = (files.clone(), requests.clone(), stop.clone());
            std::thread::spawn(move || {
                // Bounded: a test makes a handful of requests.
                for stream in listener.incoming().take(1000) {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream, &files, &requests);
                    }
                }
            })
        };
        Self {
            address,
            files,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Serves `body` at `/<ecosystem>/all.zip` (the ecosystem as it appears in the URL).
    fn put(&self, url_ecosystem: &str, body: Vec<u8>, etag: &str, mode: Mode) {
        self.files.lock().unwrap().insert(
            format!("/{url_ecosystem}/all.zip"),
            Served {
                body,
                etag: format!("\"{etag}\""),
                mode,
            },
        );
    }

    /// The requests received so far, and forgets them.
    fn take_requests(&self) -> Vec<Request> {
        std::mem::take(&mut *self.requests.lock().unwrap())
    }
}

impl Drop for Mirror {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(self.address);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Answers one request on `stream`.
fn serve(
    mut stream: TcpStream,
    files: &Mutex<HashMap<String, Served>>,
    requests: &Mutex<Vec<Request>>,
) {
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || line.is_empty() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("").to_owned();
    let mut headers = HashMap::new();
    for _ in 0..100 {
        line.clear();
        if reader.read_line(&mut line).is_err() || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
    }
    let if_none_match = headers.get("if-none-match").cloned();
    requests.lock().unwrap().push(Request {
        path: path.clone(),
        headers,
    });
    let served = files.lock().unwrap().get(&path).cloned();
    let Some(served) = served else {
        let _ = stream
            .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        return;
    };
    if if_none_match.as_deref() == Some(served.etag.as_str()) {
        let _ = write!(
            stream,
            "HTTP/1.1 304 Not Modified\r\netag: {}\r\nconnection: close\r\n\r\n",
            served.etag
        );
        return;
    }
    let digested: &[u8] = if served.mode == Mode::WrongMd5 {
        b"other bytes"
    } else {
        &served.body
    };
    let md5 = BASE64.encode(Md5::digest(digested));
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\ncontent-type: application/zip\r\ncontent-length: {}\r\n\
         etag: {}\r\nlast-modified: {LAST_MODIFIED}\r\n\
         x-goog-hash: crc32c=AAAAAA==\r\nx-goog-hash: md5={md5}\r\nconnection: close\r\n\r\n",
        served.body.len(),
        served.etag,
    );
    let sent = if served.mode == Mode::DropHalfway {
        &served.body[..served.body.len() / 2]
    } else {
        &served.body
    };
    let _ = stream.write_all(sent);
    let _ = stream.flush();
}

/// A zip of the given record files, as bytes.
fn zip_of(files: &[PathBuf]) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("all.zip");
    let contents: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|file| {
            (
                file.file_name().unwrap().to_string_lossy().into_owned(),
                fs_err::read(file).unwrap(),
            )
        })
        .collect();
    let entries: Vec<(&str, &[u8], bool)> = contents
        .iter()
        .map(|(name, bytes)| (name.as_str(), bytes.as_slice(), true))
        .collect();
    make_zip(&path, &entries);
    fs_err::read(&path).unwrap()
}

/// The record files of one PyPI package in the corpus, sorted.
fn pypi_records(package: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs_err::read_dir(
        advisories()
            .join("pypa-advisory-database/vulns")
            .join(package),
    )
    .unwrap()
    .map(|entry| entry.unwrap().path())
    .collect();
    files.sort();
    assert!(!files.is_empty(), "no PyPI records for {package}");
    files
}

/// The Go records in the corpus that name `module` as an affected package, sorted.
fn go_records(module: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs_err::read_dir(advisories().join("golang-vulndb/data/osv"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            let record: serde_json::Value =
                serde_json::from_slice(&fs_err::read(path).unwrap()).unwrap();
            record["affected"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|affected| affected["package"]["name"] == module)
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no Go records for {module}");
    files
}

/// The `id` of each record file, read from the file: `id: X` in YAML, `"id": "X"` in JSON.
fn ids(files: &[PathBuf]) -> BTreeSet<String> {
    files
        .iter()
        .map(|file| {
            let text = fs_err::read_to_string(file).unwrap();
            if file
                .extension()
                .is_some_and(|extension| extension == "json")
            {
                let record: serde_json::Value = serde_json::from_str(&text).unwrap();
                record["id"].as_str().unwrap().to_owned()
            } else {
                let line = text.lines().find(|line| line.starts_with("id: ")).unwrap();
                line.trim_start_matches("id: ").trim().to_owned()
            }
        })
        .collect()
}

/// The ids of the advisories stored for one package.
fn stored_ids(database: &Database, ecosystem: &str, name: &str) -> BTreeSet<String> {
    database
        .affected(ecosystem, None, name)
        .unwrap()
        .into_iter()
        .map(|record| record.id)
        .collect()
}

fn options(mirror: &Mirror, ecosystems: &[&str]) -> UpdateOptions {
    UpdateOptions {
        mirror: mirror.url(),
        ecosystems: ecosystems.iter().map(|&name| name.to_owned()).collect(),
        ..UpdateOptions::default()
    }
}

/// The outcome's import summary, failing on `Unchanged`.
fn imported(summary: &UpdateSummary, ecosystem: &str) -> (u64, custody_vulndb::ImportSummary) {
    let archive = summary
        .archives
        .iter()
        .find(|archive| archive.ecosystem == ecosystem)
        .unwrap();
    match &archive.outcome {
        ArchiveOutcome::Imported { bytes, summary } => (*bytes, summary.clone()),
        ArchiveOutcome::Unchanged => panic!("{ecosystem} was unchanged"),
    }
}

/// The names in `directory`, sorted: what an update leaves beside the database.
fn listing(directory: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs_err::read_dir(directory)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// A mirror serving urllib3's PyPI records and golang.org/x/text's Go records, and a
/// database updated from it once.
struct Updated {
    mirror: Mirror,
    dir: tempfile::TempDir,
    database: PathBuf,
    pypi: Vec<PathBuf>,
    go: Vec<PathBuf>,
    first: UpdateSummary,
}

fn updated_once() -> Updated {
    let mirror = Mirror::start();
    let pypi = pypi_records("urllib3");
    let go = go_records("golang.org/x/text");
    mirror.put("PyPI", zip_of(&pypi), "pypi-1", Mode::Whole);
    mirror.put("Go", zip_of(&go), "go-1", Mode::Whole);
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("vulndb.sqlite");
    let first = update(
        &database,
        &options(&mirror, &["PyPI", "Go"]),
        &NoImportReporter,
    )
    .unwrap();
    Updated {
        mirror,
        dir,
        database,
        pypi,
        go,
        first,
    }
}

/// Progress as the CLI would see it.
#[derive(Default)]
struct Recorder {
    requests: RefCell<Vec<(String, String)>>,
    announced: RefCell<Vec<Option<u64>>>,
    received: RefCell<u64>,
    records: RefCell<u64>,
}

impl ImportReporter for Recorder {
    fn on_record(&self) {
        *self.records.borrow_mut() += 1;
    }
}

impl UpdateReporter for Recorder {
    fn on_request(&self, ecosystem: &str, url: &str) {
        self.requests
            .borrow_mut()
            .push((ecosystem.to_owned(), url.to_owned()));
    }

    fn on_download(&self, size: Option<u64>) {
        self.announced.borrow_mut().push(size);
    }

    fn on_download_bytes(&self, bytes: u64) {
        *self.received.borrow_mut() += bytes;
    }
}

#[test]
fn first_update_imports_and_the_second_is_answered_304() {
    let mirror = Mirror::start();
    let pypi = pypi_records("urllib3");
    let go = go_records("golang.org/x/text");
    let (pypi_zip, go_zip) = (zip_of(&pypi), zip_of(&go));
    mirror.put("PyPI", pypi_zip.clone(), "pypi-1", Mode::Whole);
    mirror.put("Go", go_zip.clone(), "go-1", Mode::Whole);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("vulndb.sqlite");
    let recorder = Recorder::default();

    let first = update(&path, &options(&mirror, &["pypi", "Go"]), &recorder).unwrap();
    assert!(first.replaced);
    assert_eq!(first.replaced_schema, None);
    let (bytes, summary) = imported(&first, "PyPI");
    assert_eq!(bytes, pypi_zip.len() as u64);
    assert_eq!(summary.imported, pypi.len() as u64);
    assert!(summary.skipped.is_empty(), "{:?}", summary.skipped);
    let (bytes, summary) = imported(&first, "Go");
    assert_eq!(bytes, go_zip.len() as u64);
    assert_eq!(summary.imported, go.len() as u64);
    let total = (pypi_zip.len() + go_zip.len()) as u64;
    assert_eq!(*recorder.received.borrow(), total);
    assert_eq!(
        *recorder.announced.borrow(),
        [Some(pypi_zip.len() as u64), Some(go_zip.len() as u64)]
    );
    assert_eq!(*recorder.records.borrow(), (pypi.len() + go.len()) as u64);
    assert_eq!(
        *recorder.requests.borrow(),
        [
            ("PyPI".to_owned(), format!("{}/PyPI/all.zip", mirror.url())),
            ("Go".to_owned(), format!("{}/Go/all.zip", mirror.url())),
        ]
    );
    let requests = mirror.take_requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert!(
            !request.headers.contains_key("if-none-match"),
            "{request:?}"
        );
        assert!(request.headers["user-agent"].starts_with("custody/"));
    }

    let database = Database::open(&path).unwrap();
    assert_eq!(stored_ids(&database, "pypi", "urllib3"), ids(&pypi));
    assert_eq!(stored_ids(&database, "go", "golang.org/x/text"), ids(&go));
    let info = database.info().unwrap();
    assert_eq!(info.advisories, (pypi.len() + go.len()) as u64);
    assert_eq!(
        info.source.as_deref(),
        Some(format!("{0}/PyPI/all.zip, {0}/Go/all.zip", mirror.url()).as_str())
    );
    let state = database.update_state().unwrap();
    assert_eq!(state.mirror.as_deref(), Some(mirror.url().as_str()));
    assert!(state.last_update.is_some());
    assert_eq!(state.archives.len(), 2);
    for archive in &state.archives {
        assert_eq!(archive.last_modified.as_deref(), Some(LAST_MODIFIED));
    }
    drop(database);

    let before = fs_err::read(&path).unwrap();
    let second = update(&path, &options(&mirror, &["PyPI", "Go"]), &NoImportReporter).unwrap();
    assert!(!second.replaced);
    assert!(
        second
            .archives
            .iter()
            .all(|archive| archive.outcome == ArchiveOutcome::Unchanged)
    );
    let requests = mirror.take_requests();
    let sent: Vec<(&str, &str, &str)> = requests
        .iter()
        .map(|request| {
            (
                request.path.as_str(),
                request.headers["if-none-match"].as_str(),
                request.headers["if-modified-since"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        sent,
        [
            ("/PyPI/all.zip", "\"pypi-1\"", LAST_MODIFIED),
            ("/Go/all.zip", "\"go-1\"", LAST_MODIFIED),
        ]
    );
    assert_eq!(fs_err::read(&path).unwrap(), before);
    assert_eq!(
        listing(dir.path()),
        [".vulndb.sqlite.lock", "vulndb.sqlite"]
    );
}

#[test]
fn changed_archive_is_imported_while_open_readers_keep_the_old_file() {
    let setup = updated_once();
    let jinja2 = pypi_records("jinja2");
    let mut second_version = setup.pypi.clone();
    second_version.extend(jinja2.iter().cloned());
    setup
        .mirror
        .put("PyPI", zip_of(&second_version), "pypi-2", Mode::Whole);
    let reader = Database::open(&setup.database).unwrap();

    let summary = update(
        &setup.database,
        &options(&setup.mirror, &["PyPI", "Go"]),
        &NoImportReporter,
    )
    .unwrap();
    assert!(summary.replaced);
    let (_, pypi) = imported(&summary, "PyPI");
    assert_eq!(pypi.imported, jinja2.len() as u64);
    assert_eq!(pypi.unchanged, setup.pypi.len() as u64);
    assert_eq!(summary.archives[1].outcome, ArchiveOutcome::Unchanged);

    // The reader opened before the swap still reads the file it opened.
    assert!(stored_ids(&reader, "pypi", "jinja2").is_empty());
    assert_eq!(stored_ids(&reader, "pypi", "urllib3"), ids(&setup.pypi));
    let fresh = Database::open(&setup.database).unwrap();
    assert_eq!(stored_ids(&fresh, "pypi", "jinja2"), ids(&jinja2));
    assert_eq!(
        stored_ids(&fresh, "go", "golang.org/x/text"),
        ids(&setup.go)
    );
    let etags: Vec<Option<String>> = fresh
        .update_state()
        .unwrap()
        .archives
        .into_iter()
        .map(|archive| archive.etag)
        .collect();
    assert!(etags.contains(&Some("\"pypi-2\"".to_owned())), "{etags:?}");
    assert!(etags.contains(&Some("\"go-1\"".to_owned())), "{etags:?}");
}

/// Serves a bad second version of the PyPI archive and checks that the update fails with
/// `expected`, and leaves the database byte-identical and no temporary files.
fn failed_update_changes_nothing(body: Vec<u8>, mode: Mode, expected: fn(&Error) -> bool) {
    let setup = updated_once();
    assert!(setup.first.replaced);
    let before = fs_err::read(&setup.database).unwrap();
    setup.mirror.put("PyPI", body, "pypi-2", mode);
    let error = update(
        &setup.database,
        &options(&setup.mirror, &["Go", "PyPI"]),
        &NoImportReporter,
    )
    .unwrap_err();
    assert!(expected(&error), "{error:?}");
    let message = error.to_string();
    assert!(
        message.contains("PyPI")
            && message.contains(&format!("{}/PyPI/all.zip", setup.mirror.url())),
        "{message}"
    );
    assert!(
        error.hint().unwrap().contains("unchanged"),
        "{:?}",
        error.hint()
    );
    assert_eq!(fs_err::read(&setup.database).unwrap(), before);
    assert_eq!(
        listing(setup.dir.path()),
        [".vulndb.sqlite.lock", "vulndb.sqlite"]
    );
    // The next request still carries the validators of the archive imported last.
    setup.mirror.take_requests();
    let _ = update(
        &setup.database,
        &options(&setup.mirror, &["PyPI"]),
        &NoImportReporter,
    );
    let requests = setup.mirror.take_requests();
    assert_eq!(requests[0].headers["if-none-match"], "\"pypi-1\"");
}

#[test]
fn corrupt_archive_fails_and_leaves_the_database_byte_identical() {
    let mut corrupt = zip_of(&pypi_records("jinja2"));
    // Damages the compressed data of the first entry; the directory stays readable, so the
    // failure comes from the entry's checksum or its inflation.
    for byte in corrupt.iter_mut().skip(60).take(40) {
        *byte ^= 0x5a;
    }
    failed_update_changes_nothing(
        corrupt,
        Mode::Whole,
        |error| matches!(error, Error::Archive { ecosystem, .. } if ecosystem == "PyPI"),
    );
    failed_update_changes_nothing(
        b"PK\x03\x04 not a zip".to_vec(),
        Mode::Whole,
        |error| matches!(error, Error::Archive { source, .. } if matches!(**source, Error::Zip { .. })),
    );
}

#[test]
fn connection_dropped_mid_body_fails_and_leaves_the_database_intact() {
    failed_update_changes_nothing(
        zip_of(&pypi_records("jinja2")),
        Mode::DropHalfway,
        |error| matches!(error, Error::Download { ecosystem, .. } if ecosystem == "PyPI"),
    );
}

#[test]
fn md5_mismatch_fails() {
    failed_update_changes_nothing(zip_of(&pypi_records("jinja2")), Mode::WrongMd5, |error| {
        matches!(error, Error::Md5Mismatch { expected, actual, .. }
            if *expected == BASE64.encode(Md5::digest(b"other bytes")) && expected != actual)
    });
}

#[test]
fn missing_ecosystem_is_an_error_naming_it_and_creates_nothing() {
    let mirror = Mirror::start();
    mirror.put(
        "PyPI",
        zip_of(&pypi_records("urllib3")),
        "pypi-1",
        Mode::Whole,
    );
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("vulndb.sqlite");
    let error = update(
        &database,
        &options(&mirror, &["PyPI", "Red Hat"]),
        &NoImportReporter,
    )
    .unwrap_err();
    let url = format!("{}/Red%20Hat/all.zip", mirror.url());
    assert!(
        matches!(&error, Error::HttpStatus { ecosystem, url: got, status }
            if ecosystem == "Red Hat" && *got == url && status.as_u16() == 404),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!("the mirror answered 404 Not Found for the Red Hat archive at {url}")
    );
    assert!(error.hint().unwrap().contains("--mirror"));
    let paths: Vec<String> = mirror
        .take_requests()
        .into_iter()
        .map(|request| request.path)
        .collect();
    assert_eq!(paths, ["/PyPI/all.zip", "/Red%20Hat/all.zip"]);
    assert!(!database.exists());
    assert_eq!(listing(dir.path()), [".vulndb.sqlite.lock"]);
}

#[test]
fn download_over_the_size_limit_is_refused() {
    let mirror = Mirror::start();
    let body = zip_of(&pypi_records("urllib3"));
    let size = body.len() as u64;
    mirror.put("PyPI", body, "pypi-1", Mode::Whole);
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("vulndb.sqlite");
    let options = UpdateOptions {
        max_download_bytes: 1000,
        ..options(&mirror, &["PyPI"])
    };
    let error = update(&database, &options, &NoImportReporter).unwrap_err();
    assert!(
        matches!(error, Error::DownloadTooLarge { size: got, limit: 1000, .. } if got == size),
        "{error:?}"
    );
    assert!(!database.exists());
}

#[test]
fn stale_files_of_a_killed_update_are_removed_and_a_running_update_is_not_disturbed() {
    let mirror = Mirror::start();
    mirror.put(
        "PyPI",
        zip_of(&pypi_records("urllib3")),
        "pypi-1",
        Mode::Whole,
    );
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("vulndb.sqlite");
    // What a killed update leaves: a staging directory with a half-written copy.
    let stale = dir.path().join(".vulndb.sqlite.update-k1LLed");
    fs_err::create_dir(&stale).unwrap();
    fs_err::write(stale.join("vulndb.sqlite"), b"half a database").unwrap();
    fs_err::write(stale.join("PyPI.zip"), b"half an archive").unwrap();

    // An update still running holds the lock: nothing is touched.
    let lock = fs_err::File::create(dir.path().join(".vulndb.sqlite.lock")).unwrap();
    lock.lock().unwrap();
    let error = update(&database, &options(&mirror, &["PyPI"]), &NoImportReporter).unwrap_err();
    assert!(matches!(error, Error::UpdateInProgress { .. }), "{error:?}");
    assert!(stale.is_dir());
    assert!(mirror.take_requests().is_empty());
    drop(lock);

    update(&database, &options(&mirror, &["PyPI"]), &NoImportReporter).unwrap();
    assert_eq!(
        listing(dir.path()),
        [".vulndb.sqlite.lock", "vulndb.sqlite"]
    );
}

#[test]
fn database_of_an_older_schema_is_replaced() {
    let mirror = Mirror::start();
    let pypi = pypi_records("urllib3");
    mirror.put("PyPI", zip_of(&pypi), "pypi-1", Mode::Whole);
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("vulndb.sqlite");
    drop(Database::open_or_create(&database).unwrap());
    rusqlite::Connection::open(&database)
        .unwrap()
        .execute(
            "UPDATE meta SET value = '0' WHERE key = 'schema_version'",
            [],
        )
        .unwrap();
    let summary = update(&database, &options(&mirror, &["PyPI"]), &NoImportReporter).unwrap();
    assert_eq!(summary.replaced_schema, Some(0));
    let database = Database::open(&database).unwrap();
    assert_eq!(stored_ids(&database, "pypi", "urllib3"), ids(&pypi));
}

#[test]
fn file_mirror_is_read_in_place_and_unchanged_files_are_skipped() {
    let mirror = tempfile::tempdir().unwrap();
    let go = go_records("golang.org/x/text");
    fs_err::create_dir(mirror.path().join("Go")).unwrap();
    let archive = mirror.path().join("Go/all.zip");
    fs_err::write(&archive, zip_of(&go)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let database = dir.path().join("vulndb.sqlite");
    let options = UpdateOptions {
        mirror: url::Url::from_directory_path(mirror.path())
            .unwrap()
            .to_string(),
        ecosystems: vec!["Go".to_owned()],
        ..UpdateOptions::default()
    };
    let first = update(&database, &options, &NoImportReporter).unwrap();
    assert_eq!(imported(&first, "Go").1.imported, go.len() as u64);
    assert!(archive.is_file(), "the mirror's archive is left alone");
    let second = update(&database, &options, &NoImportReporter).unwrap();
    assert_eq!(second.archives[0].outcome, ArchiveOutcome::Unchanged);
    assert!(!second.replaced);

    fs_err::remove_file(&archive).unwrap();
    let error = update(&database, &options, &NoImportReporter).unwrap_err();
    assert!(
        matches!(&error, Error::MirrorFile { ecosystem, .. } if ecosystem == "Go"),
        "{error:?}"
    );
}
