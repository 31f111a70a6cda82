//! Content digests (`sha256:<hex>`, `sha512:<hex>`): parsing, and a reader that hashes what
//! passes through it so verification costs no second pass.

use std::io::{self, Read};

use sha2::{Digest as _, Sha256, Sha512};

use crate::Error;

/// A parsed content digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Digest {
    algorithm: Algorithm,
    hex: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Algorithm {
    Sha256,
    Sha512,
}

impl Digest {
    /// Parses `algorithm:hex`, accepting only the algorithms OCI registries use and lowercase
    /// hex of the right length: a digest from a hostile manifest is also a file name.
    pub(crate) fn parse(text: &str) -> Result<Self, Error> {
        let malformed = |reason: &str| Error::MalformedImage {
            location: text.to_owned(),
            reason: reason.to_owned(),
        };
        let (algorithm, hex) = text
            .split_once(':')
            .ok_or_else(|| malformed("digest has no algorithm"))?;
        let (algorithm, length) = match algorithm {
            "sha256" => (Algorithm::Sha256, 64),
            "sha512" => (Algorithm::Sha512, 128),
            _ => return Err(malformed("unsupported digest algorithm")),
        };
        if hex.len() != length || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(malformed("digest is not lowercase hex of the right length"));
        }
        Ok(Self {
            algorithm,
            hex: hex.to_owned(),
        })
    }

    /// The algorithm name, which is also the blob directory name in an OCI layout.
    pub(crate) fn algorithm(&self) -> &'static str {
        match self.algorithm {
            Algorithm::Sha256 => "sha256",
            Algorithm::Sha512 => "sha512",
        }
    }

    /// The hex part.
    pub(crate) fn hex(&self) -> &str {
        &self.hex
    }

    /// Digest of `bytes` with the same algorithm as `self`.
    pub(crate) fn of_same_kind(&self, bytes: &[u8]) -> String {
        let mut hasher = Hasher::new(self.algorithm);
        hasher.update(bytes);
        hasher.finish()
    }

    /// Checks that `bytes` have this digest.
    pub(crate) fn verify(&self, location: &str, bytes: &[u8]) -> Result<(), Error> {
        check(location, &self.to_string(), self.of_same_kind(bytes))
    }
}

impl std::fmt::Display for Digest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.algorithm(), self.hex)
    }
}

/// The sha256 digest of `bytes`, as `sha256:<hex>`.
pub(crate) fn sha256(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn check(location: &str, expected: &str, actual: String) -> Result<(), Error> {
    if actual == expected {
        Ok(())
    } else {
        Err(Error::DigestMismatch {
            location: location.to_owned(),
            expected: expected.to_owned(),
            actual,
        })
    }
}

enum Hasher {
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    fn new(algorithm: Algorithm) -> Self {
        match algorithm {
            Algorithm::Sha256 => Self::Sha256(Sha256::new()),
            Algorithm::Sha512 => Self::Sha512(Sha512::new()),
        }
    }

    fn update(&mut self, bytes: &[u8]) {
        match self {
            Self::Sha256(hasher) => hasher.update(bytes),
            Self::Sha512(hasher) => hasher.update(bytes),
        }
    }

    fn finish(self) -> String {
        match self {
            Self::Sha256(hasher) => format!("sha256:{}", hex::encode(hasher.finalize())),
            Self::Sha512(hasher) => format!("sha512:{}", hex::encode(hasher.finalize())),
        }
    }
}

/// A reader that hashes every byte read through it, to be checked with
/// [`HashingReader::verify`] once the stream is drained.
pub(crate) struct HashingReader<R> {
    inner: R,
    hasher: Option<(Hasher, Digest)>,
}

impl<R: Read> HashingReader<R> {
    /// Hashes `inner` against `expected`, or passes it through when there is nothing to check.
    pub(crate) fn new(inner: R, expected: Option<&Digest>) -> Self {
        Self {
            inner,
            hasher: expected.map(|digest| (Hasher::new(digest.algorithm), digest.clone())),
        }
    }

    /// Reads what is left, then checks the digest of everything read.
    pub(crate) fn verify(mut self, location: &str) -> Result<R, Error> {
        io::copy(&mut self, &mut io::sink())?;
        if let Some((hasher, expected)) = self.hasher {
            check(location, &expected.to_string(), hasher.finish())?;
        }
        Ok(self.inner)
    }
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        if let Some((hasher, _)) = &mut self.hasher {
            hasher.update(buf.get(..read).unwrap_or_default());
        }
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EMPTY_SHA256: &str =
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    #[test]
    fn parses_and_rejects_digests() {
        let digest = Digest::parse(EMPTY_SHA256).unwrap();
        assert_eq!(digest.algorithm(), "sha256");
        assert_eq!(digest.to_string(), EMPTY_SHA256);
        assert!(Digest::parse("sha256:../../etc/passwd").is_err());
        assert!(Digest::parse("md5:abc").is_err());
        assert!(Digest::parse(&EMPTY_SHA256.to_uppercase()).is_err());
    }

    #[test]
    fn hashing_reader_detects_mismatch() {
        let digest = Digest::parse(EMPTY_SHA256).unwrap();
        assert!(
            HashingReader::new(&b""[..], Some(&digest))
                .verify("x")
                .is_ok()
        );
        let error = HashingReader::new(&b"x"[..], Some(&digest))
            .verify("blob")
            .unwrap_err();
        assert!(matches!(error, Error::DigestMismatch { .. }), "{error}");
    }
}
