//! `custody version compare`, one pair or many from stdin.

use std::io::Write as _;
use std::process::Stdio;

use crate::common::TestContext;

#[test]
fn compares_one_pair_in_each_ecosystem_spelling() {
    let context = TestContext::new();
    for (ecosystem, a, b, expected) in [
        ("Debian", "1:2.0-1", "2.1-1", ">"),
        ("debian", "3.0.11-1~deb12u2", "3.0.11-1", "<"),
        ("Red Hat", "1.2.3-1.el9", "1.2.3-1.el9", "="),
        ("pypi", "1.0rc1", "1.0", "<"),
        ("crates.io", "1.0.0", "1.0.0-alpha.1", ">"),
    ] {
        let output = context.run(&["version", "compare", ecosystem, a, b]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&output.stdout),
            format!("{expected}\n"),
            "{ecosystem} {a} {b}"
        );
    }
}

#[test]
fn reads_pairs_from_stdin_and_names_the_bad_line() {
    let context = TestContext::new();
    let run = |input: &str| {
        let mut child = context
            .command()
            .args(["version", "compare", "npm"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let good = run("1.0.0 1.0.0-rc.1\n\n2.0.0 2.0.0\n1.2.3 1.10.0\n");
    assert!(good.status.success());
    assert_eq!(String::from_utf8_lossy(&good.stdout), ">\n=\n<\n");
    let bad = run("1.0.0 1.0.1\n1.0.0 latest\n");
    assert_eq!(bad.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.contains("stdin line 2") && stderr.contains("latest"),
        "{stderr}"
    );
    assert!(bad.stdout.is_empty(), "no partial answers on error");
}

#[test]
fn unknown_ecosystem_is_an_error() {
    let output = TestContext::new().run(&["version", "compare", "Nonesuch", "1", "2"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Nonesuch"));
}
