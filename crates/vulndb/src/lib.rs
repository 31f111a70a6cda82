//! custody's vulnerability database: OSV records imported into one SQLite file, looked up by
//! package, and evaluated against installed versions with OSV's own semantics.
//!
//! - [`Database`] is the file. [`Database::open_or_create`] and [`Database::import`] fill it
//!   from OSV JSON and YAML records, directories of them and `all.zip` archives
//!   ([`ImportSummary`], [`ImportReporter`], [`ImportLimits`]); [`Database::affected`] returns
//!   the [`AffectedRecord`]s for one (ecosystem, package); [`Database::info`] describes it
//!   ([`DbInfo`]).
//! - [`update()`] brings a database up to date from a mirror of OSV's bucket: conditional
//!   downloads of each ecosystem's `all.zip`, checked, imported into a copy that replaces the
//!   file atomically ([`UpdateOptions`], [`UpdateSummary`], [`UpdateReporter`],
//!   [`Database::update_state`]).
//! - [`Advisory`] is the OSV record model, with its [`Affected`] packages, [`Range`]s and
//!   [`Event`]s; [`Advisory::from_json`] and [`Advisory::from_yaml`] parse one record.
//! - [`split_ecosystem`], [`ecosystem_key`] and [`normalize_name`] build lookup keys: every
//!   caller must build them the same way the importer does.
//! - [`evaluate`] decides whether an installed version is affected by an [`AffectedRecord`],
//!   given a function that parses version strings into any ordered type, and says which range
//!   matched and which version fixes it ([`Evaluation`], [`RangeMatch`]).
//! - [`ratings`] turns an advisory's CVSS vectors (base scores computed), database rating and
//!   distribution urgency into `Rating`s, most trusted first ([`sort_ratings`],
//!   [`overall_severity`]).
//! - [`Suppressions`] applies the user's [`IgnoreFile`]s (`.custodyignore.yaml`) and OpenVEX
//!   [`VexDocument`]s to findings, saying what suppressed each one ([`Applied`]).
//!
//! This crate does not open images or read package databases (custody-artifact and
//! custody-inventory do), does not order versions (custody-version does: pass its comparator
//! to [`evaluate`]) and does not merge findings or render reports (custody-cli does, using
//! [`Database::ids_for_alias`]).
//!
//! # Example
//!
//! ```
//! use custody_vulndb::{Database, NoImportReporter, ecosystem_key, evaluate, normalize_name};
//!
//! let dir = tempfile::tempdir()?;
//! let record = dir.path().join("PYSEC-2019-132.json");
//! fs_err::write(
//!     &record,
//!     r#"{"id": "PYSEC-2019-132", "modified": "2019-06-13T04:29:00Z",
//!         "aliases": ["CVE-2019-11236"],
//!         "affected": [{"package": {"ecosystem": "PyPI", "name": "urllib3"},
//!                       "ranges": [{"type": "ECOSYSTEM",
//!                                   "events": [{"introduced": "0"}, {"fixed": "1.24.3"}]}]}]}"#,
//! )?;
//!
//! let mut database = Database::open_or_create(dir.path().join("vulndb.sqlite"))?;
//! let summary = database.import(&[&record], &NoImportReporter)?;
//! assert_eq!(summary.imported, 1);
//!
//! // A toy comparator: dotted numbers. custody-version provides real ones per ecosystem.
//! let parse = |version: &str| {
//!     version.split('.').map(str::parse::<u64>).collect::<Result<Vec<_>, _>>()
//! };
//! let installed = parse("1.24.1")?;
//! for record in database.affected(&ecosystem_key("PyPI"), None, &normalize_name("PyPI", "URLLib3"))? {
//!     let evaluation = evaluate(&installed, &record, parse);
//!     let matched = evaluation.matched.expect("1.24.1 is before the fix");
//!     assert_eq!(record.id, "PYSEC-2019-132");
//!     assert_eq!(matched.fixed_version(), Some("1.24.3"));
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod database;
mod ecosystem;
mod error;
mod evaluation;
mod import;
mod matcher;
mod osv;
mod release;
mod severity;
mod suppress;
mod update;

pub use database::{
    AffectedRecord, Database, DbInfo, EcosystemCount, MAX_REFERENCES, SCHEMA_VERSION,
};
pub use ecosystem::{ecosystem_key, normalize_name, split_ecosystem};
pub use error::{Error, RecordError};
pub use evaluation::{Evaluation, MatchSource, RangeMatch, Skipped, evaluate, evaluate_ranges};
pub use import::{ImportLimits, ImportReporter, ImportSummary, NoImportReporter, Warning};
pub use matcher::{Matches, match_inventory};
pub use osv::{Advisory, Affected, Event, Package, Range, RangeType, Reference, Severity};
pub use release::DistroEcosystem;
pub use severity::{overall_severity, ratings, sort_ratings};
pub use suppress::{
    Applied, IgnoreFile, IgnoreSection, SuppressionError, SuppressionErrorKind, SuppressionFormat,
    Suppressions, VexDocument,
};
pub use update::{
    ArchiveOutcome, ArchiveUpdate, ArchiveValidators, DEFAULT_ECOSYSTEMS, DEFAULT_MIRROR,
    UpdateOptions, UpdateReporter, UpdateState, UpdateSummary, update,
};
