//! The `AdmissionReview` wire format of `admission.k8s.io/v1`, as kube-apiserver posts it to a
//! webhook and reads the answer back (kubernetes/api `admission/v1/types.go`).
//!
//! Own serde types rather than `kube::core::admission` / k8s-openapi: the server needs a dozen
//! fields, and those crates cost minutes of compile time on two cores for types custody
//! would immediately turn back into [`serde_json::Value`] for the policy engine. Unknown fields
//! (`requestKind`, `requestResource`, …) are ignored, as the API server's own decoder does.
//!
//! [`AdmissionRequest::parse`] is the only way in: it refuses another `apiVersion`, a body that
//! is not an `AdmissionReview`, and one without a request or uid, with a [`ReviewError`] the
//! server answers as HTTP 400. [`AdmissionResponse`] is what the server answers, wrapped by
//! [`AdmissionResponse::into_review`].

use base64::Engine as _;
use custody_policy::kyverno::matching::Operation;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The only `apiVersion` accepted and answered.
pub const API_VERSION: &str = "admission.k8s.io/v1";

/// Why a body is not an acceptable `AdmissionReview`; the server answers 400 with this text.
#[derive(Debug, thiserror::Error)]
pub enum ReviewError {
    /// The body is not JSON of the `AdmissionReview` shape.
    #[error("the body is not an AdmissionReview: {source}")]
    Malformed {
        /// The JSON error, with its line and column.
        #[source]
        source: serde_json::Error,
    },
    /// The review has another `apiVersion` or `kind`.
    #[error(
        "unsupported {kind} of apiVersion `{api_version}`: only AdmissionReview {API_VERSION} is accepted"
    )]
    UnsupportedVersion {
        /// The `apiVersion` sent.
        api_version: String,
        /// The `kind` sent.
        kind: String,
    },
    /// The review carries no `request`, or a request without a `uid`.
    #[error("the AdmissionReview has no request uid")]
    MissingRequest,
}

/// The envelope kube-apiserver posts.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IncomingReview {
    #[serde(default)]
    api_version: String,
    #[serde(default)]
    kind: String,
    request: Option<AdmissionRequest>,
}

/// A group, version and kind, as `request.kind` names the object's type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupVersionKind {
    /// The API group; empty for the core group.
    pub group: String,
    /// The API version, such as `v1`.
    pub version: String,
    /// The kind, such as `Pod`.
    pub kind: String,
}

/// A group, version and resource, as `request.resource` names the REST resource.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupVersionResource {
    /// The API group; empty for the core group.
    pub group: String,
    /// The API version.
    pub version: String,
    /// The plural resource, such as `pods`.
    pub resource: String,
}

/// Who sent the request (`authentication/v1` `UserInfo`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RequestUser {
    /// The user name (`system:serviceaccount:<namespace>:<name>` for service accounts).
    pub username: String,
    /// The user's unique id.
    pub uid: String,
    /// The user's groups.
    pub groups: Vec<String>,
    /// Extra attributes the authenticator provided.
    pub extra: Map<String, Value>,
}

/// One admission request (`AdmissionReview.request`).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionRequest {
    /// The request's id, echoed in the response.
    pub uid: String,
    /// The type of the object.
    #[serde(default)]
    pub kind: GroupVersionKind,
    /// The REST resource addressed.
    #[serde(default)]
    pub resource: GroupVersionResource,
    /// The subresource addressed (`status`, `ephemeralcontainers`), empty for the resource.
    #[serde(default)]
    pub sub_resource: String,
    /// The object's name; empty on CREATE when the name is generated.
    #[serde(default)]
    pub name: String,
    /// The object's namespace; empty for cluster-scoped objects.
    #[serde(default)]
    pub namespace: String,
    /// The operation.
    pub operation: Operation,
    /// The requester.
    #[serde(default)]
    pub user_info: RequestUser,
    /// The object being admitted; `null` on DELETE.
    #[serde(default)]
    pub object: Value,
    /// The object before an UPDATE, or the object being deleted.
    #[serde(default)]
    pub old_object: Value,
    /// Whether the request will not be persisted; the webhook must have no side effects.
    #[serde(default)]
    pub dry_run: bool,
    /// The operation's options (`CreateOptions`, …), unread.
    #[serde(default)]
    pub options: Value,
}

impl AdmissionRequest {
    /// Reads the request out of an `AdmissionReview` body.
    ///
    /// # Errors
    ///
    /// [`ReviewError`] when the body is not JSON of that shape, has another `apiVersion`, or
    /// carries no request uid.
    pub fn parse(body: &[u8]) -> Result<Self, ReviewError> {
        let review: IncomingReview =
            serde_json::from_slice(body).map_err(|source| ReviewError::Malformed { source })?;
        if review.api_version != API_VERSION || review.kind != "AdmissionReview" {
            return Err(ReviewError::UnsupportedVersion {
                api_version: review.api_version,
                kind: review.kind,
            });
        }
        review
            .request
            .filter(|request| !request.uid.is_empty())
            .ok_or(ReviewError::MissingRequest)
    }

    /// The object policies look at: the new object, or on DELETE (where it is `null`) the
    /// object being deleted, as Kyverno evaluates deletions.
    #[must_use]
    pub fn subject(&self) -> &Value {
        if self.object.is_null() {
            &self.old_object
        } else {
            &self.object
        }
    }
}

/// `metav1.Status` of a refused request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseStatus {
    /// Always `Failure`: a status is only sent with a refusal.
    pub status: &'static str,
    /// Every reason for the refusal, one per line.
    pub message: String,
    /// The machine-readable reason, such as `Forbidden`.
    pub reason: &'static str,
    /// The HTTP-like code kube-apiserver returns to the client, such as 403.
    pub code: u16,
}

/// The answer to one request (`AdmissionReview.response`).
///
/// Serialized as kube-apiserver reads it: `uid` echoed, `allowed`, `status` only on a refusal,
/// `warnings` only when there are any, and `patchType: JSONPatch` with a base64 `patch` only
/// when the mutating webhook changed the object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct AdmissionResponse {
    /// The request's uid.
    pub uid: String,
    /// Whether the request is admitted.
    pub allowed: bool,
    /// Why it is refused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<ResponseStatus>,
    /// Warnings shown to the client (Audit failures, rule errors).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<String>,
    /// `JSONPatch` when [`AdmissionResponse::patch`] is set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch_type: Option<&'static str>,
    /// The RFC 6902 patch, base64-encoded as the API requires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub patch: Option<String>,
}

impl AdmissionResponse {
    /// Admits the request `uid` unchanged.
    pub fn allow(uid: &str) -> Self {
        Self {
            uid: uid.to_owned(),
            allowed: true,
            status: None,
            warnings: Vec::new(),
            patch_type: None,
            patch: None,
        }
    }

    /// Refuses the request `uid` with `code` (403 for a policy, 500 for an internal failure)
    /// and `message`.
    pub fn deny(uid: &str, code: u16, message: String) -> Self {
        let reason = if code == 403 {
            "Forbidden"
        } else {
            "InternalError"
        };
        Self {
            allowed: false,
            status: Some(ResponseStatus {
                status: "Failure",
                message,
                reason,
                code,
            }),
            ..Self::allow(uid)
        }
    }

    /// Attaches an RFC 6902 patch (a JSON array of operations), base64-encoded.
    pub fn with_patch(mut self, operations: &Value) -> Self {
        let text = operations.to_string();
        self.patch_type = Some("JSONPatch");
        self.patch = Some(base64::engine::general_purpose::STANDARD.encode(text));
        self
    }

    /// The whole `AdmissionReview` kube-apiserver expects back.
    #[must_use]
    pub fn into_review(self) -> Value {
        serde_json::json!({
            "apiVersion": API_VERSION,
            "kind": "AdmissionReview",
            "response": self,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(review: &Value) -> Vec<u8> {
        serde_json::to_vec(review).expect("a JSON value serializes")
    }

    #[test]
    fn reads_a_request_as_kube_apiserver_sends_it() {
        let request = AdmissionRequest::parse(&body(&serde_json::json!({
            "apiVersion": "admission.k8s.io/v1",
            "kind": "AdmissionReview",
            "request": {
                "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
                "kind": {"group": "", "version": "v1", "kind": "Pod"},
                "resource": {"group": "", "version": "v1", "resource": "pods"},
                "requestKind": {"group": "", "version": "v1", "kind": "Pod"},
                "namespace": "team-a",
                "operation": "DELETE",
                "userInfo": {"username": "admin", "groups": ["system:masters"]},
                "object": null,
                "oldObject": {"kind": "Pod", "metadata": {"name": "web"}},
                "dryRun": true,
            },
        })))
        .expect("a valid review");
        assert_eq!(request.uid, "705ab4f5-6393-11e8-b7cc-42010a800002");
        assert_eq!(request.kind.kind, "Pod");
        assert_eq!(request.resource.resource, "pods");
        assert_eq!(request.operation, Operation::Delete);
        assert_eq!(request.user_info.groups, ["system:masters"]);
        assert!(request.dry_run);
        assert_eq!(request.subject()["metadata"]["name"], "web");
    }

    #[test]
    fn refuses_other_versions_and_missing_requests() {
        let v1beta1 = body(&serde_json::json!({
            "apiVersion": "admission.k8s.io/v1beta1", "kind": "AdmissionReview",
            "request": {"uid": "1", "operation": "CREATE"},
        }));
        assert!(matches!(
            AdmissionRequest::parse(&v1beta1),
            Err(ReviewError::UnsupportedVersion { api_version, .. }) if api_version == "admission.k8s.io/v1beta1"
        ));
        let empty =
            body(&serde_json::json!({"apiVersion": API_VERSION, "kind": "AdmissionReview"}));
        assert!(matches!(
            AdmissionRequest::parse(&empty),
            Err(ReviewError::MissingRequest)
        ));
        assert!(matches!(
            AdmissionRequest::parse(b"{\"apiVersion\": 3"),
            Err(ReviewError::Malformed { .. })
        ));
    }

    #[test]
    fn a_denial_carries_a_status_and_a_patch_is_base64() {
        let review = AdmissionResponse::deny("u1", 403, "policy p/r: no".to_owned()).into_review();
        assert_eq!(review["response"]["allowed"], false);
        assert_eq!(review["response"]["status"]["code"], 403);
        assert_eq!(review["response"]["status"]["reason"], "Forbidden");
        assert!(review["response"].get("patch").is_none());

        let patch = serde_json::json!([{"op": "add", "path": "/a", "value": 1}]);
        let review = AdmissionResponse::allow("u2")
            .with_patch(&patch)
            .into_review();
        assert_eq!(review["response"]["patchType"], "JSONPatch");
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(review["response"]["patch"].as_str().expect("a patch"))
            .expect("base64");
        assert_eq!(
            serde_json::from_slice::<Value>(&decoded).expect("JSON"),
            patch
        );
    }
}
