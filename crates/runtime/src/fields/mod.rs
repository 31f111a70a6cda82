//! Fields: what a condition or an output can read from an event.
//!
//! - [`Source`], [`FieldInfo`], [`FieldType`] and [`ArgKind`] describe the fields each event
//!   source offers; [`lookup`] finds one by name and [`resolve`] checks a token as written in a
//!   rule (`proc.aname[2]`, `evt.arg.fd`, `jevt.value[/stage]`). `custody runtime fields` lists
//!   [`Source::fields`].
//! - [`K8sAuditExtractor`] reads a `k8s_audit` field from an audit.k8s.io/v1 event with the
//!   k8saudit plugin's semantics, yielding a [`FieldValue`].
//!
//! The `syscall` fields are registered (so the official rules compile) but not extracted: the
//! eBPF sensor of a later issue brings their extractors. The condition language that uses these
//! fields lives in `condition`, the rules loader in `rules`.

mod audit_json;
mod k8s_audit;
mod registry;
mod syscall;
mod value;

pub use k8s_audit::K8sAuditExtractor;
pub use registry::{
    ArgKind, FieldInfo, FieldRef, FieldType, ResolveError, Source, lookup, resolve,
};
pub use value::FieldValue;
