"""Validate SARIF logs the way an upload to GitHub code scanning would, without a network.

The schema check uses the vendored OASIS errata01 schema (tests/data, see its README); the shared
reference copy in ../shared is the byte-exact original and is compared against it when present.
The schema does not know GitHub's own rules, so a few of those are checked on top.
"""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

VENDORED_SCHEMA = Path(__file__).with_name("data") / "sarif-schema-2.1.0.json"
SHARED_SCHEMA = Path(__file__).resolve().parents[1].parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"


@cache
def _validator():
    import jsonschema

    schema = json.loads(VENDORED_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def assert_valid_sarif(log: str | dict[str, Any]) -> dict[str, Any]:
    """Fail with every schema and GitHub error listed; return the parsed log for further asserts."""
    document = json.loads(log) if isinstance(log, str) else log
    errors = [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in sorted(_validator().iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
    ]
    errors += _github_errors(document)
    assert not errors, "invalid SARIF:\n" + "\n".join(errors)
    return document


def _github_errors(document: dict[str, Any]) -> list[str]:
    """What upload-sarif or GitHub's processing rejects although the schema allows it."""
    errors = []
    if "$schema" not in document:
        errors.append("<root>: $schema missing")
    for r, run in enumerate(document.get("runs", [])):
        if not isinstance(run.get("results"), list):
            errors.append(f"runs/{r}: results array missing")
        for rule in run["tool"]["driver"].get("rules", []):
            where = f"runs/{r}/rules/{rule['id']}"
            for key in ("shortDescription", "fullDescription", "help"):
                if not rule.get(key, {}).get("text"):
                    errors.append(f"{where}: {key}.text missing or empty")
            properties = rule.get("properties", {})
            if len(properties.get("tags", [])) > 10:
                errors.append(f"{where}: more than 10 tags")
            if "security-severity" in properties:
                try:
                    float(properties["security-severity"])
                except (TypeError, ValueError):
                    errors.append(f"{where}: security-severity is not a number")
                if not isinstance(properties["security-severity"], str):
                    errors.append(f"{where}: security-severity is not a string")
        for i, result in enumerate(run.get("results") or []):
            if not result.get("locations"):
                errors.append(f"runs/{r}/results/{i}: no locations")
                continue
            artifact = result["locations"][0]["physicalLocation"]["artifactLocation"]
            if "uriBaseId" in artifact and "://" in artifact["uri"]:
                errors.append(f"runs/{r}/results/{i}: absolute uri with a uriBaseId")
    return errors
