//! The field registry: which fields each event source offers, with their types, arguments and
//! descriptions ([`FieldInfo`]), looked up by name ([`lookup`]) or by a field token as written
//! in a condition or an output ([`resolve`]).
//!
//! The tables live beside it: [`super::syscall`] (libsinsp's fields, registered now so the
//! official rules compile; extracted once the eBPF sensor lands) and [`super::k8s_audit`] (the
//! k8saudit and json plugins' fields, extracted by [`super::K8sAuditExtractor`]). The condition
//! compiler resolves every field token here once, so a typo is a load error with a position,
//! never a per-event surprise.

use std::fmt;

use super::{k8s_audit, syscall};

/// An event source, as a rule's `source:` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// System calls (`source: syscall`, the default when a rule names none).
    Syscall,
    /// Kubernetes audit events (`source: k8s_audit`).
    K8sAudit,
}

impl Source {
    /// Every source, in the order `custody runtime fields` lists them.
    pub const ALL: [Source; 2] = [Source::Syscall, Source::K8sAudit];

    /// The name used in rules files (`source: k8s_audit`) and alerts (`"source"`).
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Source::Syscall => "syscall",
            Source::K8sAudit => "k8s_audit",
        }
    }

    /// The source a rules file names, `None` for a source custody does not know.
    #[must_use]
    pub fn from_name(name: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|source| source.name() == name)
    }

    /// Every field the source offers, in registry order.
    #[must_use]
    pub fn fields(self) -> &'static [FieldInfo] {
        match self {
            Source::Syscall => syscall::FIELDS,
            Source::K8sAudit => k8s_audit::FIELDS,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// The type of a field's value, as libsinsp names it in `falco --list` (`CHARBUF`, `UINT64`,
/// ...). It decides how the condition compiler parses the values a field is compared with
/// (`fd.rip in (10.0.0.0/8)` needs [`FieldType::IpNet`] parsing) and which operators apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// Text (`CHARBUF`, shown as `string`).
    CharBuf,
    /// Raw bytes (`BYTEBUF`), such as `evt.buffer`; compared with `bcontains`/`bstartswith`.
    ByteBuf,
    /// A signed 16-bit number (`INT16`).
    Int16,
    /// A signed 32-bit number (`INT32`).
    Int32,
    /// A signed 64-bit number (`INT64`).
    Int64,
    /// An unsigned 32-bit number (`UINT32`).
    Uint32,
    /// An unsigned 64-bit number (`UINT64`).
    Uint64,
    /// A boolean (`BOOL`).
    Bool,
    /// A floating-point number (`DOUBLE`).
    Double,
    /// An IPv4 or IPv6 address (`IPADDR`); compared with addresses, and with networks by `in`.
    IpAddr,
    /// An IP network in CIDR notation (`IPNET`).
    IpNet,
    /// A TCP or UDP port (`PORT`).
    Port,
    /// A duration in nanoseconds (`RELTIME`).
    RelTime,
    /// A point in time in nanoseconds since the Unix epoch (`ABSTIME`).
    AbsTime,
    /// A value whose type depends on the argument it is read from (`DYNAMIC`, `evt.rawarg`).
    Dynamic,
}

impl FieldType {
    /// The name `falco --list` prints for the type.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            FieldType::CharBuf => "CHARBUF",
            FieldType::ByteBuf => "BYTEBUF",
            FieldType::Int16 => "INT16",
            FieldType::Int32 => "INT32",
            FieldType::Int64 => "INT64",
            FieldType::Uint32 => "UINT32",
            FieldType::Uint64 => "UINT64",
            FieldType::Bool => "BOOL",
            FieldType::Double => "DOUBLE",
            FieldType::IpAddr => "IPADDR",
            FieldType::IpNet => "IPNET",
            FieldType::Port => "PORT",
            FieldType::RelTime => "RELTIME",
            FieldType::AbsTime => "ABSTIME",
            FieldType::Dynamic => "DYNAMIC",
        }
    }

    /// Whether values of this type are numbers, so the condition compiler parses the values
    /// they are compared with as numbers and allows `<`, `<=`, `>` and `>=`.
    #[must_use]
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            FieldType::Int16
                | FieldType::Int32
                | FieldType::Int64
                | FieldType::Uint32
                | FieldType::Uint64
                | FieldType::Double
                | FieldType::Port
                | FieldType::RelTime
                | FieldType::AbsTime
        )
    }
}

impl fmt::Display for FieldType {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.name())
    }
}

/// Which argument a field takes in brackets (`proc.aname[2]`, `ka.uri.param[command]`,
/// `jevt.value[/stage]`), following libsinsp's and the plugin SDK's argument metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArgKind {
    /// No argument: `ka.verb`.
    None,
    /// A non-negative index: `proc.aname[2]`, `ka.req.pod.containers.image[0]`.
    Index {
        /// Whether the field is meaningless without it (`proc.apid` accepts none).
        required: bool,
    },
    /// A free-form key: `ka.uri.param[command]`, `k8s.pod.label[app]`; `syscall` fields also
    /// take it after a dot (`k8s.pod.label.app`, `thread.cgroup.cpuacct`), as libsinsp does.
    Key {
        /// Whether the field is meaningless without it.
        required: bool,
    },
    /// An index or a key: `evt.arg[0]`, `evt.arg[fd]` or `evt.arg.fd`,
    /// `container.mount.dest[0]` or `container.mount.dest[/var/run/docker.sock]`.
    IndexOrKey {
        /// Whether the field is meaningless without it.
        required: bool,
    },
}

impl ArgKind {
    /// Whether a field token must carry an argument.
    #[must_use]
    pub fn is_required(self) -> bool {
        match self {
            ArgKind::None => false,
            ArgKind::Index { required }
            | ArgKind::Key { required }
            | ArgKind::IndexOrKey { required } => required,
        }
    }

    /// Whether `argument` is acceptable for this kind: indexes must be decimal numbers.
    #[must_use]
    pub fn accepts(self, argument: &str) -> bool {
        match self {
            ArgKind::None => false,
            ArgKind::Index { .. } => argument.parse::<u64>().is_ok(),
            ArgKind::Key { .. } | ArgKind::IndexOrKey { .. } => true,
        }
    }
}

/// One field of one source: what `custody runtime fields` lists and what the condition
/// compiler checks a field token against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldInfo {
    /// The field's name without its argument: `proc.aname`, `ka.req.pod.containers.image`.
    pub name: &'static str,
    /// The type of each value.
    pub ty: FieldType,
    /// The upstream description, shown by `custody runtime fields`.
    pub description: &'static str,
    /// The argument the field takes.
    pub arg: ArgKind,
    /// Whether the field yields a list of values (`ka.user.groups`, `fd.types`), which is what
    /// `in` and `intersects` test against.
    pub list: bool,
}

impl FieldInfo {
    /// A table entry: the tables in [`super::syscall`] and [`super::k8s_audit`] are written
    /// with it, one line per field.
    pub(super) const fn new(
        name: &'static str,
        ty: FieldType,
        arg: ArgKind,
        list: bool,
        description: &'static str,
    ) -> FieldInfo {
        FieldInfo {
            name,
            ty,
            description,
            arg,
            list,
        }
    }
}

/// The field `name` (without argument) of `source`, `None` when the source has no such field.
#[must_use]
pub fn lookup(source: Source, name: &str) -> Option<&'static FieldInfo> {
    source.fields().iter().find(|field| field.name == name)
}

/// A field token resolved against the registry: the field and the argument it was written with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRef<'t> {
    /// The registered field.
    pub info: &'static FieldInfo,
    /// The argument, without brackets: `2` for `proc.aname[2]`, `fd` for `evt.arg.fd`.
    pub arg: Option<&'t str>,
}

/// Why a field token does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    /// No field of the source has this name.
    #[error("filter_check called with nonexistent field {name} (source {event_source})")]
    Unknown {
        /// The name as written, without its argument.
        name: String,
        /// The source the rule belongs to.
        event_source: Source,
    },
    /// The field requires an argument and the token has none.
    #[error("field `{name}` requires an argument")]
    MissingArgument {
        /// The field's name.
        name: &'static str,
    },
    /// The field takes no argument, or not this one (an index that is not a number).
    #[error("field `{name}` does not accept the argument `{argument}`")]
    BadArgument {
        /// The field's name.
        name: &'static str,
        /// The argument as written.
        argument: String,
    },
}

/// Resolves a field token as written in a condition or after `%` in an output:
/// `ka.verb`, `proc.aname[2]`, `jevt.value[/stage]`, `evt.arg.fd`.
///
/// The token is `name` or `name[argument]`. For `syscall` fields taking a key, libsinsp also
/// accepts the argument after a dot (`evt.arg.fd` is `evt.arg[fd]`, `evt.type.is.open` is
/// `evt.type.is[open]`), tried only when the whole token is not itself a field name
/// (`evt.args` is a field, not `evt.arg` with `s`). Plugin fields (`k8s_audit`) only take
/// brackets, as the plugin SDK parses them.
///
/// # Errors
///
/// [`ResolveError`] when no field matches, or when the argument is missing or not acceptable.
pub fn resolve(source: Source, token: &str) -> Result<FieldRef<'_>, ResolveError> {
    let (name, arg) = split_argument(token);
    if let Some(info) = lookup(source, name) {
        return check_argument(info, arg);
    }
    if arg.is_none() && source == Source::Syscall {
        let dotted = name
            .char_indices()
            .filter(|&(_, c)| c == '.')
            .find_map(|(dot, _)| {
                let prefix = name.get(..dot)?;
                let suffix = name.get(dot + 1..)?;
                let info = lookup(source, prefix)?;
                (matches!(info.arg, ArgKind::Key { .. } | ArgKind::IndexOrKey { .. })
                    && !suffix.is_empty())
                .then_some((info, suffix))
            });
        if let Some((info, suffix)) = dotted {
            return Ok(FieldRef {
                info,
                arg: Some(suffix),
            });
        }
    }
    Err(ResolveError::Unknown {
        name: name.to_owned(),
        event_source: source,
    })
}

/// Splits `name[argument]` into its parts; a token without a closing bracket at its end is all
/// name (and then fails to resolve).
fn split_argument(token: &str) -> (&str, Option<&str>) {
    match token.split_once('[') {
        Some((name, rest)) => match rest.strip_suffix(']') {
            Some(argument) => (name, Some(argument)),
            None => (token, None),
        },
        None => (token, None),
    }
}

fn check_argument<'t>(
    info: &'static FieldInfo,
    arg: Option<&'t str>,
) -> Result<FieldRef<'t>, ResolveError> {
    match arg {
        None if info.arg.is_required() => Err(ResolveError::MissingArgument { name: info.name }),
        Some(argument) if !info.arg.accepts(argument) => Err(ResolveError::BadArgument {
            name: info.name,
            argument: argument.to_owned(),
        }),
        _ => Ok(FieldRef { info, arg }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_are_unique_per_source() {
        for source in Source::ALL {
            let mut names: Vec<&str> = source.fields().iter().map(|field| field.name).collect();
            let total = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), total, "duplicate field name in {source}");
        }
    }

    #[test]
    fn source_names_round_trip() {
        for source in Source::ALL {
            assert_eq!(Source::from_name(source.name()), Some(source));
        }
        assert_eq!(Source::from_name("aws_cloudtrail"), None);
    }

    #[test]
    fn resolves_indexes_keys_and_dotted_arguments() {
        let aname = resolve(Source::Syscall, "proc.aname[2]").expect("indexed field");
        assert_eq!((aname.info.name, aname.arg), ("proc.aname", Some("2")));
        let dotted = resolve(Source::Syscall, "evt.arg.fd").expect("dotted argument");
        assert_eq!((dotted.info.name, dotted.arg), ("evt.arg", Some("fd")));
        let type_is = resolve(Source::Syscall, "evt.type.is.open").expect("dotted key");
        assert_eq!(
            (type_is.info.name, type_is.arg),
            ("evt.type.is", Some("open"))
        );
        let label =
            resolve(Source::Syscall, "k8s.pod.label.app.kubernetes.io/name").expect("label");
        assert_eq!(label.arg, Some("app.kubernetes.io/name"));
        let args = resolve(Source::Syscall, "evt.args").expect("a field of its own");
        assert_eq!((args.info.name, args.arg), ("evt.args", None));
        let pointer = resolve(Source::K8sAudit, "jevt.value[/stage]").expect("pointer key");
        assert_eq!(pointer.arg, Some("/stage"));
    }

    #[test]
    fn rejects_bad_tokens() {
        assert!(matches!(
            resolve(Source::K8sAudit, "proc.name"),
            Err(ResolveError::Unknown { .. })
        ));
        assert_eq!(
            resolve(Source::K8sAudit, "ka.uri.param"),
            Err(ResolveError::MissingArgument {
                name: "ka.uri.param"
            })
        );
        assert!(matches!(
            resolve(Source::Syscall, "proc.aname[x]"),
            Err(ResolveError::BadArgument { .. })
        ));
        assert!(matches!(
            resolve(Source::K8sAudit, "jevt.value.stage"),
            Err(ResolveError::Unknown { .. })
        ));
        assert!(matches!(
            resolve(Source::K8sAudit, "ka.verb[0]"),
            Err(ResolveError::BadArgument { .. })
        ));
    }
}
