//! Shared test support: running the real `custody` binary in a fresh temporary directory, a
//! real registry on loopback, and skopeo.

use std::fmt::Write as _;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// One corpus of `CUSTODY_CONFORMANCE_DIR` (default `../shared/conformance` beside the
/// repository); a missing corpus fails the test rather than skipping it.
pub(crate) fn conformance(name: &str) -> PathBuf {
    let root = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
        PathBuf::from,
    );
    let directory = root.join(name);
    assert!(
        directory.is_dir(),
        "conformance corpus {name} missing at {}: set CUSTODY_CONFORMANCE_DIR",
        directory.display()
    );
    directory
}

/// A fresh directory with its own cache, for one test.
pub(crate) struct TestContext {
    pub(crate) temp: tempfile::TempDir,
}

impl TestContext {
    pub(crate) fn new() -> Self {
        Self {
            temp: tempfile::tempdir().unwrap(),
        }
    }

    pub(crate) fn path(&self, relative: &str) -> PathBuf {
        self.temp.path().join(relative)
    }

    /// The `custody` command with a private cache directory, no colours, no Docker config.
    pub(crate) fn command(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_custody"));
        command
            .current_dir(self.temp.path())
            .env("CUSTODY_CACHE_DIR", self.path("cache"))
            .env("DOCKER_CONFIG", self.path("docker"))
            .env("NO_COLOR", "1")
            .env_remove("CUSTODY_LOG")
            .env_remove("CUSTODY_REGISTRY_PASSWORD");
        command
    }

    /// Runs `custody ARGS` and returns its output.
    pub(crate) fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().unwrap()
    }

    /// Runs `custody ARGS` with `COSIGN_PASSWORD` set to `password`, as CI would.
    pub(crate) fn run_with_password(&self, args: &[&str], password: &str) -> Output {
        self.command()
            .env("COSIGN_PASSWORD", password)
            .args(args)
            .output()
            .unwrap()
    }

    /// Runs `custody sbom TARGET --format json EXTRA…`, expecting success, and returns the
    /// inventory JSON.
    pub(crate) fn inventory(&self, target: &str, extra: &[&str]) -> serde_json::Value {
        let mut args = vec!["sbom", target, "--format", "json"];
        args.extend(extra);
        let output = self.run(&args);
        assert!(
            output.status.success(),
            "custody {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap()
    }
}

/// Fails the test with the exit code and stderr unless `output` is a success.
pub(crate) fn assert_success(output: &Output) {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Finds `tool` on PATH or fails the test naming it; `.ci/run` installs every tool tests use.
pub(crate) fn require_tool(tool: &str, package: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|directory| directory.join(tool))
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!("`{tool}` is required by this test: install the Debian package `{package}` (.ci/run does)")
        })
}

/// A CNCF distribution registry (Debian's `docker-registry`) on a loopback port, stopped on
/// drop.
pub(crate) struct Registry {
    child: Child,
    pub(crate) address: String,
    storage: tempfile::TempDir,
}

impl Registry {
    /// Starts a registry, with HTTP basic authentication when `credentials` are given.
    pub(crate) fn start(credentials: Option<(&str, &str)>) -> Self {
        let binary = require_tool("docker-registry", "docker-registry");
        let storage = tempfile::tempdir().unwrap();
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let address = format!("127.0.0.1:{port}");
        let mut config = format!(
            "version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: {}\n  delete:\n    enabled: true\nhttp:\n  addr: {address}\n",
            storage.path().join("data").display()
        );
        if let Some((user, password)) = credentials {
            let htpasswd = require_tool("htpasswd", "apache2-utils");
            let output = Command::new(htpasswd)
                .args(["-Bbn", user, password])
                .output()
                .unwrap();
            assert!(output.status.success());
            let file = storage.path().join("htpasswd");
            fs_err::write(&file, output.stdout).unwrap();
            writeln!(
                config,
                "auth:\n  htpasswd:\n    realm: custody-test\n    path: {}",
                file.display()
            )
            .unwrap();
        }
        let config_path = storage.path().join("config.yml");
        fs_err::write(&config_path, config).unwrap();
        let child = Command::new(binary)
            .arg("serve")
            .arg(&config_path)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        while TcpStream::connect(&address).is_err() {
            assert!(
                Instant::now() < deadline,
                "registry did not start on {address}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Self {
            child,
            address,
            storage,
        }
    }

    /// Where the registry keeps the bytes of blob `digest`, to tamper with them.
    pub(crate) fn blob_path(&self, digest: &str) -> PathBuf {
        let hex = digest.trim_start_matches("sha256:");
        self.storage
            .path()
            .join("data/docker/registry/v2/blobs/sha256")
            .join(&hex[..2])
            .join(hex)
            .join("data")
    }
}

impl Drop for Registry {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `skopeo copy SOURCE DESTINATION` (no TLS, no signature policy: a test registry).
pub(crate) fn skopeo_copy(source: &str, destination: &str, extra: &[&str]) {
    let skopeo = require_tool("skopeo", "skopeo");
    let output = Command::new(skopeo)
        .args(["--insecure-policy", "copy", "-q", "--dest-tls-verify=false"])
        .args(extra)
        .args([source, destination])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "skopeo copy {source} {destination}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Writes `files` under `root`, creating directories.
pub(crate) fn write_tree(root: &Path, files: &[(&str, &[u8])]) {
    for (path, content) in files {
        let path = root.join(path);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, content).unwrap();
    }
}

/// The manifest digest the registry serves for `reference`, as skopeo sees it.
pub(crate) fn skopeo_digest(reference: &str) -> String {
    let skopeo = require_tool("skopeo", "skopeo");
    let output = Command::new(skopeo)
        .args(["inspect", "--tls-verify=false", "--format", "{{.Digest}}"])
        .arg(format!("docker://{reference}"))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A tool from the peers virtual environment (`CUSTODY_PEERS`, default `<workspace>/.peers`),
/// which scripts/setup.sh creates; fails the test naming it when absent.
pub(crate) fn peer_tool(name: &str) -> PathBuf {
    let tool = peers().join("bin").join(name);
    assert!(
        tool.is_file(),
        "{} is required: run scripts/setup.sh (or set CUSTODY_PEERS)",
        tool.display()
    );
    tool
}

/// The peers directory (`CUSTODY_PEERS`, default `<workspace>/.peers`) with the oracles
/// scripts/setup.sh installs: a Python virtual environment and sigstore-js `node_modules`.
pub(crate) fn peers() -> PathBuf {
    std::env::var_os("CUSTODY_PEERS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.peers"),
        PathBuf::from,
    )
}
