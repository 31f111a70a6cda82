//! Identifiers that must be unique inside one document: CycloneDX `bom-ref`s and SPDXIDs.
//!
//! Both encoders derive an element's identifier from the package (its purl, or its name and
//! version) and ask [`UniqueIds`] for it; when two packages would get the same identifier
//! (the same purl recorded twice, or names that sanitise alike) the later one gets a numbered
//! variant, so identifiers depend only on the inventory's order, which is sorted.

use std::collections::HashSet;

/// The identifiers handed out so far in one document.
#[derive(Debug, Default)]
pub(crate) struct UniqueIds {
    taken: HashSet<String>,
}

impl UniqueIds {
    /// Marks a fixed identifier (the root, the OS) as used.
    pub(crate) fn reserve(&mut self, id: &str) {
        self.taken.insert(id.to_owned());
    }

    /// Returns `base` if it is free, else the first free `variant(base, n)` for n = 2, 3, …
    pub(crate) fn claim(&mut self, base: &str, variant: impl Fn(&str, usize) -> String) -> String {
        let mut id = base.to_owned();
        let mut number = 1;
        while self.taken.contains(&id) {
            number += 1;
            id = variant(base, number);
        }
        self.taken.insert(id.clone());
        id
    }
}

/// Replaces every character an SPDXID may not hold (anything but `A-Z a-z 0-9 . -`) with `-`.
pub(crate) fn spdx_id_part(text: &str) -> String {
    text.chars()
        .map(|character| {
            if character.is_ascii_alphanumeric() || character == '.' || character == '-' {
                character
            } else {
                '-'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_duplicates() {
        let mut ids = UniqueIds::default();
        ids.reserve("a");
        let variant = |base: &str, number: usize| format!("{base}-{number}");
        assert_eq!(ids.claim("a", variant), "a-2");
        assert_eq!(ids.claim("b", variant), "b");
        assert_eq!(ids.claim("a", variant), "a-3");
    }

    #[test]
    fn sanitises_for_spdx() {
        assert_eq!(spdx_id_part("libstdc++6@12.2.0-14"), "libstdc--6-12.2.0-14");
        assert_eq!(spdx_id_part("1:2.38.1-5+b1"), "1-2.38.1-5-b1");
    }
}
