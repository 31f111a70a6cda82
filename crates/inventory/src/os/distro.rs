//! Which distribution a target is: os-release, and the older release files images fall back
//! to when it is missing.
//!
//! [`parse_os_release`] reads `etc/os-release` / `usr/lib/os-release` (os-release(5));
//! [`parse_release_file`] reads any path of [`RELEASE_FILES`], including the pre-os-release
//! files of Alpine, Debian, the Red Hat family, Amazon Linux and LSB. Both return a
//! [`Distro`] whose `id` and `version_id` are what vulnerability data is keyed by
//! (`debian`/`12`, `ubuntu`/`22.04`, `alpine`/`3.20.3`, `rhel`/`9.3`, `amzn`/`2023`), so the
//! fallbacks normalise their versions to what the same system's os-release would say. Which
//! file wins is the caller's choice: the first path of [`RELEASE_FILES`] that exists and
//! parses.

use custody_model::Distro;

use crate::os::dpkg::lines;

/// Every path (relative to the root, no leading slash) that [`parse_release_file`]
/// understands, in priority order: os-release first, then the fallbacks. LSB comes before
/// `etc/debian_version` because Ubuntu ships both and the latter names a Debian codename;
/// the vendor files come before the generic `redhat-release` / `system-release` they are
/// usually linked from.
pub(crate) const RELEASE_FILES: &[&str] = &[
    "etc/os-release",
    "usr/lib/os-release",
    "etc/lsb-release",
    "etc/alpine-release",
    "etc/centos-release",
    "etc/rocky-release",
    "etc/almalinux-release",
    "etc/fedora-release",
    "etc/redhat-release",
    "etc/system-release",
    "etc/debian_version",
];

/// Parses an os-release file (os-release(5)): `KEY=value` lines, values optionally in double
/// quotes (with `\"`, `\\`, `` \` `` and `\$` escapes) or single quotes, `#` comments and
/// blank lines. Later assignments win.
///
/// `id` is `ID` lowercased; `codename` is `VERSION_CODENAME`, else `UBUNTU_CODENAME`;
/// `id_like` is `ID_LIKE` split on whitespace; `distroless` is set when `PRETTY_NAME` starts
/// with `Distroless` (Google's distroless images keep Debian's `ID`). `None` when there is no
/// usable `ID`: os-release(5) would default it to `linux`, which names no vulnerability data,
/// so the caller should try the next of [`RELEASE_FILES`] instead. An `ID`, `VERSION_ID` or
/// codename with characters outside os-release's `[a-z0-9._-]` (letters of either case, and
/// `~` `+` for versions) is dropped rather than carried into purls and database keys.
pub(crate) fn parse_os_release(content: &[u8]) -> Option<Distro> {
    let mut fields = ShellFields::default();
    for line in lines(content) {
        if let Some((key, value)) = shell_assignment(line.text) {
            fields.set(key, value);
        }
    }
    let id = fields.id.as_deref().and_then(identifier)?;
    let pretty_name = fields.pretty_name.filter(|name| !name.trim().is_empty());
    Some(Distro {
        id,
        version_id: fields.version_id.as_deref().and_then(version),
        codename: fields
            .version_codename
            .as_deref()
            .and_then(version)
            .or_else(|| fields.ubuntu_codename.as_deref().and_then(version)),
        id_like: fields
            .id_like
            .as_deref()
            .map(|id_like| id_like.split_whitespace().filter_map(identifier).collect())
            .unwrap_or_default(),
        distroless: pretty_name
            .as_deref()
            .is_some_and(|name| name.starts_with("Distroless")),
        pretty_name,
    })
}

/// Parses one of [`RELEASE_FILES`] given its path (relative, a leading `/` is ignored).
/// os-release paths are read with [`parse_os_release`]; `None` for other paths and for
/// content that does not say which distribution this is.
///
/// - `etc/lsb-release`: `DISTRIB_ID` (lowercased), `DISTRIB_RELEASE`, `DISTRIB_CODENAME`,
///   `DISTRIB_DESCRIPTION`.
/// - `etc/alpine-release`: `3.20.3` is `alpine` `3.20.3`.
/// - `etc/debian_version`: `12.7` is `debian` `12` (Debian's os-release has the major only);
///   `bookworm/sid` (testing, unstable) is `debian` with codename `bookworm` and no version.
/// - The Red Hat family (`<Name> release <version> (<codename>)`): the id comes from the name
///   (`rhel`, `centos`, `rocky`, `almalinux`, `fedora`, `amzn`), not the file name, since the
///   files link to each other. `centos` keeps only the major (`7.9.2009` is `7`, as its
///   os-release says) and Amazon Linux 2023 drops its date (`2023.3.20240219` is `2023`);
///   the others keep the version as written (`9.3`).
pub(crate) fn parse_release_file(path: &str, content: &[u8]) -> Option<Distro> {
    match path.trim_start_matches('/') {
        "etc/os-release" | "usr/lib/os-release" => parse_os_release(content),
        "etc/lsb-release" => parse_lsb_release(content),
        "etc/alpine-release" => parse_alpine_release(content),
        "etc/debian_version" => parse_debian_version(content),
        "etc/centos-release"
        | "etc/rocky-release"
        | "etc/almalinux-release"
        | "etc/fedora-release"
        | "etc/redhat-release"
        | "etc/system-release" => parse_redhat_release(content),
        _ => None,
    }
}

/// The os-release and lsb-release keys these parsers read.
#[derive(Debug, Default)]
struct ShellFields {
    /// `ID`.
    id: Option<String>,
    /// `VERSION_ID`.
    version_id: Option<String>,
    /// `VERSION_CODENAME`.
    version_codename: Option<String>,
    /// `UBUNTU_CODENAME`.
    ubuntu_codename: Option<String>,
    /// `ID_LIKE`.
    id_like: Option<String>,
    /// `PRETTY_NAME`.
    pretty_name: Option<String>,
    /// `DISTRIB_ID`.
    distrib_id: Option<String>,
    /// `DISTRIB_RELEASE`.
    distrib_release: Option<String>,
    /// `DISTRIB_CODENAME`.
    distrib_codename: Option<String>,
    /// `DISTRIB_DESCRIPTION`.
    distrib_description: Option<String>,
}

impl ShellFields {
    /// Records `key=value` when `key` is one of ours.
    fn set(&mut self, key: &[u8], value: String) {
        let slot = match key {
            b"ID" => &mut self.id,
            b"VERSION_ID" => &mut self.version_id,
            b"VERSION_CODENAME" => &mut self.version_codename,
            b"UBUNTU_CODENAME" => &mut self.ubuntu_codename,
            b"ID_LIKE" => &mut self.id_like,
            b"PRETTY_NAME" => &mut self.pretty_name,
            b"DISTRIB_ID" => &mut self.distrib_id,
            b"DISTRIB_RELEASE" => &mut self.distrib_release,
            b"DISTRIB_CODENAME" => &mut self.distrib_codename,
            b"DISTRIB_DESCRIPTION" => &mut self.distrib_description,
            _ => return,
        };
        *slot = Some(value);
    }
}

/// Splits a shell-style assignment line into its key and unquoted value; `None` for blank
/// lines, comments, lines without `=` and values with an unterminated quote.
fn shell_assignment(line: &[u8]) -> Option<(&[u8], String)> {
    let line = line.trim_ascii();
    if line.first() == Some(&b'#') {
        return None;
    }
    let equals = memchr::memchr(b'=', line)?;
    let key = line.get(..equals)?.trim_ascii();
    if key.is_empty() {
        return None;
    }
    let value = unquote(line.get(equals + 1..)?.trim_ascii())?;
    Some((key, String::from_utf8_lossy(&value).into_owned()))
}

/// Removes shell quoting from an os-release value: `"…"` with backslash escapes of `"`, `\`,
/// `` ` `` and `$` (other backslashes are kept, as in the shell), `'…'` verbatim, and unquoted
/// text where a backslash escapes any byte. `None` for an unterminated quote.
fn unquote(raw: &[u8]) -> Option<Vec<u8>> {
    let mut value = Vec::with_capacity(raw.len());
    let mut bytes = raw.iter().copied();
    match raw.first() {
        Some(b'"') => {
            bytes.next();
            loop {
                match bytes.next()? {
                    b'"' => return Some(value),
                    b'\\' => match bytes.next()? {
                        escaped @ (b'"' | b'\\' | b'`' | b'$') => value.push(escaped),
                        other => value.extend([b'\\', other]),
                    },
                    byte => value.push(byte),
                }
            }
        }
        Some(b'\'') => {
            bytes.next();
            loop {
                match bytes.next()? {
                    b'\'' => return Some(value),
                    byte => value.push(byte),
                }
            }
        }
        _ => {
            while let Some(byte) = bytes.next() {
                match byte {
                    b'\\' => value.extend(bytes.next()),
                    byte => value.push(byte),
                }
            }
            Some(value)
        }
    }
}

/// A distribution id: trimmed, lowercased, non-empty and made of `[a-z0-9._-]`.
fn identifier(raw: &str) -> Option<String> {
    let id = raw.trim().to_ascii_lowercase();
    let valid = !id.is_empty()
        && id.bytes().all(|byte| {
            byte.is_ascii_lowercase() || byte.is_ascii_digit() || matches!(byte, b'.' | b'_' | b'-')
        });
    valid.then_some(id)
}

/// A version or codename: trimmed, non-empty and made of ASCII letters, digits and `._-~+`.
fn version(raw: &str) -> Option<String> {
    let version = raw.trim();
    let valid = !version.is_empty()
        && version.bytes().all(|byte| {
            byte.is_ascii_alphanumeric() || matches!(byte, b'.' | b'_' | b'-' | b'~' | b'+')
        });
    valid.then(|| version.to_owned())
}

/// `etc/lsb-release`: `DISTRIB_ID=Ubuntu`, `DISTRIB_RELEASE=22.04`, `DISTRIB_CODENAME=jammy`.
fn parse_lsb_release(content: &[u8]) -> Option<Distro> {
    let mut fields = ShellFields::default();
    for line in lines(content) {
        if let Some((key, value)) = shell_assignment(line.text) {
            fields.set(key, value);
        }
    }
    let id = fields.distrib_id.as_deref().and_then(identifier)?;
    let mut distro = Distro::new(id, fields.distrib_release.as_deref().and_then(version));
    distro.codename = fields.distrib_codename.as_deref().and_then(version);
    distro.pretty_name = fields
        .distrib_description
        .filter(|name| !name.trim().is_empty());
    Some(distro)
}

/// The first line of a one-line release file, trimmed, as text.
fn first_line(content: &[u8]) -> Option<String> {
    let line = lines(content).next()?.text.trim_ascii();
    (!line.is_empty()).then(|| String::from_utf8_lossy(line).into_owned())
}

/// `etc/alpine-release`: the version alone (`3.20.3`, `3.21_alpha20240807`).
fn parse_alpine_release(content: &[u8]) -> Option<Distro> {
    let release = version(&first_line(content)?)?;
    release
        .starts_with(|first: char| first.is_ascii_digit())
        .then(|| Distro::new("alpine", Some(release)))
}

/// `etc/debian_version`: `12.7` (stable point release) or `bookworm/sid` (testing).
fn parse_debian_version(content: &[u8]) -> Option<Distro> {
    let release = first_line(content)?;
    if release.starts_with(|first: char| first.is_ascii_digit()) {
        let major = release.split('.').next().and_then(version)?;
        return Some(Distro::new("debian", Some(major)));
    }
    let codename = release.split('/').next().and_then(version)?;
    let mut distro = Distro::new("debian", None);
    distro.codename = Some(codename.to_ascii_lowercase());
    Some(distro)
}

/// The Red Hat family's `<Name> release <version> (<codename>)` line.
fn parse_redhat_release(content: &[u8]) -> Option<Distro> {
    let line = first_line(content)?;
    let (name, rest) = line.split_once(" release ")?;
    let id = [
        ("Red Hat Enterprise Linux", "rhel"),
        ("CentOS", "centos"),
        ("Rocky Linux", "rocky"),
        ("AlmaLinux", "almalinux"),
        ("Fedora", "fedora"),
        ("Amazon Linux", "amzn"),
    ]
    .iter()
    .find(|(prefix, _)| name.starts_with(prefix))
    .map(|(_, id)| *id)?;
    let release = rest.split_whitespace().next().and_then(version)?;
    let release = match id {
        "centos" => release.split('.').next().unwrap_or_default().to_owned(),
        // Amazon Linux 2023's `2023.3.20240219` is os-release's `2023`; AL1's `2018.03` and
        // AL2's `2` are kept.
        "amzn" if release.split('.').count() > 2 => {
            release.split('.').next().unwrap_or_default().to_owned()
        }
        _ => release,
    };
    let mut distro = Distro::new(id, Some(release).filter(|release| !release.is_empty()));
    distro.pretty_name = Some(line);
    Some(distro)
}

#[cfg(test)]
mod tests {
    //! os-release texts of every supported distribution as they ship, the release-file
    //! fallbacks, the corpus's os-release, and hostile input.

    use super::*;
    use crate::os::dpkg::test_support::{noise, read_fixture};

    /// Parses `content` as os-release, failing the test when it gives nothing.
    fn os_release(content: &str) -> Distro {
        parse_os_release(content.as_bytes()).unwrap_or_else(|| panic!("no distro in:\n{content}"))
    }

    /// Id, version and codename: the fields most assertions look at.
    type Key<'a> = (&'a str, Option<&'a str>, Option<&'a str>);

    /// The [`Key`] of `distro`.
    fn key(distro: &Distro) -> Key<'_> {
        (
            &distro.id,
            distro.version_id.as_deref(),
            distro.codename.as_deref(),
        )
    }

    #[test]
    fn debian_12() {
        let distro = os_release(
            r#"PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
"#,
        );
        assert_eq!(key(&distro), ("debian", Some("12"), Some("bookworm")));
        assert_eq!(
            distro.pretty_name.as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert!(distro.id_like.is_empty());
        assert!(!distro.distroless);
    }

    #[test]
    fn debian_testing_has_no_version_id() {
        let distro = os_release(
            r#"PRETTY_NAME="Debian GNU/Linux trixie/sid"
NAME="Debian GNU/Linux"
VERSION_CODENAME=trixie
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
"#,
        );
        assert_eq!(key(&distro), ("debian", None, Some("trixie")));
    }

    #[test]
    fn distroless_keeps_debian_and_is_marked() {
        let distro = os_release(
            r#"PRETTY_NAME="Distroless"
NAME="Debian GNU/Linux"
ID="debian"
VERSION_ID="12"
VERSION="Debian GNU/Linux 12 (bookworm)"
HOME_URL="https://github.com/GoogleContainerTools/distroless"
SUPPORT_URL="https://github.com/GoogleContainerTools/distroless/blob/master/README.md"
BUG_REPORT_URL="https://github.com/GoogleContainerTools/distroless/issues/new"
"#,
        );
        assert_eq!(key(&distro), ("debian", Some("12"), None));
        assert!(distro.distroless);
    }

    #[test]
    fn ubuntu_22_04_and_24_04() {
        let jammy = os_release(
            r#"PRETTY_NAME="Ubuntu 22.04.3 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.3 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
"#,
        );
        assert_eq!(key(&jammy), ("ubuntu", Some("22.04"), Some("jammy")));
        assert_eq!(jammy.id_like, ["debian"]);
        let noble = os_release(
            r#"PRETTY_NAME="Ubuntu 24.04.1 LTS"
NAME="Ubuntu"
VERSION_ID="24.04"
VERSION="24.04.1 LTS (Noble Numbat)"
VERSION_CODENAME=noble
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=noble
LOGO=ubuntu-logo
"#,
        );
        assert_eq!(key(&noble), ("ubuntu", Some("24.04"), Some("noble")));
    }

    #[test]
    fn ubuntu_codename_is_the_fallback() {
        let distro = os_release("ID=ubuntu\nVERSION_ID=\"16.04\"\nUBUNTU_CODENAME=xenial\n");
        assert_eq!(key(&distro), ("ubuntu", Some("16.04"), Some("xenial")));
    }

    #[test]
    fn alpine_3_20() {
        let distro = os_release(
            r#"NAME="Alpine Linux"
ID=alpine
VERSION_ID=3.20.3
PRETTY_NAME="Alpine Linux v3.20"
HOME_URL="https://alpinelinux.org/"
BUG_REPORT_URL="https://gitlab.alpinelinux.org/alpine/aports/-/issues"
"#,
        );
        assert_eq!(key(&distro), ("alpine", Some("3.20.3"), None));
        assert_eq!(distro.pretty_name.as_deref(), Some("Alpine Linux v3.20"));
    }

    #[test]
    fn rhel_9_3() {
        let distro = os_release(
            r#"NAME="Red Hat Enterprise Linux"
VERSION="9.3 (Plow)"
ID="rhel"
ID_LIKE="fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"
ANSI_COLOR="0;31"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:redhat:enterprise_linux:9::baseos"
HOME_URL="https://www.redhat.com/"
DOCUMENTATION_URL="https://access.redhat.com/documentation/en-us/red_hat_enterprise_linux/9"
BUG_REPORT_URL="https://bugzilla.redhat.com/"

REDHAT_BUGZILLA_PRODUCT="Red Hat Enterprise Linux 9"
REDHAT_BUGZILLA_PRODUCT_VERSION=9.3
REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.3"
"#,
        );
        assert_eq!(key(&distro), ("rhel", Some("9.3"), None));
        assert_eq!(distro.id_like, ["fedora"]);
    }

    #[test]
    fn centos_7_and_stream_9() {
        let centos = os_release(
            r#"NAME="CentOS Linux"
VERSION="7 (Core)"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="7"
PRETTY_NAME="CentOS Linux 7 (Core)"
ANSI_COLOR="0;31"
CPE_NAME="cpe:/o:centos:centos:7"
HOME_URL="https://www.centos.org/"
BUG_REPORT_URL="https://bugs.centos.org/"

CENTOS_MANTISBT_PROJECT="CentOS-7"
CENTOS_MANTISBT_PROJECT_VERSION="7"
REDHAT_SUPPORT_PRODUCT="centos"
REDHAT_SUPPORT_PRODUCT_VERSION="7"

"#,
        );
        assert_eq!(key(&centos), ("centos", Some("7"), None));
        assert_eq!(centos.id_like, ["rhel", "fedora"]);
        let stream = os_release(
            r#"NAME="CentOS Stream"
VERSION="9"
ID="centos"
ID_LIKE="rhel fedora"
VERSION_ID="9"
PLATFORM_ID="platform:el9"
PRETTY_NAME="CentOS Stream 9"
ANSI_COLOR="0;31"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:centos:centos:9"
HOME_URL="https://centos.org/"
BUG_REPORT_URL="https://issues.redhat.com/"
REDHAT_SUPPORT_PRODUCT="Red Hat Enterprise Linux 9"
REDHAT_SUPPORT_PRODUCT_VERSION="CentOS Stream"
"#,
        );
        assert_eq!(key(&stream), ("centos", Some("9"), None));
    }

    #[test]
    fn rocky_and_alma_9_3() {
        let rocky = os_release(
            r#"NAME="Rocky Linux"
VERSION="9.3 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"
ANSI_COLOR="0;32"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:rocky:rocky:9::baseos"
HOME_URL="https://rockylinux.org/"
BUG_REPORT_URL="https://bugs.rockylinux.org/"
SUPPORT_END="2032-05-31"
ROCKY_SUPPORT_PRODUCT="Rocky-Linux-9"
ROCKY_SUPPORT_PRODUCT_VERSION="9.3"
REDHAT_SUPPORT_PRODUCT="Rocky Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.3"
"#,
        );
        assert_eq!(key(&rocky), ("rocky", Some("9.3"), None));
        assert_eq!(rocky.id_like, ["rhel", "centos", "fedora"]);
        let alma = os_release(
            r#"NAME="AlmaLinux"
VERSION="9.3 (Shamrock Pampas Cat)"
ID="almalinux"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.3"
PLATFORM_ID="platform:el9"
PRETTY_NAME="AlmaLinux 9.3 (Shamrock Pampas Cat)"
ANSI_COLOR="0;34"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:almalinux:almalinux:9::baseos"
HOME_URL="https://almalinux.org/"
DOCUMENTATION_URL="https://wiki.almalinux.org/"
BUG_REPORT_URL="https://bugs.almalinux.org/"

ALMALINUX_MANTISBT_PROJECT="AlmaLinux-9"
ALMALINUX_MANTISBT_PROJECT_VERSION="9.3"
REDHAT_SUPPORT_PRODUCT="AlmaLinux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.3"
"#,
        );
        assert_eq!(key(&alma), ("almalinux", Some("9.3"), None));
    }

    #[test]
    fn fedora_39_container_has_an_empty_codename() {
        let distro = os_release(
            r#"NAME="Fedora Linux"
VERSION="39 (Container Image)"
ID=fedora
VERSION_ID=39
VERSION_CODENAME=""
PLATFORM_ID="platform:f39"
PRETTY_NAME="Fedora Linux 39 (Container Image)"
ANSI_COLOR="0;38;2;60;110;180"
LOGO=fedora-logo-icon
CPE_NAME="cpe:/o:fedoraproject:fedora:39"
DEFAULT_HOSTNAME="fedora"
HOME_URL="https://fedoraproject.org/"
DOCUMENTATION_URL="https://docs.fedoraproject.org/en-US/fedora/f39/system-administrators-guide/"
SUPPORT_URL="https://ask.fedoraproject.org/"
BUG_REPORT_URL="https://bugzilla.redhat.com/"
REDHAT_BUGZILLA_PRODUCT="Fedora"
REDHAT_BUGZILLA_PRODUCT_VERSION=39
REDHAT_SUPPORT_PRODUCT="Fedora"
REDHAT_SUPPORT_PRODUCT_VERSION=39
SUPPORT_END=2024-11-12
VARIANT="Container Image"
VARIANT_ID=container
"#,
        );
        assert_eq!(key(&distro), ("fedora", Some("39"), None));
    }

    #[test]
    fn amazon_linux_2_and_2023() {
        let al2 = os_release(
            r#"NAME="Amazon Linux"
VERSION="2"
ID="amzn"
ID_LIKE="centos rhel fedora"
VERSION_ID="2"
PRETTY_NAME="Amazon Linux 2"
ANSI_COLOR="0;33"
CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2"
HOME_URL="https://amazonlinux.com/"
SUPPORT_END="2025-06-30"
"#,
        );
        assert_eq!(key(&al2), ("amzn", Some("2"), None));
        let al2023 = os_release(
            r#"NAME="Amazon Linux"
VERSION="2023"
ID="amzn"
ID_LIKE="fedora"
VERSION_ID="2023"
PLATFORM_ID="platform:al2023"
PRETTY_NAME="Amazon Linux 2023.3.20240219"
ANSI_COLOR="0;33"
CPE_NAME="cpe:2.3:o:amazon:amazon_linux:2023"
HOME_URL="https://aws.amazon.com/linux/amazon-linux-2023/"
DOCUMENTATION_URL="https://docs.aws.amazon.com/linux/"
SUPPORT_URL="https://aws.amazon.com/premiumsupport/"
BUG_REPORT_URL="https://github.com/amazonlinux/amazon-linux-2023"
VENDOR_NAME="AWS"
VENDOR_URL="https://aws.amazon.com/"
SUPPORT_END="2028-03-15"
"#,
        );
        assert_eq!(key(&al2023), ("amzn", Some("2023"), None));
    }

    #[test]
    fn suse_family() {
        let sles = os_release(
            r#"NAME="SLES"
VERSION="15-SP5"
VERSION_ID="15.5"
PRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"
ID="sles"
ID_LIKE="suse"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:suse:sles:15:sp5"
DOCUMENTATION_URL="https://documentation.suse.com/"
"#,
        );
        assert_eq!(key(&sles), ("sles", Some("15.5"), None));
        let leap = os_release(
            r#"NAME="openSUSE Leap"
VERSION="15.5"
ID="opensuse-leap"
ID_LIKE="suse opensuse"
VERSION_ID="15.5"
PRETTY_NAME="openSUSE Leap 15.5"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:opensuse:leap:15.5"
BUG_REPORT_URL="https://bugs.opensuse.org"
HOME_URL="https://www.opensuse.org/"
DOCUMENTATION_URL="https://en.opensuse.org/Portal:Leap"
LOGO="distributor-logo-Leap"
"#,
        );
        assert_eq!(key(&leap), ("opensuse-leap", Some("15.5"), None));
        assert_eq!(leap.id_like, ["suse", "opensuse"]);
        let tumbleweed = os_release(
            r#"NAME="openSUSE Tumbleweed"
# VERSION="20240303"
ID="opensuse-tumbleweed"
ID_LIKE="opensuse suse"
VERSION_ID="20240303"
PRETTY_NAME="openSUSE Tumbleweed"
ANSI_COLOR="0;32"
# CPE 2.3 format, boo#1217921
CPE_NAME="cpe:2.3:o:opensuse:tumbleweed:20240303:*:*:*:*:*:*:*"
#CPE 2.2 format
#CPE_NAME="cpe:/o:opensuse:tumbleweed:20240303"
BUG_REPORT_URL="https://bugzilla.opensuse.org"
SUPPORT_URL="https://bugs.opensuse.org"
HOME_URL="https://www.opensuse.org"
DOCUMENTATION_URL="https://en.opensuse.org/Portal:Tumbleweed"
LOGO="distributor-logo-Tumbleweed"
"#,
        );
        assert_eq!(
            key(&tumbleweed),
            ("opensuse-tumbleweed", Some("20240303"), None)
        );
    }

    #[test]
    fn wolfi_and_chainguard() {
        let wolfi = os_release(
            r#"ID=wolfi
NAME="Wolfi"
PRETTY_NAME="Wolfi"
VERSION_ID="20230201"
HOME_URL="https://wolfi.dev"
"#,
        );
        assert_eq!(key(&wolfi), ("wolfi", Some("20230201"), None));
        let chainguard = os_release(
            r#"ID=chainguard
NAME="Chainguard"
PRETTY_NAME="Chainguard"
VERSION_ID="20230214"
HOME_URL="https://chainguard.dev/"
"#,
        );
        assert_eq!(key(&chainguard), ("chainguard", Some("20230214"), None));
        let unversioned = os_release("ID=wolfi\nNAME=\"Wolfi\"\nPRETTY_NAME=\"Wolfi\"\n");
        assert_eq!(key(&unversioned), ("wolfi", None, None));
    }

    #[test]
    fn os_release_of_the_corpus() {
        // syft's image-dpkg fixture, the os-release of a Debian 12 image.
        let content =
            read_fixture("syft/syft/pkg/cataloger/debian/testdata/image-dpkg/etc/os-release");
        let distro = parse_release_file("etc/os-release", &content).unwrap();
        assert_eq!(key(&distro), ("debian", Some("12"), Some("bookworm")));
    }

    #[test]
    fn quoting_escapes_and_comments() {
        let distro = os_release(
            "# comment\n  ID = 'MyOS'  \nPRETTY_NAME=\"A \\\"quoted\\\" \\$name \\n\"\n\
             VERSION_ID=1\\.2\nID_LIKE=\"Debian  Ubuntu\"\nVERSION_CODENAME=\"unterminated\n",
        );
        assert_eq!(key(&distro), ("myos", Some("1.2"), None));
        assert_eq!(
            distro.pretty_name.as_deref(),
            Some("A \"quoted\" $name \\n")
        );
        assert_eq!(distro.id_like, ["debian", "ubuntu"]);
    }

    #[test]
    fn os_release_without_a_usable_id_is_none() {
        assert_eq!(
            parse_os_release(b"VERSION_ID=12\nVERSION_CODENAME=bookworm\n"),
            None
        );
        assert_eq!(parse_os_release(b"ID=\"\"\n"), None);
        assert_eq!(parse_os_release(b"ID=\"../../etc\"\n"), None);
        assert_eq!(parse_os_release(b""), None);
        let distro = os_release("ID=debian\nVERSION_ID=\"12; rm -rf\"\n");
        assert_eq!(
            key(&distro),
            ("debian", None, None),
            "unsafe versions are dropped"
        );
    }

    #[test]
    fn release_file_fallbacks() {
        let cases: [(&str, &str, Key<'_>); 14] = [
            (
                "etc/alpine-release",
                "3.20.3\n",
                ("alpine", Some("3.20.3"), None),
            ),
            (
                "/etc/alpine-release",
                "3.21_alpha20240807\n",
                ("alpine", Some("3.21_alpha20240807"), None),
            ),
            ("etc/debian_version", "12.7\n", ("debian", Some("12"), None)),
            ("etc/debian_version", "9.13\n", ("debian", Some("9"), None)),
            (
                "etc/debian_version",
                "bookworm/sid\n",
                ("debian", None, Some("bookworm")),
            ),
            (
                "etc/redhat-release",
                "Red Hat Enterprise Linux release 9.3 (Plow)\n",
                ("rhel", Some("9.3"), None),
            ),
            (
                "etc/redhat-release",
                "Red Hat Enterprise Linux Server release 7.9 (Maipo)\n",
                ("rhel", Some("7.9"), None),
            ),
            (
                "etc/centos-release",
                "CentOS Linux release 7.9.2009 (Core)\n",
                ("centos", Some("7"), None),
            ),
            (
                "etc/centos-release",
                "CentOS Stream release 9\n",
                ("centos", Some("9"), None),
            ),
            (
                "etc/rocky-release",
                "Rocky Linux release 9.3 (Blue Onyx)\n",
                ("rocky", Some("9.3"), None),
            ),
            (
                "etc/almalinux-release",
                "AlmaLinux release 9.3 (Shamrock Pampas Cat)\n",
                ("almalinux", Some("9.3"), None),
            ),
            (
                "etc/fedora-release",
                "Fedora release 39 (Thirty Nine)\n",
                ("fedora", Some("39"), None),
            ),
            (
                "etc/system-release",
                "Amazon Linux release 2 (Karoo)\n",
                ("amzn", Some("2"), None),
            ),
            (
                "etc/system-release",
                "Amazon Linux release 2023.3.20240219 (Amazon Linux)\n",
                ("amzn", Some("2023"), None),
            ),
        ];
        for (path, content, expected) in cases {
            let distro = parse_release_file(path, content.as_bytes())
                .unwrap_or_else(|| panic!("{path}: {content}"));
            assert_eq!(key(&distro), expected, "{path}: {content}");
        }
        let lsb = parse_release_file(
            "etc/lsb-release",
            b"DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION=\"Ubuntu 22.04.3 LTS\"\n",
        )
        .unwrap();
        assert_eq!(key(&lsb), ("ubuntu", Some("22.04"), Some("jammy")));
        assert_eq!(lsb.pretty_name.as_deref(), Some("Ubuntu 22.04.3 LTS"));
        assert_eq!(
            parse_release_file("etc/redhat-release", b"Oracle Linux Server release 8.9\n"),
            None,
            "unknown vendors give nothing rather than a wrong id"
        );
        assert_eq!(
            parse_release_file("etc/issue", b"Debian GNU/Linux 12 \\n \\l\n"),
            None
        );
        assert_eq!(parse_release_file("etc/alpine-release", b"\n"), None);
    }

    #[test]
    fn every_release_file_is_understood() {
        for path in RELEASE_FILES {
            let content: &[u8] = match *path {
                "etc/os-release" | "usr/lib/os-release" => b"ID=debian\n",
                "etc/lsb-release" => b"DISTRIB_ID=Ubuntu\n",
                "etc/alpine-release" => b"3.20.3\n",
                "etc/debian_version" => b"12.7\n",
                _ => b"Fedora release 39 (Thirty Nine)\n",
            };
            assert!(parse_release_file(path, content).is_some(), "{path}");
        }
    }

    #[test]
    fn hostile_input_never_panics() {
        let alphabet = b"ID=VERSION_\"'\\#\n\r \t\0\xff\xc3release.()/";
        for seed in 1..300 {
            let content = noise(seed, 256, alphabet);
            let _ = parse_os_release(&content);
            for path in RELEASE_FILES {
                let _ = parse_release_file(path, &content);
            }
        }
        let mut huge = b"ID=".to_vec();
        huge.extend(std::iter::repeat_n(b'a', 8 << 20));
        assert_eq!(
            parse_os_release(&huge).map(|distro| distro.id.len()),
            Some(8 << 20)
        );
        assert_eq!(parse_os_release(b"ID=deb\xffian\0\n"), None);
    }
}
