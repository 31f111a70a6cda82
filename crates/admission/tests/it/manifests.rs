//! `custody admission manifests`: the printed objects are what issue 9 lists, the generated
//! certificates work for the Service name, the webhook rules follow the policies, and the
//! objects pass custody's own misconfiguration checks and the restricted Pod Security
//! Standards.

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use custody_admission::PolicySet;
use custody_admission::manifests::{
    DEFAULT_IMAGE, InstallManifests, InstallManifestsBuilder, ManifestsError, Note, default_policy,
};
use custody_misconfig::KubernetesScanner;
use custody_model::Severity;
use custody_policy::{PssLevel, PssOutcome, PssPolicy};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{
    ClientConfig, ClientConnection, Connection, RootCertStore, ServerConfig, ServerConnection,
};
use serde_json::{Value, json};

const NAMESPACE: &str = "custody-system";
const SERVICE: &str = "custody-admission";
const IMAGE: &str = "registry.example/custody@sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";

/// The conformance corpora (`CUSTODY_CONFORMANCE_DIR`), which must exist.
fn conformance_dir() -> PathBuf {
    let dir = std::env::var_os("CUSTODY_CONFORMANCE_DIR").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
        PathBuf::from,
    );
    assert!(
        dir.join("kyverno").is_dir(),
        "the conformance corpora are missing at {} (set CUSTODY_CONFORMANCE_DIR)",
        dir.display()
    );
    dir
}

/// Generates manifests with the pinned test image and the given policy paths.
fn generate(policies: &[&Path]) -> InstallManifests {
    policies
        .iter()
        .fold(
            InstallManifests::builder(NAMESPACE).image(IMAGE),
            InstallManifestsBuilder::policy_path,
        )
        .generate()
        .expect("valid options and policies")
}

/// The one object of `kind`.
fn object<'a>(manifests: &'a InstallManifests, kind: &str) -> &'a Value {
    let mut found = manifests
        .objects
        .iter()
        .filter(|object| object["kind"] == kind);
    let first = found.next().unwrap_or_else(|| panic!("no {kind}"));
    assert!(found.next().is_none(), "more than one {kind}");
    first
}

/// A Secret's `data` entry, decoded.
fn secret_entry(secret: &Value, key: &str) -> String {
    let encoded = secret["data"][key].as_str().expect("a data entry");
    String::from_utf8(STANDARD.decode(encoded).expect("base64")).expect("PEM text")
}

fn kinds(manifests: &InstallManifests) -> Vec<&str> {
    manifests
        .objects
        .iter()
        .map(|object| object["kind"].as_str().expect("every object has a kind"))
        .collect()
}

#[test]
fn the_yaml_stream_reads_back_as_the_objects_in_apply_order() {
    let manifests = generate(&[]);
    let yaml = manifests.to_yaml().expect("serializable");
    let parsed: Vec<Value> = serde_saphyr::from_multiple(&yaml).expect("valid YAML");
    assert_eq!(
        parsed, manifests.objects,
        "the YAML reads back as the objects"
    );
    assert_eq!(
        kinds(&manifests),
        [
            "Namespace",
            "ServiceAccount",
            "Secret",
            "ConfigMap",
            "Service",
            "Deployment",
            "PodDisruptionBudget",
            "ValidatingWebhookConfiguration",
        ],
        "the built-in policy only validates, so no mutating webhook is installed"
    );
    assert!(manifests.notes.is_empty(), "{:?}", manifests.notes);
    for object in &manifests.objects {
        let cluster_scoped = matches!(
            object["kind"].as_str(),
            Some("Namespace" | "ValidatingWebhookConfiguration" | "MutatingWebhookConfiguration")
        );
        if !cluster_scoped {
            assert_eq!(object["metadata"]["namespace"], NAMESPACE, "{object}");
        }
    }
}

#[test]
fn the_namespace_enforces_restricted_and_the_account_has_no_token() {
    let manifests = generate(&[]);
    let namespace = object(&manifests, "Namespace");
    assert_eq!(namespace["metadata"]["name"], NAMESPACE);
    let labels = &namespace["metadata"]["labels"];
    assert_eq!(labels["pod-security.kubernetes.io/enforce"], "restricted");
    assert_eq!(
        labels["pod-security.kubernetes.io/enforce-version"],
        "latest"
    );

    let account = object(&manifests, "ServiceAccount");
    assert_eq!(account["metadata"]["name"], SERVICE);
    assert_eq!(account["automountServiceAccountToken"], false);
}

#[test]
fn the_deployment_spreads_three_restricted_replicas_under_a_disruption_budget() {
    let manifests = generate(&[]);
    let spec = &object(&manifests, "Deployment")["spec"];
    assert_eq!(spec["replicas"], 3);
    let selector = &spec["selector"]["matchLabels"];
    let pod = &spec["template"]["spec"];
    assert_eq!(pod["serviceAccountName"], SERVICE);
    assert_eq!(pod["automountServiceAccountToken"], false);
    let anti_affinity = &pod["affinity"]["podAntiAffinity"]["preferredDuringSchedulingIgnoredDuringExecution"]
        [0]["podAffinityTerm"];
    assert_eq!(anti_affinity["topologyKey"], "kubernetes.io/hostname");
    assert_eq!(&anti_affinity["labelSelector"]["matchLabels"], selector);
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(pod["securityContext"]["runAsUser"], 65532);
    assert_eq!(
        pod["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    let containers = pod["containers"].as_array().expect("containers");
    assert_eq!(containers.len(), 1);
    let context = &containers[0]["securityContext"];
    assert_eq!(context["runAsNonRoot"], true);
    assert_eq!(context["runAsUser"], 65532);
    assert_eq!(context["readOnlyRootFilesystem"], true);
    assert_eq!(context["allowPrivilegeEscalation"], false);
    assert_eq!(context["capabilities"]["drop"], json!(["ALL"]));
    assert_eq!(context["seccompProfile"]["type"], "RuntimeDefault");

    let budget = object(&manifests, "PodDisruptionBudget");
    assert_eq!(budget["spec"]["maxUnavailable"], 1);
    assert_eq!(&budget["spec"]["selector"]["matchLabels"], selector);
}

#[test]
fn the_container_serves_the_mounted_policies_and_certificate_with_probes() {
    let manifests = generate(&[]);
    let pod = &object(&manifests, "Deployment")["spec"]["template"]["spec"];
    let container = &pod["containers"][0];
    assert_eq!(container["image"], IMAGE);
    assert_eq!(container["imagePullPolicy"], "IfNotPresent");
    for (probe, path) in [("livenessProbe", "/healthz"), ("readinessProbe", "/readyz")] {
        let get = &container[probe]["httpGet"];
        assert_eq!(get["path"], path);
        assert_eq!(get["scheme"], "HTTPS");
        assert_eq!(get["port"], "https");
    }
    for field in ["requests", "limits"] {
        let resources = &container["resources"][field];
        assert!(resources["cpu"].is_string() && resources["memory"].is_string());
    }
    let https_port = container["ports"]
        .as_array()
        .expect("ports")
        .iter()
        .find(|port| port["name"] == "https")
        .expect("an https port");
    assert_eq!(https_port["containerPort"], 8443);
    let args: Vec<&str> = container["args"]
        .as_array()
        .expect("args")
        .iter()
        .map(|arg| arg.as_str().expect("string args"))
        .collect();
    assert_eq!(container["command"], json!(["custody"]));
    assert_eq!(
        args.get(..8).expect("the serve command"),
        [
            "admission",
            "serve",
            "--policies",
            "/policies",
            "--tls-cert",
            "/tls/tls.crt",
            "--tls-key",
            "/tls/tls.key"
        ]
    );
    assert!(
        args.windows(2).any(|pair| pair == ["--deadline", "8000ms"]),
        "the deadline sits below the 10 s timeout: {args:?}"
    );
    let mounts = container["volumeMounts"].as_array().expect("mounts");
    let volumes = pod["volumes"].as_array().expect("volumes");
    for (mount_path, source, reference, name) in [
        ("/tls", "secret", "secretName", format!("{SERVICE}-tls")),
        (
            "/policies",
            "configMap",
            "name",
            format!("{SERVICE}-policies"),
        ),
    ] {
        let mount = mounts
            .iter()
            .find(|mount| mount["mountPath"] == mount_path)
            .unwrap_or_else(|| panic!("{mount_path} mounted"));
        assert_eq!(mount["readOnly"], true);
        let volume = volumes
            .iter()
            .find(|volume| volume["name"] == mount["name"])
            .expect("the mount's volume");
        assert_eq!(volume[source][reference], name.as_str());
    }
}

#[test]
fn the_service_secret_and_config_map_hold_what_the_pods_need() {
    let manifests = generate(&[]);
    let service = object(&manifests, "Service");
    assert_eq!(service["metadata"]["name"], SERVICE);
    assert_eq!(service["spec"]["type"], "ClusterIP");
    assert_eq!(
        service["spec"]["selector"],
        object(&manifests, "Deployment")["spec"]["selector"]["matchLabels"]
    );
    assert_eq!(
        service["spec"]["ports"],
        json!([{"name": "https", "port": 443, "targetPort": "https", "protocol": "TCP"}])
    );

    let secret = object(&manifests, "Secret");
    assert_eq!(secret["metadata"]["name"], format!("{SERVICE}-tls"));
    assert_eq!(secret["type"], "kubernetes.io/tls");
    let keys: Vec<&String> = secret["data"].as_object().expect("data").keys().collect();
    assert_eq!(keys, ["ca.crt", "tls.crt", "tls.key"]);

    let config_map = object(&manifests, "ConfigMap");
    let data = config_map["data"].as_object().expect("data");
    assert_eq!(data.len(), 1);
    let stored: Value = serde_saphyr::from_str(
        data["clusterpolicy-custody-pod-security-restricted.yaml"]
            .as_str()
            .expect("the built-in policy"),
    )
    .expect("YAML");
    assert_eq!(stored, default_policy());
}

#[test]
fn the_validating_webhook_fails_closed_with_the_bundle_and_narrowed_rules() {
    let manifests = generate(&[]);
    let configuration = object(&manifests, "ValidatingWebhookConfiguration");
    let webhooks = configuration["webhooks"].as_array().expect("webhooks");
    assert_eq!(webhooks.len(), 1);
    let webhook = &webhooks[0];
    assert_eq!(
        webhook["clientConfig"]["service"],
        json!({"name": SERVICE, "namespace": NAMESPACE, "path": "/validate", "port": 443})
    );
    let bundle = STANDARD
        .decode(
            webhook["clientConfig"]["caBundle"]
                .as_str()
                .expect("caBundle"),
        )
        .expect("base64");
    assert_eq!(
        String::from_utf8(bundle).expect("PEM"),
        secret_entry(object(&manifests, "Secret"), "ca.crt")
    );
    assert_eq!(webhook["failurePolicy"], "Fail");
    assert_eq!(webhook["sideEffects"], "None");
    assert_eq!(webhook["matchPolicy"], "Equivalent");
    assert_eq!(webhook["admissionReviewVersions"], json!(["v1"]));
    assert_eq!(webhook["timeoutSeconds"], 10);
    assert_eq!(
        webhook["namespaceSelector"],
        json!({"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "NotIn",
                                     "values": ["kube-system", NAMESPACE]}]})
    );
    // The built-in policy matches Pods; Kyverno's auto-generated rules add the controllers.
    assert_eq!(
        webhook["rules"],
        json!([
            {"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
             "resources": ["pods", "pods/ephemeralcontainers", "replicationcontrollers"],
             "scope": "*"},
            {"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
             "resources": ["daemonsets", "deployments", "replicasets", "statefulsets"],
             "scope": "*"},
            {"apiGroups": ["batch"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"],
             "resources": ["cronjobs", "jobs"], "scope": "*"},
        ])
    );
}

/// Runs a TLS handshake in memory: a client trusting `ca` dials `name`, the server presents
/// `certificate` with `key`.
fn handshake(ca: &str, certificate: &str, key: &str, name: &str) -> Result<(), rustls::Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_slice(ca.as_bytes()).expect("a CA certificate"))
        .expect("a usable CA certificate");
    let client = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let chain = CertificateDer::pem_slice_iter(certificate.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .expect("a certificate");
    let key = PrivateKeyDer::from_pem_slice(key.as_bytes()).expect("a private key");
    let server = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    let name = ServerName::try_from(name.to_owned()).expect("a DNS name");
    let mut client = Connection::from(ClientConnection::new(Arc::new(client), name)?);
    let mut server = Connection::from(ServerConnection::new(Arc::new(server))?);
    for _ in 0..10 {
        if !client.is_handshaking() && !server.is_handshaking() {
            // Application data flows both ways once the handshake is done.
            client.writer().write_all(b"ping").expect("buffered");
            pump(&mut client, &mut server)?;
            let mut received = [0; 4];
            server
                .reader()
                .read_exact(&mut received)
                .expect("delivered");
            assert_eq!(&received, b"ping");
            return Ok(());
        }
        pump(&mut client, &mut server)?;
        pump(&mut server, &mut client)?;
    }
    panic!("the handshake did not finish");
}

/// Moves what `from` has to send into `to`, and lets `to` process it.
fn pump(from: &mut Connection, to: &mut Connection) -> Result<(), rustls::Error> {
    let mut bytes = Vec::new();
    while from.wants_write() {
        from.write_tls(&mut bytes).expect("writing to memory");
    }
    let mut unread = bytes.as_slice();
    while !unread.is_empty() {
        to.read_tls(&mut unread).expect("reading from memory");
        to.process_new_packets()?;
    }
    Ok(())
}

#[test]
fn the_ca_bundle_verifies_the_serving_certificate_for_the_service_names() {
    let manifests = generate(&[]);
    let secret = object(&manifests, "Secret");
    let configuration = object(&manifests, "ValidatingWebhookConfiguration");
    let bundle = STANDARD
        .decode(
            configuration["webhooks"][0]["clientConfig"]["caBundle"]
                .as_str()
                .expect("caBundle"),
        )
        .expect("base64");
    let ca = String::from_utf8(bundle).expect("PEM");
    let certificate = secret_entry(secret, "tls.crt");
    let key = secret_entry(secret, "tls.key");
    for name in [
        format!("{SERVICE}.{NAMESPACE}.svc"),
        format!("{SERVICE}.{NAMESPACE}.svc.cluster.local"),
    ] {
        handshake(&ca, &certificate, &key, &name).unwrap_or_else(|error| panic!("{name}: {error}"));
    }
    let error = handshake(&ca, &certificate, &key, "other.custody-system.svc")
        .expect_err("the certificate names only the Service");
    assert!(
        matches!(error, rustls::Error::InvalidCertificate(_)),
        "{error:?}"
    );
    // A second generation makes a new CA, which does not trust the first certificate.
    let other = generate(&[]);
    let other_ca = secret_entry(object(&other, "Secret"), "ca.crt");
    assert_ne!(other_ca, ca);
    let error = handshake(
        &other_ca,
        &certificate,
        &key,
        &format!("{SERVICE}.{NAMESPACE}.svc"),
    )
    .expect_err("another CA");
    assert!(
        matches!(error, rustls::Error::InvalidCertificate(_)),
        "{error:?}"
    );
}

#[test]
fn rules_narrow_to_a_policy_matching_only_pod_creation() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    // A policy file as users keep them, next to a test resource that must not be installed.
    let file = dir.path().join("require-team.yaml");
    fs_err::write(
        &file,
        "\
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-team
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  validationFailureAction: Enforce
  rules:
  - name: team-label
    match:
      any:
      - resources:
          kinds: [Pod]
          operations: [CREATE]
    validate:
      message: the label team is required
      pattern:
        metadata:
          labels:
            team: \"?*\"
---
apiVersion: v1
kind: Pod
metadata:
  name: sample
spec:
  containers:
  - name: app
    image: nginx
",
    )
    .expect("written");
    let manifests = generate(&[dir.path()]);
    assert!(!kinds(&manifests).contains(&"MutatingWebhookConfiguration"));
    let webhook = &object(&manifests, "ValidatingWebhookConfiguration")["webhooks"][0];
    assert_eq!(
        webhook["rules"],
        json!([{"apiGroups": [""], "apiVersions": ["v1"], "operations": ["CREATE"],
                "resources": ["pods", "pods/ephemeralcontainers"], "scope": "*"}])
    );
    let data = object(&manifests, "ConfigMap")["data"]
        .as_object()
        .expect("data");
    let keys: Vec<&String> = data.keys().collect();
    assert_eq!(
        keys,
        ["clusterpolicy-require-team.yaml"],
        "the sample Pod is left out"
    );
}

/// Lays `data` out as the kubelet mounts a `ConfigMap`: the files in a timestamped directory,
/// `..data` linking to it, and one link per key through `..data`.
fn mount_config_map(root: &Path, data: &serde_json::Map<String, Value>) {
    let version = root.join("..2026_11_27_13_00_00.000000001");
    fs_err::create_dir(&version).expect("created");
    for (key, text) in data {
        fs_err::write(version.join(key), text.as_str().expect("text")).expect("written");
        fs_err::os::unix::fs::symlink(Path::new("..data").join(key), root.join(key))
            .expect("linked");
    }
    fs_err::os::unix::fs::symlink(version.file_name().expect("named"), root.join("..data"))
        .expect("linked");
}

#[test]
fn the_server_loads_each_policy_once_from_the_mounted_config_map() {
    let kyverno = conformance_dir().join("kyverno");
    let manifests = generate(&[
        &kyverno.join("other/verify-image/verify-image.yaml"),
        &kyverno.join("pod-security/restricted"),
    ]);
    let data = object(&manifests, "ConfigMap")["data"]
        .as_object()
        .expect("data");
    let mount = tempfile::tempdir().expect("a temporary directory");
    mount_config_map(mount.path(), data);
    // What the Deployment's `--policies /policies` makes the server do.
    let loaded = PolicySet::load(&[mount.path().to_path_buf()]).expect("the policies compile");
    assert_eq!(
        loaded.len(),
        data.len(),
        "every key once, though reachable three ways"
    );
}

#[test]
fn image_verification_policies_also_get_the_mutating_webhook() {
    let policy = conformance_dir().join("kyverno/other/verify-image/verify-image.yaml");
    let manifests = generate(&[&policy]);
    assert_eq!(
        kinds(&manifests).last(),
        Some(&"MutatingWebhookConfiguration"),
        "mutateDigest rewrites tags, which only a mutating webhook can"
    );
    let validating = &object(&manifests, "ValidatingWebhookConfiguration")["webhooks"][0];
    let mutating = &object(&manifests, "MutatingWebhookConfiguration")["webhooks"][0];
    assert_eq!(mutating["clientConfig"]["service"]["path"], "/mutate");
    assert_eq!(mutating["reinvocationPolicy"], "IfNeeded");
    assert_eq!(mutating["rules"], validating["rules"]);
    assert_eq!(mutating["failurePolicy"], "Fail");
    assert_eq!(
        mutating["clientConfig"]["caBundle"],
        validating["clientConfig"]["caBundle"]
    );
}

#[test]
fn the_manifests_pass_custodys_own_checks() {
    let policy = conformance_dir().join("kyverno/other/verify-image/verify-image.yaml");
    for manifests in [generate(&[]), generate(&[&policy])] {
        let yaml = manifests.to_yaml().expect("serializable");
        let scan = KubernetesScanner::new().scan("install.yaml", yaml.as_bytes());
        let findings: Vec<(&str, Severity, Option<&str>)> = scan
            .findings
            .iter()
            .map(|finding| {
                (
                    finding.id.as_str(),
                    finding.severity,
                    finding.resource.as_deref(),
                )
            })
            .collect();
        // Nothing at all is reported with a pinned image: no finding of any severity.
        assert_eq!(findings, [], "{findings:#?}");
        assert!(scan.warnings.is_empty(), "{:?}", scan.warnings);

        let deployment = object(&manifests, "Deployment");
        let restricted = PssPolicy::builder(PssLevel::Restricted).build();
        assert!(matches!(
            restricted.evaluate(deployment),
            PssOutcome::Allowed
        ));
    }
}

#[test]
fn an_unpinned_image_is_noted_and_flagged_only_by_cks006() {
    let manifests = InstallManifests::builder(NAMESPACE)
        .generate()
        .expect("valid options");
    assert_eq!(
        manifests.notes,
        [Note::ImageNotPinned {
            image: DEFAULT_IMAGE.to_owned()
        }]
    );
    let container = &object(&manifests, "Deployment")["spec"]["template"]["spec"]["containers"][0];
    assert_eq!(container["imagePullPolicy"], "Always", "a tag may move");
    let yaml = manifests.to_yaml().expect("serializable");
    let scan = KubernetesScanner::new().scan("install.yaml", yaml.as_bytes());
    let findings: Vec<(&str, Severity)> = scan
        .findings
        .iter()
        .map(|finding| (finding.id.as_str(), finding.severity))
        .collect();
    // CKS006 (LOW) is the finding the note warns about; nothing of MEDIUM or above.
    assert_eq!(findings, [("CKS006", Severity::Low)]);
}

#[test]
fn policy_problems_name_the_file_policy_and_rule() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        fs_err::write(&path, text).expect("written");
        path
    };

    let custom = write(
        "custom.yaml",
        "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: certs}\nspec:\n  \
         rules:\n  - name: duration\n    match: {any: [{resources: {kinds: [Certificate]}}]}\n    \
         validate: {message: m, pattern: {spec: {duration: \"?*\"}}}\n",
    );
    let error = InstallManifests::builder(NAMESPACE)
        .policy_path(&custom)
        .generate()
        .expect_err("a bare custom kind");
    assert_eq!(
        error.to_string(),
        "policy `certs` rule `duration`: cannot tell the API resource of kind `Certificate`"
    );
    assert!(
        error
            .hint()
            .is_some_and(|hint| hint.contains("cert-manager.io/v1/Certificate"))
    );

    let resources = write(
        "pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: a}\n",
    );
    let error = InstallManifests::builder(NAMESPACE)
        .policy_path(&resources)
        .generate()
        .expect_err("no policy in the file");
    assert!(
        matches!(&error, ManifestsError::NoPolicies { path } if *path == resources),
        "{error:?}"
    );

    let first = write(
        "a.yaml",
        &serde_saphyr::to_string(&default_policy()).expect("YAML"),
    );
    let second = write("b.json", &default_policy().to_string());
    let error = InstallManifests::builder(NAMESPACE)
        .policy_path(&first)
        .policy_path(&second)
        .generate()
        .expect_err("the same policy twice");
    assert!(
        matches!(&error, ManifestsError::DuplicatePolicy { first: a, second: b, .. }
            if *a == first && *b == second),
        "{error:?}"
    );

    let broken = write(
        "broken.yaml",
        "apiVersion: kyverno.io/v1\nkind: [ClusterPolicy\n",
    );
    let error = InstallManifests::builder(NAMESPACE)
        .policy_path(&broken)
        .generate()
        .expect_err("invalid YAML");
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("{}:2:7:", broken.display())),
        "the file, line and column of the unclosed bracket: {message}"
    );
}
