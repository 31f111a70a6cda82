//! Everything needed to install the webhook in a cluster, as the objects
//! `custody admission manifests` prints: `Namespace`, `ServiceAccount`, TLS `Secret`, policies
//! `ConfigMap`, `Service`, `Deployment`, `PodDisruptionBudget` and the webhook configurations.
//!
//! [`InstallManifests::builder`] takes the namespace and the options of the command;
//! [`InstallManifestsBuilder::generate`] reads the policies, generates the TLS material and
//! returns the objects, which [`InstallManifests::to_yaml`] prints as one multi-document YAML
//! stream for `kubectl apply -f -`.
//!
//! - `policies` reads the policy files into the `ConfigMap` (or the built-in default,
//!   [`default_policy`]);
//! - `rules` narrows the webhook configurations' `rules` to what those policies match;
//! - `certificates` generates the CA and serving certificate ([`CA_VALIDITY_DAYS`],
//!   [`SERVING_VALIDITY_DAYS`]);
//! - `objects` builds the objects, each choice explained there.
//!
//! The objects pass custody's own checks: the misconfiguration scanner (`custody scan`) finds
//! nothing in them when the image is pinned by digest (only `CKS006`, of low severity, for an
//! image given by tag, which [`Note::ImageNotPinned`] announces), and the `Deployment` meets the
//! restricted Pod Security Standards (the integration tests run both).
//!
//! ```
//! use custody_admission::manifests::InstallManifests;
//!
//! let manifests = InstallManifests::builder("custody-system")
//!     .image("registry.example/custody@sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
//!     .generate()
//!     .expect("the built-in policy and valid names");
//! let kinds: Vec<&str> = manifests
//!     .objects
//!     .iter()
//!     .filter_map(|object| object["kind"].as_str())
//!     .collect();
//! assert_eq!(kinds, [
//!     "Namespace", "ServiceAccount", "Secret", "ConfigMap", "Service", "Deployment",
//!     "PodDisruptionBudget", "ValidatingWebhookConfiguration",
//! ]);
//! assert!(manifests.notes.is_empty());
//! assert!(manifests.to_yaml().expect("serializable").starts_with("apiVersion: v1\n"));
//! ```

mod certificates;
mod objects;
mod policies;
mod rules;

use std::fmt;
use std::path::PathBuf;

use custody_policy::kyverno::policy::PolicyError;
use custody_policy::manifest::ManifestError;
use jiff::Timestamp;
use serde_json::Value;

pub use certificates::{CA_VALIDITY_DAYS, SERVING_VALIDITY_DAYS};
pub use policies::{MAX_POLICY_BYTES, default_policy};

use objects::Plan;
use policies::PolicyFiles;
use rules::NarrowedRules;

/// The Service (and Deployment, `ServiceAccount`…) name by default.
pub const DEFAULT_SERVICE_NAME: &str = "custody-admission";

/// Replicas by default: one may be drained and one may fail while a third still answers.
pub const DEFAULT_REPLICAS: u16 = 3;

/// The webhooks' `timeoutSeconds` by default, kube-apiserver's own default.
pub const DEFAULT_TIMEOUT_SECONDS: u8 = 10;

/// The longest `timeoutSeconds` the API server accepts.
pub const MAX_TIMEOUT_SECONDS: u8 = 30;

/// The image by default: custody of this version, as built locally
/// (`docker build -t custody:VERSION`); production installs pass a digest-pinned image.
pub const DEFAULT_IMAGE: &str = concat!("custody:", env!("CARGO_PKG_VERSION"));

/// Namespaces the webhook may not be installed in: the webhooks exempt their own namespace,
/// and the Namespace object would relabel these for the restricted standards.
const RESERVED_NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];

/// Why the install manifests cannot be generated.
#[derive(Debug, thiserror::Error)]
pub enum ManifestsError {
    /// A name is not a valid Kubernetes object name (an RFC 1123 label).
    #[error("invalid {field} `{value}`: {reason}")]
    InvalidName {
        /// Which name: `namespace` or `service name`.
        field: &'static str,
        /// The name given.
        value: String,
        /// What rule it breaks.
        reason: &'static str,
    },
    /// The namespace is one the webhook must not own.
    #[error("namespace `{namespace}` is reserved: the webhook needs a namespace of its own")]
    ReservedNamespace {
        /// The namespace given.
        namespace: String,
    },
    /// The image reference is empty or contains whitespace.
    #[error("invalid image reference `{image}`")]
    InvalidImage {
        /// The reference given.
        image: String,
    },
    /// No replica was asked for.
    #[error("replicas must be at least 1")]
    NoReplicas,
    /// The webhook timeout is outside what the API server accepts.
    #[error("timeout of {seconds} s is outside 1 to {MAX_TIMEOUT_SECONDS} s")]
    InvalidTimeout {
        /// The timeout given.
        seconds: u8,
    },
    /// A policy file or directory cannot be read or parsed (the cause names the file, and for
    /// syntax errors the line and column).
    #[error(transparent)]
    ReadPolicies(#[from] ManifestError),
    /// A policy object cannot be compiled.
    #[error("{}: invalid Kyverno policy", file.display())]
    InvalidPolicy {
        /// The file holding it.
        file: PathBuf,
        /// What custody-policy refused.
        #[source]
        source: PolicyError,
    },
    /// A path given holds no `ClusterPolicy` or `Policy`.
    #[error("{}: no Kyverno ClusterPolicy or Policy found", path.display())]
    NoPolicies {
        /// The file or directory given.
        path: PathBuf,
    },
    /// Two policies would share a name, so one would silently replace the other.
    #[error("policy `{name}` is defined twice: in {} and {}", first.display(), second.display())]
    DuplicatePolicy {
        /// The policy's name.
        name: String,
        /// Where it was read first.
        first: PathBuf,
        /// Where it was read again.
        second: PathBuf,
    },
    /// The policies do not fit in a `ConfigMap`.
    #[error("the policies take {size} bytes, more than the {MAX_POLICY_BYTES} a ConfigMap holds")]
    PoliciesTooLarge {
        /// Their size as stored.
        size: usize,
    },
    /// A rule matches a kind whose API group and resource cannot be known.
    #[error("policy `{policy}` rule `{rule}`: cannot tell the API resource of kind `{kind}`")]
    UnknownKind {
        /// The policy.
        policy: String,
        /// The rule.
        rule: String,
        /// The kind selector as written.
        kind: String,
    },
    /// The certificates cannot be generated.
    #[error("generating the webhook's certificates")]
    Certificate(#[source] rcgen::Error),
    /// An object cannot be written as YAML.
    #[error("writing {what} as YAML")]
    Yaml {
        /// What was being written.
        what: String,
        /// The serializer's error.
        #[source]
        source: serde_saphyr::SerializeError,
    },
}

impl ManifestsError {
    /// What the user can do about the error, when there is something to say.
    #[must_use]
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::UnknownKind { .. } => Some(
                "write the kind of a custom resource with its group and version, such as \
                 `cert-manager.io/v1/Certificate`",
            ),
            Self::ReservedNamespace { .. } => {
                Some("install into a new namespace, such as `custody-system`")
            }
            Self::PoliciesTooLarge { .. } => {
                Some("install fewer policies, or split them over several webhook installations")
            }
            Self::NoPolicies { .. } => {
                Some("pass Kyverno ClusterPolicy or Policy files, or a directory holding them")
            }
            _ => None,
        }
    }
}

/// Something the user should know about the generated manifests, though they are usable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The image is referenced by tag, not digest.
    ImageNotPinned {
        /// The image reference.
        image: String,
    },
    /// Fewer than two replicas: draining a node or a crash stops all admissions the webhooks
    /// select, since they fail closed.
    SingleReplica,
    /// A policy matches a kind custody does not know; its resource name was guessed, and the
    /// webhook is not called for that kind if the guess is wrong.
    GuessedResource {
        /// The kind selector as written.
        kind: String,
        /// The guess, `group/version/resource`.
        resource: String,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ImageNotPinned { image } => write!(
                formatter,
                "image `{image}` is not pinned by digest: the tag can be moved to other \
                 content, and custody's own check CKS006 flags the Deployment; pin it as \
                 REPOSITORY@sha256:DIGEST"
            ),
            Self::SingleReplica => formatter.write_str(
                "one replica: while it restarts or its node drains, every request the \
                 webhooks select is refused (they fail closed)",
            ),
            Self::GuessedResource { kind, resource } => write!(
                formatter,
                "kind `{kind}` is not a built-in kind: the webhooks register it as resource \
                 `{resource}`; check the name with `kubectl api-resources`"
            ),
        }
    }
}

/// The generated install manifests.
#[must_use = "manifests that are not printed install nothing"]
#[derive(Debug, Clone)]
pub struct InstallManifests {
    /// The objects, in the order to apply them.
    pub objects: Vec<Value>,
    /// Things to tell the user, such as an image not pinned by digest.
    pub notes: Vec<Note>,
}

impl InstallManifests {
    /// Starts configuring manifests that install the webhook into `namespace`.
    pub fn builder(namespace: impl Into<String>) -> InstallManifestsBuilder {
        InstallManifestsBuilder {
            namespace: namespace.into(),
            service_name: DEFAULT_SERVICE_NAME.to_owned(),
            image: DEFAULT_IMAGE.to_owned(),
            replicas: DEFAULT_REPLICAS,
            timeout_seconds: DEFAULT_TIMEOUT_SECONDS,
            policy_paths: Vec::new(),
        }
    }

    /// The objects as one multi-document YAML stream.
    ///
    /// # Errors
    ///
    /// [`ManifestsError::Yaml`] if an object cannot be serialized (not expected: they are
    /// plain JSON values).
    pub fn to_yaml(&self) -> Result<String, ManifestsError> {
        serde_saphyr::to_string_multiple(&self.objects).map_err(|source| ManifestsError::Yaml {
            what: "the manifests".to_owned(),
            source,
        })
    }
}

/// Configures [`InstallManifests`].
#[derive(Debug, Clone)]
pub struct InstallManifestsBuilder {
    namespace: String,
    service_name: String,
    image: String,
    replicas: u16,
    timeout_seconds: u8,
    policy_paths: Vec<PathBuf>,
}

impl InstallManifestsBuilder {
    /// The server image (default [`DEFAULT_IMAGE`]); pin it by digest.
    #[must_use]
    pub fn image(mut self, image: impl Into<String>) -> Self {
        self.image = image.into();
        self
    }

    /// How many server pods run (default [`DEFAULT_REPLICAS`]).
    #[must_use]
    pub fn replicas(mut self, replicas: u16) -> Self {
        self.replicas = replicas;
        self
    }

    /// The webhooks' `timeoutSeconds` (default [`DEFAULT_TIMEOUT_SECONDS`]); the server's own
    /// deadline is set just below it.
    #[must_use]
    pub fn timeout_seconds(mut self, seconds: u8) -> Self {
        self.timeout_seconds = seconds;
        self
    }

    /// The name of the Service and of the other objects (default
    /// [`DEFAULT_SERVICE_NAME`]).
    #[must_use]
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = name.into();
        self
    }

    /// Adds a Kyverno policy file, or a directory of them (read recursively; objects other
    /// than policies are left out). Without any, the built-in [`default_policy`] is installed.
    #[must_use]
    pub fn policy_path(mut self, path: impl Into<PathBuf>) -> Self {
        self.policy_paths.push(path.into());
        self
    }

    /// Validates the options, reads the policies, generates the certificates and builds the
    /// objects.
    ///
    /// # Errors
    ///
    /// [`ManifestsError`] naming the option, file, policy or rule at fault.
    pub fn generate(self) -> Result<InstallManifests, ManifestsError> {
        check_label("namespace", &self.namespace)?;
        check_label("service name", &self.service_name)?;
        if RESERVED_NAMESPACES.contains(&self.namespace.as_str()) {
            return Err(ManifestsError::ReservedNamespace {
                namespace: self.namespace,
            });
        }
        if self.image.is_empty() || self.image.contains(char::is_whitespace) {
            return Err(ManifestsError::InvalidImage { image: self.image });
        }
        if self.replicas == 0 {
            return Err(ManifestsError::NoReplicas);
        }
        if !(1..=MAX_TIMEOUT_SECONDS).contains(&self.timeout_seconds) {
            return Err(ManifestsError::InvalidTimeout {
                seconds: self.timeout_seconds,
            });
        }
        let policies = PolicyFiles::load(&self.policy_paths)?;
        let rules = NarrowedRules::of(&policies.policies)?;
        let service_dns = format!("{}.{}.svc", self.service_name, self.namespace);
        let tls = certificates::generate(
            &service_dns,
            &[service_dns.clone(), format!("{service_dns}.cluster.local")],
            Timestamp::now(),
        )
        .map_err(ManifestsError::Certificate)?;

        let pinned = is_pinned(&self.image);
        let mut notes = Vec::new();
        if !pinned {
            notes.push(Note::ImageNotPinned {
                image: self.image.clone(),
            });
        }
        if self.replicas < 2 {
            notes.push(Note::SingleReplica);
        }
        notes.extend(
            rules
                .guesses()
                .into_iter()
                .map(|(kind, resource)| Note::GuessedResource {
                    kind: kind.clone(),
                    resource: resource.clone(),
                }),
        );
        let plan = Plan {
            namespace: &self.namespace,
            service_name: &self.service_name,
            image: &self.image,
            pinned,
            replicas: self.replicas,
            timeout_seconds: self.timeout_seconds,
            tls: &tls,
            policies: &policies.data,
            validating: &rules.validating,
            mutating: &rules.mutating,
        };
        Ok(InstallManifests {
            objects: plan.objects(),
            notes,
        })
    }
}

/// Checks an RFC 1123 label, what namespaces and Service names must be: at most 63 lowercase
/// letters, digits and `-`, starting and ending with a letter or digit (a Service name must
/// also start with a letter, RFC 1035, which this requires of both).
fn check_label(field: &'static str, value: &str) -> Result<(), ManifestsError> {
    let invalid = |reason| ManifestsError::InvalidName {
        field,
        value: value.to_owned(),
        reason,
    };
    if value.is_empty() || value.len() > 63 {
        return Err(invalid("must be 1 to 63 characters"));
    }
    if !value
        .bytes()
        .all(|byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
    {
        return Err(invalid("may hold only lowercase letters, digits and `-`"));
    }
    if !value.starts_with(|c: char| c.is_ascii_lowercase()) || value.ends_with('-') {
        return Err(invalid(
            "must start with a letter and end with a letter or digit",
        ));
    }
    Ok(())
}

/// Whether an image reference names its content by a SHA-256 digest.
fn is_pinned(image: &str) -> bool {
    image.rsplit_once("@sha256:").is_some_and(|(_, digest)| {
        digest.len() == 64
            && digest
                .bytes()
                .all(|byte| matches!(byte, b'0'..=b'9' | b'a'..=b'f'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_rfc_1123() {
        for valid in ["custody-system", "a", "a1", &"a".repeat(63)] {
            assert!(check_label("namespace", valid).is_ok(), "{valid}");
        }
        for invalid in [
            "",
            "Custody",
            "custody_system",
            "-a",
            "a-",
            "1a",
            &"a".repeat(64),
        ] {
            assert!(check_label("namespace", invalid).is_err(), "{invalid}");
        }
    }

    #[test]
    fn only_sha256_digests_pin() {
        let digest = "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03";
        assert!(is_pinned(&format!(
            "registry.example/custody@sha256:{digest}"
        )));
        assert!(is_pinned(&format!(
            "registry.example/custody:1.0@sha256:{digest}"
        )));
        assert!(!is_pinned("registry.example/custody:1.0"));
        assert!(!is_pinned("registry.example/custody@sha256:abc"));
        assert!(!is_pinned(&format!(
            "custody@sha256:{}",
            digest.to_uppercase()
        )));
    }

    #[test]
    fn options_are_validated_before_anything_is_generated() {
        let generate = |builder: InstallManifestsBuilder| builder.generate().map(|_| ());
        assert!(matches!(
            generate(InstallManifests::builder("kube-system")),
            Err(ManifestsError::ReservedNamespace { .. })
        ));
        assert!(matches!(
            generate(InstallManifests::builder("ok").replicas(0)),
            Err(ManifestsError::NoReplicas)
        ));
        assert!(matches!(
            generate(InstallManifests::builder("ok").timeout_seconds(31)),
            Err(ManifestsError::InvalidTimeout { seconds: 31 })
        ));
        assert!(matches!(
            generate(InstallManifests::builder("ok").image("a b")),
            Err(ManifestsError::InvalidImage { .. })
        ));
        assert!(matches!(
            generate(InstallManifests::builder("ok").service_name("Web")),
            Err(ManifestsError::InvalidName {
                field: "service name",
                ..
            })
        ));
    }

    #[test]
    fn notes_name_an_unpinned_image_and_a_single_replica() {
        let manifests = InstallManifests::builder("custody-system")
            .replicas(1)
            .generate()
            .expect("valid options");
        assert_eq!(
            manifests.notes,
            [
                Note::ImageNotPinned {
                    image: DEFAULT_IMAGE.to_owned()
                },
                Note::SingleReplica
            ]
        );
    }
}
