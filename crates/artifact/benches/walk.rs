//! Micro-benchmarks of reading targets: walking a 20,000-file tree where one file is wanted,
//! and streaming a gzip layer of the same files. Peer comparisons live in bench/.
#![expect(
    clippy::unwrap_used,
    reason = "benchmark setup: any failure should abort the run"
)]

use std::hint::black_box;
use std::io::{Read, Write as _};

use criterion::{Criterion, criterion_group, criterion_main};
use custody_artifact::{Analyzer, FileMeta, Interest, NoReporter, ScanOptions, Scanner, Target};

const FILES: usize = 20_000;

/// Wants only `var/lib/dpkg/status`, like a cataloger on a tree without lockfiles.
struct OnlyStatus;

impl Analyzer for OnlyStatus {
    type Output = usize;
    fn cache_version(&self) -> &'static str {
        "bench"
    }
    fn wants(&self, path: &str) -> Interest {
        if path.ends_with("var/lib/dpkg/status") {
            Interest::Read
        } else {
            Interest::Skip
        }
    }
    fn max_file_size(&self) -> u64 {
        1 << 20
    }
    fn analyze(&self, _: &FileMeta<'_>, content: &mut dyn Read) -> Result<Option<usize>, String> {
        let mut bytes = Vec::new();
        content
            .read_to_end(&mut bytes)
            .map_err(|error| error.to_string())?;
        Ok(Some(bytes.len()))
    }
}

fn file_path(index: usize) -> String {
    format!("usr/share/doc/package{}/file{index}.txt", index % 500)
}

fn tree() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    for index in 0..FILES {
        let path = root.path().join(file_path(index));
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, b"some documentation text\n").unwrap();
    }
    let status = root.path().join("var/lib/dpkg/status");
    fs_err::create_dir_all(status.parent().unwrap()).unwrap();
    fs_err::write(status, b"Package: x\nVersion: 1\n").unwrap();
    root
}

/// An OCI layout with one gzip layer holding the same files as [`tree`].
fn layout() -> tempfile::TempDir {
    use sha2::Digest as _;
    let sha256 = |bytes: &[u8]| hex::encode(sha2::Sha256::digest(bytes));
    let mut builder = tar::Builder::new(Vec::new());
    for index in 0..=FILES {
        let (path, content): (String, &[u8]) = if index == FILES {
            ("var/lib/dpkg/status".into(), b"Package: x\nVersion: 1\n")
        } else {
            (file_path(index), b"some documentation text\n")
        };
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        builder.append_data(&mut header, path, content).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(&tar).unwrap();
    let blob = encoder.finish().unwrap();
    let config = format!(
        r#"{{"os":"linux","architecture":"amd64","rootfs":{{"type":"layers","diff_ids":["sha256:{}"]}}}}"#,
        sha256(&tar)
    );
    let manifest = format!(
        r#"{{"schemaVersion":2,"config":{{"digest":"sha256:{}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:{}","size":{}}}]}}"#,
        sha256(config.as_bytes()),
        config.len(),
        sha256(&blob),
        blob.len()
    );
    let root = tempfile::tempdir().unwrap();
    let blobs = root.path().join("blobs/sha256");
    fs_err::create_dir_all(&blobs).unwrap();
    for bytes in [config.as_bytes(), manifest.as_bytes(), &blob] {
        fs_err::write(blobs.join(sha256(bytes)), bytes).unwrap();
    }
    fs_err::write(
        root.path().join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    fs_err::write(
        root.path().join("index.json"),
        format!(
            r#"{{"schemaVersion":2,"manifests":[{{"digest":"sha256:{}","size":{}}}]}}"#,
            sha256(manifest.as_bytes()),
            manifest.len()
        ),
    )
    .unwrap();
    root
}

fn read_targets(criterion: &mut Criterion) {
    let scanner = Scanner::new(ScanOptions::default());
    let tree = tree();
    let rootfs = Target::Rootfs(tree.path().to_owned());
    criterion.bench_function("walk_rootfs_20k_files", |bencher| {
        bencher.iter(|| {
            black_box(
                scanner
                    .scan(black_box(&rootfs), &OnlyStatus, &NoReporter)
                    .unwrap(),
            )
        });
    });
    let layout = layout();
    let oci = Target::OciDir {
        path: layout.path().to_owned(),
        tag: None,
    };
    criterion.bench_function("stream_gzip_layer_20k_files", |bencher| {
        bencher.iter(|| {
            black_box(
                scanner
                    .scan(black_box(&oci), &OnlyStatus, &NoReporter)
                    .unwrap(),
            )
        });
    });
}

criterion_group!(benches, read_targets);
criterion_main!(benches);
