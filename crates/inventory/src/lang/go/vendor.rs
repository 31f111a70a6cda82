//! `vendor/modules.txt`, written by `go mod vendor`: for each module, a header line
//! `# path version` (`# path [version] => new/path version` when replaced, `=> ../dir` when
//! replaced by a directory), optional `## explicit; go 1.21` annotations, then the import
//! paths of the packages copied from it.
//!
//! A module is reported at the version its header names (the replacement's, when it has
//! one) if at least one package line follows its header: a module with none (a requirement
//! `go mod vendor` lists but copies nothing from) is not compiled into anything. Modules
//! replaced by a directory are the project's own code and not reported (see the parent
//! module).
//!
//! Like the go command's own reader (`modload.readVendorList`), lines it does not understand
//! are ignored: a header with a missing or invalid version, or a version that does not suit
//! the path's major version suffix, names no module, and the package lines under it are
//! skipped with it. Only a line that is not UTF-8 is an error.

use std::collections::HashSet;

use crate::{PackageRecord, ParseError};

use super::module;

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "vendor/modules.txt";

/// Parses a `vendor/modules.txt` into one record per module with vendored packages.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let mut records: Vec<PackageRecord> = Vec::new();
    let mut seen: HashSet<(&str, String)> = HashSet::new();
    // The module of the last header, until its first package line reports it.
    let mut pending: Option<(&str, String)> = None;
    for line in crate::lang::document::lines(FORMAT, content) {
        let (_, line) = line?;
        let line = line.trim();
        if let Some(header) = line.strip_prefix("# ") {
            pending = module_header(header);
            continue;
        }
        let is_package =
            !line.is_empty() && !line.starts_with('#') && !line.contains(char::is_whitespace);
        if !is_package {
            continue;
        }
        if let Some((path, version)) = pending.take() {
            let record = super::record(path, &version);
            if seen.insert((path, version)) {
                records.push(record);
            }
        }
    }
    Ok(records)
}

/// The module (path and canonical version) a header line, without its `# `, names: the
/// replacement of a replaced module; `None` for a directory replacement or anything Go would
/// not accept as a module.
fn module_header(header: &str) -> Option<(&str, String)> {
    let fields: Vec<&str> = header.split_whitespace().collect();
    let module = match fields.iter().position(|field| *field == "=>") {
        None => fields.as_slice(),
        Some(arrow) => fields.get(arrow + 1..)?,
    };
    let [path, version] = module else {
        return None;
    };
    let version = module::canonical_version(version)?;
    module::is_valid(path, &version).then_some((path, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_modules_with_packages_at_their_replacement() {
        let records = parse(
            b"# github.com/a/b v1.2.1\n\
              ## explicit; go 1.21\n\
              github.com/a/b\n\
              github.com/a/b/internal\n\
              # golang.org/x/net v0.5.6 => example.com/fork/net v1.4.5\n\
              ## explicit\n\
              example.com/fork/net/http2\n\
              # example.com/local v1.0.0 => ./local\n\
              example.com/local\n\
              # example.com/headeronly v0.1.0\n\
              ## explicit; go 1.21\n\
              # github.com/a/b v1.2.1\n\
              github.com/a/b/other\n\
              # github.com/c/d/v2 v1.0.0\n\
              github.com/c/d/v2\n",
        )
        .unwrap();
        let rows: Vec<(&str, &str)> = records
            .iter()
            .map(|record| (record.name.as_str(), record.version.as_str()))
            .collect();
        assert_eq!(
            rows,
            [
                ("github.com/a/b", "v1.2.1"),
                ("example.com/fork/net", "v1.4.5")
            ]
        );
    }

    #[test]
    fn names_no_module_for_headers_go_would_not_accept() {
        for header in [
            "github.com/a/b",
            "github.com/a/b nope",
            "github.com/a/b v1.0.0 => not a module",
            "github.com/a/b => ../b",
            "github.com/a/b v2.0.0",
            "",
        ] {
            assert_eq!(module_header(header), None, "{header}");
        }
        assert_eq!(
            module_header("example.com/w => example.com/w-fork v0.2"),
            Some(("example.com/w-fork", "v0.2.0".to_owned()))
        );
    }

    #[test]
    fn a_line_that_is_not_utf8_is_an_error() {
        let error = parse(b"# a v1.0.0\n\xff\n").unwrap_err();
        assert_eq!(error.position, crate::Position::Line(2));
    }
}
