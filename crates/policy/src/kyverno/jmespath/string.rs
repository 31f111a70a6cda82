//! Kyverno's text functions (kyverno/kyverno `pkg/engine/jmespath/functions.go`): comparison,
//! case, trimming, splitting, regular expressions, wildcards, label matching, truncation,
//! path canonicalization, image normalization and random strings.
//!
//! Regular expressions use the `regex` crate, whose syntax is Go RE2's; replacement strings
//! use `$1`/`${name}` as Go's `Regexp.ReplaceAll` does.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex, PoisonError};

use regex::Regex;
use regex_syntax::hir::{Class, Hir, HirKind};
use serde_json::Value;

use super::{Arg, Args, Function, string_arg, text_arg};
use crate::kyverno::pattern::wildcard_match;

/// The text functions.
pub(super) const FUNCTIONS: &[Function] = &[
    Function {
        name: "compare",
        args: &[Arg::String, Arg::String],
        call: |args| {
            let ordering = string_arg(args, 0)?.cmp(string_arg(args, 1)?);
            Ok(Value::from(ordering as i8))
        },
    },
    Function {
        name: "equal_fold",
        args: &[Arg::String, Arg::String],
        call: |args| {
            Ok(Value::Bool(equal_fold(
                string_arg(args, 0)?,
                string_arg(args, 1)?,
            )))
        },
    },
    Function {
        name: "replace",
        args: &[Arg::String, Arg::String, Arg::String, Arg::Number],
        call: replace,
    },
    Function {
        name: "replace_all",
        args: &[Arg::String, Arg::String, Arg::String],
        call: |args| {
            let (text, old, new) = (
                string_arg(args, 0)?,
                string_arg(args, 1)?,
                string_arg(args, 2)?,
            );
            Ok(Value::from(replace_n(text, old, new, usize::MAX)))
        },
    },
    Function {
        name: "to_upper",
        args: &[Arg::String],
        call: |args| Ok(Value::from(string_arg(args, 0)?.to_uppercase())),
    },
    Function {
        name: "to_lower",
        args: &[Arg::String],
        call: |args| Ok(Value::from(string_arg(args, 0)?.to_lowercase())),
    },
    Function {
        name: "trim",
        args: &[Arg::String, Arg::String],
        call: |args| {
            let cutset = string_arg(args, 1)?;
            let trimmed = string_arg(args, 0)?.trim_matches(|c| cutset.contains(c));
            Ok(Value::from(trimmed))
        },
    },
    Function {
        name: "trim_prefix",
        args: &[Arg::String, Arg::String],
        call: |args| {
            let text = string_arg(args, 0)?;
            Ok(Value::from(
                text.strip_prefix(string_arg(args, 1)?).unwrap_or(text),
            ))
        },
    },
    Function {
        name: "split",
        args: &[Arg::String, Arg::String],
        call: |args| {
            Ok(Value::from(split(
                string_arg(args, 0)?,
                string_arg(args, 1)?,
            )))
        },
    },
    Function {
        name: "regex_replace_all",
        args: &[Arg::String, Arg::StringOrNumber, Arg::StringOrNumber],
        call: |args| regex_replace(args, false),
    },
    Function {
        name: "regex_replace_all_literal",
        args: &[Arg::String, Arg::StringOrNumber, Arg::StringOrNumber],
        call: |args| regex_replace(args, true),
    },
    Function {
        name: "regex_match",
        args: &[Arg::String, Arg::StringOrNumber],
        call: |args| {
            let regex = compile_regex(string_arg(args, 0)?)?;
            Ok(Value::Bool(regex.is_match(&text_arg(args, 1)?)))
        },
    },
    Function {
        name: "pattern_match",
        args: &[Arg::String, Arg::StringOrNumber],
        call: |args| {
            let matched = wildcard_match(string_arg(args, 0)?, &text_arg(args, 1)?);
            Ok(Value::Bool(matched))
        },
    },
    Function {
        name: "label_match",
        args: &[Arg::Object, Arg::Object],
        call: label_match,
    },
    Function {
        name: "to_boolean",
        args: &[Arg::String],
        call: |args| {
            let text = string_arg(args, 0)?;
            match text.to_lowercase().as_str() {
                "true" => Ok(Value::Bool(true)),
                "false" => Ok(Value::Bool(false)),
                _ => Err(format!(
                    "lowercase argument must be 'true' or 'false' (provided: '{text}')"
                )),
            }
        },
    },
    Function {
        name: "truncate",
        args: &[Arg::String, Arg::Number],
        call: |args| {
            let length = super::number_arg(args, 1)?.max(0.0);
            #[expect(
                clippy::cast_sign_loss,
                reason = "negative lengths are clamped to zero above, as Kyverno does"
            )]
            let length = length as usize;
            Ok(Value::from(
                string_arg(args, 0)?
                    .chars()
                    .take(length)
                    .collect::<String>(),
            ))
        },
    },
    Function {
        name: "path_canonicalize",
        args: &[Arg::String],
        call: |args| Ok(Value::from(clean_path(string_arg(args, 0)?))),
    },
    Function {
        name: "image_normalize",
        args: &[Arg::String],
        call: |args| normalize_image(string_arg(args, 0)?).map(Value::from),
    },
    Function {
        name: "random",
        args: &[Arg::String],
        call: |args| random(string_arg(args, 0)?).map(Value::from),
    },
];

/// Go's `strings.EqualFold`: equal under simple Unicode case folding.
fn equal_fold(left: &str, right: &str) -> bool {
    left.chars().count() == right.chars().count()
        && left
            .chars()
            .zip(right.chars())
            .all(|(a, b)| a == b || a.to_lowercase().eq(b.to_lowercase()))
}

/// `replace(text, old, new, n)`: Go's `strings.Replace`, where a negative `n` replaces all.
fn replace(args: Args<'_>) -> Result<Value, String> {
    let (text, old, new) = (
        string_arg(args, 0)?,
        string_arg(args, 1)?,
        string_arg(args, 2)?,
    );
    let count = super::number_arg(args, 3)?;
    #[expect(
        clippy::cast_sign_loss,
        reason = "negative counts mean all, handled before the cast"
    )]
    let count = if count < 0.0 {
        usize::MAX
    } else {
        count as usize
    };
    Ok(Value::from(replace_n(text, old, new, count)))
}

/// Go's `strings.Replace`: an empty `old` inserts `new` before every character and at the end.
fn replace_n(text: &str, old: &str, new: &str, count: usize) -> String {
    if old.is_empty() {
        let mut out = String::with_capacity(text.len());
        let mut done = 0;
        for c in text.chars() {
            if done < count {
                out.push_str(new);
                done += 1;
            }
            out.push(c);
        }
        if done < count {
            out.push_str(new);
        }
        return out;
    }
    text.replacen(old, new, count)
}

/// Go's `strings.Split`: an empty separator splits into characters.
fn split(text: &str, separator: &str) -> Vec<String> {
    if separator.is_empty() {
        return text.chars().map(String::from).collect();
    }
    text.split(separator).map(String::from).collect()
}

/// Compiled regular expressions kept; policies hold few, and compiling costs far more than
/// matching. The cache is emptied when full.
const REGEX_CACHE_CAPACITY: usize = 256;

static REGEX_CACHE: LazyLock<Mutex<HashMap<String, Regex>>> = LazyLock::new(Mutex::default);

/// The compiled `pattern`, from the cache when present.
fn compile_regex(pattern: &str) -> Result<Regex, String> {
    let cache = || REGEX_CACHE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(regex) = cache().get(pattern) {
        return Ok(regex.clone());
    }
    let regex = Regex::new(pattern).map_err(|error| error.to_string())?;
    let mut cache = cache();
    if cache.len() >= REGEX_CACHE_CAPACITY {
        cache.clear();
    }
    cache.insert(pattern.to_owned(), regex.clone());
    Ok(regex)
}

/// `regex_replace_all(regex, text, replacement)` and its `_literal` variant.
fn regex_replace(args: Args<'_>, literal: bool) -> Result<Value, String> {
    let regex = compile_regex(string_arg(args, 0)?)?;
    let text = text_arg(args, 1)?;
    let replacement = text_arg(args, 2)?;
    let replaced = if literal {
        regex.replace_all(&text, regex::NoExpand(&replacement))
    } else {
        regex.replace_all(&text, replacement.as_str())
    };
    Ok(Value::from(replaced.into_owned()))
}

/// `label_match(selector, labels)`: every selector entry is present with an equal value.
fn label_match(args: Args<'_>) -> Result<Value, String> {
    let (Some(selector), Some(labels)) = (
        args.first().and_then(|arg| arg.as_object()),
        args.get(1).and_then(|arg| arg.as_object()),
    ) else {
        return Err("arguments must be objects".to_owned());
    };
    let matched = selector
        .iter()
        .all(|(key, value)| labels.get(key).is_some_and(|label| label == value));
    Ok(Value::Bool(matched))
}

/// Go's `filepath.Join(path)` on Unix, which is `path.Clean`: collapses slashes, drops `.`
/// and resolves `..` lexically.
pub(crate) fn clean_path(path: &str) -> String {
    if path.is_empty() {
        return String::new();
    }
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|last| *last != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// `image_normalize(reference)`: the fully qualified form Kyverno compares images in
/// (`nginx` → `docker.io/library/nginx:latest`), with the default registry `docker.io`.
fn normalize_image(reference: &str) -> Result<String, String> {
    if reference.is_empty() || reference.chars().any(char::is_whitespace) {
        return Err(format!("invalid image reference `{reference}`"));
    }
    let (name, digest) = match reference.split_once('@') {
        Some((name, digest)) => (name, Some(digest)),
        None => (reference, None),
    };
    let last_slash = name.rfind('/').map_or(0, |at| at + 1);
    let (name, tag) = match name.get(last_slash..).and_then(|tail| tail.rfind(':')) {
        Some(colon) => (
            name.get(..last_slash + colon).unwrap_or(name),
            name.get(last_slash + colon + 1..),
        ),
        None => (name, None),
    };
    let (registry, path) = match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
            (first, rest.to_owned())
        }
        Some(_) => ("docker.io", name.to_owned()),
        None => ("docker.io", format!("library/{name}")),
    };
    let path = if registry == "docker.io" && !path.contains('/') {
        format!("library/{path}")
    } else {
        path
    };
    let mut normalized = format!("{registry}/{path}");
    match (tag, digest) {
        (Some(tag), _) => {
            normalized.push(':');
            normalized.push_str(tag);
        }
        (None, None) => normalized.push_str(":latest"),
        (None, Some(_)) => {}
    }
    if let Some(digest) = digest {
        normalized.push('@');
        normalized.push_str(digest);
    }
    Ok(normalized)
}

/// Largest repetition count `random` expands an unbounded `*` or `+` to, as goregen does.
const MAX_UNBOUNDED_REPEAT: u32 = 10;
/// Longest string `random` builds; patterns such as `a{1000}{1000}` are refused.
const MAX_RANDOM_LEN: usize = 64 * 1024;
/// Most pattern nodes `random` visits, so repetitions of empty groups (`(){99999}{99999}`)
/// end too. The parser bounds nesting, so recursion depth is bounded as well.
const MAX_RANDOM_STEPS: usize = 1 << 20;

/// `random(pattern)`: a random string matching the regular expression `pattern`
/// (Kyverno uses goregen; anchors and word boundaries produce nothing).
fn random(pattern: &str) -> Result<String, String> {
    if pattern.is_empty() {
        return Err("no pattern provided".to_owned());
    }
    // Unicode off, as in Go: `\d` is `[0-9]`, not every script's digits.
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(pattern)
        .map_err(|error| error.to_string())?;
    let mut seed = getrandom::u64().map_err(|error| error.to_string())?;
    let mut out = String::new();
    let mut budget = MAX_RANDOM_STEPS;
    generate(&hir, &mut seed, &mut out, &mut budget)?;
    Ok(out)
}

/// A `SplitMix64` step: plenty for names and labels, and seeded from the OS.
fn next_random(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One value picked uniformly from the inclusive `ranges`; `None` when they are empty.
fn pick(ranges: &[(u32, u32)], state: &mut u64) -> Option<u32> {
    let size = |&(start, end): &(u32, u32)| u64::from(end.saturating_sub(start)) + 1;
    let total: u64 = ranges.iter().map(size).sum();
    if total == 0 {
        return None;
    }
    let mut offset = below(state, total);
    for range in ranges {
        if offset < size(range) {
            return u32::try_from(u64::from(range.0) + offset).ok();
        }
        offset -= size(range);
    }
    None
}

fn below(state: &mut u64, bound: u64) -> u64 {
    if bound == 0 {
        0
    } else {
        next_random(state) % bound
    }
}

/// Appends one random match of `hir` to `out`.
fn generate(
    hir: &Hir,
    state: &mut u64,
    out: &mut String,
    budget: &mut usize,
) -> Result<(), String> {
    *budget = budget.checked_sub(1).ok_or("pattern too large")?;
    if out.len() > MAX_RANDOM_LEN {
        return Err("pattern too large".to_owned());
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(Class::Unicode(class)) => {
            let ranges = class
                .iter()
                .map(|range| (u32::from(range.start()), u32::from(range.end())))
                .collect::<Vec<_>>();
            out.extend(pick(&ranges, state).and_then(char::from_u32));
        }
        // Go's RE2 classes (`\d`, `\w`, `.`) are ASCII; bytes beyond ASCII are not text.
        HirKind::Class(Class::Bytes(class)) => {
            let ranges = class
                .iter()
                .filter(|range| range.start().is_ascii())
                .map(|range| (u32::from(range.start()), u32::from(range.end().min(0x7f))))
                .collect::<Vec<_>>();
            out.extend(pick(&ranges, state).and_then(char::from_u32));
        }
        HirKind::Repetition(repetition) => {
            let max = repetition
                .max
                .unwrap_or(repetition.min.saturating_add(MAX_UNBOUNDED_REPEAT));
            let span = u64::from(max.saturating_sub(repetition.min)) + 1;
            let count = u64::from(repetition.min) + below(state, span);
            for _ in 0..count {
                generate(&repetition.sub, state, out, budget)?;
            }
        }
        HirKind::Capture(capture) => generate(&capture.sub, state, out, budget)?,
        HirKind::Concat(parts) => {
            for part in parts {
                generate(part, state, out, budget)?;
            }
        }
        HirKind::Alternation(choices) => {
            let index = usize::try_from(below(state, choices.len() as u64))
                .map_err(|error| error.to_string())?;
            if let Some(choice) = choices.get(index) {
                generate(choice, state, out, budget)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_clean_as_go() {
        assert_eq!(clean_path("/var//lib/../run/./x/"), "/var/run/x");
        assert_eq!(clean_path("a/../.."), "..");
        assert_eq!(clean_path("/.."), "/");
        assert_eq!(clean_path("C://foo"), "C:/foo");
    }

    #[test]
    fn images_normalize() {
        assert_eq!(
            normalize_image("nginx").unwrap(),
            "docker.io/library/nginx:latest"
        );
        assert_eq!(
            normalize_image("ghcr.io/org/app:v1").unwrap(),
            "ghcr.io/org/app:v1"
        );
        assert_eq!(
            normalize_image("localhost:5000/app").unwrap(),
            "localhost:5000/app:latest"
        );
        assert_eq!(
            normalize_image("org/app@sha256:ab").unwrap(),
            "docker.io/org/app@sha256:ab"
        );
    }

    #[test]
    fn random_strings_match_their_pattern() {
        for pattern in ["[a-z0-9]{12}", "[0-9a-z]{8}", "ab(c|d)+x?", "\\d{3}-\\w{2}"] {
            let generated = random(pattern).unwrap();
            let anchored = Regex::new(&format!("^(?:{pattern})$")).unwrap();
            assert!(anchored.is_match(&generated), "{generated} !~ {pattern}");
            assert!(generated.is_ascii(), "Go's classes are ASCII: {generated}");
        }
    }

    #[test]
    fn random_refuses_runaway_patterns() {
        assert!(random("(x?){60000}{60000}").is_err());
        assert!(random("a{70000}").is_err());
    }

    #[test]
    fn go_replace_with_empty_old() {
        assert_eq!(replace_n("ab", "", "-", usize::MAX), "-a-b-");
        assert_eq!(replace_n("ab", "", "-", 1), "-ab");
    }
}
