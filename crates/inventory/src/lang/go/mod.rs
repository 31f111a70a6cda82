//! Go modules ([`Ecosystem::Golang`]) of source trees: `go.mod` ([`gomod`]), `go.sum`
//! ([`gosum`]) and `vendor/modules.txt` ([`vendor`]). Go *binaries* (build info) are the
//! `binary` module's job.
//!
//! Every format yields records named by module path (`github.com/BurntSushi/toml`, which the
//! resolver splits at its last `/` for the purl) at the canonical version Go selects, with
//! its `v` (`v1.0.0`, `v0.0.0-20210630005230-0f9fa26af87c`, `v2.0.0+incompatible`): the
//! spelling of `go.mod`, `go list -m` and build info, and of Syft's purls. (osv-scalibr and
//! Trivy strip the `v`; custody's Go version order accepts both.) The Go toolchain is the
//! `stdlib` package, as in OSV's Go ecosystem ([`stdlib_record`]).
//!
//! # Which file speaks for a module
//!
//! - `go.mod` lists every module the build needs (Go 1.17 and later; earlier files list only
//!   direct requirements) with the replacements applied.
//! - `go.sum` holds checksums of every module version the go command ever looked at, so it
//!   over-reports; it is read only where no `go.mod` (that parses) sits beside it
//!   ([`superseded_by`]), for trees that ship the checksums without the module file. The cost:
//!   the indirect requirements a Go 1.16 or older `go.mod` leaves out are not reported
//!   (osv-scalibr merges them in from `go.sum` for such modules).
//! - `vendor/modules.txt` lists the modules `go mod vendor` copied, which are what a
//!   `-mod=vendor` build compiles.
//!
//! Files inside a dependency's copy are not read: `go.mod` and `go.sum` under a `vendor/`
//! directory (`go mod vendor` omits them, so they come from pre-module vendoring tools) or in
//! the module cache (`…/pkg/mod/<module>@<version>/`), which describe that dependency's own
//! requirements rather than what the project builds — as npm's cataloger skips lockfiles
//! inside `node_modules`.
//!
//! # Local replacements
//!
//! A module replaced by a directory (`replace example.com/x => ../x`) is built from the tree
//! being scanned, not from the module it names, so it is not reported, in `go.mod` and
//! `vendor/modules.txt` alike, as Trivy does. (osv-scanner and Syft report the directory path
//! as a module name with no version; osv-scalibr's `modules.txt` extractor reports the
//! replaced module at its old version.)

mod gomod;
mod gosum;
mod module;

pub(crate) use gomod::is_directory;
mod vendor;

use custody_model::Ecosystem;

use crate::{PackageRecord, ParseError};

/// A Go file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// `go.mod`.
    GoMod,
    /// `go.sum`.
    GoSum,
    /// `vendor/modules.txt`.
    VendorModules,
}

/// What `directory`/`name` is, if it is a Go file. Compares the file name first: it runs for
/// every file of a target.
pub(crate) fn route(directory: &str, name: &str) -> Option<File> {
    let (file, project) = match name {
        "go.mod" => (File::GoMod, directory),
        "go.sum" => (File::GoSum, directory),
        "modules.txt" => {
            let (project, last) = directory.rsplit_once('/').unwrap_or(("", directory));
            if last != "vendor" {
                return None;
            }
            (File::VendorModules, project)
        }
        _ => return None,
    };
    (!is_dependency_copy(project)).then_some(file)
}

/// The path of the file that makes the one at `path` redundant when both are in a target:
/// the `go.mod` beside a `go.sum`.
pub(crate) fn superseded_by(path: &str) -> Option<String> {
    let directory = match path.rsplit_once('/') {
        Some((directory, "go.sum")) => format!("{directory}/"),
        None if path == "go.sum" => String::new(),
        _ => return None,
    };
    Some(format!("{directory}go.mod"))
}

/// Parses a routed file. A UTF-8 byte order mark, which some editors add, is ignored.
pub(crate) fn parse(
    file: File,
    _path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    match file {
        File::GoMod => gomod::parse(content),
        File::GoSum => gosum::parse(content),
        File::VendorModules => vendor::parse(content),
    }
}

/// The record of the Go standard library for a Go toolchain or language version: a
/// toolchain name (`go1.21.4`, `go1.23.6-custom`, `go1.22.1 X:boringcrypto`) or a `go`
/// directive (`1.21.4`, `1.17`, `1.21rc1`). The version is written as OSV's `stdlib` package
/// writes it: `1.21.4`, `1.17.0` for Go 1.17's first release, `1.21.0-rc.1` for a release
/// candidate, as golang.org/x/vuln converts Go tags. `None` for anything else (`default`).
pub(crate) fn stdlib_record(version: &str) -> Option<PackageRecord> {
    let version = version.strip_prefix("go").unwrap_or(version);
    let version = version
        .split(['-', '+', ' '])
        .next()
        .filter(|version| !version.is_empty())?;
    let release = GoRelease::parse(version)?;
    Some(PackageRecord::new(
        Ecosystem::Golang,
        "stdlib",
        release.to_string(),
    ))
}

/// A Go release or language version as `go` directives and toolchain names write it:
/// `1.21.4`, `1.21`, `1.21rc1` (`golang.org/x/mod/modfile`'s `GoVersionRE`).
#[derive(Debug, PartialEq, Eq)]
struct GoRelease<'a> {
    major: &'a str,
    minor: &'a str,
    patch: Option<&'a str>,
    /// A pre-release: its kind (`rc`, `beta`) and number.
    prerelease: Option<(&'a str, &'a str)>,
}

impl<'a> GoRelease<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let is_number = |part: &str| {
            !part.is_empty()
                && part.bytes().all(|byte| byte.is_ascii_digit())
                && (part == "0" || !part.starts_with('0'))
        };
        let (numbers, prerelease) = match text.find(|c: char| c.is_ascii_lowercase()) {
            Some(start) => {
                let (numbers, suffix) = text.split_at(start);
                let digits = suffix.find(|c: char| c.is_ascii_digit())?;
                let (kind, number) = suffix.split_at(digits);
                // Go tags its pre-releases `beta` and `rc` only (golang.org/x/vuln converts
                // no others).
                let valid = matches!(kind, "beta" | "rc")
                    && number.bytes().all(|byte| byte.is_ascii_digit());
                (numbers, Some(valid.then_some((kind, number))?))
            }
            None => (text, None),
        };
        let mut parts = numbers.split('.');
        let major = parts
            .next()
            .filter(|major| is_number(major) && *major != "0")?;
        let minor = parts.next().filter(|minor| is_number(minor))?;
        let patch = match parts.next() {
            Some(patch) if is_number(patch) => Some(patch),
            Some(_) => return None,
            None => None,
        };
        parts.next().is_none().then_some(Self {
            major,
            minor,
            patch,
            prerelease,
        })
    }
}

impl std::fmt::Display for GoRelease<'_> {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Self {
            major,
            minor,
            patch,
            prerelease,
        } = self;
        write!(formatter, "{major}.{minor}.{}", patch.unwrap_or("0"))?;
        if let Some((kind, number)) = prerelease {
            write!(formatter, "-{kind}.{number}")?;
        }
        Ok(())
    }
}

/// Whether `directory` is inside a copy of a dependency: under a `vendor/` directory or in
/// the module cache (`…/pkg/mod/…`).
fn is_dependency_copy(directory: &str) -> bool {
    let mut previous = "";
    directory.split('/').any(|component| {
        let copy = component == "vendor" || (previous == "pkg" && component == "mod");
        previous = component;
        copy
    })
}

/// Record of module `path` at `version`.
fn record(path: &str, version: &str) -> PackageRecord {
    PackageRecord::new(Ecosystem::Golang, path, version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_go_files_outside_dependency_copies() {
        for (path, file) in [
            ("go.mod", File::GoMod),
            ("src/app/go.mod", File::GoMod),
            ("src/app/go.sum", File::GoSum),
            ("vendor/modules.txt", File::VendorModules),
            ("src/app/vendor/modules.txt", File::VendorModules),
            ("home/pkg/app/go.mod", File::GoMod),
        ] {
            let (directory, name) = path.rsplit_once('/').unwrap_or(("", path));
            assert_eq!(route(directory, name), Some(file), "{path}");
        }
        for path in [
            "modules.txt",
            "src/modules.txt",
            "vendor/x/modules.txt",
            "app/vendor/github.com/x/y/go.mod",
            "app/vendor/vendor/modules.txt",
            "root/go/pkg/mod/github.com/x/y@v1.0.0/go.mod",
            "root/go/pkg/mod/github.com/x/y@v1.0.0/vendor/modules.txt",
            "go.mod.bak",
            "go.work",
            "x.go.sum",
        ] {
            let (directory, name) = path.rsplit_once('/').unwrap_or(("", path));
            assert_eq!(route(directory, name), None, "{path}");
        }
    }

    #[test]
    fn go_sum_is_superseded_by_the_go_mod_beside_it() {
        assert_eq!(superseded_by("go.sum").unwrap(), "go.mod");
        assert_eq!(superseded_by("a/b/go.sum").unwrap(), "a/b/go.mod");
        assert_eq!(superseded_by("a/go.mod"), None);
        assert_eq!(superseded_by("a/x.go.sum"), None);
    }

    #[test]
    fn stdlib_versions_follow_osv() {
        for (version, stdlib) in [
            ("go1.21.4", Some("1.21.4")),
            ("go1.23.6-xyz", Some("1.23.6")),
            ("go1.22.1 X:boringcrypto", Some("1.22.1")),
            ("go1.21.3+auto", Some("1.21.3")),
            ("1.17", Some("1.17.0")),
            ("1.23.5", Some("1.23.5")),
            ("go1.20", Some("1.20.0")),
            ("1.21rc1", Some("1.21.0-rc.1")),
            ("go1.19beta1", Some("1.19.0-beta.1")),
            ("default", None),
            ("go", None),
            ("1", None),
            ("0.1", None),
            ("1.021", None),
            ("1.21.x", None),
            ("1.21.1.1", None),
            ("1.21rc", None),
            ("1.21RC1", None),
            ("", None),
        ] {
            assert_eq!(
                stdlib_record(version)
                    .map(|record| record.version)
                    .as_deref(),
                stdlib,
                "{version}"
            );
        }
        let record = stdlib_record("go1.21.4").unwrap();
        assert_eq!(
            (record.ecosystem, record.name.as_str()),
            (Ecosystem::Golang, "stdlib")
        );
    }
}
