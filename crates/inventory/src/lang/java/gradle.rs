//! Gradle's dependency locks: `gradle.lockfile` and `buildscript-gradle.lockfile` (Gradle
//! user guide, "Locking dependency versions").
//!
//! Each line is `group:artifact:version=configuration,configuration,…`; `#` starts a comment
//! and `empty=…` lists the configurations that resolved to nothing. Lines of any other shape
//! are skipped, as Gradle and osv-scalibr skip them, so one damaged line does not hide the
//! others.
//!
//! A package is dev-only when every configuration that locks it is a test, development-only
//! or annotation-processor classpath (`testRuntimeClasspath`, `debugUnitTestCompileClasspath`,
//! Spring Boot's `developmentOnly`, `annotationProcessor`, `kapt…`), and always in
//! `buildscript-gradle.lockfile`, which locks the build's own plugins.

use custody_model::{Ecosystem, Scope};

use crate::{PackageRecord, ParseError, Position};

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "Gradle lockfile";

/// Parses a Gradle lockfile; `buildscript` says it is `buildscript-gradle.lockfile`.
pub(super) fn parse(content: &[u8], buildscript: bool) -> Result<Vec<PackageRecord>, ParseError> {
    let text = std::str::from_utf8(content).map_err(|error| {
        let before = content.get(..error.valid_up_to()).unwrap_or_default();
        let line = memchr::memchr_iter(b'\n', before).count() + 1;
        ParseError::new(FORMAT, Position::Line(line), "not UTF-8")
    })?;
    let mut records: Vec<PackageRecord> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') || line.starts_with("empty=") {
            continue;
        }
        let Some((coordinates, configurations)) = line.split_once('=') else {
            continue;
        };
        let mut parts = coordinates.split(':');
        let (Some(group), Some(artifact), Some(version), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        if [group, artifact, version]
            .iter()
            .any(|part| part.is_empty())
        {
            continue;
        }
        let dev = buildscript || configurations.split(',').all(is_dev_configuration);
        let name = format!("{group}:{artifact}");
        if let Some(existing) = records
            .iter_mut()
            .find(|record| record.name == name && record.version == version)
        {
            existing.scope.dev &= dev;
            continue;
        }
        let mut record = PackageRecord::new(Ecosystem::Maven, name, version);
        record.scope = Scope { direct: None, dev };
        records.push(record);
    }
    Ok(records)
}

/// Whether a Gradle configuration only serves tests, development or annotation processing.
fn is_dev_configuration(configuration: &str) -> bool {
    let configuration = configuration.trim();
    configuration.starts_with("test")
        || configuration.contains("Test")
        || configuration == "developmentOnly"
        || configuration.starts_with("kapt")
        || configuration.starts_with("annotationProcessor")
        || configuration.contains("AnnotationProcessor")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_locked_coordinates_and_dev_configurations() {
        let records = parse(
            b"# comment\n\
              org.a:runtime:1.0=compileClasspath,testRuntimeClasspath\n\
              org.a:test-only:2.0=testCompileClasspath,debugUnitTestRuntimeClasspath\n\
              org.a:processor:3.0=annotationProcessor\n\
              bad line\n\
              a:b=x\n\
              a:b:c:d=x\n\
              empty=\n",
            false,
        )
        .unwrap();
        let rows: Vec<_> = records
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
            rows,
            [
                ("org.a:runtime", "1.0", false),
                ("org.a:test-only", "2.0", true),
                ("org.a:processor", "3.0", true),
            ]
        );
        let buildscript = parse(b"org.a:plugin:1.0=classpath\n", true).unwrap();
        assert!(buildscript[0].scope.dev);
        assert_eq!(
            parse(b"ok\n\xff\n", false).unwrap_err().position,
            Position::Line(2)
        );
    }
}
