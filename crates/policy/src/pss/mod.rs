//! The Pod Security Standards (<https://kubernetes.io/docs/concepts/security/pod-security-standards/>)
//! as kubernetes/pod-security-admission implements them (`policy/registry.go`): levels,
//! versions, the check registry, and the compiled [`PssPolicy`].
//!
//! [`checks`] holds one function per upstream check version; [`pod`] finds the pod spec inside
//! an object and walks its containers. This module picks, once per (level, version), which
//! check functions run, dropping baseline checks that a restricted check overrides as upstream
//! does (`OverrideCheckIDs`).

mod checks;
mod pod;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;

use crate::Error;
use checks::{CheckFn, REGISTRY};
use pod::PodSpec;

/// A Pod Security Standards level; each level includes the checks of the levels below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum PssLevel {
    /// Unrestricted: every pod is allowed.
    Privileged,
    /// Prevents known privilege escalations.
    Baseline,
    /// Hardened pods: baseline plus non-root, dropped capabilities, seccomp and safe volumes.
    Restricted,
}

impl PssLevel {
    /// The level as written in namespace labels (`pod-security.kubernetes.io/enforce`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Privileged => "privileged",
            Self::Baseline => "baseline",
            Self::Restricted => "restricted",
        }
    }
}

impl fmt::Display for PssLevel {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for PssLevel {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        match value {
            "privileged" => Ok(Self::Privileged),
            "baseline" => Ok(Self::Baseline),
            "restricted" => Ok(Self::Restricted),
            _ => Err(Error::InvalidLevel {
                value: value.to_owned(),
            }),
        }
    }
}

/// A Kubernetes minor version (`v1.N`) whose Pod Security Standards definition applies.
///
/// Versions newer than [`PssVersion::LATEST`] are refused rather than silently treated as the
/// latest, because their checks may differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PssVersion {
    minor: u32,
}

impl PssVersion {
    /// The newest version custody implements, what `latest` means.
    pub const LATEST: Self = Self { minor: 37 };

    /// The version `v1.minor`, or `None` past [`PssVersion::LATEST`].
    pub fn new(minor: u32) -> Option<Self> {
        (minor <= Self::LATEST.minor).then_some(Self { minor })
    }

    /// The minor number N of `v1.N`.
    pub fn minor(self) -> u32 {
        self.minor
    }
}

impl fmt::Display for PssVersion {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "v1.{}", self.minor)
    }
}

impl Serialize for PssVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl FromStr for PssVersion {
    type Err = Error;

    /// Parses `latest`, `v1.N` or `1.N`.
    fn from_str(value: &str) -> Result<Self, Error> {
        if value == "latest" {
            return Ok(Self::LATEST);
        }
        let invalid = || Error::InvalidVersion {
            value: value.to_owned(),
            latest: Self::LATEST.minor,
        };
        let minor = value
            .strip_prefix('v')
            .unwrap_or(value)
            .strip_prefix("1.")
            .ok_or_else(invalid)?;
        if minor.is_empty() || !minor.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(invalid());
        }
        minor.parse().ok().and_then(Self::new).ok_or_else(invalid)
    }
}

macro_rules! check_ids {
    ($($variant:ident => $id:literal, $level:ident;)*) => {
        /// The id of one upstream check (`policy/check_*.go`), as upstream spells it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum CheckId {
            $(
                #[doc = concat!("`", $id, "`")]
                $variant,
            )*
        }

        impl CheckId {
            /// Every check, baseline checks first.
            pub const ALL: &[Self] = &[$(Self::$variant),*];

            /// The upstream id, such as `capabilities_restricted`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $id,)*
                }
            }

            /// The level that introduces this check.
            pub fn level(self) -> PssLevel {
                match self {
                    $(Self::$variant => PssLevel::$level,)*
                }
            }
        }
    };
}

check_ids! {
    AppArmorProfile => "appArmorProfile", Baseline;
    CapabilitiesBaseline => "capabilities_baseline", Baseline;
    HostNamespaces => "hostNamespaces", Baseline;
    HostPathVolumes => "hostPathVolumes", Baseline;
    HostPorts => "hostPorts", Baseline;
    HostProbesAndHostLifecycle => "hostProbesAndHostLifecycle", Baseline;
    Privileged => "privileged", Baseline;
    ProcMount => "procMount", Baseline;
    SeccompProfileBaseline => "seccompProfile_baseline", Baseline;
    SeLinuxOptions => "seLinuxOptions", Baseline;
    Sysctls => "sysctls", Baseline;
    WindowsHostProcess => "windowsHostProcess", Baseline;
    AllowPrivilegeEscalation => "allowPrivilegeEscalation", Restricted;
    CapabilitiesRestricted => "capabilities_restricted", Restricted;
    ProcMountRestricted => "procMount_restricted", Restricted;
    RestrictedVolumes => "restrictedVolumes", Restricted;
    RunAsNonRoot => "runAsNonRoot", Restricted;
    RunAsUser => "runAsUser", Restricted;
    SeccompProfileRestricted => "seccompProfile_restricted", Restricted;
}

impl CheckId {
    /// The restricted check that replaces this baseline check at the restricted level, and the
    /// first minor version where it does (upstream `OverrideCheckIDs`).
    pub fn overridden_by(self) -> Option<(Self, PssVersion)> {
        let (check, minor) = match self {
            Self::CapabilitiesBaseline => (Self::CapabilitiesRestricted, 22),
            Self::SeccompProfileBaseline => (Self::SeccompProfileRestricted, 19),
            Self::ProcMount => (Self::ProcMountRestricted, 35),
            _ => return None,
        };
        Some((check, PssVersion { minor }))
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for CheckId {
    type Err = Error;

    fn from_str(value: &str) -> Result<Self, Error> {
        Self::ALL
            .iter()
            .copied()
            .find(|check| check.as_str() == value)
            .ok_or_else(|| Error::UnknownCheck {
                value: value.to_owned(),
            })
    }
}

impl Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One failed check: what upstream reports as `ForbiddenReason` and `ForbiddenDetail`, plus
/// the fields that caused it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The upstream check id.
    pub check: CheckId,
    /// Upstream's short reason, such as `privileged` or `host namespaces`.
    pub reason: &'static str,
    /// Upstream's detail, such as `container "app" must not set securityContext.privileged=true`.
    pub detail: String,
    /// Paths of the offending fields within the object, in the order the check found them,
    /// such as `spec.template.spec.containers[0].securityContext.privileged`.
    pub paths: Vec<String>,
}

impl fmt::Display for Violation {
    /// The upstream message shape: `reason (detail)`.
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.detail.is_empty() {
            formatter.write_str(self.reason)
        } else {
            write!(formatter, "{} ({})", self.reason, self.detail)
        }
    }
}

/// The verdict on one object.
#[must_use = "a verdict that is not inspected admits nothing"]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PssOutcome {
    /// The object holds a pod spec and every check passed.
    Allowed,
    /// The object holds a pod spec and at least one check failed.
    Denied(Vec<Violation>),
    /// The object holds no pod spec (a `Service`, a `ConfigMap`, ...): the standards do not apply.
    NotApplicable,
}

impl PssOutcome {
    /// The violations; empty unless [`PssOutcome::Denied`].
    pub fn violations(&self) -> &[Violation] {
        match self {
            Self::Denied(violations) => violations,
            Self::Allowed | Self::NotApplicable => &[],
        }
    }

    /// Whether the object may be admitted (allowed or not applicable).
    pub fn is_allowed(&self) -> bool {
        !matches!(self, Self::Denied(_))
    }
}

/// Configures a [`PssPolicy`]: the level, the version, and checks to leave out (what Kyverno's
/// `podSecurity.exclude` names by control).
#[derive(Debug, Clone)]
pub struct PssPolicyBuilder {
    level: PssLevel,
    version: PssVersion,
    excluded: Vec<CheckId>,
}

impl PssPolicyBuilder {
    /// The version whose check definitions apply (default [`PssVersion::LATEST`]).
    #[must_use]
    pub fn version(mut self, version: PssVersion) -> Self {
        self.version = version;
        self
    }

    /// Leaves one check out of the compiled policy.
    #[must_use]
    pub fn exclude(mut self, check: CheckId) -> Self {
        self.excluded.push(check);
        self
    }

    /// Selects, once, the check functions that apply at this level and version.
    pub fn build(self) -> PssPolicy {
        let version = self.version;
        let active = |check: CheckId| -> Option<CheckFn> {
            if check.level() > self.level || self.excluded.contains(&check) {
                return None;
            }
            if let Some((replacement, since)) = check.overridden_by()
                && replacement.level() <= self.level
                && version >= since
            {
                return None;
            }
            REGISTRY
                .iter()
                .filter(|entry| entry.check == check && entry.since <= version.minor)
                .max_by_key(|entry| entry.since)
                .map(|entry| entry.evaluate)
        };
        let checks = CheckId::ALL
            .iter()
            .filter_map(|&check| active(check).map(|evaluate| (check, evaluate)))
            .collect();
        PssPolicy {
            level: self.level,
            version,
            checks,
        }
    }
}

/// A compiled Pod Security Standards policy for one level and version.
///
/// Evaluation allocates only for violations: a compliant pod is checked without heap
/// allocation.
#[derive(Debug, Clone)]
pub struct PssPolicy {
    level: PssLevel,
    version: PssVersion,
    checks: Vec<(CheckId, CheckFn)>,
}

impl PssPolicy {
    /// Starts configuring a policy at `level` and the latest version.
    pub fn builder(level: PssLevel) -> PssPolicyBuilder {
        PssPolicyBuilder {
            level,
            version: PssVersion::LATEST,
            excluded: Vec::new(),
        }
    }

    /// The level this policy enforces.
    pub fn level(&self) -> PssLevel {
        self.level
    }

    /// The version whose definitions this policy uses.
    pub fn version(&self) -> PssVersion {
        self.version
    }

    /// The checks this policy runs, in evaluation order.
    pub fn checks(&self) -> impl Iterator<Item = CheckId> + '_ {
        self.checks.iter().map(|(check, _)| *check)
    }

    /// Evaluates a Pod or the pod template of a workload object.
    pub fn evaluate(&self, object: &Value) -> PssOutcome {
        match PodSpec::find(object) {
            Some(pod) => self.evaluate_pod(&pod),
            None => PssOutcome::NotApplicable,
        }
    }

    /// Evaluates a pod given its metadata and spec directly (for example a Kyverno rule that
    /// has already found the template); paths are relative to the spec, prefixed by `prefix`
    /// (such as `spec.`).
    pub fn evaluate_pod_spec(
        &self,
        metadata: &Value,
        spec: &Value,
        prefix: &'static str,
    ) -> PssOutcome {
        self.evaluate_pod(&PodSpec::new(metadata, spec, prefix))
    }

    fn evaluate_pod(&self, pod: &PodSpec<'_>) -> PssOutcome {
        let mut violations = Vec::new();
        for (check, evaluate) in &self.checks {
            if let Some(failure) = evaluate(pod) {
                violations.push(Violation {
                    check: *check,
                    reason: failure.reason,
                    detail: failure.detail,
                    paths: failure.paths,
                });
            }
        }
        if violations.is_empty() {
            PssOutcome::Allowed
        } else {
            PssOutcome::Denied(violations)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_parse_latest_and_minor() {
        assert_eq!("latest".parse::<PssVersion>(), Ok(PssVersion::LATEST));
        assert_eq!("v1.25".parse::<PssVersion>().map(PssVersion::minor), Ok(25));
        assert_eq!("1.0".parse::<PssVersion>().map(PssVersion::minor), Ok(0));
        for bad in ["v1.38", "v2.1", "v1.", "v1.+3", "1.x", ""] {
            assert!(bad.parse::<PssVersion>().is_err(), "{bad}");
        }
    }

    #[test]
    fn check_ids_round_trip() {
        for check in CheckId::ALL {
            assert_eq!(check.as_str().parse::<CheckId>(), Ok(*check));
        }
    }

    #[test]
    fn restricted_overrides_baseline_checks_from_their_version() {
        let at = |minor| {
            PssPolicy::builder(PssLevel::Restricted)
                .version(PssVersion::new(minor).expect("known version"))
                .build()
                .checks()
                .collect::<Vec<_>>()
        };
        assert!(at(18).contains(&CheckId::SeccompProfileBaseline));
        assert!(!at(19).contains(&CheckId::SeccompProfileBaseline));
        assert!(at(21).contains(&CheckId::CapabilitiesBaseline));
        assert!(!at(22).contains(&CheckId::CapabilitiesBaseline));
        assert!(!at(7).contains(&CheckId::AllowPrivilegeEscalation));
        assert!(!at(33).contains(&CheckId::HostProbesAndHostLifecycle));
        assert!(at(34).contains(&CheckId::HostProbesAndHostLifecycle));
    }

    #[test]
    fn privileged_level_runs_nothing() {
        let policy = PssPolicy::builder(PssLevel::Privileged).build();
        assert_eq!(policy.checks().count(), 0);
    }

    #[test]
    fn excluded_checks_do_not_run() {
        let policy = PssPolicy::builder(PssLevel::Baseline)
            .exclude(CheckId::Privileged)
            .build();
        assert!(!policy.checks().any(|check| check == CheckId::Privileged));
    }
}
