//! Go: every `go.mod`, `go.sum` and `vendor/modules.txt` fixture of the conformance corpus
//! (osv-scalibr's `extractor/filesystem/language/golang/{gomod,vendormodules}/testdata` and
//! osv-scanner's legacy `pkg/lockfile/fixtures/go`) parsed through [`parse_database`] and
//! compared with the packages the upstream tests expect (`gomod_test.go`,
//! `vendormodules_test.go`, `parse-go-lock_test.go`), and a source tree cataloged end to end.
//!
//! Versions keep Go's `v` (upstream strips it; see `lang/go/mod.rs`), and `stdlib` versions
//! are full releases (`1.17.0` where upstream writes the directive's `1.17`). Deliberate
//! deviations, each marked `deviation:` below, follow the rules documented in `lang/go/`:
//!
//! - modules replaced by a local directory are the project's own code and not reported
//!   (upstream reports the directory path with no version, or, for `modules.txt`, the
//!   replaced module at its old version);
//! - `go.sum` is its own file, read only where no `go.mod` sits beside it (osv-scalibr merges
//!   the `go.sum` of a Go 1.16 module into its `go.mod`'s packages).

use custody_artifact::{NoReporter, Scanner, Target};
use custody_inventory::{DatabaseKind, catalog, parse_database};
use custody_model::Ecosystem;

use crate::cases::{self, Case, Exclusion, Expected::ErrorAt, Expected::Packages};

/// osv-scalibr's Go fixtures, relative to `lockfiles/`.
const SCALIBR: &str = "osv-scalibr/extractor/filesystem/language/golang";
/// osv-scanner's legacy Go fixtures, relative to `lockfiles/`.
const LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures/go";

const FOLDERS: [&str; 2] = [SCALIBR, LEGACY];

/// Every file under [`FOLDERS`] is a Go source-tree file this cataloger reads.
const EXCLUDED: [Exclusion; 0] = [];

const TOML: (&str, &str) = ("github.com/BurntSushi/toml", "v1.0.0");
const YAML: (&str, &str) = ("gopkg.in/yaml.v2", "v2.4.0");
const FORK_NET: (&str, &str) = ("example.com/fork/net", "v1.4.5");
const NET: (&str, &str) = ("golang.org/x/net", "v0.5.6");
const LOGRUS: (&str, &str) = ("github.com/sirupsen/logrus", "v1.9.3");
const SYS_2022: (&str, &str) = ("golang.org/x/sys", "v0.0.0-20220715151400-c0bba94af5f8");
const INDIRECT_PACKAGES: &[(&str, &str)] = &[
    TOML,
    YAML,
    ("github.com/mattn/go-colorable", "v0.1.9"),
    ("github.com/mattn/go-isatty", "v0.0.14"),
    ("golang.org/x/sys", "v0.0.0-20210630005230-0f9fa26af87c"),
    ("stdlib", "1.17.0"),
];

#[rustfmt::skip]
const CASES: &[Case] = &[
    // osv-scalibr gomod/gomod_test.go.
    (SCALIBR, "gomod/testdata/not-go-mod.mod", DatabaseKind::GoMod, ErrorAt(1)),
    (SCALIBR, "gomod/testdata/empty.mod", DatabaseKind::GoMod, Packages(&[])),
    (SCALIBR, "gomod/testdata/one-package.mod", DatabaseKind::GoMod, Packages(&[TOML])),
    (SCALIBR, "gomod/testdata/two-packages.mod", DatabaseKind::GoMod, Packages(&[
        TOML, YAML, ("stdlib", "1.17.0"),
    ])),
    (SCALIBR, "gomod/testdata/indirect-packages.mod", DatabaseKind::GoMod, Packages(INDIRECT_PACKAGES)),
    (SCALIBR, "gomod/testdata/replace-one.mod", DatabaseKind::GoMod, Packages(&[FORK_NET])),
    (SCALIBR, "gomod/testdata/replace-mixed.mod", DatabaseKind::GoMod, Packages(&[FORK_NET, NET])),
    // deviation: "./fork/net" (no version) replaces golang.org/x/net v1.2.3.
    (SCALIBR, "gomod/testdata/replace-local.mod", DatabaseKind::GoMod, Packages(&[TOML])),
    (SCALIBR, "gomod/testdata/replace-different.mod", DatabaseKind::GoMod, Packages(&[
        ("example.com/fork/foe", "v1.4.5"), ("example.com/fork/foe", "v1.4.2"),
    ])),
    (SCALIBR, "gomod/testdata/replace-not-required.mod", DatabaseKind::GoMod, Packages(&[NET, TOML])),
    (SCALIBR, "gomod/testdata/replace-no-version.mod", DatabaseKind::GoMod, Packages(&[FORK_NET])),
    // The toolchain wins over the go directive; its `-xyz` suffix is not part of the release.
    (SCALIBR, "gomod/testdata/toolchain.mod", DatabaseKind::GoMod, Packages(&[
        TOML, ("stdlib", "1.23.6"),
    ])),
    (SCALIBR, "gomod/testdata/toolchain-with-suffix.mod", DatabaseKind::GoMod, Packages(&[
        TOML, ("stdlib", "1.23.6"),
    ])),
    // deviation: upstream adds indirect-1.16.sum's modules (go.sum is its own case below).
    (SCALIBR, "gomod/testdata/indirect-1.16.mod", DatabaseKind::GoMod, Packages(&[
        LOGRUS, ("stdlib", "1.16.0"),
    ])),
    (SCALIBR, "gomod/testdata/indirect-1.23.mod", DatabaseKind::GoMod, Packages(&[
        LOGRUS, SYS_2022, ("stdlib", "1.23.0"),
    ])),
    // The modules whose source the file checksums; check.v1 and objx have only `/go.mod`
    // lines.
    (SCALIBR, "gomod/testdata/indirect-1.16.sum", DatabaseKind::GoSum, Packages(&[
        ("github.com/davecgh/go-spew", "v1.1.1"), ("github.com/pmezard/go-difflib", "v1.0.0"),
        LOGRUS, ("github.com/stretchr/testify", "v1.7.0"), SYS_2022,
        ("gopkg.in/yaml.v3", "v3.0.0-20200313102051-9f266ea9e77c"),
    ])),
    // Invalid on purpose: "Wrongly formatted, this file should not be used!!!".
    (SCALIBR, "gomod/testdata/indirect-1.23.sum", DatabaseKind::GoSum, ErrorAt(1)),

    // osv-scalibr vendormodules/vendormodules_test.go.
    (SCALIBR, "vendormodules/testdata/empty/vendor/modules.txt", DatabaseKind::GoVendorModules, Packages(&[])),
    // Every header is malformed or names no module with packages.
    (SCALIBR, "vendormodules/testdata/invalid/vendor/modules.txt", DatabaseKind::GoVendorModules, Packages(&[])),
    // deviation: example.com/local v1.0.0 is replaced by ./local.
    (SCALIBR, "vendormodules/testdata/valid/vendor/modules.txt", DatabaseKind::GoVendorModules, Packages(&[
        ("example.com/afterheaderonly", "v0.3.0"), ("github.com/BurntSushi/toml", "v1.2.1"),
        ("golang.org/x/crypto", "v0.31.0"), FORK_NET, ("example.com/transitive", "v0.2.0"),
        ("example.com/wildcard-fork", "v0.2.0"),
        ("github.com/example/incompatible", "v2.0.0+incompatible"),
    ])),

    // osv-scanner pkg/lockfile/parse-go-lock_test.go: the same files as osv-scalibr's.
    (LEGACY, "not-go-mod.txt", DatabaseKind::GoMod, ErrorAt(1)),
    (LEGACY, "empty.mod", DatabaseKind::GoMod, Packages(&[])),
    (LEGACY, "one-package.mod", DatabaseKind::GoMod, Packages(&[TOML])),
    (LEGACY, "two-packages.mod", DatabaseKind::GoMod, Packages(&[TOML, YAML, ("stdlib", "1.17.0")])),
    (LEGACY, "indirect-packages.mod", DatabaseKind::GoMod, Packages(INDIRECT_PACKAGES)),
    (LEGACY, "replace-one.mod", DatabaseKind::GoMod, Packages(&[FORK_NET])),
    (LEGACY, "replace-mixed.mod", DatabaseKind::GoMod, Packages(&[FORK_NET, NET])),
    // deviation: as above.
    (LEGACY, "replace-local.mod", DatabaseKind::GoMod, Packages(&[TOML])),
    (LEGACY, "replace-different.mod", DatabaseKind::GoMod, Packages(&[
        ("example.com/fork/foe", "v1.4.5"), ("example.com/fork/foe", "v1.4.2"),
    ])),
    (LEGACY, "replace-not-required.mod", DatabaseKind::GoMod, Packages(&[NET, TOML])),
    (LEGACY, "replace-no-version.mod", DatabaseKind::GoMod, Packages(&[FORK_NET])),
];

/// The format of a fixture, from its extension (`.mod`, `.sum`, `modules.txt`).
fn kind_of(path: &str) -> DatabaseKind {
    match path.rsplit_once('.').map(|(_, extension)| extension) {
        Some("txt") if path.ends_with("/modules.txt") => DatabaseKind::GoVendorModules,
        Some("sum") => DatabaseKind::GoSum,
        _ => DatabaseKind::GoMod,
    }
}

#[test]
fn go_fixtures_match_upstream_expectations() {
    for (folder, file, kind, _) in CASES {
        assert_eq!(kind_of(file), *kind, "{folder}/{file}");
    }
    let (passed, excluded) = cases::run(Ecosystem::Golang, &FOLDERS, &EXCLUDED, CASES);
    assert_eq!(passed, 31, "gomod 17, vendormodules 3, legacy 11");
    assert_eq!(excluded, 0);
}

#[test]
fn truncated_fixtures_never_panic() {
    cases::truncations_never_panic(&FOLDERS, |path| Some(kind_of(path)));
}

/// `// indirect` requirements are transitive, the others direct; `stdlib` says neither.
#[test]
fn indirect_requirements_are_transitive() {
    let content = fs_err::read(
        crate::conformance("lockfiles").join(format!("{LEGACY}/indirect-packages.mod")),
    )
    .unwrap();
    let records = parse_database(DatabaseKind::GoMod, &content).unwrap();
    let scopes: Vec<(&str, Option<bool>)> = records
        .iter()
        .map(|record| (record.name.as_str(), record.scope.direct))
        .collect();
    assert_eq!(
        scopes,
        [
            ("github.com/BurntSushi/toml", Some(true)),
            ("gopkg.in/yaml.v2", Some(true)),
            ("github.com/mattn/go-colorable", Some(false)),
            ("github.com/mattn/go-isatty", Some(false)),
            ("golang.org/x/sys", Some(false)),
            ("stdlib", None),
        ]
    );
}

/// A source tree with a module (`go.mod`, the `go.sum` beside it, `vendor/modules.txt`, and a
/// pre-modules vendored copy of a dependency), and a directory holding only a `go.sum`:
/// purls split at the last `/`, the toolchain as `stdlib`, the `go.sum` beside a `go.mod` and
/// the dependency's own `go.mod` ignored, the lone `go.sum` read, and the module listed in
/// both `go.mod` and `modules.txt` reported once with both locations.
#[test]
fn catalogs_a_go_module_tree() {
    let root = tempfile::tempdir().unwrap();
    let write = |path: &str, content: &str| {
        let path = root.path().join(path);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, content).unwrap();
    };
    write(
        "app/go.mod",
        "module example.com/app\n\ngo 1.22.0\n\ntoolchain go1.22.3\n\n\
         require github.com/BurntSushi/toml v1.0.0\n\n\
         require golang.org/x/sys v0.20.0 // indirect\n",
    );
    write(
        "app/go.sum",
        "github.com/BurntSushi/toml v1.0.0 h1:x=\n\
         github.com/stale/module v1.0.0 h1:x=\n",
    );
    write(
        "app/vendor/modules.txt",
        "# github.com/BurntSushi/toml v1.0.0\n## explicit; go 1.16\n\
         github.com/BurntSushi/toml\n",
    );
    write(
        "app/vendor/github.com/old/dep/go.mod",
        "module github.com/old/dep\n\nrequire github.com/not/built v1.0.0\n",
    );
    write("tool/go.sum", "github.com/tool/only v0.3.0 h1:x=\n");
    let target = Target::parse(&format!("dir:{}", root.path().display())).unwrap();
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).unwrap();

    let packages: Vec<(&str, Vec<&str>)> = inventory
        .packages
        .iter()
        .map(|package| {
            assert_eq!(package.ecosystem, Ecosystem::Golang);
            let mut locations: Vec<&str> = package
                .locations
                .iter()
                .map(|location| location.path.as_str())
                .collect();
            locations.sort_unstable();
            (package.purl.as_str(), locations)
        })
        .collect();
    assert_eq!(
        packages,
        [
            (
                "pkg:golang/github.com/BurntSushi/toml@v1.0.0",
                vec!["app/go.mod", "app/vendor/modules.txt"]
            ),
            (
                "pkg:golang/github.com/tool/only@v0.3.0",
                vec!["tool/go.sum"]
            ),
            ("pkg:golang/golang.org/x/sys@v0.20.0", vec!["app/go.mod"]),
            ("pkg:golang/stdlib@1.22.3", vec!["app/go.mod"]),
        ]
    );
    let sys = inventory
        .packages
        .iter()
        .find(|package| package.name == "golang.org/x/sys")
        .unwrap();
    assert_eq!(sys.scope.direct, Some(false));
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
}
