//! A small POSIX-shell word splitter for `RUN` commands.
//!
//! The checks need to know which programs a `RUN` line starts and with which arguments
//! (`apt-get install --no-install-recommends curl`, `curl … | sh`), not to execute it. So this
//! splits a script into pipelines of simple commands with quotes removed, drops redirections
//! and comments, and leaves everything else (variables, command substitution) as literal words.
//! Checks that meet a word they cannot judge (a `$VAR`) stay silent rather than guess.

/// One simple command: its words, quotes removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Command {
    pub(crate) words: Vec<String>,
}

impl Command {
    /// Whether the command is run through `sudo`.
    pub(crate) fn uses_sudo(&self) -> bool {
        self.words
            .iter()
            .find(|word| !is_assignment(word))
            .is_some_and(|word| basename(word) == "sudo")
    }

    /// The program the command runs and its arguments, looking through variable assignments
    /// and the wrappers `sudo`, `env`, `command`, `exec`, `nohup` and `time`.
    pub(crate) fn program(&self) -> Option<(&str, &[String])> {
        let mut words = self.words.as_slice();
        loop {
            let (first, rest) = words.split_first()?;
            if is_assignment(first) {
                words = rest;
                continue;
            }
            let name = basename(first);
            match name {
                "sudo" | "env" | "command" | "exec" | "nohup" | "time" => {
                    words = skip_wrapper_options(name, rest);
                }
                _ => return Some((name, rest)),
            }
        }
    }
}

/// Commands connected by `|`; pipelines are separated by `;`, `&&`, `||`, `&` and newlines.
pub(crate) type Pipeline = Vec<Command>;

/// Splits a shell script into pipelines of commands.
pub(crate) fn pipelines(script: &str) -> Vec<Pipeline> {
    let mut splitter = Splitter::default();
    let mut characters = script.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            ' ' | '\t' | '\r' => splitter.end_word(),
            '\n' | ';' => splitter.end_pipeline(),
            '\\' => match characters.next() {
                Some('\n') | None => {}
                Some(escaped) => splitter.push(escaped),
            },
            '\'' => {
                splitter.quoted = true;
                for quoted in characters.by_ref() {
                    if quoted == '\'' {
                        break;
                    }
                    splitter.push(quoted);
                }
            }
            '"' => {
                splitter.quoted = true;
                while let Some(quoted) = characters.next() {
                    match quoted {
                        '"' => break,
                        '\\' => match characters.next_if(|next| "\"\\$`\n".contains(*next)) {
                            Some('\n') => {}
                            Some(escaped) => splitter.push(escaped),
                            None => splitter.push('\\'),
                        },
                        _ => splitter.push(quoted),
                    }
                }
            }
            '#' if splitter.word.is_empty() && !splitter.quoted => {
                while characters.next_if(|next| *next != '\n').is_some() {}
            }
            '&' => {
                characters.next_if_eq(&'&');
                splitter.end_pipeline();
            }
            '|' => {
                if characters.next_if_eq(&'|').is_some() {
                    splitter.end_pipeline();
                } else {
                    characters.next_if_eq(&'&');
                    splitter.end_command();
                }
            }
            '(' | ')' => splitter.end_command(),
            '<' | '>' => {
                // A redirection: drop its file-descriptor number and its target word.
                if !splitter.quoted && splitter.word.chars().all(|c| c.is_ascii_digit()) {
                    splitter.word.clear();
                }
                splitter.end_word();
                while characters.next_if(|next| "<>&-".contains(*next)).is_some() {}
                splitter.skip_next_word = true;
            }
            _ => splitter.push(character),
        }
    }
    splitter.end_pipeline();
    splitter.pipelines
}

/// The state of [`pipelines`]: the word, command and pipeline being built.
#[derive(Default)]
struct Splitter {
    word: String,
    /// Whether the current word had quotes, so `''` is still a word.
    quoted: bool,
    /// Whether the next word is a redirection target rather than an argument.
    skip_next_word: bool,
    command: Command,
    pipeline: Pipeline,
    pipelines: Vec<Pipeline>,
}

impl Splitter {
    fn push(&mut self, character: char) {
        self.word.push(character);
    }

    fn end_word(&mut self) {
        if self.word.is_empty() && !self.quoted {
            return;
        }
        let word = std::mem::take(&mut self.word);
        self.quoted = false;
        if std::mem::take(&mut self.skip_next_word) {
            return;
        }
        self.command.words.push(word);
    }

    fn end_command(&mut self) {
        self.end_word();
        self.skip_next_word = false;
        let command = std::mem::take(&mut self.command);
        if !command.words.is_empty() {
            self.pipeline.push(command);
        }
    }

    fn end_pipeline(&mut self) {
        self.end_command();
        let pipeline = std::mem::take(&mut self.pipeline);
        if !pipeline.is_empty() {
            self.pipelines.push(pipeline);
        }
    }
}

/// Whether a word is a `NAME=value` assignment rather than a program.
fn is_assignment(word: &str) -> bool {
    word.split_once('=').is_some_and(|(name, _)| {
        !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// The file name of a program path: `/usr/bin/apt-get` is `apt-get`.
pub(crate) fn basename(word: &str) -> &str {
    word.rsplit('/').next().unwrap_or(word)
}

/// The words after a wrapper's own options (`sudo -u app -E cmd` → `cmd`).
fn skip_wrapper_options<'a>(wrapper: &str, mut words: &'a [String]) -> &'a [String] {
    while let Some((first, rest)) = words.split_first() {
        let takes_value = wrapper == "sudo" && matches!(first.as_str(), "-u" | "-g" | "-C" | "-D");
        if takes_value {
            words = rest.split_first().map_or(&[], |(_, after)| after);
        } else if first.starts_with('-') || (wrapper == "env" && is_assignment(first)) {
            words = rest;
        } else {
            break;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &str) -> Vec<Vec<Vec<String>>> {
        pipelines(script)
            .into_iter()
            .map(|pipeline| pipeline.into_iter().map(|command| command.words).collect())
            .collect()
    }

    #[test]
    fn splits_pipelines_commands_and_quotes() {
        assert_eq!(
            words(
                "curl -fsSL 'https://x/a b' | sudo bash -s && echo \"a\\\"b\" 2>&1 >/dev/null; ls # c"
            ),
            vec![
                vec![
                    vec!["curl", "-fsSL", "https://x/a b"],
                    vec!["sudo", "bash", "-s"]
                ],
                vec![vec!["echo", "a\"b"]],
                vec![vec!["ls"]],
            ]
        );
    }

    #[test]
    fn program_looks_through_wrappers() {
        let pipelines =
            pipelines("DEBIAN_FRONTEND=noninteractive sudo -u root /usr/bin/apt-get install x");
        let command = &pipelines[0][0];
        assert!(command.uses_sudo());
        let (program, arguments) = command.program().unwrap();
        assert_eq!(program, "apt-get");
        assert_eq!(arguments, ["install", "x"]);
    }
}
