//! Go module versions and paths, checked the way `golang.org/x/mod` checks them
//! (`semver.Canonical`, `module.CanonicalVersion`, `module.SplitPathVersion` and
//! `module.CheckPathMajor`), so every format reports a module only at a version Go would
//! accept for that path.
//!
//! Path syntax (allowed characters, a dot in the first element) is not checked: it never
//! changes which version a file selects, and a scanner gains nothing by rejecting odd paths
//! that Go's own parser accepts.

/// The canonical form of a Go module version, or `None` when it is not a version:
/// `v1.2` → `v1.2.0`, `v1` → `v1.0.0`, build metadata dropped except `+incompatible`.
///
/// Follows `golang.org/x/mod/semver`: a `v`, a major number, optionally a minor and a patch,
/// then for a full `vX.Y.Z` an optional `-pre.release` and `+build`. Numbers have no leading
/// zeros; pre-release identifiers are `[0-9A-Za-z-]+`, numeric ones without leading zeros.
pub(super) fn canonical_version(version: &str) -> Option<String> {
    let rest = version.strip_prefix('v')?;
    let (major, rest) = number(rest)?;
    let mut canonical = format!("v{major}");
    let mut rest = rest;
    for _ in 0..2 {
        match rest.strip_prefix('.') {
            Some(after) => {
                let (part, after) = number(after)?;
                canonical.push('.');
                canonical.push_str(part);
                rest = after;
            }
            // A short version (`v1`, `v1.2`) has nothing after its numbers.
            None if rest.is_empty() => canonical.push_str(".0"),
            None => return None,
        }
    }
    let (prerelease, build) = match rest.split_once('+') {
        Some((prerelease, build)) => (prerelease, Some(build)),
        None => (rest, None),
    };
    if let Some(identifiers) = prerelease.strip_prefix('-') {
        let valid = identifiers.split('.').all(|identifier| {
            is_identifier(identifier)
                && !(identifier.len() > 1
                    && identifier.starts_with('0')
                    && identifier.bytes().all(|byte| byte.is_ascii_digit()))
        });
        if !valid {
            return None;
        }
        canonical.push_str(prerelease);
    } else if !prerelease.is_empty() {
        return None;
    }
    if let Some(build) = build {
        if !build.split('.').all(is_identifier) {
            return None;
        }
        if build == "incompatible" {
            canonical.push_str("+incompatible");
        }
    }
    Some(canonical)
}

/// Whether `version` (canonical) is a version Go accepts for the module at `path`: its major
/// version agrees with the path's major-version suffix (`/v2`, `gopkg.in/yaml.v3`), and
/// `+incompatible` marks only v2 and later of a path without one.
pub(super) fn is_valid(path: &str, version: &str) -> bool {
    let Some(path_major) = path_major(path) else {
        return false;
    };
    let Some(major) = version
        .strip_prefix('v')
        .and_then(|rest| rest.split(['.', '-', '+']).next())
    else {
        return false;
    };
    let incompatible = version.ends_with("+incompatible");
    if incompatible && (!path_major.is_empty() || matches!(major, "0" | "1")) {
        return false;
    }
    match path_major {
        "" => matches!(major, "0" | "1") || incompatible,
        // gopkg.in's unstable branches accept any version.
        suffix if suffix.starts_with(".v") && suffix.ends_with("-unstable") => true,
        // An old Go bug wrote v0.0.0 pseudo-versions for gopkg.in `.v1` paths; Go still
        // accepts them (gopkg.in/yaml.v2 requires gopkg.in/check.v1 v0.0.0-…).
        ".v1" if version.starts_with("v0.0.0-") => true,
        suffix => suffix.get(2..) == Some(major),
    }
}

/// The major-version suffix of a module path: `/v2` of `github.com/x/y/v2`, `.v3` of
/// `gopkg.in/yaml.v3`, empty for a path without one; `None` for a path Go rejects (`/v1`,
/// `/v02`, a `gopkg.in` path without `.vN`).
fn path_major(path: &str) -> Option<&str> {
    if path.starts_with("gopkg.in/") {
        let stem = path.strip_suffix("-unstable").unwrap_or(path);
        let digits = stem.len() - stem.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        let start = stem.len().checked_sub(digits + 2)?;
        let suffix = path.get(start..)?;
        let number = suffix.get(2..2 + digits)?;
        let valid = suffix.starts_with(".v")
            && !number.is_empty()
            && (number == "0" || !number.starts_with('0'));
        return valid.then_some(suffix);
    }
    let tail = path.len()
        - path
            .trim_end_matches(|c: char| c.is_ascii_digit() || c == '.')
            .len();
    let start = path.len() - tail;
    let Some(head) = path.get(..start).and_then(|head| head.strip_suffix("/v")) else {
        return Some("");
    };
    if tail == 0 {
        return Some("");
    }
    let suffix = path.get(head.len()..)?;
    let number = suffix.get(2..)?;
    let valid = !number.contains('.') && !number.starts_with('0') && number != "1";
    valid.then_some(suffix)
}

/// Splits a decimal number without leading zeros off the start of `text`.
fn number(text: &str) -> Option<(&str, &str)> {
    let end = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (digits, rest) = text.split_at(end);
    let valid = !digits.is_empty() && (digits == "0" || !digits.starts_with('0'));
    valid.then_some((digits, rest))
}

/// A non-empty pre-release or build identifier: ASCII letters, digits and `-`.
fn is_identifier(identifier: &str) -> bool {
    !identifier.is_empty()
        && identifier
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonicalizes_versions_as_go_does() {
        for (version, canonical) in [
            ("v1.2.3", Some("v1.2.3")),
            ("v1.2", Some("v1.2.0")),
            ("v1", Some("v1.0.0")),
            (
                "v0.0.0-20210630005230-0f9fa26af87c",
                Some("v0.0.0-20210630005230-0f9fa26af87c"),
            ),
            ("v1.2.3-rc.1+build.5", Some("v1.2.3-rc.1")),
            ("v2.0.0+incompatible", Some("v2.0.0+incompatible")),
            ("v1.2.3-0.alpha", Some("v1.2.3-0.alpha")),
            ("1.2.3", None),
            ("v01.2.3", None),
            ("v1.02.3", None),
            ("v1.2-pre", None),
            ("v1.2.3-01", None),
            ("v1.2.3-", None),
            ("v1.2.3-a..b", None),
            ("v1.2.3+", None),
            ("v1.2.3+a_b", None),
            ("v1.2.3.4", None),
            ("v", None),
            ("nope", None),
            ("", None),
        ] {
            assert_eq!(
                canonical_version(version).as_deref(),
                canonical,
                "{version}"
            );
        }
    }

    #[test]
    fn checks_major_versions_against_the_path() {
        for (path, version, valid) in [
            ("github.com/x/y", "v1.0.0", true),
            ("github.com/x/y", "v0.1.0", true),
            ("github.com/x/y", "v2.0.0", false),
            ("github.com/x/y", "v2.0.0+incompatible", true),
            ("github.com/x/y", "v1.0.0+incompatible", false),
            ("github.com/x/y/v2", "v2.3.4", true),
            ("github.com/x/y/v2", "v1.0.0", false),
            ("github.com/x/y/v2", "v2.0.0+incompatible", false),
            ("github.com/x/y/v1", "v1.0.0", false),
            ("github.com/x/y/v02", "v2.0.0", false),
            ("github.com/x/v2/y", "v1.0.0", true),
            ("github.com/x/y/v2.1", "v1.0.0", false),
            ("example.com/y1.2", "v1.0.0", true),
            ("v2", "v1.0.0", true),
            ("gopkg.in/yaml.v2", "v2.4.0", true),
            ("gopkg.in/yaml.v2", "v3.0.0", false),
            (
                "gopkg.in/check.v1",
                "v0.0.0-20161208181325-20d25e280405",
                true,
            ),
            ("gopkg.in/yaml.v3-unstable", "v1.0.0", true),
            ("gopkg.in/yaml", "v1.0.0", false),
            ("gopkg.in/yaml.v01", "v1.0.0", false),
            ("gopkg.in/yaml.v0", "v0.1.0", true),
        ] {
            assert_eq!(is_valid(path, version), valid, "{path} {version}");
        }
    }
}
