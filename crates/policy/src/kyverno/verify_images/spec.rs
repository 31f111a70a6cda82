//! A `verifyImages` rule read into what the [evaluator](super::evaluate()) checks: image
//! entries, attestor sets and attestations, with Kyverno's defaults applied.
//!
//! Fields follow kyverno/kyverno `api/kyverno/v1/image_verification_types.go`. Every field that
//! constrains verification must be honoured, so a field this reader does not know (KMS keys,
//! Kubernetes secrets, nested attestors, annotations, Notary, TSA chains...) makes the rule
//! unsupported rather than being dropped: ignoring a constraint would verify too much.

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::super::condition::Conditions;
use super::super::policy::FailureAction;
use super::super::variables::has_variables;

/// Why a `verifyImages` list cannot be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::kyverno) enum SpecError {
    /// A field has the wrong shape; `path` is relative to the rule (`verifyImages[0].attestors`).
    Invalid {
        /// Where.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// The rule uses a feature custody does not verify, by Kyverno's name for it.
    Unsupported(String),
}

/// One `verifyImages[]` entry, defaults applied.
#[derive(Debug, Clone, PartialEq)]
pub struct ImageVerification {
    /// `imageReferences`: wildcard patterns (`*`, `?`) selecting the images this entry checks.
    pub image_references: Vec<String>,
    /// `skipImageReferences`: patterns of images exempted from this entry.
    pub skip_image_references: Vec<String>,
    /// `attestors`: every set must verify the image's signatures.
    pub attestors: Vec<AttestorSet>,
    /// `attestations`: in-toto statements the image must carry, with conditions.
    pub attestations: Vec<Attestation>,
    /// `mutateDigest` (default true): pin the verified image by digest with a JSON patch.
    pub mutate_digest: bool,
    /// `verifyDigest` (default true): an image left without a digest fails.
    pub verify_digest: bool,
    /// The entry's own `failureAction`, overriding the policy's.
    pub failure_action: Option<FailureAction>,
}

/// `attestors[]`: `count` of `entries` must verify (all when `count` is absent or 0).
#[derive(Debug, Clone, PartialEq)]
pub struct AttestorSet {
    /// How many entries must verify; `None` means all of them.
    pub count: Option<usize>,
    /// The attestors; a `keys` entry holding several PEM keys becomes one entry per key, as
    /// Kyverno's `expandStaticKeys` does.
    pub entries: Vec<Attestor>,
}

impl AttestorSet {
    /// How many entries must verify, as Kyverno's `getRequiredCount`.
    #[must_use]
    pub fn required(&self) -> usize {
        self.count
            .filter(|count| *count > 0)
            .unwrap_or(self.entries.len())
    }
}

/// One attestor entry, with the settings of its image entry that govern how it is checked.
/// This is what an [`ImageVerifier`](super::ImageVerifier) receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attestor {
    /// Who must have signed.
    pub kind: AttestorKind,
    /// Where signatures are stored when not beside the image (`repository` of the entry, or
    /// else of the image entry); `None` for the image's own repository.
    pub repository: Option<String>,
    /// `useCache` of the image entry (default true): whether a cached verdict may be reused.
    pub use_cache: bool,
}

/// The kinds of attestor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttestorKind {
    /// `keys`: one public key.
    Key(KeyAttestor),
    /// `keyless`: a Fulcio certificate identity.
    Keyless(KeylessAttestor),
    /// `certificates`: a given certificate (and chain).
    Certificate(CertificateAttestor),
}

/// `keys`: signatures made with one public key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyAttestor {
    /// One PEM `PUBLIC KEY` block.
    pub public_key: String,
    /// `signatureAlgorithm` (default `sha256`).
    pub signature_algorithm: String,
    /// Transparency log settings.
    pub rekor: Rekor,
    /// Certificate transparency settings.
    pub ctlog: Ctlog,
}

/// `keyless`: signatures whose Fulcio certificate names an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeylessAttestor {
    /// `subject`: the certificate's identity (wildcards allowed).
    pub subject: Option<String>,
    /// `subjectRegExp`: a regular expression the identity must match.
    pub subject_regexp: Option<String>,
    /// `issuer`: the OIDC issuer (wildcards allowed).
    pub issuer: Option<String>,
    /// `issuerRegExp`: a regular expression the issuer must match.
    pub issuer_regexp: Option<String>,
    /// `roots`: PEM roots to trust instead of the public Sigstore ones (the entry's, or else
    /// the image entry's).
    pub roots: Option<String>,
    /// Transparency log settings.
    pub rekor: Rekor,
    /// Certificate transparency settings.
    pub ctlog: Ctlog,
}

/// `certificates`: signatures made with a given certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateAttestor {
    /// `cert`: the PEM signing certificate.
    pub certificate: Option<String>,
    /// `certChain`: the PEM chain up to a root.
    pub certificate_chain: Option<String>,
    /// Transparency log settings.
    pub rekor: Rekor,
    /// Certificate transparency settings.
    pub ctlog: Ctlog,
}

/// `rekor`: where and whether to check the transparency log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rekor {
    /// `url` of the log.
    pub url: Option<String>,
    /// `pubkey`: the log's PEM public key, instead of the public Sigstore one.
    pub public_key: Option<String>,
    /// `ignoreTlog`: skip the transparency log check.
    pub ignore_tlog: bool,
}

/// `ctlog`: whether to check certificate transparency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ctlog {
    /// `pubkey`: the CT log's PEM public key.
    pub public_key: Option<String>,
    /// `ignoreSCT`: skip the signed certificate timestamp check.
    pub ignore_sct: bool,
}

/// `attestations[]`: statements of one predicate type, signed by `attestors`, whose predicates
/// satisfy `conditions`.
#[derive(Debug, Clone, PartialEq)]
pub struct Attestation {
    /// `type` (or the older `predicateType`), such as `https://slsa.dev/provenance/v0.2`.
    pub predicate_type: String,
    /// Who must have signed the statements; empty means the image entry's attestors.
    pub attestors: Vec<AttestorSet>,
    /// `conditions`: every block must hold on every predicate, variables unsubstituted (they
    /// read the predicate, so Kyverno substitutes them only when checking it).
    pub conditions: Vec<Conditions>,
}

/// Reads a rule's `verifyImages` list.
pub(in crate::kyverno) fn parse(list: &Value) -> Result<Vec<ImageVerification>, SpecError> {
    let Value::Array(entries) = list else {
        return Err(invalid("verifyImages", "expected a list"));
    };
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| image_verification(entry, &format!("verifyImages[{index}]")))
        .collect()
}

/// `list` without its attestations' conditions: what Kyverno substitutes variables in
/// (`substituteVariables` in `pkg/engine/imageVerify.go`), since conditions read the
/// predicate, known only once an attestation is verified.
pub(in crate::kyverno) fn without_conditions(list: &Value) -> Value {
    let mut list = list.clone();
    for entry in list.as_array_mut().into_iter().flatten() {
        let attestations = entry.get_mut("attestations").and_then(Value::as_array_mut);
        for attestation in attestations.into_iter().flatten() {
            if let Some(attestation) = attestation.as_object_mut() {
                attestation.remove("conditions");
            }
        }
    }
    list
}

fn invalid(path: &str, message: impl Into<String>) -> SpecError {
    SpecError::Invalid {
        path: path.to_owned(),
        message: message.into(),
    }
}

fn typed<T: DeserializeOwned>(value: &Value, path: &str) -> Result<T, SpecError> {
    T::deserialize(value).map_err(|error| invalid(path, error.to_string()))
}

/// Fails on the first field left in `other`: one this reader does not honour.
fn reject_unknown(other: &Map<String, Value>, path: &str) -> Result<(), SpecError> {
    match other.iter().find(|(_, value)| !is_empty(value)) {
        Some((field, _)) => Err(SpecError::Unsupported(format!("{path}.{field}"))),
        None => Ok(()),
    }
}

/// Whether a field is absent in effect (`null`, `""`, `[]`, `{}`), as Go's `omitempty` reads it.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

fn non_empty(text: Option<String>) -> Option<String> {
    text.filter(|text| !text.is_empty())
}

/// The wire form of an image entry.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawImageVerification {
    #[serde(rename = "type")]
    kind: Option<String>,
    image_references: Option<Vec<String>>,
    skip_image_references: Option<Vec<String>>,
    attestors: Option<Vec<Value>>,
    attestations: Option<Vec<Value>>,
    mutate_digest: Option<bool>,
    verify_digest: Option<bool>,
    // Kyverno checks `required` against the verified-images annotation it writes, which lets it
    // skip images it verified before; custody verifies every matched image on every request
    // (the verifier caches), so a matched image that does not verify always fails.
    #[expect(dead_code, reason = "read so it is not taken for an unsupported field")]
    required: Option<bool>,
    use_cache: Option<bool>,
    repository: Option<String>,
    roots: Option<String>,
    failure_action: Option<String>,
    // Credentials only say how to log in to the registry; the verifier owns registry access.
    #[expect(dead_code, reason = "read so it is not taken for an unsupported field")]
    image_registry_credentials: Option<Value>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

fn image_verification(entry: &Value, path: &str) -> Result<ImageVerification, SpecError> {
    let raw: RawImageVerification = typed(entry, path)?;
    if let Some(kind) = raw.kind.as_deref().filter(|kind| !kind.is_empty())
        && kind != "Cosign"
    {
        return Err(SpecError::Unsupported(format!(
            "verifyImages type {kind} (only Cosign)"
        )));
    }
    reject_unknown(&raw.other, "verifyImages")?;
    let image_references = raw.image_references.unwrap_or_default();
    if image_references.is_empty() {
        return Err(invalid(
            &format!("{path}.imageReferences"),
            "expected at least one image pattern",
        ));
    }
    let settings = EntrySettings {
        repository: non_empty(raw.repository),
        roots: non_empty(raw.roots),
        use_cache: raw.use_cache.unwrap_or(true),
    };
    let attestors = attestor_sets(raw.attestors, &settings, &format!("{path}.attestors"))?;
    let attestations = raw
        .attestations
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(index, attestation)| {
            read_attestation(
                attestation,
                &settings,
                &format!("{path}.attestations[{index}]"),
            )
        })
        .collect::<Result<_, _>>()?;
    let failure_action = match raw.failure_action.as_deref() {
        None | Some("") => None,
        Some(text) => Some(FailureAction::parse(text).ok_or_else(|| {
            invalid(
                &format!("{path}.failureAction"),
                "expected Audit or Enforce",
            )
        })?),
    };
    Ok(ImageVerification {
        image_references,
        skip_image_references: raw.skip_image_references.unwrap_or_default(),
        attestors,
        attestations,
        mutate_digest: raw.mutate_digest.unwrap_or(true),
        verify_digest: raw.verify_digest.unwrap_or(true),
        failure_action,
    })
}

/// What an image entry passes down to each of its attestors.
struct EntrySettings {
    repository: Option<String>,
    roots: Option<String>,
    use_cache: bool,
}

fn attestor_sets(
    sets: Option<Vec<Value>>,
    settings: &EntrySettings,
    path: &str,
) -> Result<Vec<AttestorSet>, SpecError> {
    sets.unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(index, set)| attestor_set(set, settings, &format!("{path}[{index}]")))
        .collect()
}

#[derive(Deserialize)]
struct RawAttestorSet {
    count: Option<usize>,
    entries: Option<Vec<Value>>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

fn attestor_set(
    set: &Value,
    settings: &EntrySettings,
    path: &str,
) -> Result<AttestorSet, SpecError> {
    let raw: RawAttestorSet = typed(set, path)?;
    reject_unknown(&raw.other, "verifyImages.attestors")?;
    let mut entries = Vec::new();
    for (index, entry) in raw.entries.unwrap_or_default().iter().enumerate() {
        entries.extend(attestors(
            entry,
            settings,
            &format!("{path}.entries[{index}]"),
        )?);
    }
    Ok(AttestorSet {
        count: raw.count,
        entries,
    })
}

#[derive(Deserialize)]
struct RawAttestor {
    keys: Option<RawKeys>,
    keyless: Option<RawKeyless>,
    certificates: Option<RawCertificates>,
    repository: Option<String>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawKeys {
    public_keys: Option<String>,
    signature_algorithm: Option<String>,
    rekor: Option<RawRekor>,
    ctlog: Option<RawCtlog>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawKeyless {
    subject: Option<String>,
    subject_reg_exp: Option<String>,
    issuer: Option<String>,
    issuer_reg_exp: Option<String>,
    roots: Option<String>,
    rekor: Option<RawRekor>,
    ctlog: Option<RawCtlog>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawCertificates {
    cert: Option<String>,
    cert_chain: Option<String>,
    rekor: Option<RawRekor>,
    ctlog: Option<RawCtlog>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawRekor {
    url: Option<String>,
    pubkey: Option<String>,
    ignore_tlog: Option<bool>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

#[derive(Deserialize)]
struct RawCtlog {
    pubkey: Option<String>,
    #[serde(rename = "ignoreSCT")]
    ignore_sct: Option<bool>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

fn rekor(raw: Option<RawRekor>) -> Result<Rekor, SpecError> {
    let Some(raw) = raw else {
        return Ok(Rekor::default());
    };
    reject_unknown(&raw.other, "verifyImages.attestors.rekor")?;
    Ok(Rekor {
        url: non_empty(raw.url),
        public_key: non_empty(raw.pubkey),
        ignore_tlog: raw.ignore_tlog.unwrap_or(false),
    })
}

fn ctlog(raw: Option<RawCtlog>) -> Result<Ctlog, SpecError> {
    let Some(raw) = raw else {
        return Ok(Ctlog::default());
    };
    reject_unknown(&raw.other, "verifyImages.attestors.ctlog")?;
    Ok(Ctlog {
        public_key: non_empty(raw.pubkey),
        ignore_sct: raw.ignore_sct.unwrap_or(false),
    })
}

/// Cosign's key reference schemes (`cosign verify --key k8s://...`): keys held elsewhere.
const KEY_REFERENCE_SCHEMES: [&str; 6] = [
    "k8s://",
    "kms://",
    "awskms://",
    "gcpkms://",
    "azurekms://",
    "hashivault://",
];

/// One attestor entry: one [`Attestor`], or one per PEM key of a `keys` entry.
fn attestors(
    entry: &Value,
    settings: &EntrySettings,
    path: &str,
) -> Result<Vec<Attestor>, SpecError> {
    let raw: RawAttestor = typed(entry, path)?;
    reject_unknown(&raw.other, "verifyImages.attestors.entries")?;
    let repository = non_empty(raw.repository).or_else(|| settings.repository.clone());
    let attestor = |kind| Attestor {
        kind,
        repository: repository.clone(),
        use_cache: settings.use_cache,
    };
    match (raw.keys, raw.keyless, raw.certificates) {
        (Some(keys), None, None) => {
            reject_unknown(&keys.other, "verifyImages.attestors.entries.keys")?;
            let text = keys.public_keys.unwrap_or_default();
            let text = text.trim();
            if KEY_REFERENCE_SCHEMES
                .iter()
                .any(|scheme| text.starts_with(scheme))
            {
                return Err(SpecError::Unsupported(
                    "verifyImages.attestors.entries.keys.publicKeys (KMS or Kubernetes key reference)"
                        .to_owned(),
                ));
            }
            // Keys from a variable are split once substituted, for each request.
            let public_keys = if has_variables(&Value::String(text.to_owned())) {
                vec![text.to_owned()]
            } else {
                split_pem(text)
            };
            if public_keys.is_empty() {
                return Err(invalid(
                    &format!("{path}.keys.publicKeys"),
                    "expected one or more PEM public keys",
                ));
            }
            let (rekor, ctlog) = (rekor(keys.rekor)?, ctlog(keys.ctlog)?);
            let signature_algorithm =
                non_empty(keys.signature_algorithm).unwrap_or_else(|| "sha256".to_owned());
            Ok(public_keys
                .into_iter()
                .map(|public_key| {
                    attestor(AttestorKind::Key(KeyAttestor {
                        public_key,
                        signature_algorithm: signature_algorithm.clone(),
                        rekor: rekor.clone(),
                        ctlog: ctlog.clone(),
                    }))
                })
                .collect())
        }
        (None, Some(keyless), None) => {
            reject_unknown(&keyless.other, "verifyImages.attestors.entries.keyless")?;
            Ok(vec![attestor(AttestorKind::Keyless(KeylessAttestor {
                subject: non_empty(keyless.subject),
                subject_regexp: non_empty(keyless.subject_reg_exp),
                issuer: non_empty(keyless.issuer),
                issuer_regexp: non_empty(keyless.issuer_reg_exp),
                roots: non_empty(keyless.roots).or_else(|| settings.roots.clone()),
                rekor: rekor(keyless.rekor)?,
                ctlog: ctlog(keyless.ctlog)?,
            }))])
        }
        (None, None, Some(certificates)) => {
            reject_unknown(
                &certificates.other,
                "verifyImages.attestors.entries.certificates",
            )?;
            Ok(vec![attestor(AttestorKind::Certificate(
                CertificateAttestor {
                    certificate: non_empty(certificates.cert),
                    certificate_chain: non_empty(certificates.cert_chain),
                    rekor: rekor(certificates.rekor)?,
                    ctlog: ctlog(certificates.ctlog)?,
                },
            ))])
        }
        (None, None, None) => Err(invalid(
            path,
            "an attestor needs keys, keyless or certificates",
        )),
        _ => Err(invalid(
            path,
            "an attestor takes only one of keys, keyless and certificates",
        )),
    }
}

/// The PEM blocks of `text`, each ending at its `-----END PUBLIC KEY-----` line, as Kyverno's
/// `splitPEM`; text after the last block is dropped.
fn split_pem(text: &str) -> Vec<String> {
    const END: &str = "-----END PUBLIC KEY-----";
    let mut keys = Vec::new();
    let mut rest = text;
    while let Some(end) = rest.find(END) {
        let (block, after) = rest.split_at(end + END.len());
        keys.push(format!("{}\n", block.trim()));
        rest = after;
    }
    keys
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawAttestation {
    #[serde(rename = "type")]
    kind: Option<String>,
    predicate_type: Option<String>,
    // A label for reports; it constrains nothing.
    #[expect(dead_code, reason = "read so it is not taken for an unsupported field")]
    name: Option<String>,
    attestors: Option<Vec<Value>>,
    conditions: Option<Vec<Conditions>>,
    #[serde(flatten)]
    other: Map<String, Value>,
}

fn read_attestation(
    attestation: &Value,
    settings: &EntrySettings,
    path: &str,
) -> Result<Attestation, SpecError> {
    let raw: RawAttestation = typed(attestation, path)?;
    reject_unknown(&raw.other, "verifyImages.attestations")?;
    let predicate_type = non_empty(raw.kind)
        .or_else(|| non_empty(raw.predicate_type))
        .ok_or_else(|| invalid(path, "an attestation needs a type (or predicateType)"))?;
    Ok(Attestation {
        predicate_type,
        attestors: attestor_sets(raw.attestors, settings, &format!("{path}.attestors"))?,
        conditions: raw.conditions.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    //! Reading `verifyImages` lists: defaults, key splitting, unsupported features.

    use serde_json::json;

    use super::*;

    const KEY: &str = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----";

    #[test]
    fn defaults_apply() {
        let entries = parse(&json!([{
            "imageReferences": ["ghcr.io/org/*"],
            "attestors": [{"entries": [{"keys": {"publicKeys": KEY}}]}],
        }]))
        .expect("a valid list");
        let entry = &entries[0];
        assert!(entry.mutate_digest && entry.verify_digest);
        assert_eq!(entry.failure_action, None);
        let attestor = &entry.attestors[0].entries[0];
        assert!(attestor.use_cache);
        assert_eq!(attestor.repository, None);
        let AttestorKind::Key(key) = &attestor.kind else {
            panic!("a key attestor, got {attestor:?}");
        };
        assert_eq!(key.signature_algorithm, "sha256");
        assert_eq!(key.public_key, format!("{KEY}\n"));
        assert_eq!(entry.attestors[0].required(), 1);
    }

    #[test]
    fn concatenated_keys_become_entries() {
        let entries = parse(&json!([{
            "imageReferences": ["*"],
            "repository": "registry.example/signatures",
            "attestors": [{"count": 1, "entries": [{"keys": {"publicKeys": format!("{KEY}\n{KEY}\n")}}]}],
        }]))
        .expect("a valid list");
        let set = &entries[0].attestors[0];
        assert_eq!(set.entries.len(), 2);
        assert_eq!(set.required(), 1);
        assert_eq!(
            set.entries[1].repository.as_deref(),
            Some("registry.example/signatures")
        );
    }

    #[test]
    fn keyless_inherits_roots_and_reads_regexps() {
        let entries = parse(&json!([{
            "imageReferences": ["*"],
            "roots": "ROOTS",
            "attestors": [{"entries": [{"keyless": {
                "subjectRegExp": "^https://github.com/org/.*$",
                "issuer": "https://token.actions.githubusercontent.com",
                "rekor": {"url": "https://rekor.sigstore.dev", "ignoreTlog": true},
                "ctlog": {"ignoreSCT": true},
            }}]}],
        }]))
        .expect("a valid list");
        let AttestorKind::Keyless(keyless) = &entries[0].attestors[0].entries[0].kind else {
            panic!("a keyless attestor");
        };
        assert_eq!(keyless.roots.as_deref(), Some("ROOTS"));
        assert_eq!(
            keyless.subject_regexp.as_deref(),
            Some("^https://github.com/org/.*$")
        );
        assert!(keyless.rekor.ignore_tlog && keyless.ctlog.ignore_sct);
    }

    #[test]
    fn unsupported_features_are_named() {
        let cases = [
            (
                json!({"imageReferences": ["*"], "type": "Notary"}),
                "verifyImages type Notary (only Cosign)",
            ),
            (
                json!({"imageReferences": ["*"], "attestors": [{"entries": [{"keys": {"kms": "gcpkms://x"}}]}]}),
                "verifyImages.attestors.entries.keys.kms",
            ),
            (
                json!({"imageReferences": ["*"], "attestors": [{"entries": [{"keys": {"publicKeys": "k8s://ns/secret"}}]}]}),
                "verifyImages.attestors.entries.keys.publicKeys (KMS or Kubernetes key reference)",
            ),
            (
                json!({"imageReferences": ["*"], "attestors": [{"entries": [{"attestor": {"entries": []}}]}]}),
                "verifyImages.attestors.entries.attestor",
            ),
            (
                json!({"imageReferences": ["*"], "annotations": {"a": "b"}}),
                "verifyImages.annotations",
            ),
        ];
        for (entry, feature) in cases {
            assert_eq!(
                parse(&json!([entry])),
                Err(SpecError::Unsupported(feature.to_owned())),
                "{entry}"
            );
        }
    }

    #[test]
    fn shape_errors_name_the_path() {
        let error =
            parse(&json!([{"imageReferences": ["*"], "attestations": [{"conditions": []}]}]))
                .expect_err("an attestation without a type");
        assert_eq!(
            error,
            SpecError::Invalid {
                path: "verifyImages[0].attestations[0]".to_owned(),
                message: "an attestation needs a type (or predicateType)".to_owned(),
            }
        );
        let error = parse(&json!([{"attestors": []}])).expect_err("no image references");
        assert!(
            matches!(error, SpecError::Invalid { path, .. } if path == "verifyImages[0].imageReferences")
        );
    }

    #[test]
    fn conditions_are_removed_for_substitution() {
        let list = json!([{"imageReferences": ["{{ x }}"], "attestations": [
            {"type": "t", "conditions": [{"all": [{"key": "{{ a }}", "operator": "Equals", "value": 1}]}]},
        ]}]);
        let stripped = without_conditions(&list);
        assert_eq!(
            stripped,
            json!([{"imageReferences": ["{{ x }}"], "attestations": [{"type": "t"}]}])
        );
    }
}
