//! Scanner behaviour independent of any one rule: positions, masking, allowlists, inline
//! suppression, skipped files and bounded work on hostile input.

use std::path::Path;

use custody_secret::{Config, Scanner, Skipped, builtin_rules};

use crate::support::{alnum, fill, rule_ids, scanner};

fn github_token() -> String {
    ["gh", "p_", &fill(&alnum(), 36)].concat()
}

fn with_config(yaml: &str) -> Scanner {
    let config =
        Config::from_yaml(Path::new("secret.yaml"), yaml).expect("test configuration is valid");
    Scanner::new(builtin_rules().expect("built-in rules compile"), &config)
        .expect("keywords build an automaton")
}

#[test]
fn reports_line_column_and_masked_secret() {
    let token = github_token();
    let text = format!("first line\n\n  export GH={token} # deploy\n");
    let scan = scanner().scan("ci/deploy.sh", text.as_bytes());
    assert_eq!(scan.skipped, None);
    assert_eq!(scan.findings.len(), 1);
    let finding = &scan.findings[0];
    assert_eq!(finding.rule_id, "github-pat");
    assert_eq!(finding.location.path, "ci/deploy.sh");
    assert_eq!((finding.line, finding.column), (3, 13));
    assert_eq!(finding.masked, "ghp_****");
}

#[test]
fn findings_come_in_file_order() {
    let token = github_token();
    let text = format!("a={token}\nb={token}\n\nc={token}\n");
    let scan = scanner().scan("f", text.as_bytes());
    let lines: Vec<usize> = scan.findings.iter().map(|finding| finding.line).collect();
    assert_eq!(lines, [1, 2, 4]);
}

#[test]
fn inline_comment_suppresses_only_its_line() {
    let token = github_token();
    let text = format!("a = \"{token}\" # custody:ignore\nb = \"{token}\"\n");
    let scan = scanner().scan("f.py", text.as_bytes());
    let lines: Vec<usize> = scan.findings.iter().map(|finding| finding.line).collect();
    assert_eq!(lines, [2]);
}

#[test]
fn global_allowlist_drops_secrets_and_paths() {
    let token = github_token();
    let text = format!("t={token}\n");
    let scanner = with_config(&format!(
        "allowlist:\n  regexes: ['^{}']\n  paths: ['(^|/)testdata/']\n",
        &token[..10]
    ));
    assert!(
        scanner
            .scan("src/main.rs", text.as_bytes())
            .findings
            .is_empty()
    );
    let other = ["gh", "p_", &fill(&alnum(), 36).to_lowercase()].concat();
    assert!(other != token);
    let scan = scanner.scan("src/main.rs", format!("t={other}\n").as_bytes());
    assert_eq!(rule_ids(&scan), ["github-pat"]);
    assert!(
        scanner
            .scan("pkg/testdata/token.txt", format!("t={other}\n").as_bytes())
            .findings
            .is_empty()
    );
}

#[test]
fn rule_allowlist_and_stopwords_apply_to_their_rule_only() {
    let scanner = with_config(
        "rules:\n  - id: acme-token\n    severity: high\n    keywords: [acme_]\n    regex: 'acme_(?P<secret>[a-z0-9]{16})'\n    allowlist:\n      stopwords: [test]\n      paths: ['\\.md$']\n",
    );
    let real = format!(
        "k=acme_{}\n",
        fill("abcdefghijklmnopqrstuvwxyz0123456789", 16)
    );
    assert_eq!(
        rule_ids(&scanner.scan("a.env", real.as_bytes())),
        ["acme-token"]
    );
    assert!(
        scanner
            .scan("README.md", real.as_bytes())
            .findings
            .is_empty()
    );
    assert!(
        scanner
            .scan("a.env", b"k=acme_test000000000000\n")
            .findings
            .is_empty()
    );
}

#[test]
fn disabled_rules_do_not_run() {
    let scanner = with_config("disable: [github-pat]\n");
    let text = format!("t={}\n", github_token());
    assert!(scanner.scan("f", text.as_bytes()).findings.is_empty());
    assert!(!scanner.rules().iter().any(|rule| rule.id == "github-pat"));
}

#[test]
fn binary_files_are_skipped() {
    let mut bytes = format!("t={}\n", github_token()).into_bytes();
    bytes.extend_from_slice(b"\0\x7fELF");
    let scan = scanner().scan("a.out", &bytes);
    assert_eq!(scan.skipped, Some(Skipped::Binary));
    assert!(scan.findings.is_empty());
    let invalid: Vec<u8> = (0..4096_u32)
        .map(|index| if index % 3 == 0 { 0xc3 } else { 0xff })
        .collect();
    assert_eq!(
        scanner().scan("blob", &invalid).skipped,
        Some(Skipped::Binary)
    );
}

#[test]
fn files_over_the_size_bound_are_skipped() {
    let scanner = with_config("max-file-size: 64\n");
    let text = format!("{}\nt={}\n", "x".repeat(100), github_token());
    let scan = scanner.scan("big.txt", text.as_bytes());
    assert_eq!(
        scan.skipped,
        Some(Skipped::TooLarge {
            size: text.len() as u64,
            limit: 64
        })
    );
    assert!(scan.findings.is_empty());
}

/// A minified one-line file of several megabytes, dense with keywords of many rules, is
/// scanned (windows are bounded) and the token at its end is still found.
#[test]
fn minified_megabyte_line_is_scanned_with_bounded_windows() {
    let token = github_token();
    let filler =
        "var a=\"eyJ\",b=\"AKIA\",password=\"x\",s=\"secret\",u=\"https://h/\";".repeat(40_000);
    let text = format!("{filler}t=\"{token}\";");
    assert!(text.len() > 2_000_000);
    let scan = scanner().scan("app.min.js", text.as_bytes());
    assert_eq!(scan.skipped, None);
    let found: Vec<_> = scan
        .findings
        .iter()
        .filter(|finding| finding.rule_id == "github-pat")
        .collect();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].line, 1);
    assert_eq!(found[0].column, filler.len() + 4);
}

#[test]
fn findings_per_file_are_bounded() {
    let token = github_token();
    let text = format!("t={token}\n").repeat(1500);
    let scan = scanner().scan("many.txt", text.as_bytes());
    assert_eq!(scan.findings.len(), 1000);
    assert!(scan.truncated);
}

#[test]
fn private_key_escaped_in_json_is_found_at_its_begin_line() {
    let body: String = fill(&crate::support::base64(), 300);
    let text = format!(
        "{{\n  \"key\": \"-----BEGIN EC PRIVATE KEY-----\\n{body}\\n-----END EC PRIVATE KEY-----\\n\"\n}}\n"
    );
    let scan = scanner().scan("key.json", text.as_bytes());
    assert_eq!(rule_ids(&scan), ["private-key-ec"]);
    assert_eq!(scan.findings[0].line, 2);
}

/// Documentation examples are not findings: AWS documents its example key id with an
/// `EXAMPLE` suffix, and the `example` stop word applies to every built-in rule.
#[test]
fn documented_example_tokens_are_not_reported() {
    let key_id = ["AK", "IA", "IOSFODNN7", "EXAMPLE"].concat();
    let scan = scanner().scan(
        "README.md",
        format!("aws_access_key_id = {key_id}\n").as_bytes(),
    );
    assert!(scan.findings.is_empty(), "{:?}", scan.findings);
    let other = ["AK", "IA", "IOSFODNN7", "ABCDEFG"].concat();
    let scan = scanner().scan(
        "README.md",
        format!("aws_access_key_id = {other}\n").as_bytes(),
    );
    assert_eq!(rule_ids(&scan), ["aws-access-key-id"]);
}
