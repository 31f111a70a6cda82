//! Fetching one ecosystem's archive for [`update`](super::update): a conditional GET streamed
//! into the staging directory and checked on the way, or a look at a `file://` mirror.
//!
//! Nothing here touches a database: a [`Fetched::Archive`] is a file whose transport was
//! checked (size limit, `Content-Length`, `x-goog-hash: md5=`), and the import that follows
//! checks its contents.

use std::io::{BufWriter, Write as _};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use md5::{Digest as _, Md5};
use reqwest::StatusCode;
use reqwest::header::{
    CONTENT_LENGTH, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use url::Url;

use super::{ArchiveValidators, UpdateOptions, UpdateReporter};
use crate::error::Error;

/// The longest `ETag` or `Last-Modified` kept; real ones are tens of bytes, and a longer one
/// is dropped rather than stored.
const MAX_VALIDATOR_BYTES: usize = 256;

/// What fetching an archive found.
pub(super) enum Fetched {
    /// The archive has not changed since the validators were stored.
    Unchanged,
    /// A new archive.
    Archive {
        /// Where it is.
        path: PathBuf,
        /// Whether `path` is a download in the staging directory, to remove once imported
        /// (an archive of a `file://` mirror is read where it is).
        temporary: bool,
        /// Its size.
        bytes: u64,
        /// What to send with the next request for it.
        validators: ArchiveValidators,
    },
}

/// Fetches archives from one mirror.
pub(super) enum Fetcher {
    /// An `http://` or `https://` mirror.
    Http {
        client: reqwest::Client,
        /// A single-threaded runtime: one download at a time, driven from the calling thread.
        runtime: tokio::runtime::Runtime,
        max_bytes: u64,
    },
    /// A `file://` mirror.
    File,
}

/// The archive being fetched, for naming it in errors.
struct Target<'a> {
    ecosystem: &'a str,
    url: &'a Url,
}

impl Fetcher {
    /// A fetcher for `mirror`, with an HTTP client configured from `options` unless the
    /// mirror is a local directory.
    pub(super) fn new(mirror: &Url, options: &UpdateOptions) -> Result<Self, Error> {
        if mirror.scheme() == "file" {
            return Ok(Self::File);
        }
        // ring's provider, not aws-lc-rs (see the workspace Cargo.toml); installing it twice
        // is harmless, so the result is ignored.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .user_agent(concat!("custody/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(options.connect_timeout)
            .read_timeout(options.read_timeout)
            .build()
            .map_err(Error::HttpClient)?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Self::Http {
            client,
            runtime,
            max_bytes: options.max_download_bytes,
        })
    }

    /// Fetches `ecosystem`'s archive at `url`, unless `known` validators show it unchanged.
    /// Downloads go to `staging`.
    pub(super) fn fetch(
        &self,
        ecosystem: &str,
        url: &Url,
        known: Option<&ArchiveValidators>,
        staging: &Path,
        reporter: &dyn UpdateReporter,
    ) -> Result<Fetched, Error> {
        let target = Target { ecosystem, url };
        match self {
            Self::File => target.local(known),
            Self::Http {
                client,
                runtime,
                max_bytes,
            } => {
                let destination = staging.join(format!("{ecosystem}.zip"));
                runtime.block_on(target.download(client, known, &destination, *max_bytes, reporter))
            }
        }
    }
}

impl Target<'_> {
    /// A conditional GET, streamed to `destination` and checked.
    async fn download(
        &self,
        client: &reqwest::Client,
        known: Option<&ArchiveValidators>,
        destination: &Path,
        max_bytes: u64,
        reporter: &dyn UpdateReporter,
    ) -> Result<Fetched, Error> {
        let mut request = client.get(self.url.clone());
        let mut conditional = false;
        if let Some(etag) = known.and_then(|known| known.etag.as_deref()) {
            request = request.header(IF_NONE_MATCH, etag);
            conditional = true;
        }
        if let Some(time) = known.and_then(|known| known.last_modified.as_deref()) {
            request = request.header(IF_MODIFIED_SINCE, time);
            conditional = true;
        }
        let mut response = request.send().await.map_err(|source| self.failed(source))?;
        match response.status() {
            StatusCode::OK => {}
            StatusCode::NOT_MODIFIED if conditional => return Ok(Fetched::Unchanged),
            status => {
                return Err(Error::HttpStatus {
                    ecosystem: self.ecosystem.to_owned(),
                    url: self.url.to_string(),
                    status,
                });
            }
        }
        let headers = response.headers();
        let length = header(headers, CONTENT_LENGTH.as_str()).and_then(|value| value.parse().ok());
        if let Some(size) = length.filter(|&size| size > max_bytes) {
            return Err(self.too_large(size, max_bytes));
        }
        let md5 = announced_md5(headers);
        let validators = ArchiveValidators {
            url: self.url.to_string(),
            etag: validator(headers, ETAG.as_str()),
            last_modified: validator(headers, LAST_MODIFIED.as_str()),
        };
        reporter.on_download(length);
        let mut file = BufWriter::with_capacity(1 << 16, fs_err::File::create(destination)?);
        let mut hasher = Md5::new();
        let mut received = 0_u64;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|source| self.failed(source))?
        {
            received = received.saturating_add(chunk.len() as u64);
            if received > max_bytes {
                return Err(self.too_large(received, max_bytes));
            }
            hasher.update(&chunk);
            file.write_all(&chunk)?;
            reporter.on_download_bytes(chunk.len() as u64);
        }
        file.flush()?;
        if let Some(expected) = length.filter(|&expected| expected != received) {
            return Err(Error::LengthMismatch {
                ecosystem: self.ecosystem.to_owned(),
                url: self.url.to_string(),
                expected,
                actual: received,
            });
        }
        let actual = hasher.finalize();
        if let Some(expected) = md5.filter(|expected| expected.as_slice() != actual.as_slice()) {
            return Err(Error::Md5Mismatch {
                ecosystem: self.ecosystem.to_owned(),
                url: self.url.to_string(),
                expected: BASE64.encode(expected),
                actual: BASE64.encode(actual),
            });
        }
        Ok(Fetched::Archive {
            path: destination.to_path_buf(),
            temporary: true,
            bytes: received,
            validators,
        })
    }

    /// The archive of a `file://` mirror. A file has no `ETag`; its size and modification
    /// time stand in for one, as they do in the `ETag`s of most static file servers.
    fn local(&self, known: Option<&ArchiveValidators>) -> Result<Fetched, Error> {
        let unreadable = |source| Error::MirrorFile {
            ecosystem: self.ecosystem.to_owned(),
            url: self.url.to_string(),
            source,
        };
        let path = self.url.to_file_path().map_err(|()| Error::MirrorScheme {
            mirror: self.url.to_string(),
        })?;
        let metadata = fs_err::metadata(&path).map_err(unreadable)?;
        if !metadata.is_file() {
            return Err(unreadable(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("{} is not a file", path.display()),
            )));
        }
        let etag = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(UNIX_EPOCH).ok())
            .map(|time| format!("\"{}-{}\"", metadata.len(), time.as_nanos()));
        if etag.is_some() && known.and_then(|known| known.etag.as_ref()) == etag.as_ref() {
            return Ok(Fetched::Unchanged);
        }
        Ok(Fetched::Archive {
            path,
            temporary: false,
            bytes: metadata.len(),
            validators: ArchiveValidators {
                url: self.url.to_string(),
                etag,
                last_modified: None,
            },
        })
    }

    fn failed(&self, source: reqwest::Error) -> Error {
        Error::Download {
            ecosystem: self.ecosystem.to_owned(),
            url: self.url.to_string(),
            source,
        }
    }

    fn too_large(&self, size: u64, limit: u64) -> Error {
        Error::DownloadTooLarge {
            ecosystem: self.ecosystem.to_owned(),
            url: self.url.to_string(),
            size,
            limit,
        }
    }
}

/// A header's value, when present once or more (the first) and visible ASCII.
fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name)?.to_str().ok()
}

/// A validator header worth storing: present, visible ASCII, not absurdly long.
fn validator(headers: &HeaderMap, name: &str) -> Option<String> {
    header(headers, name)
        .filter(|value| !value.is_empty() && value.len() <= MAX_VALIDATOR_BYTES)
        .map(str::to_owned)
}

/// The MD5 digest Google Cloud Storage announces in `x-goog-hash: crc32c=…, md5=…` (one
/// header or several). Composite objects have no MD5, and an object stored compressed has the
/// digest of its stored bytes, not of what is served; both yield `None`, as does a malformed
/// value.
fn announced_md5(headers: &HeaderMap) -> Option<[u8; 16]> {
    let stored_encoding = header(headers, "x-goog-stored-content-encoding");
    if stored_encoding.is_some_and(|encoding| !encoding.eq_ignore_ascii_case("identity")) {
        return None;
    }
    headers
        .get_all("x-goog-hash")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|part| part.trim().strip_prefix("md5="))
        .and_then(|digest| BASE64.decode(digest).ok())
        .and_then(|digest| digest.try_into().ok())
}

#[cfg(test)]
mod tests {
    //! Header parsing; downloads are tested against a real server in tests/it/update.rs.

    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn md5_comes_from_either_form_of_x_goog_hash() {
        let digest = BASE64.encode([7_u8; 16]);
        let mut one = HeaderMap::new();
        one.insert(
            "x-goog-hash",
            HeaderValue::from_str(&format!("crc32c=n03x6A==, md5={digest}")).unwrap(),
        );
        assert_eq!(announced_md5(&one), Some([7; 16]));
        let mut several = HeaderMap::new();
        several.append("x-goog-hash", HeaderValue::from_static("crc32c=n03x6A=="));
        several.append(
            "x-goog-hash",
            HeaderValue::from_str(&format!("md5={digest}")).unwrap(),
        );
        assert_eq!(announced_md5(&several), Some([7; 16]));
        several.insert(
            "x-goog-stored-content-encoding",
            HeaderValue::from_static("gzip"),
        );
        assert_eq!(announced_md5(&several), None);
        let mut malformed = HeaderMap::new();
        malformed.insert("x-goog-hash", HeaderValue::from_static("md5=AAAA"));
        assert_eq!(announced_md5(&malformed), None);
        assert_eq!(announced_md5(&HeaderMap::new()), None);
    }

    #[test]
    fn overlong_validators_are_not_kept() {
        let mut headers = HeaderMap::new();
        headers.insert(ETAG, HeaderValue::from_static("\"abc\""));
        let long = "x".repeat(MAX_VALIDATOR_BYTES + 1);
        headers.insert(LAST_MODIFIED, HeaderValue::from_str(&long).unwrap());
        assert_eq!(validator(&headers, "etag").as_deref(), Some("\"abc\""));
        assert_eq!(validator(&headers, "last-modified"), None);
    }
}
