"""GitLab Code Quality JSON (the `codequality` report of a merge request widget).

A list of issues with `description`, `check_name`, `fingerprint`, `severity` and `location.path` /
`location.lines.begin`, as GitLab's "Code Quality" page specifies. The fingerprint is the one SARIF
and baselines use (no line numbers), so GitLab tracks an issue across unrelated edits. Severities map
error -> major, warning -> minor, note -> info (GitLab's scale: info, minor, major, critical, blocker).
"""
from __future__ import annotations

import json
from pathlib import Path

from byocni_lint.findings import Severity
from byocni_lint.report import RunResult, display_path, finding_fingerprint

SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.NOTE: "info"}


def render(result: RunResult, *, base_dir: Path) -> str:
    issues = []
    for finding in result.sorted_findings():
        span = finding.location.span
        issues.append({
            "type": "issue",
            "description": f"{finding.rule_id} {finding.message}",
            "check_name": finding.rule_id,
            "fingerprint": finding_fingerprint(finding, base_dir),
            "severity": SEVERITY[finding.severity],
            "location": {"path": display_path(finding.location.path, base_dir),
                         "lines": {"begin": span.line if span else 1}},
        })
    return json.dumps(issues, indent=2)
