//! `Config::from_yaml`: custom rules load and run, and every error names the file and line.

use std::path::Path;

use custody_secret::{Config, Error, Scanner, builtin_rules};

fn load(yaml: &str) -> Result<Config, Error> {
    Config::from_yaml(Path::new("conf/secret.yaml"), yaml)
}

#[test]
fn custom_rule_is_scanned_with_entropy_gate() {
    let config = load(
        "rules:\n  - id: acme-token\n    title: ACME token\n    severity: critical\n    keywords: [ACME_]\n    regex: 'acme_(?P<secret>[A-Za-z0-9]{20})'\n    entropy: 3.0\n",
    )
    .unwrap();
    assert_eq!(config.rules.len(), 1);
    let scanner = Scanner::new(builtin_rules().unwrap(), &config).unwrap();
    // Keywords match case-insensitively; the regex itself is case-sensitive.
    let scan = scanner.scan("f", b"x = acme_Q8zR2LmX0vT4wKp7aB3c\n");
    assert_eq!(scan.findings.len(), 1);
    assert_eq!(scan.findings[0].title, "ACME token");
    assert_eq!(scan.findings[0].severity, custody_model::Severity::Critical);
    assert_eq!(scan.findings[0].masked, "Q8zR****");
    assert!(
        scanner
            .scan("f", b"x = acme_aaaaaaaaaaaaaaaaaaaa\n")
            .findings
            .is_empty()
    );
}

#[test]
fn bad_regex_names_file_and_line() {
    let error = load("rules:\n  - id: broken\n    severity: low\n    regex: '(?P<secret>[a-'\n")
        .unwrap_err();
    match &error {
        Error::Regex { file, line, .. } => {
            assert_eq!(file, Path::new("conf/secret.yaml"));
            assert_eq!(*line, 4);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        error
            .to_string()
            .starts_with("invalid regex in conf/secret.yaml:4:"),
        "{error}"
    );
}

#[test]
fn rule_without_secret_group_is_refused() {
    let error =
        load("rules:\n  - id: nogroup\n    severity: low\n    regex: 'abc[0-9]+'\n").unwrap_err();
    assert!(
        matches!(error, Error::MissingSecretGroup { line: 4, ref rule, .. } if rule == "nogroup"),
        "{error:?}"
    );
}

#[test]
fn duplicate_and_shadowing_ids_are_refused() {
    let error = load("rules:\n  - id: github-pat\n    severity: low\n    regex: '(?P<secret>x)'\n")
        .unwrap_err();
    assert!(
        matches!(error, Error::DuplicateRule { line: 2, .. }),
        "{error:?}"
    );
    let twice = "rules:\n  - id: a\n    severity: low\n    regex: '(?P<secret>x)'\n  - id: a\n    severity: low\n    regex: '(?P<secret>y)'\n";
    assert!(matches!(
        load(twice).unwrap_err(),
        Error::DuplicateRule { line: 5, .. }
    ));
}

#[test]
fn unknown_disabled_rule_is_refused() {
    let error = load("disable:\n  - github-pat\n  - no-such-rule\n").unwrap_err();
    assert!(
        matches!(error, Error::UnknownRule { line: 3, ref rule, .. } if rule == "no-such-rule"),
        "{error:?}"
    );
}

#[test]
fn unknown_severity_and_fields_are_errors_with_positions() {
    let error =
        load("rules:\n  - id: a\n    severity: urgent\n    regex: '(?P<secret>x)'\n").unwrap_err();
    assert!(matches!(error, Error::Yaml { line: 3, .. }), "{error:?}");
    let error = load("allowlist:\n  pathz: [x]\n").unwrap_err();
    assert!(matches!(error, Error::Yaml { line: 2, .. }), "{error:?}");
    let error = load("rules: [\n").unwrap_err();
    assert!(matches!(error, Error::Yaml { .. }), "{error:?}");
}

#[test]
fn bad_allowlist_path_regex_names_its_line() {
    let error = load("allowlist:\n  paths:\n    - 'ok'\n    - '(unclosed'\n").unwrap_err();
    assert!(matches!(error, Error::Regex { line: 4, .. }), "{error:?}");
}
