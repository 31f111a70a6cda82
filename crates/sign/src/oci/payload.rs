//! What is signed for an image: cosign's simple-signing payload (legacy `.sig` layers) and
//! the in-toto statements of bundles and attestations; and reading them back, with the
//! leniency cosign has (Go's JSON decoding matches keys case-insensitively, so old payloads
//! with `Critical`, `Identity`, `Docker-manifest-digest` verify).
//!
//! The simple-signing layout is `SIGNATURE_SPEC.md`'s "Simple Signing" section; the bundle
//! statement is cosign v3's `sign` (`predicateType` `https://sigstore.dev/cosign/sign/v1`, an
//! empty predicate, the `-a` annotations on the subject, where cosign ≥ 3.0.3 puts them).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::bundle::intoto::{STATEMENT_V1, Statement, Subject};

/// `critical.type` of a cosign simple-signing payload.
pub(crate) const SIMPLE_SIGNING_TYPE: &str = "cosign container image signature";
/// The predicate type of cosign v3 image signatures.
pub const SIGN_PREDICATE_TYPE: &str = "https://sigstore.dev/cosign/sign/v1";

/// The simple-signing payload cosign signs for `digest` of repository `name`, byte for byte:
/// keys in Go's struct order, `optional` the annotations or `null`.
pub(crate) fn simple_signing(
    name: &str,
    digest: &str,
    annotations: &BTreeMap<String, String>,
) -> Vec<u8> {
    let optional = if annotations.is_empty() {
        "null".to_owned()
    } else {
        serde_json::to_string(annotations).expect("a map of strings always serializes")
    };
    format!(
        r#"{{"critical":{{"identity":{{"docker-reference":{}}},"image":{{"docker-manifest-digest":{}}},"type":"{SIMPLE_SIGNING_TYPE}"}},"optional":{optional}}}"#,
        Value::from(name),
        Value::from(digest),
    )
    .into_bytes()
}

/// A simple-signing payload, read leniently.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SimpleSigning {
    /// `critical.identity.docker-reference` (informational: the spec says it is ignored).
    pub(crate) docker_reference: String,
    /// `critical.image.docker-manifest-digest`.
    pub(crate) digest: String,
    /// `optional`, `None` for `null` or absent.
    pub(crate) optional: Option<Map<String, Value>>,
}

impl SimpleSigning {
    /// Parses `payload`, matching keys case-insensitively as Go does; the type must be
    /// cosign's.
    pub(crate) fn parse(payload: &[u8]) -> Result<Self, String> {
        let value: Value =
            serde_json::from_slice(payload).map_err(|error| format!("not JSON: {error}"))?;
        let critical = field(&value, "critical").ok_or("no `critical` section")?;
        let kind = field(critical, "type").and_then(Value::as_str);
        if kind != Some(SIMPLE_SIGNING_TYPE) {
            return Err(format!(
                "`critical.type` is {}, not `{SIMPLE_SIGNING_TYPE}`",
                kind.unwrap_or("missing")
            ));
        }
        let digest = field(critical, "image")
            .and_then(|image| field(image, "docker-manifest-digest"))
            .and_then(Value::as_str)
            .ok_or("no `critical.image.docker-manifest-digest`")?;
        let docker_reference = field(critical, "identity")
            .and_then(|identity| field(identity, "docker-reference"))
            .and_then(Value::as_str)
            .unwrap_or_default();
        let optional = match field(&value, "optional") {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(map.clone()),
            Some(_) => return Err("`optional` is not an object".to_owned()),
        };
        Ok(Self {
            docker_reference: docker_reference.to_owned(),
            digest: digest.to_owned(),
            optional,
        })
    }
}

/// `object[key]`, the exact key first, else the first key equal ignoring ASCII case (Go's
/// `encoding/json` rule).
fn field<'a>(object: &'a Value, key: &str) -> Option<&'a Value> {
    let map = object.as_object()?;
    map.get(key).or_else(|| {
        map.iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(key))
            .map(|(_, value)| value)
    })
}

/// The claims a verified signature makes, in cosign's `verify` output shape:
/// `{"critical": {"identity": {"docker-reference"}, "image": {"docker-manifest-digest"},
/// "type"}, "optional": {…} | null}`.
pub(crate) fn claims(
    docker_reference: &str,
    digest: &str,
    kind: &str,
    optional: Option<&Map<String, Value>>,
) -> Value {
    serde_json::json!({
        "critical": {
            "identity": { "docker-reference": docker_reference },
            "image": { "docker-manifest-digest": digest },
            "type": kind,
        },
        "optional": optional.map_or(Value::Null, |map| Value::Object(map.clone())),
    })
}

/// Checks that every wanted annotation is in `optional` with the same value (a non-string
/// value compares by its JSON text); the first that is not is returned as
/// `(key, expected, actual)`.
pub(crate) fn annotations_match(
    wanted: &BTreeMap<String, String>,
    optional: Option<&Map<String, Value>>,
) -> Result<(), (String, String, Option<String>)> {
    for (key, expected) in wanted {
        let actual = optional
            .and_then(|map| map.get(key))
            .map(|value| match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            });
        if actual.as_ref() != Some(expected) {
            return Err((key.clone(), expected.clone(), actual));
        }
    }
    Ok(())
}

/// An in-toto v1 statement about image `digest` (`sha256:HEX`) of repository `name`.
pub(crate) fn image_statement(
    name: &str,
    digest: &str,
    predicate_type: &str,
    predicate: Value,
    annotations: Option<Map<String, Value>>,
) -> Statement {
    let (algorithm, hex) = digest.split_once(':').unwrap_or(("sha256", digest));
    Statement {
        statement_type: STATEMENT_V1.to_owned(),
        subject: vec![Subject {
            name: name.to_owned(),
            digest: BTreeMap::from([(algorithm.to_owned(), hex.to_owned())]),
            annotations,
        }],
        predicate_type: predicate_type.to_owned(),
        predicate,
    }
}

/// cosign v3's image signature statement: an empty predicate, the annotations (always an
/// object, maybe empty) on the subject.
pub(crate) fn signature_statement(
    name: &str,
    digest: &str,
    annotations: &BTreeMap<String, String>,
) -> Statement {
    let annotations = annotations
        .iter()
        .map(|(key, value)| (key.clone(), Value::from(value.as_str())))
        .collect();
    image_statement(
        name,
        digest,
        SIGN_PREDICATE_TYPE,
        Value::Object(Map::new()),
        Some(annotations),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const DIGEST: &str = "sha256:20be0000000000000000000000000000000000000000000000000000000fe55";

    #[test]
    fn simple_signing_bytes_match_cosign() {
        // cosign's payload for `cosign sign` without annotations (sigstore's
        // `payload.Cosign.MarshalJSON`): keys in struct order, `optional` null.
        let expected = format!(
            "{{\"critical\":{{\"identity\":{{\"docker-reference\":\"127.0.0.1:5000/app\"}},\
             \"image\":{{\"docker-manifest-digest\":\"{DIGEST}\"}},\
             \"type\":\"cosign container image signature\"}},\"optional\":null}}"
        );
        assert_eq!(
            String::from_utf8(simple_signing(
                "127.0.0.1:5000/app",
                DIGEST,
                &BTreeMap::new()
            ))
            .unwrap(),
            expected
        );
        let annotations = BTreeMap::from([("b".into(), "2".into()), ("a".into(), "1".into())]);
        let with = String::from_utf8(simple_signing("r", DIGEST, &annotations)).unwrap();
        assert!(with.ends_with(r#""optional":{"a":"1","b":"2"}}"#), "{with}");
    }

    #[test]
    fn old_capitalised_payloads_parse() {
        // `SIGNATURE_SPEC.md`'s own example spells `Docker-manifest-digest`; early cosign wrote
        // `Critical`/`Identity`/`Image`/`Type`/`Optional`.
        let payload = format!(
            r#"{{"Critical":{{"Identity":{{"docker-reference":"testing/manifest"}},"Image":{{"Docker-manifest-digest":"{DIGEST}"}},"Type":"cosign container image signature"}},"Optional":{{"creator":"atomic"}}}}"#
        );
        let parsed = SimpleSigning::parse(payload.as_bytes()).unwrap();
        assert_eq!(parsed.digest, DIGEST);
        assert_eq!(parsed.docker_reference, "testing/manifest");
        assert_eq!(parsed.optional.unwrap()["creator"], "atomic");
    }

    #[test]
    fn wrong_type_and_missing_digest_are_rejected() {
        let other = r#"{"critical":{"image":{"docker-manifest-digest":"sha256:00"},"type":"atomic container signature"}}"#;
        assert!(
            SimpleSigning::parse(other.as_bytes())
                .unwrap_err()
                .contains("critical.type")
        );
        let missing = r#"{"critical":{"type":"cosign container image signature"}}"#;
        assert!(SimpleSigning::parse(missing.as_bytes()).is_err());
        assert!(SimpleSigning::parse(b"\xff").is_err());
    }

    #[test]
    fn annotations_compare_values() {
        let optional: Map<String, Value> = serde_json::from_str(r#"{"env":"prod","n":3}"#).unwrap();
        let wanted = |key: &str, value: &str| BTreeMap::from([(key.into(), value.into())]);
        assert!(annotations_match(&wanted("env", "prod"), Some(&optional)).is_ok());
        assert!(annotations_match(&wanted("n", "3"), Some(&optional)).is_ok());
        assert!(annotations_match(&wanted("env", "dev"), Some(&optional)).is_err());
        assert!(annotations_match(&wanted("env", "prod"), None).is_err());
        assert!(annotations_match(&BTreeMap::new(), None).is_ok());
    }

    #[test]
    fn signature_statement_is_cosign_v3s() {
        let statement = signature_statement(
            "127.0.0.1:5000/app",
            DIGEST,
            &BTreeMap::from([("env".into(), "prod".into())]),
        );
        let json: Value = serde_json::from_slice(&statement.to_json()).unwrap();
        assert_eq!(json["_type"], STATEMENT_V1);
        assert_eq!(json["predicateType"], SIGN_PREDICATE_TYPE);
        assert_eq!(json["predicate"], serde_json::json!({}));
        assert_eq!(json["subject"][0]["digest"]["sha256"], &DIGEST[7..]);
        assert_eq!(json["subject"][0]["annotations"]["env"], "prod");
        let subject = statement.subject_named(DIGEST).unwrap();
        assert_eq!(subject.annotations.as_ref().unwrap()["env"], "prod");
        assert!(statement.subject_named("sha256:00").is_none());
    }
}
