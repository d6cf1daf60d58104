"""A flat JSON document for scripts that want findings without learning SARIF.

Shape (keys always present and in this order; `null` where a value is unknown)::

    {
      "version": "<byocni-lint version>",
      "findings": [
        {
          "rule": "BYO001",
          "severity": "error" | "warning" | "note",
          "message": "...",
          "path": "infra/aks.json",          # relative to the base directory, "/" separators
          "line": 12, "column": 7,           # 1-based; null when the finding has no position
          "end_line": 12, "end_column": 30,  # end_column is exclusive, as in SARIF
          "resource": "managedClusters/aks1" | null,
          "property": "properties.networkProfile.serviceCidr" | null,
          "fix": "how to fix it" | null,
          "rules": ["BYO004", ...] | null,   # for a BYO901 note: the rules that needed the value
          "related": [{"path": ..., "line": ..., "column": ...}] | null  # the other file a finding rests on
          "fingerprint": "<sha256 hex>",      # stable across line moves; what baselines record
          "suppression": null | {"kind": "inSource", "justification": "<reason>"}
        }
      ],
      "summary": {"files": 3, "findings": 1, "suppressed": 0, "kinds": {"ARM template": 3}, "byocni_clusters": 1,
                  "error": 1, "warning": 0, "note": 0}
    }

Findings are sorted by path, line, column and rule, so the output diffs cleanly between runs.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from byocni_lint import __version__
from byocni_lint.findings import Finding
from byocni_lint.report import RunResult, display_path, finding_fingerprint


def render(result: RunResult, *, base_dir: Path) -> str:
    document = {
        "version": __version__,
        "findings": [_finding(finding, base_dir) for finding in result.sorted_findings(suppressed=True)],
        "summary": {
            "files": result.files_linted,
            "findings": len(result.active()),
            "suppressed": result.suppressed_count(),
            "kinds": result.kinds,
            "byocni_clusters": result.clusters,
            **{severity.label: n for severity, n in result.severity_counts().items()},
        },
    }
    return json.dumps(document, indent=2)


def _finding(finding: Finding, base_dir: Path) -> dict[str, Any]:
    span = finding.location.span
    return {
        "rule": finding.rule_id,
        "severity": finding.severity.label,
        "message": finding.message,
        "path": display_path(finding.location.path, base_dir),
        "line": span.line if span else None,
        "column": span.column if span else None,
        "end_line": span.end_line if span else None,
        "end_column": span.end_column if span else None,
        "resource": finding.resource,
        "property": finding.property,
        "fix": finding.fix,
        "rules": list(finding.rules) or None,
        "related": [{"path": display_path(where.path, base_dir), "line": where.span.line if where.span else None,
                     "column": where.span.column if where.span else None} for where in finding.related] or None,
        "fingerprint": finding_fingerprint(finding, base_dir),
        "suppression": None if finding.suppressed is None else {"kind": "inSource", "justification": finding.suppressed},
    }
