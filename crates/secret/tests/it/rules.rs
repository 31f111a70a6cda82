//! One positive and one negative example per built-in rule, built from the documented token
//! format. Every built-in rule must appear here (checked by `every_rule_has_examples`).

use std::collections::BTreeSet;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use custody_secret::builtin_rules;

use crate::support::{BASE32, DIGITS, HEX, LOWER, UPPER, alnum, base64, fill, rule_ids, scanner};

/// A rule id, text it must report, and near-miss text it must not report.
struct Case {
    rule: &'static str,
    positive: String,
    negative: String,
}

fn case(rule: &'static str, positive: String, negative: String) -> Case {
    Case {
        rule,
        positive,
        negative,
    }
}

/// A PEM-style armoured block around three lines of base64.
fn armour(label: &str, body: &str) -> String {
    format!("-----BEGIN {label}-----\n{body}\n-----END {label}-----\n")
}

#[expect(clippy::too_many_lines, reason = "a table: one entry per rule")]
fn cases() -> Vec<Case> {
    let alnum = alnum();
    let base64 = base64();
    let url_safe = [UPPER, LOWER, DIGITS, "_-"].concat();
    let hex = |length| fill(HEX, length);
    let an = |length| fill(&alnum, length);
    let key_id = ["AK", "IA", &fill(BASE32, 16)].concat();
    let pem_body = [fill(&base64, 64), fill(&base64, 63), fill(&base64, 40)].join("\n");
    vec![
        case(
            "aws-access-key-id",
            format!("aws_access_key_id = {key_id}"),
            format!("id = AKIA{}", fill(BASE32, 12)),
        ),
        case(
            "aws-secret-access-key",
            format!("key: {key_id}\nsecret: {}\n", fill(&base64, 40)),
            format!("key: {key_id}\nsecret: {}\n", "a".repeat(40)),
        ),
        case(
            "aws-secret-access-key-assignment",
            format!("AWS_SECRET_ACCESS_KEY={}", fill(&base64, 40)),
            format!("AWS_SECRET_ACCESS_KEY={}", fill(&base64, 30)),
        ),
        case(
            "aws-session-token",
            format!("aws_session_token = {}", fill(&base64, 200)),
            "aws_session_token = ${AWS_SESSION_TOKEN}".to_owned(),
        ),
        case(
            "amazon-mws-auth-token",
            format!(
                "amzn.mws.{}-{}-{}-{}-{}",
                hex(8),
                hex(4),
                hex(4),
                hex(4),
                hex(12)
            ),
            format!("amzn.mws.{}", hex(8)),
        ),
        case(
            "github-pat",
            format!("token={}", ["gh", "p_", &an(36)].concat()),
            format!("token=ghp_{}", an(30)),
        ),
        case(
            "github-oauth-token",
            format!("t: {}", ["gh", "o_", &an(36)].concat()),
            format!("t: gho_{}", an(20)),
        ),
        case(
            "github-user-to-server-token",
            format!("t: {}", ["gh", "u_", &an(36)].concat()),
            format!("t: ghu_{}", an(35)),
        ),
        case(
            "github-server-to-server-token",
            format!("t: {}", ["gh", "s_", &an(36)].concat()),
            format!("t: ghs_{}", an(12)),
        ),
        case(
            "github-refresh-token",
            format!("t: {}", ["gh", "r_", &an(76)].concat()),
            format!("t: ghr_{}", an(30)),
        ),
        case(
            "github-fine-grained-pat",
            format!("t: {}", ["github", "_pat_", &an(22), "_", &an(59)].concat()),
            format!("t: github_pat_{}", an(22)),
        ),
        case(
            "gitlab-pat",
            format!("t: {}", ["gl", "pat-", &fill(&url_safe, 20)].concat()),
            "t: glpat-xxxx".to_owned(),
        ),
        case(
            "gitlab-runner-auth-token",
            format!("t: {}", ["gl", "rt-", &an(20)].concat()),
            format!("t: glrt-{}", an(10)),
        ),
        case(
            "gitlab-runner-registration-token",
            format!("t: {}", ["GR13", "48941", &an(20)].concat()),
            format!("t: GR1348941{}", an(8)),
        ),
        case(
            "gitlab-pipeline-trigger-token",
            format!("t: {}", ["gl", "ptt-", &hex(40)].concat()),
            format!("t: glptt-{}", an(40)),
        ),
        case(
            "gitlab-deploy-token",
            format!("t: {}", ["gl", "dt-", &an(20)].concat()),
            format!("t: gldt-{}", an(8)),
        ),
        case(
            "gitlab-feed-token",
            format!("t: {}", ["gl", "ft-", &an(20)].concat()),
            format!("t: glft-{}", an(8)),
        ),
        case(
            "gitlab-oauth-app-secret",
            format!("t: {}", ["gl", "oas-", &hex(64)].concat()),
            format!("t: gloas-{}", hex(32)),
        ),
        case(
            "gitlab-ci-job-token",
            format!("t: {}", ["gl", "cbt-", "6_", &an(20)].concat()),
            format!("t: glcbt-{}", an(20)),
        ),
        case(
            "gitlab-scim-token",
            format!("t: {}", ["gl", "soat-", &an(20)].concat()),
            format!("t: glsoat-{}", an(5)),
        ),
        case(
            "gitlab-agent-token",
            format!("t: {}", ["gl", "agent-", &an(50)].concat()),
            format!("t: glagent-{}", an(20)),
        ),
        case(
            "bitbucket-app-password",
            format!("p: {}", ["AT", "BB", &an(32)].concat()),
            format!("p: ATBB{}", an(10)),
        ),
        case(
            "atlassian-api-token",
            format!("t: {}", ["ATA", "TT3", &an(186)].concat()),
            format!("t: ATATT3{}", an(50)),
        ),
        case(
            "slack-bot-token",
            format!(
                "t: {}",
                [
                    "xo",
                    "xb-",
                    &fill(DIGITS, 12),
                    "-",
                    &fill(DIGITS, 13),
                    "-",
                    &an(24)
                ]
                .concat()
            ),
            format!("t: xoxb-{}", fill(DIGITS, 12)),
        ),
        case(
            "slack-user-token",
            format!(
                "t: {}",
                [
                    "xo",
                    "xp-",
                    &fill(DIGITS, 12),
                    "-",
                    &fill(DIGITS, 12),
                    "-",
                    &fill(DIGITS, 12),
                    "-",
                    &hex(32)
                ]
                .concat()
            ),
            format!("t: xoxp-{}-{}", fill(DIGITS, 12), hex(32)),
        ),
        case(
            "slack-workspace-token",
            format!(
                "t: {}",
                [
                    "xo",
                    "xa-2-",
                    &fill(DIGITS, 12),
                    "-",
                    &fill(DIGITS, 12),
                    "-",
                    &fill(DIGITS, 12),
                    "-",
                    &hex(32)
                ]
                .concat()
            ),
            format!("t: xoxa-2-{}", fill(DIGITS, 12)),
        ),
        case(
            "slack-app-token",
            format!(
                "t: {}",
                [
                    "xa",
                    "pp-1-",
                    "A0123BCDEFG",
                    "-",
                    &fill(DIGITS, 13),
                    "-",
                    &hex(64)
                ]
                .concat()
            ),
            format!("t: xapp-1-{}", hex(64)),
        ),
        case(
            "slack-config-token",
            format!("t: {}", ["xo", "xe.xoxp-1-", &an(165)].concat()),
            format!("t: xoxe.xoxp-1-{}", an(40)),
        ),
        case(
            "slack-webhook",
            format!(
                "url: {}",
                [
                    "https://hooks.",
                    "slack.com/services/T0123ABCD/B0123ABCD/",
                    &an(24)
                ]
                .concat()
            ),
            "url: https://hooks.slack.com/services/".to_owned(),
        ),
        case(
            "discord-webhook",
            format!(
                "url: {}",
                [
                    "https://discord.com",
                    "/api/webhooks/",
                    &fill(DIGITS, 18),
                    "/",
                    &fill(&url_safe, 68)
                ]
                .concat()
            ),
            format!("url: https://discord.com/api/webhooks/{}", fill(DIGITS, 18)),
        ),
        case(
            "discord-bot-token",
            format!(
                "DISCORD_TOKEN = '{}'",
                ["M", &an(23), ".", &an(6), ".", &an(27)].concat()
            ),
            format!(
                "TOKEN = '{}'",
                ["M", &an(23), ".", &an(6), ".", &an(27)].concat()
            ),
        ),
        case(
            "telegram-bot-token",
            format!(
                "bot = \"{}\"",
                [&fill(DIGITS, 9), ":A", "A", &fill(&url_safe, 33)].concat()
            ),
            format!("bot = \"{}:AA{}\"", fill(DIGITS, 9), fill(&url_safe, 20)),
        ),
        case(
            "stripe-secret-key",
            format!("k = {}", ["sk_", "live_", &an(24)].concat()),
            format!("k = sk_live_{}", an(10)),
        ),
        case(
            "stripe-restricted-key",
            format!("k = {}", ["rk_", "live_", &an(24)].concat()),
            format!("k = rk_live_{}", an(10)),
        ),
        case(
            "stripe-test-secret-key",
            format!("k = {}", ["sk_", "test_", &an(24)].concat()),
            format!("k = sk_test_{}", an(10)),
        ),
        case(
            "stripe-webhook-secret",
            format!("k = {}", ["wh", "sec_", &an(32)].concat()),
            format!("k = whsec_{}", an(10)),
        ),
        case(
            "square-access-token",
            format!("k = {}", ["sq0", "atp-", &fill(&url_safe, 22)].concat()),
            format!("k = sq0atp-{}", an(10)),
        ),
        case(
            "square-production-token",
            format!(
                "SQUARE_ACCESS_TOKEN={}",
                ["EA", "AA", &fill(&url_safe, 60)].concat()
            ),
            format!(
                "vector = \"{}\"",
                ["EA", "AA", &fill(&url_safe, 60)].concat()
            ),
        ),
        case(
            "square-oauth-secret",
            format!("k = {}", ["sq0", "csp-", &fill(&url_safe, 43)].concat()),
            format!("k = sq0csp-{}", an(10)),
        ),
        case(
            "braintree-access-token",
            format!(
                "k = {}",
                [
                    "access_token$",
                    "production$",
                    &fill(&[LOWER, DIGITS].concat(), 16),
                    "$",
                    &hex(32)
                ]
                .concat()
            ),
            "k = access_token$production$".to_owned(),
        ),
        case(
            "sendgrid-api-key",
            format!(
                "k = {}",
                ["S", "G.", &fill(&url_safe, 22), ".", &fill(&url_safe, 43)].concat()
            ),
            format!("k = SG.{}", fill(&url_safe, 22)),
        ),
        case(
            "twilio-api-key",
            format!("TWILIO_API_KEY=SK{}", hex(32)),
            format!("TWILIO_API_KEY=SK{}", hex(31)),
        ),
        case(
            "twilio-auth-token",
            format!("TWILIO_AUTH_TOKEN={}", hex(32)),
            "TWILIO_AUTH_TOKEN=${TWILIO_TOKEN}".to_owned(),
        ),
        case(
            "mailgun-api-key",
            format!("MAILGUN_API_KEY=key-{}", hex(32)),
            "MAILGUN_DOMAIN=mg.example.test".to_owned(),
        ),
        case(
            "mailchimp-api-key",
            format!("k = {}-us6", hex(32)),
            format!("k = {}-us6", hex(31)),
        ),
        case(
            "npm-access-token",
            format!("k = {}", ["np", "m_", &an(36)].concat()),
            format!("k = npm_{}", an(20)),
        ),
        case(
            "npmrc-auth-token",
            format!("//registry.npmjs.org/:_authToken={}", an(36)),
            "//registry.npmjs.org/:_authToken=${NPM_TOKEN}".to_owned(),
        ),
        case(
            "pypi-token",
            format!(
                "password = {}",
                ["pypi-", "AgEIcHlwaS5vcmc", &fill(&url_safe, 80)].concat()
            ),
            "password = pypi-AgEIcHlwaS5vcmc".to_owned(),
        ),
        case(
            "test-pypi-token",
            format!(
                "password = {}",
                ["pypi-", "AgENdGVzdC5weXBpLm9yZw", &fill(&url_safe, 80)].concat()
            ),
            "password = pypi-AgENdGVzdC5weXBpLm9yZw".to_owned(),
        ),
        case(
            "rubygems-api-key",
            format!("k = {}", ["ruby", "gems_", &hex(48)].concat()),
            format!("k = rubygems_{}", hex(20)),
        ),
        case(
            "nuget-api-key",
            format!(
                "k = {}",
                ["oy", "2", &fill(&[LOWER, DIGITS].concat(), 43)].concat()
            ),
            format!("k = oy2{}", an(43)),
        ),
        case(
            "dockerhub-pat",
            format!("k = {}", ["dckr", "_pat_", &fill(&url_safe, 27)].concat()),
            format!("k = dckr_pat_{}", an(10)),
        ),
        case(
            "docker-config-auth",
            format!(
                "{{\"auths\":{{\"registry.test\":{{\"auth\":\"{}\"}}}}}}",
                fill(&base64, 28)
            ),
            "{\"auths\":{\"registry.test\":{\"auth\":\"\"}}}".to_owned(),
        ),
        case(
            "gcp-api-key",
            format!("k = {}", ["AI", "za", &fill(&url_safe, 35)].concat()),
            format!("k = AIza{}", an(20)),
        ),
        case(
            "gcp-service-account-key",
            format!(
                "{{\"type\": \"service_account\", \"project_id\": \"p\", \"private_key_id\": \"{}\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\n{}\\n-----END PRIVATE KEY-----\\n\"}}",
                hex(40),
                fill(&base64, 200)
            ),
            "{\"type\": \"authorized_user\", \"client_id\": \"x\"}".to_owned(),
        ),
        case(
            "gcp-oauth-client-secret",
            format!("s = {}", ["GOC", "SPX-", &fill(&url_safe, 28)].concat()),
            format!("s = GOCSPX-{}", an(10)),
        ),
        case(
            "gcp-oauth-access-token",
            format!("t = {}", ["ya", "29.", &fill(&url_safe, 60)].concat()),
            "t = ya29.short".to_owned(),
        ),
        case(
            "azure-storage-account-key",
            format!(
                "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={}==;EndpointSuffix=core.windows.net",
                fill(&base64, 86)
            ),
            "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=<key>".to_owned(),
        ),
        case(
            "azure-shared-access-key",
            format!(
                "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={}=",
                fill(&base64, 43)
            ),
            format!("SharedAccessKey={}=", fill(&base64, 20)),
        ),
        case(
            "azure-sas-token",
            format!(
                "https://acct.blob.core.windows.net/c?sv=2022-11-02&sp=r&se=2030-01-01&sig={}%3D",
                an(43)
            ),
            "https://acct.blob.core.windows.net/c?sv=2022-11-02&sig=abc".to_owned(),
        ),
        case(
            "azure-ad-client-secret",
            format!("s = \"{}\"", ["abc8", "Q~", &an(34)].concat()),
            "s = \"abc8Q~short\"".to_owned(),
        ),
        case(
            "alibaba-access-key-id",
            format!("k = {}", ["LT", "AI", &an(16)].concat()),
            format!("k = LTAI{}", an(6)),
        ),
        case(
            "tencent-secret-id",
            format!("k = {}", ["AK", "ID", &an(32)].concat()),
            format!("k = AKID{}", an(16)),
        ),
        case(
            "digitalocean-pat",
            format!("k = {}", ["dop", "_v1_", &hex(64)].concat()),
            format!("k = dop_v1_{}", hex(32)),
        ),
        case(
            "digitalocean-oauth-token",
            format!("k = {}", ["doo", "_v1_", &hex(64)].concat()),
            format!("k = doo_v1_{}", hex(32)),
        ),
        case(
            "digitalocean-refresh-token",
            format!("k = {}", ["dor", "_v1_", &hex(64)].concat()),
            format!("k = dor_v1_{}", hex(32)),
        ),
        case(
            "vault-service-token",
            format!("VAULT_TOKEN={}", ["hv", "s.", &an(90)].concat()),
            "VAULT_TOKEN=hvs.short".to_owned(),
        ),
        case(
            "vault-batch-token",
            format!("VAULT_TOKEN={}", ["hv", "b.", &an(90)].concat()),
            "VAULT_TOKEN=hvb.short".to_owned(),
        ),
        case(
            "terraform-cloud-token",
            format!(
                "token = \"{}\"",
                [&an(14), ".atlas", "v1.", &an(64)].concat()
            ),
            format!("token = \"{}.atlasv1.{}\"", an(14), an(20)),
        ),
        case(
            "pulumi-access-token",
            format!("k = {}", ["pu", "l-", &hex(40)].concat()),
            format!("k = pul-{}", hex(20)),
        ),
        case(
            "doppler-token",
            format!("k = {}", ["dp.", "pt.", &an(43)].concat()),
            format!("k = dp.pt.{}", an(20)),
        ),
        case(
            "grafana-service-account-token",
            format!("k = {}", ["gl", "sa_", &an(32), "_", &hex(8)].concat()),
            format!("k = glsa_{}", an(32)),
        ),
        case(
            "grafana-cloud-token",
            format!("k = {}", ["gl", "c_", &fill(&base64, 60)].concat()),
            "k = glc_short".to_owned(),
        ),
        case(
            "newrelic-user-api-key",
            format!(
                "k = {}",
                ["NR", "AK-", &fill(&[UPPER, DIGITS].concat(), 27)].concat()
            ),
            "k = NRAK-SHORT".to_owned(),
        ),
        case(
            "newrelic-insert-key",
            format!("k = {}", ["NR", "II-", &fill(&url_safe, 32)].concat()),
            "k = NRII-SHORT".to_owned(),
        ),
        case(
            "sentry-org-token",
            format!("k = {}", ["sntrys", "_eyJ", &fill(&url_safe, 120)].concat()),
            "k = sntrys_eyJabc".to_owned(),
        ),
        case(
            "sentry-user-token",
            format!("k = {}", ["sntryu", "_", &hex(64)].concat()),
            format!("k = sntryu_{}", hex(40)),
        ),
        case(
            "dynatrace-token",
            format!(
                "k = {}",
                [
                    "dt0",
                    "c01.",
                    &fill(&[UPPER, DIGITS].concat(), 24),
                    ".",
                    &fill(&[UPPER, DIGITS].concat(), 64)
                ]
                .concat()
            ),
            format!("k = dt0c01.{}", fill(&[UPPER, DIGITS].concat(), 24)),
        ),
        case(
            "databricks-token",
            format!("k = {}", ["da", "pi", &hex(32)].concat()),
            format!("k = dapi{}", hex(31)),
        ),
        case(
            "huggingface-token",
            format!(
                "k = {}",
                ["h", "f_", &fill(&[UPPER, LOWER].concat(), 34)].concat()
            ),
            format!("k = hf_{}", fill(LOWER, 33)),
        ),
        case(
            "openai-api-key",
            format!(
                "k = {}",
                ["sk-", "proj-", &an(30), "T3Blbk", "FJ", &an(30)].concat()
            ),
            format!("k = {}T3BlbkFJ", an(20)),
        ),
        case(
            "anthropic-api-key",
            format!(
                "k = {}",
                ["sk-", "ant-api03-", &fill(&url_safe, 93), "AA"].concat()
            ),
            format!("k = sk-ant-api03-{}", an(40)),
        ),
        case(
            "groq-api-key",
            format!("k = {}", ["gs", "k_", &an(52)].concat()),
            format!("k = gsk_{}", an(40)),
        ),
        case(
            "replicate-api-token",
            format!("k = {}", ["r8", "_", &an(37)].concat()),
            format!("k = r8_{}", an(30)),
        ),
        case(
            "shopify-access-token",
            format!("k = {}", ["shp", "at_", &hex(32)].concat()),
            format!("k = shpat_{}", hex(16)),
        ),
        case(
            "shopify-shared-secret",
            format!("k = {}", ["shp", "ss_", &hex(32)].concat()),
            format!("k = shpss_{}", hex(16)),
        ),
        case(
            "linear-api-key",
            format!("k = {}", ["lin", "_api_", &an(40)].concat()),
            format!("k = lin_api_{}", an(20)),
        ),
        case(
            "postman-api-key",
            format!("k = {}", ["PM", "AK-", &hex(24), "-", &hex(34)].concat()),
            format!("k = PMAK-{}", hex(24)),
        ),
        case(
            "figma-pat",
            format!("k = {}", ["fi", "gd_", &fill(&url_safe, 40)].concat()),
            format!("k = figd_{}", an(20)),
        ),
        case(
            "notion-token",
            format!("k = {}", ["nt", "n_", &fill(DIGITS, 11), &an(35)].concat()),
            format!("k = ntn_{}", an(46)),
        ),
        case(
            "tailscale-key",
            format!(
                "k = {}",
                ["tskey", "-auth-", &an(12), "-", &an(30)].concat()
            ),
            format!("k = tskey-auth-{}", an(12)),
        ),
        case(
            "buildkite-token",
            format!("k = {}", ["bk", "ua_", &hex(40)].concat()),
            format!("k = bkua_{}", hex(20)),
        ),
        case(
            "circleci-pat",
            format!("k = {}", ["CCI", "PAT_", &an(22), "_", &hex(40)].concat()),
            format!("k = CCIPAT_{}", an(22)),
        ),
        case(
            "netlify-pat",
            format!("k = {}", ["nf", "p_", &an(36)].concat()),
            format!("k = nfp_{}", an(20)),
        ),
        case(
            "sonar-token",
            format!("k = {}", ["sq", "p_", &hex(40)].concat()),
            format!("k = sqp_{}", hex(20)),
        ),
        case(
            "artifactory-api-key",
            format!("k = {}", ["AK", "Cp", &an(69)].concat()),
            format!("k = AKCp{}", an(30)),
        ),
        case(
            "artifactory-reference-token",
            format!("k = {}", ["cmVm", "dGtu", &an(56)].concat()),
            format!("k = cmVmdGtu{}", an(20)),
        ),
        case(
            "planetscale-token",
            format!("k = {}", ["pscale", "_tkn_", &an(43)].concat()),
            format!("k = pscale_tkn_{}", an(10)),
        ),
        case(
            "supabase-token",
            format!("k = {}", ["sb", "p_", &hex(40)].concat()),
            format!("k = sbp_{}", hex(20)),
        ),
        case(
            "mapbox-secret-token",
            format!(
                "k = {}",
                [
                    "sk.",
                    "eyJ",
                    &fill(&url_safe, 60),
                    ".",
                    &fill(&url_safe, 22)
                ]
                .concat()
            ),
            format!("k = pk.eyJ{}.{}", fill(&url_safe, 60), fill(&url_safe, 22)),
        ),
        case(
            "age-secret-key",
            format!(
                "k = {}",
                [
                    "AGE-SECRET",
                    "-KEY-1",
                    &fill("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 58)
                ]
                .concat()
            ),
            format!(
                "k = AGE-SECRET-KEY-1{}",
                fill("QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 20)
            ),
        ),
        case(
            "onepassword-service-account-token",
            format!("k = {}", ["ops", "_eyJ", &fill(&base64, 300)].concat()),
            format!("k = ops_eyJ{}", fill(&base64, 40)),
        ),
        case(
            "private-key-rsa",
            armour("RSA PRIVATE KEY", &pem_body),
            armour("RSA PRIVATE KEY", "..."),
        ),
        case(
            "private-key-ec",
            armour("EC PRIVATE KEY", &pem_body),
            armour("EC PUBLIC KEY", &pem_body),
        ),
        case(
            "private-key-dsa",
            armour("DSA PRIVATE KEY", &pem_body),
            armour("DSA PRIVATE KEY", "<key>"),
        ),
        case(
            "private-key-openssh",
            armour("OPENSSH PRIVATE KEY", &pem_body),
            armour("OPENSSH PRIVATE KEY", "<your key here>"),
        ),
        case(
            "private-key-pkcs8",
            armour("PRIVATE KEY", &pem_body),
            armour("PUBLIC KEY", &pem_body),
        ),
        case(
            "private-key-pkcs8-encrypted",
            armour("ENCRYPTED PRIVATE KEY", &pem_body),
            armour("ENCRYPTED PRIVATE KEY", "..."),
        ),
        case(
            "private-key-pgp",
            armour("PGP PRIVATE KEY BLOCK", &format!("\n{pem_body}\n=AbCd")),
            armour("PGP PUBLIC KEY BLOCK", &format!("\n{pem_body}")),
        ),
        case(
            "private-key-putty",
            format!(
                "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: test\nPublic-Lines: 2\n{}\n{}\nPrivate-Lines: 1\n{}\nPrivate-MAC: {}\n",
                fill(&base64, 64),
                fill(&base64, 20),
                fill(&base64, 44),
                hex(64)
            ),
            "PuTTY-User-Key-File-3: ssh-ed25519\nPrivate-Lines: 1\nAAAA\n".to_owned(),
        ),
        case(
            "kubeconfig-client-key",
            format!(
                "    client-key-data: {}",
                ["LS0tLS1CRUdJT", &fill(&base64, 200)].concat()
            ),
            "    client-key-data: REDACTED".to_owned(),
        ),
        case(
            "jwt",
            format!(
                "Authorization: Bearer {}",
                [
                    "ey",
                    "JhbGciOiJIUzI1NiJ9.",
                    "eyJzdWIiOiIxMjM0NTY3ODkwIn0.",
                    &fill(&url_safe, 43)
                ]
                .concat()
            ),
            "Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxMjM0NTY3ODkwIn0.".to_owned(),
        ),
        case(
            "database-url-password",
            format!(
                "DATABASE_URL=postgres://app:{}@db.internal:5432/app",
                an(16)
            ),
            "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app".to_owned(),
        ),
        case(
            "broker-url-password",
            format!("AMQP_URL=amqp://svc:{}@rabbit:5672/", an(16)),
            "AMQP_URL=amqp://rabbit:5672/".to_owned(),
        ),
        case(
            "url-password",
            format!(
                "remote = https://deploy:{}@git.internal.test/repo.git",
                an(20)
            ),
            "remote = https://user:password@git.internal.test/repo.git".to_owned(),
        ),
        case(
            "netrc-password",
            format!("machine api.internal.test login deploy password {}", an(20)),
            "machine api.internal.test login deploy password changeme".to_owned(),
        ),
        case(
            "generic-password",
            format!("db_password = \"{}\"", an(20)),
            "db_password = \"${DB_PASSWORD}\"".to_owned(),
        ),
        case(
            "generic-secret",
            format!("client_secret: \"{}\"", an(32)),
            format!("client_secret: \"{}\"", "a".repeat(32)),
        ),
        // A weak password no format or entropy gate would pass, in a Secret's `data:`; the
        // same entry under a name that is not a credential's is not reported.
        case(
            "kubernetes-secret-data",
            kubernetes_secret("db-password", "letmein123"),
            kubernetes_secret("db-username", "letmein123"),
        ),
    ]
}

/// A Secret manifest with one `data:` entry, its value base64-encoded.
pub(crate) fn kubernetes_secret(key: &str, value: &str) -> String {
    let encoded = STANDARD.encode(value);
    format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\ndata:\n  {key}: {encoded}\n")
}

#[test]
fn every_rule_has_examples() {
    let rules: BTreeSet<String> = builtin_rules()
        .unwrap()
        .into_iter()
        .map(|rule| rule.id)
        .collect();
    let cases: BTreeSet<String> = cases().iter().map(|case| case.rule.to_owned()).collect();
    assert_eq!(
        rules, cases,
        "rules without examples, or examples of unknown rules"
    );
    assert_eq!(
        rules.len(),
        builtin_rules().unwrap().len(),
        "rule ids are unique"
    );
}

#[test]
fn positives_are_reported_and_negatives_are_not() {
    let scanner = scanner();
    let mut failures = Vec::new();
    let cases = cases();
    for case in &cases {
        let positive = scanner.scan("positive.txt", case.positive.as_bytes());
        if !rule_ids(&positive).contains(&case.rule) {
            failures.push(format!(
                "{}: positive not found (got {:?})",
                case.rule,
                rule_ids(&positive)
            ));
        }
        let negative = scanner.scan("negative.txt", case.negative.as_bytes());
        if rule_ids(&negative).contains(&case.rule) {
            failures.push(format!("{}: negative reported", case.rule));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} rules failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

/// A finding carries the rule's facts and the masked secret only: at most four characters
/// of the secret survive.
#[test]
fn findings_never_carry_the_secret() {
    let scanner = scanner();
    for case in cases() {
        let scan = scanner.scan("positive.txt", case.positive.as_bytes());
        for finding in &scan.findings {
            assert!(
                finding.masked.ends_with("****") && finding.masked.chars().count() <= 8,
                "{}: {}",
                case.rule,
                finding.masked
            );
        }
    }
}
