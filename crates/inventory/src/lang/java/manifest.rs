//! `META-INF/MANIFEST.MF`: the JAR manifest (JAR File Specification, "JAR Manifest"). Only
//! the main section is read; it comes first and holds the archive's own attributes
//! (`Implementation-Version`, `Bundle-SymbolicName`, Jenkins' `Short-Name`), while the named
//! sections that follow describe single entries (signed archives list a digest per class
//! there, which can run to megabytes).
//!
//! Each line is `Name: value`; a line starting with one space continues the previous value
//! (lines are wrapped at 72 bytes); an empty line ends the section. Attribute names are
//! case-insensitive. Lines that fit none of this are ignored rather than failing the archive:
//! the manifest is only a fallback source of names and versions.

use std::collections::HashMap;

/// The main section's attributes, by lowercase name.
#[derive(Debug, Default)]
pub(super) struct Manifest {
    attributes: HashMap<String, String>,
}

impl Manifest {
    /// Parses the main section of `content`, read as UTF-8 with invalid bytes replaced.
    pub(super) fn parse(content: &[u8]) -> Self {
        let text = String::from_utf8_lossy(content);
        let mut attributes: HashMap<String, String> = HashMap::new();
        let mut last: Option<String> = None;
        for line in text.lines() {
            if line.trim().is_empty() {
                break;
            }
            if let Some(continuation) = line.strip_prefix(' ') {
                if let Some(value) = last.as_ref().and_then(|name| attributes.get_mut(name)) {
                    value.push_str(continuation);
                }
                continue;
            }
            last = line.split_once(':').map(|(name, value)| {
                let name = name.trim().to_ascii_lowercase();
                attributes.insert(name.clone(), value.trim().to_owned());
                name
            });
        }
        Self { attributes }
    }

    /// The value of attribute `name` (case-insensitive), trimmed; `None` when absent or blank.
    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.attributes
            .get(&name.to_ascii_lowercase())
            .map(|value| value.trim())
            .filter(|value| !value.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_main_section_with_continuations() {
        let manifest = Manifest::parse(
            b"Manifest-Version: 1.0\r\nImplementation-Title: Apache Commons Lang\r\n\
              Bundle-Description: a package of Java utility class\r\n es for java.lang\r\n\
              bogus line\r\nimplementation-version: 3.12.0\r\n\r\n\
              Name: org/x.class\r\nImplementation-Version: 9\r\n",
        );
        assert_eq!(manifest.get("Implementation-Version"), Some("3.12.0"));
        assert_eq!(
            manifest.get("bundle-description"),
            Some("a package of Java utility classes for java.lang")
        );
        assert_eq!(manifest.get("Name"), None);
        assert_eq!(Manifest::parse(b"").get("Implementation-Version"), None);
        assert_eq!(
            Manifest::parse(b" continuation first\nA: \n").get("A"),
            None
        );
    }
}
