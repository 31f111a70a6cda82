//! Walking a directory tree (`dir:` and `rootfs:`) in parallel, reading only wanted files.
//!
//! Symbolic links are never followed, so nothing outside the root is read; for `rootfs:`
//! targets the kernel's virtual filesystems (`proc`, `sys`, `dev`) are skipped, for `dir:`
//! targets version-control metadata (`.git`).

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use custody_model::Warning;

use crate::{Analyzer, Error, Reporter};

/// Report walk progress every this many files, so the reporter is not called per file.
const PROGRESS_BATCH: u64 = 1024;

/// What a directory walk produced: wanted files with their outputs, sorted by path.
pub(crate) struct WalkResult<O> {
    pub(crate) files: Vec<(String, O)>,
    pub(crate) warnings: Vec<Warning>,
}

/// Which tree is walked, which decides what is skipped.
#[derive(Debug, Clone, Copy)]
pub(crate) enum TreeKind {
    Source,
    Rootfs,
}

/// Walks `root` and analyzes every wanted regular file.
pub(crate) fn walk<A: Analyzer>(
    root: &Path,
    kind: TreeKind,
    analyzer: &A,
    reporter: &dyn Reporter,
) -> Result<WalkResult<A::Output>, Error> {
    if !fs_err::metadata(root)?.is_dir() {
        return Err(Error::InvalidTarget {
            input: root.display().to_string(),
            reason: "not a directory".into(),
        });
    }
    let files = Mutex::new(Vec::new());
    let warnings = Mutex::new(Vec::new());
    let walked = AtomicU64::new(0);
    let warn = |path: Option<String>, message: String| {
        if let Ok(mut warnings) = warnings.lock() {
            warnings.push(Warning {
                path,
                layer: None,
                message,
            });
        }
    };
    ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .follow_links(false)
        .same_file_system(matches!(kind, TreeKind::Rootfs))
        .filter_entry(move |entry| {
            let name = entry.file_name();
            match kind {
                TreeKind::Source => name != ".git",
                TreeKind::Rootfs => {
                    entry.depth() != 1 || !matches!(name.to_str(), Some("proc" | "sys" | "dev"))
                }
            }
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(error) => {
                        warn(None, error.to_string());
                        return ignore::WalkState::Continue;
                    }
                };
                if !entry.file_type().is_some_and(|kind| kind.is_file()) {
                    return ignore::WalkState::Continue;
                }
                if walked.fetch_add(1, Ordering::Relaxed) % PROGRESS_BATCH == PROGRESS_BATCH - 1 {
                    reporter.on_files_walked(PROGRESS_BATCH);
                }
                let Ok(relative) = entry.path().strip_prefix(root) else {
                    return ignore::WalkState::Continue;
                };
                let relative = relative.to_string_lossy().replace('\\', "/");
                if !analyzer.wants(&relative) {
                    return ignore::WalkState::Continue;
                }
                match analyze_file(entry.path(), &relative, analyzer) {
                    Ok(Some(output)) => {
                        if let Ok(mut files) = files.lock() {
                            files.push((relative, output));
                        }
                    }
                    Ok(None) => {}
                    Err(message) => warn(Some(relative), message),
                }
                ignore::WalkState::Continue
            })
        });
    let walked = walked.load(Ordering::Relaxed);
    reporter.on_files_walked(walked % PROGRESS_BATCH);
    tracing::debug!(root = %root.display(), files = walked, "tree walked");
    let mut files = files.into_inner().unwrap_or_default();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut warnings = warnings.into_inner().unwrap_or_default();
    warnings.sort_by(|a, b| a.path.cmp(&b.path).then_with(|| a.message.cmp(&b.message)));
    Ok(WalkResult { files, warnings })
}

fn analyze_file<A: Analyzer>(
    path: &Path,
    relative: &str,
    analyzer: &A,
) -> Result<Option<A::Output>, String> {
    let mut file = fs_err::File::open(path).map_err(|error| error.to_string())?;
    let size = file.metadata().map_err(|error| error.to_string())?.len();
    if size > analyzer.max_file_size() {
        return Err(format!(
            "file of {size} bytes exceeds the {} byte limit; not analyzed",
            analyzer.max_file_size()
        ));
    }
    // The file may grow while we read it; never read more than was measured.
    let mut limited = std::io::Read::take(&mut file, size);
    analyzer.analyze(relative, size, &mut limited)
}
