//! Normalising entry paths from hostile archives into safe, root-relative paths.

/// Normalises a tar entry name into a root-relative path: leading `/` and `./` removed, `.`
/// segments and repeated slashes dropped, a trailing slash removed.
///
/// Returns `None` for a path with a `..` segment or one that names the root itself: such an
/// entry would resolve outside the image root or is meaningless, and is never looked at.
pub(crate) fn normalize(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    for segment in raw.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            segment => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(segment);
            }
        }
    }
    (!out.is_empty()).then_some(out)
}

/// The proper ancestors of a normalised path, nearest first: `a/b/c` → `a/b`, `a`.
pub(crate) fn ancestors(path: &str) -> impl Iterator<Item = &str> {
    let mut rest = path;
    std::iter::from_fn(move || {
        let (parent, _) = rest.rsplit_once('/')?;
        rest = parent;
        Some(parent)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_and_rejects_escapes() {
        assert_eq!(
            normalize("./etc//os-release").as_deref(),
            Some("etc/os-release")
        );
        assert_eq!(normalize("/var/lib/dpkg/").as_deref(), Some("var/lib/dpkg"));
        assert_eq!(normalize("a/./b").as_deref(), Some("a/b"));
        assert_eq!(normalize("../etc/passwd"), None);
        assert_eq!(normalize("a/../../b"), None);
        assert_eq!(normalize("./"), None);
        assert_eq!(normalize(""), None);
    }

    #[test]
    fn lists_ancestors_nearest_first() {
        assert_eq!(ancestors("a/b/c").collect::<Vec<_>>(), ["a/b", "a"]);
        assert_eq!(ancestors("a").count(), 0);
    }
}
