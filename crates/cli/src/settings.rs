//! Resolving arguments and the environment into the plain option structs engines take.

use std::path::PathBuf;

use anyhow::Context as _;
use custody_artifact::{LayerCache, Limits, Platform, RegistryOptions, ScanOptions};

use crate::args::{CacheArgs, DbArgs, ImageArgs, RegistryArgs};
use crate::env_vars;

/// The cache directory: `--cache-dir` / `CUSTODY_CACHE_DIR`, else the user's cache directory.
pub(crate) fn cache_dir(explicit: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match explicit {
        Some(directory) => Ok(directory),
        None => dirs::cache_dir()
            .map(|directory| directory.join("custody"))
            .context("cannot find a cache directory for this user; pass --cache-dir"),
    }
}

/// The vulnerability database file: `--db` / `CUSTODY_DB`, else `vulndb.sqlite` in the cache
/// directory.
pub(crate) fn database_path(args: &DbArgs) -> anyhow::Result<PathBuf> {
    match &args.db {
        Some(path) => Ok(path.clone()),
        None => Ok(cache_dir(args.cache_dir.clone())?.join("vulndb.sqlite")),
    }
}

/// The layer cache, unless `--no-cache`.
fn layer_cache(args: &CacheArgs) -> anyhow::Result<Option<LayerCache>> {
    if args.no_cache {
        return Ok(None);
    }
    Ok(Some(LayerCache::new(cache_dir(args.cache_dir.clone())?)))
}

/// Docker's `config.json`: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`.
fn docker_config() -> Option<PathBuf> {
    match std::env::var_os(env_vars::DOCKER_CONFIG) {
        Some(directory) => Some(PathBuf::from(directory).join("config.json")),
        None => dirs::home_dir().map(|home| home.join(".docker/config.json")),
    }
}

/// How to reach registries.
pub(crate) fn registry_options(args: &RegistryArgs) -> RegistryOptions {
    RegistryOptions {
        plain_http: args.plain_http,
        insecure_registries: args.insecure_registry.clone(),
        username: args.username.clone(),
        password: args.password.clone(),
        docker_config: docker_config(),
    }
}

/// Options for reading targets.
pub(crate) fn scan_options(args: &ImageArgs) -> anyhow::Result<ScanOptions> {
    let platform = match &args.platform {
        Some(text) => Platform::parse(text)?,
        None => Platform::host(),
    };
    let mut limits = Limits::default();
    if let Some(max) = args.max_layer_size {
        limits.max_layer_size = max;
    }
    Ok(ScanOptions {
        platform,
        registry: registry_options(&args.registry),
        cache: layer_cache(&args.cache)?,
        limits,
    })
}
