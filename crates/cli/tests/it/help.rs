//! `--help` of every subcommand, snapshotted: help text is part of the interface.

use crate::common::TestContext;

pub(crate) fn help(args: &[&str]) -> String {
    let output = TestContext::new()
        .command()
        .args(args)
        .env("COLUMNS", "100")
        .env_remove("CUSTODY_CACHE_DIR")
        .output()
        .unwrap();
    format!(
        "exit code: {:?}\n----- stdout -----\n{}----- stderr -----\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn help_custody() {
    insta::assert_snapshot!(help(&["--help"]));
}

#[test]
fn help_sbom() {
    insta::assert_snapshot!(help(&["sbom", "--help"]));
}

#[test]
fn help_cache() {
    insta::assert_snapshot!(help(&["cache", "--help"]));
}

#[test]
fn help_cache_clean() {
    insta::assert_snapshot!(help(&["cache", "clean", "--help"]));
}

#[test]
fn unknown_target_is_a_usage_error_with_a_hint() {
    let output = TestContext::new().run(&["sbom", "Not A Reference!"]);
    assert_eq!(output.status.code(), Some(2));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stderr));
}

#[test]
fn help_version_compare() {
    insta::assert_snapshot!(help(&["version", "compare", "--help"]));
}

#[test]
fn help_db_import() {
    insta::assert_snapshot!(help(&["db", "import", "--help"]));
}

#[test]
fn help_db_info() {
    insta::assert_snapshot!(help(&["db", "info", "--help"]));
}

#[test]
fn help_db_update() {
    insta::assert_snapshot!(help(&["db", "update", "--help"]));
}

#[test]
fn help_scan() {
    insta::assert_snapshot!(help(&["scan", "--help"]));
}
