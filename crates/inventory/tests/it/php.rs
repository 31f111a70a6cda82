//! PHP: every fixture of the conformance corpus's Composer folders (osv-scalibr
//! `extractor/filesystem/language/php/composerlock` and osv-scanner's legacy
//! `pkg/lockfile/fixtures/composer`, which holds the same files) parsed through
//! [`parse_database`] and compared with the packages the upstream Go tests expect
//! (`composerlock_test.go`, `parse-composer-lock_test.go`), plus dev scope and edges read from
//! the fixtures and a root filesystem with an installed `vendor/` cataloged end to end.
//!
//! `duplicate-packages.json` and `null.jsontest` are newer than the upstream test we read;
//! their expectations are derived from the fixture text.

use custody_artifact::{NoReporter, Scanner, Target};
use custody_inventory::{DatabaseKind, PackageRecord, Position, catalog, parse_database};
use custody_model::{Dependency, Ecosystem};

use crate::cases::{self, Case, Expected::ErrorAt, Expected::Packages};

const SCALIBR: &str = "osv-scalibr/extractor/filesystem/language/php/composerlock/testdata";
const LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures/composer";

/// The folders holding Composer fixtures, relative to `lockfiles/`.
const FOLDERS: [&str; 2] = [SCALIBR, LEGACY];

const SENTRY: (&str, &str) = ("sentry/sdk", "2.0.4");
const TOKENIZER: (&str, &str) = ("theseer/tokenizer", "1.1.3");

const LOCK: DatabaseKind = DatabaseKind::ComposerLock;

#[rustfmt::skip]
const CASES: &[Case] = &[
    (SCALIBR, "not-json.txt", LOCK, ErrorAt(1)),
    // A document of the wrong shape is an error like a syntax error.
    (SCALIBR, "null.jsontest", LOCK, ErrorAt(1)),
    (SCALIBR, "empty.json", LOCK, Packages(&[])),
    (SCALIBR, "one-package.json", LOCK, Packages(&[SENTRY])),
    (SCALIBR, "one-package-dev.json", LOCK, Packages(&[SENTRY])),
    (SCALIBR, "two-packages.json", LOCK, Packages(&[SENTRY, TOKENIZER])),
    (SCALIBR, "two-packages-alt.json", LOCK, Packages(&[SENTRY, TOKENIZER])),
    (SCALIBR, "drupal-packages.json", LOCK, Packages(&[
        ("drupal/core", "10.4.5"), ("drupal/tfa", "2.0.0-alpha4"),
        ("drupal/field_time", "1.0.0-beta5"), TOKENIZER,
    ])),
    // Two versions in `packages`, a third in `packages-dev`: three packages.
    (SCALIBR, "duplicate-packages.json", LOCK, Packages(&[
        SENTRY, ("sentry/sdk", "2.0.5"), ("sentry/sdk", "3.0.0-dev"),
    ])),
    (LEGACY, "not-json.txt", LOCK, ErrorAt(1)),
    (LEGACY, "empty.json", LOCK, Packages(&[])),
    (LEGACY, "one-package.json", LOCK, Packages(&[SENTRY])),
    (LEGACY, "one-package-dev.json", LOCK, Packages(&[SENTRY])),
    (LEGACY, "two-packages.json", LOCK, Packages(&[SENTRY, TOKENIZER])),
    (LEGACY, "two-packages-alt.json", LOCK, Packages(&[SENTRY, TOKENIZER])),
];

#[test]
fn composer_fixtures_match_upstream_expectations() {
    let (_, excluded) = cases::run(Ecosystem::Composer, &FOLDERS, &[], CASES);
    assert_eq!(excluded, 0);
}

/// The records of a fixture of osv-scalibr's folder.
fn records(fixture: &str) -> Vec<PackageRecord> {
    let path = crate::conformance("lockfiles").join(SCALIBR).join(fixture);
    parse_database(LOCK, &fs_err::read(path).unwrap()).unwrap()
}

/// `packages-dev` entries are dev-only (upstream's `DepGroupVals: ["dev"]`), and `require`
/// gives edges to packages, not to platform requirements: drupal/tfa requires drupal/core
/// and three packages the fixture does not lock, besides `php`.
#[test]
fn lockfiles_carry_dev_scope_and_edges() {
    let scopes = |fixture| -> Vec<(String, bool)> {
        records(fixture)
            .into_iter()
            .map(|record| (record.name, record.scope.dev))
            .collect()
    };
    assert_eq!(
        scopes("one-package-dev.json"),
        [("sentry/sdk".into(), true)]
    );
    assert_eq!(
        scopes("two-packages.json"),
        [
            ("sentry/sdk".into(), false),
            ("theseer/tokenizer".into(), true)
        ]
    );
    assert_eq!(
        scopes("drupal-packages.json"),
        [
            ("drupal/core".into(), false),
            ("drupal/tfa".into(), false),
            ("theseer/tokenizer".into(), false),
            ("drupal/field_time".into(), true),
        ]
    );

    let drupal = records("drupal-packages.json");
    assert_eq!(
        drupal[1].depends,
        [
            "chillerlan/php-qrcode",
            "drupal/core",
            "drupal/encrypt",
            "spomky-labs/otphp"
        ]
    );
    assert!(drupal[2].depends.is_empty(), "ext-* and php only");
    assert!(
        drupal[0]
            .provides
            .contains(&"drupal/core-utility".to_owned())
    );
    assert_eq!(drupal[0].licenses, ["GPL-2.0-or-later"]);
    assert!(drupal.iter().all(|record| record.scope.direct.is_none()));
}

#[test]
fn truncated_fixtures_never_panic() {
    cases::truncations_never_panic(&FOLDERS, |_| Some(LOCK));
    cases::truncations_never_panic(&FOLDERS, |_| Some(DatabaseKind::ComposerInstalled));
}

#[test]
fn malformed_input_is_reported_at_its_line() {
    for (kind, content, line) in [
        (LOCK, "{\n  \"packages\": [\n    {\"name\": \"a/b\", }\n", 3),
        (LOCK, "{\"packages\": [],\n\"packages-dev\": {}}", 2),
        (
            DatabaseKind::ComposerInstalled,
            "[\n  {\"name\": \"a/b\",\n   \"require\": []}\n]",
            3,
        ),
        (DatabaseKind::ComposerInstalled, "{\"packages\": [1]}", 1),
    ] {
        let error = parse_database(kind, content.as_bytes()).unwrap_err();
        assert_eq!(error.position, Position::Line(line), "{kind:?}: {error}");
    }
}

/// A PHP application in an image: its `composer.lock` and the `vendor/` Composer 2 installed
/// from it. Both list the same packages, which merge into one package each with both
/// locations; the dev tool is dev-only in both; edges follow `require` and reach a package
/// through the name it `provide`s. A lockfile inside an installed package is not read.
#[test]
fn catalogs_a_lockfile_and_its_installed_vendor_directory() {
    let root = tempfile::tempdir().unwrap();
    let write = |path: &str, content: &str| {
        let path = root.path().join("var/www/app").join(path);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, content).unwrap();
    };
    let packages = r#"[
        {"name": "monolog/monolog", "version": "3.5.0", "license": ["MIT"],
         "require": {"php": ">=8.1", "psr/log-implementation": "^3.0"}},
        {"name": "acme/logger", "version": "1.0.0", "license": "MIT",
         "provide": {"psr/log-implementation": "3.0.0"}}
    ]"#;
    let dev = r#"[{"name": "phpunit/phpunit", "version": "10.5.0", "license": ["BSD-3-Clause"]}]"#;
    write(
        "composer.lock",
        &format!(r#"{{"packages": {packages}, "packages-dev": {dev}}}"#),
    );
    let installed: Vec<serde_json::Value> =
        serde_json::from_str::<Vec<serde_json::Value>>(packages)
            .unwrap()
            .into_iter()
            .chain(serde_json::from_str::<Vec<serde_json::Value>>(dev).unwrap())
            .collect();
    write(
        "vendor/composer/installed.json",
        &serde_json::json!({
            "packages": installed,
            "dev": true,
            "dev-package-names": ["phpunit/phpunit"],
        })
        .to_string(),
    );
    write(
        "vendor/monolog/monolog/composer.lock",
        r#"{"packages": [{"name": "not/installed", "version": "1.0.0"}]}"#,
    );

    let target = Target::parse(&format!("rootfs:{}", root.path().display())).unwrap();
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).unwrap();
    let found: Vec<(&str, bool, String, Vec<&str>)> = inventory
        .packages
        .iter()
        .map(|package| {
            let mut locations: Vec<&str> = package
                .locations
                .iter()
                .map(|location| location.path.as_str())
                .collect();
            locations.sort_unstable();
            (
                package.purl.as_str(),
                package.scope.dev,
                package.licenses.join(","),
                locations,
            )
        })
        .collect();
    let both = vec![
        "var/www/app/composer.lock",
        "var/www/app/vendor/composer/installed.json",
    ];
    assert_eq!(
        found,
        [
            (
                "pkg:composer/acme/logger@1.0.0",
                false,
                "MIT".to_owned(),
                both.clone()
            ),
            (
                "pkg:composer/monolog/monolog@3.5.0",
                false,
                "MIT".to_owned(),
                both.clone()
            ),
            (
                "pkg:composer/phpunit/phpunit@10.5.0",
                true,
                "BSD-3-Clause".to_owned(),
                both
            ),
        ]
    );
    assert_eq!(
        inventory.dependencies,
        [Dependency {
            from: "pkg:composer/monolog/monolog@3.5.0".into(),
            to: "pkg:composer/acme/logger@1.0.0".into(),
        }]
    );
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
}
