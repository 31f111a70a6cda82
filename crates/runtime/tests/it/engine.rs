//! The engine on the official rules: all four files compile together with zero errors, and the
//! audit events of Falco's legacy tests, replayed against the k8saudit rules, raise the alerts
//! those rules imply.

use std::fmt::Write as _;

use custody_runtime::engine::Engine;
use custody_runtime::rules::RuleSet;
use custody_runtime::source::k8s_audit::AuditEvents;

use crate::corpus;

/// The four official rule files, in the order Falco's default configuration loads them.
fn official_rules() -> RuleSet {
    let falco = corpus("falco");
    let mut rules = RuleSet::new();
    for file in [
        "rules/rules/falco_rules.yaml",
        "rules/rules/falco-incubating_rules.yaml",
        "rules/rules/falco-sandbox_rules.yaml",
        "plugins/k8saudit/rules/k8s_audit_rules.yaml",
    ] {
        let loaded = rules
            .load_file(&falco.join(file))
            .expect("the rules file reads");
        assert!(loaded, "{file}: {:?}", rules.errors());
    }
    rules
}

#[test]
fn official_rules_compile_without_errors() {
    let rules = official_rules();
    let compiled = Engine::compile(&rules);
    for error in &compiled.errors {
        println!("ERROR {error}");
    }
    assert!(
        compiled.errors.is_empty(),
        "{} errors",
        compiled.errors.len()
    );
    let enabled = rules.rules().iter().filter(|rule| rule.enabled).count();
    println!(
        "{} rules compiled of {enabled} enabled",
        compiled.engine.rules().len()
    );
    assert_eq!(compiled.engine.rules().len(), enabled);
}

/// The rules each trace file must raise, in order, one entry per alert. Derived by reading each
/// event against the conditions of `k8s_audit_rules.yaml` (and matching the detections of
/// Falco's retired k8s audit test suite): the generic `K8s <Kind> Created/Deleted` rules fire for
/// successful requests by non-system users, the specific rules on the pod specs, bindings, roles
/// and configmaps they describe; kube-system secrets and service account tokens raise nothing.
const EXPECTED: &[(&str, &[&str])] = &[
    (
        "anonymous_creates_namespace_foo.json",
        &[
            "Anonymous Request Allowed",
            "Create Disallowed Namespace",
            "K8s Namespace Created",
        ],
    ),
    (
        "attach_cluster_admin_role.json",
        &[
            "Attach to cluster-admin Role",
            "K8s ClusterRoleBinding Created",
        ],
    ),
    ("attach_pod.json", &["Attach/Exec Pod"]),
    (
        "create_cluster_role_pod_exec.json",
        &[
            "ClusterRole With Pod Exec Created",
            "K8s ClusterRole Created",
        ],
    ),
    (
        "create_cluster_role_wildcard_resources.json",
        &[
            "ClusterRole With Wildcard Created",
            "K8s ClusterRole Created",
        ],
    ),
    (
        "create_cluster_role_wildcard_verbs.json",
        &[
            "ClusterRole With Wildcard Created",
            "K8s ClusterRole Created",
        ],
    ),
    (
        "create_cluster_role_write_privileges.json",
        &[
            "ClusterRole With Write Privileges Created",
            "K8s ClusterRole Created",
        ],
    ),
    ("create_clusterrole.json", &["K8s ClusterRole Created"]),
    (
        "create_clusterrolebinding.json",
        &["K8s ClusterRoleBinding Created"],
    ),
    ("create_configmap.json", &["K8s ConfigMap Created"]),
    (
        "create_configmap_no_sensitive_values.json",
        &["K8s ConfigMap Created"],
    ),
    // Six configmaps, each holding one kind of private credential.
    (
        "create_configmap_sensitive_values.json",
        &[
            "Create/Modify Configmap With Private Credentials",
            "K8s ConfigMap Created",
            "Create/Modify Configmap With Private Credentials",
            "K8s ConfigMap Created",
            "Create/Modify Configmap With Private Credentials",
            "K8s ConfigMap Created",
            "Create/Modify Configmap With Private Credentials",
            "K8s ConfigMap Created",
            "Create/Modify Configmap With Private Credentials",
            "K8s ConfigMap Created",
            "Create/Modify Configmap With Private Credentials",
            "K8s ConfigMap Created",
        ],
    ),
    ("create_deployment.json", &["K8s Deployment Created"]),
    ("create_kube_system_secret.json", &[]),
    (
        "create_nginx_pod_hostnetwork.json",
        &["Create HostNetwork Pod"],
    ),
    (
        "create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json",
        &["Create Privileged Pod"],
    ),
    ("create_nginx_pod_nohostnetwork.json", &[]),
    (
        "create_nginx_pod_privileged.json",
        &["Create Privileged Pod"],
    ),
    (
        "create_nginx_pod_privileged_2nd_container.json",
        &["Create Privileged Pod"],
    ),
    (
        "create_nginx_pod_sensitive_mount.json",
        &["Create Sensitive Mount Pod"],
    ),
    (
        "create_nginx_pod_sensitive_mount_2nd_container.json",
        &["Create Sensitive Mount Pod"],
    ),
    ("create_nginx_pod_unprivileged.json", &[]),
    ("create_nginx_pod_unsensitive_mount.json", &[]),
    (
        "create_nginx_service_nodeport.json",
        &["Create NodePort Service", "K8s Service Created"],
    ),
    (
        "create_nginx_service_nonodeport.json",
        &["K8s Service Created"],
    ),
    (
        "create_pod_kube_public_namespace.json",
        &["Pod Created in Kube Namespace"],
    ),
    (
        "create_pod_kube_system_namespace.json",
        &["Pod Created in Kube Namespace"],
    ),
    ("create_secret.json", &["K8s Secret Created"]),
    ("create_service.json", &["K8s Service Created"]),
    ("create_service_account_token_secret.json", &[]),
    (
        "create_serviceaccount.json",
        &["K8s Serviceaccount Created"],
    ),
    (
        "create_serviceaccount_kube_public_namespace.json",
        &[
            "Service Account Created in Kube Namespace",
            "K8s Serviceaccount Created",
        ],
    ),
    (
        "create_serviceaccount_kube_system_namespace.json",
        &[
            "Service Account Created in Kube Namespace",
            "K8s Serviceaccount Created",
        ],
    ),
    (
        "delete_cluster_role_kube_aggregator.json",
        &[
            "System ClusterRole Modified/Deleted",
            "K8s ClusterRole Deleted",
        ],
    ),
    ("delete_clusterrole.json", &["K8s ClusterRole Deleted"]),
    (
        "delete_clusterrolebinding.json",
        &["K8s ClusterRoleBinding Deleted"],
    ),
    ("delete_configmap.json", &["K8s ConfigMap Deleted"]),
    ("delete_deployment.json", &["K8s Deployment Deleted"]),
    ("delete_namespace_foo.json", &["K8s Namespace Deleted"]),
    ("delete_secret.json", &["K8s Secret Deleted"]),
    ("delete_service.json", &["K8s Service Deleted"]),
    (
        "delete_serviceaccount.json",
        &["K8s Serviceaccount Deleted"],
    ),
    ("exec_pod.json", &["Attach/Exec Pod"]),
    // `{"kind": 0}`: not an audit event, skipped and counted.
    ("fal_01_003.json", &[]),
    (
        "minikube_creates_namespace_foo.json",
        &["Create Disallowed Namespace", "K8s Namespace Created"],
    ),
    (
        "modify_cluster_role_node_problem_detector.json",
        &["System ClusterRole Modified/Deleted"],
    ),
    (
        "some-user_creates_namespace_foo.json",
        &[
            "Disallowed K8s User",
            "Create Disallowed Namespace",
            "K8s Namespace Created",
        ],
    ),
];

#[test]
fn audit_trace_files_raise_the_expected_alerts() {
    let falco = corpus("falco");
    let mut rules = RuleSet::new();
    rules
        .load_file(&falco.join("plugins/k8saudit/rules/k8s_audit_rules.yaml"))
        .expect("the k8saudit rules read");
    let compiled = Engine::compile(&rules);
    assert!(compiled.errors.is_empty(), "{:?}", compiled.errors);
    let engine = compiled.engine;
    let traces = falco.join("legacy-tests/test/trace_files/k8s_audit");
    let mut files: Vec<String> = fs_err::read_dir(&traces)
        .expect("the trace folder reads")
        .map(|entry| {
            entry
                .expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    files.sort();
    let expected_files: Vec<&str> = EXPECTED.iter().map(|(file, _)| *file).collect();
    assert_eq!(files, expected_files, "every trace file has an expectation");
    for (file, expected) in EXPECTED {
        let mut events = AuditEvents::new(fs_err::File::open(traces.join(file)).expect("opens"));
        let mut hits = Vec::new();
        for event in events.by_ref() {
            let event = event.unwrap_or_else(|error| panic!("{file}: {error}"));
            for alert in engine.audit_alerts(&event, jiff::Timestamp::UNIX_EPOCH) {
                hits.push(alert.rule);
            }
        }
        assert_eq!(hits, *expected, "{file}");
        assert_eq!(
            events.malformed(),
            u64::from(*file == "fal_01_003.json"),
            "{file}"
        );
    }
}

/// An alert carries the rule's output with the event's fields, and Falco's JSON shape.
#[test]
fn alerts_render_outputs_and_falco_json() {
    let falco = corpus("falco");
    let mut rules = RuleSet::new();
    rules
        .load_file(&falco.join("plugins/k8saudit/rules/k8s_audit_rules.yaml"))
        .expect("the k8saudit rules read");
    let mut engine = Engine::compile(&rules).engine;
    engine.set_hostname("node-1");
    let file =
        falco.join("legacy-tests/test/trace_files/k8s_audit/create_nginx_pod_privileged.json");
    let event = AuditEvents::new(fs_err::File::open(file).expect("opens"))
        .next()
        .expect("one event")
        .expect("valid JSON");
    let time: jiff::Timestamp = "2018-10-25T13:59:12.123456789Z".parse().expect("a time");
    let alerts = engine.audit_alerts(&event, time);
    let [alert] = alerts.as_slice() else {
        panic!("one alert, got {alerts:?}");
    };
    let json: serde_json::Value = serde_json::from_str(&alert.to_json()).expect("JSON");
    assert_eq!(json["rule"], "Create Privileged Pod");
    assert_eq!(json["priority"], "Warning");
    assert_eq!(json["source"], "k8s_audit");
    assert_eq!(json["hostname"], "node-1");
    assert_eq!(json["time"], "2018-10-25T13:59:12.123456789Z");
    assert_eq!(
        json["output_fields"]["ka.resp.name"],
        event["responseObject"]["metadata"]["name"]
    );
    let output = json["output"].as_str().expect("text");
    assert!(
        output.starts_with("13:59:12.123456789: Warning Pod started with privileged container"),
        "{output}"
    );
    assert!(output.contains("images=(nginx)"), "{output}");
    let counts: Vec<(&str, u64)> = engine.hit_counts().filter(|(_, hits)| *hits > 0).collect();
    assert_eq!(counts, [("Create Privileged Pod", 1)]);
}

/// The rules of `text` (one `k8s_audit` rule per condition) against one event: the names of
/// the rules that match.
fn matching(conditions: &[&str], event: &serde_json::Value) -> Vec<String> {
    let mut text = String::new();
    for (index, condition) in conditions.iter().enumerate() {
        let _ = write!(
            text,
            "- rule: r{index}\n  desc: d\n  condition: {condition}\n  output: o\n  priority: INFO\n  source: k8s_audit\n"
        );
    }
    let mut rules = RuleSet::new();
    assert!(rules.load_str("test.yaml", &text), "{:?}", rules.errors());
    let compiled = Engine::compile(&rules);
    assert!(compiled.errors.is_empty(), "{:?}", compiled.errors);
    compiled
        .engine
        .audit_alerts(event, jiff::Timestamp::UNIX_EPOCH)
        .into_iter()
        .map(|alert| alert.rule)
        .collect()
}

/// libsinsp's semantics, from falco.org "Condition Syntax": list fields answer `in` (every
/// value in the set) and `intersects` (one), `pmatch` matches a path or anything below it,
/// `regex` the whole value, `glob` with `*`/`?`, missing values fail every comparison and only
/// `not ... exists` sees them, transformers apply before comparing.
#[test]
fn operators_follow_libsinsp() {
    let event = serde_json::json!({
        "kind": "Event", "apiVersion": "audit.k8s.io/v1", "auditID": "a", "stage": "ResponseComplete",
        "verb": "create", "requestURI": "/api/v1/namespaces/prod/pods",
        "user": {"username": "Alice", "groups": ["system:authenticated", "dev"]},
        "objectRef": {"resource": "pods", "namespace": "prod", "name": "web"},
        "responseStatus": {"code": 201},
        "requestObject": {"kind": "Pod", "spec": {"containers": [
            {"name": "a", "image": "nginx:1.25"}, {"name": "b", "image": "redis:7"}
        ]}}
    });
    let hits = matching(
        &[
            "ka.user.groups in (system:authenticated, dev, ops)",
            "ka.user.groups in (dev)",
            "ka.user.groups intersects (dev)",
            "ka.req.pod.containers.image.repository in (nginx, redis)",
            "ka.uri pmatch (/api/v1/namespaces)",
            "ka.uri pmatch (/api/v1/name)",
            "ka.uri regex '/api/v1/namespaces/[a-z]+/pods'",
            "ka.uri regex 'namespaces'",
            "ka.target.name glob 'w?b*'",
            "tolower(ka.user.name) = alice",
            "ka.user.name icontains LIC",
            "ka.response.code >= 200 and ka.response.code < 300",
            "ka.impuser.name = bob",
            "not ka.impuser.name exists",
            "ka.req.pod.containers.image[1] in (redis:7)",
            "len(ka.req.pod.containers.image) = 2",
        ],
        &event,
    );
    assert_eq!(
        hits,
        [
            "r0", "r2", "r3", "r4", "r6", "r8", "r9", "r10", "r11", "r13", "r14", "r15"
        ]
    );
}
