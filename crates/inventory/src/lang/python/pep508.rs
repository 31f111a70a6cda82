//! Dependency specifiers (PEP 508, restated in the packaging specification "Dependency
//! specifiers"): `name [extras] (specifiers) ; marker` or `name [extras] @ url ; marker`.
//!
//! Only what the catalogers need is parsed: the name, the version clauses, whether it is a URL
//! requirement, and whether the marker makes it conditional on an extra. Markers are never
//! evaluated (the target's interpreter and platform are unknown). Used for `Requires-Dist`
//! ([`super::metadata`]), requirements files ([`super::requirements`]) and PDM's dependency
//! strings ([`super::pdm`]).

/// The comparison operators of version specifiers, longest first so `===` is not read as `==`.
const OPERATORS: [&str; 8] = ["===", "==", "~=", "!=", "<=", ">=", "<", ">"];

/// One parsed dependency specifier, borrowing from its text.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Requirement<'a> {
    /// The distribution name as written.
    pub(super) name: &'a str,
    /// Version clauses as (operator, version) pairs, in order.
    clauses: Vec<(&'a str, &'a str)>,
    /// Whether it names a URL (`name @ url`) instead of versions.
    pub(super) is_url: bool,
    /// The environment marker after `;`, if any.
    marker: Option<&'a str>,
}

impl<'a> Requirement<'a> {
    /// Parses one specifier; `None` when it does not follow the grammar (trailing text,
    /// an empty version, an unclosed bracket, a name that does not start and end with a
    /// letter or digit).
    pub(super) fn parse(text: &'a str) -> Option<Self> {
        let mut cursor = Cursor { rest: text.trim() };
        let name = cursor.name()?;
        cursor.skip_whitespace();
        if cursor.eat("[") {
            let (_extras, rest) = cursor.rest.split_once(']')?;
            cursor.rest = rest;
            cursor.skip_whitespace();
        }
        if cursor.eat("@") {
            let (_url, marker) = split_url_marker(cursor.rest);
            return Some(Self {
                name,
                clauses: Vec::new(),
                is_url: true,
                marker,
            });
        }
        let parenthesized = cursor.eat("(");
        let clauses = cursor.clauses()?;
        if parenthesized && !cursor.eat(")") {
            return None;
        }
        cursor.skip_whitespace();
        let marker = if cursor.eat(";") {
            Some(cursor.rest.trim()).filter(|marker| !marker.is_empty())
        } else if cursor.rest.is_empty() {
            None
        } else {
            return None;
        };
        Some(Self {
            name,
            clauses,
            is_url: false,
            marker,
        })
    }

    /// The version an `==` or `===` clause pins, if any. `==` versions with a wildcard
    /// (`2.8.*`) or characters no PEP 440 version has (`${VERSION}`) pin nothing.
    pub(super) fn pinned_version(&self) -> Option<&'a str> {
        self.clauses
            .iter()
            .find_map(|&(operator, version)| match operator {
                "===" => Some(version),
                "==" if version.chars().all(is_version_character) => Some(version),
                _ => None,
            })
    }

    /// Whether the marker mentions the `extra` variable, i.e. the dependency is installed only
    /// when an optional feature of the dependent is requested.
    pub(super) fn needs_extra(&self) -> bool {
        self.marker
            .is_some_and(|marker| marker_identifiers(marker).any(|word| word == "extra"))
    }
}

/// Whether `character` can appear in a PEP 440 version (public and local parts, epoch).
fn is_version_character(character: char) -> bool {
    character.is_ascii_alphanumeric() || matches!(character, '.' | '-' | '_' | '+' | '!')
}

/// Splits the text after `@` into the URL and the marker. PEP 508 requires whitespace before
/// a URL's `;`, since `;` may appear inside URLs.
fn split_url_marker(text: &str) -> (&str, Option<&str>) {
    let text = text.trim();
    let boundary = text
        .match_indices(';')
        .map(|(index, _)| index)
        .find(|&index| {
            let (before, _) = text.split_at(index);
            before.ends_with(char::is_whitespace)
        });
    match boundary {
        Some(index) => {
            let (url, marker) = text.split_at(index);
            let marker = marker.trim_start_matches(';').trim();
            (
                url.trim_end(),
                Some(marker).filter(|marker| !marker.is_empty()),
            )
        }
        None => (text, None),
    }
}

/// The identifiers of a marker expression, skipping quoted strings.
fn marker_identifiers(marker: &str) -> impl Iterator<Item = &str> {
    let mut rest = marker;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find(|character: char| {
                character.is_ascii_alphabetic() || matches!(character, '_' | '\'' | '"')
            })?;
            rest = &rest[start..];
            if let Some(quote) = rest.strip_prefix(['\'', '"']) {
                // Skip the string literal; an unterminated one ends the marker.
                let delimiter = rest.chars().next()?;
                rest = quote.split_once(delimiter).map_or("", |(_, after)| after);
                continue;
            }
            let end = rest
                .find(|character: char| {
                    !(character.is_ascii_alphanumeric() || matches!(character, '_' | '.'))
                })
                .unwrap_or(rest.len());
            let (word, after) = rest.split_at(end);
            rest = after;
            return Some(word);
        }
    })
}

/// A read position in a specifier.
struct Cursor<'a> {
    rest: &'a str,
}

impl<'a> Cursor<'a> {
    fn skip_whitespace(&mut self) {
        self.rest = self.rest.trim_start();
    }

    /// Consumes `token` if the text continues with it.
    fn eat(&mut self, token: &str) -> bool {
        match self.rest.strip_prefix(token) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    /// A distribution name: letters, digits, `.`, `_` and `-`, starting and ending with a
    /// letter or digit.
    fn name(&mut self) -> Option<&'a str> {
        let end = self
            .rest
            .find(|character: char| {
                !(character.is_ascii_alphanumeric() || matches!(character, '.' | '_' | '-'))
            })
            .unwrap_or(self.rest.len());
        let (name, rest) = self.rest.split_at(end);
        let starts_and_ends_alphanumeric = name.starts_with(|c: char| c.is_ascii_alphanumeric())
            && name.ends_with(|c: char| c.is_ascii_alphanumeric());
        if !starts_and_ends_alphanumeric {
            return None;
        }
        self.rest = rest;
        Some(name)
    }

    /// Comma-separated `operator version` clauses; none at all is fine (a bare name).
    fn clauses(&mut self) -> Option<Vec<(&'a str, &'a str)>> {
        let mut clauses = Vec::new();
        loop {
            self.skip_whitespace();
            let Some(operator) = OPERATORS
                .iter()
                .find(|operator| self.rest.starts_with(**operator))
            else {
                // A bare name has no clauses; a trailing comma is an error.
                return clauses.is_empty().then_some(clauses);
            };
            self.rest = &self.rest[operator.len()..];
            self.skip_whitespace();
            let end = self
                .rest
                .find(|character: char| {
                    character.is_whitespace() || matches!(character, ',' | ';' | ')')
                })
                .unwrap_or(self.rest.len());
            let (version, rest) = self.rest.split_at(end);
            if version.is_empty() {
                return None;
            }
            self.rest = rest;
            clauses.push((*operator, version));
            self.skip_whitespace();
            if !self.eat(",") {
                return Some(clauses);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pinned(text: &str) -> Option<(&str, &str)> {
        let requirement = Requirement::parse(text)?;
        Some((requirement.name, requirement.pinned_version()?))
    }

    #[test]
    fn reads_pinned_versions() {
        assert_eq!(pinned("docopt == 0.6.1"), Some(("docopt", "0.6.1")));
        assert_eq!(pinned("yolo===1.0"), Some(("yolo", "1.0")));
        assert_eq!(pinned("pyjwt [crypto] == 2.1.0"), Some(("pyjwt", "2.1.0")));
        assert_eq!(
            pinned("celery [redis, pytest] == 4.4.7"),
            Some(("celery", "4.4.7"))
        );
        assert_eq!(
            pinned("foo5==1.0; python_version < \"2.7\""),
            Some(("foo5", "1.0"))
        );
        assert_eq!(
            pinned("foo (==1.0) ; os_name == 'nt'"),
            Some(("foo", "1.0"))
        );
        assert_eq!(
            pinned("pkg.dot.name==5.0.0"),
            Some(("pkg.dot.name", "5.0.0"))
        );
    }

    #[test]
    fn ranges_wildcards_and_urls_pin_nothing() {
        assert_eq!(pinned("keyring >= 4.1.1"), None);
        assert_eq!(pinned("asdf==0.7.*"), None);
        assert_eq!(pinned("qwert==${MY_VARIABLE_1}"), None);
        assert_eq!(pinned("requests [security] >= 2.8.1, == 2.8.*"), None);
        let url = Requirement::parse("urllib3 @ https://example.com/==1.26.8.zip").unwrap();
        assert!(url.is_url);
        assert_eq!(url.pinned_version(), None);
    }

    #[test]
    fn rejects_what_the_grammar_does_not_allow() {
        for text in [
            "",
            "==1.0",
            "asdf==",
            "asdf 1.0",
            "foo==1.0 trailing_text",
            "-foo==1.0",
            "foo-==1.0",
            "foo[bar==1.0",
            "foo (==1.0",
            "foo==1.0,",
            "./downloads/numpy-1.9.2-cp34-none-win32.whl",
            "http://wxpython.org/Phoenix/wxPython_Phoenix-3.0.3.whl",
        ] {
            assert_eq!(Requirement::parse(text), None, "{text:?}");
        }
    }

    #[test]
    fn recognises_extra_markers() {
        let needs = |text| Requirement::parse(text).unwrap().needs_extra();
        assert!(needs("PySocks (!=1.5.7,>=1.5.6) ; extra == 'socks'"));
        assert!(needs("b; python_version >= \"3\" and extra == \"test\""));
        assert!(!needs("win-inet-pton; platform_system == \"Windows\""));
        assert!(!needs("c; platform_release == 'extra'"));
        assert!(!needs("idna<4,>=2.5"));
    }
}
