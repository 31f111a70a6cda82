//! Packages compiled into programs, from real programs built here: Go programs built by the
//! Debian Go toolchain (`golang-go`) for ELF, PE and Mach-O, 32- and 64-bit, both byte orders,
//! stripped or not, checked against what `go version -m` prints for the same file; Debian's
//! own `/usr/bin/skopeo`; Rust programs built with `cargo auditable`, checked against the
//! workspace the test writes; and whole scans of a root filesystem and an image layer, where
//! dpkg's file lists decide which programs a Debian package installed.
//!
//! The tools come from scripts/setup.sh (`golang-go` and `skopeo` from Debian,
//! `cargo-auditable` from crates.io); a missing tool fails the test with its name.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, OnceLock};

use custody_artifact::{NoReporter, Scanner, Target};
use custody_inventory::{DatabaseKind, PackageRecord, catalog, parse_database};
use custody_model::{Ecosystem, Inventory};

/// A package as (name, version).
type Pair = (String, String);

/// The version the test stamps into the Go program's main module with `-ldflags -X`.
const STAMPED_VERSION: &str = "1.4.2";

/// Runs `command`, failing the test with its output when it fails or cannot start.
fn run(command: &mut Command, needs: &str) -> String {
    let output = command
        .output()
        .unwrap_or_else(|error| panic!("{command:?} could not start ({error}): needs {needs}"));
    assert!(
        output.status.success(),
        "{command:?} failed: {}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}

/// A scratch directory under Cargo's test temporary directory, emptied first, one per test
/// process: nextest runs each test in its own process, and two processes must not empty
/// each other's builds. Build caches stay beside it, so reruns are quick.
fn scratch(name: &str) -> PathBuf {
    let directory =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    if directory.exists() {
        fs_err::remove_dir_all(&directory).unwrap();
    }
    fs_err::create_dir_all(&directory).unwrap();
    directory
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    fs_err::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

fn write(path: &Path, content: &str) {
    fs_err::create_dir_all(path.parent().unwrap()).unwrap();
    fs_err::write(path, content).unwrap();
}

/// `go` with a private cache and module path, offline, building from `vendor/`.
fn go(directory: &Path) -> Command {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("go-cache");
    let mut command = Command::new("go");
    command
        .current_dir(directory)
        .env("GOCACHE", cache.join("build"))
        .env("GOPATH", cache.join("path"))
        .env("GOFLAGS", "-mod=vendor")
        .env("GOPROXY", "off")
        .env("GO111MODULE", "on")
        .env("CGO_ENABLED", "0");
    command
}

/// A Go module `example.com/app` with three vendored dependencies: `example.com/lib` as
/// required, `example.com/old` replaced by the module `example.com/new v1.1.0`, and
/// `example.com/local` replaced by a local directory.
fn go_module() -> &'static Path {
    static MODULE: OnceLock<PathBuf> = OnceLock::new();
    MODULE.get_or_init(|| {
        let root = scratch("go-module");
        write(
            &root.join("go.mod"),
            "module example.com/app\n\ngo 1.19\n\nrequire (\n\
             \texample.com/lib v1.2.3\n\texample.com/local v0.1.0\n\texample.com/old v1.0.0\n)\n\n\
             replace example.com/old => example.com/new v1.1.0\n\n\
             replace example.com/local => ./local\n",
        );
        write(
            &root.join("main.go"),
            "package main\n\nimport (\n\t\"example.com/lib\"\n\t\"example.com/local\"\n\
             \t\"example.com/old\"\n)\n\nvar version = \"dev\"\n\n\
             func main() { println(version, lib.Name(), old.Name(), local.Name()) }\n",
        );
        write(
            &root.join("vendor/modules.txt"),
            "# example.com/lib v1.2.3\n## explicit\nexample.com/lib\n\
             # example.com/local v0.1.0 => ./local\n## explicit\nexample.com/local\n\
             # example.com/old v1.0.0 => example.com/new v1.1.0\n## explicit\nexample.com/old\n\
             # example.com/local => ./local\n# example.com/old => example.com/new v1.1.0\n",
        );
        for (package, directory) in [
            ("lib", "vendor/example.com/lib"),
            ("old", "vendor/example.com/old"),
            ("local", "vendor/example.com/local"),
            ("local", "local"),
        ] {
            write(
                &root.join(directory).join(format!("{package}.go")),
                &format!("package {package}\n\nfunc Name() string {{ return \"{package}\" }}\n"),
            );
        }
        write(
            &root.join("local/go.mod"),
            "module example.com/local\n\ngo 1.19\n",
        );
        root
    })
}

/// Builds the Go module for `goos`/`goarch` with extra linker flags, without VCS stamps (the
/// module sits inside this repository's checkout); returns the program.
fn go_build(goos: &str, goarch: &str, ldflags: &str) -> PathBuf {
    go_build_in(go_module(), goos, goarch, ldflags, false)
}

/// Builds the Go module in `module`, once per output: tests running at the same time share
/// the program instead of rewriting it under each other. `-trimpath` is not used, as it drops
/// `-ldflags` from the build information.
fn go_build_in(module: &Path, goos: &str, goarch: &str, ldflags: &str, vcs: bool) -> PathBuf {
    static BUILT: Mutex<BTreeSet<PathBuf>> = Mutex::new(BTreeSet::new());
    let flags: String = ldflags
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    let output = module.join(format!("app-{goos}-{goarch}-{flags}"));
    let mut built = BUILT.lock().unwrap();
    if built.contains(&output) {
        return output;
    }
    run(
        go(module)
            .arg("build")
            .arg(format!("-buildvcs={vcs}"))
            .arg("-o")
            .arg(&output)
            .arg(format!("-ldflags={ldflags}"))
            .arg(".")
            .env("GOOS", goos)
            .env("GOARCH", goarch),
        "golang-go (scripts/setup.sh installs it)",
    );
    built.insert(output.clone());
    output
}

/// What `go version -m` says `program` (which must be executable) holds, as custody names
/// it: the toolchain as `stdlib` at its semantic version, each dependency at its replacement
/// (a local directory replacement keeps the module path at `(devel)`), and the main module,
/// whose `(devel)` version becomes [`STAMPED_VERSION`] when the test stamped it, else the
/// pseudo-version of the VCS stamp, as the module docs say.
fn go_version_m(program: &Path) -> BTreeSet<Pair> {
    let text = run(
        Command::new("go").arg("version").arg("-m").arg(program),
        "golang-go (scripts/setup.sh installs it)",
    );
    let mut lines = text.lines();
    let first = lines.next().unwrap();
    let toolchain = first
        .rsplit_once(": ")
        .filter(|(_, version)| version.starts_with("go"))
        .unwrap_or_else(|| panic!("go version -m: {first}"))
        .1;
    let release = toolchain.strip_prefix("go").unwrap();
    let stdlib = match release.split('.').count() {
        2 => format!("{release}.0"),
        _ => release.to_owned(),
    };
    let mut expected = BTreeSet::from([("stdlib".to_owned(), stdlib)]);
    let mut package = None;
    let mut main: Option<Pair> = None;
    let mut last: Option<Pair> = None;
    let mut stamped = false;
    let mut revision = None;
    let mut time = None;
    for line in lines {
        let fields: Vec<&str> = line.trim_start_matches('\t').split('\t').collect();
        let pair = |index: usize| (fields[index].to_owned(), fields[index + 1].to_owned());
        match fields[0] {
            "path" => package = Some(fields[1].to_owned()),
            "mod" => main = Some(pair(1)),
            "dep" => {
                if let Some(previous) = last.replace(pair(1)) {
                    expected.insert(previous);
                }
            }
            "=>" => {
                let (module, _) = last.take().unwrap();
                let replacement = pair(1);
                expected.insert(if replacement.0.starts_with('.') {
                    (module, "(devel)".to_owned())
                } else {
                    replacement
                });
            }
            "build" => {
                stamped |= fields[1].contains(&format!("main.version={STAMPED_VERSION}"));
                if let Some(value) = fields[1].strip_prefix("vcs.revision=") {
                    revision = Some(value[..12].to_owned());
                }
                if let Some(value) = fields[1].strip_prefix("vcs.time=") {
                    time = Some(
                        value
                            .chars()
                            .filter(char::is_ascii_digit)
                            .collect::<String>(),
                    );
                }
            }
            _ => {}
        }
    }
    expected.extend(last);
    let main = match main {
        Some((path, version)) if version == "(devel)" && stamped => {
            (path, format!("v{STAMPED_VERSION}"))
        }
        Some((path, version)) if version == "(devel)" && revision.is_some() => (
            path,
            format!("v0.0.0-{}-{}", time.unwrap(), revision.unwrap()),
        ),
        Some(main) => main,
        None => (package.unwrap(), "(devel)".to_owned()),
    };
    expected.insert(main);
    expected
}

fn pairs(records: &[PackageRecord]) -> BTreeSet<Pair> {
    records
        .iter()
        .map(|record| (record.name.clone(), record.version.clone()))
        .collect()
}

fn read_program(path: &Path) -> Vec<PackageRecord> {
    parse_database(DatabaseKind::Program, &fs_err::read(path).unwrap())
        .unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

#[test]
fn go_programs_match_go_version_m_in_every_format() {
    let targets = [
        ("linux", "amd64", ""),
        ("linux", "amd64", "-s -w"),
        ("linux", "386", ""),
        ("linux", "s390x", ""),
        ("linux", "mips", ""),
        ("windows", "amd64", ""),
        ("windows", "386", ""),
        ("darwin", "arm64", ""),
    ];
    let mut checked = 0;
    for (goos, goarch, ldflags) in targets {
        let program = go_build(goos, goarch, ldflags);
        let records = read_program(&program);
        assert_eq!(
            pairs(&records),
            go_version_m(&program),
            "{goos}/{goarch} {ldflags}"
        );
        assert!(records.iter().all(|r| r.ecosystem == Ecosystem::Golang));
        checked += 1;
    }
    assert_eq!(checked, targets.len());
}

#[test]
fn go_programs_stamped_with_a_version_report_it_for_the_main_module() {
    let program = go_build(
        "linux",
        "arm64",
        &format!("-X main.version={STAMPED_VERSION}"),
    );
    let records = read_program(&program);
    let expected = go_version_m(&program);
    assert!(expected.contains(&("example.com/app".to_owned(), format!("v{STAMPED_VERSION}"))));
    assert_eq!(pairs(&records), expected);
    let main = records
        .iter()
        .find(|r| r.name == "example.com/app")
        .unwrap();
    assert_eq!(
        main.depends
            .iter()
            .map(String::as_str)
            .collect::<BTreeSet<_>>(),
        records
            .iter()
            .filter(|r| r.name != "example.com/app")
            .map(|r| format!("{}@{}", r.name, r.version))
            .collect::<BTreeSet<_>>()
            .iter()
            .map(String::as_str)
            .collect(),
        "the main module depends on everything linked"
    );
}

/// A universal Mach-O file (as `lipo` makes them) of the arm64 and x86-64 builds: both
/// slices hold the same build information, reported once.
#[test]
fn universal_mach_o_programs_are_read_slice_by_slice() {
    const ALIGNMENT: usize = 1 << 14;
    let slices = [
        (0x0100_000c_u32, 0_u32, go_build("darwin", "arm64", "")),
        (0x0100_0007, 3, go_build("darwin", "amd64", "")),
    ];
    let mut header = Vec::new();
    header.extend_from_slice(&0xcafe_babe_u32.to_be_bytes());
    header.extend_from_slice(&2_u32.to_be_bytes());
    let mut body = Vec::new();
    for (cpu_type, cpu_subtype, program) in &slices {
        let bytes = fs_err::read(program).unwrap();
        let offset = ALIGNMENT + body.len();
        for field in [
            *cpu_type,
            *cpu_subtype,
            offset as u32,
            bytes.len() as u32,
            14,
        ] {
            header.extend_from_slice(&field.to_be_bytes());
        }
        body.extend_from_slice(&bytes);
        body.resize(body.len().next_multiple_of(ALIGNMENT), 0);
    }
    header.resize(ALIGNMENT, 0);
    header.extend_from_slice(&body);
    let universal = go_module().join("app-darwin-universal");
    fs_err::write(&universal, &header).unwrap();
    let records = read_program(&universal);
    assert_eq!(records.len(), pairs(&records).len(), "reported once");
    assert_eq!(pairs(&records), go_version_m(&slices[0].2));
    assert_eq!(pairs(&records), go_version_m(&slices[1].2));
}

/// Strips an ELF64 program's section headers (as `sstrip` does): the build information is
/// then found through the first writable segment, as Go's `debug/buildinfo` finds it.
#[test]
fn go_programs_without_section_headers_are_read_through_segments() {
    let program = go_build("linux", "amd64", "-s -w");
    let mut bytes = fs_err::read(&program).unwrap();
    // e_shoff (8 bytes at 40), e_shnum (2 at 60), e_shstrndx (2 at 62).
    bytes[40..48].fill(0);
    bytes[60..64].fill(0);
    let headless = program.with_extension("headless");
    fs_err::write(&headless, &bytes).unwrap();
    // `go version` reads only executable files.
    set_mode(&headless, 0o755);
    assert_eq!(pairs(&read_program(&headless)), go_version_m(&headless));
}

/// Built inside a commit of its own, a program's main module gets the VCS pseudo-version.
#[test]
fn go_programs_built_in_a_checkout_report_the_vcs_pseudo_version() {
    let module = scratch("go-module-vcs");
    run(
        Command::new("cp")
            .arg("-r")
            .arg(go_module().join("."))
            .arg(&module),
        "cp",
    );
    let git = |arguments: &[&str]| {
        run(
            Command::new("git")
                .current_dir(&module)
                .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
                .args(arguments)
                .env("GIT_AUTHOR_DATE", "2024-01-02T15:04:05Z")
                .env("GIT_COMMITTER_DATE", "2024-01-02T15:04:05Z"),
            "git",
        )
    };
    git(&["init", "-q"]);
    git(&["add", "go.mod", "main.go", "vendor", "local"]);
    git(&["commit", "-q", "-m", "app"]);
    let program = go_build_in(&module, "linux", "amd64", "", true);
    let records = read_program(&program);
    let expected = go_version_m(&program);
    let main = expected.iter().find(|(name, _)| name == "example.com/app");
    assert!(
        main.is_some_and(|(_, version)| version.starts_with("v0.0.0-20240102150405-")),
        "{main:?}"
    );
    assert_eq!(pairs(&records), expected);
}

#[test]
fn debian_skopeo_matches_go_version_m() {
    let skopeo = Path::new("/usr/bin/skopeo");
    assert!(
        skopeo.is_file(),
        "needs skopeo from Debian (scripts/setup.sh installs it)"
    );
    let records = read_program(skopeo);
    let expected = go_version_m(skopeo);
    assert_eq!(pairs(&records), expected);
    // Debian builds outside modules: the package path and the toolchain are all there is.
    assert!(expected.contains(&(
        "github.com/containers/skopeo/cmd/skopeo".to_owned(),
        "(devel)".to_owned()
    )));
}

/// A Rust workspace built with `cargo auditable`: `app` depends on `liba` (which depends on
/// `libb`) and on the procedural macro `derive`, which only runs at build time.
fn auditable_program() -> &'static Path {
    static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let root = scratch("auditable-workspace");
        let manifest = |name: &str, version: &str, extra: &str| {
            format!(
                "[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n\
                 {extra}"
            )
        };
        write(
            &root.join("Cargo.toml"),
            &format!(
                "{}\n[workspace]\n\n[dependencies]\nliba = {{ path = \"liba\" }}\n\
                 derive = {{ path = \"derive\" }}\n",
                manifest("app", "0.1.0", "")
            ),
        );
        write(
            &root.join("src/main.rs"),
            "derive::hello!();\nfn main() { hello(); println!(\"{}\", liba::name()); }\n",
        );
        write(
            &root.join("liba/Cargo.toml"),
            &manifest(
                "liba",
                "0.2.0",
                "\n[dependencies]\nlibb = { path = \"../libb\" }\n",
            ),
        );
        write(
            &root.join("liba/src/lib.rs"),
            "pub fn name() -> String { format!(\"a{}\", libb::name()) }\n",
        );
        write(
            &root.join("libb/Cargo.toml"),
            &manifest("libb", "0.3.0", ""),
        );
        write(
            &root.join("libb/src/lib.rs"),
            "pub fn name() -> &'static str { \"b\" }\n",
        );
        write(
            &root.join("derive/Cargo.toml"),
            &manifest("derive", "0.4.0", "\n[lib]\nproc-macro = true\n"),
        );
        write(
            &root.join("derive/src/lib.rs"),
            "use proc_macro::TokenStream;\n#[proc_macro]\npub fn hello(_: TokenStream) -> \
             TokenStream { \"fn hello() {}\".parse().unwrap() }\n",
        );
        let target = Path::new(env!("CARGO_TARGET_TMPDIR")).join("auditable-target");
        run(
            Command::new(env!("CARGO"))
                .current_dir(&root)
                .args(["auditable", "build", "--offline", "--quiet", "--target-dir"])
                .arg(&target),
            "cargo-auditable (scripts/setup.sh installs it with `cargo install`)",
        );
        target.join("debug/app")
    })
}

#[test]
fn cargo_auditable_programs_list_the_crates_compiled_in() {
    let records = read_program(auditable_program());
    let summary: Vec<_> = records
        .iter()
        .map(|r| {
            (
                r.name.as_str(),
                r.version.as_str(),
                r.scope.direct,
                r.depends.clone(),
            )
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // `derive` ran at build time only and is not in the program.
    assert_eq!(
        summary,
        [
            ("app", "0.1.0", None, vec!["liba@0.2.0".to_owned()]),
            ("liba", "0.2.0", Some(true), vec!["libb@0.3.0".to_owned()]),
            ("libb", "0.3.0", Some(false), vec![]),
        ]
    );
    assert!(records.iter().all(|r| r.ecosystem == Ecosystem::Cargo));
}

#[test]
fn programs_without_build_information_hold_no_packages() {
    // The test binary itself: Rust, built without `cargo auditable`.
    let this = std::env::current_exe().unwrap();
    assert_eq!(read_program(&this), []);
}

/// A root filesystem holding Debian's skopeo (listed in dpkg's `skopeo.list`), the Go
/// program installed by hand next to it, a Windows build without execute bits, a copy
/// without execute bits and no `.exe` name (never read), and an executable script.
fn program_tree(root: &Path) {
    let copy = |from: &Path, to: &str, mode: u32| {
        let path = root.join(to);
        fs_err::create_dir_all(path.parent().unwrap()).unwrap();
        fs_err::copy(from, &path).unwrap();
        set_mode(&path, mode);
    };
    copy(Path::new("/usr/bin/skopeo"), "usr/bin/skopeo", 0o755);
    copy(&go_build("linux", "amd64", ""), "usr/bin/app", 0o755);
    copy(&go_build("windows", "amd64", ""), "app/server.exe", 0o644);
    copy(&go_build("linux", "386", ""), "usr/share/app/data", 0o644);
    copy(auditable_program(), "usr/local/bin/rust-app", 0o700);
    write(&root.join("usr/bin/script"), "#!/bin/sh\necho hi\n");
    write(
        &root.join("var/lib/dpkg/status"),
        "Package: skopeo\nStatus: install ok installed\nArchitecture: amd64\n\
         Version: 1.9.3+ds1-1+b1\n",
    );
    write(
        &root.join("var/lib/dpkg/info/skopeo.list"),
        "/.\n/usr\n/usr/bin\n/usr/bin/skopeo\n",
    );
}

/// The language packages of `inventory`, by location, with the owner's name.
fn located(inventory: &Inventory) -> BTreeSet<(String, String, String, Option<String>)> {
    let names: std::collections::HashMap<&str, &str> = inventory
        .packages
        .iter()
        .map(|package| (package.id(), package.name.as_str()))
        .collect();
    inventory
        .packages
        .iter()
        .filter(|package| !package.ecosystem.is_os())
        .flat_map(|package| {
            package.locations.iter().map(|location| {
                (
                    location.path.clone(),
                    package.name.clone(),
                    package.version.clone(),
                    package
                        .owned_by
                        .as_deref()
                        .map(|owner| names[owner].to_owned()),
                )
            })
        })
        .collect()
}

/// What a scan of [`program_tree`] must find: every program's packages at its path, the
/// ones only in `/usr/bin/skopeo` owned by the `skopeo` Debian package (the standard library
/// is in other programs too, which no package installed).
fn expected_programs() -> BTreeSet<(String, String, String, Option<String>)> {
    let mut expected = BTreeSet::new();
    for (path, source, owner) in [
        (
            "usr/bin/skopeo",
            PathBuf::from("/usr/bin/skopeo"),
            Some("skopeo"),
        ),
        ("usr/bin/app", go_build("linux", "amd64", ""), None),
        ("app/server.exe", go_build("windows", "amd64", ""), None),
    ] {
        for (name, version) in go_version_m(&source) {
            let owner = owner.filter(|_| name != "stdlib");
            expected.insert((path.to_owned(), name, version, owner.map(str::to_owned)));
        }
    }
    for (name, version) in [("app", "0.1.0"), ("liba", "0.2.0"), ("libb", "0.3.0")] {
        expected.insert((
            "usr/local/bin/rust-app".to_owned(),
            name.to_owned(),
            version.to_owned(),
            None,
        ));
    }
    expected
}

#[test]
fn rootfs_scans_find_programs_and_their_dpkg_owner() {
    let root = tempfile::tempdir().unwrap();
    program_tree(root.path());
    let target = Target::parse(&format!("rootfs:{}", root.path().display())).unwrap();
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).unwrap();
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
    assert_eq!(located(&inventory), expected_programs());
}

#[test]
fn image_scans_find_programs_by_the_layer_modes() {
    let root = tempfile::tempdir().unwrap();
    program_tree(root.path());
    let layout = tempfile::tempdir().unwrap();
    oci_layout(root.path(), layout.path());
    let target = Target::OciDir {
        path: layout.path().to_owned(),
        tag: None,
    };
    let inventory = catalog(&Scanner::default(), &target, &NoReporter).unwrap();
    assert!(inventory.warnings.is_empty(), "{:?}", inventory.warnings);
    assert_eq!(located(&inventory), expected_programs());
}

/// Writes an OCI layout whose single uncompressed layer holds the files of `tree` with their
/// permission bits.
fn oci_layout(tree: &Path, layout: &Path) {
    use sha2::Digest as _;
    let sha256 = |bytes: &[u8]| hex::encode(sha2::Sha256::digest(bytes));
    let mut builder = tar::Builder::new(Vec::new());
    builder.follow_symlinks(false);
    builder.append_dir_all(".", tree).unwrap();
    let layer = builder.into_inner().unwrap();
    let config = format!(
        r#"{{"os":"linux","architecture":"amd64","rootfs":{{"type":"layers","diff_ids":["sha256:{}"]}}}}"#,
        sha256(&layer)
    );
    let manifest = format!(
        r#"{{"schemaVersion":2,"config":{{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:{}","size":{}}},"layers":[{{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:{}","size":{}}}]}}"#,
        sha256(config.as_bytes()),
        config.len(),
        sha256(&layer),
        layer.len()
    );
    let blobs = layout.join("blobs/sha256");
    fs_err::create_dir_all(&blobs).unwrap();
    for bytes in [config.as_bytes(), manifest.as_bytes(), &layer] {
        fs_err::write(blobs.join(sha256(bytes)), bytes).unwrap();
    }
    fs_err::write(
        layout.join("oci-layout"),
        r#"{"imageLayoutVersion":"1.0.0"}"#,
    )
    .unwrap();
    fs_err::write(
        layout.join("index.json"),
        format!(
            r#"{{"schemaVersion":2,"manifests":[{{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:{}","size":{}}}]}}"#,
            sha256(manifest.as_bytes()),
            manifest.len()
        ),
    )
    .unwrap();
}
