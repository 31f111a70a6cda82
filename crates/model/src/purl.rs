//! Package URLs (<https://github.com/package-url/purl-spec>), built and printed canonically.

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
}
