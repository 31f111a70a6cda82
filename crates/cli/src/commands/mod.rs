//! One module per subcommand. Each returns `Ok(())` for exit status 0 or an error for 2;
//! commands whose answer can be "no" (later: scan, verify, policy) will return an exit status.

mod cache;
mod db;
mod sbom;
mod version;

pub(crate) use cache::cache;
pub(crate) use db::db;
pub(crate) use sbom::sbom;
pub(crate) use version::version;
