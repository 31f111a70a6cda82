//! Alerts: priorities, output templates, Falco's text and JSON shapes, and the sinks (writer,
//! file, HTTP against a loopback server). Engine and loader behaviour belongs elsewhere.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::Duration;

use custody_runtime::output::{
    Alert, AlertDetails, AlertFormat, FieldValue, FileSink, HttpSink, HttpSinkOptions,
    OutputTemplate, Priority, Sink, SinkError, SinkStats, Sinks, TemplateErrorKind, WriterSink,
};

// ---------------------------------------------------------------------------------------------
// Priorities

#[test]
fn priority_spellings_parse_as_falco_parses_them() {
    let cases = [
        ("emergency", Priority::Emergency),
        ("EMERGENCY", Priority::Emergency),
        ("Alert", Priority::Alert),
        ("critical", Priority::Critical),
        ("CRITICAL", Priority::Critical),
        ("Error", Priority::Error),
        ("ERROR", Priority::Error),
        ("warning", Priority::Warning),
        ("WARNING", Priority::Warning),
        ("Notice", Priority::Notice),
        ("NOTICE", Priority::Notice),
        ("informational", Priority::Informational),
        ("Informational", Priority::Informational),
        ("INFO", Priority::Informational),
        ("info", Priority::Informational),
        ("Debug", Priority::Debug),
        ("DEBUG", Priority::Debug),
    ];
    for (text, expected) in cases {
        assert_eq!(text.parse::<Priority>(), Ok(expected), "{text}");
    }
    for text in ["warn", "fatal", "informative", "", " warning", "inf"] {
        let error = text.parse::<Priority>().expect_err(text);
        assert_eq!(error.text, text);
    }
}

#[test]
fn priorities_print_as_falco_alerts_spell_them() {
    let names: Vec<String> = Priority::ALL.iter().map(ToString::to_string).collect();
    assert_eq!(
        names,
        [
            "Emergency",
            "Alert",
            "Critical",
            "Error",
            "Warning",
            "Notice",
            "Informational",
            "Debug"
        ]
    );
    assert_eq!(
        serde_json::to_string(&Priority::Informational).expect("serializes"),
        r#""Informational""#
    );
}

#[test]
fn minimum_priority_keeps_the_as_severe_or_more() {
    assert!(Priority::Emergency > Priority::Alert);
    assert!(Priority::Alert > Priority::Critical);
    assert!(Priority::Critical > Priority::Error);
    assert!(Priority::Error > Priority::Warning);
    assert!(Priority::Warning > Priority::Notice);
    assert!(Priority::Notice > Priority::Informational);
    assert!(Priority::Informational > Priority::Debug);

    let kept: Vec<Priority> = Priority::ALL
        .into_iter()
        .filter(|priority| priority.passes(Priority::Warning))
        .collect();
    assert_eq!(
        kept,
        [
            Priority::Emergency,
            Priority::Alert,
            Priority::Critical,
            Priority::Error,
            Priority::Warning
        ]
    );
    assert!(Priority::ALL.iter().all(|p| p.passes(Priority::Debug)));
    assert!(
        Priority::ALL
            .iter()
            .all(|p| p.passes(Priority::Emergency) == (*p == Priority::Emergency))
    );
}

/// Every rule of the official rules files, read as YAML values.
fn official_rules() -> Vec<(String, serde_json::Value)> {
    let falco = crate::corpus("falco");
    let files = [
        "rules/rules/falco_rules.yaml",
        "rules/rules/falco-incubating_rules.yaml",
        "rules/rules/falco-sandbox_rules.yaml",
        "plugins/k8saudit/rules/k8s_audit_rules.yaml",
    ];
    let mut rules = Vec::new();
    for file in files {
        let text = fs_err::read_to_string(falco.join(file)).expect("rules file reads");
        let items: Vec<serde_json::Value> =
            serde_saphyr::from_str(&text).expect("rules file is YAML");
        rules.extend(
            items
                .into_iter()
                .filter(|item| item.get("rule").is_some())
                .map(|item| (file.to_owned(), item)),
        );
    }
    // 25 + 31 + 37 + 48 `- rule:` items in the four files.
    assert_eq!(rules.len(), 141);
    rules
}

#[test]
fn official_rules_priorities_all_parse() {
    let mut seen = BTreeSet::new();
    let mut failures = Vec::new();
    for (file, rule) in official_rules() {
        let Some(text) = rule.get("priority").and_then(|p| p.as_str()) else {
            continue;
        };
        match text.trim().parse::<Priority>() {
            Ok(priority) => {
                seen.insert(priority);
            }
            Err(error) => failures.push(format!("{file}: {}: {error}", rule["rule"])),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // The files use CRITICAL, ERROR, WARNING, NOTICE, INFO and DEBUG.
    assert_eq!(
        seen,
        BTreeSet::from([
            Priority::Critical,
            Priority::Error,
            Priority::Warning,
            Priority::Notice,
            Priority::Informational,
            Priority::Debug
        ])
    );
}

// ---------------------------------------------------------------------------------------------
// Templates

fn render(template: &str, values: &[(&str, Option<&str>, FieldValue)]) -> String {
    OutputTemplate::parse(template)
        .expect("valid template")
        .render(|name, argument| {
            values
                .iter()
                .find(|(n, a, _)| *n == name && *a == argument)
                .map(|(_, _, value)| value.clone())
        })
        .message
}

#[test]
fn fields_end_where_a_field_name_cannot_continue() {
    let values = [
        ("user.name", None, FieldValue::from("root")),
        ("fd.name", None, FieldValue::from("/etc/shadow")),
    ];
    assert_eq!(
        render("(user=%user.name file=%fd.name).", &values),
        "(user=root file=/etc/shadow)."
    );
    assert_eq!(render("%user.name,%fd.name", &values), "root,/etc/shadow");
    assert_eq!(render("x%user.name.", &values), "xroot.");
}

#[test]
fn arguments_are_passed_to_the_resolver() {
    let template = OutputTemplate::parse(
        "a=%proc.aname[2] p=%ka.uri.param[command] v=%jevt.value[/requestObject/spec/volumes] \
         q=%ka.uri.param[\"a b\"]",
    )
    .expect("valid template");
    let fields: Vec<(String, Option<String>)> = template
        .fields()
        .iter()
        .map(|f| (f.name().to_owned(), f.argument().map(str::to_owned)))
        .collect();
    assert_eq!(
        fields,
        [
            ("proc.aname".to_owned(), Some("2".to_owned())),
            ("ka.uri.param".to_owned(), Some("command".to_owned())),
            (
                "jevt.value".to_owned(),
                Some("/requestObject/spec/volumes".to_owned())
            ),
            ("ka.uri.param".to_owned(), Some("a b".to_owned())),
        ]
    );
    let rendered = template.render(|name, argument| match (name, argument) {
        ("proc.aname", Some("2")) => Some("bash".into()),
        ("ka.uri.param", Some("command")) => Some("ls".into()),
        _ => None,
    });
    assert_eq!(rendered.message, "a=bash p=ls v=<NA> q=<NA>");
    let keys: Vec<&str> = rendered.fields.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "jevt.value[/requestObject/spec/volumes]",
            "ka.uri.param[a b]",
            "ka.uri.param[command]",
            "proc.aname[2]"
        ]
    );
}

#[test]
fn missing_values_print_na_and_become_null() {
    let rendered = OutputTemplate::parse("user=%ka.user.name verb=%ka.verb")
        .expect("valid template")
        .render(|name, _| (name == "ka.verb").then(|| "get".into()));
    assert_eq!(rendered.message, "user=<NA> verb=get");
    assert_eq!(rendered.fields["ka.user.name"], None);
    assert_eq!(
        rendered.fields["ka.verb"],
        Some(FieldValue::Text("get".into()))
    );
}

#[test]
fn typed_values_print_as_falco_prints_them() {
    let values = [
        ("user.loginuid", None, FieldValue::Integer(-1)),
        ("proc.tty", None, FieldValue::Unsigned(34816)),
        ("ka.req.pod.privileged", None, FieldValue::Bool(true)),
        (
            "ka.req.pod.containers.image",
            None,
            FieldValue::List(vec!["nginx".into(), "busybox".into()]),
        ),
    ];
    assert_eq!(
        render(
            "%user.loginuid %proc.tty %ka.req.pod.privileged %ka.req.pod.containers.image",
            &values
        ),
        "-1 34816 true (nginx,busybox)"
    );
}

#[test]
fn each_distinct_field_is_resolved_once() {
    let template = OutputTemplate::parse("%ka.verb %ka.verb %ka.verb").expect("valid template");
    let mut calls = 0;
    let rendered = template.render(|_, _| {
        calls += 1;
        Some("get".into())
    });
    assert_eq!(calls, 1);
    assert_eq!(rendered.message, "get get get");
}

#[test]
fn widths_cut_and_pad() {
    let values = [("proc.name", None, FieldValue::from("bash"))];
    assert_eq!(render("[%6proc.name]", &values), "[bash  ]");
    assert_eq!(render("[%2proc.name]", &values), "[ba]");
    assert_eq!(render("[%0proc.name]", &values), "[bash]");
    assert_eq!(render("[%6evt.type]", &values), "[<NA>  ]");
}

#[test]
fn leading_star_is_falcos_marker_not_text() {
    let values = [("proc.name", None, FieldValue::from("bash"))];
    assert_eq!(render("*shell %proc.name", &values), "shell bash");
    assert_eq!(render("**x", &values), "*x");
    assert_eq!(render("", &values), "");
}

#[test]
fn malformed_templates_are_errors_with_positions() {
    let cases: [(&str, usize, TemplateErrorKind); 9] = [
        ("100%", 3, TemplateErrorKind::TrailingPercent),
        ("x %12", 2, TemplateErrorKind::TrailingWidth),
        (
            "%99999proc.name",
            0,
            TemplateErrorKind::WidthTooLarge { width: 99999 },
        ),
        (
            "50% done",
            3,
            TemplateErrorKind::NotAField {
                found: String::new(),
            },
        ),
        (
            "%% literal",
            1,
            TemplateErrorKind::NotAField {
                found: "%".to_owned(),
            },
        ),
        (
            "bad %not_a_real_field here",
            5,
            TemplateErrorKind::NotAField {
                found: "not_a_real_field".to_owned(),
            },
        ),
        (
            "%tolower(proc.name)",
            1,
            TemplateErrorKind::Transformer {
                name: "tolower".to_owned(),
            },
        ),
        (
            "%proc.aname[2",
            11,
            TemplateErrorKind::BadArgument {
                field: "proc.aname".to_owned(),
            },
        ),
        (
            "%proc.aname[]",
            11,
            TemplateErrorKind::BadArgument {
                field: "proc.aname".to_owned(),
            },
        ),
    ];
    for (text, position, kind) in cases {
        let error = OutputTemplate::parse(text).expect_err(text);
        assert_eq!((error.position, &error.kind), (position, &kind), "{text}");
    }
}

#[test]
fn official_rules_outputs_all_parse() {
    let mut failures = Vec::new();
    let mut outputs = 0;
    let mut fields = BTreeSet::new();
    for (file, rule) in official_rules() {
        let Some(output) = rule.get("output").and_then(|o| o.as_str()) else {
            continue;
        };
        outputs += 1;
        match OutputTemplate::parse(output) {
            Ok(template) => fields.extend(template.fields().iter().map(ToString::to_string)),
            Err(error) => failures.push(format!("{file}: {}: {error}", rule["rule"])),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    // Every rule of the four files has an output.
    assert_eq!(outputs, 141);
    // Fields written in the files, with and without arguments.
    for expected in [
        "proc.aname[2]",
        "ka.user.name",
        "jevt.value[/requestObject/spec/volumes]",
        "ka.uri.param[command]",
        "evt.arg.flags",
    ] {
        assert!(fields.contains(expected), "{expected} not found");
    }
}

// ---------------------------------------------------------------------------------------------
// Alert shapes

/// The JSON example of falco.org "Output Channels" → "JSON Output"
/// (falcosecurity/falco-website content/en/docs/concepts/outputs/channels.md), one line.
/// The page lists `output_fields` last by hand; Falco itself writes it with nlohmann JSON,
/// whose objects are sorted maps (falcosecurity/falco userspace/engine/formats.cpp), which
/// is the order of [`FALCO_DOCS_JSON_SORTED`].
const FALCO_DOCS_JSON: &str = r#"{"hostname":"falco-xczjd","output":"13:44:05.478445995: Critical A shell was spawned in a container with an attached terminal (user=root user_loginuid=-1 k8s.ns=default k8s.pod=kubecon container=ee97d9c4186f shell=sh parent=runc cmdline=sh -c clear; (bash || ash || sh) terminal=34816 container_id=ee97d9c4186f image=docker.io/library/alpine)","priority":"Critical","rule":"Terminal shell in container","source":"syscall","tags":["container","mitre_execution","shell"],"time":"2023-05-25T13:44:05.478445995Z", "output_fields": {"container.id":"ee97d9c4186f","container.image.repository":"docker.io/library/alpine","evt.time":1685022245478445995,"k8s.ns.name":"default","k8s.pod.name":"kubecon","proc.cmdline":"sh -c clear; (bash || ash || sh)","proc.name":"sh","proc.pname":"runc","proc.tty":34816,"user.loginuid":-1,"user.name":"root"}}"#;

/// [`FALCO_DOCS_JSON`] with every object's keys in sorted order, as Falco prints it.
const FALCO_DOCS_JSON_SORTED: &str = r#"{"hostname":"falco-xczjd","output":"13:44:05.478445995: Critical A shell was spawned in a container with an attached terminal (user=root user_loginuid=-1 k8s.ns=default k8s.pod=kubecon container=ee97d9c4186f shell=sh parent=runc cmdline=sh -c clear; (bash || ash || sh) terminal=34816 container_id=ee97d9c4186f image=docker.io/library/alpine)","output_fields":{"container.id":"ee97d9c4186f","container.image.repository":"docker.io/library/alpine","evt.time":1685022245478445995,"k8s.ns.name":"default","k8s.pod.name":"kubecon","proc.cmdline":"sh -c clear; (bash || ash || sh)","proc.name":"sh","proc.pname":"runc","proc.tty":34816,"user.loginuid":-1,"user.name":"root"},"priority":"Critical","rule":"Terminal shell in container","source":"syscall","tags":["container","mitre_execution","shell"],"time":"2023-05-25T13:44:05.478445995Z"}"#;

/// The alert of the documentation's example: the "Terminal shell in container" rule of
/// that Falco release, its `%container.info` expanded as `-pk` did, and the event's values.
fn docs_alert() -> Alert {
    let template = OutputTemplate::parse(
        "A shell was spawned in a container with an attached terminal (user=%user.name \
         user_loginuid=%user.loginuid k8s.ns=%k8s.ns.name k8s.pod=%k8s.pod.name \
         container=%container.id shell=%proc.name parent=%proc.pname cmdline=%proc.cmdline \
         terminal=%proc.tty container_id=%container.id image=%container.image.repository)",
    )
    .expect("valid template");
    let rendered = template.render(|name, _| {
        Some(match name {
            "user.name" => "root".into(),
            "user.loginuid" => FieldValue::Integer(-1),
            "k8s.ns.name" => "default".into(),
            "k8s.pod.name" => "kubecon".into(),
            "container.id" => "ee97d9c4186f".into(),
            "proc.name" => "sh".into(),
            "proc.pname" => "runc".into(),
            "proc.cmdline" => "sh -c clear; (bash || ash || sh)".into(),
            "proc.tty" => FieldValue::Unsigned(34816),
            "container.image.repository" => "docker.io/library/alpine".into(),
            _ => return None,
        })
    });
    Alert::new(
        rendered,
        AlertDetails {
            time: jiff::Timestamp::from_nanosecond(1_685_022_245_478_445_995).expect("in range"),
            rule: "Terminal shell in container".to_owned(),
            priority: "CRITICAL".parse().expect("priority"),
            source: "syscall".to_owned(),
            // Unsorted and repeated, as a rules file may list them.
            tags: ["shell", "container", "mitre_execution", "shell"]
                .map(str::to_owned)
                .into(),
            hostname: "falco-xczjd".to_owned(),
        },
    )
}

#[test]
fn json_matches_the_falco_documentation_example() {
    let alert = docs_alert();
    let json = alert.to_json();
    let ours: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    let docs: serde_json::Value = serde_json::from_str(FALCO_DOCS_JSON).expect("valid JSON");
    assert_eq!(ours, docs);
    assert_eq!(json, FALCO_DOCS_JSON_SORTED);
}

#[test]
fn text_line_matches_the_falco_documentation_example() {
    let docs: serde_json::Value = serde_json::from_str(FALCO_DOCS_JSON).expect("valid JSON");
    assert_eq!(
        docs_alert().output(),
        docs["output"].as_str().expect("string")
    );
}

#[test]
fn json_has_null_for_missing_fields_and_escapes_like_nlohmann() {
    let rendered = OutputTemplate::parse("user=%ka.user.name cmd=%ka.uri.param[command]")
        .expect("valid template")
        .render(|name, _| (name == "ka.user.name").then(|| "a\"b\\c\n\u{1}é".into()));
    let alert = Alert::new(
        rendered,
        AlertDetails {
            time: "2024-01-02T03:04:05.000000007Z".parse().expect("timestamp"),
            rule: "R".to_owned(),
            priority: Priority::Informational,
            source: "k8s_audit".to_owned(),
            tags: BTreeSet::new(),
            hostname: "h".to_owned(),
        },
    );
    assert_eq!(
        alert.to_json(),
        concat!(
            r#"{"hostname":"h","output":"03:04:05.000000007: Informational user=a\"b\\c\n\u0001é cmd=<NA>","#,
            r#""output_fields":{"evt.time":1704164645000000007,"ka.uri.param[command]":null,"ka.user.name":"a\"b\\c\n\u0001é"},"#,
            r#""priority":"Informational","rule":"R","source":"k8s_audit","tags":[],"time":"2024-01-02T03:04:05.000000007Z"}"#
        )
    );
}

#[test]
fn times_before_1970_keep_positive_nanoseconds() {
    let mut alert = docs_alert();
    alert.time = "1969-12-31T23:59:59.5Z".parse().expect("timestamp");
    assert!(alert.output().starts_with("23:59:59.500000000: Critical "));
    let json: serde_json::Value = serde_json::from_str(&alert.to_json()).expect("valid JSON");
    assert_eq!(json["time"], "1969-12-31T23:59:59.500000000Z");
    assert_eq!(json["output_fields"]["evt.time"], -500_000_000);
}

// ---------------------------------------------------------------------------------------------
// Sinks

#[test]
fn writer_sink_writes_one_line_per_alert_in_either_format() {
    let alert = docs_alert();
    let mut text = WriterSink::new("text", Vec::new(), AlertFormat::Text);
    let mut json = WriterSink::new("json", Vec::new(), AlertFormat::Json);
    for sink in [&mut text as &mut dyn Sink, &mut json] {
        sink.send(&alert).expect("written");
        sink.send(&alert).expect("written");
        sink.close().expect("flushed");
        assert!(matches!(sink.send(&alert), Err(SinkError::Closed { .. })));
        assert_eq!(
            sink.stats(),
            SinkStats {
                delivered: 2,
                failed: 1,
                ..SinkStats::default()
            }
        );
    }
    let text = String::from_utf8(text.into_inner()).expect("UTF-8");
    assert_eq!(text, format!("{0}\n{0}\n", alert.output()));
    let json = String::from_utf8(json.into_inner()).expect("UTF-8");
    assert_eq!(
        json,
        format!("{FALCO_DOCS_JSON_SORTED}\n{FALCO_DOCS_JSON_SORTED}\n")
    );
}

#[test]
fn file_sink_appends_and_refuses_alerts_after_close() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = directory.path().join("alerts.json");
    fs_err::write(&path, "earlier\n").expect("seeded");
    let alert = docs_alert();

    let mut sink = FileSink::append(&path, AlertFormat::Json).expect("opens");
    sink.send(&alert).expect("written");
    // Flushed per alert: readable before close.
    assert_eq!(
        fs_err::read_to_string(&path).expect("reads"),
        format!("earlier\n{FALCO_DOCS_JSON_SORTED}\n")
    );
    sink.close().expect("closes");
    assert!(matches!(sink.send(&alert), Err(SinkError::Closed { .. })));
    assert_eq!(
        sink.stats(),
        SinkStats {
            delivered: 1,
            failed: 1,
            ..SinkStats::default()
        }
    );

    let mut again = FileSink::append(&path, AlertFormat::Text).expect("reopens");
    again.send(&alert).expect("written");
    again.close().expect("closes");
    assert_eq!(
        fs_err::read_to_string(&path).expect("reads"),
        format!("earlier\n{FALCO_DOCS_JSON_SORTED}\n{}\n", alert.output())
    );

    let missing = directory.path().join("no/such/dir/alerts");
    assert!(matches!(
        FileSink::append(&missing, AlertFormat::Text),
        Err(SinkError::Open { path, .. }) if path == missing
    ));
}

/// A writer that always fails, to show one failing sink does not stop the others.
struct Broken;

impl Write for Broken {
    fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
        Err(std::io::Error::other("disk on fire"))
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn sinks_fan_out_and_count_each_sink() {
    let directory = tempfile::tempdir().expect("temp dir");
    let path = directory.path().join("alerts.txt");
    let mut sinks = Sinks::new();
    sinks.push(Box::new(WriterSink::new(
        "broken",
        Broken,
        AlertFormat::Text,
    )));
    sinks.push(Box::new(
        FileSink::append(&path, AlertFormat::Text).expect("opens"),
    ));
    let alert = docs_alert();
    for _ in 0..3 {
        let errors = sinks.send(&alert);
        assert_eq!(errors.len(), 1);
        assert!(matches!(&errors[0], SinkError::Write { sink, .. } if sink == "broken"));
    }
    assert!(sinks.close().is_empty());
    let stats = sinks.stats();
    assert_eq!(
        stats,
        [
            (
                "broken".to_owned(),
                SinkStats {
                    failed: 3,
                    ..SinkStats::default()
                }
            ),
            (
                path.display().to_string(),
                SinkStats {
                    delivered: 3,
                    ..SinkStats::default()
                }
            ),
        ]
    );
    assert_eq!(
        fs_err::read_to_string(&path)
            .expect("reads")
            .lines()
            .count(),
        3
    );
}

// ---------------------------------------------------------------------------------------------
// HTTP sink against a loopback server

/// One request as the test server read it.
#[derive(Debug)]
struct Request {
    method: String,
    path: String,
    content_type: Option<String>,
    body: String,
}

/// A tiny HTTP/1.1 server on loopback: answers each request with the next status of
/// `statuses` (the last one repeating) and reports it; with a `gate`, holds the first
/// answer until the gate opens.
struct TestServer {
    url: String,
    requests: mpsc::Receiver<Request>,
}

impl TestServer {
    fn start(statuses: Vec<u16>, gate: Option<mpsc::Receiver<()>>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("binds loopback");
        let url = format!(
            "http://{}/falco",
            listener.local_addr().expect("local address")
        );
        let (sender, requests) = mpsc::channel();
        std::thread::spawn(move || {
            for (index, stream) in listener.incoming().enumerate() {
                let Ok(mut stream) = stream else { continue };
                let Some(request) = read_request(&mut stream) else {
                    continue;
                };
                if sender.send(request).is_err() {
                    return;
                }
                if index == 0
                    && let Some(gate) = &gate
                {
                    let _ = gate.recv();
                }
                let status = statuses
                    .get(index)
                    .or(statuses.last())
                    .copied()
                    .unwrap_or(200);
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} Test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
            }
        });
        Self { url, requests }
    }

    /// The next request, waiting at most five seconds.
    fn next(&self) -> Request {
        self.requests
            .recv_timeout(Duration::from_secs(5))
            .expect("a request arrives")
    }

    /// How many more requests arrived (after the sink closed).
    fn remaining(&self) -> usize {
        self.requests.try_iter().count()
    }
}

fn read_request(stream: &mut std::net::TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let path = parts.next()?.to_owned();
    let mut content_type = None;
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "content-type" => content_type = Some(value.trim().to_owned()),
            "content-length" => length = value.trim().parse().ok()?,
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Request {
        method,
        path,
        content_type,
        body: String::from_utf8(body).ok()?,
    })
}

fn quick_options(url: &str) -> HttpSinkOptions {
    HttpSinkOptions {
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        request_timeout: Duration::from_secs(5),
        ..HttpSinkOptions::new(url)
    }
}

#[test]
fn http_sink_posts_falco_json() {
    let server = TestServer::start(vec![200], None);
    let mut sink = HttpSink::start(quick_options(&server.url)).expect("starts");
    let alert = docs_alert();
    sink.send(&alert).expect("queued");
    sink.close().expect("drains");
    let request = server.next();
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/falco");
    assert_eq!(request.content_type.as_deref(), Some("application/json"));
    assert_eq!(request.body, FALCO_DOCS_JSON_SORTED);
    assert_eq!(
        sink.stats(),
        SinkStats {
            delivered: 1,
            ..SinkStats::default()
        }
    );
    assert!(matches!(sink.send(&alert), Err(SinkError::Closed { .. })));
}

#[test]
fn http_sink_retries_server_errors_then_delivers() {
    let server = TestServer::start(vec![500, 503, 200], None);
    let mut sink = HttpSink::start(quick_options(&server.url)).expect("starts");
    sink.send(&docs_alert()).expect("queued");
    sink.close().expect("drains");
    let bodies: Vec<String> = (0..3).map(|_| server.next().body).collect();
    assert!(bodies.iter().all(|body| body == FALCO_DOCS_JSON_SORTED));
    assert_eq!(server.remaining(), 0);
    assert_eq!(
        sink.stats(),
        SinkStats {
            delivered: 1,
            retries: 2,
            ..SinkStats::default()
        }
    );
}

#[test]
fn http_sink_gives_up_after_bounded_retries() {
    let server = TestServer::start(vec![500], None);
    let options = HttpSinkOptions {
        max_retries: 2,
        ..quick_options(&server.url)
    };
    let mut sink = HttpSink::start(options).expect("starts");
    sink.send(&docs_alert()).expect("queued");
    sink.close().expect("drains");
    for _ in 0..3 {
        server.next();
    }
    assert_eq!(server.remaining(), 0);
    assert_eq!(
        sink.stats(),
        SinkStats {
            failed: 1,
            retries: 2,
            ..SinkStats::default()
        }
    );
}

#[test]
fn http_sink_does_not_retry_client_errors() {
    let server = TestServer::start(vec![400, 200], None);
    let mut sink = HttpSink::start(quick_options(&server.url)).expect("starts");
    sink.send(&docs_alert()).expect("queued");
    sink.close().expect("drains");
    server.next();
    assert_eq!(server.remaining(), 0);
    assert_eq!(
        sink.stats(),
        SinkStats {
            failed: 1,
            ..SinkStats::default()
        }
    );
}

#[test]
fn http_sink_drops_when_the_queue_is_full() {
    let (open_gate, gate) = mpsc::channel();
    let server = TestServer::start(vec![200], Some(gate));
    let options = HttpSinkOptions {
        queue_capacity: 1,
        ..quick_options(&server.url)
    };
    let mut sink = HttpSink::start(options).expect("starts");
    let alert = docs_alert();
    // The first alert is in flight, held by the server: the queue is empty again.
    sink.send(&alert).expect("queued");
    server.next();
    // One more fits the queue; the next two find it full.
    for _ in 0..3 {
        sink.send(&alert)
            .expect("queued or dropped, never an error");
    }
    assert_eq!(sink.stats().dropped, 2);
    open_gate.send(()).expect("server waits");
    sink.close().expect("drains");
    server.next();
    assert_eq!(server.remaining(), 0);
    assert_eq!(
        sink.stats(),
        SinkStats {
            delivered: 2,
            dropped: 2,
            ..SinkStats::default()
        }
    );
}

#[test]
fn http_sink_counts_unreachable_endpoints_as_failed() {
    // A port nothing listens on: bind, note it, close.
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("binds")
        .local_addr()
        .expect("address")
        .port();
    let options = HttpSinkOptions {
        max_retries: 1,
        ..quick_options(&format!("http://127.0.0.1:{port}/"))
    };
    let mut sink = HttpSink::start(options).expect("starts");
    sink.send(&docs_alert()).expect("queued");
    sink.close().expect("drains");
    assert_eq!(
        sink.stats(),
        SinkStats {
            failed: 1,
            retries: 1,
            ..SinkStats::default()
        }
    );
    assert!(matches!(
        HttpSink::start(HttpSinkOptions::new("not a url")),
        Err(SinkError::HttpStart { url, .. }) if url == "not a url"
    ));
}
