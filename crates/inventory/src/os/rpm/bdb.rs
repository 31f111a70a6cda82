//! Berkeley DB hash databases (`Packages`), rpm's format up to RHEL 8 and Amazon Linux 2.
//!
//! Walks the hash table the way rpm's own libdb-free reader does (`lib/backend/bdb_ro.c`),
//! and hands each stored value, a header blob, to [`Collector::blob`]. Layouts are from
//! libdb's `dbinc/db_page.h`. Every multi-byte field is in the byte order of the machine that
//! wrote the file; the metadata page's magic tells which.
//!
//! ```text
//! page 0, hash metadata: magic 0x061561 at 12, version at 16, page size at 20,
//!   encryption at 24, page type 8 at 25, last page at 32, max bucket at 72,
//!   spares[32] at 96 (bucket b lives on page b + spares[bit length of b])
//! every other page starts with a 26-byte header:
//!   LSN(8) page(4) previous(4) next(4) entries(2) high_free(2) level(1) type(1)
//! hash pages (type 13, or 2 for the unsorted pages of old libdb): after the header,
//!   `entries` 2-byte item offsets, alternately key and value; items grow down from the
//!   page end, so an item ends where the previous one starts
//! items: type 1 = data inline after the type byte; type 3 = off-page, with the first
//!   overflow page at +4 and the total length at +8
//! overflow pages (type 7): `high_free` bytes of the value after the header, continued on
//!   the `next` page
//! ```
//!
//! rpm stores each header under its 4-byte header number; number 0 holds rpm's counter, not
//! a header, and is skipped. A metadata page, bucket page or bucket chain that is damaged
//! fails the whole database. A record whose items or overflow chain are damaged is skipped
//! and reported. Pages are fetched only by number and checked against the number they
//! record, and every page is used at most once, so a hostile chain cannot loop.

use std::borrow::Cow;

use crate::error::{ParseError, Position};

use super::{BlobOrigin, Collector};

/// The `format` of errors from this module.
const FORMAT: &str = "rpm Berkeley DB";
/// Magic number of a hash database.
const HASH_MAGIC: u32 = 0x0006_1561;
/// Bytes of the metadata page that are read: up to the end of the spares array.
const META_SIZE: usize = 224;
/// Number of entries in the spares array.
const SPARES: usize = 32;
/// Bytes of the header every non-metadata page starts with.
const PAGE_HEADER_SIZE: usize = 26;
/// Page type of unsorted hash pages, written by libdb before 4.x.
const PAGE_HASH_UNSORTED: u8 = 2;
/// Page type of overflow pages.
const PAGE_OVERFLOW: u8 = 7;
/// Page type of the hash metadata page.
const PAGE_HASH_META: u8 = 8;
/// Page type of hash pages.
const PAGE_HASH: u8 = 13;
/// Item type of inline data.
const ITEM_DATA: u8 = 1;
/// Item type of on-page duplicates.
const ITEM_DUPLICATE: u8 = 2;
/// Item type of off-page data.
const ITEM_OFF_PAGE: u8 = 3;
/// Item type of off-page duplicates.
const ITEM_OFF_DUPLICATE: u8 = 4;
/// Bytes of an off-page item: type, padding, page number, length.
const OFF_PAGE_ITEM_SIZE: usize = 12;
/// Most bytes reserved up front for an overflow value, whatever length its item claims, so
/// that many items claiming huge lengths cannot make us allocate more than they prove.
const MAX_RESERVE: usize = 1 << 20;

/// The byte order the database was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ByteOrder {
    /// Little-endian (x86, most ARM).
    Little,
    /// Big-endian (s390x, older POWER).
    Big,
}

impl ByteOrder {
    /// The `u16` at `offset`, if the slice is long enough.
    fn u16(self, bytes: &[u8], offset: usize) -> Option<u16> {
        let raw: [u8; 2] = bytes.get(offset..offset.checked_add(2)?)?.try_into().ok()?;
        Some(match self {
            Self::Little => u16::from_le_bytes(raw),
            Self::Big => u16::from_be_bytes(raw),
        })
    }

    /// The `u32` at `offset`, if the slice is long enough.
    fn u32(self, bytes: &[u8], offset: usize) -> Option<u32> {
        let raw: [u8; 4] = bytes.get(offset..offset.checked_add(4)?)?.try_into().ok()?;
        Some(match self {
            Self::Little => u32::from_le_bytes(raw),
            Self::Big => u32::from_be_bytes(raw),
        })
    }
}

/// A structural error at `offset`.
fn error(offset: usize, reason: impl Into<String>) -> ParseError {
    ParseError::new(FORMAT, Position::Offset(offset as u64), reason)
}

/// Reads every record of a Berkeley DB hash database into `collector`, bucket by bucket.
pub(super) fn read(content: &[u8], collector: &mut Collector) -> Result<(), ParseError> {
    let mut database = Database::open(content)?;
    for bucket in 0..=database.max_bucket {
        let mut number = database.bucket_page(bucket)?;
        loop {
            let page = database.claim(number).map_err(|reason| {
                error(
                    database.page_offset(number),
                    format!("hash bucket {bucket}: {reason}"),
                )
            })?;
            if !matches!(page.kind(), PAGE_HASH | PAGE_HASH_UNSORTED) {
                return Err(error(
                    database.page_offset(number) + 25,
                    format!(
                        "hash bucket {bucket} leads to page {number} of type {}, not a hash page",
                        page.kind()
                    ),
                ));
            }
            database.read_items(&page, collector)?;
            number = page.next();
            if number == 0 {
                break;
            }
        }
    }
    Ok(())
}

/// An open database: the file and what its metadata page says about it.
struct Database<'a> {
    /// The whole file.
    content: &'a [u8],
    /// Byte order of every multi-byte field.
    order: ByteOrder,
    /// Bytes per page, a power of two from 512 to 65536.
    page_size: usize,
    /// Number of pages, the metadata's last page number plus one; all are inside `content`.
    page_count: u32,
    /// Highest bucket number in use.
    max_bucket: u32,
    /// Page offsets per doubling of the table, indexed by the bit length of a bucket number.
    spares: [u32; SPARES],
    /// Pages already used by a bucket chain or an overflow value.
    used: Vec<bool>,
}

impl<'a> Database<'a> {
    /// Reads and checks the metadata page.
    fn open(content: &'a [u8]) -> Result<Self, ParseError> {
        let order = match content
            .get(12..16)
            .and_then(|raw| <[u8; 4]>::try_from(raw).ok())
        {
            Some(raw) if u32::from_le_bytes(raw) == HASH_MAGIC => ByteOrder::Little,
            Some(raw) if u32::from_be_bytes(raw) == HASH_MAGIC => ByteOrder::Big,
            _ => {
                return Err(ParseError::new(
                    FORMAT,
                    Position::File,
                    "no Berkeley DB hash magic",
                ));
            }
        };
        let meta = content.get(..META_SIZE).ok_or_else(|| {
            error(
                content.len(),
                format!(
                    "file of {} bytes ends inside the metadata page",
                    content.len()
                ),
            )
        })?;
        let field = |offset| order.u32(meta, offset).unwrap_or_default();
        let version = field(16);
        if !(8..=10).contains(&version) {
            return Err(error(16, format!("unsupported hash version {version}")));
        }
        let page_size = field(20);
        if !page_size.is_power_of_two() || !(512..=65_536).contains(&page_size) {
            return Err(error(20, format!("invalid page size {page_size}")));
        }
        let page_size = page_size as usize;
        let encryption = meta.get(24).copied().unwrap_or_default();
        if encryption != 0 {
            return Err(error(
                24,
                format!("encrypted database (algorithm {encryption}) is not supported"),
            ));
        }
        let page_type = meta.get(25).copied().unwrap_or_default();
        if page_type != PAGE_HASH_META {
            return Err(error(
                25,
                format!("metadata page has type {page_type}, not hash metadata"),
            ));
        }
        let last_page = field(32);
        let available = content.len() / page_size;
        let page_count = last_page
            .checked_add(1)
            .filter(|count| *count as usize <= available)
            .ok_or_else(|| {
                error(
                    32,
                    format!(
                        "last page {last_page} is past the end of a file of {available} \
                         {page_size}-byte pages"
                    ),
                )
            })?;
        let max_bucket = field(72);
        if max_bucket >= page_count {
            return Err(error(
                72,
                format!("{max_bucket} buckets cannot fit in {page_count} pages"),
            ));
        }
        let mut spares = [0; SPARES];
        for (index, spare) in spares.iter_mut().enumerate() {
            *spare = field(96 + index * 4);
        }
        Ok(Self {
            content,
            order,
            page_size,
            page_count,
            max_bucket,
            spares,
            used: vec![false; page_count as usize],
        })
    }

    /// Byte offset of page `number` in the file.
    fn page_offset(&self, number: u32) -> usize {
        (number as usize).saturating_mul(self.page_size)
    }

    /// The first page of `bucket`: `bucket + spares[bit length of bucket]`, as in libdb's
    /// `BUCKET_TO_PAGE`.
    fn bucket_page(&self, bucket: u32) -> Result<u32, ParseError> {
        let bits = (u32::BITS - bucket.leading_zeros()) as usize;
        self.spares
            .get(bits)
            .and_then(|spare| bucket.checked_add(*spare))
            .ok_or_else(|| error(96, format!("no page for hash bucket {bucket}")))
    }

    /// Fetches page `number` and marks it used, or says why it cannot be used: outside the
    /// file, page 0, recording another page number, or already used.
    fn claim(&mut self, number: u32) -> Result<Page<'a>, String> {
        if number == 0 || number >= self.page_count {
            return Err(format!(
                "page {number} is outside the database's {} pages",
                self.page_count
            ));
        }
        let start = self.page_offset(number);
        let bytes = self
            .content
            .get(start..start + self.page_size)
            .ok_or_else(|| format!("page {number} is past the end of the file"))?;
        let page = Page {
            bytes,
            order: self.order,
        };
        let recorded = page.field32(8);
        if recorded != number {
            return Err(format!("page {number} records page number {recorded}"));
        }
        let used = self
            .used
            .get_mut(number as usize)
            .ok_or_else(|| format!("page {number} is outside the database"))?;
        if *used {
            return Err(format!("page {number} is reached twice"));
        }
        *used = true;
        Ok(page)
    }

    /// Hands every key/value pair of a hash page to `collector`. A damaged index fails the
    /// database; a damaged pair is skipped.
    fn read_items(&mut self, page: &Page<'a>, collector: &mut Collector) -> Result<(), ParseError> {
        let number = page.field32(8);
        let entries = usize::from(page.field16(20));
        let index_end = PAGE_HEADER_SIZE + 2 * entries;
        if index_end > self.page_size {
            return Err(error(
                self.page_offset(number) + 20,
                format!("hash page {number} claims {entries} items, more than fit"),
            ));
        }
        let offset = |index: usize| usize::from(page.field16(PAGE_HEADER_SIZE + 2 * index));
        for key_index in (0..entries.saturating_sub(1)).step_by(2) {
            let key_start = offset(key_index);
            let key_end = match key_index.checked_sub(1) {
                Some(previous) => offset(previous),
                None => self.page_size,
            };
            let value_start = offset(key_index + 1);
            let index = u16::try_from(key_index).unwrap_or(u16::MAX);
            if !(index_end <= value_start && value_start < key_start && key_start < key_end)
                || key_end > self.page_size
            {
                collector.skip(error(
                    self.page_offset(number) + PAGE_HEADER_SIZE + 2 * key_index,
                    format!(
                        "record on page {number}, item {index}: item offsets {key_start} and \
                         {value_start} are out of order"
                    ),
                ));
                continue;
            }
            let key = page.bytes.get(key_start..key_end).unwrap_or_default();
            let value = page.bytes.get(value_start..key_start).unwrap_or_default();
            let key = match key {
                [ITEM_DATA, rest @ ..] if rest.len() == 4 => self.order.u32(rest, 0),
                _ => None,
            };
            if key == Some(0) {
                continue;
            }
            let origin = BlobOrigin::BerkeleyDb {
                page: number,
                index,
                key,
            };
            match self.value(value) {
                Ok(blob) => collector.blob(origin, &blob),
                Err(reason) => collector.skip(error(
                    self.page_offset(number) + value_start,
                    format!("{origin}: {reason}"),
                )),
            }
        }
        Ok(())
    }

    /// The bytes of a value item: borrowed when inline, gathered from its overflow pages
    /// when off-page.
    fn value(&mut self, item: &'a [u8]) -> Result<Cow<'a, [u8]>, String> {
        match item {
            [ITEM_DATA, data @ ..] => Ok(Cow::Borrowed(data)),
            [ITEM_OFF_PAGE, ..] if item.len() == OFF_PAGE_ITEM_SIZE => {
                let first = self.order.u32(item, 4).unwrap_or_default();
                let length = self.order.u32(item, 8).unwrap_or_default();
                self.overflow(first, length).map(Cow::Owned)
            }
            [ITEM_OFF_PAGE, ..] => Err(format!(
                "off-page item of {} bytes, expected {OFF_PAGE_ITEM_SIZE}",
                item.len()
            )),
            [ITEM_DUPLICATE | ITEM_OFF_DUPLICATE, ..] => {
                Err("duplicate data items, which rpm never writes".to_owned())
            }
            [kind, ..] => Err(format!("unknown item type {kind}")),
            [] => Err("empty item".to_owned()),
        }
    }

    /// Concatenates the overflow chain starting at page `first` into a `length`-byte value.
    fn overflow(&mut self, first: u32, length: u32) -> Result<Vec<u8>, String> {
        let total = length as usize;
        if total == 0 || total > self.content.len() {
            return Err(format!(
                "off-page value claims {length} bytes in a file of {}",
                self.content.len()
            ));
        }
        let mut value = Vec::with_capacity(total.min(MAX_RESERVE));
        let mut number = first;
        while value.len() < total {
            let page = self.claim(number).map_err(|reason| {
                format!(
                    "overflow chain broken after {} of {length} bytes: {reason}",
                    value.len()
                )
            })?;
            if page.kind() != PAGE_OVERFLOW {
                return Err(format!(
                    "overflow chain reaches page {number} of type {}",
                    page.kind()
                ));
            }
            let held = usize::from(page.field16(22));
            let data = page
                .bytes
                .get(PAGE_HEADER_SIZE..PAGE_HEADER_SIZE + held)
                .filter(|data| !data.is_empty() && data.len() <= total - value.len())
                .ok_or_else(|| {
                    format!(
                        "overflow page {number} holds {held} bytes with {} of {length} still \
                         to read",
                        total - value.len()
                    )
                })?;
            value.extend_from_slice(data);
            number = page.next();
        }
        Ok(value)
    }
}

/// One page other than the metadata page.
struct Page<'a> {
    /// The page's bytes, exactly one page long.
    bytes: &'a [u8],
    /// Byte order of the database.
    order: ByteOrder,
}

impl Page<'_> {
    /// The `u16` header field at `offset`; pages are at least 512 bytes, so header fields
    /// are always present.
    fn field16(&self, offset: usize) -> u16 {
        self.order.u16(self.bytes, offset).unwrap_or_default()
    }

    /// The `u32` header field at `offset`.
    fn field32(&self, offset: usize) -> u32 {
        self.order.u32(self.bytes, offset).unwrap_or_default()
    }

    /// The page type.
    fn kind(&self) -> u8 {
        self.bytes.get(25).copied().unwrap_or_default()
    }

    /// The next page in this page's chain, 0 at the end.
    fn next(&self) -> u32 {
        self.field32(16)
    }
}

#[cfg(test)]
mod tests {
    //! Hand-built hash databases in both byte orders, with inline, off-page and damaged
    //! values.

    use super::*;
    use crate::os::rpm::RpmDb;
    use crate::os::rpm::header::tests::sample;

    const PAGE: usize = 512;

    /// A value to store in a test database.
    enum Stored {
        /// Inline on the hash page.
        Inline(Vec<u8>),
        /// On overflow pages.
        OffPage(Vec<u8>),
    }

    /// Builds a one-bucket hash database of 512-byte pages: metadata on page 0, the bucket
    /// on page 1, overflow pages after it.
    fn build(order: ByteOrder, records: &[(u32, Stored)]) -> Vec<u8> {
        let put16 = |bytes: &mut [u8], offset: usize, value: u16| {
            let raw = match order {
                ByteOrder::Little => value.to_le_bytes(),
                ByteOrder::Big => value.to_be_bytes(),
            };
            bytes[offset..offset + 2].copy_from_slice(&raw);
        };
        let put32 = |bytes: &mut [u8], offset: usize, value: u32| {
            let raw = match order {
                ByteOrder::Little => value.to_le_bytes(),
                ByteOrder::Big => value.to_be_bytes(),
            };
            bytes[offset..offset + 4].copy_from_slice(&raw);
        };
        let mut file = vec![0; 2 * PAGE];
        // Hash page 1: items grow down from the end.
        put32(&mut file[PAGE..], 8, 1);
        file[PAGE + 25] = PAGE_HASH;
        let mut top = PAGE;
        let mut entries = 0;
        for (key, stored) in records {
            let mut key_item = vec![ITEM_DATA];
            key_item.extend_from_slice(&match order {
                ByteOrder::Little => key.to_le_bytes(),
                ByteOrder::Big => key.to_be_bytes(),
            });
            let value_item = match stored {
                Stored::Inline(data) => {
                    let mut item = vec![ITEM_DATA];
                    item.extend_from_slice(data);
                    item
                }
                Stored::OffPage(data) => {
                    let first = u32::try_from(file.len() / PAGE).unwrap();
                    let chunks: Vec<_> = data.chunks(PAGE - PAGE_HEADER_SIZE).collect();
                    for (number, chunk) in chunks.iter().enumerate() {
                        let mut page = vec![0; PAGE];
                        let this = first + u32::try_from(number).unwrap();
                        put32(&mut page, 8, this);
                        if number + 1 < chunks.len() {
                            put32(&mut page, 16, this + 1);
                        }
                        put16(&mut page, 22, u16::try_from(chunk.len()).unwrap());
                        page[25] = PAGE_OVERFLOW;
                        page[PAGE_HEADER_SIZE..PAGE_HEADER_SIZE + chunk.len()]
                            .copy_from_slice(chunk);
                        file.extend_from_slice(&page);
                    }
                    let mut item = vec![ITEM_OFF_PAGE, 0, 0, 0];
                    item.extend_from_slice(&[0; 8]);
                    put32(&mut item, 4, first);
                    put32(&mut item, 8, u32::try_from(data.len()).unwrap());
                    item
                }
            };
            for item in [key_item, value_item] {
                top -= item.len();
                file[PAGE + top..PAGE + top + item.len()].copy_from_slice(&item);
                put16(
                    &mut file[PAGE..],
                    PAGE_HEADER_SIZE + 2 * entries,
                    u16::try_from(top).unwrap(),
                );
                entries += 1;
            }
        }
        put16(&mut file[PAGE..], 20, u16::try_from(entries).unwrap());
        // Metadata page 0.
        put32(&mut file, 12, HASH_MAGIC);
        put32(&mut file, 16, 9);
        put32(&mut file, 20, u32::try_from(PAGE).unwrap());
        file[25] = PAGE_HASH_META;
        let last_page = u32::try_from(file.len() / PAGE - 1).unwrap();
        put32(&mut file, 32, last_page);
        put32(&mut file, 72, 0);
        // Bucket 0 is on page 0 + spares[0].
        put32(&mut file, 96, 1);
        file
    }

    fn parse(content: &[u8]) -> Result<RpmDb, ParseError> {
        let mut collector = Collector::default();
        read(content, &mut collector)?;
        Ok(collector.database)
    }

    /// A small valid header blob that fits inline on a 512-byte page.
    fn small_header() -> Vec<u8> {
        use crate::os::rpm::header::tag;
        use crate::os::rpm::header::tests::{Value, build};
        build(&[
            (tag::NAME, Value::String("tiny")),
            (tag::VERSION, Value::String("1")),
            (tag::RELEASE, Value::String("2")),
        ])
    }

    #[test]
    fn reads_inline_and_off_page_values_in_both_byte_orders() {
        for order in [ByteOrder::Little, ByteOrder::Big] {
            let file = build(
                order,
                &[
                    // rpm's counter record, under key 0, is not a header.
                    (0, Stored::Inline(vec![9, 0, 0, 0])),
                    (1, Stored::OffPage(sample())),
                    (2, Stored::Inline(small_header())),
                ],
            );
            let database = parse(&file).unwrap();
            assert_eq!(database.skipped, [], "{order:?}");
            let names: Vec<_> = database
                .packages
                .iter()
                .map(|record| record.name.as_str())
                .collect();
            assert_eq!(names, ["curl", "tiny"], "{order:?}");
            assert_eq!(database.packages[0].files.len(), 3);
        }
    }

    #[test]
    fn skips_a_record_with_a_broken_overflow_chain() {
        let mut file = build(
            ByteOrder::Little,
            &[
                (1, Stored::OffPage(sample())),
                (2, Stored::Inline(small_header())),
            ],
        );
        // The value's first overflow page is page 2: make it hold only part of the value and
        // continue on itself.
        file[2 * PAGE + 16..2 * PAGE + 20].copy_from_slice(&2u32.to_le_bytes());
        file[2 * PAGE + 22..2 * PAGE + 24].copy_from_slice(&100u16.to_le_bytes());
        let database = parse(&file).unwrap();
        assert_eq!(database.packages.len(), 1);
        assert_eq!(database.skipped.len(), 1);
        assert!(
            database.skipped[0]
                .reason
                .contains("page 2 is reached twice"),
            "{}",
            database.skipped[0].reason
        );
    }

    #[test]
    fn skips_overflow_values_with_impossible_lengths() {
        let mut file = build(ByteOrder::Little, &[(1, Stored::OffPage(sample()))]);
        // The off-page item is the lowest item on page 1; its length is at +8.
        let item = PAGE + usize::from(u16::from_le_bytes([file[PAGE + 28], file[PAGE + 29]]));
        file[item + 8..item + 12].copy_from_slice(&u32::MAX.to_le_bytes());
        let database = parse(&file).unwrap();
        assert!(database.packages.is_empty());
        assert!(
            database.skipped[0]
                .reason
                .contains("claims 4294967295 bytes")
        );
        // A length one byte longer than the chain holds.
        let mut file = build(ByteOrder::Little, &[(1, Stored::OffPage(sample()))]);
        let length = u32::try_from(sample().len() + 1).unwrap();
        file[item + 8..item + 12].copy_from_slice(&length.to_le_bytes());
        let database = parse(&file).unwrap();
        assert!(database.skipped[0].reason.contains("overflow chain broken"));
    }

    #[test]
    fn rejects_damaged_metadata() {
        let good = build(ByteOrder::Little, &[(1, Stored::Inline(small_header()))]);
        assert_eq!(parse(b"bogus").unwrap_err().position, Position::File);
        assert_eq!(
            parse(&good[..100]).unwrap_err().position,
            Position::Offset(100)
        );
        let damage = |offset: usize, value: u32| {
            let mut file = good.clone();
            file[offset..offset + 4].copy_from_slice(&value.to_le_bytes());
            parse(&file).unwrap_err()
        };
        assert!(damage(16, 7).reason.contains("hash version 7"));
        assert!(damage(20, 1000).reason.contains("page size 1000"));
        assert!(damage(24, 1).reason.contains("encrypted"));
        assert!(damage(32, 40).reason.contains("last page 40"));
        assert!(damage(32, u32::MAX).reason.contains("last page"));
        assert!(damage(72, 5).reason.contains("5 buckets"));
        // Bucket 0 pointing at the metadata page or past the end.
        assert!(damage(96, 0).reason.contains("page 0 is outside"));
        assert!(damage(96, 9).reason.contains("page 9 is outside"));
    }

    #[test]
    fn rejects_damaged_bucket_chains() {
        let good = build(ByteOrder::Little, &[(1, Stored::OffPage(sample()))]);
        // The bucket page chaining to itself.
        let mut file = good.clone();
        file[PAGE + 16..PAGE + 20].copy_from_slice(&1u32.to_le_bytes());
        assert!(parse(&file).unwrap_err().reason.contains("reached twice"));
        // The bucket page chaining to the overflow page its own record already used.
        let mut file = good.clone();
        file[PAGE + 16..PAGE + 20].copy_from_slice(&2u32.to_le_bytes());
        assert!(
            parse(&file)
                .unwrap_err()
                .reason
                .contains("page 2 is reached twice")
        );
        // The bucket starting on an overflow page.
        let mut file = good.clone();
        file[96..100].copy_from_slice(&2u32.to_le_bytes());
        assert!(parse(&file).unwrap_err().reason.contains("not a hash page"));
        // An item count larger than the page.
        let mut file = good;
        file[PAGE + 20..PAGE + 22].copy_from_slice(&u16::MAX.to_le_bytes());
        assert!(parse(&file).unwrap_err().reason.contains("more than fit"));
    }

    #[test]
    fn survives_every_truncation_and_byte_flip() {
        let file = build(
            ByteOrder::Big,
            &[
                (1, Stored::OffPage(sample())),
                (2, Stored::Inline(small_header())),
            ],
        );
        for cut in (0..file.len()).step_by(5) {
            let _ = parse(&file[..cut]);
        }
        let interesting = (0..128)
            .chain(PAGE..PAGE + 64)
            .chain(PAGE * 2 - 64..PAGE * 2 + 32);
        for position in interesting {
            for value in [0x00, 0x01, 0x02, 0x80, 0xff] {
                let mut mutated = file.clone();
                mutated[position] = value;
                let _ = parse(&mutated);
            }
        }
    }
}
