from __future__ import annotations

import json
import re
from pathlib import Path

from byocni_lint import __version__
from byocni_lint.findings import Finding, Location, Severity, Span
from byocni_lint.report import RunResult, finding_fingerprint, render


def as_json(result: RunResult, base_dir: Path) -> dict:
    return json.loads(render("json", result, base_dir=base_dir))


def test_finding_fields_and_values(tmp_path: Path) -> None:
    finding = Finding(
        "BYO004",
        Severity.WARNING,
        "podCidr is ignored when networkPlugin is none",
        Location(str(tmp_path / "infra" / "aks.json"), Span(12, 7, 13, 30)),
        resource="managedClusters/aks1",
        property="properties.networkProfile.podCidr",
        fingerprint_key="aks1/podCidr",
    )
    document = as_json(RunResult([finding], [], 1), tmp_path)
    assert document["findings"] == [
        {
            "rule": "BYO004",
            "severity": "warning",
            "message": "podCidr is ignored when networkPlugin is none",
            "path": "infra/aks.json",
            "line": 12,
            "column": 7,
            "end_line": 13,
            "end_column": 30,
            "resource": "managedClusters/aks1",
            "property": "properties.networkProfile.podCidr",
            "fix": None,
            "rules": None,
            "related": None,
            "fingerprint": finding_fingerprint(finding, tmp_path),
            "suppression": None,
        }
    ]
    assert re.fullmatch(r"[0-9a-f]{64}", document["findings"][0]["fingerprint"])


def test_unknown_position_and_context_are_null(tmp_path: Path) -> None:
    finding = Finding("BYO901", Severity.NOTE, "value unknown", Location("main.json"))
    (entry,) = as_json(RunResult([finding], [], 1), Path.cwd())["findings"]
    assert entry["path"] == "main.json"
    assert [entry[key] for key in ("line", "column", "end_line", "end_column", "resource", "property")] == [None] * 6


def test_document_shape_key_order_and_pretty_printing(tmp_path: Path) -> None:
    finding = Finding("BYO001", Severity.ERROR, "overlap", Location(str(tmp_path / "a.json"), Span(1, 2, 1, 3)))
    output = render("json", RunResult([finding], [], 1), base_dir=tmp_path)
    document = json.loads(output)
    assert list(document) == ["version", "findings", "summary"]
    assert document["version"] == __version__
    assert list(document["findings"][0]) == [
        "rule", "severity", "message", "path", "line", "column", "end_line", "end_column", "resource", "property", "fix", "rules", "related",
        "fingerprint", "suppression",
    ]
    assert output == json.dumps(document, indent=2)


def test_findings_sorted_and_summary_counted(tmp_path: Path) -> None:
    def at(name: str, line: int, rule: str, severity: Severity) -> Finding:
        return Finding(rule, severity, "m", Location(str(tmp_path / name), Span(line, 1, line, 2)))

    findings = [
        at("b.json", 1, "BYO001", Severity.ERROR),
        at("a.json", 9, "BYO002", Severity.WARNING),
        at("a.json", 2, "BYO003", Severity.WARNING),
        at("a.json", 2, "BYO001", Severity.NOTE),
    ]
    document = as_json(RunResult(findings, [], 4), tmp_path)
    assert [(f["path"], f["line"], f["rule"]) for f in document["findings"]] == [
        ("a.json", 2, "BYO001"), ("a.json", 2, "BYO003"), ("a.json", 9, "BYO002"), ("b.json", 1, "BYO001"),
    ]
    assert document["summary"] == {"files": 4, "findings": 4, "suppressed": 0, "kinds": {}, "byocni_clusters": None, "error": 1, "warning": 2, "note": 1}


def test_clean_run(tmp_path: Path) -> None:
    document = as_json(RunResult([], [], 2), tmp_path)
    assert document["findings"] == []
    assert document["summary"] == {"files": 2, "findings": 0, "suppressed": 0, "kinds": {}, "byocni_clusters": None, "error": 0, "warning": 0, "note": 0}


def test_a_relative_path_is_shown_against_the_working_folder_of_each_call(tmp_path: Path, monkeypatch) -> None:
    from byocni_lint.report import display_path

    (tmp_path / "a" / "deep").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "a")
    assert display_path("t.json", tmp_path) == "a/t.json"
    monkeypatch.chdir(tmp_path / "a" / "deep")  # the same arguments, another working folder
    assert display_path("t.json", tmp_path) == "a/deep/t.json"
