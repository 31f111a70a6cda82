//! Swift and Objective-C packages: the Swift Package Manager's `Package.resolved`
//! ([`Ecosystem::Swift`](custody_model::Ecosystem::Swift), in [`package_resolved`]) and
//! `CocoaPods`' `Podfile.lock` ([`Ecosystem::Cocoapods`](custody_model::Ecosystem::Cocoapods),
//! in [`podfile_lock`]).
//!
//! [`route`] picks files by name. A `Package.resolved` inside a dependency checkout
//! (`.build/checkouts/<package>/`, Xcode's `SourcePackages/checkouts/<package>/`) belongs to
//! that dependency and describes its development tree rather than what was resolved here, so
//! it is not read. `CocoaPods` keeps its copy of the lockfile as `Pods/Manifest.lock`, which is
//! not routed, so each project's pods are reported once.

mod package_resolved;
mod podfile_lock;

use crate::{PackageRecord, ParseError};

/// A Swift or `CocoaPods` file, recognised by its path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum File {
    /// The Swift Package Manager's `Package.resolved`, versions 1 to 3.
    PackageResolved,
    /// `CocoaPods`' `Podfile.lock`.
    PodfileLock,
}

/// Directories under which the Swift Package Manager and Xcode check dependencies out.
const CHECKOUT_PARENTS: [&str; 2] = [".build", "SourcePackages"];

/// What `directory`/`name` is, if it is a Swift or `CocoaPods` lockfile of this project.
/// Compares the file name first: it runs for every file of a target.
pub(crate) fn route(directory: &str, name: &str) -> Option<File> {
    match name {
        "Package.resolved" => (!in_checkout(directory)).then_some(File::PackageResolved),
        "Podfile.lock" => Some(File::PodfileLock),
        _ => None,
    }
}

/// Whether `directory` is inside a dependency checkout: a `checkouts` directory of
/// [`CHECKOUT_PARENTS`].
fn in_checkout(directory: &str) -> bool {
    let components: Vec<&str> = directory.split('/').collect();
    components
        .windows(2)
        .any(|pair| matches!(pair, [parent, "checkouts"] if CHECKOUT_PARENTS.contains(parent)))
}

/// Parses a routed file. A UTF-8 byte order mark is ignored; an empty file holds no packages.
pub(crate) fn parse(
    file: File,
    _path: &str,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    match file {
        File::PackageResolved => package_resolved::parse(content),
        File::PodfileLock => podfile_lock::parse(content),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_lockfiles_outside_dependency_checkouts() {
        for (directory, name, file) in [
            ("", "Package.resolved", File::PackageResolved),
            (
                "App.xcodeproj/project.xcworkspace/xcshareddata/swiftpm",
                "Package.resolved",
                File::PackageResolved,
            ),
            ("ios", "Podfile.lock", File::PodfileLock),
            ("checkouts/x", "Package.resolved", File::PackageResolved),
        ] {
            assert_eq!(route(directory, name), Some(file), "{directory}/{name}");
        }
        for (directory, name) in [
            (".build/checkouts/swift-nio", "Package.resolved"),
            (
                "DerivedData/App/SourcePackages/checkouts/swift-nio",
                "Package.resolved",
            ),
            ("ios/Pods", "Manifest.lock"),
            ("", "Package.swift"),
            ("", "package.resolved"),
            ("", "Podfile"),
        ] {
            assert_eq!(route(directory, name), None, "{directory}/{name}");
        }
    }
}
