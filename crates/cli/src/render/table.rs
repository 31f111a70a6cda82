//! The inventory as a table: one row per package, a summary line above.

use std::io::{self, Write};

use custody_model::{InstallState, Inventory, Package};
use owo_colors::OwoColorize as _;

/// Writes the table of packages.
pub(crate) fn inventory_table(inventory: &Inventory, out: &mut dyn Write) -> io::Result<()> {
    target_line(inventory, out)?;
    if inventory.packages.is_empty() {
        return Ok(());
    }
    let mut table = super::new_table(["NAME", "VERSION", "TYPE", "ARCH", "SOURCE", "LAYER"]);
    for package in &inventory.packages {
        table.add_row([
            package.name.clone(),
            version_cell(package),
            package.ecosystem.to_string(),
            package.arch.clone().unwrap_or_default(),
            package
                .source
                .as_ref()
                .filter(|source| source.name != package.name)
                .map(|source| source.name.clone())
                .unwrap_or_default(),
            package
                .locations
                .first()
                .and_then(|location| location.layer.as_deref())
                .map(short_digest)
                .unwrap_or_default(),
        ]);
    }
    writeln!(out, "{table}")
}

/// The line above every table: `rootfs /mnt/root  debian 12  155 packages`.
pub(crate) fn target_line(inventory: &Inventory, out: &mut dyn Write) -> io::Result<()> {
    let distro = inventory
        .distro
        .as_ref()
        .map_or_else(|| "no OS detected".to_owned(), ToString::to_string);
    writeln!(
        out,
        "{} {}  {}  {} packages",
        inventory.target.kind.scheme().dimmed(),
        inventory.target.name.bold(),
        distro,
        inventory.packages.len()
    )
}

fn version_cell(package: &Package) -> String {
    match package.state {
        None | Some(InstallState::Installed) => package.version.clone(),
        Some(state) => format!("{} ({})", package.version, state.as_str()),
    }
}

/// The first 12 hex digits of a digest, as `docker images` shows them.
pub(crate) fn short_digest(digest: &str) -> String {
    let hex = digest.split_once(':').map_or(digest, |(_, hex)| hex);
    hex.get(..12).unwrap_or(hex).to_owned()
}
