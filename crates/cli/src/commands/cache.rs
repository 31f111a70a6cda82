//! `custody cache clean|dir`.

use std::io::Write as _;

use custody_artifact::LayerCache;

use crate::args::CacheCommand;
use crate::printer;
use crate::settings;

/// Runs a cache subcommand.
pub(crate) fn cache(command: CacheCommand, quiet: bool) -> anyhow::Result<()> {
    match command {
        CacheCommand::Clean { cache_dir } => {
            let cache = LayerCache::new(settings::cache_dir(cache_dir)?);
            let freed = cache.clean()?;
            if !quiet {
                let mut stderr = anstream::stderr().lock();
                writeln!(
                    stderr,
                    "removed {} of cached layer results from {}",
                    indicatif::HumanBytes(freed),
                    cache.root().display()
                )?;
            }
            Ok(())
        }
        CacheCommand::Dir { cache_dir } => {
            let directory = settings::cache_dir(cache_dir)?;
            printer::with_output(None, |out| writeln!(out, "{}", directory.display()))
        }
    }
}
