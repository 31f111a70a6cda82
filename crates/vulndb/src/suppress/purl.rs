//! Package URLs taken apart, for matching the purls users write in ignore rules and VEX
//! statements against the purls of findings.
//!
//! `custody_model::Purl` is a canonical string; suppression needs its components to compare a
//! pattern such as `pkg:deb/debian/openssl` (any version, any qualifiers) with
//! `pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12`. The parser follows
//! the purl specification's "how to parse" steps
//! (<https://github.com/package-url/purl-spec/blob/master/PURL-SPECIFICATION.rst>) and is
//! lenient where people are: a raw `@` in an npm scope (`pkg:npm/@angular/core`) is read as
//! part of the namespace, not as the version separator.

/// A parsed package URL; components are percent-decoded and names case-folded where the type
/// compares them case-insensitively.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PackageUrl {
    /// The type, lowercase (`deb`, `pypi`).
    kind: String,
    /// The namespace segments (`debian`; `@angular`).
    namespace: Vec<String>,
    /// The name.
    name: String,
    /// The version, when given.
    version: Option<String>,
    /// The qualifiers, keys lowercase, empty values dropped.
    qualifiers: Vec<(String, String)>,
}

/// Why a text is not a package URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PurlError {
    /// It does not start with `pkg:`.
    Scheme,
    /// The type is missing or has characters other than letters, digits, `.`, `+`, `-`.
    Type,
    /// The name is missing.
    Name,
    /// A `%` escape is not two hex digits, or decodes to bytes that are not UTF-8.
    Encoding,
}

impl std::fmt::Display for PurlError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Scheme => "it does not start with `pkg:`",
            Self::Type => "the type is missing or not made of letters, digits, `.`, `+` and `-`",
            Self::Name => "the name is missing",
            Self::Encoding => "a percent-escape is malformed or not UTF-8",
        })
    }
}

impl PackageUrl {
    /// Parses `text`. The subpath (`#…`) is ignored: custody's purls have none.
    pub(crate) fn parse(text: &str) -> Result<Self, PurlError> {
        let text = text.trim();
        let text = text.split_once('#').map_or(text, |(before, _)| before);
        let (text, qualifiers) = text.split_once('?').unwrap_or((text, ""));
        let (scheme, rest) = text.split_once(':').ok_or(PurlError::Scheme)?;
        if !scheme.eq_ignore_ascii_case("pkg") {
            return Err(PurlError::Scheme);
        }
        let rest = rest.trim_start_matches('/').trim_end_matches('/');
        let (kind, rest) = rest.split_once('/').ok_or(PurlError::Name)?;
        let kind = kind.to_ascii_lowercase();
        let type_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-');
        if kind.is_empty() || !kind.chars().all(type_char) {
            return Err(PurlError::Type);
        }
        let (path, last) = rest.rsplit_once('/').unwrap_or(("", rest));
        let (name, version) = match last.rsplit_once('@') {
            Some((name, version)) => (name, Some(decode(version)?)),
            None => (last, None),
        };
        let name = decode(name)?;
        if name.is_empty() {
            return Err(PurlError::Name);
        }
        let namespace = path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(decode)
            .collect::<Result<Vec<_>, _>>()?;
        let mut parsed_qualifiers = Vec::new();
        for pair in qualifiers.split('&').filter(|pair| !pair.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value)?;
            if !value.is_empty() {
                parsed_qualifiers.push((key.to_ascii_lowercase(), value));
            }
        }
        let mut purl = Self {
            kind,
            namespace,
            name,
            version: version.filter(|version| !version.is_empty()),
            qualifiers: parsed_qualifiers,
        };
        purl.fold_case();
        Ok(purl)
    }

    /// Whether this purl, read as a pattern, covers `package`: same type, namespace and name;
    /// the same version when the pattern has one; and every qualifier of the pattern present
    /// in `package` with the same value.
    pub(crate) fn covers(&self, package: &Self) -> bool {
        self.kind == package.kind
            && self.namespace == package.namespace
            && self.name == package.name
            && self
                .version
                .as_ref()
                .is_none_or(|version| package.version.as_ref() == Some(version))
            && self
                .qualifiers
                .iter()
                .all(|qualifier| package.qualifiers.contains(qualifier))
    }

    /// The type (`oci`, `deb`).
    pub(crate) fn kind(&self) -> &str {
        &self.kind
    }

    /// The version, when given.
    pub(crate) fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// Lowercases namespace and name for the types whose names are case-insensitive, and
    /// applies PEP 503 to PyPI names (`Flask_SQLAlchemy` is `flask-sqlalchemy`).
    fn fold_case(&mut self) {
        match self.kind.as_str() {
            "pypi" => {
                let mut folded = String::with_capacity(self.name.len());
                for part in self
                    .name
                    .split(['-', '_', '.'])
                    .filter(|part| !part.is_empty())
                {
                    if !folded.is_empty() {
                        folded.push('-');
                    }
                    folded.push_str(&part.to_ascii_lowercase());
                }
                self.name = folded;
            }
            "apk" | "bitbucket" | "composer" | "deb" | "github" | "hex" | "nuget" | "oci" => {
                self.name = self.name.to_lowercase();
                for segment in &mut self.namespace {
                    *segment = segment.to_lowercase();
                }
            }
            _ => {}
        }
    }
}

/// Percent-decodes one component.
fn decode(text: &str) -> Result<String, PurlError> {
    if !text.contains('%') {
        return Ok(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while let Some(&byte) = bytes.get(index) {
        if byte == b'%' {
            let hex = bytes
                .get(index + 1..index + 3)
                .and_then(|hex| std::str::from_utf8(hex).ok())
                .and_then(|hex| u8::from_str_radix(hex, 16).ok())
                .ok_or(PurlError::Encoding)?;
            decoded.push(hex);
            index += 3;
        } else {
            decoded.push(byte);
            index += 1;
        }
    }
    String::from_utf8(decoded).map_err(|_| PurlError::Encoding)
}

#[cfg(test)]
mod tests {
    //! Parsing per the purl specification's examples, and pattern coverage.

    use super::*;

    fn purl(text: &str) -> PackageUrl {
        PackageUrl::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
    }

    #[test]
    fn parses_components() {
        let openssl = purl("pkg:deb/debian/openssl@1%3A3.0.15-1~deb12u1?arch=amd64&distro=");
        assert_eq!(openssl.kind, "deb");
        assert_eq!(openssl.namespace, ["debian"]);
        assert_eq!(openssl.name, "openssl");
        assert_eq!(openssl.version.as_deref(), Some("1:3.0.15-1~deb12u1"));
        assert_eq!(openssl.qualifiers, [("arch".into(), "amd64".into())]);
        let scoped = purl("pkg:npm/%40angular/core@16.0.0");
        assert_eq!(scoped, purl("pkg:npm/@angular/core@16.0.0"));
        assert_eq!(scoped.namespace, ["@angular"]);
        let unversioned = purl("pkg:npm/@angular/core");
        assert_eq!(unversioned.name, "core");
        assert_eq!(unversioned.version, None);
        let maven = purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1#sub/path");
        assert_eq!(maven.namespace, ["org.apache.logging.log4j"]);
        assert_eq!(maven.version.as_deref(), Some("2.14.1"));
        let golang = purl("PKG:golang/github.com/gorilla/context@v1.1.1");
        assert_eq!(golang.namespace, ["github.com", "gorilla"]);
        assert_eq!(
            purl("pkg:pypi/Flask_SQLAlchemy@3.0").name,
            "flask-sqlalchemy"
        );
        assert_eq!(
            purl("pkg:oci/debian@sha256%3Aabc").version(),
            Some("sha256:abc")
        );
    }

    #[test]
    fn refuses_what_is_not_a_purl() {
        assert_eq!(PackageUrl::parse("npm/left-pad"), Err(PurlError::Scheme));
        assert_eq!(PackageUrl::parse("https://x/y"), Err(PurlError::Scheme));
        assert_eq!(PackageUrl::parse("pkg:npm"), Err(PurlError::Name));
        assert_eq!(PackageUrl::parse("pkg:npm/@1.0"), Err(PurlError::Name));
        assert_eq!(PackageUrl::parse("pkg:n_m/x"), Err(PurlError::Type));
        assert_eq!(PackageUrl::parse("pkg:npm/x%4"), Err(PurlError::Encoding));
        assert_eq!(PackageUrl::parse("pkg:npm/x%zz"), Err(PurlError::Encoding));
        assert_eq!(PackageUrl::parse("pkg:npm/x%ff"), Err(PurlError::Encoding));
    }

    #[test]
    fn patterns_cover_versions_and_qualifier_subsets() {
        let package = purl("pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12");
        for pattern in [
            "pkg:deb/debian/openssl",
            "pkg:deb/debian/openssl@3.0.15-1~deb12u1",
            "pkg:deb/debian/openssl@3.0.15-1%7Edeb12u1?arch=amd64",
            "pkg:deb/Debian/OpenSSL?distro=debian-12&arch=amd64",
        ] {
            assert!(purl(pattern).covers(&package), "{pattern}");
        }
        for pattern in [
            "pkg:deb/debian/openssl@3.0.14-1",
            "pkg:deb/debian/openssl?arch=arm64",
            "pkg:deb/debian/openssl?arch=amd64&foo=bar",
            "pkg:deb/ubuntu/openssl",
            "pkg:deb/openssl",
            "pkg:rpm/debian/openssl",
            "pkg:deb/debian/libssl3",
        ] {
            assert!(!purl(pattern).covers(&package), "{pattern}");
        }
        // A pattern with a version never covers a package without one.
        assert!(!purl("pkg:npm/x@1").covers(&purl("pkg:npm/x")));
        // npm names are case-sensitive; PyPI names are compared normalized.
        assert!(!purl("pkg:npm/JSONStream").covers(&purl("pkg:npm/jsonstream@1")));
        assert!(purl("pkg:pypi/url_lib3").covers(&purl("pkg:pypi/URL.Lib3@1.0")));
    }
}
