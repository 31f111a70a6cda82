//! Image references (`[registry/]repository[:tag][@digest]`), parsed by hand.
//!
//! oci-client's parser (oci-spec's `Reference::try_from`) compiles the distribution
//! reference grammar as one Unicode regex with a bounded `\w{0,127}`: 40 ms of a 50 ms verify
//! budget, measured with perf on `custody verify`. This module accepts the same grammar
//! (distribution/reference's `reference.go`, ASCII only, as registries are) and normalises
//! Docker Hub names the same way (`ubuntu` → `docker.io/library/ubuntu`), then builds the
//! [`Reference`] oci-client takes through its plain constructors.

use oci_client::Reference;

use super::Error;

/// Docker Hub, where a reference without a registry points.
const DOCKER_HUB: &str = "docker.io";

/// Parses `text` as an image reference; a reference with neither tag nor digest means
/// `:latest`.
pub(crate) fn parse(text: &str) -> Result<Reference, Error> {
    let invalid = |reason: &str| Error::InvalidReference {
        reference: text.to_owned(),
        reason: reason.to_owned(),
    };
    let (rest, digest) = match text.split_once('@') {
        Some((rest, digest)) => (rest, Some(digest)),
        None => (text, None),
    };
    // A tag follows the last `:` after the last `/` (a `:` before it is a registry port).
    let last_slash = rest.rfind('/').map_or(0, |index| index + 1);
    let (name, tag) = match rest.get(last_slash..).and_then(|last| last.rfind(':')) {
        Some(colon) => {
            let split = last_slash + colon;
            (rest.get(..split).unwrap_or_default(), rest.get(split + 1..))
        }
        None => (rest, None),
    };
    if let Some(tag) = tag
        && !is_tag(tag)
    {
        return Err(invalid(
            "the tag must be 1 to 128 letters, digits, `_`, `.`, `-`, not starting with `.` or `-`",
        ));
    }
    if let Some(digest) = digest {
        check_digest(digest).map_err(invalid)?;
    }
    let (registry, repository) = split_registry(name);
    if repository.is_empty() || repository.len() > 255 {
        return Err(invalid("the repository name must be 1 to 255 characters"));
    }
    if !repository.split('/').all(is_path_component) {
        return Err(invalid(
            "repository path components are lowercase letters and digits, separated by `.`, `_`, `__` or dashes",
        ));
    }
    if !is_registry(&registry) {
        return Err(invalid(
            "the registry is not a host name with an optional port",
        ));
    }
    Ok(match (tag, digest) {
        (Some(tag), Some(digest)) => {
            Reference::with_tag_and_digest(registry, repository, tag.to_owned(), digest.to_owned())
        }
        (None, Some(digest)) => Reference::with_digest(registry, repository, digest.to_owned()),
        (tag, None) => {
            Reference::with_tag(registry, repository, tag.unwrap_or("latest").to_owned())
        }
    })
}

/// Splits a name into registry and repository as Docker does: the first component is a
/// registry when it has a `.` or `:` or is `localhost`; otherwise the name is on Docker Hub,
/// under `library/` when it has one component.
fn split_registry(name: &str) -> (String, String) {
    match name.split_once('/') {
        Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
            let registry = if first == "index.docker.io" {
                DOCKER_HUB
            } else {
                first
            };
            let repository = if registry == DOCKER_HUB && !rest.contains('/') {
                format!("library/{rest}")
            } else {
                rest.to_owned()
            };
            (registry.to_owned(), repository)
        }
        Some(_) => (DOCKER_HUB.to_owned(), name.to_owned()),
        None => (DOCKER_HUB.to_owned(), format!("library/{name}")),
    }
}

/// `[\w][\w.-]{0,127}`, ASCII.
fn is_tag(tag: &str) -> bool {
    let word = |byte: u8| byte.is_ascii_alphanumeric() || byte == b'_';
    tag.len() <= 128
        && tag.bytes().next().is_some_and(word)
        && tag
            .bytes()
            .all(|byte| word(byte) || matches!(byte, b'.' | b'-'))
}

/// `[a-z0-9]+` runs joined by `.`, `_`, `__` or one or more `-`.
fn is_path_component(component: &str) -> bool {
    let alphanumeric = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    let starts_and_ends = component.starts_with(alphanumeric) && component.ends_with(alphanumeric);
    starts_and_ends
        && component
            .split(alphanumeric)
            .filter(|separator| !separator.is_empty())
            .all(|separator| {
                matches!(separator, "." | "_" | "__") || separator.bytes().all(|byte| byte == b'-')
            })
}

/// A host name (labels of letters, digits and inner dashes) or IPv4 address, with an
/// optional port.
fn is_registry(registry: &str) -> bool {
    let (host, port) = match registry.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (registry, None),
    };
    let label = |label: &str| {
        !label.is_empty()
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label
                .bytes()
                .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-')
    };
    host.split('.').all(label)
        && port
            .is_none_or(|port| !port.is_empty() && port.bytes().all(|byte| byte.is_ascii_digit()))
}

/// `algorithm:hex` with the length the algorithm implies.
fn check_digest(digest: &str) -> Result<(), &'static str> {
    let (algorithm, hex) = digest.split_once(':').ok_or("a digest is ALGORITHM:HEX")?;
    let length = match algorithm {
        "sha256" => 64,
        "sha384" => 96,
        "sha512" => 128,
        _ => return Err("the digest algorithm is not sha256, sha384 or sha512"),
    };
    if hex.len() != length || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return Err("the digest's hex has the wrong length or characters");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEX: &str = "c5b1d63604f273462ef36fadac3182d43ae6a6138731cf594b314835cf1c034f";

    /// Every case gives the same reference as oci-client's own (regex) parser.
    #[test]
    fn agrees_with_oci_client() {
        let digest = format!("sha256:{HEX}");
        let cases = [
            "ubuntu".to_owned(),
            "ubuntu:22.04".to_owned(),
            "library/ubuntu".to_owned(),
            "org/app:1.0".to_owned(),
            "docker.io/ubuntu".to_owned(),
            "index.docker.io/org/app:v1".to_owned(),
            "ghcr.io/org/team/app:1.0-rc.1".to_owned(),
            "127.0.0.1:5000/app:1.0".to_owned(),
            "localhost/app".to_owned(),
            "localhost:5000/a_b__c/d-e--f.g".to_owned(),
            format!("127.0.0.1:5000/app@{digest}"),
            format!("registry.example/app:1.0@{digest}"),
        ];
        for case in &cases {
            let ours = parse(case).unwrap();
            let theirs = Reference::try_from(case.as_str()).unwrap();
            assert_eq!(ours, theirs, "{case}");
        }
    }

    #[test]
    fn rejects_what_the_grammar_rejects() {
        for case in [
            "",
            "app:",
            "app:-tag",
            "app@sha256:abc",
            "app@md5:0123456789abcdef0123456789abcdef",
            "registry.example//app",
            "registry.example/app/",
            "a/-b",
            "a/b..c",
            "host:port/app",
            "app:tag with space",
        ] {
            assert!(parse(case).is_err(), "{case}");
            assert!(
                Reference::try_from(case).is_err(),
                "oci-client accepts {case}"
            );
        }
    }
}
