//! apk's database: `lib/apk/db/installed` on Alpine, Wolfi and Chainguard images.
//!
//! The file is a list of records separated by blank lines; each line is `X:value`, a one-letter
//! key (the "installed database v2" of <https://wiki.alpinelinux.org/wiki/Apk_spec>).
//! [`parse_installed`] turns it into [`PackageRecord`]s with [`Ecosystem::Apk`]; which
//! distribution the records belong to is decided by the inventory resolver from os-release.
//!
//! # Strictness
//!
//! A non-blank line without a colon makes the whole file a [`ParseError`], as apk-tools itself
//! refuses such a database and as osv-scalibr (`extractor/filesystem/os/apk`, the `invalid`
//! fixture) and syft (`corrupt` fixture) expect. The old osv-scanner lockfile parser skipped
//! such lines instead; custody follows its successor, osv-scalibr. Records without a name
//! (`P`) or a version (`V`) are skipped, as osv-scalibr does.

use custody_model::{Ecosystem, SourcePackage};

use crate::error::{ParseError, Position};
use crate::os::dpkg::{is_blank, lines};
use crate::record::PackageRecord;

/// The format name carried by every [`ParseError`] from [`parse_installed`].
const FORMAT: &str = "apk installed";

/// Parses `lib/apk/db/installed` into records.
///
/// Keys read: `P` name, `V` version, `A` architecture, `o` origin (the source package, whose
/// version is `V`), `L` license (kept whole, `MIT AND BSD-2-Clause` is one entry), `D`
/// dependencies and `p` provides (space-separated tokens without their version constraints,
/// `so:libc.musl-x86_64.so.1=1` becomes `so:libc.musl-x86_64.so.1`; `!conflict` tokens are
/// dropped), and `F` directory / `R` file pairs, which give the files as `/F/R` (an `R`
/// before any `F` is at the root). Directories themselves are not listed. Every other key is
/// ignored; when a key repeats, the last value wins (for `D`/`p`, values accumulate).
///
/// apk records no install state, so [`PackageRecord::state`] stays `None`. Values that are not
/// UTF-8 are decoded lossily.
pub(crate) fn parse_installed(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let mut records = Vec::new();
    let mut entry = Entry::default();
    for line in lines(content) {
        if is_blank(line.text) {
            records.extend(entry.finish());
            entry = Entry::default();
            continue;
        }
        let Some(colon) = memchr::memchr(b':', line.text) else {
            return Err(ParseError::new(
                FORMAT,
                Position::Line(line.number),
                "line is not a `key:value` field",
            ));
        };
        let key = line.text.get(..colon).unwrap_or_default();
        let value = line.text.get(colon + 1..).unwrap_or_default();
        entry.push(key, value);
    }
    records.extend(entry.finish());
    Ok(records)
}

/// The record being read, borrowing its scalar values from the content.
#[derive(Debug, Default)]
struct Entry<'a> {
    /// Whether any field was seen, so that a record of unknown keys can be told apart from
    /// the space between records when warning.
    started: bool,
    /// `P`: package name.
    name: Option<&'a [u8]>,
    /// `V`: version.
    version: Option<&'a [u8]>,
    /// `A`: architecture.
    arch: Option<&'a [u8]>,
    /// `o`: origin, the source package.
    origin: Option<&'a [u8]>,
    /// `L`: license expression.
    license: Option<&'a [u8]>,
    /// `D`: dependency names.
    depends: Vec<String>,
    /// `p`: provided names.
    provides: Vec<String>,
    /// The last `F` directory, which following `R` files belong to.
    directory: Option<&'a [u8]>,
    /// Files from `R` lines.
    files: Vec<String>,
}

impl<'a> Entry<'a> {
    /// Takes one `key:value` line.
    fn push(&mut self, key: &[u8], value: &'a [u8]) {
        self.started = true;
        let scalar = value.trim_ascii();
        match key {
            b"P" => self.name = Some(scalar),
            b"V" => self.version = Some(scalar),
            b"A" => self.arch = Some(scalar),
            b"o" => self.origin = Some(scalar),
            b"L" => self.license = Some(scalar),
            b"D" => push_names(scalar, &mut self.depends),
            b"p" => push_names(scalar, &mut self.provides),
            b"F" => self.directory = Some(scalar),
            b"R" if !value.is_empty() => self.files.push(file_path(self.directory, value)),
            _ => {}
        }
    }

    /// Turns the finished record into a [`PackageRecord`], `None` without a name or version.
    fn finish(self) -> Option<PackageRecord> {
        if !self.started {
            return None;
        }
        let non_empty = |value: Option<&'a [u8]>| value.filter(|value| !value.is_empty());
        let Some((name, version)) = non_empty(self.name).zip(non_empty(self.version)) else {
            tracing::warn!(
                name = ?self.name.map(String::from_utf8_lossy),
                "skipping apk record without a package name or version"
            );
            return None;
        };
        let lossy = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        let version = lossy(version);
        let mut record = PackageRecord::new(Ecosystem::Apk, lossy(name), version.clone());
        record.arch = non_empty(self.arch).map(lossy);
        record.source = non_empty(self.origin).map(|origin| SourcePackage {
            name: lossy(origin),
            version: Some(version),
        });
        record.licenses = non_empty(self.license).map(lossy).into_iter().collect();
        record.depends = self.depends;
        record.provides = self.provides;
        record.files = self.files;
        Some(record)
    }
}

/// Appends the names of a `D:` or `p:` value (`musl>=1.2 so:libc.musl-x86_64.so.1 !foo`) to
/// `names`: each token up to its first `=`, `<`, `>` or `~`, without `!` conflicts and
/// without names already there.
fn push_names(value: &[u8], names: &mut Vec<String>) {
    for token in value.split(u8::is_ascii_whitespace) {
        if token.first() == Some(&b'!') {
            continue;
        }
        let end = token
            .iter()
            .position(|byte| matches!(byte, b'=' | b'<' | b'>' | b'~'))
            .unwrap_or(token.len());
        let name = token.get(..end).unwrap_or_default();
        if name.is_empty() {
            continue;
        }
        let name = String::from_utf8_lossy(name);
        if !names.iter().any(|existing| *existing == name) {
            names.push(name.into_owned());
        }
    }
}

/// The absolute path of file `name` in `directory` (relative to `/`, as apk writes both).
/// Not normalised: `..` components stay as written.
fn file_path(directory: Option<&[u8]>, name: &[u8]) -> String {
    let directory = directory.unwrap_or_default();
    let directory = directory.strip_prefix(b"/").unwrap_or(directory);
    let directory = directory.strip_suffix(b"/").unwrap_or(directory);
    let name = name.strip_prefix(b"/").unwrap_or(name);
    let mut path = String::with_capacity(directory.len() + name.len() + 2);
    path.push('/');
    if !directory.is_empty() {
        path.push_str(&String::from_utf8_lossy(directory));
        path.push('/');
    }
    path.push_str(&String::from_utf8_lossy(name));
    path
}

#[cfg(test)]
mod tests {
    //! Unit tests of the record reader, then the apk conformance corpus (osv-scalibr,
    //! osv-scanner, syft), then hostile input.

    use super::*;
    use crate::os::dpkg::test_support::{
        Case, Expect, Parser, Want, edges, noise, read_fixture, resolve_edges, run_corpus, want,
    };

    #[test]
    fn records_fields_files_and_relations() {
        let content = b"R:rootfile\nP:busybox-binsh\nV:1.36.1-r15\r\nA:x86_64\no:busybox\n\
            L:GPL-2.0-only\nD:busybox=1.36.1-r15 so:libc.musl-x86_64.so.1 !busybox-extras musl>=1.2 \
            foo~1 bar<2\np:/bin/sh cmd:sh=1.36.1-r15\nF:bin\nR:sh\nZ:Q1abc=\nF:usr/lib/\nR:x\n\n\n";
        let records = parse_installed(content).unwrap();
        assert_eq!(records.len(), 1);
        let record = &records[0];
        assert_eq!(record.ecosystem, Ecosystem::Apk);
        assert_eq!(
            (record.name.as_str(), record.version.as_str()),
            ("busybox-binsh", "1.36.1-r15")
        );
        assert_eq!(record.arch.as_deref(), Some("x86_64"));
        assert_eq!(
            record.source,
            Some(SourcePackage {
                name: "busybox".into(),
                version: Some("1.36.1-r15".into())
            })
        );
        assert_eq!(record.licenses, ["GPL-2.0-only"]);
        assert_eq!(
            record.depends,
            ["busybox", "so:libc.musl-x86_64.so.1", "musl", "foo", "bar"]
        );
        assert_eq!(record.provides, ["/bin/sh", "cmd:sh"]);
        assert_eq!(record.files, ["/rootfile", "/bin/sh", "/usr/lib/x"]);
        assert_eq!(record.state, None);
    }

    #[test]
    fn records_without_name_or_version_are_skipped() {
        let content = b"P:a\n\nV:1\n\nP:b\nV:2\n\nx:unknown\n";
        let records = parse_installed(content).unwrap();
        let names: Vec<_> = records.iter().map(|record| record.name.as_str()).collect();
        assert_eq!(names, ["b"]);
    }

    #[test]
    fn a_line_without_colon_is_an_error_at_its_line() {
        let error = parse_installed(b"P:a\nV:1\n\nbroken\n").unwrap_err();
        assert_eq!(error.position, Position::Line(4));
        assert_eq!(error.format, "apk installed");
    }

    #[test]
    fn hostile_input_never_panics() {
        let alphabet = b"PVAoLDpFR:=<>~! \n\r\t\0\xff\xc3/abc1";
        for seed in 1..300 {
            let _ = parse_installed(&noise(seed, 512, alphabet));
        }
        let mut huge = b"P:p\nV:1\nR:".to_vec();
        huge.extend(std::iter::repeat_n(b'a', 8 << 20));
        let records = parse_installed(&huge).unwrap();
        assert_eq!(records[0].files[0].len(), (8 << 20) + 1);
        let records = parse_installed(b"P:\xff\0\nV:1\xc3\n").unwrap();
        assert_eq!(records[0].name, "\u{fffd}\0");
        assert_eq!(records[0].version, "1\u{fffd}");
    }

    /// osv-scalibr `extractor/filesystem/os/apk/testdata/`.
    const SCALIBR: &str = "osv-scalibr/extractor/filesystem/os/apk/testdata";
    /// osv-scanner `pkg/lockfile/fixtures/apk/`.
    const LEGACY: &str = "osv-scanner-legacy/pkg/lockfile/fixtures/apk";
    /// syft `syft/pkg/cataloger/alpine/testdata/`.
    const SYFT: &str = "syft/syft/pkg/cataloger/alpine/testdata";

    /// A record expectation from osv-scalibr's `getInventory(path, name, origin, version,
    /// …, arch, license, …)`.
    const fn scalibr(
        name: &'static str,
        origin: &'static str,
        version: &'static str,
        license: &'static [&'static str],
    ) -> Want {
        want(name, version)
            .arch("x86_64")
            .source(origin, version)
            .licenses(license)
    }

    /// Cases from osv-scalibr's `apk_test.go` (`TestExtract`).
    const SCALIBR_CASES: &[Case] = &[
        records(
            "osv-scalibr/extractor/filesystem/os/apk/testdata/empty",
            "scalibr empty",
            &[],
        ),
        error_at(
            "osv-scalibr/extractor/filesystem/os/apk/testdata/invalid",
            "scalibr invalid: any error",
            1,
        ),
        records(
            "osv-scalibr/extractor/filesystem/os/apk/testdata/installed",
            "scalibr alpine latest",
            &[
                scalibr(
                    "alpine-baselayout",
                    "alpine-baselayout",
                    "3.4.3-r1",
                    &["GPL-2.0-only"],
                ),
                scalibr(
                    "alpine-baselayout-data",
                    "alpine-baselayout",
                    "3.4.3-r1",
                    &["GPL-2.0-only"],
                ),
                scalibr("alpine-keys", "alpine-keys", "2.4-r1", &["MIT"]),
                scalibr("apk-tools", "apk-tools", "2.14.0-r0", &["GPL-2.0-only"]),
                scalibr("busybox", "busybox", "1.36.0-r9", &["GPL-2.0-only"]),
                scalibr("busybox-binsh", "busybox", "1.36.0-r9", &["GPL-2.0-only"]),
                scalibr(
                    "ca-certificates-bundle",
                    "ca-certificates",
                    "20230506-r0",
                    &["MPL-2.0 AND MIT"],
                ),
                scalibr(
                    "libc-utils",
                    "libc-dev",
                    "0.7.2-r5",
                    &["BSD-2-Clause AND BSD-3-Clause"],
                ),
                scalibr("libcrypto3", "openssl", "3.1.0-r4", &["Apache-2.0"]),
                scalibr("libssl3", "openssl", "3.1.0-r4", &["Apache-2.0"]),
                scalibr("musl", "musl", "1.2.4-r0", &["MIT"]),
                scalibr(
                    "musl-utils",
                    "musl",
                    "1.2.4-r0",
                    &["MIT AND BSD-2-Clause AND GPL-2.0-or-later"],
                ),
                scalibr("scanelf", "pax-utils", "1.3.7-r1", &["GPL-2.0-only"]),
                scalibr("ssl_client", "busybox", "1.36.0-r9", &["GPL-2.0-only"]),
                scalibr("zlib", "zlib", "1.2.13-r1", &["Zlib"]),
            ],
        ),
        records(
            "osv-scalibr/extractor/filesystem/os/apk/testdata/no-origin",
            "scalibr origin not set",
            &[want("pkgname", "1.2.3")
                .arch("x86_64")
                .licenses(&["GPL-2.0-only"])],
        ),
        records(
            "osv-scalibr/extractor/filesystem/os/apk/testdata/single",
            "scalibr osrelease openwrt",
            &[scalibr(
                "alpine-baselayout-data",
                "alpine-baselayout",
                "3.4.3-r1",
                &["GPL-2.0-only"],
            )
            .files(BASELAYOUT_DATA_FILES)],
        ),
        records(
            "osv-scalibr/extractor/filesystem/os/apk/testdata/different-arch",
            "scalibr different arch",
            &[want("alpine-baselayout-data", "3.4.3-r1")
                .arch("noarch")
                .source("alpine-baselayout", "3.4.3-r1")
                .licenses(&["GPL-2.0-only"])],
        ),
    ];

    /// The `R` files of alpine-baselayout-data 3.4.x, from syft's `empty-deps-and-provides`
    /// expectation without its directory entry (`/etc`).
    const BASELAYOUT_DATA_FILES: &[&str] = &[
        "/etc/fstab",
        "/etc/group",
        "/etc/hostname",
        "/etc/hosts",
        "/etc/inittab",
        "/etc/modules",
        "/etc/mtab",
        "/etc/nsswitch.conf",
        "/etc/passwd",
        "/etc/profile",
        "/etc/protocols",
        "/etc/services",
        "/etc/shadow",
        "/etc/shells",
        "/etc/sysctl.conf",
    ];

    /// Cases from osv-scanner's `apk-installed_test.go`.
    const LEGACY_CASES: &[Case] = &[
        records(
            "osv-scanner-legacy/pkg/lockfile/fixtures/apk/empty_installed",
            "osv-scanner TestParseApkInstalled_Empty",
            &[],
        ),
        // osv-scanner skips garbage lines and returns `busybox` with an empty version; custody
        // rejects the file at its first garbage line (line 1 is blank) and would skip a
        // version-less record anyway.
        error_at(
            "osv-scanner-legacy/pkg/lockfile/fixtures/apk/malformed_installed",
            "deviation from TestParseApkInstalled_Malformed",
            2,
        ),
        records(
            "osv-scanner-legacy/pkg/lockfile/fixtures/apk/multiple_installed",
            "osv-scanner TestParseApkInstalled_Multiple",
            &[
                want("alpine-baselayout-data", "3.4.0-r0")
                    .arch("x86_64")
                    .source("alpine-baselayout", "3.4.0-r0")
                    .licenses(&["GPL-2.0-only"]),
                want("musl", "1.2.3-r4")
                    .arch("x86_64")
                    .source("musl", "1.2.3-r4")
                    .licenses(&["MIT"]),
                want("busybox", "1.35.0-r29")
                    .arch("x86_64")
                    .source("busybox", "1.35.0-r29")
                    .licenses(&["GPL-2.0-only"]),
            ],
        ),
        // osv-scanner returns no packages and no error for a file that is not a database.
        error_at(
            "osv-scanner-legacy/pkg/lockfile/fixtures/apk/not_installed",
            "deviation from TestParseApkInstalled_NotAnInstalled",
            1,
        ),
        records(
            "osv-scanner-legacy/pkg/lockfile/fixtures/apk/shuffled_installed",
            "osv-scanner TestParseApkInstalled_Shuffled",
            &[APK_TOOLS],
        ),
        records(
            "osv-scanner-legacy/pkg/lockfile/fixtures/apk/single_installed",
            "osv-scanner TestParseApkInstalled_Single; files read from the fixture",
            &[APK_TOOLS.files(&["/lib/libapk.so.3.12.0", "/sbin/apk"])],
        ),
    ];

    /// apk-tools 2.12.10-r1 of osv-scanner's `single` and `shuffled` fixtures.
    const APK_TOOLS: Want = want("apk-tools", "2.12.10-r1")
        .arch("x86_64")
        .source("apk-tools", "2.12.10-r1")
        .licenses(&["GPL-2.0-only"])
        .depends(&[
            "musl",
            "ca-certificates-bundle",
            "so:libc.musl-x86_64.so.1",
            "so:libcrypto.so.3",
            "so:libssl.so.3",
            "so:libz.so.1",
        ])
        .provides(&["so:libapk.so.3.12.0", "cmd:apk"]);

    /// Cases from syft's `parse_apk_db_test.go` and `cataloger_test.go`. syft lists `F`
    /// directories among the files and splits `L:MIT BSD GPL2+` into three licenses; custody
    /// lists only `R` files and keeps the license expression as recorded.
    const SYFT_CASES: &[Case] = &[
        records(
            "syft/syft/pkg/cataloger/alpine/testdata/base",
            "syft TestSinglePackageDetails base",
            &[want("alpine-baselayout", "3.2.0-r6")
                .arch("x86_64")
                .source("alpine-baselayout", "3.2.0-r6")
                .licenses(&["GPL-2.0-only"])
                .depends(&["/bin/sh", "so:libc.musl-x86_64.so.1"])
                .provides(&["cmd:mkmntdirs"])
                .files(BASELAYOUT_FILES)],
        ),
        error_at(
            "syft/syft/pkg/cataloger/alpine/testdata/corrupt/lib/apk/db/installed",
            "syft Test_corruptDb: an error",
            1,
        ),
        records(
            "syft/syft/pkg/cataloger/alpine/testdata/empty-deps-and-provides",
            "syft TestSinglePackageDetails empty-deps-and-provides",
            &[want("alpine-baselayout-data", "3.4.0-r0")
                .arch("x86_64")
                .source("alpine-baselayout", "3.4.0-r0")
                .licenses(&["GPL-2.0-only"])
                .depends(&[])
                .provides(&[])
                .files(BASELAYOUT_DATA_FILES)],
        ),
        records(
            "syft/syft/pkg/cataloger/alpine/testdata/extra-file-attributes",
            "syft TestExtraFileAttributes",
            &[want("openjdk8-jre", "8.212.04-r0")
                .arch("x86_64")
                .source("openjdk8", "8.212.04-r0")
                .licenses(&["custom"])
                .files(&["/usr/lib/jvm/java-1.8-openjdk/bin/policytool"])],
        ),
        // syft's glob-paths tree only tests path globbing; its bogus database is rejected like
        // osv-scalibr's `invalid`.
        error_at(
            "syft/syft/pkg/cataloger/alpine/testdata/glob-paths/lib/apk/db/installed",
            "as scalibr invalid",
            1,
        ),
        records(
            "syft/syft/pkg/cataloger/alpine/testdata/multiple-1/lib/apk/db/installed",
            "syft TestApkDBCataloger",
            &[
                want("bash", "5.2.21-r0")
                    .arch("x86_64")
                    .source("bash", "5.2.21-r0")
                    .licenses(&["GPL-3.0-or-later"])
                    .depends(&["/bin/sh", "so:libc.musl-x86_64.so.1", "so:libreadline.so.8"])
                    .provides(&["cmd:bash"]),
                want("busybox-binsh", "1.36.1-r15")
                    .arch("x86_64")
                    .source("busybox", "1.36.1-r15")
                    .licenses(&["GPL-2.0-only"])
                    .depends(&["busybox"])
                    .provides(&["/bin/sh", "cmd:sh"])
                    .files(&["/bin/sh"]),
                want("musl", "1.2.4_git20230717-r4")
                    .arch("x86_64")
                    .source("musl", "1.2.4_git20230717-r4")
                    .licenses(&["MIT"])
                    .depends(&[])
                    .provides(&["so:libc.musl-x86_64.so.1"]),
                want("readline", "8.2.1-r2")
                    .arch("x86_64")
                    .source("readline", "8.2.1-r2")
                    .licenses(&["GPL-2.0-or-later"])
                    .depends(&["so:libc.musl-x86_64.so.1", "so:libncursesw.so.6"])
                    .provides(&["so:libreadline.so.8"]),
            ],
        ),
        records(
            "syft/syft/pkg/cataloger/alpine/testdata/single",
            "syft TestSinglePackageDetails single",
            &[want("musl-utils", "1.1.24-r2")
                .arch("x86_64")
                .source("musl", "1.1.24-r2")
                .licenses(&["MIT BSD GPL2+"])
                .depends(&["scanelf", "so:libc.musl-x86_64.so.1"])
                .provides(&[
                    "cmd:getconf",
                    "cmd:getent",
                    "cmd:iconv",
                    "cmd:ldconfig",
                    "cmd:ldd",
                ])
                .files(&[
                    "/sbin/ldconfig",
                    "/usr/bin/iconv",
                    "/usr/bin/ldd",
                    "/usr/bin/getconf",
                    "/usr/bin/getent",
                ])],
        ),
    ];

    /// The files of syft's `base` expectation that carry a digest, which are exactly its `R`
    /// entries (the others are `F` directories).
    const BASELAYOUT_FILES: &[&str] = &[
        "/etc/fstab",
        "/etc/group",
        "/etc/hostname",
        "/etc/hosts",
        "/etc/inittab",
        "/etc/modules",
        "/etc/motd",
        "/etc/mtab",
        "/etc/passwd",
        "/etc/profile",
        "/etc/protocols",
        "/etc/services",
        "/etc/shadow",
        "/etc/shells",
        "/etc/sysctl.conf",
        "/etc/crontabs/root",
        "/etc/modprobe.d/aliases.conf",
        "/etc/modprobe.d/blacklist.conf",
        "/etc/modprobe.d/i386.conf",
        "/etc/modprobe.d/kms.conf",
        "/etc/profile.d/color_prompt",
        "/etc/profile.d/locale",
        "/lib/sysctl.d/00-alpine.conf",
        "/sbin/mkmntdirs",
        "/var/run",
        "/var/spool/mail",
        "/var/spool/cron/crontabs",
    ];

    /// Corpus files that are not apk databases; `multiple-2` is checked by
    /// [`apk_relationships_match_syft`].
    const EXCLUDED: &[(&str, &str)] = &[(
        "syft/syft/pkg/cataloger/alpine/testdata/multiple-2/lib/apk/db/installed",
        "checked by apk_relationships_match_syft (syft TestCatalogerDependencyTree)",
    )];

    /// An apk case expecting records.
    const fn records(path: &'static str, origin: &'static str, wants: &'static [Want]) -> Case {
        Case {
            path,
            parser: Parser::ApkInstalled,
            expect: Expect::Records(wants),
            origin,
        }
    }

    /// An apk case expecting an error at `line`.
    const fn error_at(path: &'static str, origin: &'static str, line: usize) -> Case {
        Case {
            path,
            parser: Parser::ApkInstalled,
            expect: Expect::ErrorAt(line),
            origin,
        }
    }

    #[test]
    fn apk_conformance_corpus() {
        let cases: Vec<Case> = [SCALIBR_CASES, LEGACY_CASES, SYFT_CASES].concat();
        run_corpus("apk", &[SCALIBR, LEGACY, SYFT], &cases, EXCLUDED);
    }

    #[test]
    fn apk_relationships_match_syft() {
        // syft TestApkDBCataloger expectedRelationships (From dependency, To dependent).
        let content =
            read_fixture("syft/syft/pkg/cataloger/alpine/testdata/multiple-1/lib/apk/db/installed");
        let records = parse_installed(&content).unwrap();
        let expected = edges(&[
            ("bash", &["busybox-binsh", "readline", "musl"]),
            ("readline", &["musl"]),
        ]);
        assert_eq!(resolve_edges(&records), expected);

        // syft TestCatalogerDependencyTree.
        let content =
            read_fixture("syft/syft/pkg/cataloger/alpine/testdata/multiple-2/lib/apk/db/installed");
        let records = parse_installed(&content).unwrap();
        let expected = edges(&[
            (
                "alpine-baselayout",
                &["busybox", "alpine-baselayout-data", "musl"],
            ),
            (
                "apk-tools",
                &[
                    "ca-certificates-bundle",
                    "musl",
                    "libcrypto1.1",
                    "libssl1.1",
                    "zlib",
                ],
            ),
            ("busybox", &["musl"]),
            ("libc-utils", &["musl-utils"]),
            ("libcrypto1.1", &["musl"]),
            ("libssl1.1", &["musl", "libcrypto1.1"]),
            ("musl-utils", &["scanelf", "musl"]),
            ("scanelf", &["musl"]),
            ("ssl_client", &["musl", "libcrypto1.1", "libssl1.1"]),
            ("zlib", &["musl"]),
        ]);
        assert_eq!(resolve_edges(&records), expected);
    }
}
