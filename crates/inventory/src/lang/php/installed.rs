//! What Composer installed, `vendor/composer/installed.json`: Composer 1 writes a list of
//! package entries; Composer 2 writes `{"packages": [...], "dev": true,
//! "dev-package-names": [...]}`, naming the packages installed only for development.

use std::collections::HashSet;

use serde::Deserialize;

use super::{Package, records};
use crate::lang::document::from_json;
use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "composer installed.json";

/// Composer 2's object form.
#[derive(Deserialize)]
struct Installed {
    #[serde(default)]
    packages: Vec<Package>,
    #[serde(default, rename = "dev-package-names")]
    dev_package_names: HashSet<String>,
}

/// Parses an `installed.json` of either shape: a document whose first token is `[` is
/// Composer 1's list, anything else is read as Composer 2's object (so errors point into it).
/// An empty file holds no packages.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let is_list = content
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        .is_some_and(|&byte| byte == b'[');
    let (packages, dev_names) = if is_list {
        let packages: Option<Vec<Package>> = from_json(FORMAT, content)?;
        (packages.unwrap_or_default(), HashSet::new())
    } else {
        let installed: Option<Installed> = from_json(FORMAT, content)?;
        installed.map_or_else(Default::default, |installed| {
            (installed.packages, installed.dev_package_names)
        })
    };
    Ok(records(packages.into_iter().map(|package| {
        let dev = package
            .name
            .as_ref()
            .is_some_and(|name| dev_names.contains(name));
        (package, dev)
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    fn rows(content: &str) -> Vec<(String, String, bool)> {
        parse(content.as_bytes())
            .unwrap()
            .into_iter()
            .map(|record| (record.name, record.version, record.scope.dev))
            .collect()
    }

    #[test]
    fn reads_composer_1_lists() {
        assert_eq!(
            rows(r#" [{"name": "a/a", "version": "1.0.0", "require": {"b/b": "^1"}}] "#),
            [("a/a".into(), "1.0.0".into(), false)]
        );
    }

    #[test]
    fn reads_composer_2_objects_with_dev_names() {
        assert_eq!(
            rows(
                r#"{"packages": [{"name": "a/a", "version": "1.0.0"},
                                 {"name": "t/t", "version": "9.0.0"}],
                    "dev": true, "dev-package-names": ["t/t"]}"#
            ),
            [
                ("a/a".into(), "1.0.0".into(), false),
                ("t/t".into(), "9.0.0".into(), true)
            ]
        );
    }

    #[test]
    fn reports_where_the_json_breaks() {
        let error = parse(b"[\n  {\"name\": \"a/a\",\n   \"version\": []}\n]").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        let error = parse(b"{\"packages\": {}}").unwrap_err();
        assert_eq!(error.position, Position::Line(1));
        assert!(parse(b" \n").unwrap().is_empty());
    }
}
