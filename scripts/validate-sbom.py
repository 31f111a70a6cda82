#!/usr/bin/env python3
"""Validates SBOM files with the formats' own reference libraries.

    validate-sbom.py cyclonedx FILE...   CycloneDX 1.6 JSON: cyclonedx-python-lib's strict JSON
                                         schema validator, then the reference rules the schema
                                         cannot express (bom-refs unique; every dependency
                                         `ref` and `dependsOn` names a bom-ref of the BOM)
    validate-sbom.py spdx FILE...        SPDX 2.3 JSON: spdx-tools' parser and full document
                                         validation, what `pyspdxtools -i FILE` runs

Run it with the peers venv's python (/work/shared/bench/install-peers.sh installs it):
    .peers/bin/python scripts/validate-sbom.py cyclonedx bom.cdx.json

Prints one line per problem and exits 1 when any file is invalid, 0 when all are valid.
"""

import sys


def validate_cyclonedx(path):
    import json

    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    with open(path, encoding="utf-8") as file:
        text = file.read()
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        return [f"schema: {error}"]
    # cyclonedx-python-lib 7 cannot deserialize the 1.5+ `metadata.tools` object form into its
    # model, so the reference rules its model would enforce are checked here instead.
    bom = json.loads(text)
    problems = []
    refs = []

    def collect(component):
        if "bom-ref" in component:
            refs.append(component["bom-ref"])
        for child in component.get("components", []):
            collect(child)

    if "component" in bom.get("metadata", {}):
        collect(bom["metadata"]["component"])
    for component in bom.get("components", []):
        collect(component)
    duplicates = sorted({ref for ref in refs if refs.count(ref) > 1})
    if duplicates:
        problems.append(f"references: duplicate bom-refs {duplicates}")
    known = set(refs)
    for dependency in bom.get("dependencies", []):
        for ref in [dependency["ref"], *dependency.get("dependsOn", [])]:
            if ref not in known:
                problems.append(f"references: dependency names unknown bom-ref {ref!r}")
    return problems


def validate_spdx(path):
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    try:
        document = parse_file(path)
    except Exception as error:  # parse errors come in several types
        return [f"parse: {type(error).__name__}: {error}"]
    return [message.validation_message for message in validate_full_spdx_document(document, "SPDX-2.3")]


def main(argv):
    validators = {"cyclonedx": validate_cyclonedx, "spdx": validate_spdx}
    if len(argv) < 3 or argv[1] not in validators:
        print(__doc__, file=sys.stderr)
        return 2
    invalid = False
    for path in argv[2:]:
        problems = validators[argv[1]](path)
        for problem in problems:
            print(f"{path}: {problem}")
        if problems:
            invalid = True
        else:
            print(f"{path}: valid {argv[1]}")
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
