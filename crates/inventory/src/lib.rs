//! Catalogers: turning the files of a target into packages and a distribution.
//!
//! - [`Cataloger`] is the [`custody_artifact::Analyzer`] that recognises package databases
//!   (dpkg `status` and distroless `status.d/`, apk `installed`, rpm Berkeley DB, NDB and
//!   SQLite) and OS release files by path, and programs (Go build information, `cargo
//!   auditable` data) by execute permission and magic bytes, and parses them into
//!   [`Fragment`]s.
//! - [`catalog()`] runs a [`Scanner`] over a [`Target`] with it and resolves the fragments into
//!   a [`custody_model::Inventory`]: one distribution, packages with purls, the layer that
//!   added each, owned files and dependency edges; [`resolve_fragments`] does the second half
//!   for scans that ran the cataloger beside other analyzers.
//! - [`parse_database`] exposes each parser on its own, for fuzzing and tests.
//!
//! Opening targets is `custody-artifact`'s job; matching packages to advisories is
//! `custody-vulndb`'s.
//!
//! # Example
//!
//! ```
//! use custody_artifact::{NoReporter, Scanner, Target};
//!
//! let root = tempfile::tempdir()?;
//! fs_err::create_dir_all(root.path().join("var/lib/dpkg"))?;
//! fs_err::create_dir_all(root.path().join("etc"))?;
//! fs_err::write(root.path().join("etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n")?;
//! fs_err::write(
//!     root.path().join("var/lib/dpkg/status"),
//!     "Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\n\
//!      Source: zlib\nVersion: 1:1.2.13.dfsg-1\n",
//! )?;
//! let target = Target::parse(&format!("rootfs:{}", root.path().display()))?;
//! let inventory = custody_inventory::catalog(&Scanner::default(), &target, &NoReporter)?;
//! assert_eq!(
//!     inventory.packages[0].purl.as_str(),
//!     "pkg:deb/debian/zlib1g@1%3A1.2.13.dfsg-1?arch=amd64&distro=debian-12&upstream=zlib"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod binary;
mod catalog;
mod error;
mod lang;
mod os;
mod record;
mod resolve;

use custody_artifact::{Reporter, ScanResult, Scanner, Target};
use custody_model::Inventory;

pub use catalog::{Cataloger, Fragment};
pub use error::{ParseError, Position};
pub use lang::java::JavaFragment;
pub use record::PackageRecord;

/// Reads `target` with `scanner` and returns its inventory.
pub fn catalog(
    scanner: &Scanner,
    target: &Target,
    reporter: &dyn Reporter,
) -> Result<Inventory, custody_artifact::Error> {
    let scan = scanner.scan(target, &Cataloger, reporter)?;
    Ok(resolve_fragments(scan))
}

/// Resolves the fragments of a scan that ran [`Cataloger`] — alone, or beside other
/// analyzers through a [`custody_artifact::Pair`] — into an inventory.
pub fn resolve_fragments(mut scan: ScanResult<Fragment>) -> Inventory {
    lang::java::complete(&mut scan);
    resolve::resolve(&scan)
}

/// A package database format, for [`parse_database`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatabaseKind {
    /// dpkg `status`, or one distroless `status.d/` file.
    DpkgStatus,
    /// apk `lib/apk/db/installed`.
    ApkInstalled,
    /// rpm `Packages` (Berkeley DB hash).
    RpmBerkeleyDb,
    /// rpm `Packages.db` (NDB).
    RpmNdb,
    /// rpm `rpmdb.sqlite`.
    RpmSqlite,
    /// npm `package-lock.json` or `npm-shrinkwrap.json`.
    NpmPackageLock,
    /// Yarn `yarn.lock`, classic or Berry.
    YarnLock,
    /// pnpm `pnpm-lock.yaml`.
    PnpmLock,
    /// Bun `bun.lock` (the text lockfile).
    BunLock,
    /// The `package.json` of a package installed under `node_modules`.
    NpmInstalledPackage,
    /// Python core metadata: `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` or a distutils
    /// `*.egg-info` file.
    PythonMetadata,
    /// A pip requirements file.
    PipRequirements,
    /// Poetry `poetry.lock`.
    PoetryLock,
    /// Pipenv `Pipfile.lock`.
    PipfileLock,
    /// PDM `pdm.lock`.
    PdmLock,
    /// uv `uv.lock`.
    UvLock,
    /// PEP 751 `pylock.toml`.
    Pylock,
    /// Bundler `Gemfile.lock`.
    GemfileLock,
    /// An installed gem's `specifications/*.gemspec`.
    Gemspec,
    /// Composer `composer.lock`.
    ComposerLock,
    /// Composer `vendor/composer/installed.json`.
    ComposerInstalled,
    /// NuGet `packages.lock.json`.
    NugetPackagesLock,
    /// NuGet `packages.config`.
    NugetPackagesConfig,
    /// .NET `*.deps.json`.
    DotnetDepsJson,
    /// Mix `mix.lock` (Elixir and Erlang, Hex).
    MixLock,
    /// Dart pub `pubspec.lock`.
    PubspecLock,
    /// Swift Package Manager `Package.resolved`, versions 1 to 3.
    PackageResolved,
    /// `CocoaPods` `Podfile.lock`.
    PodfileLock,
    /// Conan `conan.lock`, Conan 1 or 2.
    ConanLock,
    /// Cargo `Cargo.lock`, lockfile versions 1 to 4.
    CargoLock,
    /// Go `go.mod`.
    GoMod,
    /// Go `go.sum`.
    GoSum,
    /// Go `vendor/modules.txt`.
    GoVendorModules,
    /// An ELF, PE or Mach-O program: its Go build information and `cargo auditable` data.
    Program,
    /// A Maven `pom.xml`, completed on its own (without its parent POMs).
    MavenPom,
    /// Gradle `gradle.lockfile`.
    GradleLockfile,
    /// Gradle `gradle/verification-metadata.xml`.
    GradleVerificationMetadata,
    /// A Gradle version catalog, `libs.versions.toml`.
    GradleVersionCatalog,
    /// A Java archive (JAR, WAR, EAR, …), nested archives included.
    JavaArchive,
}

/// Parses one package database from memory.
pub fn parse_database(
    kind: DatabaseKind,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    use os::rpm::RpmDbFormat;
    let rpm = |format| os::rpm::parse_rpmdb(format, content).map(|database| database.packages);
    let java = |file| lang::java::parse_records(file, "", content);
    let python = |file| lang::python::parse(file, "", content);
    match kind {
        DatabaseKind::DpkgStatus => os::dpkg::parse_status(content),
        DatabaseKind::ApkInstalled => os::apk::parse_installed(content),
        DatabaseKind::RpmBerkeleyDb => rpm(RpmDbFormat::BerkeleyDb),
        DatabaseKind::RpmNdb => rpm(RpmDbFormat::Ndb),
        DatabaseKind::RpmSqlite => rpm(RpmDbFormat::Sqlite),
        DatabaseKind::NpmPackageLock => lang::npm::parse(lang::npm::File::PackageLock, "", content),
        DatabaseKind::YarnLock => lang::npm::parse(lang::npm::File::YarnLock, "", content),
        DatabaseKind::PnpmLock => lang::npm::parse(lang::npm::File::PnpmLock, "", content),
        DatabaseKind::BunLock => lang::npm::parse(lang::npm::File::BunLock, "", content),
        DatabaseKind::NpmInstalledPackage => {
            lang::npm::parse(lang::npm::File::InstalledPackage, "", content)
        }
        DatabaseKind::PythonMetadata => python(lang::python::File::Metadata),
        DatabaseKind::PipRequirements => python(lang::python::File::Requirements),
        DatabaseKind::PoetryLock => python(lang::python::File::PoetryLock),
        DatabaseKind::PipfileLock => python(lang::python::File::PipfileLock),
        DatabaseKind::PdmLock => python(lang::python::File::PdmLock),
        DatabaseKind::UvLock => python(lang::python::File::UvLock),
        DatabaseKind::Pylock => python(lang::python::File::Pylock),
        DatabaseKind::GemfileLock => lang::ruby::parse(lang::ruby::File::GemfileLock, "", content),
        DatabaseKind::Gemspec => lang::ruby::parse(lang::ruby::File::InstalledGemspec, "", content),
        DatabaseKind::ComposerLock => lang::php::parse(lang::php::File::Lock, "", content),
        DatabaseKind::ComposerInstalled => {
            lang::php::parse(lang::php::File::Installed, "", content)
        }
        DatabaseKind::NugetPackagesLock => {
            lang::dotnet::parse(lang::dotnet::File::PackagesLock, "", content)
        }
        DatabaseKind::NugetPackagesConfig => {
            lang::dotnet::parse(lang::dotnet::File::PackagesConfig, "", content)
        }
        DatabaseKind::DotnetDepsJson => {
            lang::dotnet::parse(lang::dotnet::File::DepsJson, "", content)
        }
        DatabaseKind::MixLock => lang::elixir::parse(lang::elixir::File::MixLock, "", content),
        DatabaseKind::PubspecLock => lang::dart::parse(lang::dart::File::PubspecLock, "", content),
        DatabaseKind::PackageResolved => {
            lang::swift::parse(lang::swift::File::PackageResolved, "", content)
        }
        DatabaseKind::PodfileLock => {
            lang::swift::parse(lang::swift::File::PodfileLock, "", content)
        }
        DatabaseKind::ConanLock => lang::conan::parse(lang::conan::File::ConanLock, "", content),
        DatabaseKind::CargoLock => lang::rust::parse(lang::rust::File::CargoLock, "", content),
        DatabaseKind::GoMod => lang::go::parse(lang::go::File::GoMod, "", content),
        DatabaseKind::GoSum => lang::go::parse(lang::go::File::GoSum, "", content),
        DatabaseKind::GoVendorModules => {
            lang::go::parse(lang::go::File::VendorModules, "", content)
        }
        DatabaseKind::Program => binary::parse(content),
        DatabaseKind::MavenPom => java(lang::java::File::Pom),
        DatabaseKind::GradleLockfile => {
            java(lang::java::File::GradleLockfile { buildscript: false })
        }
        DatabaseKind::GradleVerificationMetadata => java(lang::java::File::GradleVerification),
        DatabaseKind::GradleVersionCatalog => java(lang::java::File::VersionCatalog),
        DatabaseKind::JavaArchive => java(lang::java::File::Archive),
    }
}
