//! The `k8s_audit` source's fields and their extraction from audit.k8s.io/v1 events.
//!
//! The fields are those of the k8saudit plugin (falcosecurity/plugins plugins/k8saudit, README
//! "Supported Fields", pkg/k8saudit/fields.go and extract.go) and of the json plugin it is loaded
//! with (plugins/json: `json.value`, `json.obj`, `json.rawtime` and their `jevt.*` aliases). A
//! [`K8sAuditExtractor`] resolves a field name and argument once, when a rule is compiled, into
//! the plan for reading it; extracting it from each event is then a walk over the parsed
//! [`serde_json::Value`] with the plugin's semantics (see [`super::audit_json`]).

use std::borrow::Cow;

use serde_json::Value;

use super::audit_json::{as_text, at_path, child, fan_out, query_parameter};
use super::registry::{ArgKind, FieldInfo, FieldType, ResolveError, Source, resolve};
use super::value::FieldValue;

const NO_ARG: ArgKind = ArgKind::None;
const INDEX: ArgKind = ArgKind::Index { required: false };
const KEY_REQUIRED: ArgKind = ArgKind::Key { required: true };

/// Shorthand for a table line: every k8saudit and json plugin field is a string.
const fn text(
    name: &'static str,
    arg: ArgKind,
    list: bool,
    description: &'static str,
) -> FieldInfo {
    FieldInfo::new(name, FieldType::CharBuf, arg, list, description)
}

/// Every `k8s_audit` field, in the k8saudit plugin's order, then the json plugin's.
#[rustfmt::skip]
pub(super) const FIELDS: &[FieldInfo] = &[
    text("ka.auditid", NO_ARG, false, "The unique id of the audit event"),
    text("ka.stage", NO_ARG, false, "Stage of the request (e.g. RequestReceived, ResponseComplete, etc.)"),
    text("ka.auth.decision", NO_ARG, false, "The authorization decision"),
    text("ka.auth.reason", NO_ARG, false, "The authorization reason"),
    text("ka.auth.openshift.decision", NO_ARG, false, "The authentication decision of the openshift apiserver extension. Only available on openshift clusters"),
    text("ka.validations.admission.policy.failure", NO_ARG, false, "The validation failure reason from a Validation Admission Policy"),
    text("ka.security.pod.violations", NO_ARG, false, "The violation reason for pod security policy"),
    text("ka.auth.openshift.username", NO_ARG, false, "The user name performing the openshift authentication operation. Only available on openshift clusters"),
    text("ka.user.name", NO_ARG, false, "The user name performing the request"),
    text("ka.user.groups", NO_ARG, true, "The groups to which the user belongs"),
    text("ka.impuser.name", NO_ARG, false, "The impersonated user name"),
    text("ka.verb", NO_ARG, false, "The action being performed"),
    text("ka.uri", NO_ARG, false, "The request URI as sent from client to server"),
    text("ka.uri.param", KEY_REQUIRED, false, "The value of a given query parameter in the uri (e.g. when uri=/foo?key=val, ka.uri.param[key] is val)."),
    text("ka.target.name", NO_ARG, false, "The target object name"),
    text("ka.target.namespace", NO_ARG, false, "The target object namespace"),
    text("ka.target.resource", NO_ARG, false, "The target object resource"),
    text("ka.target.subresource", NO_ARG, false, "The target object subresource"),
    text("ka.target.pod.name", NO_ARG, false, "The target pod name"),
    text("ka.req.binding.subjects", NO_ARG, true, "When the request object refers to a cluster role binding, the subject (e.g. account/users) being linked by the binding"),
    text("ka.req.binding.subjects.user_names", NO_ARG, true, "When the request object refers to a cluster role binding, the subject user names being linked by the binding"),
    text("ka.req.binding.subjects.serviceaccount_names", NO_ARG, true, "When the request object refers to a cluster role binding, the subject service account names being linked by the binding"),
    text("ka.req.binding.subjects.serviceaccount_ns_names", NO_ARG, true, "When the request object refers to a cluster role binding, the subject serviceaccount namespaced names being linked by the binding, e.g. a list containing: mynamespace:myserviceaccount"),
    text("ka.req.binding.subjects.group_names", NO_ARG, true, "When the request object refers to a cluster role binding, the subject group names being linked by the binding"),
    text("ka.req.binding.role", NO_ARG, false, "When the request object refers to a cluster role binding, the role being linked by the binding"),
    text("ka.req.binding.subject.has_name", KEY_REQUIRED, false, "Deprecated, always returns \"N/A\". Only provided for backwards compatibility"),
    text("ka.req.configmap.name", NO_ARG, false, "If the request object refers to a configmap, the configmap name"),
    text("ka.req.configmap.obj", NO_ARG, false, "If the request object refers to a configmap, the entire configmap object"),
    text("ka.req.pod.containers.args", INDEX, true, "When the request object refers to a pod, the container's args."),
    text("ka.req.pod.containers.command", INDEX, true, "When the request object refers to a pod, the container's command."),
    text("ka.req.pod.containers.name", INDEX, true, "When the request object refers to a pod, the container's names."),
    text("ka.req.pod.containers.image", INDEX, true, "When the request object refers to a pod, the container's images."),
    text("ka.req.container.image", NO_ARG, false, "Deprecated by ka.req.pod.containers.image. Returns the image of the first container only"),
    text("ka.req.pod.containers.image.repository", INDEX, true, "The same as req.container.image, but only the repository part (e.g. falcosecurity/falco)."),
    text("ka.req.container.image.repository", NO_ARG, false, "Deprecated by ka.req.pod.containers.image.repository. Returns the repository of the first container only"),
    text("ka.req.pod.host_ipc", NO_ARG, false, "When the request object refers to a pod, the value of the hostIPC flag."),
    text("ka.req.pod.host_network", NO_ARG, false, "When the request object refers to a pod, the value of the hostNetwork flag."),
    text("ka.req.container.host_network", NO_ARG, false, "Deprecated alias for ka.req.pod.host_network"),
    text("ka.req.pod.host_pid", NO_ARG, false, "When the request object refers to a pod, the value of the hostPID flag."),
    text("ka.req.pod.containers.host_port", INDEX, true, "When the request object refers to a pod, all container's hostPort values."),
    text("ka.req.pod.containers.privileged", INDEX, true, "When the request object refers to a pod, the value of the privileged flag for all containers."),
    text("ka.req.container.privileged", NO_ARG, false, "Deprecated by ka.req.pod.containers.privileged. Returns true if any container has privileged=true"),
    text("ka.req.pod.containers.allow_privilege_escalation", INDEX, true, "When the request object refers to a pod, the value of the allowPrivilegeEscalation flag for all containers"),
    text("ka.req.pod.containers.read_only_fs", INDEX, true, "When the request object refers to a pod, the value of the readOnlyRootFilesystem flag for all containers"),
    text("ka.req.pod.run_as_user", NO_ARG, false, "When the request object refers to a pod, the runAsUser uid specified in the security context for the pod. See ....containers.run_as_user for the runAsUser for individual containers"),
    text("ka.req.pod.containers.run_as_user", INDEX, true, "When the request object refers to a pod, the runAsUser uid for all containers"),
    text("ka.req.pod.containers.eff_run_as_user", INDEX, true, "When the request object refers to a pod, the initial uid that will be used for all containers. This combines information from both the pod and container security contexts and uses 0 if no uid is specified"),
    text("ka.req.pod.run_as_group", NO_ARG, false, "When the request object refers to a pod, the runAsGroup gid specified in the security context for the pod. See ....containers.run_as_group for the runAsGroup for individual containers"),
    text("ka.req.pod.containers.run_as_group", INDEX, true, "When the request object refers to a pod, the runAsGroup gid for all containers"),
    text("ka.req.pod.containers.eff_run_as_group", INDEX, true, "When the request object refers to a pod, the initial gid that will be used for all containers. This combines information from both the pod and container security contexts and uses 0 if no gid is specified"),
    text("ka.req.pod.containers.proc_mount", INDEX, true, "When the request object refers to a pod, the procMount types for all containers"),
    text("ka.req.role.rules", NO_ARG, true, "When the request object refers to a role/cluster role, the rules associated with the role"),
    text("ka.req.role.rules.apiGroups", INDEX, true, "When the request object refers to a role/cluster role, the api groups associated with the role's rules"),
    text("ka.req.role.rules.nonResourceURLs", INDEX, true, "When the request object refers to a role/cluster role, the non resource urls associated with the role's rules"),
    text("ka.req.role.rules.verbs", INDEX, true, "When the request object refers to a role/cluster role, the verbs associated with the role's rules"),
    text("ka.req.role.rules.resources", INDEX, true, "When the request object refers to a role/cluster role, the resources associated with the role's rules"),
    text("ka.req.pod.fs_group", NO_ARG, false, "When the request object refers to a pod, the fsGroup gid specified by the security context."),
    text("ka.req.pod.supplemental_groups", NO_ARG, true, "When the request object refers to a pod, the supplementalGroup gids specified by the security context."),
    text("ka.req.pod.containers.add_capabilities", INDEX, true, "When the request object refers to a pod, all capabilities to add when running the container."),
    text("ka.req.service.type", NO_ARG, false, "When the request object refers to a service, the service type"),
    text("ka.req.service.ports", INDEX, true, "When the request object refers to a service, the service's ports"),
    text("ka.req.pod.volumes.hostpath", INDEX, true, "When the request object refers to a pod, all hostPath paths specified for all volumes"),
    text("ka.req.volume.hostpath", KEY_REQUIRED, false, "Deprecated by ka.req.pod.volumes.hostpath. Return true if the provided (host) path prefix is used by any volume"),
    text("ka.req.pod.volumes.flexvolume_driver", INDEX, true, "When the request object refers to a pod, all flexvolume drivers specified for all volumes"),
    text("ka.req.pod.volumes.volume_type", INDEX, true, "When the request object refers to a pod, all volume types for all volumes"),
    text("ka.resp.name", NO_ARG, false, "The response object name"),
    text("ka.response.code", NO_ARG, false, "The response code"),
    text("ka.response.reason", NO_ARG, false, "The response reason (usually present only for failures)"),
    text("ka.useragent", NO_ARG, false, "The useragent of the client who made the request to the apiserver"),
    text("ka.sourceips", INDEX, true, "The IP addresses of the client who made the request to the apiserver"),
    text("ka.cluster.name", NO_ARG, false, "The name of the k8s cluster"),
    text("ka.req.pod.initContainers.name", INDEX, true, "When the request object refers to a pod, the init containers names."),
    text("ka.req.pod.initContainers.image", INDEX, true, "When the request object refers to a pod, the init containers images."),
    text("ka.req.pod.initContainers.image.repository", INDEX, true, "The same as ka.req.pod.initContainers.image, but only the repository part (e.g. falcosecurity/falco)."),
    text("ka.req.pod.initContainers.command", INDEX, true, "When the request object refers to a pod, the init containers commands."),
    text("ka.req.pod.initContainers.args", INDEX, true, "When the request object refers to a pod, the init containers args."),
    text("ka.req.pod.initContainers.privileged", INDEX, true, "When the request object refers to a pod, the value of the privileged flag for all init containers."),
    text("ka.req.pod.initContainers.allow_privilege_escalation", INDEX, true, "When the request object refers to a pod, the value of the allowPrivilegeEscalation flag for all init containers."),
    text("ka.req.pod.initContainers.read_only_fs", INDEX, true, "When the request object refers to a pod, the value of the readOnlyRootFilesystem flag for all init containers."),
    text("ka.req.pod.initContainers.run_as_user", INDEX, true, "When the request object refers to a pod, the runAsUser uid for all init containers."),
    text("ka.req.pod.initContainers.eff_run_as_user", INDEX, true, "When the request object refers to a pod, the initial uid that will be used for all init containers. This combines information from both the pod and container security contexts and uses 0 if no uid is specified."),
    text("ka.req.pod.initContainers.run_as_group", INDEX, true, "When the request object refers to a pod, the runAsGroup gid for all init containers."),
    text("ka.req.pod.initContainers.eff_run_as_group", INDEX, true, "When the request object refers to a pod, the initial gid that will be used for all init containers. This combines information from both the pod and container security contexts and uses 0 if no gid is specified."),
    text("ka.req.pod.initContainers.proc_mount", INDEX, true, "When the request object refers to a pod, the procMount type for all init containers."),
    text("ka.req.pod.initContainers.add_capabilities", INDEX, true, "When the request object refers to a pod, the capabilities added for all init containers."),
    text("ka.req.pod.initContainers.host_port", INDEX, true, "When the request object refers to a pod, all init containers hostPort values."),
    text("ka.req.pod.ephemeralContainers.name", INDEX, true, "When the request object refers to a pod, the ephemeral containers names."),
    text("ka.req.pod.ephemeralContainers.image", INDEX, true, "When the request object refers to a pod, the ephemeral containers images."),
    text("ka.req.pod.ephemeralContainers.image.repository", INDEX, true, "The same as ka.req.pod.ephemeralContainers.image, but only the repository part (e.g. falcosecurity/falco)."),
    text("ka.req.pod.ephemeralContainers.command", INDEX, true, "When the request object refers to a pod, the ephemeral containers commands."),
    text("ka.req.pod.ephemeralContainers.args", INDEX, true, "When the request object refers to a pod, the ephemeral containers args."),
    text("ka.req.pod.ephemeralContainers.privileged", INDEX, true, "When the request object refers to a pod, the value of the privileged flag for all ephemeral containers."),
    text("ka.req.pod.ephemeralContainers.allow_privilege_escalation", INDEX, true, "When the request object refers to a pod, the value of the allowPrivilegeEscalation flag for all ephemeral containers."),
    text("ka.req.pod.ephemeralContainers.read_only_fs", INDEX, true, "When the request object refers to a pod, the value of the readOnlyRootFilesystem flag for all ephemeral containers."),
    text("ka.req.pod.ephemeralContainers.run_as_user", INDEX, true, "When the request object refers to a pod, the runAsUser uid for all ephemeral containers."),
    text("ka.req.pod.ephemeralContainers.eff_run_as_user", INDEX, true, "When the request object refers to a pod, the initial uid that will be used for all ephemeral containers. This combines information from both the pod and container security contexts and uses 0 if no uid is specified."),
    text("ka.req.pod.ephemeralContainers.run_as_group", INDEX, true, "When the request object refers to a pod, the runAsGroup gid for all ephemeral containers."),
    text("ka.req.pod.ephemeralContainers.eff_run_as_group", INDEX, true, "When the request object refers to a pod, the initial gid that will be used for all ephemeral containers. This combines information from both the pod and container security contexts and uses 0 if no gid is specified."),
    text("ka.req.pod.ephemeralContainers.proc_mount", INDEX, true, "When the request object refers to a pod, the procMount type for all ephemeral containers."),
    text("ka.req.pod.ephemeralContainers.add_capabilities", INDEX, true, "When the request object refers to a pod, the capabilities added for all ephemeral containers."),
    text("ka.req.pod.ephemeralContainers.host_port", INDEX, true, "When the request object refers to a pod, all ephemeral containers hostPort values."),
    text("json.value", KEY_REQUIRED, false, "Extracts a value from a JSON-encoded input. Syntax is json.value[<json pointer>], where <json pointer> is a json pointer (see https://datatracker.ietf.org/doc/html/rfc6901)"),
    text("json.obj", NO_ARG, false, "The full json message as a text string."),
    text("json.rawtime", NO_ARG, false, "The time of the event, identical to evt.rawtime."),
    text("jevt.value", KEY_REQUIRED, false, "Alias for json.value, provided for backwards compatibility."),
    text("jevt.obj", NO_ARG, false, "Alias for json.obj, provided for backwards compatibility."),
    text("jevt.rawtime", NO_ARG, false, "Alias for json.rawtime, provided for backwards compatibility."),
];

/// Which container list of a pod spec a `ka.req.pod.<list>.*` field reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ContainerList {
    Containers,
    InitContainers,
    EphemeralContainers,
}

impl ContainerList {
    fn key(self) -> &'static str {
        match self {
            ContainerList::Containers => "containers",
            ContainerList::InitContainers => "initContainers",
            ContainerList::EphemeralContainers => "ephemeralContainers",
        }
    }
}

/// Which subjects of a binding a `ka.req.binding.subjects.*` field lists, by `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SubjectNames {
    Users,
    ServiceAccounts,
    NamespacedServiceAccounts,
    Groups,
}

/// How one field is read, decided once from its name and argument.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Plan {
    /// The value at a path, as text (`extractFromKeys` on a scalar field).
    Text(Vec<&'static str>),
    /// The array at a path, each element as text (`extractFromKeys` on a list field).
    TextList(Vec<&'static str>),
    /// The values found by fanning out along a path, missing ones skipped
    /// (`getValuesRecursive` then `arrayAsStringsSkipNil`).
    FanOut {
        path: Vec<&'static str>,
        index: Option<usize>,
    },
    /// Container images (or their repositories); one container without an image makes the
    /// whole field missing, as `readContainerImages` does. `first` is the deprecated
    /// `ka.req.container.image*` form: the first container's, as a single string.
    Images {
        list: ContainerList,
        index: Option<usize>,
        repository: bool,
        first: bool,
    },
    /// `ka.req.container.privileged`: "true" when any container is privileged.
    AnyPrivileged,
    /// `eff_run_as_user`/`eff_run_as_group`: each container's id, else the pod's, else "0".
    EffectiveId {
        list: ContainerList,
        index: Option<usize>,
        key: &'static str,
    },
    /// Host ports of containers (`hostPort`, else `containerPort`).
    HostPorts {
        list: ContainerList,
        index: Option<usize>,
    },
    /// A member of every role rule, flattened (`extractRulesField`).
    RuleMembers {
        key: &'static str,
        index: Option<usize>,
    },
    /// Names of the binding's subjects of one kind (`ServiceAccount` ones as
    /// `namespace:name` for `serviceaccount_ns_names`), read from the field descriptions: the
    /// extract.go custody could read predates these fields.
    Subjects(SubjectNames),
    /// `ka.req.volume.hostpath[path]`: whether a hostPath volume has the path (or the prefix,
    /// when the argument ends with `*`).
    HostPathUsed(String),
    /// The volume source kinds (every key of each volume but `name`).
    VolumeTypes(Option<usize>),
    /// `ka.uri.param[key]`.
    UriParameter(String),
    /// `ka.target.pod.name`: the target's name when the target is a pod (`objectRef.resource`
    /// is `pods`, subresources such as `exec` included), from the field description.
    TargetPodName,
    /// `ka.sourceips`: the event's `sourceIPs`. Upstream reads `requestObject.rules[].sourceIPs`
    /// (extract.go reuses `extractRulesField`), which no event has; custody reads the member
    /// the field's description names.
    SourceIps(Option<usize>),
    /// `ka.req.binding.subject.has_name[...]`: always "true", as the plugin answers.
    AlwaysTrue,
    /// `json.value[/pointer]`: the RFC 6901 tokens, unescaped.
    Pointer(Vec<String>),
    /// `json.obj`: the whole event as JSON indented by two spaces, as the json plugin's
    /// `json.Indent` renders it (object keys in `serde_json`'s order, see [`as_text`]).
    Object,
    /// `json.rawtime`: the event time (its `stageTimestamp`) in nanoseconds, as text.
    RawTime,
    /// Values the event does not carry: `ka.cluster.name` comes from the plugin's
    /// configuration, and the `OpenShift` fields from annotations custody does not know.
    Unavailable,
}

/// A `k8s_audit` field compiled for extraction: resolve once per field occurrence in a rule,
/// then call [`K8sAuditExtractor::extract`] on every event.
///
/// ```
/// use custody_runtime::fields::{FieldValue, K8sAuditExtractor};
///
/// let image = K8sAuditExtractor::new("ka.req.pod.containers.image", Some("0"))?;
/// let event = serde_json::json!({
///     "auditID": "1",
///     "requestObject": {"spec": {"containers": [{"image": "nginx:1.25"}]}},
/// });
/// assert_eq!(image.extract(&event).to_string(), "(nginx:1.25)");
/// let verb = K8sAuditExtractor::new("ka.verb", None)?;
/// assert_eq!(verb.extract(&event), FieldValue::Missing);
/// # Ok::<(), custody_runtime::fields::ResolveError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct K8sAuditExtractor {
    info: &'static FieldInfo,
    plan: Plan,
    /// Whether this is a k8saudit plugin field, which the plugin only extracts from JSON with
    /// an `auditID` (json plugin fields read any JSON).
    audit_only: bool,
}

impl K8sAuditExtractor {
    /// Compiles field `name` with its bracketed argument (`Some("0")` for
    /// `ka.req.pod.containers.image[0]`, `Some("/stage")` for `jevt.value[/stage]`).
    ///
    /// # Errors
    ///
    /// [`ResolveError`] when `k8s_audit` has no such field or the argument is missing or not
    /// acceptable (an index that is not a number).
    pub fn new(name: &str, arg: Option<&str>) -> Result<K8sAuditExtractor, ResolveError> {
        let token = match arg {
            Some(argument) => Cow::Owned(format!("{name}[{argument}]")),
            None => Cow::Borrowed(name),
        };
        let field = resolve(Source::K8sAudit, &token)?;
        let index = field
            .arg
            .and_then(|argument| argument.parse::<usize>().ok());
        let key = field.arg.unwrap_or_default();
        Ok(K8sAuditExtractor {
            info: field.info,
            plan: plan(field.info.name, index, key),
            audit_only: field.info.name.starts_with("ka."),
        })
    }

    /// The registry entry of the field.
    #[must_use]
    pub fn info(&self) -> &'static FieldInfo {
        self.info
    }

    /// The field's value on one audit event, [`FieldValue::Missing`] when the event does not
    /// carry it. `ka.*` fields are missing on any JSON without an `auditID` (the plugin ignores
    /// such documents); `json.*`/`jevt.*` fields read any JSON.
    ///
    /// List fields yield [`FieldValue::List`] of strings; everything else a
    /// [`FieldValue::Str`]. Where the plugin fails an extraction (a list field whose value is
    /// not an array, a container without an image) the value is missing, which is how Falco
    /// treats a failed extraction in a condition.
    #[must_use]
    pub fn extract<'e>(&self, event: &'e Value) -> FieldValue<'e> {
        if self.audit_only && event.get("auditID").is_none() {
            return FieldValue::Missing;
        }
        self.extract_from(event).unwrap_or(FieldValue::Missing)
    }

    fn extract_from<'e>(&self, event: &'e Value) -> Option<FieldValue<'e>> {
        match &self.plan {
            Plan::Text(path) => Some(FieldValue::Str(as_text(at_path(event, path)?))),
            Plan::TextList(path) => {
                let items = at_path(event, path)?.as_array()?;
                Some(text_list(items.iter().map(as_text)))
            }
            Plan::FanOut { path, index } => {
                let found = fan(event, *index, path)?;
                Some(text_list(found.into_iter().flatten().map(as_text)))
            }
            Plan::Images {
                list,
                index,
                repository,
                first,
            } => {
                let images = images(event, *list, *index, *repository)?;
                if *first {
                    images.into_iter().next().map(FieldValue::Str)
                } else {
                    Some(FieldValue::List(
                        images.into_iter().map(FieldValue::Str).collect(),
                    ))
                }
            }
            Plan::AnyPrivileged => {
                let path = [
                    "requestObject",
                    "spec",
                    "containers",
                    "securityContext",
                    "privileged",
                ];
                let found = fan(event, None, &path)?;
                Some(flag(
                    found
                        .into_iter()
                        .any(|privileged| privileged == Some(&Value::Bool(true))),
                ))
            }
            Plan::EffectiveId { list, index, key } => effective_ids(event, *list, *index, key),
            Plan::HostPorts { list, index } => host_ports(event, *list, *index),
            Plan::RuleMembers { key, index } => {
                let found = fan(event, *index, &["requestObject", "rules", key])?;
                let members = found
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_array)
                    .flatten()
                    .map(as_text);
                Some(text_list(members))
            }
            Plan::Subjects(names) => {
                let subjects = at_path(event, &["requestObject", "subjects"])?.as_array()?;
                Some(text_list(
                    subjects
                        .iter()
                        .filter_map(|subject| subject_name(subject, *names)),
                ))
            }
            Plan::HostPathUsed(wanted) => host_path_used(event, wanted),
            Plan::VolumeTypes(index) => volume_types(event, *index),
            Plan::UriParameter(key) => {
                let uri = as_text(event.get("requestURI")?);
                Some(FieldValue::Str(Cow::Owned(query_parameter(&uri, key)?)))
            }
            Plan::TargetPodName => {
                let target = event.get("objectRef")?;
                (target.get("resource")? == "pods")
                    .then(|| Some(FieldValue::Str(as_text(target.get("name")?))))?
            }
            Plan::SourceIps(index) => source_ips(event, *index),
            Plan::AlwaysTrue => Some(FieldValue::Str(Cow::Borrowed("true"))),
            Plan::Pointer(tokens) => {
                let value = tokens
                    .iter()
                    .try_fold(event, |current, token| child(current, token))?;
                Some(FieldValue::Str(as_text(value)))
            }
            Plan::Object => serde_json::to_string_pretty(event)
                .ok()
                .map(|text| FieldValue::Str(Cow::Owned(text))),
            Plan::RawTime => raw_time(event),
            Plan::Unavailable => None,
        }
    }
}

/// Images of a container list, or their repositories; a container without an image makes the
/// field missing (`readContainerImages` errors on it).
fn images(
    event: &Value,
    list: ContainerList,
    index: Option<usize>,
    repository: bool,
) -> Option<Vec<Cow<'_, str>>> {
    let path = ["requestObject", "spec", list.key(), "image"];
    let images = fan(event, index, &path)?
        .into_iter()
        .map(|image| image.map(as_text))
        .collect::<Option<Vec<_>>>()?;
    Some(
        images
            .into_iter()
            .map(|image| {
                if repository {
                    Cow::Owned(image_repository(&image).to_owned())
                } else {
                    image
                }
            })
            .collect(),
    )
}

/// The user or group id each container starts with: its own `securityContext`, else the pod's,
/// else "0".
///
/// This is what the plugin documents. Its code (extract.go, `readFromContainerEffectively`)
/// reads `spec.<key>` and `containers[].<key>` without `securityContext`, so upstream always
/// answers "0" per container; custody follows the documentation.
fn effective_ids<'e>(
    event: &'e Value,
    list: ContainerList,
    index: Option<usize>,
    key: &str,
) -> Option<FieldValue<'e>> {
    let pod = at_path(event, &["requestObject", "spec", "securityContext", key])
        .map_or(Cow::Borrowed("0"), as_text);
    let path = ["requestObject", "spec", list.key(), "securityContext", key];
    let mut found = fan(event, None, &path)?;
    if let Some(wanted) = index {
        // A container without its own id still starts with the pod's: pick after the fallback.
        found = vec![*found.get(wanted)?];
    }
    Some(text_list(
        found
            .into_iter()
            .map(|id| id.map_or_else(|| pod.clone(), as_text)),
    ))
}

/// Every port of the listed containers: `hostPort`, else `containerPort` (which is the host
/// port under `hostNetwork`); a `ports` that is not an array makes the field missing.
fn host_ports(event: &Value, list: ContainerList, index: Option<usize>) -> Option<FieldValue<'_>> {
    let path = ["requestObject", "spec", list.key(), "ports"];
    let mut ports = Vec::new();
    for container_ports in fan(event, index, &path)?.into_iter().flatten() {
        for port in container_ports.as_array()? {
            if let Some(number) = port.get("hostPort").or_else(|| port.get("containerPort")) {
                ports.push(FieldValue::Str(as_text(number)));
            }
        }
    }
    Some(FieldValue::List(ports))
}

/// `ka.req.volume.hostpath[wanted]`: "true" when a hostPath volume's path equals `wanted`, or
/// starts with it when `wanted` ends with `*`. Upstream filters the volumes by the argument
/// parsed as an index, which a path never is; custody checks every volume, as documented.
fn host_path_used<'e>(event: &'e Value, wanted: &str) -> Option<FieldValue<'e>> {
    let path = ["requestObject", "spec", "volumes", "hostPath", "path"];
    let prefix = wanted.strip_suffix('*');
    let used = fan(event, None, &path)?
        .into_iter()
        .flatten()
        .any(|host_path| {
            let host_path = as_text(host_path);
            prefix.is_some_and(|prefix| host_path.starts_with(prefix)) || host_path == wanted
        });
    Some(flag(used))
}

/// The source kinds of the volumes: every key of each volume but `name` (`hostPath`,
/// `emptyDir`, ...), as the plugin's `volume_type` visits them.
fn volume_types(event: &Value, index: Option<usize>) -> Option<FieldValue<'_>> {
    let found = fan(event, index, &["requestObject", "spec", "volumes", ""])?;
    let kinds = found
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|volume| volume.keys())
        .filter(|key| *key != "name")
        .map(|key| Cow::Borrowed(key.as_str()));
    Some(text_list(kinds))
}

/// The client addresses (`sourceIPs`), all or the one at `index`.
fn source_ips(event: &Value, index: Option<usize>) -> Option<FieldValue<'_>> {
    let addresses = event.get("sourceIPs")?.as_array()?;
    match index {
        Some(wanted) => Some(text_list(std::iter::once(as_text(addresses.get(wanted)?)))),
        None => Some(text_list(addresses.iter().map(as_text))),
    }
}

/// The event time in nanoseconds since the epoch, as text: the k8saudit source stamps each
/// event with its `stageTimestamp` (RFC 3339), and the json plugin renders it with `%d`.
fn raw_time(event: &Value) -> Option<FieldValue<'_>> {
    let stamp = event.get("stageTimestamp")?.as_str()?;
    let nanoseconds = stamp.parse::<jiff::Timestamp>().ok()?.as_nanosecond();
    let nanoseconds = u64::try_from(nanoseconds).ok()?;
    Some(FieldValue::Str(Cow::Owned(nanoseconds.to_string())))
}

/// The plugin's booleans are the strings "true" and "false".
fn flag(value: bool) -> FieldValue<'static> {
    FieldValue::Str(Cow::Borrowed(if value { "true" } else { "false" }))
}

/// Decides how field `name` is read; `index` and `key` are its argument as an index and as
/// text. Names come from [`FIELDS`], so every entry has an arm.
#[expect(
    clippy::too_many_lines,
    reason = "a dispatch table with one arm per field of the plugin, clearer whole"
)]
fn plan(name: &'static str, index: Option<usize>, key: &str) -> Plan {
    use ContainerList::Containers;

    if let Some((list, member)) = container_member(name) {
        let security = |setting: &'static str| Plan::FanOut {
            path: vec![
                "requestObject",
                "spec",
                list.key(),
                "securityContext",
                setting,
            ],
            index,
        };
        return match member {
            "name" | "command" | "args" => Plan::FanOut {
                path: vec!["requestObject", "spec", list.key(), member],
                index,
            },
            "image" => Plan::Images {
                list,
                index,
                repository: false,
                first: false,
            },
            "image.repository" => Plan::Images {
                list,
                index,
                repository: true,
                first: false,
            },
            "host_port" => Plan::HostPorts { list, index },
            "privileged" => security("privileged"),
            "allow_privilege_escalation" => security("allowPrivilegeEscalation"),
            "read_only_fs" => security("readOnlyRootFilesystem"),
            "run_as_user" => security("runAsUser"),
            "run_as_group" => security("runAsGroup"),
            "proc_mount" => security("procMount"),
            "add_capabilities" => Plan::FanOut {
                path: vec![
                    "requestObject",
                    "spec",
                    list.key(),
                    "securityContext",
                    "capabilities",
                    "add",
                ],
                index,
            },
            "eff_run_as_user" => Plan::EffectiveId {
                list,
                index,
                key: "runAsUser",
            },
            "eff_run_as_group" => Plan::EffectiveId {
                list,
                index,
                key: "runAsGroup",
            },
            _ => Plan::Unavailable,
        };
    }
    let text = |path: &[&'static str]| Plan::Text(path.to_vec());
    match name {
        "ka.auditid" => text(&["auditID"]),
        "ka.stage" => text(&["stage"]),
        "ka.auth.decision" => text(&["annotations", "authorization.k8s.io/decision"]),
        "ka.auth.reason" => text(&["annotations", "authorization.k8s.io/reason"]),
        "ka.validations.admission.policy.failure" => text(&[
            "annotations",
            "validation.policy.admission.k8s.io/validation_failure",
        ]),
        "ka.security.pod.violations" => {
            text(&["annotations", "pod-security.kubernetes.io/audit-violations"])
        }
        "ka.user.name" => text(&["user", "username"]),
        "ka.user.groups" => Plan::TextList(vec!["user", "groups"]),
        "ka.impuser.name" => text(&["impersonatedUser", "username"]),
        "ka.verb" => text(&["verb"]),
        "ka.uri" => text(&["requestURI"]),
        "ka.uri.param" => Plan::UriParameter(key.to_owned()),
        "ka.target.name" | "ka.req.configmap.name" => text(&["objectRef", "name"]),
        "ka.target.namespace" => text(&["objectRef", "namespace"]),
        "ka.target.resource" => text(&["objectRef", "resource"]),
        "ka.target.subresource" => text(&["objectRef", "subresource"]),
        "ka.target.pod.name" => Plan::TargetPodName,
        "ka.req.binding.subjects" => Plan::TextList(vec!["requestObject", "subjects"]),
        "ka.req.binding.subjects.user_names" => Plan::Subjects(SubjectNames::Users),
        "ka.req.binding.subjects.serviceaccount_names" => {
            Plan::Subjects(SubjectNames::ServiceAccounts)
        }
        "ka.req.binding.subjects.serviceaccount_ns_names" => {
            Plan::Subjects(SubjectNames::NamespacedServiceAccounts)
        }
        "ka.req.binding.subjects.group_names" => Plan::Subjects(SubjectNames::Groups),
        "ka.req.binding.role" => text(&["requestObject", "roleRef", "name"]),
        "ka.req.binding.subject.has_name" => Plan::AlwaysTrue,
        "ka.req.configmap.obj" => text(&["requestObject", "data"]),
        "ka.req.container.image" => Plan::Images {
            list: Containers,
            index: Some(0),
            repository: false,
            first: true,
        },
        "ka.req.container.image.repository" => Plan::Images {
            list: Containers,
            index: Some(0),
            repository: true,
            first: true,
        },
        "ka.req.pod.host_ipc" => text(&["requestObject", "spec", "hostIPC"]),
        "ka.req.pod.host_network" | "ka.req.container.host_network" => {
            text(&["requestObject", "spec", "hostNetwork"])
        }
        "ka.req.pod.host_pid" => text(&["requestObject", "spec", "hostPID"]),
        "ka.req.container.privileged" => Plan::AnyPrivileged,
        "ka.req.pod.run_as_user" => {
            text(&["requestObject", "spec", "securityContext", "runAsUser"])
        }
        "ka.req.pod.run_as_group" => {
            text(&["requestObject", "spec", "securityContext", "runAsGroup"])
        }
        "ka.req.pod.fs_group" => text(&["requestObject", "spec", "securityContext", "fsGroup"]),
        "ka.req.pod.supplemental_groups" => Plan::TextList(vec![
            "requestObject",
            "spec",
            "securityContext",
            "supplementalGroups",
        ]),
        "ka.req.role.rules" => Plan::TextList(vec!["requestObject", "rules"]),
        "ka.req.role.rules.apiGroups" => Plan::RuleMembers {
            key: "apiGroups",
            index,
        },
        "ka.req.role.rules.nonResourceURLs" => Plan::RuleMembers {
            key: "nonResourceURLs",
            index,
        },
        "ka.req.role.rules.verbs" => Plan::RuleMembers {
            key: "verbs",
            index,
        },
        "ka.req.role.rules.resources" => Plan::RuleMembers {
            key: "resources",
            index,
        },
        "ka.req.service.type" => text(&["requestObject", "spec", "type"]),
        "ka.req.service.ports" => Plan::FanOut {
            path: vec!["requestObject", "spec", "ports"],
            index,
        },
        "ka.req.pod.volumes.hostpath" => Plan::FanOut {
            path: vec!["requestObject", "spec", "volumes", "hostPath", "path"],
            index,
        },
        "ka.req.volume.hostpath" => Plan::HostPathUsed(key.to_owned()),
        "ka.req.pod.volumes.flexvolume_driver" => Plan::FanOut {
            path: vec!["requestObject", "spec", "volumes", "flexVolume", "driver"],
            index,
        },
        "ka.req.pod.volumes.volume_type" => Plan::VolumeTypes(index),
        "ka.resp.name" => text(&["responseObject", "metadata", "name"]),
        "ka.response.code" => text(&["responseStatus", "code"]),
        "ka.response.reason" => text(&["responseStatus", "reason"]),
        "ka.useragent" => text(&["userAgent"]),
        "ka.sourceips" => Plan::SourceIps(index),
        "json.value" | "jevt.value" => Plan::Pointer(pointer_tokens(key)),
        "json.obj" | "jevt.obj" => Plan::Object,
        "json.rawtime" | "jevt.rawtime" => Plan::RawTime,
        // ka.cluster.name and ka.auth.openshift.*: not in the event itself.
        _ => Plan::Unavailable,
    }
}

/// Splits `ka.req.pod.<list>.<member>` into the container list and the member
/// (`image.repository`, `privileged`, ...); `None` for pod-level fields.
fn container_member(name: &'static str) -> Option<(ContainerList, &'static str)> {
    let (list, member) = name.strip_prefix("ka.req.pod.")?.split_once('.')?;
    let list = match list {
        "containers" => ContainerList::Containers,
        "initContainers" => ContainerList::InitContainers,
        "ephemeralContainers" => ContainerList::EphemeralContainers,
        _ => return None,
    };
    Some((list, member))
}

/// [`fan_out`] collecting into a fresh vector; `None` when the path is not available.
fn fan<'e>(
    event: &'e Value,
    index: Option<usize>,
    path: &[&str],
) -> Option<Vec<Option<&'e Value>>> {
    let mut found = Vec::new();
    fan_out(event, index, path, &mut found).ok()?;
    Some(found)
}

fn text_list<'e>(items: impl Iterator<Item = Cow<'e, str>>) -> FieldValue<'e> {
    FieldValue::List(items.map(FieldValue::Str).collect())
}

/// The repository part of an image reference as the plugin cuts it: up to the first `:`, then
/// up to the first `@` (so `registry:5000/app` yields `registry`, as upstream).
fn image_repository(image: &str) -> &str {
    let before_colon = image.split(':').next().unwrap_or(image);
    before_colon.split('@').next().unwrap_or(before_colon)
}

/// The name a binding subject contributes to a `ka.req.binding.subjects.*` list, if its `kind`
/// is the one listed.
fn subject_name(subject: &Value, names: SubjectNames) -> Option<Cow<'_, str>> {
    let kind = subject.get("kind")?.as_str()?;
    let name = subject.get("name")?.as_str()?;
    match (names, kind) {
        (SubjectNames::Users, "User")
        | (SubjectNames::Groups, "Group")
        | (SubjectNames::ServiceAccounts, "ServiceAccount") => Some(Cow::Borrowed(name)),
        (SubjectNames::NamespacedServiceAccounts, "ServiceAccount") => {
            let namespace = subject
                .get("namespace")
                .and_then(Value::as_str)
                .unwrap_or_default();
            Some(Cow::Owned(format!("{namespace}:{name}")))
        }
        _ => None,
    }
}

/// RFC 6901 tokens of a JSON pointer as the json plugin splits them: one leading `/` dropped,
/// split on `/`, then `~1` to `/` and `~0` to `~`.
fn pointer_tokens(pointer: &str) -> Vec<String> {
    let pointer = pointer.strip_prefix('/').unwrap_or(pointer);
    pointer
        .split('/')
        .map(|token| token.replace("~1", "/").replace("~0", "~"))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn extract(token_name: &str, arg: Option<&str>, event: &Value) -> String {
        K8sAuditExtractor::new(token_name, arg)
            .expect("registered field")
            .extract(event)
            .to_string()
    }

    #[test]
    fn every_registered_field_has_a_plan() {
        for field in FIELDS {
            let arg = match field.arg {
                ArgKind::None | ArgKind::Index { .. } => None,
                ArgKind::Key { .. } | ArgKind::IndexOrKey { .. } => Some("x"),
            };
            let extractor = K8sAuditExtractor::new(field.name, arg).expect("registered field");
            let unavailable = matches!(field.name, "ka.cluster.name")
                || field.name.starts_with("ka.auth.openshift.");
            assert_eq!(
                extractor.plan == Plan::Unavailable,
                unavailable,
                "{}",
                field.name
            );
        }
    }

    #[test]
    fn repository_is_cut_at_the_first_colon_then_at() {
        assert_eq!(image_repository("nginx:1.25"), "nginx");
        assert_eq!(
            image_repository("falcosecurity/falco@sha256:abc"),
            "falcosecurity/falco"
        );
        assert_eq!(image_repository("registry:5000/app:1"), "registry");
        assert_eq!(image_repository("busybox"), "busybox");
    }

    #[test]
    fn pointer_tokens_unescape() {
        assert_eq!(pointer_tokens("/a~1b/c~0d/0"), vec!["a/b", "c~d", "0"]);
        let event = json!({"a/b": {"c~d": ["first"]}});
        assert_eq!(extract("jevt.value", Some("/a~1b/c~0d/0"), &event), "first");
        assert_eq!(extract("jevt.value", Some("/a~1b/missing"), &event), "<NA>");
    }

    #[test]
    fn ka_fields_need_an_audit_id() {
        let event = json!({"verb": "create"});
        assert_eq!(extract("ka.verb", None, &event), "<NA>");
        assert_eq!(extract("jevt.value", Some("/verb"), &event), "create");
    }

    #[test]
    fn subjects_by_kind() {
        let event = json!({"auditID": "x", "requestObject": {"subjects": [
            {"kind": "User", "name": "alice"},
            {"kind": "ServiceAccount", "name": "builder", "namespace": "ci"},
            {"kind": "Group", "name": "devs"},
        ]}});
        assert_eq!(
            extract("ka.req.binding.subjects.user_names", None, &event),
            "(alice)"
        );
        assert_eq!(
            extract("ka.req.binding.subjects.serviceaccount_names", None, &event),
            "(builder)"
        );
        assert_eq!(
            extract(
                "ka.req.binding.subjects.serviceaccount_ns_names",
                None,
                &event
            ),
            "(ci:builder)"
        );
        assert_eq!(
            extract("ka.req.binding.subjects.group_names", None, &event),
            "(devs)"
        );
    }

    #[test]
    fn effective_ids_fall_back_to_the_pod_then_zero() {
        let event = json!({"auditID": "x", "requestObject": {"spec": {
            "securityContext": {"runAsUser": 1000},
            "containers": [{"securityContext": {"runAsUser": 0}}, {}],
        }}});
        assert_eq!(
            extract("ka.req.pod.containers.eff_run_as_user", None, &event),
            "(0,1000)"
        );
        assert_eq!(
            extract("ka.req.pod.containers.eff_run_as_group", None, &event),
            "(0,0)"
        );
        assert_eq!(
            extract("ka.req.pod.containers.eff_run_as_user", Some("1"), &event),
            "(1000)"
        );
    }

    #[test]
    fn host_path_argument_matches_exactly_or_by_prefix() {
        let event = json!({"auditID": "x", "requestObject": {"spec": {"volumes": [
            {"name": "a", "hostPath": {"path": "/var/run/docker.sock"}},
            {"name": "b", "emptyDir": {}},
        ]}}});
        assert_eq!(
            extract(
                "ka.req.volume.hostpath",
                Some("/var/run/docker.sock"),
                &event
            ),
            "true"
        );
        assert_eq!(
            extract("ka.req.volume.hostpath", Some("/var/run*"), &event),
            "true"
        );
        assert_eq!(
            extract("ka.req.volume.hostpath", Some("/var"), &event),
            "false"
        );
        assert_eq!(
            extract("ka.req.pod.volumes.volume_type", None, &event),
            "(hostPath,emptyDir)"
        );
    }
}
