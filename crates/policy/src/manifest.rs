//! Reading Kubernetes manifests: multi-document YAML or JSON files, and directories of them.
//!
//! Every command that takes manifests (`policy pss`, `policy apply`, `policy test`) reads them
//! here, so they accept the same files and report syntax errors the same way: with the file,
//! line and column.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// Largest manifest file read: Kubernetes objects are limited to 1.5 MiB by etcd, so a bundle
/// of many fits well under this, and a hostile file cannot exhaust memory.
pub const MAX_MANIFEST_BYTES: u64 = 64 * 1024 * 1024;

/// Why manifests cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file or directory cannot be read.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The file does not exist.
    #[error("{path}: no such file")]
    NotFound {
        /// The file.
        path: PathBuf,
    },
    /// The file is larger than [`MAX_MANIFEST_BYTES`].
    #[error("{path} is {size} bytes, more than the {MAX_MANIFEST_BYTES} bytes a manifest may have")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
    },
    /// The document does not have the expected shape.
    #[error("{path}: {message}")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The file is not valid YAML or JSON.
    #[error("{path}:{line}:{column}: invalid {format}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// `YAML` or `JSON`.
        format: &'static str,
        /// The 1-based line of the error (0 when the parser gives none).
        line: usize,
        /// The 1-based column of the error (0 when the parser gives none).
        column: usize,
        /// The parser's message.
        message: String,
    },
}

/// Reads a file holding one YAML or JSON document of type `T`, such as a Kyverno CLI values
/// or user info file.
///
/// # Errors
///
/// [`ManifestError`] when the file cannot be read or parsed, is empty, or is not a `T`.
pub fn read_single<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ManifestError> {
    let invalid = |message: String| ManifestError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let object = read_objects(path)?
        .into_iter()
        .next()
        .ok_or_else(|| invalid("the file holds no document".to_owned()))?;
    T::deserialize(object).map_err(|error| invalid(error.to_string()))
}

/// Adds `path` if it is a file, or the manifests under it (sorted, recursively) if it is a
/// directory. Symbolic links inside directories are not followed.
///
/// # Errors
///
/// [`ManifestError::Io`] when a file or directory cannot be read.
pub fn collect_files(path: &Path, files: &mut Vec<PathBuf>) -> Result<(), ManifestError> {
    let metadata = fs_err::metadata(path)?;
    if !metadata.is_dir() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    let mut entries = fs_err::read_dir(path)?.collect::<Result<Vec<_>, _>>()?;
    entries.sort_by_key(fs_err::DirEntry::path);
    for entry in entries {
        let file_type = entry.file_type()?;
        let child = entry.path();
        if file_type.is_dir() {
            collect_files(&child, files)?;
        } else if file_type.is_file() && is_manifest(&child) {
            files.push(child);
        }
    }
    Ok(())
}

fn is_manifest(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| matches!(extension, "yaml" | "yml" | "json"))
}

/// The objects of a file: every YAML document (or the one JSON value), with `List` objects
/// replaced by their items and empty documents dropped.
///
/// # Errors
///
/// [`ManifestError`] when the file cannot be read, is too large, or is not YAML or JSON.
pub fn read_objects(path: &Path) -> Result<Vec<Value>, ManifestError> {
    let size = match fs_err::metadata(path) {
        Ok(metadata) => metadata.len(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(ManifestError::NotFound {
                path: path.to_path_buf(),
            });
        }
        Err(error) => return Err(error.into()),
    };
    if size > MAX_MANIFEST_BYTES {
        return Err(ManifestError::TooLarge {
            path: path.to_path_buf(),
            size,
        });
    }
    let text = fs_err::read_to_string(path)?;
    let documents = parse_documents(path, &text)?;
    let mut objects = Vec::with_capacity(documents.len());
    for document in documents {
        match document {
            Value::Null => {}
            Value::Object(ref map) if map.get("kind").and_then(Value::as_str) == Some("List") => {
                let items = map
                    .get("items")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                objects.extend(items);
            }
            other => objects.push(other),
        }
    }
    Ok(objects)
}

/// Parses `text` (read from `path`) as one JSON value when the file ends in `.json`, else as
/// multi-document YAML.
///
/// # Errors
///
/// [`ManifestError::Syntax`] with the line and column of the error.
pub fn parse_documents(path: &Path, text: &str) -> Result<Vec<Value>, ManifestError> {
    if path
        .extension()
        .is_some_and(|extension| extension == "json")
    {
        return serde_json::from_str(text)
            .map(|value| vec![value])
            .map_err(|error| ManifestError::Syntax {
                path: path.to_path_buf(),
                format: "JSON",
                line: error.line(),
                column: error.column(),
                message: error.to_string(),
            });
    }
    serde_saphyr::from_multiple(text).map_err(|error| {
        let (line, column) = error
            .location()
            .map_or((0, 0), |location| (location.line(), location.column()));
        ManifestError::Syntax {
            path: path.to_path_buf(),
            format: "YAML",
            line: usize::try_from(line).unwrap_or(usize::MAX),
            column: usize::try_from(column).unwrap_or(usize::MAX),
            message: error.to_string(),
        }
    })
}
