//! Catalogers: turning the files of a target into packages and a distribution.
//!
//! - [`Cataloger`] is the [`custody_artifact::Analyzer`] that recognises package databases
//!   (dpkg `status` and distroless `status.d/`, apk `installed`, rpm Berkeley DB, NDB and
//!   SQLite) and OS release files by path, and parses them into [`Fragment`]s.
//! - [`catalog()`] runs a [`Scanner`] over a [`Target`] with it and resolves the fragments into
//!   a [`custody_model::Inventory`]: one distribution, packages with purls, the layer that
//!   added each, owned files and dependency edges.
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

mod catalog;
mod error;
mod lang;
mod os;
mod record;
mod resolve;

use custody_artifact::{Reporter, Scanner, Target};
use custody_model::Inventory;

pub use catalog::{Cataloger, Fragment};
pub use error::{ParseError, Position};
pub use record::PackageRecord;

/// Reads `target` with `scanner` and returns its inventory.
pub fn catalog(
    scanner: &Scanner,
    target: &Target,
    reporter: &dyn Reporter,
) -> Result<Inventory, custody_artifact::Error> {
    let scan = scanner.scan(target, &Cataloger, reporter)?;
    Ok(resolve::resolve(&scan))
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
}

/// Parses one package database from memory.
pub fn parse_database(
    kind: DatabaseKind,
    content: &[u8],
) -> Result<Vec<PackageRecord>, ParseError> {
    use os::rpm::RpmDbFormat;
    let rpm = |format| os::rpm::parse_rpmdb(format, content).map(|database| database.packages);
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
    }
}
