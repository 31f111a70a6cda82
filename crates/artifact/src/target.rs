//! [`Target`]: what the user asked to scan, parsed from `scheme:value` strings the way Syft
//! users write them.

use std::fmt;
use std::path::{Path, PathBuf};

use custody_model::TargetKind;

use crate::Error;

/// A scan target.
///
/// Parse one with [`Target::parse`]; the schemes are `dir:`, `rootfs:`, `oci-dir:`,
/// `oci-archive:`, `docker-archive:` and `registry:`. Without a scheme, an existing directory
/// is `dir:` (or `oci-dir:` when it holds an `oci-layout` file), an existing file is an
/// `oci-archive:` or `docker-archive:` by its content, and anything else that parses as an
/// image reference is `registry:`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A source tree.
    Dir(PathBuf),
    /// An installed system's root filesystem.
    Rootfs(PathBuf),
    /// An OCI image layout directory, optionally with the tag (`org.opencontainers.image.ref.name`)
    /// to pick from its index.
    OciDir {
        /// The layout directory.
        path: PathBuf,
        /// The tag to pick when the index lists several images.
        tag: Option<String>,
    },
    /// An OCI image layout packed in a tar file.
    OciArchive(PathBuf),
    /// A `docker save` archive.
    DockerArchive(PathBuf),
    /// An image reference in a registry (`127.0.0.1:5000/app:1.0`, `debian@sha256:…`).
    Registry(String),
}

impl Target {
    /// Parses a target string as described on [`Target`].
    ///
    /// ```
    /// use custody_artifact::Target;
    ///
    /// let target = Target::parse("registry:127.0.0.1:5000/app:1.0").unwrap();
    /// assert_eq!(target, Target::Registry("127.0.0.1:5000/app:1.0".into()));
    /// ```
    pub fn parse(input: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::InvalidTarget {
            input: input.to_owned(),
            reason: reason.to_owned(),
        };
        if let Some((scheme, value)) = input.split_once(':') {
            if value.is_empty() && is_scheme(scheme) {
                return Err(invalid("nothing follows the scheme"));
            }
            match scheme {
                "dir" => return Ok(Self::Dir(PathBuf::from(value))),
                "rootfs" => return Ok(Self::Rootfs(PathBuf::from(value))),
                "oci-dir" => return Ok(parse_oci_dir(value)),
                "oci-archive" => return Ok(Self::OciArchive(PathBuf::from(value))),
                "docker-archive" => return Ok(Self::DockerArchive(PathBuf::from(value))),
                "registry" | "docker" => return Ok(Self::Registry(value.to_owned())),
                _ => {}
            }
        }
        let path = Path::new(input);
        if path.is_dir() {
            return Ok(if path.join("oci-layout").is_file() {
                Self::OciDir {
                    path: path.to_owned(),
                    tag: None,
                }
            } else {
                Self::Dir(path.to_owned())
            });
        }
        if path.is_file() {
            return Ok(if crate::source::archive::is_oci_archive(path)? {
                Self::OciArchive(path.to_owned())
            } else {
                Self::DockerArchive(path.to_owned())
            });
        }
        match oci_client::Reference::try_from(input) {
            Ok(_) => Ok(Self::Registry(input.to_owned())),
            Err(_) => Err(invalid(
                "no such file or directory, and not an image reference",
            )),
        }
    }

    /// The kind of target.
    pub fn kind(&self) -> TargetKind {
        match self {
            Self::Dir(_) => TargetKind::Dir,
            Self::Rootfs(_) => TargetKind::Rootfs,
            Self::OciDir { .. } => TargetKind::OciDir,
            Self::OciArchive(_) => TargetKind::OciArchive,
            Self::DockerArchive(_) => TargetKind::DockerArchive,
            Self::Registry(_) => TargetKind::Registry,
        }
    }

    /// The target's name without the scheme, as reports show it.
    pub fn name(&self) -> String {
        match self {
            Self::Dir(path)
            | Self::Rootfs(path)
            | Self::OciArchive(path)
            | Self::DockerArchive(path)
            | Self::OciDir { path, tag: None } => path.display().to_string(),
            Self::OciDir {
                path,
                tag: Some(tag),
            } => format!("{}:{tag}", path.display()),
            Self::Registry(reference) => reference.clone(),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.kind().scheme(), self.name())
    }
}

fn is_scheme(scheme: &str) -> bool {
    matches!(
        scheme,
        "dir" | "rootfs" | "oci-dir" | "oci-archive" | "docker-archive" | "registry" | "docker"
    )
}

/// `oci-dir:PATH[:TAG]`: a trailing `:TAG` is a tag only when the whole value is not itself an
/// existing path, so layouts in directories whose names contain colons still open.
fn parse_oci_dir(value: &str) -> Target {
    if !Path::new(value).exists()
        && let Some((path, tag)) = value.rsplit_once(':')
        && !path.is_empty()
        && !tag.is_empty()
        && !tag.contains('/')
    {
        return Target::OciDir {
            path: PathBuf::from(path),
            tag: Some(tag.to_owned()),
        };
    }
    Target::OciDir {
        path: PathBuf::from(value),
        tag: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes_parse() {
        assert_eq!(Target::parse("dir:.").unwrap(), Target::Dir(".".into()));
        assert_eq!(
            Target::parse("rootfs:/mnt/root").unwrap(),
            Target::Rootfs("/mnt/root".into())
        );
        assert_eq!(
            Target::parse("oci-dir:/nonexistent/layout:1.0").unwrap(),
            Target::OciDir {
                path: "/nonexistent/layout".into(),
                tag: Some("1.0".into())
            }
        );
        assert_eq!(
            Target::parse("docker-archive:img.tar").unwrap(),
            Target::DockerArchive("img.tar".into())
        );
        assert_eq!(
            Target::parse("registry:localhost:5000/a/b@sha256:abc").unwrap(),
            Target::Registry("localhost:5000/a/b@sha256:abc".into())
        );
    }

    #[test]
    fn bare_inputs_default_by_what_exists() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().to_str().unwrap();
        assert_eq!(
            Target::parse(input).unwrap(),
            Target::Dir(dir.path().into())
        );
        fs_err::write(dir.path().join("oci-layout"), "{}").unwrap();
        assert!(matches!(
            Target::parse(input).unwrap(),
            Target::OciDir { .. }
        ));
        assert_eq!(
            Target::parse("debian:12").unwrap(),
            Target::Registry("debian:12".into())
        );
        assert!(Target::parse("Not A Reference!").is_err());
        assert!(Target::parse("dir:").is_err());
    }

    #[test]
    fn display_round_trips() {
        for input in ["dir:.", "oci-dir:/x/y:1.0", "registry:alpine:3.20"] {
            assert_eq!(Target::parse(input).unwrap().to_string(), input);
        }
    }
}
