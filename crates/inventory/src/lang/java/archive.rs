//! Java archives (JAR, WAR, EAR and the other ZIP-based formats Syft recognises): the
//! packages an archive holds, found in its Maven metadata, its manifest and its name, and
//! in the archives nested inside it.
//!
//! # What is reported
//!
//! - Every `META-INF/maven/**/pom.properties` with a group, artifact and version is one
//!   package: Maven's archiver writes one for the artifact it builds, and shading copies those
//!   of the bundled libraries, so a fat JAR yields each library it contains.
//! - The archive itself, when no `pom.properties` names it (archives built by Gradle or Ant
//!   carry none): the artifact and version parsed from its file name
//!   (`guava-32.1.3-jre.jar` → `guava`, `32.1.3-jre`), else from the manifest
//!   (`Implementation-Version`, Jenkins' `Plugin-Version`, a bundle's `Bundle-Version`, and for
//!   the name Jenkins' `Short-Name` or `Extension-Name` or `Bundle-SymbolicName`). Its group
//!   comes only from a manifest that states one (`Implementation-Vendor-Id`, Jenkins'
//!   `Group-Id`); without one the package is named by its artifact alone, which no advisory
//!   matches but the SBOM still lists. The archive is taken to be named by a `pom.properties`
//!   whose artifact is the archive's name or whose version is the archive's version (a renamed
//!   `lib.jar` holding one library).
//! - Nested archives (`WEB-INF/lib/*.jar`, Spring Boot's `BOOT-INF/lib/*.jar`, the modules of
//!   an EAR) are read the same way, recursively, and their packages are placed at
//!   `<outer path>:<entry path>` as Syft writes them (`app.war:WEB-INF/lib/x.jar`).
//!
//! # Bounds
//!
//! Archives are hostile input; every cost is capped and a capped part becomes a problem the
//! resolver reports as a warning, while the rest of the archive is still read:
//! - an archive's central directory may hold at most [`MAX_ENTRIES`] entries, checked by
//!   counting central-directory signatures *before* the ZIP reader indexes it (the index
//!   costs a few hundred bytes per entry);
//! - nesting stops [`MAX_DEPTH`] archives deep, and at most [`MAX_ARCHIVES`] nested archives
//!   and [`MAX_TOTAL_ENTRIES`] entries are visited per file;
//! - decompression is budgeted: a nested archive may inflate to [`MAX_NESTED_SIZE`] bytes, a
//!   manifest or `pom.properties` to [`MAX_METADATA_SIZE`], and all of a file's inflated
//!   entries together to [`MAX_INFLATED`] bytes, which bounds both zip bombs (a ratio of
//!   1000:1 is easy with DEFLATE) and the memory held by nested archives in flight. Stored
//!   (uncompressed) nested archives, as Spring Boot writes them, are read in place without a
//!   copy.

use std::collections::HashSet;
use std::io::{Cursor, Read};

use custody_model::Ecosystem;
use serde::{Deserialize, Serialize};
use zip::{CompressionMethod, ZipArchive};

use crate::{PackageRecord, ParseError, Position};

use super::manifest::Manifest;
use super::properties;

/// The format name carried by every [`ParseError`] from [`read`].
pub(super) const FORMAT: &str = "Java archive";

/// File extensions of Java archives, compared case-insensitively: Syft's list (JAR, WAR, EAR,
/// SAR, NAR, PAR, Jenkins' JPI and HPI, Liferay's LPKG).
const EXTENSIONS: [&str; 9] = [
    "jar", "war", "ear", "par", "sar", "nar", "jpi", "hpi", "lpkg",
];

/// Most central-directory entries one archive may have. The largest real archives (fat JARs
/// of big applications) have tens of thousands.
const MAX_ENTRIES: usize = 500_000;
/// Most entries visited in a file and all its nested archives together.
const MAX_TOTAL_ENTRIES: usize = 2_000_000;
/// Deepest nesting read: an EAR holding a WAR holding a JAR holding a JAR is 3.
const MAX_DEPTH: usize = 4;
/// Most nested archives read per file.
const MAX_ARCHIVES: usize = 20_000;
/// Largest a compressed nested archive may inflate to.
const MAX_NESTED_SIZE: u64 = 256 << 20;
/// Largest a manifest or `pom.properties` is read; a manifest's main section comes first, so
/// reading less of a huge signed manifest loses nothing.
const MAX_METADATA_SIZE: u64 = 1 << 20;
/// Most bytes inflated from one file and its nested archives together.
const MAX_INFLATED: u64 = 1 << 30;

/// What a Java archive holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ArchiveContents {
    /// Packages by the archive they were found in, outermost first.
    pub(crate) packages: Vec<NestedPackages>,
    /// Parts that were not read (a corrupt nested archive, a cap reached), as messages.
    pub(crate) problems: Vec<String>,
}

/// The packages of one archive.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct NestedPackages {
    /// Where the archive is inside the file: empty for the file itself, else the entry path,
    /// joined with `:` per level (`web.war:WEB-INF/lib/x.jar`).
    pub(crate) path: String,
    pub(crate) records: Vec<PackageRecord>,
}

/// Whether a file called `name` is a Java archive, by its extension.
pub(super) fn is_archive_name(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(stem, extension)| {
        !stem.is_empty()
            && EXTENSIONS
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
    })
}

/// Reads the archive `content` of the file called `file_name`. Only an outer file that is not
/// a readable ZIP archive is an error; everything inside is read as far as it can be.
pub(super) fn read(file_name: &str, content: &[u8]) -> Result<ArchiveContents, ParseError> {
    let mut walker = Walker {
        contents: ArchiveContents::default(),
        archives: 0,
        entries: 0,
        inflated: 0,
    };
    walker
        .walk(content, file_name, "", 0)
        .map_err(|reason| ParseError::new(FORMAT, Position::File, reason))?;
    Ok(walker.contents)
}

/// The state of reading one file: what was found and what the budgets have left.
struct Walker {
    contents: ArchiveContents,
    /// Nested archives opened so far.
    archives: usize,
    /// Entries visited so far.
    entries: usize,
    /// Bytes inflated so far.
    inflated: u64,
}

/// The entries of an archive the walker reads.
#[derive(Default)]
struct Wanted {
    manifest: Option<usize>,
    pom_properties: Vec<usize>,
    /// Nested archives: index and entry path.
    nested: Vec<(usize, String)>,
}

impl Walker {
    /// Reads one archive, `depth` levels below the file, at `path` inside the file.
    fn walk(
        &mut self,
        bytes: &[u8],
        file_name: &str,
        path: &str,
        depth: usize,
    ) -> Result<(), String> {
        let headers = memchr::memmem::find_iter(bytes, b"PK\x01\x02").count();
        if headers > MAX_ENTRIES {
            return Err(format!("more than {MAX_ENTRIES} entries"));
        }
        let mut archive = ZipArchive::new(Cursor::new(bytes))
            .map_err(|error| format!("not a ZIP archive: {error}"))?;
        self.entries += archive.len();
        if self.entries > MAX_TOTAL_ENTRIES {
            return Err(format!(
                "more than {MAX_TOTAL_ENTRIES} entries in the file and its nested archives"
            ));
        }
        let wanted = wanted_entries(&archive);
        let manifest = wanted
            .manifest
            .and_then(|index| self.read_metadata(&mut archive, index, path))
            .map(|content| Manifest::parse(&content));
        let mut maven = Vec::new();
        for &index in &wanted.pom_properties {
            if let Some(content) = self.read_metadata(&mut archive, index, path) {
                maven.extend(PomProperties::parse(&content));
            }
        }
        let records = identify(file_name, manifest.as_ref(), &maven);
        if !records.is_empty() {
            self.contents.packages.push(NestedPackages {
                path: path.to_owned(),
                records,
            });
        }
        for (index, entry) in wanted.nested {
            let nested_path = if path.is_empty() {
                entry.clone()
            } else {
                format!("{path}:{entry}")
            };
            if depth + 1 > MAX_DEPTH {
                self.problem(
                    &nested_path,
                    &format!("nested more than {MAX_DEPTH} archives deep; not read"),
                );
                continue;
            }
            self.archives += 1;
            if self.archives > MAX_ARCHIVES {
                self.problem(
                    path,
                    &format!("more than {MAX_ARCHIVES} nested archives; the rest were not read"),
                );
                break;
            }
            let nested_name = entry
                .rsplit_once('/')
                .map_or(entry.as_str(), |(_, name)| name);
            let result = match self.nested_bytes(&mut archive, bytes, index) {
                Ok(Nested::InPlace(range)) => match bytes.get(range) {
                    Some(slice) => self.walk(slice, nested_name, &nested_path, depth + 1),
                    None => Err("entry data lies outside the archive".to_owned()),
                },
                Ok(Nested::Inflated(buffer)) => {
                    self.walk(&buffer, nested_name, &nested_path, depth + 1)
                }
                Err(reason) => Err(reason),
            };
            if let Err(reason) = result {
                self.problem(&nested_path, &reason);
            }
        }
        Ok(())
    }

    /// Records a problem with the archive at `path` inside the file.
    fn problem(&mut self, path: &str, reason: &str) {
        let message = if path.is_empty() {
            reason.to_owned()
        } else {
            format!("nested archive {path}: {reason}")
        };
        self.contents.problems.push(message);
    }

    /// The content of a small metadata entry, within [`MAX_METADATA_SIZE`] and the inflation
    /// budget; `None` (with a problem recorded) when it cannot be read.
    fn read_metadata(
        &mut self,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        index: usize,
        path: &str,
    ) -> Option<Vec<u8>> {
        let limit = MAX_METADATA_SIZE.min(MAX_INFLATED.saturating_sub(self.inflated));
        let result = archive
            .by_index(index)
            .map_err(|error| error.to_string())
            .and_then(|entry| {
                let name = entry
                    .name()
                    .map_or_else(|_| format!("entry {index}"), std::borrow::Cow::into_owned);
                let mut content = Vec::new();
                entry
                    .take(limit)
                    .read_to_end(&mut content)
                    .map_err(|error| format!("{name}: {error}"))?;
                Ok(content)
            });
        match result {
            Ok(content) => {
                self.inflated += content.len() as u64;
                Some(content)
            }
            Err(reason) => {
                self.problem(path, &reason);
                None
            }
        }
    }

    /// The bytes of the nested archive at `index`: its range in `bytes` when stored
    /// uncompressed, else inflated within the budgets.
    fn nested_bytes(
        &mut self,
        archive: &mut ZipArchive<Cursor<&[u8]>>,
        bytes: &[u8],
        index: usize,
    ) -> Result<Nested, String> {
        let entry = archive.by_index(index).map_err(|error| error.to_string())?;
        if entry.compression() == CompressionMethod::Stored
            && let Some(start) = entry.data_start()
        {
            let end = start.saturating_add(entry.compressed_size());
            let range = usize::try_from(start).unwrap_or(usize::MAX)
                ..usize::try_from(end).unwrap_or(usize::MAX);
            if range.end <= bytes.len() {
                return Ok(Nested::InPlace(range));
            }
            return Err("entry data lies outside the archive".to_owned());
        }
        let remaining = MAX_INFLATED.saturating_sub(self.inflated);
        let limit = MAX_NESTED_SIZE.min(remaining);
        if entry.size() > limit {
            return Err(if limit < MAX_NESTED_SIZE {
                format!("inflating it would pass the {MAX_INFLATED}-byte budget of the file")
            } else {
                format!("inflates to more than {MAX_NESTED_SIZE} bytes")
            });
        }
        let mut buffer = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0));
        // One byte more than allowed tells a lying size field from an exact fit.
        let read = entry
            .take(limit + 1)
            .read_to_end(&mut buffer)
            .map_err(|error| error.to_string());
        self.inflated += buffer.len() as u64;
        read?;
        if buffer.len() as u64 > limit {
            return Err(format!("inflates to more than {limit} bytes"));
        }
        Ok(Nested::Inflated(buffer))
    }
}

/// Where a nested archive's bytes are.
enum Nested {
    /// A range of the outer archive's bytes (a stored entry).
    InPlace(std::ops::Range<usize>),
    /// Inflated into memory.
    Inflated(Vec<u8>),
}

/// Finds the entries the walker reads, by name.
fn wanted_entries(archive: &ZipArchive<Cursor<&[u8]>>) -> Wanted {
    let mut wanted = Wanted::default();
    for (index, name) in archive.file_names().enumerate() {
        let Ok(name) = name else {
            continue;
        };
        if name.ends_with('/') {
            continue;
        }
        if name.eq_ignore_ascii_case("META-INF/MANIFEST.MF") {
            wanted.manifest = Some(index);
        } else if name.ends_with("/pom.properties")
            && (name.starts_with("META-INF/maven/") || name.contains("/META-INF/maven/"))
        {
            wanted.pom_properties.push(index);
        } else if is_archive_name(name.rsplit_once('/').map_or(&*name, |(_, file)| file)) {
            wanted.nested.push((index, name.into_owned()));
        }
    }
    wanted
}

/// The coordinates a `pom.properties` declares.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PomProperties {
    group: String,
    artifact: String,
    version: String,
}

impl PomProperties {
    /// The coordinates in `content`, if it has all three and none is an unexpanded `${…}`.
    fn parse(content: &[u8]) -> Option<Self> {
        let properties = properties::parse(content);
        let get = |key: &str| {
            properties
                .get(key)
                .map(|value| value.trim())
                .filter(|value| !value.is_empty() && !value.contains("${"))
                .map(str::to_owned)
        };
        Some(Self {
            group: get("groupId")?,
            artifact: get("artifactId")?,
            version: get("version")?,
        })
    }
}

/// The packages of one archive: one per `pom.properties`, plus the archive itself from its
/// file name and manifest when no `pom.properties` names it.
fn identify(
    file_name: &str,
    manifest: Option<&Manifest>,
    maven: &[PomProperties],
) -> Vec<PackageRecord> {
    let mut seen = HashSet::new();
    let mut records: Vec<PackageRecord> = maven
        .iter()
        .filter(|properties| {
            seen.insert((
                properties.group.as_str(),
                properties.artifact.as_str(),
                properties.version.as_str(),
            ))
        })
        .map(|properties| {
            PackageRecord::new(
                Ecosystem::Maven,
                format!("{}:{}", properties.group, properties.artifact),
                &properties.version,
            )
        })
        .collect();
    if let Some(own) = own_identity(file_name, manifest)
        && !maven.iter().any(|properties| {
            properties.artifact == own.artifact || properties.version == own.version
        })
    {
        let name = match own.group {
            Some(group) => format!("{group}:{}", own.artifact),
            None => own.artifact,
        };
        records.insert(0, PackageRecord::new(Ecosystem::Maven, name, own.version));
    }
    records
}

/// What an archive's name and manifest say it is.
#[derive(Debug, PartialEq, Eq)]
struct OwnIdentity {
    group: Option<String>,
    artifact: String,
    version: String,
}

/// The archive's own identity from its file name and manifest, when both a name and a
/// version are known.
fn own_identity(file_name: &str, manifest: Option<&Manifest>) -> Option<OwnIdentity> {
    let (name_from_file, version_from_file) = split_file_name(file_name);
    let attribute = |names: &[&str]| {
        manifest.and_then(|manifest| names.iter().find_map(|name| manifest.get(name)))
    };
    let artifact = name_from_file.map(str::to_owned).or_else(|| {
        attribute(&["Short-Name", "Extension-Name", "Bundle-SymbolicName"])
            .map(|name| name.split(';').next().unwrap_or(name).trim().to_owned())
            .filter(|name| !name.is_empty() && !name.contains(char::is_whitespace))
    })?;
    let version = version_from_file
        .or_else(|| attribute(&["Implementation-Version", "Plugin-Version", "Bundle-Version"]))?
        .to_owned();
    let group = attribute(&["Implementation-Vendor-Id", "Group-Id"])
        .filter(|group| group.contains('.') && !group.contains(char::is_whitespace))
        .map(str::to_owned);
    Some(OwnIdentity {
        group,
        artifact,
        version,
    })
}

/// Splits an archive's file name into artifact and version at the first `-` followed by a
/// digit: `commons-lang3-3.12.0.jar` → (`commons-lang3`, `3.12.0`), `app.war` → (`app`, none).
fn split_file_name(file_name: &str) -> (Option<&str>, Option<&str>) {
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name, |(stem, _)| stem);
    let split = stem.match_indices('-').find(|(at, _)| {
        stem.get(at + 1..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|next| next.is_ascii_digit())
    });
    let (name, version) = match split {
        Some((at, _)) => (stem.get(..at), stem.get(at + 1..)),
        None => (Some(stem), None),
    };
    (name.filter(|name| !name.is_empty()), version)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use zip::write::SimpleFileOptions;

    use super::*;

    /// A ZIP archive holding `entries`, compressed with `method`.
    pub(super) fn zip_of(entries: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(method);
        for (name, content) in entries {
            writer.start_file(*name, options).unwrap();
            writer.write_all(content).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    fn pom_properties(group: &str, artifact: &str, version: &str) -> Vec<u8> {
        format!("#Generated by Maven\ngroupId={group}\nartifactId={artifact}\nversion={version}\n")
            .into_bytes()
    }

    fn names(contents: &ArchiveContents) -> Vec<(String, String, String)> {
        contents
            .packages
            .iter()
            .flat_map(|nested| {
                nested.records.iter().map(|record| {
                    (
                        nested.path.clone(),
                        record.name.clone(),
                        record.version.clone(),
                    )
                })
            })
            .collect()
    }

    #[test]
    fn routes_archives_by_extension() {
        for name in ["a.jar", "b.WAR", "c.ear", "plugin.hpi", "x.jpi", "p.lpkg"] {
            assert!(is_archive_name(name), "{name}");
        }
        for name in ["jar", ".jar", "a.jar.sha1", "a.zip", "a.aar", "pom.xml"] {
            assert!(!is_archive_name(name), "{name}");
        }
    }

    #[test]
    fn splits_file_names() {
        assert_eq!(
            split_file_name("commons-lang3-3.12.0.jar"),
            (Some("commons-lang3"), Some("3.12.0"))
        );
        assert_eq!(
            split_file_name("guava-32.1.3-jre.jar"),
            (Some("guava"), Some("32.1.3-jre"))
        );
        assert_eq!(split_file_name("app.war"), (Some("app"), None));
        assert_eq!(
            split_file_name("commons-lang3.jar"),
            (Some("commons-lang3"), None)
        );
        assert_eq!(split_file_name("-1.0.jar"), (None, Some("1.0")));
        assert_eq!(split_file_name(""), (None, None));
    }

    #[test]
    fn reports_every_pom_properties_and_the_archive_when_unnamed() {
        let properties = pom_properties("org.apache.commons", "commons-lang3", "3.12.0");
        let shaded = pom_properties("com.google.guava", "guava", "32.1.3-jre");
        let archive = zip_of(
            &[
                (
                    "META-INF/MANIFEST.MF",
                    b"Manifest-Version: 1.0\nImplementation-Version: 2.0\n",
                ),
                (
                    "META-INF/maven/org.apache.commons/commons-lang3/pom.properties",
                    &properties,
                ),
                (
                    "META-INF/maven/com.google.guava/guava/pom.properties",
                    &shaded,
                ),
                (
                    "META-INF/maven/x/y/pom.properties",
                    b"groupId=x\nartifactId=y\nversion=${v}\n",
                ),
                ("org/app/Main.class", b"\xca\xfe\xba\xbe"),
            ],
            CompressionMethod::Deflated,
        );
        let contents = read("app-2.0.jar", &archive).unwrap();
        assert_eq!(
            names(&contents),
            [
                (String::new(), "app".to_owned(), "2.0".to_owned()),
                (
                    String::new(),
                    "org.apache.commons:commons-lang3".to_owned(),
                    "3.12.0".to_owned()
                ),
                (
                    String::new(),
                    "com.google.guava:guava".to_owned(),
                    "32.1.3-jre".to_owned()
                ),
            ]
        );
        assert!(contents.problems.is_empty());
        // Named by its own pom.properties: only the libraries.
        let contents = read("commons-lang3-3.12.0.jar", &archive).unwrap();
        assert_eq!(contents.packages[0].records.len(), 2);
        // A renamed copy of one library is that library.
        let single = zip_of(
            &[
                ("META-INF/MANIFEST.MF", b"Implementation-Version: 3.12.0\n"),
                (
                    "META-INF/maven/org.apache.commons/commons-lang3/pom.properties",
                    &properties,
                ),
            ],
            CompressionMethod::Deflated,
        );
        assert_eq!(
            read("lib.jar", &single).unwrap().packages[0].records.len(),
            1
        );
    }

    #[test]
    fn falls_back_to_the_manifest() {
        let archive = zip_of(
            &[(
                "META-INF/MANIFEST.MF",
                b"Manifest-Version: 1.0\r\nShort-Name: git\r\nPlugin-Version: 5.2.1\r\nGroup-Id: org.jenkins-ci.plugins\r\n",
            )],
            CompressionMethod::Stored,
        );
        let contents = read("git.hpi", &archive).unwrap();
        assert_eq!(
            names(&contents),
            [(
                String::new(),
                "org.jenkins-ci.plugins:git".to_owned(),
                "5.2.1".to_owned()
            )]
        );
        // No version anywhere: nothing to report.
        let archive = zip_of(
            &[("META-INF/MANIFEST.MF", b"Manifest-Version: 1.0\n")],
            CompressionMethod::Stored,
        );
        assert!(read("tool.jar", &archive).unwrap().packages.is_empty());
    }

    #[test]
    fn reads_nested_archives_with_their_paths() {
        let library = zip_of(
            &[(
                "META-INF/maven/g/lib/pom.properties",
                &pom_properties("g", "lib", "1.0"),
            )],
            CompressionMethod::Deflated,
        );
        let war = zip_of(
            &[
                ("WEB-INF/lib/lib-1.0.jar", &library),
                ("WEB-INF/lib/broken.jar", b"not a zip"),
            ],
            CompressionMethod::Deflated,
        );
        let ear = zip_of(
            &[("web.war", &war), ("lib/other-2.jar", &library)],
            CompressionMethod::Stored,
        );
        let contents = read("app.ear", &ear).unwrap();
        assert_eq!(
            names(&contents),
            [
                (
                    "web.war:WEB-INF/lib/lib-1.0.jar".to_owned(),
                    "g:lib".to_owned(),
                    "1.0".to_owned()
                ),
                (
                    "lib/other-2.jar".to_owned(),
                    "other".to_owned(),
                    "2".to_owned()
                ),
                (
                    "lib/other-2.jar".to_owned(),
                    "g:lib".to_owned(),
                    "1.0".to_owned()
                ),
            ]
        );
        assert_eq!(contents.problems.len(), 1, "{:?}", contents.problems);
        assert!(
            contents.problems[0]
                .starts_with("nested archive web.war:WEB-INF/lib/broken.jar: not a ZIP archive")
        );
        assert!(read("x.jar", b"not a zip").is_err());
    }

    #[test]
    fn stops_at_the_nesting_limit() {
        let mut archive = zip_of(
            &[(
                "META-INF/maven/g/deep/pom.properties",
                &pom_properties("g", "deep", "1"),
            )],
            CompressionMethod::Deflated,
        );
        for level in 0..6 {
            archive = zip_of(
                &[(&format!("level{level}.jar"), &archive)],
                CompressionMethod::Deflated,
            );
        }
        let contents = read("outer.jar", &archive).unwrap();
        assert!(contents.packages.is_empty());
        assert_eq!(contents.problems.len(), 1);
        assert!(
            contents.problems[0].contains("nested more than 4 archives deep"),
            "{:?}",
            contents.problems
        );
    }

    #[test]
    fn bounds_a_zip_bomb() {
        // 300 MiB of zeros deflate to a few MiB: past the nested-archive cap.
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated)
            .compression_level(Some(1));
        writer.start_file("bomb.jar", options).unwrap();
        let zeros = vec![0_u8; 1 << 20];
        for _ in 0..300 {
            writer.write_all(&zeros).unwrap();
        }
        let mut bomb = writer.finish().unwrap().into_inner();
        assert!(bomb.len() * 50 < 300 << 20, "{}", bomb.len());
        let contents = read("outer.jar", &bomb).unwrap();
        assert!(contents.packages.is_empty());
        assert_eq!(
            contents.problems,
            ["nested archive bomb.jar: inflates to more than 268435456 bytes"]
        );

        // The same bomb with its sizes forged to 1000 bytes is stopped while inflating (the
        // ZIP reader itself refuses to inflate past the declared size).
        let forged = 1000_u32.to_le_bytes();
        let local = memchr::memmem::find(&bomb, b"PK\x03\x04").unwrap();
        bomb[local + 22..local + 26].copy_from_slice(&forged);
        let central = memchr::memmem::find(&bomb, b"PK\x01\x02").unwrap();
        bomb[central + 24..central + 28].copy_from_slice(&forged);
        let contents = read("outer.jar", &bomb).unwrap();
        assert!(contents.packages.is_empty());
        assert_eq!(contents.problems.len(), 1, "{:?}", contents.problems);
        assert!(
            contents.problems[0].starts_with("nested archive bomb.jar: "),
            "{:?}",
            contents.problems
        );
    }

    #[test]
    fn refuses_archives_with_too_many_entries() {
        let mut headers = Vec::new();
        for _ in 0..=MAX_ENTRIES {
            headers.extend_from_slice(b"PK\x01\x02");
        }
        let error = read("many.jar", &headers).unwrap_err();
        assert!(error.reason.contains("more than"), "{error}");
    }
}
