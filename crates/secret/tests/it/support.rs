//! Helpers shared by the test modules: a scanner over the built-in rules and synthetic
//! token material. Tokens are assembled at run time from a prefix and generated characters,
//! so no complete credential appears in the source for repository scanners to flag.

use custody_secret::{Config, Scan, Scanner, builtin_rules};

pub(crate) const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub(crate) const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
pub(crate) const DIGITS: &str = "0123456789";
pub(crate) const HEX: &str = "0123456789abcdef";
pub(crate) const BASE32: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// Letters and digits.
pub(crate) fn alnum() -> String {
    [UPPER, LOWER, DIGITS].concat()
}

/// The standard base64 alphabet.
pub(crate) fn base64() -> String {
    [UPPER, LOWER, DIGITS, "+/"].concat()
}

/// `length` characters drawn from `alphabet` by a fixed pseudo-random sequence: high entropy
/// (so entropy gates pass) and reproducible.
pub(crate) fn fill(alphabet: &str, length: usize) -> String {
    let characters: Vec<char> = alphabet.chars().collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15 ^ (length as u64).wrapping_mul(0x1000_0000_01B3);
    (0..length)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            characters[(state % characters.len() as u64) as usize]
        })
        .collect()
}

/// A scanner over the built-in rules with the default configuration.
pub(crate) fn scanner() -> Scanner {
    Scanner::new(
        builtin_rules().expect("built-in rules compile"),
        &Config::default(),
    )
    .expect("built-in keywords build an automaton")
}

/// The rule ids found in `text`.
pub(crate) fn rule_ids(scan: &Scan) -> Vec<&str> {
    scan.findings
        .iter()
        .map(|finding| finding.rule_id.as_str())
        .collect()
}
