//! `custody admission serve` verifying images for `verifyImages` policies, end to end: images
//! on a real registry, signed by custody (both cosign layouts) or by sigstore-js, checked by
//! the server's custody-sign verifier with its cache, tags rewritten to digests through the
//! mutating webhook, and a registry that never answers meeting the deadline (fail closed).

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};

use crate::admission::exchange;
use crate::common::{Registry, TestContext, peers, skopeo_copy, skopeo_digest};
use crate::image::{Compression, Entry, image, layer, write_layout};

/// An empty password for the keys the tests generate.
const PASSWORD: &str = "";

/// A running `custody admission serve`, stopped when dropped.
struct Server {
    child: Child,
    address: String,
    metrics: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free loopback address.
fn free_address() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

impl Server {
    /// Serves `policy` (plain HTTP: TLS is proven in custody-admission's tests) with
    /// `extra` flags, and waits until it is ready.
    fn start(context: &TestContext, policy: &Path, extra: &[&str]) -> Self {
        let (address, metrics) = (free_address(), free_address());
        let child = context
            .command()
            .args(["admission", "serve", "--insecure-http", "--plain-http"])
            .args(["--listen", &address, "--metrics-listen", &metrics])
            .arg("--policies")
            .arg(policy)
            .args(extra)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let server = Self {
            child,
            address,
            metrics,
        };
        let started = Instant::now();
        while exchange(&server.address, "GET", "/readyz", "").map(|(status, _)| status) != Some(200)
        {
            assert!(started.elapsed() < Duration::from_secs(30), "never ready");
            std::thread::sleep(Duration::from_millis(50));
        }
        server
    }

    /// POSTs a Pod creation running `image` to `webhook` and returns the response object.
    fn review(&self, webhook: &str, image: &str) -> Value {
        let review = json!({
            "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
            "request": {
                "uid": "7b9f4a2c-0000-4000-8000-000000000001",
                "kind": {"group": "", "version": "v1", "kind": "Pod"},
                "resource": {"group": "", "version": "v1", "resource": "pods"},
                "namespace": "shop", "operation": "CREATE",
                "userInfo": {"username": "system:serviceaccount:kube-system:replicaset-controller"},
                "object": {"apiVersion": "v1", "kind": "Pod",
                           "metadata": {"name": "web", "namespace": "shop"},
                           "spec": {"containers": [{"name": "web", "image": image}]}},
                "dryRun": false,
            },
        });
        let (status, body) = exchange(&self.address, "POST", webhook, &review.to_string())
            .expect("the server answers");
        assert_eq!(status, 200, "{body}");
        let answer: Value = serde_json::from_str(&body).unwrap();
        answer["response"].clone()
    }

    /// The value of the counter line starting with `name`.
    fn metric(&self, name: &str) -> u64 {
        let (_, body) = exchange(&self.metrics, "GET", "/metrics", "").expect("metrics answer");
        body.lines()
            .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("{name} in\n{body}"))
    }
}

/// Pushes a one-layer image holding `file` as `repository:1.0`; returns the tag reference
/// and the manifest digest.
fn push(
    registry: &Registry,
    context: &TestContext,
    repository: &str,
    file: &'static [u8],
) -> (String, String) {
    let layout = context.path(repository);
    let built = image(
        vec![layer(&[Entry::File("etc/app", file)], Compression::Gzip)],
        "amd64",
    );
    write_layout(&layout, "1.0", &[&built]);
    let reference = format!("{}/{repository}:1.0", registry.address);
    skopeo_copy(
        &format!("oci:{}:1.0", layout.display()),
        &format!("docker://{reference}"),
        &[],
    );
    let digest = skopeo_digest(&reference);
    (reference, digest)
}

/// A `verifyImages` `ClusterPolicy` (Enforce, `mutateDigest`) for `references`, trusting the PEM
/// key `public_key` without transparency-log evidence (custody signs offline), plus
/// `attestations` when given.
fn policy(
    context: &TestContext,
    references: &str,
    public_key: &str,
    attestations: &Value,
) -> std::path::PathBuf {
    let mut entry = json!({
        "imageReferences": [references],
        "mutateDigest": true,
        "attestors": [{"entries": [{"keys": {
            "publicKeys": public_key,
            "rekor": {"ignoreTlog": true},
            "ctlog": {"ignoreSCT": true},
        }}]}],
    });
    if !attestations.is_null() {
        entry["attestations"] = attestations.clone();
    }
    let policy = json!({
        "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
        "metadata": {"name": "verify-image"},
        "spec": {
            "validationFailureAction": "Enforce",
            "webhookTimeoutSeconds": 10,
            "rules": [{
                "name": "check-signature",
                "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                "verifyImages": [entry],
            }],
        },
    });
    let path = context.path("verify-image.json");
    fs_err::write(&path, policy.to_string()).unwrap();
    path
}

/// The JSON patch of a mutating response, decoded.
fn patch(response: &Value) -> Value {
    let encoded = response["patch"].as_str().expect("a patch");
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// The denial message of a response.
fn message(response: &Value) -> &str {
    response["status"]["message"].as_str().unwrap_or_default()
}

#[test]
fn signed_images_are_admitted_and_pinned_unsigned_and_foreign_ones_denied() {
    let registry = Registry::start(None);
    let context = TestContext::new();
    let generated = context.run_with_password(&["key", "generate"], PASSWORD);
    assert!(generated.status.success());
    let other = context.run_with_password(
        &["key", "generate", "--output-key-prefix", "other"],
        PASSWORD,
    );
    assert!(other.status.success());
    let (bundle_signed, bundle_digest) = push(&registry, &context, "signed/bundle", b"1\n");
    let (legacy_signed, legacy_digest) = push(&registry, &context, "signed/legacy", b"2\n");
    let (unsigned, _) = push(&registry, &context, "signed/unsigned", b"3\n");
    let (foreign, _) = push(&registry, &context, "signed/foreign", b"4\n");
    for (reference, key, format) in [
        (&bundle_signed, "cosign.key", "bundle"),
        (&legacy_signed, "cosign.key", "legacy"),
        (&foreign, "other.key", "bundle"),
    ] {
        let signed = context.run_with_password(
            &[
                "sign",
                reference,
                "--key",
                key,
                "--format",
                format,
                "--plain-http",
            ],
            PASSWORD,
        );
        assert!(
            signed.status.success(),
            "{}",
            String::from_utf8_lossy(&signed.stderr)
        );
    }
    let public_key = fs_err::read_to_string(context.path("cosign.pub")).unwrap();
    let references = format!("{}/signed/*", registry.address);
    let policy = policy(&context, &references, &public_key, &Value::Null);
    let server = Server::start(&context, &policy, &[]);

    for (reference, digest) in [
        (&bundle_signed, &bundle_digest),
        (&legacy_signed, &legacy_digest),
    ] {
        let mutated = server.review("/mutate", reference);
        assert_eq!(mutated["allowed"], true, "{mutated}");
        assert_eq!(mutated["patchType"], "JSONPatch");
        assert_eq!(
            patch(&mutated),
            json!([{"op": "replace", "path": "/spec/containers/0/image",
                    "value": format!("{reference}@{digest}")}]),
        );
        let validated = server.review("/validate", reference);
        assert_eq!(validated["allowed"], true, "{validated}");
    }
    let denied = server.review("/validate", &unsigned);
    assert_eq!(denied["allowed"], false);
    assert_eq!(denied["status"]["code"], 403);
    assert!(
        message(&denied).contains("policy verify-image/check-signature"),
        "{denied}"
    );
    assert!(message(&denied).contains(&unsigned), "{denied}");
    let wrong_key = server.review("/validate", &foreign);
    assert_eq!(
        wrong_key["allowed"], false,
        "signed, but by another key: {wrong_key}"
    );
    // Outside the policy's references: nothing to verify.
    let elsewhere = server.review("/validate", &format!("{}/other/app:1.0", registry.address));
    assert_eq!(elsewhere["allowed"], true, "{elsewhere}");

    // The same images again: answered from the cache, not the registry.
    let hits = server.metric("custody_admission_image_cache_hits_total");
    assert!(hits > 0, "the second webhook reused the first's verdicts");
    let before = server.metric("custody_admission_image_cache_misses_total");
    assert_eq!(server.review("/validate", &bundle_signed)["allowed"], true);
    assert_eq!(
        server.metric("custody_admission_image_cache_misses_total"),
        before,
        "a repeated admission never reaches the registry"
    );
}

#[test]
fn attestation_conditions_on_a_vulnerability_scan() {
    let registry = Registry::start(None);
    let context = TestContext::new();
    assert!(
        context
            .run_with_password(&["key", "generate"], PASSWORD)
            .status
            .success()
    );
    let (clean, _) = push(&registry, &context, "scanned/clean", b"1\n");
    let (risky, _) = push(&registry, &context, "scanned/risky", b"2\n");
    for (reference, critical) in [(&clean, 0), (&risky, 3)] {
        let predicate = json!({
            "invocation": {"uri": "", "event_id": "", "builder.id": ""},
            "scanner": {"uri": "pkg:github/custody/custody@0.1.0", "version": "0.1.0",
                        "result": {"critical": critical}},
            "metadata": {"scanStartedOn": "2026-11-27T10:00:00Z",
                         "scanFinishedOn": "2026-11-27T10:00:05Z"},
        });
        fs_err::write(context.path("vuln.json"), predicate.to_string()).unwrap();
        for command in [
            vec![
                "sign",
                reference.as_str(),
                "--key",
                "cosign.key",
                "--plain-http",
            ],
            vec![
                "attest",
                reference.as_str(),
                "--key",
                "cosign.key",
                "--type",
                "vuln",
                "--predicate",
                "vuln.json",
                "--plain-http",
            ],
        ] {
            let done = context.run_with_password(&command, PASSWORD);
            assert!(
                done.status.success(),
                "{}",
                String::from_utf8_lossy(&done.stderr)
            );
        }
    }
    let public_key = fs_err::read_to_string(context.path("cosign.pub")).unwrap();
    let attestations = json!([{
        "type": "https://cosign.sigstore.dev/attestation/vuln/v1",
        "conditions": [{"all": [{
            "key": "{{ scanner.result.critical }}",
            "operator": "Equals",
            "value": 0,
        }]}],
    }]);
    let references = format!("{}/scanned/*", registry.address);
    let policy = policy(&context, &references, &public_key, &attestations);
    let server = Server::start(&context, &policy, &[]);
    assert_eq!(server.review("/validate", &clean)["allowed"], true);
    let denied = server.review("/validate", &risky);
    assert_eq!(denied["allowed"], false, "{denied}");
    assert!(message(&denied).contains(&risky), "{denied}");
}

/// sigstore-js signs and attaches a bundle (as @sigstore/oci does) to an image on a registry
/// with a login; the server, given the credentials, admits it.
#[test]
fn images_sigstore_js_signed_are_admitted() {
    let registry = Registry::start(Some(("alice", "s3cret")));
    let context = TestContext::new();
    let layout = context.path("layout");
    let built = image(
        vec![layer(&[Entry::File("etc/app", b"js\n")], Compression::Gzip)],
        "amd64",
    );
    write_layout(&layout, "1.0", &[&built]);
    let reference = format!("{}/js/app:1.0", registry.address);
    skopeo_copy(
        &format!("oci:{}:1.0", layout.display()),
        &format!("docker://{reference}"),
        &["--dest-creds", "alice:s3cret"],
    );
    let peers = peers();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sign/tests/oracle/oci-attach.js");
    let attached = Command::new("node")
        .arg(script)
        .arg(format!(
            "{}/js/app@{}",
            registry.address, built.manifest_digest
        ))
        .args(["alice", "s3cret"])
        .arg(context.path("node.pub"))
        .env("NODE_PATH", peers.join("node_modules"))
        .output()
        .expect("node is required: install Node.js 20 (scripts/setup.sh)");
    assert!(
        attached.status.success(),
        "{}",
        String::from_utf8_lossy(&attached.stderr)
    );
    let public_key = fs_err::read_to_string(context.path("node.pub")).unwrap();
    let policy = policy(
        &context,
        &format!("{}/js/*", registry.address),
        &public_key,
        &Value::Null,
    );
    let server = Server::start(
        &context,
        &policy,
        &["--username", "alice", "--password", "s3cret"],
    );
    let mutated = server.review("/mutate", &reference);
    assert_eq!(mutated["allowed"], true, "{mutated}");
    assert_eq!(
        patch(&mutated)[0]["value"],
        format!("{reference}@{}", built.manifest_digest)
    );
}

/// A registry that accepts connections and never answers: the review is denied at the
/// deadline, well before the API server's timeout, and the server keeps serving.
#[test]
fn a_hanging_registry_meets_the_deadline_and_is_denied() {
    let context = TestContext::new();
    let hanging = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = hanging.local_addr().unwrap();
    // Accepted connections are kept open and never read or answered.
    let held = std::thread::spawn(move || {
        let mut streams = Vec::new();
        for stream in hanging.incoming().take(64) {
            streams.push(stream);
        }
    });
    let policy = policy(
        &context,
        &format!("{address}/*"),
        "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE8nXRh950IZbRj8Ra/N9sbqOPZrfM\n5/KAQN0/KjHcorm/J5yctVd7iEcnessRQjU917hmKO6JWVGHpDguIyakZA==\n-----END PUBLIC KEY-----\n",
        &Value::Null,
    );
    let server = Server::start(&context, &policy, &["--deadline", "1s"]);
    let started = Instant::now();
    let denied = server.review("/validate", &format!("{address}/app:1.0"));
    let elapsed = started.elapsed();
    assert_eq!(denied["allowed"], false, "{denied}");
    assert!(message(&denied).contains("deadline"), "{denied}");
    assert!(elapsed < Duration::from_secs(5), "answered in {elapsed:?}");
    assert_eq!(
        exchange(&server.address, "GET", "/healthz", "").map(|(status, _)| status),
        Some(200)
    );
    drop(server);
    drop(held);
}
