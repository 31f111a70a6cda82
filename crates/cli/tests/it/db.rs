//! `custody db import|info` on the real OSV records of the conformance corpus.

use crate::common::{TestContext, write_tree};

fn conformance() -> std::path::PathBuf {
    let directory = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
        std::path::PathBuf::from,
    );
    assert!(
        directory.is_dir(),
        "conformance corpus missing at {}: set CUSTODY_CONFORMANCE_DIR",
        directory.display()
    );
    directory
}

#[test]
fn import_then_info_counts_advisories_and_reimport_changes_nothing() {
    let context = TestContext::new();
    let pypi = conformance().join("advisories/pypa-advisory-database");
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
    assert!(stdout.contains("schema version: 1"), "{stdout}");
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
