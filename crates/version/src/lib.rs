//! Version ordering per ecosystem, exactly as each ecosystem's own tool orders versions.
//!
//! A vulnerability scanner is only as good as its version comparisons; this crate gives every
//! OSV ecosystem custody supports its real comparator instead of a generic "semver-like" one:
//!
//! - [`Ecosystem`]: an OSV ecosystem (`Debian`, `Red Hat`, `PyPI`, `crates.io`, ...), parsed
//!   case-insensitively; [`EcosystemName`] keeps the release suffix of names like `Debian:12`.
//!   [`Ecosystem::scheme`] says which [`Scheme`] its versions use.
//! - [`Scheme`]: one syntax and one order — dpkg, rpm, apk, PEP 440, `SemVer`, Go, Maven, `NuGet`,
//!   `RubyGems`, Packagist, Pub, CRAN, Hackage. [`Scheme::parse`] turns text into a [`Version`].
//! - [`Version`]: parsed once, compared many times; `Ord` is the scheme's order, and always a
//!   total order. [`compare`] compares two strings in one call.
//! - [`Error`]: a version the scheme cannot order ([`InvalidKind`] says why) or an unknown
//!   ecosystem name. Nothing falls back to comparing strings.
//!
//! Each scheme lives in its own module, which cites the upstream code or specification it
//! follows and lists every deliberate departure. All of them are checked against the
//! conformance corpus in `../shared/conformance/versions` (osv-scalibr's version fixtures).
//!
//! This crate only orders versions. Evaluating OSV ranges and matching packages to advisories
//! is custody-vulndb's job; finding installed packages is custody-inventory's. It does no I/O
//! and depends on nothing but `thiserror`, because every other crate links it.
//!
//! # Example
//!
//! ```
//! use std::cmp::Ordering;
//!
//! use custody_version::{Ecosystem, compare};
//!
//! // The installed version is parsed once...
//! let ecosystem: Ecosystem = "Debian".parse()?;
//! let installed = ecosystem.scheme().parse("3.0.11-1~deb12u2")?;
//!
//! // ...and compared with every event of an advisory's range.
//! let fixed = ecosystem.scheme().parse("3.0.11-1~deb12u3")?;
//! assert!(installed < fixed);
//! assert!(installed > ecosystem.scheme().parse("3.0.11-1~deb12u1")?);
//!
//! // One-off comparisons of two strings.
//! let pypi = Ecosystem::PyPi.scheme();
//! assert_eq!(compare(pypi, "1.0.post1", "1.0-1")?, Ordering::Equal);
//! assert_eq!(compare(pypi, "2.0rc1", "2.0")?, Ordering::Less);
//!
//! // Unparseable versions are errors that name the text and the scheme.
//! let error = compare(Ecosystem::Npm.scheme(), "1.2.3", "latest").unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     r#"invalid SemVer version "latest": unexpected 'l' at byte 0"#
//! );
//! # Ok::<(), custody_version::Error>(())
//! ```

mod ecosystem;
mod error;
mod numeric;
mod scheme;
mod version;

pub use ecosystem::{Ecosystem, EcosystemName};
pub use error::{Error, InvalidKind};
pub use scheme::Scheme;
pub use version::{Version, compare};
