#!/usr/bin/env python3
"""Package recall of custody against Syft on one target, per ecosystem (issue #4).

    bench/recall.py CUSTODY_BINARY SYFT_BINARY TARGET_DIR

Runs `custody sbom rootfs:TARGET_DIR --format json` and `syft scan dir:TARGET_DIR -o json`,
maps both to (ecosystem, name, version) with names compared the way each ecosystem compares
them (PyPI: PEP 503; others exact), and prints, per ecosystem, how many packages each tool
reports, how many Syft packages custody misses and how many custody reports that Syft does
not, listing every difference. Exits 1 when custody misses a Syft package in an ecosystem
issue #4 requires recall for (npm, PyPI, Maven, Go); differences the other way are printed
for BENCHMARKS.md to explain.
"""

import json
import re
import subprocess
import sys
from collections import defaultdict

# Syft artifact types -> custody ecosystems (purl types).
SYFT_TYPES = {
    "deb": "deb", "apk": "apk", "rpm": "rpm", "npm": "npm", "python": "pypi",
    "java-archive": "maven", "jenkins-plugin": "maven", "go-module": "golang",
    "rust-crate": "cargo", "gem": "gem", "php-composer": "composer", "dotnet": "nuget",
    "hex": "hex", "dart-pub": "pub", "swift": "swift", "pod": "cocoapods", "conan": "conan",
}
REQUIRED = {"npm", "pypi", "maven", "golang"}
# Syft packages custody leaves out on purpose, with the reason (BENCHMARKS.md repeats them).
EXPLAINED = {
    ("npm", "web", "1.0.0"): "the project itself (the lockfile's root entry), not a dependency: "
    "reporting it would match any npm advisory for a package that shares its name",
}


def key(ecosystem, name, version):
    if ecosystem == "pypi":
        name = re.sub(r"[-_.]+", "-", name).lower()
    return (ecosystem, name, version)


def custody_packages(binary, target):
    out = subprocess.run([binary, "sbom", f"rootfs:{target}", "--format", "json", "-q", "--no-cache"],
                         check=True, capture_output=True).stdout
    packages = set()
    for package in json.loads(out)["packages"]:
        name = package["name"]
        packages.add(key(package["ecosystem"], name, package["version"]))
    return packages


def syft_packages(binary, target):
    out = subprocess.run([binary, "scan", f"dir:{target}", "-o", "json", "-q"],
                         check=True, capture_output=True,
                         env={"SYFT_CHECK_FOR_APP_UPDATE": "false", "PATH": "/usr/bin:/bin"}).stdout
    packages = set()
    for artifact in json.loads(out)["artifacts"]:
        ecosystem = SYFT_TYPES.get(artifact["type"], artifact["type"])
        name, version = artifact["name"], artifact["version"]
        if ecosystem == "golang" and name == "stdlib":
            # Syft writes the toolchain as `go1.19.8` (its purl says `1.19.8`, OSV's spelling).
            version = version.removeprefix("go")
        if ecosystem == "maven":
            # Syft names Java packages by artifactId; the groupId is in the purl.
            purl = artifact.get("purl", "")
            match = re.match(r"pkg:maven/([^/]+)/([^@]+)@", purl)
            if match:
                name = f"{match.group(1)}:{match.group(2)}"
        packages.add(key(ecosystem, name, version))
    return packages


def main():
    custody, syft, target = sys.argv[1:4]
    ours, theirs = custody_packages(custody, target), syft_packages(syft, target)
    by_ecosystem = defaultdict(lambda: (set(), set()))
    for package in ours:
        by_ecosystem[package[0]][0].add(package)
    for package in theirs:
        by_ecosystem[package[0]][1].add(package)
    failed = False
    print(f"{'ecosystem':<10} {'custody':>8} {'syft':>6} {'missed':>7} {'extra':>6}")
    for ecosystem in sorted(by_ecosystem):
        mine, peer = by_ecosystem[ecosystem]
        explained = sorted(package for package in peer - mine if package in EXPLAINED)
        missed = sorted(package for package in peer - mine if package not in EXPLAINED)
        extra = sorted(mine - peer)
        print(f"{ecosystem:<10} {len(mine):>8} {len(peer):>6} {len(missed):>7} {len(extra):>6}")
        for package in explained:
            print(f"    left out: {package[1]} {package[2]}: {EXPLAINED[package]}")
        for _, name, version in missed:
            print(f"    missed: {name} {version}")
        for _, name, version in extra:
            print(f"    extra:  {name} {version}")
        failed |= ecosystem in REQUIRED and bool(missed)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
