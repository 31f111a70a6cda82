//! Python: every fixture of the conformance corpus's Python lockfile folders (`lockfiles/`,
//! from osv-scalibr and osv-scanner's legacy `pkg/lockfile`) parsed through
//! [`parse_database`] and compared with the packages the upstream Go tests expect, plus one
//! root filesystem cataloged end to end (installed distributions, file lists, dpkg ownership).
//!
//! Expectations are (name, version) pairs taken from the upstream tests named on each group:
//! osv-scalibr `extractor/filesystem/language/python/<format>/<format>_test.go` and osv-scanner
//! `pkg/lockfile/parse-<format>_test.go`. Where custody deliberately differs, the case says so
//! in a `deviation:` comment; the rules behind every deviation are documented in the parser
//! modules (`lang/python/requirements.rs` and friends):
//!
//! - requirements files record only `==`/`===` pins (osv-scalibr's newer tests also report
//!   `>=`/`~=`/`<=` bounds with a comparator, and osv-scanner reports unpinned names as
//!   `0.0.0`), and `-r` includes are not followed, so a file yields only its own pins;
//! - names stay as written (osv-scanner lowercases and PEP 503-normalizes them; custody's purl
//!   does that instead);
//! - line continuations follow pip's `join_lines` exactly (`bar == 4.5\\` + `.6` is
//!   `4.5.6`; osv-scanner reads `4.5\\`).
//!
//! Fixtures upstream added after its tests we could read (`trailing_backslash.txt`,
//! `multiline_and_comments.txt`, the `names-outside-package-block` files, the new lines of
//! `per_req_options.txt` and `with_versions.txt`) have expectations derived from the fixture
//! text by the same rules, noted on each case.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use custody_artifact::{NoReporter, Scanner, Target};
use custody_inventory::{DatabaseKind, Position, catalog, parse_database};
use custody_model::Ecosystem;

use self::Expected::{ErrorAt, Packages};

/// The conformance corpus's `lockfiles/` folder.
fn lockfiles() -> PathBuf {
    crate::conformance("lockfiles")
}

/// The folders holding Python fixtures, relative to `lockfiles/`; every file under them must
/// be a [`CASES`] entry or match an [`EXCLUDED`] rule.
const FOLDERS: [&str; 5] = [
    "osv-scalibr/extractor/filesystem/language/python",
    "osv-scanner-legacy/pkg/lockfile/fixtures/pip",
    "osv-scanner-legacy/pkg/lockfile/fixtures/pipenv",
    "osv-scanner-legacy/pkg/lockfile/fixtures/pdm",
    "osv-scanner-legacy/pkg/lockfile/fixtures/poetry",
];

/// Fixture folders that are not formats this cataloger reads, with the reason.
const EXCLUDED: [(&str, &str); 3] = [
    (
        "osv-scalibr/extractor/filesystem/language/python/condameta/",
        "conda-meta/*.json records conda packages, whose names and versions are conda's, not \
         PyPI's; a conda cataloger would be its own ecosystem",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/python/pyprojecttoml/",
        "pyproject.toml declares version ranges, not installed or locked versions; the \
         cataloger reads lockfiles and installed metadata",
    ),
    (
        "osv-scalibr/extractor/filesystem/language/python/setup/",
        "setup.py is Python source; custody never interprets code from a scanned artifact",
    ),
];

/// What parsing a fixture must give.
enum Expected {
    /// Exactly these (name, version) records, in any order.
    Packages(&'static [(&'static str, &'static str)]),
    /// A `ParseError` at this 1-based line.
    ErrorAt(usize),
}

/// No records.
const NONE: Expected = Packages(&[]);

/// osv-scalibr's fixtures, relative to `lockfiles/`.
const SCALIBR: &str = "osv-scalibr/extractor/filesystem/language/python";
/// osv-scanner's legacy fixtures, relative to `lockfiles/`.
const LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures";

/// One fixture: its folder, file name, format and expected result.
type Case = (&'static str, &'static str, DatabaseKind, Expected);

#[rustfmt::skip]
const CASES: &[Case] = &[
    // osv-scalibr requirements/requirements_test.go (TestExtract).
    (SCALIBR, "requirements/testdata/no_version.txt", DatabaseKind::PipRequirements, NONE),
    // "Makes sure we don't get stuck in an infinite loop": includes are never followed.
    (SCALIBR, "requirements/testdata/loop.txt", DatabaseKind::PipRequirements, NONE),
    (SCALIBR, "requirements/testdata/other-loop.txt", DatabaseKind::PipRequirements, NONE),
    // deviation: newspaper3k>=0.2.2 and pkg<=1.2.3 (reported with comparators upstream) are
    // ranges. pkg.dot.name is a newer fixture line with an exact pin.
    (SCALIBR, "requirements/testdata/with_versions.txt", DatabaseKind::PipRequirements, Packages(&[
        ("nltk", "3.2.2"), ("tabulate", "0.7.7"), ("qwerty", "0.1"), ("hy-phen", "1.2"),
        ("under_score", "1.3"), ("pkg.dot.name", "5.0.0"), ("yolo", "1.0"),
    ])),
    (SCALIBR, "requirements/testdata/comments.txt", DatabaseKind::PipRequirements, Packages(&[
        ("PyCrypto", "1.2-alpha"), ("GMPY2", "1"), ("SymPy", "1.2"), ("requests", "1.0"),
        ("six", "1.2"),
    ])),
    // deviation: keyring>=4.1.1 and Mopidy-Dirble~=1.1 are ranges; transitive-req came from
    // the `-r other-requirements.txt` include, which is not followed.
    (SCALIBR, "requirements/testdata/example.txt", DatabaseKind::PipRequirements, Packages(&[
        ("docopt", "0.6.1"),
    ])),
    (SCALIBR, "requirements/testdata/other-requirements.txt", DatabaseKind::PipRequirements, Packages(&[
        ("pandas", "2.2.3"),
    ])),
    (SCALIBR, "requirements/testdata/extras.txt", DatabaseKind::PipRequirements, Packages(&[
        ("pyjwt", "2.1.0"), ("celery", "4.4.7"),
    ])),
    (SCALIBR, "requirements/testdata/env_var.txt", DatabaseKind::PipRequirements, Packages(&[
        ("asdf", "1.2"), ("another", "1.0"),
    ])),
    (SCALIBR, "requirements/testdata/invalid.txt", DatabaseKind::PipRequirements, NONE),
    // deviation: foo7 is skipped: `foo7==1.0 unexpected_text…` is not a PEP 508 requirement
    // (pip rejects it; osv-scalibr reports version "1.0unexpected_text…"). foo16 to foo18 are
    // newer fixture lines: `foo17--hash` is a valid name since options must start a word.
    (SCALIBR, "requirements/testdata/per_req_options.txt", DatabaseKind::PipRequirements, Packages(&[
        ("foo1", "1.0"), ("foo2", "1.0"), ("foo3", "1.0"), ("foo4", "1.0"), ("foo5", "1.0"),
        ("foo6", "1.0"), ("foo8", "1.0"), ("foo9", "1.0"), ("foo11", "1.0"),
        ("foo12", "1.0"), ("foo13", "1.0"), ("foo14", "1.0"), ("foo16-Client", "1.0"),
        ("foo17--hash", "1.0"), ("foo18-Client", "1.0"),
    ])),
    // Newer fixtures, derived from their text: a continuation into a hash option, and one left
    // open at the end of the file.
    (SCALIBR, "requirements/testdata/multiline_and_comments.txt", DatabaseKind::PipRequirements, Packages(&[
        ("pkgA", "1.0"), ("pkgB", "2.0"),
    ])),
    (SCALIBR, "requirements/testdata/trailing_backslash.txt", DatabaseKind::PipRequirements, Packages(&[
        ("pkg1", "1.0"),
    ])),

    // osv-scanner pkg/lockfile/parse-requirements-txt_test.go.
    (LEGACY, "pip/empty.txt", DatabaseKind::PipRequirements, NONE),
    (LEGACY, "pip/only-comments.txt", DatabaseKind::PipRequirements, NONE),
    // deviation: unpinned names (reported as 0.0.0 upstream) are not packages.
    (LEGACY, "pip/one-package-unconstrained.txt", DatabaseKind::PipRequirements, NONE),
    (LEGACY, "pip/one-package-constrained.txt", DatabaseKind::PipRequirements, Packages(&[
        ("django", "2.2.24"),
    ])),
    (LEGACY, "pip/multiple-packages-constrained.txt", DatabaseKind::PipRequirements, Packages(&[
        ("astroid", "2.5.1"), ("beautifulsoup4", "4.9.3"), ("boto3", "1.17.19"),
        ("botocore", "1.20.19"), ("certifi", "2020.12.5"), ("chardet", "4.0.0"),
        ("circus", "0.17.1"), ("click", "7.1.2"), ("django-debug-toolbar", "3.2.1"),
        ("django-filter", "2.4.0"), ("django-nose", "1.4.7"), ("django-storages", "1.11.1"),
        ("django", "2.2.24"),
    ])),
    // deviation: flask, flask-cors, sklearn, requests and gevent are unpinned.
    (LEGACY, "pip/multiple-packages-mixed.txt", DatabaseKind::PipRequirements, Packages(&[
        ("pandas", "0.23.4"), ("numpy", "1.16.0"), ("scikit-learn", "0.20.1"),
    ])),
    (LEGACY, "pip/with-added-support.txt", DatabaseKind::PipRequirements, Packages(&[
        ("twisted", "20.3.0"),
    ])),
    // deviation: names as written (upstream: zope-interface, pillow, twisted).
    (LEGACY, "pip/non-normalized-names.txt", DatabaseKind::PipRequirements, Packages(&[
        ("zope.interface", "5.4.0"), ("Pillow", "1.0.0"), ("Twisted", "20.3.0"),
    ])),
    // deviation: BarProject >= 1.2 is a range; names as written (upstream: fooproject).
    (LEGACY, "pip/with-per-requirement-options.txt", DatabaseKind::PipRequirements, Packages(&[
        ("boto3", "1.26.121"), ("foo", "1.0.0"), ("FooProject", "1.2"),
    ])),
    // deviation: bar is 4.5.6, as pip joins the lines (upstream: "4.5\\").
    (LEGACY, "pip/line-continuation.txt", DatabaseKind::PipRequirements, Packages(&[
        ("foo", "1.2.3"), ("bar", "4.5.6"), ("baz", "7.8.9"), ("qux", "10.11.12"),
    ])),
    // TestRequirementsTxtExtractor_Extract_WithRequirements: upstream follows `-r`; each file
    // here yields only the packages the upstream test attributes to its own dependency group.
    // deviation (as above): the unpinned and range entries of that group are not packages.
    (LEGACY, "pip/file-format-example.txt", DatabaseKind::PipRequirements, Packages(&[
        ("docopt", "0.6.1"),
    ])),
    (LEGACY, "pip/other-file.txt", DatabaseKind::PipRequirements, Packages(&[
        ("django", "2.2.24"),
    ])),
    (LEGACY, "pip/with-multiple-r-options.txt", DatabaseKind::PipRequirements, Packages(&[
        ("requests", "1.2.3"), ("pandas", "0.23.4"),
    ])),
    // Upstream fails with fs.ErrNotExist on the missing include; not following it, custody
    // reads the file's own pin.
    (LEGACY, "pip/with-bad-r-option.txt", DatabaseKind::PipRequirements, Packages(&[
        ("requests", "1.2.3"),
    ])),
    (LEGACY, "pip/duplicate-r-dev.txt", DatabaseKind::PipRequirements, Packages(&[
        ("pandas", "0.23.4"), ("requests", "1.2.3"),
    ])),
    (LEGACY, "pip/duplicate-r-base.txt", DatabaseKind::PipRequirements, Packages(&[
        ("django", "0.1.0"),
    ])),
    (LEGACY, "pip/duplicate-r-test.txt", DatabaseKind::PipRequirements, Packages(&[
        ("requests", "1.2.3"), ("unittest", "1.0.0"),
    ])),
    (LEGACY, "pip/cyclic-r-self.txt", DatabaseKind::PipRequirements, Packages(&[
        ("pandas", "0.23.4"), ("requests", "1.2.3"),
    ])),
    (LEGACY, "pip/cyclic-r-complex-1.txt", DatabaseKind::PipRequirements, Packages(&[
        ("cyclic-r-complex", "1"),
    ])),
    (LEGACY, "pip/cyclic-r-complex-2.txt", DatabaseKind::PipRequirements, Packages(&[
        ("cyclic-r-complex", "2"),
    ])),
    (LEGACY, "pip/cyclic-r-complex-3.txt", DatabaseKind::PipRequirements, Packages(&[
        ("cyclic-r-complex", "3"),
    ])),

    // osv-scalibr poetrylock/poetrylock_test.go; osv-scanner parse-poetry-lock_test.go has the
    // same cases for the shared fixtures.
    (SCALIBR, "poetrylock/testdata/not-toml.txt", DatabaseKind::PoetryLock, ErrorAt(1)),
    (SCALIBR, "poetrylock/testdata/empty-file.lock", DatabaseKind::PoetryLock, NONE),
    (SCALIBR, "poetrylock/testdata/empty.lock", DatabaseKind::PoetryLock, NONE),
    (SCALIBR, "poetrylock/testdata/one-package.lock", DatabaseKind::PoetryLock, Packages(&[
        ("numpy", "1.23.3"),
    ])),
    (SCALIBR, "poetrylock/testdata/two-packages.lock", DatabaseKind::PoetryLock, Packages(&[
        ("proto-plus", "1.22.0"), ("protobuf", "4.21.5"),
    ])),
    (SCALIBR, "poetrylock/testdata/one-package-with-metadata.lock", DatabaseKind::PoetryLock, Packages(&[
        ("emoji", "2.0.0"),
    ])),
    (SCALIBR, "poetrylock/testdata/source-git.lock", DatabaseKind::PoetryLock, Packages(&[
        ("ike", "0.2.0"),
    ])),
    (SCALIBR, "poetrylock/testdata/source-legacy.lock", DatabaseKind::PoetryLock, Packages(&[
        ("appdirs", "1.4.4"),
    ])),
    (SCALIBR, "poetrylock/testdata/optional-package.lock", DatabaseKind::PoetryLock, Packages(&[
        ("numpy", "1.23.3"),
    ])),
    // Poetry 2 lockfile: both proto-plus versions are locked (per-marker resolution).
    (SCALIBR, "poetrylock/testdata/multiple-packages.v2.lock", DatabaseKind::PoetryLock, Packages(&[
        ("async-timeout", "5.0.1"), ("factory-boy", "3.3.1"), ("faker", "33.3.0"),
        ("proto-plus", "1.22.0"), ("proto-plus", "1.23.0"), ("protobuf", "4.25.5"),
        ("python-dateutil", "2.9.0.post0"), ("redis", "5.2.1"), ("six", "1.17.0"),
        ("typing-extensions", "4.12.2"), ("urllib3", "2.3.0"),
    ])),
    // Newer fixture: `name` lines inside strings, comments and sub-tables are not packages.
    (SCALIBR, "poetrylock/testdata/names-outside-package-block.lock", DatabaseKind::PoetryLock, Packages(&[
        ("first-pkg", "1.0.0"), ("second-pkg", "2.0.0"),
    ])),
    (LEGACY, "poetry/not-toml.txt", DatabaseKind::PoetryLock, ErrorAt(1)),
    (LEGACY, "poetry/empty.lock", DatabaseKind::PoetryLock, NONE),
    (LEGACY, "poetry/one-package.lock", DatabaseKind::PoetryLock, Packages(&[("numpy", "1.23.3")])),
    (LEGACY, "poetry/two-packages.lock", DatabaseKind::PoetryLock, Packages(&[
        ("proto-plus", "1.22.0"), ("protobuf", "4.21.5"),
    ])),
    (LEGACY, "poetry/one-package-with-metadata.lock", DatabaseKind::PoetryLock, Packages(&[("emoji", "2.0.0")])),
    (LEGACY, "poetry/source-git.lock", DatabaseKind::PoetryLock, Packages(&[("ike", "0.2.0")])),
    (LEGACY, "poetry/source-legacy.lock", DatabaseKind::PoetryLock, Packages(&[("appdirs", "1.4.4")])),
    (LEGACY, "poetry/optional-package.lock", DatabaseKind::PoetryLock, Packages(&[("numpy", "1.23.3")])),

    // osv-scalibr pipfilelock/pipfilelock_test.go; osv-scanner parse-pipenv-lock_test.go.
    (SCALIBR, "pipfilelock/testdata/not-json.txt", DatabaseKind::PipfileLock, ErrorAt(1)),
    // Not in the upstream test we read: an empty file holds no packages.
    (SCALIBR, "pipfilelock/testdata/empty-file", DatabaseKind::PipfileLock, NONE),
    (SCALIBR, "pipfilelock/testdata/empty.json", DatabaseKind::PipfileLock, NONE),
    (SCALIBR, "pipfilelock/testdata/one-package.json", DatabaseKind::PipfileLock, Packages(&[
        ("markupsafe", "2.1.1"),
    ])),
    (SCALIBR, "pipfilelock/testdata/one-package-dev.json", DatabaseKind::PipfileLock, Packages(&[
        ("markupsafe", "2.1.1"),
    ])),
    (SCALIBR, "pipfilelock/testdata/two-packages.json", DatabaseKind::PipfileLock, Packages(&[
        ("itsdangerous", "2.1.2"), ("markupsafe", "2.1.1"),
    ])),
    (SCALIBR, "pipfilelock/testdata/two-packages-alt.json", DatabaseKind::PipfileLock, Packages(&[
        ("itsdangerous", "2.1.2"), ("markupsafe", "2.1.1"),
    ])),
    // itsdangerous 2.1.2 is in both sections and counts once; pluggy differs per section.
    (SCALIBR, "pipfilelock/testdata/multiple-packages.json", DatabaseKind::PipfileLock, Packages(&[
        ("itsdangerous", "2.1.2"), ("pluggy", "1.0.1"), ("pluggy", "1.0.0"),
        ("markupsafe", "2.1.1"),
    ])),
    (SCALIBR, "pipfilelock/testdata/no-version.json", DatabaseKind::PipfileLock, NONE),
    (SCALIBR, "pipfilelock/testdata/minified.json", DatabaseKind::PipfileLock, Packages(&[
        ("markupsafe", "2.1.1"),
    ])),
    (LEGACY, "pipenv/not-json.txt", DatabaseKind::PipfileLock, ErrorAt(1)),
    (LEGACY, "pipenv/empty.json", DatabaseKind::PipfileLock, NONE),
    (LEGACY, "pipenv/one-package.json", DatabaseKind::PipfileLock, Packages(&[("markupsafe", "2.1.1")])),
    (LEGACY, "pipenv/one-package-dev.json", DatabaseKind::PipfileLock, Packages(&[("markupsafe", "2.1.1")])),
    (LEGACY, "pipenv/two-packages.json", DatabaseKind::PipfileLock, Packages(&[
        ("itsdangerous", "2.1.2"), ("markupsafe", "2.1.1"),
    ])),
    (LEGACY, "pipenv/two-packages-alt.json", DatabaseKind::PipfileLock, Packages(&[
        ("itsdangerous", "2.1.2"), ("markupsafe", "2.1.1"),
    ])),
    (LEGACY, "pipenv/multiple-packages.json", DatabaseKind::PipfileLock, Packages(&[
        ("itsdangerous", "2.1.2"), ("pluggy", "1.0.1"), ("pluggy", "1.0.0"),
        ("markupsafe", "2.1.1"),
    ])),
    (LEGACY, "pipenv/no-version.json", DatabaseKind::PipfileLock, NONE),

    // osv-scalibr pdmlock/pdmlock_test.go; osv-scanner parse-pdm-lock_test.go.
    (SCALIBR, "pdmlock/testdata/not-toml.txt", DatabaseKind::PdmLock, ErrorAt(1)),
    (SCALIBR, "pdmlock/testdata/empty-file.toml", DatabaseKind::PdmLock, NONE),
    (SCALIBR, "pdmlock/testdata/empty.toml", DatabaseKind::PdmLock, NONE),
    (SCALIBR, "pdmlock/testdata/single-package.toml", DatabaseKind::PdmLock, Packages(&[
        ("toml", "0.10.2"),
    ])),
    (SCALIBR, "pdmlock/testdata/two-packages.toml", DatabaseKind::PdmLock, Packages(&[
        ("toml", "0.10.2"), ("six", "1.16.0"),
    ])),
    (SCALIBR, "pdmlock/testdata/dev-dependency.toml", DatabaseKind::PdmLock, Packages(&[
        ("toml", "0.10.2"), ("pyroute2", "0.7.11"), ("win-inet-pton", "1.1.0"),
    ])),
    (SCALIBR, "pdmlock/testdata/optional-dependency.toml", DatabaseKind::PdmLock, Packages(&[
        ("toml", "0.10.2"), ("pyroute2", "0.7.11"), ("win-inet-pton", "1.1.0"),
    ])),
    (SCALIBR, "pdmlock/testdata/git-dependency.toml", DatabaseKind::PdmLock, Packages(&[
        ("toml", "0.10.2"),
    ])),
    (SCALIBR, "pdmlock/testdata/names-outside-package-block.toml", DatabaseKind::PdmLock, Packages(&[
        ("first-pkg", "1.0.0"), ("second-pkg", "2.0.0"),
    ])),
    (LEGACY, "pdm/not-toml.txt", DatabaseKind::PdmLock, ErrorAt(1)),
    (LEGACY, "pdm/empty.toml", DatabaseKind::PdmLock, NONE),
    (LEGACY, "pdm/single-package.toml", DatabaseKind::PdmLock, Packages(&[("toml", "0.10.2")])),
    (LEGACY, "pdm/two-packages.toml", DatabaseKind::PdmLock, Packages(&[
        ("toml", "0.10.2"), ("six", "1.16.0"),
    ])),
    (LEGACY, "pdm/dev-dependency.toml", DatabaseKind::PdmLock, Packages(&[
        ("toml", "0.10.2"), ("pyroute2", "0.7.11"), ("win-inet-pton", "1.1.0"),
    ])),
    (LEGACY, "pdm/optional-dependency.toml", DatabaseKind::PdmLock, Packages(&[
        ("toml", "0.10.2"), ("pyroute2", "0.7.11"), ("win-inet-pton", "1.1.0"),
    ])),
    (LEGACY, "pdm/git-dependency.toml", DatabaseKind::PdmLock, Packages(&[("toml", "0.10.2")])),

    // osv-scalibr uvlock/uvlock_test.go. The virtual root package ("uv-lockfiles") is not a
    // package in any case.
    (SCALIBR, "uvlock/testdata/not-toml.txt", DatabaseKind::UvLock, ErrorAt(1)),
    (SCALIBR, "uvlock/testdata/empty.lock", DatabaseKind::UvLock, NONE),
    (SCALIBR, "uvlock/testdata/no-dependencies.lock", DatabaseKind::UvLock, NONE),
    (SCALIBR, "uvlock/testdata/no-packages.lock", DatabaseKind::UvLock, NONE),
    (SCALIBR, "uvlock/testdata/one-package.lock", DatabaseKind::UvLock, Packages(&[
        ("emoji", "2.14.0"),
    ])),
    (SCALIBR, "uvlock/testdata/two-packages.lock", DatabaseKind::UvLock, Packages(&[
        ("emoji", "2.14.0"), ("protobuf", "4.25.5"),
    ])),
    (SCALIBR, "uvlock/testdata/source-git.lock", DatabaseKind::UvLock, Packages(&[
        ("ruff", "0.8.1"),
    ])),
    (SCALIBR, "uvlock/testdata/grouped-packages.lock", DatabaseKind::UvLock, Packages(&[
        ("emoji", "2.14.0"), ("click", "8.1.7"), ("colorama", "0.4.6"), ("black", "24.10.0"),
        ("flake8", "7.1.1"), ("mccabe", "0.7.0"), ("mypy-extensions", "1.0.0"),
        ("packaging", "24.2"), ("pathspec", "0.12.1"), ("platformdirs", "4.3.6"),
        ("pycodestyle", "2.12.1"), ("pyflakes", "3.2.0"), ("tomli", "2.2.1"),
        ("typing-extensions", "4.12.2"),
    ])),
    (SCALIBR, "uvlock/testdata/names-outside-package-block.lock", DatabaseKind::UvLock, Packages(&[
        ("first-pkg", "1.0.0"), ("second-pkg", "2.0.0"),
    ])),

    // osv-scalibr pylock/pylock_test.go. Packages without a version (the editable project in
    // commits.toml and pip-just-self.toml) are not packages.
    (SCALIBR, "pylock/testdata/not-toml.txt", DatabaseKind::Pylock, ErrorAt(1)),
    (SCALIBR, "pylock/testdata/empty.toml", DatabaseKind::Pylock, NONE),
    (SCALIBR, "pylock/testdata/example.toml", DatabaseKind::Pylock, Packages(&[
        ("attrs", "25.1.0"), ("cattrs", "24.1.2"), ("numpy", "2.2.3"),
    ])),
    (SCALIBR, "pylock/testdata/commits.toml", DatabaseKind::Pylock, Packages(&[
        ("click", "8.2.1"), ("mleroc", "0.1.0"), ("packaging", "24.2"), ("pathspec", "0.12.1"),
        ("python-dateutil", "2.9.0.post0"), ("scikit-learn", "1.6.1"), ("tqdm", "4.67.1"),
    ])),
    (SCALIBR, "pylock/testdata/pip-just-self.toml", DatabaseKind::Pylock, NONE),
    (SCALIBR, "pylock/testdata/pip-full.toml", DatabaseKind::Pylock, Packages(&[
        ("annotated-types", "0.7.0"), ("packaging", "25.0"), ("pyproject-toml", "0.1.0"),
        ("setuptools", "80.9.0"), ("wheel", "0.45.1"),
    ])),
    (SCALIBR, "pylock/testdata/pdm-full.toml", DatabaseKind::Pylock, Packages(&[
        ("certifi", "2025.1.31"), ("chardet", "3.0.4"), ("charset-normalizer", "2.0.12"),
        ("colorama", "0.3.9"), ("idna", "2.7"), ("py", "1.4.34"), ("pytest", "3.2.5"),
        ("requests", "2.27.1"), ("setuptools", "39.2.0"), ("urllib3", "1.26.20"),
    ])),
    (SCALIBR, "pylock/testdata/names-outside-package-block.toml", DatabaseKind::Pylock, Packages(&[
        ("first-pkg", "1.0.0"), ("second-pkg", "2.0.0"),
    ])),
];

/// Every file under `folder`, recursively, as paths relative to `base` with `/` separators.
fn files_under(base: &Path, folder: &str, found: &mut Vec<String>) {
    let mut pending = vec![base.join(folder)];
    while let Some(directory) = pending.pop() {
        for entry in fs_err::read_dir(&directory).expect("fixture folder is readable") {
            let path = entry.expect("fixture folder is readable").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(base).expect("walked from base");
                found.push(relative.to_string_lossy().replace('\\', "/"));
            }
        }
    }
}

/// The outcome of one case as text, for comparison and for the failure report.
fn outcome(kind: DatabaseKind, content: &[u8]) -> String {
    match parse_database(kind, content) {
        Ok(records) => {
            for record in &records {
                assert_eq!(record.ecosystem, Ecosystem::Pypi, "{record:?}");
                assert!(!record.name.is_empty() && !record.version.is_empty());
            }
            let mut packages: Vec<String> = records
                .iter()
                .map(|record| format!("{} {}", record.name, record.version))
                .collect();
            packages.sort();
            packages.join("\n")
        }
        Err(error) => match error.position {
            Position::Line(line) => format!("error at line {line}"),
            other => format!("error at {other}: {error}"),
        },
    }
}

/// The expected [`outcome`].
fn expected_outcome(expected: &Expected) -> String {
    match expected {
        Packages(packages) => {
            let mut packages: Vec<String> = packages
                .iter()
                .map(|(name, version)| format!("{name} {version}"))
                .collect();
            packages.sort();
            packages.join("\n")
        }
        ErrorAt(line) => format!("error at line {line}"),
    }
}

#[test]
fn python_lockfile_fixtures_match_upstream_expectations() {
    let base = lockfiles();
    let mut fixtures = Vec::new();
    for folder in FOLDERS {
        files_under(&base, folder, &mut fixtures);
    }
    fixtures.sort();
    let cases: BTreeMap<String, &Case> = CASES
        .iter()
        .map(|case| (format!("{}/{}", case.0, case.1), case))
        .collect();
    assert_eq!(cases.len(), CASES.len(), "a fixture is listed twice");

    let (mut passed, mut excluded) = (0, 0);
    let mut failures = Vec::new();
    for fixture in &fixtures {
        if EXCLUDED
            .iter()
            .any(|(prefix, _)| fixture.starts_with(prefix))
        {
            excluded += 1;
            continue;
        }
        let Some((_, _, kind, expected)) = cases.get(fixture) else {
            failures.push(format!("{fixture}: not in CASES and not excluded"));
            continue;
        };
        let content = fs_err::read(base.join(fixture)).expect("fixture is readable");
        let (got, want) = (outcome(*kind, &content), expected_outcome(expected));
        if got == want {
            passed += 1;
        } else {
            failures.push(format!("{fixture}:\n--- expected\n{want}\n--- got\n{got}"));
        }
    }
    for listed in cases.keys() {
        if fixtures.binary_search(listed).is_err() {
            failures.push(format!(
                "{listed}: listed in CASES but missing from the corpus"
            ));
        }
    }
    eprintln!(
        "python fixtures: {passed} passed, {} failed, {excluded} excluded ({} rules)",
        failures.len(),
        EXCLUDED.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert_eq!(passed, CASES.len(), "every listed case ran");
    assert_eq!(excluded, 19, "condameta 5, pyprojecttoml 8, setup 6");
}

#[test]
fn malformed_lockfiles_are_errors_at_their_line() {
    for (kind, content, line) in [
        (
            DatabaseKind::PoetryLock,
            &b"[[package]]\nname = \"a\"\nversion = \n"[..],
            3,
        ),
        (
            DatabaseKind::PdmLock,
            b"[[package]]\nname = \"a\"\nversion = 1.2.3\n[[package]]\n",
            3,
        ),
        (
            DatabaseKind::UvLock,
            b"version = 1\n\n[[package]]\nname = \"a\"\nversion = \"1\" x\n",
            5,
        ),
        (
            DatabaseKind::Pylock,
            b"lock-version = '1.0'\n\n[[packages]]\nname = 'a'\nname = 'b'\n",
            5,
        ),
        (
            DatabaseKind::PipfileLock,
            b"{\n  \"default\": {\n    \"a\": {\"version\": \"==1\"}\n    \"b\": {}\n  }\n}\n",
            4,
        ),
        (DatabaseKind::PoetryLock, b"package = []\n\xff = 1\n", 2),
        (DatabaseKind::PipRequirements, b"a==1\n\n\xfe\n", 3),
        (
            DatabaseKind::PythonMetadata,
            b"Name: a\n Version: 1\nLicense: \xff\n",
            3,
        ),
        (DatabaseKind::PythonMetadata, b"\tName: a\n", 1),
    ] {
        let error = parse_database(kind, content).expect_err("malformed input");
        assert_eq!(error.position, Position::Line(line), "{kind:?}: {error}");
    }
}

/// A root filesystem with Debian-installed and pip-installed distributions, cataloged end to
/// end: names as written, purls normalized, licenses, RECORD and installed-files.txt joined
/// as files, and `owned_by` for the egg-info dpkg owns.
#[test]
#[expect(
    clippy::too_many_lines,
    reason = "one fixture tree and its expectations, read top to bottom"
)]
fn catalogs_installed_distributions_of_a_root_filesystem() {
    let root = tempfile::tempdir().expect("temporary directory");
    let write = |path: &str, content: &str| {
        let path = root.path().join(path);
        fs_err::create_dir_all(path.parent().expect("has a parent")).expect("mkdir");
        fs_err::write(path, content).expect("write");
    };
    write("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
    write(
        "var/lib/dpkg/status",
        "Package: python3-six\nStatus: install ok installed\nArchitecture: all\n\
         Version: 1.16.0-4\n",
    );
    write(
        "var/lib/dpkg/info/python3-six.list",
        "/.\n/usr\n/usr/lib/python3/dist-packages/six-1.16.0.egg-info\n\
         /usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO\n\
         /usr/lib/python3/dist-packages/six.py\n",
    );
    write(
        "usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO",
        "Metadata-Version: 2.1\nName: six\nVersion: 1.16.0\nLicense: MIT\n\nsix body\n",
    );
    write(
        "app/py/PyYAML-5.3.1.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.3.1\nLicense: MIT\n",
    );
    write(
        "app/py/PyYAML-5.3.1.dist-info/RECORD",
        "yaml/__init__.py,sha256=x,10\nPyYAML-5.3.1.dist-info/RECORD,,\n",
    );
    write(
        "app/py/Flask-0.12.2.dist-info/METADATA",
        "Metadata-Version: 2.0\nName: Flask\nVersion: 0.12.2\nLicense: BSD\n\
         Requires-Dist: PyYAML\nRequires-Dist: Jinja2 (>=2.4)\n",
    );
    write(
        "opt/legacy/lib/pyxdg-0.25.egg-info",
        "Metadata-Version: 1.0\nName: pyxdg\nVersion: 0.25\nLicense: LGPL\n",
    );
    write(
        "opt/legacy/lib/zope.interface-5.4.0.egg-info/PKG-INFO",
        "Name: zope.interface\nVersion: 5.4.0\n",
    );
    write(
        "opt/legacy/lib/zope.interface-5.4.0.egg-info/installed-files.txt",
        "../zope/interface/__init__.py\nPKG-INFO\n",
    );
    write("srv/app/requirements.txt", "Django==3.2\nrequests>=2\n");
    // A RECORD next to no metadata, and metadata outside a distribution directory, are ignored.
    write("app/py/orphan-1.0.dist-info/RECORD", "orphan.py,,\n");
    write("app/py/notes/METADATA", "Name: nope\nVersion: 1\n");

    let target = Target::parse(&format!("rootfs:{}", root.path().display())).expect("target");
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).expect("catalog");
    let python: Vec<_> = inventory
        .packages
        .iter()
        .filter(|package| package.ecosystem == Ecosystem::Pypi)
        .map(|package| {
            (
                package.name.as_str(),
                package.purl.as_str(),
                package.licenses.join(","),
                package.files.join(","),
                package.owned_by.as_deref(),
                package.locations[0].path.as_str(),
            )
        })
        .collect();
    let six_owner = inventory
        .packages
        .iter()
        .find(|package| package.name == "python3-six")
        .map(custody_model::Package::id);
    assert_eq!(
        python,
        [
            (
                "Django",
                "pkg:pypi/django@3.2",
                String::new(),
                String::new(),
                None,
                "srv/app/requirements.txt"
            ),
            (
                "Flask",
                "pkg:pypi/flask@0.12.2",
                "BSD".to_owned(),
                String::new(),
                None,
                "app/py/Flask-0.12.2.dist-info/METADATA"
            ),
            (
                "PyYAML",
                "pkg:pypi/pyyaml@5.3.1",
                "MIT".to_owned(),
                "/app/py/yaml/__init__.py,/app/py/PyYAML-5.3.1.dist-info/RECORD".to_owned(),
                None,
                "app/py/PyYAML-5.3.1.dist-info/METADATA"
            ),
            (
                "pyxdg",
                "pkg:pypi/pyxdg@0.25",
                "LGPL".to_owned(),
                String::new(),
                None,
                "opt/legacy/lib/pyxdg-0.25.egg-info"
            ),
            (
                "six",
                "pkg:pypi/six@1.16.0",
                "MIT".to_owned(),
                String::new(),
                six_owner,
                "usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO"
            ),
            (
                "zope.interface",
                "pkg:pypi/zope.interface@5.4.0",
                String::new(),
                "/opt/legacy/lib/zope/interface/__init__.py,\
                 /opt/legacy/lib/zope.interface-5.4.0.egg-info/PKG-INFO"
                    .to_owned(),
                None,
                "opt/legacy/lib/zope.interface-5.4.0.egg-info/PKG-INFO"
            ),
        ]
    );
    assert!(six_owner.is_some());
}

/// A source tree whose requirements file includes two others: the include named like a
/// requirements file is cataloged on its own, the other is reported as not cataloged, and the
/// unpinned requirements are warnings naming the file, never packages with guessed versions.
#[test]
fn unpinned_requirements_and_unread_includes_are_warnings() {
    let root = tempfile::tempdir().expect("temporary directory");
    for (path, content) in [
        (
            "requirements.txt",
            "-r requirements-dev.txt\n-r base.txt\nDjango==3.2\nrequests>=2\nflask  # latest\n",
        ),
        ("requirements-dev.txt", "pytest==8.0.0\n"),
        ("base.txt", "six==1.16.0\n"),
    ] {
        fs_err::write(root.path().join(path), content).expect("write");
    }
    let target = Target::parse(&format!("dir:{}", root.path().display())).expect("target");
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).expect("catalog");
    let packages: Vec<(&str, &str, &str)> = inventory
        .packages
        .iter()
        .map(|package| {
            (
                package.name.as_str(),
                package.version.as_str(),
                package.locations[0].path.as_str(),
            )
        })
        .collect();
    assert_eq!(
        packages,
        [
            ("Django", "3.2", "requirements.txt"),
            ("pytest", "8.0.0", "requirements-dev.txt"),
        ]
    );
    let warnings: Vec<(Option<&str>, &str)> = inventory
        .warnings
        .iter()
        .map(|warning| (warning.path.as_deref(), warning.message.as_str()))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                Some("requirements.txt"),
                "requirements without an exact `==` version, not reported as packages: \
                 `requests>=2`, `flask`"
            ),
            (
                Some("requirements.txt"),
                "included requirements files not cataloged (only `*requirements*.txt` files in \
                 the target are read, each on its own): `base.txt`"
            ),
        ]
    );
}
