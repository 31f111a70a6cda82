//! A source tree holding one fixture of each format the Elixir, Dart, Swift, `CocoaPods`, Conan
//! and Bun catalogers read, under its real file name, cataloged end to end: routing by name
//! (and not inside dependency checkouts), purls, scope and the dependency edges the resolver
//! draws from each file's records.

use std::collections::BTreeSet;

use custody_artifact::{NoReporter, Scanner, Target};
use custody_inventory::catalog;
use custody_model::{Dependency, Scope};

/// Where each fixture (relative to `lockfiles/`) is copied in the tree.
const TREE: [(&str, &str); 9] = [
    (
        "osv-scanner-legacy/pkg/lockfile/fixtures/mix/two-packages.lock",
        "elixir/mix.lock",
    ),
    (
        "osv-scanner-legacy/pkg/lockfile/fixtures/pub/mixed-packages.lock",
        "flutter/pubspec.lock",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/swift/packageresolved/testdata/cve-packages",
        "ios/Package.resolved",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/swift/podfilelock/testdata/valid",
        "ios/Podfile.lock",
    ),
    (
        "osv-scanner-legacy/pkg/lockfile/fixtures/conan/nested-dependencies.v1.json",
        "cpp/conan.lock",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/javascript/bunlock/testdata/nested-dependencies.json5",
        "web/bun.lock",
    ),
    // Dependencies' own lockfiles, in the places package managers check dependencies out:
    // not read.
    (
        "osv-scanner-legacy/pkg/lockfile/fixtures/mix/git.lock",
        "elixir/deps/foo/mix.lock",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/swift/packageresolved/testdata/valid",
        "ios/.build/checkouts/swift-nio/Package.resolved",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/javascript/bunlock/testdata/alias.json5",
        "web/node_modules/chalk/bun.lock",
    ),
];

#[test]
fn catalogs_every_format_with_purls_scope_and_edges() {
    let corpus = crate::conformance("lockfiles");
    let root = tempfile::tempdir().unwrap();
    for (fixture, path) in TREE {
        let path = root.path().join(path);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::copy(corpus.join(fixture), path).unwrap();
    }
    let target = Target::parse(&format!("dir:{}", root.path().display())).unwrap();
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).unwrap();
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);

    let purls: BTreeSet<&str> = inventory
        .packages
        .iter()
        .map(|package| package.purl.as_str())
        .collect();
    let expected: BTreeSet<&str> = [
        "pkg:hex/plug@1.11.1",
        "pkg:hex/plug_crypto@1.2.2",
        "pkg:pub/back_button_interceptor@6.0.1",
        "pkg:pub/build_runner@2.2.1",
        "pkg:pub/shelf@1.3.2",
        "pkg:pub/shelf_web_socket@1.0.2",
        "pkg:swift/github.com/apple/swift-crypto@3.0.0",
        "pkg:swift/github.com/apple/swift-nio@2.65.0",
        "pkg:swift/github.com/apple/swift-nio-http2@1.29.0",
        "pkg:cocoapods/GlossButtonNode@3.1.2",
        "pkg:cocoapods/PINCache@3.0.3",
        "pkg:conan/brotli@1.0.9",
        "pkg:conan/bzip2@1.0.8",
        "pkg:conan/freetype@2.12.1",
        "pkg:conan/libpng@1.6.39",
        "pkg:conan/zlib@1.2.13",
        "pkg:npm/ansi-styles@4.3.0",
        "pkg:npm/chalk@4.1.2",
        "pkg:npm/color-convert@2.0.1",
        "pkg:npm/color-name@1.1.4",
        "pkg:npm/has-flag@2.0.0",
        "pkg:npm/has-flag@3.0.0",
        "pkg:npm/has-flag@4.0.0",
        "pkg:npm/supports-color@5.5.0",
        "pkg:npm/supports-color@7.2.0",
    ]
    .into();
    assert_eq!(purls, expected);

    let scope = |purl: &str| {
        inventory
            .packages
            .iter()
            .find(|package| package.purl.as_str() == purl)
            .unwrap()
            .scope
    };
    let direct = |direct, dev| Scope {
        direct: Some(direct),
        dev,
    };
    assert_eq!(scope("pkg:pub/build_runner@2.2.1"), direct(true, true));
    assert_eq!(scope("pkg:pub/shelf@1.3.2"), direct(false, false));
    assert_eq!(
        scope("pkg:cocoapods/GlossButtonNode@3.1.2"),
        direct(true, false)
    );
    assert_eq!(scope("pkg:conan/freetype@2.12.1"), direct(true, false));
    assert_eq!(scope("pkg:conan/zlib@1.2.13"), direct(false, false));
    assert_eq!(scope("pkg:hex/plug@1.11.1"), Scope::default());

    // Read from the fixtures: plug lists plug_crypto (mime and telemetry are not locked);
    // freetype requires nodes 2 to 5 and libpng requires zlib; in bun.lock, chalk's nested
    // supports-color 7.2.0 sees its own nested has-flag 4.0.0, the top-level 5.5.0 has-flag
    // 3.0.0.
    let edges: BTreeSet<(&str, &str)> = inventory
        .dependencies
        .iter()
        .map(|Dependency { from, to }| (from.as_str(), to.as_str()))
        .collect();
    let expected: BTreeSet<(&str, &str)> = [
        ("pkg:hex/plug@1.11.1", "pkg:hex/plug_crypto@1.2.2"),
        ("pkg:conan/freetype@2.12.1", "pkg:conan/brotli@1.0.9"),
        ("pkg:conan/freetype@2.12.1", "pkg:conan/bzip2@1.0.8"),
        ("pkg:conan/freetype@2.12.1", "pkg:conan/libpng@1.6.39"),
        ("pkg:conan/freetype@2.12.1", "pkg:conan/zlib@1.2.13"),
        ("pkg:conan/libpng@1.6.39", "pkg:conan/zlib@1.2.13"),
        ("pkg:npm/ansi-styles@4.3.0", "pkg:npm/color-convert@2.0.1"),
        ("pkg:npm/chalk@4.1.2", "pkg:npm/ansi-styles@4.3.0"),
        ("pkg:npm/chalk@4.1.2", "pkg:npm/supports-color@7.2.0"),
        ("pkg:npm/color-convert@2.0.1", "pkg:npm/color-name@1.1.4"),
        ("pkg:npm/supports-color@5.5.0", "pkg:npm/has-flag@3.0.0"),
        ("pkg:npm/supports-color@7.2.0", "pkg:npm/has-flag@4.0.0"),
    ]
    .into();
    assert_eq!(edges, expected);
}
