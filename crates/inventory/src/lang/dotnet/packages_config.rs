//! NuGet's legacy `packages.config`
//! (<https://learn.microsoft.com/en-us/nuget/reference/packages-config>): a `<packages>` root
//! with one `<package id="…" version="…" targetFramework="…"/>` per installed package, direct
//! and transitive alike, with `developmentDependency="true"` for development-only ones.
//!
//! Entries without an id or a version are skipped, as NuGet cannot restore them either. The
//! XML is read by `roxmltree`, which refuses DTDs, so no entity can expand or reach outside the
//! file.

use custody_model::Ecosystem;

use crate::lang::document::utf8;
use crate::{PackageRecord, ParseError, Position};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "packages.config";

/// Parses a `packages.config`; an empty file holds no packages.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let text = utf8(FORMAT, content)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    let document = roxmltree::Document::parse(text).map_err(|error| {
        let line = usize::try_from(error.pos().row).unwrap_or(usize::MAX);
        ParseError::new(FORMAT, Position::Line(line.max(1)), error.to_string())
    })?;
    let root = document.root_element();
    if !root.has_tag_name("packages") {
        return Err(ParseError::new(
            FORMAT,
            Position::File,
            format!(
                "root element is <{}>, not <packages>",
                root.tag_name().name()
            ),
        ));
    }
    let mut records: Vec<PackageRecord> = Vec::new();
    for package in root.children().filter(|node| node.has_tag_name("package")) {
        let attribute = |name| {
            package
                .attribute(name)
                .map(str::trim)
                .filter(|value| !value.is_empty())
        };
        let (Some(id), Some(version)) = (attribute("id"), attribute("version")) else {
            continue;
        };
        let dev = attribute("developmentDependency")
            .is_some_and(|value| value.eq_ignore_ascii_case("true"));
        let mut record = PackageRecord::new(Ecosystem::Nuget, id, version);
        record.scope.dev = dev;
        records.push(record);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_packages_and_development_dependencies() {
        let records = parse(
            b"\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<packages>\n  \
              <package id=\"jQuery\" version=\"3.5.1\" targetFramework=\"net48\" />\n  \
              <package id=\"Microsoft.Net.Compilers\" version=\"2.4.0\" \
              developmentDependency=\"true\" />\n  <package id=\"NoVersion\" />\n  \
              <!-- <package id=\"Commented\" version=\"1\" /> -->\n</packages>\n",
        )
        .unwrap();
        let found: Vec<_> = records
            .iter()
            .map(|record| {
                (
                    record.name.as_str(),
                    record.version.as_str(),
                    record.scope.dev,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("jQuery", "3.5.1", false),
                ("Microsoft.Net.Compilers", "2.4.0", true)
            ]
        );
    }

    #[test]
    fn malformed_xml_is_an_error_at_its_line() {
        let error =
            parse(b"<packages>\n  <package id=\"a\" version=\"1\">\n</packages>\n").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        assert_eq!(parse(b"not\nxml").unwrap_err().position, Position::Line(1));
        assert_eq!(
            parse(b"<packages>\n\xff</packages>").unwrap_err().position,
            Position::Line(2)
        );
        assert_eq!(parse(b"<project/>").unwrap_err().position, Position::File);
        let error = parse(
            b"<!DOCTYPE p [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<packages>&x;</packages>",
        )
        .unwrap_err();
        assert_eq!(error.position, Position::Line(1));
        assert!(parse(b"\n").unwrap().is_empty());
    }
}
