//! Turns Dockerfile text into [`Instruction`]s with their line numbers.
//!
//! Follows the Dockerfile reference (<https://docs.docker.com/reference/dockerfile/>): parser
//! directives (`# escape=`) at the top, comment lines, line continuations with the escape
//! character (comment and empty lines inside a continuation are dropped, as BuildKit does),
//! heredocs (`<<EOF`, `<<-EOF`, quoted delimiters) after `RUN`, `COPY` and `ADD`, and the exec
//! (JSON array) and shell forms of arguments. Nothing here judges the content: the checks in
//! `checks` do. Malformed input never fails the parse; it becomes a [`Problem`] that the
//! scanner reports as check `CDF000`.

/// Dockerfiles larger than this are not parsed: real ones are a few kilobytes, and the checks
/// are linear, so the bound only guards against pathological input.
pub(crate) const MAX_BYTES: usize = 1 << 20;

/// At most this many instructions are read; the rest of the file is reported as a problem.
const MAX_INSTRUCTIONS: usize = 10_000;

/// The instructions of the Dockerfile reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyword {
    Add,
    Arg,
    Cmd,
    Copy,
    Entrypoint,
    Env,
    Expose,
    From,
    Healthcheck,
    Label,
    Maintainer,
    Onbuild,
    Run,
    Shell,
    Stopsignal,
    User,
    Volume,
    Workdir,
}

impl Keyword {
    /// The keyword of an instruction word; instructions are case-insensitive.
    fn parse(word: &str) -> Option<Self> {
        Some(match word.to_ascii_uppercase().as_str() {
            "ADD" => Self::Add,
            "ARG" => Self::Arg,
            "CMD" => Self::Cmd,
            "COPY" => Self::Copy,
            "ENTRYPOINT" => Self::Entrypoint,
            "ENV" => Self::Env,
            "EXPOSE" => Self::Expose,
            "FROM" => Self::From,
            "HEALTHCHECK" => Self::Healthcheck,
            "LABEL" => Self::Label,
            "MAINTAINER" => Self::Maintainer,
            "ONBUILD" => Self::Onbuild,
            "RUN" => Self::Run,
            "SHELL" => Self::Shell,
            "STOPSIGNAL" => Self::Stopsignal,
            "USER" => Self::User,
            "VOLUME" => Self::Volume,
            "WORKDIR" => Self::Workdir,
            _ => return None,
        })
    }

    /// Whether the instruction takes `--name=value` flags before its arguments.
    fn takes_flags(self) -> bool {
        matches!(
            self,
            Self::Add | Self::Copy | Self::From | Self::Healthcheck | Self::Run
        )
    }

    /// Whether a `<<DELIM` in the arguments opens a heredoc.
    fn takes_heredocs(self) -> bool {
        matches!(self, Self::Add | Self::Copy | Self::Run)
    }
}

/// The arguments of an instruction, in the form they were written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arguments {
    /// `["executable", "arg"]`: a JSON array of strings, run without a shell.
    Exec(Vec<String>),
    /// Everything else, as one string with continuations joined.
    Shell(String),
}

/// One `<<DELIM` heredoc attached to an instruction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heredoc {
    /// The delimiter word, without quotes or `-`.
    pub(crate) delimiter: String,
    /// The lines between the instruction and the delimiter, joined with `\n`.
    pub(crate) body: String,
}

/// One instruction with the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Instruction {
    /// Which instruction.
    pub(crate) keyword: Keyword,
    /// 1-based line of the keyword.
    pub(crate) line: u32,
    /// `--name=value` flags (`--from`, `--chmod`, `--mount`, `--platform`, ...); a flag
    /// without `=` has an empty value.
    pub(crate) flags: Vec<(String, String)>,
    /// The arguments after the flags.
    pub(crate) arguments: Arguments,
    /// Heredocs opened by this instruction, in order.
    pub(crate) heredocs: Vec<Heredoc>,
}

impl Instruction {
    /// The value of flag `name` (without dashes), if given.
    pub(crate) fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .find(|(flag, _)| flag == name)
            .map(|(_, value)| value.as_str())
    }

    /// The arguments as one string: the shell form as written, the exec form joined with
    /// spaces (good enough for the word-level checks that read it).
    pub(crate) fn text(&self) -> String {
        match &self.arguments {
            Arguments::Shell(text) => text.clone(),
            Arguments::Exec(words) => words.join(" "),
        }
    }
}

/// Something in the file that could not be understood; the rest is still parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// 1-based line where the problem starts.
    pub(crate) line: u32,
    /// What is wrong.
    pub(crate) message: String,
}

/// A parsed Dockerfile: its instructions in order and what could not be parsed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Dockerfile {
    pub(crate) instructions: Vec<Instruction>,
    pub(crate) problems: Vec<Problem>,
}

/// Parses a Dockerfile; never fails, see [`Problem`].
pub(crate) fn parse(text: &str) -> Dockerfile {
    let mut dockerfile = Dockerfile::default();
    if text.len() > MAX_BYTES {
        dockerfile.problems.push(Problem {
            line: 1,
            message: format!(
                "file is {} bytes, larger than the {MAX_BYTES} bytes a Dockerfile may have; not checked",
                text.len()
            ),
        });
        return dockerfile;
    }
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines: Vec<&str> = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line))
        .collect();
    let mut escape = '\\';
    let mut index = 0;
    // Parser directives are only recognised before any comment, blank line or instruction.
    while let Some(line) = lines.get(index) {
        let Some((name, value)) = directive(line) else {
            break;
        };
        if name == "escape" {
            match value {
                "\\" => escape = '\\',
                "`" => escape = '`',
                _ => dockerfile.problems.push(Problem {
                    line: line_number(index),
                    message: format!("invalid escape directive {value:?}; expected \\ or `"),
                }),
            }
        }
        index += 1;
    }
    while let Some(line) = lines.get(index) {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            index += 1;
            continue;
        }
        if dockerfile.instructions.len() == MAX_INSTRUCTIONS {
            dockerfile.problems.push(Problem {
                line: line_number(index),
                message: format!(
                    "more than {MAX_INSTRUCTIONS} instructions; the rest is not checked"
                ),
            });
            break;
        }
        let start = index;
        let (logical, next) = logical_line(&lines, index, escape);
        index = next;
        let (word, rest) = split_word(&logical);
        let Some(keyword) = Keyword::parse(word) else {
            dockerfile.problems.push(Problem {
                line: line_number(start),
                message: format!("unknown instruction {word:?}"),
            });
            continue;
        };
        let (flags, rest) = if keyword.takes_flags() {
            flags(rest)
        } else {
            (Vec::new(), rest)
        };
        let heredocs = if keyword.takes_heredocs() {
            read_heredocs(&lines, &mut index, rest, start, &mut dockerfile.problems)
        } else {
            Vec::new()
        };
        dockerfile.instructions.push(Instruction {
            keyword,
            line: line_number(start),
            flags,
            arguments: arguments(rest),
            heredocs,
        });
    }
    dockerfile
}

/// Reads the bodies of the heredocs an instruction's arguments open, from line `*index` on,
/// leaving `*index` after the last delimiter; `start` is the instruction's line index.
fn read_heredocs(
    lines: &[&str],
    index: &mut usize,
    arguments: &str,
    start: usize,
    problems: &mut Vec<Problem>,
) -> Vec<Heredoc> {
    let mut heredocs = Vec::new();
    for (delimiter, strip_tabs) in heredoc_markers(arguments) {
        let mut body = Vec::new();
        let mut closed = false;
        while let Some(line) = lines.get(*index) {
            *index += 1;
            let candidate = if strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if candidate == delimiter {
                closed = true;
                break;
            }
            body.push(candidate);
        }
        if !closed {
            problems.push(Problem {
                line: line_number(start),
                message: format!("heredoc <<{delimiter} is never closed"),
            });
        }
        heredocs.push(Heredoc {
            delimiter,
            body: body.join("\n"),
        });
    }
    heredocs
}

/// The 1-based line number of a 0-based line index; the size bound keeps it within `u32`.
fn line_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

/// A parser directive line, `# name=value`, with its lowercased name and trimmed value.
fn directive(line: &str) -> Option<(String, &str)> {
    let body = line.trim().strip_prefix('#')?;
    let (name, value) = body.split_once('=')?;
    let name = name.trim().to_ascii_lowercase();
    matches!(name.as_str(), "escape" | "syntax" | "check").then(|| (name, value.trim()))
}

/// Joins the continuation lines starting at `index`; returns the logical line and the index of
/// the first line after it.
fn logical_line(lines: &[&str], mut index: usize, escape: char) -> (String, usize) {
    let mut logical = String::new();
    while let Some(line) = lines.get(index) {
        index += 1;
        let trimmed = line.trim_end();
        let Some(joined) = trimmed.strip_suffix(escape) else {
            logical.push_str(trimmed);
            break;
        };
        logical.push_str(joined);
        // Comment and empty lines inside a continuation are removed, not ends of it.
        while lines
            .get(index)
            .is_some_and(|next| next.trim().is_empty() || next.trim_start().starts_with('#'))
        {
            index += 1;
        }
    }
    (logical, index)
}

/// The first whitespace-separated word and the rest, left-trimmed.
pub(crate) fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    match text.find(char::is_whitespace) {
        Some(end) => (
            text.get(..end).unwrap_or(text),
            text.get(end..).unwrap_or("").trim_start(),
        ),
        None => (text, ""),
    }
}

/// Leading `--name[=value]` flags and the arguments after them.
fn flags(mut rest: &str) -> (Vec<(String, String)>, &str) {
    let mut flags = Vec::new();
    while let Some(flag) = rest.strip_prefix("--") {
        let (word, after) = split_word(flag);
        let (name, value) = word.split_once('=').unwrap_or((word, ""));
        flags.push((name.to_ascii_lowercase(), value.to_owned()));
        rest = after;
    }
    (flags, rest)
}

/// The exec form when the arguments are a JSON array of strings, the shell form otherwise
/// (BuildKit makes the same choice, so `["a", 1]` is a shell command).
fn arguments(rest: &str) -> Arguments {
    let trimmed = rest.trim();
    if trimmed.starts_with('[')
        && let Ok(words) = serde_json::from_str::<Vec<String>>(trimmed)
    {
        return Arguments::Exec(words);
    }
    Arguments::Shell(trimmed.to_owned())
}

/// The heredoc delimiters opened in an instruction's arguments, in order, each with whether
/// `<<-` asks for leading tabs to be stripped. `<<<` (a here-string) opens none.
fn heredoc_markers(arguments: &str) -> Vec<(String, bool)> {
    let mut markers = Vec::new();
    let mut rest = arguments;
    while let Some(position) = rest.find("<<") {
        let after = rest.get(position + 2..).unwrap_or("");
        if let Some(skipped) = after.strip_prefix('<') {
            rest = skipped.trim_start_matches('<');
            continue;
        }
        let (after, strip_tabs) = match after.strip_prefix('-') {
            Some(after) => (after, true),
            None => (after, false),
        };
        let unquoted = after.trim_start_matches(['"', '\'']);
        let end = unquoted
            .find(|character: char| !(character.is_ascii_alphanumeric() || character == '_'))
            .unwrap_or(unquoted.len());
        let delimiter = unquoted.get(..end).unwrap_or("");
        if !delimiter.is_empty() {
            markers.push((delimiter.to_owned(), strip_tabs));
        }
        rest = unquoted.get(end..).unwrap_or("");
    }
    markers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continuations_comments_and_lines() {
        let parsed =
            parse("FROM alpine:3.20\n\nRUN apk add \\\n# note\n    curl \\\n\n    git\nUSER app\n");
        let lines: Vec<u32> = parsed.instructions.iter().map(|i| i.line).collect();
        assert_eq!(lines, [1, 3, 8]);
        assert_eq!(
            parsed.instructions[1].arguments,
            Arguments::Shell("apk add     curl     git".to_owned())
        );
        assert!(parsed.problems.is_empty());
    }

    #[test]
    fn escape_directive_switches_to_backtick() {
        let parsed = parse("# escape=`\nFROM windows\nRUN dir `\n  C:\\\nUSER app\n");
        assert_eq!(parsed.instructions.len(), 3);
        assert_eq!(
            parsed.instructions[1].arguments,
            Arguments::Shell("dir   C:\\".to_owned())
        );
        assert_eq!(parsed.instructions[2].line, 5);
    }

    #[test]
    fn heredocs_exec_form_and_flags() {
        let parsed = parse(
            "FROM alpine\nRUN --mount=type=cache,target=/x <<EOF\napk add curl\nEOF\nCMD [\"sh\", \"-c\"]\n",
        );
        let run = &parsed.instructions[1];
        assert_eq!(run.flag("mount"), Some("type=cache,target=/x"));
        assert_eq!(run.heredocs[0].body, "apk add curl");
        assert_eq!(parsed.instructions[2].line, 5);
        assert_eq!(
            parsed.instructions[2].arguments,
            Arguments::Exec(vec!["sh".to_owned(), "-c".to_owned()])
        );
    }

    #[test]
    fn problems_do_not_stop_the_parse() {
        let parsed = parse("FROM alpine\nFROB x\nRUN cat <<-END\n\tx\nUSER app\n");
        assert_eq!(parsed.problems.len(), 2);
        assert_eq!(parsed.problems[0].line, 2);
        assert_eq!(parsed.instructions.len(), 2);
    }
}
