//! ASCII armor (RFC 4880 §6, RFC 9580 §6.2): `-----BEGIN PGP …-----`, optional `Key: value`
//! headers, a blank line, base64 lines, an optional `=XXXX` CRC-24 checksum and the matching
//! `-----END PGP …-----` line. A file may hold several armored blocks (concatenated exports);
//! text outside them is ignored, as gpg does.

use base64::Engine as _;

use super::OpenPgpError;

/// The binary contents of every armored block in `text`, in order; an empty list when there is
/// none.
pub(crate) fn decode_all(text: &[u8]) -> Result<Vec<Vec<u8>>, OpenPgpError> {
    let mut blocks = Vec::new();
    let mut lines = text
        .split(|&byte| byte == b'\n')
        .map(|line| line.strip_suffix(b"\r").unwrap_or(line))
        .enumerate();
    while let Some((number, line)) = lines.next() {
        let Some(label) = line
            .strip_prefix(b"-----BEGIN ")
            .and_then(|rest| rest.strip_suffix(b"-----"))
        else {
            continue;
        };
        let label = label.to_vec();
        let mut base64 = Vec::new();
        let mut checksum: Option<Vec<u8>> = None;
        let mut in_headers = true;
        let mut ended = false;
        for (_, line) in lines.by_ref() {
            if let Some(end) = line
                .strip_prefix(b"-----END ")
                .and_then(|rest| rest.strip_suffix(b"-----"))
            {
                if end != label.as_slice() {
                    return Err(OpenPgpError::Armor {
                        line: number + 1,
                        reason: "the END line does not match the BEGIN line",
                    });
                }
                ended = true;
                break;
            }
            let trimmed = line.trim_ascii();
            if in_headers {
                if trimmed.is_empty() {
                    in_headers = false;
                    continue;
                }
                if trimmed.windows(2).any(|pair| pair == b": ") {
                    continue;
                }
                // No blank line after the BEGIN line: what follows is already the body.
                in_headers = false;
            }
            if let Some(crc) = trimmed.strip_prefix(b"=") {
                checksum = Some(crc.to_vec());
            } else if checksum.is_some() {
                if !trimmed.is_empty() {
                    return Err(OpenPgpError::Armor {
                        line: number + 1,
                        reason: "data after the checksum line",
                    });
                }
            } else {
                base64.extend_from_slice(trimmed);
            }
        }
        if !ended {
            return Err(OpenPgpError::Armor {
                line: number + 1,
                reason: "no END line",
            });
        }
        let data = base64::engine::general_purpose::STANDARD
            .decode(&base64)
            .map_err(|_| OpenPgpError::Armor {
                line: number + 1,
                reason: "invalid base64",
            })?;
        if let Some(checksum) = checksum {
            let expected = base64::engine::general_purpose::STANDARD
                .decode(&checksum)
                .ok()
                .filter(|bytes| bytes.len() == 3)
                .ok_or(OpenPgpError::Armor {
                    line: number + 1,
                    reason: "malformed checksum line",
                })?;
            let crc = crc24(&data).to_be_bytes();
            if crc.get(1..) != Some(expected.as_slice()) {
                return Err(OpenPgpError::Armor {
                    line: number + 1,
                    reason: "CRC-24 checksum mismatch",
                });
            }
        }
        blocks.push(data);
    }
    Ok(blocks)
}

/// Whether `bytes` look armored rather than binary packets (a binary packet's first byte has
/// its high bit set; armor is ASCII).
pub(crate) fn is_armored(bytes: &[u8]) -> bool {
    bytes.first().is_some_and(|&byte| byte & 0x80 == 0)
}

/// The CRC-24 of RFC 4880 §6.1.
fn crc24(data: &[u8]) -> u32 {
    const INIT: u32 = 0x00B7_04CE;
    const POLY: u32 = 0x0186_4CFB;
    let mut crc = INIT;
    for &byte in data {
        crc ^= u32::from(byte) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x0100_0000 != 0 {
                crc ^= POLY;
            }
        }
    }
    crc & 0x00FF_FFFF
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc24_of_rfc_check_value() {
        // The CRC-24/OPENPGP check value: the CRC of ASCII "123456789".
        assert_eq!(crc24(b"123456789"), 0x0021_CF02);
    }

    #[test]
    fn decodes_blocks_and_checks_the_checksum() {
        let data = b"hello";
        let body = base64::engine::general_purpose::STANDARD.encode(data);
        let crc = base64::engine::general_purpose::STANDARD.encode(&crc24(data).to_be_bytes()[1..]);
        let block = format!(
            "-----BEGIN PGP SIGNATURE-----\nComment: x\n\n{body}\n={crc}\n-----END PGP SIGNATURE-----\n"
        );
        let text = format!("junk\n{block}{block}");
        assert_eq!(
            decode_all(text.as_bytes()).expect("valid"),
            vec![data.to_vec(), data.to_vec()]
        );
        let bad = block.replace(&format!("={crc}"), "=AAAA");
        assert!(matches!(
            decode_all(bad.as_bytes()),
            Err(OpenPgpError::Armor {
                reason: "CRC-24 checksum mismatch",
                ..
            })
        ));
        let truncated = "-----BEGIN PGP SIGNATURE-----\n\naGVsbG8=\n";
        assert!(matches!(
            decode_all(truncated.as_bytes()),
            Err(OpenPgpError::Armor {
                reason: "no END line",
                ..
            })
        ));
    }
}
