//! Dockerfile checks: for every check a hand-written Dockerfile that fails it (asserting the
//! lines reported) and its fixed version that passes, plus recognition and hostile input.

use std::path::Path;

use custody_misconfig::{dockerfile_checks, is_dockerfile, scan_dockerfile};
use custody_model::Misconfiguration;

fn scan(text: &str) -> Vec<Misconfiguration> {
    scan_dockerfile("Dockerfile", text)
}

/// The lines at which `id` is reported for `text`.
fn lines(text: &str, id: &str) -> Vec<u32> {
    scan(text)
        .into_iter()
        .filter(|finding| finding.id == id)
        .map(|finding| finding.line)
        .collect()
}

/// The messages of `id`'s findings, to check what a finding names.
fn messages(text: &str, id: &str) -> Vec<String> {
    scan(text)
        .into_iter()
        .filter(|finding| finding.id == id)
        .map(|finding| finding.message)
        .collect()
}

/// No finding lines.
const NONE: [u32; 0] = [];

/// A Dockerfile that passes every check; the negative cases below are variations of it.
const CLEAN: &str = r#"# syntax=docker/dockerfile:1
ARG VERSION=12.7
FROM --platform=$BUILDPLATFORM debian:${VERSION} AS build
WORKDIR /src
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc=4:12.2.0-3 make=4.3-4.1 \
    && rm -rf /var/lib/apt/lists/*
COPY . .
RUN make

FROM alpine:3.20@sha256:0000000000000000000000000000000000000000000000000000000000000000
RUN apk add --no-cache ca-certificates=20240705-r0 \
    && pip install --no-cache-dir requests==2.32.3
COPY --from=build --chmod=755 /src/app /usr/local/bin/app
EXPOSE 8080
USER 10001:10001
HEALTHCHECK CMD ["/usr/local/bin/app", "health"]
ENTRYPOINT ["/usr/local/bin/app"]
"#;

#[test]
fn clean_dockerfile_has_no_findings() {
    let findings = scan(CLEAN);
    assert!(findings.is_empty(), "{findings:#?}");
}

#[test]
fn every_check_is_described_once() {
    let checks: Vec<_> = dockerfile_checks().collect();
    let ids: Vec<&str> = checks.iter().map(|check| check.id).collect();
    let expected: Vec<String> = (0..=17).map(|number| format!("CDF{number:03}")).collect();
    assert_eq!(ids, expected);
    for check in checks {
        assert!(
            !check.title.is_empty() && !check.description.is_empty(),
            "{}",
            check.id
        );
        assert!(
            !check.remediation.is_empty() && !check.references.is_empty(),
            "{}",
            check.id
        );
    }
}

#[test]
fn cdf001_root_user() {
    // No USER at all: reported on the final FROM.
    assert_eq!(lines("FROM alpine:3.20\nRUN true\n", "CDF001"), [1]);
    // The last USER is root (by name or uid), even after an unprivileged one.
    assert_eq!(
        lines("FROM alpine:3.20\nUSER app\nUSER root\n", "CDF001"),
        [3]
    );
    assert_eq!(lines("FROM alpine:3.20\nUSER 0:0\n", "CDF001"), [2]);
    // A USER in an earlier, unrelated stage does not count for the final stage.
    assert_eq!(
        lines(
            "FROM alpine:3.20 AS a\nUSER app\nFROM alpine:3.20\n",
            "CDF001"
        ),
        [3]
    );
    // Negative: the final stage, or the stage it builds on, switches to a user.
    assert_eq!(
        lines(
            "FROM alpine:3.20\nUSER root\nRUN true\nUSER 1000\n",
            "CDF001"
        ),
        NONE
    );
    assert_eq!(
        lines("FROM alpine:3.20 AS base\nUSER app\nFROM base\n", "CDF001"),
        NONE
    );
}

#[test]
fn cdf002_latest_or_untagged_base() {
    let text = "FROM ubuntu\nFROM registry.example.com:5000/team/app:latest AS app\nFROM app\nFROM scratch\n";
    assert_eq!(lines(text, "CDF002"), [1, 2]);
    assert_eq!(
        messages(text, "CDF002"),
        [
            "base image ubuntu has no tag, so it means :latest",
            "base image registry.example.com:5000/team/app:latest uses :latest",
        ]
    );
    // ARG defaults are substituted; an ARG without default is unknown and not judged.
    assert_eq!(lines("ARG IMAGE=node\nFROM $IMAGE\n", "CDF002"), [2]);
    // Negative: tags, digests, registry ports, scratch, stage names, unknown arguments.
    let clean = "ARG TAG\nFROM node:22\nFROM registry:5000/app@sha256:abc AS a\nFROM a\nFROM scratch\nFROM node:$TAG\n";
    assert_eq!(lines(clean, "CDF002"), NONE);
}

#[test]
fn cdf003_add_local_files() {
    assert_eq!(
        lines(
            "FROM alpine:3.20\nADD app.py /app/\nADD [\"a b\", \"/c\"]\n",
            "CDF003"
        ),
        [2, 3]
    );
    // Negative: COPY, and ADD of a local archive (extraction is what ADD is for).
    assert_eq!(
        lines(
            "FROM alpine:3.20\nCOPY app.py /app/\nADD rootfs.tar.gz /\n",
            "CDF003"
        ),
        NONE
    );
}

#[test]
fn cdf004_add_urls() {
    assert_eq!(
        lines(
            "FROM alpine:3.20\nADD https://example.com/tool.tgz /opt/\n",
            "CDF004"
        ),
        [2]
    );
    // Negative: a --checksum pins the download.
    let pinned = "FROM alpine:3.20\nADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2945d1036d1dc68d https://example.com/tool.tgz /opt/\n";
    assert_eq!(lines(pinned, "CDF004"), NONE);
}

#[test]
fn cdf005_download_piped_to_shell() {
    let text = "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0 && \\\n    curl -fsSL https://example.com/i.sh | sudo -E bash -s --\nRUN <<EOF\nwget -qO- https://example.com/i.sh | sh\nEOF\n";
    assert_eq!(lines(text, "CDF005"), [2, 4]);
    // Negative: downloaded to a file and verified, or piped to something that is not a shell.
    let clean = "FROM alpine:3.20\nRUN curl -fsSLo i.sh https://example.com/i.sh && sha256sum -c i.sum && sh i.sh\nRUN curl -fsSL https://example.com/k.asc | gpg --import\n";
    assert_eq!(lines(clean, "CDF005"), NONE);
}

#[test]
fn cdf006_secrets_in_env_and_arg() {
    let text = "FROM alpine:3.20\nENV DB_PASSWORD=hunter2 MODE=prod\nARG GITHUB_TOKEN=ghp_example\nENV API_KEY abc def\n";
    assert_eq!(lines(text, "CDF006"), [2, 3, 4]);
    assert_eq!(
        messages(text, "CDF006"),
        [
            "ENV DB_PASSWORD is set to a literal value",
            "ARG GITHUB_TOKEN is set to a literal value",
            "ENV API_KEY is set to a literal value",
        ]
    );
    // The value is never echoed.
    assert!(
        scan(text)
            .iter()
            .all(|finding| !finding.message.contains("hunter2"))
    );
    // Negative: no value, a variable reference, a file path, or an unrelated name.
    let clean = "FROM alpine:3.20\nARG NPM_TOKEN\nENV NPM_TOKEN=$NPM_TOKEN\nENV DB_PASSWORD_FILE=/run/secrets/db\nENV TOKENIZER=bert\n";
    assert_eq!(lines(clean, "CDF006"), [5]);
    assert_eq!(lines(&clean.replace("TOKENIZER", "MODEL"), "CDF006"), NONE);
}

#[test]
fn cdf007_apt_without_no_install_recommends() {
    assert_eq!(
        lines(
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n",
            "CDF007"
        ),
        [2]
    );
    assert_eq!(
        lines(
            "FROM debian:12\nRUN apt-get install -y --no-install-recommends curl\n",
            "CDF007"
        ),
        NONE
    );
}

#[test]
fn cdf008_apt_lists_not_removed() {
    assert_eq!(
        lines(
            "FROM debian:12\nRUN apt-get update && apt-get install -y curl\nRUN rm -rf /var/lib/apt/lists/*\n",
            "CDF008"
        ),
        [2]
    );
    // Negative: removed in the same RUN, kept out of the layer by a cache mount, or in a build
    // stage the final image does not build on.
    assert_eq!(
        lines(
            "FROM debian:12 AS build\nRUN apt-get install -y gcc\nFROM debian:12\nCOPY --from=build /a /a\n",
            "CDF008"
        ),
        NONE
    );
    assert_eq!(
        lines(
            "FROM debian:12\nRUN apt-get install -y curl && rm -rf /var/lib/apt/lists/*\n",
            "CDF008"
        ),
        NONE
    );
    assert_eq!(
        lines(
            "FROM debian:12\nRUN --mount=type=cache,target=/var/lib/apt apt-get install -y curl\n",
            "CDF008"
        ),
        NONE
    );
}

#[test]
fn cdf009_apk_without_no_cache() {
    assert_eq!(
        lines(
            "FROM alpine:3.20\nRUN apk update && apk add curl=8.9.1-r0\n",
            "CDF009"
        ),
        [2]
    );
    assert_eq!(
        lines(
            "FROM alpine:3.20\nRUN apk add --no-cache curl=8.9.1-r0\n",
            "CDF009"
        ),
        NONE
    );
}

#[test]
fn cdf010_unpinned_packages() {
    let text = "FROM debian:12\nRUN apt-get -o Dpkg::Options::=--force-confnew install -y curl git=1:2.39.5-0+deb12u1\nRUN apk add --no-cache --virtual .deps gcc musl-dev~1.2\nRUN python3 -m pip install --no-cache-dir flask requests==2.32.3\n";
    assert_eq!(lines(text, "CDF010"), [2, 3, 4]);
    assert_eq!(
        messages(text, "CDF010"),
        [
            "apt-get installs curl without a version",
            "apk installs gcc without a version",
            "pip installs flask without a version",
        ]
    );
    // Negative: pinned, from files, from variables, or pip bootstrapping itself.
    let clean = "FROM debian:12\nRUN apt-get install -y ./pkg.deb \"curl=7.88.1-10+deb12u8\"\nRUN apk add --no-cache gcc=13.2.1_git20240309-r0 $EXTRA\nRUN pip install -r requirements.txt && pip install --upgrade pip && pip3 install ./dist/app-1.0-py3-none-any.whl\n";
    assert_eq!(lines(clean, "CDF010"), NONE);
}

#[test]
fn cdf011_sudo() {
    assert_eq!(
        lines(
            "FROM debian:12\nUSER app\nRUN sudo apt-get install -y curl\n",
            "CDF011"
        ),
        [3]
    );
    // Negative: the word sudo as an argument (installing or mentioning it) is not running it.
    assert_eq!(
        lines(
            "FROM debian:12\nRUN echo sudo && grep -r sudo /etc\n",
            "CDF011"
        ),
        NONE
    );
}

#[test]
fn cdf012_missing_healthcheck() {
    assert_eq!(
        lines(
            "FROM alpine:3.20 AS a\nHEALTHCHECK CMD true\nFROM alpine:3.20\n",
            "CDF012"
        ),
        [3]
    );
    // Negative: defined, inherited from the stage built on, or explicitly disabled.
    assert_eq!(
        lines(
            "FROM alpine:3.20 AS a\nHEALTHCHECK CMD true\nFROM a\n",
            "CDF012"
        ),
        NONE
    );
    assert_eq!(
        lines("FROM alpine:3.20\nHEALTHCHECK NONE\n", "CDF012"),
        NONE
    );
}

#[test]
fn cdf013_ssh_port() {
    assert_eq!(
        lines(
            "FROM alpine:3.20\nEXPOSE 80 22/tcp\nEXPOSE 20-25\n",
            "CDF013"
        ),
        [2, 3]
    );
    assert_eq!(
        lines("FROM alpine:3.20\nEXPOSE 80 2222 443/tcp\n", "CDF013"),
        NONE
    );
}

#[test]
fn cdf014_world_writable() {
    let text = "FROM alpine:3.20\nRUN chmod -R 777 /app\nCOPY --chmod=0666 a /a\nRUN chmod o+w,u+x /data\n";
    assert_eq!(lines(text, "CDF014"), [2, 3, 4]);
    // Negative: owner-only write, and the sticky /tmp-style mode.
    assert_eq!(
        lines(
            "FROM alpine:3.20\nRUN chmod 755 /app && chmod 1777 /scratch && chmod u+w f\n",
            "CDF014"
        ),
        NONE
    );
}

#[test]
fn cdf015_relative_workdir() {
    assert_eq!(lines("FROM alpine:3.20\nWORKDIR app\n", "CDF015"), [2]);
    assert_eq!(
        lines(
            "FROM alpine:3.20\nWORKDIR /app\nWORKDIR $HOME\nWORKDIR \"/a b\"\n",
            "CDF015"
        ),
        NONE
    );
}

#[test]
fn cdf016_multiple_cmd_or_entrypoint() {
    let text = "FROM alpine:3.20\nCMD [\"a\"]\nENTRYPOINT [\"b\"]\nCMD [\"c\"]\nENTRYPOINT d\n";
    assert_eq!(lines(text, "CDF016"), [4, 5]);
    // Negative: one of each per stage, in several stages.
    assert_eq!(
        lines(
            "FROM alpine:3.20 AS a\nCMD a\nFROM alpine:3.20\nCMD b\nENTRYPOINT c\n",
            "CDF016"
        ),
        NONE
    );
}

#[test]
fn cdf017_apt_upgrade() {
    assert_eq!(
        lines(
            "FROM debian:12\nRUN apt-get update && apt-get -y dist-upgrade\nRUN apt upgrade\n",
            "CDF017"
        ),
        [2, 3]
    );
    assert_eq!(
        lines(
            "FROM debian:12\nRUN apt-get update && apt-get install --only-upgrade -y openssl=3.0.15-1~deb12u1\n",
            "CDF017"
        ),
        NONE
    );
}

#[test]
fn exec_form_and_escape_directive() {
    // Exec-form RUN is checked like the shell form.
    assert_eq!(
        lines("FROM debian:12\nRUN [\"sudo\", \"true\"]\n", "CDF011"),
        [2]
    );
    // With `# escape=`` ` a backslash is an ordinary character and backtick continues.
    let text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN sudo `\n    powershell x\nWORKDIR C:\\app\n";
    assert_eq!(lines(text, "CDF011"), [3]);
    assert_eq!(lines(text, "CDF015"), NONE);
}

#[test]
fn parse_problems_are_findings() {
    let text = "FROM alpine:3.20\nFROBNICATE now\nRUN <<EOF\napk add curl\n";
    let problems = messages(text, "CDF000");
    assert_eq!(
        problems,
        [
            "unknown instruction \"FROBNICATE\"",
            "heredoc <<EOF is never closed"
        ]
    );
    assert_eq!(lines(text, "CDF000"), [2, 3]);
    // The rest of the file is still checked.
    assert_eq!(lines(text, "CDF009"), [3]);
}

#[test]
fn hostile_input_is_bounded() {
    let huge = "RUN true\n".repeat(200_000);
    let findings = scan(&huge);
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].id, "CDF000");

    let many_instructions = format!("FROM alpine:3.20\n{}", "ENV A=b\n".repeat(20_000));
    assert_eq!(lines(&many_instructions, "CDF000"), [10_001]);

    // Every check is linear in the RUN count: 10,000 installs are judged at once.
    let many_runs = format!(
        "FROM debian:12\n{}",
        "RUN apt-get install -y curl | sh\n".repeat(9_999)
    );
    let started = std::time::Instant::now();
    assert_eq!(lines(&many_runs, "CDF010").len(), 9_999);
    assert!(
        started.elapsed().as_secs() < 10,
        "took {:?}",
        started.elapsed()
    );

    let one_long_line = format!("FROM alpine:3.20\nRUN {}", "\\\n".repeat(100_000));
    assert_eq!(lines(&one_long_line, "CDF000"), NONE);

    for garbage in [
        "\u{0}\u{1}FROM",
        "FROM",
        "FROM \"",
        "RUN '\"\\",
        "ENV",
        "ARG =",
        "FROM $",
        "FROM ${",
        "ADD",
        "EXPOSE -",
        "\r\n\r\n",
        "RUN <<",
        "RUN <<-\"\"\nRUN <<<x",
    ] {
        let _ = scan(garbage);
    }
}

#[test]
fn recognises_dockerfiles_by_name() {
    for name in [
        "Dockerfile",
        "dockerfile",
        "Containerfile",
        "Dockerfile.prod",
        "api.Dockerfile",
        "x/y/build.containerfile",
    ] {
        assert!(is_dockerfile(Path::new(name), b""), "{name}");
    }
    for name in [
        "Dockerfiles",
        "mydockerfile",
        "README.md",
        "Dockerfile.dockerignore",
        "Dockerfile-notes",
    ] {
        assert!(!is_dockerfile(Path::new(name), b"just text"), "{name}");
    }
}

#[test]
fn recognises_dockerfiles_by_content() {
    let starts = [
        &b"FROM alpine:3.20\n"[..],
        b"\xef\xbb\xbf# syntax=docker/dockerfile:1\n\n# comment\nARG BASE=alpine\nFROM $BASE\n",
    ];
    for first_bytes in starts {
        assert!(is_dockerfile(Path::new("build/recipe"), first_bytes));
    }
    let others = [
        &b"from os import path\n"[..],
        b"FROM x import y\n",
        b"# FROM alpine\nname: x\n",
        b"\xff\xfe\x00binary",
        b"",
    ];
    for first_bytes in others {
        assert!(!is_dockerfile(Path::new("build/recipe"), first_bytes));
    }
}
