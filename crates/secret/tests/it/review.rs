//! Regressions from the false-positive review of real trees (issue 8, BENCHMARKS.md "Secret
//! scanning"): each test is a line shape that was reported and is not a credential, next to
//! the nearest shape that still is.

use crate::support::{alnum, fill, rule_ids, scanner};

fn found(text: &str) -> Vec<String> {
    rule_ids(&scanner().scan("file.py", text.as_bytes()))
        .into_iter()
        .map(str::to_owned)
        .collect()
}

// See: issue #8, false-positive review (botocore credentials.py)
#[test]
fn r8_environment_variable_names_are_not_secrets() {
    assert_eq!(
        found("ENV_VAR_AUTH_TOKEN_FILE = 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'\n"),
        Vec::<String>::new()
    );
    let value = fill(&alnum(), 32);
    assert_eq!(
        found(&format!("ENV_VAR_AUTH_TOKEN = '{value}'\n")),
        ["generic-secret"]
    );
}

// See: issue #8, false-positive review (botocore IAM examples-1.json)
#[test]
fn r8_timestamps_under_password_names_are_not_secrets() {
    assert_eq!(
        found("\"PasswordLastUsed\": \"2016-09-08T21:47:36Z\",\n"),
        Vec::<String>::new()
    );
    assert_eq!(
        found("\"PasswordLastUsed\": \"2016-09-24 16:18:07+00:00\",\n"),
        Vec::<String>::new()
    );
    assert_eq!(
        found(&format!("\"Password\": \"{}\",\n", fill(&alnum(), 14))),
        ["generic-password"]
    );
}

// See: issue #8, false-positive review (pydantic networks.py)
#[test]
fn r8_documentation_url_placeholders_are_not_secrets() {
    for url in [
        "postgres://user:pass@localhost:5432/foobar",
        "rediss://:pass@localhost",
        "mysql://root:PWD@db",
    ] {
        assert_eq!(
            found(&format!("db = '{url}'\n")),
            Vec::<String>::new(),
            "{url}"
        );
    }
    assert_eq!(
        found("db = 'postgres://user:passage42@localhost:5432/foobar'\n"),
        ["database-url-password"]
    );
}

// See: issue #8, false-positive review (detect-secrets README)
#[test]
fn r8_peer_inline_markers_suppress() {
    let value = fill(&alnum(), 32);
    assert_eq!(
        found(&format!(
            "API_KEY = '{value}'  # pragma: allowlist secret\n"
        )),
        Vec::<String>::new()
    );
    assert_eq!(
        found(&format!("API_KEY = '{value}'  // gitleaks:allow\n")),
        Vec::<String>::new()
    );
    assert_eq!(
        found(&format!("API_KEY = '{value}'  # pragma: allowlist\n")),
        ["generic-secret"]
    );
}
