//! .NET: every fixture of the conformance corpus's .NET folders (osv-scalibr
//! `extractor/filesystem/language/dotnet` and osv-scanner's legacy
//! `pkg/lockfile/fixtures/nuget`) parsed through [`parse_database`] and compared with the
//! packages the upstream Go tests expect (`depsjson_test.go`, `packagesconfig_test.go`,
//! `packageslockjson_test.go`, `parse-nuget-lock_test.go`), plus directness, dev scope and
//! edges read from the fixtures and an application directory cataloged end to end.
//!
//! Where custody deliberately differs, the case says so in a `deviation:` comment:
//!
//! - the application's own project (`TestLibrary/1.0.0`, `"type": "project"`) is not a NuGet
//!   package and is not reported; osv-scalibr and Syft report it;
//! - a `deps.json` that is an empty object lists no libraries, which is not an error;
//! - a package locked for several frameworks is one package (osv-scanner lists it per
//!   framework).

use custody_artifact::{NoReporter, Scanner, Target};
use custody_inventory::{DatabaseKind, PackageRecord, Position, catalog, parse_database};
use custody_model::{Dependency, Ecosystem};

use crate::cases::{self, Case, Exclusion, Expected::ErrorAt, Expected::Packages};

const SCALIBR: &str = "osv-scalibr/extractor/filesystem/language/dotnet";
const DEPS: &str = "osv-scalibr/extractor/filesystem/language/dotnet/depsjson/testdata";
const CONFIG: &str = "osv-scalibr/extractor/filesystem/language/dotnet/packagesconfig/testdata";
const LOCK: &str = "osv-scalibr/extractor/filesystem/language/dotnet/packageslockjson/testdata";
const LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures/nuget";

/// The folders holding .NET fixtures, relative to `lockfiles/`.
const FOLDERS: [&str; 2] = [SCALIBR, LEGACY];

/// Fixture folders of formats issue #4 does not list, with the reason each is not read.
const EXCLUDED: [Exclusion; 5] = [
    (
        "osv-scalibr/extractor/filesystem/language/dotnet/csproj/",
        "",
        "*.csproj PackageReference items declare requested versions or ranges, not what \
         restore resolved; packages.lock.json and deps.json record that",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/dotnet/nugetcpm/",
        "",
        "Directory.Packages.props declares central version requirements, not resolved \
         versions",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/dotnet/paketdependencies/",
        "",
        "paket.dependencies is Paket's manifest of requirements, not a lockfile",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/dotnet/paketlock/",
        "",
        "paket.lock (Paket, an alternative NuGet client) is not among issue #4's .NET formats",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/dotnet/projectassetsjson/",
        "",
        "obj/project.assets.json is restore's intermediate output inside build directories, \
         not among issue #4's .NET formats; the deps.json built from it is read",
    ),
];

const AWS: (&str, &str) = ("AWSSDK.Core", "3.7.10.6");
const CODEDOM: (&str, &str) = (
    "Microsoft.CodeDom.Providers.DotNetCompilerPlatform",
    "1.0.0",
);
const CORE: (&str, &str) = ("Test.Core", "6.0.5");
const SYSTEM: (&str, &str) = ("Test.System", "0.13.0-beta4");

/// `packageslockjson/testdata/valid/packages.lock.json`: Core.Dep and its seven transitive
/// dependencies.
const LOCKED: &[(&str, &str)] = &[
    ("Core.Dep", "1.24.0"),
    ("Some.Dep.One", "1.1.1"),
    ("Some.Dep.Two", "4.6.0"),
    ("Some.Dep.Three", "1.0.2"),
    ("Some.Dep.Four", "4.5.0"),
    ("Some.Longer.Name.Dep", "4.7.2"),
    ("Some.Dep.Five", "4.7.2"),
    ("Another.Longer.Name.Dep", "4.5.4"),
];

const DEPS_JSON: DatabaseKind = DatabaseKind::DotnetDepsJson;
const CONFIG_XML: DatabaseKind = DatabaseKind::NugetPackagesConfig;
const LOCK_JSON: DatabaseKind = DatabaseKind::NugetPackagesLock;

#[rustfmt::skip]
const CASES: &[Case] = &[
    // osv-scalibr depsjson_test.go.
    // deviation: TestLibrary 1.0.0 upstream (a project).
    (DEPS, "valid", DEPS_JSON, Packages(&[AWS, ("Microsoft.Extensions.DependencyInjection", "6.0.0")])),
    // deviation: TestLibrary 1.0.0 upstream (a project). The library keyed without a
    // version is skipped upstream too.
    (DEPS, "nopackagename", DEPS_JSON, Packages(&[AWS])),
    (DEPS, "invalid", DEPS_JSON, ErrorAt(1)),
    // deviation: an error upstream.
    (DEPS, "empty", DEPS_JSON, Packages(&[])),

    // osv-scalibr packagesconfig_test.go.
    (CONFIG, "valid", CONFIG_XML, Packages(&[CODEDOM, ("Microsoft.Net.Compilers", "1.0.0")])),
    (CONFIG, "noversion", CONFIG_XML, Packages(&[CODEDOM])),
    (CONFIG, "nopackage", CONFIG_XML, Packages(&[CODEDOM])),
    (CONFIG, "invalid", CONFIG_XML, ErrorAt(1)),

    // osv-scalibr packageslockjson_test.go.
    (LOCK, "valid/packages.lock.json", LOCK_JSON, Packages(LOCKED)),
    (LOCK, "invalid/invalid", LOCK_JSON, ErrorAt(1)),

    // osv-scanner pkg/lockfile/parse-nuget-lock_test.go.
    (LEGACY, "not-json.txt", LOCK_JSON, ErrorAt(1)),
    (LEGACY, "empty.v0.json", LOCK_JSON, Packages(&[])),
    (LEGACY, "empty.v1.json", LOCK_JSON, Packages(&[])),
    (LEGACY, "one-framework-one-package.v1.json", LOCK_JSON, Packages(&[CORE])),
    (LEGACY, "one-framework-two-packages.v1.json", LOCK_JSON, Packages(&[CORE, SYSTEM])),
    (LEGACY, "two-frameworks-different-packages.v1.json", LOCK_JSON, Packages(&[CORE, SYSTEM])),
    // deviation: upstream lists Test.Core 6.0.5 once per framework.
    (LEGACY, "two-frameworks-duplicate-packages.v1.json", LOCK_JSON, Packages(&[CORE])),
    (LEGACY, "two-frameworks-mixed-packages.v1.json", LOCK_JSON, Packages(&[
        CORE, SYSTEM, ("Test.System", "2.15.0"),
    ])),
];

#[test]
fn dotnet_fixtures_match_upstream_expectations() {
    let (_, excluded) = cases::run(Ecosystem::Nuget, &FOLDERS, &EXCLUDED, CASES);
    assert_eq!(
        excluded, 21,
        "csproj 6, nugetcpm 6, paket.dependencies 4, paket.lock 3, project.assets.json 2"
    );
}

/// The records of a fixture under `lockfiles/`.
fn records(fixture: &str, kind: DatabaseKind) -> Vec<PackageRecord> {
    let content = fs_err::read(crate::conformance("lockfiles").join(fixture)).unwrap();
    parse_database(kind, &content).unwrap()
}

/// (name, version, direct, depends) of each record.
type Row = (String, String, Option<bool>, Vec<String>);

fn rows(records: &[PackageRecord]) -> Vec<Row> {
    records
        .iter()
        .map(|record| {
            (
                record.name.clone(),
                record.version.clone(),
                record.scope.direct,
                record.depends.clone(),
            )
        })
        .collect()
}

/// `Direct` and `Transitive` types, and edges resolved to the version locked in the same
/// framework: in the mixed fixture Test.System requests Test.Core 6.0.0 in both frameworks,
/// which locks 6.0.5 in each.
#[test]
fn lockfiles_carry_directness_and_edges() {
    let valid = records(&format!("{LOCK}/valid/packages.lock.json"), LOCK_JSON);
    let core = valid
        .iter()
        .find(|record| record.name == "Core.Dep")
        .unwrap();
    assert_eq!(
        (core.name.as_str(), core.scope.direct),
        ("Core.Dep", Some(true))
    );
    assert_eq!(
        core.depends,
        [
            "another.longer.name.dep/4.5.4",
            "some.dep.five/4.7.2",
            "some.dep.four/4.5.0",
            "some.dep.one/1.1.1",
            "some.dep.three/1.0.2",
            "some.dep.two/4.6.0",
            "some.longer.name.dep/4.7.2",
        ]
    );
    // Some.Dep.Three requests Some.Dep.Five 4.6.0; the lockfile resolved 4.7.2.
    let three = valid
        .iter()
        .find(|record| record.name == "Some.Dep.Three")
        .unwrap();
    assert_eq!(
        three.depends,
        ["some.dep.five/4.7.2", "some.longer.name.dep/4.7.2"]
    );
    assert!(
        valid
            .iter()
            .filter(|record| record.name != "Core.Dep")
            .all(|record| record.scope.direct == Some(false))
    );

    let mixed = records(
        &format!("{LEGACY}/two-frameworks-mixed-packages.v1.json"),
        LOCK_JSON,
    );
    let core_edge = vec!["test.core/6.0.5".to_owned()];
    assert_eq!(
        rows(&mixed),
        [
            ("Test.Core".into(), "6.0.5".into(), Some(true), vec![]),
            (
                "Test.System".into(),
                "0.13.0-beta4".into(),
                Some(true),
                core_edge.clone()
            ),
            ("Test.System".into(), "2.15.0".into(), Some(true), core_edge),
        ]
    );
}

/// `developmentDependency="true"` is dev-only; `packages.config` says nothing of directness.
#[test]
fn packages_config_marks_development_dependencies() {
    let valid = records(&format!("{CONFIG}/valid"), CONFIG_XML);
    let dev: Vec<(&str, bool, Option<bool>)> = valid
        .iter()
        .map(|record| (record.name.as_str(), record.scope.dev, record.scope.direct))
        .collect();
    assert_eq!(
        dev,
        [
            (CODEDOM.0, false, None),
            ("Microsoft.Net.Compilers", true, None)
        ]
    );
}

/// `targets` gives the package edges: Microsoft.Extensions.DependencyInjection depends on two
/// packages the fixture does not list as libraries (no edge), and the project's dependencies
/// are not edges.
#[test]
fn deps_json_edges_stay_among_packages() {
    let valid = records(&format!("{DEPS}/valid"), DEPS_JSON);
    assert!(
        valid.iter().all(|record| record.depends.is_empty()),
        "{valid:?}"
    );
    assert_eq!(valid[0].provides, ["awssdk.core/3.7.10.6"]);
}

#[test]
fn truncated_fixtures_never_panic() {
    cases::truncations_never_panic(&[SCALIBR, LEGACY], |fixture| {
        if fixture.starts_with(DEPS) {
            Some(DEPS_JSON)
        } else if fixture.starts_with(CONFIG) {
            Some(CONFIG_XML)
        } else if fixture.starts_with(LOCK) || fixture.starts_with(LEGACY) {
            Some(LOCK_JSON)
        } else {
            None
        }
    });
}

#[test]
fn malformed_input_is_reported_at_its_line() {
    for (kind, content, line) in [
        (
            LOCK_JSON,
            &b"{\n  \"dependencies\": {\n    \"net8.0\": {\"A\": 1}\n  }\n}"[..],
            3,
        ),
        (
            DEPS_JSON,
            b"{\n  \"targets\": {\"x\": {\"A/1\": {\"dependencies\": {\"B\": 2}}}}\n}",
            2,
        ),
        (
            CONFIG_XML,
            b"<packages>\n  <package id=\"a\" version=\"1\"\n</packages>",
            3,
        ),
        (
            CONFIG_XML,
            b"<packages>\n\n<package id='a' id='b'/></packages>",
            3,
        ),
    ] {
        let error = parse_database(kind, content).unwrap_err();
        assert_eq!(error.position, Position::Line(line), "{kind:?}: {error}");
    }
}

/// A published .NET application directory: its `deps.json` (with a project, a package and
/// a runtime pack) and the `packages.lock.json` left in the source tree. Packages locked in
/// both files merge into one with both locations; edges come from each file. (Which file's
/// scope the merged package keeps is the resolver's choice, so it is not asserted here.)
#[test]
fn catalogs_an_application_and_its_lockfile() {
    let root = tempfile::tempdir().unwrap();
    let write = |path: &str, content: &str| {
        let path = root.path().join(path);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, content).unwrap();
    };
    write(
        "app/Api.deps.json",
        r#"{
          "runtimeTarget": {"name": ".NETCoreApp,Version=v8.0/linux-x64"},
          "targets": {".NETCoreApp,Version=v8.0/linux-x64": {
            "Api/1.0.0": {"dependencies": {"Serilog.Sinks.Console": "5.0.1"}},
            "Serilog.Sinks.Console/5.0.1": {"dependencies": {"Serilog": "3.1.1"}},
            "Serilog/3.1.1": {}
          }},
          "libraries": {
            "Api/1.0.0": {"type": "project", "serviceable": false, "sha512": ""},
            "Serilog.Sinks.Console/5.0.1": {"type": "package", "path": "serilog.sinks.console/5.0.1"},
            "Serilog/3.1.1": {"type": "package", "path": "serilog/3.1.1"},
            "runtimepack.Microsoft.NETCore.App.Runtime.linux-x64/8.0.0": {"type": "runtimepack"}
          }
        }"#,
    );
    write(
        "src/Api/packages.lock.json",
        r#"{"version": 1, "dependencies": {"net8.0": {
            "Serilog.Sinks.Console": {"type": "Direct", "requested": "[5.0.1, )",
                                      "resolved": "5.0.1", "dependencies": {"Serilog": "3.1.0"}},
            "Serilog": {"type": "Transitive", "resolved": "3.1.1"}
        }}}"#,
    );
    let target = Target::parse(&format!("dir:{}", root.path().display())).unwrap();
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).unwrap();
    let found: Vec<(&str, Vec<&str>)> = inventory
        .packages
        .iter()
        .map(|package| {
            let mut locations: Vec<&str> = package
                .locations
                .iter()
                .map(|location| location.path.as_str())
                .collect();
            locations.sort_unstable();
            (package.purl.as_str(), locations)
        })
        .collect();
    let both = vec!["app/Api.deps.json", "src/Api/packages.lock.json"];
    assert_eq!(
        found,
        [
            ("pkg:nuget/Serilog@3.1.1", both.clone()),
            ("pkg:nuget/Serilog.Sinks.Console@5.0.1", both),
        ]
    );
    assert_eq!(
        inventory.dependencies,
        [Dependency {
            from: "pkg:nuget/Serilog.Sinks.Console@5.0.1".into(),
            to: "pkg:nuget/Serilog@3.1.1".into(),
        }]
    );
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
}
