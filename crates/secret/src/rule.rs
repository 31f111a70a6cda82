//! What a secret rule is: the [`Rule`] the [`crate::Scanner`] runs, the [`Allowlist`] that
//! drops its known-harmless matches, and the Shannon [`entropy`] gate for generic rules.
//! The built-in table lives in `builtin.rs`; user rules come from [`crate::Config`]. A rule's
//! [`Scope`] says whether it runs on file contents or on decoded Kubernetes Secret data.

use custody_model::Severity;
use regex::bytes::Regex;

/// One secret detector.
///
/// The scanner runs [`Rule::regex`] only near a hit of one of [`Rule::keywords`] (matched
/// ASCII case-insensitively), so a rule costs nothing on files that never mention it. The
/// regex's named group `secret` is the credential itself: its position is reported, it is
/// what [`Rule::entropy`] and the allowlists test, and only its masked form leaves the crate.
#[derive(Debug, Clone)]
pub struct Rule {
    /// Stable identifier, e.g. `github-pat`; used in findings, `disable` lists and ignores.
    pub id: String,
    /// Human-readable name, e.g. "GitHub personal access token".
    pub title: String,
    /// How bad a leak of this credential is.
    pub severity: Severity,
    /// Literals that must occur near a match; empty means the regex runs over whole files.
    pub keywords: Vec<String>,
    /// The detector, with a named `secret` group.
    pub regex: Regex,
    /// Minimum Shannon entropy (bits per byte) of the secret, for rules whose format alone
    /// would match placeholders and ordinary words.
    pub entropy: Option<f64>,
    /// Bytes after a keyword hit the regex may reach; `None` means the hit's line only. Set
    /// for multi-line secrets (PEM blocks, JSON documents, a secret key near its key id).
    pub reach: Option<usize>,
    /// Matches this rule ignores.
    pub allowlist: Allowlist,
    /// Which text the rule runs on.
    pub scope: Scope,
}

/// Which text a [`Rule`] runs on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// File contents near the rule's keyword hits; the decoded values of Kubernetes Secret
    /// manifests are scanned as text too.
    #[default]
    File,
    /// Only the entries of Kubernetes Secret manifests (`data:` decoded, `stringData:` as
    /// written), each presented as one `key: "value"` line, and only when no [`Scope::File`]
    /// rule matched the entry: for rules
    /// that judge an entry by its name, which only the manifest's structure makes meaningful
    /// (`password: "…"` in a Secret is a password whatever its format).
    SecretData,
}

/// Matches to ignore: secrets matching a regex or containing a stop word, and files whose
/// path matches a regex. One allowlist is global ([`crate::Config::allowlist`]) and each
/// [`Rule`] may carry its own.
#[derive(Debug, Clone, Default)]
pub struct Allowlist {
    /// A secret matching any of these is not reported (e.g. `EXAMPLE$`, test fixtures).
    pub regexes: Vec<Regex>,
    /// A file whose path matches any of these is not reported for this rule.
    pub paths: Vec<regex::Regex>,
    /// A secret containing any of these words (ASCII case-insensitively) is a placeholder.
    pub stopwords: Vec<String>,
}

impl Allowlist {
    /// Whether this allowlist drops `secret`.
    pub fn allows_secret(&self, secret: &[u8]) -> bool {
        self.regexes.iter().any(|regex| regex.is_match(secret))
            || self
                .stopwords
                .iter()
                .any(|word| contains_ignore_case(secret, word.as_bytes()))
    }

    /// Whether this allowlist drops every finding in the file at `path`.
    pub fn allows_path(&self, path: &str) -> bool {
        self.paths.iter().any(|regex| regex.is_match(path))
    }
}

/// Whether `haystack` contains `needle`, comparing ASCII letters case-insensitively.
fn contains_ignore_case(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty()
        || haystack
            .windows(needle.len())
            .any(|window| window.eq_ignore_ascii_case(needle))
}

/// Shannon entropy of `bytes` in bits per byte: 0 for a repeated byte, up to 6 for random
/// base64, about 4 for random hex. Generic rules use it to tell keys from words.
pub fn entropy(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0_u32; 256];
    for &byte in bytes {
        counts[usize::from(byte)] += 1;
    }
    let total = f64::from(u32::try_from(bytes.len()).unwrap_or(u32::MAX));
    counts
        .iter()
        .filter(|&&count| count > 0)
        .map(|&count| {
            let probability = f64::from(count) / total;
            -probability * probability.log2()
        })
        .sum()
}

/// The masked form of a secret that findings carry: its first four characters (when the
/// secret is long enough that they give nothing useful away) followed by `****`.
pub fn mask(secret: &[u8]) -> String {
    let text = String::from_utf8_lossy(secret);
    let visible: String = if text.chars().count() >= 12 {
        text.chars().take(4).collect()
    } else {
        String::new()
    };
    format!("{visible}****")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entropy_separates_words_from_random_strings() {
        assert!(entropy(b"aaaaaaaa").abs() < f64::EPSILON);
        assert!((entropy(b"abcd") - 2.0).abs() < 1e-9);
        assert!(entropy(b"password") < 3.0);
        assert!(entropy(b"q8Zr2LmX0vT4wKp7") > 3.5);
    }

    #[test]
    fn mask_keeps_four_characters_of_long_secrets_only() {
        assert_eq!(mask(b"abcdefghijklmnop"), "abcd****");
        assert_eq!(mask(b"short"), "****");
    }

    #[test]
    fn stopwords_match_case_insensitively() {
        let allowlist = Allowlist {
            stopwords: vec!["example".to_owned()],
            ..Allowlist::default()
        };
        assert!(allowlist.allows_secret(b"AKIAEXAMPLEKEY"));
        assert!(!allowlist.allows_secret(b"AKIAREALKEY"));
    }
}
