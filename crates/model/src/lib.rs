//! custody's shared vocabulary: what an artifact contains, in plain serde types.
//!
//! Every engine speaks these types and none of them does I/O:
//!
//! - [`Package`]: one installed or declared package, with its [`Ecosystem`], [`Purl`],
//!   [`Location`]s and, for OS packages, its [`SourcePackage`].
//! - [`Distro`]: the operating system an image or root filesystem was built from.
//! - [`Inventory`]: everything found in one [`Target`](TargetInfo): distribution, packages,
//!   dependency edges and the warnings met on the way.
//! - [`Report`]: an inventory with the vulnerability [`Finding`]s matched in it, each with
//!   its [`Severity`], [`Rating`]s and the [`MatchDetail`]s that explain it, and the findings
//!   an ignore rule or VEX statement [`Suppressed`], plus the leaked [`Secret`]s and
//!   [`Misconfiguration`]s found in its files.
//!
//! Opening artifacts is `custody-artifact`'s job, finding packages is `custody-inventory`'s,
//! and writing SBOMs is `custody-sbom`'s.
//!
//! # Example
//!
//! ```
//! use custody_model::{Ecosystem, Package, Purl};
//!
//! let purl = Purl::new("deb", Some("debian"), "openssl", "3.0.15-1~deb12u1")
//!     .with_qualifier("arch", "amd64")
//!     .with_qualifier("distro", "debian-12")
//!     .build();
//! assert_eq!(
//!     purl.as_str(),
//!     "pkg:deb/debian/openssl@3.0.15-1~deb12u1?arch=amd64&distro=debian-12"
//! );
//! let package = Package::new(Ecosystem::Deb, "openssl", "3.0.15-1~deb12u1", purl);
//! assert_eq!(package.name, "openssl");
//! ```

mod distro;
mod exposure;
mod inventory;
mod location;
mod package;
mod purl;
mod vulnerability;

pub use distro::Distro;
pub use exposure::{Misconfiguration, Secret};
pub use inventory::{Dependency, ImageInfo, Inventory, LayerInfo, TargetInfo, TargetKind, Warning};
pub use location::Location;
pub use package::{Ecosystem, InstallState, Package, Scope, SourcePackage, pep503_name};
pub use purl::{ParsedPurl, Purl, PurlBuilder, PurlError, PurlErrorKind};
pub use vulnerability::{
    DatabaseStatus, Finding, MatchDetail, Rating, RatingMethod, Report, Severity, Suppressed,
    Suppression,
};
