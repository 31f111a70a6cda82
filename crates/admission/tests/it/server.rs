//! The admission server end to end on loopback: HTTPS with a CA and serving certificate made
//! here, a client that trusts only that CA, and `AdmissionReview`s built from the Kyverno
//! corpus' manifests the way kube-apiserver sends them.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use base64::Engine as _;
use custody_admission::{PolicySet, PolicySlot, Server, ServerOptions};
use custody_policy::kyverno::verify_images::{
    Attested, Attestor, ImageVerifier, Verified, VerifyFailure,
};
use custody_policy::manifest::read_objects;
use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use rustls::pki_types::pem::PemObject as _;
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// The Kyverno corpus, as `CUSTODY_CONFORMANCE_DIR` or the default next to the repository.
fn conformance_dir() -> PathBuf {
    let dir = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
        PathBuf::from,
    );
    assert!(
        dir.join("kyverno").is_dir(),
        "the conformance corpus is missing at {}: set CUSTODY_CONFORMANCE_DIR",
        dir.display()
    );
    dir
}

/// The upstream restricted sample (`podSecurity` level restricted, version latest), switched
/// from Audit to Enforce as a cluster would run it, and its test resources.
fn restricted_sample() -> (Value, Vec<Value>) {
    let dir = conformance_dir().join("kyverno/pod-security/subrule/restricted/restricted-latest");
    let mut policy = read_objects(&dir.join("restricted-latest.yaml"))
        .expect("the sample policy reads")
        .remove(0);
    policy["spec"]["validationFailureAction"] = json!("Enforce");
    let resources = read_objects(&dir.join(".kyverno-test/resource.yaml")).expect("resources read");
    (policy, resources)
}

fn named<'a>(resources: &'a [Value], name: &str) -> &'a Value {
    resources
        .iter()
        .find(|resource| resource["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("{name} is in the sample resources"))
}

/// A CA and a serving certificate for 127.0.0.1 it signed, as PEM.
struct Pki {
    ca: String,
    cert: String,
    key: String,
}

impl Pki {
    fn new() -> Self {
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA parameters");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().expect("a CA key"))
            .expect("a CA certificate");
        let key = KeyPair::generate().expect("a serving key");
        let cert = CertificateParams::new(vec!["127.0.0.1".to_owned()])
            .expect("serving parameters")
            .signed_by(&key, &ca)
            .expect("a serving certificate");
        Self {
            ca: ca.pem(),
            cert: cert.pem(),
            key: key.serialize_pem(),
        }
    }

    fn write(&self, dir: &Path) -> (PathBuf, PathBuf) {
        let (cert, key) = (dir.join("tls.crt"), dir.join("tls.key"));
        // Written beside and renamed over, as the kubelet swaps a Secret's files.
        for (path, text) in [(&cert, &self.cert), (&key, &self.key)] {
            let staged = path.with_extension("new");
            fs_err::write(&staged, text).expect("certificate files write");
            fs_err::rename(&staged, path).expect("certificate files move in place");
        }
        (cert, key)
    }

    /// A client that trusts this CA only.
    fn client(&self) -> reqwest::Client {
        let mut roots = rustls::RootCertStore::empty();
        let ca = rustls::pki_types::CertificateDer::pem_slice_iter(self.ca.as_bytes())
            .next()
            .expect("one CA certificate")
            .expect("a PEM certificate");
        roots.add(ca).expect("the CA is a valid root");
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .expect("TLS versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
        reqwest::Client::builder()
            .tls_backend_preconfigured(config)
            .build()
            .expect("a client")
    }
}

/// A running server on loopback.
struct Running {
    address: SocketAddr,
    metrics: SocketAddr,
    client: reqwest::Client,
    slot: PolicySlot,
    pki: Pki,
    dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<Result<(), custody_admission::Error>>>,
}

impl Running {
    /// Starts a server; `policies` are installed at once unless `None`.
    async fn start(
        policies: Option<Vec<Value>>,
        configure: impl FnOnce(&mut ServerOptions),
    ) -> Self {
        let pki = Pki::new();
        let dir = tempfile::tempdir().expect("a temporary directory");
        let tls = pki.write(dir.path());
        let mut options = ServerOptions::new("127.0.0.1:0".parse().expect("an address"), Some(tls));
        options.metrics_listen = Some("127.0.0.1:0".parse().expect("an address"));
        configure(&mut options);
        let server = Server::bind(options).await.expect("the server binds");
        let (address, metrics) = (
            server.local_addr(),
            server
                .metrics_addr()
                .expect("the metrics listener is bound"),
        );
        let slot = server.policies();
        if let Some(policies) = policies {
            assert!(slot.install(PolicySet::from_objects(&policies).expect("policies compile")));
        }
        let (stop, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(server.serve(async {
            let _ = stopped.await;
        }));
        Self {
            address,
            metrics,
            client: pki.client(),
            slot,
            pki,
            dir,
            stop: Some(stop),
            server: Some(server),
        }
    }

    async fn post(&self, path: &str, body: impl Into<reqwest::Body>) -> (u16, String) {
        let response = self
            .client
            .post(format!("https://{}{path}", self.address))
            .header("content-type", "application/json")
            .body(body)
            .send()
            .await
            .expect("the server answers");
        let status = response.status().as_u16();
        (status, response.text().await.expect("a body"))
    }

    /// Posts a review and returns its `response`.
    async fn review(&self, path: &str, review: &Value) -> Value {
        let (status, body) = self.post(path, review.to_string()).await;
        assert_eq!(status, 200, "{body}");
        let answer: Value = serde_json::from_str(&body).expect("a JSON answer");
        assert_eq!(answer["apiVersion"], "admission.k8s.io/v1");
        assert_eq!(answer["kind"], "AdmissionReview");
        assert_eq!(answer["response"]["uid"], review["request"]["uid"]);
        answer["response"].clone()
    }

    async fn get(&self, path: &str) -> u16 {
        self.client
            .get(format!("https://{}{path}", self.address))
            .send()
            .await
            .expect("the server answers")
            .status()
            .as_u16()
    }

    async fn metrics_text(&self) -> String {
        self.client
            .get(format!("http://{}/metrics", self.metrics))
            .send()
            .await
            .expect("the metrics listener answers")
            .text()
            .await
            .expect("a body")
    }

    async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server
                .await
                .expect("the server task ends")
                .expect("the server stops cleanly");
        }
    }
}

/// An `AdmissionReview` for `object`, shaped as kube-apiserver sends it.
fn review(uid: &str, object: &Value, operation: &str, dry_run: bool) -> Value {
    let api_version = object["apiVersion"].as_str().unwrap_or("v1");
    let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
    let kind = object["kind"].as_str().expect("the object has a kind");
    let resource = format!("{}s", kind.to_lowercase());
    let gvk = json!({"group": group, "version": version, "kind": kind});
    let gvr = json!({"group": group, "version": version, "resource": resource});
    json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "request": {
            "uid": uid,
            "kind": gvk, "resource": gvr, "requestKind": gvk, "requestResource": gvr,
            "name": object["metadata"]["name"],
            "namespace": "team-a",
            "operation": operation,
            "userInfo": {"username": "kubernetes-admin", "groups": ["kubeadm:cluster-admins", "system:authenticated"]},
            "object": object,
            "oldObject": null,
            "dryRun": dry_run,
            "options": {"kind": "CreateOptions", "apiVersion": "meta.k8s.io/v1", "fieldManager": "kubectl-client-side-apply"},
        },
    })
}

/// Applies an RFC 6902 patch of `add`, `replace` and `remove` operations, as the API server.
fn apply_patch(document: &mut Value, operations: &Value) {
    for operation in operations.as_array().expect("a patch is an array") {
        let path = operation["path"].as_str().expect("a path");
        let (parent, last) = path.rsplit_once('/').expect("a pointer below the root");
        let last = last.replace("~1", "/").replace("~0", "~");
        let target = document.pointer_mut(parent).expect("the parent exists");
        match (operation["op"].as_str(), target) {
            (Some("add" | "replace"), Value::Object(map)) => {
                map.insert(last, operation["value"].clone());
            }
            (Some("replace"), Value::Array(items)) => {
                items[last.parse::<usize>().expect("an index")] = operation["value"].clone();
            }
            (Some("remove"), Value::Object(map)) => {
                map.remove(&last);
            }
            other => panic!("unexpected operation {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pss_restricted_denies_with_the_check_named_and_admits_compliant_pods() {
    let (policy, resources) = restricted_sample();
    let server = Running::start(Some(vec![policy]), |_| {}).await;

    let denied = server
        .review(
            "/validate",
            &review("bad-1", named(&resources, "badpod01"), "CREATE", false),
        )
        .await;
    assert_eq!(denied["allowed"], false);
    assert_eq!(denied["status"]["code"], 403);
    let message = denied["status"]["message"].as_str().expect("a message");
    assert!(
        message.starts_with("policy podsecurity-subrule-restricted/restricted: "),
        "{message}"
    );
    // badpod01 drops no capability: restricted's "unrestricted capabilities" check.
    assert!(message.contains("capabilities"), "{message}");

    let allowed = server
        .review(
            "/validate",
            &review("good-1", named(&resources, "goodpod01"), "CREATE", false),
        )
        .await;
    assert_eq!(allowed["allowed"], true, "{allowed}");
    assert!(allowed.get("status").is_none() && allowed.get("warnings").is_none());

    // The same bad pod template in a Deployment is checked by the autogen rule.
    let deployment = json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "team-a"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {
                "metadata": {"labels": {"app": "web"}},
                "spec": named(&resources, "badpod01")["spec"],
            },
        },
    });
    let denied = server
        .review(
            "/validate",
            &review("deploy-1", &deployment, "CREATE", false),
        )
        .await;
    assert_eq!(denied["allowed"], false);
    let message = denied["status"]["message"].as_str().expect("a message");
    assert!(
        message.starts_with("policy podsecurity-subrule-restricted/autogen-restricted: "),
        "{message}"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mutate_answers_a_json_patch_that_applies() {
    let policy = json!({
        "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
        "metadata": {"name": "add-default-securitycontext"},
        "spec": {"rules": [{
            "name": "add-run-as-non-root",
            "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
            "mutate": {"patchStrategicMerge": {
                "metadata": {"labels": {"+(security.custody.dev/defaulted)": "true"}},
                "spec": {"securityContext": {"+(runAsNonRoot)": true}},
            }},
        }]},
    });
    let server = Running::start(Some(vec![policy]), |_| {}).await;
    let (_, resources) = restricted_sample();
    let pod = named(&resources, "badpod01");
    let response = server
        .review("/mutate", &review("mutate-1", pod, "CREATE", false))
        .await;
    assert_eq!(response["allowed"], true);
    assert_eq!(response["patchType"], "JSONPatch");
    let patch: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(response["patch"].as_str().expect("a patch"))
            .expect("base64"),
    )
    .expect("the patch is JSON");
    // The namespace the API server fills in is not part of the patch.
    let mut patched = pod.clone();
    apply_patch(&mut patched, &patch);
    assert_eq!(patched["spec"]["securityContext"]["runAsNonRoot"], true);
    assert_eq!(
        patched["metadata"]["labels"]["security.custody.dev/defaulted"],
        "true"
    );
    assert_eq!(patched["spec"]["containers"], pod["spec"]["containers"]);
    assert!(patched["metadata"].get("namespace").is_none());

    // A validating review of the same pod runs no mutate rule and patches nothing.
    let validated = server
        .review("/validate", &review("mutate-2", pod, "CREATE", false))
        .await;
    assert_eq!(validated["allowed"], true);
    assert!(validated.get("patch").is_none());
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_is_reviewed_alike_without_side_effects() {
    let (policy, resources) = restricted_sample();
    // A generate rule would create a NetworkPolicy for every new namespace; the server never
    // writes to the cluster, so neither a dry-run nor a real request creates anything.
    let generate = json!({
        "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
        "metadata": {"name": "add-networkpolicy"},
        "spec": {"rules": [{
            "name": "default-deny",
            "match": {"any": [{"resources": {"kinds": ["Namespace"]}}]},
            "generate": {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                         "name": "default-deny", "namespace": "{{request.object.metadata.name}}",
                         "data": {"spec": {"podSelector": {}, "policyTypes": ["Ingress"]}}},
        }]},
    });
    let server = Running::start(Some(vec![policy, generate]), |_| {}).await;
    let pod = named(&resources, "badpod01");
    let real = server
        .review("/validate", &review("dry-0", pod, "CREATE", false))
        .await;
    let dry = server
        .review("/validate", &review("dry-1", pod, "CREATE", true))
        .await;
    assert_eq!(dry["allowed"], false);
    assert_eq!(dry["status"], real["status"]);
    let namespace =
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "team-b"}});
    for (uid, dry_run) in [("dry-2", true), ("dry-3", false)] {
        for path in ["/validate", "/mutate"] {
            let answer = server
                .review(path, &review(uid, &namespace, "CREATE", dry_run))
                .await;
            assert_eq!(answer, json!({"uid": uid, "allowed": true}));
        }
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_bodies_are_refused_with_400_and_probes_follow_readiness() {
    let server = Running::start(None, |options| options.max_body_bytes = 64 * 1024).await;
    assert_eq!(server.get("/healthz").await, 200);
    assert_eq!(server.get("/readyz").await, 503);
    let (_, resources) = restricted_sample();
    let pod = named(&resources, "goodpod01");
    let (status, body) = server
        .post(
            "/validate",
            review("early", pod, "CREATE", false).to_string(),
        )
        .await;
    assert_eq!(
        (status, body.as_str()),
        (503, "policies are not loaded yet")
    );

    assert!(
        server
            .slot
            .install(PolicySet::from_objects(&[]).expect("no policies"))
    );
    assert_eq!(server.get("/readyz").await, 200);

    let (status, body) = server.post("/validate", "{\"apiVersion\":").await;
    assert_eq!(status, 400);
    assert!(
        body.starts_with("the body is not an AdmissionReview"),
        "{body}"
    );

    let mut v1beta1 = review("old", pod, "CREATE", false);
    v1beta1["apiVersion"] = json!("admission.k8s.io/v1beta1");
    let (status, body) = server.post("/mutate", v1beta1.to_string()).await;
    assert_eq!(status, 400);
    assert!(body.contains("admission.k8s.io/v1beta1"), "{body}");

    let mut oversized = review("big", pod, "CREATE", false);
    oversized["request"]["object"]["metadata"]["annotations"] =
        json!({"a": "x".repeat(128 * 1024)});
    let (status, body) = server.post("/validate", oversized.to_string()).await;
    assert_eq!(status, 400);
    assert!(body.contains("larger than 65536 bytes"), "{body}");

    // Still serving after the refusals.
    let answer = server
        .review("/validate", &review("after", pod, "CREATE", false))
        .await;
    assert_eq!(answer["allowed"], true);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_parse_and_count_every_answer() {
    let (policy, resources) = restricted_sample();
    let server = Running::start(Some(vec![policy]), |_| {}).await;
    for (uid, name) in [("m1", "badpod01"), ("m2", "goodpod01"), ("m3", "goodpod01")] {
        server
            .review(
                "/validate",
                &review(uid, named(&resources, name), "CREATE", false),
            )
            .await;
    }
    let (status, _) = server.post("/mutate", "not json").await;
    assert_eq!(status, 400);

    let text = server.metrics_text().await;
    let mut samples = std::collections::BTreeMap::new();
    for line in text.lines().filter(|line| !line.starts_with('#')) {
        let (series, value) = line.rsplit_once(' ').expect("`series value` lines");
        assert!(value.parse::<f64>().is_ok(), "a numeric sample in {line:?}");
        samples.insert(series.to_owned(), value.to_owned());
    }
    let sample = |series: &str| {
        samples
            .get(series)
            .unwrap_or_else(|| panic!("{series} in\n{text}"))
            .as_str()
    };
    assert_eq!(
        sample("custody_admission_requests_total{webhook=\"validate\",verdict=\"denied\"}"),
        "1"
    );
    assert_eq!(
        sample("custody_admission_requests_total{webhook=\"validate\",verdict=\"allowed\"}"),
        "2"
    );
    assert_eq!(
        sample("custody_admission_requests_total{webhook=\"mutate\",verdict=\"invalid\"}"),
        "1"
    );
    assert_eq!(
        sample("custody_admission_request_duration_seconds_count{webhook=\"validate\"}"),
        "3"
    );
    assert_eq!(
        sample(
            "custody_admission_policy_evaluation_duration_seconds_bucket{webhook=\"validate\",le=\"+Inf\"}"
        ),
        "3"
    );
    assert_eq!(sample("custody_admission_image_cache_hits_total"), "0");
    assert_eq!(sample("custody_admission_registry_errors_total"), "0");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_fails_closed_unless_fail_open() {
    let (policy, resources) = restricted_sample();
    let pod = named(&resources, "goodpod01");
    // No evaluation finishes within a zero deadline.
    let closed = Running::start(Some(vec![policy.clone()]), |options| {
        options.deadline = Duration::ZERO;
    })
    .await;
    let answer = closed
        .review("/validate", &review("late-1", pod, "CREATE", false))
        .await;
    assert_eq!(answer["allowed"], false);
    assert_eq!(answer["status"]["code"], 500);
    let message = answer["status"]["message"].as_str().expect("a message");
    assert!(
        message.contains("fail closed") && message.contains("deadline"),
        "{message}"
    );
    closed.stop().await;

    let open = Running::start(Some(vec![policy]), |options| {
        options.deadline = Duration::ZERO;
        options.fail_open = true;
    })
    .await;
    let answer = open
        .review("/validate", &review("late-2", pod, "CREATE", false))
        .await;
    assert_eq!(answer["allowed"], true);
    let warning = answer["warnings"][0].as_str().expect("a warning");
    assert!(
        warning.contains("fail-open") && warning.contains("deadline"),
        "{warning}"
    );
    open.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replaced_certificate_is_served_after_reload() {
    let server = Running::start(Some(Vec::new()), |options| {
        options.reload_interval = Duration::from_millis(100);
    })
    .await;
    assert_eq!(server.get("/healthz").await, 200);

    let rotated = Pki::new();
    let client = rotated.client();
    let url = format!("https://{}/healthz", server.address);
    assert!(
        client.get(&url).send().await.is_err(),
        "the old certificate is not signed by the new CA"
    );
    rotated.write(server.dir.path());
    let mut reloaded = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        // A fresh client each time: no pooled connection from before the reload.
        if rotated
            .client()
            .get(&url)
            .send()
            .await
            .is_ok_and(|response| response.status() == 200)
        {
            reloaded = true;
            break;
        }
    }
    assert!(reloaded, "the rotated certificate was never served");
    // Clients of the old CA no longer connect.
    assert!(server.pki.client().get(&url).send().await.is_err());
    drop(client);
    server.stop().await;
}

/// A registry stand-in: images under `ghcr.io/custody/signed` verify with one digest, others
/// are rejected; every lookup takes `delay`, and the most concurrent lookups are recorded.
struct TableVerifier {
    delay: Duration,
    active: AtomicUsize,
    peak: AtomicUsize,
    calls: AtomicUsize,
}

const DIGEST: &str = "sha256:5b0bcabd1ed22e9fb1310cf6c2dec7cdef19f0ad69efa1f392e94a4333501270";

impl TableVerifier {
    fn new(delay: Duration) -> Self {
        Self {
            delay,
            active: AtomicUsize::new(0),
            peak: AtomicUsize::new(0),
            calls: AtomicUsize::new(0),
        }
    }
}

impl ImageVerifier for TableVerifier {
    fn verify_signature(
        &self,
        image: &str,
        _attestor: &Attestor,
    ) -> Result<Verified, VerifyFailure> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let now = self.active.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(self.delay);
        self.active.fetch_sub(1, Ordering::SeqCst);
        if image.starts_with("ghcr.io/custody/signed") {
            Ok(Verified {
                digest: DIGEST.to_owned(),
            })
        } else {
            Err(VerifyFailure::Rejected {
                reason: "no signature matched the key".to_owned(),
            })
        }
    }

    fn verify_attestations(
        &self,
        _image: &str,
        _predicate_type: &str,
        _attestor: &Attestor,
    ) -> Result<Attested, VerifyFailure> {
        Err(VerifyFailure::Unsupported {
            feature: "attestations".to_owned(),
        })
    }

    fn resolve_digest(&self, _image: &str) -> Result<String, VerifyFailure> {
        Ok(DIGEST.to_owned())
    }
}

/// A key-based `verifyImages` policy in the shape of the Kyverno samples.
fn check_image_policy() -> Value {
    json!({
        "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
        "metadata": {"name": "check-image"},
        "spec": {"validationFailureAction": "Enforce", "webhookTimeoutSeconds": 30, "rules": [{
            "name": "check-image",
            "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
            "verifyImages": [{
                "imageReferences": ["ghcr.io/custody/*"],
                "attestors": [{"entries": [{"keys": {"publicKeys": "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----"}}]}],
            }],
        }]},
    })
}

fn pod_with_image(name: &str, image: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
        "spec": {"containers": [{"name": "app", "image": image}]},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verified_images_are_pinned_and_unsigned_ones_denied() {
    let verifier = Arc::new(TableVerifier::new(Duration::ZERO));
    let shared: Arc<dyn ImageVerifier> = verifier.clone();
    let server = Running::start(Some(vec![check_image_policy()]), |options| {
        options.verifier = Some(shared);
    })
    .await;
    let signed = pod_with_image("signed", "ghcr.io/custody/signed:1.0");
    let response = server
        .review("/mutate", &review("img-1", &signed, "CREATE", false))
        .await;
    assert_eq!(response["allowed"], true, "{response}");
    let patch: Value = serde_json::from_slice(
        &base64::engine::general_purpose::STANDARD
            .decode(response["patch"].as_str().expect("a digest patch"))
            .expect("base64"),
    )
    .expect("JSON");
    let mut patched = signed.clone();
    apply_patch(&mut patched, &patch);
    assert_eq!(
        patched["spec"]["containers"][0]["image"],
        format!("ghcr.io/custody/signed:1.0@{DIGEST}")
    );

    let unsigned = pod_with_image("unsigned", "ghcr.io/custody/unsigned:1.0");
    for path in ["/mutate", "/validate"] {
        let response = server
            .review(path, &review("img-2", &unsigned, "CREATE", false))
            .await;
        assert_eq!(response["allowed"], false, "{response}");
        let message = response["status"]["message"].as_str().expect("a message");
        assert!(
            message.starts_with("policy check-image/check-image: "),
            "{message}"
        );
        assert!(
            message.contains("no signature matched the key"),
            "{message}"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn registry_lookups_are_bounded_and_policies_without_a_verifier_fail_closed() {
    let verifier = Arc::new(TableVerifier::new(Duration::from_millis(100)));
    let shared: Arc<dyn ImageVerifier> = verifier.clone();
    let server = Running::start(Some(vec![check_image_policy()]), |options| {
        options.verifier = Some(shared);
        options.max_registry_lookups = 1;
    })
    .await;
    let reviews = (0..4).map(|index| {
        let pod = pod_with_image(&format!("p{index}"), "ghcr.io/custody/signed:1.0");
        review(&format!("bound-{index}"), &pod, "CREATE", false)
    });
    let answers = futures_util::future::join_all(reviews.map(|review| {
        let server = &server;
        async move { server.review("/validate", &review).await }
    }))
    .await;
    assert!(answers.iter().all(|answer| answer["allowed"] == true));
    assert_eq!(verifier.calls.load(Ordering::SeqCst), 4);
    assert_eq!(verifier.peak.load(Ordering::SeqCst), 1);
    server.stop().await;

    // Without a verifier an Enforce verifyImages rule is not evaluated: denied, not admitted.
    let server = Running::start(Some(vec![check_image_policy()]), |_| {}).await;
    let pod = pod_with_image("p", "ghcr.io/custody/signed:1.0");
    let response = server
        .review("/validate", &review("nov", &pod, "CREATE", false))
        .await;
    assert_eq!(response["allowed"], false);
    let message = response["status"]["message"].as_str().expect("a message");
    assert!(message.contains("not evaluated"), "{message}");
    server.stop().await;
}
