//! A lenient PEM reader and a canonical PEM writer for key files.
//!
//! Reading follows Go's `encoding/pem.Decode`, which cosign uses: text before the first
//! `-----BEGIN` line is ignored, lines may end in CRLF, whitespace around and inside the base64
//! body is dropped, and only the first block counts. RFC 1421 headers (`Proc-Type: …`) are not
//! supported: no key format custody reads uses them. Writing produces 64-column base64 lines
//! and a trailing newline, as Go's `pem.EncodeToMemory` does.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::KeyError;

/// One PEM block: its label and the DER bytes of its body.
#[derive(Debug)]
pub(crate) struct PemBlock {
    /// The label between `-----BEGIN ` and `-----`, such as `PUBLIC KEY`.
    pub(crate) label: String,
    /// The decoded body.
    pub(crate) der: Vec<u8>,
}

/// Decode the first PEM block in `text`; `expected` names the labels the caller accepts, for
/// the error message when no block is found.
pub(crate) fn decode(text: &str, expected: &'static str) -> Result<PemBlock, KeyError> {
    let mut lines = text.lines().enumerate();
    let (begin_line, label) = lines
        .by_ref()
        .find_map(|(index, line)| begin_label(line).map(|label| (index + 1, label.to_owned())))
        .ok_or(KeyError::NoPemBlock { expected })?;
    let end = format!("-----END {label}-----");
    let mut body = String::new();
    let mut closed = false;
    for (_, line) in lines {
        let line = line.trim();
        if line == end {
            closed = true;
            break;
        }
        body.extend(line.chars().filter(|c| !c.is_ascii_whitespace()));
    }
    if !closed {
        return Err(KeyError::UnterminatedPem {
            label,
            line: begin_line,
        });
    }
    let der = STANDARD
        .decode(body.as_bytes())
        .map_err(|source| KeyError::PemBase64 {
            label: label.clone(),
            line: begin_line,
            source,
        })?;
    Ok(PemBlock { label, der })
}

/// The label of a `-----BEGIN LABEL-----` line (surrounding whitespace allowed).
fn begin_label(line: &str) -> Option<&str> {
    line.trim()
        .strip_prefix("-----BEGIN ")?
        .strip_suffix("-----")
}

/// Encode `der` as a PEM block with `label`: 64-column lines, `\n` endings.
pub(crate) fn encode(label: &str, der: &[u8]) -> String {
    let body = STANDARD.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for chunk in body.as_bytes().chunks(64) {
        // Base64 output is ASCII, so every chunk boundary is a char boundary.
        out.push_str(std::str::from_utf8(chunk).expect("base64 output is ASCII"));
        out.push('\n');
    }
    out.push_str("-----END ");
    out.push_str(label);
    out.push_str("-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_lenient_reading() {
        let der: Vec<u8> = (0..=200).collect();
        let text = encode("PUBLIC KEY", &der);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.first(), Some(&"-----BEGIN PUBLIC KEY-----"));
        assert!(lines.iter().all(|line| line.len() <= 64));
        // Leading junk, CRLF endings and indentation are tolerated, as by Go's pem.Decode.
        let messy = format!("comment line\r\n\r\n  {}  \n", text.replace('\n', "\r\n"));
        let block = decode(&messy, "PUBLIC KEY").unwrap();
        assert_eq!(block.label, "PUBLIC KEY");
        assert_eq!(block.der, der);
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(matches!(
            decode("nothing here", "PUBLIC KEY"),
            Err(KeyError::NoPemBlock { .. })
        ));
        let text = encode("PUBLIC KEY", b"0123456789");
        let truncated = text.lines().take(2).collect::<Vec<_>>().join("\n");
        assert!(matches!(
            decode(&truncated, "PUBLIC KEY"),
            Err(KeyError::UnterminatedPem { line: 1, .. })
        ));
        let corrupt = "x\n-----BEGIN A-----\n!!!!\n-----END A-----\n";
        assert!(matches!(
            decode(corrupt, "A"),
            Err(KeyError::PemBase64 { line: 2, .. })
        ));
    }
}
