//! Where results go: stdout or the `-o` file. Everything else goes to stderr.

use std::io::{self, Write};
use std::path::Path;

use anyhow::Context as _;

/// Runs `write` against the `-o` file when one is given, else against stdout (which strips
/// colours itself when it is not a terminal or `NO_COLOR` is set).
pub(crate) fn with_output(
    output: Option<&Path>,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    if let Some(path) = output {
        let file = fs_err::File::create(path)?;
        let mut writer = io::BufWriter::new(file);
        write(&mut writer).with_context(|| format!("writing {}", path.display()))?;
        return writer
            .flush()
            .with_context(|| format!("writing {}", path.display()));
    }
    let mut stdout = anstream::stdout().lock();
    write(&mut stdout)?;
    stdout.flush()?;
    Ok(())
}

/// Prints a warning line to stderr.
pub(crate) fn warn(message: &str) {
    use owo_colors::OwoColorize as _;
    let mut stderr = anstream::stderr().lock();
    // A closed stderr leaves nowhere to report the failure.
    let _ = writeln!(stderr, "{}: {message}", "warning".yellow().bold());
}
