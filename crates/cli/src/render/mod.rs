//! Rendering results for people (tables) and machines (JSON).

mod table;

use std::io::{self, Write};

use custody_model::{Inventory, Warning};

pub(crate) use table::inventory_table;

/// custody's own JSON: the [`Inventory`] as its documented wire format, pretty-printed.
pub(crate) fn json(inventory: &Inventory, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, inventory)?;
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
