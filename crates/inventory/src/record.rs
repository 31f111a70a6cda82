//! [`PackageRecord`]: a package as its database records it, before the target is resolved.
//!
//! Catalogers parse one file into records; the resolver (the `resolve` module) turns records
//! into [`custody_model::Package`]s once the distribution is known (purls carry it) and the
//! layers that added each record are known. Records are cached per image layer, so they are
//! plain serde values.

use custody_model::{Ecosystem, InstallState, Scope, SourcePackage};
use serde::{Deserialize, Serialize};

/// One package entry of a package database.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageRecord {
    /// The packaging system.
    pub ecosystem: Ecosystem,
    /// Package name.
    pub name: String,
    /// Version as the database records it. dpkg and apk versions are complete (dpkg's may
    /// carry an `epoch:` prefix); rpm versions are `version-release`, the epoch is in
    /// [`PackageRecord::epoch`].
    pub version: String,
    /// RPM epoch, when the header has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub epoch: Option<u32>,
    /// CPU architecture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arch: Option<String>,
    /// The source package it was built from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourcePackage>,
    /// Licenses as recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub licenses: Vec<String>,
    /// Install state, where the database records one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<InstallState>,
    /// Direct/transitive and dev-only, where a lockfile or manifest says.
    #[serde(default, skip_serializing_if = "Scope::is_unknown")]
    pub scope: Scope,
    /// Files the package owns, absolute (`/usr/bin/openssl`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// What it depends on: package names or capabilities (dpkg `Depends`/`Pre-Depends` names
    /// including every alternative, apk `D:` tokens without version constraints, rpm
    /// `REQUIRENAME`s). Resolved to edges against other records' names and `provides`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends: Vec<String>,
    /// Names or capabilities it provides besides its own name (dpkg `Provides`, apk `p:`
    /// tokens without versions, rpm `PROVIDENAME`s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provides: Vec<String>,
}

impl PackageRecord {
    /// A record with the required fields set and everything else empty.
    pub fn new(ecosystem: Ecosystem, name: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            ecosystem,
            name: name.into(),
            version: version.into(),
            epoch: None,
            arch: None,
            source: None,
            licenses: Vec::new(),
            state: None,
            scope: Scope::default(),
            files: Vec::new(),
            depends: Vec::new(),
            provides: Vec::new(),
        }
    }
}
