//! `custody runtime` end to end: the official Falco rules validated, audit trace files of
//! Falco's legacy tests replayed (text and JSON alerts, the priority filter, hit counts), a
//! broken rules file reported with its position, the webhook served on loopback with a real
//! HTTP client and stopped with SIGINT, the field listing, and help. Detection itself is proven
//! rule by rule in custody-runtime's tests.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common::{TestContext, conformance};
use crate::help::help;

fn k8s_audit_rules() -> PathBuf {
    conformance("falco/plugins/k8saudit/rules").join("k8s_audit_rules.yaml")
}

fn trace(name: &str) -> String {
    conformance("falco/legacy-tests/test/trace_files/k8s_audit")
        .join(name)
        .display()
        .to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn validate_compiles_the_official_rules() {
    let falco = conformance("falco");
    let files: Vec<String> = [
        "rules/rules/falco_rules.yaml",
        "rules/rules/falco-incubating_rules.yaml",
        "rules/rules/falco-sandbox_rules.yaml",
        "plugins/k8saudit/rules/k8s_audit_rules.yaml",
    ]
    .iter()
    .map(|file| falco.join(file).display().to_string())
    .collect();
    let mut args = vec!["runtime", "validate"];
    args.extend(files.iter().map(String::as_str));
    let output = TestContext::new().run(&args);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("129 rules compiled (48 k8s_audit, 81 syscall)"),
        "{}",
        text(&output.stdout)
    );
}

#[test]
fn validate_reports_a_broken_rule_with_its_position() {
    let context = TestContext::new();
    fs_err::write(
        context.path("broken.yaml"),
        "- rule: Shell in pod\n  desc: a shell\n  condition: ka.verb = create and is_a_shell\n  output: shell (user=%ka.user.name)\n  priority: WARNING\n  source: k8s_audit\n",
    )
    .unwrap();
    let output = context.run(&["runtime", "validate", "broken.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("broken.yaml:3:"), "{stderr}");
    assert!(stderr.contains("Shell in pod"), "{stderr}");
    assert!(
        stderr.contains("Undefined macro 'is_a_shell' used in filter."),
        "{stderr}"
    );
}

#[test]
fn replay_prints_falco_text_and_json_alerts() {
    let rules = k8s_audit_rules().display().to_string();
    let exec = trace("exec_pod.json");
    let output = TestContext::new().run(&["runtime", "replay", "-r", &rules, &exec]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "{stdout}");
    assert!(
        lines[0].ends_with(": Notice Attach/Exec to pod (user=minikube-user pod=nginx-deployment-7998647bdf-phvq7 resource=pods ns=default action=exec command=bash)"),
        "{stdout}"
    );
    let stderr = text(&output.stderr);
    assert!(stderr.contains("1 events, 0 skipped"), "{stderr}");
    assert!(stderr.contains("1  Attach/Exec Pod"), "{stderr}");

    let privileged = trace("create_nginx_pod_privileged.json");
    let output = TestContext::new().run(&[
        "runtime",
        "replay",
        "-r",
        &rules,
        "--format",
        "json",
        &exec,
        &privileged,
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let alerts: Vec<Value> = text(&output.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON alert per line"))
        .collect();
    let rules: Vec<&str> = alerts
        .iter()
        .map(|alert| alert["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["Attach/Exec Pod", "Create Privileged Pod"]);
    assert_eq!(alerts[1]["priority"], "Warning");
    assert_eq!(alerts[1]["source"], "k8s_audit");
    assert_eq!(
        alerts[1]["output_fields"]["ka.req.pod.containers.image"],
        serde_json::json!(["nginx"])
    );
}

#[test]
fn replay_filters_by_priority_and_skips_what_is_not_an_event() {
    let rules = k8s_audit_rules().display().to_string();
    let output = TestContext::new().run(&[
        "runtime",
        "replay",
        "-r",
        &rules,
        "--min-priority",
        "warning",
        &trace("exec_pod.json"),
        &trace("create_nginx_pod_privileged.json"),
        &trace("fal_01_003.json"),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.contains("Warning Pod started with privileged container"),
        "{stdout}"
    );
    assert!(
        text(&output.stderr).contains("2 events, 1 skipped"),
        "{}",
        text(&output.stderr)
    );
}

/// A free loopback port (bound, then released for the server).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn serve_raises_alerts_for_posted_audit_events_until_interrupted() {
    let context = TestContext::new();
    let port = free_port();
    let rules = k8s_audit_rules().display().to_string();
    let listen = format!("127.0.0.1:{port}");
    let mut server = context
        .command()
        .args([
            "runtime",
            "serve",
            "-r",
            &rules,
            "--k8s-audit-listen",
            &listen,
            "--format",
            "json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut stream = loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(stream) => break stream,
            Err(_) if started.elapsed() < Duration::from_secs(30) => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(error) => panic!("the webhook does not listen: {error}"),
        }
    };
    let body = fs_err::read_to_string(trace("create_nginx_pod_privileged.json")).unwrap();
    let request = format!(
        "POST /k8s-audit HTTP/1.1\r\nHost: {listen}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");

    let mut stdout = BufReader::new(server.stdout.take().unwrap());
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    let alert: Value = serde_json::from_str(&line).expect("a JSON alert");
    assert_eq!(alert["rule"], "Create Privileged Pod");

    // The shell's own `kill`: a fresh machine may not have procps.
    let status = std::process::Command::new("sh")
        .args(["-c", &format!("kill -INT {}", server.id())])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = server.wait().unwrap();
    let mut stderr = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(exit.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains(&format!("listening on http://{listen}/k8s-audit")),
        "{stderr}"
    );
    assert!(stderr.contains("1 events, 0 skipped"), "{stderr}");
    assert!(stderr.contains("1  Create Privileged Pod"), "{stderr}");
}

#[test]
fn fields_lists_the_audit_fields() {
    let output = TestContext::new().run(&["runtime", "fields", "--source", "k8s_audit"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.contains("ka.verb"), "{stdout}");
    assert!(stdout.contains("jevt.value[...]"), "{stdout}");
    assert!(!stdout.contains("proc.name"), "{stdout}");
}

#[test]
fn help_runtime_replay() {
    insta::assert_snapshot!(help(&["runtime", "replay", "--help"]));
}

#[test]
fn help_runtime_serve() {
    insta::assert_snapshot!(help(&["runtime", "serve", "--help"]));
}
