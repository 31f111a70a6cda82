//! The files an installed distribution owns: a wheel's `*.dist-info/RECORD` (the packaging
//! specification "Recording installed projects") and setuptools'
//! `*.egg-info/installed-files.txt`.
//!
//! Each is a second file next to the distribution's metadata, so the cataloger reads it on its
//! own (as a `Fragment::OwnedFiles` keyed by [`distribution_directory`]) and the resolver joins
//! it to the record whose metadata sits in the same directory.
//!
//! `RECORD` is CSV (`path,hash,size`) with paths relative to the directory *holding* the
//! `.dist-info` (site-packages), or absolute; `installed-files.txt` has one path per line,
//! relative to the `.egg-info` directory itself. Both become absolute paths inside the target,
//! with `.` and `..` resolved lexically (`../../../bin/flask` from
//! `usr/lib/python3/site-packages` is `/usr/bin/flask`). A path that climbs above the root
//! cannot name a file of the target and is dropped, as are empty lines. Neither file can be
//! malformed beyond that: a line is a path, decoded lossily when not UTF-8.

/// A file listing an installed distribution's files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileList {
    /// A wheel's `*.dist-info/RECORD`.
    Record,
    /// setuptools' `*.egg-info/installed-files.txt`.
    InstalledFiles,
}

impl FileList {
    /// What `directory/name` is, if it lists a distribution's files.
    pub(crate) fn route(directory: &str, name: &str) -> Option<Self> {
        match name {
            "RECORD" if directory.ends_with(".dist-info") => Some(Self::Record),
            "installed-files.txt" if directory.ends_with(".egg-info") => Some(Self::InstalledFiles),
            _ => None,
        }
    }
}

/// The key joining a distribution's metadata and file list: the absolute path of the
/// `.dist-info` or `.egg-info` directory holding the file at `path` (relative, `/`-separated).
/// `None` for files outside such a directory (lockfiles, distutils' `.egg-info` file).
///
/// The key starts with `/`, so it never equals a dpkg package name, which shares the
/// `OwnedFiles` namespace.
pub(crate) fn distribution_directory(path: &str) -> Option<String> {
    let (directory, _) = path.rsplit_once('/')?;
    (directory.ends_with(".dist-info") || directory.ends_with(".egg-info"))
        .then(|| format!("/{}", directory.trim_start_matches('/')))
}

/// The directory installed distributions sit in (`site-packages`, a `pip --target` directory)
/// for a metadata file at `path`: `…/site-packages/x.dist-info/METADATA`,
/// `…/x.egg-info/PKG-INFO` or distutils' `…/x.egg-info` file. `None` for other files.
pub(crate) fn site_directory(path: &str) -> Option<&str> {
    let (directory, name) = path.rsplit_once('/').unwrap_or(("", path));
    if name.ends_with(".egg-info") {
        return Some(directory);
    }
    if directory.ends_with(".dist-info") || directory.ends_with(".egg-info") {
        return Some(directory.rsplit_once('/').map_or("", |(site, _)| site));
    }
    None
}

/// Reads a routed file list at `path` into absolute paths.
pub(crate) fn parse_file_list(list: FileList, path: &str, content: &[u8]) -> Vec<String> {
    let metadata_directory = path.rsplit_once('/').map_or("", |(directory, _)| directory);
    let base = match list {
        FileList::Record => metadata_directory
            .rsplit_once('/')
            .map_or("", |(site_packages, _)| site_packages),
        FileList::InstalledFiles => metadata_directory,
    };
    content
        .split(|&byte| byte == b'\n')
        .filter_map(|line| {
            let line = String::from_utf8_lossy(line);
            let entry = match list {
                FileList::Record => first_csv_field(line.trim_end_matches('\r')),
                FileList::InstalledFiles => line.trim().to_owned(),
            };
            (!entry.is_empty())
                .then(|| absolute(base, &entry))
                .flatten()
        })
        .collect()
}

/// The first field of a CSV line: up to the first comma, or a double-quoted field with `""`
/// escapes (what Python's `csv` writer produces for paths containing commas or quotes).
fn first_csv_field(line: &str) -> String {
    let Some(quoted) = line.strip_prefix('"') else {
        return line.split(',').next().unwrap_or_default().to_owned();
    };
    let mut field = String::new();
    let mut characters = quoted.chars().peekable();
    while let Some(character) = characters.next() {
        if character == '"' {
            if characters.peek() == Some(&'"') {
                characters.next();
            } else {
                break;
            }
        }
        field.push(character);
    }
    field
}

/// `entry` (absolute, or relative to `base`) as an absolute path with `.` and `..` resolved;
/// `None` if it climbs above the root.
fn absolute(base: &str, entry: &str) -> Option<String> {
    let joined = if entry.starts_with('/') {
        entry.to_owned()
    } else {
        format!("{base}/{entry}")
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in joined.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_only_file_lists_inside_distribution_directories() {
        assert_eq!(
            FileList::route("app/py/Flask-0.12.2.dist-info", "RECORD"),
            Some(FileList::Record)
        );
        assert_eq!(
            FileList::route("site-packages/foo-1.0.egg-info", "installed-files.txt"),
            Some(FileList::InstalledFiles)
        );
        assert_eq!(FileList::route("site-packages/foo", "RECORD"), None);
        assert_eq!(
            FileList::route("foo-1.0.dist-info", "installed-files.txt"),
            None
        );
        assert_eq!(FileList::route("foo-1.0.egg-info", "RECORD"), None);
    }

    #[test]
    fn keys_metadata_and_file_lists_by_their_directory() {
        let key = distribution_directory("app/py/requests-2.19.1.dist-info/METADATA");
        assert_eq!(key.as_deref(), Some("/app/py/requests-2.19.1.dist-info"));
        assert_eq!(
            distribution_directory("app/py/requests-2.19.1.dist-info/RECORD"),
            key
        );
        assert_eq!(distribution_directory("srv/poetry.lock"), None);
        assert_eq!(distribution_directory("lib/foo-1.0.egg-info"), None);
    }

    #[test]
    fn resolves_record_paths_against_site_packages() {
        let record = b"flask/__init__.py,sha256=abc,1234\n\
            Flask-0.12.2.dist-info/RECORD,,\n\
            ../../bin/flask,sha256=def,200\r\n\
            \"odd,name.py\",sha256=x,1\n\
            \"with \"\"quotes\"\".py\",,\n\
            /etc/absolute.conf,,\n\
            ../../../../../escape,,\n\n";
        assert_eq!(
            parse_file_list(
                FileList::Record,
                "app/py/Flask-0.12.2.dist-info/RECORD",
                record
            ),
            [
                "/app/py/flask/__init__.py",
                "/app/py/Flask-0.12.2.dist-info/RECORD",
                "/bin/flask",
                "/app/py/odd,name.py",
                "/app/py/with \"quotes\".py",
                "/etc/absolute.conf",
            ]
        );
    }

    #[test]
    fn resolves_installed_files_against_the_egg_info_directory() {
        let list = b"../six.py\n./PKG-INFO\n../../../../bin/tool\n";
        assert_eq!(
            parse_file_list(
                FileList::InstalledFiles,
                "usr/lib/python3/dist-packages/six-1.16.0.egg-info/installed-files.txt",
                list
            ),
            [
                "/usr/lib/python3/dist-packages/six.py",
                "/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO",
                "/usr/bin/tool",
            ]
        );
    }
}
