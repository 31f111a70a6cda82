//! Go build information ([`Ecosystem::Golang`]): the toolchain version, the main module and
//! every module linked into a Go program, as `go version -m` prints them.
//!
//! Since Go 1.13 the linker writes a 32-byte header starting `\xff Go buildinf:` at a
//! 16-byte-aligned offset near the start of the writable data (the `.go.buildinfo` section in
//! ELF, `__go_buildinfo` in Mach-O, the start of `.data` in PE, and the first writable segment
//! when section headers are stripped). Byte 14 is the pointer size, byte 15 holds flags: bit 1
//! set (Go 1.18 and later) means the version and module-info strings follow the header, each
//! prefixed by its unsigned-varint length; otherwise (Go 1.13 to 1.17) the header holds two
//! pointers, in the byte order bit 0 names, to Go string headers (data pointer, length)
//! elsewhere in the program's memory. The module-info text is framed by 16-byte sentinels and
//! holds tab-separated `path`, `mod`, `dep`, `=>` (replacement of the line before) and
//! `build` (`key=value`, the value Go-quoted when it holds spaces or quotes) lines. This
//! follows Go's `debug/buildinfo` and `runtime/debug.ParseBuildInfo`.
//!
//! # What is reported
//!
//! - **The toolchain as `stdlib`**, at the semantic version Go's vulnerability database uses
//!   (`go1.21rc2` → `1.21.0-rc.2`), as osv-scanner and Syft do, so standard-library advisories
//!   match; development toolchains (`devel go1.23-…`) have no such version and are skipped.
//! - **Every `dep`**, at its replacement when it has one (`=>`), because the replacement is
//!   what was compiled in. A replacement by a local directory (`=> ../fork`) names no module
//!   and no version: the dependency keeps its module path with the version `(devel)`, the
//!   marker Go itself gives code built from a local directory.
//! - **The main module.** Programs built inside a module checkout record `(devel)`; like
//!   Syft, custody then takes a semantic version the build stamped with `-ldflags "-X
//!   ….version=v1.2.3"`, else a pseudo-version from the VCS stamp (`vcs.revision`,
//!   `vcs.time`: `v0.0.0-20240102150405-0123456789ab`), else keeps `(devel)`. Programs built
//!   outside modules (GOPATH mode, as Debian builds them: `/usr/bin/skopeo`) record only
//!   their package path, which is reported at `(devel)` as Syft does.
//!
//! The main module depends on every other record (as Trivy draws it): the build information
//! lists what was linked, not who required it.

use custody_model::Ecosystem;
use object::{Object, ObjectSection, ObjectSegment, SegmentFlags};

use super::dependency_key;
use crate::{PackageRecord, ParseError, Position};

/// The name parse errors give the format.
const FORMAT: &str = "Go build info";

/// What starts the build-information header.
const MAGIC: &[u8] = b"\xff Go buildinf:";

/// The header's size and alignment.
const HEADER_LENGTH: usize = 32;
const HEADER_ALIGNMENT: usize = 16;

/// How far into the writable data the header is looked for when no section names it, as
/// Go's `debug/buildinfo` does.
const SEARCH_LENGTH: usize = 64 << 10;

/// The longest version or module-info string read. Programs with a thousand dependencies
/// record about 100 KiB.
const MAX_STRING_LENGTH: u64 = 4 << 20;

/// Flags in header byte 15.
const FLAG_BIG_ENDIAN: u8 = 1;
const FLAG_INLINE_STRINGS: u8 = 2;

/// The length of each sentinel framing the module-info text (`cmd/go/internal/modload`'s
/// `infoStart` and `infoEnd`).
const SENTINEL_LENGTH: usize = 16;

/// The version Go records for a module built from a local directory.
const DEVEL: &str = "(devel)";

/// The packages compiled into `program`, empty when it is not a Go program.
pub(crate) fn records(program: &object::File<'_>) -> Result<Vec<PackageRecord>, ParseError> {
    let Some(header) = find_header(program) else {
        return Ok(Vec::new());
    };
    let (version, module_info) = read_strings(program, &header)?;
    let info = BuildInfo::parse(module_info).map_err(|reason| header.error(reason))?;
    Ok(info.records(version))
}

/// Where the header was found: the data from the header to the end of its section or
/// segment, and the header's file offset, for errors.
struct Header<'data> {
    data: &'data [u8],
    offset: u64,
}

impl Header<'_> {
    fn error(&self, reason: impl Into<String>) -> ParseError {
        ParseError::new(FORMAT, Position::Offset(self.offset), reason)
    }
}

/// Finds the header in the section named for it, else in the first writable data segment.
fn find_header<'data>(program: &object::File<'data>) -> Option<Header<'data>> {
    let named = [".go.buildinfo", "__go_buildinfo"]
        .into_iter()
        .filter_map(|name| program.section_by_name(name))
        .find_map(|section| Some((section.data().ok()?, section.file_range()?.0)));
    let (data, offset) = named.or_else(|| {
        program
            .segments()
            .filter(|segment| is_writable_data(segment.address(), segment.flags()))
            .find_map(|segment| {
                let data = segment.data().ok()?;
                (!data.is_empty()).then(|| (data, segment.file_range().0))
            })
    })?;
    let window = data.get(..SEARCH_LENGTH.min(data.len()))?;
    let start = memchr::memmem::find_iter(window, MAGIC).find(|&position| {
        position % HEADER_ALIGNMENT == 0 && data.len().saturating_sub(position) >= HEADER_LENGTH
    })?;
    Some(Header {
        data: data.get(start..)?,
        offset: offset + start as u64,
    })
}

/// Whether a segment is where Go's `debug/buildinfo` looks for the header without section
/// names: ELF's first loadable segment that is writable and not executable, Mach-O's first
/// segment mapped read-write at most, PE's first initialized read-write data section.
fn is_writable_data(address: u64, flags: SegmentFlags) -> bool {
    const MACH_O_READ_WRITE: u32 = 3;
    match flags {
        SegmentFlags::Elf { p_flags } => {
            p_flags & (object::elf::PF_X | object::elf::PF_W) == object::elf::PF_W
        }
        SegmentFlags::MachO {
            maxprot, initprot, ..
        } => address != 0 && maxprot == MACH_O_READ_WRITE && initprot == MACH_O_READ_WRITE,
        SegmentFlags::Coff { characteristics } => {
            use object::pe;
            address != 0
                && characteristics & !pe::IMAGE_SCN_ALIGN_32BYTES
                    == pe::IMAGE_SCN_CNT_INITIALIZED_DATA
                        | pe::IMAGE_SCN_MEM_READ
                        | pe::IMAGE_SCN_MEM_WRITE
        }
        _ => false,
    }
}

/// Reads the toolchain version and the module-info text (without its sentinels; empty for
/// programs built outside modules).
fn read_strings<'data>(
    program: &object::File<'data>,
    header: &Header<'data>,
) -> Result<(&'data str, &'data str), ParseError> {
    let pointer_size = header.data.get(14).copied().unwrap_or_default();
    let flags = header.data.get(15).copied().unwrap_or_default();
    let (version, module_info) = if flags & FLAG_INLINE_STRINGS == 0 {
        let pointer = Pointers::new(pointer_size, flags & FLAG_BIG_ENDIAN != 0)
            .ok_or_else(|| header.error(format!("pointer size {pointer_size}")))?;
        let size = usize::from(pointer_size);
        let version = pointer.read_string(program, header.data, HEADER_ALIGNMENT);
        let module_info = pointer.read_string(program, header.data, HEADER_ALIGNMENT + size);
        (
            version.ok_or_else(|| header.error("unreadable toolchain version"))?,
            module_info.unwrap_or_default(),
        )
    } else {
        let rest = header.data.get(HEADER_LENGTH..).unwrap_or_default();
        let (version, rest) =
            varint_string(rest).ok_or_else(|| header.error("truncated toolchain version"))?;
        let (module_info, _) =
            varint_string(rest).ok_or_else(|| header.error("truncated module info"))?;
        (version, module_info)
    };
    let text = |bytes: &'data [u8], what: &str| {
        std::str::from_utf8(bytes).map_err(|_| header.error(format!("{what} is not UTF-8")))
    };
    let version = text(version, "toolchain version")?;
    if version.is_empty() {
        return Err(header.error("empty toolchain version"));
    }
    Ok((version, text(strip_sentinels(module_info), "module info")?))
}

/// Reads `length`-prefixed strings: an unsigned LEB128 varint (Go's `binary.Uvarint`), then
/// that many bytes. Returns the string and what follows it.
fn varint_string(data: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut length: u64 = 0;
    for (index, byte) in data.iter().enumerate().take(10) {
        length |= u64::from(byte & 0x7f) << (7 * index);
        if byte & 0x80 == 0 {
            if length > MAX_STRING_LENGTH {
                return None;
            }
            let rest = data.get(index + 1..)?;
            let length = usize::try_from(length).ok()?;
            return Some((rest.get(..length)?, rest.get(length..)?));
        }
    }
    None
}

/// Removes the sentinels framing module-info text, as `debug/buildinfo` does: text too short
/// to hold them, or not ending in a newline before the closing one, holds no module info.
fn strip_sentinels(module_info: &[u8]) -> &[u8] {
    let length = module_info.len();
    let framed = length > 2 * SENTINEL_LENGTH
        && module_info.get(length - SENTINEL_LENGTH - 1) == Some(&b'\n');
    if framed {
        module_info
            .get(SENTINEL_LENGTH..length - SENTINEL_LENGTH)
            .unwrap_or_default()
    } else {
        &[]
    }
}

/// How the pointer-based header (Go 1.13 to 1.17) spells addresses.
#[derive(Debug, Clone, Copy)]
struct Pointers {
    size: usize,
    big_endian: bool,
}

impl Pointers {
    fn new(size: u8, big_endian: bool) -> Option<Self> {
        matches!(size, 4 | 8).then_some(Self {
            size: usize::from(size),
            big_endian,
        })
    }

    /// The pointer at `offset` of `data`.
    fn read(self, data: &[u8], offset: usize) -> Option<u64> {
        let bytes = data.get(offset..offset.checked_add(self.size)?)?;
        let mut value: u64 = 0;
        for (index, byte) in bytes.iter().enumerate() {
            let shift = if self.big_endian {
                8 * (self.size - 1 - index)
            } else {
                8 * index
            };
            value |= u64::from(*byte) << shift;
        }
        Some(value)
    }

    /// The Go string whose header's address is stored at `offset` of `data`.
    fn read_string<'data>(
        self,
        program: &object::File<'data>,
        data: &[u8],
        offset: usize,
    ) -> Option<&'data [u8]> {
        let header_address = self.read(data, offset)?;
        let string_header = read_memory(program, header_address, 2 * self.size as u64)?;
        let address = self.read(string_header, 0)?;
        let length = self.read(string_header, self.size)?;
        if length > MAX_STRING_LENGTH {
            return None;
        }
        read_memory(program, address, length)
    }
}

/// The `length` bytes the program holds at virtual `address`, from the file contents of the
/// segment that maps it.
fn read_memory<'data>(
    program: &object::File<'data>,
    address: u64,
    length: u64,
) -> Option<&'data [u8]> {
    program.segments().find_map(|segment| {
        let offset = usize::try_from(address.checked_sub(segment.address())?).ok()?;
        let data = segment.data().ok()?;
        data.get(offset..offset.checked_add(usize::try_from(length).ok()?)?)
    })
}

/// A module as the module info records it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Module<'a> {
    path: &'a str,
    version: &'a str,
    /// The `=>` line after it: path and version (empty for a local directory).
    replacement: Option<(&'a str, &'a str)>,
}

/// The module-info text, parsed.
#[derive(Debug, Default)]
struct BuildInfo<'a> {
    /// The main package's import path (`path` line).
    package: Option<&'a str>,
    main: Option<Module<'a>>,
    dependencies: Vec<Module<'a>>,
    /// `build` lines: key and unquoted value.
    settings: Vec<(&'a str, String)>,
}

impl<'a> BuildInfo<'a> {
    /// Parses module-info text. Lines Go may add in later versions are ignored.
    fn parse(text: &'a str) -> Result<Self, String> {
        let mut info = Self::default();
        // Whether the last module line was the main module's, for `=>` lines.
        let mut last_is_main = false;
        for (index, line) in text.lines().enumerate() {
            let malformed = |what: &str| format!("line {} of the module info: {what}", index + 1);
            let Some((kind, rest)) = line.split_once('\t') else {
                continue;
            };
            match kind {
                "path" => info.package = Some(rest),
                "mod" | "dep" => {
                    let mut fields = rest.split('\t');
                    let (Some(path), Some(version)) = (fields.next(), fields.next()) else {
                        return Err(malformed("expected a path and a version"));
                    };
                    if version.is_empty() {
                        return Err(malformed("empty module version"));
                    }
                    let module = Module {
                        path,
                        version,
                        replacement: None,
                    };
                    last_is_main = kind == "mod";
                    if last_is_main {
                        info.main = Some(module);
                    } else {
                        info.dependencies.push(module);
                    }
                }
                "=>" => {
                    let mut fields = rest.split('\t');
                    let path = fields.next().unwrap_or_default();
                    let version = fields.next().unwrap_or_default();
                    if path.is_empty()
                        || (version.is_empty() && !crate::lang::go::is_directory(path))
                    {
                        return Err(malformed("replacement without a module path and version"));
                    }
                    let last = if last_is_main {
                        info.main.as_mut()
                    } else {
                        info.dependencies.last_mut()
                    };
                    let Some(last) = last else {
                        return Err(malformed("replacement with no module before it"));
                    };
                    last.replacement = Some((path, version));
                }
                // A quoted key holds `=`, spaces or quotes: none of the settings read here.
                "build" if rest.starts_with(['"', '`']) => {}
                "build" => {
                    let (key, value) = parse_setting(rest)
                        .ok_or_else(|| malformed("expected a build setting key=value"))?;
                    info.settings.push((key, value));
                }
                _ => {}
            }
        }
        Ok(info)
    }

    fn setting(&self, key: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|(name, _)| *name == key)
            .map(|(_, value)| value.as_str())
    }

    /// The records: the standard library, the dependencies, and the main module, which
    /// depends on all of them.
    fn records(&self, toolchain: &str) -> Vec<PackageRecord> {
        let mut records = Vec::with_capacity(self.dependencies.len() + 2);
        // `go1.22.3 X:boringcrypto` and `go1.21.0-bigcorp` ship that release's library;
        // development toolchains (`devel …`) name none.
        records.extend(crate::lang::go::stdlib_record(toolchain));
        for dependency in &self.dependencies {
            // Binaries from old toolchains can list the main module as a pathless dependency.
            if dependency.path.is_empty() {
                continue;
            }
            let (name, version) = match dependency.replacement {
                Some((path, _)) if crate::lang::go::is_directory(path) => (dependency.path, DEVEL),
                Some((path, version)) => (path, version),
                None => (dependency.path, dependency.version),
            };
            records.push(PackageRecord::new(Ecosystem::Golang, name, version));
        }
        for record in &mut records {
            record
                .provides
                .push(dependency_key(&record.name, &record.version));
        }
        let main = match (&self.main, self.package) {
            (Some(main), _) if !main.path.is_empty() => {
                Some((main.path, self.main_version(main.path, main.version)))
            }
            (_, Some(package)) if !package.is_empty() => Some((package, DEVEL.to_owned())),
            _ => None,
        };
        if let Some((name, version)) = main {
            let mut record = PackageRecord::new(Ecosystem::Golang, name, version);
            record.depends = records
                .iter()
                .flat_map(|dependency| dependency.provides.iter().cloned())
                .collect();
            record
                .provides
                .push(dependency_key(&record.name, &record.version));
            records.push(record);
        }
        records
    }

    /// The main module's version: as recorded unless `(devel)`; then a version stamped with
    /// `-ldflags -X`, else a pseudo-version from the VCS stamp, else `(devel)`.
    fn main_version(&self, path: &str, recorded: &str) -> String {
        if recorded != DEVEL {
            return recorded.to_owned();
        }
        self.setting("-ldflags")
            .and_then(|flags| ldflags_version(flags, path))
            .or_else(|| {
                let revision = self.setting("vcs.revision")?;
                let time = self.setting("vcs.time")?;
                pseudo_version(revision, time)
            })
            .unwrap_or_else(|| DEVEL.to_owned())
    }
}

/// Splits a `build` line's `key=value`, unquoting a Go-quoted key or value.
fn parse_setting(text: &str) -> Option<(&str, String)> {
    let (key, raw) = text.split_once('=')?;
    if key.is_empty() {
        return None;
    }
    let value = if raw.starts_with(['"', '`']) {
        unquote(raw)?
    } else {
        raw.to_owned()
    };
    Some((key, value))
}

/// Undoes Go's `strconv.Quote` (double quotes, with `\` escapes) or a raw backquoted string.
fn unquote(text: &str) -> Option<String> {
    if let Some(raw) = text.strip_prefix('`') {
        return raw.strip_suffix('`').map(str::to_owned);
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    let mut unquoted = String::with_capacity(inner.len());
    let mut characters = inner.chars();
    while let Some(character) = characters.next() {
        if character != '\\' {
            unquoted.push(character);
            continue;
        }
        let escaped = match characters.next()? {
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            '\\' => '\\',
            '"' => '"',
            '\'' => '\'',
            kind @ ('x' | 'u' | 'U') => {
                let digits = match kind {
                    'x' => 2,
                    'u' => 4,
                    _ => 8,
                };
                let hex: String = characters.by_ref().take(digits).collect();
                if hex.len() != digits {
                    return None;
                }
                char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?
            }
            _ => return None,
        };
        unquoted.push(escaped);
    }
    Some(unquoted)
}

/// The semantic version a `-X importpath.name=value` flag in `-ldflags` stamps, for the main
/// module at `module_path`, with a `v` prefix like module versions.
///
/// Only variables named `version` or `ver` (any case) with a semantic-version value count.
/// When several do, the most specific kind wins, as Trivy ranks them: a variable under the
/// module's own `cmd/` tree, then one in a package called `main`, `common`, `version` or
/// `cmd`, then any other; two different versions of the same kind are ambiguous and give none.
fn ldflags_version(flags: &str, module_path: &str) -> Option<String> {
    let words = split_flags(flags);
    let mut best: Option<(u8, &str)> = None;
    let mut ambiguous = false;
    let mut words = words.iter();
    while let Some(word) = words.next() {
        let trimmed = word.trim_start_matches('-');
        let assignment = match trimmed.strip_prefix('X') {
            Some("") if word.starts_with('-') => words.next().map(String::as_str),
            Some(rest) if word.starts_with('-') && rest.starts_with('=') => rest.get(1..),
            _ => None,
        };
        let Some((variable, value)) = assignment.and_then(|text| text.split_once('=')) else {
            continue;
        };
        let value = value.trim_matches('\'');
        let variable = variable.trim_matches('\'');
        let name = variable.rsplit_once('.').map_or("", |(_, name)| name);
        if !(name.eq_ignore_ascii_case("version") || name.eq_ignore_ascii_case("ver"))
            || !is_semantic_version(value)
        {
            continue;
        }
        let package = variable.rsplit_once('.').map_or("", |(package, _)| package);
        let package_name = package.rsplit_once('/').map_or(package, |(_, name)| name);
        let rank = if package.starts_with(&format!("{module_path}/cmd/")) {
            0
        } else if ["main", "common", "version", "cmd"]
            .iter()
            .any(|known| package_name.eq_ignore_ascii_case(known))
        {
            1
        } else {
            2
        };
        match best {
            Some((best_rank, _)) if rank > best_rank => {}
            Some((best_rank, best_value)) if rank == best_rank => {
                ambiguous |= best_value != value;
            }
            _ => {
                best = Some((rank, value));
                ambiguous = false;
            }
        }
    }
    let (_, value) = best.filter(|_| !ambiguous)?;
    Some(if value.starts_with('v') {
        value.to_owned()
    } else {
        format!("v{value}")
    })
}

/// Splits a flags string into words as `go build` does (`cmd/internal/quoted.Split`): at
/// spaces, with single- or double-quoted words taken whole and unescaped.
fn split_flags(flags: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut rest = flags;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\n', '\r']);
        let Some(first) = rest.chars().next() else {
            break;
        };
        if let Some(quoted) = rest.strip_prefix(['\'', '"']) {
            let Some((word, after)) = quoted.split_once(first) else {
                // An unterminated quote: `go build` rejects such flags, so nothing was stamped.
                return Vec::new();
            };
            words.push(word.to_owned());
            rest = after;
        } else {
            let (word, after) = rest
                .split_once([' ', '\t', '\n', '\r'])
                .unwrap_or((rest, ""));
            words.push(word.to_owned());
            rest = after;
        }
    }
    words
}

/// Whether `text` is a semantic version, with or without a `v`: three numbers, then an
/// optional `-pre-release` and `+build` made of ASCII letters, digits, `.` and `-`.
fn is_semantic_version(text: &str) -> bool {
    let text = text.strip_prefix('v').unwrap_or(text);
    let (text, build) = text.split_once('+').unwrap_or((text, ""));
    let (core, pre_release) = text.split_once('-').unwrap_or((text, ""));
    let label = |label: &str| {
        label
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'-')
    };
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers
            .iter()
            .all(|number| !number.is_empty() && number.bytes().all(|byte| byte.is_ascii_digit()))
        && label(pre_release)
        && label(build)
}

/// The pseudo-version Go gives an untagged commit, `v0.0.0-<UTC time>-<12-hex revision>`,
/// from the `vcs.revision` and `vcs.time` (RFC 3339, UTC) build settings.
fn pseudo_version(revision: &str, time: &str) -> Option<String> {
    let revision = revision.get(..12)?;
    if !revision.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    // `2024-01-02T15:04:05Z` → `20240102150405`.
    let stamp: String = time
        .get(..19)?
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    (stamp.len() == 14 && time.ends_with('Z')).then(|| format!("v0.0.0-{stamp}-{revision}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_toolchain_versions_like_the_vulnerability_database() {
        for (toolchain, expected) in [
            ("go1.19.8", Some("1.19.8")),
            ("go1.20", Some("1.20.0")),
            ("go1.21rc2", Some("1.21.0-rc.2")),
            ("go1.18beta1", Some("1.18.0-beta.1")),
            ("go1.22.3 X:boringcrypto", Some("1.22.3")),
            ("go1.21.0-bigcorp", Some("1.21.0")),
            ("devel go1.23-abcdef Tue Jan 2 15:04:05 2024 +0000", None),
            ("go1", None),
            ("go1.x", None),
            ("go1.21alpha1", None),
            ("", None),
        ] {
            assert_eq!(
                crate::lang::go::stdlib_record(toolchain)
                    .map(|record| record.version)
                    .as_deref(),
                expected,
                "{toolchain}"
            );
        }
    }

    #[test]
    fn reads_varint_prefixed_strings() {
        assert_eq!(
            varint_string(b"\x03go1rest"),
            Some((&b"go1"[..], &b"rest"[..]))
        );
        let mut long = vec![0x80 | 0x2c, 0x01];
        long.extend(std::iter::repeat_n(b'x', 172));
        assert_eq!(varint_string(&long).map(|(text, _)| text.len()), Some(172));
        assert_eq!(varint_string(b"\x05abc"), None, "truncated");
        assert_eq!(
            varint_string(b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"),
            None
        );
        assert_eq!(varint_string(b""), None);
    }

    #[test]
    fn strips_sentinels_only_from_framed_text() {
        let framed = b"0123456789abcdefpath\tx\nmod\ty\t(devel)\t\n0123456789abcdef";
        assert_eq!(strip_sentinels(framed), b"path\tx\nmod\ty\t(devel)\t\n");
        assert_eq!(strip_sentinels(b"short"), b"");
        assert_eq!(strip_sentinels(&[b'x'; 40]), b"");
    }

    const MODULE_INFO: &str = "path\texample.com/app/cmd/app\n\
        mod\texample.com/app\t(devel)\t\n\
        dep\tgolang.org/x/text\tv0.3.7\th1:olpwvP2KacW1ZWvsR7uQhoyTYvKAupfQrRGBFM352Gk=\n\
        dep\tgithub.com/old/name\tv1.0.0\n\
        =>\tgithub.com/new/name\tv1.2.0\th1:abc=\n\
        dep\texample.com/fork\tv0.1.0\n\
        =>\t../fork\t\t\n\
        dep\t\t(devel)\n\
        build\t-compiler=gc\n\
        build\t-ldflags=\"-s -w -X 'example.com/app/internal/version.Version=1.4.2'\"\n\
        build\tvcs.revision=0123456789abcdef0123456789abcdef01234567\n\
        build\tvcs.time=2024-01-02T15:04:05Z\n";

    fn names(records: &[PackageRecord]) -> Vec<(&str, &str)> {
        records
            .iter()
            .map(|record| (record.name.as_str(), record.version.as_str()))
            .collect()
    }

    #[test]
    fn reports_dependencies_replacements_stdlib_and_the_main_module() {
        let info = BuildInfo::parse(MODULE_INFO).unwrap();
        let records = info.records("go1.21.5");
        assert_eq!(
            names(&records),
            [
                ("stdlib", "1.21.5"),
                ("golang.org/x/text", "v0.3.7"),
                ("github.com/new/name", "v1.2.0"),
                ("example.com/fork", "(devel)"),
                ("example.com/app", "v1.4.2"),
            ]
        );
        let main = records.last().unwrap();
        assert_eq!(
            main.depends,
            [
                "stdlib@1.21.5",
                "golang.org/x/text@v0.3.7",
                "github.com/new/name@v1.2.0",
                "example.com/fork@(devel)",
            ]
        );
        assert_eq!(main.provides, ["example.com/app@v1.4.2"]);
    }

    #[test]
    fn main_module_version_falls_back_to_vcs_then_devel() {
        let without_ldflags = MODULE_INFO
            .lines()
            .filter(|line| !line.contains("-ldflags"))
            .collect::<Vec<_>>()
            .join("\n");
        let info = BuildInfo::parse(&without_ldflags).unwrap();
        assert_eq!(
            info.main_version("example.com/app", DEVEL),
            "v0.0.0-20240102150405-0123456789ab"
        );
        assert_eq!(info.main_version("example.com/app", "v2.0.0"), "v2.0.0");
        let bare = BuildInfo::parse("path\tx/cmd/y\nmod\tx\t(devel)\t\n").unwrap();
        assert_eq!(bare.main_version("x", DEVEL), DEVEL);
    }

    #[test]
    fn programs_built_outside_modules_report_their_package_at_devel() {
        let info = BuildInfo::parse("path\tgithub.com/containers/skopeo/cmd/skopeo\n").unwrap();
        assert_eq!(
            names(&info.records("go1.19.8")),
            [
                ("stdlib", "1.19.8"),
                ("github.com/containers/skopeo/cmd/skopeo", "(devel)")
            ]
        );
        assert_eq!(
            names(&BuildInfo::default().records("go1.16")),
            [("stdlib", "1.16.0")]
        );
    }

    #[test]
    fn malformed_module_info_names_the_line() {
        let error = BuildInfo::parse("path\tx\ndep\tonly-a-path\n").unwrap_err();
        assert_eq!(
            error,
            "line 2 of the module info: expected a path and a version"
        );
        let error = BuildInfo::parse("=>\tx\tv1.0.0\n").unwrap_err();
        assert!(error.contains("line 1"), "{error}");
        let quoted_key = BuildInfo::parse("build\t\"odd key\"=x\nbuild\tvcs.time=t\n").unwrap();
        assert_eq!(quoted_key.settings, [("vcs.time", "t".to_owned())]);
        let error = BuildInfo::parse("build\tno-equals\n").unwrap_err();
        assert!(error.contains("key=value"), "{error}");
        let error = BuildInfo::parse("dep\tx\t\n").unwrap_err();
        assert!(error.contains("empty module version"), "{error}");
        let error = BuildInfo::parse("dep\tx\tv1.0.0\n=>\texample.com/y\t\t\n").unwrap_err();
        assert!(error.contains("replacement without"), "{error}");
    }

    #[test]
    fn picks_the_stamped_version_like_trivy() {
        let module = "github.com/example/tool";
        for (flags, expected) in [
            ("-X main.version=1.2.3", Some("v1.2.3")),
            ("-s -w -X=main.Version=v2.0.0-rc.1", Some("v2.0.0-rc.1")),
            ("-X 'main.version=1.2.3'", Some("v1.2.3")),
            ("-X main.version='1.2.3'", Some("v1.2.3")),
            ("-X main.commit=abc -X main.version=dev", None),
            ("-X main.version=1.2", None),
            (
                "-X github.com/example/tool/cmd/tool/app.version=3.0.0 -X main.version=1.0.0",
                Some("v3.0.0"),
            ),
            (
                "-X other/pkg.ver=1.0.0 -X main.version=1.1.0",
                Some("v1.1.0"),
            ),
            ("-X main.version=1.0.0 -X common.Version=1.1.0", None),
            (
                "-X main.version=1.0.0 -X common.Version=1.0.0",
                Some("v1.0.0"),
            ),
            ("-X \"main.version=1.0.0", None),
            ("-X", None),
        ] {
            assert_eq!(
                ldflags_version(flags, module).as_deref(),
                expected,
                "{flags}"
            );
        }
    }

    #[test]
    fn unquotes_go_strings() {
        assert_eq!(
            unquote(r#""-X 'a=b' \"c\"""#).as_deref(),
            Some("-X 'a=b' \"c\"")
        );
        assert_eq!(
            unquote(r#""tab\there\x41\u00e9""#).as_deref(),
            Some("tab\thereAé")
        );
        assert_eq!(unquote("`raw \\n`").as_deref(), Some("raw \\n"));
        assert_eq!(unquote(r#""bad \q""#), None);
        assert_eq!(unquote(r#""unterminated"#), None);
        assert_eq!(unquote(r#""\u12""#), None);
    }

    #[test]
    fn pseudo_versions_need_a_revision_and_a_utc_time() {
        assert_eq!(
            pseudo_version("0123456789abcdef", "2024-01-02T15:04:05Z").as_deref(),
            Some("v0.0.0-20240102150405-0123456789ab")
        );
        assert_eq!(pseudo_version("0123", "2024-01-02T15:04:05Z"), None);
        assert_eq!(pseudo_version("0123456789abcdef", "yesterday"), None);
        assert_eq!(
            pseudo_version("0123456789abcdef", "2024-01-02T15:04:05+01:00"),
            None
        );
    }

    #[test]
    fn recognises_local_replacements() {
        for path in ["./x", "../x", "/abs", "C:\\x", "c:/x", ".", ".."] {
            assert!(crate::lang::go::is_directory(path), "{path}");
        }
        for path in ["github.com/x/y", "example.com", "x/.."] {
            assert!(!crate::lang::go::is_directory(path), "{path}");
        }
    }

    /// A minimal ELF program (one read-write `PT_LOAD` segment mapping the whole file, no
    /// section headers) holding pointer-based build information as Go 1.13 to 1.17 wrote it.
    fn pointer_format_elf(wide: bool, big_endian: bool, module_info: &str) -> Vec<u8> {
        const BASE: u64 = 0x10000;
        let (size, header, program_header): (usize, usize, usize) =
            if wide { (8, 64, 56) } else { (4, 52, 32) };
        let put = |bytes: &mut Vec<u8>, value: u64, width: usize| {
            let all = if big_endian {
                value.to_be_bytes()
            } else {
                value.to_le_bytes()
            };
            if big_endian {
                bytes.extend_from_slice(&all[8 - width..]);
            } else {
                bytes.extend_from_slice(&all[..width]);
            }
        };
        let info_start = (header + program_header).div_ceil(16) * 16;
        let strings = info_start + 32;
        let version = b"go1.16.15";
        let framed = format!("0123456789abcdef{module_info}0123456789abcdef");
        let version_data = strings + 4 * size;
        let module_data = version_data + version.len();
        let total = module_data + framed.len();
        let address = |offset: usize| BASE + offset as u64;

        let mut elf = b"\x7fELF".to_vec();
        elf.extend([if wide { 2 } else { 1 }, if big_endian { 2 } else { 1 }, 1]);
        elf.resize(16, 0);
        put(&mut elf, 2, 2); // e_type: executable
        put(&mut elf, if big_endian { 8 } else { 62 }, 2); // e_machine: MIPS or x86-64
        put(&mut elf, 1, 4); // e_version
        put(&mut elf, address(0), size); // e_entry
        put(&mut elf, header as u64, size); // e_phoff
        put(&mut elf, 0, size); // e_shoff
        put(&mut elf, 0, 4); // e_flags
        put(&mut elf, header as u64, 2); // e_ehsize
        put(&mut elf, program_header as u64, 2); // e_phentsize
        put(&mut elf, 1, 2); // e_phnum
        put(&mut elf, 0, 6); // e_shentsize, e_shnum, e_shstrndx
        assert_eq!(elf.len(), header);
        put(&mut elf, 1, 4); // p_type: PT_LOAD
        if wide {
            put(&mut elf, 6, 4); // p_flags: read, write
        }
        for value in [0, address(0), address(0), total as u64, total as u64] {
            put(&mut elf, value, size); // p_offset, p_vaddr, p_paddr, p_filesz, p_memsz
        }
        if !wide {
            put(&mut elf, 6, 4); // p_flags
        }
        put(&mut elf, 0x1000, size); // p_align
        elf.resize(info_start, 0);
        elf.extend_from_slice(MAGIC);
        elf.extend([size as u8, u8::from(big_endian)]);
        put(&mut elf, address(strings), size);
        put(&mut elf, address(strings + 2 * size), size);
        elf.resize(strings, 0);
        put(&mut elf, address(version_data), size);
        put(&mut elf, version.len() as u64, size);
        put(&mut elf, address(module_data), size);
        put(&mut elf, framed.len() as u64, size);
        elf.extend_from_slice(version);
        elf.extend_from_slice(framed.as_bytes());
        assert_eq!(elf.len(), total);
        elf
    }

    #[test]
    fn reads_the_pointer_format_of_go_1_13_to_1_17() {
        let module_info = "path\texample.com/tool\nmod\texample.com/tool\tv1.0.0\th1:x=\n\
            dep\tgithub.com/pkg/errors\tv0.9.1\th1:y=\n";
        for (wide, big_endian) in [(true, false), (false, true), (false, false), (true, true)] {
            let elf = pointer_format_elf(wide, big_endian, module_info);
            let program = object::File::parse(&elf[..]).unwrap();
            let records = records(&program).unwrap();
            assert_eq!(
                names(&records),
                [
                    ("stdlib", "1.16.15"),
                    ("github.com/pkg/errors", "v0.9.1"),
                    ("example.com/tool", "v1.0.0"),
                ],
                "wide {wide}, big-endian {big_endian}"
            );
        }
    }

    #[test]
    fn dangling_pointers_are_errors() {
        let mut elf = pointer_format_elf(true, false, "path\tx\n");
        let header = memchr::memmem::find(&elf, MAGIC).unwrap();
        elf[header + 16..header + 24].copy_from_slice(&0xdead_0000_u64.to_le_bytes());
        let program = object::File::parse(&elf[..]).unwrap();
        let error = records(&program).unwrap_err();
        assert_eq!(error.position, Position::Offset(header as u64));
        assert_eq!(error.reason, "unreadable toolchain version");
    }

    #[test]
    fn reads_pointers_in_either_byte_order() {
        let little = Pointers::new(4, false).unwrap();
        let big = Pointers::new(8, true).unwrap();
        assert_eq!(little.read(&[0x78, 0x56, 0x34, 0x12], 0), Some(0x1234_5678));
        assert_eq!(big.read(&[0, 0, 0, 0, 0, 0, 0x12, 0x34], 0), Some(0x1234));
        assert_eq!(big.read(&[0; 7], 0), None);
        assert!(Pointers::new(2, false).is_none());
    }
}
