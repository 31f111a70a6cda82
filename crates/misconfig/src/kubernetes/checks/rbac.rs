//! Access control (`CKS037`–`CKS050`): what roles and cluster roles grant (wildcards,
//! escalation verbs, secrets, workloads, exec, node proxy, admission webhooks, certificate
//! approval), whom bindings grant it to (cluster-admin, anonymous users, default
//! service accounts), and the default service account's token.
//!
//! A rule grants a request the way the API server's RBAC authorizer decides it
//! (`pkg/apis/rbac/v1/evaluation_helpers.go`): `*` matches any verb, API group or resource,
//! and `*/subresource` matches that subresource of any resource. Checks see one object at a
//! time, so a Role is judged by what it grants, not by who is bound to it (Checkov's `CKV2_K8S`
//! graph checks join the two).

use custody_model::Severity;
use serde_json::Value;

use super::pod::{elements, field, name, strings};
use super::{Check, Object, Rule, Sink, rule};

/// The RBAC rules, in id order.
pub(super) static RULES: [Rule; 14] = [
    rule(
        Check {
            id: "CKS037",
            title: "Role grants wildcard access",
            severity: Severity::High,
            description: "A `*` in verbs, resources or apiGroups grants access to everything of \
                that kind, including resources and verbs added later. Every rule is checked \
                (Checkov's CKV_K8S_49 looks at the first rule only).",
            remediation: "List the verbs, resources and API groups the subject needs.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#least-privilege",
                "CKV_K8S_49",
                "https://avd.aquasec.com/misconfig/ksv044",
                "https://avd.aquasec.com/misconfig/ksv045",
                "https://avd.aquasec.com/misconfig/ksv046",
            ],
        },
        wildcard,
    ),
    rule(
        Check {
            id: "CKS038",
            title: "Role grants the bind verb on roles",
            severity: Severity::High,
            description: "`bind` on roles or clusterroles lets the subject create bindings to \
                roles with rights it does not have itself, cluster-admin included. Checkov's \
                CKV_K8S_157 looks for `bind` on rolebindings instead, where the API server \
                ignores it.",
            remediation: "Remove the `bind` verb, or restrict it with `resourceNames` to the \
                roles the subject may hand out.",
            references: &[
                "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-binding-creation-or-update",
                "CKV_K8S_157",
            ],
        },
        bind,
    ),
    rule(
        Check {
            id: "CKS039",
            title: "Role grants the escalate verb on roles",
            severity: Severity::High,
            description: "`escalate` on roles or clusterroles lets the subject add any \
                permission to a role it can edit, so it can grant itself anything.",
            remediation: "Remove the `escalate` verb.",
            references: &[
                "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#restrictions-on-role-creation-or-update",
                "CKV_K8S_158",
            ],
        },
        escalate,
    ),
    rule(
        Check {
            id: "CKS040",
            title: "Role grants impersonation",
            severity: Severity::High,
            description: "`impersonate` on users, groups, serviceaccounts or uids lets the \
                subject act as any of them, `system:masters` included.",
            remediation: "Remove the `impersonate` verb, or restrict it with `resourceNames`.",
            references: &[
                "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#user-impersonation",
                "CKV2_K8S_3",
                "https://avd.aquasec.com/misconfig/ksv043",
            ],
        },
        impersonate,
    ),
    rule(
        Check {
            id: "CKS041",
            title: "Role can read Secrets",
            severity: Severity::Medium,
            description: "get, list or watch on secrets reveals every Secret in scope, including \
                the tokens of more privileged service accounts. Rules restricted by \
                `resourceNames` pass.",
            remediation: "Remove secrets from the rule, or restrict it with `resourceNames` to \
                the Secrets the subject needs.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#listing-secrets",
                "CKV2_K8S_5",
                "https://avd.aquasec.com/misconfig/ksv041",
                "https://avd.aquasec.com/misconfig/ksv113",
            ],
        },
        read_secrets,
    ),
    rule(
        Check {
            id: "CKS042",
            title: "Role can create or change workloads",
            severity: Severity::Medium,
            description: "create, update or patch on pods or workload controllers lets the \
                subject run any image with any ServiceAccount of the namespace, and so gain \
                every right those accounts have.",
            remediation: "Grant workload write access only to deployment pipelines, and use \
                admission policies (Pod Security, custody policy) to bound what they may run.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#workload-creation",
                "https://avd.aquasec.com/misconfig/ksv048",
            ],
        },
        write_workloads,
    ),
    rule(
        Check {
            id: "CKS043",
            title: "Role can exec or attach into pods",
            severity: Severity::High,
            description: "create or get on pods/exec or pods/attach gives a shell in any pod in \
                scope, with its ServiceAccount token and secrets (WebSocket exec needs only \
                get).",
            remediation: "Remove pods/exec and pods/attach from the rule; grant them only to \
                break-glass roles.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/rbac-good-practices/",
                "CKV2_K8S_2",
                "https://avd.aquasec.com/misconfig/ksv053",
            ],
        },
        exec,
    ),
    rule(
        Check {
            id: "CKS044",
            title: "Role grants access to nodes/proxy",
            severity: Severity::High,
            description: "nodes/proxy reaches the kubelet API directly, bypassing admission and \
                audit: it can run commands in every pod of the node.",
            remediation: "Remove nodes/proxy; monitoring agents need nodes/metrics or \
                nodes/stats instead.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#access-to-proxy-subresource-of-nodes",
                "CKV2_K8S_2",
                "https://avd.aquasec.com/misconfig/ksv047",
            ],
        },
        node_proxy,
    ),
    rule(
        Check {
            id: "CKS045",
            title: "ClusterRole controls admission webhooks",
            severity: Severity::High,
            description: "create, update, patch or delete on mutating or validating webhook \
                configurations lets the subject disable admission policy or intercept and \
                rewrite every object sent to the API server. Checkov's CKV_K8S_155 does not \
                count delete.",
            remediation: "Grant webhook configuration write access only to the controllers that \
                own them.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/rbac-good-practices/#control-admission-webhooks",
                "CKV_K8S_155",
            ],
        },
        webhooks,
    ),
    rule(
        Check {
            id: "CKS046",
            title: "ClusterRole can approve certificate signing requests",
            severity: Severity::High,
            description: "update on certificatesigningrequests/approval together with approve on \
                signers lets the subject issue itself a client certificate for any user or \
                group the signer accepts.",
            remediation: "Grant CSR approval only to the controllers that need it, and restrict \
                `approve` to specific signers with `resourceNames`.",
            references: &[
                "https://kubernetes.io/docs/reference/access-authn-authz/certificate-signing-requests/#authorization",
                "CKV_K8S_156",
            ],
        },
        approve_certificates,
    ),
    rule(
        Check {
            id: "CKS047",
            title: "Binding to cluster-admin",
            severity: Severity::Medium,
            description: "cluster-admin can do anything to any object; every subject bound to it \
                is a full compromise of the cluster if its credentials leak.",
            remediation: "Bind a role with only the rights the subject needs.",
            references: &[
                "https://kubernetes.io/docs/reference/access-authn-authz/rbac/#user-facing-roles",
                "https://avd.aquasec.com/misconfig/ksv111",
            ],
        },
        cluster_admin,
    ),
    rule(
        Check {
            id: "CKS048",
            title: "Binding to anonymous or unauthenticated users",
            severity: Severity::Critical,
            description: "Binding a role to `system:anonymous` or `system:unauthenticated` grants \
                it to anyone who can reach the API server.",
            remediation: "Remove the subject; bind to authenticated users or specific groups.",
            references: &[
                "https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests",
                "https://avd.aquasec.com/misconfig/ksv122",
            ],
        },
        anonymous,
    ),
    rule(
        Check {
            id: "CKS049",
            title: "Binding to a default ServiceAccount",
            severity: Severity::Medium,
            description: "Every pod of a namespace that names no ServiceAccount runs as \
                `default`, so rights bound to it go to all of them.",
            remediation: "Create a ServiceAccount for the workload that needs the rights and \
                bind the role to it.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts",
                "CKV_K8S_42",
            ],
        },
        default_account_binding,
    ),
    rule(
        Check {
            id: "CKS050",
            title: "Default ServiceAccount mounts its token",
            severity: Severity::Low,
            description: "Unless the `default` ServiceAccount sets `automountServiceAccountToken: \
                false`, every pod of the namespace that does not opt out gets an API token.",
            remediation: "Set `automountServiceAccountToken: false` on the default \
                ServiceAccount.",
            references: &[
                "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
                "CKV_K8S_41",
            ],
        },
        default_account_token,
    ),
];

/// The rules of a `Role` or `ClusterRole` (only of a `ClusterRole` when `cluster_only`).
fn policy_rules<'a>(
    object: &Object<'a>,
    cluster_only: bool,
) -> impl Iterator<Item = (usize, &'a Value)> + use<'a> {
    let applies = match object.kind {
        "ClusterRole" => true,
        "Role" => !cluster_only,
        _ => false,
    };
    elements(if applies {
        object.field("rules")
    } else {
        &Value::Null
    })
    .filter(|(_, rule)| rule.is_object())
}

/// A request a dangerous grant would allow.
struct Request {
    groups: &'static [&'static str],
    resources: &'static [&'static str],
    verbs: &'static [&'static str],
}

impl Request {
    /// The first verb and resource of this request that `rule` grants, as RBAC matches them.
    fn granted_by<'a>(&self, rule: &'a Value) -> Option<(&'a str, &'a str)> {
        let group = strings(field(rule, "apiGroups"))
            .any(|(_, group)| group == "*" || self.groups.contains(&group));
        if !group {
            return None;
        }
        let resource = strings(field(rule, "resources")).find_map(|(_, granted)| {
            self.resources
                .iter()
                .any(|wanted| resource_matches(granted, wanted))
                .then_some(granted)
        })?;
        let verb = strings(field(rule, "verbs"))
            .find_map(|(_, verb)| (verb == "*" || self.verbs.contains(&verb)).then_some(verb))?;
        Some((verb, resource))
    }
}

/// RBAC's `ResourceMatches`: `*`, the exact resource, or `*/subresource`.
fn resource_matches(granted: &str, wanted: &str) -> bool {
    granted == "*"
        || granted == wanted
        || wanted
            .split_once('/')
            .is_some_and(|(_, subresource)| granted.strip_prefix("*/") == Some(subresource))
}

/// Reports each rule that grants `request`.
fn grants(
    object: &Object<'_>,
    sink: &mut Sink<'_>,
    request: &Request,
    cluster_only: bool,
    skip_named: bool,
) {
    for (index, rule) in policy_rules(object, cluster_only) {
        if skip_named && elements(field(rule, "resourceNames")).next().is_some() {
            continue;
        }
        if let Some((verb, resource)) = request.granted_by(rule) {
            sink.emit(
                format!("rules[{index}]"),
                format!("rule {index} grants {verb:?} on {resource:?}"),
            );
        }
    }
}

fn wildcard(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (index, rule) in policy_rules(object, false) {
        for (key, what) in [
            ("verbs", "verb"),
            ("resources", "resource"),
            ("apiGroups", "API group"),
        ] {
            if let Some((position, _)) = strings(field(rule, key)).find(|(_, value)| *value == "*")
            {
                sink.emit(
                    format!("rules[{index}].{key}[{position}]"),
                    format!("rule {index} grants every {what} (\"*\")"),
                );
            }
        }
    }
}

/// The API group of the RBAC resources.
const RBAC_GROUP: &[&str] = &["rbac.authorization.k8s.io"];
/// The resources the `bind` and `escalate` verbs apply to.
const ROLE_RESOURCES: &[&str] = &["roles", "clusterroles"];

fn bind(object: &Object<'_>, sink: &mut Sink<'_>) {
    let request = Request {
        groups: RBAC_GROUP,
        resources: ROLE_RESOURCES,
        verbs: &["bind"],
    };
    grants(object, sink, &request, false, false);
}

fn escalate(object: &Object<'_>, sink: &mut Sink<'_>) {
    let request = Request {
        groups: RBAC_GROUP,
        resources: ROLE_RESOURCES,
        verbs: &["escalate"],
    };
    grants(object, sink, &request, false, false);
}

fn impersonate(object: &Object<'_>, sink: &mut Sink<'_>) {
    let request = Request {
        groups: &["", "authentication.k8s.io"],
        resources: &["users", "groups", "serviceaccounts", "uids"],
        verbs: &["impersonate"],
    };
    grants(object, sink, &request, false, false);
}

fn read_secrets(object: &Object<'_>, sink: &mut Sink<'_>) {
    let request = Request {
        groups: &[""],
        resources: &["secrets"],
        verbs: &["get", "list", "watch"],
    };
    grants(object, sink, &request, false, true);
}

fn write_workloads(object: &Object<'_>, sink: &mut Sink<'_>) {
    let request = Request {
        groups: &["", "apps", "batch"],
        resources: &[
            "pods",
            "deployments",
            "daemonsets",
            "statefulsets",
            "replicasets",
            "replicationcontrollers",
            "jobs",
            "cronjobs",
        ],
        verbs: &["create", "update", "patch"],
    };
    grants(object, sink, &request, false, false);
}

fn exec(object: &Object<'_>, sink: &mut Sink<'_>) {
    let request = Request {
        groups: &[""],
        resources: &["pods/exec", "pods/attach"],
        verbs: &["create", "get"],
    };
    grants(object, sink, &request, false, false);
}

fn node_proxy(object: &Object<'_>, sink: &mut Sink<'_>) {
    let request = Request {
        groups: &[""],
        resources: &["nodes/proxy"],
        verbs: &["get", "create", "update", "patch", "delete"],
    };
    grants(object, sink, &request, false, false);
}

fn webhooks(object: &Object<'_>, sink: &mut Sink<'_>) {
    let request = Request {
        groups: &["admissionregistration.k8s.io"],
        resources: &[
            "mutatingwebhookconfigurations",
            "validatingwebhookconfigurations",
        ],
        verbs: &["create", "update", "patch", "delete"],
    };
    grants(object, sink, &request, true, false);
}

fn approve_certificates(object: &Object<'_>, sink: &mut Sink<'_>) {
    let approval = Request {
        groups: &["certificates.k8s.io"],
        resources: &["certificatesigningrequests/approval"],
        verbs: &["update", "patch"],
    };
    let signers = Request {
        groups: &["certificates.k8s.io"],
        resources: &["signers"],
        verbs: &["approve"],
    };
    let first = |request: &Request| {
        policy_rules(object, true).find(|(_, rule)| request.granted_by(rule).is_some())
    };
    if let (Some((approval_index, _)), Some((signer_index, _))) =
        (first(&approval), first(&signers))
    {
        let rules = if approval_index == signer_index {
            format!("rule {approval_index} allows")
        } else {
            format!("rules {approval_index} and {signer_index} allow")
        };
        sink.emit(
            format!("rules[{approval_index}]"),
            format!("{rules} approving certificate signing requests"),
        );
    }
}

/// The subjects of a `RoleBinding` or `ClusterRoleBinding`.
fn subjects<'a>(object: &Object<'a>) -> impl Iterator<Item = (usize, &'a Value)> + use<'a> {
    let binding = matches!(object.kind, "RoleBinding" | "ClusterRoleBinding");
    elements(if binding {
        object.field("subjects")
    } else {
        &Value::Null
    })
}

/// How a binding is named in messages: `ClusterRoleBinding "ops"`.
fn binding(object: &Object<'_>) -> String {
    format!("{} {:?}", object.kind, name(object.value))
}

/// The name of the role a binding grants.
fn role_name<'a>(object: &Object<'a>) -> &'a str {
    field(object.field("roleRef"), "name")
        .as_str()
        .unwrap_or("?")
}

fn cluster_admin(object: &Object<'_>, sink: &mut Sink<'_>) {
    if !matches!(object.kind, "RoleBinding" | "ClusterRoleBinding") {
        return;
    }
    let role = object.field("roleRef");
    if field(role, "name").as_str() == Some("cluster-admin")
        && field(role, "kind")
            .as_str()
            .is_none_or(|kind| kind == "ClusterRole")
    {
        let count = subjects(object).count();
        sink.emit(
            "roleRef.name".to_owned(),
            format!(
                "{} grants cluster-admin to {count} subject(s)",
                binding(object)
            ),
        );
    }
}

fn anonymous(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (index, subject) in subjects(object) {
        if let Some(who @ ("system:anonymous" | "system:unauthenticated")) =
            field(subject, "name").as_str()
        {
            sink.emit(
                format!("subjects[{index}].name"),
                format!(
                    "{} grants role {:?} to {who}",
                    binding(object),
                    role_name(object)
                ),
            );
        }
    }
}

fn default_account_binding(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (index, subject) in subjects(object) {
        if field(subject, "kind").as_str() == Some("ServiceAccount")
            && field(subject, "name").as_str() == Some("default")
        {
            let namespace = field(subject, "namespace")
                .as_str()
                .or_else(|| object.metadata("namespace").as_str())
                .unwrap_or("default");
            sink.emit(
                format!("subjects[{index}]"),
                format!(
                    "{} grants role {:?} to the default ServiceAccount of namespace {namespace:?}",
                    binding(object),
                    role_name(object)
                ),
            );
        }
    }
}

fn default_account_token(object: &Object<'_>, sink: &mut Sink<'_>) {
    if object.kind != "ServiceAccount" || name(object.value) != "default" {
        return;
    }
    let value = object.field("automountServiceAccountToken");
    if value != &Value::Bool(false) {
        let path = if value.is_null() {
            "metadata.name"
        } else {
            "automountServiceAccountToken"
        };
        sink.emit(
            path.to_owned(),
            "the default ServiceAccount mounts its token into every pod that does not opt out"
                .to_owned(),
        );
    }
}

#[cfg(test)]
mod tests {
    //! Per check, a failing and a passing hand-written manifest.

    use serde_json::{Value, json};

    use super::super::testing::{found, violations};

    fn role(rules: &Value) -> Value {
        json!({"kind": "Role", "metadata": {"name": "r", "namespace": "shop"}, "rules": rules})
    }

    fn cluster_role(rules: &Value) -> Value {
        json!({"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules})
    }

    #[test]
    fn cks037_wildcard() {
        let object = cluster_role(&json!([
            {"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
            {"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "*"]},
        ]));
        assert_eq!(
            violations("CKS037", &object),
            [
                (
                    "rules[1].verbs[1]".to_owned(),
                    "rule 1 grants every verb (\"*\")".to_owned()
                ),
                (
                    "rules[1].resources[0]".to_owned(),
                    "rule 1 grants every resource (\"*\")".to_owned()
                ),
                (
                    "rules[1].apiGroups[0]".to_owned(),
                    "rule 1 grants every API group (\"*\")".to_owned()
                ),
            ]
        );
        let exact = role(&json!([{"apiGroups": [""], "resources": ["pods"], "verbs": ["list"]}]));
        assert!(violations("CKS037", &exact).is_empty());
    }

    #[test]
    fn cks038_bind() {
        let object = cluster_role(&json!([{"apiGroups": ["rbac.authorization.k8s.io"],
            "resources": ["clusterroles"], "verbs": ["bind"]}]));
        assert_eq!(
            violations("CKS038", &object),
            found("rules[0]", "rule 0 grants \"bind\" on \"clusterroles\"")
        );
        let create = role(&json!([{"apiGroups": ["rbac.authorization.k8s.io"],
            "resources": ["rolebindings"], "verbs": ["create"]}]));
        assert!(violations("CKS038", &create).is_empty());
    }

    #[test]
    fn cks039_escalate() {
        let object =
            role(&json!([{"apiGroups": ["*"], "resources": ["roles"], "verbs": ["escalate"]}]));
        assert_eq!(
            violations("CKS039", &object),
            found("rules[0]", "rule 0 grants \"escalate\" on \"roles\"")
        );
        let other = role(&json!([{"apiGroups": ["rbac.authorization.k8s.io"],
            "resources": ["roles"], "verbs": ["get"]}]));
        assert!(violations("CKS039", &other).is_empty());
    }

    #[test]
    fn cks040_impersonate() {
        let object = cluster_role(&json!([{"apiGroups": [""], "resources": ["groups"],
            "verbs": ["impersonate"]}]));
        assert_eq!(
            violations("CKS040", &object),
            found("rules[0]", "rule 0 grants \"impersonate\" on \"groups\"")
        );
        let other = cluster_role(
            &json!([{"apiGroups": [""], "resources": ["serviceaccounts"],
            "verbs": ["get"]}]),
        );
        assert!(violations("CKS040", &other).is_empty());
    }

    #[test]
    fn cks041_read_secrets() {
        let object = role(
            &json!([{"apiGroups": [""], "resources": ["configmaps", "secrets"],
            "verbs": ["list"]}]),
        );
        assert_eq!(
            violations("CKS041", &object),
            found("rules[0]", "rule 0 grants \"list\" on \"secrets\"")
        );
        for rules in [
            json!([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"],
                "resourceNames": ["tls"]}]),
            json!([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create"]}]),
            json!([{"apiGroups": ["apps"], "resources": ["secrets"], "verbs": ["get"]}]),
        ] {
            assert!(violations("CKS041", &role(&rules)).is_empty(), "{rules}");
        }
    }

    #[test]
    fn cks042_write_workloads() {
        let object = role(
            &json!([{"apiGroups": ["apps"], "resources": ["deployments"],
            "verbs": ["get", "patch"]}]),
        );
        assert_eq!(
            violations("CKS042", &object),
            found("rules[0]", "rule 0 grants \"patch\" on \"deployments\"")
        );
        let read = role(
            &json!([{"apiGroups": ["apps"], "resources": ["deployments"],
            "verbs": ["get", "list", "watch"]}]),
        );
        assert!(violations("CKS042", &read).is_empty());
    }

    #[test]
    fn cks043_exec() {
        let object =
            role(&json!([{"apiGroups": [""], "resources": ["*/exec"], "verbs": ["create"]}]));
        assert_eq!(
            violations("CKS043", &object),
            found("rules[0]", "rule 0 grants \"create\" on \"*/exec\"")
        );
        let logs = role(&json!([{"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}]));
        assert!(violations("CKS043", &logs).is_empty());
    }

    #[test]
    fn cks044_node_proxy() {
        let object = cluster_role(&json!([{"apiGroups": [""], "resources": ["nodes/proxy"],
            "verbs": ["get"]}]));
        assert_eq!(
            violations("CKS044", &object),
            found("rules[0]", "rule 0 grants \"get\" on \"nodes/proxy\"")
        );
        let metrics = cluster_role(&json!([{"apiGroups": [""], "resources": ["nodes/metrics"],
            "verbs": ["get"]}]));
        assert!(violations("CKS044", &metrics).is_empty());
    }

    #[test]
    fn cks045_webhooks() {
        let object = cluster_role(&json!([{"apiGroups": ["admissionregistration.k8s.io"],
            "resources": ["validatingwebhookconfigurations"], "verbs": ["delete"]}]));
        assert_eq!(
            violations("CKS045", &object),
            found(
                "rules[0]",
                "rule 0 grants \"delete\" on \"validatingwebhookconfigurations\""
            )
        );
        let read = cluster_role(&json!([{"apiGroups": ["admissionregistration.k8s.io"],
            "resources": ["validatingwebhookconfigurations"], "verbs": ["list"]}]));
        assert!(violations("CKS045", &read).is_empty());
    }

    #[test]
    fn cks046_approve_certificates() {
        let approval = json!({"apiGroups": ["certificates.k8s.io"],
            "resources": ["certificatesigningrequests/approval"], "verbs": ["update"]});
        let signers = json!({"apiGroups": ["certificates.k8s.io"], "resources": ["signers"],
            "verbs": ["approve"]});
        let object = cluster_role(&json!([approval, signers]));
        assert_eq!(
            violations("CKS046", &object),
            found(
                "rules[0]",
                "rules 0 and 1 allow approving certificate signing requests"
            )
        );
        assert!(violations("CKS046", &cluster_role(&json!([approval]))).is_empty());
        let both = cluster_role(&json!([{"apiGroups": ["certificates.k8s.io"],
            "resources": ["certificatesigningrequests/approval", "signers"],
            "verbs": ["update", "approve"]}]));
        assert_eq!(
            violations("CKS046", &both),
            found(
                "rules[0]",
                "rule 0 allows approving certificate signing requests"
            )
        );
    }

    fn cluster_binding(role: &str, subjects: &Value) -> Value {
        json!({"kind": "ClusterRoleBinding", "metadata": {"name": "b"},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
            "subjects": subjects})
    }

    #[test]
    fn cks047_cluster_admin() {
        let object = cluster_binding("cluster-admin", &json!([{"kind": "Group", "name": "ops"}]));
        assert_eq!(
            violations("CKS047", &object),
            found(
                "roleRef.name",
                "ClusterRoleBinding \"b\" grants cluster-admin to 1 subject(s)"
            )
        );
        let view = cluster_binding("view", &json!([{"kind": "Group", "name": "ops"}]));
        assert!(violations("CKS047", &view).is_empty());
    }

    #[test]
    fn cks048_anonymous() {
        let object = cluster_binding(
            "view",
            &json!([{"kind": "Group", "name": "ops"},
            {"kind": "Group", "name": "system:unauthenticated"}]),
        );
        assert_eq!(
            violations("CKS048", &object),
            found(
                "subjects[1].name",
                "ClusterRoleBinding \"b\" grants role \"view\" to system:unauthenticated"
            )
        );
        let authenticated = cluster_binding(
            "view",
            &json!([{"kind": "Group",
            "name": "system:authenticated"}]),
        );
        assert!(violations("CKS048", &authenticated).is_empty());
    }

    #[test]
    fn cks049_default_account_binding() {
        let object = json!({"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "shop"},
            "roleRef": {"kind": "Role", "name": "editor"},
            "subjects": [{"kind": "ServiceAccount", "name": "default"}]});
        assert_eq!(
            violations("CKS049", &object),
            found(
                "subjects[0]",
                "RoleBinding \"b\" grants role \"editor\" to the default ServiceAccount of \
                 namespace \"shop\""
            )
        );
        let own = cluster_binding(
            "view",
            &json!([{"kind": "ServiceAccount", "name": "web",
            "namespace": "shop"}]),
        );
        assert!(violations("CKS049", &own).is_empty());
    }

    #[test]
    fn cks050_default_account_token() {
        let object = json!({"kind": "ServiceAccount", "metadata": {"name": "default",
            "namespace": "shop"}});
        assert_eq!(
            violations("CKS050", &object),
            found(
                "metadata.name",
                "the default ServiceAccount mounts its token into every pod that does not opt out"
            )
        );
        for object in [
            json!({"kind": "ServiceAccount", "metadata": {"name": "default"},
                "automountServiceAccountToken": false}),
            json!({"kind": "ServiceAccount", "metadata": {"name": "web"}}),
        ] {
            assert!(violations("CKS050", &object).is_empty(), "{object}");
        }
    }
}
