//! Offline bundle verification (issue #5: a signed image verifies in under 50 ms warm; the
//! whole bundle-verify corpus in under 2 s). These measure the library alone, without process
//! start-up or registry round trips (`bench/verify-image.sh` and `bench/bundle-corpus.sh`
//! measure those beside sigstore-js and sigstore-python):
//! - `keyless_v0_3`: a GitHub Actions signed bundle from the sigstore-conformance corpus
//!   against the production trusted root — Fulcio chain, SCTs, Rekor SET, inclusion proof and
//!   checkpoint, identity;
//! - `key_v0_3`: a key-signed bundle with its own trusted root and log entry;
//! - `sign_blob_p256`: what `custody sign-blob` does for a 1 MiB file.
#![expect(
    clippy::unwrap_used,
    reason = "benchmark setup: any failure should abort the run"
)]

use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use custody_sign::bundle::Bundle;
use custody_sign::keys::{KeyAlgorithm, PublicKey, SigningKey};
use custody_sign::trust::{IdentityMatcher, TrustedRoot};
use custody_sign::verify::{Artifact, Policy, VerifiedSigner, VerifyOptions, verify_bundle};

const IDENTITY: &str = "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const ISSUER: &str = "https://token.actions.githubusercontent.com";

fn corpus() -> PathBuf {
    std::env::var_os("CUSTODY_CONFORMANCE_DIR")
        .map_or_else(
            || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/conformance"),
            PathBuf::from,
        )
        .join("sigstore/bundle-verify")
}

fn read(path: PathBuf) -> Vec<u8> {
    fs_err::read(path).unwrap()
}

fn benches(c: &mut Criterion) {
    let corpus = corpus();
    let artifact = read(corpus.join("a.txt"));

    let keyless = Bundle::from_json(&read(
        corpus.join("happy-path-v0.3-new-mediaType/bundle.sigstore.json"),
    ))
    .unwrap();
    let production = TrustedRoot::production();
    let identity = Policy::Identity {
        subject: IdentityMatcher::Exact(IDENTITY.to_owned()),
        issuer: IdentityMatcher::Exact(ISSUER.to_owned()),
    };
    let options = VerifyOptions {
        root: &production,
        policy: &identity,
        require_tlog: true,
    };
    let verified = verify_bundle(&keyless, Artifact::Bytes(&artifact), &options).unwrap();
    assert!(matches!(verified.signer, VerifiedSigner::Certificate(_)));
    c.bench_function("keyless_v0_3", |b| {
        b.iter(|| {
            verify_bundle(black_box(&keyless), Artifact::Bytes(&artifact), &options).unwrap()
        });
    });

    let case = corpus.join("managed-key-and-trusted-root");
    let keyed = Bundle::from_json(&read(case.join("bundle.sigstore.json"))).unwrap();
    let root = TrustedRoot::from_json(&read(case.join("trusted_root.json"))).unwrap();
    let key = Policy::Key(
        PublicKey::from_pem(&String::from_utf8(read(case.join("key.pub"))).unwrap()).unwrap(),
    );
    let options = VerifyOptions {
        root: &root,
        policy: &key,
        require_tlog: true,
    };
    let verified = verify_bundle(&keyed, Artifact::Bytes(&artifact), &options).unwrap();
    assert!(!verified.tlog_entries.is_empty());
    c.bench_function("key_v0_3", |b| {
        b.iter(|| verify_bundle(black_box(&keyed), Artifact::Bytes(&artifact), &options).unwrap());
    });

    let signer = SigningKey::generate(KeyAlgorithm::EcdsaP256).unwrap();
    let blob = vec![0x5a_u8; 1 << 20];
    c.bench_function("sign_blob_p256", |b| {
        b.iter(|| Bundle::sign_blob(black_box(&blob), &signer).unwrap());
    });
}

criterion_group!(verify, benches);
criterion_main!(verify);
