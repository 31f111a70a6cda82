//! Gradle's dependency-verification metadata, `gradle/verification-metadata.xml` (Gradle user
//! guide, "Verifying dependencies"): every module Gradle downloaded and checked, as
//! `<components><component group="…" name="…" version="…">`.
//!
//! The file lists what any configuration of the build resolved, plugins and parent POMs
//! included, without saying which; records carry no scope. A component missing an attribute
//! names no package and is skipped; a file that is not XML, or whose root is not
//! `<verification-metadata>`, is a [`ParseError`].

use custody_model::Ecosystem;

use crate::{PackageRecord, ParseError, Position};

use super::xml;

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "Gradle verification metadata";

/// Parses a `verification-metadata.xml`.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let text = xml::decode(FORMAT, content)?;
    let document = xml::parse(FORMAT, &text)?;
    let root = document.root_element();
    if root.tag_name().name() != "verification-metadata" {
        return Err(ParseError::new(
            FORMAT,
            Position::File,
            format!(
                "the root element is <{}>, not <verification-metadata>",
                root.tag_name().name()
            ),
        ));
    }
    let mut records: Vec<PackageRecord> = Vec::new();
    let components = xml::children(root, "components")
        .flat_map(|components| xml::children(components, "component"));
    for component in components {
        let attribute = |name| {
            component
                .attribute(name)
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        let (Some(group), Some(artifact), Some(version)) =
            (attribute("group"), attribute("name"), attribute("version"))
        else {
            continue;
        };
        let name = format!("{group}:{artifact}");
        if !records
            .iter()
            .any(|record| record.name == name && record.version == version)
        {
            records.push(PackageRecord::new(Ecosystem::Maven, name, version));
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_components() {
        let records = parse(
            br#"<?xml version="1.0" encoding="UTF-8"?>
<verification-metadata xmlns="https://schema.gradle.org/dependency-verification">
  <components>
    <component version="2.0.17" name="pdfbox" group="org.apache.pdfbox"/>
    <component group="org.apache.pdfbox" name="pdfbox" version="2.0.17"/>
    <component group="no.version" name="x"/>
  </components>
</verification-metadata>"#,
        )
        .unwrap();
        assert_eq!(records.len(), 1);
        assert_eq!(records[0].name, "org.apache.pdfbox:pdfbox");
        assert_eq!(records[0].version, "2.0.17");
        assert!(parse(b"<project/>").is_err());
    }
}
