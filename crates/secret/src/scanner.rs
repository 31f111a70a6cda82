//! The [`Scanner`]: every rule's keywords in one Aho-Corasick automaton, and each rule's
//! regex run only on the byte windows around its keyword hits.
//!
//! Work per file is bounded: a line window extends at most [`LINE_CONTEXT`] bytes either side
//! of a hit, so a minified megabyte-long line costs a few kilobytes of regex per hit; windows
//! of one rule that overlap are merged, so each byte is searched at most once per rule; and at
//! most [`MAX_FINDINGS`] findings are kept per file.
//!
//! When a keyword hit reads `kind: Secret`, the file's Kubernetes Secret `data:` entries
//! (found by `manifest.rs`) are base64-decoded and scanned a second time, each as one
//! `key: "value"` text, by the [`Scope::File`] rules and then, if none matched, by the
//! [`Scope::SecretData`] rules; every such finding points at the encoded value. Plain
//! `stringData:` entries get the [`Scope::SecretData`] rules only.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use memchr::memmem;

use custody_model::{Location, Secret};

use crate::finding::{Scan, Skipped};
use crate::manifest::{DataEntry, Encoding, secret_data};
use crate::rule::{Allowlist, Rule, Scope, entropy, mask};
use crate::{Config, Error};

/// Bytes of a hit's line searched on either side of the keyword.
const LINE_CONTEXT: usize = 1024;

/// Findings kept per file; a generated file full of tokens is reported, not copied.
const MAX_FINDINGS: usize = 1000;

/// Bytes sampled at the start of a file to decide whether it is binary.
const BINARY_SAMPLE: usize = 8 * 1024;

/// Comment markers that suppress findings on their line: ours, and those of gitleaks
/// (`gitleaks:allow`) and detect-secrets (`pragma: allowlist secret`), so a tree already
/// triaged with either does not resurface every reviewed line. The false-positive review in
/// BENCHMARKS.md found detect-secrets' own README examples annotated this way.
const IGNORE_MARKERS: [&[u8]; 3] = [
    b"custody:ignore",
    b"gitleaks:allow",
    b"pragma: allowlist secret",
];

/// The keyword whose case-sensitive hit, after `kind:`, starts the Secret manifest pass.
const SECRET_KEYWORD: &str = "secret";

/// A reportable match: file offset, rule index, masked secret.
type Hit = (usize, usize, String);

/// The regex work one file needs: merged windows per rule index, and whether the file
/// declares a Kubernetes Secret.
struct Plan {
    windows: Vec<(usize, Vec<Range<usize>>)>,
    secret_manifest: bool,
}

/// Rules compiled into one prefilter; build once, then [`Scanner::scan`] any number of files
/// (from any number of threads: the scanner is `Sync`).
#[derive(Debug)]
pub struct Scanner {
    rules: Vec<Rule>,
    keywords: AhoCorasick,
    /// For each automaton pattern, the indices of the rules that listed it.
    keyword_rules: Vec<Vec<usize>>,
    /// Rules without keywords: their regex runs over whole files.
    unkeyed: Vec<usize>,
    /// [`Scope::SecretData`] rules: they run only on decoded Secret entries.
    secret_data: Vec<usize>,
    /// The automaton pattern of [`SECRET_KEYWORD`].
    secret_keyword: usize,
    allowlist: Allowlist,
    max_file_size: u64,
}

impl Scanner {
    /// Compiles `rules` plus the configuration's custom rules, minus its disabled ones.
    pub fn new(rules: Vec<Rule>, config: &Config) -> Result<Self, Error> {
        let rules: Vec<Rule> = rules
            .into_iter()
            .chain(config.rules.iter().cloned())
            .filter(|rule| !config.disable.contains(&rule.id))
            .collect();
        let mut patterns: Vec<String> = Vec::new();
        let mut keyword_rules: Vec<Vec<usize>> = Vec::new();
        let mut unkeyed = Vec::new();
        let mut secret_data = Vec::new();
        for (index, rule) in rules.iter().enumerate() {
            if rule.scope == Scope::SecretData {
                secret_data.push(index);
                continue;
            }
            if rule.keywords.is_empty() {
                unkeyed.push(index);
            }
            for keyword in &rule.keywords {
                let lowered = keyword.to_ascii_lowercase();
                if let Some(position) = patterns.iter().position(|known| *known == lowered) {
                    if let Some(owners) = keyword_rules.get_mut(position) {
                        owners.push(index);
                    }
                } else {
                    patterns.push(lowered);
                    keyword_rules.push(vec![index]);
                }
            }
        }
        let secret_keyword = patterns
            .iter()
            .position(|known| known == SECRET_KEYWORD)
            .unwrap_or_else(|| {
                patterns.push(SECRET_KEYWORD.to_owned());
                keyword_rules.push(Vec::new());
                patterns.len() - 1
            });
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            // The prefilter is most of the scan's time. On ~/.cargo/registry/src (600 MB) the
            // full DFA scanned 520 MB/s per CPU-second against 236 MB/s for the default
            // contiguous NFA, for ~10 ms more in `Scanner::new`.
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .map_err(Error::Prefilter)?;
        Ok(Self {
            rules,
            keywords,
            keyword_rules,
            unkeyed,
            secret_data,
            secret_keyword,
            allowlist: config.allowlist.clone(),
            max_file_size: config.max_file_size,
        })
    }

    /// The rules this scanner runs.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Scans one file's contents. `path` is reported in findings and matched by path
    /// allowlists; nothing is read from disk.
    pub fn scan(&self, path: &str, bytes: &[u8]) -> Scan {
        let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if size > self.max_file_size {
            return Scan {
                skipped: Some(Skipped::TooLarge {
                    size,
                    limit: self.max_file_size,
                }),
                ..Scan::default()
            };
        }
        if self.allowlist.allows_path(path) {
            return Scan::default();
        }
        if is_binary(bytes) {
            return Scan {
                skipped: Some(Skipped::Binary),
                ..Scan::default()
            };
        }
        let mut hits = Vec::new();
        let plan = self.plan(bytes);
        let mut complete = plan
            .windows
            .iter()
            .all(|(index, windows)| self.search(*index, path, bytes, windows, None, &mut hits));
        if complete && plan.secret_manifest {
            complete = secret_data(bytes)
                .iter()
                .all(|entry| self.search_entry(path, bytes, entry, &mut hits));
        }
        hits.sort_by_key(|&(offset, index, _)| (offset, index));
        // A decoded value holding one token twice is one finding.
        hits.dedup_by(|later, earlier| later.0 == earlier.0 && later.1 == earlier.1);
        let findings = self.locate(path, bytes, hits);
        Scan {
            findings,
            skipped: None,
            truncated: !complete,
        }
    }

    /// Runs rule `index` over `windows` of `haystack`, adding reportable matches to `hits` at
    /// their own offset, or at `at` for decoded text. False once [`MAX_FINDINGS`] is reached.
    fn search(
        &self,
        index: usize,
        path: &str,
        haystack: &[u8],
        windows: &[Range<usize>],
        at: Option<usize>,
        hits: &mut Vec<Hit>,
    ) -> bool {
        let Some(rule) = self.rules.get(index) else {
            return true;
        };
        if rule.allowlist.allows_path(path) {
            return true;
        }
        for window in windows {
            let Some(text) = haystack.get(window.clone()) else {
                continue;
            };
            for captures in rule.regex.captures_iter(text) {
                let Some(secret) = captures.name("secret") else {
                    continue;
                };
                if self.reportable(rule, secret.as_bytes()) {
                    if hits.len() == MAX_FINDINGS {
                        return false;
                    }
                    let offset = at.unwrap_or(window.start + secret.start());
                    hits.push((offset, index, mask(secret.as_bytes())));
                }
            }
        }
        true
    }

    /// Scans one Secret entry's value, presented as `key: "value"` (or the bare value when it
    /// spans lines or holds quotes), reporting at the value's offset in the file: a `data:`
    /// value decoded, with every rule; a `stringData:` value, which the file pass already
    /// searched, with the [`Scope::SecretData`] rules only. Those run only when no other rule
    /// matched the value. False once [`MAX_FINDINGS`] is reached.
    fn search_entry(
        &self,
        path: &str,
        bytes: &[u8],
        entry: &DataEntry,
        hits: &mut Vec<Hit>,
    ) -> bool {
        let Some(decoded) = entry.decode(bytes) else {
            return true;
        };
        if is_binary(&decoded) {
            return true;
        }
        // `echo pass | base64` leaves a newline that is not part of the value.
        let value = decoded.trim_ascii_end();
        let key = bytes.get(entry.key.clone()).unwrap_or_default();
        let text = if value.contains(&b'\n') || value.contains(&b'"') {
            value.to_vec()
        } else {
            [key, b": \"", value, b"\""].concat()
        };
        let at = Some(entry.value.start);
        match entry.encoding {
            Encoding::Base64 => {
                let before = hits.len();
                for (index, windows) in self.plan(&text).windows {
                    if !self.search(index, path, &text, &windows, at, hits) {
                        return false;
                    }
                }
                if hits.len() > before {
                    return true;
                }
            }
            Encoding::Plain => {
                if hits.iter().any(|hit| entry.value.contains(&hit.0)) {
                    return true;
                }
            }
        }
        let whole = 0..text.len();
        let whole = std::slice::from_ref(&whole);
        self.secret_data
            .iter()
            .all(|&index| self.search(index, path, &text, whole, at, hits))
    }

    /// Whether a match of `rule` passes its entropy gate and both allowlists.
    fn reportable(&self, rule: &Rule, secret: &[u8]) -> bool {
        rule.entropy
            .is_none_or(|minimum| entropy(secret) >= minimum)
            && !rule.allowlist.allows_secret(secret)
            && !self.allowlist.allows_secret(secret)
    }

    /// The merged windows to search, per rule index, in file order, and whether a keyword hit
    /// reads `kind: Secret`.
    fn plan(&self, bytes: &[u8]) -> Plan {
        let mut secret_manifest = false;
        let mut per_rule: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.rules.len()];
        for &index in &self.unkeyed {
            if let Some(windows) = per_rule.get_mut(index) {
                windows.push(0..bytes.len());
            }
        }
        for hit in self.keywords.find_overlapping_iter(bytes) {
            if hit.pattern().as_usize() == self.secret_keyword && !secret_manifest {
                secret_manifest = declares_secret(bytes, hit.range());
            }
            let Some(owners) = self.keyword_rules.get(hit.pattern().as_usize()) else {
                continue;
            };
            for &index in owners {
                let (Some(rule), Some(windows)) = (self.rules.get(index), per_rule.get_mut(index))
                else {
                    continue;
                };
                let window = window(bytes, hit.range(), rule.reach);
                match windows.last_mut() {
                    Some(last) if window.start <= last.end => last.end = last.end.max(window.end),
                    _ => windows.push(window),
                }
            }
        }
        let windows = per_rule
            .into_iter()
            .enumerate()
            .filter(|(_, windows)| !windows.is_empty())
            .collect();
        Plan {
            windows,
            secret_manifest,
        }
    }

    /// Turns `(offset, rule index, masked secret)` hits, sorted by offset, into findings with
    /// line and column, dropping those on a line carrying one of the [`IGNORE_MARKERS`].
    fn locate(&self, path: &str, bytes: &[u8], hits: Vec<Hit>) -> Vec<Secret> {
        if hits.is_empty() {
            return Vec::new();
        }
        let ignored_lines = marker_lines(bytes);
        let mut findings = Vec::with_capacity(hits.len());
        let mut line = 1;
        let mut line_start = 0;
        let mut counted = 0;
        for (offset, index, masked) in hits {
            // Offsets are sorted, so newlines are counted once over the whole file.
            let Some(skipped) = bytes.get(counted..offset) else {
                continue;
            };
            for newline in memchr::memchr_iter(b'\n', skipped) {
                line += 1;
                line_start = counted + newline + 1;
            }
            counted = offset;
            let Some(rule) = self.rules.get(index) else {
                continue;
            };
            if ignored_lines.binary_search(&line).is_ok() {
                continue;
            }
            findings.push(Secret {
                rule_id: rule.id.clone(),
                title: rule.title.clone(),
                severity: rule.severity,
                location: Location::new(path),
                line,
                column: offset - line_start + 1,
                masked,
                deleted: false,
            });
        }
        findings
    }
}

/// Whether the keyword hit at `hit` is the value `Secret` of a `kind` key, as in
/// `kind: Secret` (YAML) or `"kind": "Secret"` (JSON).
fn declares_secret(bytes: &[u8], hit: Range<usize>) -> bool {
    if bytes.get(hit.clone()) != Some(b"Secret") {
        return false;
    }
    let before = bytes
        .get(hit.start.saturating_sub(16)..hit.start)
        .unwrap_or_default();
    let unquote =
        |text: &'_ [u8]| -> usize { usize::from(matches!(text.last(), Some(b'"' | b'\''))) };
    let value_prefix = before.trim_ascii_end();
    let value_prefix = value_prefix
        .get(..value_prefix.len() - unquote(value_prefix))
        .unwrap_or_default()
        .trim_ascii_end();
    let Some(key) = value_prefix.strip_suffix(b":") else {
        return false;
    };
    let key = key.trim_ascii_end();
    let key = key.get(..key.len() - unquote(key)).unwrap_or_default();
    key.ends_with(b"kind")
}

/// The 1-based lines carrying one of the [`IGNORE_MARKERS`], sorted, each once.
fn marker_lines(bytes: &[u8]) -> Vec<usize> {
    let mut lines = Vec::new();
    for marker in IGNORE_MARKERS {
        let mut line = 1;
        let mut counted = 0;
        for offset in memmem::find_iter(bytes, marker) {
            if let Some(skipped) = bytes.get(counted..offset) {
                line += memchr::memchr_iter(b'\n', skipped).count();
            }
            counted = offset;
            lines.push(line);
        }
    }
    lines.sort_unstable();
    lines.dedup();
    lines
}

/// The window a rule's regex searches around a keyword hit: from the start of the hit's line
/// (at most [`LINE_CONTEXT`] bytes back) to the end of its line, or `reach` bytes on.
fn window(bytes: &[u8], hit: Range<usize>, reach: Option<usize>) -> Range<usize> {
    let floor = hit.start.saturating_sub(LINE_CONTEXT);
    let start = bytes
        .get(floor..hit.start)
        .and_then(|before| memchr::memrchr(b'\n', before))
        .map_or(floor, |newline| floor + newline + 1);
    let end = if let Some(reach) = reach {
        hit.end.saturating_add(reach).min(bytes.len())
    } else {
        let ceiling = hit.end.saturating_add(LINE_CONTEXT).min(bytes.len());
        bytes
            .get(hit.end..ceiling)
            .and_then(|after| memchr::memchr(b'\n', after))
            .map_or(ceiling, |newline| hit.end + newline)
    };
    start..end
}

/// Whether `bytes` look binary: a NUL byte, or more than one in ten bytes of invalid UTF-8,
/// in the first [`BINARY_SAMPLE`] bytes.
fn is_binary(bytes: &[u8]) -> bool {
    let sample = bytes.get(..BINARY_SAMPLE).unwrap_or(bytes);
    if memchr::memchr(0, sample).is_some() {
        return true;
    }
    let invalid: usize = sample
        .utf8_chunks()
        .map(|chunk| chunk.invalid().len())
        .sum();
    invalid * 10 > sample.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_window_is_bounded_on_long_lines() {
        let bytes = vec![b'a'; 10 * LINE_CONTEXT];
        let hit = 5 * LINE_CONTEXT..5 * LINE_CONTEXT + 4;
        let range = window(&bytes, hit, None);
        assert_eq!(range, 4 * LINE_CONTEXT..6 * LINE_CONTEXT + 4);
    }

    #[test]
    fn line_window_stops_at_newlines() {
        let bytes = b"one\ntwo key three\nfour";
        assert_eq!(window(bytes, 8..11, None), 4..17);
        assert_eq!(window(bytes, 8..11, Some(100)), 4..bytes.len());
    }

    #[test]
    fn secret_kind_is_recognized_in_yaml_and_json() {
        let hit = |text: &str| {
            let start = text.rfind("Secret").expect("test text names Secret");
            declares_secret(text.as_bytes(), start..start + 6)
        };
        assert!(hit("kind: Secret"));
        assert!(hit("- kind: 'Secret"));
        assert!(hit("  kind:   \"Secret"));
        assert!(hit("{\"kind\":\"Secret"));
        assert!(!hit("let kind = Secret"));
        assert!(!hit("name: Secret"));
        assert!(!hit("kind: SealedSecret"));
    }

    #[test]
    fn marker_lines_are_counted_once() {
        let bytes = b"a // custody:ignore custody:ignore\nb\nc # custody:ignore\n";
        assert_eq!(marker_lines(bytes), [1, 3]);
        let bytes = b"a # pragma: allowlist secret\nb // gitleaks:allow\nc\nd # custody:ignore\n";
        assert_eq!(marker_lines(bytes), [1, 2, 4]);
    }

    #[test]
    fn binary_detection() {
        assert!(is_binary(b"ELF\0\x01"));
        assert!(is_binary(&[0xff_u8; 64]));
        assert!(!is_binary("caf\u{e9} text".as_bytes()));
    }
}
