//! The built-in rule table, written from each provider's documented token format (the comment
//! above each entry cites the document). [`builtin_rules`] compiles it into [`Rule`]s for the
//! [`crate::Scanner`]; `tests/it/rules.rs` holds a positive and a negative example per rule.
//!
//! Conventions: the `secret` group includes a provider prefix when there is one (the masked
//! form then shows only the prefix); regexes are compiled without Unicode classes, so `\w`,
//! `\s` and `\b` are ASCII; keywords are the rarest literal every match must contain.

use custody_model::Severity::{self, Critical, High, Low, Medium};

use crate::Error;
use crate::rule::{Allowlist, Rule, Scope};

/// One row of the table before compilation.
struct Spec {
    id: &'static str,
    title: &'static str,
    severity: Severity,
    keywords: &'static [&'static str],
    regex: &'static str,
    entropy: Option<f64>,
    reach: Option<usize>,
    /// Whether [`PLACEHOLDER_WORDS`] applies (rules whose values are free-form).
    stopwords: bool,
    scope: Scope,
}

/// Values of free-form rules (passwords in URLs and assignments) that are placeholders, not
/// credentials.
const PLACEHOLDER_WORDS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "placeholder",
    "dummy",
    "sample",
    "redacted",
    "xxxxxx",
    "******",
    "your_",
    "your-",
    "<",
    "${",
    "{{",
    "$(",
    "%s",
    "process.env",
    "os.environ",
    "getenv",
    "secretkeyref",
    "password",
    "pass[",
    "test",
    "hunter2",
    "foo",
    "bar",
    // Password hashes (crypt(3) and PHC strings) are not the password.
    "$argon2",
    "$2a$",
    "$2b$",
    "$2y$",
    "$5$",
    "$6$",
    "$scrypt$",
    "$pbkdf2",
];

/// Whole values of free-form rules that are not credentials, each found in the false-positive
/// review of real trees recorded in BENCHMARKS.md.
const PLACEHOLDER_VALUES: &[&str] = &[
    // Environment variable names say where a secret lives:
    // `ENV_VAR_AUTH_TOKEN_FILE = 'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE'` (botocore).
    r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$",
    // Timestamps under password-ish names: `"PasswordLastUsed": "2016-09-08T21:47:36Z"`.
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}(?:[T ][0-9:.]+(?:Z|[+-][0-9:]+)?)?$",
    // The `user:pass` of documentation URLs: `postgres://user:pass@localhost:5432` (pydantic).
    r"(?i)^(?:pass|passwd|pwd|pw|secret)$",
];

/// Stop words of every other built-in rule: providers' documentation examples say so (AWS's
/// `AKIAIOSFODNN7EXAMPLE`) and test suites use such tokens, while a random token contains the
/// word with negligible probability.
const EXAMPLE_WORDS: &[&str] = &["example"];

/// How far past its keyword a PEM block may extend: an RSA-8192 key is about 6.5 KiB, an
/// OpenPGP secret key block with subkeys a few times that.
const PEM_REACH: usize = 32 * 1024;

const fn spec(
    id: &'static str,
    title: &'static str,
    severity: Severity,
    keywords: &'static [&'static str],
    regex: &'static str,
) -> Spec {
    Spec {
        id,
        title,
        severity,
        keywords,
        regex,
        entropy: None,
        reach: None,
        stopwords: false,
        scope: Scope::File,
    }
}

impl Spec {
    const fn entropy(mut self, bits: f64) -> Self {
        self.entropy = Some(bits);
        self
    }

    const fn reach(mut self, bytes: usize) -> Self {
        self.reach = Some(bytes);
        self
    }

    const fn stopwords(mut self) -> Self {
        self.stopwords = true;
        self
    }

    const fn secret_data(mut self) -> Self {
        self.scope = Scope::SecretData;
        self
    }
}

/// The table. Order is irrelevant; ids are unique (checked by a test).
const SPECS: &[Spec] = &[
    // AWS IAM "Unique ID prefixes": AKIA long-term and ASIA temporary access key ids, 20
    // characters, base32 upper-case alphabet.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-prefixes
    spec("aws-access-key-id", "AWS access key ID", High, &["AKIA", "ASIA", "ABIA", "ACCA"],
        r"\b(?P<secret>(?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b"),
    // The 40-character secret access key next to its key id (same IAM page; credentials file
    // format in the CLI guide).
    spec("aws-secret-access-key", "AWS secret access key next to its key ID", Critical, &["AKIA", "ASIA"],
        r"\b(?:AKIA|ASIA)[A-Z2-7]{16}\b[\s\S]{0,400}?(?:^|[^A-Za-z0-9/+])(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)")
        .entropy(4.0).reach(512),
    // An assigned secret access key without its id nearby (credentials file, env variable).
    // https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-files.html
    spec("aws-secret-access-key-assignment", "AWS secret access key", Critical, &["secret_access_key", "secretaccesskey"],
        r#"(?i)secret_?access_?key["']?\s*[:=]\s*["']?(?P<secret>[A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#)
        .entropy(4.0),
    // STS session tokens, assigned (AWS_SESSION_TOKEN, aws_session_token, X-Amz-Security-Token).
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_use-resources.html
    spec("aws-session-token", "AWS session token", High, &["session_token", "sessiontoken", "security-token"],
        r#"(?i)(?:session_?token|security-token)["']?\s*[:=]\s*["']?(?P<secret>[A-Za-z0-9/+=]{100,})"#)
        .entropy(4.5),
    // Amazon MWS auth tokens: `amzn.mws.` followed by a UUID.
    // https://docs.developer.amazonservices.com/en_US/dev_guide/DG_Registering.html
    spec("amazon-mws-auth-token", "Amazon MWS auth token", High, &["amzn.mws."],
        r"(?P<secret>amzn\.mws\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"),
    // GitHub token formats: prefix, then 36 base62 characters (the last six a CRC32 checksum).
    // https://github.blog/engineering/platform-security/behind-githubs-new-authentication-token-formats/
    // https://docs.github.com/en/authentication/keeping-your-account-and-data-secure/about-authentication-to-github#githubs-token-formats
    spec("github-pat", "GitHub personal access token (classic)", Critical, &["ghp_"],
        r"\b(?P<secret>ghp_[A-Za-z0-9]{36})\b"),
    spec("github-oauth-token", "GitHub OAuth access token", Critical, &["gho_"],
        r"\b(?P<secret>gho_[A-Za-z0-9]{36})\b"),
    spec("github-user-to-server-token", "GitHub App user-to-server token", Critical, &["ghu_"],
        r"\b(?P<secret>ghu_[A-Za-z0-9]{36})\b"),
    spec("github-server-to-server-token", "GitHub App installation token", Critical, &["ghs_"],
        r"\b(?P<secret>ghs_[A-Za-z0-9]{36})\b"),
    spec("github-refresh-token", "GitHub refresh token", Critical, &["ghr_"],
        r"\b(?P<secret>ghr_[A-Za-z0-9]{36,76})\b"),
    // Fine-grained PATs: `github_pat_`, 22 characters, `_`, 59 characters.
    spec("github-fine-grained-pat", "GitHub fine-grained personal access token", Critical, &["github_pat_"],
        r"\b(?P<secret>github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})\b"),
    // GitLab token prefixes: https://docs.gitlab.com/security/tokens/#token-prefixes
    spec("gitlab-pat", "GitLab personal access token", Critical, &["glpat-"],
        r"\b(?P<secret>glpat-[A-Za-z0-9_-]{20,60}(?:\.[0-9a-z]{2}\.[0-9a-z]{9})?)(?:[^A-Za-z0-9_.-]|$)"),
    spec("gitlab-runner-auth-token", "GitLab runner authentication token", High, &["glrt-"],
        r"\b(?P<secret>glrt-(?:t\d_)?[A-Za-z0-9_-]{20,40})(?:[^A-Za-z0-9_-]|$)"),
    spec("gitlab-runner-registration-token", "GitLab runner registration token", High, &["GR1348941"],
        r"\b(?P<secret>GR1348941[A-Za-z0-9_-]{20})(?:[^A-Za-z0-9_-]|$)"),
    spec("gitlab-pipeline-trigger-token", "GitLab pipeline trigger token", High, &["glptt-"],
        r"\b(?P<secret>glptt-[0-9a-f]{40})\b"),
    spec("gitlab-deploy-token", "GitLab deploy token", High, &["gldt-"],
        r"\b(?P<secret>gldt-[A-Za-z0-9_-]{20})(?:[^A-Za-z0-9_-]|$)"),
    spec("gitlab-feed-token", "GitLab feed token", Medium, &["glft-"],
        r"\b(?P<secret>glft-[A-Za-z0-9_-]{20})(?:[^A-Za-z0-9_-]|$)"),
    spec("gitlab-oauth-app-secret", "GitLab OAuth application secret", High, &["gloas-"],
        r"\b(?P<secret>gloas-[0-9a-f]{64})\b"),
    spec("gitlab-ci-job-token", "GitLab CI/CD job token", Medium, &["glcbt-"],
        r"\b(?P<secret>glcbt-[0-9a-f]{1,5}_[A-Za-z0-9_-]{20})(?:[^A-Za-z0-9_-]|$)"),
    spec("gitlab-scim-token", "GitLab SCIM token", High, &["glsoat-"],
        r"\b(?P<secret>glsoat-[A-Za-z0-9_-]{20})(?:[^A-Za-z0-9_-]|$)"),
    spec("gitlab-agent-token", "GitLab agent for Kubernetes token", High, &["glagent-"],
        r"\b(?P<secret>glagent-[A-Za-z0-9_-]{50})(?:[^A-Za-z0-9_-]|$)"),
    // Atlassian: Bitbucket app passwords start `ATBB`, API tokens `ATATT3`.
    // https://support.atlassian.com/bitbucket-cloud/docs/app-passwords/
    // https://support.atlassian.com/atlassian-account/docs/manage-api-tokens-for-your-atlassian-account/
    spec("bitbucket-app-password", "Bitbucket app password", High, &["ATBB"],
        r"\b(?P<secret>ATBB[A-Za-z0-9_=.-]{32})(?:[^A-Za-z0-9_=.-]|$)"),
    spec("atlassian-api-token", "Atlassian API token", High, &["ATATT3"],
        r"\b(?P<secret>ATATT3[A-Za-z0-9_=-]{186})(?:[^A-Za-z0-9_=-]|$)"),
    // Slack token types: https://api.slack.com/authentication/token-types
    spec("slack-bot-token", "Slack bot token", High, &["xoxb-"],
        r"\b(?P<secret>xoxb-[0-9]{10,13}-[0-9]{10,13}-[A-Za-z0-9]{24})\b"),
    spec("slack-user-token", "Slack user token", High, &["xoxp-"],
        r"\b(?P<secret>xoxp-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32})\b"),
    spec("slack-workspace-token", "Slack legacy workspace token", High, &["xoxa-"],
        r"\b(?P<secret>xoxa-2-[0-9]{10,13}-[0-9]{10,13}-[0-9]{10,13}-[a-f0-9]{32})\b"),
    spec("slack-app-token", "Slack app-level token", High, &["xapp-"],
        r"\b(?P<secret>xapp-1-[A-Z0-9]{9,12}-[0-9]{10,14}-[a-f0-9]{64})\b"),
    spec("slack-config-token", "Slack app configuration token", High, &["xoxe."],
        r"\b(?P<secret>xoxe\.xox[bp]-1-[A-Za-z0-9]{160,170})\b"),
    // Incoming webhooks: https://api.slack.com/messaging/webhooks
    spec("slack-webhook", "Slack incoming webhook URL", Medium, &["hooks.slack.com"],
        r"(?P<secret>https://hooks\.slack\.com/(?:services|workflows|triggers)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[A-Za-z0-9]{24,48})"),
    // Discord webhooks: https://discord.com/developers/docs/resources/webhook
    spec("discord-webhook", "Discord webhook URL", Medium, &["/api/webhooks/"],
        r"(?P<secret>https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_-]{60,68})"),
    // Discord bot tokens: base64 user id, timestamp, HMAC, separated by dots; only near the
    // word "discord" because the shape alone is too common.
    // https://discord.com/developers/docs/reference#authentication
    spec("discord-bot-token", "Discord bot token", High, &["discord"],
        r"(?i:discord)[\s\S]{0,80}?\b(?P<secret>[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38})\b")
        .reach(160),
    // Telegram bot tokens from BotFather: `<bot id>:AA<33 characters>`.
    // https://core.telegram.org/bots/api#authorizing-your-bot
    spec("telegram-bot-token", "Telegram bot token", High, &[":AA"],
        r"\b(?P<secret>[0-9]{8,10}:AA[A-Za-z0-9_-]{33})(?:[^A-Za-z0-9_-]|$)"),
    // Stripe API keys: https://docs.stripe.com/keys#obtain-api-keys
    spec("stripe-secret-key", "Stripe live secret key", Critical, &["sk_live_"],
        r"\b(?P<secret>sk_live_[A-Za-z0-9]{24,247})\b"),
    spec("stripe-restricted-key", "Stripe live restricted key", High, &["rk_live_"],
        r"\b(?P<secret>rk_live_[A-Za-z0-9]{24,247})\b"),
    spec("stripe-test-secret-key", "Stripe test-mode secret key", Low, &["sk_test_"],
        r"\b(?P<secret>sk_test_[A-Za-z0-9]{24,247})\b"),
    // Webhook signing secrets: https://docs.stripe.com/webhooks#verify-events
    spec("stripe-webhook-secret", "Stripe webhook signing secret", High, &["whsec_"],
        r"\b(?P<secret>whsec_[A-Za-z0-9+/]{32,64})\b"),
    // Square: https://developer.squareup.com/docs/build-basics/access-tokens
    spec("square-access-token", "Square access token", Critical, &["sq0atp-"],
        r"\b(?P<secret>sq0atp-[A-Za-z0-9_-]{22})(?:[^A-Za-z0-9_-]|$)"),
    // Current production access tokens (`EAAA` + 60) look like any base64 run, so only near
    // the word "square".
    spec("square-production-token", "Square production access token", Critical, &["square"],
        r"(?i:square)[\s\S]{0,200}?\b(?P<secret>EAAA[A-Za-z0-9_-]{60})(?:[^A-Za-z0-9_-]|$)")
        .reach(300),
    spec("square-oauth-secret", "Square OAuth application secret", Critical, &["sq0csp-"],
        r"\b(?P<secret>sq0csp-[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)"),
    // Braintree/PayPal access tokens: `access_token$production$<merchant>$<hex>`.
    // https://developer.paypal.com/braintree/docs/guides/authorization/overview
    spec("braintree-access-token", "PayPal Braintree access token", Critical, &["access_token$production$"],
        r"(?P<secret>access_token\$production\$[0-9a-z]{16}\$[0-9a-f]{32})"),
    // SendGrid API keys: `SG.` + 22 + `.` + 43 characters.
    // https://www.twilio.com/docs/sendgrid/ui/account-and-settings/api-keys
    spec("sendgrid-api-key", "SendGrid API key", High, &["SG."],
        r"\b(?P<secret>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?:[^A-Za-z0-9_-]|$)"),
    // Twilio API key SIDs are `SK` + 32 hex; the shape is only meaningful near "twilio".
    // https://www.twilio.com/docs/iam/api-keys
    spec("twilio-api-key", "Twilio API key", High, &["twilio"],
        r"(?i:twilio)[\s\S]{0,200}?\b(?P<secret>SK[0-9a-f]{32})\b").reach(300),
    // Account auth tokens are 32 hex characters, assigned to a twilio auth token name.
    // https://www.twilio.com/docs/iam/api/authtoken
    spec("twilio-auth-token", "Twilio auth token", Critical, &["twilio"],
        r#"(?i)twilio[\w.-]{0,20}auth[\w.-]{0,5}token["']?\s*[:=]\s*["']?(?P<secret>[0-9a-f]{32})\b"#),
    // Mailgun private API keys (`key-` + 32 hex, or the newer three-part hex form).
    // https://documentation.mailgun.com/docs/mailgun/user-manual/get-started/#primary-account-api-key
    spec("mailgun-api-key", "Mailgun API key", High, &["mailgun"],
        r"(?i:mailgun)[\s\S]{0,200}?\b(?P<secret>key-[0-9a-f]{32}|[0-9a-f]{32}-[0-9a-f]{8}-[0-9a-f]{8})\b").reach(300),
    // Mailchimp API keys: 32 hex characters and the data-center suffix `-usN`.
    // https://mailchimp.com/developer/marketing/guides/quick-start/#generate-your-api-key
    spec("mailchimp-api-key", "Mailchimp API key", High, &["-us"],
        r"\b(?P<secret>[0-9a-f]{32}-us[0-9]{1,2})\b"),
    // npm access tokens: https://docs.npmjs.com/about-access-tokens
    spec("npm-access-token", "npm access token", Critical, &["npm_"],
        r"\b(?P<secret>npm_[A-Za-z0-9]{36})\b"),
    // `.npmrc` `_authToken` entries (any registry); variables are not secrets.
    // https://docs.npmjs.com/cli/v10/configuring-npm/npmrc#auth-related-configuration
    spec("npmrc-auth-token", "npm registry auth token in .npmrc", High, &["_authToken"],
        r"_authToken\s*=\s*(?P<secret>[A-Za-z0-9_.+/=-]{20,})").stopwords(),
    // PyPI API tokens are macaroons whose base64 starts with the encoded `pypi.org` location.
    // https://pypi.org/help/#apitoken
    spec("pypi-token", "PyPI upload token", Critical, &["pypi-AgEIcHlwaS5vcmc"],
        r"\b(?P<secret>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})"),
    spec("test-pypi-token", "TestPyPI upload token", Low, &["pypi-AgENdGVzdC5weXBpLm9yZw"],
        r"\b(?P<secret>pypi-AgENdGVzdC5weXBpLm9yZw[A-Za-z0-9_-]{50,})"),
    // RubyGems API keys: https://guides.rubygems.org/api-key-scopes/
    spec("rubygems-api-key", "RubyGems API key", Critical, &["rubygems_"],
        r"\b(?P<secret>rubygems_[0-9a-f]{48})\b"),
    // NuGet.org API keys: `oy2` + 43 lower-case base32 characters.
    // https://learn.microsoft.com/en-us/nuget/nuget-org/scoped-api-keys
    spec("nuget-api-key", "NuGet API key", Critical, &["oy2"],
        r"\b(?P<secret>oy2[a-z0-9]{43})\b"),
    // Docker Hub personal access tokens: https://docs.docker.com/security/for-developers/access-tokens/
    spec("dockerhub-pat", "Docker Hub personal access token", Critical, &["dckr_pat_"],
        r"\b(?P<secret>dckr_pat_[A-Za-z0-9_-]{27})(?:[^A-Za-z0-9_-]|$)"),
    // `~/.docker/config.json` `auths.<registry>.auth`: base64 of `user:password`.
    // https://docs.docker.com/reference/cli/docker/login/#credential-stores
    spec("docker-config-auth", "Registry credentials in Docker config.json", High, &[r#""auth""#],
        r#""auth"\s*:\s*"(?P<secret>[A-Za-z0-9+/]{12,}={0,2})""#).entropy(3.0),
    // Google API keys: `AIza` + 35 characters.
    // https://cloud.google.com/docs/authentication/api-keys
    spec("gcp-api-key", "Google Cloud API key", High, &["AIza"],
        r"\b(?P<secret>AIza[A-Za-z0-9_-]{35})(?:[^A-Za-z0-9_-]|$)"),
    // Service-account key files: JSON with `"type": "service_account"` and a PEM private key.
    // https://cloud.google.com/iam/docs/keys-create-delete#creating
    spec("gcp-service-account-key", "Google Cloud service account key", Critical, &["service_account"],
        r#""type"\s*:\s*"service_account"[\s\S]{0,4096}?"private_key"\s*:\s*"(?P<secret>-----BEGIN[^"]{64,})""#)
        .reach(PEM_REACH),
    // OAuth client secrets: https://developers.google.com/identity/protocols/oauth2
    spec("gcp-oauth-client-secret", "Google OAuth client secret", High, &["GOCSPX-"],
        r"\b(?P<secret>GOCSPX-[A-Za-z0-9_-]{28})(?:[^A-Za-z0-9_-]|$)"),
    spec("gcp-oauth-access-token", "Google OAuth access token", Medium, &["ya29."],
        r"\b(?P<secret>ya29\.[A-Za-z0-9_-]{30,})"),
    // Azure Storage connection strings and Cosmos DB keys: an 86-character base64 key + `==`.
    // https://learn.microsoft.com/en-us/azure/storage/common/storage-configure-connection-string
    spec("azure-storage-account-key", "Azure storage account key", Critical, &["AccountKey="],
        r"AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)"),
    // Service Bus / Event Hubs SAS keys: 43 base64 characters + `=`.
    // https://learn.microsoft.com/en-us/azure/service-bus-messaging/service-bus-sas
    spec("azure-shared-access-key", "Azure Service Bus or Event Hubs shared access key", High, &["SharedAccessKey="],
        r"SharedAccessKey=(?P<secret>[A-Za-z0-9+/]{43}=)"),
    // Shared access signatures: the `sig=` parameter of a URL with a storage `sv=` version.
    // https://learn.microsoft.com/en-us/rest/api/storageservices/create-service-sas
    spec("azure-sas-token", "Azure shared access signature", High, &["sig="],
        r"\bsv=[0-9]{4}-[0-9]{2}-[0-9]{2}&[^\s\x22']{0,400}?\bsig=(?P<secret>[A-Za-z0-9%+/]{40,}={0,2})"),
    // Entra ID client secrets carry `Q~` at position 4.
    // https://learn.microsoft.com/en-us/purview/sit-defn-client-secret-api-key
    spec("azure-ad-client-secret", "Microsoft Entra ID client secret", High, &["Q~"],
        r"(?:^|[^A-Za-z0-9_~.-])(?P<secret>[A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?:[^A-Za-z0-9_~.-]|$)"),
    // Alibaba Cloud AccessKey ids start `LTAI`.
    // https://www.alibabacloud.com/help/en/ram/user-guide/create-an-accesskey-pair
    spec("alibaba-access-key-id", "Alibaba Cloud AccessKey ID", High, &["LTAI"],
        r"\b(?P<secret>LTAI[A-Za-z0-9]{12,20})\b"),
    // Tencent Cloud SecretId: `AKID` + 32 characters.
    // https://www.tencentcloud.com/document/product/598/32675
    spec("tencent-secret-id", "Tencent Cloud SecretId", High, &["AKID"],
        r"\b(?P<secret>AKID[A-Za-z0-9]{32})\b"),
    // DigitalOcean token prefixes: https://docs.digitalocean.com/reference/api/create-personal-access-token/
    spec("digitalocean-pat", "DigitalOcean personal access token", Critical, &["dop_v1_"],
        r"\b(?P<secret>dop_v1_[a-f0-9]{64})\b"),
    spec("digitalocean-oauth-token", "DigitalOcean OAuth token", Critical, &["doo_v1_"],
        r"\b(?P<secret>doo_v1_[a-f0-9]{64})\b"),
    spec("digitalocean-refresh-token", "DigitalOcean refresh token", High, &["dor_v1_"],
        r"\b(?P<secret>dor_v1_[a-f0-9]{64})\b"),
    // HashiCorp Vault tokens (1.10+ prefixes): https://developer.hashicorp.com/vault/docs/concepts/tokens#token-prefixes
    spec("vault-service-token", "HashiCorp Vault service token", Critical, &["hvs."],
        r"\b(?P<secret>hvs\.[A-Za-z0-9_-]{24,})"),
    spec("vault-batch-token", "HashiCorp Vault batch token", High, &["hvb."],
        r"\b(?P<secret>hvb\.[A-Za-z0-9_-]{24,})"),
    // Terraform Cloud / HCP Terraform API tokens: `<14>.atlasv1.<60-70>`.
    // https://developer.hashicorp.com/terraform/cloud-docs/users-teams-organizations/api-tokens
    spec("terraform-cloud-token", "HCP Terraform API token", Critical, &[".atlasv1."],
        r"\b(?P<secret>[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_=-]{60,70})(?:[^A-Za-z0-9_=-]|$)"),
    // Pulumi access tokens: https://www.pulumi.com/docs/pulumi-cloud/access-management/access-tokens/
    spec("pulumi-access-token", "Pulumi access token", High, &["pul-"],
        r"\b(?P<secret>pul-[a-f0-9]{40})\b"),
    // Doppler token prefixes: https://docs.doppler.com/reference/auth-token-formats
    spec("doppler-token", "Doppler token", High, &["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
        r"\b(?P<secret>dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44})\b"),
    // Grafana: https://grafana.com/docs/grafana/latest/administration/service-accounts/
    spec("grafana-service-account-token", "Grafana service account token", High, &["glsa_"],
        r"\b(?P<secret>glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})\b"),
    spec("grafana-cloud-token", "Grafana Cloud access policy token", High, &["glc_"],
        r"\b(?P<secret>glc_[A-Za-z0-9+/]{32,400}={0,2})"),
    // New Relic key prefixes: https://docs.newrelic.com/docs/apis/intro-apis/new-relic-api-keys/
    spec("newrelic-user-api-key", "New Relic user API key", High, &["NRAK-"],
        r"\b(?P<secret>NRAK-[A-Z0-9]{27})\b"),
    spec("newrelic-insert-key", "New Relic insert key", Medium, &["NRII-"],
        r"\b(?P<secret>NRII-[A-Za-z0-9_-]{32})(?:[^A-Za-z0-9_-]|$)"),
    // Sentry auth tokens: https://docs.sentry.io/account/auth-tokens/
    spec("sentry-org-token", "Sentry organization auth token", High, &["sntrys_"],
        r"\b(?P<secret>sntrys_eyJ[A-Za-z0-9+/=_-]{80,})"),
    spec("sentry-user-token", "Sentry user auth token", High, &["sntryu_"],
        r"\b(?P<secret>sntryu_[a-f0-9]{64})\b"),
    // Dynatrace tokens: https://docs.dynatrace.com/docs/manage/access-control/access-tokens#token-format
    spec("dynatrace-token", "Dynatrace API token", High, &["dt0c01."],
        r"\b(?P<secret>dt0c01\.[A-Z0-9]{24}\.[A-Z0-9]{64})\b"),
    // Databricks PATs: https://docs.databricks.com/en/dev-tools/auth/pat.html
    spec("databricks-token", "Databricks personal access token", High, &["dapi"],
        r"\b(?P<secret>dapi[a-f0-9]{32}(?:-[0-9])?)\b"),
    // Hugging Face user access tokens: https://huggingface.co/docs/hub/security-tokens
    spec("huggingface-token", "Hugging Face access token", High, &["hf_"],
        r"\b(?P<secret>hf_[A-Za-z]{34})\b"),
    // OpenAI keys embed `T3BlbkFJ` (base64 "OpenAI"): https://platform.openai.com/docs/api-reference/authentication
    spec("openai-api-key", "OpenAI API key", High, &["T3BlbkFJ"],
        r"\b(?P<secret>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{20,74})(?:[^A-Za-z0-9_-]|$)"),
    // Anthropic API keys: https://docs.anthropic.com/en/api/getting-started
    spec("anthropic-api-key", "Anthropic API key", High, &["sk-ant-"],
        r"\b(?P<secret>sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)(?:[^A-Za-z0-9_-]|$)"),
    // Groq API keys: https://console.groq.com/docs/quickstart
    spec("groq-api-key", "Groq API key", High, &["gsk_"],
        r"\b(?P<secret>gsk_[A-Za-z0-9]{52})\b"),
    // Replicate API tokens: https://replicate.com/docs/topics/security/api-tokens
    spec("replicate-api-token", "Replicate API token", High, &["r8_"],
        r"\b(?P<secret>r8_[A-Za-z0-9]{37})\b"),
    // Shopify access tokens: https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens
    spec("shopify-access-token", "Shopify access token", High, &["shpat_", "shpca_", "shppa_"],
        r"\b(?P<secret>shp(?:at|ca|pa)_[a-fA-F0-9]{32})\b"),
    spec("shopify-shared-secret", "Shopify app shared secret", High, &["shpss_"],
        r"\b(?P<secret>shpss_[a-fA-F0-9]{32})\b"),
    // Linear API keys: https://developers.linear.app/docs/graphql/working-with-the-graphql-api#personal-api-keys
    spec("linear-api-key", "Linear API key", High, &["lin_api_"],
        r"\b(?P<secret>lin_api_[A-Za-z0-9]{40})\b"),
    // Postman API keys: https://learning.postman.com/docs/developer/postman-api/authentication/
    spec("postman-api-key", "Postman API key", High, &["PMAK-"],
        r"\b(?P<secret>PMAK-[a-f0-9]{24}-[a-f0-9]{34})\b"),
    // Figma personal access tokens: https://www.figma.com/developers/api#access-tokens
    spec("figma-pat", "Figma personal access token", Medium, &["figd_"],
        r"\b(?P<secret>figd_[A-Za-z0-9_-]{40})(?:[^A-Za-z0-9_-]|$)"),
    // Notion integration tokens: https://developers.notion.com/docs/authorization
    spec("notion-token", "Notion integration token", High, &["ntn_"],
        r"\b(?P<secret>ntn_[0-9]{11}[A-Za-z0-9]{35})\b"),
    // Tailscale keys: https://tailscale.com/kb/1085/auth-keys
    spec("tailscale-key", "Tailscale auth or API key", High, &["tskey-"],
        r"\b(?P<secret>tskey-(?:auth|api|client|scim|webhook)-[A-Za-z0-9]{10,20}-[A-Za-z0-9]{20,40})\b"),
    // Buildkite API access tokens: https://buildkite.com/docs/apis/managing-api-tokens
    spec("buildkite-token", "Buildkite API access token", High, &["bkua_"],
        r"\b(?P<secret>bkua_[a-f0-9]{40})\b"),
    // CircleCI personal API tokens: https://circleci.com/docs/managing-api-tokens/
    spec("circleci-pat", "CircleCI personal API token", High, &["CCIPAT_"],
        r"\b(?P<secret>CCIPAT_[A-Za-z0-9]{22}_[a-f0-9]{40})\b"),
    // Netlify personal access tokens: https://docs.netlify.com/api/get-started/#authentication
    spec("netlify-pat", "Netlify personal access token", High, &["nfp_"],
        r"\b(?P<secret>nfp_[A-Za-z0-9]{36})\b"),
    // SonarQube/SonarCloud tokens: https://docs.sonarsource.com/sonarqube-server/latest/user-guide/managing-tokens/
    spec("sonar-token", "SonarQube token", Medium, &["sqp_", "squ_", "sqa_"],
        r"\b(?P<secret>sq[pua]_[a-f0-9]{40})\b"),
    // JFrog Artifactory API keys (`AKCp`) and reference tokens (base64 of `reftkn`).
    // https://jfrog.com/help/r/jfrog-platform-administration-documentation/access-tokens
    spec("artifactory-api-key", "JFrog Artifactory API key", High, &["AKCp"],
        r"\b(?P<secret>AKCp[A-Za-z0-9]{69})\b"),
    spec("artifactory-reference-token", "JFrog Artifactory reference token", High, &["cmVmdGtu"],
        r"\b(?P<secret>cmVmdGtu[A-Za-z0-9]{56})\b"),
    // PlanetScale tokens: https://planetscale.com/docs/concepts/service-tokens
    spec("planetscale-token", "PlanetScale token or password", High, &["pscale_tkn_", "pscale_pw_", "pscale_oauth_"],
        r"\b(?P<secret>pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_.=-]{32,64})"),
    // Supabase management API tokens: https://supabase.com/docs/reference/api/introduction
    spec("supabase-token", "Supabase access token", High, &["sbp_"],
        r"\b(?P<secret>sbp_[a-f0-9]{40})\b"),
    // Mapbox secret tokens (`sk.` + JWT-like body; public `pk.` tokens are not secrets).
    // https://docs.mapbox.com/accounts/guides/tokens/
    spec("mapbox-secret-token", "Mapbox secret access token", Medium, &["sk.eyJ"],
        r"\b(?P<secret>sk\.eyJ[A-Za-z0-9_-]{50,}\.[A-Za-z0-9_-]{20,})"),
    // age identities: https://age-encryption.org/v1 (Bech32 `AGE-SECRET-KEY-1...`).
    spec("age-secret-key", "age secret key", Critical, &["AGE-SECRET-KEY-1"],
        r"\b(?P<secret>AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})\b"),
    // 1Password service account tokens: https://developer.1password.com/docs/service-accounts/
    spec("onepassword-service-account-token", "1Password service account token", Critical, &["ops_eyJ"],
        r"\b(?P<secret>ops_eyJ[A-Za-z0-9+/]{250,}={0,3})"),
    // Private keys in PEM (RFC 7468) and OpenSSH/OpenPGP armour, with real or JSON-escaped
    // (`\n`) line breaks. The body is the secret.
    spec("private-key-rsa", "RSA private key", Critical, &["BEGIN RSA PRIVATE KEY"],
        r"-----BEGIN RSA PRIVATE KEY-----(?:\\n|\s)+(?P<secret>[A-Za-z0-9+/=][A-Za-z0-9+/=\\\s:,.-]{63,}?)(?:\\n|\s)*-----END RSA PRIVATE KEY-----")
        .reach(PEM_REACH),
    spec("private-key-ec", "EC private key", Critical, &["BEGIN EC PRIVATE KEY"],
        r"-----BEGIN EC PRIVATE KEY-----(?:\\n|\s)+(?P<secret>[A-Za-z0-9+/=][A-Za-z0-9+/=\\\s:,.-]{63,}?)(?:\\n|\s)*-----END EC PRIVATE KEY-----")
        .reach(PEM_REACH),
    spec("private-key-dsa", "DSA private key", Critical, &["BEGIN DSA PRIVATE KEY"],
        r"-----BEGIN DSA PRIVATE KEY-----(?:\\n|\s)+(?P<secret>[A-Za-z0-9+/=][A-Za-z0-9+/=\\\s:,.-]{63,}?)(?:\\n|\s)*-----END DSA PRIVATE KEY-----")
        .reach(PEM_REACH),
    spec("private-key-openssh", "OpenSSH private key", Critical, &["BEGIN OPENSSH PRIVATE KEY"],
        r"-----BEGIN OPENSSH PRIVATE KEY-----(?:\\n|\s)+(?P<secret>[A-Za-z0-9+/=][A-Za-z0-9+/=\\\s]{63,}?)(?:\\n|\s)*-----END OPENSSH PRIVATE KEY-----")
        .reach(PEM_REACH),
    // PKCS#8 (RFC 5208 / RFC 7468 §10-11).
    spec("private-key-pkcs8", "PKCS#8 private key", Critical, &["BEGIN PRIVATE KEY"],
        r"-----BEGIN PRIVATE KEY-----(?:\\n|\s)+(?P<secret>[A-Za-z0-9+/=][A-Za-z0-9+/=\\\s]{63,}?)(?:\\n|\s)*-----END PRIVATE KEY-----")
        .reach(PEM_REACH),
    spec("private-key-pkcs8-encrypted", "Encrypted PKCS#8 private key", High, &["BEGIN ENCRYPTED PRIVATE KEY"],
        r"-----BEGIN ENCRYPTED PRIVATE KEY-----(?:\\n|\s)+(?P<secret>[A-Za-z0-9+/=][A-Za-z0-9+/=\\\s]{63,}?)(?:\\n|\s)*-----END ENCRYPTED PRIVATE KEY-----")
        .reach(PEM_REACH),
    // OpenPGP armour (RFC 9580 §6.2).
    spec("private-key-pgp", "OpenPGP private key block", Critical, &["BEGIN PGP PRIVATE KEY BLOCK"],
        r"-----BEGIN PGP PRIVATE KEY BLOCK-----(?:\\n|\s)+(?P<secret>[A-Za-z0-9+/=][A-Za-z0-9+/=\\\s:,.()@<>-]{63,}?)(?:\\n|\s)*-----END PGP PRIVATE KEY BLOCK-----")
        .reach(PEM_REACH),
    // PuTTY key files (PPK v2/v3): https://the.earth.li/~sgtatham/putty/0.78/htmldoc/AppendixC.html
    spec("private-key-putty", "PuTTY private key", Critical, &["PuTTY-User-Key-File-"],
        r"PuTTY-User-Key-File-[23]:[\s\S]{0,4096}?Private-Lines:\s*[0-9]+\r?\n(?P<secret>[A-Za-z0-9+/=]{40,}(?:\r?\n[A-Za-z0-9+/=]+)*)")
        .reach(PEM_REACH),
    // Kubeconfig client keys (base64 PEM inline).
    // https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/
    spec("kubeconfig-client-key", "Kubernetes client key in a kubeconfig", Critical, &["client-key-data"],
        r"client-key-data:\s*(?P<secret>LS0tLS1CRUdJT[A-Za-z0-9+/=]{100,})"),
    // JSON Web Tokens (RFC 7519): three base64url parts, header and claims both JSON objects.
    spec("jwt", "JSON Web Token", Medium, &["eyJ"],
        r"\b(?P<secret>eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{16,})(?:[^A-Za-z0-9_.-]|$)"),
    // Connection URLs with an inline password (RFC 3986 §3.2.1 userinfo).
    spec("database-url-password", "Database URL with an inline password", High,
        &["postgres://", "postgresql://", "mysql://", "mariadb://", "mongodb://", "mongodb+srv://", "redis://", "rediss://", "sqlserver://", "mssql://", "clickhouse://", "cockroachdb://", "oracle://"],
        r"(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|sqlserver|mssql|clickhouse|cockroachdb|oracle)://[^\s:/@\x22'<>]{0,64}:(?P<secret>[^\s:/@\x22'<>]{3,128})@[A-Za-z0-9.\[\]_-]")
        .stopwords(),
    spec("broker-url-password", "Message broker URL with an inline password", High,
        &["amqp://", "amqps://", "mqtt://", "mqtts://", "nats://", "kafka://", "stomp://"],
        r"(?i)\b(?:amqps?|mqtts?|nats|kafka|stomp)://[^\s:/@\x22'<>]{0,64}:(?P<secret>[^\s:/@\x22'<>]{3,128})@[A-Za-z0-9.\[\]_-]")
        .stopwords(),
    spec("url-password", "URL with an inline password", Medium,
        &["http://", "https://", "ftp://", "ftps://", "sftp://", "ssh://", "smtp://", "smtps://", "ldap://", "ldaps://"],
        r"(?i)\b(?:https?|ftps?|sftp|ssh|smtps?|ldaps?)://[^\s:/@\x22'<>]{1,64}:(?P<secret>[^\s:/@\x22'<>]{3,128})@[A-Za-z0-9.\[\]_-]")
        .entropy(3.0).stopwords(),
    // `.netrc` entries (GNU inetutils manual, "The .netrc file").
    spec("netrc-password", "Password in a .netrc entry", High, &["machine"],
        r"\bmachine\s+\S+\s+login\s+\S+\s+password\s+(?P<secret>\S{4,})").stopwords(),
    // Generic assignments: gated by entropy and the placeholder stop words, and by a quoted
    // value so code (`password = get_password()`) is not matched.
    spec("generic-password", "Hard-coded password", Medium, &["password", "passwd", "pwd"],
        r#"(?i)(?:password|passwd|pwd)[\w.-]{0,20}["']?\s*(?::=|=>|[:=])\s*["'`](?P<secret>[^"'`\s]{8,128})["'`]"#)
        .entropy(3.2).stopwords(),
    spec("generic-secret", "Hard-coded secret or API key", Medium,
        &["secret", "api_key", "apikey", "api-key", "access_token", "auth_token", "private_key"],
        r#"(?i)(?:secret|api[_-]?key|access_token|auth_token|private_key)[\w.-]{0,20}["']?\s*(?::=|=>|[:=])\s*["'`](?P<secret>[A-Za-z0-9+/=_.~-]{16,256})["'`]"#)
        .entropy(3.8).stopwords(),
    // A `data:` (decoded) or `stringData:` entry of a Kubernetes Secret manifest named like a
    // credential, whatever its value looks like: the manifest says it is one, and weak passwords (which no
    // entropy gate passes) are the worst leaks. Runs only when no format rule matched the
    // entry. gitleaks (`kubernetes-secret`) and secretlint (`no-k8s-kind-secret`) flag every
    // Secret manifest instead, which also reports user names, hosts and ports; Checkov's
    // detect-secrets keyword plugin sees only the base64 text. Names per the Secret types in
    // https://kubernetes.io/docs/concepts/configuration/secret/#secret-types.
    spec("kubernetes-secret-data", "Credential in a Kubernetes Secret manifest", High, &[],
        r#"(?i)^[\w.-]*(?:passw(?:or)?d|pwd|passphrase|secret|token|api[_-]?key|credential|private[_-]?key|auth)[\w.-]*: "(?P<secret>[^"\r\n]{4,})"$"#)
        .stopwords().secret_data(),
];

/// The ids of the built-in rules, without compiling them.
pub(crate) fn builtin_ids() -> impl Iterator<Item = &'static str> {
    SPECS.iter().map(|spec| spec.id)
}

/// The built-in rules, compiled.
pub fn builtin_rules() -> Result<Vec<Rule>, Error> {
    let placeholders = PLACEHOLDER_VALUES
        .iter()
        .map(|pattern| {
            crate::config::compile_bytes(pattern, || "placeholder values".to_owned(), None)
        })
        .collect::<Result<Vec<_>, _>>()?;
    SPECS
        .iter()
        .map(|spec| {
            let regex = crate::config::compile_bytes(spec.regex, || spec.id.to_owned(), None)?;
            Ok(Rule {
                id: spec.id.to_owned(),
                title: spec.title.to_owned(),
                severity: spec.severity,
                keywords: spec
                    .keywords
                    .iter()
                    .map(|&keyword| keyword.to_owned())
                    .collect(),
                regex,
                entropy: spec.entropy,
                reach: spec.reach,
                scope: spec.scope,
                allowlist: Allowlist {
                    stopwords: if spec.stopwords {
                        PLACEHOLDER_WORDS
                    } else {
                        EXAMPLE_WORDS
                    }
                    .iter()
                    .map(|&word| word.to_owned())
                    .collect(),
                    regexes: if spec.stopwords {
                        placeholders.clone()
                    } else {
                        Vec::new()
                    },
                    ..Allowlist::default()
                },
            })
        })
        .collect()
}
