//! [`Version`]: a version string parsed once by its [`Scheme`], ordered by that scheme.
//!
//! Matching compares one installed version against many range events, so the installed version
//! is parsed once with [`Scheme::parse`] and compared as a [`Version`]; [`compare`] is the
//! one-shot form for two strings.

use std::cmp::Ordering;
use std::fmt;

use crate::scheme::Parsed;
use crate::{Error, Scheme};

/// A version parsed by a [`Scheme`], ordered the way that scheme's tool orders it.
///
/// Equality is the scheme's: Maven's `1` and `1.0.0` are equal, and so are `SemVer` versions that
/// differ only in build metadata. [`Version::as_str`] and `Display` give the text as parsed.
///
/// Versions of different schemes are not comparable in any meaningful way; so that `Version`
/// can be `Ord` (and sorted without surprises), they order by [`Scheme`] first. Compare only
/// versions parsed with the same scheme, or check [`Version::scheme`].
///
/// Every scheme's order is total: antisymmetric and transitive on all inputs. Where an upstream
/// tool's comparison is not (Maven's `ComparableVersion`, PHP's `version_compare`, apk-tools on
/// malformed versions), the scheme's module documents the total order chosen instead.
#[derive(Debug, Clone)]
pub struct Version {
    scheme: Scheme,
    text: Box<str>,
    parsed: Parsed,
}

impl Version {
    /// Wraps a parsed form; only [`Scheme::parse`] builds versions.
    pub(crate) fn new(scheme: Scheme, text: &str, parsed: Parsed) -> Self {
        Self {
            scheme,
            text: text.into(),
            parsed,
        }
    }

    /// The scheme this version was parsed with.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The text this version was parsed from, unchanged.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        self.scheme
            .cmp(&other.scheme)
            .then_with(|| self.parsed.compare(&other.parsed))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Version {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Version {}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Compares two version strings under `scheme`: `Less` when `a` is older than `b`.
///
/// Parses both every time; to compare one version against many, parse it once with
/// [`Scheme::parse`] and compare [`Version`]s.
///
/// ```
/// use std::cmp::Ordering;
///
/// use custody_version::{compare, Scheme};
///
/// assert_eq!(compare(Scheme::Dpkg, "1.0~rc1-1", "1.0-1")?, Ordering::Less);
/// assert_eq!(compare(Scheme::Maven, "1.0", "1-ga")?, Ordering::Equal);
/// # Ok::<(), custody_version::Error>(())
/// ```
pub fn compare(scheme: Scheme, a: &str, b: &str) -> Result<Ordering, Error> {
    Ok(scheme.parse(a)?.cmp(&scheme.parse(b)?))
}

#[cfg(test)]
mod tests {
    // What `Version` adds to the parsed forms: text, equality, cross-scheme order.

    use super::*;

    #[test]
    fn display_and_as_str_keep_the_text() {
        let version = Scheme::Pep440.parse(" 1.0.POST1 ").unwrap();
        assert_eq!(version.as_str(), " 1.0.POST1 ");
        assert_eq!(version.to_string(), " 1.0.POST1 ");
        assert_eq!(version.scheme(), Scheme::Pep440);
    }

    #[test]
    fn equality_is_the_schemes() {
        let a = Scheme::Maven.parse("1").unwrap();
        let b = Scheme::Maven.parse("1.0.0").unwrap();
        assert_eq!(a, b);
    }

    #[test]
    fn different_schemes_order_by_scheme() {
        let dpkg = Scheme::Dpkg.parse("9").unwrap();
        let rpm = Scheme::Rpm.parse("1").unwrap();
        assert!(dpkg < rpm);
        assert_ne!(dpkg, rpm);
    }

    #[test]
    fn compare_reports_the_bad_side() {
        let error = compare(Scheme::Hackage, "1.0", "1.0-beta").unwrap_err();
        assert!(matches!(
            error,
            Error::InvalidVersion { scheme: Scheme::Hackage, ref version, .. } if version == "1.0-beta"
        ));
    }
}
