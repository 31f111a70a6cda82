//! Kubernetes Secret manifests: `data:` values are base64-decoded and scanned, findings point
//! at the encoded value, and only Secrets (YAML or JSON) are decoded.

use std::path::Path;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use custody_secret::{Config, Scanner, Scope, builtin_rules};

use crate::rules::kubernetes_secret;
use crate::support::{alnum, fill, rule_ids, scanner};

fn github_token() -> String {
    ["gh", "p_", &fill(&alnum(), 36)].concat()
}

/// `(line, column)` of each finding.
fn positions(text: &str) -> Vec<(usize, usize)> {
    scanner()
        .scan("secret.yaml", text.as_bytes())
        .findings
        .iter()
        .map(|finding| (finding.line, finding.column))
        .collect()
}

#[test]
fn decoded_token_is_reported_at_the_encoded_value() {
    let text = kubernetes_secret("token", &github_token());
    let scan = scanner().scan("deploy/secret.yaml", text.as_bytes());
    // The token's own rule, not also the name rule; line 6 is `  token: <base64>`.
    assert_eq!(rule_ids(&scan), ["github-pat"]);
    assert_eq!((scan.findings[0].line, scan.findings[0].column), (6, 10));
    assert_eq!(scan.findings[0].masked, "ghp_****");
}

#[test]
fn weak_password_is_reported_masked_by_its_name() {
    // Below the generic password rule's entropy gate: only the entry's name says it is one.
    assert!(custody_secret::entropy(b"letmein123") < 3.2);
    let text = kubernetes_secret("password", "letmein123");
    let scan = scanner().scan("secret.yaml", text.as_bytes());
    assert_eq!(rule_ids(&scan), ["kubernetes-secret-data"]);
    // A strong one is the generic rule's, reported once.
    let text = kubernetes_secret("password", "Tr0ub4dor&3");
    assert_eq!(
        rule_ids(&scanner().scan("s.yaml", text.as_bytes())),
        ["generic-password"]
    );
    assert_eq!(scan.findings[0].masked, "****");
    // A trailing newline from `echo … | base64` is not part of the value.
    let text = kubernetes_secret("password", "letmein123\n");
    assert_eq!(positions(&text), [(6, 13)]);
}

#[test]
fn placeholders_and_plain_names_are_not_reported() {
    for (key, value) in [
        ("password", "changeme"),
        ("api-token", "<your token>"),
        ("username", "deploy-bot"),
        ("host", "db.internal.test"),
    ] {
        let text = kubernetes_secret(key, value);
        assert_eq!(positions(&text), [], "{key}: {value}");
    }
}

#[test]
fn inline_ignore_on_the_value_line_suppresses() {
    let text = kubernetes_secret("token", &github_token());
    assert_eq!(positions(&text).len(), 1);
    // The value is the manifest's last line.
    let ignored = text.trim_end().to_owned() + " # custody:ignore\n";
    assert_eq!(positions(&ignored), []);
    let elsewhere = text.replace("metadata:", "metadata: # custody:ignore");
    assert_eq!(positions(&elsewhere).len(), 1);
}

#[test]
fn docker_config_json_auth_is_decoded() {
    let auth = STANDARD.encode(format!("robot:{}", fill(&alnum(), 24)));
    let config = format!(r#"{{"auths":{{"registry.internal.test":{{"auth":"{auth}"}}}}}}"#);
    let text = kubernetes_secret(".dockerconfigjson", &config).replace(
        "kind: Secret\n",
        "kind: Secret\ntype: kubernetes.io/dockerconfigjson\n",
    );
    let scan = scanner().scan("pull-secret.yaml", text.as_bytes());
    assert_eq!(rule_ids(&scan), ["docker-config-auth"]);
    assert_eq!(scan.findings[0].line, 7);
}

#[test]
fn private_key_in_tls_secret_is_decoded() {
    let body = [
        fill(&crate::support::base64(), 64),
        fill(&crate::support::base64(), 64),
    ]
    .join("\n");
    let pem = format!("-----BEGIN EC PRIVATE KEY-----\n{body}\n-----END EC PRIVATE KEY-----\n");
    let text = kubernetes_secret("tls.key", &pem);
    let scan = scanner().scan("tls.yaml", text.as_bytes());
    assert_eq!(rule_ids(&scan), ["private-key-ec"]);
    assert_eq!(scan.findings[0].line, 6);
}

#[test]
fn json_secret_and_multi_document_yaml() {
    let encoded = STANDARD.encode(github_token());
    let json = format!(
        "{{\n  \"apiVersion\": \"v1\",\n  \"kind\": \"Secret\",\n  \"data\": {{\n    \"token\": \"{encoded}\"\n  }}\n}}\n"
    );
    let scan = scanner().scan("secret.json", json.as_bytes());
    assert_eq!(rule_ids(&scan), ["github-pat"]);
    assert_eq!((scan.findings[0].line, scan.findings[0].column), (5, 15));

    let yaml = format!(
        "kind: ConfigMap\ndata:\n  token: {encoded}\n---\nkind: Secret\ndata:\n  token: {encoded}\n"
    );
    assert_eq!(positions(&yaml), [(7, 10)]);
}

#[test]
fn config_rules_can_be_scoped_to_secret_data() {
    let config = Config::from_yaml(
        Path::new("secret.yaml"),
        "rules:\n  - id: acme-secret-entry\n    severity: low\n    scope: secret-data\n    regex: '^acme: \"(?P<secret>.+)\"$'\n",
    )
    .expect("scoped rule configuration is valid");
    assert_eq!(config.rules[0].scope, Scope::SecretData);
    let scanner = Scanner::new(builtin_rules().expect("built-in rules compile"), &config)
        .expect("keywords build an automaton");
    let manifest = kubernetes_secret("acme", "anything");
    assert_eq!(
        rule_ids(&scanner.scan("s.yaml", manifest.as_bytes())),
        ["acme-secret-entry"]
    );
    // The same text outside a Secret's data is not matched by a scoped rule.
    assert_eq!(
        rule_ids(&scanner.scan("s.txt", b"acme: \"anything\"\n")),
        Vec::<&str>::new()
    );
}

#[test]
fn string_data_entries_are_judged_by_name_once() {
    let text = "kind: Secret\nstringData:\n  password: letmein123\n  username: deploy\n";
    let scan = scanner().scan("secret.yaml", text.as_bytes());
    assert_eq!(rule_ids(&scan), ["kubernetes-secret-data"]);
    assert_eq!((scan.findings[0].line, scan.findings[0].column), (3, 13));
    // A value the file pass already reported is not reported again.
    let token = github_token();
    let text = format!("kind: Secret\nstringData:\n  token: {token}\n");
    assert_eq!(
        rule_ids(&scanner().scan("secret.yaml", text.as_bytes())),
        ["github-pat"]
    );
}

/// The `secret` keyword that starts the manifest pass is kept even when no rule lists it.
#[test]
fn manifests_are_decoded_with_the_generic_secret_rule_disabled() {
    let config = Config::from_yaml(Path::new("secret.yaml"), "disable: [generic-secret]\n")
        .expect("disable list is valid");
    let scanner = Scanner::new(builtin_rules().expect("built-in rules compile"), &config)
        .expect("keywords build an automaton");
    let text = kubernetes_secret("token", &github_token());
    assert_eq!(
        rule_ids(&scanner.scan("s.yaml", text.as_bytes())),
        ["github-pat"]
    );
}
