//! A raw git commit object split the way git splits it before checking a signature: the
//! signature header (`gpgsig`, or `gpgsig-sha256` in SHA-256 repositories) taken out, the rest
//! is the signed payload; and the author and committer identities read from the headers.
//!
//! Mirrors `parse_buffer_signed_by_header` in git's commit.c: only the header block is
//! scanned (everything after the first empty line is payload as is), a header's continuation
//! lines begin with a space, and signature headers of the other hash algorithm are dropped
//! from the payload as well.

use jiff::Timestamp;

/// How object names are hashed in the repository, which decides the signature header's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectFormat {
    /// 40 hex digits; the signature is in `gpgsig`.
    Sha1,
    /// 64 hex digits; the signature is in `gpgsig-sha256`.
    Sha256,
}

impl ObjectFormat {
    /// The format of an object name, from its length; `None` for anything but 40 or 64
    /// hexadecimal digits.
    pub fn of_object_name(name: &str) -> Option<Self> {
        if !name.bytes().all(|byte| byte.is_ascii_hexdigit()) {
            return None;
        }
        match name.len() {
            40 => Some(Self::Sha1),
            64 => Some(Self::Sha256),
            _ => None,
        }
    }

    fn signature_header(self) -> &'static [u8] {
        match self {
            Self::Sha1 => b"gpgsig",
            Self::Sha256 => b"gpgsig-sha256",
        }
    }
}

/// A name, email and time from an `author` or `committer` header.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Identity {
    /// The name before `<`, trimmed.
    pub name: String,
    /// What is between `<` and `>`.
    pub email: String,
    /// The Unix time after `>`; `None` when missing or out of range. JSON: RFC 3339.
    #[serde(serialize_with = "serialize_time")]
    pub time: Option<Timestamp>,
}

/// `Option<Timestamp>` as an RFC 3339 string or null (jiff's serde feature is not enabled).
#[expect(
    clippy::ref_option,
    reason = "serde's `serialize_with` passes a reference to the field"
)]
fn serialize_time<S: serde::Serializer>(
    time: &Option<Timestamp>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match time {
        Some(time) => serializer.collect_str(time),
        None => serializer.serialize_none(),
    }
}

impl Identity {
    /// Parses `Name <email> 1700000000 +0100` as git's `split_ident_line` does (lossy UTF-8).
    fn parse(line: &[u8]) -> Option<Self> {
        let line = String::from_utf8_lossy(line);
        let open = line.find('<')?;
        let close = open + line.get(open..)?.find('>')?;
        let name = line.get(..open)?.trim().to_owned();
        let email = line.get(open + 1..close)?.to_owned();
        let time = line
            .get(close + 1..)?
            .split_whitespace()
            .next()
            .and_then(|seconds| seconds.parse::<i64>().ok())
            .and_then(|seconds| Timestamp::from_second(seconds).ok());
        Some(Self { name, email, time })
    }
}

/// A commit object with its signature separated from what it signs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitObject {
    /// The object without the signature header: the bytes the signature covers.
    pub payload: Vec<u8>,
    /// The signature header's value with continuation spaces removed, or `None` when the
    /// commit is not signed.
    pub signature: Option<Vec<u8>>,
    /// The `author` header.
    pub author: Option<Identity>,
    /// The `committer` header; its time is when the signature is checked at (as git does).
    pub committer: Option<Identity>,
}

impl CommitObject {
    /// Splits a raw commit object (`git cat-file commit`).
    pub fn parse(object: &[u8], format: ObjectFormat) -> Self {
        let own_header = format.signature_header();
        let mut payload = Vec::with_capacity(object.len());
        let mut signature: Option<Vec<u8>> = None;
        let mut in_signature = false;
        let mut other_signature = false;
        let mut rest = object;
        while !rest.is_empty() {
            let end = memchr_newline(rest).map_or(rest.len(), |index| index + 1);
            let (line, next) = rest.split_at(end);
            rest = next;
            if line.first() == Some(&b'\n') {
                // The end of the headers: the message is payload as it is.
                payload.extend_from_slice(line);
                payload.extend_from_slice(rest);
                break;
            }
            let value = if in_signature && line.first() == Some(&b' ') {
                line.get(1..)
            } else if let Some(value) = line
                .strip_prefix(own_header)
                .and_then(|tail| tail.strip_prefix(b" "))
            {
                other_signature = false;
                Some(value)
            } else {
                if line.starts_with(b"gpgsig") {
                    other_signature = true;
                } else if other_signature && line.first() != Some(&b' ') {
                    other_signature = false;
                }
                None
            };
            if let Some(value) = value {
                signature
                    .get_or_insert_with(Vec::new)
                    .extend_from_slice(value);
                in_signature = true;
            } else {
                if !other_signature {
                    payload.extend_from_slice(line);
                }
                in_signature = false;
            }
        }
        let header = |name: &[u8]| {
            headers(&payload)
                .find_map(|line| line.strip_prefix(name)?.strip_prefix(b" "))
                .and_then(Identity::parse)
        };
        let author = header(b"author");
        let committer = header(b"committer");
        Self {
            payload,
            signature,
            author,
            committer,
        }
    }

    /// The first line of the commit message, for people.
    pub fn subject(&self) -> String {
        let message = self
            .payload
            .windows(2)
            .position(|pair| pair == b"\n\n")
            .and_then(|index| self.payload.get(index + 2..))
            .unwrap_or_default();
        let line = message
            .split(|&byte| byte == b'\n')
            .next()
            .unwrap_or_default();
        String::from_utf8_lossy(line).into_owned()
    }
}

/// The header lines of `object`, without their newlines, up to the empty line.
fn headers(object: &[u8]) -> impl Iterator<Item = &[u8]> {
    object
        .split(|&byte| byte == b'\n')
        .take_while(|line| !line.is_empty())
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    bytes.iter().position(|&byte| byte == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIGNED: &[u8] = b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
author A U Thor <author@example.com> 1700000000 +0100\n\
committer C O Mitter <committer@example.com> 1700000100 -0200\n\
gpgsig -----BEGIN SSH SIGNATURE-----\n \n U1NIU0lH\n -----END SSH SIGNATURE-----\n\
gpgsig-sha256 -----BEGIN PGP SIGNATURE-----\n abc\n -----END PGP SIGNATURE-----\n\
\n\
subject line\n\
\n\
gpgsig not a header in the message\n";

    #[test]
    fn sha1_repository_takes_gpgsig_and_drops_the_other_signature_header() {
        let commit = CommitObject::parse(SIGNED, ObjectFormat::Sha1);
        assert_eq!(
            commit.signature.as_deref(),
            Some(&b"-----BEGIN SSH SIGNATURE-----\n\nU1NIU0lH\n-----END SSH SIGNATURE-----\n"[..])
        );
        assert_eq!(
            commit.payload,
            b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\n\
author A U Thor <author@example.com> 1700000000 +0100\n\
committer C O Mitter <committer@example.com> 1700000100 -0200\n\
\n\
subject line\n\
\n\
gpgsig not a header in the message\n"
        );
        let committer = commit.committer.clone().expect("committer header present");
        assert_eq!(committer.email, "committer@example.com");
        assert_eq!(committer.name, "C O Mitter");
        assert_eq!(committer.time, Timestamp::from_second(1_700_000_100).ok());
        assert_eq!(
            commit.author.as_ref().expect("author").email,
            "author@example.com"
        );
        assert_eq!(commit.subject(), "subject line");
    }

    #[test]
    fn sha256_repository_takes_gpgsig_sha256() {
        let commit = CommitObject::parse(SIGNED, ObjectFormat::Sha256);
        assert_eq!(
            commit.signature.as_deref(),
            Some(&b"-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n"[..])
        );
        assert!(!commit.payload.windows(6).any(|window| window == b"U1NIU0"));
    }

    #[test]
    fn unsigned_commit_is_its_own_payload() {
        let object =
            b"tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor x <x@y> 1 +0000\n\nmsg";
        let commit = CommitObject::parse(object, ObjectFormat::Sha1);
        assert_eq!(commit.signature, None);
        assert_eq!(commit.payload, object);
        assert_eq!(commit.committer, None);
    }

    #[test]
    fn object_format_from_name_length() {
        assert_eq!(
            ObjectFormat::of_object_name(&"a".repeat(40)),
            Some(ObjectFormat::Sha1)
        );
        assert_eq!(
            ObjectFormat::of_object_name(&"0".repeat(64)),
            Some(ObjectFormat::Sha256)
        );
        assert_eq!(ObjectFormat::of_object_name("xyz"), None);
    }
}
