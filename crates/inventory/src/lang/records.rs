//! [`Records`]: the packages of one lockfile, one record per name and version, for formats
//! that list a package more than once (npm's nested copies, a NuGet package locked for several
//! frameworks, a Conan graph's repeated nodes) and name dependencies by exact version.
//!
//! Each record provides its *dependency key* (`name@version` for npm, `name/version` for Conan,
//! the lowercased id for NuGet: whatever the format's references spell) and its dependants
//! list the keys they resolve to in [`PackageRecord::depends`], so the resolver draws edges to
//! the exact copy rather than to every version of a name.

use std::collections::{HashMap, HashSet};

use custody_model::{Ecosystem, Scope};

use crate::PackageRecord;

/// One file's records in first-seen order, indexed by dependency key.
#[derive(Debug)]
pub(crate) struct Records {
    ecosystem: Ecosystem,
    /// Builds the dependency key of a name and version.
    key: fn(&str, &str) -> String,
    entries: Vec<PackageRecord>,
    /// Index into `entries` by dependency key.
    by_key: HashMap<String, usize>,
    /// Indexes of records whose scope [`Records::declare`] has set.
    declared: HashSet<usize>,
}

impl Records {
    /// No records yet, of `ecosystem`, keyed by `key(name, version)`.
    pub(crate) fn new(ecosystem: Ecosystem, key: fn(&str, &str) -> String) -> Self {
        Self {
            ecosystem,
            key,
            entries: Vec::new(),
            by_key: HashMap::new(),
            declared: HashSet::new(),
        }
    }

    /// The record of `name` at `version`, added on first sight with its key in `provides`.
    pub(crate) fn insert(&mut self, name: &str, version: &str) -> &mut PackageRecord {
        let key = (self.key)(name, version);
        let index = if let Some(&index) = self.by_key.get(&key) {
            index
        } else {
            let mut record = PackageRecord::new(self.ecosystem, name, version);
            record.provides.push(key.clone());
            self.entries.push(record);
            let index = self.entries.len() - 1;
            self.by_key.insert(key, index);
            index
        };
        self.entries
            .get_mut(index)
            .expect("every index in `by_key` points into `entries`")
    }

    /// Records how one copy of the package at `key` is declared: direct when any copy is,
    /// dev-only when every copy is. Unlike [`Scope::merge`], which lets a scope that says
    /// nothing defer to the other, every declaration here is the file's word: a copy with
    /// `dev: false` is a production copy.
    pub(crate) fn declare(&mut self, key: &str, scope: Scope) {
        let Some(&index) = self.by_key.get(key) else {
            return;
        };
        let first = self.declared.insert(index);
        if let Some(record) = self.entries.get_mut(index) {
            record.scope = if first {
                scope
            } else {
                Scope {
                    direct: match (record.scope.direct, scope.direct) {
                        (Some(a), Some(b)) => Some(a || b),
                        (known, None) | (None, known) => known,
                    },
                    dev: record.scope.dev && scope.dev,
                }
            };
        }
    }

    /// Whether a record's key is `key`.
    pub(crate) fn contains(&self, key: &str) -> bool {
        self.by_key.contains_key(key)
    }

    /// The record whose key is `key`.
    pub(crate) fn get_mut(&mut self, key: &str) -> Option<&mut PackageRecord> {
        let index = *self.by_key.get(key)?;
        self.entries.get_mut(index)
    }

    /// The records in the order first seen, each with its dependencies sorted and unique.
    pub(crate) fn into_records(self) -> Vec<PackageRecord> {
        let mut records = self.entries;
        for record in &mut records {
            record.depends.sort_unstable();
            record.depends.dedup();
        }
        records
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn npm_key(name: &str, version: &str) -> String {
        format!("{name}@{version}")
    }

    #[test]
    fn one_record_per_key_with_merged_scopes_and_sorted_dependencies() {
        let mut records = Records::new(Ecosystem::Npm, npm_key);
        records.insert("a", "1.0.0").depends.push("c@3".into());
        records.insert("a", "1.0.0").depends.push("b@2".into());
        records.insert("a", "2.0.0");
        records.declare(
            "a@1.0.0",
            Scope {
                direct: Some(false),
                dev: true,
            },
        );
        records.declare(
            "a@1.0.0",
            Scope {
                direct: Some(true),
                dev: false,
            },
        );
        assert!(records.contains("a@2.0.0"));
        assert!(!records.contains("a@3.0.0"));
        let records = records.into_records();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].provides, ["a@1.0.0"]);
        assert_eq!(records[0].depends, ["b@2", "c@3"]);
        assert_eq!(
            records[0].scope,
            Scope {
                direct: Some(true),
                dev: false
            }
        );
        assert!(records[1].scope.is_unknown());
    }
}
