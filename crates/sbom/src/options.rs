//! What the encoders need besides the inventory: who wrote the document, when, and under
//! which serial number.

use jiff::Timestamp;
use uuid::Uuid;

/// Document-level facts for [`to_cyclonedx`](crate::to_cyclonedx) and
/// [`to_spdx`](crate::to_spdx).
///
/// The encoders read no clock and draw no random numbers: the same inventory and the same
/// options always give the same bytes, which is what snapshot tests and reproducible builds
/// need. [`EncodeOptions::now`] fills in the current time and a fresh serial for real use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeOptions {
    /// custody's version, written as the creating tool's version (`0.1.0`).
    pub tool_version: String,
    /// When the document was created; written with seconds precision in UTC, since SPDX
    /// requires that form and sub-second precision means nothing for an SBOM.
    pub timestamp: Timestamp,
    /// The document's identity: CycloneDX `serialNumber` (`urn:uuid:…`) and the unique part
    /// of the SPDX `documentNamespace`.
    pub serial: Uuid,
}

impl EncodeOptions {
    /// Options for a document created now, with a random (version 4) serial.
    pub fn now(tool_version: impl Into<String>) -> Self {
        Self {
            tool_version: tool_version.into(),
            timestamp: Timestamp::now(),
            serial: Uuid::new_v4(),
        }
    }

    /// The timestamp as RFC 3339 in UTC with whole seconds (`2024-05-01T12:00:00Z`).
    pub(crate) fn created(&self) -> String {
        // Truncating to the second keeps the `Z` form without a fraction; `Timestamp`'s
        // `Display` prints RFC 3339 in UTC.
        Timestamp::from_second(self.timestamp.as_second())
            .unwrap_or(self.timestamp)
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_drops_sub_seconds() {
        let options = EncodeOptions {
            tool_version: "0.1.0".into(),
            timestamp: "2024-05-01T12:00:00.987654321Z".parse().unwrap(),
            serial: Uuid::nil(),
        };
        assert_eq!(options.created(), "2024-05-01T12:00:00Z");
    }

    #[test]
    fn now_is_fresh() {
        assert_ne!(
            EncodeOptions::now("0.1.0").serial,
            EncodeOptions::now("0.1.0").serial
        );
    }
}
