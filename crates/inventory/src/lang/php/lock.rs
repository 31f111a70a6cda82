//! Composer's lockfile, `composer.lock`
//! (<https://getcomposer.org/doc/01-basic-usage.md#commit-your-composer-lock-file-to-version-control>):
//! the packages the project installs under `packages`, and those installed only for
//! development under `packages-dev`.

use serde::Deserialize;

use super::{Package, records};
use crate::lang::document::from_json;
use crate::{PackageRecord, ParseError};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "composer.lock";

/// The fields read from a lockfile.
#[derive(Deserialize)]
struct Lockfile {
    #[serde(default)]
    packages: Vec<Package>,
    #[serde(default, rename = "packages-dev")]
    packages_dev: Vec<Package>,
}

/// Parses a `composer.lock`; an empty file holds no packages.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let Some(lockfile) = from_json::<Lockfile>(FORMAT, content)? else {
        return Ok(Vec::new());
    };
    let production = lockfile
        .packages
        .into_iter()
        .map(|package| (package, false));
    let development = lockfile
        .packages_dev
        .into_iter()
        .map(|package| (package, true));
    Ok(records(production.chain(development)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Position;

    #[test]
    fn marks_dev_packages() {
        let records = parse(
            br#"{"packages": [{"name": "a/a", "version": "1.0.0"},
                              {"name": "b/b", "version": "v2.0.0"}],
                 "packages-dev": [{"name": "c/c", "version": "dev-main"},
                                  {"name": "a/a", "version": "1.0.0"}]}"#,
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
                ("a/a", "1.0.0", false),
                ("b/b", "v2.0.0", false),
                ("c/c", "dev-main", true)
            ]
        );
        assert!(records.iter().all(|record| record.scope.direct.is_none()));
    }

    #[test]
    fn reports_where_the_json_breaks() {
        let error = parse(b"{\n  \"packages\": [\n    {\"name\": 1}\n  ]\n}").unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        assert_eq!(error.format, FORMAT);
        assert!(parse(b"null").is_err());
        assert!(parse(b"").unwrap().is_empty());
        assert!(parse(b"{}").unwrap().is_empty());
    }
}
