//! The field registry against the official rules files, and `k8s_audit` extraction against the
//! audit events of Falco's legacy tests: everything about fields that needs the corpus.

use std::collections::BTreeMap;
use std::path::Path;

use custody_runtime::fields::{FieldValue, K8sAuditExtractor, Source, resolve};
use serde::Deserialize;
use serde_json::Value;

/// The rules files whose every field must be registered, with the source of their macros.
const RULES_FILES: [(&str, Source); 4] = [
    ("rules/rules/falco_rules.yaml", Source::Syscall),
    ("rules/rules/falco-incubating_rules.yaml", Source::Syscall),
    ("rules/rules/falco-sandbox_rules.yaml", Source::Syscall),
    (
        "plugins/k8saudit/rules/k8s_audit_rules.yaml",
        Source::K8sAudit,
    ),
];

/// The members of a rules file item this test reads; the rules loader reads the rest.
#[derive(Deserialize)]
struct Item {
    rule: Option<String>,
    #[serde(rename = "macro")]
    macro_name: Option<String>,
    condition: Option<String>,
    output: Option<String>,
    source: Option<String>,
    exceptions: Option<Vec<Exception>>,
}

#[derive(Deserialize)]
struct Exception {
    fields: Option<FieldsList>,
}

/// An exception's `fields`: one field or a list of them.
#[derive(Deserialize)]
#[serde(untagged)]
enum FieldsList {
    One(String),
    Many(Vec<String>),
}

/// Comparison operators whose right-hand side is a single value, never a field (unless it is
/// `val(field)`).
const VALUE_OPERATORS: [&str; 16] = [
    "=",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "contains",
    "icontains",
    "bcontains",
    "startswith",
    "bstartswith",
    "endswith",
    "glob",
    "regex",
    "pmatch",
];

/// Operators followed by a parenthesised list of values (or a list name).
const LIST_OPERATORS: [&str; 3] = ["in", "intersects", "pmatch"];

/// The field tokens of a condition: dotted names (with an optional `[argument]`) outside quoted
/// strings, value lists and the right-hand side of comparisons. Undotted words are macros,
/// lists, operators or transformers, which the rules loader checks.
fn condition_fields(condition: &str) -> Vec<String> {
    let chars: Vec<char> = condition.chars().collect();
    let mut fields = Vec::new();
    let mut position = 0;
    let mut previous_word = String::new();
    while let Some(&current) = chars.get(position) {
        if current == '"' || current == '\'' {
            position = skip_quoted(&chars, position);
            previous_word.clear();
        } else if current == '(' && LIST_OPERATORS.contains(&previous_word.as_str()) {
            position = skip_group(&chars, position);
            previous_word.clear();
        } else if is_word(current) || matches!(current, '=' | '!' | '<' | '>') {
            let start = position;
            let symbolic = !is_word(current);
            while chars.get(position).is_some_and(|&c| {
                if symbolic {
                    matches!(c, '=' | '!' | '<' | '>')
                } else {
                    is_word(c)
                }
            }) {
                position += 1;
            }
            if !symbolic && chars.get(position) == Some(&'[') {
                while chars.get(position).is_some_and(|&c| c != ']') {
                    position += 1;
                }
                position += 1;
            }
            let word: String = chars[start..position.min(chars.len())].iter().collect();
            if VALUE_OPERATORS.contains(&previous_word.as_str()) && word != "val" {
                previous_word.clear();
                continue;
            }
            if !symbolic && word.contains('.') && word.starts_with(|c: char| c.is_ascii_lowercase())
            {
                fields.push(word.clone());
            }
            previous_word = word;
        } else {
            if !current.is_whitespace() && current != '(' {
                previous_word.clear();
            }
            position += 1;
        }
    }
    fields
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-' | '*' | ':' | '~' | '+')
}

fn skip_quoted(chars: &[char], start: usize) -> usize {
    let quote = chars[start];
    let mut position = start + 1;
    while let Some(&c) = chars.get(position) {
        position += if c == '\\' { 2 } else { 1 };
        if c == quote {
            break;
        }
    }
    position
}

fn skip_group(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut position = start;
    while let Some(&c) = chars.get(position) {
        match c {
            '"' | '\'' => {
                position = skip_quoted(chars, position);
                continue;
            }
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return position + 1;
                }
            }
            _ => {}
        }
        position += 1;
    }
    position
}

/// The `%field` tokens of an output, trailing sentence dots dropped.
fn output_fields(output: &str) -> Vec<String> {
    output
        .split('%')
        .skip(1)
        .filter_map(|rest| {
            let name_end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(rest.len());
            let (name, after) = rest.split_at(name_end);
            let token = match after
                .strip_prefix('[')
                .and_then(|inner| inner.split_once(']'))
            {
                Some((argument, _)) => format!("{name}[{argument}]"),
                None => name.trim_end_matches('.').to_owned(),
            };
            token.contains('.').then_some(token)
        })
        .collect()
}

#[test]
fn tokenizer_skips_values_and_keeps_fields() {
    let condition = "proc.name in (apt.conf.d, \"a.b\") and fd.name startswith /etc/x.conf \
                     and not proc.aname[2]=sshd and len(ka.req.role.rules) > 0 \
                     and evt.arg.flags contains O_TRUNC and tolower(proc.pname) = val(proc.name)";
    assert_eq!(
        condition_fields(condition),
        [
            "proc.name",
            "fd.name",
            "proc.aname[2]",
            "ka.req.role.rules",
            "evt.arg.flags",
            "proc.pname",
            "proc.name"
        ]
    );
    assert_eq!(
        output_fields("File %fd.name opened by %proc.aname[2] (user=%user.name). Done %evt.type."),
        ["fd.name", "proc.aname[2]", "user.name", "evt.type"]
    );
}

/// Every field token in the conditions, outputs and exception fields of the four official rules
/// files resolves in the registry of its rule's source.
#[test]
fn official_rules_use_only_registered_fields() {
    let corpus = crate::corpus("falco");
    let mut occurrences = 0;
    let mut distinct: BTreeMap<(Source, String), usize> = BTreeMap::new();
    let mut missing = Vec::new();
    for (file, file_source) in RULES_FILES {
        let path = corpus.join(file);
        let text = fs_err::read_to_string(&path).expect("rules file readable");
        let items: Vec<Item> = serde_saphyr::from_str(&text).expect("rules file is YAML");
        for item in items {
            let source = match item.source.as_deref() {
                Some(name) => Source::from_name(name).expect("known source"),
                None => file_source,
            };
            let name = item.rule.or(item.macro_name).unwrap_or_default();
            let mut tokens = Vec::new();
            tokens.extend(
                item.condition
                    .as_deref()
                    .map(condition_fields)
                    .unwrap_or_default(),
            );
            tokens.extend(
                item.output
                    .as_deref()
                    .map(output_fields)
                    .unwrap_or_default(),
            );
            for exception in item.exceptions.unwrap_or_default() {
                match exception.fields {
                    Some(FieldsList::One(field)) => tokens.push(field),
                    Some(FieldsList::Many(fields)) => tokens.extend(fields),
                    None => {}
                }
            }
            for token in tokens {
                occurrences += 1;
                if let Err(error) = resolve(source, &token) {
                    missing.push(format!("{file}: {name}: {token}: {error}"));
                }
                *distinct.entry((source, token)).or_default() += 1;
            }
        }
    }
    let per_source = |wanted: Source| {
        distinct
            .keys()
            .filter(|(source, _)| *source == wanted)
            .count()
    };
    eprintln!(
        "{occurrences} field occurrences, {} distinct tokens ({} syscall, {} k8s_audit), {} missing",
        distinct.len(),
        per_source(Source::Syscall),
        per_source(Source::K8sAudit),
        missing.len()
    );
    assert!(
        missing.is_empty(),
        "unregistered fields:\n{}",
        missing.join("\n")
    );
    // Guards the tokenizer itself: the files use well over a hundred distinct field tokens.
    assert!(
        per_source(Source::Syscall) >= 100,
        "too few syscall fields found"
    );
    assert!(
        per_source(Source::K8sAudit) >= 30,
        "too few k8s_audit fields found"
    );
}

/// The audit events of one trace file: a single JSON document, or JSON lines.
fn events(name: &str) -> Vec<Value> {
    let path = crate::corpus("falco")
        .join("legacy-tests/test/trace_files/k8s_audit")
        .join(name);
    read_events(&path)
}

fn read_events(path: &Path) -> Vec<Value> {
    let text = fs_err::read_to_string(path).expect("trace file readable");
    serde_json::from_str::<Value>(&text).map_or_else(
        |_| {
            text.lines()
                .filter(|line| !line.trim().is_empty())
                .map(|line| serde_json::from_str(line).expect("JSON line"))
                .collect()
        },
        |event| vec![event],
    )
}

fn single(name: &str) -> Value {
    let mut all = events(name);
    assert_eq!(all.len(), 1, "{name} holds one event");
    all.remove(0)
}

fn extract<'e>(event: &'e Value, name: &str, arg: Option<&str>) -> FieldValue<'e> {
    K8sAuditExtractor::new(name, arg)
        .unwrap_or_else(|error| panic!("{name}: {error}"))
        .extract(event)
}

fn text(value: &str) -> FieldValue<'_> {
    FieldValue::Str(value.into())
}

fn list<'v>(values: &[&'v str]) -> FieldValue<'v> {
    FieldValue::List(values.iter().map(|value| text(value)).collect())
}

#[test]
fn privileged_pod_fields() {
    let event = single("create_nginx_pod_privileged.json");
    let stage_time = rawtime("2018-10-25T14:09:12.581541Z");
    let cases = [
        (
            "ka.auditid",
            None,
            text("a362d22b-db3c-4590-9505-23782f12925f"),
        ),
        ("ka.stage", None, text("ResponseComplete")),
        ("ka.verb", None, text("create")),
        ("ka.uri", None, text("/api/v1/namespaces/default/pods")),
        ("ka.auth.decision", None, text("allow")),
        (
            "ka.user.name",
            None,
            text("system:serviceaccount:kube-system:replicaset-controller"),
        ),
        (
            "ka.user.groups",
            None,
            list(&[
                "system:serviceaccounts",
                "system:serviceaccounts:kube-system",
                "system:authenticated",
            ]),
        ),
        ("ka.target.resource", None, text("pods")),
        ("ka.target.namespace", None, text("default")),
        ("ka.target.name", None, FieldValue::Missing),
        ("ka.target.subresource", None, FieldValue::Missing),
        ("ka.impuser.name", None, FieldValue::Missing),
        ("ka.response.code", None, text("201")),
        (
            "ka.resp.name",
            None,
            text("nginx-deployment-5cdcc99dbf-rgw6z"),
        ),
        ("ka.sourceips", None, list(&["::1"])),
        ("ka.req.pod.containers.image", None, list(&["nginx"])),
        ("ka.req.pod.containers.image", Some("0"), list(&["nginx"])),
        (
            "ka.req.pod.containers.image",
            Some("1"),
            FieldValue::Missing,
        ),
        (
            "ka.req.pod.containers.image.repository",
            None,
            list(&["nginx"]),
        ),
        ("ka.req.container.image", None, text("nginx")),
        ("ka.req.pod.containers.name", None, list(&["nginx"])),
        ("ka.req.pod.containers.privileged", None, list(&["true"])),
        (
            "ka.req.pod.containers.privileged",
            Some("0"),
            list(&["true"]),
        ),
        ("ka.req.container.privileged", None, text("true")),
        (
            "ka.req.pod.containers.allow_privilege_escalation",
            None,
            list(&[]),
        ),
        ("ka.req.pod.containers.eff_run_as_user", None, list(&["0"])),
        ("ka.req.pod.initContainers.image", None, FieldValue::Missing),
        ("ka.req.pod.host_network", None, FieldValue::Missing),
        ("ka.req.pod.volumes.hostpath", None, FieldValue::Missing),
        ("ka.req.service.type", None, FieldValue::Missing),
        ("ka.req.binding.subjects", None, FieldValue::Missing),
        ("ka.useragent", None, FieldValue::Missing),
        ("ka.cluster.name", None, FieldValue::Missing),
        ("jevt.value", Some("/stage"), text("ResponseComplete")),
        ("jevt.value", Some("/responseStatus/code"), text("201")),
        (
            "jevt.value",
            Some("/requestObject/spec/containers/0/name"),
            text("nginx"),
        ),
        ("jevt.rawtime", None, text(&stage_time)),
    ];
    for (name, arg, expected) in cases {
        assert_eq!(extract(&event, name, arg), expected, "{name} {arg:?}");
    }
}

/// Nanoseconds since the epoch of an RFC 3339 UTC timestamp with microseconds, computed by hand
/// so the test does not reuse the extractor's parser.
fn rawtime(stamp: &str) -> String {
    let (date, time) = stamp
        .trim_end_matches('Z')
        .split_once('T')
        .expect("date and time");
    let numbers: Vec<i64> = date
        .split('-')
        .map(|part| part.parse().expect("number"))
        .collect();
    let (year, month, day) = (numbers[0], numbers[1], numbers[2]);
    // Days from civil (Howard Hinnant's algorithm).
    let shifted_year = if month <= 2 { year - 1 } else { year };
    let era = shifted_year.div_euclid(400);
    let year_of_era = shifted_year - era * 400;
    let day_of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    let (clock, fraction) = time.split_once('.').expect("fraction");
    let clock: Vec<i64> = clock
        .split(':')
        .map(|part| part.parse().expect("number"))
        .collect();
    let seconds = days * 86_400 + clock[0] * 3_600 + clock[1] * 60 + clock[2];
    let nanoseconds: i64 = format!("{fraction:0<9}").parse().expect("fraction digits");
    (seconds * 1_000_000_000 + nanoseconds).to_string()
}

#[test]
fn rawtime_helper_matches_a_known_instant() {
    // 2018-10-26T09:09:28.675492Z, computed independently with Python's datetime.
    assert_eq!(
        rawtime("2018-10-26T09:09:28.675492Z"),
        "1540544968675492000"
    );
}

#[test]
fn second_container_privileged() {
    let event = single("create_nginx_pod_no_secctx_1st_container_privileged_2nd_container.json");
    let cases = [
        (
            "ka.req.pod.containers.image",
            None,
            list(&["nginx", "mysql:latest"]),
        ),
        (
            "ka.req.pod.containers.image",
            Some("1"),
            list(&["mysql:latest"]),
        ),
        (
            "ka.req.pod.containers.image.repository",
            None,
            list(&["nginx", "mysql"]),
        ),
        (
            "ka.req.pod.containers.name",
            None,
            list(&["nginx1", "mysql"]),
        ),
        // The first container has no securityContext: skipped, as the plugin does.
        ("ka.req.pod.containers.privileged", None, list(&["true"])),
        (
            "ka.req.pod.containers.privileged",
            Some("0"),
            FieldValue::Missing,
        ),
        (
            "ka.req.pod.containers.privileged",
            Some("1"),
            list(&["true"]),
        ),
        ("ka.req.container.privileged", None, text("true")),
        ("ka.req.container.image", None, text("nginx")),
        (
            "ka.req.pod.containers.eff_run_as_user",
            None,
            list(&["0", "0"]),
        ),
    ];
    for (name, arg, expected) in cases {
        assert_eq!(extract(&event, name, arg), expected, "{name} {arg:?}");
    }
}

#[test]
fn unprivileged_and_host_network_pods() {
    let unprivileged = single("create_nginx_pod_unprivileged.json");
    assert_eq!(
        extract(&unprivileged, "ka.req.container.privileged", None),
        text("false")
    );
    let host_network = single("create_nginx_pod_hostnetwork.json");
    assert_eq!(
        extract(&host_network, "ka.req.pod.host_network", None),
        text("true")
    );
    assert_eq!(
        extract(&host_network, "ka.req.container.host_network", None),
        text("true")
    );
    assert_eq!(
        extract(&host_network, "jevt.rawtime", None),
        text(&rawtime("2018-10-26T09:09:28.675492Z"))
    );
}

#[test]
fn sensitive_mount_volumes() {
    let event = single("create_nginx_pod_sensitive_mount.json");
    let cases = [
        ("ka.req.pod.volumes.hostpath", None, list(&["/etc"])),
        ("ka.req.pod.volumes.hostpath", Some("0"), list(&["/etc"])),
        ("ka.req.pod.volumes.volume_type", None, list(&["hostPath"])),
        ("ka.req.volume.hostpath", Some("/etc"), text("true")),
        ("ka.req.volume.hostpath", Some("/e*"), text("true")),
        (
            "ka.req.volume.hostpath",
            Some("/var/run/docker.sock"),
            text("false"),
        ),
        ("ka.req.pod.volumes.flexvolume_driver", None, list(&[])),
    ];
    for (name, arg, expected) in cases {
        assert_eq!(extract(&event, name, arg), expected, "{name} {arg:?}");
    }
}

#[test]
fn node_port_service() {
    let event = single("create_nginx_service_nodeport.json");
    assert_eq!(
        extract(&event, "ka.req.service.type", None),
        text("NodePort")
    );
    // The plugin walks to `spec.ports` and renders what it finds there, the whole array, as
    // one JSON string.
    let ports = extract(&event, "ka.req.service.ports", None);
    let FieldValue::List(ports) = ports else {
        panic!("ports is a list: {ports:?}")
    };
    assert_eq!(ports.len(), 1);
    let port: Value = serde_json::from_str(ports[0].as_str().expect("text")).expect("JSON ports");
    assert_eq!(
        port,
        serde_json::json!([{"nodePort": 30080, "port": 80, "protocol": "TCP", "targetPort": 80}])
    );
    assert_eq!(extract(&event, "ka.target.name", None), text("nginx"));
    assert_eq!(extract(&event, "ka.user.name", None), text("minikube-user"));
    assert_eq!(
        extract(&event, "ka.sourceips", Some("0")),
        list(&["192.168.99.1"])
    );
    assert_eq!(
        extract(&event, "ka.sourceips", Some("1")),
        FieldValue::Missing
    );
}

#[test]
fn exec_uri_parameters() {
    let event = single("exec_pod.json");
    assert_eq!(
        extract(&event, "ka.uri.param", Some("command")),
        text("bash")
    );
    assert_eq!(
        extract(&event, "ka.uri.param", Some("container")),
        text("nginx1")
    );
    assert_eq!(
        extract(&event, "ka.uri.param", Some("missing")),
        FieldValue::Missing
    );
    assert_eq!(extract(&event, "ka.target.subresource", None), text("exec"));
    assert_eq!(
        extract(&event, "ka.target.pod.name", None),
        text("nginx-deployment-7998647bdf-phvq7")
    );
    assert_eq!(extract(&event, "ka.response.code", None), text("101"));
}

#[test]
fn cluster_role_binding_subjects() {
    let event = single("attach_cluster_admin_role.json");
    assert_eq!(
        extract(&event, "ka.req.binding.role", None),
        text("cluster-admin")
    );
    assert_eq!(
        extract(&event, "ka.req.binding.subjects.user_names", None),
        list(&["minikube"])
    );
    assert_eq!(
        extract(&event, "ka.req.binding.subjects.group_names", None),
        list(&[])
    );
    assert_eq!(
        extract(&event, "ka.req.binding.subject.has_name", Some("minikube")),
        text("true")
    );
    let subjects = extract(&event, "ka.req.binding.subjects", None);
    let FieldValue::List(subjects) = subjects else {
        panic!("subjects is a list")
    };
    let subject: Value = serde_json::from_str(subjects[0].as_str().expect("text")).expect("JSON");
    assert_eq!(
        subject,
        serde_json::json!({"apiGroup": "rbac.authorization.k8s.io", "kind": "User", "name": "minikube"})
    );
    assert_eq!(
        extract(&event, "ka.target.pod.name", None),
        FieldValue::Missing
    );
}

#[test]
fn cluster_role_rules() {
    let event = single("create_cluster_role_wildcard_verbs.json");
    let cases = [
        ("ka.req.role.rules.verbs", None, list(&["*", "get"])),
        ("ka.req.role.rules.verbs", Some("1"), list(&["get"])),
        ("ka.req.role.rules.resources", None, list(&["pods"])),
        ("ka.req.role.rules.apiGroups", None, list(&[""])),
        // With an index, a rule lacking the member makes the field missing, as upstream.
        (
            "ka.req.role.rules.nonResourceURLs",
            Some("0"),
            FieldValue::Missing,
        ),
        (
            "ka.req.role.rules.resources",
            Some("2"),
            FieldValue::Missing,
        ),
        ("ka.target.name", None, text("some-reader")),
    ];
    for (name, arg, expected) in cases {
        assert_eq!(extract(&event, name, arg), expected, "{name} {arg:?}");
    }
    let urls = extract(&event, "ka.req.role.rules.nonResourceURLs", None);
    let FieldValue::List(urls) = urls else {
        panic!("a list")
    };
    assert_eq!(urls.len(), 13);
    assert_eq!(urls[0], text("/api"));
    let FieldValue::List(rules) = extract(&event, "ka.req.role.rules", None) else {
        panic!("a list")
    };
    assert_eq!(rules.len(), 2);
}

#[test]
fn configmap_objects() {
    let events = events("create_configmap_sensitive_values.json");
    assert_eq!(events.len(), 6);
    let first = &events[0];
    assert_eq!(
        extract(first, "ka.req.configmap.name", None),
        text("my-config")
    );
    let object = extract(first, "ka.req.configmap.obj", None);
    let object = object.as_str().expect("text");
    assert!(object.contains("aws_access_key_id"), "{object}");
    let obj: Value =
        serde_json::from_str(&extract(first, "jevt.obj", None).to_string()).expect("JSON");
    assert_eq!(&obj, first);
}

/// On every audit event of the corpus, the simple `ka.*` fields equal the members they are
/// documented to read, looked up here with JSON pointers, and no field panics.
#[test]
fn every_trace_file_extracts_documented_members() {
    let directory = crate::corpus("falco").join("legacy-tests/test/trace_files/k8s_audit");
    let pairs = [
        ("ka.auditid", "/auditID"),
        ("ka.stage", "/stage"),
        ("ka.verb", "/verb"),
        ("ka.uri", "/requestURI"),
        ("ka.user.name", "/user/username"),
        ("ka.target.name", "/objectRef/name"),
        ("ka.target.namespace", "/objectRef/namespace"),
        ("ka.target.resource", "/objectRef/resource"),
        (
            "ka.auth.decision",
            "/annotations/authorization.k8s.io~1decision",
        ),
        ("ka.resp.name", "/responseObject/metadata/name"),
    ];
    let mut checked = 0;
    let mut files = 0;
    for entry in fs_err::read_dir(&directory).expect("trace directory") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_none_or(|extension| extension != "json") {
            continue;
        }
        files += 1;
        for event in read_events(&path) {
            let audit = event.get("auditID").is_some();
            for (name, pointer) in pairs {
                let expected = match event.pointer(pointer) {
                    Some(Value::String(value)) if audit => text(value),
                    Some(other) if audit => FieldValue::Str(other.to_string().into()),
                    _ => FieldValue::Missing,
                };
                assert_eq!(
                    extract(&event, name, None),
                    expected,
                    "{}: {name}",
                    path.display()
                );
                checked += 1;
            }
            for field in Source::K8sAudit.fields() {
                let arg = field.arg.is_required().then_some("0");
                let _ = extract(&event, field.name, arg);
            }
        }
    }
    eprintln!("{files} trace files, {checked} field values checked");
    assert!(files >= 40, "trace files missing: {files}");
}
