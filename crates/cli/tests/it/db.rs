//! `custody db update|import|info` on the real OSV records of the conformance corpus; `db
//! update` downloads from Python's `http.server` on loopback, a static file server that is
//! not ours.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{TestContext, conformance, require_tool, write_tree};

#[test]
fn import_then_info_counts_advisories_and_reimport_changes_nothing() {
    let context = TestContext::new();
    let pypi = conformance("advisories/pypa-advisory-database");
    let bad = context.path("bad");
    write_tree(
        &bad,
        &[("broken.json", b"{\"id\": \"X-1\", \"modified\": ")],
    );
    let database = context.path("vulndb.sqlite");
    let database_arg = format!("--db={}", database.display());
    let first = context.run(&[
        "db",
        "import",
        pypi.to_str().unwrap(),
        bad.to_str().unwrap(),
        &database_arg,
    ]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(
        stderr.contains("warning: ") && stderr.contains("broken.json"),
        "{stderr}"
    );
    assert!(stderr.contains(" 0 updated, 0 unchanged"), "{stderr}");
    let second = context.run(&["db", "import", pypi.to_str().unwrap(), &database_arg]);
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(stderr.contains(": 0 imported, 0 updated, "), "{stderr}");
    let info = context.run(&["db", "info", &database_arg]);
    assert!(info.status.success());
    let stdout = String::from_utf8_lossy(&info.stdout);
    assert!(
        stdout.contains(&format!(
            "schema version: {}",
            custody_vulndb::SCHEMA_VERSION
        )),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|line| line.trim_start().starts_with("PyPI")),
        "{stdout}"
    );
}

#[test]
fn info_without_a_database_says_how_to_get_one() {
    let context = TestContext::new();
    let output = context.run(&["db", "info"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("vulndb.sqlite"), "{stderr}");
    assert!(stderr.contains("hint: "), "{stderr}");
}

/// `python3 -m http.server` serving a directory on a loopback port, stopped on drop. It sends
/// `Last-Modified` from the file's modification time and answers `If-Modified-Since` with
/// `304 Not Modified`, like a plain web server mirroring OSV's bucket.
struct StaticServer {
    child: Child,
    url: String,
}

impl StaticServer {
    fn start(directory: &Path) -> Self {
        let python = require_tool("python3", "python3");
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(python)
            .args(["-m", "http.server", "--bind", "127.0.0.1", "--directory"])
            .arg(directory)
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let address = format!("127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(&address).is_err() {
            assert!(
                Instant::now() < deadline,
                "http.server did not start on {address}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            url: format!("http://{address}"),
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn update_from_a_mirror_then_info_shows_counts_and_last_update() {
    let context = TestContext::new();
    // urllib3's records, zipped by Python's zipfile: an archive writer that is not ours.
    let urllib3 = conformance("advisories/pypa-advisory-database/vulns/urllib3");
    let records: Vec<_> = fs_err::read_dir(urllib3)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    let mirror = context.path("mirror");
    fs_err::create_dir_all(mirror.join("PyPI")).unwrap();
    let zipped = Command::new(require_tool("python3", "python3"))
        .args(["-m", "zipfile", "-c"])
        .arg(mirror.join("PyPI/all.zip"))
        .args(&records)
        .status()
        .unwrap();
    assert!(zipped.success());
    let server = StaticServer::start(&mirror);
    let database = context.path("db/vulndb.sqlite");
    let database_arg = format!("--db={}", database.display());
    let update = |ecosystem: &str| {
        context.run(&[
            "db",
            "update",
            "--mirror",
            &server.url,
            "--ecosystem",
            ecosystem,
            &database_arg,
        ])
    };

    let first = update("PyPI");
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(first.status.success(), "{stderr}");
    let expected = format!(
        "{} imported, 0 updated, 0 unchanged, 0 skipped",
        records.len()
    );
    assert!(
        stderr
            .lines()
            .any(|line| line.starts_with("PyPI  ") && line.ends_with(&expected)),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("vulndb.sqlite: updated from {}", server.url)),
        "{stderr}"
    );

    let info = context.run(&["db", "info", &database_arg]);
    assert!(info.status.success());
    let stdout = String::from_utf8_lossy(&info.stdout);
    assert!(
        stdout.contains(&format!("advisories:     {} (0 withdrawn)", records.len())),
        "{stdout}"
    );
    assert!(
        stdout.lines().any(|line| {
            let cells: Vec<&str> = line.split_whitespace().collect();
            cells == ["PyPI", records.len().to_string().as_str()]
        }),
        "{stdout}"
    );
    let last_update = stdout
        .lines()
        .find_map(|line| line.strip_prefix("last update:    "))
        .unwrap();
    assert!(
        last_update.ends_with(&format!(" from {}", server.url)),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!("source:         {}/PyPI/all.zip", server.url)),
        "{stdout}"
    );

    // The server answers the If-Modified-Since of the second update with 304.
    let second = update("PyPI");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "{stderr}");
    assert!(stderr.contains("PyPI  unchanged"), "{stderr}");
    assert!(stderr.contains("already up to date"), "{stderr}");

    let quiet = context.run(&[
        "db",
        "update",
        "--quiet",
        "--mirror",
        &server.url,
        "--ecosystem",
        "pypi",
        &database_arg,
    ]);
    assert!(quiet.status.success());
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");

    let missing = update("NuGet");
    assert_eq!(missing.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.contains(&format!(
            "the mirror answered 404 Not Found for the NuGet archive at {}/NuGet/all.zip",
            server.url
        )),
        "{stderr}"
    );
    assert!(stderr.contains("hint: "), "{stderr}");
}

#[test]
fn update_help_lists_the_default_ecosystems() {
    let context = TestContext::new();
    let output = context.run(&["db", "update", "--help"]);
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let listed = custody_vulndb::DEFAULT_ECOSYSTEMS.join(", ");
    assert!(help.contains(&format!("[default: {listed}]")), "{help}");
    assert!(help.contains(custody_vulndb::DEFAULT_MIRROR), "{help}");
}

/// A server that answers one request with the headers of a large archive and a few bytes of
/// it, then stalls until the client goes away: a download in progress, for killing.
fn stalling_server() -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut request = Vec::new();
        let mut buffer = [0_u8; 1024];
        while !request.windows(4).any(|window| window == b"\r\n\r\n") {
            let read = std::io::Read::read(&mut stream, &mut buffer).unwrap();
            assert!(read > 0, "the client closed before sending a request");
            request.extend_from_slice(&buffer[..read]);
        }
        std::io::Write::write_all(
            &mut stream,
            b"HTTP/1.1 200 OK\r\ncontent-length: 1000000\r\n\r\nPK\x03\x04 the start",
        )
        .unwrap();
        // Returns once the killed client's socket is closed (or after the read timeout).
        let _ = std::io::Read::read(&mut stream, &mut buffer);
    });
    (url, thread)
}

#[test]
fn killed_update_leaves_the_database_intact_and_the_next_update_cleans_up() {
    let context = TestContext::new();
    let records = conformance("advisories/pypa-advisory-database/vulns/urllib3");
    let database = context.path("vulndb.sqlite");
    let database_arg = format!("--db={}", database.display());
    let import = context.run(&["db", "import", records.to_str().unwrap(), &database_arg]);
    assert!(import.status.success());
    let before = fs_err::read(&database).unwrap();

    let (url, server) = stalling_server();
    let mut update = context
        .command()
        .args([
            "db",
            "update",
            "--mirror",
            &url,
            "--ecosystem",
            "PyPI",
            &database_arg,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let staging = || {
        fs_err::read_dir(context.temp.path())
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| {
                path.file_name()
                    .unwrap()
                    .to_string_lossy()
                    .starts_with(".vulndb.sqlite.update-")
            })
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    let download = loop {
        if let Some(download) = staging()
            .map(|directory| directory.join("PyPI.zip"))
            .filter(|download| download.exists())
        {
            break download;
        }
        assert!(Instant::now() < deadline, "the download did not start");
        std::thread::sleep(Duration::from_millis(20));
    };
    update.kill().unwrap();
    update.wait().unwrap();
    server.join().unwrap();
    assert!(download.exists(), "a killed process cleans nothing up");
    assert_eq!(fs_err::read(&database).unwrap(), before);
    let info = context.run(&["db", "info", &database_arg]);
    assert!(info.status.success());

    // The next update removes what the killed one left.
    let mirror = context.path("mirror");
    fs_err::create_dir_all(mirror.join("PyPI")).unwrap();
    let empty = Command::new(require_tool("python3", "python3"))
        .args(["-m", "zipfile", "-c"])
        .arg(mirror.join("PyPI/all.zip"))
        .status()
        .unwrap();
    assert!(empty.success());
    let server = StaticServer::start(&mirror);
    let next = context.run(&[
        "db",
        "update",
        "--mirror",
        &server.url,
        "--ecosystem",
        "PyPI",
        &database_arg,
    ]);
    assert!(
        next.status.success(),
        "{}",
        String::from_utf8_lossy(&next.stderr)
    );
    assert_eq!(staging(), None);
}
