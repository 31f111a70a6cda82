//! Ruby gems ([`Ecosystem::Gem`](custody_model::Ecosystem::Gem)): Bundler's lockfile
//! (`Gemfile.lock`, or `gems.locked` for a `gems.rb` project) in source trees, and the
//! specifications RubyGems writes for every installed gem
//! (`…/specifications/<name>-<version>.gemspec`).
//!
//! [`route`] picks files by name and location; [`gemfile_lock`] and [`gemspec`] parse them.
//! Records are named as RubyGems names the gem (`nokogiri`, `rack-test`), at the version
//! without the platform suffix Bundler appends to native gems (`1.13.3-x86_64-linux` is
//! `1.13.3`): advisories are per version, not per platform build.
//!
//! # Dependency edges
//!
//! Both formats name dependencies by gem name only, and a Bundler lockfile resolves each name
//! to one version, so `depends` holds plain names. An installed specification's dependencies
//! resolve among the specifications of the same directory (see [`specifications_directory`]),
//! where RubyGems installs them.

mod gemfile_lock;
mod gemspec;

use crate::{PackageRecord, ParseError};

/// A Ruby file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// Bundler's `Gemfile.lock` or `gems.locked`.
    GemfileLock,
    /// An installed gem's specification, `specifications/*.gemspec` (and
    /// `specifications/default/*.gemspec` for the gems bundled with Ruby).
    InstalledGemspec,
}

/// What `directory`/`name` is, if it is a Ruby file. Compares the file name first: it runs
/// for every file of a target.
///
/// A `*.gemspec` elsewhere is a gem's source-tree specification: Ruby code that computes its
/// version (`spec.version = MyGem::VERSION`), which custody never evaluates; the installed
/// copy RubyGems writes under `specifications/` holds literals.
pub(crate) fn route(directory: &str, name: &str) -> Option<File> {
    match name {
        "Gemfile.lock" | "gems.locked" => Some(File::GemfileLock),
        _ if name.ends_with(".gemspec") && is_specifications_directory(directory) => {
            Some(File::InstalledGemspec)
        }
        _ => None,
    }
}

/// Parses a routed file. A UTF-8 byte order mark is ignored.
pub(crate) fn parse(
    file: File,
    _path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    let content = content.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(content);
    match file {
        File::GemfileLock => gemfile_lock::parse(content),
        File::InstalledGemspec => gemspec::parse(content),
    }
}

/// The `specifications` directory holding the installed gemspec at `path`
/// (`usr/lib/ruby/gems/3.1.0/specifications` for both `…/specifications/rake-13.0.6.gemspec`
/// and the default gem `…/specifications/default/json-2.6.1.gemspec`): the installed gems whose
/// dependencies resolve among each other.
pub(crate) fn specifications_directory(path: &str) -> Option<&str> {
    let (directory, name) = path.rsplit_once('/')?;
    if !name.ends_with(".gemspec") || !is_specifications_directory(directory) {
        return None;
    }
    Some(directory.strip_suffix("/default").unwrap_or(directory))
}

/// Whether `directory` is where RubyGems writes installed specifications: a `specifications`
/// directory, or its `default` subdirectory.
fn is_specifications_directory(directory: &str) -> bool {
    let directory = directory.strip_suffix("/default").unwrap_or(directory);
    directory == "specifications" || directory.ends_with("/specifications")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route_path(path: &str) -> Option<File> {
        let (directory, name) = path.rsplit_once('/').unwrap_or(("", path));
        route(directory, name)
    }

    #[test]
    fn routes_lockfiles_and_installed_specifications() {
        for (path, file) in [
            ("Gemfile.lock", File::GemfileLock),
            ("app/Gemfile.lock", File::GemfileLock),
            ("app/gems.locked", File::GemfileLock),
            (
                "usr/lib/ruby/gems/3.1.0/specifications/rake-13.0.6.gemspec",
                File::InstalledGemspec,
            ),
            (
                "usr/lib/ruby/gems/3.1.0/specifications/default/json-2.6.1.gemspec",
                File::InstalledGemspec,
            ),
            (
                "usr/share/rubygems-integration/all/specifications/rack-2.2.4.gemspec",
                File::InstalledGemspec,
            ),
            (
                "app/vendor/bundle/ruby/3.1.0/specifications/nokogiri-1.13.3-x86_64-linux.gemspec",
                File::InstalledGemspec,
            ),
            ("specifications/a-1.gemspec", File::InstalledGemspec),
        ] {
            assert_eq!(route_path(path), Some(file), "{path}");
        }
    }

    #[test]
    fn ignores_lookalikes() {
        for path in [
            "Gemfile",
            "Gemfile.lock.bak",
            "path.to.Gemfile.lock",
            "app/my.gemspec",
            "gems/rake-13.0.6/rake.gemspec",
            "specifications/default/x/a.gemspec",
            "notspecifications/a.gemspec",
            "specifications/a.gemspec.bak",
        ] {
            assert_eq!(route_path(path), None, "{path}");
        }
    }

    #[test]
    fn finds_the_specifications_directory() {
        assert_eq!(
            specifications_directory("usr/lib/ruby/gems/3.1.0/specifications/default/json.gemspec"),
            Some("usr/lib/ruby/gems/3.1.0/specifications")
        );
        assert_eq!(
            specifications_directory("var/lib/gems/3.1.0/specifications/rake-13.0.6.gemspec"),
            Some("var/lib/gems/3.1.0/specifications")
        );
        assert_eq!(specifications_directory("app/Gemfile.lock"), None);
        assert_eq!(specifications_directory("app/x.gemspec"), None);
    }
}
