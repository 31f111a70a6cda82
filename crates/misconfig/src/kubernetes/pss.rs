//! The Pod Security Standards as misconfiguration checks: one static [`Check`] per upstream
//! check of custody-policy's [`PssPolicy`](custody_policy::PssPolicy), so each violation
//! becomes a finding with an id, a title and a remediation like every other check.
//!
//! Ids are `PSS-` and the upstream check id (`PSS-privileged`, `PSS-capabilities_restricted`),
//! so they can be looked up in kubernetes/pod-security-admission `policy/check_*.go`. Checks
//! of the baseline level are HIGH (each is a known privilege escalation); checks only the
//! restricted level adds are MEDIUM (hardening). Texts follow
//! <https://kubernetes.io/docs/concepts/security/pod-security-standards/>.

use custody_model::Severity;
use custody_policy::CheckId;

use crate::Check;

const BASELINE: &[&str] =
    &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline"];
const RESTRICTED: &[&str] =
    &["https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted"];

/// One upstream check and the check custody reports for it.
pub(crate) struct PssCheck {
    id: CheckId,
    check: Check,
}

const fn baseline(
    id: CheckId,
    finding_id: &'static str,
    title: &'static str,
    description: &'static str,
    remediation: &'static str,
) -> PssCheck {
    PssCheck {
        id,
        check: Check {
            id: finding_id,
            title,
            severity: Severity::High,
            description,
            remediation,
            references: BASELINE,
        },
    }
}

const fn restricted(
    id: CheckId,
    finding_id: &'static str,
    title: &'static str,
    description: &'static str,
    remediation: &'static str,
) -> PssCheck {
    PssCheck {
        id,
        check: Check {
            id: finding_id,
            title,
            severity: Severity::Medium,
            description,
            remediation,
            references: RESTRICTED,
        },
    }
}

/// Every Pod Security Standards check, in [`CheckId::ALL`] order (baseline first).
pub(crate) static PSS_CHECKS: [PssCheck; 19] = [
    baseline(
        CheckId::AppArmorProfile,
        "PSS-appArmorProfile",
        "AppArmor profile disabled or overridden",
        "The pod or a container sets an AppArmor profile other than the runtime default or a \
         localhost profile, such as `unconfined`, removing the confinement the node provides.",
        "Remove the AppArmor setting, or set `appArmorProfile.type` to `RuntimeDefault` or \
         `Localhost`.",
    ),
    baseline(
        CheckId::CapabilitiesBaseline,
        "PSS-capabilities_baseline",
        "Container adds capabilities beyond the default set",
        "A container adds a Linux capability outside the container runtime's default set \
         (such as SYS_ADMIN or NET_ADMIN), giving it powers that lead to node compromise.",
        "Remove the capability from `securityContext.capabilities.add`; keep to AUDIT_WRITE, \
         CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, \
         SETPCAP, SETUID and SYS_CHROOT.",
    ),
    baseline(
        CheckId::HostNamespaces,
        "PSS-hostNamespaces",
        "Pod shares the host's namespaces",
        "The pod sets `hostNetwork`, `hostPID` or `hostIPC`, so it sees the node's network \
         interfaces, processes or shared memory and can attack them.",
        "Remove `hostNetwork`, `hostPID` and `hostIPC` or set them to false.",
    ),
    baseline(
        CheckId::HostPathVolumes,
        "PSS-hostPathVolumes",
        "Pod mounts a hostPath volume",
        "A `hostPath` volume exposes the node's filesystem to the pod; writing to it (or \
         reading credentials from it) is a common path to node takeover.",
        "Replace the `hostPath` volume with an `emptyDir`, a ConfigMap, a Secret or a \
         persistent volume claim.",
    ),
    baseline(
        CheckId::HostPorts,
        "PSS-hostPorts",
        "Container binds a host port",
        "A container sets `hostPort`, binding a port on the node itself, which bypasses \
         network policies and limits where the pod can be scheduled.",
        "Remove `hostPort` and expose the port through a Service.",
    ),
    baseline(
        CheckId::HostProbesAndHostLifecycle,
        "PSS-hostProbesAndHostLifecycle",
        "Probe or lifecycle hook targets another host",
        "A probe or lifecycle handler sets `host`, making the kubelet send requests to an \
         arbitrary address from the node's network position.",
        "Remove `host` from `httpGet` and `tcpSocket` handlers so they target the pod.",
    ),
    baseline(
        CheckId::Privileged,
        "PSS-privileged",
        "Container runs privileged",
        "A privileged container has every capability and access to the node's devices; it \
         is root on the node in all but name.",
        "Remove `securityContext.privileged` or set it to false.",
    ),
    baseline(
        CheckId::ProcMount,
        "PSS-procMount",
        "Container unmasks /proc",
        "A container sets `procMount: Unmasked`, exposing kernel interfaces under /proc that \
         the runtime normally hides (allowed at baseline only in a user namespace).",
        "Remove `securityContext.procMount` or set it to `Default`.",
    ),
    baseline(
        CheckId::SeccompProfileBaseline,
        "PSS-seccompProfile_baseline",
        "Seccomp disabled",
        "The pod or a container sets its seccomp profile to `Unconfined`, so every system \
         call of the kernel is reachable from the container.",
        "Set `securityContext.seccompProfile.type` to `RuntimeDefault` or `Localhost`.",
    ),
    baseline(
        CheckId::SeLinuxOptions,
        "PSS-seLinuxOptions",
        "Custom SELinux user, role or type",
        "The pod or a container sets an SELinux user or role, or a type other than the \
         container types, escaping the policy that confines containers.",
        "Remove `seLinuxOptions.user` and `role`; keep `type` unset or one of container_t, \
         container_init_t, container_kvm_t and container_engine_t.",
    ),
    baseline(
        CheckId::Sysctls,
        "PSS-sysctls",
        "Pod sets unsafe sysctls",
        "The pod sets a kernel parameter outside the namespaced safe set, which can affect \
         the node and every other pod on it.",
        "Remove the sysctl from `securityContext.sysctls`, or use only the safe sysctls \
         listed by the Pod Security Standards.",
    ),
    baseline(
        CheckId::WindowsHostProcess,
        "PSS-windowsHostProcess",
        "Windows HostProcess container",
        "A Windows HostProcess container runs directly on the node with host access.",
        "Remove `windowsOptions.hostProcess` or set it to false.",
    ),
    restricted(
        CheckId::AllowPrivilegeEscalation,
        "PSS-allowPrivilegeEscalation",
        "Container allows privilege escalation",
        "A container does not set `allowPrivilegeEscalation: false`, so a setuid binary or \
         file capability inside it can gain more privileges than its process started with.",
        "Set `securityContext.allowPrivilegeEscalation: false` on every container.",
    ),
    restricted(
        CheckId::CapabilitiesRestricted,
        "PSS-capabilities_restricted",
        "Container does not drop all capabilities",
        "A container keeps the runtime's default capabilities or adds one other than \
         NET_BIND_SERVICE; the restricted level wants every capability dropped.",
        "Set `securityContext.capabilities.drop: [\"ALL\"]` and add back at most \
         `NET_BIND_SERVICE`.",
    ),
    restricted(
        CheckId::ProcMountRestricted,
        "PSS-procMount_restricted",
        "Container unmasks /proc",
        "A container sets `procMount: Unmasked`; the restricted level forbids it even in a \
         user namespace.",
        "Remove `securityContext.procMount` or set it to `Default`.",
    ),
    restricted(
        CheckId::RestrictedVolumes,
        "PSS-restrictedVolumes",
        "Pod uses a volume type outside the restricted set",
        "The pod mounts a volume type that is not configMap, csi, downwardAPI, emptyDir, \
         ephemeral, persistentVolumeClaim, projected or secret; other types reach node or \
         network storage directly.",
        "Move the data behind a persistent volume claim, or use one of the allowed volume \
         types.",
    ),
    restricted(
        CheckId::RunAsNonRoot,
        "PSS-runAsNonRoot",
        "Container may run as root",
        "Neither the pod nor the container sets `runAsNonRoot: true` (or one sets it to \
         false), so the image decides whether the process runs as root.",
        "Set `securityContext.runAsNonRoot: true` on the pod or on every container, and run \
         the image as a non-zero user.",
    ),
    restricted(
        CheckId::RunAsUser,
        "PSS-runAsUser",
        "Container runs as UID 0",
        "The pod or a container sets `runAsUser: 0`, running the process as root.",
        "Set `securityContext.runAsUser` to a non-zero UID, or remove it and set \
         `runAsNonRoot: true`.",
    ),
    restricted(
        CheckId::SeccompProfileRestricted,
        "PSS-seccompProfile_restricted",
        "Seccomp profile not set",
        "The pod or a container does not set a seccomp profile of type `RuntimeDefault` or \
         `Localhost`, leaving the kernel's whole system call surface reachable.",
        "Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod.",
    ),
];

/// The check custody reports for the upstream check `id`.
pub(crate) fn pss_check(id: CheckId) -> &'static Check {
    &PSS_CHECKS
        .iter()
        .find(|entry| entry.id == id)
        .expect("PSS_CHECKS has an entry for every CheckId (tested)")
        .check
}

/// Every Pod Security Standards check.
pub(crate) fn pss_checks() -> impl Iterator<Item = &'static Check> {
    PSS_CHECKS.iter().map(|entry| &entry.check)
}

#[cfg(test)]
mod tests {
    use custody_policy::PssLevel;

    use super::*;

    #[test]
    fn every_upstream_check_has_one_entry_in_order() {
        let ids: Vec<CheckId> = PSS_CHECKS.iter().map(|entry| entry.id).collect();
        assert_eq!(ids, CheckId::ALL);
        for entry in &PSS_CHECKS {
            assert_eq!(entry.check.id, format!("PSS-{}", entry.id.as_str()));
            let severity = match entry.id.level() {
                PssLevel::Restricted => Severity::Medium,
                PssLevel::Baseline | PssLevel::Privileged => Severity::High,
            };
            assert_eq!(entry.check.severity, severity, "{}", entry.check.id);
        }
    }
}
