//! `go.sum`: one line per checksum, `path version[/go.mod] hash`.
//!
//! A line whose version ends in `/go.mod` checksums only the module's `go.mod`, which the go
//! command downloads for every version it considers while resolving; the other lines
//! checksum a module's source, which it downloads only for versions it builds. So the source
//! lines are the modules, and of several versions of one module the highest is the one
//! minimal version selection keeps. Even so `go.sum` keeps versions a build no longer uses,
//! which is why it is read only where no `go.mod` sits beside it (see the parent module).
//!
//! As in the go command (`modfetch.readGoSum`), a non-empty line without exactly three fields
//! makes the file malformed. A version Go would not accept for its path is skipped.

use std::cmp::Ordering;
use std::collections::HashMap;

use custody_version::{Scheme, compare};

use crate::{PackageRecord, ParseError, Position};

use super::module;

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "go.sum";

/// Parses a `go.sum` into one record per module, at the highest version whose source it
/// checksums.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let mut records: Vec<PackageRecord> = Vec::new();
    let mut by_path: HashMap<String, usize> = HashMap::new();
    for line in crate::lang::document::lines(FORMAT, content) {
        let (number, line) = line?;
        let mut fields = line.split_whitespace();
        let (path, version) = match (fields.next(), fields.next(), fields.next(), fields.next()) {
            (None, ..) => continue,
            (Some(path), Some(version), Some(_hash), None) => (path, version),
            _ => {
                return Err(ParseError::new(
                    FORMAT,
                    Position::Line(number),
                    "wrong number of fields: want module, version and hash",
                ));
            }
        };
        if version.ends_with("/go.mod") {
            continue;
        }
        let Some(version) =
            module::canonical_version(version).filter(|version| module::is_valid(path, version))
        else {
            continue;
        };
        if let Some(record) = by_path.get(path).and_then(|&index| records.get_mut(index)) {
            // Both are canonical Go versions, which the Go scheme always orders.
            if matches!(
                compare(Scheme::Go, &version, &record.version),
                Ok(Ordering::Greater)
            ) {
                record.version = version;
            }
        } else {
            by_path.insert(path.to_owned(), records.len());
            records.push(super::record(path, &version));
        }
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_highest_source_version_of_each_module() {
        let records = parse(
            b"github.com/a/b v1.0.0 h1:x=\n\
              github.com/a/b v1.0.0/go.mod h1:y=\n\
              github.com/a/b v1.10.0/go.mod h1:y=\n\
              github.com/a/b v1.2.0 h1:x=\n\
              \n\
              github.com/a/b v1.2.0-rc.1 h1:x=\n\
              github.com/c/d v0.1.0/go.mod h1:y=\r\n\
              github.com/e/f v2.0.0 h1:x=\n\
              github.com/g/h v0.0.0-20200101000000-abcdefabcdef h1:x=\n",
        )
        .unwrap();
        let rows: Vec<(&str, &str)> = records
            .iter()
            .map(|record| (record.name.as_str(), record.version.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("github.com/a/b", "v1.2.0"),
                ("github.com/g/h", "v0.0.0-20200101000000-abcdefabcdef"),
            ]
        );
        assert!(records.iter().all(|record| record.scope.direct.is_none()));
    }

    #[test]
    fn lines_without_three_fields_are_errors() {
        for (content, line) in [
            (&b"a v1.0.0 h1:x=\nWrongly formatted\n"[..], 2),
            (b"a v1.0.0\n", 1),
            (b"a v1.0.0 h1:x= extra\n", 1),
        ] {
            let error = parse(content).unwrap_err();
            assert_eq!(error.position, Position::Line(line), "{error}");
        }
    }
}
