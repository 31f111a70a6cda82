//! Decoding of protobuf-JSON scalar fields: `bytes` as base64 and `int64` as strings.
//!
//! protobuf-JSON writes `bytes` as standard base64 with padding, and readers (Go's protojson,
//! which cosign and sigstore-go use) accept the URL-safe alphabet and missing padding too. Keys,
//! certificates and signatures pasted into files often gain line breaks, so ASCII whitespace
//! is skipped as cosign does; any other character outside the alphabet is an error. `int64`
//! is written as a JSON string and read from a string or a number.

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};

/// Standard alphabet, padding optional.
const STANDARD_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// URL-safe alphabet, padding optional.
const URL_SAFE_LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decodes base64 as protobuf-JSON readers do: standard or URL-safe alphabet, padding
/// optional, ASCII whitespace ignored.
pub(crate) fn decode_base64(text: &str) -> Result<Vec<u8>, base64::DecodeError> {
    let compact: String = text
        .chars()
        .filter(|character| !character.is_ascii_whitespace())
        .collect();
    if compact.contains(['-', '_']) {
        URL_SAFE_LENIENT.decode(compact)
    } else {
        STANDARD_LENIENT.decode(compact)
    }
}

/// Encodes bytes as protobuf-JSON writes them: standard alphabet with padding.
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_standard_url_safe_unpadded_and_wrapped() {
        assert_eq!(decode_base64("+/8=").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode_base64("-_8").unwrap(), [0xfb, 0xff]);
        assert_eq!(decode_base64("aGVs\nbG8=\r\n").unwrap(), b"hello");
        assert_eq!(decode_base64(" aGVsbG8 ").unwrap(), b"hello");
    }

    #[test]
    fn rejects_characters_outside_the_alphabet() {
        assert!(decode_base64("INVALID!!!BASE64!!!ENCODING====").is_err());
        assert!(decode_base64("aGVs*bG8=").is_err());
        // Both alphabets at once is neither encoding.
        assert!(decode_base64("+-8=").is_err());
    }

    #[test]
    fn encodes_standard_with_padding() {
        assert_eq!(encode_base64(&[0xfb, 0xff]), "+/8=");
    }
}
