//! Commit signatures made by the real git with real ssh-keygen and gpg keys, verified by
//! custody and by `git verify-commit` as the oracle: for every commit the two verdicts agree,
//! except where custody is stricter on purpose (an SSH key used for another committer).
//! Every tool runs with a private HOME, GNUPGHOME and git configuration.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use custody_sign::git::{
    AllowedSigners, CommitVerdict, DEFAULT_MAX_COMMITS, GitError, Keyring, Status, Trust,
    VerifyCommitsOptions, verify_commits,
};

/// Finds `tool` on PATH or fails the test naming the package that has it.
fn require_tool(tool: &str, package: &str) {
    let path = std::env::var_os("PATH").unwrap_or_default();
    assert!(
        std::env::split_paths(&path).any(|directory| directory.join(tool).is_file()),
        "`{tool}` is required by this test: install the Debian package `{package}` (.ci/run does)"
    );
}

/// A temporary HOME with a repository, SSH keys and two gpg homes: `gnupg` signs, `verify`
/// holds only the exported public keys (what custody gets), for the oracle.
struct Fixture {
    temp: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        Self::with_object_format("sha1")
    }

    /// A fixture whose repository hashes objects with `format` (`sha1`, `sha256`).
    fn with_object_format(format: &str) -> Self {
        require_tool("git", "git");
        require_tool("ssh-keygen", "openssh-client");
        require_tool("gpg", "gpg");
        let fixture = Self {
            temp: tempfile::tempdir().expect("temporary directory"),
        };
        for directory in ["home", "gnupg", "verify", "repo"] {
            fs_err::create_dir_all(fixture.path(directory)).expect("create directory");
        }
        #[cfg(unix)]
        for directory in ["gnupg", "verify"] {
            use std::os::unix::fs::PermissionsExt as _;
            fs_err::set_permissions(
                fixture.path(directory),
                std::fs::Permissions::from_mode(0o700),
            )
            .expect("chmod");
        }
        fs_err::write(fixture.path("home/gitconfig"), "").expect("write gitconfig");
        let object_format = format!("--object-format={format}");
        fixture.git(&["init", "-q", "-b", "main", &object_format, "."]);
        fixture
    }

    fn path(&self, relative: &str) -> PathBuf {
        self.temp.path().join(relative)
    }

    /// A command isolated from the machine's configuration.
    fn command(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command
            .current_dir(self.path("repo"))
            .env("HOME", self.path("home"))
            .env("GNUPGHOME", self.path("gnupg"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_CONFIG_GLOBAL", self.path("home/gitconfig"))
            .env("TZ", "UTC")
            .env("LC_ALL", "C")
            .env_remove("GIT_DIR")
            .env_remove("SSH_AUTH_SOCK");
        command
    }

    fn run(&self, program: &str, args: &[&str]) -> Output {
        let output = self
            .command(program)
            .args(args)
            .output()
            .expect("start the tool");
        assert!(
            output.status.success(),
            "{program} {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn git(&self, args: &[&str]) -> String {
        String::from_utf8(self.run("git", args).stdout)
            .expect("UTF-8")
            .trim()
            .to_owned()
    }

    /// An SSH key of `kind` (`ed25519`, `ecdsa`, `rsa`) with extra ssh-keygen arguments; its
    /// private key path and public key line.
    fn ssh_key(&self, name: &str, kind: &str, extra: &[&str]) -> (String, String) {
        let path = self.path(&format!("home/{name}"));
        let path_text = path.to_str().expect("UTF-8 path").to_owned();
        let mut args = vec!["-q", "-t", kind, "-N", "", "-C", name, "-f", &path_text];
        args.extend(extra);
        self.run("ssh-keygen", &args);
        let public = fs_err::read_to_string(format!("{path_text}.pub")).expect("public key");
        (path_text, public.trim().to_owned())
    }

    /// An empty commit by `email`, signed with `signing` (`("ssh", key path)`,
    /// `("openpgp", fingerprint)`) or unsigned; returns its object name.
    fn commit(&self, email: &str, message: &str, signing: Option<(&str, &str)>) -> String {
        self.commit_with(&[], email, message, signing)
    }

    /// [`Fixture::commit`] with extra `-c` settings of git.
    fn commit_with(
        &self,
        config: &[&str],
        email: &str,
        message: &str,
        signing: Option<(&str, &str)>,
    ) -> String {
        let name_config = format!("user.name={}", email.split('@').next().unwrap_or(email));
        let email_config = format!("user.email={email}");
        let mut args = vec!["-c", &name_config, "-c", &email_config];
        for setting in config {
            args.extend(["-c", setting]);
        }
        let (format_config, key_config);
        if let Some((format, key)) = signing {
            format_config = format!("gpg.format={format}");
            key_config = format!("user.signingkey={key}");
            args.extend(["-c", &format_config, "-c", &key_config]);
        }
        args.extend(["commit", "-q", "--allow-empty", "-m", message]);
        if signing.is_some() {
            args.push("-S");
        } else {
            args.push("--no-gpg-sign");
        }
        self.git(&args);
        self.git(&["rev-parse", "HEAD"])
    }

    /// Rewrites commit `id` with `message` appended but its signature kept, makes it HEAD and
    /// returns the new object name.
    fn tamper(&self, id: &str) -> String {
        let object = self.run("git", &["cat-file", "commit", id]).stdout;
        let mut tampered = object.clone();
        tampered.extend_from_slice(b"tampered\n");
        let mut child = self
            .command("git")
            .args(["hash-object", "-w", "-t", "commit", "--stdin"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("git hash-object");
        std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), &tampered)
            .expect("write object");
        let output = child.wait_with_output().expect("git hash-object");
        assert!(output.status.success());
        let new = String::from_utf8(output.stdout)
            .expect("UTF-8")
            .trim()
            .to_owned();
        self.git(&["update-ref", "HEAD", &new]);
        new
    }

    /// Generates a gpg key for `user_id` with `algorithm`; returns its fingerprint.
    fn gpg_key(&self, user_id: &str, algorithm: &str) -> String {
        self.run(
            "gpg",
            &[
                "--batch",
                "--passphrase",
                "",
                "--quick-gen-key",
                user_id,
                algorithm,
                "sign",
                "never",
            ],
        );
        self.fingerprints(user_id)[0].clone()
    }

    /// Adds an ed25519 signing subkey to `primary` (of `user_id`); returns its fingerprint.
    fn add_signing_subkey(&self, primary: &str, user_id: &str) -> String {
        self.run(
            "gpg",
            &[
                "--batch",
                "--passphrase",
                "",
                "--quick-add-key",
                primary,
                "ed25519",
                "sign",
            ],
        );
        self.fingerprints(user_id)[1].clone()
    }

    /// The fingerprints of the key matching `user_id`: the primary first, then subkeys.
    fn fingerprints(&self, user_id: &str) -> Vec<String> {
        let output = self.run("gpg", &["--with-colons", "--list-keys", user_id]);
        String::from_utf8_lossy(&output.stdout)
            .lines()
            .filter_map(|line| line.strip_prefix("fpr:"))
            .filter_map(|line| line.split(':').nth(8).map(str::to_owned))
            .collect()
    }

    /// Exports the public keys of `user_ids` to `file` (armored when `armor`), and imports them
    /// into the oracle's gpg home.
    fn export(&self, user_ids: &[&str], file: &str, armor: bool) -> PathBuf {
        let path = self.path(file);
        let path_text = path.to_str().expect("UTF-8 path");
        let mut args = vec!["--batch", "--yes", "--output", path_text];
        if armor {
            args.push("--armor");
        }
        args.push("--export");
        args.extend(user_ids);
        self.run("gpg", &args);
        self.import_for_oracle(&path);
        path
    }

    /// Imports `path` into the oracle's gpg home (gpg drops what it finds invalid).
    fn import_for_oracle(&self, path: &Path) {
        let output = self
            .command("gpg")
            .env("GNUPGHOME", self.path("verify"))
            .args(["--batch", "--import"])
            .arg(path)
            .output()
            .expect("gpg --import");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// `git verify-commit`'s verdict: SSH with `allowed_signers`, OpenPGP with the oracle's
    /// gpg home.
    fn git_verifies(&self, id: &str, allowed_signers: &Path) -> bool {
        let config = format!("gpg.ssh.allowedSignersFile={}", allowed_signers.display());
        self.command("git")
            .env("GNUPGHOME", self.path("verify"))
            .args(["-c", &config, "verify-commit", id])
            .output()
            .expect("git verify-commit")
            .status
            .success()
    }

    fn verify(&self, trust: &Trust) -> Vec<CommitVerdict> {
        verify_commits(
            &VerifyCommitsOptions {
                repository: self.path("repo"),
                git: PathBuf::from("git"),
                range: None,
                max_commits: DEFAULT_MAX_COMMITS,
            },
            trust,
        )
        .expect("verify commits")
    }
}

/// Binary OpenPGP packets as gpg exports them (old-format headers), each with its header.
fn split_packets(mut data: &[u8]) -> Vec<(u8, Vec<u8>)> {
    let mut packets = Vec::new();
    while let Some(&header) = data.first() {
        assert_eq!(header & 0xC0, 0x80, "gpg exports old-format packet headers");
        let length_bytes = [1, 2, 4][usize::from(header & 0x03)];
        let length = data[1..=length_bytes]
            .iter()
            .fold(0, |length, &byte| (length << 8) | usize::from(byte));
        let (packet, rest) = data.split_at(1 + length_bytes + length);
        packets.push(((header >> 2) & 0x0F, packet.to_vec()));
        data = rest;
    }
    packets
}

fn allowed_signers(path: &Path, text: &str) -> AllowedSigners {
    fs_err::write(path, text).expect("write allowed signers");
    AllowedSigners::from_file(path, &jiff::tz::TimeZone::UTC).expect("valid allowed signers")
}

/// The commits of one scenario, each with the status custody must give it.
struct Expected<'a> {
    fixture: &'a Fixture,
    /// `gpg.format` of the signed commits: `ssh` or `openpgp`.
    format: &'static str,
    statuses: Vec<(String, Status)>,
}

impl<'a> Expected<'a> {
    fn new(fixture: &'a Fixture, format: &'static str) -> Self {
        Self {
            fixture,
            format,
            statuses: Vec::new(),
        }
    }

    /// An empty commit by `email`, signed with `key` or unsigned, that must get `status`;
    /// returns its object name.
    fn commit(&mut self, email: &str, message: &str, key: Option<&str>, status: Status) -> String {
        let id = self
            .fixture
            .commit(email, message, key.map(|key| (self.format, key)));
        self.record(&id, status);
        id
    }

    /// A commit signed with `key`, then tampered with: a bad signature.
    fn commit_tampered(&mut self, email: &str, message: &str, key: Option<&str>) {
        let signed = self
            .fixture
            .commit(email, message, key.map(|key| (self.format, key)));
        let tampered = self.fixture.tamper(&signed);
        self.record(&tampered, Status::BadSignature);
    }

    fn record(&mut self, id: &str, status: Status) {
        self.statuses.push((id.to_owned(), status));
    }

    /// [`check_against_git`] with the recorded statuses.
    fn check(
        &self,
        verdicts: &[CommitVerdict],
        allowed_signers: &Path,
        stricter_than_git: &[&str],
    ) {
        let expected: Vec<_> = self
            .statuses
            .iter()
            .map(|(id, status)| (id.as_str(), *status))
            .collect();
        check_against_git(
            self.fixture,
            verdicts,
            &expected,
            allowed_signers,
            stricter_than_git,
        );
    }
}

/// The expected status of each commit, by object name, with git's verdict beside ours.
fn check_against_git(
    fixture: &Fixture,
    verdicts: &[CommitVerdict],
    expected: &[(&str, Status)],
    allowed_signers: &Path,
    stricter_than_git: &[&str],
) {
    assert_eq!(verdicts.len(), expected.len(), "{verdicts:#?}");
    let mut failures = Vec::new();
    for (id, status) in expected {
        let verdict = verdicts
            .iter()
            .find(|verdict| verdict.commit == *id)
            .unwrap_or_else(|| panic!("commit {id} not verified"));
        if verdict.status != *status {
            failures.push(format!(
                "{id} ({}): expected {status:?}, got {:?} ({:?})",
                verdict.subject, verdict.status, verdict.reason
            ));
        }
        assert_eq!(verdict.reason.is_none(), verdict.is_verified());
        let git = fixture.git_verifies(id, allowed_signers);
        // Excluded by rule: custody binds an SSH key to the committer's email; git accepts
        // any principal the allowed signers file gives the key.
        let expected_git = verdict.is_verified() || stricter_than_git.contains(id);
        if git != expected_git {
            failures.push(format!(
                "{id} ({}): git verify-commit says {git}, custody {:?} ({:?})",
                verdict.subject, verdict.status, verdict.reason
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one scenario: every commit is made first, then all are checked together"
)]
fn ssh_signed_commits_agree_with_git_verify_commit() {
    let fixture = Fixture::new();
    let (alice, alice_public) = fixture.ssh_key("alice", "ed25519", &[]);
    let (bob, bob_public) = fixture.ssh_key("bob", "ecdsa", &["-b", "256"]);
    let (carol, carol_public) = fixture.ssh_key("carol", "rsa", &["-b", "3072"]);
    let (dan, dan_public) = fixture.ssh_key("dan", "ecdsa", &["-b", "384"]);
    let (erin, erin_public) = fixture.ssh_key("erin", "ecdsa", &["-b", "521"]);
    let (frank, frank_public) = fixture.ssh_key("frank", "ed25519", &[]);
    let (grace, grace_public) = fixture.ssh_key("grace", "ed25519", &[]);
    let (heidi, heidi_public) = fixture.ssh_key("heidi", "ed25519", &[]);
    let (mallory, _) = fixture.ssh_key("mallory", "ed25519", &[]);
    let signers_path = fixture.path("allowed_signers");
    let signers = allowed_signers(
        &signers_path,
        &format!(
            "# maintainers\n\
             alice@example.com {alice_public}\n\
             bob@example.com namespaces=\"git\" {bob_public}\n\
             *@carol.example {carol_public}\n\
             dan@example.com valid-after=\"20000101\",valid-before=\"29991231Z\" {dan_public}\n\
             erin@example.com {erin_public}\n\
             frank@example.com namespaces=\"file\" {frank_public}\n\
             grace@example.com valid-before=\"20200101\" {grace_public}\n\
             heidi@example.com valid-after=\"29990101\" {heidi_public}\n"
        ),
    );
    let mut expected = Expected::new(&fixture, "ssh");
    expected.commit(
        "alice@example.com",
        "ed25519",
        Some(alice.as_str()),
        Status::Verified,
    );
    expected.commit(
        "bob@example.com",
        "ecdsa p256",
        Some(bob.as_str()),
        Status::Verified,
    );
    expected.commit(
        "carol@carol.example",
        "rsa",
        Some(carol.as_str()),
        Status::Verified,
    );
    expected.commit(
        "dan@example.com",
        "ecdsa p384",
        Some(dan.as_str()),
        Status::Verified,
    );
    expected.commit(
        "erin@example.com",
        "ecdsa p521",
        Some(erin.as_str()),
        Status::Verified,
    );
    expected.commit("alice@example.com", "unsigned", None, Status::Unsigned);
    expected.commit(
        "mallory@example.com",
        "unknown key",
        Some(mallory.as_str()),
        Status::UnknownKey,
    );
    expected.commit(
        "frank@example.com",
        "wrong namespace",
        Some(frank.as_str()),
        Status::NotAllowed,
    );
    expected.commit(
        "grace@example.com",
        "expired",
        Some(grace.as_str()),
        Status::Expired,
    );
    expected.commit(
        "heidi@example.com",
        "not yet valid",
        Some(heidi.as_str()),
        Status::NotYetValid,
    );
    let impersonation = expected.commit(
        "bob@example.com",
        "alice's key, bob's name",
        Some(alice.as_str()),
        Status::NotAllowed,
    );
    expected.commit_tampered("alice@example.com", "to tamper", Some(alice.as_str()));
    expected.commit(
        "alice@example.com",
        "after the tampered one",
        Some(alice.as_str()),
        Status::Verified,
    );

    let verdicts = fixture.verify(&Trust {
        allowed_signers: Some(signers),
        keyring: None,
        now: jiff::Timestamp::now(),
    });
    expected.check(&verdicts, &signers_path, &[impersonation.as_str()]);
    let alice_verdict = verdicts
        .iter()
        .find(|verdict| verdict.subject == "ed25519")
        .expect("alice's commit");
    assert_eq!(alice_verdict.signer.as_deref(), Some("alice@example.com"));
    assert!(
        alice_verdict
            .key
            .as_deref()
            .is_some_and(|key| key.starts_with("SHA256:"))
    );
    let reason = |subject: &str| {
        verdicts
            .iter()
            .find(|verdict| verdict.subject == subject)
            .and_then(|verdict| verdict.reason.clone())
            .unwrap_or_default()
    };
    assert!(
        reason("alice's key, bob's name").contains("alice@example.com (line 2)"),
        "{}",
        reason("alice's key, bob's name")
    );
    assert!(reason("wrong namespace").contains("namespace `git`"));
    assert!(reason("expired").contains("valid-before"));
}

#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one scenario: every commit is made first, then all are checked together"
)]
fn openpgp_signed_commits_agree_with_git_verify_commit() {
    let fixture = Fixture::new();
    let erin = fixture.gpg_key("Erin <erin@example.com>", "ed25519");
    let rita = fixture.gpg_key("Rita <rita@example.com>", "rsa3072");
    let nina = fixture.gpg_key("Nina <nina@example.com>", "nistp256");
    let nora = fixture.gpg_key("Nora <nora@example.com>", "nistp384");
    let nell = fixture.gpg_key("Nell <nell@example.com>", "nistp521");
    let olga = fixture.gpg_key("Olga <olga@example.com>", "ed25519");
    let olga_subkey = fixture.add_signing_subkey(&olga, "olga@example.com");
    let xena = fixture.gpg_key("Xena <xena@example.com>", "ed25519");
    let ruth = fixture.gpg_key("Ruth <ruth@example.com>", "ed25519");
    let unknown = fixture.gpg_key("Uma <uma@example.com>", "ed25519");
    let sam = fixture.gpg_key("Sam <sam@example.com>", "ed25519");
    let sam_subkey = fixture.add_signing_subkey(&sam, "sam@example.com");
    // gpg with SHA-1 as the digest of data signatures.
    let sha1_gpg = fixture.path("home/gpg-sha1");
    fs_err::write(&sha1_gpg, "#!/bin/sh\nexec gpg --digest-algo SHA1 \"$@\"\n").expect("write");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        fs_err::set_permissions(&sha1_gpg, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    let sha1_program = format!("gpg.program={}", sha1_gpg.display());

    let mut expected = Expected::new(&fixture, "openpgp");
    expected.commit(
        "erin@example.com",
        "ed25519",
        Some(erin.as_str()),
        Status::Verified,
    );
    expected.commit(
        "rita@example.com",
        "rsa3072",
        Some(rita.as_str()),
        Status::Verified,
    );
    expected.commit(
        "nina@example.com",
        "nistp256",
        Some(nina.as_str()),
        Status::Verified,
    );
    expected.commit(
        "nora@example.com",
        "nistp384",
        Some(nora.as_str()),
        Status::Verified,
    );
    expected.commit(
        "nell@example.com",
        "nistp521",
        Some(nell.as_str()),
        Status::Verified,
    );
    expected.commit(
        "olga@example.com",
        "signing subkey",
        Some(format!("{olga_subkey}!").as_str()),
        Status::Verified,
    );
    expected.commit(
        "xena@example.com",
        "expired key",
        Some(xena.as_str()),
        Status::Expired,
    );
    expected.commit(
        "ruth@example.com",
        "revoked key",
        Some(ruth.as_str()),
        Status::Revoked,
    );
    expected.commit(
        "uma@example.com",
        "unknown key",
        Some(unknown.as_str()),
        Status::UnknownKey,
    );
    expected.commit(
        "sam@example.com",
        "unbound subkey",
        Some(format!("{sam_subkey}!").as_str()),
        Status::NotAllowed,
    );
    let sha1 = fixture.commit_with(
        &[&sha1_program],
        "erin@example.com",
        "sha1 digest",
        Some(("openpgp", &erin)),
    );
    expected.record(&sha1, Status::Unsupported);
    expected.commit("erin@example.com", "unsigned", None, Status::Unsigned);
    expected.commit_tampered("erin@example.com", "to tamper", Some(erin.as_str()));

    // Xena's key expires a second from now; Ruth revokes hers with the certificate gpg made.
    fixture.run(
        "gpg",
        &[
            "--batch",
            "--pinentry-mode",
            "loopback",
            "--passphrase",
            "",
            "--quick-set-expire",
            &xena,
            "seconds=1",
        ],
    );
    let revocation =
        fs_err::read_to_string(fixture.path(&format!("gnupg/openpgp-revocs.d/{ruth}.rev")))
            .expect("gpg's revocation certificate");
    let revocation_path = fixture.path("ruth.rev");
    fs_err::write(
        &revocation_path,
        revocation.replace(":-----BEGIN", "-----BEGIN"),
    )
    .expect("write revocation");
    fixture.run(
        "gpg",
        &[
            "--batch",
            "--import",
            revocation_path.to_str().expect("UTF-8"),
        ],
    );
    std::thread::sleep(std::time::Duration::from_secs(2));

    let keyring = fixture.export(
        &[
            "erin@example.com",
            "rita@example.com",
            "nina@example.com",
            "nora@example.com",
            "nell@example.com",
            "olga@example.com",
            "xena@example.com",
            "ruth@example.com",
        ],
        "keyring.gpg",
        false,
    );
    // Sam's subkey loses its binding signature: a subkey anyone could have appended.
    let sam_export = fixture.run("gpg", &["--export", "sam@example.com"]).stdout;
    let mut after_subkey = false;
    let mut stripped = fs_err::read(&keyring).expect("keyring");
    for (tag, packet) in split_packets(&sam_export) {
        after_subkey = tag == 14 || (after_subkey && tag == 2);
        if !(after_subkey && tag == 2) {
            stripped.extend_from_slice(&packet);
        }
    }
    fs_err::write(&keyring, &stripped).expect("write keyring");
    fixture.import_for_oracle(&keyring);
    let armored = fixture.export(&["erin@example.com"], "erin.asc", true);
    let keyring = Keyring::from_file(&keyring).expect("valid keyring");
    assert_eq!(keyring.len(), 9);
    assert_eq!(
        Keyring::from_file(&armored).expect("armored keyring").len(),
        1
    );
    let empty_signers = fixture.path("no_signers");
    let verdicts = fixture.verify(&Trust {
        allowed_signers: Some(allowed_signers(&empty_signers, "")),
        keyring: Some(keyring),
        now: jiff::Timestamp::now(),
    });
    // Excluded by rule: gpg still accepts SHA-1 data signatures; custody refuses them.
    expected.check(&verdicts, &empty_signers, &[sha1.as_str()]);
    let by_subject = |subject: &str| {
        verdicts
            .iter()
            .find(|verdict| verdict.subject == subject)
            .expect("commit")
    };
    assert_eq!(
        by_subject("ed25519").signer.as_deref(),
        Some("Erin <erin@example.com>")
    );
    assert_eq!(by_subject("ed25519").key.as_deref(), Some(erin.as_str()));
    assert_eq!(
        by_subject("signing subkey").key.as_deref(),
        Some(olga_subkey.as_str())
    );
    assert_eq!(
        by_subject("unknown key").key.as_deref(),
        Some(unknown.as_str())
    );
}

#[test]
fn range_and_max_commits_select_commits() {
    let fixture = Fixture::new();
    let first = fixture.commit("a@example.com", "one", None);
    let second = fixture.commit("a@example.com", "two", None);
    let third = fixture.commit("a@example.com", "three", None);
    let trust = Trust {
        allowed_signers: None,
        keyring: None,
        now: jiff::Timestamp::now(),
    };
    let run = |range: Option<&str>, max_commits| {
        verify_commits(
            &VerifyCommitsOptions {
                repository: fixture.path("repo"),
                git: PathBuf::from("git"),
                range: range.map(str::to_owned),
                max_commits,
            },
            &trust,
        )
    };
    let ids = |verdicts: Vec<CommitVerdict>| -> Vec<String> {
        verdicts.into_iter().map(|verdict| verdict.commit).collect()
    };
    assert_eq!(
        ids(run(Some(format!("{first}..HEAD").as_str()), 10).expect("range")),
        [third.clone(), second.clone()]
    );
    assert_eq!(ids(run(None, 1).expect("bounded")), [third]);
    assert!(matches!(
        run(Some("no-such-branch..HEAD"), 10),
        Err(GitError::GitFailed { .. })
    ));
    assert!(matches!(
        run(Some("--output=/tmp/x"), 10),
        Err(GitError::GitFailed { .. })
    ));
    let not_a_repository = verify_commits(
        &VerifyCommitsOptions {
            repository: fixture.path("home"),
            git: PathBuf::from("git"),
            range: None,
            max_commits: 10,
        },
        &trust,
    );
    let error = not_a_repository.expect_err("not a repository");
    assert!(error.to_string().contains("home"), "{error}");
    assert!(error.hint().is_some());
    let missing_git = verify_commits(
        &VerifyCommitsOptions {
            repository: fixture.path("repo"),
            git: fixture.path("no-such-git"),
            range: None,
            max_commits: 10,
        },
        &trust,
    );
    assert!(matches!(missing_git, Err(GitError::GitMissing { .. })));
}

#[test]
fn sha256_repository_signatures_are_in_gpgsig_sha256() {
    let fixture = Fixture::with_object_format("sha256");
    let (alice, alice_public) = fixture.ssh_key("alice", "ed25519", &[]);
    let signers_path = fixture.path("allowed_signers");
    let signers = allowed_signers(
        &signers_path,
        &format!("alice@example.com {alice_public}\n"),
    );
    let signed = fixture.commit("alice@example.com", "signed", Some(("ssh", &alice)));
    assert_eq!(signed.len(), 64);
    let object = fixture.run("git", &["cat-file", "commit", &signed]).stdout;
    assert!(
        String::from_utf8_lossy(&object).contains("\ngpgsig-sha256 -----BEGIN SSH SIGNATURE-----"),
        "{}",
        String::from_utf8_lossy(&object)
    );
    let tampered = fixture.tamper(&signed);
    let after = fixture.commit("alice@example.com", "after", Some(("ssh", &alice)));
    let verdicts = fixture.verify(&Trust {
        allowed_signers: Some(signers),
        keyring: None,
        now: jiff::Timestamp::now(),
    });
    check_against_git(
        &fixture,
        &verdicts,
        &[
            (tampered.as_str(), Status::BadSignature),
            (after.as_str(), Status::Verified),
        ],
        &signers_path,
        &[],
    );
}
