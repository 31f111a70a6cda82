//! Secret scanning: finds credentials (cloud keys, code-host and registry tokens, private
//! keys, passwords in URLs and assignments) in file contents.
//!
//! # Overview
//!
//! - [`Rule`]: one detector — keywords, a regex with a `secret` group, an optional entropy
//!   gate and an [`Allowlist`]. [`builtin_rules`] returns the built-in table, written from the
//!   providers' documented token formats.
//! - [`Config`]: custom rules, disabled rules, a global allowlist and the file-size bound,
//!   read from YAML with [`Config::from_yaml`].
//! - [`Scanner`]: compiles the rules once (one Aho-Corasick automaton over all keywords) and
//!   scans file contents with [`Scanner::scan`], returning a [`Scan`] of masked
//!   [`Secret`](custody_model::Secret) findings
//!   or the reason the file was [`Skipped`] (binary, too large).
//!
//! Kubernetes Secret manifests (YAML or JSON) get a second look: each `data:` value is
//! base64-decoded and scanned as `key: "value"`, and findings point at the encoded value;
//! rules of [`Scope::SecretData`] (the built-in `kubernetes-secret-data`) judge each `data:`
//! and `stringData:` entry by its name when no format rule matched its value.
//!
//! A `custody:ignore` comment on a line suppresses findings on that line (as do gitleaks'
//! `gitleaks:allow` and detect-secrets' `pragma: allowlist secret`).
//!
//! This crate does not walk directories or open images: custody-artifact yields file
//! entries and custody-cli hands them to the scanner and renders the findings.
//!
//! # Example
//!
//! ```
//! use custody_secret::{Config, Scanner, builtin_rules};
//!
//! let scanner = Scanner::new(builtin_rules()?, &Config::default())?;
//! let token = ["gh", "p_", "0123456789abcdefghijABCDEFGHIJ012345"].concat();
//! let scan = scanner.scan("deploy.sh", format!("export TOKEN={token}\n").as_bytes());
//! assert_eq!(scan.findings.len(), 1);
//! assert_eq!(scan.findings[0].rule_id, "github-pat");
//! assert_eq!(scan.findings[0].masked, "ghp_****");
//! # Ok::<(), custody_secret::Error>(())
//! ```

mod builtin;
mod config;
mod error;
mod finding;
mod manifest;
mod rule;
mod scanner;

pub use builtin::builtin_rules;
pub use config::{Config, DEFAULT_MAX_FILE_SIZE};
pub use error::Error;
pub use finding::{Scan, Skipped};
pub use rule::{Allowlist, Rule, Scope, entropy, mask};
pub use scanner::Scanner;
