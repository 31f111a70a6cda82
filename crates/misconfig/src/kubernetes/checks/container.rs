//! Container hygiene: resource requests and limits, image references and pull policy,
//! health probes, and credentials in the environment (`CKS001`–`CKS011`).
//!
//! Resources and probes are read from the lists that may hold them (the API rejects them on
//! ephemeral containers); images and environment from every container list.

use custody_model::Severity;

use super::pod::{Container, List, elements, field};
use super::{Check, Object, Rule, Sink, rule};

/// The container rules, in id order.
pub(super) static RULES: [Rule; 11] = [
    rule(
        Check {
            id: "CKS001",
            title: "CPU request not set",
            severity: Severity::Low,
            description: "Without a CPU request the scheduler places the pod as if it needed no \
                CPU, so nodes get overcommitted and the container is the first to be starved. \
                A container with a CPU limit passes: Kubernetes uses the limit as its request.",
            remediation: "Set `resources.requests.cpu` on every container.",
            references: &[
                "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
                "CKV_K8S_10",
                "https://avd.aquasec.com/misconfig/ksv015",
            ],
        },
        cpu_request,
    ),
    rule(
        Check {
            id: "CKS002",
            title: "CPU limit not set",
            severity: Severity::Low,
            description: "Without a CPU limit one container can use every core of its node and \
                slow down its neighbours.",
            remediation: "Set `resources.limits.cpu` on every container.",
            references: &[
                "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
                "CKV_K8S_11",
                "https://avd.aquasec.com/misconfig/ksv011",
            ],
        },
        cpu_limit,
    ),
    rule(
        Check {
            id: "CKS003",
            title: "Memory request not set",
            severity: Severity::Low,
            description: "Without a memory request the scheduler cannot reserve memory for the \
                pod, and the kubelet evicts it first under memory pressure. A container with a \
                memory limit passes: Kubernetes uses the limit as its request.",
            remediation: "Set `resources.requests.memory` on every container.",
            references: &[
                "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
                "CKV_K8S_12",
                "https://avd.aquasec.com/misconfig/ksv016",
            ],
        },
        memory_request,
    ),
    rule(
        Check {
            id: "CKS004",
            title: "Memory limit not set",
            severity: Severity::Low,
            description: "Without a memory limit a leaking or attacked container can exhaust its \
                node's memory and get other pods killed.",
            remediation: "Set `resources.limits.memory` on every container.",
            references: &[
                "https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/",
                "CKV_K8S_13",
                "https://avd.aquasec.com/misconfig/ksv018",
            ],
        },
        memory_limit,
    ),
    rule(
        Check {
            id: "CKS005",
            title: "Image uses ':latest' or no tag",
            severity: Severity::Medium,
            description: "An image without a tag means `latest`, which moves: each node may run a \
                different build, and a rollback does not roll back the software. Images pinned \
                by digest pass.",
            remediation: "Use a version tag, or better a digest (`image:tag@sha256:...`).",
            references: &[
                "https://kubernetes.io/docs/concepts/containers/images/#image-names",
                "CKV_K8S_14",
                "https://avd.aquasec.com/misconfig/ksv013",
            ],
        },
        latest_tag,
    ),
    rule(
        Check {
            id: "CKS006",
            title: "Image not pinned by digest",
            severity: Severity::Low,
            description: "A tag can be moved to a different image at any time; only a digest \
                names exactly the image that was scanned and signed.",
            remediation: "Reference the image by digest (`image:tag@sha256:...`), for example \
                from your build's output or `crane digest`.",
            references: &[
                "https://kubernetes.io/docs/concepts/containers/images/#image-names",
                "CKV_K8S_43",
            ],
        },
        no_digest,
    ),
    rule(
        Check {
            id: "CKS007",
            title: "Image pull policy is not Always",
            severity: Severity::Low,
            description: "With a mutable tag and `IfNotPresent` (the default for tagged images) \
                or `Never`, a node keeps running whatever image it pulled first, and any pod on \
                the node can use a private image cached there without credentials. Images \
                pinned by digest pass: their content cannot change.",
            remediation: "Set `imagePullPolicy: Always`, or pin the image by digest.",
            references: &[
                "https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy",
                "CKV_K8S_15",
            ],
        },
        pull_policy,
    ),
    rule(
        Check {
            id: "CKS008",
            title: "Liveness probe not configured",
            severity: Severity::Low,
            description: "Without a liveness probe the kubelet cannot tell a hung container from \
                a working one and never restarts it. Jobs and CronJobs, which run to completion, \
                are not checked.",
            remediation: "Add a `livenessProbe` to every application container.",
            references: &[
                "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
                "CKV_K8S_8",
            ],
        },
        liveness_probe,
    ),
    rule(
        Check {
            id: "CKS009",
            title: "Readiness probe not configured",
            severity: Severity::Low,
            description: "Without a readiness probe a Service sends traffic to the container as \
                soon as it starts, before it can answer. Jobs and CronJobs are not checked.",
            remediation: "Add a `readinessProbe` to every application container.",
            references: &[
                "https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/",
                "CKV_K8S_9",
            ],
        },
        readiness_probe,
    ),
    rule(
        Check {
            id: "CKS010",
            title: "Credential in a literal environment variable",
            severity: Severity::High,
            description: "An environment variable named like a password, secret, token or key \
                has a literal `value`: the credential sits in the manifest, in version control \
                and in every copy of the object the API server hands out. Values that only \
                reference other variables (`$(VAR)`) and variables naming a file, path or URL \
                pass.",
            remediation: "Move the value into a Secret and mount it as a file (or, failing that, \
                reference it with `valueFrom.secretKeyRef`); rotate the exposed credential.",
            references: &[
                "https://kubernetes.io/docs/concepts/configuration/secret/",
                "https://kubernetes.io/docs/concepts/security/secrets-good-practices/",
            ],
        },
        literal_credential,
    ),
    rule(
        Check {
            id: "CKS011",
            title: "Secret exposed as environment variables",
            severity: Severity::Low,
            description: "Secrets in environment variables leak into crash dumps, child processes \
                and logs that print the environment; files from a Secret volume do not, and \
                update without a restart.",
            remediation: "Mount the Secret as a volume and read it from the file instead of \
                `valueFrom.secretKeyRef` or `envFrom.secretRef`.",
            references: &[
                "https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod",
                "CKV_K8S_35",
            ],
        },
        secret_env,
    ),
];

/// The containers of `lists` in the object's pod spec, if it has one.
fn containers<'a>(
    object: &Object<'a>,
    lists: &'static [List],
) -> impl Iterator<Item = Container<'a>> + use<'a> {
    object
        .pod
        .into_iter()
        .flat_map(move |pod| pod.containers(lists))
}

/// Whether a resource quantity is given: a number or a non-blank string.
fn quantity_set(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::String(text) => !text.trim().is_empty(),
        _ => true,
    }
}

/// Reports containers without `resources.<section>.<resource>`. A missing request is not
/// reported when the limit is set: Kubernetes then uses the limit as the request.
fn missing_resource(object: &Object<'_>, sink: &mut Sink<'_>, section: &str, resource: &str) {
    for container in containers(object, List::RUNNING) {
        let resources = container.field("resources");
        let quantity = |section| quantity_set(field(field(resources, section), resource));
        if quantity(section) || (section == "requests" && quantity("limits")) {
            continue;
        }
        let what = match (resource, section) {
            ("cpu", "requests") => "CPU request",
            ("cpu", _) => "CPU limit",
            (_, "requests") => "memory request",
            _ => "memory limit",
        };
        sink.emit(
            container.deepest(&["resources", section, resource]),
            format!("{container} has no {what}"),
        );
    }
}

fn cpu_request(object: &Object<'_>, sink: &mut Sink<'_>) {
    missing_resource(object, sink, "requests", "cpu");
}

fn cpu_limit(object: &Object<'_>, sink: &mut Sink<'_>) {
    missing_resource(object, sink, "limits", "cpu");
}

fn memory_request(object: &Object<'_>, sink: &mut Sink<'_>) {
    missing_resource(object, sink, "requests", "memory");
}

fn memory_limit(object: &Object<'_>, sink: &mut Sink<'_>) {
    missing_resource(object, sink, "limits", "memory");
}

/// The parts of an image reference the checks need.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct ImageReference<'a> {
    /// The repository, without registry tag or digest: `library/nginx` of
    /// `docker.io/library/nginx:1.25`.
    pub(super) repository: &'a str,
    /// The tag, if one is written.
    pub(super) tag: Option<&'a str>,
    /// Whether a digest (`@sha256:...`) pins the image.
    pub(super) pinned: bool,
}

impl<'a> ImageReference<'a> {
    /// Splits `image` as the container runtime does: the digest after `@`, the tag after the
    /// last `:` of the last path component (so a registry port is not a tag).
    pub(super) fn parse(image: &'a str) -> Self {
        let image = image.trim();
        let (name, pinned) = match image.split_once('@') {
            Some((name, digest)) => (name, digest.contains(':')),
            None => (image, false),
        };
        let last_component = name.rsplit('/').next().unwrap_or(name);
        let (path, tag) = match name.rsplit_once(':') {
            Some((path, tag)) if last_component.contains(':') => (path, Some(tag)),
            _ => (name, None),
        };
        let repository = match path.split_once('/') {
            Some((host, rest)) if host.contains(['.', ':']) || host == "localhost" => rest,
            _ => path,
        };
        Self {
            repository,
            tag,
            pinned,
        }
    }

    /// Whether the reference moves: no digest, and no tag or `latest`.
    fn is_latest(&self) -> bool {
        !self.pinned && matches!(self.tag, None | Some("latest"))
    }
}

/// The containers with a non-empty image, with the parsed reference.
fn images<'a>(
    object: &Object<'a>,
) -> impl Iterator<Item = (Container<'a>, &'a str, ImageReference<'a>)> + use<'a> {
    containers(object, List::ALL).filter_map(|container| {
        let image = container.image()?.trim();
        (!image.is_empty()).then(|| (container, image, ImageReference::parse(image)))
    })
}

fn latest_tag(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (container, image, reference) in images(object) {
        if reference.is_latest() {
            let how = if reference.tag.is_some() {
                "the :latest tag"
            } else {
                "no tag, so :latest"
            };
            sink.emit(
                container.path("image"),
                format!("{container} uses image {image:?} with {how}"),
            );
        }
    }
}

fn no_digest(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (container, image, reference) in images(object) {
        if !reference.pinned {
            sink.emit(
                container.path("image"),
                format!("{container} uses image {image:?}, which is not pinned by digest"),
            );
        }
    }
}

fn pull_policy(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (container, image, reference) in images(object) {
        if reference.pinned {
            continue;
        }
        match container.field("imagePullPolicy").as_str() {
            Some("Always") => {}
            Some(policy) => sink.emit(
                container.path("imagePullPolicy"),
                format!("{container} pulls mutable image {image:?} with policy {policy}"),
            ),
            // Kubernetes defaults to Always for `:latest` and untagged images.
            None if reference.is_latest() => {}
            None => sink.emit(
                container.base(),
                format!(
                    "{container} pulls mutable image {image:?} with the default policy \
                     IfNotPresent"
                ),
            ),
        }
    }
}

/// Reports application containers without `probe`, except in Jobs and `CronJob`s.
fn missing_probe(object: &Object<'_>, sink: &mut Sink<'_>, probe: &str, what: &str) {
    if matches!(object.kind, "Job" | "CronJob") {
        return;
    }
    for container in containers(object, List::APPLICATION) {
        if !container.field(probe).is_object() {
            sink.emit(
                container.deepest(&[probe]),
                format!("{container} has no {what} probe"),
            );
        }
    }
}

fn liveness_probe(object: &Object<'_>, sink: &mut Sink<'_>) {
    missing_probe(object, sink, "livenessProbe", "liveness");
}

fn readiness_probe(object: &Object<'_>, sink: &mut Sink<'_>) {
    missing_probe(object, sink, "readinessProbe", "readiness");
}

/// Fragments that make a variable name a credential once separators are removed.
const CREDENTIAL_WORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "apikey",
    "accesskey",
    "privatekey",
    "credential",
    "authkey",
    "clientkey",
    "signingkey",
    "encryptionkey",
    "masterkey",
];

/// Whole words that are credential abbreviations (`DB_PWD`, `SMTP_PASS`).
const CREDENTIAL_ABBREVIATIONS: &[&str] = &["pwd", "pass", "pw"];

/// Last words that make the variable a pointer to a credential or a setting about it, not one.
const REFERENCE_WORDS: &[&str] = &[
    "file", "path", "dir", "url", "uri", "endpoint", "name", "ttl", "expiry", "enabled",
];

/// Whether an environment variable's name says it holds a credential.
fn names_credential(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|character: char| !character.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    if words
        .last()
        .is_some_and(|last| REFERENCE_WORDS.contains(last))
    {
        return false;
    }
    let squashed: String = words.concat();
    CREDENTIAL_WORDS
        .iter()
        .any(|fragment| squashed.contains(fragment))
        || words
            .iter()
            .any(|word| CREDENTIAL_ABBREVIATIONS.contains(word))
}

/// Whether a value is only references to other variables (`$(DB_PASSWORD)`), no literal.
fn only_references(value: &str) -> bool {
    let mut rest = value.trim();
    while let Some(after) = rest.strip_prefix("$(") {
        match after.split_once(')') {
            Some((_, tail)) => rest = tail.trim_start(),
            None => return false,
        }
    }
    rest.is_empty()
}

fn literal_credential(object: &Object<'_>, sink: &mut Sink<'_>) {
    for container in containers(object, List::ALL) {
        for (index, variable) in elements(container.field("env")) {
            let (Some(name), Some(value)) = (
                field(variable, "name").as_str(),
                field(variable, "value").as_str(),
            ) else {
                continue;
            };
            if names_credential(name) && !only_references(value) {
                sink.emit(
                    container.path(&format!("env[{index}].value")),
                    format!("{container} sets {name} from a literal value"),
                );
            }
        }
    }
}

fn secret_env(object: &Object<'_>, sink: &mut Sink<'_>) {
    for container in containers(object, List::ALL) {
        for (index, variable) in elements(container.field("env")) {
            let reference = field(field(variable, "valueFrom"), "secretKeyRef");
            if reference.is_object() {
                let name = field(variable, "name").as_str().unwrap_or("?");
                let secret = field(reference, "name").as_str().unwrap_or("?");
                sink.emit(
                    container.path(&format!("env[{index}].valueFrom.secretKeyRef")),
                    format!("{container} reads Secret {secret:?} into variable {name}"),
                );
            }
        }
        for (index, source) in elements(container.field("envFrom")) {
            let reference = field(source, "secretRef");
            if reference.is_object() {
                let secret = field(reference, "name").as_str().unwrap_or("?");
                sink.emit(
                    container.path(&format!("envFrom[{index}].secretRef")),
                    format!("{container} loads every key of Secret {secret:?} as variables"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    //! Per check, a failing and a passing hand-written manifest.

    use serde_json::{Value, json};

    use super::super::testing::{found, violations};
    use super::*;

    fn pod(container: &Value) -> Value {
        json!({"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [container]}})
    }

    fn deployment(container: &Value) -> Value {
        json!({"kind": "Deployment", "spec": {"template": {"spec": {"containers": [container]}}}})
    }

    #[test]
    fn cks001_cpu_request() {
        let bare = deployment(&json!({"name": "web", "resources": {"limits": {"memory": "1Gi"}}}));
        assert_eq!(
            violations("CKS001", &bare),
            found(
                "spec.template.spec.containers[0].resources",
                "container \"web\" has no CPU request"
            )
        );
        let set = pod(&json!({"name": "web", "resources": {"requests": {"cpu": "100m"}}}));
        assert!(violations("CKS001", &set).is_empty());
        // The limit becomes the request.
        let limited = pod(&json!({"name": "web", "resources": {"limits": {"cpu": "1"}}}));
        assert!(violations("CKS001", &limited).is_empty());
    }

    #[test]
    fn cks002_cpu_limit() {
        let object = json!({"kind": "Pod", "spec": {"initContainers": [{"name": "init"}]}});
        assert_eq!(
            violations("CKS002", &object),
            found(
                "spec.initContainers[0]",
                "init container \"init\" has no CPU limit"
            )
        );
        let set = pod(&json!({"name": "web", "resources": {"limits": {"cpu": 2}}}));
        assert!(violations("CKS002", &set).is_empty());
    }

    #[test]
    fn cks003_memory_request() {
        let empty = pod(&json!({"name": "web", "resources": {"requests": {"memory": ""}}}));
        assert_eq!(
            violations("CKS003", &empty),
            found(
                "spec.containers[0].resources.requests.memory",
                "container \"web\" has no memory request"
            )
        );
        let set = pod(&json!({"name": "web", "resources": {"requests": {"memory": "64Mi"}}}));
        assert!(violations("CKS003", &set).is_empty());
    }

    #[test]
    fn cks004_memory_limit() {
        let bare = pod(&json!({"name": "web"}));
        assert_eq!(
            violations("CKS004", &bare),
            found(
                "spec.containers[0]",
                "container \"web\" has no memory limit"
            )
        );
        let set = pod(&json!({"name": "web", "resources": {"limits": {"memory": "1Gi"}}}));
        assert!(violations("CKS004", &set).is_empty());
        // Ephemeral containers cannot have resources, so they are not asked for them.
        let debug = json!({"kind": "Pod", "spec": {"ephemeralContainers": [{"name": "d"}]}});
        assert!(violations("CKS004", &debug).is_empty());
    }

    #[test]
    fn cks005_latest_tag() {
        let untagged = pod(&json!({"name": "web", "image": "localhost:5000/shop/web"}));
        assert_eq!(
            violations("CKS005", &untagged),
            found(
                "spec.containers[0].image",
                "container \"web\" uses image \"localhost:5000/shop/web\" with no tag, so :latest"
            )
        );
        let latest = pod(&json!({"name": "web", "image": "nginx:latest"}));
        assert_eq!(
            violations("CKS005", &latest),
            found(
                "spec.containers[0].image",
                "container \"web\" uses image \"nginx:latest\" with the :latest tag"
            )
        );
        for image in [
            "nginx:1.27",
            "nginx@sha256:0123",
            "nginx:latest@sha256:ab12",
        ] {
            assert!(
                violations("CKS005", &pod(&json!({"image": image}))).is_empty(),
                "{image}"
            );
        }
    }

    #[test]
    fn cks006_digest() {
        let tagged = pod(&json!({"name": "web", "image": "nginx:1.27"}));
        assert_eq!(
            violations("CKS006", &tagged),
            found(
                "spec.containers[0].image",
                "container \"web\" uses image \"nginx:1.27\", which is not pinned by digest"
            )
        );
        let pinned = pod(&json!({"name": "web", "image": "nginx:1.27@sha256:0123abcd"}));
        assert!(violations("CKS006", &pinned).is_empty());
    }

    #[test]
    fn cks007_pull_policy() {
        let default = pod(&json!({"name": "web", "image": "nginx:1.27"}));
        assert_eq!(
            violations("CKS007", &default),
            found(
                "spec.containers[0]",
                "container \"web\" pulls mutable image \"nginx:1.27\" with the default policy \
                 IfNotPresent"
            )
        );
        let never = pod(&json!({"name": "web", "image": "nginx", "imagePullPolicy": "Never"}));
        assert_eq!(
            violations("CKS007", &never),
            found(
                "spec.containers[0].imagePullPolicy",
                "container \"web\" pulls mutable image \"nginx\" with policy Never"
            )
        );
        for container in [
            json!({"image": "nginx:1.27", "imagePullPolicy": "Always"}),
            json!({"image": "nginx"}),
            json!({"image": "nginx@sha256:ab12", "imagePullPolicy": "IfNotPresent"}),
        ] {
            assert!(
                violations("CKS007", &pod(&container)).is_empty(),
                "{container}"
            );
        }
    }

    #[test]
    fn cks008_liveness_probe() {
        let bare = deployment(&json!({"name": "web"}));
        assert_eq!(
            violations("CKS008", &bare),
            found(
                "spec.template.spec.containers[0]",
                "container \"web\" has no liveness probe"
            )
        );
        let probed = pod(&json!({"name": "web", "livenessProbe": {"httpGet": {"port": 8080}}}));
        assert!(violations("CKS008", &probed).is_empty());
        let job = json!({"kind": "Job", "spec": {"template": {"spec": {"containers": [{}]}}}});
        assert!(violations("CKS008", &job).is_empty());
    }

    #[test]
    fn cks009_readiness_probe() {
        let bare = pod(&json!({"name": "web"}));
        assert_eq!(
            violations("CKS009", &bare),
            found(
                "spec.containers[0]",
                "container \"web\" has no readiness probe"
            )
        );
        let probed =
            pod(&json!({"name": "web", "readinessProbe": {"exec": {"command": ["true"]}}}));
        assert!(violations("CKS009", &probed).is_empty());
    }

    #[test]
    fn cks010_literal_credential() {
        let leaked = pod(&json!({"name": "web", "env": [
            {"name": "LOG_LEVEL", "value": "debug"},
            {"name": "DB_PASSWORD", "value": "hunter2-synthetic"},
        ]}));
        let found_violations = violations("CKS010", &leaked);
        assert_eq!(
            found_violations,
            found(
                "spec.containers[0].env[1].value",
                "container \"web\" sets DB_PASSWORD from a literal value"
            )
        );
        assert!(!found_violations[0].1.contains("hunter2"));
        for (name, value) in [
            ("apiKey", "abc123"),
            ("SMTP_PASS", "x"),
            ("GITHUB_TOKEN", "ghp_synthetic"),
            ("aws-secret-access-key", "x"),
        ] {
            let object = pod(&json!({"env": [{"name": name, "value": value}]}));
            assert_eq!(violations("CKS010", &object).len(), 1, "{name}");
        }
        for (name, value) in [
            ("DB_PASSWORD", "$(FROM_SECRET)"),
            ("DB_PASSWORD_FILE", "/run/secrets/db"),
            ("TOKEN_URL", "https://auth.example.com/token"),
            ("PASSAGE", "x"),
            ("KEYCLOAK_REALM", "x"),
        ] {
            let object = pod(&json!({"env": [{"name": name, "value": value}]}));
            assert!(violations("CKS010", &object).is_empty(), "{name}");
        }
        let from_secret = pod(&json!({"env": [{"name": "DB_PASSWORD",
            "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}));
        assert!(violations("CKS010", &from_secret).is_empty());
    }

    #[test]
    fn cks011_secret_env() {
        let object = pod(&json!({"name": "web",
            "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "pw"}}}],
            "envFrom": [{"configMapRef": {"name": "settings"}}, {"secretRef": {"name": "api"}}],
        }));
        assert_eq!(
            violations("CKS011", &object),
            [
                (
                    "spec.containers[0].env[0].valueFrom.secretKeyRef".to_owned(),
                    "container \"web\" reads Secret \"db\" into variable DB_PASSWORD".to_owned()
                ),
                (
                    "spec.containers[0].envFrom[1].secretRef".to_owned(),
                    "container \"web\" loads every key of Secret \"api\" as variables".to_owned()
                ),
            ]
        );
        let files = pod(
            &json!({"name": "web", "volumeMounts": [{"name": "db", "mountPath": "/s"}],
            "envFrom": [{"configMapRef": {"name": "settings"}}]}),
        );
        assert!(violations("CKS011", &files).is_empty());
    }

    #[test]
    fn image_references_split_like_the_runtime() {
        let parse = ImageReference::parse;
        assert_eq!(
            parse("registry.example.com:5000/team/app:1.2@sha256:ab"),
            ImageReference {
                repository: "team/app",
                tag: Some("1.2"),
                pinned: true
            }
        );
        assert_eq!(
            parse("ghcr.io/helm/tiller"),
            ImageReference {
                repository: "helm/tiller",
                tag: None,
                pinned: false
            }
        );
        assert_eq!(
            parse("nginx:1"),
            ImageReference {
                repository: "nginx",
                tag: Some("1"),
                pinned: false
            }
        );
        assert!(!parse("nginx@").pinned);
    }
}
