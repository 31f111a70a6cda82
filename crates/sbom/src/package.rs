//! Facts about packages that both encoders write the same way: suppliers, and the dependency
//! and ownership edges resolved to positions in [`Inventory::packages`].

use std::collections::{BTreeSet, HashMap};

use custody_model::{Inventory, Package};

/// Who supplied the package: for OS packages the distribution, by its os-release id; for
/// language packages nobody we can name (their registries host, not supply, them).
pub(crate) fn supplier<'a>(inventory: &'a Inventory, package: &Package) -> Option<&'a str> {
    package
        .ecosystem
        .is_os()
        .then(|| inventory.distro.as_ref().map(|distro| distro.id.as_str()))
        .flatten()
}

/// Dependency edges as (from, to) positions in `inventory.packages`, sorted and without
/// repeats.
///
/// Edges name packages by [`Package::id`]; when two packages share an id the edge goes to
/// the first. Edges naming a package the inventory does not hold, and edges from a package to
/// itself, are dropped: an SBOM may only reference elements it contains.
pub(crate) fn dependency_edges(inventory: &Inventory) -> BTreeSet<(usize, usize)> {
    let first_by_id = first_by_id(inventory);
    inventory
        .dependencies
        .iter()
        .filter_map(|edge| {
            let from = *first_by_id.get(edge.from.as_str())?;
            let to = *first_by_id.get(edge.to.as_str())?;
            (from != to).then_some((from, to))
        })
        .collect()
}

/// (owner, owned) positions in `inventory.packages` for every package whose
/// [`Package::owned_by`] names a package of the inventory (the first, when several share the
/// id), in package order. As with dependency edges, owners the inventory lacks and packages
/// owning themselves are dropped.
pub(crate) fn ownership_edges(inventory: &Inventory) -> Vec<(usize, usize)> {
    let first_by_id = first_by_id(inventory);
    inventory
        .packages
        .iter()
        .enumerate()
        .filter_map(|(owned, package)| {
            let owner = *first_by_id.get(package.owned_by.as_deref()?)?;
            (owner != owned).then_some((owner, owned))
        })
        .collect()
}

/// The position of the first package with each [`Package::id`].
fn first_by_id(inventory: &Inventory) -> HashMap<&str, usize> {
    let mut first_by_id = HashMap::with_capacity(inventory.packages.len());
    for (index, package) in inventory.packages.iter().enumerate() {
        first_by_id.entry(package.id()).or_insert(index);
    }
    first_by_id
}
