//! Installed gem specifications: the Ruby file RubyGems writes to `specifications/` for every
//! gem it installs (`Gem::Specification#to_ruby`).
//!
//! The file is Ruby code, and custody never runs code from a scanned artifact, so it is read
//! as the regular text RubyGems generates: inside the `Gem::Specification.new do |s|` block,
//! one statement per line,
//!
//! - `s.name = "rss".freeze` and `s.version = "0.2.9"` (also `Gem::Version.new("0.2.9")`),
//!   string literals in any of Ruby's quotings (`"…"`, `'…'`, `%q<…>`), optionally frozen;
//! - `s.licenses = ["Ruby".freeze, "BSD-2-Clause".freeze]` or `s.license = "MIT"`;
//! - `s.add_runtime_dependency(%q<rexml>.freeze, [">= 0"])`, `s.add_dependency(…)` and
//!   `s.add_development_dependency(…)`.
//!
//! Older RubyGems wrap the dependency calls in `if s.respond_to? :add_runtime_dependency` with
//! an `else` branch that repeats every dependency, development ones included, through
//! `add_dependency`; a name that is also a development dependency is therefore not a runtime
//! dependency (RubyGems rejects a gem naming one dependency twice, so nothing else is lost).
//! Development dependencies are not installed with the gem and give no edge.
//!
//! A file without a `Gem::Specification.new` block describes no gem and yields nothing. In a
//! block, a name or version that is not a literal (`spec.version = MyGem::VERSION`, from a
//! source-tree gemspec) is an error at its line: RubyGems always writes literals here.

use std::collections::BTreeSet;

use custody_model::Ecosystem;

use crate::{PackageRecord, ParseError, Position};

/// The format name carried by every [`ParseError`] from this module.
const FORMAT: &str = "gemspec";

/// What the statements of a specification block say.
#[derive(Default)]
struct Specification {
    name: Option<String>,
    version: Option<String>,
    licenses: Vec<String>,
    runtime: BTreeSet<String>,
    development: BTreeSet<String>,
}

/// Parses an installed gemspec into its one record, or none when the file holds no
/// specification block.
pub(super) fn parse(content: &[u8]) -> Result<Vec<PackageRecord>, ParseError> {
    let mut variable: Option<&str> = None;
    let mut specification = Specification::default();
    for line in crate::lang::document::lines(FORMAT, content) {
        let (number, line) = line?;
        let text = line.trim();
        if text.starts_with('#') {
            continue;
        }
        match variable {
            None => variable = block_variable(text),
            Some(variable) => {
                if let Some(call) = text
                    .strip_prefix(variable)
                    .and_then(|rest| rest.strip_prefix('.'))
                {
                    specification.read(call, number)?;
                }
            }
        }
    }
    if variable.is_none() {
        return Ok(Vec::new());
    }
    let missing = |field| ParseError::new(FORMAT, Position::File, format!("no {field}"));
    let name = specification.name.ok_or_else(|| missing("name"))?;
    let version = specification.version.ok_or_else(|| missing("version"))?;
    let mut record = PackageRecord::new(Ecosystem::Gem, name, version);
    record.licenses = specification.licenses;
    record.depends = specification
        .runtime
        .difference(&specification.development)
        .cloned()
        .collect();
    Ok(vec![record])
}

/// The block variable of a `Gem::Specification.new do |s|` line.
fn block_variable(text: &str) -> Option<&str> {
    let (_, rest) = text.split_once("Gem::Specification.new")?;
    let (_, rest) = rest.split_once('|')?;
    let (variable, _) = rest.split_once('|')?;
    let variable = variable.trim();
    is_identifier(variable).then_some(variable)
}

impl Specification {
    /// Reads one statement on the block variable, `call` being what follows `s.`.
    fn read(&mut self, call: &str, line: usize) -> Result<(), ParseError> {
        let method_end = call
            .find(|character: char| !(character.is_ascii_alphanumeric() || character == '_'))
            .unwrap_or(call.len());
        let (method, rest) = call.split_at(method_end);
        match method {
            "name" | "version" => {
                let Some(value) = assigned(rest) else {
                    return Ok(());
                };
                let literal = if method == "version" {
                    version_literal(value)
                } else {
                    string_literal(value).map(|(literal, _)| literal)
                };
                let literal = literal.filter(|literal| !literal.trim().is_empty());
                let Some(literal) = literal else {
                    return Err(ParseError::new(
                        FORMAT,
                        Position::Line(line),
                        format!("{method} is not a string literal"),
                    ));
                };
                let field = if method == "name" {
                    &mut self.name
                } else {
                    &mut self.version
                };
                *field = Some(literal.trim().to_owned());
            }
            "license" | "licenses" => {
                if let Some(value) = assigned(rest) {
                    self.licenses = string_list(value);
                }
            }
            "add_runtime_dependency" | "add_dependency" | "add_development_dependency" => {
                let arguments = rest.trim_start();
                let arguments = arguments.strip_prefix('(').unwrap_or(arguments);
                if let Some((name, _)) = string_literal(arguments.trim_start()) {
                    let list = if method == "add_development_dependency" {
                        &mut self.development
                    } else {
                        &mut self.runtime
                    };
                    if !name.is_empty() {
                        list.insert(name);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }
}

/// The value of an assignment, `= value`, or `None` when `rest` is not one (`s.name == x`).
fn assigned(rest: &str) -> Option<&str> {
    let value = rest.trim_start().strip_prefix('=')?;
    (!value.starts_with('=')).then(|| value.trim_start())
}

/// A version: a string literal, or one wrapped in `Gem::Version.new(…)`.
fn version_literal(value: &str) -> Option<String> {
    match value.strip_prefix("Gem::Version.new") {
        Some(call) => {
            let call = call.trim_start().strip_prefix('(')?;
            let (literal, rest) = string_literal(call.trim_start())?;
            rest.trim_start().starts_with(')').then_some(literal)
        }
        None => string_literal(value).map(|(literal, _)| literal),
    }
}

/// The string literals of `["a".freeze, "b"]`, or of a single literal. Anything else gives
/// no names.
fn string_list(value: &str) -> Vec<String> {
    let Some(mut rest) = value.strip_prefix('[') else {
        return string_literal(value)
            .map(|(literal, _)| vec![literal])
            .unwrap_or_default();
    };
    let mut literals = Vec::new();
    while let Some((literal, after)) = string_literal(rest.trim_start()) {
        if !literal.is_empty() {
            literals.push(literal);
        }
        match after.trim_start().strip_prefix(',') {
            Some(next) => rest = next,
            None => break,
        }
    }
    literals
}

/// A Ruby string literal at the start of `text` and what follows it: `"…"` (without
/// interpolation), `'…'`, or a `%q`/`%Q`/`%` literal, optionally followed by `.freeze`.
fn string_literal(text: &str) -> Option<(String, &str)> {
    let (literal, rest) = if let Some(body) = text.strip_prefix('"') {
        quoted(body, '"', true)?
    } else if let Some(body) = text.strip_prefix('\'') {
        quoted(body, '\'', false)?
    } else {
        percent_literal(text)?
    };
    Some((literal, rest.strip_prefix(".freeze").unwrap_or(rest)))
}

/// The body of a quoted literal up to the unescaped `close`, unescaped, and what follows.
/// `double` selects double-quote rules: every escape is read, and interpolation (`#{`) makes
/// the value unknowable. Single quotes only escape `\'` and `\\`.
fn quoted(body: &str, close: char, double: bool) -> Option<(String, &str)> {
    let mut literal = String::new();
    let mut characters = body.char_indices();
    while let Some((index, character)) = characters.next() {
        match character {
            '\\' => {
                let (_, escaped) = characters.next()?;
                match escaped {
                    'n' if double => literal.push('\n'),
                    't' if double => literal.push('\t'),
                    _ if double || escaped == close || escaped == '\\' => literal.push(escaped),
                    _ => {
                        literal.push('\\');
                        literal.push(escaped);
                    }
                }
            }
            '#' if double && body.get(index + 1..)?.starts_with('{') => return None,
            _ if character == close => return Some((literal, body.get(index + 1..)?)),
            _ => literal.push(character),
        }
    }
    None
}

/// A `%q<…>`, `%Q(…)` or `%[…]` literal (any bracket pair, or one repeated punctuation
/// character) and what follows. RubyGems quotes names this way; they hold no delimiters, so
/// nesting is not followed.
fn percent_literal(text: &str) -> Option<(String, &str)> {
    let rest = text.strip_prefix('%')?;
    let rest = rest
        .strip_prefix('q')
        .or_else(|| rest.strip_prefix('Q'))
        .unwrap_or(rest);
    let open = rest.chars().next()?;
    let close = match open {
        '<' => '>',
        '(' => ')',
        '[' => ']',
        '{' => '}',
        _ if open.is_ascii_punctuation() => open,
        _ => return None,
    };
    let body = rest.get(open.len_utf8()..)?;
    let (literal, after) = body.split_once(close)?;
    Some((literal.to_owned(), after))
}

/// Whether `text` is a Ruby local variable name.
fn is_identifier(text: &str) -> bool {
    text.chars()
        .next()
        .is_some_and(|first| first.is_ascii_lowercase() || first == '_')
        && text
            .chars()
            .all(|character| character.is_ascii_alphanumeric() || character == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(content: &str) -> PackageRecord {
        let mut records = parse(content.as_bytes()).unwrap();
        assert_eq!(records.len(), 1);
        records.remove(0)
    }

    #[test]
    fn reads_what_rubygems_writes() {
        let record = one(
            "# stub: rss 0.2.9 ruby lib\n\nGem::Specification.new do |s|\n  \
             s.name = \"rss\".freeze\n  s.version = \"0.2.9\"\n  \
             s.licenses = [\"BSD-2-Clause\".freeze, \"Ruby\".freeze]\n  \
             if s.respond_to? :add_runtime_dependency then\n    \
             s.add_runtime_dependency(%q<rexml>.freeze, [\">= 0\"])\n    \
             s.add_development_dependency(%q<rake>.freeze, [\">= 0\"])\n  else\n    \
             s.add_dependency(%q<rexml>.freeze, [\">= 0\"])\n    \
             s.add_dependency(%q<rake>.freeze, [\">= 0\"])\n  end\nend\n",
        );
        assert_eq!(
            (record.name.as_str(), record.version.as_str()),
            ("rss", "0.2.9")
        );
        assert_eq!(record.ecosystem, Ecosystem::Gem);
        assert_eq!(record.licenses, ["BSD-2-Clause", "Ruby"]);
        assert_eq!(record.depends, ["rexml"]);
    }

    #[test]
    fn reads_other_quotings_and_wrappers() {
        let record = one(
            "Gem::Specification.new do |spec|\n  spec.name    = 'it\\'s'\n  \
             spec.version = Gem::Version.new(\"1.2.0\")\n  spec.license = %q{MIT}\n  \
             spec.add_dependency 'json', '>= 2'\n  spec.name == 'ignored'\n  \
             other.name = 'ignored'\nend\n",
        );
        assert_eq!(record.name, "it's");
        assert_eq!(record.version, "1.2.0");
        assert_eq!(record.licenses, ["MIT"]);
        assert_eq!(record.depends, ["json"]);
    }

    #[test]
    fn files_without_a_specification_block_hold_nothing() {
        assert!(parse(b"").unwrap().is_empty());
        assert!(
            parse(b"Gem::Specif\n  s.name = \"foo\"\n  s.version = \"1.2.3\"\nend\n")
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn computed_or_missing_fields_are_errors() {
        let error = parse(b"Gem::Specification.new do |s|\n  s.name =\n").unwrap_err();
        assert_eq!(error.position, Position::Line(2));
        let error = parse(
            b"Gem::Specification.new do |spec|\n  spec.name = 'a'\n  \
              spec.version = ExampleApp::VERSION\nend\n",
        )
        .unwrap_err();
        assert_eq!(error.position, Position::Line(3));
        let error = parse(b"Gem::Specification.new do |s|\n  s.name = \"a\"\nend\n").unwrap_err();
        assert_eq!(error.position, Position::File);
        assert!(parse(b"Gem::Specification.new do |s|\n  s.name = \"#{x}\"\n").is_err());
    }

    #[test]
    fn reads_string_literals() {
        assert_eq!(
            string_literal(r#""a\"b\\c".freeze, 1"#),
            Some((r#"a"b\c"#.to_owned(), ", 1"))
        );
        assert_eq!(string_literal(r"'a\'b\n'"), Some((r"a'b\n".to_owned(), "")));
        assert_eq!(
            string_literal("%q<rake>.freeze"),
            Some(("rake".to_owned(), ""))
        );
        assert_eq!(string_literal("%Q(x)"), Some(("x".to_owned(), "")));
        assert_eq!(string_literal("%|x|"), Some(("x".to_owned(), "")));
        assert_eq!(string_literal("\"open"), None);
        assert_eq!(string_literal("\"ends in \\"), None);
        assert_eq!(string_literal("VERSION"), None);
        assert_eq!(string_literal("%qa"), None);
        assert_eq!(string_literal(""), None);
    }

    #[test]
    fn reads_license_lists() {
        assert_eq!(string_list(r#"["MIT".freeze, 'Ruby']"#), ["MIT", "Ruby"]);
        assert_eq!(string_list(r#""MIT""#), ["MIT"]);
        assert_eq!(string_list("[]"), Vec::<String>::new());
        assert_eq!(string_list("LICENSES"), Vec::<String>::new());
    }
}
