//! The audit webhook end to end on loopback: a real HTTP/1.1 client posts an `EventList` as
//! kube-apiserver does, then a body that is not JSON and one over the size bound; the events
//! arrive in order and the server keeps serving.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use custody_runtime::source::webhook::{Webhook, WebhookConfig, WebhookStats};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};

/// Posts `body` to `path` and returns the status code.
async fn post(address: std::net::SocketAddr, path: &str, body: &[u8]) -> u16 {
    let mut stream = TcpStream::connect(address)
        .await
        .expect("the webhook accepts");
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream
        .write_all(head.as_bytes())
        .await
        .expect("request head");
    // The server may answer 413 before reading everything; a failed write is fine then.
    let _ = stream.write_all(body).await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response);
    text.split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"))
}

fn event(id: &str) -> String {
    format!(
        r#"{{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Request","auditID":"{id}","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/default/pods","verb":"create","user":{{"username":"admin"}}}}"#
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posted_batches_reach_the_engine_and_bad_bodies_are_refused() {
    let mut config = WebhookConfig::new("127.0.0.1:0".parse().expect("an address"));
    config.max_body_bytes = 64 * 1024;
    let webhook = Webhook::bind(config).await.expect("binds a free port");
    let address = webhook.local_addr();
    let (sender, mut receiver) = mpsc::channel(16);
    let stats = Arc::new(WebhookStats::default());
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(webhook.serve(sender, Arc::clone(&stats), async {
        let _ = stopped.await;
    }));

    let batch = format!(
        r#"{{"kind":"EventList","apiVersion":"audit.k8s.io/v1","items":[{},{},{{"kind":"Event"}}]}}"#,
        event("one"),
        event("two")
    );
    assert_eq!(post(address, "/k8s-audit", batch.as_bytes()).await, 200);
    let first = receiver.recv().await.expect("first event");
    let second = receiver.recv().await.expect("second event");
    assert_eq!(
        (first["auditID"].as_str(), second["auditID"].as_str()),
        (Some("one"), Some("two"))
    );

    assert_eq!(post(address, "/k8s-audit", b"{not json").await, 400);
    let oversized = format!(
        r#"{{"kind":"EventList","items":["{}"]}}"#,
        "x".repeat(128 * 1024)
    );
    assert_eq!(post(address, "/k8s-audit", oversized.as_bytes()).await, 413);
    assert_eq!(post(address, "/elsewhere", batch.as_bytes()).await, 404);

    // Still serving after the refusals.
    assert_eq!(
        post(address, "/k8s-audit", event("three").as_bytes()).await,
        200
    );
    let third = receiver.recv().await.expect("third event");
    assert_eq!(third["auditID"], "three");

    assert_eq!(stats.events.load(Ordering::Relaxed), 3);
    assert_eq!(stats.malformed.load(Ordering::Relaxed), 1);
    assert_eq!(stats.rejected.load(Ordering::Relaxed), 2);
    stop.send(()).expect("the server waits for shutdown");
    server
        .await
        .expect("the server task ends")
        .expect("the server stops cleanly");
}

/// A certificate for 127.0.0.1 issued by a throwaway CA, made by the real `openssl` command in
/// `directory`: the CA certificate, the server certificate and its key.
fn issued_certificate(
    directory: &std::path::Path,
) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let path = |name: &str| directory.join(name);
    let openssl = |args: &[&str]| {
        let status = std::process::Command::new("openssl")
            .args(args)
            .current_dir(directory)
            .stderr(std::process::Stdio::null())
            .status()
            .expect("openssl runs (scripts/setup.sh installs it)");
        assert!(status.success(), "openssl {args:?} failed");
    };
    let new_key = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &new_key,
            &["-days", "1", "-subj", "/CN=custody-test-ca"],
            &["-keyout", "ca.key", "-out", "ca.pem"],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &new_key,
            &[
                "-subj",
                "/CN=127.0.0.1",
                "-keyout",
                "key.pem",
                "-out",
                "server.csr",
            ],
        ]
        .concat(),
    );
    fs_err::write(
        path("server.ext"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n",
    )
    .expect("the extension file is written");
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-extfile",
        "server.ext",
        "-out",
        "cert.pem",
    ]);
    (path("ca.pem"), path("cert.pem"), path("key.pem"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_https_with_the_given_certificate() {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::{CertificateDer, ServerName};

    let directory = tempfile::tempdir().expect("a temp dir");
    let (ca, cert, key) = issued_certificate(directory.path());
    let mut config = WebhookConfig::new("127.0.0.1:0".parse().expect("an address"));
    config.tls = Some((cert, key));
    let webhook = Webhook::bind(config).await.expect("binds a free port");
    let address = webhook.local_addr();
    let (sender, mut receiver) = mpsc::channel(4);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(webhook.serve(sender, Arc::default(), async {
        let _ = stopped.await;
    }));

    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(&ca).expect("the CA certificate reads back"))
        .expect("a usable root");
    let client = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("TLS versions")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client));
    let tcp = TcpStream::connect(address)
        .await
        .expect("the webhook accepts");
    let server_name = ServerName::IpAddress(address.ip().into());
    let mut tls = connector
        .connect(server_name, tcp)
        .await
        .expect("the TLS handshake succeeds");
    let body = event("secure");
    let request = format!(
        "POST /k8s-audit HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    tls.write_all(request.as_bytes()).await.expect("request");
    let mut response = Vec::new();
    let _ = tls.read_to_end(&mut response).await;
    assert!(
        String::from_utf8_lossy(&response).starts_with("HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&response)
    );
    let event = receiver.recv().await.expect("the event arrives");
    assert_eq!(event["auditID"], "secure");

    // Plain HTTP on the TLS port is refused without stopping the server.
    let mut plain = TcpStream::connect(address).await.expect("accepts");
    let _ = plain.write_all(b"POST /k8s-audit HTTP/1.1\r\n\r\n").await;
    let mut ignored = Vec::new();
    let _ = plain.read_to_end(&mut ignored).await;
    assert!(!String::from_utf8_lossy(&ignored).contains("200 OK"));

    stop.send(()).expect("the server waits for shutdown");
    server
        .await
        .expect("the server task ends")
        .expect("the server stops cleanly");
}
