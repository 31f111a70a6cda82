//! `custody key generate|import|public-key`: the files written (cosign's formats, mode 0600),
//! passwords from `COSIGN_PASSWORD`, refusals and their messages.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use custody_sign::keys::{KeyAlgorithm, PublicKey, SigningKey};

use crate::common::{TestContext, assert_success};

/// `crates/sign/tests/data/cosign-keys/<name>`: cosign's `keys_test.go` vectors.
fn cosign_fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../sign/tests/data/cosign-keys")
        .join(name)
}

/// `custody ARGS` with `COSIGN_PASSWORD` set to `password`, or unset (and no terminal) when
/// `None`.
fn run(context: &TestContext, args: &[&str], password: Option<&str>) -> Output {
    let mut command = context.command();
    command.args(args).stdin(Stdio::null());
    match password {
        Some(password) => command.env("COSIGN_PASSWORD", password),
        None => command.env_remove("COSIGN_PASSWORD"),
    };
    command.output().unwrap()
}

/// The key pair at `prefix`: the private key decrypted with `password`, and the public key.
fn read_pair(context: &TestContext, prefix: &str, password: &str) -> (SigningKey, PublicKey) {
    let private = fs_err::read_to_string(context.path(&format!("{prefix}.key"))).unwrap();
    assert!(private.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
    let key = SigningKey::from_cosign_pem(&private, password.as_bytes()).unwrap();
    let public = fs_err::read_to_string(context.path(&format!("{prefix}.pub"))).unwrap();
    assert!(public.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    (key, PublicKey::from_pem(&public).unwrap())
}

#[test]
fn generate_writes_a_cosign_key_pair() {
    let context = TestContext::new();
    let output = run(&context, &["key", "generate"], Some("s3cret"));
    assert_success(&output);
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "Private key written to cosign.key\nPublic key written to cosign.pub\n"
    );
    let (key, public) = read_pair(&context, "cosign", "s3cret");
    assert_eq!(key.public_key(), public);
    assert_eq!(public.algorithm(), KeyAlgorithm::EcdsaP256);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = fs_err::metadata(context.path("cosign.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The signature a cosign key makes verifies with the .pub file.
    let signature = key.sign(b"payload").unwrap();
    public.verify(b"payload", &signature).unwrap();
}

#[test]
fn generate_every_algorithm_with_an_empty_password() {
    let context = TestContext::new();
    for (name, algorithm) in [
        ("ecdsa-p384", KeyAlgorithm::EcdsaP384),
        ("ecdsa-p521", KeyAlgorithm::EcdsaP521),
        ("ed25519", KeyAlgorithm::Ed25519),
        ("rsa-2048", KeyAlgorithm::Rsa { bits: 2048 }),
    ] {
        // An empty COSIGN_PASSWORD is a password, as for cosign: no prompt.
        let output = run(
            &context,
            &[
                "key",
                "generate",
                "--algorithm",
                name,
                "--output-key-prefix",
                name,
            ],
            Some(""),
        );
        assert_success(&output);
        let (key, public) = read_pair(&context, name, "");
        assert_eq!(public.algorithm(), algorithm, "{name}");
        assert_eq!(key.public_key(), public, "{name}");
    }
    let refused = run(
        &context,
        &["key", "generate", "--algorithm", "rsa-1024"],
        Some(""),
    );
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("rsa-1024") && stderr.contains("ecdsa-p256"),
        "{stderr}"
    );
}

#[test]
fn generate_refuses_to_overwrite_without_force() {
    let context = TestContext::new();
    assert_success(&run(&context, &["key", "generate"], Some("one")));
    let first = fs_err::read_to_string(context.path("cosign.key")).unwrap();
    let refused = run(&context, &["key", "generate"], Some("two"));
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("cosign.key already exists") && stderr.contains("--force"),
        "{stderr}"
    );
    assert_eq!(
        fs_err::read_to_string(context.path("cosign.key")).unwrap(),
        first
    );
    assert_success(&run(&context, &["key", "generate", "--force"], Some("two")));
    let (key, public) = read_pair(&context, "cosign", "two");
    assert_eq!(key.public_key(), public);
}

#[test]
fn a_password_is_required_without_a_terminal() {
    let context = TestContext::new();
    let output = run(&context, &["key", "generate"], None);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("set COSIGN_PASSWORD"), "{stderr}");
    assert!(!context.path("cosign.key").exists());
}

#[test]
fn import_converts_plain_pem_keys() {
    let context = TestContext::new();
    for (name, algorithm) in [
        ("validecp256.key", KeyAlgorithm::EcdsaP256),
        ("validecp384.key", KeyAlgorithm::EcdsaP384),
        ("validecpkcs8.key", KeyAlgorithm::EcdsaP256),
        ("ed25519.key", KeyAlgorithm::Ed25519),
        ("generated-rsa3072.key", KeyAlgorithm::Rsa { bits: 3072 }),
    ] {
        let source = cosign_fixture(name);
        let original = SigningKey::from_pem(&fs_err::read_to_string(&source).unwrap()).unwrap();
        let output = run(
            &context,
            &["key", "import", source.to_str().unwrap(), "--force"],
            Some("pw"),
        );
        assert_success(&output);
        let (key, public) = read_pair(&context, "import-cosign", "pw");
        assert_eq!(public, original.public_key(), "{name}");
        assert_eq!(key.algorithm(), algorithm, "{name}");
    }
    // The keys cosign's import refuses, with its reasons.
    for (name, reason) in [
        (
            "invalidecp224.key",
            "unsupported elliptic curve 1.3.132.0.33",
        ),
        ("invalidrsasmallkey.key", "RSA key of 1024 bits refused"),
        (
            "invalidrsawithpubkey.key",
            "unexpected PEM block `PUBLIC KEY`",
        ),
    ] {
        let source = cosign_fixture(name);
        let output = run(
            &context,
            &[
                "key",
                "import",
                source.to_str().unwrap(),
                "--output-key-prefix",
                "refused",
            ],
            Some("pw"),
        );
        assert_eq!(output.status.code(), Some(2), "{name}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(reason), "{name}: {stderr}");
        assert!(stderr.contains(name), "the error names the file: {stderr}");
        assert!(!context.path("refused.key").exists());
    }
}

#[test]
fn public_key_prints_the_pub_file() {
    let context = TestContext::new();
    assert_success(&run(&context, &["key", "generate"], Some("pw")));
    let output = run(
        &context,
        &["key", "public-key", "--key", "cosign.key"],
        Some("pw"),
    );
    assert_success(&output);
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        fs_err::read_to_string(context.path("cosign.pub")).unwrap()
    );
    // cosign's own encrypted keys (password `hello`) and plain PEM keys work too.
    let cosign_key = cosign_fixture("pemsigstorekey.key");
    let output = run(
        &context,
        &["key", "public-key", "--key", cosign_key.to_str().unwrap()],
        Some("hello"),
    );
    assert_success(&output);
    let expected =
        SigningKey::from_cosign_pem(&fs_err::read_to_string(&cosign_key).unwrap(), b"hello")
            .unwrap()
            .public_key();
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected.to_pem());

    let wrong = run(
        &context,
        &["key", "public-key", "--key", "cosign.key"],
        Some("nope"),
    );
    assert_eq!(wrong.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        stderr.contains("cannot read the private key cosign.key"),
        "{stderr}"
    );
    assert!(
        stderr.contains("wrong password or corrupted key"),
        "{stderr}"
    );
    assert!(stderr.contains("hint: check the password"), "{stderr}");
}

#[test]
fn help_of_each_key_command() {
    let context = TestContext::new();
    for command in ["generate", "import", "public-key"] {
        let output = context
            .command()
            .args(["key", command, "--help"])
            .env("COLUMNS", "100")
            .output()
            .unwrap();
        assert_success(&output);
        insta::assert_snapshot!(
            format!("help_key_{command}"),
            String::from_utf8_lossy(&output.stdout)
        );
    }
}
