//! OpenPGP packet framing (RFC 4880 §4.2, RFC 9580 §4.2): old- and new-format headers, and a
//! bounds-checked reader for packet bodies. Partial body lengths (new format, 224–254) are
//! refused: they exist for streamed literal and encrypted data, never for keys or signatures.
//! The old format's indeterminate length means "to the end of the input", which is bounded.

use super::OpenPgpError;

/// One packet: its tag and its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Packet<'a> {
    pub(crate) tag: u8,
    pub(crate) body: &'a [u8],
}

/// Signature packet.
pub(crate) const TAG_SIGNATURE: u8 = 2;
/// Public-key packet (a primary key).
pub(crate) const TAG_PUBLIC_KEY: u8 = 6;
/// User ID packet.
pub(crate) const TAG_USER_ID: u8 = 13;
/// Public-subkey packet.
pub(crate) const TAG_PUBLIC_SUBKEY: u8 = 14;

/// Splits `data` into packets.
pub(crate) fn packets(data: &[u8]) -> impl Iterator<Item = Result<Packet<'_>, OpenPgpError>> {
    let mut reader = Reader::new(data);
    std::iter::from_fn(move || {
        if reader.is_empty() {
            return None;
        }
        let packet = next_packet(&mut reader);
        if packet.is_err() {
            // Stop after an error: the framing of what follows is unknown.
            reader = Reader::new(&[]);
        }
        Some(packet)
    })
}

fn next_packet<'a>(reader: &mut Reader<'a>) -> Result<Packet<'a>, OpenPgpError> {
    let offset = reader.offset;
    let header = reader.u8()?;
    if header & 0x80 == 0 {
        return Err(OpenPgpError::Packet {
            offset,
            reason: "not a packet header (bit 7 is clear)",
        });
    }
    let (tag, length) = if header & 0x40 == 0 {
        let tag = (header >> 2) & 0x0F;
        let length = match header & 0x03 {
            0 => usize::from(reader.u8()?),
            1 => usize::from(reader.u16()?),
            2 => reader.u32()? as usize,
            _ => reader.remaining(),
        };
        (tag, length)
    } else {
        let tag = header & 0x3F;
        let first = reader.u8()?;
        let length = match first {
            0..=191 => usize::from(first),
            192..=223 => ((usize::from(first) - 192) << 8) + usize::from(reader.u8()?) + 192,
            255 => reader.u32()? as usize,
            224..=254 => {
                return Err(OpenPgpError::Packet {
                    offset,
                    reason: "partial body lengths are not allowed here",
                });
            }
        };
        (tag, length)
    };
    if tag == 0 {
        return Err(OpenPgpError::Packet {
            offset,
            reason: "reserved packet tag 0",
        });
    }
    let body = reader.take(length)?;
    Ok(Packet { tag, body })
}

/// A cursor over a packet body whose reads fail, never panic, past the end.
#[derive(Debug, Clone)]
pub(crate) struct Reader<'a> {
    data: &'a [u8],
    offset: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(data: &'a [u8]) -> Self {
        Self { data, offset: 0 }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.offset >= self.data.len()
    }

    pub(crate) fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.offset)
    }

    pub(crate) fn take(&mut self, length: usize) -> Result<&'a [u8], OpenPgpError> {
        let end = self.offset.checked_add(length);
        let bytes =
            end.and_then(|end| self.data.get(self.offset..end))
                .ok_or(OpenPgpError::Truncated {
                    offset: self.offset,
                    wanted: length,
                })?;
        self.offset += length;
        Ok(bytes)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, OpenPgpError> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, OpenPgpError> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, OpenPgpError> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], OpenPgpError> {
        let bytes = self.take(N)?;
        Ok(bytes.try_into().expect("take returned exactly N bytes"))
    }

    /// A multiprecision integer (RFC 4880 §3.2): a 16-bit bit count, then the big-endian
    /// bytes.
    pub(crate) fn mpi(&mut self) -> Result<&'a [u8], OpenPgpError> {
        let bits = usize::from(self.u16()?);
        self.take(bits.div_ceil(8))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_and_new_format_headers() {
        // Old format, tag 2, one-byte length; new format tag 13, one-byte length; new format
        // two-byte length (192 + 8 = 200 bytes).
        let mut data = vec![0x88, 2, 0xAA, 0xBB, 0xCD, 1, b'x', 0xC2, 0xC0, 8];
        data.extend(std::iter::repeat_n(7, 200));
        let packets: Vec<_> = packets(&data).collect::<Result<_, _>>().expect("valid");
        assert_eq!(packets.len(), 3);
        assert_eq!((packets[0].tag, packets[0].body), (2, &[0xAA, 0xBB][..]));
        assert_eq!((packets[1].tag, packets[1].body), (13, &b"x"[..]));
        assert_eq!((packets[2].tag, packets[2].body.len()), (2, 200));
    }

    #[test]
    fn truncation_and_partial_lengths_are_errors() {
        assert!(matches!(
            packets(&[0x88, 5, 1]).next(),
            Some(Err(OpenPgpError::Truncated { .. }))
        ));
        assert!(matches!(
            packets(&[0xCB, 0xE1, 1, 2]).next(),
            Some(Err(OpenPgpError::Packet {
                reason: "partial body lengths are not allowed here",
                ..
            }))
        ));
        assert!(matches!(
            packets(&[0x01]).next(),
            Some(Err(OpenPgpError::Packet { .. }))
        ));
        let mut after_error = packets(&[0x01, 0x88, 0]);
        assert!(after_error.next().is_some_and(|packet| packet.is_err()));
        assert!(after_error.next().is_none());
    }

    #[test]
    fn mpi_reads_bit_counts() {
        let mut reader = Reader::new(&[0, 9, 1, 0xFF, 0, 1]);
        assert_eq!(reader.mpi().expect("two bytes"), &[1, 0xFF]);
        assert!(reader.mpi().is_err());
    }
}
