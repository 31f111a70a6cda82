//! Falco-compatible runtime detection: Falco's rules files loaded unchanged, their condition
//! language compiled once into an evaluator, event sources (the Kubernetes audit log today, an
//! eBPF syscall sensor later) and alerts in Falco's JSON shape.
//!
//! # Overview
//!
//! - [`condition`] parses Falco's condition language into an AST with positions.
//! - [`rules`] loads rules files (`rule`, `macro`, `list`, overrides, appends, exceptions) in
//!   order, with errors and warnings naming the file, line and item.
//! - [`fields`] is the registry of fields per source, with types and descriptions, and the
//!   extraction of `ka.*` and `jevt.*` fields from Kubernetes audit events.
//! - [`engine`] compiles a loaded rule set once and applies it to events, raising alerts.
//! - [`output`] formats alerts (`%field` outputs, Falco's JSON) and delivers them.
//! - [`source`] reads events: Kubernetes audit events from files and webhook bodies.

pub mod condition;
pub mod engine;
pub mod fields;
pub mod output;
pub mod rules;
pub mod source;
