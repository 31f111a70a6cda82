//! in-toto attestation statements (in-toto/attestation `spec/v1/statement.md` and the v0.1
//! statement): the payload of DSSE envelopes in attestations, naming the artifacts it is
//! about (subjects, by digest) and what it says about them (a typed predicate).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::bundle::error::BundleError;

/// The DSSE payload type of in-toto statements.
pub const PAYLOAD_TYPE: &str = "application/vnd.in-toto+json";

/// `_type` of an in-toto v1 statement (what custody and cosign v3 write).
pub const STATEMENT_V1: &str = "https://in-toto.io/Statement/v1";

/// `_type` of an in-toto v0.1 statement (what cosign v2 and older wrote).
pub const STATEMENT_V0_1: &str = "https://in-toto.io/Statement/v0.1";

/// An in-toto statement.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Statement {
    /// [`STATEMENT_V1`] or [`STATEMENT_V0_1`].
    #[serde(rename = "_type")]
    pub statement_type: String,
    /// The artifacts the statement is about.
    pub subject: Vec<Subject>,
    /// URI naming the predicate's schema, e.g. `https://slsa.dev/provenance/v1`.
    pub predicate_type: String,
    /// The claim itself; its shape depends on `predicate_type`.
    #[serde(default)]
    pub predicate: serde_json::Value,
}

/// One artifact a [`Statement`] is about.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Subject {
    /// A name for the artifact (file name, image reference); informational.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub name: String,
    /// Digests by algorithm name (`sha256`, `sha512`, ...), lowercase hex.
    pub digest: BTreeMap<String, String>,
    /// Facts about this subject (an in-toto v1 resource descriptor's `annotations`); cosign v3
    /// puts the `sign -a key=value` annotations here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Statement {
    /// Reads a statement, checking its `_type` is v0.1 or v1 and that it names a subject.
    pub fn from_json(bytes: &[u8]) -> Result<Self, BundleError> {
        let statement: Self = serde_json::from_slice(bytes)
            .map_err(|source| BundleError::json("in-toto statement", source))?;
        if statement.statement_type != STATEMENT_V1 && statement.statement_type != STATEMENT_V0_1 {
            return Err(BundleError::StatementType {
                statement_type: statement.statement_type,
            });
        }
        if statement.subject.is_empty() {
            return Err(BundleError::Missing {
                field: "subject".to_owned(),
            });
        }
        Ok(statement)
    }

    /// Writes the statement as compact JSON.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self)
            .expect("serializing a statement of strings and JSON values cannot fail")
    }

    /// The subject naming `digest`, written `ALGORITHM:HEX` (`sha256:…`, an OCI digest).
    pub fn subject_named(&self, digest: &str) -> Option<&Subject> {
        let (algorithm, hex) = digest.split_once(':')?;
        self.subject.iter().find(|subject| {
            subject
                .digest
                .get(algorithm)
                .is_some_and(|value| value.eq_ignore_ascii_case(hex))
        })
    }

    /// The subject whose digest under `algorithm` (in-toto name such as `sha256`) equals
    /// `digest`, compared as lowercase hex.
    pub fn subject_with_digest(&self, algorithm: &str, digest: &[u8]) -> Option<&Subject> {
        let wanted = hex::encode(digest);
        self.subject.iter().find(|subject| {
            subject
                .digest
                .get(algorithm)
                .is_some_and(|value| value.eq_ignore_ascii_case(&wanted))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATEMENT: &[u8] = br#"{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"a.txt","digest":{"sha256":"A0CFC71271D6E278E57CD332FF957C3F7043FDDA354C4CBB190A30D56EFA01BF"}}],"predicateType":"https://example.com/p","predicate":{"k":1}}"#;

    #[test]
    fn finds_subjects_by_digest_case_insensitively() {
        let statement = Statement::from_json(STATEMENT).unwrap();
        let digest =
            hex::decode("a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf")
                .unwrap();
        assert_eq!(
            statement
                .subject_with_digest("sha256", &digest)
                .map(|subject| subject.name.as_str()),
            Some("a.txt")
        );
        assert!(statement.subject_with_digest("sha512", &digest).is_none());
        assert!(statement.subject_with_digest("sha256", &[0; 32]).is_none());
    }

    #[test]
    fn rejects_unknown_statement_types_and_missing_subjects() {
        let unknown =
            br#"{"_type":"https://in-toto.io/Statement/v2","subject":[],"predicateType":"x"}"#;
        assert!(matches!(
            Statement::from_json(unknown),
            Err(BundleError::StatementType { .. })
        ));
        let empty =
            br#"{"_type":"https://in-toto.io/Statement/v1","subject":[],"predicateType":"x"}"#;
        assert!(matches!(
            Statement::from_json(empty),
            Err(BundleError::Missing { .. })
        ));
    }
}
