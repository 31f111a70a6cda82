//! `custody verify-commits` end to end: a repository made by the real git, a commit signed with
//! a real ssh-keygen key, an unsigned one; the table, the JSON, exit codes and errors. The
//! verdicts themselves are checked against `git verify-commit` in custody-sign's tests.

use std::path::Path;
use std::process::{Command, Output};

use crate::common::{TestContext, require_tool};
use crate::help::help;

/// Runs `program ARGS` in `directory` with a private HOME and git configuration.
fn run_tool(context: &TestContext, directory: &Path, program: &str, args: &[&str]) -> Output {
    let output = Command::new(program)
        .current_dir(directory)
        .env("HOME", context.path("home"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", context.path("home/gitconfig"))
        .env_remove("SSH_AUTH_SOCK")
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// A fresh context with `repo`, a repository with an unsigned commit and, on top, one signed
/// by alice@example.com's Ed25519 key; and `allowed_signers`, a file naming that key.
fn signed_repository() -> TestContext {
    let context = TestContext::new();
    require_tool("git", "git");
    require_tool("ssh-keygen", "openssh-client");
    let home = context.path("home");
    let repository = context.path("repo");
    fs_err::create_dir_all(&home).unwrap();
    fs_err::create_dir_all(&repository).unwrap();
    fs_err::write(home.join("gitconfig"), "").unwrap();
    let key = home.join("alice");
    let key_path = key.to_str().unwrap();
    run_tool(
        &context,
        &home,
        "ssh-keygen",
        &[
            "-q", "-t", "ed25519", "-N", "", "-C", "alice", "-f", key_path,
        ],
    );
    let public = fs_err::read_to_string(home.join("alice.pub")).unwrap();
    fs_err::write(
        context.path("allowed_signers"),
        format!("alice@example.com namespaces=\"git\" {public}"),
    )
    .unwrap();
    let signing_key = format!("user.signingkey={key_path}");
    let git = |args: &[&str]| run_tool(&context, &repository, "git", args);
    git(&["init", "-q", "-b", "main", "."]);
    let identity = [
        "-c",
        "user.name=Alice",
        "-c",
        "user.email=alice@example.com",
    ];
    git(&[
        &identity[..],
        &["commit", "-q", "--allow-empty", "-m", "unsigned"],
    ]
    .concat());
    git(&[
        &identity[..],
        &[
            "-c",
            "gpg.format=ssh",
            "-c",
            &signing_key,
            "commit",
            "-q",
            "--allow-empty",
            "-S",
            "-m",
            "signed",
        ],
    ]
    .concat());
    context
}

/// `custody verify-commits repo --allowed-signers allowed_signers EXTRA…`.
fn verify_commits(context: &TestContext, extra: &[&str]) -> Output {
    let mut args = vec![
        "verify-commits",
        "repo",
        "--allowed-signers",
        "allowed_signers",
    ];
    args.extend(extra);
    context.run(&args)
}

#[test]
fn table_lists_every_commit_and_fails_on_the_unsigned_one() {
    let context = signed_repository();
    let output = verify_commits(&context, &[]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    let rows: Vec<_> = stdout.lines().skip(2).collect();
    assert_eq!(rows.len(), 3, "{stdout}");
    assert!(
        rows[0].contains("ssh")
            && rows[0].contains("alice@example.com")
            && rows[0].contains("verified"),
        "{stdout}"
    );
    assert!(rows[1].contains("SHA256:"), "{stdout}");
    assert!(
        rows[2].contains("none") && rows[2].contains("unsigned"),
        "{stdout}"
    );
    assert!(
        stderr.contains("2 commits: 1 verified, 1 failed"),
        "{stderr}"
    );

    let only_signed = verify_commits(&context, &["--range", "HEAD~1..HEAD", "--quiet"]);
    assert_eq!(only_signed.status.code(), Some(0));
    assert!(only_signed.stderr.is_empty());
}

#[test]
fn json_carries_verdicts_and_counts() {
    let context = signed_repository();
    let output = verify_commits(&context, &["--output", "json"]);
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["verified"], 1);
    assert_eq!(json["failed"], 1);
    let commits = json["commits"].as_array().unwrap();
    assert_eq!(commits[0]["subject"], "signed");
    assert_eq!(commits[0]["signature"], "ssh");
    assert_eq!(commits[0]["status"], "verified");
    assert_eq!(commits[0]["signer"], "alice@example.com");
    assert!(commits[0]["reason"].is_null());
    assert_eq!(commits[0]["committer"]["email"], "alice@example.com");
    assert_eq!(commits[1]["subject"], "unsigned");
    assert_eq!(commits[1]["status"], "unsigned");
    assert_eq!(commits[1]["signature"], "none");
}

#[test]
fn operational_errors_exit_2_and_say_what_to_do() {
    let context = signed_repository();
    let no_trust = context.run(&["verify-commits", "repo"]);
    assert_eq!(no_trust.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&no_trust.stderr);
    assert!(
        stderr.contains("--allowed-signers") && stderr.contains("--gpg-keyring"),
        "{stderr}"
    );

    let not_a_repository = context.run(&[
        "verify-commits",
        "home",
        "--allowed-signers",
        "allowed_signers",
    ]);
    assert_eq!(not_a_repository.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&not_a_repository.stderr);
    assert!(stderr.contains("not a git repository"), "{stderr}");
    assert!(stderr.contains("hint: "), "{stderr}");

    fs_err::write(
        context.path("bad_signers"),
        "# maintainers\nalice@example.com ssh-ed25519 not-base64\n",
    )
    .unwrap();
    let malformed = context.run(&["verify-commits", "repo", "--allowed-signers", "bad_signers"]);
    assert_eq!(malformed.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&malformed.stderr);
    assert!(
        stderr.contains("bad_signers:2: invalid public key"),
        "{stderr}"
    );

    fs_err::write(
        context.path("bad.asc"),
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n",
    )
    .unwrap();
    let keyring = context.run(&["verify-commits", "repo", "--gpg-keyring", "bad.asc"]);
    assert_eq!(keyring.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&keyring.stderr);
    assert!(
        stderr.contains("bad.asc") && stderr.contains("no END line"),
        "{stderr}"
    );
}

#[test]
fn help_verify_commits() {
    insta::assert_snapshot!(help(&["verify-commits", "--help"]));
}
