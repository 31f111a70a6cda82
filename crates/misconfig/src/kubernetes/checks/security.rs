//! Pod and container security settings and access to the host (`CKS012`–`CKS029`): service
//! account tokens, host paths and runtime sockets, capabilities, the root filesystem,
//! privilege escalation, users, privileged mode, host namespaces and ports, seccomp and
//! `AppArmor`.
//!
//! Several overlap the Pod Security Standards, which the parent module also runs; they stay
//! because Checkov and Trivy users expect them by these ids, and each description names the
//! PSS control that covers the same ground. Settings a container may override (user, seccomp,
//! `AppArmor`) are read through [`Container::effective`].

use custody_model::Severity;
use serde_json::Value;

use super::pod::{Container, List, Pod, field};
use super::{Check, Object, Rule, Sink, rule};

/// The security rules, in id order.
pub(super) static RULES: [Rule; 18] = [
    rule(
        Check {
            id: "CKS012",
            title: "Service account token mounted automatically",
            severity: Severity::Medium,
            description: "Unless `automountServiceAccountToken` is false, every container gets an \
                API token; a compromised container can then call the API server with the \
                service account's rights.",
            remediation: "Set `automountServiceAccountToken: false` in the pod spec, and mount a \
                projected token only in pods that call the API.",
            references: &[
                "https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting",
                "CKV_K8S_38",
                "https://avd.aquasec.com/misconfig/ksv036",
            ],
        },
        automount_token,
    ),
    rule(
        Check {
            id: "CKS013",
            title: "hostPath volume",
            severity: Severity::Medium,
            description: "A hostPath volume exposes the node's filesystem to the pod: a way to \
                read other pods' data and credentials or to escape to the node. The Pod Security \
                Standards' baseline `hostPathVolumes` control forbids the same.",
            remediation: "Use a persistentVolumeClaim, configMap, secret, emptyDir or CSI volume \
                instead.",
            references: &[
                "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
                "https://avd.aquasec.com/misconfig/ksv023",
            ],
        },
        host_path,
    ),
    rule(
        Check {
            id: "CKS014",
            title: "Container runtime socket mounted",
            severity: Severity::Critical,
            description: "Mounting the Docker, containerd, CRI-O or Podman socket (or a \
                directory holding it, such as /var/run) gives the pod full control of the node's \
                containers: it can start a privileged container and take over the node.",
            remediation: "Remove the hostPath volume; build images with a rootless builder \
                instead of the node's runtime.",
            references: &[
                "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
                "CKV_K8S_27",
                "https://avd.aquasec.com/misconfig/ksv006",
                "https://avd.aquasec.com/misconfig/ksv121",
            ],
        },
        runtime_socket,
    ),
    rule(
        Check {
            id: "CKS015",
            title: "NET_RAW capability not dropped",
            severity: Severity::Medium,
            description: "Container runtimes grant NET_RAW by default; it lets a process craft \
                raw packets to spoof traffic or poison ARP on the node's network. Dropping ALL \
                passes.",
            remediation: "Add `NET_RAW` (or `ALL`) to `securityContext.capabilities.drop`.",
            references: &[
                "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
                "CKV_K8S_28",
            ],
        },
        net_raw,
    ),
    rule(
        Check {
            id: "CKS016",
            title: "SYS_ADMIN capability added",
            severity: Severity::High,
            description: "CAP_SYS_ADMIN allows mounting filesystems and much of what root can do; \
                it is the usual path out of a container. Adding ALL adds it too. The Pod \
                Security Standards' baseline `capabilities` control forbids it as well.",
            remediation: "Remove `SYS_ADMIN` and `ALL` from `securityContext.capabilities.add`.",
            references: &[
                "https://man7.org/linux/man-pages/man7/capabilities.7.html",
                "CKV_K8S_39",
                "https://avd.aquasec.com/misconfig/ksv005",
            ],
        },
        sys_admin,
    ),
    rule(
        Check {
            id: "CKS017",
            title: "ALL capabilities not dropped",
            severity: Severity::Low,
            description: "Containers keep the runtime's default capabilities unless they drop \
                them; most applications need none. The Pod Security Standards' restricted \
                `capabilities` control requires the same.",
            remediation: "Set `securityContext.capabilities.drop: [ALL]` and add back only what \
                the application needs.",
            references: &[
                "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
                "CKV_K8S_37",
                "https://avd.aquasec.com/misconfig/ksv003",
            ],
        },
        all_not_dropped,
    ),
    rule(
        Check {
            id: "CKS018",
            title: "Capability added",
            severity: Severity::Medium,
            description: "Each added capability widens what a compromised process may do. \
                NET_BIND_SERVICE, which the Pod Security Standards' restricted level allows, \
                passes; Checkov's CKV_K8S_25 reports it too.",
            remediation: "Remove entries from `securityContext.capabilities.add`, or justify \
                each one.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
                "CKV_K8S_25",
                "https://avd.aquasec.com/misconfig/ksv022",
            ],
        },
        capability_added,
    ),
    rule(
        Check {
            id: "CKS019",
            title: "Root filesystem is writable",
            severity: Severity::Low,
            description: "A writable root filesystem lets an attacker drop tools or change the \
                application's files inside the running container.",
            remediation: "Set `securityContext.readOnlyRootFilesystem: true` and mount an \
                emptyDir where the application must write.",
            references: &[
                "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
                "CKV_K8S_22",
                "https://avd.aquasec.com/misconfig/ksv014",
            ],
        },
        writable_root,
    ),
    rule(
        Check {
            id: "CKS020",
            title: "Privilege escalation allowed",
            severity: Severity::Medium,
            description: "Unless `allowPrivilegeEscalation` is false, setuid binaries and file \
                capabilities can give a process more privileges than its parent. The Pod \
                Security Standards' restricted `allowPrivilegeEscalation` control requires the \
                same.",
            remediation: "Set `securityContext.allowPrivilegeEscalation: false`.",
            references: &[
                "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
                "CKV_K8S_20",
                "https://avd.aquasec.com/misconfig/ksv001",
            ],
        },
        privilege_escalation,
    ),
    rule(
        Check {
            id: "CKS021",
            title: "Container may run as root",
            severity: Severity::Medium,
            description: "Without `runAsNonRoot: true` or a non-zero `runAsUser` (on the \
                container or the pod), the image decides, and most images run as root. The Pod \
                Security Standards' restricted `runAsNonRoot` and `runAsUser` controls cover the \
                same ground. Unlike Checkov's CKV_K8S_23, init and ephemeral containers are \
                checked too.",
            remediation: "Set `securityContext.runAsNonRoot: true` and a non-zero `runAsUser` on \
                the pod or the container.",
            references: &[
                "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
                "CKV_K8S_23",
                "https://avd.aquasec.com/misconfig/ksv012",
            ],
        },
        root_user,
    ),
    rule(
        Check {
            id: "CKS022",
            title: "Container runs with a UID below 10000",
            severity: Severity::Low,
            description: "Low UIDs collide with users of the node; if the container escapes, it \
                acts as that user. Pods with their own user namespace (`hostUsers: false`) pass, \
                since their UIDs are remapped.",
            remediation: "Set `securityContext.runAsUser` to 10000 or more.",
            references: &[
                "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
                "CKV_K8S_40",
                "https://avd.aquasec.com/misconfig/ksv020",
            ],
        },
        low_uid,
    ),
    rule(
        Check {
            id: "CKS023",
            title: "Privileged container",
            severity: Severity::High,
            description: "A privileged container has every capability and the node's devices; it \
                is root on the node. The Pod Security Standards' baseline `privileged` control \
                forbids the same.",
            remediation: "Remove `securityContext.privileged: true`; grant the specific \
                capability needed instead.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
                "CKV_K8S_16",
                "https://avd.aquasec.com/misconfig/ksv017",
            ],
        },
        privileged,
    ),
    rule(
        Check {
            id: "CKS024",
            title: "Pod shares the host network",
            severity: Severity::High,
            description: "With `hostNetwork` the pod sees every interface of the node, can bind \
                its ports and reach services listening on localhost. The Pod Security Standards' \
                baseline `hostNamespaces` control forbids the same.",
            remediation: "Remove `hostNetwork: true`; expose the pod through a Service.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
                "CKV_K8S_19",
                "https://avd.aquasec.com/misconfig/ksv009",
            ],
        },
        host_network,
    ),
    rule(
        Check {
            id: "CKS025",
            title: "Pod shares the host PID namespace",
            severity: Severity::High,
            description: "With `hostPID` the pod sees and can signal every process of the node, \
                and read their environment. The Pod Security Standards' baseline \
                `hostNamespaces` control forbids the same.",
            remediation: "Remove `hostPID: true`.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
                "CKV_K8S_17",
                "https://avd.aquasec.com/misconfig/ksv010",
            ],
        },
        host_pid,
    ),
    rule(
        Check {
            id: "CKS026",
            title: "Pod shares the host IPC namespace",
            severity: Severity::High,
            description: "With `hostIPC` the pod can read and write the shared memory of every \
                process of the node. The Pod Security Standards' baseline `hostNamespaces` \
                control forbids the same.",
            remediation: "Remove `hostIPC: true`.",
            references: &[
                "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
                "CKV_K8S_18",
                "https://avd.aquasec.com/misconfig/ksv008",
            ],
        },
        host_ipc,
    ),
    rule(
        Check {
            id: "CKS027",
            title: "Container binds a host port",
            severity: Severity::Medium,
            description: "A hostPort exposes the container on the node's address, bypassing \
                network policies, and limits where the pod can be scheduled. The Pod Security \
                Standards' baseline `hostPorts` control forbids the same.",
            remediation: "Remove `ports[].hostPort`; expose the pod through a Service.",
            references: &[
                "https://kubernetes.io/docs/concepts/configuration/overview/#services",
                "CKV_K8S_26",
                "https://avd.aquasec.com/misconfig/ksv024",
            ],
        },
        host_port,
    ),
    rule(
        Check {
            id: "CKS028",
            title: "No seccomp profile",
            severity: Severity::Medium,
            description: "Without a seccomp profile the container may make every system call, \
                the kernel's whole attack surface. RuntimeDefault and Localhost profiles pass \
                (Checkov's CKV_K8S_31 accepts only RuntimeDefault), as do the deprecated \
                `runtime/default`, `docker/default` and `localhost/` annotations. The Pod \
                Security Standards' restricted `seccompProfile` control requires the same.",
            remediation: "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod.",
            references: &[
                "https://kubernetes.io/docs/tutorials/security/seccomp/",
                "CKV_K8S_31",
                "https://avd.aquasec.com/misconfig/ksv030",
            ],
        },
        seccomp,
    ),
    rule(
        Check {
            id: "CKS029",
            title: "AppArmor disabled",
            severity: Severity::Medium,
            description: "An Unconfined AppArmor profile (field or `unconfined` annotation) turns \
                off the mandatory access control the runtime applies by default. The Pod \
                Security Standards' baseline `appArmorProfile` control forbids the same.",
            remediation: "Remove the Unconfined profile, or set \
                `securityContext.appArmorProfile.type: RuntimeDefault`.",
            references: &[
                "https://kubernetes.io/docs/tutorials/security/apparmor/",
                "https://avd.aquasec.com/misconfig/ksv002",
            ],
        },
        app_armor,
    ),
];

/// The containers of every list in the object's pod spec, with the pod.
fn containers<'a>(object: &Object<'a>) -> impl Iterator<Item = (Pod<'a>, Container<'a>)> + use<'a> {
    object.pod.into_iter().flat_map(|pod| {
        pod.containers(List::ALL)
            .map(move |container| (pod, container))
    })
}

fn automount_token(object: &Object<'_>, sink: &mut Sink<'_>) {
    let Some(pod) = object.pod else {
        return;
    };
    let value = field(pod.spec, "automountServiceAccountToken");
    if value != &Value::Bool(false) {
        let path = if value.is_null() {
            pod.spec_path().to_owned()
        } else {
            pod.path("automountServiceAccountToken")
        };
        sink.emit(
            path,
            "the pod mounts its service account token automatically".to_owned(),
        );
    }
}

/// The pod's hostPath volumes: index, volume name and host path.
fn host_paths<'a>(object: &Object<'a>) -> impl Iterator<Item = (Pod<'a>, usize, &'a str, &'a str)> {
    object.pod.into_iter().flat_map(|pod| {
        pod.volumes().filter_map(move |(index, volume)| {
            let host_path = field(volume, "hostPath");
            host_path.is_object().then(|| {
                (
                    pod,
                    index,
                    field(volume, "name").as_str().unwrap_or("?"),
                    field(host_path, "path").as_str().unwrap_or(""),
                )
            })
        })
    })
}

fn host_path(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (pod, index, name, path) in host_paths(object) {
        sink.emit(
            pod.path(&format!("volumes[{index}].hostPath")),
            format!("volume {name:?} mounts host path {path:?}"),
        );
    }
}

/// Container runtime sockets; the directories holding them are matched by [`SOCKET_DIRECTORIES`].
const RUNTIME_SOCKETS: &[&str] = &[
    "/var/run/docker.sock",
    "/run/docker.sock",
    "/var/run/containerd/containerd.sock",
    "/run/containerd/containerd.sock",
    "/run/k3s/containerd/containerd.sock",
    "/var/run/crio/crio.sock",
    "/run/crio/crio.sock",
    "/var/run/cri-dockerd.sock",
    "/run/cri-dockerd.sock",
    "/var/run/podman/podman.sock",
    "/run/podman/podman.sock",
];

/// Directories that hold a runtime socket: mounting them mounts the socket.
const SOCKET_DIRECTORIES: &[&str] = &[
    "/",
    "/var",
    "/run",
    "/var/run",
    "/run/containerd",
    "/var/run/containerd",
    "/run/k3s",
    "/run/k3s/containerd",
    "/run/crio",
    "/var/run/crio",
    "/run/podman",
    "/var/run/podman",
];

fn runtime_socket(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (pod, index, name, path) in host_paths(object) {
        let trimmed = path.trim();
        let normalized = match trimmed.trim_end_matches('/') {
            "" if trimmed.starts_with('/') => "/",
            other => other,
        };
        let message = if RUNTIME_SOCKETS.contains(&normalized) {
            format!("volume {name:?} mounts the container runtime socket {path:?}")
        } else if SOCKET_DIRECTORIES.contains(&normalized) {
            format!("volume {name:?} mounts {path:?}, which holds the container runtime socket")
        } else {
            continue;
        };
        sink.emit(
            pod.path(&format!("volumes[{index}].hostPath.path")),
            message,
        );
    }
}

/// The path of a container's `securityContext.capabilities.<which>` or its closest parent.
fn capabilities_path(container: &Container<'_>, which: &str) -> String {
    container.deepest(&["securityContext", "capabilities", which])
}

fn net_raw(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (_, container) in containers(object) {
        if !container
            .capabilities("drop")
            .any(|(_, capability)| capability == "NET_RAW" || capability == "ALL")
        {
            sink.emit(
                capabilities_path(&container, "drop"),
                format!("{container} does not drop NET_RAW"),
            );
        }
    }
}

fn sys_admin(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (_, container) in containers(object) {
        for (index, capability) in container.capabilities("add") {
            let message = match capability.as_str() {
                "SYS_ADMIN" => format!("{container} adds SYS_ADMIN"),
                "ALL" => format!("{container} adds ALL capabilities, SYS_ADMIN included"),
                _ => continue,
            };
            sink.emit(
                container.path(&format!("securityContext.capabilities.add[{index}]")),
                message,
            );
        }
    }
}

fn all_not_dropped(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (_, container) in containers(object) {
        if !container
            .capabilities("drop")
            .any(|(_, capability)| capability == "ALL")
        {
            sink.emit(
                capabilities_path(&container, "drop"),
                format!("{container} does not drop ALL capabilities"),
            );
        }
    }
}

fn capability_added(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (_, container) in containers(object) {
        for (index, capability) in container.capabilities("add") {
            if capability != "NET_BIND_SERVICE" {
                sink.emit(
                    container.path(&format!("securityContext.capabilities.add[{index}]")),
                    format!("{container} adds capability {capability}"),
                );
            }
        }
    }
}

/// Reports containers whose `securityContext.<key>` is not the boolean `wanted`.
fn boolean_setting(
    object: &Object<'_>,
    sink: &mut Sink<'_>,
    key: &str,
    wanted: bool,
    problem: &str,
) {
    for (_, container) in containers(object) {
        if field(container.security_context(), key) != &Value::Bool(wanted) {
            sink.emit(
                container.deepest(&["securityContext", key]),
                format!("{container} {problem}"),
            );
        }
    }
}

fn writable_root(object: &Object<'_>, sink: &mut Sink<'_>) {
    boolean_setting(
        object,
        sink,
        "readOnlyRootFilesystem",
        true,
        "has a writable root filesystem",
    );
}

fn privilege_escalation(object: &Object<'_>, sink: &mut Sink<'_>) {
    boolean_setting(
        object,
        sink,
        "allowPrivilegeEscalation",
        false,
        "allows privilege escalation",
    );
}

fn root_user(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (pod, container) in containers(object) {
        let user = container.effective(&pod, &["runAsUser"]);
        let non_root = container.effective(&pod, &["runAsNonRoot"]);
        match user.as_ref().map(|(value, path)| (value.as_i64(), path)) {
            Some((Some(0), path)) => {
                sink.emit(path.clone(), format!("{container} runs as UID 0 (root)"));
            }
            Some((Some(_), _)) => {}
            _ if non_root
                .as_ref()
                .is_some_and(|(value, _)| *value == &Value::Bool(true)) => {}
            _ => sink.emit(
                non_root.map_or_else(
                    || container.deepest(&["securityContext", "runAsNonRoot"]),
                    |(_, path)| path,
                ),
                format!("{container} may run as root: neither runAsNonRoot nor a non-zero runAsUser is set"),
            ),
        }
    }
}

/// The UID from which a container user cannot collide with the node's users.
const HIGH_UID: i64 = 10_000;

fn low_uid(object: &Object<'_>, sink: &mut Sink<'_>) {
    let Some(pod) = object.pod else {
        return;
    };
    if field(pod.spec, "hostUsers") == &Value::Bool(false) {
        return;
    }
    for container in pod.containers(List::ALL) {
        match container.effective(&pod, &["runAsUser"]) {
            Some((value, _)) if value.as_i64().is_some_and(|uid| uid >= HIGH_UID) => {}
            Some((value, path)) => sink.emit(
                path,
                format!("{container} runs as UID {value}, below {HIGH_UID}"),
            ),
            None => sink.emit(
                container.deepest(&["securityContext", "runAsUser"]),
                format!("{container} sets no runAsUser, so the image's (often low) UID applies"),
            ),
        }
    }
}

fn privileged(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (_, container) in containers(object) {
        if field(container.security_context(), "privileged") == &Value::Bool(true) {
            sink.emit(
                container.path("securityContext.privileged"),
                format!("{container} is privileged"),
            );
        }
    }
}

/// Reports a pod whose `key` is true.
fn host_namespace(object: &Object<'_>, sink: &mut Sink<'_>, key: &str, namespace: &str) {
    if let Some(pod) = object.pod
        && field(pod.spec, key) == &Value::Bool(true)
    {
        sink.emit(
            pod.path(key),
            format!("the pod shares the host's {namespace} namespace"),
        );
    }
}

fn host_network(object: &Object<'_>, sink: &mut Sink<'_>) {
    host_namespace(object, sink, "hostNetwork", "network");
}

fn host_pid(object: &Object<'_>, sink: &mut Sink<'_>) {
    host_namespace(object, sink, "hostPID", "process ID");
}

fn host_ipc(object: &Object<'_>, sink: &mut Sink<'_>) {
    host_namespace(object, sink, "hostIPC", "IPC");
}

fn host_port(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (_, container) in containers(object) {
        for (index, port) in super::pod::elements(container.field("ports")) {
            let host_port = field(port, "hostPort");
            let bound = match host_port {
                Value::Number(number) => number.as_i64() != Some(0),
                Value::String(text) => !text.is_empty() && text != "0",
                _ => false,
            };
            if bound {
                sink.emit(
                    container.path(&format!("ports[{index}].hostPort")),
                    format!("{container} binds host port {host_port}"),
                );
            }
        }
    }
}

/// The annotation that sets a container's seccomp profile before fields existed (v1.19).
const SECCOMP_CONTAINER_ANNOTATION: &str = "container.seccomp.security.alpha.kubernetes.io/";
/// The annotation that set the pod's seccomp profile.
const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";

/// The seccomp annotation that applies to a container, with its key.
fn seccomp_annotation<'a>(pod: &Pod<'a>, container: &Container<'a>) -> Option<(&'a str, &'a str)> {
    let own = container
        .name()
        .map(|name| format!("{SECCOMP_CONTAINER_ANNOTATION}{name}"));
    pod.annotations()
        .find(|(key, _)| own.as_deref() == Some(*key))
        .or_else(|| {
            pod.annotations()
                .find(|(key, _)| *key == SECCOMP_POD_ANNOTATION)
        })
}

fn seccomp(object: &Object<'_>, sink: &mut Sink<'_>) {
    for (pod, container) in containers(object) {
        if let Some((value, path)) = container.effective(&pod, &["seccompProfile", "type"]) {
            if !matches!(value.as_str(), Some("RuntimeDefault" | "Localhost")) {
                sink.emit(
                    path,
                    format!("{container} runs with seccomp profile {value}"),
                );
            }
        } else if let Some((key, value)) = seccomp_annotation(&pod, &container) {
            if !(matches!(value, "runtime/default" | "docker/default")
                || value.starts_with("localhost/"))
            {
                sink.emit(
                    pod.metadata_path("annotations", key),
                    format!("{container} runs with seccomp profile {value:?}"),
                );
            }
        } else {
            sink.emit(
                container.deepest(&["securityContext", "seccompProfile"]),
                format!("{container} has no seccomp profile, so it runs Unconfined"),
            );
        }
    }
}

/// The annotation that set a container's `AppArmor` profile before the field existed (v1.30).
const APP_ARMOR_ANNOTATION: &str = "container.apparmor.security.beta.kubernetes.io/";

fn app_armor(object: &Object<'_>, sink: &mut Sink<'_>) {
    let Some(pod) = object.pod else {
        return;
    };
    let unconfined = |context: &Value| {
        field(field(context, "appArmorProfile"), "type").as_str() == Some("Unconfined")
    };
    if unconfined(pod.security_context()) {
        sink.emit(
            pod.path("securityContext.appArmorProfile.type"),
            "the pod's AppArmor profile is Unconfined".to_owned(),
        );
    }
    for container in pod.containers(List::ALL) {
        if unconfined(container.security_context()) {
            sink.emit(
                container.path("securityContext.appArmorProfile.type"),
                format!("{container} runs with AppArmor profile Unconfined"),
            );
        }
    }
    for (key, value) in pod.annotations() {
        if key.starts_with(APP_ARMOR_ANNOTATION) && value == "unconfined" {
            let name = key.trim_start_matches(APP_ARMOR_ANNOTATION);
            sink.emit(
                pod.metadata_path("annotations", key),
                format!("the annotation sets container {name:?}'s AppArmor profile to unconfined"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    //! Per check, a failing and a passing hand-written manifest.

    use serde_json::{Value, json};

    use super::super::testing::{found, violations};

    fn pod(spec: &Value) -> Value {
        json!({"kind": "Pod", "metadata": {"name": "p"}, "spec": spec})
    }

    fn with_context(context: &Value) -> Value {
        pod(&json!({"containers": [{"name": "web", "securityContext": context}]}))
    }

    #[test]
    fn cks012_automount_token() {
        let default = json!({"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template":
            {"spec": {"containers": [{}]}}}}}});
        assert_eq!(
            violations("CKS012", &default),
            found(
                "spec.jobTemplate.spec.template.spec",
                "the pod mounts its service account token automatically"
            )
        );
        let on = pod(&json!({"automountServiceAccountToken": true}));
        assert_eq!(
            violations("CKS012", &on),
            found(
                "spec.automountServiceAccountToken",
                "the pod mounts its service account token automatically"
            )
        );
        assert!(
            violations(
                "CKS012",
                &pod(&json!({"automountServiceAccountToken": false}))
            )
            .is_empty()
        );
        let service = json!({"kind": "Service", "spec": {}});
        assert!(violations("CKS012", &service).is_empty());
    }

    #[test]
    fn cks013_host_path() {
        let object = pod(&json!({"volumes": [{"name": "cache", "emptyDir": {}},
            {"name": "logs", "hostPath": {"path": "/var/log"}}]}));
        assert_eq!(
            violations("CKS013", &object),
            found(
                "spec.volumes[1].hostPath",
                "volume \"logs\" mounts host path \"/var/log\""
            )
        );
        let safe = pod(&json!({"volumes": [{"name": "cache", "emptyDir": {}}]}));
        assert!(violations("CKS013", &safe).is_empty());
    }

    #[test]
    fn cks014_runtime_socket() {
        let object = pod(&json!({"volumes": [
            {"name": "docker", "hostPath": {"path": "/var/run/docker.sock", "type": "Socket"}},
            {"name": "run", "hostPath": {"path": "/run/"}},
        ]}));
        assert_eq!(
            violations("CKS014", &object),
            [
                (
                    "spec.volumes[0].hostPath.path".to_owned(),
                    "volume \"docker\" mounts the container runtime socket \"/var/run/docker.sock\""
                        .to_owned()
                ),
                (
                    "spec.volumes[1].hostPath.path".to_owned(),
                    "volume \"run\" mounts \"/run/\", which holds the container runtime socket"
                        .to_owned()
                ),
            ]
        );
        let logs = pod(&json!({"volumes": [{"name": "logs", "hostPath": {"path": "/var/log"}}]}));
        assert!(violations("CKS014", &logs).is_empty());
    }

    #[test]
    fn cks015_net_raw() {
        let kept = with_context(&json!({"capabilities": {"drop": ["SYS_ADMIN"]}}));
        assert_eq!(
            violations("CKS015", &kept),
            found(
                "spec.containers[0].securityContext.capabilities.drop",
                "container \"web\" does not drop NET_RAW"
            )
        );
        for drop in ["NET_RAW", "CAP_NET_RAW", "ALL", "all"] {
            let dropped = with_context(&json!({"capabilities": {"drop": [drop]}}));
            assert!(violations("CKS015", &dropped).is_empty(), "{drop}");
        }
    }

    #[test]
    fn cks016_sys_admin() {
        let object =
            with_context(&json!({"capabilities": {"add": ["NET_ADMIN", "CAP_SYS_ADMIN"]}}));
        assert_eq!(
            violations("CKS016", &object),
            found(
                "spec.containers[0].securityContext.capabilities.add[1]",
                "container \"web\" adds SYS_ADMIN"
            )
        );
        let safe = with_context(&json!({"capabilities": {"add": ["NET_BIND_SERVICE"]}}));
        assert!(violations("CKS016", &safe).is_empty());
    }

    #[test]
    fn cks017_all_not_dropped() {
        let object = pod(&json!({"containers": [{"name": "web"}]}));
        assert_eq!(
            violations("CKS017", &object),
            found(
                "spec.containers[0]",
                "container \"web\" does not drop ALL capabilities"
            )
        );
        let dropped = with_context(&json!({"capabilities": {"drop": ["ALL"]}}));
        assert!(violations("CKS017", &dropped).is_empty());
    }

    #[test]
    fn cks018_capability_added() {
        let object =
            with_context(&json!({"capabilities": {"add": ["NET_BIND_SERVICE", "net_admin"]}}));
        assert_eq!(
            violations("CKS018", &object),
            found(
                "spec.containers[0].securityContext.capabilities.add[1]",
                "container \"web\" adds capability NET_ADMIN"
            )
        );
        let safe = with_context(&json!({"capabilities": {"add": ["NET_BIND_SERVICE"]}}));
        assert!(violations("CKS018", &safe).is_empty());
    }

    #[test]
    fn cks019_writable_root() {
        let object = with_context(&json!({"readOnlyRootFilesystem": false}));
        assert_eq!(
            violations("CKS019", &object),
            found(
                "spec.containers[0].securityContext.readOnlyRootFilesystem",
                "container \"web\" has a writable root filesystem"
            )
        );
        let safe = with_context(&json!({"readOnlyRootFilesystem": true}));
        assert!(violations("CKS019", &safe).is_empty());
    }

    #[test]
    fn cks020_privilege_escalation() {
        let object = pod(&json!({"initContainers": [{"name": "init", "securityContext": {}}]}));
        assert_eq!(
            violations("CKS020", &object),
            found(
                "spec.initContainers[0].securityContext",
                "init container \"init\" allows privilege escalation"
            )
        );
        let safe = with_context(&json!({"allowPrivilegeEscalation": false}));
        assert!(violations("CKS020", &safe).is_empty());
    }

    #[test]
    fn cks021_root_user() {
        let unset = pod(&json!({"securityContext": {"runAsNonRoot": false},
            "containers": [{"name": "web"}]}));
        assert_eq!(
            violations("CKS021", &unset),
            found(
                "spec.securityContext.runAsNonRoot",
                "container \"web\" may run as root: neither runAsNonRoot nor a non-zero runAsUser is set"
            )
        );
        let zero = pod(&json!({"securityContext": {"runAsNonRoot": true},
            "containers": [{"name": "web", "securityContext": {"runAsUser": 0}}]}));
        assert_eq!(
            violations("CKS021", &zero),
            found(
                "spec.containers[0].securityContext.runAsUser",
                "container \"web\" runs as UID 0 (root)"
            )
        );
        for spec in [
            json!({"securityContext": {"runAsNonRoot": true}, "containers": [{}]}),
            json!({"containers": [{"securityContext": {"runAsUser": 1000}}]}),
        ] {
            assert!(violations("CKS021", &pod(&spec)).is_empty(), "{spec}");
        }
    }

    #[test]
    fn cks022_low_uid() {
        let low =
            pod(&json!({"securityContext": {"runAsUser": 1000}, "containers": [{"name": "web"}]}));
        assert_eq!(
            violations("CKS022", &low),
            found(
                "spec.securityContext.runAsUser",
                "container \"web\" runs as UID 1000, below 10000"
            )
        );
        let unset = pod(&json!({"containers": [{"name": "web"}]}));
        assert_eq!(
            violations("CKS022", &unset),
            found(
                "spec.containers[0]",
                "container \"web\" sets no runAsUser, so the image's (often low) UID applies"
            )
        );
        for spec in [
            json!({"securityContext": {"runAsUser": 10001}, "containers": [{}]}),
            json!({"hostUsers": false, "containers": [{}]}),
        ] {
            assert!(violations("CKS022", &pod(&spec)).is_empty(), "{spec}");
        }
    }

    #[test]
    fn cks023_privileged() {
        let object = with_context(&json!({"privileged": true}));
        assert_eq!(
            violations("CKS023", &object),
            found(
                "spec.containers[0].securityContext.privileged",
                "container \"web\" is privileged"
            )
        );
        assert!(violations("CKS023", &with_context(&json!({"privileged": false}))).is_empty());
    }

    #[test]
    fn cks024_to_cks026_host_namespaces() {
        for (id, key, namespace) in [
            ("CKS024", "hostNetwork", "network"),
            ("CKS025", "hostPID", "process ID"),
            ("CKS026", "hostIPC", "IPC"),
        ] {
            let object = json!({"kind": "DaemonSet", "spec": {"template": {"spec": {key: true}}}});
            assert_eq!(
                violations(id, &object),
                found(
                    &format!("spec.template.spec.{key}"),
                    &format!("the pod shares the host's {namespace} namespace")
                )
            );
            assert!(violations(id, &pod(&json!({key: false}))).is_empty());
        }
    }

    #[test]
    fn cks027_host_port() {
        let object = pod(&json!({"containers": [{"name": "web",
            "ports": [{"containerPort": 80}, {"containerPort": 443, "hostPort": 8443}]}]}));
        assert_eq!(
            violations("CKS027", &object),
            found(
                "spec.containers[0].ports[1].hostPort",
                "container \"web\" binds host port 8443"
            )
        );
        let safe = pod(&json!({"containers": [{"ports": [{"containerPort": 80, "hostPort": 0}]}]}));
        assert!(violations("CKS027", &safe).is_empty());
    }

    #[test]
    fn cks028_seccomp() {
        let unset = pod(&json!({"containers": [{"name": "web"}]}));
        assert_eq!(
            violations("CKS028", &unset),
            found(
                "spec.containers[0]",
                "container \"web\" has no seccomp profile, so it runs Unconfined"
            )
        );
        let unconfined = pod(
            &json!({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "web", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}]}),
        );
        assert_eq!(
            violations("CKS028", &unconfined),
            found(
                "spec.containers[0].securityContext.seccompProfile.type",
                "container \"web\" runs with seccomp profile \"Unconfined\""
            )
        );
        let annotated = json!({"kind": "Pod", "metadata": {"annotations":
            {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}},
            "spec": {"containers": [{"name": "web"}]}});
        assert_eq!(
            violations("CKS028", &annotated),
            found(
                "metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]",
                "container \"web\" runs with seccomp profile \"unconfined\""
            )
        );
        for object in [
            pod(
                &json!({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
                "containers": [{}]}),
            ),
            with_context(
                &json!({"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}),
            ),
            json!({"kind": "Pod", "metadata": {"annotations":
                {"container.seccomp.security.alpha.kubernetes.io/web": "runtime/default"}},
                "spec": {"containers": [{"name": "web"}]}}),
        ] {
            assert!(violations("CKS028", &object).is_empty(), "{object}");
        }
    }

    #[test]
    fn cks029_app_armor() {
        let object = json!({"kind": "Pod", "metadata": {"annotations":
            {"container.apparmor.security.beta.kubernetes.io/web": "unconfined"}},
            "spec": {"containers": [{"name": "side",
                "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}]}});
        assert_eq!(
            violations("CKS029", &object),
            [
                (
                    "spec.containers[0].securityContext.appArmorProfile.type".to_owned(),
                    "container \"side\" runs with AppArmor profile Unconfined".to_owned()
                ),
                (
                    "metadata.annotations[container.apparmor.security.beta.kubernetes.io/web]"
                        .to_owned(),
                    "the annotation sets container \"web\"'s AppArmor profile to unconfined"
                        .to_owned()
                ),
            ]
        );
        let safe = pod(
            &json!({"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}},
            "containers": [{}]}),
        );
        assert!(violations("CKS029", &safe).is_empty());
    }
}
