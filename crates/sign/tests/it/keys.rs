//! Keys: the sigstore-rs and cosign key vectors (encrypted keys decrypt with their known
//! passwords to the matching plain keys; the keys cosign refuses are refused for the same
//! reason), sign/verify round trips for every algorithm, bad input, and Node's `crypto` as an
//! independent oracle for the key and signature formats in both directions.

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use custody_sign::keys::{
    HashAlgorithm, KeyAlgorithm, KeyError, PublicKey, SignatureError, SigningKey,
};
use serde_json::Value;

use crate::conformance::sigstore_dir;

/// The message signed throughout.
const MESSAGE: &[u8] = b"custody signs what was scanned\n";

/// `keys-and-roots/<relative>` of the conformance corpus.
fn corpus(relative: &str) -> PathBuf {
    sigstore_dir().join("keys-and-roots").join(relative)
}

/// `tests/data/cosign-keys/<name>`: cosign's `keys_test.go` vectors (see the README there).
fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/cosign-keys")
        .join(name)
}

fn read(path: &Path) -> String {
    fs_err::read_to_string(path).expect("fixture readable")
}

/// Sign [`MESSAGE`] and check the signature with `public`; a changed message and a changed
/// signature must both be refused.
fn assert_round_trip(key: &SigningKey, public: &PublicKey) {
    let signature = key.sign(MESSAGE).expect("signing succeeds");
    public
        .verify(MESSAGE, &signature)
        .expect("own signature verifies");
    assert!(matches!(
        public.verify(b"another message", &signature),
        Err(SignatureError::Mismatch { .. })
    ));
    let mut flipped = signature.clone();
    let last = flipped.len() - 1;
    flipped[last] ^= 0x01;
    assert!(public.verify(MESSAGE, &flipped).is_err());
}

#[test]
fn sigstore_rs_encrypted_keys_decrypt() {
    let keys = corpus("sigstore-rs/tests/data/keys");
    // Each `<name>_encrypted_private.key` holds a key of the same type as `<name>_private.key`
    // (PKCS#8 P-256 and Ed25519, PKCS#1 4096-bit RSA, read from the files). They are not the
    // same keys: sigstore-rs only checks that both load, and the public points differ.
    for name in ["ecdsa", "ed25519", "rsa"] {
        let encrypted = read(&keys.join(format!("{name}_encrypted_private.key")));
        let decrypted = SigningKey::from_cosign_pem(&encrypted, b"123").unwrap();
        let plain = SigningKey::from_pem(&read(&keys.join(format!("{name}_private.key")))).unwrap();
        assert_eq!(decrypted.algorithm(), plain.algorithm(), "{name}");
        assert_round_trip(&decrypted, &decrypted.public_key());
        assert_round_trip(&plain, &plain.public_key());
        // The plaintext is authenticated, so a decrypted key that is not its own file's key
        // cannot happen; writing it again and reading it back gives the same key.
        let rewritten = decrypted.to_cosign_pem(b"123").unwrap();
        let again = SigningKey::from_cosign_pem(&rewritten, b"123").unwrap();
        assert_eq!(again.public_key(), decrypted.public_key(), "{name}");
        assert!(
            matches!(
                SigningKey::from_cosign_pem(&encrypted, b"1234"),
                Err(KeyError::WrongPassword)
            ),
            "{name}"
        );
    }
    let algorithms: Vec<KeyAlgorithm> = ["ecdsa", "ed25519", "rsa"]
        .iter()
        .map(|name| {
            SigningKey::from_pem(&read(&keys.join(format!("{name}_private.key"))))
                .unwrap()
                .algorithm()
        })
        .collect();
    assert_eq!(
        algorithms,
        [
            KeyAlgorithm::EcdsaP256,
            KeyAlgorithm::Ed25519,
            KeyAlgorithm::Rsa { bits: 4096 }
        ]
    );
}

#[test]
fn cosign_generated_key_with_the_empty_password() {
    let text = read(&corpus(
        "sigstore-rs/tests/data/keys/cosign_generated_encrypted_empty_private.key",
    ));
    // Written by `cosign generate-key-pair`, whose only algorithm is P-256; its N is 65536.
    let key = SigningKey::from_cosign_pem(&text, b"").unwrap();
    assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP256);
    assert_round_trip(&key, &key.public_key());
    assert!(matches!(
        SigningKey::from_cosign_pem(&text, b"123"),
        Err(KeyError::WrongPassword)
    ));
}

#[test]
fn cosign_keys_test_vectors() {
    // keys_test.go `TestReadingPrivatePemTypes`: both labels load with `hello`.
    for name in ["pemcosignkey.key", "pemsigstorekey.key"] {
        let text = read(&fixture(name));
        let key = SigningKey::from_cosign_pem(&text, b"hello").unwrap();
        assert_round_trip(&key, &key.public_key());
        assert!(matches!(
            SigningKey::from_cosign_pem(&text, b"wrong"),
            Err(KeyError::WrongPassword)
        ));
    }
    // ...except `pemcosigneckey`: it decrypts, but to SEC1 rather than PKCS#8, which cosign
    // refuses with "x509: failed to parse private key (use ParseECPrivateKey instead ...)".
    let refused = SigningKey::from_cosign_pem(&read(&fixture("pemcosigneckey.key")), b"hello");
    match refused {
        Err(KeyError::NotPkcs8 { found }) => assert!(found.contains("SEC1"), "{found}"),
        other => panic!("expected NotPkcs8, got {other:?}"),
    }
}

#[test]
fn plain_private_keys_import_as_cosign_does() {
    // keys_test.go `TestImportPrivateKey` accepts these (the algorithms are those the constants'
    // comments and the PEM contents name) ...
    let accepted = [
        (fixture("validecp256.key"), KeyAlgorithm::EcdsaP256),
        (fixture("validecp384.key"), KeyAlgorithm::EcdsaP384),
        (fixture("validecp521.key"), KeyAlgorithm::EcdsaP521),
        (fixture("validecpkcs8.key"), KeyAlgorithm::EcdsaP256),
        (fixture("ed25519.key"), KeyAlgorithm::Ed25519),
        (
            fixture("generated-rsa2048-pkcs8.key"),
            KeyAlgorithm::Rsa { bits: 2048 },
        ),
        (
            fixture("generated-rsa3072.key"),
            KeyAlgorithm::Rsa { bits: 3072 },
        ),
        (
            corpus("sigstore-rs/tests/data/keys/rsa_private.key"),
            KeyAlgorithm::Rsa { bits: 4096 },
        ),
    ];
    for (path, algorithm) in accepted {
        let key = SigningKey::from_pem(&read(&path)).unwrap();
        assert_eq!(key.algorithm(), algorithm, "{}", path.display());
        assert_round_trip(&key, &key.public_key());
        // Imported keys are written as cosign keys and read back.
        let cosign = key.to_cosign_pem(b"pw").unwrap();
        assert!(cosign.starts_with("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n"));
        let again = SigningKey::from_cosign_pem(&cosign, b"pw").unwrap();
        assert_eq!(again.public_key(), key.public_key(), "{}", path.display());
    }
    // ... and refuses these, for the reasons its error messages give.
    let refuse = |name: &str| SigningKey::from_pem(&read(&fixture(name))).unwrap_err();
    assert!(
        matches!(refuse("invalidecp224.key"), KeyError::UnsupportedCurve { oid } if oid == "1.3.132.0.33")
    );
    assert!(
        matches!(refuse("invalidecunsupported.key"), KeyError::UnsupportedCurve { oid } if oid == "1.3.132.0.10")
    );
    assert!(matches!(
        refuse("invalidrsasmallkey.key"),
        KeyError::RsaKeySize { bits: 1024 }
    ));
    assert!(matches!(
        refuse("generated-rsa5120.key"),
        KeyError::RsaKeySize { bits: 5120 }
    ));
    assert!(matches!(
        refuse("invalidrsawithpubkey.key"),
        KeyError::UnexpectedLabel { found, .. } if found == "PUBLIC KEY"
    ));
    // Public keys outside the sizes are refused for their size, not as malformed.
    for (name, size) in [
        ("generated-rsa1024.pub", 1024),
        ("generated-rsa5120.pub", 5120),
    ] {
        let error = PublicKey::from_pem(&read(&fixture(name))).unwrap_err();
        assert!(
            matches!(error, KeyError::RsaKeySize { bits } if bits == size),
            "{name}: {error}"
        );
    }
    // An encrypted cosign key asks for its password instead of failing to parse.
    assert!(matches!(
        refuse("pemsigstorekey.key"),
        KeyError::Encrypted { .. }
    ));
}

#[test]
fn sigstore_rs_key_pair_import_example() {
    let folder = corpus("sigstore-rs/examples/key_interface/key_pair_import");
    let file = |name: &str| folder.join(name);
    // The example's files are four independent P-256 keys (their public points differ), so each
    // is checked on its own. The example's password is "password".
    let encrypted = SigningKey::from_cosign_pem(
        &read(&file("ECDSA_P256_ASN1_ENCRYPTED_PRIVATE_PEM.key")),
        b"password",
    )
    .unwrap();
    let pem = SigningKey::from_pem(&read(&file("ECDSA_P256_ASN1_PRIVATE_PEM.key"))).unwrap();
    let der =
        SigningKey::from_pkcs8_der(&fs_err::read(file("ECDSA_P256_ASN1_PRIVATE_DER.key")).unwrap())
            .unwrap();
    for key in [&encrypted, &pem, &der] {
        assert_eq!(key.algorithm(), KeyAlgorithm::EcdsaP256);
        assert_round_trip(key, &key.public_key());
    }
    let public_pem = PublicKey::from_pem(&read(&file("ECDSA_P256_ASN1_PUBLIC_PEM.pub"))).unwrap();
    let public_der =
        PublicKey::from_spki_der(&fs_err::read(file("ECDSA_P256_ASN1_PUBLIC_DER.pub")).unwrap())
            .unwrap();
    for public in [&public_pem, &public_der] {
        assert_eq!(public.algorithm(), KeyAlgorithm::EcdsaP256);
        // SPKI in, the same SPKI out.
        assert_eq!(
            PublicKey::from_spki_der(&public.to_spki_der()).unwrap(),
            *public
        );
    }
    let der_bytes = fs_err::read(file("ECDSA_P256_ASN1_PUBLIC_DER.pub")).unwrap();
    assert_eq!(public_der.to_spki_der(), der_bytes);
}

#[test]
fn cosign_testdata_public_keys() {
    let testdata = corpus("cosign/pkg/cosign/testdata");
    // `google`: SPKI PEM of a 4096-bit RSA key; `rsa`: the same size as PKCS#1 `RSA PUBLIC
    // KEY`; `letsencrypt-testflume-2021`: DER SPKI of a P-256 key.
    let google = PublicKey::from_pem(&read(&testdata.join("google"))).unwrap();
    assert_eq!(google.algorithm(), KeyAlgorithm::Rsa { bits: 4096 });
    let pkcs1 = PublicKey::from_pem(&read(&testdata.join("rsa"))).unwrap();
    assert_eq!(pkcs1.algorithm(), KeyAlgorithm::Rsa { bits: 4096 });
    assert!(pkcs1.to_pem().starts_with("-----BEGIN PUBLIC KEY-----\n"));
    let testflume = PublicKey::from_spki_der(
        &fs_err::read(testdata.join("letsencrypt-testflume-2021")).unwrap(),
    )
    .unwrap();
    assert_eq!(testflume.algorithm(), KeyAlgorithm::EcdsaP256);
    // "yeah so we don't just parse whatever".
    let garbage = read(&testdata.join("garbage-there-are-limits"));
    assert!(matches!(
        PublicKey::from_pem(&garbage),
        Err(KeyError::NoPemBlock { .. })
    ));
}

#[test]
fn generated_keys_of_every_algorithm() {
    for algorithm in [
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
        KeyAlgorithm::EcdsaP521,
        KeyAlgorithm::Ed25519,
    ] {
        let key = SigningKey::generate(algorithm).unwrap();
        assert_eq!(key.algorithm(), algorithm);
        let public = PublicKey::from_pem(&key.public_key().to_pem()).unwrap();
        assert_eq!(public, key.public_key());
        assert_eq!(public.default_hash(), algorithm.default_hash());
        assert_round_trip(&key, &public);
        let other = SigningKey::generate(algorithm).unwrap();
        let signature = key.sign(MESSAGE).unwrap();
        assert!(matches!(
            other.public_key().verify(MESSAGE, &signature),
            Err(SignatureError::Mismatch { .. })
        ));
        let cosign = key.to_cosign_pem(b"secret").unwrap();
        let again = SigningKey::from_cosign_pem(&cosign, b"secret").unwrap();
        assert_eq!(again.public_key(), public);
    }
    assert!(matches!(
        SigningKey::generate(KeyAlgorithm::Rsa { bits: 1024 }),
        Err(KeyError::RsaKeySize { bits: 1024 })
    ));
}

#[test]
fn signature_encodings_and_prehashed_digests() {
    // ECDSA: DER from `sign`; the fixed-size r||s form of the same signature is accepted too.
    for (algorithm, hash, field) in [
        (KeyAlgorithm::EcdsaP256, HashAlgorithm::Sha256, 32),
        (KeyAlgorithm::EcdsaP384, HashAlgorithm::Sha384, 48),
        (KeyAlgorithm::EcdsaP521, HashAlgorithm::Sha512, 66),
    ] {
        let key = SigningKey::generate(algorithm).unwrap();
        let public = key.public_key();
        let der = key.sign(MESSAGE).unwrap();
        let fixed = der_to_fixed(&der, field);
        public.verify(MESSAGE, &fixed).unwrap();
        public.verify_with(hash, MESSAGE, &der).unwrap();
        public
            .verify_prehashed(hash, &hash.digest(MESSAGE), &der)
            .unwrap();
        // The same signature does not verify under another hash.
        let other = if hash == HashAlgorithm::Sha256 {
            HashAlgorithm::Sha512
        } else {
            HashAlgorithm::Sha256
        };
        assert!(public.verify_with(other, MESSAGE, &der).is_err());
        let mut trailing = der.clone();
        trailing.push(0);
        assert!(matches!(
            public.verify(MESSAGE, &trailing),
            Err(SignatureError::Malformed { .. })
        ));
        assert!(matches!(
            public.verify_prehashed(hash, &[0u8; 20], &der),
            Err(SignatureError::DigestLength { actual: 20, .. })
        ));
    }
    let rsa = SigningKey::from_pem(&read(&fixture("generated-rsa2048-pkcs8.key"))).unwrap();
    let signature = rsa.sign(MESSAGE).unwrap();
    assert_eq!(signature.len(), 256);
    rsa.public_key()
        .verify_prehashed(
            HashAlgorithm::Sha256,
            &HashAlgorithm::Sha256.digest(MESSAGE),
            &signature,
        )
        .unwrap();
    assert!(matches!(
        rsa.public_key().verify(MESSAGE, &signature[1..]),
        Err(SignatureError::Malformed { length: 255, .. })
    ));
    let ed25519 = SigningKey::generate(KeyAlgorithm::Ed25519).unwrap();
    let signature = ed25519.sign(MESSAGE).unwrap();
    assert_eq!(ed25519.public_key().default_hash(), None);
    assert!(matches!(
        ed25519.public_key().verify_prehashed(
            HashAlgorithm::Sha512,
            &HashAlgorithm::Sha512.digest(MESSAGE),
            &signature
        ),
        Err(SignatureError::PrehashUnsupported)
    ));
    // A key of another type refuses the signature rather than misreading it.
    assert!(rsa.public_key().verify(MESSAGE, &signature).is_err());
}

/// Convert a DER `Ecdsa-Sig-Value` to `r || s` (test support, independent of the library).
fn der_to_fixed(der: &[u8], field: usize) -> Vec<u8> {
    // SEQUENCE, length (one byte, or 0x81 + one byte for P-521), then two INTEGERs.
    let mut position = if der[1] == 0x81 { 3 } else { 2 };
    let mut fixed = Vec::new();
    for _ in 0..2 {
        assert_eq!(der[position], 0x02);
        let length = usize::from(der[position + 1]);
        let integer = &der[position + 2..position + 2 + length];
        let integer = integer.strip_prefix(&[0]).unwrap_or(integer);
        fixed.extend(std::iter::repeat_n(0, field - integer.len()));
        fixed.extend_from_slice(integer);
        position += 2 + length;
    }
    fixed
}

/// The JSON inside a cosign key, for tampering with.
fn cosign_json(text: &str) -> Value {
    let body: String = text
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect();
    let json = STANDARD.decode(body).expect("PEM body is base64");
    serde_json::from_slice(&json).expect("PEM body is JSON")
}

/// A cosign key PEM holding `json`.
fn cosign_pem(json: &Value) -> String {
    let body = STANDARD.encode(serde_json::to_vec(json).expect("JSON serializes"));
    format!(
        "-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----\n{body}\n-----END ENCRYPTED SIGSTORE \
         PRIVATE KEY-----\n"
    )
}

/// Flip one bit of the base64 field at `pointer`, byte `index` of its decoded value.
fn flip(json: &Value, pointer: &str, index: usize) -> Value {
    let mut json = json.clone();
    let field = json.pointer_mut(pointer).expect("field present");
    let text = field.as_str().expect("field is a string");
    let mut bytes = STANDARD.decode(text).expect("field is base64");
    bytes[index] ^= 0x80;
    *field = Value::String(STANDARD.encode(bytes));
    json
}

#[test]
fn bad_cosign_keys_fail_with_the_reason() {
    let text = read(&corpus(
        "sigstore-rs/tests/data/keys/ecdsa_encrypted_private.key",
    ));
    let json = cosign_json(&text);
    // The untouched document decrypts (so every failure below is the tampering's doing).
    SigningKey::from_cosign_pem(&cosign_pem(&json), b"123").unwrap();

    // Bit flips in the tag, the ciphertext, the salt and the nonce: all "wrong password or
    // corrupted key", never a different key.
    let ciphertext_len = STANDARD
        .decode(json["ciphertext"].as_str().unwrap())
        .unwrap()
        .len();
    for (pointer, index) in [
        ("/ciphertext", 0),
        ("/ciphertext", 15),
        ("/ciphertext", 16),
        ("/ciphertext", ciphertext_len - 1),
        ("/kdf/salt", 0),
        ("/cipher/nonce", 23),
    ] {
        let result = SigningKey::from_cosign_pem(&cosign_pem(&flip(&json, pointer, index)), b"123");
        assert!(
            matches!(result, Err(KeyError::WrongPassword)),
            "{pointer}[{index}]: {result:?}"
        );
    }
    let error = SigningKey::from_cosign_pem(&text, b"nope").unwrap_err();
    assert_eq!(error.to_string(), "wrong password or corrupted key");

    // Truncated PEM: the END line is missing.
    let truncated = text.lines().take(4).collect::<Vec<_>>().join("\n");
    assert!(matches!(
        SigningKey::from_cosign_pem(&truncated, b"123"),
        Err(KeyError::UnterminatedPem { line: 1, .. })
    ));
    // Truncated body: the JSON ends early.
    let mut short = text.lines().collect::<Vec<_>>();
    short.drain(2..short.len() - 1);
    assert!(matches!(
        SigningKey::from_cosign_pem(&short.join("\n"), b"123"),
        Err(KeyError::PemBase64 { .. } | KeyError::CosignJson(_))
    ));
    // Wrong labels.
    let relabelled = text.replace("ENCRYPTED COSIGN PRIVATE KEY", "CERTIFICATE");
    assert!(matches!(
        SigningKey::from_cosign_pem(&relabelled, b"123"),
        Err(KeyError::UnexpectedLabel { found, .. }) if found == "CERTIFICATE"
    ));
    // Parameters cosign never writes, and absurd ones that would exhaust memory.
    let mut edited = json.clone();
    edited["kdf"]["params"]["N"] = Value::from(1000);
    assert!(matches!(
        SigningKey::from_cosign_pem(&cosign_pem(&edited), b"123"),
        Err(KeyError::ScryptParameters { n: 1000, .. })
    ));
    edited["kdf"]["params"]["N"] = Value::from(1u64 << 40);
    let error = SigningKey::from_cosign_pem(&cosign_pem(&edited), b"123").unwrap_err();
    assert!(error.to_string().contains("memory limit"), "{error}");
    let mut edited = json.clone();
    edited["kdf"]["name"] = Value::from("argon2");
    assert!(matches!(
        SigningKey::from_cosign_pem(&cosign_pem(&edited), b"123"),
        Err(KeyError::CosignUnsupported { what: "kdf", .. })
    ));
    let mut edited = json.clone();
    edited["cipher"]["nonce"] = Value::from(STANDARD.encode([0u8; 12]));
    assert!(matches!(
        SigningKey::from_cosign_pem(&cosign_pem(&edited), b"123"),
        Err(KeyError::CosignFieldLength {
            field: "cipher.nonce",
            expected: 24,
            actual: 12
        })
    ));
    let mut edited = json;
    edited["ciphertext"] = Value::from("not base64!");
    assert!(matches!(
        SigningKey::from_cosign_pem(&cosign_pem(&edited), b"123"),
        Err(KeyError::CosignBase64 {
            field: "ciphertext",
            ..
        })
    ));
}

#[test]
fn lenient_pem_reading_as_cosign() {
    let text = read(&corpus("sigstore-rs/tests/data/keys/ecdsa_private.key"));
    let key = SigningKey::from_pem(&text).unwrap();
    let messy = format!("\r\n  {}\r\n\r\n", text.replace('\n', "\r\n"));
    assert_eq!(
        SigningKey::from_pem(&messy).unwrap().public_key(),
        key.public_key()
    );
    let public = format!("  {}  ", key.public_key().to_pem().replace('\n', "\r\n"));
    assert_eq!(PublicKey::from_pem(&public).unwrap(), key.public_key());
}

/// Run a Node.js script with `arguments`; Node's `crypto` is the independent oracle.
fn node(script: &str, arguments: &[&Path]) -> Value {
    let output = Command::new("node")
        .arg("-e")
        .arg(script)
        .args(arguments)
        .output()
        .expect("node not found: install Node.js 20 (scripts/setup.sh)");
    assert!(
        output.status.success(),
        "node failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("node printed JSON")
}

/// Node verifies a signature with a PEM public key and reports the key's type and details.
const NODE_VERIFY: &str = r"
const crypto = require('crypto'), fs = require('fs');
const [, pem, message, signature, hash] = process.argv;
const key = crypto.createPublicKey(fs.readFileSync(pem));
const ok = crypto.verify(hash === 'none' ? null : hash, fs.readFileSync(message), key, fs.readFileSync(signature));
const report = { ok, type: key.asymmetricKeyType, details: key.asymmetricKeyDetails };
process.stdout.write(JSON.stringify(report, (_, value) => typeof value === 'bigint' ? Number(value) : value));
";

/// Node's `hash` argument and expected key description for each algorithm.
fn node_names(algorithm: KeyAlgorithm) -> (&'static str, &'static str, Value) {
    match algorithm {
        KeyAlgorithm::EcdsaP256 => (
            "sha256",
            "ec",
            serde_json::json!({"namedCurve": "prime256v1"}),
        ),
        KeyAlgorithm::EcdsaP384 => (
            "sha384",
            "ec",
            serde_json::json!({"namedCurve": "secp384r1"}),
        ),
        KeyAlgorithm::EcdsaP521 => (
            "sha512",
            "ec",
            serde_json::json!({"namedCurve": "secp521r1"}),
        ),
        KeyAlgorithm::Ed25519 => ("none", "ed25519", serde_json::json!({})),
        KeyAlgorithm::Rsa { bits } => (
            "sha256",
            "rsa",
            serde_json::json!({"modulusLength": bits, "publicExponent": 65537}),
        ),
    }
}

#[test]
fn node_accepts_our_public_keys_and_signatures() {
    let directory = tempfile::tempdir().unwrap();
    let path = |name: &str| directory.path().join(name);
    let rsa = SigningKey::from_pem(&read(&fixture("generated-rsa2048-pkcs8.key"))).unwrap();
    let mut keys: Vec<SigningKey> = [
        KeyAlgorithm::EcdsaP256,
        KeyAlgorithm::EcdsaP384,
        KeyAlgorithm::EcdsaP521,
        KeyAlgorithm::Ed25519,
    ]
    .into_iter()
    .map(|algorithm| SigningKey::generate(algorithm).unwrap())
    .collect();
    keys.push(rsa);
    fs_err::write(path("message"), MESSAGE).unwrap();
    for key in &keys {
        let algorithm = key.algorithm();
        let (hash, kind, details) = node_names(algorithm);
        fs_err::write(path("cosign.pub"), key.public_key().to_pem()).unwrap();
        let signature = key.sign(MESSAGE).unwrap();
        fs_err::write(path("good.sig"), &signature).unwrap();
        let mut bad = signature;
        bad[8] ^= 0x01;
        fs_err::write(path("bad.sig"), &bad).unwrap();
        let hash = Path::new(hash);
        let good = node(
            NODE_VERIFY,
            &[
                &path("cosign.pub"),
                &path("message"),
                &path("good.sig"),
                hash,
            ],
        );
        assert_eq!(good["ok"], true, "{algorithm}");
        assert_eq!(good["type"], kind, "{algorithm}");
        assert_eq!(good["details"], details, "{algorithm}");
        // The oracle is not vacuous: it refuses a changed signature.
        let refused = node(
            NODE_VERIFY,
            &[
                &path("cosign.pub"),
                &path("message"),
                &path("bad.sig"),
                hash,
            ],
        );
        assert_eq!(refused["ok"], false, "{algorithm}");
    }
}

/// Node generates a key pair, writes its SPKI, PKCS#8 and (EC/RSA) SEC1/PKCS#1 PEMs and a
/// signature over the message.
const NODE_SIGN: &str = r"
const crypto = require('crypto'), fs = require('fs'), path = require('path');
const [, directory, type, option, hash] = process.argv;
const options = type === 'ec' ? { namedCurve: option } : type === 'rsa' ? { modulusLength: Number(option) } : {};
const { publicKey, privateKey } = crypto.generateKeyPairSync(type, options);
const write = (name, data) => fs.writeFileSync(path.join(directory, name), data);
write('spki.pem', publicKey.export({ type: 'spki', format: 'pem' }));
write('pkcs8.pem', privateKey.export({ type: 'pkcs8', format: 'pem' }));
if (type === 'ec') write('traditional.pem', privateKey.export({ type: 'sec1', format: 'pem' }));
if (type === 'rsa') write('traditional.pem', privateKey.export({ type: 'pkcs1', format: 'pem' }));
if (type === 'rsa') write('pkcs1.pub', publicKey.export({ type: 'pkcs1', format: 'pem' }));
const message = fs.readFileSync(path.join(directory, 'message'));
write('node.sig', crypto.sign(hash === 'none' ? null : hash, message, privateKey));
process.stdout.write('{}');
";

#[test]
fn we_accept_node_keys_and_signatures() {
    for (algorithm, kind, option) in [
        (KeyAlgorithm::EcdsaP256, "ec", "prime256v1"),
        (KeyAlgorithm::EcdsaP384, "ec", "secp384r1"),
        (KeyAlgorithm::EcdsaP521, "ec", "secp521r1"),
        (KeyAlgorithm::Ed25519, "ed25519", "-"),
        (KeyAlgorithm::Rsa { bits: 2048 }, "rsa", "2048"),
    ] {
        let directory = tempfile::tempdir().unwrap();
        let path = |name: &str| directory.path().join(name);
        fs_err::write(path("message"), MESSAGE).unwrap();
        let (hash, _, _) = node_names(algorithm);
        node(
            NODE_SIGN,
            &[
                directory.path(),
                Path::new(kind),
                Path::new(option),
                Path::new(hash),
            ],
        );
        let public = PublicKey::from_pem(&read(&path("spki.pem"))).unwrap();
        assert_eq!(public.algorithm(), algorithm);
        public
            .verify(MESSAGE, &fs_err::read(path("node.sig")).unwrap())
            .unwrap();
        // Our SPKI encoding is Node's, byte for byte.
        assert_eq!(public.to_pem(), read(&path("spki.pem")), "{algorithm}");
        let pkcs8 = SigningKey::from_pem(&read(&path("pkcs8.pem"))).unwrap();
        assert_eq!(pkcs8.public_key(), public, "{algorithm}");
        if kind != "ed25519" {
            let traditional = SigningKey::from_pem(&read(&path("traditional.pem"))).unwrap();
            assert_eq!(traditional.public_key(), public, "{algorithm}");
        }
        if kind == "rsa" {
            assert_eq!(
                PublicKey::from_pem(&read(&path("pkcs1.pub"))).unwrap(),
                public
            );
        }
    }
}
