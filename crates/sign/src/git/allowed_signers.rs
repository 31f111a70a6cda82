//! ssh-keygen's ALLOWED SIGNERS file (ssh-keygen(1), "ALLOWED SIGNERS"): which SSH keys may
//! sign for which principals, in which namespaces and when.
//!
//! Each line is `principals [options] keytype base64-key [comment]`; `#` lines and blank lines
//! are ignored. Principals are a comma-separated list of patterns (`*`, `?`, `!negation`), as
//! OpenSSH's `match_pattern_list`. Options: `namespaces="git,file"` (patterns too),
//! `valid-after` and `valid-before` (`YYYYMMDD[HHMM[SS]]`, local time unless followed by `Z`,
//! as ssh-keygen reads them), and `cert-authority`: SSH certificates are not supported here, so
//! such lines are kept but never match a signing key (an SSHSIG made with a plain key never
//! matches a `cert-authority` line in ssh-keygen either). Unlike ssh-keygen, which skips what
//! it cannot parse when searching, a malformed line is an error naming its line: a typo must
//! not silently drop a signer.

use std::path::{Path, PathBuf};
use std::str::FromStr as _;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use ssh_key::PublicKey;

use super::error::GitError;

/// What is wrong with an allowed signers line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllowedSignersErrorKind {
    /// The line has principals but no key.
    #[error("missing key after the principals")]
    MissingKey,
    /// The key does not parse as an OpenSSH public key.
    #[error("invalid public key: {0}")]
    InvalidKey(String),
    /// An option other than `cert-authority`, `namespaces`, `valid-after`, `valid-before`.
    #[error("unknown option `{0}`")]
    UnknownOption(String),
    /// An option's quoted value is not closed, or the option list is malformed.
    #[error("malformed options: {0}")]
    MalformedOptions(String),
    /// An option appears twice.
    #[error("option `{0}` given twice")]
    DuplicateOption(&'static str),
    /// A `valid-after`/`valid-before` time is not `YYYYMMDD[HHMM[SS]][Z]`.
    #[error("invalid time `{0}`: expected YYYYMMDD[HHMM[SS]][Z]")]
    InvalidTime(String),
}

/// One line of the file.
#[derive(Debug, Clone)]
pub(crate) struct AllowedSigner {
    /// The 1-based line number, for reasons.
    pub(crate) line: usize,
    /// The principals field as written: comma-separated patterns.
    pub(crate) principals: String,
    pub(crate) key: PublicKey,
    pub(crate) cert_authority: bool,
    /// `namespaces="…"`: patterns the signature's namespace must match.
    pub(crate) namespaces: Option<String>,
    pub(crate) valid_after: Option<Timestamp>,
    pub(crate) valid_before: Option<Timestamp>,
}

impl AllowedSigner {
    /// Whether `principal` matches this line's principal patterns.
    pub(crate) fn allows_principal(&self, principal: &str) -> bool {
        match_pattern_list(principal, &self.principals)
    }

    /// Whether signatures in `namespace` may be made with this key.
    pub(crate) fn allows_namespace(&self, namespace: &str) -> bool {
        self.namespaces
            .as_deref()
            .is_none_or(|patterns| match_pattern_list(namespace, patterns))
    }
}

/// A parsed allowed signers file.
#[derive(Debug, Clone)]
pub struct AllowedSigners {
    path: PathBuf,
    signers: Vec<AllowedSigner>,
}

impl AllowedSigners {
    /// Reads `path`; times without `Z` are in `time_zone` (the local one, as for ssh-keygen).
    pub fn from_file(path: &Path, time_zone: &TimeZone) -> Result<Self, GitError> {
        let text = fs_err::read_to_string(path).map_err(GitError::ReadAllowedSigners)?;
        Self::parse(&text, path, time_zone)
    }

    /// Parses the text of a file; `path` names it in errors.
    pub fn parse(text: &str, path: &Path, time_zone: &TimeZone) -> Result<Self, GitError> {
        let mut signers = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let error = |kind| GitError::AllowedSigners {
                path: path.to_owned(),
                line: index + 1,
                kind,
            };
            if let Some(signer) = parse_line(line, index + 1, time_zone).map_err(error)? {
                signers.push(signer);
            }
        }
        Ok(Self {
            path: path.to_owned(),
            signers,
        })
    }

    /// The file this came from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The number of signer lines.
    pub fn len(&self) -> usize {
        self.signers.len()
    }

    /// Whether the file has no signer lines.
    pub fn is_empty(&self) -> bool {
        self.signers.is_empty()
    }

    /// The plain-key lines whose key is `key`, in file order.
    pub(crate) fn lines_for_key<'a>(
        &'a self,
        key: &'a ssh_key::public::KeyData,
    ) -> impl Iterator<Item = &'a AllowedSigner> {
        self.signers
            .iter()
            .filter(move |signer| !signer.cert_authority && signer.key.key_data() == key)
    }
}

fn parse_line(
    line: &str,
    number: usize,
    time_zone: &TimeZone,
) -> Result<Option<AllowedSigner>, AllowedSignersErrorKind> {
    let line = line.trim_start_matches([' ', '\t']);
    if line.is_empty() || line.starts_with('#') {
        return Ok(None);
    }
    let (principals, rest) = split_field(line);
    let rest = rest.trim_start_matches([' ', '\t']);
    if rest.is_empty() {
        return Err(AllowedSignersErrorKind::MissingKey);
    }
    let first = rest.split([' ', '\t']).next().unwrap_or_default();
    let (options, key_text) = if ssh_key::Algorithm::from_str(first).is_ok() {
        (Options::default(), rest)
    } else {
        let (options, key_text) = parse_options(rest, time_zone)?;
        (options, key_text.trim_start_matches([' ', '\t']))
    };
    if key_text.is_empty() {
        return Err(AllowedSignersErrorKind::MissingKey);
    }
    let key = PublicKey::from_openssh(key_text.trim_end())
        .map_err(|error| AllowedSignersErrorKind::InvalidKey(error.to_string()))?;
    Ok(Some(AllowedSigner {
        line: number,
        principals: principals.to_owned(),
        key,
        cert_authority: options.cert_authority,
        namespaces: options.namespaces,
        valid_after: options.valid_after,
        valid_before: options.valid_before,
    }))
}

/// The first whitespace-delimited field (a double-quoted field may hold spaces), and the rest.
fn split_field(line: &str) -> (&str, &str) {
    if let Some(quoted) = line.strip_prefix('"')
        && let Some(end) = quoted.find('"')
    {
        return (&quoted[..end], &quoted[end + 1..]);
    }
    line.find([' ', '\t'])
        .map_or((line, ""), |end| (&line[..end], &line[end..]))
}

#[derive(Debug, Default)]
struct Options {
    cert_authority: bool,
    namespaces: Option<String>,
    valid_after: Option<Timestamp>,
    valid_before: Option<Timestamp>,
}

/// Parses `opt,opt="value",…` up to the first unquoted whitespace; returns the rest.
fn parse_options<'a>(
    text: &'a str,
    time_zone: &TimeZone,
) -> Result<(Options, &'a str), AllowedSignersErrorKind> {
    let mut options = Options::default();
    let mut rest = text;
    loop {
        let name_end = rest.find(['=', ',', ' ', '\t']).unwrap_or(rest.len());
        let (name, after) = rest.split_at(name_end);
        let (value, after) = if let Some(quoted) = after.strip_prefix("=\"") {
            let end = quoted.find('"').ok_or_else(|| {
                AllowedSignersErrorKind::MalformedOptions(format!("unterminated value of `{name}`"))
            })?;
            (Some(&quoted[..end]), &quoted[end + 1..])
        } else if after.starts_with('=') {
            return Err(AllowedSignersErrorKind::MalformedOptions(format!(
                "the value of `{name}` must be in double quotes"
            )));
        } else {
            (None, after)
        };
        match (name.to_ascii_lowercase().as_str(), value) {
            ("cert-authority", None) => options.cert_authority = true,
            ("namespaces", Some(value)) => {
                set_once(&mut options.namespaces, value.to_owned(), "namespaces")?;
            }
            ("valid-after", Some(value)) => set_once(
                &mut options.valid_after,
                parse_time(value, time_zone)?,
                "valid-after",
            )?,
            ("valid-before", Some(value)) => set_once(
                &mut options.valid_before,
                parse_time(value, time_zone)?,
                "valid-before",
            )?,
            _ => return Err(AllowedSignersErrorKind::UnknownOption(name.to_owned())),
        }
        match after.strip_prefix(',') {
            Some(next) if !next.is_empty() && !next.starts_with([' ', '\t']) => rest = next,
            Some(_) => {
                return Err(AllowedSignersErrorKind::MalformedOptions(
                    "unexpected end of options after `,`".to_owned(),
                ));
            }
            None if after.is_empty() || after.starts_with([' ', '\t']) => {
                return Ok((options, after));
            }
            None => {
                return Err(AllowedSignersErrorKind::MalformedOptions(format!(
                    "unexpected text after `{name}`"
                )));
            }
        }
    }
}

fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    name: &'static str,
) -> Result<(), AllowedSignersErrorKind> {
    if slot.replace(value).is_some() {
        return Err(AllowedSignersErrorKind::DuplicateOption(name));
    }
    Ok(())
}

/// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, in `time_zone` unless suffixed `Z` (UTC),
/// as OpenSSH's `parse_absolute_time`.
fn parse_time(text: &str, time_zone: &TimeZone) -> Result<Timestamp, AllowedSignersErrorKind> {
    let invalid = || AllowedSignersErrorKind::InvalidTime(text.to_owned());
    let (digits, zone) = match text.strip_suffix(['Z', 'z']) {
        Some(digits) => (digits, TimeZone::UTC),
        None => (text, time_zone.clone()),
    };
    if !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(invalid());
    }
    let field = |range: std::ops::Range<usize>| -> Result<i16, AllowedSignersErrorKind> {
        digits
            .get(range)
            .and_then(|field| field.parse().ok())
            .ok_or_else(invalid)
    };
    let (hour, minute, second) = match digits.len() {
        8 => (0, 0, 0),
        12 => (field(8..10)?, field(10..12)?, 0),
        14 => (field(8..10)?, field(10..12)?, field(12..14)?),
        _ => return Err(invalid()),
    };
    let month = i8::try_from(field(4..6)?).map_err(|_| invalid())?;
    let day = i8::try_from(field(6..8)?).map_err(|_| invalid())?;
    let to_i8 = |value: i16| i8::try_from(value).map_err(|_| invalid());
    DateTime::new(
        field(0..4)?,
        month,
        day,
        to_i8(hour)?,
        to_i8(minute)?,
        to_i8(second)?,
        0,
    )
    .ok()
    .and_then(|civil| civil.to_zoned(zone).ok())
    .map(|zoned| zoned.timestamp())
    .ok_or_else(invalid)
}

/// OpenSSH's `match_pattern_list`: `subject` matches when some pattern in the comma-separated
/// `patterns` matches and no `!`-negated one does.
pub(crate) fn match_pattern_list(subject: &str, patterns: &str) -> bool {
    let mut matched = false;
    for pattern in patterns.split(',') {
        if let Some(negated) = pattern.strip_prefix('!') {
            if match_pattern(subject.as_bytes(), negated.as_bytes()) {
                return false;
            }
        } else if match_pattern(subject.as_bytes(), pattern.as_bytes()) {
            matched = true;
        }
    }
    matched
}

/// A glob match of the whole `subject`: `*` any run of bytes, `?` any one byte.
fn match_pattern(subject: &[u8], pattern: &[u8]) -> bool {
    let (mut subject_index, mut pattern_index) = (0, 0);
    // Where to resume after the last `*`: the pattern after it, and the subject position.
    let mut star: Option<(usize, usize)> = None;
    while subject_index < subject.len() {
        match pattern.get(pattern_index) {
            Some(b'*') => {
                star = Some((pattern_index + 1, subject_index));
                pattern_index += 1;
            }
            Some(&byte) if byte == b'?' || subject.get(subject_index) == Some(&byte) => {
                subject_index += 1;
                pattern_index += 1;
            }
            _ => match star {
                Some((resume, start)) => {
                    pattern_index = resume;
                    subject_index = start + 1;
                    star = Some((resume, start + 1));
                }
                None => return false,
            },
        }
    }
    pattern
        .get(pattern_index..)
        .is_some_and(|tail| tail.iter().all(|&byte| byte == b'*'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB+Pwo9vp05tV6kcK5xL54JEKz/Wj/4QV0Wz08czxhJM";

    fn parse(text: &str) -> Result<AllowedSigners, GitError> {
        AllowedSigners::parse(text, Path::new("allowed_signers"), &TimeZone::UTC)
    }

    #[test]
    fn plain_and_optioned_lines() {
        let text = format!(
            "# comment\n\n alice@example.com {KEY} alice\n\
             bob@example.com,*@corp.example namespaces=\"git,file\",valid-after=\"20240101\",valid-before=\"202501011230Z\" {KEY}\n\
             ca@example.com cert-authority {KEY}\n"
        );
        let signers = parse(&text).expect("valid file");
        assert_eq!(signers.len(), 3);
        let [alice, bob, ca] = signers.signers.as_slice() else {
            panic!("three lines")
        };
        assert_eq!(alice.line, 3);
        assert!(alice.allows_principal("alice@example.com"));
        assert!(alice.allows_namespace("anything"));
        assert!(bob.allows_principal("carol@corp.example"));
        assert!(bob.allows_namespace("git"));
        assert!(!bob.allows_namespace("gitx"));
        assert_eq!(
            bob.valid_after,
            Some("2024-01-01T00:00:00Z".parse().expect("timestamp"))
        );
        assert_eq!(
            bob.valid_before,
            Some("2025-01-01T12:30:00Z".parse().expect("timestamp"))
        );
        assert!(ca.cert_authority);
        assert_eq!(signers.lines_for_key(alice.key.key_data()).count(), 2);
    }

    #[test]
    fn malformed_lines_name_their_line() {
        for (text, expected) in [
            ("alice@example.com\n", AllowedSignersErrorKind::MissingKey),
            (
                "alice@example.com bogus-option ssh-ed25519 AAAA\n",
                AllowedSignersErrorKind::UnknownOption("bogus-option".to_owned()),
            ),
            (
                "a valid-after=\"2024\" ssh-ed25519 AAAA\n",
                AllowedSignersErrorKind::InvalidTime("2024".to_owned()),
            ),
            (
                "a namespaces=\"git ssh-ed25519 AAAA\n",
                AllowedSignersErrorKind::MalformedOptions(
                    "unterminated value of `namespaces`".to_owned(),
                ),
            ),
        ] {
            let text = format!("# first\n{text}");
            match parse(&text) {
                Err(GitError::AllowedSigners { line, kind, .. }) => {
                    assert_eq!((line, kind), (2, expected), "{text}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        assert!(matches!(
            parse("a ssh-ed25519 AAAA\n"),
            Err(GitError::AllowedSigners {
                kind: AllowedSignersErrorKind::InvalidKey(_),
                ..
            })
        ));
    }

    #[test]
    fn local_times_use_the_given_zone() {
        let zone = TimeZone::fixed(jiff::tz::offset(2));
        assert_eq!(
            parse_time("20240601", &zone).expect("valid"),
            "2024-05-31T22:00:00Z"
                .parse::<Timestamp>()
                .expect("timestamp")
        );
    }

    #[test]
    fn patterns_as_openssh() {
        assert!(match_pattern_list("alice@example.com", "*@example.com"));
        assert!(match_pattern_list("a", "b,a"));
        assert!(!match_pattern_list(
            "alice@example.com",
            "*@example.com,!alice@*"
        ));
        assert!(match_pattern_list("abc", "a?c"));
        assert!(!match_pattern_list("abcd", "a?c"));
        assert!(match_pattern_list("aXbXc", "a*b*c"));
        assert!(!match_pattern_list("git", ""));
        assert!(match_pattern_list("", "*"));
    }
}
