//! The [`Scanner`]: every rule's keywords in one Aho-Corasick automaton, and each rule's
//! regex run only on the byte windows around its keyword hits.
//!
//! Work per file is bounded: a line window extends at most [`LINE_CONTEXT`] bytes either side
//! of a hit, so a minified megabyte-long line costs a few kilobytes of regex per hit; windows
//! of one rule that overlap are merged, so each byte is searched at most once per rule; and at
//! most [`MAX_FINDINGS`] findings are kept per file.

use std::ops::Range;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use memchr::memmem;

use custody_model::{Location, Secret};

use crate::finding::{Scan, Skipped};
use crate::rule::{Allowlist, Rule, entropy, mask};
use crate::{Config, Error};

/// Bytes of a hit's line searched on either side of the keyword.
const LINE_CONTEXT: usize = 1024;

/// Findings kept per file; a generated file full of tokens is reported, not copied.
const MAX_FINDINGS: usize = 1000;

/// Bytes sampled at the start of a file to decide whether it is binary.
const BINARY_SAMPLE: usize = 8 * 1024;

/// The comment marker that suppresses findings on its line.
const IGNORE_MARKER: &[u8] = b"custody:ignore";

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
        for (index, rule) in rules.iter().enumerate() {
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
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(Error::Prefilter)?;
        Ok(Self {
            rules,
            keywords,
            keyword_rules,
            unkeyed,
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
        let mut truncated = false;
        'rules: for (index, windows) in self.windows(bytes) {
            let Some(rule) = self.rules.get(index) else {
                continue;
            };
            if rule.allowlist.allows_path(path) {
                continue;
            }
            for window in windows {
                let Some(haystack) = bytes.get(window.clone()) else {
                    continue;
                };
                for captures in rule.regex.captures_iter(haystack) {
                    let Some(secret) = captures.name("secret") else {
                        continue;
                    };
                    if self.reportable(rule, secret.as_bytes()) {
                        if hits.len() == MAX_FINDINGS {
                            truncated = true;
                            break 'rules;
                        }
                        hits.push((
                            window.start + secret.start(),
                            index,
                            mask(secret.as_bytes()),
                        ));
                    }
                }
            }
        }
        hits.sort_by_key(|&(offset, index, _)| (offset, index));
        let findings = self.locate(path, bytes, hits);
        Scan {
            findings,
            skipped: None,
            truncated,
        }
    }

    /// Whether a match of `rule` passes its entropy gate and both allowlists.
    fn reportable(&self, rule: &Rule, secret: &[u8]) -> bool {
        rule.entropy
            .is_none_or(|minimum| entropy(secret) >= minimum)
            && !rule.allowlist.allows_secret(secret)
            && !self.allowlist.allows_secret(secret)
    }

    /// The merged windows to search, per rule index, in file order.
    fn windows(&self, bytes: &[u8]) -> Vec<(usize, Vec<Range<usize>>)> {
        let mut per_rule: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.rules.len()];
        for &index in &self.unkeyed {
            if let Some(windows) = per_rule.get_mut(index) {
                windows.push(0..bytes.len());
            }
        }
        for hit in self.keywords.find_overlapping_iter(bytes) {
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
        per_rule
            .into_iter()
            .enumerate()
            .filter(|(_, windows)| !windows.is_empty())
            .collect()
    }

    /// Turns `(offset, rule index, masked secret)` hits, sorted by offset, into findings with
    /// line and column, dropping those on a line carrying the [`IGNORE_MARKER`].
    fn locate(&self, path: &str, bytes: &[u8], hits: Vec<(usize, usize, String)>) -> Vec<Secret> {
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

/// The 1-based lines carrying the [`IGNORE_MARKER`], counted in one pass over the file.
fn marker_lines(bytes: &[u8]) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut line = 1;
    let mut counted = 0;
    for offset in memmem::find_iter(bytes, IGNORE_MARKER) {
        if let Some(skipped) = bytes.get(counted..offset) {
            line += memchr::memchr_iter(b'\n', skipped).count();
        }
        counted = offset;
        if lines.last() != Some(&line) {
            lines.push(line);
        }
    }
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
    fn marker_lines_are_counted_once() {
        let bytes = b"a // custody:ignore custody:ignore\nb\nc # custody:ignore\n";
        assert_eq!(marker_lines(bytes), [1, 3]);
    }

    #[test]
    fn binary_detection() {
        assert!(is_binary(b"ELF\0\x01"));
        assert!(is_binary(&[0xff_u8; 64]));
        assert!(!is_binary("caf\u{e9} text".as_bytes()));
    }
}
