//! Core metadata (the packaging specification "Core metadata specifications", versions 1.0 to
//! 2.4): the `METADATA` of a `.dist-info` directory, the `PKG-INFO` of a `.egg-info`
//! directory, and distutils' single-file `.egg-info`.
//!
//! The format is RFC 822 headers as Python's `email` parser reads them (which is how
//! `importlib.metadata` reads it): `Field: value` lines, continuation lines starting with a
//! space or tab, and the headers end at the first empty line; what follows is the long
//! description, which is never read. Like Python's parser, a line that is neither a field nor
//! a continuation also ends the headers. Field names are case-insensitive; for single-use
//! fields the first occurrence wins, as `message["Name"]` returns it.
//!
//! # Errors
//!
//! A header line that is not UTF-8, a continuation line before the first field, and a file
//! without a non-empty `Name` or `Version` are [`ParseError`]s: Python could not import such
//! metadata, so it describes no installed distribution.
//!
//! # What is recorded
//!
//! - `licenses`: `License-Expression` (metadata 2.4); else `License` when it is one line and
//!   not `UNKNOWN` (many projects paste the whole license text there, which names nothing);
//!   else every `License ::` trove classifier, without the `License ::` and `OSI Approved ::`
//!   prefixes (`License :: OSI Approved :: MIT License` → `MIT License`).
//! - `depends`: the PEP 503 normalized name of every `Requires-Dist`, except those whose marker
//!   mentions `extra` (installed only when someone asks for that optional feature).
//!   Environment markers (`python_version < "3.8"`, `sys_platform == "win32"`) are not
//!   evaluated: the dependency is kept, and the resolver draws an edge only if the dependency
//!   is installed. setuptools' `requires.txt` next to an egg's `PKG-INFO` is a separate file
//!   and is not read.

use std::collections::HashSet;

use crate::{PackageRecord, ParseError, Position};

use super::pep508::Requirement;

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "Python core metadata";

/// The fields the cataloger reads, as written (continuation lines joined with `\n`).
#[derive(Default)]
struct Fields {
    name: Option<String>,
    version: Option<String>,
    license: Option<String>,
    license_expression: Option<String>,
    classifiers: Vec<String>,
    requires_dist: Vec<String>,
}

/// A field the cataloger tells apart.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    /// A field the cataloger does not read.
    Ignored,
    Name,
    Version,
    License,
    LicenseExpression,
    Classifier,
    RequiresDist,
}

impl Fields {
    /// The value slot of `field`: the single-use field if it is still unset, or a new entry of
    /// a multiple-use field. `None` for ignored fields and repeated single-use fields.
    fn slot(&mut self, field: Field) -> Option<&mut String> {
        fn first(value: &mut Option<String>) -> Option<&mut String> {
            match value {
                Some(_) => None,
                None => Some(value.insert(String::new())),
            }
        }
        match field {
            Field::Ignored => None,
            Field::Name => first(&mut self.name),
            Field::Version => first(&mut self.version),
            Field::License => first(&mut self.license),
            Field::LicenseExpression => first(&mut self.license_expression),
            Field::Classifier => {
                self.classifiers.push(String::new());
                self.classifiers.last_mut()
            }
            Field::RequiresDist => {
                self.requires_dist.push(String::new());
                self.requires_dist.last_mut()
            }
        }
    }

    /// The value a continuation line of `field` extends: the one [`Fields::slot`] last handed
    /// out.
    fn last(&mut self, field: Field) -> Option<&mut String> {
        match field {
            Field::Ignored => None,
            Field::Name => self.name.as_mut(),
            Field::Version => self.version.as_mut(),
            Field::License => self.license.as_mut(),
            Field::LicenseExpression => self.license_expression.as_mut(),
            Field::Classifier => self.classifiers.last_mut(),
            Field::RequiresDist => self.requires_dist.last_mut(),
        }
    }
}

/// Parses one distribution's core metadata into its record.
pub(super) fn parse(content: &[u8]) -> Result<PackageRecord, ParseError> {
    let fields = read_headers(content)?;
    let name = fields.name.as_deref().map_or("", str::trim);
    let version = fields.version.as_deref().map_or("", str::trim);
    let mut record = super::record(name, version).ok_or_else(|| {
        let field = if name.is_empty() { "Name" } else { "Version" };
        ParseError::new(FORMAT, Position::File, format!("no `{field}` field"))
    })?;
    record.licenses = licenses(&fields);
    record.depends = super::dependency_names(
        fields
            .requires_dist
            .iter()
            .filter_map(|requirement| Requirement::parse(requirement))
            .filter(|requirement| !requirement.needs_extra())
            .map(|requirement| requirement.name),
    );
    Ok(record)
}

/// Reads the header section, stopping at the first empty line or non-header line.
fn read_headers(content: &[u8]) -> Result<Fields, ParseError> {
    let mut fields = Fields::default();
    // `None` until the first field; then the field a continuation line would extend.
    let mut current: Option<Field> = None;
    for (index, line) in content.split(|&byte| byte == b'\n').enumerate() {
        let number = index + 1;
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        let text = std::str::from_utf8(line).map_err(|_| {
            ParseError::new(FORMAT, Position::Line(number), "header line is not UTF-8")
        })?;
        if text.starts_with([' ', '\t']) {
            let Some(field) = current else {
                return Err(ParseError::new(
                    FORMAT,
                    Position::Line(number),
                    "continuation line before the first field",
                ));
            };
            if let Some(value) = fields.last(field) {
                value.push('\n');
                value.push_str(text.trim());
            }
            continue;
        }
        let Some((key, value)) = text.split_once(':').filter(|(key, _)| is_field_name(key)) else {
            break;
        };
        let field = field_of(key);
        // A repeated single-use field is ignored, continuation lines included.
        let field = match fields.slot(field) {
            Some(slot) => {
                slot.push_str(value.trim());
                field
            }
            None => Field::Ignored,
        };
        current = Some(field);
    }
    Ok(fields)
}

/// Whether `key` is a header field name: printable ASCII without spaces or colons, as
/// Python's `email.feedparser` requires.
fn is_field_name(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|byte| matches!(byte, b'!'..=b'9' | b';'..=b'~'))
}

/// The field `key` names, case-insensitively.
fn field_of(key: &str) -> Field {
    [
        ("Name", Field::Name),
        ("Version", Field::Version),
        ("License", Field::License),
        ("License-Expression", Field::LicenseExpression),
        ("Classifier", Field::Classifier),
        ("Requires-Dist", Field::RequiresDist),
    ]
    .into_iter()
    .find(|(name, _)| key.eq_ignore_ascii_case(name))
    .map_or(Field::Ignored, |(_, field)| field)
}

/// The licenses, by the precedence in the module documentation.
fn licenses(fields: &Fields) -> Vec<String> {
    if let Some(expression) = fields
        .license_expression
        .as_deref()
        .map(str::trim)
        .filter(|expression| !expression.is_empty())
    {
        return vec![expression.to_owned()];
    }
    if let Some(license) = fields.license.as_deref().map(str::trim).filter(|license| {
        !license.is_empty() && !license.contains('\n') && !license.eq_ignore_ascii_case("UNKNOWN")
    }) {
        return vec![license.to_owned()];
    }
    let mut seen = HashSet::new();
    fields
        .classifiers
        .iter()
        .filter_map(|classifier| classifier.trim().strip_prefix("License :: "))
        .map(|license| license.strip_prefix("OSI Approved :: ").unwrap_or(license))
        .filter(|license| *license != "OSI Approved" && seen.insert(*license))
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The header of Django 3.2's wheel `METADATA`, trimmed, with its description body.
    const DJANGO: &str = "Metadata-Version: 2.1\nName: Django\nVersion: 3.2\n\
        Summary: A high-level Python Web framework\nLicense: BSD-3-Clause\n\
        Classifier: License :: OSI Approved :: BSD License\n\
        Requires-Python: >=3.6\nRequires-Dist: asgiref (<4,>=3.3.2)\nRequires-Dist: pytz\n\
        Requires-Dist: sqlparse (>=0.2.2)\n\
        Provides-Extra: argon2\nRequires-Dist: argon2-cffi (>=19.1.0) ; extra == 'argon2'\n\
        Provides-Extra: bcrypt\nRequires-Dist: bcrypt ; extra == 'bcrypt'\n\
        \n======\nDjango\n======\nName: not-a-field\n";

    #[test]
    fn reads_a_wheel_metadata_file() {
        let record = parse(DJANGO.as_bytes()).unwrap();
        assert_eq!(record.name, "Django");
        assert_eq!(record.version, "3.2");
        assert_eq!(record.licenses, ["BSD-3-Clause"]);
        assert_eq!(record.depends, ["asgiref", "pytz", "sqlparse"]);
        assert_eq!(record.provides, ["django"]);
    }

    #[test]
    fn prefers_license_expression_then_one_line_license_then_classifiers() {
        let with = |headers: &str| {
            parse(format!("Name: a\nVersion: 1\n{headers}").as_bytes())
                .unwrap()
                .licenses
        };
        assert_eq!(
            with("License: MIT\nLicense-Expression: Apache-2.0 OR MIT\n"),
            ["Apache-2.0 OR MIT"]
        );
        assert_eq!(
            with("License: UNKNOWN\nClassifier: License :: OSI Approved :: MIT License\n"),
            ["MIT License"]
        );
        assert_eq!(
            with(
                "License: Copyright (c) 2010 Someone\n        Permission is hereby granted\n\
                 Classifier: License :: OSI Approved :: BSD License\n\
                 Classifier: License :: OSI Approved\nClassifier: License :: Public Domain\n\
                 Classifier: Topic :: Internet\n"
            ),
            ["BSD License", "Public Domain"]
        );
        assert!(with("").is_empty());
    }

    #[test]
    fn keeps_environment_markers_and_drops_extras() {
        let record = parse(
            b"Name: requests\nVersion: 2.28.1\n\
              Requires-Dist: charset_normalizer (<3,>=2)\n\
              Requires-Dist: urllib3 (<1.27,>=1.21.1)\n\
              Requires-Dist: PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'\n\
              Requires-Dist: win-inet-pton ; sys_platform == \"win32\" and python_version == \"2.7\"\n\
              Requires-Dist: urllib3 ; python_version < '3'\n",
        )
        .unwrap();
        assert_eq!(
            record.depends,
            ["charset-normalizer", "urllib3", "win-inet-pton"]
        );
    }

    #[test]
    fn reads_old_style_pkg_info_with_folded_description() {
        // distutils' metadata 1.0: the description folded with 8-space continuation lines,
        // blank-looking ones included, before the next field.
        let record = parse(
            b"Metadata-Version: 1.0\r\nName: pyxdg\r\nVersion: 0.25\r\n\
              Description: first line\r\n        \r\n        more\r\nPlatform: UNKNOWN\r\n\
              name: ignored-lowercase-repeat\r\n",
        )
        .unwrap();
        assert_eq!(
            (record.name.as_str(), record.version.as_str()),
            ("pyxdg", "0.25")
        );
        assert!(record.licenses.is_empty());
    }

    #[test]
    fn stops_at_the_first_line_that_is_not_a_header() {
        let record = parse(b"Name: a\nVersion: 1\nthis is body text\nLicense: MIT\n").unwrap();
        assert!(record.licenses.is_empty());
    }

    #[test]
    fn malformed_metadata_is_an_error_with_a_position() {
        let error = parse(b"Name: a\nVersion: 1\nSummary: \xff\n").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        let error = parse(b"  Name: a\nVersion: 1\n").unwrap_err();
        assert_eq!(error.position, Position::Line(1));
        let error = parse(b"Name: a\n").unwrap_err();
        assert_eq!(
            (error.position, error.reason.as_str()),
            (Position::File, "no `Version` field")
        );
        let error = parse(b"Version: 1\nName:   \n").unwrap_err();
        assert_eq!(error.reason, "no `Name` field");
        assert!(parse(b"").is_err());
        assert!(parse(b"\x00\x01binary").is_err());
    }
}
