//! Build stages: which instructions belong to which `FROM`, the base image each stage starts
//! from (with global `ARG` defaults substituted) and the stage names later `FROM`s may use.

use std::collections::HashMap;

use super::parser::{Arguments, Instruction, Keyword, split_word};
use super::shell;

/// Where a stage's base image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Base {
    /// `FROM scratch`: the empty image.
    Scratch,
    /// An earlier stage, by its index.
    Stage(usize),
    /// A registry image reference, with `ARG`s substituted.
    Image(String),
    /// The reference uses a build argument without a default, so it is only known at build time.
    Unknown,
}

/// One `FROM` and the instructions up to the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stage<'a> {
    /// The `FROM` instruction.
    pub(crate) from: &'a Instruction,
    /// What the stage builds on.
    pub(crate) base: Base,
    /// The `AS name`, lowercased as BuildKit compares it.
    pub(crate) name: Option<String>,
    /// The instructions after `FROM`, in order.
    pub(crate) instructions: &'a [Instruction],
}

/// Splits instructions into stages. Instructions before the first `FROM` (global `ARG`s) belong
/// to none; their defaults are substituted into the image references.
pub(crate) fn stages(instructions: &[Instruction]) -> Vec<Stage<'_>> {
    let first_from = instructions
        .iter()
        .position(|instruction| instruction.keyword == Keyword::From)
        .unwrap_or(instructions.len());
    let (globals, rest) = instructions.split_at(first_from);
    let arguments = global_arguments(globals);
    let mut stages: Vec<Stage<'_>> = Vec::new();
    let mut remaining = rest;
    while let Some((from, after)) = remaining.split_first() {
        let end = after
            .iter()
            .position(|instruction| instruction.keyword == Keyword::From)
            .unwrap_or(after.len());
        let (body, next) = after.split_at(end);
        let text = from.text();
        let (reference, rest) = split_word(&text);
        let (alias_keyword, alias) = split_word(rest);
        let name = alias_keyword
            .eq_ignore_ascii_case("as")
            .then(|| alias.to_ascii_lowercase())
            .filter(|alias| !alias.is_empty());
        let base = match substitute(reference, &arguments) {
            None => Base::Unknown,
            Some(image) if image.eq_ignore_ascii_case("scratch") => Base::Scratch,
            Some(image) => {
                let lowered = image.to_ascii_lowercase();
                stages
                    .iter()
                    .position(|stage| stage.name.as_deref() == Some(lowered.as_str()))
                    .map_or(Base::Image(image), Base::Stage)
            }
        };
        stages.push(Stage {
            from,
            base,
            name,
            instructions: body,
        });
        remaining = next;
    }
    stages
}

/// The `NAME=default` pairs of `ARG` instructions.
fn global_arguments(globals: &[Instruction]) -> HashMap<String, String> {
    let mut arguments = HashMap::new();
    for instruction in globals {
        if instruction.keyword != Keyword::Arg {
            continue;
        }
        for (name, value) in assignments(instruction) {
            if let Some(value) = value {
                arguments.insert(name, value);
            }
        }
    }
    arguments
}

/// The `NAME=value` pairs of an `ENV`, `ARG` or `LABEL` instruction, quotes removed; `ARG NAME`
/// without a default has no value, and the legacy `ENV NAME value with spaces` form is one pair.
pub(crate) fn assignments(instruction: &Instruction) -> Vec<(String, Option<String>)> {
    let Arguments::Shell(text) = &instruction.arguments else {
        return Vec::new();
    };
    let words: Vec<String> = shell::pipelines(text)
        .into_iter()
        .flatten()
        .flat_map(|command| command.words)
        .collect();
    let legacy = instruction.keyword == Keyword::Env
        && words.first().is_some_and(|first| !first.contains('='));
    if legacy {
        let (name, value) = split_word(text);
        return vec![(name.to_owned(), Some(value.trim().to_owned()))];
    }
    words
        .into_iter()
        .map(|word| match word.split_once('=') {
            Some((name, value)) => (name.to_owned(), Some(value.to_owned())),
            None => (word, None),
        })
        .collect()
}

/// Replaces `$NAME`, `${NAME}` and `${NAME:-default}` with build-argument defaults; `None` when
/// a variable has no value, since the image is then only known at build time.
fn substitute(text: &str, arguments: &HashMap<String, String>) -> Option<String> {
    let mut output = String::new();
    let mut rest = text;
    while let Some(position) = rest.find('$') {
        output.push_str(rest.get(..position)?);
        let after = rest.get(position + 1..)?;
        let (expression, remainder) = if let Some(braced) = after.strip_prefix('{') {
            let end = braced.find('}')?;
            (braced.get(..end)?, braced.get(end + 1..)?)
        } else {
            let end = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            (after.get(..end)?, after.get(end..)?)
        };
        let (name, default) = match expression
            .split_once(":-")
            .or_else(|| expression.split_once('-'))
        {
            Some((name, default)) => (name, Some(default)),
            None => (expression, None),
        };
        let value = arguments
            .get(name)
            .map(String::as_str)
            .filter(|value| !value.is_empty())
            .or(default)?;
        output.push_str(value);
        rest = remainder;
    }
    output.push_str(rest);
    Some(output)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dockerfile::parser::parse;

    #[test]
    fn stages_resolve_arguments_and_names() {
        let parsed = parse(
            "ARG BASE=debian\nARG TAG\nFROM ${BASE}:12 AS Build\nRUN make\nFROM build\nFROM scratch\nFROM alpine:$TAG\n",
        );
        let stages = stages(&parsed.instructions);
        let bases: Vec<&Base> = stages.iter().map(|stage| &stage.base).collect();
        assert_eq!(
            bases,
            [
                &Base::Image("debian:12".to_owned()),
                &Base::Stage(0),
                &Base::Scratch,
                &Base::Unknown
            ]
        );
        assert_eq!(stages[0].name.as_deref(), Some("build"));
        assert_eq!(stages[0].instructions.len(), 1);
    }
}
