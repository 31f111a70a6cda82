//! Image signatures through the OCI referrers API (distribution spec, "Listing Referrers").
//!
//! Debian's `docker-registry` 2.8 answers 404 to `GET /v2/<name>/referrers/<digest>`, so
//! `oci.rs` only exercises the referrers fallback tag, and no registry with the referrers API
//! (zot, distribution v3) is installable here. These tests therefore put [`Proxy`] — a
//! STAND-IN FOR A REFERRERS-CAPABLE REGISTRY, written for these tests — in front of the real
//! registry: it forwards every request unchanged and adds what a spec-compliant registry does
//! on top, the referrers API answered from the manifests with a `subject` pushed through it,
//! and the `OCI-Subject` header on those pushes. Everything is stored by the real registry;
//! only the referrers listing is the stand-in's.
//!
//! What they prove: `custody sign` in the bundle format detects the API and stores the bundle
//! as a referrer without creating or touching the fallback tag `sha256-HEX` (checked on the
//! real registry, behind the stand-in's back); `verify` and `verify-attestation` find
//! signatures through the API alone; a listing that names a manifest that is gone, tampered,
//! about another image or mislabelled yields a rejection, never a verification; and custody
//! reads the same candidates whether the registry applies an `artifactType` filter or ignores
//! it (both allowed; `OCI-Filters-Applied` tells which), because it never relies on one.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use custody_artifact::RegistryOptions;
use custody_sign::keys::SigningKey;
use custody_sign::oci::{
    Image, PredicateType, RejectReason, Rejection, SIGN_PREDICATE_TYPE, SignatureFormat,
    Verification,
};
use serde_json::{Value, json};

use crate::support::{
    self, Registry, assert_one_verified, digest, key, reasons, statement, verify,
    verify_attestations,
};

const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
const BUNDLE_V0_3: &str = "application/vnd.dev.sigstore.bundle.v0.3+json";
const EMPTY_MEDIA_TYPE: &str = "application/vnd.oci.empty.v1+json";

// ---------------------------------------------------------------------------------------------
// HTTP/1.1, as much as the registry conversation needs.
// ---------------------------------------------------------------------------------------------

/// One HTTP/1.1 message: its start line, headers in order, and body (de-chunked).
#[derive(Debug, Default)]
struct Message {
    start: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Message {
    fn request(method: &str, target: &str, host: &str, body: Vec<u8>) -> Self {
        Self {
            start: format!("{method} {target} HTTP/1.1"),
            headers: vec![("Host".to_owned(), host.to_owned())],
            body,
        }
    }

    fn response(status: &str, headers: Vec<(String, String)>, body: Vec<u8>) -> Self {
        Self {
            start: format!("HTTP/1.1 {status}"),
            headers,
            body,
        }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    fn without_headers(mut self, names: &[&str]) -> Self {
        self.headers
            .retain(|(key, _)| !names.iter().any(|name| key.eq_ignore_ascii_case(name)));
        self
    }

    /// The status code of a response.
    fn status(&self) -> u16 {
        self.start
            .split_whitespace()
            .nth(1)
            .and_then(|code| code.parse().ok())
            .unwrap_or_default()
    }

    /// A request's method and target.
    fn method_and_target(&self) -> (&str, &str) {
        let mut words = self.start.split_whitespace();
        (
            words.next().unwrap_or_default(),
            words.next().unwrap_or_default(),
        )
    }

    /// Reads a start line and headers; `None` when the peer closed the connection instead.
    fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Self>> {
        let mut start = String::new();
        if reader.read_line(&mut start)? == 0 {
            return Ok(None);
        }
        let mut headers = Vec::new();
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line)? == 0 {
                return Err(io::Error::other("connection closed inside the headers"));
            }
            let line = line.trim_end_matches(['\r', '\n']);
            if line.is_empty() {
                break;
            }
            let (name, value) = line
                .split_once(':')
                .ok_or_else(|| io::Error::other(format!("malformed header `{line}`")))?;
            headers.push((name.trim().to_owned(), value.trim().to_owned()));
        }
        Ok(Some(Self {
            start: start.trim_end().to_owned(),
            headers,
            body: Vec::new(),
        }))
    }

    /// Reads the body the headers announce: by `Content-Length`, chunked, or, for a response
    /// on a connection the server closes (`to_end`), everything until it does.
    fn read_body(&mut self, reader: &mut impl BufRead, to_end: bool) -> io::Result<()> {
        if let Some(length) = self.header("content-length") {
            self.body = vec![0; length.parse().map_err(io::Error::other)?];
            reader.read_exact(&mut self.body)?;
        } else if self
            .header("transfer-encoding")
            .is_some_and(|coding| coding.eq_ignore_ascii_case("chunked"))
        {
            loop {
                let mut size = String::new();
                reader.read_line(&mut size)?;
                let size = size.trim().split(';').next().unwrap_or_default();
                let size = usize::from_str_radix(size, 16).map_err(io::Error::other)?;
                if size == 0 {
                    // Trailers, then the empty line.
                    let mut line = String::from("-");
                    while !line.trim().is_empty() {
                        line.clear();
                        reader.read_line(&mut line)?;
                    }
                    break;
                }
                let start = self.body.len();
                self.body.resize(start + size, 0);
                reader.read_exact(&mut self.body[start..])?;
                reader.read_line(&mut String::new())?;
            }
        } else if to_end {
            reader.read_to_end(&mut self.body)?;
        }
        Ok(())
    }

    /// Writes the message, its body framed by `Content-Length` (`framed`), or, for an answer
    /// without a body (to HEAD, 204, 304), its headers as they are.
    fn write_to(&self, out: &mut impl Write, framed: bool) -> io::Result<()> {
        let mut head = Vec::new();
        write!(head, "{}\r\n", self.start)?;
        for (name, value) in &self.headers {
            let framing = ["content-length", "transfer-encoding"]
                .iter()
                .any(|framing| name.eq_ignore_ascii_case(framing));
            if !(framed && framing) {
                write!(head, "{name}: {value}\r\n")?;
            }
        }
        if framed {
            write!(head, "Content-Length: {}\r\n", self.body.len())?;
        }
        head.extend_from_slice(b"\r\n");
        if framed {
            head.extend_from_slice(&self.body);
        }
        out.write_all(&head)?;
        out.flush()
    }
}

/// Sends `request` to `address` on a new connection and reads the whole answer.
fn exchange(address: &str, request: Message) -> io::Result<Message> {
    let head_request = request.method_and_target().0 == "HEAD";
    let mut request = request.without_headers(&["connection", "keep-alive"]);
    request
        .headers
        .push(("Connection".to_owned(), "close".to_owned()));
    let mut stream = TcpStream::connect(address)?;
    request.write_to(&mut stream, true)?;
    let mut reader = BufReader::new(stream);
    let mut response =
        Message::read_head(&mut reader)?.ok_or_else(|| io::Error::other("no answer"))?;
    if !has_no_body(head_request, response.status()) {
        response.read_body(&mut reader, true)?;
    }
    Ok(response)
}

/// Whether an answer has no body whatever its headers say.
fn has_no_body(head_request: bool, status: u16) -> bool {
    head_request || status == 204 || status == 304 || (100..200).contains(&status)
}

/// `%XX` and `+` decoded, as in a query string.
fn percent_decode(text: &str) -> String {
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => bytes.push(b' '),
            b'%' => {
                let decoded = rest
                    .get(..2)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                if let Some(decoded) = decoded {
                    bytes.push(decoded);
                    rest = &rest[2..];
                } else {
                    bytes.push(b'%');
                }
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

// ---------------------------------------------------------------------------------------------
// The real registry, and the stand-in for a referrers-capable one in front of it.
// ---------------------------------------------------------------------------------------------

/// How the stand-in answers `?artifactType=`: the spec lets a registry apply the filter
/// (saying so with `OCI-Filters-Applied: artifactType`) or ignore it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Filtering {
    Applied,
    Ignored,
}

/// What the stand-in knows and saw.
#[derive(Default)]
struct Referrers {
    /// Descriptors of the manifests with a subject pushed through the stand-in, by repository
    /// and subject digest, in push order.
    by_subject: BTreeMap<(String, String), Vec<Value>>,
    /// The query string of every referrers request, in order.
    queries: Vec<String>,
    /// The `OCI-Subject` header of every manifest push it answered.
    subject_headers: Vec<String>,
}

/// A STAND-IN FOR A REGISTRY WITH THE OCI REFERRERS API, because none can be installed here:
/// an HTTP/1.1 reverse proxy that forwards every request unchanged to the real registry (the
/// `Host` header too, so the registry's upload locations point back through it; only the
/// framing differs: bodies re-sent with `Content-Length`, one upstream connection per request),
/// except that it answers `GET /v2/<name>/referrers/<digest>[?artifactType=…]` itself from the
/// manifests with a `subject` pushed through it, and sets `OCI-Subject` on the answers to those
/// pushes. Deletes are not indexed: a deleted referrer stays listed, as in a stale index.
struct Proxy {
    address: String,
    referrers: Arc<Mutex<Referrers>>,
    stop: Arc<AtomicBool>,
    listener: Option<JoinHandle<()>>,
}

impl Proxy {
    fn start(upstream: &str, filtering: Filtering) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        let referrers = Arc::new(Mutex::new(Referrers::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let upstream = upstream.to_owned();
        let thread = {
            let referrers = Arc::clone(&referrers);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                for client in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(client) = client else { continue };
                    let referrers = Arc::clone(&referrers);
                    let upstream = upstream.clone();
                    std::thread::spawn(move || {
                        // A failed connection only fails the request the client made on it.
                        let _ = serve(client, &upstream, filtering, &referrers);
                    });
                }
            })
        };
        Self {
            address,
            referrers,
            stop,
            listener: Some(thread),
        }
    }

    fn seen(&self) -> MutexGuard<'_, Referrers> {
        self.referrers.lock().unwrap()
    }

    /// Adds `descriptor` to the referrers of `subject`, as a registry with a stale or hostile
    /// listing would.
    fn list(&self, repository: &str, subject: &str, descriptor: Value) {
        self.seen()
            .by_subject
            .entry((repository.to_owned(), subject.to_owned()))
            .or_default()
            .push(descriptor);
    }

    /// The descriptors listed for `subject`.
    fn listed(&self, repository: &str, subject: &str) -> Vec<Value> {
        self.seen()
            .by_subject
            .get(&(repository.to_owned(), subject.to_owned()))
            .cloned()
            .unwrap_or_default()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so it sees the flag.
        let _ = TcpStream::connect(&self.address);
        if let Some(thread) = self.listener.take() {
            let _ = thread.join();
        }
    }
}

/// Serves one client connection (keep-alive) until the client closes it.
fn serve(
    client: TcpStream,
    upstream: &str,
    filtering: Filtering,
    referrers: &Mutex<Referrers>,
) -> io::Result<()> {
    let mut writer = client.try_clone()?;
    let mut reader = BufReader::new(client);
    while let Some(mut request) = Message::read_head(&mut reader)? {
        request.read_body(&mut reader, false)?;
        let (method, target) = request.method_and_target();
        let head_request = method == "HEAD";
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let referrers_of = path
            .strip_prefix("/v2/")
            .and_then(|rest| rest.rsplit_once("/referrers/"))
            .filter(|_| matches!(method, "GET" | "HEAD"));
        let manifest_put = path
            .strip_prefix("/v2/")
            .and_then(|rest| rest.rsplit_once("/manifests/"))
            .filter(|_| method == "PUT")
            .map(|(name, _)| name.to_owned());
        let response = if let Some((name, subject)) = referrers_of {
            answer_referrers(name, subject, query, filtering, referrers)
        } else {
            let pushed = request.body.clone();
            let media_type = request.header("content-type").map(str::to_owned);
            let mut response =
                exchange(upstream, request)?.without_headers(&["connection", "keep-alive"]);
            if let Some(name) = manifest_put
                && response.status() == 201
                && let Some(subject) = record_referrer(&name, &pushed, media_type, referrers)
            {
                response.headers.push(("OCI-Subject".to_owned(), subject));
            }
            response
        };
        response.write_to(&mut writer, !has_no_body(head_request, response.status()))?;
    }
    Ok(())
}

/// The referrers API's answer: an image index of the descriptors listed for `subject`,
/// filtered by `artifactType` when `filtering` says so (and then saying it did).
fn answer_referrers(
    name: &str,
    subject: &str,
    query: &str,
    filtering: Filtering,
    referrers: &Mutex<Referrers>,
) -> Message {
    let mut referrers = referrers.lock().unwrap();
    referrers.queries.push(query.to_owned());
    let wanted = query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "artifactType")
        .map(|(_, value)| percent_decode(value));
    let mut manifests = referrers
        .by_subject
        .get(&(name.to_owned(), subject.to_owned()))
        .cloned()
        .unwrap_or_default();
    let mut headers = vec![
        ("Content-Type".to_owned(), OCI_INDEX.to_owned()),
        (
            "Docker-Distribution-API-Version".to_owned(),
            "registry/2.0".to_owned(),
        ),
    ];
    if let (Some(wanted), Filtering::Applied) = (&wanted, filtering) {
        manifests.retain(|descriptor| descriptor["artifactType"] == wanted.as_str());
        headers.push(("OCI-Filters-Applied".to_owned(), "artifactType".to_owned()));
    }
    let index = json!({"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests});
    Message::response("200 OK", headers, serde_json::to_vec(&index).unwrap())
}

/// Records a pushed manifest with a `subject` as a referrer of it (its descriptor with
/// `artifactType` — the manifest's, else its config's media type — and its annotations, as the
/// spec says); returns the subject digest for the `OCI-Subject` header.
fn record_referrer(
    name: &str,
    manifest: &[u8],
    content_type: Option<String>,
    referrers: &Mutex<Referrers>,
) -> Option<String> {
    let parsed: Value = serde_json::from_slice(manifest).ok()?;
    let subject = parsed["subject"]["digest"].as_str()?.to_owned();
    let mut descriptor = json!({
        "mediaType": parsed["mediaType"]
            .as_str()
            .map(str::to_owned)
            .or(content_type)
            .unwrap_or_else(|| OCI_MANIFEST.to_owned()),
        "digest": digest(manifest),
        "size": manifest.len(),
        "artifactType": parsed
            .get("artifactType")
            .unwrap_or(&parsed["config"]["mediaType"]),
    });
    if let Some(annotations) = parsed.get("annotations") {
        descriptor["annotations"] = annotations.clone();
    }
    let mut referrers = referrers.lock().unwrap();
    let listed = referrers
        .by_subject
        .entry((name.to_owned(), subject.clone()))
        .or_default();
    if !listed.contains(&descriptor) {
        listed.push(descriptor);
    }
    referrers.subject_headers.push(subject.clone());
    Some(subject)
}

// ---------------------------------------------------------------------------------------------
// Registry content, pushed by hand.
// ---------------------------------------------------------------------------------------------

/// Uploads `blob` to `repository` at `address` (monolithic upload).
fn push_blob(address: &str, repository: &str, blob: &[u8]) {
    let started = exchange(
        address,
        Message::request(
            "POST",
            &format!("/v2/{repository}/blobs/uploads/"),
            address,
            Vec::new(),
        ),
    )
    .unwrap();
    assert_eq!(started.status(), 202, "{started:?}");
    let location = started.header("location").unwrap();
    // The registry answers an absolute URL; keep its path and query.
    let location = location
        .split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|slash| &rest[slash..]))
        .unwrap_or(location);
    let separator = if location.contains('?') { '&' } else { '?' };
    let mut put = Message::request(
        "PUT",
        &format!("{location}{separator}digest={}", digest(blob)),
        address,
        blob.to_vec(),
    );
    put.headers.push((
        "Content-Type".to_owned(),
        "application/octet-stream".to_owned(),
    ));
    let done = exchange(address, put).unwrap();
    assert_eq!(done.status(), 201, "{done:?}");
}

/// Puts `manifest` at `repository:reference` through `address`; returns the answer.
fn push_manifest(address: &str, repository: &str, reference: &str, manifest: &Value) -> Message {
    let bytes = serde_json::to_vec(manifest).unwrap();
    let mut put = Message::request(
        "PUT",
        &format!("/v2/{repository}/manifests/{reference}"),
        address,
        bytes,
    );
    put.headers.push((
        "Content-Type".to_owned(),
        manifest["mediaType"].as_str().unwrap().to_owned(),
    ));
    let answer = exchange(address, put).unwrap();
    assert_eq!(answer.status(), 201, "{answer:?}");
    answer
}

/// GET of `repository`'s manifest `reference` at `address`: status and bytes.
fn get_manifest(address: &str, repository: &str, reference: &str) -> (u16, Vec<u8>) {
    let mut get = Message::request(
        "GET",
        &format!("/v2/{repository}/manifests/{reference}"),
        address,
        Vec::new(),
    );
    get.headers
        .push(("Accept".to_owned(), format!("{OCI_MANIFEST}, {OCI_INDEX}")));
    let answer = exchange(address, get).unwrap();
    (answer.status(), answer.body)
}

/// Attaches an SPDX document (not a Sigstore bundle) to `subject` as a referrer, as an SBOM
/// tool would; returns the referrer's digest.
fn push_sbom_referrer(address: &str, repository: &str, subject: &str) -> String {
    let sbom = br#"{"spdxVersion":"SPDX-2.3"}"#;
    push_blob(address, repository, b"{}");
    push_blob(address, repository, sbom);
    let (status, subject_bytes) = get_manifest(address, repository, subject);
    assert_eq!(status, 200);
    let manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "artifactType": "application/spdx+json",
        "config": {"mediaType": EMPTY_MEDIA_TYPE, "digest": digest(b"{}"), "size": 2},
        "layers": [{
            "mediaType": "application/spdx+json",
            "digest": digest(sbom),
            "size": sbom.len(),
        }],
        "subject": {"mediaType": OCI_MANIFEST, "digest": subject, "size": subject_bytes.len()},
    });
    let bytes = serde_json::to_vec(&manifest).unwrap();
    let answer = push_manifest(address, repository, &digest(&bytes), &manifest);
    // A registry with the referrers API names the subject it indexed the push under.
    assert_eq!(answer.header("oci-subject"), Some(subject));
    digest(&bytes)
}

// ---------------------------------------------------------------------------------------------
// custody.
// ---------------------------------------------------------------------------------------------

fn options() -> RegistryOptions {
    RegistryOptions {
        plain_http: true,
        ..RegistryOptions::default()
    }
}

fn open(address: &str, reference: &str) -> Image {
    Image::open(&format!("{address}/{reference}"), &options()).unwrap()
}

/// Whether a candidate was rejected because the registry served content that does not match
/// its digest (the registry client's check).
fn is_digest_mismatch(reason: &RejectReason) -> bool {
    matches!(reason, RejectReason::Fetch(_)) && format!("{reason:?}").contains("VerificationError")
}

/// Nothing verified, and the one candidate was rejected as `expected` says.
fn assert_rejected_only(verification: &Verification, expected: impl Fn(&Rejection) -> bool) {
    assert!(
        verification.verified.is_empty()
            && matches!(verification.rejected.as_slice(), [rejection] if expected(rejection)),
        "verified {}, rejected {:?}",
        verification.verified.len(),
        reasons(verification)
    );
}

/// The fallback tag of `digest` does not exist on the real registry.
fn assert_no_fallback_tag(upstream: &Registry, repository: &str, image_digest: &str) {
    let tag = image_digest.replace(':', "-");
    let (status, body) = get_manifest(&upstream.address, repository, &tag);
    assert_eq!(
        status,
        404,
        "fallback tag {tag} exists: {}",
        String::from_utf8_lossy(&body)
    );
}

/// Signs `image` in the bundle format and returns the referrer's digest from what was pushed.
fn sign_bundle(image: &Image, key: &SigningKey, annotations: &[(&str, &str)]) -> String {
    let pushed = image
        .sign(
            key,
            SignatureFormat::Bundle,
            &support::annotations(annotations),
        )
        .unwrap();
    pushed
        .location
        .split_once('@')
        .map(|(_, digest)| digest.split_whitespace().next().unwrap().to_owned())
        .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Tests.
// ---------------------------------------------------------------------------------------------

#[test]
fn bundle_signatures_are_referrers_without_a_fallback_tag_and_verify_through_the_api() {
    let upstream = Registry::start(None);
    let proxy = Proxy::start(&upstream.address, Filtering::Ignored);
    let image_digest = upstream.push_image("app", "1", "one");
    let image = open(&proxy.address, "app:1");
    assert_eq!(image.digest(), image_digest);
    let key = key();

    let pushed = image
        .sign(
            &key,
            SignatureFormat::Bundle,
            &support::annotations(&[("env", "prod")]),
        )
        .unwrap();
    assert!(
        !pushed.location.contains("listed on tag"),
        "{}",
        pushed.location
    );
    // Nothing on the fallback tag, asked of the real registry directly.
    assert_no_fallback_tag(&upstream, "app", &image_digest);

    // The stand-in saw exactly one referrer pushed for the image, answered with OCI-Subject.
    let listed = proxy.listed("app", &image_digest);
    assert_eq!(listed.len(), 1, "{listed:?}");
    let entry = &listed[0];
    assert_eq!(entry["artifactType"], BUNDLE_V0_3);
    assert_eq!(
        entry["annotations"]["dev.sigstore.bundle.predicateType"],
        SIGN_PREDICATE_TYPE
    );
    assert_eq!(
        entry["annotations"]["dev.sigstore.bundle.content"],
        "dsse-envelope"
    );
    assert_eq!(proxy.seen().subject_headers, vec![image_digest.clone()]);
    let referrer = entry["digest"].as_str().unwrap().to_owned();
    assert!(pushed.location.ends_with(&format!("@{referrer}")));
    // The real registry holds the referrer manifest, whose subject is the image.
    let (status, bytes) = get_manifest(&upstream.address, "app", &referrer);
    assert_eq!(status, 200);
    assert_eq!(digest(&bytes), referrer);
    let manifest: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(manifest["subject"]["digest"], image_digest.as_str());
    assert_eq!(manifest["layers"][0]["mediaType"], BUNDLE_V0_3);

    // verify finds it through the referrers API: one claim, with the signed annotation.
    let queries_before = proxy.seen().queries.len();
    let verification = verify(&image, &key.public_key(), false, &[("env", "prod")]);
    assert_one_verified(&verification, "");
    assert!(
        verification.rejected.is_empty(),
        "{:?}",
        reasons(&verification)
    );
    let claim = &verification.verified[0];
    assert_eq!(claim.format, SignatureFormat::Bundle);
    assert_eq!(claim.location, format!("referrer {referrer}"));
    assert_eq!(claim.predicate_type.as_deref(), Some(SIGN_PREDICATE_TYPE));
    assert_eq!(
        claim.output["critical"]["image"]["docker-manifest-digest"],
        image_digest.as_str()
    );
    assert_eq!(claim.output["optional"]["env"], "prod");
    // It asked the referrers API, unfiltered: Sigstore bundles of different versions have
    // different artifact types, so custody filters what it reads, not what it asks for.
    let queries = proxy.seen().queries[queries_before..].to_vec();
    assert_eq!(queries, vec![String::new()]);

    // The same registry without the API (the real one, directly) shows no signature: what
    // verified was found through the referrers API alone.
    let direct = verify(
        &upstream.open("app:1"),
        &key.public_key(),
        false,
        &[("env", "prod")],
    );
    assert!(direct.verified.is_empty() && direct.rejected.is_empty());

    // A wrong key, or an annotation the signature does not carry, is a rejection.
    let wrong = verify(&image, &self::key().public_key(), false, &[]);
    assert_rejected_only(&wrong, |rejection| {
        matches!(rejection.reason, RejectReason::BundleVerification(_))
    });
    let mismatch = verify(&image, &key.public_key(), false, &[("env", "dev")]);
    assert_rejected_only(&mismatch, |rejection| {
        matches!(
            &rejection.reason,
            RejectReason::Annotation { key, actual: Some(actual), .. } if key == "env" && actual == "prod"
        )
    });
}

#[test]
fn attestations_are_referrers_and_verify_attestation_finds_them_through_the_api() {
    let upstream = Registry::start(None);
    let proxy = Proxy::start(&upstream.address, Filtering::Ignored);
    let image_digest = upstream.push_image("app", "1", "attested");
    let image = open(&proxy.address, "app:1");
    let key = key();

    let provenance = PredicateType::parse("slsaprovenance1").unwrap();
    let provenance_predicate =
        br#"{"buildDefinition":{"buildType":"x"},"runDetails":{"builder":{"id":"b"}}}"#;
    let custom = PredicateType::parse("custom").unwrap();
    for (predicate_type, predicate) in [
        (&provenance, provenance_predicate.as_slice()),
        (&custom, b"anything at all".as_slice()),
    ] {
        let pushed = image
            .attest(&key, SignatureFormat::Bundle, predicate_type, predicate)
            .unwrap();
        assert!(!pushed.location.contains("listed on tag"));
    }
    assert_no_fallback_tag(&upstream, "app", &image_digest);
    let listed = proxy.listed("app", &image_digest);
    let annotated: Vec<_> = listed
        .iter()
        .map(|entry| entry["annotations"]["dev.sigstore.bundle.predicateType"].clone())
        .collect();
    assert_eq!(
        annotated,
        vec![json!(provenance.uri()), json!(custom.uri())]
    );

    for (predicate_type, builder) in [(&provenance, Some("b")), (&custom, None)] {
        let verification = verify_attestations(&image, &key.public_key(), predicate_type.uri());
        assert_one_verified(&verification, &format!("{}: ", predicate_type.uri()));
        assert!(verification.rejected.is_empty());
        let claim = &verification.verified[0];
        assert_eq!(claim.format, SignatureFormat::Bundle);
        assert_eq!(claim.predicate_type.as_deref(), Some(predicate_type.uri()));
        // The output is the DSSE envelope; its statement is about this image.
        let statement = statement(&claim.output);
        assert_eq!(statement["predicateType"], predicate_type.uri());
        assert_eq!(
            statement["subject"][0]["digest"]["sha256"],
            image_digest.trim_start_matches("sha256:")
        );
        if let Some(builder) = builder {
            assert_eq!(
                statement["predicate"]["runDetails"]["builder"]["id"],
                builder
            );
        }
    }
    // A type never attested: nothing verified, nothing rejected (the listing's predicate-type
    // annotations rule both out before any fetch).
    let none = verify_attestations(&image, &key.public_key(), "https://spdx.dev/Document");
    assert!(none.verified.is_empty() && none.rejected.is_empty());
    // Attestations are not image signatures.
    let signatures = verify(&image, &key.public_key(), false, &[]);
    assert!(signatures.verified.is_empty() && signatures.rejected.is_empty());
}

#[test]
fn an_existing_fallback_tag_is_left_alone_once_the_registry_has_the_api() {
    let upstream = Registry::start(None);
    let image_digest = upstream.push_image("app", "1", "migrated");
    let key = key();
    // Signed while the registry had no referrers API: listed on the fallback tag.
    let old = sign_bundle(&upstream.open("app:1"), &key, &[]);
    let tag = image_digest.replace(':', "-");
    let (status, before) = get_manifest(&upstream.address, "app", &tag);
    assert_eq!(status, 200);

    // Signed again through a registry with the API: a referrer, the tag untouched.
    let proxy = Proxy::start(&upstream.address, Filtering::Ignored);
    let image = open(&proxy.address, "app:1");
    let new = sign_bundle(&image, &key, &[]);
    assert_ne!(old, new);
    let (_, after) = get_manifest(&upstream.address, "app", &tag);
    assert_eq!(before, after, "the fallback tag changed");

    // verify reads both places and finds each signature once.
    let verification = verify(&image, &key.public_key(), false, &[]);
    let mut found: Vec<_> = verification
        .verified
        .iter()
        .map(|claim| claim.location.clone())
        .collect();
    found.sort();
    let mut expected = vec![format!("referrer {old}"), format!("referrer {new}")];
    expected.sort();
    assert_eq!(found, expected, "{:?}", reasons(&verification));
    assert!(verification.rejected.is_empty());
}

#[test]
fn listings_naming_gone_or_tampered_manifests_are_rejected() {
    let upstream = Registry::start(None);
    let proxy = Proxy::start(&upstream.address, Filtering::Ignored);
    let key = key();

    // Gone: the referrer manifest was deleted, the listing still names it.
    let gone_digest = upstream.push_image("gone", "1", "gone");
    let gone = open(&proxy.address, "gone:1");
    let referrer = sign_bundle(&gone, &key, &[]);
    let deleted = exchange(
        &upstream.address,
        Message::request(
            "DELETE",
            &format!("/v2/gone/manifests/{referrer}"),
            &upstream.address,
            Vec::new(),
        ),
    )
    .unwrap();
    assert_eq!(deleted.status(), 202, "{deleted:?}");
    assert_eq!(proxy.listed("gone", &gone_digest).len(), 1);
    let verification = verify(&gone, &key.public_key(), false, &[]);
    assert_rejected_only(&verification, |rejection| {
        rejection.location == format!("referrer {referrer}")
            && matches!(&rejection.reason, RejectReason::Malformed(reason) if reason.contains("gone"))
    });

    // Tampered manifest: the registry serves other bytes under the referrer's digest (the
    // registry client checks them against the digest asked for).
    upstream.push_image("manifest", "1", "manifest");
    let tampered = open(&proxy.address, "manifest:1");
    let referrer = sign_bundle(&tampered, &key, &[]);
    let path = upstream.blob_path(&referrer);
    let original = fs_err::read_to_string(&path).unwrap();
    let forged = original.replace("dsse-envelope", "dsse-envelopf");
    assert_ne!(original, forged);
    fs_err::write(&path, forged).unwrap();
    let verification = verify(&tampered, &key.public_key(), false, &[]);
    assert_rejected_only(&verification, |rejection| {
        is_digest_mismatch(&rejection.reason)
    });

    // Tampered bundle: one byte of the bundle layer changed in storage.
    upstream.push_image("layer", "1", "layer");
    let tampered = open(&proxy.address, "layer:1");
    let referrer = sign_bundle(&tampered, &key, &[]);
    let (_, bytes) = get_manifest(&upstream.address, "layer", &referrer);
    let manifest: Value = serde_json::from_slice(&bytes).unwrap();
    let path = upstream.blob_path(manifest["layers"][0]["digest"].as_str().unwrap());
    let mut bundle = fs_err::read(&path).unwrap();
    let last = bundle.len() - 2;
    bundle[last] ^= 1;
    fs_err::write(&path, bundle).unwrap();
    let verification = verify(&tampered, &key.public_key(), false, &[]);
    assert_rejected_only(&verification, |rejection| {
        is_digest_mismatch(&rejection.reason)
    });
}

#[test]
fn listings_naming_another_images_or_mislabelled_manifests_are_rejected() {
    let upstream = Registry::start(None);
    let proxy = Proxy::start(&upstream.address, Filtering::Ignored);
    let key = key();

    // Foreign: the listing of image 1 names a genuine signature of image 2.
    let first = upstream.push_image("foreign", "1", "first");
    let second = upstream.push_image("foreign", "2", "second");
    sign_bundle(&open(&proxy.address, "foreign:2"), &key, &[]);
    let borrowed = proxy.listed("foreign", &second).remove(0);
    proxy.list("foreign", &first, borrowed);
    let verification = verify(
        &open(&proxy.address, "foreign:1"),
        &key.public_key(),
        false,
        &[],
    );
    assert_rejected_only(&verification, |rejection| {
        matches!(rejection.reason, RejectReason::BundleVerification(_))
    });
    // It still verifies for the image it signs.
    let own = verify(
        &open(&proxy.address, "foreign:2"),
        &key.public_key(),
        false,
        &[],
    );
    assert_eq!(own.verified.len(), 1, "{:?}", reasons(&own));

    // Mislabelled: an attestation listed without its predicate-type annotation verifies as a
    // bundle but is refused as an image signature.
    let labelled = upstream.push_image("label", "1", "label");
    let image = open(&proxy.address, "label:1");
    image
        .attest(
            &key,
            SignatureFormat::Bundle,
            &PredicateType::parse("custom").unwrap(),
            b"data",
        )
        .unwrap();
    let mut entry = proxy.listed("label", &labelled).remove(0);
    entry["annotations"]
        .as_object_mut()
        .unwrap()
        .remove("dev.sigstore.bundle.predicateType");
    proxy.list("label", &labelled, entry);
    let verification = verify(&image, &key.public_key(), false, &[]);
    assert_rejected_only(&verification, |rejection| {
        matches!(
            &rejection.reason,
            RejectReason::NotASignature { predicate_type } if predicate_type == "https://cosign.sigstore.dev/attestation/v1"
        )
    });
}

#[test]
fn artifact_type_filters_applied_or_ignored_give_the_same_verification() {
    let upstream = Registry::start(None);
    for (repository, filtering) in [
        ("applied", Filtering::Applied),
        ("ignored", Filtering::Ignored),
    ] {
        let proxy = Proxy::start(&upstream.address, filtering);
        let image_digest = upstream.push_image(repository, "1", repository);
        let image = open(&proxy.address, &format!("{repository}:1"));
        let key = key();
        let signature = sign_bundle(&image, &key, &[]);
        let custom = PredicateType::parse("custom").unwrap();
        image
            .attest(&key, SignatureFormat::Bundle, &custom, b"data")
            .unwrap();
        let sbom = push_sbom_referrer(&proxy.address, repository, &image_digest);
        assert_no_fallback_tag(&upstream, repository, &image_digest);

        // The stand-in behaves as the spec says for each choice.
        let referrers = |query: &str| {
            exchange(
                &proxy.address,
                Message::request(
                    "GET",
                    &format!("/v2/{repository}/referrers/{image_digest}{query}"),
                    &proxy.address,
                    Vec::new(),
                ),
            )
            .unwrap()
        };
        let all = referrers("");
        assert_eq!(all.header("content-type"), Some(OCI_INDEX));
        assert_eq!(all.header("oci-filters-applied"), None);
        let all: Value = serde_json::from_slice(&all.body).unwrap();
        assert_eq!(all["manifests"].as_array().unwrap().len(), 3);
        let filtered = referrers("?artifactType=application%2Fspdx%2Bjson");
        let listed: Value = serde_json::from_slice(&filtered.body).unwrap();
        let listed: Vec<_> = listed["manifests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|entry| entry["digest"].as_str().unwrap().to_owned())
            .collect();
        match filtering {
            Filtering::Applied => {
                assert_eq!(filtered.header("oci-filters-applied"), Some("artifactType"));
                assert_eq!(listed, vec![sbom.clone()]);
            }
            Filtering::Ignored => {
                assert_eq!(filtered.header("oci-filters-applied"), None);
                assert_eq!(listed.len(), 3);
            }
        }

        // custody reads the same either way: the signature verifies, the attestation and the
        // SBOM are not signature candidates, nothing is rejected.
        let queries_before = proxy.seen().queries.len();
        let verification = verify(&image, &key.public_key(), false, &[]);
        let found: Vec<_> = verification
            .verified
            .iter()
            .map(|claim| claim.location.clone())
            .collect();
        assert_eq!(
            found,
            vec![format!("referrer {signature}")],
            "{filtering:?}: {:?}",
            reasons(&verification)
        );
        assert!(verification.rejected.is_empty(), "{filtering:?}");
        let attestations = verify_attestations(&image, &key.public_key(), custom.uri());
        assert_eq!(attestations.verified.len(), 1, "{filtering:?}");
        assert!(attestations.rejected.is_empty(), "{filtering:?}");
        // Because custody never asks for a filter.
        let queries = proxy.seen().queries[queries_before..].to_vec();
        assert_eq!(queries, vec![String::new(); 2], "{filtering:?}");
    }
}
