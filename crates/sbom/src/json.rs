//! Writing an encoded document: the one way every `write_*` function of this crate puts JSON
//! on a writer.

use std::io::Write;

use serde::Serialize;

use crate::error::{Error, SbomFormat};

/// Writes `document` to `writer` as pretty-printed JSON ending in a newline, then flushes.
///
/// # Errors
///
/// [`Error::Write`] naming `format` when the writer fails.
pub(crate) fn write_pretty(
    format: SbomFormat,
    document: &impl Serialize,
    mut writer: impl Write,
) -> Result<(), Error> {
    let fail = |source| Error::Write { format, source };
    serde_json::to_writer_pretty(&mut writer, document).map_err(|error| fail(error.into()))?;
    writer.write_all(b"\n").map_err(fail)?;
    writer.flush().map_err(fail)
}
