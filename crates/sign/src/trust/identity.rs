//! Matching a certificate's identity (subject alternative name, OIDC issuer) against what
//! the user asked for: `--certificate-identity`/`--certificate-oidc-issuer` (exact) or their
//! `-regexp` variants.

use regex::Regex;

/// An expected identity value: exact text or a regular expression.
///
/// Regular expressions search the value as cosign's and sigstore-go's do (Go's
/// `regexp.MatchString`): unanchored, so policies written for cosign admit exactly what they
/// admit there. Anchor patterns (`^…$`) to match whole values: `a.*@example\.com` also
/// accepts `a@example.com.attacker.net`.
#[derive(Clone, Debug)]
pub enum IdentityMatcher {
    /// The value must equal this text.
    Exact(String),
    /// The expression must match somewhere in the value (unanchored, as cosign).
    Regex(Regex),
}

impl IdentityMatcher {
    /// A regular expression matcher, unanchored as cosign's.
    pub fn regex(pattern: &str) -> Result<Self, regex::Error> {
        Regex::new(pattern).map(Self::Regex)
    }

    /// Whether `value` is what was asked for.
    pub fn matches(&self, value: &str) -> bool {
        match self {
            Self::Exact(expected) => expected == value,
            Self::Regex(expression) => expression.is_match(value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_compares_whole_strings() {
        let matcher = IdentityMatcher::Exact("https://accounts.google.com".to_owned());
        assert!(matcher.matches("https://accounts.google.com"));
        assert!(!matcher.matches("https://accounts.google.com/"));
    }

    #[test]
    fn regex_searches_like_go_match_string() {
        let unanchored = IdentityMatcher::regex(r".*@example\.com").unwrap();
        assert!(unanchored.matches("alice@example.com"));
        assert!(unanchored.matches("alice@example.com.attacker.net"));
        let anchored = IdentityMatcher::regex(r"^[a-z]+@example\.com$").unwrap();
        assert!(anchored.matches("alice@example.com"));
        assert!(!anchored.matches("alice@example.com.attacker.net"));
        assert!(IdentityMatcher::regex("(").is_err());
    }
}
