//! rpm's ndb package database (`Packages.db`), SUSE's default since SLE 15 SP3.
//!
//! Finds the header blobs and hands each to [`Collector::blob`] without copying it. The
//! format is defined only by rpm's `lib/backend/ndb/rpmpkg.c`; all integers are
//! little-endian:
//!
//! ```text
//! file header (32 bytes, the first two slots of page 0):
//!   "RpmP"  version (0)  generation  slot_pages  next_package_index  (padding)
//! slot pages: slot_pages × 4096 bytes of 16-byte slots:
//!   "Slot"  package_index  block_offset  block_count      (block_offset 0: free slot)
//! blobs, addressed in 16-byte blocks, at block_offset × 16:
//!   "BlbS"  package_index  timestamp  length   header blob (length bytes)   padding
//!   adler32  length  "BlbE"                      (the last 12 bytes of block_count × 16)
//! ```
//!
//! A wrong file magic, version or slot magic fails the database, as in rpm. A slot whose blob
//! is missing or malformed is skipped and reported. The Adler-32 checksum is not verified:
//! rpm's own read path (`rpmpkgGet`) does not verify it either.

use crate::error::{ParseError, Position};

use super::{BlobOrigin, Collector};

/// The `format` of errors from this module.
const FORMAT: &str = "rpm ndb";
/// File magic, `'R' | 'p' << 8 | 'm' << 16 | 'P' << 24`.
const FILE_MAGIC: &[u8; 4] = b"RpmP";
/// The only file version rpm writes.
const VERSION: u32 = 0;
/// Bytes of the file header, which take the place of the first two slots.
const FILE_HEADER_SIZE: usize = 32;
/// Bytes per slot page.
const PAGE_SIZE: usize = 4096;
/// Bytes per slot.
const SLOT_SIZE: usize = 16;
/// Slot magic.
const SLOT_MAGIC: &[u8; 4] = b"Slot";
/// Bytes per block, the unit of blob offsets and lengths.
const BLOCK_SIZE: u64 = 16;
/// Blob head magic.
const BLOB_HEAD_MAGIC: &[u8; 4] = b"BlbS";
/// Blob tail magic.
const BLOB_TAIL_MAGIC: &[u8; 4] = b"BlbE";
/// Bytes of a blob head: magic, package index, timestamp, length.
const BLOB_HEAD_SIZE: u64 = 16;
/// Bytes of a blob tail: checksum, length, magic.
const BLOB_TAIL_SIZE: u64 = 12;

/// Reads every package blob of an ndb database into `collector`, in slot order.
pub(super) fn read(content: &[u8], collector: &mut Collector) -> Result<(), ParseError> {
    if content.get(..4) != Some(&FILE_MAGIC[..]) {
        return Err(ParseError::new(
            FORMAT,
            Position::File,
            "no ndb file magic \"RpmP\"",
        ));
    }
    let version = le_u32(content, 4).unwrap_or(u32::MAX);
    let slot_pages = le_u32(content, 12).ok_or_else(|| {
        ParseError::new(
            FORMAT,
            Position::Offset(content.len() as u64),
            format!(
                "file of {} bytes ends inside the {FILE_HEADER_SIZE}-byte header",
                content.len()
            ),
        )
    })?;
    if version != VERSION {
        return Err(ParseError::new(
            FORMAT,
            Position::Offset(4),
            format!("unsupported ndb version {version}"),
        ));
    }
    let slot_area_end = (slot_pages as usize)
        .checked_mul(PAGE_SIZE)
        .filter(|end| *end <= content.len() && slot_pages > 0)
        .ok_or_else(|| {
            ParseError::new(
                FORMAT,
                Position::Offset(12),
                format!(
                    "{slot_pages} slot pages do not fit in a file of {} bytes",
                    content.len()
                ),
            )
        })?;
    let first_blob_block = slot_area_end as u64 / BLOCK_SIZE;
    let slots = content
        .get(FILE_HEADER_SIZE..slot_area_end)
        .unwrap_or_default();
    for (number, slot) in slots.chunks_exact(SLOT_SIZE).enumerate() {
        let slot_offset = (FILE_HEADER_SIZE + number * SLOT_SIZE) as u64;
        if slot.get(..4) != Some(&SLOT_MAGIC[..]) {
            return Err(ParseError::new(
                FORMAT,
                Position::Offset(slot_offset),
                "slot without its \"Slot\" magic",
            ));
        }
        let field = |offset| le_u32(slot, offset).unwrap_or_default();
        let (package, block_offset, block_count) = (field(4), field(8), field(12));
        if block_offset == 0 {
            continue;
        }
        match blob(
            content,
            package,
            block_offset,
            block_count,
            first_blob_block,
        ) {
            Ok((offset, bytes)) => collector.blob(BlobOrigin::Ndb { package, offset }, bytes),
            Err(reason) => collector.skip(ParseError::new(
                FORMAT,
                Position::Offset(slot_offset),
                format!("slot for package {package}: {reason}"),
            )),
        }
    }
    Ok(())
}

/// The header blob a slot points at, with the byte offset of its head, or why it cannot be
/// read. Mirrors the checks of rpm's `rpmpkgReadSlots` and `rpmpkgReadBlob`.
fn blob(
    content: &[u8],
    package: u32,
    block_offset: u32,
    block_count: u32,
    first_blob_block: u64,
) -> Result<(u64, &[u8]), String> {
    if package == 0 {
        return Err("slot is in use but names package 0".to_owned());
    }
    if u64::from(block_offset) < first_blob_block {
        return Err(format!(
            "block offset {block_offset} points into the slot pages"
        ));
    }
    let start = u64::from(block_offset) * BLOCK_SIZE;
    let size = u64::from(block_count) * BLOCK_SIZE;
    let area = usize::try_from(start)
        .ok()
        .zip(usize::try_from(start + size).ok())
        .and_then(|(start, end)| content.get(start..end))
        .ok_or_else(|| {
            format!(
                "{block_count} blocks at block {block_offset} run past the end of the {}-byte file",
                content.len()
            )
        })?;
    if size < BLOB_HEAD_SIZE + BLOB_TAIL_SIZE {
        return Err(format!(
            "{block_count} blocks cannot hold a blob head and tail"
        ));
    }
    if area.get(..4) != Some(&BLOB_HEAD_MAGIC[..]) {
        return Err(format!("no blob head magic at byte {start}"));
    }
    let head_package = le_u32(area, 4).unwrap_or_default();
    if head_package != package {
        return Err(format!(
            "blob at byte {start} belongs to package {head_package}"
        ));
    }
    let length = le_u32(area, 12).unwrap_or_default();
    let needed = (BLOB_HEAD_SIZE + u64::from(length) + BLOB_TAIL_SIZE).div_ceil(BLOCK_SIZE);
    if needed != u64::from(block_count) {
        return Err(format!(
            "blob of {length} bytes needs {needed} blocks, slot has {block_count}"
        ));
    }
    // `size >= head + tail` was checked, and `area.len() == size`.
    let tail_start = area.len() - BLOB_TAIL_SIZE as usize;
    let tail = area.get(tail_start..).unwrap_or_default();
    if le_u32(tail, 4) != Some(length) || tail.get(8..12) != Some(&BLOB_TAIL_MAGIC[..]) {
        return Err(format!("blob at byte {start} has a damaged tail"));
    }
    let head_size = BLOB_HEAD_SIZE as usize;
    let bytes = area
        .get(head_size..head_size + length as usize)
        .ok_or_else(|| format!("blob of {length} bytes overruns its blocks"))?;
    Ok((start, bytes))
}

/// The little-endian `u32` at `offset`, if the slice is long enough.
fn le_u32(bytes: &[u8], offset: usize) -> Option<u32> {
    let end = offset.checked_add(4)?;
    bytes
        .get(offset..end)?
        .try_into()
        .ok()
        .map(u32::from_le_bytes)
}

#[cfg(test)]
pub(super) mod tests {
    //! Hand-built ndb files: well-formed, with damaged slots and blobs, and with broken
    //! framing.

    use super::*;
    use crate::os::rpm::RpmDb;
    use crate::os::rpm::header::tests::sample;

    /// Builds an ndb file with one slot page and the given `(package index, blob)` pairs,
    /// laid out as rpm writes them.
    pub(crate) fn build(blobs: &[(u32, Vec<u8>)]) -> Vec<u8> {
        let mut file = vec![0; PAGE_SIZE];
        file[..4].copy_from_slice(FILE_MAGIC);
        file[12..16].copy_from_slice(&1u32.to_le_bytes());
        for slot in (FILE_HEADER_SIZE..PAGE_SIZE).step_by(SLOT_SIZE) {
            file[slot..slot + 4].copy_from_slice(SLOT_MAGIC);
        }
        for (number, (package, blob)) in blobs.iter().enumerate() {
            let block_offset = u32::try_from(file.len() as u64 / BLOCK_SIZE).unwrap();
            let length = u32::try_from(blob.len()).unwrap();
            let blocks = (BLOB_HEAD_SIZE + u64::from(length) + BLOB_TAIL_SIZE).div_ceil(BLOCK_SIZE);
            let block_count = u32::try_from(blocks).unwrap();
            let start = file.len();
            file.extend_from_slice(BLOB_HEAD_MAGIC);
            file.extend_from_slice(&package.to_le_bytes());
            file.extend_from_slice(&0u32.to_le_bytes());
            file.extend_from_slice(&length.to_le_bytes());
            file.extend_from_slice(blob);
            file.resize(
                start + (blocks * BLOCK_SIZE) as usize - BLOB_TAIL_SIZE as usize,
                0,
            );
            file.extend_from_slice(&0u32.to_le_bytes());
            file.extend_from_slice(&length.to_le_bytes());
            file.extend_from_slice(BLOB_TAIL_MAGIC);
            let slot = FILE_HEADER_SIZE + number * SLOT_SIZE;
            file[slot + 4..slot + 8].copy_from_slice(&package.to_le_bytes());
            file[slot + 8..slot + 12].copy_from_slice(&block_offset.to_le_bytes());
            file[slot + 12..slot + 16].copy_from_slice(&block_count.to_le_bytes());
        }
        file
    }

    fn parse(content: &[u8]) -> Result<RpmDb, ParseError> {
        let mut collector = Collector::default();
        read(content, &mut collector)?;
        Ok(collector.database)
    }

    #[test]
    fn reads_blobs_in_slot_order() {
        let file = build(&[(3, sample()), (1, sample())]);
        let database = parse(&file).unwrap();
        assert_eq!(database.skipped, []);
        assert_eq!(database.packages.len(), 2);
        assert_eq!(database.packages[0].name, "curl");
    }

    #[test]
    fn skips_damaged_blobs_and_keeps_the_rest() {
        let mut file = build(&[(1, sample()), (2, sample()), (3, sample()), (4, sample())]);
        let slot = |number: usize| FILE_HEADER_SIZE + number * SLOT_SIZE;
        // Slot 0: its blob head names another package.
        let blob0 = u32::from_le_bytes(file[slot(0) + 8..slot(0) + 12].try_into().unwrap());
        let head = blob0 as usize * BLOCK_SIZE as usize;
        file[head + 4..head + 8].copy_from_slice(&9u32.to_le_bytes());
        // Slot 1: a block count far past the end of the file.
        file[slot(1) + 12..slot(1) + 16].copy_from_slice(&u32::MAX.to_le_bytes());
        // Slot 2: a blob offset inside the slot page.
        file[slot(2) + 8..slot(2) + 12].copy_from_slice(&1u32.to_le_bytes());
        let database = parse(&file).unwrap();
        assert_eq!(database.packages.len(), 1);
        let reasons: Vec<_> = database
            .skipped
            .iter()
            .map(|error| error.reason.as_str())
            .collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(
            reasons[0].contains("belongs to package 9"),
            "{}",
            reasons[0]
        );
        assert!(reasons[1].contains("run past the end"), "{}", reasons[1]);
        assert!(
            reasons[2].contains("points into the slot pages"),
            "{}",
            reasons[2]
        );
        assert!(database.skipped.iter().all(|error| error.format == FORMAT));
    }

    #[test]
    fn skips_blobs_with_damaged_tails_or_lengths() {
        let mut file = build(&[(1, sample())]);
        let last = file.len() - 1;
        file[last] = b'X';
        let database = parse(&file).unwrap();
        assert!(database.packages.is_empty());
        assert!(database.skipped[0].reason.contains("damaged tail"));

        let mut file = build(&[(1, sample())]);
        let head = PAGE_SIZE;
        file[head + 12..head + 16].copy_from_slice(&1u32.to_le_bytes());
        let database = parse(&file).unwrap();
        assert!(database.skipped[0].reason.contains("needs 2 blocks"));
    }

    #[test]
    fn reports_bad_header_blobs_with_their_location() {
        let file = build(&[(5, vec![0, 0, 0, 0, 0, 0, 0, 0])]);
        let database = parse(&file).unwrap();
        assert_eq!(database.skipped.len(), 1);
        assert_eq!(
            database.skipped[0].reason,
            "ndb package 5 (blob at byte 4096): header has no index entries"
        );
    }

    #[test]
    fn rejects_bad_framing() {
        assert_eq!(parse(b"bogus").unwrap_err().position, Position::File);
        assert_eq!(parse(b"RpmP").unwrap_err().position, Position::Offset(4));
        let mut file = build(&[]);
        file[4] = 1;
        assert!(parse(&file).unwrap_err().reason.contains("version 1"));
        let mut file = build(&[]);
        file[12..16].copy_from_slice(&2u32.to_le_bytes());
        assert!(parse(&file).unwrap_err().reason.contains("2 slot pages"));
        let mut file = build(&[]);
        file[12..16].copy_from_slice(&0u32.to_le_bytes());
        assert!(parse(&file).unwrap_err().reason.contains("0 slot pages"));
        let mut file = build(&[]);
        file[48] = b's';
        assert_eq!(parse(&file).unwrap_err().position, Position::Offset(48));
    }

    #[test]
    fn survives_every_truncation_and_byte_flip() {
        let file = build(&[(1, sample()), (2, sample())]);
        for cut in (0..file.len()).step_by(7) {
            let _ = parse(&file[..cut]);
        }
        let interesting = (0..64).chain(PAGE_SIZE..file.len());
        for position in interesting {
            for value in [0x00, 0x01, 0x80, 0xff] {
                let mut mutated = file.clone();
                mutated[position] = value;
                let _ = parse(&mutated);
            }
        }
    }
}
