//! npm lockfiles and installed manifests from the conformance corpus (`lockfiles/`), parsed
//! through [`parse_database`] and compared with the packages the upstream Go tests expect,
//! plus a scan of a small root filesystem through [`catalog`].
//!
//! Fixture folders: osv-scalibr's `extractor/filesystem/language/javascript/{packagelockjson,
//! yarnlock,pnpmlock,packagejson,bunlock}/testdata` and osv-scanner's legacy
//! `pkg/lockfile/fixtures/{npm,yarn,pnpm}`, which hold the same files (one `empty.v1.lock`
//! differs only in a trailing newline; Bun's are only in osv-scalibr). The tables below are keyed by file name and shared by
//! both copies. Expected packages are copied from the upstream tests named above each table;
//! where they list a version of `""` with a commit, custody's version is the commit. A few
//! rows say "read from the fixture" where no upstream test lists the file.
//!
//! custody deviates from upstream by the named rules in [`deviation`] and
//! [`EXCLUDED_FIXTURES`]; the test prints each one it applies.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use custody_artifact::{NoReporter, Scanner, Target};
use custody_inventory::{DatabaseKind, PackageRecord, Position, catalog, parse_database};
use custody_model::Dependency;

/// The conformance corpus's `lockfiles/` folder.
fn corpus() -> PathBuf {
    crate::conformance("lockfiles")
}

/// A package as an upstream test lists it: name, version, commit.
type Upstream = (&'static str, &'static str, &'static str);

/// What parsing a fixture gives.
enum Expect {
    /// These packages, in any order; repeats of one name and version count once.
    Packages(&'static [Upstream]),
    /// A parse error.
    Error,
}

use Expect::{Error, Packages};

const SCALIBR: &str = "osv-scalibr/extractor/filesystem/language/javascript";
const LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures";

/// Fixture files of one folder, by name, with what parsing each gives.
type Fixtures = &'static [(&'static str, Expect)];

/// The fixture folders, how to parse their files, and their expectations.
fn folders() -> [(String, DatabaseKind, Fixtures); 8] {
    [
        (
            format!("{SCALIBR}/packagelockjson/testdata"),
            DatabaseKind::NpmPackageLock,
            PACKAGE_LOCK,
        ),
        (
            format!("{LEGACY}/npm"),
            DatabaseKind::NpmPackageLock,
            PACKAGE_LOCK,
        ),
        (
            format!("{SCALIBR}/yarnlock/testdata"),
            DatabaseKind::YarnLock,
            YARN,
        ),
        (format!("{LEGACY}/yarn"), DatabaseKind::YarnLock, YARN),
        (
            format!("{SCALIBR}/pnpmlock/testdata"),
            DatabaseKind::PnpmLock,
            PNPM,
        ),
        (format!("{LEGACY}/pnpm"), DatabaseKind::PnpmLock, PNPM),
        (
            format!("{SCALIBR}/packagejson/testdata"),
            DatabaseKind::NpmInstalledPackage,
            INSTALLED,
        ),
        (
            format!("{SCALIBR}/bunlock/testdata"),
            DatabaseKind::BunLock,
            BUN,
        ),
    ]
}

const WRAPPY: Upstream = ("wrappy", "1.0.2", "");
const SUPPORTS_COLOR_5: Upstream = ("supports-color", "5.5.0", "");

/// `package-lock.json`: osv-scanner `pkg/lockfile/parse-npm-lock-v1_test.go` and
/// `parse-npm-lock-v2_test.go`; osv-scalibr `packagelockjson/packagelockjson-v1_test.go`,
/// `packagelockjson-v2_test.go` and `packagelockjson_test.go` (the shrinkwrap cases, `null`).
const PACKAGE_LOCK: &[(&str, Expect)] = &[
    ("not-json.txt", Error),
    ("null.v2.jsontest", Error),
    ("empty.v1.json", Packages(&[])),
    ("empty.v2.json", Packages(&[])),
    ("one-package.v1.json", Packages(&[WRAPPY])),
    ("one-package.v2.json", Packages(&[WRAPPY])),
    ("one-package-dev.v1.json", Packages(&[WRAPPY])),
    ("one-package-dev.v2.json", Packages(&[WRAPPY])),
    (
        "two-packages.v1.json",
        Packages(&[WRAPPY, SUPPORTS_COLOR_5]),
    ),
    (
        "two-packages.v2.json",
        Packages(&[WRAPPY, SUPPORTS_COLOR_5]),
    ),
    (
        "optional-package.v1.json",
        Packages(&[WRAPPY, SUPPORTS_COLOR_5]),
    ),
    (
        "optional-package.v2.json",
        Packages(&[WRAPPY, SUPPORTS_COLOR_5]),
    ),
    (
        "scoped-packages.v1.json",
        Packages(&[WRAPPY, ("@babel/code-frame", "7.0.0", "")]),
    ),
    (
        "scoped-packages.v2.json",
        Packages(&[WRAPPY, ("@babel/code-frame", "7.0.0", "")]),
    ),
    ("nested-dependencies.v1.json", Packages(NESTED)),
    ("nested-dependencies.v2.json", Packages(NESTED)),
    ("nested-dependencies-dup.v1.json", Packages(NESTED_DUP_V1)),
    (
        "nested-dependencies-dup.v2.json",
        Packages(&[
            ("supports-color", "6.1.0", ""),
            ("supports-color", "2.0.0", ""),
        ]),
    ),
    ("commits.v1.json", Packages(COMMITS_V1)),
    ("commits.v2.json", Packages(COMMITS_V2)),
    (
        "files.v1.json",
        Packages(&[("lodash", "1.3.1", ""), ("other_package", "", "")]),
    ),
    (
        "files.v2.json",
        Packages(&[
            ("etag", "1.8.0", ""),
            ("abbrev", "1.0.9", ""),
            ("abbrev", "2.3.4", ""),
        ]),
    ),
    ("alias.v1.json", Packages(ALIAS)),
    ("alias.v2.json", Packages(ALIAS)),
    ("same-package-different-groups.v1.json", Packages(GROUPS)),
    ("same-package-different-groups.v2.json", Packages(GROUPS)),
    (
        "bundled-dependencies.v3.json",
        Packages(&[
            ("ansi-regex", "6.2.2", ""),
            ("semver", "7.7.2", ""),
            ("strip-ansi", "7.1.2", ""),
        ]),
    ),
    (
        "both/package-lock.json",
        Packages(&[WRAPPY, SUPPORTS_COLOR_5]),
    ),
    (
        "both/npm-shrinkwrap.json",
        Packages(&[WRAPPY, SUPPORTS_COLOR_5]),
    ),
    (
        "package-lock-only/package-lock.json",
        Packages(&[WRAPPY, SUPPORTS_COLOR_5]),
    ),
    (
        "npm-shrinkwrap-only/npm-shrinkwrap.json",
        Packages(&[WRAPPY, SUPPORTS_COLOR_5]),
    ),
];

const NESTED: &[Upstream] = &[
    ("postcss", "6.0.23", ""),
    ("postcss", "7.0.16", ""),
    ("postcss-calc", "7.0.1", ""),
    ("supports-color", "6.1.0", ""),
    SUPPORTS_COLOR_5,
];

const ALIAS: &[Upstream] = &[
    ("@babel/code-frame", "7.0.0", ""),
    ("string-width", "4.2.0", ""),
    ("string-width", "5.1.2", ""),
];

const GROUPS: &[Upstream] = &[
    ("eslint", "1.2.3", ""),
    ("table", "1.0.0", ""),
    ("ajv", "5.5.2", ""),
];

/// Upstream asserts 39 packages and lists three of them (`supports-color` 6.1.0, 5.5.0 and
/// 2.0.0); the other 36 were read from the fixture.
const NESTED_DUP_V1: &[Upstream] = &[
    ("@vue/component-compiler-utils", "2.6.0", ""),
    ("supports-color", "6.1.0", ""),
    ("autoprefixer", "9.5.1", ""),
    ("babel-code-frame", "6.26.0", ""),
    ("supports-color", "2.0.0", ""),
    ("css-declaration-sorter", "4.0.1", ""),
    ("cssnano", "4.1.10", ""),
    ("cssnano-preset-default", "4.0.7", ""),
    ("cssnano-util-raw-cache", "4.0.1", ""),
    ("friendly-errors-webpack-plugin", "1.7.0", ""),
    ("postcss-calc", "7.0.1", ""),
    ("postcss-colormin", "4.0.3", ""),
    ("postcss-convert-values", "4.0.1", ""),
    ("postcss-discard-comments", "4.0.2", ""),
    ("postcss-discard-duplicates", "4.0.2", ""),
    ("postcss-discard-empty", "4.0.1", ""),
    ("postcss-discard-overridden", "4.0.1", ""),
    ("postcss-loader", "3.0.0", ""),
    ("postcss-merge-longhand", "4.0.11", ""),
    ("postcss-merge-rules", "4.0.3", ""),
    ("postcss-minify-font-values", "4.0.2", ""),
    ("postcss-minify-gradients", "4.0.2", ""),
    ("postcss-minify-params", "4.0.2", ""),
    ("postcss-minify-selectors", "4.0.2", ""),
    ("postcss-normalize-charset", "4.0.1", ""),
    ("postcss-normalize-display-values", "4.0.2", ""),
    ("postcss-normalize-positions", "4.0.2", ""),
    ("postcss-normalize-repeat-style", "4.0.2", ""),
    ("postcss-normalize-string", "4.0.2", ""),
    ("postcss-normalize-timing-functions", "4.0.2", ""),
    ("postcss-normalize-unicode", "4.0.1", ""),
    ("postcss-normalize-url", "4.0.1", ""),
    ("postcss-normalize-whitespace", "4.0.2", ""),
    ("postcss-ordered-values", "4.1.2", ""),
    ("postcss-reduce-initial", "4.0.3", ""),
    ("postcss-reduce-transforms", "4.0.2", ""),
    ("postcss-svgo", "4.0.2", ""),
    ("postcss-unique-selectors", "4.0.1", ""),
    SUPPORTS_COLOR_5,
];

const COMMITS_V1: &[Upstream] = &[
    (
        "@segment/analytics.js-integration-facebook-pixel",
        "",
        "3b1bb80b302c2e552685dc8a029797ec832ea7c9",
    ),
    ("ansi-styles", "1.0.0", ""),
    (
        "babel-preset-php",
        "",
        "c5a7ba5e0ad98b8db1cb8ce105403dd4b768cced",
    ),
    (
        "is-number-1",
        "",
        "af885e2e890b9ef0875edd2b117305119ee5bdc5",
    ),
    (
        "is-number-1",
        "",
        "be5935f8d2595bcd97b05718ef1eeae08d812e10",
    ),
    (
        "is-number-2",
        "",
        "d5ac0584ee9ae7bd9288220a39780f155b9ad4c8",
    ),
    (
        "is-number-2",
        "",
        "82dcc8e914dabd9305ab9ae580709a7825e824f5",
    ),
    (
        "is-number-3",
        "",
        "d5ac0584ee9ae7bd9288220a39780f155b9ad4c8",
    ),
    (
        "is-number-3",
        "",
        "82ae8802978da40d7f1be5ad5943c9e550ab2c89",
    ),
    (
        "is-number-4",
        "",
        "af885e2e890b9ef0875edd2b117305119ee5bdc5",
    ),
    (
        "is-number-5",
        "",
        "af885e2e890b9ef0875edd2b117305119ee5bdc5",
    ),
    (
        "is-number-6",
        "",
        "af885e2e890b9ef0875edd2b117305119ee5bdc5",
    ),
    ("postcss-calc", "7.0.1", ""),
    ("raven-js", "", "c2b377e7a254264fd4a1fe328e4e3cfc9e245570"),
    (
        "slick-carousel",
        "",
        "280b560161b751ba226d50c7db1e0a14a78c2de0",
    ),
];

const COMMITS_V2: &[Upstream] = &[
    (
        "@segment/analytics.js-integration-facebook-pixel",
        "2.4.1",
        "3b1bb80b302c2e552685dc8a029797ec832ea7c9",
    ),
    ("ansi-styles", "1.0.0", ""),
    (
        "babel-preset-php",
        "1.1.1",
        "c5a7ba5e0ad98b8db1cb8ce105403dd4b768cced",
    ),
    (
        "is-number-1",
        "3.0.0",
        "af885e2e890b9ef0875edd2b117305119ee5bdc5",
    ),
    (
        "is-number-1",
        "3.0.0",
        "be5935f8d2595bcd97b05718ef1eeae08d812e10",
    ),
    (
        "is-number-2",
        "2.0.0",
        "d5ac0584ee9ae7bd9288220a39780f155b9ad4c8",
    ),
    (
        "is-number-2",
        "2.0.0",
        "82dcc8e914dabd9305ab9ae580709a7825e824f5",
    ),
    (
        "is-number-3",
        "2.0.0",
        "d5ac0584ee9ae7bd9288220a39780f155b9ad4c8",
    ),
    (
        "is-number-3",
        "3.0.0",
        "82ae8802978da40d7f1be5ad5943c9e550ab2c89",
    ),
    (
        "is-number-4",
        "3.0.0",
        "af885e2e890b9ef0875edd2b117305119ee5bdc5",
    ),
    (
        "is-number-5",
        "3.0.0",
        "af885e2e890b9ef0875edd2b117305119ee5bdc5",
    ),
    ("postcss-calc", "7.0.1", ""),
    ("raven-js", "", "c2b377e7a254264fd4a1fe328e4e3cfc9e245570"),
    (
        "slick-carousel",
        "1.7.1",
        "280b560161b751ba226d50c7db1e0a14a78c2de0",
    ),
];

const BALANCED_MATCH: Upstream = ("balanced-match", "1.0.2", "");

/// `yarn.lock`: osv-scalibr `yarnlock/yarnlock-v1_test.go` and `yarnlock-v2_test.go` (which
/// exclude the root workspace that osv-scanner's legacy tests still list). Commits are not
/// repeated here: every git entry has a version, which is what custody compares.
const YARN: &[(&str, Expect)] = &[
    ("empty.v1.lock", Packages(&[])),
    ("empty.v2.lock", Packages(&[])),
    // Read from the fixture: only `__metadata`.
    ("metadata-only.v2.lock", Packages(&[])),
    ("one-package.v1.lock", Packages(&[BALANCED_MATCH])),
    ("one-package.v2.lock", Packages(&[BALANCED_MATCH])),
    ("no-version.v1.lock", Packages(&[BALANCED_MATCH])),
    (
        "two-packages.v1.lock",
        Packages(&[("concat-stream", "1.6.2", ""), ("concat-map", "0.0.1", "")]),
    ),
    (
        "with-quotes.v1.lock",
        Packages(&[("concat-stream", "1.6.2", ""), ("concat-map", "0.0.1", "")]),
    ),
    (
        "two-packages.v2.lock",
        Packages(&[("compare-func", "2.0.0", ""), ("concat-map", "0.0.1", "")]),
    ),
    (
        "with-quotes.v2.lock",
        Packages(&[("compare-func", "2.0.0", ""), ("concat-map", "0.0.1", "")]),
    ),
    (
        "multiple-versions.v1.lock",
        Packages(&[
            ("define-properties", "1.1.3", ""),
            ("define-property", "0.2.5", ""),
            ("define-property", "1.0.0", ""),
            ("define-property", "2.0.2", ""),
        ]),
    ),
    (
        "multiple-versions.v2.lock",
        Packages(&[
            ("debug", "4.3.3", ""),
            ("debug", "2.6.9", ""),
            ("debug", "3.2.7", ""),
        ]),
    ),
    (
        "multiple-constraints.v1.lock",
        Packages(&[
            ("@babel/code-frame", "7.12.13", ""),
            ("domelementtype", "1.3.1", ""),
        ]),
    ),
    (
        "scoped-packages.v1.lock",
        Packages(&[
            ("@babel/code-frame", "7.12.11", ""),
            ("@babel/compat-data", "7.14.0", ""),
        ]),
    ),
    (
        "scoped-packages.v2.lock",
        Packages(&[
            ("@babel/cli", "7.16.8", ""),
            ("@babel/code-frame", "7.16.7", ""),
            ("@babel/compat-data", "7.16.8", ""),
        ]),
    ),
    (
        "with-prerelease.v1.lock",
        Packages(&[
            ("css-tree", "1.0.0-alpha.37", ""),
            ("gensync", "1.0.0-beta.2", ""),
            ("node-fetch", "3.0.0-beta.9", ""),
            ("resolve", "1.20.0", ""),
            ("resolve", "2.0.0-next.3", ""),
        ]),
    ),
    (
        "with-prerelease.v2.lock",
        Packages(&[
            ("@nicolo-ribaudo/chokidar-2", "2.1.8-no-fsevents.3", ""),
            ("gensync", "1.0.0-beta.2", ""),
        ]),
    ),
    (
        "with-build-string.v1.lock",
        Packages(&[("domino", "2.1.6+git", ""), ("tslib", "2.6.2", "")]),
    ),
    (
        "with-build-string.v2.lock",
        Packages(&[("domino", "2.1.6+git", ""), ("tslib", "2.6.2", "")]),
    ),
    (
        "commits.v1.lock",
        Packages(&[
            ("mine1", "1.0.0-alpha.37", ""),
            ("mine2", "0.0.1", ""),
            ("mine3", "1.2.3", ""),
            ("mine4", "0.0.2", ""),
            ("mine4", "0.0.4", ""),
            ("my-package", "1.8.3", ""),
            ("@bower_components/angular-animate", "1.4.14", ""),
            ("@bower_components/alertify", "0.0.0", ""),
            ("minimist", "0.0.8", ""),
            ("bats-assert", "2.0.0", ""),
            ("bats-support", "0.3.0", ""),
            ("bats", "1.5.0", ""),
            ("vue", "2.6.12", ""),
            ("kit", "1.0.0", ""),
            ("casadistance", "1.0.0", ""),
            ("babel-preset-php", "1.1.1", ""),
            ("is-number", "2.0.0", ""),
            ("is-number", "5.0.0", ""),
        ]),
    ),
    (
        "commits.v2.lock",
        Packages(&[
            ("@my-scope/my-first-package", "0.0.6", ""),
            ("my-second-package", "0.2.2", ""),
            ("@typegoose/typegoose", "7.2.0", ""),
            ("vuejs", "2.5.0", ""),
            ("my-third-package", "0.16.1-dev", ""),
            ("my-node-sdk", "1.1.0", ""),
            ("is-really-great", "1.0.0", ""),
        ]),
    ),
    (
        "files.v1.lock",
        Packages(&[
            ("etag", "1.8.1", ""),
            ("filedep", "1.2.0", ""),
            ("lodash", "1.3.1", ""),
            ("other_package", "0.0.2", ""),
            ("sprintf-js", "0.0.0", ""),
            ("etag", "1.8.0", ""),
        ]),
    ),
    ("files.v2.lock", Packages(&[("my-package", "0.0.2", "")])),
    ("with-aliases.v1.lock", Packages(WITH_ALIASES)),
    ("with-aliases.v2.lock", Packages(WITH_ALIASES)),
    (
        "exclude-root.v2.lock",
        Packages(&[
            ("@ws/ansi-regex", "0.0.0-use.local", ""),
            ("ansi-regex", "6.1.0", ""),
        ]),
    ),
];

const WITH_ALIASES: &[Upstream] = &[
    ("@babel/helper-validator-identifier", "7.22.20", ""),
    ("ansi-regex", "6.0.1", ""),
    ("ansi-regex", "5.0.1", ""),
];

const ACORN_8_7: Upstream = ("acorn", "8.7.0", "");
const ACORN_8_11: Upstream = ("acorn", "8.11.3", "");

/// `pnpm-lock.yaml`: osv-scalibr `pnpmlock/pnpmlock_test.go` and `pnpmlock-v9_test.go`;
/// osv-scanner `pkg/lockfile/parse-pnpm-lock_test.go` (`invalid-package-path.yaml`) and
/// `parse-pnpm-lock-v9_test.go`.
const PNPM: &[(&str, Expect)] = &[
    ("not-yaml.txt", Error),
    // Upstream reports the error and the valid `acorn` beside it; custody reports the error.
    ("invalid-path.yaml", Error),
    ("invalid-paths.yaml", Error),
    ("invalid-package-path.yaml", Error),
    ("empty.yaml", Packages(&[])),
    ("no-packages.yaml", Packages(&[])),
    ("no-packages.v9.yaml", Packages(&[])),
    // Read from the fixture: `lockfileVersion` alone.
    ("missing-packages.yaml", Packages(&[])),
    ("one-package.yaml", Packages(&[ACORN_8_7])),
    ("one-package-v6-lockfile.yaml", Packages(&[ACORN_8_7])),
    ("one-package-dev.yaml", Packages(&[ACORN_8_7])),
    ("one-package.v9.yaml", Packages(&[ACORN_8_11])),
    ("one-package-dev.v9.yaml", Packages(&[ACORN_8_11])),
    (
        "scoped-packages.yaml",
        Packages(&[("@typescript-eslint/types", "5.13.0", "")]),
    ),
    (
        "scoped-packages-v6-lockfile.yaml",
        Packages(&[("@typescript-eslint/types", "5.57.1", "")]),
    ),
    (
        "scoped-packages.v9.yaml",
        Packages(&[("@typescript-eslint/types", "5.62.0", "")]),
    ),
    (
        "peer-dependencies.yaml",
        Packages(&[("acorn-jsx", "5.3.2", ""), ACORN_8_7]),
    ),
    (
        "peer-dependencies.v9.yaml",
        Packages(&[("acorn-jsx", "5.3.2", ""), ACORN_8_11]),
    ),
    (
        "peer-dependencies-v6.yaml",
        Packages(&[
            ("js-tokens", "4.0.0", ""),
            ("loose-envify", "1.4.0", ""),
            ("react-dom", "18.2.0", ""),
            ("react", "18.2.0", ""),
            ("scheduler", "0.23.0", ""),
        ]),
    ),
    (
        "peer-dependencies-advanced-v6.yaml",
        Packages(&[
            ("js-tokens", "4.0.0", ""),
            ("loose-envify", "1.4.0", ""),
            ("react-dom", "18.3.0-canary-ab31a9ed2-20230824", ""),
            ("react", "18.3.0-canary-ab31a9ed2-20230824", ""),
            ("scheduler", "0.24.0-canary-ab31a9ed2-20230824", ""),
        ]),
    ),
    (
        "peer-dependencies-advanced-rc-v6.yaml",
        Packages(&[
            ("js-tokens", "4.0.0", ""),
            ("loose-envify", "1.4.0", ""),
            ("react-dom", "18.0.0-rc.3", ""),
            ("react", "18.2.0", ""),
            ("scheduler", "0.21.0", ""),
        ]),
    ),
    (
        "peer-dependencies-advanced.yaml",
        Packages(&[
            ("@typescript-eslint/eslint-plugin", "5.13.0", ""),
            ("@typescript-eslint/parser", "5.13.0", ""),
            ("@typescript-eslint/type-utils", "5.13.0", ""),
            ("@typescript-eslint/types", "5.13.0", ""),
            ("@typescript-eslint/typescript-estree", "5.13.0", ""),
            ("@typescript-eslint/utils", "5.13.0", ""),
            ("eslint-utils", "3.0.0", ""),
            ("eslint", "8.10.0", ""),
            ("tsutils", "3.21.0", ""),
        ]),
    ),
    (
        "peer-dependencies-advanced.v9.yaml",
        Packages(&[
            ("@eslint-community/eslint-utils", "4.4.0", ""),
            ("@eslint/eslintrc", "2.1.4", ""),
            ("@typescript-eslint/eslint-plugin", "5.62.0", ""),
            ("@typescript-eslint/parser", "5.62.0", ""),
            ("@typescript-eslint/type-utils", "5.62.0", ""),
            ("@typescript-eslint/typescript-estree", "5.62.0", ""),
            ("@typescript-eslint/utils", "5.62.0", ""),
            ("debug", "4.3.4", ""),
            ("eslint", "8.57.0", ""),
            ("has-flag", "4.0.0", ""),
            ("supports-color", "7.2.0", ""),
            ("tsutils", "3.21.0", ""),
            ("typescript", "4.9.5", ""),
        ]),
    ),
    (
        "multiple-packages.yaml",
        Packages(&[
            ("aws-sdk", "2.1087.0", ""),
            ("base64-js", "1.5.1", ""),
            ("buffer", "4.9.2", ""),
            ("events", "1.1.1", ""),
            ("ieee754", "1.1.13", ""),
            ("isarray", "1.0.0", ""),
            ("jmespath", "0.16.0", ""),
            ("punycode", "1.3.2", ""),
            ("querystring", "0.2.0", ""),
            ("sax", "1.2.1", ""),
            ("url", "0.10.3", ""),
            ("uuid", "3.3.2", ""),
            ("xml2js", "0.4.19", ""),
            ("xmlbuilder", "9.0.7", ""),
        ]),
    ),
    (
        "multiple-versions.yaml",
        Packages(&[
            ("uuid", "3.3.2", ""),
            ("uuid", "8.3.2", ""),
            ("xmlbuilder", "9.0.7", ""),
        ]),
    ),
    (
        "multiple-versions.v9.yaml",
        Packages(&[
            ("uuid", "8.0.0", ""),
            ("uuid", "8.3.2", ""),
            ("xmlbuilder", "11.0.1", ""),
        ]),
    ),
    // Read from the fixtures (osv-scalibr checks their dependency groups).
    ("mixed-groups.v53.yaml", Packages(MIXED_GROUPS)),
    ("mixed-groups.v54.yaml", Packages(MIXED_GROUPS)),
    (
        "mixed-groups.v6.yaml",
        Packages(&[
            ("ansi-regex", "5.0.0", ""),
            ("is-number", "7.0.0", ""),
            ("uuid", "8.0.0", ""),
        ]),
    ),
    ("mixed-groups.v9.yaml", Packages(MIXED_GROUPS)),
    (
        "tarball.yaml",
        Packages(&[("@my-org/my-package", "3.2.3", "")]),
    ),
    (
        "exotic.yaml",
        Packages(&[
            ("foo", "1.0.0", ""),
            ("@foo/bar", "1.0.0", ""),
            ("foo", "1.1.0", ""),
            ("@foo/bar", "1.1.0", ""),
            ("foo", "1.2.0", ""),
            ("foo", "1.3.0", ""),
            ("foo", "1.4.0", ""),
        ]),
    ),
    (
        "commits.yaml",
        Packages(&[
            ("my-bitbucket-package", "1.0.0", ""),
            ("@my-scope/my-package", "1.0.0", ""),
            ("@my-scope/my-other-package", "1.0.0", ""),
            ("faker-parser", "0.0.1", ""),
            ("mocks", "20.0.1", ""),
        ]),
    ),
    (
        "commits.v9.yaml",
        Packages(&[("ansi-regex", "6.0.1", ""), ("is-number", "7.0.0", "")]),
    ),
    (
        "files.yaml",
        Packages(&[
            ("my-file-package", "0.0.0", ""),
            ("a-local-package", "1.0.0", ""),
            ("a-nested-local-package", "1.0.0", ""),
            ("one-up", "1.0.0", ""),
            ("one-up-with-peer", "1.0.0", ""),
        ]),
    ),
];

const MIXED_GROUPS: &[Upstream] = &[
    ("ansi-regex", "5.0.1", ""),
    ("uuid", "8.3.2", ""),
    ("is-number", "7.0.0", ""),
];

const HAS_FLAG_4: Upstream = ("has-flag", "4.0.0", "");
const ACORN: Upstream = ("acorn", "8.14.0", "");

/// `bun.lock`: osv-scalibr `bunlock/bunlock_test.go`. Its newer `files.json5` and
/// `bad-tuple.json5` differ from the corpus's copies; their rows are read from the fixtures.
const BUN: &[(&str, Expect)] = &[
    ("not-json.txt", Error),
    // A tuple starting with a number or an object: invalid on purpose (upstream errors too).
    ("bad-tuple.json5", Error),
    ("empty.json5", Packages(&[])),
    ("no-packages.json5", Packages(&[])),
    ("one-package.json5", Packages(&[WRAPPY])),
    ("one-package-dev.json5", Packages(&[WRAPPY])),
    ("two-packages.json5", Packages(&[HAS_FLAG_4, WRAPPY])),
    (
        "same-package-different-groups.json5",
        Packages(&[("has-flag", "3.0.0", ""), SUPPORTS_COLOR_5]),
    ),
    (
        "scoped-packages.json5",
        Packages(&[("@typescript-eslint/types", "5.62.0", "")]),
    ),
    (
        "scoped-packages-mixed.json5",
        Packages(&[
            ("@babel/code-frame", "7.26.2", ""),
            ("@babel/helper-validator-identifier", "7.25.9", ""),
            ("js-tokens", "4.0.0", ""),
            ("picocolors", "1.1.1", ""),
            WRAPPY,
        ]),
    ),
    (
        "optional-package.json5",
        Packages(&[ACORN, ("fsevents", "0.3.8", ""), ("nan", "2.22.0", "")]),
    ),
    (
        "peer-dependencies-implicit.json5",
        Packages(&[("acorn-jsx", "5.3.2", ""), ACORN]),
    ),
    (
        "peer-dependencies-explicit.json5",
        Packages(&[("acorn-jsx", "5.3.2", ""), ACORN]),
    ),
    (
        "nested-dependencies.json5",
        Packages(&[
            ("ansi-styles", "4.3.0", ""),
            ("chalk", "4.1.2", ""),
            ("color-convert", "2.0.1", ""),
            ("color-name", "1.1.4", ""),
            ("has-flag", "2.0.0", ""),
            SUPPORTS_COLOR_5,
            ("supports-color", "7.2.0", ""),
            ("has-flag", "3.0.0", ""),
            HAS_FLAG_4,
        ]),
    ),
    (
        "nested-dependencies-dup.json5",
        Packages(&[
            ("ansi-styles", "4.3.0", ""),
            ("chalk", "4.1.2", ""),
            ("color-convert", "2.0.1", ""),
            ("color-name", "1.1.4", ""),
            ("has-flag", "2.0.0", ""),
            ("supports-color", "7.2.0", ""),
            HAS_FLAG_4,
        ]),
    ),
    (
        "alias.json5",
        Packages(&[
            HAS_FLAG_4,
            ("supports-color", "7.2.0", ""),
            ("supports-color", "6.1.0", ""),
            ("has-flag", "3.0.0", ""),
        ]),
    ),
    (
        "commits.json5",
        Packages(&[
            ("@babel/helper-plugin-utils", "7.26.5", ""),
            ("@babel/helper-string-parser", "7.25.9", ""),
            ("@babel/helper-validator-identifier", "7.25.9", ""),
            ("@babel/parser", "7.26.5", ""),
            ("@babel/types", "7.26.5", ""),
            ("@prettier/sync", "", "527e8ce"),
            (
                "babel-preset-php",
                "",
                "1ae6dc1267500360b411ec711b8aeac8c68b2246",
            ),
            ("is-number", "", "98e8ff1"),
            ("is-number", "", "d5ac058"),
            ("is-number", "", "b7aef34"),
            ("jquery", "3.7.1", ""),
            ("lodash", "1.3.1", ""),
            ("make-synchronized", "0.2.9", ""),
            ("php-parser", "2.2.0", ""),
            ("prettier", "3.4.2", ""),
            ("raven-js", "", "91ef2d4"),
            ("slick-carousel", "", "fc6f7d8"),
            ("stopwords", "0.0.1", ""),
        ]),
    ),
    // Read from the fixture: a `file:` dependency and a registry package.
    (
        "files.json5",
        Packages(&[("etag", "", ""), ("lodash", "1.3.1", "")]),
    ),
    (
        "blog-sample.json5",
        Packages(&[("uWebSockets.js", "", "6609a88")]),
    ),
];

/// Installed `package.json`: osv-scalibr `packagejson/packagejson_test.go`.
const INSTALLED: &[(&str, Expect)] = &[
    ("invalid", Error),
    ("package.json", Packages(&[("testdata", "10.46.8", "")])),
    (
        "deps/accepts/package.json",
        Packages(&[("accepts", "1.3.8", "")]),
    ),
    (
        "deps/no-person-name/package.json",
        Packages(&[("accepts", "1.3.8", "")]),
    ),
    (
        "deps/with/deps/acorn/package.json",
        Packages(&[("acorn", "1.2.2", "")]),
    ),
    ("deps/acorn/package.json", Packages(&[])),
    ("deps/acorn-globals/package.json", Packages(&[])),
    ("deps/window-size/package.json", Packages(&[])),
    ("undici-package.json", Packages(&[("undici", "5.28.3", "")])),
    ("not-vscode.json", Packages(&[("jsonparse", "1.3.1", "")])),
    // Read from the fixtures.
    (
        "duplicate-keys.json",
        Packages(&[("duplicate-keys", "1.0.0", "")]),
    ),
    (
        "package-with-deps.json",
        Packages(&[("package-with-deps", "1.2.3", "")]),
    ),
];

/// Fixtures not compared, by folder suffix and file name, with the reason.
const EXCLUDED_FIXTURES: &[(&str, &str, &str)] = &[
    (
        "packagejson/testdata",
        "vscode-extension.json",
        "osv-scalibr reads every package.json and drops VS Code extension manifests \
         (`engines.vscode`); custody reads package.json only under node_modules, where that \
         field marks ordinary npm libraries (vscode-languageclient), which must be reported",
    ),
    (
        "packagejson/testdata",
        "vscode-extension-only-required.json",
        "as vscode-extension.json",
    ),
    (
        "packagejson/testdata",
        "unity-package.json",
        "osv-scalibr drops Unity manifests (`unity` field); under node_modules every \
         manifest is an installed npm package",
    ),
    (
        "packagejson/testdata",
        "test.js",
        "not a package.json: upstream's negative routing case",
    ),
];

/// Why custody does not report an upstream package, if it does not.
fn deviation(kind: DatabaseKind, fixture: &str, package: Upstream) -> Option<&'static str> {
    let (name, version, commit) = package;
    if version.is_empty() && commit.is_empty() {
        return Some(
            "no version and no commit: a `file:` dependency (npm v1, Bun), installed as a \
             link to a project directory",
        );
    }
    if kind == DatabaseKind::YarnLock && version == "0.0.0-use.local" {
        return Some("a Yarn workspace: the project's own package, like the root workspace");
    }
    if kind == DatabaseKind::YarnLock
        && fixture == "files.v1.lock"
        && (name, version) == ("etag", "1.8.0")
    {
        return Some("a Yarn `link:` entry: a symlink to a project directory");
    }
    None
}

/// Every file under `folder`, recursively, sorted, with its path relative to `folder`.
fn files(folder: &Path) -> Vec<(String, PathBuf)> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(directory) = pending.pop() {
        for entry in fs_err::read_dir(&directory).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(folder).unwrap().to_string_lossy();
                found.push((relative.replace('\\', "/"), path));
            }
        }
    }
    found.sort();
    found
}

/// Each record as (name, version).
fn rows(records: &[PackageRecord]) -> Vec<(String, String)> {
    records
        .iter()
        .map(|record| (record.name.clone(), record.version.clone()))
        .collect()
}

#[test]
fn fixtures_match_upstream_expectations() {
    let root = corpus();
    let (mut passed, mut failures, mut excluded, mut deviations) =
        (0, Vec::new(), Vec::new(), Vec::new());
    for (folder, kind, table) in folders() {
        for (fixture, path) in files(&root.join(&folder)) {
            let shown = format!("{folder}/{fixture}");
            if let Some((_, _, reason)) = EXCLUDED_FIXTURES
                .iter()
                .find(|(suffix, name, _)| folder.ends_with(suffix) && *name == fixture)
            {
                excluded.push(format!("{shown}: {reason}"));
                continue;
            }
            let Some((_, expect)) = table.iter().find(|(name, _)| *name == fixture) else {
                failures.push(format!("{shown}: no expectation for this fixture"));
                continue;
            };
            let result = parse_database(kind, &fs_err::read(&path).unwrap());
            match (expect, result) {
                (Error, Err(_)) => passed += 1,
                (Error, Ok(records)) => failures.push(format!(
                    "{shown}: expected an error, got {:?}",
                    rows(&records)
                )),
                (Packages(_), Err(error)) => failures.push(format!("{shown}: {error}")),
                (Packages(upstream), Ok(records)) => {
                    let mut expected = BTreeSet::new();
                    for &package in *upstream {
                        if let Some(reason) = deviation(kind, &fixture, package) {
                            deviations
                                .push(format!("{shown}: {} {}: {reason}", package.0, package.1));
                            continue;
                        }
                        let (name, version, commit) = package;
                        let version = if version.is_empty() { commit } else { version };
                        expected.insert((name.to_owned(), version.to_owned()));
                    }
                    let got = rows(&records);
                    let unique: BTreeSet<_> = got.iter().cloned().collect();
                    if unique.len() != got.len() {
                        failures.push(format!("{shown}: repeated records in {got:?}"));
                    } else if unique == expected {
                        passed += 1;
                    } else {
                        failures.push(format!(
                            "{shown}:\n  missing: {:?}\n  unexpected: {:?}",
                            expected.difference(&unique).collect::<Vec<_>>(),
                            unique.difference(&expected).collect::<Vec<_>>()
                        ));
                    }
                }
            }
        }
    }
    println!(
        "npm fixtures: {passed} passed, {} failed, {} excluded",
        failures.len(),
        excluded.len()
    );
    for line in excluded.iter().chain(&deviations) {
        println!("  not compared: {line}");
    }
    assert!(passed > 0, "no fixture was compared");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn truncated_fixtures_never_panic() {
    let root = corpus();
    for (folder, kind, _) in folders() {
        for (fixture, path) in files(&root.join(&folder)) {
            let content = fs_err::read(&path).unwrap();
            let step = (content.len() / 64).max(1);
            for end in (0..content.len()).step_by(step) {
                if let Err(error) = parse_database(kind, &content[..end]) {
                    // Text formats always say where; only an undecodable whole has no line.
                    assert!(
                        matches!(error.position, Position::Line(line) if line > 0)
                            || error.position == Position::File,
                        "{folder}/{fixture} cut at {end}: {error}"
                    );
                }
            }
        }
    }
}

#[test]
fn malformed_input_is_reported_at_its_line() {
    for (kind, content, line) in [
        (
            DatabaseKind::NpmPackageLock,
            "{\n  \"packages\": {\n    oops\n",
            3,
        ),
        (
            DatabaseKind::YarnLock,
            "a@^1:\n  version \"1.0.0\"\n b@^2:\n",
            3,
        ),
        (
            DatabaseKind::PnpmLock,
            "lockfileVersion: '6.0'\npackages:\n  nokey: {}\n",
            3,
        ),
        (DatabaseKind::PnpmLock, "packages:\n  /a/1.0.0: {\n", 2),
        (
            DatabaseKind::NpmInstalledPackage,
            "{\"name\": \"x\",\n\"version\": }",
            2,
        ),
    ] {
        let error = parse_database(kind, content.as_bytes()).unwrap_err();
        assert_eq!(error.position, Position::Line(line), "{kind:?}: {error}");
    }
}

/// A root filesystem with a lockfile and the `node_modules` it installed: each package is
/// listed once with both locations, edges follow the lockfile, and a `package.json` outside a
/// package directory is not a package.
#[test]
fn catalogs_lockfile_and_installed_copies_as_one_package() {
    let root = tempfile::tempdir().unwrap();
    let app = root.path().join("app");
    let write = |path: &str, content: &str| {
        let path = app.join(path);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, content).unwrap();
    };
    write(
        "package-lock.json",
        r#"{"lockfileVersion": 3, "packages": {
            "": {"name": "app", "dependencies": {"express": "4.16.0"}},
            "node_modules/express": {"version": "4.16.0", "license": "MIT",
                                     "dependencies": {"debug": "2.6.9"}},
            "node_modules/debug": {"version": "2.6.9", "dependencies": {"ms": "2.0.0"}},
            "node_modules/ms": {"version": "2.0.0"}
        }}"#,
    );
    write("package.json", r#"{"name": "app", "version": "1.0.0"}"#);
    write(
        "node_modules/express/package.json",
        r#"{"name": "express", "version": "4.16.0", "license": "MIT"}"#,
    );
    write(
        "node_modules/express/lib/package.json",
        r#"{"name": "not-a-package", "version": "0.0.0"}"#,
    );
    let target = Target::parse(&format!("rootfs:{}", root.path().display())).unwrap();
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).unwrap();

    let packages: Vec<(&str, &str, Vec<&str>)> = inventory
        .packages
        .iter()
        .map(|package| {
            let mut locations: Vec<&str> = package
                .locations
                .iter()
                .map(|location| location.path.as_str())
                .collect();
            locations.sort_unstable();
            (package.purl.as_str(), package.version.as_str(), locations)
        })
        .collect();
    assert_eq!(
        packages,
        [
            (
                "pkg:npm/debug@2.6.9",
                "2.6.9",
                vec!["app/package-lock.json"]
            ),
            (
                "pkg:npm/express@4.16.0",
                "4.16.0",
                vec![
                    "app/node_modules/express/package.json",
                    "app/package-lock.json"
                ]
            ),
            ("pkg:npm/ms@2.0.0", "2.0.0", vec!["app/package-lock.json"]),
        ]
    );
    let edge = |from: &str, to: &str| Dependency {
        from: from.into(),
        to: to.into(),
    };
    assert_eq!(
        inventory.dependencies,
        [
            edge("pkg:npm/debug@2.6.9", "pkg:npm/ms@2.0.0"),
            edge("pkg:npm/express@4.16.0", "pkg:npm/debug@2.6.9"),
        ]
    );
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
}
