//! Dart `pubspec.lock` (Pub): every fixture of the corpus's two `pubspec.lock` folders,
//! compared through the shared [`cases`] runner with the packages the upstream Go tests
//! expect, plus the scope each entry's `dependency` field gives.
//!
//! Expectations come from osv-scalibr `extractor/filesystem/language/dart/pubspec/
//! pubspec_test.go` and osv-scanner `pkg/lockfile/parse-pubspec-lock_test.go`, which share the
//! fixtures. custody skips SDK and path packages (see `lang/dart.rs`), where upstream reports
//! them.

use custody_inventory::{DatabaseKind, parse_database};
use custody_model::{Ecosystem, Scope};

use crate::cases::{self, Case, Expected::ErrorAt, Expected::Packages};

const SCALIBR: &str = "osv-scalibr/extractor/filesystem/language/dart/pubspec/testdata";
const LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures/pub";

const PUB: DatabaseKind = DatabaseKind::PubspecLock;

/// Every fixture and what parsing it gives; both folders hold the same files.
#[rustfmt::skip]
fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for folder in [SCALIBR, LEGACY] {
        cases.extend([
            // osv-scanner: no packages; osv-scalibr: an error. An empty file holds no
            // packages, as in every custody lockfile format.
            (folder, "empty.lock", PUB, Packages(&[])),
            // `this is not valid yaml!` is a YAML string, not a lockfile mapping.
            (folder, "not-yaml.txt", PUB, ErrorAt(1)),
            (folder, "no-packages.lock", PUB, Packages(&[])),
            (folder, "one-package.lock", PUB, Packages(&[("back_button_interceptor", "6.0.1")])),
            (folder, "one-package-dev.lock", PUB, Packages(&[("build_runner", "2.2.1")])),
            (folder, "two-packages.lock", PUB, Packages(&[
                ("shelf", "1.3.2"), ("shelf_web_socket", "1.0.2"),
            ])),
            (folder, "mixed-packages.lock", PUB, Packages(&[
                ("back_button_interceptor", "6.0.1"), ("build_runner", "2.2.1"),
                ("shelf", "1.3.2"), ("shelf_web_socket", "1.0.2"),
            ])),
            (folder, "source-git.lock", PUB, Packages(&[
                ("flutter_rust_bridge", "1.32.0"), ("screen_retriever", "0.1.2"),
                ("toggle_switch", "1.4.0"), ("tray_manager", "0.1.8"),
                ("window_manager", "0.2.7"),
            ])),
            // deviation: upstream reports flutter_web_plugins at the placeholder 0.0.0; it
            // ships with the Flutter SDK and is not a pub.dev package.
            (folder, "source-sdk.lock", PUB, Packages(&[])),
            // deviation: upstream reports maa_core 0.0.1; a `path` package is a directory of
            // the project itself.
            (folder, "source-path.lock", PUB, Packages(&[])),
        ]);
    }
    cases
}

#[test]
fn pubspec_lock_fixtures_match_upstream_expectations() {
    let (passed, excluded) = cases::run(Ecosystem::Pub, &[SCALIBR, LEGACY], &[], &cases());
    assert_eq!((passed, excluded), (20, 0));
}

#[test]
fn truncated_pubspec_locks_never_panic() {
    cases::truncations_never_panic(&[SCALIBR, LEGACY], |_| Some(PUB));
}

/// mixed-packages.lock marks `back_button_interceptor` `direct main`, `build_runner`
/// `direct dev` (upstream's `dev` group) and the `shelf` packages `transitive`.
#[test]
fn scope_follows_the_dependency_field() {
    let path = crate::conformance("lockfiles").join(format!("{LEGACY}/mixed-packages.lock"));
    let records = parse_database(PUB, &fs_err::read(path).unwrap()).unwrap();
    let scope = |name: &str| {
        records
            .iter()
            .find(|record| record.name == name)
            .unwrap()
            .scope
    };
    let expected = |direct, dev| Scope {
        direct: Some(direct),
        dev,
    };
    assert_eq!(scope("back_button_interceptor"), expected(true, false));
    assert_eq!(scope("build_runner"), expected(true, true));
    assert_eq!(scope("shelf"), expected(false, false));
    assert_eq!(scope("shelf_web_socket"), expected(false, false));
}
