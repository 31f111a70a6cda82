//! Ruby: every fixture of the conformance corpus's Ruby folders (osv-scalibr
//! `extractor/filesystem/language/ruby/{gemfilelock,gemspec}` and osv-scanner's legacy
//! `pkg/lockfile/fixtures/bundler`, which holds the same lockfiles) parsed through
//! [`parse_database`] and compared with the packages the upstream Go tests expect
//! (`gemfilelock_test.go`, `gemspec_test.go`, `parse-gemfile-lock_test.go`), plus scope and
//! edges read from the fixtures and one root filesystem cataloged end to end.
//!
//! Where custody deliberately differs, the case says so in a `deviation:` comment:
//!
//! - a spec line without a version (`invalid.lock`) is an error at its line; upstream drops
//!   the line silently, but Bundler writes a version for every locked gem;
//! - a gemspec whose version is computed (`spec.version = ExampleApp::VERSION`) is an error at
//!   that line: osv-scalibr follows `require_relative` into the gem's source to find the
//!   constant, while custody reads only the literal specifications RubyGems installs and never
//!   interprets Ruby.

use std::path::Path;

use custody_artifact::{NoReporter, Scanner, Target};
use custody_inventory::{DatabaseKind, Position, catalog, parse_database};
use custody_model::{Dependency, Ecosystem};

use crate::cases::{self, Case, Exclusion, Expected::ErrorAt, Expected::Packages};

const SCALIBR: &str = "osv-scalibr/extractor/filesystem/language/ruby";
const LOCK: &str = "osv-scalibr/extractor/filesystem/language/ruby/gemfilelock/testdata";
const SPEC: &str = "osv-scalibr/extractor/filesystem/language/ruby/gemspec/testdata";
const LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures/bundler";

/// The folders holding Ruby fixtures, relative to `lockfiles/`.
const FOLDERS: [&str; 2] = [SCALIBR, LEGACY];

/// Fixtures that are not files this cataloger reads, with the reason.
const EXCLUDED: [Exclusion; 1] = [(
    SPEC,
    "/test.rb",
    "not a gemspec: upstream's negative routing case",
)];

/// `one-gem.lock`, `source-section-at-end.lock`.
const AST: &[(&str, &str)] = &[("ast", "2.4.2")];

const SOME_GEMS: &[(&str, &str)] = &[
    ("coderay", "1.1.3"),
    ("method_source", "1.0.0"),
    ("pry", "0.14.1"),
];

const MULTIPLE_GEMS: &[(&str, &str)] = &[
    ("bundler-audit", "0.9.0.1"),
    ("coderay", "1.1.3"),
    ("dotenv", "2.7.6"),
    ("method_source", "1.0.0"),
    ("pry", "0.14.1"),
    ("thor", "1.2.1"),
];

/// `rails.lock`: `nokogiri (1.13.3-x86_64-linux)` is version 1.13.3.
const RAILS: &[(&str, &str)] = &[
    ("actioncable", "7.0.2.2"),
    ("actionmailbox", "7.0.2.2"),
    ("actionmailer", "7.0.2.2"),
    ("actionpack", "7.0.2.2"),
    ("actiontext", "7.0.2.2"),
    ("actionview", "7.0.2.2"),
    ("activejob", "7.0.2.2"),
    ("activemodel", "7.0.2.2"),
    ("activerecord", "7.0.2.2"),
    ("activestorage", "7.0.2.2"),
    ("activesupport", "7.0.2.2"),
    ("builder", "3.2.4"),
    ("concurrent-ruby", "1.1.9"),
    ("crass", "1.0.6"),
    ("digest", "3.1.0"),
    ("erubi", "1.10.0"),
    ("globalid", "1.0.0"),
    ("i18n", "1.10.0"),
    ("io-wait", "0.2.1"),
    ("loofah", "2.14.0"),
    ("mail", "2.7.1"),
    ("marcel", "1.0.2"),
    ("method_source", "1.0.0"),
    ("mini_mime", "1.1.2"),
    ("minitest", "5.15.0"),
    ("net-imap", "0.2.3"),
    ("net-pop", "0.1.1"),
    ("net-protocol", "0.1.2"),
    ("net-smtp", "0.3.1"),
    ("nio4r", "2.5.8"),
    ("racc", "1.6.0"),
    ("rack", "2.2.3"),
    ("rack-test", "1.1.0"),
    ("rails", "7.0.2.2"),
    ("rails-dom-testing", "2.0.3"),
    ("rails-html-sanitizer", "1.4.2"),
    ("railties", "7.0.2.2"),
    ("rake", "13.0.6"),
    ("strscan", "3.0.1"),
    ("thor", "1.2.1"),
    ("timeout", "0.2.0"),
    ("tzinfo", "2.0.4"),
    ("websocket-driver", "0.7.5"),
    ("websocket-extensions", "0.1.5"),
    ("zeitwerk", "2.5.4"),
    ("nokogiri", "1.13.3"),
];

const RUBOCOP: &[(&str, &str)] = &[
    ("ast", "2.4.2"),
    ("parallel", "1.21.0"),
    ("parser", "3.1.1.0"),
    ("rainbow", "3.1.1"),
    ("regexp_parser", "2.2.1"),
    ("rexml", "3.2.5"),
    ("rubocop", "1.25.1"),
    ("rubocop-ast", "1.16.0"),
    ("ruby-progressbar", "1.11.0"),
    ("unicode-display_width", "2.1.0"),
];

/// `has-local-gem.lock`: the vendored `PATH` gem backbone-on-rails is a package.
const HAS_LOCAL_GEM: &[(&str, &str)] = &[
    ("backbone-on-rails", "1.2.0.0"),
    ("actionpack", "7.0.2.2"),
    ("actionview", "7.0.2.2"),
    ("activesupport", "7.0.2.2"),
    ("builder", "3.2.4"),
    ("coffee-script", "2.4.1"),
    ("coffee-script-source", "1.12.2"),
    ("concurrent-ruby", "1.1.9"),
    ("crass", "1.0.6"),
    ("eco", "1.0.0"),
    ("ejs", "1.1.1"),
    ("erubi", "1.10.0"),
    ("execjs", "2.8.1"),
    ("i18n", "1.10.0"),
    ("jquery-rails", "4.4.0"),
    ("loofah", "2.14.0"),
    ("method_source", "1.0.0"),
    ("minitest", "5.15.0"),
    ("racc", "1.6.0"),
    ("rack", "2.2.3"),
    ("rack-test", "1.1.0"),
    ("rails-dom-testing", "2.0.3"),
    ("rails-html-sanitizer", "1.4.2"),
    ("railties", "7.0.2.2"),
    ("rake", "13.0.6"),
    ("thor", "1.2.1"),
    ("tzinfo", "2.0.4"),
    ("zeitwerk", "2.5.4"),
    ("nokogiri", "1.13.3"),
    ("eco-source", "1.1.0.rc.1"),
];

/// `has-git-gem.lock`: the two `GIT` gems and the `GEM` ones.
const HAS_GIT_GEM: &[(&str, &str)] = &[
    ("hanami-controller", "2.0.0.alpha1"),
    ("hanami-utils", "2.0.0.alpha1"),
    ("concurrent-ruby", "1.1.7"),
    ("rack", "2.2.3"),
    ("transproc", "1.1.1"),
];

const GEMFILE: DatabaseKind = DatabaseKind::GemfileLock;
const GEMSPEC: DatabaseKind = DatabaseKind::Gemspec;

/// deviation (see the module docs): a computed version is an error at its line.
#[rustfmt::skip]
const CASES: &[Case] = &[
    // osv-scalibr gemfilelock_test.go; osv-scanner parse-gemfile-lock_test.go (same files).
    (LOCK, "no-spec-section.lock", GEMFILE, Packages(&[])),
    (LOCK, "no-gem-section.lock", GEMFILE, Packages(&[])),
    (LOCK, "no-gems.lock", GEMFILE, Packages(&[])),
    // deviation: `    invalid-name` is a locked gem without a version (upstream: no packages).
    (LOCK, "invalid.lock", GEMFILE, ErrorAt(4)),
    (LOCK, "one-gem.lock", GEMFILE, Packages(AST)),
    (LOCK, "source-section-at-end.lock", GEMFILE, Packages(AST)),
    (LOCK, "some-gems.lock", GEMFILE, Packages(SOME_GEMS)),
    (LOCK, "multiple-gems.lock", GEMFILE, Packages(MULTIPLE_GEMS)),
    (LOCK, "rails.lock", GEMFILE, Packages(RAILS)),
    (LOCK, "rubocop.lock", GEMFILE, Packages(RUBOCOP)),
    (LOCK, "has-local-gem.lock", GEMFILE, Packages(HAS_LOCAL_GEM)),
    (LOCK, "has-git-gem.lock", GEMFILE, Packages(HAS_GIT_GEM)),
    (LEGACY, "no-spec-section.lock", GEMFILE, Packages(&[])),
    (LEGACY, "no-gem-section.lock", GEMFILE, Packages(&[])),
    (LEGACY, "no-gems.lock", GEMFILE, Packages(&[])),
    (LEGACY, "one-gem.lock", GEMFILE, Packages(AST)),
    (LEGACY, "some-gems.lock", GEMFILE, Packages(SOME_GEMS)),
    (LEGACY, "multiple-gems.lock", GEMFILE, Packages(MULTIPLE_GEMS)),
    (LEGACY, "rails.lock", GEMFILE, Packages(RAILS)),
    (LEGACY, "rubocop.lock", GEMFILE, Packages(RUBOCOP)),
    (LEGACY, "has-local-gem.lock", GEMFILE, Packages(HAS_LOCAL_GEM)),
    (LEGACY, "has-git-gem.lock", GEMFILE, Packages(HAS_GIT_GEM)),

    // osv-scalibr gemspec_test.go.
    (SPEC, "yaml-0.2.1.gemspec", GEMSPEC, Packages(&[("yaml", "0.2.1")])),
    (SPEC, "rss-0.2.9.gemspec", GEMSPEC, Packages(&[("rss", "0.2.9")])),
    // `s.name =` with no value, and the block never closes.
    (SPEC, "invalid.gemspec", GEMSPEC, ErrorAt(6)),
    (SPEC, "empty.gemspec", GEMSPEC, Packages(&[])),
    // `Gem::Specif`: no specification block.
    (SPEC, "badspec.gemspec", GEMSPEC, Packages(&[])),
    // deviation: example_inline 3.0.0 upstream (`spec.version = VERSION`, a constant).
    (SPEC, "version_inline.gemspec", GEMSPEC, ErrorAt(7)),
    // deviation: upstream reads the version from lib/example_app/version.rb.
    (SPEC, "version_constant/version_constant.gemspec", GEMSPEC, ErrorAt(7)),
    (SPEC, "version_constant_class/version_constant_class.gemspec", GEMSPEC, ErrorAt(7)),
    (SPEC, "version_constant_conditional/version_constant_conditional.gemspec", GEMSPEC, ErrorAt(7)),
    (SPEC, "version_constant_different_casing/version_constant_different_casing.gemspec", GEMSPEC, ErrorAt(7)),
    (SPEC, "version_constant_dirname/version_constant_dirname.gemspec", GEMSPEC, ErrorAt(7)),
    (SPEC, "version_constant_expand/version_constant_expand.gemspec", GEMSPEC, ErrorAt(7)),
    (SPEC, "version_constant_expand_join/version_constant_expand_join.gemspec", GEMSPEC, ErrorAt(7)),
    (SPEC, "version_constant_freeze/version_constant_freeze.gemspec", GEMSPEC, ErrorAt(7)),
    (SPEC, "version_constant_join/version_constant_join.gemspec", GEMSPEC, ErrorAt(7)),
    (SPEC, "version_constant_join_multiline/version_constant_join_multiline.gemspec", GEMSPEC, ErrorAt(11)),
    (SPEC, "version_constant_require/version_constant_require.gemspec", GEMSPEC, ErrorAt(8)),
    // The Ruby source those gemspecs require: never routed (not a gemspec), and parsed as
    // one it has no specification block.
    (SPEC, "version_constant/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_constant_class/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_constant_conditional/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_constant_different_casing/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_constant_dirname/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_constant_expand/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_constant_expand_join/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_constant_freeze/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_constant_join/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_constant_join_multiline/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_constant_missing/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_constant_require/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_load_path/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    (SPEC, "version_method/lib/example_app/version.rb", GEMSPEC, Packages(&[])),
    // Upstream fails on these three as well.
    (SPEC, "version_constant_missing/version_constant_missing.gemspec", GEMSPEC, ErrorAt(7)),
    (SPEC, "version_load_path/version_load_path.gemspec", GEMSPEC, ErrorAt(9)),
    (SPEC, "version_method/version_method.gemspec", GEMSPEC, ErrorAt(7)),
];

#[test]
fn ruby_fixtures_match_upstream_expectations() {
    let (_, excluded) = cases::run(Ecosystem::Gem, &FOLDERS, &EXCLUDED, CASES);
    assert_eq!(excluded, 1, "test.rb");
}

/// The records of a fixture under `lockfiles/`.
fn records(fixture: &str, kind: DatabaseKind) -> Vec<custody_inventory::PackageRecord> {
    let content = fs_err::read(crate::conformance("lockfiles").join(fixture)).unwrap();
    parse_database(kind, &content).unwrap()
}

/// Directness from `DEPENDENCIES` and edges from the nested spec lines, read from the
/// fixtures: `multiple-gems.lock` names bundler-audit, dotenv and pry; `has-git-gem.lock` names
/// `hanami-utils!`; `rubocop.lock` lists rubocop's eight dependencies.
#[test]
fn lockfiles_carry_directness_and_edges() {
    let multiple = records(&format!("{LOCK}/multiple-gems.lock"), GEMFILE);
    let direct: Vec<(&str, Option<bool>)> = multiple
        .iter()
        .map(|record| (record.name.as_str(), record.scope.direct))
        .collect();
    assert_eq!(
        direct,
        [
            ("bundler-audit", Some(true)),
            ("coderay", Some(false)),
            ("dotenv", Some(true)),
            ("method_source", Some(false)),
            ("pry", Some(true)),
            ("thor", Some(false)),
        ]
    );
    assert_eq!(multiple[0].depends, ["bundler", "thor"]);
    assert_eq!(multiple[4].depends, ["coderay", "method_source"]);
    assert!(multiple.iter().all(|record| !record.scope.dev));

    let git = records(&format!("{LOCK}/has-git-gem.lock"), GEMFILE);
    let direct: Vec<&str> = git
        .iter()
        .filter(|record| record.scope.direct == Some(true))
        .map(|record| record.name.as_str())
        .collect();
    assert_eq!(direct, ["hanami-utils"]);

    let rubocop = records(&format!("{LOCK}/rubocop.lock"), GEMFILE);
    let rubocop = rubocop
        .iter()
        .find(|record| record.name == "rubocop")
        .unwrap();
    assert_eq!(
        rubocop.depends,
        [
            "parallel",
            "parser",
            "rainbow",
            "regexp_parser",
            "rexml",
            "rubocop-ast",
            "ruby-progressbar",
            "unicode-display_width"
        ]
    );

    let trailing = records(&format!("{LOCK}/source-section-at-end.lock"), GEMFILE);
    assert_eq!(trailing[0].scope.direct, Some(true));
}

/// Licenses and runtime dependencies of installed specifications, read from the fixtures:
/// rss's `else` branch repeats its development dependencies through `add_dependency`, which
/// must not become runtime edges.
#[test]
fn gemspecs_carry_licenses_and_runtime_dependencies() {
    let rss = records(&format!("{SPEC}/rss-0.2.9.gemspec"), GEMSPEC);
    assert_eq!(rss[0].licenses, ["BSD-2-Clause"]);
    assert_eq!(rss[0].depends, ["rexml"]);
    let yaml = records(&format!("{SPEC}/yaml-0.2.1.gemspec"), GEMSPEC);
    assert_eq!(yaml[0].licenses, ["Ruby", "BSD-2-Clause"]);
    assert!(yaml[0].depends.is_empty());
}

#[test]
fn truncated_fixtures_never_panic() {
    cases::truncations_never_panic(&FOLDERS, |fixture| {
        if fixture.starts_with(LOCK) || fixture.starts_with(LEGACY) {
            Some(GEMFILE)
        } else {
            let is_gemspec = Path::new(fixture).extension() == Some("gemspec".as_ref());
            is_gemspec.then_some(GEMSPEC)
        }
    });
}

#[test]
fn malformed_input_is_reported_at_its_line() {
    for (kind, content, line) in [
        (GEMFILE, &b"GEM\n  specs:\n    a (1.0)\n    b\n"[..], 4),
        (GEMFILE, b"GEM\n  specs:\n    a (1.0)\n      \xff\n", 4),
        (GEMSPEC, b"Gem::Specification.new do |s|\n  s.name = x\n", 2),
        (
            GEMSPEC,
            b"Gem::Specification.new do |s|\n\n  s.version = \"#{v}\"\n",
            3,
        ),
    ] {
        let error = parse_database(kind, content).unwrap_err();
        assert_eq!(error.position, Position::Line(line), "{kind:?}: {error}");
    }
}

/// A root filesystem with a project's `Gemfile.lock`, Ruby's own gems and a Debian-packaged
/// gem: lockfile gems carry directness and lockfile edges; installed gems carry licenses and
/// edges among their `specifications` directory (default gems included); source-tree
/// gemspecs are not read.
#[test]
fn catalogs_a_lockfile_and_installed_gems() {
    let root = tempfile::tempdir().unwrap();
    let write = |path: &str, content: &str| {
        let path = root.path().join(path);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::write(path, content).unwrap();
    };
    let gemspec = |name: &str, version: &str, extra: &str| {
        format!(
            "# -*- encoding: utf-8 -*-\nGem::Specification.new do |s|\n  \
             s.name = \"{name}\".freeze\n  s.version = \"{version}\"\n{extra}end\n"
        )
    };
    write(
        "srv/app/Gemfile.lock",
        "GEM\n  remote: https://rubygems.org/\n  specs:\n    \
         nokogiri (1.13.3-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.6.0)\n\n\
         PLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  nokogiri\n\nBUNDLED WITH\n   2.3.7\n",
    );
    write("srv/app/myapp.gemspec", &gemspec("myapp", "0.0.1", ""));
    let specifications = "usr/lib/ruby/gems/3.1.0/specifications";
    write(
        &format!("{specifications}/rack-test-2.0.2.gemspec"),
        &gemspec(
            "rack-test",
            "2.0.2",
            "  s.licenses = [\"MIT\".freeze]\n  \
             s.add_runtime_dependency(%q<rack>.freeze, [\">= 1.3\"])\n",
        ),
    );
    write(
        &format!("{specifications}/default/rack-2.2.4.gemspec"),
        &gemspec("rack", "2.2.4", "  s.licenses = [\"MIT\".freeze]\n"),
    );

    let target = Target::parse(&format!("rootfs:{}", root.path().display())).unwrap();
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).unwrap();
    let packages: Vec<(&str, Option<bool>, String, &str)> = inventory
        .packages
        .iter()
        .map(|package| {
            (
                package.purl.as_str(),
                package.scope.direct,
                package.licenses.join(","),
                package.locations[0].path.as_str(),
            )
        })
        .collect();
    assert_eq!(
        packages,
        [
            (
                "pkg:gem/nokogiri@1.13.3",
                Some(true),
                String::new(),
                "srv/app/Gemfile.lock"
            ),
            (
                "pkg:gem/racc@1.6.0",
                Some(false),
                String::new(),
                "srv/app/Gemfile.lock"
            ),
            (
                "pkg:gem/rack@2.2.4",
                None,
                "MIT".to_owned(),
                "usr/lib/ruby/gems/3.1.0/specifications/default/rack-2.2.4.gemspec"
            ),
            (
                "pkg:gem/rack-test@2.0.2",
                None,
                "MIT".to_owned(),
                "usr/lib/ruby/gems/3.1.0/specifications/rack-test-2.0.2.gemspec"
            ),
        ]
    );
    let edge = |from: &str, to: &str| Dependency {
        from: from.into(),
        to: to.into(),
    };
    assert_eq!(
        inventory.dependencies,
        [
            edge("pkg:gem/nokogiri@1.13.3", "pkg:gem/racc@1.6.0"),
            edge("pkg:gem/rack-test@2.0.2", "pkg:gem/rack@2.2.4"),
        ]
    );
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
}
