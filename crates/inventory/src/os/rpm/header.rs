//! The rpm header blob: the tag store every rpm database keeps one of per installed package.
//!
//! All three database backends ([`super::bdb`], [`super::ndb`], [`super::sqlite`]) hand this
//! module the same byte string; only the container differs. [`Header::parse`] checks the
//! blob's framing and indexes the handful of tags custody reads; the typed accessors
//! ([`Header::string`], [`Header::strings`], [`Header::int32s`]) validate each value against
//! the data store before they touch it. [`super`] turns a [`Header`] into a
//! [`crate::PackageRecord`].
//!
//! # Layout
//!
//! As in rpm's `lib/header.c` (`hdrblobInit`, `hdrblobVerifyInfo`), with every integer
//! big-endian:
//!
//! ```text
//! il: u32   number of index entries
//! dl: u32   length of the data store
//! il × { tag: u32, type: u32, offset: u32, count: u32 }
//! dl bytes of data; each entry's value starts at `offset` inside it
//! ```
//!
//! Database blobs carry no lead or signature header and no 8-byte header magic. The first
//! entry is normally the immutable-region tag, whose value is a trailer entry; custody has no
//! use for region boundaries, so it reads every entry alike. When a tag occurs more than once
//! (a "dribble" entry added after install), the later entry wins, as in rpm's
//! `hdrblobImport`.

use std::fmt;

/// The tags custody reads, from rpm's `include/rpm/rpmtag.h`.
pub(super) mod tag {
    /// `RPMTAG_NAME`: package name.
    pub(crate) const NAME: u32 = 1000;
    /// `RPMTAG_VERSION`: upstream version.
    pub(crate) const VERSION: u32 = 1001;
    /// `RPMTAG_RELEASE`: packaging release.
    pub(crate) const RELEASE: u32 = 1002;
    /// `RPMTAG_EPOCH`: epoch, an `INT32`.
    pub(crate) const EPOCH: u32 = 1003;
    /// `RPMTAG_LICENSE`: the license expression.
    pub(crate) const LICENSE: u32 = 1014;
    /// `RPMTAG_ARCH`: CPU architecture.
    pub(crate) const ARCH: u32 = 1022;
    /// `RPMTAG_OLDFILENAMES`: absolute file paths, in headers older than rpm 4.0's
    /// compressed file names.
    pub(crate) const OLD_FILE_NAMES: u32 = 1027;
    /// `RPMTAG_SOURCERPM`: file name of the source package (`openssl-3.0.7-24.el9.src.rpm`).
    pub(crate) const SOURCE_RPM: u32 = 1044;
    /// `RPMTAG_PROVIDENAME`: capabilities the package provides.
    pub(crate) const PROVIDE_NAME: u32 = 1047;
    /// `RPMTAG_REQUIRENAME`: capabilities the package requires.
    pub(crate) const REQUIRE_NAME: u32 = 1049;
    /// `RPMTAG_DIRINDEXES`: for each base name, the index of its directory name.
    pub(crate) const DIR_INDEXES: u32 = 1116;
    /// `RPMTAG_BASENAMES`: file names without their directory.
    pub(crate) const BASE_NAMES: u32 = 1117;
    /// `RPMTAG_DIRNAMES`: directory names, each ending in `/`.
    pub(crate) const DIR_NAMES: u32 = 1118;
}

/// The tags [`Header::parse`] indexes, in the order of [`Header`]'s slots.
const WANTED: [u32; 13] = [
    tag::NAME,
    tag::VERSION,
    tag::RELEASE,
    tag::EPOCH,
    tag::LICENSE,
    tag::ARCH,
    tag::OLD_FILE_NAMES,
    tag::SOURCE_RPM,
    tag::PROVIDE_NAME,
    tag::REQUIRE_NAME,
    tag::DIR_INDEXES,
    tag::BASE_NAMES,
    tag::DIR_NAMES,
];

/// rpm's data types (`rpmTagType`), as stored in an index entry.
mod kind {
    /// `RPM_INT32_TYPE`.
    pub(super) const INT32: u32 = 4;
    /// `RPM_STRING_TYPE`: one NUL-terminated string.
    pub(super) const STRING: u32 = 6;
    /// `RPM_STRING_ARRAY_TYPE`: `count` NUL-terminated strings back to back.
    pub(super) const STRING_ARRAY: u32 = 8;
    /// `RPM_I18NSTRING_TYPE`: one string per locale, the first being the untranslated one.
    pub(super) const I18N_STRING: u32 = 9;
    /// The highest defined type.
    pub(super) const MAX: u32 = I18N_STRING;
}

/// Bytes before the index: the entry count and the data length.
const PREAMBLE_SIZE: usize = 8;
/// Bytes per index entry.
const ENTRY_SIZE: usize = 16;
/// rpm's cap on index entries (`hdrchkTags`: the top 16 bits must be clear).
const MAX_ENTRIES: u32 = 0xffff;
/// rpm's cap on the data store (`HEADER_DATA_MAX`, 256 MiB).
const MAX_DATA_LENGTH: u32 = 0x0fff_ffff;

/// A header blob that could not be read: what is wrong and where in the blob.
///
/// The database backends wrap it in a [`crate::ParseError`] that also names the record.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} (byte {offset} of the header blob)")]
pub(super) struct HeaderError {
    /// Byte offset inside the blob where the problem is.
    pub(super) offset: u64,
    /// What is wrong.
    pub(super) kind: HeaderErrorKind,
}

impl HeaderError {
    /// An error for a required tag the header lacks; it is reported at the start of the blob.
    pub(super) fn missing(tag: u32) -> Self {
        Self {
            offset: 0,
            kind: HeaderErrorKind::MissingTag { tag },
        }
    }
}

/// What is wrong with a header blob.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(super) enum HeaderErrorKind {
    /// Fewer than 8 bytes: no room for the entry count and data length.
    #[error("blob of {length} bytes has no room for the entry count and data length")]
    NoPreamble {
        /// Blob length.
        length: usize,
    },
    /// The index is empty.
    #[error("header has no index entries")]
    NoEntries,
    /// More index entries than rpm allows.
    #[error("{count} index entries exceed rpm's limit of {MAX_ENTRIES}")]
    TooManyEntries {
        /// The entry count the blob declares.
        count: u32,
    },
    /// A data store larger than rpm allows.
    #[error("data length {length} exceeds rpm's limit of {MAX_DATA_LENGTH}")]
    DataTooLong {
        /// The data length the blob declares.
        length: u32,
    },
    /// The declared index and data do not fit in the blob.
    #[error(
        "{entries} index entries and {data_length} data bytes need {needed} bytes, blob has {length}"
    )]
    Truncated {
        /// Declared entry count.
        entries: u32,
        /// Declared data length.
        data_length: u32,
        /// Bytes the declaration needs.
        needed: u64,
        /// Bytes the blob has.
        length: usize,
    },
    /// An index entry with a type rpm does not define.
    #[error("tag {tag} has unknown data type {kind}")]
    UnknownType {
        /// The entry's tag.
        tag: u32,
        /// The entry's type.
        kind: u32,
    },
    /// An index entry whose value starts outside the data store.
    #[error("tag {tag} points at offset {offset}, outside the {data_length}-byte data store")]
    OffsetOutOfRange {
        /// The entry's tag.
        tag: u32,
        /// The entry's data offset.
        offset: u32,
        /// Length of the data store.
        data_length: u32,
    },
    /// A tag read with a type it does not have.
    #[error("tag {tag} has data type {kind}, expected {expected}")]
    WrongType {
        /// The entry's tag.
        tag: u32,
        /// The entry's type.
        kind: u32,
        /// What the reader needs.
        expected: &'static str,
    },
    /// A count that is zero, or not what the type allows.
    #[error("tag {tag} has count {count}, expected {expected}")]
    BadCount {
        /// The entry's tag.
        tag: u32,
        /// The entry's count.
        count: u32,
        /// What the reader needs.
        expected: &'static str,
    },
    /// More values than the rest of the data store can hold.
    #[error("tag {tag} claims {count} values but only {available} bytes remain")]
    CountExceedsData {
        /// The entry's tag.
        tag: u32,
        /// The entry's count.
        count: u32,
        /// Bytes from the value's offset to the end of the data store.
        available: usize,
    },
    /// A string that runs off the end of the data store.
    #[error("tag {tag} has a string without a terminating NUL")]
    UnterminatedString {
        /// The entry's tag.
        tag: u32,
    },
    /// A tag every package header has.
    #[error("required tag {tag} is missing")]
    MissingTag {
        /// The missing tag.
        tag: u32,
    },
    /// `DIRINDEXES` and `BASENAMES` disagree on the number of files.
    #[error("{dir_indexes} directory indexes for {base_names} base names")]
    FileCountMismatch {
        /// Number of `DIRINDEXES` values.
        dir_indexes: usize,
        /// Number of `BASENAMES` values.
        base_names: usize,
    },
    /// A `DIRINDEXES` value past the end of `DIRNAMES`.
    #[error("directory index {index} is out of range of {dir_names} directory names")]
    DirIndexOutOfRange {
        /// The index.
        index: u32,
        /// Number of `DIRNAMES` values.
        dir_names: usize,
    },
}

/// One index entry, with its offset already checked to lie inside the data store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    /// The tag.
    tag: u32,
    /// The data type.
    kind: u32,
    /// Offset of the value inside the data store.
    offset: u32,
    /// Number of values.
    count: u32,
}

/// A parsed header blob: the data store and the index entries of the tags in [`WANTED`].
///
/// Values are read on demand and borrow from the blob.
pub(super) struct Header<'a> {
    /// The data store.
    data: &'a [u8],
    /// Where the data store starts inside the blob, for error offsets.
    data_start: usize,
    /// One slot per tag in [`WANTED`].
    entries: [Option<Entry>; WANTED.len()],
}

impl fmt::Debug for Header<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Header")
            .field("data_length", &self.data.len())
            .field(
                "entries",
                &self.entries.iter().flatten().collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<'a> Header<'a> {
    /// Checks a blob's framing and indexes the tags custody reads.
    ///
    /// Every entry's type and offset is checked, as rpm's `hdrblobVerifyInfo` does, so a
    /// blob that rpm would refuse is refused here too; value lengths are checked only for
    /// the tags that are read.
    pub(super) fn parse(blob: &'a [u8]) -> Result<Self, HeaderError> {
        let at = |offset: usize, kind| HeaderError {
            offset: offset as u64,
            kind,
        };
        let (Some(entry_count), Some(data_length)) = (be_u32(blob, 0), be_u32(blob, 4)) else {
            return Err(at(0, HeaderErrorKind::NoPreamble { length: blob.len() }));
        };
        if entry_count == 0 {
            return Err(at(0, HeaderErrorKind::NoEntries));
        }
        if entry_count > MAX_ENTRIES {
            return Err(at(
                0,
                HeaderErrorKind::TooManyEntries { count: entry_count },
            ));
        }
        if data_length > MAX_DATA_LENGTH {
            return Err(at(
                4,
                HeaderErrorKind::DataTooLong {
                    length: data_length,
                },
            ));
        }
        // Both factors are capped above, so this cannot overflow even on 32-bit targets.
        let data_start = PREAMBLE_SIZE + entry_count as usize * ENTRY_SIZE;
        let data_end = data_start + data_length as usize;
        let Some(data) = blob.get(data_start..data_end) else {
            return Err(at(
                0,
                HeaderErrorKind::Truncated {
                    entries: entry_count,
                    data_length,
                    needed: data_end as u64,
                    length: blob.len(),
                },
            ));
        };
        let mut entries = [None; WANTED.len()];
        for index in 0..entry_count as usize {
            let position = PREAMBLE_SIZE + index * ENTRY_SIZE;
            let field = |delta| be_u32(blob, position + delta).unwrap_or_default();
            let entry = Entry {
                tag: field(0),
                kind: field(4),
                offset: field(8),
                count: field(12),
            };
            if entry.kind > kind::MAX {
                return Err(at(
                    position + 4,
                    HeaderErrorKind::UnknownType {
                        tag: entry.tag,
                        kind: entry.kind,
                    },
                ));
            }
            // A region tag's offset may point just past the data it covers, so `<=` here;
            // values that are read need at least one byte and are checked again below.
            if entry.offset > data_length {
                return Err(at(
                    position + 8,
                    HeaderErrorKind::OffsetOutOfRange {
                        tag: entry.tag,
                        offset: entry.offset,
                        data_length,
                    },
                ));
            }
            if let Some(slot) = WANTED.iter().position(|wanted| *wanted == entry.tag) {
                if entry.offset == data_length {
                    return Err(at(
                        position + 8,
                        HeaderErrorKind::OffsetOutOfRange {
                            tag: entry.tag,
                            offset: entry.offset,
                            data_length,
                        },
                    ));
                }
                if let Some(stored) = entries.get_mut(slot) {
                    *stored = Some(entry);
                }
            }
        }
        Ok(Self {
            data,
            data_start,
            entries,
        })
    }

    /// The index entry for `tag`, if the header has one. `tag` must be in [`WANTED`].
    fn entry(&self, tag: u32) -> Option<Entry> {
        let slot = WANTED.iter().position(|wanted| *wanted == tag)?;
        self.entries.get(slot).copied().flatten()
    }

    /// An error at `offset` inside the data store.
    fn error(&self, offset: usize, kind: HeaderErrorKind) -> HeaderError {
        HeaderError {
            offset: (self.data_start + offset) as u64,
            kind,
        }
    }

    /// The data from `entry`'s offset to the end of the store.
    fn tail(&self, entry: Entry) -> &'a [u8] {
        // `parse` checked `offset < data.len()`; `get` keeps that from being load-bearing.
        self.data.get(entry.offset as usize..).unwrap_or_default()
    }

    /// The value of a `STRING` tag, or the untranslated value of an `I18NSTRING` tag, as raw
    /// bytes without the terminating NUL. `Ok(None)` when the header lacks the tag.
    pub(super) fn string(&self, tag: u32) -> Result<Option<&'a [u8]>, HeaderError> {
        let Some(entry) = self.entry(tag) else {
            return Ok(None);
        };
        match entry.kind {
            kind::STRING if entry.count != 1 => Err(self.error(
                entry.offset as usize,
                HeaderErrorKind::BadCount {
                    tag,
                    count: entry.count,
                    expected: "1 for a string",
                },
            )),
            kind::STRING | kind::I18N_STRING => {
                if entry.count == 0 {
                    return Err(self.error(
                        entry.offset as usize,
                        HeaderErrorKind::BadCount {
                            tag,
                            count: 0,
                            expected: "at least 1",
                        },
                    ));
                }
                let tail = self.tail(entry);
                let end = memchr::memchr(0, tail).ok_or_else(|| {
                    self.error(
                        entry.offset as usize,
                        HeaderErrorKind::UnterminatedString { tag },
                    )
                })?;
                Ok(tail.get(..end))
            }
            other => Err(self.error(
                entry.offset as usize,
                HeaderErrorKind::WrongType {
                    tag,
                    kind: other,
                    expected: "a string",
                },
            )),
        }
    }

    /// The values of a `STRING_ARRAY` tag as raw bytes without their NULs; empty when the
    /// header lacks the tag.
    ///
    /// The count is checked against the bytes left in the data store before anything is
    /// allocated, since every string takes at least its NUL.
    pub(super) fn strings(&self, tag: u32) -> Result<Vec<&'a [u8]>, HeaderError> {
        let Some(entry) = self.entry(tag) else {
            return Ok(Vec::new());
        };
        if entry.kind != kind::STRING_ARRAY {
            return Err(self.error(
                entry.offset as usize,
                HeaderErrorKind::WrongType {
                    tag,
                    kind: entry.kind,
                    expected: "a string array",
                },
            ));
        }
        let mut rest = self.tail(entry);
        if entry.count as usize > rest.len() {
            return Err(self.error(
                entry.offset as usize,
                HeaderErrorKind::CountExceedsData {
                    tag,
                    count: entry.count,
                    available: rest.len(),
                },
            ));
        }
        let mut values = Vec::with_capacity(entry.count as usize);
        for _ in 0..entry.count {
            let end = memchr::memchr(0, rest).ok_or_else(|| {
                self.error(
                    entry.offset as usize,
                    HeaderErrorKind::UnterminatedString { tag },
                )
            })?;
            let (value, after) = rest.split_at(end);
            values.push(value);
            rest = after.get(1..).unwrap_or_default();
        }
        Ok(values)
    }

    /// The values of an `INT32` tag; empty when the header lacks the tag.
    pub(super) fn int32s(&self, tag: u32) -> Result<Vec<u32>, HeaderError> {
        let Some(entry) = self.entry(tag) else {
            return Ok(Vec::new());
        };
        if entry.kind != kind::INT32 {
            return Err(self.error(
                entry.offset as usize,
                HeaderErrorKind::WrongType {
                    tag,
                    kind: entry.kind,
                    expected: "a 32-bit integer",
                },
            ));
        }
        let tail = self.tail(entry);
        let bytes = tail
            .get(..(entry.count as usize).saturating_mul(4))
            .ok_or_else(|| {
                self.error(
                    entry.offset as usize,
                    HeaderErrorKind::CountExceedsData {
                        tag,
                        count: entry.count,
                        available: tail.len(),
                    },
                )
            })?;
        Ok(bytes
            .chunks_exact(4)
            .map(|chunk| chunk.try_into().map_or(0, u32::from_be_bytes))
            .collect())
    }

    /// The first value of an `INT32` tag, if the header has one.
    pub(super) fn int32(&self, tag: u32) -> Result<Option<u32>, HeaderError> {
        if let Some(entry) = self.entry(tag)
            && entry.count == 0
        {
            return Err(self.error(
                entry.offset as usize,
                HeaderErrorKind::BadCount {
                    tag,
                    count: 0,
                    expected: "at least 1",
                },
            ));
        }
        Ok(self.int32s(tag)?.first().copied())
    }

    /// The package's files as absolute paths: `DIRNAMES[DIRINDEXES[i]] + BASENAMES[i]`, or
    /// `OLDFILENAMES` in headers from before compressed file names.
    pub(super) fn file_paths(&self) -> Result<Vec<String>, HeaderError> {
        let base_names = self.strings(tag::BASE_NAMES)?;
        if base_names.is_empty() {
            return Ok(self
                .strings(tag::OLD_FILE_NAMES)?
                .into_iter()
                .map(|path| String::from_utf8_lossy(path).into_owned())
                .collect());
        }
        let dir_names = self.strings(tag::DIR_NAMES)?;
        let dir_indexes = self.int32s(tag::DIR_INDEXES)?;
        if dir_indexes.len() != base_names.len() {
            let offset = self.entry(tag::DIR_INDEXES).map_or(0, |entry| entry.offset);
            return Err(self.error(
                offset as usize,
                HeaderErrorKind::FileCountMismatch {
                    dir_indexes: dir_indexes.len(),
                    base_names: base_names.len(),
                },
            ));
        }
        let mut paths = Vec::with_capacity(base_names.len());
        for (base_name, index) in base_names.into_iter().zip(dir_indexes) {
            let Some(dir_name) = dir_names.get(index as usize) else {
                let offset = self.entry(tag::DIR_INDEXES).map_or(0, |entry| entry.offset);
                return Err(self.error(
                    offset as usize,
                    HeaderErrorKind::DirIndexOutOfRange {
                        index,
                        dir_names: dir_names.len(),
                    },
                ));
            };
            let mut path = String::with_capacity(dir_name.len() + base_name.len());
            path.push_str(&String::from_utf8_lossy(dir_name));
            path.push_str(&String::from_utf8_lossy(base_name));
            paths.push(path);
        }
        Ok(paths)
    }
}

/// The big-endian `u32` at `offset`, if the slice is long enough.
fn be_u32(bytes: &[u8], offset: usize) -> Option<u32> {
    let end = offset.checked_add(4)?;
    bytes
        .get(offset..end)?
        .try_into()
        .ok()
        .map(u32::from_be_bytes)
}

#[cfg(test)]
pub(super) mod tests {
    //! Hand-built header blobs, well-formed and hostile, and the test blob builder the other
    //! backends' tests share.

    use super::*;

    /// A value to put in a test header.
    #[derive(Debug, Clone)]
    pub(crate) enum Value {
        /// A `STRING`.
        String(&'static str),
        /// A `STRING_ARRAY`.
        Strings(Vec<&'static str>),
        /// An `INT32` array.
        Int32(Vec<u32>),
    }

    /// Builds a header blob from `(tag, value)` pairs, laid out the way rpm writes them:
    /// 4-byte alignment for integers, an index entry per tag in order.
    pub(crate) fn build(tags: &[(u32, Value)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, value) in tags {
            let (kind, count) = match value {
                Value::String(_) => (kind::STRING, 1),
                Value::Strings(values) => (kind::STRING_ARRAY, values.len()),
                Value::Int32(values) => {
                    while data.len() % 4 != 0 {
                        data.push(0);
                    }
                    (kind::INT32, values.len())
                }
            };
            let count = u32::try_from(count).expect("test headers are small");
            let offset = u32::try_from(data.len()).expect("test headers are small");
            match value {
                Value::String(text) => {
                    data.extend_from_slice(text.as_bytes());
                    data.push(0);
                }
                Value::Strings(values) => {
                    for text in values {
                        data.extend_from_slice(text.as_bytes());
                        data.push(0);
                    }
                }
                Value::Int32(values) => {
                    for number in values {
                        data.extend_from_slice(&number.to_be_bytes());
                    }
                }
            }
            for field in [*tag, kind, offset, count] {
                index.extend_from_slice(&field.to_be_bytes());
            }
        }
        let mut blob = Vec::new();
        let entries = u32::try_from(tags.len()).expect("test headers are small");
        let data_length = u32::try_from(data.len()).expect("test headers are small");
        blob.extend_from_slice(&entries.to_be_bytes());
        blob.extend_from_slice(&data_length.to_be_bytes());
        blob.extend_from_slice(&index);
        blob.extend_from_slice(&data);
        blob
    }

    /// A typical package header: name, version, release, arch, files and dependencies.
    pub(crate) fn sample() -> Vec<u8> {
        build(&[
            (tag::NAME, Value::String("curl")),
            (tag::VERSION, Value::String("7.76.0")),
            (tag::RELEASE, Value::String("6.cm2")),
            (tag::ARCH, Value::String("x86_64")),
            (tag::LICENSE, Value::String("MIT")),
            (tag::SOURCE_RPM, Value::String("curl-7.76.0-6.cm2.src.rpm")),
            (
                tag::BASE_NAMES,
                Value::Strings(vec!["curl", "curl-config", "COPYING"]),
            ),
            (tag::DIR_INDEXES, Value::Int32(vec![0, 0, 1])),
            (
                tag::DIR_NAMES,
                Value::Strings(vec!["/usr/bin/", "/usr/share/licenses/curl/"]),
            ),
            (
                tag::REQUIRE_NAME,
                Value::Strings(vec!["/bin/sh", "rpmlib(FileDigests)", "libssh2", "/bin/sh"]),
            ),
            (
                tag::PROVIDE_NAME,
                Value::Strings(vec!["curl", "curl(x86-64)"]),
            ),
        ])
    }

    /// Overwrites the big-endian `u32` at `offset`.
    fn put_u32(blob: &mut [u8], offset: usize, value: u32) {
        blob[offset..offset + 4].copy_from_slice(&value.to_be_bytes());
    }

    /// The byte offset of index entry `index`'s field `field` (0 tag, 1 type, 2 offset,
    /// 3 count).
    fn entry_field(index: usize, field: usize) -> usize {
        PREAMBLE_SIZE + index * ENTRY_SIZE + field * 4
    }

    fn kind_of(blob: &[u8]) -> HeaderErrorKind {
        Header::parse(blob).expect_err("blob is malformed").kind
    }

    #[test]
    fn reads_strings_integers_and_file_paths() {
        let blob = sample();
        let header = Header::parse(&blob).unwrap();
        assert_eq!(header.string(tag::NAME).unwrap(), Some(&b"curl"[..]));
        assert_eq!(header.string(tag::RELEASE).unwrap(), Some(&b"6.cm2"[..]));
        // Absent tags read as nothing rather than as errors.
        assert_eq!(header.string(tag::EPOCH).unwrap(), None);
        assert_eq!(
            header.strings(tag::OLD_FILE_NAMES).unwrap(),
            Vec::<&[u8]>::new()
        );
        assert_eq!(
            header.strings(tag::PROVIDE_NAME).unwrap(),
            [&b"curl"[..], &b"curl(x86-64)"[..]]
        );
    }

    #[test]
    fn builds_file_paths_from_directory_indexes() {
        let blob = sample();
        let header = Header::parse(&blob).unwrap();
        assert_eq!(
            header.file_paths().unwrap(),
            [
                "/usr/bin/curl",
                "/usr/bin/curl-config",
                "/usr/share/licenses/curl/COPYING"
            ]
        );
        assert_eq!(header.int32(tag::EPOCH).unwrap(), None);
        assert_eq!(header.int32s(tag::DIR_INDEXES).unwrap(), [0, 0, 1]);
    }

    #[test]
    fn reads_old_file_names_when_base_names_are_absent() {
        let blob = build(&[
            (tag::NAME, Value::String("bash")),
            (
                tag::OLD_FILE_NAMES,
                Value::Strings(vec!["/bin/bash", "/etc/skel/.bashrc"]),
            ),
        ]);
        let header = Header::parse(&blob).unwrap();
        assert_eq!(
            header.file_paths().unwrap(),
            ["/bin/bash", "/etc/skel/.bashrc"]
        );
    }

    #[test]
    fn later_duplicate_tag_wins() {
        let blob = build(&[
            (tag::NAME, Value::String("old")),
            (tag::NAME, Value::String("new")),
        ]);
        let header = Header::parse(&blob).unwrap();
        assert_eq!(header.string(tag::NAME).unwrap(), Some(&b"new"[..]));
    }

    #[test]
    fn rejects_blobs_too_short_for_the_preamble() {
        for length in 0..8 {
            assert_eq!(
                kind_of(&vec![0; length]),
                HeaderErrorKind::NoPreamble { length }
            );
        }
    }

    #[test]
    fn rejects_an_empty_index() {
        assert_eq!(kind_of(&[0; 8]), HeaderErrorKind::NoEntries);
    }

    #[test]
    fn rejects_counts_larger_than_the_blob() {
        let mut blob = sample();
        put_u32(&mut blob, 0, 1_000);
        assert!(matches!(
            kind_of(&blob),
            HeaderErrorKind::Truncated { entries: 1_000, .. }
        ));
        put_u32(&mut blob, 0, u32::MAX);
        assert_eq!(
            kind_of(&blob),
            HeaderErrorKind::TooManyEntries { count: u32::MAX }
        );
    }

    #[test]
    fn rejects_data_length_past_the_end() {
        let mut blob = sample();
        let declared = u32::from_be_bytes(blob[4..8].try_into().unwrap());
        put_u32(&mut blob, 4, declared + 1);
        assert!(matches!(
            kind_of(&blob),
            HeaderErrorKind::Truncated { needed, length, .. } if needed == length as u64 + 1
        ));
        put_u32(&mut blob, 4, u32::MAX);
        assert_eq!(
            kind_of(&blob),
            HeaderErrorKind::DataTooLong { length: u32::MAX }
        );
    }

    #[test]
    fn rejects_truncated_data() {
        let blob = sample();
        for cut in [blob.len() - 1, blob.len() / 2, 9, 8 + ENTRY_SIZE] {
            assert!(
                matches!(kind_of(&blob[..cut]), HeaderErrorKind::Truncated { .. }),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn rejects_offsets_past_the_end() {
        let mut blob = sample();
        put_u32(&mut blob, entry_field(0, 2), 0x7fff_ffff);
        let error = Header::parse(&blob).unwrap_err();
        assert!(matches!(
            error.kind,
            HeaderErrorKind::OffsetOutOfRange {
                tag: tag::NAME,
                offset: 0x7fff_ffff,
                ..
            }
        ));
        assert_eq!(error.offset, entry_field(0, 2) as u64);
    }

    #[test]
    fn rejects_unknown_types() {
        let mut blob = sample();
        put_u32(&mut blob, entry_field(1, 1), 42);
        assert_eq!(
            kind_of(&blob),
            HeaderErrorKind::UnknownType {
                tag: tag::VERSION,
                kind: 42
            }
        );
    }

    #[test]
    fn rejects_string_array_counts_larger_than_the_data() {
        // BASENAMES is entry 6; claim four billion names.
        let mut blob = sample();
        put_u32(&mut blob, entry_field(6, 3), u32::MAX);
        let header = Header::parse(&blob).unwrap();
        assert!(matches!(
            header.strings(tag::BASE_NAMES).unwrap_err().kind,
            HeaderErrorKind::CountExceedsData {
                tag: tag::BASE_NAMES,
                count: u32::MAX,
                ..
            }
        ));
        // A count that fits the byte budget but runs out of NULs.
        let mut blob = sample();
        let data_length = u32::from_be_bytes(blob[4..8].try_into().unwrap());
        let offset = u32::from_be_bytes(blob[entry_field(6, 2)..][..4].try_into().unwrap());
        put_u32(&mut blob, entry_field(6, 3), data_length - offset);
        let header = Header::parse(&blob).unwrap();
        assert!(matches!(
            header.strings(tag::BASE_NAMES).unwrap_err().kind,
            HeaderErrorKind::UnterminatedString { .. }
        ));
    }

    #[test]
    fn rejects_integer_counts_larger_than_the_data() {
        // DIRINDEXES is entry 7.
        let mut blob = sample();
        put_u32(&mut blob, entry_field(7, 3), 0x4000_0000);
        let header = Header::parse(&blob).unwrap();
        assert!(matches!(
            header.int32s(tag::DIR_INDEXES).unwrap_err().kind,
            HeaderErrorKind::CountExceedsData {
                count: 0x4000_0000,
                ..
            }
        ));
    }

    #[test]
    fn rejects_unterminated_strings() {
        let mut blob = build(&[(tag::NAME, Value::String("curl"))]);
        let last = blob.len() - 1;
        blob[last] = b'x';
        let header = Header::parse(&blob).unwrap();
        assert_eq!(
            header.string(tag::NAME).unwrap_err().kind,
            HeaderErrorKind::UnterminatedString { tag: tag::NAME }
        );
    }

    #[test]
    fn rejects_wrong_types_and_counts() {
        let blob = build(&[
            (tag::NAME, Value::Int32(vec![7])),
            (tag::EPOCH, Value::String("1")),
        ]);
        let header = Header::parse(&blob).unwrap();
        assert!(matches!(
            header.string(tag::NAME).unwrap_err().kind,
            HeaderErrorKind::WrongType {
                tag: tag::NAME,
                kind: kind::INT32,
                ..
            }
        ));
        assert!(matches!(
            header.int32(tag::EPOCH).unwrap_err().kind,
            HeaderErrorKind::WrongType {
                tag: tag::EPOCH,
                ..
            }
        ));
        let mut blob = build(&[(tag::NAME, Value::String("curl"))]);
        put_u32(&mut blob, entry_field(0, 3), 2);
        let header = Header::parse(&blob).unwrap();
        assert!(matches!(
            header.string(tag::NAME).unwrap_err().kind,
            HeaderErrorKind::BadCount { count: 2, .. }
        ));
    }

    #[test]
    fn rejects_mismatched_and_out_of_range_directory_indexes() {
        let blob = build(&[
            (tag::BASE_NAMES, Value::Strings(vec!["a", "b"])),
            (tag::DIR_INDEXES, Value::Int32(vec![0])),
            (tag::DIR_NAMES, Value::Strings(vec!["/"])),
        ]);
        let header = Header::parse(&blob).unwrap();
        assert_eq!(
            header.file_paths().unwrap_err().kind,
            HeaderErrorKind::FileCountMismatch {
                dir_indexes: 1,
                base_names: 2
            }
        );
        let blob = build(&[
            (tag::BASE_NAMES, Value::Strings(vec!["a"])),
            (tag::DIR_INDEXES, Value::Int32(vec![5])),
            (tag::DIR_NAMES, Value::Strings(vec!["/"])),
        ]);
        let header = Header::parse(&blob).unwrap();
        assert_eq!(
            header.file_paths().unwrap_err().kind,
            HeaderErrorKind::DirIndexOutOfRange {
                index: 5,
                dir_names: 1
            }
        );
    }

    #[test]
    fn survives_every_truncation_and_byte_flip() {
        // No input may panic: cut the sample at every length and flip every byte.
        let blob = sample();
        let read_all = |bytes: &[u8]| {
            if let Ok(header) = Header::parse(bytes) {
                for tag in WANTED {
                    let _ = header.string(tag);
                    let _ = header.strings(tag);
                    let _ = header.int32s(tag);
                }
                let _ = header.file_paths();
            }
        };
        for cut in 0..blob.len() {
            read_all(&blob[..cut]);
        }
        for position in 0..blob.len() {
            for value in [0x00, 0x7f, 0x80, 0xff] {
                let mut mutated = blob.clone();
                mutated[position] = value;
                read_all(&mutated);
            }
        }
    }
}
