//! The policies the installed webhook enforces: read from the files given to
//! `custody admission manifests --policies`, or the built-in default, and laid out as the
//! `data` of the `ConfigMap` the server reads them from.
//!
//! Only `ClusterPolicy` and `Policy` objects are kept, each under its own key
//! (`clusterpolicy-<name>.yaml`, `policy-<namespace>-<name>.yaml`): a directory of policies
//! usually also holds Kyverno CLI tests and sample resources, which must not reach the server.
//! Each object is compiled with custody-policy first, so a policy the server would refuse is
//! refused here, with its file.
//!
//! Without policy files the `ConfigMap` holds [`default_policy`]: the restricted Pod Security
//! Standards, enforced, which is what the webhook's own namespace enforces too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use custody_policy::kyverno::policy::Policy;
use custody_policy::manifest::{collect_files, read_objects};
use serde_json::{Value, json};

use super::ManifestsError;

/// The most a `ConfigMap` may hold: the API server refuses objects over 1 MiB (etcd's request
/// limit), and the metadata needs a little of it.
pub const MAX_POLICY_BYTES: usize = 1024 * 1024 - 4096;

/// Compiled policies and the `ConfigMap` data that carries them.
#[derive(Debug)]
pub(super) struct PolicyFiles {
    /// The policies, compiled, for narrowing the webhook rules.
    pub(super) policies: Vec<Policy>,
    /// `ConfigMap` keys to YAML documents, one policy each.
    pub(super) data: BTreeMap<String, String>,
}

impl PolicyFiles {
    /// Reads every policy in `paths` (files, or directories read recursively); the built-in
    /// default when `paths` is empty.
    pub(super) fn load(paths: &[PathBuf]) -> Result<Self, ManifestsError> {
        let mut files = Self {
            policies: Vec::new(),
            data: BTreeMap::new(),
        };
        let mut origins: BTreeMap<String, PathBuf> = BTreeMap::new();
        if paths.is_empty() {
            files.add(&default_policy(), Path::new("<built-in>"), &mut origins)?;
        }
        for path in paths {
            let before = files.policies.len();
            let mut found = Vec::new();
            collect_files(path, &mut found)?;
            for file in found {
                for object in read_objects(&file)? {
                    if is_policy(&object) {
                        files.add(&object, &file, &mut origins)?;
                    }
                }
            }
            if files.policies.len() == before {
                return Err(ManifestsError::NoPolicies { path: path.clone() });
            }
        }
        let size: usize = files
            .data
            .iter()
            .map(|(key, text)| key.len() + text.len())
            .sum();
        if size > MAX_POLICY_BYTES {
            return Err(ManifestsError::PoliciesTooLarge { size });
        }
        Ok(files)
    }

    /// Compiles one policy object and stores it under its key.
    fn add(
        &mut self,
        object: &Value,
        file: &Path,
        origins: &mut BTreeMap<String, PathBuf>,
    ) -> Result<(), ManifestsError> {
        let policy =
            Policy::from_value(object).map_err(|source| ManifestsError::InvalidPolicy {
                file: file.to_path_buf(),
                source,
            })?;
        let key = config_map_key(&policy);
        if let Some(first) = origins.get(&key) {
            return Err(ManifestsError::DuplicatePolicy {
                name: policy.name,
                first: first.clone(),
                second: file.to_path_buf(),
            });
        }
        let text = serde_saphyr::to_string(object).map_err(|source| ManifestsError::Yaml {
            what: key.clone(),
            source,
        })?;
        origins.insert(key.clone(), file.to_path_buf());
        self.data.insert(key, text);
        self.policies.push(policy);
        Ok(())
    }
}

/// Whether an object is a Kyverno policy (of any `apiVersion`, as custody-policy reads them).
fn is_policy(object: &Value) -> bool {
    matches!(object["kind"].as_str(), Some("ClusterPolicy" | "Policy"))
}

/// The `ConfigMap` key of a policy: its kind and name (and namespace), with any character a key
/// may not hold (keys allow `[-._a-zA-Z0-9]`) replaced by `-`.
fn config_map_key(policy: &Policy) -> String {
    let name = match &policy.namespace {
        Some(namespace) => format!("policy-{namespace}-{}", policy.name),
        None => format!("clusterpolicy-{}", policy.name),
    };
    let name: String = name
        .chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || matches!(character, '-' | '.' | '_') {
                character
            } else {
                '-'
            }
        })
        .collect();
    format!("{name}.yaml")
}

/// The policy installed when none is given: the restricted Pod Security Standards (latest
/// version), enforced on Pods and, through Kyverno's auto-generated rules, on the pod
/// templates of every workload controller.
pub fn default_policy() -> Value {
    json!({
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": {
            "name": "custody-pod-security-restricted",
            "annotations": {
                "policies.kyverno.io/title": "Pod Security Standards (Restricted)",
                "policies.kyverno.io/severity": "medium",
                "policies.kyverno.io/description":
                    "Installed by `custody admission manifests` when no policy is given: \
                     Pods and workload pod templates must meet the restricted Pod Security \
                     Standards.",
            },
        },
        "spec": {
            "validationFailureAction": "Enforce",
            "background": false,
            "rules": [{
                "name": "restricted",
                "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                "validate": {"podSecurity": {"level": "restricted", "version": "latest"}},
            }],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_name_the_policy_and_stay_valid() {
        let policy = |object: Value| Policy::from_value(&object).expect("a valid policy");
        let cluster = policy(default_policy());
        assert_eq!(
            config_map_key(&cluster),
            "clusterpolicy-custody-pod-security-restricted.yaml"
        );
        let namespaced = policy(json!({
            "apiVersion": "kyverno.io/v1", "kind": "Policy",
            "metadata": {"name": "odd name/with:colon", "namespace": "shop"},
            "spec": {"rules": []},
        }));
        assert_eq!(
            config_map_key(&namespaced),
            "policy-shop-odd-name-with-colon.yaml"
        );
    }

    #[test]
    fn the_default_policy_round_trips_through_its_yaml() {
        let files = PolicyFiles::load(&[]).expect("the built-in policy compiles");
        assert_eq!(files.policies.len(), 1);
        let text = files
            .data
            .get("clusterpolicy-custody-pod-security-restricted.yaml")
            .expect("stored under its key");
        let back: Value = serde_saphyr::from_str(text).expect("valid YAML");
        assert_eq!(back, default_policy());
    }
}
