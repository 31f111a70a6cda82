//! URIs built from untrusted text: paths read from a scanned target become SARIF relative
//! references, advisory ids become parts of advisory URLs, and reference URLs from advisory
//! data are passed on only when they are plain web URLs.
//!
//! Both report encoders ([`crate::sarif`] and [`crate::cyclonedx`]) are checked by JSON schema
//! validators that test `uri`, `uri-reference` and `iri-reference` formats, so a path with a
//! space or a hostile "URL" in an advisory must not reach the output as is.

use std::fmt::Write as _;

/// `path` (relative to a target's root, `/`-separated) as a relative URI reference.
///
/// Leading slashes are dropped so the reference stays relative. Every byte outside RFC 3986's
/// `pchar` set, and `:` (which would read as a scheme delimiter in a first segment), is
/// percent-encoded, non-ASCII text as its UTF-8 bytes. An empty path is `.`, the root itself.
pub(crate) fn relative_reference(path: &str) -> String {
    let path = path.trim_start_matches('/');
    if path.is_empty() {
        return ".".to_owned();
    }
    percent_encode(path, |byte| {
        byte == b'/' || is_unreserved(byte) || b"!$&'()*+,;=@".contains(&byte)
    })
}

/// `text` percent-encoded for use as one path segment of a URL: only RFC 3986 unreserved
/// characters stay as they are.
pub(crate) fn path_segment(text: &str) -> String {
    percent_encode(text, is_unreserved)
}

/// `text` when it is an absolute `http` or `https` URL made of printable ASCII without the
/// characters RFC 3986 excludes (space, `"`, `<`, `>`, `\`, `^`, `` ` ``, `{`, `|`, `}`), so
/// it is valid wherever a `uri` or `iri-reference` is required; `None` otherwise.
pub(crate) fn web_url(text: &str) -> Option<&str> {
    let rest = text
        .strip_prefix("https://")
        .or_else(|| text.strip_prefix("http://"))?;
    let host_present = rest
        .split(['/', '?', '#'])
        .next()
        .is_some_and(|authority| !authority.is_empty());
    let printable = text
        .bytes()
        .all(|byte| byte.is_ascii_graphic() && !b"\"<>\\^`{|}".contains(&byte));
    let escapes_complete = percent_escapes_complete(text);
    (host_present && printable && escapes_complete).then_some(text)
}

/// Whether every `%` in `text` starts a `%XX` escape with two hex digits.
fn percent_escapes_complete(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(index, byte)| {
        *byte != b'%'
            || bytes
                .get(index + 1..index + 3)
                .is_some_and(|digits| digits.iter().all(u8::is_ascii_hexdigit))
    })
}

/// RFC 3986 `unreserved`: letters, digits, `-`, `.`, `_` and `~`.
fn is_unreserved(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~')
}

fn percent_encode(text: &str, keep: impl Fn(u8) -> bool) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if keep(byte) {
            encoded.push(char::from(byte));
        } else {
            write!(encoded, "%{byte:02X}").expect("writing to a String cannot fail");
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_references_stay_relative_and_encoded() {
        assert_eq!(
            relative_reference("var/lib/dpkg/status"),
            "var/lib/dpkg/status"
        );
        assert_eq!(
            relative_reference("/app/node_modules/@types/node/package.json"),
            "app/node_modules/@types/node/package.json"
        );
        assert_eq!(relative_reference("my app/a:b"), "my%20app/a%3Ab");
        assert_eq!(relative_reference("ünï\u{0}?#"), "%C3%BCn%C3%AF%00%3F%23");
        assert_eq!(relative_reference("//"), ".");
        assert_eq!(relative_reference(""), ".");
    }

    #[test]
    fn path_segments_encode_slashes() {
        assert_eq!(path_segment("CVE-2024-1234"), "CVE-2024-1234");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
    }

    #[test]
    fn only_plain_web_urls_pass() {
        for url in [
            "https://nvd.nist.gov/vuln/detail/CVE-2019-11236",
            "http://example.com/a%20b?x=1#frag",
        ] {
            assert_eq!(web_url(url), Some(url));
        }
        for text in [
            "ftp://example.com/",
            "https://",
            "https:///path",
            "https://example.com/a b",
            "https://example.com/<script>",
            "https://example.com/%zz",
            "https://example.com/%4",
            "https://exämple.com/",
            "javascript:alert(1)",
        ] {
            assert_eq!(web_url(text), None, "{text}");
        }
    }
}
