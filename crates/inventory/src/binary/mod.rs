//! Packages compiled into programs: the Go build information every Go toolchain since 1.13
//! embeds ([`go`], [`Ecosystem::Golang`](custody_model::Ecosystem::Golang)) and the
//! dependency list `cargo auditable` embeds in Rust programs ([`rust`],
//! [`Ecosystem::Cargo`](custody_model::Ecosystem::Cargo)), read from ELF, PE and Mach-O
//! files (including universal Mach-O files, one slice after another).
//!
//! Programs live anywhere (`/usr/bin/skopeo`, `/app/server`), so no path pattern finds them:
//! [`interest`] asks for every executable regular file, except names no program has
//! (`*.py`, `*.sh`, `*.txt`, …, which spares directory walks a `stat` per file), and for
//! Windows programs, which carry no execute bit, by their `.exe`/`.dll` name. Most
//! executables are scripts or programs in other languages, so the cataloger reads four bytes
//! first ([`read_magic`]) and gives up unless they are an ELF, PE or Mach-O magic; the reader
//! then skips the rest of the file unread. A program is read into
//! memory whole (the formats keep their section tables and data far apart), within the
//! cataloger's file-size limit, and parsed once by the `object` crate for both ecosystems.
//!
//! Every record's location is the program's path, so the resolver marks the ones a package
//! manager installed (`/usr/bin/skopeo` is listed by dpkg's `skopeo.list`) as owned by that
//! package.

pub(crate) mod go;
pub(crate) mod rust;

use std::io::{self, Read};

use custody_artifact::Interest;
use object::FileKind;
use object::read::macho::{FatArch, MachOFatFile32, MachOFatFile64};

use crate::{PackageRecord, ParseError, Position};

/// The name parse errors give the format.
const FORMAT: &str = "executable";

/// Bytes needed to recognise a program by its magic.
const MAGIC_LENGTH: usize = 4;

/// Universal Mach-O files hold one program per architecture; real ones hold two to four.
/// Java class files share their magic, and their second word, the class-file version, is 45
/// or more: Go's `debug/macho` tells the two apart the same way.
const MAX_FAT_ARCHES: u32 = 20;

/// Extensions of files that are never programs, though they are often executable (scripts)
/// or common enough that skipping them saves directory walks many `stat` calls (in the
/// reference image, 10,180 of 13,238 files have one of these). Compared case-sensitively:
/// these are the spellings that occur.
const NOT_PROGRAMS: &[&str] = &[
    "bash", "c", "cfg", "conf", "crt", "css", "csv", "deb", "gif", "go", "gz", "h", "hpp", "htm",
    "html", "ini", "java", "jpeg", "jpg", "js", "json", "list", "lock", "md", "md5sums", "mjs",
    "mo", "pem", "php", "pl", "pm", "png", "po", "py", "pyc", "pyi", "rb", "rs", "rst", "sh",
    "svg", "toml", "ts", "txt", "xml", "xz", "yaml", "yml", "zst",
];

/// Whether the file at `path` may be a program, from its name alone: Windows programs and
/// libraries (`.exe`, `.dll`, any case) always, as they carry no execute bit; names in
/// [`NOT_PROGRAMS`] never; anything else if it is executable. Called for every file of a
/// target that no other cataloger wants.
pub(crate) fn interest(path: &str) -> Interest {
    let name = path.rsplit_once('/').map_or(path, |(_, name)| name);
    let Some((_, extension)) = name.rsplit_once('.') else {
        return Interest::ReadIfExecutable;
    };
    if extension.eq_ignore_ascii_case("exe") || extension.eq_ignore_ascii_case("dll") {
        Interest::Read
    } else if NOT_PROGRAMS.contains(&extension) {
        Interest::Skip
    } else {
        Interest::ReadIfExecutable
    }
}

/// Whether `magic`, a file's first bytes, opens an ELF, PE (an MS-DOS `MZ` stub) or Mach-O
/// file, thin (32- or 64-bit, either byte order) or universal.
fn is_program_magic(magic: &[u8]) -> bool {
    const MACH_O: [[u8; 4]; 6] = [
        [0xfe, 0xed, 0xfa, 0xce],
        [0xce, 0xfa, 0xed, 0xfe],
        [0xfe, 0xed, 0xfa, 0xcf],
        [0xcf, 0xfa, 0xed, 0xfe],
        [0xca, 0xfe, 0xba, 0xbe],
        [0xca, 0xfe, 0xba, 0xbf],
    ];
    magic.starts_with(b"\x7fELF")
        || magic.starts_with(b"MZ")
        || MACH_O.iter().any(|candidate| magic.starts_with(candidate))
}

/// Reads the first bytes of a wanted file into `bytes` and says whether they are a
/// program's magic. When they are not, the caller gives up and the reader skips the rest.
pub(crate) fn read_magic(content: &mut dyn Read, bytes: &mut Vec<u8>) -> io::Result<bool> {
    content.take(MAGIC_LENGTH as u64).read_to_end(bytes)?;
    Ok(is_program_magic(bytes))
}

/// The packages compiled into the program `content`: Go modules and the Go standard library,
/// and Rust crates recorded by `cargo auditable`. Content that is not an ELF, PE or Mach-O
/// file, or that these formats cannot make sense of, is an error.
pub(crate) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    if is_java_class(content) {
        return Ok(Vec::new());
    }
    let kind = FileKind::parse(content).map_err(|error| malformed(error.to_string()))?;
    match kind {
        FileKind::MachOFat32 => {
            let fat =
                MachOFatFile32::parse(content).map_err(|error| malformed(error.to_string()))?;
            parse_slices(content, fat.arches())
        }
        FileKind::MachOFat64 => {
            let fat =
                MachOFatFile64::parse(content).map_err(|error| malformed(error.to_string()))?;
            parse_slices(content, fat.arches())
        }
        _ => parse_program(content),
    }
}

/// Parses each architecture's program of a universal Mach-O file and merges their records:
/// one build usually gives the same packages for every architecture.
fn parse_slices<A: FatArch>(
    content: &[u8],
    arches: &[A],
) -> Result<Vec<PackageRecord>, ParseError> {
    let mut records: Vec<PackageRecord> = Vec::new();
    for arch in arches {
        let slice = arch
            .data(content)
            .map_err(|error| malformed(error.to_string()))?;
        for record in parse_program(slice)? {
            if !records.contains(&record) {
                records.push(record);
            }
        }
    }
    Ok(records)
}

/// Parses one (thin) ELF, PE or Mach-O program.
fn parse_program(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let program = object::File::parse(content).map_err(|error| malformed(error.to_string()))?;
    let mut records = go::records(&program)?;
    records.extend(rust::records(&program)?);
    Ok(records)
}

/// Whether `content` is a Java class file: it starts with the universal Mach-O magic
/// `cafebabe`, but its second word is a class-file version, not a small architecture count.
fn is_java_class(content: &[u8]) -> bool {
    content.starts_with(&[0xca, 0xfe, 0xba, 0xbe])
        && content
            .get(4..8)
            .and_then(|word| <[u8; 4]>::try_from(word).ok())
            .is_some_and(|word| u32::from_be_bytes(word) >= MAX_FAT_ARCHES)
}

/// How a record is named as a dependency target: `name@version`, which each record lists in
/// [`PackageRecord::provides`] and its dependants in [`PackageRecord::depends`], so edges
/// join exact versions.
fn dependency_key(name: &str, version: &str) -> String {
    format!("{name}@{version}")
}

/// A parse error about the program as a whole.
fn malformed(reason: String) -> ParseError {
    ParseError::new(FORMAT, Position::File, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_for_executables_and_windows_programs() {
        for path in [
            "usr/bin/skopeo",
            "app/server",
            "usr/lib/libx.so.1",
            "opt/tool.bin",
            "x.",
        ] {
            assert_eq!(interest(path), Interest::ReadIfExecutable, "{path}");
        }
        for path in ["Program Files/App/app.EXE", "windows/system32/lib.dll"] {
            assert_eq!(interest(path), Interest::Read, "{path}");
        }
        for path in [
            "usr/bin/script.py",
            "etc/init.d/x.sh",
            "usr/share/doc/x.gz",
            "exe.txt",
        ] {
            assert_eq!(interest(path), Interest::Skip, "{path}");
        }
    }

    #[test]
    fn recognises_program_magic() {
        for magic in [
            &b"\x7fELF"[..],
            b"MZ\x90\x00",
            b"\xfe\xed\xfa\xce",
            b"\xcf\xfa\xed\xfe",
            b"\xca\xfe\xba\xbe",
        ] {
            assert!(is_program_magic(magic), "{magic:?}");
        }
        for magic in [&b"#!/b"[..], b"\x7fEL", b"PK\x03\x04", b""] {
            assert!(!is_program_magic(magic), "{magic:?}");
        }
    }

    #[test]
    fn other_files_are_given_up_after_the_magic() {
        let mut content = &b"#!/bin/sh\necho hello\n"[..];
        let mut bytes = Vec::new();
        assert!(!read_magic(&mut content, &mut bytes).unwrap());
        assert_eq!(bytes, b"#!/b");
        assert_eq!(content, b"in/sh\necho hello\n", "read only the magic");
        let mut bytes = Vec::new();
        assert!(read_magic(&mut &b"\x7fELF\x02\x01"[..], &mut bytes).unwrap());
        assert!(
            read_magic(&mut &b"MZ"[..], &mut Vec::new()).unwrap(),
            "a short file"
        );
    }

    #[test]
    fn malformed_programs_are_errors_not_panics() {
        for content in [
            &b"\x7fELF"[..],
            b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff",
            b"MZ",
            b"\xca\xfe\xba\xbe\x00\x00\x00\x02",
            b"\xca\xfe\xba\xbf\x00\x00\x00\x01",
            b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",
        ] {
            assert!(parse(content).is_err(), "{content:?}");
        }
    }

    #[test]
    fn java_class_files_are_not_universal_programs() {
        let class = b"\xca\xfe\xba\xbe\x00\x00\x00\x34\x00\x0a";
        assert_eq!(parse(class), Ok(Vec::new()));
    }
}
