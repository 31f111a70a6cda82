//! Random access into an uncompressed tar file: one pass records where each member's data
//! starts, then members are read by seeking, so image archives are never extracted.

use std::collections::HashMap;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use crate::{Error, path};

/// Symbolic links followed inside an archive before giving up (docker save links duplicate
/// layers to their first copy; a longer chain is hostile).
const MAX_LINK_HOPS: usize = 8;

/// Where each member of a tar file is.
pub(crate) struct TarIndex {
    file: PathBuf,
    members: HashMap<String, Member>,
}

enum Member {
    Data { offset: u64, size: u64 },
    Link(String),
}

impl TarIndex {
    /// Indexes the members of the tar file at `file`.
    pub(crate) fn open(file: &Path) -> Result<Self, Error> {
        let reader = BufReader::new(fs_err::File::open(file)?);
        let mut archive = tar::Archive::new(reader);
        let mut members = HashMap::new();
        let malformed = |reason: String| Error::MalformedImage {
            location: file.display().to_string(),
            reason,
        };
        let entries = archive
            .entries()
            .map_err(|error| malformed(format!("not a tar archive: {error}")))?;
        for entry in entries {
            let entry =
                entry.map_err(|error| malformed(format!("corrupt tar archive: {error}")))?;
            let Some(name) = path::normalize(&String::from_utf8_lossy(&entry.path_bytes())) else {
                continue;
            };
            let member = match entry.header().entry_type() {
                tar::EntryType::Regular | tar::EntryType::Continuous => Member::Data {
                    offset: entry.raw_file_position(),
                    size: entry.size(),
                },
                tar::EntryType::Symlink | tar::EntryType::Link => {
                    let Some(target) = entry.link_name_bytes() else {
                        continue;
                    };
                    let target = String::from_utf8_lossy(&target).into_owned();
                    let resolved = if entry.header().entry_type() == tar::EntryType::Link
                        || target.starts_with('/')
                    {
                        path::normalize(&target)
                    } else {
                        let parent = name.rsplit_once('/').map_or("", |(parent, _)| parent);
                        path::normalize(&format!("{parent}/{target}"))
                    };
                    match resolved {
                        Some(target) => Member::Link(target),
                        None => continue,
                    }
                }
                _ => continue,
            };
            members.insert(name, member);
        }
        Ok(Self {
            file: file.to_owned(),
            members,
        })
    }

    /// Whether the archive has a member at `name`.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.members.contains_key(name)
    }

    /// Opens member `name` (following links inside the archive) and returns its size.
    pub(crate) fn open_member(&self, name: &str) -> Result<(u64, impl Read + Send + use<>), Error> {
        let mut current = name;
        for _ in 0..=MAX_LINK_HOPS {
            match self.members.get(current) {
                Some(Member::Data { offset, size }) => {
                    let mut file = fs_err::File::open(&self.file)?;
                    file.seek(SeekFrom::Start(*offset))?;
                    return Ok((*size, BufReader::new(file).take(*size)));
                }
                Some(Member::Link(target)) => current = target,
                None => break,
            }
        }
        Err(Error::MalformedImage {
            location: format!("{}!{name}", self.file.display()),
            reason: "member not found in the archive".into(),
        })
    }
}

/// Whether the tar file at `path` holds an OCI layout rather than a `docker save` archive.
pub(crate) fn is_oci_archive(path: &Path) -> Result<bool, Error> {
    let index = TarIndex::open(path)?;
    Ok(index.contains("oci-layout") && !index.contains("manifest.json"))
}
