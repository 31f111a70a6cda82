//! Rendering results for people (tables) and machines (JSON).

mod findings;
mod table;

use std::io::{self, Write};

use custody_model::Warning;
use serde::Serialize;

pub(crate) use findings::{Sections, findings_table};
pub(crate) use table::inventory_table;

/// A table in custody's style: a rule under the header, no other lines, columns fitted to the
/// terminal.
pub(crate) fn new_table<const N: usize>(header: [&str; N]) -> comfy_table::Table {
    // comfy-table's 19-character style string: only position 5 (header line) and 6 (where
    // it crosses columns) are drawn.
    const HEADER_RULE_ONLY: &str = "     ──            ";
    let mut table = comfy_table::Table::new();
    // Cell styles follow the colour choice stdout was configured with (`--color`,
    // `NO_COLOR`, whether it is a terminal).
    match anstream::ColorChoice::global() {
        anstream::ColorChoice::Never => {
            table.force_no_tty();
        }
        anstream::ColorChoice::Always | anstream::ColorChoice::AlwaysAnsi => {
            table.enforce_styling();
        }
        anstream::ColorChoice::Auto => {}
    }
    table
        .load_preset(HEADER_RULE_ONLY)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
        .set_header(header);
    table
}

/// custody's own JSON: an [`Inventory`](custody_model::Inventory) or
/// [`Report`](custody_model::Report) as its documented wire format, pretty-printed.
pub(crate) fn json(value: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// A warning as one line: `path (layer sha256:…): message`.
pub(crate) fn warning(warning: &Warning) -> String {
    match (&warning.path, &warning.layer) {
        (Some(path), Some(layer)) => format!("{path} (layer {layer}): {}", warning.message),
        (Some(path), None) => format!("{path}: {}", warning.message),
        (None, Some(layer)) => format!("layer {layer}: {}", warning.message),
        (None, None) => warning.message.clone(),
    }
}
