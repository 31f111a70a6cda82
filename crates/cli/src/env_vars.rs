//! Every environment variable custody reads, declared once.

/// The cache directory (layer results; later the vulnerability database).
pub(crate) const CUSTODY_CACHE_DIR: &str = "CUSTODY_CACHE_DIR";

/// The vulnerability database file (default: `vulndb.sqlite` in the cache directory).
pub(crate) const CUSTODY_DB: &str = "CUSTODY_DB";

/// A registry password, so it need not appear on the command line.
pub(crate) const CUSTODY_REGISTRY_PASSWORD: &str = "CUSTODY_REGISTRY_PASSWORD";

/// Docker's configuration directory, holding `config.json` with registry credentials.
pub(crate) const DOCKER_CONFIG: &str = "DOCKER_CONFIG";

/// Disables colours when set to anything (<https://no-color.org>).
pub(crate) const NO_COLOR: &str = "NO_COLOR";

/// Overrides the log filter (`tracing` directives, e.g. `custody_artifact=debug`).
pub(crate) const CUSTODY_LOG: &str = "CUSTODY_LOG";

/// The password of cosign key files, as cosign reads it: when set (even to the empty string)
/// it is used without prompting.
pub(crate) const COSIGN_PASSWORD: &str = "COSIGN_PASSWORD";
