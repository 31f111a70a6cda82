//! Stacking layers: which file of which layer is in the final filesystem once whiteouts,
//! opaque directories and replacements by later layers are applied (the OCI image spec's
//! "Applying Changesets" and "Whiteouts" sections).

use std::collections::HashSet;

use crate::layer::LayerScan;
use crate::path;

/// What layer `index` does to the files of the layers below it.
struct Changes<'a> {
    /// Non-directory entries: they replace lower files at the same path, and lower content
    /// under that path if a directory stood there.
    replaced: HashSet<&'a str>,
    deleted: HashSet<&'a str>,
    opaque: HashSet<&'a str>,
}

impl<'a> Changes<'a> {
    fn of<O>(layer: &'a LayerScan<O>) -> Self {
        Self {
            replaced: layer
                .files
                .iter()
                .map(|(path, _)| path.as_str())
                .chain(layer.shadows.iter().map(String::as_str))
                .collect(),
            deleted: layer.whiteouts.iter().map(String::as_str).collect(),
            opaque: layer.opaque_dirs.iter().map(String::as_str).collect(),
        }
    }

    fn hides(&self, path: &str) -> bool {
        self.replaced.contains(path)
            || self.deleted.contains(path)
            || path::ancestors(path).any(|ancestor| {
                self.deleted.contains(ancestor)
                    || self.opaque.contains(ancestor)
                    || self.replaced.contains(ancestor)
            })
            || self.opaque.contains("")
    }
}

/// For each layer (bottom first) and each of its files, whether the file is visible in the
/// final filesystem. Within one layer, a path listed twice keeps only its last entry.
pub(crate) fn visibility<O>(layers: &[LayerScan<O>]) -> Vec<Vec<bool>> {
    let changes: Vec<Changes<'_>> = layers.iter().map(Changes::of).collect();
    layers
        .iter()
        .enumerate()
        .map(|(index, layer)| {
            let mut seen_later = HashSet::new();
            let mut visible: Vec<bool> = layer
                .files
                .iter()
                .rev()
                .map(|(path, _)| {
                    seen_later.insert(path.as_str())
                        && !changes
                            .get(index + 1..)
                            .unwrap_or_default()
                            .iter()
                            .any(|upper| upper.hides(path))
                })
                .collect();
            visible.reverse();
            visible
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(
        files: &[&str],
        shadows: &[&str],
        whiteouts: &[&str],
        opaque: &[&str],
    ) -> LayerScan<()> {
        let strings = |items: &[&str]| items.iter().map(|item| (*item).to_owned()).collect();
        LayerScan {
            files: files
                .iter()
                .map(|file| ((*file).to_owned(), Some(())))
                .collect(),
            shadows: strings(shadows),
            whiteouts: strings(whiteouts),
            opaque_dirs: strings(opaque),
            warnings: Vec::new(),
        }
    }

    #[test]
    fn applies_whiteouts_opaque_dirs_and_replacements() {
        let layers = [
            layer(
                &["a/keep", "a/gone", "b/x", "c/y", "d/z", "e/f"],
                &[],
                &[],
                &[],
            ),
            layer(&["b/new"], &["d"], &["a/gone"], &["b"]),
            layer(&["e/f"], &[], &["c"], &[]),
        ];
        let visible = visibility(&layers);
        assert_eq!(visible[0], [true, false, false, false, false, false]);
        assert_eq!(visible[1], [true]);
        assert_eq!(visible[2], [true]);
    }

    #[test]
    fn last_duplicate_in_a_layer_wins() {
        let layers = [layer(&["a", "a"], &[], &[], &[])];
        assert_eq!(visibility(&layers)[0], [false, true]);
    }

    #[test]
    fn opaque_root_hides_everything_below() {
        let layers = [layer(&["a/b"], &[], &[], &[]), layer(&[], &[], &[], &[""])];
        assert_eq!(visibility(&layers)[0], [false]);
    }
}
