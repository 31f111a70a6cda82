//! Walking a directory tree (`dir:` and `rootfs:`) in parallel, reading only wanted files.
//!
//! The analyzer decides from the path ([`Interest`]); only files it may want cost an `lstat`
//! (size and execute permission, see [`FileMeta`]), and only wanted files are opened.
//!
//! Symbolic links are never followed, so nothing outside the root is read; for `rootfs:`
//! targets the kernel's virtual filesystems (`proc`, `sys`, `dev`) are skipped, for `dir:`
//! targets version-control metadata (`.git`).

use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use custody_model::Warning;

use crate::{Analyzer, Error, FileMeta, Interest, Reporter};

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
                let interest = analyzer.wants(&relative);
                if interest == Interest::Skip {
                    return ignore::WalkState::Continue;
                }
                let metadata = match entry.metadata() {
                    Ok(metadata) => metadata,
                    Err(error) => {
                        warn(Some(relative), error.to_string());
                        return ignore::WalkState::Continue;
                    }
                };
                let executable = is_executable(&metadata);
                if !interest.accepts(executable) {
                    return ignore::WalkState::Continue;
                }
                let file = FileMeta {
                    path: &relative,
                    size: metadata.len(),
                    executable,
                };
                match analyze_file(entry.path(), &file, analyzer) {
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

/// Whether any execute permission bit is set. Windows has no such bits: there, programs are
/// recognised by name (`.exe`) by the analyzers that want them.
#[cfg(unix)]
fn is_executable(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    metadata.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}

fn analyze_file<A: Analyzer>(
    path: &Path,
    file: &FileMeta<'_>,
    analyzer: &A,
) -> Result<Option<A::Output>, String> {
    if file.size > analyzer.max_file_size() {
        return Err(format!(
            "file of {} bytes exceeds the {} byte limit; not analyzed",
            file.size,
            analyzer.max_file_size()
        ));
    }
    let mut handle = fs_err::File::open(path).map_err(|error| error.to_string())?;
    // The file may grow while we read it; never read more than was measured. What the
    // analyzer leaves unread is never read: the file is closed.
    let mut limited = std::io::Read::take(&mut handle, file.size);
    analyzer.analyze(file, &mut limited)
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::Read;
    use std::os::unix::fs::PermissionsExt as _;

    use super::*;
    use crate::NoReporter;

    /// Wants `notes/*` always and other files if executable; records the first byte.
    struct Programs;

    impl Analyzer for Programs {
        type Output = (u8, bool);
        fn cache_version(&self) -> &'static str {
            "test"
        }
        fn wants(&self, path: &str) -> Interest {
            if path.starts_with("notes/") {
                Interest::Read
            } else {
                Interest::ReadIfExecutable
            }
        }
        fn max_file_size(&self) -> u64 {
            1 << 20
        }
        fn analyze(
            &self,
            file: &FileMeta<'_>,
            content: &mut dyn Read,
        ) -> Result<Option<(u8, bool)>, String> {
            let mut first = [0];
            content
                .read_exact(&mut first)
                .map_err(|error| error.to_string())?;
            Ok(Some((first[0], file.executable)))
        }
    }

    #[test]
    fn reads_executables_and_wanted_paths_only() {
        let root = tempfile::tempdir().unwrap();
        for (path, mode) in [
            ("bin/tool", 0o755),
            ("app/server", 0o700),
            ("data/plain", 0o644),
            ("notes/readme", 0o600),
        ] {
            let file = root.path().join(path);
            fs_err::create_dir_all(file.parent().unwrap()).unwrap();
            fs_err::write(&file, path).unwrap();
            fs_err::set_permissions(&file, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        let walked = walk(root.path(), TreeKind::Rootfs, &Programs, &NoReporter).unwrap();
        assert_eq!(
            walked.files,
            [
                ("app/server".to_owned(), (b'a', true)),
                ("bin/tool".to_owned(), (b'b', true)),
                ("notes/readme".to_owned(), (b'n', false)),
            ]
        );
        assert!(walked.warnings.is_empty());
    }
}
