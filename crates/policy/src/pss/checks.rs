//! Every Pod Security Standards check, one function per upstream version
//! (kubernetes/pod-security-admission `policy/check_*.go`), and the [`REGISTRY`] that says from
//! which minor version each function applies.
//!
//! A check returns `None` when the pod passes and a [`Failure`] with upstream's
//! `ForbiddenReason`/`ForbiddenDetail` text and the offending field paths otherwise. Nothing
//! is allocated on the passing path.

use serde_json::Value;

use super::CheckId;
use super::pod::{
    Container, Failure, PodSpec, elements, field, insert_sorted, join_quote, pluralize,
};

/// A check function for one version range.
pub(super) type CheckFn = fn(&PodSpec<'_>) -> Option<Failure>;

/// One version of one check: `evaluate` applies from `v1.since` until a newer entry of the
/// same check takes over.
pub(super) struct Entry {
    pub(super) check: CheckId,
    pub(super) since: u32,
    pub(super) evaluate: CheckFn,
}

/// Every check version, as upstream registers them (`policy/registry.go`).
pub(super) static REGISTRY: &[Entry] = &[
    Entry {
        check: CheckId::AppArmorProfile,
        since: 0,
        evaluate: app_armor_profile,
    },
    Entry {
        check: CheckId::CapabilitiesBaseline,
        since: 0,
        evaluate: capabilities_baseline,
    },
    Entry {
        check: CheckId::HostNamespaces,
        since: 0,
        evaluate: host_namespaces,
    },
    Entry {
        check: CheckId::HostPathVolumes,
        since: 0,
        evaluate: host_path_volumes,
    },
    Entry {
        check: CheckId::HostPorts,
        since: 0,
        evaluate: host_ports,
    },
    Entry {
        check: CheckId::HostProbesAndHostLifecycle,
        since: 34,
        evaluate: host_probes_and_lifecycle,
    },
    Entry {
        check: CheckId::Privileged,
        since: 0,
        evaluate: privileged,
    },
    Entry {
        check: CheckId::ProcMount,
        since: 0,
        evaluate: proc_mount_1_0,
    },
    Entry {
        check: CheckId::ProcMount,
        since: 35,
        evaluate: proc_mount_1_35,
    },
    Entry {
        check: CheckId::SeccompProfileBaseline,
        since: 0,
        evaluate: seccomp_baseline_annotations,
    },
    Entry {
        check: CheckId::SeccompProfileBaseline,
        since: 19,
        evaluate: seccomp_baseline_fields,
    },
    Entry {
        check: CheckId::SeLinuxOptions,
        since: 0,
        evaluate: se_linux_options_1_0,
    },
    Entry {
        check: CheckId::SeLinuxOptions,
        since: 31,
        evaluate: se_linux_options_1_31,
    },
    Entry {
        check: CheckId::Sysctls,
        since: 0,
        evaluate: sysctls_1_0,
    },
    Entry {
        check: CheckId::Sysctls,
        since: 27,
        evaluate: sysctls_1_27,
    },
    Entry {
        check: CheckId::Sysctls,
        since: 29,
        evaluate: sysctls_1_29,
    },
    Entry {
        check: CheckId::Sysctls,
        since: 32,
        evaluate: sysctls_1_32,
    },
    Entry {
        check: CheckId::Sysctls,
        since: 37,
        evaluate: sysctls_1_37,
    },
    Entry {
        check: CheckId::WindowsHostProcess,
        since: 0,
        evaluate: windows_host_process,
    },
    Entry {
        check: CheckId::AllowPrivilegeEscalation,
        since: 8,
        evaluate: allow_privilege_escalation_1_8,
    },
    Entry {
        check: CheckId::AllowPrivilegeEscalation,
        since: 25,
        evaluate: allow_privilege_escalation_1_25,
    },
    Entry {
        check: CheckId::CapabilitiesRestricted,
        since: 22,
        evaluate: capabilities_restricted_1_22,
    },
    Entry {
        check: CheckId::CapabilitiesRestricted,
        since: 25,
        evaluate: capabilities_restricted_1_25,
    },
    Entry {
        check: CheckId::ProcMountRestricted,
        since: 35,
        evaluate: proc_mount_restricted,
    },
    Entry {
        check: CheckId::RestrictedVolumes,
        since: 0,
        evaluate: restricted_volumes,
    },
    Entry {
        check: CheckId::RunAsNonRoot,
        since: 0,
        evaluate: run_as_non_root,
    },
    Entry {
        check: CheckId::RunAsUser,
        since: 23,
        evaluate: run_as_user,
    },
    Entry {
        check: CheckId::SeccompProfileRestricted,
        since: 19,
        evaluate: seccomp_restricted_1_19,
    },
    Entry {
        check: CheckId::SeccompProfileRestricted,
        since: 25,
        evaluate: seccomp_restricted_1_25,
    },
];

/// Containers (by name) and field paths that failed a check.
#[derive(Default)]
struct Offenders<'a> {
    pod: bool,
    containers: Vec<&'a str>,
    paths: Vec<String>,
}

impl<'a> Offenders<'a> {
    fn container(&mut self, container: &Container<'a>, relative: &str) {
        let name = container.name();
        if !self.containers.contains(&name) {
            self.containers.push(name);
        }
        self.paths.push(container.path(relative));
    }

    fn pod(&mut self, pod: &PodSpec<'_>, relative: &str) {
        self.pod = true;
        self.paths.push(pod.path(relative));
    }

    /// `container "a"` / `containers "a", "b"`.
    fn containers_phrase(&self) -> String {
        format!(
            "{} {}",
            pluralize("container", "containers", self.containers.len()),
            join_quote(&self.containers)
        )
    }

    /// `pod`, `containers "a", "b"` or `pod and container "a"`.
    fn setters_phrase(&self) -> String {
        match (self.pod, self.containers.is_empty()) {
            (true, true) => "pod".to_owned(),
            (false, _) => self.containers_phrase(),
            (true, false) => format!("pod and {}", self.containers_phrase()),
        }
    }

    fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The check's failure, or `None` when nothing offended; `describe` gives the upstream
    /// reason and detail for the offenders found.
    fn fail(self, describe: impl FnOnce(&Self) -> (&'static str, String)) -> Option<Failure> {
        if self.is_empty() {
            return None;
        }
        let (reason, detail) = describe(&self);
        Some(Failure {
            reason,
            detail,
            paths: self.paths,
        })
    }
}

fn is_true(value: &Value) -> bool {
    value.as_bool() == Some(true)
}

/// `hostNamespaces` (baseline, v1.0): `hostNetwork`, `hostPID` and `hostIPC` must not be true.
fn host_namespaces(pod: &PodSpec<'_>) -> Option<Failure> {
    let mut offenders = Offenders::default();
    let mut detail = Vec::new();
    for key in ["hostNetwork", "hostPID", "hostIPC"] {
        if is_true(field(pod.spec, key)) {
            offenders.pod(pod, key);
            detail.push(format!("{key}=true"));
        }
    }
    offenders.fail(|_| ("host namespaces", detail.join(", ")))
}

/// `privileged` (baseline, v1.0): no container may set `securityContext.privileged=true`.
fn privileged(pod: &PodSpec<'_>) -> Option<Failure> {
    let mut offenders = Offenders::default();
    for container in pod.containers() {
        if is_true(field(container.security_context(), "privileged")) {
            offenders.container(&container, "securityContext.privileged");
        }
    }
    offenders.fail(|offenders| {
        let detail = format!(
            "{} must not set securityContext.privileged=true",
            offenders.containers_phrase()
        );
        ("privileged", detail)
    })
}

/// Capabilities a baseline container may add (Docker's default set).
const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// The `capabilities.add` entries of every container that are not in `allowed`.
fn added_capabilities<'a>(
    pod: &PodSpec<'a>,
    allowed: &[&str],
    offenders: &mut Offenders<'a>,
    forbidden: &mut Vec<String>,
) {
    for container in pod.containers() {
        let added = field(field(container.security_context(), "capabilities"), "add");
        for (index, capability) in elements(added).iter().enumerate() {
            let name = capability.as_str().unwrap_or_default();
            if !allowed.contains(&name) {
                offenders.container(
                    &container,
                    &format!("securityContext.capabilities.add[{index}]"),
                );
                insert_sorted(forbidden, name);
            }
        }
    }
}

/// `capabilities_baseline` (baseline, v1.0): containers add only default capabilities.
fn capabilities_baseline(pod: &PodSpec<'_>) -> Option<Failure> {
    let mut offenders = Offenders::default();
    let mut forbidden = Vec::new();
    added_capabilities(pod, BASELINE_CAPABILITIES, &mut offenders, &mut forbidden);
    offenders.fail(|offenders| {
        let detail = format!(
            "{} must not include {} in securityContext.capabilities.add",
            offenders.containers_phrase(),
            join_quote(&forbidden)
        );
        ("non-default capabilities", detail)
    })
}

/// `hostPathVolumes` (baseline, v1.0): no `hostPath` volumes.
fn host_path_volumes(pod: &PodSpec<'_>) -> Option<Failure> {
    let mut names = Vec::new();
    let mut paths = Vec::new();
    for (index, volume) in elements(field(pod.spec, "volumes")).iter().enumerate() {
        if !field(volume, "hostPath").is_null() {
            names.push(field(volume, "name").as_str().unwrap_or_default());
            paths.push(pod.path(&format!("volumes[{index}].hostPath")));
        }
    }
    if paths.is_empty() {
        return None;
    }
    let detail = format!(
        "{} {}",
        pluralize("volume", "volumes", names.len()),
        join_quote(&names)
    );
    Some(Failure {
        reason: "hostPath volumes",
        detail,
        paths,
    })
}

/// `hostPorts` (baseline, v1.0): no container port may set a non-zero `hostPort`.
fn host_ports(pod: &PodSpec<'_>) -> Option<Failure> {
    let mut offenders = Offenders::default();
    let mut ports = Vec::new();
    for container in pod.containers() {
        for (index, port) in elements(field(container.value, "ports")).iter().enumerate() {
            let host_port = field(port, "hostPort");
            if host_port.as_i64().is_some_and(|number| number != 0) {
                offenders.container(&container, &format!("ports[{index}].hostPort"));
                ports.push(host_port.to_string());
            }
        }
    }
    offenders.fail(|offenders| {
        let detail = format!(
            "{} {} {} {}",
            offenders.containers_phrase(),
            pluralize("uses", "use", offenders.containers.len()),
            pluralize("hostPort", "hostPorts", ports.len()),
            ports.join(", ")
        );
        ("hostPort", detail)
    })
}

/// `hostProbesAndHostLifecycle` (baseline, v1.34): probes and lifecycle handlers must not set
/// `httpGet.host` or `tcpSocket.host`.
fn host_probes_and_lifecycle(pod: &PodSpec<'_>) -> Option<Failure> {
    const HANDLERS: &[(&str, Option<&str>)] = &[
        ("livenessProbe", None),
        ("readinessProbe", None),
        ("startupProbe", None),
        ("lifecycle", Some("postStart")),
        ("lifecycle", Some("preStop")),
    ];
    let mut offenders = Offenders::default();
    let mut hosts = Vec::new();
    for container in pod.containers() {
        for (outer, inner) in HANDLERS {
            let mut handler = field(container.value, outer);
            if let Some(inner) = inner {
                handler = field(handler, inner);
            }
            for action in ["httpGet", "tcpSocket"] {
                let host = field(field(handler, action), "host")
                    .as_str()
                    .unwrap_or_default();
                if !host.is_empty() {
                    let relative = match inner {
                        Some(inner) => format!("{outer}.{inner}.{action}.host"),
                        None => format!("{outer}.{action}.host"),
                    };
                    offenders.container(&container, &relative);
                    insert_sorted(&mut hosts, host);
                }
            }
        }
    }
    offenders.fail(|offenders| {
        let detail = format!(
            "{} {} {} {}",
            offenders.containers_phrase(),
            pluralize("uses", "use", offenders.containers.len()),
            pluralize(
                "probe or lifecycle host",
                "probe or lifecycle hosts",
                hosts.len()
            ),
            join_quote(&hosts)
        );
        ("probe or lifecycle host", detail)
    })
}

const APP_ARMOR_ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

/// `appArmorProfile` (baseline, v1.0): `AppArmor` annotations must be `runtime/default` or
/// `localhost/*`, and `appArmorProfile.type` fields `RuntimeDefault` or `Localhost`.
fn app_armor_profile(pod: &PodSpec<'_>) -> Option<Failure> {
    let mut offenders = Offenders::default();
    let mut forbidden = Vec::new();
    for (key, value) in pod.annotations() {
        if key.starts_with(APP_ARMOR_ANNOTATION) {
            let profile = value.as_str().unwrap_or_default();
            if !profile.is_empty()
                && profile != "runtime/default"
                && !profile.starts_with("localhost/")
            {
                offenders.paths.push(pod.annotation_path(key));
                forbidden.push(format!("{key}={profile:?}"));
            }
        }
    }
    let allowed_type = |context: &Value| {
        let kind = field(field(context, "appArmorProfile"), "type")
            .as_str()
            .unwrap_or_default();
        kind.is_empty() || kind == "RuntimeDefault" || kind == "Localhost"
    };
    let mut field_setters = Offenders::default();
    if !allowed_type(pod.security_context()) {
        field_setters.pod(pod, "securityContext.appArmorProfile.type");
    }
    for container in pod.containers() {
        if !allowed_type(container.security_context()) {
            field_setters.container(&container, "securityContext.appArmorProfile.type");
        }
    }
    if !field_setters.is_empty() {
        forbidden.push(format!(
            "{} must not set securityContext.appArmorProfile.type to \"Unconfined\"",
            field_setters.setters_phrase()
        ));
        offenders.paths.append(&mut field_setters.paths);
    }
    offenders.fail(|_| {
        let reason = pluralize(
            "forbidden AppArmor profile",
            "forbidden AppArmor profiles",
            forbidden.len(),
        );
        (reason, forbidden.join(", "))
    })
}

/// `seLinuxOptions` (baseline): the type must be one of `types`; user and role must be empty.
fn se_linux_options(pod: &PodSpec<'_>, types: &[&str]) -> Option<Failure> {
    let mut offenders = Offenders::default();
    let mut bad_types = Vec::new();
    let mut set_user = false;
    let mut set_role = false;
    let mut valid = |options: &Value| {
        let mut valid = true;
        let kind = field(options, "type").as_str().unwrap_or_default();
        if !types.contains(&kind) {
            insert_sorted(&mut bad_types, kind);
            valid = false;
        }
        if !field(options, "user")
            .as_str()
            .unwrap_or_default()
            .is_empty()
        {
            set_user = true;
            valid = false;
        }
        if !field(options, "role")
            .as_str()
            .unwrap_or_default()
            .is_empty()
        {
            set_role = true;
            valid = false;
        }
        valid
    };
    if !valid(field(pod.security_context(), "seLinuxOptions")) {
        offenders.pod(pod, "securityContext.seLinuxOptions");
    }
    for container in pod.containers() {
        if !valid(field(container.security_context(), "seLinuxOptions")) {
            offenders.container(&container, "securityContext.seLinuxOptions");
        }
    }
    offenders.fail(|offenders| {
        let mut data = Vec::new();
        if !bad_types.is_empty() {
            data.push(format!(
                "{} {}",
                pluralize("type", "types", bad_types.len()),
                join_quote(&bad_types)
            ));
        }
        if set_user {
            data.push("user may not be set".to_owned());
        }
        if set_role {
            data.push("role may not be set".to_owned());
        }
        let detail = format!(
            "{} set forbidden securityContext.seLinuxOptions: {}",
            offenders.setters_phrase(),
            data.join("; ")
        );
        ("seLinuxOptions", detail)
    })
}

/// `seLinuxOptions` v1.0: `container_t`, `container_init_t`, `container_kvm_t`.
fn se_linux_options_1_0(pod: &PodSpec<'_>) -> Option<Failure> {
    se_linux_options(
        pod,
        &["", "container_t", "container_init_t", "container_kvm_t"],
    )
}

/// `seLinuxOptions` v1.31: adds `container_engine_t`.
fn se_linux_options_1_31(pod: &PodSpec<'_>) -> Option<Failure> {
    se_linux_options(
        pod,
        &[
            "",
            "container_t",
            "container_init_t",
            "container_kvm_t",
            "container_engine_t",
        ],
    )
}

/// `procMount` (baseline): containers must use the `Default` proc mount, or any of `allowed`.
fn proc_mount(pod: &PodSpec<'_>, allowed: &[&str]) -> Option<Failure> {
    let mut offenders = Offenders::default();
    let mut types = Vec::new();
    for container in pod.containers() {
        let value = field(container.security_context(), "procMount");
        if value.is_null() {
            continue;
        }
        let kind = value.as_str().unwrap_or_default();
        if !allowed.contains(&kind) {
            offenders.container(&container, "securityContext.procMount");
            insert_sorted(&mut types, kind);
        }
    }
    offenders.fail(|offenders| {
        let detail = format!(
            "{} must not set securityContext.procMount to {}",
            offenders.containers_phrase(),
            join_quote(&types)
        );
        ("procMount", detail)
    })
}

/// `procMount` v1.0: only `Default`.
fn proc_mount_1_0(pod: &PodSpec<'_>) -> Option<Failure> {
    proc_mount(pod, &["Default"])
}

/// `procMount` v1.35: `Unmasked` is also allowed in a user namespace (`hostUsers: false`).
fn proc_mount_1_35(pod: &PodSpec<'_>) -> Option<Failure> {
    if field(pod.spec, "hostUsers").as_bool() == Some(false) {
        proc_mount(pod, &["Default", "Unmasked"])
    } else {
        proc_mount_1_0(pod)
    }
}

/// `procMount_restricted` (restricted, v1.35): only `Default`, user namespace or not.
fn proc_mount_restricted(pod: &PodSpec<'_>) -> Option<Failure> {
    proc_mount_1_0(pod)
}

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// `seccompProfile_baseline` v1.0: the seccomp annotations must not be `unconfined`.
fn seccomp_baseline_annotations(pod: &PodSpec<'_>) -> Option<Failure> {
    let mut offenders = Offenders::default();
    let mut forbidden = Vec::new();
    for (key, value) in pod.annotations() {
        let relevant =
            key == SECCOMP_POD_ANNOTATION || key.starts_with(SECCOMP_CONTAINER_ANNOTATION);
        if relevant && value.as_str() == Some("unconfined") {
            offenders.paths.push(pod.annotation_path(key));
            forbidden.push(format!("{key}=\"unconfined\""));
        }
    }
    offenders.fail(|_| {
        let detail = format!(
            "forbidden {} {}",
            pluralize("annotation", "annotations", forbidden.len()),
            forbidden.join(", ")
        );
        ("seccompProfile", detail)
    })
}

fn seccomp_type(context: &Value) -> &Value {
    field(field(context, "seccompProfile"), "type")
}

/// `seccompProfile_baseline` v1.19: `seccompProfile.type` fields must not be `Unconfined`.
fn seccomp_baseline_fields(pod: &PodSpec<'_>) -> Option<Failure> {
    let mut offenders = Offenders::default();
    if seccomp_type(pod.security_context()).as_str() == Some("Unconfined") {
        offenders.pod(pod, "securityContext.seccompProfile.type");
    }
    for container in pod.containers() {
        if seccomp_type(container.security_context()).as_str() == Some("Unconfined") {
            offenders.container(&container, "securityContext.seccompProfile.type");
        }
    }
    offenders.fail(|offenders| {
        let detail = format!(
            "{} must not set securityContext.seccompProfile.type to \"Unconfined\"",
            offenders.setters_phrase()
        );
        ("seccompProfile", detail)
    })
}

const SYSCTLS_1_0: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];
const SYSCTLS_1_27: &[&str] = &["net.ipv4.ip_local_reserved_ports"];
const SYSCTLS_1_29: &[&str] = &[
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
];
const SYSCTLS_1_32: &[&str] = &["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"];
const SYSCTLS_1_37: &[&str] = &[
    "net.ipv4.tcp_slow_start_after_idle",
    "net.ipv4.tcp_notsent_lowat",
];

/// `sysctls` (baseline): only sysctls in one of the `allowed` lists.
fn sysctls(pod: &PodSpec<'_>, allowed: &[&[&str]]) -> Option<Failure> {
    let mut names = Vec::new();
    let mut paths = Vec::new();
    for (index, sysctl) in elements(field(pod.security_context(), "sysctls"))
        .iter()
        .enumerate()
    {
        let name = field(sysctl, "name").as_str().unwrap_or_default();
        if !allowed.iter().any(|list| list.contains(&name)) {
            names.push(name);
            paths.push(pod.path(&format!("securityContext.sysctls[{index}].name")));
        }
    }
    if paths.is_empty() {
        return None;
    }
    Some(Failure {
        reason: "forbidden sysctls",
        detail: names.join(", "),
        paths,
    })
}

fn sysctls_1_0(pod: &PodSpec<'_>) -> Option<Failure> {
    sysctls(pod, &[SYSCTLS_1_0])
}

fn sysctls_1_27(pod: &PodSpec<'_>) -> Option<Failure> {
    sysctls(pod, &[SYSCTLS_1_0, SYSCTLS_1_27])
}

fn sysctls_1_29(pod: &PodSpec<'_>) -> Option<Failure> {
    sysctls(pod, &[SYSCTLS_1_0, SYSCTLS_1_27, SYSCTLS_1_29])
}

fn sysctls_1_32(pod: &PodSpec<'_>) -> Option<Failure> {
    sysctls(
        pod,
        &[SYSCTLS_1_0, SYSCTLS_1_27, SYSCTLS_1_29, SYSCTLS_1_32],
    )
}

fn sysctls_1_37(pod: &PodSpec<'_>) -> Option<Failure> {
    sysctls(
        pod,
        &[
            SYSCTLS_1_0,
            SYSCTLS_1_27,
            SYSCTLS_1_29,
            SYSCTLS_1_32,
            SYSCTLS_1_37,
        ],
    )
}

/// `windowsHostProcess` (baseline, v1.0): no `windowsOptions.hostProcess=true`.
fn windows_host_process(pod: &PodSpec<'_>) -> Option<Failure> {
    let host_process =
        |context: &Value| is_true(field(field(context, "windowsOptions"), "hostProcess"));
    let mut offenders = Offenders::default();
    if host_process(pod.security_context()) {
        offenders.pod(pod, "securityContext.windowsOptions.hostProcess");
    }
    for container in pod.containers() {
        if host_process(container.security_context()) {
            offenders.container(&container, "securityContext.windowsOptions.hostProcess");
        }
    }
    offenders.fail(|offenders| {
        let detail = format!(
            "{} must not set securityContext.windowsOptions.hostProcess=true",
            offenders.setters_phrase()
        );
        ("hostProcess", detail)
    })
}

/// `allowPrivilegeEscalation` (restricted, v1.8): every container sets it to false explicitly.
fn allow_privilege_escalation_1_8(pod: &PodSpec<'_>) -> Option<Failure> {
    let mut offenders = Offenders::default();
    for container in pod.containers() {
        if field(container.security_context(), "allowPrivilegeEscalation").as_bool() != Some(false)
        {
            offenders.container(&container, "securityContext.allowPrivilegeEscalation");
        }
    }
    offenders.fail(|offenders| {
        let detail = format!(
            "{} must set securityContext.allowPrivilegeEscalation=false",
            offenders.containers_phrase()
        );
        ("allowPrivilegeEscalation != false", detail)
    })
}

/// `allowPrivilegeEscalation` v1.25: Windows pods are exempt.
fn allow_privilege_escalation_1_25(pod: &PodSpec<'_>) -> Option<Failure> {
    if pod.is_windows() {
        None
    } else {
        allow_privilege_escalation_1_8(pod)
    }
}

/// `capabilities_restricted` (restricted, v1.22): drop `ALL`, add at most `NET_BIND_SERVICE`.
fn capabilities_restricted_1_22(pod: &PodSpec<'_>) -> Option<Failure> {
    let mut missing_drop = Offenders::default();
    for container in pod.containers() {
        let drop = field(field(container.security_context(), "capabilities"), "drop");
        if !elements(drop)
            .iter()
            .any(|capability| capability.as_str() == Some("ALL"))
        {
            missing_drop.container(&container, "securityContext.capabilities.drop");
        }
    }
    let mut bad_add = Offenders::default();
    let mut forbidden = Vec::new();
    added_capabilities(pod, &["NET_BIND_SERVICE"], &mut bad_add, &mut forbidden);
    if missing_drop.is_empty() && bad_add.is_empty() {
        return None;
    }
    let mut detail = Vec::new();
    if !missing_drop.is_empty() {
        detail.push(format!(
            "{} must set securityContext.capabilities.drop=[\"ALL\"]",
            missing_drop.containers_phrase()
        ));
    }
    if !bad_add.is_empty() {
        detail.push(format!(
            "{} must not include {} in securityContext.capabilities.add",
            bad_add.containers_phrase(),
            join_quote(&forbidden)
        ));
    }
    let mut paths = missing_drop.paths;
    paths.append(&mut bad_add.paths);
    Some(Failure {
        reason: "unrestricted capabilities",
        detail: detail.join("; "),
        paths,
    })
}

/// `capabilities_restricted` v1.25: Windows pods are exempt.
fn capabilities_restricted_1_25(pod: &PodSpec<'_>) -> Option<Failure> {
    if pod.is_windows() {
        None
    } else {
        capabilities_restricted_1_22(pod)
    }
}

/// Volume sources the restricted level allows.
const ALLOWED_VOLUME_SOURCES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

/// `restrictedVolumes` (restricted, v1.0): only the [`ALLOWED_VOLUME_SOURCES`].
fn restricted_volumes(pod: &PodSpec<'_>) -> Option<Failure> {
    let mut names = Vec::new();
    let mut types = Vec::new();
    let mut paths = Vec::new();
    for (index, volume) in elements(field(pod.spec, "volumes")).iter().enumerate() {
        let Some(members) = volume.as_object() else {
            continue;
        };
        let sources = members
            .iter()
            .filter(|(key, value)| key.as_str() != "name" && !value.is_null());
        // A volume without a source passes, as upstream's fixture `restrictedvolumes0` shows.
        if let Some(kind) = sources
            .map(|(key, _)| key.as_str())
            .find(|key| !ALLOWED_VOLUME_SOURCES.contains(key))
        {
            names.push(field(volume, "name").as_str().unwrap_or_default());
            insert_sorted(&mut types, kind);
            paths.push(pod.path(&format!("volumes[{index}].{kind}")));
        }
    }
    if paths.is_empty() {
        return None;
    }
    let detail = format!(
        "{} {} {} {} {}",
        pluralize("volume", "volumes", names.len()),
        join_quote(&names),
        pluralize("uses", "use", names.len()),
        pluralize(
            "restricted volume type",
            "restricted volume types",
            types.len()
        ),
        join_quote(&types)
    );
    Some(Failure {
        reason: "restricted volume types",
        detail,
        paths,
    })
}

/// `runAsNonRoot` (restricted, v1.0): the pod sets `runAsNonRoot=true` or every container does,
/// and nothing sets it to false.
fn run_as_non_root(pod: &PodSpec<'_>) -> Option<Failure> {
    let pod_value = field(pod.security_context(), "runAsNonRoot").as_bool();
    let mut explicit = Offenders::default();
    if pod_value == Some(false) {
        explicit.pod(pod, "securityContext.runAsNonRoot");
    }
    let mut implicit = Offenders::default();
    for container in pod.containers() {
        match field(container.security_context(), "runAsNonRoot").as_bool() {
            Some(false) => explicit.container(&container, "securityContext.runAsNonRoot"),
            None if pod_value != Some(true) => {
                implicit.container(&container, "securityContext.runAsNonRoot");
            }
            _ => {}
        }
    }
    if explicit.is_empty() && implicit.is_empty() {
        return None;
    }
    let mut detail = Vec::new();
    if !explicit.is_empty() {
        detail.push(format!(
            "{} must not set securityContext.runAsNonRoot=false",
            explicit.setters_phrase()
        ));
    }
    if !implicit.is_empty() {
        detail.push(format!(
            "pod or {} must set securityContext.runAsNonRoot=true",
            implicit.containers_phrase()
        ));
    }
    let mut paths = explicit.paths;
    paths.append(&mut implicit.paths);
    Some(Failure {
        reason: "runAsNonRoot != true",
        detail: detail.join("; "),
        paths,
    })
}

/// `runAsUser` (restricted, v1.23): nothing sets `runAsUser=0`.
fn run_as_user(pod: &PodSpec<'_>) -> Option<Failure> {
    let is_root = |context: &Value| field(context, "runAsUser").as_i64() == Some(0);
    let mut offenders = Offenders::default();
    if is_root(pod.security_context()) {
        offenders.pod(pod, "securityContext.runAsUser");
    }
    for container in pod.containers() {
        if is_root(container.security_context()) {
            offenders.container(&container, "securityContext.runAsUser");
        }
    }
    offenders.fail(|offenders| {
        let detail = format!("{} must not set runAsUser=0", offenders.setters_phrase());
        ("runAsUser=0", detail)
    })
}

/// `seccompProfile_restricted` (restricted, v1.19): the pod sets `seccompProfile.type` to
/// `RuntimeDefault` or `Localhost`, or every container does, and nothing sets another type.
fn seccomp_restricted_1_19(pod: &PodSpec<'_>) -> Option<Failure> {
    let valid = |kind: &str| kind == "RuntimeDefault" || kind == "Localhost";
    let pod_type = seccomp_type(pod.security_context());
    let pod_valid = pod_type.as_str().is_some_and(valid);
    let mut explicit = Offenders::default();
    let mut bad_types = Vec::new();
    if !pod_type.is_null() && !pod_valid {
        explicit.pod(pod, "securityContext.seccompProfile.type");
        insert_sorted(&mut bad_types, pod_type.as_str().unwrap_or_default());
    }
    let mut implicit = Offenders::default();
    for container in pod.containers() {
        let kind = seccomp_type(container.security_context());
        if kind.is_null() {
            if !pod_valid {
                implicit.container(&container, "securityContext.seccompProfile.type");
            }
        } else if !kind.as_str().is_some_and(valid) {
            explicit.container(&container, "securityContext.seccompProfile.type");
            insert_sorted(&mut bad_types, kind.as_str().unwrap_or_default());
        }
    }
    if explicit.is_empty() && implicit.is_empty() {
        return None;
    }
    let mut detail = Vec::new();
    if !explicit.is_empty() {
        detail.push(format!(
            "{} must not set securityContext.seccompProfile.type to {}",
            explicit.setters_phrase(),
            join_quote(&bad_types)
        ));
    }
    if !implicit.is_empty() {
        detail.push(format!(
            "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
            implicit.containers_phrase()
        ));
    }
    let mut paths = explicit.paths;
    paths.append(&mut implicit.paths);
    Some(Failure {
        reason: "seccompProfile",
        detail: detail.join("; "),
        paths,
    })
}

/// `seccompProfile_restricted` v1.25: Windows pods are exempt.
fn seccomp_restricted_1_25(pod: &PodSpec<'_>) -> Option<Failure> {
    if pod.is_windows() {
        None
    } else {
        seccomp_restricted_1_19(pod)
    }
}

// Unit tests per check, from upstream's semantics (`policy/check_*_test.go`): what passes,
// what fails, and the reason, detail and paths of the failure.
#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn run(evaluate: CheckFn, spec: &Value) -> Option<Failure> {
        run_with(evaluate, &json!({}), spec)
    }

    fn run_with(evaluate: CheckFn, metadata: &Value, spec: &Value) -> Option<Failure> {
        evaluate(&PodSpec::new(metadata, spec, "spec."))
    }

    fn container(security_context: Value) -> Value {
        let mut container = json!({"name": "a"});
        container["securityContext"] = security_context;
        json!({"containers": [container]})
    }

    #[test]
    fn host_namespaces_lists_each_namespace() {
        let failure = run(
            host_namespaces,
            &json!({"hostNetwork": true, "hostPID": true, "hostIPC": false}),
        )
        .expect("host namespaces fail");
        assert_eq!(failure.detail, "hostNetwork=true, hostPID=true");
        assert_eq!(failure.paths, ["spec.hostNetwork", "spec.hostPID"]);
        assert!(run(host_namespaces, &json!({"hostNetwork": false})).is_none());
    }

    #[test]
    fn privileged_names_the_container() {
        let failure =
            run(privileged, &container(json!({"privileged": true}))).expect("privileged fails");
        assert_eq!(
            failure.to_string_for_test(),
            r#"privileged (container "a" must not set securityContext.privileged=true)"#
        );
        assert!(run(privileged, &container(json!({"privileged": false}))).is_none());
    }

    #[test]
    fn capabilities_baseline_allows_the_default_set() {
        assert!(
            run(
                capabilities_baseline,
                &container(json!({"capabilities": {"add": ["CHOWN", "KILL"]}}))
            )
            .is_none()
        );
        let failure = run(
            capabilities_baseline,
            &container(json!({"capabilities": {"add": ["NET_RAW", "CHOWN", "SYS_ADMIN"]}})),
        )
        .expect("NET_RAW is not a default capability");
        assert_eq!(
            failure.detail,
            r#"container "a" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add"#
        );
        assert_eq!(
            failure.paths[0],
            "spec.containers[0].securityContext.capabilities.add[0]"
        );
    }

    #[test]
    fn host_path_volumes_and_host_ports() {
        let spec = json!({"volumes": [{"name": "v", "hostPath": {"path": "/"}}, {"name": "e", "emptyDir": {}}]});
        assert_eq!(
            run(host_path_volumes, &spec)
                .expect("hostPath fails")
                .detail,
            r#"volume "v""#
        );
        let ports = json!({"containers": [{"name": "a", "ports": [{"hostPort": 80}, {"containerPort": 8080, "hostPort": 0}]}]});
        let failure = run(host_ports, &ports).expect("hostPort 80 fails");
        assert_eq!(failure.detail, r#"container "a" uses hostPort 80"#);
        assert_eq!(failure.paths, ["spec.containers[0].ports[0].hostPort"]);
    }

    #[test]
    fn host_probes_and_lifecycle_forbid_hosts() {
        let spec = json!({"containers": [{"name": "a",
            "livenessProbe": {"httpGet": {"host": "example.com"}},
            "lifecycle": {"preStop": {"tcpSocket": {"host": "10.0.0.1"}}}}]});
        let failure = run(host_probes_and_lifecycle, &spec).expect("hosts fail");
        assert_eq!(
            failure.detail,
            r#"container "a" uses probe or lifecycle hosts "10.0.0.1", "example.com""#
        );
        assert_eq!(
            failure.paths,
            [
                "spec.containers[0].livenessProbe.httpGet.host",
                "spec.containers[0].lifecycle.preStop.tcpSocket.host"
            ]
        );
        assert!(
            run(
                host_probes_and_lifecycle,
                &json!({"containers": [{"livenessProbe": {"httpGet": {"host": ""}}}]})
            )
            .is_none()
        );
    }

    #[test]
    fn app_armor_checks_annotations_and_fields() {
        let spec = json!({"containers": [{"name": "a"}]});
        let localhost = json!({"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "localhost/foo"}});
        assert!(run_with(app_armor_profile, &localhost, &spec).is_none());
        let unconfined = json!({"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "unconfined"}});
        let failure = run_with(app_armor_profile, &unconfined, &spec).expect("unconfined fails");
        assert_eq!(
            failure.paths,
            ["metadata.annotations[container.apparmor.security.beta.kubernetes.io/a]"]
        );
        let field = container(json!({"appArmorProfile": {"type": "Unconfined"}}));
        assert!(run(app_armor_profile, &field).is_some());
        assert!(
            run(
                app_armor_profile,
                &container(json!({"appArmorProfile": {"type": "RuntimeDefault"}}))
            )
            .is_none()
        );
    }

    #[test]
    fn se_linux_options_type_user_and_role() {
        let failure = run(
            se_linux_options_1_0,
            &json!({"securityContext": {"seLinuxOptions": {"type": "spc_t", "user": "root"}}}),
        )
        .expect("spc_t fails");
        assert_eq!(
            failure.detail,
            r#"pod set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set"#
        );
        let engine = container(json!({"seLinuxOptions": {"type": "container_engine_t"}}));
        assert!(run(se_linux_options_1_0, &engine).is_some());
        assert!(run(se_linux_options_1_31, &engine).is_none());
    }

    #[test]
    fn proc_mount_relaxed_for_user_namespaces_from_1_35() {
        let mut spec = container(json!({"procMount": "Unmasked"}));
        assert!(run(proc_mount_1_35, &spec).is_some());
        spec["hostUsers"] = json!(false);
        assert!(run(proc_mount_1_0, &spec).is_some());
        assert!(run(proc_mount_1_35, &spec).is_none());
        assert!(run(proc_mount_restricted, &spec).is_some());
    }

    #[test]
    fn seccomp_baseline_annotations_then_fields() {
        let metadata =
            json!({"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}});
        assert!(run_with(seccomp_baseline_annotations, &metadata, &json!({})).is_some());
        assert!(run_with(seccomp_baseline_fields, &metadata, &json!({})).is_none());
        let failure = run(
            seccomp_baseline_fields,
            &container(json!({"seccompProfile": {"type": "Unconfined"}})),
        )
        .expect("Unconfined fails");
        assert_eq!(
            failure.detail,
            r#"container "a" must not set securityContext.seccompProfile.type to "Unconfined""#
        );
    }

    #[test]
    fn sysctls_allowed_list_grows_by_version() {
        let spec =
            |name: &str| json!({"securityContext": {"sysctls": [{"name": name, "value": "1"}]}});
        assert!(run(sysctls_1_0, &spec("kernel.shm_rmid_forced")).is_none());
        assert!(run(sysctls_1_0, &spec("net.ipv4.ip_local_reserved_ports")).is_some());
        assert!(run(sysctls_1_27, &spec("net.ipv4.ip_local_reserved_ports")).is_none());
        assert!(run(sysctls_1_27, &spec("net.ipv4.tcp_fin_timeout")).is_some());
        assert!(run(sysctls_1_29, &spec("net.ipv4.tcp_fin_timeout")).is_none());
        assert!(run(sysctls_1_29, &spec("net.ipv4.tcp_rmem")).is_some());
        assert!(run(sysctls_1_32, &spec("net.ipv4.tcp_rmem")).is_none());
        assert!(run(sysctls_1_32, &spec("net.ipv4.tcp_notsent_lowat")).is_some());
        assert!(run(sysctls_1_37, &spec("net.ipv4.tcp_notsent_lowat")).is_none());
        assert_eq!(
            run(sysctls_1_37, &spec("kernel.msgmax"))
                .expect("kernel.msgmax fails")
                .detail,
            "kernel.msgmax"
        );
    }

    #[test]
    fn windows_host_process_pod_and_containers() {
        let spec = json!({"securityContext": {"windowsOptions": {"hostProcess": true}},
            "containers": [{"name": "a", "securityContext": {"windowsOptions": {"hostProcess": true}}}]});
        let failure = run(windows_host_process, &spec).expect("hostProcess fails");
        assert_eq!(
            failure.detail,
            r#"pod and container "a" must not set securityContext.windowsOptions.hostProcess=true"#
        );
    }

    #[test]
    fn allow_privilege_escalation_must_be_false_except_on_windows() {
        assert!(
            run(
                allow_privilege_escalation_1_8,
                &container(json!({"allowPrivilegeEscalation": false}))
            )
            .is_none()
        );
        assert!(run(allow_privilege_escalation_1_8, &container(json!({}))).is_some());
        let mut windows = container(json!({}));
        windows["os"] = json!({"name": "windows"});
        assert!(run(allow_privilege_escalation_1_8, &windows).is_some());
        assert!(run(allow_privilege_escalation_1_25, &windows).is_none());
    }

    #[test]
    fn capabilities_restricted_drop_all_add_net_bind_service() {
        let good =
            container(json!({"capabilities": {"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}}));
        assert!(run(capabilities_restricted_1_22, &good).is_none());
        let failure = run(
            capabilities_restricted_1_22,
            &container(json!({"capabilities": {"add": ["CHOWN"]}})),
        )
        .expect("no drop and CHOWN fail");
        assert_eq!(
            failure.detail,
            r#"container "a" must set securityContext.capabilities.drop=["ALL"]; container "a" must not include "CHOWN" in securityContext.capabilities.add"#
        );
    }

    #[test]
    fn restricted_volumes_allow_only_safe_sources() {
        let spec = json!({"volumes": [{"name": "c", "configMap": {}}, {"name": "n", "nfs": {}}, {"name": "g", "gitRepo": {}}]});
        let failure = run(restricted_volumes, &spec).expect("nfs and gitRepo fail");
        assert_eq!(
            failure.detail,
            r#"volumes "n", "g" use restricted volume types "gitRepo", "nfs""#
        );
        assert_eq!(
            failure.paths,
            ["spec.volumes[1].nfs", "spec.volumes[2].gitRepo"]
        );
    }

    #[test]
    fn run_as_non_root_explicit_and_implicit() {
        assert!(
            run(
                run_as_non_root,
                &json!({"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "a"}]})
            )
            .is_none()
        );
        let failure = run(run_as_non_root, &json!({"containers": [{"name": "a"}, {"name": "b", "securityContext": {"runAsNonRoot": false}}]}))
            .expect("unset and false fail");
        assert_eq!(
            failure.detail,
            r#"container "b" must not set securityContext.runAsNonRoot=false; pod or container "a" must set securityContext.runAsNonRoot=true"#
        );
    }

    #[test]
    fn run_as_user_forbids_root() {
        assert!(
            run(
                run_as_user,
                &json!({"securityContext": {"runAsUser": 1000}})
            )
            .is_none()
        );
        let failure =
            run(run_as_user, &json!({"securityContext": {"runAsUser": 0}})).expect("uid 0 fails");
        assert_eq!(failure.detail, "pod must not set runAsUser=0");
    }

    #[test]
    fn seccomp_restricted_requires_a_confining_profile() {
        assert!(run(seccomp_restricted_1_19, &json!({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [{"name": "a"}]})).is_none());
        let failure = run(
            seccomp_restricted_1_19,
            &json!({"containers": [{"name": "a"}]}),
        )
        .expect("unset fails");
        assert_eq!(
            failure.detail,
            r#"pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#
        );
        let windows = json!({"os": {"name": "windows"}, "containers": [{"name": "a"}]});
        assert!(run(seccomp_restricted_1_25, &windows).is_none());
    }

    impl Failure {
        fn to_string_for_test(&self) -> String {
            format!("{} ({})", self.reason, self.detail)
        }
    }
}
