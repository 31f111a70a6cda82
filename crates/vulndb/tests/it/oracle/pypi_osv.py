#!/usr/bin/env python3
"""An independent OSV evaluator for PyPI, used as the oracle of tests/it/oracle.rs.

    pypi_osv.py VULNS_DIR PAIRS_JSON

VULNS_DIR is the PyPA advisory database's `vulns/` folder (OSV YAML records); PAIRS_JSON a file
holding a JSON list of [name, version] pairs. Prints a JSON object mapping "name@version" to the
sorted ids of the non-withdrawn advisories affecting it, or to null when `packaging` cannot parse
the version.

It follows the OSV schema's evaluation algorithm (https://ossf.github.io/osv-schema/#evaluation)
with `packaging.version.Version`, the reference PEP 440 implementation, as the comparator:
ECOSYSTEM ranges only, events sorted by version with "0" first, `introduced` opens, `fixed`
closes at its version, `last_affected` closes after it; or the version is listed in `versions`.
Names match after PEP 503 normalization.
"""

import json
import re
import sys
from pathlib import Path

import yaml
from packaging.version import InvalidVersion, Version

# libyaml when PyYAML was built with it: the corpus is some 4,000 records.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def normalize(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def parse(version):
    try:
        return Version(version)
    except InvalidVersion:
        return None


def points_of(events):
    """The events as (rank, version, kind), sorted; None when a version does not parse."""
    points = []
    for event in events:
        (kind, value), = event.items()
        if kind == "limit":
            return None  # not used by PyPA records; refuse rather than guess
        if value == "0":
            points.append((0, Version("0"), kind))
            continue
        parsed = parse(value)
        if parsed is None:
            return None
        points.append((1, parsed, kind))
    points.sort(key=lambda point: (point[0], point[1]))
    return points


def in_range(points, installed):
    affected = False
    for rank, version, kind in points:
        if kind == "introduced" and (rank == 0 or installed >= version):
            affected = True
        elif kind == "fixed" and installed >= version:
            affected = False
        elif kind == "last_affected" and installed > version:
            affected = False
    return affected


def main():
    vulns, pairs_file = Path(sys.argv[1]), Path(sys.argv[2])
    by_name = {}
    for path in sorted(vulns.glob("*/*.yaml")):
        record = yaml.load(path.read_text(encoding="utf-8"), Loader=LOADER)
        if record.get("withdrawn"):
            continue
        for affected in record.get("affected", []):
            package = affected.get("package", {})
            if package.get("ecosystem") != "PyPI":
                continue
            ranges = [
                points_of(range_["events"])
                for range_ in affected.get("ranges", [])
                if range_.get("type") == "ECOSYSTEM"
            ]
            listed = {parse(version) for version in affected.get("versions", [])} - {None}
            entry = (record["id"], [points for points in ranges if points is not None], listed)
            by_name.setdefault(normalize(package["name"]), []).append(entry)
    answer = {}
    for name, version in json.loads(pairs_file.read_text(encoding="utf-8")):
        installed = parse(version)
        key = f"{name}@{version}"
        if installed is None:
            answer[key] = None
            continue
        ids = set()
        for advisory, ranges, listed in by_name.get(normalize(name), []):
            if installed in listed or any(in_range(points, installed) for points in ranges):
                ids.add(advisory)
        answer[key] = sorted(ids)
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
