//! Facts about packages that both encoders write the same way: suppliers and
//! the dependency edges resolved to positions in [`Inventory::packages`].

use std::collections::{BTreeSet, HashMap};

use custody_model::{Ecosystem, Inventory, Package};

/// Who supplied the package: for OS packages the distribution, by its os-release id.
pub(crate) fn supplier<'a>(inventory: &'a Inventory, package: &Package) -> Option<&'a str> {
    match package.ecosystem {
        Ecosystem::Deb | Ecosystem::Apk | Ecosystem::Rpm => {
            inventory.distro.as_ref().map(|distro| distro.id.as_str())
        }
    }
}

/// Dependency edges as (from, to) positions in `inventory.packages`, sorted and without
/// repeats.
///
/// Edges name packages by [`Package::id`]; when two packages share an id the edge goes to
/// the first. Edges naming a package the inventory does not hold, and edges from a package to
/// itself, are dropped: an SBOM may only reference elements it contains.
pub(crate) fn dependency_edges(inventory: &Inventory) -> BTreeSet<(usize, usize)> {
    let mut first_by_id: HashMap<&str, usize> = HashMap::with_capacity(inventory.packages.len());
    for (index, package) in inventory.packages.iter().enumerate() {
        first_by_id.entry(package.id()).or_insert(index);
    }
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
