//! Attestation predicate types: cosign's short names (`slsaprovenance`, `spdx`, `custom`, …)
//! and URIs, and the predicate each wraps the user's file in.
//!
//! Mirrors cosign's `pkg/cosign/attestation` (`GenerateStatement`) and the `--type` table of
//! `cmd/cosign/cli/options/predicate.go`: a name in the table maps to its URI, anything else
//! must be an absolute URI, and `custom` wraps the file's text as `{"Data", "Timestamp"}`.

use serde_json::Value;

use super::Error;

/// The predicate type of an attestation, as `--type` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PredicateType {
    /// What the user wrote (`slsaprovenance`, or a URI).
    name: String,
    /// The in-toto `predicateType` URI.
    uri: String,
}

/// cosign's `--type` names and the URIs they stand for.
const KNOWN: &[(&str, &str)] = &[
    ("slsaprovenance", "https://slsa.dev/provenance/v0.2"),
    ("slsaprovenance02", "https://slsa.dev/provenance/v0.2"),
    ("slsaprovenance1", "https://slsa.dev/provenance/v1"),
    ("link", "https://in-toto.io/Link/v1"),
    ("spdx", "https://spdx.dev/Document"),
    ("spdxjson", "https://spdx.dev/Document"),
    ("cyclonedx", "https://cyclonedx.org/bom"),
    ("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
    ("openvex", "https://openvex.dev/ns"),
    ("custom", CUSTOM_URI),
];

/// The predicate type of `custom` attestations (cosign's `CosignCustomProvenanceV01`).
const CUSTOM_URI: &str = "https://cosign.sigstore.dev/attestation/v1";

impl PredicateType {
    /// Parses a `--type` value: one of cosign's names, or an absolute URI (`scheme:rest`).
    pub fn parse(value: &str) -> Result<Self, Error> {
        if let Some((_, uri)) = KNOWN.iter().find(|(name, _)| *name == value) {
            return Ok(Self {
                name: value.to_owned(),
                uri: (*uri).to_owned(),
            });
        }
        if is_absolute_uri(value) {
            return Ok(Self {
                name: value.to_owned(),
                uri: value.to_owned(),
            });
        }
        Err(Error::UnknownPredicateType {
            given: value.to_owned(),
            known: KNOWN.iter().map(|(name, _)| *name).collect(),
        })
    }

    /// The in-toto `predicateType` URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// Builds the statement's predicate from the `--predicate` file's bytes, as cosign does:
    /// `spdx` keeps the text as a JSON string, `custom` wraps it as `{"Data", "Timestamp"}`
    /// (`timestamp` is RFC 3339, UTC), every other type must be JSON and is used as is.
    pub fn predicate(&self, content: &[u8], timestamp: &str) -> Result<Value, Error> {
        let text = || {
            std::str::from_utf8(content).map_err(|_| Error::InvalidPredicate {
                predicate_type: self.uri.clone(),
                reason: "not UTF-8 text".to_owned(),
            })
        };
        match self.name.as_str() {
            "spdx" => Ok(Value::String(text()?.to_owned())),
            "custom" => Ok(serde_json::json!({ "Data": text()?, "Timestamp": timestamp })),
            _ => serde_json::from_slice(content).map_err(|error| Error::InvalidPredicate {
                predicate_type: self.uri.clone(),
                reason: error.to_string(),
            }),
        }
    }
}

/// `scheme:rest` with an RFC 3986 scheme (a letter, then letters, digits, `+`, `-`, `.`) and
/// something after the colon, which is what Go's `url.ParseRequestURI` accepts from cosign.
fn is_absolute_uri(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once(':') else {
        return false;
    };
    let mut bytes = scheme.bytes();
    bytes
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic())
        && bytes.all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.'))
        && !rest.is_empty()
        && !value.contains(char::is_whitespace)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_cosign_uris() {
        let cases = [
            ("slsaprovenance", "https://slsa.dev/provenance/v0.2"),
            ("slsaprovenance1", "https://slsa.dev/provenance/v1"),
            ("spdx", "https://spdx.dev/Document"),
            ("cyclonedx", "https://cyclonedx.org/bom"),
            ("vuln", "https://cosign.sigstore.dev/attestation/vuln/v1"),
            ("openvex", "https://openvex.dev/ns"),
            ("custom", "https://cosign.sigstore.dev/attestation/v1"),
            ("https://example.com/mine/v1", "https://example.com/mine/v1"),
        ];
        for (name, uri) in cases {
            assert_eq!(PredicateType::parse(name).unwrap().uri(), uri, "{name}");
        }
    }

    #[test]
    fn unknown_names_are_errors() {
        for value in ["slsa", "", "not a uri", "1http://x"] {
            let error = PredicateType::parse(value).unwrap_err();
            assert!(
                matches!(error, Error::UnknownPredicateType { .. }),
                "{value}"
            );
        }
    }

    #[test]
    fn custom_wraps_text_and_spdx_keeps_it() {
        let custom = PredicateType::parse("custom").unwrap();
        assert_eq!(
            custom.predicate(b"foo", "2026-01-01T00:00:00Z").unwrap(),
            serde_json::json!({"Data": "foo", "Timestamp": "2026-01-01T00:00:00Z"})
        );
        let spdx = PredicateType::parse("spdx").unwrap();
        assert_eq!(
            spdx.predicate(b"SPDXVersion: SPDX-2.3", "").unwrap(),
            "SPDXVersion: SPDX-2.3"
        );
        let cyclonedx = PredicateType::parse("cyclonedx").unwrap();
        assert!(matches!(
            cyclonedx.predicate(b"not json", ""),
            Err(Error::InvalidPredicate { .. })
        ));
    }
}
