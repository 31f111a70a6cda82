//! Package URLs (<https://github.com/package-url/purl-spec>), built and printed canonically,
//! and parsed back into their components.
//!
//! [`Purl::new`] builds the purls custody's catalogers give packages; [`Purl::parse`] splits
//! any purl (custody's own, or one another tool wrote into an SBOM) into a [`ParsedPurl`]
//! following the specification's "How to parse a purl string into its components"
//! (`docs/how-to-parse.md` in package-url/purl-spec), and [`ParsedPurl::to_purl`] prints it
//! canonically again, so a purl read from an SBOM and one custody built for the same package
//! compare equal.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A canonical package URL such as `pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64`.
///
/// Built with [`Purl::new`] and [`PurlBuilder::with_qualifier`]; components are percent-encoded as the
/// purl specification requires (everything but `A-Z a-z 0-9 . - _ ~`), qualifiers are sorted by
/// key and empty qualifier values are dropped, so two equal packages always print the same purl.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Purl(String);

/// Builder state for [`Purl`]: the parts before the qualifiers are encoded once, up front.
#[derive(Debug, Clone)]
pub struct PurlBuilder {
    head: String,
    qualifiers: Vec<(String, String)>,
}

impl Purl {
    /// Starts a purl of `kind` (`deb`, `apk`, `rpm`, `npm`, …) with an optional namespace.
    ///
    /// Namespace segments separated by `/` are encoded one by one, so a Maven group or an npm
    /// scope keeps its slashes.
    #[expect(
        clippy::new_ret_no_self,
        reason = "the builder is the purl under construction; `PurlBuilder::build` finishes it"
    )]
    pub fn new(kind: &str, namespace: Option<&str>, name: &str, version: &str) -> PurlBuilder {
        let mut head = format!("pkg:{}/", kind.to_ascii_lowercase());
        if let Some(namespace) = namespace.filter(|namespace| !namespace.is_empty()) {
            for segment in namespace.split('/').filter(|segment| !segment.is_empty()) {
                encode_into(&mut head, segment);
                head.push('/');
            }
        }
        encode_into(&mut head, name);
        if !version.is_empty() {
            head.push('@');
            encode_into(&mut head, version);
        }
        PurlBuilder {
            head,
            qualifiers: Vec::new(),
        }
    }

    /// The purl as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Wraps text that is already a purl (read back from an SBOM or custody's JSON).
    pub fn from_canonical(text: impl Into<String>) -> Self {
        Self(text.into())
    }

    /// Splits `text` into its components, percent-decoded.
    ///
    /// Follows the specification's parsing steps, right to left: subpath after `#`,
    /// qualifiers after `?`, the `pkg:` scheme (slashes after it ignored), the type, the
    /// version after the last `@` of the last segment, the name, and the namespace segments.
    /// Type and qualifier keys are lowercased; qualifiers with empty values are dropped, the
    /// others sorted by key; empty and `.`/`..` subpath segments are dropped. No type-specific
    /// normalization is applied (a `PyPI` name keeps its case), since custody keeps names as
    /// the packaging system spells them.
    ///
    /// Characters the specification wants encoded but that are unambiguous where they stand
    /// (a raw `:` or `+` in a version, as Syft writes `1:2.38.1-5%2Bb1`) are accepted.
    ///
    /// ```
    /// use custody_model::Purl;
    ///
    /// let purl = Purl::parse("pkg:rpm/rocky/openssl-libs@3.0.7-27.el9?epoch=1&arch=x86_64")?;
    /// assert_eq!(purl.namespace.as_deref(), Some("rocky"));
    /// assert_eq!(purl.qualifier("epoch"), Some("1"));
    /// assert_eq!(
    ///     purl.to_purl().as_str(),
    ///     "pkg:rpm/rocky/openssl-libs@3.0.7-27.el9?arch=x86_64&epoch=1"
    /// );
    /// # Ok::<(), custody_model::PurlError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`PurlError`] with the byte offset in `text` and the [`PurlErrorKind`] of the first
    /// problem: no `pkg:` scheme, an invalid type or qualifier key, a repeated qualifier key,
    /// a missing name, a bad `%` escape, or an escape that decodes to invalid UTF-8 or to a `/`
    /// inside a namespace or subpath segment.
    pub fn parse(text: &str) -> Result<ParsedPurl, PurlError> {
        parse(text).map_err(|(offset, kind)| PurlError {
            purl: text.to_owned(),
            offset,
            kind,
        })
    }
}

impl PurlBuilder {
    /// Adds a qualifier; an empty value is dropped, as the specification says.
    #[must_use]
    pub fn with_qualifier(mut self, key: &str, value: &str) -> Self {
        if !value.is_empty() {
            self.qualifiers
                .push((key.to_ascii_lowercase(), value.to_owned()));
        }
        self
    }

    /// Finishes the purl, sorting qualifiers by key.
    pub fn build(mut self) -> Purl {
        self.qualifiers.sort();
        self.qualifiers.dedup_by(|a, b| a.0 == b.0);
        let mut text = self.head;
        for (index, (key, value)) in self.qualifiers.iter().enumerate() {
            text.push(if index == 0 { '?' } else { '&' });
            text.push_str(key);
            text.push('=');
            encode_into(&mut text, value);
        }
        Purl(text)
    }
}

impl From<PurlBuilder> for Purl {
    fn from(builder: PurlBuilder) -> Self {
        builder.build()
    }
}

impl fmt::Display for Purl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A purl split into its components, percent-decoded: what [`Purl::parse`] returns.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ParsedPurl {
    /// The package type, lowercase (`deb`, `npm`, `golang`).
    pub kind: String,
    /// Namespace segments joined with `/` (`debian`, `@types`, `github.com/sirupsen`), or
    /// `None` when there are none.
    pub namespace: Option<String>,
    /// The package name; never empty.
    pub name: String,
    /// The version, or `None` when the purl has none.
    pub version: Option<String>,
    /// Qualifiers as `(key, value)`: keys lowercase and unique, values non-empty, sorted by
    /// key.
    pub qualifiers: Vec<(String, String)>,
    /// Subpath segments joined with `/`, or `None` when there are none.
    pub subpath: Option<String>,
}

impl ParsedPurl {
    /// The value of qualifier `key` (lowercase), if present.
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .binary_search_by(|(candidate, _)| candidate.as_str().cmp(key))
            .ok()
            .and_then(|index| self.qualifiers.get(index))
            .map(|(_, value)| value.as_str())
    }

    /// The canonical purl text of these components, encoded as [`Purl::new`] encodes.
    pub fn to_purl(&self) -> Purl {
        let mut builder = Purl::new(
            &self.kind,
            self.namespace.as_deref(),
            &self.name,
            self.version.as_deref().unwrap_or_default(),
        );
        for (key, value) in &self.qualifiers {
            builder = builder.with_qualifier(key, value);
        }
        let mut purl = builder.build();
        if let Some(subpath) = &self.subpath {
            let mut segments = subpath.split('/').filter(|segment| !segment.is_empty());
            if let Some(first) = segments.next() {
                purl.0.push('#');
                encode_into(&mut purl.0, first);
                for segment in segments {
                    purl.0.push('/');
                    encode_into(&mut purl.0, segment);
                }
            }
        }
        purl
    }
}

/// Why text is not a purl: where (a byte offset into the text) and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PurlError {
    /// The whole text that was parsed.
    pub purl: String,
    /// Byte offset in `purl` where the problem starts.
    pub offset: usize,
    /// What is wrong there.
    pub kind: PurlErrorKind,
}

impl fmt::Display for PurlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a package URL (at byte {}: {})",
            self.purl, self.offset, self.kind
        )
    }
}

impl std::error::Error for PurlError {}

/// What [`Purl::parse`] found wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PurlErrorKind {
    /// The text does not start with the `pkg:` scheme.
    MissingScheme,
    /// The type is empty, does not start with an ASCII letter, or holds a character other
    /// than ASCII letters, digits, `.`, `+` and `-`.
    InvalidType,
    /// There is no name after the type and namespace.
    MissingName,
    /// A `%` not followed by two hexadecimal digits.
    InvalidEscape,
    /// Percent-decoding gave bytes that are not UTF-8.
    InvalidUtf8,
    /// A decoded namespace or subpath segment holds a `/`, which would change the segments.
    SlashInSegment,
    /// A qualifier without `=`.
    MissingQualifierValue,
    /// A qualifier key that is empty, does not start with an ASCII letter, or holds a
    /// character other than ASCII letters, digits, `.`, `-` and `_`.
    InvalidQualifierKey,
    /// The same qualifier key twice.
    DuplicateQualifier,
}

impl fmt::Display for PurlErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MissingScheme => "no `pkg:` scheme",
            Self::InvalidType => "invalid type",
            Self::MissingName => "no name",
            Self::InvalidEscape => "`%` not followed by two hexadecimal digits",
            Self::InvalidUtf8 => "percent-encoded bytes are not UTF-8",
            Self::SlashInSegment => "encoded `/` inside a segment",
            Self::MissingQualifierValue => "qualifier without `=`",
            Self::InvalidQualifierKey => "invalid qualifier key",
            Self::DuplicateQualifier => "repeated qualifier key",
        })
    }
}

/// A parse failure before it is tied to the text: (byte offset, kind).
type Failure = (usize, PurlErrorKind);

fn parse(text: &str) -> Result<ParsedPurl, Failure> {
    // Each step takes a piece off the right or left of `rest`, which is always
    // `text[start..end]`; offsets in errors are into `text`.
    let (mut end, subpath) = match text.rfind('#') {
        Some(hash) => (hash, parse_subpath(text, hash + 1)?),
        None => (text.len(), None),
    };
    let qualifiers = match text.get(..end).and_then(|head| head.rfind('?')) {
        Some(question) => {
            let qualifiers = parse_qualifiers(text, question + 1, end)?;
            end = question;
            qualifiers
        }
        None => Vec::new(),
    };

    let head = text.get(..end).unwrap_or_default();
    let colon = head.find(':').ok_or((0, PurlErrorKind::MissingScheme))?;
    if !head
        .get(..colon)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("pkg"))
    {
        return Err((0, PurlErrorKind::MissingScheme));
    }
    let mut start = colon + 1;
    while text.as_bytes().get(start) == Some(&b'/') && start < end {
        start += 1;
    }
    while end > start && text.as_bytes().get(end - 1) == Some(&b'/') {
        end -= 1;
    }

    let body = text.get(start..end).unwrap_or_default();
    let type_end = body.find('/').ok_or((end, PurlErrorKind::MissingName))?;
    let kind = body.get(..type_end).unwrap_or_default();
    let valid_type = kind.starts_with(|character: char| character.is_ascii_alphabetic())
        && kind
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'+' | b'-'));
    if !valid_type {
        return Err((start, PurlErrorKind::InvalidType));
    }
    start += type_end + 1;

    // The name is the last segment; the version follows the last `@` inside it that is not
    // its first character, so an unencoded npm scope (`@types/node`) is never a version.
    let rest = text.get(start..end).unwrap_or_default();
    let name_start = start + rest.rfind('/').map_or(0, |slash| slash + 1);
    let last_segment = text.get(name_start..end).unwrap_or_default();
    let version = match last_segment.rfind('@').filter(|at| *at > 0) {
        Some(at) => {
            let version_start = name_start + at + 1;
            let version = decode(text, version_start, end)?;
            end = name_start + at;
            Some(version).filter(|version| !version.is_empty())
        }
        None => None,
    };
    let name = decode(text, name_start, end)?;
    if name.is_empty() {
        return Err((name_start, PurlErrorKind::MissingName));
    }

    let mut segments = Vec::new();
    let mut segment_start = start;
    for raw in text.get(start..name_start).unwrap_or_default().split('/') {
        if !raw.is_empty() {
            let segment = decode(text, segment_start, segment_start + raw.len())?;
            if segment.contains('/') {
                return Err((segment_start, PurlErrorKind::SlashInSegment));
            }
            segments.push(segment);
        }
        segment_start += raw.len() + 1;
    }

    Ok(ParsedPurl {
        kind: kind.to_ascii_lowercase(),
        namespace: (!segments.is_empty()).then(|| segments.join("/")),
        name,
        version,
        qualifiers,
        subpath,
    })
}

/// The subpath in `text[start..]`: segments decoded, empty, `.` and `..` ones dropped.
fn parse_subpath(text: &str, start: usize) -> Result<Option<String>, Failure> {
    let mut segments = Vec::new();
    let mut segment_start = start;
    for raw in text.get(start..).unwrap_or_default().split('/') {
        let segment = decode(text, segment_start, segment_start + raw.len())?;
        if segment.contains('/') {
            return Err((segment_start, PurlErrorKind::SlashInSegment));
        }
        if !matches!(segment.as_str(), "" | "." | "..") {
            segments.push(segment);
        }
        segment_start += raw.len() + 1;
    }
    Ok((!segments.is_empty()).then(|| segments.join("/")))
}

/// The qualifiers in `text[start..end]`, sorted by key, empty values dropped.
fn parse_qualifiers(
    text: &str,
    start: usize,
    end: usize,
) -> Result<Vec<(String, String)>, Failure> {
    let mut qualifiers: Vec<(String, String)> = Vec::new();
    let mut pair_start = start;
    for pair in text.get(start..end).unwrap_or_default().split('&') {
        let pair_end = pair_start + pair.len();
        if !pair.is_empty() {
            let equals = pair
                .find('=')
                .ok_or((pair_start, PurlErrorKind::MissingQualifierValue))?;
            let key = pair.get(..equals).unwrap_or_default();
            let valid_key = key.starts_with(|character: char| character.is_ascii_alphabetic())
                && key
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_'));
            if !valid_key {
                return Err((pair_start, PurlErrorKind::InvalidQualifierKey));
            }
            let key = key.to_ascii_lowercase();
            if qualifiers.iter().any(|(seen, _)| *seen == key) {
                return Err((pair_start, PurlErrorKind::DuplicateQualifier));
            }
            let value = decode(text, pair_start + equals + 1, pair_end)?;
            if !value.is_empty() {
                qualifiers.push((key, value));
            }
        }
        pair_start = pair_end + 1;
    }
    qualifiers.sort();
    Ok(qualifiers)
}

/// Percent-decodes `text[start..end]`.
fn decode(text: &str, start: usize, end: usize) -> Result<String, Failure> {
    let raw = text.get(start..end).unwrap_or_default();
    if !raw.contains('%') {
        return Ok(raw.to_owned());
    }
    let bytes = raw.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let digit = |offset: usize| {
                bytes
                    .get(index + offset)
                    .and_then(|digit| char::from(*digit).to_digit(16))
            };
            let (Some(high), Some(low)) = (digit(1), digit(2)) else {
                return Err((start + index, PurlErrorKind::InvalidEscape));
            };
            decoded.push((high * 16 + low) as u8);
            index += 3;
        } else {
            decoded.push(byte);
            index += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| (start, PurlErrorKind::InvalidUtf8))
}

fn encode_into(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'-' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_reserved_characters_and_sorts_qualifiers() {
        let purl = Purl::new("deb", Some("debian"), "libc6", "2.36-9+deb12u7")
            .with_qualifier("distro", "debian-12")
            .with_qualifier("arch", "amd64")
            .build();
        assert_eq!(
            purl.as_str(),
            "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=debian-12"
        );
    }

    #[test]
    fn keeps_namespace_slashes_and_drops_empty_values() {
        let purl = Purl::new("npm", Some("@types/"), "node", "")
            .with_qualifier("arch", "")
            .build();
        assert_eq!(purl.as_str(), "pkg:npm/%40types/node");
    }

    #[test]
    fn encodes_epoch_colon() {
        let purl = Purl::new("deb", Some("debian"), "bsdutils", "1:2.38.1-5+b1").build();
        assert_eq!(purl.as_str(), "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1");
    }

    fn parsed(
        kind: &str,
        namespace: Option<&str>,
        name: &str,
        version: Option<&str>,
        qualifiers: &[(&str, &str)],
        subpath: Option<&str>,
    ) -> ParsedPurl {
        ParsedPurl {
            kind: kind.to_owned(),
            namespace: namespace.map(str::to_owned),
            name: name.to_owned(),
            version: version.map(str::to_owned),
            qualifiers: qualifiers
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
            subpath: subpath.map(str::to_owned),
        }
    }

    fn failure(text: &str) -> (usize, PurlErrorKind) {
        let error = Purl::parse(text).expect_err(text);
        assert_eq!(error.purl, text);
        (error.offset, error.kind)
    }

    #[test]
    fn parses_every_component() {
        assert_eq!(
            Purl::parse(
                "pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?distro=debian-12&arch=amd64#usr/share"
            )
            .unwrap(),
            parsed(
                "deb",
                Some("debian"),
                "libc6",
                Some("2.36-9+deb12u7"),
                &[("arch", "amd64"), ("distro", "debian-12")],
                Some("usr/share"),
            )
        );
        assert_eq!(
            Purl::parse("pkg:golang/github.com/sirupsen/logrus@v1.9.3").unwrap(),
            parsed(
                "golang",
                Some("github.com/sirupsen"),
                "logrus",
                Some("v1.9.3"),
                &[],
                None
            )
        );
    }

    /// The specification's leniencies: scheme and type case, slashes after the scheme,
    /// uppercase qualifier keys, empty values, empty and dot subpath segments.
    #[test]
    fn normalizes_what_the_specification_says_is_insignificant() {
        assert_eq!(
            Purl::parse("PKG://Maven/org.apache//commons-io/?Repository_URL=x&empty=#/./a//b/../")
                .unwrap(),
            parsed(
                "maven",
                Some("org.apache"),
                "commons-io",
                None,
                &[("repository_url", "x")],
                Some("a/b"),
            )
        );
    }

    /// Raw characters other tools leave unencoded: Syft's `:` in Debian epochs, an npm scope
    /// written `@types`, and non-ASCII text.
    #[test]
    fn accepts_unambiguous_unencoded_characters() {
        let syft = Purl::parse("pkg:deb/debian/bsdutils@1:2.38.1-5%2Bb1?arch=amd64").unwrap();
        assert_eq!(syft.version.as_deref(), Some("1:2.38.1-5+b1"));
        assert_eq!(
            syft.to_purl().as_str(),
            "pkg:deb/debian/bsdutils@1%3A2.38.1-5%2Bb1?arch=amd64"
        );
        let scoped = Purl::parse("pkg:npm/@types/node").unwrap();
        assert_eq!(
            (
                scoped.namespace.as_deref(),
                scoped.name.as_str(),
                scoped.version
            ),
            (Some("@types"), "node", None)
        );
        assert_eq!(
            Purl::parse("pkg:npm/%40types/node@20.1.0")
                .unwrap()
                .version
                .as_deref(),
            Some("20.1.0")
        );
        assert_eq!(Purl::parse("pkg:generic/ünï@1").unwrap().name, "ünï");
    }

    #[test]
    fn reports_where_the_problem_is() {
        assert_eq!(failure("deb/debian/x@1"), (0, PurlErrorKind::MissingScheme));
        assert_eq!(failure("purl:deb/x"), (0, PurlErrorKind::MissingScheme));
        assert_eq!(failure("pkg:deb"), (7, PurlErrorKind::MissingName));
        assert_eq!(failure("pkg:1deb/x"), (4, PurlErrorKind::InvalidType));
        assert_eq!(failure("pkg:d%65b/x"), (4, PurlErrorKind::InvalidType));
        assert_eq!(failure("pkg:deb//"), (7, PurlErrorKind::MissingName));
        assert_eq!(failure("pkg:deb/a%2/b"), (9, PurlErrorKind::InvalidEscape));
        assert_eq!(
            failure("pkg:deb/a/b@1%zz"),
            (13, PurlErrorKind::InvalidEscape)
        );
        assert_eq!(failure("pkg:deb/a/b%FF"), (10, PurlErrorKind::InvalidUtf8));
        assert_eq!(
            failure("pkg:deb/a%2Fb/c"),
            (8, PurlErrorKind::SlashInSegment)
        );
        assert_eq!(
            failure("pkg:deb/c#x%2Fy"),
            (10, PurlErrorKind::SlashInSegment)
        );
        assert_eq!(
            failure("pkg:deb/c?arch"),
            (10, PurlErrorKind::MissingQualifierValue)
        );
        assert_eq!(
            failure("pkg:deb/c?a=1&9x=2"),
            (14, PurlErrorKind::InvalidQualifierKey)
        );
        assert_eq!(
            failure("pkg:deb/c?a=1&A=2"),
            (14, PurlErrorKind::DuplicateQualifier)
        );
        let message = Purl::parse("pkg:deb/a%2").unwrap_err().to_string();
        assert_eq!(
            message,
            "`pkg:deb/a%2` is not a package URL (at byte 9: `%` not followed by two \
             hexadecimal digits)"
        );
    }

    /// A deterministic generator (splitmix64), so the property tests need no extra crate and
    /// fail the same way every run.
    struct Generator(u64);

    impl Generator {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, bound: usize) -> usize {
            (self.next() % bound as u64) as usize
        }

        fn pick<'a>(&mut self, choices: &[&'a str]) -> &'a str {
            choices[self.below(choices.len())]
        }

        /// Text of up to `max` pieces drawn from characters purls give meaning to, characters
        /// that must be encoded, and plain ones.
        fn text(&mut self, max: usize) -> String {
            const PIECES: &[&str] = &[
                "a",
                "Z",
                "0",
                "9",
                ".",
                "-",
                "_",
                "~",
                "/",
                "@",
                "?",
                "#",
                "&",
                "=",
                ":",
                "%",
                "%2F",
                "+",
                " ",
                "ü",
                "日本",
                "\u{1F600}",
                "\n",
                "\"",
                "pkg:",
                "..",
            ];
            let length = self.below(max + 1);
            (0..length).map(|_| self.pick(PIECES)).collect()
        }
    }

    /// parse(build(x)) == x for everything [`Purl::new`] accepts: a valid type and qualifier
    /// keys, a non-empty name, any namespace, version, and qualifier values.
    #[test]
    fn parse_inverts_build() {
        let mut generator = Generator(0x5EED);
        for _ in 0..20_000 {
            let kind = generator.pick(&["deb", "NPM", "golang", "c++", "a.b-c"]);
            let namespace = generator.text(6);
            let mut name = generator.text(6);
            if name.is_empty() {
                name.push('n');
            }
            let version = generator.text(6);
            let mut builder = Purl::new(kind, Some(&namespace), &name, &version);
            let mut qualifiers: Vec<(String, String)> = Vec::new();
            for _ in 0..generator.below(4) {
                let key = generator.pick(&["arch", "Distro", "epoch", "repository_url", "a.b-c"]);
                let value = generator.text(4);
                builder = builder.with_qualifier(key, &value);
                let key = key.to_ascii_lowercase();
                // The builder keeps the first of a repeated key in sorted order: the least value.
                if !value.is_empty() {
                    match qualifiers.iter_mut().find(|(seen, _)| *seen == key) {
                        Some((_, kept)) => {
                            if value < *kept {
                                *kept = value;
                            }
                        }
                        None => qualifiers.push((key, value)),
                    }
                }
            }
            qualifiers.sort();
            let purl = builder.build();
            let segments: Vec<&str> = namespace.split('/').filter(|s| !s.is_empty()).collect();
            let expected = ParsedPurl {
                kind: kind.to_ascii_lowercase(),
                namespace: (!segments.is_empty()).then(|| segments.join("/")),
                name,
                version: Some(version).filter(|version| !version.is_empty()),
                qualifiers,
                subpath: None,
            };
            let parsed = Purl::parse(purl.as_str())
                .unwrap_or_else(|error| panic!("{error} for {expected:?}"));
            assert_eq!(parsed, expected, "{purl}");
            assert_eq!(parsed.to_purl(), purl);
        }
    }

    /// Whatever parses prints canonically, and the canonical text parses to the same parts.
    #[test]
    fn canonical_form_is_a_fixed_point() {
        let mut generator = Generator(0x00C0_FFEE);
        let mut parsed_count = 0;
        for _ in 0..20_000 {
            let kind = generator.pick(&["deb", "", "Npm/", "1x"]);
            let text = format!("pkg:{kind}/{}", generator.text(12));
            if let Ok(parsed) = Purl::parse(&text) {
                parsed_count += 1;
                let canonical = parsed.to_purl();
                assert_eq!(Purl::parse(canonical.as_str()).unwrap(), parsed, "{text}");
            }
        }
        assert!(
            parsed_count > 1_000,
            "only {parsed_count} generated purls parsed"
        );
    }
}
