//! `go.mod`, parsed as `golang.org/x/mod/modfile.Parse` parses a main module's file: the same
//! tokens and directives, so a file the go command rejects for its syntax, an unknown
//! directive or a malformed version is a [`ParseError`] at the line Go names.
//!
//! # Syntax
//!
//! Each line is a directive (`require golang.org/x/net v0.5.6`) or opens a block of them
//! (`require (`, one per line, then `)`). Tokens are separated by spaces and tabs; `//`
//! starts a comment that runs to the end of the line; `"…"` and `` `…` `` quote a token;
//! `(`, `)`, `[`, `]`, `{`, `}` and `,` are tokens of their own. Unlike Go, quoted tokens may
//! use only the `\\` and `\"` escapes and raw strings cannot span lines: module paths and
//! versions never need more.
//!
//! # Directives
//!
//! - `require path version [// indirect]`: one record per requirement, direct
//!   ([`Scope::direct`](custody_model::Scope) `Some(true)`) unless marked `// indirect`.
//!   Versions are canonicalized as Go does (`v1.2` → `v1.2.0`) and must suit the path's major
//!   version suffix (`/v2` needs `v2.x.y`).
//! - `replace old [version] => new [version]`: a requirement of `old` (at `version`, or at any
//!   version when none is given; a versioned replacement wins over a wildcard one) is reported
//!   as `new` at its version. A replacement by a directory is the project's own code and is
//!   not reported (see the parent module). Replacements of modules not required change
//!   nothing.
//! - `toolchain goX.Y.Z`, else `go X.Y[.Z]`: the `stdlib` package at that version
//!   ([`super::stdlib_record`]; `go 1.17` is Go 1.17's first release, `1.17.0`). Both name
//!   the *oldest* Go release the module is meant for, so this is a lower bound of the one it
//!   is built with; osv-scalibr and osv-scanner report the same (from `go`, and from
//!   `toolchain` in newer releases).
//! - `exclude`, `retract`, `module`, `godebug`, `tool` and `ignore` are checked and have no
//!   effect. An `exclude` only matters when a requirement names the excluded version, which
//!   `go mod tidy` never leaves; the version Go would pick instead is not knowable offline,
//!   so the requirement is reported as written.
//!
//! A requirement listed twice (at two versions, or twice at one after replacements) is one
//! record per name and version, direct if any of its requirements is.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::{PackageRecord, ParseError, Position};

use super::module;

/// The format name carried by every [`ParseError`] from [`parse`].
const FORMAT: &str = "go.mod";

/// Parses a `go.mod` into one record per required module, after replacements, plus the
/// `stdlib` package of the Go version it declares.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let file = GoMod::parse(content)?;
    // The first replacement of each module path and version (`None`: every version); the go
    // command rejects a file with two.
    let mut replacements: HashMap<(&str, Option<&str>), &Target> = HashMap::new();
    for replace in &file.replaces {
        replacements
            .entry((&replace.path, replace.version.as_deref()))
            .or_insert(&replace.target);
    }
    let mut records: Vec<PackageRecord> = Vec::new();
    let mut by_module: HashMap<(&str, &str), usize> = HashMap::new();
    for require in &file.requires {
        let replacement = replacements
            .get(&(require.path.as_str(), Some(require.version.as_str())))
            .or_else(|| replacements.get(&(require.path.as_str(), None)));
        let (path, version) = match replacement {
            Some(Target::Module { path, version }) => (path.as_str(), version.as_str()),
            Some(Target::Directory) => continue,
            None => (require.path.as_str(), require.version.as_str()),
        };
        let direct = !require.indirect;
        if let Some(record) = by_module
            .get(&(path, version))
            .and_then(|&index| records.get_mut(index))
        {
            record.scope.direct = Some(direct || record.scope.direct == Some(true));
        } else {
            by_module.insert((path, version), records.len());
            let mut record = super::record(path, version);
            record.scope.direct = Some(direct);
            records.push(record);
        }
    }
    let toolchain = file.toolchain.as_deref().filter(|name| *name != "default");
    if let Some(stdlib) = toolchain
        .or(file.go.as_deref())
        .and_then(super::stdlib_record)
    {
        records.push(stdlib);
    }
    Ok(records)
}

/// What a `go.mod` says that decides its packages.
#[derive(Debug, Default)]
struct GoMod {
    module: bool,
    go: Option<String>,
    toolchain: Option<String>,
    requires: Vec<Require>,
    replaces: Vec<Replace>,
}

/// A `require` line.
#[derive(Debug)]
struct Require {
    path: String,
    /// Canonical.
    version: String,
    indirect: bool,
}

/// A `replace` line.
#[derive(Debug)]
struct Replace {
    path: String,
    /// The replaced version (canonical), or `None` for every version.
    version: Option<String>,
    target: Target,
}

/// What a module is replaced by.
#[derive(Debug, PartialEq, Eq)]
enum Target {
    /// Another module (or the same one) at a version.
    Module { path: String, version: String },
    /// A directory of the project.
    Directory,
}

impl GoMod {
    fn parse(content: &[u8]) -> Result<Self, ParseError> {
        let mut file = Self::default();
        // The verb and opening line of the block being read.
        let mut block: Option<(String, usize)> = None;
        for line in crate::lang::document::lines(FORMAT, content) {
            let (number, line) = line?;
            let error = |reason: String| ParseError::new(FORMAT, Position::Line(number), reason);
            let (tokens, comment) = tokenize(line).map_err(|reason| error(reason.into()))?;
            if let Some((verb, _)) = &block {
                match tokens.as_slice() {
                    [] => {}
                    [Token::Close] => block = None,
                    arguments => file.directive(verb, arguments, comment).map_err(error)?,
                }
                continue;
            }
            match tokens.as_slice() {
                [] => {}
                [Token::Word(verb), Token::Open] => {
                    if !VERBS.contains(&verb.as_ref()) {
                        return Err(error(format!("unknown block type: {verb}")));
                    }
                    block = Some((verb.to_string(), number));
                }
                [Token::Word(verb), arguments @ ..] => {
                    file.directive(verb, arguments, comment).map_err(error)?;
                }
                [token, ..] => return Err(error(format!("unexpected {}", token.describe()))),
            }
        }
        if let Some((verb, number)) = block {
            return Err(ParseError::new(
                FORMAT,
                Position::Line(number),
                format!("{verb} block is never closed"),
            ));
        }
        Ok(file)
    }

    /// Applies one directive; the error is the reason, to be placed at the line.
    fn directive(
        &mut self,
        verb: &str,
        arguments: &[Token<'_>],
        comment: Option<&str>,
    ) -> Result<(), String> {
        let usage = |form: &str| format!("usage: {verb} {form}");
        match verb {
            "module" => {
                let [_path] = words(arguments).ok_or_else(|| usage("module/path"))?;
                if std::mem::replace(&mut self.module, true) {
                    return Err("repeated module statement".into());
                }
            }
            "go" => {
                let [version] = words(arguments).ok_or_else(|| usage("1.23"))?;
                if super::GoRelease::parse(version).is_none() {
                    return Err(format!(
                        "invalid go version '{version}': must match format 1.23.0"
                    ));
                }
                if self.go.replace(version.to_owned()).is_some() {
                    return Err("repeated go statement".into());
                }
            }
            "toolchain" => {
                let [name] = words(arguments).ok_or_else(|| usage("go1.23.0"))?;
                if name != "default" && !(name == "go1" || name.starts_with("go1.")) {
                    return Err(format!(
                        "invalid toolchain version '{name}': must match format go1.23.0 or default"
                    ));
                }
                if self.toolchain.replace(name.to_owned()).is_some() {
                    return Err("repeated toolchain statement".into());
                }
            }
            "require" | "exclude" => {
                let [path, version] =
                    words(arguments).ok_or_else(|| usage("module/path v1.2.3"))?;
                let version = module_version(path, version)?;
                if verb == "require" {
                    self.requires.push(Require {
                        path: path.to_owned(),
                        version,
                        indirect: comment.is_some_and(is_indirect),
                    });
                }
            }
            "replace" => self.replaces.push(replace(arguments)?),
            "retract" => {
                let valid = match arguments {
                    [Token::Word(version)] => module::canonical_version(version).is_some(),
                    [
                        Token::Punct('['),
                        Token::Word(low),
                        Token::Punct(','),
                        Token::Word(high),
                        Token::Punct(']'),
                    ] => [low, high]
                        .iter()
                        .all(|version| module::canonical_version(version).is_some()),
                    _ => false,
                };
                if !valid {
                    return Err(usage("version or retract [low, high]"));
                }
            }
            "godebug" => {
                let [setting] = words(arguments).ok_or_else(|| usage("key=value"))?;
                if !setting.contains('=') {
                    return Err(usage("key=value"));
                }
            }
            "tool" | "ignore" => {
                words::<1>(arguments).ok_or_else(|| usage("path"))?;
            }
            _ => return Err(format!("unknown directive: {verb}")),
        }
        Ok(())
    }
}

/// The directives `golang.org/x/mod/modfile` knows.
const VERBS: [&str; 10] = [
    "module",
    "go",
    "toolchain",
    "godebug",
    "require",
    "exclude",
    "replace",
    "retract",
    "tool",
    "ignore",
];

/// Parses the arguments of a `replace`: `old [version] => new [version]`, or
/// `old [version] => directory`.
fn replace(arguments: &[Token<'_>]) -> Result<Replace, String> {
    let usage = || {
        "usage: replace module/path [v1.2.3] => other/module v1.4 \
         or replace module/path [v1.2.3] => ../local/directory"
            .to_owned()
    };
    let arrow = arguments
        .iter()
        .position(|token| *token == Token::Arrow)
        .ok_or_else(usage)?;
    let (old, new) = arguments.split_at(arrow);
    let new = new.get(1..).unwrap_or_default();
    let (path, version) = match (words::<1>(old), words::<2>(old)) {
        (Some([path]), _) => (path, None),
        (_, Some([path, version])) => (path, Some(version)),
        _ => return Err(usage()),
    };
    let version = version
        .map(|version| {
            module::canonical_version(version)
                .ok_or_else(|| format!("invalid version {version:?} of {path}"))
        })
        .transpose()?;
    let target = match (words::<1>(new), words::<2>(new)) {
        (Some([directory]), _) if is_directory(directory) => Target::Directory,
        (Some([directory]), _) => {
            return Err(format!(
                "replacement module without version must be directory path (rooted or \
                 starting with ./ or ../): {directory}"
            ));
        }
        (_, Some([new_path, _])) if is_directory(new_path) => {
            return Err(format!(
                "replacement module directory path {new_path:?} cannot have version"
            ));
        }
        (_, Some([new_path, new_version])) => Target::Module {
            path: new_path.to_owned(),
            version: module::canonical_version(new_version)
                .ok_or_else(|| format!("invalid version {new_version:?} of {new_path}"))?,
        },
        _ => return Err(usage()),
    };
    Ok(Replace {
        path: path.to_owned(),
        version,
        target,
    })
}

/// The canonical form of a required or excluded `version` of module `path`, or the error Go
/// gives for it.
fn module_version(path: &str, version: &str) -> Result<String, String> {
    let canonical = module::canonical_version(version).ok_or_else(|| {
        format!("{path}: invalid version {version:?}: must be of the form v1.2.3")
    })?;
    if !module::is_valid(path, &canonical) {
        return Err(format!(
            "{path}: version {version:?} does not match the module path's major version"
        ));
    }
    Ok(canonical)
}

/// Whether a replacement target is a directory, as `modfile.IsDirectoryPath` decides: rooted
/// or starting with `./` or `../` (or their Windows spellings).
pub(crate) fn is_directory(path: &str) -> bool {
    path == "."
        || path == ".."
        || ["./", "../", "/", ".\\", "..\\", "\\"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
        || path.as_bytes().get(1..3) == Some(b":\\")
        || path.as_bytes().get(1..3) == Some(b":/")
}

/// Whether a line's comment marks its requirement indirect: `// indirect`, or
/// `// indirect; …` followed by more text.
fn is_indirect(comment: &str) -> bool {
    let mut fields = comment.split_whitespace();
    matches!(
        (fields.next(), fields.next()),
        (Some("indirect"), None) | (Some("indirect;"), Some(_))
    )
}

/// Exactly `N` word arguments.
fn words<'t, const N: usize>(arguments: &'t [Token<'_>]) -> Option<[&'t str; N]> {
    let arguments: &[Token<'_>; N] = arguments.try_into().ok()?;
    let mut words = [""; N];
    for (word, token) in words.iter_mut().zip(arguments) {
        let Token::Word(text) = token else {
            return None;
        };
        *word = text;
    }
    Some(words)
}

/// A token of a `go.mod` line.
#[derive(Debug, PartialEq, Eq)]
enum Token<'a> {
    /// An identifier, or the content of a quoted string.
    Word(Cow<'a, str>),
    /// `=>`, unquoted.
    Arrow,
    /// `(`.
    Open,
    /// `)`.
    Close,
    /// `[`, `]`, `{`, `}` or `,`.
    Punct(char),
}

impl Token<'_> {
    /// The token as an error message names it.
    fn describe(&self) -> String {
        match self {
            Self::Word(text) => format!("{text:?}"),
            Self::Arrow => "=>".into(),
            Self::Open => "(".into(),
            Self::Close => ")".into(),
            Self::Punct(character) => character.to_string(),
        }
    }
}

/// Splits one line into tokens and its trailing `//` comment (the text after the slashes).
fn tokenize(line: &str) -> Result<(Vec<Token<'_>>, Option<&str>), &'static str> {
    let mut tokens = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start_matches([' ', '\t', '\r']);
        let Some(first) = rest.chars().next() else {
            return Ok((tokens, None));
        };
        if let Some(comment) = rest.strip_prefix("//") {
            return Ok((tokens, Some(comment)));
        }
        if rest.starts_with("/*") {
            return Err("mod files must use // comments, not /* */ comments");
        }
        let (token, length) = match first {
            '(' => (Token::Open, 1),
            ')' => (Token::Close, 1),
            '[' | ']' | '{' | '}' | ',' => (Token::Punct(first), 1),
            '"' => quoted(rest)?,
            '`' => {
                let end = rest
                    .get(1..)
                    .and_then(|text| text.find('`'))
                    .ok_or("unterminated raw string")?;
                let text = rest.get(1..=end).ok_or("unterminated raw string")?;
                (Token::Word(Cow::Borrowed(text)), end + 2)
            }
            _ if !is_identifier_character(first) => return Err("unexpected input character"),
            _ => {
                let mut end = rest.len();
                for (index, character) in rest.char_indices() {
                    let comment = rest
                        .get(index..)
                        .is_some_and(|tail| tail.starts_with("//") || tail.starts_with("/*"));
                    if comment || !is_identifier_character(character) {
                        end = index;
                        break;
                    }
                }
                let text = rest.get(..end).ok_or("unexpected input character")?;
                let token = if text == "=>" {
                    Token::Arrow
                } else {
                    Token::Word(Cow::Borrowed(text))
                };
                (token, end)
            }
        };
        tokens.push(token);
        rest = rest.get(length..).ok_or("unexpected input character")?;
    }
}

/// Reads the interpreted string at the start of `text` (which begins with `"`): its content
/// and the length of the whole literal.
fn quoted(text: &str) -> Result<(Token<'_>, usize), &'static str> {
    let mut content = String::new();
    let mut characters = text.char_indices().skip(1);
    while let Some((index, character)) = characters.next() {
        match character {
            '"' => return Ok((Token::Word(Cow::Owned(content)), index + 1)),
            '\\' => match characters.next() {
                Some((_, escaped @ ('\\' | '"'))) => content.push(escaped),
                _ => return Err("unsupported escape in quoted string"),
            },
            _ => content.push(character),
        }
    }
    Err("unterminated quoted string")
}

/// Whether `character` may be part of an identifier: printable and not a space or one of the
/// punctuation tokens.
fn is_identifier_character(character: char) -> bool {
    !matches!(character, '(' | ')' | '[' | ']' | '{' | '}' | ',')
        && !character.is_whitespace()
        && !character.is_control()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (name, version, direct) of each record.
    fn summary(content: &str) -> Vec<(String, String, Option<bool>)> {
        parse(content.as_bytes())
            .unwrap()
            .into_iter()
            .map(|record| (record.name, record.version, record.scope.direct))
            .collect()
    }

    fn row(name: &str, version: &str, direct: Option<bool>) -> (String, String, Option<bool>) {
        (name.into(), version.into(), direct)
    }

    #[test]
    fn reads_requirements_replacements_and_the_toolchain() {
        let go_mod = r#"
// A comment line.
module example.com/app // Deprecated: use example.com/app/v2

go 1.22.1
toolchain go1.22.5

godebug (
	default=go1.21
	panicnil=1
)

require (
	github.com/BurntSushi/toml v1.2 // canonicalized as Go does
	"gopkg.in/yaml.v3" `v3.0.1`
	github.com/x/y/v2 v2.1.0+incompatible-not // indirect
)

require golang.org/x/sys v0.0.0-20210630005230-0f9fa26af87c // indirect; used by tests

require (
	github.com/old/a v1.0.0
	github.com/old/a v1.1.0 // indirect
	example.com/local v1.0.0
	github.com/BurntSushi/toml v1.2.0 // indirect
)

replace github.com/old/a v1.0.0 => github.com/new/a v1.0.5
replace github.com/old/a => github.com/new/b v2.0.0+incompatible
replace example.com/local => ../local
replace example.com/unused v9.9.9 => example.com/other v1.0.0

exclude github.com/BurntSushi/toml v1.1.0
retract v1.0.1
retract [v1.0.2, v1.0.3] // broken
tool golang.org/x/tools/cmd/stringer
ignore ./node_modules
"#;
        assert_eq!(
            summary(go_mod),
            [
                row("github.com/BurntSushi/toml", "v1.2.0", Some(true)),
                row("gopkg.in/yaml.v3", "v3.0.1", Some(true)),
                row("github.com/x/y/v2", "v2.1.0", Some(false)),
                row(
                    "golang.org/x/sys",
                    "v0.0.0-20210630005230-0f9fa26af87c",
                    Some(false)
                ),
                row("github.com/new/a", "v1.0.5", Some(true)),
                row("github.com/new/b", "v2.0.0+incompatible", Some(false)),
                row("stdlib", "1.22.5", None),
            ]
        );
    }

    #[test]
    fn stdlib_comes_from_the_go_directive_without_a_toolchain() {
        assert_eq!(summary("go 1.17\n"), [row("stdlib", "1.17.0", None)]);
        assert_eq!(
            summary("go 1.21rc1\ntoolchain default\n"),
            [row("stdlib", "1.21.0-rc.1", None)]
        );
        assert_eq!(summary("module a\n"), []);
    }

    #[test]
    fn indirect_needs_the_exact_comment() {
        assert!(is_indirect(" indirect"));
        assert!(is_indirect("indirect"));
        assert!(is_indirect(" indirect; for tests"));
        assert!(!is_indirect(" indirect;"));
        assert!(!is_indirect(" indirectly"));
        assert!(!is_indirect(" not indirect"));
        assert!(!is_indirect(""));
    }

    #[test]
    fn tokenizes_like_modfile() {
        let (tokens, comment) = tokenize("replace a=>b \"c d\" `e` [x,y] ( ) //c").unwrap();
        assert_eq!(
            tokens,
            [
                Token::Word("replace".into()),
                Token::Word("a=>b".into()),
                Token::Word("c d".into()),
                Token::Word("e".into()),
                Token::Punct('['),
                Token::Word("x".into()),
                Token::Punct(','),
                Token::Word("y".into()),
                Token::Punct(']'),
                Token::Open,
                Token::Close,
            ]
        );
        assert_eq!(comment, Some("c"));
        let (tokens, _) = tokenize("a => b").unwrap();
        assert_eq!(tokens[1], Token::Arrow);
        let (tokens, comment) = tokenize("path//comment").unwrap();
        assert_eq!((tokens.len(), comment), (1, Some("comment")));
        assert_eq!(
            tokenize("\"a\\\"b\"").unwrap().0,
            [Token::Word("a\"b".into())]
        );
    }

    #[test]
    fn malformed_files_are_errors_at_the_line_go_names() {
        for (content, line, reason) in [
            ("this is not a go.mod file!\n", 1, "unknown directive: this"),
            (
                "module a\n\nrequire (\n\tb v1.0.0\n",
                3,
                "require block is never closed",
            ),
            ("require b v1.0.0 extra\n", 1, "usage: require"),
            ("require b 1.0.0\n", 1, "must be of the form v1.2.3"),
            ("require github.com/a/b v2.0.0\n", 1, "major version"),
            ("require b/v2 v1.0.0\n", 1, "major version"),
            ("replace a => b\n", 1, "must be directory path"),
            ("replace a => ./b v1.0.0\n", 1, "cannot have version"),
            ("replace a v1 b v2\n", 1, "usage: replace"),
            ("go 1.21.x\n", 1, "invalid go version"),
            ("go 1.21\ngo 1.22\n", 2, "repeated go statement"),
            ("toolchain 1.21\n", 1, "invalid toolchain version"),
            ("module a\n)\n", 2, "unexpected )"),
            ("module \"a\n", 1, "unterminated quoted string"),
            ("module `a\n", 1, "unterminated raw string"),
            ("module a /* b */\n", 1, "// comments"),
            ("module \"a\\x41\"\n", 1, "unsupported escape"),
            ("foo (\n)\n", 1, "unknown block type: foo"),
            ("module a\n\u{7f}\n", 2, "unexpected input character"),
            ("retract [v1.0.0 v1.0.1]\n", 1, "usage: retract"),
            ("godebug x\n", 1, "usage: godebug"),
            ("module a\nmodule b\n", 2, "repeated module statement"),
        ] {
            let error = parse(content.as_bytes()).unwrap_err();
            assert_eq!(error.format, FORMAT);
            assert_eq!(error.position, Position::Line(line), "{content:?}: {error}");
            assert!(error.reason.contains(reason), "{content:?}: {error}");
        }
    }
}
