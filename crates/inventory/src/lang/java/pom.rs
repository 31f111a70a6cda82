//! `pom.xml`: a Maven project as written (POM 4.0.0, <https://maven.apache.org/pom.html>),
//! read into a [`Pom`] whose values still hold their `${…}` expressions.
//!
//! A POM cannot be completed on its own: it inherits properties, dependencies and managed
//! versions from its parent POM, which is another file, and Maven replaces expressions only
//! after inheritance. The cataloger therefore keeps this raw model, and the `resolve` module
//! completes it with the other POMs of the target once the whole target has been read.
//!
//! Read: the project's coordinates, `<parent>`, `<properties>`, `<dependencies>` and
//! `<dependencyManagement>`, and the same sections of profiles marked `<activeByDefault>`
//! (Maven activates those when nothing else is activated; other activations depend on the
//! build machine and are not evaluated). Build plugins and their dependencies are not project
//! dependencies and are not read.

use roxmltree::Node;
use serde::{Deserialize, Serialize};

use crate::{ParseError, Position};

use super::xml;

/// The format name carried by every [`ParseError`] from [`parse`].
pub(super) const FORMAT: &str = "Maven POM";

/// A POM as written: values are trimmed, absent or blank elements are `None`, and `${…}`
/// expressions are kept.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Pom {
    pub(crate) group_id: Option<String>,
    pub(crate) artifact_id: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) parent: Option<Parent>,
    /// `<properties>` in document order (a later duplicate wins, as in Maven), followed by
    /// those of active profiles, which override them.
    pub(crate) properties: Vec<(String, String)>,
    pub(crate) dependencies: Vec<Dependency>,
    /// `<dependencyManagement><dependencies>`.
    pub(crate) managed: Vec<Dependency>,
}

/// The `<parent>` element.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Parent {
    pub(crate) group_id: Option<String>,
    pub(crate) artifact_id: Option<String>,
    pub(crate) version: Option<String>,
    /// `<relativePath>`: `None` when absent (Maven then looks at `../pom.xml`), `Some("")`
    /// when empty (Maven then looks only in repositories).
    pub(crate) relative_path: Option<String>,
}

/// One `<dependency>`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Dependency {
    pub(crate) group_id: Option<String>,
    pub(crate) artifact_id: Option<String>,
    pub(crate) version: Option<String>,
    pub(crate) scope: Option<String>,
    /// `<type>`; Maven's default is `jar`.
    pub(crate) kind: Option<String>,
    pub(crate) classifier: Option<String>,
}

/// Parses a `pom.xml`.
pub(super) fn parse(content: &[u8]) -> Result<Pom, ParseError> {
    let text = xml::decode(FORMAT, content)?;
    let document = xml::parse(FORMAT, &text)?;
    let project = document.root_element();
    if project.tag_name().name() != "project" {
        return Err(ParseError::new(
            FORMAT,
            Position::File,
            format!(
                "the root element is <{}>, not <project>",
                project.tag_name().name()
            ),
        ));
    }
    let mut pom = Pom {
        group_id: xml::child_text(project, "groupId"),
        artifact_id: xml::child_text(project, "artifactId"),
        version: xml::child_text(project, "version"),
        parent: xml::child(project, "parent").map(|parent| Parent {
            group_id: xml::child_text(parent, "groupId"),
            artifact_id: xml::child_text(parent, "artifactId"),
            version: xml::child_text(parent, "version"),
            relative_path: xml::child(parent, "relativePath")
                .map(|path| xml::text(path).unwrap_or_default()),
        }),
        ..Pom::default()
    };
    read_sections(project, &mut pom);
    let profiles =
        xml::children(project, "profiles").flat_map(|profiles| xml::children(profiles, "profile"));
    for profile in profiles {
        let active_by_default = xml::child(profile, "activation")
            .and_then(|activation| xml::child_text(activation, "activeByDefault"))
            .is_some_and(|active| active == "true");
        if active_by_default {
            read_sections(profile, &mut pom);
        }
    }
    Ok(pom)
}

/// Appends the properties, dependencies and managed dependencies declared directly under
/// `node` (the project or a profile).
fn read_sections(node: Node<'_, '_>, pom: &mut Pom) {
    for properties in xml::children(node, "properties") {
        for property in properties.children().filter(Node::is_element) {
            let name = property.tag_name().name().to_owned();
            pom.properties
                .push((name, xml::text(property).unwrap_or_default()));
        }
    }
    pom.dependencies.extend(dependencies(node));
    for management in xml::children(node, "dependencyManagement") {
        pom.managed.extend(dependencies(management));
    }
}

/// The `<dependencies><dependency>` elements directly under `node`.
fn dependencies<'a>(node: Node<'a, '_>) -> impl Iterator<Item = Dependency> + 'a {
    xml::children(node, "dependencies")
        .flat_map(|dependencies| xml::children(dependencies, "dependency"))
        .map(|dependency| Dependency {
            group_id: xml::child_text(dependency, "groupId"),
            artifact_id: xml::child_text(dependency, "artifactId"),
            version: xml::child_text(dependency, "version"),
            scope: xml::child_text(dependency, "scope"),
            kind: xml::child_text(dependency, "type"),
            classifier: xml::child_text(dependency, "classifier"),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_coordinates_parent_properties_and_dependencies() {
        let pom = parse(
            br#"<?xml version="1.0"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <parent>
    <groupId>org.parent</groupId>
    <artifactId>parent</artifactId>
    <version>2</version>
    <relativePath/>
  </parent>
  <artifactId>child</artifactId>
  <properties>
    <a.version>1.0</a.version>
    <empty/>
  </properties>
  <dependencies>
    <dependency>
      <groupId>g</groupId>
      <artifactId>a</artifactId>
      <version>${a.version}</version>
      <scope>test</scope>
      <type>test-jar</type>
      <classifier>tests</classifier>
    </dependency>
  </dependencies>
  <dependencyManagement>
    <dependencies>
      <dependency><groupId>g</groupId><artifactId>m</artifactId><version>3</version></dependency>
    </dependencies>
  </dependencyManagement>
  <build><plugins><plugin><dependencies>
    <dependency><groupId>p</groupId><artifactId>p</artifactId></dependency>
  </dependencies></plugin></plugins></build>
  <profiles>
    <profile>
      <activation><activeByDefault>true</activeByDefault></activation>
      <properties><a.version>1.1</a.version></properties>
      <dependencies><dependency><groupId>d</groupId><artifactId>d</artifactId></dependency></dependencies>
    </profile>
    <profile>
      <activation><jdk>1.8</jdk></activation>
      <dependencies><dependency><groupId>x</groupId><artifactId>x</artifactId></dependency></dependencies>
    </profile>
  </profiles>
</project>"#,
        )
        .unwrap();
        assert_eq!(pom.group_id, None);
        assert_eq!(pom.artifact_id.as_deref(), Some("child"));
        let parent = pom.parent.unwrap();
        assert_eq!(parent.group_id.as_deref(), Some("org.parent"));
        assert_eq!(parent.version.as_deref(), Some("2"));
        assert_eq!(parent.relative_path.as_deref(), Some(""));
        assert_eq!(
            pom.properties,
            [
                ("a.version".to_owned(), "1.0".to_owned()),
                ("empty".to_owned(), String::new()),
                ("a.version".to_owned(), "1.1".to_owned()),
            ]
        );
        let names: Vec<_> = pom
            .dependencies
            .iter()
            .map(|dependency| dependency.artifact_id.as_deref().unwrap())
            .collect();
        assert_eq!(names, ["a", "d"]);
        let first = &pom.dependencies[0];
        assert_eq!(first.version.as_deref(), Some("${a.version}"));
        assert_eq!(first.scope.as_deref(), Some("test"));
        assert_eq!(first.kind.as_deref(), Some("test-jar"));
        assert_eq!(first.classifier.as_deref(), Some("tests"));
        assert_eq!(pom.managed.len(), 1);
        assert_eq!(pom.managed[0].version.as_deref(), Some("3"));
    }

    #[test]
    fn rejects_other_documents() {
        let error = parse(b"<settings>\n</settings>").unwrap_err();
        assert_eq!(error.position, Position::File);
        assert!(parse(b"this is not a pom.xml file!").is_err());
        assert!(parse(b"<project><a></project>").is_err());
    }
}
