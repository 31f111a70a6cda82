//! Reading commits with the real `git` program: `rev-list` for which commits, one
//! `cat-file --batch` process for their raw objects (one process for all commits rather than
//! `git cat-file commit SHA` per commit: a thousand commits would be a thousand processes).
//!
//! git runs with `--no-replace-objects`, so `refs/replace` cannot substitute what is verified,
//! and with `--end-of-options` before the user's range, so a range is never read as an option.

use std::io::{BufRead, BufReader, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::error::GitError;

/// The largest commit object read; real commits are a few kilobytes, and a hostile repository
/// must not make us allocate without bound.
const MAX_COMMIT_BYTES: usize = 16 << 20;

/// A repository and the git program that reads it.
#[derive(Debug, Clone)]
pub(crate) struct Repository {
    path: PathBuf,
    program: PathBuf,
}

impl Repository {
    pub(crate) fn new(path: &Path, program: &Path) -> Self {
        Self {
            path: path.to_owned(),
            program: program.to_owned(),
        }
    }

    fn command(&self) -> Command {
        let mut command = Command::new(&self.program);
        command
            .arg("--no-replace-objects")
            .arg("-C")
            .arg(&self.path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    fn spawn_error(&self, source: std::io::Error) -> GitError {
        GitError::GitMissing {
            program: self.program.clone(),
            repository: self.path.clone(),
            source,
        }
    }

    /// The commits of `range` (`A..B`, or any one revision; `HEAD` when `None`), newest first,
    /// at most `max_count`.
    pub(crate) fn rev_list(
        &self,
        range: Option<&str>,
        max_count: usize,
    ) -> Result<Vec<String>, GitError> {
        let range = range.unwrap_or("HEAD");
        let max = format!("--max-count={max_count}");
        let output = self
            .command()
            .args(["rev-list", &max, "--end-of-options", range])
            .output()
            .map_err(|source| self.spawn_error(source))?;
        if !output.status.success() {
            return Err(GitError::GitFailed {
                repository: self.path.clone(),
                command: format!("rev-list {max} {range}"),
                stderr: String::from_utf8_lossy(&output.stderr).trim().to_owned(),
            });
        }
        let stdout = String::from_utf8(output.stdout)
            .map_err(|_| self.unexpected("rev-list", "not UTF-8"))?;
        Ok(stdout.lines().map(str::to_owned).collect())
    }

    fn unexpected(&self, command: &'static str, detail: impl Into<String>) -> GitError {
        GitError::UnexpectedOutput {
            repository: self.path.clone(),
            command,
            detail: detail.into(),
        }
    }

    /// Calls `visit` with the raw object of each of `ids` (which must be commits), in order,
    /// one object in memory at a time.
    pub(crate) fn read_commits(
        &self,
        ids: &[String],
        visit: impl FnMut(&str, &[u8]),
    ) -> Result<(), GitError> {
        const COMMAND: &str = "cat-file --batch";
        let pipe = |source| GitError::Pipe {
            repository: self.path.clone(),
            command: COMMAND,
            source,
        };
        let mut child = self
            .command()
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .spawn()
            .map_err(|source| self.spawn_error(source))?;
        let mut stdin = child.stdin.take().expect("stdin was configured as a pipe");
        let mut request = String::with_capacity(ids.len() * 65);
        for id in ids {
            request.push_str(id);
            request.push('\n');
        }
        // Written from a thread: git answers while it reads, and a full stdout pipe would
        // otherwise block both sides.
        let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
        let stdout = child
            .stdout
            .take()
            .expect("stdout was configured as a pipe");
        let read = self.read_batch(BufReader::new(stdout), ids, visit);
        if read.is_err() {
            // Nobody reads git's output any more: stop it so the writing thread ends too.
            let _ = child.kill();
        }
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the writing thread panicked")));
        let mut stderr = String::new();
        if let Some(mut pipe) = child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        let status = child.wait().map_err(pipe)?;
        read?;
        written.map_err(pipe)?;
        if !status.success() {
            return Err(GitError::GitFailed {
                repository: self.path.clone(),
                command: COMMAND.to_owned(),
                stderr: stderr.trim().to_owned(),
            });
        }
        Ok(())
    }

    /// Reads `ids.len()` answers of `git cat-file --batch` from `reader`, which is dropped
    /// (closing the pipe) on return.
    fn read_batch(
        &self,
        mut reader: impl BufRead,
        ids: &[String],
        mut visit: impl FnMut(&str, &[u8]),
    ) -> Result<(), GitError> {
        const COMMAND: &str = "cat-file --batch";
        let mut object = Vec::new();
        for id in ids {
            let mut header = String::new();
            reader
                .read_line(&mut header)
                .map_err(|source| GitError::Pipe {
                    repository: self.path.clone(),
                    command: COMMAND,
                    source,
                })?;
            let mut fields = header.split_whitespace();
            let (Some(name), Some(kind), Some(size)) =
                (fields.next(), fields.next(), fields.next())
            else {
                return Err(self.unexpected(COMMAND, format!("{id}: {}", header.trim())));
            };
            if name != id || kind != "commit" {
                return Err(self.unexpected(
                    COMMAND,
                    format!("asked for commit {id}, got {}", header.trim()),
                ));
            }
            let size = size
                .parse::<usize>()
                .ok()
                .filter(|&size| size <= MAX_COMMIT_BYTES)
                .ok_or_else(|| {
                    self.unexpected(COMMAND, format!("{id}: size {size} is not a commit's"))
                })?;
            // The object and the newline after it.
            object.clear();
            object.resize(size + 1, 0);
            reader
                .read_exact(&mut object)
                .map_err(|source| GitError::Pipe {
                    repository: self.path.clone(),
                    command: COMMAND,
                    source,
                })?;
            if object.pop() != Some(b'\n') {
                return Err(self.unexpected(COMMAND, format!("{id}: no newline after the object")));
            }
            visit(id, &object);
        }
        Ok(())
    }
}
