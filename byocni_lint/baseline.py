"""Baselines: adopt the linter on an existing repository by recording today's findings and reporting
only new ones afterwards (checkov's --create-baseline / --baseline).

A finding is recorded by its fingerprint (rule, file relative to the repository root, resource,
property and what is wrong; never a line number: `report.finding_fingerprint`, the same value as
SARIF `partialFingerprints`), so the baseline survives lines inserted above a finding.
"""
from __future__ import annotations

import json
from pathlib import Path

from byocni_lint.findings import Finding
from byocni_lint.report import display_path, finding_fingerprint

FORMAT_KEY = "byocni-lint-baseline"
VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read or is not one of ours: a usage error (exit 2)."""


def write_baseline(path: Path, findings: list[Finding], base_dir: Path) -> int:
    """Record the findings that count (not suppressed); the number recorded."""
    entries = sorted(
        ({"fingerprint": finding_fingerprint(f, base_dir), "rule": f.rule_id,
          "path": display_path(f.location.path, base_dir), "message": f.message}
         for f in findings if f.suppressed is None),
        key=lambda entry: (entry["path"], entry["rule"], entry["fingerprint"]))
    document = {FORMAT_KEY: VERSION, "findings": entries}
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    return len(entries)


def read_baseline(path: Path) -> set[str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"cannot read baseline {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"baseline {path} is not JSON: {exc}") from None
    if not isinstance(document, dict) or document.get(FORMAT_KEY) != VERSION or not isinstance(document.get("findings"), list):
        raise BaselineError(f"{path} is not a byocni-lint baseline (expected {{\"{FORMAT_KEY}\": {VERSION}, \"findings\": [...]}}); "
                            "write one with --write-baseline")
    fingerprints = set()
    for index, entry in enumerate(document["findings"]):
        if not isinstance(entry, dict) or not isinstance(entry.get("fingerprint"), str):
            raise BaselineError(f"{path}: findings[{index}] has no fingerprint")
        fingerprints.add(entry["fingerprint"])
    return fingerprints


def new_findings(findings: list[Finding], known: set[str], base_dir: Path) -> tuple[list[Finding], int]:
    """The findings not in the baseline, and how many were left out because they are."""
    kept = [f for f in findings if finding_fingerprint(f, base_dir) not in known]
    return kept, len(findings) - len(kept)
