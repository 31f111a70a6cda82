//! `custody admission serve` end to end: the binary serves on loopback (plain HTTP through
//! `--insecure-http`, so the test needs no TLS client), answers /readyz once the policies are
//! compiled, denies a Pod the Pod Security sample forbids, and stops on SIGINT. HTTPS,
//! certificate reload, metrics and the deadline are proven in custody-admission's tests.

use std::io::{Read as _, Write as _};
use std::net::{TcpListener, TcpStream};
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::common::{TestContext, conformance};
use crate::help::help;

/// Sends one HTTP/1.1 request and returns the status code and body.
pub(crate) fn exchange(
    address: &str,
    method: &str,
    path: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(address).ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let status = response.split_whitespace().nth(1)?.parse().ok()?;
    let body = response.split_once("\r\n\r\n")?.1.to_owned();
    Some((status, body))
}

#[test]
fn serve_denies_a_restricted_violation_until_interrupted() {
    let context = TestContext::new();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let policy = context.path("restricted.yaml");
    let sample = conformance("kyverno/pod-security/subrule/restricted/restricted-latest")
        .join("restricted-latest.yaml");
    let text = fs_err::read_to_string(sample).unwrap();
    fs_err::write(
        &policy,
        text.replace(
            "validationFailureAction: Audit",
            "validationFailureAction: Enforce",
        ),
    )
    .unwrap();
    let mut server = context
        .command()
        .args([
            "admission",
            "serve",
            "--insecure-http",
            "--listen",
            &listen,
            "--policies",
        ])
        .arg(&policy)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while exchange(&listen, "GET", "/readyz", "").map(|(status, _)| status) != Some(200) {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the server never became ready"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let review = json!({
        "apiVersion": "admission.k8s.io/v1", "kind": "AdmissionReview",
        "request": {
            "uid": "e911857d-c318-11e8-bbad-025000000001",
            "kind": {"group": "", "version": "v1", "kind": "Pod"},
            "resource": {"group": "", "version": "v1", "resource": "pods"},
            "namespace": "default", "operation": "CREATE",
            "userInfo": {"username": "kubernetes-admin"},
            "object": {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "root"},
                       "spec": {"containers": [{"name": "app", "image": "busybox:1.28"}]}},
            "oldObject": null, "dryRun": false,
        },
    });
    let (status, body) = exchange(&listen, "POST", "/validate", &review.to_string()).unwrap();
    assert_eq!(status, 200, "{body}");
    let answer: Value = serde_json::from_str(&body).expect("a JSON AdmissionReview");
    assert_eq!(
        answer["response"]["uid"],
        "e911857d-c318-11e8-bbad-025000000001"
    );
    assert_eq!(answer["response"]["allowed"], false);
    let message = answer["response"]["status"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("policy podsecurity-subrule-restricted/restricted: "),
        "{message}"
    );

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
        stderr.contains(&format!(
            "serving http://{listen}/validate and /mutate (1 policies)"
        )),
        "{stderr}"
    );
}

#[test]
fn serve_names_an_unreadable_policy_file() {
    let output = TestContext::new().run(&[
        "admission",
        "serve",
        "--insecure-http",
        "--listen",
        "127.0.0.1:0",
        "--policies",
        "missing.yaml",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("reading policies from missing.yaml"),
        "{stderr}"
    );
}

#[test]
fn help_admission_serve() {
    insta::assert_snapshot!(help(&["admission", "serve", "--help"]));
}
