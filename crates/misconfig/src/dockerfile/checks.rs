//! The Dockerfile checks: each a static [`Check`] and the function that evaluates it.
//!
//! Semantics follow the peers users know, re-implemented from their documentation: hadolint's
//! `DL` rules (<https://github.com/hadolint/hadolint/wiki>), Trivy's `DS` checks
//! (`https://avd.aquasec.com/misconfig/ds001` and on) and Checkov's `CKV_DOCKER` checks. Each
//! check's `references` names its equivalents. Where they disagree, the choice is documented
//! on the check. Every function gets the same [`Context`] (parsed once) and reports through a
//! [`Sink`].

use std::path::Path;

use custody_model::Severity;

use super::parser::{Arguments, Dockerfile, Instruction, Keyword, split_word};
use super::shell::{self, Pipeline};
use super::stage::{self, Base, Stage};
use custody_model::Misconfiguration;

use crate::Check;

/// A parsed Dockerfile with what several checks need, computed once.
pub(crate) struct Context<'a> {
    pub(crate) dockerfile: &'a Dockerfile,
    pub(crate) stages: Vec<Stage<'a>>,
    /// Every `RUN` with its script split into pipelines (heredoc scripts included).
    pub(crate) runs: Vec<(&'a Instruction, Vec<Pipeline>)>,
}

impl<'a> Context<'a> {
    pub(crate) fn new(dockerfile: &'a Dockerfile) -> Self {
        let runs = dockerfile
            .instructions
            .iter()
            .filter(|instruction| instruction.keyword == Keyword::Run)
            .map(|instruction| (instruction, shell::pipelines(&run_script(instruction))))
            .collect();
        Self {
            dockerfile,
            stages: stage::stages(&dockerfile.instructions),
            runs,
        }
    }

    /// Every command of every `RUN`, with the `RUN` it belongs to.
    fn commands(&self) -> impl Iterator<Item = (&'a Instruction, &shell::Command)> {
        self.runs.iter().flat_map(|(instruction, pipelines)| {
            pipelines
                .iter()
                .flatten()
                .map(move |command| (*instruction, command))
        })
    }

    /// The stage the image is built from (the last one) and the stages it builds on, last first.
    fn final_chain(&self) -> Vec<&Stage<'a>> {
        let mut chain = Vec::new();
        let mut current = self.stages.last();
        while let Some(stage) = current {
            if chain.len() > self.stages.len() {
                break;
            }
            chain.push(stage);
            current = match stage.base {
                Base::Stage(index) => self.stages.get(index),
                _ => None,
            };
        }
        chain
    }
}

/// The shell script a `RUN` executes: its arguments, plus its heredoc bodies when the heredoc
/// is the script itself (`RUN <<EOF`, `RUN bash <<EOF`) rather than a program's input.
fn run_script(instruction: &Instruction) -> String {
    let mut script = instruction.text();
    let runs_heredoc = matches!(&instruction.arguments, Arguments::Shell(text)
        if text.starts_with("<<")
            || SHELLS.contains(&shell::basename(split_word(text).0)));
    if runs_heredoc {
        for heredoc in &instruction.heredocs {
            script.push('\n');
            script.push_str(&heredoc.body);
        }
    }
    script
}

/// Collects the findings of one check.
pub(crate) struct Sink<'a> {
    pub(crate) path: &'a str,
    pub(crate) check: &'static Check,
    pub(crate) findings: &'a mut Vec<Misconfiguration>,
}

impl Sink<'_> {
    fn emit(&mut self, line: u32, message: impl Into<String>) {
        self.findings
            .push(self.check.finding(self.path, line, None, message));
    }
}

/// A check and the function that evaluates it.
pub(crate) struct Rule {
    pub(crate) check: Check,
    pub(crate) evaluate: fn(&Context<'_>, &mut Sink<'_>),
}

/// Reported for whatever the parser could not read; not a rule, since it needs the problems.
pub(crate) static PARSE_PROBLEM: Check = Check {
    id: "CDF000",
    title: "Dockerfile could not be parsed completely",
    severity: Severity::Low,
    description: "Part of the file is not valid Dockerfile syntax (an unknown instruction, an \
        unclosed heredoc) or the file is too large, so the checks did not see all of it.",
    remediation: "Fix the syntax; `docker build --check` reports the same problems.",
    references: &["https://docs.docker.com/reference/dockerfile/"],
};

/// Shorthand for the table below.
const fn rule(check: Check, evaluate: fn(&Context<'_>, &mut Sink<'_>)) -> Rule {
    Rule { check, evaluate }
}

/// Every Dockerfile rule, in id order.
pub(crate) static RULES: [Rule; 17] = [
    rule(
        Check {
            id: "CDF001",
            title: "Image runs as root",
            severity: Severity::High,
            description: "The final stage has no USER instruction, or its last USER is root, so \
                the container's processes run as root and a breakout starts with full privileges.",
            remediation: "Create an unprivileged user and switch to it with `USER` at the end of \
                the final stage.",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL3002",
                "https://avd.aquasec.com/misconfig/ds002",
                "CKV_DOCKER_3",
                "CKV_DOCKER_8",
            ],
        },
        root_user,
    ),
    rule(
        Check {
            id: "CDF002",
            title: "Base image uses ':latest' or no tag",
            severity: Severity::Medium,
            description: "A base image without a tag means `latest`, which moves: rebuilds pick \
                up different software without any change to the Dockerfile.",
            remediation: "Pin the base image to a version tag, or better to a digest \
                (`image:tag@sha256:...`).",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL3006",
                "https://github.com/hadolint/hadolint/wiki/DL3007",
                "https://avd.aquasec.com/misconfig/ds001",
                "CKV_DOCKER_7",
            ],
        },
        latest_base,
    ),
    rule(
        Check {
            id: "CDF003",
            title: "ADD used where COPY would do",
            severity: Severity::Low,
            description: "ADD copies local files like COPY but also extracts archives, so its \
                effect depends on the file's content. Adding a local archive to extract it is \
                the one case where ADD is the right instruction, and it is not reported.",
            remediation: "Use COPY for local files and directories.",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL3020",
                "https://avd.aquasec.com/misconfig/ds005",
                "CKV_DOCKER_4",
            ],
        },
        add_local,
    ),
    rule(
        Check {
            id: "CDF004",
            title: "ADD downloads a remote URL",
            severity: Severity::Medium,
            description: "ADD with a URL fetches content at build time without verifying it, \
                so a compromised or changed server changes the image.",
            remediation: "Download with curl or wget and verify a checksum, or give ADD a \
                `--checksum=sha256:...` flag.",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL3020",
                "https://docs.docker.com/reference/dockerfile/#add---checksum",
                "CKV_DOCKER_4",
            ],
        },
        add_url,
    ),
    rule(
        Check {
            id: "CDF005",
            title: "Remote script piped into a shell",
            severity: Severity::High,
            description: "`curl ... | sh` runs whatever the server sends at build time, unverified.",
            remediation: "Download the script to a file, verify its checksum or signature, then \
                run it.",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL4006",
                "https://docs.docker.com/build/building/best-practices/#using-pipes",
            ],
        },
        pipe_to_shell,
    ),
    rule(
        Check {
            id: "CDF006",
            title: "Secret in ENV or ARG",
            severity: Severity::High,
            description: "ENV values are stored in the image configuration and ARG values in \
                its history, so a password or token set there is readable by anyone who can \
                pull the image.",
            remediation: "Pass secrets with `RUN --mount=type=secret` or at runtime, never as a \
                literal ENV or ARG value.",
            references: &[
                "https://docs.docker.com/build/building/secrets/",
                "https://avd.aquasec.com/misconfig/ds031",
                "CKV_DOCKER_11",
            ],
        },
        secret_assignment,
    ),
    rule(
        Check {
            id: "CDF007",
            title: "apt-get install without --no-install-recommends",
            severity: Severity::Low,
            description: "Without `--no-install-recommends`, apt installs recommended packages \
                the image does not need, growing it and its attack surface.",
            remediation: "Add `--no-install-recommends` to `apt-get install`.",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL3015",
                "https://avd.aquasec.com/misconfig/ds029",
            ],
        },
        apt_recommends,
    ),
    rule(
        Check {
            id: "CDF008",
            title: "apt lists not removed after apt-get install",
            severity: Severity::Low,
            description: "The package lists fetched by `apt-get update` stay in the layer unless \
                the same RUN removes them, adding tens of megabytes of stale metadata.",
            remediation: "End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or use a cache \
                mount for /var/lib/apt.",
            references: &["https://github.com/hadolint/hadolint/wiki/DL3009"],
        },
        apt_lists,
    ),
    rule(
        Check {
            id: "CDF009",
            title: "apk add without --no-cache",
            severity: Severity::Low,
            description: "Without `--no-cache`, apk keeps its package index in the layer.",
            remediation: "Use `apk add --no-cache`.",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL3019",
                "https://avd.aquasec.com/misconfig/ds025",
            ],
        },
        apk_cache,
    ),
    rule(
        Check {
            id: "CDF010",
            title: "Package installed without a pinned version",
            severity: Severity::Medium,
            description: "`apt-get install`, `apk add` and `pip install` without versions install \
                whatever is current, so rebuilds are not reproducible and may pull a broken or \
                compromised release.",
            remediation: "Pin versions: `pkg=1.2.3` for apt and apk, `pkg==1.2.3` for pip, or \
                install from a lock or requirements file.",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL3008",
                "https://github.com/hadolint/hadolint/wiki/DL3018",
                "https://github.com/hadolint/hadolint/wiki/DL3013",
            ],
        },
        unpinned_packages,
    ),
    rule(
        Check {
            id: "CDF011",
            title: "sudo used in RUN",
            severity: Severity::Medium,
            description: "RUN already executes as the current USER; sudo in an image means a \
                privilege-escalation tool is installed and configured in it.",
            remediation: "Switch users with USER around the commands that need root, and do not \
                install sudo.",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL3004",
                "https://avd.aquasec.com/misconfig/ds010",
            ],
        },
        sudo,
    ),
    rule(
        Check {
            id: "CDF012",
            title: "No HEALTHCHECK",
            severity: Severity::Low,
            description: "Without a HEALTHCHECK, the engine cannot tell a hung container from a \
                healthy one.",
            remediation: "Add a `HEALTHCHECK CMD ...` to the final stage, or `HEALTHCHECK NONE` to \
                state that none is wanted.",
            references: &[
                "https://docs.docker.com/reference/dockerfile/#healthcheck",
                "https://avd.aquasec.com/misconfig/ds026",
                "CKV_DOCKER_2",
            ],
        },
        healthcheck,
    ),
    rule(
        Check {
            id: "CDF013",
            title: "SSH port 22 exposed",
            severity: Severity::High,
            description: "Exposing port 22 means an SSH server runs in the container, a remote \
                login path that containers should not need.",
            remediation: "Remove `EXPOSE 22` and the SSH server; use `docker exec` or \
                `kubectl exec` to get a shell.",
            references: &["https://avd.aquasec.com/misconfig/ds004", "CKV_DOCKER_1"],
        },
        ssh_port,
    ),
    rule(
        Check {
            id: "CDF014",
            title: "World-writable permissions",
            severity: Severity::Medium,
            description: "`chmod 777` (or any mode giving others write access without the sticky \
                bit) lets every user of the container change the files.",
            remediation: "Give the files to the user that needs them (`COPY --chown`) and use \
                modes such as 755 or 644.",
            references: &["https://docs.docker.com/reference/dockerfile/#copy---chmod"],
        },
        world_writable,
    ),
    rule(
        Check {
            id: "CDF015",
            title: "WORKDIR with a relative path",
            severity: Severity::Low,
            description: "A relative WORKDIR is resolved against the previous one, so the \
                directory depends on the base image and instruction order.",
            remediation: "Use an absolute path in WORKDIR.",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL3000",
                "https://avd.aquasec.com/misconfig/ds009",
            ],
        },
        relative_workdir,
    ),
    rule(
        Check {
            id: "CDF016",
            title: "Multiple CMD or ENTRYPOINT in one stage",
            severity: Severity::Medium,
            description: "Only the last CMD and the last ENTRYPOINT of a stage take effect; the \
                earlier ones are dead code that misleads readers.",
            remediation: "Keep one CMD and one ENTRYPOINT per stage.",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL4003",
                "https://github.com/hadolint/hadolint/wiki/DL4004",
                "https://avd.aquasec.com/misconfig/ds007",
                "https://avd.aquasec.com/misconfig/ds016",
            ],
        },
        multiple_commands,
    ),
    rule(
        Check {
            id: "CDF017",
            title: "apt-get upgrade or dist-upgrade",
            severity: Severity::Low,
            description: "Upgrading every package inside a build makes the result depend on the \
                day of the build; updates belong in a newer base image.",
            remediation: "Use an updated base image, and install specific versions of the few \
                packages that need a newer release.",
            references: &[
                "https://github.com/hadolint/hadolint/wiki/DL3005",
                "https://avd.aquasec.com/misconfig/ds024",
            ],
        },
        apt_upgrade,
    ),
];

fn root_user(context: &Context<'_>, sink: &mut Sink<'_>) {
    let chain = context.final_chain();
    let Some(last) = chain.first() else {
        return;
    };
    let user = chain.iter().find_map(|stage| {
        stage
            .instructions
            .iter()
            .rev()
            .find(|instruction| instruction.keyword == Keyword::User)
    });
    match user {
        None => sink.emit(
            last.from.line,
            "the final stage sets no USER, so the image runs as root",
        ),
        Some(user) => {
            let text = user.text();
            let name = text.split(':').next().unwrap_or("").trim();
            if name == "root" || (!name.is_empty() && name.trim_start_matches('0').is_empty()) {
                sink.emit(
                    user.line,
                    format!("the last USER of the final stage is {name}"),
                );
            }
        }
    }
}

fn latest_base(context: &Context<'_>, sink: &mut Sink<'_>) {
    for stage in &context.stages {
        let Base::Image(image) = &stage.base else {
            continue;
        };
        if image.contains('@') {
            continue;
        }
        let last_component = image.rsplit('/').next().unwrap_or(image);
        match last_component.split_once(':') {
            None => sink.emit(
                stage.from.line,
                format!("base image {image} has no tag, so it means :latest"),
            ),
            Some((_, "latest")) => {
                sink.emit(stage.from.line, format!("base image {image} uses :latest"));
            }
            Some(_) => {}
        }
    }
}

/// The sources of a COPY or ADD: every argument but the destination, flags excluded.
fn sources(instruction: &Instruction) -> Vec<String> {
    let mut words = match &instruction.arguments {
        Arguments::Exec(words) => words.clone(),
        Arguments::Shell(text) => shell::pipelines(text)
            .into_iter()
            .flatten()
            .flat_map(|command| command.words)
            .collect(),
    };
    words.pop();
    words
}

fn is_url(source: &str) -> bool {
    let lowered = source.to_ascii_lowercase();
    ["http://", "https://", "git@", "git://"]
        .iter()
        .any(|scheme| lowered.starts_with(scheme))
}

/// Whether ADD would extract the file: the archive formats ADD recognises.
fn is_archive(source: &str) -> bool {
    let lowered = source.to_ascii_lowercase();
    [
        ".tar",
        ".tar.gz",
        ".tgz",
        ".tar.bz2",
        ".tbz2",
        ".tbz",
        ".tar.xz",
        ".txz",
        ".tar.zst",
        ".tzst",
        ".tar.lz",
        ".tar.lzma",
        ".tlz",
    ]
    .iter()
    .any(|extension| lowered.ends_with(extension))
}

fn adds<'a>(context: &Context<'a>) -> impl Iterator<Item = &'a Instruction> {
    context
        .dockerfile
        .instructions
        .iter()
        .filter(|instruction| {
            instruction.keyword == Keyword::Add && instruction.heredocs.is_empty()
        })
}

fn add_local(context: &Context<'_>, sink: &mut Sink<'_>) {
    for add in adds(context) {
        let local: Vec<String> = sources(add)
            .into_iter()
            .filter(|source| !is_url(source) && !is_archive(source))
            .collect();
        if !local.is_empty() {
            sink.emit(
                add.line,
                format!("ADD of {}; COPY would do", local.join(", ")),
            );
        }
    }
}

fn add_url(context: &Context<'_>, sink: &mut Sink<'_>) {
    for add in adds(context) {
        if add.flag("checksum").is_some() {
            continue;
        }
        for source in sources(add).into_iter().filter(|source| is_url(source)) {
            sink.emit(
                add.line,
                format!("ADD downloads {source} without --checksum"),
            );
        }
    }
}

const SHELLS: [&str; 7] = ["sh", "bash", "ash", "dash", "zsh", "ksh", "fish"];

fn pipe_to_shell(context: &Context<'_>, sink: &mut Sink<'_>) {
    for (run, pipelines) in &context.runs {
        for pipeline in pipelines {
            let download = pipeline.iter().position(|command| {
                command
                    .program()
                    .is_some_and(|(program, _)| matches!(program, "curl" | "wget"))
            });
            let Some(download) = download else { continue };
            let shell = pipeline.iter().skip(download + 1).find_map(|command| {
                command
                    .program()
                    .map(|(program, _)| program)
                    .filter(|program| SHELLS.contains(program))
            });
            if let Some(shell) = shell {
                sink.emit(run.line, format!("a download is piped into {shell}"));
            }
        }
    }
}

/// Name fragments that mark a variable as holding a secret (matched on the uppercased name).
const SECRET_NAMES: [&str; 9] = [
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "ACCESS_KEY",
    "PRIVATE_KEY",
    "CREDENTIAL",
];

/// Suffixes that name where a secret is, not the secret itself.
const SECRET_REFERENCE_SUFFIXES: [&str; 5] = ["_FILE", "_PATH", "_DIR", "_URL", "_ENV"];

fn secret_assignment(context: &Context<'_>, sink: &mut Sink<'_>) {
    for instruction in &context.dockerfile.instructions {
        if !matches!(instruction.keyword, Keyword::Env | Keyword::Arg) {
            continue;
        }
        for (name, value) in stage::assignments(instruction) {
            let upper = name.to_ascii_uppercase();
            let secret_name = SECRET_NAMES.iter().any(|fragment| upper.contains(fragment))
                && !SECRET_REFERENCE_SUFFIXES
                    .iter()
                    .any(|suffix| upper.ends_with(suffix));
            let literal = value.is_some_and(|value| !value.is_empty() && !value.starts_with('$'));
            if secret_name && literal {
                let keyword = if instruction.keyword == Keyword::Env {
                    "ENV"
                } else {
                    "ARG"
                };
                sink.emit(
                    instruction.line,
                    format!("{keyword} {name} is set to a literal value"),
                );
            }
        }
    }
}

/// The options of `apt-get` that take a separate value word.
const APT_OPTIONS_WITH_VALUES: &[&str] = &["-o", "-t", "--target-release", "-c", "--config-file"];

/// The subcommand and arguments of an `apt-get` or `apt` command.
fn apt_command(command: &shell::Command) -> Option<(&str, &[String])> {
    let (program, arguments) = command.program()?;
    if !matches!(program, "apt-get" | "apt") {
        return None;
    }
    let subcommand = *operands(arguments, APT_OPTIONS_WITH_VALUES).first()?;
    Some((subcommand, arguments))
}

/// The arguments of `apt-get`/`apt` commands whose subcommand is one of `subcommands`, with
/// the `RUN` they are in.
fn apt<'a>(
    context: &'a Context<'_>,
    subcommands: &'a [&str],
) -> impl Iterator<Item = (&'a Instruction, &'a str, &'a [String])> {
    context.commands().filter_map(move |(run, command)| {
        let (subcommand, arguments) = apt_command(command)?;
        subcommands
            .contains(&subcommand)
            .then_some((run, subcommand, arguments))
    })
}

fn apt_recommends(context: &Context<'_>, sink: &mut Sink<'_>) {
    for (run, _, arguments) in apt(context, &["install"]) {
        if !arguments.iter().any(|word| {
            word == "--no-install-recommends" || word.contains("Install-Recommends=false")
        }) {
            sink.emit(run.line, "apt-get install without --no-install-recommends");
        }
    }
}

/// Whether a RUN keeps apt's caches out of the layer with a cache mount.
fn mounts_apt_cache(run: &Instruction) -> bool {
    run.flags.iter().any(|(name, value)| {
        name == "mount" && value.contains("type=cache") && value.contains("/var/lib/apt")
    })
}

/// Like hadolint's DL3009, only stages that end up in the image are judged: a build stage's
/// leftover lists are thrown away with it.
fn apt_lists(context: &Context<'_>, sink: &mut Sink<'_>) {
    let shipped: Vec<_> = context
        .final_chain()
        .iter()
        .map(|stage| stage.instructions.as_ptr_range())
        .collect();
    for (run, pipelines) in &context.runs {
        let pointer: *const Instruction = *run;
        if !shipped.iter().any(|range| range.contains(&pointer)) {
            continue;
        }
        let installs = pipelines.iter().flatten().any(|command| {
            apt_command(command).is_some_and(|(subcommand, _)| subcommand == "install")
        });
        if !installs || mounts_apt_cache(run) {
            continue;
        }
        let cleans = pipelines.iter().flatten().any(|command| {
            command.program().is_some_and(|(program, arguments)| {
                program == "rm"
                    && arguments
                        .iter()
                        .any(|word| word.starts_with("/var/lib/apt/lists"))
            })
        });
        if !cleans {
            sink.emit(
                run.line,
                "apt-get install without removing /var/lib/apt/lists",
            );
        }
    }
}

/// The `apk add` commands with their arguments after `add`.
fn apk_adds<'a>(context: &'a Context<'_>) -> impl Iterator<Item = (&'a Instruction, &'a [String])> {
    context.commands().filter_map(|(run, command)| {
        let (program, arguments) = command.program()?;
        let position = arguments.iter().position(|word| !word.starts_with('-'))?;
        (program == "apk" && arguments.get(position).is_some_and(|word| word == "add"))
            .then(|| (run, arguments.get(position + 1..).unwrap_or(&[])))
    })
}

fn apk_cache(context: &Context<'_>, sink: &mut Sink<'_>) {
    for (run, arguments) in apk_adds(context) {
        let no_cache = arguments.iter().any(|word| word == "--no-cache");
        let cache_mount = run.flags.iter().any(|(name, value)| {
            name == "mount" && value.contains("type=cache") && value.contains("/var/cache/apk")
        });
        if !no_cache && !cache_mount {
            sink.emit(run.line, "apk add without --no-cache");
        }
    }
}

/// The package operands of a command: words that are neither options nor option values.
fn operands<'a>(arguments: &'a [String], options_with_values: &[&str]) -> Vec<&'a str> {
    let mut operands = Vec::new();
    let mut skip = false;
    for word in arguments {
        if std::mem::take(&mut skip) {
            continue;
        }
        if word.starts_with('-') {
            skip = !word.contains('=') && options_with_values.contains(&word.as_str());
        } else {
            operands.push(word.as_str());
        }
    }
    operands
}

/// Whether an operand's version cannot be judged or is pinned by its form (a file, a variable).
fn is_opaque(package: &str) -> bool {
    package.contains('$') || package.contains('/') || package.starts_with('.')
}

fn unpinned_packages(context: &Context<'_>, sink: &mut Sink<'_>) {
    unpinned_apt(context, sink);
    unpinned_apk(context, sink);
    unpinned_pip(context, sink);
}

/// Reports the packages one install command leaves unpinned, if any.
fn report_unpinned(sink: &mut Sink<'_>, run: &Instruction, manager: &str, unpinned: &[&str]) {
    if !unpinned.is_empty() {
        sink.emit(
            run.line,
            format!(
                "{manager} installs {} without a version",
                unpinned.join(", ")
            ),
        );
    }
}

/// Whether a path has the given extension, compared case-insensitively.
fn has_extension(package: &str, extension: &str) -> bool {
    Path::new(package)
        .extension()
        .is_some_and(|found| found.eq_ignore_ascii_case(extension))
}

/// apt pins with `name=version`; local `.deb` files are pinned by their content.
fn unpinned_apt(context: &Context<'_>, sink: &mut Sink<'_>) {
    for (run, _, arguments) in apt(context, &["install"]) {
        let unpinned: Vec<&str> = operands(arguments, APT_OPTIONS_WITH_VALUES)
            .into_iter()
            .skip(1)
            .filter(|package| {
                !package.contains('=') && !is_opaque(package) && !has_extension(package, "deb")
            })
            .collect();
        report_unpinned(sink, run, "apt-get", &unpinned);
    }
}

/// apk pins with `name=version` or a constraint (`name~1.2`, `name>=1.2`).
fn unpinned_apk(context: &Context<'_>, sink: &mut Sink<'_>) {
    const OPTIONS_WITH_VALUES: &[&str] = &[
        "-t",
        "--virtual",
        "-X",
        "--repository",
        "-p",
        "--root",
        "--arch",
        "--keys-dir",
        "--repositories-file",
    ];
    for (run, arguments) in apk_adds(context) {
        let unpinned: Vec<&str> = operands(arguments, OPTIONS_WITH_VALUES)
            .into_iter()
            .filter(|package| !package.contains(['=', '<', '>', '~']) && !is_opaque(package))
            .collect();
        report_unpinned(sink, run, "apk", &unpinned);
    }
}

/// pip pins with a version specifier or a direct reference (`name @ url`); requirement and
/// constraint files carry their own pins, wheels and paths are pinned by their content, and
/// `pip install --upgrade pip` is the usual bootstrap hadolint also accepts.
fn unpinned_pip(context: &Context<'_>, sink: &mut Sink<'_>) {
    const OPTIONS_WITH_VALUES: &[&str] = &[
        "-i",
        "--index-url",
        "--extra-index-url",
        "-f",
        "--find-links",
        "-t",
        "--target",
        "--prefix",
        "--root",
        "-e",
        "--editable",
        "--trusted-host",
        "--platform",
        "--python-version",
        "--implementation",
        "--abi",
        "--no-binary",
        "--only-binary",
        "--cache-dir",
        "--src",
        "--upgrade-strategy",
        "--log",
        "--proxy",
        "--timeout",
        "--retries",
    ];
    for (run, command) in context.commands() {
        let Some((program, arguments)) = command.program() else {
            continue;
        };
        let arguments = match arguments {
            [flag, module, rest @ ..]
                if program.starts_with("python") && flag == "-m" && module == "pip" =>
            {
                rest
            }
            _ if program == "pip" || program.starts_with("pip3") => arguments,
            _ => continue,
        };
        let Some((subcommand, rest)) = arguments.split_first() else {
            continue;
        };
        let uses_files = rest.iter().any(|word| {
            matches!(
                word.as_str(),
                "-r" | "--requirement" | "-c" | "--constraint"
            )
        });
        if subcommand != "install" || uses_files {
            continue;
        }
        let unpinned: Vec<&str> = operands(rest, OPTIONS_WITH_VALUES)
            .into_iter()
            .filter(|package| {
                !package.contains(['=', '<', '>', '@'])
                    && !is_opaque(package)
                    && !has_extension(package, "whl")
                    && *package != "pip"
            })
            .collect();
        report_unpinned(sink, run, "pip", &unpinned);
    }
}

fn sudo(context: &Context<'_>, sink: &mut Sink<'_>) {
    for (run, pipelines) in &context.runs {
        if pipelines.iter().flatten().any(shell::Command::uses_sudo) {
            sink.emit(run.line, "RUN uses sudo");
        }
    }
}

fn healthcheck(context: &Context<'_>, sink: &mut Sink<'_>) {
    let chain = context.final_chain();
    let Some(last) = chain.first() else { return };
    let has_healthcheck = chain.iter().any(|stage| {
        stage
            .instructions
            .iter()
            .any(|instruction| instruction.keyword == Keyword::Healthcheck)
    });
    if !has_healthcheck {
        sink.emit(last.from.line, "the final stage defines no HEALTHCHECK");
    }
}

fn ssh_port(context: &Context<'_>, sink: &mut Sink<'_>) {
    for expose in context
        .dockerfile
        .instructions
        .iter()
        .filter(|instruction| instruction.keyword == Keyword::Expose)
    {
        let exposes_ssh = expose.text().split_whitespace().any(|port| {
            let port = port.split('/').next().unwrap_or(port);
            let (low, high) = port.split_once('-').unwrap_or((port, port));
            matches!((low.parse::<u32>(), high.parse::<u32>()), (Ok(low), Ok(high)) if (low..=high).contains(&22))
        });
        if exposes_ssh {
            sink.emit(expose.line, "EXPOSE includes port 22 (SSH)");
        }
    }
}

/// Whether a chmod mode, octal or symbolic, gives others write access without the sticky bit.
fn is_world_writable(mode: &str) -> bool {
    if !mode.is_empty() && mode.len() <= 4 && mode.chars().all(|c| ('0'..='7').contains(&c)) {
        let Ok(bits) = u32::from_str_radix(mode, 8) else {
            return false;
        };
        return bits & 0o002 != 0 && bits & 0o1000 == 0;
    }
    mode.split(',').any(|clause| {
        let who_end = clause
            .find(|c: char| !"ugoa".contains(c))
            .unwrap_or(clause.len());
        let (who, rest) = clause.split_at(who_end);
        (who.contains('o') || who.contains('a'))
            && (rest.starts_with('+') || rest.starts_with('='))
            && rest.contains('w')
    })
}

fn world_writable(context: &Context<'_>, sink: &mut Sink<'_>) {
    for (run, command) in context.commands() {
        let Some(("chmod", arguments)) = command.program() else {
            continue;
        };
        if let Some(mode) = arguments.iter().find(|word| !word.starts_with('-'))
            && is_world_writable(mode)
        {
            sink.emit(run.line, format!("chmod {mode} makes files world-writable"));
        }
    }
    for instruction in &context.dockerfile.instructions {
        if let Some(mode) = instruction.flag("chmod")
            && is_world_writable(mode)
        {
            sink.emit(
                instruction.line,
                format!("--chmod={mode} makes files world-writable"),
            );
        }
    }
}

fn relative_workdir(context: &Context<'_>, sink: &mut Sink<'_>) {
    for workdir in context
        .dockerfile
        .instructions
        .iter()
        .filter(|instruction| instruction.keyword == Keyword::Workdir)
    {
        let text = workdir.text();
        let path = text.trim().trim_matches(['"', '\'']);
        let windows_absolute = path.get(1..2) == Some(":") || path.starts_with('\\');
        if !(path.starts_with('/') || path.starts_with('$') || windows_absolute || path.is_empty())
        {
            sink.emit(workdir.line, format!("WORKDIR {path} is relative"));
        }
    }
}

fn multiple_commands(context: &Context<'_>, sink: &mut Sink<'_>) {
    for stage in &context.stages {
        for (keyword, name) in [(Keyword::Cmd, "CMD"), (Keyword::Entrypoint, "ENTRYPOINT")] {
            let mut occurrences = stage
                .instructions
                .iter()
                .filter(|instruction| instruction.keyword == keyword);
            let Some(first) = occurrences.next() else {
                continue;
            };
            for later in occurrences {
                sink.emit(
                    later.line,
                    format!(
                        "{name} repeats the one on line {}; only the last takes effect",
                        first.line
                    ),
                );
            }
        }
    }
}

fn apt_upgrade(context: &Context<'_>, sink: &mut Sink<'_>) {
    for (run, subcommand, _) in apt(context, &["upgrade", "dist-upgrade", "full-upgrade"]) {
        sink.emit(
            run.line,
            format!("apt-get {subcommand} upgrades every package"),
        );
    }
}
